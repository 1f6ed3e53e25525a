"""Kernels: kernel values, Gram matrices, explicit feature maps and validity (NumPy only).

Conventions:

* A point is a 1-D vector ``x`` of length d; a data set is a 2-D array ``X`` with
  one point **per row** (n, d).  A Gram matrix is ``K[i, j] = k(x_i, x_j)`` (n, n).
* Polynomial kernel: ``k(x, z) = (x . z + c) ** degree`` with ``c >= 0`` and a
  whole ``degree >= 1``.
* RBF (Gaussian) kernel: ``k(x, z) = exp(-||x - z||^2 / (2 sigma^2))``: the
  *squared* Euclidean distance, divided by ``2 sigma^2`` (not by ``sigma^2``,
  not by ``2 sigma``).
* A matrix is a valid kernel (Gram) matrix when it is symmetric and positive
  semidefinite (every eigenvalue >= 0, up to a tolerance).
* Feature maps of the polynomial kernel list monomials by total degree, highest
  first, and within one degree by exponents in lexicographic descending order;
  for x in R^2 and degree 2:
  ``phi(x) = [x1^2, sqrt(2) x1 x2, x2^2, sqrt(2c) x1, sqrt(2c) x2, c]``.

Functions named ``*_loops`` / ``*_brute`` recompute the same quantities by
explicit loops or another route; they exist to verify the others.
"""

import itertools
import math

import numpy as np

__all__ = [
    "polynomial_kernel",
    "rbf_kernel",
    "polynomial_gram",
    "rbf_gram",
    "kernel_sq_distance",
    "polynomial_feature_map",
    "quadratic_feature_map",
    "polynomial_feature_count",
    "is_valid_kernel_matrix",
    "polynomial_gram_loops",
    "rbf_gram_loops",
    "is_valid_kernel_matrix_brute",
    "kernel_ridge_1d",
    "kernel_ridge_1d_loops",
]


def _point(x, name):
    """Return ``x`` as a non-empty 1-D float array."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D vector, got shape {x.shape}")
    return x


def _points(X, name):
    """Return ``X`` as a 2-D float array (n, d) with one point per row."""
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X.reshape(1, -1)
    if X.ndim != 2 or X.size == 0:
        raise ValueError(f"{name} must be 2-D (n, d) with one point per row, got shape {X.shape}")
    return X


def _pair(x, z):
    """Two points of the same length."""
    x, z = _point(x, "x"), _point(z, "z")
    if x.shape != z.shape:
        raise ValueError(f"x and z must have the same length, got {x.size} and {z.size}")
    return x, z


def _poly_args(c, degree):
    """Validate the polynomial kernel's offset ``c >= 0`` and whole ``degree >= 1``."""
    if c < 0:
        raise ValueError(f"the offset c must be >= 0 (else the kernel need not be valid), got {c}")
    if int(degree) != degree or degree < 1:
        raise ValueError(f"degree must be a whole number >= 1, got {degree}")
    return float(c), int(degree)


def _sigma(sigma):
    if not sigma > 0:
        raise ValueError(f"the bandwidth sigma must be positive, got {sigma}")
    return float(sigma)


def _square(K):
    K = np.asarray(K, dtype=float)
    if K.ndim != 2 or K.shape[0] != K.shape[1] or K.size == 0:
        raise ValueError(f"a Gram matrix must be square (n, n), got shape {K.shape}")
    return K


# --------------------------------------------------------------------------
# kernel values and Gram matrices
# --------------------------------------------------------------------------


def polynomial_kernel(x, z, c=1, degree=2):
    """Polynomial kernel ``(x . z + c) ** degree`` of two vectors of the same length."""
    x, z = _pair(x, z)
    c, degree = _poly_args(c, degree)
    return float((x @ z + c) ** degree)


def rbf_kernel(x, z, sigma=1):
    """RBF kernel ``exp(-||x - z||^2 / (2 sigma^2))`` of two vectors of the same length."""
    x, z = _pair(x, z)
    sigma = _sigma(sigma)
    return float(np.exp(-np.sum((x - z) ** 2) / (2 * sigma**2)))


def polynomial_gram(X, c=1, degree=2, Z=None):
    """Polynomial-kernel Gram matrix ``(X Z^T + c) ** degree`` (elementwise power).

    ``X`` is (n, d) and ``Z`` (m, d), points as rows; ``Z`` defaults to ``X``.
    Returns (n, m) with entry ``(x_i . z_j + c) ** degree``.
    """
    X = _points(X, "X")
    Z = X if Z is None else _points(Z, "Z")
    if X.shape[1] != Z.shape[1]:
        raise ValueError(f"X and Z must have the same number of columns, got {X.shape[1]} "
                         f"and {Z.shape[1]}")
    c, degree = _poly_args(c, degree)
    return (X @ Z.T + c) ** degree


