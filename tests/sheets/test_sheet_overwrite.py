"""`mldrill sheet new` never replaces what an earlier sheet left in --out (filled answer
files, keys) without --force: it names what it would overwrite and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mldrill.cli.app import app

FIXTURE_BANK = Path(__file__).parents[1] / "fixtures" / "bank"


@pytest.fixture
def new(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("MLDRILL_BANK", raising=False)
    monkeypatch.setenv("MLDRILL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\nalice,Alice A\nbob,\n")

    def invoke(*args: str):
        return CliRunner().invoke(app, ["--only-bank", "--bank", str(FIXTURE_BANK), "sheet",
                                        "new", "--problems", "demo-transpose", "--no-pdf",
                                        "--students", str(roster), *args])
    return invoke


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_a_second_run_refuses_and_keeps_filled_answers_and_the_key(new, tmp_path) -> None:
    """Re-running on a folder of sheets exits 2, names the files it would replace, and
    leaves every byte as it was (a filled answer file, the key's secret and seed)."""
    out = tmp_path / "hw"
    assert new("--out", str(out), "--seed", "1").exit_code == 0
    filled = out / "alice" / "answers.yaml"
    filled.write_text(filled.read_text() + "# alice's work\n")
    before = _snapshot(out)
    again = new("--out", str(out), "--seed", "2")
    assert again.exit_code == 2
    assert "would overwrite 13 existing files" in again.output
    assert "alice/answers.yaml" in again.output.replace("\n", "")
    assert "--force" in again.output
    assert _snapshot(out) == before


def test_one_clashing_file_is_enough_to_refuse(new, tmp_path) -> None:
    """A single file of the plan that exists already (even a dangling link) stops the run
    before anything else is written."""
    out = tmp_path / "hw"
    (out / "bob").mkdir(parents=True)
    (out / "bob" / "sheet.md").symlink_to(tmp_path / "nowhere")
    result = new("--out", str(out), "--seed", "1")
    assert result.exit_code == 2 and "1 existing file:" in result.output
    assert not (out / "key").exists() and not (out / "alice").exists()


def test_force_replaces_and_an_unrelated_folder_is_fine(new, tmp_path) -> None:
    """--force rewrites the sheets; a folder holding other files only is written into."""
    out = tmp_path / "hw"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert new("--out", str(out), "--seed", "1").exit_code == 0
    old_key = (out / "key" / "alice.yaml").read_text()
    assert new("--out", str(out), "--seed", "2", "--force").exit_code == 0
    assert (out / "key" / "alice.yaml").read_text() != old_key
    assert (out / "notes.txt").read_text() == "mine"
