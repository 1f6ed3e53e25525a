"""Tests for solutions/nn_design.py: ReLU networks designed by hand, against worked examples."""

import numpy as np
import pytest

from mldrill.variants.rng import VariantRNG


def test_relu_net_forward_hand_example(sol):
    """x = (1, 2) through three units: z = (-1, 1, -1), h = (0, 1, 0), y = 2*1 + 0.5 = 2.5."""
    W, b = np.array([[1, -1], [2, 0], [0, 1]]), np.array([0, -1, -3])
    v, c = np.array([1, 2, -1]), 0.5
    for f in (sol.relu_net_forward, sol.relu_net_forward_loops):
        z, h, y = f(np.array([1, 2]), W, b, v, c)
        assert np.array_equal(z, [-1, 1, -1]) and np.array_equal(h, [0, 1, 0]) and y == 2.5


def test_relu_net_forward_rejects_mismatched_sizes(sol):
    """A weight matrix whose columns do not match the input is an error, not a broadcast."""
    with pytest.raises(ValueError, match="entries"):
        sol.relu_net_forward(np.array([1, 2, 3]), np.eye(2), [0, 0], [1, 1], 0)


def test_pwl_network_hand_example(sol):
    """Kinks -1, 1, 3 with slopes 2, -1, 0: biases (1, -1, -3), weights (2, -3, 1), f(2) = 3.

    By hand: f rises with slope 2 from f(-1) = 0 to f(1) = 4, then falls with slope -1
    to f(2) = 3; the network gives 2*relu(3) - 3*relu(1) + relu(-1) = 6 - 3 = 3.
    """
    b, a, c = sol.pwl_relu_network([-1, 1, 3], [2, -1, 0])
    assert np.array_equal(b, [1, -1, -3]) and np.array_equal(a, [2, -3, 1]) and c == 0
    assert np.array_equal(sol.pwl_slope_changes([2, -1, 0]), [2, -3, 1])
    assert sol.pwl_relu_value(2, [-1, 1, 3], a) == 3
    assert sol.pwl_relu_value_loops(2, [-1, 1, 3], [2, -1, 0]) == 3
    bb, ab, cb = sol.pwl_relu_network_brute([-1, 1, 3], [2, -1, 0])
    assert np.array_equal(bb, b) and np.array_equal(ab, a) and cb == 0


def test_pwl_graph_slopes_and_offset(sol):
    """Values 1, 5, 2 at kinks 0, 2, 3 give slopes 2 and -3, then the given last slope;
    with f0 = 1 the brute force finds the output bias 1 and f(4) = 2 + 0.5 = 2.5."""
    assert np.array_equal(sol.pwl_graph_slopes([0, 2, 3], [1, 5, 2], 0.5), [2, -3, 0.5])
    b, a, c = sol.pwl_relu_network_brute([0, 2, 3], [2, -3, 0.5], f0=1)
    assert np.array_equal(b, [0, -2, -3]) and np.allclose(a, [2, -5, 3.5]) and c == 1
    assert sol.pwl_relu_value(4, [0, 2, 3], a, f0=1) == pytest.approx(2.5)
    assert sol.pwl_relu_value_loops(4, [0, 2, 3], [2, -3, 0.5], f0=1) == pytest.approx(2.5)
    with pytest.raises(ValueError, match="increase"):
        sol.pwl_graph_slopes([0, 0, 3], [1, 5, 2], 0)


def test_xor_classic_network(sol):
    """h1 = relu(x1 + x2), h2 = relu(x1 + x2 - 1): H rows (0,0), (1,0), (1,0), (2,1), and
    y = h1 - 2 h2 computes XOR (the textbook solution)."""
    W, b = np.array([[1, 1], [1, 1]]), np.array([0, -1])
    H = sol.xor_hidden(W, b)
    assert np.array_equal(H, [[0, 0], [1, 0], [1, 0], [2, 1]])
    assert np.array_equal(sol.xor_hidden_loops(W, b), H)
    v, c = sol.xor_readout(H)
    assert np.array_equal(v, [1, -2]) and c == 0
    vb, cb = sol.xor_readout_brute(W, b)
    assert np.array_equal(vb, [1, -2]) and cb == 0


