"""`mldrill grade` as a user meets it: one file (text, JSON, Gradescope), a class folder
(gradebook, reports, resume), the three outcomes and their exit codes."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
LAYERS = ROOT / "solutions" / "assignments" / "layers.py"
DRILLS = ROOT / "solutions" / "assignments" / "drills.py"


@pytest.mark.parametrize("reference,assignment", [(LAYERS, "layers"), (DRILLS, "drills")])
@pytest.mark.parametrize("seed", [0, 17, 90210])
def test_reference_solutions_score_full_marks(grade, tmp_path, reference, assignment,
                                              seed) -> None:
    """The reference module, submitted as a student file, scores full marks for any seed."""
    student = tmp_path / f"{assignment}.py"
    shutil.copy(reference, student)
    result = grade(str(student), "--seed", str(seed), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    failed = [t for t in data["tests"] if t["status"] != "passed"]
    assert not failed, failed
    assert data["score"] == data["max_score"] > 0 and data["assignments"] == [assignment]


def test_json_report_shape(grade, tmp_path) -> None:
    """The JSON report: score, max_score, gradable, seed and tests whose names contain the
    function's name, each with score, max_score, status, output and visibility."""
    student = tmp_path / "hw.py"
    student.write_text("import numpy as np\n"
                       "def relu_forward(x):\n    return np.maximum(x, 0), x\n")
    data = json.loads(grade(str(student), "--seed", "5", "--format", "json").output)
    assert {"score", "max_score", "gradable", "seed", "tests"} <= set(data)
    assert data["gradable"] is True and data["seed"] == 5
    relu = [t for t in data["tests"] if t["exercise"] == "relu"]
    assert relu[0]["status"] == "passed" and "relu_forward" in relu[0]["name"]
    assert relu[1]["status"] == "not attempted" and "relu_backward" in relu[1]["output"]
    for t in data["tests"]:
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(t)
        assert any(f in t["name"] for f in ("affine", "relu", "svm", "softmax", "batchnorm",
                                            "dropout", "conv", "max_pool"))
    assert data["score"] == relu[0]["max_score"]


def test_gradescope_results_json(grade, tmp_path) -> None:
    """--format gradescope writes Gradescope's results.json: score, tests with passed/failed
    status and visibility, to --output."""
    student = tmp_path / "hw.py"
    shutil.copy(DRILLS, student)
    out = tmp_path / "results" / "results.json"
    result = grade(str(student), "--seed", "1", "--format", "gradescope", "-o", str(out))
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert data["score"] == sum(t["max_score"] for t in data["tests"])
    assert {t["status"] for t in data["tests"]} == {"passed"}
    assert {t["visibility"] for t in data["tests"]} <= {"visible", "hidden", "after_due_date",
                                                        "after_published"}
    assert "seed 1" in data["output"]


def test_text_report_names_the_bug_and_the_seed(grade, tmp_path) -> None:
    """The text report says pass/fail per test with the precise reason, and how to
    reproduce the run."""
    student = tmp_path / "hw.py"
    student.write_text("import numpy as np\n"
                       "def affine_forward(x, w, b):\n"
                       "    out = x.reshape(x.shape[0], -1) @ w + b\n"
                       "    return out, (x, w, b)\n"
                       "def affine_backward(dout, cache):\n"
                       "    x, w, b = cache\n"
                       "    return dout @ w.T, x.reshape(x.shape[0], -1).T @ dout, dout\n")
    result = grade(str(student), "--seed", "4")
    assert result.exit_code == 0
    out = result.output
    assert "PASS affine_forward on a batch of 3-d inputs" in out
    assert "FAIL affine_backward on 3-d inputs" in out
    assert "affine_backward: dx: expected shape" in out
    assert "reproduce: mldrill grade" in out and "--seed 4" in out
    assert "isolation:" in out


