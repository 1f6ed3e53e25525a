"""Deliberately naive reference implementations, used only to *verify* the others.

Everything here is written with explicit Python loops and shares no code with
the vectorised modules (``conv.py``, ``params.py``, ``mle.py``, ...), so that
agreement between the two is real evidence that both are right.  Speed is not
a goal: use small inputs.

Conventions are the same as in the vectorised modules: "convolution" is
cross-correlation (no kernel flip), ``stride``/``pad``/``size`` are an int or
a pair ``(vertical, horizontal)``, windows that do not fit are dropped (floor
convention), and integer inputs give integer results.
"""

import math

import numpy as np

__all__ = [
    "conv2d_loops",
    "conv2d_multi_loops",
    "maxpool2d_loops",
    "avgpool2d_loops",
    "maxpool2d_backward_loops",
    "receptive_field_loops",
    "count_params_loops",
    "numerical_gradient",
    "mle_brute_force_bernoulli",
    "mle_brute_force_poisson",
    "mle_brute_force_exponential",
    "mle_brute_force_gaussian",
    "mle_brute_force_uniform",
    "gaussian_mle_cov_loops",
]


def _two(v):
    """Return ``v`` as a pair; an int ``v`` means ``(v, v)``."""
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def _starts(n, f, stride):
    """List the start indices of every window of length ``f`` that fits in ``n``."""
    starts = []
    start = 0
    while start + f <= n:
        starts.append(start)
        start += stride
    return starts


# --------------------------------------------------------------------------
# convolution and pooling with loops
# --------------------------------------------------------------------------


def conv2d_loops(x, k, stride=1, pad=0, bias=0):
    """Cross-correlation of an ``(H, W)`` image with an ``(FH, FW)`` kernel, with loops.

    Zero padding is not materialised: a pixel outside the image counts as 0.
    Returns ``(H', W')`` with the result dtype of ``x``, ``k`` and ``bias``.
    """
    x, k = np.asarray(x), np.asarray(k)
    H, W = x.shape
    FH, FW = k.shape
    sh, sw = _two(stride)
    ph, pw = _two(pad)
    row_starts = _starts(H + 2 * ph, FH, sh)
    col_starts = _starts(W + 2 * pw, FW, sw)
    out = np.zeros((len(row_starts), len(col_starts)), dtype=np.result_type(x, k, bias))
    for i, r in enumerate(row_starts):
        for j, c in enumerate(col_starts):
            total = bias
            for a in range(FH):
                for b in range(FW):
                    row, col = r + a - ph, c + b - pw  # position in the unpadded image
                    if 0 <= row < H and 0 <= col < W:
                        total += x[row, col].item() * k[a, b].item()
            out[i, j] = total
    return out


def conv2d_multi_loops(x, w, b=None, stride=1, pad=0):
    """Multi-channel convolution with loops: ``x`` (C, H, W), ``w`` (F, C, FH, FW), ``b`` (F,).

    Returns ``(F, H', W')``.
    """
    x, w = np.asarray(x), np.asarray(w)
    b = None if b is None else np.asarray(b)
    C, H, W = x.shape
    F, C_w, FH, FW = w.shape
    if C != C_w:
        raise ValueError(f"channel mismatch: x has {C}, w has {C_w}")
    sh, sw = _two(stride)
    ph, pw = _two(pad)
    row_starts = _starts(H + 2 * ph, FH, sh)
    col_starts = _starts(W + 2 * pw, FW, sw)
    dtype = np.result_type(x, w) if b is None else np.result_type(x, w, b)
    out = np.zeros((F, len(row_starts), len(col_starts)), dtype=dtype)
    for f in range(F):
        for i, r in enumerate(row_starts):
            for j, c in enumerate(col_starts):
                total = 0 if b is None else b[f].item()
                for ch in range(C):
                    for a in range(FH):
                        for bb in range(FW):
                            row, col = r + a - ph, c + bb - pw
                            if 0 <= row < H and 0 <= col < W:
                                total += x[ch, row, col].item() * w[f, ch, a, bb].item()
                out[f, i, j] = total
    return out


