"""Clustering: hierarchical (agglomerative) linkage, k-means runs, 1-D Gaussian mixtures (EM).

Conventions:

* Points are numbered from 1 in the problems; arrays here are indexed from 0.
* Hierarchical clustering starts from singletons and merges, at each step, the two
  clusters at the smallest cluster distance: ``single`` (the closest pair of members),
  ``complete`` (the farthest pair) or ``average`` (the mean over all member pairs,
  UPGMA); ``weighted`` (WPGMA: the mean of the two merged clusters' old distances,
  whatever their sizes) is there to model a mistake.  The references update the
  distance matrix after each merge by the Lance-Williams formulas; the checks recompute
  every cluster distance from the original point distances.  A partition is reported as
  labels: each point gets the (1-based)
  number of the lowest-numbered point of its cluster, e.g. ``[1, 2, 1, 4, 2]``.
* k-means (Lloyd): assign each point to the nearest centroid (squared Euclidean distance;
  equal distances go to the lower index), then move each centroid to the mean of its
  points (an empty cluster keeps its centroid).  Points are rows of ``X`` (n, d), or a
  1-D array of numbers.
* 1-D Gaussian mixture, component k: weight ``pi_k``, mean ``mu_k``, VARIANCE ``var_k``.
  E-step: ``r_ik = pi_k N(x_i; mu_k, var_k) / sum_j pi_j N(x_i; mu_j, var_j)``.
  M-step: ``N_k = sum_i r_ik``, ``pi_k = N_k / n``, ``mu_k = sum_i r_ik x_i / N_k``,
  ``var_k = sum_i r_ik (x_i - mu_k)^2 / N_k`` about the NEW mean ``mu_k``.

Functions named ``*_loops`` / ``*_brute`` recompute the same quantities by explicit
loops or another route (enumeration, a one-dimensional search); they exist to verify
the others and never call them.
"""

import math

import numpy as np

__all__ = [
    "hc_merges",
    "hc_heights",
    "hc_labels",
    "hc_first_merge_row",
    "hc_has_ties",
    "hc_smallest_distances",
    "hc_steps_text",
    "hc_join_height",
    "hc_first_merge_others",
    "lloyd_run",
    "lloyd_moving_iterations",
    "lloyd_labels",
    "lloyd_objective",
    "lloyd_has_ties",
    "lloyd_trace_text",
    "km_assigned_objective",
    "km_cluster_means",
    "gmm1d_responsibilities",
    "gmm1d_log_odds",
    "gmm1d_mstep",
    "hc_heights_brute",
    "hc_labels_brute",
    "hc_join_height_brute",
    "lloyd_run_loops",
    "lloyd_objective_loops",
    "lloyd_moving_iterations_loops",
    "km_assigned_objective_loops",
    "km_cluster_means_loops",
    "gmm1d_responsibilities_loops",
    "gmm1d_mstep_brute",
    "hc_average_linkage_draw",
    "hc_single_complete_draw",
    "kmeans_lloyd_draw",
]

METHODS = ("single", "complete", "average", "weighted")


def _distances(D):
    D = np.asarray(D, dtype=float)
    if D.ndim != 2 or D.shape[0] != D.shape[1] or D.shape[0] < 2:
        raise ValueError(f"a distance matrix must be square (n, n) with n >= 2, got {D.shape}")
    if not np.allclose(D, D.T) or np.any(np.diag(D) != 0) or np.any(D < 0):
        raise ValueError("a distance matrix must be symmetric, non-negative, zero on the diagonal")
    return D


def _method(method):
    if method not in METHODS:
        raise ValueError(f"linkage must be one of {', '.join(METHODS)}, got {method!r}")
    return method


# --------------------------------------------------------------------------
# hierarchical clustering
# --------------------------------------------------------------------------


