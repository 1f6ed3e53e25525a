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

import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from mldrill.grade.gradebook import (  # noqa: F401  (write_gradebook: re-exported)
    GradebookRow,
    write_atomic,
    write_gradebook,
)
from mldrill.grade.report import GradeReport, Outcome
from mldrill.grade.submissions import (  # noqa: F401  (find_students, Student: re-exported)
    NotGradable,
    Student,
    digest,
    find_students,
    read_source,
)
from mldrill.score import Score
from mldrill.text import clean

MAX_REPORT_BYTES = 32 << 20   # a report re-read on resume larger than this is regraded
_PLAIN = re.compile(r"[a-z0-9_][a-z0-9_.-]{0,99}")
Missed = Literal["not gradable", "grader failure"]
UNSCORED = Score(0.0, 0)      # a student never graded: 0 points, no maximum


@dataclass(frozen=True)
class Ungraded:
    """A student the grader never graded: nothing to read, or the worker died."""

    outcome: Missed
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", clean(self.message))


@dataclass(frozen=True)
class BatchEntry:
    """One student of a batch: who, which file, and the report (or why there is none).
    `digest` identifies what was graded (see `_current_digest`); `only` is the assignment
    asked for. Its JSON is the student's report file and its item in the batch JSON."""

    student: str
    file: str | None
    seed: int
    digest: str
    only: str | None
    report: GradeReport | Ungraded

    def __post_init__(self) -> None:  # as shown anywhere: cleaned
        for name in ("student", "file", "digest", "only"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, clean(value))

    @property
    def outcome(self) -> Outcome:
        return self.report.outcome

    @property
    def message(self) -> str:
        return self.report.message

    @property
    def score(self) -> Score:
        return self.report.score if isinstance(self.report, GradeReport) else UNSCORED

    def to_row(self) -> GradebookRow:
        tests = self.report.tests if isinstance(self.report, GradeReport) else ()
        return GradebookRow(self.student, self.outcome, self.score,
                            tuple((t.name, t.score) for t in tests))

    def to_json(self) -> dict[str, object]:
        r = self.report
        body = r.to_json() if isinstance(r, GradeReport) else {
            "submission": self.file, "score": UNSCORED.points, "max_score": None,
            "gradable": False, "outcome": r.outcome, "seed": self.seed,
            "message": r.message, "tests": []}
        return {"student": self.student, **body, "digest": self.digest, "only": self.only}

    @classmethod
    def from_json(cls, data: object) -> BatchEntry:
        """The entry whose `to_json` is exactly `data`; ValueError for anything else (a
        report re-read on resume may have been corrupted or edited)."""
        if not isinstance(data, dict):
            raise ValueError("expected an object")
        body = {k: v for k, v in data.items() if k not in ("student", "digest", "only")}
        student, digest_, only = data.get("student"), data.get("digest"), data.get("only")
        if not (isinstance(student, str) and isinstance(digest_, str)
                and (only is None or isinstance(only, str))):
            raise ValueError("expected student, digest and only")
        report: GradeReport | Ungraded
        if "assignments" in body:
            report = GradeReport.from_json(body)
            file: str | None = report.submission
        else:
            report, file = _ungraded(body)
        seed = body.get("seed")
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise ValueError("expected a seed")
        entry = cls(student, file, seed, digest_, only, report)
        if entry.to_json() != data:
            raise ValueError("not a report as the batch writes it")
        return entry


def _ungraded(body: dict[str, object]) -> tuple[Ungraded, str | None]:
    """The outcome and message of an ungraded student's JSON, and its file."""
    missed = next((m for m in get_args(Missed) if m == body.get("outcome")), None)
    message, file = body.get("message"), body.get("submission")
    if missed is None or not isinstance(message, str):
        raise ValueError("expected the outcome and message of an ungraded student")
    if file is not None and not isinstance(file, str):
        raise ValueError("expected the file of an ungraded student")
    return Ungraded(missed, message), file


def pass_rates(entries: Sequence[BatchEntry]) -> list[tuple[str, int, int]]:
    """(test name, students who passed it, students graded on it)."""
    seen: dict[str, list[int]] = {}
    for e in entries:
        if isinstance(e.report, GradeReport):
            for t in e.report.tests:
                counts = seen.setdefault(t.name, [0, 0])
                counts[1] += 1
                counts[0] += t.status == "passed"
    return [(name, p, n) for name, (p, n) in seen.items()]


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


def _limit(path: Path | str) -> int:
    """The most bytes the file may have (a notebook or an archive may be larger)."""
    from mldrill.grade.handin import size_limit

    return size_limit(Path(path).name)


