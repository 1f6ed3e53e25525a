"""`mldrill grade PATH` and `mldrill export gradescope` as one call each, returning data.

What PATH is decides how it is graded (`grade_path`):
- an answer file of a sheet (`.yaml`), or a folder of them with no `.py` in it or one level
  below: graded against the sheet's key (`--key`, else DIR/key beside DIR/<id>/answers.yaml);
  a folder becomes a gradebook CSV;
- with `--format gradescope`, a folder is one student's (Gradescope's
  /autograder/submission): its `.py` file is chosen as in a class folder's sub-folder, and
  nothing outside that folder is followed;
- any other folder is a class (one file or sub-folder per student): graded across cores
  into a gradebook CSV and a folder of JSON reports, resumed without regrading what is
  unchanged (see `batch`);
- a file is one student's code, graded in the sandbox; no link is followed below its folder.
Nothing here prints: the banks arrive as a `Sources` (which reports their broken files
itself), a class reports its progress to the `BatchProgress` passed in, and the result is a
`GradeRun` for the caller to render.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, TypeAlias

from mldrill.errors import UsageError
from mldrill.text import clean_line

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mldrill.bank.catalog import Catalog
    from mldrill.grade.assignment import Assignment
    from mldrill.grade.batch import BatchResult
    from mldrill.grade.report import GradeReport, Outcome
    from mldrill.sheets.answers import SheetGrade

Format = Literal["text", "json", "gradescope"]
FORMATS: tuple[Format, ...] = ("text", "json", "gradescope")


class Sources(Protocol):
    """The banks a command reads: the extra bank folders and whether the bundled bank is
    used. Loading reports the broken files (and leaves them out); the caller decides how."""

    @property
    def extra(self) -> Sequence[str]: ...

    @property
    def bundled(self) -> bool: ...

    def catalog(self) -> Catalog: ...

    def assignments(self) -> list[Assignment]: ...


class BatchProgress(Protocol):
    """Told how a class folder's grading goes: once at the start, once per student, and
    once at the end (also when grading stops on an error)."""

    def start(self, total: int, folder: Path, seed: int, reports: Path,
              stored: bool = False) -> None: ...

    def advance(self) -> None: ...

    def stop(self) -> None: ...


class _Quiet:
    def start(self, total: int, folder: Path, seed: int, reports: Path,
              stored: bool = False) -> None:
        pass

    def advance(self) -> None:
        pass

    def stop(self) -> None:
        pass


@dataclass(frozen=True)
class GradeRequest:
    """What `mldrill grade` was asked: the path, the seed of the random inputs, and the
    options (`assignment`: only this one; `output`: the report file, or the gradebook of a
    folder; `key`: the key folder of answer files)."""

    path: Path
    seed: int
    assignment: str | None = None
    format: str = "text"
    output: Path | None = None
    jobs: int = 0
    key: Path | None = None
    # False: `seed` is a fresh random one; a class folder then reuses the seed stored with
    # its reports by an earlier run, so a re-run resumes instead of regrading everyone
    seed_given: bool = True

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise UsageError(f"--format must be text, json or gradescope, not "
                             f"'{self.format}'")


@dataclass(frozen=True)
class FileGraded:
    """One student's code: a file, or the submission folder of Gradescope's layout."""

    report: GradeReport
    reproduce: str  # the command that grades it again with the same inputs

    @property
    def outcome(self) -> Outcome:
        return self.report.outcome


@dataclass(frozen=True)
class ClassGraded:
    """A class folder: every student's report, and where the gradebook and reports are."""

    folder: Path
    seed: int
    gradebook: Path
    reports_dir: Path
    batch: BatchResult

    @property
    def outcome(self) -> Outcome:
        failed = any(e.outcome == "grader failure" for e in self.batch.entries)
        return "grader failure" if failed else "graded"


@dataclass(frozen=True)
class AnswerFileGraded:
    """One filled answer file of a sheet, and the key it was graded with."""

    grade: SheetGrade
    key: Path

    @property
    def outcome(self) -> str:
        return self.grade.outcome


@dataclass(frozen=True)
class AnswerFolderGraded:
    """A folder of answer files (a row each, whatever is in them) and its gradebook."""

    grades: list[SheetGrade]
    gradebook: Path

    @property
    def outcome(self) -> Outcome:
        failed = any(g.outcome == "grader failure" for g in self.grades)
        return "grader failure" if failed else "graded"


GradeRun: TypeAlias = FileGraded | ClassGraded | AnswerFileGraded | AnswerFolderGraded


def grade_path(request: GradeRequest, sources: Sources,
               progress: BatchProgress | None = None) -> GradeRun:
    """Grade what `request.path` is (see the module's docstring). Anything a submission
    does is a report; a UsageError is the caller's to fix (a missing path, no
    assignments, an unknown assignment, no key, colliding student ids)."""
    if is_answers(request.path):
        return _grade_answers(request, sources)
    if not os.path.lexists(request.path):
        raise UsageError(f"'{request.path}' does not exist")
    assignments = sources.assignments()
    if not assignments:
        raise UsageError("no coding assignments found in the banks")
    path, root = request.path, request.path.parent  # nothing below root is followed if a link
    if path.is_dir() and request.format == "gradescope":
        from mldrill.grade.submissions import find_submission

        me = find_submission(path, assignments, request.assignment)
        if me.path is None:
            from mldrill.grade.report import GradeReport

            report = GradeReport(str(path), request.seed, "not gradable",
                                 message=f"not gradable: {me.problem}")
            return FileGraded(report, _reproduce(request, path))
        root, path = path, me.path
    if path.is_dir():
        return _grade_class(request, path, assignments, sources, progress or _Quiet())
    from mldrill.grade.grader import grade_file

    report = grade_file(path, assignments, request.seed, only=request.assignment, root=root)
    return FileGraded(report, _reproduce(request, path))


