"""Tests for solutions/unsupervised.py: covariance, PCA, k-means, against independent routes."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

FAST = settings(max_examples=60, deadline=None, database=None)


def data(n_min=3, n_max=7, d=2):
    """A strategy for an (n, d) integer data set, points as rows."""
    return st.lists(st.lists(st.integers(-5, 5), min_size=d, max_size=d),
                    min_size=n_min, max_size=n_max).map(np.array)


# --------------------------------------------------------------------------
# PCA
# --------------------------------------------------------------------------


def test_pca_by_hand(sol):
    """Four points on a tilted cross: covariance, eigenpairs, ratios, slope, reconstruction."""
    X = np.array([[0, 0], [2, 2], [2, 0], [0, 2]]) + [1, 3]
    # centred: (-1, -1), (1, 1), (1, -1), (-1, 1): covariance = I (biased), 4/3 I (unbiased)
    np.testing.assert_allclose(sol.sample_covariance(X), np.eye(2))
    np.testing.assert_allclose(sol.sample_covariance(X, ddof=1), np.eye(2) * 4 / 3)
    X = np.array([[0, 0], [1, 1], [2, 2], [4, 2], [3, 5]])  # mean (2, 2)
    C = sol.sample_covariance(X)
    # centred: (-2, -2), (-1, -1), (0, 0), (2, 0), (1, 3): scatter [[10, 8], [8, 14]], / 5
    np.testing.assert_allclose(C, [[2, 1.6], [1.6, 2.8]])
    values, vectors = sol.covariance_eigen([[5, 2], [2, 2]])
    np.testing.assert_allclose(values, [6, 1])
    np.testing.assert_allclose(vectors[:, 0], np.array([2, 1]) / math.sqrt(5))
    np.testing.assert_allclose(vectors[:, 1], np.array([1, -2]) / math.sqrt(5))
    assert sol.principal_axis_slope([[5, 2], [2, 2]]) == pytest.approx(0.5)
    assert sol.principal_axis_slope([[2, -2], [-2, 5]]) == pytest.approx(-2)
    # points on the line y = x, spread along it: ratio (1, 0); reconstruction is exact
    L = np.array([[0, 0], [1, 1], [3, 3]])
    np.testing.assert_allclose(sol.explained_variance_ratio(L), [1, 0], atol=1e-12)
    np.testing.assert_allclose(sol.pca_reconstruct(L, 1), L, atol=1e-12)
    # (2, 0) projects onto the axis y = x through the mean (4/3, 4/3): (1, 1)
    np.testing.assert_allclose(sol.pca_reconstruct(L, 1, [2, 0]), [1, 1], atol=1e-12)


def test_components_for_variance_by_hand(sol):
    """Variances 6, 3, 1 (total 10): 60%, 90%, 100% cumulative; order does not matter."""
    assert sol.components_for_variance([1, 6, 3], 0.5) == 1
    assert sol.components_for_variance([1, 6, 3], 0.6) == 1  # reaching the threshold is enough
    assert sol.components_for_variance([1, 6, 3], 0.61) == 2
    assert sol.components_for_variance([6, 3, 1], 0.9) == 2
    assert sol.components_for_variance([6, 3, 1], 0.95) == 3
    with pytest.raises(ValueError, match="threshold"):
        sol.components_for_variance([1, 2], 0)


@FAST
@given(st.lists(st.integers(0, 9), min_size=1, max_size=5), st.sampled_from([0.5, 0.8, 0.9, 1]))
def test_components_for_variance_by_enumeration(sol, values, threshold):
    """The count equals the smallest k found by trying k = 1, 2, ... on sorted variances."""
    assume(sum(values) > 0)
    top = sorted(values, reverse=True)
    k = next(k for k in range(1, len(top) + 1) if sum(top[:k]) >= threshold * sum(top) - 1e-9)
    assert sol.components_for_variance(values, threshold) == k


@FAST
@given(data(), st.sampled_from([0, 1]))
def test_covariance_matches_loops_and_numpy(sol, X, ddof):
    """Centred covariance = raw-moment loops = np.cov."""
    C = sol.sample_covariance(X, ddof)
    np.testing.assert_allclose(C, sol.sample_covariance_loops(X, ddof), atol=1e-9)
    np.testing.assert_allclose(C, np.cov(X, rowvar=False, ddof=ddof), atol=1e-9)


@FAST
@given(data())
def test_eigen_matches_closed_form_and_power_iteration(sol, X):
    """eigh-based eigenpairs = the 2x2 closed form = power iteration (top pair)."""
    C = sol.sample_covariance(X)
    values, vectors = sol.covariance_eigen(C)
    cf_values, cf_vectors = sol.eigen_2x2_brute(C)
    np.testing.assert_allclose(values, cf_values, atol=1e-9)
    np.testing.assert_allclose(C @ vectors, vectors * values, atol=1e-9)
    assume(values[0] - values[1] > 1e-3)
    np.testing.assert_allclose(vectors, cf_vectors, atol=1e-6)
    assume(values[0] - values[1] > 0.05 * values[0])  # power iteration converges fast enough
    lam, v = sol.power_iteration_brute(C)
    assert lam == pytest.approx(values[0], rel=1e-9)
    np.testing.assert_allclose(v, vectors[:, 0], atol=1e-6)


def test_eigen_2x2_closed_form_edge_cases(sol):
    """Diagonal (also with rounding noise off the diagonal) and multiples of I."""
    for C in ([[3, 0], [0, 7]], [[11.5, -3e-16], [-3e-16, 15.5]], [[7, 1e-17], [1e-17, 3]]):
        values, vectors = sol.eigen_2x2_brute(C)
        ref_values, ref_vectors = sol.covariance_eigen(np.array(C))
        np.testing.assert_allclose(values, ref_values)
        np.testing.assert_allclose(vectors, ref_vectors, atol=1e-12)
    values, vectors = sol.eigen_2x2_brute([[2, 0], [0, 2]])
    np.testing.assert_allclose(values, [2, 2])
    np.testing.assert_allclose(vectors.T @ vectors, np.eye(2), atol=1e-12)


@FAST
@given(data(4, 7))
def test_pca_sign_free_summaries(sol, X):
    """Ratios sum to 1 and do not depend on ddof; reconstruction is sign-free and idempotent."""
    assume(np.ptp(X, axis=0).sum() > 0)
    r = sol.explained_variance_ratio(X)
    np.testing.assert_allclose(r, sol.explained_variance_ratio(X, ddof=1), atol=1e-12)
    assert r.sum() == pytest.approx(1.0)
    R = sol.pca_reconstruct(X, 1)
    np.testing.assert_allclose(sol.pca_reconstruct(X, 1, R), R, atol=1e-9)
    np.testing.assert_allclose(sol.pca_reconstruct(X, 2), X, atol=1e-9)
    # the variance of the projections on the first direction is the top eigenvalue
    values, V = sol.pca_components(X)
    proj = (X - X.mean(axis=0)) @ V[:, 0]
    assert np.mean(proj**2) == pytest.approx(values[0], abs=1e-9)


# --------------------------------------------------------------------------
# k-means
# --------------------------------------------------------------------------


def test_kmeans_by_hand(sol):
    """One step on six points with two centroids; the median and Manhattan differ."""
    X = np.array([[0, 0], [1, 0], [0, 1], [5, 5], [6, 5], [9, 8]])
    M = np.array([[1, 1], [6, 6]])
    labels, new = sol.kmeans_step(X, M)
    np.testing.assert_array_equal(labels, [0, 0, 0, 1, 1, 1])
    np.testing.assert_allclose(new, [[1 / 3, 1 / 3], [20 / 3, 6]])
    np.testing.assert_allclose(sol.kmedians_update(X, labels, M), [[0, 0], [6, 5]])
    assert sol.kmeans_objective(X, labels, new) == pytest.approx(
        np.sum((X - new[labels]) ** 2))
    # (3, 0) with centroids (0, 2) and (5, 0): Euclidean 13 vs 4 -> 1; Manhattan 5 vs 2 -> 1
    # (2, 3) with centroids (0, 2) and (4, 4): sq 5 vs 5 tie -> lower index 0
    assert list(sol.kmeans_assign([[2, 3]], [[0, 2], [4, 4]])) == [0]
    # (3, 3) with centroids (0, 3) and (4, 0): Euclidean 9 vs 10 -> 0; Manhattan 3 vs 4 -> 0
    # (1, 4) with centroids (0, 0) and (3, 3): Euclidean 17 vs 5 -> 1; Manhattan 5 vs 3 -> 1
    # (4, 0) with centroids (0, 0) and (3, 3): sq 16 vs 10 -> 1; Manhattan 4 vs 4 -> 0 (tie)
    assert list(sol.kmeans_assign([[4, 0]], [[0, 0], [3, 3]])) == [1]
    assert list(sol.kmeans_assign([[4, 0]], [[0, 0], [3, 3]], "manhattan")) == [0]
    # an empty cluster keeps its centroid
    np.testing.assert_allclose(sol.kmeans_update([[0, 0], [2, 0]], [0, 0], [[1, 1], [9, 9]]),
                               [[1, 0], [9, 9]])


@FAST
@given(data(3, 8), data(2, 3))
def test_kmeans_step_matches_loops(sol, X, M):
    """Vectorised step = explicit loops; the step never increases the objective."""
    labels, new = sol.kmeans_step(X, M)
    loop_labels, loop_new = sol.kmeans_step_loops(X, M)
    np.testing.assert_array_equal(labels, loop_labels)
    np.testing.assert_allclose(new, loop_new)
    before = sol.kmeans_objective(X, sol.kmeans_assign(X, M), M)
    assert sol.kmeans_objective(X, labels, new) <= before + 1e-9


def test_input_validation(sol):
    """Bad inputs raise ValueError with a clear message."""
    with pytest.raises(ValueError, match="ddof"):
        sol.sample_covariance([[1, 2], [3, 4]], ddof=2)
    with pytest.raises(ValueError, match="symmetric"):
        sol.covariance_eigen([[1, 2], [0, 1]])
    with pytest.raises(ValueError, match="equal"):
        sol.principal_axis_slope(np.eye(2))
    with pytest.raises(ValueError, match="vertical"):
        sol.principal_axis_slope([[1, 0], [0, 3]])
    with pytest.raises(ValueError, match="centroids"):
        sol.kmeans_assign([[1, 2]], [[1, 2, 3]])
    with pytest.raises(ValueError, match="labels"):
        sol.kmeans_update([[1, 2]], [2], [[0, 0], [1, 1]])
