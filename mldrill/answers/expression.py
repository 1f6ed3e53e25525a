"""Scalar symbolic expressions in named variables: `s*(1-s)`, `2x`, `sigma(z)*(1-sigma(z))`.

Equivalence is decided by evaluating both expressions at seeded random points in each
variable's declared domain; when they agree there, sympy is asked to confirm under a time
limit. If sympy cannot decide in time, the numeric verdict stands and the result says so.
References may use `diff(f, x)`: sympy differentiates once per variant (cached).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from mldrill.answers.base import (
    AnswerKind,
    Context,
    Finding,
    register_kind,
)
from mldrill.bank.model import PartSpec
from mldrill.errors import AnswerParseError, EvaluationError
from mldrill.expr import nodes as n
from mldrill.expr.evaluate import evaluate
from mldrill.expr.functions import CONSTANTS, FORBIDDEN_IN_ANSWERS, REGISTRY, SCALAR_STUDENT
from mldrill.expr.parse import REFERENCE, Expr, check_names, parse, parse_reference
from mldrill.record import record
from mldrill.values import array_like, as_float
from mldrill.variants.rng import VariantRNG

if TYPE_CHECKING:
    from mldrill.values import Functions, SympyExpr, Value

POINTS = 16
SYMPY_SECONDS = 1.0
_FUNCS = {k: REGISTRY[k].numeric for k in SCALAR_STUDENT}


@record(frozen=True)
class Symbolic:
    """An expression ready to compare: its tree (after `diff` is worked out, if any)."""

    expr: Expr
    tree: n.Node
    values: np.ndarray  # at the sample points
    text: str


def domains(spec: PartSpec) -> dict[str, tuple[float, float]]:
    """Each variable's sampling domain [low, high] (default [-2, 2])."""
    out = {}
    for name, d in spec.mapping("variables").items():
        if isinstance(d, Mapping):
            d = d.get("domain", [-2, 2])
        if d is None:
            d = [-2, 2]
        bounds = cast("Sequence[Value]", d)  # [low, high], checked by the schema
        out[name] = (as_float(bounds[0]), as_float(bounds[1]))
    return out


def sample_points(spec: PartSpec, ctx: Context) -> dict[str, np.ndarray]:
    """POINTS seeded random values of each variable in its domain (once per variant)."""

    def draw() -> dict[str, np.ndarray]:
        rng = VariantRNG(ctx.problem_id, ctx.seed, spec.name, "points")
        points = {}
        for name, (lo, hi) in domains(spec).items():
            points[name] = np.array([rng.uniform(lo, hi) for _ in range(POINTS)])
            points[name].setflags(write=False)  # cached for the session: never changed
        return points

    return ctx.cached(("points", spec.name), draw)


def _numbers(ctx: Context) -> dict[str, Value]:
    """Scalar numeric parameters, usable as constants in a symbolic reference."""
    return {k: v for k, v in ctx.params.items()
            if np.ndim(array_like(v)) == 0 and not isinstance(v, str)}


def constant_nodes(values: Mapping[str, Value], exclude: Collection[str] = ()
                   ) -> dict[str, n.Node]:
    """Number nodes for scalar parameter values (names in `exclude` are left alone)."""
    out: dict[str, n.Node] = {}
    for k, v in values.items():
        if k in exclude or isinstance(v, (str, bool)):
            continue
        f = as_float(v)
        out[k] = n.Num(int(f)) if f.is_integer() and abs(f) < 1e15 else n.Num(f)
    return out


def _sympy_symbols(spec: PartSpec, ctx: Context) -> dict[str, SympyExpr]:
    import sympy

    syms: dict[str, SympyExpr] = {}
    for name, (lo, hi) in domains(spec).items():
        syms[name] = sympy.Symbol(name, real=True, positive=lo >= 0 and hi > 0 or None)
    for k, v in _numbers(ctx).items():
        if k not in syms:
            f = as_float(v)
            syms[k] = sympy.Integer(int(f)) if f.is_integer() else sympy.nsimplify(f)
    return syms


