"""Loss functions of classifiers and regressors, with their gradients (NumPy only).

Conventions:

* A batch is stored **as rows**: class scores are ``(N, K)`` (N examples, K
  classes) and integer labels ``y`` are ``(N,)`` with values in ``0 .. K-1``.
  Binary problems use one score (logit) ``z`` or probability ``p`` per
  example, shape ``(N,)``, and targets ``y`` in ``[0, 1]`` (usually 0 or 1).
* Every loss is the **mean over the N examples** of a per-example loss, and
  every gradient returned is the gradient of exactly that mean (so it carries
  the factor ``1/N``).
* Logarithms are natural.
* The multiclass SVM (hinge) loss follows CS231n: for example ``i`` with true
  class ``y_i``, ``L_i = sum_{j != y_i} max(0, s_j - s_{y_i} + delta)``,
  ``delta = 1`` by default.  At a kink (a margin exactly 0) the subgradient
  ``0`` is used: only margins ``> 0`` contribute.

The ``*_loops`` functions compute the same quantities with explicit Python
loops and scalar arithmetic, sharing no code with the vectorised versions;
they exist to verify them.
"""

import math

import numpy as np

__all__ = [
    "multiclass_svm_losses",
    "multiclass_svm_loss",
    "multiclass_svm_loss_loops",
    "binary_cross_entropy",
    "binary_cross_entropy_loops",
    "binary_cross_entropy_logits",
    "sigmoid_mse_loss",
    "mse_grad",
    "hinge_margins",
    "hinge_margins_loops",
]


def _scores_and_labels(scores, y):
    """Check ``scores`` is a numeric (N, K) array and ``y`` (N,) ints in ``0..K-1``."""
    scores = np.asarray(scores)
    if scores.ndim != 2 or scores.shape[1] < 2:
        raise ValueError(f"scores must be 2-D (N, K) with K >= 2 classes, got shape {scores.shape}")
    if not np.issubdtype(scores.dtype, np.number):
        raise ValueError(f"scores must be numeric, got dtype {scores.dtype}")
    scores = scores.astype(np.float64)
    y = np.asarray(y)
    n, k = scores.shape
    if y.shape != (n,):
        raise ValueError(f"labels y must have shape ({n},), got {y.shape}")
    if not (np.issubdtype(y.dtype, np.integer)
            or (np.issubdtype(y.dtype, np.floating) and np.all(y == np.round(y)))):
        raise ValueError(f"labels y must be whole numbers, got {y!r}")
    y = y.astype(np.int64)
    if n and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"labels must lie in 0..{k - 1}, got values from {y.min()} to {y.max()}")
    return scores, y


def _binary_pair(a, y, name):
    """Check ``a`` and the targets ``y`` are non-empty 1-D arrays of one length, y in [0, 1]."""
    a = np.asarray(a, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array (one per example), "
                         f"got shape {a.shape}")
    if y.shape != a.shape:
        raise ValueError(f"targets y must have the shape of {name} {a.shape}, got {y.shape}")
    if np.any((y < 0) | (y > 1)):
        raise ValueError(f"targets y must lie in [0, 1], got {y}")
    return a, y


def _check_delta(delta):
    """The SVM margin must be a non-negative number."""
    if not np.isfinite(delta) or delta < 0:
        raise ValueError(f"the margin delta must be a finite number >= 0, got {delta}")


# --------------------------------------------------------------------------
# multiclass SVM (hinge) loss
# --------------------------------------------------------------------------


def multiclass_svm_losses(scores, y, delta=1.0):
    """Per-example multiclass SVM losses ``L_i = sum_{j != y_i} max(0, s_ij - s_iy_i + delta)``.

    ``scores`` (N, K), ``y`` (N,) integer labels; returns an (N,) float array.
    The true class is left out of the sum (including it would add ``delta``
    to every ``L_i``).
    """
    _check_delta(delta)
    scores, y = _scores_and_labels(scores, y)
    rows = np.arange(scores.shape[0])
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + delta)
    margins[rows, y] = 0.0
    return margins.sum(axis=1)


def multiclass_svm_loss(scores, y, delta=1.0):
    """Mean multiclass SVM loss over the batch and its gradient with respect to the scores.

    ``scores`` (N, K), ``y`` (N,).  Returns ``(loss, dscores)`` with
    ``loss = (1/N) sum_i L_i`` (see :func:`multiclass_svm_losses`) and
    ``dscores`` (N, K): for ``j != y_i``, ``dscores[i, j] = 1[m_ij > 0] / N``
    where ``m_ij = s_ij - s_iy_i + delta``; the true class gets minus the
    number of positive margins of its row, ``dscores[i, y_i] = -#{j: m_ij > 0} / N``.
    """
    _check_delta(delta)
    scores, y = _scores_and_labels(scores, y)
    n = scores.shape[0]
    rows = np.arange(n)
    margins = scores - scores[rows, y][:, None] + delta
    margins[rows, y] = 0.0
    active = (margins > 0).astype(np.float64)
    loss = float(np.sum(margins * active) / n)
    dscores = active.copy()
    dscores[rows, y] = -active.sum(axis=1)
    return loss, dscores / n


