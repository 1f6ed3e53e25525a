"""Grade one submission file against the assignments whose functions it defines.

The parent (this process) draws every input, runs the trusted reference on its own copy,
sends only the current test's inputs to the sandboxed child, and compares what comes back.
Where the steps live:
- here: finding the assignments in the banks, choosing them, and grading a file (one
  sandbox, its import, then every test) into a `GradeReport`;
- `testrun`: one test over its trials, into a `TestOutcome`;
- `trials`: one trial's calls and how what comes back is judged;
- `reference`: the trusted reference, called on copies, its gradients checked;
- `failures`: whose fault a failure is (`GraderFailure`, `TestFailed`), typed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mldrill.errors import Diagnostic, UsageError
from mldrill.grade.exercise import Assignment, load_assignment_file
from mldrill.grade.failures import GraderFailure
from mldrill.grade.handin import HandedIn, file_kind, from_bytes, read_handed_in
from mldrill.grade.inputs import InputError
from mldrill.grade.origin import Origin
from mldrill.grade.reference import reference_module
from mldrill.grade.report import GradeReport, TestOutcome
from mldrill.grade.sandbox import Limits, LoadResult, SandboxError
from mldrill.grade.submissions import NotGradable
from mldrill.grade.testrun import run_test
from mldrill.record import replace

if TYPE_CHECKING:
    from mldrill.bank.catalog import Bank


def load_assignments(banks: Iterable[Bank]) -> tuple[list[Assignment], list[Diagnostic]]:
    """Every assignment file in the banks' problems/ folders (told apart by `assignment:`)."""
    from mldrill.bank.catalog import ASSIGNMENT_RE, _shown, problem_files

    found: list[Assignment] = []
    diags: list[Diagnostic] = []
    names: dict[str, str] = {}
    for bank in banks:
        for path in problem_files(bank):
            raw = path.read_bytes()
            found_at = ASSIGNMENT_RE.search(raw)
            if found_at is None:
                continue
            shown = _shown(path)
            a, problems = load_assignment_file(path, bank.solutions,
                                               text=raw.decode("utf-8", errors="replace"))
            diags.extend(problems)
            if a is None:
                continue
            if a.name in names:
                line = raw[:found_at.start()].count(b"\n") + 1
                diags.append(Diagnostic(shown, line, 1, f"duplicate assignment '{a.name}' "
                                                        f"(also in {names[a.name]})"))
                continue
            names[a.name] = shown
            found.append(a)
    return found, diags


def limits_for(a: Assignment, base: Limits | None = None) -> Limits:
    """The sandbox's limits for `a`: its own `limits:`, the defaults for the rest."""
    base = base or Limits()
    lim = a.limits
    return Limits(
        cpu_seconds=lim.get("cpu_seconds", base.cpu_seconds),
        wall_seconds=lim.get("wall_seconds", base.wall_seconds),
        memory_bytes=int(lim["memory_mb"] * (1 << 20)) if "memory_mb" in lim
        else base.memory_bytes,
        output_bytes=int(lim["output_kb"] * 1024) if "output_kb" in lim else base.output_bytes,
        file_bytes=base.file_bytes, processes=base.processes)


def choose_by_name(assignments: Sequence[Assignment], only: str | None) -> list[Assignment]:
    """[the assignment named `only`] ([] for None); an unknown name is a usage error."""
    if only is None:
        return []
    for a in assignments:
        if a.name == only:
            return [a]
    from mldrill.bank.lint import did_you_mean

    names = [a.name for a in assignments]
    raise UsageError(f"unknown assignment '{only}'{did_you_mean(only, names)}; known: "
                     f"{', '.join(names) or 'none'}")


