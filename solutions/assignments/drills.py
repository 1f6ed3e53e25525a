"""Reference functions for the ``drills`` code assignment (plain functions, NumPy only).

The exercises follow the drill topics of the course -- convolution and pooling,
a two-layer network and its gradients, parameter counting, maximum likelihood --
written as plain functions of arrays (no caches, no parameter dicts).  Students
submit a file defining the functions in ``__all__`` with the same signatures; the
grader calls both on random inputs and compares the results.

Conventions
-----------
* Arrays: a batch is stored as rows (``X`` is (N, D), scores are (N, C), labels
  ``y`` are integers of shape (N,)).  Images for ``conv2d`` and the pooling
  functions are single-channel ``(H, W)`` arrays; kernels are ``(KH, KW)``.
* "Convolution" is *cross-correlation*, as in every deep-learning library: the
  kernel is NOT flipped, ``out[i, j] = sum_{a, b} xpad[i*s + a, j*s + b] * k[a, b]``
  where ``xpad`` is ``x`` with ``pad`` rows/columns of zeros added on every side.
* Output sizes use floor division: ``1 + (H + 2*pad - KH) // stride`` for
  ``conv2d`` and ``1 + (H - ph) // sh`` for pooling (no padding); positions where
  the window does not fit are dropped.  A window that does not fit even once
  raises ``ValueError``.
* ``conv2d`` takes an int ``stride`` and ``pad``.  The pooling ``size`` and
  ``stride`` are an int ``v`` (meaning ``(v, v)``) or a pair ``(vertical,
  horizontal)``; ``stride=None`` means "equal to the window" (non-overlapping).
* Max-pool gradient: each window's ``dout`` goes to ONE element, the first
  maximal element of the window in row-major order (what ``np.argmax`` of the
  flattened window returns).  Overlapping windows add up (``+=``).  Away from
  ties this is the true gradient.
* ReLU has gradient 0 at exactly 0 (``dz = dh * (z > 0)``).  The softmax
  cross-entropy loss is averaged over the batch and computed stably (each row of
  scores is shifted by its maximum).
* Parameter counting (``count_params``, ``layer_output_shapes``): shapes are
  channel-first, ``(C, H, W)`` for images and ``(D,)`` for vectors.  Layer dicts
  (keys other than those listed are an error; defaults in brackets):

  - ``{"type": "conv", "filters": F, "kernel": K, "stride": [1], "pad": [0],
    "bias": [True]}``: ``F * (C * KH * KW + 1)`` parameters (no ``+ 1`` without
    bias); output ``(F, H', W')``.
  - ``{"type": "pool", "size": K, "stride": [K]}``: no parameters; channels kept.
  - ``{"type": "flatten"}``: no parameters; output ``(C * H * W,)``.
  - ``{"type": "dense", "units": M, "bias": [True]}``: ``D * M + M`` parameters;
    needs a vector input ``(D,)`` (flatten first, otherwise ``ValueError``).
  - ``{"type": "batchnorm"}``: ``2 * C`` (per channel) or ``2 * D`` (per feature)
    parameters, gamma and beta; the running mean and variance are statistics,
    not trainable parameters.  Shape unchanged.

  ``kernel``, ``size``, ``stride`` and ``pad`` are an int or a pair ``(h, w)``.
* Maximum likelihood: samples are non-empty 1-D arrays.  The Gaussian variance is
  the *biased* ``(1/N) sum (x - mean)**2``; the exponential is parametrised by its
  rate (density ``lam * exp(-lam x)``); ``mle_categorical(counts, alpha)`` is
  ``(counts + alpha) / (N + K*alpha)`` (``alpha=1`` is Laplace smoothing).
  ``mle_linear_regression`` minimises ``||X w - y||^2`` with ``np.linalg.lstsq``
  (for a rank-deficient ``X`` this picks the minimum-norm minimiser).  Scalar
  estimates are returned as Python floats.
* Values: integer inputs are accepted; array results are floating point
  (float64 unless the inputs are a narrower float type), except ``max_pool2d``,
  which keeps the dtype of ``x``.  No function modifies its inputs.
"""

import numpy as np

__all__ = [
    "conv2d",
    "max_pool2d",
    "avg_pool2d",
    "max_pool2d_backward",
    "mlp2_forward",
    "mlp2_grads",
    "count_params",
    "layer_output_shapes",
    "mle_gaussian",
    "mle_bernoulli",
    "mle_exponential",
    "mle_poisson",
    "mle_categorical",
    "mle_linear_regression",
]


