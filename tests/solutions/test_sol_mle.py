"""Tests for solutions/mle.py: closed forms against brute-force likelihood maximisation."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mldrill.verify.methods import numerical_gradient

FAST = settings(max_examples=50, deadline=None, database=None)


# --------------------------------------------------------------------------
# closed forms versus grid search
# --------------------------------------------------------------------------


@FAST
@given(st.lists(st.integers(0, 1), min_size=1, max_size=30))
def test_bernoulli_mle_maximises_likelihood(sol, flips):
    """bernoulli_mle is the grid argmax of the Bernoulli log-likelihood (grid step 1e-4)."""
    assert abs(sol.bernoulli_mle(flips) - sol.bernoulli_mle_brute(flips)) <= 1e-4 + 1e-12
    grid = np.linspace(0, 1, 10001)
    best = grid[np.argmax(sol.bernoulli_loglik(grid, flips))]
    assert abs(sol.bernoulli_mle(flips) - best) <= 1e-4 + 1e-12


@FAST
@given(st.lists(st.integers(0, 10), min_size=1, max_size=20))
def test_poisson_mle_maximises_likelihood(sol, counts):
    """poisson_mle is the grid argmax of the Poisson log-likelihood."""
    step = (max(counts) + 1) / 10000
    assert abs(sol.poisson_mle(counts) - sol.poisson_mle_brute(counts)) <= step + 1e-12


@FAST
@given(st.lists(st.floats(0.1, 10), min_size=1, max_size=20))
def test_exponential_mle_maximises_likelihood(sol, x):
    """exponential_mle (a rate) is the grid argmax of the exponential log-likelihood."""
    step = 2 / min(x) / 20000
    assert abs(sol.exponential_mle(x) - sol.exponential_mle_brute(x)) <= step + 1e-12


@FAST
@given(st.lists(st.floats(0, 10), min_size=1, max_size=20))
def test_uniform_mle_maximises_likelihood(sol, x):
    """uniform_mle (the sample maximum) is the grid argmax of the U(0, theta) likelihood."""
    assume(max(x) > 0.01)
    step = 2 * max(x) / 20000
    assert sol.uniform_mle(x) <= sol.uniform_mle_brute(x) <= sol.uniform_mle(x) + step + 1e-12


def test_uniform_brute_force_hand_example(sol):
    """On a grid containing the maximum, the argmax is exactly max(x); 0 never wins."""
    grid = np.arange(0, 1001) / 100  # 0, 0.01, ..., 10
    assert sol.uniform_mle_brute([1, 2, 4, 5], grid=grid) == 5.0
    assert sol.uniform_mle_brute([0.5], grid=[0, 0.25, 0.5, 1]) == 0.5


@FAST
@given(st.lists(st.floats(-10, 10), min_size=2, max_size=15))
def test_gaussian_mle_maximises_likelihood(sol, x):
    """gaussian_mle (mean, biased variance) is the 2-D grid argmax of the Gaussian likelihood."""
    lo, hi = min(x), max(x)
    assume(hi - lo > 0.1)
    mu_step, var_step = (hi - lo) / 400, (hi - lo) ** 2 / 400
    mu_bf, var_bf = sol.gaussian_mle_brute(x)
    mu, var = sol.gaussian_mle(x)
    assert (mu, var) == (sol.gaussian_mle_mean(x), sol.gaussian_mle_var(x))
    # the best grid mean is the grid point nearest the sample mean; at that mean the
    # best variance is var + (mean - mu_grid)**2, found to within one grid step
    assert abs(mu - mu_bf) <= mu_step / 2 + 1e-9
    assert abs(var - var_bf) <= var_step + mu_step**2 / 4 + 1e-9


@FAST
@given(st.lists(st.integers(0, 1), min_size=1, max_size=30))
def test_bernoulli_loglik_is_maximal_at_mle(sol, flips):
    """bernoulli_loglik at the MLE is at least its value at nearby and boundary thetas."""
    theta = sol.bernoulli_mle(flips)
    best = sol.bernoulli_loglik(theta, flips)
    for other in [0.0, 1.0, 0.5, max(theta - 0.01, 0), min(theta + 0.01, 1)]:
        assert sol.bernoulli_loglik(other, flips) <= best + 1e-12


# --------------------------------------------------------------------------
# hand examples
# --------------------------------------------------------------------------


def test_discrete_mle_hand_examples(sol):
    """Bernoulli, binomial, categorical (with Laplace smoothing) and Poisson estimates by hand."""
    assert sol.bernoulli_mle([1, 0, 1, 1]) == 0.75  # 3 heads out of 4
    assert sol.binomial_mle([3, 5], [10, 10]) == 0.4  # (3 + 5) / (10 + 10)
    np.testing.assert_allclose(sol.categorical_mle([3, 0, 1]), [0.75, 0.0, 0.25])  # c / 4
    # Laplace: (c + 1) / (4 + 3*1) = (4, 1, 2) / 7
    np.testing.assert_allclose(sol.categorical_mle([3, 0, 1], alpha=1), [4 / 7, 1 / 7, 2 / 7])
    assert sol.poisson_mle([2, 0, 4]) == 2.0  # (2 + 0 + 4) / 3


def test_continuous_mle_hand_examples(sol):
    """Exponential, uniform and Gaussian estimates by hand (biased variance)."""
    assert sol.exponential_mle([1, 2, 3]) == 0.5  # 1 / mean = 1 / 2
    top = sol.uniform_mle([3, 7, 2])
    assert top == 7 and isinstance(top, int)
    # mean 2.5; squared deviations 2.25, 0.25, 0.25, 2.25 -> sum 5, / n = 1.25 (not 5/3)
    assert sol.gaussian_mle([1, 2, 3, 4]) == (2.5, 1.25)


def test_loglik_hand_examples(sol):
    """Log-likelihoods by hand, including the 0 * log 0 = 0 convention."""
    assert sol.bernoulli_loglik(1.0, [1, 1]) == 0.0
    assert sol.bernoulli_loglik(0.5, [1, 0, 1]) == pytest.approx(3 * math.log(0.5))
    assert sol.bernoulli_loglik(0.0, [1]) == -math.inf
    # log(2^1 e^-2 / 1!) + log(2^3 e^-2 / 3!)
    expected = math.log(2 * math.exp(-2)) + math.log(8 * math.exp(-2) / 6)
    assert sol.poisson_loglik(2.0, [1, 3]) == pytest.approx(expected)
    assert sol.poisson_loglik(0.0, [0, 0]) == 0.0
    # log(2 e^-1) + log(2 e^-3): density lam * exp(-lam x) at x = 0.5, 1.5
    assert sol.exponential_loglik(2.0, [0.5, 1.5]) == pytest.approx(
        math.log(2 * math.exp(-1)) + math.log(2 * math.exp(-3)))
    pdf = [math.exp(-((v - 1) ** 2) / (2 * 4)) / math.sqrt(2 * math.pi * 4) for v in (0, 3)]
    assert sol.gaussian_loglik(1.0, 4.0, [0, 3]) == pytest.approx(sum(map(math.log, pdf)))


def test_mle_input_validation(sol):
    """Invalid samples raise ValueError with a clear message."""
    with pytest.raises(ValueError, match="only 0"):
        sol.bernoulli_mle([0, 2])
    with pytest.raises(ValueError, match="non-empty"):
        sol.gaussian_mle([])
    with pytest.raises(ValueError, match="successes <= trials"):
        sol.binomial_mle([5], [3])
    with pytest.raises(ValueError, match="undefined"):
        sol.categorical_mle([0, 0])
    with pytest.raises(ValueError, match="both classes"):
        sol.gda_fit(np.ones((3, 2)), [1, 1, 1])


# --------------------------------------------------------------------------
# multivariate: covariance and GDA
# --------------------------------------------------------------------------


def gaussian_logpdf(x, mu, sigma):
    """Log-density of N(mu, sigma) at the rows of x, written out directly."""
    d = len(mu)
    diff = x - mu
    sign, logdet = np.linalg.slogdet(sigma)
    quad = np.einsum("ni,ij,nj->n", diff, np.linalg.inv(sigma), diff)
    return -0.5 * (d * np.log(2 * np.pi) + logdet + quad)


@pytest.mark.parametrize("seed", range(3))
def test_gaussian_mle_cov_matches_loops_and_is_stationary(sol, seed):
    """gaussian_mle_cov is the biased covariance and a stationary point of the log-likelihood."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(8, 3)) * [1.0, 2.0, 0.5] + [0.0, 1.0, -3.0]
    cov = sol.gaussian_mle_cov(X)
    np.testing.assert_allclose(cov, sol.gaussian_mle_cov_loops(X), atol=1e-12)
    np.testing.assert_allclose(cov, np.cov(X, rowvar=False, bias=True), atol=1e-12)
    mu = X.mean(axis=0)
    grad_cov = numerical_gradient(
        lambda s: gaussian_logpdf(X, mu, (s + s.T) / 2).sum(), cov, h=1e-6)
    np.testing.assert_allclose(grad_cov, 0, atol=1e-5)


