"""Classical classifiers: k-nearest neighbours, decision-tree entropy and information
gain, Naive Bayes posteriors (NumPy only).

Conventions:

* Points are rows of ``X`` (n, d); a query ``q`` is a vector of length d.
  Class labels are whole numbers 0..C-1.
* Distances: ``metric="euclidean"`` (L2), ``"manhattan"`` (L1) or
  ``"sqeuclidean"`` (squared L2, same neighbours as L2).
* k-NN ranks points by distance; equal distances are ranked by the lower
  index (a stable sort).  The vote is a plain majority among the k nearest;
  a tied vote goes to the smallest label.  Problems should exclude ties.
* Entropy ``H = -sum_c p_c log(p_c)`` with ``0 log 0 = 0``, in base 2 (bits)
  unless ``base`` says otherwise (``base=math.e`` for nats).
* Information gain of a split = H(parent) - sum_children (n_child / n) H(child),
  where a split is given as a table of class counts, one row per child.
* Naive Bayes: posterior ``P(y = c | x) = P(c) prod_j P(x_j | c) / sum_c' (...)``.
  The Bernoulli version estimates ``P(x_j = 1 | c) = (count + alpha) /
  (N_c + 2 alpha)`` (alpha = 1: Laplace smoothing) and the prior ``N_c / N``
  (never smoothed).

Functions named ``*_loops`` / ``*_brute`` recompute the same quantities by
explicit loops or another route; they exist to verify the others.
"""

import itertools
import math

import numpy as np

__all__ = [
    "point_distances",
    "knn_neighbors",
    "knn_votes",
    "knn_predict",
    "knn_vote_from_distances",
    "knn_loo_predictions",
    "class_entropy",
    "split_entropy",
    "information_gain",
    "bernoulli_nb_fit",
    "bernoulli_nb_posterior",
    "naive_bayes_posterior",
    "knn_predict_loops",
    "information_gain_brute",
    "naive_bayes_posterior_brute",
    "knn_vote_from_distances_loops",
    "knn_loo_predictions_loops",
    "knn_vote_draw",
    "knn_loo_choose_k_draw",
]

_METRICS = ("euclidean", "manhattan", "sqeuclidean")


def _points(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be 2-D (n, d) with one point per row, got shape {X.shape}")
    return X


def _labels(y, n):
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"y must hold one label per point ({n}), got shape {y.shape}")
    if not np.all((y == np.round(y)) & (y >= 0)):
        raise ValueError("labels must be whole numbers 0, 1, ..., C-1")
    return y.astype(np.int64)


def _k(k, n):
    if int(k) != k or not 1 <= k <= n:
        raise ValueError(f"k must be a whole number in 1..{n}, got {k}")
    return int(k)


def _counts(counts, name="counts"):
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D vector of class counts, got shape "
                         f"{counts.shape}")
    if np.any(counts < 0) or counts.sum() <= 0:
        raise ValueError(f"{name} must be non-negative with a positive total")
    return counts


def _children(children):
    children = np.asarray(children, dtype=float)
    if children.ndim != 2 or children.shape[0] == 0 or children.shape[1] == 0:
        raise ValueError("children must be 2-D: one row of class counts per child, got shape "
                         f"{children.shape}")
    if np.any(children < 0) or np.any(children.sum(axis=1) <= 0):
        raise ValueError("child counts must be non-negative and every child non-empty")
    return children


def _log(base):
    if not base > 0 or base == 1:
        raise ValueError(f"the log base must be positive and not 1, got {base}")
    return math.log(base)


# --------------------------------------------------------------------------
# k-nearest neighbours
# --------------------------------------------------------------------------


def point_distances(X, q, metric="euclidean"):
    """Distances from the query ``q`` (d,) to every row of ``X`` (n, d); returns (n,)."""
    X = _points(X)
    q = np.asarray(q, dtype=float)
    if q.shape != (X.shape[1],):
        raise ValueError(f"q must be a vector of length {X.shape[1]}, got shape {q.shape}")
    diff = X - q
    if metric == "euclidean":
        return np.sqrt(np.sum(diff**2, axis=1))
    if metric == "sqeuclidean":
        return np.sum(diff**2, axis=1)
    if metric == "manhattan":
        return np.sum(np.abs(diff), axis=1)
    raise ValueError(f"metric must be one of {', '.join(_METRICS)}, got {metric!r}")


