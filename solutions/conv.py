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
    "conv2d_steps",
    "pool2d_steps",
    "maxpool2d_backward_steps",
    "receptive_field_steps",
    "layer_stack_text",
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
# worked steps, as text for worked solutions
# --------------------------------------------------------------------------


def _num_text(v):
    """A number as short text: ``3``, ``-2``, ``0.5`` (integral floats lose the ``.0``)."""
    v = v.item() if isinstance(v, np.generic) else v
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v) if isinstance(v, int) else f"{v:g}"


def conv2d_steps(x, k, stride=1, pad=0, bias=0):
    """Every output entry of ``conv2d(x, k, stride, pad, bias)`` worked out, as text.

    One line per output entry, in row-major order, numbered from 1 like the rows
    and columns of a matrix: ``(1,2): 3 + 0 - 2 - 1 = 0``.  Each term is a
    pixel under a nonzero kernel weight (padding pixels appear as 0); a weight
    of 1 or -1 adds or subtracts the pixel, any other weight shows as
    ``w*pixel``.  The total on the right is the sum of the terms (plus ``bias``).
    Meant for worked solutions of small hand examples (``{{ conv2d_steps(X, K) }}``).
    """
    x = _numeric_array(x, "x", (2,))
    k = _numeric_array(k, "k", (2,))
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(pad, "pad", 0)
    (H, W), (FH, FW) = x.shape, k.shape
    out_h = _out_len(H, FH, ph, sh, False, "height")
    out_w = _out_len(W, FW, pw, sw, False, "width")
    lines = []
    for i in range(out_h):
        for j in range(out_w):
            text, total = "", 0
            for a in range(FH):
                for b in range(FW):
                    w = k[a, b].item()
                    if w == 0:
                        continue
                    r, c = i * sh + a - ph, j * sw + b - pw
                    v = x[r, c].item() if 0 <= r < H and 0 <= c < W else 0
                    total += w * v
                    shown = _num_text(v) if v >= 0 else f"({_num_text(v)})"
                    if abs(w) != 1:
                        shown = f"{_num_text(abs(w))}*{shown}"
                    if not text:
                        text = shown if w > 0 else "-" + shown
                    else:
                        text += (" + " if w > 0 else " - ") + shown
            if bias != 0:
                total += bias
                if not text:
                    text = _num_text(bias)
                else:
                    text += (" + " if bias > 0 else " - ") + _num_text(abs(bias))
            lines.append(f"({i + 1},{j + 1}): {text or '0'} = {_num_text(total)}")
    return "\n".join(lines)


def pool2d_steps(x, size, stride=None, op="max"):
    """Every output entry of 2-D max (``op="max"``) or average (``op="mean"``) pooling, as text.

    ``x`` is ``(H, W)``; windows as in ``maxpool2d`` (stride defaults to size).
    One line per output entry, numbered from 1:  ``(1,2): max(3, 0, 2, 1) = 3``
    or ``(1,2): mean(3, 0, 2, 1) = 6/4 = 1.5``.
    """
    x = _numeric_array(x, "x", (2,))
    if op not in ("max", "mean"):
        raise ValueError(f"op must be 'max' or 'mean', got {op!r}")
    ph, pw = _pair(size, "size", 1)
    sh, sw = (ph, pw) if stride is None else _pair(stride, "stride", 1)
    out_h = _out_len(x.shape[0], ph, 0, sh, False, "height")
    out_w = _out_len(x.shape[1], pw, 0, sw, False, "width")
    lines = []
    for i in range(out_h):
        for j in range(out_w):
            values = [x[i * sh + a, j * sw + b].item() for a in range(ph) for b in range(pw)]
            listed = ", ".join(_num_text(v) for v in values)
            if op == "max":
                result = f"{_num_text(max(values))}"
            else:
                total = sum(values)
                result = f"{_num_text(total)}/{len(values)} = {_num_text(total / len(values))}"
            lines.append(f"({i + 1},{j + 1}): {op}({listed}) = {result}")
    return "\n".join(lines)