@pytest.mark.parametrize("seed", range(3))
def test_gda_fit_maximises_joint_likelihood(sol, seed):
    """gda_fit's phi, mu0, mu1, sigma have zero gradient of the joint log-likelihood."""
    rng = np.random.default_rng(seed)
    y = np.array([0, 0, 0, 1, 1, 1, 1, 0, 1, 0])
    X = rng.normal(size=(10, 2)) + 2 * y[:, None]
    fit = sol.gda_fit(X, y)

    def joint(phi, mu0, mu1, sigma):
        sigma = (sigma + sigma.T) / 2
        means = np.where(y[:, None] == 1, mu1, mu0)
        prior = np.where(y == 1, np.log(phi), np.log(1 - phi))
        return np.sum(prior + gaussian_logpdf(X - means, np.zeros(2), sigma))

    args = dict(fit)
    for name in ["phi", "mu0", "mu1", "sigma"]:
        def f(value, name=name):
            return joint(**{**args, name: value})

        grad = numerical_gradient(f, args[name], h=1e-6)
        np.testing.assert_allclose(grad, 0, atol=1e-5, err_msg=name)


def test_gda_fit_hand_example(sol):
    """GDA on four 1-D points: class means, prior, and the pooled biased variance."""
    X = np.array([[0.0], [2.0], [5.0], [7.0]])
    fit = sol.gda_fit(X, [0, 0, 1, 1])
    assert fit["phi"] == 0.5
    np.testing.assert_array_equal(fit["mu0"], [1.0])  # (0 + 2) / 2
    np.testing.assert_array_equal(fit["mu1"], [6.0])  # (5 + 7) / 2
    # deviations from the own class mean: -1, 1, -1, 1 -> sum of squares 4, / n = 1
    np.testing.assert_array_equal(fit["sigma"], [[1.0]])


