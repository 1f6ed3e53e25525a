"""Reference layers for the ``layers`` code assignment (CS231n layer API, NumPy only).

Source of truth
---------------
The names, argument order, shapes, parameter dicts and return conventions are those
of ``cs231n/layers.py`` in Stanford CS231n assignment 2, so course notebooks and
student files work unchanged against these references:

* every ``*_forward`` returns ``(out, cache)``; the matching ``*_backward`` takes
  ``(dout, cache)`` and returns the gradients with respect to the forward's array
  inputs, in the forward's argument order (``dx``, or ``(dx, dw, db)``, or
  ``(dx, dgamma, dbeta)``);
* the losses ``svm_loss(x, y)`` and ``softmax_loss(x, y)`` return ``(loss, dx)``,
  are averaged over the batch, and take scores ``x`` of shape (N, C) and integer
  labels ``y`` of shape (N,);
* a batch is stored as rows (first axis ``N``); images are ``(N, C, H, W)`` and
  conv filters ``(F, C, HH, WW)``.

The mathematics (the source of truth for the values) is the usual one: an affine
layer is ``x.reshape(N, -1) @ w + b``; batch normalisation uses the batch mean and
the *biased* batch variance (divide by N); dropout is *inverted* dropout with ``p``
the probability of KEEPING a unit; "convolution" is cross-correlation (filters are
not flipped), as in every deep-learning library.

Conventions where the maths leaves a choice
-------------------------------------------
* Kinks get gradient 0, as in CS231n: ``relu_backward`` is ``dout * (x > 0)`` (so
  the gradient at exactly 0 is 0), and ``svm_loss`` counts a margin only when it is
  strictly positive.
* ``max_pool_backward_naive`` routes each window's gradient to ONE element: the
  first maximal element in row-major order within the window (what ``np.argmax``
  of the flattened window returns).  Windows that overlap (stride < pool size)
  accumulate their gradients (``+=``).  Students who instead send the gradient to
  every tied maximum agree with this everywhere except at exact ties, where the
  function is not differentiable anyway.
* Output sizes use floor division, ``H' = 1 + (H + 2*pad - HH) // stride`` for conv
  and ``H' = 1 + (H - pool_height) // stride`` for pooling: positions where the
  window does not fit are dropped.  A layer whose window does not fit even once
  raises ``ValueError``.
* ``batchnorm_forward`` mutates ``bn_param``: after every call (train or test)
  ``bn_param['running_mean']`` and ``bn_param['running_var']`` hold the (possibly
  updated) running statistics, exactly as CS231n does.  The arrays previously in
  the dict are replaced, never modified in place.  Apart from that, no function
  modifies its inputs.
* ``dropout_forward`` seeds NumPy's global generator with ``np.random.seed(seed)``
  when ``dropout_param`` has a ``'seed'`` key (CS231n's way of making gradient
  checks deterministic) and draws ``mask = (np.random.rand(*x.shape) < p) / p``.
  In test mode it returns ``x`` itself.  An unknown mode raises ``ValueError``
  (CS231n would fail with an unhelpful ``AttributeError`` on ``None``).
* ``batchnorm_backward`` and ``batchnorm_backward_alt`` are meant for train-mode
  caches (as in CS231n); given a test-mode cache they return the gradients of the
  test-mode forward (an affine map per feature).
"""

import numpy as np

__all__ = [
    "affine_forward",
    "affine_backward",
    "relu_forward",
    "relu_backward",
    "svm_loss",
    "softmax_loss",
    "batchnorm_forward",
    "batchnorm_backward",
    "batchnorm_backward_alt",
    "dropout_forward",
    "dropout_backward",
    "conv_forward_naive",
    "conv_backward_naive",
    "max_pool_forward_naive",
    "max_pool_backward_naive",
]


# --------------------------------------------------------------------------
# affine and ReLU
# --------------------------------------------------------------------------


