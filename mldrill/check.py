"""Check a set of answers against a variant: the one entry point for every front end
(`mldrill check`, practice, exams, answer files)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mldrill.answers.base import PartResult
from mldrill.answers.follow import judge
from mldrill.errors import UsageError
from mldrill.variants.generate import Variant


@dataclass(frozen=True)
class CheckResult:
    id: str
    seed: int
    score: float  # 0..1, weighted by the parts' points
    parts: tuple[PartResult, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "seed": self.seed, "score": self.score,
                "parts": [p.to_json() for p in self.parts]}

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
    for spec in variant.family.parts:
        if only_given and spec.name not in answers:
            continue
        results.append(judge(variant.family, spec, answers.get(spec.name), variant.context,
                             answers))
    total = sum(r.points for r in results)
    score = sum(r.points * r.score for r in results) / total if total else 0.0
    return CheckResult(variant.id, variant.seed, round(score, 6), tuple(results))
