"""Attacks by searching (issue 11, class 4): a submission finds neither the reference solutions
nor its classmates' files nor the gradebook, wherever they are on the machine, and learns no
path of the grader's from /proc, its argv or its environment. Canaries are planted in a source
checkout mldrill was pip-installed from, beside the submission, in the reports, the home, the
data and cache folders and under /tmp (see attack_helpers.World)."""

from __future__ import annotations

import hashlib

from attack_helpers import SLOW_LIMITS, World
from nonroot import REPO

NOT_FILES = ["/proc", "/sys", "/dev", "/usr"]  # virtual, or the system's own programs
CANARY_FILES = ["bob.py", "gradebook.csv", "notes.txt"]


def batch(world: World, name: str, **box: object) -> dict[str, dict[str, object]]:
    """One box as `mldrill grade` runs a class folder (the class folder and the reports are
    nowhere in the child's allow-list)."""
    return {"A": {"submission": world.submission(name), **box}}


def reference_hashes() -> set[str]:
    """sha256 of every .py file of the real reference solutions."""
    return {hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (REPO / "solutions").rglob("*.py")}


def test_proc_argv_and_environment_show_no_grader_path(world: World) -> None:
    """PID 1's command line and environment, every visible process's cmdline, environ, cwd,
    root, exe and fds, the child's own mountinfo, mounts, cgroup, maps, argv and environment
    name neither the class folder, the reports, the checkout, the grader's temporary folders
    nor its secrets."""
    verdict = world.play(batch(world, "walk_disk"), [
        {"box": "A", "call": "proc_leaks", "args": [world.tokens]},
        {"box": "A", "call": "honest", "args": [1]}])
    assert verdict.value(0) == {}
    assert verdict.value(1) == 2
    world.nothing_left(verdict)


def test_classmates_beside_a_single_file_are_unreadable(world: World) -> None:
    """Graded alone (`mldrill grade alice.py`, nothing hidden by name), a submission cannot read
    the classmate beside it, the gradebook, the checkout or the grader's home, nor list their
    folders, at paths a student can guess."""
    sub = world.submission("walk_disk")
    guesses = [str(world.class_dir / "bob.py"), str(world.reports / "gradebook.csv"),
               str(world.checkout / "solutions" / "assignments" / "notes.txt"),
               str(world.home_notes), str(world.tmp / "notes.txt"),
               str(world.data / "notes.txt"), str(world.cache / "notes.txt")]
    verdict = world.play({"A": {"submission": sub}}, [
        {"box": "A", "call": "read_paths", "args": [guesses, world.canary]}])
    seen = verdict.value(0)
    readable = {p: v for p, v in seen.items() if v in ("CANARY", "read")}
    listed = {p: v for p, v in seen.items() if isinstance(v, list) and v}
    assert readable == {}
    assert listed == {}
    world.nothing_left(verdict)


def test_disk_walk_finds_no_canary(world: World) -> None:
    """Walking the whole disk (and every visible process's cwd) finds no planted canary:
    not in the checkout, the class folder, the reports, the home, the data and cache folders
    or under /tmp."""
    verdict = world.play(batch(world, "walk_disk", limits=SLOW_LIMITS), [
        {"box": "A", "call": "search", "args": [world.canary, CANARY_FILES, NOT_FILES]}])
    assert verdict.value(0) == []
    world.nothing_left(verdict)


def test_reference_solutions_are_found_nowhere(world: World) -> None:
    """No copy of the reference solutions is readable: not a source checkout (the one
    mldrill was pip-installed from included), not an installed package's _bundled/, not an
    mldrill the submission imports after undoing the harness's guard."""
    reference = reference_hashes()
    assert reference, "no reference solutions to look for"
    verdict = world.play(batch(world, "walk_disk", limits=SLOW_LIMITS), [
        {"box": "A", "call": "reference_hashes", "args": [NOT_FILES]}])
    found = verdict.value(0)
    leaked = sorted(p for p, h in found.items() if h in reference)
    assert leaked == [], f"{len(leaked)} reference files readable, e.g. {leaked[:4]}"
    world.nothing_left(verdict)