def _lance_williams(D, method):
    """All n - 1 merges ``(members_a, members_b, height)`` by distance-matrix updates."""
    D = _distances(D)
    _method(method)
    clusters = [[i] for i in range(D.shape[0])]
    M = D.copy()
    merges = []
    while len(clusters) > 1:
        m = len(clusters)
        masked = M + np.diag(np.full(m, np.inf))
        a, b = np.unravel_index(np.argmin(masked), masked.shape)
        a, b = min(a, b), max(a, b)
        na, nb = len(clusters[a]), len(clusters[b])
        if method == "single":
            row = np.minimum(M[a], M[b])
        elif method == "complete":
            row = np.maximum(M[a], M[b])
        elif method == "weighted":  # WPGMA: the two old distances count equally
            row = (M[a] + M[b]) / 2
        else:
            row = (na * M[a] + nb * M[b]) / (na + nb)
        merges.append((sorted(clusters[a]), sorted(clusters[b]), float(M[a, b])))
        M[a], M[:, a] = row, row
        M[a, a] = 0.0
        keep = [i for i in range(m) if i != b]
        M = M[np.ix_(keep, keep)]
        clusters[a] = clusters[a] + clusters[b]
        del clusters[b]
    return merges


def _partition_labels(groups, n):
    labels = np.zeros(n, dtype=np.int64)
    for g in groups:
        labels[list(g)] = min(g) + 1
    return labels


def hc_merges(D, method="single"):
    """The n - 1 merges of agglomerative clustering: ``[(members_a, members_b, height)]``.

    Members are 0-based point indices (sorted); the height is the linkage distance
    between the two clusters when they merge.
    """
    return _lance_williams(D, method)


def hc_heights(D, method="single"):
    """Merge heights (n - 1,) of agglomerative clustering, in merge order."""
    return np.array([h for _, _, h in _lance_williams(D, method)])


def hc_labels(D, method="single", k=2):
    """Partition into ``k`` clusters (stop after n - k merges) as 1-based labels (n,).

    Each point is labelled with the number of the lowest-numbered point in its cluster.
    """
    D = _distances(D)
    n = D.shape[0]
    if int(k) != k or not 1 <= k <= n:
        raise ValueError(f"k must be a whole number in 1..{n}, got {k}")
    groups = [{i} for i in range(n)]
    for a, b, _ in _lance_williams(D, method)[: n - int(k)]:
        ga = next(g for g in groups if a[0] in g)
        gb = next(g for g in groups if b[0] in g)
        groups.remove(gb)
        ga |= gb
    return _partition_labels(groups, n)


def hc_first_merge_row(D, method="average"):
    """Linkage distances (n - 2,) from the first merged cluster to every other point.

    The other points are listed in their original order.
    """
    D = _distances(D)
    a, b, _ = _lance_williams(D, "single")[0]  # the first merge is the closest pair
    i, j = a[0], b[0]
    rest = [t for t in range(D.shape[0]) if t not in (i, j)]
    if _method(method) == "single":
        return np.minimum(D[i, rest], D[j, rest])
    if method == "complete":
        return np.maximum(D[i, rest], D[j, rest])
    return (D[i, rest] + D[j, rest]) / 2


def hc_first_merge_others(D):
    """The points (0-based, in order) not in the first merge, the closest pair."""
    D = _distances(D)
    a, b, _ = _lance_williams(D, "single")[0]
    return np.array([t for t in range(D.shape[0]) if t not in (a[0], b[0])])


def hc_has_ties(D, method="single", gap=1e-9):
    """True when some merge step has two candidate pairs at the same smallest distance."""
    D = _distances(D)
    _method(method)
    clusters = [[i] for i in range(D.shape[0])]
    while len(clusters) > 1:
        m = len(clusters)
        dist = {}
        for p in range(m):
            for q in range(p + 1, m):
                block = D[np.ix_(clusters[p], clusters[q])]
                dist[p, q] = {"single": block.min(), "complete": block.max(),
                              "average": block.mean()}[method]
        values = sorted(dist.values())
        if len(values) > 1 and values[1] - values[0] <= gap:
            return True
        p, q = min(dist, key=dist.get)
        clusters[p] = clusters[p] + clusters[q]
        del clusters[q]
    return False


def hc_smallest_distances(D, m):
    """The ``m`` smallest point-to-point distances of ``D`` (above the diagonal), ascending."""
    D = _distances(D)
    return np.sort(D[np.triu_indices(D.shape[0], 1)])[: int(m)]


def hc_join_height(D, method, i, j):
    """The merge height at which points ``i`` and ``j`` (0-based) first share a cluster."""
    for a, b, h in _lance_williams(D, method):
        if (i in a and j in b) or (i in b and j in a):
            return h
    raise ValueError("i and j must be two different points")


def _set_text(members):
    return "{" + ", ".join(f"P{i + 1}" for i in members) + "}"


