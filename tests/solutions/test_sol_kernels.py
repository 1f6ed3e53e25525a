"""Tests for solutions/kernels.py: hand examples, feature maps against kernels, loops, validity."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

FAST = settings(max_examples=50, deadline=None, database=None)

small_ints = st.integers(-3, 3)


def points(n, d):
    """A strategy for an (n, d) integer matrix of points as rows."""
    return st.lists(st.lists(small_ints, min_size=d, max_size=d), min_size=n, max_size=n).map(
        np.array)


# --------------------------------------------------------------------------
# hand examples
# --------------------------------------------------------------------------


def test_kernel_values_by_hand(sol):
    """(x.z + c)^d and exp(-||x - z||^2 / (2 sigma^2)) on small vectors."""
    x, z = [1, 2], [3, -1]
    assert sol.polynomial_kernel(x, z, c=1, degree=2) == 4.0  # (3 - 2 + 1)^2
    assert sol.polynomial_kernel(x, z, c=2, degree=3) == 27.0  # (1 + 2)^3
    # ||x - z||^2 = 4 + 9 = 13, not ||x - z|| = sqrt(13); the 2 in 2 sigma^2 matters
    assert sol.rbf_kernel(x, z, sigma=2) == pytest.approx(math.exp(-13 / 8))
    assert sol.rbf_kernel(x, x, sigma=0.5) == 1.0


def test_gram_matrices_by_hand(sol):
    """Gram matrices of three points: elementwise power, not a matrix power."""
    X = np.array([[1, 0], [0, 1], [1, 1]])
    np.testing.assert_array_equal(sol.polynomial_gram(X, c=1, degree=2),
                                  [[4, 1, 4], [1, 4, 4], [4, 4, 9]])
    assert not np.allclose(sol.polynomial_gram(X, 1, 2), np.linalg.matrix_power(X @ X.T + 1, 2))
    K = sol.rbf_gram(X, sigma=1)
    np.testing.assert_allclose(K, [[1, math.exp(-1), math.exp(-0.5)],
                                   [math.exp(-1), 1, math.exp(-0.5)],
                                   [math.exp(-0.5), math.exp(-0.5), 1]])
    # cross Gram: 1 x 2 points against 3
    np.testing.assert_array_equal(sol.polynomial_gram([[2, 1]], 0, 1, Z=X), [[2, 1, 3]])


def test_feature_map_by_hand(sol):
    """phi(x) of the quadratic kernel in the documented order; its length."""
    phi = sol.quadratic_feature_map([1, 2], c=2)
    np.testing.assert_allclose(phi, [1, 2 * math.sqrt(2), 4, 2, 4, 2])  # sqrt(2c) = 2
    np.testing.assert_allclose(sol.polynomial_feature_map([1, 2], c=2, degree=2), phi)
    assert sol.polynomial_feature_count(2) == 6
    assert sol.polynomial_feature_count(3, degree=2) == 10
    assert sol.polynomial_feature_count(3, degree=2, c=0) == 6
    assert sol.polynomial_feature_count(2, degree=3) == 10


def test_kernel_sq_distance_by_hand(sol):
    """||phi(x_i) - phi(x_j)||^2 = K_ii + K_jj - 2 K_ij."""
    K = np.array([[4.0, 1.0], [1.0, 9.0]])
    assert sol.kernel_sq_distance(K, 0, 1) == 11.0
    assert sol.kernel_sq_distance(K, 1, 1) == 0.0


def test_validity_by_hand(sol):
    """Symmetric PSD (even singular) is valid; asymmetric or an eigenvalue < 0 is not."""
    valid = [[[2, 1], [1, 2]], [[1, 2], [2, 4]], [[0, 0], [0, 0]], [[4]]]
    invalid = [
        [[1, 3], [3, 2]],  # symmetric, positive diagonal, det < 0
        [[2, 1], [0, 3]],  # positive eigenvalues but not symmetric
        [[-1, 0], [0, 1]],  # negative diagonal entry
        # every 2x2 principal minor is positive, but the determinant is -4
        [[2, 2, 0], [2, 3, 2], [0, 2, 2]],
    ]
    for K in valid:
        assert sol.is_valid_kernel_matrix(K) and sol.is_valid_kernel_matrix_brute(K), K
    for K in invalid:
        assert not sol.is_valid_kernel_matrix(K), K
        assert not sol.is_valid_kernel_matrix_brute(K), K


def test_input_validation(sol):
    """Bad inputs raise ValueError with a clear message."""
    with pytest.raises(ValueError, match="same length"):
        sol.polynomial_kernel([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="sigma must be positive"):
        sol.rbf_kernel([1], [2], sigma=0)
    with pytest.raises(ValueError, match="degree"):
        sol.polynomial_gram([[1, 2]], degree=1.5)
    with pytest.raises(ValueError, match="offset c"):
        sol.quadratic_feature_map([1, 2], c=-1)
    with pytest.raises(ValueError, match="square"):
        sol.is_valid_kernel_matrix([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ValueError, match="indices"):
        sol.kernel_sq_distance(np.eye(2), 0, 2)


# --------------------------------------------------------------------------
# against the independent versions
# --------------------------------------------------------------------------


@FAST
@given(points(4, 2), st.integers(0, 3), st.integers(1, 3))
def test_polynomial_gram_matches_loops_and_feature_map(sol, X, c, degree):
    """Vectorised Gram = loops = phi(x_i) . phi(x_j) with the multinomial feature map."""
    K = sol.polynomial_gram(X, c, degree)
    np.testing.assert_allclose(K, sol.polynomial_gram_loops(X, c, degree))
    Phi = np.array([sol.polynomial_feature_map(x, c, degree) for x in X])
    np.testing.assert_allclose(Phi @ Phi.T, K, atol=1e-8)
    assert Phi.shape[1] == math.comb(2 + degree, degree)
    assert K[0, 1] == sol.polynomial_kernel(X[0], X[1], c, degree)


@FAST
@given(points(1, 3), st.integers(0, 4))
def test_quadratic_feature_map_matches_multinomial(sol, X, c):
    """The hand-written quadratic map equals the general multinomial one (degree 2)."""
    x = X[0]
    np.testing.assert_allclose(sol.quadratic_feature_map(x, c),
                               sol.polynomial_feature_map(x, c, 2), atol=1e-12)
    assert len(sol.quadratic_feature_map(x, c)) == sol.polynomial_feature_count(3, 2, c=1)


@FAST
@given(points(4, 3), st.sampled_from([0.5, 1, 2, 3]))
def test_rbf_gram_matches_loops(sol, X, sigma):
    """Vectorised RBF Gram = loops; unit diagonal; symmetric PSD."""
    K = sol.rbf_gram(X, sigma)
    np.testing.assert_allclose(K, sol.rbf_gram_loops(X, sigma), atol=1e-12)
    np.testing.assert_allclose(np.diag(K), 1)
    assert K[1, 2] == pytest.approx(sol.rbf_kernel(X[1], X[2], sigma))
    assert sol.is_valid_kernel_matrix(K, tol=1e-9)


@FAST
@given(st.lists(st.lists(st.integers(-4, 4), min_size=3, max_size=3), min_size=3, max_size=3))
def test_validity_eigenvalues_agree_with_minors(sol, rows):
    """The eigenvalue test and Sylvester's all-principal-minors test agree."""
    K = np.array(rows)
    for M in (K, K + K.T, K @ K.T):  # arbitrary, symmetric, PSD
        assert sol.is_valid_kernel_matrix(M) == sol.is_valid_kernel_matrix_brute(M), M
    assert sol.is_valid_kernel_matrix(K @ K.T)


