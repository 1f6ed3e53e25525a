"""The sandbox against a corpus of hostile submissions (tests/hostile/submissions/, one behaviour
each): every one gets the right outcome quickly, and the grader is intact afterwards."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hostile_helpers import FAST, SUBMISSIONS, MakeBox, call, has, leftovers, same

import mldrill
from mldrill.grade.compare import changed
from mldrill.grade.sandbox import (
    Call,
    Limits,
    Opaque,
    Ref,
    Sandbox,
    SandboxError,
    TestJob,
    isolation,
)

PACKAGE = Path(mldrill.__file__).resolve().parent
REPO = PACKAGE.parent


# ---------------------------------------------------------------- well-behaved code


def test_good_submission_round_trips_exactly(sandbox: MakeBox) -> None:
    """Values, dtypes and shapes come back exactly; a Ref passes a cache between calls."""
    box = sandbox("good")
    loaded = box.load()
    assert loaded.status == "ok"
    assert {"add", "fwd", "bwd", "kinds", "affine_forward"} <= set(loaded.functions)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    run = box.run(TestJob("fwd-bwd", (
        Call("add", (1, 2.5)),
        Call("add", (np.int32(2), np.arange(3, dtype=np.int16))),
        Call("fwd", (x,)),
        Call("bwd", (np.ones((2, 3)),), {"cache": Ref(2, (1,))}),
    )))
    assert run.status == "ok", run.detail
    a, b, f, g = (c.value for c in run.calls)
    assert same(a, 3.5)
    assert same(b, np.int32(2) + np.arange(3, dtype=np.int16))
    assert same(f, (x * 2, {"x": x}))
    assert same(g, np.ones((2, 3)) * 2 * x)
    assert all(c.status == "ok" for c in run.calls)


def test_good_submission_kinds_of_plain_data(sandbox: MakeBox) -> None:
    """NumPy scalars, big ints, unicode, tuples as keys, complex and string arrays survive."""
    box = sandbox("good")
    value = call(box, "kinds").calls[0].value
    expected = {
        "f32": np.float32(1.5), "i64": np.int64(-3), "bool": True, "none": None,
        "str": "héllo", "big": 2**70,
        "nested": [1, (2.5, [np.arange(3, dtype=np.uint8)]), {"k": np.zeros((0, 2))}],
        (1, "t"): np.array([[1 + 2j]]),
        "f": np.arange(6.0).reshape(2, 3), "u": np.array(["ab", "c"]),
    }
    assert same(value, expected)


def test_cs231n_affine_forward_backward(sandbox: MakeBox) -> None:
    """The CS231n pattern: send back `out` only, keep the cache in the child, pass it on."""
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(4, 2, 3)), rng.normal(size=(6, 5)), rng.normal(size=5)
    dout = rng.normal(size=(4, 5))
    box = sandbox("good")
    run = box.run(TestJob("affine", (
        Call("affine_forward", (x, w, b), send=((0,),)),
        Call("affine_backward", (dout, Ref(0, (1,)))),
    )))
    assert run.status == "ok", run.detail
    (out,) = run.calls[0].value
    dx, dw, db = run.calls[1].value
    assert same(out, x.reshape(4, -1) @ w + b)
    assert same(dx, (dout @ w.T).reshape(x.shape))
    assert same(dw, x.reshape(4, -1).T @ dout)
    assert same(db, dout.sum(axis=0))


def test_isolation_is_reported_as_data(sandbox: MakeBox) -> None:
    """The isolation achieved is a tuple of phrases naming each step (the allow-list root)."""
    box = sandbox("good")
    assert box.isolation and all(isinstance(p, str) for p in box.isolation)
    assert box.isolation[0].startswith("rlimits")
    assert box.load().isolation == box.isolation == call(box, "add", 1, 2).isolation
    if box.plan.mountns:
        assert any(p.startswith("mount-ns: allow-list root") for p in box.isolation)
    assert isolation.probe(box.python) is box.plan  # probed once per process


def test_keyboard_interrupt_in_the_grader_closes_the_sandbox(sandbox: MakeBox) -> None:
    """Ctrl-C in the grader during a test kills the child at once and closes the sandbox."""
    box = sandbox("sleeper")
    assert box.load().status == "ok"

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(KeyboardInterrupt):
            call(box, "f")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert leftovers(box.marker) == []
    with pytest.raises(SandboxError):
        call(box, "f")


def test_missing_function_and_not_run(sandbox: MakeBox) -> None:
    """An undefined function is "missing" (naming what is defined); later calls are not run."""
    box = sandbox("good")
    run = box.run(TestJob("t", (Call("nope", (1,)), Call("add", (1, 2)))))
    assert run.status == "ok"
    assert [c.status for c in run.calls] == ["missing", "not-run"]
    err = run.calls[0].error
    assert err is not None and err.type == "MissingFunction" and "affine_forward" in err.message


def test_bad_jobs_are_grader_errors(sandbox: MakeBox) -> None:
    """A Ref to a later call or an unsendable argument raises before anything runs."""
    box = sandbox("good")
    with pytest.raises(ValueError):
        box.run(TestJob("t", (Call("bwd", (1, Ref(0))),)))
    with pytest.raises(TypeError):
        call(box, "add", object(), 1)
    with pytest.raises(TypeError):
        call(box, "add", np.array([object()]), 1)


def test_close_is_idempotent_and_final(sandbox: MakeBox) -> None:
    """close() twice is fine; a closed sandbox refuses to run anything."""
    box = sandbox("good")
    assert call(box, "add", 1, 2).calls[0].value == 3
    box.close()
    box.close()
    with pytest.raises(SandboxError):
        call(box, "add", 1, 2)


# ---------------------------------------------------------------- tampering and lies


def test_patched_numpy_does_not_reach_grader(sandbox: MakeBox) -> None:
    """Patching numpy in the child changes nothing in the parent, nor in the replies."""
    box = sandbox("patch_numpy")
    assert box.load().status == "ok"
    x = np.arange(4.0)
    run = call(box, "f", x)
    assert run.status == "ok", run.detail
    assert same(run.calls[0].value, x + 1)
    assert not np.allclose(np.zeros(2), np.ones(2))  # the parent's numpy is its own


def test_patched_builtins_json_struct_modules(sandbox: MakeBox) -> None:
    """Patching print, json, struct and sys.modules at import leaves the harness working."""
    box = sandbox("patch_builtins")
    assert box.load().status == "ok"
    run = call(box, "f", np.arange(3))
    assert run.status == "ok", run.detail
    assert same(run.calls[0].value, np.arange(3) * 3)


def test_tampering_with_the_harness_voids_that_test_only(sandbox: MakeBox) -> None:
    """Replacing the harness's encoder gives a protocol error; the next test gets a new child."""
    box = sandbox("patch_harness")
    run = call(box, "tamper", 1)
    assert run.status == "protocol"
    assert run.calls[0].status == "not-run"
    assert call(box, "honest", 5).calls[0].value == 5


