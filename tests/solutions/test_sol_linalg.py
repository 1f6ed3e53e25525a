"""Tests for solutions/linalg.py: matrix gradients against numerical_gradient, solvers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

FAST = settings(max_examples=50, deadline=None, database=None)
SEEDS = pytest.mark.parametrize("seed", range(4))


@SEEDS
def test_quad_form_grad_matches_numerical(sol, seed):
    """quad_form_grad is the gradient of x.T A x for a non-symmetric A."""
    rng = np.random.default_rng(seed)
    A, x = rng.normal(size=(3, 3)), rng.normal(size=3)
    numeric = sol.numerical_gradient(lambda v: sol.quad_form(A, v), x)
    np.testing.assert_allclose(sol.quad_form_grad(A, x), numeric, atol=1e-8)


@FAST
@given(arrays(np.int64, (3, 3), elements=st.integers(-5, 5)),
       arrays(np.int64, 3, elements=st.integers(-5, 5)))
def test_quad_form_grad_is_exact_on_ints(sol, A, x):
    """Integer A and x give the integer gradient A x + A.T x exactly."""
    grad = sol.quad_form_grad(A, x)
    assert grad.dtype.kind == "i"
    assert np.array_equal(grad, A @ x + A.T @ x)


@SEEDS
def test_logdet_and_det_grads_match_numerical(sol, seed):
    """logdet_grad = inv(K).T and det_grad = det(K) inv(K).T for a non-symmetric K."""
    rng = np.random.default_rng(seed)
    K = 3 * np.eye(3) + rng.normal(size=(3, 3)) * 0.5  # det > 0
    assert sol.logdet(K) == pytest.approx(np.log(np.linalg.det(K)))
    np.testing.assert_allclose(sol.logdet_grad(K), sol.numerical_gradient(sol.logdet, K),
                               atol=1e-8)
    np.testing.assert_allclose(sol.det_grad(K), sol.numerical_gradient(np.linalg.det, K),
                               atol=1e-7)


def test_det_grad_is_cofactor_matrix(sol):
    """For [[a, b], [c, d]] the gradient of ad - bc is [[d, -c], [-b, a]]."""
    K = np.array([[2.0, 1.0], [5.0, 4.0]])  # det = 8 - 5 = 3
    np.testing.assert_allclose(sol.det_grad(K), [[4.0, -5.0], [-1.0, 2.0]])
    np.testing.assert_allclose(sol.logdet_grad(K), np.array([[4.0, -5.0], [-1.0, 2.0]]) / 3)
    with pytest.raises(ValueError, match="not positive"):
        sol.logdet(np.array([[0.0, 1.0], [1.0, 0.0]]))  # det = -1


@SEEDS
def test_trace_grads_match_numerical(sol, seed):
    """trace_grad_WA = A.T and trace_grad_AWB = A.T B.T are the gradients of the traces."""
    rng = np.random.default_rng(seed)
    A, B, W = rng.normal(size=(2, 3)), rng.normal(size=(4, 2)), rng.normal(size=(3, 4))
    np.testing.assert_allclose(
        sol.trace_grad_WA(A), sol.numerical_gradient(lambda M: np.trace(M @ A), A.T), atol=1e-8)
    np.testing.assert_allclose(
        sol.trace_grad_AWB(A, B), sol.numerical_gradient(lambda M: np.trace(A @ M @ B), W),
        atol=1e-8)


@SEEDS
def test_frob_sq_residual_grad_matches_numerical(sol, seed):
    """frob_sq_residual_grad = 2 (W x - y) x.T is the gradient of ||W x - y||^2 in W."""
    rng = np.random.default_rng(seed)
    W, x, y = rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=2)
    numeric = sol.numerical_gradient(lambda M: sol.frob_sq_residual(M, x, y), W)
    np.testing.assert_allclose(sol.frob_sq_residual_grad(W, x, y), numeric, atol=1e-8)


def test_frob_sq_residual_grad_hand_example(sol):
    """W = I, x = (1, 2), y = (0, 0): residual (1, 2), gradient 2 * [[1, 2], [2, 4]]."""
    grad = sol.frob_sq_residual_grad(np.eye(2, dtype=int), np.array([1, 2]), np.array([0, 0]))
    assert grad.dtype.kind == "i"
    assert np.array_equal(grad, [[2, 4], [4, 8]])


@SEEDS
def test_least_squares_solutions(sol, seed):
    """normal_equations matches lstsq; ridge zeroes the penalised gradient; lam = 0 is OLS."""
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(10, 3)), rng.normal(size=10)
    w = sol.normal_equations(X, y)
    np.testing.assert_allclose(w, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-10)
    np.testing.assert_allclose(sol.least_squares_grad(X, y, w), 0, atol=1e-10)
    np.testing.assert_allclose(sol.ridge(X, y, 0.0), w, atol=1e-10)
    w_ridge = sol.ridge(X, y, 2.5)
    np.testing.assert_allclose(sol.least_squares_grad(X, y, w_ridge) + 2 * 2.5 * w_ridge, 0,
                               atol=1e-10)
    numeric = sol.numerical_gradient(lambda v: np.sum((X @ v - y) ** 2), w_ridge)
    np.testing.assert_allclose(sol.least_squares_grad(X, y, w_ridge), numeric, atol=1e-6)


def test_normal_equations_hand_example_and_singular(sol):
    """Fitting y = 1 + 2t through three exact points; dependent columns raise ValueError."""
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    np.testing.assert_allclose(sol.normal_equations(X, np.array([1.0, 3.0, 5.0])), [1.0, 2.0])
    with pytest.raises(ValueError, match="linearly dependent"):
        sol.normal_equations(np.array([[1.0, 2.0], [2.0, 4.0]]), np.array([1.0, 2.0]))
