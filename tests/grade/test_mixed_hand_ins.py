"""A class folder as submissions arrive from Gradescope, Canvas or a shared folder: .py
files, notebooks and archives side by side (one bad archive never stops the batch), and
Gradescope's submission folder holding a notebook or a zip."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from test_archives import HOSTILE, LAYERS, cs231n_files, make_zip
from test_notebooks import notebook


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