def test_lying_ndarray_subclass_is_opaque(sandbox: MakeBox) -> None:
    """An ndarray subclass (lying __eq__/__array__/__repr__) or np.matrix is not plain data."""
    box = sandbox("lying_subclass")
    value = call(box, "f", np.arange(3.0)).calls[0].value
    assert isinstance(value, Opaque)
    assert value.type_name == "submission.LyingArray"
    assert "shape (3,)" in value.repr and "1., 2." not in value.repr
    value = call(box, "matrix", np.eye(2)).calls[0].value
    assert isinstance(value, Opaque) and value.type_name == "numpy.matrix"
    value = call(box, "liar_scalar").calls[0].value
    assert isinstance(value, Opaque) and value.type_name.endswith("F")


def test_objects_claiming_equality_are_opaque(sandbox: MakeBox) -> None:
    """Objects whose __eq__ says True (or int subclasses) come back as Opaque, unconverted."""
    box = sandbox("claims_equal")
    value = call(box, "f", 1).calls[0].value
    assert isinstance(value, Opaque) and value.type_name == "submission.Anything"
    assert value != 1  # an Opaque is only ever equal to an equal Opaque
    value = call(box, "g").calls[0].value
    assert isinstance(value, Opaque) and value.type_name == "submission.Int"
    value = call(box, "nested").calls[0].value
    assert value[0] == 1.0 and isinstance(value[1]["k"], Opaque)


