"""Grade a class: a folder with one file or sub-folder per student, across cores.

- Each student is graded in a worker process with its own sandbox; one submission can
  never stop the batch (anything a worker raises becomes that student's grader failure).
- Each finished student's JSON report is written at once (atomically) into the reports
  folder; a batch that was interrupted resumes without regrading a student whose report
  matches the same seed, assignment and submission bytes.
- The gradebook (CSV) has one row per student, a column per test and the total, written
  after the batch (and re-written from the reports on resume).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mldrill.grade.exercise import Assignment


@dataclass(frozen=True)
class Student:
    id: str
    path: Path | None        # the file graded (None: nothing to grade in the folder)
    problem: str = ""        # why there is nothing to grade


def find_students(folder: Path, assignments: Sequence[Assignment],
                  only: str | None = None) -> list[Student]:
    """A `.py` file directly in `folder` is a student (id: the file name without .py); a
    sub-folder is a student (id: its name) whose `.py` file is graded: the one named after
    the assignment, else the only one."""
    names = [a.name for a in assignments if only is None or a.name == only]
    students = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix == ".py":
            students.append(Student(entry.stem, entry))
        elif entry.is_dir():
            files = sorted(p for p in entry.rglob("*.py") if p.is_file()
                           and not any(part.startswith(".") for part in p.parts))
            named = [p for p in files if p.stem in names]
            if len(named) == 1:
                students.append(Student(entry.name, named[0]))
            elif len(files) == 1:
                students.append(Student(entry.name, files[0]))
            elif not files:
                students.append(Student(entry.name, None, "no .py file in the folder"))
            else:
                students.append(Student(entry.name, None, f"{len(files)} .py files and none "
                                        f"named {' or '.join(n + '.py' for n in names)}"))
    return students


def _digest(path: Path | None) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path else ""


def report_path(reports: Path, student: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", student)[:100] or "_"
    return reports / f"{safe}.json"


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _grade_one(args: tuple[str, str | None, str, Sequence[str], int, str | None, bool,
                           list[str]]) -> dict[str, Any]:
    """In a worker: grade one student, always returning a JSON-able report."""
    sid, path, problem, banks, seed, only, bundled, hide = args
    try:
        if path is None:
            return {"student": sid, "submission": None, "score": 0.0, "max_score": None,
                    "gradable": False, "outcome": "not gradable", "seed": seed,
                    "message": problem, "tests": []}
        from mldrill.bank.catalog import bank_dirs
        from mldrill.grade.grader import grade_file, load_assignments

        assignments, _ = load_assignments(bank_dirs(banks, bundled=bundled))
        report = grade_file(Path(path), assignments, seed, only=only,
                            hide=[Path(h) for h in hide])
        return {"student": sid, **report.to_json()}
    except Exception as exc:  # noqa: BLE001  (one student never stops the batch)
        return {"student": sid, "submission": path, "score": 0.0, "max_score": None,
                "gradable": False, "outcome": "grader failure", "seed": seed,
                "message": f"grader failure (not the student's fault): {exc!r}", "tests": []}


@dataclass
class BatchResult:
    reports: list[dict[str, Any]]
    regraded: int
    reused: int


def grade_folder(folder: Path, students: Sequence[Student], reports_dir: Path, *,
                 banks: Sequence[str], bundled: bool, seed: int, only: str | None,
                 jobs: int, hide: Sequence[Path] = (),
                 progress: Callable[[dict[str, Any]], None] | None = None) -> BatchResult:
    reports_dir.mkdir(parents=True, exist_ok=True)
    done: dict[str, dict[str, Any]] = {}
    todo: list[Student] = []
    for s in students:
        rp = report_path(reports_dir, s.id)
        digest = _digest(s.path)
        if rp.exists():
            try:
                old = json.loads(rp.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = None
            if old and old.get("seed") == seed and old.get("digest") == digest and \
                    old.get("only") == only and old.get("outcome") != "grader failure":
                done[s.id] = old
                if progress:
                    progress(old)
                continue
        todo.append(s)
    hidden = [str(folder.resolve()), str(reports_dir.resolve()), *map(str, hide)]
    tasks = {s.id: (s.id, str(s.path) if s.path else None, s.problem, list(banks), seed, only,
                    bundled, hidden) for s in todo}
    digests = {s.id: _digest(s.path) for s in todo}

    def finish(report: dict[str, Any]) -> None:
        report["digest"] = digests[report["student"]]
        report["only"] = only
        _write_atomic(report_path(reports_dir, report["student"]),
                      json.dumps(report, indent=1, default=str))
        done[report["student"]] = report
        if progress:
            progress(report)

    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    if workers == 1:
        for t in tasks.values():
            finish(_grade_one(t))
    elif todo:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            pending: set[Future[dict[str, Any]]] = {pool.submit(_grade_one, t)
                                                    for t in tasks.values()}
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    finish(fut.result())
    ordered = [done[s.id] for s in students if s.id in done]
    return BatchResult(ordered, len(todo), len(students) - len(todo))


def write_gradebook(path: Path, reports: Sequence[dict[str, Any]]) -> list[str]:
    """One row per student, a column per test (in the order first seen) and the total;
    `reports` are JSON reports (`student`, `outcome`, `tests`, `score`, `max_score`)."""
    columns: list[str] = []
    for r in reports:
        for t in r.get("tests", []):
            if t["name"] not in columns:
                columns.append(t["name"])
    path.parent.mkdir(parents=True, exist_ok=True)
    text = io.StringIO(newline="")
    w = csv.writer(text)
    w.writerow(["student", "outcome", *columns, "total", "max"])
    for r in reports:
        scores = {t["name"]: t["score"] for t in r.get("tests", [])}
        w.writerow([r["student"], r["outcome"], *[scores.get(c, "") for c in columns],
                    r["score"], r.get("max_score") or ""])
    _write_atomic(path, text.getvalue())
    return columns


def pass_rates(reports: Sequence[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """(test name, students who passed it, students graded on it)."""
    seen: dict[str, list[int]] = {}
    for r in reports:
        for t in r.get("tests", []):
            counts = seen.setdefault(t["name"], [0, 0])
            counts[1] += 1
            counts[0] += t["status"] == "passed"
    return [(name, p, n) for name, (p, n) in seen.items()]
