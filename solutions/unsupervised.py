"""Unsupervised learning: PCA and k-means (NumPy only).

Conventions:

* Data are rows of ``X`` (n, d): one point per row.
* Covariance: ``(1/(n - ddof)) sum_i (x_i - mean)(x_i - mean)^T`` of the *centred*
  data; ``ddof=0`` is the biased (1/n, maximum-likelihood) estimate, ``ddof=1``
  the unbiased 1/(n-1) one.
* PCA: principal directions are the unit eigenvectors of the covariance matrix,
  ordered by eigenvalue, largest first.  An eigenvector is only defined up to
  its sign; this module returns each with its first nonzero component positive.
  Sign-free summaries: the eigenvalues (variances of the projections), the
  explained variance ratios, the slope of a principal axis in 2-D, and
  reconstructions ``mean + V_k V_k^T (x - mean)``.
* k-means (Lloyd's algorithm), one step: assign each point to its nearest
  centroid by squared Euclidean distance (equal distances go to the lower
  cluster index), then move each centroid to the mean of its points (a cluster
  with no points keeps its centroid).  Clusters are numbered from 0.

Functions named ``*_loops`` / ``*_brute`` recompute the same quantities by
explicit loops or another route; they exist to verify the others.
"""

import math

import numpy as np

__all__ = [
    "sample_covariance",
    "covariance_eigen",
    "pca_components",
    "explained_variance_ratio",
    "components_for_variance",
    "pca_reconstruct",
    "principal_axis_slope",
    "kmeans_assign",
    "kmeans_update",
    "kmedians_update",
    "kmeans_step",
    "kmeans_objective",
    "sample_covariance_loops",
    "eigen_2x2_brute",
    "power_iteration_brute",
    "kmeans_step_loops",
]


