"""Matrix-calculus and least-squares reference results (NumPy only).

Conventions:

* The gradient of a scalar ``f`` with respect to a matrix ``W`` is the matrix
  of partial derivatives with the *same shape* as ``W``:
  ``grad[i, j] = df / dW[i, j]`` (the "denominator layout" used in most ML
  courses).  So ``d tr(W A) / dW = A.T``.
* Vectors are 1-D arrays.  Least-squares problems use a design matrix ``X``
  of shape (n, d) with one sample per row and targets ``y`` of shape (n,).
* Linear systems are solved with ``np.linalg.solve``; no matrix is inverted
  unless the answer *is* an inverse.
* Integer inputs give exact integer outputs where the formula is polynomial
  (``quad_form_grad``, ``trace_grad_WA``, ``frob_sq_residual_grad``, ...).
"""

import numpy as np

__all__ = [
    "quad_form",
    "quad_form_grad",
    "normal_equations",
    "ridge",
    "least_squares_grad",
    "logdet",
    "logdet_grad",
    "det_grad",
    "trace_grad_WA",
    "trace_grad_AWB",
    "frob_sq_residual",
    "frob_sq_residual_grad",
]


def _matrix(a, name, square=False):
    """Return ``a`` as a 2-D numeric array (optionally checking it is square)."""
    a = np.asarray(a)
    if a.ndim != 2 or not np.issubdtype(a.dtype, np.number):
        raise ValueError(f"{name} must be a numeric 2-D matrix, got shape {a.shape}")
    if square and a.shape[0] != a.shape[1]:
        raise ValueError(f"{name} must be square, got shape {a.shape}")
    return a


def _vector(v, name, length):
    """Return ``v`` as a 1-D array of the given length."""
    v = np.asarray(v)
    if v.shape != (length,):
        raise ValueError(f"{name} must be a vector of length {length}, got shape {v.shape}")
    return v


def quad_form(A, x):
    """Quadratic form ``x.T @ A @ x`` for a square ``A`` (n, n) and a vector ``x`` (n,)."""
    A = _matrix(A, "A", square=True)
    x = _vector(x, "x", A.shape[0])
    return (x @ A @ x).item()


def quad_form_grad(A, x):
    """Gradient of ``x.T A x`` with respect to ``x``: ``(A + A.T) @ x``.

    For a symmetric ``A`` this is ``2 A x``.
    """
    A = _matrix(A, "A", square=True)
    x = _vector(x, "x", A.shape[0])
    return (A + A.T) @ x


def normal_equations(X, y):
    """Least-squares weights minimising ``||X w - y||**2``: solves ``(X.T X) w = X.T y``.

    ``X`` (n, d), ``y`` (n,) -> ``w`` (d,).  No intercept column is added.
    Raises ``ValueError`` if ``X.T X`` is singular (linearly dependent columns).
    """
    X = _matrix(X, "X")
    y = _vector(y, "y", X.shape[0])
    try:
        return np.linalg.solve(X.T @ X, X.T @ y)
    except np.linalg.LinAlgError:
        raise ValueError("X.T @ X is singular: the columns of X are linearly dependent") from None


def ridge(X, y, lam):
    """Ridge regression weights minimising ``||X w - y||**2 + lam * ||w||**2``.

    Solves ``(X.T X + lam I) w = X.T y``; ``X`` (n, d), ``y`` (n,), ``lam >= 0``.
    Every weight is penalised (no special intercept handling).
    """
    X = _matrix(X, "X")
    y = _vector(y, "y", X.shape[0])
    if lam < 0:
        raise ValueError(f"lam must be non-negative, got {lam}")
    try:
        return np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y)
    except np.linalg.LinAlgError:
        raise ValueError("X.T @ X + lam I is singular (lam = 0 and dependent columns)") from None


def least_squares_grad(X, y, w):
    """Gradient of ``||X w - y||**2`` with respect to ``w``: ``2 X.T (X w - y)``."""
    X = _matrix(X, "X")
    y = _vector(y, "y", X.shape[0])
    w = _vector(w, "w", X.shape[1])
    return 2 * X.T @ (X @ w - y)


def logdet(K):
    """``log(det(K))`` via ``np.linalg.slogdet`` (no overflow for large matrices).

    Raises ``ValueError`` if ``det(K) <= 0`` (the real logarithm is undefined).
    """
    K = _matrix(K, "K", square=True)
    sign, value = np.linalg.slogdet(K)
    if sign <= 0:
        raise ValueError("det(K) is not positive, so log det(K) is undefined")
    return float(value)


def logdet_grad(K):
    """Gradient of ``log det(K)`` with respect to ``K``: ``inv(K).T``.

    For a symmetric ``K`` (e.g. a covariance matrix) this is ``inv(K)``.
    """
    K = _matrix(K, "K", square=True)
    try:
        return np.linalg.inv(K).T
    except np.linalg.LinAlgError:
        raise ValueError("K is singular: log det(K) is not differentiable there") from None


def det_grad(K):
    """Gradient of ``det(K)`` with respect to ``K``: ``det(K) * inv(K).T`` (Jacobi's formula).

    For an invertible ``K`` this is the cofactor matrix of ``K``.
    """
    K = _matrix(K, "K", square=True)
    try:
        return np.linalg.det(K) * np.linalg.inv(K).T
    except np.linalg.LinAlgError:
        raise ValueError("K is singular: use the cofactor matrix instead") from None


def trace_grad_WA(A):
    """Gradient of ``tr(W A)`` with respect to ``W``: ``A.T`` (W has the shape of A.T)."""
    return _matrix(A, "A").T


def trace_grad_AWB(A, B):
    """Gradient of ``tr(A W B)`` with respect to ``W``: ``A.T @ B.T``."""
    A, B = _matrix(A, "A"), _matrix(B, "B")
    if A.shape[0] != B.shape[1]:
        raise ValueError(f"A W B must be square for the trace: A {A.shape}, B {B.shape}")
    return A.T @ B.T


def frob_sq_residual(W, x, y):
    """Squared residual ``||W x - y||**2`` for ``W`` (m, n), ``x`` (n,), ``y`` (m,)."""
    W = _matrix(W, "W")
    x, y = _vector(x, "x", W.shape[1]), _vector(y, "y", W.shape[0])
    r = W @ x - y
    return (r @ r).item()


def frob_sq_residual_grad(W, x, y):
    """Gradient of ``||W x - y||**2`` with respect to ``W``: ``2 (W x - y) x.T``.

    That is the outer product ``2 * np.outer(W @ x - y, x)``, of shape (m, n).
    """
    W = _matrix(W, "W")
    x, y = _vector(x, "x", W.shape[1]), _vector(y, "y", W.shape[0])
    return 2 * np.outer(W @ x - y, x)
