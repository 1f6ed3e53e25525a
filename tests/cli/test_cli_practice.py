"""A scripted practice session (stdin not a terminal): answers, garbage, commands, EOF,
and what is stored."""

from __future__ import annotations

import json
import sys
import time
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from terminal_fakes import T0, FakeNow, fake_terminal, invoke, shown

from mldrill.cli.env import Terminal, terminal_for


def _answers(run, problem: str, seed: int) -> list[str]:
    """The reference answers of one variant, from `show --json --solution`."""
    data = json.loads(run("show", problem, "--seed", str(seed), "--json", "--solution").output)
    return [p["answer"] for p in data["parts"]]


def _practice(run, problem: str, seed: int, lines: list[str], *extra: str):
    return run("practice", "--problem", problem, "--seed", str(seed), "--count", "1", *extra,
               input="\n".join(lines) + "\n")


def test_reference_answers_score_full_marks(run) -> None:
    """Typing the reference answers scores every point, and the summary says so."""
    result = _practice(run, "demo-transpose", 5, _answers(run, "demo-transpose", 5))
    assert result.exit_code == 0
    assert result.output.count(": correct") == 3
    assert "score 3/3 (100%)" in result.output


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), problem=st.sampled_from(["demo-transpose", "demo-sigmoid"]))
def test_reference_answers_score_full_marks_for_any_seed(run, seed, problem) -> None:
    """Property: a scripted session with the reference answers scores full marks."""
    answers = _answers(run, problem, seed)
    result = _practice(run, problem, seed, answers, "--no-save")
    assert result.exit_code == 0
    assert f"score {len(answers)}/{len(answers)} (100%)" in result.output


def test_garbage_is_reasked_not_counted(run) -> None:
    """An unreadable answer is shown with a caret and asked again; it costs no try."""
    answers = _answers(run, "demo-transpose", 5)
    result = _practice(run, "demo-transpose", 5, ["[1 2; 3]]", *answers])
    assert "not understood" in result.output
    assert "^" in result.output and "not counted; try again" in result.output
    assert "score 3/3 (100%)" in result.output
    history = json.loads(run("history", "--json").output)
    assert len(history) == 3 and {h["status"] for h in history} == {"correct"}


def test_matrix_over_several_lines(run) -> None:
    """An open bracket continues the answer on the next line."""
    answers = _answers(run, "demo-transpose", 5)
    matrix = json.loads(answers[0])
    lines = ["[" + " ".join(map(str, matrix[0])) + ";"]
    lines += [" ".join(map(str, row)) + (";" if i < len(matrix) - 2 else "]")
              for i, row in enumerate(matrix[1:])]
    result = _practice(run, "demo-transpose", 5, [*lines, *answers[1:]])
    assert "At: correct" in result.output
    assert "score 3/3 (100%)" in result.output, result.output


def test_wrong_then_right_gets_feedback_and_half_credit(run) -> None:
    """A wrong answer is diagnosed and a second try is offered; right on the second try
    earns half the part's credit."""
    answers = _answers(run, "demo-transpose", 5)
    result = _practice(run, "demo-transpose", 5, [answers[0], "1000", *answers[1:]])
    assert "size: incorrect" in result.output
    assert "try again (1 try left)" in result.output
    assert "credit 50% (right after 2 tries)" in result.output
    assert "score 2.5/3 (83%)" in result.output


def test_out_of_tries_shows_the_answer(run) -> None:
    """After the last try the reference answer is shown; --tries sets how many."""
    answers = _answers(run, "demo-transpose", 5)
    result = _practice(run, "demo-transpose", 5, ["1000", *answers[1:]], "--tries", "1")
    assert f"the answer: {answers[0]}" in result.output
    assert "score 2/3" in result.output


