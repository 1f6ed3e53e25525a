"""An interpreter an unprivileged user can run, so the attack tests grade as an instructor does
on a laptop (an ordinary uid, owning the virtual environment mldrill is installed in) even where
the tests themselves run as root, as on CI.

The test's own python usually cannot serve: a venv's python is a symlink into a prefix the user
may not reach (pyenv under /root). So `build` makes, under a world-readable folder:

    <base>/home/            the user's HOME, owned by the user
    <base>/home/venv/       `python3.X -m venv --without-pip` of a system python of the same
                            minor version, with numpy copied in from this interpreter (pip
                            installs it instead when the versions differ) and a copy of the
                            mldrill package installed as a wheel would be (with _bundled/)
    <base>/attack_runner.py the scenario runner, readable by the user

and warms it up (bytecode compiled, numpy imported) as that user, so a later change in the venv
can only come from what the tests do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import mldrill

UID = GID = 4242
PACKAGE = Path(mldrill.__file__).resolve().parent
REPO = Path(__file__).resolve().parents[2]  # the checkout these tests belong to (a wheel
# install puts the package elsewhere, without solutions/ beside it)
RUNNER = Path(__file__).with_name("attack_runner.py")
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"


@dataclass(frozen=True)
class Unprivileged:
    """A python and a home for uid/gid, and how to run a command as them."""

    base: Path
    home: Path
    python: str
    runner: Path
    uid: int
    gid: int
    seconds: float  # how long building took

    def command(self, argv: list[str]) -> list[str]:
        return ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups",
                "--", *argv]

    def env(self, **extra: str) -> dict[str, str]:
        return {"HOME": str(self.home), "PATH": BASE_PATH, "LANG": "C.UTF-8",
                "PYTHONDONTWRITEBYTECODE": "1", **extra}


def _as_user(argv: list[str], uid: int, gid: int, home: Path,
             timeout: float = 120) -> subprocess.CompletedProcess[str]:
    cmd = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--", *argv]
    env = {"HOME": str(home), "PATH": BASE_PATH, "LANG": "C.UTF-8"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                          cwd=str(home))


def _system_python(uid: int, gid: int, home: Path) -> str | None:
    """A python outside any folder private to root that `uid` can run (same minor version as
    ours first: then numpy can simply be copied)."""
    minor = f"3.{sys.version_info.minor}"
    names = [f"/usr/bin/python{minor}", f"/usr/local/bin/python{minor}",
             shutil.which(f"python{minor}", path=BASE_PATH), "/usr/bin/python3",
             "/usr/local/bin/python3", shutil.which("python3", path=BASE_PATH)]
    for name in dict.fromkeys(n for n in names if n):
        if not os.path.exists(name):
            continue
        out = _as_user([name, "-c", "import venv"], uid, gid, home, timeout=30)
        if out.returncode == 0:
            return name
    return None


def _install_numpy(python: str, site: Path, same_minor: bool) -> None:
    src = Path(np.__file__).resolve().parent.parent
    if same_minor:
        for entry in src.iterdir():
            if entry.name == "numpy" or entry.name.startswith(("numpy-", "numpy.libs")):
                shutil.copytree(entry, site / entry.name, symlinks=True)  # mtimes kept: .pyc valid
        return
    subprocess.run([sys.executable, "-m", "pip", "--python", python, "install", "-q",
                    "--no-deps", f"numpy=={np.__version__}"], check=True, capture_output=True,
                   timeout=300)


def _install_mldrill(site: Path) -> None:
    """The package as a wheel lays it out: mldrill/ with _bundled/problems and solutions."""
    target = site / "mldrill"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("problems", "solutions"):
        if not (target / "_bundled" / name).exists() and (REPO / name).is_dir():
            shutil.copytree(REPO / name, target / "_bundled" / name,
                            ignore=shutil.ignore_patterns("__pycache__"))


def build(base: Path, uid: int = UID, gid: int = GID) -> Unprivileged | str:
    """Everything under `base` (which must be world-readable); or why it cannot be built."""
    start = time.monotonic()
    if os.geteuid() != 0:
        return "only root can prepare a python for another user"
    if shutil.which("setpriv") is None:
        return "setpriv (util-linux) is not installed"
    home = base / "home"
    home.mkdir(mode=0o755)
    os.chown(home, uid, gid)
    python = _system_python(uid, gid, home)
    if python is None:
        return "no system python that an unprivileged user can run"
    venv = home / "venv"
    subprocess.run([python, "-m", "venv", "--without-pip", str(venv)], check=True,
                   capture_output=True, timeout=120)
    vpython = str(venv / "bin" / "python")
    out = subprocess.run([vpython, "-c", "import sys, sysconfig; "
                          "print(sysconfig.get_path('purelib')); print(sys.version_info[1])"],
                         check=True, capture_output=True, text=True, timeout=60)
    purelib, minor = out.stdout.split()
    site = Path(purelib)
    try:
        _install_numpy(vpython, site, int(minor) == sys.version_info.minor)
    except (OSError, subprocess.SubprocessError) as e:
        return f"numpy cannot be installed for {python}: {e}"
    _install_mldrill(site)
    runner = base / RUNNER.name
    shutil.copyfile(RUNNER, runner)
    for root, dirs, files in os.walk(home):
        for name in [*dirs, *files]:
            os.lchown(os.path.join(root, name), uid, gid)
    warm = _as_user([vpython, "-m", "compileall", "-q", str(site / "mldrill")], uid, gid, home)
    check = _as_user([vpython, "-I", "-c", "import numpy, mldrill.grade.sandbox"], uid, gid,
                     home)
    if warm.returncode != 0 or check.returncode != 0:
        return f"the prepared python does not work: {warm.stderr[-300:]}{check.stderr[-300:]}"
    return Unprivileged(base, home, vpython, runner, uid, gid, time.monotonic() - start)
