"""Tests for solutions/attention.py against values worked by hand, the loop checks and
numerical gradients."""

import math

import numpy as np
import pytest

from mldrill.verify.methods import numerical_gradient

LN2, LN3, LN4 = math.log(2), math.log(3), math.log(4)


def test_attention_hand_example(sol):
    """S = [ln 4, 0] gives weights [4/5, 1/5] and O = 4/5 V1 + 1/5 V2 (worked by hand)."""
    out = sol.scaled_dot_attention([[LN4, 0.0]], [[1, 0], [0, 1]], [[1, 0], [0, 5]], d_k=1)
    np.testing.assert_allclose(out["S"], [[LN4, 0]])
    np.testing.assert_allclose(out["A"], [[0.8, 0.2]])
    np.testing.assert_allclose(out["O"], [[0.8, 1.0]])


def test_attention_scales_by_sqrt_of_the_query_width(sol):
    """Without d_k the width of Q is used: q.k = 8 with d_k = 4 gives the score 8/2 = 4."""
    out = sol.scaled_dot_attention([[2, 2, 2, 2]], [[1, 1, 1, 1]], [[3, 1]])
    assert out["S"][0, 0] == pytest.approx(4.0)
    np.testing.assert_allclose(out["O"], [[3, 1]])


def test_causal_mask_hand_example(sol):
    """S = [[0, 5], [ln 3, 0]] masked: row 1 sees only key 1; row 2 gets [3/4, 1/4]."""
    S = [[0.0, 5.0], [LN3, 0.0]]
    out = sol.scaled_dot_attention(S, np.eye(2), [[4, 0], [0, 4]], d_k=1, causal=True)
    np.testing.assert_allclose(out["A"], [[1, 0], [0.75, 0.25]])
    np.testing.assert_allclose(out["O"], [[4, 0], [3, 1]])
    with pytest.raises(ValueError, match="causal"):
        sol.scaled_dot_attention([[1.0]], [[1.0], [2.0]], [[1.0], [1.0]], causal=True)


@pytest.mark.parametrize("causal", [False, True])
def test_attention_agrees_with_its_loops(sol, causal):
    """The vectorised attention and the loop check agree on random inputs, masked or not."""
    rng = np.random.default_rng(7)
    Q, K, V = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    a = sol.scaled_dot_attention(Q, K, V, causal=causal)
    b = sol.scaled_dot_attention_loops(Q, K, V, causal=causal)
    for key in "SAO":
        np.testing.assert_allclose(a[key], b[key], atol=1e-12)
    np.testing.assert_allclose(a["A"].sum(axis=1), 1.0)


def test_attention_wrong_axis_normalises_columns(sol):
    """axis=0 (the catalogued mistake) makes the columns sum to 1 instead of the rows."""
    out = sol.scaled_dot_attention([[1.0, 0.0], [0.0, 2.0]], np.eye(2), np.eye(2), d_k=1, axis=0)
    np.testing.assert_allclose(out["A"].sum(axis=0), 1.0)


def test_mha_counts_by_hand(sol):
    """d = 512, h = 8: d_k = 64, one projection 512^2 + 512 = 262656, total 4x that."""
    assert sol.mha_param_count(512, 8) == {"d_k": 64, "proj": 262656, "qkv": 787968,
                                           "total": 1050624}
    assert sol.mha_param_count(512, 8, bias=False)["total"] == 4 * 512 ** 2
    assert sol.mha_param_count_loops(512, 8) == sol.mha_param_count(512, 8)
    with pytest.raises(ValueError, match="multiple"):
        sol.mha_param_count(10, 3)


def test_block_counts_by_hand(sol):
    """d = 4, h = 2, d_ff = 8: attention 80, FFN 32+8+32+4 = 76, norms 16, total 172."""
    want = {"attn": 80, "ffn": 76, "ln": 16, "total": 172}
    assert sol.transformer_block_param_count(4, 2, 8) == want
    assert sol.transformer_block_param_count_loops(4, 2, 8) == want
    assert sol.transformer_block_param_count(512, 8, 2048)["total"] == 3152384


