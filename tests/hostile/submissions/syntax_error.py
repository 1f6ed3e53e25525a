"""A syntax error on line 5."""


def f(x):
    return (x +