def knn_neighbors(X, q, k, metric="euclidean"):
    """Indices (from 0) of the ``k`` rows of ``X`` nearest to ``q``, nearest first.

    Equal distances are ranked by the lower index.
    """
    dist = point_distances(X, q, metric)
    k = _k(k, dist.size)
    return np.argsort(dist, kind="stable")[:k]


def knn_votes(X, y, q, k, metric="euclidean", n_classes=None):
    """Votes per class among the ``k`` nearest neighbours of ``q``: a vector (C,).

    ``C`` is ``n_classes`` or, by default, ``max(y) + 1``.
    """
    X = _points(X)
    y = _labels(y, X.shape[0])
    C = int(y.max()) + 1 if n_classes is None else int(n_classes)
    if C <= y.max():
        raise ValueError(f"n_classes = {C} is too small for label {int(y.max())}")
    return np.bincount(y[knn_neighbors(X, q, k, metric)], minlength=C)


def knn_predict(X, y, q, k, metric="euclidean"):
    """The k-NN class of ``q``: the majority label among its ``k`` nearest rows of ``X``.

    A tied vote goes to the smallest label.
    """
    return int(np.argmax(knn_votes(X, y, q, k, metric)))


def knn_vote_from_distances(d, y, k):
    """The k-NN class from given distances ``d`` (n,) to the training points, labels ``y``.

    The ``k`` smallest distances vote (equal distances ranked by the lower index);
    a tied vote goes to the smallest label.
    """
    d = np.asarray(d, dtype=float)
    if d.ndim != 1:
        raise ValueError(f"d must be a vector of distances, got shape {d.shape}")
    y = _labels(y, d.size)
    k = _k(k, d.size)
    return int(np.argmax(np.bincount(y[np.argsort(d, kind="stable")[:k]])))


def knn_loo_predictions(X, y, k, metric="euclidean"):
    """Leave-one-out k-NN predictions (n,): each row classified by the OTHER rows.

    Equal distances are ranked by the lower index; a tied vote goes to the
    smallest label.  The LOO error is ``mean(knn_loo_predictions(...) != y)``.
    """
    X = _points(X)
    y = _labels(y, X.shape[0])
    n = X.shape[0]
    k = _k(k, n - 1)
    keep = ~np.eye(n, dtype=bool)
    return np.array([knn_predict(X[keep[i]], y[keep[i]], X[i], k, metric) for i in range(n)])


# --------------------------------------------------------------------------
# entropy and information gain
# --------------------------------------------------------------------------


def class_entropy(counts, base=2):
    """Entropy of the class distribution given by ``counts`` (C,), in the given log base.

    ``H = -sum_c p_c log(p_c)`` with ``p = counts / sum(counts)`` and ``0 log 0 = 0``.
    """
    counts = _counts(counts)
    p = counts[counts > 0] / counts.sum()
    return float(max(0.0, -np.sum(p * np.log(p)) / _log(base)))


def split_entropy(children, base=2):
    """Weighted entropy after a split: ``sum_children (n_child / n) H(child)``.

    ``children`` is (m, C): row i holds the class counts of child i.
    """
    children = _children(children)
    sizes = children.sum(axis=1)
    return float(sum(s / sizes.sum() * class_entropy(row, base)
                     for s, row in zip(sizes, children, strict=True)))


def information_gain(children, base=2):
    """Information gain of a split: ``H(parent) - split_entropy(children)``.

    ``children`` is (m, C), the class counts of each child; the parent's counts
    are the column sums.
    """
    children = _children(children)
    return float(class_entropy(children.sum(axis=0), base) - split_entropy(children, base))


# --------------------------------------------------------------------------
# Naive Bayes
# --------------------------------------------------------------------------


