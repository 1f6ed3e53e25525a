"""Imports a module that does not exist, but only inside a function."""


def f(x):
    import numpy_but_faster

    return numpy_but_faster.fast(x)


def ok(x):
    return x
