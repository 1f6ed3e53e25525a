"""Tests for solutions/clustering.py: linkage, k-means runs and 1-D mixtures, against hand
computations and the independent checks."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.variants.rng import VariantRNG

FAST = settings(max_examples=40, deadline=None, database=None)

# Worked by hand (see test_linkage_by_hand): points 1..5 with distinct distances.
D5 = np.array([[0, 13, 6, 15, 9],
               [13, 0, 4, 3, 16],
               [6, 4, 0, 2, 19],
               [15, 3, 2, 0, 20],
               [9, 16, 19, 20, 0]])


def test_linkage_by_hand(sol):
    """Single merges {3,4}@2, {2}+{3,4}@3, {1}@6, {5}@9; complete merges at 2, 4, then
    {1,5}@9 and the rest @20: the 2-cluster partitions differ."""
    # single: {34} -> 1: min(6, 15) = 6, -> 2: min(4, 3) = 3, -> 5: 19; merge 2 at 3;
    # {234} -> 1: min(13, 6) = 6, -> 5: 16; d15 = 9 > 6: merge 1 at 6; then 5 at min(9, 16)
    np.testing.assert_allclose(sol.hc_heights(D5, "single"), [2, 3, 6, 9])
    # complete: {34} -> 1: 15, -> 2: 4, -> 5: 20; merge 2 at 4; {234} -> 1: 15, -> 5: 20;
    # d15 = 9 is now smallest: merge {1, 5}; last merge at max(15, 20) = 20
    np.testing.assert_allclose(sol.hc_heights(D5, "complete"), [2, 4, 9, 20])
    assert sol.hc_labels(D5, "single", 2).tolist() == [1, 1, 1, 1, 5]
    assert sol.hc_labels(D5, "complete", 2).tolist() == [1, 2, 2, 2, 1]
    assert sol.hc_labels(D5, "complete", 5).tolist() == [1, 2, 3, 4, 5]
    merges = sol.hc_merges(D5, "complete")
    assert merges[2] == ([0], [4], 9.0)
    assert sol.hc_smallest_distances(D5, 4).tolist() == [2, 3, 4, 6]
    assert sol.hc_steps_text(D5, "single").splitlines()[1] == "step 2: {P2} + {P3, P4} at height 3"


def test_average_linkage_by_hand(sol):
    """Points 0, 1, 4, 10 on a line: UPGMA heights 1, (4 + 3)/2, (10 + 9 + 6)/3."""
    x = np.array([0, 1, 4, 10])
    D = np.abs(x[:, None] - x[None, :])
    np.testing.assert_allclose(sol.hc_heights(D, "average"), [1, 3.5, 25 / 3])
    np.testing.assert_allclose(sol.hc_heights(D, "single"), [1, 3, 6])
    np.testing.assert_allclose(sol.hc_heights(D, "complete"), [1, 4, 10])
    # first merge {1, 2}; its average distance to 4 and 10: (4 + 3)/2, (10 + 9)/2
    np.testing.assert_allclose(sol.hc_first_merge_row(D, "average"), [3.5, 9.5])
    np.testing.assert_allclose(sol.hc_first_merge_row(D, "single"), [3, 9])
    assert not sol.hc_has_ties(D, "average")
    assert sol.hc_has_ties(np.abs(np.array([0, 1, 2])[:, None] - np.array([0, 1, 2])), "single")


def test_linkage_rejects_bad_input(sol):
    """A non-symmetric table or an unknown linkage is refused, saying why."""
    with pytest.raises(ValueError, match="symmetric"):
        sol.hc_heights([[0, 1], [2, 0]])
    with pytest.raises(ValueError, match="linkage"):
        sol.hc_heights(D5, "ward")


@st.composite
def distance_tables(draw):
    """A random symmetric table of distinct positive integers, zero diagonal."""
    n = draw(st.integers(3, 6))
    values = draw(st.lists(st.integers(1, 60), min_size=n * (n - 1) // 2,
                           max_size=n * (n - 1) // 2, unique=True))
    D = np.zeros((n, n))
    D[np.triu_indices(n, 1)] = values
    return D + D.T


@FAST
@given(distance_tables(), st.sampled_from(["single", "complete", "average"]))
def test_linkage_agrees_with_pairwise_recomputation(sol, D, method):
    """Lance-Williams updates and recomputing from member pairs give the same merges."""
    if sol.hc_has_ties(D, method):
        return
    np.testing.assert_allclose(sol.hc_heights(D, method), sol.hc_heights_brute(D, method))
    for k in range(1, D.shape[0] + 1):
        assert sol.hc_labels(D, method, k).tolist() == sol.hc_labels_brute(D, method, k).tolist()
    if method != "average":  # single and complete heights never decrease
        assert np.all(np.diff(sol.hc_heights(D, method)) >= 0)


def test_lloyd_by_hand(sol):
    """x = 0, 2, 3, 7, 10 from centroids 0, 2: [0, 5.5], [1, 20/3], [5/3, 8.5], converged."""
    x = [0, 2, 3, 7, 10]
    np.testing.assert_allclose(sol.lloyd_run(x, [0, 2], 1), [0, 5.5])
    np.testing.assert_allclose(sol.lloyd_run(x, [0, 2], 2), [1, 20 / 3])
    np.testing.assert_allclose(sol.lloyd_run(x, [0, 2]), [5 / 3, 8.5])
    assert sol.lloyd_moving_iterations(x, [0, 2]) == 3
    assert sol.lloyd_labels(x, [5 / 3, 8.5]).tolist() == [0, 0, 0, 1, 1]
    np.testing.assert_allclose(sol.lloyd_run_loops(x, [0, 2], 2), [1, 20 / 3])
    X = np.array([[0, 0], [0, 2], [5, 5], [6, 5]])
    np.testing.assert_allclose(sol.lloyd_run(X, [[0, 1], [6, 6]]), [[0, 1], [5.5, 5]])


@FAST
@given(st.lists(st.integers(0, 20), min_size=3, max_size=8),
       st.lists(st.integers(0, 20), min_size=2, max_size=3, unique=True))
def test_lloyd_agrees_with_loops(sol, x, c0):
    """The vectorised run and the loops agree after 1, 2 iterations and at convergence."""
    for iters in (1, 2, None):
        np.testing.assert_allclose(sol.lloyd_run(x, c0, iters), sol.lloyd_run_loops(x, c0, iters))


def test_gmm_by_hand(sol):
    """x = 0 between N(0, 1) and N(2, 1), equal weights: log-odds 2, r = 1/(1 + e^-2); with
    var_2 = 4 the log-odds are ln 2 + 1/2."""
    R = sol.gmm1d_responsibilities([0], [0.5, 0.5], [0, 2], [1, 1])
    assert R[0, 0] == pytest.approx(1 / (1 + math.exp(-2)))
    assert R.sum() == pytest.approx(1)
    assert sol.gmm1d_log_odds(0, [0.5, 0.5], [0, 2], [1, 1]) == pytest.approx(2)
    assert sol.gmm1d_log_odds(0, [0.5, 0.5], [0, 2], [1, 4]) == pytest.approx(math.log(2) + 0.5)
    # prior 3:1 adds ln 3
    assert sol.gmm1d_log_odds(1, [0.75, 0.25], [0, 2], [1, 1]) == pytest.approx(math.log(3))


def test_mstep_by_hand(sol):
    """x = 0, 2, 4 with r_1 = 1, 1/2, 0: N = 3/2 each, means 2/3 and 10/3, variances 8/9."""
    R = np.array([[1, 0], [0.5, 0.5], [0, 1]])
    pis, mus, var = sol.gmm1d_mstep([0, 2, 4], R)
    np.testing.assert_allclose(pis, [0.5, 0.5])
    np.testing.assert_allclose(mus, [2 / 3, 10 / 3])
    # var_1 = (1 (2/3)^2 + 1/2 (4/3)^2) / (3/2) = (4/9 + 8/9) / (3/2) = 8/9
    np.testing.assert_allclose(var, [8 / 9, 8 / 9])
    bp, bm, bv = sol.gmm1d_mstep_brute([0, 2, 4], R)
    np.testing.assert_allclose(bp, pis, rtol=1e-7)
    np.testing.assert_allclose(bm, mus, rtol=1e-7)
    np.testing.assert_allclose(bv, var, rtol=1e-7)


@FAST
@given(st.lists(st.integers(0, 10), min_size=3, max_size=6),
       st.sampled_from([0.25, 0.5, 0.6]), st.integers(0, 4), st.integers(1, 4),
       st.sampled_from([1, 2, 4]), st.sampled_from([1, 2, 4]))
def test_gmm_agrees_with_checks(sol, x, p1, m1, gap, v1, v2):
    """E-step by loops and M-step by a search of the expected log-likelihood agree."""
    args = ([p1, 1 - p1], [m1, m1 + gap], [v1, v2])
    R = sol.gmm1d_responsibilities(x, *args)
    np.testing.assert_allclose(R, sol.gmm1d_responsibilities_loops(x, *args))
    np.testing.assert_allclose(np.log(R[:, 0] / R[:, 1]), sol.gmm1d_log_odds(np.array(x), *args),
                               rtol=1e-6, atol=1e-9)
    if np.all(np.sum(R * (np.array(x)[:, None] - R.T @ x / R.sum(0)) ** 2, 0) > 1e-6):
        for a, b in zip(sol.gmm1d_mstep(x, R), sol.gmm1d_mstep_brute(x, R), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


def test_hc_average_linkage_draw_meets_its_family_constraints(sol):
    """Every draw is ten distinct distances in 1..20 with no average-linkage tie, and
    single and complete linkage each stop at another 2-cluster partition."""
    for seed in range(10):
        d = sol.hc_average_linkage_draw(VariantRNG("test", seed), {"pa": 1, "pb": 3})
        v = [d[f"v{k}"] for k in range(10)]
        assert len(set(v)) == 10 and min(v) >= 1 and max(v) <= 20
        D = np.zeros((5, 5))
        D[np.triu_indices(5, 1)] = v
        D = D + D.T
        assert not sol.hc_has_ties(D, "average")
        ma = sol.hc_labels(D, "average", 2)
        for method in ("single", "complete"):
            assert np.any((sol.hc_labels(D, method, 2) == 1) != (ma == 1))
        assert sol.hc_join_height(D, "average", 1, 3) > D[1, 3]


def test_hc_single_complete_draw_meets_its_family_constraints(sol):
    """Every draw is ten distinct distances in 1..20 on which single and complete linkage
    stop at different 2-cluster partitions, and stopping at 3 changes P1's cluster."""
    for seed in range(10):
        d = sol.hc_single_complete_draw(VariantRNG("test", seed), {})
        v = [d[f"v{k}"] for k in range(10)]
        assert len(set(v)) == 10 and min(v) >= 1 and max(v) <= 20
        D = np.zeros((5, 5))
        D[np.triu_indices(5, 1)] = v
        D = D + D.T
        two = {m: sol.hc_labels(D, m, 2) == 1 for m in ("single", "complete")}
        assert np.any(two["single"] != two["complete"])
        for m in ("single", "complete"):
            assert np.any((sol.hc_labels(D, m, 3) == 1) != two[m])


def test_kmeans_lloyd_draw_meets_its_family_constraints(sol):
    """Every draw is 6 distinct points and 2 ordered distinct centroids in 0..14 from which
    k-means meets no tie and changes the assignment in 3 or 4 iterations."""
    for seed in range(15):
        d = sol.kmeans_lloyd_draw(VariantRNG("test", seed), {})
        x, c0 = d["x"], d["c0"]
        assert len(set(x)) == 6 and 0 <= x.min() and x.max() <= 14 and 0 <= c0[0] < c0[1] <= 14
        assert not sol.lloyd_has_ties(x, c0) and sol.lloyd_moving_iterations(x, c0) in (3, 4)
