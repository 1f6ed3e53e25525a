"""Gradient descent and Newton's method, one step at a time (NumPy only).

Conventions:

* A polynomial is given by its coefficients in **ascending** order:
  ``coeffs = [c0, c1, c2, ...]`` means ``f(x) = c0 + c1 x + c2 x**2 + ...``
  (the reverse of ``numpy.polyval``).
* Linear regression stores the data set **as rows**: ``X`` is (N, D), the
  targets ``y`` are (N,), the weights ``w`` are (D,) and the prediction for
  row ``i`` is ``X[i] @ w`` (add a column of ones to ``X`` for a bias).  Its
  loss on a set of rows ``B`` (a mini-batch) is the **mean** squared residual
  ``L_B(w) = (1/|B|) sum_{i in B} (X[i] @ w - y[i])**2`` (no factor 1/2), so
  ``grad L_B(w) = (2/|B|) X_B^T (X_B w - y_B)``.  ``rows`` lists the indices
  of ``B`` counted from 0; ``rows=None`` means the full batch.
* A gradient-descent step is ``w - lr * grad``; a Newton step for
  minimisation is ``x - H^{-1} g`` (``x - f'(x)/f''(x)`` in one dimension).

The ``*_loops`` and ``*_cramer``/``*_brute`` functions recompute the same
quantities another way (explicit loops, Cramer's rule, finite differences)
and exist to verify the others.
"""

import math

import numpy as np

__all__ = [
    "polynomial_value",
    "polynomial_value_loops",
    "polynomial_derivative",
    "newton_step",
    "newton_step_brute",
    "newton_step_poly",
    "newton_step_poly_brute",
    "linreg_mse_loss",
    "linreg_mse_grad",
    "linreg_mse_grad_loops",
    "linreg_gd_step",
]


def _coeffs(coeffs):
    """Return the polynomial coefficients as a non-empty 1-D float array."""
    c = np.asarray(coeffs, dtype=np.float64)
    if c.ndim != 1 or c.size == 0:
        raise ValueError(f"coeffs must be a non-empty 1-D list [c0, c1, ...], got shape {c.shape}")
    return c


# --------------------------------------------------------------------------
# polynomials of one variable
# --------------------------------------------------------------------------


def polynomial_value(coeffs, x):
    """``f(x) = sum_k coeffs[k] * x**k`` (ascending coefficients), elementwise in ``x``."""
    c = _coeffs(coeffs)
    x = np.asarray(x, dtype=np.float64)
    powers = x[..., None] ** np.arange(c.size)
    return (powers @ c)[()]


def polynomial_value_loops(coeffs, x):
    """``f(x)`` for a single number ``x`` by Horner's rule in a loop (checks ``polynomial_value``).

    ``f(x) = (...((c_n x + c_{n-1}) x + c_{n-2}) x + ...) + c_0``.
    """
    c = _coeffs(coeffs)
    if np.ndim(x) != 0:
        raise ValueError(f"x must be a single number, got shape {np.shape(x)}")
    x = float(x)
    total = 0.0
    for ck in reversed(c.tolist()):
        total = total * x + ck
    return total


def polynomial_derivative(coeffs, x, order=1):
    """The ``order``-th derivative of ``f(x) = sum_k coeffs[k] x**k`` at ``x`` (elementwise).

    Differentiates the coefficients: ``d/dx c_k x**k = k c_k x**(k-1)``,
    applied ``order`` times (``order = 0`` gives ``f`` itself).
    """
    if isinstance(order, bool) or not float(order).is_integer() or order < 0:
        raise ValueError(f"order must be a whole number >= 0, got {order!r}")
    c = _coeffs(coeffs)
    for _ in range(int(order)):
        c = c[1:] * np.arange(1, c.size) if c.size > 1 else np.zeros(1)
    return polynomial_value(c, x)


