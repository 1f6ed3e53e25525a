"""Linear and logistic regression in closed form, and bias-variance (NumPy only).

Conventions:

* Data are stored **as rows**: a design matrix ``X`` is ``(N, D)`` with one
  example per row, targets ``y`` are ``(N,)``.  Weights ``w`` are ``(D,)``.
* An intercept is modelled by a column of ones.  ``linreg_design`` puts it
  **first**, so a fitted weight vector reads ``[b, w_1, ..., w_d]``.
* Squared-error losses: ``linreg_fit`` minimises ``||X w - y||^2`` (the sum; the
  minimiser is the same for the mean).  ``ridge_fit`` minimises the *mean*
  ``(1/N) ||X w - y||^2 + lam ||w||^2`` by default (every weight is penalised),
  whose minimiser solves ``(X^T X + N lam I) w = X^T y``; ``mean=False`` gives
  the sum version ``||X w - y||^2 + lam ||w||^2``.
* Logistic regression: labels ``y`` are 0/1, ``p = sigmoid(X w)``, and the loss
  is the negative log-likelihood (cross-entropy), averaged over the ``N``
  examples when ``mean=True`` (the default) and summed when ``mean=False``.
  Its gradient is ``X^T (p - y)`` (divided by ``N`` for the mean) and its
  Hessian ``X^T S X`` with ``S = diag(p (1 - p))`` (divided by ``N`` for the
  mean).  A Newton step does not depend on the choice.
* Bias-variance: an estimator ``theta_hat`` of ``theta`` has
  ``bias = E[theta_hat] - theta``, ``variance = E[(theta_hat - E theta_hat)^2]``
  and ``mse = E[(theta_hat - theta)^2] = bias^2 + variance``.

The ``*_loops`` and ``*_enum`` functions are independent checks written with
explicit Python loops (sums over examples, Cramer's rule, enumeration of all
training sets); they share no formula with the vectorised functions.
"""

import itertools
import math

import numpy as np

__all__ = [
    "linreg_design",
    "linreg_fit",
    "linreg_fit_centered",
    "linreg_fit_loops",
    "ridge_fit",
    "ridge_loss",
    "ridge_fit_loops",
    "logreg_loss",
    "logreg_grad",
    "logreg_hessian",
    "logreg_newton_step",
    "logreg_irls_step",
    "logreg_grad_loops",
    "logreg_hessian_loops",
    "shrunk_mean_risk",
    "shrunk_mean_risk_brute",
    "lasso_soft_threshold",
    "lasso_1d",
    "lasso_1d_brute",
    "lasso_1d_lambda_max",
    "lasso_1d_lambda_max_brute",
    "lasso_cd_steps",
    "lasso_cd_steps_brute",
    "polyreg_design",
    "polyreg_design_loops",
    "polyreg_feature_count",
    "polyreg_feature_count_brute",
    "wls_fit",
    "wls_fit_loops",
]


# --------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------


def _design(X):
    """``X`` as a float (N, D) matrix with N >= 1 and D >= 1."""
    X = np.asarray(X)
    if X.ndim != 2 or not np.issubdtype(X.dtype, np.number) or X.size == 0:
        raise ValueError(f"X must be a non-empty numeric 2-D matrix (N, D), got shape {X.shape}")
    return X.astype(np.float64)


def _targets(y, n, name="y"):
    """``y`` as a float vector of length ``n``."""
    y = np.asarray(y)
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.number):
        raise ValueError(f"{name} must be a numeric vector of length {n}, got shape {y.shape}")
    return y.astype(np.float64)


def _weights(w, d):
    """``w`` as a float vector of length ``d``."""
    w = np.asarray(w)
    if w.shape != (d,) or not np.issubdtype(w.dtype, np.number):
        raise ValueError(f"w must be a numeric vector of length {d}, got shape {w.shape}")
    return w.astype(np.float64)


def _binary(y, n):
    """0/1 labels of length ``n``, as floats."""
    y = _targets(y, n)
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"logistic-regression labels must be 0 or 1, got {y.tolist()}")
    return y