def test_wrong_shapes_come_back_as_they_are(sandbox: MakeBox) -> None:
    """(N, 1) where (N,) was expected is sent as (N, 1), for the parent to reject."""
    box = sandbox("wrong_shape")
    x = np.arange(4.0)
    assert same(call(box, "f", x).calls[0].value, x.reshape(4, 1))
    m = np.arange(6).reshape(2, 3)
    assert same(call(box, "transposed", m).calls[0].value, m.T.copy())


def test_printed_fake_frames_are_just_output(sandbox: MakeBox) -> None:
    """Fake frames and JSON printed to stdout/stderr are captured as output, never as results."""
    box = sandbox("print_fake")
    run = call(box, "f", 10)
    assert run.status == "ok"
    assert run.calls[0].value == 9
    assert '"m": "result"' in run.stdout and '"m": "result"' in run.stderr


def test_writing_to_every_fd(sandbox: MakeBox) -> None:
    """Fake frames written to fds 0-20 (the reply pipe included) never pass for a result."""
    box = sandbox("spray_fds")
    run = call(box, "f", 10)
    assert run.status in ("ok", "protocol")
    if run.status == "ok":
        assert run.calls[0].value == 9
    assert call(box, "honest", 3).calls[0].value == 3


# ---------------------------------------------------------------- exits, crashes, limits


def test_sys_exit_at_import(sandbox: MakeBox) -> None:
    """sys.exit(0) while importing is an import error that says so; tests are then skipped."""
    box = sandbox("exit_import")
    loaded = box.load()
    assert loaded.status == "import-error"
    assert loaded.error is not None and loaded.error.type == "SystemExit"
    assert "sys.exit(0)" in loaded.error.message
    run = call(box, "f")
    assert run.status == "crashed" and "did not load" in run.detail


def test_sys_exit_inside_a_call(sandbox: MakeBox) -> None:
    """sys.exit() or KeyboardInterrupt in a call fails that call, and the child carries on."""
    box = sandbox("exit_call")
    for fn, kind, text in [("f", "SystemExit", "sys.exit(0)"), ("g", "SystemExit", "sys.exit(3)"),
                           ("h", "KeyboardInterrupt", "")]:
        run = call(box, fn)
        assert run.status == "ok"
        err = run.calls[0].error
        assert run.calls[0].status == "error" and err is not None and err.type == kind
        assert text in err.message and text in run.detail
    assert call(box, "ok").calls[0].value == "fine"


def test_os_exit_crashes_that_test_only(sandbox: MakeBox) -> None:
    """os._exit ends the child: "crashed" with the status; the next test gets a fresh child."""
    box = sandbox("os_exit")
    run = call(box, "f")
    assert run.status == "crashed" and "status 0" in run.detail
    assert call(box, "ok", 1).calls[0].value == 2
    run = call(box, "g")
    assert run.status == "crashed" and "status 7" in run.detail
    assert call(box, "ok", 2).calls[0].value == 3


def test_segfault_crashes_that_test_only(sandbox: MakeBox) -> None:
    """A segmentation fault is "crashed" with the signal named; the next test passes."""
    box = sandbox("os_exit")
    run = call(box, "segfault")
    assert run.status == "crashed" and "SIGSEGV" in run.detail
    assert call(box, "ok", 1).calls[0].value == 2


def test_big_files_hit_the_file_size_limit(sandbox: MakeBox) -> None:
    """Writing past the file size limit is an OSError in the call, not a dead child."""
    box = sandbox("big_file")
    run = call(box, "write_big")
    assert run.status == "ok"
    err = run.calls[0].error
    assert err is not None and err.type == "OSError" and "too large" in err.message
    if not has(box, "mount-ns"):
        pytest.skip(f"no size-capped working directory without a mount namespace: {box.isolation}")
    run = call(box, "write_many")
    err = run.calls[0].error
    assert err is not None and err.type == "OSError" and "No space left" in err.message


