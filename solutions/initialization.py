"""Weight initialisation: Xavier/He/LeCun variances and variance propagation (NumPy only).

``xavier_var`` / ``he_var`` / ``lecun_var`` give the weight *variance* (the
standard deviation is its square root); ``xavier_uniform_bound`` the bound of the
uniform distribution with that variance; ``conv_fans`` the fan-in and fan-out of a
convolution; ``preactivation_variances`` follows the variance of the
pre-activations through a stack of layers at initialisation.

``preactivation_variances_loops`` is an independent check that reaches the same
numbers by another route; it shares no code with ``preactivation_variances``.
"""

import math

import numpy as np

__all__ = [
    "relu_chain_variances",
    "relu_chain_variances_brute",
    "xavier_var",
    "xavier_uniform_bound",
    "he_var",
    "lecun_var",
    "conv_fans",
    "preactivation_variances",
    "preactivation_variances_loops",
]


def _fan(n, name):
    """Check that a fan-in/fan-out is a positive number."""
    if n <= 0:
        raise ValueError(f"{name} must be positive, got {n}")
    return n


def xavier_var(n_in, n_out):
    """Glorot/Xavier initialisation variance ``2 / (n_in + n_out)``."""
    return 2 / (_fan(n_in, "n_in") + _fan(n_out, "n_out"))


def xavier_uniform_bound(n_in, n_out):
    """Bound ``a = sqrt(6 / (n_in + n_out))`` of Xavier-uniform ``U(-a, a)``.

    Its variance ``a**2 / 3`` equals ``xavier_var(n_in, n_out)``.
    """
    return float(np.sqrt(6 / (_fan(n_in, "n_in") + _fan(n_out, "n_out"))))


def he_var(n_in):
    """He (Kaiming) initialisation variance for ReLU layers: ``2 / n_in``."""
    return 2 / _fan(n_in, "n_in")


def lecun_var(n_in):
    """LeCun initialisation variance ``1 / n_in``."""
    return 1 / _fan(n_in, "n_in")


def conv_fans(c_in, c_out, kh, kw=None):
    """Fan-in and fan-out ``(c_in*kh*kw, c_out*kh*kw)`` of a convolution.

    Each output value sums over ``c_in`` channels times a ``kh x kw`` window
    (fan-in); each input value feeds ``c_out`` filters at ``kh*kw`` kernel
    positions (fan-out, as PyTorch's ``kaiming``/``xavier`` count it).
    ``kw`` defaults to ``kh`` (square kernels).
    """
    kw = kh if kw is None else kw
    for value, name in ((c_in, "c_in"), (c_out, "c_out"), (kh, "kh"), (kw, "kw")):
        _fan(value, name)
    return c_in * kh * kw, c_out * kh * kw


def _layers(fan_ins, weight_vars):
    """Fan-ins and weight variances as equal-length float lists (a scalar variance repeats)."""
    fan_ins = [float(n) for n in np.atleast_1d(np.asarray(fan_ins, dtype=float))]
    wv = np.asarray(weight_vars, dtype=float)
    weight_vars = [float(wv)] * len(fan_ins) if wv.ndim == 0 else [float(x) for x in wv]
    if len(weight_vars) != len(fan_ins) or not fan_ins:
        raise ValueError(f"need one weight variance per layer: {len(fan_ins)} fan-ins, "
                         f"{len(weight_vars)} variances")
    for n in fan_ins:
        if _fan(n, "fan-in") != int(n):
            raise ValueError(f"a fan-in is a whole number of inputs, got {n}")
    if min(weight_vars) < 0:
        raise ValueError(f"weight variances must be non-negative, got {weight_vars}")
    return fan_ins, weight_vars


