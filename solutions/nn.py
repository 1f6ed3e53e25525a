"""Reference implementations for small neural networks (NumPy only).

Conventions:

* A batch is stored **as rows**: ``X`` is ``(N, D)`` (N examples, D features),
  a dense layer is ``Y = X @ W + b`` with ``W`` of shape ``(D, M)`` and ``b``
  of shape ``(M,)``.
* Class labels ``y`` are integer vectors of shape ``(N,)`` with values in
  ``0 .. K-1``.
* Losses are *averaged over the batch* (``mse`` averages over all entries),
  and every gradient returned is the gradient of exactly the loss documented
  in the same function.
* Activation functions work elementwise on arrays of any shape; a scalar input
  gives a NumPy scalar back.
* Softmax helpers work on a score vector ``z`` (K,) or on rows of ``(N, K)``
  scores and are stable (the maximum is subtracted first); classes are numbered
  from 0.  ``softmax_temperature`` is ``softmax(z / T)``.

The ``*_loops`` functions are independent checks written with explicit Python loops
and ``math``; they share no code with the vectorised functions.  Batch
normalisation and inverted dropout are in ``regularization.py``.
"""

import math

import numpy as np

__all__ = [
    "sigmoid",
    "sigmoid_grad",
    "tanh_grad",
    "relu_grad",
    "softplus",
    "softmax",
    "log_softmax",
    "softmax_temperature",
    "softmax_top",
    "softmax_loops",
    "logsumexp_loops",
    "logsumexp",
    "affine",
    "affine_backward",
    "mse",
    "onehot",
    "cross_entropy",
    "softmax_cross_entropy",
    "mlp2_forward",
    "mlp2_loss_grads",
    "mlp2_mse_grads",
    "mlp2_mse_grads_loops",
    "autoencoder_hinge_grads",
    "sigmoid_neuron_grads",
    "sigmoid_softmax_net",
    "sigmoid_softmax_net_loops",
    "mlp3_relu_grads",
    "mlp3_relu_grads_loops",
    "softmax_ce_step",
    "softmax_ce_step_brute",
    "sigmoid_tanh_chain_grad",
    "sigmoid_tanh_chain_grad_brute",
    "mlp2_grads_draw",
    "mlp3_backward_draw",
    "sigmoid_softmax_net_draw",
    "autoencoder_classifier_draw",
]


def _float_array(a, name):
    """Convert ``a`` to a floating-point array (integers become float64)."""
    a = np.asarray(a)
    if not np.issubdtype(a.dtype, np.number):
        raise ValueError(f"{name} must be numeric, got dtype {a.dtype}")
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(np.float64)


def _labels(y, n, k):
    """Check that ``y`` is an int vector of length ``n`` with values in ``0..k-1``."""
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"labels y must have shape ({n},), got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"labels y must be integers, got dtype {y.dtype}")
    if n and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"labels must lie in 0..{k - 1}, got values from {y.min()} to {y.max()}")
    return y


# --------------------------------------------------------------------------
# activations
# --------------------------------------------------------------------------


def sigmoid(z):
    """Logistic function ``1 / (1 + exp(-z))``, elementwise and numerically stable.

    Only ``exp(-|z|)`` is evaluated, so large ``|z|`` never overflows:
    ``sigmoid(z) = 1/(1 + e)`` for ``z >= 0`` and ``e/(1 + e)`` for ``z < 0``
    with ``e = exp(-|z|)``.
    """
    z = _float_array(z, "z")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))[()]


def sigmoid_grad(z):
    """Derivative of the sigmoid at ``z``: ``sigmoid(z) * (1 - sigmoid(z))``, elementwise."""
    s = sigmoid(z)
    return s * (1 - s)


def tanh_grad(z):
    """Derivative of tanh at ``z``: ``1 - tanh(z)**2``, elementwise."""
    t = np.tanh(_float_array(z, "z"))
    return 1 - t**2


def relu_grad(z):
    """Derivative of ReLU at ``z``: ``1.0`` where ``z > 0`` else ``0.0`` (0 at z = 0), as floats."""
    return (np.asarray(z) > 0).astype(np.float64)[()]


def softplus(z):
    """Softplus ``log(1 + exp(z))``, elementwise and stable (``np.logaddexp(0, z)``)."""
    return np.logaddexp(0.0, _float_array(z, "z"))


def logsumexp(z, axis=-1):
    """``log(sum(exp(z), axis))`` computed stably by factoring out the maximum.

    The reduced axis is removed from the shape (``(N, K)`` -> ``(N,)`` for the
    default ``axis=-1``).
    """
    z = _float_array(z, "z")
    m = np.max(z, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)  # all -inf rows: avoid inf - inf
    out = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
    return np.squeeze(out, axis=axis)[()]


def softmax(z, axis=-1):
    """Softmax along ``axis`` (default: the last axis, i.e. each row of ``(N, K)`` scores).

    Stable: the maximum is subtracted before exponentiating.  Same shape as ``z``.
    """
    z = _float_array(z, "z")
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis=-1):
    """``log(softmax(z))`` along ``axis``, computed as ``z - logsumexp(z)`` (stable)."""
    z = _float_array(z, "z")
    return z - np.expand_dims(logsumexp(z, axis=axis), axis)


# --------------------------------------------------------------------------
# softmax with a temperature, and its checks
# --------------------------------------------------------------------------


def _scores(z):
    """``z`` as a non-empty float64 vector (K,) or matrix (N, K) of scores."""
    z = np.asarray(z)
    if z.ndim not in (1, 2) or z.shape[-1] == 0 or not np.issubdtype(z.dtype, np.number):
        raise ValueError(f"scores must be a non-empty numeric vector (K,) or matrix (N, K), "
                         f"got shape {z.shape}")
    return z.astype(np.float64)


