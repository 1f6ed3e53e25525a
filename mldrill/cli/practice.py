"""`mldrill practice`: the terminal around a practice Session (mldrill/practice/session.py).

On a terminal answers are read with readline's line editing and history
(mldrill/cli/terminal.py, where Ctrl-C acts at once, even mid-line); when stdin is not a
terminal it reads lines from stdin, so a session can be scripted. An answer
with an open bracket continues on the next line. An answer that cannot be read is shown back
with a caret and asked again, never counted. Every judged answer is stored as it is given,
so Ctrl-C or a crash loses nothing; the summary is printed on quit, EOF and Ctrl-C (a
second Ctrl-C does not cut it short). Input, output and the clocks come in as a Terminal
(mldrill/cli/env.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from mldrill.cli.errors import ExitStatus
from mldrill.cli.render import (
    indent_block,
    plain,
    render_part_header,
    render_part_result,
    render_solution,
    wrap_prose,
)
from mldrill.cli.terminal import ignore_ctrl_c, interactive

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mldrill.bank.catalog import Catalog, FamilyMeta
    from mldrill.cli.env import Terminal
    from mldrill.practice.session import ProblemRun, SessionSummary
    from mldrill.progress.store import Store

HELP = """Type your answer and press Enter (an open bracket continues on the next line).
Commands at any prompt:
  hint      the next hint
  solution  the answer and the worked solution (the part counts as missed)
  skip      go on to the next part
  quit      end the session (Ctrl-D too); your answers are already saved
  help      this text"""


COMMANDS = {"hint", "solution", "skip", "quit", "exit", "q", "help", "?"}


class EndSession(Exception):
    def __init__(self, interrupted: bool = False) -> None:
        self.interrupted = interrupted


def _line(term: Terminal, prompt: str) -> str:
    try:
        return term.read_line(prompt)
    except EOFError:
        raise EndSession() from None
    except KeyboardInterrupt:
        raise EndSession(interrupted=True) from None


def read_answer(term: Terminal, prompt: str,
                commands: set[str] | frozenset[str] = frozenset(COMMANDS)) -> str:
    """One answer; lines are joined while brackets are open (a matrix over several lines).
    End of input raises EndSession, Ctrl-C EndSession(interrupted=True)."""
    text = _line(term, prompt)
    while text.count("[") > text.count("]") or text.count("(") > text.count(")"):
        more = _line(term, ("." * max(1, min(3, len(prompt) - 1)) + " ").rjust(len(prompt)))
        if not more.strip():
            break
        if more.strip().lower() in commands:  # a command ends the unfinished answer
            return more.strip()
        text += "\n" + more
    return text.strip()


def _when(iso: str | None, now: datetime) -> str:
    if not iso:
        return "nothing scheduled"
    delta = datetime.fromisoformat(iso) - now
    secs = delta.total_seconds()
    if secs <= 0:
        return "now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if secs >= size:
            n = round(secs / size)
            return f"in {n} {unit}{'s' if n != 1 else ''}"
    return "in under a minute"


def run_practice(term: Terminal, cat: Catalog, families: Sequence[FamilyMeta], *, seed: int,
                 count: int, tries: int, problem_seed: int | None, save: bool) -> ExitStatus:
    """Run a session on `term`; returns the exit code (0, or 130 after Ctrl-C)."""
    with interactive():
        return _practice(term, cat, families, seed=seed, count=count, tries=tries,
                         problem_seed=problem_seed, save=save)


def _practice(term: Terminal, cat: Catalog, families: Sequence[FamilyMeta], *, seed: int,
              count: int, tries: int, problem_seed: int | None, save: bool) -> ExitStatus:
    from mldrill.practice.session import Session, plan
    from mldrill.progress.store import open_store

    con = term.console
    store = open_store() if save else None
    session = Session(cat, store, seed, tries, settings={
        "families": [f.id for f in families] if len(families) < 10 else len(families),
        "count": count, "tries": tries}, clock=term.clock, now=term.now)
    order = plan(families, store, count, session.rng, term.now())
    plain(con, f"Practice: {count} problem{'s' if count != 1 else ''}, {tries} "
               f"tr{'y' if tries == 1 else 'ies'} per part"
               + (f", seed {seed}" if problem_seed is None else "") + ". "
               "'help' for commands.", "bold")
    if not save:
        plain(con, "(not saved: --no-save)", "dim")
    ended: EndSession | KeyboardInterrupt | None = None
    try:
        for i, family in enumerate(order):
            run = session.deal(family, problem_seed)
            try:
                _work(term, run, i + 1, count)
            finally:
                session.finish(run)
    except (EndSession, KeyboardInterrupt) as end:
        # Ctrl-C while an answer is being judged arrives as KeyboardInterrupt
        ended = end
    finally:
        ignore_ctrl_c()  # from here on a press would only cut the summary short
    interrupted = isinstance(ended, KeyboardInterrupt) or bool(
        isinstance(ended, EndSession) and ended.interrupted)
    if interrupted:
        plain(con, "\ninterrupted: your answers so far are saved" if save else
              "\ninterrupted")
    summary = session.close()
    _summary(term, summary, store)
    if store is not None:
        store.close()
    return ExitStatus.INTERRUPTED if interrupted else ExitStatus.OK


def _work(term: Terminal, run: ProblemRun, index: int, count: int) -> None:
    con, family, variant = term.console, run.family, run.variant
    plain(con, "")
    plain(con, wrap_prose(f"Problem {index}/{count} · {family.topic} · {family.title}",
                          con.width), "bold cyan")
    plain(con, f"{family.id}, seed {variant.seed}, difficulty {'*' * family.difficulty}",
          "dim")
    plain(con, wrap_prose(variant.prompt.rstrip(), con.width))
    for part in variant.parts:
        render_part_header(con, part)
        run.start_part(part.name)
        _ask_part(term, run, part.name)


def _ask_part(term: Terminal, run: ProblemRun, name: str) -> None:
    con = term.console
    while True:
        text = read_answer(term, f"{name}> ")
        word = text.lower()
        if word in ("quit", "exit", "q"):
            raise EndSession()
        if word in ("help", "?"):
            plain(con, HELP)
            continue
        if word == "hint":
            hint = run.next_hint()
            if hint is None:
                plain(con, "no more hints; 'solution' shows the worked solution", "dim")
            else:
                label = f"hint {hint[0]}/{len(run.hints)}: "
                plain(con, indent_block(label, wrap_prose(hint[1], con.width - len(label))),
                      "yellow")
            continue
        if word == "solution":
            answer, solution = run.reveal(name)
            plain(con, f"answer: {answer}", "green")
            if solution:
                render_solution(con, solution)
            plain(con, "(this part counts as missed)", "dim")
            return
        if word == "skip":
            run.skip(name)
            return
        if not text:
            continue
        verdict = run.answer(name, text)
        render_part_result(con, verdict.result, indent="",
                           credit=verdict.credit if verdict.counted else None, typed=text,
                           reveal=verdict.done)
        if not verdict.counted:
            plain(con, "not counted; try again", "dim")
            continue
        if verdict.done:
            if verdict.answer is not None:
                plain(con, f"the answer: {verdict.answer}", "green")
            if verdict.result.status == "correct" and verdict.credit < 1:
                plain(con, f"credit {verdict.credit:.0%} (right after "
                           f"{run.part(name).tries} tries)", "dim")
            return
        plain(con, f"try again ({verdict.tries_left} "
                   f"tr{'y' if verdict.tries_left == 1 else 'ies'} left), or 'hint', "
                   "'solution', 'skip'", "dim")


def _summary(term: Terminal, summary: SessionSummary, store: Store | None) -> None:
    from mldrill.progress.due import reviews_at

    con = term.console
    plain(con, "")
    plain(con, "Session summary", "bold")
    pct = 100 * summary.points / summary.possible if summary.possible else 0.0
    secs = int(summary.seconds)
    if not summary.possible:
        plain(con, f"  nothing answered ({secs // 60}m{secs % 60:02d}s)")
    else:
        plain(con, f"  score {summary.points:g}/{summary.possible:g} ({pct:.0f}%) over "
                   f"{summary.problems} problem{'s' if summary.problems != 1 else ''} in "
                   f"{secs // 60}m{secs % 60:02d}s")
    for topic, t in sorted(summary.by_topic.items()):
        if t.problems:
            plain(con, f"  {topic:<18} {t.points:g}/{t.possible:g}")
    if store is None:
        return
    now = term.now()
    cards = store.cards()
    reviews = reviews_at(cards, now)
    plain(con, f"  due for review: {len(reviews.due)} now; next {_when(reviews.next_due, now)}"
          if cards else "  no reviews scheduled yet", "dim")
