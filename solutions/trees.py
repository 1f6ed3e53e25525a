"""Decision trees: Gini, misclassification and entropy criteria, regression splits by squared
error, node counts of full trees, and a depth-2 tree grown greedily (NumPy only).

Conventions:

* A node is given by its class counts (C,); a split by a table (m, C) with one row of
  class counts per child.  A split's impurity is the average of its children's,
  each weighted by its share ``n_j / n`` of the examples.
* Gini ``1 - sum_c p_c^2``; misclassification ``1 - max_c p_c``; entropy
  ``-sum_c p_c log2 p_c`` in bits (``0 log 0 = 0``; ``base`` changes the log).
* Regression trees predict the mean of a leaf's targets and score a node by its sum of
  squared errors ``SSE = sum_i (y_i - mean)^2``; the split ``x < t`` sends an example
  left when its feature is below the threshold.
* Depth counts the levels of splits: a root alone has depth 0, and a full binary tree of
  depth d has ``2^d`` leaves and ``2^d - 1`` internal nodes.
* ``tree_grow2`` grows an ID3 tree of depth 2 on binary features (0/1) and a binary label
  (0/1): the root takes the feature of largest information gain, each child the
  remaining feature of largest gain on its own examples; a leaf predicts its majority.

Functions named ``*_loops`` / ``*_brute`` recompute the same quantities another way
(enumerating pairs of examples, trying every constant, building the tree node by node);
they exist to verify the others and share no code with them.
"""

import math

import numpy as np

__all__ = [
    "tree_gini",
    "tree_gini_split",
    "tree_misclass",
    "tree_misclass_split",
    "tree_entropy",
    "tree_entropy_split",
    "tree_sse",
    "tree_regression_split",
    "tree_full_counts",
    "tree_min_depth",
    "tree_grow2",
    "tree_gains_unweighted",
    "tree_grow2_draw",
    "tree_gini_brute",
    "tree_gini_split_brute",
    "tree_misclass_split_brute",
    "tree_entropy_split_brute",
    "tree_sse_brute",
    "tree_regression_split_brute",
    "tree_full_counts_brute",
    "tree_min_depth_brute",
    "tree_grow2_loops",
]


def _counts(counts):
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 1 or counts.size == 0 or np.any(counts < 0) or counts.sum() <= 0:
        raise ValueError(f"counts must be a non-empty vector of non-negative class counts "
                         f"with a positive total, got {counts!r}")
    return counts


def _children(children):
    children = np.asarray(children, dtype=float)
    if children.ndim != 2 or children.size == 0 or np.any(children < 0) \
            or np.any(children.sum(axis=1) <= 0):
        raise ValueError("children must be (m, C): one row of class counts per non-empty child")
    return children


def _weighted(children, impurity):
    children = _children(children)
    sizes = children.sum(axis=1)
    return float(sum(s / sizes.sum() * impurity(row)
                     for s, row in zip(sizes, children, strict=True)))


# --------------------------------------------------------------------------
# classification criteria
# --------------------------------------------------------------------------


def tree_gini(counts):
    """Gini impurity ``1 - sum_c p_c^2`` of a node with class ``counts``."""
    counts = _counts(counts)
    p = counts / counts.sum()
    return float(1 - np.sum(p ** 2))


def tree_gini_split(children):
    """Weighted Gini impurity of a split: ``sum_j (n_j / n) Gini(child j)``."""
    return _weighted(children, tree_gini)


def tree_misclass(counts):
    """Misclassification impurity ``1 - max_c p_c`` of a node with class ``counts``."""
    counts = _counts(counts)
    return float(1 - counts.max() / counts.sum())


def tree_misclass_split(children):
    """Weighted misclassification impurity of a split (the error of its majority leaves)."""
    return _weighted(children, tree_misclass)


