"""The attack tests' grader and the world it grades in.

A `Grader` is the user running `mldrill grade`: root (as on CI), or an ordinary instructor
(uid 4242 with their own virtual environment, see nonroot.py). It plays scenarios through
attack_runner.py in its own process, with its own HOME, TMPDIR, working directory and
environment. A `World` is one test's folders, owned by that user and planted with canaries:

    <outside>/<test>-<tag>/          not on today's deny-list (/srv/..., as a course folder is)
        class-<tag>/                 the class folder: alice.py (the attacker), bob.py (canary),
                                     the grader's working directory
        reports-<tag>/gradebook.csv  (canary)
        checkout-<tag>/              a source checkout mldrill was pip-installed from:
                                     pyproject.toml, solutions/ (the real reference + a canary)
        shared/                      a world-writable folder (mode 1777)
        data/, cache/                MLDRILL_HOME and MLDRILL_CACHE
    <base>/tmp-<tag>/notes.txt       a folder under /tmp (canary)
    $HOME/notes-<tag>.txt            (canary), $HOME/.local/share/mldrill, $HOME/.cache/mldrill

Everything is checked from outside the sandbox, after it is closed: snapshots of the disk,
/proc, /proc/sysvipc, the keyrings.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import json
import os
import secrets
import shutil
import stat
import subprocess
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hostile_helpers import SUBMISSIONS, leftovers
from nonroot import REPO

MODES = ("root", "nonroot")
FAST_LIMITS: dict[str, Any] = {"wall_seconds": 2, "cpu_seconds": 2,
                               "memory_bytes": 512 << 20, "output_bytes": 8 << 10}
SLOW_LIMITS: dict[str, Any] = {**FAST_LIMITS, "wall_seconds": 60, "cpu_seconds": 60}


@dataclass(eq=False)
class Grader:
    """Who runs `mldrill grade`, with which python, in which home; its runner (one process for
    the whole session, restarted if an attack kills it) plays the scenarios."""

    mode: str
    python: str
    runner: Path
    uid: int
    gid: int
    home: Path
    tmp: Path  # its TMPDIR: the sandbox's working directories are made there
    prefix: tuple[str, ...] = ()  # the command that switches to its user
    secret: str = field(default_factory=lambda: "SECRET-" + secrets.token_hex(8))
    _server: subprocess.Popen[str] | None = None

    def env(self, **extra: str) -> dict[str, str]:
        """Its environment (with a secret the child must never see)."""
        return {"HOME": str(self.home), "TMPDIR": str(self.tmp), "LANG": "C.UTF-8",
                "PATH": "/usr/local/bin:/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1",
                "MLDRILL_ATTACK_SECRET": self.secret, **extra}

    def run(self, argv: list[str], *, cwd: Path,
            env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """A command as this grader's user."""
        return subprocess.run([*self.prefix, *argv], capture_output=True, text=True,
                              cwd=str(cwd), env=dict(env or self.env()), timeout=180)

    def own(self, path: Path) -> None:
        """Give `path` (and everything under it) to the grader's user."""
        for root, dirs, files in os.walk(path):
            for name in [*dirs, *files]:
                os.lchown(os.path.join(root, name), self.uid, self.gid)
        os.lchown(path, self.uid, self.gid)

    def pid(self) -> int:
        """The pid of its runner (started if need be)."""
        return self._start().pid

    def _start(self) -> subprocess.Popen[str]:
        if self._server is None or self._server.poll() is not None:
            log = open(self.home.parent / f"runner-{self.mode}.log", "a")  # noqa: SIM115
            self._server = subprocess.Popen(
                [*self.prefix, self.python, str(self.runner)], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=log, text=True, cwd=str(self.home),
                env=self.env())
            log.close()
        return self._server

    def play(self, scenario: Mapping[str, Any], cwd: Path,
             env: Mapping[str, str]) -> dict[str, Any]:
        """The runner's verdict on one scenario (it must survive it)."""
        server = self._start()
        assert server.stdin is not None and server.stdout is not None
        line = json.dumps({"cwd": str(cwd), "env": dict(env), "scenario": scenario})
        watchdog = threading.Timer(180, server.kill)  # never hang the test run
        watchdog.start()
        try:
            server.stdin.write(line + "\n")
            server.stdin.flush()
            reply = server.stdout.readline()
        except OSError:
            reply = ""
        finally:
            watchdog.cancel()
        if not reply:
            server.kill()
            code = server.wait()
            self._server = None
            log = (self.home.parent / f"runner-{self.mode}.log").read_text()[-3000:]
            raise AssertionError(f"the grader died (status {code}): {log}")
        return json.loads(reply)

    def close(self) -> None:
        if self._server is not None:
            assert self._server.stdin is not None
            self._server.stdin.close()
            try:
                self._server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._server.kill()
                self._server.wait()
            self._server = None


