"""Build a class of filled answer files with planted answers: each part's reference, or a
catalogued mistake's value (computed from the family's mistake expression, the way the
bank self-test types it), or any given text; and the planted class of the report tests
(who types what, below). Used by the report tests and benchmarks/report_speed.py. (Test
modules import from here, never from `conftest`, which other test folders also have.)"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import yaml
from typer.testing import Result

from mldrill.answers.base import KINDS, cached_target
from mldrill.bank.catalog import Catalog, load_catalog
from mldrill.sheets.answers import load_spec
from mldrill.sheets.build import Question, SheetSpec, questions

REFERENCE = "reference"
# what to type for (question, part): REFERENCE, "mistake:<tag>", None (blank), or text
Plan = Mapping[tuple[int, str], str | None]


def catalog() -> Catalog:
    return load_catalog((), bundled=True, strict=False)


def typed(cat: Catalog, key: Path, student: str, question: int, part: str,
          what: str) -> str:
    """The text a student types for `what` (REFERENCE or "mistake:<tag>")."""
    return _typed(questions(load_spec(key), cat, student)[question - 1], part, what)


def _typed(q: Question, part: str, what: str) -> str:
    p = q.variant.family.part(part)
    kind, ctx = KINDS[p.kind], q.variant.context
    expr = p.answer
    if what != REFERENCE:
        tag = what.removeprefix("mistake:")
        expr = next(m.answer for m in p.mistakes if m.tag == tag)
    return kind.format(cached_target(kind, expr, p, ctx), p, ctx)


def fill(cat: Catalog, hw: Path, student: str, plan: Plan, spec: SheetSpec | None = None
         ) -> None:
    """Write `student`'s answers.yaml in `hw` as `plan` says (parts not in it: blank)."""
    path = hw / student / "answers.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    qs = questions(spec or load_spec(hw / "key"), cat, student)
    answers: dict[str, dict[str, str | None]] = {}
    for (q, part), what in plan.items():
        text = what
        if what is not None and (what == REFERENCE or what.startswith("mistake:")):
            text = _typed(qs[q - 1], part, what)
        answers.setdefault(f"q{q}", {})[part] = text
    data["answers"] = answers
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML


def roster(path: Path, ids: Sequence[str]) -> Path:
    path.write_text("id,name\n" + "".join(f"{i},\n" for i in ids), encoding="utf-8")
    return path


# ---------------------------------------------------- the planted class of the tests

Invoke = Callable[..., Result]
PROBLEMS = "params-conv-layer,conv-backward"
PARTS = [(1, "params"), (1, "outputs"), (2, "dK"), (2, "db"), (2, "dX")]
RIGHT = ["s01", "s02", "s03", "s04"]            # every part right
UPSTREAM = ["s05", "s06", "s07"]                # forgot-input-channels in Q1, forgot-upstream
GARBAGE = ["s08", "s09"]                        # the same unexplained "12345" in Q1 outputs
INVALID = ["s10"]                               # an unreadable Q1 params, the rest blank
BLANK = ["s11"]                                 # nothing answered
BROKEN = ["s12"]                                # not an answer file at all
IDS = RIGHT + UPSTREAM + GARBAGE + INVALID + BLANK + BROKEN


def plan_of(student: str) -> Plan:
    """What `student` types for each part (see the lists above)."""
    ref: dict[tuple[int, str], str | None] = {k: REFERENCE for k in PARTS}
    if student in UPSTREAM:
        ref[(1, "params")] = "mistake:forgot-input-channels"
        ref[(2, "db")] = ref[(2, "dX")] = "mistake:forgot-upstream"
    elif student in GARBAGE:
        ref[(1, "outputs")] = "12345"
    elif student in INVALID:
        return {(1, "params"): "[[1, 2"}
    elif student in BLANK:
        return {}
    return ref
