"""The report's pure parts and its edges: the statistics on hand-checked numbers, message
shapes, anonymising, the JSON `grade --format json` printed, tampered exam exports, and
paths the report does not read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_plant import GARBAGE, UPSTREAM, Invoke

from mldrill.report import stats
from mldrill.report.cluster import answer_key, message_shape
from mldrill.report.model import ClassData, Response, StudentRecord


def test_point_biserial_and_upper_lower_by_hand() -> None:
    """r is Pearson's r of the 0/1 flags and the rest scores; U−L uses round(27% of n)
    students at each end; both are None where they cannot be computed."""
    flags = [True, True, False, False]
    assert stats.point_biserial(flags, [3.0, 2.0, 1.0, 0.0]) == round(4 / (20 ** 0.5), 4)
    assert stats.point_biserial([True, True], [1.0, 2.0]) is None       # no variance
    assert stats.point_biserial(flags, [1.0] * 4) is None
    assert stats.upper_lower(flags, [4, 3, 2, 1], list("abcd")) == 1.0
    assert stats.upper_lower(flags[:3], [3, 2, 1], list("abc")) is None  # fewer than 4
    assert stats.upper_lower([False, False, False, True], [2, 2, 2, 2], list("dcba")) == 1.0
    assert [b.count for b in stats.histogram([0, 9.99, 10, 99.9, 100])] == \
        [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]


def test_message_shapes() -> None:
    """Numbers become #, long runs #…, the note of which trial failed is dropped, names
    with digits keep them; spacing does not split answers."""
    assert message_shape("conv2d: expected shape (4, 3, 5, 5), got (4, 5, 5, 3) "
                         "[fixed case 1 of 2 (pad 1)]") == \
        "conv2d: expected shape (#, #, #, #), got (#, #, #, #)"
    assert message_shape("\n  got [1 2 3 4 5 6] and -1.5e-3, nan\nmore") == \
        "got [#…] and #, #"
    assert answer_key(" [ [1 , 2] ;  [3,4] ] ") == answer_key("[[1,2];[3,4]]")


def test_anonymised_hides_ids_in_text_too() -> None:
    """Every id becomes student-NNN, also inside messages and answers, an id inside a
    longer word left alone; the numbering does not follow alphabetical order."""
    r = Response("Q1 a", "p", "t", "incorrect", 0.0, 1.0, answer="bo said bob",
                 message="bob/answers.yaml: bad")
    data = ClassData("sheets", "x", (StudentRecord("bob", "graded", (r,), "bob!"),
                                     StudentRecord("al", "graded", ())))
    anon = data.anonymised()
    names = {s.student for s in anon.students}
    assert names == {"student-001", "student-002"}
    bob = anon.students[0]
    assert bob.responses[0].answer == f"bo said {bob.student}"
    assert bob.responses[0].message == f"{bob.student}/answers.yaml: bad"
    assert bob.message == f"{bob.student}!"


@pytest.mark.slow
def test_grade_json_output_is_read(cli: Invoke, planted_class: Path, tmp_path: Path
                                   ) -> None:
    """The JSON `grade DIR --format json` printed gives the report of the folder itself."""
    graded = cli("grade", str(planted_class), "--format", "json", "-o", "book.csv")
    (tmp_path / "graded.json").write_text(graded.stdout)
    a = json.loads(cli("report", "graded.json", "--json").stdout)
    b = json.loads(cli("report", str(planted_class), "--json").stdout)
    assert a["items"] == b["items"] and a["students"] == b["students"]
    q1 = next(i for i in a["items"] if i["item"] == "Q1 params")
    assert q1["diagnoses"][0]["students"] == UPSTREAM
    assert next(i for i in a["items"] if i["item"] == "Q1 outputs")["unexplained"][0][
        "students"] == GARBAGE


def test_tampered_exports_are_warnings(cli: Invoke, tmp_path: Path) -> None:
    """An export with a score out of range, a NaN, a wrong version, a status not in the
    list, a list where text goes or a 201-character id is left out with a warning; the good
    one is reported."""
    def export(student: str, **attempt: object) -> dict:
        a = {"problem_id": "p", "topic": "t", "seed": 1, "part": "a", "answer": "1",
             "status": "correct", "score": 1.0, "points": 1.0, "diagnosis": None, **attempt}
        return {"format": "mldrill-exam-attempts", "version": 1, "student": student,
                "exams": [{"session": 1, "started_at": "", "attempts": [a]}]}

    folder = tmp_path / "ex"
    folder.mkdir()
    files = {"good": export("good"), "big": export("big", score=50.0),
             "ver": {**export("ver"), "version": 2}, "st": export("st", status="<b>"),
             "ans": export("ans", answer=["x"]), "long": export("x" * 201),
             "nan": export("nan", points=float("nan"))}
    for name, data in files.items():
        (folder / f"{name}.json").write_text(json.dumps(data))
    result = cli("report", str(folder), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["student"] for s in data["students"]] == ["good"]
    assert sorted(w.split(":")[0] for w in data["warnings"]) == [
        "ans.json", "big.json", "long.json", "nan.json", "st.json", "ver.json"]


def test_paths_the_report_does_not_read(cli: Invoke, tmp_path: Path) -> None:
    """A missing path, a file of another kind, an empty folder and a gradebook without its
    reports are usage errors (exit 2) that say what to give."""
    (tmp_path / "notes.txt").write_text("hi")
    (tmp_path / "empty").mkdir()
    (tmp_path / "lone.csv").write_text("student,outcome\n")
    for path, message in (("nope", "'nope' does not exist"),
                          ("notes.txt", "is not something `mldrill report` reads"),
                          ("empty", "holds no answer files, grade reports or exam exports"),
                          ("lone.csv", "no reports folder")):
        result = cli("report", path)
        assert result.exit_code == 2, result.output
        assert message in result.output


def test_repeated_items(cli: Invoke, tmp_path: Path) -> None:
    """A sheet report listing a part twice is refused (a warning); an exam that holds a
    problem twice numbers the second sitting `#2`."""
    part = {"question": 1, "part": "a", "problem_id": "p", "answer": "1", "status": "correct",
            "score": 1.0, "max_score": 1.0, "diagnosis": None, "messages": []}
    sheet = {"student": "s", "outcome": "graded", "message": "", "parts": [part, part]}
    ok = {**sheet, "student": "t", "parts": [part]}
    (tmp_path / "g.json").write_text(json.dumps({"gradebook": "b.csv",
                                                 "reports": [sheet, ok]}))
    data = json.loads(cli("report", "g.json", "--json").stdout)
    assert [s["student"] for s in data["students"]] == ["t"]
    assert data["warnings"] == ["report #1: left out: 'Q1 a' is given twice"]
    a = {"problem_id": "p", "topic": "t", "seed": 1, "part": "a", "answer": "1",
         "status": "correct", "score": 1.0, "points": 1.0, "diagnosis": None}
    export = {"format": "mldrill-exam-attempts", "version": 1, "student": "u",
              "exams": [{"session": 1, "started_at": "", "attempts": [a, {**a, "seed": 2}]}]}
    (tmp_path / "u.json").write_text(json.dumps(export))
    data = json.loads(cli("report", "u.json", "--json").stdout)
    assert [i["item"] for i in data["items"]] == ["p a", "p a #2"]


def test_follow_through_is_counted_apart(cli: Invoke, tmp_path: Path) -> None:
    """A part right only for the student's own wrong earlier answer (follow-through, half
    credit) is listed as such, is not full marks, and is no unexplained wrong answer."""
    def part(name: str, status: str, score: float, diagnosis: str | None,
             follow: dict | None = None) -> dict:
        return {"question": 1, "part": name, "problem_id": "p", "answer": "7",
                "status": status, "score": score, "max_score": 1.0, "diagnosis": diagnosis,
                "messages": ["m"], "follow_through": follow}

    follow = {"from": {"a": "7"}, "wrong": ["a"], "credit": 0.5, "earlier_diagnoses": {}}
    reports = [{"student": s, "outcome": "graded", "message": "", "parts": parts}
               for s, parts in (
                   ("x", [part("a", "incorrect", 0, None),
                          part("b", "correct", 0.5, "follow-through", follow)]),
                   ("y", [part("a", "correct", 1, None), part("b", "correct", 1, None)]))]
    (tmp_path / "g.json").write_text(json.dumps({"gradebook": "b", "reports": reports}))
    data = json.loads(cli("report", "g.json", "--json").stdout)
    b = next(i for i in data["items"] if i["item"] == "Q1 b")
    assert (b["follow_through"], b["correct"], b["unexplained"], b["diagnoses"]) == (
        ["x"], 1, [], [])
    assert cli("report", "g.json", "-o", "g.html").exit_code == 0
    assert "1 right only for their own wrong earlier answers (follow-through credit): x" \
        in (tmp_path / "g.html").read_text()


@pytest.mark.slow
def test_grading_across_workers_gives_the_same_class(planted_class: Path,
                                                      monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:
    """A class graded for the report by two worker processes (each grading every other
    student) is the class graded in this process, student for student, in folder order."""
    from report_plant import catalog

    from mldrill.report import grade_sheets

    cat, key = catalog(), planted_class / "key"
    here = grade_sheets.grade_sheet_folder(planted_class, key, cat, (), True)
    monkeypatch.setattr(grade_sheets, "IN_PROCESS_BELOW", 2)
    shares: list[int] = []

    class Counting(grade_sheets.ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            shares.append(len(args[2]))
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(grade_sheets, "ProcessPoolExecutor", Counting)
    pooled = grade_sheets.grade_sheet_folder(planted_class, key, cat, (), True, jobs=2)
    assert shares == [6, 6]
    assert pooled == here
    assert [g["student"] for g in here] == sorted(g["student"] for g in here)