def test_hint_solution_skip_and_eof(run) -> None:
    """hint shows the next hint, solution reveals the answer (no credit), EOF ends cleanly
    with a summary."""
    result = _practice(run, "demo-transpose", 5, ["hint", "hint", "hint", "solution", "skip"])
    assert "hint 1/2: Rows become columns." in result.output
    assert "hint 2/2:" in result.output
    assert "no more hints" in result.output
    assert "answer: [[" in result.output or "answer: " in result.output
    assert "(this part counts as missed)" in result.output
    assert result.exit_code == 0
    assert "Session summary" in result.output
    assert "score 0/3 (0%)" in result.output
    (revealed,) = json.loads(run("history", "--json").output)
    assert revealed["status"] == "revealed" and revealed["score"] == 0


def test_quit_keeps_answers_and_reviews(run) -> None:
    """quit ends the session; what was answered is in history, stats and the schedule."""
    answers = _answers(run, "demo-transpose", 5)
    _practice(run, "demo-transpose", 5, answers)
    _practice(run, "demo-sigmoid", 1, ["quit"])
    stats = json.loads(run("stats", "--json").output)
    assert stats["attempts"] == 3 and stats["correct"] == 3
    demo = stats["topics"]["demo"]
    assert demo["families"] == 2 and demo["seen"] == 1 and demo["accuracy"] == 1.0
    assert stats["streak_days"] == 1 and stats["next_due"]


def test_no_save_stores_nothing(run) -> None:
    """--no-save practises without touching the progress database."""
    answers = _answers(run, "demo-transpose", 5)
    result = _practice(run, "demo-transpose", 5, answers, "--no-save")
    assert "(not saved: --no-save)" in result.output
    assert json.loads(run("stats", "--json").output)["attempts"] == 0


def test_positional_problem_id_and_bad_filters(run) -> None:
    """`practice ID` practises that problem; unknown topics are usage errors."""
    result = run("practice", "demo-sigmoid", "--count", "1", input="quit\n")
    assert "demo-sigmoid" in result.output
    bad = run("practice", "dem", input="quit\n")
    assert bad.exit_code == 2 and "no topic 'dem'" in bad.output


def test_no_ansi_codes_when_not_a_terminal(run) -> None:
    """Scripted output carries no escape sequences."""
    result = _practice(run, "demo-sigmoid", 1, ["quit"])
    assert "\x1b[" not in result.output


def test_stats_and_history_when_empty(run) -> None:
    """A new student sees how to start, and --json gives zeros."""
    assert "No answers recorded yet" in run("stats").output
    assert "No answers recorded yet" in run("history").output
    assert json.loads(run("history", "--json").output) == []


def test_a_command_ends_an_unfinished_multiline_answer(run) -> None:
    """An open bracket continues the answer, but a command on the next line is obeyed, so
    'quit' after a typo like 'foo(' is not swallowed."""
    result = _practice(run, "demo-transpose", 5, ["foo(", "1", "hint", "quit"])
    assert "hint 1/2:" in result.output
    assert "Session summary" in result.output and result.exit_code == 0


def test_ctrl_c_while_judging_still_prints_the_summary(run, monkeypatch) -> None:
    """Ctrl-C that lands while an answer is being judged ends the session like Ctrl-C at
    a prompt: the summary is printed and the exit status is 130."""
    from mldrill.practice.session import ProblemRun

    def interrupted(self, name, text):
        raise KeyboardInterrupt

    monkeypatch.setattr(ProblemRun, "answer", interrupted)
    result = _practice(run, "demo-transpose", 5, ["[[1]]"])
    assert result.exit_code == 130
    assert "interrupted" in result.output and "Session summary" in result.output


