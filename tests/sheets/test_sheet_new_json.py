"""`mldrill sheet new`: its text summary, its `--json` shape (docs/sheets.md), the PDF
warnings in both, and its argument checks, all before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mldrill.cli.app import app
from mldrill.sheets.answers import load_spec
from mldrill.sheets.build import variant_seed

FIXTURE_BANK = Path(__file__).parents[1] / "fixtures" / "bank"
KEYS = {"out", "key", "title", "seed", "exam", "minutes", "shared", "problems", "sheets",
        "pdf", "warnings"}


@pytest.fixture
def new(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """new(*args): `mldrill sheet new ARGS` on the fixture bank, with a roster of two."""
    monkeypatch.delenv("MLDRILL_BANK", raising=False)
    monkeypatch.setenv("MLDRILL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NO_COLOR", "1")
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\nalice,Alice A\nbob,\n")
    runner = CliRunner()

    def invoke(*args: str, students: bool = True):
        extra = ["--students", str(roster)] if students else []
        return runner.invoke(app, ["--only-bank", "--bank", str(FIXTURE_BANK), "sheet", "new",
                                   *args, *extra], catch_exceptions=False)

    return invoke


def test_json_shape_names_what_was_written(new, tmp_path) -> None:
    """--json prints only JSON: the folders, title, seed, problem ids, each student's
    folder and variant seeds (the seeds the grader recomputes from key/), no PDFs asked."""
    out = tmp_path / "hw"
    result = new("--problems", "demo-transpose,demo-sigmoid", "--seed", "5", "--out",
                 str(out), "--no-pdf", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == KEYS
    assert (data["out"], data["key"]) == (str(out), str(out / "key"))
    assert (data["title"], data["seed"], data["exam"], data["minutes"], data["shared"]) == \
        ("Homework", 5, False, None, False)
    assert data["problems"] == ["demo-transpose", "demo-sigmoid"]
    spec = load_spec(out / "key")
    assert [(s["student"], s["name"], s["folder"]) for s in data["sheets"]] == \
        [("alice", "Alice A", str(out / "alice")), ("bob", "", str(out / "bob"))]
    for sheet in data["sheets"]:
        assert Path(sheet["folder"], "answers.yaml").is_file()
        assert sheet["questions"] == [
            {"number": q, "problem": pid, "seed": variant_seed(spec, sheet["student"], q)}
            for q, pid in enumerate(["demo-transpose", "demo-sigmoid"], 1)]
    alice, bob = (s["questions"][0]["seed"] for s in data["sheets"])
    assert alice != bob  # a variant per student
    assert data["pdf"] == {"requested": False, "engine": None, "compiled": 0}
    assert data["warnings"] == []


def test_json_seed_shows_the_students_variant(new, tmp_path) -> None:
    """A variant seed from --json gives, with `mldrill show`, the variant on the student's
    sheet: its reference answer is the one in the student's key."""
    out = tmp_path / "hw"
    data = json.loads(new("--problems", "demo-transpose", "--seed", "3", "--out", str(out),
                          "--no-pdf", "--json").output)
    seed = data["sheets"][1]["questions"][0]["seed"]
    shown = CliRunner().invoke(app, ["--only-bank", "--bank", str(FIXTURE_BANK), "show",
                                     "demo-transpose", "--seed", str(seed), "--json",
                                     "--solution"])
    size = next(p for p in json.loads(shown.output)["parts"] if p["name"] == "size")
    assert f'size: "{size["answer"]}"' in (out / "key" / "bob.yaml").read_text()


def test_shared_exam_json(new, tmp_path) -> None:
    """--exam --minutes --shared --title are in the JSON; shared: one seed for the room."""
    data = json.loads(new("--topics", "demo", "--count", "1", "--seed", "2", "--exam",
                          "--minutes", "30", "--shared", "--title", "Quiz", "--out",
                          str(tmp_path / "q"), "--no-pdf", "--json").output)
    assert (data["title"], data["exam"], data["minutes"], data["shared"]) == \
        ("Quiz", True, 30.0, True)
    assert len(data["problems"]) == 1
    assert data["sheets"][0]["questions"] == data["sheets"][1]["questions"]


