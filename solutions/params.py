"""Parameter and activation counting for simple layer specifications (NumPy only).

A network is a list of layer dicts, each with a ``"type"`` and some keys
(defaults in brackets); the learnable parameters of each type are:

* ``conv``: filters, kernel, stride [1], pad [0], bias [True] --
  ``F * (KH*KW*C_in + 1)``, or ``F * KH*KW*C_in`` without bias.
* ``pool`` (aliases ``maxpool``, ``avgpool``): size, stride [= size] -- 0.
* ``dense``: units, bias [True] -- ``n_in * units + units`` (or without ``+ units``).
* ``batchnorm``: eps, momentum (ignored) -- ``2 * channels`` (gamma and beta;
  the running mean/variance are statistics, not learned parameters).
* ``flatten``, ``relu``, ``sigmoid``, ``tanh``, ``softmax``, ``dropout``
  (may carry ``rate`` or ``keep``, ignored) -- 0.

``kernel``, ``stride``, ``pad`` and ``size`` are an int or a pair ``(h, w)``.
Shapes are channel-first: ``input_shape`` is ``(C, H, W)`` for images or
``(d,)`` for vectors.  A ``dense`` layer needs a vector input, so put a
``flatten`` after the last conv/pool layer.  Spatial sizes follow the floor
convention ``floor((n + 2*pad - k) / stride) + 1``; pass ``strict=True`` to get
a ``ValueError`` when a stride does not divide ``n + 2*pad - k``.
Batchnorm after a conv layer normalises per channel (``C`` pairs of gamma and
beta); after a dense layer per feature.

The ``*_loops`` functions are independent checks (the weight arrays allocated, the
window slid position by position); they share no code with the functions they check.
"""

import numpy as np

__all__ = [
    "layer_output_shapes",
    "layer_param_counts",
    "count_params",
    "count_params_loops",
    "activation_count",
    "mlp_params",
    "conv_params",
    "dense_params",
    "conv_layer",
    "pool_layer",
    "dense_layer",
    "batchnorm_layer",
    "flatten_layer",
    "activation_layer",
    "layer_buffer_counts",
    "conv_macs",
    "conv_macs_loops",
    "locally_connected_params",
    "locally_connected_params_loops",
]

_ALLOWED_KEYS = {
    "conv": {"filters", "kernel", "stride", "pad", "bias"},
    "pool": {"size", "stride"},
    "maxpool": {"size", "stride"},
    "avgpool": {"size", "stride"},
    "dense": {"units", "bias"},
    "batchnorm": {"eps", "momentum"},
    "flatten": set(),
    "relu": set(),
    "sigmoid": set(),
    "tanh": set(),
    "softmax": set(),
    "dropout": {"rate", "keep"},
}
_REQUIRED_KEYS = {"conv": {"filters", "kernel"}, "dense": {"units"}, "pool": {"size"},
                  "maxpool": {"size"}, "avgpool": {"size"}}


