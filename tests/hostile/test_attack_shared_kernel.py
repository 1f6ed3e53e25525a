"""Attacks through kernel objects (issue 11, class 3): one student's child shares nothing with
another's (run while the first is still loaded, and after it is closed) nor with the grader, and
leaves nothing behind on the machine. Student A publishes, student B looks; the host is checked
from outside once both sandboxes are closed."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
from collections.abc import Iterator

import pytest
from attack_helpers import (
    World,
    mqueue_exists,
    processes_named,
    remove_mqueue,
    remove_sysv,
    revoke_key,
    session_key,
    sysv_objects,
)

PROCESSES = {"wall_seconds": 2, "cpu_seconds": 2, "memory_bytes": 512 << 20, "processes": 4}


def a_and_b(world: World, name: str) -> dict[str, dict[str, object]]:
    """Two students' sandboxes on the same submission file (A publishes, B and C look)."""
    a = world.submission(name, "alice.py")
    b = world.submission(name, "bob_attacker.py")
    return {"A": {"submission": a}, "B": {"submission": b}, "C": {"submission": b}}


def failed(seen: dict[str, object]) -> bool:
    """Every read was refused (an errno name such as ENOENT)."""
    return all(isinstance(v, str) and v.startswith("E") and v.isupper() for v in seen.values())


@pytest.fixture
def sysv_key() -> Iterator[int]:
    """A SysV key nobody else uses; whatever is left under it is removed afterwards."""
    key = 0x10000000 + secrets.randbelow(0x6FFFFFFF)
    yield key
    remove_sysv(key)


def test_sysv_ipc_is_not_shared(world: World, sysv_key: int) -> None:
    """SysV shared memory, semaphores and message queues one child creates are invisible to
    another child (alive together, or later) and are gone from the host once it is closed."""
    verdict = world.play(a_and_b(world, "ipc_publish"), [
        {"box": "A", "call": "sysv_publish", "args": [sysv_key, world.canary]},
        {"box": "B", "call": "sysv_read", "args": [sysv_key]},
        {"close": "A"},
        {"box": "C", "call": "sysv_read", "args": [sysv_key]}])
    verdict.value(0)  # created, inside its own namespace (or refused: either is safe)
    for seen in (verdict.value(1), verdict.value(3)):
        assert failed(seen), seen
    assert sysv_objects(sysv_key) == []  # nothing pins the host's memory
    world.nothing_left(verdict)


@pytest.fixture
def ipc_name() -> Iterator[str]:
    """A POSIX IPC name nobody else uses; whatever is left under it is removed afterwards."""
    name = "mldrill-attack-" + secrets.token_hex(6)
    yield name
    remove_mqueue(name)
    for path in (f"/dev/shm/{name}", f"/dev/shm/{name}.file"):
        if os.path.lexists(path):
            os.unlink(path)


def test_posix_shared_memory_and_queues_are_not_shared(world: World, ipc_name: str) -> None:
    """shm_open, files in /dev/shm and POSIX message queues are invisible to another child and
    leave nothing on the host."""
    verdict = world.play(a_and_b(world, "ipc_publish"), [
        {"box": "A", "call": "posix_publish", "args": [ipc_name, world.canary]},
        {"box": "B", "call": "posix_read", "args": [ipc_name]},
        {"close": "A"},
        {"box": "C", "call": "posix_read", "args": [ipc_name]}])
    for seen in (verdict.value(1), verdict.value(3)):
        assert failed(seen), seen
    assert not mqueue_exists(ipc_name)
    assert [p for p in (f"/dev/shm/{ipc_name}", f"/dev/shm/{ipc_name}.file")
            if os.path.lexists(p)] == []
    world.nothing_left(verdict)


def test_abstract_unix_sockets_are_not_shared(world: World) -> None:
    """An abstract unix socket one child listens on cannot be reached by another child alive at
    the same time, and one the grader listens on cannot be reached at all."""
    name = "mldrill-attack-" + secrets.token_hex(6)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as grader_side:
        grader_side.bind("\0" + name + "-grader")
        grader_side.listen(1)
        grader_side.setblocking(False)
        verdict = world.play(a_and_b(world, "kernel_shared"), [
            {"box": "A", "call": "listen", "args": [name]},
            {"box": "B", "call": "connect", "args": [[name, name + "-grader"]]},
            {"box": "A", "call": "honest", "args": [1]}])
        with pytest.raises(BlockingIOError):
            grader_side.accept()
    reached = {k: v for k, v in verdict.value(1).items() if v == "connected"}
    assert reached == {}
    assert verdict.value(2) == 2
    world.nothing_left(verdict)


