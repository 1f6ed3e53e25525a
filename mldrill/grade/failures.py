"""How a test fails, as data: whose fault it is, why, and where.

- `GraderFailure`: a bug in mldrill or in an assignment file (never the student's fault);
  it ends the grading of the file as a grader failure.
- `TestFailed`: the student's test failed, with a typed `reason` (see `report.Reason`),
  the function and the index of the call it happened in.
- `run_failure` reads a sandboxed run's data and says, typed, what went wrong in it.
"""

from __future__ import annotations

from collections.abc import Sequence

from mldrill.errors import MldrillError
from mldrill.grade.report import Reason
from mldrill.grade.sandbox import Call, TestRun


class GraderFailure(MldrillError):
    """A bug in mldrill or in an assignment file (not the student's fault)."""


class TestFailed(Exception):
    """A test failed, as data: the message shown to the student, why (`reason`), and the
    function and the index of the call in the test's job it happened in (None: not tied to
    one call)."""

    __test__ = False

    def __init__(self, message: str, *, reason: Reason, function: str | None = None,
                 call: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason: Reason = reason
        self.function = function
        self.call = call


# how a run that did not end normally is told (its status is the failure's reason)
RUN_FAILURES: dict[str, tuple[Reason, str]] = {
    "timeout": ("timeout", "took too long"), "crashed": ("crashed", "the process died"),
    "memory": ("memory", "ran out of memory"),
    "output-limit": ("output-limit", "printed too much output"),
    "protocol": ("protocol", "the reply could not be read")}


def run_failure(run: TestRun, calls: Sequence[Call]) -> TestFailed | None:
    """What went wrong in a test's run, typed, in the student's terms (None: every call
    returned). The call it happened in is the first whose result is not "ok" (after a
    timeout with N results, call N was running), read from the run's data."""
    index = next((i for i, c in enumerate(run.calls) if c.status != "ok"), None)
    if index is None and len(run.calls) < len(calls):
        index = len(run.calls)
    function = calls[index].function if index is not None and index < len(calls) else None

    def failed(message: str, reason: Reason) -> TestFailed:
        return TestFailed(message, reason=reason, function=function, call=index)

    if run.status != "ok":
        reason, what = RUN_FAILURES.get(run.status, ("crashed", str(run.status)))
        printed = run.stderr.strip()[-600:]
        return failed(what + (f": {run.detail}" if run.detail else "")
                      + (f"\nstderr:\n{printed}" if printed and reason == "crashed" else ""),
                      reason)
    if index is None:
        if len(run.calls) > len(calls):
            return failed("the reply could not be read (too many results)", "protocol")
        return None
    c = run.calls[index] if index < len(run.calls) else None
    if c is None:
        return failed(f"the reply could not be read (no result for call {index})", "protocol")
    if c.status == "error":
        if c.error is None:
            return failed(f"{function} raised an exception", "error")
        tb = f"\n{c.error.traceback.rstrip()}" if c.error.traceback else ""
        return failed(f"{function} raised {c.error.type}: {c.error.message}{tb}", "error")
    if c.status == "missing":
        return failed(f"{function} is not defined", "missing")
    return failed(f"{function} did not run ({c.status})", "protocol")
