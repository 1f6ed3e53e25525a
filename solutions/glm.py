"""Exponential families and generalised linear models, as in Stanford CS229 (NumPy only).

Conventions:

* A distribution is named by a string: ``"bernoulli"`` (phi = P(y = 1), y in {0, 1}),
  ``"poisson"`` (rate lambda, y = 0, 1, 2, ...), ``"gaussian"`` (mean mu, KNOWN variance
  ``s2``), ``"exponential"`` (rate lambda, density lambda e^(-lambda y), y >= 0) and
  ``"geometric"`` (success probability phi, p(y) = (1 - phi)^(y - 1) phi, y = 1, 2, ...).
  ``theta`` is that usual parameter (phi, lambda or mu).
* Exponential-family form ``p(y; eta) = b(y) exp(eta T(y) - a(eta))`` with the sufficient
  statistic T(y) = y for all five (for the Gaussian this makes eta = mu / s2 and
  a(eta) = s2 eta^2 / 2, b(y) = exp(-y^2 / (2 s2)) / sqrt(2 pi s2)).
* Mean a'(eta), variance a''(eta); the canonical response function g(eta) = E[y; eta]
  and the canonical link g^(-1).
* A GLM has eta_i = x_i . theta (examples are rows of X); its log-likelihood is SUMMED
  over the examples and includes log b(y_i); its gradient is X^T (y - g(X theta)); the
  stochastic gradient ASCENT step on one example is theta + alpha (y - g(x . theta)) x.

Functions named ``*_loops`` / ``*_brute`` recompute the same quantities by explicit
loops or another route (enumerating the pmf in its usual parameterisation, numerical
normalisation, bisection); they exist to verify the others.
"""

import math

import numpy as np

__all__ = [
    "glm_natural_param",
    "glm_mean_of",
    "glm_log_partition",
    "glm_b_options",
    "glm_a_options",
    "glm_moments",
    "glm_response",
    "glm_link",
    "glm_function_options",
    "glm_response_letter",
    "glm_link_letter",
    "glm_loglik",
    "glm_grad",
    "glm_sgd_step",
    "glm_natural_param_brute",
    "glm_log_partition_brute",
    "glm_b_options_brute",
    "glm_a_options_brute",
    "glm_moments_brute",
    "glm_link_brute",
    "glm_response_letter_brute",
    "glm_link_letter_brute",
    "glm_loglik_loops",
    "glm_grad_loops",
    "glm_sgd_step_loops",
]

_DISTS = ("bernoulli", "poisson", "gaussian", "exponential", "geometric")


def _dist(dist):
    if dist not in _DISTS:
        raise ValueError(f"unknown distribution {dist!r}; expected one of {', '.join(_DISTS)}")
    return dist


def _eta_ok(dist, eta):
    eta = float(eta)
    if dist in ("exponential", "geometric") and not eta < 0:
        raise ValueError(f"the {dist} natural parameter must be negative, got {eta}")
    return eta


def glm_natural_param(dist, theta, s2=1):
    """Natural parameter eta of a distribution from its usual parameter (T(y) = y)."""
    dist, theta = _dist(dist), float(theta)
    if dist == "bernoulli":
        return math.log(theta / (1 - theta))
    if dist == "poisson":
        return math.log(theta)
    if dist == "gaussian":
        return theta / s2
    if dist == "exponential":
        return -theta
    return math.log(1 - theta)


def glm_mean_of(dist, theta):
    """Mean E[y] of a distribution from its usual parameter (phi, lambda or mu)."""
    dist, theta = _dist(dist), float(theta)
    if dist == "exponential":
        return 1 / theta
    if dist == "geometric":
        return 1 / theta
    return theta


def glm_log_partition(dist, eta, s2=1):
    """Log-partition function a(eta) of the exponential-family form with T(y) = y."""
    dist = _dist(dist)
    eta = _eta_ok(dist, eta)
    if dist == "bernoulli":
        return math.log(1 + math.exp(eta))
    if dist == "poisson":
        return math.exp(eta)
    if dist == "gaussian":
        return s2 * eta**2 / 2
    if dist == "exponential":
        return -math.log(-eta)
    return eta - math.log(1 - math.exp(eta))


