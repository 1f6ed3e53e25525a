"""Ensembles: AdaBoost rounds and votes, bagging variance, gradient boosting (NumPy only).

Conventions:

* AdaBoost labels and weak-learner outputs are ``+1`` / ``-1``.  ``y`` (N,) holds
  the labels, ``h`` (N,) one weak learner's predictions, ``w`` (N,) the example
  weights (any positive scale: they are normalised before use).
* Weighted error ``e = sum_i w_i [h_i != y_i] / sum_i w_i``; learner weight
  ``alpha = 1/2 ln((1 - e) / e)`` (natural log; ``base`` selects another log, for
  mistakes); reweighting ``w_i exp(-alpha y_i h_i)``, then division by the sum.
* The final AdaBoost classifier is ``sign(sum_t alpha_t h_t(x))``.
* Bagging: B predictors, each with variance ``s2`` and pairwise correlation ``rho``;
  their average has variance ``rho s2 + (1 - rho) s2 / B``.
* Gradient boosting for the squared loss ``1/2 (y - F)^2``: ``F0`` is the mean of
  ``y``, the residuals ``r = y - F`` are the negative gradients, a stump
  ``x < t`` fitted to ``r`` by least squares predicts the mean residual of each
  side, and ``F1 = F0 + nu * stump(x)``.

Functions named ``*_loops`` / ``*_brute`` recompute the same quantities by another
route (closed-form weights, a covariance matrix, an enumeration); they exist to
verify the others and share no code with them.
"""

import math

import numpy as np

__all__ = [
    "adaboost_error",
    "adaboost_alpha",
    "adaboost_reweight",
    "adaboost_round",
    "adaboost_scores",
    "adaboost_run",
    "bagging_variance",
    "bagging_trees_needed",
    "gboost_stump_sse",
    "gboost_stump_fit",
    "gboost_round",
    "adaboost_alpha_brute",
    "adaboost_round_loops",
    "adaboost_scores_loops",
    "adaboost_run_loops",
    "bagging_variance_brute",
    "bagging_trees_needed_brute",
    "gboost_round_brute",
    "adaboost_two_rounds_draw",
]


def _pm1(v, name):
    v = np.asarray(v, dtype=float)
    if v.ndim != 1 or v.size == 0 or not np.all(np.abs(v) == 1):
        raise ValueError(f"{name} must be a non-empty vector of +1/-1, got {v!r}")
    return v


def _weights(w, n):
    w = np.asarray(w, dtype=float)
    if w.shape != (n,) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"w must hold {n} non-negative weights with a positive sum")
    return w


def _unit_error(err):
    err = float(err)
    if not 0 < err < 1:
        raise ValueError(f"the weighted error must be strictly between 0 and 1, got {err}")
    return err


# --------------------------------------------------------------------------
# AdaBoost
# --------------------------------------------------------------------------


def adaboost_error(w, y, h):
    """Weighted error of a weak learner: ``sum_i w_i [h_i != y_i] / sum_i w_i``."""
    y, h = _pm1(y, "y"), _pm1(h, "h")
    w = _weights(w, y.size)
    return float(np.sum(w * (h != y)) / np.sum(w))


def adaboost_alpha(err, base=math.e):
    """AdaBoost learner weight ``1/2 log((1 - e) / e)``, natural log unless ``base`` is given."""
    err = _unit_error(err)
    return float(0.5 * np.log((1 - err) / err) / np.log(base))


def adaboost_reweight(w, y, h, alpha, normalise=True):
    """New weights ``w_i exp(-alpha y_i h_i)``, divided by their sum unless ``normalise=False``."""
    y, h = _pm1(y, "y"), _pm1(h, "h")
    w = _weights(w, y.size)
    new = w * np.exp(-float(alpha) * y * h)
    return new / new.sum() if normalise else new


def adaboost_round(w, y, h):
    """One AdaBoost round: ``(e, alpha, new normalised weights)`` for learner ``h``."""
    err = adaboost_error(w, y, h)
    alpha = adaboost_alpha(err)
    return err, alpha, adaboost_reweight(w, y, h, alpha)


def adaboost_scores(alphas, H):
    """Weighted vote ``sum_t alpha_t h_t(x)``: ``alphas`` (T,), ``H`` (T, M) of +1/-1 -> (M,)."""
    H = np.asarray(H, dtype=float)
    alphas = np.asarray(alphas, dtype=float)
    if H.ndim != 2 or alphas.shape != (H.shape[0],):
        raise ValueError(f"need alphas (T,) and H (T, M); got {alphas.shape} and {H.shape}")
    return alphas @ H


