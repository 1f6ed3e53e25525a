"""Build a class of filled answer files with planted answers: each part's reference, or a
catalogued mistake's value (computed from the family's mistake expression, the way the
bank self-test types it), or any given text. Used by the report tests and the benchmark."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

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
