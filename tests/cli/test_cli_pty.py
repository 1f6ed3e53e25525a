"""`mldrill practice` and `mldrill exam` in a real pseudo-terminal: the installed console
script, driven with pexpect, so readline, the terminal's line discipline (Ctrl-C as SIGINT),
the exam's SIGALRM timer, colours and multi-line answers are exercised as a student meets
them. The other tests drive the CLI in-process with stdin not a terminal
(tests/cli/test_cli_practice.py, tests/cli/test_cli_exam.py).

No test depends on timing: each waits for what the program prints (a prompt, the echo of
what was typed) before the next key, and the exam's clock is moved by the test, not by
waiting. Timeouts are generous; they only cost time when a test fails.

Uses the bundled bank: kernel-gram-matrix (a matrix part K, then a number part dist2);
`exam --topics kernels --count 1 --seed 3` is kernel-value (an integer part, then a number)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

if os.name != "posix":
    pytest.skip("pseudo-terminals need a POSIX platform", allow_module_level=True)
pexpect = pytest.importorskip("pexpect")
termios = pytest.importorskip("termios")

PROBLEM, SEED = "kernel-gram-matrix", 1
EXAM = ("exam", "--topics", "kernels", "--count", "1", "--seed", "3")
TIMEOUT = 60  # the first answer may import sympy; the machine may be busy
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
    return _spawn_args(env, "practice", "--problem", PROBLEM, "--seed", str(SEED),
                       "--count", "1", *extra)


def _spawn_args(env: dict[str, str], *args: str, command: list[str] | None = None):
    cmd = command or _command()
    child = pexpect.spawn(cmd[0], [*cmd[1:], *args], env=env, dimensions=(40, 80),
                          encoding="utf-8", timeout=TIMEOUT)
    child.delaybeforesend = None
    return child


def _exam_paper() -> list[tuple[str, str]]:
    """(part name, reference answer) of the paper EXAM draws from the bundled bank."""
    from mldrill.bank.catalog import load_catalog
    from mldrill.practice.exam import build_paper

    cat = load_catalog([], bundled=True, strict=False)
    paper = build_paper(cat, cat.select(["kernels"]), 1, int(EXAM[-1]))
    parts = [(p.name, paper[0].variant.answer_text(p.name)) for p in paper[0].family.parts]
    assert len(parts) == 2, parts  # the bank changed?
    return parts


def _verdict(name: str, word: str) -> str:
    """`K: correct` as printed, colour codes allowed around the words."""
    return re.escape(name) + ":" + ANSI + " " + ANSI + word + r"\b"


def _finish(child) -> None:
    """Wait for the end; the terminal must be left as a shell wants it: echo on, line mode."""
    child.expect(pexpect.EOF)
    lflag = termios.tcgetattr(child.child_fd)[3]  # the pty's modes, as the child left them
    assert lflag & termios.ECHO and lflag & termios.ICANON, "terminal left in raw mode"
    child.close()


def _half_typed_then_ctrl_c(child, typed: str) -> None:
    """Type the start of an answer and see it echoed; then type on quickly and press Ctrl-C
    as soon as the first of those keys are echoed, so that it lands while keys are being
    handled (when `input()` used to keep it until Enter). No further key is sent."""
    child.send(typed)
    child.expect_exact(typed)
    child.send(" 3" * 150)
    child.expect_exact(" 3 3 3")
    child.send("\x03")


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


def test_ctrl_c_mid_line_acts_at_once_in_practice(env: dict[str, str]) -> None:
    """Ctrl-C while a line is half typed ends practice at once: the summary appears with
    no further key, status 130, nothing typed is stored."""
    matrix, _ = _parts(env)
    child = _spawn(env)
    try:
        child.expect_exact(f"{matrix['name']}> ")
        _half_typed_then_ctrl_c(child, "[1 2")
        child.expect_exact("interrupted: your answers so far are saved")
        child.expect_exact("Session summary")
        child.expect_exact("nothing answered (")
        _finish(child)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130, child.before
    assert json.loads(_mldrill(env, "history", "--json")) == []


def test_ctrl_c_mid_answer_hands_the_exam_in_at_once(env: dict[str, str]) -> None:
    """Ctrl-C while an exam answer is half typed hands the paper in at once, with no
    further key: the answer given is marked and stored, the half-typed one is not;
    status 130."""
    (first, answer), (second, _) = _exam_paper()
    child = _spawn_args(env, *EXAM, "--minutes", "30")
    try:
        child.expect_exact(f"Q1 {first}> ")
        child.sendline(answer)
        child.expect_exact("saved")
        child.expect_exact(f"Q1 {second}> ")
        _half_typed_then_ctrl_c(child, "0.5")
        child.expect_exact("interrupted: the paper was submitted with the answers given.")
        child.expect_exact("Exam report")
        child.expect_exact("1 of 2 parts answered")
        _finish(child)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130, child.before
    rows = json.loads(_mldrill(env, "history", "--json"))
    assert sorted((r["mode"], r["part"], r["status"]) for r in rows) == sorted(
        [("exam", first, "correct"), ("exam", second, "unanswered")])


# `mldrill exam` on the process's terminal with its clock read from a file the test writes,
# handed to the entry point as the in-process tests hand theirs (main(terminal=...));
# SIGALRM, which the timer waits for, is sent by the test.
CLOCKED = """
import sys
from pathlib import Path