def affine_forward(x, w, b):
    """Affine (fully connected) layer: ``out = x.reshape(N, D) @ w + b``.

    ``x`` is (N, d_1, ..., d_k) with D = d_1 * ... * d_k, ``w`` is (D, M) and ``b``
    is (M,).  Returns ``(out, cache)`` with ``out`` of shape (N, M) and
    ``cache = (x, w, b)``.
    """
    x, w, b = np.asarray(x), np.asarray(w), np.asarray(b)
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    """Gradients ``(dx, dw, db)`` of the affine layer; ``dx`` has ``x``'s original shape.

    ``dout`` is (N, M) and ``cache = (x, w, b)`` from ``affine_forward``.
    """
    x, w, _b = cache
    dout = np.asarray(dout)
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    """ReLU, elementwise ``max(0, x)`` for ``x`` of any shape; ``cache = x``."""
    x = np.asarray(x)
    return np.maximum(0, x), x


def relu_backward(dout, cache):
    """Gradient ``dout * (x > 0)`` of the ReLU (0 where ``x <= 0``, including at 0)."""
    x = cache
    return np.asarray(dout) * (x > 0)


# --------------------------------------------------------------------------
# losses
# --------------------------------------------------------------------------


def _check_labels(x, y):
    """Scores as a float (N, C) array and labels as an int (N,) array, validated."""
    x = np.asarray(x)
    y = np.asarray(y)
    if x.ndim != 2:
        raise ValueError(f"scores x must have shape (N, C), got {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"labels y must have shape ({x.shape[0]},), got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError("labels y must be integers")
    if y.size and (y.min() < 0 or y.max() >= x.shape[1]):
        raise ValueError(f"labels must lie in 0 .. {x.shape[1] - 1}")
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    return x, y


def svm_loss(x, y):
    """Multiclass SVM (hinge) loss with margin 1, averaged over N, and its gradient.

    ``loss = (1/N) * sum_i sum_{j != y_i} max(0, x[i, j] - x[i, y_i] + 1)``.
    Returns ``(loss, dx)``; a margin of exactly 0 contributes no gradient.
    """
    x, y = _check_labels(x, y)
    n = x.shape[0]
    rows = np.arange(n)
    margins = np.maximum(0, x - x[rows, y][:, None] + 1.0)
    margins[rows, y] = 0
    loss = margins.sum() / n
    positive = margins > 0
    dx = positive.astype(x.dtype)
    dx[rows, y] -= positive.sum(axis=1)
    dx /= n
    return loss, dx


def softmax_loss(x, y):
    """Softmax cross-entropy loss averaged over N, and its gradient ``(probs - onehot) / N``.

    Numerically stable: each row is shifted by its maximum before exponentiating.
    Returns ``(loss, dx)``.
    """
    x, y = _check_labels(x, y)
    n = x.shape[0]
    rows = np.arange(n)
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[rows, y].sum() / n
    dx = np.exp(log_probs)
    dx[rows, y] -= 1
    dx /= n
    return loss, dx


# --------------------------------------------------------------------------
# batch normalisation
# --------------------------------------------------------------------------


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalisation of ``x`` (N, D) with scale ``gamma`` and shift ``beta`` (D,).

    ``bn_param`` keys: ``'mode'`` ('train' or 'test', required), ``'eps'`` (default
    1e-5), ``'momentum'`` (default 0.9), ``'running_mean'`` and ``'running_var'``
    (default zeros of shape (D,) with ``x``'s dtype).

    Train mode normalises with the batch mean and biased batch variance and updates
    ``running = momentum * running + (1 - momentum) * batch_statistic``; test mode
    normalises with the running statistics.  Either way the running statistics are
    stored back into ``bn_param`` (the dict is mutated, as in CS231n).  Returns
    ``(out, cache)``.
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    x, gamma, beta = np.asarray(x), np.asarray(gamma), np.asarray(beta)
    _n, d = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(d, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(d, dtype=x.dtype))

    if mode == "train":
        mean = x.mean(axis=0)
        var = x.var(axis=0)  # biased: divides by N
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    elif mode == "test":
        mean, var = running_mean, running_var
    else:
        raise ValueError(f'Invalid forward batchnorm mode "{mode}"')

    std = np.sqrt(var + eps)
    x_hat = (x - mean) / std
    out = gamma * x_hat + beta
    cache = (mode, x, x_hat, mean, var, std, gamma, eps)

    # Store the updated running statistics back into bn_param
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    """Gradients ``(dx, dgamma, dbeta)`` of batch normalisation, stage by stage.

    Follows the computational graph x -> (x - mean) -> var -> std -> x_hat -> out
    node by node (the approach the CS231n notebook asks for).
    """
    mode, x, x_hat, mean, var, std, gamma, eps = cache
    dout = np.asarray(dout)
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    if mode == "test":  # out is affine in x per feature
        return dx_hat / std, dgamma, dbeta
    n = x.shape[0]
    centred = x - mean
    inv_std = 1.0 / std
    # x_hat = centred * inv_std
    dcentred = dx_hat * inv_std
    dinv_std = (dx_hat * centred).sum(axis=0)
    # inv_std = 1 / std, std = sqrt(var + eps)
    dstd = -dinv_std / std**2
    dvar = dstd * 0.5 / np.sqrt(var + eps)
    # var = mean over the batch of centred**2
    dcentred = dcentred + 2.0 * centred * dvar / n
    # centred = x - mean, mean = mean over the batch of x
    dmean = -dcentred.sum(axis=0)
    dx = dcentred + dmean / n
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """Gradients ``(dx, dgamma, dbeta)`` of batch normalisation, simplified formula.

    ``dx = (1/N) / std * (N * dx_hat - sum(dx_hat) - x_hat * sum(dx_hat * x_hat))``
    with ``dx_hat = dout * gamma`` and sums over the batch.  Same cache and outputs
    as ``batchnorm_backward``.
    """
    mode, x, x_hat, _mean, _var, std, gamma, _eps = cache
    dout = np.asarray(dout)
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    if mode == "test":
        return dx_hat / std, dgamma, dbeta
    n = x.shape[0]
    dx = (n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0)) / (n * std)
    return dx, dgamma, dbeta


# --------------------------------------------------------------------------
# dropout
# --------------------------------------------------------------------------


def dropout_forward(x, dropout_param):
    """Inverted dropout: in train mode ``out = x * mask`` with ``mask = (U < p) / p``.

    ``dropout_param`` keys: ``'p'`` (probability of KEEPING a unit), ``'mode'``
    ('train' or 'test'), optional ``'seed'`` (passed to ``np.random.seed`` first).
    Test mode returns ``x`` itself.  Returns ``(out, cache)`` with
    ``cache = (dropout_param, mask)`` (``mask`` is None in test mode).
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    x = np.asarray(x)
    mask = None
    if mode == "train":
        if not 0 < p <= 1:
            raise ValueError(f"keep probability p must be in (0, 1], got {p}")
        mask = (np.random.rand(*x.shape) < p) / p
        out = x * mask
    elif mode == "test":
        out = x
    else:
        raise ValueError(f'Invalid forward dropout mode "{mode}"')
    out = out.astype(x.dtype, copy=False)
    return out, (dropout_param, mask)


def dropout_backward(dout, cache):
    """Gradient of inverted dropout: ``dout * mask`` in train mode, ``dout`` in test mode."""
    dropout_param, mask = cache
    mode = dropout_param["mode"]
    if mode == "train":
        return np.asarray(dout) * mask
    if mode == "test":
        return dout
    raise ValueError(f'Invalid backward dropout mode "{mode}"')


# --------------------------------------------------------------------------
# convolution and max pooling
# --------------------------------------------------------------------------


def _out_size(n, window, stride, what):
    """Number of window positions ``1 + (n - window) // stride``; ValueError if none fit."""
    if stride < 1:
        raise ValueError(f"stride must be a positive integer, got {stride}")
    if window > n:
        raise ValueError(f"{what} window of size {window} does not fit in size {n}")
    return 1 + (n - window) // stride


def conv_forward_naive(x, w, b, conv_param):
    """Convolutional layer (cross-correlation), zero padding ``pad`` on H and W.

    ``x`` (N, C, H, W), ``w`` (F, C, HH, WW), ``b`` (F,), ``conv_param`` with
    ``'stride'`` and ``'pad'``.  ``out[n, f, i, j] = sum(xpad[n, :, i*s:i*s+HH,
    j*s:j*s+WW] * w[f]) + b[f]``, of shape (N, F, H', W') with
    ``H' = 1 + (H + 2*pad - HH) // stride``.  Returns ``(out, (x, w, b, conv_param))``.
    """
    x, w, b = np.asarray(x), np.asarray(w), np.asarray(b)
    stride, pad = conv_param["stride"], conv_param["pad"]
    n, c, h, wd = x.shape
    f, cw, hh, ww = w.shape
    if c != cw:
        raise ValueError(f"x has {c} channels but the filters have {cw}")
    if pad < 0:
        raise ValueError(f"pad must be >= 0, got {pad}")
    h_out = _out_size(h + 2 * pad, hh, stride, "filter")
    w_out = _out_size(wd + 2 * pad, ww, stride, "filter")
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((n, f, h_out, w_out), dtype=np.result_type(x, w, b))
    for i in range(h_out):
        for j in range(w_out):
            window = xp[:, :, i * stride:i * stride + hh, j * stride:j * stride + ww]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    """Gradients ``(dx, dw, db)`` of ``conv_forward_naive``; ``dout`` is (N, F, H', W')."""
    x, w, _b, conv_param = cache
    dout = np.asarray(dout)
    stride, pad = conv_param["stride"], conv_param["pad"]
    _n, _c, h, wd = x.shape
    _f, _cw, hh, ww = w.shape
    _, _, h_out, w_out = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dtype = np.result_type(x, w, dout, np.float64)
    dxp = np.zeros(xp.shape, dtype=dtype)
    dw = np.zeros(w.shape, dtype=dtype)
    for i in range(h_out):
        for j in range(w_out):
            rows = slice(i * stride, i * stride + hh)
            cols = slice(j * stride, j * stride + ww)
            d = dout[:, :, i, j]  # (N, F)
            dw += np.tensordot(d, xp[:, :, rows, cols], axes=([0], [0]))
            dxp[:, :, rows, cols] += np.tensordot(d, w, axes=([1], [0]))
    dx = dxp[:, :, pad:pad + h, pad:pad + wd]
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """Max pooling over ``pool_height`` x ``pool_width`` windows moved by ``stride``.

    ``x`` (N, C, H, W), no padding; ``out`` (N, C, H', W') with
    ``H' = 1 + (H - pool_height) // stride``.  Returns ``(out, (x, pool_param))``.
    """
    x = np.asarray(x)
    ph, pw = pool_param["pool_height"], pool_param["pool_width"]
    stride = pool_param["stride"]
    n, c, h, wd = x.shape
    h_out = _out_size(h, ph, stride, "pooling")
    w_out = _out_size(wd, pw, stride, "pooling")
    out = np.zeros((n, c, h_out, w_out), dtype=x.dtype)
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw]
            out[:, :, i, j] = window.max(axis=(2, 3))
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    """Gradient of max pooling: each window's ``dout`` goes to its maximal element.

    At ties the FIRST maximum in row-major order within the window gets it (the
    index ``np.argmax`` gives on the flattened window); overlapping windows add up.
    """
    x, pool_param = cache
    dout = np.asarray(dout)
    ph, pw = pool_param["pool_height"], pool_param["pool_width"]
    stride = pool_param["stride"]
    n, c, _h, _w = x.shape
    _, _, h_out, w_out = dout.shape
    dx = np.zeros(x.shape, dtype=np.result_type(x, dout, np.float64))
    nn, cc = np.meshgrid(np.arange(n), np.arange(c), indexing="ij")
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw]
            first = window.reshape(n, c, ph * pw).argmax(axis=2)
            r, s = np.divmod(first, pw)
            # each (n, c) appears once here, so the fancy-indexed += cannot collide
            dx[nn, cc, i * stride + r, j * stride + s] += dout[:, :, i, j]
    return dx