def rbf_gram(X, sigma=1, Z=None):
    """RBF Gram matrix ``exp(-||x_i - z_j||^2 / (2 sigma^2))`` (n, m); ``Z`` defaults to ``X``."""
    X = _points(X, "X")
    Z = X if Z is None else _points(Z, "Z")
    if X.shape[1] != Z.shape[1]:
        raise ValueError(f"X and Z must have the same number of columns, got {X.shape[1]} "
                         f"and {Z.shape[1]}")
    sigma = _sigma(sigma)
    sq = np.sum(X**2, 1)[:, None] + np.sum(Z**2, 1)[None, :] - 2 * X @ Z.T
    return np.exp(-np.maximum(sq, 0) / (2 * sigma**2))


def kernel_sq_distance(K, i, j):
    """Squared feature-space distance ``||phi(x_i) - phi(x_j)||^2 = K_ii + K_jj - 2 K_ij``.

    ``K`` is a Gram matrix (n, n); ``i`` and ``j`` are row indices counted from 0.
    """
    K = _square(K)
    n = K.shape[0]
    if not (0 <= i < n and 0 <= j < n):
        raise ValueError(f"indices must lie in 0..{n - 1}, got {i} and {j}")
    return float(K[i, i] + K[j, j] - 2 * K[i, j])


# --------------------------------------------------------------------------
# explicit feature maps
# --------------------------------------------------------------------------


def _exponents(d, degree):
    """Exponent tuples (k_1..k_d) of total degree <= ``degree``, in feature-map order."""
    out = []
    for total in range(degree, -1, -1):
        group = [e for e in itertools.product(range(total + 1), repeat=d) if sum(e) == total]
        out.extend(sorted(group, reverse=True))
    return out


def polynomial_feature_map(x, c=1, degree=2):
    """Explicit feature map of ``(x . z + c) ** degree``, so ``phi(x) . phi(z) = k(x, z)``.

    Expands by the multinomial theorem: for exponents k_1..k_d with
    ``k_0 = degree - sum k_i``, the feature is
    ``sqrt(degree! / (k_0! k_1! ... k_d!) * c ** k_0) * prod x_i ** k_i``.
    Features are ordered by total degree in x (highest first), then by exponent
    tuple in lexicographic descending order.  Returns a 1-D array of length
    ``comb(d + degree, degree)``.
    """
    x = _point(x, "x")
    c, degree = _poly_args(c, degree)
    features = []
    for e in _exponents(x.size, degree):
        k0 = degree - sum(e)
        coef = math.factorial(degree) / math.factorial(k0)
        for k in e:
            coef /= math.factorial(k)
        features.append(math.sqrt(coef * c**k0) * float(np.prod(x ** np.array(e))))
    return np.array(features)


def quadratic_feature_map(x, c=1):
    """Feature map of the quadratic kernel ``(x . z + c) ** 2``, written out by hand.

    ``[x_i^2 (i = j) or sqrt(2) x_i x_j (i < j), for i <= j in order;
    sqrt(2c) x_1, ..., sqrt(2c) x_d; c]``: for x in R^2,
    ``[x1^2, sqrt(2) x1 x2, x2^2, sqrt(2c) x1, sqrt(2c) x2, c]``.
    Length ``(d + 1)(d + 2)/2``.
    """
    x = _point(x, "x")
    c, _ = _poly_args(c, 2)
    d = x.size
    quad = [x[i] * x[j] * (1.0 if i == j else math.sqrt(2)) for i in range(d) for j in range(i, d)]
    return np.array(quad + list(math.sqrt(2 * c) * x) + [c])


def polynomial_feature_count(d, degree=2, c=1):
    """Length of the feature map of ``(x . z + c) ** degree`` for x in R^d.

    ``comb(d + degree, degree)`` monomials of degree <= ``degree`` when ``c > 0``;
    only the ``comb(d + degree - 1, degree)`` of degree exactly ``degree`` when ``c = 0``.
    """
    if int(d) != d or d < 1:
        raise ValueError(f"the input dimension d must be a whole number >= 1, got {d}")
    c, degree = _poly_args(c, degree)
    d = int(d)
    if c == 0:
        return math.comb(d + degree - 1, degree)
    return math.comb(d + degree, degree)


# --------------------------------------------------------------------------
# validity
# --------------------------------------------------------------------------


def is_valid_kernel_matrix(K, tol=1e-9):
    """True if ``K`` is a valid Gram matrix: square, symmetric and positive semidefinite.

    Symmetry is checked entrywise to ``tol``; PSD as smallest eigenvalue of ``K``
    (by ``eigvalsh``) ``>= -tol``.
    """
    K = _square(K)
    if not np.allclose(K, K.T, rtol=0, atol=tol):
        return False
    return bool(np.linalg.eigvalsh(K)[0] >= -tol)


# --------------------------------------------------------------------------
# independent checks
# --------------------------------------------------------------------------


def polynomial_gram_loops(X, c=1, degree=2):
    """Polynomial Gram matrix by explicit loops over pairs, coordinates and the power.

    Checks ``polynomial_gram``: ``K[i, j] = (sum_t X[i, t] X[j, t] + c)`` multiplied
    by itself ``degree`` times.
    """
    X = _points(X, "X")
    c, degree = _poly_args(c, degree)
    n, d = X.shape
    K = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            s = c
            for t in range(d):
                s += X[i, t] * X[j, t]
            value = 1.0
            for _ in range(degree):
                value *= s
            K[i, j] = value
    return K


