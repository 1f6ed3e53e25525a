"""Probability and information: Bayes' rule, estimators, entropy, cross-entropy, KL and
mutual information (NumPy only).

Conventions:

* Distributions are vectors of probabilities (summing to 1); a joint table ``P`` has
  X along the ROWS and Y along the COLUMNS, ``P[i, j] = P(X = i, Y = j)``.
* Entropies are in base ``base`` (2 = bits by default; ``math.e`` = nats), with
  ``0 log 0 = 0``. ``H(p, q) = -sum p log q`` (cross-entropy),
  ``KL(p || q) = sum p log(p / q)``, ``H(Y | X) = sum_x p(x) H(Y | X = x)``,
  ``I(X; Y) = H(Y) - H(Y | X)``.
* Bayes' rule with a test: a condition D of prior ``prior``, a test positive with
  probability ``sens`` given D and ``fpr`` given not-D; repeated tests are
  conditionally independent given the state.
* Estimators from an i.i.d. sample of size n of a discrete distribution (values,
  probabilities): the sample mean, the BIASED variance (1/n) sum (x_i - x_bar)^2 and a
  shrunk mean c * x_bar; bias, variance and MSE are exact expectations over all samples.

Functions named ``*_loops`` / ``*_brute`` recompute the same quantities by explicit
loops or another route (enumerating outcomes with exact fractions); they exist to
verify the others.
"""

import itertools
import math
from fractions import Fraction

import numpy as np

__all__ = [
    "prob_test_posterior",
    "prob_entropy",
    "prob_cross_entropy",
    "prob_kl",
    "prob_marginals",
    "prob_joint_entropy",
    "prob_conditional_entropy",
    "prob_mutual_information",
    "prob_estimator_moments",
    "prob_test_posterior_brute",
    "prob_entropy_loops",
    "prob_cross_entropy_loops",
    "prob_kl_loops",
    "prob_joint_entropy_loops",
    "prob_conditional_entropy_loops",
    "prob_mutual_information_loops",
    "prob_estimator_moments_brute",
]


def _dist(p, name="p"):
    p = np.asarray(p, dtype=float).reshape(-1)
    if p.size == 0 or np.any(p < 0) or abs(p.sum() - 1) > 1e-9:
        raise ValueError(f"{name} must be probabilities summing to 1, got {p.tolist()}")
    return p


def _joint(P):
    P = np.asarray(P, dtype=float)
    if P.ndim != 2 or np.any(P < 0) or abs(P.sum() - 1) > 1e-9:
        raise ValueError(f"P must be a 2-D table of probabilities summing to 1, got {P}")
    return P


def prob_test_posterior(prior, sens, fpr, positives=1):
    """(P(all positive), P(D | all positive)) after `positives` independent positive tests."""
    like_d, like_h = sens**positives, fpr**positives
    evidence = prior * like_d + (1 - prior) * like_h
    return evidence, prior * like_d / evidence


def prob_entropy(p, base=2):
    """Entropy H(p) = -sum p log p in base `base` (0 log 0 = 0)."""
    p = _dist(p)
    nz = p[p > 0]
    return float(-np.sum(nz * np.log(nz)) / np.log(base))


def prob_cross_entropy(p, q, base=2):
    """Cross-entropy H(p, q) = -sum p log q (infinite if q = 0 where p > 0)."""
    p, q = _dist(p), _dist(q, "q")
    if p.shape != q.shape:
        raise ValueError(f"p and q have different lengths: {p.size} and {q.size}")
    if np.any((q == 0) & (p > 0)):
        return math.inf
    m = p > 0
    return float(-np.sum(p[m] * np.log(q[m])) / np.log(base))


def prob_kl(p, q, base=2):
    """KL divergence KL(p || q) = sum p log(p / q) = H(p, q) - H(p)."""
    return prob_cross_entropy(p, q, base) - prob_entropy(p, base)


def prob_marginals(P):
    """Marginals (p(x) = row sums, p(y) = column sums) of a joint table P[x, y]."""
    P = _joint(P)
    return P.sum(axis=1), P.sum(axis=0)


def prob_joint_entropy(P, base=2):
    """Joint entropy H(X, Y) of a joint table P[x, y]."""
    return prob_entropy(_joint(P).reshape(-1), base)


def prob_conditional_entropy(P, base=2):
    """H(Y | X) = H(X, Y) - H(X) for a joint table with X along the rows."""
    px, _ = prob_marginals(P)
    return prob_joint_entropy(P, base) - prob_entropy(px, base)


def prob_mutual_information(P, base=2):
    """I(X; Y) = H(X) + H(Y) - H(X, Y) of a joint table P[x, y]."""
    px, py = prob_marginals(P)
    return prob_entropy(px, base) + prob_entropy(py, base) - prob_joint_entropy(P, base)