@dataclass
class Verdict:
    """What the grader saw: each box's marker, isolation and load status, each step's result."""

    boxes: dict[str, dict[str, Any]]
    steps: list[dict[str, Any]]

    def step(self, i: int) -> dict[str, Any]:
        return self.steps[i]

    def value(self, i: int) -> Any:
        """The value call i returned (it must have run to the end)."""
        s = self.steps[i]
        assert s["status"] == "ok" and s["call"] == "ok", s
        return s["value"]

    @property
    def markers(self) -> list[str]:
        return [b["marker"] for b in self.boxes.values()]


@dataclass(frozen=True)
class PythonPlaces:
    """Where the grader's python and numpy live."""

    site: str  # its site-packages (purelib)
    numpy: str
    bin: str  # the folder of sys.executable (a venv's bin/)
    watch: tuple[tuple[str, bool], ...]  # (folder, whether to snapshot its whole tree)

    @property
    def folders(self) -> list[str]:
        return [p for p, _ in self.watch]


_PLACES = """
import json, os, site, sys, sysconfig, numpy
np = os.path.dirname(numpy.__file__)
deep = {np, os.path.join(os.path.dirname(np), 'numpy.libs')}
if sys.prefix != sys.base_prefix:
    deep.add(sys.prefix)
stdlib = os.path.dirname(os.__file__)
flat = {sys.base_prefix, os.path.dirname(sys.executable), stdlib,
        os.path.dirname(os.path.realpath(sys.executable)), os.path.join(stdlib, '__pycache__'),
        *site.getsitepackages(), *sysconfig.get_paths().values()}
print(json.dumps({"site": sysconfig.get_path("purelib"), "numpy": np,
                  "bin": os.path.dirname(sys.executable),
                  "watch": {**{p: False for p in flat}, **{p: True for p in deep}}}))
"""


@functools.cache
def python_places(grader: Grader) -> PythonPlaces:
    """Where the grader's python lives. A virtual environment (the user's own) is watched
    whole; a shared base prefix only in its top folders (stdlib, site-packages, bin, their
    __pycache__), each entry of which is compared."""
    out = grader.run([grader.python, "-I", "-c", _PLACES], cwd=grader.home)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    watch = tuple((p, deep) for p, deep in sorted(data["watch"].items()) if os.path.isdir(p))
    return PythonPlaces(data["site"], data["numpy"], data["bin"], watch)


Snapshot = dict[str, tuple[int, ...]]


def _entry(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_mode, st.st_uid, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino,
            st.st_nlink)


def snapshot(watch: Mapping[str, bool], shared: Iterable[str] = (), token: str = "") -> Snapshot:
    """Every entry of the watched folders (whole trees where True) and, in `shared` folders
    that others use too (/tmp), the entries whose name holds `token`."""
    out: Snapshot = {}
    for top, deep in watch.items():
        try:
            out[top] = _entry(os.lstat(top))
        except OSError:
            continue
        if deep:
            for root, dirs, files in os.walk(top):
                for name in [*dirs, *files]:
                    path = os.path.join(root, name)
                    out[path] = _entry(os.lstat(path))
        else:
            for e in os.scandir(top):
                out[e.path] = _entry(e.stat(follow_symlinks=False))
    for top in shared:
        for e in os.scandir(top):
            if token in e.name:
                out[e.path] = _entry(e.stat(follow_symlinks=False))
    return out


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """What differs, one line per path ("new", "gone" or "changed")."""
    lines = [f"new {p}" for p in sorted(after.keys() - before.keys())]
    lines += [f"gone {p}" for p in sorted(before.keys() - after.keys())]
    lines += [f"changed {p}" for p in sorted(before.keys() & after.keys())
              if before[p] != after[p]]
    return lines


