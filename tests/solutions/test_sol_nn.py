"""Tests for solutions/nn.py (and the batch norm and dropout of regularization.py): values,
stability, softmax with a temperature, gradients against the numerical gradient."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mldrill.variants.rng import VariantRNG
from mldrill.verify.methods import numerical_gradient

FAST = settings(max_examples=50, deadline=None, database=None)
FINITE = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


def random_mlp(seed, n=4, d=3, h=5, k=3):
    """A small random 2-layer network and a batch (X, y, W1, b1, W2, b2)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.integers(0, k, size=n)
    return X, y, rng.normal(size=(d, h)), rng.normal(size=h), rng.normal(size=(h, k)), \
        rng.normal(size=k)


def check_param_grads(sol, loss_of, params, grads, atol=1e-6):
    """Compare each analytic gradient with the numerical gradient of ``loss_of(params)``."""
    for name in params:
        def f(value, name=name):
            return loss_of({**params, name: value})

        numeric = numerical_gradient(f, params[name], 1e-5)
        np.testing.assert_allclose(grads["d" + name], numeric, atol=atol, err_msg=name)


# --------------------------------------------------------------------------
# activations
# --------------------------------------------------------------------------


def test_sigmoid_values_and_stability(sol):
    """sigmoid is 1/(1+e^-z), symmetric, and finite without warnings for huge |z|."""
    assert sol.sigmoid(0) == 0.5
    assert sol.sigmoid(np.log(3)) == pytest.approx(0.75)  # 1 / (1 + 1/3)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = sol.sigmoid(np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(out, [0.0, 1.0])


@FAST
@given(arrays(np.float64, st.integers(1, 6), elements=FINITE))
def test_activation_identities(sol, z):
    """sigmoid(-z) = 1 - sigmoid(z); softplus' = sigmoid; log_softmax = log(softmax)."""
    np.testing.assert_allclose(sol.sigmoid(-z), 1 - sol.sigmoid(z), atol=1e-12)
    np.testing.assert_allclose(sol.softplus(z), np.log1p(np.exp(z)), rtol=1e-12)
    np.testing.assert_allclose(sol.log_softmax(z), np.log(sol.softmax(z)), atol=1e-9)
    assert sol.softmax(z).sum() == pytest.approx(1.0)
    assert sol.logsumexp(z) == pytest.approx(np.log(np.sum(np.exp(z))))


def test_activation_gradients_match_numerical(sol):
    """sigmoid_grad, tanh_grad and softplus' agree with central differences."""
    for z in [-3.0, -0.4, 0.2, 2.5]:
        assert sol.sigmoid_grad(z) == pytest.approx(numerical_gradient(sol.sigmoid, z, 1e-5))
        assert sol.tanh_grad(z) == pytest.approx(numerical_gradient(np.tanh, z, 1e-5))
        assert sol.sigmoid(z) == pytest.approx(numerical_gradient(sol.softplus, z, 1e-5))
        assert sol.relu_grad(z) == pytest.approx(
            numerical_gradient(lambda t: max(t, 0.0), z, 1e-5))
    assert sol.sigmoid_grad(0) == 0.25
    np.testing.assert_array_equal(sol.relu_grad(np.array([-1, 0, 2])), [0.0, 0.0, 1.0])


def test_softmax_is_stable_and_row_wise(sol):
    """softmax of huge logits is finite and normalises each row (batch as rows)."""
    z = np.array([[1000.0, 1000.0], [0.0, np.log(3.0)]])
    np.testing.assert_allclose(sol.softmax(z), [[0.5, 0.5], [0.25, 0.75]])
    np.testing.assert_allclose(sol.logsumexp(z), [1000 + np.log(2), np.log(4)])
    np.testing.assert_allclose(sol.softmax(z.T, axis=0), sol.softmax(z).T)


# --------------------------------------------------------------------------
# losses and layers
# --------------------------------------------------------------------------


def test_loss_hand_examples(sol):
    """mse averages over all entries; cross-entropy averages -log p(true class) over the batch."""
    # errors 1, -1, 2, 0 -> squares 1, 1, 4, 0 -> mean 6/4
    assert sol.mse(np.array([[1, 2], [3, 4]]), np.array([[0, 3], [1, 4]])) == 1.5
    probs = np.array([[0.5, 0.5], [0.25, 0.75]])
    # -(log 0.5 + log 0.75) / 2
    assert sol.cross_entropy(probs, np.array([0, 1])) == pytest.approx(
        -(np.log(0.5) + np.log(0.75)) / 2)
    assert np.array_equal(sol.onehot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match="same shape"):
        sol.mse(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="labels must lie in"):
        sol.cross_entropy(probs, np.array([0, 2]))


