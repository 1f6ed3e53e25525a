"""The exam-attempts file: what `mldrill history --export FILE --student ID` writes from a
student's progress store, and what `mldrill report` reads from a folder of them.

The format (version 1; documented in docs/report.md):

    {"format": "mldrill-exam-attempts", "version": 1, "student": "<id>",
     "exported_at": "<ISO time>",
     "exams": [{"session": <int>, "started_at": "<ISO time of its first answer>",
                "attempts": [{"problem_id": str, "topic": str, "seed": int, "part": str,
                              "answer": str, "status": "correct|incorrect|invalid|unanswered",
                              "score": <0..1, the fraction of the part's points>,
                              "points": <the part's points>, "diagnosis": str|null}]}]}

Exams are listed oldest first; the report reads each student's latest exam.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from mldrill.record import replace
from mldrill.report.model import Response, StudentRecord
from mldrill.report.read_json import (
    PART_STATUSES,
    field,
    mapping,
    number,
    optional_text,
)
from mldrill.text import clean_line

FORMAT = "mldrill-exam-attempts"
VERSION = 1
_KEYS = ("problem_id", "topic", "seed", "part", "answer", "status", "score", "points",
         "diagnosis")


def export_exams(rows: Sequence[Mapping[str, object]], student: str, now: str
                 ) -> dict[str, object]:
    """The export of `student`'s exam attempts (`rows`: the store's attempts, any order;
    those not in an exam are left out)."""
    sessions: dict[int, list[Mapping[str, object]]] = {}
    for r in rows:
        sid = r.get("session_id")
        if r.get("mode") == "exam" and isinstance(sid, int):
            sessions.setdefault(sid, []).append(r)
    exams = []
    for sid, attempts in sessions.items():
        attempts = sorted(attempts, key=lambda a: (str(a.get("created_at")), _id(a)))
        exams.append({"session": sid, "started_at": str(attempts[0].get("created_at")),
                      "attempts": [{k: a.get(k) for k in _KEYS} for a in attempts]})
    exams.sort(key=lambda e: (str(e["started_at"]), int(str(e["session"]))))
    return {"format": FORMAT, "version": VERSION, "student": student, "exported_at": now,
            "exams": exams}


def _id(row: Mapping[str, object]) -> int:
    value = row.get("id")
    return value if isinstance(value, int) else 0


def is_export(data: object) -> bool:
    return isinstance(data, dict) and data.get("format") == FORMAT


def exam_student(data: object) -> StudentRecord:
    """A student's latest exam from an export; ValueError if it is not one (or a newer
    version than this mldrill reads)."""
    d = mapping(data)
    if d.get("format") != FORMAT or d.get("version") != VERSION:
        raise ValueError(f"not a {FORMAT} file of version {VERSION}")
    student = field(d, "student", str)
    exams = field(d, "exams", list)
    if not exams:
        return StudentRecord(student, "not gradable", (), "no exam in the export")
    latest = mapping(exams[-1], "an exam")
    attempts = [_attempt(mapping(a, "an attempt")) for a in field(latest, "attempts", list)]
    return StudentRecord(student, "graded", _numbered(attempts))


def _numbered(attempts: list[Response]) -> tuple[Response, ...]:
    """A paper can hold a problem twice (with new numbers): its second sitting of a part
    is item "<problem> <part> #2", and so on."""
    seen: dict[str, int] = {}
    out = []
    for r in attempts:
        n = seen[r.item] = seen.get(r.item, 0) + 1
        out.append(r if n == 1 else replace(r, item=f"{r.item} #{n}"))
    return tuple(out)


def _attempt(a: Mapping[str, object]) -> Response:
    problem, part = field(a, "problem_id", str), field(a, "part", str)
    points = number(a, "points")
    status = a.get("status")
    if status not in PART_STATUSES:
        raise ValueError(f"'status' must be one of {', '.join(PART_STATUSES)}")
    answer = optional_text(a, "answer")
    return Response(f"{problem} {part}", problem, field(a, "topic", str), str(status),
                    round(number(a, "score", 0.0, 1.0) * points, 6), points,
                    answer or None, optional_text(a, "diagnosis"))


def write_export(path: Path, student: str | None,
                 rows: Sequence[Mapping[str, object]], force: bool = False) -> ExamsExported:
    """Write the export of `rows` (the store's exam attempts) for `student` to `path`; a
    file there that is not an earlier export is replaced only with `force`."""
    from mldrill.errors import UsageError
    from mldrill.grade.gradebook import write_atomic
    from mldrill.progress.store import now_iso

    if not student or not student.strip():
        raise UsageError("give --student ID: your id on the class roster")
    data = export_exams([dict(r) for r in rows], clean_line(student.strip()), now_iso())
    exams = data["exams"]
    from mldrill.overwrite import refuse_overwrite, starts_with_marker

    refuse_overwrite([path], force=force, what=f"history --export {path}",
                     ours=starts_with_marker(f'"{FORMAT}"'.encode()))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(data, indent=1))
    return ExamsExported(path, len(exams) if isinstance(exams, list) else 0)


@dataclass(frozen=True)
class ExamsExported:
    path: Path
    exams: int
