"""Ends the child with os._exit (no exception, no cleanup), or segfaults it."""

import os


def f():
    os._exit(0)


def g():
    os._exit(7)


def segfault():
    import ctypes

    return ctypes.string_at(0)


def ok(x):
    return x + 1
