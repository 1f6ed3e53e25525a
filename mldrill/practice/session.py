"""A practice session as data: which problems come next, and how one problem is worked.

No printing and no input here: the CLI (`mldrill/cli/practice.py`) asks the student and
renders what these objects return. That keeps the rules (tries, hints, credit, what is
stored, how the review is rated) testable without a terminal.

Credit for a part: the verdict's score on the try it was reached, halved for each extra try
(a right answer on the second try is worth half). `solution` reveals the answer and the
part counts as missed; `skip` moves on (counted as missed if the part was tried).

Time comes in from outside: a session takes a `clock` (seconds, for how long answers took)
and a `now` (wall time, for review dates), so tests move both.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from mldrill.answers.base import PartResult
from mldrill.answers.follow import judge
from mldrill.progress.due import reviews_at, utc_now
from mldrill.progress.schedule import PartOutcome, rating_for, review
from mldrill.progress.store import Attempt, Store
from mldrill.record import field, record, replace
from mldrill.variants.generate import Variant, make_variant
from mldrill.variants.rng import VariantRNG

if TYPE_CHECKING:
    from mldrill.bank.catalog import Catalog, FamilyMeta
    from mldrill.bank.index import FamilyLike
    from mldrill.bank.model import ProblemFamily
    from mldrill.values import Json

M = TypeVar("M", bound="FamilyLike")  # a family, or its listing metadata (FamilyInfo)

Clock = Callable[[], float]          # seconds that only go forward (time.monotonic)
WallClock = Callable[[], datetime]   # the time of day, aware (UTC)

RETRY_FACTOR = 0.5


@record
class PartState:
    name: str
    points: float
    tries: int = 0
    hints_at_answer: int = 0
    status: str = "open"        # open | correct | incorrect | revealed | skipped
    score: float = 0.0          # credit in [0, 1], after the retry factor
    clean: bool = True
    started: float = 0.0        # on the run's clock, when the current try began

    @property
    def done(self) -> bool:
        return self.status != "open"


@record(frozen=True)
class Verdict:
    """What the CLI shows after an answer."""
    result: PartResult
    counted: bool           # False: unreadable / blank, asked again
    done: bool              # the part is finished (right, or out of tries)
    tries_left: int
    credit: float           # credit for the part so far, in [0, 1]
    answer: str | None      # the reference answer, once the part is finished wrongly


class ProblemRun:
    """One problem being worked, part by part."""

    def __init__(self, variant: Variant, tries: int, record: Callable[[Attempt], None],
                 mode: str = "practice", clock: Clock = time.monotonic) -> None:
        self.variant = variant
        self.tries = tries
        self.mode = mode
        self.clock = clock
        self._record = record
        self.hints = variant.hints()
        self.hints_shown = 0
        self.given: dict[str, str] = {}  # part -> the student's last counted answer
        self.started = clock()
        self.parts = [PartState(p.name, p.points, started=self.started)
                      for p in variant.family.parts]

    @property
    def family(self) -> ProblemFamily:
        return self.variant.family

    def part(self, name: str) -> PartState:
        return next(p for p in self.parts if p.name == name)

    def start_part(self, name: str) -> None:
        self.part(name).started = self.clock()

    def next_hint(self) -> tuple[int, str] | None:
        """The next hint (1-based index, text), or None when all are shown."""
        if self.hints_shown >= len(self.hints):
            return None
        self.hints_shown += 1
        return self.hints_shown, self.hints[self.hints_shown - 1].strip()

    def _store(self, state: PartState, answer: str, status: str, score: float,
               diagnosis: str | None) -> None:
        self._record(Attempt(
            problem_id=self.family.id, topic=self.family.topic, seed=self.variant.seed,
            part=state.name, answer=answer, status=status, score=score, points=state.points,
            diagnosis=diagnosis, try_no=max(state.tries, 1), hints_used=self.hints_shown,
            seconds=round(self.clock() - state.started, 3), mode=self.mode))
        state.started = self.clock()

    def answer(self, name: str, text: str) -> Verdict:
        """Judge an answer to a part. Unreadable answers are not counted (asked again)."""
        state = self.part(name)
        spec = self.family.part(name)
        result = judge(self.family, spec, text, self.variant.context, self.given)
        if not result.counted:
            return Verdict(result, False, False, self.tries - state.tries, state.score, None)
        state.tries += 1
        self.given[name] = text  # later parts follow through from the answer as given
        state.hints_at_answer = self.hints_shown
        credit = result.credit * RETRY_FACTOR ** (state.tries - 1)
        state.score = max(state.score, credit)
        self._store(state, text, result.status, result.credit, result.diagnosis)
        if result.status == "correct":
            state.status = "correct"
        else:
            state.clean = False
            if state.tries >= self.tries:
                state.status = "incorrect"
        if result.diagnosis and result.status == "correct":
            state.clean = False
        answer = self.variant.answer_text(name) if state.status == "incorrect" else None
        return Verdict(result, True, state.done, self.tries - state.tries, state.score, answer)

    def reveal(self, name: str) -> tuple[str, str]:
        """`solution`: the answer and the worked solution; the part counts as missed."""
        state = self.part(name)
        if not state.done:
            state.status, state.score = "revealed", 0.0
            self._store(state, "", "revealed", 0.0, None)
        return self.variant.answer_text(name), self.variant.solution()

    def skip(self, name: str) -> None:
        state = self.part(name)
        if not state.done:
            state.status = "skipped"
            state.score = 0.0 if state.tries == 0 else state.score

    def outcomes(self) -> list[PartOutcome]:
        return [PartOutcome(p.status if p.status != "open" else "skipped", p.tries,
                            p.hints_at_answer, p.clean) for p in self.parts]

    @property
    def points(self) -> float:
        return sum(p.score * p.points for p in self.parts)

    @property
    def possible(self) -> float:
        return sum(p.points for p in self.parts)


@record
class TopicTally:
    points: float = 0.0
    possible: float = 0.0
    problems: int = 0


@record
class SessionSummary:
    problems: int = 0
    points: float = 0.0
    possible: float = 0.0
    seconds: float = 0.0
    by_topic: dict[str, TopicTally] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"problems": self.problems, "points": self.points, "possible": self.possible,
                "seconds": round(self.seconds, 1),
                "topics": {t: {"points": v.points, "possible": v.possible,
                               "problems": v.problems} for t, v in self.by_topic.items()}}


class Session:
    """A practice session: deals problems and keeps the record (None: nothing stored).
    `clock` times the answers and the session; `now` dates the reviews."""

    def __init__(self, catalog: Catalog, store: Store | None, seed: int, tries: int = 2,
                 mode: str = "practice", settings: Mapping[str, Json] | None = None, *,
                 clock: Clock = time.monotonic, now: WallClock = utc_now) -> None:
        self.catalog = catalog
        self.store = store
        self.seed = seed
        self.tries = tries
        self.mode = mode
        self.clock = clock
        self.now = now
        self.rng = VariantRNG("practice", seed)
        self.summary = SessionSummary()
        self.started = clock()
        self.session_id = store.start_session(mode, seed, dict(settings or {})) \
            if store else None

    def record(self, attempt: Attempt) -> None:
        if self.store is not None:
            self.store.record(replace(attempt, session_id=self.session_id))

    def deal(self, family: FamilyMeta, seed: int | None = None) -> ProblemRun:
        """A run of `family` (metadata will do: it is loaded from the catalog here)."""
        vseed = seed if seed is not None else self.rng.integer(0, 99_999)
        variant = make_variant(self.catalog.get(family.id), vseed, self.catalog.functions)
        return ProblemRun(variant, self.tries, self.record, self.mode, self.clock)

    def finish(self, run: ProblemRun) -> str | None:
        """Tally a worked problem and update its review card. Returns the rating."""
        s = self.summary
        topic = s.by_topic.setdefault(run.family.topic, TopicTally())
        tried = any(p.tries or p.status == "revealed" for p in run.parts)
        if tried:
            s.problems += 1
            topic.problems += 1
            s.points += run.points
            s.possible += run.possible
            topic.points += run.points
            topic.possible += run.possible
        rating = rating_for(run.outcomes())
        if rating is not None and self.store is not None:
            card, due = review(self.store.card(run.family.id), rating, self.now())
            self.store.save_card(run.family.id, run.family.topic, card, due)
        return rating

    def close(self) -> SessionSummary:
        self.summary.seconds = self.clock() - self.started
        if self.store is not None and self.session_id is not None:
            self.store.end_session(self.session_id)
        return self.summary


def plan(families: Sequence[M], store: Store | None, count: int,
         rng: VariantRNG, now: datetime | None = None) -> list[M]:
    """The order to deal `count` problems from `families`: reviews that are due first
    (most overdue first), then the weakest topics (lowest accuracy so far), then new
    material (easiest first, topics interleaved), then anything else, repeating if needed."""
    now = now or utc_now()
    by_id = {f.id: f for f in families}
    due: list[M] = []
    accuracy: dict[str, list[float]] = {}
    seen: set[str] = set()
    if store is not None:
        cards = store.cards()
        seen.update(c["problem_id"] for c in cards)
        due = [by_id[c["problem_id"]] for c in reviews_at(cards, now).due
               if c["problem_id"] in by_id]
        for a in store.attempts(limit=2000):
            if a["status"] in ("correct", "incorrect", "revealed"):
                accuracy.setdefault(a["topic"], []).append(float(a["score"]))
                seen.add(a["problem_id"])
    topic_acc = {t: sum(v) / len(v) for t, v in accuracy.items()}
    weak_topics = sorted((t for t, acc in topic_acc.items() if acc < 0.8),
                         key=lambda t: topic_acc[t])
    weak = [f for t in weak_topics
            for f in rng.shuffled([f for f in families if f.topic == t])]
    new = _interleave([f for f in families if f.id not in seen], rng)
    rest = rng.shuffled(list(families))
    order: list[M] = []
    for f in [*due, *weak, *new, *rest]:
        if f not in order:
            order.append(f)
    if not order:
        return []
    return [order[i % len(order)] for i in range(count)]


def _interleave(families: list[M], rng: VariantRNG) -> list[M]:
    """Easiest first, and consecutive problems from different topics where possible."""
    by_topic: dict[str, list[M]] = {}
    for f in sorted(families, key=lambda f: (f.difficulty, f.id)):
        by_topic.setdefault(f.topic, []).append(f)
    topics = rng.shuffled(sorted(by_topic))
    out: list[M] = []
    while any(by_topic.values()):
        for t in topics:
            if by_topic[t]:
                out.append(by_topic[t].pop(0))
    return out
