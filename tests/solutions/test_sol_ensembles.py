"""Tests for solutions/ensembles.py: AdaBoost, bagging variance, gradient boosting.

Every expected value below was worked by hand (the arithmetic is in the comments).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.variants.rng import VariantRNG

FAST = settings(max_examples=60, deadline=None, database=None)


def test_adaboost_round_by_hand(sol):
    """Uniform weights on 4 points, one mistake: e = 1/4, alpha = ln(3)/2, weights 1/6 and 1/2."""
    y = [1, 1, -1, -1]
    h = [1, 1, -1, 1]
    err, alpha, w = sol.adaboost_round([0.25] * 4, y, h)
    assert err == pytest.approx(0.25)
    # alpha = 1/2 ln(0.75 / 0.25) = 1/2 ln 3 = 0.549306
    assert alpha == pytest.approx(0.5493061443)
    # correct: 1/4 * exp(-alpha) = 1/4 / sqrt 3; wrong: 1/4 * sqrt 3; Z = 3/(4 sqrt3) + sqrt3/4
    # = sqrt 3 / 2; so correct -> 1/6, wrong -> 1/2
    np.testing.assert_allclose(w, [1 / 6, 1 / 6, 1 / 6, 1 / 2])
    raw = sol.adaboost_reweight([0.25] * 4, y, h, alpha, normalise=False)
    np.testing.assert_allclose(raw, [0.25 / math.sqrt(3)] * 3 + [0.25 * math.sqrt(3)])


def test_adaboost_weighted_error_uses_the_weights(sol):
    """Weights 1,2,3,4 (/10) with mistakes on points 2 and 4: e = 6/10, not 2/4."""
    assert sol.adaboost_error([1, 2, 3, 4], [1, 1, 1, 1], [1, -1, 1, -1]) == pytest.approx(0.6)


def test_adaboost_alpha_bases_and_signs(sol):
    """alpha(0.2) = ln(4)/2 = ln 2; in base 2 it is 1; e > 1/2 gives a negative alpha."""
    assert sol.adaboost_alpha(0.2) == pytest.approx(math.log(2))
    assert sol.adaboost_alpha(0.2, base=2) == pytest.approx(1.0)
    assert sol.adaboost_alpha(0.8) == pytest.approx(-math.log(2))
    assert sol.adaboost_alpha(0.5) == 0
    for bad in (0, 1, 1.5):
        with pytest.raises(ValueError):
            sol.adaboost_alpha(bad)


def test_adaboost_scores_by_hand(sol):
    """alphas (ln 2, ln 3 / 2, -ln 2) and votes: F = ln2 + ln3/2 - (-ln2)... per column."""
    a = np.array([math.log(2), math.log(3) / 2, -math.log(2)])
    H = np.array([[1, -1], [1, 1], [-1, -1]])
    # column 0: ln2 + ln3/2 + ln2 = 1.386294 + 0.549306; column 1: -ln2 + ln3/2 + ln2
    np.testing.assert_allclose(sol.adaboost_scores(a, H),
                               [2 * math.log(2) + math.log(3) / 2, math.log(3) / 2])
    np.testing.assert_allclose(sol.adaboost_scores_loops(a, H), sol.adaboost_scores(a, H))


def test_adaboost_run_two_rounds_by_hand(sol):
    """The worked exam: y = (-1, 1, 1, 1, -1, -1), stumps A (x<=5), B (x<=4), C (-1 if x<=1)."""
    y = [-1, 1, 1, 1, -1, -1]
    A = [1, 1, 1, 1, 1, -1]      # 2 mistakes (points 1, 5)
    B = [1, 1, 1, 1, -1, -1]     # 1 mistake (point 1)
    C = [-1, 1, 1, 1, 1, 1]      # 2 mistakes (points 5, 6)
    run = sol.adaboost_run(y, [A, B, C], rounds=2)
    # round 1: B, e = 1/6, alpha = ln(5)/2; weights: mistake 1/2, others 1/10
    # round 2: A errs on 1 and 5: 1/2 + 1/10 = 3/5; C errs on 5 and 6: 1/5 -> C, alpha = ln 2
    assert list(run["chosen"]) == [1, 2]
    np.testing.assert_allclose(run["errors"], [1 / 6, 1 / 5])
    np.testing.assert_allclose(run["alphas"], [math.log(5) / 2, math.log(2)])
    np.testing.assert_allclose(run["weights"][1], [0.5, 0.1, 0.1, 0.1, 0.1, 0.1])
    # alpha_B = 0.805 > alpha_C = 0.693: H follows B where they disagree -> B's 1 mistake
    assert run["train_errors"] == 1
    loops = sol.adaboost_run_loops(y, [A, B, C], rounds=2)
    assert list(loops["chosen"]) == [1, 2] and loops["train_errors"] == 1
    np.testing.assert_allclose(loops["weights"], run["weights"])


def test_adaboost_alpha_brute_minimises_the_normaliser(sol):
    """The ternary search finds ln(3)/2 for e = 1/4 and -ln(2) for e = 4/5."""
    assert sol.adaboost_alpha_brute(0.25) == pytest.approx(math.log(3) / 2, abs=1e-6)
    assert sol.adaboost_alpha_brute(0.8) == pytest.approx(-math.log(2), abs=1e-6)


@FAST
@given(st.lists(st.tuples(st.integers(1, 4), st.booleans(), st.booleans()), min_size=2,
                max_size=8))
def test_adaboost_round_agrees_with_closed_form(sol, rows):
    """For any weights and any learner that is neither perfect nor always wrong, the
    exponential reweighting equals the closed form w/(2e), w/(2(1-e))."""
    ens = sol
    w = [r[0] for r in rows]
    y = [1 if r[1] else -1 for r in rows]
    h = [yi if r[2] else -yi for yi, r in zip(y, rows, strict=True)]
    if all(r[2] for r in rows) or not any(r[2] for r in rows):
        return
    ref, loops = ens.adaboost_round(w, y, h), ens.adaboost_round_loops(w, y, h)
    assert ref[0] == pytest.approx(loops[0])
    assert ref[1] == pytest.approx(loops[1])
    np.testing.assert_allclose(ref[2], loops[2])
    # after reweighting the learner is exactly at chance
    assert ens.adaboost_error(ref[2], y, h) == pytest.approx(0.5)


def test_bagging_variance_by_hand(sol):
    """s2 = 4, rho = 0.25, B = 10: 0.25*4 + 0.75*4/10 = 1 + 0.3 = 1.3; rho = 0 gives s2 / B."""
    assert sol.bagging_variance(4, 0.25, 10) == pytest.approx(1.3)
    assert sol.bagging_variance(4, 0, 8) == pytest.approx(0.5)
    assert sol.bagging_variance(4, 1, 8) == pytest.approx(4)
    assert sol.bagging_variance_brute(4, 0.25, 10) == pytest.approx(1.3)


def test_bagging_trees_needed_by_hand(sol):
    """s2 = 9, rho = 0.2, target 2: 1.8 + 7.2/B <= 2 needs B >= 36; target 2.1: B >= 24."""
    assert sol.bagging_trees_needed(9, 0.2, 2) == 36
    assert sol.bagging_trees_needed(9, 0.2, 2.1) == 24
    # target 2.05: 7.2 / 0.25 = 28.8 -> 29
    assert sol.bagging_trees_needed(9, 0.2, 2.05) == 29
    assert sol.bagging_trees_needed_brute(9, 0.2, 2.05) == 29
    with pytest.raises(ValueError):
        sol.bagging_trees_needed(9, 0.2, 1.8)


def test_gboost_round_by_hand(sol):
    """y = (1, 3, 8, 10) at x = 1..4: F0 = 5.5, r = (-4.5, -2.5, 2.5, 4.5); the split x < 2.5
    leaves (-3.5, 3.5) with SSE 1 + 1 + 1 + 1 = 4; nu = 0.5 gives F1 = (3.75, 3.75, 7.25, 7.25)."""
    out = sol.gboost_round([1, 2, 3, 4], [1, 3, 8, 10], [1.5, 2.5, 3.5], 0.5)
    assert out["F0"] == pytest.approx(5.5)
    np.testing.assert_allclose(out["r"], [-4.5, -2.5, 2.5, 4.5])
    # x < 1.5: left {-4.5}, right {-2.5, 2.5, 4.5} mean 1.5, SSE 16 + 1 + 9 = 26
    np.testing.assert_allclose(out["sse"], [26, 4, 26])
    assert out["t"] == 1
    np.testing.assert_allclose(out["leaves"], [-3.5, 3.5])
    np.testing.assert_allclose(out["F1"], [3.75, 3.75, 7.25, 7.25])
    brute = sol.gboost_round_brute([1, 2, 3, 4], [1, 3, 8, 10], [1.5, 2.5, 3.5], 0.5)
    assert brute["t"] == 1
    np.testing.assert_allclose(brute["F1"], out["F1"], atol=1e-6)
    np.testing.assert_allclose(brute["r"], out["r"], atol=1e-6)


def test_adaboost_two_rounds_draw_meets_its_family_constraints(sol):
    """Every draw has both classes, a unique best stump with 1 or 2 mistakes in round 1, and
    a round-2 pick that ignoring the new weights would get wrong."""
    for seed in range(15):
        d = sol.adaboost_two_rounds_draw(VariantRNG("test", seed), {})
        y, xs = d["y"], np.arange(1, 7)
        H = [np.where(xs <= d["t" + k], d["s" + k], -d["s" + k]) for k in "ABC"]
        assert set(np.unique(y)) == {-1, 1} and all(1 <= d["t" + k] <= 5 for k in "ABC")
        nerr = [int(np.sum(h != y)) for h in H]
        k1 = int(np.argmin(nerr))
        assert 1 <= nerr[k1] <= 2 and sorted(nerr)[0] < sorted(nerr)[1]
        w2 = sol.adaboost_reweight(np.ones(6) / 6, y, H[k1], sol.adaboost_alpha(nerr[k1] / 6))
        k2 = int(np.argmin([sol.adaboost_error(w2, y, h) for h in H]))
        k2u = min((n, k) for k, n in enumerate(nerr) if k != k1)[1]
        assert k2u != k2
