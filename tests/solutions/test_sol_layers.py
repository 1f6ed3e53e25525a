"""Tests for solutions/assignments/layers.py (the CS231n-style ``layers`` assignment).

Every function is checked by an independent method: forward passes against explicit
Python loops written here, backward passes against central finite differences of the
forward passes, and batchnorm/dropout against their defining formulas and statistics.
The module is loaded by file path (``solutions/assignments`` is not a package).
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

LAYERS_PATH = Path(__file__).resolve().parents[2] / "solutions" / "assignments" / "layers.py"


def _load_layers():
    """Import ``layers.py`` by path under a private module name."""
    spec = importlib.util.spec_from_file_location("mldrill_assignment_layers", LAYERS_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


L = _load_layers()
FAST = settings(max_examples=30, deadline=None, database=None)
SEEDS = st.integers(0, 2**32 - 1)


def num_grad(f, x, dout, h=1e-6):
    """Central differences of ``sum(f(x) * dout)`` with respect to every entry of ``x``."""
    return numerical_gradient(lambda v: np.sum(f(v) * dout), x, h)


def assert_grad(analytic, numeric):
    """Analytic and numerical gradients agree to finite-difference accuracy."""
    assert np.shape(analytic) == np.shape(numeric)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------
# reference loops (independent of the module under test)
# --------------------------------------------------------------------------


def conv_loops(x, w, b, stride, pad):
    """Cross-correlation by seven nested loops; padding handled by bounds checks."""
    n_, c_, h_, w_ = x.shape
    f_, _, hh, ww = w.shape
    rows, cols = positions(h_ + 2 * pad, hh, stride), positions(w_ + 2 * pad, ww, stride)
    out = np.zeros((n_, f_, len(rows), len(cols)))
    for n in range(n_):
        for f in range(f_):
            for i, r0 in enumerate(rows):
                for j, s0 in enumerate(cols):
                    total = float(b[f])
                    for c in range(c_):
                        for di in range(hh):
                            for dj in range(ww):
                                r, s = r0 + di - pad, s0 + dj - pad
                                if 0 <= r < h_ and 0 <= s < w_:
                                    total += x[n, c, r, s] * w[f, c, di, dj]
                    out[n, f, i, j] = total
    return out


def pool_loops(x, ph, pw, stride):
    """Max pooling by explicit loops over windows and their elements."""
    n_, c_, h_, w_ = x.shape
    rows, cols = positions(h_, ph, stride), positions(w_, pw, stride)
    out = np.zeros((n_, c_, len(rows), len(cols)), dtype=x.dtype)
    for n in range(n_):
        for c in range(c_):
            for i, r0 in enumerate(rows):
                for j, s0 in enumerate(cols):
                    out[n, c, i, j] = max(x[n, c, r0 + di, s0 + dj]
                                          for di in range(ph) for dj in range(pw))
    return out


def pool_backward_first_max_loops(x, dout, ph, pw, stride):
    """Route each window's gradient to its first strict maximum in row-major order."""
    n_, c_, h_, w_ = x.shape
    rows, cols = positions(h_, ph, stride), positions(w_, pw, stride)
    dx = np.zeros(x.shape)
    for n in range(n_):
        for c in range(c_):
            for i, r0 in enumerate(rows):
                for j, s0 in enumerate(cols):
                    best = None
                    for di in range(ph):
                        for dj in range(pw):
                            v = x[n, c, r0 + di, s0 + dj]
                            if best is None or v > best[0]:
                                best = (v, di, dj)
                    dx[n, c, r0 + best[1], s0 + best[2]] += dout[n, c, i, j]
    return dx


# --------------------------------------------------------------------------
# module structure
# --------------------------------------------------------------------------

EXPECTED = {
    "affine_forward", "affine_backward", "relu_forward", "relu_backward", "svm_loss",
    "softmax_loss", "batchnorm_forward", "batchnorm_backward", "batchnorm_backward_alt",
    "dropout_forward", "dropout_backward", "conv_forward_naive", "conv_backward_naive",
    "max_pool_forward_naive", "max_pool_backward_naive",
}


