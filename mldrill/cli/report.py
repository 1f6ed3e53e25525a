"""`mldrill report` on the terminal: a short summary of the class report (the full report
is the HTML page) or its JSON. Every text that could come from a student is printed as
plain `Text`, never as rich markup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from mldrill.cli.render import console, dump_json, err_console, plain

if TYPE_CHECKING:
    from mldrill.report.exam_export import ExamsExported
    from mldrill.report.result import ClassReport, ItemStats
    from mldrill.report.run import ReportMade

MAX_ROWS = 40


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _top(i: ItemStats) -> str:
    g = i.diagnoses[0] if i.diagnoses else (i.failures[0] if i.failures else None)
    return f"{g.label} ({g.count})" if g else ""


def _items_table(r: ClassReport) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name, right in (("item", False), ("n", True), ("p", True), ("r", True),
                        ("U-L", True), ("most frequent", False)):
        table.add_column(name, justify="right" if right else "left",
                         overflow="fold" if not right else "ellipsis")
    for i in r.items[:MAX_ROWS]:
        table.add_row(Text(i.item), Text(str(i.students)), Text(_num(i.p_correct)),
                      Text(_num(i.point_biserial)), Text(_num(i.upper_lower)),
                      Text(_top(i)[:80]))
    return table


def render_report_made(made: ReportMade, json_out: bool) -> None:
    """The JSON of the report, or the summary and where the files went."""
    r = made.report
    if json_out:
        dump_json(r.to_json())
    else:
        con = console()
        pct = "–" if r.mean_percent is None else f"{r.mean_percent:.1f}%"
        med = "–" if r.median_percent is None else f"{r.median_percent:.1f}%"
        plain(con, f"{r.source}: {len(r.students)} students ({r.kind}), {r.graded} graded; "
                   f"mean {pct}, median {med}", "bold")
        con.print(_items_table(r))
        if len(r.items) > MAX_ROWS:
            plain(con, f"… and {len(r.items) - MAX_ROWS} more items (see the HTML)", "dim")
        for t in r.topics:
            m = "–" if t.mastery is None else f"{100 * t.mastery:.0f}%"
            plain(con, f"topic {t.topic}: mastery {m}, {len(t.below_half)} below half")
        repeated = sum(1 for s in r.students if s.misconceptions)
        plain(con, f"{repeated} student(s) showed a misconception more than once")
    err = err_console()
    for w in r.warnings[:20]:
        plain(err, f"warning: {w}", "yellow")
    if len(r.warnings) > 20:
        plain(err, f"… and {len(r.warnings) - 20} more warnings (in the report)", "yellow")
    if made.html is not None:
        plain(err, f"wrote {made.html}", "dim")
    if made.student_files:
        plain(err, f"wrote {len(made.student_files)} student file(s) to "
                   f"{made.student_files[0].parent}", "dim")


def render_exported(done: ExamsExported) -> None:
    plain(console(), f"wrote {done.exams} exam(s) to {done.path}: hand this file to your "
                     "instructor")
