"""Follow-through marking (error carried forward): a later part that correctly applies the
method to the student's own earlier answer earns its marks.

A part *follows* earlier parts when its reference answer is computed from them:
- inferred: its answer expression names an earlier part (`answer: "maxpool2d(J, q)"`), the
  name standing for that part's answer;
- declared: `follows: {Jref: J}` says the derived parameter `Jref` is part J's answer (where a
  derived parameter hides the dependency), or `follows: [J]` with the part named directly.

Judging such a part when its answer is wrong: the student's earlier answers (as given) are
put in place of the right ones, the derived parameters that depend on them are computed
again, and the part's reference is evaluated on that. An answer that matches earns the
follow-through credit (default full) and says so. An earlier answer that is missing,
unreadable or of the wrong shape gives no follow-through, with a message saying why.

Only numeric earlier answers (number, integer, vector, matrix) can be carried forward.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from mldrill.answers.base import (
    KINDS,
    AnswerKind,
    Context,
    PartResult,
    cached_target,
    check_part,
)
from mldrill.errors import AnswerParseError, EvaluationError
from mldrill.expr.evaluate import evaluate
from mldrill.expr.functions import CONSTANTS
from mldrill.expr.parse import parse_reference
from mldrill.record import record, replace
from mldrill.text import clean

if TYPE_CHECKING:
    from mldrill.bank.model import PartSpec, ProblemFamily
    from mldrill.values import Functions, JsonObject, Value

CARRIED_KINDS = frozenset({"number", "integer", "vector", "matrix"})
_FAILED = (AnswerParseError, EvaluationError, ValueError, ArithmeticError, TypeError,
           IndexError)


@record(frozen=True)
class FollowThrough:
    """How a part earned follow-through credit: the earlier answers used, as given."""

    used: tuple[tuple[str, str], ...]  # (earlier part, the student's answer to it)
    wrong: tuple[str, ...]  # of those, the parts that were wrong
    credit: float  # the fraction of the part's points it earns
    earlier: tuple[tuple[str, str], ...] = ()  # (earlier part, the diagnosis of its slip)

    def to_json(self) -> JsonObject:
        return {"from": {name: text for name, text in self.used}, "wrong": list(self.wrong),
                "credit": self.credit,
                "earlier_diagnoses": {name: tag for name, tag in self.earlier}}


@record(frozen=True)
class Links:
    """What follows what in one family."""

    uses: Mapping[str, tuple[tuple[str, str], ...]]  # part -> ((env name, earlier part), ...)
    bound: tuple[str, ...]  # parts whose answer later expressions use by name

    def follows(self, part: str) -> tuple[str, ...]:
        """The earlier parts `part` follows through from, in order, without repeats."""
        return tuple(dict.fromkeys(p for _, p in self.uses.get(part, ())))

    def follows_any(self) -> tuple[str, ...]:
        """The parts that follow through from some earlier part."""
        return tuple(self.uses)


def links(family: ProblemFamily) -> Links:
    """The follow-through links of `family` (inferred from names, or declared). Cheap:
    the expressions' parses are cached."""
    earlier: list[str] = []
    params = {p.name for p in family.params}
    uses: dict[str, tuple[tuple[str, str], ...]] = {}
    bound: set[str] = set()
    for spec in family.parts:
        pairs: dict[str, str] = {}
        try:
            named = parse_reference(spec.answer).names
        except AnswerParseError:
            named = frozenset()
        for name in earlier:
            if name in named and name not in params:
                pairs[name] = name
                bound.add(name)
        for env_name, part in spec.follows:
            pairs[env_name] = part
            if env_name == part:
                bound.add(part)
        if pairs:
            uses[spec.name] = tuple(pairs.items())
        if spec.kind in CARRIED_KINDS:
            earlier.append(spec.name)
    for spec in family.parts:  # a mistake may name an earlier part too
        for m in spec.mistakes:
            try:
                named = parse_reference(m.answer).names
            except AnswerParseError:
                continue
            bound |= {p for p in earlier if p in named and p not in params and p != spec.name}
    return Links(uses, tuple(p.name for p in family.parts if p.name in bound))


def bind_part_values(family: ProblemFamily, params: dict[str, Value], functions: Functions,
                     seed: int) -> None:
    """Put the reference answer of every part that later expressions name into `params`
    under the part's name (so `answer: "relu(K)"` reads part K's answer)."""
    for name in links(family).bound:
        spec = family.part(name)
        ctx = Context(family.id, seed, params, functions)
        params[name] = KINDS[spec.kind].target(spec.answer, spec, ctx)


