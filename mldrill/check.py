"""Check a set of answers against a variant: the one entry point for every front end
(`mldrill check`, practice, exams, answer files)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mldrill.answers.base import PartResult
from mldrill.answers.follow import judge
from mldrill.errors import UsageError
from mldrill.record import record
from mldrill.score import NOTHING, Score
from mldrill.variants.generate import Variant

if TYPE_CHECKING:
    from mldrill.bank.catalog import Catalog


@record(frozen=True)
class CheckResult:
    id: str
    seed: int
    parts: tuple[PartResult, ...]
    unchecked: tuple[str, ...] = ()  # parts left out because no answer was given for them

    @property
    def score(self) -> Score:
        """The parts' points added up (unrounded: the fraction is what is shown)."""
        return sum((p.score for p in self.parts), NOTHING)

    @property
    def fraction(self) -> float:
        """0..1, weighted by the parts' points, to 6 decimals (JSON's `score`)."""
        return round(self.score.fraction, 6)

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "seed": self.seed, "score": self.fraction,
                "parts": [p.to_json() for p in self.parts], "unchecked": list(self.unchecked)}

    @property
    def all_correct(self) -> bool:
        return all(p.status == "correct" for p in self.parts)


def check_answers(variant: Variant, answers: Mapping[str, str | None], *,
                  only_given: bool = False) -> CheckResult:
    """Judge `answers` (part name -> text). Parts not answered count as unanswered,
    unless only_given, which leaves them out of the result (and of the score)."""
    names = [p.name for p in variant.family.parts]
    for name in answers:
        if name not in names:
            raise UsageError(f"problem '{variant.id}' has no part '{name}'; its parts are: "
                             f"{', '.join(names)}")
    results = []
    unchecked = []
    for spec in variant.family.parts:
        if only_given and spec.name not in answers:
            unchecked.append(spec.name)
            continue
        results.append(judge(variant.family, spec, answers.get(spec.name), variant.context,
                             answers))
    return CheckResult(variant.id, variant.seed, tuple(results), tuple(unchecked))


def check_problem(catalog: Catalog, problem_id: str, seed: int,
                  answers: Mapping[str, str], all_parts: bool = False) -> CheckResult:
    """`mldrill check ID --seed N NAME=ANSWER...`: the variant drawn and the answers given
    judged (at least one is needed). The parts not given are left out, or with `all_parts`
    (`--all`) counted as unanswered."""
    from mldrill.variants.generate import make_variant

    family = catalog.get(problem_id)
    if not answers:
        raise UsageError(f"give at least one answer as NAME=ANSWER; the parts of "
                         f"'{problem_id}' are: {', '.join(p.name for p in family.parts)}")
    return check_answers(make_variant(family, seed, catalog.functions), answers,
                         only_given=not all_parts)