def prob_estimator_moments(values, probs, n, c=1.0):
    """Exact moments of the sample mean, the 1/n variance and c * x_bar (sample size n).

    A dict: mu, var (population), var_mean (of x_bar), e_biased (E of the 1/n variance),
    bias_biased, and bias_c, var_c, mse_c of the shrunk mean c * x_bar.
    """
    v = np.asarray(values, dtype=float)
    p = _dist(probs, "probs")
    mu = float(p @ v)
    var = float(p @ (v - mu) ** 2)
    bias_c = (c - 1) * mu
    var_c = c**2 * var / n
    return {"mu": mu, "var": var, "var_mean": var / n, "e_biased": (n - 1) / n * var,
            "bias_biased": -var / n, "bias_c": bias_c, "var_c": var_c,
            "mse_c": bias_c**2 + var_c}


# --------------------------------------------------------------------------
# checks: enumeration with exact fractions, explicit loops
# --------------------------------------------------------------------------


def prob_test_posterior_brute(prior, sens, fpr, positives=1):
    """`prob_test_posterior` by enumerating (state, results) outcomes with exact fractions.

    Conditioning on all tests positive keeps the matching outcomes.
    """
    fr = [Fraction(str(v)) for v in (prior, sens, fpr)]
    prior_f, sens_f, fpr_f = fr
    kept_total = Fraction(0)
    kept_d = Fraction(0)
    for state in (True, False):
        p_state = prior_f if state else 1 - prior_f
        p_pos = sens_f if state else fpr_f
        for results in itertools.product((True, False), repeat=positives):
            weight = p_state
            for r in results:
                weight *= p_pos if r else 1 - p_pos
            if all(results):
                kept_total += weight
                if state:
                    kept_d += weight
    return float(kept_total), float(kept_d / kept_total)


def prob_entropy_loops(p, base=2):
    """Entropy by an explicit loop: the expected surprise sum_i p_i log_base(1/p_i)."""
    total = 0.0
    for pi in p:
        pi = float(pi)
        if pi > 0:
            total += pi * math.log(1 / pi, base)
    return total


def prob_cross_entropy_loops(p, q, base=2):
    """Cross-entropy by an explicit loop: the expected surprise under q, weighted by p."""
    total = 0.0
    for pi, qi in zip(p, q, strict=True):
        if float(pi) > 0:
            if float(qi) == 0:
                return math.inf
            total += float(pi) * math.log(1 / float(qi), base)
    return total


def prob_kl_loops(p, q, base=2):
    """KL(p || q) by an explicit loop over sum_i p_i log_base(p_i / q_i)."""
    total = 0.0
    for pi, qi in zip(p, q, strict=True):
        if float(pi) > 0:
            if float(qi) == 0:
                return math.inf
            total += float(pi) * math.log(float(pi) / float(qi), base)
    return total


def prob_joint_entropy_loops(P, base=2):
    """H(X, Y) by loops over the cells: sum p(x, y) log_base(1 / p(x, y))."""
    total = 0.0
    for row in P:
        for v in row:
            if float(v) > 0:
                total += float(v) * math.log(1 / float(v), base)
    return total


def prob_conditional_entropy_loops(P, base=2):
    """H(Y | X) as the p(x)-weighted average of the entropies of the rows P(Y | X = x)."""
    total = 0.0
    for row in P:
        px = sum(float(v) for v in row)
        if px == 0:
            continue
        h_row = 0.0
        for v in row:
            if float(v) > 0:
                cond = float(v) / px
                h_row -= cond * math.log(cond, base)
        total += px * h_row
    return total


def prob_mutual_information_loops(P, base=2):
    """I(X; Y) as KL(p(x, y) || p(x) p(y)), summed cell by cell."""
    rows = [sum(float(v) for v in row) for row in P]
    cols = [sum(float(P[i][j]) for i in range(len(P))) for j in range(len(P[0]))]
    total = 0.0
    for i, row in enumerate(P):
        for j, v in enumerate(row):
            if float(v) > 0:
                total += float(v) * math.log(float(v) / (rows[i] * cols[j]), base)
    return total


def prob_estimator_moments_brute(values, probs, n, c=1.0):
    """`prob_estimator_moments` by averaging over all len(values)^n samples, exactly.

    The averages are taken with exact fractions.
    """
    vals = [Fraction(str(float(v))) for v in values]
    ps = [Fraction(str(float(p))) for p in probs]
    c = Fraction(str(float(c)))
    mu = sum(p * v for p, v in zip(ps, vals, strict=True))
    var = sum(p * (v - mu) ** 2 for p, v in zip(ps, vals, strict=True))
    e_mean = e_mean2 = e_biased = e_shrunk = e_shrunk_err2 = Fraction(0)
    for idx in itertools.product(range(len(vals)), repeat=n):
        w = Fraction(1)
        for i in idx:
            w *= ps[i]
        xs = [vals[i] for i in idx]
        xbar = sum(xs) / n
        e_mean += w * xbar
        e_mean2 += w * xbar**2
        e_biased += w * sum((x - xbar) ** 2 for x in xs) / n
        e_shrunk += w * c * xbar
        e_shrunk_err2 += w * (c * xbar - mu) ** 2
    var_c = e_shrunk_err2 - (e_shrunk - mu) ** 2
    out = {"mu": e_mean, "var": var, "var_mean": e_mean2 - e_mean**2, "e_biased": e_biased,
           "bias_biased": e_biased - var, "bias_c": e_shrunk - mu, "var_c": var_c,
           "mse_c": e_shrunk_err2}
    return {k: float(v) for k, v in out.items()}