# the candidate b(y) and a(eta) shown to students: the right one first, then the
# distractors in a fixed order of roles (see the glm-expfam-form family)
_B_OPTIONS = {
    "bernoulli": ["1", "1 - phi", "phi^y (1 - phi)^(1 - y)", "phi^y"],
    "poisson": ["1/y!", "e^(-lambda) / y!", "1", "y!"],
    "gaussian": ["exp(-y^2 / (2 sigma^2)) / sqrt(2 pi sigma^2)",
                 "exp(-mu^2 / (2 sigma^2)) / sqrt(2 pi sigma^2)",
                 "1 / sqrt(2 pi sigma^2)",
                 "exp(-(y - mu)^2 / (2 sigma^2)) / sqrt(2 pi sigma^2)"],
    "exponential": ["1", "lambda", "lambda e^(-lambda y)", "1/y"],
    "geometric": ["1", "phi / (1 - phi)", "(1 - phi)^(y - 1) phi", "1/y!"],
}
_A_OPTIONS = {
    "bernoulli": ["log(1 + e^eta)", "-log(1 + e^eta)", "e^eta / (1 + e^eta)", "log(1 + e^(-eta))"],
    "poisson": ["e^eta", "-e^eta", "eta", "log(eta)"],
    "gaussian": ["sigma^2 eta^2 / 2", "-sigma^2 eta^2 / 2", "sigma^2 eta",
                 "eta^2 / (2 sigma^2)"],
    "exponential": ["-log(-eta)", "log(-eta)", "-1/eta", "-log(eta)"],
    "geometric": ["eta - log(1 - e^eta)", "log(1 - e^eta) - eta", "1 / (1 - e^eta)",
                  "log(1 - e^eta)"],
}


def glm_b_options(dist):
    """Candidate base measures b(y) as text: the right one first, then three distractors."""
    return list(_B_OPTIONS[_dist(dist)])


def glm_a_options(dist):
    """Candidate log-partition functions a(eta) as text: the right one first, then three."""
    return list(_A_OPTIONS[_dist(dist)])


def glm_moments(dist, eta, s2=1):
    """Mean a'(eta) and variance a''(eta) of the distribution at natural parameter eta."""
    dist = _dist(dist)
    eta = _eta_ok(dist, eta)
    if dist == "bernoulli":
        m = 1 / (1 + math.exp(-eta))
        return m, m * (1 - m)
    if dist == "poisson":
        return math.exp(eta), math.exp(eta)
    if dist == "gaussian":
        return s2 * eta, float(s2)
    if dist == "exponential":
        return -1 / eta, 1 / eta**2
    q = math.exp(eta)
    return 1 / (1 - q), q / (1 - q) ** 2


def glm_response(dist, eta, s2=1):
    """Canonical response g(eta) = E[y; eta] (sigmoid, exp, s2 * eta, -1/eta, 1/(1-e^eta))."""
    dist = _dist(dist)
    eta = _eta_ok(dist, eta)
    if dist == "bernoulli":
        return 1 / (1 + math.exp(-eta))
    if dist == "poisson":
        return math.exp(eta)
    if dist == "gaussian":
        return s2 * eta
    if dist == "exponential":
        return -1 / eta
    return 1 / (1 - math.exp(eta))


def glm_link(dist, mu, s2=1):
    """Canonical link g^(-1)(mu): the natural parameter eta whose mean is mu."""
    dist, mu = _dist(dist), float(mu)
    if dist == "bernoulli":
        return math.log(mu / (1 - mu))
    if dist == "poisson":
        return math.log(mu)
    if dist == "gaussian":
        return mu / s2
    if dist == "exponential":
        return -1 / mu
    return math.log(1 - 1 / mu)


# candidate response and link functions, shown as letters A..G
_FUNCTIONS = ["g(t) = 1 / (1 + e^(-t))", "g(t) = e^t", "g(t) = t", "g(t) = log(t)",
              "g(t) = log(t / (1 - t))", "g(t) = 1 / (1 - e^t)", "g(t) = log(1 - 1/t)"]
