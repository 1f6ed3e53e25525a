"""`mldrill sheet new` and grading answer files: determinism, per-student variants, keys,
identity, blanks, garbage, exams, shared variants, rosters, LaTeX."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mldrill.cli.app import app


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("MLDRILL_BANK", raising=False)
    monkeypatch.setenv("MLDRILL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NO_COLOR", "1")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("id,name\nalice,Alice A\nbob,Bob B\ncarol,\n")
    return path


def _new(cli, out: Path, roster: Path | None, *extra: str):
    args = ["sheet", "new", "--problems", "conv-maxpool,mle-bernoulli,backprop-scalar-graph",
            "--seed", "11", "--out", str(out), "--no-pdf", *extra]
    if roster is not None:
        args += ["--students", str(roster)]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _grade(cli, path: Path, key: Path, *extra: str) -> dict:
    result = cli("grade", str(path), "--key", str(key), "--format", "json", *extra)
    return json.loads(result.output)


def test_layout_of_the_sheet_folder(cli, tmp_path, roster) -> None:
    """Each student gets sheet.md, sheet.tex and answers.yaml; key/ holds the description,
    a filled answer file and a key sheet per student."""
    out = tmp_path / "hw"
    _new(cli, out, roster)
    for sid in ("alice", "bob", "carol"):
        assert {p.name for p in (out / sid).iterdir()} == {"sheet.md", "sheet.tex",
                                                           "answers.yaml"}
        for ext in ("yaml", "md", "tex"):
            assert (out / "key" / f"{sid}.{ext}").is_file()
    assert (out / "key" / "sheet.yaml").is_file()
    tex = (out / "alice" / "sheet.tex").read_text()
    assert tex.startswith("\\documentclass") and tex.rstrip().endswith("\\end{document}")
    assert "Worked solution" in (out / "key" / "alice.md").read_text()


def test_same_seed_and_roster_give_the_same_files_byte_for_byte(cli, tmp_path, roster) -> None:
    """Sheets are reproducible: same seed, roster and (account or --secret) secret, same
    bytes; another seed changes them."""
    _new(cli, tmp_path / "a", roster)
    _new(cli, tmp_path / "b", roster)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    _new(cli, tmp_path / "c", roster, "--secret", "shared-by-tas")
    _new(cli, tmp_path / "d", roster, "--secret", "shared-by-tas")
    assert _files(tmp_path / "c") == _files(tmp_path / "d")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_students_get_different_variants(cli, tmp_path, roster) -> None:
    """Different students get different numbers (the same problems)."""
    out = tmp_path / "hw"
    _new(cli, out, roster)
    sheets = {sid: (out / sid / "sheet.md").read_text().split("\n", 3)[3]
              for sid in ("alice", "bob", "carol")}
    assert len(set(sheets.values())) == 3
    titles = {sid: [line for line in s.splitlines() if line.startswith("## ")]
              for sid, s in sheets.items()}
    assert titles["alice"] == titles["bob"] == titles["carol"]


def test_shared_gives_one_variant_to_the_room(cli, tmp_path, roster) -> None:
    """--shared: every student gets the same variant."""
    out = tmp_path / "hw"
    _new(cli, out, roster, "--shared")
    bodies = {(out / sid / "sheet.md").read_text().split("\n", 3)[3]
              for sid in ("alice", "bob", "carol")}
    assert len(bodies) == 1


def test_every_key_scores_full_marks(cli, tmp_path, roster) -> None:
    """The key of every student, graded as an answer file, scores full marks."""
    out = tmp_path / "hw"
    _new(cli, out, roster)
    for sid in ("alice", "bob", "carol"):
        data = _grade(cli, out / "key" / f"{sid}.yaml", out / "key")
        assert data["gradable"] and data["score"] == data["max_score"] > 0, data
        assert data["student"] == sid


def test_blank_answer_file_scores_zero(cli, tmp_path, roster) -> None:
    """The answer file as handed out (all blank) scores zero, every part unanswered; the
    key folder is found beside DIR/<id>/ without --key."""
    out = tmp_path / "hw"
    _new(cli, out, roster)
    result = cli("grade", str(out / "bob" / "answers.yaml"), "--format", "json")
    data = json.loads(result.output)
    assert data["score"] == 0 and data["max_score"] > 0
    assert {p["status"] for p in data["parts"]} == {"unanswered"}


def test_claiming_another_identity_does_not_score_their_key(cli, tmp_path, roster) -> None:
    """Bob's key with the student line changed to alice is refused (the token is bob's);
    bob's answers under alice's own identity and token are graded against alice's variant
    and do not score full marks."""
    out = tmp_path / "hw"
    _new(cli, out, roster)
    bob_key = (out / "key" / "bob.yaml").read_text()
    claim = tmp_path / "claim.yaml"
    claim.write_text(bob_key.replace('student: "bob"', 'student: "alice"'))
    result = cli("grade", str(claim), "--key", str(out / "key"), "--format", "json")
    data = json.loads(result.output)
    assert result.exit_code == 1 and not data["gradable"] and data["score"] == 0
    assert "token" in data["message"]
    alice = (out / "alice" / "answers.yaml").read_text()
    token_line = next(line for line in alice.splitlines() if line.startswith("token:"))
    copied = "\n".join(token_line if line.startswith("token:") else
                       ('student: "alice"' if line.startswith("student:") else line)
                       for line in bob_key.splitlines())
    steal = tmp_path / "steal.yaml"
    steal.write_text(copied + "\n")
    data = _grade(cli, steal, out / "key")
    assert data["gradable"] and data["student"] == "alice"
    assert data["score"] < data["max_score"]


def test_garbage_and_partial_answers(cli, tmp_path, roster) -> None:
    """An unreadable answer is reported as not understood and scores zero; other parts
    are graded; quoting and flow lists both give the typed text."""
    out = tmp_path / "hw"
    _new(cli, out, roster)
    key = (out / "key" / "alice.yaml").read_text().splitlines()
    first = next(i for i, line in enumerate(key) if line.startswith("    ") and
                 not line.strip().startswith("#"))
    name = key[first].split(":")[0].strip()
    key[first] = f"    {name}: \"[1 2; 3\""
    path = tmp_path / "answers.yaml"
    path.write_text("\n".join(key) + "\n")
    data = _grade(cli, path, out / "key")
    part = next(p for p in data["parts"] if p["part"] == name)
    assert part["status"] == "invalid" and part["score"] == 0
    assert data["score"] == data["max_score"] - part["max_score"]
    text = cli("grade", str(path), "--key", str(out / "key")).output
    assert "not understood" in text


def test_matrix_answers_unquoted(cli, tmp_path) -> None:
    """A matrix written as an unquoted YAML list, or as '[1 2; 3 4]' unquoted, is read as
    typed."""
    out = tmp_path / "hw"
    _new(cli, out, None)
    key = (out / "key" / "student.yaml").read_text()
    data = json.loads(cli("show", "conv-maxpool", "--seed", "0", "--json").output)
    assert data  # the family exists
    lines = key.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("    Y: "))
    value = json.loads(lines[i].split(": ", 1)[1])  # '[[..], [..]]' as text
    rows = json.loads(value)
    lines[i] = "    Y: [" + "; ".join(" ".join(str(x) for x in r) for r in rows) + "]"
    path = tmp_path / "a.yaml"
    path.write_text("\n".join(lines) + "\n")
    data = _grade(cli, path, out / "key")
    assert data["score"] == data["max_score"], data


def test_broken_yaml_names_the_line(cli, tmp_path) -> None:
    """An answer file that is not valid YAML is not gradable, with path:line:col."""
    out = tmp_path / "hw"
    _new(cli, out, None)
    path = tmp_path / "bad.yaml"
    text = (out / "key" / "student.yaml").read_text().replace("answers:", "answers: [", 1)
    path.write_text(text)
    data = _grade(cli, path, out / "key")
    assert not data["gradable"] and f"{path}:" in data["message"]


def test_folder_of_answer_files_makes_a_gradebook(cli, tmp_path, roster) -> None:
    """A folder of collected answer files (one per student folder) is graded into a CSV;
    the folder's name is the identity."""
    out = tmp_path / "hw"
    _new(cli, out, roster)
    collected = tmp_path / "collected"
    for sid in ("alice", "bob"):
        (collected / sid).mkdir(parents=True)
        shutil.copy(out / "key" / f"{sid}.yaml", collected / sid / "answers.yaml")
    (collected / "carol").mkdir()
    shutil.copy(out / "key" / "alice.yaml", collected / "carol" / "answers.yaml")
    book = tmp_path / "grades.csv"
    result = cli("grade", str(collected), "--key", str(out / "key"), "-o", str(book))
    assert result.exit_code == 0, result.output
    rows = {r["student"]: r for r in csv.DictReader(book.open())}
    assert rows["alice"]["total"] == rows["alice"]["max"]
    assert rows["bob"]["total"] == rows["bob"]["max"]
    assert float(rows["carol"]["total"]) < float(rows["carol"]["max"])
    assert "handed in by 'carol'" in result.output