@pytest.mark.parametrize("name", ["infinite_loop", "sleeper", "ignore_sigterm"])
def test_runaway_code_is_killed_on_time(sandbox: MakeBox, name: str) -> None:
    """A busy loop, a long sleep, or a loop ignoring SIGTERM: killed at the wall-clock limit."""
    box = sandbox(name)
    assert box.load().status == "ok"
    start = time.monotonic()
    run = call(box, "f", 1) if name == "infinite_loop" else call(box, "f")
    assert run.status == "timeout"
    assert "2 s wall-clock during call 0 (f)" in run.detail
    # killed long before the code would end by itself (the sleeper sleeps 100 s); the bound
    # is loose so a busy machine's scheduling cannot fail it: the detail names the limit
    assert time.monotonic() - start < 30
    assert run.calls[0].status == "not-run"
    box.close()
    assert leftovers(box.marker) == []


def test_forged_results_cannot_buy_time(sandbox: MakeBox) -> None:
    """Each result restarts the wall clock (a limit per call), but only as many times as the
    job has calls: a child forging result frames forever is still killed, and nothing it
    forged counts."""
    box = sandbox("keep_alive")
    run = call(box, "forever")
    assert run.status in ("timeout", "protocol"), run.detail
    assert run.calls[0].value is None and run.seconds < 60
    assert call(box, "forever").status in ("timeout", "protocol")  # a fresh child, same end


def test_hang_at_import_times_out(sandbox: MakeBox) -> None:
    """Importing is limited by the wall clock too."""
    box = sandbox("hang_import")
    loaded = box.load()
    assert loaded.status == "timeout" and "wall-clock" in loaded.detail


def test_cpu_limit_acts_when_shorter_than_wall_clock(sandbox: MakeBox) -> None:
    """With a CPU limit below the wall-clock limit, SIGXCPU ends the test as a timeout (the
    clock is generous: on a loaded machine a second of CPU can take many seconds)."""
    box = sandbox("infinite_loop", Limits(wall_seconds=60, cpu_seconds=1,
                                          memory_bytes=512 << 20))
    run = call(box, "f", 1)
    assert run.status == "timeout" and "CPU time" in run.detail


def test_memory_bombs(sandbox: MakeBox) -> None:
    """A huge allocation, or a slow one, is "memory"; the next test gets a fresh child (the
    memory limit acts first: the generous clock only matters on a loaded machine)."""
    box = sandbox("memory_bomb", replace(FAST, wall_seconds=120, cpu_seconds=120))
    for fn in ("at_once", "bit_by_bit"):
        run = call(box, fn)
        assert run.status == "memory", run.detail
    assert call(box, "at_once").status == "memory"


def test_output_flood_is_capped_and_killed(sandbox: MakeBox) -> None:
    """Endless output kills the child ("output-limit"); what is kept stays within the cap."""
    box = sandbox("flood_output")
    start = time.monotonic()
    run = call(box, "f")
    assert run.status == "output-limit"  # the cap, not the clock, ended it:
    assert time.monotonic() - start < 30  # (an endless loop would otherwise run forever)
    kept = len(run.stdout.split("\n[...")[0]) + len(run.stderr.split("\n[...")[0])
    assert kept <= FAST.output_bytes
    run = call(box, "chatty")
    assert run.status == "ok" and run.calls[0].value == 1
    assert "more bytes not kept]" in run.stdout


def test_stdin_is_at_end_of_file(sandbox: MakeBox) -> None:
    """Reading stdin gets EOF at once (no hang)."""
    box = sandbox("read_stdin")
    run = call(box, "read")
    assert run.status == "ok" and run.calls[0].value == ""  # a hang would be a timeout
    err = call(box, "ask").calls[0].error
    assert err is not None and err.type == "EOFError"


def test_crash_then_fresh_child_keeps_going(sandbox: MakeBox) -> None:
    """After a crashing test the remaining tests of the submission still run and pass."""
    box = sandbox("os_exit")
    results = [call(box, fn, 1) if fn == "ok" else call(box, fn)
               for fn in ("ok", "f", "ok", "segfault", "ok")]
    assert [r.status for r in results] == ["ok", "crashed", "ok", "crashed", "ok"]