def hc_steps_text(D, method="single"):
    """The merges as text, one per line: step, the two clusters joined and the height."""
    lines = []
    for step, (a, b, h) in enumerate(_lance_williams(D, method), 1):
        height = f"{h:g}" if float(h).is_integer() else f"{h:.4g}"
        lines.append(f"step {step}: {_set_text(a)} + {_set_text(b)} at height {height}")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# k-means runs
# --------------------------------------------------------------------------


def _points(X):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be (n,) numbers or (n, d) points as rows, got {X.shape}")
    return X


def _lloyd(X, C0, iters):
    """``(centroids after the run, labels used by the last iteration, iterations run)``."""
    flat = np.asarray(C0).ndim == 1
    X = _points(X)
    C = _points(C0).copy()
    if C.shape[1] != X.shape[1]:
        raise ValueError(f"centroids must have {X.shape[1]} coordinates, got {C.shape[1]}")
    labels, done = None, 0
    limit = 100 if iters is None else int(iters)
    while done < limit:
        new_labels = np.argmin(np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2), axis=1)
        if iters is None and labels is not None and np.array_equal(new_labels, labels):
            break
        labels = new_labels
        C = np.array([X[labels == j].mean(axis=0) if np.any(labels == j) else C[j]
                      for j in range(C.shape[0])])
        done += 1
    return (C[:, 0] if flat else C), labels, done


def lloyd_run(X, C0, iters=None):
    """Centroids after ``iters`` k-means iterations from ``C0`` (None: until converged).

    Shaped like ``C0``: (k,) for 1-D data, (k, d) for points as rows.
    """
    return _lloyd(X, C0, iters)[0]


def lloyd_moving_iterations(X, C0):
    """How many k-means iterations from ``C0`` change the assignment (and so the centroids).

    The final pass that only confirms the assignment is not counted.
    """
    return _lloyd(X, C0, None)[2]


def lloyd_labels(X, C):
    """Index (from 0) of the nearest centroid of each point: (n,)."""
    X = _points(X)
    C = _points(C)
    return np.argmin(np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2), axis=1)


def lloyd_objective(X, C):
    """k-means objective with each point at its NEAREST centroid: sum of squared distances."""
    X = _points(X)
    C = _points(C)
    return float(np.sum(np.min(np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2), axis=1)))


def lloyd_has_ties(X, C0, gap=1e-9):
    """True when some iteration from ``C0`` meets a tie or leaves a cluster empty.

    A tie is a point equidistant from its two nearest centroids; either makes a hand
    trace ambiguous.
    """
    X = _points(X)
    C = _points(C0).copy()
    labels = None
    for _ in range(100):
        d2 = np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2)
        two = np.sort(d2, axis=1)[:, :2]
        if np.any(two[:, 1] - two[:, 0] <= gap):
            return True
        new = np.argmin(d2, axis=1)
        if len(np.unique(new)) < C.shape[0]:
            return True
        if labels is not None and np.array_equal(new, labels):
            return False
        labels = new
        C = np.array([X[labels == j].mean(axis=0) for j in range(C.shape[0])])
    return True


def _frac(v):
    from fractions import Fraction

    f = Fraction(float(v)).limit_denominator(60)
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def lloyd_trace_text(x, c0):
    """A 1-D k-means run as text: per iteration, each cluster's points and its new centroid."""
    x = np.asarray(x, dtype=float).ravel()
    C = np.asarray(c0, dtype=float).ravel().copy()
    lines, labels = [], None
    for it in range(1, 101):
        new = np.argmin((x[:, None] - C[None, :]) ** 2, axis=1)
        if labels is not None and np.array_equal(new, labels):
            lines.append(f"iteration {it}: the same clusters as before, so nothing moves: "
                         "converged")
            break
        labels = new
        parts = []
        for j in range(C.size):
            pts = np.sort(x[labels == j])
            if pts.size:
                C[j] = pts.mean()
            members = ", ".join(_frac(v) for v in pts)
            parts.append(f"c{j + 1}: {{{members}}} -> {_frac(C[j])}")
        lines.append(f"iteration {it}: " + ";  ".join(parts))
    return "\n".join(lines)


def km_assigned_objective(X, z, C):
    """k-means objective of a GIVEN assignment: ``sum_i ||x_i - C[z_i]||^2`` (z from 0)."""
    X = _points(X)
    C = _points(C)
    z = np.asarray(z)
    if z.shape != (X.shape[0],) or np.any(z < 0) or np.any(z >= C.shape[0]) \
            or np.any(z != np.round(z)):
        raise ValueError(f"z must hold {X.shape[0]} cluster indices in 0..{C.shape[0] - 1}")
    return float(np.sum((X - C[z.astype(np.int64)]) ** 2))


