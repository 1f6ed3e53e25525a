"""Tests for solutions/gda.py: posteriors, LDA/QDA boundaries, counts, against hand values."""

import math

import numpy as np
import pytest


def test_posterior_1d_hand_example(sol):
    """mu0 = 3, mu1 = 2, variance 4, P(y=1) = 4/5, x = -3.

    Log-likelihood ratio [(-6)^2 - (-5)^2]/8 = 11/8; log-odds 11/8 + ln 4.
    """
    lo = 11 / 8 + math.log(4)
    assert sol.gda_log_odds_1d(-3, 3, 4, 2, 4, 0.8) == pytest.approx(lo)
    assert sol.gda_log_odds_1d_brute(-3, 3, 4, 2, 4, 0.8) == pytest.approx(lo)
    p = 1 / (1 + math.exp(-lo))
    assert sol.gda_posterior_1d(-3, 3, 4, 2, 4, 0.8) == pytest.approx(p)
    assert sol.gda_posterior_1d_brute(-3, 3, 4, 2, 4, 0.8) == pytest.approx(p)
    with pytest.raises(ValueError, match="prior"):
        sol.gda_posterior_1d(0, 0, 1, 1, 1, 1.0)


def test_qda_coefficients_hand_example(sol):
    """N(1, 4) vs N(0, 1), P(y=1) = 3/4: a = 1/8 - 1/2, b = -1/4, c = 1/8 + ln 2 + ln 3.

    The log-determinant term -(1/2) ln(1/4) = ln 2 is part of c.
    """
    want = (-3 / 8, -1 / 4, 1 / 8 + math.log(2) + math.log(3))
    assert sol.qda_coefficients_1d(1, 4, 0, 1, 0.75) == pytest.approx(want)
    assert sol.qda_coefficients_1d_brute(1, 4, 0, 1, 0.75) == pytest.approx(want)


def test_lda_boundary_hand_examples(sol):
    """Sigma = I, mu0 = 0, mu1 = (1, 1), equal priors: w = (1, 1), b = -1.

    Sigma = [[2, 1], [1, 1]] (inverse [[1, -1], [-1, 2]]), mu1 = (1, 0), P(y=1) = 2/3:
    w = (1, -1), b = -1/2 + ln 2.
    """
    w, b = sol.lda_boundary([0, 0], [1, 1], np.eye(2), 0.5)
    assert np.allclose(w, [1, 1]) and b == pytest.approx(-1)
    for f in (sol.lda_boundary, sol.lda_boundary_brute):
        w, b = f([0, 0], [1, 0], [[2, 1], [1, 1]], 2 / 3)
        assert np.allclose(w, [1, -1]) and b == pytest.approx(-0.5 + math.log(2))


def test_param_counts_hand_example(sol):
    """k = 3, d = 2: priors 2, means 6, one covariance 3: LDA 11, QDA 17, diagonal 14."""
    want = {"lda": 11, "qda": 17, "diag": 14}
    assert sol.gda_param_counts(3, 2) == want
    assert sol.gda_param_counts_loops(3, 2) == want


def test_lda_fit_hand_example(sol):
    """Class 0: (4, 2), (2, 1), (3, 3); class 1: (2, 3), (0, 3); divisor n - 2 = 3.

    mu0 = (3, 2), mu1 = (1, 3); scatter [[4, 1], [1, 2]], Sigma = scatter/3;
    Sigma^-1 = [[6, -3], [-3, 12]]/7, w = (-15/7, 18/7),
    b = -(1/2)(96/7 - 66/7) + ln(2/3) = -15/7 + ln(2/3).
    """
    X = np.array([[4, 2], [2, 1], [3, 3], [2, 3], [0, 3]])
    y = np.array([0, 0, 0, 1, 1])
    for f in (sol.lda_fit, sol.lda_fit_loops):
        fit = f(X, y, 2)
        assert np.allclose(fit["mu0"], [3, 2]) and np.allclose(fit["mu1"], [1, 3])
        assert np.allclose(fit["sigma"], np.array([[4, 1], [1, 2]]) / 3)
        assert np.allclose(fit["w"], [-15 / 7, 18 / 7])
        assert fit["b"] == pytest.approx(-15 / 7 + math.log(2 / 3))
        assert fit["pi1"] == pytest.approx(0.4)
    # the MLE divisor n = 5 scales Sigma^-1, so w, by 5/3
    assert np.allclose(sol.lda_fit(X, y)["w"], np.array([-15 / 7, 18 / 7]) * 5 / 3)
