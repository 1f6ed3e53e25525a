"""Stage zero of a sandboxed child: namespaces, hidden paths, privileges and limits, then exec.

Standalone on purpose (stdlib only, never imports mldrill): the parent runs this file's text as
`python -I -S -c <text> <config json>` before any student code exists. It applies, in order,
exactly the steps the config asks for, and on the first step that fails prints
`mldrill-wrapper-failed <step> <reason>` to stderr and exits with status 120 (so the parent's
probe can drop that step and try again):

1. `userns`: a user namespace mapping us to root inside (needed when not already root);
   `pidns`: a new PID namespace.
2. fork: the child is PID 1 of the new PID namespace (its death kills every process in it);
   this process waits for it, removes the working directory, and exits with its status
   (128+N for signal N).
3. In that child: `mountns`, `netns`: new mount and network (no interfaces up) namespaces;
   mounts become private; the working directory becomes a small tmpfs holding
   only its files; each hidden path is covered by an empty read-only tmpfs (a file by
   /dev/null), into which the paths to keep (python itself, the working directory) are
   bind-mounted back; a hidden python package gets an `__init__.py` that raises ImportError.
   /proc is remounted for the new PID namespace (or hidden). With a PID namespace, PID 1 then
   forks the harness's process and only reaps (it stays privileged, so it makes itself
   non-dumpable: the student cannot ptrace it); the harness gets ordinary signal semantics
   (SIGXCPU kills it; an init would ignore it).
4. `drop`: when root, switch to an unprivileged uid/gid. `nested`: one more user namespace,
   where the child is uid 1000 with no capabilities and the mounts above are locked (cannot be
   unmounted to reveal what they cover).
5. A new session (in a PID namespace), resource limits, no-new-privileges, death with the
   parent (SIGKILL), then exec of the harness.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import sys
import time
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 1, 4, 36, 38
SETUP_FAILED = 120
CHILD_UID = 1000
HIDDEN_PACKAGE = 'raise ImportError("{name} is not available inside the grading sandbox")\n'

_libc = ctypes.CDLL(None, use_errno=True)


class StepFailed(Exception):
    """A setup step failed; the parent learns which one from stderr."""

    def __init__(self, step: str, reason: str):
        super().__init__(f"{step} {reason}")
        self.step = step
        self.reason = reason


def _check(step: str, rc: int) -> None:
    if rc != 0:
        raise StepFailed(step, os.strerror(ctypes.get_errno()))


def _b(text: str | None) -> bytes | None:
    return None if text is None else os.fsencode(text)


def _unshare(step: str, flags: int) -> None:
    _check(step, _libc.unshare(ctypes.c_int(flags)))


def _mount(step: str, src: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    rc = _libc.mount(_b(src), _b(target), _b(fstype), ctypes.c_ulong(flags), _b(data))
    _check(step, rc)


def _prctl(step: str, option: int, arg: int) -> None:
    zero = ctypes.c_ulong(0)
    _check(step, _libc.prctl(ctypes.c_int(option), ctypes.c_ulong(arg), zero, zero, zero))


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _map_ids(step: str, inner_uid: int, outer_uid: int, inner_gid: int, outer_gid: int) -> None:
    try:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{inner_uid} {outer_uid} 1\n")
        _write("/proc/self/gid_map", f"{inner_gid} {outer_gid} 1\n")
    except OSError as e:
        raise StepFailed(step, f"writing the id maps: {e.strerror}") from None


def _setup_workdir(cfg: dict[str, Any], owner: tuple[int, int]) -> None:
    """Replace the working directory by a size-capped tmpfs holding the same files."""
    workdir = cfg["workdir"]
    files = {}
    for name in os.listdir(workdir):
        with open(os.path.join(workdir, name), "rb") as f:
            files[name] = f.read()
    opts = f"mode=700,size={cfg['work_size']},uid={owner[0]},gid={owner[1]}"
    _mount("workdir", "mldrill-work", workdir, "tmpfs", MS_NOSUID | MS_NODEV, opts)
    for name, data in files.items():
        path = os.path.join(workdir, name)
        with open(path, "wb") as f:
            f.write(data)
        os.chown(path, *owner)


def _hide(entry: dict[str, Any]) -> None:
    """Cover one path with an empty read-only tmpfs (or /dev/null), keeping some paths inside."""
    path = entry["path"]
    if not os.path.lexists(path):
        return
    if not os.path.isdir(path):
        _mount("hide", "/dev/null", path, None, MS_BIND)
        return
    keeps = []
    for keep in entry["keeps"]:
        try:
            fd = os.open(keep, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            continue
        keeps.append((os.path.relpath(keep, path), fd, os.path.isdir(keep)))
    _mount("hide", "mldrill-hidden", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=1m")
    if entry.get("package"):
        _write(os.path.join(path, "__init__.py"), HIDDEN_PACKAGE.format(name=entry["package"]))
    for rel, fd, is_dir in keeps:
        target = os.path.join(path, rel)
        if is_dir:
            os.makedirs(target, mode=0o755, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
            open(target, "a").close()
        _mount("hide", f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
        os.close(fd)
    _mount("hide", None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _mounts(cfg: dict[str, Any], owner: tuple[int, int]) -> None:
    """The working directory, the hidden paths and /proc (in the new mount namespace)."""
    if cfg["netns"]:
        _unshare("netns", CLONE_NEWNET)
    if cfg["mountns"]:
        _unshare("mountns", CLONE_NEWNS)
        _mount("mountns", None, "/", None, MS_REC | MS_PRIVATE)
        try:
            _setup_workdir(cfg, owner)
        except OSError as e:
            raise StepFailed("workdir", e.strerror or str(e)) from None
        for entry in cfg["hides"]:
            try:
                _hide(entry)
            except OSError as e:
                raise StepFailed("hide", f"{entry['path']}: {e.strerror or e}") from None
    if cfg["proc"] == "mount":
        _mount("proc", "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    elif cfg["proc"] == "hide":
        flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY
        _mount("proc", "mldrill-noproc", "/proc", "tmpfs", flags, "size=4k")


def _init(harness: int) -> None:
    """PID 1 of the namespace: reap everything; exit (killing all) when the harness exits."""
    os.closerange(3, 4096)  # the harness's pipes: only it may hold them
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(SETUP_FAILED)
        if pid == harness:
            code = os.waitstatus_to_exitcode(status)
            os._exit(128 - code if code < 0 else code)


def _exec_stage(cfg: dict[str, Any], uid: int, gid: int, parent: int) -> None:
    """The harness's process: privileges, session, limits, exec."""
    _prctl("dumpable", PR_SET_DUMPABLE, 1)  # as a normal process (PID 1 is not)
    drop = cfg.get("drop")
    if drop:
        try:
            os.setgroups([])
            os.setresgid(drop[1], drop[1], drop[1])
            os.setresuid(drop[0], drop[0], drop[0])
        except OSError as e:
            raise StepFailed("drop", e.strerror or str(e)) from None
        _prctl("drop", PR_SET_DUMPABLE, 1)  # else /proc/self/uid_map stays root's
        uid, gid = drop[0], drop[1]
    if cfg["nested"]:
        _unshare("nested", CLONE_NEWUSER | CLONE_NEWNS)
        _map_ids("nested", CHILD_UID, uid, CHILD_UID, gid)
    if cfg["pidns"]:
        os.setsid()  # a kill(0, ...) from the student reaches only its own process group
    try:
        for name, soft, hard in cfg["rlimits"]:
            which = getattr(resource, name)
            _, cap = resource.getrlimit(which)
            if cap != resource.RLIM_INFINITY:  # never above what we were given
                soft, hard = min(soft, cap), min(hard, cap)
            resource.setrlimit(which, (soft, hard))
    except (OSError, ValueError) as e:
        raise StepFailed("rlimits", str(e)) from None
    _prctl("nonewprivs", PR_SET_NO_NEW_PRIVS, 1)
    _prctl("pdeathsig", PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(SETUP_FAILED)  # the waiting parent is already gone
    try:
        os.chdir(cfg["workdir"])
        os.execve(cfg["argv"][0], cfg["argv"], cfg["env"])
    except OSError as e:
        raise StepFailed("exec", e.strerror or str(e)) from None


def _fail(e: StepFailed) -> None:
    os.write(2, f"mldrill-wrapper-failed {e.step} {e.reason}\n".encode())
    os._exit(SETUP_FAILED)


def _descendants() -> list[int]:
    """Every process below this one (from /proc/<pid>/task/<tid>/children)."""
    found: list[int] = []
    todo = [os.getpid()]
    while todo:
        pid = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    kids = [int(k) for k in f.read().split()]
            except (OSError, ValueError):
                continue
            found += kids
            todo += kids
    return found


def _kill_tree() -> None:
    """Kill and reap whatever the child left behind. Without a PID namespace this is what
    catches processes that left its session: as a subreaper, their orphans come back to us."""
    for _ in range(200):
        kids = _descendants()
        if not kids:
            return
        for pid in kids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.005)
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break