def km_cluster_means(X, z, k):
    """The mean of each cluster of a given assignment (k, d); NaN for an empty cluster."""
    X = _points(X)
    z = np.asarray(z)
    return np.array([X[z == j].mean(axis=0) if np.any(z == j) else np.full(X.shape[1], np.nan)
                     for j in range(int(k))])


# --------------------------------------------------------------------------
# 1-D Gaussian mixtures
# --------------------------------------------------------------------------


def _mixture(pi, mu, var):
    pi, mu, var = (np.asarray(v, dtype=float).ravel() for v in (pi, mu, var))
    if not pi.shape == mu.shape == var.shape or pi.size == 0:
        raise ValueError("pi, mu and var need one entry per component")
    if np.any(pi <= 0) or not math.isclose(pi.sum(), 1.0) or np.any(var <= 0):
        raise ValueError("weights must be positive and sum to 1; variances positive")
    return pi, mu, var


def gmm1d_responsibilities(x, pi, mu, var):
    """E-step: responsibilities (n, K), row i the posterior of each component given x_i."""
    pi, mu, var = _mixture(pi, mu, var)
    x = np.asarray(x, dtype=float).ravel()
    dens = pi * np.exp(-((x[:, None] - mu) ** 2) / (2 * var)) / np.sqrt(2 * np.pi * var)
    return dens / dens.sum(axis=1, keepdims=True)


def gmm1d_log_odds(x, pi, mu, var):
    """Posterior log-odds ``ln(r_1 / r_2)`` of a two-component mixture at each x (natural log)."""
    pi, mu, var = _mixture(pi, mu, var)
    if pi.size != 2:
        raise ValueError("log-odds need exactly two components")
    x = np.asarray(x, dtype=float)
    logp = (np.log(pi) - 0.5 * np.log(var)
            - (np.asarray(x)[..., None] - mu) ** 2 / (2 * var))
    return logp[..., 0] - logp[..., 1]


def gmm1d_mstep(x, R):
    """M-step: ``(pi, mu, var)`` from responsibilities ``R`` (n, K); var about the NEW means."""
    x = np.asarray(x, dtype=float).ravel()
    R = np.asarray(R, dtype=float)
    if R.ndim != 2 or R.shape[0] != x.size:
        raise ValueError(f"R must be ({x.size}, K), got {R.shape}")
    Nk = R.sum(axis=0)
    if np.any(Nk <= 0):
        raise ValueError("every component needs a positive total responsibility")
    mu = R.T @ x / Nk
    var = np.sum(R * (x[:, None] - mu) ** 2, axis=0) / Nk
    return Nk / x.size, mu, var


# --------------------------------------------------------------------------
# independent checks
# --------------------------------------------------------------------------


def _agglomerate_pairs(D, method):
    """Merges recomputed from the ORIGINAL point distances at every step, by loops."""
    D = [[float(v) for v in row] for row in np.asarray(D, dtype=float)]
    clusters = [[i] for i in range(len(D))]
    out = []
    while len(clusters) > 1:
        best = None
        for p in range(len(clusters)):
            for q in range(p + 1, len(clusters)):
                pair = [D[i][j] for i in clusters[p] for j in clusters[q]]
                if method == "single":
                    d = min(pair)
                elif method == "complete":
                    d = max(pair)
                else:
                    d = sum(pair) / len(pair)
                if best is None or d < best[0]:
                    best = (d, p, q)
        d, p, q = best
        out.append((list(clusters), d))
        clusters[p] = clusters[p] + clusters[q]
        del clusters[q]
    out.append((list(clusters), None))
    return out


def hc_heights_brute(D, method="single"):
    """Merge heights by recomputing each cluster distance from all member pairs (loops)."""
    return np.array([d for _, d in _agglomerate_pairs(D, method)[:-1]])


def hc_labels_brute(D, method="single", k=2):
    """The k-cluster partition by recomputing cluster distances from member pairs (loops)."""
    n = len(D)
    clusters = _agglomerate_pairs(D, method)[n - int(k)][0]
    labels = [0] * n
    for c in clusters:
        for i in c:
            labels[i] = min(c) + 1
    return np.array(labels)


