"""Ratings from verdicts, FSRS reviews, and the statistics shown by `mldrill stats`."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from mldrill.progress.schedule import AGAIN, GOOD, HARD, PartOutcome, rating_for, review
from mldrill.progress.stats import compute, streak

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("parts, expected", [
    ([PartOutcome("correct", 1, 0)], GOOD),
    ([PartOutcome("correct", 1, 0), PartOutcome("correct", 1, 0)], GOOD),
    ([PartOutcome("correct", 2, 0)], HARD),
    ([PartOutcome("correct", 1, 1)], HARD),
    ([PartOutcome("correct", 1, 0, clean=False)], HARD),
    ([PartOutcome("correct", 1, 0), PartOutcome("incorrect", 2, 0)], AGAIN),
    ([PartOutcome("revealed", 0, 2)], AGAIN),
    ([PartOutcome("correct", 1, 0), PartOutcome("skipped", 0, 0)], AGAIN),
    ([PartOutcome("skipped", 0, 0)], None),
])
def test_rating_from_verdicts(parts, expected) -> None:
    """Clean first-try correct is good; hints or a second try is hard; wrong is again;
    a problem skipped without trying is not rated."""
    assert rating_for(parts) == expected


def test_reviews_space_out_and_again_comes_back_soon() -> None:
    """Repeated good reviews push the due date further out; again brings it back soon."""
    card, due1 = review(None, GOOD, T0)
    card, due2 = review(card, GOOD, datetime.fromisoformat(due1))
    card, due3 = review(card, GOOD, datetime.fromisoformat(due2))
    gaps = [datetime.fromisoformat(d) for d in (due1, due2, due3)]
    assert gaps[0] < gaps[1] < gaps[2]
    assert gaps[2] - gaps[1] > gaps[1] - gaps[0]
    _, again = review(card, AGAIN, datetime.fromisoformat(due3))
    assert datetime.fromisoformat(again) - datetime.fromisoformat(due3) < timedelta(hours=1)
    # reproducible: no fuzzing
    assert review(None, GOOD, T0) == review(None, GOOD, T0)


def test_streak() -> None:
    """Consecutive days ending today, or yesterday if not yet today."""
    d = date(2026, 3, 10)
    assert streak([d, d - timedelta(1), d - timedelta(2), d - timedelta(4)], d) == 3
    assert streak([d - timedelta(1), d - timedelta(2)], d) == 2
    assert streak([d - timedelta(2)], d) == 0
    assert streak([], d) == 0


def _row(topic, status, score, when, problem="p1"):
    return {"topic": topic, "status": status, "score": score, "seconds": 10.0,
            "created_at": when.isoformat(), "problem_id": problem}


def test_stats_per_topic_accuracy_mastery_and_due() -> None:
    """Accuracy counts partial credit; mastery covers all the topic's families; due lists
    cards whose time has come."""
    attempts = [_row("conv", "correct", 1.0, T0), _row("conv", "incorrect", 0.5, T0),
                _row("mle", "revealed", 0.0, T0 - timedelta(days=1))]
    card_good, due_good = review(None, GOOD, T0 - timedelta(days=30))
    card_again, due_again = review(None, AGAIN, T0 - timedelta(days=1))
    cards = [{"problem_id": "c1", "topic": "conv", "card": json.dumps(card_good),
              "due": due_good},
             {"problem_id": "m1", "topic": "mle", "card": json.dumps(card_again),
              "due": due_again}]
    families = {"c1": "conv", "c2": "conv", "m1": "mle", "b1": "backprop"}
    s = compute(attempts, cards, families, now=T0)
    assert s.attempts == 3 and s.correct == 1
    assert s.accuracy == pytest.approx(1.5 / 3)
    conv = s.topics["conv"]
    assert (conv.families, conv.seen, conv.attempts, conv.correct) == (2, 1, 2, 1)
    assert conv.accuracy == pytest.approx(0.75)
    assert 0 < conv.mastery < 0.5          # one of two families, and that one is stale
    assert s.topics["backprop"].mastery == 0 and s.topics["backprop"].accuracy is None
    assert {d["id"] for d in s.due} == {"c1", "m1"}
    assert s.streak_days == 2
    data = s.to_json()
    assert data["attempts"] == 3 and set(data["topics"]) == {"conv", "mle", "backprop"}
    json.dumps(data)