def test_module_exports_the_cs231n_functions_and_imports_only_numpy():
    """__all__ is exactly the CS231n function set, all documented, and only numpy is imported."""
    assert L.__doc__ and "CS231n" in L.__doc__
    assert set(L.__all__) == EXPECTED and len(L.__all__) == len(EXPECTED)
    public = {name for name, obj in vars(L).items()
              if inspect.isfunction(obj) and not name.startswith("_")}
    assert public == EXPECTED
    for name in EXPECTED:
        assert getattr(L, name).__doc__.strip(), name
    for node in ast.walk(ast.parse(LAYERS_PATH.read_text())):
        if isinstance(node, ast.Import):
            assert [a.name for a in node.names] == ["numpy"]
        assert not isinstance(node, ast.ImportFrom)


def test_signatures_match_cs231n():
    """Argument names and order are CS231n's, so student files are interchangeable."""
    expected = {
        "affine_forward": ["x", "w", "b"], "affine_backward": ["dout", "cache"],
        "relu_forward": ["x"], "relu_backward": ["dout", "cache"],
        "svm_loss": ["x", "y"], "softmax_loss": ["x", "y"],
        "batchnorm_forward": ["x", "gamma", "beta", "bn_param"],
        "batchnorm_backward": ["dout", "cache"], "batchnorm_backward_alt": ["dout", "cache"],
        "dropout_forward": ["x", "dropout_param"], "dropout_backward": ["dout", "cache"],
        "conv_forward_naive": ["x", "w", "b", "conv_param"],
        "conv_backward_naive": ["dout", "cache"],
        "max_pool_forward_naive": ["x", "pool_param"],
        "max_pool_backward_naive": ["dout", "cache"],
    }
    for name, params in expected.items():
        assert list(inspect.signature(getattr(L, name)).parameters) == params, name


# --------------------------------------------------------------------------
# affine and ReLU
# --------------------------------------------------------------------------


@pytest.mark.parametrize("x_shape", [(4, 2, 3), (3, 5), (1, 2, 3)])
def test_affine_forward_matches_loops(x_shape):
    """affine_forward flattens each example row-major and computes x @ w + b (explicit loops)."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=x_shape)
    d, m = int(np.prod(x_shape[1:])), 4
    w, b = rng.normal(size=(d, m)), rng.normal(size=m)
    out, _ = L.affine_forward(x, w, b)
    expected = np.zeros((x_shape[0], m))
    for n in range(x_shape[0]):
        flat = list(x[n].flat)
        for k in range(m):
            expected[n, k] = b[k] + sum(flat[i] * w[i, k] for i in range(d))
    assert out.shape == (x_shape[0], m)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("x_shape,m", [((1, 2, 3), 2), ((3, 2, 3), 4), ((2, 5), 1)])
def test_affine_backward_matches_numerical_gradient(x_shape, m):
    """affine_backward's dx (in x's shape), dw and db equal finite differences."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=x_shape)
    w, b = rng.normal(size=(int(np.prod(x_shape[1:])), m)), rng.normal(size=m)
    out, cache = L.affine_forward(x, w, b)
    dout = rng.normal(size=out.shape)
    dx, dw, db = L.affine_backward(dout, cache)
    assert dx.shape == x.shape
    assert_grad(dx, num_grad(lambda v: L.affine_forward(v, w, b)[0], x, dout))
    assert_grad(dw, num_grad(lambda v: L.affine_forward(x, v, b)[0], w, dout))
    assert_grad(db, num_grad(lambda v: L.affine_forward(x, w, v)[0], b, dout))


def test_relu_forward_matches_loop():
    """relu_forward is max(0, x) elementwise on any shape (checked entry by entry)."""
    x = np.random.default_rng(3).normal(size=(2, 3, 4))
    out, cache = L.relu_forward(x)
    for idx in np.ndindex(x.shape):
        assert out[idx] == (x[idx] if x[idx] > 0 else 0.0)
    assert np.array_equal(cache, x)


