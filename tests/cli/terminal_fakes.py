"""A fake terminal for in-process tests of `practice` and `exam` (mldrill/cli/env.py):
scripted input lines, a console that records what the student would read, and clocks the
test moves. Handed to the command as `main(terminal=...)` does (the click context's obj)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from mldrill.cli.app import app
from mldrill.cli.env import Terminal

FIXTURE_BANK = Path(__file__).parent.parent / "fixtures" / "bank"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    """Seconds that move only when the test moves them: by `advance`, or by `step` at
    every look (a clock that is always later when looked at again)."""

    def __init__(self, start: float = 1000.0, step: float = 0.0) -> None:
        self.t = start
        self.step = step

    def __call__(self) -> float:
        self.t += self.step
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


class FakeNow:
    """The time of day, fixed until the test moves it."""

    def __init__(self, at: datetime = T0) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class Typist(io.StringIO):
    """Input lines that take `seconds` each to type: reading a line moves the clock."""

    def __init__(self, lines: Iterable[str], clock: FakeClock, seconds: float) -> None:
        super().__init__("".join(line + "\n" for line in lines))
        self.clock, self.seconds = clock, seconds

    def readline(self, size: int | None = -1) -> str:
        line = super().readline(-1 if size is None else size)
        if line:
            self.clock.advance(self.seconds)
        return line


def _recording() -> Console:
    return Console(file=io.StringIO(), width=80, no_color=True, highlight=False,
                   soft_wrap=True)


def fake_terminal(lines: Iterable[str] = (), *, clock: FakeClock | None = None,
                  now: FakeNow | None = None, seconds_per_line: float = 0.0) -> Terminal:
    """Not a tty: `lines` are the answers typed, each taking `seconds_per_line` on `clock`."""
    clock = clock or FakeClock()
    return Terminal(stdin=Typist(lines, clock, seconds_per_line), console=_recording(),
                    err_console=_recording(), isatty=False, clock=clock, now=now or FakeNow())


def shown(term: Terminal) -> str:
    """Everything printed to the student so far."""
    out = term.console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


def invoke(term: Terminal, *args: str) -> int:
    """Run `mldrill --only-bank --bank FIXTURE_BANK ARGS` on `term`; the exit code. The
    caller's `run` fixture has already pointed MLDRILL_HOME at a temporary folder."""
    result = CliRunner().invoke(app, ["--only-bank", "--bank", str(FIXTURE_BANK), *args],
                                obj=term, catch_exceptions=False)
    return result.exit_code
