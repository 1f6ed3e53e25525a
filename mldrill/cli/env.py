"""The terminal an interactive command talks to, handed in rather than reached for.

`mldrill practice` and `mldrill exam` read answers, print, need to know whether a person is
at a terminal, and look at two clocks. All of that arrives as one `Terminal` value, as httpie
passes its `Environment`: the entry point builds it from the process (`Terminal.of_process`),
or uses the one given to `mldrill.cli.app.main(terminal=...)`; tests build their own with
scripted input, a console that records and clocks they move, and never patch a global.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from mldrill.cli.terminal import read_line
from mldrill.progress.due import utc_now
from mldrill.record import record

if TYPE_CHECKING:
    from rich.console import Console


@record(frozen=True)
class Terminal:
    """Where a command's input comes from and its output goes, and what time it is.

    With `isatty` the lines are read from the process's terminal with readline's editing and
    history, and Ctrl-C and the exam's timer act at once (mldrill/cli/terminal.py); without
    it they are read from `stdin`, one answer a line, and echoed after their prompt so that a
    scripted session reads like a typed one."""
    stdin: TextIO
    console: Console                                # what the student reads
    err_console: Console                            # warnings and errors
    isatty: bool                                    # a person at a terminal
    clock: Callable[[], float] = time.monotonic     # seconds: time limits, time taken
    now: Callable[[], datetime] = utc_now           # the time of day: reviews, what is due

    @classmethod
    def of_process(cls, *, clock: Callable[[], float] = time.monotonic,
                   now: Callable[[], datetime] = utc_now) -> Terminal:
        """The process's own: its stdin, consoles on its stdout and stderr ($NO_COLOR
        honoured), and the real clocks unless others are given."""
        from mldrill.cli.render import console, err_console

        return cls(stdin=sys.stdin, console=console(), err_console=err_console(),
                   isatty=sys.stdin.isatty(), clock=clock, now=now)

    def read_line(self, prompt: str) -> str:
        """Show `prompt` and read one line, without its newline. Raises EOFError at the end
        of input (Ctrl-D), KeyboardInterrupt on Ctrl-C, and whatever a signal handler raises
        (the exam's TimeUp) as soon as the signal arrives."""
        if self.isatty:
            return read_line(prompt)
        line = self.stdin.readline()
        if not line:
            raise EOFError
        text = line.rstrip("\n")
        self.write(prompt + text + "\n")
        return text

    def typed_so_far(self) -> str:
        """The half-typed line on a terminal (read when a signal interrupts it), else ""."""
        if not self.isatty:
            return ""
        from mldrill.cli.terminal import typed_so_far

        return typed_so_far().strip()

    def write(self, text: str) -> None:
        """`text` as it is, on the console's stream, at once (the echo of a scripted answer,
        the exam timer's warning printed over a line being typed)."""
        out = self.console.file
        out.write(text)
        out.flush()


def terminal_for(given: object) -> Terminal:
    """The terminal a command runs on: `given` (the command context's `obj`, which
    `main(terminal=...)` and tests set) if it is one, else the process's own."""
    return given if isinstance(given, Terminal) else Terminal.of_process()