def softmax_temperature(z, T=1.0):
    """Softmax of ``z / T`` along the last axis (stable): temperature ``T > 0``.

    ``T > 1`` flattens the distribution towards uniform, ``T < 1`` sharpens it
    towards the argmax; ``T = 1`` is the plain softmax.
    """
    if not T > 0:
        raise ValueError(f"the temperature must be positive, got {T}")
    return softmax(_scores(z) / T, axis=-1)


def softmax_top(z, T=1.0):
    """The predicted class (index from 0) and its softmax probability, for a vector ``z``.

    Returns ``(k, p)`` with ``k = argmax z`` (the first index on a tie) and
    ``p = softmax(z / T)[k] = 1 / sum_j exp((z_j - z_k) / T)``.
    """
    z = _scores(z)
    if z.ndim != 1:
        raise ValueError(f"z must be a vector (K,), got shape {z.shape}")
    k = int(np.argmax(z))
    return k, float(softmax_temperature(z, T)[k])


def softmax_loops(z):
    """Independent check of softmax for a vector ``z``: ``p_i = 1 / sum_j exp(z_j - z_i)``.

    Uses only differences of scores (so no overflow for large scores and no
    maximum is needed) and ``math.exp`` in Python loops.  Differences above 700
    make a term +inf, which correctly gives ``p_i = 0``.
    """
    z = [float(v) for v in np.asarray(z).ravel()]
    if not z:
        raise ValueError("z must not be empty")
    out = []
    for zi in z:
        total = 0.0
        for zj in z:
            diff = zj - zi
            total += math.inf if diff > 700 else math.exp(diff)
        out.append(1.0 / total)
    return np.array(out)


def logsumexp_loops(z):
    """Independent check of log-sum-exp for a vector ``z``, folding one score at a time.

    ``lse(a, b) = max(a, b) + log1p(exp(-|a - b|))`` is applied left to right,
    so no exponential of a large number is ever taken.
    """
    z = [float(v) for v in np.asarray(z).ravel()]
    if not z:
        raise ValueError("z must not be empty")
    acc = z[0]
    for v in z[1:]:
        hi, lo = max(acc, v), min(acc, v)
        acc = hi + math.log1p(math.exp(lo - hi))
    return acc


# --------------------------------------------------------------------------
# dense layer
# --------------------------------------------------------------------------


def affine(X, W, b):
    """Dense layer ``X @ W + b``: ``X`` (N, D), ``W`` (D, M), ``b`` (M,) -> (N, M)."""
    X, W, b = np.asarray(X), np.asarray(W), np.asarray(b)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (N, D) with examples as rows, got shape {X.shape}")
    if W.ndim != 2 or W.shape[0] != X.shape[1]:
        raise ValueError(f"W must have shape (D, M) with D = {X.shape[1]}, got {W.shape}")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b must have shape ({W.shape[1]},), got {b.shape}")
    return X @ W + b


def affine_backward(dY, X, W):
    """Backward pass of ``Y = X @ W + b`` given ``dY = dL/dY`` of shape (N, M).

    Returns ``(dX, dW, db)`` = ``(dY @ W.T, X.T @ dY, dY.sum(axis=0))`` with
    shapes (N, D), (D, M), (M,).
    """
    dY, X, W = np.asarray(dY), np.asarray(X), np.asarray(W)
    if X.ndim != 2 or W.ndim != 2 or dY.shape != (X.shape[0], W.shape[1]):
        raise ValueError(
            f"expected X (N, D), W (D, M), dY (N, M); got X {X.shape}, W {W.shape}, dY {dY.shape}"
        )
    return dY @ W.T, X.T @ dY, dY.sum(axis=0)


# --------------------------------------------------------------------------
# losses
# --------------------------------------------------------------------------


def mse(yhat, y):
    """Mean squared error ``mean((yhat - y)**2)``, the mean over *all* entries.

    ``yhat`` and ``y`` must have the same shape (no broadcasting, which would
    silently turn ``(N,)`` vs ``(N, 1)`` into an ``(N, N)`` error matrix).
    """
    yhat, y = np.asarray(yhat), np.asarray(y)
    if yhat.shape != y.shape:
        raise ValueError(f"yhat and y must have the same shape, got {yhat.shape} and {y.shape}")
    return float(np.mean((yhat - y) ** 2))