def _relay(pid: int, grader: int, workdir: str) -> None:
    """Wait for the child, remove the working directory, exit with the child's status (128+N
    when killed by signal N).

    SIGTERM (from the grader: the student cannot reach this process) kills the child; as PID 1
    it takes the whole namespace with it, and this process exits only once all are gone. So
    does the grader's death (checked twice a second), so nothing outlives a crashed grader.
    """
    signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGKILL))
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    os.closerange(3, 4096)  # the harness's pipes: only the child may hold them
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            os._exit(SETUP_FAILED)
        if done:
            _kill_tree()
            shutil.rmtree(workdir, ignore_errors=True)
            code = os.waitstatus_to_exitcode(status)
            os._exit(128 - code if code < 0 else code)
        if os.getppid() != grader:
            os.kill(pid, signal.SIGKILL)
        signal.sigtimedwait({signal.SIGCHLD}, 0.5)


def main() -> None:
    cfg = json.loads(sys.argv[1])
    uid, gid = os.geteuid(), os.getegid()
    try:
        if cfg["userns"]:
            _unshare("userns", CLONE_NEWUSER)
            _map_ids("userns", 0, uid, 0, gid)
            uid = gid = 0
        if cfg["pidns"]:
            _unshare("pidns", CLONE_NEWPID)
    except StepFailed as e:
        _fail(e)
    parent, grader = os.getpid(), os.getppid()
    try:
        _prctl("subreaper", PR_SET_CHILD_SUBREAPER, 1)
    except StepFailed as e:
        _fail(e)
    pid = os.fork()
    if pid:
        _relay(pid, grader, cfg["workdir"])
    try:
        os.umask(0o022)
        drop = cfg.get("drop")
        _mounts(cfg, (drop[0], drop[1]) if drop else (uid, gid))
        if cfg["pidns"]:
            _prctl("pdeathsig", PR_SET_PDEATHSIG, signal.SIGKILL)
            _prctl("init", PR_SET_DUMPABLE, 0)
            parent = os.getpid()
            harness = os.fork()
            if harness:
                _init(harness)
        _exec_stage(cfg, uid, gid, parent)
    except StepFailed as e:
        _fail(e)
    except Exception as e:  # a bug here must still say which step (never a traceback)
        _fail(StepFailed("setup", f"{type(e).__name__}: {e}"))


if __name__ == "__main__":
    main()
