"""Gaussian discriminant analysis: posteriors, LDA and QDA boundaries, counts (NumPy only).

Conventions:

* Two classes y in {0, 1} with priors pi0 = 1 - pi1 and pi1; class k has the Gaussian
  density N(x; mu_k, Sigma_k) (1-D: variance ``var_k``, not the standard deviation).
* The log-odds (log-posterior ratio) is ``q(x) = ln [pi1 p(x | 1) / (pi0 p(x | 0))]``;
  class 1 is predicted where q(x) > 0. For LDA (one shared Sigma) q(x) = w . x + b with
  ``w = Sigma^-1 (mu1 - mu0)`` and
  ``b = -(1/2)(mu1^T Sigma^-1 mu1 - mu0^T Sigma^-1 mu0) + ln(pi1/pi0)``. For 1-D QDA
  q(x) = a x^2 + b x + c, whose constant keeps the log-determinant term
  ``-(1/2) ln(var1/var0)``.
* Data are rows; a fitted covariance divides the pooled scatter by ``n - ddof``.

Checks (``*_loops``, ``*_brute``) recompute by another route: Gaussian densities
evaluated directly and Bayes' rule, coefficients recovered by evaluating the log-odds at
a few points, explicit loops and enumeration. They never call the references.
"""

import math

import numpy as np

__all__ = [
    "gda_log_odds_1d",
    "gda_log_odds_1d_brute",
    "gda_posterior_1d",
    "gda_posterior_1d_brute",
    "lda_boundary",
    "lda_boundary_brute",
    "qda_coefficients_1d",
    "qda_coefficients_1d_brute",
    "gda_param_counts",
    "gda_param_counts_loops",
    "lda_fit",
    "lda_fit_loops",
]


def _prior(pi1):
    pi1 = float(pi1)
    if not 0 < pi1 < 1:
        raise ValueError(f"the prior pi1 must lie strictly between 0 and 1, got {pi1}")
    return pi1


def _var(v, name):
    v = float(v)
    if not v > 0:
        raise ValueError(f"{name} must be a positive variance, got {v}")
    return v


# --------------------------------------------------------------------------
# one dimension
# --------------------------------------------------------------------------


def gda_log_odds_1d(x, mu0, var0, mu1, var1, pi1):
    """Log-odds ln[pi1 N(x; mu1, var1) / (pi0 N(x; mu0, var0))] of class 1 at x (1-D)."""
    a, b, c = qda_coefficients_1d(mu0, var0, mu1, var1, pi1)
    return float(a * x * x + b * x + c)


def gda_posterior_1d(x, mu0, var0, mu1, var1, pi1):
    """Posterior P(y = 1 | x) = sigmoid(log-odds) of two 1-D Gaussian classes."""
    return float(1.0 / (1.0 + np.exp(-gda_log_odds_1d(x, mu0, var0, mu1, var1, pi1))))


def qda_coefficients_1d(mu0, var0, mu1, var1, pi1):
    """Coefficients (a, b, c) of the 1-D log-odds q(x) = a x^2 + b x + c (QDA).

    a = 1/(2 var0) - 1/(2 var1), b = mu1/var1 - mu0/var0,
    c = mu0^2/(2 var0) - mu1^2/(2 var1) - (1/2) ln(var1/var0) + ln(pi1/pi0).
    """
    var0, var1, pi1 = _var(var0, "var0"), _var(var1, "var1"), _prior(pi1)
    a = 1 / (2 * var0) - 1 / (2 * var1)
    b = mu1 / var1 - mu0 / var0
    c = (mu0 ** 2 / (2 * var0) - mu1 ** 2 / (2 * var1) - 0.5 * np.log(var1 / var0)
         + np.log(pi1 / (1 - pi1)))
    return float(a), float(b), float(c)


# --------------------------------------------------------------------------
# LDA in d dimensions
# --------------------------------------------------------------------------


def lda_boundary(mu0, mu1, Sigma, pi1):
    """LDA's linear log-odds (w, b): w = Sigma^-1 (mu1 - mu0), b as in the module doc."""
    mu0 = np.asarray(mu0, dtype=float)
    mu1 = np.asarray(mu1, dtype=float)
    S = np.asarray(Sigma, dtype=float)
    if S.shape != (mu0.size, mu0.size) or mu1.shape != mu0.shape:
        raise ValueError("mu0, mu1 must be vectors of length d and Sigma d x d")
    Si = np.linalg.inv(S)
    w = Si @ (mu1 - mu0)
    b = -0.5 * (mu1 @ Si @ mu1 - mu0 @ Si @ mu0) + np.log(_prior(pi1) / (1 - pi1))
    return w, float(b)


def gda_param_counts(k, d):
    """Free parameters of Gaussian class models: ``{'lda', 'qda', 'diag'}`` for k classes, d dims.

    Counted: k - 1 free priors, k d mean entries, and the distinct entries of the
    covariance(s): one shared symmetric matrix d(d+1)/2 (LDA), one per class (QDA), or
    d variances per class (diagonal QDA, Gaussian naive Bayes).
    """
    k, d = int(k), int(d)
    if k < 2 or d < 1:
        raise ValueError("need k >= 2 classes and d >= 1 dimensions")
    base = (k - 1) + k * d
    return {"lda": base + d * (d + 1) // 2, "qda": base + k * d * (d + 1) // 2,
            "diag": base + k * d}


