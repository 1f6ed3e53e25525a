"""No test of a bundled assignment gives points to a trivial implementation.

For every graded function of `layers` and `drills`, fakes that do no real work (return zeros,
ones, 0.5 or random numbers in the right structure, return the input unchanged, return the
cache, an identity backward...) are planted one at a time in a correct file; each must earn
0 points on every test of the function it fakes, and fail there on a fixed case, so it earns
0 whatever the grading seed. Forward/backward pairs are faked together too, so a forward and
a backward that only agree with each other earn nothing. Every bundled test is failed by at
least one fake of its function.

A fake keeps the real structure: it runs the correct function and replaces what it returns
(a forward keeps its real cache, so the backward's tests still check only the backward).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from grade_harness import Variant, all_tests, graded_function, multiplexed

from mldrill.bank.catalog import bank_dirs
from mldrill.grade.assignment import Assignment, TestSpec
from mldrill.grade.grader import grade_file, load_assignments

STUDENTS = Path(__file__).parent / "students"
BASES = {  # correct student-style files
    "layers": STUDENTS / "layers_loops.py",
    "drills": STUDENTS / "drills_loops.py",
}
SEED = 5
KINDS = ("zeros", "ones", "half", "random", "input")

# The fakes, appended to the correct file: `_fake(kind, real, ...)` runs the real function
# and replaces every number in its result (a forward's cache excepted).
HELPERS = '''
import numpy as _fake_np

_fake_rng = _fake_np.random.default_rng(0)


def _fake_leaf(kind, v, args):
    first = args[0] if args else None
    if isinstance(v, _fake_np.ndarray):
        if kind == "zeros":
            return _fake_np.zeros_like(v)
        if kind == "ones":
            return _fake_np.ones_like(v)
        if kind == "half":
            return _fake_np.full(v.shape, 0.5)
        if kind == "random":
            return _fake_rng.standard_normal(v.shape).astype(v.dtype)
        if isinstance(first, _fake_np.ndarray) and first.shape == v.shape:
            return first  # "input": the input unchanged
        return _fake_np.zeros_like(v)
    if isinstance(v, (bool, _fake_np.bool_)) or not isinstance(
            v, (int, float, _fake_np.integer, _fake_np.floating)):
        return v
    integer = isinstance(v, (int, _fake_np.integer))
    if kind == "zeros":
        return 0 if integer else 0.0
    if kind == "ones":
        return 1 if integer else 1.0
    if kind == "half":
        return 0.5
    if kind == "random":
        return int(_fake_rng.integers(0, 10**6)) if integer else float(
            _fake_rng.standard_normal())
    return first  # "input": the input unchanged


def _fake_value(kind, v, args):
    if isinstance(v, dict):
        return {k: _fake_value(kind, x, args) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return type(v)(_fake_value(kind, x, args) for x in v)
    return _fake_leaf(kind, v, args)


def _fake(kind, real, args, kwargs, keep_cache):
    if kind == "cache":
        return args[1]  # a backward that returns its cache
    value = real(*args, **kwargs)
    if keep_cache:
        return _fake_value(kind, value[0], args), value[1]
    return _fake_value(kind, value, args)
'''


def fake_source(function: str, kind: str, keep_cache: bool) -> str:
    """`function` replaced by a fake of `kind` that wraps the correct one."""
    return (f"\n_real_{function} = {function}\n\n\n"
            f"def {function}(*args, **kwargs):\n"
            f"    return _fake({kind!r}, _real_{function}, args, kwargs, {keep_cache})\n")


@dataclass(frozen=True)
class Fake:
    id: str                        # e.g. "relu_backward: input"
    functions: tuple[str, ...]     # the functions it fakes
    variant: Variant


def roles(a: Assignment) -> tuple[set[str], set[str]]:
    """(forwards, backwards): functions returning (out, cache), and those taking one."""
    forwards, backwards = set(), set()
    for _, t in all_tests(a):
        if t.backward is not None and t.call is not None:
            forwards.add(t.call.function)
            backwards.add(t.backward.function)
        if "forward" in t.options:
            forwards.add(str(t.options["forward"]))
            backwards.add(str(t.options["backward"]))
        if t.returns[1:2] == ("cache",) and t.call is not None:
            forwards.add(t.call.function)
    return forwards, backwards


def pairs(a: Assignment) -> set[tuple[str, str]]:
    """(forward, backward) functions graded together."""
    found = {(t.call.function, t.backward.function) for _, t in all_tests(a)
             if t.call is not None and t.backward is not None}
    return found | {(str(t.options["forward"]), str(t.options["backward"]))
                    for _, t in all_tests(a) if "forward" in t.options}


def fakes(a: Assignment) -> list[Fake]:
    forwards, backwards = roles(a)
    graded = {graded_function(t) for _, t in all_tests(a)}
    out = []
    for fn in sorted(graded | forwards):
        for kind in (*KINDS, "cache") if fn in backwards else KINDS:
            out.append(Fake(f"{fn}: {kind}", (fn,), Variant(
                appendix=HELPERS + fake_source(fn, kind, fn in forwards))))
    for fwd, bwd in sorted(pairs(a)):
        for kind in KINDS:
            out.append(Fake(f"{fwd} + {bwd}: {kind}", (fwd, bwd), Variant(
                appendix=HELPERS + fake_source(fwd, kind, True)
                + fake_source(bwd, kind, False))))
    return out


@pytest.fixture(scope="module")
def assignments() -> dict[str, Assignment]:
    """The bundled assignments by name."""
    found, diags = load_assignments(bank_dirs())
    chosen = {a.name: a for a in found if a.name in BASES}
    assert set(chosen) == set(BASES), [str(d) for d in diags]
    return chosen


def graded_tests(a: Assignment, functions: tuple[str, ...]) -> list[tuple[object, TestSpec]]:
    return [(ex, t) for ex, t in all_tests(a) if graded_function(t) in functions]


@pytest.mark.parametrize("name", sorted(BASES))
def test_trivial_implementations_earn_nothing(name: str, assignments: dict[str, Assignment],
                                              tmp_path: Path) -> None:
    """Each fake earns 0 on every test of the functions it fakes, failing on a fixed case
    (so for every seed); every test of the assignment is failed by some fake."""
    a = assignments[name]
    corpus = fakes(a)
    base = BASES[name].read_text(encoding="utf-8")
    passed: list[str] = []
    not_fixed: list[str] = []
    caught: set[str] = set()
    with multiplexed(tmp_path, base, {f.id: f.variant for f in corpus}, a) as mux:
        mux.use("")  # the correct file itself: every test passes
        for ex, t in all_tests(a):
            outcome = mux.run(ex, t, SEED)
            assert outcome.status == "passed", f"the correct file fails {t.name}: {outcome}"
        for f in corpus:
            mux.use(f.id)
            for ex, t in graded_tests(a, f.functions):
                outcome = mux.run(ex, t, SEED)
                if outcome.score.points > 0 or outcome.status == "passed":
                    passed.append(f"{f.id} earns the points of '{t.name}'")
                elif "[fixed case " not in outcome.output:
                    not_fixed.append(f"{f.id} fails '{t.name}' only on a random draw: "
                                     f"{outcome.output[-200:]}")
                else:
                    caught.add(t.name)
    assert not passed, "\n".join(passed)
    assert not not_fixed, "\n".join(not_fixed)
    assert caught == {t.name for _, t in all_tests(a)}


def test_every_function_has_every_fake(assignments: dict[str, Assignment]) -> None:
    """The corpus fakes every graded function of both assignments in every way (so a new
    test or function is covered without editing this file)."""
    for a in assignments.values():
        ids = {f.id for f in fakes(a)}
        for fn in a.functions:
            assert {f"{fn}: {k}" for k in KINDS} <= ids, fn
        assert len(pairs(a)) == (6 if a.name == "layers" else 0)


IDENTITY_DROPOUT = STUDENTS / "dropout_identity.py"


def test_identity_dropout_earns_no_dropout_points(assignments: dict[str, Assignment]) -> None:
    """Issue 11, finding 8: dropout that returns x in every mode, with a backward returning
    dout, scores 0 on all three dropout tests, each saying why."""
    report = grade_file(IDENTITY_DROPOUT, [assignments["layers"]], seed=SEED)
    assert report.outcome == "graded", report.message
    dropout = {t.name: t for t in report.tests if t.exercise == "dropout"}
    assert [t.score.points for t in dropout.values()] == [0, 0, 0], dropout
    train, test_mode, backward = dropout.values()
    assert "returned x unchanged: no unit was dropped" in train.output
    assert "train mode dropped no unit" in test_mode.output
    assert "dropped no unit, so dropout_backward cannot be checked" in backward.output
    assert all("[fixed case 1 of " in t.output for t in dropout.values())
    others = [t for t in report.tests if t.exercise != "dropout"]
    assert {t.status for t in others} == {"not attempted"}