def adaboost_run(y, candidates, rounds=2):
    """AdaBoost from uniform weights, each round choosing the candidate of least weighted error.

    ``candidates`` is (K, N): row k holds candidate k's predictions.  Returns a dict with
    ``chosen`` (indices), ``errors``, ``alphas``, ``weights`` (the weights each round
    used, then the final ones: rounds + 1 rows), ``scores`` and ``train_errors`` (the
    number of misclassified points of the final classifier).  A tie for the least error
    goes to the lower index; a candidate with error 0 or 1 is an error.
    """
    y = _pm1(y, "y")
    C = np.asarray(candidates, dtype=float)
    if C.ndim != 2 or C.shape[1] != y.size:
        raise ValueError(f"candidates must be (K, {y.size}), got {C.shape}")
    w = np.full(y.size, 1.0 / y.size)
    chosen, errors, alphas, weights = [], [], [], [w]
    for _ in range(int(rounds)):
        errs = np.array([adaboost_error(w, y, c) for c in C])
        k = int(np.argmin(errs))
        err, alpha, w = adaboost_round(w, y, C[k])
        chosen.append(k)
        errors.append(err)
        alphas.append(alpha)
        weights.append(w)
    scores = adaboost_scores(np.array(alphas), C[chosen])
    return {"chosen": np.array(chosen), "errors": np.array(errors),
            "alphas": np.array(alphas), "weights": np.array(weights),
            "scores": scores, "train_errors": int(np.sum(np.sign(scores) != y))}


# --------------------------------------------------------------------------
# bagging
# --------------------------------------------------------------------------


def bagging_variance(s2, rho, B):
    """Variance of the average of B predictors of variance s2 and correlation rho."""
    if not 0 <= rho <= 1 or B < 1:
        raise ValueError(f"need 0 <= rho <= 1 and B >= 1, got rho={rho}, B={B}")
    return float(rho * s2 + (1 - rho) * s2 / B)


def bagging_trees_needed(s2, rho, target):
    """Smallest B with ``rho s2 + (1 - rho) s2 / B <= target`` (needs target > rho s2)."""
    if not target > rho * s2:
        raise ValueError(f"the target {target} must exceed the floor rho s2 = {rho * s2}")
    B = math.ceil((1 - rho) * s2 / (target - rho * s2) - 1e-9)
    return max(1, int(B))


# --------------------------------------------------------------------------
# gradient boosting (squared loss, one stump)
# --------------------------------------------------------------------------


def gboost_stump_sse(x, r, t):
    """Squared error of the least-squares stump ``x < t`` on residuals r (each side its mean)."""
    x, r = np.asarray(x, dtype=float), np.asarray(r, dtype=float)
    left = x < t
    if left.all() or not left.any():
        raise ValueError(f"the threshold {t} leaves one side empty")
    return float(np.sum((r[left] - r[left].mean()) ** 2)
                 + np.sum((r[~left] - r[~left].mean()) ** 2))


def gboost_stump_fit(x, r, t):
    """Leaf values ``[mean r on x < t, mean r on x >= t]`` of the stump fitted to residuals r."""
    x, r = np.asarray(x, dtype=float), np.asarray(r, dtype=float)
    left = x < t
    if left.all() or not left.any():
        raise ValueError(f"the threshold {t} leaves one side empty")
    return np.array([r[left].mean(), r[~left].mean()])