def _check_int(value, name, minimum=1):
    """Return ``value`` as a Python int, checking it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def _two(value):
    """Return ``value`` as a tuple of two entries; an int ``v`` means ``(v, v)``."""
    return (value, value) if np.ndim(value) == 0 else tuple(value)


def _spatial_out(hw, kernel, stride, pad, strict, where):
    """Output ``(H', W')`` of a sliding-window layer on an ``(H, W)`` input.

    ``kernel``, ``stride`` and ``pad`` are ints or ``(h, w)`` pairs; each axis
    gives ``floor((n + 2*pad - k) / stride) + 1``.
    """
    pairs = {"kernel": _two(kernel), "stride": _two(stride), "pad": _two(pad)}
    for key, pair in pairs.items():
        if len(pair) != 2:
            raise ValueError(f"{where}: {key} must be an int or a pair (h, w), got {pair!r}")
        for v in pair:
            _check_int(v, f"{where} {key}", 0 if key == "pad" else 1)
    out = []
    for axis, n, k, s, p in zip(("height", "width"), hw, *pairs.values(), strict=True):
        span = n + 2 * p - k
        if span < 0:
            raise ValueError(f"{where}: window {k} is larger than the padded {axis} {n} + 2*{p}")
        if strict and span % s:
            raise ValueError(
                f"{where}: stride {s} does not divide {axis} {n} + 2*{p} - {k} = {span}"
            )
        out.append(int(span) // int(s) + 1)
    return tuple(out)


def _check_layer(layer, index):
    """Validate one layer dict and return its type."""
    where = f"layer {index}"
    if not isinstance(layer, dict) or "type" not in layer:
        raise ValueError(f"{where} must be a dict with a 'type' key, got {layer!r}")
    kind = layer["type"]
    if kind not in _ALLOWED_KEYS:
        raise ValueError(f"{where}: unknown layer type {kind!r}; known: {sorted(_ALLOWED_KEYS)}")
    keys = set(layer) - {"type"}
    unknown = keys - _ALLOWED_KEYS[kind]
    if unknown:
        raise ValueError(f"{where} ({kind}): unknown key(s) {sorted(unknown)}")
    missing = _REQUIRED_KEYS.get(kind, set()) - keys
    if missing:
        raise ValueError(f"{where} ({kind}): missing key(s) {sorted(missing)}")
    return kind


def _walk(layers, input_shape, strict):
    """Return ``[(shape_after, params), ...]``, one entry per layer."""
    shape = tuple(_check_int(n, "input_shape entry") for n in input_shape)
    if len(shape) not in (1, 3):
        raise ValueError(f"input_shape must be (C, H, W) or (d,), got {input_shape!r}")
    result = []
    for index, layer in enumerate(layers):
        kind = _check_layer(layer, index)
        where = f"layer {index} ({kind})"
        params = 0
        if kind == "conv":
            if len(shape) != 3:
                raise ValueError(f"{where} needs a (C, H, W) input, got {shape}")
            c_in, h, w = shape
            filters = _check_int(layer["filters"], f"{where} filters")
            out_hw = _spatial_out((h, w), layer["kernel"], layer.get("stride", 1),
                                  layer.get("pad", 0), strict, where)
            kh, kw = _two(layer["kernel"])
            params = conv_params(filters, kh, kw, c_in, bias=layer.get("bias", True))
            shape = (filters, *out_hw)
        elif kind in ("pool", "maxpool", "avgpool"):
            if len(shape) != 3:
                raise ValueError(f"{where} needs a (C, H, W) input, got {shape}")
            c, h, w = shape
            size = layer["size"]
            shape = (c, *_spatial_out((h, w), size, layer.get("stride", size), 0, strict, where))
        elif kind == "dense":
            if len(shape) != 1:
                raise ValueError(
                    f"{where} needs a flat (d,) input, got {shape}; add a flatten layer"
                )
            units = _check_int(layer["units"], f"{where} units")
            params = dense_params(shape[0], units, bias=layer.get("bias", True))
            shape = (units,)
        elif kind == "flatten":
            shape = (int(np.prod(shape)),)
        elif kind == "batchnorm":
            params = 2 * shape[0]  # gamma and beta per channel / feature
        result.append((shape, params))
    return result


def layer_output_shapes(layers, input_shape, *, strict=False):
    """Shape (tuple) of the output of every layer, in order; see the module docstring."""
    return [shape for shape, _ in _walk(layers, input_shape, strict)]


def layer_param_counts(layers, input_shape, *, strict=False):
    """Number of learnable parameters of every layer (list of ints), in order."""
    return [params for _, params in _walk(layers, input_shape, strict)]


def count_params(layers, input_shape, *, strict=False):
    """Total number of learnable parameters of the network (int)."""
    return sum(layer_param_counts(layers, input_shape, strict=strict))


def activation_count(layers, input_shape, *, strict=False):
    """Number of output activations (product of the output shape) of every layer (list of ints)."""
    return [int(np.prod(shape)) for shape, _ in _walk(layers, input_shape, strict)]


def mlp_params(sizes):
    """Parameters of a fully connected net with layer sizes ``[d, h1, ..., k]``.

    ``sum_i (sizes[i] * sizes[i+1] + sizes[i+1])`` (weights plus biases).
    """
    sizes = [_check_int(n, "layer size") for n in sizes]
    if len(sizes) < 2:
        raise ValueError(f"need at least an input and an output size, got {sizes}")
    return sum(dense_params(n_in, n_out) for n_in, n_out in zip(sizes, sizes[1:], strict=False))


def conv_params(filters, kernel_h, kernel_w, in_channels, bias=True):
    """Parameters of a conv layer: ``filters * (kernel_h * kernel_w * in_channels + 1)``.

    The ``+ 1`` is the one bias per filter; it is dropped when ``bias`` is False.
    """
    f = _check_int(filters, "filters")
    kh, kw = _check_int(kernel_h, "kernel_h"), _check_int(kernel_w, "kernel_w")
    c = _check_int(in_channels, "in_channels")
    return f * (kh * kw * c + (1 if bias else 0))


def dense_params(n_in, n_out, bias=True):
    """Parameters of a dense layer: ``n_in * n_out`` weights plus ``n_out`` biases if ``bias``."""
    n_in, n_out = _check_int(n_in, "n_in"), _check_int(n_out, "n_out")
    return n_in * n_out + (n_out if bias else 0)


# --------------------------------------------------------------------------
# layer-spec builders (YAML expressions cannot write dict literals)
# --------------------------------------------------------------------------


def conv_layer(filters, kernel, stride=1, pad=0, bias=True):
    """The layer dict ``{"type": "conv", "filters", "kernel", "stride", "pad", "bias"}``.

    For problem files, whose expressions have no dict literals: a network is a
    tuple of these, e.g. ``count_params((conv_layer(6, 5), pool_layer(2)), (1, 32, 32))``.
    Values are checked as in ``count_params``; ints are converted to Python ints.
    """
    return {"type": "conv", "filters": _check_int(filters, "filters"),
            "kernel": _int_or_pair(kernel, "kernel", 1),
            "stride": _int_or_pair(stride, "stride", 1),
            "pad": _int_or_pair(pad, "pad", 0), "bias": bool(bias)}


def pool_layer(size, stride=None):
    """The layer dict ``{"type": "pool", "size", "stride"}``; ``stride`` defaults to ``size``."""
    size = _int_or_pair(size, "size", 1)
    return {"type": "pool", "size": size,
            "stride": size if stride is None else _int_or_pair(stride, "stride", 1)}


def dense_layer(units, bias=True):
    """The layer dict ``{"type": "dense", "units", "bias"}`` (put a flatten layer before it)."""
    return {"type": "dense", "units": _check_int(units, "units"), "bias": bool(bias)}


def batchnorm_layer():
    """The layer dict ``{"type": "batchnorm"}`` (2 learned numbers per channel or feature)."""
    return {"type": "batchnorm"}


def flatten_layer():
    """The layer dict ``{"type": "flatten"}`` (no parameters)."""
    return {"type": "flatten"}


def activation_layer(kind="relu"):
    """The dict of a parameter-free activation layer: relu, sigmoid, tanh or softmax."""
    if kind not in ("relu", "sigmoid", "tanh", "softmax"):
        raise ValueError(f"unknown activation {kind!r}; known: relu, sigmoid, tanh, softmax")
    return {"type": kind}


def layer_buffer_counts(layers, input_shape, *, strict=False):
    """Numbers every layer stores but does not learn (list of ints), in order.

    Only batchnorm has them: a running mean and a running variance, one entry
    each per channel (after a conv) or per feature (after a dense layer), so
    ``2 * channels``; they are updated by averaging during training, not by
    gradient descent, and are not counted by ``count_params``.
    """
    counts = []
    shapes = [tuple(input_shape)] + layer_output_shapes(layers, input_shape, strict=strict)
    for layer, shape_in in zip(layers, shapes, strict=False):
        counts.append(2 * int(shape_in[0]) if layer["type"] == "batchnorm" else 0)
    return counts


def _conv_geometry(filters, kernel, input_shape, stride, pad):
    """Validated ``(F, C, H, W, (kh, kw), (sh, sw), (ph, pw))`` of a conv layer."""
    f = _check_int(filters, "filters")
    shape = tuple(input_shape)
    if len(shape) != 3:
        raise ValueError(f"input_shape must be (C, H, W), got {input_shape!r}")
    c, h, w = (_check_int(n, "input_shape entry") for n in shape)
    kh, kw = _two(_int_or_pair(kernel, "kernel", 1))
    sh, sw = _two(_int_or_pair(stride, "stride", 1))
    ph, pw = _two(_int_or_pair(pad, "pad", 0))
    return f, c, h, w, (kh, kw), (sh, sw), (ph, pw)


def conv_macs(filters, kernel, input_shape, stride=1, pad=0, *, strict=False):
    """Multiplications (multiply-adds) of one forward pass of a conv layer, batch of 1.

    Every one of the ``F * H' * W'`` outputs is a dot product of a
    ``KH x KW x C`` window with a filter: ``F * H' * W' * KH * KW * C``
    multiplications (products with padding zeros included; bias additions
    not counted).  ``input_shape`` is ``(C, H, W)``; ``kernel``, ``stride`` and
    ``pad`` are ints or ``(h, w)`` pairs; ``H', W'`` follow the floor convention.
    """
    f, c, h, w, (kh, kw), stride, pad = _conv_geometry(filters, kernel, input_shape, stride, pad)
    out_h, out_w = _spatial_out((h, w), (kh, kw), stride, pad, strict, "conv")
    return f * out_h * out_w * kh * kw * c


def conv_macs_loops(filters, kernel, input_shape, stride=1, pad=0):
    """Check of ``conv_macs``: slide the window over the padded input, position by position.

    At each window position every filter takes one product per value in the
    ``C x KH x KW`` window; the window positions are found by stepping, not by
    the output-size formula.
    """
    f, c, h, w, (kh, kw), (sh, sw), (ph, pw) = _conv_geometry(filters, kernel, input_shape,
                                                             stride, pad)
    count = 0
    top = 0
    while top + kh <= h + 2 * ph:
        left = 0
        while left + kw <= w + 2 * pw:
            for _filter in range(f):
                count += c * kh * kw  # one product per value of the window
            left += sw
        top += sh
    return count


def locally_connected_params(filters, kernel, input_shape, stride=1, pad=0, bias=True, *,
                             strict=False):
    """Parameters of a locally connected layer (a conv layer WITHOUT weight sharing).

    Each of the ``H' * W'`` output positions has its own ``F`` filters of
    ``KH * KW * C`` weights and its own biases:
    ``H' * W' * F * (KH * KW * C + 1)`` (no ``+ 1`` without ``bias``), that is,
    ``H' * W'`` times the parameters of the conv layer with the same windows.
    """
    f, c, h, w, (kh, kw), stride, pad = _conv_geometry(filters, kernel, input_shape, stride, pad)
    out_h, out_w = _spatial_out((h, w), (kh, kw), stride, pad, strict, "locally connected")
    return out_h * out_w * conv_params(f, kh, kw, c, bias=bias)


def locally_connected_params_loops(filters, kernel, input_shape, stride=1, pad=0, bias=True):
    """Check of ``locally_connected_params``: allocate each position's weights and biases."""
    f, c, h, w, (kh, kw), (sh, sw), (ph, pw) = _conv_geometry(filters, kernel, input_shape,
                                                             stride, pad)
    arrays = []
    top = 0
    while top + kh <= h + 2 * ph:
        left = 0
        while left + kw <= w + 2 * pw:
            arrays.append(np.zeros((f, c, kh, kw)))
            if bias:
                arrays.append(np.zeros(f))
            left += sw
        top += sh
    return sum(a.size for a in arrays)