def grade_file(path: Path, assignments: Sequence[Assignment], seed: int, *,
               only: str | None = None, limits: Limits | None = None,
               root: Path | None = None, source: bytes | None = None) -> GradeReport:
    """Grade `path` (a .py file, a notebook or an archive: see `handin`); never raises for
    anything the submission does. The file is read once with `read_source` (no link
    followed below `root`, default its folder), unless its bytes, already read that way,
    are given as `source`: those bytes are what is graded. The report says which file
    (member, cells) was graded, and a notebook's errors point at its cells."""
    started = time.monotonic()
    shown = str(path)
    try:
        handed = from_bytes(source, shown, path.name, assignments, only) \
            if source is not None else read_handed_in(path, root, assignments, only)
    except NotGradable as exc:
        return GradeReport(shown, seed, "not gradable", message=exc.message,
                           seconds=time.monotonic() - started,
                           graded=Origin(shown, file_kind(path.name)))
    return grade_handed_in(handed, shown, assignments, seed, only=only, limits=limits)


def grade_handed_in(handed: HandedIn, shown: str, assignments: Sequence[Assignment],
                    seed: int, *, only: str | None = None,
                    limits: Limits | None = None) -> GradeReport:
    """Grade the Python made from what was handed in, in one sandbox."""
    started = time.monotonic()
    report = _grade_source(handed, shown, assignments, seed, only, limits, started)

    origin = handed.origin
    where = origin.file + (f": {origin.member}" if origin.member else "")

    def at(text: str) -> str:
        return handed.relocate(text, where)

    return replace(report, message=at(report.message), graded=handed.origin,
                   tests=tuple(replace(t, output=at(t.output)) for t in report.tests))


def _grade_source(handed: HandedIn, shown: str, assignments: Sequence[Assignment], seed: int,
                  only: str | None, limits: Limits | None, started: float) -> GradeReport:
    from mldrill.grade.sandbox import Sandbox

    chosen = choose_by_name(assignments, only)
    box_limits = limits or (limits_for(chosen[0]) if chosen else Limits())
    try:
        with Sandbox(handed.source, box_limits, name=handed.name) as box:
            loaded = box.load()
            iso = box.isolation
            if loaded.status != "ok":
                return GradeReport(shown, seed, "not gradable", message=_load_message(loaded),
                                   isolation=iso, stdout=loaded.stdout,
                                   seconds=time.monotonic() - started)
            defined = set(loaded.functions)
            if not chosen:
                chosen = [a for a in assignments if defined & set(a.functions)]
            if not chosen:
                return GradeReport(
                    shown, seed, "not gradable", isolation=iso, stdout=loaded.stdout,
                    functions=tuple(sorted(defined)), seconds=time.monotonic() - started,
                    message=_nothing_known(defined, assignments))
            tests: list[TestOutcome] = []
            slow: dict[str, str] = {}  # function -> the test where it ran out of time
            for a in chosen:
                ref = reference_module(a)
                for ex in a.exercises:
                    for t in ex.tests:
                        tests.append(run_test(box, a, ex, t, ref, seed, defined, slow))
    except (GraderFailure, SandboxError, InputError) as exc:
        return GradeReport(shown, seed, "grader failure", tuple(a.name for a in chosen),
                           message=f"grader failure (not your fault): {exc}",
                           seconds=time.monotonic() - started)
    return GradeReport(shown, seed, "graded", tuple(a.name for a in chosen), tuple(tests),
                       isolation=iso, stdout=loaded.stdout,
                       functions=tuple(sorted(defined)), seconds=time.monotonic() - started)


def _nothing_known(defined: set[str], assignments: Sequence[Assignment]) -> str:
    known = "; ".join(f"{a.name}: {', '.join(a.functions)}" for a in assignments)
    return ("the file defines none of the functions of an assignment "
            f"(it defines: {', '.join(sorted(defined)) or 'nothing'}). "
            f"Known assignments: {known}")


def _load_message(loaded: LoadResult) -> str:
    what = {"syntax-error": "has a syntax error", "import-error": "fails to import",
            "timeout": "took too long to import", "crashed": "crashed while importing"}
    msg = f"the submission {what.get(loaded.status, loaded.status)}"
    if loaded.error is not None:
        msg += f": {loaded.error.type}: {loaded.error.message}"
        if loaded.error.traceback:
            msg += "\n" + loaded.error.traceback.rstrip()
    elif loaded.detail:
        msg += f" ({loaded.detail})"
    return msg
