"""The one place where errors become messages and exit codes.

Exit codes are the members of `ExitStatus` (their numbers never change: scripts rely on
them):
  0  OK           success (and, for `check`, every part correct)
  1  NEGATIVE     the command ran but the result is negative: a wrong answer (`check`), a bank
                  that fails validation (`validate`), a submission that is not gradable
  2  USAGE        the user's input or system is at fault: bad arguments, unknown problem,
                  broken problem files, a full disk
  3  BUG          a bug in mldrill, or a grader failure (reported as such; `--debug` shows
                  the traceback)
130  INTERRUPTED  interrupted (Ctrl-C)

Users never see a traceback for their own mistakes. Tracebacks, when asked for with
`--debug`, never show local variables (they could hold answer keys).
"""

from __future__ import annotations

import errno
import functools
import sys
from collections.abc import Callable
from enum import IntEnum
from typing import ParamSpec, TypeVar

from mldrill.errors import BankError, MldrillError


class ExitStatus(IntEnum):
    """The exit status of every command (httpie's `ExitStatus`, for mldrill's outcomes)."""

    OK = 0
    NEGATIVE = 1
    USAGE = 2
    BUG = 3
    INTERRUPTED = 130

    @classmethod
    def of_outcome(cls, outcome: str) -> ExitStatus:
        """A grading outcome's status: graded (any score) OK, not gradable NEGATIVE (the
        student's to fix), grader failure (or anything else) BUG."""
        return {"graded": cls.OK, "not gradable": cls.NEGATIVE}.get(outcome, cls.BUG)


P = ParamSpec("P")
R = TypeVar("R")


class State:
    debug = False


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command: map every exception to a message on stderr and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except SystemExit:
            raise
        except BankError as exc:
            from mldrill.cli.render import err_console

            con = err_console()
            n = len(exc.diagnostics)
            con.print(f"error: {n} problem{'s' if n != 1 else ''} in the problem bank:",
                      style="bold red", markup=False, highlight=False)
            for d in exc.diagnostics:
                con.print(str(d), markup=False, highlight=False)
            raise SystemExit(ExitStatus.USAGE) from None
        except MldrillError as exc:
            from mldrill.cli.render import err_console

            err_console().print(f"error: {exc.render()}", style="red", markup=False,
                                highlight=False)
            raise SystemExit(exc.exit_code) from None
        except OSError as exc:
            if exc.errno not in SYSTEM_ERRNOS:
                raise _internal(exc) from None
            where = f" ({exc.filename})" if exc.filename else ""
            print(f"error: {exc.strerror}{where}: a problem of this system, not of mldrill "
                  "or your input", file=sys.stderr)
            raise SystemExit(ExitStatus.USAGE) from None
        except KeyboardInterrupt:
            print("\ninterrupted", file=sys.stderr)
            raise SystemExit(ExitStatus.INTERRUPTED) from None
        except Exception as exc:  # a bug in mldrill, not the user's fault
            if _is_click_exit(exc):
                raise
            raise _internal(exc) from None

    return wrapper


# What the system says of itself, not of mldrill: a full disk or quota, a read-only or
# failing device, output whose reader went away (`mldrill list | head`).
SYSTEM_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EPIPE})


def _internal(exc: Exception) -> SystemExit:
    """Report a bug in mldrill (with the traceback under --debug); the exit to raise."""
    if State.debug:
        import traceback  # only to report a bug: not loaded at each start

        traceback.print_exception(exc, file=sys.stderr)
    print(f"internal error: {type(exc).__name__}: {exc}\n"
          "This is a bug in mldrill, not in your input. Run again with --debug for "
          "the traceback and report it.", file=sys.stderr)
    return SystemExit(ExitStatus.BUG)


def _is_click_exit(exc: Exception) -> bool:
    """typer's Exit and Abort (click's), which only code run under typer raises: passed on
    for typer to turn into an exit status."""
    typer = sys.modules.get("typer")
    return typer is not None and isinstance(exc, (typer.Exit, typer.Abort))