def gboost_round(x, y, thresholds, nu):
    """One gradient-boosting round for the squared loss, from ``F0 = mean(y)``.

    The stump's threshold is the one of ``thresholds`` whose least-squares fit to the
    residuals has the least squared error (ties: the first).  Returns a dict with ``F0``,
    ``r``, ``sse`` (per threshold), ``t`` (its index), ``leaves`` and ``F1``.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    F0 = float(y.mean())
    r = y - F0
    sse = np.array([gboost_stump_sse(x, r, t) for t in thresholds])
    k = int(np.argmin(sse))
    leaves = gboost_stump_fit(x, r, thresholds[k])
    F1 = F0 + nu * np.where(x < thresholds[k], leaves[0], leaves[1])
    return {"F0": F0, "r": r, "sse": sse, "t": k, "leaves": leaves, "F1": F1}


# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------


def adaboost_alpha_brute(err):
    """AdaBoost's alpha as the minimiser of the normaliser Z(a), by ternary search.

    Checks ``adaboost_alpha``: ``Z(a) = (1 - e) exp(-a) + e exp(a)`` is convex and its
    minimiser is 1/2 ln((1 - e)/e); the search runs on [-10, 10] without any log.
    """
    lo, hi = -10.0, 10.0
    for _ in range(200):
        m1, m2 = lo + (hi - lo) / 3, hi - (hi - lo) / 3
        z1 = (1 - err) * math.exp(-m1) + err * math.exp(m1)
        z2 = (1 - err) * math.exp(-m2) + err * math.exp(m2)
        if z1 < z2:
            hi = m2
        else:
            lo = m1
    return (lo + hi) / 2


def adaboost_round_loops(w, y, h):
    """One AdaBoost round with loops and the closed-form normalised weights.

    Checks ``adaboost_round``: after normalisation a misclassified point's weight is
    ``w_i / (2 e)`` and a correct one's ``w_i / (2 (1 - e))`` (with w summing to 1),
    and alpha is found as ``ln`` of ``sqrt((1 - e) / e)`` written as a product of
    square roots; no exponential reweighting is done.
    """
    total = 0.0
    for wi in w:
        total += wi
    ws = [wi / total for wi in w]
    err = 0.0
    for wi, yi, hi in zip(ws, y, h, strict=True):
        if yi != hi:
            err += wi
    alpha = math.log(math.sqrt(1 - err) / math.sqrt(err))
    new = []
    for wi, yi, hi in zip(ws, y, h, strict=True):
        new.append(wi / (2 * err) if yi != hi else wi / (2 * (1 - err)))
    return err, alpha, np.array(new)


def adaboost_scores_loops(alphas, H):
    """Weighted vote ``sum_t alpha_t h_t(x)`` with explicit loops (checks ``adaboost_scores``)."""
    T, M = len(H), len(H[0])
    out = []
    for m in range(M):
        s = 0.0
        for t in range(T):
            s += alphas[t] * H[t][m]
        out.append(s)
    return np.array(out)


def adaboost_run_loops(y, candidates, rounds=2):
    """AdaBoost by tracking unnormalised products and the scores directly (checks ``adaboost_run``).

    Keeps ``D_i = prod_t exp(-alpha_t y_i h_t(x_i))`` = ``exp(-y_i F(x_i))`` (the
    margin form of the weights), so each round's weights are ``exp(-y_i F_i)`` divided
    by their sum, computed afresh from the running scores ``F``; the choice of learner
    is made by counting with loops.
    """
    n = len(y)
    F = [0.0] * n
    chosen, errors, alphas, weights = [], [], [], []
    for _ in range(int(rounds)):
        raw = [math.exp(-y[i] * F[i]) for i in range(n)]
        z = sum(raw)
        w = [v / z for v in raw]
        weights.append(w)
        best, best_err = None, None
        for k, cand in enumerate(candidates):
            e = 0.0
            for i in range(n):
                if cand[i] != y[i]:
                    e += w[i]
            if best_err is None or e < best_err - 1e-12:
                best, best_err = k, e
        a = 0.5 * math.log((1 - best_err) / best_err)
        for i in range(n):
            F[i] += a * candidates[best][i]
        chosen.append(best)
        errors.append(best_err)
        alphas.append(a)
    raw = [math.exp(-y[i] * F[i]) for i in range(n)]
    weights.append([v / sum(raw) for v in raw])
    wrong = 0
    for i in range(n):
        if (F[i] > 0) != (y[i] > 0):
            wrong += 1
    return {"chosen": np.array(chosen), "errors": np.array(errors),
            "alphas": np.array(alphas), "weights": np.array(weights),
            "scores": np.array(F), "train_errors": wrong}


def bagging_variance_brute(s2, rho, B):
    """Variance of the mean of B predictors from their B x B covariance matrix, with loops.

    Checks ``bagging_variance``: ``(1/B^2) sum_ij Cov(f_i, f_j)``.
    """
    B = int(B)
    total = 0.0
    for i in range(B):
        for j in range(B):
            total += s2 if i == j else rho * s2
    return total / B ** 2


def bagging_trees_needed_brute(s2, rho, target):
    """Smallest B meeting the variance target, by trying B = 1, 2, ... in turn.

    Checks ``bagging_trees_needed``; each variance is summed from the covariance matrix.
    """
    B = 1
    while True:
        # the B x B covariance matrix holds B diagonal entries s2 and B (B - 1)
        # off-diagonal entries rho s2: count them row by row
        var = 0.0
        for _row in range(B):
            var += s2 + (B - 1) * rho * s2
        if var / B ** 2 <= target + 1e-9:
            return B
        B += 1
        if B > 100000:
            raise ValueError("the target is not reachable")


def gboost_round_brute(x, y, thresholds, nu):
    """One gradient-boosting round by search (checks ``gboost_round``).

    F0 minimises the squared loss over a fine grid of constants; the residuals are
    negative gradients by central differences; the stump is chosen by trying every
    threshold and, on each side, every constant on a grid of step 1/120.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    grid = y.min() + np.arange(int(round((y.max() - y.min()) * 1200)) + 1) / 1200

    def best_constant(vals, grid):
        losses = ((vals[None, :] - grid[:, None]) ** 2).sum(axis=1)
        k = int(np.argmin(losses))
        return grid[k], float(losses[k])

    F0, _ = best_constant(y, grid)
    eps = 1e-6
    r = -((0.5 * (y - F0 - eps) ** 2) - (0.5 * (y - F0 + eps) ** 2)) / (2 * eps)
    rgrid = r.min() + np.arange(int(round((r.max() - r.min()) * 120)) + 1) / 120
    best = None
    for k, t in enumerate(thresholds):
        fits = [best_constant(r[x < t], rgrid), best_constant(r[x >= t], rgrid)]
        sse = fits[0][1] + fits[1][1]
        if best is None or sse < best[0] - 1e-9:
            best = (sse, k, [fits[0][0], fits[1][0]])
    _, k, vals = best
    F1 = F0 + nu * np.where(x < thresholds[k], vals[0], vals[1])
    return {"F0": float(F0), "r": r, "t": k, "leaves": np.array(vals), "F1": F1}


