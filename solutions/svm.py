"""Support vector machines: margins, slacks, the primal objective, kernels (NumPy only).

Conventions:

* Data are stored **as rows**: ``X`` is ``(N, D)``; labels ``y`` are ``+1`` / ``-1``.
  The decision function is ``f(x) = w . x + b``.
* The functional margin of example i is ``m_i = y_i (w . x_i + b)``; its slack (its
  hinge loss) is ``xi_i = max(0, 1 - m_i)``. A point with ``m_i <= 1`` is a support
  vector of the soft-margin SVM; one with ``m_i < 1`` violates the margin (a point
  exactly on the margin, ``m_i = 1``, does not).
* The primal objective is ``J(w, b) = (1/2) ||w||^2 + C sum_i max(0, 1 - m_i)``: the
  regulariser carries the 1/2 and C multiplies the SUMMED hinge. Its subgradient takes
  the hinge's derivative at the kink (``m_i = 1``) as 0.
* The polynomial kernel is ``K(x, z) = (x . z + c)^p``.

Checks (``*_loops``, ``*_brute``) recompute by another route: the geometry of the line
instead of ``2/||w||``, explicit loops, an enumeration of active sets for the hard-margin
SVM, an explicit feature map for the kernel. They never call the references.
"""

import itertools
import math

import numpy as np

__all__ = [
    "svm_margin_width",
    "svm_margin_width_brute",
    "svm_signed_distance",
    "svm_signed_distance_brute",
    "svm_functional_margins",
    "svm_functional_margins_loops",
    "svm_slacks",
    "svm_slacks_loops",
    "svm_primal_objective",
    "svm_primal_objective_loops",
    "svm_primal_subgradient",
    "svm_primal_subgradient_loops",
    "svm_two_point",
    "svm_hard_margin",
    "svm_pair_decides",
    "svm_hard_margin_brute",
    "svm_poly_kernel",
    "svm_kernel_decision",
    "svm_kernel_decision_brute",
    "svm_kernel_bias",
    "svm_kernel_bias_brute",
    "svm_kernel_pair",
    "svm_letters",
    "svm_points_text",
    "svm_hinge_steps",
]


def _vec(v, name="w"):
    v = np.asarray(v, dtype=float)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"{name} must be a non-empty vector, got shape {v.shape}")
    return v


