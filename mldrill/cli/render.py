"""Rendering results for people (rich) and for scripts (JSON). The core never prints.

Problem text is always printed with markup off: prompts are full of [brackets] that rich
would otherwise take for style tags.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from mldrill.score import Score

if TYPE_CHECKING:
    from rich.table import Table

    from mldrill.answers.base import PartResult
    from mldrill.bank.index import FamilyInfo
    from mldrill.bank.model import ProblemFamily
    from mldrill.check import CheckResult
    from mldrill.errors import Diagnostic
    from mldrill.progress.stats import Stats
    from mldrill.variants.generate import RenderedPart, Variant
    from mldrill.verify.selftest import FamilyReport

STATUS_STYLE = {"correct": "bold green", "incorrect": "bold red", "invalid": "bold yellow",
                "unanswered": "dim"}
STATUS_WORD = {"correct": "correct", "incorrect": "incorrect", "invalid": "not understood",
               "unanswered": "no answer"}


def status_word(status: str, diagnosis: str | None, points: float) -> str:
    """The verdict's word: "not understood" only for answers that could not be read; one
    read fine but given to too few digits says so."""
    if diagnosis == "too-few-digits":
        return "too few digits"
    if status == "incorrect" and points > 0:
        return "partly correct"
    return STATUS_WORD.get(status, status)


def console() -> Console:
    return Console(highlight=False, no_color=bool(os.environ.get("NO_COLOR")), soft_wrap=True)


def err_console() -> Console:
    return Console(stderr=True, highlight=False, no_color=bool(os.environ.get("NO_COLOR")),
                   soft_wrap=True)


def plain(con: Console, text: str, style: str | None = None) -> None:
    con.print(Text(text, style=style or ""), markup=False, highlight=False)


def _chunks(text: str) -> list[str]:
    """Words split at spaces outside brackets, so `[-3, 0]` or `f(a, b)` stay whole."""
    out, cur, depth = [], "", 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        if ch == " " and depth == 0:
            if cur:
                out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        out.append(cur)
    if depth:  # a bracket left open (closed on a later line): plain words
        return text.split()
    return out


def wrap_prose(text: str, width: int, indent: str = "") -> str:
    """Wrap each over-long line at spaces outside brackets to `width`, keeping its own
    leading spaces on the continuation lines. Lines that fit (grids, formulas) are left
    alone, and a bracketed group is never split."""
    width = max(20, width)
    out = []
    for line in text.splitlines() or [""]:
        if len(indent + line) <= width:
            out.append(indent + line)
            continue
        lead = indent + line[: len(line) - len(line.lstrip())]
        cur = ""
        words = [w for chunk in _chunks(line.strip())
                 for w in (chunk.split() if len(lead) + len(chunk) > width else [chunk])]
        for word in words:
            if cur and len(lead) + len(cur) + 1 + len(word) > width:
                out.append(lead + cur)
                cur = word
            else:
                cur = f"{cur} {word}" if cur else word
        out.append(lead + cur)
    return "\n".join(out)


def indent_block(label: str, text: str, indent: str = "") -> str:
    """`label` before the first line of text, the other lines indented to line up."""
    pad = indent + " " * len(label)
    lines = text.splitlines() or [""]
    return "\n".join([indent + label + lines[0], *(pad + line for line in lines[1:])])


def render_part_header(con: Console, part: RenderedPart) -> None:
    """A part as it is asked: name, prompt and points, the choices, the expected form."""
    label = part.prompt if part.prompt != part.name else ""
    header = f"{part.name}: {label}".rstrip(": ") + \
        f"   [{part.points:g} point{'s' if part.points != 1 else ''}]"
    plain(con, "\n" + wrap_prose(header, con.width), "bold")  # "[1 point]" is never split
    for letter, choice in part.choices:
        plain(con, f"  {letter}) {choice}")
    plain(con, wrap_prose(f"answer as {part.form}", con.width), "dim")
    if part.follows:
        plain(con, wrap_prose(follow_note(part), con.width), "dim")


def follow_note(part: RenderedPart) -> str:
    """Says that a part is marked on the student's own earlier answers."""
    them = " and ".join(part.follows)
    return (f"follows through from {them}: if your {them} "
            f"{'is' if len(part.follows) == 1 else 'are'} wrong, {part.name} is marked on "
            "your own")


def render_solution(con: Console, text: str, title: str = "worked solution") -> None:
    """A worked solution under its own heading, indented, its lines as the author wrote
    them (wrapped only where wider than the screen)."""
    plain(con, f"{title}:", "bold")
    plain(con, wrap_prose(text.rstrip(), con.width, "  "))


def dump_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2, default=_json_default) + "\n")


def _json_default(o: Any) -> Any:
    if hasattr(o, "tolist"):
        return o.tolist()
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    return str(o)


