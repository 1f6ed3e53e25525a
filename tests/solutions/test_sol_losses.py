"""Tests for solutions/losses.py: hand-worked values, loops versions and numerical gradients."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mldrill.verify.methods import numerical_gradient

FAST = settings(max_examples=50, deadline=None, database=None)

# The CS231n lecture example: three images (cat, car, frog), scores as columns there,
# rows here; true classes 0, 1, 2.
CS231N_SCORES = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
CS231N_LABELS = np.array([0, 1, 2])


@st.composite
def scores_and_labels(draw):
    """A small random (N, K) score matrix of quarter-integers and labels in 0..K-1."""
    n = draw(st.integers(1, 4))
    k = draw(st.integers(2, 4))
    # quarter-integers plus a different irrational shift per entry: no margin is
    # exactly 0 (no kinks), and none is closer to 0 than about sqrt(2)/50
    shifts = math.sqrt(2) * np.arange(n * k).reshape(n, k) / 50
    scores = draw(arrays(np.int64, (n, k), elements=st.integers(-12, 12))) / 4 + shifts
    y = draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    return scores, y


# --------------------------------------------------------------------------
# multiclass SVM
# --------------------------------------------------------------------------


def test_svm_cs231n_example(sol):
    """Per-example losses 2.9, 0, 12.9 and mean 5.27 (CS231n, delta = 1)."""
    np.testing.assert_allclose(sol.multiclass_svm_losses(CS231N_SCORES, CS231N_LABELS),
                               [2.9, 0.0, 12.9], atol=1e-12)
    loss, dscores = sol.multiclass_svm_loss(CS231N_SCORES, CS231N_LABELS)
    assert loss == pytest.approx(15.8 / 3)
    # row 0: only class 1 has a positive margin (5.1 - 3.2 + 1 = 2.9); class 2: -1.7 - 3.2 + 1 < 0
    np.testing.assert_allclose(dscores[0], np.array([-1, 1, 0]) / 3)
    np.testing.assert_allclose(dscores[1], [0, 0, 0])
    np.testing.assert_allclose(dscores[2], np.array([1, 1, -2]) / 3)


def test_svm_true_class_is_excluded_and_delta_matters(sol):
    """Equal scores give margin delta for each wrong class only: (K - 1) * delta."""
    s = np.zeros((1, 4))
    assert sol.multiclass_svm_losses(s, [2])[0] == pytest.approx(3.0)
    assert sol.multiclass_svm_losses(s, [2], delta=0.5)[0] == pytest.approx(1.5)
    assert sol.multiclass_svm_losses(s, [2], delta=0)[0] == 0
    # a confident correct prediction has zero loss and zero gradient
    loss, ds = sol.multiclass_svm_loss([[5.0, 0.0, 1.0]], [0])
    assert loss == 0 and not ds.any()


def test_svm_kink_uses_zero_subgradient(sol):
    """A margin of exactly 0 adds nothing to the loss nor to the gradient."""
    loss, ds = sol.multiclass_svm_loss([[1.0, 2.0]], [1])  # margin 1 - 2 + 1 = 0
    assert loss == 0 and not ds.any()
    loss, ds = sol.multiclass_svm_loss_loops([[1.0, 2.0]], [1])
    assert loss == 0 and not ds.any()


@FAST
@given(scores_and_labels(), st.sampled_from([0.5, 1.0, 2.0]))
def test_svm_vectorised_matches_loops(sol, data, delta):
    """The vectorised loss, per-example losses and gradient agree with the loops version."""
    scores, y = data
    loss, ds = sol.multiclass_svm_loss(scores, y, delta)
    loss_l, ds_l = sol.multiclass_svm_loss_loops(scores, y, delta)
    assert loss == pytest.approx(loss_l, abs=1e-12)
    np.testing.assert_allclose(ds, ds_l, atol=1e-12)
    assert np.mean(sol.multiclass_svm_losses(scores, y, delta)) == pytest.approx(loss, abs=1e-12)
    # the include-every-class formula minus the delta the true class adds
    included = np.maximum(0, scores - scores[np.arange(len(y)), y][:, None] + delta).sum(1) - delta
    np.testing.assert_allclose(sol.multiclass_svm_losses(scores, y, delta), included, atol=1e-12)


@FAST
@given(scores_and_labels())
def test_svm_gradient_matches_numerical(sol, data):
    """dscores equals the numerical gradient of the mean loss (away from kinks)."""
    scores, y = data
    _, ds = sol.multiclass_svm_loss(scores, y)
    numeric = numerical_gradient(lambda s: sol.multiclass_svm_loss(s, y)[0], scores, h=1e-6)
    np.testing.assert_allclose(ds, numeric, atol=1e-6)
    np.testing.assert_allclose(ds.sum(axis=1), 0, atol=1e-12)  # each row's gradient sums to 0


def test_svm_rejects_bad_input(sol):
    """Wrong shapes, labels out of range and a negative margin are ValueErrors."""
    with pytest.raises(ValueError, match="2-D"):
        sol.multiclass_svm_loss([1.0, 2.0], [0])
    with pytest.raises(ValueError, match="labels must lie"):
        sol.multiclass_svm_losses([[1.0, 2.0]], [2])
    with pytest.raises(ValueError, match="shape"):
        sol.multiclass_svm_loss_loops([[1.0, 2.0]], [0, 1])
    with pytest.raises(ValueError, match="delta"):
        sol.multiclass_svm_loss([[1.0, 2.0]], [0], delta=-1)
    with pytest.raises(ValueError, match="whole numbers"):
        sol.multiclass_svm_loss([[1.0, 2.0]], [0.5])


# --------------------------------------------------------------------------
# binary cross-entropy
# --------------------------------------------------------------------------

LOGITS = arrays(np.float64, st.integers(1, 5), elements=st.floats(-8, 8))


def test_bce_hand_examples(sol):
    """-(log 3/4 + log 3/4)/2 = log(4/3); p = 1/2 gives log 2 whatever the label."""
    assert sol.binary_cross_entropy([0.75, 0.25], [1, 0]) == pytest.approx(math.log(4 / 3))
    assert sol.binary_cross_entropy([0.5, 0.5], [1, 0]) == pytest.approx(math.log(2))
    assert sol.binary_cross_entropy_loops([0.75, 0.25], [1, 0]) == pytest.approx(math.log(4 / 3))
    # 0 log 0 = 0: perfect predictions cost nothing; a certain wrong one costs inf
    assert sol.binary_cross_entropy([1.0, 0.0], [1, 0]) == 0
    assert sol.binary_cross_entropy([0.0], [1]) == math.inf
    assert sol.binary_cross_entropy_loops([0.0], [1]) == math.inf
    # z = ln 3: p = 3/4; label 1 -> loss ln(4/3), dz = p - 1 = -1/4
    loss, dz = sol.binary_cross_entropy_logits([math.log(3)], [1])
    assert loss == pytest.approx(math.log(4 / 3))
    np.testing.assert_allclose(dz, [-0.25])


@FAST
@given(LOGITS, st.data())
def test_bce_three_ways_and_gradient(sol, z, data):
    """Probabilities, loops and logits versions agree; dz is the numerical gradient."""
    y = data.draw(arrays(np.float64, z.shape, elements=st.sampled_from([0.0, 1.0, 0.25])))
    p = sol.sigmoid(z)
    loss, dz = sol.binary_cross_entropy_logits(z, y)
    assert sol.binary_cross_entropy(p, y) == pytest.approx(loss, rel=1e-9, abs=1e-12)
    assert sol.binary_cross_entropy_loops(p, y) == pytest.approx(loss, rel=1e-9, abs=1e-12)
    numeric = numerical_gradient(lambda t: sol.binary_cross_entropy_logits(t, y)[0], z, 1e-5)
    np.testing.assert_allclose(dz, numeric, atol=1e-7)
    np.testing.assert_allclose(dz, (p - y) / z.size, atol=1e-12)


def test_bce_logits_stable_for_large_logits(sol):
    """No overflow: z = +-1000 gives the exact softplus values."""
    loss, dz = sol.binary_cross_entropy_logits([1000.0, -1000.0], [0, 0])
    assert loss == pytest.approx(500.0)
    np.testing.assert_allclose(dz, [0.5, 0.0])


def test_bce_rejects_bad_input(sol):
    """Probabilities outside [0, 1], targets outside [0, 1] and shape mismatches."""
    with pytest.raises(ValueError, match="probabilities"):
        sol.binary_cross_entropy([1.5], [1])
    with pytest.raises(ValueError, match="probabilities"):
        sol.binary_cross_entropy_loops([-0.5], [1])
    with pytest.raises(ValueError, match="targets"):
        sol.binary_cross_entropy_logits([0.0], [2])
    with pytest.raises(ValueError, match="shape"):
        sol.binary_cross_entropy([0.5, 0.5], [1])
    with pytest.raises(ValueError, match="1-D"):
        sol.binary_cross_entropy_logits([[0.0]], [[1]])


# --------------------------------------------------------------------------
# squared error
# --------------------------------------------------------------------------


def test_mse_grad_hand_example_and_numerical(sol):
    """mean over all entries: d/dyhat mean((yhat - y)^2) = 2 (yhat - y) / size."""
    np.testing.assert_allclose(sol.mse_grad([3.0, 1.0], [1.0, 1.0]), [2.0, 0.0])
    yhat = np.array([[1.0, -2.0], [0.5, 3.0]])
    y = np.array([[0.0, 1.0], [1.0, 1.0]])
    numeric = numerical_gradient(lambda t: sol.mse(t, y), yhat, 1e-5)
    np.testing.assert_allclose(sol.mse_grad(yhat, y), numeric, atol=1e-7)
    with pytest.raises(ValueError, match="same shape"):
        sol.mse_grad([1.0, 2.0], [[1.0, 2.0]])


def test_sigmoid_mse_hand_example(sol):
    """z = ln 3: p = 3/4, label 0: loss 9/16, dz = 2 (3/4)(3/4)(1/4) = 9/32."""
    loss, dz = sol.sigmoid_mse_loss([math.log(3)], [0])
    assert loss == pytest.approx(9 / 16)
    np.testing.assert_allclose(dz, [9 / 32])


@FAST
@given(LOGITS, st.data())
def test_sigmoid_mse_gradient(sol, z, data):
    """Loss equals mse(sigmoid(z), y); dz matches the numerical gradient; |dz| <= |ce dz| / 2."""
    y = data.draw(arrays(np.float64, z.shape, elements=st.sampled_from([0.0, 1.0])))
    loss, dz = sol.sigmoid_mse_loss(z, y)
    assert loss == pytest.approx(sol.mse(sol.sigmoid(z), y), abs=1e-12)
    numeric = numerical_gradient(lambda t: sol.sigmoid_mse_loss(t, y)[0], z, 1e-5)
    np.testing.assert_allclose(dz, numeric, atol=1e-7)
    # p(1 - p) <= 1/4, so the squared-error gradient is at most half the cross-entropy one
    _, dz_ce = sol.binary_cross_entropy_logits(z, y)
    assert np.all(np.abs(dz) <= np.abs(dz_ce) / 2 + 1e-12)


def test_hinge_margins_hand_example(sol):
    """The margins s_j - s_y + delta with the true class's entry 0, worked by hand."""
    # CS231n's cat example: s = [3.2, 5.1, -1.7], y = 0, delta = 1:
    # m = [0, 5.1 - 3.2 + 1, -1.7 - 3.2 + 1] = [0, 2.9, -3.9]
    np.testing.assert_allclose(sol.hinge_margins([3.2, 5.1, -1.7], 0), [0, 2.9, -3.9])
    np.testing.assert_allclose(sol.hinge_margins_loops([3.2, 5.1, -1.7], 0), [0, 2.9, -3.9])
    # delta = 2, y = 2 on s = [1, 0, 2]: [1 - 2 + 2, 0 - 2 + 2, 0] = [1, 0, 0]
    np.testing.assert_allclose(sol.hinge_margins([1, 0, 2], 2, delta=2.0), [1, 0, 0])