@pytest.mark.parametrize("seed", range(3))
def test_softmax_cross_entropy_loss_and_gradient(sol, seed):
    """softmax_cross_entropy equals cross_entropy(softmax) and dlogits is its gradient."""
    rng = np.random.default_rng(seed)
    logits, y = rng.normal(size=(4, 3)), rng.integers(0, 3, size=4)
    loss, dlogits = sol.softmax_cross_entropy(logits, y)
    assert loss == pytest.approx(sol.cross_entropy(sol.softmax(logits), y))
    np.testing.assert_allclose(dlogits, (sol.softmax(logits) - sol.onehot(y, 3)) / 4)
    numeric = numerical_gradient(lambda z: sol.softmax_cross_entropy(z, y)[0], logits, 1e-5)
    np.testing.assert_allclose(dlogits, numeric, atol=1e-8)


@pytest.mark.parametrize("seed", range(3))
def test_affine_backward_matches_numerical(sol, seed):
    """affine_backward returns the gradients of sum(dY * affine(X, W, b))."""
    rng = np.random.default_rng(seed)
    X, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    dY = rng.normal(size=(4, 2))
    dX, dW, db = sol.affine_backward(dY, X, W)
    params = {"X": X, "W": W, "b": b}
    check_param_grads(sol, lambda p: np.sum(dY * sol.affine(p["X"], p["W"], p["b"])),
                      params, {"dX": dX, "dW": dW, "db": db})


@pytest.mark.parametrize("seed", range(4))
def test_mlp2_loss_grads_match_numerical(sol, seed):
    """mlp2_loss_grads gives the softmax cross-entropy loss and its exact gradients."""
    X, y, W1, b1, W2, b2 = random_mlp(seed)
    out = sol.mlp2_loss_grads(X, y, W1, b1, W2, b2)
    assert set(out) == {"loss", "dW1", "db1", "dW2", "db2"}
    scores = sol.mlp2_forward(X, W1, b1, W2, b2)
    assert out["loss"] == pytest.approx(sol.cross_entropy(sol.softmax(scores), y))
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    check_param_grads(
        sol, lambda p: sol.mlp2_loss_grads(X, y, **p)["loss"], params, out)


@pytest.mark.parametrize("seed", range(4))
def test_mlp2_mse_grads_match_numerical(sol, seed):
    """mlp2_mse_grads uses L = sum((scores - Y)**2) / (2N) and returns its exact gradients."""
    X, _, W1, b1, W2, b2 = random_mlp(seed)
    Y = np.random.default_rng(100 + seed).normal(size=(X.shape[0], W2.shape[1]))
    out = sol.mlp2_mse_grads(X, Y, W1, b1, W2, b2)
    scores = sol.mlp2_forward(X, W1, b1, W2, b2)
    # (1/(2N)) sum over entries = (K/2) * mean over entries
    assert out["loss"] == pytest.approx(sol.mse(scores, Y) * Y.shape[1] / 2)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    check_param_grads(
        sol, lambda p: sol.mlp2_mse_grads(X, Y, **p)["loss"], params, out)


def test_mlp2_forward_hand_example(sol):
    """A 1-2-1 ReLU net computed by hand: the negative hidden unit is cut to 0."""
    X = np.array([[2.0]])
    W1, b1 = np.array([[1.0, -1.0]]), np.array([0.5, 0.5])  # hidden pre: 2.5, -1.5 -> 2.5, 0
    W2, b2 = np.array([[2.0], [3.0]]), np.array([1.0])  # 2.5*2 + 0*3 + 1 = 6
    np.testing.assert_array_equal(sol.mlp2_forward(X, W1, b1, W2, b2), [[6.0]])


