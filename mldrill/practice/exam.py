"""An exam as data: the paper, the answers given so far, and the report at the end.

No printing and no input here: `mldrill/cli/exam.py` asks and renders. The rules:
- The paper depends only on the seed and the selection (topics, tags, difficulty, count),
  never on the student's progress, so an instructor can hand a room the same paper.
- Until the exam is submitted nothing is judged aloud: an answer is only read (a malformed
  one is refused with the reason, as in practice, and not kept); it can be replaced or
  cleared at any time before the end.
- The clock is the exam's: `time_left()` counts down from `minutes`; an answer given after
  the time is up is not accepted, and `submit()` marks the paper as submitted on time or not.
- `submit()` judges every part once, stores one attempt per part (mode "exam"; parts left
  blank as "unanswered") and updates each family's review card like a practice answer on a
  first try without hints.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from mldrill.answers.base import PartResult, check_part
from mldrill.answers.follow import judge
from mldrill.practice.session import Clock, WallClock
from mldrill.progress.due import utc_now
from mldrill.progress.schedule import PartOutcome, rating_for, review
from mldrill.progress.store import Attempt, Store
from mldrill.record import record
from mldrill.score import Score
from mldrill.variants.generate import Variant, make_variant
from mldrill.variants.rng import VariantRNG

if TYPE_CHECKING:
    from mldrill.bank.catalog import Catalog, FamilyMeta
    from mldrill.bank.index import FamilyLike
    from mldrill.bank.model import ProblemFamily
    from mldrill.values import Json, JsonObject

M = TypeVar("M", bound="FamilyLike")  # a family, or its listing metadata (FamilyInfo)


@record(frozen=True)
class Question:
    number: int          # 1-based position on the paper
    variant: Variant

    @property
    def family(self) -> ProblemFamily:
        return self.variant.family


def draw_families(families: Sequence[M], count: int, rng: VariantRNG,
                  repeat: bool = True) -> list[M]:
    """`count` families with topics taken in turn: distinct while they last, then (with
    `repeat`) drawn again; without `repeat` at most one of each."""
    if not families:
        return []
    by_topic: dict[str, list[M]] = {}
    for f in sorted(families, key=lambda f: f.id):
        by_topic.setdefault(f.topic, []).append(f)
    pools = {t: rng.shuffled(fs) for t, fs in sorted(by_topic.items())}
    topics = rng.shuffled(sorted(pools))
    target = count if repeat else min(count, len(families))
    chosen: list[M] = []
    while len(chosen) < target:
        for t in topics:
            if len(chosen) == target:
                break
            if not pools[t]:
                continue
            chosen.append(pools[t].pop(0))
            if not pools[t] and repeat:  # refill: families repeat, with new variants
                pools[t] = rng.shuffled(by_topic[t])
    return chosen


def build_paper(catalog: Catalog, families: Sequence[FamilyMeta], count: int,
                seed: int) -> list[Question]:
    """`count` questions drawn from `families` (metadata will do: the drawn ones are
    loaded from the catalog) for `seed` (see draw_families), each with its own variant
    seed."""
    rng = VariantRNG("exam", seed)
    chosen = draw_families(families, count, rng)
    return [Question(i + 1, make_variant(catalog.get(f.id), rng.integer(0, 99_999),
                                         catalog.functions))
            for i, f in enumerate(chosen)]


@record
class Entry:
    """The student's current answer to one part, read but not yet judged aloud."""
    text: str
    result: PartResult          # judged on entry (kept hidden until the end)
    at: float                   # seconds into the exam


@record(frozen=True)
class PartReport:
    name: str
    points: float
    answer: str | None          # None: left blank
    result: PartResult | None
    reference: str

    @property
    def status(self) -> str:
        return self.result.status if self.result is not None else "unanswered"

    @property
    def credit(self) -> float:
        """The fraction of the part's points earned (0 when left blank)."""
        return self.result.credit if self.result is not None else 0.0

    @property
    def score(self) -> Score:
        return Score.of_fraction(self.credit, self.points)

    def to_json(self) -> JsonObject:
        return {"part": self.name, "points": self.points, "answer": self.answer,
                "status": self.status, "score": self.credit,
                "diagnosis": self.result.diagnosis if self.result else None,
                "messages": list(self.result.shown) if self.result else [],
                "follow_through": self.result.follow_through.to_json()
                if self.result and self.result.follow_through else None,
                "reference": self.reference}


@record(frozen=True)
class QuestionReport:
    number: int
    problem_id: str
    topic: str
    title: str
    seed: int
    parts: tuple[PartReport, ...]
    solution: str

    @property
    def points(self) -> float:
        return sum(p.score.points for p in self.parts)

    @property
    def possible(self) -> float:
        return sum(p.points for p in self.parts)

    def to_json(self) -> dict[str, object]:
        return {"number": self.number, "problem_id": self.problem_id, "topic": self.topic,
                "title": self.title, "seed": self.seed, "points": self.points,
                "possible": self.possible, "parts": [p.to_json() for p in self.parts],
                "solution": self.solution}


@record(frozen=True)
class ExamReport:
    seed: int
    minutes: float
    seconds: float              # time used
    on_time: bool               # False: submitted by the clock
    questions: tuple[QuestionReport, ...]

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)

    @property
    def possible(self) -> float:
        return sum(q.possible for q in self.questions)

    @property
    def answered(self) -> int:
        return sum(p.answer is not None for q in self.questions for p in q.parts)

    @property
    def parts(self) -> int:
        return sum(len(q.parts) for q in self.questions)

    def by_topic(self) -> dict[str, tuple[float, float]]:
        out: dict[str, tuple[float, float]] = {}
        for q in self.questions:
            got, of = out.get(q.topic, (0.0, 0.0))
            out[q.topic] = (got + q.points, of + q.possible)
        return out

    def to_json(self) -> dict[str, object]:
        return {"seed": self.seed, "minutes": self.minutes, "seconds": round(self.seconds, 1),
                "on_time": self.on_time, "points": self.points, "possible": self.possible,
                "answered": self.answered, "parts": self.parts,
                "topics": {t: {"points": p, "possible": o}
                           for t, (p, o) in sorted(self.by_topic().items())},
                "questions": [q.to_json() for q in self.questions]}


