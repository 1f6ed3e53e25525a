"""Run a student's functions in a sandboxed child process and bring back plain data.

    with Sandbox(source_bytes, Limits(wall_seconds=5), name="hw2.py") as box:
        box.load()
        run = box.run(TestJob("affine", (
            Call("affine_forward", (x, w, b)),
            Call("affine_backward", (dout, Ref(0, (1,)))),  # the cache from call 0
        )))

Student code never runs in the grader's process. The sandbox takes the submission as bytes
(or reads a path itself, never through a symbolic link) and a child (`python -I -S`, a minimal
environment, stdin at /dev/null) imports it as module `submission` and calls its functions on
inputs the parent sent for the current test only; it sends back plain data (arrays without
pickles, JSON) as frames on a dedicated pipe, so nothing printed can pass for a result.
Comparing with references is left to the caller, in this process.

Every test has a wall-clock limit (enforced here: SIGKILL to the child, its PID namespace and
its process group) and a CPU limit, and the child has memory, file size, process and output
limits. A test that times out, crashes or misbehaves fails alone: the child is killed and the
next test starts a fresh one (re-importing the submission). The child is otherwise reused, so
module state persists between the tests of one Sandbox, as it would in a notebook.

Where the OS allows (see `isolation`), the child sees a filesystem built for it (`view`: the
python runtime and numpy read-only, a private work folder, nothing else), has no network, its
own PID, IPC and UTS namespaces, and Landlock on top. `Sandbox.isolation` says what was
achieved, as data, and `plan.fully_isolated` whether untrusted code is safe here; docs/grading.md
has the threat model per level.

The reply pipe is the one way in: a submission that finds it can write its own frames. They are
decoded as untrusted (`protocol`) and only ever stand for that submission's own results.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import secrets
import shutil
import signal
import stat
import sys
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from mldrill.grade.sandbox import isolation
from mldrill.grade.sandbox.model import (
    Call,
    CallResult,
    Limits,
    LoadResult,
    RunStatus,
    SandboxError,
    StudentError,
    TestJob,
    TestRun,
)
from mldrill.grade.sandbox.process import EXIT_MEMORY, Child, Exchange, Output
from mldrill.grade.sandbox.protocol import (
    KIND_JSON,
    Done,
    Hello,
    Loaded,
    Result,
    frame,
    load_request,
    run_request,
)
from mldrill.grade.sandbox.view import WORK

if TYPE_CHECKING:
    from mldrill.values import JsonObject

_T = TypeVar("_T")
SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}\.py")
MAX_SOURCE_BYTES = 4 << 20


def read_no_follow(path: Path, cap: int) -> bytes:
    """A regular file's bytes, never through a symbolic link at its last component, never
    blocking on a FIFO or device; SandboxError otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        why = "is a symbolic link" if e.errno == errno.ELOOP else e.strerror
        raise SandboxError(f"cannot read the submission {path}: {why}") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SandboxError(f"the submission {path} is not a regular file")
        data = f.read(cap + 1)
    if len(data) > cap:
        raise SandboxError(f"the submission {path} is over {cap} bytes")
    return data
DEFAULT_LIMITS = Limits()


class _Live:
    """The current child and its working directory: what close() and the finalizer clean up."""

    def __init__(self) -> None:
        self.child: Child | None = None
        self.workdir: str | None = None

    def stop(self) -> None:
        if self.child is not None:
            self.child.finish()
            self.child = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


