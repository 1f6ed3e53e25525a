"""Returns NaN and infinities."""

import numpy as np


def scalar():
    return float("nan")


def array():
    return np.array([np.nan, np.inf, -np.inf, 1.0])


def np_nan():
    return np.float64("nan")
