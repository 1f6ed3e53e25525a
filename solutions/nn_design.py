"""Designing small ReLU networks by hand: piecewise-linear functions, XOR, linear regions.

Conventions:

* A hidden unit is ``relu(w . x + b)``; ``W`` holds one unit per ROW, so the hidden
  layer of an input ``x`` is ``relu(W @ x + b)`` and the output ``v . h + c``.
* A piecewise-linear graph on the line is given by its kinks ``k_1 < ... < k_n`` and
  the slopes ``s_1..s_n`` of the pieces to their right; left of ``k_1`` the function is
  the constant ``f0`` (slope 0).  It is ``f0 + sum_i a_i relu(x - k_i)`` with
  ``a_i = s_i - s_(i-1)`` (``s_0 = 0``): each output weight is a slope CHANGE, and the
  hidden bias ``-k_i`` puts unit i's kink at ``k_i``.
* XOR inputs are enumerated in the order (0, 0), (0, 1), (1, 0), (1, 1); targets are 0/1.
* A linear region of a one-hidden-layer ReLU network is a set of inputs with one
  activation pattern; the hidden units' hyperplanes ``w_i . x + b_i = 0`` cut the input
  space into these regions.

The checks (``*_brute``) search or sample instead of using a formula: a network is
found by enumerating the candidate kinks and fitting the graph on a grid; XOR's output
layer by enumerating weights on a grid of halves; regions by sampling activation
patterns around every vertex of the arrangement.
"""

from fractions import Fraction
from itertools import combinations, product
from math import comb

import numpy as np

__all__ = [
    "relu_net_forward",
    "relu_net_forward_loops",
    "pwl_slope_changes",
    "pwl_graph_slopes",
    "pwl_points_network",
    "pwl_points_network_brute",
    "pwl_relu_value",
    "pwl_relu_value_loops",
    "pwl_relu_network",
    "pwl_relu_network_brute",
    "xor_inputs",
    "xor_hidden",
    "xor_hidden_loops",
    "xor_readout",
    "xor_readout_brute",
    "relu_regions",
    "relu_regions_brute",
    "max_linear_regions",
    "max_linear_regions_brute",
    "xor_two_units_draw",
]


def _vec(a, name):
    a = np.asarray(a, dtype=float)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty vector, got shape {a.shape}")
    return a


def _mat(a, name):
    a = np.asarray(a, dtype=float)
    if a.ndim != 2 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty matrix, got shape {a.shape}")
    return a


# --------------------------------------------------------------------------
# a one-hidden-layer ReLU network
# --------------------------------------------------------------------------


def relu_net_forward(x, W, b, v, c):
    """(z, h, y) of ``y = v . relu(W x + b) + c`` (one hidden unit per row of W)."""
    W, x = _mat(W, "W"), _vec(x, "x")
    if W.shape[1] != x.size:
        raise ValueError(f"W is {W.shape} but x has {x.size} entries")
    z = W @ x + _vec(b, "b")
    h = np.maximum(z, 0.0)
    return z, h, float(_vec(v, "v") @ h + c)


def relu_net_forward_loops(x, W, b, v, c):
    """(z, h, y) of the same network, unit by unit with Python loops."""
    W, x, b, v = _mat(W, "W"), _vec(x, "x"), _vec(b, "b"), _vec(v, "v")
    z, h, y = [], [], float(c)
    for i in range(W.shape[0]):
        s = float(b[i])
        for j in range(W.shape[1]):
            s += float(W[i, j]) * float(x[j])
        z.append(s)
        h.append(s if s > 0 else 0.0)
        y += float(v[i]) * h[-1]
    return np.array(z), np.array(h), y


# --------------------------------------------------------------------------
# piecewise-linear functions as sums of shifted ReLUs
# --------------------------------------------------------------------------


def pwl_slope_changes(slopes):
    """Output weights a_i = s_i - s_(i-1) (s_0 = 0) of f = f0 + sum_i a_i relu(x - k_i)."""
    s = _vec(slopes, "slopes")
    return np.diff(np.concatenate([[0.0], s]))