@pytest.mark.parametrize("seed", range(3))
def test_sigmoid_neuron_grads_match_numerical(sol, seed):
    """sigmoid_neuron_grads returns L = sigmoid(w.x + b) and its gradients in w, b and x."""
    rng = np.random.default_rng(seed)
    w, x, b = rng.normal(size=3), rng.normal(size=3), float(rng.normal())
    out = sol.sigmoid_neuron_grads(w, x, b)
    assert out["L"] == pytest.approx(1 / (1 + np.exp(-(w @ x + b))))
    np.testing.assert_allclose(out["dw"], numerical_gradient(
        lambda v: sol.sigmoid_neuron_grads(v, x, b)["L"], w, 1e-5), atol=1e-9)
    np.testing.assert_allclose(out["dx"], numerical_gradient(
        lambda v: sol.sigmoid_neuron_grads(w, v, b)["L"], x, 1e-5), atol=1e-9)
    assert out["db"] == pytest.approx(numerical_gradient(
        lambda v: sol.sigmoid_neuron_grads(w, x, v)["L"], b, 1e-5))


def test_sigmoid_neuron_hand_example(sol):
    """w.x + b = 0 gives L = 0.5 and dL/dz = 0.25."""
    out = sol.sigmoid_neuron_grads(np.array([1.0, 2.0]), np.array([3.0, -1.0]), -1.0)
    assert out["L"] == 0.5
    assert out["db"] == 0.25
    np.testing.assert_array_equal(out["dw"], [0.75, -0.25])
    np.testing.assert_array_equal(out["dx"], [0.25, 0.5])


def test_batchnorm_forward_normalises_columns(sol):
    """batchnorm_forward uses the biased batch variance per column, then gamma and beta."""
    X = np.array([[1.0, 10.0], [3.0, 10.0]])
    # column 0: mean 2, biased var 1 -> (-1, 1); column 1: var 0 -> 0
    out = sol.batchnorm_forward(X, np.array([2.0, 1.0]), np.array([0.0, 5.0]), eps=1e-12)
    np.testing.assert_allclose(out, [[-2.0, 5.0], [2.0, 5.0]], atol=1e-5)


@pytest.mark.parametrize("seed", range(3))
def test_batchnorm_backward_matches_numerical(sol, seed):
    """batchnorm_backward returns the gradients of sum(dout * batchnorm_forward(...))."""
    rng = np.random.default_rng(seed)
    X, gamma, beta = rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=3)
    dout = rng.normal(size=(5, 3))
    dX, dgamma, dbeta = sol.batchnorm_backward(dout, X, gamma)
    params = {"X": X, "gamma": gamma, "beta": beta}
    check_param_grads(
        sol, lambda p: np.sum(dout * sol.batchnorm_forward(p["X"], p["gamma"], p["beta"])),
        params, {"dX": dX, "dgamma": dgamma, "dbeta": dbeta})


def test_dropout_inverted(sol):
    """Inverted dropout zeroes dropped units and divides the kept ones by keep."""
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    mask = np.array([[1, 0], [0, 1]])
    np.testing.assert_array_equal(sol.dropout_inverted(X, mask, 0.5), [[2.0, 0.0], [0.0, 8.0]])
    with pytest.raises(ValueError, match="keep"):
        sol.dropout_inverted(X, mask, 0.0)
    with pytest.raises(ValueError, match="does not broadcast"):
        sol.dropout_inverted(X, np.ones((3, 2)), 0.5)


def test_shape_validation(sol):
    """affine rejects mismatched shapes with a message naming the expected shapes."""
    with pytest.raises(ValueError, match="examples as rows"):
        sol.affine(np.ones(3), np.ones((3, 2)), np.ones(2))
    with pytest.raises(ValueError, match=r"W must have shape \(D, M\)"):
        sol.affine(np.ones((4, 3)), np.ones((2, 3)), np.ones(3))
    with pytest.raises(ValueError, match="b must have shape"):
        sol.affine(np.ones((4, 3)), np.ones((3, 2)), np.ones(3))