def preactivation_variances(v0, fan_ins, weight_vars, relu=False):
    """Variance of the pre-activations of each layer of a deep network at initialisation.

    Layer ``l`` (from 1) computes ``z_l = W_l a_{l-1}`` (no bias) with
    ``fan_ins[l-1]`` inputs; the weights are independent, zero-mean and
    symmetric, with variance ``weight_vars[l-1]`` (a scalar applies to every
    layer), independent of the activations.  The input ``a_0 = x`` has
    zero-mean entries of variance ``v0``; ``a_l = relu(z_l)`` if ``relu`` else
    ``z_l``.  Then ``Var(z_l) = n_l * Var(w) * E[a_{l-1}**2]`` with
    ``E[a**2] = Var(z)`` (linear) or ``Var(z) / 2`` (ReLU keeps half of a
    symmetric ``z``).  Returns the array ``[Var(z_1), ..., Var(z_L)]``.
    """
    if v0 < 0:
        raise ValueError(f"the input variance must be non-negative, got {v0}")
    fan_ins, weight_vars = _layers(fan_ins, weight_vars)
    out, second_moment = [], float(v0)
    for n, s2 in zip(fan_ins, weight_vars, strict=False):
        var_z = n * s2 * second_moment
        out.append(var_z)
        second_moment = var_z / 2 if relu else var_z
    return np.array(out)


def _relu_second_moment_gaussian(var, points=20001):
    """E[relu(z)**2] for z ~ N(0, var), by the trapezoid rule on [0, 12 sd]."""
    if var == 0:
        return 0.0
    sd = math.sqrt(var)
    z = np.linspace(0.0, 12.0 * sd, points)
    f = z**2 * np.exp(-(z**2) / (2 * var)) / math.sqrt(2 * math.pi * var)
    return float(np.sum((f[1:] + f[:-1]) / 2) * (z[1] - z[0]))


def preactivation_variances_loops(v0, fan_ins, weight_vars, relu=False):
    """Check of :func:`preactivation_variances` by another route.

    ``Var(z)`` is the sum, over the ``n`` inputs, of
    ``Var(w_j a_j) = E[w**2] E[a**2] - (E[w] E[a])**2`` (an explicit loop), and
    for ReLU layers ``E[relu(z)**2]`` is integrated numerically for a
    Gaussian ``z`` (the pre-activation is a sum of many independent terms)
    instead of using the ``1/2`` rule.
    """
    if v0 < 0:
        raise ValueError(f"the input variance must be non-negative, got {v0}")
    fan_ins, weight_vars = _layers(fan_ins, weight_vars)
    mean_w = 0.0  # zero-mean weights
    out, second_moment, mean_a = [], float(v0), 0.0
    for n, s2 in zip(fan_ins, weight_vars, strict=False):
        var_z = 0.0
        for _ in range(int(n)):
            var_z += s2 * second_moment - (mean_w * mean_a) ** 2
        out.append(var_z)
        if relu:
            second_moment = _relu_second_moment_gaussian(var_z)
            mean_a = math.sqrt(var_z / (2 * math.pi))  # E[relu(z)] > 0
        else:
            second_moment, mean_a = var_z, 0.0
    return np.array(out)


def relu_chain_variances(v0, fans, weight_vars):
    """Var(z_l) of each layer of a bias-free ReLU chain z_l = W_l ReLU(z_(l-1)).

    Inputs of variance v0 (mean 0); layer l has fan-in fans[l] and weight variance
    weight_vars[l]. Var(z_1) = n_0 s_1 v0; after a ReLU the second moment of a symmetric z
    is Var(z)/2."""
    out = []
    second = float(v0)  # E[input^2] for layer 1: the raw input
    for n, s in zip(fans, weight_vars, strict=True):
        var = n * s * second
        out.append(var)
        second = var / 2
    return np.array(out)


def relu_chain_variances_brute(v0, fans, weight_vars, grid=20001):
    """relu_chain_variances by numerical integration of the ReLU's second moment.

    E[ReLU(z)^2] is z^2 times the normal density integrated over z > 0 (trapezoids), and
    each layer's variance an explicit sum over its fan-in of Var(w) E[a_i^2]."""
    import math

    out = []
    second = float(v0)
    for n, s in zip(fans, weight_vars, strict=True):
        var = 0.0
        for _ in range(int(n)):
            var += s * second
        out.append(var)
        sd = math.sqrt(var)
        top = 12 * sd
        h = top / (grid - 1)
        total = 0.0
        for k in range(grid):
            z = k * h
            f = z * z * math.exp(-z * z / (2 * var)) / (sd * math.sqrt(2 * math.pi))
            total += f * (0.5 if k in (0, grid - 1) else 1.0)
        second = total * h
    return np.array(out)