_RESPONSE_LETTER = {"bernoulli": "A", "poisson": "B", "gaussian": "C", "geometric": "F"}
_LINK_LETTER = {"bernoulli": "E", "poisson": "D", "gaussian": "C", "geometric": "G"}


def glm_function_options():
    """The seven candidate functions g(t) (letters A..G) for response/link questions."""
    return list(_FUNCTIONS)


def glm_response_letter(dist):
    """Letter (of `glm_function_options`) of the canonical response function of `dist`."""
    if dist not in _RESPONSE_LETTER:
        raise ValueError(f"no response option for {dist!r}")
    return _RESPONSE_LETTER[dist]


def glm_link_letter(dist):
    """Letter (of `glm_function_options`) of the canonical link function of `dist`."""
    if dist not in _LINK_LETTER:
        raise ValueError(f"no link option for {dist!r}")
    return _LINK_LETTER[dist]


def _glm_data(theta, X, y):
    X = np.atleast_2d(np.asarray(X, dtype=float))
    theta = np.asarray(theta, dtype=float).reshape(-1)
    y = np.asarray(y, dtype=float).reshape(-1)
    if X.shape[1] != theta.size or X.shape[0] != y.size:
        raise ValueError(f"X {X.shape}, theta {theta.shape} and y {y.shape} do not match")
    return theta, X, y


def glm_loglik(dist, theta, X, y, s2=1):
    """GLM log-likelihood sum_i log p(y_i; eta_i = x_i . theta), log b(y_i) included."""
    dist = _dist(dist)
    theta, X, y = _glm_data(theta, X, y)
    eta = X @ theta
    a = np.array([glm_log_partition(dist, e, s2) for e in eta])
    if dist == "poisson":
        logb = -np.array([math.lgamma(v + 1) for v in y])
    elif dist == "gaussian":
        logb = -y**2 / (2 * s2) - 0.5 * math.log(2 * math.pi * s2)
    else:
        logb = np.zeros_like(y)
    return float(np.sum(eta * y - a + logb))


def glm_grad(dist, theta, X, y, s2=1):
    """Gradient of `glm_loglik` with respect to theta: X^T (y - g(X theta))."""
    dist = _dist(dist)
    theta, X, y = _glm_data(theta, X, y)
    h = np.array([glm_response(dist, e, s2) for e in X @ theta])
    return X.T @ (y - h)


def glm_sgd_step(dist, theta, x, y, alpha, s2=1):
    """One stochastic gradient ascent step theta + alpha (y - g(x . theta)) x."""
    theta = np.asarray(theta, dtype=float).reshape(-1)
    x = np.asarray(x, dtype=float).reshape(-1)
    return theta + alpha * glm_grad(dist, theta, x[None, :], [y], s2)


# --------------------------------------------------------------------------
# checks: the pmf in its usual parameterisation, numerical normalisation, bisection
# --------------------------------------------------------------------------


def _pmf_brute(dist, theta, y, s2=1):
    """p(y) written as in a textbook, in the usual parameter (no exponential family)."""
    if dist == "bernoulli":
        return theta**y * (1 - theta) ** (1 - y)
    if dist == "poisson":
        return math.exp(-theta + y * math.log(theta) - math.lgamma(int(y) + 1))
    if dist == "gaussian":
        return math.exp(-((y - theta) ** 2) / (2 * s2)) / math.sqrt(2 * math.pi * s2)
    if dist == "exponential":
        return theta * math.exp(-theta * y)
    return (1 - theta) ** (y - 1) * theta


def _b_brute(dist, y, s2=1):
    """The base measure, for the log-ratio route to eta (b(y) from its definition)."""
    if dist == "poisson":
        return 1 / math.factorial(int(y))
    if dist == "gaussian":
        return math.exp(-(y**2) / (2 * s2)) / math.sqrt(2 * math.pi * s2)
    return 1.0


def glm_natural_param_brute(dist, theta, s2=1):
    """eta as the log-ratio log(p(y+1) b(y) / (p(y) b(y+1))), from the textbook pmf."""
    _dist(dist)
    y0 = 1 if dist == "geometric" else 0
    p0, p1 = _pmf_brute(dist, theta, y0, s2), _pmf_brute(dist, theta, y0 + 1, s2)
    return math.log(p1 * _b_brute(dist, y0, s2) / (p0 * _b_brute(dist, y0 + 1, s2)))


