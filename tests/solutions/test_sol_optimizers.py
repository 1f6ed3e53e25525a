"""Tests for solutions/optimizers.py: one step of each optimiser against hand-expanded formulas."""

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


# --------------------------------------------------------------------------
# weight decay without the 1/2, the *_loops checks, adam_run
# --------------------------------------------------------------------------


@FAST
@given(VEC, VEC, LR, st.floats(0.0, 1.0))
def test_weight_decay_without_half_doubles_the_penalty_gradient(sol, w, g, lr, alpha):
    """half=False is an sgd step with gradient g + 2 alpha w (penalty alpha ||w||^2)."""
    np.testing.assert_allclose(sol.weight_decay_step(w, g, lr, alpha, half=False),
                               sol.sgd_step(w, g + 2 * alpha * w, lr), atol=1e-12)
    # (1 - 2*0.1*0.5) * 1 - 0.1 * 2 = 0.9 - 0.2
    assert sol.weight_decay_step(1.0, 2.0, 0.1, 0.5, half=False) == pytest.approx(0.7)


@FAST
@given(VEC, VEC, VEC, LR, RATE)
def test_momentum_and_nesterov_loops_agree(sol, w, v, g, lr, mu):
    """The heavy-ball and PyTorch-form checks reproduce momentum_step and nesterov_step."""
    for fast, loops in ((sol.momentum_step, sol.momentum_step_loops),
                        (sol.nesterov_step, sol.nesterov_step_loops)):
        w1, v1 = fast(w, v, g, lr, mu)
        w2, v2 = loops(w, v, g, lr, mu)
        np.testing.assert_allclose(w2, w1, atol=1e-9)
        np.testing.assert_allclose(v2, v1, atol=1e-9)


def test_loops_hand_examples(sol):
    """Hand-worked single steps, one coordinate at a time."""
    # momentum: v = 0.9*0.5 - 0.1*2 = 0.25, w = 1.25 (scalars stay scalars)
    w, v = sol.momentum_step_loops(1.0, 0.5, 2.0, 0.1, 0.9)
    assert (w, v) == (pytest.approx(1.25), pytest.approx(0.25))
    assert np.ndim(w) == 0
    # Nesterov: w - mu v + (1 + mu) v_new = 1 - 0.45 + 1.9*0.25 = 1.025
    w, v = sol.nesterov_step_loops(np.array([1.0]), np.array([0.5]), np.array([2.0]), 0.1, 0.9)
    np.testing.assert_allclose(w, [1.025])
    np.testing.assert_allclose(v, [0.25])
    # AdaGrad: cache 9 + 16 = 25, w = 1 - 0.5*4/5 = 0.6
    w, c = sol.adagrad_step_loops([1.0], [9.0], [4.0], 0.5, eps=0)
    np.testing.assert_allclose(w, [0.6])
    np.testing.assert_allclose(c, [25.0])
    # RMSProp, decay 0.9: cache 0.9*26 + 0.1*16 = 25, w = 1 - 0.5*4/5 = 0.6
    w, c = sol.rmsprop_step_loops([1.0], [26.0], [4.0], 0.5, 0.9, eps=0)
    np.testing.assert_allclose(w, [0.6])
    np.testing.assert_allclose(c, [25.0])


@FAST
@given(VEC, arrays(np.float64, 3, elements=st.floats(0, 5)), VEC, LR, RATE)
def test_adagrad_and_rmsprop_loops_agree(sol, w, cache, g, lr, decay):
    """The element-by-element checks match the vectorised AdaGrad and RMSProp."""
    for a, b in zip(sol.adagrad_step(w, cache, g, lr), sol.adagrad_step_loops(w, cache, g, lr),
                    strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-9)
    for a, b in zip(sol.rmsprop_step(w, cache, g, lr, decay),
                    sol.rmsprop_step_loops(w, cache, g, lr, decay), strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-9)


def test_adam_run_two_steps_by_hand(sol):
    """w0 = [-2, 0], g1 = [-3, -1], g2 = [-3, 4], lr = 0.2, eps = 0, worked by hand.

    Step 1 moves each weight by lr against sign(g1).  Step 2:
    m2 = 0.9*0.1*g1 + 0.1*g2 = [-0.57, 0.31], v2 = 0.999*0.001*g1^2 + 0.001*g2^2
    = [0.017991, 0.016999]; coordinate 2: m_hat = 0.31/0.19, v_hat = 0.016999/0.001999.
    """
    W, M, V = sol.adam_run([-2, 0], [[-3, -1], [-3, 4]], 0.2, eps=0)
    np.testing.assert_allclose(W[0], [-1.8, 0.2])
    np.testing.assert_allclose(M[1], [-0.57, 0.31])
    np.testing.assert_allclose(V[1], [0.017991, 0.016999])
    ratio = (0.31 / 0.19) / np.sqrt(0.016999 / 0.001999)
    np.testing.assert_allclose(W[1], [-1.6, 0.2 - 0.2 * ratio])
    np.testing.assert_allclose(W[1, 1], 0.0880993011924, rtol=1e-10)


@FAST
@given(VEC, arrays(np.float64, (4, 3), elements=st.floats(-5, 5)), LR,
       st.floats(0.0, 0.99), st.floats(0.5, 0.9999))
def test_adam_run_matches_steps_and_weighted_averages(sol, w, grads, lr, b1, b2):
    """adam_run repeats adam_step; adam_run_loops (weighted averages) agrees with it."""
    W, M, V = sol.adam_run(w, grads, lr, b1, b2)
    wt, m, v = w, np.zeros(3), np.zeros(3)
    for t, g in enumerate(grads, start=1):
        wt, m, v = sol.adam_step(wt, m, v, g, t, lr, b1, b2)
        np.testing.assert_allclose(W[t - 1], wt)
        np.testing.assert_allclose(M[t - 1], m)
        np.testing.assert_allclose(V[t - 1], v)
    W2, M2, V2 = sol.adam_run_loops(w, grads, lr, b1, b2)
    np.testing.assert_allclose(W2, W, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(M2, M, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(V2, V, rtol=1e-9, atol=1e-12)


def test_adam_run_validation(sol):
    """Gradients must be a non-empty stack of arrays shaped like w."""
    with pytest.raises(ValueError, match="grads must have shape"):
        sol.adam_run(np.zeros(2), np.zeros((3, 4)), 0.1)
    with pytest.raises(ValueError, match="grads must have shape"):
        sol.adam_run_loops(np.zeros(2), np.zeros((0, 2)), 0.1)
    with pytest.raises(ValueError, match="lr > 0"):
        sol.nesterov_step_loops(0.0, 0.0, 1.0, 0.0, 0.9)
