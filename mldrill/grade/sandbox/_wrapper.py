"""Stage zero of a sandboxed child: namespaces, an allow-list root, privileges, limits, exec.

Standalone on purpose (stdlib only, never imports mldrill): the parent runs this file's text as
`python -I -S -c <text> <config fd>` before any student code exists, and writes the JSON config
into that pipe (never on the command line, which the child could read in /proc). It applies, in
order, exactly the steps the config asks for, and on the first step that fails prints
`mldrill-wrapper-failed <step> <reason>` to stderr and exits with status 120 (so the parent's
probe can drop that step and try again):

1. `userns`: a user namespace mapping us to root inside (needed when not already root);
   `pidns`: a new PID namespace.
2. fork: the child is PID 1 of the new PID namespace (its death kills every process in it);
   this process waits for it, removes the working directory, and exits with its status.
3. In that child: new network (no interfaces up), IPC (its own SysV objects and POSIX message
   queues, gone with it) and UTS namespaces; `mountns`: a new mount namespace whose root is a
   fresh tmpfs holding only what the config lists: symbolic links as the host has them, the
   python runtime and numpy bind-mounted read-only, /dev/null and friends, a fresh /proc, and
   the working directory (a size-capped tmpfs, the only writable place) at /sandbox. Then
   `pivot_root` into it and detach the old root: nothing else of the host is reachable. With a
   PID namespace, PID 1 then forks the harness's process and only reaps (it stays privileged,
   so it makes itself non-dumpable: the student cannot ptrace it).
4. `drop`: when root, switch to an unprivileged uid/gid. `nested`: one more user namespace,
   where the child is uid 1000 with no capabilities and every mount above is locked (cannot be
   unmounted or made writable). A child still uid 0 (neither was possible) gets an empty
   capability bounding set. A new anonymous session keyring (nothing shared via keyctl).
5. A new session, resource limits, no-new-privileges, Landlock (an allow-list of the paths
   above, no TCP, no abstract sockets or signals outside; the filesystem guard where mount
   namespaces are unavailable), a seccomp filter (no SysV IPC, message queues, keyrings,
   ptrace or sockets but AF_UNIX, even without namespaces), death with the parent (SIGKILL),
   then exec.
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import resource
import shutil
import signal
import sys
import time
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 1 << 21
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 1, 4, 36, 38
PR_CAPBSET_DROP = 24
SETUP_FAILED = 120
CHILD_UID = 1000
KEYCTL_JOIN_SESSION_KEYRING = 1
# syscall numbers that glibc has no wrapper for (the Landlock ones are the same everywhere)
SYSCALLS = {"x86_64": {"pivot_root": 155, "keyctl": 250},
            "aarch64": {"pivot_root": 41, "keyctl": 219}}
LANDLOCK_CREATE, LANDLOCK_ADD_RULE, LANDLOCK_RESTRICT = 444, 445, 446
# seccomp: the kernel objects a child could share with another (SysV IPC, POSIX message
# queues, keyrings) and reaching into other processes (ptrace, process_vm_*) fail with EPERM;
# the namespaces already isolate them, this also holds where they are unavailable
DENIED = {
    "x86_64": (0xC000003E, (29, 30, 31, 64, 65, 66, 67, 68, 69, 70, 71, 220, 240, 241, 242,
                            243, 244, 245, 248, 249, 250, 101, 310, 311)),
    "aarch64": (0xC00000B7, tuple(range(180, 198)) + (217, 218, 219, 117, 270, 271)),
}
SOCKET = {"x86_64": 41, "aarch64": 198}  # socket(2): only AF_UNIX (no network, even UDP)
AF_UNIX = 1
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
RET_ALLOW, RET_EPERM = 0x7FFF0000, 0x00050000 | 1
LL_EXECUTE, LL_WRITE_FILE, LL_READ_FILE, LL_READ_DIR = 1, 2, 4, 8
LL_TRUNCATE, LL_IOCTL_DEV = 1 << 14, 1 << 15

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


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


def _syscall(name: str) -> int | None:
    return SYSCALLS.get(platform.machine(), {}).get(name)


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


# ---------------------------------------------------------------------- the allow-list root

def _kept_flags(path: str) -> int:
    """The flags of the mount `path` is on that a user namespace may not clear (so a remount
    keeps them), plus read-only, nosuid and nodev."""
    f = os.statvfs(path).f_flag
    flags = MS_RDONLY | MS_NOSUID | MS_NODEV
    for st, ms in ((8, MS_NOEXEC), (1024, MS_NOATIME), (2048, MS_NODIRATIME),
                   (4096, MS_RELATIME)):
        if f & st:
            flags |= ms
    return flags


def _bind(root: str, path: str, kind: str, device: bool = False) -> None:
    """Bind the host's `path` at the same place under `root`, read-only."""
    target = root + path
    os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
    if kind == "dir":
        os.makedirs(target, mode=0o755, exist_ok=True)
    elif not os.path.lexists(target):
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644))
    _mount("bind", path, target, None, MS_BIND | MS_REC)
    flags = _kept_flags(path)
    if device:
        flags &= ~MS_NODEV
    _mount("bind", None, target, None, MS_REMOUNT | MS_BIND | flags)


