"""A typical correct ``drills`` submission, written the way students write it: loops over
output positions, the normal equations for least squares.

It is the base of the drills part of the planted-bug corpus in
``tests/grade/test_bug_classes.py``: each bug is a one-place text edit of this file, so keep
every line that a bug replaces unique.
"""

import numpy as np


def conv2d(x, k, stride=1, pad=0):
    """Single-channel cross-correlation with zero padding on every side."""
    H, W = x.shape
    KH, KW = k.shape
    x_pad = np.pad(x.astype(float), pad)
    H_out = (H + 2 * pad - KH) // stride + 1
    W_out = (W + 2 * pad - KW) // stride + 1
    out = np.zeros((H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x_pad[i * stride:i * stride + KH, j * stride:j * stride + KW]
            out[i, j] = np.sum(window * k)
    return out


def _pair(v):
    """An int v as (v, v); a pair as a tuple."""
    if isinstance(v, (int, np.integer)):
        return (int(v), int(v))
    return (int(v[0]), int(v[1]))


def max_pool2d(x, size, stride=None):
    """Max pooling; stride None means non-overlapping windows."""
    ph, pw = _pair(size)
    sh, sw = (ph, pw) if stride is None else _pair(stride)
    H, W = x.shape
    rows = (H - ph) // sh + 1
    cols = (W - pw) // sw + 1
    out = np.zeros((rows, cols), dtype=x.dtype)
    for i in range(rows):
        for j in range(cols):
            out[i, j] = np.max(x[i * sh:i * sh + ph, j * sw:j * sw + pw])
    return out


def avg_pool2d(x, size, stride=None):
    """Average pooling, floating-point output."""
    win_h, win_w = _pair(size)
    step_h, step_w = (win_h, win_w) if stride is None else _pair(stride)
    n_rows = (x.shape[0] - win_h) // step_h + 1
    n_cols = (x.shape[1] - win_w) // step_w + 1
    result = np.zeros((n_rows, n_cols))
    for r in range(n_rows):
        for c in range(n_cols):
            result[r, c] = np.mean(x[r * step_h:r * step_h + win_h, c * step_w:c * step_w + win_w])
    return result


def max_pool2d_backward(dout, x, size, stride=None):
    """Each window's gradient goes to its (first) maximum; overlapping windows add up."""
    kh, kw = _pair(size)
    s_h, s_w = (kh, kw) if stride is None else _pair(stride)
    dx = np.zeros(x.shape)
    for i in range(dout.shape[0]):
        for j in range(dout.shape[1]):
            patch = x[i * s_h:i * s_h + kh, j * s_w:j * s_w + kw]
            r, c = np.unravel_index(np.argmax(patch), patch.shape)
            dx[i * s_h + r, j * s_w + c] += dout[i, j]
    return dx


def mlp2_forward(X, W1, b1, W2, b2):
    """Scores of a 2-layer ReLU network."""
    hidden = np.maximum(0, X.dot(W1) + b1)
    return hidden.dot(W2) + b2


def mlp2_grads(X, y, W1, b1, W2, b2):
    """Softmax cross-entropy loss (batch mean) and the gradients of every parameter."""
    N = X.shape[0]
    z1 = X.dot(W1) + b1
    h = np.maximum(0, z1)
    scores = h.dot(W2) + b2
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.mean(log_probs[np.arange(N), y])
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1
    dscores /= N
    dW2 = h.T.dot(dscores)
    db2 = np.sum(dscores, axis=0)
    dh = dscores.dot(W2.T)
    dz1 = dh * (z1 > 0)
    dW1 = X.T.dot(dz1)
    db1 = np.sum(dz1, axis=0)
    return {"loss": float(loss), "dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def _walk(layers, input_shape):
    """The output shape and the parameter count of each layer."""
    shape = tuple(input_shape)
    shapes, counts = [], []
    for layer in layers:
        kind = layer["type"]
        params = 0
        if kind == "conv":
            C, H, W = shape
            F = layer["filters"]
            kh, kw = _pair(layer["kernel"])
            sh, sw = _pair(layer.get("stride", 1))
            ph, pw = _pair(layer.get("pad", 0))
            params = F * C * kh * kw + (F if layer.get("bias", True) else 0)
            shape = (F, (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1)
        elif kind == "pool":
            C, H, W = shape
            qh, qw = _pair(layer["size"])
            th, tw = _pair(layer.get("stride", layer["size"]))
            shape = (C, (H - qh) // th + 1, (W - qw) // tw + 1)
        elif kind == "flatten":
            shape = (int(np.prod(shape)),)
        elif kind == "dense":
            D = shape[0]
            M = layer["units"]
            params = D * M + (M if layer.get("bias", True) else 0)
            shape = (M,)
        elif kind == "batchnorm":
            params = 2 * shape[0]
        shapes.append(shape)
        counts.append(params)
    return shapes, counts


def count_params(layers, input_shape):
    """Trainable parameters of a list of layers."""
    return int(sum(_walk(layers, input_shape)[1]))


def layer_output_shapes(layers, input_shape):
    """The output shape after each layer."""
    return _walk(layers, input_shape)[0]


def mle_gaussian(x):
    """Sample mean and biased (1/N) variance."""
    mu = np.mean(x)
    var = np.mean((x - mu) ** 2)
    return float(mu), float(var)


def mle_bernoulli(x):
    """The fraction of ones."""
    return float(np.sum(x) / len(x))


def mle_exponential(x):
    """The rate: 1 / mean."""
    return float(1.0 / np.mean(x))


def mle_poisson(x):
    """The rate: the mean count."""
    return float(np.average(x))


def mle_categorical(counts, alpha=0):
    """(counts + alpha) / (N + K * alpha)."""
    counts = np.asarray(counts, dtype=float)
    return (counts + alpha) / (counts.sum() + alpha * len(counts))


def mle_linear_regression(X, y):
    """Least squares by the normal equations."""
    return np.linalg.solve(X.T.dot(X), X.T.dot(y))
