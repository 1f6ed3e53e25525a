"""How much isolation this machine allows (probed once per process) and how to start a child.

Wanted, in order: new user, mount, network and PID namespaces; the grader's files, home and
temporary directories covered by empty read-only tmpfs (python itself and the child's working
directory bind-mounted back); a fresh /proc; when running as root, an unprivileged uid; one more
user namespace that locks those mounts; then rlimits. The probe runs `_wrapper.py` with all of it
on `python -I -c "import numpy"`; when a step fails it drops that step (and what depends on it)
and tries again, so the plan always works here. Rlimits alone are the last resort; the achieved
isolation is reported as data (`describe`).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mldrill.grade.model import SandboxError

NOBODY = 65534
SETUP_FAILED = 120
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the mldrill package
DEFAULT_HIDDEN = ("/home", "/root", "/tmp", "/var/tmp", "/dev/shm", "/run")
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")

_INFO = """
import json, os, sys
real = os.path.realpath
try:
    import numpy
    np_dir = real(os.path.dirname(numpy.__file__))
except Exception:
    np_dir = None
keeps = {real(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}
keeps.add(real(os.path.dirname(real(sys.executable))))
keeps.add(real(os.path.dirname(os.path.dirname(os.path.abspath(sys.argv[1])))))
if np_dir:
    keeps.add(np_dir)
homes = [p for p in sys.path if p and os.path.isdir(os.path.join(p, "mldrill"))]
drop = [p for p in homes if not os.path.isdir(os.path.join(p, "numpy"))]
packages = sorted({real(os.path.join(p, "mldrill")) for p in homes})
print(json.dumps({"keeps": sorted(keeps), "drop_paths": drop, "packages": packages,
                  "numpy": np_dir is not None}))
"""


@functools.cache
def source(name: str) -> str:
    """The text of a standalone program of this package (`_wrapper.py`, `_child.py`)."""
    return Path(__file__).with_name(name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class PythonInfo:
    """What the child's python needs to stay visible, and where it would find mldrill."""

    keeps: tuple[str, ...]  # its prefixes and numpy
    drop_paths: tuple[str, ...]  # sys.path entries that only bring mldrill (an editable install)
    packages: tuple[str, ...] = ()  # every `mldrill` directory on its sys.path (and _bundled/)


@dataclass(frozen=True)
class Plan:
    """The isolation steps that work on this machine for this python."""

    python: str
    info: PythonInfo
    userns: bool = False
    mountns: bool = False
    netns: bool = False
    pidns: bool = False
    proc: str | None = None  # "mount" (fresh /proc), "hide" (empty /proc) or None
    drop: bool = False  # root -> NOBODY
    nested: bool = False
    missing: tuple[str, ...] = ()  # "step: reason" for each step that failed here


def python_info(python: str) -> PythonInfo:
    out = subprocess.run([python, "-I", "-c", _INFO, python], capture_output=True, text=True,
                         timeout=60, env=base_env(tempfile.gettempdir(), "probe"))
    if out.returncode != 0:
        raise SandboxError(f"{python} cannot run: {out.stderr.strip()[-500:]}")
    data = json.loads(out.stdout)
    if not data["numpy"]:
        raise SandboxError(f"{python} cannot import numpy, which the child needs")
    return PythonInfo(tuple(data["keeps"]), tuple(data["drop_paths"]), tuple(data["packages"]))


def base_env(workdir: str, marker: str) -> dict[str, str]:
    """The child's whole environment: nothing of the grader's is inherited."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "HOME": workdir, "TMPDIR": workdir, "MLDRILL_SANDBOX": marker}
    env.update(dict.fromkeys(THREAD_VARS, "1"))
    return env


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def hidden_paths(extra: Sequence[os.PathLike[str] | str] = (),
                 packages: Sequence[str] = ()) -> list[tuple[str, str | None]]:
    """(path, package name or None) for every existing path the child must not see."""
    found: list[tuple[str, str | None]] = [(p, "mldrill") for p in (str(PACKAGE_DIR), *packages)]
    repo = PACKAGE_DIR.parent
    if (repo / "pyproject.toml").is_file() and any(
        (repo / d).is_dir() for d in ("solutions", "problems")
    ):
        found.append((str(repo), None))  # a source checkout: solutions, problems, .git, tests
    others = [*DEFAULT_HIDDEN, str(Path.home()), tempfile.gettempdir(), *map(str, extra)]
    found += [(os.path.realpath(p), None) for p in others]
    seen: dict[str, str | None] = {}
    for path, package in found:
        if os.path.lexists(path) and path != "/":
            seen[path] = seen.get(path) or package
    return list(seen.items())


def plan_hides(entries: list[tuple[str, str | None]], keeps: Sequence[str]) -> list[dict[str, Any]]:
    """The wrapper's hide list: deepest first, each with the kept paths found under it."""
    keeps = sorted({k for k in keeps if not any(_inside(k, o) and k != o for o in keeps)})
    out = []
    for path, package in sorted(entries, key=lambda e: -e[0].count("/")):
        if path in keeps:
            continue  # python (or the working directory) itself: never hidden
        covered = any(
            _inside(path, other) and other != path and not any(_inside(path, k) for k in keeps)
            for other, _ in entries
        )
        if covered:
            continue  # already inside a hidden path
        out.append({"path": path, "package": package,
                    "keeps": [k for k in keeps if _inside(k, path) and k != path]})
    return out


def wrapper_config(plan: Plan, *, workdir: str, work_size: int, hides: list[dict[str, Any]],
                   rlimits: list[tuple[str, int, int]], argv: list[str],
                   env: dict[str, str]) -> dict[str, Any]:
    """The JSON config `_wrapper.py` takes for one child."""
    return {
        "userns": plan.userns, "mountns": plan.mountns, "netns": plan.netns,
        "pidns": plan.pidns, "proc": plan.proc, "nested": plan.nested,
        "drop": [NOBODY, NOBODY] if plan.drop else None,
        "workdir": workdir, "work_size": work_size, "hides": hides if plan.mountns else [],
        "rlimits": [list(r) for r in rlimits], "argv": argv, "env": env,
    }


def wrapper_argv(python: str, config: dict[str, Any]) -> list[str]:
    return [python, "-I", "-S", "-c", source("_wrapper.py"), json.dumps(config)]


def _try(plan: Plan) -> tuple[str, str] | None:
    """Run the wrapper with this plan on `import numpy`; the failing (step, reason) or None."""
    workdir = tempfile.mkdtemp(prefix="mldrill-probe-")
    try:
        Path(workdir, "probe.txt").write_text("probe\n")
        if plan.drop:
            os.chown(workdir, NOBODY, NOBODY)
        hides = plan_hides(hidden_paths((), plan.info.packages), [*plan.info.keeps, workdir])
        argv = [plan.python, "-I", "-c", "import numpy, os; os.listdir('.')"]
        env = base_env(workdir, "probe")
        cfg = wrapper_config(plan, workdir=workdir, work_size=1 << 20, hides=hides, rlimits=[],
                             argv=argv, env=env)
        try:
            out = subprocess.run(wrapper_argv(plan.python, cfg), capture_output=True, text=True,
                                 timeout=60, cwd=workdir, env=env, start_new_session=True)
        except subprocess.TimeoutExpired:
            return ("setup", "the probe timed out")
        if out.returncode == 0:
            return None
        for line in out.stderr.splitlines():
            if line.startswith("mldrill-wrapper-failed "):
                _, step, reason = (line.split(" ", 2) + [""])[:3]
                return (step, reason)
        return ("exec", f"exit status {out.returncode}: {out.stderr.strip()[-300:]}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _degrade(plan: Plan, step: str, root: bool) -> Plan:
    """The plan without the step that failed (and without what relied on it)."""
    nothing = replace(plan, userns=False, mountns=False, netns=False, pidns=False, proc=None,
                      nested=False)
    if step == "userns":
        return nothing
    if step in ("mountns", "netns", "pidns") and root and not plan.userns:
        return replace(plan, userns=True)  # root without capabilities: try a user namespace
    if step in ("mountns", "workdir", "hide"):
        return replace(plan, mountns=False, proc=None)
    if step == "netns":
        return replace(plan, netns=False)
    if step == "pidns":
        return replace(plan, pidns=False, proc=None)
    if step == "proc":
        if plan.proc == "mount":
            return replace(plan, proc="hide")
        # the host /proc would show the grader's /proc/<pid>/root: hiding is void without it
        return replace(plan, proc=None, mountns=plan.mountns and plan.drop)
    if step == "nested":
        # as root of a user namespace the child could unmount what hides the grader's files
        keep_mounts = plan.drop and not plan.userns
        return replace(plan, nested=False, mountns=plan.mountns and keep_mounts,
                       proc=plan.proc if keep_mounts else None)
    if step in ("drop", "exec") and plan.drop:
        return replace(plan, drop=False)
    return replace(nothing, drop=False)


@functools.cache
def probe(python: str) -> Plan:
    """The best plan that works on this machine for `python` (cached for the process)."""
    root = os.geteuid() == 0
    plan = Plan(python=python, info=python_info(python), userns=not root, mountns=True,
                netns=True, pidns=True, proc="mount", drop=root, nested=True)
    missing: list[str] = []
    for _ in range(12):
        failed = _try(plan)
        if failed is None:
            return replace(plan, missing=tuple(missing))
        missing.append(f"{failed[0]}: {failed[1]}")
        bare = not (plan.userns or plan.mountns or plan.netns or plan.pidns or plan.drop)
        if bare:
            break
        plan = _degrade(plan, failed[0], root)
    return replace(plan, userns=False, mountns=False, netns=False, pidns=False, proc=None,
                   drop=False, nested=False, missing=tuple(missing))


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


def describe(plan: Plan, hidden: int) -> tuple[str, ...]:
    """The isolation a child gets, as short phrases (e.g. "pid-ns", "mount-ns: hid 4 paths")."""
    parts = ["rlimits"]
    if plan.userns or plan.nested:
        parts.append("user-ns")
    if plan.netns:
        parts.append("net-ns")
    if plan.pidns:
        parts.append("pid-ns")
    if plan.mountns:
        parts.append(f"mount-ns: hid {hidden} paths")
    if plan.proc:
        parts.append("proc: fresh" if plan.proc == "mount" else "proc: hidden")
    if plan.drop:
        parts.append(f"uid {NOBODY} (dropped root)")
    elif outer_uid() == 0:
        parts.append("processes: not limited (root outside)")
    core = [p for p in parts if not p.startswith(("uid ", "processes: "))]
    if len(core) == 1:
        why = "; ".join(plan.missing) or "not tried"
        head = "rlimits only: "
        if any(m.startswith("userns") for m in plan.missing):
            head += "user namespaces unavailable"
        else:
            head += "namespaces unavailable"
        return (f"{head} ({why})", *parts[1:])
    return tuple(parts)