def _solve(A, b, what):
    """``np.linalg.solve`` with a readable error for a singular system."""
    try:
        return np.linalg.solve(A, b)
    except np.linalg.LinAlgError:
        raise ValueError(f"{what} is singular: the columns of X are linearly dependent") from None


def _sigmoid(z):
    """Numerically stable logistic function, elementwise."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


# --------------------------------------------------------------------------
# linear regression and ridge
# --------------------------------------------------------------------------


def linreg_design(x):
    """Design matrix with an intercept column of ones **first**.

    ``x`` is a vector (N,) of one feature or a matrix (N, d) of d features;
    the result is (N, 1 + d): ``[1, x_i]`` on row i.
    """
    x = np.asarray(x)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or not np.issubdtype(x.dtype, np.number) or x.shape[0] == 0:
        raise ValueError(f"x must be a non-empty numeric vector or (N, d) matrix, got {x.shape}")
    return np.hstack([np.ones((x.shape[0], 1), dtype=x.dtype), x])


def linreg_fit(X, y, intercept=False):
    """Least-squares weights: the solution of the normal equations ``X^T X w = X^T y``.

    ``X`` (N, D), ``y`` (N,) -> ``w`` (D,).  With ``intercept=True`` a column of
    ones is put in front of ``X`` first (see ``linreg_design``) and the result is
    ``[b, w_1, ..., w_D]``.  Raises ``ValueError`` when ``X^T X`` is singular.
    """
    X = linreg_design(X) if intercept else np.asarray(X)
    X = _design(X)
    y = _targets(y, X.shape[0])
    return _solve(X.T @ X, X.T @ y, "X^T X")


def linreg_fit_centered(x, y):
    """Simple linear regression ``y ~ b + m x`` by the centred formulas.

    ``m = sum (x_i - xbar)(y_i - ybar) / sum (x_i - xbar)^2`` and
    ``b = ybar - m xbar``; ``x`` and ``y`` are vectors (N,).  Returns
    ``array([b, m])``, the same as ``linreg_fit(x[:, None], y, intercept=True)``
    but computed without the normal equations.
    """
    x = np.asarray(x)
    if x.ndim != 1 or x.size < 2 or not np.issubdtype(x.dtype, np.number):
        raise ValueError(f"x must be a numeric vector with at least 2 entries, got {x.shape}")
    x = x.astype(np.float64)
    y = _targets(y, x.size)
    dx, dy = x - x.mean(), y - y.mean()
    sxx = float(dx @ dx)
    if sxx == 0:
        raise ValueError("all x values are equal: the slope is not determined")
    m = float(dx @ dy) / sxx
    return np.array([y.mean() - m * x.mean(), m])


def _det_loops(A):
    """Determinant by Laplace expansion along the first row (small matrices only)."""
    n = len(A)
    if n == 1:
        return A[0][0]
    total = 0.0
    for j in range(n):
        minor = [[A[r][c] for c in range(n) if c != j] for r in range(1, n)]
        total += (-1) ** j * A[0][j] * _det_loops(minor)
    return total


def _cramer_loops(A, b):
    """Solve ``A x = b`` by Cramer's rule (lists of floats; small systems only)."""
    n = len(A)
    det = _det_loops(A)
    if abs(det) < 1e-12:
        raise ValueError("the normal-equation matrix is singular")
    out = []
    for j in range(n):
        Aj = [[b[r] if c == j else A[r][c] for c in range(n)] for r in range(n)]
        out.append(_det_loops(Aj) / det)
    return np.array(out)


def linreg_fit_loops(X, y, ridge_diag=0.0):
    """Independent check of ``linreg_fit``/``ridge_fit``: explicit sums and Cramer's rule.

    Builds ``G[j][k] = sum_i X[i][j] X[i][k] + ridge_diag * [j == k]`` and
    ``c[j] = sum_i X[i][j] y[i]`` with Python loops and solves ``G w = c`` by
    Cramer's rule (determinants by cofactor expansion), so no NumPy linear
    algebra is involved.  For small D (at most 5 or so).
    """
    X = _design(X)
    y = _targets(y, X.shape[0])
    N, D = X.shape
    G = [[0.0] * D for _ in range(D)]
    c = [0.0] * D
    for i in range(N):
        for j in range(D):
            c[j] += float(X[i, j]) * float(y[i])
            for k in range(D):
                G[j][k] += float(X[i, j]) * float(X[i, k])
    for j in range(D):
        G[j][j] += float(ridge_diag)
    return _cramer_loops(G, c)