def hc_join_height_brute(D, method, i, j):
    """The height where points i and j first share a cluster, by recomputing from pairs."""
    last = None
    for clusters, d in _agglomerate_pairs(D, method):
        if any(i in c and j in c for c in clusters):
            return last
        last = d
    raise ValueError("i and j must be two different points")


def lloyd_run_loops(X, C0, iters=None):
    """k-means run by explicit loops over points, centroids and coordinates."""
    flat = np.asarray(C0).ndim == 1
    X = [[float(v)] for v in X] if np.asarray(X).ndim == 1 else \
        [[float(v) for v in row] for row in X]
    C = [[float(v)] for v in C0] if flat else [[float(v) for v in row] for row in C0]
    previous, done = None, 0
    while iters is None or done < iters:
        labels = []
        for p in X:
            dists = [sum((a - b) ** 2 for a, b in zip(p, c, strict=True)) for c in C]
            labels.append(dists.index(min(dists)))
        if iters is None and labels == previous:
            break
        for j in range(len(C)):
            members = [p for p, lab in zip(X, labels, strict=True) if lab == j]
            if members:
                C[j] = [sum(col) / len(members) for col in zip(*members, strict=True)]
        previous, done = labels, done + 1
        if done > 100:
            break
    return np.array([c[0] for c in C]) if flat else np.array(C)


def lloyd_objective_loops(X, C):
    """k-means objective by loops: each point's smallest squared distance, summed."""
    X = [[float(v)] for v in X] if np.asarray(X).ndim == 1 else \
        [[float(v) for v in row] for row in X]
    C = [[float(v)] for v in C] if np.asarray(C).ndim == 1 else \
        [[float(v) for v in row] for row in C]
    total = 0.0
    for p in X:
        total += min(sum((a - b) ** 2 for a, b in zip(p, c, strict=True)) for c in C)
    return total


def lloyd_moving_iterations_loops(X, C0):
    """Iterations that change the 1-D or n-D centroids, counted by loops (checks the count)."""
    count, previous = 0, [list(np.atleast_1d(c)) for c in np.asarray(C0, dtype=float)]
    X = [list(np.atleast_1d(p)) for p in np.asarray(X, dtype=float)]
    for _ in range(100):
        C = [list(c) for c in previous]
        labels = []
        for p in X:
            dists = [sum((a - b) ** 2 for a, b in zip(p, c, strict=True)) for c in C]
            labels.append(dists.index(min(dists)))
        for j in range(len(C)):
            members = [p for p, lab in zip(X, labels, strict=True) if lab == j]
            if members:
                C[j] = [sum(col) / len(members) for col in zip(*members, strict=True)]
        if C == previous:
            return count
        count, previous = count + 1, C
    return count


def km_assigned_objective_loops(X, z, C):
    """The objective of a given assignment by loops over points and coordinates."""
    total = 0.0
    for p, j in zip(np.atleast_2d(np.asarray(X, dtype=float)), z, strict=True):
        c = np.atleast_1d(np.asarray(C, dtype=float)[int(j)])
        total += sum((float(a) - float(b)) ** 2 for a, b in zip(p, c, strict=True))
    return total


def km_cluster_means_loops(X, z, k):
    """Cluster means by running sums and counts, in loops."""
    X = [[float(v) for v in row] for row in np.asarray(X, dtype=float)]
    out = []
    for j in range(int(k)):
        total, count = [0.0] * len(X[0]), 0
        for p, lab in zip(X, z, strict=True):
            if int(lab) == j:
                total = [t + v for t, v in zip(total, p, strict=True)]
                count += 1
        out.append([t / count for t in total])
    return np.array(out)


def gmm1d_responsibilities_loops(x, pi, mu, var):
    """E-step by loops with math.exp, the Gaussian density written out per point."""
    out = []
    for xi in np.asarray(x, dtype=float).ravel():
        w = [p * math.exp(-(xi - m) ** 2 / (2 * v)) / math.sqrt(2 * math.pi * v)
             for p, m, v in zip(np.ravel(pi), np.ravel(mu), np.ravel(var), strict=True)]
        total = sum(w)
        out.append([wk / total for wk in w])
    return np.array(out)


def _ternary_max(f, lo, hi, steps=200):
    for _ in range(steps):
        a, b = lo + (hi - lo) / 3, hi - (hi - lo) / 3
        if f(a) < f(b):
            lo = a
        else:
            hi = b
    return (lo + hi) / 2


