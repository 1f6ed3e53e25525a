"""Evaluating classifiers and models: P/R/F1, ROC, AUC, k-fold, bias-variance (NumPy only).

Conventions:

* Labels are 1 (positive) and 0 (negative).  A score classifier predicts
  positive when ``score >= t`` (a score equal to the threshold is positive).
* Confusion counts are returned as ``(TP, FP, FN, TN)``.  precision =
  TP / (TP + FP), recall = TPR = TP / (TP + FN), FPR = FP / (FP + TN),
  F1 = the harmonic mean of precision and recall, accuracy = (TP + TN) / n.
* AUC is the fraction of (positive, negative) pairs that the scores order
  correctly, a tie counting 1/2 (the Mann-Whitney statistic).
* k-fold splits follow scikit-learn's ``KFold``: ``n mod k`` folds get
  ``n // k + 1`` examples and the others ``n // k``.
* Bias-variance at one test point: predictions of one model class trained on
  ``m`` equally likely training sets, the true value ``f0`` and noise variance
  ``s2``; variance divides by ``m`` (the training sets ARE the distribution).

Each ``*_loops`` or ``*_brute`` function recomputes a reference another way (per
example with Python loops, the ROC curve's trapezoid area, an enumeration) and
calls no reference of this module.
"""

import itertools

import numpy as np

__all__ = [
    "eval_binary_metrics",
    "eval_binary_metrics_loops",
    "eval_confusion_counts",
    "eval_confusion_counts_loops",
    "eval_roc_points",
    "eval_roc_points_loops",
    "eval_auc_pairs",
    "eval_auc_pairs_brute",
    "eval_kfold_sizes",
    "eval_kfold_sizes_loops",
    "eval_grid_search_fits",
    "eval_grid_search_fits_loops",
    "eval_bias_variance",
    "eval_bias_variance_brute",
    "eval_threshold_f1_draw",
]


# --------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------


def _count(v, name):
    """``v`` as a non-negative int."""
    if isinstance(v, bool) or float(v) != int(v) or int(v) < 0:
        raise ValueError(f"{name} must be a non-negative whole number, got {v!r}")
    return int(v)


