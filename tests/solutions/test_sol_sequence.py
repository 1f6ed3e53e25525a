"""Tests for solutions/sequence.py: recurrent networks, against hand-worked examples."""

import math

import numpy as np
import pytest


def test_forward_identity_and_relu_hand_examples(sol):
    """Identity, w = 2, x = (1, 0, 1): h = 1, 2, 5; ReLU, w = -1, x = (1, 2, -1): 1, 1, 0."""
    for f in (sol.rnn_scalar_forward, sol.rnn_scalar_forward_loops):
        assert np.array_equal(f([1, 0, 1], 2, 1, 0, act="identity"), [1, 2, 5])
        assert np.array_equal(f([1, 2, -1], -1, 1, 0, act="relu"), [1, 1, 0])


def test_forward_tanh_hand_example(sol):
    """w = 1, u = 1, b = 0.5, x = (0, -1): h1 = tanh(0.5), h2 = tanh(tanh(0.5) - 0.5)."""
    h1 = math.tanh(0.5)
    expected = [h1, math.tanh(h1 - 0.5)]
    for f in (sol.rnn_scalar_forward, sol.rnn_scalar_forward_loops):
        assert np.allclose(f([0, -1], 1, 1, 0.5), expected, rtol=1e-12)
    assert np.allclose(sol.rnn_scalar_forward_loops([0, 30], 1, 1, 0.5), [h1, math.tanh(30.5 + h1)])


def test_bptt_identity_hand_example(sol):
    """Identity RNN, w = 2, x = (1, 0, 1), y = 0: h = 1, 2, 5, deltas 25, 12, 5,
    dL/dw = 12*1 + 5*2 = 22, dL/du = 25 + 5 = 30, dL/db = 42 (checked by expanding
    h2 = w h1 + b, h3 = w h2 + u + b by hand)."""
    h = sol.rnn_scalar_forward([1, 0, 1], 2, 1, 0, act="identity")
    delta = sol.rnn_bptt_deltas(h, [1, 0, 1], [0, 0, 0], 2, 1, 0, act="identity")
    assert np.array_equal(delta, [25, 12, 5])
    assert sol.rnn_scalar_grads([1, 0, 1], [0, 0, 0], 2, 1, 0, act="identity") == (22, 30, 42)
    assert sol.rnn_scalar_grads_brute([1, 0, 1], [0, 0, 0], 2, 1, 0, act="identity") == \
        (22, 30, 42)


def test_bptt_last_step_only(sol):
    """With the loss on h3 only the deltas are 20, 10, 5 and dL/dw = 10 + 10 = 20."""
    h = sol.rnn_scalar_forward([1, 0, 1], 2, 1, 0, act="identity")
    delta = sol.rnn_bptt_deltas(h, [1, 0, 1], [0, 0, 0], 2, 1, 0, act="identity", last=True)
    assert np.array_equal(delta, [20, 10, 5])
    got = sol.rnn_scalar_grads([1, 0, 1], [0, 0, 0], 2, 1, 0, act="identity", last=True)
    assert got[0] == 20
    assert sol.rnn_scalar_grads_brute([1, 0, 1], [0, 0, 0], 2, 1, 0, act="identity",
                                      last=True)[0] == 20


def test_bptt_relu_mask_blocks_the_path(sol):
    """ReLU, w = -1, x = (1, 2, -1), y = (0, 2, 1): h = 1, 1, 0; a3 = -2 < 0 so delta3 = 0;
    delta2 = (1 - 2) = -1, delta1 = (1 - 0) + (-1)(-1) = 2; dL/dw = -1*1 = -1."""
    h = sol.rnn_scalar_forward([1, 2, -1], -1, 1, 0, act="relu")
    delta = sol.rnn_bptt_deltas(h, [1, 2, -1], [0, 2, 1], -1, 1, 0, act="relu")
    assert np.array_equal(delta, [2, -1, 0])
    assert sol.rnn_scalar_grads([1, 2, -1], [0, 2, 1], -1, 1, 0)[0] == -1
    assert sol.rnn_scalar_grads_brute([1, 2, -1], [0, 2, 1], -1, 1, 0)[0] == -1


def test_bptt_tanh_agrees_with_forward_mode(sol):
    """On a tanh RNN, BPTT and forward-mode derivatives agree to rounding."""
    args = ([0.5, -1, 2, 1], [0.1, -0.2, 0.3, 0], 0.7, -1.2, 0.3)
    assert np.allclose(sol.rnn_scalar_grads(*args, act="tanh"),
                       sol.rnn_scalar_grads_brute(*args, act="tanh"), rtol=1e-12)


@pytest.mark.parametrize("kw,expected", [
    (dict(cell="rnn"), 12),                      # 2*(2+3) + 2
    (dict(cell="gru"), 36),                      # 3 * 12
    (dict(cell="lstm"), 48),                     # 4 * 12
    (dict(cell="lstm", layers=2, bidirectional=True), 208),   # 2*48 + 2*4*(2*6+2)
    (dict(cell="lstm", layers=2, bidirectional=True, out=5), 233),  # + 5*4 + 5
    (dict(cell="rnn", layers=3), 12 + 2 * 10),   # upper layers read h = 2: 2*4 + 2
])
def test_param_counts_hand_examples(sol, kw, expected):
    """d = 3, h = 2: one block is h(h + d) + h = 12; LSTM 4 blocks, GRU 3; stacked layers
    above a bidirectional one read 2h inputs."""
    assert sol.rnn_param_count(3, 2, **kw) == expected
    assert sol.rnn_param_count_loops(3, 2, **kw) == expected


def test_param_count_rejects_unknown_cells(sol):
    """An unknown cell type is an error that names the known ones."""
    with pytest.raises(ValueError, match="lstm"):
        sol.rnn_param_count(3, 2, cell="transformer")


def test_jacobian_product_hand_example(sol):
    """States 0.5 and 0.6 with w = 2: (2 * 0.75) * (2 * 0.64) = 1.92, and the inputs that
    produce those states give the same number by a finite difference in h0."""
    assert sol.rnn_jacobian_product([0.5, 0.6], 2) == pytest.approx(1.92)
    x = sol.rnn_inputs_for_states([0.5, 0.6], 2)
    assert np.allclose(sol.rnn_scalar_forward(x, 2, 1, 0), [0.5, 0.6])
    assert sol.rnn_jacobian_product_brute(x, 2, 1, 0) == pytest.approx(1.92, rel=1e-7)
    with pytest.raises(ValueError, match="between"):
        sol.rnn_inputs_for_states([1.0], 2)
