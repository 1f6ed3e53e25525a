"""Make a variant: a pure function of (family, seed).

Parameters are drawn in the order the YAML lists them, each from its own stream of the
(problem id, seed) random source; then the registered generator (if any) runs; then the
constraints are checked. A variant that breaks a constraint is redrawn (attempt 1, 2, ...,
each again a pure function of the id and seed), up to a limit; a family whose constraints
can never be met gets an error naming the constraint and where it is written.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, cast

import numpy as np

from mldrill.answers.base import KINDS, Context, cached_target
from mldrill.answers.follow import bind_part_values, links
from mldrill.answers.precision import precision_note
from mldrill.bank.model import ParamSpec, ProblemFamily
from mldrill.bank.yamlsrc import PathKey
from mldrill.errors import BankError, ConstraintError, EvaluationError
from mldrill.expr.evaluate import evaluate
from mldrill.expr.functions import CONSTANTS
from mldrill.expr.parse import parse_reference
from mldrill.record import field, record
from mldrill.values import array_like
from mldrill.variants.generators import GENERATORS, GeneratorFn
from mldrill.variants.params import PARAM_TYPES, ParamError
from mldrill.variants.rng import VariantRNG
from mldrill.variants.template import render

if TYPE_CHECKING:
    from mldrill.values import Functions, Value

MAX_ATTEMPTS = 1000


@record(frozen=True)
class RenderedPart:
    name: str
    kind: str
    prompt: str
    points: float
    form: str
    choices: tuple[tuple[str, str], ...] = ()  # (letter, text) for choice parts
    follows: tuple[str, ...] = ()  # earlier parts this one is marked on (follow-through)


@record
class Variant:
    family: ProblemFamily
    seed: int
    params: dict[str, Value]
    prompt: str
    parts: tuple[RenderedPart, ...]
    functions: Functions = field(repr=False)
    _ctx: Context | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.family.id

    @property
    def context(self) -> Context:
        if self._ctx is None:
            self._ctx = Context(self.family.id, self.seed, self.params, self.functions)
        return self._ctx

    def hints(self) -> list[str]:
        return [render(h, self.params, self.functions) for h in self.family.hints]

    def solution(self) -> str:
        return render(self.family.solution, self.params, self.functions) \
            if self.family.solution else ""

    def answer_text(self, part_name: str) -> str:
        """The reference answer as text that `check` accepts."""
        spec = self.family.part(part_name)
        kind = KINDS[spec.kind]
        return kind.format(cached_target(kind, spec.answer, spec, self.context), spec,
                           self.context)


def _diag(family: ProblemFamily, key: PathKey, message: str) -> BankError:
    return BankError([family.source.diag(key, message)])


def draw_params(family: ProblemFamily, seed: int, functions: Functions
                ) -> dict[str, Value]:
    """The parameters of variant `seed`: the first attempt whose parameters meet every
    constraint. A constraint is checked as soon as the parameters it names are drawn, so an
    attempt that fails one stops early (each attempt has its own stream: the variant drawn
    for a seed is the same either way)."""
    failures: Counter[int] = Counter()
    for attempt in range(MAX_ATTEMPTS):
        rng = VariantRNG(family.id, seed, attempt)
        params, failed = _draw_once(family, rng, functions)
        if failed is None:
            return params
        failures[failed] += 1
    worst = failures.most_common(1)[0][0]
    c = family.constraints[worst]
    m = family.source.at(c.where)
    raise ConstraintError(
        f"{family.path}:{m.line}:{m.col}: constraint '{c.expr}' ({c.message}) was not met in "
        f"{MAX_ATTEMPTS} draws for seed {seed}; widen the parameter ranges or relax it"
    )


def _met(family: ProblemFamily, i: int, params: dict[str, Value],
         functions: Functions) -> bool:
    c = family.constraints[i]
    try:
        ok = evaluate(parse_reference(c.expr), {**CONSTANTS, **params}, functions,
                      exact_ints=True)
    except EvaluationError as exc:
        raise _diag(family, (*c.where, "expr"),
                    f"constraint cannot be evaluated: {exc.message}") from None
    return bool(np.all(array_like(ok)))


def _draw_once(family: ProblemFamily, rng: VariantRNG,
               functions: Functions
               ) -> tuple[dict[str, Value], int | None]:
    """One attempt: the parameters and the first constraint they fail (None: all met)."""
    params: dict[str, Value] = {}
    waiting = list(range(len(family.constraints)))
    drawn = set(CONSTANTS)

    def check(final: bool) -> int | None:
        for i in list(waiting):
            if final or parse_reference(family.constraints[i].expr).names <= drawn:
                waiting.remove(i)
                if not _met(family, i, params, functions):
                    return i
        return None

    for spec in family.params:
        if spec.after_generator:
            continue
        _draw_param(family, spec, rng, params, functions)
        drawn.add(spec.name)
        if (failed := check(False)) is not None:
            return params, failed
    if family.generator:
        gen = GENERATORS.get(family.generator)
        # else a function of the bank's solutions/ with a generator's signature
        fn = gen.fn if gen else cast(GeneratorFn, functions[family.generator])
        extra = fn(rng.spawn("generator"), dict(params))
        params.update(extra)
    for spec in family.params:
        if spec.after_generator:
            _draw_param(family, spec, rng, params, functions)
    return params, check(True)


def _draw_param(family: ProblemFamily, spec: ParamSpec, rng: VariantRNG,
                params: dict[str, Value], functions: Functions) -> None:
    """Draw one parameter into `params`, from its own stream of the variant's source."""
    stream = rng.spawn(spec.name)
    if spec.type == "constant":
        value = spec.options["value"]
        params[spec.name] = np.array(value) if isinstance(value, list) else value
        return

    def get(option: str, spec: ParamSpec = spec) -> Value:
        if option == "=expr":
            return _eval_option(family, str(spec.options["expr"]), (*spec.where, "expr"),
                                params, functions)
        raw = spec.options.get(option)
        declared = PARAM_TYPES[spec.type].options.get(option)
        if declared is not None and not declared.expr:
            return raw  # taken literally (choice values, decimals, flags)
        return _resolve(family, raw, (*spec.where, option), params, functions)

    try:
        params[spec.name] = PARAM_TYPES[spec.type].sample(stream, get)
    except ParamError as exc:
        raise _diag(family, spec.where, f"parameter '{spec.name}': {exc}") from None