def _rederive(family: ProblemFamily, params: Mapping[str, Value], subs: Mapping[str, Value],
              functions: Functions, seed: int) -> dict[str, Value]:
    """The parameters with `subs` put in and everything computed from them computed again:
    derived parameters, then the answers of parts that later parts name."""
    new = dict(params)
    new.update(subs)
    changed = set(subs)
    for p in family.params:
        if p.type != "derived" or p.name in subs:
            continue
        expr = parse_reference(str(p.options["expr"]))
        if expr.names & changed:
            new[p.name] = evaluate(expr, {**CONSTANTS, **new}, functions, exact_ints=True)
            changed.add(p.name)
    for name in links(family).bound:
        spec = family.part(name)
        if name in subs or not parse_reference(spec.answer).names & changed:
            continue
        ctx = Context(family.id, seed, new, functions)
        new[name] = KINDS[spec.kind].target(spec.answer, spec, ctx)
        changed.add(name)
    return new


@record(frozen=True)
class Earlier:
    name: str
    text: str
    value: Value
    result: PartResult


def read_earlier(family: ProblemFamily, name: str, text: str | None, ctx: Context
                 ) -> Earlier | str:
    """The student's answer to an earlier part, read and judged, or why it cannot be used.
    Read once per variant and text (judging each later part reads the same earlier answers
    again); an array value is handed out as a copy, so no caller can change another's."""
    typed = None if text is None else str(text)  # as read: a hashable key whatever it was
    got = ctx.cached(("earlier", family.id, name, typed),
                     lambda: _read_earlier(family, name, typed, ctx))
    if isinstance(got, Earlier) and isinstance(got.value, np.ndarray):
        return replace(got, value=got.value.copy())
    return got


def _read_earlier(family: ProblemFamily, name: str, text: str | None, ctx: Context
                  ) -> Earlier | str:
    spec = family.part(name)
    if text is None or not str(text).strip():
        return f"you gave no {name}"
    result = check_part(spec, text, ctx)
    kind = KINDS[spec.kind]
    try:
        value, _ = kind.read(str(text), spec, ctx)
    except _FAILED:
        return f"your {name} could not be read"
    if result.status == "invalid":
        return f"your {name} could not be read"
    try:
        want = np.shape(kind.target(spec.answer, spec, ctx))
    except _FAILED:
        return f"{name}'s reference cannot be computed here"
    got = np.shape(value)
    if got != want and not (len(want) == 1 and np.size(value) == want[0]):
        return (f"your {name} has shape {_shape(got)} where {name} is {_shape(want)}, "
                "so nothing can be carried forward from it")
    if got != want:
        value = np.reshape(np.asarray(value, dtype=float), want)
    return Earlier(name, clean(str(text).strip(), newlines=False), value, result)


def _shape(shape: tuple[int, ...]) -> str:
    return "a number" if not shape else "x".join(str(d) for d in shape)


def follow_target(family: ProblemFamily, spec: PartSpec, ctx: Context,
                  earlier: Mapping[str, Earlier]) -> Value:
    """The part's reference recomputed on the student's earlier answers (a followed part
    not in `earlier` keeps its reference value: it is not recomputed from the others)."""
    uses = links(family).uses.get(spec.name, ())
    subs = {env: earlier[part].value if part in earlier else ctx.params[env]
            for env, part in uses}
    params = _rederive(family, ctx.params, subs, ctx.functions, ctx.seed)
    fresh = Context(ctx.problem_id, ctx.seed, params, ctx.functions)
    target = KINDS[spec.kind].target(spec.answer, spec, fresh)
    if spec.kind in CARRIED_KINDS and not np.all(np.isfinite(np.asarray(target, dtype=float))):
        # e.g. the square root of a negative: the method is undefined on these answers
        raise EvaluationError(f"{spec.name} is undefined on these earlier answers")
    return target


def credit_for(family: ProblemFamily, spec: PartSpec) -> float:
    """The fraction of a part's points that follow-through earns (the part's setting, else
    the problem's, else full credit)."""
    if spec.follow_credit is not None:
        return spec.follow_credit
    return family.follow_credit