@pytest.mark.parametrize("shape", [(1, 1), (3, 4), (2, 3, 2)])
def test_relu_backward_matches_numerical_gradient(shape):
    """relu_backward equals finite differences away from the kink."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=shape)
    x[np.abs(x) < 0.01] = 0.5  # keep the finite differences off the kink
    dout = rng.normal(size=shape)
    dx = L.relu_backward(dout, L.relu_forward(x)[1])
    assert_grad(dx, num_grad(lambda v: L.relu_forward(v)[0], x, dout))


def test_relu_backward_is_zero_at_zero():
    """At exactly x == 0 the ReLU gradient is 0 (CS231n's dout * (x > 0))."""
    x = np.array([[-1.0, 0.0, 2.0]])
    dx = L.relu_backward(np.array([[5.0, 5.0, 5.0]]), L.relu_forward(x)[1])
    assert np.array_equal(dx, [[0.0, 0.0, 5.0]])


# --------------------------------------------------------------------------
# losses
# --------------------------------------------------------------------------


def svm_loss_loops(x, y):
    """Average hinge loss by per-example, per-class loops."""
    total = 0.0
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            if j != y[i]:
                total += max(0.0, x[i, j] - x[i, y[i]] + 1.0)
    return total / x.shape[0]


def softmax_loss_loops(x, y):
    """Average cross-entropy by per-example loops with Python's math module."""
    total = 0.0
    for i in range(x.shape[0]):
        top = max(x[i])
        log_z = top + math.log(sum(math.exp(v - top) for v in x[i]))
        total += log_z - x[i, y[i]]
    return total / x.shape[0]


@pytest.mark.parametrize("n,c", [(1, 3), (5, 4), (8, 10)])
def test_svm_loss_matches_loops_and_numerical_gradient(n, c):
    """svm_loss equals the per-example loop and its dx equals finite differences."""
    rng = np.random.default_rng(5 + n)
    x, y = rng.normal(size=(n, c)), rng.integers(0, c, size=n)
    loss, dx = L.svm_loss(x, y)
    assert loss == pytest.approx(svm_loss_loops(x, y), rel=1e-12)
    assert_grad(dx, num_grad(lambda v: L.svm_loss(v, y)[0], x, 1.0))


def test_svm_loss_zero_margin_has_no_gradient():
    """A margin of exactly 0 adds nothing to loss or gradient (strict > 0 test)."""
    loss, dx = L.svm_loss(np.array([[0.0, -1.0, 5.0]]), np.array([0]))
    assert loss == pytest.approx(6.0)
    assert np.array_equal(dx, [[-1.0, 0.0, 1.0]])


@pytest.mark.parametrize("n,c", [(1, 3), (5, 4), (8, 10)])
def test_softmax_loss_matches_loops_and_numerical_gradient(n, c):
    """softmax_loss equals the per-example loop and its dx equals finite differences."""
    rng = np.random.default_rng(6 + n)
    x, y = rng.normal(size=(n, c)) * 3, rng.integers(0, c, size=n)
    loss, dx = L.softmax_loss(x, y)
    assert loss == pytest.approx(softmax_loss_loops(x, y), rel=1e-12)
    assert_grad(dx, num_grad(lambda v: L.softmax_loss(v, y)[0], x, 1.0))


def test_softmax_loss_is_stable_for_huge_scores():
    """Scores near 1000 give the same finite loss and gradient as the shifted scores."""
    x, y = np.array([[1000.0, 1001.0, 999.0], [-1000.0, 0.0, 1000.0]]), np.array([0, 0])
    loss, dx = L.softmax_loss(x, y)
    loss0, dx0 = L.softmax_loss(x - x.max(axis=1, keepdims=True), y)
    assert np.isfinite(loss) and np.all(np.isfinite(dx))
    assert loss == pytest.approx(loss0) and loss == pytest.approx(softmax_loss_loops(x, y))
    np.testing.assert_allclose(dx, dx0)


# --------------------------------------------------------------------------
# batch normalisation
# --------------------------------------------------------------------------


def test_batchnorm_train_output_has_mean_beta_and_std_gamma():
    """In train mode each output feature has batch mean beta and (biased) std gamma."""
    rng = np.random.default_rng(7)
    x = rng.normal(loc=[5.0, -3.0, 0.0], scale=[4.0, 0.5, 10.0], size=(200, 3))
    gamma, beta = np.array([1.0, 2.5, 0.3]), np.array([0.0, -1.0, 4.0])
    out, _ = L.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-10)
    np.testing.assert_allclose(out.std(axis=0), gamma, rtol=1e-4)


def test_batchnorm_train_uses_biased_variance_and_eps():
    """Train output is gamma * (x - mean) / sqrt(var_N + eps) + beta, var dividing by N."""
    rng = np.random.default_rng(8)
    x, gamma, beta = rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=3)
    for params in ({"mode": "train"}, {"mode": "train", "eps": 0.5}):
        eps = params.get("eps", 1e-5)
        mean = x.sum(axis=0) / 4
        var = ((x - mean) ** 2).sum(axis=0) / 4
        out, _ = L.batchnorm_forward(x, gamma, beta, params)
        np.testing.assert_allclose(out, gamma * (x - mean) / np.sqrt(var + eps) + beta)


