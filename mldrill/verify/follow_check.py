"""The follow-through self-test behind `validate`: for every part that follows earlier
parts, put a wrong earlier answer in (each catalogued mistake of the earlier part, and
random perturbations), recompute the part's reference on it, and confirm that

- that recomputed answer is accepted as follow-through, and
- a further-wrong answer (the recomputed one, changed again) is not.

A part whose reference gives the same value whatever the earlier answer is cannot follow
through from it: `insensitive` collects such parts for a lint warning.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from mldrill.answers.base import KINDS, Context, cached_target
from mldrill.answers.follow import (
    CARRIED_KINDS,
    follow_target,
    judge,
    links,
    read_earlier,
    simplified,
)
from mldrill.errors import MldrillError

if TYPE_CHECKING:
    from mldrill.bank.model import PartSpec, ProblemFamily
    from mldrill.variants.generate import Variant

RANDOM_TRIES = 3
_SKIP = (MldrillError, ValueError, TypeError, ArithmeticError, IndexError)


@dataclass
class FollowReport:
    """What one variant's follow-through check found."""

    errors: list[str] = field(default_factory=list)
    sensitive: set[str] = field(default_factory=set)  # parts whose reference moved


def _perturbed(value: object, rng: np.random.Generator) -> object:
    """The earlier answer, wrong: one or two entries moved by a whole number."""
    a = np.array(value, dtype=float)
    if a.ndim == 0:
        return float(a) + float(rng.choice([-3, -2, -1, 1, 2, 3]))
    flat = a.reshape(-1)
    for i in rng.choice(flat.size, size=min(2, flat.size), replace=False):
        flat[i] += float(rng.choice([-2, -1, 1, 2]))
    return flat.reshape(a.shape)


def _further(part: PartSpec, target: object, right: object, rng: np.random.Generator
             ) -> object | None:
    """The follow-through answer changed again: numbers moved, or another choice."""
    if part.kind == "choice":
        others = [frozenset({str(c).upper()}) for c in part.mapping("choices")]
        return next((c for c in others if c not in (target, right)), None)
    if part.kind in CARRIED_KINDS:
        return _perturbed(target, rng)
    return None


def _wrong_earlier(family: ProblemFamily, name: str, ctx: Context, seed: int
                   ) -> Iterator[tuple[str, object]]:
    """(label, value) of wrong answers to the earlier part `name`."""
    spec = family.part(name)
    kind = KINDS[spec.kind]
    right = cached_target(kind, spec.answer, spec, ctx)
    for m in spec.mistakes:
        try:
            wrong = cached_target(kind, m.answer, spec, ctx)
        except _SKIP:
            continue
        if not kind.agree(wrong, right, spec, ctx):
            yield f"mistake '{m.tag}' in {name}", wrong
    rng = np.random.default_rng(zlib.crc32(f"{family.id}:{seed}:{name}".encode()))
    for i in range(RANDOM_TRIES):
        yield f"perturbation {i + 1} of {name}", _perturbed(right, rng)


def check_follow(family: ProblemFamily, variant: Variant) -> FollowReport:
    """Run the follow-through self-test on one variant."""
    report = FollowReport()
    lk = links(family)
    ctx = variant.context
    keys = {p.name: variant.answer_text(p.name) for p in family.parts}
    for part in family.parts:
        for earlier in lk.follows(part.name):
            for label, value in _wrong_earlier(family, earlier, ctx, variant.seed):
                _one(family, part, earlier, label, value, keys, ctx, report)
    return report


def _one(family: ProblemFamily, part: PartSpec, earlier: str, label: str, value: object,
         keys: dict[str, str], ctx: Context, report: FollowReport) -> None:
    espec = family.part(earlier)
    kind, ekind = KINDS[part.kind], KINDS[espec.kind]
    answers = dict(keys)
    answers[earlier] = ekind.format(value, espec, ctx)
    right = cached_target(kind, part.answer, part, ctx)
    got = read_earlier(family, earlier, answers[earlier], ctx)
    if isinstance(got, str):
        return  # formatted, the wrong value does not read back (e.g. an integer part)
    try:
        target = follow_target(family, part, ctx, {earlier: got})
        typed = kind.format(target, part, ctx)
        read_back, _ = kind.read(typed, part, ctx)
    except _SKIP:
        # the reference is undefined on this wrong answer (e.g. a log of -1), or cannot be
        # typed (e.g. a select-all choice with nothing selected)
        return
    if kind.agree(target, right, part, ctx) or kind.agree(read_back, right, part, ctx):
        return  # this wrong answer does not change the part (at the precision asked for)
    if simplified(family, part, ctx, {earlier: got.value}):
        return  # a trivial earlier answer (all zeros...) rightly earns no follow-through
    report.sensitive.add(part.name)
    verdict = judge(family, part, typed, ctx, answers)
    if verdict.follow_through is None or verdict.status != "correct":
        report.errors.append(
            f"part {part.name}: with {label} ({answers[earlier]}), the follow-through answer "
            f"'{typed}' is not accepted ({verdict.status}: {'; '.join(verdict.messages)})")
        return
    further = _further(part, target, right, np.random.default_rng(len(typed)))
    if further is None or kind.agree(further, target, part, ctx) or kind.agree(
            further, right, part, ctx):
        return
    wrong_typed = kind.format(further, part, ctx)
    verdict = judge(family, part, wrong_typed, ctx, answers)
    if verdict.follow_through is not None:
        report.errors.append(
            f"part {part.name}: with {label}, the further-wrong answer '{wrong_typed}' earns "
            "follow-through credit")