def pwl_relu_network(kinks, slopes, f0=0.0):
    """(biases, output weights, output bias) of f0 + sum_i a_i relu(x + b_i) for the graph."""
    return -_vec(kinks, "kinks") + 0.0, pwl_slope_changes(slopes), float(f0)


def pwl_graph_slopes(kinks, values, last_slope):
    """Slopes of the pieces right of each kink, from the values f(k_i) and the last slope."""
    k, f = _vec(kinks, "kinks"), _vec(values, "values")
    if k.shape != f.shape or np.any(np.diff(k) <= 0):
        raise ValueError("kinks must increase and match the values one to one")
    return np.concatenate([np.diff(f) / np.diff(k), [float(last_slope)]])


def pwl_points_network(kinks, values, last_slope):
    """(biases, output weights, output bias) for a graph given by its points at the kinks."""
    k, f = _vec(kinks, "kinks"), _vec(values, "values")
    return -k + 0.0, pwl_slope_changes(pwl_graph_slopes(k, f, last_slope)), float(f[0])


def pwl_points_network_brute(kinks, values, last_slope, candidates=None):
    """(biases, output weights, output bias) found by search: the graph through the points.

    The graph (constant left of the first kink, straight between the given points,
    the last slope after the last one) is drawn on a grid by interpolation in loops;
    every set of candidate biases is tried and fitted by least squares.
    """
    k = [float(v) for v in kinks]
    f = [float(v) for v in values]
    xs = np.arange((min(k) - 3) * 4, (max(k) + 3) * 4 + 1) / 4.0
    target = []
    for x in xs:
        if x <= k[0]:
            target.append(f[0])
        elif x >= k[-1]:
            target.append(f[-1] + float(last_slope) * (x - k[-1]))
        else:
            i = max(j for j in range(len(k)) if k[j] <= x)
            t = (x - k[i]) / (k[i + 1] - k[i])
            target.append(f[i] + t * (f[i + 1] - f[i]))
    target = np.array(target)
    if candidates is None:
        candidates = range(-int(max(k)) - 2, -int(min(k)) + 3)
    found = []
    for bs in combinations(sorted(candidates, reverse=True), len(k)):
        feats = np.column_stack([np.maximum(xs + b, 0.0) for b in bs] + [np.ones_like(xs)])
        coef = np.linalg.lstsq(feats, target, rcond=None)[0]
        if np.max(np.abs(feats @ coef - target)) < 1e-9:
            coef = np.round(coef, 9) + 0.0
            found.append((np.array(bs, dtype=float), coef[:-1], float(coef[-1])))
    if len(found) != 1:
        raise ValueError(f"{len(found)} networks with these candidate biases draw the graph")
    return found[0]


def pwl_relu_value(x, kinks, a, f0=0.0):
    """f(x) = f0 + sum_i a_i relu(x - k_i) at a point or an array of points."""
    k, a = _vec(kinks, "kinks"), _vec(a, "a")
    x = np.asarray(x, dtype=float)
    out = f0 + np.maximum(x[..., None] - k, 0.0) @ a
    return float(out) if out.ndim == 0 else out


def pwl_relu_value_loops(x, kinks, slopes, f0=0.0):
    """f(x) of the graph itself (f0 left of k_1, then the given slopes), piece by piece."""
    return float(_graph_on_grid([float(k) for k in kinks], [float(s) for s in slopes],
                                f0, [float(x)])[0])


def _graph_on_grid(kinks, slopes, f0, xs):
    """The graph (constant f0 left of k_1, then the given slopes) at xs, piece by piece."""
    out = []
    for x in xs:
        y = float(f0)
        for i, k in enumerate(kinks):
            right = kinks[i + 1] if i + 1 < len(kinks) else None
            if x <= k:
                break
            end = x if right is None or x < right else right
            y += float(slopes[i]) * (end - k)
        out.append(y)
    return np.array(out)