def _support_sum_brute(dist, f, scale=1.0):
    """Sum (or integral, by the midpoint rule) of f(y) over the support of `dist`; for
    the continuous ones `scale` is the spread (sigma, or 1/rate) the grid must cover."""
    total = 0.0
    if dist == "bernoulli":
        for y in (0, 1):
            total += f(y)
    elif dist == "poisson":
        for y in range(0, 1000):
            total += f(y)
    elif dist == "geometric":
        for y in range(1, 3000):
            total += f(y)
    elif dist == "gaussian":
        h = 0.002 * scale
        for i in range(-20000, 20000):
            total += f((i + 0.5) * h) * h
    else:
        h = 0.001 * scale
        for i in range(0, 40000):
            total += f((i + 0.5) * h) * h
    return total


def glm_log_partition_brute(dist, eta, s2=1):
    """a(eta) = log sum_y b(y) e^(eta y), the normaliser summed or integrated numerically."""
    _dist(dist)

    def term(y):
        if dist == "poisson":
            return math.exp(eta * y - math.lgamma(y + 1))
        if dist == "gaussian":
            return math.exp(eta * y - y * y / (2 * s2)) / math.sqrt(2 * math.pi * s2)
        return math.exp(eta * y)

    return math.log(_support_sum_brute(dist, term, _scale_brute(dist, eta, s2)))


def _scale_brute(dist, eta, s2):
    """The spread of the continuous distributions (the integration grid's unit)."""
    if dist == "gaussian":
        return math.sqrt(s2) * (1 + abs(eta) * math.sqrt(s2) / 10)
    if dist == "exponential":
        return 1 / abs(eta)
    return 1.0


_B_VALUES = {
    # (y, phi/lambda/mu, s2) -> the value of each option of _B_OPTIONS, in order
    "bernoulli": [lambda y, t, s: 1.0, lambda y, t, s: 1 - t,
                  lambda y, t, s: t**y * (1 - t) ** (1 - y),
                  lambda y, t, s: t**y],
    "poisson": [lambda y, t, s: 1 / math.factorial(y),
                lambda y, t, s: math.exp(-t) / math.factorial(y),
                lambda y, t, s: 1.0, lambda y, t, s: float(math.factorial(y))],
    "gaussian": [lambda y, t, s: math.exp(-y * y / (2 * s)) / math.sqrt(2 * math.pi * s),
                 lambda y, t, s: math.exp(-t * t / (2 * s)) / math.sqrt(2 * math.pi * s),
                 lambda y, t, s: 1 / math.sqrt(2 * math.pi * s),
                 lambda y, t, s: math.exp(-(y - t) ** 2 / (2 * s)) / math.sqrt(2 * math.pi * s)],
    "exponential": [lambda y, t, s: 1.0, lambda y, t, s: t,
                    lambda y, t, s: t * math.exp(-t * y), lambda y, t, s: 1 / y],
    "geometric": [lambda y, t, s: 1.0, lambda y, t, s: t / (1 - t),
                  lambda y, t, s: (1 - t) ** (y - 1) * t, lambda y, t, s: 1 / math.factorial(y)],
}
_A_VALUES = {
    "bernoulli": [lambda e, s: math.log(1 + math.exp(e)), lambda e, s: -math.log(1 + math.exp(e)),
                  lambda e, s: math.exp(e) / (1 + math.exp(e)),
                  lambda e, s: math.log(1 + math.exp(-e))],
    "poisson": [lambda e, s: math.exp(e), lambda e, s: -math.exp(e), lambda e, s: e,
                lambda e, s: math.log(e) if e > 0 else math.nan],
    "gaussian": [lambda e, s: s * e * e / 2, lambda e, s: -s * e * e / 2, lambda e, s: s * e,
                 lambda e, s: e * e / (2 * s)],
    "exponential": [lambda e, s: -math.log(-e), lambda e, s: math.log(-e), lambda e, s: -1 / e,
                    lambda e, s: math.nan],
    "geometric": [lambda e, s: e - math.log(1 - math.exp(e)),
                  lambda e, s: math.log(1 - math.exp(e)) - e,
                  lambda e, s: 1 / (1 - math.exp(e)), lambda e, s: math.log(1 - math.exp(e))],
}


