"""The class report as data: what `mldrill report` renders, and its `--json` (a stable
shape, version 1, documented in docs/report.md: fields are only ever added)."""

from __future__ import annotations

from dataclasses import dataclass

from mldrill.report.model import Kind
from mldrill.report.stats import Bin

FORMAT = "mldrill-class-report"
VERSION = 1


@dataclass(frozen=True)
class Group:
    """Students who share something on one item: a diagnosis (`label` is its tag), or
    for code a failure (`label` is "reason: message shape"). `also_missed`: the other
    items at least half of them missed (two or more students), most missed first;
    `example`: one full message (code: one failed test's output; sheets: the feedback)."""

    label: str
    students: tuple[str, ...]
    also_missed: tuple[tuple[str, int], ...] = ()
    example: str = ""

    @property
    def count(self) -> int:
        return len(self.students)

    def to_json(self) -> dict[str, object]:
        return {"label": self.label, "count": self.count, "students": list(self.students),
                "also_missed": [{"item": i, "count": c} for i, c in self.also_missed],
                "example": self.example}


@dataclass(frozen=True)
class AnswerGroup:
    """A wrong answer no catalogued mistake explained (`diagnosis`: the generic one the
    grader gave it, if any: "factor", "shape", ...), the students who typed it (or, with
    `relation`, who typed their own reference changed the same way; `answer` is then one
    of theirs), and the YAML `mistakes:` entry to paste into the problem's file."""

    answer: str
    students: tuple[str, ...]
    yaml: str
    relation: str | None = None   # e.g. "reference × 2": the same slip on each one's numbers
    diagnosis: str | None = None  # the generic diagnosis the grader gave it, if any

    @property
    def count(self) -> int:
        return len(self.students)

    def to_json(self) -> dict[str, object]:
        return {"answer": self.answer, "relation": self.relation,
                "diagnosis": self.diagnosis, "count": self.count,
                "students": list(self.students), "yaml": self.yaml}


@dataclass(frozen=True)
class ItemStats:
    """One question part or code test over the graded students who had it."""

    item: str
    problem: str
    topic: str
    max_score: float
    students: int                # graded students who had this item
    correct: int                 # with full marks
    blank: int                   # left blank or not attempted
    invalid: int                 # answers that could not be read
    mean: float | None           # mean fraction of the points
    p_correct: float | None
    point_biserial: float | None
    upper_lower: float | None
    distribution: tuple[tuple[float, int], ...]   # (score, students), by score
    diagnoses: tuple[Group, ...]                  # sheets and exams
    unexplained: tuple[AnswerGroup, ...]          # sheets and exams
    failures: tuple[Group, ...]                   # code
    follow_through: tuple[str, ...] = ()          # right for their own wrong earlier parts

    def to_json(self) -> dict[str, object]:
        return {"item": self.item, "problem": self.problem, "topic": self.topic,
                "max_score": self.max_score, "students": self.students,
                "correct": self.correct, "blank": self.blank, "invalid": self.invalid,
                "mean": self.mean, "p_correct": self.p_correct,
                "point_biserial": self.point_biserial, "upper_lower": self.upper_lower,
                "distribution": [{"score": s, "count": c} for s, c in self.distribution],
                "diagnoses": [g.to_json() for g in self.diagnoses],
                "unexplained": [a.to_json() for a in self.unexplained],
                "failures": [g.to_json() for g in self.failures],
                "follow_through": list(self.follow_through)}


@dataclass(frozen=True)
class TopicStats:
    topic: str
    items: int
    points: float
    possible: float
    below_half: tuple[str, ...]   # students with less than half of this topic's points

    @property
    def mastery(self) -> float | None:
        return round(self.points / self.possible, 4) if self.possible else None

    def to_json(self) -> dict[str, object]:
        return {"topic": self.topic, "items": self.items, "points": self.points,
                "possible": self.possible, "mastery": self.mastery,
                "below_half": list(self.below_half)}


@dataclass(frozen=True)
class Misconception:
    """A diagnosis (code: a failure) a student showed on more than one item."""

    label: str
    items: tuple[str, ...]
    advice: str

    def to_json(self) -> dict[str, object]:
        return {"label": self.label, "count": len(self.items), "items": list(self.items),
                "advice": self.advice}


@dataclass(frozen=True)
class StudentProfile:
    student: str
    outcome: str
    score: float
    max_score: float
    message: str
    misconceptions: tuple[Misconception, ...]
    missed: tuple[str, ...]       # items without full marks

    @property
    def percent(self) -> float | None:
        return round(100 * self.score / self.max_score, 2) if self.max_score else None

    def to_json(self) -> dict[str, object]:
        return {"student": self.student, "outcome": self.outcome, "score": self.score,
                "max_score": self.max_score, "percent": self.percent,
                "message": self.message,
                "misconceptions": [m.to_json() for m in self.misconceptions],
                "missed": list(self.missed)}


@dataclass(frozen=True)
class ClassReport:
    kind: Kind
    source: str
    anonymous: bool
    graded: int
    mean_percent: float | None
    median_percent: float | None
    histogram: tuple[Bin, ...]
    items: tuple[ItemStats, ...]
    topics: tuple[TopicStats, ...]
    students: tuple[StudentProfile, ...]
    warnings: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"format": FORMAT, "version": VERSION, "kind": self.kind,
                "source": self.source, "anonymous": self.anonymous,
                "students_total": len(self.students), "graded": self.graded,
                "mean_percent": self.mean_percent, "median_percent": self.median_percent,
                "histogram": [b.to_json() for b in self.histogram],
                "items": [i.to_json() for i in self.items],
                "topics": [t.to_json() for t in self.topics],
                "students": [s.to_json() for s in self.students],
                "warnings": list(self.warnings)}