def pwl_relu_network_brute(kinks, slopes, f0=0.0, candidates=None):
    """(biases, output weights, output bias) of the network, found by search and a fit.

    Every set of candidate biases (units relu(x + b_i)) is tried, and the graph is
    fitted on a grid by least squares; exactly one set must draw it.
    """
    kinks = [float(k) for k in kinks]
    slopes = [float(s) for s in slopes]
    n = len(kinks)
    if candidates is None:
        candidates = range(-int(max(kinks)) - 2, -int(min(kinks)) + 3)
    lo, hi = min(kinks) - 3, max(kinks) + 3
    xs = np.arange(lo * 4, hi * 4 + 1) / 4.0
    target = _graph_on_grid(kinks, slopes, f0, xs)
    best = None
    for bs in combinations(sorted(candidates, reverse=True), n):
        feats = np.column_stack([np.maximum(xs + b, 0.0) for b in bs] + [np.ones_like(xs)])
        coef = np.linalg.lstsq(feats, target, rcond=None)[0]
        if np.max(np.abs(feats @ coef - target)) < 1e-9:
            if best is not None:
                raise ValueError("two different networks draw the graph")
            coef = np.round(coef, 9) + 0.0
            best = (np.array(bs, dtype=float), coef[:n], float(coef[n]))
    if best is None:
        raise ValueError("no network with these candidate biases draws the graph")
    return best


# --------------------------------------------------------------------------
# XOR with two hidden ReLU units
# --------------------------------------------------------------------------


def xor_inputs():
    """The four Boolean inputs in the order (0, 0), (0, 1), (1, 0), (1, 1), as rows."""
    return np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def xor_hidden(W, b):
    """The 4 x 2 hidden activations relu(X W^T + b), one row per Boolean input."""
    return np.maximum(xor_inputs() @ _mat(W, "W").T + _vec(b, "b"), 0.0)


def xor_hidden_loops(W, b):
    """The same hidden activations, input by input and unit by unit."""
    W, b = _mat(W, "W"), _vec(b, "b")
    rows = []
    for x1, x2 in [(0, 0), (0, 1), (1, 0), (1, 1)]:
        rows.append([max(0.0, W[j, 0] * x1 + W[j, 1] * x2 + b[j]) for j in range(W.shape[0])])
    return np.array(rows)


def xor_readout(H, targets=(0, 1, 1, 0)):
    """(v, c) with H v + c = targets on the four inputs (least squares; exact if it exists)."""
    H = _mat(H, "H")
    A = np.column_stack([H, np.ones(H.shape[0])])
    coef = np.round(np.linalg.lstsq(A, np.asarray(targets, dtype=float), rcond=None)[0], 12)
    return coef[:-1] + 0.0, float(coef[-1]) + 0.0


def xor_readout_brute(W, b, targets=(0, 1, 1, 0), grid=None):
    """(v, c) found by trying every output layer with entries on a grid of halves.

    The grid is halves in [-4, 4]; an error unless exactly one computes the targets.
    """
    W, b = _mat(W, "W"), _vec(b, "b")
    if grid is None:
        grid = [i / 2 for i in range(-8, 9)]
    rows = []
    for x1, x2 in [(0, 0), (0, 1), (1, 0), (1, 1)]:
        rows.append([max(0.0, W[j, 0] * x1 + W[j, 1] * x2 + b[j]) for j in range(2)])
    # every (v1, v2, c) on the grid at once: one row per candidate output layer
    cand = np.array(list(product(grid, grid, grid)))
    outs = np.column_stack([cand[:, 0] * h1 + cand[:, 1] * h2 + cand[:, 2] for h1, h2 in rows])
    ok = np.all(np.abs(outs - np.asarray(targets, dtype=float)) < 1e-9, axis=1)
    found = [(np.array(c[:2]), float(c[2])) for c in cand[ok]]
    if len(found) != 1:
        raise ValueError(f"{len(found)} output layers on the grid compute the targets")
    return found[0]