def test_xor_asymmetric_network(sol):
    """relu(x1 - x2) + relu(x2 - x1) = |x1 - x2| is XOR: v = (1, 1), c = 0."""
    W, b = np.array([[1, -1], [-1, 1]]), np.array([0, 0])
    v, c = sol.xor_readout(sol.xor_hidden(W, b))
    assert np.allclose(v, [1, 1]) and c == 0
    assert np.array_equal(sol.xor_readout_brute(W, b)[0], [1, 1])


def test_xor_brute_refuses_an_impossible_hidden_layer(sol):
    """Two copies of one unit cannot compute XOR: the brute force finds no output layer."""
    with pytest.raises(ValueError, match="0 output layers"):
        sol.xor_readout_brute(np.array([[1, 1], [1, 1]]), np.array([0, 0]))


@pytest.mark.parametrize("n,d,expected", [(4, 1, 5), (3, 2, 7), (4, 2, 11), (10, 2, 56),
                                          (0, 2, 1), (3, 3, 8)])
def test_max_linear_regions(sol, n, d, expected):
    """n + 1 on a line, 1 + n + C(n, 2) in the plane, 2^n when n <= d."""
    assert sol.max_linear_regions(n, d) == expected
    if d <= 2:
        assert sol.max_linear_regions_brute(n, d) == expected


def test_relu_regions_1d_merges_shared_kinks(sol):
    """Kinks -1, -1 and 3 (relu(x + 1), relu(2x + 2), relu(-x + 3)) give 3 regions, not 4."""
    W, b = np.array([[1], [2], [-1]]), np.array([1, 2, 3])
    assert sol.relu_regions(W, b) == 3 and sol.relu_regions_brute(W, b) == 3


@pytest.mark.parametrize("W,b,expected", [
    ([[1, 0], [0, 1], [1, 1]], [0, 0, -1], 7),               # general position
    ([[1, 0], [0, 1], [1, 1], [1, -1]], [0, 0, -1, 1], 10),  # three lines through (0, 1)
    ([[1, 0], [1, 0], [0, 1]], [0, -1, 0], 6),               # two parallel lines
    ([[1, 1], [2, 2]], [1, 2], 2),                           # the same line twice
])
def test_relu_regions_2d_hand_counts(sol, W, b, expected):
    """Line arrangements counted by hand: 7 in general position, 10 when three lines meet
    in a point (11 - 1), 6 with two parallels, 2 for one line given twice."""
    W, b = np.array(W), np.array(b)
    assert sol.relu_regions(W, b) == expected
    assert sol.relu_regions_brute(W, b) == expected


def test_pwl_points_network_hand_example(sol):
    """Points (0, 1), (2, 5), (3, 2) and last slope 0.5: slopes 2, -3, 0.5, so biases
    (0, -2, -3), weights (2, -5, 3.5) and output bias f(0) = 1; the search agrees."""
    b, a, c = sol.pwl_points_network([0, 2, 3], [1, 5, 2], 0.5)
    assert np.array_equal(b, [0, -2, -3]) and np.allclose(a, [2, -5, 3.5]) and c == 1
    bb, ab, cb = sol.pwl_points_network_brute([0, 2, 3], [1, 5, 2], 0.5)
    assert np.array_equal(bb, b) and np.allclose(ab, a) and cb == 1
    assert str(b[0]) == "0.0"  # no "-0" in a printed answer


def test_xor_two_units_draw_computes_xor(sol):
    """Every draw's two ReLU units feed an output layer of halves that computes XOR exactly,
    and one unit is off at the new point."""
    for seed in range(20):
        pt = [2, 1]
        d = sol.xor_two_units_draw(VariantRNG("test", seed), {"pt": pt})
        assert np.max(np.abs(d["W"])) <= 2 and -3 <= np.min(d["b"]) <= np.max(d["b"]) <= 2
        H = sol.xor_hidden(d["W"], d["b"])
        v, c = sol.xor_readout(H)
        assert np.allclose(H @ v + c, [0, 1, 1, 0]) and np.allclose(2 * v, np.round(2 * v))
        assert np.any(d["W"] @ pt + d["b"] < 0)
