"""Gradescope's results.json, written in one place for every kind of submission.

Code (`GradeReport.to_gradescope`) and answer files (`SheetGrade.to_gradescope`) both hand
over a total, the lines of the overall output and one `GradescopeTest` per test or part;
this module decides the keys, their order and how a status is said (Gradescope knows only
passed and failed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mldrill.score import Score


@dataclass(frozen=True)
class GradescopeTest:
    """One row of Gradescope's test list."""

    __test__ = False  # not a pytest class

    name: str
    score: Score
    passed: bool
    output: str
    visibility: str = "visible"

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "score": self.score.points,
                "max_score": self.score.max_points,
                "status": "passed" if self.passed else "failed",
                "output": self.output, "visibility": self.visibility}


def results_json(score: Score, output: Sequence[str], tests: Sequence[GradescopeTest], *,
                 stdout_visibility: str | None = None) -> dict[str, object]:
    """results.json: the total, the output's lines joined, the tests; `stdout_visibility`
    only when given (code hides what a submission printed)."""
    data: dict[str, object] = {"score": score.points, "output": "\n".join(output),
                               "visibility": "visible"}
    if stdout_visibility is not None:
        data["stdout_visibility"] = stdout_visibility
    data["tests"] = [t.to_json() for t in tests]
    return data