def _from_sympy(expr: SympyExpr) -> n.Node:
    """Our tree for a sympy expression (used after `diff`), via its printed form.
    The text comes from sympy's own printer, not from a user, and is parsed by our parser."""
    import sympy

    text = sympy.sstr(expr, order="none").replace("Heaviside", "step")
    text = text.replace("Abs", "abs")
    return parse(text, REFERENCE).root


@register_kind
class ExpressionKind(AnswerKind[Symbolic]):
    name = "expression"
    summary = "a formula in named variables, e.g. s*(1-s) or 2x"
    form = "a formula in the variables, e.g. s*(1 - s); ^ or ** for powers"
    options = {
        "variables": "{name: {domain: [low, high]}}: the variables an answer may use",
        "aliases": "{name: expression}: shorthands an answer may use, e.g. s: sigma(z)",
        "tolerance": "{rel, abs}: numeric agreement at the sample points",
    }

    def option_errors(self, options: Mapping[str, Value]) -> list[tuple[str, str]]:
        aliases = options.get("aliases")
        if aliases is not None and not isinstance(aliases, Mapping):
            return [("aliases", "aliases must be a mapping of names to expressions, e.g. "
                                "{s: sigma(z)}")]
        return []

    def _evaluate_tree(self, tree: n.Node, spec: PartSpec, ctx: Context, functions: Functions
                       ) -> np.ndarray:
        env = {**CONSTANTS, **_numbers(ctx), **sample_points(spec, ctx)}
        # the arrays are sample points of scalar variables: `x y` is a scalar product
        value = np.asarray(array_like(evaluate(tree, env, functions, paper_products=False)),
                           dtype=float)
        if value.shape not in ((), (POINTS,)):
            raise EvaluationError("a formula must give a single number, not a list or matrix")
        return np.broadcast_to(value, (POINTS,)).copy()

    def target(self, expr: str, spec: PartSpec, ctx: Context) -> Symbolic:
        parsed = parse_reference(expr)
        tree = parsed.root
        if "diff" in parsed.calls:
            from mldrill.expr.sympy_bridge import to_sympy

            tree = _from_sympy(to_sympy(tree, _sympy_symbols(spec, ctx)))
        else:
            # parameters become numbers, so the answer text is something a student can type;
            # (8 - 4)*log(1 - t) is shown as 4*log(1 - t)
            tree = n.folded(n.substitute(tree, constant_nodes(_numbers(ctx),
                                                              exclude=domains(spec))))
        values = self._evaluate_tree(tree, spec, ctx, ctx.functions)
        return Symbolic(parsed, tree, values, n.to_text(tree))

    def read(self, text: str, spec: PartSpec, ctx: Context) -> tuple[Symbolic, str]:
        aliases = {k: parse_reference(str(v)).root
                   for k, v in spec.mapping("aliases").items()}
        variables = set(domains(spec)) | set(aliases)
        expr = parse(text, functions=SCALAR_STUDENT, variables=variables)
        check_names(expr, variables=variables | set(CONSTANTS), functions=SCALAR_STUDENT,
                    forbidden=FORBIDDEN_IN_ANSWERS)
        for node in n.walk(expr.root):
            if isinstance(node, (n.ListExpr, n.TupleExpr)):
                raise AnswerParseError(text, node.pos, "a formula cannot contain a list or "
                                       "matrix", "an expression in the variables")
        tree = n.substitute(expr.root, aliases) if aliases else expr.root
        values = self._evaluate_tree(tree, spec, ctx, _FUNCS)
        return Symbolic(expr, tree, values, expr.text), expr.text

    def agree(self, value: Symbolic, target: Symbolic, spec: PartSpec, ctx: Context) -> bool:
        a, b = value.values, target.values
        ok = np.isfinite(b)
        if not ok.any():
            raise EvaluationError("the reference is not finite at any sample point; "
                                  "check the variable domains")
        if not np.all(np.isfinite(a[ok])):
            return False
        tol = spec.tolerance
        rel = min(tol.rel, 1e-6)
        diff = np.abs(a[ok] - b[ok])
        return bool(np.all(diff <= 1e-9 + rel * np.abs(b[ok])))

    def confirm(self, value: Symbolic, target: Symbolic, spec: PartSpec, ctx: Context
                ) -> list[str]:
        key = ("sympy", spec.name, value.text, target.text)  # per part: domains differ
        verdict = ctx.cached(key, lambda: _sympy_verdict(value, target, spec, ctx))
        if verdict is True:
            return []
        if verdict is False:
            return [f"equal to the right expression at all {POINTS} random points checked, "
                    "though sympy finds a tiny symbolic difference; accepted"]
        return [f"checked numerically at {POINTS} random points; sympy could not confirm it "
                f"symbolically within {SYMPY_SECONDS:g} s, so the numeric verdict stands"]

    def format(self, target: Symbolic, spec: PartSpec, ctx: Context) -> str:
        if any(isinstance(x, n.IfExp) for x in n.walk(target.tree)):
            return n.to_text(n.typable(target.tree))  # `1 if x > y else 0` is not typable
        return target.text

    def diagnose(self, value: Symbolic, target: Symbolic, spec: PartSpec, ctx: Context
                 ) -> Finding | None:
        a, b = value.values, target.values
        ok = np.isfinite(a) & np.isfinite(b)
        if not ok.any():
            return None
        a, b = a[ok], b[ok]
        if np.allclose(a, -b, rtol=1e-6, atol=1e-9):
            return Finding("sign", "the sign is flipped: your expression is the negative of "
                                   "the right one")
        nz = np.abs(b) > 1e-9
        if nz.sum() >= 2:
            r = a[nz] / b[nz]
            if np.allclose(r, r[0], rtol=1e-6) and abs(r[0]) > 1e-9:
                k = float(r[0])
                label = {2.0: "2", 0.5: "1/2"}.get(round(k, 9), f"{k:.4g}")
                return Finding("factor", f"off by a constant factor: yours is {label} times "
                                         "the right one")
        d = a - b
        if np.allclose(d, d[0], atol=1e-8) and abs(d[0]) > 1e-8:
            return Finding("constant", f"off by a constant ({d[0]:+.4g}) everywhere")
        return self._by_terms(value, target, spec, ctx)

    def _by_terms(self, value: Symbolic, target: Symbolic, spec: PartSpec, ctx: Context
                  ) -> Finding | None:
        from mldrill.answers.terms import term_finding

        def value_of(node: n.Node) -> np.ndarray | None:
            try:
                return self._evaluate_tree(node, spec, ctx, ctx.functions)
            except (EvaluationError, ValueError, ArithmeticError):
                return None

        def same(x: np.ndarray, y: np.ndarray) -> bool:
            ok = np.isfinite(x) & np.isfinite(y)
            return bool(ok.sum() >= 2 and np.allclose(x[ok], y[ok], rtol=1e-6, atol=1e-9))

        return term_finding(target.tree, value.values, value_of,
                            lambda vs: np.sum(vs, axis=0), lambda v: -v, same)

    def explain(self, value: Symbolic, target: Symbolic, spec: PartSpec, ctx: Context
                ) -> list[str]:
        pts = sample_points(spec, ctx)
        a, b = value.values, target.values
        bad = np.where(np.isfinite(b) & ~np.isclose(a, b, rtol=1e-6, atol=1e-9))[0]
        if not len(bad):
            return []
        i = int(bad[0])
        at = ", ".join(f"{k} = {v[i]:.3g}" for k, v in pts.items())
        return [f"at {at} yours gives {a[i]:.4g}, the right expression gives {b[i]:.4g}"]


def _sympy_verdict(value: Symbolic, target: Symbolic, spec: PartSpec, ctx: Context
                   ) -> bool | None:
    from mldrill.expr.sympy_bridge import symbolically_equal, to_sympy

    try:
        syms = _sympy_symbols(spec, ctx)
        a = to_sympy(value.tree, syms)
        b = to_sympy(target.tree, syms)
    except (EvaluationError, TypeError, ValueError):
        return None
    return symbolically_equal(a, b, SYMPY_SECONDS)