# --------------------------------------------------------------------------
# explicit-loop backprop of the 2-layer network
# --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_mlp2_mse_backprop_loops_matches_vectorised(sol, seed):
    """The loop version agrees with mlp2_mse_grads and with the vectorised intermediates."""
    X, _, W1, b1, W2, b2 = random_mlp(seed)
    Y = np.random.default_rng(200 + seed).normal(size=(X.shape[0], W2.shape[1]))
    loops = sol.mlp2_mse_grads_loops(X, Y, W1, b1, W2, b2)
    ref = sol.mlp2_mse_grads(X, Y, W1, b1, W2, b2)
    for name in ("dW1", "db1", "dW2", "db2"):
        np.testing.assert_allclose(loops[name], ref[name], atol=1e-12, err_msg=name)
    assert loops["loss"] == pytest.approx(ref["loss"])
    Z1 = X @ W1 + b1
    np.testing.assert_allclose(loops["Z1"], Z1, atol=1e-12)
    np.testing.assert_allclose(loops["H"], np.maximum(Z1, 0), atol=1e-12)
    np.testing.assert_allclose(loops["S"], sol.mlp2_forward(X, W1, b1, W2, b2), atol=1e-12)
    # the intermediate gradients are the gradients of the loss w.r.t. S, H and Z1
    N = X.shape[0]
    dS = numerical_gradient(lambda S: np.sum((S - Y) ** 2) / (2 * N), loops["S"], 1e-5)
    np.testing.assert_allclose(loops["dS"], dS, atol=1e-6)
    dH = numerical_gradient(lambda H: np.sum((H @ W2 + b2 - Y) ** 2) / (2 * N), loops["H"], 1e-5)
    np.testing.assert_allclose(loops["dH"], dH, atol=1e-6)
    dZ1 = numerical_gradient(
        lambda Z: np.sum((np.maximum(Z, 0) @ W2 + b2 - Y) ** 2) / (2 * N), Z1, 1e-5)
    np.testing.assert_allclose(loops["dZ1"], dZ1, atol=1e-6)


def test_mlp2_mse_backprop_loops_hand_example(sol):
    """A 1-2-1 net by hand: the off unit gets no gradient through the mask."""
    X = np.array([[2.0]])
    W1, b1 = np.array([[1.0, -1.0]]), np.array([0.5, 0.5])  # Z1 = [2.5, -1.5], H = [2.5, 0]
    W2, b2 = np.array([[2.0], [3.0]]), np.array([1.0])  # S = 6
    out = sol.mlp2_mse_grads_loops(X, np.array([[4.0]]), W1, b1, W2, b2)
    assert out["loss"] == 2.0  # (6 - 4)^2 / 2
    np.testing.assert_array_equal(out["dS"], [[2.0]])
    np.testing.assert_array_equal(out["dW2"], [[5.0], [0.0]])
    np.testing.assert_array_equal(out["db2"], [2.0])
    np.testing.assert_array_equal(out["dH"], [[4.0, 6.0]])
    np.testing.assert_array_equal(out["dZ1"], [[4.0, 0.0]])  # the mask kills unit 2
    np.testing.assert_array_equal(out["dW1"], [[8.0, 0.0]])
    np.testing.assert_array_equal(out["db1"], [4.0, 0.0])


def test_mlp2_mse_backprop_loops_validates_shapes(sol):
    """Mismatched shapes are refused with a message naming the expected shape."""
    X, Y = np.ones((2, 3)), np.ones((2, 2))
    W1, b1, W2, b2 = np.ones((3, 4)), np.ones(4), np.ones((4, 2)), np.ones(2)
    with pytest.raises(ValueError, match="W1 must have shape"):
        sol.mlp2_mse_grads_loops(X, Y, np.ones((2, 4)), b1, W2, b2)
    with pytest.raises(ValueError, match="b2 must have shape"):
        sol.mlp2_mse_grads_loops(X, Y, W1, b1, W2, np.ones(3))
    with pytest.raises(ValueError, match="Y must have shape"):
        sol.mlp2_mse_grads_loops(X, np.ones((2, 3)), W1, b1, W2, b2)
    with pytest.raises(ValueError, match="examples as rows"):
        sol.mlp2_mse_grads_loops(np.ones(3), Y, W1, b1, W2, b2)


# --------------------------------------------------------------------------
# autoencoder with a hinge classifier on its code
# --------------------------------------------------------------------------


def autoencoder_loss(x, W_enc, W_dec, u, y, lam):
    """The loss of autoencoder_hinge_grads written out independently."""
    h = W_enc @ x
    return 0.5 * np.sum((W_dec @ h - x) ** 2) + lam * max(0.0, 1 - y * (u @ h))