def test_syntax_error_is_not_gradable(grade, tmp_path) -> None:
    """A file that does not parse is 'not gradable' (exit 1), with the line."""
    student = tmp_path / "hw.py"
    student.write_text("def affine_forward(x, w, b)\n    return x\n")
    result = grade(str(student), "--seed", "1")
    assert result.exit_code == 1
    assert "NOT GRADABLE" in result.output and "syntax error" in result.output


def test_nothing_recognisable_is_not_gradable(grade, tmp_path) -> None:
    """A file defining none of an assignment's functions is 'not gradable' and says which
    functions are expected."""
    student = tmp_path / "hw.py"
    student.write_text("def hello():\n    return 1\n")
    result = grade(str(student), "--seed", "1", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["gradable"] is False and data["outcome"] == "not gradable"
    assert "affine_forward" in data["message"]


def test_unknown_assignment_is_a_usage_error(grade, tmp_path) -> None:
    """--assignment with an unknown name suggests the right one (exit 2)."""
    student = tmp_path / "hw.py"
    shutil.copy(LAYERS, student)
    result = grade(str(student), "--assignment", "layer")
    assert result.exit_code == 2


def test_assignment_option_grades_only_that_one(grade, tmp_path) -> None:
    """--assignment drills grades only the drills exercises, even for a file that defines
    layer functions too."""
    student = tmp_path / "hw.py"
    student.write_text(LAYERS.read_text() + "\n" + DRILLS.read_text().replace(
        "__all__", "_drills_all"))
    data = json.loads(grade(str(student), "-a", "drills", "--seed", "2", "-f", "json").output)
    assert data["assignments"] == ["drills"]
    assert {t["assignment"] for t in data["tests"]} == {"drills"}


def _class(folder: Path) -> None:
    folder.mkdir()
    shutil.copy(DRILLS, folder / "ada.py")
    (folder / "bob.py").write_text("def conv2d(x, k, stride=1, pad=0)\n")
    (folder / "cyd").mkdir()
    shutil.copy(DRILLS, folder / "cyd" / "drills.py")
    (folder / "cyd" / "notes.py").write_text("x = 1\n")
    (folder / "dee").mkdir()
    (folder / "dee" / "readme.txt").write_text("forgot the code\n")
    buggy = DRILLS.read_text().replace("return int(sum(params for", "return 1 + int(sum(params for")
    assert buggy != DRILLS.read_text()
    (folder / "eve.py").write_text(buggy)


def test_batch_writes_gradebook_and_reports_and_resumes(grade, tmp_path) -> None:
    """A class folder: a gradebook row per student with a column per test and the total,
    each student's JSON report, pass rates; a second run regrades nobody."""
    folder = tmp_path / "class"
    _class(folder)
    book = tmp_path / "out" / "grades.csv"
    result = grade(str(folder), "-a", "drills", "--seed", "3", "-o", str(book), "-j", "2")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(book.open()))
    by = {r["student"]: r for r in rows}
    assert sorted(by) == ["ada", "bob", "cyd", "dee", "eve"]
    assert by["ada"]["outcome"] == "graded" and by["ada"]["total"] == by["ada"]["max"]
    assert by["bob"]["outcome"] == "not gradable"
    assert by["cyd"]["total"] == by["ada"]["total"]
    assert by["dee"]["outcome"] == "not gradable"
    assert float(by["eve"]["total"]) < float(by["ada"]["total"])
    assert "count_params of LeNet-5" in rows[0]
    reports = book.with_name("grades-reports")
    assert json.loads((reports / "eve.json").read_text())["outcome"] == "graded"
    assert "pass rate per test" in result.output
    again = grade(str(folder), "-a", "drills", "--seed", "3", "-o", str(book))
    assert "(5 unchanged since the last run, not regraded)" in again.output
    (folder / "ada.py").write_text(DRILLS.read_text() + "\n# changed\n")
    third = grade(str(folder), "-a", "drills", "--seed", "3", "-o", str(book))
    assert "(4 unchanged since the last run, not regraded)" in third.output
