"""`mldrill exam`: the terminal around an ExamRun (mldrill/practice/exam.py).

The student moves through the paper part by part; Enter alone keeps the answer a part
already has and moves on, `back`/`next`/`go N` move between questions, and `submit` ends.
No verdicts, hints or solutions until the end. Every prompt shows the time left; on a
terminal a timer (SIGALRM) warns at 5 and 1 minutes and submits the paper when time runs
out, even while the student is typing. Ctrl-C (at once, even mid-line; see
mldrill/cli/terminal.py) and Ctrl-D submit what has been answered. Input, output and the
exam's clock come in as a Terminal (mldrill/cli/env.py).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping
from types import FrameType
from typing import TYPE_CHECKING

from mldrill.cli.errors import ExitStatus
from mldrill.cli.practice import EndSession, read_answer
from mldrill.cli.render import (
    STATUS_STYLE,
    plain,
    render_part_header,
    render_part_result,
    render_solution,
    wrap_prose,
)
from mldrill.cli.terminal import ignore_ctrl_c, interactive, redraw

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console

    from mldrill.bank.catalog import Catalog, FamilyMeta
    from mldrill.cli.env import Terminal
    from mldrill.practice.exam import ExamReport, ExamRun
    from mldrill.values import Json

HELP = """Type an answer and press Enter (an open bracket continues on the next line).
Nothing is marked until you submit; you can change any answer until then.
  Enter     keep this part's answer (or leave it blank) and go on
  back      the previous question          next      the next question
  go N      question N                     list      which parts are answered
  clear     erase this part's answer       time      the time left
  submit    hand in the paper (Ctrl-D or Ctrl-C too)
  help      this text"""

COMMANDS = {"back", "b", "prev", "next", "n", "list", "l", "clear", "time", "submit",
            "help", "?", "quit", "exit", "q", "hint", "solution", "skip"}
WARN_AT = (300.0, 60.0)  # seconds left when the timer speaks up ($MLDRILL_EXAM_WARN)


class TimeUp(Exception):
    """Raised by the timer while the student is typing when the time runs out."""


class _Move(Exception):
    def __init__(self, to: int | None) -> None:   # None: the end-of-paper review
        self.to = to


def clock_text(seconds: float) -> str:
    s = int(seconds + 0.999)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else \
        f"{s // 60:02d}:{s % 60:02d}"


def warn_marks() -> tuple[float, ...]:
    """When the timer warns, in seconds left: $MLDRILL_EXAM_WARN (e.g. `600,300,60`; empty
    for no warnings), else 5 minutes and 1 minute."""
    raw = os.environ.get("MLDRILL_EXAM_WARN")
    if raw is None:
        return WARN_AT
    try:
        return tuple(sorted((float(x) for x in raw.split(",") if x.strip()), reverse=True))
    except ValueError:
        return WARN_AT


class Timer:
    """SIGALRM-driven warnings and the final bell, where the platform has SIGALRM.
    The bell only interrupts while the student is at a prompt (`waiting`); otherwise the
    expiry is noticed at the next prompt."""

    def __init__(self, run: ExamRun, term: Terminal) -> None:
        self.run, self.term = run, term
        self.waiting = False
        self.prompt = ""
        self.partial = ""  # the line being typed when the time ran out
        self.pending = [w for w in warn_marks() if run.time_left() > w + 1]
        self.enabled = hasattr(signal, "setitimer") and term.isatty
        if self.enabled:
            self._old = signal.signal(signal.SIGALRM, self._ring)
            self._arm()

    def _arm(self) -> None:
        left = self.run.time_left()
        nxt = max((w for w in self.pending if w < left), default=None)
        wait = left - nxt if nxt is not None else left
        signal.setitimer(signal.ITIMER_REAL, max(wait, 0.05))

    def _ring(self, signum: int, frame: FrameType | None) -> None:
        left = self.run.time_left()
        if left <= 0:
            if self.waiting:
                self.partial = self.term.typed_so_far()
                raise TimeUp
            return
        due = [w for w in self.pending if w >= left - 0.5]
        if due:
            self.pending = [w for w in self.pending if w not in due]
            if self.waiting:
                self.term.write(f"\n[{_left_text(min(due))} left]\n")
                redraw(self.prompt)
        self._arm()

    def stop(self) -> None:
        if self.enabled:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old)
            self.enabled = False


def _left_text(seconds: float) -> str:
    if seconds >= 60:
        mins = round(seconds / 60)
        return f"{mins} minute{'s' if mins != 1 else ''}"
    return f"{seconds:g} seconds"


def run_exam(term: Terminal, cat: Catalog, families: Sequence[FamilyMeta], *, seed: int,
             count: int, minutes: float, save: bool, settings: Mapping[str, Json]) -> ExitStatus:
    """Sit a paper on `term`; returns the exit code (0, or 130 when ended by Ctrl-C)."""
    with interactive():
        return _exam(term, cat, families, seed=seed, count=count, minutes=minutes, save=save,
                     settings=settings)


def _exam(term: Terminal, cat: Catalog, families: Sequence[FamilyMeta], *, seed: int,
          count: int, minutes: float, save: bool, settings: Mapping[str, Json]) -> ExitStatus:
    from mldrill.practice.exam import ExamRun, build_paper
    from mldrill.progress.store import open_store

    con = term.console
    paper = build_paper(cat, families, count, seed)
    store = open_store() if save else None
    run = ExamRun(paper, minutes, seed, store, settings, clock=term.clock, now=term.now)
    n = len(paper)
    parts = sum(len(q.family.parts) for q in paper)
    plain(con, f"Exam: {n} question{'s' if n != 1 else ''}, {parts} part{'s' if parts != 1 else ''}"
               f", {clock_text(minutes * 60)} to work, seed {seed}.", "bold")
    plain(con, "No hints or verdicts until you submit; answers can be changed until then. "
               "'help' for commands.", "dim")
    if not save:
        plain(con, "(not saved: --no-save)", "dim")
    timer = Timer(run, term)
    interrupted = False
    at: list[int | None] = [1]  # where the student is: a Ctrl-C they take back resumes there
    try:
        while True:
            try:
                _sit(term, run, timer, at)
                break
            except EndSession as end:
                if not end.interrupted or _hand_in_after_ctrl_c(term, run):
                    interrupted = end.interrupted
                    break
            except KeyboardInterrupt:  # Ctrl-C away from a prompt
                if _hand_in_after_ctrl_c(term, run):
                    interrupted = True
                    break
    except TimeUp:
        pass
    finally:
        ignore_ctrl_c()  # from here on a press would only stop the paper being handed in
        timer.stop()
    if run.time_up:
        plain(con, "\nTime is up: the paper was submitted with the answers given.", "bold red")
    elif interrupted:
        plain(con, "\ninterrupted: the paper was submitted with the answers given.", "bold")
    report = run.submit()
    render_report(con, report, saved=store is not None)
    if store is not None:
        store.close()
    return ExitStatus.INTERRUPTED if interrupted else ExitStatus.OK


def _sit(term: Terminal, run: ExamRun, timer: Timer, where: list[int | None]) -> None:
    n = len(run.paper)
    while True:
        at = where[0]
        try:
            if at is None:
                _review(term, run, timer)
                return
            _question(term, run, timer, at)
            where[0] = at + 1 if at < n else None
        except _Move as move:
            where[0] = move.to


def _hand_in_after_ctrl_c(term: Terminal, run: ExamRun) -> bool:
    """A first Ctrl-C while parts are still unanswered asks before handing the paper in
    (a second Ctrl-C, or 'y', hands it in; anything else goes back to the paper). With
    every part answered, or once the time is up, Ctrl-C hands in at once."""
    from mldrill.cli.terminal import rearm_ctrl_c

    left = run.parts_open()
    if not left or run.time_up:
        return True
    rearm_ctrl_c()
    plain(term.console, f"\nCtrl-C: {left} part{'s are' if left != 1 else ' is'} still "
                        "unanswered. Hand the paper in now? y to hand in, Enter to go back "
                        "(Ctrl-C again hands in)", "bold yellow")
    try:
        reply = read_answer(term, "hand in? [y/N] ", frozenset())
    except (EndSession, KeyboardInterrupt):
        return True
    if run.time_up:
        return True
    if reply.strip().lower() in ("y", "yes"):
        return True
    rearm_ctrl_c()
    plain(term.console, "back to the paper", "dim")
    return False


def _ask(term: Terminal, run: ExamRun, timer: Timer | _NoTimer, prompt: str) -> str:
    if run.time_up:
        raise TimeUp
    timer.waiting = True
    timer.prompt = f"[{clock_text(run.time_left())}] {prompt}"
    try:
        text = read_answer(term, timer.prompt, COMMANDS)
    finally:
        timer.waiting = False
    if run.time_up:
        raise TimeUp
    return text


def _question(term: Terminal, run: ExamRun, timer: Timer, number: int) -> None:
    con = term.console
    q = run.question(number)
    family, variant = q.family, q.variant
    plain(con, "")
    plain(con, wrap_prose(f"Question {number}/{len(run.paper)} · {family.topic} · "
                          f"{family.title}", con.width), "bold cyan")
    plain(con, wrap_prose(variant.prompt.rstrip(), con.width))
    for part in variant.parts:
        render_part_header(con, part)
        _ask_part(term, run, timer, number, part.name)


def _ask_part(term: Terminal, run: ExamRun, timer: Timer, number: int, name: str) -> None:
    con = term.console
    while True:
        current = run.current(number, name)
        if current is not None:
            plain(con, f"  your answer: {current.replace(chr(10), ' ')}   "
                       "(Enter keeps it)", "dim")
        try:
            text = _ask(term, run, timer, f"Q{number} {name}> ")
        except TimeUp:
            if timer.partial and timer.partial.lower() not in COMMANDS:
                run.keep_at_bell(number, name, timer.partial)  # half typed: it counts
            raise
        if _command(term, run, text, number, name):
            continue
        if not text:
            return
        accepted = run.answer(number, name, text)
        if accepted.late:
            raise TimeUp
        if not accepted.kept:
            if accepted.result is not None:  # refused: the reason, with its caret
                render_part_result(con, accepted.result, indent="")
            plain(con, "not kept; type it again, or Enter to leave it", "dim")
            continue
        plain(con, "  saved", "dim")
        return


def _command(term: Terminal, run: ExamRun, text: str, number: int | None,
             name: str | None) -> bool:
    """Carry out a command typed at a prompt; True if it was one (and the prompt repeats).
    Moving to another question raises _Move."""
    con = term.console
    words = text.lower().split()
    if not words:
        return False
    word, n = words[0], len(run.paper)
    if word in ("help", "?"):
        plain(con, HELP)
    elif word in ("back", "b", "prev") and len(words) == 1:
        raise _Move(max(1, (number or n + 1) - 1))
    elif word in ("next", "n") and len(words) == 1:
        raise _Move(number + 1 if number and number < n else None)
    elif word == "go" and len(words) == 2 and words[1].isdigit():
        target = int(words[1])
        if not 1 <= target <= n:
            plain(con, f"there are questions 1 to {n}", "yellow")
        else:
            raise _Move(target)
    elif word in ("list", "l") and len(words) == 1:
        _overview(con, run)
    elif word == "time" and len(words) == 1:
        plain(con, f"{clock_text(run.time_left())} left", "bold")
    elif word == "clear" and len(words) == 1 and number is not None and name is not None:
        run.clear(number, name)
        plain(con, "  cleared", "dim")
    elif word in ("submit", "quit", "exit", "q") and len(words) == 1:
        if _confirm_submit(term, run):
            raise EndSession()
    elif word in ("hint", "solution", "skip") and len(words) == 1:
        plain(con, {"hint": "no hints in an exam",
                    "solution": "solutions come with the report, after you submit",
                    "skip": "press Enter to leave this part and go on"}[word], "yellow")
    else:
        return False
    return True


def _confirm_submit(term: Terminal, run: ExamRun) -> bool:
    con = term.console
    missing = run.unanswered()
    if not missing:
        return True
    plain(con, wrap_prose(f"{len(missing)} part{'s are' if len(missing) != 1 else ' is'} "
                          "unanswered: " + ", ".join(f"Q{q}\u00a0{p}" for q, p in missing[:8])
                          + (" ..." if len(missing) > 8 else ""), con.width), "yellow")
    while True:
        reply = _ask(term, run, _NoTimer(), "submit anyway? [y/N] ").strip().lower()
        if reply in ("y", "yes"):
            return True
        if reply in ("", "n", "no"):
            return False


class _NoTimer:
    """Where a prompt is not one the timer may interrupt (the confirmation to submit)."""
    waiting = False
    prompt = ""


def _overview(con: Console, run: ExamRun) -> None:
    for q in run.paper:
        names = [p.name for p in q.family.parts]
        todo = [p for p in names if run.current(q.number, p) is None]
        head = f"  Q{q.number:<3} {len(names) - len(todo)}/{len(names)} answered  "
        room = max(10, con.width - len(head) - 1)
        title = q.family.title if len(q.family.title) <= room else \
            q.family.title[: room - 1] + "…"
        plain(con, head + title, "yellow" if todo else None)
        if todo:
            plain(con, wrap_prose("open: " + ", ".join(todo), con.width, "       "), "dim")
    plain(con, f"  {clock_text(run.time_left())} left", "dim")


def _review(term: Terminal, run: ExamRun, timer: Timer) -> None:
    con = term.console
    plain(con, "")
    plain(con, "End of the paper.", "bold")
    _overview(con, run)
    plain(con, "'go N' to revise question N, 'submit' to hand in.", "dim")
    while True:
        text = _ask(term, run, timer, "exam> ")
        if not text or _command(term, run, text, None, None):
            continue
        plain(con, "at the end of the paper: 'go N', 'list', 'submit' or 'help'", "yellow")


def render_report(con: Console, report: ExamReport, saved: bool) -> None:
    plain(con, "")
    pct = 100 * report.points / report.possible if report.possible else 0.0
    used = clock_text(report.seconds)
    plain(con, f"Exam report · seed {report.seed}", "bold")
    plain(con, f"  score {report.points:g}/{report.possible:g} ({pct:.0f}%) · "
               f"{report.answered} of {report.parts} parts answered · "
               f"{used} of {clock_text(report.minutes * 60)}")
    if not report.on_time:
        plain(con, "  submitted when the time ran out", "dim")
    for q in report.questions:
        plain(con, "")
        plain(con, wrap_prose(f"Q{q.number} · {q.topic} · {q.title}   "
                              f"{q.points:g}/{q.possible:g}", con.width), "bold cyan")
        plain(con, f"{q.problem_id}, seed {q.seed}", "dim")
        for p in q.parts:
            if p.result is None:
                plain(con, f"{p.name}: no answer", STATUS_STYLE["unanswered"])
            else:
                render_part_result(con, p.result, indent="", typed=p.answer, echo=True)
            if p.status != "correct":
                plain(con, f"  the answer: {p.reference}", "green")
        if q.solution:
            render_solution(con, q.solution)
    plain(con, "")
    topics = report.by_topic()
    if len(topics) > 1:
        plain(con, "By topic", "bold")
        for topic, (got, of) in sorted(topics.items()):
            plain(con, f"  {topic:<18} {got:g}/{of:g}")
    plain(con, "Stored in your history ('mldrill history'); reviews updated." if saved else
          "(not saved: --no-save)", "dim")