@FAST
@given(points(3, 2), st.integers(1, 3))
def test_kernel_sq_distance_is_feature_distance(sol, X, c):
    """K_ii + K_jj - 2 K_ij equals ||phi(x_i) - phi(x_j)||^2 computed explicitly."""
    K = sol.polynomial_gram(X, c, 2)
    phi0, phi2 = (sol.quadratic_feature_map(X[i], c) for i in (0, 2))
    assert sol.kernel_sq_distance(K, 0, 2) == pytest.approx(np.sum((phi0 - phi2) ** 2), abs=1e-8)


def test_kernel_ridge_1d_hand_example(sol):
    """x = (0, 1), y = (1, -1), lam = 1, (xz + 1)^2: alpha = (2/3, -1/3), f(-1) = 2/3."""
    # K = [[1, 1], [1, 4]]; K + I = [[2, 1], [1, 5]], det 9;
    # alpha = [[5, -1], [-1, 2]] / 9 @ (1, -1) = (6, -3) / 9 = (2/3, -1/3).
    # fit = K alpha = (1/3, -2/3); kq at xq = -1: ((0 + 1)^2, (-1 + 1)^2) = (1, 0);
    # f = 2/3.
    K, alpha, fit, kq, f = sol.kernel_ridge_1d([0, 1], [1, -1], -1, 1)
    assert np.array_equal(K, [[1, 1], [1, 4]])
    assert np.allclose(alpha, [2 / 3, -1 / 3]) and np.allclose(fit, [1 / 3, -2 / 3])
    assert np.array_equal(kq, [1, 0]) and f == pytest.approx(2 / 3)


@FAST
@given(st.lists(small_ints, min_size=2, max_size=3, unique=True),
       st.lists(small_ints, min_size=3, max_size=3), small_ints, st.sampled_from([0.5, 1, 2]))
def test_kernel_ridge_1d_agrees_with_primal_loops(sol, xs, ys, xq, lam):
    """The dual solution matches loops + Gauss-Jordan and primal ridge in feature space."""
    ys = ys[: len(xs)]
    got = sol.kernel_ridge_1d(xs, ys, xq, lam)
    ref = sol.kernel_ridge_1d_loops(xs, ys, xq, lam)
    for a, b in zip(got, ref, strict=True):
        assert np.allclose(a, b, atol=1e-8)
    # ridge identity: y - K alpha = lam alpha
    assert np.allclose(np.array(ys) - got[2], lam * got[1])