def _data(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.size == 0:
        raise ValueError(f"X must be a non-empty (N, D) matrix, got shape {X.shape}")
    if y.shape != (X.shape[0],) or not np.all((y == 1) | (y == -1)):
        raise ValueError(f"y must hold {X.shape[0]} labels, each +1 or -1, got {y!r}")
    return X, y.astype(float)


def _nonzero(w):
    w = _vec(w)
    if not np.any(w != 0):
        raise ValueError("w must not be the zero vector (no hyperplane)")
    return w


def svm_letters(mask, names="ABCDEFGH"):
    """The letters of the True entries of a mask as text, ``"A, C"``, or ``"none"``."""
    picked = [names[i] for i, v in enumerate(np.asarray(mask).tolist()) if v]
    return ", ".join(picked) if picked else "none"


def _num(v):
    v = float(v)
    return str(int(v)) if v.is_integer() else f"{v:g}"


def _sign_label(v):
    return "+1" if v > 0 else "-1"


def svm_points_text(X, y):
    """Lines ``x1 = [1, 2],  y1 = +1`` for the rows of X and their labels."""
    rows = np.asarray(X).tolist()
    return "\n".join(f"x{i + 1} = [{', '.join(_num(v) for v in row)}],  y{i + 1} = "
                     f"{_sign_label(lab)}" for i, (row, lab) in
                     enumerate(zip(rows, np.asarray(y).tolist(), strict=True)))


def svm_hinge_steps(X, y, w, b):
    """Lines ``x1: f = 3, y f = -3, hinge = 4`` working out each point's hinge loss."""
    X, yf = _data(X, y)
    f = X @ _vec(w) + b
    out = []
    for i in range(X.shape[0]):
        m = yf[i] * f[i]
        out.append(f"x{i + 1}: f = {_num(f[i])}, y f = {_num(m)}, "
                   f"hinge = max(0, 1 - ({_num(m)})) = {_num(max(0.0, 1 - m))}")
    return "\n".join(out)


# --------------------------------------------------------------------------
# geometry of a linear SVM
# --------------------------------------------------------------------------


def svm_margin_width(w):
    """The width 2/||w|| of the band between the hyperplanes w . x + b = +1 and -1."""
    return 2.0 / float(np.linalg.norm(_nonzero(w)))


def svm_signed_distance(w, b, x):
    """Signed distance (w . x + b)/||w|| of x from the hyperplane w . x + b = 0."""
    w = _nonzero(w)
    return float((w @ _vec(x, "x") + b) / np.linalg.norm(w))


def svm_functional_margins(X, y, w, b):
    """Functional margins y_i (w . x_i + b) of the rows of X (N,)."""
    X, y = _data(X, y)
    return y * (X @ _vec(w) + b)


def svm_slacks(X, y, w, b):
    """Slacks (hinge losses) max(0, 1 - y_i (w . x_i + b)) of the rows of X (N,)."""
    return np.maximum(0.0, 1.0 - svm_functional_margins(X, y, w, b))


def svm_primal_objective(X, y, w, b, C):
    """Soft-margin primal J = (1/2)||w||^2 + C sum_i max(0, 1 - y_i (w . x_i + b))."""
    w = _vec(w)
    return float(0.5 * w @ w + C * np.sum(svm_slacks(X, y, w, b)))


def svm_primal_subgradient(X, y, w, b, C):
    """Subgradient (dJ/dw, dJ/db) of the primal; a point with margin exactly 1 adds 0.

    dJ/dw = w - C sum_{m_i < 1} y_i x_i and dJ/db = -C sum_{m_i < 1} y_i.
    """
    X, yf = _data(X, y)
    w = _vec(w)
    active = svm_functional_margins(X, y, w, b) < 1
    gw = w - C * (yf * active) @ X
    gb = -C * float(np.sum(yf * active))
    return gw, gb


def svm_two_point(xp, xm):
    """Max-margin (w, b) for one +1 point xp and one -1 point xm: w = 2 d/||d||^2, d = xp - xm.

    The hyperplane is the perpendicular bisector of the segment, and each point is on
    its margin: w . xp + b = 1, w . xm + b = -1.
    """
    xp, xm = _vec(xp, "xp"), _vec(xm, "xm")
    d = xp - xm
    if not np.any(d != 0):
        raise ValueError("the two points coincide")
    w = 2.0 * d / float(d @ d)
    b = -float(w @ (xp + xm)) / 2.0
    return w, b


def svm_hard_margin(X, y):
    """Hard-margin SVM (w, b, (i, j)) when the closest opposite pair i (+1), j (-1) decides it.

    The max-margin solution of the pair (``svm_two_point``) is the solution for the whole
    set when every other point lies on or beyond its margin (a relaxation argument);
    raises ``ValueError`` otherwise.
    """
    X, yf = _data(X, y)
    pos, neg = np.flatnonzero(yf > 0), np.flatnonzero(yf < 0)
    if pos.size == 0 or neg.size == 0:
        raise ValueError("both classes must occur")
    d2 = ((X[pos][:, None, :] - X[neg][None, :, :]) ** 2).sum(-1)
    a, c = np.unravel_index(np.argmin(d2), d2.shape)
    i, j = int(pos[a]), int(neg[c])
    w, b = svm_two_point(X[i], X[j])
    if np.any(yf * (X @ w + b) < 1 - 1e-9):
        raise ValueError("the closest opposite pair alone does not decide the SVM")
    return w, b, (i, j)


def svm_pair_decides(X, y, strict=True):
    """Whether the closest opposite pair alone decides the hard-margin SVM of (X, y).

    With ``strict`` (the default) every other point must lie strictly beyond its margin,
    so that the pair are the only support vectors.
    """
    X, yf = _data(X, y)
    try:
        w, b, (i, j) = svm_hard_margin(X, y)
    except ValueError:
        return False
    m = yf * (X @ w + b)
    others = np.delete(m, [i, j])
    return bool(np.all(others > 1 + 1e-9) if strict else np.all(others >= 1 - 1e-9))


# --------------------------------------------------------------------------
# kernel SVM
# --------------------------------------------------------------------------


def svm_poly_kernel(x, z, c=1, p=2):
    """Polynomial kernel (x . z + c)^p of two vectors."""
    return float((_vec(x, "x") @ _vec(z, "z") + c) ** p)


def svm_kernel_decision(Xs, ys, alphas, b, x, c=1, p=2):
    """Kernel SVM decision value f(x) = sum_i alpha_i y_i K(x_i, x) + b, polynomial K."""
    Xs, ys = _data(Xs, ys)
    alphas = _vec(alphas, "alphas")
    k = (Xs @ _vec(x, "x") + c) ** p
    return float(np.sum(alphas * ys * k) + b)


def svm_kernel_bias(Xs, ys, alphas, s, c=1, p=2):
    """The bias from support vector s: b = y_s - sum_i alpha_i y_i K(x_i, x_s)."""
    Xs, ys = _data(Xs, ys)
    alphas = _vec(alphas, "alphas")
    k = (Xs @ Xs[s] + c) ** p
    return float(ys[s] - np.sum(alphas * ys * k))


def svm_kernel_pair(X, y, c=1, p=2):
    """Kernel hard-margin SVM decided by one pair: a dict ``ok, alphas, b, s, t``.

    The closest opposite pair in feature space, D2 = K_ii + K_jj - 2 K_ij, gets
    alpha = 2 / D2 each (all other alphas 0) and b = 1 - alpha (K_ii - K_ji) from the +1
    point i (``s``; ``t`` is the -1 point j). ``ok`` says whether every other point has
    y f(x) > 1 strictly (then this is the SVM of the whole set, by the relaxation
    argument) and the closest pair is unique.
    """
    none = {"ok": False, "alphas": np.zeros(len(y)), "b": 0.0, "s": 0, "t": 1}
    X, yf = _data(X, y)
    K = (X @ X.T + c) ** p
    best = None
    for i in np.flatnonzero(yf > 0):
        for j in np.flatnonzero(yf < 0):
            d2 = K[i, i] + K[j, j] - 2 * K[i, j]
            if d2 > 1e-12 and (best is None or d2 < best[0] - 1e-12):
                best = (d2, int(i), int(j))
            elif best is not None and abs(d2 - best[0]) <= 1e-12:
                best = (d2, -1, -1)  # a tie: no single pair
    if best is None or best[1] < 0:
        return none
    d2, i, j = best
    alphas = np.zeros(X.shape[0])
    alphas[[i, j]] = 2.0 / d2
    b = 1.0 - alphas[i] * (K[i, i] - K[j, i])
    f = (alphas * yf) @ K + b
    others = np.delete(yf * f, [i, j])
    if not np.all(others > 1 + 1e-9):
        return none
    return {"ok": True, "alphas": alphas, "b": float(b), "s": i, "t": j}


# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------


def _line_distance(w, b, x):
    """Signed distance of x from {z : w . z = -b} by projecting onto the line (2-D only)."""
    w1, w2 = float(w[0]), float(w[1])
    # a point z0 of the line and a direction u along it
    z0 = (-b / w1, 0.0) if w1 != 0 else (0.0, -b / w2)
    u = (-w2, w1)
    uu = u[0] ** 2 + u[1] ** 2
    t = ((x[0] - z0[0]) * u[0] + (x[1] - z0[1]) * u[1]) / uu
    foot = (z0[0] + t * u[0], z0[1] + t * u[1])
    dist = math.hypot(x[0] - foot[0], x[1] - foot[1])
    side = w1 * x[0] + w2 * x[1] + b
    return dist if side >= 0 else -dist


def svm_margin_width_brute(w, b=0):
    """Check of ``svm_margin_width`` in 2-D: the distance between the lines w.z + b = +-1."""
    w1, w2 = float(w[0]), float(w[1])
    # a point on w . z + b = 1, then its distance from the line w . z + (b + 1) = 0
    p = ((1 - b) / w1, 0.0) if w1 != 0 else (0.0, (1 - b) / w2)
    return abs(_line_distance((w1, w2), b + 1, p))


def svm_signed_distance_brute(w, b, x):
    """Check of ``svm_signed_distance`` in 2-D: the foot of the perpendicular on the line."""
    return _line_distance([float(v) for v in w], float(b), [float(v) for v in x])


def svm_functional_margins_loops(X, y, w, b):
    """Check of ``svm_functional_margins``: each y_i (w . x_i + b) with Python numbers."""
    out = []
    for row, label in zip(np.asarray(X).tolist(), np.asarray(y).tolist(), strict=True):
        score = float(b)
        for xj, wj in zip(row, np.asarray(w).tolist(), strict=True):
            score += xj * wj
        out.append(label * score)
    return np.array(out, dtype=float)


def svm_slacks_loops(X, y, w, b):
    """Check of ``svm_slacks``: each hinge with Python numbers."""
    out = []
    for row, label in zip(np.asarray(X).tolist(), np.asarray(y).tolist(), strict=True):
        score = float(b)
        for xj, wj in zip(row, np.asarray(w).tolist(), strict=True):
            score += xj * wj
        margin = label * score
        out.append(1 - margin if margin < 1 else 0.0)
    return np.array(out, dtype=float)


def svm_primal_objective_loops(X, y, w, b, C):
    """Check of ``svm_primal_objective`` with explicit loops."""
    wl = np.asarray(w, dtype=float).tolist()
    total = 0.5 * sum(v * v for v in wl)
    for row, label in zip(np.asarray(X).tolist(), np.asarray(y).tolist(), strict=True):
        score = float(b) + sum(a * c for a, c in zip(row, wl, strict=True))
        if label * score < 1:
            total += C * (1 - label * score)
    return total


def svm_primal_subgradient_loops(X, y, w, b, C):
    """Check of ``svm_primal_subgradient``: the per-example terms added one by one."""
    gw = [float(v) for v in np.asarray(w).tolist()]
    gb = 0.0
    for row, label in zip(np.asarray(X).tolist(), np.asarray(y).tolist(), strict=True):
        score = float(b) + sum(a * c for a, c in zip(row, np.asarray(w).tolist(), strict=True))
        if label * score < 1:
            for j, xj in enumerate(row):
                gw[j] -= C * label * xj
            gb -= C * label
    return np.array(gw), gb


def svm_hard_margin_brute(X, y):
    """Check of ``svm_hard_margin``: enumerate active sets of 2 or 3 points, keep the best.

    For each candidate set S (both classes present), solve the equality-constrained
    problem min ||w||^2 s.t. y_i (w . x_i + b) = 1 on S through its KKT system; among the
    solutions feasible for every point, the one of smallest ||w|| is the SVM. Returns
    ``(w, b, support)`` with ``support`` the sorted indices with margin 1.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = X.shape
    best = None
    for size in (2, 3):
        for S in itertools.combinations(range(n), size):
            if len({y[i] for i in S}) < 2:
                continue
            # unknowns: w (d), b, multipliers (size)
            m = d + 1 + size
            K = np.zeros((m, m))
            rhs = np.zeros(m)
            K[:d, :d] = np.eye(d)
            for r, i in enumerate(S):
                K[:d, d + 1 + r] = -y[i] * X[i]
                K[d, d + 1 + r] = -y[i]
                K[d + 1 + r, :d] = y[i] * X[i]
                K[d + 1 + r, d] = y[i]
                rhs[d + 1 + r] = 1.0
            if abs(np.linalg.det(K)) < 1e-9:
                continue
            sol = np.linalg.solve(K, rhs)
            w, b = sol[:d], sol[d]
            if np.all(y * (X @ w + b) >= 1 - 1e-9):
                if best is None or w @ w < best[0] @ best[0] - 1e-12:
                    best = (w, b)
    if best is None:
        raise ValueError("no separating hyperplane found (not separable?)")
    w, b = best
    support = tuple(int(i) for i in np.flatnonzero(np.abs(y * (X @ w + b) - 1) < 1e-9))
    return w, float(b), support


def _phi2(x, c):
    """Explicit feature map of (x . z + c)^2 in 2-D."""
    x1, x2 = float(x[0]), float(x[1])
    r = math.sqrt(2 * c)
    return [x1 * x1, x2 * x2, math.sqrt(2) * x1 * x2, r * x1, r * x2, float(c)]


def svm_kernel_decision_brute(Xs, ys, alphas, b, x, c=1):
    """Check of ``svm_kernel_decision`` for (x . z + c)^2 in 2-D: build w in feature space."""
    wf = [0.0] * 6
    for xi, yi, ai in zip(np.asarray(Xs).tolist(), np.asarray(ys).tolist(),
                          np.asarray(alphas).tolist(), strict=True):
        for k, v in enumerate(_phi2(xi, c)):
            wf[k] += ai * yi * v
    return sum(a * v for a, v in zip(wf, _phi2(x, c), strict=True)) + float(b)


def svm_kernel_bias_brute(Xs, ys, alphas, s, c=1):
    """Check of ``svm_kernel_bias`` for (x . z + c)^2 in 2-D, through the feature map."""
    wf = [0.0] * 6
    rows = np.asarray(Xs).tolist()
    for xi, yi, ai in zip(rows, np.asarray(ys).tolist(), np.asarray(alphas).tolist(),
                          strict=True):
        for k, v in enumerate(_phi2(xi, c)):
            wf[k] += ai * yi * v
    ys_s = float(np.asarray(ys)[s])
    return ys_s - sum(a * v for a, v in zip(wf, _phi2(rows[s], c), strict=True))