def maxpool2d_backward_steps(x, dout, size, stride=None):
    """The routing of ``maxpool2d_backward(x, dout, size, stride)`` worked out, as text.

    ``x`` is ``(H, W)``.  One line per window, in row-major order, numbered from
    1 like the rows and columns of a matrix:
    ``(1,2): max(3, 7, 1, 2) = 7 at X(1,4): dX(1,4) += 5``.  The maximum is the
    first one in row-major order (as in ``maxpool2d_backward``).  Meant for
    worked solutions of small hand examples.
    """
    x = _numeric_array(x, "x", (2,))
    dout = _numeric_array(dout, "dout", (2,))
    ph, pw = _pair(size, "size", 1)
    sh, sw = (ph, pw) if stride is None else _pair(stride, "stride", 1)
    out_h = _out_len(x.shape[0], ph, 0, sh, False, "height")
    out_w = _out_len(x.shape[1], pw, 0, sw, False, "width")
    if dout.shape != (out_h, out_w):
        raise ValueError(f"dout must have the pooled shape {(out_h, out_w)}, got {dout.shape}")
    lines = []
    for i in range(out_h):
        for j in range(out_w):
            cells = [(i * sh + a, j * sw + b) for a in range(ph) for b in range(pw)]
            values = [x[r, c].item() for r, c in cells]
            best = values.index(max(values))
            r, c = cells[best]
            listed = ", ".join(_num_text(v) for v in values)
            lines.append(
                f"({i + 1},{j + 1}): max({listed}) = {_num_text(values[best])} "
                f"at X({r + 1},{c + 1}): dX({r + 1},{c + 1}) += {_num_text(dout[i, j].item())}"
            )
    return "\n".join(lines)


def receptive_field_steps(layers, names=None):
    """The receptive-field recursion of ``receptive_field(layers)`` worked out, as text.

    ``layers`` is a list of ``(kernel, stride)`` pairs from input to output;
    ``names`` optionally labels them (default ``layer 1``, ``layer 2``, ...).
    One line per layer:  ``layer 2 (k=3, s=2): r = 3 + (3-1)*1 = 5, jump = 1*2 = 2``
    where ``jump`` is the distance in input pixels between neighbouring units of
    that layer (the product of the strides so far) and ``r`` the receptive field.
    """
    layers = list(layers)
    if names is None:
        names = [f"layer {n + 1}" for n in range(len(layers))]
    names = list(names)
    if len(names) != len(layers):
        raise ValueError(f"got {len(names)} names for {len(layers)} layers")
    r, jump, lines = 1, 1, []
    for name, layer in zip(names, layers, strict=True):
        if len(layer) != 2 or not all(_is_int(v) and v >= 1 for v in layer):
            raise ValueError(
                f"each layer must be a (kernel, stride) pair of ints >= 1, got {layer!r}"
            )
        kernel, stride = int(layer[0]), int(layer[1])
        new_r, new_jump = r + (kernel - 1) * jump, jump * stride
        lines.append(
            f"{name} (k={kernel}, s={stride}): r = {r} + ({kernel}-1)*{jump} = {new_r}, "
            f"jump = {jump}*{stride} = {new_jump}"
        )
        r, jump = new_r, new_jump
    return "\n".join(lines)


def layer_stack_text(kinds, layers, pads=None):
    """A stack of conv/pooling layers described in words, one numbered line per layer.

    ``kinds`` names each layer (``"conv"``, ``"max-pool"``, ...), ``layers``
    gives its ``(kernel, stride)`` pair and ``pads`` (optional) its zero
    padding.  Example line: ``layer 2: max-pool 2x2, stride 2, padding 0``.
    Meant for prompts that list a random architecture.
    """
    kinds, layers = list(kinds), list(layers)
    pads = None if pads is None else list(pads)
    if len(kinds) != len(layers) or (pads is not None and len(pads) != len(layers)):
        raise ValueError(
            f"kinds ({len(kinds)}), layers ({len(layers)}) and pads "
            f"({'-' if pads is None else len(pads)}) must have one entry per layer"
        )
    lines = []
    for n, (kind, layer) in enumerate(zip(kinds, layers, strict=True)):
        if len(layer) != 2 or not all(_is_int(v) and v >= 1 for v in layer):
            raise ValueError(
                f"each layer must be a (kernel, stride) pair of ints >= 1, got {layer!r}"
            )
        kernel, stride = int(layer[0]), int(layer[1])
        text = f"layer {n + 1}: {kind} {kernel}x{kernel}, stride {stride}"
        if pads is not None:
            text += f", padding {int(pads[n])}"
        lines.append(text)
    return "\n".join(lines)