def onehot(y, k):
    """One-hot matrix (N, k) of integer labels ``y`` (N,): row i has a 1 in column y[i].

    The result is an integer (0/1) array; ``k`` may be given as an integral float.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be a 1-D vector of labels, got shape {y.shape}")
    if isinstance(k, bool) or not float(k).is_integer() or k < 1:
        raise ValueError(f"k (the number of classes) must be a positive integer, got {k!r}")
    k = int(k)
    y = _labels(y, y.shape[0], k)
    return np.eye(k, dtype=np.int64)[y]


def cross_entropy(probs, y):
    """Cross-entropy ``-(1/N) sum_i log probs[i, y[i]]`` of predicted probabilities.

    ``probs`` is (N, K) with rows summing to 1 and ``y`` is (N,) integer labels.
    Natural logarithm; a probability of 0 for the true class gives ``inf``.
    """
    probs = _float_array(probs, "probs")
    if probs.ndim != 2:
        raise ValueError(f"probs must be 2-D (N, K), got shape {probs.shape}")
    y = _labels(y, probs.shape[0], probs.shape[1])
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(probs[np.arange(len(y)), y])))


def softmax_cross_entropy(logits, y):
    """Softmax followed by cross-entropy, and its gradient.

    ``logits`` (N, K), ``y`` (N,) integer labels.  Returns ``(loss, dlogits)``
    with ``loss = -(1/N) sum_i log softmax(logits)[i, y[i]]`` and
    ``dlogits = (softmax(logits) - onehot(y)) / N``.
    """
    logits = _float_array(logits, "logits")
    if logits.ndim != 2:
        raise ValueError(f"logits must be 2-D (N, K), got shape {logits.shape}")
    N, K = logits.shape
    y = _labels(y, N, K)
    rows = np.arange(N)
    loss = -np.mean(log_softmax(logits)[rows, y])
    dlogits = softmax(logits)
    dlogits[rows, y] -= 1
    return float(loss), dlogits / N


# --------------------------------------------------------------------------
# two-layer network
# --------------------------------------------------------------------------


def mlp2_forward(X, W1, b1, W2, b2):
    """Scores of a 2-layer ReLU network: ``relu(X @ W1 + b1) @ W2 + b2``.

    ``X`` (N, D), ``W1`` (D, H), ``b1`` (H,), ``W2`` (H, K), ``b2`` (K,) -> (N, K).
    """
    hidden = np.maximum(affine(X, W1, b1), 0)
    return affine(hidden, W2, b2)


def _mlp2_backward(dscores, X, W1, b1, W2):
    """Backpropagate ``dscores`` through the 2-layer ReLU net; returns dW1, db1, dW2, db2."""
    pre = affine(X, W1, b1)
    hidden = np.maximum(pre, 0)
    dhidden, dW2, db2 = affine_backward(dscores, hidden, W2)
    dpre = dhidden * (pre > 0)
    _, dW1, db1 = affine_backward(dpre, X, W1)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def mlp2_loss_grads(X, y, W1, b1, W2, b2):
    """Softmax cross-entropy loss of the 2-layer ReLU net and its parameter gradients.

    Loss ``L = -(1/N) sum_i log softmax(scores)[i, y[i]]`` with
    ``scores = mlp2_forward(X, W1, b1, W2, b2)``; no regularisation.
    Returns ``{"loss": float, "dW1", "db1", "dW2", "db2"}`` (each gradient has
    the shape of its parameter).
    """
    scores = mlp2_forward(X, W1, b1, W2, b2)
    loss, dscores = softmax_cross_entropy(scores, y)
    return {"loss": loss, **_mlp2_backward(dscores, X, W1, b1, W2)}


def mlp2_mse_grads(X, Y, W1, b1, W2, b2):
    """Squared-error loss of the 2-layer ReLU net and its parameter gradients.

    Convention: ``L = (1/(2N)) * sum_{i,k} (scores[i, k] - Y[i, k])**2`` with
    ``N`` the batch size, so ``dL/dscores = (scores - Y) / N``.  ``Y`` has the
    shape of the scores (N, K).  Returns ``{"loss", "dW1", "db1", "dW2", "db2"}``.
    """
    scores = mlp2_forward(X, W1, b1, W2, b2)
    Y = np.asarray(Y)
    if Y.shape != scores.shape:
        raise ValueError(f"Y must have the scores' shape {scores.shape}, got {Y.shape}")
    N = scores.shape[0]
    diff = scores - Y
    loss = float(np.sum(diff**2) / (2 * N))
    return {"loss": loss, **_mlp2_backward(diff / N, X, W1, b1, W2)}


def mlp2_mse_grads_loops(X, Y, W1, b1, W2, b2):
    """Forward and backward pass of the 2-layer ReLU net, one scalar at a time.

    An independent check of :func:`mlp2_mse_grads` (and of hand-worked backprop):
    no matrix products, only explicit loops over the index form of each step,

    * ``Z1[n, j] = sum_d X[n, d] W1[d, j] + b1[j]``, ``H = relu(Z1)``,
    * ``S[n, k] = sum_j H[n, j] W2[j, k] + b2[k]``,
    * ``L = (1/(2N)) sum_{n,k} (S[n, k] - Y[n, k])**2`` (the loss of ``mlp2_mse_grads``),

    and backwards ``dS = (S - Y)/N``, ``dW2[j, k] = sum_n H[n, j] dS[n, k]``,
    ``db2[k] = sum_n dS[n, k]``, ``dH[n, j] = sum_k dS[n, k] W2[j, k]``,
    ``dZ1 = dH`` where ``Z1 > 0`` else 0, ``dW1[d, j] = sum_n X[n, d] dZ1[n, j]``,
    ``db1[j] = sum_n dZ1[n, j]``.

    Shapes: ``X`` (N, D), ``Y`` (N, K), ``W1`` (D, H), ``b1`` (H,), ``W2`` (H, K),
    ``b2`` (K,).  Returns a dict with the forward values ``Z1``, ``H``, ``S``,
    ``loss`` and the gradients ``dS``, ``dW2``, ``db2``, ``dH``, ``dZ1``, ``dW1``,
    ``db1`` (each gradient has the shape of its variable).
    """
    X, Y, W1, b1, W2, b2 = _mlp2_loops_inputs(X, Y, W1, b1, W2, b2)
    Z1, H, S, loss = _mlp2_forward_loops(X, Y, W1, b1, W2, b2)
    return {"Z1": Z1, "H": H, "S": S, "loss": loss,
            **_mlp2_backward_loops(X, Y, W2, Z1, H, S)}


def _mlp2_loops_inputs(X, Y, W1, b1, W2, b2):
    """The arguments of ``mlp2_mse_grads_loops`` as float arrays, their shapes checked."""
    X, Y = _float_array(X, "X"), _float_array(Y, "Y")
    W1, b1 = _float_array(W1, "W1"), _float_array(b1, "b1")
    W2, b2 = _float_array(W2, "W2"), _float_array(b2, "b2")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (N, D) with examples as rows, got shape {X.shape}")
    N, D = X.shape
    if W1.ndim != 2 or W1.shape[0] != D:
        raise ValueError(f"W1 must have shape (D, H) with D = {D}, got {W1.shape}")
    Hn = W1.shape[1]
    if b1.shape != (Hn,):
        raise ValueError(f"b1 must have shape ({Hn},), got {b1.shape}")
    if W2.ndim != 2 or W2.shape[0] != Hn:
        raise ValueError(f"W2 must have shape (H, K) with H = {Hn}, got {W2.shape}")
    K = W2.shape[1]
    if b2.shape != (K,):
        raise ValueError(f"b2 must have shape ({K},), got {b2.shape}")
    if Y.shape != (N, K):
        raise ValueError(f"Y must have shape ({N}, {K}) like the scores, got {Y.shape}")
    if N == 0:
        raise ValueError("the batch is empty (N = 0)")
    return X, Y, W1, b1, W2, b2


def _mlp2_forward_loops(X, Y, W1, b1, W2, b2):
    """``Z1``, ``H = relu(Z1)``, the scores ``S`` and the loss, one scalar at a time."""
    (N, D), Hn, K = X.shape, W1.shape[1], W2.shape[1]
    Z1, H, S = np.zeros((N, Hn)), np.zeros((N, Hn)), np.zeros((N, K))
    for n in range(N):
        for j in range(Hn):
            Z1[n, j] = b1[j] + sum(X[n, d] * W1[d, j] for d in range(D))
            H[n, j] = Z1[n, j] if Z1[n, j] > 0 else 0.0
        for k in range(K):
            S[n, k] = b2[k] + sum(H[n, j] * W2[j, k] for j in range(Hn))
    loss = sum((S[n, k] - Y[n, k]) ** 2 for n in range(N) for k in range(K)) / (2 * N)
    return Z1, H, S, float(loss)


def _mlp2_backward_loops(X, Y, W2, Z1, H, S):
    """The gradients ``dS``, ``dW2``, ``db2``, ``dH``, ``dZ1``, ``dW1``, ``db1`` by loops."""
    (N, D), Hn, K = X.shape, W2.shape[0], W2.shape[1]
    dS = np.zeros((N, K))
    for n in range(N):
        for k in range(K):
            dS[n, k] = (S[n, k] - Y[n, k]) / N
    dW2, db2 = np.zeros((Hn, K)), np.zeros(K)
    for k in range(K):
        db2[k] = sum(dS[n, k] for n in range(N))
        for j in range(Hn):
            dW2[j, k] = sum(H[n, j] * dS[n, k] for n in range(N))
    dH, dZ1 = np.zeros((N, Hn)), np.zeros((N, Hn))
    for n in range(N):
        for j in range(Hn):
            dH[n, j] = sum(dS[n, k] * W2[j, k] for k in range(K))
            dZ1[n, j] = dH[n, j] if Z1[n, j] > 0 else 0.0
    dW1, db1 = np.zeros((D, Hn)), np.zeros(Hn)
    for j in range(Hn):
        db1[j] = sum(dZ1[n, j] for n in range(N))
        for d in range(D):
            dW1[d, j] = sum(X[n, d] * dZ1[n, j] for n in range(N))
    return {"dS": dS, "dW2": dW2, "db2": db2, "dH": dH, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def autoencoder_hinge_grads(x, W_enc, W_dec, u, y, lam):
    """A linear autoencoder with a linear hinge classifier on its code, and its gradients.

    One example, vectors as columns (1-D arrays here):

    * code ``h = W_enc @ x`` with ``x`` (D,), ``W_enc`` (C, D), so ``h`` is (C,);
    * reconstruction ``xhat = W_dec @ h`` with ``W_dec`` (D, C);
      ``L_rec = 0.5 * ||xhat - x||^2``;
    * classifier score ``s = u @ h`` with ``u`` (C,), label ``y`` in {-1, +1};
      ``L_cls = max(0, 1 - y * s)`` (the hinge loss);
    * total ``L = L_rec + lam * L_cls`` with ``lam >= 0``.

    Both losses depend on the code, so its gradient is the sum of the two paths:
    ``dh = W_dec.T @ (xhat - x) + lam * dL_cls/ds * u`` with
    ``dL_cls/ds = -y`` if ``y * s < 1`` and ``0`` otherwise (the subgradient 0 is
    used at the kink ``y * s == 1``).

    Returns a dict with ``loss``, ``L_rec``, ``L_cls``, ``h``, ``xhat``, ``s`` and
    the gradients of ``loss``: ``dxhat`` (D,), ``ds`` (scalar), ``dh`` (C,),
    ``dW_dec`` (D, C) ``= outer(dxhat, h)``, ``du`` (C,) ``= lam * ds_cls * h`` and
    ``dW_enc`` (C, D) ``= outer(dh, x)``.
    """
    x, W_enc, W_dec = _float_array(x, "x"), _float_array(W_enc, "W_enc"), \
        _float_array(W_dec, "W_dec")
    u = _float_array(u, "u")
    if x.ndim != 1:
        raise ValueError(f"x must be a vector (D,), got shape {x.shape}")
    D = x.shape[0]
    if W_enc.ndim != 2 or W_enc.shape[1] != D:
        raise ValueError(f"W_enc must have shape (C, D) with D = {D}, got {W_enc.shape}")
    C = W_enc.shape[0]
    if W_dec.shape != (D, C):
        raise ValueError(f"W_dec must have shape ({D}, {C}), got {W_dec.shape}")
    if u.shape != (C,):
        raise ValueError(f"u must have shape ({C},), got {u.shape}")
    if y not in (-1, 1):
        raise ValueError(f"the label y must be -1 or +1, got {y!r}")
    if not lam >= 0:
        raise ValueError(f"lam must be >= 0, got {lam!r}")
    h = W_enc @ x
    xhat = W_dec @ h
    s = float(u @ h)
    r = xhat - x
    L_rec = 0.5 * float(r @ r)
    L_cls = max(0.0, 1.0 - y * s)
    dcls = -float(y) if y * s < 1 else 0.0  # dL_cls/ds
    dh = W_dec.T @ r + lam * dcls * u
    return {"loss": L_rec + lam * L_cls, "L_rec": L_rec, "L_cls": L_cls, "h": h,
            "xhat": xhat, "s": s, "dxhat": r, "ds": lam * dcls, "dh": dh,
            "dW_dec": np.outer(r, h), "du": lam * dcls * h, "dW_enc": np.outer(dh, x)}


def sigmoid_neuron_grads(w, x, b):
    """A single sigmoid neuron ``L = sigmoid(w . x + b)`` and its gradients.

    ``w`` and ``x`` are vectors of the same length, ``b`` a scalar.  With
    ``s = L`` and ``dL/dz = s (1 - s)``: ``dw = s(1-s) x``, ``db = s(1-s)``,
    ``dx = s(1-s) w``.  Returns ``{"L": float, "dw": array, "db": float, "dx": array}``.
    """
    w, x = _float_array(w, "w"), _float_array(x, "x")
    if w.ndim != 1 or w.shape != x.shape:
        raise ValueError(f"w and x must be vectors of the same length, got {w.shape} and {x.shape}")
    if np.ndim(b) != 0:
        raise ValueError(f"b must be a scalar, got shape {np.shape(b)}")
    s = float(sigmoid(w @ x + b))
    dz = s * (1 - s)
    return {"L": s, "dw": dz * x, "db": dz, "dx": dz * w}


def sigmoid_softmax_net(x, W1, b1, W2, b2, y):
    """One example through sigmoid hidden units and a softmax cross-entropy: values, grads.

    Row vectors: ``z1 = x W1 + b1``, ``h = sigmoid(z1)``, ``z2 = h W2 + b2``,
    ``p = softmax(z2)``, ``L = -ln p[y]``. Returns ``{'z1', 'h', 'z2', 'p', 'L', 'dz2',
    'dW2', 'db2', 'dh', 'dz1', 'dW1', 'db1'}``; every gradient has its variable's shape.
    """
    x, W1, b1 = _float_array(x, "x"), _float_array(W1, "W1"), _float_array(b1, "b1")
    W2, b2 = _float_array(W2, "W2"), _float_array(b2, "b2")
    if x.ndim != 1 or W1.shape != (x.size, b1.size) or W2.shape != (b1.size, b2.size):
        raise ValueError(f"shapes do not fit: x {x.shape}, W1 {W1.shape}, b1 {b1.shape}, "
                         f"W2 {W2.shape}, b2 {b2.shape}")
    y = int(_labels(np.array([y]), 1, b2.size)[0])
    z1 = x @ W1 + b1
    h = sigmoid(z1)
    z2 = h @ W2 + b2
    p = softmax(z2)
    dz2 = p - onehot(np.array([y]), b2.size)[0]
    dh = W2 @ dz2
    dz1 = dh * h * (1 - h)
    return {"z1": z1, "h": h, "z2": z2, "p": p, "L": float(-log_softmax(z2)[y]),
            "dz2": dz2, "dW2": np.outer(h, dz2), "db2": dz2, "dh": dh, "dz1": dz1,
            "dW1": np.outer(x, dz1), "db1": dz1}


def sigmoid_softmax_net_loops(x, W1, b1, W2, b2, y):
    """Check of sigmoid_softmax_net: the forward pass and the chain rule, entry by entry.

    The softmax Jacobian is applied in full (dp_k/dz_j = p_k (1[k = j] - p_j)) to
    dL/dp = -1/p_y at class y, instead of the shortcut p - onehot(y).
    """
    x = [float(v) for v in np.ravel(x)]
    W1, W2 = np.asarray(W1, float).tolist(), np.asarray(W2, float).tolist()
    b1, b2 = [float(v) for v in np.ravel(b1)], [float(v) for v in np.ravel(b2)]
    n_in, n_h, n_out = len(x), len(b1), len(b2)
    z1 = [sum(x[i] * W1[i][j] for i in range(n_in)) + b1[j] for j in range(n_h)]
    h = [1.0 / (1.0 + math.exp(-z)) for z in z1]
    z2 = [sum(h[j] * W2[j][k] for j in range(n_h)) + b2[k] for k in range(n_out)]
    top = max(z2)
    e = [math.exp(z - top) for z in z2]
    p = [v / sum(e) for v in e]
    dp = [(-1.0 / p[y]) if k == y else 0.0 for k in range(n_out)]
    dz2 = [sum(dp[k] * p[k] * ((1.0 if k == j else 0.0) - p[j]) for k in range(n_out))
           for j in range(n_out)]
    dh = [sum(W2[j][k] * dz2[k] for k in range(n_out)) for j in range(n_h)]
    dz1 = [dh[j] * h[j] * (1.0 - h[j]) for j in range(n_h)]
    return {"z1": np.array(z1), "h": np.array(h), "z2": np.array(z2), "p": np.array(p),
            "L": -math.log(p[y]), "dz2": np.array(dz2),
            "dW2": np.array([[h[j] * dz2[k] for k in range(n_out)] for j in range(n_h)]),
            "db2": np.array(dz2), "dh": np.array(dh), "dz1": np.array(dz1),
            "dW1": np.array([[x[i] * dz1[j] for j in range(n_h)] for i in range(n_in)]),
            "db1": np.array(dz1)}


def mlp3_relu_grads(x, W1, b1, W2, b2, w3, b3, y):
    """A 3-layer ReLU network on one column vector, squared error: values and gradients.

    ``z1 = W1 x + b1``, ``h1 = relu(z1)``, ``z2 = W2 h1 + b2``, ``h2 = relu(z2)``,
    ``yhat = w3 . h2 + b3``, ``L = (yhat - y)^2 / 2``. Returns the forward values and
    ``dyhat, dw3, db3, dh2, dz2, dW2, db2, dh1, dz1, dW1, db1, dx`` (shapes of the variables).
    """
    x, W1, b1 = _float_array(x, "x"), _float_array(W1, "W1"), _float_array(b1, "b1")
    W2, b2, w3 = _float_array(W2, "W2"), _float_array(b2, "b2"), _float_array(w3, "w3")
    if W1.shape != (b1.size, x.size) or W2.shape != (b2.size, b1.size) or w3.shape != b2.shape:
        raise ValueError(f"shapes do not fit: x {x.shape}, W1 {W1.shape}, W2 {W2.shape}, "
                         f"w3 {w3.shape}")
    z1 = W1 @ x + b1
    h1 = np.maximum(z1, 0)
    z2 = W2 @ h1 + b2
    h2 = np.maximum(z2, 0)
    yhat = float(w3 @ h2 + b3)
    dyhat = yhat - float(y)
    dh2 = dyhat * w3
    dz2 = dh2 * (z2 > 0)
    dh1 = W2.T @ dz2
    dz1 = dh1 * (z1 > 0)
    return {"z1": z1, "h1": h1, "z2": z2, "h2": h2, "yhat": yhat,
            "L": 0.5 * dyhat ** 2, "dyhat": dyhat, "dw3": dyhat * h2, "db3": dyhat,
            "dh2": dh2, "dz2": dz2, "dW2": np.outer(dz2, h1), "db2": dz2, "dh1": dh1,
            "dz1": dz1, "dW1": np.outer(dz1, x), "db1": dz1, "dx": W1.T @ dz1}


def mlp3_relu_grads_loops(x, W1, b1, W2, b2, w3, b3, y):
    """Check of mlp3_relu_grads: each weight's gradient as a sum over the paths to the output.

    dL/dW1[j, i] = dyhat * sum_k w3[k] 1[z2_k > 0] W2[k, j] 1[z1_j > 0] x_i, written out
    path by path rather than layer by layer.
    """
    x = [float(v) for v in np.ravel(x)]
    W1, W2 = np.asarray(W1, float).tolist(), np.asarray(W2, float).tolist()
    b1, b2 = [float(v) for v in np.ravel(b1)], [float(v) for v in np.ravel(b2)]
    w3 = [float(v) for v in np.ravel(w3)]
    n0, n1, n2 = len(x), len(b1), len(b2)
    z1 = [sum(W1[j][i] * x[i] for i in range(n0)) + b1[j] for j in range(n1)]
    h1 = [z if z > 0 else 0.0 for z in z1]
    z2 = [sum(W2[k][j] * h1[j] for j in range(n1)) + b2[k] for k in range(n2)]
    h2 = [z if z > 0 else 0.0 for z in z2]
    yhat = sum(w3[k] * h2[k] for k in range(n2)) + float(b3)
    g = yhat - float(y)
    on1 = [1.0 if z > 0 else 0.0 for z in z1]
    on2 = [1.0 if z > 0 else 0.0 for z in z2]
    # d yhat / d z1_j, summed over the paths j -> k -> output
    path1 = [sum(w3[k] * on2[k] * W2[k][j] for k in range(n2)) * on1[j] for j in range(n1)]
    return {"h1": np.array(h1), "h2": np.array(h2), "yhat": yhat, "L": 0.5 * g * g,
            "dw3": np.array([g * h2[k] for k in range(n2)]),
            "dz2": np.array([g * w3[k] * on2[k] for k in range(n2)]),
            "dW2": np.array([[g * w3[k] * on2[k] * h1[j] for j in range(n1)]
                             for k in range(n2)]),
            "dh1": np.array([g * sum(w3[k] * on2[k] * W2[k][j] for k in range(n2))
                             for j in range(n1)]),
            "dz1": np.array([g * path1[j] for j in range(n1)]),
            "dW1": np.array([[g * path1[j] * x[i] for i in range(n0)] for j in range(n1)]),
            "dx": np.array([g * sum(path1[j] * W1[j][i] for j in range(n1))
                            for i in range(n0)])}


# --------------------------------------------------------------------------
# one gradient step on the cross-entropy of softmax(z / T), and its check
# --------------------------------------------------------------------------


def softmax_ce_step(z, y, T, eta):
    """Logits after one gradient-descent step on ``L(z) = -log softmax(z / T)[y]``.

    ``dL/dz = (softmax(z / T) - onehot(y)) / T``, so the step gives
    ``z - eta (p - onehot(y)) / T`` (a vector of the same length as ``z``).
    """
    z = _scores(z)
    if z.ndim != 1 or not 0 <= int(y) < z.size or not T > 0:
        raise ValueError(f"need a score vector, a class in [0, {z.size}) and T > 0; "
                         f"got shape {z.shape}, y={y}, T={T}")
    g = (softmax_temperature(z, T) - np.eye(z.size)[int(y)]) / T
    return z - eta * g


def softmax_ce_step_brute(z, y, T, eta, h=1e-6):
    """Independent check of ``softmax_ce_step``: the gradient by central differences.

    The loss is written as ``log(sum_j exp(z_j / T)) - z_y / T`` with ``math`` in loops.
    """
    z = [float(v) for v in np.asarray(z).ravel()]

    def loss(v):
        m = max(v) / T
        return m + math.log(sum(math.exp(x / T - m) for x in v)) - v[int(y)] / T

    out = []
    for i in range(len(z)):
        up, down = list(z), list(z)
        up[i] += h
        down[i] -= h
        out.append(z[i] - eta * (loss(up) - loss(down)) / (2 * h))
    return np.array(out)


# --------------------------------------------------------------------------
# a scalar sigmoid -> tanh chain: how the derivative shrinks, and its check
# --------------------------------------------------------------------------


def sigmoid_tanh_chain_grad(x, w1, b1, w2, b2):
    """``dh2/dx`` for ``h1 = sigmoid(w1 x + b1)``, ``h2 = tanh(w2 h1 + b2)`` (scalars).

    The chain rule: ``tanh'(z2) * w2 * sigmoid'(z1) * w1``.
    """
    z1 = w1 * x + b1
    z2 = w2 * sigmoid(z1) + b2
    return float(tanh_grad(z2) * w2 * sigmoid_grad(z1) * w1)


def sigmoid_tanh_chain_grad_brute(x, w1, b1, w2, b2, h=1e-6):
    """Independent check of ``sigmoid_tanh_chain_grad``: central differences in ``x``.

    The network is evaluated with ``math.exp`` and ``math.tanh`` only.
    """
    def net(v):
        return math.tanh(w2 / (1.0 + math.exp(-(w1 * v + b1))) + b2)

    return (net(x + h) - net(x - h)) / (2 * h)


# --------------------------------------------------------------------------
# parameter generators: draw a family's numbers so its constraints usually hold
# (the family's YAML constraints still check every variant; these only make
# drawing fast by rejecting cheaply here, without the expression evaluator)
# --------------------------------------------------------------------------


def _draw_ints(rng, values, shape):
    """An int64 array of ``shape`` whose entries are drawn uniformly from ``values``."""
    size = int(np.prod(shape))
    return np.array([rng.choice(values) for _ in range(size)], dtype=np.int64).reshape(shape)


def _mlp2_first_layer_ok(Z1):
    """backprop-mlp2-grads' constraints on ``Z1`` alone: no zero, 1+ negative, 3+ positive."""
    return bool(np.all(Z1 != 0) and np.count_nonzero(Z1 < 0) >= 1
                and np.count_nonzero(Z1 > 0) >= 3 and np.max(np.abs(Z1)) <= 5)


