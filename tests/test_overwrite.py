"""The one overwrite rule (mldrill/overwrite.py): existing files are named and nothing is
written, unless --force or the file is the command's own earlier output."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from mldrill.errors import UsageError
from mldrill.overwrite import OverwriteError, refuse_overwrite, starts_with_marker


def test_existing_files_are_named_and_counted(tmp_path) -> None:
    """Every existing path is named (five at most, then 'and N more')."""
    paths = [tmp_path / f"f{i}" for i in range(7)]
    for p in paths:
        p.write_text("x")
    with pytest.raises(OverwriteError) as exc:
        refuse_overwrite([*paths, tmp_path / "new"], force=False, what="cmd")
    assert "would overwrite 7 existing files" in str(exc.value)
    assert "and 2 more" in str(exc.value) and isinstance(exc.value, UsageError)
    refuse_overwrite(paths, force=True, what="cmd")  # --force: no error


def test_own_output_is_replaced_but_a_look_alike_link_is_not(tmp_path) -> None:
    """A file carrying the writer's marker is its own; a link to such a file is not."""
    ours = tmp_path / "report.html"
    ours.write_text("<html><meta name=generator content=mldrill-report>")
    theirs = tmp_path / "notes.html"
    theirs.write_text("<html>my notes")
    link = tmp_path / "link.html"
    link.symlink_to(ours)
    marker = starts_with_marker(b"content=mldrill-report")
    refuse_overwrite([ours], force=False, what="report", ours=marker)
    for p in (theirs, link):
        with pytest.raises(OverwriteError):
            refuse_overwrite([p], force=False, what="report", ours=marker)


def test_history_export_refuses_a_foreign_file(tmp_path) -> None:
    """`history --export FILE` replaces an earlier export but not another JSON file."""
    from mldrill.report.exam_export import write_export

    target = tmp_path / "exams.json"
    target.write_text(json.dumps({"my": "data"}))
    with pytest.raises(OverwriteError):
        write_export(target, "alice", [])
    assert json.loads(target.read_text()) == {"my": "data"}
    write_export(target, "alice", [], force=True)
    write_export(target, "alice", [])  # now an export: replaced without asking
    assert json.loads(target.read_text())["student"] == "alice"


def test_gradescope_export_refuses_a_foreign_zip(tmp_path) -> None:
    """`export gradescope -o FILE` refuses a file that is not an autograder zip."""
    from mldrill.grade.run import _is_autograder_zip

    mine = tmp_path / "a.zip"
    with zipfile.ZipFile(mine, "w") as z:
        z.writestr("run_autograder", "#!/bin/sh\n")
    other = tmp_path / "b.zip"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("thesis.tex", "...")
    junk = tmp_path / "c.zip"
    junk.write_text("not a zip")
    assert _is_autograder_zip(mine)
    assert not _is_autograder_zip(other) and not _is_autograder_zip(junk)
    assert not _is_autograder_zip(Path(tmp_path / "missing.zip"))