def _pool_loops(x, size, stride, reduce, dtype):
    """Apply ``reduce(list_of_values)`` to every pooling window of a 2-D or 3-D ``x``."""
    x = np.asarray(x)
    x3 = x if x.ndim == 3 else x.reshape(1, *x.shape)
    ph, pw = _two(size)
    sh, sw = (ph, pw) if stride is None else _two(stride)
    row_starts = _starts(x3.shape[1], ph, sh)
    col_starts = _starts(x3.shape[2], pw, sw)
    out = np.zeros((x3.shape[0], len(row_starts), len(col_starts)), dtype=dtype)
    for ch in range(x3.shape[0]):
        for i, r in enumerate(row_starts):
            for j, c in enumerate(col_starts):
                values = []
                for a in range(ph):
                    for b in range(pw):
                        values.append(x3[ch, r + a, c + b].item())
                out[ch, i, j] = reduce(values)
    return out if x.ndim == 3 else out[0]


def maxpool2d_loops(x, size, stride=None):
    """Max pooling with loops; ``x`` (H, W) or (C, H, W), stride defaults to size."""
    return _pool_loops(x, size, stride, max, np.asarray(x).dtype)


def avgpool2d_loops(x, size, stride=None):
    """Average pooling with loops; ``x`` (H, W) or (C, H, W); returns floats."""
    return _pool_loops(x, size, stride, lambda v: sum(v) / len(v), np.float64)


def maxpool2d_backward_loops(x, dout, size, stride=None):
    """Max-pool gradient with loops: each ``dout`` entry goes to its window's first maximum.

    Windows are scanned in row-major order and only a strictly larger value
    replaces the current best, so ties go to the first maximum.  Overlapping
    windows accumulate.  Returns an array of ``x``'s shape.
    """
    x, dout = np.asarray(x), np.asarray(dout)
    x3 = x if x.ndim == 3 else x.reshape(1, *x.shape)
    d3 = dout if dout.ndim == 3 else dout.reshape(1, *dout.shape)
    ph, pw = _two(size)
    sh, sw = (ph, pw) if stride is None else _two(stride)
    dx = np.zeros(x3.shape, dtype=dout.dtype)
    for ch in range(x3.shape[0]):
        for i, r in enumerate(_starts(x3.shape[1], ph, sh)):
            for j, c in enumerate(_starts(x3.shape[2], pw, sw)):
                best_row, best_col = r, c
                for a in range(ph):
                    for b in range(pw):
                        if x3[ch, r + a, c + b] > x3[ch, best_row, best_col]:
                            best_row, best_col = r + a, c + b
                dx[ch, best_row, best_col] += d3[ch, i, j]
    return dx if x.ndim == 3 else dx[0]


def receptive_field_loops(layers):
    """Receptive field by tracing which input pixels reach output unit 0, layer by layer.

    ``layers`` is a list of ``(kernel, stride)`` pairs.  Starting from the set
    ``{0}`` at the last layer, unit ``u`` of a layer reads units
    ``u*stride .. u*stride + kernel - 1`` of the layer below; the answer is the
    span of the set reached at the input.
    """
    units = {0}
    for kernel, stride in reversed(list(layers)):
        below = set()
        for u in units:
            for d in range(kernel):
                below.add(u * stride + d)
        units = below
    return max(units) - min(units) + 1


# --------------------------------------------------------------------------
# parameter counting by building the weight arrays
# --------------------------------------------------------------------------


