"""`mldrill grade` and `mldrill export gradescope` on the terminal: rendering the results
of mldrill.grade.run (a file's report, a class folder's summary, answer files) and a class
folder's progress. JSON and Gradescope's results.json are written as the core shapes them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from mldrill.cli.render import console, err_console, plain
from mldrill.cli.sheet import render_sheet_batch, render_sheet_grade
from mldrill.grade.batch import pass_rates
from mldrill.grade.gradebook import batch_json
from mldrill.grade.run import AnswerFileGraded, ClassGraded, FileGraded

if TYPE_CHECKING:
    from mldrill.grade.report import GradeReport
    from mldrill.grade.run import AutograderWritten, GradeRequest, GradeRun

MARK = {"passed": ("PASS", "bold green"), "failed": ("FAIL", "bold red"),
        "not attempted": ("----", "dim")}


def render_report(report: GradeReport, reproduce: str) -> None:
    con = console()
    head = f"{report.submission} · seed {report.seed}"
    if report.assignments:
        head += f" · assignment {', '.join(report.assignments)}"
    plain(con, head, "bold")
    _render_origin(report)
    if not report.gradable:
        word = "NOT GRADABLE" if report.outcome == "not gradable" else "GRADER FAILURE"
        plain(con, f"{word}: {report.message}", "bold red")
        if report.outcome == "not gradable":
            plain(con, "Nothing was scored. Fix the file and grade it again.", "dim")
        return
    width = max(20, con.width)
    for t in report.tests:
        word, style = MARK[t.status]
        line = Text()
        line.append(f"{word} ", style=style)
        pts = f"{t.score.points:g}/{t.score.max_points:g}"
        room = width - len(word) - len(pts) - 3
        name = t.name if len(t.name) <= room else t.name[: room - 1] + "…"
        line.append(name.ljust(room) + " ")
        line.append(pts, style="bold" if t.status == "passed" else "dim")
        if t.visibility != "visible":
            line.append(" ·", style="dim")
        con.print(line)
        if t.output and t.status != "passed":
            for i, row in enumerate(t.output.rstrip().splitlines()[:30]):
                plain(con, "     " + row, "dim" if i else None)
    score = report.score
    plain(con, "")
    plain(con, f"score {score.points:g}/{score.max_points:g} ({score.percent:.0f}%)", "bold")
    if any(t.visibility != "visible" for t in report.tests):
        plain(con, "· a test hidden from students on Gradescope", "dim")
    if report.isolation:
        plain(con, "isolation: " + ", ".join(report.isolation), "dim")
    plain(con, f"reproduce: {reproduce}", "dim")


def _render_origin(report: GradeReport) -> None:
    """Which file of an archive, which cells of a notebook were graded, and what was left
    out (a .py file graded as it is says nothing more)."""
    origin = report.graded
    if origin is None or origin.kind == "python":
        return
    con = console()
    if origin.member or origin.cells or origin.mode:
        plain(con, f"graded: {origin.describe()}", "dim")
    for note in origin.left_out[:8]:
        plain(con, f"  left out: {note}", "dim")
    if len(origin.left_out) > 8:
        plain(con, f"  left out: {len(origin.left_out) - 8} more (see --format json)", "dim")


def emit(data: object, output: Path | None) -> None:
    text = json.dumps(data, indent=2, default=str)
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")


class BatchBar:
    """A class folder's grading on stderr: what is graded where, then a bar (on a
    terminal)."""

    def __init__(self) -> None:
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def start(self, total: int, folder: Path, seed: int, reports: Path,
              stored: bool = False) -> None:
        err = err_console()
        how = (f"the class seed {seed} stored in {reports}/ by an earlier run (--seed to "
               "change it)") if stored else f"seed {seed}"
        err.print(Text(f"grading {total} submissions in {folder} with {how}; reports in "
                       f"{reports}/", style="bold"))
        self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                             MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                             transient=False, disable=not err.is_terminal)
        self._bar.start()
        self._task = self._bar.add_task("grading", total=total)

    def advance(self) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def render_class(run: ClassGraded, fmt: str) -> None:
    result = run.batch
    entries = result.entries
    gradebook, reports_dir = run.gradebook, run.reports_dir
    if fmt == "json":
        emit(batch_json(gradebook, entries, seed=run.seed), None)
        return
    con = console()
    failures = [e for e in entries if e.outcome != "graded"]
    plain(con, f"graded {len(entries) - len(failures)} of {len(entries)} "
               f"submissions ({result.reused} unchanged since the last run, not regraded)",
          "bold")
    for e in failures:
        first = (e.message.splitlines() or [""])[0]
        plain(con, f"  {e.student}: {e.outcome}: {first}", "yellow")
    rates = pass_rates(entries)
    if rates:
        plain(con, "pass rate per test:", "bold")
        for name, passed, n in rates:
            plain(con, f"  {passed:>4}/{n:<4} {name}")
    plain(con, f"gradebook: {gradebook}   reports: {reports_dir}/", "dim")


def show_grade(run: GradeRun, request: GradeRequest) -> None:
    """The result of `mldrill grade` in the format asked for (a report goes to
    `--output` when given; a folder's gradebook is already written there)."""
    fmt, output = request.format, request.output
    if isinstance(run, FileGraded):
        if fmt == "json":
            emit(run.report.to_json(), output)
        elif fmt == "gradescope":
            emit(run.report.to_gradescope(), output)
        else:
            render_report(run.report, run.reproduce)
    elif isinstance(run, ClassGraded):
        render_class(run, fmt)
    elif isinstance(run, AnswerFileGraded):
        if fmt == "json":
            emit(run.grade.to_json(), output)
        elif fmt == "gradescope":
            emit(run.grade.to_gradescope(), output)
        else:
            render_sheet_grade(run.grade, run.key)
    elif fmt == "json":
        emit(batch_json(run.gradebook, run.grades), None)
    else:
        render_sheet_batch(run.grades, run.gradebook)


def render_bundle(done: AutograderWritten) -> None:
    plain(console(), f"wrote {done.path} (assignment {done.assignment}); upload it as the "
                     "autograder. Keep it private: it holds the secret behind every "
                     "submission's inputs.")
