"""A graded submission as data, and its JSON and Gradescope forms.

Three outcomes are kept apart (and get distinct exit codes in the CLI):
- graded: the submission ran; any score, 0 included;
- not gradable: the student's to fix (a syntax or import error, nothing recognisable);
- grader failure: a bug in mldrill or in an assignment file, reported as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar, get_args

from mldrill.grade.gradescope import GradescopeTest, results_json
from mldrill.grade.origin import Origin
from mldrill.score import Score, total
from mldrill.text import clean, clean_line

Outcome = Literal["graded", "not gradable", "grader failure"]
TestStatus = Literal["passed", "failed", "not attempted"]
# why a test did not pass, as data (the output says it in words):
# wrong: values or shape differ; invalid-return: not the kind of value expected (type, dtype,
# item count, keys); mutated: an input was modified in place; error: the function raised;
# missing: a function is not defined; timeout, crashed, memory, output-limit, protocol: how
# the sandboxed process failed during the test (timeout also: not run after an earlier one)
Reason = Literal["wrong", "invalid-return", "mutated", "error", "missing", "timeout",
                 "crashed", "memory", "output-limit", "protocol"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest class

    name: str                 # contains the function's name
    assignment: str
    exercise: str
    score: Score              # out of the test's points
    status: TestStatus
    output: str               # why it failed (empty when passed)
    visibility: str
    seconds: float = 0.0
    reason: Reason | None = None  # None when passed

    def __post_init__(self) -> None:  # student text enters reports only cleaned
        _clean_fields(self, ("name", "assignment", "exercise", "visibility"), ("output",))

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "assignment": self.assignment, "exercise": self.exercise,
                "score": self.score.points, "max_score": self.score.max_points,
                "status": self.status, "output": self.output, "visibility": self.visibility,
                "seconds": round(self.seconds, 3), "reason": self.reason}

    @classmethod
    def from_json(cls, data: object) -> TestOutcome:
        """The outcome `to_json` wrote; ValueError for anything else."""
        d = _mapping(data)
        return cls(_get(d, "name", str), _get(d, "assignment", str), _get(d, "exercise", str),
                   Score(_number(d, "score"), _number(d, "max_score")),
                   _choice(d, "status", get_args(TestStatus)), _get(d, "output", str),
                   _get(d, "visibility", str), _number(d, "seconds"),
                   None if d.get("reason") is None else _choice(d, "reason", get_args(Reason)))


@dataclass(frozen=True)
class GradeReport:
    submission: str
    seed: int
    outcome: Outcome
    assignments: tuple[str, ...] = ()
    tests: tuple[TestOutcome, ...] = ()
    message: str = ""         # for not gradable / grader failure: what happened
    isolation: tuple[str, ...] = ()
    stdout: str = ""          # what the submission printed at import
    seconds: float = 0.0
    functions: tuple[str, ...] = field(default=())  # what the submission defines
    graded: Origin | None = None  # which file (member, cells) was graded; JSON "graded"

    def __post_init__(self) -> None:  # student text enters reports only cleaned
        _clean_fields(self, ("submission",), ("message", "stdout"))
        for name in ("assignments", "isolation", "functions"):
            object.__setattr__(self, name, tuple(clean_line(x) for x in getattr(self, name)))

    @property
    def gradable(self) -> bool:
        return self.outcome == "graded"

    @property
    def score(self) -> Score:
        """The tests' scores added up (0 out of 0 when none ran)."""
        return total(t.score for t in self.tests)

    def to_json(self) -> dict[str, object]:
        score = self.score
        return {"submission": self.submission, "score": score.points,
                "max_score": score.max_points, "gradable": self.gradable,
                "outcome": self.outcome, "seed": self.seed,
                "assignments": list(self.assignments), "message": self.message,
                "isolation": list(self.isolation), "seconds": round(self.seconds, 3),
                "tests": [t.to_json() for t in self.tests],
                **({"graded": self.graded.to_json()} if self.graded is not None else {})}

    @classmethod
    def from_json(cls, data: object) -> GradeReport:
        """The report `to_json` wrote, exactly (its totals agreeing with its tests);
        ValueError for anything else. What the JSON leaves out (stdout, functions) is
        empty."""
        d = _mapping(data)
        tests = _get(d, "tests", list)
        report = cls(_get(d, "submission", str), _get(d, "seed", int),
                     _choice(d, "outcome", OUTCOMES), _strings(d, "assignments"),
                     tuple(TestOutcome.from_json(t) for t in tests), _get(d, "message", str),
                     _strings(d, "isolation"), seconds=_number(d, "seconds"),
                     graded=Origin.from_json(d["graded"]) if "graded" in d else None)
        if report.to_json() != d:
            raise ValueError("not a report as mldrill writes it")
        return report

    def to_gradescope(self) -> dict[str, object]:
        """Gradescope's results.json: score, output, visibility and the tests."""
        lines = [f"mldrill grade, seed {self.seed}."]
        if self.graded is not None and self.graded.kind != "python":
            lines.append(f"Graded: {self.graded.describe()}.")
        if self.message:
            lines.append(self.message)
        if self.isolation:
            lines.append("Isolation: " + "; ".join(self.isolation) + ".")
        tests = [GradescopeTest(t.name, t.score, t.status == "passed",
                                t.output or ("passed" if t.status == "passed" else ""),
                                t.visibility) for t in self.tests]
        return results_json(self.score, lines, tests, stdout_visibility="hidden")


def _clean_fields(obj: object, lines: tuple[str, ...], texts: tuple[str, ...]) -> None:
    """Clean string fields of a frozen dataclass in place: `lines` to one line, `texts`
    keeping their newlines (see mldrill.text)."""
    for name in lines:
        object.__setattr__(obj, name, clean_line(str(getattr(obj, name))))
    for name in texts:
        object.__setattr__(obj, name, clean(str(getattr(obj, name))))


# ------------------------------------------------------------------ reading JSON back

T = TypeVar("T")
C = TypeVar("C", bound=str)


def _mapping(data: object) -> Mapping[str, object]:
    if not isinstance(data, dict):
        raise ValueError("expected an object")
    return data


def _get(d: Mapping[str, object], key: str, kind: type[T]) -> T:
    value = d.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ValueError(f"'{key}' must be a {kind.__name__}")
    return value


def _number(d: Mapping[str, object], key: str) -> float:
    value = d.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"'{key}' must be a number")
    return value


def _choice(d: Mapping[str, object], key: str, allowed: tuple[C, ...]) -> C:
    value = d.get(key)
    for a in allowed:
        if value == a:
            return a
    raise ValueError(f"'{key}' must be one of {', '.join(allowed)}")


def _strings(d: Mapping[str, object], key: str) -> tuple[str, ...]:
    items = _get(d, key, list)
    if not all(isinstance(x, str) for x in items):
        raise ValueError(f"'{key}' must be a list of strings")
    return tuple(items)
