"""Assignment files: the YAML format, loaded and checked with `path:line:col` diagnostics.

An assignment file sits in a bank's `problems/` folder like any problem and is told apart by
its top-level `assignment:` key. Its shape (docs/grading.md has the whole reference):

    assignment: layers                       # the name used by `grade --assignment`
    title: Neural-network layers (CS231n API)
    reference: assignments/layers.py         # in the bank's solutions/ folder
    exercises:
      - id: affine
        title: Affine layer
        functions: [affine_forward, affine_backward]
        tests:
          - name: affine_forward on a 3-d input
            points: 2
            visibility: visible              # or hidden
            draws: 3                         # random inputs drawn per test (all must pass)
            dims: {N: [2, 5], D: [2, 6], M: 4}   # [low, high] drawn, a number fixed,
                                             # or an expression of earlier dims
            inputs:
              x: {shape: [N, D]}             # an array drawn from `dist` (normal by default)
              w: {shape: [D, M]}
              b: {shape: [M]}
            call: affine_forward(x, w, b)
            compare: [0]                     # the returned items compared (default: all)
            cases:                           # fixed inputs, graded first on every seed
              - note: N == M, so a bias added per row broadcasts
                dims: {N: 3, d1: 2, d2: 2, M: 3}
              - inputs: {x: [[[1, 2], [3, 4]]], b: [0, 1, 2, 3]}   # literals (N, d1, d2
                                             # follow from x's shape) or generators

A test is one of three kinds: `call` alone compares what a function returns with the
reference; `call` plus `backward: f(dout, cache)` runs the student's forward, keeps its cache
in the student's process, and compares the gradients the student's backward returns (the
references' gradients are themselves checked against finite differences of the reference
forward, for the inputs named in `grads:`); `property:` runs a named check from
`mldrill.grade.properties` (for stochastic functions such as dropout).

A test's `cases` are graded before its random draws, for every grading seed, so the inputs
that expose a known bug are never left to chance: a case replaces some inputs (a literal,
or a generator) and fixes some sizes; the rest is drawn as the test says, from a generator
seeded by the case alone (a case is the same whatever the grading seed).

What a file becomes is typed data (`assignment`); the checks of `inputs:` and `cases:` are in
`cases`, the drawing of inputs in `inputs`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from mldrill.bank.lint import Checker, did_you_mean, type_name
from mldrill.bank.yamlsrc import PathKey, SourceMap
from mldrill.errors import Diagnostic
from mldrill.grade.assignment import (
    NAME,
    Assignment,
    CallSpec,
    Exercise,
    Name,
    TestSpec,
    parse_call,
)
from mldrill.grade.cases import check_case_draws, check_cases, check_inputs
from mldrill.grade.intake import check_submission

if TYPE_CHECKING:
    from mldrill.grade.assignment import DimSpec
    from mldrill.values import Yaml

ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")
VISIBILITY = ("visible", "hidden", "after_due_date", "after_published")

TOP_KEYS = {
    "assignment": "the assignment's name, e.g. layers",
    "title": "a short title",
    "about": "what the assignment asks, for the student",
    "reference": "the reference module, relative to the bank's solutions/ folder",
    "limits": "per-test limits: wall_seconds, cpu_seconds, memory_mb, output_kb",
    "submission": "where the code is in a zipped folder (file:) and how a notebook runs "
                  "(notebook: definitions or cells)",
    "exercises": "the exercises, each with its functions and tests",
    "notes": "free text for authors",
}
EXERCISE_KEYS = {
    "id": "unique id within the assignment",
    "title": "a short title",
    "functions": "the functions the student writes",
    "tests": "the tests",
    "notes": "free text for authors",
}
TEST_KEYS = {
    "name": "the test's name (shown to the student)",
    "points": "what the test is worth",
    "visibility": "visible (default) or hidden",
    "draws": "random inputs per test, all must pass (default 1)",
    "dims": "integer sizes: [low, high], a number, or an expression",
    "inputs": "the arguments: arrays {shape: [...]}, labels {labels: C, n: N}, or values",
    "call": "the call to make, e.g. affine_forward(x, w, b)",
    "compare": "indices of the returned items to compare (default: all)",
    "returns": "names of the returned items, for messages, e.g. [loss, dx]",
    "updates": "arguments the function must update in place, compared after the call",
    "backward": "the backward call, e.g. affine_backward(dout, cache)",
    "grads": "the forward inputs whose gradients backward returns, in order",
    "property": "a named property check (for stochastic functions)",
    "options": "options of the property check",
    "cases": "fixed inputs graded first on every seed: a list of {note, dims, inputs}",
    "rtol": "relative tolerance (default 1e-5)",
    "atol": "absolute tolerance (default 1e-8)",
    "notes": "why this test exists (the bug it catches)",
}
LIMIT_KEYS = {"wall_seconds", "cpu_seconds", "memory_mb", "output_kb"}


def is_assignment(data: Yaml) -> TypeGuard[dict[str, Yaml]]:
    """A YAML document that is an assignment: a mapping with a top-level `assignment:`."""
    return isinstance(data, dict) and "assignment" in data


def load_assignment_file(path: Path, solutions: Path | None, *, text: str | None = None
                         ) -> tuple[Assignment | None, list[Diagnostic]]:
    """THE loader of an assignment file (grading and `validate` both use it): read, parse
    and check it; (None, []) when the file is YAML but not an assignment."""
    from mldrill.bank.catalog import _shown
    from mldrill.bank.yamlsrc import YamlLoadError, load_yaml

    shown = _shown(path)
    try:
        data, smap = load_yaml(path, text=text, shown=shown)
    except YamlLoadError as exc:
        return None, [exc.diagnostic]
    if not is_assignment(data):
        return None, []
    return check_assignment(data, smap, shown, solutions)


def check_assignment(data: dict[str, Yaml], smap: SourceMap, path: str, solutions: Path | None
                     ) -> tuple[Assignment | None, list[Diagnostic]]:
    """Validate a parsed assignment file; every problem is reported, each at its place."""
    c = Checker(path, smap, ())
    c.unknown_keys(data, TOP_KEYS, (), "an assignment")
    name = c.text(data, "assignment", (), required=True)
    if name and not ID.match(name):
        c.err(("assignment",), f"assignment name '{name}' must be lowercase words joined "
                               "by '-'")
    title = c.text(data, "title", (), required=True)
    ref_text = c.text(data, "reference", (), required=True)
    reference = (solutions / ref_text) if solutions is not None else Path(ref_text)
    if ref_text and (solutions is None or not reference.is_file()):
        where = f"in {solutions}" if solutions is not None else "(this bank has no solutions/)"
        c.err(("reference",), f"reference module '{ref_text}' not found {where}")
    limits = _limits(c, data.get("limits"))
    submission = check_submission(c, data.get("submission"))
    raw = data.get("exercises")
    exercises: list[Exercise] = []
    if not isinstance(raw, list) or not raw:
        c.err(("exercises",) if "exercises" in data else (),
              "'exercises' must be a non-empty list" if "exercises" in data else
              "missing required key 'exercises'")
        raw = []
    ids: set[str] = set()
    for i, item in enumerate(raw):
        ex = _exercise(c, item, ("exercises", i), ids)
        if ex is not None:
            exercises.append(ex)
    if c.diags:
        return None, c.diags
    return Assignment(name, title, c.text(data, "about", ()), reference, tuple(exercises),
                      path, limits, submission), []


def _limits(c: Checker, raw: Yaml) -> dict[str, float]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        c.err(("limits",), f"'limits' must be a mapping, got {type_name(raw)}")
        return {}
    c.unknown_keys(raw, LIMIT_KEYS, ("limits",), "limits")
    out = {}
    for k, v in raw.items():
        if k in LIMIT_KEYS:
            if isinstance(v, bool) or not isinstance(v, int | float) or v <= 0:
                c.err(("limits", k), f"'{k}' must be a positive number")
            else:
                out[k] = float(v)
    return out


def _exercise(c: Checker, item: Yaml, key: PathKey, ids: set[str]) -> Exercise | None:
    if not isinstance(item, dict):
        c.err(key, f"an exercise must be a mapping (id, functions, tests), got "
                   f"{type_name(item)}")
        return None
    c.unknown_keys(item, EXERCISE_KEYS, key, "an exercise")
    ex_id = c.text(item, "id", key, required=True)
    if ex_id in ids:
        c.err((*key, "id"), f"duplicate exercise id '{ex_id}'")
    ids.add(ex_id)
    functions = item.get("functions")
    if not isinstance(functions, list) or not functions or \
            not all(isinstance(f, str) and NAME.match(f) for f in functions):
        c.err((*key, "functions"), "'functions' must be a list of function names")
        functions = []
    tests = item.get("tests")
    if not isinstance(tests, list) or not tests:
        c.err((*key, "tests"), "'tests' must be a non-empty list")
        tests = []
    names: set[str] = set()
    specs = [t for i, raw in enumerate(tests)
             if (t := _test(c, raw, (*key, "tests", i), set(functions), names)) is not None]
    return Exercise(ex_id, c.text(item, "title", key) or ex_id, tuple(functions), tuple(specs))


def _number(c: Checker, raw: dict[str, Yaml], k: str, key: PathKey, default: float) -> float:
    v = raw.get(k, default)
    if isinstance(v, str):
        try:
            v = float(v)  # YAML reads 1e-5 as text
        except ValueError:
            pass
    if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
        c.err((*key, k), f"'{k}' must be a non-negative number, got {v!r}")
        return default
    return float(v)


def _test(c: Checker, raw: Yaml, key: PathKey, functions: set[str], names: set[str]
          ) -> TestSpec | None:
    from mldrill.grade.properties import PROPERTIES

    if not isinstance(raw, dict):
        c.err(key, f"a test must be a mapping (name, call, ...), got {type_name(raw)}")
        return None
    before = len(c.diags)
    c.unknown_keys(raw, TEST_KEYS, key, "a test")
    name = c.text(raw, "name", key, required=True)
    if name in names:
        c.err((*key, "name"), f"duplicate test name '{name}'")
    names.add(name)
    vis = c.text(raw, "visibility", key, default="visible")
    if vis not in VISIBILITY:
        c.err((*key, "visibility"), f"visibility must be one of {', '.join(VISIBILITY)}"
              f"{did_you_mean(vis, VISIBILITY)}")
    draws = raw.get("draws", 1)
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= 100:
        c.err((*key, "draws"), "'draws' must be a whole number from 1 to 100")
        draws = 1
    dims = _dims(c, raw.get("dims"), (*key, "dims"))
    known = {d for d, _ in dims}
    inputs = check_inputs(c, raw.get("inputs"), (*key, "inputs"), known)
    input_names = {n for n, _ in inputs}
    call = _call(c, raw, "call", key, functions, input_names)
    backward = _call(c, raw, "backward", key, functions, input_names | {"dout", "cache"})
    prop = raw.get("property")
    if prop is not None and prop not in PROPERTIES:
        c.err((*key, "property"), f"unknown property check '{prop}'"
              f"{did_you_mean(str(prop), PROPERTIES)}; known: {', '.join(sorted(PROPERTIES))}")
    if prop is None and call is None:
        c.err(key, "a test needs 'call' (with 'backward' for a gradient test) or 'property'")
    if backward is not None and call is None:
        c.err((*key, "backward"), "'backward' needs the forward 'call' it follows")
    compare = raw.get("compare")
    if compare is not None and (not isinstance(compare, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in compare)):
        c.err((*key, "compare"), "'compare' must be a list of item indices, e.g. [0]")
        compare = None
    grads = raw.get("grads", [])
    if not isinstance(grads, list) or not all(g in input_names for g in grads):
        c.err((*key, "grads"), "'grads' must list input names, e.g. [x, w, b]")
        grads = []
    if backward is not None and not grads:
        c.err((*key, "backward"), "a backward test needs 'grads': the inputs whose "
                                  "gradients it returns, in order")
    updates = raw.get("updates", [])
    if not isinstance(updates, list) or not all(u in input_names for u in updates):
        c.err((*key, "updates"), "'updates' must list input names")
        updates = []
    returns = raw.get("returns", [])
    if not isinstance(returns, list) or not all(isinstance(r, str) for r in returns):
        c.err((*key, "returns"), "'returns' must list names, e.g. [loss, dx]")
        returns = []
    options = raw.get("options", {})
    if not isinstance(options, dict):
        c.err((*key, "options"), "'options' must be a mapping")
        options = {}
    extra = {"dout"} if backward is not None and "dout" not in input_names else set()
    cases = check_cases(c, raw.get("cases"), (*key, "cases"), dict(dims), dict(inputs), extra)
    if len(c.diags) > before:
        return None
    spec = TestSpec(name, _number(c, raw, "points", key, 1.0), vis, draws, dims, inputs, call,
                    tuple(compare) if compare is not None else None, tuple(updates), backward,
                    tuple(grads), prop, options, _number(c, raw, "rtol", key, 1e-5),
                    _number(c, raw, "atol", key, 1e-8), tuple(returns), cases)
    check_case_draws(c, spec, (*key, "cases"))
    return None if len(c.diags) > before else spec


def _call(c: Checker, raw: dict[str, Yaml], k: str, key: PathKey, functions: set[str],
          names: set[str]) -> CallSpec | None:
    if k not in raw:
        return None
    text = raw[k]
    if not isinstance(text, str):
        c.err((*key, k), f"'{k}' must be a call such as f(x, w, b), got {type_name(text)}")
        return None
    try:
        spec = parse_call(text)
    except ValueError as exc:
        c.err((*key, k), f"cannot read '{text}': {exc}")
        return None
    if spec.function not in functions:
        c.err((*key, k), f"'{spec.function}' is not one of this exercise's functions "
                         f"({', '.join(sorted(functions))})")
    for a in [*spec.args, *(v for _, v in spec.kwargs)]:
        if isinstance(a, Name) and a.name not in names:
            c.err((*key, k), f"'{a.name}' is not an input of this test"
                             f"{did_you_mean(a.name, names)}")
    return spec


def _dims(c: Checker, raw: Yaml, key: PathKey) -> tuple[tuple[str, DimSpec], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        c.err(key, f"'dims' must be a mapping of names to sizes, got {type_name(raw)}")
        return ()
    out: list[tuple[str, DimSpec]] = []
    for k, v in raw.items():
        if not NAME.match(str(k)):
            c.err((*key, k), f"'{k}' is not a valid name", on_key=True)
        elif isinstance(v, list):
            if len(v) != 2 or not all(isinstance(x, int) and not isinstance(x, bool)
                                      for x in v) or v[0] > v[1]:
                c.err((*key, k), "a range of sizes is [low, high] with whole numbers")
            else:
                out.append((k, (v[0], v[1])))
        elif isinstance(v, int) and not isinstance(v, bool):
            out.append((k, v))
        elif isinstance(v, str):
            try:
                ast.parse(v, mode="eval")
            except SyntaxError:
                c.err((*key, k), f"cannot read the expression '{v}'")
                continue
            out.append((k, v))
        else:
            c.err((*key, k), f"a size is [low, high], a whole number or an expression, got "
                             f"{type_name(v)}")
    return tuple(out)

