"""Searches for the reference solutions, classmates' files and the gradebook: by what /proc,
argv and the environment say about the grader, by reading classmates' paths, and by walking
the whole disk. Returns only where something was found (never the data itself, beyond what a
test asks for)."""

import errno
import hashlib
import os
import sys

PRUNE = {".git", "__pycache__", "node_modules", ".mypy_cache", ".ruff_cache", ".hypothesis",
         ".pytest_cache"}
PACKAGE_DIRS = {"site-packages", "dist-packages"}
MAX_READ = 1 << 20


def _read(path, limit=MAX_READ):
    try:
        with open(path, "rb") as f:
            return f.read(limit)
    except OSError:
        return None


def _proc_texts():
    """(where, text) for everything /proc, argv and the environment tell about the world."""
    yield "sys.argv", "\0".join(sys.argv)
    yield "os.environ", "\0".join(f"{k}={v}" for k, v in os.environ.items())
    yield "cwd", os.getcwd()
    for name in ("cmdline", "environ", "mountinfo", "mounts", "cgroup", "maps", "status",
                 "mountstats"):
        data = _read(f"/proc/self/{name}")
        if data is not None:
            yield f"/proc/self/{name}", data.decode("latin1")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        for name in ("cmdline", "environ"):
            data = _read(f"/proc/{entry}/{name}")
            if data is not None:
                yield f"/proc/{entry}/{name}", data.decode("latin1")
        for name in ("cwd", "root", "exe"):
            try:
                yield f"/proc/{entry}/{name}", os.readlink(f"/proc/{entry}/{name}")
            except OSError:
                pass
        try:
            fds = os.listdir(f"/proc/{entry}/fd")
        except OSError:
            fds = []
        for fd in fds:
            try:
                yield f"/proc/{entry}/fd/{fd}", os.readlink(f"/proc/{entry}/fd/{fd}")
            except OSError:
                pass


def proc_leaks(tokens):
    """{where: [tokens seen there]} over /proc (PID 1 and every process in sight), argv and
    the environment."""
    found = {}
    for where, text in _proc_texts():
        seen = [t for t in tokens if t in text]
        if seen:
            found[where] = seen
    return found


def read_paths(paths, canary):
    """Reads classmates' files at paths a student can guess: {path: "CANARY" or an errno}."""
    out = {}
    for path in paths:
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_READ)
            out[path] = "CANARY" if canary.encode() in data else "read"
        except OSError as e:
            out[path] = errno.errorcode.get(e.errno or 0, type(e).__name__)
        folder = os.path.dirname(path)
        try:
            out[folder] = sorted(os.listdir(folder))
        except OSError as e:
            out[folder] = errno.errorcode.get(e.errno or 0, type(e).__name__)
    return out


def _walk(skip):
    """os.walk('/') without virtual filesystems, caches and installed packages (those are
    checked by name only), plus what other processes' cwd and root show."""
    starts = ["/"]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            starts += [f"/proc/{entry}/cwd"]
    for start in starts:
        for root, dirs, files in os.walk(start):
            if root in skip:
                dirs[:] = []
                continue
            keep = []
            for d in dirs:
                path = os.path.join(root, d)
                if d in PACKAGE_DIRS:
                    yield "packages", path
                elif d not in PRUNE and path not in skip:
                    keep.append(d)
            dirs[:] = keep
            yield "dir", root
            for f in files:
                yield "file", os.path.join(root, f)


def search(canary, names, skip):
    """Every readable file named like one of `names` that holds `canary`."""
    found = []
    for kind, path in _walk(set(skip)):
        if kind == "file" and os.path.basename(path) in names:
            data = _read(path)
            if data is not None and canary.encode() in data:
                found.append(path)
    return found


def _hash_tree(folder, out):
    for root, _, files in os.walk(folder):
        for f in files:
            if f.endswith(".py"):
                data = _read(os.path.join(root, f))
                if data is not None:
                    out[os.path.join(root, f)] = hashlib.sha256(data).hexdigest()


def reference_hashes(skip):
    """sha256 of every .py file in any reference solutions folder it can find: checkouts
    (solutions/assignments), installed packages (mldrill/_bundled/solutions), the mldrill it
    can import after undoing the harness's guard."""
    out = {}
    for kind, path in _walk(set(skip)):
        if kind == "dir" and os.path.basename(path) == "solutions" and \
                os.path.isdir(os.path.join(path, "assignments")):
            _hash_tree(path, out)
        elif kind == "packages":
            _hash_tree(os.path.join(path, "mldrill", "_bundled", "solutions"), out)
    sys.modules.pop("mldrill", None)
    try:
        import mldrill

        for folder in list(getattr(mldrill, "__path__", [])):
            _hash_tree(os.path.join(folder, "_bundled", "solutions"), out)
    except Exception:
        pass
    return out


def honest(x):
    return x + 1
