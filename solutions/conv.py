"""Reference implementations for convolutional layers (NumPy only).

Conventions used throughout this module:

* "Convolution" means *cross-correlation*, as in deep-learning libraries: the
  kernel is slid over the image **without** being flipped.  ``conv2d_true`` is
  the textbook convolution (kernel flipped in both axes) and exists so that the
  "flipped the kernel" mistake can be recognised.
* Images are ``(H, W)`` or channel-first ``(C, H, W)``; kernels are
  ``(FH, FW)`` and filter banks are ``(F, C, FH, FW)``.
* ``stride`` and ``pad`` (and pool ``size``) are an int or a pair
  ``(vertical, horizontal)``.  Padding adds ``pad`` rows/columns of zeros on
  *both* sides.
* Output size along an axis is ``floor((n + 2*pad - f) / stride) + 1`` (the
  positions where the whole window fits; leftover rows/columns are dropped).
  Pass ``strict=True`` to get a ``ValueError`` instead when the stride does not
  divide ``n + 2*pad - f``; ``conv_output_size`` is always strict.
* Integer inputs give integer outputs (the result dtype of the inputs), so hand
  examples can be checked exactly.  Beware that small integer dtypes such as
  ``uint8`` can overflow; convert to ``int64`` first.

The ``*_loops`` functions at the end are independent checks: explicit Python loops
over every window, with their own helpers (no code shared with the functions they
check).  The worked-out text of these operations is in ``conv_steps.py``.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "conv_output_size",
    "pad2d",
    "conv2d",
    "conv2d_true",
    "conv2d_multi",
    "conv2d_backward",
    "maxpool2d",
    "avgpool2d",
    "maxpool2d_backward",
    "maxpool2d_tie_counts",
    "avgpool2d_backward",
    "relu",
    "receptive_field",
    "conv2d_loops",
    "conv2d_multi_loops",
    "maxpool2d_loops",
    "avgpool2d_loops",
    "maxpool2d_backward_loops",
    "receptive_field_loops",
    "conv_maxpool_backward",
    "conv_maxpool_backward_loops",
]


# --------------------------------------------------------------------------
# argument checking helpers (private)
# --------------------------------------------------------------------------


def _is_int(value):
    """True for Python/NumPy integers (bool is not accepted as an integer)."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _pair(value, name, minimum):
    """Return ``value`` as a pair of ints ``(a, b)``; an int ``v`` means ``(v, v)``."""
    pair = (value, value) if np.ndim(value) == 0 else tuple(value)
    if len(pair) != 2 or not all(_is_int(v) for v in pair):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(pair[0]), int(pair[1])


def _numeric_array(a, name, ndims):
    """Convert ``a`` to an array, checking it is numeric and has one of ``ndims`` dims."""
    a = np.asarray(a)
    if not np.issubdtype(a.dtype, np.number):
        raise ValueError(f"{name} must be a numeric array, got dtype {a.dtype}")
    if a.ndim not in ndims:
        wanted = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(f"{name} must be {wanted}, got shape {a.shape}")
    return a


def _out_len(n, f, pad, stride, strict, axis):
    """Number of window positions along one axis (floor convention)."""
    span = n + 2 * pad - f
    if span < 0:
        raise ValueError(
            f"window of size {f} does not fit in the padded {axis} {n} + 2*{pad} = {n + 2 * pad}"
        )
    if strict and span % stride != 0:
        raise ValueError(
            f"stride {stride} does not divide {axis} {n} + 2*{pad} - {f} = {span}; "
            f"the last window would not fit exactly"
        )
    return span // stride + 1


# --------------------------------------------------------------------------
# sizes and padding
# --------------------------------------------------------------------------


