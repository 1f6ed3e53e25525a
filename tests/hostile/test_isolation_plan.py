"""The isolation planning, without starting anything: which paths get covered, which come back,
how a failed step degrades the plan, and how the result is described."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hostile_helpers import FAST, call, has

from mldrill.grade.isolation import Plan, PythonInfo, _degrade, describe, plan_hides
from mldrill.grade.sandbox import Sandbox

INFO = PythonInfo(keeps=("/tmp/venv", "/root/.pyenv/versions/3.11.7"), drop_paths=())
FULL = Plan(python="python", info=INFO, userns=True, mountns=True, netns=True, pidns=True,
            proc="mount", nested=True)


def by_path(hides: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {h["path"]: h for h in hides}


def test_kept_paths_come_back_inside_hidden_ones() -> None:
    """Hiding /tmp and /root keeps python and the working directory visible inside them."""
    hides = by_path(plan_hides([("/tmp", None), ("/root", None)],
                               [*INFO.keeps, "/tmp/mldrill-sandbox-x"]))
    assert hides["/tmp"]["keeps"] == ["/tmp/mldrill-sandbox-x", "/tmp/venv"]
    assert hides["/root"]["keeps"] == ["/root/.pyenv/versions/3.11.7"]


def test_packages_inside_kept_paths_are_still_hidden_first() -> None:
    """An installed mldrill inside the kept venv is covered (deepest first, poisoned)."""
    pkg = "/tmp/venv/lib/python3.11/site-packages/mldrill"
    hides = plan_hides([("/tmp", None), (pkg, "mldrill")], INFO.keeps)
    assert [h["path"] for h in hides] == [pkg, "/tmp"]
    assert hides[0]["package"] == "mldrill" and hides[0]["keeps"] == []


def test_redundant_and_vital_hides_are_dropped() -> None:
    """A path inside another hidden one is not mounted twice; python itself is never hidden."""
    hides = plan_hides([("/work/main", None), ("/work/main/mldrill", "mldrill"),
                        ("/tmp/venv", None)], INFO.keeps)
    assert [h["path"] for h in hides] == ["/work/main"]


@pytest.mark.parametrize(("step", "expect"), [
    ("userns", dict(userns=False, mountns=False, netns=False, pidns=False, nested=False)),
    ("netns", dict(netns=False, mountns=True, pidns=True)),
    ("pidns", dict(pidns=False, proc=None, mountns=True)),
    ("hide", dict(mountns=False, proc=None, netns=True)),
    ("proc", dict(proc="hide", mountns=True)),
    # as root of its user namespace the child could unmount what hides the grader's files
    ("nested", dict(nested=False, mountns=False, proc=None, netns=True)),
])
def test_a_failed_step_degrades_the_plan(step: str, expect: dict[str, Any]) -> None:
    """Each failing step is dropped with what relied on it; the rest stays."""
    plan = _degrade(FULL, step, root=False)
    for key, value in expect.items():
        assert getattr(plan, key) == value, key


def test_degrading_as_root() -> None:
    """Root falls back to a user namespace, keeps its mounts without `nested`, can lose `drop`."""
    root = replace(FULL, userns=False, drop=True)
    assert _degrade(root, "mountns", root=True).userns  # root without capabilities
    assert _degrade(root, "nested", root=True).mountns  # uid 65534 cannot unmount anyway
    assert not _degrade(root, "exec", root=True).drop  # python out of reach of uid 65534
    # no /proc at all: a non-root child could read the grader's files via /proc/<pid>/root
    assert not _degrade(replace(FULL, proc="hide"), "proc", root=False).mountns


def test_describe() -> None:
    """The phrases name what was achieved, or say "rlimits only" and why."""
    assert describe(FULL, 4)[:5] == ("rlimits", "user-ns", "net-ns", "pid-ns",
                                     "mount-ns: hid 4 paths")
    bare = Plan(python="python", info=INFO, missing=("userns: Operation not permitted",))
    assert describe(bare, 0)[0] == (
        "rlimits only: user namespaces unavailable (userns: Operation not permitted)")


def test_a_single_hidden_file_reads_empty(tmp_path: Path) -> None:
    """A file passed in `hide` (here one inside the kept numpy) is replaced by /dev/null."""
    stub = Path(np.__file__).with_name("__init__.pyi")
    if not stub.is_file():
        pytest.skip("this numpy has no __init__.pyi to hide")
    reader = tmp_path / "reader.py"
    reader.write_text("def read(p):\n    with open(p) as f:\n        return f.read()\n")
    with Sandbox(reader, FAST, hide=[stub]) as box:
        if not has(box, "mount-ns"):
            pytest.skip(f"no mount namespace here: {box.isolation}")
        assert call(box, "read", str(stub)).calls[0].value == ""