def test_positional_encoding_by_hand(sol):
    """d = 4: PE[0] = [0, 1, 0, 1]; PE[1] = [sin 1, cos 1, sin 0.01, cos 0.01]."""
    pe = sol.sinusoidal_pe(2, 4)
    np.testing.assert_allclose(pe[0], [0, 1, 0, 1])
    np.testing.assert_allclose(pe[1], [math.sin(1), math.cos(1), math.sin(0.01), math.cos(0.01)])
    np.testing.assert_allclose(sol.sinusoidal_pe_loops(30, 8), sol.sinusoidal_pe(30, 8),
                               atol=1e-12)
    with pytest.raises(ValueError, match="even"):
        sol.sinusoidal_pe(3, 5)


def test_positional_dot_product_depends_on_the_offset_only(sol):
    """PE(p).PE(p) = d/2; for d = 4, PE(p).PE(p+k) = cos k + cos(k/100), by hand."""
    assert sol.pe_dot(5, 5, 4) == pytest.approx(2.0)
    assert sol.pe_dot(3, 10, 4) == pytest.approx(math.cos(7) + math.cos(0.07))
    assert sol.pe_dot_brute(3, 10, 4) == pytest.approx(math.cos(7) + math.cos(0.07))
    assert sol.pe_dot_brute(13, 20, 8) == pytest.approx(sol.pe_dot(3, 10, 8))


def test_layernorm_forward_by_hand(sol):
    """Row [1, 3, 1, 3]: mean 2, sd 1 (biased), Xhat [-1, 1, -1, 1]; gamma 2, beta e1."""
    out = sol.layernorm_forward([[1, 3, 1, 3], [0, 0, 6, 6]], [2, 2, 2, 2], [1, 0, 0, 0])
    np.testing.assert_allclose(out["mu"], [2, 3])
    np.testing.assert_allclose(out["sd"], [1, 3])
    np.testing.assert_allclose(out["Xhat"], [[-1, 1, -1, 1], [-1, -1, 1, 1]])
    np.testing.assert_allclose(out["Y"], [[-1, 2, -2, 2], [-1, -2, 2, 2]])
    loops = sol.layernorm_forward_loops([[1, 3, 1, 3], [0, 0, 6, 6]], [2, 2, 2, 2],
                                        [1, 0, 0, 0])
    for key in out:
        np.testing.assert_allclose(loops[key], out[key])


def test_layernorm_backward_by_hand(sol):
    """Row [1, 3, 1, 3], dY = e1, gamma 1: g - mean g - Xhat mean(g Xhat) = [1/2, 0, -1/2, 0]."""
    out = sol.layernorm_backward([[1, 0, 0, 0]], [[1, 3, 1, 3]], [1, 1, 1, 1])
    np.testing.assert_allclose(out["dX"], [[0.5, 0, -0.5, 0]], atol=1e-12)
    np.testing.assert_allclose(out["dgamma"], [-1, 0, 0, 0])
    np.testing.assert_allclose(out["dbeta"], [1, 0, 0, 0])
    loops = sol.layernorm_backward_loops([[1, 0, 0, 0]], [[1, 3, 1, 3]], [1, 1, 1, 1])
    np.testing.assert_allclose(loops["dX"], out["dX"], atol=1e-12)


@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_layernorm_backward_matches_numerical_gradient(sol, eps):
    """dX, dgamma and dbeta equal the numerical gradient of sum(dY * LN(X)), with eps too."""
    rng = np.random.default_rng(3)
    X, dY = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    gamma, beta = rng.normal(size=5), rng.normal(size=5)

    def f(x, g=gamma, b=beta):
        return float(np.sum(dY * sol.layernorm_forward(x, g, b, eps)["Y"]))

    out = sol.layernorm_backward(dY, X, gamma, eps)
    np.testing.assert_allclose(out["dX"], numerical_gradient(f, X, 1e-6), atol=1e-6)
    np.testing.assert_allclose(out["dgamma"],
                               numerical_gradient(lambda g: f(X, g), gamma, 1e-6), atol=1e-6)
    np.testing.assert_allclose(out["dbeta"],
                               numerical_gradient(lambda b: f(X, gamma, b), beta, 1e-6),
                               atol=1e-6)
    loops = sol.layernorm_backward_loops(dY, X, gamma, eps)
    for key in ("dX", "dgamma", "dbeta"):
        np.testing.assert_allclose(loops[key], out[key], atol=1e-10)