def _scored(scores, labels):
    """``scores`` (float) and ``labels`` (0/1 ints) as equal-length 1-D arrays."""
    s = np.asarray(scores, dtype=np.float64).ravel()
    y = np.asarray(labels).ravel()
    if s.shape != y.shape or s.size == 0:
        raise ValueError(f"scores and labels must be non-empty and of equal length, "
                         f"got {s.size} and {y.size}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("labels must be 0 or 1")
    return s, y.astype(np.int64)


def _ratio(a, b, what):
    if b == 0:
        raise ValueError(f"{what} is undefined: its denominator is 0")
    return a / b


# --------------------------------------------------------------------------
# precision, recall, F1, accuracy
# --------------------------------------------------------------------------


def eval_binary_metrics(tp, fp, fn, tn):
    """Precision, recall, F1 (harmonic mean) and accuracy from the four confusion counts.

    Returns the tuple ``(precision, recall, f1, accuracy)`` as floats.
    """
    tp, fp, fn, tn = (_count(v, k) for v, k in ((tp, "TP"), (fp, "FP"), (fn, "FN"), (tn, "TN")))
    p = _ratio(tp, tp + fp, "precision")
    r = _ratio(tp, tp + fn, "recall")
    f1 = _ratio(2 * p * r, p + r, "F1")
    return p, r, f1, (tp + tn) / (tp + fp + fn + tn)


def eval_binary_metrics_loops(tp, fp, fn, tn):
    """Independent check of ``eval_binary_metrics``: one (actual, predicted) pair per example.

    Expands the counts into a list of examples, counts with a loop, and takes
    F1 as ``2 TP / (2 TP + FP + FN)`` (no harmonic mean of P and R).
    """
    examples = ([(1, 1)] * _count(tp, "TP") + [(0, 1)] * _count(fp, "FP")
                + [(1, 0)] * _count(fn, "FN") + [(0, 0)] * _count(tn, "TN"))
    hits = pred_pos = actual_pos = right = 0
    for actual, predicted in examples:
        hits += actual == 1 and predicted == 1
        pred_pos += predicted == 1
        actual_pos += actual == 1
        right += actual == predicted
    wrong = (pred_pos - hits) + (actual_pos - hits)
    return (hits / pred_pos, hits / actual_pos, 2 * hits / (2 * hits + wrong),
            right / len(examples))


# --------------------------------------------------------------------------
# thresholds, ROC and AUC
# --------------------------------------------------------------------------


def eval_confusion_counts(scores, labels, t):
    """``(TP, FP, FN, TN)`` of the rule "positive when score >= t"."""
    s, y = _scored(scores, labels)
    pred = s >= t
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    return tp, fp, fn, int(y.size) - tp - fp - fn


def eval_confusion_counts_loops(scores, labels, t):
    """Independent check of ``eval_confusion_counts``: one example at a time."""
    s, y = _scored(scores, labels)
    cells = {(1, 1): 0, (0, 1): 0, (1, 0): 0, (0, 0): 0}
    for score, label in zip(s.tolist(), y.tolist(), strict=True):
        cells[(label, 1 if score >= t else 0)] += 1
    return cells[(1, 1)], cells[(0, 1)], cells[(1, 0)], cells[(0, 0)]


def eval_roc_points(scores, labels, thresholds):
    """ROC points at each threshold: the tuple ``(tpr, fpr)`` of arrays (positive if >= t)."""
    s, y = _scored(scores, labels)
    t = np.asarray(thresholds, dtype=np.float64).ravel()
    npos, nneg = int(np.sum(y == 1)), int(np.sum(y == 0))
    if npos == 0 or nneg == 0:
        raise ValueError("ROC points need both classes")
    pred = s[None, :] >= t[:, None]
    return (pred & (y == 1)).sum(1) / npos, (pred & (y == 0)).sum(1) / nneg


def eval_roc_points_loops(scores, labels, thresholds):
    """Independent check of ``eval_roc_points``: counts with Python loops."""
    s, y = _scored(scores, labels)
    tprs, fprs = [], []
    for t in np.asarray(thresholds, dtype=np.float64).ravel().tolist():
        tp = fp = pos = neg = 0
        for score, label in zip(s.tolist(), y.tolist(), strict=True):
            if label == 1:
                pos += 1
                tp += score >= t
            else:
                neg += 1
                fp += score >= t
        tprs.append(tp / pos)
        fprs.append(fp / neg)
    return np.array(tprs), np.array(fprs)


def eval_auc_pairs(scores, labels):
    """``(correct, pairs, auc)``: correctly ordered positive-negative pairs (a tie is 1/2).

    ``correct`` counts pairs with the positive scored higher, plus 1/2 per tie;
    ``pairs`` = (#positives)(#negatives); ``auc = correct / pairs``.
    """
    s, y = _scored(scores, labels)
    pos, neg = s[y == 1], s[y == 0]
    if pos.size == 0 or neg.size == 0:
        raise ValueError("AUC needs both classes")
    diff = pos[:, None] - neg[None, :]
    correct = float(np.sum(diff > 0) + 0.5 * np.sum(diff == 0))
    pairs = int(pos.size * neg.size)
    return correct, pairs, correct / pairs


def eval_auc_pairs_brute(scores, labels):
    """Independent check of ``eval_auc_pairs``: the trapezoid area under the ROC curve.

    Sweeps the threshold down through every distinct score (a tie moves the
    curve diagonally), adds the trapezoids, and returns the same tuple
    ``(correct, pairs, auc)`` with ``correct = auc * pairs``.
    """
    s, y = _scored(scores, labels)
    npos = sum(1 for v in y.tolist() if v == 1)
    nneg = len(y) - npos
    if npos == 0 or nneg == 0:
        raise ValueError("AUC needs both classes")
    points = [(0.0, 0.0)]
    for t in sorted(set(s.tolist()), reverse=True):
        tp = sum(1 for a, b in zip(s.tolist(), y.tolist(), strict=True) if a >= t and b == 1)
        fp = sum(1 for a, b in zip(s.tolist(), y.tolist(), strict=True) if a >= t and b == 0)
        points.append((fp / nneg, tp / npos))
    area = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        area += (x1 - x0) * (y0 + y1) / 2
    return area * npos * nneg, npos * nneg, area


# --------------------------------------------------------------------------
# cross-validation counts
# --------------------------------------------------------------------------


def eval_kfold_sizes(n, k):
    """Validation-fold sizes of k-fold CV on n examples (the first ``n mod k`` get one more)."""
    n, k = _count(n, "n"), _count(k, "k")
    if k < 2 or k > n:
        raise ValueError(f"need 2 <= k <= n, got k = {k}, n = {n}")
    return np.full(k, n // k) + (np.arange(k) < n % k)


def eval_kfold_sizes_loops(n, k):
    """Independent check of ``eval_kfold_sizes``: deal the examples out one at a time."""
    n, k = _count(n, "n"), _count(k, "k")
    if k < 2 or k > n:
        raise ValueError(f"need 2 <= k <= n, got k = {k}, n = {n}")
    sizes = [0] * k
    for i in range(n):
        sizes[i % k] += 1
    return np.array(sizes)


def eval_grid_search_fits(k, grid, refit=True):
    """Models trained by a grid search with k-fold CV: ``k * prod(grid)`` (+ 1 to refit).

    ``grid`` lists how many values each hyperparameter takes.
    """
    k = _count(k, "k")
    sizes = [_count(g, "a grid size") for g in np.asarray(grid).ravel().tolist()]
    return int(k * np.prod(sizes)) + (1 if refit else 0)


def eval_grid_search_fits_loops(k, grid, refit=True):
    """Independent check of ``eval_grid_search_fits``: enumerate every (setting, fold) fit."""
    k = _count(k, "k")
    axes = [range(_count(g, "a grid size")) for g in np.asarray(grid).ravel().tolist()]
    fits = 0
    for _setting in itertools.product(*axes):
        for _fold in range(k):
            fits += 1
    return fits + (1 if refit else 0)


# --------------------------------------------------------------------------
# bias-variance decomposition at one test point
# --------------------------------------------------------------------------


def eval_bias_variance(preds, f0, s2):
    """``(mean, bias2, variance, expected_error)`` of predictions from equally likely fits.

    ``preds`` are the predictions at x0 of models trained on the m training
    sets, ``f0`` the true f(x0), ``s2`` the noise variance of a new label
    y = f0 + noise.  Variance divides by m; the expected squared error of a new
    label is ``bias2 + variance + s2``.
    """
    p = np.asarray(preds, dtype=np.float64).ravel()
    if p.size == 0 or s2 < 0:
        raise ValueError("need at least one prediction and a non-negative noise variance")
    mean = float(p.mean())
    bias2 = (mean - f0) ** 2
    var = float(np.mean((p - mean) ** 2))
    return mean, bias2, var, bias2 + var + s2


def eval_bias_variance_brute(preds, f0, s2):
    """Independent check of ``eval_bias_variance``: enumerate fits and two-point noise.

    The new label is ``f0 + sqrt(s2)`` or ``f0 - sqrt(s2)`` (equally likely: mean 0,
    variance s2); the expected error averages ``(y - pred)^2`` over every
    (training set, noise) pair.  Bias^2 and variance come from their definitions
    with explicit sums.
    """
    p = [float(v) for v in np.asarray(preds, dtype=np.float64).ravel()]
    if not p or s2 < 0:
        raise ValueError("need at least one prediction and a non-negative noise variance")
    m = len(p)
    total = 0.0
    for v in p:
        total += v
    mean = total / m
    var = 0.0
    for v in p:
        var += (v - mean) ** 2 / m
    sd = float(s2) ** 0.5
    err = 0.0
    for v in p:
        for noise in (sd, -sd):
            err += (f0 + noise - v) ** 2 / (2 * m)
    return mean, (mean - f0) * (mean - f0), var, err


# --------------------------------------------------------------------------
# parameter generator: draw eval-threshold-f1-pipeline's scores, labels and cut-offs
# so its constraints hold (the family's YAML constraints still check every variant)
# --------------------------------------------------------------------------


def _threshold_f1_ok(y, k1, k2):
    """eval-threshold-f1-pipeline's constraints for labels ``y`` in score order (highest
    first, distinct scores) and thresholds at the k1-th and k2-th highest scores."""
    P, n = sum(y), len(y)
    if not (4 <= P <= 6 and y[k1 - 1] == 1):
        return False

    def counts(k):
        tp = sum(y[:k])
        return tp, k - tp, P - tp, n - k - (P - tp)

    (tp1, fp1, fn1, tn1), (tp2, fp2, fn2, _) = counts(k1), counts(k2)
    correct = sum(y[j] == 0 for i in range(n) if y[i] == 1 for j in range(i + 1, n))
    if not (tp1 >= 1 and fp1 >= 1 and fn1 >= 1 and fp1 != fn1 and tn1 != fn1
            and tp2 >= 1 and fp2 >= 1 and fp2 != fn2 and tp2 != fp2
            and correct >= 0.6 * P * (n - P)):
        return False
    p1, r1, p2, r2 = tp1 / (tp1 + fp1), tp1 / P, tp2 / (tp2 + fp2), tp2 / P
    f1, f2 = 2 * p1 * r1 / (p1 + r1), 2 * p2 * r2 / (p2 + r2)
    return abs(f1 - f2) >= 0.02 and (p1 - p2) * (r1 - r2) < 0


def eval_threshold_f1_draw(rng, params):
    """Draws the scores, labels and cut-offs of eval-threshold-f1-pipeline.

    raw is 10 distinct scores in 10..99, y has 4 to 6 positives, k1 is in 2..5 and k2 in
    k1 + 2..8. ``y`` lists the labels in the order of the scores sorted high to low, as the family
    shows them. The draw is repeated until the family's constraints hold; the last one is
    returned if none does: the YAML constraints decide.
    """
    for _ in range(3000):
        positives = rng.shuffled(range(10))[:rng.integer(4, 6)]
        y = [int(i in positives) for i in range(10)]
        k1 = rng.integer(2, 5)
        k2 = rng.integer(k1 + 2, 8)
        if _threshold_f1_ok(y, k1, k2):
            break
    raw = rng.shuffled(range(10, 100))[:10]
    return {"raw": np.array(raw, dtype=np.int64), "y": np.array(y, dtype=np.int64),
            "k1": k1, "k2": k2}


eval_threshold_f1_draw.provides = ("raw", "y", "k1", "k2")
