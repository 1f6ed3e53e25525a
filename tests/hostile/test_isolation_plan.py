"""The isolation planning, without starting anything: what the child's root is built from, how
a failed step degrades the plan, and how the result is described."""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from mldrill.grade.sandbox._wrapper import (
    DENIED,
    RET_ALLOW,
    RET_EPERM,
    SOCKET,
    landlock_abi,
    seccomp_program,
)
from mldrill.grade.sandbox.isolation import Plan, _degrade, describe, landlock_rules, probe
from mldrill.grade.sandbox.view import PACKAGE_DIRS, Runtime, exposed, plan_view, runtime

RT = Runtime(executable="/opt/py/bin/python3.11", stdlib=("/opt/py/lib/python3.11",),
             numpy="/tmp/venv/lib/python3.11/site-packages/numpy",
             numpy_extra=("/tmp/venv/lib/python3.11/site-packages/numpy.libs",),
             libs=("/usr/lib/x86_64-linux-gnu/libc.so.6", "/opt/py/lib/libpython3.11.so.1.0",
                   "/tmp/venv/lib/python3.11/site-packages/numpy.libs/libopenblas.so"),
             interp="/lib64/ld-linux-x86-64.so.2", prefixes=("/opt/py", "/tmp/venv"))
FULL = Plan(python="python", runtime=RT, userns=True, mountns=True, netns=True, pidns=True,
            ipcns=True, proc="mount", nested=True, landlock=6, seccomp=True)


def test_the_allow_list_is_python_numpy_and_system_libraries() -> None:
    """Exposed: the interpreter, its stdlib folder, numpy's two folders, libpython as a file
    (its folder holds the prefix's packages) and system library folders whole; nothing else."""
    got = dict(exposed(RT))
    assert got == {
        "/opt/py/bin/python3.11": "file",
        "/opt/py/lib/python3.11": "dir",
        "/opt/py/lib/libpython3.11.so.1.0": "file",
        "/tmp/venv/lib/python3.11/site-packages/numpy": "dir",
        "/tmp/venv/lib/python3.11/site-packages/numpy.libs": "dir",
        "/usr/lib/x86_64-linux-gnu": "dir",
        **({"/etc/ld.so.cache": "file"} if os.path.isfile("/etc/ld.so.cache") else {}),
    }
    assert not any(p.endswith(PACKAGE_DIRS) for p in got)  # never a whole site-packages


def test_this_pythons_view_has_no_site_packages_and_no_checkout() -> None:
    """On this machine: no exposed path is a site-packages folder, the mldrill package, its
    bundled solutions, this checkout, home or a temporary folder."""
    view = json.loads(plan_view(runtime(sys.executable)))
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for path, _ in view["binds"]:
        assert not path.endswith(PACKAGE_DIRS), path
        assert "/mldrill" not in path and "solutions" not in path, path
        assert path != repo and path not in ("/", "/home", "/root", "/tmp", "/dev/shm")
        assert not repo.startswith(path + "/") or path == "/", path
    assert all(path.endswith(PACKAGE_DIRS) for path in view["covers"])


def test_numpy_in_the_base_interpreters_site_packages_is_bound_inside_the_cover(
        tmp_path: Path) -> None:
    """A base interpreter with numpy in its own site-packages: the site-packages folder is
    covered by an empty one and numpy alone is bound back inside it (after the cover)."""
    std = tmp_path / "lib" / "python3.11"
    (std / "site-packages" / "numpy").mkdir(parents=True)
    (std / "site-packages" / "mldrill").mkdir()
    (std / "os.py").write_text("")
    rt = replace(RT, stdlib=(str(std),), numpy=str(std / "site-packages" / "numpy"),
                 numpy_extra=(), libs=(), prefixes=(str(tmp_path),))
    view = json.loads(plan_view(rt))
    assert view["covers"] == [str(std / "site-packages")]
    assert view["inner"] == [[str(std / "site-packages" / "numpy"), "dir"]]
    assert [str(std), "dir"] in view["binds"]
    assert not any("mldrill" in p for p, _ in view["binds"] + view["inner"])


def test_landlock_without_the_new_root_allows_stdlib_entries_not_packages() -> None:
    """Without a mount namespace Landlock carries the allow-list: the stdlib is allowed entry
    by entry, its folder only listed, and only the work folder is writable."""
    plan = replace(FULL, mountns=False, proc=None)
    view = {"binds": [[p, k] for p, k in exposed(runtime(sys.executable))], "inner": [],
            "devices": ["/dev/null"]}
    rules = landlock_rules(replace(plan, runtime=runtime(sys.executable)), view, "/tmp/w")
    assert rules["write"] == ["/tmp/w"] and rules["devices"] == ["/dev/null"]
    assert rules["list"] == list(runtime(sys.executable).stdlib)
    assert not any(p.endswith(PACKAGE_DIRS) for p in rules["read"])
    assert not set(rules["list"]) & set(rules["read"])


