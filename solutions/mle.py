"""Maximum-likelihood estimators and log-likelihoods (NumPy only).

Conventions:

* Samples are 1-D arrays, or for multivariate data a 2-D array ``X`` with one
  sample **per row** (n, d).
* Variances and covariances are the maximum-likelihood (biased, ``1/n``)
  estimates, not the unbiased ``1/(n-1)`` ones.
* Logarithms are natural; log-likelihoods are *sums* over the observations
  and use ``0 * log 0 = 0``.
* The exponential distribution is parametrised by its rate ``lam``
  (density ``lam * exp(-lam x)``); the uniform distribution is ``U(0, theta)``.
* The geometric distribution counts the trials up to and including the first
  success: ``P(x) = (1 - p)**(x - 1) * p`` for ``x = 1, 2, ...``.
* Functions named ``*_loops`` / ``*_brute`` are independent checks (explicit
  loops over the observations, or a grid search of the likelihood); they share
  no code with the closed forms.
"""

import math

import numpy as np

__all__ = [
    "bernoulli_mle",
    "binomial_mle",
    "categorical_mle",
    "poisson_mle",
    "exponential_mle",
    "uniform_mle",
    "gaussian_mle",
    "gaussian_mle_mean",
    "gaussian_mle_var",
    "gaussian_mle_cov",
    "gda_fit",
    "bernoulli_loglik",
    "poisson_loglik",
    "exponential_loglik",
    "gaussian_loglik",
    "geometric_mle",
    "geometric_loglik",
    "gaussian_map_weights",
    "iid_loglik_loops",
    "geometric_mle_brute",
    "gda_fit_loops",
    "gaussian_map_weights_brute",
    "bernoulli_mle_brute",
    "poisson_mle_brute",
    "exponential_mle_brute",
    "uniform_mle_brute",
    "gaussian_mle_brute",
    "gaussian_mle_cov_loops",
]


def _sample(x, name="x"):
    """Return ``x`` as a non-empty 1-D numeric array."""
    x = np.asarray(x)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence, got shape {x.shape}")
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise ValueError(f"{name} must be numeric, got dtype {x.dtype}")
    return x


def _flips(flips):
    """Return ``flips`` as a 1-D int array of 0/1 outcomes."""
    flips = _sample(flips, "flips")
    if not np.all((flips == 0) | (flips == 1)):
        raise ValueError("flips must contain only 0 (tails/failure) and 1 (heads/success)")
    return flips.astype(np.int64)


# --------------------------------------------------------------------------
# discrete distributions
# --------------------------------------------------------------------------


def bernoulli_mle(flips):
    """MLE of the Bernoulli parameter: the fraction of ones, ``sum(flips) / n``."""
    flips = _flips(flips)
    return float(flips.sum() / flips.size)


def binomial_mle(successes, trials):
    """MLE of the success probability from several binomial experiments.

    ``successes[i]`` successes out of ``trials[i]`` trials (arrays of the same
    shape, or scalars); the estimate pools them: ``sum(successes) / sum(trials)``.
    """
    successes, trials = np.asarray(successes), np.asarray(trials)
    if successes.shape != trials.shape:
        raise ValueError(f"successes and trials must have the same shape, got "
                         f"{successes.shape} and {trials.shape}")
    if np.any(successes < 0) or np.any(successes > trials):
        raise ValueError("need 0 <= successes <= trials in every experiment")
    if trials.sum() <= 0:
        raise ValueError("the total number of trials must be positive")
    return float(successes.sum() / trials.sum())


def categorical_mle(counts, alpha=0):
    """Category probabilities from counts, with optional additive (Laplace) smoothing.

    ``counts`` is a length-k vector; returns ``(counts + alpha) / (n + k*alpha)``
    with ``n = sum(counts)``.  ``alpha = 0`` is the MLE, ``alpha = 1`` is
    Laplace smoothing.
    """
    counts = _sample(counts, "counts")
    if np.any(counts < 0) or alpha < 0:
        raise ValueError("counts and alpha must be non-negative")
    denominator = counts.sum() + counts.size * alpha
    if denominator <= 0:
        raise ValueError("all counts are zero and alpha = 0: the estimate is undefined")
    return (counts + alpha) / denominator


