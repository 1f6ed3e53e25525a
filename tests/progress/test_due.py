"""What is due for review (mldrill/progress/due.py), the one answer that stats, the order of
a practice session and its summary share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from mldrill.progress.due import reviews_at
from mldrill.progress.store import open_store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _card(pid: str, due: datetime | str) -> dict[str, str]:
    return {"problem_id": pid, "topic": "t",
            "due": due if isinstance(due, str) else due.isoformat(timespec="seconds")}


def test_due_at_or_before_now_in_the_order_given_and_the_next_one_after() -> None:
    """Cards due before `now` or exactly at it are due, in the order given; the next due
    time is the earliest of the others, not the first listed."""
    cards = [_card("late", T0 + timedelta(days=2)), _card("old", T0 - timedelta(days=3)),
             _card("soon", T0 + timedelta(hours=1)), _card("exact", T0)]
    r = reviews_at(cards, T0)
    assert [c["problem_id"] for c in r.due] == ["old", "exact"]
    assert r.next_due == cards[2]["due"]


def test_nothing_stored_is_nothing_due_and_nothing_next() -> None:
    """No cards: nothing due and no next review."""
    r = reviews_at([], T0)
    assert r.due == () and r.next_due is None


def test_all_due_leaves_no_next_review() -> None:
    """When every card is due there is no next review to announce."""
    r = reviews_at([_card("a", T0 - timedelta(minutes=1)), _card("b", T0)], T0)
    assert len(r.due) == 2 and r.next_due is None


def test_times_are_compared_as_times_not_as_text() -> None:
    """A due time written with another UTC offset is compared by the moment it names: 14:00
    at +02:00 is noon UTC, earlier than 13:00 UTC although it sorts later as text."""
    cards = [_card("utc", "2026-03-02T13:00:00+00:00"),
             _card("plus2", "2026-03-02T14:00:00+02:00")]
    assert reviews_at(cards, T0).next_due == "2026-03-02T14:00:00+02:00"
    assert [c["problem_id"] for c in reviews_at(cards, T0 + timedelta(days=1)).due] == [
        "plus2"]


def test_rows_straight_from_the_store(tmp_path: Path) -> None:
    """The store's own rows (sqlite3.Row) are read as they are."""
    with open_store(tmp_path) as store:
        store.save_card("a", "t", {}, (T0 - timedelta(hours=1)).isoformat())
        store.save_card("b", "t", {}, (T0 + timedelta(hours=1)).isoformat())
        r = reviews_at(store.cards(), T0)
        assert [c["problem_id"] for c in r.due] == ["a"]
        assert r.next_due == (T0 + timedelta(hours=1)).isoformat()
