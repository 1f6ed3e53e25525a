"""The bank self-test behind `mldrill validate --seeds N`.

For every family and seed: the variant draws (constraints met), the prompt, hints and
worked solution render, each part's reference answer, written out as a student would type
it, is accepted; each verification confirms the reference independently; each catalogued
mistake, typed in, is rejected and diagnosed as that mistake. A mistake that happens to
equal the reference for a seed is skipped for that seed, but one that always does is an
error (it can never be told apart).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from mldrill.answers.base import KINDS, Context, cached_target, check_part, leak_finder, rendered
from mldrill.answers.follow import links
from mldrill.answers.precision import (
    NUMERIC_KINDS,
    Precision,
    part_precision,
    rounded_answer,
    tolerance_for,
)
from mldrill.bank.model import PartSpec, ProblemFamily
from mldrill.errors import MldrillError
from mldrill.verify.follow_check import check_follow
from mldrill.verify.methods import METHODS

if TYPE_CHECKING:
    from mldrill.values import Functions, JsonObject, Value


@dataclass
class FamilyReport:
    id: str
    path: str
    seeds: int = 0
    distinct: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # worth an author's look, never a failure even with --strict (variants slow to draw;
    # feedback that states the answer and a slip right on some variants are warnings)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> JsonObject:
        return {"id": self.id, "path": self.path, "seeds": self.seeds,
                "distinct_variants": self.distinct, "ok": self.ok, "errors": self.errors,
                "warnings": self.warnings, "notes": self.notes}


MAX_ERRORS_PER_FAMILY = 5


def completeness(family: ProblemFamily) -> list[str]:
    """What a fully specified family has and this one lacks."""
    out = []
    if len(family.hints) < 2:
        out.append(f"has {len(family.hints)} hint(s); give at least 2, from a nudge to the "
                   "method")
    if not family.solution.strip():
        out.append("has no worked solution")
    if not family.verify:
        out.append("has no verification of its reference answers")
    mistakes = sum(len(p.mistakes) for p in family.parts)
    if mistakes < 2:
        out.append(f"has {mistakes} catalogued mistake(s); catalogue at least 2 real ones, "
                   "each with feedback that teaches")
    if not family.tags:
        out.append("has no tags; give a few words practice and sheets can select by")
    return out


VARIETY_SEEDS = 100
VARIETY_MIN = 20


def variety_warning(family: ProblemFamily, seeds: int, distinct: int) -> str | None:
    """Families need enough distinct variants that students cannot memorise answers:
    at least 20 per 100 seeds, unless `few_variants` says why that is impossible."""
    if seeds < VARIETY_SEEDS or family.few_variants:
        return None
    if distinct * VARIETY_SEEDS < VARIETY_MIN * seeds:
        return (f"only {distinct} distinct variants over {seeds} seeds; widen the parameter "
                f"ranges (at least {VARIETY_MIN} per {VARIETY_SEEDS} seeds), or say why "
                "that is impossible in 'few_variants'")
    return None


SLOW_DRAW_S = 0.1  # a variant drawn slower than this keeps a student waiting at the prompt
SLOW_DRAW_MIN_SEEDS = 5  # the first draw pays for imports: judge the median of enough


def slow_draw_note(seconds: list[float]) -> str | None:
    """A note when the median variant takes longer than SLOW_DRAW_S of CPU to draw (the
    median of enough seeds: the first draw imports the bank's functions)."""
    if len(seconds) < SLOW_DRAW_MIN_SEEDS:
        return None
    median = float(np.median(seconds))
    if median <= SLOW_DRAW_S:
        return None
    return (f"a variant takes {median * 1000:.0f} ms to draw (median of {len(seconds)} "
            "seeds): a student waits that long at each of its problems, and an exam deals "
            "five. If constraints reject most draws, draw the parameters in a generator "
            "(docs/authoring.md, 'Python generators')")


def _fingerprint(params: Mapping[str, Value]) -> str:
    h = hashlib.sha1()
    for k in sorted(params):
        v = params[k]
        h.update(k.encode())
        h.update(repr(np.asarray(v).tolist() if not isinstance(v, (str, dict, list, tuple))
                      else v).encode())
    return h.hexdigest()


def selftest_family(family: ProblemFamily, seeds: Iterable[int], functions: Functions,
                    clock: Callable[[], float] = time.process_time) -> FamilyReport:
    """Self-test one family over `seeds`, stopping once MAX_ERRORS_PER_FAMILY errors are
    found. `clock`: what times each variant's draw (CPU time: other work on the machine
    does not count)."""
    from mldrill.variants.generate import make_variant

    report = FamilyReport(family.id, family.path)
    report.warnings = completeness(family)
    coincide: Counter[str] = Counter()
    prints: set[str] = set()
    sensitive: set[str] = set()  # parts whose reference moved with a wrong earlier answer
    leaks: dict[str, list[str]] = {}  # part:tag -> revealing texts, one per seed
    tried: list[int] = []
    draws: list[float] = []
    for seed in seeds:
        if len(report.errors) >= MAX_ERRORS_PER_FAMILY:
            break
        report.seeds += 1
        tried.append(seed)
        try:
            started = clock()
            variant = make_variant(family, seed, functions)
            draws.append(clock() - started)
            variant.hints()
            variant.solution()
        except MldrillError as exc:
            report.errors.append(f"seed {seed}: {exc}")
            continue
        except Exception as exc:  # an authoring bug surfacing as a Python error
            report.errors.append(f"seed {seed}: variant failed: {type(exc).__name__}: {exc}")
            continue
        prints.add(_fingerprint(variant.params))
        problems = [p for part in family.parts for p in _check_part(part, variant.context,
                                                                    coincide)]
        prompt = variant.prompt + "\n" + "\n".join(p.prompt for p in variant.parts)
        for part in family.parts:
            problems += _check_precision(family.prompt, part, variant.context)
            for key, run in _leaks(part, variant.context, prompt):
                leaks.setdefault(key, []).append(run)
        follow = check_follow(family, variant)
        sensitive |= follow.sensitive
        problems += follow.errors
        problems += _verify(family, variant.context)
        report.errors += [f"seed {seed}: {p}" for p in problems]
    report.distinct = len(prints)
    slow = slow_draw_note(draws)
    if slow:
        report.notes.append(slow)
    low = variety_warning(family, report.seeds, report.distinct)
    if low:
        report.warnings.append(low)
    missing = [n for n in links(family).follows_any() if n not in sensitive]
    if missing and report.seeds > 0 and not report.errors:
        sensitive |= _more_follow_seeds(family, functions, set(missing), tried)
    for name in links(family).follows_any():
        if name not in sensitive and report.seeds > 0:
            report.warnings.append(f"part {name} follows through from "
                                   f"{', '.join(links(family).follows(name))}, but its "
                                   "reference gave the same value for every wrong earlier "
                                   "answer tried: nothing follows through")
    _across_seeds(family, report, leaks, coincide)
    return report


def _across_seeds(family: ProblemFamily, report: FamilyReport, leaks: dict[str, list[str]],
                  coincide: Counter[str]) -> None:
    """What only the seeds together show: feedback that states the answer, and catalogued
    mistakes that equal the reference."""
    for key, runs in leaks.items():
        part_name, tag = key.split(":", 1)
        report.warnings.append(
            f"part {part_name}: the feedback of mistake '{tag}' states the answer on "
            f"{len(runs)} of {report.seeds} seeds (e.g. '{runs[0]}'), so the checker holds "
            "those sentences back until the last try: move the numbers into the mistake's "
            "'reveal:' text and keep the method in 'feedback'")
    for key, count in coincide.items():
        part_name, tag = key.split(":", 1)
        if count == report.seeds and report.seeds > 0:
            report.errors.append(f"part {part_name}: mistake '{tag}' equals the reference for "
                                 "every seed tried, so it can never be diagnosed")
        elif count and not _acknowledged(family, part_name, tag):
            report.warnings.append(
                f"part {part_name}: mistake '{tag}' equals the reference on {count} of "
                f"{report.seeds} seeds, where a student who makes it is marked right: add a "
                "constraint that rules those variants out, or say why it is right there "
                "in 'coincides:'")


FOLLOW_SEEDS = 40  # "does follow-through ever matter" looks this far, whatever --seeds says


def _more_follow_seeds(family: ProblemFamily, functions: Functions, wanted: set[str],
                       tried: list[int]) -> set[str]:
    """The parts of `wanted` whose reference moves with a wrong earlier answer on some
    seed below FOLLOW_SEEDS not tried yet. That a part follows through is a property of
    the family, not of the seeds asked for: a family where it shows on one variant in
    ten is fine, and a few seeds must not call it broken."""
    from mldrill.variants.generate import make_variant

    found: set[str] = set()
    for seed in (s for s in range(FOLLOW_SEEDS) if s not in tried):
        try:
            found |= check_follow(family, make_variant(family, seed, functions)).sensitive
        except MldrillError:
            continue  # a seed that fails to draw is reported by a run that asks for it
        if wanted <= found:
            break
    return found & wanted


def _acknowledged(family: ProblemFamily, part: str, tag: str) -> bool:
    """The author said why this slip is right on some variants (`coincides:`)."""
    return any(m.tag == tag and m.coincides for m in family.part(part).mistakes)


def _check_precision(family_prompt: str, part: PartSpec, ctx: Context) -> list[str]:
    """A prompt that states a precision keeps its promise: the reference rounded to it is
    accepted."""
    if part.kind not in NUMERIC_KINDS:
        return []
    precision = part_precision(family_prompt, part)
    if precision is None:
        return []
    kind = KINDS[part.kind]
    try:
        typed = rounded_answer(cached_target(kind, part.answer, part, ctx), precision)
    except (MldrillError, ValueError, TypeError, ArithmeticError):
        return []  # reported by _check_part
    got = check_part(part, typed, ctx)
    if got.status == "correct":
        return []
    return [f"part {part.name}: the prompt asks for {precision.describe()}, but the answer "
            f"given so, '{typed}', is not accepted ({got.status}); declare it in the part: "
            f"tolerance: {{{_tolerance_text(precision)}}}"]


def _tolerance_text(precision: Precision) -> str:
    tol = tolerance_for(precision)
    return f"sigfigs: {tol.sigfigs}" if tol.sigfigs else f"abs: {tol.abs:.6g}"


def _leaks(part: PartSpec, ctx: Context, prompt: str) -> list[tuple[str, str]]:
    """(part:tag, text) for catalogued feedback, shown while a try is left, that states
    the answer."""
    kind = KINDS[part.kind]
    try:
        target = cached_target(kind, part.answer, part, ctx)
    except (MldrillError, ValueError, TypeError, ArithmeticError):
        return []
    leak = leak_finder(kind, target, part, ctx, prompt)
    if leak is None:
        return []
    out = []
    for m in part.mistakes:
        run = leak(rendered(m.feedback, ctx))
        if run is not None:
            out.append((f"{part.name}:{m.tag}", run))
    return out


def _check_part(part: PartSpec, ctx: Context, coincide: Counter[str]) -> list[str]:
    """The part's reference, typed in, is accepted; each mistake, typed in, is diagnosed
    (one that equals the reference here is counted in `coincide` instead)."""
    kind = KINDS[part.kind]
    try:
        target = cached_target(kind, part.answer, part, ctx)
        key = kind.format(target, part, ctx)
    except (MldrillError, ValueError, TypeError, ArithmeticError) as exc:
        return [f"part {part.name}: reference cannot be computed: {exc}"]
    problems = []
    result = check_part(part, key, ctx)
    if result.status != "correct":
        problems.append(f"part {part.name}: the reference answer '{key}' is not accepted "
                        f"({result.status}: {'; '.join(result.messages)})")
    for m in part.mistakes:
        try:
            wrong = cached_target(kind, m.answer, part, ctx)
        except (MldrillError, ValueError, TypeError, ArithmeticError) as exc:
            written = kind.written_as(m.answer, part, ctx)
            if written is None:
                problems.append(f"part {part.name}: mistake '{m.tag}' cannot be computed: "
                                f"{exc}")
            elif (got := check_part(part, written, ctx)).diagnosis != f"mistake:{m.tag}":
                problems.append(f"part {part.name}: mistake '{m.tag}' cannot be computed "
                                f"({exc}), and typed as '{written}' it is diagnosed as "
                                f"{got.diagnosis!r}")
            continue
        typed = "" if kind.agree(wrong, target, part, ctx) else kind.format(wrong, part, ctx)
        if not typed.strip():  # equals the reference, or e.g. a select-all that picks nothing
            coincide[f"{part.name}:{m.tag}"] += 1
            continue
        got = check_part(part, typed, ctx)
        if got.status == "correct":
            problems.append(f"part {part.name}: mistake '{m.tag}' ('{typed}') is accepted "
                            "as correct")
        elif got.diagnosis != f"mistake:{m.tag}":
            earlier = [x.tag for x in part.mistakes[: part.mistakes.index(m)]]
            if (got.diagnosis or "").removeprefix("mistake:") not in earlier:
                problems.append(f"part {part.name}: mistake '{m.tag}' ('{typed}') is "
                                f"diagnosed as {got.diagnosis!r}")
    return problems


def _verify(family: ProblemFamily, ctx: Context) -> list[str]:
    """Each verification confirms its part's reference independently."""
    out = []
    for v in family.verify:
        part = family.part(v.part)
        try:
            problems = METHODS[v.method].run(v, part, ctx)
        except (MldrillError, ValueError, TypeError, ArithmeticError, KeyError) as exc:
            problems = [f"{v.method} could not run: {exc}"]
        out += [f"verify {v.method} of part {v.part}: {p}" for p in problems]
    return out
