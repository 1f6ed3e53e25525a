"""The report of a graded code batch with planted bugs: each test's pass rate, its
failures clustered by message shape with exactly the students who share them; a corrupt
or tampered report file is a warning, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_plant import Invoke

pytestmark = pytest.mark.slow  # whole CLI runs: sheets graded, sandboxes, browsers

LAYERS = Path(__file__).parents[2] / "solutions" / "assignments" / "layers.py"
AFFINE = "    out = x.reshape(x.shape[0], -1) @ w + b\n    return out, (x, w, b)"
RELU = "    return np.maximum(0, x), x"
TRANSPOSED = ["carol", "dave"]   # affine_forward returns out.T
NO_RELU = ["erin"]               # relu_forward returns x unchanged
GOOD = ["alice", "bob"]
RELU_BACK = "    return np.asarray(dout) * (x > 0)"
MUTATING = "    dout[x <= 0] = 0\n    return dout"   # finn: changes dout (and x) in place


@pytest.fixture(scope="module")
def graded_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gradebook of a class of seven graded on the bundled `layers` assignment (zoe's
    file does not parse)."""
    from typer.testing import CliRunner

    from mldrill.cli.app import app

    base = tmp_path_factory.mktemp("code")
    src = LAYERS.read_text()
    assert AFFINE in src and RELU in src
    folder = base / "cls"
    folder.mkdir()
    for sid in GOOD:
        (folder / f"{sid}.py").write_text(src)
    for sid in TRANSPOSED:
        (folder / f"{sid}.py").write_text(src.replace(AFFINE, AFFINE.replace(
            "return out,", "return out.T,")))
    for sid in NO_RELU:
        (folder / f"{sid}.py").write_text(src.replace(RELU, "    return x.copy(), x"))
    (folder / "zoe.py").write_text("def affine_forward(x, w, b):\n    return (\n")
    (folder / "finn.py").write_text(src.replace(RELU_BACK, MUTATING).replace(
        RELU, "    x[x < 0] = 0\n    return x, x"))
    result = CliRunner().invoke(app, ["grade", str(folder), "--assignment", "layers",
                                      "--seed", "3", "-o", str(base / "book.csv"),
                                      "-j", "2"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return base / "book.csv"


def _items(cli: Invoke, path: Path) -> tuple[dict, dict[str, dict]]:
    result = cli("report", str(path), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return data, {i["item"]: i for i in data["items"]}


def test_failures_are_clustered_by_message_shape(cli: Invoke, graded_batch: Path) -> None:
    """The transposed output fails both affine_forward tests, each as one cluster of
    exactly the two students (numbers replaced by #); the missing ReLU is its own."""
    data, items = _items(cli, graded_batch)
    assert (data["kind"], data["graded"], data["students_total"]) == ("code", 6, 7)
    zoe = next(s for s in data["students"] if s["student"] == "zoe")
    assert zoe["outcome"] == "not gradable" and "SyntaxError" in zoe["message"]
    batch1 = items["affine_forward with batch size 1"]
    assert (batch1["correct"], batch1["students"]) == (4, 6)
    assert [(f["label"], f["students"]) for f in batch1["failures"]] == [
        ("wrong: affine_forward: out: expected shape (#, #), got (#, #) (it would "
         "broadcast, but the shape must be exact)", TRANSPOSED)]
    assert "expected shape (1, " in batch1["failures"][0]["example"]
    relu = items["relu_forward on a 4-d array"]
    assert [(f["label"].split(":")[0], f["students"]) for f in relu["failures"]] == [
        ("mutated", ["finn"]), ("wrong", NO_RELU)]
    assert items["affine_backward on 3-d inputs"]["failures"] == []
    assert items["affine_backward on 3-d inputs"]["p_correct"] == 1.0
    assert [(f["students"], f["also_missed"]) for f in items[
        "affine_forward on a batch of 3-d inputs"]["failures"]] == [
        (TRANSPOSED, [{"item": "affine_forward with batch size 1", "count": 2}])]


def test_reports_folder_is_read_like_its_gradebook(cli: Invoke, graded_batch: Path) -> None:
    """The reports folder itself gives the same report as the gradebook beside it."""
    a, _ = _items(cli, graded_batch)
    b, _ = _items(cli, graded_batch.with_name("book-reports"))
    assert a["items"] == b["items"] and a["students"] == b["students"]


def test_corrupt_and_tampered_reports_are_warnings(cli: Invoke, graded_batch: Path,
                                                   tmp_path: Path) -> None:
    """A truncated report, a report whose score was edited, a non-JSON file and a link
    are each left out with a warning naming the file; the rest is reported."""
    import shutil

    reports = tmp_path / "r-reports"
    shutil.copytree(graded_batch.with_name("book-reports"), reports)
    (reports / "alice.json").write_text((reports / "alice.json").read_text()[:100])
    bob = json.loads((reports / "bob.json").read_text())
    bob["score"] = 999
    (reports / "bob.json").write_text(json.dumps(bob))
    (reports / "zed.json").write_bytes(b"\xff\xfe not json")
    (reports / "link.json").symlink_to(reports / "carol.json")
    result = cli("report", str(reports), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sorted(s["student"] for s in data["students"]) == ["carol", "dave", "erin",
                                                               "finn", "zoe"]
    warned = sorted(w.split(":")[0] for w in data["warnings"])
    assert warned == ["alice.json", "bob.json", "link.json", "zed.json"]
    assert "not a report as mldrill writes it" in next(
        w for w in data["warnings"] if w.startswith("bob.json"))
    assert "warning: alice.json: left out: not JSON" in result.stderr


def test_code_html_and_summary(cli: Invoke, graded_batch: Path, tmp_path: Path) -> None:
    """The page shows each failure cluster with its example output, escaped, and the
    terminal summary names the most frequent failure of each test."""
    result = cli("report", str(graded_batch), "-o", "code.html")
    assert result.exit_code == 0, result.output
    assert "7 students (code), 6 graded" in result.stdout
    assert "wrong: affine_forward: out: expected shape (#, #), got (#, #)" in result.stdout
    page = (tmp_path / "code.html").read_text()
    assert "<h2>Tests</h2>" in page and "Failures (same message shape)" in page
    assert "expected shape (#, #), got (#, #) (it would broadcast" in page
    assert "<td class=n>2</td><td>carol, dave</td>" in page


def test_a_habit_across_tests_is_a_misconception(cli: Invoke, graded_batch: Path) -> None:
    """finn's relu_forward and relu_backward change their input in place: both fail as
    `mutated` (in two functions), his profile's one misconception; the others have none."""
    data, items = _items(cli, graded_batch)
    profiles = {s["student"]: s["misconceptions"] for s in data["students"]}
    assert [(m["label"], m["items"]) for m in profiles["finn"]] == [
        ("mutated: modifies an input in place",
         ["relu_forward on a 4-d array", "relu_backward"])]
    assert "relu_forward modified its input x in place" in profiles["finn"][0]["advice"]
    assert all(profiles[s] == [] for s in GOOD + TRANSPOSED + NO_RELU + ["zoe"])
    assert [f["students"] for f in items["relu_backward"]["failures"]] == [["finn"]]
    assert [f["students"] for f in items["relu_forward on a 4-d array"]["failures"]] == [
        ["finn"], ["erin"]]