def ridge_fit(X, y, lam, mean=True):
    """Ridge weights: minimiser of ``(1/N) ||X w - y||^2 + lam ||w||^2`` (``mean=True``).

    Setting the gradient ``(2/N) X^T (X w - y) + 2 lam w`` to zero gives
    ``(X^T X + N lam I) w = X^T y``.  With ``mean=False`` the loss is
    ``||X w - y||^2 + lam ||w||^2`` and the system ``(X^T X + lam I) w = X^T y``.
    ``X`` (N, D), ``y`` (N,), ``lam >= 0``; every weight is penalised (add an
    intercept column yourself if you want one, and it will be penalised too).
    """
    X = _design(X)
    y = _targets(y, X.shape[0])
    if lam < 0:
        raise ValueError(f"lam must be non-negative, got {lam}")
    scale = X.shape[0] if mean else 1
    A = X.T @ X + scale * lam * np.eye(X.shape[1])
    return _solve(A, X.T @ y, "X^T X + N lam I")


def ridge_loss(X, y, w, lam, mean=True):
    """The ridge loss ``(1/N) ||X w - y||^2 + lam ||w||^2`` (or the sum, ``mean=False``)."""
    X = _design(X)
    y = _targets(y, X.shape[0])
    w = _weights(w, X.shape[1])
    r = X @ w - y
    data = float(r @ r) / (X.shape[0] if mean else 1)
    return data + lam * float(w @ w)


def ridge_fit_loops(X, y, lam, mean=True):
    """Independent check of ``ridge_fit``: ordinary least squares on augmented data.

    Ridge with penalty ``k ||w||^2`` on the summed squared error (``k = N lam``
    for the mean loss, ``k = lam`` for the sum) equals plain least squares on
    ``X`` stacked over ``sqrt(k) I`` with targets ``y`` stacked over zeros
    (each extra row adds ``k w_j^2``).  Solved with ``linreg_fit_loops``.
    """
    X = _design(X)
    y = _targets(y, X.shape[0])
    if lam < 0:
        raise ValueError(f"lam must be non-negative, got {lam}")
    N, D = X.shape
    k = N * lam if mean else lam
    Xa = np.vstack([X, math.sqrt(k) * np.eye(D)])
    ya = np.concatenate([y, np.zeros(D)])
    return linreg_fit_loops(Xa, ya)


# --------------------------------------------------------------------------
# logistic regression
# --------------------------------------------------------------------------


def _logreg_inputs(X, y, w):
    X = _design(X)
    return X, _binary(y, X.shape[0]), _weights(w, X.shape[1])


def logreg_loss(X, y, w, mean=True):
    """Logistic-regression cross-entropy ``-sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)]``.

    ``p = sigmoid(X w)``; divided by ``N`` when ``mean=True``.  Computed stably
    as ``sum_i [softplus(z_i) - y_i z_i]`` with ``z = X w``.
    """
    X, y, w = _logreg_inputs(X, y, w)
    z = X @ w
    total = float(np.sum(np.logaddexp(0.0, z) - y * z))
    return total / X.shape[0] if mean else total


def logreg_grad(X, y, w, mean=True):
    """Gradient of ``logreg_loss`` in ``w``: ``X^T (sigmoid(X w) - y)`` (over ``N`` if mean).

    ``X`` (N, D), ``y`` (N,) of 0/1, ``w`` (D,) -> (D,).
    """
    X, y, w = _logreg_inputs(X, y, w)
    g = X.T @ (_sigmoid(X @ w) - y)
    return g / X.shape[0] if mean else g