def _trials(x):
    """Return ``x`` as a 1-D int array of geometric trial counts (whole numbers >= 1)."""
    x = _sample(x)
    if np.any(x < 1) or np.any(x != np.round(x)):
        raise ValueError("geometric data are trial counts: whole numbers >= 1 "
                         "(the trials up to and including the first success)")
    return x.astype(np.int64)


def geometric_mle(x):
    """MLE of the success probability ``p`` of a geometric distribution: ``n / sum(x)``.

    ``x`` (n,) holds trial counts ``x_i >= 1`` (the trials up to and including the
    first success), so ``P(x) = (1 - p)**(x - 1) p``; the MLE is ``1 / mean(x)``.
    """
    x = _trials(x)
    return float(x.size / x.sum())


def poisson_mle(x):
    """MLE of the Poisson rate: the sample mean of the counts ``x``."""
    x = _sample(x)
    if np.any(x < 0):
        raise ValueError("Poisson counts must be non-negative")
    return float(x.mean())


# --------------------------------------------------------------------------
# continuous distributions
# --------------------------------------------------------------------------


def exponential_mle(x):
    """MLE of the exponential *rate*: ``1 / mean(x)`` (density ``lam * exp(-lam x)``)."""
    x = _sample(x)
    if np.any(x < 0) or x.mean() == 0:
        raise ValueError("exponential data must be non-negative with a positive mean")
    return float(1 / x.mean())


def uniform_mle(x):
    """MLE of ``theta`` for ``U(0, theta)``: the sample maximum (dtype kept, ints stay exact)."""
    x = _sample(x)
    if np.any(x < 0):
        raise ValueError("U(0, theta) data must be non-negative")
    return x.max().item()


def gaussian_mle_mean(x):
    """MLE of a Gaussian mean: the sample mean of the 1-D sample ``x``."""
    return float(_sample(x).mean())


def gaussian_mle_var(x):
    """MLE of a Gaussian variance: the *biased* ``(1/n) sum (x - mean)**2``."""
    x = _sample(x)
    return float(np.mean((x - x.mean()) ** 2))


def gaussian_mle(x):
    """Gaussian MLE ``(mean, var)`` of a 1-D sample, with the biased (1/n) variance."""
    return gaussian_mle_mean(x), gaussian_mle_var(x)


def gaussian_mle_cov(X):
    """MLE covariance matrix (d, d) of samples stored as rows of ``X`` (n, d); biased (1/n)."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be 2-D (n, d) with samples as rows, got shape {X.shape}")
    centered = X - X.mean(axis=0)
    return centered.T @ centered / X.shape[0]


def gda_fit(X, y):
    """Fit Gaussian discriminant analysis with a shared covariance (labels 0/1).

    ``X`` is (n, d) with samples as rows, ``y`` is (n,) of 0/1 labels.  Returns
    a dict with ``phi`` = fraction of class 1 (the prior P(y=1)), ``mu0`` and
    ``mu1`` = the class means (d,), and ``sigma`` = the shared biased covariance
    ``(1/n) sum_i (x_i - mu_{y_i})(x_i - mu_{y_i})^T`` (d, d).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"need X (n, d) and y (n,), got {X.shape} and {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("labels y must be 0 or 1")
    if y.min() == y.max():
        raise ValueError("both classes 0 and 1 must occur in y")
    mu0 = X[y == 0].mean(axis=0)
    mu1 = X[y == 1].mean(axis=0)
    centered = X - np.where(y[:, None] == 1, mu1, mu0)
    sigma = centered.T @ centered / X.shape[0]
    return {"phi": float(np.mean(y == 1)), "mu0": mu0, "mu1": mu1, "sigma": sigma}