def tree_entropy(counts, base=2):
    """Entropy ``-sum_c p_c log p_c`` of a node, in bits unless ``base`` says otherwise."""
    counts = _counts(counts)
    p = counts[counts > 0] / counts.sum()
    return float(max(0.0, -np.sum(p * np.log(p)) / np.log(base)))


def tree_entropy_split(children, base=2):
    """Weighted entropy of a split: ``sum_j (n_j / n) H(child j)``, in bits by default."""
    return _weighted(children, lambda row: tree_entropy(row, base))


# --------------------------------------------------------------------------
# regression trees
# --------------------------------------------------------------------------


def tree_sse(y):
    """Sum of squared errors of a node that predicts the mean: ``sum_i (y_i - mean y)^2``."""
    y = np.asarray(y, dtype=float)
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"y must be a non-empty vector, got {y!r}")
    return float(np.sum((y - y.mean()) ** 2))


def tree_regression_split(x, y, t):
    """The split ``x < t`` of a regression node: ``(SSE left, SSE right, [means])``."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    left = x < t
    if left.all() or not left.any():
        raise ValueError(f"the threshold {t} leaves one side empty")
    return (tree_sse(y[left]), tree_sse(y[~left]),
            np.array([y[left].mean(), y[~left].mean()]))


# --------------------------------------------------------------------------
# sizes of full trees
# --------------------------------------------------------------------------


def tree_full_counts(d, k=1):
    """Sizes of a full binary tree of depth d whose leaves store k numbers each.

    Returns ``(leaves, internal, nodes, params)``: each internal node stores a feature
    index and a threshold (2 numbers), each leaf k numbers.
    """
    d, k = int(d), int(k)
    if d < 0 or k < 1:
        raise ValueError(f"need depth d >= 0 and k >= 1, got d={d}, k={k}")
    leaves = 2 ** d
    internal = leaves - 1
    return leaves, internal, leaves + internal, 2 * internal + k * leaves


def tree_min_depth(n):
    """Least depth of a binary tree with at least n leaves: ``ceil(log2 n)``."""
    n = int(n)
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return int(math.ceil(math.log2(n) - 1e-12))


# --------------------------------------------------------------------------
# a depth-2 ID3 tree on binary features
# --------------------------------------------------------------------------


def _table(X, y):
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],) or not np.all(np.isin(X, (0, 1))) \
            or not np.all(np.isin(y, (0, 1))):
        raise ValueError("X must be (N, F) of 0/1 features and y (N,) of 0/1 labels")
    return X.astype(int), y.astype(int)


def _gain(X, y, f, base):
    """Information gain of splitting (X, y) on binary feature f."""
    parent = np.bincount(y, minlength=2)
    rows = [np.bincount(y[X[:, f] == v], minlength=2) for v in (0, 1)]
    rows = [r for r in rows if r.sum() > 0]
    return tree_entropy(parent, base) - tree_entropy_split(np.array(rows), base)


def tree_grow2(X, y, base=2):
    """Grow a depth-2 ID3 tree on binary features (ties: the lower feature index).

    Returns a dict: ``gains`` (F,) at the root; ``root``; ``child_gains`` (2, F) in the
    children x_root = 0 and 1 (the root's own feature gets -1); ``child`` (2,) the
    features chosen there; ``leaf_counts`` (4, 2) the class counts of the leaves in the
    order (0, 0), (0, 1), (1, 0), (1, 1) of (x_root, x_child); ``leaves`` (4,) their
    majority labels (a tie or an empty leaf gives -1); ``train_errors``.
    """
    X, y = _table(X, y)
    F = X.shape[1]
    gains = np.array([_gain(X, y, f, base) for f in range(F)])
    root = int(np.argmax(gains))
    child_gains = -np.ones((2, F))
    child = np.zeros(2, dtype=int)
    counts = np.zeros((4, 2), dtype=int)
    for v in (0, 1):
        Xs, ys = X[X[:, root] == v], y[X[:, root] == v]
        for f in range(F):
            if f != root:
                child_gains[v, f] = _gain(Xs, ys, f, base)
        child[v] = int(np.argmax(child_gains[v]))
        for u in (0, 1):
            counts[2 * v + u] = np.bincount(ys[Xs[:, child[v]] == u], minlength=2)
    leaves = np.where(counts[:, 1] > counts[:, 0], 1, np.where(counts[:, 1] < counts[:, 0], 0, -1))
    errors = int(np.sum(np.minimum(counts[:, 0], counts[:, 1])))
    return {"gains": gains, "root": root, "child_gains": child_gains, "child": child,
            "leaf_counts": counts, "leaves": leaves, "train_errors": errors}


def tree_gains_unweighted(X, y, base=2):
    """The common wrong gains: H(parent) minus the UNweighted mean of the child entropies.

    One value per binary feature of X; a mistake generator for the problem bank.
    """
    X, y = _table(X, y)
    parent = tree_entropy(np.bincount(y, minlength=2), base)
    out = []
    for f in range(X.shape[1]):
        kids = [np.bincount(y[X[:, f] == v], minlength=2) for v in (0, 1)]
        out.append(parent - np.mean([tree_entropy(k, base) for k in kids if k.sum() > 0]))
    return np.array(out)


def _grow2_fits(X, y):
    """Whether (X, y) meets the constraints of trees-grow-depth2 (the YAML checks them
    again; this is the same test in plain Python, one tree_grow2 per draw)."""
    if not (np.all((X.sum(0) >= 2) & (X.sum(0) <= 6)) and 3 <= y.sum() <= 5):
        return False
    t = tree_grow2(X, y)
    G, CG, child, LC, lv = t["gains"], t["child_gains"], t["child"], t["leaf_counts"], t["leaves"]
    g = np.sort(G)
    if not g[2] - g[1] > 0.02:
        return False
    if not (np.all(LC.sum(1) > 0) and np.all(LC[:, 0] != LC[:, 1])):
        return False
    for v in (0, 1):
        others = np.where(np.arange(3) == child[v], -9, CG[v])
        if not abs(CG[v, child[v]] - others.max()) > 0.02:
            return False
    if not min(CG[0, child[0]], CG[1, child[1]]) > 0.01:
        return False
    stump_err = (min(LC[0, 0] + LC[1, 0], LC[0, 1] + LC[1, 1])
                 + min(LC[2, 0] + LC[3, 0], LC[2, 1] + LC[3, 1]))
    if not t["train_errors"] < stump_err:
        return False
    stump = np.array([int(LC[0, 1] + LC[1, 1] > LC[0, 0] + LC[1, 0])] * 2
                     + [int(LC[2, 1] + LC[3, 1] > LC[2, 0] + LC[3, 0])] * 2)
    if not (np.any(lv != lv[[0, 0, 2, 2]]) and np.any(stump != lv)):
        return False
    return bool(np.any(np.abs(tree_gains_unweighted(X, y) - G) > 0.005))


def _h2(a, b):
    """Entropy in bits of the class counts (a, b)."""
    n = a + b
    return -sum(k / n * math.log2(k / n) for k in (a, b) if k)


def _gains_plain(rows, feats):
    """Information gain of each feature in ``feats`` on ``rows`` ((x tuple, label) pairs)."""
    n = len(rows)
    ones = sum(c for _, c in rows)
    parent = _h2(n - ones, ones)
    out = []
    for f in feats:
        g = parent
        for v in (0, 1):
            labels = [c for x, c in rows if x[f] == v]
            if labels:
                g -= len(labels) / n * _h2(len(labels) - sum(labels), sum(labels))
        out.append(g)
    return out


def _grow2_quick(rows):
    """A plain-Python pre-check of the child constraints of trees-grow-depth2 (a quick
    filter: the draw is confirmed with tree_grow2 by _grow2_fits)."""
    gains = _gains_plain(rows, range(3))
    g = sorted(gains)
    if not g[2] - g[1] > 0.02:
        return False
    root = gains.index(max(gains))
    for v in (0, 1):
        sub = [r for r in rows if r[0][root] == v]
        cg = [-1.0 if f == root else x for f, x in
              zip(range(3), _gains_plain(sub, range(3)), strict=True)]
        best = cg.index(max(cg))
        if not (cg[best] > 0.01 and cg[best] - max(x for f, x in enumerate(cg) if f != best)
                > 0.02):
            return False
        for u in (0, 1):
            leaf = [c for x, c in sub if x[best] == u]
            if not leaf or 2 * sum(leaf) == len(leaf):
                return False
    return True


def tree_grow2_draw(rng, params):
    """Draws X (8 x 3, binary) and y (8, binary) of trees-grow-depth2.

    Redrawn until the table meets the family's constraints (a clear root, a clear best
    feature in each child, no empty or tied leaf, a second level that helps and changes
    the stump's leaves, weights that matter): about 1 random table in 70 does. Each draw
    is one 32-bit integer (24 feature bits, 8 label bits), screened in plain Python
    (_grow2_quick) before tree_grow2 confirms it. The last draw is returned if none fits:
    the YAML constraints decide.
    """
    X = y = np.zeros(0, dtype=np.int64)
    for _ in range(10000):
        bits = rng.integer(0, 2 ** 32 - 1)
        X = np.array([[bits >> (3 * i + j) & 1 for j in range(3)] for i in range(8)],
                     dtype=np.int64)
        y = np.array([bits >> (24 + i) & 1 for i in range(8)], dtype=np.int64)
        counts = X.sum(0)
        if not (np.all((counts >= 2) & (counts <= 6)) and 3 <= y.sum() <= 5):
            continue
        rows = [(tuple(int(v) for v in x), int(c)) for x, c in zip(X, y, strict=True)]
        if _grow2_quick(rows) and _grow2_fits(X, y):
            break
    return {"X": X, "y": y}


tree_grow2_draw.provides = ("X", "y")


# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------


def tree_gini_brute(counts):
    """Gini as the chance that two examples drawn with replacement differ in class.

    Checks ``tree_gini`` by enumerating every ordered pair of examples.
    """
    labels = [c for c, k in enumerate(counts) for _ in range(int(k))]
    n = len(labels)
    differ = 0
    for a in labels:
        for b in labels:
            if a != b:
                differ += 1
    return differ / n ** 2


def tree_gini_split_brute(children):
    """Weighted Gini of a split by counting differing pairs of examples within each child.

    Checks ``tree_gini_split``.
    """
    n = sum(int(k) for row in children for k in row)
    total = 0.0
    for row in children:
        labels = [c for c, k in enumerate(row) for _ in range(int(k))]
        differ = sum(1 for a in labels for b in labels if a != b)
        total += differ / len(labels) / n
    return total


def tree_misclass_split_brute(children):
    """Weighted misclassification of a split by trying every constant label in each child.

    Checks ``tree_misclass_split``: the result is the training error of the best labels.
    """
    n = sum(int(k) for row in children for k in row)
    wrong = 0
    for row in children:
        best = None
        for label in range(len(row)):
            errs = sum(int(k) for c, k in enumerate(row) if c != label)
            best = errs if best is None else min(best, errs)
        wrong += best
    return wrong / n


def tree_entropy_split_brute(children, base=2):
    """Weighted child entropy as H(class) - I(child; class), summed with loops.

    Checks ``tree_entropy_split``; the mutual information is summed over the joint table.
    """
    rows = [[float(k) for k in row] for row in children]
    n = sum(sum(r) for r in rows)
    C = len(rows[0])
    col = [sum(r[c] for r in rows) for c in range(C)]
    h = -sum(k / n * math.log(k / n) for k in col if k > 0)
    mi = 0.0
    for r in rows:
        for c in range(C):
            if r[c] > 0:
                mi += r[c] / n * math.log((r[c] / n) / (sum(r) / n * col[c] / n))
    return (h - mi) / math.log(base)


def tree_sse_brute(y):
    """SSE from pairwise differences, ``sum_{i<j} (y_i - y_j)^2 / n`` (checks ``tree_sse``)."""
    n = len(y)
    total = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            total += (float(y[i]) - float(y[j])) ** 2
    return total / n


def tree_regression_split_brute(x, y, t):
    """A regression split by searching each side's best constant on a grid of step 1/600.

    Checks ``tree_regression_split``.
    """
    out_sse, out_c = [], []
    for side in (0, 1):
        vals = [float(v) for u, v in zip(x, y, strict=True) if (u < t) == (side == 0)]
        lo, hi = min(vals), max(vals)
        best = None
        for k in range(int(round((hi - lo) * 600)) + 1):
            c = lo + k / 600
            s = sum((v - c) ** 2 for v in vals)
            if best is None or s < best[0]:
                best = (s, c)
        out_sse.append(best[0])
        out_c.append(best[1])
    return out_sse[0], out_sse[1], np.array(out_c)


def tree_full_counts_brute(d, k=1):
    """Sizes of a full binary tree of depth d, by building it level by level.

    Checks ``tree_full_counts``.
    """
    level = [0]
    internal = 0
    for _ in range(int(d)):
        nxt = []
        for _node in level:
            internal += 1
            nxt += [0, 0]
        level = nxt
    leaves = len(level)
    return leaves, internal, leaves + internal, 2 * internal + int(k) * leaves


def tree_min_depth_brute(n):
    """Least depth with at least n leaves, by doubling the leaves (checks ``tree_min_depth``)."""
    depth, leaves = 0, 1
    while leaves < int(n):
        depth += 1
        leaves *= 2
    return depth


def tree_grow2_loops(X, y, base=2):
    """The depth-2 ID3 tree with gains as mutual information, counted from the rows.

    Checks ``tree_grow2``, with loops over the rows; returns the same dict.
    """
    rows = [([int(v) for v in x], int(c)) for x, c in zip(X, y, strict=True)]
    F = len(rows[0][0])

    def mutual_info(sub, f):
        n = len(sub)
        mi = 0.0
        for v in (0, 1):
            for c in (0, 1):
                nvc = sum(1 for x, lab in sub if x[f] == v and lab == c)
                nv = sum(1 for x, _ in sub if x[f] == v)
                nc = sum(1 for _, lab in sub if lab == c)
                if nvc > 0:
                    mi += nvc / n * math.log(nvc * n / (nv * nc))
        return mi / math.log(base)

    def best(sub, allowed):
        b, bg = None, None
        for f in allowed:
            g = mutual_info(sub, f)
            if bg is None or g > bg + 1e-12:
                b, bg = f, g
        return b

    gains = [mutual_info(rows, f) for f in range(F)]
    root = best(rows, range(F))
    child_gains = [[-1.0] * F, [-1.0] * F]
    child, counts, leaves = [0, 0], [], []
    errors = 0
    for v in (0, 1):
        sub = [r for r in rows if r[0][root] == v]
        for f in range(F):
            if f != root:
                child_gains[v][f] = mutual_info(sub, f)
        child[v] = best(sub, [f for f in range(F) if f != root])
        for u in (0, 1):
            leaf = [lab for x, lab in sub if x[child[v]] == u]
            n0, n1 = leaf.count(0), leaf.count(1)
            counts.append([n0, n1])
            leaves.append(1 if n1 > n0 else (0 if n0 > n1 else -1))
    for x, lab in rows:
        u, v = x[root], None
        v = x[child[u]]
        if leaves[2 * u + v] != lab:
            errors += 1
    return {"gains": np.array(gains), "root": root, "child_gains": np.array(child_gains),
            "child": np.array(child), "leaf_counts": np.array(counts),
            "leaves": np.array(leaves), "train_errors": errors}