# ---------------------------------------------------------------- processes and signals


def nproc_enforced(box: Sandbox) -> bool:
    """RLIMIT_NPROC never binds a process that is root outside every user namespace."""
    return not has(box, "processes: not limited")


def test_processes_and_threads_blocked_by_default(sandbox: MakeBox) -> None:
    """With processes=0, starting a process or a thread fails inside the call."""
    box = sandbox("spawn")
    if not nproc_enforced(box):
        pytest.skip(f"the child is root outside its namespaces: {box.isolation}")
    for fn, kind in [("sleeper", "BlockingIOError"), ("fork_bomb", "BlockingIOError"),
                     ("thread", "RuntimeError")]:
        err = call(box, fn).calls[0].error
        assert err is not None and err.type == kind, (fn, err)


def test_spawned_processes_do_not_survive(sandbox: MakeBox) -> None:
    """A `sleep 1000` in a new session and a double-forked daemon die with the sandbox."""
    box = sandbox("spawn", Limits(wall_seconds=2, cpu_seconds=2, memory_bytes=512 << 20,
                                  processes=4))
    assert call(box, "sleeper").status == "ok"
    assert call(box, "daemon").calls[0].value == "forked"
    time.sleep(0.1)
    assert len(leftovers(box.marker)) >= 3  # the harness (and its wrapper), sleep, the daemon
    box.close()
    assert leftovers(box.marker) == []


def test_fork_bomb_is_contained(sandbox: MakeBox) -> None:
    """A fork bomb allowed a few processes stops at the limit, then everything is killed."""
    box = sandbox("spawn", Limits(wall_seconds=2, cpu_seconds=2, memory_bytes=512 << 20,
                                  processes=4))
    if not nproc_enforced(box):
        pytest.skip(f"the child is root outside its namespaces: {box.isolation}")
    run = call(box, "fork_bomb")
    assert run.status in ("timeout", "ok")
    if run.status == "ok":
        err = run.calls[0].error
        assert err is not None and err.type == "BlockingIOError"
    box.close()
    assert leftovers(box.marker) == []


def test_signals_cannot_reach_the_grader(sandbox: MakeBox) -> None:
    """kill(getppid()), killpg(0), kill(-1) and kill(<grader pid>) leave the grader alone."""
    got: list[int] = []
    old = signal.signal(signal.SIGUSR1, lambda *a: got.append(1))
    try:
        box = sandbox("signal_grader", edit={"GRADER_PID = 0": f"GRADER_PID = {os.getpid()}"})
        for fn in ("parent", "group"):
            assert call(box, fn).status in ("ok", "crashed")
        run = call(box, "grader")
        err = run.calls[0].error
        if has(box, "pid-ns") or has(box, "uid "):  # the grader is out of sight, or not its uid
            assert err is not None and err.type in ("ProcessLookupError", "PermissionError")
            assert got == []
        if has(box, "pid-ns"):  # without one, kill(-1) would reach the machine's other processes
            assert call(box, "everyone").status in ("ok", "crashed")
    finally:
        signal.signal(signal.SIGUSR1, old)
    assert call(box, "parent").status in ("ok", "crashed")  # and the sandbox still works


# ---------------------------------------------------------------- what the child can see


def reference_targets() -> list[str]:
    targets = [PACKAGE / "__init__.py", PACKAGE / "grade" / "isolation.py", PACKAGE]
    if (REPO / "pyproject.toml").is_file():  # run from a source checkout (editable install)
        targets += [REPO / "solutions", REPO / "solutions" / "nn.py", REPO / "problems",
                    REPO / ".git"]
    for entry in sys.path:  # every installed copy of mldrill the grader's python could import
        home = Path(entry) / "mldrill"
        targets += [home / "_bundled" / "solutions" / "nn.py", home / "_bundled", home]
    return [str(t) for t in targets if os.path.lexists(t)]