def test_batchnorm_running_stats_follow_momentum_over_two_calls():
    """Two train calls give running = m * running + (1 - m) * batch stat, from zeros."""
    rng = np.random.default_rng(9)
    x1, x2 = rng.normal(2.0, 3.0, size=(6, 4)), rng.normal(-1.0, 0.5, size=(5, 4))
    gamma, beta = np.ones(4), np.zeros(4)
    for momentum in (None, 0.7):
        params = {"mode": "train"} if momentum is None else {"mode": "train",
                                                             "momentum": momentum}
        m = 0.9 if momentum is None else momentum
        L.batchnorm_forward(x1, gamma, beta, params)
        L.batchnorm_forward(x2, gamma, beta, params)
        rm1, rv1 = (1 - m) * x1.mean(axis=0), (1 - m) * x1.var(axis=0)
        np.testing.assert_allclose(params["running_mean"], m * rm1 + (1 - m) * x2.mean(axis=0))
        np.testing.assert_allclose(params["running_var"], m * rv1 + (1 - m) * x2.var(axis=0))


def test_batchnorm_default_running_stats_take_x_dtype():
    """Missing running stats start as zeros of x's dtype (float32 stays float32)."""
    x = np.random.default_rng(10).normal(size=(5, 3)).astype(np.float32)
    params = {"mode": "train"}
    L.batchnorm_forward(x, np.ones(3, np.float32), np.zeros(3, np.float32), params)
    assert params["running_mean"].dtype == np.float32
    assert params["running_var"].dtype == np.float32
    np.testing.assert_allclose(params["running_mean"], 0.1 * x.mean(axis=0), rtol=1e-5)


def test_batchnorm_test_mode_uses_running_stats():
    """Test mode computes gamma * (x - rm) / sqrt(rv + eps) + beta and keeps the stats."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=(3, 4))
    gamma, beta = np.array([0.5, 2.0, -1.0, 3.0]), np.array([1.0, -2.0, 0.5, 0.0])
    rm, rv = np.array([0.3, -1.0, 2.0, 0.0]), np.array([0.5, 4.0, 1.5, 0.01])
    params = {"mode": "test", "running_mean": rm.copy(), "running_var": rv.copy(), "eps": 1e-3}
    out, _ = L.batchnorm_forward(x, gamma, beta, params)
    np.testing.assert_allclose(out, gamma * (x - rm) / np.sqrt(rv + 1e-3) + beta)
    assert np.array_equal(params["running_mean"], rm)
    assert np.array_equal(params["running_var"], rv)


def test_batchnorm_mutates_bn_param_but_not_the_arrays_in_it():
    """Train mode stores new running stats in the same dict; the old arrays are untouched."""
    rng = np.random.default_rng(12)
    rm, rv = rng.normal(size=3), rng.uniform(1, 2, size=3)
    params = {"mode": "train", "running_mean": rm, "running_var": rv}
    before = (rm.copy(), rv.copy())
    L.batchnorm_forward(rng.normal(size=(4, 3)), np.ones(3), np.zeros(3), params)
    assert not np.allclose(params["running_mean"], before[0])
    assert np.array_equal(rm, before[0]) and np.array_equal(rv, before[1])
    empty = {"mode": "test"}
    L.batchnorm_forward(rng.normal(size=(4, 3)), np.ones(3), np.zeros(3), empty)
    assert np.array_equal(empty["running_mean"], np.zeros(3))  # stored back in test mode too


def test_batchnorm_invalid_mode_raises():
    """An unknown mode raises CS231n's ValueError message."""
    with pytest.raises(ValueError, match='Invalid forward batchnorm mode "eval"'):
        L.batchnorm_forward(np.ones((2, 2)), np.ones(2), np.zeros(2), {"mode": "eval"})


@pytest.mark.parametrize("n,d", [(1, 2), (2, 3), (5, 4)])
def test_batchnorm_backward_matches_numerical_gradient(n, d):
    """batchnorm_backward and _alt (train mode) equal finite differences of the forward."""
    rng = np.random.default_rng(13 + n)
    x, gamma, beta = rng.normal(1.0, 2.0, size=(n, d)), rng.normal(size=d), rng.normal(size=d)
    dout = rng.normal(size=(n, d))

    def fwd(xv, gv, bv):
        return L.batchnorm_forward(xv, gv, bv, {"mode": "train"})[0]

    _, cache = L.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    expected = (num_grad(lambda v: fwd(v, gamma, beta), x, dout),
                num_grad(lambda v: fwd(x, v, beta), gamma, dout),
                num_grad(lambda v: fwd(x, gamma, v), beta, dout))
    for backward in (L.batchnorm_backward, L.batchnorm_backward_alt):
        for got, want in zip(backward(dout, cache), expected, strict=True):
            assert_grad(got, want)


