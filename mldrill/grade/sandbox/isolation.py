"""How much isolation this machine allows (probed once per process) and how to start a child.

Wanted, in order: new user (when not root), PID, network, IPC and UTS namespaces; a mount
namespace whose root holds only the allow-list of `view` (python and numpy read-only, a private
work folder, a fresh /proc); when running as root, an unprivileged uid; one more user namespace
that locks those mounts; Landlock (the same allow-list, enforced by the kernel on every open,
and the filesystem guard where mount namespaces are unavailable); then rlimits. The probe runs
`_wrapper.py` with all of it on `import numpy`; when a step fails it drops that step (and what
depends on it) and tries again, so the plan always works here. The achieved isolation is
reported as data (`describe`).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from mldrill import THREAD_VARS
from mldrill.grade.sandbox.view import WORK, Runtime, View, plan_view, runtime, stdlib_entries
from mldrill.record import replace

if TYPE_CHECKING:
    from mldrill.values import Json, JsonObject

NOBODY = 65534
SETUP_FAILED = 120
# imports numpy the way the harness does: by path, with no site-packages on sys.path
IMPORT_NUMPY = (
    "import importlib.util as u, os, sys; d = sys.argv[1]; "
    "s = u.spec_from_file_location('numpy', os.path.join(d, '__init__.py'), "
    "submodule_search_locations=[d]); m = u.module_from_spec(s); sys.modules['numpy'] = m; "
    "s.loader.exec_module(m); os.listdir('.')")


@functools.cache
def source(name: str) -> str:
    """The text of a standalone program of this package (`_wrapper.py`, `_child.py`)."""
    return Path(__file__).with_name(name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Plan:
    """The isolation steps that work on this machine for this python."""

    python: str
    runtime: Runtime
    userns: bool = False
    mountns: bool = False
    netns: bool = False
    pidns: bool = False
    ipcns: bool = False  # with UTS
    proc: str | None = None  # "mount": a fresh /proc in the new root; None: an empty /proc
    drop: bool = False  # root -> NOBODY
    nested: bool = False
    landlock: int = 0  # the Landlock ABI used (0: none)
    seccomp: bool = False  # no SysV IPC, message queues, keyrings or ptrace
    missing: tuple[str, ...] = ()  # "step: reason" for each step that failed here

    @property
    def fully_isolated(self) -> bool:
        """Nothing of the host is readable or writable but the allow-list, no network, no
        process or kernel object outside, and the child cannot undo any of it."""
        locked = self.nested or self.drop or self.landlock > 0
        return self.mountns and self.netns and self.pidns and self.ipcns and locked


def base_env(workdir: str, marker: str) -> dict[str, str]:
    """The child's whole environment: nothing of the grader's is inherited."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "HOME": workdir, "TMPDIR": workdir, "MLDRILL_SANDBOX": marker}
    env.update(dict.fromkeys(THREAD_VARS, "1"))
    return env


def landlock_rules(plan: Plan, view: View, work: str) -> dict[str, list[str]]:
    """Landlock's allow-list: read (and execute) the runtime, write only the work folder, use
    the devices. Without the new root, the standard library is allowed entry by entry (its
    folders only listed), so a base interpreter's site-packages stays out of reach."""
    read = [p for p, _ in view["binds"] + view["inner"]]
    listed: list[str] = []
    if plan.mountns:
        if plan.proc == "mount":
            read.append("/proc")
    else:
        std = set(plan.runtime.stdlib)
        read = [p for p in read if p not in std] + stdlib_entries(plan.runtime)
        listed = list(plan.runtime.stdlib)
    return {"read": read, "list": listed, "write": [work], "devices": list(view["devices"])}