# --------------------------------------------------------------------------
# geometric distribution, log-likelihood loops, GDA loops, MAP weights
# --------------------------------------------------------------------------


def test_geometric_hand_examples(sol):
    """Geometric MLE n / sum(x) and its log-likelihood by hand."""
    # 4 runs with 1 + 3 + 2 + 2 = 8 trials: p_hat = 4/8
    assert sol.geometric_mle([1, 3, 2, 2]) == 0.5
    # n log p + (sum - n) log(1 - p) = 3 log(0.5) + 2 log(0.5)   (x = 1, 3, 1)
    assert sol.geometric_loglik(0.5, [1, 3, 1]) == pytest.approx(5 * math.log(0.5))
    # all first-trial successes: (1 - p)^0 = 1 even at p = 1 (0 * log 0 = 0)
    assert sol.geometric_loglik(1.0, [1, 1]) == 0.0
    np.testing.assert_allclose(sol.geometric_loglik(np.array([0.25, 0.5]), [2]),
                               [math.log(0.25 * 0.75), math.log(0.25)])


@FAST
@given(st.lists(st.integers(1, 12), min_size=1, max_size=15))
def test_geometric_mle_maximises_likelihood(sol, x):
    """geometric_mle is the grid argmax of the log-likelihood (grid step 1e-4)."""
    assert abs(sol.geometric_mle(x) - sol.geometric_mle_brute(x)) <= 1e-4 + 1e-12
    grid = np.linspace(0, 1, 10001)
    best = grid[np.argmax(sol.geometric_loglik(grid, x))]
    assert abs(sol.geometric_mle(x) - best) <= 1e-4 + 1e-12


@FAST
@given(st.lists(st.integers(0, 1), min_size=1, max_size=20),
       st.floats(0.01, 0.99))
def test_iid_loglik_loops_bernoulli(sol, flips, theta):
    """The loop log-likelihood agrees with the closed form h log(theta) + t log(1 - theta)."""
    assert sol.iid_loglik_loops("bernoulli", theta, flips) == pytest.approx(
        sol.bernoulli_loglik(theta, flips), rel=1e-12, abs=1e-12)


@FAST
@given(st.lists(st.integers(1, 8), min_size=1, max_size=12), st.floats(0.01, 0.99))
def test_iid_loglik_loops_geometric(sol, x, theta):
    """The loop log-likelihood (x - 1 failures then a success) agrees with geometric_loglik."""
    assert sol.iid_loglik_loops("geometric", theta, x) == pytest.approx(
        sol.geometric_loglik(theta, x), rel=1e-12, abs=1e-12)


@FAST
@given(st.lists(st.integers(0, 8), min_size=1, max_size=12), st.floats(0.05, 10))
def test_iid_loglik_loops_poisson_and_exponential(sol, x, lam):
    """The loop log-likelihoods agree with poisson_loglik and exponential_loglik."""
    assert sol.iid_loglik_loops("poisson", lam, x) == pytest.approx(
        sol.poisson_loglik(lam, x), rel=1e-12, abs=1e-12)
    assert sol.iid_loglik_loops("exponential", lam, x) == pytest.approx(
        sol.exponential_loglik(lam, x), rel=1e-12, abs=1e-12)