@pytest.mark.parametrize("seed", range(6))
def test_autoencoder_hinge_grads_match_numerical(sol, seed):
    """Every gradient is the gradient of the total loss (both paths through the code)."""
    rng = np.random.default_rng(seed)
    x, W_enc, W_dec = rng.normal(size=4), rng.normal(size=(2, 4)), rng.normal(size=(4, 2))
    u, y, lam = rng.normal(size=2), int(rng.choice([-1, 1])), float(rng.uniform(0.5, 3))
    out = sol.autoencoder_hinge_grads(x, W_enc, W_dec, u, y, lam)
    assert out["loss"] == pytest.approx(autoencoder_loss(x, W_enc, W_dec, u, y, lam))
    assert out["loss"] == pytest.approx(out["L_rec"] + lam * out["L_cls"])

    def num(f, x):
        return numerical_gradient(f, x, 1e-5)  # the step the solutions' copy used

    np.testing.assert_allclose(out["dW_enc"], num(
        lambda W: autoencoder_loss(x, W, W_dec, u, y, lam), W_enc), atol=1e-6)
    np.testing.assert_allclose(out["dW_dec"], num(
        lambda W: autoencoder_loss(x, W_enc, W, u, y, lam), W_dec), atol=1e-6)
    np.testing.assert_allclose(out["du"], num(
        lambda v: autoencoder_loss(x, W_enc, W_dec, v, y, lam), u), atol=1e-6)
    h = W_enc @ x
    np.testing.assert_allclose(out["dh"], num(
        lambda c: 0.5 * np.sum((W_dec @ c - x) ** 2) + lam * max(0.0, 1 - y * (u @ c)), h),
        atol=1e-6)


def test_autoencoder_hinge_grads_hand_example(sol):
    """Code [1, 2]; the gradients of the two losses add at the code."""
    x = np.array([1.0, 0.0, 1.0])
    W_enc = np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 1.0]])  # h = [1, 2]
    W_dec = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # xhat = [1, 2, 3], r = [0, 2, 2]
    u = np.array([1.0, -1.0])  # s = -1; y = 1: margin -1 < 1, active, L_cls = 2
    out = sol.autoencoder_hinge_grads(x, W_enc, W_dec, u, 1, 2.0)
    assert out["L_rec"] == 4.0 and out["L_cls"] == 2.0 and out["loss"] == 8.0
    # W_dec^T r = [2, 4]; classifier path lam * (-y) * u = [-2, 2]
    np.testing.assert_array_equal(out["dh"], [0.0, 6.0])
    np.testing.assert_array_equal(out["du"], [-2.0, -4.0])
    np.testing.assert_array_equal(out["dW_enc"], [[0, 0, 0], [6, 0, 6]])
    np.testing.assert_array_equal(out["dW_dec"], [[0, 0], [2, 4], [2, 4]])
    # a satisfied margin: the classifier sends nothing back
    quiet = sol.autoencoder_hinge_grads(x, W_enc, W_dec, u, -1, 2.0)  # y s = 1: kink -> 0
    np.testing.assert_array_equal(quiet["dh"], [2.0, 4.0])
    np.testing.assert_array_equal(quiet["du"], [0.0, 0.0])


def test_autoencoder_hinge_grads_validates(sol):
    """Shapes, labels and lam are checked."""
    x, W_enc, W_dec, u = np.ones(3), np.ones((2, 3)), np.ones((3, 2)), np.ones(2)
    with pytest.raises(ValueError, match="W_dec must have shape"):
        sol.autoencoder_hinge_grads(x, W_enc, W_enc, u, 1, 1.0)
    with pytest.raises(ValueError, match="-1 or \\+1"):
        sol.autoencoder_hinge_grads(x, W_enc, W_dec, u, 0, 1.0)
    with pytest.raises(ValueError, match="lam"):
        sol.autoencoder_hinge_grads(x, W_enc, W_dec, u, 1, -1.0)
    with pytest.raises(ValueError, match="u must have shape"):
        sol.autoencoder_hinge_grads(x, W_enc, W_dec, np.ones(3), 1, 1.0)


# --------------------------------------------------------------------------
# softmax with a temperature, and its loops checks
# --------------------------------------------------------------------------


def test_softmax_temperature_hand_example(sol):
    """Scores ln 1, ln 2, ln 3 give 1/6, 2/6, 3/6; T = 1/2 squares the odds: 1/14, 4/14, 9/14."""
    z = np.log([1.0, 2.0, 3.0])
    np.testing.assert_allclose(sol.softmax_temperature(z), [1 / 6, 1 / 3, 1 / 2])
    np.testing.assert_allclose(sol.softmax_temperature(z, 0.5), np.array([1, 4, 9]) / 14)
    k, p = sol.softmax_top(z, 0.5)
    assert k == 2 and p == pytest.approx(9 / 14)
    with pytest.raises(ValueError, match="positive"):
        sol.softmax_temperature(z, 0)


