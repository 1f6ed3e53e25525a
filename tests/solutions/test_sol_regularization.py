"""Tests for solutions/regularization.py: penalties, dropout, label smoothing, batch norm.

Each function is checked against hand-worked numbers and against its
independent ``*_loops`` version (or another vectorised reference, e.g. optimizers.py).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mldrill.verify.methods import numerical_gradient

FAST = settings(max_examples=50, deadline=None, database=None)
# small integers (as floats) so that exact zeros occur, where the L1 subgradient is special
INTVEC = arrays(np.float64, 4, elements=st.integers(-3, 3).map(float))
VEC = arrays(np.float64, 4, elements=st.floats(-5, 5))


# --------------------------------------------------------------------------
# penalties
# --------------------------------------------------------------------------


def test_penalty_gradients_by_hand(sol):
    """alpha w with the 1/2, 2 alpha w without; L1 gives lam sign(w) and 0 at 0."""
    w = np.array([2.0, -1.0, 0.0])
    np.testing.assert_allclose(sol.l2_penalty_grad(w, 0.5), [1.0, -0.5, 0.0])
    np.testing.assert_allclose(sol.l2_penalty_grad(w, 0.5, half=False), [2.0, -1.0, 0.0])
    np.testing.assert_allclose(sol.l1_subgradient(w, 0.3), [0.3, -0.3, 0.0])
    assert sol.l1_subgradient(-4, 2) == -2.0


@FAST
@given(VEC, st.floats(0, 2), st.booleans())
def test_l2_penalty_grad_matches_numerical_gradient(sol, w, alpha, half):
    """The penalty gradient is the derivative of (alpha/2)||w||^2 or alpha ||w||^2."""
    c = alpha / 2 if half else alpha
    numeric = numerical_gradient(lambda u: c * np.sum(u**2), w, 1e-5)
    np.testing.assert_allclose(sol.l2_penalty_grad(w, alpha, half), numeric, atol=1e-5)


def test_regularized_step_by_hand(sol):
    """w = [2, -1, 0], g = [1, 1, 1], lr = 0.1, l2 = 0.5 (with 1/2), l1 = 0.2.

    gradient = g + 0.5 w + 0.2 sign(w) = [2.2, 0.3, 1]; w - 0.1 * that.
    """
    w, g = np.array([2.0, -1.0, 0.0]), np.ones(3)
    expected = [2 - 0.22, -1 - 0.03, -0.1]
    np.testing.assert_allclose(sol.regularized_sgd_step(w, g, 0.1, l2=0.5, l1=0.2), expected)
    np.testing.assert_allclose(sol.regularized_sgd_step_loops(w, g, 0.1, l2=0.5, l1=0.2),
                               expected)


@FAST
@given(INTVEC, VEC, st.floats(0.001, 1), st.floats(0, 1), st.floats(0, 1), st.booleans())
def test_regularized_step_loops_agree(sol, w, g, lr, l2, l1, half):
    """The weight-decay form of the loops check equals the gradient form."""
    np.testing.assert_allclose(sol.regularized_sgd_step_loops(w, g, lr, l2, l1, half),
                               sol.regularized_sgd_step(w, g, lr, l2, l1, half), atol=1e-12)


@FAST
@given(VEC, VEC, st.floats(0.001, 1), st.floats(0, 1), st.booleans())
def test_l2_step_is_weight_decay(sol, w, g, lr, alpha, half):
    """Without L1, the step is optimizers.weight_decay_step."""
    np.testing.assert_allclose(sol.regularized_sgd_step(w, g, lr, l2=alpha, half=half),
                               sol.weight_decay_step(w, g, lr, alpha, half=half), atol=1e-12)


def test_penalty_validation(sol):
    """Negative coefficients and mismatched shapes raise ValueError."""
    with pytest.raises(ValueError, match="alpha must be non-negative"):
        sol.l2_penalty_grad([1.0], -1)
    with pytest.raises(ValueError, match="lam must be non-negative"):
        sol.l1_subgradient([1.0], -0.1)
    with pytest.raises(ValueError, match="one shape"):
        sol.regularized_sgd_step(np.zeros(2), np.zeros(3), 0.1)
    with pytest.raises(ValueError, match="l1 must be non-negative"):
        sol.regularized_sgd_step_loops(np.zeros(2), np.zeros(2), 0.1, l1=-1)


# --------------------------------------------------------------------------
# dropout
# --------------------------------------------------------------------------


def test_dropout_loops_by_hand(sol):
    """keep = 0.5: kept entries double, dropped ones are 0."""
    X = np.array([[1.0, -2.0], [3.0, 4.0]])
    mask = np.array([[1, 0], [1, 1]])
    np.testing.assert_allclose(sol.dropout_inverted_loops(X, mask, 0.5), [[2, 0], [6, 8]])


@FAST
@given(arrays(np.float64, (3, 4), elements=st.floats(-5, 5)),
       arrays(np.int64, (3, 4), elements=st.integers(0, 1)), st.floats(0.05, 1.0))
def test_dropout_loops_agree_with_nn(sol, X, mask, keep):
    """The loop version equals nn.dropout_inverted."""
    np.testing.assert_allclose(sol.dropout_inverted_loops(X, mask, keep),
                               sol.dropout_inverted(X, mask, keep), atol=1e-12)


def test_dropout_loops_validation(sol):
    """keep in (0, 1], a 0/1 mask of X's shape."""
    X = np.ones((2, 2))
    with pytest.raises(ValueError, match="keep must be a probability"):
        sol.dropout_inverted_loops(X, np.ones((2, 2)), 0)
    with pytest.raises(ValueError, match="one shape"):
        sol.dropout_inverted_loops(X, np.ones((2, 3)), 0.5)
    with pytest.raises(ValueError, match="0 or 1"):
        sol.dropout_inverted_loops(X, np.full((2, 2), 2), 0.5)