def count_params_loops(layers, input_shape):
    """Count learnable parameters by allocating every weight array and summing sizes.

    Same layer-spec format as ``params.py`` (list of dicts with a ``"type"``).
    conv weights are ``(F, C, KH, KW)`` plus a bias ``(F,)``; dense weights are
    ``(n_in, units)`` plus ``(units,)``; batchnorm has gamma and beta of one
    entry per channel (or per feature).  Spatial sizes are found by counting
    window positions.
    """
    shape = list(input_shape)
    arrays = []
    for layer in layers:
        kind = layer["type"]
        if kind == "conv":
            C, H, W = shape
            F = layer["filters"]
            kh, kw = _two(layer["kernel"])
            sh, sw = _two(layer.get("stride", 1))
            ph, pw = _two(layer.get("pad", 0))
            arrays.append(np.zeros((F, C, kh, kw)))
            if layer.get("bias", True):
                arrays.append(np.zeros(F))
            shape = [F, len(_starts(H + 2 * ph, kh, sh)), len(_starts(W + 2 * pw, kw, sw))]
        elif kind in ("pool", "maxpool", "avgpool"):
            C, H, W = shape
            ph, pw = _two(layer["size"])
            sh, sw = _two(layer.get("stride", layer["size"]))
            shape = [C, len(_starts(H, ph, sh)), len(_starts(W, pw, sw))]
        elif kind == "flatten":
            total = 1
            for n in shape:
                total *= n
            shape = [total]
        elif kind == "dense":
            (n_in,) = shape
            arrays.append(np.zeros((n_in, layer["units"])))
            if layer.get("bias", True):
                arrays.append(np.zeros(layer["units"]))
            shape = [layer["units"]]
        elif kind == "batchnorm":
            arrays.append(np.zeros(shape[0]))  # gamma
            arrays.append(np.zeros(shape[0]))  # beta
        elif kind in ("relu", "sigmoid", "tanh", "softmax", "dropout"):
            pass
        else:
            raise ValueError(f"unknown layer type {kind!r}")
    return sum(a.size for a in arrays)


