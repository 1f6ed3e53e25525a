"""`grade_path`, the one call behind `mldrill grade`: what a path is graded as, the checks
made before anything is read, a class folder's progress, and the exit status of each
outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from mldrill.bank.catalog import bank_dirs
from mldrill.cli.errors import ExitStatus
from mldrill.errors import UsageError
from mldrill.grade.grader import load_assignments
from mldrill.grade.run import (
    ClassGraded,
    FileGraded,
    GradeRequest,
    grade_path,
    is_answers,
)


class FakeSources:
    """Banks that record what was loaded; `assignments=None`: loading them is a bug."""

    extra: tuple[str, ...] = ()
    bundled = True

    def __init__(self, assignments: list | None = None) -> None:
        self._assignments = assignments
        self.loaded: list[str] = []

    def catalog(self):
        raise AssertionError("the catalog is not needed to grade code")

    def assignments(self) -> list:
        assert self._assignments is not None, "the banks were read"
        self.loaded.append("assignments")
        return list(self._assignments)


class Recorder:
    """A BatchProgress that records the calls it gets."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def start(self, total: int, folder: Path, seed: int, reports: Path,
              stored: bool = False) -> None:
        self.events.append(("start", total, folder, seed, reports))
        self.stored = stored

    def advance(self) -> None:
        self.events.append(("advance",))

    def stop(self) -> None:
        self.events.append(("stop",))


@pytest.fixture(scope="module")
def assignments() -> list:
    found, _ = load_assignments(bank_dirs())
    return found


def test_exit_statuses_keep_their_numbers() -> None:
    """Scripts rely on the numbers: 0 OK, 1 negative, 2 usage, 3 bug, 130 Ctrl-C; a
    grading outcome maps to OK, NEGATIVE or BUG."""
    assert {s.name: int(s) for s in ExitStatus} == {
        "OK": 0, "NEGATIVE": 1, "USAGE": 2, "BUG": 3, "INTERRUPTED": 130}
    assert [ExitStatus.of_outcome(o) for o in ("graded", "not gradable", "grader failure")] \
        == [ExitStatus.OK, ExitStatus.NEGATIVE, ExitStatus.BUG]


@pytest.mark.parametrize("name", ["hw.py", "answers.yaml", "missing.py"])
def test_a_bad_format_is_refused_first_for_every_kind_of_path(grade, tmp_path, name) -> None:
    """--format is checked once, before the path is looked at: the same usage error for
    code, an answer file and a path that does not exist."""
    if name != "missing.py":
        (tmp_path / name).write_text("x = 1\n")
    result = grade(str(tmp_path / name), "--format", "xml")
    assert result.exit_code == 2
    assert result.output == "error: --format must be text, json or gradescope, not 'xml'\n"
    with pytest.raises(UsageError, match="not 'csv'"):
        GradeRequest(tmp_path / name, 1, format="csv")


def test_a_missing_path_is_refused_before_the_banks_are_read(tmp_path) -> None:
    """A path that does not exist (even a dangling link is there) is a usage error, and
    no bank is loaded for it."""
    with pytest.raises(UsageError, match="does not exist"):
        grade_path(GradeRequest(tmp_path / "nope.py", 1), FakeSources())
    (tmp_path / "dangling.py").symlink_to(tmp_path / "gone.py")
    sources = FakeSources([])
    with pytest.raises(UsageError, match="no coding assignments found in the banks"):
        grade_path(GradeRequest(tmp_path / "dangling.py", 1), sources)
    assert sources.loaded == ["assignments"]


def test_what_counts_as_answer_files(tmp_path) -> None:
    """A .yaml/.yml path that exists is an answer file; a folder of answer files is one
    only when no .py sits in it or in a sub-folder."""
    (tmp_path / "a.yml").write_text("")
    assert is_answers(tmp_path / "a.yml")
    assert not is_answers(tmp_path / "missing.yaml")
    assert not is_answers(tmp_path / "a.yml.py")
    folder = tmp_path / "collected"
    (folder / "alice").mkdir(parents=True)
    (folder / "alice" / "answers.yaml").write_text("")
    assert is_answers(folder)
    (folder / "bob").mkdir()
    (folder / "bob" / "hw.py").write_text("")
    assert not is_answers(folder)
    assert not is_answers(tmp_path / "empty-folder") and not is_answers(folder / "bob")


