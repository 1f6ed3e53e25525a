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
import math
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mldrill.grade.submissions import (  # noqa: F401  (find_students, Student: re-exported)
    NotGradable,
    Student,
    digest,
    find_students,
    read_source,
)
from mldrill.text import clean_data, csv_cell

OUTCOMES = ("graded", "not gradable", "grader failure")
MAX_REPORT_BYTES = 32 << 20   # a report re-read on resume larger than this is regraded
_PLAIN = re.compile(r"[a-z0-9_][a-z0-9_.-]{0,99}")


def report_path(reports: Path, student: str) -> Path:
    """The report file of `student`: distinct ids never share one, even on a file system
    that ignores case or Unicode normalisation. A lower-case ASCII id names its file as it
    is (`eve.json`); any other gets a safe name and a hash of the exact id after a '~',
    which a plain name never contains (`Eve~<16 hex>.json`, `a_b~<16 hex>.json`)."""
    if _PLAIN.fullmatch(student):
        return reports / f"{student}.json"
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", student)[:100].lstrip(".") or "_"
    tag = hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return reports / f"{safe}~{tag}.json"


def _intake_digest(problem: str) -> str:
    """The digest recorded for a student with nothing to read: changes with the reason."""
    return "intake:" + digest(problem.encode("utf-8", "surrogatepass"))


def _current_digest(s: Student, folder: Path) -> str:
    if s.path is None:
        return _intake_digest(s.problem)
    try:
        return digest(read_source(s.path, folder))
    except NotGradable as exc:
        return _intake_digest(exc.message)


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _not_graded(sid: str, path: str | None, seed: int, outcome: str, message: str,
                digest_: str) -> dict[str, Any]:
    return {"student": sid, "submission": path, "score": 0.0, "max_score": None,
            "gradable": False, "outcome": outcome, "seed": seed, "message": message,
            "tests": [], "digest": digest_}


def _grade_one(args: tuple[str, str | None, str, str, Sequence[str], int, str | None, bool]
               ) -> dict[str, Any]:
    """In a worker: grade one student, always returning a JSON-able report. The file is
    read once, safely; the bytes graded are the bytes whose digest the report records."""
    sid, path, root, problem, banks, seed, only, bundled = args
    try:
        if path is None:
            return _not_graded(sid, None, seed, "not gradable", problem,
                               _intake_digest(problem))
        try:
            source = read_source(Path(path), Path(root))
        except NotGradable as exc:
            return _not_graded(sid, path, seed, "not gradable", exc.message,
                               _intake_digest(exc.message))
        from mldrill.bank.catalog import bank_dirs
        from mldrill.grade.grader import grade_file, load_assignments

        assignments, _ = load_assignments(bank_dirs(banks, bundled=bundled))
        report = grade_file(Path(path), assignments, seed, only=only, source=source)
        return {"student": sid, **report.to_json(), "digest": digest(source)}
    except Exception as exc:  # noqa: BLE001  (one student never stops the batch)
        return _not_graded(sid, path, seed, "grader failure",
                           f"grader failure (not the student's fault): {exc!r}", "")


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _well_formed(r: Any, sid: str) -> bool:
    """A report as this module writes it, for this student (a report re-read on resume may
    have been corrupted or edited: anything else is regraded)."""
    if not (isinstance(r, dict) and r.get("student") == sid and r.get("outcome") in OUTCOMES
            and isinstance(r.get("message", ""), str) and _number(r.get("score"))
            and (r.get("max_score") is None or _number(r.get("max_score")))
            and isinstance(r.get("tests"), list)):
        return False
    tests = r["tests"]
    return all(isinstance(t, dict) and isinstance(t.get("name"), str)
               and isinstance(t.get("status"), str) and _number(t.get("score"))
               for t in tests) and r["score"] == round(sum(t["score"] for t in tests), 6)


def _previous(path: Path, reports_dir: Path) -> Any:
    """The report a previous run wrote (None: none, or unreadable)."""
    try:
        return json.loads(read_source(path, reports_dir, limit=MAX_REPORT_BYTES)
                          .decode("utf-8"))
    except (NotGradable, ValueError, RecursionError):
        return None


@dataclass
class BatchResult:
    reports: list[dict[str, Any]]
    regraded: int
    reused: int


def grade_folder(folder: Path, students: Sequence[Student], reports_dir: Path, *,
                 banks: Sequence[str], bundled: bool, seed: int, only: str | None,
                 jobs: int,
                 progress: Callable[[dict[str, Any]], None] | None = None) -> BatchResult:
    reports_dir.mkdir(parents=True, exist_ok=True)
    done: dict[str, dict[str, Any]] = {}
    todo: list[Student] = []
    for s in students:
        rp = report_path(reports_dir, s.id)
        old = _previous(rp, reports_dir) if os.path.lexists(rp) else None
        if old is not None and _well_formed(old, s.id) and old.get("seed") == seed and \
                old.get("only") == only and old.get("outcome") != "grader failure" and \
                old.get("digest") == _current_digest(s, folder):
            old = clean_data(old)
            done[s.id] = old
            if progress:
                progress(old)
            continue
        todo.append(s)
    tasks = {s.id: (s.id, str(s.path) if s.path else None, str(folder), s.problem,
                    list(banks), seed, only, bundled) for s in todo}

    def finish(report: dict[str, Any]) -> None:
        report = clean_data(report)
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
            pending: dict[Future[dict[str, Any]], str] = {
                pool.submit(_grade_one, t): sid for sid, t in tasks.items()}
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    sid = pending.pop(fut)
                    try:
                        report = fut.result()
                    except Exception as exc:  # noqa: BLE001  (a worker died)
                        report = _not_graded(sid, tasks[sid][1], seed, "grader failure",
                                             "grader failure (not the student's fault): "
                                             f"the worker stopped: {exc!r}", "")
                    finish(report)
    ordered = [done[s.id] for s in students if s.id in done]
    return BatchResult(ordered, len(todo), len(students) - len(todo))


def write_gradebook(path: Path, reports: Sequence[dict[str, Any]]) -> list[str]:
    """One row per student, a column per test (in the order first seen) and the total;
    `reports` are JSON reports (`student`, `outcome`, `tests`, `score`, `max_score`).
    Every text cell is cleaned and neutralised so a spreadsheet never runs it as a
    formula (`csv_cell`)."""
    columns: list[str] = []
    for r in reports:
        for t in r.get("tests", []):
            if t["name"] not in columns:
                columns.append(t["name"])
    path.parent.mkdir(parents=True, exist_ok=True)
    text = io.StringIO(newline="")
    w = csv.writer(text)
    w.writerow([csv_cell(c) for c in ["student", "outcome", *columns, "total", "max"]])
    for r in reports:
        scores = {t["name"]: t["score"] for t in r.get("tests", [])}
        w.writerow([csv_cell(c) for c in [r["student"], r["outcome"],
                                          *[scores.get(c, "") for c in columns],
                                          r["score"], r.get("max_score") or ""]])
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