# --------------------------------------------------------------------------
# counting linear regions
# --------------------------------------------------------------------------


def max_linear_regions(n, d):
    """Most regions n hyperplanes in general position cut R^d into: sum_{i<=d} C(n, i)."""
    if n < 0 or d < 1:
        raise ValueError("need n >= 0 hyperplanes in d >= 1 dimensions")
    return int(sum(comb(int(n), i) for i in range(int(d) + 1)))


def relu_regions(W, b):
    """Regions the units' hyperplanes W x + b = 0 cut R^1 or R^2 into (exact fractions).

    In 2-D the lines are added one at a time: each adds 1 + its new distinct crossings.
    """
    W, b = _mat(W, "W"), _vec(b, "b")
    if W.shape[1] == 1:
        kinks = {Fraction(-int(bi)) / Fraction(int(wi)) for wi, bi in zip(W[:, 0], b, strict=True)}
        return 1 + len(kinks)
    if W.shape[1] != 2:
        raise ValueError("only 1-D or 2-D inputs")
    lines = _distinct_lines(W, b)
    regions = 1
    for i, (a1, b1, c1) in enumerate(lines):
        points = set()
        for a2, b2, c2 in lines[:i]:
            det = a1 * b2 - a2 * b1
            if det != 0:
                points.add(((-c1 * b2 + c2 * b1) / det, (-a1 * c2 + a2 * c1) / det))
        regions += 1 + len(points)
    return regions


def _distinct_lines(W, b):
    """The distinct lines a x + b y + c = 0 as exact fractions (scaled duplicates merged)."""
    out = []
    for (a, bb), c in zip(W, b, strict=True):
        a, bb, c = Fraction(int(a)), Fraction(int(bb)), Fraction(int(c))
        if a == 0 and bb == 0:
            raise ValueError("a unit with zero weights has no hyperplane")
        lead = a if a != 0 else bb
        line = (a / lead, bb / lead, c / lead)
        if line not in out:
            out.append(line)
    return out


def relu_regions_brute(W, b, eps=1e-4):
    """Regions counted as distinct activation patterns, sampled near every crossing.

    Points are taken around every crossing of two hyperplanes, on both sides of every
    line (near and far along it), instead of counting by a formula.
    """
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    n, d = W.shape
    points = []
    if d == 1:
        for i in range(n):
            k = -b[i] / W[i, 0]
            points += [[k - eps], [k + eps]]
        points += [[-1e6], [1e6]]
    else:
        for i in range(n):
            direction = np.array([-W[i, 1], W[i, 0]]) / np.hypot(W[i, 0], W[i, 1])
            foot = -b[i] * W[i] / (W[i] @ W[i])
            for t in (-1e5, 1e5):
                for side in (-eps, eps):
                    points.append(foot + t * direction + side * W[i] / np.hypot(*W[i]))
            for j in range(i):
                A = np.array([W[i], W[j]])
                if abs(np.linalg.det(A)) < 1e-12:
                    continue
                p = np.linalg.solve(A, -np.array([b[i], b[j]]))
                for ang in np.arange(16) * np.pi / 8 + np.pi / 16:
                    points.append(p + eps * np.array([np.cos(ang), np.sin(ang)]))
        points.append(np.zeros(2))
    patterns = set()
    for p in points:
        patterns.add(tuple(bool(W[i] @ np.asarray(p) + b[i] > 0) for i in range(n)))
    return len(patterns)


def max_linear_regions_brute(n, d):
    """The general-position count, by building n such hyperplanes and sampling patterns.

    Tangents to a circle at distinct angles in 2-D, distinct kinks in 1-D.
    """
    n, d = int(n), int(d)
    if d == 1:
        W, b = np.ones((n, 1)), -np.arange(n, dtype=float)
    elif d == 2:
        ang = np.arange(n) * 0.7 + 0.3
        W = np.column_stack([np.cos(ang), np.sin(ang)])
        b = -np.ones(n)
    else:
        raise ValueError("only d = 1 or 2")
    if n == 0:
        return 1
    pts = _sample_points(W, b)
    return len({tuple(bool(r) for r in row) for row in (pts @ W.T + b > 0)})


