"""Tests for solutions/gradient_descent.py: polynomials, Newton steps, linear-regression grads."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mldrill.verify.methods import numerical_gradient

FAST = settings(max_examples=50, deadline=None, database=None)
COEFFS = arrays(np.float64, st.integers(1, 6), elements=st.integers(-5, 5).map(float))
POINT = st.integers(-12, 12).map(lambda k: k / 4)


# --------------------------------------------------------------------------
# polynomials
# --------------------------------------------------------------------------


def test_polynomial_hand_examples(sol):
    """f(x) = 1 + 2x + 3x^2 at 2: 17; f' = 2 + 6x = 14; f'' = 6; f''' = 0."""
    c = [1, 2, 3]
    assert sol.polynomial_value(c, 2) == 17
    assert sol.polynomial_value_loops(c, 2) == 17
    assert sol.polynomial_derivative(c, 2) == 14
    assert sol.polynomial_derivative(c, 2, order=2) == 6
    assert sol.polynomial_derivative(c, 2, order=3) == 0
    assert sol.polynomial_derivative(c, 2, order=0) == 17
    np.testing.assert_allclose(sol.polynomial_value(c, np.array([0.0, 1.0, -1.0])), [1, 6, 2])


@FAST
@given(COEFFS, POINT)
def test_polynomial_value_two_ways_and_derivatives_numerically(sol, c, x):
    """Power sum = Horner; first and second derivatives match central differences."""
    assert sol.polynomial_value(c, x) == pytest.approx(sol.polynomial_value_loops(c, x), abs=1e-9)
    d1 = numerical_gradient(lambda t: sol.polynomial_value(c, t), x, h=1e-5)
    assert sol.polynomial_derivative(c, x) == pytest.approx(d1, rel=1e-6, abs=1e-5)
    d2 = numerical_gradient(lambda t: sol.polynomial_derivative(c, t), x, h=1e-5)
    assert sol.polynomial_derivative(c, x, 2) == pytest.approx(d2, rel=1e-6, abs=1e-5)


def test_polynomial_rejects_bad_input(sol):
    """Empty or 2-D coefficients, a bad order and an array x for the Horner loop."""
    with pytest.raises(ValueError, match="coeffs"):
        sol.polynomial_value([], 1.0)
    with pytest.raises(ValueError, match="coeffs"):
        sol.polynomial_value([[1, 2]], 1.0)
    with pytest.raises(ValueError, match="order"):
        sol.polynomial_derivative([1, 2], 1.0, order=-1)
    with pytest.raises(ValueError, match="order"):
        sol.polynomial_derivative([1, 2], 1.0, order=1.5)
    with pytest.raises(ValueError, match="single number"):
        sol.polynomial_value_loops([1, 2], [1.0, 2.0])


# --------------------------------------------------------------------------
# Newton's method
# --------------------------------------------------------------------------


def test_newton_poly_hand_example(sol):
    """f = x^4 - 3x^2 + x at 2: f' = 4*8 - 12 + 1 = 21, f'' = 48 - 6 = 42, step to 1.5."""
    c = [0, 1, -3, 0, 1]
    assert sol.newton_step_poly(c, 2) == pytest.approx(1.5)
    assert sol.newton_step_poly_brute(c, 2) == pytest.approx(1.5, rel=1e-6)
    # a quadratic is minimised in one step from anywhere: f = 2(x - 3)^2 = 18 - 12x + 2x^2
    assert sol.newton_step_poly([18, -12, 2], -7.5) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="undefined"):
        sol.newton_step_poly([0, 1, 0, 1], 0.0)  # f'' = 6x = 0 at 0
    with pytest.raises(ValueError, match="single number"):
        sol.newton_step_poly([0, 1, 1], [1.0, 2.0])


@FAST
@given(COEFFS, POINT)
def test_newton_poly_exact_matches_finite_differences(sol, c, x):
    """The exact step agrees with the finite-difference step wherever f'' is not tiny."""
    d2 = sol.polynomial_derivative(c, x, 2)
    if abs(d2) < 0.5:
        return
    assert sol.newton_step_poly(c, x) == pytest.approx(sol.newton_step_poly_brute(c, x),
                                                       rel=1e-5, abs=1e-5)


