"""A scripted practice session (stdin not a terminal): answers, garbage, commands, EOF."""

from __future__ import annotations

import json
import re


def _variant_answers(run, problem: str, session_seed: int) -> tuple[int, list[str]]:
    """The variant seed a session deals, and that variant's reference answers."""
    first = run("practice", "--problem", problem, "--seed", str(session_seed), "--count", "1",
                input="quit\n")
    seed = int(re.search(rf"\({problem}, seed (\d+)\)", first.output).group(1))
    data = json.loads(run("show", problem, "--seed", str(seed), "--json", "--solution").output)
    return seed, [p["answer"] for p in data["parts"]]


def test_reference_answers_score_full_marks(run) -> None:
    """Typing the reference answers scores every point, and the summary says so."""
    _, answers = _variant_answers(run, "demo-transpose", 5)
    result = run("practice", "--problem", "demo-transpose", "--seed", "5", "--count", "1",
                 input="\n".join(answers) + "\n")
    assert result.exit_code == 0
    assert result.output.count(": correct") == 3
    assert "score 3/3 (100%)" in result.output


def test_garbage_is_reasked_not_counted(run) -> None:
    """An unreadable answer is shown with a caret and asked again; it costs no try."""
    _, answers = _variant_answers(run, "demo-transpose", 5)
    script = ["[1 2; 3", answers[0], answers[1], answers[2]]
    result = run("practice", "--problem", "demo-transpose", "--seed", "5", "--count", "1",
                 input="\n".join(script) + "\n")
    assert "not understood" in result.output
    assert "this '[' is never closed" in result.output
    assert "score 3/3 (100%)" in result.output


def test_wrong_then_right_gets_feedback_and_a_second_try(run) -> None:
    """A wrong answer is diagnosed and a second try is offered; right on the second try."""
    _, answers = _variant_answers(run, "demo-transpose", 5)
    script = [answers[0], "1000", answers[1], answers[2]]
    result = run("practice", "--problem", "demo-transpose", "--seed", "5", "--count", "1",
                 input="\n".join(script) + "\n")
    assert "size: incorrect" in result.output
    assert "try again (1 try left)" in result.output
    assert "score 3/3 (100%)" in result.output


def test_hint_solution_skip_and_eof(run) -> None:
    """hint shows the next hint, solution reveals the answer (no credit), EOF ends cleanly."""
    result = run("practice", "--problem", "demo-transpose", "--seed", "5", "--count", "1",
                 input="hint\nhint\nhint\nsolution\nskip\n")
    assert "hint 1/2: Rows become columns." in result.output
    assert "hint 2/2:" in result.output
    assert "no more hints" in result.output
    assert "answer: [[" in result.output
    assert result.exit_code == 0
    assert "score 0/2 (0%)" in result.output  # EOF after two parts: the third never asked


def test_no_ansi_codes_when_not_a_terminal(run) -> None:
    """Scripted output carries no escape sequences."""
    result = run("practice", "--problem", "demo-sigmoid", "--seed", "1", "--count", "1",
                 input="quit\n")
    assert "\x1b[" not in result.output
