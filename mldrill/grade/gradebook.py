"""A class's results on disk: the gradebook CSV and the batch JSON, from typed values.

Both batches (students' code, `mldrill.grade.batch`; answer files,
`mldrill.sheets.answers`) hand over one `GradebookRow` per student for the CSV and a
report per student (anything with `to_json`) for the JSON; these writers are the only
place either format is decided.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from mldrill.score import Score
from mldrill.text import csv_cell


@dataclass(frozen=True)
class GradebookRow:
    """One student's row: a score per test (or part) by column name, and the total."""

    student: str
    outcome: str
    total: Score
    tests: tuple[tuple[str, Score], ...] = ()


class StudentReport(Protocol):
    """A batch's report on one student, as the batch JSON lists it."""

    def to_json(self) -> dict[str, object]: ...


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so a reader sees the old file or the whole new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_gradebook(path: Path, rows: Sequence[GradebookRow]) -> list[str]:
    """One row per student, a column per test (in the order first seen) and the total and
    max (max left blank when there was nothing to score). Every text cell is cleaned and
    neutralised so a spreadsheet never runs it as a formula (`csv_cell`)."""
    columns: list[str] = []
    for r in rows:
        for name, _ in r.tests:
            if name not in columns:
                columns.append(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = io.StringIO(newline="")
    w = csv.writer(text)
    w.writerow([csv_cell(c) for c in ["student", "outcome", *columns, "total", "max"]])
    for r in rows:
        scores = {name: s.points for name, s in r.tests}
        w.writerow([csv_cell(c) for c in [r.student, r.outcome,
                                          *[scores.get(c, "") for c in columns],
                                          r.total.points, r.total.max_points or ""]])
    write_atomic(path, text.getvalue())
    return columns


def batch_json(gradebook: Path, reports: Sequence[StudentReport],
               seed: int | None = None) -> dict[str, object]:
    """What `grade FOLDER --format json` prints: the seed (code only), where the gradebook
    is, and every student's report."""
    data: dict[str, object] = {} if seed is None else {"seed": seed}
    data["gradebook"] = str(gradebook)
    data["reports"] = [r.to_json() for r in reports]
    return data
