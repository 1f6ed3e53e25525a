"""Homework and exam sheets as data: which problems, and each student's variants.

- The problems of a sheet are the same for the whole class: `--problems` as given, or drawn
  from the selection with the sheet seed (topics taken in turn, as in `mldrill exam`).
- Each student's variant of question q is seeded by HMAC-SHA256(secret, "seed:student:q"):
  the instructor's secret (kept in DIR/key/) makes variants impossible to predict from a
  student id, and the grader recomputes a student's variants from the identity alone, so
  editing an answer file cannot switch variants. `shared` gives the whole room one variant.
- An answer file carries a token, HMAC(secret, "token:seed:student"), so an answer file
  edited to claim another identity is caught.
Nothing here writes files or prints (see `mldrill/sheets/render.py` and the CLI).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from mldrill.errors import UsageError
from mldrill.variants.generate import Variant, make_variant
from mldrill.variants.rng import VariantRNG

if TYPE_CHECKING:
    from mldrill.bank.catalog import Catalog
    from mldrill.bank.model import ProblemFamily

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}\Z")
SOLO = "student"  # the id of the one sheet written without a roster


@dataclass(frozen=True)
class Student:
    id: str
    name: str = ""


class StudentData(TypedDict):
    id: str
    name: str


class SheetData(TypedDict):
    """A SheetSpec as plain data (DIR/key/sheet.yaml)."""
    title: str
    seed: int
    problems: list[str]
    secret: str
    exam: bool
    minutes: float | None
    shared: bool
    students: list[StudentData]
    fingerprints: NotRequired[dict[str, list[str]]]


@dataclass(frozen=True)
class SheetSpec:
    """Everything needed to rebuild every student's sheet (saved as DIR/key/sheet.yaml)."""
    title: str
    seed: int
    problems: tuple[str, ...]          # family ids, in order
    secret: str
    exam: bool = False
    minutes: float | None = None
    shared: bool = False
    students: tuple[Student, ...] = field(default=(Student(SOLO),))
    # student id -> each question's answer fingerprint, as handed out (see fingerprint());
    # empty for a sheet made before fingerprints were kept
    fingerprints: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def to_data(self) -> SheetData:
        data: SheetData = {
            "title": self.title, "seed": self.seed, "problems": list(self.problems),
            "secret": self.secret, "exam": self.exam, "minutes": self.minutes,
            "shared": self.shared,
            "students": [{"id": s.id, "name": s.name} for s in self.students]}
        if self.fingerprints:
            data["fingerprints"] = {k: list(v) for k, v in self.fingerprints.items()}
        return data

    @classmethod
    def from_data(cls, data: object, where: str) -> SheetSpec:
        """The spec in `data`, parsed YAML of any shape (a wrong one is a UsageError naming
        `where`)."""
        d: Any = data  # indexed as a mapping; anything else raises below
        try:
            return cls(str(d["title"]), int(d["seed"]),
                       tuple(str(p) for p in d["problems"]), str(d["secret"]),
                       bool(d.get("exam", False)), d.get("minutes"),
                       bool(d.get("shared", False)),
                       tuple(Student(str(s["id"]), str(s.get("name") or ""))
                             for s in d.get("students") or [{"id": SOLO}]),
                       {str(k): tuple(str(x) for x in v)
                        for k, v in (d.get("fingerprints") or {}).items()})
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError(f"{where} is not a sheet description written by `mldrill sheet "
                             f"new` ({exc!r})") from None

    def student(self, sid: str) -> Student | None:
        return next((s for s in self.students if s.id == sid), None)


def _mac(secret: str, message: str) -> bytes:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()


def variant_seed(spec: SheetSpec, student: str, question: int) -> int:
    who = "*" if spec.shared else student
    return int.from_bytes(_mac(spec.secret, f"{spec.seed}:{who}:{question}")[:8],
                          "little") % 1_000_000_000