def test_keyrings_are_not_shared(world: World) -> None:
    """A key added to the session, user or user-session keyring is found neither by another
    child nor by the grader, during or after."""
    desc = "mldrill-attack-" + secrets.token_hex(6)
    try:
        verdict = world.play(a_and_b(world, "kernel_shared"), [
            {"box": "A", "call": "key_publish", "args": [desc, world.canary]},
            {"box": "B", "call": "key_read", "args": [desc]},
            {"close": "A"},
            {"box": "C", "call": "key_read", "args": [desc]}])
        for seen in (verdict.value(1), verdict.value(3)):
            assert failed(seen), seen
        assert session_key(desc) < 0  # in the keyrings of the tests' own process
        world.nothing_left(verdict)
    finally:
        while (key := session_key(desc)) >= 0:
            revoke_key(key)


def test_environment_and_descriptors_are_the_childs_own(world: World) -> None:
    """A child's environment holds only the sandbox's variables (no grader secret, nothing
    another child set), and its only descriptors are stdin (/dev/null), stdout, stderr and the
    two pipes to the grader."""
    verdict = world.play(a_and_b(world, "kernel_shared"), [
        {"box": "A", "call": "env_set", "args": ["ANSWER", world.canary]},
        {"box": "B", "call": "environment"},
        {"box": "B", "call": "fds"}])
    env = verdict.value(1)
    assert world.canary not in str(env) and world.grader.secret not in str(env)
    assert not {"ANSWER", "MLDRILL_ATTACK_SECRET", "MLDRILL_HOME", "MLDRILL_CACHE"} & set(env)
    fds = verdict.value(2)
    assert fds["0"] == "/dev/null", fds
    assert {"1", "2"} <= set(fds) and len(fds) == 5, fds
    assert all(fds[k].startswith(("pipe:", "socket:")) for k in fds if k != "0"), fds
    world.nothing_left(verdict)


def test_files_one_child_leaves_are_invisible_to_another(world: World) -> None:
    """Files a child writes in its working, home and temporary folders cannot be found by
    another child, alive at the same time or later, and are gone once it is closed."""
    name = f"answers-{world.tag}.txt"
    verdict = world.play(a_and_b(world, "kernel_shared"), [
        {"box": "A", "call": "drop_files", "args": [world.canary, name]},
        {"box": "B", "call": "find_files", "args": [name]},
        {"close": "A"},
        {"box": "C", "call": "find_files", "args": [name]}])
    assert verdict.value(0)  # at least in its own working folder
    assert verdict.value(1) == {}
    assert verdict.value(3) == {}
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        assert not os.path.lexists(f"{folder}/{name}")
    world.nothing_left(verdict)


def test_hostname_cannot_be_changed(world: World) -> None:
    """sethostname in a child changes neither the machine's hostname nor another child's."""
    host = socket.gethostname()
    name = "pwned-" + world.tag
    verdict = world.play(a_and_b(world, "kernel_shared"), [
        {"box": "A", "call": "set_hostname", "args": [name]},
        {"box": "B", "call": "hostname"}])
    assert socket.gethostname() == host
    assert verdict.value(1) != name
    world.nothing_left(verdict)


def test_signals_reach_no_process_outside(world: World) -> None:
    """A child can kill no other process: not the grader, not a bystander of the grader's
    user, not a classmate's child alive at the same time (found by its marker; it keeps
    working)."""
    bystander = subprocess.Popen([*world.grader.prefix, "sleep", "600"])
    try:
        boxes = a_and_b(world, "kernel_shared")
        targets = [bystander.pid, world.grader.pid()]
        verdict = world.play(boxes, [
            {"box": "A", "call": "honest", "args": [1]},
            {"box": "B", "call": "signal_everyone", "args": [targets, "$marker:A"]},
            {"box": "A", "call": "honest", "args": [2]}])
        report = verdict.value(1)
        assert report["killed"] == {}, report
        assert bystander.poll() is None
        assert verdict.value(2) == 3  # and the grader is alive: it answered
        world.nothing_left(verdict)
    finally:
        bystander.send_signal(signal.SIGKILL)
        bystander.wait()


def test_lingering_processes_are_all_killed(world: World) -> None:
    """A thread sleeping forever, an unreaped zombie and a double-forked daemon that execs
    `sleep` without the sandbox's marker all die when the sandbox is closed."""
    token = world.tag
    sub = world.submission("linger")
    verdict = world.play({"A": {"submission": sub, "limits": PROCESSES}}, [
        {"box": "A", "call": "linger", "args": [token]},
        {"box": "A", "call": "alive", "args": [token]},
        {"box": "A", "call": "honest", "args": [1]}])
    assert verdict.value(0) == ["thread", "zombie", "daemon"]
    assert len(verdict.value(1)) == 3  # the child saw all three under their name
    assert verdict.value(2) == 2
    assert processes_named(token) == []
    world.nothing_left(verdict)