def bernoulli_nb_fit(X, y, alpha=0, n_classes=None):
    """Fit a Bernoulli Naive Bayes model to binary features ``X`` (n, d) and labels ``y`` (n,).

    Returns ``(priors, theta)``: ``priors[c] = N_c / N`` (C,) and
    ``theta[c, j] = P(x_j = 1 | c) = (#{i: y_i = c, x_ij = 1} + alpha) / (N_c + 2 alpha)``
    (C, d).  ``alpha = 1`` is Laplace smoothing.
    """
    X = _points(X)
    if not np.all((X == 0) | (X == 1)):
        raise ValueError("Bernoulli Naive Bayes needs binary (0/1) features")
    y = _labels(y, X.shape[0])
    C = int(y.max()) + 1 if n_classes is None else int(n_classes)
    if alpha < 0:
        raise ValueError(f"alpha must be >= 0, got {alpha}")
    Nc = np.bincount(y, minlength=C).astype(float)
    ones = np.array([X[y == c].sum(axis=0) for c in range(C)])
    if np.any(Nc + 2 * alpha == 0):
        raise ValueError("a class has no examples and alpha = 0: P(x_j | c) is undefined")
    return Nc / Nc.sum(), (ones + alpha) / (Nc[:, None] + 2 * alpha)


def naive_bayes_posterior(priors, likelihoods):
    """Posterior ``P(c | x)`` from priors (C,) and per-feature likelihoods (C, d).

    ``likelihoods[c, j] = P(x_j = observed value | c)``; the posterior is
    ``priors[c] * prod_j likelihoods[c, j]``, normalised to sum to 1.  Returns (C,).
    """
    priors = np.asarray(priors, dtype=float)
    lik = np.asarray(likelihoods, dtype=float)
    if priors.ndim != 1 or lik.ndim != 2 or lik.shape[0] != priors.size:
        raise ValueError(f"need priors (C,) and likelihoods (C, d), got {priors.shape} and "
                         f"{lik.shape}")
    if np.any(priors < 0) or np.any(lik < 0) or np.any(lik > 1):
        raise ValueError("priors must be >= 0 and likelihoods in [0, 1]")
    joint = priors * np.prod(lik, axis=1)
    if joint.sum() <= 0:
        raise ValueError("every class has probability 0 for this x: the posterior is undefined")
    return joint / joint.sum()


def bernoulli_nb_posterior(X, y, x, alpha=0, n_classes=None):
    """Posterior ``P(c | x)`` (C,) of a Bernoulli Naive Bayes model fitted to ``X``, ``y``.

    ``x`` is a binary query (d,); see ``bernoulli_nb_fit`` for the estimates.
    """
    priors, theta = bernoulli_nb_fit(X, y, alpha, n_classes)
    x = np.asarray(x)
    if x.shape != (theta.shape[1],) or not np.all((x == 0) | (x == 1)):
        raise ValueError(f"x must be a binary vector of length {theta.shape[1]}")
    return naive_bayes_posterior(priors, np.where(x == 1, theta, 1 - theta))


# --------------------------------------------------------------------------
# independent checks
# --------------------------------------------------------------------------


def knn_predict_loops(X, y, q, k, metric="euclidean"):
    """k-NN prediction by explicit loops (checks ``knn_predict``).

    Computes each distance coordinate by coordinate, selects the k nearest by
    repeated minimum search (lower index first among equals), counts the votes
    in a dict and returns the label with most votes (smallest label on a tie).
    """
    X = np.asarray(X, dtype=float)
    n, d = X.shape
    dist = []
    for i in range(n):
        total = 0.0
        for t in range(d):
            diff = X[i, t] - q[t]
            total += abs(diff) if metric == "manhattan" else diff * diff
        dist.append(math.sqrt(total) if metric == "euclidean" else total)
    return knn_vote_from_distances_loops(dist, y, k)


def information_gain_brute(children, base=2):
    """Information gain as the mutual information I(split; class) (checks ``information_gain``).

    Sums ``p(s, c) log(p(s, c) / (p(s) p(c)))`` over the joint table of child s
    and class c, with explicit loops; no entropy is computed.
    """
    children = np.asarray(children, dtype=float)
    n = children.sum()
    m, C = children.shape
    total = 0.0
    for s in range(m):
        ps = children[s].sum() / n
        for c in range(C):
            pc = children[:, c].sum() / n
            p = children[s, c] / n
            if p > 0:
                total += p * math.log(p / (ps * pc))
    return total / math.log(base)


