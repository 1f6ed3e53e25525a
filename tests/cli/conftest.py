"""CLI tests run against a small fixture bank (tests/fixtures/bank) with --only-bank, so they
pin the CLI's behaviour independently of the bundled problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mldrill.cli.app import app

FIXTURE_BANK = Path(__file__).parent.parent / "fixtures" / "bank"


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """run(*args, input=None) -> Result, with only the fixture bank loaded and progress
    stored in a fresh MLDRILL_HOME (never the user's own)."""
    monkeypatch.delenv("MLDRILL_BANK", raising=False)
    monkeypatch.setenv("MLDRILL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NO_COLOR", "1")
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, bank: bool = True):
        prefix = ["--only-bank", "--bank", str(FIXTURE_BANK)] if bank else []
        return runner.invoke(app, [*prefix, *args], input=input, catch_exceptions=False)

    return invoke