def conv_output_size(n, f, pad=0, stride=1):
    """Output length of a convolution/pooling along one axis: ``(n - f + 2*pad)//stride + 1``.

    ``n`` is the input length, ``f`` the filter (window) length, ``pad`` the
    zero padding added on *each* side and ``stride`` the step.  All are ints.

    This is the strict version used in exercises: it raises ``ValueError`` if
    ``stride`` does not divide ``n - f + 2*pad`` (the filter would not tile the
    padded input exactly) or if the filter does not fit (result < 1).
    """
    for name, value, minimum in (("n", n, 1), ("f", f, 1), ("pad", pad, 0), ("stride", stride, 1)):
        if not _is_int(value):
            raise ValueError(f"{name} must be an int, got {value!r}")
        if value < minimum:
            raise ValueError(f"{name} must be >= {minimum}, got {value}")
    span = n - f + 2 * pad
    if span < 0:
        raise ValueError(
            f"filter of size f={f} is larger than the padded input n + 2*pad = {n + 2 * pad}"
        )
    if span % stride != 0:
        raise ValueError(
            f"stride {stride} does not divide n - f + 2*pad = {n} - {f} + 2*{pad} = {span}; "
            f"the output size ({span}/{stride} + 1) would not be an integer"
        )
    return span // stride + 1


def pad2d(x, pad, value=0):
    """Pad the last two axes of ``x`` with ``value`` (zero padding by default).

    ``x`` has shape ``(..., H, W)``; ``pad`` is an int or a pair ``(ph, pw)``
    and is added on both sides, giving shape ``(..., H + 2*ph, W + 2*pw)``.
    The result dtype is the common type of ``x`` and ``value`` (so an integer
    image padded with 0 stays integer).
    """
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions, got shape {x.shape}")
    ph, pw = _pair(pad, "pad", 0)
    x = x.astype(np.result_type(x, value), copy=False)
    widths = [(0, 0)] * (x.ndim - 2) + [(ph, ph), (pw, pw)]
    return np.pad(x, widths, mode="constant", constant_values=value)


# --------------------------------------------------------------------------
# convolution
# --------------------------------------------------------------------------


def conv2d(x, k, stride=1, pad=0, bias=0, *, strict=False):
    """Single-channel 2-D cross-correlation (deep-learning "convolution", no kernel flip).

    ``x`` is an ``(H, W)`` image and ``k`` an ``(FH, FW)`` kernel (non-square
    allowed); ``bias`` is a scalar added to every output.  The image is
    zero-padded by ``pad`` on each side, then

        out[i, j] = sum_{a, b} xpad[i*sh + a, j*sw + b] * k[a, b] + bias

    The output has shape ``(H', W')`` with ``H' = floor((H + 2*ph - FH)/sh) + 1``
    (likewise ``W'``).  With ``strict=True`` a stride that does not divide
    ``H + 2*ph - FH`` raises ``ValueError``.  Integer inputs give an integer result.
    """
    x = _numeric_array(x, "x", (2,))
    k = _numeric_array(k, "k", (2,))
    if np.ndim(bias) != 0:
        raise ValueError(f"bias must be a scalar, got shape {np.shape(bias)}")
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(pad, "pad", 0)
    (H, W), (FH, FW) = x.shape, k.shape
    _out_len(H, FH, ph, sh, strict, "height")
    _out_len(W, FW, pw, sw, strict, "width")

    dtype = np.result_type(x, k, bias)
    xp = pad2d(x.astype(dtype, copy=False), (ph, pw))
    # windows[i, j] is the (FH, FW) patch whose top-left corner is (i*sh, j*sw).
    windows = sliding_window_view(xp, (FH, FW))[::sh, ::sw]
    out = np.einsum("ijab,ab->ij", windows, k.astype(dtype, copy=False)) + bias
    return out.astype(dtype, copy=False)


def conv2d_true(x, k, stride=1, pad=0, bias=0, *, strict=False):
    """True (mathematical) 2-D convolution: the kernel is flipped in both axes first.

    Same shapes and arguments as ``conv2d``; equals ``conv2d(x, k[::-1, ::-1], ...)``.
    Deep-learning layers do *not* flip; this is here to recognise that mistake.
    """
    k = _numeric_array(k, "k", (2,))
    return conv2d(x, k[::-1, ::-1], stride=stride, pad=pad, bias=bias, strict=strict)