def _resolve(family: ProblemFamily, raw: Value, key: PathKey, params: dict[str, Value],
             functions: Functions) -> Value:
    if isinstance(raw, str):
        return _eval_option(family, raw, key, params, functions)
    if isinstance(raw, list):
        return [_resolve(family, x, (*key, i), params, functions) for i, x in enumerate(raw)]
    return raw


def _eval_option(family: ProblemFamily, text: str, key: PathKey, params: dict[str, Value],
                 functions: Functions) -> Value:
    try:
        return evaluate(parse_reference(text), {**CONSTANTS, **params}, functions,
                        exact_ints=True)
    except EvaluationError as exc:
        raise _diag(family, key, f"cannot evaluate '{text}': {exc.message}") from None


def make_variant(family: ProblemFamily, seed: int,
                 functions: Functions) -> Variant:
    """The variant of `family` for `seed`: same inputs, same variant, anywhere."""
    params = draw_params(family, seed, functions)
    bind_part_values(family, params, functions, seed)
    lk = links(family)
    try:
        prompt = render(family.prompt, params, functions, shapes=True)
        parts = tuple(
            RenderedPart(p.name, p.kind,
                         render(p.prompt, params, functions) + precision_note(p, family.prompt),
                         p.points,
                         KINDS[p.kind].form_for(p),
                         tuple((str(k), render(str(v), params, functions))
                               for k, v in p.mapping("choices").items()),
                         lk.follows(p.name))
            for p in family.parts
        )
    except EvaluationError as exc:
        raise _diag(family, ("prompt",), f"prompt cannot be rendered: {exc.message}") from None
    return Variant(family, seed, params, prompt, parts, functions)