@settings(max_examples=60, deadline=None, database=None)  # as before the move
@given(arrays(np.int64, st.integers(1, 5), elements=st.integers(-800, 800)),
       st.integers(-1000, 1000))
def test_softmax_loops_agree_and_are_shift_invariant(sol, z, c):
    """Pairwise softmax and the fold log-sum-exp agree with nn.softmax / nn.logsumexp,
    also for scores far beyond exp's range; adding c shifts lse by c only."""
    np.testing.assert_allclose(sol.softmax_loops(z), sol.softmax(z), atol=1e-12)
    np.testing.assert_allclose(sol.softmax_temperature(z + c), sol.softmax(z), atol=1e-12)
    assert sol.logsumexp_loops(z) == pytest.approx(float(sol.logsumexp(z)), abs=1e-9)
    assert sol.logsumexp_loops(z + c) == pytest.approx(
        sol.logsumexp_loops(z) + c, abs=1e-9)


def test_logsumexp_hand_example(sol):
    """lse(1000, 1000) = 1000 + ln 2; lse of one score is the score."""
    assert sol.logsumexp_loops([1000, 1000]) == pytest.approx(1000 + np.log(2))
    assert sol.logsumexp_loops([3]) == 3
    assert np.allclose(sol.softmax_loops([1000, 0]), [1, 0])


# --------------------------------------------------------------------------
# exam networks: sigmoid + softmax cross-entropy, 3-layer ReLU
# --------------------------------------------------------------------------


def test_sigmoid_softmax_net_hand_example(sol):
    """x = [-2, -2], W1 = ln3 [[1, 0], [-1, 0]], b1 = ln3 [0, 1]: h = [1/2, 3/4];
    z2 = ln2 [2, 1, 4]: p = [2, 1, 8]/11, L = ln(11/2); dz2 = [-9/11, 1/11, 8/11];
    dh = 4 ln2 [25/11, -17/11]; dz1 = ln2 [25/11, -51/44] (worked by hand)."""
    l2, l3 = np.log(2), np.log(3)
    out = sol.sigmoid_softmax_net([-2, -2], l3 * np.array([[1, 0], [-1, 0]]), l3 * np.array(
        [0, 1]), 4 * l2 * np.array([[-1, 0, 2], [2, 1, 0]]), l2 * np.array([-2, -2, 0]), 0)
    np.testing.assert_allclose(out["h"], [0.5, 0.75])
    np.testing.assert_allclose(out["p"], np.array([2, 1, 8]) / 11)
    assert out["L"] == pytest.approx(np.log(11 / 2))
    np.testing.assert_allclose(out["dz2"], [-9 / 11, 1 / 11, 8 / 11])
    np.testing.assert_allclose(out["dW2"], [[-9 / 22, 1 / 22, 4 / 11], [-27 / 44, 3 / 44, 6 / 11]])
    np.testing.assert_allclose(out["dh"], 4 * l2 * np.array([25, -17]) / 11)
    np.testing.assert_allclose(out["dz1"], l2 * np.array([25 / 11, -51 / 44]))
    np.testing.assert_allclose(out["dW1"], -2 * l2 * np.array([[25 / 11, -51 / 44]] * 2))


def test_sigmoid_softmax_net_matches_loops_and_numerical_gradient(sol):
    """Random weights: the vectorised pass, the full-Jacobian loops and central differences
    agree on dW1, dW2, db1 and db2."""
    rng = np.random.default_rng(5)
    p = {"x": rng.normal(size=3), "W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=2),
         "W2": rng.normal(size=(2, 4)), "b2": rng.normal(size=4)}
    out = sol.sigmoid_softmax_net(**p, y=2)
    loops = sol.sigmoid_softmax_net_loops(**p, y=2)
    for key in loops:
        np.testing.assert_allclose(loops[key], out[key], atol=1e-12, err_msg=key)
    check_param_grads(sol, lambda q: sol.sigmoid_softmax_net(p["x"], **q, y=2)["L"],
                      {k: v for k, v in p.items() if k != "x"}, out)
    with pytest.raises(ValueError, match="labels"):
        sol.sigmoid_softmax_net(**p, y=4)


