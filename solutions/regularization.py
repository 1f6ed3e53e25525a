"""Regularisation by hand: L2 / L1 penalties, inverted dropout, label smoothing, batch norm.

Conventions:

* A batch is stored **as rows** (``X`` is ``(N, D)``), as in ``solutions/nn.py``.
* L2: the penalty is ``(alpha/2) ||w||**2`` by default (gradient ``alpha w``);
  ``half=False`` means ``alpha ||w||**2`` (gradient ``2 alpha w``).
* L1: the penalty ``lam ||w||_1`` has the subgradient ``lam * sign(w)``, taking
  the value 0 where ``w_i = 0`` (any value in ``[-lam, lam]`` is a valid
  subgradient there; 0 is the usual choice, and NumPy's ``sign(0) = 0``).
* Inverted dropout: ``mask`` is given (1 = kept, 0 = dropped), ``keep`` is the
  keep probability, and kept units are divided by ``keep`` at training time.
* Label smoothing with ``eps`` over ``k`` classes: the target is
  ``(1 - eps) * onehot(y) + eps / k`` (the true class gets ``1 - eps + eps/k``,
  every other class ``eps/k``), as in Szegedy et al. (2016) and PyTorch.
* Batch norm (training mode) normalises each column over the batch with the
  biased ``1/N`` variance.

The ``*_loops`` functions are independent checks written with explicit loops; they
share no code with the vectorised functions beside them.
"""

import math

import numpy as np

__all__ = [
    "l2_penalty_grad",
    "l1_subgradient",
    "regularized_sgd_step",
    "regularized_sgd_step_loops",
    "dropout_inverted",
    "dropout_inverted_loops",
    "smooth_labels",
    "smooth_labels_loops",
    "soft_cross_entropy",
    "soft_cross_entropy_loops",
    "batchnorm_forward",
    "batchnorm_backward",
    "batch_mean_var_loops",
    "batchnorm_forward_loops",
]


def _floats(a, name):
    """``a`` as a float array, refusing non-numeric input."""
    a = np.asarray(a)
    if not np.issubdtype(a.dtype, np.number):
        raise ValueError(f"{name} must be numeric, got dtype {a.dtype}")
    return a.astype(np.float64)


def _float_array(a, name):
    """Convert ``a`` to a floating-point array (integers become float64)."""
    a = np.asarray(a)
    if not np.issubdtype(a.dtype, np.number):
        raise ValueError(f"{name} must be numeric, got dtype {a.dtype}")
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(np.float64)


def _nonneg(value, name):
    """Check a coefficient is a non-negative number."""
    if value < 0:
        raise ValueError(f"{name} must be non-negative, got {value}")
    return value


# --------------------------------------------------------------------------
# weight penalties
# --------------------------------------------------------------------------


def l2_penalty_grad(w, alpha, half=True):
    """Gradient of the L2 penalty: ``alpha * w``, or ``2 * alpha * w`` if ``half=False``.

    ``half=True`` is the penalty ``(alpha/2)||w||**2``; ``half=False`` is
    ``alpha ||w||**2``.
    """
    _nonneg(alpha, "alpha")
    w = _floats(w, "w")
    return ((alpha if half else 2 * alpha) * w)[()]


def l1_subgradient(w, lam):
    """Subgradient ``lam * sign(w)`` of ``lam * ||w||_1`` (0 where ``w_i == 0``)."""
    _nonneg(lam, "lam")
    w = _floats(w, "w")
    return (lam * np.sign(w))[()]


def regularized_sgd_step(w, g, lr, l2=0.0, l1=0.0, half=True):
    """One (sub)gradient step on ``loss + L2 penalty + l1 ||w||_1``.

    ``g`` is the gradient of the unregularised loss at ``w`` (same shape).
    The L2 penalty is ``(l2/2)||w||**2`` (``half=True``) or ``l2 ||w||**2``.
    Returns ``w - lr * (g + l2_penalty_grad(w, l2, half) + l1_subgradient(w, l1))``;
    with ``l1 = 0`` and ``half=True`` this is weight decay,
    ``(1 - lr*l2) w - lr g``.
    """
    _nonneg(lr, "the learning rate")
    w, g = _floats(w, "w"), _floats(g, "g")
    if w.shape != g.shape:
        raise ValueError(f"w and g must have one shape, got {w.shape} and {g.shape}")
    total = g + l2_penalty_grad(w, l2, half) + l1_subgradient(w, l1)
    return (w - lr * total)[()]


