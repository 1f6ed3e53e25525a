"""Reference implementations for attention and transformers (NumPy only).

Conventions:

* Tokens are **rows**: ``Q`` is ``(n, d_k)`` (n queries), ``K`` is ``(m, d_k)`` and
  ``V`` is ``(m, d_v)``; scores are ``S = Q K^T / sqrt(d_k)`` (n x m) and the softmax
  runs along each ROW (over the keys), so every row of the weights sums to 1.
* A causal mask lets query i see keys j <= i: the future scores become -inf BEFORE
  the softmax.
* Multi-head attention with model width d and h heads has d_k = d / h per head and
  four d x d projections (Q, K, V and the output), each with a bias of length d.
* A transformer block is that attention, a 2-layer feed-forward network d -> d_ff -> d
  (with biases) and two layer norms (a gain and a bias of length d each).
* Layer norm normalises each ROW (one example) over its D features with the biased
  variance (1/D): ``Xhat = (X - mu) / sqrt(var + eps)``, ``Y = gamma * Xhat + beta``.
* Sinusoidal positional encodings: ``PE[p, 2i] = sin(p / 10000^(2i/d))`` and
  ``PE[p, 2i+1] = cos(p / 10000^(2i/d))``, positions and columns counted from 0.

The ``*_loops`` and ``*_brute`` functions are independent checks written with explicit
Python loops and ``math``; they share no code with the vectorised functions.
"""

import math

import numpy as np

__all__ = [
    "scaled_dot_attention",
    "scaled_dot_attention_loops",
    "mha_param_count",
    "mha_param_count_loops",
    "transformer_block_param_count",
    "transformer_block_param_count_loops",
    "sinusoidal_pe",
    "sinusoidal_pe_loops",
    "pe_dot",
    "pe_dot_brute",
    "layernorm_forward",
    "layernorm_forward_loops",
    "layernorm_backward",
    "layernorm_backward_loops",
]


def _matrix(a, name):
    """``a`` as a 2-D float array, or a ValueError naming it."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a matrix, got shape {a.shape}")
    return a


def _positive_int(v, name):
    """``v`` as a positive int, or a ValueError naming it."""
    if int(v) != v or v < 1:
        raise ValueError(f"{name} must be a positive whole number, got {v!r}")
    return int(v)


# --------------------------------------------------------------------------
# scaled dot-product attention
# --------------------------------------------------------------------------


def scaled_dot_attention(Q, K, V, d_k=None, causal=False, axis=1):
    """Scores S = QK^T/sqrt(d_k), weights A = softmax of each row of S, output O = A V.

    Returns ``{'S', 'A', 'O'}``. ``d_k`` defaults to the width of Q. With ``causal``,
    the scores of keys j > i become -inf before the softmax (query i sees keys j <= i).
    ``axis=0`` normalises columns instead (a wrong axis, for the mistakes catalogue).
    """
    Q, K, V = _matrix(Q, "Q"), _matrix(K, "K"), _matrix(V, "V")
    if Q.shape[1] != K.shape[1] or K.shape[0] != V.shape[0]:
        raise ValueError(f"shapes do not fit: Q {Q.shape}, K {K.shape}, V {V.shape}")
    d_k = Q.shape[1] if d_k is None else d_k
    S = Q @ K.T / np.sqrt(d_k)
    masked = S
    if causal:
        if S.shape[0] != S.shape[1]:
            raise ValueError(f"a causal mask needs as many queries as keys, got {S.shape}")
        masked = np.where(np.tril(np.ones(S.shape, dtype=bool)), S, -np.inf)
    e = np.exp(masked - np.max(masked, axis=axis, keepdims=True))
    A = e / np.sum(e, axis=axis, keepdims=True)
    return {"S": S, "A": A, "O": A @ V}


def scaled_dot_attention_loops(Q, K, V, d_k=None, causal=False):
    """Check of scaled_dot_attention: every score, weight and output entry in explicit loops."""
    Q, K, V = np.asarray(Q, float).tolist(), np.asarray(K, float).tolist(), \
        np.asarray(V, float).tolist()
    n, m, dv = len(Q), len(K), len(V[0])
    d_k = len(Q[0]) if d_k is None else d_k
    S = [[sum(Q[i][t] * K[j][t] for t in range(len(Q[0]))) / math.sqrt(d_k)
          for j in range(m)] for i in range(n)]
    A = []
    for i in range(n):
        seen = [j for j in range(m) if not causal or j <= i]
        top = max(S[i][j] for j in seen)
        w = [math.exp(S[i][j] - top) if j in seen else 0.0 for j in range(m)]
        total = sum(w)
        A.append([x / total for x in w])
    out = [[sum(A[i][j] * V[j][c] for j in range(m)) for c in range(dv)] for i in range(n)]
    return {"S": np.array(S), "A": np.array(A), "O": np.array(out)}


# --------------------------------------------------------------------------
# parameter counts
# --------------------------------------------------------------------------


def mha_param_count(d, h, bias=True):
    """Multi-head attention counts: d_k = d/h, one projection d^2 + d, Q+K+V, and 4d^2 + 4d.

    Returns ``{'d_k', 'proj', 'qkv', 'total'}``; ``bias=False`` drops the biases.
    """
    d, h = _positive_int(d, "d"), _positive_int(h, "h")
    if d % h:
        raise ValueError(f"the model width d = {d} must be a multiple of h = {h}")
    proj = d * d + (d if bias else 0)
    return {"d_k": d // h, "proj": proj, "qkv": 3 * proj, "total": 4 * proj}


def mha_param_count_loops(d, h, bias=True):
    """Check of mha_param_count: allocate every head's d x d_k weights and add up the sizes."""
    d, h = _positive_int(d, "d"), _positive_int(h, "h")
    dk = d // h
    heads = []
    for _ in range(h):
        head = {}
        for name in ("Q", "K", "V"):
            head["W" + name] = np.zeros((d, dk))
            if bias:
                head["b" + name] = np.zeros(dk)
        heads.append(head)
    out = [np.zeros((h * dk, d))] + ([np.zeros(d)] if bias else [])
    proj = sum(a.size for head in heads for k, a in head.items() if k.endswith("Q"))
    qkv = sum(a.size for head in heads for a in head.values())
    total = qkv + sum(a.size for a in out)
    return {"d_k": dk, "proj": proj, "qkv": qkv, "total": total}


