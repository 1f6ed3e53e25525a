"""Matrix expressions in NumPy syntax: `A @ x + A.T @ x`, `W.T @ delta`, `inv(K).T`.

Checked by instantiating every symbol with random matrices of its declared shape (each
dimension letter gets a different size, so a missing transpose cannot hide) over several
trials, and comparing values. sympy's matrix calculus is never used: it silently gets
log-det and others wrong. When an answer is wrong, it is tried again on symmetric matrices
to tell a student that their answer is "correct only for symmetric matrices".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from mldrill.answers.base import (
    AnswerKind,
    Context,
    Finding,
    register_kind,
)
from mldrill.answers.matrix import shape_text
from mldrill.bank.model import PartSpec
from mldrill.errors import AnswerParseError, BroadcastError, EvaluationError
from mldrill.expr import nodes as n
from mldrill.expr.evaluate import evaluate, resolved
from mldrill.expr.functions import CONSTANTS, FORBIDDEN_IN_ANSWERS, MATRIX_STUDENT, REGISTRY
from mldrill.expr.parse import (
    MATRIX_ANSWER,
    Expr,
    Grammar,
    check_names,
    parse,
    parse_reference,
)
from mldrill.record import record, replace
from mldrill.values import array_like
from mldrill.variants.rng import VariantRNG

if TYPE_CHECKING:
    from mldrill.values import Functions, Value

TRIALS = 3
MAX_SIZE = 12  # of a fixed dimension (`sizes:`)
_FUNCS = {k: REGISTRY[k].numeric for k in MATRIX_STUDENT}
_PROPS = ("symmetric", "spd", "invertible", "diagonal")


@record(frozen=True)
class SymbolSpec:
    name: str
    shape: tuple[str | int, ...]
    props: frozenset[str]


def symbol_specs(spec: PartSpec) -> list[SymbolSpec]:
    """Each declared symbol: its shape (sizes and dimension letters) and properties."""
    out = []
    for name, decl in spec.mapping("symbols").items():
        if isinstance(decl, Mapping):
            shape = decl.get("shape", [])
            props = frozenset(p for p in _PROPS if decl.get(p))
        else:
            shape, props = decl, frozenset()
        if isinstance(shape, (str, int)):
            shape = [shape]
        # sizes and dimension letters, checked by the schema
        out.append(SymbolSpec(name, tuple(cast("Sequence[str | int]", shape)), props))
    return out


def instances(spec: PartSpec, ctx: Context, symmetric: bool = False
              ) -> list[dict[str, np.ndarray]]:
    """TRIALS dicts of random arrays, one per symbol; letters get distinct sizes."""
    return ctx.cached(("instances", spec.name, symmetric),
                      lambda: _draw_instances(spec, ctx, symmetric))


def _draw_instances(spec: PartSpec, ctx: Context, symmetric: bool
                    ) -> list[dict[str, np.ndarray]]:
    specs = symbol_specs(spec)
    fixed = {str(k): int(cast(int, v)) for k, v in spec.mapping("sizes").items()}
    letters = sorted({d for s in specs for d in s.shape if isinstance(d, str)} - set(fixed))
    trials = []
    for t in range(TRIALS):
        rng = VariantRNG(ctx.problem_id, ctx.seed, spec.name, "matrix", t)
        free = [x for x in range(2, 2 + max(len(letters), 1) + 3 + len(fixed))
                if x not in fixed.values()]
        sizes = rng.shuffled(free)
        dims = {**{letter: sizes[i] for i, letter in enumerate(letters)}, **fixed}
        if t == 0:
            ctx.cache[("dims", spec.name)] = dims
        env: dict[str, np.ndarray] = {}
        for s in specs:
            shape = tuple(dims[d] if isinstance(d, str) else int(d) for d in s.shape)
            a = rng.normals(shape) if shape else np.array(rng.normal())
            props = set(s.props)
            if symmetric and len(shape) == 2 and shape[0] == shape[1]:
                props.add("symmetric")
            if "spd" in props:
                a = a @ a.T + shape[0] * np.eye(shape[0])
            elif "invertible" in props:
                a = a + shape[0] * np.eye(shape[0]) * np.sign(rng.uniform(-1, 1) or 1)
            if "symmetric" in props and "spd" not in props:
                a = (a + a.T) / 2
            if "diagonal" in props:
                a = np.diag(np.diag(a))
            a = np.array(a, dtype=float)
            a.setflags(write=False)  # cached for the whole session: nothing may change it
            env[s.name] = a
        trials.append(env)
    return trials


@record(frozen=True)
class MatrixValue:
    expr: Expr
    values: tuple[np.ndarray, ...]  # one array per trial
    error: str | None = None  # e.g. shapes that do not match


@register_kind
class MatrixExpressionKind(AnswerKind[MatrixValue]):
    name = "matrix_expression"
    summary = "a NumPy-style matrix formula, e.g. A @ x + A.T @ x"
    form = ("a matrix formula: A @ x or A x for products, .T or ^T transpose, inv(K), "
            "trace(A); LaTeX such as A^\\top x is read too")
    options = {
        "symbols": "{name: [rows, cols]} or {name: {shape: [...], symmetric|spd|invertible: "
                   "true}}; letters are dimensions",
        "tolerance": "{rel, abs}: numeric agreement",
        "sizes": "{letter: size, ...}: fix dimension sizes (e.g. {n: 6, d: 3} for a tall X); "
                 "other letters get distinct random sizes from 2 up",
        "broadcast": "true: NumPy broadcasting is allowed (y * x.T is an outer product); "
                     "default: true where the prompt says NumPy, else shapes must match",
    }

    def option_errors(self, options: Mapping[str, Value]) -> list[tuple[str, str]]:
        out = []
        b = options.get("broadcast")
        if b is not None and not isinstance(b, bool):
            out.append(("broadcast", f"broadcast must be true or false, got {b!r}"))
        sizes = options.get("sizes")
        if sizes is not None:
            ok = isinstance(sizes, Mapping) and all(
                isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
                and 1 <= v <= MAX_SIZE for k, v in sizes.items())
            if not ok:
                out.append(("sizes", f"sizes must map dimension letters to whole numbers from "
                                     f"1 to {MAX_SIZE}, e.g. {{n: 6, d: 3}}"))
        return out

    def _meant_numpy(self, expr: Expr, spec: PartSpec, ctx: Context, functions: Functions,
                     symmetric: bool) -> bool:
        """Does the NumPy (broadcasting) reading of a student's expression give a result of
        the right shape? Then they meant NumPy's operation (y * x.T for y @ x.T) and are
        told why it is not read so; otherwise the shapes are simply wrong."""
        from mldrill.answers.base import cached_target

        try:
            target = cached_target(self, spec.answer, spec, ctx)
            loose = MatrixExpressionKind._values(
                self, expr, replace(spec, options={**spec.options, "broadcast": True}),
                ctx, functions, symmetric)
        except (EvaluationError, AnswerParseError):
            return False
        return not loose.error and all(
            np.shape(a) == np.shape(b) for a, b in zip(loose.values, target.values, strict=True))

    def _values(self, expr: Expr, spec: PartSpec, ctx: Context, functions: Functions,
                symmetric: bool = False, student: bool = False,
                products: dict[int, str] | None = None) -> MatrixValue:
        """The expression on every trial. For a student's answer (`student`) that would
        only work by NumPy broadcasting where the part wants equal shapes, the reason is
        raised (the answer is re-asked, not marked wrong). `products` records how each
        product written as on paper (`A x`) was read, for the echo."""
        scalars = _scalars(ctx)
        values = []
        strict = not spec.options.get("broadcast", False)
        singular = False
        for env in instances(spec, ctx, symmetric):
            try:
                v = evaluate(expr, {**CONSTANTS, **scalars, **env}, functions,
                             strict_broadcast=strict, products=products)
            except BroadcastError as exc:
                if student and self._meant_numpy(expr, spec, ctx, functions, symmetric):
                    # the caret is a column of what was typed (expr.source), not of the echo
                    raise AnswerParseError(expr.source, exc.col or 0, exc.message) from None
                return MatrixValue(expr, (), exc.mismatch)
            except EvaluationError as exc:
                if "singular" not in exc.message.lower():
                    return MatrixValue(expr, (), exc.message)
                singular = True  # a shape error on another trial says more: keep looking
                continue
            values.append(np.asarray(array_like(v), dtype=float))
        if singular:
            # the same on every seed, whichever sizes the trials drew
            return MatrixValue(expr, (), "it inverts a matrix that is singular for some sizes "
                                         "of the dimensions (e.g. X.T @ X when X has fewer "
                                         "rows than columns)")
        return MatrixValue(expr, tuple(values))

    def written_as(self, expr: str, spec: PartSpec, ctx: Context) -> str | None:
        return ctx.cached(("written", spec.name, expr), lambda: self._written(expr, spec, ctx))

    def _written(self, expr: str, spec: PartSpec, ctx: Context) -> str | None:
        try:
            return self._reference_expr(expr, spec, ctx).text
        except (AnswerParseError, EvaluationError):
            return None

    def same_text(self, value: MatrixValue, typed: str) -> bool:
        try:
            written = parse(typed, MATRIX_ANSWER, functions=MATRIX_STUDENT)
        except AnswerParseError:
            return False
        return bool(written.root == value.expr.root)

    def _reference_expr(self, expr: str, spec: PartSpec, ctx: Context) -> Expr:
        from mldrill.answers.expression import constant_nodes

        parsed = parse_reference(expr)
        scalars = _scalars(ctx)
        names = {s.name for s in symbol_specs(spec)}
        root = n.substitute(parsed.root, constant_nodes(scalars, exclude=names))
        if root is not parsed.root:
            parsed = Expr(root, n.to_text(root), parsed.grammar)
        return parsed

    def target(self, expr: str, spec: PartSpec, ctx: Context) -> MatrixValue:
        from mldrill.answers.expression import constant_nodes

        parsed = parse_reference(expr)
        scalars = _scalars(ctx)
        names = {s.name for s in symbol_specs(spec)}
        root = n.substitute(parsed.root, constant_nodes(scalars, exclude=names))
        if root is not parsed.root:
            # parameters become numbers, so the answer text is something a student can type
            parsed = Expr(root, n.to_text(root), parsed.grammar)
        value = self._values(parsed, spec, ctx, ctx.functions)
        if value.error:
            raise EvaluationError(f"reference '{expr}' cannot be evaluated: {value.error}")
        return value

    def read(self, text: str, spec: PartSpec, ctx: Context) -> tuple[MatrixValue, str]:
        names = {s.name for s in symbol_specs(spec)}
        # scalar parameters shown in the prompt (lambda, N, ...) may be used by name
        names |= {k for k, v in _scalars(ctx).items() if not isinstance(v, str)}
        expr = parse(text, MATRIX_ANSWER, functions=MATRIX_STUDENT, variables=names)
        check_names(expr, variables=names | set(CONSTANTS), functions=MATRIX_STUDENT,
                    forbidden=FORBIDDEN_IN_ANSWERS)
        # `A x` is read as on paper (A @ x; 2A is 2*A): say which, once the shapes are known
        products: dict[int, str] = {}
        value = self._values(expr, spec, ctx, _FUNCS, student=True, products=products)
        return value, n.to_text(resolved(expr.root, products))

    def agree(self, value: MatrixValue, target: MatrixValue, spec: PartSpec, ctx: Context
              ) -> bool:
        if value.error:
            return False
        return all(_same(a, b, spec) for a, b in zip(value.values, target.values, strict=True))

    def format(self, target: MatrixValue, spec: PartSpec, ctx: Context) -> str:
        return target.expr.text

    def diagnose(self, value: MatrixValue, target: MatrixValue, spec: PartSpec, ctx: Context
                 ) -> Finding | None:
        found = self._diagnose(value, target, spec, ctx)
        if found is None:
            return None
        # say shapes in the problem's own dimension letters, not the random trial sizes
        return Finding(found.tag, _named(found.message, spec, ctx))

    def _by_terms(self, value: MatrixValue, target: MatrixValue, spec: PartSpec,
                  ctx: Context) -> Finding | None:
        """A term of the right answer left out (A @ x for (A + A.T) @ x), or one term's
        sign flipped."""
        from mldrill.answers.terms import term_finding

        def add(vs: Sequence[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
            return tuple(sum(trial[1:], trial[0]) for trial in zip(*vs, strict=True))

        def same(x: tuple[np.ndarray, ...], y: tuple[np.ndarray, ...]) -> bool:
            return all(_same(a, b, spec) for a, b in zip(x, y, strict=True))

        return term_finding(
            target.expr.root, value.values,
            lambda node: _trial_values(self, node, target.expr.grammar, spec, ctx), add,
            lambda v: tuple(-a for a in v), same)

    def _transposed_operand(self, value: MatrixValue, target: MatrixValue, spec: PartSpec,
                            ctx: Context) -> Finding | None:
        """`W @ delta` for `W.T @ delta`: the answer is right with one square matrix of it
        transposed (checked before "only for symmetric matrices", which it also is)."""
        used = value.expr.names
        for s in symbol_specs(spec):
            if s.name not in used or len(s.shape) != 2 or s.shape[0] != s.shape[1]:
                continue
            flipped = []
            for env in instances(spec, ctx):
                swapped = {**env, s.name: env[s.name].T}
                try:
                    v = evaluate(value.expr, {**CONSTANTS, **_scalars(ctx), **swapped}, _FUNCS,
                                 strict_broadcast=not spec.options.get("broadcast", False))
                except EvaluationError:
                    break
                flipped.append(np.asarray(array_like(v), dtype=float))
            else:
                if all(_same(a, b, spec) for a, b in zip(flipped, target.values, strict=True)):
                    return Finding("transposed-operand",
                                   f"{s.name} is used the wrong way round: your answer is "
                                   f"right with {s.name} transposed where it appears (check "
                                   "the shapes of each product)")
        return None

    def _diagnose(self, value: MatrixValue, target: MatrixValue, spec: PartSpec, ctx: Context
                  ) -> Finding | None:
        if value.error:
            return Finding("shape", f"your expression cannot be computed: {value.error}")
        a, b = value.values[0], target.values[0]
        if a.shape != b.shape:
            got = f"the result {_has_shape(a.shape)} but should be {shape_text(b.shape)}"
            if a.ndim == b.ndim == 2 and a.shape == b.shape[::-1]:
                if all(_same(x.T, y, spec) for x, y in
                       zip(value.values, target.values, strict=True)):
                    return Finding("transposed", f"{got}: it is the transpose of the right "
                                                 "answer (check the layout convention)")
                return Finding("shape", f"{got}: transposed?")
            return Finding("shape", got)
        pairs = list(zip(value.values, target.values, strict=True))
        if all(x.ndim == 2 and x.shape[0] == x.shape[1] > 1 for x, _ in pairs) and all(
            _same(x.T, y, spec) for x, y in pairs
        ):
            return Finding("transposed", "your answer is the transpose of the right one "
                                         "(check the layout convention)")
        if all(_same(-x, y, spec) for x, y in pairs):
            return Finding("sign", "the sign is flipped")
        found = [_ratio(x, y) for x, y in pairs]
        ratios = [r for r in found if r is not None]
        if len(ratios) == len(found) and np.allclose(ratios, ratios[0], rtol=1e-6):
            k = ratios[0]
            label = {2.0: "2", 0.5: "1/2"}.get(round(k, 9), f"{k:.4g}")
            return Finding("factor", f"off by a constant factor: yours is {label} times the "
                                     "right one")
        found_terms = self._by_terms(value, target, spec, ctx)
        if found_terms is not None:
            return found_terms
        moved = self._transposed_operand(value, target, spec, ctx)
        if moved is not None:
            return moved
        if any(s.shape and len(s.shape) == 2 and s.shape[0] == s.shape[1]
               for s in symbol_specs(spec)):
            sym_v = self._values(value.expr, spec, ctx, _FUNCS, symmetric=True)
            sym_t = self._values(target.expr, spec, ctx, ctx.functions, symmetric=True)
            if not sym_v.error and not sym_t.error and all(
                _same(x, y, spec) for x, y in zip(sym_v.values, sym_t.values, strict=True)
            ):
                return Finding("symmetric-only", "correct only for symmetric matrices: the "
                               "matrices here are not symmetric (e.g. d(x^T A x)/dx is "
                               "(A + A^T) x, which is 2 A x only when A = A^T)")
        return None


def _trial_values(kind: MatrixExpressionKind, node: n.Node, grammar: Grammar, spec: PartSpec,
                  ctx: Context) -> tuple[np.ndarray, ...] | None:
    got = kind._values(Expr(node, n.to_text(node), grammar), spec, ctx, ctx.functions)
    return None if got.error else got.values


def _named(message: str, spec: PartSpec, ctx: Context) -> str:
    """Replace sizes in shapes ('3x4', 'length 3') by the dimension letters they stand for."""
    dims = cast("dict[str, int]", ctx.cache.get(("dims", spec.name)) or {})
    fixed = {int(d) for s in symbol_specs(spec) for d in s.shape if not isinstance(d, str)}
    letter = {size: name for name, size in dims.items() if size not in fixed}
    if not letter:
        return message

    def name(size: str) -> str:
        return letter.get(int(size), size)

    def shape(m: re.Match[str]) -> str:
        return " x ".join(name(x) for x in m.group(0).split("x"))

    message = re.sub(r"\b\d+(?:x\d+)+\b", shape, message)
    return re.sub(r"length (\d+)", lambda m: f"length {name(m.group(1))}", message)


def _scalars(ctx: Context) -> dict[str, Value]:
    """The variant's scalar parameters (an answer may name them; a reference's become
    numbers)."""
    return {k: v for k, v in ctx.params.items() if np.ndim(array_like(v)) == 0}


def _has_shape(shape: tuple[int, ...]) -> str:
    """'has shape 3x1', 'is a single number', 'is a vector of length 3'."""
    return f"has shape {shape_text(shape)}" if len(shape) >= 2 else f"is {shape_text(shape)}"


def _same(a: np.ndarray, b: np.ndarray, spec: PartSpec) -> bool:
    if a.shape != b.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(b))) if b.size else 1.0)
    return bool(np.allclose(a, b, rtol=min(spec.tolerance.rel, 1e-6), atol=1e-9 * scale))


def _ratio(a: np.ndarray, b: np.ndarray) -> float | None:
    if a.shape != b.shape:
        return None
    nz = np.abs(b) > 1e-9
    if not nz.any():
        return None
    r = a[nz] / b[nz]
    if np.allclose(r, r.flat[0], rtol=1e-6) and abs(r.flat[0]) > 1e-9:
        return float(r.flat[0])
    return None