def _mlp2_rest_ok(X, W1, Z1, W2, D):
    """The other constraints of backprop-mlp2-grads, with ``D = S - Y = N dS`` (N = 2)."""
    H = np.maximum(Z1, 0)
    dH = D @ W2.T  # N dH
    dZ = dH * (Z1 > 0)  # N dZ1
    return bool(
        np.max(np.abs(D)) <= 5 and np.all(D.sum(0) != 0)
        and np.any(dH * (Z1 < 0) != 0) and np.any(dZ.sum(0) != 0)
        and np.any(X.T @ dH != X.T @ dZ)
        and np.max(np.abs(X.T @ dZ)) <= 16 and np.max(np.abs(H.T @ D)) <= 16
        and np.any(np.maximum(X @ W1, 0) != H) and np.any(D.sum(1) != D.sum(0))
        and np.any(dH * H != dZ) and np.any(np.maximum(dH, 0) != dZ)
        and np.any(X @ dZ != X.T @ dZ))


def mlp2_grads_draw(rng, params):
    """Draws X, W1, b1, W2, b2, Y of backprop-mlp2-grads that meet its constraints.

    The ranges are the family's: X in {-2, -1, 1, 2}, W1 in {-1, 1, 2}, b1 in {-1, 1},
    W2 and Y in -2..2, b2 in -1..1. The first layer is redrawn until Z1 = X W1 + b1 has
    no zero, a negative and three positive entries; then the second layer and targets
    until the gradients meet the rest (a first layer without a good second one is
    redrawn). The last draw is returned if none fits: the YAML constraints decide.
    """
    out = {}
    for _ in range(400):
        X = _draw_ints(rng, (-2, -1, 1, 2), (2, 2))
        W1 = _draw_ints(rng, (-1, 1, 2), (2, 3))
        b1 = _draw_ints(rng, (-1, 1), (3,))
        Z1 = X @ W1 + b1
        if not _mlp2_first_layer_ok(Z1):
            continue
        H = np.maximum(Z1, 0)
        for _ in range(20):
            W2 = rng.integers(-2, 2, (3, 2))
            b2 = rng.integers(-1, 1, (2,))
            Y = rng.integers(-2, 2, (2, 2))
            out = {"X": X, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "Y": Y}
            if _mlp2_rest_ok(X, W1, Z1, W2, H @ W2 + b2 - Y):
                return out
    return out or {"X": X, "W1": W1, "b1": b1, "W2": rng.integers(-2, 2, (3, 2)),
                   "b2": rng.integers(-1, 1, (2,)), "Y": rng.integers(-2, 2, (2, 2))}