@pytest.mark.parametrize(("step", "expect"), [
    ("userns", dict(userns=False, mountns=False, netns=False, pidns=False, nested=False)),
    ("netns", dict(netns=False, mountns=True, pidns=True)),
    ("ipcns", dict(ipcns=False, mountns=True, netns=True)),
    ("pidns", dict(pidns=False, proc=None, mountns=True)),
    ("bind", dict(mountns=False, proc=None, netns=True)),
    ("pivot", dict(mountns=False, proc=None, netns=True)),
    ("proc", dict(proc=None, mountns=True)),
    ("landlock", dict(landlock=0, mountns=True)),
    ("seccomp", dict(seccomp=False, landlock=6, mountns=True)),
    # Landlock forbids remounting, so the mounts hold without the locking user namespace
    ("nested", dict(nested=False, mountns=True, netns=True)),
])
def test_a_failed_step_degrades_the_plan(step: str, expect: dict[str, Any]) -> None:
    """Each failing step is dropped with what relied on it; the rest stays."""
    plan = _degrade(FULL, step, root=False)
    for key, value in expect.items():
        assert getattr(plan, key) == value, key


def test_degrading_as_root() -> None:
    """Root falls back to a user namespace, keeps its mounts without `nested`, can lose `drop`;
    a non-root child without nested or Landlock could remount the runtime writable: no mounts."""
    root = replace(FULL, userns=False, drop=True)
    assert _degrade(root, "mountns", root=True).userns  # root without capabilities
    assert _degrade(root, "nested", root=True).mountns  # uid 65534 cannot unmount anyway
    assert not _degrade(root, "exec", root=True).drop  # python out of reach of uid 65534
    assert not _degrade(replace(FULL, landlock=0), "nested", root=False).mountns


def test_describe() -> None:
    """The phrases name what was achieved, or say "rlimits only" and why."""
    assert describe(FULL)[:6] == ("rlimits", "user-ns", "net-ns", "pid-ns", "ipc-ns",
                                  "mount-ns: allow-list root")
    assert "landlock abi 6" in describe(FULL)
    assert "seccomp" in describe(FULL)
    seccomp_only = Plan(python="python", runtime=RT, seccomp=True, missing=("userns: no",))
    assert describe(seccomp_only)[0].startswith("rlimits only: ")
    bare = Plan(python="python", runtime=RT, missing=("userns: Operation not permitted",))
    assert describe(bare)[0].startswith(
        "rlimits only: namespaces and Landlock unavailable (userns: Operation not permitted)")
    partial = replace(FULL, ipcns=False, missing=("ipcns: Operation not permitted",))
    assert describe(partial)[-1] == "partial: ipcns: Operation not permitted"


def test_this_machine_is_fully_isolated_or_says_why() -> None:
    """The probe's plan either isolates fully or names each missing step in `describe`."""
    plan = probe(sys.executable)
    assert plan.fully_isolated or plan.missing


def run_bpf(prog: list[tuple[int, int, int, int]], arch: int, nr: int, arg0: int = 0) -> int:
    """A classic-BPF interpreter for the four instructions the filter uses."""
    data = {0: nr, 4: arch, 16: arg0}
    acc, pc = 0, 0
    while True:
        code, jt, jf, k = prog[pc]
        if code == 0x20:  # ld [k]
            acc = data[k]
        elif code == 0x06:  # ret k
            return k
        elif code in (0x15, 0x35):  # jeq / jge k
            hit = acc == k if code == 0x15 else acc >= k
            pc += jt if hit else jf
        else:
            raise AssertionError(f"unknown instruction {code:#x}")
        pc += 1
        assert 0 <= pc < len(prog), "a jump leaves the program"


@pytest.mark.parametrize("machine", sorted(DENIED))
def test_the_seccomp_filter_refuses_exactly_what_it_says(machine: str) -> None:
    """Shared kernel objects, ptrace and non-AF_UNIX sockets get EPERM; read, write, mmap,
    AF_UNIX sockets are allowed; another architecture and x32 calls are refused."""
    prog = seccomp_program(machine)
    arch, denied = DENIED[machine]
    for nr in denied:
        assert run_bpf(prog, arch, nr) == RET_EPERM, nr
    sock = SOCKET[machine]
    assert run_bpf(prog, arch, sock, 1) == RET_ALLOW  # AF_UNIX
    for domain in (2, 10, 16, 17):  # AF_INET, AF_INET6, AF_NETLINK, AF_PACKET
        assert run_bpf(prog, arch, sock, domain) == RET_EPERM, domain
    for nr in range(0, 20):
        if nr not in denied and nr != sock:
            assert run_bpf(prog, arch, nr) == RET_ALLOW, nr
    assert run_bpf(prog, 0x40000003, 0) == RET_EPERM  # i386 calls on an x86_64 kernel
    if machine == "x86_64":
        assert run_bpf(prog, arch, 0x40000000 + 29) == RET_EPERM  # x32 shmget


def test_no_step_is_dropped_for_a_bug_of_ours() -> None:
    """On this machine the probe keeps seccomp, and Landlock when the kernel offers it: a
    filter or ruleset the kernel refuses as invalid would silently weaken every child."""
    plan = probe(sys.executable)
    assert not any(m.startswith("seccomp") for m in plan.missing), plan.missing
    assert plan.seccomp or platform.machine() not in DENIED
    abi = landlock_abi()
    assert plan.landlock == min(abi, 7) or abi == 0, plan.missing