def _sample_points(W, b, eps=1e-4):
    """Points near every crossing and every hyperplane of an arrangement, and far away."""
    n, d = W.shape
    out = [np.full(d, -1e6), np.full(d, 1e6), np.zeros(d)]
    for i in range(n):
        foot = -b[i] * W[i] / (W[i] @ W[i])
        for s in (-eps, eps):
            out.append(foot + s * W[i])
            if d == 2:
                dirn = np.array([-W[i, 1], W[i, 0]])
                out += [foot + s * W[i] + 1e5 * dirn, foot + s * W[i] - 1e5 * dirn]
        if d == 2:
            for j in range(i):
                p = np.linalg.solve(np.array([W[i], W[j]]), -np.array([b[i], b[j]]))
                for ang in np.arange(16) * np.pi / 8 + np.pi / 16:
                    out.append(p + eps * np.array([np.cos(ang), np.sin(ang)]))
    return np.array(out)


# --------------------------------------------------------------------------
# parameter generator: draw nn-xor-two-units' numbers so its constraints hold
# (the family's YAML constraints still check every variant)
# --------------------------------------------------------------------------


def _xor_two_units_ok(W, b, pt):
    """nn-xor-two-units' constraints for hidden weights W, biases b and the new point pt."""
    # a quick integer test first: the four hidden points span a plane (not all on a line)
    pts = [[max(0, int(W[j, 0]) * x1 + int(W[j, 1]) * x2 + int(b[j])) for j in range(2)]
           for x1, x2 in ((0, 0), (0, 1), (1, 0), (1, 1))]
    d = [(p[0] - pts[0][0], p[1] - pts[0][1]) for p in pts[1:]]
    if all(u[0] * w[1] - u[1] * w[0] == 0 for u in d for w in d):
        return False
    # and some output layer computes XOR exactly: [H, 1, targets] is singular
    M = [[p[0], p[1], 1, t] for p, t in zip(pts, (0, 1, 1, 0), strict=True)]
    if round(np.linalg.det(M)) != 0:
        return False
    H = xor_hidden(W, b)
    if np.linalg.matrix_rank(H - H.mean(0)) != 2:
        return False
    v, c = xor_readout(H)
    zp = W @ np.asarray(pt) + b
    return bool(
        np.allclose(H @ v + c, [0, 1, 1, 0])
        and np.allclose(2 * v, np.round(2 * v)) and np.allclose(2 * c, np.round(2 * c))
        and np.max(np.abs(v)) <= 4 and abs(c) <= 4 and v[0] != v[1] and c != 0.5
        and np.any(xor_hidden(W.T, b) != H)
        and np.any(np.maximum(xor_inputs() @ W.T, 0) != H)
        and np.any(zp < 0) and v @ zp != v @ np.maximum(zp, 0))


def xor_two_units_draw(rng, params):
    """Draws W (2 x 2, entries -2..2) and b (entries -3..2) of nn-xor-two-units.

    They are redrawn until the two ReLU units can compute XOR with a unique hand-sized
    output layer and the family's other constraints hold at its new point ``params["pt"]``.
    The last draw is returned if none fits: the YAML constraints decide.
    """
    def draw():
        W = np.array([[rng.integer(-2, 2) for _ in range(2)] for _ in range(2)], dtype=np.int64)
        return W, np.array([rng.integer(-3, 2) for _ in range(2)], dtype=np.int64)

    W, b = draw()
    for _ in range(3000):
        if _xor_two_units_ok(W, b, params["pt"]):
            break
        W, b = draw()
    return {"W": W, "b": b}


xor_two_units_draw.provides = ("W", "b")