def test_a_second_ctrl_c_does_not_cut_the_summary_short(run, monkeypatch) -> None:
    """After Ctrl-C (a real SIGINT) ends a session, another Ctrl-C while the summary is
    printed is ignored: the whole summary appears, the status is 130, and Ctrl-C is given
    back its usual handler afterwards."""
    import signal

    from mldrill.cli import practice as practice_cli
    from mldrill.practice.session import ProblemRun

    def first_press(self, name, text):
        signal.raise_signal(signal.SIGINT)  # while the answer is judged
        raise AssertionError("Ctrl-C did not interrupt the session")

    summary = practice_cli._summary

    def second_press(*args):
        signal.raise_signal(signal.SIGINT)  # as the summary starts
        summary(*args)

    before = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(ProblemRun, "answer", first_press)
    monkeypatch.setattr(practice_cli, "_summary", second_press)
    result = _practice(run, "demo-transpose", 5, ["[[1]]"])
    assert result.exit_code == 130
    assert "interrupted" in result.output
    summary = result.output.split("Session summary\n")[1]  # all of it, to the last line
    assert summary.startswith("  nothing answered (")
    assert "0/0" not in result.output
    assert summary.endswith("\n  no reviews scheduled yet\n")
    assert signal.getsignal(signal.SIGINT) is before


def test_one_problem_header_shows_only_the_variant_seed(run) -> None:
    """With --problem and --seed the header does not print a second, random seed."""
    result = _practice(run, "demo-transpose", 5, ["quit"])
    header = result.output.splitlines()[0]
    assert "seed" not in header
    assert "demo-transpose, seed 5" in result.output


def test_read_as_is_shown_only_when_it_adds_something(run) -> None:
    """The verdict says how an answer was read only when that differs from what was typed
    (spaces aside)."""
    answers = _answers(run, "demo-transpose", 5)
    matrix = json.loads(answers[0])
    semicolons = "[" + "; ".join(" ".join(map(str, row)) for row in matrix) + "]"
    result = _practice(run, "demo-transpose", 5, [semicolons, answers[1], answers[2]])
    assert result.output.count("read as") == 1
    assert f"read as: {answers[0]}" in result.output


def test_due_reviews_are_read_at_the_terminals_time_by_plan_and_summary(run) -> None:
    """What is due is read against the terminal's `now`, the same in the order of a session
    and in its summary: a problem practised at T0 is not due at T0 (new material comes
    first, the summary says 0 due), and is due sixty days later (it comes first, 1 due)."""
    answers = _answers(run, "demo-transpose", 5)
    first = fake_terminal(answers, now=FakeNow(T0))
    assert invoke(first, "practice", "--problem", "demo-transpose", "--seed", "5",
                  "--count", "1") == 0
    assert "  due for review: 0 now; next in " in shown(first)
    same_day = fake_terminal(["quit"], now=FakeNow(T0))
    invoke(same_day, "practice", "demo", "--count", "1")
    assert "demo-sigmoid, seed" in shown(same_day)
    assert "  due for review: 0 now; next in " in shown(same_day)
    later = fake_terminal(["quit"], now=FakeNow(T0 + timedelta(days=60)))
    invoke(later, "practice", "demo", "--count", "1")
    assert "demo-transpose, seed" in shown(later)
    assert "  due for review: 1 now; next nothing scheduled" in shown(later)


def test_a_scripted_terminal_echoes_each_answer_after_its_prompt() -> None:
    """Not at a tty, each line read is shown after its prompt, so a scripted session reads
    like a typed one; the end of the input is EOFError."""
    term = fake_terminal(["[1 2", "3]"])
    assert term.read_line("K> ") == "[1 2"
    assert term.read_line(".. ") == "3]"
    assert shown(term) == "K> [1 2\n.. 3]\n"
    with pytest.raises(EOFError):
        term.read_line("K> ")
    assert shown(term) == "K> [1 2\n.. 3]\n"


def test_a_command_runs_on_the_terminal_it_is_given() -> None:
    """The terminal handed to `main` (the command context's obj) is the one used; with none,
    the process's own: its stdin, the real clocks."""
    given = fake_terminal()
    assert terminal_for(given) is given
    own = terminal_for(None)
    assert isinstance(own, Terminal) and own is not given
    assert own.stdin is sys.stdin and own.clock is time.monotonic
