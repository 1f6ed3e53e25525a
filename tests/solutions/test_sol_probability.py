"""Tests for solutions/probability.py: Bayes' rule, entropies, KL, mutual information and
estimator moments against hand-worked values."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

FAST = settings(max_examples=40, deadline=None, database=None)


def test_bayes_test_by_hand(sol):
    """Prior 1/100, sensitivity 0.9, false-positive rate 0.05: in 10000 cases 100 have D,
    90 test positive, and 495 of the 9900 others too, so P(+) = 585/10000 and
    P(D | +) = 90/585 = 2/13. Two positives: 0.01*0.81 / (0.0081 + 0.99*0.0025)."""
    ev, post = sol.prob_test_posterior(0.01, 0.9, 0.05)
    assert ev == pytest.approx(0.0585)
    assert post == pytest.approx(2 / 13)
    assert sol.prob_test_posterior_brute(0.01, 0.9, 0.05) == pytest.approx((0.0585, 2 / 13))
    two = 0.0081 / (0.0081 + 0.99 * 0.0025)
    assert sol.prob_test_posterior(0.01, 0.9, 0.05, positives=2)[1] == pytest.approx(two)
    assert sol.prob_test_posterior_brute(0.01, 0.9, 0.05, 2)[1] == pytest.approx(two)


def test_second_test_is_a_second_update(sol):
    """P(D | +, +) from the prior equals one update from P(D | +) (sequential Bayes)."""
    _, post = sol.prob_test_posterior(0.05, 0.95, 0.1)
    assert sol.prob_test_posterior(post, 0.95, 0.1)[1] == pytest.approx(
        sol.prob_test_posterior(0.05, 0.95, 0.1, 2)[1])


def test_entropies_by_hand(sol):
    """H(1/2, 1/4, 1/4) = 1.5 bits = 1.5 ln 2 nats; a fair 4-sided die 2 bits; a sure
    outcome 0 (0 log 0 = 0); H(1/3, 1/3, 1/3) = log2 3."""
    assert sol.prob_entropy([0.5, 0.25, 0.25]) == pytest.approx(1.5)
    assert sol.prob_entropy([0.5, 0.25, 0.25], math.e) == pytest.approx(1.5 * math.log(2))
    assert sol.prob_entropy([0.25] * 4) == pytest.approx(2)
    assert sol.prob_entropy([1, 0, 0]) == 0
    assert sol.prob_entropy([1 / 3] * 3) == pytest.approx(math.log2(3))
    assert sol.prob_entropy_loops([0.5, 0.25, 0.25]) == pytest.approx(1.5)
    assert sol.prob_entropy_loops([1, 0]) == 0
    with pytest.raises(ValueError, match="summing to 1"):
        sol.prob_entropy([0.5, 0.25])


def test_cross_entropy_and_kl_by_hand(sol):
    """p = (1/2, 1/4, 1/4), q = (1/4, 1/2, 1/4): H(p, q) = 1/2*2 + 1/4*1 + 1/4*2 = 1.75,
    KL(p||q) = 1.75 - 1.5 = 0.25; H(q, p) = 1/4*1 + 1/2*2 + 1/4*2 = 1.75, KL(q||p) = 0.25.
    With q = (1/8, 1/8, 3/4): KL(p||q) = 1/2*2 + 1/4*1 + 1/4 log2(1/3) != KL(q||p)."""
    p, q = [0.5, 0.25, 0.25], [0.25, 0.5, 0.25]
    assert sol.prob_cross_entropy(p, q) == pytest.approx(1.75)
    assert sol.prob_kl(p, q) == pytest.approx(0.25)
    assert sol.prob_kl_loops(q, p) == pytest.approx(0.25)
    r = [0.125, 0.125, 0.75]
    kl_pr = 0.5 * 2 + 0.25 * 1 + 0.25 * math.log2(1 / 3)
    assert sol.prob_kl(p, r) == pytest.approx(kl_pr)
    assert sol.prob_kl_loops(p, r) == pytest.approx(kl_pr)
    kl_rp = 0.125 * -2 + 0.125 * -1 + 0.75 * math.log2(3)
    assert sol.prob_kl(r, p) == pytest.approx(kl_rp)
    assert abs(kl_pr - kl_rp) > 0.03  # 0.8538 vs 0.8137: not symmetric
    assert sol.prob_cross_entropy([0.5, 0.5], [1, 0]) == math.inf
    assert sol.prob_cross_entropy_loops([0.5, 0.5], [1, 0]) == math.inf


@FAST
@given(st.lists(st.integers(1, 9), min_size=3, max_size=3),
       st.lists(st.integers(1, 9), min_size=3, max_size=3))
def test_kl_is_nonnegative_and_agrees_with_loops(sol, a, b):
    """Gibbs: KL(p||q) >= 0, = 0 iff p = q; the vectorised and loop versions agree."""
    p, q = np.array(a) / sum(a), np.array(b) / sum(b)
    kl = sol.prob_kl(p, q)
    assert kl >= -1e-12
    assert kl == pytest.approx(sol.prob_kl_loops(p, q), abs=1e-12)
    assert sol.prob_cross_entropy(p, q) == pytest.approx(sol.prob_cross_entropy_loops(p, q))


def test_joint_table_by_hand(sol):
    """P = [[0, 2, 1], [4, 0, 1]] / 8: p(x) = (3/8, 5/8), p(y) = (1/2, 1/4, 1/4),
    H(Y) = 1.5, H(X, Y) = 2/8*2 + 2*(1/8*3) + 4/8*1 = 1.75, rows (0, 2/3, 1/3) and
    (4/5, 0, 1/5), so H(Y|X) = 3/8 H(2/3, 1/3) + 5/8 H(4/5, 1/5) = 1.75 - H(3/8, 5/8)."""
    P = np.array([[0, 2, 1], [4, 0, 1]]) / 8
    px, py = sol.prob_marginals(P)
    np.testing.assert_allclose(px, [3 / 8, 5 / 8])
    np.testing.assert_allclose(py, [0.5, 0.25, 0.25])
    assert sol.prob_joint_entropy(P) == pytest.approx(1.75)
    assert sol.prob_joint_entropy_loops(P) == pytest.approx(1.75)

    def h(*p):
        return -sum(v * math.log2(v) for v in p if v > 0)

    hyx = 3 / 8 * h(2 / 3, 1 / 3) + 5 / 8 * h(0.8, 0.2)
    assert sol.prob_conditional_entropy(P) == pytest.approx(hyx)
    assert sol.prob_conditional_entropy_loops(P) == pytest.approx(hyx)
    assert hyx == pytest.approx(1.75 - h(3 / 8, 5 / 8))
    assert sol.prob_mutual_information(P) == pytest.approx(1.5 - hyx)
    assert sol.prob_mutual_information_loops(P) == pytest.approx(1.5 - hyx)


def test_independent_table_has_zero_information(sol):
    """An outer product of marginals has I(X; Y) = 0 and H(Y | X) = H(Y)."""
    P = np.outer([0.25, 0.75], [0.5, 0.25, 0.25])
    assert sol.prob_mutual_information(P) == pytest.approx(0, abs=1e-12)
    assert sol.prob_mutual_information_loops(P) == pytest.approx(0, abs=1e-12)
    assert sol.prob_conditional_entropy(P) == pytest.approx(1.5)


def test_estimator_moments_by_hand(sol):
    """X in {0, 4} with P(4) = 1/4: mu = 1, E[X^2] = 4, sigma^2 = 3. With n = 3:
    Var(x_bar) = 1, E[S^2] = 2/3 * 3 = 2, and T = x_bar/2 has bias -1/2, variance 1/4,
    MSE 1/2. Enumerating the 8 samples gives the same."""
    m = sol.prob_estimator_moments([0, 4], [0.75, 0.25], 3, 0.5)
    want = {"mu": 1, "var": 3, "var_mean": 1, "e_biased": 2, "bias_biased": -1,
            "bias_c": -0.5, "var_c": 0.25, "mse_c": 0.5}
    assert m == pytest.approx(want)
    assert sol.prob_estimator_moments_brute([0, 4], [0.75, 0.25], 3, 0.5) == pytest.approx(want)


@FAST
@given(st.lists(st.integers(-3, 3), min_size=2, max_size=3, unique=True),
       st.integers(2, 4), st.sampled_from([0.5, 0.75, 1.0]))
def test_estimator_moments_match_enumeration(sol, values, n, c):
    """The closed forms (sigma^2/n, (n-1)/n sigma^2, bias^2 + variance) equal the averages
    over every sample of size n."""
    probs = [1 / len(values)] * len(values)
    closed = sol.prob_estimator_moments(values, probs, n, c)
    assert sol.prob_estimator_moments_brute(values, probs, n, c) == pytest.approx(closed,
                                                                                   abs=1e-9)
