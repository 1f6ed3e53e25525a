"""Returns an ndarray subclass whose __eq__ and __array__ lie."""

import numpy as np


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return True

    def __array__(self, dtype=None, copy=None):
        return np.full(self.shape, 42.0)

    def __repr__(self):
        return "array([1., 2., 3.])"


def f(x):
    return np.zeros_like(x).view(LyingArray)


def matrix(x):
    return np.asmatrix(x)


def liar_scalar():
    class F(np.float64):
        __module__ = "numpy"

        def __eq__(self, other):
            return True

    return F(7.0)