def _data(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must be 2-D (n, d) with one point per row, got shape {X.shape}")
    return X


def _ddof(ddof, n):
    if ddof not in (0, 1):
        raise ValueError(f"ddof must be 0 (biased, 1/n) or 1 (unbiased, 1/(n-1)), got {ddof}")
    if n - ddof <= 0:
        raise ValueError(f"need more than {ddof} points for ddof = {ddof}, got {n}")
    return int(ddof)


def _symmetric(C):
    C = np.asarray(C, dtype=float)
    if C.ndim != 2 or C.shape[0] != C.shape[1] or C.size == 0:
        raise ValueError(f"a covariance matrix must be square (d, d), got shape {C.shape}")
    if not np.allclose(C, C.T):
        raise ValueError("a covariance matrix must be symmetric")
    return C


def _sign_fixed(v):
    """``v`` with its first nonzero component (beyond rounding noise) made positive."""
    v = np.asarray(v, dtype=float)
    nz = np.flatnonzero(np.abs(v) > 1e-12 * max(1.0, np.abs(v).max()))
    return -v if nz.size and v[nz[0]] < 0 else v


# --------------------------------------------------------------------------
# PCA
# --------------------------------------------------------------------------


def sample_covariance(X, ddof=0):
    """Covariance matrix (d, d) of the rows of ``X`` (n, d), centred; 1/(n - ddof)."""
    X = _data(X)
    ddof = _ddof(ddof, X.shape[0])
    centred = X - X.mean(axis=0)
    return centred.T @ centred / (X.shape[0] - ddof)


def covariance_eigen(C):
    """Eigenvalues (d,) in decreasing order and unit eigenvectors (d, d, as columns).

    ``C`` is symmetric.  Each eigenvector has its first nonzero component positive.
    """
    C = _symmetric(C)
    values, vectors = np.linalg.eigh(C)
    order = np.argsort(values)[::-1]
    vectors = np.column_stack([_sign_fixed(vectors[:, i]) for i in order])
    return values[order], vectors


def pca_components(X, ddof=0):
    """PCA of the rows of ``X``: ``(variances, directions)`` of its covariance matrix.

    ``variances`` (d,) are the eigenvalues, largest first (the variance of the
    data projected on each direction); ``directions`` (d, d) holds the unit
    principal directions as columns, each with its first nonzero component positive.
    """
    return covariance_eigen(sample_covariance(X, ddof))


def explained_variance_ratio(X, ddof=0):
    """Fraction of the total variance along each principal direction, largest first (d,).

    ``eigenvalue_i / sum(eigenvalues)`` (= / trace of the covariance); the
    estimator (``ddof``) cancels.
    """
    values, _ = pca_components(X, ddof)
    if values.sum() <= 0:
        raise ValueError("all points are equal: the total variance is 0")
    return np.maximum(values, 0) / values.sum()


def components_for_variance(values, threshold):
    """Smallest number of principal components whose variances reach ``threshold``.

    ``values`` are the eigenvalues (variances) of the covariance matrix in any
    order; they are sorted largest first and the answer is the smallest k with
    ``sum(top k) / sum(all) >= threshold`` (0 < threshold <= 1).
    """
    values = np.sort(np.asarray(values, dtype=float).ravel())[::-1]
    if values.size == 0 or np.any(values < -1e-12) or values.sum() <= 0:
        raise ValueError("values must be non-negative variances with a positive total")
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must lie in (0, 1], got {threshold}")
    ratios = np.cumsum(values) / values.sum()
    return int(np.argmax(ratios >= threshold - 1e-12) + 1)


def pca_reconstruct(X, k=1, points=None):
    """Reconstruct points from their first ``k`` principal coordinates (sign-free).

    Fits PCA to ``X`` (n, d) and returns ``mean + (p - mean) V_k V_k^T`` for each
    row p of ``points`` (default: ``X``); ``V_k`` (d, k) holds the top k
    directions.  Returns an array shaped like ``points``.
    """
    X = _data(X)
    if int(k) != k or not 1 <= k <= X.shape[1]:
        raise ValueError(f"k must be a whole number in 1..{X.shape[1]}, got {k}")
    P = X if points is None else np.asarray(points, dtype=float)
    single = P.ndim == 1
    P = np.atleast_2d(P)
    if P.shape[1] != X.shape[1]:
        raise ValueError(f"points must have {X.shape[1]} coordinates, got {P.shape[-1]}")
    _, V = pca_components(X)
    mean = X.mean(axis=0)
    Vk = V[:, : int(k)]
    out = mean + (P - mean) @ Vk @ Vk.T
    return out[0] if single else out


def principal_axis_slope(C):
    """Slope ``v_y / v_x`` of the first principal axis of a 2 x 2 covariance ``C``.

    The slope does not depend on the sign of the eigenvector.  Raises ValueError
    when the axis is vertical or not unique (equal eigenvalues).
    """
    C = _symmetric(C)
    if C.shape != (2, 2):
        raise ValueError(f"the slope of an axis needs a 2 x 2 matrix, got {C.shape}")
    values, vectors = covariance_eigen(C)
    if np.isclose(values[0], values[1]):
        raise ValueError("the eigenvalues are equal: every direction is a principal axis")
    vx, vy = vectors[:, 0]
    if abs(vx) < 1e-12:
        raise ValueError("the first principal axis is vertical: its slope is infinite")
    return float(vy / vx)


# --------------------------------------------------------------------------
# k-means
# --------------------------------------------------------------------------


def _centroids(centroids, d):
    M = np.asarray(centroids, dtype=float)
    if M.ndim != 2 or M.shape[1] != d or M.shape[0] == 0:
        raise ValueError(f"centroids must be 2-D (k, {d}), one per row, got shape {M.shape}")
    return M


def _cluster_labels(labels, n, k):
    labels = np.asarray(labels)
    if labels.shape != (n,) or np.any(labels < 0) or np.any(labels >= k):
        raise ValueError(f"labels must be {n} cluster indices in 0..{k - 1}")
    return labels.astype(np.int64)


def kmeans_assign(X, centroids, metric="euclidean"):
    """Index (from 0) of the nearest centroid for each row of ``X``: (n,).

    ``metric`` is ``"euclidean"`` (k-means; squared distances give the same
    assignment) or ``"manhattan"``.  Equal distances go to the lower index.
    """
    X = _data(X)
    M = _centroids(centroids, X.shape[1])
    diff = X[:, None, :] - M[None, :, :]
    if metric == "euclidean":
        dist = np.sum(diff**2, axis=2)
    elif metric == "manhattan":
        dist = np.sum(np.abs(diff), axis=2)
    else:
        raise ValueError(f"metric must be 'euclidean' or 'manhattan', got {metric!r}")
    return np.argmin(dist, axis=1)


def kmeans_update(X, labels, centroids):
    """New centroids (k, d): the mean of the points assigned to each cluster.

    A cluster with no points keeps its old centroid (from ``centroids``).
    """
    X = _data(X)
    M = _centroids(centroids, X.shape[1])
    labels = _cluster_labels(labels, X.shape[0], M.shape[0])
    return np.array([X[labels == j].mean(axis=0) if np.any(labels == j) else M[j]
                     for j in range(M.shape[0])])


def kmedians_update(X, labels, centroids):
    """New centres (k, d) for k-medians: the coordinatewise *median* of each cluster.

    This is the update for the L1 (Manhattan) objective, not for k-means; an
    empty cluster keeps its old centre.
    """
    X = _data(X)
    M = _centroids(centroids, X.shape[1])
    labels = _cluster_labels(labels, X.shape[0], M.shape[0])
    return np.array([np.median(X[labels == j], axis=0) if np.any(labels == j) else M[j]
                     for j in range(M.shape[0])])


def kmeans_step(X, centroids):
    """One k-means (Lloyd) iteration: ``(labels, new_centroids)``."""
    labels = kmeans_assign(X, centroids)
    return labels, kmeans_update(X, labels, centroids)


def kmeans_objective(X, labels, centroids):
    """k-means objective: sum over points of the squared distance to its centroid."""
    X = _data(X)
    M = _centroids(centroids, X.shape[1])
    labels = _cluster_labels(labels, X.shape[0], M.shape[0])
    return float(np.sum((X - M[labels]) ** 2))


# --------------------------------------------------------------------------
# independent checks
# --------------------------------------------------------------------------


def sample_covariance_loops(X, ddof=0):
    """Covariance by explicit loops over pairs of coordinates (checks ``sample_covariance``).

    Uses ``sum_i x_ia x_ib - n mean_a mean_b`` (the raw second moments minus the
    mean product) instead of centring first.
    """
    X = np.asarray(X, dtype=float)
    n, d = X.shape
    means = [sum(X[i, a] for i in range(n)) / n for a in range(d)]
    C = np.zeros((d, d))
    for a in range(d):
        for b in range(d):
            raw = sum(X[i, a] * X[i, b] for i in range(n))
            C[a, b] = (raw - n * means[a] * means[b]) / (n - ddof)
    return C


def eigen_2x2_brute(C):
    """Eigen-decomposition of a symmetric 2 x 2 matrix by the closed form (checks eigh).

    For ``C = [[a, b], [b, c]]``: ``lambda = (a + c)/2 +- sqrt(((a - c)/2)^2 + b^2)``
    and eigenvector ``(b, lambda - a)`` or, equivalently, ``(lambda - c, b)``
    (the longer of the two is used, so rounding noise in b does no harm; if both
    vanish, C is a multiple of I and the axes are returned).  Returns
    ``(values, vectors)`` like ``covariance_eigen``: largest first, unit columns,
    first nonzero component positive.
    """
    C = np.asarray(C, dtype=float)
    a, b, c = C[0, 0], C[0, 1], C[1, 1]
    mid, rad = (a + c) / 2, math.sqrt(((a - c) / 2) ** 2 + b * b)
    values = np.array([mid + rad, mid - rad])
    scale = max(1.0, abs(a), abs(b), abs(c))
    vectors = []
    for i, lam in enumerate(values):
        v1, v2 = np.array([b, lam - a]), np.array([lam - c, b])
        v = v1 if v1 @ v1 >= v2 @ v2 else v2
        if math.sqrt(v @ v) <= 1e-9 * scale:  # C = a I: every vector is an eigenvector
            v = np.eye(2)[i]
        v = v / math.sqrt(v @ v)
        vectors.append(_sign_fixed(v))
    return values, np.column_stack(vectors)


def power_iteration_brute(C, iters=2000, seed=0):
    """Top eigenvalue and unit eigenvector of a PSD matrix by power iteration.

    Checks ``covariance_eigen``'s first pair without any eigen-solver: repeats
    ``v <- C v / ||C v||`` from a fixed random start, then the Rayleigh quotient.
    The eigenvector has its first nonzero component positive.
    """
    C = np.asarray(C, dtype=float)
    v = np.random.default_rng(seed).normal(size=C.shape[0])
    for _ in range(iters):
        w = C @ v
        size = math.sqrt(float(w @ w))
        if size == 0:
            return 0.0, _sign_fixed(v / math.sqrt(float(v @ v)))
        v = w / size
    return float(v @ C @ v), _sign_fixed(v)


def kmeans_step_loops(X, centroids):
    """One k-means iteration by explicit loops (checks ``kmeans_step``).

    Returns ``(labels, new_centroids)``: each point goes to the centroid with the
    smallest squared distance (first found among equals), then each centroid is
    the running sum of its points divided by their count (empty: unchanged).
    """
    X = np.asarray(X, dtype=float)
    M = np.asarray(centroids, dtype=float)
    n, d = X.shape
    k = M.shape[0]
    labels = []
    for i in range(n):
        best, best_dist = 0, None
        for j in range(k):
            dist = 0.0
            for t in range(d):
                dist += (X[i, t] - M[j, t]) ** 2
            if best_dist is None or dist < best_dist:
                best, best_dist = j, dist
        labels.append(best)
    new = M.copy()
    for j in range(k):
        total, count = [0.0] * d, 0
        for i in range(n):
            if labels[i] == j:
                count += 1
                for t in range(d):
                    total[t] += X[i, t]
        if count:
            new[j] = [s / count for s in total]
    return np.array(labels), new
