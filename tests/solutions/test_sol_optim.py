"""Tests for solutions/optim.py: one step of each optimiser against hand-expanded formulas."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

FAST = settings(max_examples=50, deadline=None, database=None)
VEC = arrays(np.float64, 3, elements=st.floats(-5, 5))
LR = st.floats(1e-3, 1.0)
RATE = st.floats(0.0, 0.99)


def test_sgd_and_weight_decay_hand_examples(sol):
    """sgd: w - lr g; weight decay: shrink w by (1 - lr alpha) then step."""
    assert sol.sgd_step(1.0, 2.0, 0.1) == pytest.approx(0.8)  # 1 - 0.1*2
    # (1 - 0.1*0.5) * 1 - 0.1 * 2 = 0.95 - 0.2 = 0.75
    assert sol.weight_decay_step(1.0, 2.0, 0.1, 0.5) == pytest.approx(0.75)
    np.testing.assert_allclose(sol.sgd_step(np.array([1.0, 2.0]), np.array([1.0, -1.0]), 0.5),
                               [0.5, 2.5])


@FAST
@given(VEC, VEC, LR, st.floats(0.0, 1.0))
def test_weight_decay_is_sgd_on_l2_regularised_loss(sol, w, g, lr, alpha):
    """weight_decay_step equals an sgd step with gradient g + alpha w."""
    np.testing.assert_allclose(sol.weight_decay_step(w, g, lr, alpha),
                               sol.sgd_step(w, g + alpha * w, lr), atol=1e-12)


def test_momentum_hand_example(sol):
    """v = 0.9*0.5 - 0.1*2 = 0.25, w = 1 + 0.25 = 1.25."""
    w, v = sol.momentum_step(1.0, 0.5, 2.0, 0.1, 0.9)
    assert (w, v) == (pytest.approx(1.25), pytest.approx(0.25))


@FAST
@given(VEC, VEC, VEC, LR, RATE)
def test_momentum_and_nesterov_formulas(sol, w, v, g, lr, mu):
    """Momentum and Nesterov steps equal their expanded forms written differently."""
    w1, v1 = sol.momentum_step(w, v, g, lr, mu)
    np.testing.assert_allclose(v1, mu * v - lr * g, atol=1e-12)
    np.testing.assert_allclose(w1, w + mu * v - lr * g, atol=1e-12)
    w2, v2 = sol.nesterov_step(w, v, g, lr, mu)
    np.testing.assert_allclose(v2, v1, atol=1e-12)
    # w - mu v + (1 + mu)(mu v - lr g) = w + mu^2 v - (1 + mu) lr g
    np.testing.assert_allclose(w2, w + mu**2 * v - (1 + mu) * lr * g, atol=1e-12)


def test_nesterov_matches_pytorch_form(sol):
    """With v = -lr * buf, Nesterov equals PyTorch's buf = mu buf + g; w -= lr (g + mu buf)."""
    w, buf, g, lr, mu = np.array([1.0, -2.0]), np.array([0.3, 0.1]), np.array([0.5, -1.0]), 0.1, 0.9
    new_buf = mu * buf + g
    w_torch = w - lr * (g + mu * new_buf)
    w_new, v_new = sol.nesterov_step(w, -lr * buf, g, lr, mu)
    np.testing.assert_allclose(w_new, w_torch)
    np.testing.assert_allclose(v_new, -lr * new_buf)


@FAST
@given(VEC, arrays(np.float64, 3, elements=st.floats(0, 5)), VEC, LR, RATE)
def test_adagrad_and_rmsprop_formulas(sol, w, cache, g, lr, decay):
    """AdaGrad and RMSProp match elementwise hand-expanded updates (eps outside the sqrt)."""
    eps = 1e-8
    w1, c1 = sol.adagrad_step(w, cache, g, lr, eps)
    for i in range(3):
        c = cache[i] + g[i] * g[i]
        assert c1[i] == pytest.approx(c)
        assert w1[i] == pytest.approx(w[i] - lr * g[i] / (c**0.5 + eps), abs=1e-12)
    w2, c2 = sol.rmsprop_step(w, cache, g, lr, decay, eps)
    for i in range(3):
        c = decay * cache[i] + (1 - decay) * g[i] * g[i]
        assert c2[i] == pytest.approx(c, abs=1e-12)
        assert w2[i] == pytest.approx(w[i] - lr * g[i] / (c**0.5 + eps), abs=1e-12)


@FAST
@given(VEC, VEC, arrays(np.float64, 3, elements=st.floats(0, 5)), VEC, st.integers(1, 50), LR)
def test_adam_formula(sol, w, m, v, g, t, lr):
    """adam_step matches the bias-corrected update written with the corrected step size."""
    b1, b2, eps = 0.9, 0.999, 1e-8
    w1, m1, v1 = sol.adam_step(w, m, v, g, t, lr, b1, b2, eps)
    m_exp = b1 * m + (1 - b1) * g
    v_exp = b2 * v + (1 - b2) * g**2
    np.testing.assert_allclose(m1, m_exp, atol=1e-12)
    np.testing.assert_allclose(v1, v_exp, atol=1e-12)
    # equivalently: step size lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t) on m / (sqrt(v) + eps_t)
    lr_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
    eps_t = eps * np.sqrt(1 - b2**t)
    np.testing.assert_allclose(w1, w - lr_t * m_exp / (np.sqrt(v_exp) + eps_t), atol=1e-9)


def test_adam_first_step_is_lr_times_sign(sol):
    """At t = 1 from zero state, bias correction makes every step ~ lr * sign(g)."""
    g = np.array([1e-3, -5.0, 100.0, -0.2])
    w, m, v = sol.adam_step(np.zeros(4), np.zeros(4), np.zeros(4), g, 1, 0.01)
    np.testing.assert_allclose(w, -0.01 * np.sign(g), rtol=1e-4)
    np.testing.assert_allclose(m, 0.1 * g)  # uncorrected state is returned
    np.testing.assert_allclose(v, 0.001 * g**2)


def test_init_variances(sol):
    """Xavier 2/(n_in + n_out), uniform bound sqrt(6/(n_in + n_out)), He 2/n_in, LeCun 1/n_in."""
    assert sol.xavier_var(100, 300) == 2 / 400
    assert sol.xavier_uniform_bound(100, 300) ** 2 / 3 == pytest.approx(sol.xavier_var(100, 300))
    assert sol.he_var(50) == 0.04
    assert sol.lecun_var(4) == 0.25


def test_optimiser_validation(sol):
    """Bad step numbers, coefficients and shapes raise ValueError."""
    z = np.zeros(2)
    with pytest.raises(ValueError, match="t must be the step number"):
        sol.adam_step(z, z, z, z, 0, 0.1)
    with pytest.raises(ValueError, match="mu must be in"):
        sol.momentum_step(z, z, z, 0.1, 1.5)
    with pytest.raises(ValueError, match="shapes must match"):
        sol.sgd_step(z, np.zeros(3), 0.1)
    with pytest.raises(ValueError, match="learning rate"):
        sol.sgd_step(z, z, -1.0)