def test_batchnorm_backward_alt_equals_backward():
    """batchnorm_backward_alt returns the same three arrays as batchnorm_backward."""
    rng = np.random.default_rng(14)
    x = rng.normal(size=(50, 7)) * 3 + 1
    _, cache = L.batchnorm_forward(x, rng.normal(size=7), rng.normal(size=7), {"mode": "train"})
    dout = rng.normal(size=x.shape)
    for a, b in zip(L.batchnorm_backward(dout, cache), L.batchnorm_backward_alt(dout, cache),
                    strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_batchnorm_backward_of_test_mode_matches_numerical_gradient():
    """Given a test-mode cache, both backwards differentiate the test-mode forward."""
    rng = np.random.default_rng(15)
    x, gamma, beta = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=2)
    stats = {"running_mean": np.array([0.5, -1.0]), "running_var": np.array([2.0, 0.3])}

    def fwd(xv, gv, bv):
        return L.batchnorm_forward(xv, gv, bv, {"mode": "test", **stats})[0]

    _, cache = L.batchnorm_forward(x, gamma, beta, {"mode": "test", **stats})
    dout = rng.normal(size=x.shape)
    expected = (num_grad(lambda v: fwd(v, gamma, beta), x, dout),
                num_grad(lambda v: fwd(x, v, beta), gamma, dout),
                num_grad(lambda v: fwd(x, gamma, v), beta, dout))
    for backward in (L.batchnorm_backward, L.batchnorm_backward_alt):
        for got, want in zip(backward(dout, cache), expected, strict=True):
            assert_grad(got, want)


# --------------------------------------------------------------------------
# dropout
# --------------------------------------------------------------------------


def test_dropout_seed_makes_it_reproducible():
    """The same seed gives the same output; different seeds give different masks."""
    x = np.random.default_rng(16).normal(size=(20, 30))
    a, _ = L.dropout_forward(x, {"p": 0.5, "mode": "train", "seed": 123})
    b, _ = L.dropout_forward(x, {"p": 0.5, "mode": "train", "seed": 123})
    c, _ = L.dropout_forward(x, {"p": 0.5, "mode": "train", "seed": 124})
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_dropout_seed_uses_numpy_global_generator_like_cs231n():
    """With a seed, the mask is (np.random.rand(*x.shape) < p) / p after np.random.seed(seed)."""
    x = np.random.default_rng(17).normal(size=(4, 5))
    _, (_, mask) = L.dropout_forward(x, {"p": 0.3, "mode": "train", "seed": 7})
    np.random.seed(7)
    assert np.array_equal(mask, (np.random.rand(4, 5) < 0.3) / 0.3)


@pytest.mark.parametrize("p", [0.25, 0.6, 0.9])
def test_dropout_train_keeps_fraction_p_and_preserves_the_mean(p):
    """Train mode zeroes about 1 - p of the units and scales the rest by 1/p (mean preserved)."""
    x = np.random.default_rng(18).uniform(1.0, 3.0, size=(500, 400))
    out, _ = L.dropout_forward(x, {"p": p, "mode": "train", "seed": 0})
    kept = out != 0
    assert abs((~kept).mean() - (1 - p)) < 0.01
    np.testing.assert_allclose(out[kept], x[kept] / p)
    assert abs(out.mean() - x.mean()) < 0.03


def test_dropout_test_mode_returns_x_unchanged():
    """Test mode returns x itself and its backward passes dout through."""
    x = np.random.default_rng(19).normal(size=(3, 4))
    out, cache = L.dropout_forward(x, {"p": 0.5, "mode": "test"})
    assert out is x
    dout = np.ones((3, 4))
    assert np.array_equal(L.dropout_backward(dout, cache), dout)


def test_dropout_backward_is_dout_times_mask_and_matches_numerical_gradient():
    """With a fixed seed, dropout_backward = dout * mask = finite differences of the forward."""
    rng = np.random.default_rng(20)
    x, dout = rng.normal(size=(3, 2, 4)), rng.normal(size=(3, 2, 4))
    param = {"p": 0.6, "mode": "train", "seed": 42}
    _, cache = L.dropout_forward(x, param)
    dx = L.dropout_backward(dout, cache)
    assert np.array_equal(dx, dout * cache[1])
    assert_grad(dx, num_grad(lambda v: L.dropout_forward(v, param)[0], x, dout))


