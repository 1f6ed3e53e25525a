"""The sandbox: run untrusted student functions in a child process and bring back plain data.

A map, in the order a child lives:
- `box.Sandbox` is the entry point: load a submission, run a test's calls, close.
- `model` is its vocabulary as frozen dataclasses (Limits, Call, Ref, TestJob, TestRun, ...),
  and the types of what crosses the pipe: `Arg` (sent) and `Returned` (decoded).
- `isolation` probes once per process which steps this machine allows (namespaces, uid drop,
  Landlock) and degrades step by step; `describe` reports what was achieved.
- `view` is the allow-list: the python runtime and numpy (read-only), nothing else.
- `process` starts and kills a child and runs one request/reply exchange under a deadline.
- `_wrapper.py` (namespaces, the new root, privileges, limits) and `_child.py` (the harness that
  imports the submission and calls it) are standalone programs the child runs.
- `protocol` frames requests and decodes the untrusted replies.

Comparing results with references happens in the grader's own process (`mldrill.grade`), on
plain data.
"""

from mldrill.grade.sandbox.box import Sandbox
from mldrill.grade.sandbox.model import (
    Arg,
    Call,
    CallResult,
    CallStatus,
    Limits,
    LoadResult,
    Opaque,
    Ref,
    Returned,
    RunStatus,
    SandboxError,
    StudentError,
    TestJob,
    TestRun,
)

__all__ = ["Arg", "Call", "CallResult", "CallStatus", "Limits", "LoadResult", "Opaque", "Ref",
           "Returned", "RunStatus", "Sandbox", "SandboxError", "StudentError", "TestJob",
           "TestRun"]
