"""One behaviour per layer: the coding-assignment references agree with the bank's.

The references that grade code (solutions/assignments/layers.py in CS231n's API,
assignments/drills.py as plain functions) stay single self-contained files on purpose: a
reference is also a model submission that runs alone in the sandbox, and a Gradescope
bundle or a bank may hold it without the topic modules. So the same layer is written
twice, once per API; these tests pin the two to the same numbers (ties included), so
that neither can drift from the other.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ASSIGNMENTS = Path(__file__).resolve().parents[2] / "solutions" / "assignments"
SEEDS = range(6)


def _load(stem):
    """An assignment reference, imported by path under a private module name."""
    spec = importlib.util.spec_from_file_location(f"mldrill_agree_{stem}",
                                                  ASSIGNMENTS / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


L, D = _load("layers"), _load("drills")


def _close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------
# layers.py (CS231n API) against the bank
# --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_affine_layer_is_the_banks_affine(sol, seed):
    """affine_forward/backward on (N, d1, d2) inputs are nn.affine/affine_backward on the
    flattened rows (dx reshaped back)."""
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(3, 2, 2)), rng.normal(size=(4, 5)), rng.normal(size=5)
    dout = rng.normal(size=(3, 5))
    out, cache = L.affine_forward(x, w, b)
    _close(out, sol.affine(x.reshape(3, 4), w, b))
    dx, dw, db = L.affine_backward(dout, cache)
    bdx, bdw, bdb = sol.affine_backward(dout, x.reshape(3, 4), w)
    _close(dx, bdx.reshape(x.shape))
    _close(dw, bdw)
    _close(db, bdb)


@pytest.mark.parametrize("seed", SEEDS)
def test_relu_layer_is_the_banks_relu(sol, seed):
    """relu_forward is conv.relu; relu_backward is dout * nn.relu_grad (0 at exactly 0)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, size=(3, 4)).astype(float)  # exact zeros occur
    dout = rng.normal(size=x.shape)
    out, cache = L.relu_forward(x)
    _close(out, sol.relu(x))
    _close(L.relu_backward(dout, cache), dout * sol.relu_grad(x))


