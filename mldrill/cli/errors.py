"""The one place where errors become messages and exit codes.

Exit codes:
  0  success (and, for `check`, every part correct)
  1  the command ran but the result is negative: a wrong answer (`check`), a bank that
     fails validation (`validate`)
  2  the user's input is at fault: bad arguments, unknown problem, broken problem files
  3  a bug in mldrill (reported as such; `--debug` shows the traceback)
130  interrupted (Ctrl-C)

Users never see a traceback for their own mistakes. Tracebacks, when asked for with
`--debug`, never show local variables (they could hold answer keys).
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from mldrill.errors import BankError, MldrillError

EXIT_OK = 0
EXIT_NEGATIVE = 1
EXIT_USER = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130

F = TypeVar("F", bound=Callable[..., Any])


class State:
    debug = False


def handle_errors(fn: F) -> F:
    """Wrap a command: map every exception to a message on stderr and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except BankError as exc:
            from mldrill.cli.render import err_console

            con = err_console()
            n = len(exc.diagnostics)
            con.print(f"error: {n} problem{'s' if n != 1 else ''} in the problem bank:",
                      style="bold red", markup=False, highlight=False)
            for d in exc.diagnostics:
                con.print(str(d), markup=False, highlight=False)
            raise typer.Exit(EXIT_USER) from None
        except MldrillError as exc:
            from mldrill.cli.render import err_console

            err_console().print(f"error: {exc.render()}", style="red", markup=False,
                                highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            print("\ninterrupted", file=sys.stderr)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except Exception as exc:  # a bug in mldrill, not the user's fault
            if State.debug:
                traceback.print_exception(exc, file=sys.stderr)
            print(f"internal error: {type(exc).__name__}: {exc}\n"
                  "This is a bug in mldrill, not in your input. Run again with --debug for "
                  "the traceback and report it.", file=sys.stderr)
            raise typer.Exit(EXIT_BUG) from None

    return wrapper  # type: ignore[return-value]