mlp2_grads_draw.provides = ("X", "W1", "b1", "W2", "b2", "Y")


def _mlp3_backward_ok(x, W1, z1, W2, b2, z2, w3, g):
    """The constraints of backprop-mlp3-backward on the backward pass (given g = yhat - y)."""
    h1, h2 = np.maximum(z1, 0), np.maximum(z2, 0)
    dz2 = g * w3 * (z2 > 0)
    dh1 = W2.T @ dz2
    dz1 = dh1 * (z1 > 0)
    return bool(
        g != 0 and abs(g) <= 6 and np.max(np.abs(dh1)) <= 12
        and np.any((z1 < 0) * (dh1 != 0)) and np.any(dz1 != 0)
        and np.any(W2 @ dz2 * (z1 > 0) != dz1)
        and np.any(np.outer(dz1, x) != np.outer(x, dz1))
        and np.any(np.outer(dz2, h1) != np.outer(h1, dz2))
        and np.any(np.maximum(W2.T @ h1 + b2, 0) != h2)
        and np.any(g * w3 * h2 != dz2))


def mlp3_backward_draw(rng, params):
    """Draws x, W1, b1, W2, b2, w3, b3, y of backprop-mlp3-backward meeting its constraints.

    The ranges are the family's: x and w3 in {-2, -1, 1, 2}, W1 and W2 in -2..2, b1 in
    {-1, 1}, b2 and b3 in -1..1, y in -3..5. Layer 1 is redrawn until z1 has no zero, one
    unit on and one off; then layer 2 until z2 has no zero and one unit on and one off;
    then the output weights and the target until the backward pass meets the rest. The
    last draw is returned if none fits: the YAML constraints decide.
    """
    out = {}
    for _ in range(300):
        x = _draw_ints(rng, (-2, -1, 1, 2), (2,))
        W1 = rng.integers(-2, 2, (2, 2))
        b1 = _draw_ints(rng, (-1, 1), (2,))
        z1 = W1 @ x + b1
        if not (np.all(z1 != 0) and np.any(z1 > 0) and np.any(z1 < 0)
                and np.max(np.abs(z1)) <= 5 and np.any(W1.T @ x + b1 != z1)):
            continue
        h1 = np.maximum(z1, 0)
        for _ in range(30):
            W2 = rng.integers(-2, 2, (2, 2))
            b2 = rng.integers(-1, 1, (2,))
            z2 = W2 @ h1 + b2
            if not (np.all(z2 != 0) and np.any(z2 > 0) and np.any(z2 < 0)
                    and np.max(np.abs(z2)) <= 6 and np.any(W2 != W2.T)):
                continue
            h2 = np.maximum(z2, 0)
            for _ in range(10):
                w3 = _draw_ints(rng, (-2, -1, 1, 2), (2,))
                b3 = rng.integer(-1, 1)
                y = rng.integer(-3, 5)
                out = {"x": x, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "w3": w3,
                       "b3": b3, "y": y}
                if _mlp3_backward_ok(x, W1, z1, W2, b2, z2, w3, int(w3 @ h2) + b3 - y):
                    return out
    return out