def transformer_block_param_count(d, h, d_ff):
    """Block counts: attention 4d^2 + 4d, FFN 2 d d_ff + d_ff + d, two layer norms 4d, total.

    Returns ``{'attn', 'ffn', 'ln', 'total'}``.
    """
    d, h, d_ff = _positive_int(d, "d"), _positive_int(h, "h"), _positive_int(d_ff, "d_ff")
    attn = mha_param_count(d, h)["total"]
    ffn = d * d_ff + d_ff + d_ff * d + d
    ln = 2 * (2 * d)
    return {"attn": attn, "ffn": ffn, "ln": ln, "total": attn + ffn + ln}


def transformer_block_param_count_loops(d, h, d_ff):
    """Check of transformer_block_param_count: allocate every array of the block, add sizes."""
    d, h, d_ff = _positive_int(d, "d"), _positive_int(h, "h"), _positive_int(d_ff, "d_ff")
    dk = d // h
    attn = []
    for _ in range(h):
        for _ in ("Q", "K", "V"):
            attn += [np.zeros((d, dk)), np.zeros(dk)]
    attn += [np.zeros((d, d)), np.zeros(d)]
    ffn = [np.zeros((d, d_ff)), np.zeros(d_ff), np.zeros((d_ff, d)), np.zeros(d)]
    ln = [np.ones(d), np.zeros(d), np.ones(d), np.zeros(d)]
    sizes = [sum(a.size for a in group) for group in (attn, ffn, ln)]
    return {"attn": sizes[0], "ffn": sizes[1], "ln": sizes[2], "total": sum(sizes)}


# --------------------------------------------------------------------------
# sinusoidal positional encodings
# --------------------------------------------------------------------------


def sinusoidal_pe(n_pos, d):
    """The n_pos x d sinusoidal encodings: sin(p/10000^(2i/d)) in column 2i, cos in 2i+1."""
    n_pos, d = _positive_int(n_pos, "n_pos"), _positive_int(d, "d")
    if d % 2:
        raise ValueError(f"the width d must be even, got {d}")
    pos = np.arange(n_pos)[:, None]
    freq = 1.0 / 10000.0 ** (np.arange(0, d, 2) / d)
    pe = np.zeros((n_pos, d))
    pe[:, 0::2] = np.sin(pos * freq)
    pe[:, 1::2] = np.cos(pos * freq)
    return pe


def sinusoidal_pe_loops(n_pos, d):
    """Check of sinusoidal_pe: entry by entry, the frequency as exp(-(2i/d) ln 10000)."""
    rows = []
    for p in range(int(n_pos)):
        row = []
        for j in range(int(d)):
            i = j // 2
            angle = p * math.exp(-(2 * i / d) * math.log(10000.0))
            row.append(math.sin(angle) if j % 2 == 0 else math.cos(angle))
        rows.append(row)
    return np.array(rows)


