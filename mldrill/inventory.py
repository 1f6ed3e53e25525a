"""An inventory of the banks' reference functions: `mldrill list --functions`.

A row per function: the functions a bank's `solutions/*.py` modules export (the flat
namespace problem files call), and the public functions of each coding assignment's
reference module (`solutions/assignments/layers.py`). For each: the topics and
problems that use it, and the first line of its docstring.

"Uses" is read from the problem files as the schema reads them: every expression (the
parameters' expressions, constraints, answers, mistakes, `verify:` expressions), every
`{{ }}` placeholder of a text (prompt, hints, solution, part prompts, feedback) and the
generator. The functions of a coding assignment's reference module belong to the topic
of the assignment's file (its folder: `problems/code/` -> `code`). A solutions function
named like a built-in of the expression language (`sigmoid`) is listed, but problem files
call the built-in, so it has no users.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mldrill.errors import UsageError

if TYPE_CHECKING:
    from mldrill.bank.catalog import Bank, Catalog
    from mldrill.bank.model import ProblemFamily


@dataclass(frozen=True)
class ReferenceFunction:
    """One reference function: where it is defined, who uses it, what it does."""

    name: str
    module: str  # its file: relative to the bank's root for the bundled bank
    topics: tuple[str, ...]  # topics whose problems (or coding assignments) use it
    problems: tuple[str, ...]  # ids of the problem families that use it
    assignments: tuple[str, ...]  # coding assignments whose reference module defines it
    doc: str  # the first line of its docstring ("" if it has none)
    builtin: bool = False  # a built-in of the same name is what problem files call


def names_used(family: ProblemFamily) -> frozenset[str]:
    """Every name a family's expressions and templates call or mention."""
    from mldrill.errors import AnswerParseError
    from mldrill.expr.parse import REFERENCE, parse
    from mldrill.variants.template import placeholders

    found: set[str] = {family.generator} if family.generator else set()
    texts = [*_expressions(family),
             *(e for t in _templates(family) for e, _fmt, _at in placeholders(t) if e)]
    for text in texts:
        try:
            expr = parse(text, REFERENCE)
        except AnswerParseError:
            continue  # the schema reported it; an unreadable text uses nothing
        found |= expr.calls | expr.names
    return frozenset(found)


def _expressions(family: ProblemFamily) -> Iterator[str]:
    """The texts the schema reads as expressions."""
    from mldrill.variants.params import PARAM_TYPES
    from mldrill.verify.methods import METHODS

    for p in family.params:
        options = PARAM_TYPES[p.type].options if p.type in PARAM_TYPES else {}
        for key, value in p.options.items():
            if (p.type == "derived" and key == "expr") or \
                    (key in options and options[key].expr):
                yield from _strings(value)
    yield from (c.expr for c in family.constraints)
    for part in family.parts:
        yield part.answer
        yield from (m.answer for m in part.mistakes)
    for v in family.verify:
        spec = METHODS.get(v.method)
        for key, value in v.options.items():
            if spec is not None and key in spec.options and spec.options[key][1]:
                yield str(value)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _templates(family: ProblemFamily) -> Iterator[str]:
    """The texts whose `{{ }}` placeholders are expressions."""
    yield family.prompt
    yield from family.hints
    yield family.solution
    for part in family.parts:
        yield part.prompt
        yield from (m.feedback for m in part.mistakes)


def inventory(catalog: Catalog, banks: Sequence[Bank]) -> list[ReferenceFunction]:
    """Every reference function of the banks, sorted by module then name."""
    from mldrill.bank.solutions import load_solutions
    from mldrill.expr.functions import REGISTRY

    users: dict[str, list[ProblemFamily]] = {}
    for family in catalog.families.values():
        for name in names_used(family):
            users.setdefault(name, []).append(family)
    rows: list[ReferenceFunction] = []
    seen: set[str] = set()
    for bank in banks:
        if bank.solutions is None:
            continue
        found, where, _problems = load_solutions(bank.solutions)
        for name, fn in found.items():
            if name in seen:
                continue  # problem files call the first bank's
            seen.add(name)
            builtin = name in REGISTRY
            families = [] if builtin else users.get(name, [])
            rows.append(ReferenceFunction(
                name, _shown(Path(where[name]), bank),
                tuple(sorted({f.topic for f in families})),
                tuple(sorted(f.id for f in families)), (), _first_line(inspect.getdoc(fn)),
                builtin))
    rows += _assignment_functions(catalog.assignment_files, banks)
    return sorted(rows, key=lambda r: (r.module, r.name))


