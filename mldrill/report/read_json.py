"""Typed readers of what the graders wrote, into `model` records. Anything that is not as
mldrill writes it raises ValueError (the caller turns it into a warning); nothing is
trusted beyond its type: a student could have edited a file on its way to the instructor.

- a sheet's student: the JSON of `mldrill.sheets.answers.SheetGrade.to_json`;
- a code student: a `mldrill.grade.batch.BatchEntry` report (read back exactly);
- exam attempts: the file `mldrill history --export` writes (see `exam_export`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from mldrill.report.model import Response, StudentRecord

T = TypeVar("T")
Topics = Callable[[str], str]  # a problem id's topic ("?" when unknown)
MAX_TEXT = 4000                # an answer or message longer than this is cut
MAX_NAME = 200                 # an id, item, problem or topic longer than this: refused
LONG = frozenset({"message", "answer", "output", "reference", "expression"})


def mapping(data: object, what: str = "an object") -> Mapping[str, object]:
    if not isinstance(data, dict):
        raise ValueError(f"expected {what}")
    return data


def field(d: Mapping[str, object], key: str, kind: type[T]) -> T:
    value = d.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ValueError(f"'{key}' must be a {kind.__name__}")
    if isinstance(value, str) and len(value) > MAX_NAME and key not in LONG:
        raise ValueError(f"'{key}' is longer than {MAX_NAME} characters")
    return value


def optional_text(d: Mapping[str, object], key: str) -> str | None:
    value = d.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be text or null")
    return value[:MAX_TEXT]


def number(d: Mapping[str, object], key: str, low: float = 0.0, high: float = 1e9) -> float:
    value = d.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not low <= value <= high:
        raise ValueError(f"'{key}' must be a number from {low:g} to {high:g}")
    return float(value)


def _first_message(d: Mapping[str, object]) -> str:
    messages = d.get("messages", [])
    if not isinstance(messages, list) or not all(isinstance(m, str) for m in messages):
        raise ValueError("'messages' must be a list of text")
    return str(messages[0])[:MAX_TEXT] if messages else ""


PART_STATUSES = ("correct", "incorrect", "invalid", "unanswered")


def _status(d: Mapping[str, object], allowed: tuple[str, ...]) -> str:
    value = d.get("status")
    if value not in allowed:
        raise ValueError(f"'status' must be one of {', '.join(allowed)}")
    return str(value)


def sheet_part(d: Mapping[str, object], topics: Topics) -> Response:
    """One part of a sheet's graded JSON."""
    question = field(d, "question", int)
    part = field(d, "part", str)
    problem = field(d, "problem_id", str)
    high = number(d, "max_score")
    return Response(f"Q{question} {part}", problem, topics(problem),
                    _status(d, PART_STATUSES), min(number(d, "score"), high), high,
                    optional_text(d, "answer"), optional_text(d, "diagnosis"),
                    _first_message(d), reference=optional_text(d, "reference"),
                    expression=optional_text(d, "expression"))


def once(responses: list[Response]) -> tuple[Response, ...]:
    """`responses`, refusing an item given twice (the graders never write one twice)."""
    seen: set[str] = set()
    for r in responses:
        if r.item in seen:
            raise ValueError(f"'{r.item}' is given twice")
        seen.add(r.item)
    return tuple(responses)


def sheet_student(data: object, topics: Topics) -> StudentRecord:
    """A student of a sheet: `SheetGrade.to_json`."""
    d = mapping(data)
    parts = field(d, "parts", list)
    return StudentRecord(field(d, "student", str), field(d, "outcome", str),
                         once([sheet_part(mapping(p, "a part"), topics) for p in parts]),
                         field(d, "message", str)[:MAX_TEXT])


def code_student(data: object) -> StudentRecord:
    """A student of a code batch: a `BatchEntry` report, read back exactly (one that is not
    as the batch wrote it raises ValueError)."""
    from mldrill.grade.batch import BatchEntry
    from mldrill.grade.report import GradeReport

    entry = BatchEntry.from_json(data)
    tests = entry.report.tests if isinstance(entry.report, GradeReport) else ()
    responses = tuple(Response(t.name, t.assignment, t.exercise or t.assignment, t.status,
                               t.score.points, t.score.max_points,
                               message=t.output[:MAX_TEXT], reason=t.reason)
                      for t in tests)
    return StudentRecord(entry.student, entry.outcome, responses, entry.message[:MAX_TEXT])
