"""Tests for solutions/svm.py: margins, slacks, the primal, kernels, against hand-worked values."""

import math

import numpy as np
import pytest


def test_margin_width_and_signed_distance_hand_example(sol):
    """w = (3, 4): ||w|| = 5, width 2/5; x = (3, 4), b = -5: (9 + 16 - 5)/5 = 4."""
    assert sol.svm_margin_width([3, 4]) == pytest.approx(0.4)
    assert sol.svm_margin_width_brute([3, 4], -5) == pytest.approx(0.4)
    assert sol.svm_signed_distance([3, 4], -5, [3, 4]) == pytest.approx(4)
    assert sol.svm_signed_distance_brute([3, 4], -5, [3, 4]) == pytest.approx(4)
    # the other side of the line is negative: (0 + 0 - 5)/5 = -1
    assert sol.svm_signed_distance_brute([3, 4], -5, [0, 0]) == pytest.approx(-1)
    with pytest.raises(ValueError, match="zero"):
        sol.svm_margin_width([0, 0])


def test_margins_slacks_objective_hand_example(sol):
    """x1 = (1, 0) +1, x2 = (0, 1) -1, w = (1, 1), b = 0: margins 1, -1; slacks 0, 2.

    J with C = 2: (1/2)(1 + 1) + 2 * (0 + 2) = 5.
    """
    X, y, w = np.array([[1, 0], [0, 1]]), np.array([1, -1]), np.array([1, 1])
    assert np.allclose(sol.svm_functional_margins(X, y, w, 0), [1, -1])
    assert np.allclose(sol.svm_functional_margins_loops(X, y, w, 0), [1, -1])
    assert np.allclose(sol.svm_slacks(X, y, w, 0), [0, 2])
    assert np.allclose(sol.svm_slacks_loops(X, y, w, 0), [0, 2])
    assert sol.svm_primal_objective(X, y, w, 0, 2) == pytest.approx(5)
    assert sol.svm_primal_objective_loops(X, y, w, 0, 2) == pytest.approx(5)
    with pytest.raises(ValueError, match="labels"):
        sol.svm_slacks(X, np.array([1, 0]), w, 0)


def test_subgradient_ignores_the_point_on_its_margin(sol):
    """Same data: x1 sits on its margin (subgradient 0), x2 violates it.

    dJ/dw = (1, 1) - 2 * (-1) * (0, 1) = (1, 3); dJ/db = -2 * (-1) = 2.
    """
    X, y, w = np.array([[1, 0], [0, 1]]), np.array([1, -1]), np.array([1, 1])
    gw, gb = sol.svm_primal_subgradient(X, y, w, 0, 2)
    assert np.allclose(gw, [1, 3]) and gb == pytest.approx(2)
    gw2, gb2 = sol.svm_primal_subgradient_loops(X, y, w, 0, 2)
    assert np.allclose(gw2, [1, 3]) and gb2 == pytest.approx(2)


def test_two_point_and_hard_margin_hand_example(sol):
    """(1, 1) +1 and (-1, -1) -1: d = (2, 2), w = 2d/8 = (1/2, 1/2), b = 0, width 2 sqrt 2.

    Adding (3, 3) +1 (margin 3) and (-3, 0) -1 (margin 3/2) leaves the SVM unchanged.
    """
    w, b = sol.svm_two_point([1, 1], [-1, -1])
    assert np.allclose(w, [0.5, 0.5]) and b == pytest.approx(0)
    assert sol.svm_margin_width(w) == pytest.approx(2 * math.sqrt(2))
    X = np.array([[1, 1], [-1, -1], [3, 3], [-3, 0]])
    y = np.array([1, -1, 1, -1])
    w, b, pair = sol.svm_hard_margin(X, y)
    assert np.allclose(w, [0.5, 0.5]) and b == pytest.approx(0) and pair == (0, 1)
    wb, bb, support = sol.svm_hard_margin_brute(X, y)
    assert np.allclose(wb, [0.5, 0.5]) and bb == pytest.approx(0) and support == (0, 1)
    assert sol.svm_pair_decides(X, y)


def test_hard_margin_brute_finds_three_support_vectors(sol):
    """(0, 2), (2, 2) +1 and (1, 0) -1: the closest pair alone is not enough.

    By symmetry the SVM is horizontal: w = (0, 1), b = -1, all three points on the margin.
    """
    X, y = np.array([[0, 2], [2, 2], [1, 0]]), np.array([1, 1, -1])
    w, b, support = sol.svm_hard_margin_brute(X, y)
    assert np.allclose(w, [0, 1]) and b == pytest.approx(-1) and support == (0, 1, 2)
    assert not sol.svm_pair_decides(X, y)
    with pytest.raises(ValueError, match="does not decide"):
        sol.svm_hard_margin(X, y)


def test_kernel_bias_and_decision_hand_example(sol):
    """K = (x . z + 1)^2; SVs x2 = (1, 1) +1, x1 = (0, 0) -1 with alpha = 2/8 = 1/4.

    K(x2, x2) = 9, K(x1, x2) = 1: b = 1 - (9 - 1)/4 = -1. For z = (-1, 2):
    K(x2, z) = 4, K(x1, z) = 1, f(z) = (4 - 1)/4 - 1 = -1/4.
    """
    X, y = np.array([[0, 0], [1, 1], [-1, 0]]), np.array([-1, 1, -1])
    al = np.array([0.25, 0.25, 0])
    assert sol.svm_poly_kernel([1, 1], [1, 1]) == 9
    assert sol.svm_kernel_bias(X, y, al, 1) == pytest.approx(-1)
    assert sol.svm_kernel_bias_brute(X, y, al, 1) == pytest.approx(-1)
    assert sol.svm_kernel_bias_brute(X, y, al, 0) == pytest.approx(-1)
    assert sol.svm_kernel_decision(X, y, al, -1, [-1, 2]) == pytest.approx(-0.25)
    assert sol.svm_kernel_decision_brute(X, y, al, -1, [-1, 2]) == pytest.approx(-0.25)
    pair = sol.svm_kernel_pair(X, y)
    assert pair["ok"] and np.allclose(pair["alphas"], al) and pair["b"] == pytest.approx(-1)
    assert (pair["s"], pair["t"]) == (1, 0)


def test_text_helpers(sol):
    """Letters of a mask, the point table and the hinge steps read as a student writes them."""
    assert sol.svm_letters([True, False, True]) == "A, C"
    assert sol.svm_letters([False, False]) == "none"
    assert sol.svm_points_text([[1, 0], [0, -1]], [1, -1]) == \
        "x1 = [1, 0],  y1 = +1\nx2 = [0, -1],  y2 = -1"
    assert sol.svm_hinge_steps([[1, 0]], [1], [2, 0], 0) == \
        "x1: f = 2, y f = 2, hinge = max(0, 1 - (2)) = 0"