def undo_new(before: Snapshot, after: Snapshot) -> None:
    """Remove what appeared since `before` (deepest first), so a successful attack does not
    poison the next test's python."""
    for path in sorted(after.keys() - before.keys(), key=len, reverse=True):
        st = os.lstat(path)
        if stat.S_ISDIR(st.st_mode):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)


@dataclass
class World:
    """One test's folders, canaries and secrets, and the grader that grades in them."""

    grader: Grader
    outside: Path
    base: Path
    name: str
    tag: str = field(default_factory=lambda: "zz" + secrets.token_hex(4))
    canary: str = field(default_factory=lambda: "CANARY-" + secrets.token_hex(8))
    made: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root = self.outside / f"{self.name[:40]}-{self.tag}"
        self.tmp = self.base / f"tmp-{self.tag}"
        self.class_dir = self.root / f"class-{self.tag}"
        self.reports = self.root / f"reports-{self.tag}"
        self.checkout = self.root / f"checkout-{self.tag}"
        self.shared = self.root / "shared"
        self.data = self.root / "data"
        self.cache = self.root / "cache"
        home = self.grader.home
        self.home_notes = home / f"notes-{self.tag}.txt"
        self.platform_dirs = [home / ".local" / "share" / "mldrill", home / ".cache" / "mldrill"]
        self.secret = self.grader.secret

    # ------------------------------------------------------------------ folders

    def make(self) -> World:
        """Create the folders and plant the canaries (all owned by the grader's user)."""
        for d in (self.class_dir, self.reports, self.checkout / "solutions", self.shared,
                  self.data, self.cache, self.tmp, *self.platform_dirs):
            d.mkdir(parents=True, exist_ok=True)
        self.made += [self.root, self.tmp, self.home_notes]
        os.chmod(self.shared, 0o1777)
        canary = f"# {self.canary}\n"
        (self.class_dir / "bob.py").write_text(f"def affine_forward(x, w, b):  {canary}")
        (self.reports / "gradebook.csv").write_text(f"student,total\nbob,{self.canary}\n")
        (self.checkout / "pyproject.toml").write_text('[project]\nname = "mldrill"\n')
        if (REPO / "solutions").is_dir():
            shutil.copytree(REPO / "solutions", self.checkout / "solutions",
                            dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        (self.checkout / "solutions" / "assignments").mkdir(exist_ok=True)
        (self.checkout / "solutions" / "assignments" / "notes.txt").write_text(canary)
        (self.tmp / "notes.txt").write_text(canary)
        self.home_notes.write_text(canary)
        for d in (self.data, self.cache, *self.platform_dirs):
            (d / "notes.txt").write_text(canary)
        for path in (self.root, self.tmp, self.home_notes, *self.platform_dirs):
            self.grader.own(path)
        os.chmod(self.shared, 0o1777)
        return self

    def cleanup(self) -> None:
        for path in self.made:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            elif path.exists() or path.is_symlink():
                path.unlink()

    def submission(self, name: str, as_name: str = "alice.py") -> Path:
        """submissions/<name>.py copied into the class folder as `as_name`."""
        path = self.class_dir / as_name
        shutil.copyfile(SUBMISSIONS / f"{name}.py", path)
        self.grader.own(path)
        return path

    def sacrifice(self, folders: Iterable[str], count: int) -> list[str]:
        """`count` expendable files in each folder (the attack may tamper with them)."""
        paths = []
        for folder in folders:
            for i in range(count):
                path = Path(folder) / f"mldrill-attack-{self.tag}-{i}.py"
                path.write_text("VALUE = 1\n")
                os.chown(path, self.grader.uid, self.grader.gid)
                self.made.append(path)
                paths.append(str(path))
        return paths

    @property
    def tokens(self) -> list[str]:
        """Strings the child must never see: where the class, its reports and the checkout are,
        the grader's secrets."""
        return [self.class_dir.name, self.reports.name, self.checkout.name, self.root.name,
                self.tmp.name, self.home_notes.name, self.secret, self.canary]

    # ------------------------------------------------------------------ playing

    def play(self, boxes: Mapping[str, Mapping[str, Any]], steps: list[dict[str, Any]],
             cwd: Path | None = None) -> Verdict:
        """Run a scenario as the grader (in the class folder unless `cwd`)."""
        env = {"MLDRILL_HOME": str(self.data), "MLDRILL_CACHE": str(self.cache)}
        spec = {"boxes": {k: {"limits": FAST_LIMITS, **v, "submission": str(v["submission"])}
                          for k, v in boxes.items()},
                "steps": steps}
        data = self.grader.play(spec, cwd or self.class_dir, env)
        assert data["error"] is None, f"grader failure: {data['error']}"
        return Verdict(data["boxes"], data["steps"])

    def nothing_left(self, verdict: Verdict) -> None:
        """No process of any box is alive, and the grader's TMPDIR holds no working folder."""
        for marker in verdict.markers:
            assert leftovers(marker) == [], marker
        assert [p.name for p in self.grader.tmp.iterdir()
                if p.name.startswith("mldrill-")] == []


# ---------------------------------------------------------------- kernel objects on the host

_libc = ctypes.CDLL(None, use_errno=True)


def sysv_objects(key: int) -> list[str]:
    """SysV shared memory, semaphores and message queues on the host under `key`."""
    found = []
    for kind in ("shm", "sem", "msg"):
        with open(f"/proc/sysvipc/{kind}") as f:
            next(f)
            found += [f"{kind} {line.split()[1]}" for line in f if int(line.split()[0]) == key]
    return found


def remove_sysv(key: int) -> None:
    """Remove the host's SysV objects under `key` (IPC_RMID)."""
    shm, sem, msg = _libc.shmget(key, 0, 0), _libc.semget(key, 0, 0), _libc.msgget(key, 0)
    if shm >= 0:
        _libc.shmctl(shm, 0, None)
    if sem >= 0:
        _libc.semctl(sem, 0, 0)
    if msg >= 0:
        _libc.msgctl(msg, 0, None)


def _rt() -> ctypes.CDLL:
    try:
        return ctypes.CDLL(ctypes.util.find_library("rt") or "librt.so.1", use_errno=True)
    except OSError:
        return _libc


def mqueue_exists(name: str) -> bool:
    rt = _rt()
    rt.mq_open.restype = ctypes.c_int
    mq = rt.mq_open(("/" + name).encode(), ctypes.c_int(os.O_RDONLY | os.O_NONBLOCK))
    if mq < 0:
        return False
    rt.mq_close(mq)
    return True


def remove_mqueue(name: str) -> None:
    _rt().mq_unlink(("/" + name).encode())


KEY_SYSCALLS = {"x86_64": (248, 250), "aarch64": (217, 219)}


def session_key(desc: str) -> int:
    """The id of a "user" key called `desc` reachable from this process's keyrings, or -1."""
    nr = KEY_SYSCALLS.get(os.uname().machine, (248, 250))[1]
    _libc.syscall.restype = ctypes.c_long
    best = -1
    for ring in (-3, -4, -5):
        key = _libc.syscall(ctypes.c_long(nr), ctypes.c_long(10), ctypes.c_long(ring), b"user",
                            desc.encode(), ctypes.c_long(0))
        best = max(best, key)
    return best


def revoke_key(key: int) -> None:
    nr = KEY_SYSCALLS.get(os.uname().machine, (248, 250))[1]
    _libc.syscall(ctypes.c_long(nr), ctypes.c_long(3), ctypes.c_long(key))  # KEYCTL_REVOKE


def processes_named(token: str) -> list[str]:
    """Every process or thread on the machine whose name or argv holds `token` (zombies too)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            for part in ("comm", "cmdline"):
                try:
                    data = Path(f"/proc/{pid}/task/{tid}/{part}").read_bytes()
                except OSError:
                    continue
                if token.encode() in data:
                    found.append(f"{pid}/{tid} {part}")
                    break
    return found