mlp3_backward_draw.provides = ("x", "W1", "b1", "W2", "b2", "w3", "b3", "y")


def _sigmoid_softmax_net_ok(x, m1, B2, m2, y):
    """backprop-sigmoid-softmax-net's constraints past layer 1 (z1 = ln 3 m1, z2 = ln 2 m2)."""
    if not (np.max(m2) - np.min(m2) <= 3 and np.count_nonzero(m2 == np.max(m2)) == 1
            and int(np.argmax(m2)) != y and abs(np.sum(2.0 ** m2) - 1) > 0.01):
        return False
    hv = 3.0 ** m1 / (1 + 3.0 ** m1)
    pv = 2.0 ** m2 / np.sum(2.0 ** m2)
    dhv = (4 * math.log(2) * B2) @ (pv - 1.0 * (np.arange(3) == y))
    dz1 = dhv * hv * (1 - hv)
    return bool(np.all(np.abs(dhv) > 0.01)
                and np.any(np.abs(np.outer(x, dz1) - np.outer(dz1, x)) > 0.001))


def sigmoid_softmax_net_draw(rng, params):
    """Draws x, A1, c1, B2, c2, y of backprop-sigmoid-softmax-net meeting its constraints.

    The ranges are the family's: x in {-2, -1, 1, 2}, A1 and c1 in -1..1, B2 in -1..2, c2
    in -2..2, y in 0..2. Layer 1 is redrawn until m1 = x A1 + c1 has entries in -1..1,
    not both 0 and different, with c1 not all 0; then layer 2 and the label until the
    rest holds. The last draw is returned if none fits: the YAML constraints decide.
    """
    out = {}
    for _ in range(300):
        x = _draw_ints(rng, (-2, -1, 1, 2), (2,))
        A1 = rng.integers(-1, 1, (2, 2))
        c1 = rng.integers(-1, 1, (2,))
        m1 = x @ A1 + c1
        if not (np.all(np.abs(m1) <= 1) and np.any(m1 != 0) and m1[0] != m1[1]
                and np.any(c1 != 0)):
            continue
        for _ in range(30):
            B2 = rng.integers(-1, 2, (2, 3))
            c2 = rng.integers(-2, 2, (3,))
            y = rng.integer(0, 2)
            out = {"x": x, "A1": A1, "c1": c1, "B2": B2, "c2": c2, "y": y}
            if np.any(c2 != 0) and _sigmoid_softmax_net_ok(x, m1, B2, (m1 + 2) @ B2 + c2, y):
                return out
    return out


