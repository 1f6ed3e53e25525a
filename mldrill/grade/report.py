"""A graded submission as data, and its JSON and Gradescope forms.

Three outcomes are kept apart (and get distinct exit codes in the CLI):
- graded: the submission ran; any score, 0 included;
- not gradable: the student's to fix (a syntax or import error, nothing recognisable);
- grader failure: a bug in mldrill or in an assignment file, reported as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

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


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest class

    name: str                 # contains the function's name
    assignment: str
    exercise: str
    score: float
    max_score: float
    status: TestStatus
    output: str               # why it failed (empty when passed)
    visibility: str
    seconds: float = 0.0
    reason: Reason | None = None  # None when passed

    def __post_init__(self) -> None:  # student text enters reports only cleaned
        _clean_fields(self, ("name", "assignment", "exercise", "visibility"), ("output",))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "assignment": self.assignment, "exercise": self.exercise,
                "score": self.score, "max_score": self.max_score, "status": self.status,
                "output": self.output, "visibility": self.visibility,
                "seconds": round(self.seconds, 3), "reason": self.reason}


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

    def __post_init__(self) -> None:  # student text enters reports only cleaned
        _clean_fields(self, ("submission",), ("message", "stdout"))
        for name in ("assignments", "isolation", "functions"):
            object.__setattr__(self, name, tuple(clean_line(x) for x in getattr(self, name)))

    @property
    def gradable(self) -> bool:
        return self.outcome == "graded"

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 6)

    def to_json(self) -> dict[str, Any]:
        return {"submission": self.submission, "score": self.score,
                "max_score": self.max_score, "gradable": self.gradable,
                "outcome": self.outcome, "seed": self.seed,
                "assignments": list(self.assignments), "message": self.message,
                "isolation": list(self.isolation), "seconds": round(self.seconds, 3),
                "tests": [t.to_json() for t in self.tests]}

    def to_gradescope(self) -> dict[str, Any]:
        """Gradescope's results.json: score, output, visibility and the tests."""
        lines = [f"mldrill grade, seed {self.seed}."]
        if self.message:
            lines.append(self.message)
        if self.isolation:
            lines.append("Isolation: " + "; ".join(self.isolation) + ".")
        return {
            "score": self.score,
            "output": "\n".join(lines),
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [{"name": t.name, "score": t.score, "max_score": t.max_score,
                       "status": "passed" if t.status == "passed" else "failed",
                       "output": t.output or ("passed" if t.status == "passed" else ""),
                       "visibility": t.visibility} for t in self.tests],
        }


def _clean_fields(obj: object, lines: tuple[str, ...], texts: tuple[str, ...]) -> None:
    """Clean string fields of a frozen dataclass in place: `lines` to one line, `texts`
    keeping their newlines (see mldrill.text)."""
    for name in lines:
        object.__setattr__(obj, name, clean_line(str(getattr(obj, name))))
    for name in texts:
        object.__setattr__(obj, name, clean(str(getattr(obj, name))))
