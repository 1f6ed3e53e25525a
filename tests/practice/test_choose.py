"""What `practice` and `exam` resolve their command-line words to (mldrill.practice.choose)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mldrill.bank.catalog import load_catalog
from mldrill.errors import UsageError
from mldrill.practice.choose import exam_plan, practice_plan, split_words

BANK = Path(__file__).parents[1] / "fixtures" / "bank"
CAT = load_catalog([BANK], bundled=False)


def test_split_words_takes_repeats_and_commas_and_drops_blanks() -> None:
    """`-t conv,mle -t ' rl ' -t ,` is conv, mle, rl."""
    assert split_words(["conv,mle", " rl ", ",", ""]) == ["conv", "mle", "rl"]


def test_a_problem_named_as_a_word_takes_the_seed_as_its_variant() -> None:
    """`practice demo-transpose --seed 7`: the variant's seed is 7, the session's is fresh."""
    plan = practice_plan(CAT, ["demo-transpose"], None, 7, (), None, fresh_seed=99)
    assert [f.id for f in plan.families] == ["demo-transpose"]
    assert (plan.seed, plan.problem_seed) == (99, 7)


def test_a_topic_takes_the_seed_as_the_sessions() -> None:
    """`practice demo --seed 7`: the session is seeded 7, each variant drawn by it."""
    plan = practice_plan(CAT, ["demo"], None, 7, (), None, fresh_seed=99)
    assert {f.id for f in plan.families} == {"demo-transpose", "demo-sigmoid"}
    assert (plan.seed, plan.problem_seed) == (7, None)


def test_problem_option_without_a_seed_draws_the_variant() -> None:
    """`practice --problem demo-sigmoid`: a fresh session seed, no fixed variant."""
    plan = practice_plan(CAT, [], "demo-sigmoid", None, (), None, fresh_seed=5)
    assert [f.id for f in plan.families] == ["demo-sigmoid"]
    assert (plan.seed, plan.problem_seed) == (5, None)


def test_exam_plan_defaults_and_settings() -> None:
    """No --minutes: 6 per question; no --seed: the fresh one; the settings record the
    topics as split, the count, minutes, difficulty and tags."""
    plan = exam_plan(CAT, ["demo,", " demo"], 3, None, None, None, ["sigmoid"], fresh_seed=42)
    assert [f.id for f in plan.families] == ["demo-sigmoid"]
    assert (plan.seed, plan.minutes) == (42, 18.0)
    assert plan.settings == {"topics": ["demo", "demo"], "count": 3, "minutes": 18.0,
                             "difficulty": None, "tags": ["sigmoid"]}
    given = exam_plan(CAT, [], 2, 7.5, 11, None, [], fresh_seed=42)
    assert (given.seed, given.minutes) == (11, 7.5)


def test_exam_plan_with_an_unknown_topic_says_what_exists() -> None:
    """An unknown topic is a usage error with a suggestion, before anything is drawn."""
    with pytest.raises(UsageError, match="no topic 'dmo' \\(did you mean 'demo'\\?\\)"):
        exam_plan(CAT, ["dmo"], 2, None, None, None, [], fresh_seed=1)