def regularized_sgd_step_loops(w, g, lr, l2=0.0, l1=0.0, half=True):
    """Check of :func:`regularized_sgd_step`, element by element.

    Written as weight decay: each weight is first shrunk by the factor
    ``1 - lr*l2`` (``1 - 2*lr*l2`` without the 1/2), then moved by
    ``-lr * g_i`` and by ``-lr * l1`` towards zero (not at all if it is 0).
    """
    _nonneg(lr, "the learning rate")
    _nonneg(l2, "l2")
    _nonneg(l1, "l1")
    w, g = _floats(w, "w"), _floats(g, "g")
    if w.shape != g.shape:
        raise ValueError(f"w and g must have one shape, got {w.shape} and {g.shape}")
    shrink = 1 - lr * (l2 if half else 2 * l2)
    out = []
    for wi, gi in zip(w.ravel().tolist(), g.ravel().tolist(), strict=False):
        toward_zero = 0.0 if wi == 0 else (lr * l1 if wi > 0 else -lr * l1)
        out.append(shrink * wi - lr * gi - toward_zero)
    return np.reshape(out, w.shape)[()]


# --------------------------------------------------------------------------
# dropout
# --------------------------------------------------------------------------


def dropout_inverted(X, mask, keep):
    """Inverted dropout at training time: ``X * mask / keep``.

    ``mask`` is a 0/1 array broadcastable to ``X`` (1 = kept) and ``keep`` the
    keep probability in (0, 1]; dividing by ``keep`` keeps the expected
    activation unchanged, so nothing is rescaled at test time.
    """
    if not 0 < keep <= 1:
        raise ValueError(f"keep must be a probability in (0, 1], got {keep}")
    X, mask = np.asarray(X), np.asarray(mask)
    try:
        fits = np.broadcast_shapes(X.shape, mask.shape) == X.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"mask shape {mask.shape} does not broadcast to X shape {X.shape}")
    return X * mask / keep


def dropout_inverted_loops(X, mask, keep):
    """Check of ``dropout_inverted`` with explicit loops.

    ``X`` and ``mask`` are 2-D of one shape; entry ``(i, j)`` is
    ``X[i, j] / keep`` where ``mask[i, j] == 1`` and 0 where it is 0.
    """
    if not 0 < keep <= 1:
        raise ValueError(f"keep must be a probability in (0, 1], got {keep}")
    X, mask = _floats(X, "X"), np.asarray(mask)
    if X.ndim != 2 or mask.shape != X.shape:
        raise ValueError(f"X and mask must be 2-D of one shape, got {X.shape} and {mask.shape}")
    if not np.all((mask == 0) | (mask == 1)):
        raise ValueError("mask entries must be 0 or 1")
    out = np.zeros(X.shape)
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            if mask[i, j] == 1:
                out[i, j] = X[i, j] / keep
    return out


# --------------------------------------------------------------------------
# label smoothing
# --------------------------------------------------------------------------


def _smoothing_args(y, k, eps):
    """Validate labels (int or int vector in 0..k-1), k >= 2 and eps in [0, 1]."""
    if not float(k).is_integer() or k < 2:
        raise ValueError(f"k must be a whole number of classes >= 2, got {k}")
    if not 0 <= eps <= 1:
        raise ValueError(f"eps must be in [0, 1], got {eps}")
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.integer) or y.ndim > 1:
        raise ValueError(f"y must be an integer label or a vector of them, got {y!r}")
    if y.size and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"labels must lie in 0..{int(k) - 1}, got {y.tolist()}")
    return y, int(k)


def smooth_labels(y, k, eps):
    """Smoothed targets ``(1 - eps) * onehot(y, k) + eps / k``.

    ``y`` is one integer label (result shape ``(k,)``) or a vector of ``N``
    labels (result ``(N, k)``); each row sums to 1.
    """
    y, k = _smoothing_args(y, k, eps)
    return (1 - eps) * np.eye(k)[y] + eps / k


def smooth_labels_loops(y, k, eps):
    """Check of :func:`smooth_labels`, class by class with lists.

    The true class gets ``1 - eps + eps/k`` and each of the ``k - 1`` others ``eps/k``.
    """
    y, k = _smoothing_args(y, k, eps)
    labels = [int(y)] if y.ndim == 0 else [int(c) for c in y]
    rows = [[1 - eps + eps / k if c == label else eps / k for c in range(k)] for label in labels]
    return np.array(rows[0] if y.ndim == 0 else rows)


