"""Grade one submission file against the assignments whose functions it defines.

The parent (this process) draws every input, runs the trusted reference on its own copy,
sends only the current test's inputs to the sandboxed child, and compares what comes back.
A test fails alone (wrong values, an exception, a timeout, a crash); the others keep their
credit. A backward test also checks the reference's gradients against finite differences
of the reference forward, so a wrong reference is a grader failure, never a student's.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from mldrill.errors import Diagnostic, MldrillError, UsageError
from mldrill.grade.compare import ReferenceTypeError, changed, check, describe
from mldrill.grade.exercise import (
    Assignment,
    CallSpec,
    Exercise,
    Name,
    TestSpec,
    load_assignment_file,
)
from mldrill.grade.inputs import InputError, case_rng, draw_case, draw_inputs, rng_for
from mldrill.grade.properties import PROPERTIES, Context, Failed
from mldrill.grade.report import GradeReport, Reason, TestOutcome
from mldrill.grade.sandbox import (
    Call,
    CallResult,
    Limits,
    Ref,
    RunStatus,
    SandboxError,
    TestJob,
    TestRun,
)
from mldrill.grade.submissions import NotGradable, read_source
from mldrill.score import Score


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


# ---------------------------------------------------------------------------- assignments

def load_assignments(banks: Iterable[Any]) -> tuple[list[Assignment], list[Diagnostic]]:
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


_REFERENCES: dict[Path, ModuleType] = {}


def reference_module(a: Assignment) -> ModuleType:
    path = a.reference.resolve()
    if path not in _REFERENCES:
        spec = importlib.util.spec_from_file_location(f"mldrill_ref_{a.name.replace('-', '_')}",
                                                      path)
        if spec is None or spec.loader is None:
            raise GraderFailure(f"cannot load the reference {path}")
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # noqa: BLE001
            raise GraderFailure(f"the reference {path} fails to import: {exc!r}") from None
        _REFERENCES[path] = module
    return _REFERENCES[path]


def limits_for(a: Assignment, base: Limits | None = None) -> Limits:
    base = base or Limits()
    lim = a.limits
    return Limits(
        cpu_seconds=lim.get("cpu_seconds", base.cpu_seconds),
        wall_seconds=lim.get("wall_seconds", base.wall_seconds),
        memory_bytes=int(lim["memory_mb"] * (1 << 20)) if "memory_mb" in lim
        else base.memory_bytes,
        output_bytes=int(lim["output_kb"] * 1024) if "output_kb" in lim else base.output_bytes,
        file_bytes=base.file_bytes, processes=base.processes)


# ---------------------------------------------------------------------------- one file

def grade_file(path: Path, assignments: Sequence[Assignment], seed: int, *,
               only: str | None = None, limits: Limits | None = None,
               root: Path | None = None, source: bytes | None = None) -> GradeReport:
    """Grade `path`; never raises for anything the submission does. The file is read once
    with `read_source` (no link followed below `root`, default its folder), unless its
    bytes, already read that way, are given as `source`: those bytes are what is graded."""
    from mldrill.grade.sandbox import Sandbox

    started = time.monotonic()
    shown = str(path)
    chosen = choose_by_name(assignments, only)
    box_limits = limits or (limits_for(chosen[0]) if chosen else Limits())
    if source is None:
        try:
            source = read_source(path, root)
        except NotGradable as exc:
            return GradeReport(shown, seed, "not gradable", message=exc.message,
                               seconds=time.monotonic() - started)
    try:
        with Sandbox(source, box_limits, name=path.name) as box:
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
                known = "; ".join(f"{a.name}: {', '.join(a.functions)}" for a in assignments)
                return GradeReport(
                    shown, seed, "not gradable", isolation=iso, stdout=loaded.stdout,
                    functions=tuple(sorted(defined)), seconds=time.monotonic() - started,
                    message="the file defines none of the functions of an assignment "
                            f"(it defines: {', '.join(sorted(defined)) or 'nothing'}). "
                            f"Known assignments: {known}")
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


def choose_by_name(assignments: Sequence[Assignment], only: str | None) -> list[Assignment]:
    if only is None:
        return []
    for a in assignments:
        if a.name == only:
            return [a]
    from mldrill.bank.lint import did_you_mean

    names = [a.name for a in assignments]
    raise UsageError(f"unknown assignment '{only}'{did_you_mean(only, names)}; known: "
                     f"{', '.join(names) or 'none'}")


def _load_message(loaded: Any) -> str:
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


# ---------------------------------------------------------------------------- one test

def _functions_of(test: TestSpec, ex: Exercise) -> list[str]:
    names = [c.function for c in (test.call, test.backward) if c is not None]
    if test.prop:
        opts = test.options
        names += [str(opts[k]) for k in ("function", "forward", "backward") if k in opts]
        if not names:
            names = list(ex.functions)
    return names


def display_name(test: TestSpec, ex: Exercise) -> str:
    fns = _functions_of(test, ex)
    if any(f in test.name for f in fns):
        return test.name
    return f"{' / '.join(dict.fromkeys(fns))}: {test.name}"


def run_test(box: Any, a: Assignment, ex: Exercise, test: TestSpec, ref: ModuleType,
             seed: int, defined: set[str], slow: dict[str, str] | None = None
             ) -> TestOutcome:
    """Run one test over its fixed cases (the same for every seed), then its random draws;
    the first failure fails the test. `slow` records functions that ran out of time: a later
    test calling one fails at once instead of waiting out the limit again."""
    name = display_name(test, ex)
    fns = _functions_of(test, ex)
    missing = [f for f in fns if f not in defined]
    slow = slow if slow is not None else {}

    def outcome(status: str, score: float, output: str, secs: float = 0.0,
                reason: Reason | None = None) -> TestOutcome:
        return TestOutcome(name, a.name, ex.id, Score(score, test.points),
                           status, output, test.visibility, secs, reason)  # type: ignore[arg-type]

    if missing:
        return outcome("not attempted", 0.0, f"not attempted: {', '.join(missing)} "
                                             f"{'is' if len(missing) == 1 else 'are'} not defined",
                       reason="missing")
    hung = [f for f in fns if f in slow]
    if hung:
        return outcome("failed", 0.0, f"not run: {hung[0]} took too long in the test "
                                      f"'{slow[hung[0]]}'", reason="timeout")
    started = time.monotonic()
    fixed = len(test.cases)
    trials = []  # the fixed cases first, then the random draws
    for trial in range(fixed + test.draws):
        if trial < fixed:
            dims, inputs = draw_case(test, trial)
            dout_rng = case_rng(test, trial, "dout")
        else:
            dims, inputs = draw_inputs(test, seed, a.name, trial - fixed)
            dout_rng = rng_for(seed, a.name, test.name, trial - fixed, "dout")
        trials.append((dims, inputs, dout_rng))
    try:
        failed = _run_trials(box, test, ref, trials)
    except ReferenceTypeError as exc:
        raise GraderFailure(f"the reference's result cannot be compared: {exc}") from None
    if failed is not None:
        trial, fail = failed
        if fail.reason == "timeout":
            for f in ([fail.function] if fail.function else fns):
                slow.setdefault(f, name)
        return outcome("failed", 0.0, fail.message + trial_label(test, trial, seed,
                                                                 trials[trial][0]),
                       time.monotonic() - started, fail.reason)
    return outcome("passed", test.points, "", time.monotonic() - started)


def _run_trials(box: Any, test: TestSpec, ref: ModuleType,
                trials: Sequence[tuple[dict[str, int], dict[str, Any], np.random.Generator]]
                ) -> tuple[int, TestFailed] | None:
    """The first trial that fails, and how (None: all pass). A call or backward test sends
    all its trials to the child as one job (one round trip; the limits hold per trial) and
    judges them in order; a property test calls the child as it goes."""
    if test.kind == "property":
        for k, (_, inputs, _) in enumerate(trials):
            try:
                _property_test(box, test, inputs)
            except TestFailed as fail:
                return k, fail
        return None
    planned = []
    calls: list[Call] = []
    for _, inputs, dout_rng in trials:
        plan = _call_trial(test, ref, inputs, len(calls)) if test.kind == "call" else \
            _backward_trial(test, ref, inputs, dout_rng, len(calls))
        planned.append((len(calls), plan))
        calls += plan.calls
    run = box.run(TestJob(test.name, tuple(calls), rounds=len(trials)))
    stop = next((i for i, c in enumerate(run.calls) if c.status != "ok"), len(calls))
    for k, (start, plan) in enumerate(planned):
        end = start + len(plan.calls)
        mine = run.calls[start:end]
        status: RunStatus = run.status if start <= stop < end else "ok"
        if start > stop:
            return k, TestFailed(f"not run: an earlier trial stopped the test ({run.detail})",
                                 reason="error")  # unreachable: the failing trial judges first
        try:
            plan.judge(TestRun(run.name, status, mine, run.stdout, run.stderr, run.seconds,
                               run.detail if start <= stop < end else "", run.isolation))
        except TestFailed as fail:
            return k, fail
    return None


def trial_label(test: TestSpec, trial: int, seed: int, dims: dict[str, int]) -> str:
    """Which inputs a failure happened on: ` [fixed case 2 of 3 (note); sizes N=1]` or
    ` [inputs drawn with seed 5; sizes N=3; draw 1 of 2]` (trials count the cases first)."""
    sizes = "; sizes " + ", ".join(f"{k}={v}" for k, v in dims.items()) if dims else ""
    fixed = len(test.cases)
    if trial < fixed:
        note = test.cases[trial].note
        return f" [fixed case {trial + 1} of {fixed}" + (f" ({note})" if note else "") \
            + f"{sizes}]"
    draw = trial - fixed
    numbered = test.draws > 1 or fixed > 0
    return f" [inputs drawn with seed {seed}{sizes}" \
        + (f"; draw {draw + 1} of {test.draws}" if numbered else "") + "]"


def _resolve(spec: CallSpec, values: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    def one(v: Any) -> Any:
        return values[v.name] if isinstance(v, Name) else v
    return tuple(one(v) for v in spec.args), {k: one(v) for k, v in spec.kwargs}


def _reference(ref: ModuleType, fn: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    f = getattr(ref, fn, None)
    if f is None:
        raise GraderFailure(f"the reference module has no function '{fn}'")
    a, k = copy.deepcopy(args), copy.deepcopy(kwargs)
    try:
        return f(*a, **k), a, k
    except Exception as exc:  # noqa: BLE001
        raise GraderFailure(f"the reference {fn} raised {exc!r}") from None


def _run(box: Any, name: str, calls: Sequence[Call]) -> TestRun:
    run = box.run(TestJob(name, tuple(calls)))
    failure = run_failure(run, calls)
    if failure:
        raise failure
    return run


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


def _mismatch(got: Any, expected: Any, what: str, test: TestSpec, fn: str, call: int,
              hint: str = "") -> None:
    """Compare a student's value with the reference's; TestFailed if they disagree."""
    mismatch = check(got, expected, what, test.rtol, test.atol)
    if mismatch is not None:
        raise TestFailed(mismatch.message + hint, reason=mismatch.kind, function=fn, call=call)


def _mutations(spec: CallSpec, args: Sequence[Any], kwargs: dict[str, Any],
               result: CallResult, call: int, allowed: Iterable[str] = ()) -> None:
    """TestFailed if the call changed an argument in place (other than those `allowed`):
    `changed` is the one rule, and what the child sent back is any decoded value."""
    labels = [(str(spec.args[i]) if i < len(spec.args) else f"argument {i + 1}", before,
               result.args_after[i] if i < len(result.args_after) else None)
              for i, before in enumerate(args)]
    after_kw = result.kwargs_after if isinstance(result.kwargs_after, dict) else {}
    labels += [(k, before, after_kw.get(k)) for k, before in kwargs.items()]
    for label, before, now in labels:
        if label in allowed or now is None:
            continue
        if changed(before, now):
            raise TestFailed(f"{spec.function} modified its input {label} in place; work on a "
                             f"copy (the caller's {label} must not change)", reason="mutated",
                             function=spec.function, call=call)


def _select(value: Any, expected: Any, indices: tuple[int, ...] | None, fn: str,
            names: Sequence[str] = ()) -> list[tuple[str, Any, Any]]:
    if indices is None and not (names and isinstance(expected, tuple | list)):
        return [(f"{fn} returned", value, expected)]
    if indices is None:
        indices = tuple(range(len(expected)))
    if not isinstance(expected, tuple | list):
        raise GraderFailure(f"'compare' picks items but the reference {fn} returns "
                            f"{describe(expected)}")
    if not isinstance(value, tuple | list):
        raise TestFailed(f"{fn} must return a tuple of {len(expected)} items (e.g. out, "
                         f"cache), got {describe(value)}", reason="invalid-return", function=fn,
                         call=0)
    if len(value) != len(expected):
        raise TestFailed(f"{fn} must return {len(expected)} items, got {len(value)}",
                         reason="invalid-return", function=fn, call=0)
    return [(f"{fn}: {names[i]}" if i < len(names) else f"{fn} returned item {i}",
             value[i], expected[i]) for i in indices]


@dataclass(frozen=True)
class Trial:
    """One trial's calls (Refs already point at their place in the whole job) and how to judge
    what came back for them (TestFailed if wrong)."""

    calls: tuple[Call, ...]
    judge: Callable[[TestRun], None]


def _call_trial(test: TestSpec, ref: ModuleType, inputs: dict[str, Any], base: int) -> Trial:
    spec = test.call
    assert spec is not None
    fn = spec.function
    args, kwargs = _resolve(spec, inputs)
    expected, ref_args, _ = _reference(ref, fn, args, kwargs)
    calls = (Call(fn, args, kwargs),)

    def judge(run: TestRun) -> None:
        failure = run_failure(run, calls)
        if failure:
            raise failure
        got = run.calls[0]
        for what, g, e in _select(got.value, expected, test.compare, fn, test.returns):
            _mismatch(g, e, what, test, fn, 0)
        names = [str(x) for x in spec.args]
        for u in test.updates:
            i = names.index(u)
            now = got.args_after[i] if i < len(got.args_after) else None
            _mismatch(now, ref_args[i], f"{fn}: {u} after the call", test, fn, 0,
                      f" ({fn} must update {u} in place)")
        _mutations(spec, args, kwargs, got, 0, test.updates)

    return Trial(calls, judge)


def _backward_trial(test: TestSpec, ref: ModuleType, inputs: dict[str, Any],
                    rng: np.random.Generator, base: int) -> Trial:
    fwd, bwd = test.call, test.backward
    assert fwd is not None and bwd is not None
    args, kwargs = _resolve(fwd, inputs)
    (ref_out, ref_cache), _, _ = _split(_reference(ref, fwd.function, args, kwargs), fwd)
    dout = inputs.get("dout")
    if dout is None:
        dout = rng.standard_normal(np.shape(ref_out))
    values = {**inputs, "dout": dout}
    bargs, bkwargs = _resolve(bwd, {**values, "cache": ref_cache})
    expected, _, _ = _reference(ref, bwd.function, bargs, bkwargs)
    grads = expected if isinstance(expected, tuple | list) else (expected,)
    if len(grads) != len(test.grads):
        raise GraderFailure(f"'grads' lists {len(test.grads)} names but the reference "
                            f"{bwd.function} returns {len(grads)} values")
    _check_reference_grads(ref, fwd, args, kwargs, dout, test.grads, grads)
    cache = Ref(base, (1,))  # the student's own cache, from this trial's forward call
    student_args = tuple(cache if isinstance(v, Name) and v.name == "cache" else
                         (dout if isinstance(v, Name) and v.name == "dout" else
                          (inputs[v.name] if isinstance(v, Name) else v)) for v in bwd.args)
    student_kwargs = {k: (cache if isinstance(v, Name) and v.name == "cache" else
                          values[v.name] if isinstance(v, Name) else v) for k, v in bwd.kwargs}
    calls = (Call(fwd.function, args, kwargs), Call(bwd.function, student_args, student_kwargs))

    def judge(run: TestRun) -> None:
        first = run.calls[0] if run.calls else None
        if run.status == "ok" and first is not None and first.status == "ok" and (
                not isinstance(first.value, tuple | list) or len(first.value) != 2):
            # before the backward's error: a forward without a cache breaks the backward call
            raise TestFailed(f"{fwd.function} must return (out, cache), got "
                             f"{describe(first.value)}", reason="invalid-return",
                             function=fwd.function, call=0)
        failure = run_failure(run, calls)
        if failure:
            raise failure
        first, second = run.calls
        got = second.value
        labels = [f"d{g}" for g in test.grads]
        if isinstance(expected, tuple | list):
            if not isinstance(got, tuple | list) or len(got) != len(expected):
                raise TestFailed(f"{bwd.function} must return ({', '.join(labels)}), got "
                                 f"{describe(got)}", reason="invalid-return",
                                 function=bwd.function, call=1)
            pairs = list(zip(labels, got, expected, strict=True))
        else:
            pairs = [(labels[0], got, expected)]
        for label, g, e in pairs:
            _mismatch(g, e, f"{bwd.function}: {label}", test, bwd.function, 1)
        _mutations(fwd, args, kwargs, first, 0, test.updates)
        dout_only = tuple(dout if isinstance(v, Name) and v.name == "dout" else None
                          for v in bwd.args)
        _mutations(bwd, dout_only, {}, second, 1)

    return Trial(calls, judge)


def _split(result: tuple[Any, Any, Any], fwd: CallSpec) -> tuple[tuple[Any, Any], Any, Any]:
    value, a, k = result
    if not isinstance(value, tuple) or len(value) != 2:
        raise GraderFailure(f"the reference {fwd.function} must return (out, cache)")
    return (value[0], value[1]), a, k


def _check_reference_grads(ref: ModuleType, fwd: CallSpec, args: tuple[Any, ...],
                           kwargs: dict[str, Any], dout: np.ndarray, names: Sequence[str],
                           grads: Sequence[Any]) -> None:
    """The reference backward must agree with finite differences of the reference forward
    (checked once per process for the same inputs: a class graded with one seed, and every
    fixed case, shares them)."""
    from mldrill.verify.methods import numerical_gradient

    key = _fingerprint((ref.__name__, fwd.function, tuple(names), args, kwargs, dout))
    if key in _REFERENCE_CHECKED:
        return
    f = getattr(ref, fwd.function)
    for name, grad in zip(names, grads, strict=True):
        i = [str(x) for x in fwd.args].index(name)

        def loss(x: np.ndarray, i: int = i) -> float:
            work = [x if j == i else copy.deepcopy(a) for j, a in enumerate(args)]
            return float(np.sum(f(*work, **copy.deepcopy(kwargs))[0] * dout))

        num = numerical_gradient(loss, np.asarray(args[i], dtype=np.float64), 1e-6)
        if not np.allclose(grad, num, rtol=1e-4, atol=1e-6 * max(1.0, np.abs(num).max())):
            raise GraderFailure(f"the reference gradient d{name} of {fwd.function} disagrees "
                                "with finite differences of the reference forward")
    _REFERENCE_CHECKED.add(key)


_REFERENCE_CHECKED: set[bytes] = set()


def _fingerprint(value: Any) -> bytes:
    """A digest of plain grader-made data (arrays by dtype, shape and bytes)."""
    h = hashlib.sha256()

    def feed(x: Any) -> None:
        if isinstance(x, np.ndarray | np.generic):
            a = np.ascontiguousarray(x)
            h.update(f"a{a.dtype.str}{a.shape}".encode())
            h.update(a.tobytes())
        elif isinstance(x, dict):
            h.update(b"d")
            for k in sorted(x, key=repr):
                feed(k)
                feed(x[k])
        elif isinstance(x, list | tuple):
            h.update(f"l{len(x)}".encode())
            for v in x:
                feed(v)
        else:
            h.update(f"{type(x).__name__}:{x!r};".encode())

    feed(value)
    return h.digest()


def _property_test(box: Any, test: TestSpec, inputs: dict[str, Any]) -> None:
    prop = PROPERTIES[test.prop or ""]

    def call(function: str, *args: Any) -> Any:
        return _run(box, test.name, [Call(function, args)]).calls[0].value

    def calls(steps: Sequence[tuple[str, tuple[Any, ...]]]) -> list[Any]:
        run = _run(box, test.name, [Call(f, a) for f, a in steps])
        return [c.value for c in run.calls]

    try:
        with np.errstate(all="ignore"):  # a student's NaN or inf is a failure, not a warning
            prop(Context(inputs, test.options, call, calls))
    except Failed as exc:
        raise TestFailed(str(exc), reason=exc.reason) from None