def conv2d_multi(x, w, b=None, stride=1, pad=0, *, strict=False):
    """Multi-channel convolution layer (cross-correlation, channel-first).

    ``x`` is ``(C, H, W)``, ``w`` is ``(F, C, FH, FW)`` (F filters, each
    spanning all C input channels) and ``b`` is ``(F,)`` or ``None``.  Returns
    ``(F, H', W')`` with

        out[f, i, j] = sum_{c, a, bb} xpad[c, i*sh + a, j*sw + bb] * w[f, c, a, bb] + b[f]

    and ``H'``, ``W'`` as in ``conv2d``.  Integer inputs give an integer result.
    """
    x = _numeric_array(x, "x", (3,))
    w = _numeric_array(w, "w", (4,))
    F, C, FH, FW = w.shape
    if x.shape[0] != C:
        raise ValueError(
            f"x has {x.shape[0]} channels but w expects C = {C} "
            f"(w shape {w.shape}, x shape {x.shape})"
        )
    if b is not None:
        b = _numeric_array(b, "b", (1,))
        if b.shape != (F,):
            raise ValueError(f"b must have shape ({F},) (one bias per filter), got {b.shape}")
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(pad, "pad", 0)
    _out_len(x.shape[1], FH, ph, sh, strict, "height")
    _out_len(x.shape[2], FW, pw, sw, strict, "width")

    dtype = np.result_type(x, w) if b is None else np.result_type(x, w, b)
    xp = pad2d(x.astype(dtype, copy=False), (ph, pw))
    # windows[c, i, j] is the (FH, FW) patch of channel c at output position (i, j).
    windows = sliding_window_view(xp, (FH, FW), axis=(1, 2))[:, ::sh, ::sw]
    out = np.einsum("cijab,fcab->fij", windows, w.astype(dtype, copy=False))
    if b is not None:
        out = out + b.astype(dtype, copy=False)[:, None, None]
    return out.astype(dtype, copy=False)


def conv2d_backward(x, k, dout, stride=1, pad=0):
    """Gradients of ``conv2d(x, k, stride, pad, bias)`` given upstream ``dout = dL/dout``.

    ``x`` is ``(H, W)``, ``k`` is ``(FH, FW)`` and ``dout`` has the output
    shape ``(H', W')``.  Returns ``(dx, dk, db)`` with shapes ``(H, W)``,
    ``(FH, FW)`` and a scalar:

    * ``dk[a, b] = sum_{i,j} xpad[i*sh + a, j*sw + b] * dout[i, j]``
      (a cross-correlation of the padded input with ``dout``),
    * ``dx`` scatters ``k[a, b] * dout[i, j]`` back to every input pixel that
      was multiplied by ``k[a, b]`` (padding positions are dropped),
    * ``db = dout.sum()``.
    """
    x = _numeric_array(x, "x", (2,))
    k = _numeric_array(k, "k", (2,))
    dout = _numeric_array(dout, "dout", (2,))
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(pad, "pad", 0)
    (H, W), (FH, FW) = x.shape, k.shape
    out_h = _out_len(H, FH, ph, sh, False, "height")
    out_w = _out_len(W, FW, pw, sw, False, "width")
    if dout.shape != (out_h, out_w):
        raise ValueError(f"dout must have the output shape {(out_h, out_w)}, got {dout.shape}")

    windows = sliding_window_view(pad2d(x, (ph, pw)), (FH, FW))[::sh, ::sw]
    dk = np.einsum("ijab,ij->ab", windows, dout)

    dxp = np.zeros((H + 2 * ph, W + 2 * pw), dtype=np.result_type(k, dout))
    for a in range(FH):
        for b in range(FW):
            # kernel entry k[a, b] touched xpad[i*sh + a, j*sw + b] for every output (i, j)
            dxp[a : a + sh * out_h : sh, b : b + sw * out_w : sw] += k[a, b] * dout
    dx = dxp[ph : ph + H, pw : pw + W]
    return dx, dk, dout.sum()


