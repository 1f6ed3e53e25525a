"""A scripted exam (stdin not a terminal): no verdicts until the end, revision, refusals,
the clock, the report, and what is stored."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from terminal_fakes import FakeClock, fake_terminal, invoke, shown

from mldrill.bank.catalog import load_catalog
from mldrill.practice.exam import build_paper

BANK = Path(__file__).parents[1] / "fixtures" / "bank"
CAT = load_catalog([BANK], bundled=False)


def _paper(count: int, seed: int, topics=()):
    return build_paper(CAT, CAT.select(topics), count, seed)


def _reference_lines(paper) -> list[str]:
    return [q.variant.answer_text(p.name) for q in paper for p in q.family.parts]


def _exam(run, seed: int, count: int, lines: list[str], *extra: str):
    return run("exam", "--seed", str(seed), "--count", str(count), *extra,
               input="\n".join(lines) + "\n")


def _before_report(output: str) -> str:
    return output.split("Exam report")[0]


def test_reference_answers_score_full_marks_and_no_verdict_before_the_report(run) -> None:
    """The reference answers earn every point, and nothing is marked until the report."""
    paper = _paper(2, 11)
    result = _exam(run, 11, 2, [*_reference_lines(paper), "submit"])
    assert result.exit_code == 0, result.output
    parts = len(_reference_lines(paper))
    assert f"score {parts}/{parts} (100%)" in result.output
    before = _before_report(result.output)
    assert "correct" not in before and "incorrect" not in before
    assert before.count("saved") == parts
    assert result.output.count(": correct") == parts
    assert "worked solution:" in result.output


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), count=st.integers(1, 3))
def test_reference_answers_score_full_marks_for_any_seed(run, seed, count) -> None:
    """Property: a scripted exam answered with the reference answers scores full marks."""
    lines = _reference_lines(_paper(count, seed))
    result = _exam(run, seed, count, [*lines, "submit"], "--no-save")
    assert f"score {len(lines)}/{len(lines)} (100%)" in result.output, result.output


def test_same_seed_gives_the_same_paper(run) -> None:
    """Two sittings with the same seed and options get the same questions and variants."""
    first = _exam(run, 5, 3, ["submit", "y"], "--no-save").output
    second = _exam(run, 5, 3, ["submit", "y"], "--no-save").output
    ids = [line for line in first.splitlines() if ", seed " in line and "demo-" in line]
    assert len(ids) == 3
    assert ids == [line for line in second.splitlines() if ", seed " in line and "demo-" in line]


def test_garbage_is_refused_with_a_caret_and_asked_again(run) -> None:
    """An unreadable answer is shown back with a caret and not kept; the part is asked
    again."""
    paper = _paper(1, 3, ["demo"])
    lines = _reference_lines(paper)
    first = paper[0].family.parts[0]
    garbage = "[1 2; 3" if first.kind == "matrix" else "2*/x"
    result = _exam(run, 3, 1, [garbage, "", *lines, "submit"], "--topics", "demo")
    assert "not understood" in result.output and "^" in result.output
    assert "not kept; type it again" in result.output
    assert f"score {len(lines)}/{len(lines)}" in result.output


def test_going_back_revises_an_answer(run) -> None:
    """A wrong answer to question 1 can be replaced after moving on: `go 1`, type the new
    answer; Enter keeps the other answers."""
    paper = _paper(2, 8)
    q1 = [q1p for q1p in _reference_lines(paper[:1])]
    q2 = _reference_lines(paper[1:])
    wrong = ["1000"] + q1[1:]
    blanks = [""] * (len(q1) - 1)
    result = _exam(run, 8, 2, [*wrong, *q2, "go 1", q1[0], *blanks, "submit"])
    assert "(Enter keeps it)" in result.output
    total = len(q1) + len(q2)
    assert f"score {total}/{total} (100%)" in result.output, result.output


def test_back_next_list_and_clear(run) -> None:
    """`next` leaves a question, `back` returns to it, `list` shows what is open, `clear`
    erases an answer."""
    paper = _paper(2, 8)
    q1 = _reference_lines(paper[:1])
    result = _exam(run, 8, 2, [q1[0], "next", "back", "clear", "list", "submit", "y"])
    out = result.output
    assert out.count("Question 1/2") == 2 and "Question 2/2" in out
    assert "cleared" in out
    assert "0/" in out.split("cleared")[1] and "open:" in out
    assert "no answer" in out.split("Exam report")[1]


def test_hints_and_solutions_are_not_given_during_the_exam(run) -> None:
    """`hint` and `solution` are refused until the report."""
    result = _exam(run, 2, 1, ["hint", "solution", "submit", "y"])
    assert "no hints in an exam" in result.output
    assert "solutions come with the report" in result.output


def test_submit_with_open_parts_asks_first(run) -> None:
    """Submitting with unanswered parts asks for confirmation; 'n' goes back to work."""
    paper = _paper(1, 2)
    lines = _reference_lines(paper)
    result = _exam(run, 2, 1, ["submit", "n", *lines, "submit"])
    assert "unanswered" in result.output and "submit anyway? [y/N]" in result.output
    assert f"score {len(lines)}/{len(lines)}" in result.output


def test_eof_submits_what_was_answered(run) -> None:
    """Ctrl-D (end of input) hands in the paper with the answers given, which are stored."""
    paper = _paper(1, 6)
    first = _reference_lines(paper)[0]
    result = _exam(run, 6, 1, [first])
    assert result.exit_code == 0
    assert "Exam report" in result.output and "1 of" in result.output
    rows = json.loads(run("history", "--json").output)
    assert {r["mode"] for r in rows} == {"exam"}
    assert sorted(r["status"] for r in rows).count("correct") == 1
    assert len(rows) == len(paper[0].family.parts)


def test_ctrl_c_hands_in_and_a_second_press_does_not_stop_the_marking(
        run, monkeypatch) -> None:
    """Ctrl-C (a real SIGINT) while an answer is read, confirmed with 'y', hands the paper
    in with the answers given (status 130); another press while it is marked is ignored,
    so the report is whole and the paper stored."""
    import signal

    from mldrill.practice.exam import ExamRun

    paper = _paper(1, 6)
    first, *rest = _reference_lines(paper)
    answer, submit = ExamRun.answer, ExamRun.submit

    def press_on_second_answer(self, number, name, text):
        if self.current(1, paper[0].family.parts[0].name) is not None:
            signal.raise_signal(signal.SIGINT)
        return answer(self, number, name, text)

    def press_while_marking(self):
        signal.raise_signal(signal.SIGINT)
        return submit(self)

    monkeypatch.setattr(ExamRun, "answer", press_on_second_answer)
    monkeypatch.setattr(ExamRun, "submit", press_while_marking)
    result = _exam(run, 6, 1, [first, rest[0], "y"])
    assert result.exit_code == 130
    assert "still unanswered. Hand the paper in now?" in result.output
    assert "interrupted: the paper was submitted with the answers given." in result.output
    assert f"1 of {1 + len(rest)} parts answered" in result.output
    assert "By topic" in result.output or "Stored in your history" in result.output
    rows = json.loads(run("history", "--json").output)
    assert sorted(r["status"] for r in rows) == sorted(["correct"] + ["unanswered"] * len(rest))


def test_ctrl_c_while_a_submitted_paper_is_marked_is_ignored(run, monkeypatch) -> None:
    """After `submit`, a Ctrl-C while the paper is being marked does not stop the hand-in:
    the full report, status 0, the paper stored."""
    import signal

    from mldrill.practice.exam import ExamRun

    paper = _paper(1, 6)
    lines = _reference_lines(paper)
    submit = ExamRun.submit

    def press_while_marking(self):
        signal.raise_signal(signal.SIGINT)
        return submit(self)

    monkeypatch.setattr(ExamRun, "submit", press_while_marking)
    result = _exam(run, 6, 1, [*lines, "submit"])
    assert result.exit_code == 0
    assert f"score {len(lines)}/{len(lines)}" in result.output
    assert "Stored in your history" in result.output
    rows = json.loads(run("history", "--json").output)
    assert sorted(r["status"] for r in rows) == ["correct"] * len(lines)


def test_time_up_submits_and_refuses_late_answers(run) -> None:
    """When the time runs out the paper is submitted: the answer typed too late is not
    kept, and the report says the clock submitted it."""
    clock = FakeClock(step=20.0)  # every look at the clock is 20 s later
    term = fake_terminal(_reference_lines(_paper(2, 4)), clock=clock)
    code = invoke(term, "exam", "--seed", "4", "--count", "2", "--minutes", "1")
    out = shown(term)
    assert "Time is up: the paper was submitted" in out
    assert "submitted when the time ran out" in out
    assert code == 0


def test_the_countdown_and_the_time_used_follow_the_terminals_clock(run) -> None:
    """The time on each prompt and the time used in the report are read from the
    terminal's clock: with every answer taking 25 s, each prompt shows 25 s less."""
    paper = _paper(1, 4)
    names = [p.name for p in paper[0].family.parts]
    term = fake_terminal([*_reference_lines(paper), "submit"], seconds_per_line=25)
    assert invoke(term, "exam", "--seed", "4", "--count", "1", "--minutes", "10") == 0
    out = shown(term)
    for i, name in enumerate(names):
        left = 600 - 25 * i
        assert f"[{left // 60:02d}:{left % 60:02d}] Q1 {name}> " in out
    left = 600 - 25 * len(names)
    assert f"[{left // 60:02d}:{left % 60:02d}] exam> submit" in out
    used = 25 * (len(names) + 1)
    assert f"{used // 60:02d}:{used % 60:02d} of 10:00" in out