sigmoid_softmax_net_draw.provides = ("x", "A1", "c1", "B2", "c2", "y")


def autoencoder_classifier_draw(rng, params):
    """Draws x, We, Wd, u, y of backprop-autoencoder-classifier meeting its constraints.

    The ranges are the family's: x in -2..2 (two or more nonzero), We and Wd in -1..1, u
    in {-2, -1, 1, 2}. The label is y = -sign(u . h), the only one with an active hinge
    (y s < 1 with s != 0); the hinge weight is ``params["lam"]``. They are redrawn until
    the code and the gradients meet the constraints. The last draw is returned if none
    fits: the YAML constraints decide.
    """
    lam = int(params["lam"])
    for _ in range(3000):
        x = rng.integers(-2, 2, (3,))
        We = rng.integers(-1, 1, (2, 3))
        h = We @ x
        if np.count_nonzero(x) < 2 or np.any(h == 0):
            continue
        Wd = rng.integers(-1, 1, (3, 2))
        u = _draw_ints(rng, (-2, -1, 1, 2), (2,))
        s = int(u @ h)
        y = -1 if s > 0 else 1
        r = Wd @ h - x
        dh = Wd.T @ r - lam * y * u
        if (s != 0 and np.any(Wd.T @ r != 0) and np.max(np.abs(r)) <= 3
                and np.all(dh != 0) and np.max(np.abs(np.outer(dh, x))) <= 10):
            break
    return {"x": x, "We": We, "Wd": Wd, "u": u, "y": y}


autoencoder_classifier_draw.provides = ("x", "We", "Wd", "u", "y")
