"""Helpers shared by the assignment-reference tests, independent of any module under test:
central differences, tie-free arrays, window positions counted one by one."""

from __future__ import annotations

import numpy as np


def num_grad(f, x, h=1e-6):
    """Central differences of the scalar ``f(x)`` with respect to every entry of ``x``."""
    x = np.array(x, dtype=np.float64)  # a float64 copy that is perturbed in place
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = f(x)
        x[idx] = old - h
        minus = f(x)
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * h)
    return grad


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