# --------------------------------------------------------------------------
# pooling
# --------------------------------------------------------------------------


def _pool_windows(x, size, stride, strict):
    """Return ``(x, windows, (sh, sw))``; windows is ``(..., H', W', ph, pw)``."""
    x = _numeric_array(x, "x", (2, 3))
    ph, pw = _pair(size, "size", 1)
    sh, sw = (ph, pw) if stride is None else _pair(stride, "stride", 1)
    _out_len(x.shape[-2], ph, 0, sh, strict, "height")
    _out_len(x.shape[-1], pw, 0, sw, strict, "width")
    windows = sliding_window_view(x, (ph, pw), axis=(-2, -1))[..., ::sh, ::sw, :, :]
    return x, windows, (sh, sw)


def maxpool2d(x, size, stride=None, *, strict=False):
    """Max pooling over the last two axes (no padding).

    ``x`` is ``(H, W)`` or ``(C, H, W)`` (each channel pooled separately);
    ``size`` is an int or ``(ph, pw)``; ``stride`` defaults to ``size``
    (non-overlapping) and may be smaller (overlapping windows).  Output is
    ``(..., H', W')`` with ``H' = floor((H - ph)/sh) + 1``; dtype is kept.
    """
    _, windows, _ = _pool_windows(x, size, stride, strict)
    return windows.max(axis=(-2, -1))


def avgpool2d(x, size, stride=None, *, strict=False):
    """Average pooling over the last two axes (no padding); same shapes as ``maxpool2d``.

    The result is floating point (the mean of integers is not an integer in general).
    """
    _, windows, _ = _pool_windows(x, size, stride, strict)
    return windows.mean(axis=(-2, -1))


def maxpool2d_backward(x, dout, size, stride=None, *, accumulate=True):
    """Gradient of ``maxpool2d(x, size, stride)`` with respect to ``x``.

    ``dout`` has the pooled shape ``(..., H', W')``.  Each ``dout`` entry is
    routed to the position of the maximum of its window; on ties the *first*
    maximum in row-major order gets it.  When windows overlap, contributions to
    the same input position are added.  Returns ``dx`` with the shape of ``x``
    and the dtype of ``dout``.

    ``accumulate=False`` reproduces a common bug instead of the gradient: each
    window *assigns* its ``dout`` entry (``dx[r, c] = dout[i, j]``), so where
    overlapping windows share an argmax the window visited last (row-major)
    overwrites the others.  It equals the gradient when no two windows share
    an argmax (e.g. non-overlapping windows).
    """
    x, windows, (sh, sw) = _pool_windows(x, size, stride, False)
    dout = _numeric_array(dout, "dout", (x.ndim,))
    if dout.shape != windows.shape[:-2]:
        raise ValueError(f"dout must have the pooled shape {windows.shape[:-2]}, got {dout.shape}")
    ph, pw = windows.shape[-2:]
    out_h, out_w = dout.shape[-2:]

    # argmax over the flattened window: first maximum in row-major order.
    arg = windows.reshape(*windows.shape[:-2], ph * pw).argmax(axis=-1)
    rows = np.arange(out_h)[:, None] * sh + arg // pw
    cols = np.arange(out_w)[None, :] * sw + arg % pw

    dx = np.zeros(x.shape, dtype=dout.dtype)
    if x.ndim == 2:
        index = (rows, cols)
    else:
        index = (np.arange(x.shape[0])[:, None, None], rows, cols)
    if accumulate:
        np.add.at(dx, index, dout)
    else:
        # NumPy does not promise an order for repeated indices in fancy assignment,
        # so assign one window at a time, in row-major order (the last write wins).
        index = tuple(np.broadcast_to(ix, dout.shape) for ix in index)
        for pos in np.ndindex(dout.shape):
            dx[tuple(ix[pos] for ix in index)] = dout[pos]
    return dx


