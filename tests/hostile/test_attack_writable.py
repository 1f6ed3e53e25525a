"""Attacks on the disk (issue 11, class 1): whoever grades (root, or an instructor as themselves),
nothing a submission does changes a file outside its sandbox. The python that runs mldrill, its
virtual environment, numpy, the grader's home, working directory, data, cache and temporary
folders are snapshotted from outside before and after; a startup hook planted in the venv would
run in the grader's next python, outside any sandbox."""

from __future__ import annotations

from pathlib import Path

from attack_helpers import (
    Grader,
    World,
    changes,
    python_places,
    snapshot,
    undo_new,
)

SHARED = ("/tmp", "/var/tmp", "/dev/shm")  # other people's too: only names holding the tag


def watch(world: World, *extra: Path) -> dict[str, bool]:
    """The grader's python (see python_places), its home and this test's folders, whole."""
    places = dict(python_places(world.grader).watch)
    for path in (world.grader.home, world.root, world.tmp, *extra):
        places[str(path)] = True
    return places


def attempts(report: dict[str, str]) -> str:
    """The attempts the child reported as successful (a few of them)."""
    ok = sorted(k for k, v in report.items() if v == "ok")
    return f"{len(ok)} attempts succeeded" + (f", e.g. {ok[:4]}" if ok else "")


def grader_python_runs(grader: Grader, cwd: Path) -> None:
    """The grader starts its python again, as the next `mldrill` run would (site, .pth files,
    sitecustomize, `import numpy` from the working directory)."""
    out = grader.run([grader.python, "-c", "import numpy"], cwd=cwd)
    assert out.returncode == 0, out.stderr


def test_python_and_numpy_folders_stay_unchanged(world: World) -> None:
    """A .pth, sitecustomize.py, numpy.py, folder, fifo or symlink planted where python and
    numpy live (prefix, venv, site-packages, numpy, numpy.libs, stdlib, __pycache__, bin) is
    refused, and no hook runs in the grader's next python."""
    places = python_places(world.grader)
    sub = world.submission("write_prefix")
    pwned = world.root / "pwned"
    hook = f"import os; os.makedirs({str(pwned)!r}, exist_ok=True)"
    folders = watch(world)
    before = snapshot(folders, SHARED, world.tag)
    try:
        verdict = world.play({"A": {"submission": sub}}, [
            {"box": "A", "call": "plant", "args": [places.folders, world.tag, hook]},
            {"box": "A", "call": "honest", "args": [41]}])
        report = verdict.value(0)
        grader_python_runs(world.grader, world.class_dir)
        assert not pwned.exists(), f"planted code ran in the grader: {attempts(report)}"
        assert changes(before, snapshot(folders, SHARED, world.tag)) == [], attempts(report)
        assert verdict.value(1) == 42
        world.nothing_left(verdict)
    finally:
        undo_new(before, snapshot(folders, SHARED, world.tag))


def test_existing_files_cannot_be_changed(world: World) -> None:
    """Files that exist in site-packages, numpy, bin, the home, data, cache, class and shared
    folders cannot be chmod-ed, utime-d, appended to, truncated, renamed, unlinked or hard
    linked."""
    places = python_places(world.grader)
    sub = world.submission("write_prefix")
    targets = [places.site, places.numpy, places.bin, str(world.grader.home),
               *map(str, world.platform_dirs), str(world.data), str(world.cache),
               str(world.class_dir), str(world.shared), str(world.reports)]
    files = world.sacrifice(targets, 7)  # write_prefix.OPS ways of tampering
    folders = watch(world)
    before = snapshot(folders, SHARED, world.tag)
    try:
        verdict = world.play({"A": {"submission": sub}}, [
            {"box": "A", "call": "tamper", "args": [files, world.tag]},
            {"box": "A", "call": "honest", "args": [1]}])
        report = verdict.value(0)
        assert changes(before, snapshot(folders, SHARED, world.tag)) == [], attempts(report)
        assert verdict.value(1) == 2
        world.nothing_left(verdict)
    finally:
        undo_new(before, snapshot(folders, SHARED, world.tag))


def test_home_class_data_and_cache_folders_stay_unchanged(world: World) -> None:
    """Grading one file from its class folder (`mldrill grade alice.py`), nothing can be left
    in the grader's home, its working directory, the reports, the checkout, MLDRILL_HOME,
    MLDRILL_CACHE, the platformdirs data and cache folders, or a world-writable folder."""
    sub = world.submission("write_prefix")
    targets = [str(p) for p in (world.grader.home, *world.platform_dirs, world.class_dir,
                                world.reports, world.checkout, world.data, world.cache,
                                world.shared)]
    pwned = world.root / "pwned"
    hook = f"import os; os.makedirs({str(pwned)!r}, exist_ok=True)"
    folders = watch(world)
    before = snapshot(folders, SHARED, world.tag)
    try:
        verdict = world.play({"A": {"submission": sub}}, [
            {"box": "A", "call": "plant", "args": [targets, world.tag, hook],
             "kwargs": {"own": False}},
            {"box": "A", "call": "honest", "args": [1]}])
        report = verdict.value(0)
        grader_python_runs(world.grader, world.class_dir)
        assert not pwned.exists(), f"planted code ran in the grader: {attempts(report)}"
        assert changes(before, snapshot(folders, SHARED, world.tag)) == [], attempts(report)
        world.nothing_left(verdict)
    finally:
        undo_new(before, snapshot(folders, SHARED, world.tag))


def test_temporary_folders_stay_unchanged(world: World) -> None:
    """Nothing is left in /tmp, /var/tmp, /dev/shm, the grader's TMPDIR or a folder under
    /tmp; the child's own working folder is gone once the sandbox is closed."""
    sub = world.submission("write_prefix")
    shared = [*SHARED, str(world.grader.tmp), str(world.tmp)]
    folders = watch(world)
    before = snapshot(folders, SHARED, world.tag)
    try:
        verdict = world.play({"A": {"submission": sub}}, [
            {"box": "A", "call": "plant", "args": [[], world.tag, "", shared],
             "kwargs": {"own": False}},
            {"box": "A", "call": "honest", "args": [1]}])
        report = verdict.value(0)
        assert changes(before, snapshot(folders, SHARED, world.tag)) == [], attempts(report)
        world.nothing_left(verdict)
    finally:
        undo_new(before, snapshot(folders, SHARED, world.tag))


def test_batch_reports_and_class_folder_cannot_be_forged(world: World) -> None:
    """Graded in a batch (class folder and reports hidden, as `mldrill grade FOLDER` does),
    nothing can be written into the reports (a forged report would be reused on the next run)
    or the class folder, nor into a world-writable folder beside them."""
    sub = world.submission("write_prefix")
    targets = [str(world.reports), str(world.class_dir), str(world.shared), str(world.root)]
    folders = watch(world)
    before = snapshot(folders, SHARED, world.tag)
    try:
        verdict = world.play({"A": {"submission": sub}}, [
            {"box": "A", "call": "plant", "args": [targets, world.tag, ""],
             "kwargs": {"own": False}},
            {"box": "A", "call": "forge_report", "args": [str(world.reports), "alice"]},
            {"box": "A", "call": "honest", "args": [1]}])
        report = {**verdict.value(0), **verdict.value(1)}
        assert changes(before, snapshot(folders, SHARED, world.tag)) == [], attempts(report)
        assert verdict.value(2) == 2
        world.nothing_left(verdict)
    finally:
        undo_new(before, snapshot(folders, SHARED, world.tag))