from mldrill.cli.app import main
from mldrill.cli.env import Terminal

now = Path(sys.argv.pop(1))
main(Terminal.of_process(clock=lambda: float(now.read_text())))
"""


def _set_clock(path: Path, seconds: float) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(str(seconds))
    os.replace(tmp, path)  # the child never reads half a number


def test_exam_timer_warns_redraws_and_submits_while_typing(
        env: dict[str, str], tmp_path: Path) -> None:
    """In a tty the exam's timer warns while an answer is being typed, shows the line
    again, lets typing go on, and hands the paper in when the time is up, mid-answer:
    the half-typed answer is not kept, the paper is stored, status 0."""
    (first, _), _ = _exam_paper()
    clock = tmp_path / "clock"
    _set_clock(clock, 0)
    env = {**env, "MLDRILL_EXAM_WARN": "30"}  # warn 30 s before the end
    child = _spawn_args(env, str(clock), *EXAM, "--minutes", "1",
                        command=[sys.executable, "-c", CLOCKED])
    try:
        child.expect_exact(f"[01:00] Q1 {first}> ")
        child.send("[1 2")
        child.expect_exact("[1 2")
        _set_clock(clock, 35)
        child.kill(signal.SIGALRM)           # the timer's alarm, 35 s into the exam
        child.expect_exact("[30 seconds left]")
        child.expect(re.escape(f"Q1 {first}> ") + ANSI + re.escape("[1 2"))  # shown again
        child.send(" 3")                     # typing goes on in the same line
        child.expect_exact(" 3")
        _set_clock(clock, 61)
        child.kill(signal.SIGALRM)           # and the time is up
        child.expect_exact("Time is up: the paper was submitted")
        child.expect_exact("Exam report")
        child.expect_exact("submitted when the time ran out")
        _finish(child)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    rows = json.loads(_mldrill(env, "history", "--json"))
    assert rows and {r["mode"] for r in rows} == {"exam"}
    assert {r["status"] for r in rows} == {"unanswered"}


def test_exam_timer_hands_the_paper_in_by_itself(env: dict[str, str]) -> None:
    """With nobody typing, the real timer hands the paper in when the time runs out
    (status 0, the paper stored as unanswered)."""
    child = _spawn_args(env, *EXAM, "--minutes", "0.05")
    try:
        child.expect_exact("Time is up: the paper was submitted")
        child.expect_exact("submitted when the time ran out")
        _finish(child)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    rows = json.loads(_mldrill(env, "history", "--json"))
    assert rows and {r["status"] for r in rows} == {"unanswered"}
