"""Check a problem file and build its ProblemFamily, reporting every problem at once.

Each diagnostic is `path:line:col: message`, says what was expected, and suggests the
nearest known name for a misspelled key, kind, parameter type or verification method.
Expressions are parsed here too (with the column inside the string where YAML lets us
know it), and every name they use must be a parameter, a declared variable, a constant or
a known function.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, cast

from mldrill.bank.lint import ID_RE, NAME_RE, Checker, did_you_mean, type_name
from mldrill.bank.model import (
    Constraint,
    ParamSpec,
    PartSpec,
    ProblemFamily,
    Verification,
)
from mldrill.bank.schema_follow import check_credit
from mldrill.bank.schema_parts import check_parts
from mldrill.bank.yamlsrc import PathKey, SourceMap
from mldrill.errors import Diagnostic
from mldrill.expr import nodes as n
from mldrill.expr.functions import CONSTANTS
from mldrill.record import replace
from mldrill.variants.generators import GENERATORS
from mldrill.variants.params import PARAM_TYPES
from mldrill.verify.methods import METHODS

if TYPE_CHECKING:
    from mldrill.values import Value, Yaml

TOP_KEYS = {
    "id": "unique id, lowercase words joined by '-'",
    "title": "a short title",
    "topic": "the topic folder name, e.g. backprop",
    "tags": "a list of words",
    "difficulty": "1 (one step) to 5 (exam-hard)",
    "layout": "denominator or numerator (matrix calculus)",
    "params": "the random parameters",
    "constraints": "conditions the parameters must meet",
    "generator": "a registered Python generator for the parameters",
    "prompt": "the question, with {{ }} placeholders",
    "parts": "the answers asked for",
    "hints": "hints revealed one at a time",
    "solution": "the worked solution template",
    "verify": "independent checks of the reference answers",
    "notes": "free text for authors",
    "few_variants": "why this family has fewer than 20 distinct variants per 100 seeds",
    "follow_credit": "the fraction of a part's points follow-through earns (default 1)",
}
REQUIRED_TOP = ("id", "title", "topic", "prompt", "parts")
LAYOUTS = ("denominator", "numerator")

def check_family(data: Yaml, smap: SourceMap, path: str, functions: Collection[str]
                 ) -> tuple[ProblemFamily | None, list[Diagnostic]]:
    """Validate one parsed problem file. Returns the family (None if unusable) and all
    diagnostics found."""
    c = Checker(path, smap, functions)
    if not isinstance(data, dict):
        c.err((), "a problem file must be a mapping of keys (id, title, ...), got "
                  f"{type_name(data)}")
        return None, c.diags
    c.unknown_keys(data, TOP_KEYS, (), "a problem")
    for k in REQUIRED_TOP:
        if k not in data:
            c.err((), f"missing required key '{k}' ({TOP_KEYS[k]})")
    pid = c.text(data, "id", ())
    if pid and not ID_RE.match(pid):
        c.err(("id",), f"id '{pid}' must be lowercase letters and digits joined by '-' "
                       "(e.g. conv-output-size)")
    title, topic = c.text(data, "title", ()), c.text(data, "topic", ())
    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        c.err(("tags",), "tags must be a list of words, e.g. [chain-rule, sigmoid]")
        tags = []
    difficulty = data.get("difficulty", 2)
    if not isinstance(difficulty, int) or isinstance(difficulty, bool) or \
            not 1 <= difficulty <= 5:
        c.err(("difficulty",), f"difficulty must be a whole number from 1 to 5, got "
                               f"{difficulty!r}")
        difficulty = 2
    layout = data.get("layout")
    if layout is not None and layout not in LAYOUTS:
        c.err(("layout",), f"layout must be 'denominator' or 'numerator', got {layout!r}"
                           f"{did_you_mean(str(layout), LAYOUTS)}")
    if topic == "matrix-calculus" and layout is None:
        c.err((), "matrix-calculus problems must state their layout: add "
                  "'layout: denominator' (gradient has the shape of the variable) or "
                  "'layout: numerator'")

    generator, provided = _generator(c, data.get("generator"))
    params, names = _params(c, data.get("params"), provided)
    names |= provided
    constraints = _constraints(c, data.get("constraints"), names)
    parts = check_parts(c, data.get("parts"), names)
    part_names = {p.name for p in parts}
    all_symbols = set(names)
    for p in parts:
        all_symbols |= set(p.mapping("variables"))
    prompt = c.text(data, "prompt", ())
    c.template(prompt, ("prompt",), names)
    parts = [_broadcast_default(p, prompt) for p in parts]
    hints_raw = data.get("hints") or []
    if not isinstance(hints_raw, list):
        c.err(("hints",), "hints must be a list of texts, revealed one at a time")
        hints_raw = []
    hints = []
    for i, h in enumerate(hints_raw):
        if not isinstance(h, str):
            c.err(("hints", i), f"each hint must be text, got {type_name(h)}")
            continue
        c.template(h, ("hints", i), names)
        hints.append(h)
    solution = c.text(data, "solution", ())
    c.template(solution, ("solution",), names)
    verify = _verify(c, data.get("verify"), names, parts, part_names)
    few_variants = data.get("few_variants")
    if few_variants is not None and (not isinstance(few_variants, str)
                                     or not few_variants.strip()):
        c.err(("few_variants",), "few_variants must be a sentence saying why this family "
                                 "cannot have 20 distinct variants, e.g. \"there are only 6 "
                                 "activation functions\"")
        few_variants = None
    follow_credit = check_credit(c, data.get("follow_credit"), ())
    if c.diags or not pid:
        return None, c.diags
    family = ProblemFamily(
        id=pid, title=title, topic=topic, tags=tuple(tags), difficulty=difficulty,
        layout=layout, params=tuple(params), constraints=tuple(constraints),
        generator=generator, prompt=prompt, parts=tuple(parts), hints=tuple(hints),
        solution=solution, verify=tuple(verify), path=path, source=smap,
        few_variants=few_variants,
        follow_credit=1.0 if follow_credit is None else follow_credit,
    )
    return family, c.diags


def _generator(c: Checker, generator: Yaml) -> tuple[str | None, set[str]]:
    """The generator's name (None if absent or unusable) and the parameters it provides."""
    if generator is None:
        return None, set()
    if not isinstance(generator, str):
        c.err(("generator",), "generator must be the name of a registered generator")
        return None, set()
    if generator in GENERATORS:
        return generator, set(GENERATORS[generator].provides)
    if generator not in c.functions:
        c.err(("generator",), f"unknown generator '{generator}'"
                              f"{did_you_mean(generator, GENERATORS)}")
        return None, set()
    # a function from the bank's solutions/, declaring `fn.provides = (...)`
    provides = getattr(c.callables.get(generator), "provides", None)
    if not provides:
        c.err(("generator",), f"'{generator}' must declare the parameters it returns: "
                              f"set {generator}.provides = ('name', ...) in its module")
    return generator, set(provides or ())