# --------------------------------------------------------------------------
# numerical gradient
# --------------------------------------------------------------------------


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of a scalar function ``f`` at ``x``.

    ``grad[idx] = (f(x + h e_idx) - f(x - h e_idx)) / (2h)`` for every entry.
    ``x`` may be an array of any shape (the result has the same shape, float)
    or a number / 0-d array (the result is a float).  ``x`` is not modified.
    """
    scalar = np.ndim(x) == 0
    point = np.array(x, dtype=float)
    grad = np.zeros_like(point)
    for idx in np.ndindex(point.shape):
        old = point[idx]
        point[idx] = old + h
        f_plus = float(f(float(point) if scalar else point.copy()))
        point[idx] = old - h
        f_minus = float(f(float(point) if scalar else point.copy()))
        point[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return float(grad) if scalar else grad


# --------------------------------------------------------------------------
# maximum likelihood by grid search
# --------------------------------------------------------------------------


def _grid_argmax(grid, loglik):
    """Return the grid point with the largest log-likelihood (first one on ties)."""
    return float(grid[int(np.argmax(loglik))])


def mle_brute_force_bernoulli(flips, grid=None):
    """Bernoulli MLE by maximising the log-likelihood on a grid of theta values.

    ``flips`` is a sequence of 0/1 outcomes; ``grid`` defaults to 10001 evenly
    spaced points in [0, 1] (spacing 1e-4).  The log-likelihood is summed one
    observation at a time: ``log(theta)`` for a 1, ``log(1 - theta)`` for a 0.
    """
    grid = np.linspace(0.0, 1.0, 10001) if grid is None else np.asarray(grid, dtype=float)
    loglik = np.zeros_like(grid)
    with np.errstate(divide="ignore"):
        for flip in flips:
            loglik += np.log(grid) if flip == 1 else np.log(1.0 - grid)
    return _grid_argmax(grid, loglik)


def mle_brute_force_poisson(x, grid=None):
    """Poisson rate MLE by grid search; ``grid`` defaults to 10001 points in [0, max(x) + 1].

    Per observation the log-pmf is ``x log(lam) - lam - log(x!)`` (with
    ``0 * log 0 = 0``).
    """
    x = [int(v) for v in x]
    grid = np.linspace(0.0, max(x) + 1.0, 10001) if grid is None else np.asarray(grid, dtype=float)
    loglik = np.zeros_like(grid)
    with np.errstate(divide="ignore"):
        for count in x:
            log_term = count * np.log(grid) if count > 0 else 0.0
            loglik += log_term - grid - math.lgamma(count + 1)
    return _grid_argmax(grid, loglik)


def mle_brute_force_exponential(x, grid=None):
    """Exponential *rate* MLE by grid search (density ``lam * exp(-lam * x)``).

    ``grid`` defaults to 20000 points in (0, 2 / min(x)] (the rate cannot
    exceed 1 / min(x)).
    """
    x = [float(v) for v in x]
    if grid is None:
        grid = np.linspace(0.0, 2.0 / min(x), 20001)[1:]
    grid = np.asarray(grid, dtype=float)
    loglik = np.zeros_like(grid)
    with np.errstate(divide="ignore"):
        for value in x:
            loglik += np.log(grid) - grid * value
    return _grid_argmax(grid, loglik)


def mle_brute_force_uniform(x, grid=None):
    """MLE of ``theta`` for ``U(0, theta)`` by evaluating the likelihood on a grid.

    The likelihood is ``prod_i 1/theta`` if every observation lies in
    ``[0, theta]``, else 0; it is computed one observation at a time (no closed
    form is used).  ``grid`` defaults to 20001 points in [0, 2 * max(x)]
    (theta = 0 gets likelihood 0).  Returns the grid point with the largest likelihood.
    """
    x = [float(v) for v in x]
    if grid is None:
        grid = np.linspace(0.0, 2.0 * max(x), 20001)
    grid = np.asarray(grid, dtype=float)
    likelihood = np.ones_like(grid)
    for value in x:
        inside = (grid > 0) & (value >= 0) & (value <= grid)
        with np.errstate(divide="ignore"):
            likelihood = likelihood * np.where(inside, 1.0 / np.where(grid > 0, grid, 1.0), 0.0)
    return _grid_argmax(grid, likelihood)


def mle_brute_force_gaussian(x, mu_grid=None, var_grid=None):
    """Gaussian ``(mean, variance)`` MLE by searching a 2-D grid; returns two floats.

    Defaults: ``mu_grid`` has 401 points in [min(x), max(x)], ``var_grid`` has
    400 points in (0, (max(x) - min(x))**2] (or (0, 1] if all x are equal).
    The log-density ``-0.5*log(2*pi*var) - (x - mu)**2 / (2*var)`` is summed
    over observations on the whole grid.
    """
    x = [float(v) for v in x]
    lo, hi = min(x), max(x)
    if mu_grid is None:
        mu_grid = np.linspace(lo, hi, 401)
    if var_grid is None:
        var_grid = np.linspace(0.0, (hi - lo) ** 2 if hi > lo else 1.0, 401)[1:]
    mu = np.asarray(mu_grid, dtype=float)[:, None]
    var = np.asarray(var_grid, dtype=float)[None, :]
    loglik = np.zeros((mu.shape[0], var.shape[1]))
    for value in x:
        loglik += -0.5 * np.log(2 * math.pi * var) - (value - mu) ** 2 / (2 * var)
    i, j = np.unravel_index(int(np.argmax(loglik)), loglik.shape)
    return float(mu[i, 0]), float(var[0, j])


def gaussian_mle_cov_loops(X):
    """Biased (1/n) sample covariance of the rows of ``X`` (n, d), with explicit loops."""
    X = np.asarray(X, dtype=float)
    n, d = X.shape
    means = [sum(X[i, a] for i in range(n)) / n for a in range(d)]
    cov = np.zeros((d, d))
    for a in range(d):
        for b in range(d):
            cov[a, b] = sum((X[i, a] - means[a]) * (X[i, b] - means[b]) for i in range(n)) / n
    return cov
