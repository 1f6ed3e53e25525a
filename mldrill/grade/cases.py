"""A test's inputs as written: generators, literals, and the fixed `cases:` that replace them.

An input is a generator (`{shape: [N, D]}`, `{labels: C, n: N}`, with a `dist:`), a literal,
or a mapping or list of these. A test's `cases:` are graded before its random draws, for
every grading seed: each case replaces some inputs (a literal, read the way the test's input
at the same place is, or a generator) and fixes some sizes. Each case is drawn once here, so a
literal of the wrong shape is reported at its place (`exercise` calls these checks; `inputs`
draws the values).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, TypeGuard

from mldrill.bank.lint import Checker, did_you_mean, type_name
from mldrill.bank.yamlsrc import PathKey
from mldrill.grade.assignment import NAME, Case, DimSpec, TestSpec
from mldrill.values import as_float

if TYPE_CHECKING:
    import numpy as np

    from mldrill.values import Yaml

DISTS = ("normal", "uniform", "int", "positive", "distinct", "ties")
CASE_KEYS = {
    "note": "what the case exposes (shown when it fails)",
    "dims": "sizes fixed for this case: whole numbers or expressions of earlier sizes",
    "inputs": "inputs replaced for this case: literal values or generators",
}
INPUT_KEYS = {"shape", "dist", "low", "high", "dtype", "labels", "n"}
MAX_CASES = 20


def check_inputs(c: Checker, raw: Yaml, key: PathKey, dims: set[str]
                 ) -> tuple[tuple[str, Yaml], ...]:
    """A test's `inputs:`, each a generator or a literal, checked at its place."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        c.err(key, f"'inputs' must be a mapping of names to values, got {type_name(raw)}")
        return ()
    out = []
    for k, v in raw.items():
        if not NAME.match(str(k)):
            c.err((*key, k), f"'{k}' is not a valid name", on_key=True)
            continue
        _check_value(c, v, (*key, k))
        out.append((k, v))
    return tuple(out)


def is_generator(v: Yaml) -> TypeGuard[dict[str, Yaml]]:
    """A generator spec (`{shape: [...]}` or `{labels: C}`), not a literal value."""
    return isinstance(v, dict) and ("shape" in v or "labels" in v)


def _check_value(c: Checker, v: Yaml, key: PathKey) -> None:
    if is_generator(v):
        c.unknown_keys(v, INPUT_KEYS, key, "an input")
        if "shape" in v and not isinstance(v["shape"], list):
            c.err((*key, "shape"), "'shape' must be a list of sizes, e.g. [N, D]")
        for bound in ("low", "high"):
            if bound in v and not _is_number(v[bound]):
                c.err((*key, bound), f"'{bound}' must be a number, got {_shown_value(v[bound])}")
        dist = v.get("dist", "normal")
        if dist not in DISTS:
            c.err((*key, "dist"), f"unknown dist '{dist}'{did_you_mean(str(dist), DISTS)}; "
                                  f"known: {', '.join(DISTS)}")
    elif isinstance(v, dict):
        for k2, v2 in v.items():
            _check_value(c, v2, (*key, k2))
    elif isinstance(v, list):
        for i, v2 in enumerate(v):
            _check_value(c, v2, (*key, i))