# --------------------------------------------------------------------------
# label smoothing
# --------------------------------------------------------------------------


def test_smooth_labels_by_hand(sol):
    """k = 4, eps = 0.2: others get 0.05, the true class 1 - 0.2 + 0.05 = 0.85."""
    np.testing.assert_allclose(sol.smooth_labels(1, 4, 0.2), [0.05, 0.85, 0.05, 0.05])
    np.testing.assert_allclose(sol.smooth_labels([0, 2], 3, 0.3),
                               [[0.8, 0.1, 0.1], [0.1, 0.1, 0.8]])
    np.testing.assert_allclose(sol.smooth_labels(2, 5, 0), [0, 0, 1, 0, 0])


@FAST
@given(st.integers(2, 7).flatmap(
    lambda k: st.tuples(st.just(k), st.lists(st.integers(0, k - 1), min_size=1, max_size=5))),
    st.floats(0, 1))
def test_smooth_labels_loops_agree(sol, k_and_y, eps):
    """Rows sum to 1 and the class-by-class version agrees."""
    k, y = k_and_y
    Q = sol.smooth_labels(np.array(y), k, eps)
    np.testing.assert_allclose(Q.sum(axis=1), 1.0)
    np.testing.assert_allclose(sol.smooth_labels_loops(np.array(y), k, eps), Q, atol=1e-12)
    np.testing.assert_allclose(sol.smooth_labels_loops(y[0], k, eps), Q[0], atol=1e-12)


def test_soft_cross_entropy_by_hand(sol):
    """One-hot targets give -ln p_y; q = [0.1, 0.9] on p = [0.5, 0.5] gives ln 2."""
    assert sol.soft_cross_entropy([0.25, 0.75], [0.0, 1.0]) == pytest.approx(-np.log(0.75))
    assert sol.soft_cross_entropy([0.5, 0.5], [0.1, 0.9]) == pytest.approx(np.log(2))
    # mean over two rows
    P = np.array([[0.5, 0.5], [0.25, 0.75]])
    Q = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert sol.soft_cross_entropy(P, Q) == pytest.approx((np.log(2) - np.log(0.75)) / 2)
    assert sol.soft_cross_entropy_loops(P, Q) == pytest.approx((np.log(2) - np.log(0.75)) / 2)