def wrapper_config(plan: Plan, *, workdir: str, work_size: int,
                   rlimits: list[tuple[str, int, int]], argv: list[str],
                   env: dict[str, str]) -> JsonObject:
    """The JSON config `_wrapper.py` reads from its config pipe for one child."""
    view: View = json.loads(plan_view(plan.runtime))
    work = WORK if plan.mountns else workdir
    return {
        "userns": plan.userns, "mountns": plan.mountns, "netns": plan.netns,
        "pidns": plan.pidns, "ipcns": plan.ipcns, "proc": plan.proc, "nested": plan.nested,
        "drop": [NOBODY, NOBODY] if plan.drop else None, "view": cast("Json", view),
        "work": WORK,
        "workdir": workdir, "cwd": work, "work_size": work_size,
        "landlock": landlock_rules(plan, view, work) if plan.landlock else None,
        "seccomp": plan.seccomp,
        "rlimits": [list(r) for r in rlimits], "argv": argv, "env": env,
    }


def wrapper_argv(python: str, config_fd: int) -> list[str]:
    return [python, "-I", "-S", "-c", source("_wrapper.py"), str(config_fd)]


def start_wrapper(python: str, config: JsonObject, *, cwd: str, env: dict[str, str],
                  pass_fds: tuple[int, ...] = ()) -> subprocess.Popen[bytes]:
    """Start `_wrapper.py` with `config` on a pipe (never in argv, where /proc shows it), in a
    new session, its stdin empty and its stdout and stderr on pipes; `pass_fds` stay open in
    it."""
    cfg_r, cfg_w = os.pipe()
    try:
        proc = subprocess.Popen(wrapper_argv(python, cfg_r), pass_fds=(*pass_fds, cfg_r),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=cwd, env=env,
                                start_new_session=True)
    except BaseException:
        os.close(cfg_w)
        raise
    finally:
        os.close(cfg_r)
    with os.fdopen(cfg_w, "wb") as f:
        try:
            f.write(json.dumps(config).encode())
        except BrokenPipeError:
            pass  # the wrapper died at once; its exit status tells why
    return proc


