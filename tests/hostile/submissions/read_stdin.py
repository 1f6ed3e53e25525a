"""Reads stdin (it must get end-of-file at once, not hang)."""

import sys


def read():
    return sys.stdin.read()


def ask():
    return input("answer? ")
