"""What is due for review: the one place that reads a card's due time against the clock.

`mldrill stats` (progress/stats.py), the order of a practice session (reviews first,
practice/session.py) and the practice summary (cli/practice.py) all ask the same question
of the stored review cards; `reviews_at` answers it for all three.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from mldrill.record import record


class Row(Protocol):
    """A stored row (a sqlite3.Row, or a dict made of one): its columns by name. Column
    values are SQL's (text, numbers, NULL), typed by the schema in progress/store.py."""

    def __getitem__(self, key: str, /) -> Any: ...


R = TypeVar("R", bound=Row)


def utc_now() -> datetime:
    """The wall clock that due times (ISO 8601, UTC) are read against."""
    return datetime.now(UTC)


@record(frozen=True)
class Reviews(Generic[R]):
    """The review cards split at a moment."""
    due: tuple[R, ...]          # cards whose review time has come, in the order given
    next_due: str | None        # the earliest review time still to come (as stored)


def reviews_at(cards: Iterable[R], now: datetime) -> Reviews[R]:
    """Which of `cards` (rows with a `due` column) are due at `now`, and when the next one
    that is not yet due comes."""
    due: list[R] = []
    next_due: str | None = None
    soonest: datetime | None = None
    for card in cards:
        when = datetime.fromisoformat(card["due"])
        if when <= now:
            due.append(card)
        elif soonest is None or when < soonest:
            soonest, next_due = when, card["due"]
    return Reviews(tuple(due), next_due)