def _params(c: Checker, raw: Yaml, provided: set[str]) -> tuple[list[ParamSpec], set[str]]:
    """Parameters in order; a derived one may also use what the generator provides (it is
    then computed after the generator runs)."""
    if raw is None:
        return [], set()
    if not isinstance(raw, dict):
        c.err(("params",), "params must be a mapping: name: {type: ..., ...}")
        return [], set()
    out: list[ParamSpec] = []
    names: set[str] = set()
    late = set(provided)  # known only after the generator has run
    for name, spec in raw.items():
        param = _param(c, name, spec, names, provided, late)
        if param is None:
            continue
        out.append(param)
        names.add(name)
        if param.after_generator:
            late.add(name)
    return out, names


def _param(c: Checker, name: str, spec: Yaml, names: set[str], provided: set[str],
           late: set[str]) -> ParamSpec | None:
    """One parameter, checked against its type's options; None if it cannot be used."""
    key: PathKey = ("params", name)
    if not NAME_RE.match(str(name)) or str(name).startswith("_"):
        c.err(key, f"parameter name '{name}' must start with a letter and use letters, "
                   "digits and _", on_key=True)
        return None
    if name in CONSTANTS or name in c.functions:
        c.err(key, f"parameter name '{name}' hides the "
                   f"{'constant' if name in CONSTANTS else 'function'} of that name",
              on_key=True)
    if not isinstance(spec, dict):
        # a constant: `n: 3`
        return ParamSpec(name, "constant", {"value": cast("Value", spec)}, key)  # YAML data
    ptype = spec.get("type")
    if ptype is None:
        c.err(key, f"parameter '{name}' needs a type; expected one of: "
                   f"{', '.join(sorted(PARAM_TYPES))}")
        return None
    if ptype not in PARAM_TYPES:
        c.err((*key, "type"), f"unknown parameter type '{ptype}'"
                              f"{did_you_mean(ptype, PARAM_TYPES)}; expected one of: "
                              f"{', '.join(sorted(PARAM_TYPES))}")
        return None
    pt = PARAM_TYPES[ptype]
    opts = {k: v for k, v in spec.items() if k != "type"}
    c.unknown_keys(opts, pt.options, key, f"a '{ptype}' parameter")
    for opt_name, opt in pt.options.items():
        if opt.required and opt_name not in opts:
            c.err(key, f"'{ptype}' parameter '{name}' needs '{opt_name}'")
    after_generator = False
    for opt_name, v in opts.items():
        found = pt.options.get(opt_name)
        if found is None:
            continue
        if ptype == "derived" and opt_name == "expr":
            after_generator = _derived_expr(c, v, (*key, opt_name), names | provided, late)
        elif found.expr:  # drawn before the generator runs
            _option_exprs(c, v, (*key, opt_name), names - late)
    return ParamSpec(name, ptype, opts, key, after_generator)


