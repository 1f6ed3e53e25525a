"""Dimensionality reduction: PCA by hand, the SVD relations, reconstruction, random projection.

Conventions:

* Data are rows of ``X`` (n, d): one point per row.  PCA works on the CENTRED data
  ``Xc = X - mean``; its covariance is ``Xc^T Xc / (n - ddof)`` (``ddof=0``: 1/n,
  ``ddof=1``: 1/(n-1)), so with the singular values ``s`` of ``Xc`` the covariance's
  eigenvalues are ``s^2 / (n - ddof)``.
* Eigenvalues are listed largest first.  A unit eigenvector is defined up to its sign:
  here its first nonzero component is positive.
* Keeping the top k components, a point is reconstructed as
  ``mean + V_k V_k^T (x - mean)``; the MEAN squared reconstruction error over the data
  is the sum of the dropped eigenvalues of the 1/n covariance.
* Johnson-Lindenstrauss (the Dasgupta-Gupta form): a random projection of n points to
  ``k >= 4 ln n / (eps^2/2 - eps^3/3)`` dimensions keeps every squared pairwise distance
  within a factor 1 +- eps (with positive probability); natural log.

Functions named ``*_loops`` / ``*_brute`` recompute the same quantities by another route
(Jacobi rotations in loops, a counting search) and never call the references.
"""

import math

import numpy as np

__all__ = [
    "jl_denominator",
    "jl_min_dim",
    "sym_eigvals",
    "top_unit_eigvec",
    "rayleigh_eigvals",
    "svd_singular_values",
    "pca_point_score",
    "pca_point_reconstruct",
    "pca_total_error",
    "jl_min_dim_brute",
    "sym_eigvals_brute",
    "top_unit_eigvec_brute",
    "svd_singular_values_brute",
    "pca_point_reconstruct_brute",
    "pca_total_error_loops",
]


def _square_symmetric(C):
    C = np.asarray(C, dtype=float)
    if C.ndim != 2 or C.shape[0] != C.shape[1] or C.size == 0:
        raise ValueError(f"expected a square (d, d) matrix, got shape {C.shape}")
    if not np.allclose(C, C.T):
        raise ValueError("the matrix must be symmetric")
    return C


def _first_positive(v):
    v = np.asarray(v, dtype=float)
    nz = np.flatnonzero(np.abs(v) > 1e-12 * max(1.0, np.abs(v).max()))
    return -v if nz.size and v[nz[0]] < 0 else v


def _clean(values):
    """Rounding noise (relative to the largest magnitude) set to exactly 0."""
    values = np.asarray(values, dtype=float)
    scale = max(1.0, float(np.abs(values).max())) if values.size else 1.0
    return np.where(np.abs(values) <= 1e-12 * scale, 0.0, values)


# --------------------------------------------------------------------------
# random projection
# --------------------------------------------------------------------------


def jl_denominator(eps):
    """``eps^2/2 - eps^3/3``, the denominator of the Johnson-Lindenstrauss bound."""
    if not 0 < eps < 1:
        raise ValueError(f"eps must lie in (0, 1), got {eps}")
    return eps**2 / 2 - eps**3 / 3


def jl_min_dim(n, eps):
    """Smallest whole k with ``k >= 4 ln n / (eps^2/2 - eps^3/3)`` (natural log)."""
    if int(n) != n or n < 2:
        raise ValueError(f"n must be a whole number of points >= 2, got {n}")
    bound = 4 * math.log(n) / jl_denominator(eps)
    k = math.ceil(bound)
    return int(k - 1 if k - 1 >= bound - 1e-12 * bound else k)


# --------------------------------------------------------------------------
# eigen-decomposition and SVD
# --------------------------------------------------------------------------


def sym_eigvals(C):
    """Eigenvalues (d,) of a symmetric matrix, largest first."""
    return np.sort(_clean(np.linalg.eigvalsh(_square_symmetric(C))))[::-1]


def top_unit_eigvec(C):
    """Unit eigenvector of the largest eigenvalue, first nonzero component positive."""
    C = _square_symmetric(C)
    values, vectors = np.linalg.eigh(C)
    if values.size > 1 and np.isclose(values[-1], values[-2]):
        raise ValueError("the top eigenvalue is repeated: the top eigenvector is not unique")
    return _first_positive(vectors[:, -1])


def rayleigh_eigvals(C, U):
    """Eigenvalues along given eigen-directions (rows of ``U``), largest first.

    Each is the Rayleigh quotient ``u^T C u / u^T u``; for an eigenvector u it is its
    eigenvalue, whatever the length of u.
    """
    C = np.asarray(C, dtype=float)
    U = np.asarray(U, dtype=float)
    if U.ndim != 2 or U.shape[1] != C.shape[0]:
        raise ValueError(f"U must hold directions of length {C.shape[0]} as rows")
    values = np.einsum("ij,jk,ik->i", U, C, U) / np.einsum("ij,ij->i", U, U)
    return np.sort(_clean(values))[::-1]


