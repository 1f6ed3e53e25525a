"""`mldrill practice` in a real pseudo-terminal: the installed console script, driven with
pexpect, so readline, the terminal's line discipline (Ctrl-C as SIGINT), colours and
multi-line answers are exercised as a student meets them. The other practice tests drive
the CLI in-process with stdin not a terminal (tests/cli/test_cli_practice.py).

Uses the bundled bank: kernel-gram-matrix (a matrix part K, then a number part dist2)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

if os.name != "posix":
    pytest.skip("pseudo-terminals need a POSIX platform", allow_module_level=True)
pexpect = pytest.importorskip("pexpect")

PROBLEM, SEED = "kernel-gram-matrix", 1
TIMEOUT = 30  # the first answer may import sympy; the machine may be busy
ANSI = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"  # colour codes between a part's name and its verdict


def _command() -> list[str]:
    script = Path(sys.executable).with_name("mldrill")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mldrill"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The child's environment: progress and cache in temp dirs, a colour terminal, only
    the bundled bank."""
    out = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "MLDRILL_BANK", "FORCE_COLOR", "COLUMNS", "LINES")}
    out.update(MLDRILL_HOME=str(tmp_path / "home"), MLDRILL_CACHE=str(tmp_path / "cache"),
               TERM="xterm")
    return out


def _mldrill(env: dict[str, str], *args: str) -> str:
    cmd = _command()
    done = subprocess.run([*cmd, *args], env=env, capture_output=True, text=True,
                          timeout=TIMEOUT, check=True)
    return done.stdout


def _parts(env: dict[str, str]) -> list[dict]:
    data = json.loads(_mldrill(env, "show", PROBLEM, "--seed", str(SEED), "--json",
                               "--solution"))
    parts = data["parts"]
    assert [p["kind"] for p in parts] == ["matrix", "number"], parts  # the bank changed?
    return parts


def _spawn(env: dict[str, str], *extra: str):
    cmd = _command()
    child = pexpect.spawn(cmd[0], [*cmd[1:], "practice", "--problem", PROBLEM, "--seed",
                                   str(SEED), "--count", "1", *extra],
                          env=env, dimensions=(40, 80), encoding="utf-8", timeout=TIMEOUT)
    child.delaybeforesend = None
    return child


def _verdict(name: str, word: str) -> str:
    """`K: correct` as printed, colour codes allowed around the words."""
    return re.escape(name) + ":" + ANSI + " " + ANSI + word + r"\b"


def _finish(child) -> None:
    child.expect(pexpect.EOF)
    child.close()


def test_wrong_then_multiline_right_then_summary_in_a_tty(env: dict[str, str]) -> None:
    """In a tty a wrong matrix is marked incorrect with a second try, the reference typed
    over two lines is marked correct, and the session ends with its summary (status 0)."""
    matrix, number = _parts(env)
    rows = matrix["answer"].count("], [") + 1
    cols = matrix["answer"].split("]")[0].count(",") + 1
    wrong = "[" + "; ".join(" ".join(["0"] * cols) for _ in range(rows)) + "]"
    first, rest = matrix["answer"].split("], ", 1)
    child = _spawn(env, "--no-save")
    try:
        child.expect_exact(f"{matrix['name']}> ")
        child.sendline(wrong)
        child.expect(_verdict(matrix["name"], "incorrect"))
        child.expect_exact("try again (1 try left)")
        child.expect_exact(f"{matrix['name']}> ")
        child.sendline(first + "],")        # the bracket stays open: the answer continues
        child.expect_exact(".. ")  # as wide as "K> ", so the rows line up
        child.sendline(rest)
        child.expect(_verdict(matrix["name"], "correct"))
        child.expect_exact("credit 50% (right after 2 tries)")
        child.expect_exact(f"{number['name']}> ")
        child.sendline(number["answer"])
        child.expect(_verdict(number["name"], "correct"))
        child.expect_exact("Session summary")
        child.expect_exact("score 1.5/2 (75%)")
        _finish(child)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before


def test_ctrl_c_prints_summary_exits_130_and_keeps_judged_answers(
        env: dict[str, str]) -> None:
    """Ctrl-C at a prompt ends the session with the summary and status 130; the answers
    already judged are in `history --json`, the half-typed line is not."""
    matrix, number = _parts(env)
    child = _spawn(env)
    try:
        child.expect_exact(f"{matrix['name']}> ")
        child.sendline(matrix["answer"])
        child.expect(_verdict(matrix["name"], "correct"))
        child.expect_exact(f"{number['name']}> ")
        child.sendline("1e9")
        child.expect(_verdict(number["name"], "incorrect"))
        child.expect_exact(f"{number['name']}> ")
        child.send("12")                    # typed but not entered
        child.expect_exact("12")
        # let readline go back to waiting for keys: a SIGINT that lands while it is still
        # handling "12" is only noticed at the next key (CPython's readline loop), which
        # would hang the test, not the student
        time.sleep(0.3)
        child.send("\x03")                  # Ctrl-C: SIGINT from the line discipline
        child.expect_exact("interrupted: your answers so far are saved")
        child.expect_exact("Session summary")
        child.expect_exact("score 1/2 (50%)")
        _finish(child)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130, child.before
    history = json.loads(_mldrill(env, "history", "--json"))
    judged = sorted((h["part"], h["answer"], h["status"]) for h in history)
    assert judged == sorted([(matrix["name"], matrix["answer"], "correct"),
                             (number["name"], "1e9", "incorrect")])


def test_exam_timer_warns_and_submits_while_typing(env: dict[str, str]) -> None:
    """In a tty the exam's timer warns before the end, redraws the line being
    typed, and hands the paper in when time runs out, even mid-answer; the half-typed
    answer is not kept and the paper is stored."""
    cmd = _command()
    env = {**env, "MLDRILL_EXAM_WARN": "3"}  # warn 3 s before the end (default: 5 and 1 min)
    child = pexpect.spawn(cmd[0], [*cmd[1:], "exam", "--topics", "kernels", "--count", "1",
                                   "--seed", "3", "--minutes", "0.1"],
                          env=env, dimensions=(40, 80), encoding="utf-8", timeout=TIMEOUT)
    child.delaybeforesend = None
    child.expect(r"\[00:0\d\] Q1 \S+> ")
    child.send("[1 2")
    child.expect(r"\[3 seconds left\]")
    child.expect(re.escape("[1 2"))  # the line being typed is shown again
    child.expect("Time is up: the paper was submitted")
    child.expect("Exam report")
    child.expect("submitted when the time ran out")
    _finish(child)
    assert child.exitstatus == 0
    rows = json.loads(_mldrill(env, "history", "--json"))
    assert rows and {r["mode"] for r in rows} == {"exam"}
    assert {r["status"] for r in rows} == {"unanswered"}
