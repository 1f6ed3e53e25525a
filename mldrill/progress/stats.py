"""What the progress database says about a student: pure functions over stored rows.

- accuracy: judged answers that were right (partial credit counts by its score);
- mastery of a topic: the mean, over ALL the topic's families in the bank, of FSRS's
  estimate that the student would solve that family now (0 for families never seen), so
  mastery grows by covering a topic and by keeping it fresh;
- streak: consecutive days (local time) with at least one judged answer, up to today
  (or yesterday, if nothing yet today);
- due: families whose review time has come (progress/due.py decides).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from mldrill.progress.due import Row, reviews_at, utc_now
from mldrill.record import field, record

if TYPE_CHECKING:
    from mldrill.progress.store import Store

JUDGED = ("correct", "incorrect", "revealed")


@record
class TopicStats:
    topic: str
    families: int = 0
    seen: int = 0
    attempts: int = 0
    correct: int = 0
    score: float = 0.0
    mastery: float = 0.0
    due: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.score / self.attempts if self.attempts else None

    def to_json(self) -> dict[str, object]:
        return {"families": self.families, "seen": self.seen, "attempts": self.attempts,
                "correct": self.correct, "accuracy": _r(self.accuracy),
                "mastery": _r(self.mastery), "due": self.due}


@record
class Stats:
    attempts: int = 0
    correct: int = 0
    score: float = 0.0
    streak_days: int = 0
    practised_today: bool = False
    seconds: float = 0.0
    topics: dict[str, TopicStats] = field(default_factory=dict)
    due: list[dict[str, str]] = field(default_factory=list)   # {id, topic, due}
    next_due: str | None = None

    @property
    def accuracy(self) -> float | None:
        return self.score / self.attempts if self.attempts else None

    def to_json(self) -> dict[str, object]:
        return {
            "attempts": self.attempts, "correct": self.correct, "accuracy": _r(self.accuracy),
            "streak_days": self.streak_days, "practised_today": self.practised_today,
            "minutes": round(self.seconds / 60, 1),
            "due_now": len(self.due), "due": self.due, "next_due": self.next_due,
            "topics": {t: s.to_json() for t, s in sorted(self.topics.items())},
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def streak(days: Iterable[date], today: date) -> int:
    """Consecutive days with practice, ending today or yesterday."""
    have = set(days)
    start = today if today in have else today - timedelta(days=1)
    n = 0
    while start - timedelta(days=n) in have:
        n += 1
    return n


def compute(attempts: Sequence[Row], cards: Sequence[Row], families: Mapping[str, str],
            now: datetime | None = None) -> Stats:
    """Stats from attempt rows, card rows and the bank's families ({id: topic})."""
    import json

    from mldrill.progress.schedule import retrievability

    now = now or utc_now()
    out = Stats()
    for topic in families.values():
        out.topics.setdefault(topic, TopicStats(topic)).families += 1
    days = set()
    for a in attempts:
        if a["status"] not in JUDGED:
            continue
        t = out.topics.setdefault(a["topic"], TopicStats(a["topic"]))
        out.attempts += 1
        t.attempts += 1
        out.score += float(a["score"])
        t.score += float(a["score"])
        if a["status"] == "correct" and float(a["score"]) >= 1:
            out.correct += 1
            t.correct += 1
        out.seconds += float(a["seconds"])
        days.add(datetime.fromisoformat(a["created_at"]).astimezone().date())
    today = now.astimezone().date()
    out.streak_days = streak(days, today)
    out.practised_today = today in days
    recall: dict[str, list[float]] = {}
    for c in cards:
        topic = families.get(c["problem_id"], c["topic"])
        t = out.topics.setdefault(topic, TopicStats(topic))
        t.seen += 1
        recall.setdefault(topic, []).append(retrievability(json.loads(c["card"]), now))
    reviews = reviews_at(cards, now)
    for c in reviews.due:
        topic = families.get(c["problem_id"], c["topic"])
        out.topics[topic].due += 1
        out.due.append({"id": c["problem_id"], "topic": topic, "due": c["due"]})
    out.next_due = reviews.next_due
    for topic, t in out.topics.items():
        total = max(t.families, t.seen)
        t.mastery = sum(recall.get(topic, [])) / total if total else 0.0
    return out


def stats_of(store: Store, families: Mapping[str, str], now: datetime | None = None) -> Stats:
    """`mldrill stats`: `compute` over everything in `store`."""
    return compute([dict(r) for r in store.attempts()], [dict(r) for r in store.cards()],
                   families, now)