def _try(plan: Plan) -> tuple[str, str] | None:
    """Run the wrapper with this plan on `import numpy`; the failing (step, reason) or None."""
    workdir = tempfile.mkdtemp(prefix="mldrill-probe-")
    try:
        Path(workdir, "probe.txt").write_text("probe\n")
        if plan.drop and not plan.mountns:
            os.chown(workdir, NOBODY, NOBODY)
        argv = [plan.runtime.executable, "-I", "-S", "-c", IMPORT_NUMPY, plan.runtime.numpy]
        env = base_env(WORK if plan.mountns else workdir, "probe")
        cfg = wrapper_config(plan, workdir=workdir, work_size=1 << 20, rlimits=[],
                             argv=argv, env=env)
        try:
            proc = start_wrapper(plan.python, cfg, cwd=workdir, env=env)
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return ("setup", "the probe timed out")
        if proc.returncode == 0:
            return None
        text = err.decode(errors="replace")
        for line in text.splitlines():
            if line.startswith("mldrill-wrapper-failed "):
                _, step, reason = (line.split(" ", 2) + [""])[:3]
                return (step, reason)
        return ("exec", f"exit status {proc.returncode}: {text.strip()[-300:]}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


MOUNT_STEPS = ("mountns", "root", "bind", "workdir", "pivot")


def _degrade(plan: Plan, step: str, root: bool) -> Plan:
    """The plan without the step that failed (and without what relied on it)."""
    nothing = replace(plan, userns=False, mountns=False, netns=False, pidns=False,
                      ipcns=False, proc=None, nested=False)
    if step == "userns":
        return nothing
    if step in ("mountns", "netns", "pidns", "ipcns") and root and not plan.userns:
        return replace(plan, userns=True)  # root without capabilities: try a user namespace
    if step in MOUNT_STEPS:
        return replace(plan, mountns=False, proc=None)
    if step == "netns":
        return replace(plan, netns=False)
    if step == "ipcns":
        return replace(plan, ipcns=False)
    if step == "pidns":
        return replace(plan, pidns=False, proc=None)
    if step == "proc":
        return replace(plan, proc=None)  # the new root then has an empty /proc
    if step == "nested":
        # as root of its user namespace the child could remount the runtime writable: keep
        # the mounts only where Landlock (which forbids remounting) or the uid drop holds
        keep = plan.drop and not plan.userns or plan.landlock > 0
        return replace(plan, nested=False, mountns=plan.mountns and keep,
                       proc=plan.proc if keep else None)
    if step == "landlock":
        return replace(plan, landlock=0)
    if step == "seccomp":
        return replace(plan, seccomp=False)
    if step in ("drop", "exec") and plan.drop:
        return replace(plan, drop=False)
    return replace(nothing, drop=False, landlock=0, seccomp=False)


def _landlock_abi(python: str) -> int:
    out = subprocess.run([python, "-I", "-S", "-c",
                          "import ctypes; l = ctypes.CDLL(None); l.syscall.restype = "
                          "ctypes.c_long; print(max(0, l.syscall(444, None, 0, 1)))"],
                         capture_output=True, text=True, timeout=60, cwd="/")
    try:
        return min(int(out.stdout.strip() or 0), 7)
    except ValueError:
        return 0


@functools.cache
def probe(python: str) -> Plan:
    """The best plan that works on this machine for `python` (cached for the process)."""
    root = os.geteuid() == 0
    plan = Plan(python=python, runtime=runtime(python), userns=not root, mountns=True,
                netns=True, pidns=True, ipcns=True, proc="mount", drop=root, nested=True,
                landlock=_landlock_abi(python), seccomp=True)
    missing: list[str] = []
    for _ in range(16):
        failed = _try(plan)
        if failed is None:
            return replace(plan, missing=tuple(missing))
        missing.append(f"{failed[0]}: {failed[1]}")
        bare = not (plan.userns or plan.mountns or plan.netns or plan.pidns or plan.ipcns
                    or plan.drop or plan.landlock or plan.seccomp)
        if bare:
            break
        plan = _degrade(plan, failed[0], root)
    return replace(plan, userns=False, mountns=False, netns=False, pidns=False, ipcns=False,
                   proc=None, drop=False, nested=False, landlock=0, seccomp=False,
                   missing=tuple(missing))


def outer_uid() -> int:
    """Our uid as the enclosing user namespace sees it (0: RLIMIT_NPROC will not bind)."""
    uid = os.geteuid()
    try:
        with open("/proc/self/uid_map") as f:
            for line in f:
                inside, outside, count = map(int, line.split())
                if inside <= uid < inside + count:
                    return outside + uid - inside
    except (OSError, ValueError):
        pass
    return uid


def describe(plan: Plan) -> tuple[str, ...]:
    """The isolation a child gets, as short phrases (e.g. "pid-ns", "mount-ns: allow-list
    root"), or "rlimits only: ..." and why."""
    parts = ["rlimits"]
    if plan.userns or plan.nested:
        parts.append("user-ns")
    for on, name in ((plan.netns, "net-ns"), (plan.pidns, "pid-ns"), (plan.ipcns, "ipc-ns")):
        if on:
            parts.append(name)
    if plan.mountns:
        parts.append("mount-ns: allow-list root")
        parts.append("proc: fresh" if plan.proc == "mount" else "proc: none")
    if plan.landlock:
        parts.append(f"landlock abi {plan.landlock}" + ("" if plan.mountns else
                     ": allow-list"))
    if plan.seccomp:
        parts.append("seccomp")
    if plan.drop:
        parts.append(f"uid {NOBODY} (dropped root)")
    elif outer_uid() == 0:
        parts.append("processes: not limited (root outside)")
    core = [p for p in parts if not p.startswith(("uid ", "processes: ", "seccomp"))]
    if len(core) == 1:
        why = "; ".join(plan.missing) or "not tried"
        return (f"rlimits only: namespaces and Landlock unavailable ({why}); the submission "
                "can read and write what the grading user can", *parts[1:])
    if not plan.fully_isolated:
        parts.append("partial: " + ("; ".join(plan.missing) or "some steps unavailable"))
    return tuple(parts)

