"""The child's filesystem as an allow-list: exactly what python and numpy need, read-only.

`runtime(python)` asks the interpreter (once per process) where its binary, shared libraries,
standard library and numpy live; `plan_view` turns that into the ordered list of steps the
wrapper performs inside a fresh tmpfs root before `pivot_root`: directories, symbolic links
recreated as they are on the host (`/lib -> usr/lib`), and read-only bind mounts. Nothing else
of the host exists in the child: no home, no /tmp, no /dev/shm, no source checkout, no class
folder, no cache, and no `site-packages` (numpy's own folders are bound one by one and imported
by path). The same list is the Landlock allow-list when mount namespaces are unavailable.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from dataclasses import dataclass
from typing import TypedDict

from mldrill.grade.sandbox.model import SandboxError

WORK = "/sandbox"  # the child's working directory (a private, size-capped tmpfs)
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
PACKAGE_DIRS = ("site-packages", "dist-packages")

# Run by the target interpreter on the host: where everything it needs lives. Importing these
# stdlib extension modules maps the shared libraries a student's `import` could need.
_PROBE = r"""
import json, os, sys, sysconfig
real = os.path.realpath
exe = real(getattr(sys, "_base_executable", "") or sys.executable)
out = {"executable": exe, "stdlib": [], "numpy": None, "libs": [], "interp": None,
       "prefixes": sorted({real(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix,
                                               sys.base_exec_prefix)})}
for key in ("stdlib", "platstdlib"):
    p = sysconfig.get_path(key)
    if p and os.path.isfile(os.path.join(p, "os.py")):
        out["stdlib"].append(real(p))
try:
    import numpy
    out["numpy"] = real(os.path.dirname(numpy.__file__))
except Exception:
    pass
for m in ("_ssl", "_hashlib", "_sqlite3", "_ctypes", "_lzma", "_bz2", "zlib", "_decimal",
          "_json", "math", "cmath", "array", "select", "_socket", "unicodedata", "_csv",
          "_datetime", "_pickle", "_posixshmem", "_multiprocessing", "_struct", "_random",
          "pyexpat", "_elementtree", "binascii", "_uuid", "mmap", "fcntl", "resource",
          "_queue", "_statistics", "_zoneinfo", "_blake2", "_sha3", "_posixsubprocess"):
    try:
        __import__(m)
    except Exception:
        pass
with open("/proc/self/maps") as f:
    for line in f:
        parts = line.split(None, 5)
        if len(parts) == 6 and parts[5].startswith("/"):
            path = parts[5].strip()
            if os.path.isfile(path):
                out["libs"].append(real(path))
with open(exe, "rb") as f:
    head = f.read(1 << 16)
if head[:4] == b"\x7fELF" and head[4] == 2 and head[5] == 1:  # 64-bit little-endian
    phoff = int.from_bytes(head[32:40], "little")
    size, count = int.from_bytes(head[54:56], "little"), int.from_bytes(head[56:58], "little")
    for i in range(count):
        ph = head[phoff + i * size: phoff + (i + 1) * size]
        if int.from_bytes(ph[0:4], "little") == 3:  # PT_INTERP
            off, n = int.from_bytes(ph[8:16], "little"), int.from_bytes(ph[32:40], "little")
            out["interp"] = head[off:off + n].rstrip(b"\0").decode()
print(json.dumps(out))
"""


@dataclass(frozen=True)
class Runtime:
    """Where the child's interpreter finds everything it needs (real paths on the host)."""

    executable: str
    stdlib: tuple[str, ...]
    numpy: str  # numpy's package folder
    numpy_extra: tuple[str, ...]  # sibling folders numpy's wheel loads from (numpy.libs)
    libs: tuple[str, ...]  # shared libraries mapped by python, numpy and the stdlib
    interp: str | None  # the ELF interpreter, as the binary names it (/lib64/ld-linux...)
    prefixes: tuple[str, ...]


def _clean_env() -> dict[str, str]:
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


@functools.cache
def runtime(python: str) -> Runtime:
    """Ask `python` where its runtime lives (cached for the process)."""
    try:
        out = subprocess.run([python, "-I", "-c", _PROBE], capture_output=True, text=True,
                             timeout=60, env=_clean_env(), cwd="/")
    except (OSError, subprocess.SubprocessError) as e:
        raise SandboxError(f"{python} cannot run: {e}") from None
    if out.returncode != 0:
        raise SandboxError(f"{python} cannot run: {out.stderr.strip()[-500:]}")
    data = json.loads(out.stdout)
    if not data["numpy"]:
        raise SandboxError(f"{python} cannot import numpy, which the child needs")
    np_dir = data["numpy"]
    parent = os.path.dirname(np_dir)
    extra = tuple(p for p in (os.path.join(parent, "numpy.libs"),) if os.path.isdir(p))
    return Runtime(data["executable"], tuple(dict.fromkeys(data["stdlib"])), np_dir, extra,
                   tuple(sorted(set(data["libs"]))), data["interp"], tuple(data["prefixes"]))


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _in_packages(path: str) -> bool:
    return any(part in PACKAGE_DIRS for part in path.split("/"))


