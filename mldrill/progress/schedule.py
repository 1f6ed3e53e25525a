"""Spaced repetition per problem family, with FSRS (the `fsrs` package).

FSRS is the scheduler Anki adopted: it models each card's stability and difficulty and
schedules the next review for a target recall probability (90%). We use it as published,
with its default parameters, and only decide how a worked problem maps to a rating:

- every part right on the first try, no hint, no diagnosis      -> Good
- all right in the end, but after a hint or a second try         -> Hard
- any part wrong, revealed (`solution`) or skipped after trying  -> Again

Fuzzing (a random jitter of intervals) is off, so schedules are reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mldrill.record import record

if TYPE_CHECKING:
    import fsrs
    from fsrs.card import CardDict

GOOD, HARD, AGAIN = "good", "hard", "again"


@record(frozen=True)
class PartOutcome:
    """How one part of a worked problem went."""
    status: str          # correct | incorrect | revealed | skipped
    tries: int           # judged tries used
    hints: int           # hints seen before the final answer
    clean: bool = True   # the correct answer came without any diagnosis on the way


def rating_for(parts: Iterable[PartOutcome]) -> str | None:
    """The FSRS rating of a problem from its parts; None if nothing was attempted."""
    parts = list(parts)
    tried = [p for p in parts if p.status != "skipped" or p.tries > 0]
    if not tried:
        return None
    if any(p.status != "correct" for p in parts):
        return AGAIN
    if all(p.tries == 1 and p.hints == 0 and p.clean for p in parts):
        return GOOD
    return HARD


def _scheduler() -> fsrs.Scheduler:
    import fsrs

    return fsrs.Scheduler(enable_fuzzing=False)


def review(card: CardDict | None, rating: str, when: datetime | None = None
           ) -> tuple[CardDict, str]:
    """Apply one review to a card (None: a new card). Returns the new card as a dict and
    its due time (ISO, UTC)."""
    import fsrs

    when = when or datetime.now(UTC)
    if card:
        current = fsrs.Card.from_dict(card)
    else:
        current = fsrs.Card(card_id=1, due=when)
    grade = {GOOD: fsrs.Rating.Good, HARD: fsrs.Rating.Hard, AGAIN: fsrs.Rating.Again}[rating]
    new, _log = _scheduler().review_card(current, grade, review_datetime=when)
    data = new.to_dict()
    return data, new.due.astimezone(UTC).isoformat(timespec="seconds")


def retrievability(card: CardDict, when: datetime | None = None) -> float:
    """FSRS's estimate that the student would solve this family now (0..1)."""
    import fsrs

    c = fsrs.Card.from_dict(card)
    return float(_scheduler().get_card_retrievability(c, when or datetime.now(UTC)))
