"""Tests for solutions/classical.py: k-NN, entropy and information gain, Naive Bayes."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mldrill.variants.rng import VariantRNG

FAST = settings(max_examples=60, deadline=None, database=None)


# --------------------------------------------------------------------------
# k-nearest neighbours
# --------------------------------------------------------------------------


def test_knn_by_hand(sol):
    """Distances, neighbours and votes on five points; the metric changes the answer."""
    X = np.array([[0, 0], [3, 0], [2, 2], [0, 4], [5, 5]])
    y = np.array([0, 1, 1, 0, 1])
    q = [1, 1]
    np.testing.assert_allclose(sol.point_distances(X, q), np.sqrt([2, 5, 2, 10, 32]))
    np.testing.assert_array_equal(sol.point_distances(X, q, "manhattan"), [2, 3, 2, 4, 8])
    np.testing.assert_array_equal(sol.knn_neighbors(X, q, 3), [0, 2, 1])  # tie 0/2: lower first
    np.testing.assert_array_equal(sol.knn_votes(X, y, q, 3), [1, 2])
    assert sol.knn_predict(X, y, q, 3) == 1
    assert sol.knn_predict(X, y, q, 1) == 0
    # all five points: 2 of class 0, 3 of class 1
    assert sol.knn_predict(X, y, q, 5) == 1
    # Manhattan: 2, 3, 2, 4, 8: the same three nearest
    assert list(sol.knn_neighbors(X, q, 3, "manhattan")) == [0, 2, 1]
    X2 = np.array([[3, 0], [2, 2], [0, 3], [4, 1]])
    # from (0, 0): Euclidean 3, 2.83, 3, 4.12; Manhattan 3, 4, 3, 5
    assert list(sol.knn_neighbors(X2, [0, 0], 1)) == [1]
    assert list(sol.knn_neighbors(X2, [0, 0], 1, "manhattan")) == [0]


@FAST
@given(st.lists(st.tuples(st.integers(-4, 4), st.integers(-4, 4), st.integers(0, 2)),
                min_size=3, max_size=9),
       st.tuples(st.integers(-4, 4), st.integers(-4, 4)),
       st.integers(1, 5), st.sampled_from(["euclidean", "manhattan", "sqeuclidean"]))
def test_knn_matches_loops(sol, rows, q, k, metric):
    """knn_predict equals the explicit-loop version for any points, k and metric."""
    assume(k <= len(rows))
    X = np.array([r[:2] for r in rows])
    y = np.array([r[2] for r in rows])
    assert sol.knn_predict(X, y, q, k, metric) == sol.knn_predict_loops(X, y, q, k, metric)
    assert sol.knn_votes(X, y, q, k, metric).sum() == k


# --------------------------------------------------------------------------
# entropy and information gain
# --------------------------------------------------------------------------


def test_entropy_by_hand(sol):
    """Entropy in bits and in nats; 0 log 0 = 0."""
    assert sol.class_entropy([4, 4]) == 1.0
    assert sol.class_entropy([8, 0]) == 0.0
    assert sol.class_entropy([1, 1, 2]) == 1.5
    assert sol.class_entropy([1, 1], base=math.e) == pytest.approx(math.log(2))
    # 9 yes / 5 no, the classic play-tennis table
    assert sol.class_entropy([9, 5]) == pytest.approx(0.940286, abs=1e-6)


def test_information_gain_by_hand(sol):
    """Play tennis, split on Outlook: sunny (2, 3), overcast (4, 0), rain (3, 2)."""
    children = [[2, 3], [4, 0], [3, 2]]
    weighted = 5 / 14 * sol.class_entropy([2, 3]) * 2  # sunny and rain have equal entropy
    assert sol.split_entropy(children) == pytest.approx(weighted)
    assert sol.information_gain(children) == pytest.approx(0.246750, abs=1e-6)
    # a perfect split recovers the whole parent entropy; a useless one gains nothing
    assert sol.information_gain([[4, 0], [0, 4]]) == 1.0
    assert sol.information_gain([[2, 2], [3, 3]]) == pytest.approx(0.0, abs=1e-12)


@FAST
@given(st.lists(st.lists(st.integers(0, 6), min_size=2, max_size=3), min_size=2, max_size=4),
       st.sampled_from([2, math.e, 10]))
def test_information_gain_is_mutual_information(sol, rows, base):
    """IG = H(parent) - weighted child entropy = I(split; class), in any base; IG >= 0."""
    width = min(len(r) for r in rows)
    children = np.array([r[:width] for r in rows])
    assume(np.all(children.sum(axis=1) > 0))
    ig = sol.information_gain(children, base)
    assert ig == pytest.approx(sol.information_gain_brute(children, base), abs=1e-9)
    assert ig >= -1e-12
    assert ig <= sol.class_entropy(children.sum(axis=0), base) + 1e-12


# --------------------------------------------------------------------------
# Naive Bayes
# --------------------------------------------------------------------------


def test_naive_bayes_by_hand(sol):
    """Bernoulli NB on 6 rows, with and without Laplace smoothing."""
    X = np.array([[1, 0], [1, 1], [0, 1], [1, 0], [0, 0], [0, 1]])
    y = np.array([1, 1, 1, 0, 0, 0])
    priors, theta = sol.bernoulli_nb_fit(X, y)
    np.testing.assert_allclose(priors, [0.5, 0.5])
    np.testing.assert_allclose(theta, [[1 / 3, 1 / 3], [2 / 3, 2 / 3]])
    # x = (1, 1): class 1: 1/2 * 2/3 * 2/3 = 2/9, class 0: 1/2 * 1/3 * 1/3 = 1/18
    np.testing.assert_allclose(sol.bernoulli_nb_posterior(X, y, [1, 1]), [0.2, 0.8])
    # Laplace: (count + 1) / (3 + 2): class 1 (3/5)^2, class 0 (2/5)^2 -> 9/13, 4/13
    np.testing.assert_allclose(sol.bernoulli_nb_posterior(X, y, [1, 1], alpha=1),
                               [4 / 13, 9 / 13])
    # joint: 0.25 * 0.8 * 0.5 = 0.1 and 0.75 * 0.2 * 0.5 = 0.075; total 0.175
    np.testing.assert_allclose(sol.naive_bayes_posterior([0.25, 0.75], [[0.8, 0.5], [0.2, 0.5]]),
                               [4 / 7, 3 / 7])


@FAST
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1), st.integers(0, 1),
                          st.integers(0, 1)), min_size=4, max_size=10),
       st.tuples(st.integers(0, 1), st.integers(0, 1), st.integers(0, 1)),
       st.sampled_from([0, 1, 2]))
def test_naive_bayes_matches_sequential_updating(sol, rows, x, alpha):
    """One-shot posterior = feature-by-feature Bayesian updating counted with loops."""
    X = np.array([r[:3] for r in rows])
    y = np.array([r[3] for r in rows])
    assume(0 < y.sum() < len(y))
    priors, theta = sol.bernoulli_nb_fit(X, y, alpha)
    lik = np.where(np.array(x) == 1, theta, 1 - theta)
    assume(np.all(priors * lik.prod(axis=1) > 0) or alpha > 0)
    post = sol.bernoulli_nb_posterior(X, y, x, alpha)
    np.testing.assert_allclose(post, sol.naive_bayes_posterior_brute(X, y, x, alpha), atol=1e-12)
    assert post.sum() == pytest.approx(1.0)


def test_input_validation(sol):
    """Bad inputs raise ValueError with a clear message."""
    X = np.array([[0, 0], [1, 1]])
    with pytest.raises(ValueError, match="metric"):
        sol.point_distances(X, [0, 0], "cosine")
    with pytest.raises(ValueError, match="k must"):
        sol.knn_neighbors(X, [0, 0], 3)
    with pytest.raises(ValueError, match="positive total"):
        sol.class_entropy([0, 0])
    with pytest.raises(ValueError, match="every child non-empty"):
        sol.information_gain([[1, 2], [0, 0]])
    with pytest.raises(ValueError, match="binary"):
        sol.bernoulli_nb_fit([[2, 0]], [0])
    with pytest.raises(ValueError, match="undefined"):
        sol.naive_bayes_posterior([0.5, 0.5], [[0.0], [0.0]])


def test_knn_loo_hand_example(sol):
    """Four points on a line, labels 0 1 1 1: LOO 3-NN and 1-NN worked by hand."""
    # x = 0, 1, 3, 4 (second coordinate 0), y = 0, 1, 1, 1, hand-worked:
    # A (0): others B 1, C 3, D 4 -> 1-NN B (1); 3-NN B, C, D = 1, 1, 1 -> 1.
    # B (1): A 1, C 2, D 3 -> 1-NN A (0); 3-NN -> 0, 1, 1 -> 1.
    # C (3): D 1, B 2, A 3 -> 1-NN D (1); 3-NN 1, 1, 0 -> 1.
    # D (4): C 1, B 3, A 4 -> 1-NN C (1); 3-NN 1, 1, 0 -> 1.
    X = np.array([[0, 0], [1, 0], [3, 0], [4, 0]])
    y = np.array([0, 1, 1, 1])
    assert list(sol.knn_loo_predictions(X, y, 1, "manhattan")) == [1, 0, 1, 1]
    assert list(sol.knn_loo_predictions(X, y, 3, "manhattan")) == [1, 1, 1, 1]
    assert list(sol.knn_loo_predictions_loops(X, y, 1, "manhattan")) == [1, 0, 1, 1]
    # distances from q = 2: 2, 1, 1, 2; ties by lower index: B, C, then A -> votes 1, 1, 0
    assert sol.knn_vote_from_distances([2, 1, 1, 2], y, 3) == 1
    assert sol.knn_vote_from_distances([0, 5, 5, 5], y, 1) == 0
    assert sol.knn_vote_from_distances_loops([2, 1, 1, 2], y, 3) == 1


@FAST
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=5, max_size=7,
                unique=True),
       st.lists(st.integers(0, 1), min_size=7, max_size=7), st.sampled_from([1, 3]),
       st.sampled_from(["manhattan", "euclidean"]))
def test_knn_loo_agrees_with_loops(sol, pts, labels, k, metric):
    """Vectorised LOO predictions and the vote from distances agree with the loop versions."""
    X = np.array(pts)
    y = np.array(labels[: len(pts)])
    assert np.array_equal(sol.knn_loo_predictions(X, y, k, metric),
                          sol.knn_loo_predictions_loops(X, y, k, metric))
    d = np.abs(X - X[0]).sum(axis=1)
    assert sol.knn_vote_from_distances(d, y, k) == sol.knn_vote_from_distances_loops(d, y, k)


@pytest.mark.parametrize("k, metric", [(3, "euclidean"), (5, "manhattan")])
def test_knn_vote_draw_meets_its_family_constraints(sol, k, metric):
    """Every draw has 7 distinct points off the query, a unique set of k nearest with one
    winning class, and another set of k nearest under the other metric; and the winning
    class is not the nearest point's, nor the majority of all seven, nor the vote under
    the other metric (each catalogued slip gives another class)."""
    other = "manhattan" if metric == "euclidean" else "euclidean"
    for seed in range(10):
        d = sol.knn_vote_draw(VariantRNG("test", seed), {"k": k, "metric": metric})
        X, y, q = d["X"], d["y"], d["q"]
        assert len({tuple(p) for p in X}) == 7 and np.all(np.abs(X - q).sum(1) > 0)
        dd = np.sort(sol.point_distances(X, q, metric))
        assert dd[k - 2] < dd[k - 1] < dd[k]
        votes = sol.knn_votes(X, y, q, k, metric, 3)
        assert np.count_nonzero(votes == votes.max()) == 1
        assert set(sol.knn_neighbors(X, q, k, other)) != set(sol.knn_neighbors(X, q, k, metric))
        pred = int(np.argmax(votes))
        nearest = int(y[np.argmin(sol.point_distances(X, q, metric))])
        assert pred not in (nearest, sol.knn_predict(X, y, q, 7, metric),
                            sol.knn_predict(X, y, q, k, other))


def test_knn_loo_choose_k_draw_meets_its_family_constraints(sol):
    """Every draw has 6 distinct grid points off the query, both classes twice or more, and
    leave-one-out errors of 1-NN and 3-NN that differ and are neither 0 nor 1/2."""
    for seed in range(10):
        d = sol.knn_loo_choose_k_draw(VariantRNG("test", seed), {})
        X, y, q = d["X"], d["y"], d["q"]
        assert len({tuple(p) for p in X}) == 6 and np.all(np.abs(X - q).sum(1) > 0)
        assert 2 <= y.sum() <= 4 and X.min() >= 0 and X.max() <= 4
        e1, e3 = (np.mean(sol.knn_loo_predictions(X, y, k, "manhattan") != y) for k in (1, 3))
        assert e1 != e3 and 0 < e1 != 0.5 and 0 < e3 != 0.5
