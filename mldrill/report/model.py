"""What every graded source is read into: one `Response` per student per item (a question
part or a code test), whatever produced it. Every text is cleaned on the way in."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from mldrill.record import replace
from mldrill.text import clean, clean_line

Kind = Literal["sheets", "code", "exams"]
RIGHT = frozenset({"correct", "passed"})
FOLLOW_THROUGH = "follow-through"  # the diagnosis of a part right for earlier wrong answers


@dataclass(frozen=True)
class Response:
    """One student's graded answer to one item.

    `item`: the item's name ("Q1 dW" on a sheet, a test's name, "<problem id> <part>" in an
    exam); `problem`: the problem id (sheets, exams) or assignment (code); `status`:
    correct/incorrect/invalid/unanswered (parts) or passed/failed/not attempted (tests);
    `diagnosis`: the grader's tag for a wrong answer; `message`: the first feedback line, or
    a failed test's output; `reason`: why a test failed (code only); `reference` and
    `expression`: the student's reference answer and the bank's expression for it (known
    for a sheet graded by the report, for its unexplained wrong answers)."""

    item: str
    problem: str
    topic: str
    status: str
    score: float
    max_score: float
    answer: str | None = None
    diagnosis: str | None = None
    message: str = ""
    reason: str | None = None
    reference: str | None = None    # the student's own reference answer, where known
    expression: str | None = None   # the part's reference expression in the bank

    def __post_init__(self) -> None:
        for name in ("item", "problem", "topic", "status"):
            object.__setattr__(self, name, clean_line(getattr(self, name)))
        for name in ("answer", "diagnosis", "reason", "reference", "expression"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, clean(value))
        object.__setattr__(self, "message", clean(self.message))

    @property
    def right(self) -> bool:
        """Full marks: a correct part or a passed test, all its points earned (a part
        correct by follow-through may earn less)."""
        return self.status in RIGHT and self.score >= self.max_score - 1e-9

    @property
    def uncatalogued(self) -> bool:
        """A wrong answer (read, not right) that no catalogued mistake explains: no
        diagnosis, or only a generic one ("factor", "transposed", "shape", ...)."""
        return self.status == "incorrect" and not (self.diagnosis or "").startswith(
            "mistake:")

    @property
    def followed(self) -> bool:
        """Right for the student's own wrong earlier answers (follow-through credit)."""
        return self.diagnosis == FOLLOW_THROUGH and self.status == "correct"

    @property
    def wrong(self) -> bool:
        """Answered and not right (blank and unattempted items are not wrong answers)."""
        return self.status in ("incorrect", "invalid", "failed")


@dataclass(frozen=True)
class StudentRecord:
    """One student: how the grading went (`outcome`), and the graded items."""

    student: str
    outcome: str
    responses: tuple[Response, ...] = ()
    message: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "student", clean_line(self.student))
        object.__setattr__(self, "outcome", clean_line(self.outcome))
        object.__setattr__(self, "message", clean(self.message))

    @property
    def graded(self) -> bool:
        return self.outcome == "graded"

    @property
    def score(self) -> float:
        return round(sum(r.score for r in self.responses), 6)

    @property
    def max_score(self) -> float:
        return round(sum(r.max_score for r in self.responses), 6)


@dataclass(frozen=True)
class ClassData:
    """A class as read from PATH: its students and the warnings met reading it."""

    kind: Kind
    source: str
    students: tuple[StudentRecord, ...]
    warnings: tuple[str, ...] = ()

    def anonymised(self) -> ClassData:
        """The same class with every id replaced by `student-NNN` (numbered in the order of
        a hash of the id, so the numbering does not reveal alphabetical order), also where
        an id appears inside a message or answer."""
        order = sorted(self.students, key=lambda s: hashlib.sha256(
            s.student.encode("utf-8", "surrogatepass")).hexdigest())
        width = max(3, len(str(len(order))))
        alias = {s.student: f"student-{i + 1:0{width}d}" for i, s in enumerate(order)}
        return replace(self, students=tuple(_anonymise(s, alias) for s in self.students),
                       warnings=tuple(_hide(w, alias) for w in self.warnings))


def _hide(text: str, alias: dict[str, str]) -> str:
    """`text` with every id (longest first, so one id inside another is not half-replaced)
    replaced by its alias."""
    names = sorted((a for a in alias if a), key=len, reverse=True)
    if not names or not text:
        return text
    pattern = re.compile("(?<![A-Za-z0-9_])(" + "|".join(re.escape(n) for n in names)
                         + ")(?![A-Za-z0-9_])")
    return pattern.sub(lambda m: alias[m.group(1)], text)


def _anonymise(s: StudentRecord, alias: dict[str, str]) -> StudentRecord:
    responses = tuple(replace(r, answer=None if r.answer is None else _hide(r.answer, alias),
                              message=_hide(r.message, alias)) for r in s.responses)
    return StudentRecord(alias[s.student], s.outcome, responses, _hide(s.message, alias))
