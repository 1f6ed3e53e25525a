"""Fixtures of the grading tests: `grade`, the `mldrill grade` command run in a fresh folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mldrill.cli.app import app


@pytest.fixture
def grade(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Any]:
    """grade(*args): `mldrill grade ARGS` in tmp_path (no colour, no MLDRILL_BANK)."""
    monkeypatch.delenv("MLDRILL_BANK", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, ["grade", *args], catch_exceptions=False)

    return invoke