# --------------------------------------------------------------------------
# argument checking helpers (private)
# --------------------------------------------------------------------------


def _is_int(value):
    """True for Python/NumPy integers; bool is not accepted as an integer."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _int(value, name, minimum):
    """``value`` as a Python int, checked to be an integer ``>= minimum``."""
    if not _is_int(value):
        raise ValueError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _pair(value, name, minimum):
    """An int ``v`` as ``(v, v)``, or a pair of ints, each checked to be ``>= minimum``."""
    if _is_int(value):
        pair = (value, value)
    elif isinstance(value, list | tuple | np.ndarray) and len(value) == 2:
        pair = tuple(value)
    else:
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    return tuple(_int(v, name, minimum) for v in pair)


def _real(a, name, ndim=None, allow_bool=False):
    """``a`` as a real numeric array (optionally of exactly ``ndim`` dimensions)."""
    a = np.asarray(a)
    ok = np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)
    if not (ok or (allow_bool and a.dtype == np.bool_)):
        raise ValueError(f"{name} must be a real numeric array, got dtype {a.dtype}")
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {a.shape}")
    return a


def _float_dtype(*arrays):
    """The common floating dtype of the arrays (float64 if none of them is a float)."""
    dtype = np.result_type(*arrays)
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)


def _n_windows(n, window, stride, what):
    """Number of window positions ``1 + (n - window) // stride``; ValueError if none fit."""
    if window > n:
        raise ValueError(f"{what} of size {window} does not fit in size {n}")
    return 1 + (n - window) // stride


# --------------------------------------------------------------------------
# convolution and pooling
# --------------------------------------------------------------------------


def conv2d(x, k, stride=1, pad=0):
    """Single-channel 2-D cross-correlation of ``x`` (H, W) with kernel ``k`` (KH, KW).

    ``x`` is zero-padded by ``pad`` rows/columns on every side, then
    ``out[i, j] = sum_{a, b} xpad[i*stride + a, j*stride + b] * k[a, b]`` (no kernel
    flip).  The output has shape ``(1 + (H + 2*pad - KH)//stride,
    1 + (W + 2*pad - KW)//stride)``.  ``stride >= 1`` and ``pad >= 0`` are ints;
    a kernel larger than the padded image raises ``ValueError``.
    """
    x, k = _real(x, "x", 2), _real(k, "k", 2)
    stride, pad = _int(stride, "stride", 1), _int(pad, "pad", 0)
    (h, w), (kh, kw) = x.shape, k.shape
    if kh < 1 or kw < 1:
        raise ValueError(f"the kernel must not be empty, got shape {k.shape}")
    out_h = _n_windows(h + 2 * pad, kh, stride, "kernel height")
    out_w = _n_windows(w + 2 * pad, kw, stride, "kernel width")
    dtype = _float_dtype(x, k)
    xp = np.pad(x.astype(dtype), pad)
    out = np.zeros((out_h, out_w), dtype=dtype)
    for a in range(kh):
        for b in range(kw):
            # kernel entry k[a, b] meets xpad[i*stride + a, j*stride + b] for every (i, j)
            out += k[a, b] * xp[a:a + stride * (out_h - 1) + 1:stride,
                                b:b + stride * (out_w - 1) + 1:stride]
    return out


def _pool_windows(x, size, stride):
    """Stack the pooling windows of ``x``: ``(ph*pw, H', W')`` in row-major window order.

    Returns ``(x, windows, (ph, pw), (sh, sw))``; ``windows[a*pw + b, i, j]`` is
    ``x[i*sh + a, j*sw + b]``.
    """
    x = _real(x, "x", 2)
    ph, pw = _pair(size, "size", 1)
    sh, sw = (ph, pw) if stride is None else _pair(stride, "stride", 1)
    out_h = _n_windows(x.shape[0], ph, sh, "pooling window height")
    out_w = _n_windows(x.shape[1], pw, sw, "pooling window width")
    windows = np.stack([x[a:a + sh * (out_h - 1) + 1:sh, b:b + sw * (out_w - 1) + 1:sw]
                        for a in range(ph) for b in range(pw)])
    return x, windows, (ph, pw), (sh, sw)