def test_countdown_is_on_every_prompt(run) -> None:
    """Each prompt shows the time left."""
    result = _exam(run, 2, 1, ["submit", "y"], "--minutes", "90")
    assert "[1:30:00] Q1 " in result.output


def test_exam_in_history_and_stats(run) -> None:
    """An exam's answers show in history and count in stats."""
    paper = _paper(1, 12)
    lines = _reference_lines(paper)
    _exam(run, 12, 1, [*lines, "submit"])
    stats = json.loads(run("stats", "--json").output)
    assert stats["attempts"] == len(lines)
    assert "exam" in run("history").output


def test_no_matching_problems_is_a_usage_error(run) -> None:
    """An exam over a topic with no problems says so instead of starting."""
    result = run("exam", "--topics", "nonexistent-topic")
    assert result.exit_code != 0


def _press_once_on_second_answer(monkeypatch, paper, times=1):
    """Ctrl-C (a real SIGINT) on the second answer given, `times` times in all."""
    import signal

    from mldrill.practice.exam import ExamRun

    answer = ExamRun.answer
    pressed = []

    def press(self, number, name, text):
        if self.current(1, paper[0].family.parts[0].name) is not None and \
                len(pressed) < times:
            pressed.append(name)
            signal.raise_signal(signal.SIGINT)
        return answer(self, number, name, text)

    monkeypatch.setattr(ExamRun, "answer", press)