def test_reference_solutions_are_hidden(sandbox: MakeBox) -> None:
    """solutions/, problems/, the mldrill package (and its _bundled/) are invisible."""
    targets = reference_targets()
    assert any(t.endswith(os.path.join("solutions", "nn.py")) for t in targets), targets
    box = sandbox("read_reference", edit={"TARGETS = []": f"TARGETS = {targets!r}"})
    if not has(box, "mount-ns"):
        pytest.skip(f"no mount namespace here, the paths stay visible: {box.isolation}")
    seen = call(box, "peek").calls[0].value
    assert seen == dict.fromkeys(targets), seen  # not even an empty folder: nothing is there
    assert call(box, "via_proc").calls[0].value == []


def test_other_students_files_are_hidden(sandbox: MakeBox, tmp_path: Path) -> None:
    """A classmate's file beside the submission cannot be read (nothing but the allow-list is
    there)."""
    batch = tmp_path / "batch"
    batch.mkdir()
    other = batch / "other_student.py"
    other.write_text("SECRET = 'the answer'\n")
    box = sandbox("read_other", edit={'OTHER = ""': f"OTHER = {str(other)!r}"})
    if not has(box, "mount-ns"):
        pytest.skip(f"no mount namespace here: {box.isolation}")
    run = call(box, "steal")
    err = run.calls[0].error
    assert err is not None and err.type in ("FileNotFoundError", "PermissionError")


def test_importing_mldrill_fails(sandbox: MakeBox) -> None:
    """`import mldrill` fails; with a mount namespace, even after undoing the harness's guard."""
    box = sandbox("import_mldrill")
    err = call(box, "naive").calls[0].error
    assert err is not None and err.type in ("ModuleNotFoundError", "ImportError")
    if not has(box, "mount-ns"):
        pytest.skip(f"no mount namespace here: {box.isolation}")
    err = call(box, "determined").calls[0].error
    assert err is not None and err.type in ("ModuleNotFoundError", "ImportError")


def test_no_network(sandbox: MakeBox) -> None:
    """Connecting to a port the grader listens on fails."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.setblocking(False)
        port = server.getsockname()[1]
        box = sandbox("network", edit={"PORT = 0": f"PORT = {port}"})
        if not has(box, "net-ns"):
            pytest.skip(f"no network namespace here: {box.isolation}")
        err = call(box, "connect").calls[0].error
        assert err is not None and "Error" in err.type
        with pytest.raises(BlockingIOError):
            server.accept()


def test_no_datagram_leaves_even_without_a_network_namespace(sandbox: MakeBox) -> None:
    """A UDP datagram to the grader's port never arrives (seccomp refuses every socket but
    AF_UNIX, at every isolation level); AF_UNIX socket pairs still work."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.setblocking(False)
        port = server.getsockname()[1]
        box = sandbox("network", edit={"PORT = 0": f"PORT = {port}"})
        if not (has(box, "net-ns") or has(box, "seccomp")):
            pytest.skip(f"neither a network namespace nor seccomp here: {box.isolation}")
        run = call(box, "udp")
        assert run.calls[0].error is not None and run.calls[0].value is None
        with pytest.raises(BlockingIOError):
            server.recvfrom(100)
        assert call(box, "unix_pair").calls[0].value == "ok"


# ---------------------------------------------------------------- odd return values


def test_inputs_modified_in_place_are_reported(sandbox: MakeBox) -> None:
    """args_after/kwargs_after show each argument after the call, so the grader's one rule
    (`compare.changed`) can tell a change in place (batchnorm's running mean) from none."""
    box = sandbox("mutate_inputs")
    x = np.arange(6.0).reshape(3, 2)
    c = call(box, "scale_", x).calls[0]
    assert same(c.args_after[0], 2 * x) and changed(x, c.args_after[0])
    bn = {"momentum": 0.5, "running_mean": np.zeros(2)}
    c = box.run(TestJob("bn", (Call("batchnorm_update", (x, bn)),))).calls[0]
    assert same(c.args_after[1]["running_mean"], 0.5 * x.mean(axis=0))
    assert changed(bn, c.args_after[1]) and same(bn["running_mean"], np.zeros(2))
    assert not changed(x, c.args_after[0])
    c = call(box, "batchnorm_update", x, bn_param=bn).calls[0]
    assert same(c.kwargs_after["bn_param"]["running_mean"], 0.5 * x.mean(axis=0))
    assert changed(bn, c.kwargs_after["bn_param"])
    c = call(box, "pure", x, bn_param=bn).calls[0]
    assert not changed(bn, c.kwargs_after["bn_param"]) and same(c.value, np.float64(15.0))
    assert changed([1, 2], call(box, "append_", [1, 2]).calls[0].args_after[0])