@record(frozen=True)
class Accepted:
    """What `ExamRun.answer` tells the student: kept, or why not (no verdict)."""
    kept: bool
    result: PartResult | None = None   # for a refused answer: the reason (caret, messages)
    late: bool = False


class ExamRun:
    """One sitting of a paper. Time comes in from outside, so tests move it: `clock`
    (seconds) runs the time limit, `now` (wall time) dates the reviews."""

    def __init__(self, paper: Sequence[Question], minutes: float, seed: int,
                 store: Store | None = None, settings: Mapping[str, Json] | None = None,
                 clock: Clock = time.monotonic, now: WallClock = utc_now) -> None:
        self.paper = list(paper)
        self.minutes = minutes
        self.seed = seed
        self.store = store
        self.clock = clock
        self.now = now
        self.started = clock()
        self.entries: dict[tuple[int, str], Entry] = {}
        self.report: ExamReport | None = None
        self.session_id = store.start_session("exam", seed, dict(settings or {})) \
            if store is not None else None

    # -- the clock -----------------------------------------------------------------------
    @property
    def deadline(self) -> float:
        return self.started + self.minutes * 60

    def time_left(self) -> float:
        return max(0.0, self.deadline - self.clock())

    @property
    def time_up(self) -> bool:
        return self.clock() >= self.deadline

    # -- answers -------------------------------------------------------------------------
    def question(self, number: int) -> Question:
        return self.paper[number - 1]

    def keep_at_bell(self, number: int, part: str, text: str) -> bool:
        """The answer being typed when the time ran out, kept if it can be read (as a
        marker keeps what is on the page when pens go down); True if kept."""
        if self.report is not None:
            return False
        q = self.question(number)
        result = check_part(q.family.part(part), text, q.variant.context)
        if not result.counted:
            return False
        self.entries[(number, part)] = Entry(text, result, self.clock() - self.started)
        return True

    def parts_open(self) -> int:
        """Parts of the paper with no answer kept yet."""
        return sum(1 for number, q in enumerate(self.paper, 1) for p in q.family.parts
                   if (number, p.name) not in self.entries)

    def answer(self, number: int, part: str, text: str) -> Accepted:
        """Keep `text` as the answer to a part, unless it cannot be read or time is up."""
        if self.report is not None or self.time_up:
            return Accepted(False, late=True)
        q = self.question(number)
        result = check_part(q.family.part(part), text, q.variant.context)
        if not result.counted:
            return Accepted(False, result)
        self.entries[(number, part)] = Entry(text, result, self.clock() - self.started)
        return Accepted(True)

    def clear(self, number: int, part: str) -> None:
        if self.report is None:
            self.entries.pop((number, part), None)

    def current(self, number: int, part: str) -> str | None:
        e = self.entries.get((number, part))
        return e.text if e else None

    def unanswered(self) -> list[tuple[int, str]]:
        return [(q.number, p.name) for q in self.paper for p in q.family.parts
                if (q.number, p.name) not in self.entries]

    # -- the end -------------------------------------------------------------------------
    def submit(self) -> ExamReport:
        """Judge the paper, store it, and return the report (idempotent)."""
        if self.report is not None:
            return self.report
        used = self.clock() - self.started
        questions = []
        for q in self.paper:
            parts = []
            given = {k[1]: e.text for k, e in self.entries.items() if k[0] == q.number}
            for p in q.family.parts:
                e = self.entries.get((q.number, p.name))
                # judged again on the final answers: a later part follows through from
                # the earlier answers as the student left them
                parts.append(PartReport(p.name, p.points, e.text if e else None,
                                        judge(q.family, p, e.text, q.variant.context, given)
                                        if e else None,
                                        q.variant.answer_text(p.name)))
            questions.append(QuestionReport(q.number, q.family.id, q.family.topic,
                                            q.family.title, q.variant.seed, tuple(parts),
                                            q.variant.solution()))
        self.report = ExamReport(self.seed, self.minutes, min(used, self.minutes * 60),
                                 used < self.minutes * 60, tuple(questions))
        if self.store is not None:
            self._save(self.report)
        return self.report

    def _save(self, report: ExamReport) -> None:
        assert self.store is not None
        for q, qr in zip(self.paper, report.questions, strict=True):
            for pr in qr.parts:
                e = self.entries.get((q.number, pr.name))
                self.store.record(Attempt(
                    problem_id=qr.problem_id, topic=qr.topic, seed=qr.seed, part=pr.name,
                    answer=pr.answer or "", status=pr.status, score=pr.credit,
                    points=pr.points, diagnosis=pr.result.diagnosis if pr.result else None,
                    try_no=1, hints_used=0, seconds=round(e.at, 3) if e else 0.0,
                    mode="exam", session_id=self.session_id))
            outcomes = [PartOutcome("skipped" if pr.result is None else pr.status, 1, 0,
                                    pr.result is not None and not pr.result.diagnosis)
                        for pr in qr.parts]
            rating = rating_for(outcomes)
            if rating is not None:
                card, due = review(self.store.card(qr.problem_id), rating, self.now())
                self.store.save_card(qr.problem_id, qr.topic, card, due)
        if self.session_id is not None:
            self.store.end_session(self.session_id)