def glm_b_options_brute(dist, s2=1):
    """Index of the b(y) option that makes p(y)/b(y) log-linear in y for every parameter."""
    _dist(dist)
    params = {"bernoulli": (0.3, 0.7), "poisson": (1.5, 4.0), "gaussian": (-1.0, 2.0),
              "exponential": (0.5, 3.0), "geometric": (0.2, 0.6)}[dist]
    ys = {"bernoulli": (0, 1), "exponential": (0.5, 1.5, 2.5, 3.5)}.get(dist, (1, 2, 3, 4))
    good = []
    for i, b in enumerate(_B_VALUES[dist]):
        ok = True
        for t in params:
            logs = [math.log(_pmf_brute(dist, t, y, s2) / b(y, t, s2)) for y in ys]
            # log(p/b) = eta y - a: constant steps in y
            steps = [logs[j + 1] - logs[j] for j in range(len(logs) - 1)]
            ok = ok and all(abs(s - steps[0]) < 1e-9 for s in steps)
            # b must be the same function of y whatever the parameter
            ok = ok and all(abs(b(y, t, s2) - b(y, params[0], s2)) < 1e-12 for y in ys)
        if ok:
            good.append(i)
    if len(good) != 1:
        raise ValueError(f"{dist}: options {good} all pass; the options are ambiguous")
    return good[0]


def glm_a_options_brute(dist, eta, s2=1):
    """Index of the a(eta) option that equals the numerically summed log-normaliser."""
    _dist(dist)

    def term(y):
        if dist == "poisson":
            return math.exp(eta * y - math.lgamma(y + 1))
        if dist == "gaussian":
            return math.exp(eta * y - y * y / (2 * s2)) / math.sqrt(2 * math.pi * s2)
        return math.exp(eta * y)

    target = math.log(_support_sum_brute(dist, term, _scale_brute(dist, eta, s2)))
    good = [i for i, a in enumerate(_A_VALUES[dist]) if abs(a(eta, s2) - target) < 1e-5]
    if len(good) != 1:
        raise ValueError(f"{dist} at eta = {eta}: options {good} match the normaliser")
    return good[0]


def _theta_of_eta_brute(dist, eta, s2):
    """The usual parameter from eta, by bisection on the pmf log-ratio (no closed form)."""
    lo, hi = {"bernoulli": (1e-12, 1 - 1e-12), "poisson": (1e-9, 500.0),
              "gaussian": (-30.0 * math.sqrt(s2), 30.0 * math.sqrt(s2)),
              "exponential": (1e-9, 500.0),
              "geometric": (1e-12, 1 - 1e-12)}[dist]
    sign = 1.0 if dist in ("bernoulli", "poisson", "gaussian") else -1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if sign * (glm_natural_param_brute(dist, mid, s2) - eta) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def glm_moments_brute(dist, eta, s2=1):
    """Mean and variance by summing y p(y) and (y - mean)^2 p(y) over the textbook pmf."""
    _dist(dist)
    theta = _theta_of_eta_brute(dist, float(eta), s2)
    scale = _scale_brute(dist, eta, s2)
    mean = _support_sum_brute(dist, lambda y: y * _pmf_brute(dist, theta, y, s2), scale)
    var = _support_sum_brute(dist, lambda y: (y - mean) ** 2 * _pmf_brute(dist, theta, y, s2),
                             scale)
    return mean, var


