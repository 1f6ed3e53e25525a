"""Allocates far more memory than allowed, at once or bit by bit."""

import numpy as np


def at_once():
    return np.ones(10**10)


def bit_by_bit():
    hog = []
    while True:
        hog.append(bytearray(10**7))