def test_exam_sheet_has_cover_page_points_and_time(cli, tmp_path, roster) -> None:
    """--exam --minutes: a cover page with the questions' points and the time allowed."""
    out = tmp_path / "exam"
    _new(cli, out, roster, "--exam", "--minutes", "50", "--title", "Midterm")
    tex = (out / "alice" / "sheet.tex").read_text()
    assert "\\begin{titlepage}" in tex and "50 minutes" in tex and "Total" in tex
    md = (out / "alice" / "sheet.md").read_text()
    assert md.startswith("# Midterm") and "50 minutes" in md and "points)" in md


def test_roster_problems_are_reported_with_lines(cli, tmp_path) -> None:
    """A roster without an id column, or with a repeated id, is a usage error naming the
    line."""
    bad = tmp_path / "r.csv"
    bad.write_text("name\nAda\n")
    result = cli("sheet", "new", "--topics", "conv", "--out", str(tmp_path / "x"),
                 "--students", str(bad))
    assert result.exit_code == 2 and "'id' column" in result.output
    bad.write_text("id\nada\nbo\nada\n")
    result = cli("sheet", "new", "--topics", "conv", "--out", str(tmp_path / "x"),
                 "--students", str(bad))
    assert result.exit_code == 2 and "r.csv:4" in result.output and "repeats line 2" in \
        result.output


