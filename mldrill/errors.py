"""Typed errors. Each one knows what the user did wrong and where.

The CLI maps these to messages and exit codes in one place (mldrill/cli/errors.py);
the core only raises them.
"""

from __future__ import annotations

from mldrill.record import record


class MldrillError(Exception):
    """Base class for every error that is the user's to fix (not a bug in mldrill)."""

    exit_code = 2

    def render(self) -> str:
        return str(self)


@record(frozen=True)
class Diagnostic:
    """One problem in one file, pointing at `path:line:col` (1-based)."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class BankError(MldrillError):
    """One or more problems in problem files; every one is reported at once."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.path, d.line, d.col, d.message))
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class AnswerParseError(MldrillError):
    """An answer (or expression) that cannot be read. Points at the column with a caret."""

    def __init__(self, text: str, col: int, message: str, expected: str | None = None):
        self.text = text
        self.col = max(0, min(col, len(text)))
        self.message = message
        self.expected = expected
        super().__init__(self.render())

    def render(self) -> str:
        lines = [self.message]
        if self.expected:
            lines[0] += f"; expected {self.expected}"
        shown = self.text.replace("\n", " ")
        lines.append("  " + shown)
        lines.append("  " + " " * self.col + "^")
        return "\n".join(lines)


class EvaluationError(MldrillError):
    """An expression parsed but could not be evaluated (shape mismatch, bad argument...)."""

    def __init__(self, message: str, text: str | None = None, col: int | None = None):
        self.message = message
        self.text = text
        self.col = col
        super().__init__(message)


class BroadcastError(EvaluationError):
    """Shapes that differ but would broadcast in NumPy, where the answer wants them equal.
    `mismatch` is the plain shape error, for when broadcasting was not what was meant."""

    def __init__(self, message: str, mismatch: str, text: str | None = None,
                 col: int | None = None):
        super().__init__(message, text, col)
        self.mismatch = mismatch


class UnknownProblemError(MldrillError):
    def __init__(self, problem_id: str, suggestions: list[str]):
        self.problem_id = problem_id
        self.suggestions = suggestions
        msg = f"no problem with id '{problem_id}'"
        if suggestions:
            quoted = [f"'{s}'" for s in suggestions]
            options = quoted[0] if len(quoted) == 1 else \
                ", ".join(quoted[:-1]) + " or " + quoted[-1]
            msg += f" (did you mean {options}?)"
        msg += "; `mldrill list` shows them all"
        super().__init__(msg)


class UsageError(MldrillError):
    """A command was called with arguments that do not make sense."""


class ConstraintError(MldrillError):
    """A problem's parameter constraints could not be met."""