@pytest.mark.parametrize("seed", SEEDS)
def test_losses_are_the_banks_losses(sol, seed):
    """svm_loss is losses.multiclass_svm_loss (margin 1); softmax_loss is
    nn.softmax_cross_entropy: the same loss and the same gradient."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, size=(5, 4)).astype(float)  # margins of exactly 0 occur
    y = rng.integers(0, 4, size=5)
    for mine, bank in ((L.svm_loss(x, y), sol.multiclass_svm_loss(x, y)),
                       (L.softmax_loss(x, y), sol.softmax_cross_entropy(x, y))):
        assert mine[0] == pytest.approx(bank[0], rel=1e-12)
        _close(mine[1], bank[1])


@pytest.mark.parametrize("seed", SEEDS)
def test_batchnorm_layer_is_the_banks_batchnorm(sol, seed):
    """Train-mode batchnorm_forward is regularization.batchnorm_forward, and both backward
    passes (stage by stage, and the simplified formula) are its batchnorm_backward."""
    rng = np.random.default_rng(seed)
    x, gamma, beta = rng.normal(size=(6, 3)), rng.normal(size=3), rng.normal(size=3)
    dout = rng.normal(size=(6, 3))
    out, cache = L.batchnorm_forward(x, gamma, beta, {"mode": "train", "eps": 1e-3})
    _close(out, sol.batchnorm_forward(x, gamma, beta, eps=1e-3))
    bank = sol.batchnorm_backward(dout, x, gamma, eps=1e-3)
    for grads in (L.batchnorm_backward(dout, cache), L.batchnorm_backward_alt(dout, cache)):
        for mine, theirs in zip(grads, bank, strict=True):
            _close(mine, theirs)


@pytest.mark.parametrize("seed", SEEDS)
def test_dropout_layer_is_the_banks_inverted_dropout(sol, seed):
    """Train-mode dropout_forward is regularization.dropout_inverted with the mask it drew."""
    rng = np.random.default_rng(seed)
    x, p = rng.normal(size=(4, 5)), 0.6
    out, (_param, mask) = L.dropout_forward(x, {"p": p, "mode": "train", "seed": seed})
    kept = np.round(mask * p).astype(int)  # the 0/1 mask behind (U < p) / p
    _close(out, sol.dropout_inverted(x, kept, p))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("stride,pad", [(1, 0), (1, 1), (2, 1)])
def test_conv_layer_is_the_banks_multichannel_conv(sol, seed, stride, pad):
    """conv_forward_naive is conv.conv2d_multi image by image."""
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(2, 3, 5, 5)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    out, _ = L.conv_forward_naive(x, w, b, {"stride": stride, "pad": pad})
    for n in range(2):
        _close(out[n], sol.conv2d_multi(x[n], w, b, stride, pad))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("size,stride", [(2, 2), (2, 1), (3, 2)])
def test_max_pool_layer_is_the_banks_maxpool(sol, seed, size, stride):
    """max_pool_forward/backward_naive are conv.maxpool2d/maxpool2d_backward image by image,
    ties included (both send a window's gradient to its first maximum in row-major order)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, size=(2, 2, 6, 6)).astype(float)  # many ties
    param = {"pool_height": size, "pool_width": size, "stride": stride}
    out, cache = L.max_pool_forward_naive(x, param)
    dout = rng.normal(size=out.shape)
    dx = L.max_pool_backward_naive(dout, cache)
    for n in range(2):
        _close(out[n], sol.maxpool2d(x[n], size, stride))
        _close(dx[n], sol.maxpool2d_backward(x[n], dout[n], size, stride))


# --------------------------------------------------------------------------
# drills.py (plain functions) against the bank
# --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("stride,pad", [(1, 0), (2, 1), (3, 2)])
def test_drills_conv_and_pooling_are_the_banks(sol, seed, stride, pad):
    """conv2d, max_pool2d, avg_pool2d and max_pool2d_backward are conv.py's, ties included."""
    rng = np.random.default_rng(seed)
    x, k = rng.integers(-2, 3, size=(7, 6)).astype(float), rng.normal(size=(3, 2))
    _close(D.conv2d(x, k, stride, pad), sol.conv2d(x, k, stride, pad))
    size = (2, 3)
    _close(D.max_pool2d(x, size, stride), sol.maxpool2d(x, size, stride))
    _close(D.avg_pool2d(x, size, stride), sol.avgpool2d(x, size, stride))
    dout = rng.normal(size=sol.maxpool2d(x, size, stride).shape)
    _close(D.max_pool2d_backward(dout, x, size, stride),
           sol.maxpool2d_backward(x, dout, size, stride))


@pytest.mark.parametrize("seed", SEEDS)
def test_drills_two_layer_net_is_the_banks(sol, seed):
    """mlp2_forward and mlp2_grads are nn.mlp2_forward and nn.mlp2_loss_grads."""
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 4, size=5)
    W1, b1, W2, b2 = (rng.normal(size=s) for s in ((3, 6), 6, (6, 4), 4))
    _close(D.mlp2_forward(X, W1, b1, W2, b2), sol.mlp2_forward(X, W1, b1, W2, b2))
    mine, bank = D.mlp2_grads(X, y, W1, b1, W2, b2), sol.mlp2_loss_grads(X, y, W1, b1, W2, b2)
    assert set(mine) == set(bank)
    assert mine["loss"] == pytest.approx(bank["loss"], rel=1e-12)
    for name in ("dW1", "db1", "dW2", "db2"):
        _close(mine[name], bank[name])


def test_drills_parameter_counting_is_the_banks(sol):
    """count_params and layer_output_shapes agree with params.py on a small CNN."""
    layers = [{"type": "conv", "filters": 6, "kernel": 5, "pad": 2},
              {"type": "batchnorm"}, {"type": "pool", "size": 2},
              {"type": "conv", "filters": 16, "kernel": (3, 5), "stride": (1, 2), "bias": False},
              {"type": "flatten"}, {"type": "dense", "units": 10}]
    for shape in ((1, 28, 28), (3, 32, 30)):
        assert D.count_params(layers, shape) == sol.count_params(layers, shape)
        assert [tuple(s) for s in D.layer_output_shapes(layers, shape)] == \
            [tuple(s) for s in sol.layer_output_shapes(layers, shape)]


@pytest.mark.parametrize("seed", SEEDS)
def test_drills_maximum_likelihood_is_the_banks(sol, seed):
    """The drills' estimators are mle.py's (and the least-squares fit regression.py's)."""
    rng = np.random.default_rng(seed)
    x = rng.exponential(2.0, size=9)
    assert D.mle_gaussian(x) == pytest.approx(sol.gaussian_mle(x), rel=1e-12)
    assert D.mle_exponential(x) == pytest.approx(sol.exponential_mle(x), rel=1e-12)
    flips = rng.integers(0, 2, size=9)
    assert D.mle_bernoulli(flips) == pytest.approx(sol.bernoulli_mle(flips), rel=1e-12)
    counts = rng.integers(0, 6, size=9)
    assert D.mle_poisson(counts) == pytest.approx(sol.poisson_mle(counts), rel=1e-12)
    for alpha in (0, 1):
        _close(D.mle_categorical(counts + 1, alpha), sol.categorical_mle(counts + 1, alpha))
    X, y = rng.normal(size=(8, 3)), rng.normal(size=8)
    np.testing.assert_allclose(D.mle_linear_regression(X, y), sol.linreg_fit(X, y),
                               rtol=1e-9, atol=1e-12)
