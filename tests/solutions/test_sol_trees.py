"""Tests for solutions/trees.py: Gini, misclassification, entropy, regression splits, node
counts and a depth-2 ID3 tree.

Every expected value below was worked by hand (the arithmetic is in the comments).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

FAST = settings(max_examples=60, deadline=None, database=None)


def test_gini_by_hand(sol):
    """Counts (3, 1): 1 - 9/16 - 1/16 = 3/8; three classes (2, 1, 1): 1 - 6/16 = 5/8."""
    assert sol.tree_gini([3, 1]) == pytest.approx(3 / 8)
    assert sol.tree_gini([2, 1, 1]) == pytest.approx(5 / 8)
    assert sol.tree_gini([4, 0]) == 0
    assert sol.tree_gini_brute([2, 1, 1]) == pytest.approx(5 / 8)


def test_split_criteria_on_the_textbook_example(sol):
    """(400, 400) split (300, 100)/(100, 300) vs (200, 400)/(200, 0) (Hastie et al.):
    misclassification 1/4 for both; Gini 3/8 vs 1/3; entropy 0.8113 vs 0.6887 bits."""
    A = [[300, 100], [100, 300]]
    B = [[200, 400], [200, 0]]
    assert sol.tree_misclass_split(A) == pytest.approx(0.25)
    assert sol.tree_misclass_split(B) == pytest.approx(0.25)
    # A: each child 1 - 9/16 - 1/16 = 3/8; B: 6/8 * (1 - 1/9 - 4/9) + 2/8 * 0 = 3/4 * 4/9 = 1/3
    assert sol.tree_gini_split(A) == pytest.approx(3 / 8)
    assert sol.tree_gini_split(B) == pytest.approx(1 / 3)
    # A: H(1/4) = 0.811278; B: 3/4 * H(1/3) = 3/4 * 0.918296 = 0.688722
    assert sol.tree_entropy_split(A) == pytest.approx(0.8112781245)
    assert sol.tree_entropy_split(B) == pytest.approx(0.6887218755)
    assert sol.tree_entropy_split(A, math.e) == pytest.approx(0.8112781245 * math.log(2))
    small = [[3, 1], [1, 3]]
    assert sol.tree_misclass_split_brute(small) == pytest.approx(0.25)
    assert sol.tree_gini_split_brute(small) == pytest.approx(3 / 8)
    assert sol.tree_entropy_split_brute(small) == pytest.approx(0.8112781245)


@FAST
@given(st.lists(st.lists(st.integers(0, 6), min_size=2, max_size=3), min_size=2, max_size=3))
def test_criteria_agree_with_their_checks(sol, rows):
    """Gini, misclassification and entropy of any split agree with pair counting, trying
    every label, and the mutual-information route."""
    width = min(len(r) for r in rows)
    rows = [r[:width] for r in rows]
    if any(sum(r) == 0 for r in rows):
        return
    assert sol.tree_gini_split(rows) == pytest.approx(sol.tree_gini_split_brute(rows))
    assert sol.tree_misclass_split(rows) == pytest.approx(sol.tree_misclass_split_brute(rows))
    assert sol.tree_entropy_split(rows) == pytest.approx(sol.tree_entropy_split_brute(rows),
                                                         abs=1e-12)


def test_regression_split_by_hand(sol):
    """y = (1, 3, 8, 10, 9, 5) at x = 1..6: SSE 60 (mean 6); x < 2.5 gives (1, 3) SSE 2 and
    (8, 10, 9, 5) SSE 14 (mean 8), total 16."""
    y = [1, 3, 8, 10, 9, 5]
    # sum y^2 = 1 + 9 + 64 + 100 + 81 + 25 = 280; 280 - 36^2/6 = 280 - 216 = 64
    assert sol.tree_sse(y) == pytest.approx(64)
    assert sol.tree_sse_brute(y) == pytest.approx(64)
    left, right, means = sol.tree_regression_split(np.arange(1, 7), y, 2.5)
    # left: mean 2, SSE 1 + 1 = 2; right: mean 8, SSE 0 + 4 + 1 + 9 = 14
    assert (left, right) == (pytest.approx(2), pytest.approx(14))
    np.testing.assert_allclose(means, [2, 8])
    bl, br, bm = sol.tree_regression_split_brute(np.arange(1, 7), y, 2.5)
    assert (bl, br) == (pytest.approx(2), pytest.approx(14))
    np.testing.assert_allclose(bm, [2, 8])


def test_full_tree_counts_by_hand(sol):
    """Depth 3, k = 2: 8 leaves, 7 internal, 15 nodes, 2*7 + 2*8 = 30 numbers."""
    assert sol.tree_full_counts(3, 2) == (8, 7, 15, 30)
    assert sol.tree_full_counts_brute(3, 2) == (8, 7, 15, 30)
    assert sol.tree_full_counts(0, 1) == (1, 0, 1, 1)


@pytest.mark.parametrize("n,depth", [(1, 0), (2, 1), (5, 3), (8, 3), (9, 4), (300, 9)])
def test_min_depth_by_hand(sol, n, depth):
    """ceil(log2 n): 5 -> 3, 8 -> 3 (exactly 2^3), 9 -> 4, 300 -> 9 (256 < 300 <= 512)."""
    assert sol.tree_min_depth(n) == depth
    assert sol.tree_min_depth_brute(n) == depth


def test_grow2_by_hand(sol):
    """y = x1 XOR x2 with a noisy x3: the root gains are 0 for x1 and x2, so the root is x3.

    Rows (x1, x2, x3, y): the XOR pattern twice, x3 = y except in row 8.
    H(root) = 1 (4 of 8). x3 = 0: rows 1, 4, 5, 8 -> labels 0, 0, 0, 1; x3 = 1: rows 2, 3,
    6, 7 -> all 1... (worked below with counts).
    """
    X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0],
                  [0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    y = np.array([0, 1, 1, 0, 0, 1, 1, 0])
    out = sol.tree_grow2(X, y)
    # x3 = 0: y = (0, 0, 0) -> H = 0; x3 = 1: y = (1, 1, 1, 1, 0) -> H(1/5) = 0.721928
    # IG(x3) = 1 - 5/8 * 0.721928 = 0.548795; x1: each side (2 ones, 2 zeros) -> 0; x2 too
    np.testing.assert_allclose(out["gains"], [0, 0, 1 - 5 / 8 * 0.7219280949], atol=1e-9)
    assert out["root"] == 2
    # child x3 = 0 is pure: every gain 0 -> the lower index, x1; child x3 = 1: rows 2, 3, 6, 7,
    # 8 with (x1, x2, y) = (0,1,1), (1,0,1), (0,1,1), (1,0,1), (1,1,0): x1 = 0 -> (1, 1),
    # x1 = 1 -> (1, 1, 0); x2 = 0 -> (1, 1), x2 = 1 -> (1, 1, 0): equal gains -> x1
    assert list(out["child"]) == [0, 0]
    np.testing.assert_array_equal(out["leaf_counts"], [[2, 0], [1, 0], [0, 2], [1, 2]])
    np.testing.assert_array_equal(out["leaves"], [0, 0, 1, 1])
    assert out["train_errors"] == 1
    loops = sol.tree_grow2_loops(X, y)
    np.testing.assert_allclose(loops["gains"], out["gains"], atol=1e-12)
    assert loops["root"] == 2 and list(loops["child"]) == [0, 0]
    assert loops["train_errors"] == 1


@FAST
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1), st.integers(0, 1),
                          st.integers(0, 1)), min_size=8, max_size=8))
def test_grow2_agrees_with_loops(sol, rows):
    """On any 8-row table the vectorised tree and the loop-counted tree agree on gains,
    and the root (when no gain ties make the choice arbitrary)."""
    X = np.array([r[:3] for r in rows])
    y = np.array([r[3] for r in rows])
    if any(len(np.unique(X[:, f])) < 2 for f in range(3)):
        return  # a constant feature would leave a child of the root empty
    a, b = sol.tree_grow2(X, y), sol.tree_grow2_loops(X, y)
    np.testing.assert_allclose(a["gains"], b["gains"], atol=1e-9)
    if len(np.unique(np.round(a["gains"], 9))) == 3:
        assert a["root"] == b["root"]


def test_tree_grow2_draw_meets_its_family_constraints(sol):
    """Every draw is a binary 8 x 3 table whose depth-2 tree, grown by the independent
    tree_grow2_loops, has a root clearly ahead, a clear best feature with some gain in
    each child, no empty or tied leaf, fewer training errors than the stump, and leaves
    that differ from the stump's; weighting the child entropies matters."""
    from mldrill.variants.rng import VariantRNG

    for seed in range(12):
        d = sol.tree_grow2_draw(VariantRNG("test", seed), {})
        X, y = d["X"], d["y"]
        assert X.shape == (8, 3) and y.shape == (8,) and set(np.unique(X)) <= {0, 1}
        assert np.all((X.sum(0) >= 2) & (X.sum(0) <= 6)) and 3 <= y.sum() <= 5
        t = sol.tree_grow2_loops(X, y)
        g = np.sort(t["gains"])
        assert g[2] - g[1] > 0.02
        counts = np.asarray(t["leaf_counts"])
        assert np.all(counts.sum(1) > 0) and np.all(counts[:, 0] != counts[:, 1])
        for v in (0, 1):
            cg = np.asarray(t["child_gains"])[v]
            best = int(t["child"][v])
            assert cg[best] > 0.01 and cg[best] - np.delete(cg, best).max() > 0.02
        stump = [int(counts[0:2, 1].sum() > counts[0:2, 0].sum())] * 2 + \
            [int(counts[2:4, 1].sum() > counts[2:4, 0].sum())] * 2
        assert t["train_errors"] < sum(min(counts[i:i + 2].sum(0)) for i in (0, 2))
        assert list(t["leaves"]) != stump
        assert np.any(np.abs(sol.tree_gains_unweighted(X, y) - t["gains"]) > 0.005)