def maxpool2d_tie_counts(x, size, stride=None):
    """How many entries of each pooling window equal that window's maximum.

    Same windows as ``maxpool2d(x, size, stride)``; returns an int array of the
    pooled shape ``(..., H', W')``.  An entry above 1 means the window's
    maximum is tied, so the max-pool gradient depends on a tie rule; problems
    use ``all(maxpool2d_tie_counts(x, k) == 1)`` to rule ties out.
    """
    _, windows, _ = _pool_windows(x, size, stride, False)
    maxima = windows.max(axis=(-2, -1), keepdims=True)
    return (windows == maxima).sum(axis=(-2, -1)).astype(np.int64)


def avgpool2d_backward(x, dout, size, stride=None):
    """Gradient of ``avgpool2d(x, size, stride)`` with respect to ``x``.

    ``x`` is ``(H, W)`` or ``(C, H, W)`` (only its shape matters) and ``dout``
    has the pooled shape.  Each ``dout`` entry is spread evenly over its
    window: every one of the ``ph*pw`` positions gets ``dout[i, j] / (ph*pw)``;
    overlapping windows add.  Returns a float array of ``x``'s shape.
    """
    x, windows, (sh, sw) = _pool_windows(x, size, stride, False)
    dout = _numeric_array(dout, "dout", (x.ndim,))
    if dout.shape != windows.shape[:-2]:
        raise ValueError(f"dout must have the pooled shape {windows.shape[:-2]}, got {dout.shape}")
    ph, pw = windows.shape[-2:]
    out_h, out_w = dout.shape[-2:]
    share = dout.astype(float) / (ph * pw)
    dx = np.zeros(x.shape, dtype=float)
    for a in range(ph):
        for b in range(pw):
            # window (i, j) covers x[i*sh + a, j*sw + b] for every offset (a, b)
            dx[..., a : a + sh * out_h : sh, b : b + sw * out_w : sw] += share
    return dx


# --------------------------------------------------------------------------
# activation and receptive field
# --------------------------------------------------------------------------


def relu(x):
    """Rectified linear unit ``max(x, 0)`` elementwise; the dtype of ``x`` is kept."""
    x = np.asarray(x)
    return np.maximum(x, x.dtype.type(0))


def receptive_field(layers):
    """Receptive field (in input pixels, along one axis) of one unit of the last layer.

    ``layers`` is a list of ``(kernel, stride)`` pairs from input to output.
    With ``jump`` = product of the strides of the earlier layers (the distance
    in input pixels between neighbouring units), each layer adds
    ``(kernel - 1) * jump``:  ``r = 1 + sum_l (k_l - 1) * prod_{m<l} s_m``.
    Padding does not change the receptive field size.
    """
    r, jump = 1, 1
    for layer in layers:
        if len(layer) != 2 or not all(_is_int(v) and v >= 1 for v in layer):
            raise ValueError(
                f"each layer must be a (kernel, stride) pair of ints >= 1, got {layer!r}"
            )
        kernel, stride = layer
        r += (kernel - 1) * jump
        jump *= stride
    return int(r)


# --------------------------------------------------------------------------
# checks: the same with explicit loops (they share no code with the functions above)
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


