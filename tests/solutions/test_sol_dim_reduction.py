"""Tests for solutions/dim_reduction.py: PCA by hand, SVD relations, reconstruction and the
Johnson-Lindenstrauss dimension, against hand computations and the independent checks."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

FAST = settings(max_examples=40, deadline=None, database=None)

# Q = [[1, 2, 2], [2, 1, -2], [2, -2, 1]] / 3 is orthogonal; C = Q diag(19, 10, 1) Q^T
C3 = np.array([[7, 6, 0], [6, 10, 6], [0, 6, 13]])
DIRS = np.array([[1, 2, 2], [2, 1, -2], [2, -2, 1]])


def test_jl_dimension_by_hand(sol):
    """eps = 0.1: denominator 0.005 - 0.000333 = 0.0046667; 4 ln 1000 = 27.631 -> 5920.9,
    so k = 5921; eps = 0.5: 1/8 - 1/24 = 1/12, 4 ln 10^6 * 12 = 663.1 -> 664."""
    assert sol.jl_denominator(0.1) == pytest.approx(0.0046667, rel=1e-4)
    assert sol.jl_denominator(0.5) == pytest.approx(1 / 12)
    assert sol.jl_min_dim(1000, 0.1) == 5921
    assert sol.jl_min_dim(10**6, 0.5) == 664
    assert sol.jl_min_dim_brute(10**6, 0.5) == 664
    with pytest.raises(ValueError, match="eps"):
        sol.jl_denominator(1.5)


@FAST
@given(st.integers(2, 10**7), st.sampled_from([0.05, 0.1, 0.2, 0.25, 0.3, 0.5, 0.7]))
def test_jl_dimension_agrees_with_counting(sol, n, eps):
    """The closed form (rounded up) and counting k up until the bound holds agree."""
    assert sol.jl_min_dim(n, eps) == sol.jl_min_dim_brute(n, eps)


def test_eigen_by_hand(sol):
    """[[5, 2], [2, 2]]: eigenvalues 6, 1, top direction (2, 1)/sqrt(5); C3 u = 19 u for
    u = (1, 2, 2): (7 + 12, 6 + 20 + 12, 12 + 26) = 19 (1, 2, 2)."""
    np.testing.assert_allclose(sol.sym_eigvals([[5, 2], [2, 2]]), [6, 1])
    np.testing.assert_allclose(sol.top_unit_eigvec([[5, 2], [2, 2]]), np.array([2, 1]) / 5**0.5)
    np.testing.assert_allclose(sol.sym_eigvals(C3), [19, 10, 1])
    np.testing.assert_allclose(sol.top_unit_eigvec(C3), [1 / 3, 2 / 3, 2 / 3])
    np.testing.assert_allclose(sol.rayleigh_eigvals(C3, DIRS[::-1]), [19, 10, 1])
    np.testing.assert_allclose(sol.sym_eigvals_brute(C3), [19, 10, 1])
    np.testing.assert_allclose(sol.top_unit_eigvec_brute(C3), [1 / 3, 2 / 3, 2 / 3])
    with pytest.raises(ValueError, match="not unique"):
        sol.top_unit_eigvec(np.eye(2))


def test_svd_relation_by_hand(sol):
    """Xc = rows (2, 0), (-2, 0), (0, 1), (0, -1): Xc^T Xc = diag(8, 2), so the singular
    values are sqrt(8), sqrt(2) and the 1/n covariance has eigenvalues 2, 1/2."""
    Xc = np.array([[2, 0], [-2, 0], [0, 1], [0, -1]])
    np.testing.assert_allclose(sol.svd_singular_values(Xc), [8**0.5, 2**0.5])
    np.testing.assert_allclose(sol.svd_singular_values_brute(Xc), [8**0.5, 2**0.5])
    np.testing.assert_allclose(sol.svd_singular_values(Xc) ** 2 / 4, sol.sym_eigvals(Xc.T @ Xc / 4))
    # a rank-deficient matrix: the zero singular value is exactly 0 in the check
    assert sol.svd_singular_values_brute([[1, 1], [2, 2]]).tolist()[1] == 0.0


def test_reconstruction_by_hand(sol):
    """C = [[5, 2], [2, 2]], mean (1, 1), x = (4, 1): score (2, 1).(3, 0)/sqrt(5) = 6/sqrt(5),
    reconstruction (1, 1) + 6/5 (2, 1) = (3.4, 2.2)."""
    C = [[5, 2], [2, 2]]
    assert sol.pca_point_score([4, 1], [1, 1], C)[0] == pytest.approx(6 / 5**0.5)
    np.testing.assert_allclose(sol.pca_point_reconstruct([4, 1], [1, 1], C), [3.4, 2.2])
    np.testing.assert_allclose(sol.pca_point_reconstruct_brute([4, 1], [1, 1], C), [3.4, 2.2])
    # keeping every component reconstructs the point exactly
    np.testing.assert_allclose(sol.pca_point_reconstruct([4, 1], [1, 1], C, 2), [4, 1])
    # a rectangle: centred (+-1, +-1/2), scatter diag(4, 1): dropping the second costs 1
    X = np.array([[0, 0], [2, 0], [0, 1], [2, 1]])
    assert sol.pca_total_error(X, 1) == pytest.approx(1)
    assert sol.pca_total_error_loops(X, 1) == pytest.approx(1)


@FAST
@given(st.lists(st.lists(st.integers(-4, 4), min_size=3, max_size=3), min_size=4, max_size=6),
       st.integers(1, 3))
def test_pca_agrees_with_checks(sol, rows, k):
    """Jacobi in loops agrees with the eigen-solver on eigenvalues, singular values and the
    total reconstruction error, which is n times the dropped 1/n-covariance eigenvalues."""
    X = np.array(rows, dtype=float)
    Xc = X - X.mean(0)
    C = Xc.T @ Xc / len(X)
    np.testing.assert_allclose(sol.sym_eigvals(C), sol.sym_eigvals_brute(C), atol=1e-9)
    np.testing.assert_allclose(sol.svd_singular_values(Xc), sol.svd_singular_values_brute(Xc),
                               atol=1e-6)
    assert sol.pca_total_error(X, k) == pytest.approx(sol.pca_total_error_loops(X, k), abs=1e-8)
    assert sol.pca_total_error(X, k) == pytest.approx(len(X) * sol.sym_eigvals(C)[k:].sum(),
                                                      abs=1e-8)
    values = sol.sym_eigvals(C)
    if values[0] - values[1] > 1e-6 and values[1] - values[2] > 1e-6:
        x, m = X[0], X.mean(0)
        np.testing.assert_allclose(sol.pca_point_reconstruct(x, m, C, k),
                                   sol.pca_point_reconstruct_brute(x, m, C, k), atol=1e-8)
        assert math.isclose(abs(sol.pca_point_score(x, m, C)[0]),
                            abs(np.dot(sol.top_unit_eigvec_brute(C), x - m)), abs_tol=1e-8)
