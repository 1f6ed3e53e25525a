"""Helpers shared by the assignment-reference tests, independent of any module under test:
tie-free arrays, window positions counted one by one.  (Central differences come from
`mldrill.verify.methods.numerical_gradient`, the one numerical gradient of the project.)"""

from __future__ import annotations

import numpy as np


def distinct(rng, shape):
    """Values with pairwise gaps of at least 0.01 (no ties: max-pool is differentiable)."""
    return rng.permutation(int(np.prod(shape))).reshape(shape) * 0.01 + rng.uniform(0, 1e-3)


def positions(size, window, stride):
    """Start offsets of the windows that fit, counted one by one."""
    starts, start = [], 0
    while start + window <= size:
        starts.append(start)
        start += stride
    return starts