def _build_root(cfg: dict[str, Any], owner: tuple[int, int]) -> None:
    """A tmpfs root with only the allow-list in it; then pivot_root into it."""
    view = cfg["view"]
    root = cfg["workdir"]
    files = {}
    for name in os.listdir(root):
        with open(os.path.join(root, name), "rb") as f:
            files[name] = f.read()
    _mount("mountns", None, "/", None, MS_REC | MS_PRIVATE)
    _mount("root", "mldrill-root", root, "tmpfs", MS_NOSUID | MS_NODEV,
           "mode=755,size=2m,nr_inodes=8192")
    try:
        for path, target in view["links"]:
            os.makedirs(os.path.dirname(root + path), mode=0o755, exist_ok=True)
            os.symlink(target, root + path)
        for path, kind in view["binds"]:
            _bind(root, path, kind)
        for path in view["covers"]:  # installed packages inside the standard library
            _mount("bind", "mldrill-empty", root + path, "tmpfs", MS_NOSUID | MS_NODEV,
                   "mode=755,size=64k,nr_inodes=256")
        for path, kind in view["inner"]:  # numpy, when it is one of them
            _bind(root, path, kind)
        for path in view["covers"]:
            _mount("bind", None, root + path, None,
                   MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
        for dev in view["devices"]:
            _bind(root, dev, "file", device=True)
    except OSError as e:
        raise StepFailed("bind", f"{e.filename}: {e.strerror}") from None
    os.makedirs(root + "/proc", mode=0o555)
    if cfg["proc"] == "mount":
        _mount("proc", "proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    work = root + cfg["work"]
    os.makedirs(work, mode=0o700)
    opts = f"mode=700,size={cfg['work_size']},nr_inodes=4096,uid={owner[0]},gid={owner[1]}"
    _mount("workdir", "mldrill-work", work, "tmpfs", MS_NOSUID | MS_NODEV, opts)
    for name, data in files.items():
        path = os.path.join(work, name)
        with open(path, "wb") as f:
            f.write(data)
        os.chown(path, *owner)
    number = _syscall("pivot_root")
    if number is None:
        raise StepFailed("pivot", f"pivot_root unknown on {platform.machine()}")
    os.chdir(root)
    _check("pivot", _libc.syscall(ctypes.c_long(number), b".", b"."))
    _check("pivot", _libc.umount2(b".", ctypes.c_int(MNT_DETACH)))  # the old root, stacked
    os.chdir("/")
    _mount("pivot", None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _namespaces(cfg: dict[str, Any], owner: tuple[int, int]) -> None:
    """Network, IPC, UTS and mount namespaces, and the new root (in PID 1 of the new pidns)."""
    if cfg["netns"]:
        _unshare("netns", CLONE_NEWNET)
    if cfg["ipcns"]:
        _unshare("ipcns", CLONE_NEWIPC | CLONE_NEWUTS)
        name = b"sandbox"
        _check("ipcns", _libc.sethostname(name, ctypes.c_size_t(len(name))))
    if cfg["mountns"]:
        _unshare("mountns", CLONE_NEWNS)
        try:
            _build_root(cfg, owner)
        except OSError as e:
            raise StepFailed("root", f"{e.filename or ''}: {e.strerror or e}") from None


# ---------------------------------------------------------------------- Landlock

class _RulesetAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The Landlock ABI version this kernel offers (0: none)."""
    rc = _libc.syscall(ctypes.c_long(LANDLOCK_CREATE), None, ctypes.c_size_t(0),
                       ctypes.c_uint32(1))
    return max(0, int(rc))


def _landlock(rules: dict[str, Any]) -> None:
    """Allow reading `read`, writing `write`, using `devices`; nothing else (no TCP, and with
    ABI 6 no abstract unix socket or signal outside this process tree)."""
    abi = landlock_abi()
    if abi < 1:
        raise StepFailed("landlock", "not offered by this kernel")
    fs = (1 << 13) - 1  # EXECUTE .. MAKE_SYM
    if abi >= 2:
        fs |= 1 << 13  # REFER
    if abi >= 3:
        fs |= LL_TRUNCATE
    if abi >= 5:
        fs |= LL_IOCTL_DEV
    attr = _RulesetAttr(fs, 3 if abi >= 4 else 0, 3 if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    fd = _libc.syscall(ctypes.c_long(LANDLOCK_CREATE), ctypes.byref(attr), ctypes.c_size_t(size),
                       ctypes.c_uint32(0))
    if fd < 0:
        raise StepFailed("landlock", os.strerror(ctypes.get_errno()))
    file_rights = LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE | (LL_TRUNCATE if abi >= 3 else 0)
    reading = LL_EXECUTE | LL_READ_FILE | LL_READ_DIR
    device = LL_READ_FILE | LL_WRITE_FILE | (LL_IOCTL_DEV if abi >= 5 else 0)
    grants = [(p, reading) for p in rules["read"]] + [(p, LL_READ_DIR) for p in rules["list"]]
    grants += [(p, fs) for p in rules["write"]] + [(p, device) for p in rules["devices"]]
    try:
        for path, allowed in grants:
            try:
                pfd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                if not os.path.isdir(path):
                    allowed &= file_rights
                rule = _PathBeneath(allowed & fs, pfd)
                rc = _libc.syscall(ctypes.c_long(LANDLOCK_ADD_RULE), ctypes.c_int(fd),
                                   ctypes.c_int(1), ctypes.byref(rule), ctypes.c_uint32(0))
                _check("landlock", 0 if rc == 0 else -1)
            finally:
                os.close(pfd)
        rc = _libc.syscall(ctypes.c_long(LANDLOCK_RESTRICT), ctypes.c_int(fd), ctypes.c_uint32(0))
        _check("landlock", 0 if rc == 0 else -1)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------- seccomp

class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def seccomp_program(machine: str) -> list[tuple[int, int, int, int]]:
    """The classic-BPF filter: another architecture's calling convention (a way around a
    filter), x32 calls, the DENIED calls and sockets other than AF_UNIX get EPERM; everything
    else is allowed."""
    arch, denied = DENIED[machine]
    ld_abs, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    prog = [(ld_abs, 0, 0, 4), (jeq, 1, 0, arch), (ret, 0, 0, RET_EPERM), (ld_abs, 0, 0, 0)]
    checks = [(jge, 0x40000000)] if machine == "x86_64" else []
    checks += [(jeq, nr) for nr in denied]
    for i, (op, k) in enumerate(checks):
        prog.append((op, len(checks) - i + 3, 0, k))  # to the final EPERM
    prog += [(jeq, 0, 2, SOCKET[machine]),  # socket(domain, ...): look at the domain
             (ld_abs, 0, 0, 16),  # args[0], low 32 bits
             (jeq, 0, 1, AF_UNIX),
             (ret, 0, 0, RET_ALLOW), (ret, 0, 0, RET_EPERM)]
    return prog


def _seccomp() -> None:
    machine = platform.machine()
    if machine not in DENIED:
        raise StepFailed("seccomp", f"no filter for {machine}")
    prog = seccomp_program(machine)
    filters = (_SockFilter * len(prog))(*[_SockFilter(*ins) for ins in prog])
    fprog = _SockFprog(len(prog), filters)
    rc = _libc.prctl(ctypes.c_int(PR_SET_SECCOMP), ctypes.c_ulong(SECCOMP_MODE_FILTER),
                     ctypes.byref(fprog), ctypes.c_ulong(0), ctypes.c_ulong(0))
    _check("seccomp", rc)


# ---------------------------------------------------------------------- the harness's process

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
    """The harness's process: privileges, keyring, session, limits, Landlock, exec."""
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
    if os.geteuid() == 0:  # root still (no uid drop, or a user namespace without `nested`):
        for cap in range(64):  # an empty bounding set: the exec'd harness has no capability
            _libc.prctl(ctypes.c_int(PR_CAPBSET_DROP), ctypes.c_ulong(cap), ctypes.c_ulong(0),
                        ctypes.c_ulong(0), ctypes.c_ulong(0))
    number = _syscall("keyctl")
    if number is not None:  # a fresh session keyring; ENOSYS/EPERM: no keyrings to share
        _libc.syscall(ctypes.c_long(number), ctypes.c_long(KEYCTL_JOIN_SESSION_KEYRING), None)
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
    if cfg.get("landlock"):
        _landlock(cfg["landlock"])
    if cfg.get("seccomp"):
        _seccomp()
    _prctl("pdeathsig", PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(SETUP_FAILED)  # the waiting parent is already gone
    try:
        os.chdir(cfg["cwd"])
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


def _read_config(fd: int) -> dict[str, Any]:
    chunks = []
    while True:
        data = os.read(fd, 1 << 16)
        if not data:
            break
        chunks.append(data)
    os.close(fd)
    cfg: dict[str, Any] = json.loads(b"".join(chunks))
    return cfg


def main() -> None:
    try:
        cfg = _read_config(int(sys.argv[1]))
    except (OSError, ValueError, IndexError) as e:
        _fail(StepFailed("config", str(e)))
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
        _namespaces(cfg, (drop[0], drop[1]) if drop else (uid, gid))
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
