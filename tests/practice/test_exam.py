"""The exam core: the paper, answers kept without verdicts, the clock, the report."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mldrill.bank.catalog import load_catalog
from mldrill.practice.exam import ExamRun, build_paper
from mldrill.progress.schedule import GOOD, review
from mldrill.progress.store import open_store

BANK = Path(__file__).parents[1] / "fixtures" / "bank"
CAT = load_catalog([BANK], bundled=False)
FAMS = sorted(CAT.families.values(), key=lambda f: f.id)
TRANSPOSE = [CAT.get("demo-transpose")]  # first part: a matrix


@pytest.fixture(scope="module")
def bundled():
    return load_catalog([], bundled=True)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _sig(paper):
    return [(q.family.id, q.variant.seed) for q in paper]


def test_same_seed_same_paper_and_other_seeds_differ(bundled) -> None:
    """The paper depends only on the seed and the selection: a room can share it."""
    fams = list(bundled.families.values())
    one = _sig(build_paper(bundled, fams, 6, 42))
    assert one == _sig(build_paper(bundled, list(reversed(fams)), 6, 42))
    assert one != _sig(build_paper(bundled, fams, 6, 43))


def test_paper_mixes_topics_and_repeats_no_family_while_others_remain(bundled) -> None:
    """Consecutive questions come from different topics; no family twice while there are
    unused ones."""
    fams = list(bundled.families.values())
    paper = build_paper(bundled, fams, 8, 7)
    topics = [q.family.topic for q in paper]
    assert len(set(topics)) == 8
    conv = [f for f in fams if f.topic == "conv"]
    paper = build_paper(bundled, conv, len(conv), 3)
    assert sorted(q.family.id for q in paper) == sorted(f.id for f in conv)


def test_small_selection_repeats_families_with_new_variants() -> None:
    """Asking for more questions than families repeats them, each with its own variant."""
    paper = build_paper(CAT, FAMS, 5, 1)
    assert len(paper) == 5 and [q.number for q in paper] == [1, 2, 3, 4, 5]
    assert len({(q.family.id, q.variant.seed) for q in paper}) == 5


def _answer_all(run) -> None:
    for q in run.paper:
        for p in q.family.parts:
            assert run.answer(q.number, p.name, q.variant.answer_text(p.name)).kept


def test_reference_answers_score_full_marks_and_are_stored(tmp_path: Path) -> None:
    """The reference answers earn every point; every part is stored once, mode exam, and
    each family's review card is updated."""
    with open_store(tmp_path) as store:
        run = ExamRun(build_paper(CAT, FAMS, 3, 9), 10, 9, store, {"count": 3})
        _answer_all(run)
        report = run.submit()
        assert report.points == report.possible > 0
        assert report.on_time and report.answered == report.parts
        rows = store.attempts()
        assert len(rows) == report.parts
        assert {r["mode"] for r in rows} == {"exam"} and {r["status"] for r in rows} == \
            {"correct"}
        assert {r["session_id"] for r in rows} == {run.session_id}
        assert {c["problem_id"] for c in store.cards()} == {q.family.id for q in run.paper}


def test_no_verdict_until_submit_and_garbage_is_refused() -> None:
    """An answer is kept without a verdict; an unreadable one is refused with the reason
    (and a caret column) and nothing is kept."""
    run = ExamRun(build_paper(CAT, TRANSPOSE, 1, 2), 5, 2)
    q = run.paper[0]
    name = q.family.parts[0].name
    bad = run.answer(1, name, "[1 2; 3")
    assert not bad.kept and bad.result is not None and bad.result.status == "invalid"
    assert run.current(1, name) is None
    ok = run.answer(1, name, "[[999]]")
    assert ok.kept and ok.result is None
    assert run.current(1, name) == "[[999]]"


def test_answers_can_be_revised_and_cleared_until_submit() -> None:
    """The last answer given counts; `clear` leaves the part unanswered; after submit
    nothing changes."""
    run = ExamRun(build_paper(CAT, TRANSPOSE, 1, 2), 5, 2)
    q = run.paper[0]
    first, *rest = [p.name for p in q.family.parts]
    run.answer(1, first, "[[999]]")
    run.answer(1, first, q.variant.answer_text(first))
    for name in rest:
        run.answer(1, name, q.variant.answer_text(name))
    run.clear(1, rest[0])
    assert run.unanswered() == [(1, rest[0])]
    report = run.submit()
    statuses = {p.name: p.status for p in report.questions[0].parts}
    assert statuses[first] == "correct" and statuses[rest[0]] == "unanswered"
    assert not run.answer(1, rest[0], q.variant.answer_text(rest[0])).kept
    assert run.submit() is report


def test_clock_counts_down_and_late_answers_are_refused() -> None:
    """time_left counts down from the minutes given; an answer after the time is up is
    refused, and the report says the paper was submitted by the clock."""
    clock = FakeClock()
    run = ExamRun(build_paper(CAT, TRANSPOSE, 1, 2), 2, 2, clock=clock)
    name = run.paper[0].family.parts[0].name
    assert run.time_left() == 120
    clock.now += 119
    assert run.time_left() == 1 and not run.time_up
    assert run.answer(1, name, "[[1]]").kept
    clock.now += 5
    assert run.time_up and run.time_left() == 0
    late = run.answer(1, name, "[[2]]")
    assert not late.kept and late.late
    report = run.submit()
    assert not report.on_time and report.seconds == 120
    assert report.questions[0].parts[0].answer == "[[1]]"


def test_report_json_has_verdicts_diagnoses_references_and_solutions() -> None:
    """The report as data: per question the parts with answer, status, score, diagnosis
    and reference, the worked solution, and totals per topic."""
    run = ExamRun(build_paper(CAT, TRANSPOSE, 2, 4), 5, 4)
    q = run.paper[0]
    run.answer(1, q.family.parts[0].name, "[[999]]")
    data = run.submit().to_json()
    assert data["seed"] == 4 and data["answered"] == 1
    first = data["questions"][0]
    assert first["parts"][0]["status"] == "incorrect" and first["parts"][0]["answer"] == \
        "[[999]]"
    assert first["parts"][0]["reference"] == q.variant.answer_text(q.family.parts[0].name)
    assert first["parts"][1]["status"] == "unanswered"
    assert first["solution"] == q.variant.solution()
    assert data["topics"]["demo"]["possible"] == data["possible"] == 6


def test_reviews_are_dated_by_the_exam_now(tmp_path: Path) -> None:
    """The review cards a submitted paper writes are scheduled from the exam's `now`, not
    from the machine's clock."""
    t0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # far from today: the real clock would show
    with open_store(tmp_path) as store:
        run = ExamRun(build_paper(CAT, TRANSPOSE, 1, 2), 5, 2, store, now=lambda: t0)
        _answer_all(run)
        run.submit()
        (card,) = store.cards()
        assert card["due"] == review(None, GOOD, t0)[1]
