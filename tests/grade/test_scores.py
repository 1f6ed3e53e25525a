"""One score type and the writers built on it: `Score`, Gradescope's results.json, the
gradebook row, and a batch entry read back on resume (exactly as written, or not at all)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mldrill.grade.batch import BatchEntry, Ungraded
from mldrill.grade.gradebook import GradebookRow, batch_json, write_gradebook
from mldrill.grade.gradescope import GradescopeTest, results_json
from mldrill.grade.report import GradeReport, TestOutcome
from mldrill.score import NOTHING, Score, total


def _outcome(name: str, points: float, passed: bool, reason: str | None = None
             ) -> TestOutcome:
    return TestOutcome(name, "layers", "relu", Score(points if passed else 0.0, points),
                       "passed" if passed else "failed", "" if passed else "wrong values",
                       "visible", 0.25, None if passed else reason)  # type: ignore[arg-type]


REPORT = GradeReport("class/ada.py", 5, "graded", ("layers",),
                     (_outcome("relu_forward", 1.0, True),
                      _outcome("relu_backward", 2.0, False, "wrong")),
                     isolation=("rlimits",), seconds=1.23456)


# ---------------------------------------------------------------------------- Score

def test_fraction_and_percent_are_derived() -> None:
    """A score's fraction and percent come from its points; nothing to score is 0, not an
    error."""
    assert Score(1.5, 2.0).fraction == 0.75 and Score(1.5, 2.0).percent == 75.0
    assert Score(0.0, 0).fraction == 0.0 and NOTHING.percent == 0.0


def test_of_fraction_is_that_share_of_the_points() -> None:
    """A verdict's credit on a part worth 4 points is credit * 4 points out of 4."""
    assert Score.of_fraction(0.5, 4.0) == Score(2.0, 4.0)
    assert Score.of_fraction(0.0, 2.5) == Score(0.0, 2.5)


def test_total_of_nothing_prints_as_zero() -> None:
    """The total of no scores is the int 0 out of 0, so its JSON is `0` (as a sum of
    nothing always printed), while a total of float points stays a float."""
    assert json.dumps({"score": total([]).points, "max": total([]).max_points}) == \
        '{"score": 0, "max": 0}'
    assert json.dumps(total([Score(0.0, 1.0)]).points) == "0.0"


def test_total_adds_in_order_and_rounds_to_six_decimals() -> None:
    """Totals add points and max points and drop float noise past 6 decimals."""
    s = total([Score(0.1, 1.0), Score(0.2, 1.0), Score(1 / 3, 1.0)])
    assert s == Score(round(0.1 + 0.2 + 1 / 3, 6), 3.0)
    assert (Score(1.0, 2.0) + Score(0.5, 1.0)) == Score(1.5, 3.0)


@pytest.mark.parametrize("points,max_points", [
    (math.nan, 1.0), (math.inf, 1.0), (1.0, math.inf), (0.0, -1.0), (True, 1.0), (1.0, False),
    ("1", 1.0), (None, 1.0)])
def test_a_score_refuses_what_is_not_a_finite_number(points: object, max_points: object
                                                     ) -> None:
    """NaN, infinities, booleans, text and a negative maximum never become a score (so
    never a gradebook cell)."""
    with pytest.raises(ValueError):
        Score(points, max_points)  # type: ignore[arg-type]


def test_adding_something_else_is_a_type_error() -> None:
    """A score adds only to a score (a bare number has no maximum)."""
    with pytest.raises(TypeError):
        Score(1.0, 1.0) + 1.0  # type: ignore[operator]


# ---------------------------------------------------------------------------- Gradescope

def test_results_json_keys_and_statuses() -> None:
    """results.json: score, output lines joined, visibility, stdout_visibility only when
    given, then the tests as passed/failed with their points."""
    tests = [GradescopeTest("t1", Score(1.0, 1.0), True, "passed"),
             GradescopeTest("t2", Score(0.0, 2.0), False, "why", "hidden")]
    data = results_json(Score(1.0, 3.0), ["a", "b"], tests, stdout_visibility="hidden")
    assert list(data) == ["score", "output", "visibility", "stdout_visibility", "tests"]
    assert data["output"] == "a\nb" and data["score"] == 1.0
    assert data["tests"] == [
        {"name": "t1", "score": 1.0, "max_score": 1.0, "status": "passed", "output": "passed",
         "visibility": "visible"},
        {"name": "t2", "score": 0.0, "max_score": 2.0, "status": "failed", "output": "why",
         "visibility": "hidden"}]
    assert "stdout_visibility" not in results_json(Score(0, 0), [], [])


def test_code_report_goes_through_the_one_writer() -> None:
    """A code report's results.json is the writer's, with the seed line and a passed test
    saying 'passed'."""
    data = REPORT.to_gradescope()
    assert data["score"] == 1.0 and data["output"] == \
        "mldrill grade, seed 5.\nIsolation: rlimits."
    assert [(t["name"], t["status"], t["output"]) for t in data["tests"]] == [
        ("relu_forward", "passed", "passed"), ("relu_backward", "failed", "wrong values")]


# ---------------------------------------------------------------------------- gradebook