def logreg_hessian(X, w, mean=True):
    """Hessian of ``logreg_loss`` in ``w``: ``X^T S X`` with ``S = diag(p (1 - p))``.

    Divided by ``N`` if ``mean``.  It does not depend on the labels.
    ``X`` (N, D), ``w`` (D,) -> (D, D).
    """
    X = _design(X)
    w = _weights(w, X.shape[1])
    p = _sigmoid(X @ w)
    H = X.T @ ((p * (1 - p))[:, None] * X)
    return H / X.shape[0] if mean else H


def logreg_newton_step(X, y, w):
    """One Newton step for logistic regression: ``w - H^{-1} g``.

    ``g`` and ``H`` are the gradient and Hessian of the loss at ``w`` (the 1/N of
    the mean loss cancels, so the step is the same for the sum).  Returns the
    new weights (D,).
    """
    X, y, w = _logreg_inputs(X, y, w)
    g = logreg_grad(X, y, w, mean=False)
    H = logreg_hessian(X, w, mean=False)
    return w - _solve(H, g, "the Hessian X^T S X")


def logreg_irls_step(X, y, w):
    """Newton's step written as iteratively reweighted least squares (a second formula).

    With ``p = sigmoid(X w)``, ``s = p (1 - p)`` and the working response
    ``z = X w + (y - p) / s``, the new weights solve the weighted least-squares
    problem ``(X^T S X) w_new = X^T S z``; this equals ``logreg_newton_step``.
    """
    X, y, w = _logreg_inputs(X, y, w)
    p = _sigmoid(X @ w)
    s = p * (1 - p)
    if np.any(s == 0):
        raise ValueError("a predicted probability is exactly 0 or 1: the weights are infinite")
    z = X @ w + (y - p) / s
    return _solve(X.T @ (s[:, None] * X), X.T @ (s * z), "the Hessian X^T S X")


def logreg_grad_loops(X, y, w, mean=True):
    """Independent check of ``logreg_grad``: sum over examples of ``(p_i - y_i) x_i``.

    Each ``p_i = 1 / (1 + exp(-x_i . w))`` is computed with ``math.exp`` in a
    Python loop.
    """
    X, y, w = _logreg_inputs(X, y, w)
    N, D = X.shape
    g = [0.0] * D
    for i in range(N):
        z = sum(float(X[i, j]) * float(w[j]) for j in range(D))
        p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        for j in range(D):
            g[j] += (p - float(y[i])) * float(X[i, j])
    g = np.array(g)
    return g / N if mean else g


def logreg_hessian_loops(X, w, mean=True):
    """Independent check of ``logreg_hessian``: ``sum_i p_i (1 - p_i) x_i x_i^T`` with loops."""
    X = _design(X)
    w = _weights(w, X.shape[1])
    N, D = X.shape
    H = [[0.0] * D for _ in range(D)]
    for i in range(N):
        z = sum(float(X[i, j]) * float(w[j]) for j in range(D))
        p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        for j in range(D):
            for k in range(D):
                H[j][k] += p * (1 - p) * float(X[i, j]) * float(X[i, k])
    H = np.array(H)
    return H / N if mean else H


# --------------------------------------------------------------------------
# bias-variance
# --------------------------------------------------------------------------


def shrunk_mean_risk(mu, sigma2, n, c, target=0.0):
    """Bias, variance and MSE of the shrunk mean ``theta_hat = c xbar + (1 - c) target``.

    ``xbar`` is the mean of ``n`` independent draws with mean ``mu`` and
    variance ``sigma2``; the estimand is ``theta = mu``.  Returns the tuple
    ``(bias, variance, mse)`` with ``bias = (c - 1)(mu - target)``,
    ``variance = c^2 sigma2 / n`` and ``mse = bias^2 + variance``.
    ``c = 1`` is the sample mean (unbiased, variance ``sigma2 / n``).
    """
    if sigma2 < 0:
        raise ValueError(f"sigma2 must be non-negative, got {sigma2}")
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    bias = (c - 1) * (mu - target)
    variance = c**2 * sigma2 / n
    return bias, variance, bias**2 + variance


