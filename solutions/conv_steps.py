"""Convolution and pooling worked out step by step, as text for worked solutions (NumPy only).

The conventions are those of ``conv.py``: "convolution" is cross-correlation (no
kernel flip), images are ``(H, W)``, ``stride``/``pad``/``size`` are an int or a
pair ``(vertical, horizontal)``, windows that do not fit are dropped (floor
convention).  Each function returns plain text (one line per output entry or per
layer) that a problem's ``solution:`` template shows; the values agree with the
functions of ``conv.py`` (the tests check it), but no code is shared with them.
"""

import numpy as np

__all__ = [
    "conv2d_steps",
    "pool2d_steps",
    "maxpool2d_backward_steps",
    "receptive_field_steps",
    "layer_stack_text",
]


# --------------------------------------------------------------------------
# argument checking helpers (private; the same checks as conv.py)
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