def max_pool2d(x, size, stride=None):
    """Max pooling of ``x`` (H, W) over ``size`` windows moved by ``stride`` (no padding).

    ``size`` and ``stride`` are an int or a pair ``(vertical, horizontal)``;
    ``stride=None`` uses the window size.  Output ``(1 + (H - ph)//sh,
    1 + (W - pw)//sw)``, with the dtype of ``x``.
    """
    _, windows, _, _ = _pool_windows(x, size, stride)
    return windows.max(axis=0)


def avg_pool2d(x, size, stride=None):
    """Average pooling of ``x`` (H, W); same windows and output shape as ``max_pool2d``.

    The result is floating point (float64 for integer ``x``).
    """
    x, windows, _, _ = _pool_windows(x, size, stride)
    return windows.astype(_float_dtype(x)).mean(axis=0)


def max_pool2d_backward(dout, x, size, stride=None):
    """Gradient of ``max_pool2d(x, size, stride)`` with respect to ``x``, given ``dout``.

    ``dout`` has the pooled shape.  Each ``dout[i, j]`` is added to the position of
    the first maximal element (row-major) of window ``(i, j)``; overlapping
    windows accumulate.  Returns a float array with the shape of ``x``.
    """
    x, windows, (_ph, pw), (sh, sw) = _pool_windows(x, size, stride)
    dout = _real(dout, "dout", 2)
    if dout.shape != windows.shape[1:]:
        raise ValueError(f"dout must have the pooled shape {windows.shape[1:]}, got {dout.shape}")
    out_h, out_w = dout.shape
    first = windows.argmax(axis=0)  # first maximum in row-major window order
    rows = np.arange(out_h)[:, None] * sh + first // pw
    cols = np.arange(out_w)[None, :] * sw + first % pw
    dx = np.zeros(x.shape, dtype=_float_dtype(dout))
    np.add.at(dx, (rows, cols), dout)  # unbuffered: shared maxima add up
    return dx


# --------------------------------------------------------------------------
# two-layer network
# --------------------------------------------------------------------------


def _mlp2_arrays(X, W1, b1, W2, b2):
    """Validate the shapes X (N, D), W1 (D, H), b1 (H,), W2 (H, C), b2 (C,); float arrays."""
    X, W1, W2 = _real(X, "X", 2), _real(W1, "W1", 2), _real(W2, "W2", 2)
    b1, b2 = _real(b1, "b1", 1), _real(b2, "b2", 1)
    if W1.shape[0] != X.shape[1]:
        raise ValueError(f"W1 must have {X.shape[1]} rows (X is {X.shape}), got {W1.shape}")
    if b1.shape != (W1.shape[1],):
        raise ValueError(f"b1 must have shape ({W1.shape[1]},), got {b1.shape}")
    if W2.shape[0] != W1.shape[1]:
        raise ValueError(f"W2 must have {W1.shape[1]} rows (W1 is {W1.shape}), got {W2.shape}")
    if b2.shape != (W2.shape[1],):
        raise ValueError(f"b2 must have shape ({W2.shape[1]},), got {b2.shape}")
    dtype = _float_dtype(X, W1, b1, W2, b2)
    return tuple(a.astype(dtype) for a in (X, W1, b1, W2, b2))


def mlp2_forward(X, W1, b1, W2, b2):
    """Scores of a two-layer ReLU network: ``S = relu(X @ W1 + b1) @ W2 + b2``.

    ``X`` (N, D) holds one example per row, ``W1`` (D, H), ``b1`` (H,), ``W2``
    (H, C), ``b2`` (C,); returns ``S`` of shape (N, C).
    """
    X, W1, b1, W2, b2 = _mlp2_arrays(X, W1, b1, W2, b2)
    return np.maximum(X @ W1 + b1, 0) @ W2 + b2


