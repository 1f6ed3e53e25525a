"""Student ids in a batch: two entries that would be graded as one student are refused
before any grading (exit 2, both named); distinct ids never share a report file, even on a
file system blind to case; resume re-reads reports defensively and regrades a student
whose report is corrupt, tampered with or a link."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from mldrill.grade.batch import report_path

ROOT = Path(__file__).parents[2]
DRILLS = ROOT / "solutions" / "assignments" / "drills.py"
SECRET = "TOPSECRET-0c9d2a"


def _entry(folder: Path, name: str) -> None:
    if name.endswith("/"):
        (folder / name).mkdir()
        shutil.copy(DRILLS, folder / name / "drills.py")
    else:
        shutil.copy(DRILLS, folder / name)


@pytest.mark.parametrize("first,second", [
    ("alice/", "alice.py"),                    # a folder and a file
    ("Bob.py", "bob.py"),                      # case only
    ("\u00e9mile.py", "e\u0301mile.py"),       # NFC and NFD
    ("\uff41da.py", "ada.py"),                 # full-width letters
    ("a\x1b.py", "a\\x1b.py"),                 # an escape and its visible form
], ids=["folder-and-file", "case", "nfc-nfd", "width", "escape"])
def test_colliding_entries_are_refused_before_grading(grade, tmp_path, first, second) -> None:
    """Two entries that would be one student: exit 2 naming both, and nothing graded or
    written (no gradebook, no reports)."""
    folder = tmp_path / "class"
    folder.mkdir()
    try:
        _entry(folder, first)
        _entry(folder, second)
    except OSError:
        pytest.skip("this file system cannot hold both names")
    if len(os.listdir(folder)) < 2:
        pytest.skip("this file system folds the two names into one")
    _entry(folder, "zed.py")
    book = tmp_path / "out" / "grades.csv"
    result = grade(str(folder), "-a", "drills", "--seed", "1", "-o", str(book))
    assert result.exit_code == 2, result.output
    assert "would be graded as" in result.output and "nothing was graded" in result.output
    assert not book.exists() and not book.with_name("grades-reports").exists()


def test_names_alike_but_distinct_keep_their_own_grades(grade, tmp_path) -> None:
    """'a b', 'a_b' and a name built to equal the hashed report name of 'a b' are three
    students with three report files; each keeps its own grade, and a rerun reuses all."""
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(DRILLS, folder / "a b.py")
    (folder / "a_b.py").write_text("def conv2d(\n")
    forged = report_path(Path("r"), "a b").stem      # what 'a b' names its report
    (folder / f"{forged}.py").write_text("def count_params(*a):\n    return 0\n")
    book = tmp_path / "grades.csv"
    result = grade(str(folder), "-a", "drills", "--seed", "2", "-o", str(book), "-j", "1")
    assert result.exit_code == 0, result.output
    rows = {r["student"]: r for r in csv.DictReader(book.open())}
    assert set(rows) == {"a b", "a_b", forged}
    assert rows["a b"]["outcome"] == "graded" and rows["a b"]["total"] == rows["a b"]["max"]
    assert rows["a_b"]["outcome"] == "not gradable"
    assert rows[forged]["outcome"] == "graded" and float(rows[forged]["total"]) == 0
    reports = sorted(book.with_name("grades-reports").glob("*.json"))
    assert len(reports) == 3
    assert {json.loads(p.read_text())["student"] for p in reports} == set(rows)
    again = grade(str(folder), "-a", "drills", "--seed", "2", "-o", str(book))
    assert "(3 unchanged since the last run, not regraded)" in again.output


def test_report_names_are_injective_even_ignoring_case() -> None:
    """Distinct ids get distinct report files, compared case-insensitively and after
    Unicode normalisation, each a plain file name inside the reports folder."""
    plain_a_b = report_path(Path("r"), "a b").stem
    ids = ["eve", "Eve", "EVE", "a b", "a_b", "a-b", "a.b", plain_a_b, plain_a_b.upper(),
           "\u00e9", "e\u0301", "x" * 300, "x" * 301, "_", "-", ".", "..", "~", "con",
           "a/b", "\\x1b", "\u202e", "0", "00"]
    names = [report_path(Path("r"), i) for i in ids]
    assert len({n.name.casefold() for n in names}) == len(ids)
    for n in names:
        assert n.parent == Path("r") and n.suffix == ".json" and len(n.name) < 200
        assert not n.name.startswith(".") and "/" not in n.name
    assert report_path(Path("r"), "eve").name == "eve.json"
    tag = hashlib.sha256(b"Eve").hexdigest()[:16]
    assert report_path(Path("r"), "Eve").name == f"Eve~{tag}.json"


def _class(folder: Path) -> None:
    folder.mkdir()
    shutil.copy(DRILLS, folder / "ada.py")
    (folder / "dee").mkdir()
    (folder / "dee" / "readme.txt").write_text("forgot the code\n")
    (folder / "eve.py").write_text("def conv2d(\n")


CORRUPT = {
    "not-json": "{\"student\": \"dee\", ",
    "deep": "[" * 100_000,
    "a-list": "[1, 2, 3]",
    "wrong-student": None,        # another student's report copied over
    "bad-tests": None,            # the right student and digest, tests not a list
    "formula-score": None,        # the score a string
    "inconsistent": None,         # a total that is not the sum of its tests
    "not-utf8": b"\xff\xfe\x00{",
    "empty": "",
}


@pytest.mark.parametrize("how", list(CORRUPT))
def test_resume_regrades_a_corrupt_report(grade, tmp_path, how) -> None:
    """A report re-read on resume that is not what the batch wrote (unreadable, wrong
    shape, another student's, inconsistent) is regraded: exit 0, every row in the
    gradebook, that report rewritten, the others reused."""
    folder = tmp_path / "class"
    _class(folder)
    book = tmp_path / "grades.csv"
    assert grade(str(folder), "-a", "drills", "--seed", "5", "-o", str(book)).exit_code == 0
    reports = book.with_name("grades-reports")
    target = reports / ("ada.json" if how == "inconsistent" else "dee.json")
    good = json.loads(target.read_text())
    bad: object = CORRUPT[how]
    if how == "wrong-student":
        bad = (reports / "eve.json").read_text()
    elif how == "bad-tests":
        bad = json.dumps({**good, "tests": "oops"})
    elif how == "formula-score":
        bad = json.dumps({**good, "score": "=1+1"})
    elif how == "inconsistent":
        bad = json.dumps({**good, "score": good["score"] + 100})
    if isinstance(bad, bytes):
        target.write_bytes(bad)
    else:
        target.write_text(str(bad))
    result = grade(str(folder), "-a", "drills", "--seed", "5", "-o", str(book))
    assert result.exit_code == 0, result.output
    assert "(2 unchanged since the last run, not regraded)" in result.output
    rows = {r["student"]: r for r in csv.DictReader(book.open())}
    assert set(rows) == {"ada", "dee", "eve"}
    assert rows["ada"]["total"] == rows["ada"]["max"] and float(rows["ada"]["max"]) > 0
    now = json.loads(target.read_text())
    assert [now[k] for k in ("student", "outcome", "score", "digest", "seed")] == \
        [good[k] for k in ("student", "outcome", "score", "digest", "seed")]


def test_resume_never_follows_a_linked_report(grade, tmp_path) -> None:
    """A report replaced by a link to a private file, shaped as a valid report, is not read:
    the student is regraded and the private content appears nowhere."""
    folder = tmp_path / "class"
    _class(folder)
    book = tmp_path / "grades.csv"
    grade(str(folder), "-a", "drills", "--seed", "5", "-o", str(book))
    target = book.with_name("grades-reports") / "dee.json"
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({**json.loads(target.read_text()), "message": SECRET}))
    target.unlink()
    target.symlink_to(secret)
    result = grade(str(folder), "-a", "drills", "--seed", "5", "-o", str(book), "-f", "json")
    assert result.exit_code == 0 and SECRET not in result.output
    assert SECRET not in book.read_text() and not target.is_symlink()
    assert SECRET in secret.read_text()  # the link was replaced, its target left alone