def test_gradebook_blanks_the_max_of_nothing(tmp_path: Path) -> None:
    """A student with nothing scored gets a total and a blank max; test cells are points."""
    rows = [GradebookRow("ada", "graded", Score(1.5, 3.0),
                         (("t1", Score(1.5, 1.5)), ("t2", Score(0.0, 1.5)))),
            GradebookRow("eve", "not gradable", total([])),
            GradebookRow("dee", "not gradable", Score(0.0, 0))]
    path = tmp_path / "g.csv"
    assert write_gradebook(path, rows) == ["t1", "t2"]
    assert list(csv.reader(path.open(newline=""))) == [
        ["student", "outcome", "t1", "t2", "total", "max"],
        ["ada", "graded", "1.5", "0.0", "1.5", "3.0"],
        ["eve", "not gradable", "", "", "0", ""],
        ["dee", "not gradable", "", "", "0.0", ""]]


def test_batch_json_has_the_seed_only_for_code(tmp_path: Path) -> None:
    """The batch JSON: seed (code), the gradebook's path, every report in order."""
    entry = BatchEntry("dee", None, 5, "intake:x", None, Ungraded("not gradable", "nothing"))
    assert list(batch_json(tmp_path / "g.csv", [entry], seed=5)) == \
        ["seed", "gradebook", "reports"]
    assert list(batch_json(tmp_path / "g.csv", [entry])) == ["gradebook", "reports"]


# ---------------------------------------------------------------------------- resume

GRADED = BatchEntry("ada", "class/ada.py", 5, "d" * 64, "layers", REPORT)
MISSED = BatchEntry("dee", None, 5, "intake:abc", None, Ungraded("not gradable",
                                                                  "no .py file"))


@pytest.mark.parametrize("entry", [GRADED, MISSED], ids=["graded", "ungraded"])
def test_an_entry_reads_back_as_written(entry: BatchEntry) -> None:
    """What the batch wrote (through JSON) reads back as the same entry, so a resumed
    batch prints and totals it exactly as the run that graded it."""
    data = json.loads(json.dumps(entry.to_json(), indent=1))
    back = BatchEntry.from_json(data)
    assert back.to_json() == entry.to_json() and back.score == entry.score
    assert back.to_row() == entry.to_row()


def _tampered() -> list[tuple[str, dict[str, object]]]:
    good = GRADED.to_json()
    test0 = dict(good["tests"][0])  # type: ignore[index]
    cases: list[tuple[str, dict[str, object]]] = [
        ("total-raised", {**good, "score": 100.0}),
        ("max-lowered", {**good, "max_score": 1.0}),
        ("gradable-flipped", {**good, "gradable": False}),
        ("unknown-outcome", {**good, "outcome": "excellent"}),
        ("extra-key", {**good, "bonus": 1}),
        ("missing-key", {k: v for k, v in good.items() if k != "isolation"}),
        ("bool-seed", {**good, "seed": True}),
        ("text-score", {**good, "score": "=1+1"}),
        ("nan-test-score", {**good, "tests": [{**test0, "score": math.nan}]}),
        ("text-test-max", {**good, "tests": [{**test0, "max_score": "1"}]}),
        ("unknown-reason", {**good, "tests": [{**test0, "reason": "lucky"}]}),
        ("unknown-status", {**good, "tests": [{**test0, "status": "great"}]}),
        ("tests-not-a-list", {**good, "tests": "oops"}),
        ("test-not-an-object", {**good, "tests": [1]}),
        ("raw-escape", {**good, "message": "\x1b[2J"}),
        ("ungraded-claims-graded", {**MISSED.to_json(), "outcome": "graded"}),
        ("ungraded-with-points", {**MISSED.to_json(), "score": 5.0}),
        ("ungraded-with-max", {**MISSED.to_json(), "max_score": 5.0}),
        ("student-missing", {k: v for k, v in good.items() if k != "student"}),
        ("digest-a-number", {**good, "digest": 1}),
    ]
    return cases


@pytest.mark.parametrize("data", [d for _, d in _tampered()], ids=[n for n, _ in _tampered()])
def test_an_entry_not_as_written_is_refused(data: dict[str, object]) -> None:
    """A report edited or corrupted after the batch wrote it (totals that disagree with
    its tests, unknown words, wrong types, raw control characters) is refused: the
    student is regraded rather than trusted."""
    with pytest.raises(ValueError):
        BatchEntry.from_json(data)


@given(st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(),
                    lambda kids: st.lists(kids, max_size=4)
                    | st.dictionaries(st.text(max_size=12), kids, max_size=6), max_leaves=30))
def test_any_json_either_reads_back_exactly_or_is_refused(data: object) -> None:
    """Any JSON value is refused with ValueError or is an entry whose JSON is that value."""
    try:
        entry = BatchEntry.from_json(data)
    except ValueError:
        return
    assert entry.to_json() == data


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.floats() | st.integers()
                           | st.text(max_size=20),
                           lambda kids: st.lists(kids, max_size=3)
                           | st.dictionaries(st.text(max_size=12), kids, max_size=4),
                           max_leaves=10)


@given(entry=st.sampled_from([GRADED, MISSED]), key=st.text(max_size=12)
       | st.sampled_from(sorted(GRADED.to_json())), value=JSON_VALUES,
       in_test=st.booleans())
def test_any_edit_of_a_written_entry_is_refused_or_changes_nothing(
        entry: BatchEntry, key: str, value: object, in_test: bool) -> None:
    """Replacing any key of a written entry (or of its first test) with any JSON value is
    refused with ValueError, or reads back as an entry whose JSON is the edited value."""
    data = entry.to_json()
    tests = data.get("tests")
    if in_test and isinstance(tests, list) and tests:
        data["tests"] = [{**tests[0], key: value}, *tests[1:]]
    else:
        data[key] = value
    try:
        back = BatchEntry.from_json(data)
    except ValueError:
        return
    assert back.to_json() == data