def _derived_expr(c: Checker, v: Yaml, key: PathKey, known: set[str], late: set[str]) -> bool:
    """Check a derived parameter's `expr`; whether it uses a name known only after the
    generator has run (the parameter is then computed after it too)."""
    if not isinstance(v, str):
        c.err(key, "expr must be an expression in quotes")
        return False
    root = c.expression(v, key, known)
    return root is not None and any(isinstance(x, n.Name) and x.id in late
                                    for x in n.walk(root))


def _option_exprs(c: Checker, v: Yaml, key: PathKey, names: set[str]) -> None:
    if isinstance(v, str):
        c.expression(v, key, names)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            _option_exprs(c, x, (*key, i), names)


def _constraints(c: Checker, raw: Yaml, names: set[str]) -> list[Constraint]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        c.err(("constraints",), "constraints must be a list of {expr, message}")
        return []
    out = []
    for i, item in enumerate(raw):
        key: PathKey = ("constraints", i)
        if isinstance(item, str):
            item = {"expr": item}
        if not isinstance(item, dict):
            c.err(key, "a constraint is an expression, or {expr: ..., message: ...}")
            continue
        c.unknown_keys(item, {"expr", "message"}, key, "a constraint")
        expr = c.text(item, "expr", key, required=True)
        if expr:
            c.expression(expr, (*key, "expr"), names)
        out.append(Constraint(expr, c.text(item, "message", key, default=expr), key))
    return out


def _verify(c: Checker, raw: Yaml, names: set[str], parts: list[PartSpec],
            part_names: set[str]) -> list[Verification]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        c.err(("verify",), "verify must be a list of {method, part, ...}")
        return []
    out = []
    for i, item in enumerate(raw):
        key: PathKey = ("verify", i)
        if not isinstance(item, dict):
            c.err(key, "each verification is {method, part, ...}")
            continue
        method = item.get("method")
        if method not in METHODS:
            c.err((*key, "method") if "method" in item else key,
                  f"unknown verification method '{method}'"
                  f"{did_you_mean(str(method), METHODS)}; expected one of: "
                  f"{', '.join(sorted(METHODS))}")
            continue
        spec = METHODS[method]
        c.unknown_keys(item, {"method", "part", *spec.options}, key,
                       f"a '{method}' verification")
        part = c.text(item, "part", key, required=True)
        if part and part not in part_names:
            c.err((*key, "part"), f"no part named '{part}'{did_you_mean(part, part_names)}")
            continue
        kind = next((p.kind for p in parts if p.name == part), None)
        if spec.kinds is not None and kind is not None and kind not in spec.kinds:
            article = "an" if kind[0] in "aeiou" else "a"
            c.err((*key, "method"), f"'{method}' cannot verify {article} '{kind}' part (it "
                                    "verifies "
                                    f"{', '.join(sorted(spec.kinds))}); use kind: number for "
                                    "a derivative, or method: equal")
        symbols = set(names)
        for p in parts:
            if p.name == part:
                for field in ("variables", "symbols"):
                    symbols |= {str(k) for k in p.mapping(field)}
        for opt, (required, is_expr) in spec.options.items():
            if required and opt not in item:
                c.err(key, f"a '{method}' verification needs '{opt}'")
            elif opt in item and is_expr:
                c.expression(str(item[opt]), (*key, opt), symbols)
        for opt, message in spec.check(item, symbols):
            c.err((*key, opt), message)
        out.append(Verification(method, part, {k: v for k, v in item.items()
                                               if k not in ("method", "part")}, key))
    return out


def _broadcast_default(part: PartSpec, prompt: str) -> PartSpec:
    """A matrix-expression part allows NumPy broadcasting where its prompt (or the
    problem's) says NumPy, unless `broadcast:` says otherwise."""
    if part.kind != "matrix_expression" or "broadcast" in part.options:
        return part
    numpy = "numpy" in (prompt + " " + part.prompt).lower()
    return replace(part, options={**part.options, "broadcast": numpy})
