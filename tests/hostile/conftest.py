"""The fixtures of the hostile-submission tests: `sandbox`, a Sandbox factory that checks nothing
is left running afterwards; and for the attack tests, `grader` (root, or an unprivileged
instructor: every attack test runs as both) and `world` (its folders, planted with canaries)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import nonroot
import pytest
from attack_helpers import MODES, Grader, World
from hostile_helpers import FAST, SUBMISSIONS, MakeBox, leftovers
from nonroot import Unprivileged

from mldrill.grade.sandbox import Limits, Sandbox


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[MakeBox]:
    """make(name, limits=FAST, edit={old: new}): a Sandbox on submissions/<name>.py
    (edited into a temporary copy when `edit` is given); on teardown each is closed and no
    process of it may be left."""
    boxes: list[Sandbox] = []

    def make(name: str, limits: Limits = FAST,
             edit: Mapping[str, str] | None = None) -> Sandbox:
        path = SUBMISSIONS / f"{name}.py"
        if edit:
            text = path.read_text()
            for old, new in edit.items():
                assert old in text
                text = text.replace(old, new)
            path = tmp_path / f"{name}.py"
            path.write_text(text)
        box = Sandbox(path, limits)
        boxes.append(box)
        return box

    yield make
    for box in boxes:
        box.close()
    for box in boxes:
        assert leftovers(box.marker) == []


# ---------------------------------------------------------------- the attack tests' grader


@pytest.fixture(scope="session")
def attack_base() -> Iterator[Path]:
    """A world-readable folder under the temporary folder for everything a grader uses."""
    base = Path(tempfile.mkdtemp(prefix="mldrill-attack-"))
    os.chmod(base, 0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def outside(attack_base: Path) -> Iterator[Path]:
    """Where an instructor's course folders live: not under a home or temporary folder (so not
    on today's deny-list), e.g. /srv/<name>; the temporary folder when that cannot be made."""
    for parent in ("/srv", "/opt", "/var/opt"):
        if os.path.isdir(parent) and os.access(parent, os.W_OK):
            root = Path(tempfile.mkdtemp(prefix="mldrill-attack-", dir=parent))
            break
    else:
        root = attack_base / "outside"
        root.mkdir()
    os.chmod(root, 0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def unprivileged(attack_base: Path) -> Unprivileged | str:
    """A python and a home for uid 4242 (built once: a few seconds), or why there is none."""
    return nonroot.build(attack_base)


@pytest.fixture(scope="session", params=MODES)
def grader(request: pytest.FixtureRequest, attack_base: Path,
           unprivileged: Unprivileged | str) -> Iterator[Grader]:
    """The user running `mldrill grade`: root, or an ordinary instructor (uid 4242 when the
    tests run as root; the current user otherwise). Warmed up by one honest sandbox run."""
    root = os.geteuid() == 0
    if request.param == "root":
        if not root:
            pytest.skip("the tests run as an ordinary user: there is no root grader here")
        g = Grader("root", sys.executable, nonroot.RUNNER, 0, 0, attack_base / "root-home",
                   attack_base / "tmp-root")
        g.home.mkdir()
    elif not root:
        g = Grader("nonroot", sys.executable, nonroot.RUNNER, os.getuid(), os.getgid(),
                   attack_base / "user-home", attack_base / "tmp-user")
        g.home.mkdir()
    elif isinstance(unprivileged, str):
        pytest.skip(f"no python for an unprivileged grader: {unprivileged}")
    else:
        u = unprivileged
        g = Grader("nonroot", u.python, u.runner, u.uid, u.gid, u.home,
                   attack_base / "tmp-nonroot", tuple(u.command([])))
    g.tmp.mkdir(mode=0o755)
    os.chown(g.tmp, g.uid, g.gid)
    good = g.home / "good.py"
    shutil.copyfile(SUBMISSIONS / "good.py", good)
    os.chown(good, g.uid, g.gid)
    scenario = {"boxes": {"warm": {"submission": str(good)}},
                "steps": [{"box": "warm", "call": "add", "args": [1, 2]}]}
    verdict = g.play(scenario, g.home, {})
    assert verdict["steps"][0]["value"] == 3, verdict
    yield g
    g.close()


@pytest.fixture
def world(grader: Grader, outside: Path, attack_base: Path,
          request: pytest.FixtureRequest) -> Iterator[World]:
    """This test's folders and canaries, graded by `grader`; removed afterwards."""
    w = World(grader, outside, attack_base, request.node.originalname).make()
    yield w
    w.cleanup()
