"""The practice core: what comes next, and how tries, hints and credit work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mldrill.bank.catalog import load_catalog
from mldrill.practice.session import Session, plan
from mldrill.progress.schedule import AGAIN, GOOD, HARD
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
    session, run = _run(store)
    for p in run.family.parts:
        v = run.answer(p.name, run.variant.answer_text(p.name))
        assert v.done and v.result.status == "correct" and v.credit == 1
    assert session.finish(run) == GOOD
    assert run.points == run.possible == 3
    assert store.card("demo-transpose") is not None
    assert len(store.attempts()) == 3


def test_second_try_earns_half_and_rates_hard(store) -> None:
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
    _, run = _run(store)
    first = run.family.parts[0].name
    v = run.answer(first, "[1 2; 3")
    assert not v.counted and v.tries_left == 2
    assert store.attempts() == []


def test_hint_before_a_right_answer_rates_hard(store) -> None:
    session, run = _run(store)
    assert run.next_hint()[0] == 1
    for p in run.family.parts:
        run.answer(p.name, run.variant.answer_text(p.name))
    assert session.finish(run) == HARD


def test_revealed_part_is_missed_and_rates_again(store) -> None:
    session, run = _run(store)
    first = run.family.parts[0].name
    answer, solution = run.reveal(first)
    assert answer == run.variant.answer_text(first) and solution
    assert session.finish(run) == AGAIN
    assert [a["status"] for a in store.attempts()] == ["revealed"]


def test_untouched_problem_is_not_rated(store) -> None:
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
    families = sorted(load_catalog().families.values(), key=lambda f: f.id)
    for i in range(5):
        store.record(Attempt("mle-bernoulli", "mle", i, "a", "0", "incorrect", 0.0, 1.0))
        store.record(Attempt("conv-maxpool", "conv", i, "a", "0", "correct", 1.0, 1.0))
    order = plan(families, store, 3, VariantRNG("t", 2))
    assert all(f.topic == "mle" for f in order)
