"""Tests for solutions/initialization.py: initialisation variances, fans, variance propagation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

FAST = settings(max_examples=50, deadline=None, database=None)


def test_init_variances(sol):
    """Xavier 2/(n_in + n_out), uniform bound sqrt(6/(n_in + n_out)), He 2/n_in, LeCun 1/n_in."""
    assert sol.xavier_var(100, 300) == 2 / 400
    assert sol.xavier_uniform_bound(100, 300) ** 2 / 3 == pytest.approx(sol.xavier_var(100, 300))
    assert sol.he_var(50) == 0.04
    assert sol.lecun_var(4) == 0.25


def test_conv_fans(sol):
    """A 3x3 conv from 16 to 32 channels: fan-in 16*9 = 144, fan-out 32*9 = 288."""
    assert sol.conv_fans(16, 32, 3) == (144, 288)
    assert sol.conv_fans(3, 8, 5, 1) == (15, 40)
    assert sol.he_var(sol.conv_fans(16, 32, 3)[0]) == pytest.approx(2 / 144)
    with pytest.raises(ValueError, match="kh must be positive"):
        sol.conv_fans(3, 8, 0)


def test_preactivation_variances_hand_examples(sol):
    """Var(z) = n Var(w) E[a^2]; ReLU halves the second moment; He keeps it constant."""
    # linear, 100 inputs of variance 2, Var(w) = 0.01: 100*0.01*2 = 2, and again 2
    np.testing.assert_allclose(sol.preactivation_variances(2, [100, 100], 0.01), [2, 2])
    # ReLU with He init 2/n: Var(z_1) = 50*0.04*1 = 2, then 2/2 * 50 * 0.04 = 2
    np.testing.assert_allclose(sol.preactivation_variances(1, [50, 50, 50], 0.04, relu=True),
                               [2, 2, 2])
    # ReLU with LeCun 1/n: halves each layer after the first
    np.testing.assert_allclose(sol.preactivation_variances(4, [10, 10, 10], 0.1, relu=True),
                               [4, 2, 1])
    # per-layer variances
    np.testing.assert_allclose(sol.preactivation_variances(1, [10, 20], [0.2, 0.1]), [2, 4])


@FAST
@given(st.floats(0.1, 5), st.lists(st.integers(1, 60), min_size=1, max_size=4),
       st.floats(0.001, 0.2), st.booleans())
def test_preactivation_variances_loops_agree(sol, v0, fans, s2, relu):
    """Summing n terms and integrating E[relu(z)^2] numerically reproduce the closed form."""
    np.testing.assert_allclose(sol.preactivation_variances_loops(v0, fans, s2, relu),
                               sol.preactivation_variances(v0, fans, s2, relu), rtol=1e-6)


def test_preactivation_variances_validation(sol):
    """One variance per layer, whole positive fan-ins, non-negative variances."""
    with pytest.raises(ValueError, match="one weight variance per layer"):
        sol.preactivation_variances(1, [10, 10], [0.1])
    with pytest.raises(ValueError, match="whole number"):
        sol.preactivation_variances(1, [2.5], 0.1)
    with pytest.raises(ValueError, match="non-negative"):
        sol.preactivation_variances_loops(1, [3], -0.1)



def test_relu_chain_variances_by_hand(sol):
    """Inputs of variance 2 through LeCun (1/8 on 8 inputs), He (2/16) and 4/32 weights:
    Var(z1) = 8 * 1/8 * 2 = 2; Var(z2) = 16 * 2/16 * 2/2 = 2; Var(z3) = 32 * 4/32 * 2/2 = 4.
    The brute route integrates the ReLU's second moment numerically."""
    args = (2, [8, 16, 32], [1 / 8, 2 / 16, 4 / 32])
    np.testing.assert_allclose(sol.relu_chain_variances(*args), [2, 2, 4])
    np.testing.assert_allclose(sol.relu_chain_variances_brute(*args), [2, 2, 4], rtol=1e-6)