def test_newton_step_hand_example(sol):
    """H = [[4, 1], [1, 3]], g = [1, 2]: H^-1 g = [1/11, 7/11]; also a 1-D step from numbers."""
    H, g, x = np.array([[4.0, 1.0], [1.0, 3.0]]), np.array([1.0, 2.0]), np.array([0.5, -1.0])
    expected = x - np.array([1 / 11, 7 / 11])
    np.testing.assert_allclose(sol.newton_step(g, H, x), expected)
    np.testing.assert_allclose(sol.newton_step_brute(g, H, x), expected)
    assert sol.newton_step(2.0, 4.0, 1.0) == pytest.approx(0.5)
    assert sol.newton_step_brute(2.0, 4.0, 1.0) == pytest.approx(0.5)


@FAST
@given(st.integers(1, 4), st.data())
def test_newton_step_solve_matches_cramer_and_minimises_quadratic(sol, n, data):
    """For f(x) = x^T A x / 2 - b^T x (A SPD) one Newton step lands on A^-1 b, both ways."""
    B = data.draw(arrays(np.float64, (n, n), elements=st.integers(-3, 3).map(float)))
    A = B.T @ B + np.eye(n)
    b = data.draw(arrays(np.float64, n, elements=st.integers(-5, 5).map(float)))
    x = data.draw(arrays(np.float64, n, elements=st.integers(-5, 5).map(float)))
    g = A @ x - b
    np.testing.assert_allclose(sol.newton_step(g, A, x), np.linalg.solve(A, b), atol=1e-9)
    np.testing.assert_allclose(sol.newton_step_brute(g, A, x), sol.newton_step(g, A, x),
                               atol=1e-9)


def test_newton_step_rejects_bad_input(sol):
    """Mismatched shapes and a singular Hessian are ValueErrors."""
    with pytest.raises(ValueError, match="expected"):
        sol.newton_step([1.0, 2.0], np.eye(3), [0.0, 0.0])
    with pytest.raises(ValueError, match="singular"):
        sol.newton_step([1.0, 2.0], [[1.0, 2.0], [2.0, 4.0]], [0.0, 0.0])
    with pytest.raises(ValueError, match="singular"):
        sol.newton_step_brute([1.0, 2.0], [[1.0, 2.0], [2.0, 4.0]], [0.0, 0.0])
    with pytest.raises(ValueError, match="n <= 4"):
        sol.newton_step_brute(np.ones(5), np.eye(5), np.zeros(5))


# --------------------------------------------------------------------------
# linear regression gradients
# --------------------------------------------------------------------------

X_HAND = np.array([[1.0, 2.0], [1.0, -1.0], [1.0, 0.0]])
Y_HAND = np.array([3.0, 0.0, 2.0])


def test_linreg_hand_example(sol):
    """w = [1, 1]: predictions [3, 0, 1], residuals [0, 0, -1]."""
    w = np.array([1.0, 1.0])
    assert sol.linreg_mse_loss(X_HAND, Y_HAND, w) == pytest.approx(1 / 3)
    # full batch: (2/3) X^T r = (2/3) [-1, 0]
    np.testing.assert_allclose(sol.linreg_mse_grad(X_HAND, Y_HAND, w), [-2 / 3, 0])
    # mini-batch rows 1, 2: (2/2) [[1, -1], [1, 0]]^T [0, -1] = [-1, 0]
    np.testing.assert_allclose(sol.linreg_mse_grad(X_HAND, Y_HAND, w, rows=[1, 2]), [-1, 0])
    np.testing.assert_allclose(sol.linreg_mse_grad_loops(X_HAND, Y_HAND, w, rows=[1, 2]), [-1, 0])
    # a stochastic gradient of row 0 is zero (its residual is zero)
    np.testing.assert_allclose(sol.linreg_mse_grad(X_HAND, Y_HAND, w, rows=0), [0, 0])
    np.testing.assert_allclose(sol.linreg_gd_step(X_HAND, Y_HAND, w, 0.5, rows=[1, 2]), [1.5, 1])


