"""The sandbox's vocabulary as data: limits, the calls of a test, and what came back.

Everything here is a frozen dataclass of plain values, so results can be rendered, dumped as
JSON or asserted in a test. `mldrill.grade.sandbox` re-exports all of these names.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    import numpy as np

CallStatus = Literal["ok", "error", "missing", "not-run"]
RunStatus = Literal["ok", "timeout", "crashed", "memory", "output-limit", "protocol"]
LoadStatus = Literal["ok", "syntax-error", "import-error", "timeout", "crashed"]

# What a call sends to the child: plain data and arrays (a `Ref` stands for a value the child
# kept from an earlier call of the same test).
Arg: TypeAlias = (
    "None | bool | int | float | str | np.ndarray | np.generic | Ref"
    " | list[Arg] | tuple[Arg, ...] | Mapping[str, Arg]"
)
# What comes back, decoded (`protocol`): plain data, arrays, dicts with any hashable keys,
# and `Opaque` for anything else the student's function returned.
Returned: TypeAlias = (
    "None | bool | int | float | str | np.ndarray | np.generic | Opaque"
    " | list[Returned] | tuple[Returned, ...] | dict[Hashable, Returned]"
)


@dataclass(frozen=True)
class Limits:
    """Per-test limits of a sandboxed child (the defaults suit a CS231n-sized exercise)."""

    cpu_seconds: float = 10.0  # RLIMIT_CPU per test (a backstop: the wall clock acts first)
    wall_seconds: float = 10.0  # per test (and per import), enforced by the parent
    memory_bytes: int = 1 << 30  # RLIMIT_AS
    output_bytes: int = 64 << 10  # stdout+stderr kept per test; more is truncated
    file_bytes: int = 1 << 20  # RLIMIT_FSIZE
    processes: int = 0  # extra processes (or threads) the child may start
    output_kill_bytes: int | None = None  # output that kills the child (None: 16 x output_bytes)
    message_bytes: int = 64 << 20  # largest reply (all its arrays together) the parent accepts
    startup_seconds: float = 20.0  # starting python + numpy in a fresh child (not a test's time)

    @property
    def output_hard_bytes(self) -> int:
        """The output size at which the child is killed."""
        if self.output_kill_bytes is not None:
            return self.output_kill_bytes
        return 16 * self.output_bytes


@dataclass(frozen=True)
class Ref:
    """A value kept inside the child from an earlier call of the same test (e.g. a cache)."""

    call: int  # index of the earlier call in the test
    path: tuple[int | str, ...] = ()  # e.g. (1,) = the cache in `out, cache = f(...)`


@dataclass(frozen=True)
class Call:
    """One call of a student function, on inputs the grader generated."""

    function: str
    args: tuple[Arg, ...] = ()
    kwargs: Mapping[str, Arg] = field(default_factory=dict)
    # which parts of the return value to send back; None = all of it (non-plain parts as Opaque)
    send: tuple[tuple[int | str, ...], ...] | None = None


@dataclass(frozen=True)
class TestJob:
    """The calls of one test, run in order in one child; a failing call skips the rest."""

    __test__ = False  # not a pytest test class

    name: str
    calls: tuple[Call, ...]
    # the calls are this many trials of the test: CPU time and output are allowed per trial,
    # and the wall clock restarts with each call's result
    rounds: int = 1


@dataclass(frozen=True)
class Opaque:
    """A value that is not plain data (ndarray subclass, custom object, generator...)."""

    type_name: str
    repr: str


@dataclass(frozen=True)
class StudentError:
    """An exception raised by student code; the traceback shows only the submission's frames."""

    type: str  # e.g. "ValueError", "submission.MyError", "numpy.linalg.LinAlgError"
    message: str
    traceback: str = ""
    builtin: str = ""  # the nearest built-in exception class, e.g. "MemoryError"


@dataclass(frozen=True)
class CallResult:
    """What one call did: its (decoded) return value, its arguments afterwards, or its error."""

    function: str
    status: CallStatus
    value: Returned = None
    args_after: tuple[Returned, ...] = ()  # array/dict/list args after the call, None for others
    kwargs_after: Mapping[str, Returned] = field(default_factory=dict)
    error: StudentError | None = None
    seconds: float = 0.0  # as measured (and reported) by the child


@dataclass(frozen=True)
class TestRun:
    """The outcome of one test: how the child fared, and each call's result."""

    __test__ = False  # not a pytest test class

    name: str
    status: RunStatus
    calls: tuple[CallResult, ...]
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    detail: str = ""
    isolation: tuple[str, ...] = ()  # what the child ran under (Sandbox.isolation)


@dataclass(frozen=True)
class LoadResult:
    """The outcome of importing the submission in a fresh child."""

    status: LoadStatus
    functions: tuple[str, ...] = ()  # top-level callables the submission defines
    error: StudentError | None = None
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    detail: str = ""
    isolation: tuple[str, ...] = ()  # what the child ran under (Sandbox.isolation)


class SandboxError(Exception):
    """The sandbox itself failed (a grader failure, never the student's fault)."""
