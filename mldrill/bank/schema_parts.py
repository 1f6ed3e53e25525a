"""The schema of parts: answer kinds and their options, tolerances, mistakes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mldrill.answers import KINDS
from mldrill.bank.lint import ID_RE, NAME_RE, Checker, did_you_mean
from mldrill.bank.model import Mistake, PartSpec, Tolerance
from mldrill.bank.schema_follow import (
    CARRIED_KINDS,
    check_credit,
    check_follows,
    names_in,
)
from mldrill.bank.yamlsrc import PathKey
from mldrill.expr.functions import CONSTANTS

if TYPE_CHECKING:
    from mldrill.values import Value, Yaml

PART_KEYS = {"name", "kind", "answer", "prompt", "points", "tolerance", "mistakes", "follows",
             "follow_credit"}
MISTAKE_KEYS = {"answer", "feedback", "tag", "credit", "reveal", "coincides"}
TOLERANCE_KEYS = {"rel", "abs", "sigfigs"}


def _tolerance(c: Checker, raw: Yaml, key: PathKey) -> Tolerance:
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
            if isinstance(v, str):  # YAML 1.1 reads 1e-4 (no dot) as text
                try:
                    v = float(v)
                except ValueError:
                    pass
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


def check_parts(c: Checker, raw: Yaml, names: set[str]) -> list[PartSpec]:
    """The parts of a problem, each checked against its answer kind's options."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw:
        c.err(("parts",), "parts must be a non-empty list of {name, kind, answer}")
        return []
    out = []
    seen: set[str] = set()
    earlier: dict[str, str] = {}  # earlier part -> its kind
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
        elif name in CONSTANTS:  # `e + 1` in a later answer could mean either
            c.err((*key, "name"), f"part name '{name}' hides the constant {name}: a later "
                                  "answer could not say which it means; rename the part")
        if name in seen:
            c.err((*key, "name"), f"duplicate part name '{name}'")
        seen.add(name)
        answer = c.text(item, "answer", key, required=True)
        # an earlier numeric part's name stands for its answer (follow-through)
        symbols = set(names) | {p for p, k in earlier.items()
                                if k in CARRIED_KINDS and p not in names}
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
        follows = check_follows(c, item.get("follows"), key, earlier, names,
                                names_in(answer))
        out.append(PartSpec(name=name, kind=str(kind_name), answer=answer, prompt=prompt,
                            points=float(points),
                            tolerance=_tolerance(c, item.get("tolerance"), (*key, "tolerance")),
                            options=options, mistakes=tuple(mistakes), where=key,
                            follows=follows,
                            follow_credit=check_credit(c, item.get("follow_credit"), key)))
        if name:
            earlier[name] = str(kind_name)
    return out


def _is_letters(text: str) -> bool:
    return bool(re.match(r"^\s*[A-Za-z](\s*[, ]\s*[A-Za-z])*\s*$", text))


def _declared_symbols(c: Checker, kind: str, options: dict[str, Value], key: PathKey
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


def _mistakes(c: Checker, raw: Yaml, key: PathKey, symbols: set[str], names: set[str],
              kind: Yaml) -> list[Mistake]:
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
        reveal = c.text(m, "reveal", mk) or ""
        coincides = c.text(m, "coincides", mk) or ""
        if reveal:
            c.template(reveal, (*mk, "reveal"), names)
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
        out.append(Mistake(answer, feedback, tag, float(credit), mk, reveal, coincides))
    return out