def svd_singular_values(X):
    """Singular values of ``X`` (min(n, d),), largest first."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be a matrix, got shape {X.shape}")
    return np.linalg.svd(X, compute_uv=False)


def pca_point_score(x, mean, C, k=1):
    """The first ``k`` principal coordinates (k,) of point ``x``: ``V_k^T (x - mean)``.

    Directions are the unit eigenvectors of ``C``, largest eigenvalue first, each with
    its first nonzero component positive.
    """
    C = _square_symmetric(C)
    values, vectors = np.linalg.eigh(C)
    order = np.argsort(values)[::-1][: int(k)]
    V = np.column_stack([_first_positive(vectors[:, i]) for i in order])
    return V.T @ (np.asarray(x, dtype=float) - np.asarray(mean, dtype=float))


def pca_point_reconstruct(x, mean, C, k=1):
    """Reconstruction ``mean + V_k V_k^T (x - mean)`` of a point from its top k components."""
    C = _square_symmetric(C)
    values, vectors = np.linalg.eigh(C)
    V = vectors[:, np.argsort(values)[::-1][: int(k)]]
    mean = np.asarray(mean, dtype=float)
    return mean + V @ (V.T @ (np.asarray(x, dtype=float) - mean))


def pca_total_error(X, k=1):
    """Total squared reconstruction error ``sum_i ||x_i - x_hat_i||^2`` keeping k components.

    It equals n times the sum of the dropped eigenvalues of the 1/n covariance
    (the squared dropped singular values of the centred data).
    """
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    values, vectors = np.linalg.eigh(Xc.T @ Xc)
    V = vectors[:, np.argsort(values)[::-1][: int(k)]]
    return float(np.sum((Xc - Xc @ V @ V.T) ** 2))


# --------------------------------------------------------------------------
# independent checks
# --------------------------------------------------------------------------


def jl_min_dim_brute(n, eps):
    """The JL dimension by counting up k until ``k (eps^2/2 - eps^3/3) >= 4 ln n``."""
    need = 4 * math.log(n)
    per = eps * eps * (3 - 2 * eps) / 6  # eps^2/2 - eps^3/3 over a common denominator
    k = 1
    while k * per < need * (1 - 1e-12):
        k += 1
    return k


def _jacobi(C, sweeps=60):
    """Eigenvalues and eigenvectors (columns) of a symmetric matrix by cyclic Jacobi rotations,
    written with loops over entries."""
    A = [[float(v) for v in row] for row in np.asarray(C, dtype=float)]
    d = len(A)
    V = [[1.0 if i == j else 0.0 for j in range(d)] for i in range(d)]
    for _ in range(sweeps):
        off = sum(A[i][j] ** 2 for i in range(d) for j in range(d) if i != j)
        if off < 1e-24:
            break
        for p in range(d):
            for q in range(p + 1, d):
                if abs(A[p][q]) < 1e-300:
                    continue
                theta = (A[q][q] - A[p][p]) / (2 * A[p][q])
                t = (1.0 if theta >= 0 else -1.0) / (abs(theta) + math.sqrt(theta**2 + 1))
                c = 1 / math.sqrt(t * t + 1)
                s = t * c
                for k in range(d):  # columns p, q of A
                    akp, akq = A[k][p], A[k][q]
                    A[k][p], A[k][q] = c * akp - s * akq, s * akp + c * akq
                for k in range(d):  # rows p, q of A
                    apk, aqk = A[p][k], A[q][k]
                    A[p][k], A[q][k] = c * apk - s * aqk, s * apk + c * aqk
                for k in range(d):
                    vkp, vkq = V[k][p], V[k][q]
                    V[k][p], V[k][q] = c * vkp - s * vkq, s * vkp + c * vkq
    order = sorted(range(d), key=lambda i: -A[i][i])
    values = [A[i][i] for i in order]
    vectors = [[V[k][i] for k in range(d)] for i in order]
    for v in vectors:  # first nonzero component positive
        first = next((a for a in v if abs(a) > 1e-9), 1.0)
        if first < 0:
            v[:] = [-a for a in v]
    return values, vectors


def sym_eigvals_brute(C):
    """Eigenvalues, largest first, by Jacobi rotations in loops (checks ``sym_eigvals``)."""
    return np.array(_jacobi(C)[0])


def top_unit_eigvec_brute(C):
    """Top unit eigenvector by Jacobi rotations in loops, first nonzero component positive."""
    return np.array(_jacobi(C)[1][0])


def svd_singular_values_brute(X):
    """Singular values as square roots of the eigenvalues of X^T X (or X X^T), by loops."""
    X = [[float(v) for v in row] for row in np.asarray(X, dtype=float)]
    n, d = len(X), len(X[0])
    if d <= n:
        G = [[sum(X[i][a] * X[i][b] for i in range(n)) for b in range(d)] for a in range(d)]
    else:
        G = [[sum(X[a][j] * X[b][j] for j in range(d)) for b in range(n)] for a in range(n)]
    values = _jacobi(G)[0]
    top = max(1.0, max(abs(v) for v in values))
    return np.array([math.sqrt(v) if v > 1e-12 * top else 0.0 for v in values])


def pca_point_reconstruct_brute(x, mean, C, k=1):
    """Reconstruction as x minus its components along the DROPPED directions (Jacobi, loops)."""
    _, vectors = _jacobi(C)
    x = [float(v) for v in x]
    m = [float(v) for v in mean]
    out = list(x)
    for v in vectors[int(k):]:
        score = sum(a * (b - c) for a, b, c in zip(v, x, m, strict=True))
        out = [o - score * a for o, a in zip(out, v, strict=True)]
    return np.array(out)


def pca_total_error_loops(X, k=1):
    """Total squared reconstruction error by loops: centre, Jacobi directions, point by point."""
    X = [[float(v) for v in row] for row in np.asarray(X, dtype=float)]
    n, d = len(X), len(X[0])
    mean = [sum(row[a] for row in X) / n for a in range(d)]
    S = [[sum((row[a] - mean[a]) * (row[b] - mean[b]) for row in X) for b in range(d)]
         for a in range(d)]
    _, vectors = _jacobi(S)
    total = 0.0
    for row in X:
        c = [row[a] - mean[a] for a in range(d)]
        rec = [0.0] * d
        for v in vectors[: int(k)]:
            score = sum(v[a] * c[a] for a in range(d))
            rec = [rec[a] + score * v[a] for a in range(d)]
        total += sum((c[a] - rec[a]) ** 2 for a in range(d))
    return total