def test_mlp3_hand_example(sol):
    """x = [1, 2], W1 = [[1, 1], [-1, 0]], b1 = 0: z1 = [3, -1], h1 = [3, 0];
    W2 = [[1, 2], [-1, 1]], b2 = [0, 1]: z2 = [3, -2], h2 = [3, 0]; w3 = [2, 1], b3 = 1:
    yhat = 7; y = 4: dyhat = 3, dw3 = [9, 0], dz2 = [6, 0], dW2 = [[18, 0], [0, 0]],
    dh1 = [6, 12], dz1 = [6, 0], dW1 = [[6, 12], [0, 0]], dx = [6, 6] (by hand)."""
    out = sol.mlp3_relu_grads([1, 2], [[1, 1], [-1, 0]], [0, 0], [[1, 2], [-1, 1]], [0, 1],
                              [2, 1], 1, 4)
    assert out["yhat"] == 7 and out["L"] == 4.5
    np.testing.assert_array_equal(out["h1"], [3, 0])
    np.testing.assert_array_equal(out["h2"], [3, 0])
    np.testing.assert_array_equal(out["dw3"], [9, 0])
    np.testing.assert_array_equal(out["dz2"], [6, 0])
    np.testing.assert_array_equal(out["dW2"], [[18, 0], [0, 0]])
    np.testing.assert_array_equal(out["dh1"], [6, 12])
    np.testing.assert_array_equal(out["dz1"], [6, 0])
    np.testing.assert_array_equal(out["dW1"], [[6, 12], [0, 0]])
    np.testing.assert_array_equal(out["dx"], [6, 6])


def test_mlp3_matches_path_sums_and_numerical_gradient(sol):
    """Random weights (no unit at 0): layer-by-layer and path-by-path gradients agree, and
    match central differences of L."""
    rng = np.random.default_rng(11)
    p = {"x": rng.normal(size=2), "W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=3),
         "W2": rng.normal(size=(2, 3)), "b2": rng.normal(size=2), "w3": rng.normal(size=2)}
    out = sol.mlp3_relu_grads(**p, b3=0.5, y=-1.0)
    loops = sol.mlp3_relu_grads_loops(**p, b3=0.5, y=-1.0)
    for key in loops:
        np.testing.assert_allclose(loops[key], out[key], atol=1e-12, err_msg=key)
    check_param_grads(sol, lambda q: sol.mlp3_relu_grads(**q, b3=0.5, y=-1.0)["L"], p,
                      {"d" + k: out["d" + k] for k in p})


def test_softmax_ce_step_hand_example(sol):
    """One descent step on -ln softmax(z / T)_y, worked by hand, and its brute check."""
    # z = [0, ln 3], y = 0, T = 1: p = [1/4, 3/4]; dL/dz = p - [1, 0] = [-3/4, 3/4];
    # eta = 2: z' = [0 + 3/2, ln 3 - 3/2].
    z = np.array([0.0, np.log(3.0)])
    np.testing.assert_allclose(sol.softmax_ce_step(z, 0, 1.0, 2.0),
                               [1.5, np.log(3.0) - 1.5])
    # T = 2 on z = [0, 2 ln 3]: z / T = [0, ln 3], same p; the gradient halves to
    # [-3/8, 3/8], so eta = 2 gives z' = [3/4, 2 ln 3 - 3/4].
    z2 = np.array([0.0, 2 * np.log(3.0)])
    np.testing.assert_allclose(sol.softmax_ce_step(z2, 0, 2.0, 2.0),
                               [0.75, 2 * np.log(3.0) - 0.75])
    np.testing.assert_allclose(sol.softmax_ce_step_brute(z2, 0, 2.0, 2.0),
                               [0.75, 2 * np.log(3.0) - 0.75], atol=1e-6)