# --------------------------------------------------------------------------
# parameter generator: draw ens-adaboost-two-rounds' stumps and labels so its
# constraints hold (the family's YAML constraints still check every variant)
# --------------------------------------------------------------------------


def _adaboost_two_rounds_ok(H, y):
    """ens-adaboost-two-rounds' constraints for stump predictions ``H`` (3 lists of 6) and
    labels ``y`` (a list of +1/-1), in plain Python."""
    nerr = [sum(hi != yi for hi, yi in zip(h, y, strict=True)) for h in H]
    s = sorted(nerr)
    if not (1 in y and -1 in y and 1 <= s[0] <= 2 and s[0] < s[1]):
        return False
    k1 = nerr.index(s[0])
    others = [n for k, n in enumerate(nerr) if k != k1]
    if others[0] == others[1]:
        return False
    e1 = nerr[k1] / 6
    a1 = 0.5 * math.log((1 - e1) / e1)
    w = [math.exp(-a1 * yi * hi) for yi, hi in zip(y, H[k1], strict=True)]
    e2s = [sum(wi for wi, hi, yi in zip(w, h, y, strict=True) if hi != yi) / sum(w)
           for h in H]
    t = sorted(e2s)
    k2 = e2s.index(t[0])
    k2u = min((n, k) for k, n in enumerate(nerr) if k != k1)[1]
    if not (t[1] - t[0] > 0.01 and 0.01 < t[0] < 0.49 and k2u != k2
            and abs(t[0] - nerr[k2] / 6) > 0.01):
        return False
    a2 = 0.5 * math.log((1 - t[0]) / t[0])

    def errors(b1, b2):
        return sum((b1 * p + b2 * q > 0) != (yi > 0)
                   for p, q, yi in zip(H[k1], H[k2], y, strict=True))

    return abs(a1 - a2) > 0.05 and errors(a1, a2) != errors(a2, a1)


def adaboost_two_rounds_draw(rng, params):
    """Draws the stumps (tA, sA, tB, sB, tC, sC) and labels y of ens-adaboost-two-rounds.

    Each stump predicts s for x <= t and -s above (t in 1..5, s = +1 or -1) on x = 1..6.
    The labels are one stump's predictions with one or two of them flipped (every labelling
    the family accepts is of that form). They are redrawn until the family's constraints
    hold; the last draw is returned if none fits: the YAML constraints decide.
    """
    for _ in range(3000):
        ts = [rng.integer(1, 5) for _ in range(3)]
        ss = [rng.choice((1, -1)) for _ in range(3)]
        H = [[s if x <= t else -s for x in range(1, 7)] for t, s in zip(ts, ss, strict=True)]
        flips = rng.shuffled(range(6))[:rng.integer(1, 2)]
        y = [-v if i in flips else v for i, v in enumerate(H[rng.integer(0, 2)])]
        if _adaboost_two_rounds_ok(H, y):
            break
    return {"tA": ts[0], "tB": ts[1], "tC": ts[2], "sA": ss[0], "sB": ss[1], "sC": ss[2],
            "y": np.array(y, dtype=np.int64)}


adaboost_two_rounds_draw.provides = ("tA", "tB", "tC", "sA", "sB", "sC", "y")