def gaussian_map_weights(X, y, noise_var, prior_var):
    """MAP weights of linear regression with Gaussian noise and a Gaussian prior.

    Model ``y_i = x_i . w + eps_i`` with ``eps_i ~ N(0, noise_var)`` and prior
    ``w ~ N(0, prior_var * I)``.  ``X`` is (n, d) with samples as rows (a 1-D ``X``
    is one feature, d = 1), ``y`` is (n,).  Maximising the log-posterior is ridge
    regression with ``lam = noise_var / prior_var``:
    ``w = (X.T X + lam I)^{-1} X.T y``, returned as (d,) (a float when d = 1).
    ``prior_var = inf`` gives the MLE (least squares).
    """
    X = np.asarray(X, dtype=float)
    scalar = X.ndim == 1
    if scalar:
        X = X[:, None]
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],) or X.shape[0] == 0:
        raise ValueError(f"need X (n, d) or (n,) and y (n,), got {X.shape} and {y.shape}")
    if not noise_var > 0 or not prior_var > 0:
        raise ValueError("noise_var and prior_var must be positive")
    lam = noise_var / prior_var
    w = np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y)
    return float(w[0]) if scalar else w


# --------------------------------------------------------------------------
# log-likelihoods
# --------------------------------------------------------------------------


def bernoulli_loglik(theta, flips):
    """Bernoulli log-likelihood ``h log(theta) + t log(1 - theta)`` (h ones, t zeros).

    ``theta`` may be a number or an array of candidate values (evaluated
    elementwise).  Uses ``0 * log 0 = 0``, so e.g. theta = 1 with no zeros gives 0.
    """
    flips = _flips(flips)
    heads = int(flips.sum())
    tails = flips.size - heads
    theta = np.asarray(theta, dtype=float)
    if np.any((theta < 0) | (theta > 1)):
        raise ValueError("theta must lie in [0, 1]")
    with np.errstate(divide="ignore", invalid="ignore"):
        ll_heads = np.where(heads > 0, heads * np.log(theta), 0.0)
        ll_tails = np.where(tails > 0, tails * np.log1p(-theta), 0.0)
    return (ll_heads + ll_tails)[()]


def poisson_loglik(lam, x):
    """Poisson log-likelihood ``sum_i (x_i log(lam) - lam - log(x_i!))`` for a rate ``lam >= 0``."""
    x = _sample(x)
    if lam < 0 or np.any(x < 0):
        raise ValueError("need lam >= 0 and non-negative counts")
    total = float(x.sum())
    log_factorials = sum(math.lgamma(v + 1) for v in x.tolist())
    with np.errstate(divide="ignore"):
        log_term = total * np.log(lam) if total > 0 else 0.0
    return float(log_term - x.size * lam - log_factorials)


def exponential_loglik(lam, x):
    """Exponential log-likelihood ``n log(lam) - lam * sum(x)`` for a rate ``lam > 0``."""
    x = _sample(x)
    if lam <= 0:
        raise ValueError("the rate lam must be positive")
    return float(x.size * math.log(lam) - lam * x.sum())


def gaussian_loglik(mu, var, x):
    """Gaussian log-likelihood ``sum_i [-0.5 log(2 pi var) - (x_i - mu)**2 / (2 var)]``.

    ``var`` is the variance (not the standard deviation) and must be positive.
    """
    x = _sample(x)
    if var <= 0:
        raise ValueError("the variance must be positive")
    return float(-0.5 * x.size * math.log(2 * math.pi * var) - np.sum((x - mu) ** 2) / (2 * var))