def newton_step_poly(coeffs, x):
    """One Newton step for *minimising* a polynomial: ``x - f'(x) / f''(x)``.

    ``coeffs`` ascending, ``x`` a number.  Raises ``ValueError`` when
    ``f''(x) = 0`` (the local quadratic model has no stationary point).
    The step goes to the stationary point of the quadratic model at ``x``,
    which is a minimum only when ``f''(x) > 0``.
    """
    if np.ndim(x) != 0:
        raise ValueError(f"x must be a single number, got shape {np.shape(x)}")
    d1 = float(polynomial_derivative(coeffs, x, 1))
    d2 = float(polynomial_derivative(coeffs, x, 2))
    if d2 == 0:
        raise ValueError(f"f''(x) = 0 at x = {x}: the Newton step is undefined")
    return float(x) - d1 / d2


def newton_step_poly_brute(coeffs, x, h=1e-2):
    """:func:`newton_step_poly` with derivatives from central differences of Horner evaluations.

    ``f'(x) ~ (f(x+h) - f(x-h)) / (2h)``, ``f''(x) ~ (f(x+h) - 2 f(x) + f(x-h)) / h**2``, each
    taken at ``h`` and ``h/2`` and combined as ``(4 D(h/2) - D(h)) / 3`` (Richardson), which
    cancels the ``h**2`` error: what is left is of order ``h**4`` (none for ``f''`` of a
    quintic). Plain differences at ``h = 1e-3`` missed the exact step by up to 5e-5 on
    quintics; these agree to about 1e-8.
    """
    x = float(x)

    def differences(step):
        up, mid, down = (polynomial_value_loops(coeffs, t) for t in (x + step, x, x - step))
        return (up - down) / (2 * step), (up - 2 * mid + down) / step**2

    (d1_h, d2_h), (d1_half, d2_half) = differences(h), differences(h / 2)
    d1, d2 = (4 * d1_half - d1_h) / 3, (4 * d2_half - d2_h) / 3
    if d2 == 0:
        raise ValueError(f"f''(x) = 0 at x = {x}: the Newton step is undefined")
    return x - d1 / d2


# --------------------------------------------------------------------------
# Newton's method in several variables
# --------------------------------------------------------------------------


def _newton_inputs(g, H, x):
    """Check a gradient ``g`` (n,), Hessian ``H`` (n, n) and point ``x`` (n,) (n may be 0-d)."""
    g, H, x = (np.asarray(a, dtype=np.float64) for a in (g, H, x))
    if g.ndim == 0 and x.ndim == 0 and H.size == 1:
        return g.reshape(1), H.reshape(1, 1), x.reshape(1), True
    n = x.size
    if x.ndim != 1 or g.shape != (n,) or H.shape != (n, n):
        raise ValueError(f"expected x (n,), g (n,), H (n, n); got x {x.shape}, g {g.shape}, "
                         f"H {H.shape}")
    return g, H, x, False


def newton_step(g, H, x):
    """One Newton step ``x - H^{-1} g`` (solving ``H d = g``, never forming the inverse).

    ``x`` the current point (n,), ``g`` the gradient (n,) and ``H`` the
    Hessian (n, n) of the function at ``x``; numbers are accepted for n = 1.
    Raises ``ValueError`` if ``H`` is singular.
    """
    g, H, x, scalar = _newton_inputs(g, H, x)
    try:
        step = np.linalg.solve(H, g)
    except np.linalg.LinAlgError:
        raise ValueError("the Hessian is singular, so the Newton step is undefined: "
                         f"H = {H.tolist()}") from None
    out = x - step
    return float(out[0]) if scalar else out


def _det_laplace(m):
    """Determinant of a small square list-of-lists by cofactor expansion along row 0."""
    if len(m) == 1:
        return m[0][0]
    total = 0.0
    for j, a in enumerate(m[0]):
        minor = [row[:j] + row[j + 1:] for row in m[1:]]
        total += (-1) ** j * a * _det_laplace(minor)
    return total


def newton_step_brute(g, H, x):
    """:func:`newton_step` by Cramer's rule with cofactor determinants (checks it; n <= 4).

    The step ``d`` solves ``H d = g``: ``d_j = det(H with column j replaced by g) / det(H)``;
    then ``x_new = x - d``.
    """
    g, H, x, scalar = _newton_inputs(g, H, x)
    n = x.size
    if n > 4:
        raise ValueError(f"Cramer's rule here is for n <= 4 variables, got {n}")
    rows = H.tolist()
    det = _det_laplace(rows)
    if det == 0:
        raise ValueError(f"the Hessian is singular, so the Newton step is undefined: H = {rows}")
    out = []
    for j in range(n):
        replaced = [row[:j] + [g[i]] + row[j + 1:] for i, row in enumerate(rows)]
        out.append(float(x[j]) - _det_laplace(replaced) / det)
    return out[0] if scalar else np.array(out)