def lda_fit(X, y, ddof=0):
    """Fit two-class LDA: ``{'pi1', 'mu0', 'mu1', 'sigma', 'w', 'b'}``, Sigma = S/(n - ddof).

    S is the pooled scatter sum_i (x_i - mu_{y_i})(x_i - mu_{y_i})^T; pi1 = n1/n; (w, b)
    are LDA's log-odds with these estimates (``lda_boundary``).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],) or not np.all((y == 0) | (y == 1)):
        raise ValueError("X must be (n, d) and y n labels in {0, 1}")
    mu0, mu1 = X[y == 0].mean(0), X[y == 1].mean(0)
    D = X - np.where((y == 1)[:, None], mu1, mu0)
    sigma = D.T @ D / (X.shape[0] - ddof)
    pi1 = float(np.mean(y == 1))
    w, b = lda_boundary(mu0, mu1, sigma, pi1)
    return {"pi1": pi1, "mu0": mu0, "mu1": mu1, "sigma": sigma, "w": w, "b": b}


# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------


def _pdf1(x, mu, var):
    return math.exp(-(x - mu) ** 2 / (2 * var)) / math.sqrt(2 * math.pi * var)


def _logpdf(x, mu, S):
    """Gaussian log-density in d dims, by solving S v = x - mu (no inverse)."""
    x, mu, S = (np.asarray(v, dtype=float) for v in (x, mu, S))
    diff = x - mu
    v = np.linalg.solve(S, diff)
    sign, logdet = np.linalg.slogdet(S)
    return -0.5 * (diff @ v) - 0.5 * logdet - 0.5 * len(x) * math.log(2 * math.pi)


def gda_log_odds_1d_brute(x, mu0, var0, mu1, var1, pi1):
    """Check of ``gda_log_odds_1d``: the log of the ratio of the two joint densities."""
    return math.log(pi1 * _pdf1(x, mu1, var1)) - math.log((1 - pi1) * _pdf1(x, mu0, var0))


def gda_posterior_1d_brute(x, mu0, var0, mu1, var1, pi1):
    """Check of ``gda_posterior_1d``: Bayes' rule on the densities themselves."""
    j1 = pi1 * _pdf1(x, mu1, var1)
    j0 = (1 - pi1) * _pdf1(x, mu0, var0)
    return j1 / (j0 + j1)


def qda_coefficients_1d_brute(mu0, var0, mu1, var1, pi1):
    """Check of ``qda_coefficients_1d``: fit a x^2 + b x + c through the log-odds at -1, 0, 1."""
    def q(x):
        return (math.log(pi1 * _pdf1(x, mu1, var1))
                - math.log((1 - pi1) * _pdf1(x, mu0, var0)))
    qm, q0, qp = q(-1.0), q(0.0), q(1.0)
    return (qp + qm) / 2 - q0, (qp - qm) / 2, q0


def lda_boundary_brute(mu0, mu1, Sigma, pi1):
    """Check of ``lda_boundary``: read b = q(0) and w_j = q(e_j) - q(0) off the log-odds."""
    d = len(mu0)

    def q(x):
        return (math.log(pi1) + _logpdf(x, mu1, Sigma)
                - math.log(1 - pi1) - _logpdf(x, mu0, Sigma))
    zero = np.zeros(d)
    b = q(zero)
    w = np.array([q(np.eye(d)[j]) - b for j in range(d)])
    return w, b


def gda_param_counts_loops(k, d):
    """Check of ``gda_param_counts``: enumerate the parameters one by one."""
    priors = k - 1
    means = sum(1 for _ in range(k) for _ in range(d))
    sym = sum(1 for i in range(d) for j in range(d) if i <= j)
    diag = sum(1 for i in range(d) for j in range(d) if i == j)
    return {"lda": priors + means + sym, "qda": priors + means + k * sym,
            "diag": priors + means + k * diag}


def lda_fit_loops(X, y, ddof=0):
    """Check of ``lda_fit``: loops for the means and scatter, the boundary off the log-odds."""
    rows = np.asarray(X, dtype=float).tolist()
    labels = np.asarray(y).tolist()
    d = len(rows[0])
    mus = []
    for k in (0, 1):
        pts = [r for r, lab in zip(rows, labels, strict=True) if lab == k]
        mus.append([sum(p[j] for p in pts) / len(pts) for j in range(d)])
    S = [[0.0] * d for _ in range(d)]
    for r, lab in zip(rows, labels, strict=True):
        dev = [r[j] - mus[lab][j] for j in range(d)]
        for i in range(d):
            for j in range(d):
                S[i][j] += dev[i] * dev[j]
    n = len(rows)
    sigma = np.array(S) / (n - ddof)
    pi1 = sum(1 for lab in labels if lab == 1) / n
    w, b = lda_boundary_brute(mus[0], mus[1], sigma, pi1)
    return {"pi1": pi1, "mu0": np.array(mus[0]), "mu1": np.array(mus[1]), "sigma": sigma,
            "w": w, "b": b}