def geometric_loglik(theta, x):
    """Geometric log-likelihood ``n log(theta) + (sum(x) - n) log(1 - theta)``.

    ``x`` (n,) holds trial counts ``x_i >= 1``; ``theta`` (the success
    probability) may be a number or an array of candidates in [0, 1] (elementwise).
    Uses ``0 * log 0 = 0``.
    """
    x = _trials(x)
    n, failures = x.size, int(x.sum()) - x.size
    theta = np.asarray(theta, dtype=float)
    if np.any((theta < 0) | (theta > 1)):
        raise ValueError("theta must lie in [0, 1]")
    with np.errstate(divide="ignore", invalid="ignore"):
        ll_success = n * np.log(theta)
        ll_failure = np.where(failures > 0, failures * np.log1p(-theta), 0.0)
    return (ll_success + ll_failure)[()]


# --------------------------------------------------------------------------
# independent checks: explicit loops and grid searches
# --------------------------------------------------------------------------

_LOG_PMF_DISTS = ("bernoulli", "geometric", "poisson", "exponential", "uniform")


def iid_loglik_loops(dist, theta, x):
    """Log-likelihood of an i.i.d. sample, one observation at a time (a check).

    ``dist`` is one of ``"bernoulli"`` (theta = P(1)), ``"geometric"`` (theta =
    success probability, x_i >= 1 trials), ``"poisson"`` (theta = rate),
    ``"exponential"`` (theta = rate, density ``theta exp(-theta x)``) or
    ``"uniform"`` (``U(0, theta)``).  ``theta`` may be a number or an array of
    candidate values (the result has its shape); ``x`` is the sample (n,).  The
    log-pmf / log-density of every observation is written out and added in a
    Python loop, constants included (the Poisson ``-log(x_i!)``); impossible
    observations give ``-inf``.
    """
    if dist not in _LOG_PMF_DISTS:
        raise ValueError(f"dist must be one of {', '.join(_LOG_PMF_DISTS)}, got {dist!r}")
    theta = np.asarray(theta, dtype=float)
    total = np.zeros_like(theta)
    with np.errstate(divide="ignore", invalid="ignore"):
        for value in _sample(x).tolist():
            if dist == "bernoulli":
                if value not in (0, 1):
                    raise ValueError("Bernoulli observations must be 0 or 1")
                term = np.log(theta) if value == 1 else np.log(1 - theta)
            elif dist == "geometric":
                if value < 1 or value != int(value):
                    raise ValueError("geometric observations must be whole numbers >= 1")
                # (1 - theta)^(x - 1) theta: x - 1 failures, then the success
                term = np.log(theta)
                for _ in range(int(value) - 1):
                    term = term + np.log(1 - theta)
            elif dist == "poisson":
                if value < 0 or value != int(value):
                    raise ValueError("Poisson observations must be whole numbers >= 0")
                log_fact = sum(math.log(k) for k in range(2, int(value) + 1))
                term = (value * np.log(theta) if value > 0 else 0.0) - theta - log_fact
            elif dist == "exponential":
                if value < 0:
                    raise ValueError("exponential observations must be >= 0")
                term = np.log(theta) - theta * value
            else:
                if value < 0:
                    raise ValueError("U(0, theta) observations must be >= 0")
                term = np.where((theta > 0) & (value <= theta), -np.log(theta), -np.inf)
            total = total + term
    return total[()]


def geometric_mle_brute(x, grid=None):
    """Geometric MLE by grid search of ``iid_loglik_loops("geometric", ...)``.

    ``grid`` (candidate success probabilities) defaults to 10001 points in [0, 1]
    (spacing 1e-4); returns the grid point with the largest log-likelihood
    (the first on ties).
    """
    grid = np.linspace(0.0, 1.0, 10001) if grid is None else np.asarray(grid, dtype=float)
    loglik = np.asarray(iid_loglik_loops("geometric", grid, x))
    return float(grid[int(np.argmax(loglik))])