@FAST
@given(arrays(np.float64, (2, 4), elements=st.floats(-4, 4)), st.integers(0, 3),
       st.floats(0, 0.5))
def test_soft_cross_entropy_gradient_is_p_minus_q(sol, Z, label, eps):
    """d/dz of the smoothed loss after a softmax is (P - Q)/N; loops agree with the value."""
    Q = sol.smooth_labels(np.array([label, 3 - label]), 4, eps)

    def loss(z):
        return sol.soft_cross_entropy(sol.softmax(z), Q)

    numeric = numerical_gradient(loss, Z, 1e-5)
    np.testing.assert_allclose(numeric, (sol.softmax(Z) - Q) / 2, atol=1e-6)
    assert sol.soft_cross_entropy_loops(sol.softmax(Z), Q) == pytest.approx(loss(Z))


def test_label_smoothing_validation(sol):
    """Labels in range, k >= 2, eps in [0, 1], positive probabilities of one shape."""
    with pytest.raises(ValueError, match="labels must lie"):
        sol.smooth_labels(4, 4, 0.1)
    with pytest.raises(ValueError, match="eps must be in"):
        sol.smooth_labels_loops(0, 3, 1.5)
    with pytest.raises(ValueError, match="k must be"):
        sol.smooth_labels(0, 1, 0.1)
    with pytest.raises(ValueError, match="positive"):
        sol.soft_cross_entropy([0.0, 1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="one shape"):
        sol.soft_cross_entropy_loops([0.5, 0.5], [1.0, 0.0, 0.0])


# --------------------------------------------------------------------------
# batch normalisation
# --------------------------------------------------------------------------


def test_batchnorm_loops_by_hand(sol):
    """Columns [1, 1, 3, 3] (mean 2, var 1) and [-4, 2, 2, 4] (mean 1, var (25+1+1+9)/4 = 9)."""
    X = np.array([[1.0, -4.0], [1.0, 2.0], [3.0, 2.0], [3.0, 4.0]])
    mean, var = sol.batch_mean_var_loops(X)
    np.testing.assert_allclose(mean, [2, 1])
    np.testing.assert_allclose(var, [1, 9])
    out = sol.batchnorm_forward_loops(X, np.array([2.0, 3.0]), np.array([1.0, 0.0]), eps=0)
    # column 0: 2*(+-1) + 1; column 1: 3*[-5/3, 1/3, 1/3, 1]
    np.testing.assert_allclose(out, [[-1, -5], [-1, 1], [3, 1], [3, 3]])


@FAST
@given(arrays(np.float64, (4, 3), elements=st.floats(-10, 10)),
       arrays(np.float64, 3, elements=st.floats(-3, 3)),
       arrays(np.float64, 3, elements=st.floats(-3, 3)))
def test_batchnorm_loops_agree_with_nn(sol, X, gamma, beta):
    """Loops reproduce numpy's mean/var (ddof=0) and nn.batchnorm_forward."""
    mean, var = sol.batch_mean_var_loops(X)
    np.testing.assert_allclose(mean, X.mean(axis=0), atol=1e-9)
    np.testing.assert_allclose(var, X.var(axis=0), atol=1e-9)
    np.testing.assert_allclose(sol.batchnorm_forward_loops(X, gamma, beta),
                               sol.batchnorm_forward(X, gamma, beta), atol=1e-7)


def test_batchnorm_loops_validation(sol):
    """X must be a non-empty 2-D batch; eps non-negative."""
    with pytest.raises(ValueError, match="2-D"):
        sol.batch_mean_var_loops(np.ones(3))
    with pytest.raises(ValueError, match="eps must be non-negative"):
        sol.batchnorm_forward_loops(np.ones((2, 2)), 1.0, 0.0, eps=-1)
