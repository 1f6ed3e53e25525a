"""`mldrill grade`: the terminal around mldrill.grade (one file, or a class folder)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from mldrill.cli.render import console, err_console, plain

if TYPE_CHECKING:
    from mldrill.grade.report import GradeReport

MARK = {"passed": ("PASS", "bold green"), "failed": ("FAIL", "bold red"),
        "not attempted": ("----", "dim")}


def render_report(report: GradeReport, reproduce: str) -> None:
    con = console()
    head = f"{report.submission} · seed {report.seed}"
    if report.assignments:
        head += f" · assignment {', '.join(report.assignments)}"
    plain(con, head, "bold")
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
                plain(con, ("     " if i else "     ") + row, "dim" if i else None)
    score = report.score
    plain(con, "")
    plain(con, f"score {score.points:g}/{score.max_points:g} ({score.percent:.0f}%)", "bold")
    if any(t.visibility != "visible" for t in report.tests):
        plain(con, "· a test hidden from students on Gradescope", "dim")
    if report.isolation:
        plain(con, "isolation: " + ", ".join(report.isolation), "dim")
    plain(con, f"reproduce: {reproduce}", "dim")


def emit(data: Any, output: Path | None) -> None:
    text = json.dumps(data, indent=2, default=str)
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")


def run_batch(folder: Path, assignments: list[Any], *, banks: list[str], bundled: bool,
              seed: int, only: str | None, jobs: int, output: Path | None, fmt: str) -> int:
    from mldrill.grade.batch import find_students, grade_folder, pass_rates
    from mldrill.grade.gradebook import batch_json, write_gradebook

    students = find_students(folder, assignments, only)  # colliding ids: a UsageError
    gradebook = output or Path(f"{folder.resolve().name}-grades.csv")
    reports_dir = gradebook.with_name(gradebook.stem + "-reports")
    err = err_console()
    err.print(Text(f"grading {len(students)} submissions in {folder} with seed {seed}; "
                   f"reports in {reports_dir}/", style="bold"))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=False,
                  disable=not err.is_terminal) as bar:
        task = bar.add_task("grading", total=len(students))
        result = grade_folder(folder, students, reports_dir, banks=banks, bundled=bundled,
                              seed=seed, only=only, jobs=jobs,
                              progress=lambda r: bar.advance(task))
    entries = result.entries
    write_gradebook(gradebook, [e.to_row() for e in entries])
    if fmt == "json":
        emit(batch_json(gradebook, entries, seed=seed), None)
    else:
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
    return 3 if any(e.outcome == "grader failure" for e in entries) else 0