def test_dropout_invalid_mode_raises():
    """An unknown dropout mode raises ValueError."""
    with pytest.raises(ValueError):
        L.dropout_forward(np.ones(3), {"p": 0.5, "mode": "eval"})


# --------------------------------------------------------------------------
# convolution
# --------------------------------------------------------------------------

CONV_CASES = [
    # (N, C, H, W, F, HH, WW, stride, pad)
    (1, 1, 4, 4, 1, 3, 3, 1, 1),
    (2, 3, 5, 7, 2, 3, 2, 2, 0),
    (2, 2, 6, 5, 3, 2, 3, 3, 1),
    (1, 2, 5, 4, 2, 5, 1, 1, 2),
    (2, 1, 6, 7, 2, 3, 3, 2, 0),  # stride does not divide: last row/column dropped
]


def conv_case(rng, n, c, h, w, f, hh, ww):
    """Random float64 (x, w, b) of the given shapes."""
    return rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, hh, ww)), rng.normal(size=f)


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_forward_matches_loops(case):
    """conv_forward_naive equals the seven-loop cross-correlation (shape H' = 1 + (H+2p-HH)//s)."""
    n, c, h, w, f, hh, ww, stride, pad = case
    x, wt, b = conv_case(np.random.default_rng(21), n, c, h, w, f, hh, ww)
    out, cache = L.conv_forward_naive(x, wt, b, {"stride": stride, "pad": pad})
    assert out.shape == (n, f, 1 + (h + 2 * pad - hh) // stride, 1 + (w + 2 * pad - ww) // stride)
    np.testing.assert_allclose(out, conv_loops(x, wt, b, stride, pad), rtol=1e-12, atol=1e-12)
    assert cache[0] is x and cache[3] == {"stride": stride, "pad": pad}


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_backward_matches_numerical_gradient(case):
    """conv_backward_naive's dx, dw, db equal finite differences of conv_forward_naive."""
    n, c, h, w, f, hh, ww, stride, pad = case
    rng = np.random.default_rng(22)
    x, wt, b = conv_case(rng, n, c, h, w, f, hh, ww)
    param = {"stride": stride, "pad": pad}
    out, cache = L.conv_forward_naive(x, wt, b, param)
    dout = rng.normal(size=out.shape)
    dx, dw, db = L.conv_backward_naive(dout, cache)
    assert_grad(dx, num_grad(lambda v: L.conv_forward_naive(v, wt, b, param)[0], x, dout))
    assert_grad(dw, num_grad(lambda v: L.conv_forward_naive(x, v, b, param)[0], wt, dout))
    assert_grad(db, num_grad(lambda v: L.conv_forward_naive(x, wt, v, param)[0], b, dout))


@st.composite
def conv_shapes(draw):
    """Small random conv shapes with the filter fitting in the padded input."""
    stride, pad = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    hh, ww = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    h = draw(st.integers(max(1, hh - 2 * pad), 7))
    w = draw(st.integers(max(1, ww - 2 * pad), 7))
    n, c, f = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return (n, c, h, w, f, hh, ww, stride, pad), draw(SEEDS)


@FAST
@given(conv_shapes())
def test_conv_matches_loops_and_adjoint_identity_on_random_shapes(drawn):
    """Random shapes/strides/pads: forward equals the loops; backward satisfies the adjoint sums."""
    (n, c, h, w, f, hh, ww, stride, pad), seed = drawn
    rng = np.random.default_rng(seed)
    x, wt, b = conv_case(rng, n, c, h, w, f, hh, ww)
    out, cache = L.conv_forward_naive(x, wt, b, {"stride": stride, "pad": pad})
    expected = conv_loops(x, wt, b, stride, pad)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-10)
    # conv is bilinear in (x, w): <out - b, dout> = <x, dx> = <w, dw>; db sums dout
    dout = rng.normal(size=out.shape)
    dx, dw, db = L.conv_backward_naive(dout, cache)
    pairing = np.sum((expected - b[None, :, None, None]) * dout)
    assert np.sum(x * dx) == pytest.approx(pairing, rel=1e-9, abs=1e-9)
    assert np.sum(wt * dw) == pytest.approx(pairing, rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(db, dout.sum(axis=(0, 2, 3)))
    assert dx.shape == x.shape and dw.shape == wt.shape and db.shape == b.shape


def test_conv_forward_rejects_a_filter_that_does_not_fit():
    """A filter larger than the padded input raises ValueError."""
    with pytest.raises(ValueError):
        L.conv_forward_naive(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), np.zeros(1),
                             {"stride": 1, "pad": 0})