def gmm1d_mstep_brute(x, R):
    """M-step as the maximiser of the expected complete log-likelihood, searched numerically.

    Each parameter is found by a ternary search of the (concave) expected log-likelihood
    Q: the weight pi_1 of a two-component mixture (pi_2 = 1 - pi_1), each mean, then each
    variance with its mean fixed at the maximiser just found.  Returns ``(pi, mu, var)``.
    """
    xs = [float(v) for v in np.asarray(x, dtype=float).ravel()]
    R = [[float(v) for v in row] for row in np.asarray(R, dtype=float)]
    K = len(R[0])
    if K == 2:
        n1 = sum(row[0] for row in R)
        n2 = sum(row[1] for row in R)
        p1 = _ternary_max(lambda p: n1 * math.log(p) + n2 * math.log(1 - p), 1e-12, 1 - 1e-12)
        pis = [p1, 1 - p1]
    else:
        raise ValueError("the weight search handles two components")
    lo, hi = min(xs) - 1.0, max(xs) + 1.0
    mus, vs = [], []
    for k in range(K):
        def q_mean(m, k=k):
            return -sum(row[k] * (xi - m) ** 2 for row, xi in zip(R, xs, strict=True))
        m = _ternary_max(q_mean, lo, hi)

        def q_var(v, k=k, m=m):
            return sum(row[k] * (-0.5 * math.log(v) - (xi - m) ** 2 / (2 * v))
                       for row, xi in zip(R, xs, strict=True))
        vs.append(_ternary_max(q_var, 1e-9, (hi - lo) ** 2 + 1.0))
        mus.append(m)
    return np.array(pis), np.array(mus), np.array(vs)


# --------------------------------------------------------------------------
# parameter generator: draw hc-average-linkage's distances so its constraints hold
# (the family's YAML constraints still check every variant; this only makes drawing
# fast, with a plain-Python linkage for 5 points instead of the array one)
# --------------------------------------------------------------------------

_HC_PAIRS = [(i, j) for i in range(5) for j in range(i + 1, 5)]  # the order of v0..v9


def _hc_quick(d, method):
    """Merges ``[(members_a, members_b, height)]`` of 5 points with pair distances ``d``
    (a dict over i < j), and whether some merge step had a tie (Lance-Williams updates)."""
    clusters = [[i] for i in range(5)]
    M = {(a, b): d[a, b] for a, b in _HC_PAIRS}
    merges, tie = [], False
    while len(clusters) > 1:
        m = len(clusters)
        pairs = sorted((M[a, b], a, b) for a in range(m) for b in range(a + 1, m))
        h, a, b = pairs[0]
        tie = tie or (len(pairs) > 1 and pairs[1][0] - h <= 1e-9)
        na, nb = len(clusters[a]), len(clusters[b])
        row = {}
        for k in range(m):
            if k in (a, b):
                continue
            x, y = M[min(a, k), max(a, k)], M[min(b, k), max(b, k)]
            row[k] = {"single": min(x, y), "complete": max(x, y), "weighted": (x + y) / 2,
                      "average": (na * x + nb * y) / (na + nb)}[method]
        merges.append((clusters[a], clusters[b], h))
        clusters[a] = clusters[a] + clusters[b]
        del clusters[b]
        old = M
        M = {}
        for p in range(m - 1):
            for q in range(p + 1, m - 1):
                op, oq = p + (p >= b), q + (q >= b)  # indices before removing b
                M[p, q] = row[oq] if op == a else row[op] if oq == a else old[op, oq]
    return merges, tie


def _hc_join(merges, i, j):
    """The height of the merge that first puts points i and j in one cluster."""
    return next(h for a, b, h in merges if (i in a and j in b) or (i in b and j in a))


def _hc_two(merges, k=2):
    """P1's cluster (a set of 0-based points) when the 5 points stop at ``k`` clusters."""
    groups = [{i} for i in range(5)]
    for a, b, _ in merges[:5 - k]:
        ga = next(g for g in groups if a[0] in g)
        gb = next(g for g in groups if b[0] in g)
        groups.remove(gb)
        ga |= gb
    return next(g for g in groups if 0 in g)