class Sandbox:
    """Runs one submission's functions in sandboxed children (a context manager)."""

    def __init__(self, submission: Path | bytes, limits: Limits = DEFAULT_LIMITS, *,
                 name: str | None = None, python: str = sys.executable):
        if isinstance(submission, bytes):
            self.source = submission
            name = name or "submission.py"
        else:
            self.source = read_no_follow(Path(submission), MAX_SOURCE_BYTES)
            name = name or Path(submission).name
        self.name = name if SAFE_NAME.fullmatch(name) else "submission.py"
        self.limits = limits
        self.python = python
        self.plan = isolation.probe(python)
        self.isolation: tuple[str, ...] = isolation.describe(self.plan)
        self.marker = f"mldrill-sandbox-{secrets.token_hex(8)}"  # in the child's environment
        self._live = _Live()
        self._finalizer = weakref.finalize(self, self._live.stop)
        self._loaded: LoadResult | None = None
        self._closed = False
        self._cpu_used = 0.0
        self._cpu_budget = 20 * math.ceil(limits.cpu_seconds) + 30  # per child, a backstop

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Kill the child and everything it started, and remove its files. Idempotent."""
        self._closed = True
        self._finalizer()

    # ------------------------------------------------------------------ the public calls

    def load(self) -> LoadResult:
        """Start a fresh child and import the submission in it (within the wall-clock limit)."""
        self._check_open()

        def load() -> LoadResult:
            started = self._start()
            return self._import(started) if isinstance(started, Child) else \
                LoadResult("crashed", detail=started, isolation=self.isolation)

        self._loaded = self._guarded(load)
        return self._loaded

    def run(self, job: TestJob) -> TestRun:
        """Run one test's calls in the live child (a fresh one if the last test failed)."""
        self._check_open()
        nonce = secrets.token_hex(8)
        if job.rounds < 1:
            raise ValueError(f"a job of {job.rounds} rounds")
        cpu = self.limits.cpu_seconds * job.rounds
        request = run_request(nonce, cpu, job.calls)  # bad job: raises
        return self._guarded(lambda: self._run(job, nonce, request))

    def _guarded(self, work: Callable[[], _T]) -> _T:
        """`work()`; Ctrl-C closes the sandbox, any other escape kills the live child."""
        try:
            return work()
        except KeyboardInterrupt:
            self.close()
            raise
        except BaseException:
            self._live.stop()
            raise

    # ------------------------------------------------------------------ children

    def _check_open(self) -> None:
        if self._closed:
            raise SandboxError("this sandbox is closed")

    def _config(self, workdir: str, req_fd: int, msg_fd: int) -> JsonObject:
        lim = self.limits
        rlimits = [("RLIMIT_AS", lim.memory_bytes, lim.memory_bytes),
                   ("RLIMIT_CPU", self._cpu_budget, self._cpu_budget),
                   ("RLIMIT_FSIZE", lim.file_bytes, lim.file_bytes),
                   ("RLIMIT_NPROC", lim.processes + 1, lim.processes + 1),
                   ("RLIMIT_CORE", 0, 0), ("RLIMIT_NOFILE", 256, 256)]
        exe = self.plan.runtime.executable
        argv = [exe, "-I", "-S", "-B", "-u", "-c", isolation.source("_child.py"), str(req_fd),
                str(msg_fd)]
        work_size = max(4 * lim.file_bytes, 1 << 20) + len(self.source)
        work = WORK if self.plan.mountns else workdir
        return isolation.wrapper_config(self.plan, workdir=workdir, work_size=work_size,
                                        rlimits=rlimits, argv=argv,
                                        env=isolation.base_env(work, self.marker))

    def _start(self) -> Child | str:
        """A fresh child that has said hello, or why it did not start."""
        self._live.stop()
        workdir = tempfile.mkdtemp(prefix="mldrill-sandbox-")
        self._live.workdir = workdir
        target = os.path.join(workdir, self.name)
        with open(target, "xb") as f:
            f.write(self.source)
        os.chmod(target, 0o644)
        if self.plan.drop and not self.plan.mountns:
            for path in (workdir, target):
                os.chown(path, isolation.NOBODY, isolation.NOBODY)
        work = WORK if self.plan.mountns else workdir
        setup = json.dumps({"submission": os.path.join(work, self.name), "shown": self.name,
                            "numpy": self.plan.runtime.numpy}).encode()
        child = Child(self.python, lambda r, w: self._config(workdir, r, w),
                      isolation.base_env(workdir, self.marker), workdir,
                      self.limits.message_bytes)
        self._live.child = child
        self._cpu_used = 0.0
        out = Output(self.limits.output_bytes, self.limits.output_hard_bytes)
        ex = child.exchange(frame(KIND_JSON, setup), lambda m: True,
                            self.limits.startup_seconds, out)
        if ex.ended == "done" and isinstance(ex.messages[0], Hello):
            return child
        ended = child.finish(grace=1.0)
        if ended.setup_failed:
            raise SandboxError(f"the sandbox could not be set up: {out.text('err').strip()}")
        self._live.stop()
        return f"the child did not start ({ex.ended}: {ex.detail or ended.describe()})"

    def _ending(self, ex: Exchange, child: Child, rounds: int = 1) -> tuple[RunStatus, str]:
        """The status and a human message for an exchange that did not end normally."""
        lim = self.limits
        if ex.ended == "timeout":
            child.finish()
            return "timeout", f"killed after {lim.wall_seconds:g} s wall-clock"
        if ex.ended == "output":
            child.finish()
            return "output-limit", f"printed over {lim.output_hard_bytes} bytes (killed)"
        if ex.ended == "protocol":
            child.finish()
            return "protocol", f"sent an undecodable message ({ex.detail})"
        ended = child.finish(grace=2.0)
        if ended.code == EXIT_MEMORY:
            return "memory", "ran out of memory"
        if ended.signal == signal.SIGXCPU:
            return "timeout", f"used over {lim.cpu_seconds * rounds:g} s of CPU time (SIGXCPU)"
        return "crashed", ended.describe()

    def _import(self, child: Child) -> LoadResult:
        nonce = secrets.token_hex(8)
        out = Output(self.limits.output_bytes, self.limits.output_hard_bytes)
        ex = child.exchange(load_request(nonce, self.limits.cpu_seconds),
                            lambda m: isinstance(m, Loaded), self.limits.wall_seconds, out)
        msg = ex.messages[-1] if ex.messages else None
        if ex.ended == "done":
            if len(ex.messages) == 1 and isinstance(msg, Loaded) and msg.nonce == nonce:
                detail = "" if msg.error is None else f"{msg.error.type}: {msg.error.message}"
                if msg.status != "ok":
                    self._live.stop()
                return LoadResult(msg.status, msg.functions, msg.error, out.text("out"),
                                  out.text("err"), ex.seconds, detail, self.isolation)
            ex = Exchange("protocol", ex.messages, "an unexpected message", ex.seconds)
        status, detail = self._ending(ex, child)
        self._live.stop()
        return LoadResult("timeout" if status == "timeout" else "crashed", (), None,
                          out.text("out"), out.text("err"), ex.seconds,
                          f"while importing the submission: {detail}", self.isolation)

    # ------------------------------------------------------------------ tests

    def _skipped(self, job: TestJob, detail: str) -> TestRun:
        calls = tuple(CallResult(c.function, "not-run") for c in job.calls)
        return TestRun(job.name, "crashed", calls, detail=detail, isolation=self.isolation)

    def _ready_child(self, rounds: int = 1) -> Child | str:
        """The live child, or a fresh one with the submission imported, or why there is none."""
        child = self._live.child
        budget_left = self._cpu_budget - self._cpu_used - self.limits.cpu_seconds * rounds
        if child is not None and child.alive and not child.stale() and budget_left > 1:
            return child
        started = self._start()
        if isinstance(started, str):
            return f"could not restart the child: {started}"
        again = self._import(started)
        if again.status != "ok":
            return f"re-importing the submission failed ({again.status}: {again.detail})"
        return started

    def _run(self, job: TestJob, nonce: str, request: bytes) -> TestRun:
        if self._loaded is None:
            self.load()
        assert self._loaded is not None
        if self._loaded.status != "ok":
            return self._skipped(job, f"the submission did not load ({self._loaded.status})")
        child = self._ready_child(job.rounds)
        if isinstance(child, str):
            return self._skipped(job, child)
        out = Output(self.limits.output_bytes, self.limits.output_hard_bytes * job.rounds)
        # the wall clock restarts with each call's result: a hanging call costs one limit
        ex = child.exchange(request, lambda m: isinstance(m, Done), self.limits.wall_seconds,
                            out, lambda m: isinstance(m, Result), len(job.calls))
        results, problem = _collect(ex, nonce, job)
        if problem:
            ex = Exchange("protocol", ex.messages, problem, ex.seconds)
        status: RunStatus = "ok"
        detail = ""
        if ex.ended != "done":
            status, detail = self._ending(ex, child, job.rounds)
            if len(results) < len(job.calls) and status != "protocol":
                detail += f" during call {len(results)} ({job.calls[len(results)].function})"
            self._live.stop()
        else:
            last = ex.messages[-1]
            assert isinstance(last, Done)
            self._cpu_used = last.cpu
        calls = tuple(self._call_result(i, c, results.get(i)) for i, c in enumerate(job.calls))
        if status == "ok":
            for i, c in enumerate(calls):
                if c.error is not None:
                    detail = f"call {i} ({c.function}): {c.error.type}: {c.error.message}"
                    if c.error.builtin == "MemoryError":
                        status = "memory"
                        self._live.stop()  # a fresh child for the next test
                    break
        return TestRun(job.name, status, calls, out.text("out"), out.text("err"), ex.seconds,
                       detail, self.isolation)

    def _call_result(self, i: int, call: Call, r: Result | None) -> CallResult:
        if r is None:
            return CallResult(call.function, "not-run")
        error = r.error
        if r.status == "missing":
            defined = ", ".join(self._loaded.functions) if self._loaded else ""
            error = StudentError("MissingFunction", f"the submission defines no function "
                                 f"{call.function!r} (it defines: {defined or 'none'})",
                                 builtin="NameError")
        return CallResult(call.function, r.status, r.value, r.args_after, r.kwargs_after, error,
                          r.seconds)


def _collect(ex: Exchange, nonce: str, job: TestJob) -> tuple[dict[int, Result], str]:
    """The results in order (and a problem if the child's messages do not fit this test)."""
    results: dict[int, Result] = {}
    stopped = False
    for k, m in enumerate(ex.messages):
        if isinstance(m, Result) and m.nonce == nonce and m.call == len(results) \
                and m.call < len(job.calls) and not stopped:
            call = job.calls[m.call]
            ran = bool(m.args_after or m.kwargs_after)  # empty when the call never started
            if ran and (len(m.args_after) != len(call.args)
                        or set(m.kwargs_after) != set(call.kwargs)):
                return results, "a result that does not match its call"
            results[m.call] = m
            stopped = m.status != "ok"
        elif isinstance(m, Done) and m.nonce == nonce and k == len(ex.messages) - 1:
            if not stopped and len(results) < len(job.calls):
                return results, "the child skipped calls"
        else:
            return results, f"an unexpected {type(m).__name__.lower()} message"
    return results, ""

