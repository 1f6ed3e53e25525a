"""A class folder as submissions arrive from Gradescope, Canvas or a shared folder: .py
files, notebooks and archives side by side (one bad archive never stops the batch), and
Gradescope's submission folder holding a notebook or a zip."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from test_archives import HOSTILE, LAYERS, cs231n_files, make_zip
from test_notebooks import notebook
from typer.testing import CliRunner

from mldrill.cli.app import app


def _class(folder: Path) -> None:
    folder.mkdir()
    (folder / "alice.py").write_bytes(LAYERS)
    (folder / "bob.ipynb").write_bytes(notebook(
        ("code", "%matplotlib inline"), ("code", LAYERS.decode()),
        ("code", "while True:\n    pass  # training")))
    (folder / "carol.zip").write_bytes(make_zip(cs231n_files()))
    (folder / "dave.zip").write_bytes(HOSTILE["dotdot"][0]())
    (folder / "erin.tar.gz").write_bytes(HOSTILE["tar-symlink-then-file"][0]())
    (folder / "frank").mkdir()
    (folder / "frank" / "hw2.ipynb").write_bytes(notebook(("code", LAYERS.decode())))
    (folder / "notes.txt").write_text("not a student")


def test_class_folder_mixing_py_notebooks_and_archives(grade, tmp_path) -> None:
    """Every .py, .ipynb and archive (and sub-folder) is a student; the good ones score
    full marks whatever the form, a hostile archive is one not-gradable row naming its
    member, and a second run regrades nobody."""
    folder = tmp_path / "class"
    _class(folder)
    book = tmp_path / "grades.csv"
    result = grade(str(folder), "-a", "layers", "--seed", "2", "-o", str(book), "-j", "2")
    assert result.exit_code == 0, result.output
    by = {r["student"]: r for r in csv.DictReader(book.open())}
    assert sorted(by) == ["alice", "bob", "carol", "dave", "erin", "frank"]
    for good in ("alice", "bob", "carol", "frank"):
        assert by[good]["outcome"] == "graded" and by[good]["total"] == by[good]["max"], good
    assert by["dave"]["outcome"] == by["erin"]["outcome"] == "not gradable"
    reports = tmp_path / "grades-reports"
    dave = json.loads((reports / "dave.json").read_text())
    assert "the member 'cs231n/../../x.py' points outside the archive" in dave["message"]
    erin = json.loads((reports / "erin.json").read_text())
    assert "is a symbolic link (to '/etc/passwd')" in erin["message"]
    carol = json.loads((reports / "carol.json").read_text())
    assert carol["graded"]["member"] == "cs231n/layers.py"
    bob = json.loads((reports / "bob.json").read_text())
    assert bob["graded"]["cells"] == [2] and bob["graded"]["kind"] == "notebook"
    again = grade(str(folder), "-a", "layers", "--seed", "2", "-o", str(book))
    assert "(6 unchanged since the last run, not regraded)" in again.output


def test_gradescope_folder_with_a_zip_or_a_notebook(grade, tmp_path) -> None:
    """Gradescope's submission folder holding only a zip, or only a notebook, is graded
    from it; results.json's output says which file was graded."""
    for name, data, graded in (
            ("submission.zip", make_zip(cs231n_files()), ": cs231n/layers.py."),
            ("layers.ipynb", notebook(("code", LAYERS.decode())),
             ", cells 1 (definitions and imports only).")):
        sub = tmp_path / name.replace(".", "-")
        sub.mkdir()
        (sub / name).write_bytes(data)
        out = tmp_path / f"{name}.json"
        result = grade(str(sub), "-a", "layers", "--seed", "5", "--format", "gradescope",
                       "-o", str(out))
        assert result.exit_code == 0, result.output
        data_out = json.loads(out.read_text())
        assert data_out["score"] == sum(t["max_score"] for t in data_out["tests"]) > 0
        assert f"Graded: {sub / name}{graded}" in data_out["output"].splitlines()


@pytest.mark.skipif(os.name != "posix" or not shutil.which("bash"),
                    reason="run_autograder is a bash script")
def test_exported_autograder_grades_a_zip_and_a_notebook(tmp_path) -> None:
    """The exported Gradescope autograder, run as Gradescope runs it, grades a submission
    folder holding a zipped assignment folder, or a notebook, into results.json."""
    zpath = tmp_path / "autograder.zip"
    result = CliRunner().invoke(app, ["export", "gradescope", "-a", "layers", "-o", str(zpath),
                                      "--secret", "s"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zpath) as z:
        z.extractall(root / "source")
    (root / "submission_metadata.json").write_text(json.dumps({"id": 3}))
    env = {**os.environ, "AUTOGRADER": str(root), "MLDRILL_PYTHON": sys.executable}
    env.pop("MLDRILL_BANK", None)
    for name, data, graded in (
            ("submission.zip", make_zip(cs231n_files()), "submission.zip: cs231n/layers.py"),
            ("hw.ipynb", notebook(("code", LAYERS.decode())), "hw.ipynb, cells 1")):
        shutil.rmtree(root / "submission", ignore_errors=True)
        (root / "submission").mkdir()
        (root / "submission" / name).write_bytes(data)
        done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        out = json.loads((root / "results" / "results.json").read_text())
        assert out["score"] == sum(t["max_score"] for t in out["tests"]) > 0, out["output"]
        assert f"/submission/{graded}" in out["output"]
