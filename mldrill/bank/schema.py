"""Check a problem file and build its ProblemFamily, reporting every problem at once.

Each diagnostic is `path:line:col: message`, says what was expected, and suggests the
nearest known name for a misspelled key, kind, parameter type or verification method.
Expressions are parsed here too (with the column inside the string where YAML lets us
know it), and every name they use must be a parameter, a declared variable, a constant or
a known function.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from typing import Any

from mldrill.answers import KINDS
from mldrill.bank.model import (
    Constraint,
    Mistake,
    ParamSpec,
    PartSpec,
    ProblemFamily,
    Tolerance,
    Verification,
)
from mldrill.bank.yamlsrc import PathKey, SourceMap
from mldrill.errors import AnswerParseError, Diagnostic
from mldrill.expr import nodes as n
from mldrill.expr.functions import CONSTANTS
from mldrill.expr.parse import REFERENCE, parse
from mldrill.variants.generators import GENERATORS
from mldrill.variants.params import PARAM_TYPES
from mldrill.variants.template import placeholders
from mldrill.verify.methods import METHODS

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
}
REQUIRED_TOP = ("id", "title", "topic", "prompt", "parts")
PART_KEYS = {"name", "kind", "answer", "prompt", "points", "tolerance", "mistakes"}
MISTAKE_KEYS = {"answer", "feedback", "tag", "credit"}
TOLERANCE_KEYS = {"rel", "abs", "sigfigs"}
LAYOUTS = ("denominator", "numerator")
ID_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def did_you_mean(word: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(str(word), list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Checker:
    def __init__(self, path: str, smap: SourceMap, functions: Collection[str]):
        self.path = path
        self.smap = smap
        self.functions = set(functions)
        self.callables = functions if isinstance(functions, Mapping) else {}
        self.diags: list[Diagnostic] = []

    def err(self, key: PathKey, message: str, *, on_key: bool = False) -> None:
        self.diags.append(self.smap.diag(key, message, on_key=on_key))

    def unknown_keys(self, data: Mapping[str, Any], allowed: Collection[str], key: PathKey,
                     what: str) -> None:
        for k in data:
            if k not in allowed:
                self.err((*key, k), f"unknown key '{k}' in {what}{did_you_mean(k, allowed)}; "
                         f"expected one of: {', '.join(sorted(allowed))}", on_key=True)

    def text(self, data: Mapping[str, Any], k: str, key: PathKey, required: bool = False,
             default: str = "") -> str:
        if k not in data or data[k] is None:
            if required:
                self.err(key, f"missing required key '{k}'")
            return default
        v = data[k]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return str(v)
        if not isinstance(v, str):
            self.err((*key, k), f"'{k}' must be text, got {_type(v)}")
            return default
        return v

    def expression(self, text: str, key: PathKey, names: Collection[str], offset: int = 0,
                   in_template: bool = False) -> n.Node | None:
        try:
            expr = parse(text, REFERENCE)
        except AnswerParseError as exc:
            self.diags.append(self._at(key, offset + exc.col, f"cannot read expression "
                                       f"'{text}': {exc.message}"
                                       + (f"; expected {exc.expected}" if exc.expected
                                          else ""), in_template))
            return None
        known = set(names) | set(CONSTANTS) | {"True", "False", "None"}
        for node in n.walk(expr.root):
            if isinstance(node, n.Call) and node.func not in self.functions:
                self.diags.append(self._at(key, offset + node.pos,
                                           f"unknown function '{node.func}'"
                                           f"{did_you_mean(node.func, self.functions)}",
                                           in_template))
            elif isinstance(node, n.Name) and node.id not in known:
                if node.id in self.functions:
                    continue  # a function passed as a value is unusual but harmless
                self.diags.append(self._at(key, offset + node.pos,
                                           f"unknown name '{node.id}'"
                                           f"{did_you_mean(node.id, known)}", in_template))
        return expr.root

    def _at(self, key: PathKey, offset: int, message: str, in_template: bool) -> Diagnostic:
        if key in self.smap.text_start:
            return self.smap.diag_in_text(key, offset, message)
        if in_template and key in self.smap.values:
            # a block scalar: find the line of the offset inside the text
            return self._in_block(key, offset, message)
        return self.smap.diag(key, message)

    def _in_block(self, key: PathKey, offset: int, message: str) -> Diagnostic:
        mark = self.smap.values[key]
        return Diagnostic(self.path, mark.line, mark.col, message + f" (at character "
                          f"{offset + 1} of the text)")

    def template(self, text: str, key: PathKey, names: Collection[str]) -> None:
        if text.count("{{") != text.count("}}"):
            self.err(key, "unbalanced '{{' and '}}' in template")
        for expr, _fmt, offset in placeholders(text):
            if not expr:
                self.err(key, "empty placeholder {{ }}")
                continue
            self.expression(expr, key, names, offset, in_template=True)


def _type(v: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false",
            int: "a number", float: "a number", type(None): "nothing"}.get(type(v), type(v)
                                                                             .__name__)


def check_family(data: Any, smap: SourceMap, path: str, functions: Collection[str]
                 ) -> tuple[ProblemFamily | None, list[Diagnostic]]:
    """Validate one parsed problem file. Returns the family (None if unusable) and all
    diagnostics found."""
    c = _Checker(path, smap, functions)
    if not isinstance(data, dict):
        c.err((), f"a problem file must be a mapping of keys (id, title, ...), got {_type(data)}")
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

    params, names = _params(c, data.get("params"))
    generator = data.get("generator")
    if generator is not None:
        if not isinstance(generator, str):
            c.err(("generator",), "generator must be the name of a registered generator")
            generator = None
        elif generator not in GENERATORS and generator not in c.functions:
            c.err(("generator",), f"unknown generator '{generator}'"
                                  f"{did_you_mean(generator, GENERATORS)}")
        elif generator in GENERATORS:
            names |= set(GENERATORS[generator].provides)
        else:  # a function from the bank's solutions/, declaring `fn.provides = (...)`
            provides = getattr(c.callables.get(generator), "provides", None)
            if not provides:
                c.err(("generator",), f"'{generator}' must declare the parameters it returns: "
                                      f"set {generator}.provides = ('name', ...) in its module")
            names |= set(provides or ())
    constraints = _constraints(c, data.get("constraints"), names)
    parts = _parts(c, data.get("parts"), names)
    part_names = {p.name for p in parts}
    all_symbols = set(names)
    for p in parts:
        all_symbols |= set(p.options.get("variables") or {})
    prompt = c.text(data, "prompt", ())
    c.template(prompt, ("prompt",), names)
    hints_raw = data.get("hints") or []
    if not isinstance(hints_raw, list):
        c.err(("hints",), "hints must be a list of texts, revealed one at a time")
        hints_raw = []
    hints = []
    for i, h in enumerate(hints_raw):
        if not isinstance(h, str):
            c.err(("hints", i), f"each hint must be text, got {_type(h)}")
            continue
        c.template(h, ("hints", i), names)
        hints.append(h)
    solution = c.text(data, "solution", ())
    c.template(solution, ("solution",), names)
    verify = _verify(c, data.get("verify"), names, parts, part_names)
    if c.diags or not pid:
        return None, c.diags
    family = ProblemFamily(
        id=pid, title=title, topic=topic, tags=tuple(tags), difficulty=difficulty,
        layout=layout, params=tuple(params), constraints=tuple(constraints),
        generator=generator, prompt=prompt, parts=tuple(parts), hints=tuple(hints),
        solution=solution, verify=tuple(verify), path=path, source=smap,
    )
    return family, c.diags


def _params(c: _Checker, raw: Any) -> tuple[list[ParamSpec], set[str]]:
    if raw is None:
        return [], set()
    if not isinstance(raw, dict):
        c.err(("params",), "params must be a mapping: name: {type: ..., ...}")
        return [], set()
    out: list[ParamSpec] = []
    names: set[str] = set()
    for name, spec in raw.items():
        key: PathKey = ("params", name)
        if not NAME_RE.match(str(name)) or str(name).startswith("_"):
            c.err(key, f"parameter name '{name}' must start with a letter and use letters, "
                       "digits and _", on_key=True)
            continue
        if name in CONSTANTS or name in c.functions:
            c.err(key, f"parameter name '{name}' hides the "
                       f"{'constant' if name in CONSTANTS else 'function'} of that name",
                  on_key=True)
        if not isinstance(spec, dict):
            # a constant: `n: 3`
            out.append(ParamSpec(name, "constant", {"value": spec}, key))
            names.add(name)
            continue
        ptype = spec.get("type")
        if ptype is None:
            c.err(key, f"parameter '{name}' needs a type; expected one of: "
                       f"{', '.join(sorted(PARAM_TYPES))}")
            continue
        if ptype not in PARAM_TYPES:
            c.err((*key, "type"), f"unknown parameter type '{ptype}'"
                                  f"{did_you_mean(ptype, PARAM_TYPES)}; expected one of: "
                                  f"{', '.join(sorted(PARAM_TYPES))}")
            continue
        pt = PARAM_TYPES[ptype]
        opts = {k: v for k, v in spec.items() if k != "type"}
        c.unknown_keys(opts, pt.options, key, f"a '{ptype}' parameter")
        for opt_name, opt in pt.options.items():
            if opt.required and opt_name not in opts:
                c.err(key, f"'{ptype}' parameter '{name}' needs '{opt_name}'")
        for opt_name, v in opts.items():
            found = pt.options.get(opt_name)
            if found is None:
                continue
            opt = found
            if ptype == "derived" and opt_name == "expr":
                if isinstance(v, str):
                    c.expression(v, (*key, opt_name), names)
                else:
                    c.err((*key, opt_name), "expr must be an expression in quotes")
            elif opt.expr:
                _option_exprs(c, v, (*key, opt_name), names)
        out.append(ParamSpec(name, ptype, opts, key))
        names.add(name)
    return out, names


def _option_exprs(c: _Checker, v: Any, key: PathKey, names: set[str]) -> None:
    if isinstance(v, str):
        c.expression(v, key, names)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            _option_exprs(c, x, (*key, i), names)


def _constraints(c: _Checker, raw: Any, names: set[str]) -> list[Constraint]:
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


def _tolerance(c: _Checker, raw: Any, key: PathKey) -> Tolerance:
    if raw is None:
        return Tolerance()
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Tolerance(rel=float(raw))
    if not isinstance(raw, dict):
        c.err(key, "tolerance must be {rel: ..., abs: ..., sigfigs: ...}")
        return Tolerance()
    c.unknown_keys(raw, TOLERANCE_KEYS, key, "a tolerance")
    vals = {}
    for k in ("rel", "abs"):
        if k in raw:
            v = raw[k]
            if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
                c.err((*key, k), f"tolerance {k} must be a number >= 0, got {v!r}")
            else:
                vals[k] = float(v)
    sig = raw.get("sigfigs")
    if sig is not None and (not isinstance(sig, int) or not 1 <= sig <= 15):
        c.err((*key, "sigfigs"), f"sigfigs must be a whole number from 1 to 15, got {sig!r}")
        sig = None
    return Tolerance(rel=vals.get("rel", Tolerance.rel), abs=vals.get("abs", Tolerance.abs),
                     sigfigs=sig)


def _parts(c: _Checker, raw: Any, names: set[str]) -> list[PartSpec]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw:
        c.err(("parts",), "parts must be a non-empty list of {name, kind, answer}")
        return []
    out = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        key: PathKey = ("parts", i)
        if not isinstance(item, dict):
            c.err(key, "each part is a mapping with name, kind and answer")
            continue
        kind_name = item.get("kind")
        kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
        allowed = PART_KEYS | set(kind.options if kind else ())
        if kind_name is None:
            c.err(key, f"part needs a 'kind'; expected one of: {', '.join(sorted(KINDS))}")
        elif kind is None:
            c.err((*key, "kind"), f"unknown answer kind '{kind_name}'"
                                  f"{did_you_mean(str(kind_name), KINDS)}; expected one of: "
                                  f"{', '.join(sorted(KINDS))}")
        else:
            c.unknown_keys(item, allowed, key, f"a '{kind_name}' part")
        name = c.text(item, "name", key, required=True)
        if name and not NAME_RE.match(name):
            c.err((*key, "name"), f"part name '{name}' must start with a letter and use "
                                  "letters, digits and _")
        if name in seen:
            c.err((*key, "name"), f"duplicate part name '{name}'")
        seen.add(name)
        answer = c.text(item, "answer", key, required=True)
        symbols = set(names)
        options = {k: v for k, v in item.items() if k not in PART_KEYS}
        if kind is not None:
            for opt_key, message in kind.option_errors(options):
                c.err((*key, opt_key), message)
            symbols |= _declared_symbols(c, str(kind_name), options, key)
        if answer and not (kind_name == "choice" and _is_letters(answer)):
            c.expression(answer, (*key, "answer"), symbols)
        points = item.get("points", 1)
        if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
            c.err((*key, "points"), f"points must be a number > 0, got {points!r}")
            points = 1
        prompt = c.text(item, "prompt", key, default=name)
        c.template(prompt, (*key, "prompt"), names)
        mistakes = _mistakes(c, item.get("mistakes"), key, symbols, names, kind_name)
        out.append(PartSpec(name=name, kind=str(kind_name), answer=answer, prompt=prompt,
                            points=float(points),
                            tolerance=_tolerance(c, item.get("tolerance"), (*key, "tolerance")),
                            options=options, mistakes=tuple(mistakes), where=key))
    return out


def _is_letters(text: str) -> bool:
    return bool(re.match(r"^\s*[A-Za-z](\s*[, ]\s*[A-Za-z])*\s*$", text))


def _declared_symbols(c: _Checker, kind: str, options: dict[str, Any], key: PathKey
                      ) -> set[str]:
    field = {"expression": "variables", "matrix_expression": "symbols"}.get(kind)
    if field is None:
        return set()
    raw = options.get(field)
    if raw is None:
        c.err(key, f"a '{kind}' part must declare its {field}")
        return set()
    if not isinstance(raw, dict):
        c.err((*key, field), f"{field} must be a mapping of name to "
                             + ("{domain: [low, high]}" if field == "variables" else
                                "shape, e.g. {A: [n, n], x: [n, 1]}"))
        return set()
    for name, decl in raw.items():
        k2 = (*key, field, name)
        if not NAME_RE.match(str(name)):
            c.err(k2, f"'{name}' is not a valid name", on_key=True)
        if field == "variables":
            dom = decl.get("domain") if isinstance(decl, dict) else decl
            if dom is not None and not (isinstance(dom, list) and len(dom) == 2 and all(
                    isinstance(x, (int, float)) for x in dom) and dom[0] < dom[1]):
                c.err(k2, f"the domain of '{name}' must be [low, high] with low < high")
            if isinstance(decl, dict):
                c.unknown_keys(decl, {"domain"}, k2, "a variable")
        else:
            shape = decl.get("shape") if isinstance(decl, dict) else decl
            if isinstance(decl, dict):
                c.unknown_keys(decl, {"shape", "symmetric", "spd", "invertible", "diagonal"},
                               k2, "a symbol")
            if isinstance(shape, (int, str)):
                shape = [shape]
            if not isinstance(shape, list) or not all(
                    (isinstance(d, int) and d > 0) or (isinstance(d, str) and
                                                       NAME_RE.match(d)) for d in shape):
                c.err(k2, f"the shape of '{name}' must be a list of sizes or dimension "
                          "letters, e.g. [n, 1]")
    return {str(k) for k in raw}


def _mistakes(c: _Checker, raw: Any, key: PathKey, symbols: set[str], names: set[str],
              kind: Any) -> list[Mistake]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        c.err((*key, "mistakes"), "mistakes must be a list of {answer, feedback, tag}")
        return []
    out = []
    tags: set[str] = set()
    for j, m in enumerate(raw):
        mk: PathKey = (*key, "mistakes", j)
        if not isinstance(m, dict):
            c.err(mk, "each mistake is {answer, feedback, tag, credit}")
            continue
        c.unknown_keys(m, MISTAKE_KEYS, mk, "a mistake")
        answer = c.text(m, "answer", mk, required=True)
        if answer and not (kind == "choice" and _is_letters(answer)):
            c.expression(answer, (*mk, "answer"), symbols)
        feedback = c.text(m, "feedback", mk, required=True)
        c.template(feedback, (*mk, "feedback"), names)
        tag = c.text(m, "tag", mk, required=True)
        if tag and not ID_RE.match(tag):
            c.err((*mk, "tag"), f"tag '{tag}' must be lowercase words joined by '-'")
        if tag in tags:
            c.err((*mk, "tag"), f"duplicate mistake tag '{tag}'")
        tags.add(tag)
        credit = m.get("credit", 0)
        if not isinstance(credit, (int, float)) or isinstance(credit, bool) or \
                not 0 <= credit < 1:
            c.err((*mk, "credit"), f"credit must be a number in [0, 1), got {credit!r}")
            credit = 0
        out.append(Mistake(answer, feedback, tag, float(credit), mk))
    return out


def _verify(c: _Checker, raw: Any, names: set[str], parts: list[PartSpec],
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
        symbols = set(names)
        for p in parts:
            if p.name == part:
                for field in ("variables", "symbols"):
                    symbols |= {str(k) for k in (p.options.get(field) or {})}
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
