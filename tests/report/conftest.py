"""Fixtures of the report tests: a CLI runner in a scratch folder (own MLDRILL_HOME) and a
class of answer files with planted answers in known proportions."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

sys.path.insert(0, str(Path(__file__).parent))

from plant import REFERENCE, Plan, catalog, fill, roster  # noqa: E402

from mldrill.cli.app import app  # noqa: E402

Invoke = Callable[..., Result]
PROBLEMS = "params-conv-layer,conv-backward"
PARTS = [(1, "params"), (1, "outputs"), (2, "dK"), (2, "db"), (2, "dX")]
RIGHT = ["s01", "s02", "s03", "s04"]            # every part right
UPSTREAM = ["s05", "s06", "s07"]                # forgot-input-channels in Q1, forgot-upstream
GARBAGE = ["s08", "s09"]                        # the same unexplained "12345" in Q1 outputs
INVALID = ["s10"]                               # an unreadable Q1 params, the rest blank
BLANK = ["s11"]                                 # nothing answered
BROKEN = ["s12"]                                # not an answer file at all
IDS = RIGHT + UPSTREAM + GARBAGE + INVALID + BLANK + BROKEN


def plan_of(student: str) -> Plan:
    """What `student` types for each part (see the lists above)."""
    ref: dict[tuple[int, str], str | None] = {k: REFERENCE for k in PARTS}
    if student in UPSTREAM:
        ref[(1, "params")] = "mistake:forgot-input-channels"
        ref[(2, "db")] = ref[(2, "dX")] = "mistake:forgot-upstream"
    elif student in GARBAGE:
        ref[(1, "outputs")] = "12345"
    elif student in INVALID:
        return {(1, "params"): "[[1, 2"}
    elif student in BLANK:
        return {}
    return ref


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