def check_cases(c: Checker, raw: Yaml, key: PathKey, dims: dict[str, DimSpec],
                inputs: dict[str, Yaml],
           extra: set[str]) -> tuple[Case, ...]:
    """`cases:`: each a mapping {note, dims, inputs} naming the test's own sizes and inputs
    (`dout` too, in a backward test that does not draw it)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw or len(raw) > MAX_CASES:
        c.err(key, f"'cases' must be a list of 1 to {MAX_CASES} cases, each a mapping with "
                   "'inputs' and/or 'dims'")
        return ()
    out = []
    for i, item in enumerate(raw):
        where = (*key, i)
        if not isinstance(item, dict):
            c.err(where, f"a case must be a mapping (note, dims, inputs), got {type_name(item)}")
            continue
        c.unknown_keys(item, CASE_KEYS, where, "a case")
        if not item.get("dims") and not item.get("inputs"):
            c.err(where, "a case must give 'inputs' (values that replace the test's) and/or "
                         "'dims' (sizes)")
        note = c.text(item, "note", where)
        out.append(Case(note, _case_dims(c, item.get("dims"), (*where, "dims"), dims),
                        _case_inputs(c, item.get("inputs"), (*where, "inputs"), inputs, extra)))
    return tuple(out)


def _case_dims(c: Checker, raw: Yaml, key: PathKey, known: dict[str, DimSpec]
               ) -> tuple[tuple[str, int | str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        c.err(key, f"a case's 'dims' must be a mapping of sizes, got {type_name(raw)}")
        return ()
    out: list[tuple[str, int | str]] = []
    for k, v in raw.items():
        if k not in known:
            c.err((*key, k), f"'{k}' is not a size of this test{did_you_mean(str(k), known)}; "
                             f"its sizes: {', '.join(known) or 'none'}", on_key=True)
        elif isinstance(v, int) and not isinstance(v, bool) and v >= 0:
            out.append((k, v))
        elif isinstance(v, str) and _parses(v):
            out.append((k, v))
        else:
            c.err((*key, k), f"a case fixes its sizes: '{k}' must be a whole number >= 0 or an "
                             f"expression of earlier sizes, got {_shown_value(v)}")
    return tuple(out)


def _is_number(v: Yaml) -> bool:
    """A number, or text YAML left unread such as 1e-3."""
    if isinstance(v, bool):
        return False
    try:
        as_float(v)
    except (TypeError, ValueError):
        return False
    return True


def _parses(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    return True


def _shown_value(v: Yaml) -> str:
    return repr(v) if isinstance(v, list | str) else type_name(v)


def _case_inputs(c: Checker, raw: Yaml, key: PathKey, specs: dict[str, Yaml], extra: set[str]
                 ) -> tuple[tuple[str, Yaml], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        c.err(key, f"a case's 'inputs' must be a mapping of input names to values, got "
                   f"{type_name(raw)}")
        return ()
    names = [*specs, *sorted(extra)]
    out = []
    for k, v in raw.items():
        if k not in specs and k not in extra:
            c.err((*key, k), f"'{k}' is not an input of this test{did_you_mean(str(k), names)}"
                             f"; its inputs: {', '.join(names) or 'none'}", on_key=True)
            continue
        _check_case_value(c, v, specs.get(k, ARRAY_HINT), (*key, k))
        out.append((k, v))
    return tuple(out)


ARRAY_HINT = {"shape": None}  # how a case's `dout` is read: an array of numbers


def _check_case_value(c: Checker, v: Yaml, hint: Yaml, key: PathKey) -> None:
    """A case's value: a generator, or a literal read the way the test's input at the same
    place is (a literal where the test draws an array must be a rectangular list of
    numbers)."""
    if is_generator(v):
        _check_value(c, v, key)
    elif is_generator(hint):
        whole = "labels" in hint or hint.get("dtype") == "int"
        try:
            literal_array(v, whole)
        except ValueError as exc:
            c.err(key, f"{exc} (the test draws an array here)")
    elif isinstance(v, dict):
        for k2, v2 in v.items():
            _check_case_value(c, v2, hint.get(k2) if isinstance(hint, dict) else None,
                              (*key, k2))
    elif isinstance(v, list):
        for i, v2 in enumerate(v):
            sub = hint[i] if isinstance(hint, list) and i < len(hint) else None
            _check_case_value(c, v2, sub, (*key, i))


def literal_array(v: Yaml, whole: bool = False) -> np.ndarray:
    """A case's literal (a number or nested lists of numbers) as a float64 array (int64 when
    `whole`); ValueError says what is wrong. YAML's 1e-3 (read as text) is a number here."""
    import numpy as np

    def number(x: Yaml) -> float:
        if isinstance(x, bool) or x is None or isinstance(x, dict | list):
            raise ValueError(f"expected a number, got {type_name(x)}")
        try:
            value = as_float(x)
        except (TypeError, ValueError):
            raise ValueError(f"expected a number, got {x!r}") from None
        if whole and value != int(value):
            raise ValueError(f"expected a whole number, got {x!r}")
        return value

    def walk(x: Yaml) -> object:
        return [walk(e) for e in x] if isinstance(x, list) else number(x)

    values = walk(v)
    try:
        a = np.array(values, dtype=np.float64)
    except ValueError:
        raise ValueError("a literal array must be rectangular (rows of equal length)") from None
    if a.size == 0:
        raise ValueError("a literal array must not be empty")
    return a.astype(np.int64) if whole else a


def check_case_draws(c: Checker, spec: TestSpec, key: PathKey) -> None:
    """Each case is drawn once (cases do not depend on the seed), so a literal of the wrong
    shape or a size that does not evaluate is reported here, at its place."""
    from mldrill.grade.inputs import CaseError, draw_case

    for i in range(len(spec.cases)):
        try:
            draw_case(spec, i)
        except CaseError as exc:
            c.err((*key, i, *exc.where), f"fixed case {i + 1}: {exc}")