def stdlib_entries(rt: Runtime) -> list[str]:
    """Everything in the standard library's folders but their installed packages."""
    return [os.path.join(std, n) for std in rt.stdlib for n in sorted(os.listdir(std))
            if n not in PACKAGE_DIRS]


def covered(rt: Runtime) -> list[str]:
    """The package folders inside the standard library (a base interpreter's `pip install`
    goes there: mldrill itself, perhaps) that the view covers with an empty folder."""
    return [os.path.join(std, n) for std in rt.stdlib for n in PACKAGE_DIRS
            if os.path.isdir(os.path.join(std, n))]


def exposed(rt: Runtime) -> list[tuple[str, str]]:
    """(real path, "dir" | "file") for every host path the child may read: the allow-list
    (the standard library's folders whole: `covered` says what inside them is not)."""
    out: dict[str, str] = {rt.executable: "file"}
    for std in rt.stdlib:
        out[std] = "dir"
    for d in (rt.numpy, *rt.numpy_extra):
        out[d] = "dir"
    python_dirs = (*rt.stdlib, os.path.dirname(rt.numpy))
    for lib in rt.libs:
        if any(_inside(lib, d) for d in (rt.numpy, *rt.numpy_extra, *rt.stdlib)):
            continue
        folder = os.path.dirname(lib)
        if _in_packages(lib) or any(_inside(d, folder) for d in python_dirs):
            out[lib] = "file"  # e.g. libpython in the prefix's lib/, beside lib/python3.X
        else:
            out[folder] = "dir"  # a system library folder (/usr/lib/x86_64-linux-gnu)
    if os.path.isfile("/etc/ld.so.cache"):
        out["/etc/ld.so.cache"] = "file"
    # a path inside another exposed folder needs no mount of its own, unless it is inside a
    # folder the view covers (numpy installed in the base interpreter's site-packages)
    dirs = sorted(p for p, k in out.items() if k == "dir")
    covers = covered(rt)
    return sorted((p, k) for p, k in out.items()
                  if not any(_inside(p, d) and p != d
                             and not any(_inside(p, c) and _inside(c, d) for c in covers)
                             for d in dirs))


def _links_to(path: str, steps: dict[str, str], depth: int = 0) -> str:
    """Record every symbolic link met on the way to `path` (as the host has it); return the
    real path. `steps` maps a link's path to its target text."""
    parts = [p for p in path.split("/") if p]
    cur = "/"
    for i, part in enumerate(parts):
        nxt = os.path.join(cur, part)
        if os.path.islink(nxt) and depth < 40:
            target = os.readlink(nxt)
            steps.setdefault(nxt, target)
            resolved = os.path.normpath(os.path.join(cur, target))
            rest = "/".join(parts[i + 1:])
            return _links_to(os.path.join(resolved, rest) if rest else resolved, steps,
                             depth + 1)
        cur = nxt
    return cur


class View(TypedDict):
    """The wrapper's steps, as `plan_view` writes them."""

    links: list[list[str]]  # [path, target]
    binds: list[list[str]]  # [path, kind]
    covers: list[str]
    inner: list[list[str]]  # [path, kind]
    devices: list[str]


@functools.cache
def plan_view(rt: Runtime) -> str:
    """The wrapper's steps as JSON (cached: the same for every child of this runtime):
    `links` [[path, target]], `binds` [[path, kind]], `covers` [path] (empty folders over
    the stdlib's site-packages), `inner` [[path, kind]] (bound inside a cover), `devices`."""
    binds = exposed(rt)
    links: dict[str, str] = {}
    for top in sorted(os.listdir("/")):  # /lib -> usr/lib, /lib64 -> usr/lib64 ...
        path = "/" + top
        if os.path.islink(path):
            links[path] = os.readlink(path)
    for path in ([rt.interp] if rt.interp else []) + [p for p, _ in binds]:
        _links_to(path, links)
    for path, kind in binds:  # libfoo.so.1 -> libfoo.so.1.2.3 beside a library bound alone
        if kind == "file" and path in rt.libs:
            folder = os.path.dirname(path)
            for name in os.listdir(folder):
                link = os.path.join(folder, name)
                if os.path.islink(link) and os.path.realpath(link) == path:
                    links.setdefault(link, os.readlink(link))
    bound = [p for p, _ in binds]
    kept_links = sorted((p, t) for p, t in links.items()
                        if not any(_inside(p, b) for b in bound))
    if any(_inside(p, WORK) or _inside(WORK, p) for p in bound):
        raise SandboxError(f"the python runtime lives under {WORK}, the sandbox's work folder")
    covers = covered(rt)
    inner = [b for b in binds if any(_inside(b[0], c) for c in covers)]
    return json.dumps({"links": [list(x) for x in kept_links],
                       "binds": [list(x) for x in binds if x not in inner], "covers": covers,
                       "inner": [list(x) for x in inner],
                       "devices": [d for d in DEVICES if os.path.exists(d)]})