def _int_or_pair(value, name, minimum):
    """An int, or a pair of ints ``(h, w)``, each ``>= minimum``, as Python ints."""
    if np.ndim(value) == 0:
        return _check_int(value, name, minimum)
    pair = tuple(value)
    if len(pair) != 2:
        raise ValueError(f"{name} must be an int or a pair (h, w), got {value!r}")
    return tuple(_check_int(v, name, minimum) for v in pair)


# --------------------------------------------------------------------------
# checks: parameters counted by building the weight arrays
# --------------------------------------------------------------------------


def _int_pair(v):
    """Return ``v`` as a pair of ints; an int ``v`` means ``(v, v)`` (for the loops checks)."""
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def _window_starts(n, f, stride):
    """List the start indices of every window of length ``f`` that fits in ``n``, one by one."""
    starts = []
    start = 0
    while start + f <= n:
        starts.append(start)
        start += stride
    return starts


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
            kh, kw = _int_pair(layer["kernel"])
            sh, sw = _int_pair(layer.get("stride", 1))
            ph, pw = _int_pair(layer.get("pad", 0))
            arrays.append(np.zeros((F, C, kh, kw)))
            if layer.get("bias", True):
                arrays.append(np.zeros(F))
            shape = [F, len(_window_starts(H + 2 * ph, kh, sh)),
                     len(_window_starts(W + 2 * pw, kw, sw))]
        elif kind in ("pool", "maxpool", "avgpool"):
            C, H, W = shape
            ph, pw = _int_pair(layer["size"])
            sh, sw = _int_pair(layer.get("stride", layer["size"]))
            shape = [C, len(_window_starts(H, ph, sh)), len(_window_starts(W, pw, sw))]
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
