"""`mldrill sheet new` as one call: from the command's plain arguments to a written folder.

`make_sheets` checks the arguments against the catalog, builds the `SheetSpec` (the problems
given or drawn with the seed, the roster, the sheet's secret: see `build`), writes every
student's folder and the key (see `write`) and returns what it did as a `SheetsMade`, whose
`to_json` is the `sheet new --json` shape (documented in docs/sheets.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mldrill.errors import UsageError
from mldrill.practice.choose import split_words
from mldrill.sheets.build import (
    SOLO,
    SheetSpec,
    Student,
    choose_problems,
    instructor_secret,
    read_roster,
    sheet_secret,
    variant_seed,
)

if TYPE_CHECKING:
    from mldrill.bank.catalog import Catalog

SheetJSON = dict[str, object]


@dataclass(frozen=True)
class SheetRequest:
    """The arguments of `sheet new`. `problems` (ids in order) or else `topics` (as given:
    each may name several, comma-separated), `tags` and `difficulty` choose the questions
    (`count` of them, drawn with `seed`); `students` is a roster CSV (None: one sheet,
    'student'); `secret` None means this account's."""

    out: Path
    seed: int
    problems: tuple[str, ...] | None = None
    topics: tuple[str, ...] = ()
    count: int = 5
    students: Path | None = None
    title: str | None = None
    exam: bool = False
    minutes: float | None = None
    shared: bool = False
    difficulty: str | None = None
    force: bool = False  # replace the files of an earlier sheet in `out`
    tags: tuple[str, ...] = ()
    secret: str | None = None
    pdf: bool = True


@dataclass(frozen=True)
class SheetWritten:
    """One student's folder, and the seed of each of their questions' variants."""

    student: Student
    folder: Path
    variants: tuple[tuple[str, int], ...]  # (problem id, variant seed), question by question


@dataclass(frozen=True)
class SheetsMade:
    """What `make_sheets` wrote. `pdf_engine` is None when no PDF was compiled (not asked
    for, or no pdflatex); `pdf_errors` are the files that failed to compile."""

    out: Path
    spec: SheetSpec
    sheets: tuple[SheetWritten, ...]
    pdf: bool
    pdf_engine: str | None
    pdfs: int
    pdf_errors: tuple[str, ...] = field(default=())

    @property
    def key(self) -> Path:
        return self.out / "key"

    @property
    def warnings(self) -> list[str]:
        """What went wrong with the PDFs, as sentences (the sheets are written anyway)."""
        found = ["no pdflatex found: sheet.tex written, not compiled"] \
            if self.pdf and self.pdf_engine is None else []
        return found + [f"could not compile {err}" for err in self.pdf_errors]

    def to_json(self) -> SheetJSON:
        spec = self.spec
        return {
            "out": str(self.out), "key": str(self.key), "title": spec.title,
            "seed": spec.seed, "exam": spec.exam, "minutes": spec.minutes,
            "shared": spec.shared, "problems": list(spec.problems),
            "sheets": [{"student": s.student.id, "name": s.student.name,
                        "folder": str(s.folder),
                        "questions": [{"number": i, "problem": pid, "seed": seed}
                                      for i, (pid, seed) in enumerate(s.variants, 1)]}
                       for s in self.sheets],
            "pdf": {"requested": self.pdf, "engine": self.pdf_engine,
                    "compiled": self.pdfs},
            "warnings": self.warnings,
        }


def make_sheets(request: SheetRequest, catalog: Catalog, home: Path | None = None
                ) -> SheetsMade:
    """Write the sheets `request` asks for; `home` holds this account's secret (default:
    the data folder). Every check of the arguments is made before anything is written."""
    from mldrill.sheets.write import write_sheets

    spec = plan_sheet(request, catalog, home)
    done = write_sheets(spec, catalog, request.out, pdf=request.pdf, force=request.force)
    sheets = tuple(
        SheetWritten(student, folder, tuple((pid, variant_seed(spec, student.id, q))
                                            for q, pid in enumerate(spec.problems, 1)))
        for student, folder in zip(spec.students, done.folders, strict=True))
    return SheetsMade(request.out, spec, sheets, request.pdf, done.pdf_engine, done.pdfs,
                      tuple(done.pdf_errors))


def plan_sheet(request: SheetRequest, catalog: Catalog, home: Path | None = None
               ) -> SheetSpec:
    """The sheet's description from the arguments: an unknown problem, topic or tag, both
    --problems and --topics, nothing selected, --minutes without --exam or a bad roster
    is a UsageError (in that order)."""
    r = request
    if r.problems is not None:
        for pid in r.problems:
            catalog.get(pid)  # an unknown id is a usage error with suggestions
        if r.topics:
            raise UsageError("give --problems or --topics, not both")
        families = None
    else:
        families = catalog.select(split_words(r.topics), r.tags, r.difficulty)
        if not families:
            raise UsageError("no problems match the topics, tags and difficulty given")
    if r.minutes is not None and not r.exam:
        raise UsageError("--minutes is for exams: add --exam")
    ids = (r.problems or ()) if families is None else choose_problems(families, r.count,
                                                                      r.seed)
    roster = read_roster(r.students) if r.students else (Student(SOLO),)
    if r.secret is not None:
        base = r.secret
    else:
        from mldrill.progress.store import default_home

        base = instructor_secret(home or default_home())
    return SheetSpec(r.title or ("Exam" if r.exam else "Homework"), r.seed, ids,
                     sheet_secret(base, r.seed), r.exam, r.minutes, r.shared, roster)
