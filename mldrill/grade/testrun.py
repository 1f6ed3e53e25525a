"""One test, start to end: draw its trials, run them in the child, and say the outcome.

A test runs over its fixed cases (the same for every seed), then its random draws; the
first trial that fails fails the test, and its message says which inputs it was. A test
fails alone (wrong values, an exception, a timeout, a crash); the others keep their
credit. A function that ran out of time is not run again by a later test.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

import numpy as np

from mldrill.grade.assignment import Assignment, Exercise, TestSpec
from mldrill.grade.compare import ReferenceTypeError
from mldrill.grade.failures import GraderFailure, TestFailed
from mldrill.grade.inputs import case_rng, draw_case, draw_inputs, rng_for
from mldrill.grade.report import Reason, TestOutcome, TestStatus
from mldrill.grade.sandbox import Call, RunStatus, TestJob, TestRun
from mldrill.grade.trials import Box, backward_trial, call_trial, property_test
from mldrill.score import Score

# one trial's inputs: (sizes, values by name, the generator of its upstream gradient)
_Drawn = tuple[dict[str, int], dict[str, Any], np.random.Generator]


def _functions_of(test: TestSpec, ex: Exercise) -> list[str]:
    names = [c.function for c in (test.call, test.backward) if c is not None]
    if test.prop:
        opts = test.options
        names += [str(opts[k]) for k in ("function", "forward", "backward") if k in opts]
        if not names:
            names = list(ex.functions)
    return names


def display_name(test: TestSpec, ex: Exercise) -> str:
    """The test's name as reported: it always names the functions it tests."""
    fns = _functions_of(test, ex)
    if any(f in test.name for f in fns):
        return test.name
    return f"{' / '.join(dict.fromkeys(fns))}: {test.name}"


def run_test(box: Box, a: Assignment, ex: Exercise, test: TestSpec, ref: ModuleType,
             seed: int, defined: set[str], slow: dict[str, str] | None = None
             ) -> TestOutcome:
    """Run one test over its fixed cases (the same for every seed), then its random draws;
    the first failure fails the test. `slow` records functions that ran out of time: a later
    test calling one fails at once instead of waiting out the limit again."""
    name = display_name(test, ex)
    fns = _functions_of(test, ex)
    missing = [f for f in fns if f not in defined]
    slow = slow if slow is not None else {}

    def outcome(status: TestStatus, passed: bool, output: str, secs: float = 0.0,
                reason: Reason | None = None) -> TestOutcome:
        return TestOutcome(name, a.name, ex.id, Score(test.points if passed else 0.0,
                                                      test.points),
                           status, output, test.visibility, secs, reason)

    if missing:
        return outcome("not attempted", False, f"not attempted: {', '.join(missing)} "
                                               f"{'is' if len(missing) == 1 else 'are'} "
                                               "not defined", reason="missing")
    hung = [f for f in fns if f in slow]
    if hung:
        return outcome("failed", False, f"not run: {hung[0]} took too long in the test "
                                        f"'{slow[hung[0]]}'", reason="timeout")
    started = time.monotonic()
    trials = _draw_trials(test, a, seed)
    try:
        failed = _run_trials(box, test, ref, trials)
    except ReferenceTypeError as exc:
        raise GraderFailure(f"the reference's result cannot be compared: {exc}") from None
    if failed is not None:
        trial, fail = failed
        if fail.reason == "timeout":
            for f in ([fail.function] if fail.function else fns):
                slow.setdefault(f, name)
        return outcome("failed", False, fail.message + trial_label(test, trial, seed,
                                                                   trials[trial][0]),
                       time.monotonic() - started, fail.reason)
    return outcome("passed", True, "", time.monotonic() - started)


def _draw_trials(test: TestSpec, a: Assignment, seed: int) -> list[_Drawn]:
    """The fixed cases first, then the random draws."""
    fixed = len(test.cases)
    trials = []
    for trial in range(fixed + test.draws):
        if trial < fixed:
            dims, inputs = draw_case(test, trial)
            dout_rng = case_rng(test, trial, "dout")
        else:
            dims, inputs = draw_inputs(test, seed, a.name, trial - fixed)
            dout_rng = rng_for(seed, a.name, test.name, trial - fixed, "dout")
        trials.append((dims, inputs, dout_rng))
    return trials


def _run_trials(box: Box, test: TestSpec, ref: ModuleType, trials: Sequence[_Drawn]
                ) -> tuple[int, TestFailed] | None:
    """The first trial that fails, and how (None: all pass). A call or backward test sends
    all its trials to the child as one job (one round trip; the limits hold per trial) and
    judges them in order; a property test calls the child as it goes."""
    if test.kind == "property":
        for k, (_, inputs, _) in enumerate(trials):
            try:
                property_test(box, test, inputs)
            except TestFailed as fail:
                return k, fail
        return None
    planned = []
    calls: list[Call] = []
    for _, inputs, dout_rng in trials:
        plan = call_trial(test, ref, inputs, len(calls)) if test.kind == "call" else \
            backward_trial(test, ref, inputs, dout_rng, len(calls))
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


def trial_label(test: TestSpec, trial: int, seed: int, dims: Mapping[str, int]) -> str:
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
