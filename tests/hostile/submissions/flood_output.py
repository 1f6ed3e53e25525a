"""Prints without end, to stdout and stderr."""

import sys


def f():
    while True:
        print("x" * 1000)
        sys.stderr.write("y" * 1000)


def chatty():
    print("z" * 20_000)
    return 1
