"""Fixtures of the report tests: a CLI runner in a scratch folder (own MLDRILL_HOME) and a
class of answer files with planted answers in known proportions."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

sys.path.insert(0, str(Path(__file__).parent))

from report_plant import (  # noqa: E402
    BROKEN,
    IDS,
    PROBLEMS,
    Invoke,
    catalog,
    fill,
    plan_of,
    roster,
)

from mldrill.cli.app import app  # noqa: E402


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Invoke:
    monkeypatch.delenv("MLDRILL_BANK", raising=False)
    monkeypatch.setenv("MLDRILL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def planted_class(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The class folder `hw` (12 students, see the lists above), answers filled in."""
    base = tmp_path_factory.mktemp("planted")
    runner = CliRunner()
    result = runner.invoke(app, ["sheet", "new", "--problems", PROBLEMS, "--seed", "11",
                                 "--out", str(base / "hw"), "--no-pdf", "--secret", "report-tests",
                                 "--students",
                                 str(roster(base / "roster.csv", IDS))],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    cat = catalog()
    for sid in IDS:
        if sid in BROKEN:
            (base / "hw" / sid / "answers.yaml").write_text("answers: [unclosed\n")
        else:
            fill(cat, base / "hw", sid, plan_of(sid))
    return base / "hw"