def shrunk_mean_risk_brute(values, n, c, target=0.0, probs=None):
    """Independent check of ``shrunk_mean_risk`` by enumerating every training set.

    Each of the ``n`` draws takes one of ``values`` (equally likely unless
    ``probs`` is given); all ``len(values)**n`` ordered training sets are
    enumerated with their probabilities, the estimate
    ``c * mean(sample) + (1 - c) * target`` is computed for each, and
    ``(bias, variance, mse)`` come from the definitions
    ``E[theta_hat] - theta``, ``E[(theta_hat - E theta_hat)^2]`` and
    ``E[(theta_hat - theta)^2]`` with ``theta`` the mean of the distribution.
    """
    values = [float(v) for v in np.asarray(values).ravel()]
    if not values:
        raise ValueError("values must not be empty")
    if probs is None:
        probs = [1.0 / len(values)] * len(values)
    probs = [float(p) for p in np.asarray(probs).ravel()]
    if len(probs) != len(values) or min(probs) < 0 or abs(sum(probs) - 1) > 1e-9:
        raise ValueError("probs must be non-negative, one per value, and sum to 1")
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    theta = sum(p * v for p, v in zip(probs, values, strict=False))
    sets = []
    for combo in itertools.product(range(len(values)), repeat=int(n)):
        prob = 1.0
        for k in combo:
            prob *= probs[k]
        estimate = c * sum(values[k] for k in combo) / n + (1 - c) * target
        sets.append((prob, estimate))
    expected = sum(p * t for p, t in sets)
    variance = sum(p * (t - expected) ** 2 for p, t in sets)
    mse = sum(p * (t - theta) ** 2 for p, t in sets)
    return expected - theta, variance, mse


# --------------------------------------------------------------------------
# Lasso: soft-thresholding and coordinate descent
# --------------------------------------------------------------------------
#
# The Lasso objective here is (1/2) ||y - X w||^2 + lam ||w||_1 (``mean=False``),
# or (1/(2n)) ||y - X w||^2 + lam ||w||_1 (``mean=True``, scikit-learn's scaling),
# which is the first with lam replaced by n lam.


def _vector(v, name):
    """``v`` as a non-empty float vector."""
    v = np.asarray(v)
    if v.ndim != 1 or v.size == 0 or not np.issubdtype(v.dtype, np.number):
        raise ValueError(f"{name} must be a non-empty numeric vector, got shape {v.shape}")
    return v.astype(np.float64)


def _lasso_1d_inputs(x, y, lam):
    x = _vector(x, "x")
    y = _targets(y, x.size)
    if lam < 0:
        raise ValueError(f"lam must be non-negative, got {lam}")
    if not np.any(x != 0):
        raise ValueError("x must not be all zeros")
    return x, y


def lasso_soft_threshold(z, t):
    """The soft-thresholding operator ``S(z, t) = sign(z) max(|z| - t, 0)``, elementwise."""
    if np.any(np.asarray(t) < 0):
        raise ValueError(f"the threshold must be non-negative, got {t}")
    z = np.asarray(z, dtype=np.float64)
    out = np.sign(z) * np.maximum(np.abs(z) - t, 0.0)
    return float(out) if out.ndim == 0 else out


def lasso_1d(x, y, lam, mean=False):
    """One-feature Lasso without intercept: ``w = S(x^T y, c lam) / x^T x`` (c = n if mean).

    Minimises ``(1/2) ||y - x w||^2 + lam |w|`` (``mean=False``) or
    ``(1/(2n)) ||y - x w||^2 + lam |w|`` (``mean=True``).
    """
    x, y = _lasso_1d_inputs(x, y, lam)
    c = x.size if mean else 1
    return lasso_soft_threshold(float(x @ y), c * lam) / float(x @ x)


def lasso_1d_lambda_max(x, y, mean=False):
    """The smallest lam for which the one-feature Lasso gives ``w = 0``: ``|x^T y| / c``."""
    x, y = _lasso_1d_inputs(x, y, 0.0)
    return abs(float(x @ y)) / (x.size if mean else 1)


