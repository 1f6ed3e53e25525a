"""What `mldrill report PATH` reads, decided from PATH, into a `ClassData`:

- a folder of a sheet's answer files (`<id>/answers.yaml`, the layout `sheet new` writes):
  graded here against the key (`--key`, else DIR/key), exactly as `mldrill grade` does;
- a JSON file `mldrill grade ... --format json` printed (a sheet's folder or one answer
  file; a code batch), or one exam export;
- a code batch: its gradebook `<name>-grades.csv` (the reports folder beside it is read) or
  the `<name>-grades-reports/` folder itself;
- a folder of exam exports (`mldrill history --export`), one file per student.

Files are read without following links and at most `MAX_JSON_BYTES` each; a file that
cannot be read, or is not as mldrill writes it, is a warning and left out. Nothing read is
ever run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mldrill.errors import UsageError
from mldrill.report.exam_export import exam_student, is_export
from mldrill.report.model import ClassData, Kind, StudentRecord
from mldrill.report.read_json import Topics, code_student, sheet_student
from mldrill.text import clean_line

if TYPE_CHECKING:
    from mldrill.bank.catalog import Catalog

MAX_JSON_BYTES = 32 << 20
MAX_FILES = 100_000


class CatalogSource(Protocol):
    """Where the problem bank comes from (for a sheet's key and its topics): the extra
    bank folders, whether the bundled bank is used, and the catalog they make."""

    @property
    def extra(self) -> Sequence[str]: ...

    @property
    def bundled(self) -> bool: ...

    def catalog(self) -> Catalog: ...


def load_class(path: Path, sources: CatalogSource, key: Path | None = None) -> ClassData:
    """The class at `path` (see the module's docstring); UsageError when `path` is none of
    what the report reads, or holds no student."""
    if not os.path.lexists(path):
        raise UsageError(f"'{clean_line(str(path))}' does not exist")
    if path.is_dir():
        if _holds_answer_files(path):
            return _sheet_folder(path, sources, key)
        return _json_folder(path, sources)
    if path.suffix == ".csv":
        reports = path.with_name(path.stem + "-reports")
        if not reports.is_dir():
            raise UsageError(f"no reports folder '{clean_line(str(reports))}' beside the "
                             "gradebook: give the folder `mldrill grade` wrote")
        return _json_folder(reports, sources)
    if path.suffix == ".json":
        return _json_file(path, sources)
    raise UsageError(f"'{clean_line(str(path))}' is not something `mldrill report` reads: "
                     "give a folder of answer files, a code batch's gradebook (.csv) or "
                     "reports folder, the JSON of `mldrill grade --format json`, or exam "
                     "exports (`mldrill history --export`)")


def _holds_answer_files(folder: Path) -> bool:
    """Whether `folder` is a sheet's class folder: an answer file (`<id>.yaml`) or a
    student folder with one (`<id>/answers.yaml`), no link followed to tell."""
    with os.scandir(folder) as it:
        for entry in it:
            if entry.name.startswith(".") or entry.name == "key":
                continue
            if entry.name.endswith((".yaml", ".yml")) and entry.is_file(follow_symlinks=False):
                return True
            if entry.is_dir(follow_symlinks=False) and any(
                    os.path.lexists(folder / entry.name / f)
                    for f in ("answers.yaml", "answers.yml")):
                return True
    return False


def _topics(sources: CatalogSource) -> Topics:
    """A problem id's topic, the catalog loaded on first use ("?" for an unknown id)."""
    loaded: list[Catalog] = []

    def topic(problem: str) -> str:
        if not loaded:
            loaded.append(sources.catalog())
        family = loaded[0].families.get(problem)
        return family.topic if family is not None else "?"

    return topic


def _sheet_folder(folder: Path, sources: CatalogSource, key: Path | None) -> ClassData:
    from mldrill.report.grade_sheets import grade_sheet_folder
    from mldrill.sheets.answers import find_key

    key_dir = key or find_key(folder / "x" / "answers.yaml")
    if key_dir is None:
        raise UsageError("give --key DIR/key: the key folder written by `mldrill sheet new`")
    cat = sources.catalog()
    grades = grade_sheet_folder(folder, key_dir, cat, tuple(sources.extra), sources.bundled)

    def topic(problem: str) -> str:
        family = cat.families.get(problem)
        return family.topic if family is not None else "?"

    students = tuple(sheet_student(g, topic) for g in grades)
    return _finish("sheets", folder, students, [])


def _read(path: Path, root: Path) -> object:
    """The JSON in `path` (read below `root` without following a link); ValueError."""
    from mldrill.grade.submissions import NotGradable, read_source

    try:
        raw = read_source(path, root, limit=MAX_JSON_BYTES)
    except NotGradable as exc:
        raise ValueError(exc.message) from None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"not JSON: {exc}") from None


def _kind_of(data: object) -> Kind | None:
    if is_export(data):
        return "exams"
    if isinstance(data, dict) and "digest" in data and "tests" in data:
        return "code"
    if isinstance(data, dict) and "parts" in data:
        return "sheets"
    return None


KINDS: tuple[Kind, ...] = ("code", "sheets", "exams")


def _most(kinds: list[Kind]) -> Kind:
    """The kind most of the files are (a tie: code, then sheets)."""
    best: Kind = KINDS[0]
    for k in KINDS:
        if kinds.count(k) > kinds.count(best):
            best = k
    return best


def _reader(kind: Kind, sources: CatalogSource) -> Callable[[object], StudentRecord]:
    if kind == "exams":
        return exam_student
    if kind == "code":
        return code_student
    topics = _topics(sources)
    return lambda data: sheet_student(data, topics)


def _json_folder(folder: Path, sources: CatalogSource) -> ClassData:
    files = sorted(e.name for e in os.scandir(folder)
                   if e.name.endswith(".json") and not e.name.startswith("."))[:MAX_FILES]
    warnings: list[str] = []
    found: list[tuple[str, object]] = []
    for name in files:
        try:
            found.append((name, _read(folder / name, folder)))
        except ValueError as exc:
            warnings.append(f"{clean_line(name)}: left out: {exc}")
    kinds = [k for _, d in found if (k := _kind_of(d)) is not None]
    if not kinds:
        raise UsageError(f"'{clean_line(str(folder))}' holds no answer files, grade reports "
                         "or exam exports")
    kind = _most(kinds)
    read = _reader(kind, sources)
    students = []
    for name, data in found:
        try:
            if _kind_of(data) != kind:
                raise ValueError(f"not a report of the same kind ({kind})")
            students.append(read(data))
        except ValueError as exc:
            warnings.append(f"{clean_line(name)}: left out: {exc}")
    return _finish(kind, folder, tuple(students), warnings)


def _json_file(path: Path, sources: CatalogSource) -> ClassData:
    try:
        data = _read(path, path.parent)
    except ValueError as exc:
        raise UsageError(f"cannot read '{clean_line(str(path))}': {exc}") from None
    items = data.get("reports") if isinstance(data, dict) and "reports" in data else [data]
    if not isinstance(items, list):
        raise UsageError(f"'{clean_line(str(path))}': 'reports' must be a list")
    kinds = [k for d in items if (k := _kind_of(d)) is not None]
    if not kinds:
        raise UsageError(f"'{clean_line(str(path))}' is not the JSON of `mldrill grade "
                         "--format json` nor an exam export")
    kind = _most(kinds)
    read = _reader(kind, sources)
    students, warnings = [], []
    for i, d in enumerate(items):
        try:
            if _kind_of(d) != kind:
                raise ValueError(f"not a report of the same kind ({kind})")
            students.append(read(d))
        except ValueError as exc:
            warnings.append(f"report #{i + 1}: left out: {exc}")
    return _finish(kind, path, tuple(students), warnings)


def _finish(kind: Kind, source: Path, students: tuple[StudentRecord, ...],
            warnings: list[str]) -> ClassData:
    """The class, one record per student id (a repeated id: a warning, the first kept)."""
    seen: set[str] = set()
    kept = []
    for s in students:
        if s.student in seen:
            warnings.append(f"student '{s.student}' appears twice: the first report is kept")
            continue
        seen.add(s.student)
        kept.append(s)
    return ClassData(kind, clean_line(str(source)), tuple(kept), tuple(warnings))