def gda_fit_loops(X, y):
    """Gaussian discriminant analysis (shared covariance) with explicit loops (a check).

    Same conventions and result as ``gda_fit``: ``X`` (n, d) samples as rows,
    ``y`` (n,) labels 0/1; returns ``{"phi", "mu0", "mu1", "sigma"}`` where
    ``sigma = (1/n) sum_i (x_i - mu_{y_i})(x_i - mu_{y_i})^T`` is pooled over
    both classes, each point centred on its own class mean.
    """
    X = np.asarray(X, dtype=float)
    labels = [int(v) for v in np.asarray(y).tolist()]
    n, d = X.shape
    if len(labels) != n or any(v not in (0, 1) for v in labels):
        raise ValueError("need one label 0 or 1 per row of X")
    counts = [labels.count(0), labels.count(1)]
    if 0 in counts:
        raise ValueError("both classes 0 and 1 must occur in y")
    sums = [[0.0] * d, [0.0] * d]
    for i in range(n):
        for a in range(d):
            sums[labels[i]][a] += X[i, a]
    means = [[sums[c][a] / counts[c] for a in range(d)] for c in (0, 1)]
    sigma = np.zeros((d, d))
    for i in range(n):
        m = means[labels[i]]
        for a in range(d):
            for b in range(d):
                sigma[a, b] += (X[i, a] - m[a]) * (X[i, b] - m[b]) / n
    return {"phi": counts[1] / n, "mu0": np.array(means[0]), "mu1": np.array(means[1]),
            "sigma": sigma}


def gaussian_map_weights_brute(x, y, noise_var, prior_var, grid):
    """One-feature MAP weight by grid search of the log-posterior (a check).

    Model ``y_i = w x_i + eps_i``, ``eps_i ~ N(0, noise_var)``, prior
    ``w ~ N(0, prior_var)``; ``x``, ``y`` are (n,), ``grid`` the candidate
    weights.  The log-posterior (up to a constant),
    ``-sum_i (y_i - w x_i)**2 / (2 noise_var) - w**2 / (2 prior_var)``, is added
    up one observation at a time; ``prior_var = inf`` drops the prior (the MLE).
    Returns the grid point where it is largest.
    """
    grid = np.asarray(grid, dtype=float)
    x, y = _sample(x).tolist(), _sample(y, "y").tolist()
    if len(x) != len(y):
        raise ValueError("x and y must have the same length")
    logpost = np.zeros_like(grid)
    for xi, yi in zip(x, y, strict=False):
        logpost -= (yi - grid * xi) ** 2 / (2 * noise_var)
    if math.isfinite(prior_var):
        logpost -= grid**2 / (2 * prior_var)
    return float(grid[int(np.argmax(logpost))])


def _grid_argmax(grid, loglik):
    """Return the grid point with the largest log-likelihood (first one on ties)."""
    return float(grid[int(np.argmax(loglik))])


def bernoulli_mle_brute(flips, grid=None):
    """Bernoulli MLE by maximising the log-likelihood on a grid of theta values.

    ``flips`` is a sequence of 0/1 outcomes; ``grid`` defaults to 10001 evenly
    spaced points in [0, 1] (spacing 1e-4).  The log-likelihood is summed one
    observation at a time: ``log(theta)`` for a 1, ``log(1 - theta)`` for a 0.
    """
    grid = np.linspace(0.0, 1.0, 10001) if grid is None else np.asarray(grid, dtype=float)
    loglik = np.zeros_like(grid)
    with np.errstate(divide="ignore"):
        for flip in flips:
            loglik += np.log(grid) if flip == 1 else np.log(1.0 - grid)
    return _grid_argmax(grid, loglik)