def warn_broken(diagnostics: list[Diagnostic], limit: int = 10) -> None:
    """Problems in a bank's files: the broken parts are left out, the rest is used."""
    con = err_console()
    for group, what in ((["yaml", "yml"], "problem file"), (["py"], "solutions module")):
        found = [d for d in diagnostics if str(d.path).rsplit(".", 1)[-1] in group]
        if not found:
            continue
        files = len({d.path for d in found})
        left_out = ("the families in " + ("them" if files != 1 else "it")) if \
            what == "problem file" else "what is broken in " + ("them" if files != 1 else "it")
        plain(con, f"warning: {len(found)} error{'s' if len(found) != 1 else ''} in "
                   f"{files} {what}{'s' if files != 1 else ''}; {left_out} "
                   f"{'are' if what == 'problem file' else 'is'} left out (`mldrill validate` "
                   "checks a bank):", "yellow")
        for d in found[:limit]:
            plain(con, f"  {d}", "yellow")
        if len(found) > limit:
            plain(con, f"  ... and {len(found) - limit} more", "yellow")


# --- list -------------------------------------------------------------------------------

def family_json(f: ProblemFamily | FamilyInfo) -> dict[str, object]:
    return {"id": f.id, "title": f.title, "topic": f.topic, "difficulty": f.difficulty,
            "tags": list(f.tags), "parts": list(f.part_names), "path": f.path}


def render_list(families: Iterable[ProblemFamily | FamilyInfo]) -> None:
    """Families grouped under a heading per topic; titles are cut to fit, never wrapped."""
    con = console()
    rows = list(families)
    id_width = max((len(f.id) + 2 for f in rows), default=10)
    room = max(20, con.width - id_width - 9)  # for the title, cut with ... never wrapped
    count, topics, current = 0, 0, None
    by_topic: dict[str, int] = {}
    for f in rows:
        by_topic[f.topic] = by_topic.get(f.topic, 0) + 1
    out = Text(no_wrap=True, overflow="ellipsis")  # one Text: a table of 150 rows is slow
    for f in rows:
        if f.topic != current:
            if current is not None:
                out.append("\n")
            current = f.topic
            topics += 1
            out.append(f"{f.topic} ({by_topic[f.topic]})", style="bold")
            out.append("\n")
        title = f.title if len(f.title) <= room else f.title[: room - 1] + "…"
        out.append(("  " + f.id).ljust(id_width + 1), style="cyan")
        out.append(("*" * f.difficulty).ljust(6), style="yellow")
        out.append(title + "\n")
        count += 1
    out.rstrip()
    con.print(out, soft_wrap=False)
    plain(con, f"\n{count} problem famil{'y' if count == 1 else 'ies'} in {topics} "
               f"topic{'s' if topics != 1 else ''} (* easy to ***** exam-hard).\n"
               "Try: mldrill show ID   or   mldrill practice TOPIC", "dim")


# --- show -------------------------------------------------------------------------------

def variant_json(v: Variant, solution: bool) -> dict[str, Any]:
    f = v.family
    data: dict[str, Any] = {
        "id": f.id, "seed": v.seed, "title": f.title, "topic": f.topic,
        "difficulty": f.difficulty, "tags": list(f.tags), "layout": f.layout,
        "prompt": v.prompt,
        "parts": [{"name": p.name, "kind": p.kind, "prompt": p.prompt, "points": p.points,
                   "form": p.form, "follows": list(p.follows),
                   **({"choices": dict(p.choices)} if p.choices else {})}
                  for p in v.parts],
        "hints": len(f.hints),
    }
    if solution:
        for p in data["parts"]:
            p["answer"] = v.answer_text(p["name"])
        data["hints"] = v.hints()
        data["solution"] = v.solution()
    return data


def render_variant(v: Variant, solution: bool) -> None:
    con = console()
    f = v.family
    plain(con, f"{f.title}", "bold")
    meta = f"{f.id} · seed {v.seed} · {f.topic} · difficulty {f.difficulty}/5"
    if f.layout:
        meta += f" · {f.layout} layout"
    plain(con, meta, "dim")
    plain(con, "")
    plain(con, wrap_prose(v.prompt.rstrip(), con.width))
    plain(con, "")
    for p in v.parts:
        pts = f"{p.points:g} pt{'s' if p.points != 1 else ''}"
        line = Text()
        line.append(f"  {p.name}", style="bold cyan")
        line.append(f" ({pts})", style="dim")
        line.append(f"  {p.prompt}")
        con.print(line)
        for letter, text in p.choices:
            plain(con, f"      {letter}) {text}")
        plain(con, f"      format: {p.form}", "dim")
        if p.follows:
            plain(con, f"      {follow_note(p)}", "dim")
    if solution:
        plain(con, "")
        plain(con, "Answers", "bold")
        for p in v.parts:
            line = Text()
            line.append(f"  {p.name} = ", style="bold cyan")
            line.append(v.answer_text(p.name), style="green")
            con.print(line)
        hints = v.hints()
        if hints:
            plain(con, "")
            plain(con, "Hints", "bold")
            for i, h in enumerate(hints, 1):
                plain(con, indent_block(f"{i}. ", wrap_prose(h.strip(), con.width - 5), "  "))
        sol = v.solution()
        if sol:
            plain(con, "")
            plain(con, "Worked solution", "bold")
            plain(con, wrap_prose(sol.rstrip(), con.width, "  "))
    else:
        plain(con, "")
        plain(con, f"Check an answer:  mldrill check {f.id} --seed {v.seed} "
                   f"{v.parts[0].name}=ANSWER", "dim")