def mlp2_grads(X, y, W1, b1, W2, b2):
    """Softmax cross-entropy loss of ``mlp2_forward`` (batch mean) and its gradients.

    ``loss = -(1/N) sum_i log softmax(S_i)[y_i]`` for integer labels ``y`` (N,)
    in ``0 .. C-1``.  Returns ``{"loss": float, "dW1", "db1", "dW2", "db2"}``, each
    gradient with the shape of its parameter.  The ReLU gradient at exactly 0 is 0.
    """
    X, W1, b1, W2, b2 = _mlp2_arrays(X, W1, b1, W2, b2)
    y = np.asarray(y)
    n, c = X.shape[0], W2.shape[1]
    if n == 0:
        raise ValueError("X must contain at least one example")
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be an int array of shape ({n},), got {y.dtype} {y.shape}")
    if y.min() < 0 or y.max() >= c:
        raise ValueError(f"labels must lie in 0 .. {c - 1}")
    rows = np.arange(n)

    z1 = X @ W1 + b1
    h = np.maximum(z1, 0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[rows, y].mean()

    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1
    dscores /= n
    dh = dscores @ W2.T
    dz1 = dh * (z1 > 0)
    return {
        "loss": float(loss),
        "dW1": X.T @ dz1,
        "db1": dz1.sum(axis=0),
        "dW2": h.T @ dscores,
        "db2": dscores.sum(axis=0),
    }


# --------------------------------------------------------------------------
# parameter counting
# --------------------------------------------------------------------------

# type -> (required keys, optional keys)
_LAYER_KEYS = {
    "conv": ({"filters", "kernel"}, {"stride", "pad", "bias"}),
    "pool": ({"size"}, {"stride"}),
    "flatten": (set(), set()),
    "dense": ({"units"}, {"bias"}),
    "batchnorm": (set(), set()),
}


def _check_layer(layer, index):
    """Validate one layer dict (known type, required keys present, no unknown keys)."""
    where = f"layer {index}"
    if not isinstance(layer, dict) or "type" not in layer:
        raise ValueError(f"{where} must be a dict with a 'type' key, got {layer!r}")
    kind = layer["type"]
    if kind not in _LAYER_KEYS:
        raise ValueError(f"{where}: unknown type {kind!r} (known: {sorted(_LAYER_KEYS)})")
    required, optional = _LAYER_KEYS[kind]
    keys = set(layer) - {"type"}
    if required - keys:
        raise ValueError(f"{where} ({kind}) is missing {sorted(required - keys)}")
    if keys - required - optional:
        raise ValueError(f"{where} ({kind}) has unknown keys {sorted(keys - required - optional)}")
    if not isinstance(layer.get("bias", True), bool | np.bool_):
        raise ValueError(f"{where} ({kind}): bias must be True or False")
    return kind, f"{where} ({kind})"


def _walk(layers, input_shape):
    """``[(output shape, parameter count)]`` for each layer, from input to output."""
    if not isinstance(input_shape, tuple | list | np.ndarray) or len(input_shape) not in (1, 3):
        raise ValueError(f"input_shape must be (C, H, W) or (D,), got {input_shape!r}")
    shape = tuple(_int(s, "input_shape entries", 1) for s in input_shape)
    result = []
    for index, layer in enumerate(layers):
        kind, where = _check_layer(layer, index)
        if kind in ("conv", "pool") and len(shape) != 3:
            raise ValueError(f"{where} needs an image input (C, H, W), got {shape}")
        params = 0
        if kind == "conv":
            filters = _int(layer["filters"], f"{where} filters", 1)
            kh, kw = _pair(layer["kernel"], f"{where} kernel", 1)
            sh, sw = _pair(layer.get("stride", 1), f"{where} stride", 1)
            ph, pw = _pair(layer.get("pad", 0), f"{where} pad", 0)
            c, h, w = shape
            shape = (filters, _n_windows(h + 2 * ph, kh, sh, f"{where} kernel height"),
                     _n_windows(w + 2 * pw, kw, sw, f"{where} kernel width"))
            params = filters * (c * kh * kw + int(layer.get("bias", True)))
        elif kind == "pool":
            kh, kw = _pair(layer["size"], f"{where} size", 1)
            stride = layer.get("stride")
            sh, sw = (kh, kw) if stride is None else _pair(stride, f"{where} stride", 1)
            c, h, w = shape
            shape = (c, _n_windows(h, kh, sh, f"{where} window height"),
                     _n_windows(w, kw, sw, f"{where} window width"))
        elif kind == "flatten":
            shape = (int(np.prod(shape)),)
        elif kind == "dense":
            if len(shape) != 1:
                raise ValueError(f"{where} needs a vector input (D,), got {shape}: "
                                 "add a flatten layer first")
            units = _int(layer["units"], f"{where} units", 1)
            params = shape[0] * units + units * int(layer.get("bias", True))
            shape = (units,)
        else:  # batchnorm: gamma and beta per channel (images) or per feature (vectors)
            params = 2 * shape[0]
        result.append((shape, params))
    return result


def count_params(layers, input_shape):
    """Total number of trainable parameters of the layer list (an int).

    ``layers`` is a list of layer dicts (see the module docstring) applied in order
    to inputs of shape ``input_shape``, ``(C, H, W)`` or ``(D,)``.  A dense layer on
    an image, a conv/pool layer on a vector, a window that does not fit, or an
    unknown type or key raises ``ValueError``.
    """
    return int(sum(params for _shape, params in _walk(layers, input_shape)))


def layer_output_shapes(layers, input_shape):
    """The output shape (a tuple of ints) after each layer of ``layers``, in order.

    Same layer dicts, input shapes and errors as ``count_params``; an empty
    ``layers`` gives ``[]``.
    """
    return [shape for shape, _params in _walk(layers, input_shape)]


# --------------------------------------------------------------------------
# maximum likelihood
# --------------------------------------------------------------------------


def _sample(x, name="x", allow_bool=False):
    """``x`` as a non-empty 1-D real array."""
    x = _real(x, name, 1, allow_bool=allow_bool)
    if x.size == 0:
        raise ValueError(f"{name} must not be empty")
    return x


def mle_gaussian(x):
    """Gaussian MLE ``(mu, var)``: the sample mean and the biased ``(1/N)`` variance."""
    x = _sample(x).astype(np.float64)
    mu = x.mean()
    return float(mu), float(np.mean((x - mu) ** 2))


def mle_bernoulli(x):
    """Bernoulli MLE ``p``: the fraction of ones in the 0/1 (or bool) sample ``x``."""
    x = _sample(x, allow_bool=True)
    if not np.all((x == 0) | (x == 1)):
        raise ValueError("a Bernoulli sample contains only 0 and 1")
    return float(np.mean(x))


def mle_exponential(x):
    """Exponential MLE of the rate: ``lam = 1 / mean(x)`` for density ``lam * exp(-lam x)``.

    ``x`` must be non-negative with a positive mean (otherwise no maximum exists).
    """
    x = _sample(x).astype(np.float64)
    if np.any(x < 0) or x.mean() <= 0:
        raise ValueError("exponential data must be non-negative with a positive mean")
    return float(1.0 / x.mean())


def mle_poisson(x):
    """Poisson MLE of the rate: ``lam = mean(x)`` for non-negative counts ``x``."""
    x = _sample(x).astype(np.float64)
    if np.any(x < 0):
        raise ValueError("Poisson counts must be non-negative")
    return float(x.mean())


def mle_categorical(counts, alpha=0):
    """Category probabilities ``(counts + alpha) / (N + K*alpha)`` from K counts.

    ``alpha=0`` is the MLE ``counts / N``; ``alpha=1`` is Laplace (add-one)
    smoothing.  Counts and ``alpha`` must be non-negative and the denominator
    positive.  Returns a float array of shape (K,) summing to 1.
    """
    counts = _sample(counts, "counts")
    counts = counts.astype(_float_dtype(counts))
    real = isinstance(alpha, int | float | np.integer | np.floating)
    if not real or isinstance(alpha, bool) or not alpha >= 0:
        raise ValueError(f"alpha must be a non-negative number, got {alpha!r}")
    if np.any(counts < 0):
        raise ValueError("counts must be non-negative")
    denominator = counts.sum() + counts.size * alpha
    if denominator <= 0:
        raise ValueError("all counts are zero and alpha = 0: the estimate is undefined")
    return (counts + alpha) / denominator


def mle_linear_regression(X, y):
    """Least-squares weights ``w`` (D,) minimising ``||X @ w - y||^2`` for ``X`` (N, D), ``y`` (N,).

    This is the Gaussian-noise MLE of linear regression (no intercept: add a
    column of ones to ``X`` for one).  Solved with ``np.linalg.lstsq``, so a
    rank-deficient ``X`` gives the minimum-norm minimiser.
    """
    X, y = _real(X, "X", 2), _real(y, "y", 1)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X {X.shape}, got {y.shape}")
    if X.shape[0] == 0:
        raise ValueError("X must contain at least one example")
    dtype = _float_dtype(X, y)
    w, *_ = np.linalg.lstsq(X.astype(dtype), y.astype(dtype), rcond=None)
    return w