def _assignment_functions(files: Iterable[Path], banks: Sequence[Bank]
                          ) -> list[ReferenceFunction]:
    """A row per public function of each coding assignment's reference module."""
    from mldrill.grade.exercise import load_assignment_file

    rows = []
    for path in files:
        bank = next((b for b in banks if b.problems.is_dir()
                     and b.problems.resolve() in path.resolve().parents), None)
        if bank is None:
            continue
        assignment, _diagnostics = load_assignment_file(path, bank.solutions)
        if assignment is None or not assignment.reference.is_file():
            continue  # `mldrill validate` reports what is wrong with it
        topic = path.parent.name if path.parent.resolve() != bank.problems.resolve() else ""
        for name, doc in _public_functions(assignment.reference).items():
            rows.append(ReferenceFunction(
                name, _shown(assignment.reference, bank), (topic,) if topic else (), (),
                (assignment.name,), doc))
    return rows


def _public_functions(path: Path) -> dict[str, str]:
    """A module's public functions (its `__all__` when it has one) and the first lines of
    their docstrings, read without running it."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    docs = {n.name: _first_line(ast.get_docstring(n)) for n in tree.body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    exported = next((n.value for n in tree.body if isinstance(n, ast.Assign)
                     and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets)),
                    None)
    if isinstance(exported, ast.List | ast.Tuple):
        names = [e.value for e in exported.elts
                 if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return {name: docs[name] for name in names if name in docs}
    return {name: doc for name, doc in docs.items() if not name.startswith("_")}


def _first_line(doc: str | None) -> str:
    return doc.strip().splitlines()[0].strip() if doc and doc.strip() else ""


def _shown(path: Path, bank: Bank) -> str:
    """The bundled bank's files relative to its root (`solutions/conv.py`); another bank's
    as the user would type them."""
    from mldrill.bank.catalog import bundled_root

    path = path.resolve()
    base = bundled_root().resolve() if bank.root.resolve() == bundled_root().resolve() \
        else Path.cwd().resolve()
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def function_listing(catalog: Catalog, banks: Sequence[Bank], topics: Iterable[str] = (),
                     tags: Iterable[str] = (), difficulty: str | None = None
                     ) -> list[ReferenceFunction]:
    """`mldrill list --functions`: the inventory, narrowed by the filters given."""
    rows = inventory(catalog, banks)
    topics, tags = list(topics), list(tags)
    if not (topics or tags or difficulty):
        return rows
    return select_functions(rows, catalog, topics, tags, difficulty)


def select_functions(rows: Sequence[ReferenceFunction], catalog: Catalog,
                     topics: Iterable[str] = (), tags: Iterable[str] = (),
                     difficulty: str | None = None) -> list[ReferenceFunction]:
    """The rows used by the topics given (any of them; `code` and the like: the coding
    assignments' folders); with tags or a difficulty, the rows used by the problems that
    match every filter (`Catalog.select`'s rules). An unknown topic, or nothing left, is a
    UsageError that says what exists."""
    topics, tags = list(topics), list(tags)
    known = sorted({t for r in rows for t in r.topics} | set(catalog.topics()))
    for word in topics:
        if word not in known:
            from mldrill.bank.lint import did_you_mean

            raise UsageError(f"no topic '{word}'{did_you_mean(word, known)}; "
                             f"topics: {', '.join(known)}")
    if tags or difficulty:
        family_topics = [t for t in topics if t in catalog.topics()]
        ids = {f.id for f in catalog.select(family_topics, tags, difficulty)} \
            if family_topics or not topics else set()
        chosen = [r for r in rows if ids & set(r.problems)]
    else:
        chosen = [r for r in rows if set(r.topics) & set(topics)]
    if not chosen:
        raise UsageError("no reference function is used by " + ", ".join(
            x for x in (f"topic {'/'.join(topics)}" if topics else "",
                        f"tag {'/'.join(tags)}" if tags else "",
                        f"difficulty {difficulty}" if difficulty else "") if x))
    return chosen