def naive_bayes_posterior_brute(X, y, x, alpha=0):
    """Bernoulli Naive Bayes posterior by sequential Bayesian updating, with loops.

    Checks ``bernoulli_nb_posterior``: starts from the class frequencies, then for
    each feature in turn multiplies by that feature's smoothed likelihood (counted
    from the rows of ``X`` by explicit loops) and renormalises.  The order of the
    updates does not matter, so agreement with the one-shot formula is evidence
    that both are right.  Labels are 0..C-1.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    n, d = X.shape
    C = int(max(y)) + 1
    post = [0.0] * C
    for i in range(n):
        post[int(y[i])] += 1.0 / n
    for j in range(d):
        for c in range(C):
            nc = ones = 0
            for i in range(n):
                if y[i] == c:
                    nc += 1
                    ones += int(X[i, j] == 1)
            p1 = (ones + alpha) / (nc + 2 * alpha)
            post[c] *= p1 if x[j] == 1 else 1 - p1
        total = sum(post)
        if total <= 0:
            raise ValueError("every class has probability 0 for this x")
        post = [p / total for p in post]
    return np.array(post)


def knn_vote_from_distances_loops(d, y, k):
    """Checks ``knn_vote_from_distances``: repeated minimum search and a vote dict."""
    d = [float(v) for v in d]
    chosen = []
    for _ in range(k):
        best = None
        for i in range(len(d)):
            if i not in chosen and (best is None or d[i] < d[best]):
                best = i
        chosen.append(best)
    votes = {}
    for i in chosen:
        votes[int(y[i])] = votes.get(int(y[i]), 0) + 1
    top = max(votes.values())
    return min(label for label, v in votes.items() if v == top)


def knn_loo_predictions_loops(X, y, k, metric="euclidean"):
    """Checks ``knn_loo_predictions``: drops each row in a loop, classifies it by loops.

    Each row is removed with a Python list of the other indices and classified
    by ``knn_predict_loops`` on the rest.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    out = []
    for i in range(X.shape[0]):
        rest = [j for j in range(X.shape[0]) if j != i]
        out.append(knn_predict_loops(X[rest], y[rest], X[i], k, metric))
    return np.array(out)


# --------------------------------------------------------------------------
# parameter generator: draw knn-vote's points, labels and query so its constraints hold
# (the family's YAML constraints still check every variant)
# --------------------------------------------------------------------------


def _knn_vote_ok(X, y, q, k, metric, labels=True):
    """knn-vote's constraints for points ``X`` (list of (a, b)), labels, query, k, metric
    (without ``labels``, only those on the points and the query)."""
    sq = [(a - q[0]) ** 2 + (b - q[1]) ** 2 for a, b in X]
    ab = [abs(a - q[0]) + abs(b - q[1]) for a, b in X]
    if min(ab) == 0:
        return False
    eu = [math.sqrt(v) for v in sq]
    dd, do = (eu, ab) if metric == "euclidean" else (ab, eu)
    sd, so = sorted(dd), sorted(do)
    if not (sd[k - 2] < sd[k - 1] < sd[k] and abs(so[k - 1] - sd[k - 1]) > 1e-6
            and (metric == "manhattan" or sorted(sq)[k - 1] > 1)):
        return False
    near = sorted(range(len(X)), key=lambda i: (dd[i], i))[:k]
    other = sorted(range(len(X)), key=lambda i: (do[i], i))[:k]
    if sorted(near) == sorted(other):
        return False
    votes = [sum(y[i] == c for i in near) for c in range(3)]
    return not labels or votes.count(max(votes)) == 1


def knn_vote_draw(rng, params):
    """Draws X (7 distinct points of the grid 0..6 x 0..6), y (0..2) and q of knn-vote.

    The points and the query are redrawn until, for the family's ``params["k"]`` and
    ``params["metric"]``, the k nearest are unique and the other metric picks other
    neighbours. The labels are then chosen, uniformly, among every labelling of the seven
    points whose k-NN vote has one winner that each catalogued slip misses: the class of
    the single nearest point, the majority of all seven points, and the k-NN vote under
    the other metric all differ from it (so a student making one of those slips is never
    marked right). The last draw is returned if none fits: the YAML constraints decide.
    """
    k, metric = int(params["k"]), str(params["metric"])
    X: list[tuple[int, int]] = []
    q = (0, 0)
    for _ in range(3000):
        X = [divmod(c, 7) for c in rng.shuffled(range(49))[:7]]
        q = (rng.integer(1, 5), rng.integer(1, 5))
        if not _knn_vote_ok(X, [0, 1, 2, 0, 1, 2, 0], q, k, metric, labels=False):
            continue
        good = _knn_vote_labellings(X, q, k, metric)
        if len(good):
            y = good[rng.integer(0, len(good) - 1)]
            return {"X": np.array(X, dtype=np.int64), "y": np.array(y, dtype=np.int64),
                    "q": np.array(q, dtype=np.int64)}
    return {"X": np.array(X, dtype=np.int64), "y": np.zeros(7, dtype=np.int64),
            "q": np.array(q, dtype=np.int64)}