def test_a_class_folder_reports_progress_and_writes_the_gradebook(tmp_path, assignments,
                                                                  monkeypatch) -> None:
    """A class folder: start (count, folder, seed, reports folder), one advance per
    student, stop; then the gradebook; two not-gradable students are still 'graded'."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "bob.py").write_text("def f(:\n")
    (folder / "carol.py").write_text("x = 1\n")
    progress = Recorder()
    run = grade_path(GradeRequest(folder, 9, jobs=1), FakeSources(assignments), progress)
    assert isinstance(run, ClassGraded)
    reports = Path("class-grades-reports")  # beside the gradebook, in the working folder
    assert progress.events == [("start", 2, folder, 9, reports), ("advance",), ("advance",),
                               ("stop",)]
    assert (run.gradebook, run.reports_dir) == (Path("class-grades.csv"), reports)
    rows = (tmp_path / "class-grades.csv").read_text().splitlines()
    assert [r.split(",")[:2] for r in rows] == [["student", "outcome"],
                                                 ["bob", "not gradable"],
                                                 ["carol", "not gradable"]]
    assert run.outcome == "graded"


def test_progress_stops_when_grading_a_class_fails(tmp_path, assignments,
                                                   monkeypatch) -> None:
    """An error while grading a class still stops the progress display, then propagates."""
    import mldrill.grade.batch as batch

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(batch, "grade_folder", boom)
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "bob.py").write_text("x = 1\n")
    progress = Recorder()
    with pytest.raises(RuntimeError, match="kaboom"):
        grade_path(GradeRequest(tmp_path / "class", 1, output=tmp_path / "b.csv"),
                   FakeSources(assignments), progress)
    assert [e[0] for e in progress.events] == ["start", "stop"]


def test_a_gradescope_folder_without_code_is_not_gradable(tmp_path, assignments) -> None:
    """With --format gradescope a folder is one submission; no .py in it is a not-gradable
    report (exit 1), not a class."""
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "notes.txt").write_text("hi")
    request = GradeRequest(tmp_path / "submission", 4, format="gradescope")
    run = grade_path(request, FakeSources(assignments), Recorder())
    assert isinstance(run, FileGraded)
    assert run.report.outcome == "not gradable"
    assert run.report.message == "not gradable: no .py file in the folder"
    assert ExitStatus.of_outcome(run.outcome) == ExitStatus.NEGATIVE


def test_a_file_carries_the_command_that_reproduces_it(tmp_path, assignments) -> None:
    """A file's result names the command that grades it again: its path, the assignment
    asked for and the seed."""
    (tmp_path / "hw.py").write_text("def f(:\n")
    run = grade_path(GradeRequest(tmp_path / "hw.py", 12, assignment="layers"),
                     FakeSources(assignments))
    assert isinstance(run, FileGraded) and run.outcome == "not gradable"
    assert run.reproduce == f"mldrill grade {tmp_path}/hw.py --assignment layers --seed 12"


def test_a_class_rerun_without_seed_reuses_the_stored_class_seed(tmp_path, assignments,
                                                                  monkeypatch) -> None:
    """The first run stores its (random) seed with the reports; a re-run without --seed
    reuses it (and says so), so every report is resumed rather than regraded; an explicit
    --seed wins and is stored in turn."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "bob.py").write_text("x = 1\n")
    first = grade_path(GradeRequest(folder, 1234, jobs=1, seed_given=False),
                       FakeSources(assignments), Recorder())
    assert first.seed == 1234
    progress = Recorder()
    again = grade_path(GradeRequest(folder, 999, jobs=1, seed_given=False),
                       FakeSources(assignments), progress)
    assert again.seed == 1234 and progress.stored
    assert progress.events[0][3] == 1234
    chosen = grade_path(GradeRequest(folder, 77, jobs=1), FakeSources(assignments), Recorder())
    assert chosen.seed == 77
    assert (tmp_path / "class-grades-reports" / "class-seed.txt").read_text() == "77\n"


@pytest.mark.parametrize("junk", ["", "12x", "-5", "9" * 40, "1e3"])
def test_a_damaged_class_seed_file_is_not_trusted(tmp_path, junk) -> None:
    """A class-seed file that is not a plain whole number gives None (a fresh seed)."""
    from mldrill.grade.run import read_class_seed

    (tmp_path / "class-seed.txt").write_text(junk)
    assert read_class_seed(tmp_path) is None
    (tmp_path / "class-seed.txt").unlink()
    (tmp_path / "class-seed.txt").symlink_to("/etc/hostname")
    assert read_class_seed(tmp_path) is None