# --------------------------------------------------------------------------
# max pooling
# --------------------------------------------------------------------------

POOL_CASES = [
    # (N, C, H, W, pool_height, pool_width, stride)
    (1, 1, 4, 4, 2, 2, 2),
    (2, 3, 5, 6, 3, 2, 1),  # overlapping, non-square
    (2, 2, 7, 5, 2, 3, 2),  # overlapping along the width
    (1, 2, 8, 8, 2, 2, 3),  # stride > pool: some pixels in no window
]


@pytest.mark.parametrize("case", POOL_CASES)
def test_max_pool_forward_matches_loops(case):
    """max_pool_forward_naive equals the explicit window-max loops."""
    n, c, h, w, ph, pw, stride = case
    x = np.random.default_rng(23).normal(size=(n, c, h, w))
    out, cache = L.max_pool_forward_naive(
        x, {"pool_height": ph, "pool_width": pw, "stride": stride})
    assert out.shape == (n, c, 1 + (h - ph) // stride, 1 + (w - pw) // stride)
    assert np.array_equal(out, pool_loops(x, ph, pw, stride))
    assert cache[0] is x


@pytest.mark.parametrize("case", POOL_CASES)
def test_max_pool_backward_matches_numerical_gradient(case):
    """Without ties, max_pool_backward_naive equals finite differences (overlaps add up)."""
    n, c, h, w, ph, pw, stride = case
    rng = np.random.default_rng(24)
    x = distinct(rng, (n, c, h, w))
    param = {"pool_height": ph, "pool_width": pw, "stride": stride}
    out, cache = L.max_pool_forward_naive(x, param)
    dout = rng.normal(size=out.shape)
    dx = L.max_pool_backward_naive(dout, cache)
    assert_grad(dx, num_grad(lambda v: L.max_pool_forward_naive(v, param)[0], x, dout))


def test_max_pool_backward_ties_go_to_the_first_max_in_row_major_order():
    """Tied maxima: the whole gradient goes to the first one in row-major order."""
    x = np.array([[[[1.0, 3.0, 7.0, 7.0],
                    [3.0, 2.0, 7.0, 7.0]]]])
    param = {"pool_height": 2, "pool_width": 2, "stride": 2}
    out, cache = L.max_pool_forward_naive(x, param)
    assert np.array_equal(out, [[[[3.0, 7.0]]]])
    dx = L.max_pool_backward_naive(np.array([[[[10.0, 20.0]]]]), cache)
    assert np.array_equal(dx, [[[[0.0, 10.0, 20.0, 0.0],
                                 [0.0, 0.0, 0.0, 0.0]]]])


def test_max_pool_backward_ties_in_overlapping_windows():
    """A constant input with 2x2 windows at stride 1 sends each window's dout to its top-left."""
    x = np.zeros((1, 1, 3, 3))
    param = {"pool_height": 2, "pool_width": 2, "stride": 1}
    _, cache = L.max_pool_forward_naive(x, param)
    dout = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    dx = L.max_pool_backward_naive(dout, cache)
    assert np.array_equal(dx[0, 0], [[1.0, 2.0, 0.0], [3.0, 4.0, 0.0], [0.0, 0.0, 0.0]])


def test_max_pool_backward_accumulates_over_overlapping_windows():
    """A maximum shared by four overlapping windows receives the sum of their gradients."""
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    x[0, 0, 1, 1] = 100.0
    _, cache = L.max_pool_forward_naive(x, {"pool_height": 2, "pool_width": 2, "stride": 1})
    dout = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    dx = L.max_pool_backward_naive(dout, cache)
    expected = np.zeros((3, 3))
    expected[1, 1] = 10.0
    assert np.array_equal(dx[0, 0], expected)


@st.composite
def pool_shapes(draw):
    """Small random pool shapes (overlapping, skipping, non-square), integer data with ties."""
    ph, pw, stride = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(ph, 7)), draw(st.integers(pw, 7))
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    return (n, c, h, w, ph, pw, stride), draw(SEEDS)