def _soft_args(probs, targets):
    """Probabilities and targets as float arrays of one shape, 1-D or 2-D, probs > 0."""
    probs, targets = _floats(probs, "probs"), _floats(targets, "targets")
    if probs.shape != targets.shape or probs.ndim not in (1, 2):
        raise ValueError(f"probs and targets must be (k,) or (N, k) of one shape, got "
                         f"{probs.shape} and {targets.shape}")
    if np.any(probs <= 0):
        raise ValueError("probabilities must be positive (log 0 is undefined)")
    return probs, targets


def soft_cross_entropy(probs, targets):
    """Cross-entropy with soft targets, ``-sum_c q_c ln p_c`` (natural log).

    ``probs`` and ``targets`` are ``(k,)`` (one example) or ``(N, k)`` (the
    mean over the N rows is returned).
    """
    probs, targets = _soft_args(probs, targets)
    per_row = -np.sum(targets * np.log(probs), axis=-1)
    return float(np.mean(per_row))


def soft_cross_entropy_loops(probs, targets):
    """Check of :func:`soft_cross_entropy` with loops and ``math.log``."""
    probs, targets = _soft_args(probs, targets)
    P, Q = np.atleast_2d(probs), np.atleast_2d(targets)
    total = 0.0
    for i in range(P.shape[0]):
        for c in range(P.shape[1]):
            total -= Q[i, c] * math.log(P[i, c])
    return total / P.shape[0]


# --------------------------------------------------------------------------
# batch normalisation
# --------------------------------------------------------------------------


def batchnorm_forward(X, gamma, beta, eps=1e-5):
    """Batch normalisation in training mode: normalise each column over the batch.

    ``X`` (N, D), ``gamma`` and ``beta`` (D,).  Uses the batch mean and the
    *biased* (1/N) batch variance:
    ``out = gamma * (X - mean) / sqrt(var + eps) + beta``.
    """
    X = _float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (N, D), got shape {X.shape}")
    xhat = (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + eps)
    return gamma * xhat + beta


def batchnorm_backward(dout, X, gamma, eps=1e-5):
    """Gradients of ``batchnorm_forward(X, gamma, beta, eps)`` given ``dout`` (N, D).

    Returns ``(dX, dgamma, dbeta)`` with
    ``dX = (gamma / (N * sqrt(var + eps))) * (N*dout - sum(dout) - xhat * sum(dout * xhat))``
    (sums over the batch axis), ``dgamma = sum(dout * xhat)``, ``dbeta = sum(dout)``.
    """
    X, dout = _float_array(X, "X"), _float_array(dout, "dout")
    if X.ndim != 2 or dout.shape != X.shape:
        raise ValueError(f"X and dout must both be (N, D), got {X.shape} and {dout.shape}")
    N = X.shape[0]
    inv_std = 1 / np.sqrt(X.var(axis=0) + eps)
    xhat = (X - X.mean(axis=0)) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dX = (gamma * inv_std / N) * (N * dout - dbeta - xhat * dgamma)
    return dX, dgamma, dbeta


def batch_mean_var_loops(X):
    """Per-column mean and biased (1/N) variance of ``X`` (N, D), with explicit loops.

    Returns ``(mean, var)``, both of shape ``(D,)``.
    """
    X = _floats(X, "X")
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be 2-D (N, D) with N >= 1, got shape {X.shape}")
    N, D = X.shape
    mean, var = np.zeros(D), np.zeros(D)
    for j in range(D):
        s = 0.0
        for i in range(N):
            s += X[i, j]
        mean[j] = s / N
        sq = 0.0
        for i in range(N):
            sq += (X[i, j] - mean[j]) ** 2
        var[j] = sq / N
    return mean, var


def batchnorm_forward_loops(X, gamma, beta, eps=1e-5):
    """Check of ``batchnorm_forward``, entry by entry.

    ``out[i, j] = gamma[j] * (X[i, j] - mean_j) / sqrt(var_j + eps) + beta[j]``
    with the column mean and biased variance of :func:`batch_mean_var_loops`.
    """
    X = _floats(X, "X")
    mean, var = batch_mean_var_loops(X)
    N, D = X.shape
    gamma = np.broadcast_to(_floats(gamma, "gamma"), (D,))
    beta = np.broadcast_to(_floats(beta, "beta"), (D,))
    if eps < 0:
        raise ValueError(f"eps must be non-negative, got {eps}")
    out = np.zeros((N, D))
    for i in range(N):
        for j in range(D):
            out[i, j] = gamma[j] * (X[i, j] - mean[j]) / math.sqrt(var[j] + eps) + beta[j]
    return out
