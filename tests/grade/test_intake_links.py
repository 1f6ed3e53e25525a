"""Submissions are read safely: a symbolic link (to a classmate's file, the reference, a
private file), a FIFO, a socket, a device, a hard link or an oversized file is never read
as the student's work. It is that student's not-gradable row, naming it, and everyone
else keeps their grade. Through the CLI: a class folder, one file, a Gradescope folder."""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
from pathlib import Path

import pytest

from mldrill.grade.submissions import MAX_BYTES, NotGradable, find_students, read_source

ROOT = Path(__file__).parents[2]
DRILLS = ROOT / "solutions" / "assignments" / "drills.py"
SECRET = "TOPSECRET-5b1e9c"   # in every link target: it must never reach any output

pytestmark = pytest.mark.skipif(os.name != "posix", reason="links and FIFOs are POSIX")


@pytest.fixture
def private(tmp_path: Path) -> Path:
    """A private file outside the class folder: importing it would print the secret and
    score full marks (it is the reference with the secret in it)."""
    path = tmp_path / "private" / "drills.py"
    path.parent.mkdir()
    path.write_text(f"print('{SECRET}')\n# {SECRET}\n" + DRILLS.read_text())
    (path.parent / "leak.py").write_text(f"raise ValueError('{SECRET}')\n")
    return path


def _everything(tmp_path: Path, *outputs: str) -> str:
    """Every output of a run: what it printed and every file it wrote (not the inputs)."""
    texts = list(outputs)
    for p in tmp_path.rglob("*"):
        if p.is_file() and not p.is_symlink() and "private" not in p.parts and \
                "class" not in p.parts and "submission" not in p.parts:
            texts.append(p.read_text(errors="replace"))
    return "\n".join(texts)


def test_links_in_a_class_folder_are_not_gradable_rows(grade, tmp_path, private) -> None:
    """Links as a student's file, as a student's folder, inside a student's folder (to a
    file, to a folder), to a classmate and dangling: each is that student's not-gradable
    row naming the link, with no credit; the target's content appears nowhere; the honest
    student keeps full marks; the gradebook has every row."""
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(DRILLS, folder / "ada.py")
    (folder / "bob.py").symlink_to(private)
    (folder / "cyd").symlink_to(private.parent, target_is_directory=True)
    (folder / "dan").mkdir()
    (folder / "dan" / "drills.py").symlink_to(private)
    (folder / "eve").mkdir()
    (folder / "eve" / "src").symlink_to(private.parent, target_is_directory=True)
    (folder / "eve" / "notes.py").write_text("x = 1\n")
    (folder / "fay").mkdir()
    shutil.copy(DRILLS, folder / "fay" / "drills.py")
    (folder / "fay" / "data.txt").symlink_to(private)   # not code, still a link
    (folder / "gus.py").symlink_to(folder / "ada.py")   # a classmate's file
    (folder / "hal.py").symlink_to(tmp_path / "nowhere.py")
    (folder / "ivy.py").symlink_to(private.parent / "leak.py")
    book = tmp_path / "out" / "grades.csv"
    result = grade(str(folder), "-a", "drills", "--seed", "3", "-o", str(book), "-j", "2")
    assert result.exit_code == 0, result.output
    rows = {r["student"]: r for r in csv.DictReader(book.open())}
    assert sorted(rows) == ["ada", "bob", "cyd", "dan", "eve", "fay", "gus", "hal", "ivy"]
    assert rows["ada"]["outcome"] == "graded" and rows["ada"]["total"] == rows["ada"]["max"]
    for sid in ("bob", "cyd", "dan", "eve", "fay", "gus", "hal", "ivy"):
        assert rows[sid]["outcome"] == "not gradable" and float(rows[sid]["total"]) == 0
    reports = book.with_name("grades-reports")
    message = {sid: json.loads((reports / f"{sid}.json").read_text())["message"]
               for sid in rows}
    assert message["bob"] == "bob.py is a symbolic link: submit the file itself"
    assert message["cyd"] == "cyd is a symbolic link: submit the folder or file itself, " \
        "not a link"
    assert message["dan"].startswith("dan/drills.py is a symbolic link")
    assert message["eve"].startswith("eve/src is a symbolic link")
    assert message["fay"].startswith("fay/data.txt is a symbolic link")
    assert message["gus"] == "gus.py is a symbolic link: submit the file itself"
    assert message["hal"] == "hal.py is a symbolic link: submit the file itself"
    assert SECRET not in _everything(tmp_path, result.output)