def _knn_vote_labellings(X, q, k, metric):
    """Every labelling (0..2) of the points that knn_vote_draw may use (see there), as
    rows of an array."""
    sq = np.array([(a - q[0]) ** 2 + (b - q[1]) ** 2 for a, b in X], dtype=float)
    ab = np.array([abs(a - q[0]) + abs(b - q[1]) for a, b in X], dtype=float)
    dd, do = (np.sqrt(sq), ab) if metric == "euclidean" else (ab, np.sqrt(sq))
    near = np.argsort(dd, kind="stable")[:k]
    other = np.argsort(do, kind="stable")[:k]
    every = np.array(list(itertools.product(range(3), repeat=len(X))))

    def votes(cols):
        return (every[:, cols][:, :, None] == np.arange(3)).sum(axis=1)

    v = votes(near)
    pred = v.argmax(axis=1)
    unique = (v == v.max(axis=1, keepdims=True)).sum(axis=1) == 1
    ok = (unique & (every[:, int(np.argmin(dd))] != pred)
          & (votes(np.arange(len(X))).argmax(axis=1) != pred)
          & (votes(other).argmax(axis=1) != pred))
    return every[ok]


knn_vote_draw.provides = ("X", "y", "q")


def _knn_vote_manhattan(points, labels, q, k):
    """The k-NN class (Manhattan, lower index first on equal distances, a tied vote to the
    smaller label) of ``q`` among ``points`` with 0/1 ``labels``."""
    dist = [abs(a - q[0]) + abs(b - q[1]) for a, b in points]
    near = sorted(range(len(points)), key=lambda i: (dist[i], i))[:k]
    ones = sum(labels[i] for i in near)
    return int(ones > k - ones)


def _knn_loo_choose_k_ok(X, y, q):
    """knn-loo-choose-k's constraints for 6 distinct points ``X`` off the query ``q``."""
    d = sorted(abs(a - q[0]) + abs(b - q[1]) for a, b in X)
    if not (2 <= sum(y) <= 4 and d[0] < d[1] and d[2] < d[3]):
        return False
    if _knn_vote_manhattan(X, y, q, 3) == _knn_vote_manhattan(X, y, q, 1):
        return False
    if all((a - q[0]) ** 2 + (b - q[1]) ** 2 == abs(a - q[0]) + abs(b - q[1]) for a, b in X):
        return False
    errors = []
    for k in (1, 3):
        wrong = sum(_knn_vote_manhattan(X[:i] + X[i + 1:], y[:i] + y[i + 1:], X[i], k) != y[i]
                    for i in range(6))
        errors.append(wrong)
    return errors[0] != errors[1] and 0 not in errors and 3 not in errors


def knn_loo_choose_k_draw(rng, params):
    """Draws X (6 distinct points of the grid 0..4 x 0..4), y (0/1) and q of knn-loo-choose-k.

    The query q is a grid point that is none of X. They are redrawn until the family's
    constraints hold (no tie at the 1st and 3rd nearest, 1-NN and 3-NN disagree at q, the
    leave-one-out errors differ and are neither 0 nor 1/2). The last draw is returned if
    none fits: the YAML constraints decide.
    """
    for _ in range(3000):
        cells = rng.shuffled(range(25))[:7]
        X = [divmod(c, 5) for c in cells[:6]]
        q = divmod(cells[6], 5)
        y = [rng.integer(0, 1) for _ in range(6)]
        if _knn_loo_choose_k_ok(X, y, q):
            break
    return {"X": np.array(X, dtype=np.int64), "y": np.array(y, dtype=np.int64),
            "q": np.array(q, dtype=np.int64)}


knn_loo_choose_k_draw.provides = ("X", "y", "q")