def _hc_average_linkage_ok(d, p, q):
    """hc-average-linkage's constraints for pair distances ``d`` and the points p < q."""
    ma, tie = _hc_quick(d, "average")
    jh = _hc_join(ma, p, q)
    if tie or jh <= d[p, q] + 0.01:
        return False
    two = _hc_two(ma)

    def differ(other):
        return any(abs(x[2] - y[2]) > 0.01 for x, y in zip(ma, other, strict=True))

    ms = _hc_quick(d, "single")[0]
    if _hc_two(ms) == two or not differ(ms) or abs(_hc_join(ms, p, q) - jh) <= 0.01:
        return False
    mc = _hc_quick(d, "complete")[0]
    if _hc_two(mc) == two or not differ(mc):
        return False
    mw = _hc_quick(d, "weighted")[0]
    return differ(mw) and abs(_hc_join(mw, p, q) - jh) > 0.01


def hc_average_linkage_draw(rng, params):
    """Draws the ten distinct distances v0..v9 (1..20) of hc-average-linkage.

    v0..v9 are d(P1, P2), d(P1, P3), ..., d(P4, P5). They are redrawn until average
    linkage has no tie, WPGMA, single and complete linkage give other heights and other
    2-cluster partitions, and the points ``params["pa"]``, ``params["pb"]`` join above
    their own distance at a height single linkage and WPGMA do not give. The last draw is
    returned if none fits: the YAML constraints decide.
    """
    p, q = sorted((int(params["pa"]), int(params["pb"])))
    for _ in range(3000):
        values = rng.shuffled(range(1, 21))[:10]
        d = dict(zip(_HC_PAIRS, values, strict=True))
        if _hc_average_linkage_ok(d, p, q):
            break
    return {f"v{k}": v for k, v in enumerate(values)}


hc_average_linkage_draw.provides = tuple(f"v{k}" for k in range(10))


def hc_single_complete_draw(rng, params):
    """Draws the ten distinct distances v0..v9 (1..20) of hc-single-complete.

    v0..v9 are d(P1, P2), d(P1, P3), ..., d(P4, P5). They are redrawn until single and
    complete linkage stop at different 2-cluster partitions, neither's merge heights are
    the four smallest distances, and stopping at three clusters changes P1's cluster for
    both. The last draw is returned if none fits: the YAML constraints decide.
    """
    for _ in range(3000):
        values = rng.shuffled(range(1, 21))[:10]
        d = dict(zip(_HC_PAIRS, values, strict=True))
        ms, mc = _hc_quick(d, "single")[0], _hc_quick(d, "complete")[0]
        small4 = sorted(values)[:4]
        if (_hc_two(ms) != _hc_two(mc)
                and [h for _, _, h in ms] != small4 and [h for _, _, h in mc] != small4
                and _hc_two(ms, 3) != _hc_two(ms) and _hc_two(mc, 3) != _hc_two(mc)):
            break
    return {f"v{k}": v for k, v in enumerate(values)}


hc_single_complete_draw.provides = tuple(f"v{k}" for k in range(10))


def _lloyd_1d_moves(x, c):
    """Iterations of 2-means on the 1-D points ``x`` from centroids ``c`` that change the
    assignment, or None if some iteration meets a tie or an empty cluster."""
    labels, moves = None, 0
    for _ in range(100):
        d = [((v - c[0]) ** 2, (v - c[1]) ** 2) for v in x]
        if any(abs(a - b) <= 1e-9 for a, b in d):
            return None
        new = [int(b < a) for a, b in d]
        if len(set(new)) < 2:
            return None
        if new == labels:
            return moves
        labels, moves = new, moves + 1
        c = [sum(v for v, j in zip(x, new, strict=True) if j == k) / new.count(k)
             for k in (0, 1)]
    return None


def kmeans_lloyd_draw(rng, params):
    """Draws the 6 distinct points x (0..14) and the 2 starting centroids c0 of kmeans-lloyd-run.

    c0 holds two distinct values of 0..14 in increasing order. They are redrawn until no
    iteration meets a tie or an empty cluster and three or four iterations change the
    assignment. The last draw is returned if none fits: the YAML constraints decide.
    """
    for _ in range(3000):
        x = rng.shuffled(range(15))[:6]
        c0 = sorted(rng.shuffled(range(15))[:2])
        if _lloyd_1d_moves(x, c0) in (3, 4):
            break
    return {"x": np.array(x, dtype=np.int64), "c0": np.array(c0, dtype=np.int64)}


kmeans_lloyd_draw.provides = ("x", "c0")