def test_text_summary_is_three_lines(new, tmp_path) -> None:
    """Without --json: what was written and where the key is, then how to grade."""
    out = tmp_path / "hw"
    result = new("--problems", "demo-transpose,demo-sigmoid", "--seed", "5", "--out",
                 str(out), "--no-pdf")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"wrote 2 sheets (2 questions, seed 5) to {out}/; the key is in {out}/key/ (keep it "
        "from students)",
        f"grade the answers with: mldrill grade {out}/<id>/answers.yaml (or the folder of "
        f"collected answer files) --key {out}/key"]
    one = new("--problems", "demo-sigmoid", "--seed", "5", "--out", str(tmp_path / "one"),
              "--no-pdf", students=False)
    assert one.output.startswith(f"wrote 1 sheet (1 questions, seed 5) to {tmp_path}/one/;")


def test_no_pdflatex_is_a_warning(new, tmp_path, monkeypatch) -> None:
    """PDFs asked for without pdflatex: the sheets are written, and both the text and the
    JSON say that sheet.tex was not compiled."""
    import mldrill.sheets.write as write

    monkeypatch.setattr(write, "pdf_engine", lambda: None)
    args = ("--problems", "demo-sigmoid", "--seed", "5")
    text = new(*args, "--out", str(tmp_path / "a"))
    assert text.exit_code == 0
    assert text.output.splitlines()[1] == "no pdflatex found: sheet.tex written, not compiled"
    data = json.loads(new(*args, "--out", str(tmp_path / "b"), "--json").output)
    assert data["pdf"] == {"requested": True, "engine": None, "compiled": 0}
    assert data["warnings"] == ["no pdflatex found: sheet.tex written, not compiled"]
    assert (tmp_path / "b" / "alice" / "sheet.tex").is_file()


def test_pdf_failures_are_warnings_per_file(new, tmp_path, monkeypatch) -> None:
    """A .tex that fails to compile is a warning naming the file (text and JSON); the
    others still count as compiled."""
    import mldrill.sheets.write as write

    monkeypatch.setattr(write, "pdf_engine", lambda: "fake-tex")
    monkeypatch.setattr(write, "compile_pdf",
                        lambda tex, engine: "boom" if tex.parent.name == "bob" else None)
    out = tmp_path / "hw"
    data = json.loads(new("--problems", "demo-sigmoid", "--seed", "5", "--out", str(out),
                          "--json").output)
    assert data["pdf"] == {"requested": True, "engine": "fake-tex", "compiled": 3}
    assert data["warnings"] == [f"could not compile {out}/bob/sheet.tex: boom"]
    text = new("--problems", "demo-sigmoid", "--seed", "5", "--out", str(tmp_path / "t"))
    assert text.output.splitlines()[1:3] == [
        "compiled 3 PDFs with fake-tex",
        f"warning: could not compile {tmp_path}/t/bob/sheet.tex: boom"]


@pytest.mark.parametrize(("args", "message"), [
    (["--problems", "demo-transpos", "--topics", "demo"],
     "no problem with id 'demo-transpos' (did you mean 'demo-transpose'"),
    (["--problems", "demo-transpose", "--topics", "demo"],
     "give --problems or --topics, not both"),
    (["--topics", "demo", "--minutes", "20"], "--minutes is for exams: add --exam"),
    (["--topics", "dmo"], "no topic 'dmo' (did you mean 'demo'?)"),
    (["--topics", "demo", "--difficulty", "5"], "no problem matches topic demo, difficulty 5"),
])
def test_bad_arguments_are_usage_errors_before_anything_is_written(new, tmp_path, args,
                                                                    message) -> None:
    """Each mistake in the arguments exits 2 with its message, and no folder is made."""
    out = tmp_path / "never"
    result = new(*args, "--out", str(out), "--no-pdf", "--json")
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def _doc_example() -> dict:
    """The `sheet new --json` example of docs/sheets.md, its // comments removed."""
    import re

    text = (Path(__file__).parents[2] / "docs" / "sheets.md").read_text()
    block = text.split("```jsonc\n", 1)[1].split("```", 1)[0]
    return json.loads(re.sub(r"\s+//[^\n]*", "", block))


def test_docs_show_the_json_shape(new, tmp_path) -> None:
    """docs/sheets.md's example has exactly the keys `--json` prints, at every level."""
    doc = _doc_example()
    data = json.loads(new("--problems", "demo-sigmoid", "--seed", "1", "--out",
                          str(tmp_path / "d"), "--no-pdf", "--json").output)
    assert set(doc) == set(data) == KEYS
    assert set(doc["sheets"][0]) == set(data["sheets"][0])
    assert set(doc["sheets"][0]["questions"][0]) == set(data["sheets"][0]["questions"][0])
    assert set(doc["pdf"]) == set(data["pdf"])
