"""A `ClassReport` as one self-contained HTML page: no network at view time (the charts
are inline SVG, the style and the table-sorting script are inline, and a
Content-Security-Policy forbids loading anything, letting only that one script run, by
its hash). Every text that could come from a student (ids, answers, messages, file
names) goes through `esc`; numbers are formatted here."""

from __future__ import annotations

import base64
import hashlib

from mldrill.report import charts
from mldrill.report.html_items import esc, item_section, num, question_table
from mldrill.report.result import ClassReport, StudentProfile

SORT_SCRIPT = """\
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var up = th.getAttribute("data-dir") !== "up";
      th.setAttribute("data-dir", up ? "up" : "down");
      function key(row) {
        var cell = row.cells[col];
        return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort")
                                              : cell.textContent;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return up ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"""

STYLE = """\
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1150px;
       color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { margin-top: 1.8em; }
h3 { margin-bottom: .3em; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border-bottom: 1px solid #ddd; padding: .25em .6em; text-align: left;
         vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
table.sortable th { cursor: pointer; background: #f3f5f8; user-select: none; }
table.sortable th::after { content: " \\2195"; color: #999; }
.summary span { display: inline-block; margin-right: 2em; }
.item { border-top: 1px solid #ccc; margin-top: 1.5em; padding-top: .5em; }
.item .chart { float: right; margin-left: 1em; }
.item::after { content: ""; display: block; clear: both; }
pre { background: #f6f6f6; padding: .6em; overflow-x: auto; white-space: pre-wrap; }
.warn { color: #8a4b00; } .low { color: #b03030; font-weight: bold; }
.muted { color: #777; } svg { max-width: 100%; height: auto; }
"""


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(SORT_SCRIPT.encode()).digest()).decode()
    return (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src 'sha256-{digest}'")


# In the head of every report page: `report` replaces a page it wrote without asking.
MARKER = "<meta name=generator content=mldrill-report>"


def render_html(report: ClassReport) -> str:
    """The whole page."""
    kind = {"sheets": "answer files", "code": "code submissions",
            "exams": "exam attempts"}[report.kind]
    body = [
        f"<h1>Class report: {esc(report.source)}</h1>",
        f"<p class=muted>{esc(kind)}{' · anonymised' if report.anonymous else ''}</p>",
        _summary(report), _warnings(report),
        "<h2>Scores</h2>", charts.histogram_svg(report.histogram),
        "<h2>Topics</h2>", _topics(report),
        "<h2>Questions</h2>" if report.kind != "code" else "<h2>Tests</h2>",
        "<p class=muted>Click a heading to sort. p: proportion with full marks; r: "
        "point-biserial (full marks vs the rest of the paper); U−L: proportion correct in "
        "the top 27% minus the bottom 27%.</p>",
        question_table(report),
        *(item_section(i, report.kind) for i in report.items),
        "<h2>Students</h2>", _students(report.students),
    ]
    return "\n".join([
        "<!DOCTYPE html>", "<html lang=en><head><meta charset=utf-8>", MARKER,
        f'<meta http-equiv="Content-Security-Policy" content="{esc(_csp())}">',
        '<meta name=viewport content="width=device-width, initial-scale=1">',
        f"<title>Class report: {esc(report.source)}</title>",
        f"<style>{STYLE}</style></head><body>", *body,
        f"<script>{SORT_SCRIPT}</script>", "</body></html>", ""])


def _summary(r: ClassReport) -> str:
    ungraded = len(r.students) - r.graded
    return ("<p class=summary>"
            f"<span><b>{len(r.students)}</b> students</span>"
            f"<span><b>{r.graded}</b> graded</span>"
            f"<span><b>{ungraded}</b> not graded</span>"
            f"<span>mean <b>{num(r.mean_percent, 1)}%</b></span>"
            f"<span>median <b>{num(r.median_percent, 1)}%</b></span></p>")


def _warnings(r: ClassReport) -> str:
    if not r.warnings:
        return ""
    items = "".join(f"<li>{esc(w)}</li>" for w in r.warnings)
    return f"<h2 class=warn>Warnings</h2><ul class=warn>{items}</ul>"


def _topics(r: ClassReport) -> str:
    if not r.topics:
        return "<p class=muted>no graded items</p>"
    rows = "".join(
        f"<tr><td>{esc(t.topic)}</td><td class=n>{t.items}</td>"
        f"<td class=n data-sort=\"{t.mastery if t.mastery is not None else -1}\">"
        f"{num(None if t.mastery is None else 100 * t.mastery, 1)}%</td>"
        f"<td class=n>{len(t.below_half)}</td></tr>" for t in r.topics)
    return (charts.topics_svg(r.topics) + "<table class=sortable><thead><tr><th>topic</th>"
            "<th>items</th><th>mastery</th><th>students below half</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _student_row(s: StudentProfile) -> str:
    mis = "; ".join(f"{m.label} ×{len(m.items)} ({', '.join(m.items)})"
                    for m in s.misconceptions)
    pct = s.percent
    return (f"<tr><td>{esc(s.student)}</td><td>{esc(s.outcome)}</td>"
            f"<td class=n data-sort=\"{s.score}\">{s.score:g} / {s.max_score:g}</td>"
            f"<td class=n data-sort=\"{pct if pct is not None else -1}\">{num(pct, 1)}%</td>"
            f"<td>{esc(mis or s.message)}</td></tr>")


def _students(students: tuple[StudentProfile, ...]) -> str:
    rows = "".join(_student_row(s) for s in students)
    return ("<table class=sortable><thead><tr><th>student</th><th>outcome</th><th>score</th>"
            "<th>%</th><th>shown more than once / note</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")