@FAST
@given(pool_shapes())
def test_max_pool_matches_loops_on_random_shapes_with_ties(drawn):
    """Random shapes with many ties: forward equals the loops, backward the first-max loops."""
    (n, c, h, w, ph, pw, stride), seed = drawn
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, size=(n, c, h, w)).astype(np.float64)
    param = {"pool_height": ph, "pool_width": pw, "stride": stride}
    out, cache = L.max_pool_forward_naive(x, param)
    assert np.array_equal(out, pool_loops(x, ph, pw, stride))
    dout = rng.normal(size=out.shape)
    dx = L.max_pool_backward_naive(dout, cache)
    np.testing.assert_allclose(dx, pool_backward_first_max_loops(x, dout, ph, pw, stride),
                               rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------
# no function modifies its inputs
# --------------------------------------------------------------------------


def _calls():
    """(name, forward, args, backward) for every layer, on small random inputs."""
    rng = np.random.default_rng(25)
    x4 = rng.normal(size=(2, 2, 4, 4))
    bn = {"mode": "train", "running_mean": np.zeros(3), "running_var": np.ones(3)}
    return [
        ("affine", L.affine_forward, (rng.normal(size=(2, 2, 3)), rng.normal(size=(6, 4)),
                                      rng.normal(size=4)), L.affine_backward),
        ("relu", L.relu_forward, (rng.normal(size=(3, 4)),), L.relu_backward),
        ("batchnorm", L.batchnorm_forward, (rng.normal(size=(4, 3)), rng.normal(size=3),
                                            rng.normal(size=3), bn), L.batchnorm_backward),
        ("batchnorm_alt", L.batchnorm_forward,
         (rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=3), dict(bn)),
         L.batchnorm_backward_alt),
        ("dropout", L.dropout_forward,
         (rng.normal(size=(3, 4)), {"p": 0.5, "mode": "train", "seed": 1}), L.dropout_backward),
        ("dropout_test", L.dropout_forward, (rng.normal(size=(3, 4)), {"p": 0.5, "mode": "test"}),
         L.dropout_backward),
        ("conv", L.conv_forward_naive, (x4, rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3),
                                        {"stride": 1, "pad": 1}), L.conv_backward_naive),
        ("pool", L.max_pool_forward_naive,
         (x4.copy(), {"pool_height": 2, "pool_width": 2, "stride": 1}),
         L.max_pool_backward_naive),
    ]


def _same(a, b):
    """Deep equality of arrays, dicts and scalars."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return np.array_equal(a, b)


@pytest.mark.parametrize("name,forward,args,backward",
                         [pytest.param(*call, id=call[0]) for call in _calls()])
def test_layers_do_not_modify_their_inputs(name, forward, args, backward):
    """Forward and backward leave every input array (and the param dicts' arrays) unchanged."""
    snapshot = copy.deepcopy(args)
    held = [dict(a) if isinstance(a, dict) else a for a in args]  # the objects passed in
    out, cache = forward(*args)
    dout = np.random.default_rng(26).normal(size=out.shape)
    dout_copy = dout.copy()
    backward(dout, cache)
    assert np.array_equal(dout, dout_copy)
    for before, passed, after in zip(snapshot, held, args, strict=True):
        assert _same(before, passed), name  # nothing was modified in place
        if not (isinstance(after, dict) and name.startswith("batchnorm")):
            assert _same(before, after), name  # bn_param alone gets new running stats


def test_batchnorm_original_running_arrays_unchanged():
    """The running-stat arrays passed in bn_param are replaced, not modified in place."""
    rm, rv = np.zeros(3), np.ones(3)
    params = {"mode": "train", "running_mean": rm, "running_var": rv}
    L.batchnorm_forward(np.arange(12.0).reshape(4, 3), np.ones(3), np.zeros(3), params)
    assert np.array_equal(rm, np.zeros(3)) and np.array_equal(rv, np.ones(3))
    assert params["running_mean"] is not rm


@pytest.mark.parametrize("n,c", [(1, 3), (4, 5)])
def test_losses_do_not_modify_their_inputs(n, c):
    """svm_loss and softmax_loss leave x and y unchanged."""
    rng = np.random.default_rng(27)
    x, y = rng.normal(size=(n, c)), rng.integers(0, c, size=n)
    x0, y0 = x.copy(), y.copy()
    for loss in (L.svm_loss, L.softmax_loss):
        loss(x, y)
        assert np.array_equal(x, x0) and np.array_equal(y, y0)