@st.composite
def regression_batches(draw):
    """A small integer data set, weights and a mini-batch of row indices."""
    n = draw(st.integers(1, 6))
    d = draw(st.integers(1, 3))
    X = draw(arrays(np.float64, (n, d), elements=st.integers(-3, 3).map(float)))
    y = draw(arrays(np.float64, n, elements=st.integers(-5, 5).map(float)))
    w = draw(arrays(np.float64, d, elements=st.integers(-3, 3).map(float)))
    rows = draw(st.none() | st.lists(st.integers(0, n - 1), min_size=1, max_size=n))
    return X, y, w, rows


@FAST
@given(regression_batches(), st.sampled_from([0.0, 0.01, 0.1, 0.5]))
def test_linreg_gradient_loops_numerical_and_step(sol, data, lr):
    """Vectorised = loops = numerical gradient of the loss; the step is w - lr * grad."""
    X, y, w, rows = data
    grad = sol.linreg_mse_grad(X, y, w, rows)
    np.testing.assert_allclose(grad, sol.linreg_mse_grad_loops(X, y, w, rows), atol=1e-9)
    numeric = numerical_gradient(lambda t: sol.linreg_mse_loss(X, y, t, rows), w, 1e-5)
    np.testing.assert_allclose(grad, numeric, atol=1e-5)
    np.testing.assert_allclose(sol.linreg_gd_step(X, y, w, lr, rows), w - lr * grad, atol=1e-12)


def test_linreg_minibatch_average_of_single_row_gradients(sol):
    """A mini-batch gradient is the mean of the stochastic gradients of its rows."""
    w = np.array([0.5, -2.0])
    singles = [sol.linreg_mse_grad(X_HAND, Y_HAND, w, rows=[i]) for i in (0, 2)]
    np.testing.assert_allclose(sol.linreg_mse_grad(X_HAND, Y_HAND, w, rows=[0, 2]),
                               np.mean(singles, axis=0))
    np.testing.assert_allclose(sol.linreg_mse_grad(X_HAND, Y_HAND, w, rows=[0, 1, 2]),
                               sol.linreg_mse_grad(X_HAND, Y_HAND, w))


def test_linreg_rejects_bad_input(sol):
    """Shape mismatches, out-of-range or fractional rows, and a negative learning rate."""
    w = np.zeros(2)
    with pytest.raises(ValueError, match="y must have shape"):
        sol.linreg_mse_grad(X_HAND, Y_HAND[:2], w)
    with pytest.raises(ValueError, match="w must have shape"):
        sol.linreg_mse_loss(X_HAND, Y_HAND, np.zeros(3))
    with pytest.raises(ValueError, match="0..2"):
        sol.linreg_mse_grad(X_HAND, Y_HAND, w, rows=[3])
    with pytest.raises(ValueError, match="whole numbers"):
        sol.linreg_mse_grad_loops(X_HAND, Y_HAND, w, rows=[0.5])
    with pytest.raises(ValueError, match="non-empty"):
        sol.linreg_mse_grad(X_HAND, Y_HAND, w, rows=[])
    with pytest.raises(ValueError, match="learning rate"):
        sol.linreg_gd_step(X_HAND, Y_HAND, w, -0.1)


def test_newton_poly_brute_on_the_quintic_plain_differences_missed(sol):
    """f = 2x^2 + 2x^4 - 2x^5 at 0.75 (found by Hypothesis): plain central differences at
    h = 1e-3 gave -4.38758 for the exact -4.3875; the extrapolated ones agree."""
    c = [0.0, 0.0, 2.0, 0.0, 2.0, -2.0]
    assert sol.newton_step_poly(c, 0.75) == pytest.approx(-4.3875)
    assert sol.newton_step_poly_brute(c, 0.75) == pytest.approx(-4.3875, rel=1e-8)