def is_answers(path: Path) -> bool:
    """Whether `path` is a sheet's answer file, or a folder of them holding no code."""
    if path.is_dir():
        from mldrill.sheets.answers import has_answer_files

        return has_answer_files(path) and not any(path.glob("*.py")) and not any(
            path.glob("*/*.py"))
    return path.suffix in (".yaml", ".yml") and os.path.lexists(path)


def _reproduce(request: GradeRequest, path: Path) -> str:
    return (f"mldrill grade {clean_line(str(path))}"
            + (f" --assignment {request.assignment}" if request.assignment else "")
            + f" --seed {request.seed}")


def _grade_class(request: GradeRequest, folder: Path, assignments: list[Assignment],
                 sources: Sources, progress: BatchProgress) -> ClassGraded:
    from mldrill.grade.batch import find_students, grade_folder
    from mldrill.grade.gradebook import write_gradebook
    from mldrill.grade.grader import choose_by_name

    only = request.assignment
    if only is not None:
        choose_by_name(assignments, only)  # an unknown name is a usage error
    students = find_students(folder, assignments, only)  # colliding ids: a UsageError
    gradebook = request.output or Path(f"{folder.resolve().name}-grades.csv")
    reports_dir = gradebook.with_name(gradebook.stem + "-reports")
    seed, stored = request.seed, None if request.seed_given else read_class_seed(reports_dir)
    if stored is not None:
        seed = stored
    write_class_seed(reports_dir, seed)
    progress.start(len(students), folder, seed, reports_dir, stored=stored is not None)
    try:
        batch = grade_folder(folder, students, reports_dir, banks=list(sources.extra),
                             bundled=sources.bundled, seed=seed, only=only,
                             jobs=request.jobs, progress=lambda r: progress.advance())
    finally:
        progress.stop()
    write_gradebook(gradebook, [e.to_row() for e in batch.entries])
    return ClassGraded(folder, seed, gradebook, reports_dir, batch)


CLASS_SEED = "class-seed.txt"  # in the reports folder: the seed a re-run without --seed reuses


def read_class_seed(reports_dir: Path) -> int | None:
    """The class seed an earlier run stored beside its reports, or None (none, or not a
    plain whole number: then a fresh seed is used and stored)."""
    path = reports_dir / CLASS_SEED
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 64:
            return None
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() and len(text) <= 19 else None


def write_class_seed(reports_dir: Path, seed: int) -> None:
    from mldrill.grade.gradebook import write_atomic

    reports_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(reports_dir / CLASS_SEED, f"{seed}\n")


def _grade_answers(request: GradeRequest, sources: Sources
                   ) -> AnswerFileGraded | AnswerFolderGraded:
    from mldrill.grade.gradebook import write_gradebook
    from mldrill.sheets.answers import (
        find_key,
        grade_answer_file,
        grade_answer_folder,
        load_spec,
    )

    path = request.path
    single = not path.is_dir()
    key_dir = request.key or find_key(path if single else path / "x" / "answers.yaml")
    if key_dir is None:
        raise UsageError("give --key DIR/key: the key folder written by `mldrill sheet new`")
    spec = load_spec(key_dir)
    cat = sources.catalog()
    if single:
        return AnswerFileGraded(grade_answer_file(path, spec, cat, root=path.parent), key_dir)
    grades = grade_answer_folder(path, spec, cat)  # one bad file is one not-gradable row
    book = request.output or Path(f"{path.resolve().name}-grades.csv")
    write_gradebook(book, [g.to_row() for g in grades])
    return AnswerFolderGraded(grades, book)


# --------------------------------------------------------------------- export gradescope

@dataclass(frozen=True)
class AutograderWritten:
    """The Gradescope autograder zip written, and the assignment it grades."""

    path: Path
    assignment: str


def export_gradescope(sources: Sources, assignment: str, output: Path,
                      secret: str | None = None, force: bool = False) -> AutograderWritten:
    """Write the autograder zip of `assignment` (an unknown name is a UsageError) with
    the banks' problems and solutions inside. An existing `output` that is not an
    autograder zip is replaced only with `force`."""
    from mldrill.bank.catalog import bank_dirs
    from mldrill.grade.export import build_bundle
    from mldrill.grade.grader import choose_by_name
    from mldrill.overwrite import refuse_overwrite

    (chosen,) = choose_by_name(sources.assignments(), assignment)
    refuse_overwrite([output], force=force, what=f"export gradescope --output {output}",
                     ours=_is_autograder_zip)
    roots = [b.root for b in bank_dirs(sources.extra, bundled=sources.bundled)]
    return AutograderWritten(build_bundle(output, chosen, roots, secret), chosen.name)


def _is_autograder_zip(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return "run_autograder" in z.namelist()
    except (OSError, zipfile.BadZipFile):
        return False
