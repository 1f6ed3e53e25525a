"""Tests for solutions/evaluation.py: hand-worked values, and each check against its reference."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.variants.rng import VariantRNG

FAST = settings(max_examples=60, deadline=None, database=None)


def test_binary_metrics_hand_example(sol):
    """TP=6, FP=7, FN=1, TN=10: P = 6/13, R = 6/7, F1 = 12/20 = 3/5, accuracy = 16/24.

    By hand: F1 = 2 (6/13)(6/7) / (6/13 + 6/7) = (72/91) / (120/91) = 72/120 = 3/5.
    """
    expected = (6 / 13, 6 / 7, 3 / 5, 2 / 3)
    np.testing.assert_allclose(sol.eval_binary_metrics(6, 7, 1, 10), expected)
    np.testing.assert_allclose(sol.eval_binary_metrics_loops(6, 7, 1, 10), expected)


def test_binary_metrics_refuses_undefined_and_bad_counts(sol):
    """No predicted positive: precision is undefined; a negative or fractional count is refused."""
    with pytest.raises(ValueError, match="precision"):
        sol.eval_binary_metrics(0, 0, 3, 4)
    with pytest.raises(ValueError, match="whole number"):
        sol.eval_binary_metrics(1, -1, 3, 4)
    with pytest.raises(ValueError, match="whole number"):
        sol.eval_binary_metrics(1.5, 1, 3, 4)


@FAST
@given(st.integers(1, 30), st.integers(0, 30), st.integers(0, 30), st.integers(0, 30))
def test_binary_metrics_loops_agrees(sol, tp, fp, fn, tn):
    """The per-example count with F1 = 2TP/(2TP+FP+FN) agrees with the harmonic mean."""
    np.testing.assert_allclose(sol.eval_binary_metrics(tp, fp, fn, tn),
                               sol.eval_binary_metrics_loops(tp, fp, fn, tn))


def test_confusion_counts_hand_example(sol):
    """Scores 9 8 7 5 5 3 2 1 with labels 1 0 1 1 0 0 1 0 at t = 5: TP 3, FP 2, FN 1, TN 2.

    Predicted positive (score >= 5): 9(1), 8(0), 7(1), 5(1), 5(0); the rest negative.
    """
    s, y = [9, 8, 7, 5, 5, 3, 2, 1], [1, 0, 1, 1, 0, 0, 1, 0]
    assert sol.eval_confusion_counts(s, y, 5) == (3, 2, 1, 2)
    assert sol.eval_confusion_counts_loops(s, y, 5) == (3, 2, 1, 2)
    # t = 6 moves both 5s to negative
    assert sol.eval_confusion_counts(s, y, 6) == (2, 1, 2, 3)


def test_roc_points_hand_example(sol):
    """Same data, thresholds 8, 5, 2: TPR 1/4, 3/4, 1 and FPR 1/4, 2/4, 3/4 (4 of each class)."""
    s, y = [9, 8, 7, 5, 5, 3, 2, 1], [1, 0, 1, 1, 0, 0, 1, 0]
    for f in (sol.eval_roc_points, sol.eval_roc_points_loops):
        tpr, fpr = f(s, y, [8, 5, 2])
        np.testing.assert_allclose(tpr, [0.25, 0.75, 1.0])
        np.testing.assert_allclose(fpr, [0.25, 0.5, 0.75])


def test_auc_pairs_hand_example_with_a_tie(sol):
    """Positives 9 7 5 2 vs negatives 8 5 3 1: 10 wins and one tie, 10.5/16 = 0.65625.

    9 beats all 4; 7 beats 5, 3, 1 (3); 5 beats 3, 1 and ties 5 (2.5); 2 beats 1 (1):
    4 + 3 + 2.5 + 1 = 10.5 correct pairs of 4 * 4 = 16.
    """
    s, y = [9, 8, 7, 5, 5, 3, 2, 1], [1, 0, 1, 1, 0, 0, 1, 0]
    for f in (sol.eval_auc_pairs, sol.eval_auc_pairs_brute):
        correct, pairs, auc = f(s, y)
        assert pairs == 16
        assert correct == pytest.approx(10.5)
        assert auc == pytest.approx(10.5 / 16)


@FAST
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 1)), min_size=2, max_size=12))
def test_auc_trapezoid_agrees_with_pairs(sol, data):
    """With ties anywhere, the ROC trapezoid area equals the pair count with ties as 1/2."""
    s = [a for a, _ in data]
    y = [b for _, b in data]
    if len(set(y)) < 2:
        with pytest.raises(ValueError, match="both classes"):
            sol.eval_auc_pairs(s, y)
        return
    np.testing.assert_allclose(sol.eval_auc_pairs(s, y), sol.eval_auc_pairs_brute(s, y))


def test_kfold_sizes_hand_example(sol):
    """23 examples in 5 folds: 5 5 5 4 4 (23 = 5*4 + 3, the first 3 folds get one more)."""
    assert list(sol.eval_kfold_sizes(23, 5)) == [5, 5, 5, 4, 4]
    assert list(sol.eval_kfold_sizes_loops(23, 5)) == [5, 5, 5, 4, 4]
    assert list(sol.eval_kfold_sizes(20, 4)) == [5, 5, 5, 5]
    with pytest.raises(ValueError, match="k <= n"):
        sol.eval_kfold_sizes(3, 5)


def test_grid_search_fits_hand_example(sol):
    """5 folds, 3 learning rates x 4 depths: 60 fits, 61 with the final refit."""
    assert sol.eval_grid_search_fits(5, [3, 4]) == 61
    assert sol.eval_grid_search_fits(5, [3, 4], refit=False) == 60
    assert sol.eval_grid_search_fits_loops(5, [3, 4]) == 61
    assert sol.eval_grid_search_fits_loops(5, [3, 4], refit=False) == 60


def test_bias_variance_hand_example(sol):
    """Predictions 3 5 6 6 with f0 = 4 and noise 2: mean 5, bias^2 1, var 1.5, error 4.5.

    Deviations from 5: -2, 0, 1, 1; squares 4 + 0 + 1 + 1 = 6; /4 = 1.5.
    """
    for f in (sol.eval_bias_variance, sol.eval_bias_variance_brute):
        np.testing.assert_allclose(f([3, 5, 6, 6], 4, 2), [5, 1, 1.5, 4.5])


@FAST
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=6), st.integers(-5, 5),
       st.integers(0, 9))
def test_bias_variance_brute_agrees(sol, preds, f0, s2):
    """Enumerating the fits and a two-point noise gives bias^2 + variance + noise."""
    np.testing.assert_allclose(sol.eval_bias_variance(preds, f0, s2),
                               sol.eval_bias_variance_brute(preds, f0, s2), atol=1e-9)


def test_eval_threshold_f1_draw_meets_its_family_constraints(sol):
    """Every draw has 10 distinct scores, 4 to 6 positives, a positive at the k1-th score,
    an AUC of at least 0.6 and precision and recall ranking the two thresholds oppositely."""
    for seed in range(15):
        d = sol.eval_threshold_f1_draw(VariantRNG("test", seed), {})
        s, y, k1, k2 = np.sort(d["raw"])[::-1], d["y"], d["k1"], d["k2"]
        assert len(set(d["raw"])) == 10 and 4 <= y.sum() <= 6 and y[k1 - 1] == 1
        assert 2 <= k1 and k1 + 2 <= k2 <= 8 and sol.eval_auc_pairs(s, y)[2] >= 0.6
        m1 = sol.eval_binary_metrics(*sol.eval_confusion_counts(s, y, s[k1 - 1]))
        m2 = sol.eval_binary_metrics(*sol.eval_confusion_counts(s, y, s[k2 - 1]))
        assert (m1[0] - m2[0]) * (m1[1] - m2[1]) < 0 and abs(m1[2] - m2[2]) >= 0.02
