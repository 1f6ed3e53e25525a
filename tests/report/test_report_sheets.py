"""The report of a class of answer files with planted answers finds exactly the planted
counts and students: diagnoses, unexplained answers (as YAML), blanks, unreadable answers,
the item statistics, topics and the per-student profiles."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from report_plant import (
    BLANK,
    BROKEN,
    GARBAGE,
    IDS,
    INVALID,
    PARTS,
    REFERENCE,
    RIGHT,
    UPSTREAM,
    Invoke,
    catalog,
    plan_of,
    typed,
)

pytestmark = pytest.mark.slow  # whole CLI runs: sheets graded, sandboxes, browsers

def _report(cli: Invoke, hw: Path, *extra: str) -> dict:
    result = cli("report", str(hw), "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _item(data: dict, name: str) -> dict:
    return next(i for i in data["items"] if i["item"] == name)


def test_planted_mistakes_differ_from_the_reference(planted_class: Path) -> None:
    """Precondition of the counts below: each planted mistake's value is not the reference
    for the student who types it (otherwise it would be graded correct)."""
    cat, key = catalog(), planted_class / "key"
    for sid in UPSTREAM:
        for (q, part), what in plan_of(sid).items():
            if what and what.startswith("mistake:"):
                assert typed(cat, key, sid, q, part, what) != \
                    typed(cat, key, sid, q, part, REFERENCE)


def test_diagnoses_are_counted_with_their_students(cli: Invoke, planted_class: Path) -> None:
    """Each planted catalogued mistake is one diagnosis group holding exactly the students
    who typed it, with the other items those students also missed."""
    data = _report(cli, planted_class)
    params = _item(data, "Q1 params")
    assert [(g["label"], g["students"]) for g in params["diagnoses"]] == [
        ("mistake:forgot-input-channels", UPSTREAM)]
    assert params["diagnoses"][0]["also_missed"] == [{"item": "Q2 dX", "count": 3},
                                                     {"item": "Q2 db", "count": 3}]
    for name in ("Q2 db", "Q2 dX"):
        assert [(g["label"], g["count"], g["students"]) for g in _item(data, name)
                ["diagnoses"]] == [("mistake:forgot-upstream", 3, UPSTREAM)]


def test_unexplained_answers_become_yaml_mistakes(cli: Invoke, planted_class: Path) -> None:
    """The same wrong answer no diagnosis explains is one group, with a ready-to-paste
    `mistakes:` entry that loads as YAML and names the answer typed."""
    outputs = _item(_report(cli, planted_class), "Q1 outputs")
    assert [(a["answer"], a["students"]) for a in outputs["unexplained"]] == [
        ("12345", GARBAGE)]
    entry = yaml.safe_load(outputs["unexplained"][0]["yaml"])
    assert entry == {"mistakes": [{"answer": "12345", "tag": "TODO-name-this-mistake",
                                   "feedback": "TODO: say what this answer did and how to "
                                               "see it is wrong."}]}
    assert outputs["diagnoses"] == []


def test_item_counts_and_statistics(cli: Invoke, planted_class: Path) -> None:
    """Per item: graded students, full marks, blanks, unreadable answers, p, the
    point-biserial against the rest of the paper and the upper-lower 27% difference, all
    as computed independently from the plan."""
    data = _report(cli, planted_class)
    graded = [s for s in IDS if s not in BROKEN]
    assert data["graded"] == 11 and data["students_total"] == 12
    right = {s: {k for k, w in plan_of(s).items() if w == REFERENCE} for s in graded}
    totals = {s: len(right[s]) for s in graded}
    for key in PARTS:
        name = f"Q{key[0]} {key[1]}"
        item = _item(data, name)
        flags = np.array([key in right[s] for s in graded], dtype=float)
        rest = np.array([totals[s] - (key in right[s]) for s in graded], dtype=float)
        assert item["students"] == 11
        assert item["correct"] == int(flags.sum())
        assert item["p_correct"] == round(flags.sum() / 11, 4)
        expected_r = np.corrcoef(flags, rest)[0, 1]
        assert item["point_biserial"] == round(float(expected_r), 4)
        order = sorted(graded, key=lambda s: (-totals[s], s))
        k = round(0.27 * 11)
        ul = (sum(key in right[s] for s in order[:k]) - sum(key in right[s]
                                                            for s in order[-k:])) / k
        assert item["upper_lower"] == round(ul, 4)
    params = _item(data, "Q1 params")
    assert (params["blank"], params["invalid"]) == (len(BLANK), len(INVALID))
    assert _item(data, "Q2 dK")["blank"] == len(BLANK + INVALID)
    assert _item(data, "Q1 outputs")["distribution"] == [
        {"score": 0.0, "count": 4}, {"score": 1.0, "count": 7}]


def test_profiles_topics_and_histogram(cli: Invoke, planted_class: Path) -> None:
    """A student's profile lists a misconception shown more than once; topics add up the
    class's points; the histogram counts every graded student once; the broken file is a
    not-gradable student."""
    data = _report(cli, planted_class)
    students = {s["student"]: s for s in data["students"]}
    for sid in UPSTREAM:
        assert [(m["label"], m["items"]) for m in students[sid]["misconceptions"]] == [
            ("mistake:forgot-upstream", ["Q2 db", "Q2 dX"])]
    assert all(students[s]["misconceptions"] == [] for s in RIGHT + GARBAGE)
    assert students["s12"]["outcome"] == "not gradable"
    assert students["s01"]["percent"] == 100.0 and students["s05"]["percent"] == 40.0
    topics = {t["topic"]: t for t in data["topics"]}
    assert topics["params"]["possible"] == 22.0
    assert topics["params"]["points"] == 4 * 2 + 3 * 1 + 2 * 1
    assert topics["conv"]["below_half"] == sorted(UPSTREAM + INVALID + BLANK)
    assert sum(b["count"] for b in data["histogram"]) == 11
    assert data["histogram"][-1]["count"] == len(RIGHT)


def test_students_files_and_anonymous(cli: Invoke, planted_class: Path, tmp_path: Path
                                      ) -> None:
    """--students writes one file per student with their repeated misconception;
    --anonymous leaves no id in the JSON, the HTML or the files."""
    result = cli("report", str(planted_class), "--students", "st", "-o", "r.html")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "st").iterdir()) == [f"{s}.txt" for s in IDS]
    text = (tmp_path / "st" / "s05.txt").read_text()
    assert "Score: 2 / 5 (40.0%)" in text
    assert "- mistake:forgot-upstream, in Q2 db, Q2 dX" in text
    result = cli("report", str(planted_class), "--anonymous", "--students", "anon",
                 "-o", "anon.html", "--json")
    data = json.loads(result.stdout)
    page = (tmp_path / "anon.html").read_text()
    files = "".join(p.read_text() + p.name for p in (tmp_path / "anon").iterdir())
    for sid in IDS:
        assert sid not in result.stdout and sid not in page and sid not in files
    assert sorted(s["student"] for s in data["students"]) == [
        f"student-{i:03d}" for i in range(1, 13)]
    assert data["anonymous"] is True


def test_terminal_summary(cli: Invoke, planted_class: Path, tmp_path: Path) -> None:
    """Without --json: a summary line, the item table and where the HTML went."""
    result = cli("report", str(planted_class), "-o", "out.html")
    assert result.exit_code == 0, result.output
    assert f"{planted_class}: 12 students (sheets), 11 graded" in result.stdout
    assert "mistake:forgot-input-channels (3)" in result.stdout
    assert "1 student(s) showed" not in result.stdout
    assert "3 student(s) showed a misconception more than once" in result.stdout
    assert (tmp_path / "out.html").is_file()
