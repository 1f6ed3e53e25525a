"""Exam attempts: `history --export` writes a student's exams in the documented format,
and `report` reads a folder of exports (each student's latest exam) into the same report:
diagnoses and unexplained answers with exactly the students who gave them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_plant import Invoke, catalog

from mldrill.answers.base import KINDS, cached_target
from mldrill.practice.exam import ExamRun, build_paper
from mldrill.progress.store import open_store

pytestmark = pytest.mark.slow  # whole CLI runs: sheets graded, sandboxes, browsers

FAMILY = "params-conv-layer"


def _sit(home: Path, params: str, outputs: str | None) -> None:
    """Sit a one-question paper (seed 5) in `home`'s store: `params` and `outputs` are
    "reference", "mistake:<tag>" or literal text."""
    cat = catalog()
    (q,) = build_paper(cat, [cat.get(FAMILY)], 1, seed=5)

    def text(part: str, what: str) -> str:
        p = q.family.part(part)
        kind, ctx = KINDS[p.kind], q.variant.context
        if what == "reference" or what.startswith("mistake:"):
            expr = p.answer if what == "reference" else next(
                m.answer for m in p.mistakes if m.tag == what.removeprefix("mistake:"))
            return kind.format(cached_target(kind, expr, p, ctx), p, ctx)
        return what

    with open_store(home) as store:
        run = ExamRun([q], 10, 5, store, clock=lambda: 0.0)
        assert run.answer(1, "params", text("params", params)).kept
        if outputs is not None:
            assert run.answer(1, "outputs", text("outputs", outputs)).kept
        run.submit()


@pytest.fixture
def exports(cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    plans = {"ann": ("reference", "reference"), "ben": ("reference", "reference"),
             "cat": ("mistake:forgot-biases", "reference"),
             "dan": ("mistake:forgot-biases", "777"), "eve": ("777777", None)}
    folder = tmp_path / "collected"
    for sid, (params, outputs) in plans.items():
        home = tmp_path / f"home-{sid}"
        _sit(home, params, outputs)
        monkeypatch.setenv("MLDRILL_HOME", str(home))
        result = cli("history", "--export", str(folder / f"{sid}.json"), "--student", sid)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"wrote 1 exam(s) to {folder / sid}.json")
    return folder


def test_export_has_the_documented_shape(exports: Path) -> None:
    """The export names its format and version, the student, and each attempt with the
    fields docs/report.md lists."""
    data = json.loads((exports / "dan.json").read_text())
    assert (data["format"], data["version"], data["student"]) == (
        "mldrill-exam-attempts", 1, "dan")
    (exam,) = data["exams"]
    assert [(a["problem_id"], a["part"], a["status"], a["score"], a["points"],
             a["diagnosis"]) for a in exam["attempts"]] == [
        (FAMILY, "params", "incorrect", 0.0, 1.0, "mistake:forgot-biases"),
        (FAMILY, "outputs", "incorrect", 0.0, 1.0, None)]
    assert exam["attempts"][1]["answer"] == "777"


def test_export_needs_a_student(cli: Invoke, tmp_path: Path) -> None:
    """--export without --student is a usage error that says what to give."""
    result = cli("history", "--export", str(tmp_path / "x.json"))
    assert result.exit_code == 2
    assert "give --student ID" in result.output


def test_report_of_exam_exports(cli: Invoke, exports: Path) -> None:
    """The class of exports: per part, the diagnosis and the unexplained answers with
    exactly their students; a blank part counts as blank."""
    result = cli("report", str(exports), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["kind"], data["graded"]) == ("exams", 5)
    items = {i["item"]: i for i in data["items"]}
    params, outputs = items[f"{FAMILY} params"], items[f"{FAMILY} outputs"]
    assert [(g["label"], g["students"]) for g in params["diagnoses"]] == [
        ("mistake:forgot-biases", ["cat", "dan"])]
    assert [(a["answer"], a["students"]) for a in params["unexplained"]] == [
        ("777777", ["eve"])]
    assert (params["correct"], outputs["correct"], outputs["blank"]) == (2, 3, 1)
    assert [(a["answer"], a["students"]) for a in outputs["unexplained"]] == [
        ("777", ["dan"])]
    assert data["topics"] == [{"topic": "params", "items": 2, "points": 5.0,
                               "possible": 10.0, "mastery": 0.5,
                               "below_half": ["dan", "eve"]}]
