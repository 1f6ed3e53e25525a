"""What `mldrill practice` and `mldrill exam` are asked for, resolved against the catalog.

The words on the command line become families, seeds and (for an exam) the time allowed,
with every mistake a UsageError that says what exists. `fresh_seed` is the seed used when
none was given: the caller draws it, so the same arguments give the same plan in a test.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from mldrill.errors import UsageError
from mldrill.record import record

if TYPE_CHECKING:
    from mldrill.bank.catalog import Catalog, FamilyMeta
    from mldrill.values import JsonObject

MINUTES_PER_QUESTION = 6.0


def split_words(items: Iterable[str]) -> list[str]:
    """Words given repeatedly or comma-separated (`-t conv,mle -t rl`), blanks dropped."""
    return [t.strip() for item in items for t in item.split(",") if t.strip()]


@record(frozen=True)
class PracticePlan:
    """The families of a session, its seed, and the variant seed when a single problem
    was asked for with --seed (None: a variant drawn by the session)."""

    families: list[FamilyMeta]  # metadata: the session loads the ones it deals
    seed: int
    problem_seed: int | None


def practice_plan(catalog: Catalog, words: Iterable[str], problem: str | None,
                  seed: int | None, tags: Iterable[str], difficulty: str | None,
                  fresh_seed: int) -> PracticePlan:
    """Words are topics or problem ids (`practice conv-maxpool` works too). With one
    problem named, --seed is its variant's seed; otherwise the session's."""
    words = list(words)
    ids = [w for w in words if w in catalog.families]
    if problem:
        ids.append(problem)
    families = catalog.select_meta([w for w in words if w not in ids], tags, difficulty, ids)
    problem = problem or (ids[0] if len(ids) == 1 and len(words) == 1 else None)
    session_seed = seed if seed is not None and not problem else fresh_seed
    return PracticePlan(families, session_seed, seed if problem else None)


@record(frozen=True)
class ExamPlan:
    """The families a paper is drawn from, its seed and the minutes allowed, and the
    settings recorded with it."""

    families: list[FamilyMeta]  # metadata: the paper loads the ones it draws
    seed: int
    minutes: float
    topics: list[str]
    count: int
    difficulty: str | None
    tags: list[str]

    @property
    def settings(self) -> JsonObject:
        return {"topics": self.topics, "count": self.count, "minutes": self.minutes,
                "difficulty": self.difficulty, "tags": self.tags}


def exam_plan(catalog: Catalog, topics: Iterable[str], count: int, minutes: float | None,
              seed: int | None, difficulty: str | None, tags: Iterable[str],
              fresh_seed: int) -> ExamPlan:
    """`topics` as given (repeated or comma-separated); no minutes: 6 per question."""
    chosen = split_words(topics)
    tags = list(tags)
    families = catalog.select_meta(chosen, tags, difficulty)
    if not families:
        raise UsageError("no problems match the topics, tags and difficulty given")
    allowed = minutes if minutes is not None else MINUTES_PER_QUESTION * count
    return ExamPlan(families, seed if seed is not None else fresh_seed, allowed, chosen, count,
                    difficulty, tags)
