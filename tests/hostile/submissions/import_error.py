"""Imports a module that does not exist."""

import numpy_but_faster  # noqa: F401


def f(x):
    return x
