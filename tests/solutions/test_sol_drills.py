"""Tests for solutions/assignments/drills.py (the plain-function ``drills`` assignment).

Every function is checked by an independent method written here: convolution and
pooling against explicit Python loops, the max-pool and network gradients against
central finite differences (of a loss computed here), parameter counts against
weight arrays built here and counted with ``.size``, and the MLE estimators against
golden-section maximisation of log-likelihoods written here (linear regression
against the normal equations).  The module is loaded by file path
(``solutions/assignments`` is not a package).
"""

import ast
import copy
import importlib.util
import inspect
import math
from pathlib import Path

import numpy as np
import pytest
from gradcheck import distinct, positions
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.verify.methods import numerical_gradient

DRILLS_PATH = Path(__file__).resolve().parents[2] / "solutions" / "assignments" / "drills.py"


def _load_drills():
    """Import ``drills.py`` by path under a private module name."""
    spec = importlib.util.spec_from_file_location("mldrill_assignment_drills", DRILLS_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


D = _load_drills()
FAST = settings(max_examples=30, deadline=None, database=None)
SEEDS = st.integers(0, 2**32 - 1)


# --------------------------------------------------------------------------
# helpers (independent of the module under test)
# --------------------------------------------------------------------------


def assert_grad(analytic, numeric):
    """Analytic and numerical gradients agree to finite-difference accuracy."""
    assert np.shape(analytic) == np.shape(numeric)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def two(v):
    """An int v as (v, v); a pair as a tuple."""
    return (v, v) if isinstance(v, int) else tuple(v)


def conv_loops(x, k, stride, pad):
    """Cross-correlation by four nested loops; zero padding handled by bounds checks."""
    h, w = x.shape
    kh, kw = k.shape
    rows, cols = positions(h + 2 * pad, kh, stride), positions(w + 2 * pad, kw, stride)
    out = np.zeros((len(rows), len(cols)))
    for i, r0 in enumerate(rows):
        for j, c0 in enumerate(cols):
            total = 0.0
            for a in range(kh):
                for b in range(kw):
                    r, c = r0 + a - pad, c0 + b - pad
                    if 0 <= r < h and 0 <= c < w:
                        total += float(x[r, c]) * float(k[a, b])
            out[i, j] = total
    return out


def window_values(x, size, stride):
    """``{(i, j): [window values in row-major order]}`` for pooling, by explicit loops."""
    ph, pw = two(size)
    sh, sw = (ph, pw) if stride is None else two(stride)
    rows, cols = positions(x.shape[0], ph, sh), positions(x.shape[1], pw, sw)
    out = {}
    for i, r0 in enumerate(rows):
        for j, c0 in enumerate(cols):
            out[i, j] = [((r0 + a, c0 + b), x[r0 + a, c0 + b])
                         for a in range(ph) for b in range(pw)]
    return out, (len(rows), len(cols))


def pool_loops(x, size, stride, kind):
    """Max or average pooling by explicit loops over windows and their elements."""
    windows, shape = window_values(x, size, stride)
    out = np.zeros(shape)
    for (i, j), items in windows.items():
        values = [v for _, v in items]
        out[i, j] = max(values) if kind == "max" else sum(values) / len(values)
    return out


def pool_backward_first_max_loops(x, dout, size, stride):
    """Route each window's gradient to its first strict maximum in row-major order."""
    windows, _ = window_values(x, size, stride)
    dx = np.zeros(x.shape)
    for (i, j), items in windows.items():
        best = None
        for pos, v in items:
            if best is None or v > best[1]:
                best = (pos, v)
        dx[best[0]] += dout[i, j]
    return dx


# --------------------------------------------------------------------------
# module structure
# --------------------------------------------------------------------------

SIGNATURES = {
    "conv2d": "(x, k, stride=1, pad=0)",
    "max_pool2d": "(x, size, stride=None)",
    "avg_pool2d": "(x, size, stride=None)",
    "max_pool2d_backward": "(dout, x, size, stride=None)",
    "mlp2_forward": "(X, W1, b1, W2, b2)",
    "mlp2_grads": "(X, y, W1, b1, W2, b2)",
    "count_params": "(layers, input_shape)",
    "layer_output_shapes": "(layers, input_shape)",
    "mle_gaussian": "(x)",
    "mle_bernoulli": "(x)",
    "mle_exponential": "(x)",
    "mle_poisson": "(x)",
    "mle_categorical": "(counts, alpha=0)",
    "mle_linear_regression": "(X, y)",
}


def test_module_exports_the_drill_functions_and_imports_only_numpy():
    """__all__ is exactly the drill function set, each documented; only numpy is imported."""
    assert D.__doc__ and "Conventions" in D.__doc__
    assert set(D.__all__) == set(SIGNATURES) and len(D.__all__) == len(SIGNATURES)
    public = {name for name, obj in vars(D).items()
              if inspect.isfunction(obj) and not name.startswith("_")}
    assert public == set(SIGNATURES)
    for name in SIGNATURES:
        assert getattr(D, name).__doc__.strip(), name
    for node in ast.walk(ast.parse(DRILLS_PATH.read_text())):
        if isinstance(node, ast.Import):
            assert [a.name for a in node.names] == ["numpy"]
        assert not isinstance(node, ast.ImportFrom)


def test_signatures_are_the_published_ones():
    """Argument names, order and defaults are exactly those given to students."""
    for name, sig in SIGNATURES.items():
        assert str(inspect.signature(getattr(D, name))) == sig, name


# --------------------------------------------------------------------------
# conv2d
# --------------------------------------------------------------------------

CONV_CASES = [
    # (H, W, KH, KW, stride, pad)
    (5, 5, 3, 3, 1, 0),
    (6, 7, 3, 2, 2, 1),  # non-square kernel, stride and padding
    (7, 5, 2, 3, 3, 2),
    (4, 6, 4, 1, 1, 0),
    (8, 9, 3, 3, 2, 0),  # stride does not divide: last row/column dropped
    (5, 5, 5, 5, 1, 0),  # kernel as large as the image: 1 x 1 output
    (3, 3, 5, 5, 1, 1),  # fits only thanks to the padding
    (1, 1, 1, 1, 1, 3),
]


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_matches_loops(case):
    """conv2d equals the four-loop cross-correlation, shape 1 + (H + 2p - KH) // s."""
    h, w, kh, kw, stride, pad = case
    rng = np.random.default_rng(1)
    x, k = rng.normal(size=(h, w)), rng.normal(size=(kh, kw))
    out = D.conv2d(x, k, stride=stride, pad=pad)
    assert out.shape == (1 + (h + 2 * pad - kh) // stride, 1 + (w + 2 * pad - kw) // stride)
    np.testing.assert_allclose(out, conv_loops(x, k, stride, pad), rtol=1e-12, atol=1e-12)


def test_conv2d_does_not_flip_the_kernel():
    """A hand example: conv2d is cross-correlation (a flipped kernel gives other numbers)."""
    x = np.arange(9.0).reshape(3, 3)
    k = np.array([[1.0, 2.0], [0.0, 0.0]])
    assert np.array_equal(D.conv2d(x, k), [[2.0, 5.0], [11.0, 14.0]])
    assert np.array_equal(D.conv2d(x, k, pad=1)[0], [0.0, 0.0, 0.0, 0.0])  # padded top row
    assert np.array_equal(D.conv2d(np.arange(4).reshape(2, 2), [[1, 1], [1, 1]]), [[6.0]])


@st.composite
def conv_shapes(draw):
    """Small random conv shapes with the kernel fitting in the padded image."""
    stride, pad = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    h = draw(st.integers(max(1, kh - 2 * pad), 8))
    w = draw(st.integers(max(1, kw - 2 * pad), 8))
    return (h, w, kh, kw, stride, pad), draw(SEEDS)


@FAST
@given(conv_shapes())
def test_conv2d_matches_loops_on_random_shapes(drawn):
    """Random shapes, strides and pads: conv2d equals the loops (also for integer input)."""
    (h, w, kh, kw, stride, pad), seed = drawn
    rng = np.random.default_rng(seed)
    x, k = rng.normal(size=(h, w)), rng.normal(size=(kh, kw))
    np.testing.assert_allclose(D.conv2d(x, k, stride, pad), conv_loops(x, k, stride, pad),
                               rtol=1e-10, atol=1e-10)
    xi, ki = rng.integers(-5, 6, size=(h, w)), rng.integers(-5, 6, size=(kh, kw))
    assert np.array_equal(D.conv2d(xi, ki, stride, pad), conv_loops(xi, ki, stride, pad))


@pytest.mark.parametrize("x_shape,k_shape,stride,pad", [
    ((2, 2), (3, 3), 1, 0),  # kernel does not fit
    ((3, 3), (6, 1), 1, 1),  # does not fit even with padding
    ((4, 4), (2, 2), 0, 0),  # stride 0
    ((4, 4), (2, 2), 1, -1),  # negative padding
    ((4, 4), (2, 2), 1.5, 0),  # non-integer stride
    ((4,), (2,), 1, 0),  # not 2-D
])
def test_conv2d_rejects_bad_arguments(x_shape, k_shape, stride, pad):
    """A kernel that does not fit, or an invalid stride/pad/shape, raises ValueError."""
    with pytest.raises(ValueError):
        D.conv2d(np.ones(x_shape), np.ones(k_shape), stride=stride, pad=pad)


# --------------------------------------------------------------------------
# pooling
# --------------------------------------------------------------------------

POOL_CASES = [
    # (H, W, size, stride)
    (4, 4, 2, None),
    (5, 6, (3, 2), 1),  # overlapping, non-square
    (7, 5, (2, 3), (2, 1)),  # different strides per axis
    (8, 8, 2, 3),  # stride > window: some pixels in no window
    (5, 7, 3, None),  # floor: leftover rows/columns dropped
    (3, 3, (3, 3), None),
    (2, 5, (1, 2), (1, 1)),
]


@pytest.mark.parametrize("case", POOL_CASES)
def test_max_and_avg_pool_match_loops(case):
    """max_pool2d / avg_pool2d equal window loops; stride None means the window size."""
    h, w, size, stride = case
    x = np.random.default_rng(2).normal(size=(h, w))
    ph, pw = two(size)
    sh, sw = (ph, pw) if stride is None else two(stride)
    expected_shape = (1 + (h - ph) // sh, 1 + (w - pw) // sw)
    got_max, got_avg = D.max_pool2d(x, size, stride), D.avg_pool2d(x, size, stride)
    assert got_max.shape == got_avg.shape == expected_shape
    assert np.array_equal(got_max, pool_loops(x, size, stride, "max"))
    np.testing.assert_allclose(got_avg, pool_loops(x, size, stride, "avg"), rtol=1e-12)


def test_pool_dtypes_and_default_stride():
    """Integer max pooling stays integer; avg pooling is float; the default stride is size."""
    x = np.arange(16).reshape(4, 4)
    out = D.max_pool2d(x, 2)
    assert np.issubdtype(out.dtype, np.integer) and np.array_equal(out, [[5, 7], [13, 15]])
    avg = D.avg_pool2d(x, 2)
    assert np.issubdtype(avg.dtype, np.floating)
    assert np.array_equal(avg, [[2.5, 4.5], [10.5, 12.5]])
    assert np.array_equal(D.max_pool2d(x, (2, 2), (2, 2)), out)
    assert D.max_pool2d(x, 2, 1).shape == (3, 3)


@pytest.mark.parametrize("case", POOL_CASES)
def test_max_pool_backward_matches_numerical_gradient(case):
    """Without ties, max_pool2d_backward equals finite differences (overlaps add up)."""
    h, w, size, stride = case
    rng = np.random.default_rng(3)
    x = distinct(rng, (h, w))
    dout = rng.normal(size=D.max_pool2d(x, size, stride).shape)
    dx = D.max_pool2d_backward(dout, x, size, stride)
    assert_grad(dx, numerical_gradient(lambda v: np.sum(D.max_pool2d(v, size, stride) * dout), x))


def test_max_pool_backward_ties_go_to_the_first_max_in_row_major_order():
    """Tied maxima: the whole window gradient goes to the first one in row-major order."""
    x = np.array([[1.0, 3.0, 7.0, 7.0],
                  [3.0, 2.0, 7.0, 7.0]])
    dx = D.max_pool2d_backward(np.array([[10.0, 20.0]]), x, 2)
    assert np.array_equal(dx, [[0.0, 10.0, 20.0, 0.0], [0.0, 0.0, 0.0, 0.0]])


def test_max_pool_backward_accumulates_over_overlapping_windows():
    """A maximum shared by four overlapping windows receives the sum of their gradients."""
    x = np.arange(9.0).reshape(3, 3)
    x[1, 1] = 100.0
    dx = D.max_pool2d_backward(np.array([[1.0, 2.0], [3.0, 4.0]]), x, 2, 1)
    expected = np.zeros((3, 3))
    expected[1, 1] = 10.0
    assert np.array_equal(dx, expected)
    flat = D.max_pool2d_backward(np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros((3, 3)), 2, 1)
    assert np.array_equal(flat, [[1.0, 2.0, 0.0], [3.0, 4.0, 0.0], [0.0, 0.0, 0.0]])


@st.composite
def pool_shapes(draw):
    """Small random pool shapes (int or pair size/stride, default stride), data with ties."""
    ph, pw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    size = ph if ph == pw and draw(st.booleans()) else (ph, pw)
    stride = draw(st.one_of(st.none(), st.integers(1, 3),
                            st.tuples(st.integers(1, 3), st.integers(1, 3))))
    h, w = draw(st.integers(ph, 8)), draw(st.integers(pw, 8))
    return (h, w, size, stride), draw(SEEDS)


@FAST
@given(pool_shapes())
def test_pooling_matches_loops_on_random_shapes_with_ties(drawn):
    """Random shapes with many ties: forwards equal the loops, backward the first-max loops."""
    (h, w, size, stride), seed = drawn
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, size=(h, w)).astype(np.float64)
    out = D.max_pool2d(x, size, stride)
    assert np.array_equal(out, pool_loops(x, size, stride, "max"))
    np.testing.assert_allclose(D.avg_pool2d(x, size, stride), pool_loops(x, size, stride, "avg"),
                               rtol=1e-12, atol=1e-12)
    dout = rng.normal(size=out.shape)
    np.testing.assert_allclose(D.max_pool2d_backward(dout, x, size, stride),
                               pool_backward_first_max_loops(x, dout, size, stride),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("call", [
    lambda: D.max_pool2d(np.ones((2, 5)), 3),  # window taller than the image
    lambda: D.avg_pool2d(np.ones((5, 2)), (2, 3)),  # window wider than the image
    lambda: D.max_pool2d(np.ones((4, 4)), 2, 0),  # stride 0
    lambda: D.avg_pool2d(np.ones((4, 4)), (2, 2, 2)),  # not a pair
    lambda: D.max_pool2d_backward(np.ones((3, 3)), np.ones((4, 4)), 2),  # dout wrong shape
])
def test_pooling_rejects_bad_arguments(call):
    """A window that does not fit, a bad size/stride or a mis-shaped dout raises ValueError."""
    with pytest.raises(ValueError):
        call()


# --------------------------------------------------------------------------
# two-layer network
# --------------------------------------------------------------------------


def mlp_scores_loops(X, W1, b1, W2, b2):
    """Scores relu(X W1 + b1) W2 + b2 by explicit per-example, per-unit loops."""
    n, d = X.shape
    hidden, c = W2.shape
    S = np.zeros((n, c))
    for i in range(n):
        h = [max(0.0, b1[j] + sum(X[i, t] * W1[t, j] for t in range(d))) for j in range(hidden)]
        for m in range(c):
            S[i, m] = b2[m] + sum(h[j] * W2[j, m] for j in range(hidden))
    return S


def mlp_loss_loops(X, y, W1, b1, W2, b2):
    """Average softmax cross-entropy of the loop scores, with Python's math module."""
    S = mlp_scores_loops(X, W1, b1, W2, b2)
    total = 0.0
    for i, row in enumerate(S):
        top = max(row)
        total += top + math.log(sum(math.exp(v - top) for v in row)) - row[y[i]]
    return total / len(y)


def mlp_case(seed, n, d, hidden, c):
    """Random float64 network and data, with hidden pre-activations kept off the kink."""
    rng = np.random.default_rng(seed)
    X, W1 = rng.normal(size=(n, d)), rng.normal(size=(d, hidden))
    b1, W2, b2 = rng.normal(size=hidden), rng.normal(size=(hidden, c)), rng.normal(size=c)
    z = X @ W1 + b1
    b1 = b1 + 0.2 * (np.abs(z).min(axis=0) < 0.1)  # move units whose |z| is small
    return X, rng.integers(0, c, size=n), W1, b1, W2, b2


MLP_CASES = [(1, 2, 3, 2), (4, 3, 5, 3), (6, 4, 3, 5)]


@pytest.mark.parametrize("n,d,hidden,c", MLP_CASES)
def test_mlp2_forward_matches_loops(n, d, hidden, c):
    """mlp2_forward equals relu(X W1 + b1) W2 + b2 computed by loops, shape (N, C)."""
    X, _y, W1, b1, W2, b2 = mlp_case(4, n, d, hidden, c)
    S = D.mlp2_forward(X, W1, b1, W2, b2)
    assert S.shape == (n, c)
    np.testing.assert_allclose(S, mlp_scores_loops(X, W1, b1, W2, b2), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n,d,hidden,c", MLP_CASES)
def test_mlp2_grads_match_finite_differences_of_an_independent_loss(n, d, hidden, c):
    """mlp2_grads' loss equals the loop loss and each gradient its central differences."""
    X, y, W1, b1, W2, b2 = mlp_case(5 + n, n, d, hidden, c)
    grads = D.mlp2_grads(X, y, W1, b1, W2, b2)
    assert set(grads) == {"loss", "dW1", "db1", "dW2", "db2"}
    assert isinstance(grads["loss"], float)
    assert grads["loss"] == pytest.approx(mlp_loss_loops(X, y, W1, b1, W2, b2), rel=1e-12)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    for name, value in params.items():

        def loss_of(v, name=name):
            return mlp_loss_loops(X, y, **{**params, name: v})

        assert_grad(grads["d" + name], numerical_gradient(loss_of, value))


def test_mlp2_relu_gradient_at_exactly_zero_is_zero():
    """A hidden unit whose pre-activation is exactly 0 for every example gets db1 = dW1 = 0."""
    rng = np.random.default_rng(6)
    X = np.vstack([np.zeros(3), rng.normal(size=(2, 3))])
    W1 = rng.normal(size=(3, 2))
    W1[:, 0] = 0.0  # unit 0: z = 0 + b1[0] = 0 for every example
    b1, W2, b2 = np.array([0.0, 0.5]), rng.normal(size=(2, 3)), rng.normal(size=3)
    grads = D.mlp2_grads(X, np.array([0, 1, 2]), W1, b1, W2, b2)
    assert grads["db1"][0] == 0.0 and np.all(grads["dW1"][:, 0] == 0.0)
    assert grads["db1"][1] != 0.0


def test_mlp2_grads_are_stable_for_huge_scores():
    """Scores near 1e3 give a finite loss equal to the loop loss (rows are shifted)."""
    X, W1, b1 = np.eye(2), np.eye(2), np.zeros(2)
    W2, b2 = np.array([[1000.0, -1000.0], [0.0, 999.0]]), np.zeros(2)
    y = np.array([1, 0])
    grads = D.mlp2_grads(X, y, W1, b1, W2, b2)
    assert all(np.all(np.isfinite(v)) for v in grads.values())
    assert grads["loss"] == pytest.approx(mlp_loss_loops(X, y, W1, b1, W2, b2), rel=1e-12)


@pytest.mark.parametrize("y", [np.array([0, 3]), np.array([0]), np.array([0.0, 1.0])])
def test_mlp2_grads_rejects_bad_labels(y):
    """Labels out of range, of the wrong length or not integers raise ValueError."""
    X, _y, W1, b1, W2, b2 = mlp_case(7, 2, 2, 2, 3)
    with pytest.raises(ValueError):
        D.mlp2_grads(X, y, W1, b1, W2, b2)


def test_mlp2_rejects_mismatched_shapes():
    """Parameter shapes that do not chain (D, H, C) raise ValueError."""
    X, _y, W1, b1, W2, b2 = mlp_case(8, 2, 3, 4, 2)
    with pytest.raises(ValueError):
        D.mlp2_forward(X, W1.T, b1, W2, b2)
    with pytest.raises(ValueError):
        D.mlp2_forward(X, W1, b2, W2, b2)


# --------------------------------------------------------------------------
# parameter counting
# --------------------------------------------------------------------------


def build_weights(layers, input_shape):
    """Build every layer's weight arrays by hand; return (arrays, shapes) or None if invalid.

    Shapes are tracked by counting window positions one by one; a layer that cannot
    be applied (window does not fit, dense on an image, conv/pool on a vector)
    makes the whole list invalid.
    """
    shape, arrays, shapes = tuple(input_shape), [], []
    for layer in layers:
        kind = layer["type"]
        if kind in ("conv", "pool") and len(shape) != 3:
            return None
        if kind == "conv":
            c, h, w = shape
            kh, kw = two(layer["kernel"])
            sh, sw = two(layer.get("stride", 1))
            ph, pw = two(layer.get("pad", 0))
            rows = positions(h + 2 * ph, kh, sh)
            cols = positions(w + 2 * pw, kw, sw)
            if not rows or not cols:
                return None
            arrays.append(np.zeros((layer["filters"], c, kh, kw)))
            if layer.get("bias", True):
                arrays.append(np.zeros(layer["filters"]))
            shape = (layer["filters"], len(rows), len(cols))
        elif kind == "pool":
            c, h, w = shape
            kh, kw = two(layer["size"])
            sh, sw = two(layer["size"] if layer.get("stride") is None else layer["stride"])
            rows, cols = positions(h, kh, sh), positions(w, kw, sw)
            if not rows or not cols:
                return None
            shape = (c, len(rows), len(cols))
        elif kind == "flatten":
            shape = (len(np.zeros(shape).ravel()),)
        elif kind == "dense":
            if len(shape) != 1:
                return None
            arrays.append(np.zeros((shape[0], layer["units"])))
            if layer.get("bias", True):
                arrays.append(np.zeros(layer["units"]))
            shape = (layer["units"],)
        elif kind == "batchnorm":
            arrays += [np.ones(shape[0]), np.zeros(shape[0])]  # gamma, beta
        shapes.append(shape)
    return arrays, shapes


LENET = [
    {"type": "conv", "filters": 6, "kernel": 5},
    {"type": "pool", "size": 2},
    {"type": "conv", "filters": 16, "kernel": 5},
    {"type": "pool", "size": 2},
    {"type": "flatten"},
    {"type": "dense", "units": 120},
    {"type": "dense", "units": 84},
    {"type": "dense", "units": 10},
]


def test_count_params_lenet_is_61706():
    """LeNet-5 on (1, 32, 32) has the well-known 61,706 parameters, and the known shapes."""
    arrays, shapes = build_weights(LENET, (1, 32, 32))
    assert sum(a.size for a in arrays) == 61706
    assert D.count_params(LENET, (1, 32, 32)) == 61706
    assert type(D.count_params(LENET, (1, 32, 32))) is int
    assert D.layer_output_shapes(LENET, (1, 32, 32)) == shapes == [
        (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (400,), (120,), (84,), (10,)]


def test_count_params_hand_examples():
    """Defaults, no-bias layers, batchnorm per channel / per feature, padding and strides."""
    net = [
        {"type": "conv", "filters": 4, "kernel": [3, 1], "stride": 2, "pad": 1, "bias": False},
        {"type": "batchnorm"},
        {"type": "pool", "size": 2, "stride": 1},
        {"type": "flatten"},
        {"type": "batchnorm"},
        {"type": "dense", "units": 3, "bias": False},
    ]
    # conv: 4*3*3*1 = 36 -> (4, 4, 4); bn 2*4; pool -> (4, 3, 3); flatten 36; bn 2*36; dense 36*3
    assert D.layer_output_shapes(net, (3, 8, 6)) == [
        (4, 4, 4), (4, 4, 4), (4, 3, 3), (36,), (36,), (3,)]
    assert D.count_params(net, (3, 8, 6)) == 36 + 8 + 72 + 108
    assert D.count_params([], (5,)) == 0 and D.layer_output_shapes([], (5,)) == []
    assert D.count_params([{"type": "dense", "units": 2}], [5]) == 12


def layer_strategy(kind):
    """A random layer dict of one kind, with optional keys sometimes left to their defaults."""
    sizes = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))
    if kind == "conv":
        return st.fixed_dictionaries(
            {"type": st.just("conv"), "filters": st.integers(1, 4), "kernel": sizes},
            optional={"stride": sizes, "pad": st.integers(0, 1), "bias": st.booleans()})
    if kind == "pool":
        return st.fixed_dictionaries({"type": st.just("pool"), "size": sizes},
                                     optional={"stride": st.one_of(st.none(), sizes)})
    if kind == "dense":
        return st.fixed_dictionaries({"type": st.just("dense"), "units": st.integers(1, 6)},
                                     optional={"bias": st.booleans()})
    return st.just({"type": kind})


@st.composite
def networks(draw):
    """Random layer lists: image layers, maybe a flatten, vector layers (some invalid)."""
    if draw(st.booleans()):
        input_shape = (draw(st.integers(1, 3)), draw(st.integers(1, 9)), draw(st.integers(1, 9)))
        image = st.sampled_from(["conv", "pool", "batchnorm"]).flatmap(layer_strategy)
        layers = draw(st.lists(image, max_size=4))
        if draw(st.integers(0, 5)) > 0:  # occasionally forget the flatten
            layers.append({"type": "flatten"})
    else:
        input_shape = (draw(st.integers(1, 10)),)
        layers = []
    vector = st.sampled_from(["dense", "dense", "batchnorm", "flatten"]).flatmap(layer_strategy)
    layers += draw(st.lists(vector, max_size=3))
    return layers, input_shape


@FAST
@given(networks())
def test_count_params_matches_hand_built_weights_on_random_networks(drawn):
    """Random layer lists: count = total .size of weights built here; invalid -> ValueError."""
    layers, input_shape = drawn
    built = build_weights(layers, input_shape)
    if built is None:
        with pytest.raises(ValueError):
            D.count_params(layers, input_shape)
        with pytest.raises(ValueError):
            D.layer_output_shapes(layers, input_shape)
        return
    arrays, shapes = built
    assert D.count_params(layers, input_shape) == sum(a.size for a in arrays)
    assert D.layer_output_shapes(layers, input_shape) == shapes


@pytest.mark.parametrize("layers,input_shape", [
    ([{"type": "dense", "units": 3}], (1, 4, 4)),  # dense needs flatten first
    ([{"type": "conv", "filters": 2, "kernel": 3}], (9,)),  # conv on a vector
    ([{"type": "pool", "size": 2}], (4,)),  # pool on a vector
    ([{"type": "conv", "filters": 2, "kernel": 5}], (1, 4, 4)),  # kernel does not fit
    ([{"type": "pool", "size": 3}], (1, 2, 8)),  # window does not fit
    ([{"type": "relu"}], (4,)),  # unknown type
    ([{"type": "dense", "units": 3, "activation": "relu"}], (4,)),  # unknown key
    ([{"type": "dense"}], (4,)),  # missing units
    ([{"type": "dense", "units": 0}], (4,)),
    ([{"type": "flatten"}], (4, 4)),  # input shape neither (C, H, W) nor (D,)
])
def test_count_params_rejects_invalid_networks(layers, input_shape):
    """Dense before flatten, conv/pool on vectors, unfit windows, bad keys raise ValueError."""
    with pytest.raises(ValueError):
        D.count_params(layers, input_shape)
    with pytest.raises(ValueError):
        D.layer_output_shapes(layers, input_shape)


# --------------------------------------------------------------------------
# maximum likelihood
# --------------------------------------------------------------------------

GOLDEN = (math.sqrt(5) - 1) / 2


def golden_max(f, lo, hi, iterations=200):
    """Maximiser of a unimodal ``f`` on [lo, hi] by golden-section search."""
    a, b = lo, hi
    c, d = b - GOLDEN * (b - a), a + GOLDEN * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(iterations):
        if fc >= fd:
            b, d, fd = d, c, fc
            c = b - GOLDEN * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + GOLDEN * (b - a)
            fd = f(d)
    return (a + b) / 2


def xlogy(x, y):
    """x * log(y) with 0 * log(anything) = 0 (and -inf for y <= 0 < x, off the domain)."""
    if x == 0:
        return 0.0
    return x * math.log(y) if y > 0 else -math.inf


@pytest.mark.parametrize("seed,n", [(0, 2), (1, 5), (2, 50)])
def test_mle_gaussian_maximises_the_log_likelihood(seed, n):
    """(mu, var) maximise the Gaussian log-likelihood; var is the biased 1/N variance."""
    x = np.random.default_rng(seed).normal(3.0, 2.0, size=n)

    def loglik(mu, var):
        return sum(-0.5 * math.log(2 * math.pi * var) - (v - mu) ** 2 / (2 * var) for v in x)

    mu_star = golden_max(lambda m: loglik(m, 1.0), min(x) - 1, max(x) + 1)  # argmax free of var
    var_star = golden_max(lambda s: loglik(mu_star, s), 1e-6, 4 * (max(x) - min(x)) ** 2 + 1)
    mu, var = D.mle_gaussian(x)
    assert isinstance(mu, float) and isinstance(var, float)
    assert mu == pytest.approx(mu_star, abs=1e-7)
    assert var == pytest.approx(var_star, rel=1e-6)
    assert var == pytest.approx(sum((v - mu) ** 2 for v in x) / len(x), rel=1e-12)


@pytest.mark.parametrize("x", [[1, 0, 1, 1], [0, 0, 0, 1, 0, 0, 1], [1, 1, 1], [0],
                               [True, False, False]])
def test_mle_bernoulli_maximises_the_log_likelihood(x):
    """p maximises sum x log p + (1 - x) log(1 - p), including the all-0 / all-1 edges."""

    def loglik(p):
        return sum(xlogy(int(v), p) + xlogy(1 - int(v), 1 - p) for v in x)

    assert D.mle_bernoulli(np.array(x)) == pytest.approx(golden_max(loglik, 1e-12, 1 - 1e-12),
                                                         abs=1e-7)


@pytest.mark.parametrize("seed,scale", [(3, 0.5), (4, 2.0), (5, 10.0)])
def test_mle_exponential_maximises_the_log_likelihood(seed, scale):
    """The rate lam maximises N log lam - lam sum x (so lam = 1 / mean, not the mean)."""
    x = np.random.default_rng(seed).exponential(scale, size=20)

    def loglik(lam):
        return len(x) * math.log(lam) - lam * sum(x)

    lam_star = golden_max(loglik, 1e-6, 100.0)
    assert D.mle_exponential(x) == pytest.approx(lam_star, rel=1e-6)


@pytest.mark.parametrize("x", [[0, 2, 1, 4, 3], [7], [0, 0, 1], [12, 9, 15, 11]])
def test_mle_poisson_maximises_the_log_likelihood(x):
    """lam maximises sum (x log lam - lam - log x!) over a wide bracket."""

    def loglik(lam):
        return sum(xlogy(v, lam) - lam - math.lgamma(v + 1) for v in x)

    assert D.mle_poisson(np.array(x)) == pytest.approx(golden_max(loglik, 1e-9, 100.0), abs=1e-6)
    assert D.mle_poisson(np.zeros(3, dtype=int)) == 0.0


def categorical_max_2(weights):
    """Maximiser over p in [0, 1] of w0 log p + w1 log(1 - p) (golden section)."""
    p = golden_max(lambda p: xlogy(weights[0], p) + xlogy(weights[1], 1 - p), 1e-12, 1 - 1e-12)
    return np.array([p, 1 - p])


def categorical_max_3(weights):
    """Maximiser over the 3-simplex of sum w_k log p_k (nested golden sections; concave)."""

    def objective(p0, p1):
        return xlogy(weights[0], p0) + xlogy(weights[1], p1) + xlogy(weights[2], 1 - p0 - p1)

    def best_p1(p0):
        return golden_max(lambda p1: objective(p0, p1), 1e-12, 1 - p0 - 1e-12, iterations=80)

    p0 = golden_max(lambda p0: objective(p0, best_p1(p0)), 1e-12, 1 - 2e-12, iterations=80)
    p1 = best_p1(p0)
    return np.array([p0, p1, 1 - p0 - p1])


@pytest.mark.parametrize("counts", [[3, 1], [0, 4], [2, 5, 3], [0, 1, 6], [4, 0, 0]])
@pytest.mark.parametrize("alpha", [0, 0.5, 1, 2])
def test_mle_categorical_maximises_the_smoothed_log_likelihood(counts, alpha):
    """(counts + alpha) / (N + K alpha) maximises sum (n_k + alpha) log p_k on the simplex."""
    weights = [c + alpha for c in counts]
    expected = categorical_max_2(weights) if len(counts) == 2 else categorical_max_3(weights)
    got = D.mle_categorical(np.array(counts), alpha)
    assert got.shape == (len(counts),) and got.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_mle_categorical_laplace_hand_example():
    """Laplace smoothing (alpha=1) of counts [3, 0, 1] gives [4, 1, 2] / 7; alpha=0 keeps 0."""
    np.testing.assert_allclose(D.mle_categorical([3, 0, 1], alpha=1), [4 / 7, 1 / 7, 2 / 7])
    np.testing.assert_allclose(D.mle_categorical([3, 0, 1]), [0.75, 0.0, 0.25])


@pytest.mark.parametrize("n,d", [(5, 1), (10, 3), (40, 6)])
def test_mle_linear_regression_solves_the_normal_equations(n, d):
    """For full-rank X, w equals the solution of (X^T X) w = X^T y."""
    rng = np.random.default_rng(n)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + 0.3 * rng.normal(size=n)
    w = D.mle_linear_regression(X, y)
    assert w.shape == (d,)
    np.testing.assert_allclose(w, np.linalg.solve(X.T @ X, X.T @ y), rtol=1e-9, atol=1e-12)


def test_mle_linear_regression_rank_deficient_gives_a_minimum_norm_minimiser():
    """With a duplicated column, w still solves the normal equations and splits it evenly."""
    rng = np.random.default_rng(9)
    a, b = rng.normal(size=8), rng.normal(size=8)
    X = np.column_stack([a, a, b])  # null space spanned by (1, -1, 0)
    y = 2 * a - b + 0.1 * rng.normal(size=8)
    w = D.mle_linear_regression(X, y)
    np.testing.assert_allclose(X.T @ (X @ w - y), 0.0, atol=1e-10)
    assert w[0] == pytest.approx(w[1], abs=1e-10)  # orthogonal to the null space
    reduced = np.linalg.solve(X[:, 1:].T @ X[:, 1:], X[:, 1:].T @ y)
    np.testing.assert_allclose([w[0] + w[1], w[2]], reduced, rtol=1e-9)


@pytest.mark.parametrize("call", [
    lambda: D.mle_gaussian([]),
    lambda: D.mle_bernoulli([0, 2, 1]),
    lambda: D.mle_exponential([1.0, -0.5]),
    lambda: D.mle_exponential([0.0, 0.0]),
    lambda: D.mle_poisson([1, -1]),
    lambda: D.mle_categorical([0, 0, 0]),
    lambda: D.mle_categorical([1, -1, 2]),
    lambda: D.mle_categorical([1, 2], alpha=-1),
    lambda: D.mle_linear_regression(np.ones((3, 2)), np.ones(4)),
])
def test_mle_rejects_invalid_samples(call):
    """Empty samples, values outside the support and undefined estimates raise ValueError."""
    with pytest.raises(ValueError):
        call()


# --------------------------------------------------------------------------
# no function modifies its inputs
# --------------------------------------------------------------------------


def _frozen(a):
    """A read-only copy of ``a``: any in-place write to it raises."""
    a = np.array(a)
    a.flags.writeable = False
    return a


def _calls():
    """(name, function, args) for every exported function, on small random inputs."""
    rng = np.random.default_rng(10)
    X, y, W1, b1, W2, b2 = mlp_case(11, 4, 3, 5, 3)
    img = rng.normal(size=(6, 5))
    return [
        ("conv2d", D.conv2d, (img, rng.normal(size=(3, 2)), 2, 1)),
        ("max_pool2d", D.max_pool2d, (img, 2, 1)),
        ("avg_pool2d", D.avg_pool2d, (img, (2, 3), None)),
        ("max_pool2d_backward", D.max_pool2d_backward,
         (rng.normal(size=(5, 4)), img, 2, 1)),
        ("mlp2_forward", D.mlp2_forward, (X, W1, b1, W2, b2)),
        ("mlp2_grads", D.mlp2_grads, (X, y, W1, b1, W2, b2)),
        ("count_params", D.count_params, (copy.deepcopy(LENET), (1, 32, 32))),
        ("layer_output_shapes", D.layer_output_shapes, (copy.deepcopy(LENET), (1, 32, 32))),
        ("mle_gaussian", D.mle_gaussian, (rng.normal(size=6),)),
        ("mle_bernoulli", D.mle_bernoulli, (rng.integers(0, 2, size=6),)),
        ("mle_exponential", D.mle_exponential, (rng.exponential(size=6),)),
        ("mle_poisson", D.mle_poisson, (rng.poisson(3.0, size=6),)),
        ("mle_categorical", D.mle_categorical, (np.array([3.0, 0.0, 2.0]), 1)),
        ("mle_linear_regression", D.mle_linear_regression, (X, rng.normal(size=4))),
    ]


@pytest.mark.parametrize("name,func,args", [pytest.param(*c, id=c[0]) for c in _calls()])
def test_functions_do_not_modify_their_inputs(name, func, args):
    """Each function works on read-only arrays and leaves its (copied) inputs unchanged."""
    frozen = [_frozen(a) if isinstance(a, np.ndarray) else a for a in args]
    snapshot = copy.deepcopy(args)
    func(*frozen)  # raises if it writes into a read-only array
    func(*args)
    for before, after in zip(snapshot, args, strict=True):
        if isinstance(before, np.ndarray):
            assert np.array_equal(before, after), name
        else:
            assert before == after, name


def test_every_function_is_checked_for_purity():
    """The purity test above calls every exported function."""
    assert {c[0] for c in _calls()} == set(SIGNATURES)