def token(spec: SheetSpec, student: str) -> str:
    return _mac(spec.secret, f"token:{spec.seed}:{student}").hex()[:12]


def token_ok(spec: SheetSpec, student: str, given: str) -> bool:
    return hmac.compare_digest(token(spec, student), str(given))


def fingerprint(variant: Variant) -> str:
    """What a question asks for, in short: its family and the reference answer of each part.
    Kept with the sheet when it is made and compared when it is graded, so a bank or an
    mldrill that now computes other answers for the same seed (a family edited or upgraded
    since the sheets were handed out) is caught instead of grading against numbers the
    student never saw."""
    h = hashlib.sha256(variant.family.id.encode())
    for part in variant.family.parts:
        h.update(b"\0" + part.name.encode() + b"\0" + variant.answer_text(part.name).encode())
    return h.hexdigest()[:16]


def changed_questions(spec: SheetSpec, student: str, qs: Sequence[Question]) -> list[int]:
    """The numbers of the questions whose answers differ from those handed out (none when
    the sheet kept no fingerprints for the student)."""
    kept = spec.fingerprints.get("*" if spec.shared else student)
    if not kept:
        return []
    return [q.number for q in qs
            if q.number > len(kept) or kept[q.number - 1] != fingerprint(q.variant)]


@dataclass(frozen=True)
class Question:
    number: int
    variant: Variant

    @property
    def points(self) -> float:
        return sum(p.points for p in self.variant.parts)


def questions(spec: SheetSpec, catalog: Catalog, student: str) -> list[Question]:
    """The student's questions, recomputed from the identity (never from an answer file)."""
    return [Question(i + 1, make_variant(catalog.get(pid), variant_seed(spec, student, i + 1),
                                         catalog.functions))
            for i, pid in enumerate(spec.problems)]


def choose_problems(families: Sequence[ProblemFamily], count: int, seed: int
                    ) -> tuple[str, ...]:
    """`count` distinct families (while they last), topics in turn, from the seed."""
    from mldrill.practice.exam import draw_families

    rng = VariantRNG("sheet", seed)
    return tuple(f.id for f in draw_families(families, count, rng, repeat=False))


def read_roster(path: Path) -> tuple[Student, ...]:
    """A CSV with an `id` column (and optionally `name`); every problem is reported with
    its line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read the roster {path}: {exc.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "id" not in fields:
        raise UsageError(f"{path}:1: the roster needs an 'id' column (found: "
                         f"{', '.join(reader.fieldnames or []) or 'nothing'})")
    students: list[Student] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        sid = row.get("id", "")
        if not sid:
            problems.append(f"{path}:{line}: empty id")
        elif not ID_RE.match(sid):
            problems.append(f"{path}:{line}: id '{sid}' must be letters, digits, '.', '_', "
                            "'-' or '@' (it names a folder)")
        elif sid == "key":
            problems.append(f"{path}:{line}: 'key' is reserved (DIR/key/ holds the keys)")
        elif sid in seen:
            problems.append(f"{path}:{line}: id '{sid}' repeats line {seen[sid]}")
        else:
            seen[sid] = line
            students.append(Student(sid, row.get("name", "")))
    if problems:
        raise UsageError("the roster has problems:\n  " + "\n  ".join(problems))
    if not students:
        raise UsageError(f"{path}: the roster has no students")
    return tuple(students)


def instructor_secret(home: Path) -> str:
    """This instructor's secret (created once, mode 600, in the data folder): sheets made
    on this account from the same seed and roster are the same, byte for byte, yet nobody
    without the secret can compute a student's variant."""
    import os
    import secrets as _secrets

    path = home / "instructor-secret"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    home.mkdir(parents=True, exist_ok=True)
    value = _secrets.token_hex(16)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(value + "\n")
    return value


def sheet_secret(base: str, seed: int) -> str:
    """The secret of one sheet, from the instructor's secret (or --secret) and the seed."""
    return _mac(base, f"sheet:{seed}").hex()[:32]