def multiclass_svm_loss_loops(scores, y, delta=1.0):
    """Same as :func:`multiclass_svm_loss`, with explicit loops over examples and classes.

    Checks the vectorised version: for every example and every wrong class
    ``j`` with a positive margin, the margin is added to the loss, ``+1`` to
    ``dscores[i, j]`` and ``-1`` to ``dscores[i, y_i]``; both are divided by
    ``N`` at the end.  Returns ``(loss, dscores)``.
    """
    _check_delta(delta)
    scores, y = _scores_and_labels(scores, y)
    n, k = scores.shape
    total = 0.0
    dscores = np.zeros((n, k))
    for i in range(n):
        correct = float(scores[i, y[i]])
        for j in range(k):
            if j == y[i]:
                continue
            margin = float(scores[i, j]) - correct + delta
            if margin > 0:
                total += margin
                dscores[i, j] += 1.0
                dscores[i, y[i]] -= 1.0
    return total / n, dscores / n


# --------------------------------------------------------------------------
# binary cross-entropy
# --------------------------------------------------------------------------


def binary_cross_entropy(p, y):
    """Mean binary cross-entropy ``-(1/N) sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)]``.

    ``p`` (N,) predicted probabilities of class 1, ``y`` (N,) targets in
    [0, 1].  Uses ``0 log 0 = 0``; a confident wrong prediction (``p_i = 0``
    with ``y_i > 0``) gives ``inf``.
    """
    p, y = _binary_pair(p, y, "p")
    if np.any((p < 0) | (p > 1)):
        raise ValueError(f"probabilities p must lie in [0, 1], got {p}")
    with np.errstate(divide="ignore", invalid="ignore"):
        pos = np.where(y > 0, y * np.log(p), 0.0)
        neg = np.where(y < 1, (1 - y) * np.log1p(-p), 0.0)
    return float(-np.mean(pos + neg))


def binary_cross_entropy_loops(p, y):
    """:func:`binary_cross_entropy` with a loop over examples and ``math.log``.

    Checks the vectorised version term by term: each example adds
    ``-y log p - (1 - y) log(1 - p)`` (a term with weight 0 is skipped).
    """
    p, y = _binary_pair(p, y, "p")
    total = 0.0
    for p_i, y_i in zip(p.tolist(), y.tolist(), strict=True):
        if not 0 <= p_i <= 1:
            raise ValueError(f"probabilities p must lie in [0, 1], got {p_i}")
        for weight, prob in ((y_i, p_i), (1 - y_i, 1 - p_i)):
            if weight > 0:
                total += math.inf if prob == 0 else -weight * math.log(prob)
    return total / len(p)


def binary_cross_entropy_logits(z, y):
    """Binary cross-entropy of ``p = sigmoid(z)`` and its gradient with respect to the logits.

    ``z`` (N,) logits, ``y`` (N,) targets in [0, 1].  Returns ``(loss, dz)``
    with ``loss = (1/N) sum_i [softplus(z_i) - y_i z_i]`` (the same value as
    ``binary_cross_entropy(sigmoid(z), y)``, computed without overflow) and
    ``dz = (sigmoid(z) - y) / N``.
    """
    z, y = _binary_pair(z, y, "z")
    n = z.size
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z))
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return loss, (p - y) / n


# --------------------------------------------------------------------------
# squared error
# --------------------------------------------------------------------------


def mse_grad(yhat, y):
    """Gradient of the mean squared error ``mean((yhat - y)**2)`` with respect to ``yhat``.

    The mean is over *all* entries (as in ``mse``), so the gradient is
    ``2 (yhat - y) / yhat.size``, with the shape of ``yhat``.  Shapes must match.
    """
    yhat, y = np.asarray(yhat, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if yhat.shape != y.shape:
        raise ValueError(f"yhat and y must have the same shape, got {yhat.shape} and {y.shape}")
    if yhat.size == 0:
        raise ValueError("yhat must not be empty")
    return 2 * (yhat - y) / yhat.size


def sigmoid_mse_loss(z, y):
    """Squared error after a sigmoid, and its gradient with respect to the logits.

    ``z`` (N,) logits, ``y`` (N,) targets in [0, 1], ``p = sigmoid(z)``.
    Returns ``(loss, dz)`` with ``loss = (1/N) sum_i (p_i - y_i)**2`` and
    ``dz = 2 (p - y) p (1 - p) / N``: the sigmoid's derivative ``p (1 - p)``
    makes this gradient vanish when the unit saturates, even if the
    prediction is wrong (compare ``binary_cross_entropy_logits``).
    """
    z, y = _binary_pair(z, y, "z")
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    n = z.size
    return float(np.mean((p - y) ** 2)), 2 * (p - y) * p * (1 - p) / n


# --------------------------------------------------------------------------
# the margins of one example's multiclass hinge loss
# --------------------------------------------------------------------------


def hinge_margins(s, y, delta=1.0):
    """The hinge margins ``m_j = s_j - s_y + delta`` of one score vector, 0 at the true class.

    ``s`` is (K,), ``y`` the true class; its own entry is left out of the hinge loss.
    """
    _check_delta(delta)
    s = np.asarray(s, dtype=np.float64)
    if s.ndim != 1 or not 0 <= int(y) < s.size:
        raise ValueError(f"need a score vector and a class in [0, {s.size}); "
                         f"got shape {s.shape}, y={y}")
    m = s - s[int(y)] + delta
    m[int(y)] = 0.0
    return m


def hinge_margins_loops(s, y, delta=1.0):
    """Independent check of ``hinge_margins``: class by class, ``delta - (s_y - s_j)``.

    That is how far each wrong class's score comes within ``delta`` of the true class's.
    """
    s = [float(v) for v in np.asarray(s).ravel()]
    out = []
    for j, sj in enumerate(s):
        out.append(0.0 if j == int(y) else float(delta) - (s[int(y)] - sj))
    return np.array(out)