# --- check ------------------------------------------------------------------------------

def _rows(text: str) -> list[str]:
    """A long nested list such as [[1, 2], [3, 4]] split after each top-level row."""
    if not text.startswith("[["):
        return [text]
    return text.replace("], [", "],\n [").splitlines()


def _same(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def caret_lines(text: str, caret: str, width: int) -> list[str]:
    """An echoed answer (`text`, indented) and the caret line under it, cut into pieces of
    at most `width` characters so that a long answer never wraps on the terminal: the
    caret follows the piece that holds its column, exactly under the character."""
    lead = len(text) - len(text.lstrip(" "))
    body, col = text[lead:], caret.index("^") - lead
    room = max(10, width - lead)
    if lead + len(body) <= width:
        return [text, caret]
    out = []
    for start in range(0, max(len(body), col + 1), room):
        out.append(" " * lead + body[start:start + room])
        if start <= col < start + room:
            out.append(" " * (lead + col - start) + "^")
    return out


def _with_carets(message: str, width: int) -> str:
    """`wrap_prose` for a verdict's message, except an answer echoed above a caret line,
    which is cut (not wrapped at spaces) so the caret stays under its character."""
    lines = message.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if nxt.strip() == "^" and nxt.index("^") >= len(nxt) - 1:
            out += caret_lines(lines[i], nxt, width)
            i += 2
            continue
        out.append(wrap_prose(lines[i], width))
        i += 1
    return "\n".join(out)


def render_part_result(con: Console, r: PartResult, indent: str = "  ",
                       credit: float | None = None, typed: str | None = None,
                       echo: bool = False, reveal: bool = True) -> None:
    """One verdict. `credit` (0..1) replaces the verdict's score when tries cost credit;
    "read as" is left out when it only repeats what was `typed`; `echo` shows the typed
    answer under the verdict (in a report, long after it was typed); `reveal` False holds
    back the feedback that gives the answer away (a try is left)."""
    head = Text(indent)
    head.append(f"{r.name}: ", style="bold")
    word = status_word(r.status, r.diagnosis, r.credit)
    head.append(word, style=STATUS_STYLE[r.status])
    if r.status in ("correct", "incorrect"):
        got = r.score if credit is None else Score.of_fraction(credit, r.points)
        head.append(f"  ({got.points:g}/{got.max_points:g})", style="dim")
    read_as = r.read_as or ""
    if typed is not None and _same(read_as, typed):
        read_as = ""
    if read_as and len(head) + 12 + len(read_as) <= con.width:
        head.append(f"   read as: {read_as}", style="dim")
        read_as = ""
    con.print(head)
    if echo and typed is not None:
        plain(con, indent + "  your answer: " + typed.replace("\n", " "), "dim")
    if read_as:
        rows = _rows(read_as)
        label = indent + "  read as: "
        for i, row in enumerate(rows):
            plain(con, (label if i == 0 else " " * len(label)) + row, "dim")
    for m in r.shown if reveal else r.messages:
        body = _with_carets(m, con.width - len(indent) - 4)
        for i, line in enumerate(body.splitlines()):
            plain(con, indent + ("  - " if i == 0 else "    ") + line)


def render_check(result: CheckResult) -> None:
    con = console()
    for r in result.parts:
        render_part_result(con, r)
    plain(con, f"score: {result.fraction * 100:.0f}%", "bold")
    if result.unchecked:
        plain(con, f"not checked (no answer given): {', '.join(result.unchecked)}; --all "
                   "counts them as unanswered", "dim")


# --- validate ---------------------------------------------------------------------------

def render_validate(reports: list[FamilyReport], diagnostics: list[Diagnostic], files: int,
                    seeds: int, strict: bool) -> None:
    con = console()
    for d in diagnostics:
        plain(con, str(d), "red")
    for r in reports:
        if r.errors:
            plain(con, f"{r.path}: {r.id}: FAILED", "bold red")
            for e in r.errors:
                plain(con, f"  {e}")
        for w in r.warnings:
            style = "red" if strict else "yellow"
            plain(con, f"{r.path}: {r.id}: {'error' if strict else 'warning'}: {w}", style)
        for note in r.notes:
            plain(con, f"{r.path}: {r.id}: note: {note}", "cyan")
    failed = sum(1 for r in reports if r.errors or (strict and r.warnings))
    ok = len(reports) - failed
    summary = (f"{files} file{'s' if files != 1 else ''}, {len(reports)} famil"
               f"{'y' if len(reports) == 1 else 'ies'}, {seeds} seed{'s' if seeds != 1 else ''}"
               f" each: {ok} passed, {failed} failed")
    if diagnostics:
        summary += f", {len(diagnostics)} file error{'s' if len(diagnostics) != 1 else ''}"
    plain(con, summary, "bold green" if not failed and not diagnostics else "bold red")


# --- stats and history ------------------------------------------------------------------

def bar(fraction: float, width: int = 20) -> str:
    """A bar of block characters, eighths for the last cell: bar(0.5, 4) == '██  '."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[rest] if rest else ""
    return ("█" * full + partial).ljust(width)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def _table() -> Table:
    """A plain table (rich.table is imported here: `show` and `practice` need none)."""
    from rich.table import Table

    return Table(show_header=True, header_style="bold", box=None, pad_edge=False)


def render_stats(s: Stats) -> None:
    con = console()
    keep = " (practise today to keep it)"
    if not s.attempts and not s.due:
        plain(con, "No answers recorded yet. Start with: mldrill practice", "bold")
    else:
        plain(con, f"{s.attempts} answer{'s' if s.attempts != 1 else ''} judged, "
                   f"{_pct(s.accuracy)} right · streak {s.streak_days} "
                   f"day{'s' if s.streak_days != 1 else ''}"
                   f"{'' if s.practised_today or not s.streak_days else keep}"
                   f" · {s.seconds / 60:.0f} min", "bold")
    table = _table()
    table.add_column("topic", no_wrap=True)
    table.add_column("mastery", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column("accuracy", justify="right", no_wrap=True)
    table.add_column("answers", justify="right", no_wrap=True)
    table.add_column("seen", justify="right", no_wrap=True)
    table.add_column("due", justify="right", no_wrap=True)
    for topic, t in sorted(s.topics.items(), key=lambda kv: (-kv[1].mastery, kv[0])):
        table.add_row(topic, Text(bar(t.mastery, 16), style="green"), _pct(t.mastery),
                      _pct(t.accuracy), str(t.attempts), f"{t.seen}/{t.families}",
                      Text(str(t.due), style="yellow") if t.due else "")
    con.print(table)
    if s.due:
        ids = ", ".join(d["id"] for d in s.due[:5]) + (" ..." if len(s.due) > 5 else "")
        plain(con, "\n" + wrap_prose(f"{len(s.due)} due for review now: {ids}", con.width),
              "yellow")
        plain(con, "Review them with: mldrill practice", "dim")
    elif s.next_due:
        plain(con, f"\nNext review due {s.next_due.replace('T', ' ')[:16]} UTC", "dim")
    plain(con, wrap_prose("mastery: the chance you'd solve each problem of the topic now "
                          "(unseen: 0)", con.width), "dim")


def render_history(rows: list[dict[str, Any]]) -> None:  # rows of the progress store
    con = console()
    if not rows:
        plain(con, "No answers recorded yet. Start with: mldrill practice", "bold")
        return
    table = _table()
    exams = any(r.get("mode") == "exam" for r in rows)
    # the answer gets the room: ids and verdicts are cut short (with ...) before it wraps
    narrow = {"problem": 20, "part": 6, "verdict": 10 if con.width < 100 else 28}
    for name in ("when", *(["in"] if exams else []), "problem", "part", "answer", "verdict"):
        if name == "answer":
            table.add_column(name, min_width=16, ratio=1, overflow="fold")
        else:
            table.add_column(name, no_wrap=True, overflow="ellipsis",
                             max_width=narrow.get(name))
    for r in rows:
        when = datetime.fromisoformat(r["created_at"]).astimezone().strftime("%m-%d %H:%M")
        status = r["status"]
        word = "partly" if status == "incorrect" and r["score"] > 0 else status
        style = {"correct": "green", "incorrect": "red", "partly": "yellow"}.get(word, "dim")
        verdict = Text(word, style=style)
        if r.get("diagnosis") and con.width >= 100:  # narrower: the answer needs the room
            verdict.append(f" {r['diagnosis']}", style="dim")
        table.add_row(when, *([r.get("mode", "")] if exams else []),
                      f"{r['problem_id']}#{r['seed']}", r["part"],
                      Text(r["answer"].replace("\n", " ")), verdict)
    con.print(table)
