"""The evaluation families, as a student meets them: answers worked out here from the
variant's data with plain Python (not the bank's references) are accepted, and the
syllabus's mistakes (precision/recall swapped, the arithmetic mean for F1, ties in AUC,
a strict threshold) are diagnosed by their tags."""

from __future__ import annotations

from fractions import Fraction

import pytest
from bank_student import variant as _variant

from mldrill.check import check_answers

SEEDS = range(6)


def _p(v, name):
    return v.params[name]


def _judge(v, **answers):
    return {r.name: r for r in check_answers(v, answers, only_given=True).parts}


def _ints(x):
    return [int(a) for a in list(x)]


@pytest.mark.parametrize("seed", SEEDS)
def test_prf_right_answers_and_swapped_and_mean_mistakes(seed: int) -> None:
    """P, R, F1, accuracy from the table are right; P given as R is 'swapped'; F1 as
    (P + R)/2 is 'arithmetic-mean'."""
    v = _variant("eval-precision-recall-f1", seed)
    tp, fp, fn, tn = (int(_p(v, k)) for k in ("TP", "FP", "FN", "TN"))
    prec, rec = Fraction(tp, tp + fp), Fraction(tp, tp + fn)
    f1 = 2 * prec * rec / (prec + rec)
    acc = Fraction(tp + tn, tp + fp + fn + tn)
    got = _judge(v, prec=str(prec), rec=str(rec), f1=str(f1), acc=str(acc))
    assert all(r.status == "correct" for r in got.values()), got
    got = _judge(v, prec=str(rec), f1=str((prec + rec) / 2))
    assert got["prec"].diagnosis == "mistake:precision-recall-swapped"
    assert got["f1"].diagnosis == "mistake:arithmetic-mean"


@pytest.mark.parametrize("seed", SEEDS)
def test_auc_ties_count_half(seed: int) -> None:
    """Correct pairs counted by hand with ties as 1/2 are right; ties as 0 or 1 are named."""
    v = _variant("eval-auc-pairs", seed)
    s, y = list(_p(v, "s")), _ints(_p(v, "y"))
    pos = [a for a, b in zip(s, y, strict=True) if b == 1]
    neg = [a for a, b in zip(s, y, strict=True) if b == 0]
    wins = sum(1 for a in pos for b in neg if a > b)
    ties = sum(1 for a in pos for b in neg if a == b)
    pairs = len(pos) * len(neg)
    right = Fraction(2 * wins + ties, 2)
    got = _judge(v, pairs=str(pairs), correct=str(right), auc=str(right / pairs))
    assert all(r.status == "correct" for r in got.values()), got
    assert _judge(v, correct=str(wins))["correct"].diagnosis == "mistake:ties-as-zero"
    assert _judge(v, correct=str(wins + ties))["correct"].diagnosis == "mistake:ties-as-one"


@pytest.mark.parametrize("seed", SEEDS)
def test_threshold_pipeline_by_hand_and_follow_through(seed: int) -> None:
    """Counts at t1 by hand are right, a strict threshold is named, and a wrong FP still
    earns P and F1 computed from it (follow-through)."""
    v = _variant("eval-threshold-f1-pipeline", seed)
    s, y, t1 = list(_p(v, "s")), _ints(_p(v, "y")), _p(v, "t1")
    tp = sum(1 for a, b in zip(s, y, strict=True) if a >= t1 and b == 1)
    fp = sum(1 for a, b in zip(s, y, strict=True) if a >= t1 and b == 0)
    fn = sum(1 for a, b in zip(s, y, strict=True) if a < t1 and b == 1)
    got = _judge(v, TP=str(tp), FP=str(fp), FN=str(fn))
    assert all(r.status == "correct" for r in got.values()), got
    assert _judge(v, TP=str(tp - 1))["TP"].diagnosis == "mistake:strict-threshold"
    wrong_fp = fp + 1
    got = _judge(v, TP=str(tp), FP=str(wrong_fp), FN=str(fn),
                 prec=str(Fraction(tp, tp + wrong_fp)),
                 f1=str(Fraction(2 * tp, 2 * tp + wrong_fp + fn)))
    assert got["FP"].status != "correct"
    assert got["prec"].follow_through is not None and got["prec"].credit == 1
    assert got["f1"].follow_through is not None and got["f1"].credit == 1
