"""Tests for solutions/perceptron.py: the perceptron against a loop simulation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

FAST = settings(max_examples=60, deadline=None, database=None)


# --------------------------------------------------------------------------
# perceptron
# --------------------------------------------------------------------------


def test_scores_predict_and_mistakes_hand_example(sol):
    """w = (1, -1), b = 0: scores 1, 0, -2; the point on the boundary is a mistake."""
    X = np.array([[2, 1], [1, 1], [0, 2]])
    y = np.array([1, 1, 1])
    w = np.array([1, -1])
    assert np.array_equal(sol.perceptron_scores(X, w, 0), [1, 0, -2])
    assert np.array_equal(sol.perceptron_predict(X, w, 0), [1, 0, -1])
    assert np.array_equal(sol.perceptron_mistakes(X, y, w, 0), [False, True, True])
    assert np.array_equal(sol.perceptron_mistakes(X, y, w, 0, strict=True), [False, False, True])


def test_update_and_step(sol):
    """A mistake moves w by lr y x and b by lr y; a correct point leaves both alone."""
    w, b = sol.perceptron_update(np.array([1, 2]), -1, np.array([3, 0]), 1, lr=0.5)
    assert np.allclose(w, [2.5, -1]) and b == 0.5
    w, b, updated = sol.perceptron_step(np.array([1, 2]), 1, np.array([3, 0]), 1)
    assert not updated and np.array_equal(w, [3, 0]) and b == 1
    # on the boundary (score 0) the default convention updates, strict does not
    w, b, updated = sol.perceptron_step(np.array([1, 1]), 1, np.array([1, -1]), 0)
    assert updated and np.array_equal(w, [2, 0]) and b == 1
    assert not sol.perceptron_step(np.array([1, 1]), 1, np.array([1, -1]), 0, strict=True)[2]
    with pytest.raises(ValueError, match="label"):
        sol.perceptron_update(np.array([1, 2]), 0, np.array([3, 0]))
    with pytest.raises(ValueError, match="positive"):
        sol.perceptron_update(np.array([1, 2]), 1, np.array([3, 0]), lr=0)


def test_train_hand_example(sol):
    """Points (1, 1) +1 and (-1, -1) -1 from zero: one update on the first point, then clean.

    Pass 1: score 0 -> mistake, w = (1, 1), b = 1; second point: -(-2 + 1) = 1 > 0, fine.
    Pass 2 is clean, so 1 mistake and 2 passes.
    """
    X, y = np.array([[1, 1], [-1, -1]]), np.array([1, -1])
    w, b, mistakes, passes = sol.perceptron_train(X, y)
    assert np.array_equal(w, [1, 1]) and b == 1 and mistakes == 1 and passes == 2
    # the strict convention never leaves w = 0: every score is 0, which is not < 0
    w, b, mistakes, _ = sol.perceptron_train(X, y, strict=True)
    assert np.array_equal(w, [0, 0]) and b == 0 and mistakes == 0
    w, b, mistakes, passes = sol.perceptron_train(X, y, update_bias=False)
    assert np.array_equal(w, [1, 1]) and b == 0 and mistakes == 1


def test_train_raises_on_non_separable_data(sol):
    """XOR is not linearly separable: no clean pass within max_epochs."""
    X = np.array([[0, 0], [1, 1], [0, 1], [1, 0]])
    y = np.array([-1, -1, 1, 1])
    with pytest.raises(ValueError, match="separable"):
        sol.perceptron_train(X, y, max_epochs=20)
    w, b, mistakes, passes = sol.perceptron_train(X, y, epochs=3)
    assert passes == 3 and mistakes > 0


@FAST
@given(arrays(np.int64, (4, 2), elements=st.integers(-3, 3)),
       arrays(np.int64, 2, elements=st.integers(-3, 3)), st.integers(-3, 3),
       st.sampled_from([0.5, 1, 2]))
def test_train_matches_loop_simulation(sol, X, w_true, b_true, lr):
    """On data labelled by a random hyperplane, training agrees with the plain-list loops."""
    s = X @ w_true + b_true
    if np.any(s == 0):
        return
    y = np.where(s > 0, 1, -1)
    got = sol.perceptron_train(X, y, lr=lr)
    ref = sol.perceptron_train_loops(X, y, lr=lr)
    np.testing.assert_allclose(got[0], ref[0])
    assert got[1:] == pytest.approx(ref[1:])
    # the result separates the data
    assert not np.any(sol.perceptron_mistakes(X, y, got[0], got[1]))
    # and a fixed number of epochs agrees too
    got2, ref2 = sol.perceptron_train(X, y, epochs=2), sol.perceptron_train_loops(X, y, epochs=2)
    np.testing.assert_allclose(got2[0], ref2[0])
    assert got2[1:] == pytest.approx(ref2[1:])


def test_perceptron_steps_hand_example(sol):
    """The two-point run of test_train_hand_example, line by line."""
    X, y = np.array([[1, 1], [-1, -1]]), np.array([1, -1])
    assert sol.perceptron_steps(X, y).splitlines() == [
        "pass 1, A: [0, 0].[1, 1] + 0 = 0, y = +1, margin 0 -> update",
        "           w = [1, 1], b = 1",
        "pass 1, B: [1, 1].[-1, -1] + 1 = -1, y = -1, margin 1 -> ok",
        "pass 2, A: [1, 1].[1, 1] + 1 = 3, y = +1, margin 3 -> ok",
        "pass 2, B: [1, 1].[-1, -1] + 1 = -1, y = -1, margin 1 -> ok",
    ]


@FAST
@given(arrays(np.int64, (3, 2), elements=st.integers(-3, 3)),
       arrays(np.int64, 2, elements=st.integers(-3, 3)), st.integers(-3, 3))
def test_perceptron_steps_agree_with_training(sol, X, w_true, b_true):
    """The trace has N visits per pass, one 'update' per mistake, and ends at the trained w, b."""
    s = X @ w_true + b_true
    if np.any(s == 0):
        return
    y = np.where(s > 0, 1, -1)
    w, b, mistakes, passes = sol.perceptron_train_loops(X, y)
    lines = sol.perceptron_steps(X, y).splitlines()
    visits = [line for line in lines if line.startswith("pass ")]
    assert len(visits) == 3 * passes
    updates = [line for line in lines if line.lstrip().startswith("w = ")]
    assert len(updates) == mistakes == sum(line.endswith("-> update") for line in visits)
    if updates:
        last = updates[-1].split("w = ")[1]
        # integer data and lr = 1 keep w and b whole numbers
        assert last == f"[{int(w[0])}, {int(w[1])}], b = {int(b)}"


def test_origin_bound_hand_example(sol):
    """Two passes through the origin on a hand-worked set give w = (3, 1), bound 3.125."""
    # A = (1, 2) +1, B = (2, -1) +1, C = (-1, -1) -1.
    # pass 1: A: 0 -> update w = (1, 2); B: 2 - 2 = 0 -> update w = (3, 1);
    #         C: -(-3 - 1) = 4 ok.  pass 2: A: 5, B: 5, C: 4 all ok.
    # m = min(5, 5, 4) = 4, R^2 = max(5, 5, 2) = 5, ||w||^2 = 10,
    # bound = 5 * 10 / 16 = 3.125 >= 2 updates.
    X, y = np.array([[1, 2], [2, -1], [-1, -1]]), np.array([1, 1, -1])
    w, updates, m, R2, bound = sol.perceptron_origin_bound(X, y)
    assert np.array_equal(w, [3, 1]) and updates == 2
    assert (m, R2) == (4, 5) and bound == pytest.approx(3.125)
    loops = sol.perceptron_origin_bound_loops(X, y)
    assert np.array_equal(loops[0], w) and loops[1:] == (2, 4, 5, pytest.approx(3.125))


@FAST
@given(arrays(np.int64, (4, 2), elements=st.integers(-3, 3)),
       arrays(np.int64, 2, elements=st.integers(-3, 3)))
def test_origin_bound_agrees_with_loops_and_novikoff(sol, X, w_true):
    """On separable data the vectorised and loop results agree and updates <= the bound."""
    s = X @ w_true
    if np.any(s == 0):
        return
    y = np.where(s > 0, 1, -1)
    w, updates, m, R2, bound = sol.perceptron_origin_bound(X, y)
    lw, lu, lm, lR2, lbound = sol.perceptron_origin_bound_loops(X, y)
    assert np.array_equal(w, lw) and (updates, m, R2) == (lu, lm, lR2)
    assert bound == pytest.approx(lbound) and m > 0 and updates <= bound + 1e-9


def test_origin_steps_hand_example(sol):
    """The run of test_origin_bound_hand_example, line by line, without a bias."""
    X, y = np.array([[1, 2], [2, -1], [-1, -1]]), np.array([1, 1, -1])
    assert sol.perceptron_origin_steps(X, y).splitlines() == [
        "pass 1, A: [0, 0].[1, 2] = 0, y = +1, margin 0 -> update",
        "           w = [1, 2]",
        "pass 1, B: [1, 2].[2, -1] = 0, y = +1, margin 0 -> update",
        "           w = [3, 1]",
        "pass 1, C: [3, 1].[-1, -1] = -4, y = -1, margin 4 -> ok",
        "pass 2, A: [3, 1].[1, 2] = 5, y = +1, margin 5 -> ok",
        "pass 2, B: [3, 1].[2, -1] = 5, y = +1, margin 5 -> ok",
        "pass 2, C: [3, 1].[-1, -1] = -4, y = -1, margin 4 -> ok",
    ]