def test_special_files_never_hang_nor_count(grade, tmp_path) -> None:
    """A FIFO or a socket named like a submission, at the top or inside a student's
    folder, is a not-gradable row naming what it is (the grader never blocks on it); a
    file with another hard link and one over the size limit are refused too."""
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(DRILLS, folder / "ada.py")
    os.mkfifo(folder / "bob.py")
    (folder / "cyd").mkdir()
    os.mkfifo(folder / "cyd" / "drills.py")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(folder / "dan.py"))
    except OSError:  # a path too long for a socket: skip only that entry
        (folder / "dan.py").write_text("def conv2d(\n")
    shutil.copy(DRILLS, tmp_path / "reference.py")
    os.link(tmp_path / "reference.py", folder / "eve.py")
    (folder / "fay.py").write_text("# padding\n" * (MAX_BYTES // 10 + 1))
    book = tmp_path / "grades.csv"
    try:
        result = grade(str(folder), "-a", "drills", "--seed", "2", "-o", str(book), "-j", "1")
    finally:
        sock.close()
    assert result.exit_code == 0, result.output
    rows = {r["student"]: r for r in csv.DictReader(book.open())}
    assert rows["ada"]["total"] == rows["ada"]["max"] and float(rows["ada"]["total"]) > 0
    for sid in ("bob", "cyd", "dan", "eve", "fay"):
        assert rows[sid]["outcome"] == "not gradable", sid
        assert float(rows[sid]["total"]) == 0
    assert "bob.py is a FIFO (named pipe), not a file" in result.output
    assert "cyd/drills.py is a FIFO (named pipe), not a file" in result.output
    assert "eve.py has other hard links to it" in result.output
    assert "fay.py is larger than 1024 KiB" in result.output


def test_one_linked_file_is_not_gradable(grade, tmp_path, private) -> None:
    """`mldrill grade link.py` (text and JSON): exit 1, no credit, the link named, the
    target's content (the reference, with a secret) nowhere in the output."""
    link = tmp_path / "hw2.py"
    link.symlink_to(private)
    text = grade(str(link), "-a", "drills", "--seed", "1")
    assert text.exit_code == 1
    assert "NOT GRADABLE: hw2.py is a symbolic link: submit the file itself" in text.output
    result = grade(str(link), "-a", "drills", "--seed", "1", "-f", "json")
    data = json.loads(result.output)
    assert result.exit_code == 1 and data["score"] == 0 and data["outcome"] == "not gradable"
    dangling = tmp_path / "gone.py"
    dangling.symlink_to(tmp_path / "nowhere.py")
    assert grade(str(dangling), "--seed", "1").exit_code == 1
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    assert "pipe.py is a FIFO" in grade(str(fifo), "--seed", "1").output
    leak = tmp_path / "leak.py"
    leak.symlink_to(private.parent / "leak.py")
    leaked = grade(str(leak), "--seed", "1", "-f", "json")
    assert leaked.exit_code == 1 and "symbolic link" in json.loads(leaked.output)["message"]
    assert SECRET not in text.output + result.output + leaked.output


def test_gradescope_folder_with_a_link_scores_nothing(grade, tmp_path, private) -> None:
    """Gradescope's submission folder holding a link (as the file, or a linked folder on
    the way to it) gives results.json with score 0 and the link named, exit 1."""
    sub = tmp_path / "submission"
    sub.mkdir()
    (sub / "drills.py").symlink_to(private)
    out = tmp_path / "results" / "results.json"
    result = grade(str(sub), "-a", "drills", "--seed", "1", "-f", "gradescope", "-o", str(out))
    assert result.exit_code == 1
    data = json.loads(out.read_text())
    assert data["score"] == 0 and "drills.py is a symbolic link" in data["output"]
    (sub / "drills.py").unlink()
    (sub / "src").symlink_to(private.parent, target_is_directory=True)
    result = grade(str(sub), "-a", "drills", "--seed", "1", "-f", "gradescope", "-o", str(out))
    data = json.loads(out.read_text())
    assert result.exit_code == 1 and data["score"] == 0 and "src is a symbolic link" in \
        data["output"]
    assert SECRET not in _everything(tmp_path, result.output)


def test_a_real_gradescope_folder_is_graded(grade, tmp_path) -> None:
    """The same layout without links: the file in a sub-folder is found and graded."""
    sub = tmp_path / "submission"
    (sub / "src").mkdir(parents=True)
    shutil.copy(DRILLS, sub / "src" / "drills.py")
    out = tmp_path / "results.json"
    result = grade(str(sub), "-a", "drills", "--seed", "1", "-f", "gradescope", "-o", str(out))
    data = json.loads(out.read_text())
    assert result.exit_code == 0 and data["score"] == sum(t["max_score"] for t in data["tests"])


# ---------------------------------------------------------------------------- the reader

def test_read_source_refuses_a_link_at_any_depth(tmp_path, private) -> None:
    """read_source names the first linked component below the root, and reads a plain
    file below a root that is itself a link (the instructor's own path)."""
    (tmp_path / "c" / "alice").mkdir(parents=True)
    (tmp_path / "c" / "alice" / "deep").symlink_to(private.parent, target_is_directory=True)
    with pytest.raises(NotGradable, match="^alice/deep is a symbolic link"):
        read_source(tmp_path / "c" / "alice" / "deep" / "drills.py", tmp_path / "c")
    (tmp_path / "c" / "bob").mkdir()
    (tmp_path / "c" / "bob" / "hw.py").write_bytes(b"x = 1\n")
    (tmp_path / "via").symlink_to(tmp_path / "c", target_is_directory=True)
    assert read_source(tmp_path / "via" / "bob" / "hw.py", tmp_path / "via") == b"x = 1\n"


def test_read_source_refuses_what_is_not_a_regular_file(tmp_path) -> None:
    """A device, a folder or a FIFO is refused by what it is, without being read (a FIFO
    with no writer would block a plain open)."""
    with pytest.raises(NotGradable, match="^null is a device, not a file"):
        read_source(Path("/dev/null"))
    (tmp_path / "hw.py").mkdir()
    with pytest.raises(NotGradable, match="^hw.py is a folder, not a file"):
        read_source(tmp_path / "hw.py")
    os.mkfifo(tmp_path / "p.py")
    with pytest.raises(NotGradable, match="^p.py is a FIFO"):
        read_source(tmp_path / "p.py")


def test_read_source_caps_the_size(tmp_path) -> None:
    """A file of exactly the limit is read; one byte more is refused with the limit."""
    (tmp_path / "a.py").write_bytes(b"#" * 100)
    assert read_source(tmp_path / "a.py", limit=100) == b"#" * 100
    (tmp_path / "b.py").write_bytes(b"#" * 101)
    with pytest.raises(NotGradable, match="larger than"):
        read_source(tmp_path / "b.py", limit=100)


def test_find_students_never_descends_a_linked_folder(tmp_path, private) -> None:
    """A linked folder deep inside a student's folder is reported, not walked: the .py
    file behind it is never listed as the student's."""
    (tmp_path / "c" / "alice" / "a" / "b").mkdir(parents=True)
    (tmp_path / "c" / "alice" / "a" / "b" / "lib").symlink_to(private.parent,
                                                               target_is_directory=True)
    (s,) = find_students(tmp_path / "c", [])
    assert s.id == "alice" and s.path is None
    assert s.problem.startswith("alice/a/b/lib is a symbolic link")


def test_a_huge_or_deep_student_folder_is_refused_not_walked(tmp_path, monkeypatch) -> None:
    """A student folder with more entries than the cap, or folders nested deeper than the
    cap, is a not-gradable row saying so (the walk stops there)."""
    from mldrill.grade import submissions

    monkeypatch.setattr(submissions, "MAX_ENTRIES", 5)
    monkeypatch.setattr(submissions, "MAX_DEPTH", 2)
    (tmp_path / "c" / "many").mkdir(parents=True)
    for i in range(6):
        (tmp_path / "c" / "many" / f"f{i}.txt").write_text("x")
    deep = tmp_path / "c" / "deep"
    deep.joinpath("a", "b", "c").mkdir(parents=True)
    (tmp_path / "c" / "ok").mkdir()
    (tmp_path / "c" / "ok" / "drills.py").write_text("x = 1\n")
    by = {s.id: s for s in find_students(tmp_path / "c", [])}
    assert by["many"].path is None and by["many"].problem.startswith("more than 5 files")
    assert by["deep"].path is None and by["deep"].problem.startswith(
        "folders nested more than 2 deep")
    assert by["ok"].path == tmp_path / "c" / "ok" / "drills.py"