def poisson_mle_brute(x, grid=None):
    """Poisson rate MLE by grid search; ``grid`` defaults to 10001 points in [0, max(x) + 1].

    Per observation the log-pmf is ``x log(lam) - lam - log(x!)`` (with
    ``0 * log 0 = 0``).
    """
    x = [int(v) for v in x]
    grid = np.linspace(0.0, max(x) + 1.0, 10001) if grid is None else np.asarray(grid, dtype=float)
    loglik = np.zeros_like(grid)
    with np.errstate(divide="ignore"):
        for count in x:
            log_term = count * np.log(grid) if count > 0 else 0.0
            loglik += log_term - grid - math.lgamma(count + 1)
    return _grid_argmax(grid, loglik)


def exponential_mle_brute(x, grid=None):
    """Exponential *rate* MLE by grid search (density ``lam * exp(-lam * x)``).

    ``grid`` defaults to 20000 points in (0, 2 / min(x)] (the rate cannot
    exceed 1 / min(x)).
    """
    x = [float(v) for v in x]
    if grid is None:
        grid = np.linspace(0.0, 2.0 / min(x), 20001)[1:]
    grid = np.asarray(grid, dtype=float)
    loglik = np.zeros_like(grid)
    with np.errstate(divide="ignore"):
        for value in x:
            loglik += np.log(grid) - grid * value
    return _grid_argmax(grid, loglik)


def uniform_mle_brute(x, grid=None):
    """MLE of ``theta`` for ``U(0, theta)`` by evaluating the likelihood on a grid.

    The likelihood is ``prod_i 1/theta`` if every observation lies in
    ``[0, theta]``, else 0; it is computed one observation at a time (no closed
    form is used).  ``grid`` defaults to 20001 points in [0, 2 * max(x)]
    (theta = 0 gets likelihood 0).  Returns the grid point with the largest likelihood.
    """
    x = [float(v) for v in x]
    if grid is None:
        grid = np.linspace(0.0, 2.0 * max(x), 20001)
    grid = np.asarray(grid, dtype=float)
    likelihood = np.ones_like(grid)
    for value in x:
        inside = (grid > 0) & (value >= 0) & (value <= grid)
        with np.errstate(divide="ignore"):
            likelihood = likelihood * np.where(inside, 1.0 / np.where(grid > 0, grid, 1.0), 0.0)
    return _grid_argmax(grid, likelihood)


def gaussian_mle_brute(x, mu_grid=None, var_grid=None):
    """Gaussian ``(mean, variance)`` MLE by searching a 2-D grid; returns two floats.

    Defaults: ``mu_grid`` has 401 points in [min(x), max(x)], ``var_grid`` has
    400 points in (0, (max(x) - min(x))**2] (or (0, 1] if all x are equal).
    The log-density ``-0.5*log(2*pi*var) - (x - mu)**2 / (2*var)`` is summed
    over observations on the whole grid.
    """
    x = [float(v) for v in x]
    lo, hi = min(x), max(x)
    if mu_grid is None:
        mu_grid = np.linspace(lo, hi, 401)
    if var_grid is None:
        var_grid = np.linspace(0.0, (hi - lo) ** 2 if hi > lo else 1.0, 401)[1:]
    mu = np.asarray(mu_grid, dtype=float)[:, None]
    var = np.asarray(var_grid, dtype=float)[None, :]
    loglik = np.zeros((mu.shape[0], var.shape[1]))
    for value in x:
        loglik += -0.5 * np.log(2 * math.pi * var) - (value - mu) ** 2 / (2 * var)
    i, j = np.unravel_index(int(np.argmax(loglik)), loglik.shape)
    return float(mu[i, 0]), float(var[0, j])


def gaussian_mle_cov_loops(X):
    """Biased (1/n) sample covariance of the rows of ``X`` (n, d), with explicit loops."""
    X = np.asarray(X, dtype=float)
    n, d = X.shape
    means = [sum(X[i, a] for i in range(n)) / n for a in range(d)]
    cov = np.zeros((d, d))
    for a in range(d):
        for b in range(d):
            cov[a, b] = sum((X[i, a] - means[a]) * (X[i, b] - means[b]) for i in range(n)) / n
    return cov