def glm_link_brute(dist, mu, s2=1):
    """The canonical link by bisection: the eta whose enumerated mean is mu."""
    _dist(dist)
    # eta ranges whose means the truncated sums below still get right (means up to ~100)
    lo, hi = {"poisson": (-20.0, 5.0), "exponential": (-40.0, -1e-3),
              "geometric": (-40.0, -0.01)}.get(dist, (-40.0, 40.0))
    for _ in range(60):
        mid = (lo + hi) / 2
        theta = _theta_of_eta_brute(dist, mid, s2)
        if dist == "bernoulli":
            mean = theta
        elif dist == "poisson":
            mean = sum(y * _pmf_brute(dist, theta, y) for y in range(0, 1000))
        elif dist == "geometric":
            mean = sum(y * _pmf_brute(dist, theta, y) for y in range(1, 4000))
        else:  # the mean of these two is the parameter itself (or its inverse)
            mean = theta if dist == "gaussian" else 1 / theta
        if mean < mu:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def glm_loglik_loops(dist, theta, X, y, s2=1):
    """`glm_loglik` by loops over the examples, each term log p(y_i) of the textbook pmf."""
    _dist(dist)
    total = 0.0
    for i in range(len(y)):
        eta = sum(float(X[i][j]) * float(theta[j]) for j in range(len(theta)))
        t = _theta_of_eta_brute(dist, eta, s2)
        total += math.log(_pmf_brute(dist, t, float(y[i]) if dist in
                                     ("gaussian", "exponential") else int(y[i]), s2))
    return total


def glm_grad_loops(dist, theta, X, y, s2=1):
    """`glm_grad` by loops: sum_i (y_i - mean_i) x_i, the means from `glm_moments_brute`."""
    _dist(dist)
    g = [0.0] * len(theta)
    for i in range(len(y)):
        eta = sum(float(X[i][j]) * float(theta[j]) for j in range(len(theta)))
        t = _theta_of_eta_brute(dist, eta, s2)
        mean = {"bernoulli": t, "poisson": t, "gaussian": t}.get(dist, 1 / t)
        for j in range(len(theta)):
            g[j] += (float(y[i]) - mean) * float(X[i][j])
    return np.array(g)


def glm_sgd_step_loops(dist, theta, x, y, alpha, s2=1):
    """`glm_sgd_step` coordinate by coordinate, the mean from the textbook parameter."""
    _dist(dist)
    eta = sum(float(x[j]) * float(theta[j]) for j in range(len(theta)))
    t = _theta_of_eta_brute(dist, eta, s2)
    mean = {"bernoulli": t, "poisson": t, "gaussian": t}.get(dist, 1 / t)
    return np.array([float(theta[j]) + alpha * (float(y) - mean) * float(x[j])
                     for j in range(len(theta))])


_FUNCTION_VALUES_BRUTE = [
    lambda t: 1 / (1 + math.exp(-t)), math.exp, lambda t: t,
    lambda t: math.log(t) if t > 0 else math.nan,
    lambda t: math.log(t / (1 - t)) if 0 < t < 1 else math.nan,
    lambda t: 1 / (1 - math.exp(t)) if t != 0 else math.nan,
    lambda t: math.log(1 - 1 / t) if (t > 1 or t < 0) else math.nan,
]


def _matching_letter_brute(points, targets):
    """The one letter whose function maps every point to its target (nan never matches)."""
    pairs = list(zip(points, targets, strict=True))
    good = [letter for letter, f in zip("ABCDEFG", _FUNCTION_VALUES_BRUTE, strict=True)
            if all(abs(f(p) - t) < 1e-6 * max(1.0, abs(t)) for p, t in pairs)]
    if len(good) != 1:
        raise ValueError(f"options {good} all match")
    return good[0]


def glm_response_letter_brute(dist):
    """The option that maps eta to the enumerated mean of the textbook pmf, at three etas."""
    _dist(dist)
    etas = (-1.5, -0.4, -0.9) if dist == "geometric" else (-0.7, 0.3, 1.2)
    return _matching_letter_brute(etas, [glm_moments_brute(dist, e)[0] for e in etas])


def glm_link_letter_brute(dist):
    """The option that maps a mean to the bisection link `glm_link_brute`, at three means."""
    _dist(dist)
    mus = {"bernoulli": (0.2, 0.5, 0.9), "geometric": (1.5, 2.0, 6.0)}.get(dist, (0.5, 2.0, 7.0))
    return _matching_letter_brute(mus, [glm_link_brute(dist, m) for m in mus])