def _lasso_objective_loops(X, y, w, lam, mean):
    """(1/2) sum of squared residuals (/n if mean) + lam sum |w_j|, with loops (lists)."""
    n = len(y)
    sq = 0.0
    for i in range(n):
        r = y[i]
        for j in range(len(w)):
            r -= X[i][j] * w[j]
        sq += r * r
    return sq / (2 * n if mean else 2) + lam * sum(abs(v) for v in w)


def _argmin_convex_1d(f, lo, hi, iters=200):
    """Minimise a convex function of one variable on [lo, hi] by ternary search."""
    for _ in range(iters):
        a = lo + (hi - lo) / 3
        b = hi - (hi - lo) / 3
        if f(a) <= f(b):
            hi = b
        else:
            lo = a
    return (lo + hi) / 2


def _one_column(x, y):
    xs = [float(v) for v in np.asarray(x).ravel()]
    ys = [float(v) for v in np.asarray(y).ravel()]
    if len(xs) != len(ys) or not xs or all(v == 0 for v in xs):
        raise ValueError("x and y must have equal non-zero length and x must not be all zeros")
    return [[v] for v in xs], ys


def lasso_1d_brute(x, y, lam, mean=False):
    """Independent check of ``lasso_1d``: ternary search of the objective, written with loops."""
    if lam < 0:
        raise ValueError(f"lam must be non-negative, got {lam}")
    X, ys = _one_column(x, y)
    bound = 1.0 + sum(abs(v) for v in ys) * sum(abs(r[0]) for r in X) \
        / sum(r[0] * r[0] for r in X)
    def f(v):
        return _lasso_objective_loops(X, ys, [v], lam, mean)

    w = _argmin_convex_1d(f, -bound, bound)
    # the search ends within float noise of the kink at 0; land on it if it is no worse
    return 0.0 if f(0.0) <= f(w) else w


def lasso_1d_lambda_max_brute(x, y, mean=False):
    """Independent check of ``lasso_1d_lambda_max``: bisection on lam with a ternary-search fit."""
    X, ys = _one_column(x, y)
    bound = 1.0 + sum(abs(v) for v in ys) * sum(abs(r[0]) for r in X) \
        / sum(r[0] * r[0] for r in X)

    def fit(lam):
        return _argmin_convex_1d(lambda v: _lasso_objective_loops(X, ys, [v], lam, mean),
                                 -bound, bound)

    lo, hi = 0.0, 1.0
    while abs(fit(hi)) > 1e-7:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        if abs(fit(mid)) > 1e-7:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def lasso_cd_steps(X, y, lam, w0, order):
    """Coordinate descent on ``(1/2)||y - X w||^2 + lam ||w||_1``: one exact update per step.

    ``order`` lists the coordinates updated, in turn.  Step ``k`` on coordinate
    ``j`` computes ``rho = x_j^T (y - X w + x_j w_j)`` (the residual without
    feature j) and sets ``w_j = S(rho, lam) / ||x_j||^2``.  Returns the tuple
    ``(rhos, W)``: the ``rho`` of each step and the weight vector after it.
    """
    X = _design(X)
    y = _targets(y, X.shape[0])
    w = _weights(w0, X.shape[1]).copy()
    if lam < 0:
        raise ValueError(f"lam must be non-negative, got {lam}")
    rhos, W = [], []
    for j in np.asarray(order, dtype=int).ravel():
        xj = X[:, j]
        if not np.any(xj != 0):
            raise ValueError(f"column {j} of X is all zeros")
        rho = float(xj @ (y - X @ w + xj * w[j]))
        w[j] = lasso_soft_threshold(rho, lam) / float(xj @ xj)
        rhos.append(rho)
        W.append(w.copy())
    return np.array(rhos), np.array(W)