def test_iid_loglik_loops_hand_examples(sol):
    """By hand: Poisson keeps -log(x!), U(0, theta) is -n log(theta) or -inf, arrays of theta."""
    # Poisson(2) at 3: log(2^3 e^-2 / 3!)
    assert sol.iid_loglik_loops("poisson", 2.0, [3]) == pytest.approx(
        math.log(8 * math.exp(-2) / 6))
    got = sol.iid_loglik_loops("uniform", np.array([4.0, 5.0, 10.0]), [1, 5])
    assert got[0] == -math.inf
    np.testing.assert_allclose(got[1:], [-2 * math.log(5), -2 * math.log(10)])
    # exponential rate 2 at 0.5 and 1.5: 2 log 2 - 2 * 2
    np.testing.assert_allclose(sol.iid_loglik_loops("exponential", np.array([2.0]), [0.5, 1.5]),
                               [2 * math.log(2) - 4])
    with pytest.raises(ValueError, match="dist must be one of"):
        sol.iid_loglik_loops("gamma", 1.0, [1])
    with pytest.raises(ValueError, match="0 or 1"):
        sol.iid_loglik_loops("bernoulli", 0.5, [2])
    with pytest.raises(ValueError, match="whole numbers >= 1"):
        sol.geometric_mle([0, 2])


@pytest.mark.parametrize("seed", range(5))
def test_gda_fit_loops_matches_gda_fit(sol, seed):
    """The loop GDA fit agrees with gda_fit on random labelled data."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.array([0, 0, 0, 1, 1, 1, 1, 0, 1]))
    X = rng.normal(size=(9, 3)) + y[:, None]
    fast, slow = sol.gda_fit(X, y), sol.gda_fit_loops(X, y)
    assert slow["phi"] == pytest.approx(fast["phi"])
    for key in ["mu0", "mu1", "sigma"]:
        np.testing.assert_allclose(slow[key], fast[key], atol=1e-12, err_msg=key)


def test_gda_fit_loops_hand_example(sol):
    """Pooled covariance by hand: each point centred on its own class mean, divided by n."""
    X = [[1, 2], [3, 2], [0, 0], [2, 2], [1, 4]]
    fit = sol.gda_fit_loops(X, [0, 0, 1, 1, 1])
    assert fit["phi"] == 0.6
    np.testing.assert_array_equal(fit["mu0"], [2, 2])
    np.testing.assert_array_equal(fit["mu1"], [1, 2])
    # deviations (-1, 0), (1, 0), (-1, -2), (1, 0), (0, 2): scatter [[4, 2], [2, 8]], / 5
    np.testing.assert_allclose(fit["sigma"], [[0.8, 0.4], [0.4, 1.6]])
    with pytest.raises(ValueError, match="both classes"):
        sol.gda_fit_loops([[0, 0], [1, 1]], [1, 1])


def test_gaussian_map_weights_hand_examples(sol):
    """w = sum x y / (sum x^2 + sigma^2/tau^2); an infinite prior variance gives least squares."""
    # sum xy = 1*2 + 2*3 = 8, sum x^2 = 5, lambda = 1/0.5 = 2: w = 8/7
    assert sol.gaussian_map_weights([1, 2], [2, 3], 1, 0.5) == pytest.approx(8 / 7)
    assert sol.gaussian_map_weights([1, 2], [2, 3], 1, math.inf) == pytest.approx(8 / 5)
    X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    y = np.array([1.0, 2.0, 0.0])
    w = sol.gaussian_map_weights(X, y, 2.0, 4.0)  # lambda = 0.5
    np.testing.assert_allclose((X.T @ X + 0.5 * np.eye(2)) @ w, X.T @ y)
    with pytest.raises(ValueError, match="positive"):
        sol.gaussian_map_weights([1, 2], [2, 3], 0, 1)


@FAST
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-5, 5)), min_size=1, max_size=6),
       st.sampled_from([0.5, 1.0, 2.0, 4.0]), st.sampled_from([0.25, 1.0, 3.0, math.inf]))
def test_gaussian_map_weights_maximises_posterior(sol, pairs, noise_var, prior_var):
    """The closed-form MAP weight is the grid argmax of the log-posterior (grid step 1e-4)."""
    x, y = [p[0] for p in pairs], [p[1] for p in pairs]
    assume(any(v != 0 for v in x))
    grid = np.arange(-60000, 60001) / 10000
    w = sol.gaussian_map_weights(x, y, noise_var, prior_var)
    assert abs(w - sol.gaussian_map_weights_brute(x, y, noise_var, prior_var, grid)) <= 1e-4
