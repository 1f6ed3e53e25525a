"""`mldrill sheet new` and the answer-file side of `mldrill grade` (rendering only)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from mldrill.cli.render import STATUS_STYLE, console, dump_json, plain, status_word

if TYPE_CHECKING:
    from mldrill.sheets.answers import SheetGrade
    from mldrill.sheets.make import SheetsMade

def render_sheets_made(made: SheetsMade, json_out: bool) -> None:
    """What `sheet new` wrote: a summary and how to grade, or its JSON (see docs/sheets.md)."""
    if json_out:
        dump_json(made.to_json())
        return
    con = console()
    out, n = made.out, len(made.sheets)
    plain(con, f"wrote {n} sheet{'s' if n != 1 else ''} ({len(made.spec.problems)} questions, "
               f"seed {made.spec.seed}) to {out}/; the key is in {out}/key/ (keep it from "
               "students)")
    if made.pdf and made.pdf_engine is None:
        plain(con, "no pdflatex found: sheet.tex written, not compiled")
    elif made.pdfs:
        plain(con, f"compiled {made.pdfs} PDFs with {made.pdf_engine}")
    for err in made.pdf_errors:
        plain(con, f"warning: could not compile {err}")
    plain(con, f"grade the answers with: mldrill grade {out}/<id>/answers.yaml (or the folder "
               f"of collected answer files) --key {out}/key")


def render_sheet_grade(g: SheetGrade, key_dir: Path) -> None:
    con = console()
    plain(con, f"{g.path} · {g.sheet} · student {g.student}", "bold")
    for w in g.warnings:
        plain(con, f"warning: {w}", "yellow")
    if not g.gradable:
        plain(con, f"NOT GRADABLE: {g.message}", "bold red")
        return
    for p in g.parts:
        line = Text(f"Q{p.question} {p.part}: ")
        status = p.status
        word = status_word(status, p.result.diagnosis if p.result else None, p.score.points)
        line.append(word, style=STATUS_STYLE.get(status, ""))
        line.append(f"  ({p.score.points:g}/{p.score.max_points:g})", style="dim")
        if p.answer is not None:
            line.append(f"   answer: {p.answer.replace(chr(10), ' ')}", style="dim")
        con.print(line)
        if p.result is not None:
            for m in p.result.shown:
                plain(con, f"    - {m}")
    score = g.score
    plain(con, "")
    plain(con, f"score {score.points:g}/{score.max_points:g} ({score.percent:.0f}%)", "bold")
    plain(con, f"key: {key_dir}", "dim")


def render_sheet_batch(grades: list[SheetGrade], gradebook: Path) -> None:
    con = console()
    bad = [g for g in grades if not g.gradable]
    plain(con, f"graded {len(grades) - len(bad)} of {len(grades)} answer files", "bold")
    for g in bad:
        plain(con, f"  {g.student}: not gradable: {g.message}", "yellow")
    for g in grades:
        for w in g.warnings:
            plain(con, f"  {g.student}: {w}", "yellow")
    if grades and grades[0].parts:
        plain(con, "mean per part:", "bold")
        names = [(p.question, p.part) for p in grades[0].parts]
        graded = [g for g in grades if g.gradable]
        for q, part in names:
            scores = [p.score.fraction for g in graded for p in g.parts
                      if (p.question, p.part) == (q, part) and p.points]
            if scores:
                plain(con, f"  Q{q} {part:<14} {100 * sum(scores) / len(scores):5.1f}%")
    plain(con, f"gradebook: {gradebook}", "dim")
