"""Tests for solutions/glm.py: exponential-family forms and GLMs against hand-worked values."""

import math

import numpy as np
import pytest

from mldrill.verify.methods import numerical_gradient

DISTS = ("bernoulli", "poisson", "gaussian", "exponential", "geometric")


def test_natural_parameters_by_hand(sol):
    """eta: log-odds log(1/3) for phi = 1/4, log 3 for lambda = 3, mu/s2 = 1/2 for mu = 2 with
    s2 = 4, -lambda = -2 for the exponential, log(2/3) for a geometric phi = 1/3."""
    assert sol.glm_natural_param("bernoulli", 0.25) == pytest.approx(math.log(1 / 3))
    assert sol.glm_natural_param("poisson", 3) == pytest.approx(math.log(3))
    assert sol.glm_natural_param("gaussian", 2, s2=4) == pytest.approx(0.5)
    assert sol.glm_natural_param("exponential", 2) == -2
    assert sol.glm_natural_param("geometric", 1 / 3) == pytest.approx(math.log(2 / 3))
    for dist, theta, s2 in [("bernoulli", 0.8, 1), ("poisson", 0.5, 1), ("gaussian", -3, 2),
                            ("exponential", 0.25, 1), ("geometric", 0.75, 1)]:
        assert sol.glm_natural_param_brute(dist, theta, s2) == pytest.approx(
            sol.glm_natural_param(dist, theta, s2), rel=1e-12)


def test_log_partition_by_hand(sol):
    """a(eta): Bernoulli phi = 1/4 gives -log(3/4); Poisson lambda = 3 gives 3; Gaussian
    mu = 2, s2 = 4 gives mu^2/(2 s2) = 1/2; exponential lambda = 2 gives -log 2; geometric
    phi = 1/3 gives log((2/3)/(1/3)) = log 2. The numerical normaliser agrees."""
    cases = [("bernoulli", math.log(1 / 3), 1, -math.log(0.75)), ("poisson", math.log(3), 1, 3),
             ("gaussian", 0.5, 4, 0.5), ("exponential", -2, 1, -math.log(2)),
             ("geometric", math.log(2 / 3), 1, math.log(2))]
    for dist, eta, s2, a in cases:
        assert sol.glm_log_partition(dist, eta, s2) == pytest.approx(a, rel=1e-12)
        assert sol.glm_log_partition_brute(dist, eta, s2) == pytest.approx(a, rel=1e-6, abs=1e-9)


def test_log_partition_refuses_eta_outside_the_domain(sol):
    """The exponential and geometric natural parameters are negative; 0 is refused."""
    with pytest.raises(ValueError, match="negative"):
        sol.glm_log_partition("exponential", 0.5)
    with pytest.raises(ValueError, match="unknown distribution"):
        sol.glm_log_partition("binomial", 0.5)


def test_option_lists_put_the_right_answer_first(sol):
    """Option 0 of b(y) and a(eta) is the textbook answer, and the brute-force checks find
    exactly that option for every distribution (no distractor is also right)."""
    assert sol.glm_b_options("poisson")[0] == "1/y!"
    assert sol.glm_a_options("bernoulli")[0] == "log(1 + e^eta)"
    assert sol.glm_a_options("exponential")[0] == "-log(-eta)"
    for dist, s2 in [("bernoulli", 1), ("poisson", 1), ("gaussian", 2), ("gaussian", 4),
                     ("exponential", 1), ("geometric", 1)]:
        assert sol.glm_b_options_brute(dist, s2) == 0
        eta = {"exponential": -1.5, "geometric": -0.7}.get(dist, 0.8)
        assert sol.glm_a_options_brute(dist, eta, s2) == 0


def test_moments_by_hand(sol):
    """Mean and variance a', a'': Bernoulli at eta = log 3 is (3/4, 3/16); Poisson at
    log 2 is (2, 2); Gaussian eta = 1/2, s2 = 4 is (2, 4); exponential eta = -2 is
    (1/2, 1/4); geometric eta = log(2/3) (phi = 1/3) is (3, (2/3)/(1/9) = 6)."""
    cases = [("bernoulli", math.log(3), 1, (0.75, 0.1875)), ("poisson", math.log(2), 1, (2, 2)),
             ("gaussian", 0.5, 4, (2, 4)), ("exponential", -2, 1, (0.5, 0.25)),
             ("geometric", math.log(2 / 3), 1, (3, 6))]
    for dist, eta, s2, (m, v) in cases:
        assert sol.glm_moments(dist, eta, s2) == pytest.approx((m, v), rel=1e-12)
        assert sol.glm_moments_brute(dist, eta, s2) == pytest.approx((m, v), rel=1e-6)


@pytest.mark.parametrize("dist", DISTS)
def test_moments_are_derivatives_of_the_log_partition(sol, dist):
    """a'(eta) and a''(eta) by central differences equal the closed-form mean and variance."""
    eta, s2 = (-0.9 if dist in ("exponential", "geometric") else 0.6), 2
    mean, var = sol.glm_moments(dist, eta, s2)
    assert numerical_gradient(lambda e: sol.glm_log_partition(dist, float(e), s2), eta) == \
        pytest.approx(mean, rel=1e-6)
    h = 1e-4
    second = (sol.glm_log_partition(dist, eta + h, s2) - 2 * sol.glm_log_partition(dist, eta, s2)
              + sol.glm_log_partition(dist, eta - h, s2)) / h**2
    assert second == pytest.approx(var, rel=1e-4)