# --------------------------------------------------------------------------
# linear regression: full-batch, stochastic and mini-batch gradients
# --------------------------------------------------------------------------


def _linreg_inputs(X, y, w, rows):
    """Check ``X`` (N, D), ``y`` (N,), ``w`` (D,) and return the rows of the batch."""
    X, y, w = (np.asarray(a, dtype=np.float64) for a in (X, y, w))
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (N, D) with examples as rows, got shape {X.shape}")
    n, d = X.shape
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},), got {y.shape}")
    if w.shape != (d,):
        raise ValueError(f"w must have shape ({d},), got {w.shape}")
    if rows is None:
        return X, y, w
    idx = np.asarray(rows)
    if idx.ndim == 0:
        idx = idx.reshape(1)
    if idx.ndim != 1 or idx.size == 0:
        raise ValueError(f"rows must be a non-empty list of row indices, got {rows!r}")
    if not (np.issubdtype(idx.dtype, np.integer)
            or (np.issubdtype(idx.dtype, np.floating) and np.all(idx == np.round(idx)))):
        raise ValueError(f"rows must be whole numbers (indices from 0), got {rows!r}")
    idx = idx.astype(np.int64)
    if idx.min() < 0 or idx.max() >= n:
        raise ValueError(f"row indices must lie in 0..{n - 1} (counted from 0), got {idx.tolist()}")
    return X[idx], y[idx], w


def linreg_mse_loss(X, y, w, rows=None):
    """Mean squared residual ``(1/|B|) sum_{i in B} (X[i] @ w - y[i])**2`` over the rows ``B``.

    ``rows`` lists the mini-batch (indices from 0); ``None`` uses all N rows.
    """
    Xb, yb, w = _linreg_inputs(X, y, w, rows)
    return float(np.mean((Xb @ w - yb) ** 2))


def linreg_mse_grad(X, y, w, rows=None):
    """Gradient of :func:`linreg_mse_loss` with respect to ``w``: ``(2/|B|) X_B^T (X_B w - y_B)``.

    With ``rows=None`` this is the full-batch gradient; with one row it is
    the stochastic gradient of that example; otherwise a mini-batch gradient.
    Returns a (D,) array.
    """
    Xb, yb, w = _linreg_inputs(X, y, w, rows)
    return 2 * Xb.T @ (Xb @ w - yb) / Xb.shape[0]


def linreg_mse_grad_loops(X, y, w, rows=None):
    """:func:`linreg_mse_grad` with loops: average over the batch of ``2 r_i x_i``.

    For each row ``i`` of the batch the residual ``r_i = sum_d X[i, d] w[d] - y[i]``
    is formed by a loop and ``2 r_i X[i, d]`` is added to entry ``d``; the sum
    is divided by the batch size.  Checks the vectorised version.
    """
    Xb, yb, w = _linreg_inputs(X, y, w, rows)
    b, d = Xb.shape
    grad = [0.0] * d
    for i in range(b):
        r = -float(yb[i])
        for k in range(d):
            r += float(Xb[i, k]) * float(w[k])
        for k in range(d):
            grad[k] += 2 * r * float(Xb[i, k])
    return np.array([gk / b for gk in grad])


def linreg_gd_step(X, y, w, lr, rows=None):
    """One (mini-batch / stochastic / full-batch) gradient-descent step on :func:`linreg_mse_loss`.

    Returns ``w - lr * linreg_mse_grad(X, y, w, rows)``; ``lr`` must be
    non-negative and finite.
    """
    if not math.isfinite(lr) or lr < 0:
        raise ValueError(f"the learning rate must be a finite number >= 0, got {lr}")
    return np.asarray(w, dtype=np.float64) - lr * linreg_mse_grad(X, y, w, rows)
