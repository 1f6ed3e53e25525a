"""The levels below full isolation, forced on this machine: with no namespaces at all, Landlock
and seccomp still keep a child to the allow-list, off the network and off shared kernel
objects, and a child left as uid 0 holds no capability."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hostile_helpers import FAST, SUBMISSIONS, call, leftovers

from mldrill.grade.sandbox import Sandbox, isolation
from mldrill.grade.sandbox._wrapper import landlock_abi


@pytest.fixture
def no_namespaces(monkeypatch: pytest.MonkeyPatch) -> Iterator[isolation.Plan]:
    """Every Sandbox made in the test gets the plan of a machine without namespaces (as root
    here: the child keeps uid 0, as when python is out of uid 65534's reach)."""
    full = isolation.probe(sys.executable)
    if not full.landlock or not full.seccomp:
        pytest.skip(f"this kernel offers no Landlock or seccomp: {full.missing}")
    plan = replace(full, userns=False, mountns=False, netns=False, pidns=False, ipcns=False,
                   proc=None, nested=False, drop=False)
    monkeypatch.setattr(isolation, "probe", lambda python: plan)
    yield plan


def test_landlock_keeps_the_child_to_the_allow_list(no_namespaces: isolation.Plan,
                                                    tmp_path: Path) -> None:
    """A classmate's file and the reference in a checkout stay unreadable, nothing outside the
    work folder is writable, the stdlib's folder is listed but its packages are not."""
    secret = tmp_path / "bob.py"
    secret.write_text("ANSWER = 42\n")
    reference = Path(__file__).resolve().parents[2] / "solutions" / "assignments" / "layers.py"
    with Sandbox(SUBMISSIONS / "fallback_probe.py", FAST) as box:
        assert any(p.startswith("landlock") for p in box.isolation), box.isolation
        for path in (secret, reference, Path.home() / ".bashrc", Path("/etc/passwd")):
            run = call(box, "read", str(path))
            assert run.calls[0].value is None, path
            assert run.calls[0].error is not None
        for path in (tmp_path / "planted.py", Path(no_namespaces.runtime.numpy) / "x.py"):
            assert call(box, "write", str(path)).calls[0].error is not None
            assert not path.exists()
        std = no_namespaces.runtime.stdlib[0]
        assert "os.py" in call(box, "listing", std).calls[0].value
        assert call(box, "write", "scratch.txt").calls[0].value == "written"  # its own folder
        marker = box.marker
    assert leftovers(marker) == []


def test_seccomp_refuses_shared_objects_and_the_network(no_namespaces: isolation.Plan) -> None:
    """SysV shared memory and UDP are refused; a child still uid 0 has no capability."""
    with Sandbox(SUBMISSIONS / "fallback_probe.py", FAST) as box:
        assert call(box, "sysv_shm").calls[0].value == -1
        assert call(box, "udp").calls[0].error is not None
        assert call(box, "capabilities").calls[0].value == [0, 0, "none"]


def test_the_report_says_the_level_is_partial(no_namespaces: isolation.Plan) -> None:
    """Without namespaces the isolation phrases name Landlock's allow-list and `partial`."""
    phrases = isolation.describe(no_namespaces)
    assert f"landlock abi {min(landlock_abi(), 7)}: allow-list" in phrases
    assert phrases[-1].startswith("partial") and not no_namespaces.fully_isolated