def pe_dot(p, q, d):
    """PE(p) . PE(q) = sum_i cos((p - q) / 10000^(2i/d)): it depends on p - q only."""
    d = _positive_int(d, "d")
    freq = 1.0 / 10000.0 ** (np.arange(0, d, 2) / d)
    return float(np.sum(np.cos((p - q) * freq)))


def pe_dot_brute(p, q, d):
    """Check of pe_dot: build both encoding vectors entry by entry and multiply them out."""
    total = 0.0
    for j in range(int(d)):
        w = 10000.0 ** (-(2 * (j // 2)) / d)
        f = math.sin if j % 2 == 0 else math.cos
        total += f(p * w) * f(q * w)
    return total


# --------------------------------------------------------------------------
# layer normalisation
# --------------------------------------------------------------------------


def layernorm_forward(X, gamma, beta, eps=0.0):
    """Layer norm of each row over its features: ``{'mu', 'sd', 'Xhat', 'Y'}`` (biased var)."""
    X = _matrix(X, "X")
    mu = X.mean(axis=1)
    sd = np.sqrt(((X - mu[:, None]) ** 2).mean(axis=1) + eps)
    Xhat = (X - mu[:, None]) / sd[:, None]
    return {"mu": mu, "sd": sd, "Xhat": Xhat,
            "Y": np.asarray(gamma, float) * Xhat + np.asarray(beta, float)}


def layernorm_forward_loops(X, gamma, beta, eps=0.0):
    """Check of layernorm_forward: each row's mean, deviation and outputs in explicit loops."""
    X = np.asarray(X, float).tolist()
    mus, sds, xh, ys = [], [], [], []
    for row in X:
        D = len(row)
        mu = sum(row) / D
        sd = math.sqrt(sum((x - mu) ** 2 for x in row) / D + eps)
        h = [(x - mu) / sd for x in row]
        mus.append(mu)
        sds.append(sd)
        xh.append(h)
        ys.append([float(gamma[j]) * h[j] + float(beta[j]) for j in range(D)])
    return {"mu": np.array(mus), "sd": np.array(sds), "Xhat": np.array(xh), "Y": np.array(ys)}


def layernorm_backward(dY, X, gamma, eps=0.0):
    """Layer norm backward: ``{'dX', 'dgamma', 'dbeta', 'dXhat'}`` for upstream dY.

    Per row, with g = dY * gamma: dX = (g - mean(g) - Xhat * mean(g * Xhat)) / sd.
    """
    X, dY = _matrix(X, "X"), _matrix(dY, "dY")
    mu = X.mean(axis=1, keepdims=True)
    sd = np.sqrt(((X - mu) ** 2).mean(axis=1, keepdims=True) + eps)
    Xhat = (X - mu) / sd
    g = dY * np.asarray(gamma, float)
    dX = (g - g.mean(axis=1, keepdims=True)
          - Xhat * (g * Xhat).mean(axis=1, keepdims=True)) / sd
    return {"dX": dX, "dgamma": (dY * Xhat).sum(axis=0), "dbeta": dY.sum(axis=0), "dXhat": g}


def layernorm_backward_loops(dY, X, gamma, eps=0.0):
    """Check of layernorm_backward: the chain rule through every Jacobian entry, in loops.

    dxhat_j/dx_k = (1[j = k] - 1/D)/sd - (x_j - mu)(x_k - mu)/(D sd^3).
    """
    dY, X = np.asarray(dY, float).tolist(), np.asarray(X, float).tolist()
    dX, dgamma, dbeta = [], [0.0] * len(X[0]), [0.0] * len(X[0])
    for row, up in zip(X, dY, strict=True):
        D = len(row)
        mu = sum(row) / D
        sd = math.sqrt(sum((x - mu) ** 2 for x in row) / D + eps)
        out = []
        for k in range(D):
            total = 0.0
            for j in range(D):
                jac = ((1.0 if j == k else 0.0) - 1.0 / D) / sd \
                    - (row[j] - mu) * (row[k] - mu) / (D * sd ** 3)
                total += up[j] * float(gamma[j]) * jac
            out.append(total)
        dX.append(out)
        for j in range(D):
            dgamma[j] += up[j] * (row[j] - mu) / sd
            dbeta[j] += up[j]
    return {"dX": np.array(dX), "dgamma": np.array(dgamma), "dbeta": np.array(dbeta)}