def test_gradescope_format_for_answer_files(cli, tmp_path, roster) -> None:
    """--format gradescope gives results.json with a test per part."""
    out = tmp_path / "hw"
    _new(cli, out, roster)
    data = _grade(cli, out / "key" / "bob.yaml", out / "key")
    gs = json.loads(cli("grade", str(out / "key" / "bob.yaml"), "--key", str(out / "key"),
                        "--format", "gradescope").output)
    assert gs["score"] == data["score"] and len(gs["tests"]) == len(data["parts"])
    assert {t["status"] for t in gs["tests"]} == {"passed"}


def test_latex_compiles(cli, tmp_path, roster) -> None:
    """sheet.tex and the key's .tex compile with pdflatex, and sheet.pdf is written."""
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed here")
    out = tmp_path / "hw"
    result = cli("sheet", "new", "--problems", "conv-maxpool,backprop-mlp2-grads,mle-gda",
                 "--seed", "3", "--out", str(out), "--students", str(roster), "--exam",
                 "--minutes", "30")
    assert result.exit_code == 0 and "compiled 6 PDFs" in result.output, result.output
    assert (out / "alice" / "sheet.pdf").read_bytes().startswith(b"%PDF")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                           "-output-directory", str(tmp_path), str(out / "key" / "bob.tex")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]


def _bank_sheet(cli, tmp_path: Path, roster: Path) -> tuple[Path, Path, Path]:
    """A sheet of the fixture bank's demo-transpose, made with --bank, for three students."""
    bank = tmp_path / "bank"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "bank", bank)
    out = tmp_path / "hw"
    result = cli("--bank", str(bank), "sheet", "new", "--problems", "demo-transpose",
                 "--seed", "5", "--out", str(out), "--no-pdf", "--students", str(roster))
    assert result.exit_code == 0, result.output
    return bank, out, bank / "problems" / "demo" / "matrix.yaml"


def _bank_grade(cli, bank: Path, path: Path, key: Path) -> dict:
    result = cli("--bank", str(bank), "grade", str(path), "--key", str(key), "--format", "json")
    return json.loads(result.output)


def test_a_bank_changed_since_the_sheet_was_made_is_caught(cli, tmp_path, roster) -> None:
    """Sheets keep each question's answer fingerprint: after the family is edited so the
    same seed computes other answers, grading refuses (naming the question and family)
    instead of grading against numbers the student never saw; the batch goes on, and
    a wording-only edit changes nothing."""
    bank, out, family = _bank_sheet(cli, tmp_path, roster)
    assert "fingerprints:" in (out / "key" / "sheet.yaml").read_text()
    text = family.read_text()
    family.write_text(text.replace("Give A^T (the transpose)", "Write A^T, the transpose"))
    data = _bank_grade(cli, bank, out / "key" / "alice.yaml", out / "key")
    assert data["gradable"] and data["score"] == data["max_score"] > 0, data
    family.write_text(text.replace("low: -3, high: 3", "low: -4, high: 4"))
    data = _bank_grade(cli, bank, out / "key" / "alice.yaml", out / "key")
    assert not data["gradable"] and data["outcome"] == "not gradable"
    assert "question 1 (demo-transpose) no longer has the answers handed out" in \
        data["message"]
    shutil.copyfile(out / "key" / "bob.yaml", out / "bob" / "answers.yaml")
    folder = cli("--bank", str(bank), "grade", str(out), "--key", str(out / "key"),
                 "--format", "json", "-o", str(tmp_path / "grades.csv"))
    reports = json.loads(folder.output)["reports"]
    assert sorted(r["student"] for r in reports) == ["alice", "bob", "carol"]
    assert all(r["outcome"] == "not gradable" and "no longer has" in r["message"]
               for r in reports), reports


def test_a_sheet_made_before_fingerprints_still_grades(cli, tmp_path, roster) -> None:
    """A key written by an older mldrill (no fingerprints) is graded as before."""
    bank, out, _ = _bank_sheet(cli, tmp_path, roster)
    sheet = out / "key" / "sheet.yaml"
    sheet.write_text(sheet.read_text().split("fingerprints:")[0])
    data = _bank_grade(cli, bank, out / "key" / "bob.yaml", out / "key")
    assert data["gradable"] and data["score"] == data["max_score"] > 0, data
