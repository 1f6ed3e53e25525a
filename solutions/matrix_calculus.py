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
    "trace_quadratic_grad",
    "trace_quadratic_grad_loops",
    "bilinear_grad_A",
    "bilinear_grad_A_loops",
    "det_laplace_loops",
    "cofactor_matrix_loops",
    "inverse_quadratic_grad",
    "ridge_lstsq_augmented",
    "elementwise_jacobian",
    "jacobian_fd_brute",
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


# --------------------------------------------------------------------------
# more matrix gradients, each with an independent loop / brute-force version
# --------------------------------------------------------------------------


def trace_quadratic_grad(W, A):
    """Gradient of ``tr(W A W.T)`` with respect to ``W``: ``W @ (A + A.T)``.

    ``W`` (m, n), ``A`` (n, n) -> (m, n), the shape of ``W``.  For a symmetric
    ``A`` this is ``2 W A``.
    """
    W, A = _matrix(W, "W"), _matrix(A, "A", square=True)
    if W.shape[1] != A.shape[0]:
        raise ValueError(f"W must have {A.shape[0]} columns to multiply A, got shape {W.shape}")
    return W @ (A + A.T)


def trace_quadratic_grad_loops(W, A):
    """Check of ``trace_quadratic_grad`` by explicit index sums.

    ``f = sum_{i,j,k} W[i, j] A[j, k] W[i, k]``; by the product rule
    ``df/dW[p, q] = sum_k A[q, k] W[p, k] + sum_j W[p, j] A[j, q]``.
    """
    W, A = _matrix(W, "W"), _matrix(A, "A", square=True)
    m, n = W.shape
    if n != A.shape[0]:
        raise ValueError(f"W must have {A.shape[0]} columns to multiply A, got shape {W.shape}")
    grad = np.zeros((m, n), dtype=np.result_type(W, A))
    for p in range(m):
        for q in range(n):
            total = 0
            for k in range(n):
                total += A[q, k].item() * W[p, k].item()
            for j in range(n):
                total += W[p, j].item() * A[j, q].item()
            grad[p, q] = total
    return grad


def bilinear_grad_A(y, x):
    """Gradient of ``y.T A x`` with respect to ``A``: the outer product ``y x.T``.

    ``y`` (m,), ``x`` (n,) -> (m, n), the shape of ``A``.
    """
    y, x = np.asarray(y), np.asarray(x)
    if y.ndim != 1 or x.ndim != 1:
        raise ValueError(f"y and x must be 1-D vectors, got shapes {y.shape} and {x.shape}")
    return np.outer(y, x)


def bilinear_grad_A_loops(y, A, x):
    """Check of ``bilinear_grad_A``: the coefficient of ``A[i, j]`` in ``sum_ij y_i A_ij x_j``.

    Found by evaluating ``f(A) = y.T A x`` at ``A`` and at ``A + E_ij`` (``f`` is
    linear in ``A``, so the difference is exactly the partial derivative).
    ``y`` (m,), ``A`` (m, n), ``x`` (n,).
    """
    A = _matrix(A, "A")
    y, x = _vector(y, "y", A.shape[0]), _vector(x, "x", A.shape[1])

    def f(M):
        total = 0
        for i in range(M.shape[0]):
            for j in range(M.shape[1]):
                total += y[i].item() * M[i, j].item() * x[j].item()
        return total

    base = f(A)
    grad = np.zeros(A.shape, dtype=np.result_type(y, x))
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            bumped = A.astype(np.result_type(A, y, x)).copy()
            bumped[i, j] += 1
            grad[i, j] = f(bumped) - base
    return grad


def det_laplace_loops(K):
    """Determinant by Laplace (cofactor) expansion along the first row, with loops.

    Exact for integer matrices (returns a Python int); meant for small ``K``
    (n <= 5), and independent of ``np.linalg.det``.
    """
    K = _matrix(K, "K", square=True)
    rows = [[K[i, j].item() for j in range(K.shape[1])] for i in range(K.shape[0])]
    return _det_rows(rows)


def _det_rows(rows):
    """Laplace expansion of a list-of-lists square matrix."""
    n = len(rows)
    if n == 0:
        return 1
    if n == 1:
        return rows[0][0]
    total = 0
    for j in range(n):
        minor = [row[:j] + row[j + 1:] for row in rows[1:]]
        total += (-1) ** j * rows[0][j] * _det_rows(minor)
    return total


