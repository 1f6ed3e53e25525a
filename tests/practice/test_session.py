"""The practice core: what comes next, and how tries, hints and credit work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mldrill.bank.catalog import load_catalog
from mldrill.practice.session import Session, plan
from mldrill.progress.schedule import AGAIN, GOOD, HARD, review
from mldrill.progress.store import Attempt, open_store
from mldrill.variants.rng import VariantRNG

BANK = Path(__file__).parents[1] / "fixtures" / "bank"
CAT = load_catalog([BANK], bundled=False)
FAMS = sorted(CAT.families.values(), key=lambda f: f.id)


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path) as s:
        yield s


def _run(store, family_id="demo-transpose", seed=5):
    session = Session(CAT, store, seed=1)
    return session, session.deal(CAT.get(family_id), seed)


def test_reference_answers_earn_full_credit_and_a_good_rating(store) -> None:
    """The reference answers, first try, no hint: full credit, rated Good, all stored."""
    session, run = _run(store)
    for p in run.family.parts:
        v = run.answer(p.name, run.variant.answer_text(p.name))
        assert v.done and v.result.status == "correct" and v.credit == 1
    assert session.finish(run) == GOOD
    assert run.points == run.possible == 3
    assert store.card("demo-transpose") is not None
    assert len(store.attempts()) == 3


def test_second_try_earns_half_and_rates_hard(store) -> None:
    """Right on the second try earns half the part's credit and rates the problem Hard."""
    session, run = _run(store)
    first = run.family.parts[0].name
    wrong = run.answer(first, "[[123]]")
    assert not wrong.done and wrong.tries_left == 1 and wrong.credit == 0
    right = run.answer(first, run.variant.answer_text(first))
    assert right.done and right.credit == 0.5
    for p in run.family.parts[1:]:
        run.answer(p.name, run.variant.answer_text(p.name))
    assert session.finish(run) == HARD
    assert run.points == 2.5


def test_unreadable_answer_costs_nothing_and_is_not_stored(store) -> None:
    """An unreadable answer costs no try and is not stored."""
    _, run = _run(store)
    first = run.family.parts[0].name
    v = run.answer(first, "[1 2; 3")
    assert not v.counted and v.tries_left == 2
    assert store.attempts() == []


def test_hint_before_a_right_answer_rates_hard(store) -> None:
    """A hint before the right answers rates the problem Hard."""
    session, run = _run(store)
    assert run.next_hint()[0] == 1
    for p in run.family.parts:
        run.answer(p.name, run.variant.answer_text(p.name))
    assert session.finish(run) == HARD


def test_revealed_part_is_missed_and_rates_again(store) -> None:
    """`solution` gives the answer and the worked solution; the part is missed (Again)."""
    session, run = _run(store)
    first = run.family.parts[0].name
    answer, solution = run.reveal(first)
    assert answer == run.variant.answer_text(first) and solution
    assert session.finish(run) == AGAIN
    assert [a["status"] for a in store.attempts()] == ["revealed"]


def test_untouched_problem_is_not_rated(store) -> None:
    """A problem skipped without a try is not rated and gets no review card."""
    session, run = _run(store)
    for p in run.family.parts:
        run.skip(p.name)
    assert session.finish(run) is None
    assert store.cards() == []


def test_plan_puts_due_reviews_first_then_weak_then_new(store) -> None:
    """A due review comes first; a topic answered badly comes before unseen material."""
    rng = VariantRNG("t", 1)
    assert len(plan(FAMS, None, 5, rng)) == 5           # repeats when the bank is small
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    store.save_card("demo-sigmoid", "demo", {}, past)
    assert plan(FAMS, store, 2, rng)[0].id == "demo-sigmoid"


def test_plan_prefers_the_weakest_topic(store) -> None:
    """With no reviews due, the topic answered worst comes first."""
    families = sorted(load_catalog().families.values(), key=lambda f: f.id)
    for i in range(5):
        store.record(Attempt("mle-bernoulli", "mle", i, "a", "0", "incorrect", 0.0, 1.0))
        store.record(Attempt("conv-maxpool", "conv", i, "a", "0", "correct", 1.0, 1.0))
    order = plan(families, store, 3, VariantRNG("t", 2))
    assert all(f.topic == "mle" for f in order)


T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # far from today: the real clock would show


class FakeClock:
    """Seconds that move only when the test moves them."""

    def __init__(self) -> None:
        self.t = 500.0

    def __call__(self) -> float:
        return self.t


def test_time_taken_is_read_from_the_session_clock(store) -> None:
    """Each stored answer takes the time on the session's clock since the part (or the
    last try) began, and the summary the time since the session began."""
    clock = FakeClock()
    session = Session(CAT, store, seed=1, clock=clock)
    run = session.deal(CAT.get("demo-transpose"), 5)
    first, second = (p.name for p in run.family.parts[:2])
    run.start_part(first)
    clock.t += 7.25
    run.answer(first, "[[123]]")
    clock.t += 3
    run.answer(first, run.variant.answer_text(first))
    clock.t += 100
    run.start_part(second)
    clock.t += 2
    run.answer(second, run.variant.answer_text(second))
    session.finish(run)
    seconds = [(a["part"], a["seconds"]) for a in reversed(store.attempts())]
    assert seconds == [(first, 7.25), (first, 3.0), (second, 2.0)]
    assert session.close().seconds == 112.25


def test_reviews_are_dated_by_the_session_now(store) -> None:
    """The review card written when a problem is finished is scheduled from the session's
    `now`, not from the machine's clock."""
    session = Session(CAT, store, seed=1, now=lambda: T0)
    run = session.deal(CAT.get("demo-sigmoid"), 3)
    for p in run.family.parts:
        run.answer(p.name, run.variant.answer_text(p.name))
    assert session.finish(run) == GOOD
    (card,) = store.cards()
    assert card["due"] == review(None, GOOD, T0)[1]


def test_plan_reads_due_reviews_against_the_given_now(store) -> None:
    """A review due an hour after T0 is not first at T0 (new material is), and is first
    two hours after."""
    store.save_card("demo-transpose", "demo", {}, (T0 + timedelta(hours=1)).isoformat())
    at_t0 = plan(FAMS, store, 1, VariantRNG("t", 3), now=T0)
    later = plan(FAMS, store, 1, VariantRNG("t", 3), now=T0 + timedelta(hours=2))
    assert [f.id for f in at_t0] == ["demo-sigmoid"]
    assert [f.id for f in later] == ["demo-transpose"]