def rbf_gram_loops(X, sigma=1):
    """RBF Gram matrix by explicit loops over pairs and coordinates (checks ``rbf_gram``)."""
    X = _points(X, "X")
    sigma = _sigma(sigma)
    n, d = X.shape
    K = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            sq = 0.0
            for t in range(d):
                sq += (X[i, t] - X[j, t]) ** 2
            K[i, j] = math.exp(-sq / (2 * sigma * sigma))
    return K


def is_valid_kernel_matrix_brute(K, tol=1e-9):
    """Validity by Sylvester's criterion for semidefiniteness (checks ``is_valid_kernel_matrix``).

    True if ``K`` is symmetric (entrywise, to ``tol``) and *every* principal
    minor (the determinant of ``K[S, S]`` for every non-empty index set S, not
    only the leading ones) is ``>= -tol``.  No eigenvalues are computed.
    """
    K = _square(K)
    n = K.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            if abs(K[i, j] - K[j, i]) > tol:
                return False
    for size in range(1, n + 1):
        for subset in itertools.combinations(range(n), size):
            if np.linalg.det(K[np.ix_(subset, subset)]) < -tol:
                return False
    return True


# --------------------------------------------------------------------------
# kernel ridge regression on scalar inputs
# --------------------------------------------------------------------------


def kernel_ridge_1d(xs, ys, xq, lam, c=1, degree=2):
    """Kernel ridge regression with ``k(x, z) = (x z + c) ** degree`` on scalar inputs.

    ``xs`` (n,) are the training inputs, ``ys`` (n,) the targets, ``xq`` a query
    point.  Returns ``(K, alpha, fit, kq, f)``: the Gram matrix (n, n), the dual
    weights ``alpha = (K + lam I)^-1 y``, the fitted training values ``K alpha``,
    the kernel vector ``kq_i = k(x_i, xq)`` and the prediction ``f = kq . alpha``.
    """
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    if xs.ndim != 1 or xs.shape != ys.shape or xs.size == 0:
        raise ValueError(f"xs and ys must be vectors of the same length, got {xs.shape}, "
                         f"{ys.shape}")
    if not lam > 0:
        raise ValueError(f"the ridge parameter must be positive, got {lam}")
    c, degree = _poly_args(c, degree)
    K = (np.outer(xs, xs) + c) ** degree
    alpha = np.linalg.solve(K + lam * np.eye(xs.size), ys)
    kq = (xs * float(xq) + c) ** degree
    return K, alpha, K @ alpha, kq, float(kq @ alpha)


def kernel_ridge_1d_loops(xs, ys, xq, lam, c=1, degree=2):
    """Independent check of ``kernel_ridge_1d``: loops, elimination and the primal route.

    K and kq entry by entry; alpha by Gauss-Jordan elimination on ``K + lam I``;
    the fitted values and the prediction by PRIMAL ridge regression in the
    explicit feature space of the scalar polynomial kernel,
    ``phi(x)_j = sqrt(C(degree, j) c^(degree - j)) x^j``:
    ``w = (Phi^T Phi + lam I)^-1 Phi^T y`` and ``f(x) = phi(x) . w``.
    """
    xs = [float(v) for v in xs]
    ys = [float(v) for v in ys]
    n = len(xs)
    K = [[(xs[i] * xs[j] + c) ** degree for j in range(n)] for i in range(n)]
    aug = [[K[i][j] + (lam if i == j else 0.0) for j in range(n)] + [ys[i]] for i in range(n)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(aug[r][col]))
        aug[col], aug[piv] = aug[piv], aug[col]
        p = aug[col][col]
        aug[col] = [v / p for v in aug[col]]
        for r in range(n):
            if r != col:
                f = aug[r][col]
                aug[r] = [a - f * b for a, b in zip(aug[r], aug[col], strict=True)]
    alpha = [aug[i][n] for i in range(n)]
    kq = [(x * float(xq) + c) ** degree for x in xs]

    def phi(x):
        return [math.sqrt(math.comb(degree, j) * c ** (degree - j)) * x ** j
                for j in range(degree + 1)]

    P = [phi(x) for x in xs]
    m = degree + 1
    A = [[sum(P[i][a] * P[i][b] for i in range(n)) + (lam if a == b else 0.0)
          for b in range(m)] + [sum(P[i][a] * ys[i] for i in range(n))] for a in range(m)]
    for col in range(m):
        piv = max(range(col, m), key=lambda r: abs(A[r][col]))
        A[col], A[piv] = A[piv], A[col]
        p = A[col][col]
        A[col] = [v / p for v in A[col]]
        for r in range(m):
            if r != col:
                f = A[r][col]
                A[r] = [a - f * b for a, b in zip(A[r], A[col], strict=True)]
    w = [A[a][m] for a in range(m)]
    fit = [sum(pa * wa for pa, wa in zip(phi(x), w, strict=True)) for x in xs]
    fq = sum(pa * wa for pa, wa in zip(phi(float(xq)), w, strict=True))
    return np.array(K), np.array(alpha), np.array(fit), np.array(kq), fq
