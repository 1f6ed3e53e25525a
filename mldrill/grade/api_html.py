"""A student's check shown in Jupyter (HTML) or as plain text: the score, which file and
cells were graded, each visible test with why it failed, and how to reproduce it.
Every piece of text is escaped: a test's output holds what the student's code said."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mldrill.grade.report import GradeReport

_MARK = {"passed": ("PASS", "#1a7f37"), "failed": ("FAIL", "#cf222e"),
         "not attempted": ("----", "#6e7781")}


def _headline(report: GradeReport) -> str:
    if not report.gradable:
        word = "not gradable" if report.outcome == "not gradable" else "grader failure"
        return f"{word}: {report.message}"
    s = report.score
    return f"score {s.points:g}/{s.max_points:g} ({s.percent:.0f}%)"


def report_html(report: GradeReport, reproduce: str) -> str:
    """The report as an HTML table (visible tests only, as given)."""
    rows = []
    for t in report.tests:
        word, colour = _MARK[t.status]
        why = f"<pre style='margin:0'>{escape(t.output.rstrip())}</pre>" \
            if t.output and t.status != "passed" else ""
        rows.append(f"<tr><td style='color:{colour};font-weight:bold'>{word}</td>"
                    f"<td style='text-align:left'>{escape(t.name)}{why}</td>"
                    f"<td>{t.score.points:g}/{t.score.max_points:g}</td></tr>")
    graded = f"<div>graded: {escape(report.graded.describe())}</div>" \
        if report.graded is not None else ""
    left = "".join(f"<li>{escape(x)}</li>" for x in (report.graded.left_out
                                                     if report.graded else ()))
    left = f"<details><summary>left out (not run)</summary><ul>{left}</ul></details>" \
        if left else ""
    table = ("<table><thead><tr><th></th><th style='text-align:left'>test</th>"
             f"<th>points</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
             if rows else "")
    head = escape(_headline(report)).replace("\n", "<br>")
    return (f"<div class='mldrill-check'><b>{head}</b>{graded}{left}{table}"
            f"<div style='color:#6e7781'>seed {report.seed} · reproduce: "
            f"<code>{escape(reproduce)}</code></div></div>")


def report_text(report: GradeReport, reproduce: str) -> str:
    """The same as plain text."""
    lines = [_headline(report)]
    if report.graded is not None:
        lines.append(f"graded: {report.graded.describe()}")
    for t in report.tests:
        word, _ = _MARK[t.status]
        lines.append(f"{word} {t.name}  {t.score.points:g}/{t.score.max_points:g}")
        if t.output and t.status != "passed":
            lines += ["     " + row for row in t.output.rstrip().splitlines()[:30]]
    lines.append(f"seed {report.seed} · reproduce: {reproduce}")
    return "\n".join(lines)