def test_response_and_link_by_hand(sol):
    """Response: sigmoid(0) = 1/2, exp(1) = e, -1/eta = 1/2 at eta = -2, 1/(1 - 1/2) = 2
    at eta = -log 2. Link: logit(3/4) = log 3, log 5, -1/mu = -1/4, log(1 - 1/4) at mu = 4.
    Link and response invert each other; the bisection link agrees."""
    assert sol.glm_response("bernoulli", 0) == 0.5
    assert sol.glm_response("poisson", 1) == pytest.approx(math.e)
    assert sol.glm_response("exponential", -2) == 0.5
    assert sol.glm_response("geometric", -math.log(2)) == pytest.approx(2)
    assert sol.glm_response("gaussian", 1.5, s2=2) == 3
    assert sol.glm_link("bernoulli", 0.75) == pytest.approx(math.log(3))
    assert sol.glm_link("poisson", 5) == pytest.approx(math.log(5))
    assert sol.glm_link("exponential", 4) == -0.25
    assert sol.glm_link("geometric", 4) == pytest.approx(math.log(0.75))
    for dist, mu in [("bernoulli", 0.2), ("poisson", 0.5), ("poisson", 10), ("gaussian", -2),
                     ("exponential", 3), ("geometric", 1.25), ("geometric", 5)]:
        eta = sol.glm_link(dist, mu)
        assert sol.glm_response(dist, eta) == pytest.approx(mu, rel=1e-12)
        assert sol.glm_link_brute(dist, mu) == pytest.approx(eta, rel=1e-6, abs=1e-9)


def test_loglik_gradient_and_step_by_hand(sol):
    """Poisson GLM, X = [[1, 1], [1, 0]], theta = [0, 1], y = [2, 0]: eta = [1, 0],
    mean = [e, 1]; l = (2*1 - e - log 2!) + (0 - 1 - 0) = 1 - e - log 2; gradient
    X^T (y - mean) = [1 - e, 2 - e]; a step with alpha = 0.1 on example 1 only adds
    0.1 (2 - e) [1, 1]."""
    X, theta, y = [[1, 1], [1, 0]], [0, 1], [2, 0]
    e = math.e
    assert sol.glm_loglik("poisson", theta, X, y) == pytest.approx(1 - e - math.log(2))
    assert sol.glm_loglik_loops("poisson", theta, X, y) == pytest.approx(1 - e - math.log(2))
    np.testing.assert_allclose(sol.glm_grad("poisson", theta, X, y), [1 - e, 2 - e])
    np.testing.assert_allclose(sol.glm_grad_loops("poisson", theta, X, y), [1 - e, 2 - e])
    np.testing.assert_allclose(sol.glm_sgd_step("poisson", theta, [1, 1], 2, 0.1),
                               [0.1 * (2 - e), 1 + 0.1 * (2 - e)])
    np.testing.assert_allclose(sol.glm_sgd_step_loops("poisson", theta, [1, 1], 2, 0.1),
                               [0.1 * (2 - e), 1 + 0.1 * (2 - e)])


def test_bernoulli_and_gaussian_glms_by_hand(sol):
    """Logistic regression at theta = 0 predicts 1/2: gradient X^T (y - 1/2), log-likelihood
    n log(1/2). Linear regression (s2 = 1) at theta = [1]: x = 2, y = 3 gives the residual
    step theta + alpha (3 - 2) 2."""
    X, y = [[1, 2], [1, -1], [1, 0]], [1, 0, 1]
    np.testing.assert_allclose(sol.glm_grad("bernoulli", [0, 0], X, y), [0.5, 1.5])
    assert sol.glm_loglik("bernoulli", [0, 0], X, y) == pytest.approx(3 * math.log(0.5))
    np.testing.assert_allclose(sol.glm_sgd_step("gaussian", [1], [2], 3, 0.25), [1.5])
    ll = sol.glm_loglik("gaussian", [1], [[2]], [3])
    assert ll == pytest.approx(-0.5 - 0.5 * math.log(2 * math.pi))


@pytest.mark.parametrize("dist", ("bernoulli", "poisson", "gaussian"))
def test_gradient_is_the_derivative_of_the_loglik(sol, dist):
    """glm_grad is the finite-difference gradient of glm_loglik."""
    X = np.array([[1.0, 2.0], [1.0, -1.0], [1.0, 0.5]])
    y = [1, 0, 1] if dist == "bernoulli" else [2, 0, 3]
    theta = np.array([0.3, -0.4])
    fd = numerical_gradient(lambda t: sol.glm_loglik(dist, t, X, y), theta)
    np.testing.assert_allclose(sol.glm_grad(dist, theta, X, y), fd, rtol=1e-5)


def test_glm_data_shapes_are_checked(sol):
    """A theta that does not match X's columns is refused with the shapes."""
    with pytest.raises(ValueError, match="do not match"):
        sol.glm_grad("poisson", [1, 2, 3], [[1, 2]], [1])