def lasso_cd_steps_brute(X, y, lam, w0, order):
    """Independent check of ``lasso_cd_steps``: each step minimises the objective in w_j.

    The full objective (loops) is minimised over the one coordinate by ternary
    search, the others held fixed; ``rho`` is summed example by example.
    """
    if lam < 0:
        raise ValueError(f"lam must be non-negative, got {lam}")
    Xl = [[float(v) for v in row] for row in np.asarray(X)]
    ys = [float(v) for v in np.asarray(y).ravel()]
    w = [float(v) for v in np.asarray(w0).ravel()]
    if len(Xl) != len(ys) or any(len(row) != len(w) for row in Xl):
        raise ValueError("X, y and w0 have inconsistent shapes")
    bound = 1.0 + sum(abs(v) for v in ys) * sum(abs(v) for row in Xl for v in row) \
        + sum(abs(v) for v in w) * 10
    rhos, W = [], []
    for j in [int(v) for v in np.asarray(order).ravel()]:
        rho = 0.0
        for i in range(len(ys)):
            partial = ys[i]
            for k in range(len(w)):
                if k != j:
                    partial -= Xl[i][k] * w[k]
            rho += Xl[i][j] * partial

        def f(v, j=j):
            trial = list(w)
            trial[j] = v
            return _lasso_objective_loops(Xl, ys, trial, lam, False)

        wj = _argmin_convex_1d(f, -bound, bound)
        # the search ends within float noise of the kink at 0; land on it if it is no worse
        w[j] = 0.0 if f(0.0) <= f(wj) else wj
        rhos.append(rho)
        W.append(list(w))
    return np.array(rhos), np.array(W)


# --------------------------------------------------------------------------
# polynomial regression
# --------------------------------------------------------------------------


def polyreg_design(x, p):
    """Design matrix of degree-p polynomial regression on scalar inputs: columns x^0 .. x^p."""
    x = _vector(x, "x")
    if isinstance(p, bool) or int(p) != p or p < 0:
        raise ValueError(f"the degree must be a whole number >= 0, got {p!r}")
    return x[:, None] ** np.arange(int(p) + 1)[None, :]


def polyreg_design_loops(x, p):
    """Independent check of ``polyreg_design``: each power built by repeated multiplication."""
    rows = []
    for v in np.asarray(x, dtype=np.float64).ravel().tolist():
        row, power = [], 1.0
        for _ in range(int(p) + 1):
            row.append(power)
            power *= v
        rows.append(row)
    return np.array(rows)


def polyreg_feature_count(d, p, constant=True):
    """Monomials of degree <= p in d variables: ``C(d + p, p)`` (minus 1 without the constant)."""
    for v, name in ((d, "d"), (p, "p")):
        if isinstance(v, bool) or int(v) != v or v < 0:
            raise ValueError(f"{name} must be a whole number >= 0, got {v!r}")
    return math.comb(int(d) + int(p), int(p)) - (0 if constant else 1)


def polyreg_feature_count_brute(d, p, constant=True):
    """Independent check of ``polyreg_feature_count``: enumerate the exponent tuples."""
    count = 0
    for exps in itertools.product(range(int(p) + 1), repeat=int(d)):
        if sum(exps) <= p and (constant or sum(exps) > 0):
            count += 1
    return count


# --------------------------------------------------------------------------
# weighted least squares
# --------------------------------------------------------------------------


def wls_fit(X, y, weights):
    """Weighted least squares: ``(X^T W X)^{-1} X^T W y`` with ``W = diag(weights)``.

    Minimises ``sum_i weights_i (y_i - x_i^T w)^2``; the weights must be positive.
    """
    X = _design(X)
    y = _targets(y, X.shape[0])
    c = _targets(weights, X.shape[0], "weights")
    if np.any(c <= 0):
        raise ValueError("the weights must be positive")
    Wm = np.diag(c)
    return _solve(X.T @ Wm @ X, X.T @ Wm @ y, "X^T W X")


def wls_fit_loops(X, y, weights):
    """Independent check of ``wls_fit``: weighted sums with loops, then Cramer's rule."""
    X = _design(X)
    y = _targets(y, X.shape[0])
    c = _targets(weights, X.shape[0], "weights")
    N, D = X.shape
    G = [[0.0] * D for _ in range(D)]
    r = [0.0] * D
    for i in range(N):
        for j in range(D):
            r[j] += float(c[i]) * float(X[i, j]) * float(y[i])
            for k in range(D):
                G[j][k] += float(c[i]) * float(X[i, j]) * float(X[i, k])
    return _cramer_loops(G, r)