def test_sigmoid_tanh_chain_grad_hand_example(sol):
    """dh2/dx of sigmoid then tanh, worked by hand, and its central-difference check."""
    # x = 0, w1 = 2, b1 = 0: z1 = 0, h1 = 1/2, sigma'(0) = 1/4;
    # w2 = 2, b2 = -1: z2 = 2 * 1/2 - 1 = 0, tanh'(0) = 1;
    # dh2/dx = 1 * 2 * 1/4 * 2 = 1.
    assert sol.sigmoid_tanh_chain_grad(0, 2, 0, 2, -1) == pytest.approx(1.0)
    assert sol.sigmoid_tanh_chain_grad_brute(0, 2, 0, 2, -1) == pytest.approx(1.0, abs=1e-6)
    # b2 = 0 instead: z2 = 1, tanh'(1) = 1 - tanh(1)^2, so dh2/dx = that * 2 * 1/4 * 2.
    want = 1 - np.tanh(1.0) ** 2
    assert sol.sigmoid_tanh_chain_grad(0, 2, 0, 2, 0) == pytest.approx(want)
    assert sol.sigmoid_tanh_chain_grad_brute(0, 2, 0, 2, 0) == pytest.approx(want, abs=1e-6)


# --------------------------------------------------------------------------
# parameter generators of the backprop families
# --------------------------------------------------------------------------

def _draws(fn, n=25):
    """``n`` draws of a family's parameter generator, one per seed."""
    return [fn(VariantRNG("test", seed), {}) for seed in range(n)]


def test_mlp2_grads_draw_meets_its_family_constraints(sol):
    """Every draw keeps the family's ranges; Z1 = X W1 + b1 has no 0, a negative and three
    positives, and the ReLU mask removes a nonzero upstream gradient."""
    draws = _draws(sol.mlp2_grads_draw)
    for d in draws:
        assert set(np.unique(d["X"])) <= {-2, -1, 1, 2} and set(np.unique(d["W1"])) <= {-1, 1, 2}
        assert set(np.unique(d["b1"])) <= {-1, 1} and np.max(np.abs(d["W2"])) <= 2
        Z1 = d["X"] @ d["W1"] + d["b1"]
        assert np.all(Z1 != 0) and np.count_nonzero(Z1 < 0) >= 1
        assert np.count_nonzero(Z1 > 0) >= 3
        S = np.maximum(Z1, 0) @ d["W2"] + d["b2"]
        assert np.any(((S - d["Y"]) @ d["W2"].T) * (Z1 < 0) != 0)
    assert len({d["X"].tobytes() + d["W2"].tobytes() for d in draws}) == len(draws)


def test_mlp3_backward_draw_meets_its_family_constraints(sol):
    """Every draw has no zero pre-activation, one unit on and one off in each layer, a
    nonzero error g, and a gradient that the layer-1 mask cuts."""
    for d in _draws(sol.mlp3_backward_draw):
        z1 = d["W1"] @ d["x"] + d["b1"]
        z2 = d["W2"] @ np.maximum(z1, 0) + d["b2"]
        assert np.all(z1 != 0) and np.all(z2 != 0) and np.any(z2 < 0) and np.any(z2 > 0)
        g = d["w3"] @ np.maximum(z2, 0) + d["b3"] - d["y"]
        dh1 = d["W2"].T @ (g * d["w3"] * (z2 > 0))
        assert g != 0 and np.any((z1 < 0) * (dh1 != 0)) and -3 <= d["y"] <= 5


def test_sigmoid_softmax_net_draw_meets_its_family_constraints(sol):
    """Every draw gives z1 = ln 3 m1 with m1 in -1..1 (not both 0, different) and a
    misclassified label with one largest score."""
    for d in _draws(sol.sigmoid_softmax_net_draw):
        m1 = d["x"] @ d["A1"] + d["c1"]
        assert np.all(np.abs(m1) <= 1) and np.any(m1 != 0) and m1[0] != m1[1]
        m2 = (m1 + 2) @ d["B2"] + d["c2"]
        assert np.count_nonzero(m2 == m2.max()) == 1 and int(np.argmax(m2)) != d["y"]


def test_autoencoder_classifier_draw_meets_its_family_constraints(sol):
    """Every draw has a nonzero code h = We x, an active hinge (y u.h < 1, u.h != 0) and a
    gradient at h with no zero entry."""
    for lam in (2, 3):
        for d in _draws(lambda rng, p, lam=lam: sol.autoencoder_classifier_draw(
                rng, {"lam": lam}), 12):
            h = d["We"] @ d["x"]
            s = d["u"] @ h
            assert np.count_nonzero(d["x"]) >= 2 and np.all(h != 0) and s != 0 and d["y"] * s < 1
            dh = d["Wd"].T @ (d["Wd"] @ h - d["x"]) - lam * d["y"] * d["u"]
            assert np.all(dh != 0) and np.max(np.abs(np.outer(dh, d["x"]))) <= 10
