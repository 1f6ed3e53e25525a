"""The issue's headline case in every front end: a student who gets J wrong in
conv-pool-relu-pipeline and pools and ReLUs their own J correctly gets full marks for K and
O, with a follow-through verdict: in `check`, practice, exams and graded answer files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from mldrill.bank.catalog import load_catalog
from mldrill.cli.app import app
from mldrill.practice.exam import ExamRun, Question
from mldrill.practice.session import Session
from mldrill.progress.store import open_store
from mldrill.sheets.answers import load_spec, questions
from mldrill.variants.generate import Variant, make_variant

FAMILY, SEED = "conv-pool-relu-pipeline", 3
CAT = load_catalog()


def _text(a: np.ndarray) -> str:
    return "[" + "; ".join(" ".join(f"{x:g}" for x in row) for row in a) + "]"


def _variant(seed: int = SEED) -> Variant:
    return make_variant(CAT.get(FAMILY), seed, CAT.functions)


def _slip(v: Variant | None = None) -> dict[str, str]:
    """J without the bias (a real slip), then K and O computed right from that J, by loops
    written here (independent of the bank's reference functions)."""
    v = v or _variant()
    X, W = np.asarray(v.params["X"], float), np.asarray(v.params["W"], float)
    q, t = int(v.params["q"]), int(v.params["t"])
    f, n = W.shape[0], X.shape[0]
    J = np.array([[np.sum(X[i:i + f, j:j + f] * W) for j in range(n - f + 1)]
                  for i in range(n - f + 1)])
    k = (J.shape[0] - q) // t + 1
    K = np.array([[J[i * t:i * t + q, j * t:j * t + q].max() for j in range(k)]
                  for i in range(k)])
    return {"J": _text(J), "K": _text(K), "O": _text(np.maximum(K, 0))}


def _assert_follow(status: dict[str, str], messages: dict[str, list[str]]) -> None:
    assert status == {"J": "incorrect", "K": "correct", "O": "correct"}, messages
    assert "correct for your J (J itself was wrong): follow-through credit" in messages["K"]
    assert "correct for your K (K itself was wrong): follow-through credit" in messages["O"]


def test_check_json_has_follow_through() -> None:
    """`mldrill check --json`: K and O correct with a follow_through field naming the
    earlier answer used; the score counts them."""
    answers = _slip()
    out = CliRunner().invoke(app, ["check", FAMILY, "--seed", str(SEED), "--json",
                                   *(f"{k}={v}" for k, v in answers.items())])
    data = json.loads(out.stdout)
    parts = {p["name"]: p for p in data["parts"]}
    _assert_follow({k: p["status"] for k, p in parts.items()},
                   {k: p["messages"] for k, p in parts.items()})
    assert parts["K"]["follow_through"]["from"] == {"J": answers["J"]}
    assert parts["O"]["follow_through"]["from"] == {"K": answers["K"]}
    assert parts["J"]["follow_through"] is None
    assert data["score"] == pytest.approx(2 / 3)


def test_practice_judges_later_parts_on_the_answer_given(tmp_path: Path) -> None:
    """In practice K is judged against the J the student gave, even after a retry of J."""
    answers = _slip()
    with open_store(tmp_path) as store:
        session = Session(CAT, store, seed=1)
        run = session.deal(CAT.get(FAMILY), SEED)
        first = run.answer("J", "[[0]]")  # a first try that is far off (wrong shape)
        assert not first.done
        second = run.answer("J", answers["J"])  # the retry: still without the bias
        assert second.done and second.result.status == "incorrect"
        k = run.answer("K", answers["K"])
        o = run.answer("O", answers["O"])
    _assert_follow({"J": second.result.status, "K": k.result.status, "O": o.result.status},
                   {"K": list(k.result.messages), "O": list(o.result.messages)})
    assert k.credit == 1 and o.credit == 1


def test_exam_report_marks_follow_through_on_final_answers(tmp_path: Path) -> None:
    """An exam judges at the end, on the answers as left: changing J after K was entered
    still gives K follow-through on the final J."""
    answers = _slip()
    paper = [Question(1, _variant())]
    run = ExamRun(paper, 10, SEED, None, {"count": 1})
    run.answer(1, "J", "[[1 2 3 4]; [1 2 3 4]; [1 2 3 4]; [1 2 3 4]]")
    run.answer(1, "K", answers["K"])
    run.answer(1, "O", answers["O"])
    run.answer(1, "J", answers["J"])  # revised before submitting
    report = run.submit()
    parts = {p.name: p for p in report.questions[0].parts}
    _assert_follow({k: p.status for k, p in parts.items()},
                   {k: list(p.result.messages) for k, p in parts.items() if p.result})
    assert parts["K"].to_json()["follow_through"]["from"] == {"J": answers["J"]}


def test_graded_answer_file_gives_follow_through(tmp_path: Path, monkeypatch) -> None:
    """An answer file from `sheet new`, graded: K and O earn their points on the student's
    own J, and the JSON names the follow-through."""
    monkeypatch.setenv("MLDRILL_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    out = tmp_path / "hw"
    made = runner.invoke(app, ["sheet", "new", "--problems", FAMILY, "--seed", "5", "--out",
                               str(out), "--no-pdf"])
    assert made.exit_code == 0, made.output
    blank = (out / "student" / "answers.yaml").read_text()
    assert "marked on your own J if that is wrong (follow-through)" in blank
    spec = load_spec(out / "key")
    [q] = questions(spec, CAT, spec.students[0].id)
    answers = _slip(q.variant)
    filled = blank
    for name, text in answers.items():
        filled = re.sub(rf"(?m)^(\s+{name}):\s*$", rf"\1: '{text}'", filled, count=1)
    (out / "student" / "answers.yaml").write_text(filled)
    graded = json.loads(runner.invoke(app, ["grade", str(out / "student" / "answers.yaml"),
                                            "--key", str(out / "key"), "--format",
                                            "json"]).stdout)
    parts = {p["part"]: p for p in graded["parts"]}
    _assert_follow({k: p["status"] for k, p in parts.items()},
                   {k: p["messages"] for k, p in parts.items()})
    assert parts["K"]["score"] == 1.0 and graded["score"] == 2.0