def cofactor_matrix_loops(K):
    """Cofactor matrix ``C[i, j] = (-1)**(i+j) det(K without row i and column j)``, with loops.

    This is the gradient of ``det(K)`` with respect to ``K`` (``= det(K) inv(K).T``
    when ``K`` is invertible, but defined for singular ``K`` too).  Integer input
    gives an integer result.  Checks ``det_grad`` without using an inverse.
    """
    K = _matrix(K, "K", square=True)
    n = K.shape[0]
    rows = [[K[i, j].item() for j in range(n)] for i in range(n)]
    out = np.zeros((n, n), dtype=np.result_type(K, int))
    for i in range(n):
        for j in range(n):
            minor = [row[:j] + row[j + 1:] for r, row in enumerate(rows) if r != i]
            out[i, j] = (-1) ** (i + j) * _det_rows(minor)
    return out


def inverse_quadratic_grad(K, a, b):
    """Gradient of ``a.T inv(K) b`` with respect to ``K``: ``-inv(K).T @ a b.T @ inv(K).T``.

    From ``d(K^-1) = -K^-1 dK K^-1``.  ``K`` (n, n) invertible, ``a`` and ``b`` (n,).
    """
    K = _matrix(K, "K", square=True)
    a, b = _vector(a, "a", K.shape[0]), _vector(b, "b", K.shape[0])
    try:
        Kinv = np.linalg.inv(K)
    except np.linalg.LinAlgError:
        raise ValueError("K is singular: inv(K) is not differentiable there") from None
    return -np.outer(Kinv.T @ a, Kinv @ b)


def ridge_lstsq_augmented(X, y, lam):
    """Ridge (or, with ``lam = 0``, ordinary) least squares by a second route.

    Solves the stacked least-squares problem ``[X; sqrt(lam) I] w ~ [y; 0]``
    with ``np.linalg.lstsq`` (SVD based): its residual is
    ``||X w - y||**2 + lam ||w||**2``, so the minimiser is the ridge solution,
    found without forming ``X.T X``.  ``X`` (n, d), ``y`` (n,), ``lam >= 0``.
    """
    X = _matrix(X, "X")
    y = _vector(y, "y", X.shape[0])
    if lam < 0:
        raise ValueError(f"lam must be non-negative, got {lam}")
    d = X.shape[1]
    big_X = np.vstack([X.astype(float), np.sqrt(lam) * np.eye(d)])
    big_y = np.concatenate([y.astype(float), np.zeros(d)])
    w, _, rank, _ = np.linalg.lstsq(big_X, big_y, rcond=None)
    if rank < d:
        raise ValueError("the problem has no unique solution (lam = 0 and dependent columns)")
    return w


_ELEMENTWISE = {
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)),
                lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "square": (lambda z: z ** 2, lambda z: 2 * z),
    "cube": (lambda z: z ** 3, lambda z: 3 * z ** 2),
    "exp": (np.exp, np.exp),
    "softplus": (lambda z: np.logaddexp(0, z), lambda z: 1 / (1 + np.exp(-z))),
}


def _elementwise(name):
    if name not in _ELEMENTWISE:
        raise ValueError(f"unknown elementwise function {name!r}; known: {sorted(_ELEMENTWISE)}")
    return _ELEMENTWISE[name]


def elementwise_jacobian(name, x):
    """Jacobian of ``y = f(x)`` applied entrywise: the diagonal matrix ``diag(f'(x))``.

    ``name`` is one of ``sigmoid``, ``tanh``, ``square``, ``cube``, ``exp``,
    ``softplus``; ``x`` (n,) -> (n, n).  The matrix is diagonal, so numerator
    and denominator layout agree.
    """
    x = np.asarray(x)
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D vector, got shape {x.shape}")
    return np.diag(_elementwise(name)[1](x))


def jacobian_fd_brute(name, x, W=None, h=1e-6):
    """Numerator-layout Jacobian of ``f(W x)`` with respect to ``x``, by central differences.

    ``f`` is the named elementwise function (see ``elementwise_jacobian``);
    ``W`` (m, n) defaults to the identity, so ``jacobian_fd_brute(name, x)``
    checks ``elementwise_jacobian(name, x)``.  Column ``j`` is
    ``(f(W (x + h e_j)) - f(W (x - h e_j))) / 2h``; the result is (m, n).
    """
    fn = _elementwise(name)[0]
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D vector, got shape {x.shape}")
    n = x.size
    W = np.eye(n) if W is None else _matrix(W, "W").astype(float)
    if W.shape[1] != n:
        raise ValueError(f"W must have {n} columns to multiply x, got shape {W.shape}")
    jac = np.zeros((W.shape[0], n))
    for j in range(n):
        step = np.zeros(n)
        step[j] = h
        jac[:, j] = (fn(W @ (x + step)) - fn(W @ (x - step))) / (2 * h)
    return jac
