"""Grading answer files never stops on one file: a pathological answers.yaml (deep
nesting, an alias bomb, a huge or binary file, bad UTF-8, a YAML tag, a link, a FIFO...) is
one not-gradable row with a message that points, the gradebook is always written, and the
other students keep their grades. Answers typed with escape sequences come back cleaned;
two entries for one student are refused."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mldrill.cli.app import app

BAD = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069"
                 "\ufeff\ud800-\udfff]")

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
    for i in range(8)) + "answers: *i\n"

# (folder, content, what the message must contain)
CORPUS: list[tuple[str, str | bytes, str]] = [
    ("deep", "student: x\nanswers: " + "[" * 10_000, ":2:"),
    ("deep-map", "{" * 5_000, "nested more than 32 levels deep"),
    ("deep-block", "- " * 5_000 + "x\n", "nested more than 32 levels deep"),
    ("bomb", BOMB, "anchors and aliases"),
    ("huge", "# padding\n" * 300_000, "is larger than 128 KiB"),
    ("latin1", b"student: \xe9mile\n", ":1:10: not UTF-8 text (byte 0xe9)"),
    ("tag", "student: !!python/object/apply:os.system ['touch PWNED']\n", "YAML tags"),
    ("a-list", "- a\n- b\n", "an answer file is a mapping"),
    ("binary", bytes(range(256)) * 8, "not UTF-8 text"),
    ("nul", "student: a\x00b\n", "not a text file: character #x0000"),
    ("empty", "", "an answer file is a mapping"),
    ("key-list", "? [a, b]\n: 1\n", "expected a key such as student or answers"),
    ("twice", 'student: "a"\nstudent: "b"\n', ":2:1: 'student' is given twice"),
    ("digits", "student: x\ntoken: y\nanswers:\n  ? q" + "9" * 5000 + "\n  : {a: 1}\n",
     "expected a question such as q1"),
    ("two-docs", "a: 1\n---\nb: 2\n", "not valid YAML"),
    ("part-list", "student: x\ntoken: y\nanswers:\n  q1:\n    [a]: 1\n",
     "expected a part name"),
]
CORPUS[0] = ("deep", CORPUS[0][1], "nested more than 32 levels deep")


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("MLDRILL_BANK", raising=False)
    monkeypatch.setenv("MLDRILL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def sheet(cli, tmp_path: Path) -> Path:
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\nalice,\nbob,\ncarol,\n")
    out = tmp_path / "hw"
    result = cli("sheet", "new", "--problems", "conv-maxpool,mle-bernoulli", "--seed", "11",
                 "--out", str(out), "--no-pdf", "--students", str(roster))
    assert result.exit_code == 0, result.output
    return out


def _assert_clean(text: str) -> None:
    found = BAD.search(text)
    assert found is None, f"raw {found.group()!r}: {text[max(0, found.start() - 60):][:90]!r}"


def test_a_folder_with_every_bad_file_still_makes_the_gradebook(cli, sheet, tmp_path) -> None:
    """Each pathological answers.yaml is its own not-gradable row, with a message saying
    what is wrong (and where); the good student keeps full marks; a link to a key and a
    FIFO are refused unread; exit 0 and the gradebook has a row per folder."""
    collected = tmp_path / "collected"
    (collected / "alice").mkdir(parents=True)
    shutil.copy(sheet / "key" / "alice.yaml", collected / "alice" / "answers.yaml")
    for name, content, _ in CORPUS:
        (collected / name).mkdir()
        target = collected / name / "answers.yaml"
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    (collected / "bob").mkdir()
    (collected / "bob" / "answers.yaml").symlink_to(sheet / "key" / "bob.yaml")
    (collected / "carol.yaml").symlink_to(sheet / "key" / "carol.yaml")
    (collected / "dave").symlink_to(sheet / "alice", target_is_directory=True)
    (collected / "fifo").mkdir()
    os.mkfifo(collected / "fifo" / "answers.yaml")
    (collected / "none").mkdir()
    (collected / "none" / "sheet.md").write_text("forgot\n")
    book = tmp_path / "grades.csv"
    result = cli("grade", str(collected), "--key", str(sheet / "key"), "-o", str(book),
                 "-f", "json")
    assert result.exit_code == 0, result.output[-2000:]
    _assert_clean(result.output)
    reports = {r["student"]: r for r in json.loads(result.output)["reports"]}
    rows = {r["student"]: r for r in csv.DictReader(book.open())}
    names = {"alice", "bob", "carol", "dave", "fifo", "none", *(n for n, _, _ in CORPUS)}
    assert set(rows) == set(reports) == names
    assert rows["alice"]["outcome"] == "graded" and rows["alice"]["total"] == \
        rows["alice"]["max"]
    for name, _, expected in CORPUS:
        assert reports[name]["outcome"] == "not gradable", name
        assert expected in reports[name]["message"], (name, reports[name]["message"])
        assert float(rows[name]["total"]) == 0
    assert reports["bob"]["message"] == ("bob/answers.yaml is a symbolic link: submit the "
                                         "file itself")
    assert reports["carol"]["message"] == "carol.yaml is a symbolic link: submit the file " \
        "itself"
    assert reports["dave"]["message"] == "dave is a symbolic link: submit the file itself"
    assert "fifo/answers.yaml is a FIFO" in reports["fifo"]["message"]
    assert reports["none"]["message"] == "none/answers.yaml does not exist"
    for sid in ("bob", "carol", "dave"):
        assert reports[sid]["score"] == 0 and reports[sid]["parts"] == []
    assert not (tmp_path / "PWNED").exists()
    text = cli("grade", str(collected), "--key", str(sheet / "key"), "-o", str(book))
    assert text.exit_code == 0
    _assert_clean(text.output)
    assert f"graded 1 of {len(names)} answer files" in text.output


@pytest.mark.parametrize("name", ["deep", "bomb", "huge", "latin1", "tag", "binary", "nul"])
def test_one_bad_file_is_not_gradable_with_exit_1(cli, sheet, tmp_path, name) -> None:
    """The same files graded one at a time: exit 1 and a not-gradable report (never an
    internal error, exit 3)."""
    content, expected = next((c, e) for n, c, e in CORPUS if n == name)
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = cli("grade", str(path), "--key", str(sheet / "key"), "-f", "json")
    assert result.exit_code == 1, result.output[-500:]
    data = json.loads(result.output)
    assert data["outcome"] == "not gradable" and expected in data["message"]


def test_identity_lines_with_odd_characters_are_refused_cleanly(cli, sheet, tmp_path) -> None:
    """A student line with a lone surrogate or escapes, or a token that is not ASCII, is
    not gradable (the token does not match), never a crash; the echo is cleaned."""
    key = (sheet / "key" / "alice.yaml").read_text()
    cases = [key.replace('student: "alice"', 'student: "\\udc80\\e[2J"'),
             key.replace('token: "', 'token: "\u00e9')]
    for i, text in enumerate(cases):
        path = tmp_path / f"odd{i}.yaml"
        path.write_text(text, encoding="utf-8")
        result = cli("grade", str(path), "--key", str(sheet / "key"), "-f", "json")
        assert result.exit_code == 1, result.output[-500:]
        data = json.loads(result.output)
        assert "token does not match" in data["message"]
        _assert_clean(json.dumps(data, ensure_ascii=False))
    assert "\\udc80\\x1b[2J" in json.loads(cli("grade", str(tmp_path / "odd0.yaml"), "--key",
                                               str(sheet / "key"), "-f", "json").output)[
        "student"]


def test_typed_escapes_in_answers_are_echoed_cleaned(cli, sheet, tmp_path) -> None:
    """An answer typed with escape sequences and bidi overrides (YAML double-quoted \\e,
    \\u202e) is shown escaped in the text report and JSON, and scores nothing."""
    key = (sheet / "key" / "alice.yaml").read_text().splitlines()
    i = next(i for i, line in enumerate(key) if line.startswith("    Y: "))
    key[i] = '    Y: "\\e[2J\\e[Hcorrect\\u202e [bold]x[/bold] \\x9b"'
    path = tmp_path / "a.yaml"
    path.write_text("\n".join(key) + "\n")
    text = cli("grade", str(path), "--key", str(sheet / "key"))
    assert text.exit_code == 0
    _assert_clean(text.output)
    assert "answer: \\x1b[2J\\x1b[Hcorrect\\u202e [bold]x[/bold] \\x9b" in text.output
    data = json.loads(cli("grade", str(path), "--key", str(sheet / "key"), "-f",
                          "json").output)
    part = next(p for p in data["parts"] if p["part"] == "Y")
    assert part["score"] == 0 and part["answer"].startswith("\\x1b[2J")
    _assert_clean(json.dumps(data, ensure_ascii=False))


def test_two_entries_for_one_student_are_refused(cli, sheet, tmp_path) -> None:
    """alice.yaml beside alice/answers.yaml (or ALICE.yaml): exit 2 naming both, and no
    gradebook written."""
    for other in ("alice/answers.yaml", "ALICE.yaml"):
        collected = tmp_path / f"c-{other[:5]}"
        (collected / "alice").mkdir(parents=True) if "/" in other else collected.mkdir()
        shutil.copy(sheet / "key" / "alice.yaml", collected / "alice.yaml")
        shutil.copy(sheet / "key" / "alice.yaml", collected / other)
        book = tmp_path / f"{collected.name}.csv"
        result = cli("grade", str(collected), "--key", str(sheet / "key"), "-o", str(book))
        assert result.exit_code == 2, result.output
        assert "'alice.yaml' and" in result.output or "and 'alice.yaml'" in result.output
        assert not book.exists()
