"""Tests for solutions/regression.py: closed forms against loops, gradients against numerics."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mldrill.verify.methods import numerical_gradient

FAST = settings(max_examples=50, deadline=None, database=None)
SEEDS = pytest.mark.parametrize("seed", range(4))


def _full_rank(X):
    return np.linalg.matrix_rank(X) == X.shape[1]


# --------------------------------------------------------------------------
# linear regression
# --------------------------------------------------------------------------


def test_linreg_design_puts_ones_first(sol):
    """A vector becomes [1, x_i] rows; a matrix gets one leading column of ones."""
    assert np.array_equal(sol.linreg_design([2, 5]), [[1, 2], [1, 5]])
    assert sol.linreg_design(np.zeros((3, 2))).shape == (3, 3)
    with pytest.raises(ValueError):
        sol.linreg_design(np.zeros((2, 2, 2)))


def test_linreg_fit_hand_example(sol):
    """x = 0, 1, 2, 3 and y = 1, 3, 2, 4: slope 0.8, intercept 1.3 (worked by hand).

    xbar = 1.5, ybar = 2.5, Sxy = (-1.5)(-1.5) + (-0.5)(0.5) + (0.5)(-0.5) + 1.5*1.5 = 4,
    Sxx = 5, so m = 0.8 and b = 2.5 - 0.8*1.5 = 1.3.
    """
    x, y = np.array([0, 1, 2, 3]), np.array([1, 3, 2, 4])
    np.testing.assert_allclose(sol.linreg_fit(x[:, None], y, intercept=True), [1.3, 0.8])
    np.testing.assert_allclose(sol.linreg_fit_centered(x, y), [1.3, 0.8])
    np.testing.assert_allclose(sol.linreg_fit_loops(sol.linreg_design(x), y), [1.3, 0.8])
    # through the origin: sum xy / sum x^2 = (0 + 3 + 4 + 12) / 14
    np.testing.assert_allclose(sol.linreg_fit(x[:, None], y), [19 / 14])


def test_linreg_fit_singular_raises(sol):
    """Two identical columns: the normal equations have no unique solution."""
    with pytest.raises(ValueError, match="singular"):
        sol.linreg_fit(np.array([[1, 1], [2, 2], [3, 3]]), np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="equal"):
        sol.linreg_fit_centered([2, 2, 2], [1, 2, 3])


@FAST
@given(arrays(np.int64, (5, 3), elements=st.integers(-4, 4)),
       arrays(np.int64, 5, elements=st.integers(-5, 5)))
def test_linreg_fit_matches_cramer_loops_and_zero_gradient(sol, X, y):
    """The NumPy solve, Cramer's rule with loops, and a vanishing gradient all agree."""
    if not _full_rank(X) or abs(np.linalg.det(X.T @ X)) < 1e-6:
        return
    w = sol.linreg_fit(X, y)
    np.testing.assert_allclose(sol.linreg_fit_loops(X, y), w, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(X.T @ (X @ w - y), 0, atol=1e-7)


@FAST
@given(arrays(np.int64, 4, elements=st.integers(-3, 6)),
       arrays(np.int64, 4, elements=st.integers(-5, 5)))
def test_centered_formula_matches_normal_equations(sol, x, y):
    """The centred slope/intercept formula equals the normal-equation fit with intercept."""
    if len(set(x.tolist())) < 2:
        return
    np.testing.assert_allclose(sol.linreg_fit_centered(x, y),
                               sol.linreg_fit(x[:, None], y, intercept=True), atol=1e-9)


# --------------------------------------------------------------------------
# ridge
# --------------------------------------------------------------------------


def test_ridge_fit_hand_example(sol):
    """X = I (2 x 2), y = (2, 4), lam = 1, mean loss: (1 + 2) w = y, so w = (2/3, 4/3)."""
    X, y = np.eye(2), np.array([2.0, 4.0])
    np.testing.assert_allclose(sol.ridge_fit(X, y, 1), [2 / 3, 4 / 3])
    np.testing.assert_allclose(sol.ridge_fit(X, y, 1, mean=False), [1, 2])
    np.testing.assert_allclose(sol.ridge_fit_loops(X, y, 1), [2 / 3, 4 / 3])
    np.testing.assert_allclose(sol.ridge_fit(X, y, 0), y)
    with pytest.raises(ValueError, match="non-negative"):
        sol.ridge_fit(X, y, -1)


@SEEDS
def test_ridge_fit_minimises_the_loss(sol, seed):
    """The numerical gradient of ridge_loss vanishes at ridge_fit, for both loss scalings,
    and the augmented-data least squares gives the same weights."""
    rng = np.random.default_rng(seed)
    X, y, lam = rng.normal(size=(5, 3)), rng.normal(size=5), rng.uniform(0.1, 2)
    for mean in (True, False):
        w = sol.ridge_fit(X, y, lam, mean=mean)
        grad = numerical_gradient(lambda v, m=mean: sol.ridge_loss(X, y, v, lam, mean=m), w)
        np.testing.assert_allclose(grad, 0, atol=1e-7)
        np.testing.assert_allclose(sol.ridge_fit_loops(X, y, lam, mean=mean), w,
                                   atol=1e-9)
    # the mean-loss ridge is the sum-loss ridge (matrix_calculus.ridge) with lam scaled by N
    np.testing.assert_allclose(sol.ridge_fit(X, y, lam), sol.ridge(X, y, 5 * lam), atol=1e-12)


# --------------------------------------------------------------------------
# logistic regression
# --------------------------------------------------------------------------


def test_logreg_at_zero_hand_example(sol):
    """At w = 0 every p = 1/2: loss log 2, gradient X^T (1/2 - y)/N, Hessian X^T X/(4N)."""
    X = np.array([[1, 0], [1, 1], [1, 2]])
    y = np.array([0, 0, 1])
    w = np.zeros(2)
    assert sol.logreg_loss(X, y, w) == pytest.approx(np.log(2))
    np.testing.assert_allclose(sol.logreg_grad(X, y, w), [1 / 6, -1 / 6])  # p - y = (1, 1, -1)/2
    np.testing.assert_allclose(sol.logreg_grad(X, y, w, mean=False), [0.5, -0.5])
    np.testing.assert_allclose(sol.logreg_hessian(X, w, mean=False), [[0.75, 0.75], [0.75, 1.25]])
    # Newton from 0 = least squares with targets 4y - 2 = (-2, -2, 2):
    # X^T t = (-2, 2), (X^T X)^-1 = [[5, -3], [-3, 3]]/6, so w = (-16/6, 12/6) = (-8/3, 2)
    np.testing.assert_allclose(sol.logreg_newton_step(X, y, w), [-8 / 3, 2])


@SEEDS
def test_logreg_grad_and_hessian_match_numerical(sol, seed):
    """logreg_grad is the gradient of logreg_loss, logreg_hessian the gradient of logreg_grad."""
    rng = np.random.default_rng(seed)
    X, y, w = rng.normal(size=(6, 3)), rng.integers(0, 2, 6), rng.normal(size=3)
    for mean in (True, False):
        numeric = numerical_gradient(lambda v, m=mean: sol.logreg_loss(X, y, v, mean=m), w)
        np.testing.assert_allclose(sol.logreg_grad(X, y, w, mean=mean), numeric, atol=1e-7)
        H = np.array([numerical_gradient(
            lambda v, j=j, m=mean: sol.logreg_grad(X, y, v, mean=m)[j], w) for j in range(3)])
        np.testing.assert_allclose(sol.logreg_hessian(X, w, mean=mean), H, atol=1e-7)
        np.testing.assert_allclose(sol.logreg_grad_loops(X, y, w, mean=mean),
                                   sol.logreg_grad(X, y, w, mean=mean), atol=1e-12)
        np.testing.assert_allclose(sol.logreg_hessian_loops(X, w, mean=mean),
                                   sol.logreg_hessian(X, w, mean=mean), atol=1e-12)


@SEEDS
def test_newton_step_equals_irls_and_solves_the_quadratic_model(sol, seed):
    """The Newton step equals the IRLS weighted least-squares step, and it is the minimiser of
    the second-order model: the model's gradient g + H (w_new - w) vanishes."""
    rng = np.random.default_rng(seed)
    X, y, w = rng.normal(size=(6, 2)), rng.integers(0, 2, 6), rng.normal(size=2) * 0.5
    w_new = sol.logreg_newton_step(X, y, w)
    np.testing.assert_allclose(sol.logreg_irls_step(X, y, w), w_new, atol=1e-9)
    g, H = sol.logreg_grad(X, y, w), sol.logreg_hessian(X, w)
    np.testing.assert_allclose(g + H @ (w_new - w), 0, atol=1e-10)


def test_logreg_rejects_bad_labels(sol):
    """Labels must be 0/1 (not -1/+1), and shapes must match."""
    X = np.ones((2, 2))
    with pytest.raises(ValueError, match="0 or 1"):
        sol.logreg_grad(X, np.array([-1, 1]), np.zeros(2))
    with pytest.raises(ValueError, match="length 2"):
        sol.logreg_grad(X, np.array([0, 1]), np.zeros(3))


def test_logreg_loss_is_stable_for_large_scores(sol):
    """Scores of +-1000 give a finite loss (no log(0))."""
    X = np.array([[1000.0], [-1000.0]])
    assert sol.logreg_loss(X, np.array([0, 1]), np.array([1.0])) == pytest.approx(1000.0)


# --------------------------------------------------------------------------
# bias-variance
# --------------------------------------------------------------------------


def test_shrunk_mean_risk_hand_example(sol):
    """Values 2 or 6 (mu = 4, sigma^2 = 4), n = 2, c = 1/2: bias -2, variance 1/2, mse 4.5.

    Enumerated: the four training sets give xbar = 2, 4, 4, 6, so theta_hat = 1, 2, 2, 3.
    """
    assert sol.shrunk_mean_risk(4, 4, 2, 0.5) == pytest.approx((-2, 0.5, 4.5))
    assert sol.shrunk_mean_risk_brute([2, 6], 2, 0.5) == pytest.approx((-2, 0.5, 4.5))
    # the plain sample mean is unbiased
    assert sol.shrunk_mean_risk_brute([2, 6], 2, 1) == pytest.approx((0, 2, 2))


@FAST
@given(st.lists(st.integers(-5, 8), min_size=1, max_size=3), st.integers(1, 3),
       st.sampled_from([0.25, 0.5, 2 / 3, 0.75, 1.0, 1.5]), st.integers(-2, 2))
def test_shrunk_mean_risk_matches_enumeration(sol, values, n, c, target):
    """Closed form (bias, variance, bias^2 + variance) equals the enumeration of all sets."""
    v = np.array(values, dtype=float)
    mu, sigma2 = v.mean(), v.var()
    closed = sol.shrunk_mean_risk(mu, sigma2, n, c, target)
    assert sol.shrunk_mean_risk_brute(values, n, c, target) == pytest.approx(closed, abs=1e-9)


def test_shrunk_mean_risk_enum_with_probabilities(sol):
    """A biased coin (value 1 w.p. 1/4): mu = 1/4, sigma^2 = 3/16; c = 1, n = 3: var 1/16."""
    assert sol.shrunk_mean_risk_brute([0, 1], 3, 1, probs=[0.75, 0.25]) == pytest.approx(
        (0, 1 / 16, 1 / 16))
    with pytest.raises(ValueError, match="sum to 1"):
        sol.shrunk_mean_risk_brute([0, 1], 2, 1, probs=[0.5, 0.6])
    with pytest.raises(ValueError, match="positive integer"):
        sol.shrunk_mean_risk(0, 1, 0, 1)


# --------------------------------------------------------------------------
# Lasso, polynomial regression, weighted least squares (issue 15)
# --------------------------------------------------------------------------


def test_lasso_soft_threshold_hand_values(sol):
    """S(5, 2) = 3, S(-5, 2) = -3, S(1, 2) = 0: shrink towards 0 by t, and stop at 0."""
    assert sol.lasso_soft_threshold(5, 2) == 3
    assert sol.lasso_soft_threshold(-5, 2) == -3
    assert sol.lasso_soft_threshold(1, 2) == 0
    np.testing.assert_allclose(sol.lasso_soft_threshold(np.array([4, -1]), 1.5), [2.5, 0])
    with pytest.raises(ValueError, match="non-negative"):
        sol.lasso_soft_threshold(1, -1)


def test_lasso_1d_hand_example(sol):
    """x = [1, 2, 0], y = [3, 1, 2]: x^T y = 5, x^T x = 5, so w = (5 - 2)/5 = 0.6 at lam = 2.

    With the 1/(2n) scaling (n = 3) the threshold is 3 lam: 6 > 5 gives w = 0 at lam = 2,
    and (5 - 3)/5 = 0.4 at lam = 1. The smallest lam giving 0 is 5, or 5/3 scaled.
    """
    x, y = [1, 2, 0], [3, 1, 2]
    for f in (sol.lasso_1d, sol.lasso_1d_brute):
        assert f(x, y, 2) == pytest.approx(0.6, abs=1e-7)
        assert f(x, y, 2, mean=True) == pytest.approx(0.0, abs=1e-7)
        assert f(x, y, 1, mean=True) == pytest.approx(0.4, abs=1e-7)
    for f in (sol.lasso_1d_lambda_max, sol.lasso_1d_lambda_max_brute):
        assert f(x, y) == pytest.approx(5, abs=1e-6)
        assert f(x, y, mean=True) == pytest.approx(5 / 3, abs=1e-6)


@FAST
@given(arrays(np.int64, 4, elements=st.integers(-3, 3)),
       arrays(np.int64, 4, elements=st.integers(-4, 4)), st.sampled_from([0.5, 1, 2, 3]),
       st.booleans())
def test_lasso_1d_brute_agrees(sol, x, y, lam, mean):
    """The ternary search of the objective lands on the soft-thresholded closed form."""
    if not np.any(x != 0):
        return
    assert sol.lasso_1d(x, y, lam, mean) == pytest.approx(
        sol.lasso_1d_brute(x, y, lam, mean), abs=1e-6)


def test_lasso_cd_hand_example(sol):
    """X = [[1, 0], [1, 1], [0, 1]], y = [2, 3, 1], lam = 1, from w = 0, coordinates 0, 1, 0.

    Step 1: rho = x0^T y = 5, w0 = (5 - 1)/2 = 2. Step 2: residual without x1 is
    [0, 1, 1], rho = 2, w1 = (2 - 1)/2 = 1/2. Step 3: residual without x0 is
    [2, 5/2, 1/2], rho = 9/2, w0 = (9/2 - 1)/2 = 7/4.
    """
    X, y = [[1, 0], [1, 1], [0, 1]], [2, 3, 1]
    for f in (sol.lasso_cd_steps, sol.lasso_cd_steps_brute):
        rhos, W = f(X, y, 1, [0, 0], [0, 1, 0])
        np.testing.assert_allclose(rhos, [5, 2, 4.5], atol=1e-7)
        np.testing.assert_allclose(W, [[2, 0], [2, 0.5], [1.75, 0.5]], atol=1e-7)


def test_polyreg_design_and_counts_hand_values(sol):
    """x = [2, -1], degree 3: rows [1, 2, 4, 8] and [1, -1, 1, -1]; 2 variables of degree <= 2
    give 1, a, b, a^2, ab, b^2 = 6 = C(4, 2) features (5 without the constant); 3 give 10."""
    for f in (sol.polyreg_design, sol.polyreg_design_loops):
        np.testing.assert_array_equal(f([2, -1], 3), [[1, 2, 4, 8], [1, -1, 1, -1]])
    for f in (sol.polyreg_feature_count, sol.polyreg_feature_count_brute):
        assert f(2, 2) == 6
        assert f(2, 2, constant=False) == 5
        assert f(3, 2) == 10
        assert f(4, 3) == 35


def test_wls_hand_example(sol):
    """x = 0, 1, 2, y = 1, 3, 2, weights 1, 2, 1, line b + m x: b = 7/4, m = 1/2.

    X^T W X = [[4, 4], [4, 6]], X^T W y = [9, 10], det 8,
    theta = [[6, -4], [-4, 4]] [9, 10] / 8 = [14, 4] / 8.
    """
    X = np.array([[1, 0], [1, 1], [1, 2]])
    for f in (sol.wls_fit, sol.wls_fit_loops):
        np.testing.assert_allclose(f(X, [1, 3, 2], [1, 2, 1]), [1.75, 0.5])
    # equal weights: ordinary least squares
    np.testing.assert_allclose(sol.wls_fit(X, [1, 3, 2], [2, 2, 2]),
                               sol.linreg_fit(X, np.array([1, 3, 2])))
    with pytest.raises(ValueError, match="positive"):
        sol.wls_fit(X, [1, 3, 2], [1, 0, 1])