def test_ctrl_c_with_parts_open_asks_and_enter_goes_back(run, monkeypatch) -> None:
    """A first Ctrl-C with parts unanswered asks; Enter goes back to the same question
    (its first part kept), the student finishes and submits: status 0, all correct."""
    paper = _paper(1, 6)
    first, *rest = _reference_lines(paper)
    _press_once_on_second_answer(monkeypatch, paper)
    result = _exam(run, 6, 1, [first, rest[0], "", "", *rest, "submit"])
    assert "Hand the paper in now?" in result.output and "back to the paper" in result.output
    assert result.exit_code == 0, result.output
    rows = json.loads(run("history", "--json").output)
    assert sorted(r["status"] for r in rows) == ["correct"] * (1 + len(rest))


def test_a_second_ctrl_c_hands_in(run, monkeypatch) -> None:
    """Ctrl-C, then Ctrl-C again at the question: the paper is handed in (status 130)."""
    import signal

    from mldrill.cli import exam as exam_cli

    paper = _paper(1, 6)
    first, *rest = _reference_lines(paper)
    _press_once_on_second_answer(monkeypatch, paper)
    read = exam_cli.read_answer

    def press_at_the_question(term, prompt, commands=frozenset()):
        if prompt.startswith("hand in?"):
            signal.raise_signal(signal.SIGINT)
        return read(term, prompt, commands)

    monkeypatch.setattr(exam_cli, "read_answer", press_at_the_question)
    result = _exam(run, 6, 1, [first, rest[0], "never read", *rest])
    assert result.exit_code == 130
    assert "interrupted: the paper was submitted with the answers given." in result.output


def test_ctrl_c_with_every_part_answered_hands_in_at_once(run, monkeypatch) -> None:
    """With nothing left unanswered there is nothing to protect: Ctrl-C hands in."""
    import signal

    from mldrill.practice.exam import ExamRun

    paper = _paper(1, 6)
    lines = _reference_lines(paper)
    answer = ExamRun.answer

    def press_after_last(self, number, name, text):
        kept = answer(self, number, name, text)
        if self.parts_open() == 0 and not getattr(self, "_pressed", False):
            self._pressed = True
            signal.raise_signal(signal.SIGINT)
        return kept

    monkeypatch.setattr(ExamRun, "answer", press_after_last)
    result = _exam(run, 6, 1, [*lines, "submit"])
    assert result.exit_code == 130
    assert "Hand the paper in now?" not in result.output
    assert f"score {len(lines)}/{len(lines)}" in result.output
