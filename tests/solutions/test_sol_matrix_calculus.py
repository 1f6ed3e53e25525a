"""Tests for solutions/matrix_calculus.py: matrix gradients against numerical_gradient, solvers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mldrill.verify.methods import numerical_gradient

FAST = settings(max_examples=50, deadline=None, database=None)
SEEDS = pytest.mark.parametrize("seed", range(4))


@SEEDS
def test_quad_form_grad_matches_numerical(sol, seed):
    """quad_form_grad is the gradient of x.T A x for a non-symmetric A."""
    rng = np.random.default_rng(seed)
    A, x = rng.normal(size=(3, 3)), rng.normal(size=3)
    numeric = numerical_gradient(lambda v: sol.quad_form(A, v), x, 1e-5)
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
    np.testing.assert_allclose(sol.logdet_grad(K), numerical_gradient(sol.logdet, K, 1e-5),
                               atol=1e-8)
    np.testing.assert_allclose(sol.det_grad(K), numerical_gradient(np.linalg.det, K, 1e-5),
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
        sol.trace_grad_WA(A), numerical_gradient(lambda M: np.trace(M @ A), A.T, 1e-5), atol=1e-8)
    np.testing.assert_allclose(
        sol.trace_grad_AWB(A, B), numerical_gradient(lambda M: np.trace(A @ M @ B), W, 1e-5),
        atol=1e-8)


@SEEDS
def test_frob_sq_residual_grad_matches_numerical(sol, seed):
    """frob_sq_residual_grad = 2 (W x - y) x.T is the gradient of ||W x - y||^2 in W."""
    rng = np.random.default_rng(seed)
    W, x, y = rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=2)
    numeric = numerical_gradient(lambda M: sol.frob_sq_residual(M, x, y), W, 1e-5)
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
    numeric = numerical_gradient(lambda v: np.sum((X @ v - y) ** 2), w_ridge, 1e-5)
    np.testing.assert_allclose(sol.least_squares_grad(X, y, w_ridge), numeric, atol=1e-6)


def test_normal_equations_hand_example_and_singular(sol):
    """Fitting y = 1 + 2t through three exact points; dependent columns raise ValueError."""
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    np.testing.assert_allclose(sol.normal_equations(X, np.array([1.0, 3.0, 5.0])), [1.0, 2.0])
    with pytest.raises(ValueError, match="linearly dependent"):
        sol.normal_equations(np.array([[1.0, 2.0], [2.0, 4.0]]), np.array([1.0, 2.0]))


# --------------------------------------------------------------------------
# tr(W A W^T), y^T A x, det, inverse, ridge by a second route, elementwise Jacobians
# --------------------------------------------------------------------------


@SEEDS
def test_trace_quadratic_grad_matches_numerical(sol, seed):
    """trace_quadratic_grad = W (A + A.T) is the gradient of tr(W A W^T), A not symmetric."""
    rng = np.random.default_rng(seed)
    W, A = rng.normal(size=(2, 3)), rng.normal(size=(3, 3))
    numeric = numerical_gradient(lambda M: np.trace(M @ A @ M.T), W, 1e-5)
    np.testing.assert_allclose(sol.trace_quadratic_grad(W, A), numeric, atol=1e-7)
    np.testing.assert_allclose(sol.trace_quadratic_grad_loops(W, A), numeric, atol=1e-7)
    assert not np.allclose(sol.trace_quadratic_grad(W, A), 2 * W @ A)


@FAST
@given(arrays(np.int64, (2, 3), elements=st.integers(-4, 4)),
       arrays(np.int64, (3, 3), elements=st.integers(-4, 4)))
def test_trace_quadratic_grad_loops_agrees_exactly(sol, W, A):
    """The index-sum version equals W (A + A.T) exactly on integers."""
    grad = sol.trace_quadratic_grad(W, A)
    assert grad.dtype.kind == "i"
    assert np.array_equal(grad, sol.trace_quadratic_grad_loops(W, A))


def test_trace_quadratic_grad_hand_example_and_errors(sol):
    """W = [[1, 0]], A = [[0, 1], [0, 0]]: f = W_00 W_01, gradient [[W_01, W_00]] = [[0, 1]]."""
    W, A = np.array([[1, 0]]), np.array([[0, 1], [0, 0]])
    assert np.array_equal(sol.trace_quadratic_grad(W, A), [[0, 1]])
    assert np.array_equal(sol.trace_quadratic_grad_loops(W, A), [[0, 1]])
    with pytest.raises(ValueError, match="columns"):
        sol.trace_quadratic_grad(np.ones((2, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="square"):
        sol.trace_quadratic_grad_loops(np.ones((2, 3)), np.ones((3, 2)))


@FAST
@given(arrays(np.int64, 2, elements=st.integers(-5, 5)),
       arrays(np.int64, (2, 3), elements=st.integers(-5, 5)),
       arrays(np.int64, 3, elements=st.integers(-5, 5)))
def test_bilinear_grad_A_matches_loops(sol, y, A, x):
    """y x^T (outer product) equals the coefficient of every A_ij found by bumping A_ij."""
    grad = sol.bilinear_grad_A(y, x)
    assert grad.shape == (2, 3)
    assert np.array_equal(grad, sol.bilinear_grad_A_loops(y, A, x))


def test_bilinear_grad_A_hand_example_and_numerical(sol):
    """y = (1, 2), x = (3, 0, -1): y x^T = [[3, 0, -1], [6, 0, -2]], not x y^T (3 x 2)."""
    y, x = np.array([1, 2]), np.array([3, 0, -1])
    assert np.array_equal(sol.bilinear_grad_A(y, x), [[3, 0, -1], [6, 0, -2]])
    A = np.arange(6.0).reshape(2, 3)
    numeric = numerical_gradient(lambda M: y @ M @ x, A, 1e-5)
    np.testing.assert_allclose(sol.bilinear_grad_A(y, x), numeric, atol=1e-8)
    with pytest.raises(ValueError, match="1-D"):
        sol.bilinear_grad_A(np.ones((2, 1)), x)
    with pytest.raises(ValueError, match="length 3"):
        sol.bilinear_grad_A_loops(y, A, np.ones(2))


@FAST
@given(st.integers(1, 4).flatmap(
    lambda n: arrays(np.int64, (n, n), elements=st.integers(-4, 4))))
def test_det_laplace_and_cofactors_match_numpy(sol, K):
    """Laplace expansion equals np.linalg.det; cofactors equal det(K) inv(K).T when invertible."""
    det = sol.det_laplace_loops(K)
    assert isinstance(det, int)
    assert det == round(np.linalg.det(K))
    C = sol.cofactor_matrix_loops(K)
    assert C.dtype.kind == "i"
    # Laplace expansion along every row and every column gives det K
    assert all(int(K[i] @ C[i]) == det for i in range(K.shape[0]))
    assert all(int(K[:, j] @ C[:, j]) == det for j in range(K.shape[0]))
    if det != 0:
        np.testing.assert_allclose(C, sol.det_grad(K), atol=1e-9)


def test_cofactor_hand_examples(sol):
    """2 x 2: cofactors of [[a, b], [c, d]] are [[d, -c], [-b, a]]; 3 x 3 checked by hand."""
    assert np.array_equal(sol.cofactor_matrix_loops(np.array([[2, 1], [5, 4]])),
                          [[4, -5], [-1, 2]])
    K = np.array([[1, 2, 0], [0, 1, 3], [1, 0, 1]])
    # det = 1*(1*1 - 3*0) - 2*(0*1 - 3*1) + 0 = 1 + 6 = 7
    assert sol.det_laplace_loops(K) == 7
    # C_00 = 1, C_01 = -(0 - 3) = 3, C_02 = 0 - 1 = -1, C_10 = -(2 - 0) = -2, C_11 = 1,
    # C_12 = -(0 - 2) = 2, C_20 = 6, C_21 = -(3 - 0) = -3, C_22 = 1
    assert np.array_equal(sol.cofactor_matrix_loops(K),
                          [[1, 3, -1], [-2, 1, 2], [6, -3, 1]])
    # a singular matrix still has a cofactor matrix (det_grad would need the inverse)
    assert np.array_equal(sol.cofactor_matrix_loops(np.array([[1, 2], [2, 4]])),
                          [[4, -2], [-2, 1]])
    with pytest.raises(ValueError, match="square"):
        sol.cofactor_matrix_loops(np.ones((2, 3)))


@SEEDS
def test_inverse_quadratic_grad_matches_numerical(sol, seed):
    """-inv(K).T a b.T inv(K).T is the gradient of a.T inv(K) b for a non-symmetric K."""
    rng = np.random.default_rng(seed)
    K = 3 * np.eye(3) + rng.normal(size=(3, 3))
    a, b = rng.normal(size=3), rng.normal(size=3)
    numeric = numerical_gradient(lambda M: a @ np.linalg.inv(M) @ b, K, 1e-5)
    np.testing.assert_allclose(sol.inverse_quadratic_grad(K, a, b), numeric, atol=1e-7)


def test_inverse_quadratic_grad_hand_example_and_errors(sol):
    """K = [[1, 1], [0, 1]], inv(K) = [[1, -1], [0, 1]], a = e0, b = e1: gradient by hand."""
    K = np.array([[1.0, 1.0], [0.0, 1.0]])
    a, b = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    # u = inv(K).T a = (1, -1), v = inv(K) b = (-1, 1); gradient -u v^T
    np.testing.assert_allclose(sol.inverse_quadratic_grad(K, a, b), [[1, -1], [-1, 1]])
    with pytest.raises(ValueError, match="singular"):
        sol.inverse_quadratic_grad(np.ones((2, 2)), a, b)


@SEEDS
def test_ridge_lstsq_augmented_agrees_with_normal_equations(sol, seed):
    """The stacked lstsq route gives the same w as solving (X^T X + lam I) w = X^T y."""
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=6)
    for lam in (0.0, 0.5, 3.0):
        np.testing.assert_allclose(sol.ridge_lstsq_augmented(X, y, lam), sol.ridge(X, y, lam),
                                   atol=1e-10)
    np.testing.assert_allclose(sol.ridge_lstsq_augmented(X, y, 0), sol.normal_equations(X, y),
                               atol=1e-10)


def test_ridge_lstsq_augmented_hand_example_and_errors(sol):
    """X = I (2 x 2), y = (2, 4), lam = 1: w = y / (1 + lam) = (1, 2)."""
    np.testing.assert_allclose(sol.ridge_lstsq_augmented(np.eye(2), np.array([2.0, 4.0]), 1),
                               [1.0, 2.0])
    with pytest.raises(ValueError, match="non-negative"):
        sol.ridge_lstsq_augmented(np.eye(2), np.ones(2), -1)
    with pytest.raises(ValueError, match="no unique solution"):
        sol.ridge_lstsq_augmented(np.array([[1.0, 2.0], [2.0, 4.0]]), np.ones(2), 0)
    # lam > 0 makes even dependent columns solvable
    w = sol.ridge_lstsq_augmented(np.array([[1.0, 2.0], [2.0, 4.0]]), np.ones(2), 1.0)
    np.testing.assert_allclose(w, sol.ridge(np.array([[1.0, 2.0], [2.0, 4.0]]), np.ones(2), 1.0))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "square", "cube", "exp", "softplus"])
def test_elementwise_jacobian_is_diagonal_and_matches_fd(sol, name):
    """diag(f'(x)) equals the central-difference Jacobian, whose off-diagonal is zero."""
    x = np.array([-1.5, -0.2, 0.4, 1.3])
    jac = sol.elementwise_jacobian(name, x)
    fd = sol.jacobian_fd_brute(name, x)
    np.testing.assert_allclose(jac, fd, atol=1e-7)
    assert np.count_nonzero(fd - np.diag(np.diag(fd))) == 0


def test_elementwise_jacobian_hand_values_and_errors(sol):
    """square at (1, -2, 3): diag(2, -4, 6); sigmoid'(0) = 1/4; tanh'(0) = 1."""
    assert np.array_equal(sol.elementwise_jacobian("square", np.array([1, -2, 3])),
                          np.diag([2, -4, 6]))
    np.testing.assert_allclose(sol.elementwise_jacobian("sigmoid", np.zeros(2)), np.eye(2) / 4)
    np.testing.assert_allclose(sol.elementwise_jacobian("tanh", np.zeros(1)), [[1.0]])
    with pytest.raises(ValueError, match="unknown elementwise function 'relu6'"):
        sol.elementwise_jacobian("relu6", np.zeros(2))
    with pytest.raises(ValueError, match="1-D"):
        sol.jacobian_fd_brute("exp", np.zeros((2, 2)))


def test_jacobian_fd_brute_of_a_layer_is_diag_times_w(sol):
    """The Jacobian of f(W x) is diag(f'(W x)) W (numerator layout), m x n."""
    W = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, 1.0]])
    x = np.array([0.3, -0.2, 0.7])
    for name in ("square", "cube", "tanh"):
        expected = sol.elementwise_jacobian(name, W @ x) @ W
        np.testing.assert_allclose(sol.jacobian_fd_brute(name, x, W), expected, atol=1e-7)
    with pytest.raises(ValueError, match="3 columns"):
        sol.jacobian_fd_brute("square", x, np.ones((2, 2)))
