"""Calls sys.exit() inside a call, and raises KeyboardInterrupt in another."""

import sys


def f():
    sys.exit(0)


def g():
    raise SystemExit(3)


def h():
    raise KeyboardInterrupt


def ok():
    return "fine"