def judge(family: ProblemFamily, spec: PartSpec, text: str | None, ctx: Context,
          answers: Mapping[str, str | None]) -> PartResult:
    """Judge one part, with follow-through from the student's own earlier `answers` (part
    name -> the text as given). Never raises for anything the student typed."""
    result = check_part(spec, text, ctx)
    follows = links(family).follows(spec.name)
    # a wrong answer, or one re-asked for more digits of the right one, may be right for
    # the student's own earlier answers
    readable = result.status == "incorrect" or result.diagnosis == "too-few-digits"
    if not readable or not follows:
        return result
    got: dict[str, Earlier] = {}
    why: list[str] = []
    for name in follows:
        e = read_earlier(family, name, answers.get(name), ctx)
        if isinstance(e, str):
            why.append(e)
        else:
            got[name] = e
    wrong = tuple(n for n in follows if n in got and got[n].result.status != "correct")
    if why:
        if wrong or len(why) == len(follows):
            note = f"no follow-through from {', '.join(follows)}: {'; '.join(why)}"
            return replace(result, messages=(*result.messages, note))
        return result
    if not wrong:
        return result  # the earlier parts were right: this one is simply wrong
    kind = KINDS[spec.kind]
    try:
        value, _ = kind.read(str(text), spec, ctx)
        target = follow_target(family, spec, ctx, got)
        agrees = kind.agree(value, target, spec, ctx)
        if not agrees and len(wrong) < len(follows):
            # the right earlier answers as typed are rounded (1.406 for 1.40564...): a
            # student who kept more digits of them computed from the exact values
            exact = follow_target(family, spec, ctx, {n: got[n] for n in wrong})
            if kind.agree(value, exact, spec, ctx):
                target, agrees = exact, True
    except _FAILED:
        return result
    if not agrees:
        return _not_even_for_yours(result, kind, value, target, spec, ctx, wrong)
    trivial = simplified(family, spec, ctx, {n: got[n].value for n in wrong})
    if trivial:
        return replace(result, messages=(*result.messages, f"no follow-through: {trivial}"))
    credit = credit_for(family, spec)
    ft = FollowThrough(
        used=tuple((n, got[n].text) for n in follows), wrong=wrong, credit=credit,
        earlier=tuple((n, tag) for n in wrong if (tag := got[n].result.diagnosis)))
    them = " and ".join(wrong)
    were = "itself was" if len(wrong) == 1 else "themselves were"
    message = f"correct for your {them} ({them} {were} wrong): follow-through credit"
    if credit < 1:
        message += f" ({credit:.0%} of the points)"
    return PartResult(spec.name, "correct", credit, (message,), diagnosis="follow-through",
                      read_as=result.read_as, points=spec.points, follow_through=ft)


def _is_zero(value: object) -> str | None:
    """"0" or "all zeros" for a numeric value that is (to rounding) zero, else None."""
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    if a.size == 0 or not np.all(np.abs(a) <= 1e-12):
        return None
    return "0" if a.size == 1 else "all zeros"


def simplified(family: ProblemFamily, spec: PartSpec, ctx: Context,
               wrong: Mapping[str, Value]) -> str | None:
    """Why follow-through is refused although the answer matches: a wrong earlier answer
    that is 0 or all zeros (where the right one is not) leaves nothing to compute, as a
    human marker gives no follow-through marks when the working has been simplified:
    entering H = 0 must not earn every later part. (A later answer that merely comes out
    0 from an honest slip, e.g. a ReLU of an all-negative K, still earns it.) None: not
    simplified."""
    for name, value in wrong.items():
        e_spec = family.part(name)
        how = _is_zero(value)
        if how and not _is_zero(cached_target(KINDS[e_spec.kind], e_spec.answer, e_spec,
                                              ctx)):
            return f"your {name} is {how}, which leaves nothing to compute for {spec.name}"
    return None


def _not_even_for_yours(result: PartResult, kind: AnswerKind, value: object, target: object,
                        spec: PartSpec, ctx: Context, wrong: tuple[str, ...]) -> PartResult:
    """A wrong answer that is wrong for the student's own earlier answers too: say what is
    off against those, since that is the computation the student actually did."""
    try:
        facts = kind.explain(value, target, spec, ctx)
    except _FAILED:
        facts = []
    if not facts:
        return result
    them = " and ".join(wrong)
    note = f"not follow-through either: compared with what your own {them} gives, " + \
        "; ".join(facts)
    return replace(result, messages=(*result.messages, note))


def judge_all(family: ProblemFamily, ctx: Context, answers: Mapping[str, str | None],
              only: Callable[[str], bool] = lambda _: True) -> list[PartResult]:
    """Judge every part (that `only` keeps) against `answers`, with follow-through."""
    return [judge(family, spec, answers.get(spec.name), ctx, answers)
            for spec in family.parts if only(spec.name)]