def conv2d_loops(x, k, stride=1, pad=0, bias=0):
    """Cross-correlation of an ``(H, W)`` image with an ``(FH, FW)`` kernel, with loops.

    Zero padding is not materialised: a pixel outside the image counts as 0.
    Returns ``(H', W')`` with the result dtype of ``x``, ``k`` and ``bias``.
    """
    x, k = np.asarray(x), np.asarray(k)
    H, W = x.shape
    FH, FW = k.shape
    sh, sw = _int_pair(stride)
    ph, pw = _int_pair(pad)
    row_starts = _window_starts(H + 2 * ph, FH, sh)
    col_starts = _window_starts(W + 2 * pw, FW, sw)
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
    sh, sw = _int_pair(stride)
    ph, pw = _int_pair(pad)
    row_starts = _window_starts(H + 2 * ph, FH, sh)
    col_starts = _window_starts(W + 2 * pw, FW, sw)
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
    ph, pw = _int_pair(size)
    sh, sw = (ph, pw) if stride is None else _int_pair(stride)
    row_starts = _window_starts(x3.shape[1], ph, sh)
    col_starts = _window_starts(x3.shape[2], pw, sw)
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
    ph, pw = _int_pair(size)
    sh, sw = (ph, pw) if stride is None else _int_pair(stride)
    dx = np.zeros(x3.shape, dtype=dout.dtype)
    for ch in range(x3.shape[0]):
        for i, r in enumerate(_window_starts(x3.shape[1], ph, sh)):
            for j, c in enumerate(_window_starts(x3.shape[2], pw, sw)):
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


def conv_maxpool_backward(x, k, bias, dp, size=2, stride=1):
    """Conv (stride 1, no padding) then max pooling, and the backward pass from ``dp``.

    ``J = conv2d(x, k, bias=bias)``, ``P = maxpool2d(J, size, stride)``; returns
    ``{'J', 'P', 'dJ', 'dK', 'db', 'dX'}`` with ``dJ = dL/dJ`` (routed to each window's
    first maximum, overlapping windows adding up) and the conv's gradients from it.
    """
    J = conv2d(x, k, bias=bias)
    P = maxpool2d(J, size, stride=stride)
    dJ = maxpool2d_backward(J, dp, size, stride=stride)
    dX, dK, db = conv2d_backward(x, k, dJ)
    return {"J": J, "P": P, "dJ": dJ, "dK": dK, "db": db, "dX": dX}


def conv_maxpool_backward_loops(x, k, bias, dp, size=2, stride=1):
    """Check of conv_maxpool_backward: every product and every window visited in plain loops.

    dK and dX are accumulated from each (output position, kernel entry) product, in the
    direction of the forward pass, rather than as correlations of arrays.
    """
    x, k, dp = np.asarray(x, float).tolist(), np.asarray(k, float).tolist(), \
        np.asarray(dp, float).tolist()
    H, W, fh, fw = len(x), len(x[0]), len(k), len(k[0])
    oh, ow = H - fh + 1, W - fw + 1
    J = [[sum(x[i + a][j + c] * k[a][c] for a in range(fh) for c in range(fw)) + float(bias)
          for j in range(ow)] for i in range(oh)]
    ph, pw = (oh - size) // stride + 1, (ow - size) // stride + 1
    P = [[0.0] * pw for _ in range(ph)]
    dJ = [[0.0] * ow for _ in range(oh)]
    for i in range(ph):
        for j in range(pw):
            best = (i * stride, j * stride)
            for a in range(size):
                for c in range(size):
                    r, q = i * stride + a, j * stride + c
                    if J[r][q] > J[best[0]][best[1]]:
                        best = (r, q)
            P[i][j] = J[best[0]][best[1]]
            dJ[best[0]][best[1]] += dp[i][j]
    dK = [[0.0] * fw for _ in range(fh)]
    dX = [[0.0] * W for _ in range(H)]
    for i in range(oh):
        for j in range(ow):
            for a in range(fh):
                for c in range(fw):
                    dK[a][c] += x[i + a][j + c] * dJ[i][j]
                    dX[i + a][j + c] += k[a][c] * dJ[i][j]
    return {"J": np.array(J), "P": np.array(P), "dJ": np.array(dJ), "dK": np.array(dK),
            "db": sum(map(sum, dJ)), "dX": np.array(dX)}