def _current_digest(s: Student, folder: Path) -> str:
    if s.path is None:
        return _intake_digest(s.problem)
    try:
        return digest(read_source(s.path, folder, limit=_limit(s.path)))
    except NotGradable as exc:
        return _intake_digest(exc.message)


@dataclass(frozen=True)
class _Task:
    """What a worker needs to grade one student (plain data: it crosses processes)."""

    student: str
    path: str | None
    root: str
    problem: str
    banks: tuple[str, ...]
    seed: int
    only: str | None
    bundled: bool

    def missed(self, outcome: Missed, message: str, digest_: str) -> BatchEntry:
        return BatchEntry(self.student, self.path, self.seed, digest_, self.only,
                          Ungraded(outcome, message))


def _grade_one(task: _Task) -> BatchEntry:
    """In a worker: grade one student, always returning an entry. The file is read once,
    safely; the bytes graded are the bytes whose digest the entry records."""
    try:
        if task.path is None:
            return task.missed("not gradable", task.problem, _intake_digest(task.problem))
        try:
            source = read_source(Path(task.path), Path(task.root), limit=_limit(task.path))
        except NotGradable as exc:
            return task.missed("not gradable", exc.message, _intake_digest(exc.message))
        from mldrill.bank.catalog import bank_dirs
        from mldrill.grade.grader import grade_file, load_assignments

        assignments, _ = load_assignments(bank_dirs(task.banks, bundled=task.bundled))
        report = grade_file(Path(task.path), assignments, task.seed, only=task.only,
                            source=source)
        return BatchEntry(task.student, task.path, task.seed, digest(source), task.only,
                          report)
    except Exception as exc:  # noqa: BLE001  (one student never stops the batch)
        return task.missed("grader failure",
                           f"grader failure (not the student's fault): {exc!r}", "")


def _previous(path: Path, reports_dir: Path) -> BatchEntry | None:
    """The entry a previous run wrote (None: none, unreadable, or not as it was written)."""
    try:
        return BatchEntry.from_json(json.loads(
            read_source(path, reports_dir, limit=MAX_REPORT_BYTES).decode("utf-8")))
    except (NotGradable, ValueError, TypeError, RecursionError):
        return None


def _reusable(s: Student, folder: Path, reports_dir: Path, seed: int, only: str | None
              ) -> BatchEntry | None:
    """This student's report from a previous run, if it graded the same bytes the same way
    (same seed and assignment, and not a grader failure)."""
    rp = report_path(reports_dir, s.id)
    old = _previous(rp, reports_dir) if os.path.lexists(rp) else None
    if old is not None and old.student == s.id and old.seed == seed and old.only == only \
            and old.outcome != "grader failure" and old.digest == _current_digest(s, folder):
        return old
    return None


@dataclass
class BatchResult:
    entries: list[BatchEntry]
    regraded: int
    reused: int


def grade_folder(folder: Path, students: Sequence[Student], reports_dir: Path, *,
                 banks: Sequence[str], bundled: bool, seed: int, only: str | None,
                 jobs: int,
                 progress: Callable[[BatchEntry], None] | None = None) -> BatchResult:
    reports_dir.mkdir(parents=True, exist_ok=True)
    done: dict[str, BatchEntry] = {}
    todo: list[Student] = []
    for s in students:
        old = _reusable(s, folder, reports_dir, seed, only)
        if old is None:
            todo.append(s)
            continue
        done[s.id] = old
        if progress:
            progress(old)
    tasks = {s.id: _Task(s.id, str(s.path) if s.path else None, str(folder), s.problem,
                         tuple(banks), seed, only, bundled) for s in todo}

    def finish(entry: BatchEntry) -> None:
        write_atomic(report_path(reports_dir, entry.student),
                     json.dumps(entry.to_json(), indent=1, default=str))
        done[entry.student] = entry
        if progress:
            progress(entry)

    _run_tasks(tasks, jobs, finish)
    ordered = [done[s.id] for s in students if s.id in done]
    return BatchResult(ordered, len(todo), len(students) - len(todo))


def _run_tasks(tasks: dict[str, _Task], jobs: int, finish: Callable[[BatchEntry], None]
               ) -> None:
    """Grade every task, in this process or across `jobs` workers (0: all cores), calling
    `finish` with each entry as it is done; a worker that dies is that student's grader
    failure."""
    workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    if workers == 1:
        for t in tasks.values():
            finish(_grade_one(t))
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: dict[Future[BatchEntry], str] = {
            pool.submit(_grade_one, t): sid for sid, t in tasks.items()}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                sid = pending.pop(fut)
                try:
                    entry = fut.result()
                except Exception as exc:  # noqa: BLE001  (a worker died)
                    entry = tasks[sid].missed("grader failure",
                                              "grader failure (not the student's fault): "
                                              f"the worker stopped: {exc!r}", "")
                finish(entry)