def test_nan_and_infinities(sandbox: MakeBox) -> None:
    """NaN and infinities come back as such (scalars and arrays)."""
    box = sandbox("returns_nan")
    assert same(call(box, "scalar").calls[0].value, float("nan"))
    assert same(call(box, "array").calls[0].value, np.array([np.nan, np.inf, -np.inf, 1.0]))
    assert same(call(box, "np_nan").calls[0].value, np.float64("nan"))


def test_wrong_types(sandbox: MakeBox) -> None:
    """A list, a string, None come back as such; a generator or a function as Opaque."""
    box = sandbox("wrong_types")
    x = np.arange(3)
    assert same(call(box, "as_list", x).calls[0].value, [0, 1, 2])
    assert call(box, "as_str", x).calls[0].value == "[0 1 2]"
    run = call(box, "nothing", x)
    assert run.status == "ok" and run.calls[0].value is None
    gen = call(box, "gen", x).calls[0].value
    assert isinstance(gen, Opaque) and gen.type_name == "generator"
    fn = call(box, "func", x).calls[0].value
    assert isinstance(fn, Opaque) and fn.type_name == "function"
    deep = call(box, "deep", x).calls[0].value
    while isinstance(deep, list):
        deep = deep[0]
    assert isinstance(deep, Opaque) and "too deeply nested" in deep.repr


# ---------------------------------------------------------------- code that does not load


def test_syntax_error(sandbox: MakeBox) -> None:
    """A syntax error is reported with the submission's name, the line and a caret."""
    box = sandbox("syntax_error")
    loaded = box.load()
    assert loaded.status == "syntax-error"
    err = loaded.error
    assert err is not None and err.type == "SyntaxError"
    assert 'File "syntax_error.py", line 5' in err.traceback and "^" in err.traceback


def test_import_error(sandbox: MakeBox) -> None:
    """A missing module at import is an import error with the submission's line."""
    loaded = sandbox("import_error").load()
    assert loaded.status == "import-error"
    err = loaded.error
    assert err is not None and err.type == "ModuleNotFoundError"
    assert 'File "import_error.py", line 3, in <module>' in err.traceback
    assert "numpy_but_faster" in err.message


def test_import_error_inside_a_function(sandbox: MakeBox) -> None:
    """A missing module imported inside a function fails that call only, with its traceback."""
    box = sandbox("lazy_import")
    assert box.load().status == "ok"
    run = call(box, "f", 1)
    err = run.calls[0].error
    assert err is not None and err.type == "ModuleNotFoundError"
    assert 'File "lazy_import.py", line 5, in f\n    import numpy_but_faster' in err.traceback
    assert "sandbox" not in err.traceback  # no frames of the harness
    assert call(box, "ok", 2).calls[0].value == 2


def test_nothing_outlives_a_killed_grader(tmp_path: Path) -> None:
    """If the grader dies (SIGKILL) mid-test, the child, its processes and its files follow."""
    script = tmp_path / "grader.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "from mldrill.grade.sandbox import Call, Limits, Sandbox, TestJob\n"
        f"box = Sandbox(Path({str(SUBMISSIONS / 'sleeper.py')!r}), Limits(wall_seconds=60))\n"
        "box.load()\n"
        "print(box.marker, box._live.workdir, flush=True)\n"
        "box.run(TestJob('t', (Call('f'),)))\n"
    )
    grader = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert grader.stdout is not None
        marker, workdir = grader.stdout.readline().split()
        deadline = time.monotonic() + 10
        while len(leftovers(marker)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # the child is up and sleeping in the student's call
        assert leftovers(marker)
    finally:
        grader.kill()
        grader.wait()
    deadline = time.monotonic() + 5
    while (leftovers(marker) or os.path.exists(workdir)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftovers(marker) == []
    assert not os.path.exists(workdir)  # removed by the wrapper, the grader being gone
