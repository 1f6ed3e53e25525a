"""Grade a filled answer file (answers.yaml) against the student's own variants.

- The answer text of each part is taken as the student typed it: a plain or quoted scalar
  as its value, a flow list such as `[[1, 2], [3, 4]]` as its source text, so every answer
  goes through the same checkers and diagnoses as in practice.
- The student's variants are recomputed from the identity and the sheet's secret, never
  read from the file: answers copied from another student's variant are graded as wrong.
- The identity is the file's `student:` checked against its `token:`, or the identity
  given by the caller (a batch folder's name, Gradescope's roster), which must agree.
- Blank parts score zero; unreadable answers are reported as such and score zero.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from mldrill.answers.base import PartResult
from mldrill.answers.follow import judge
from mldrill.errors import Diagnostic
from mldrill.grade.gradebook import GradebookRow
from mldrill.grade.gradescope import GradescopeTest, results_json
from mldrill.grade.report import Outcome
from mldrill.grade.submissions import (
    NotGradable,
    read_source,
    refuse_collisions,
    student_id,
)
from mldrill.record import replace
from mldrill.score import DIGITS, Score, total
from mldrill.sheets.build import SheetSpec, changed_questions, questions, token_ok
from mldrill.text import clean, clean_line

if TYPE_CHECKING:
    from mldrill.bank.catalog import Catalog

MAX_ANSWER_BYTES = 128 << 10   # a few KiB is usual; YAML is slow to read past this
MAX_DEPTH = 32                 # answers nest a few levels (a matrix in a question)
_QUESTION = re.compile(r"q([0-9]{1,6})")


class AnswerFileError(Exception):
    """The answer file cannot be read; `diagnostic` says where (path:line:col)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class PartGrade:
    question: int
    part: str
    points: float
    answer: str | None
    result: PartResult | None
    problem_id: str

    def __post_init__(self) -> None:  # what the student typed is shown only cleaned
        object.__setattr__(self, "part", clean_line(self.part))
        if self.answer is not None:
            object.__setattr__(self, "answer", clean(self.answer))
        r = self.result
        if r is not None:
            object.__setattr__(self, "result", replace(
                r, messages=tuple(clean(m) for m in r.messages),
                revealing=tuple(clean(m) for m in r.revealing),
                read_as=None if r.read_as is None else clean(r.read_as)))

    @property
    def status(self) -> str:
        return self.result.status if self.result is not None else "unanswered"

    @property
    def score(self) -> Score:
        """The verdict's credit in this part's points (to 6 decimals)."""
        credit = self.result.credit if self.result else 0.0
        return Score(round(credit * self.points, DIGITS), self.points)

    @property
    def column(self) -> str:
        """Its name in the gradebook and on Gradescope."""
        return f"Q{self.question} {self.part}"

    def to_json(self) -> dict[str, object]:
        r = self.result
        return {"question": self.question, "part": self.part, "problem_id": self.problem_id,
                "answer": self.answer, "status": self.status, "score": self.score.points,
                "max_score": self.points, "diagnosis": r.diagnosis if r else None,
                "messages": list(r.shown) if r else [],
                "follow_through": r.follow_through.to_json() if r and r.follow_through
                else None}


@dataclass(frozen=True)
class SheetGrade:
    path: str
    student: str
    sheet: str
    outcome: Outcome
    parts: tuple[PartGrade, ...] = ()
    message: str = ""
    warnings: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:  # names and messages may quote the student's file
        for name in ("path", "student", "sheet"):
            object.__setattr__(self, name, clean_line(getattr(self, name)))
        object.__setattr__(self, "message", clean(self.message))
        object.__setattr__(self, "warnings", tuple(clean(w) for w in self.warnings))

    @property
    def score(self) -> Score:
        """The parts' scores added up (0 out of 0 when none was graded)."""
        return total(p.score for p in self.parts)

    @property
    def gradable(self) -> bool:
        return self.outcome == "graded"

    def to_json(self) -> dict[str, object]:
        score = self.score
        return {"submission": self.path, "student": self.student, "sheet": self.sheet,
                "score": score.points, "max_score": score.max_points,
                "gradable": self.gradable, "outcome": self.outcome, "message": self.message,
                "warnings": list(self.warnings), "parts": [p.to_json() for p in self.parts]}

    def to_row(self) -> GradebookRow:
        """The gradebook's row (see mldrill.grade.gradebook)."""
        return GradebookRow(self.student, self.outcome, self.score,
                            tuple((p.column, p.score) for p in self.parts))

    def to_gradescope(self) -> dict[str, object]:
        lines = [f"{self.sheet}: answers of {self.student}"]
        if self.message:
            lines.append(self.message)
        lines += list(self.warnings)
        tests = [GradescopeTest(p.column, p.score, p.status == "correct", _explain(p))
                 for p in self.parts]
        return results_json(self.score, lines, tests)


def _explain(p: PartGrade) -> str:
    if p.result is None:
        return "no answer"
    return "; ".join([p.status, *p.result.shown])


# --------------------------------------------------------------------------- reading

def _mark(path: str, node: yaml.Node, message: str) -> AnswerFileError:
    m = node.start_mark
    return AnswerFileError(Diagnostic(path, m.line + 1, m.column + 1, message))


def _text(node: yaml.Node, source: str) -> str | None:
    """What the student typed for one part (None: left blank)."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:null" or (node.style is None and node.value in
                                                     ("", "~", "null", "Null", "NULL")):
            return None
        return node.value.strip() or None
    raw = source[node.start_mark.index:node.end_mark.index]
    return raw.strip() or None


def _decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise AnswerFileError(Diagnostic(shown, line, col, "not UTF-8 text (byte "
                                                          f"0x{data[exc.start]:02x}): save "
                                                          "the file as UTF-8")) from None


def _compose(source: str, shown: str) -> yaml.Node | None:
    from mldrill.bank.yamlsrc import YamlLoadError, check_shape

    try:
        check_shape(source, shown, max_depth=MAX_DEPTH, aliases=False, tags=False)
    except YamlLoadError as exc:
        raise AnswerFileError(exc.diagnostic) from None
    try:
        return yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        hint = "; quote an answer that contains ': ' or '#', e.g. dW: \"[1 2; 3 4]\""
        raise AnswerFileError(Diagnostic(shown, line, col, f"not valid YAML: {exc.problem}"
                                                            f"{hint}")) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, ...)
        before = source[: max(0, exc.position)]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        raise AnswerFileError(Diagnostic(shown, line, col, "not a text file: character "
                                                          f"#x{exc.character:04x} is not "
                                                          "allowed")) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise AnswerFileError(Diagnostic(shown, 1, 1, f"not valid YAML: {exc}")) from None


def _pairs(shown: str, node: yaml.MappingNode, what: str
           ) -> list[tuple[str, yaml.Node, yaml.Node]]:
    """(key, key node, value node) of a mapping whose keys are names, none repeated."""
    out: list[tuple[str, yaml.Node, yaml.Node]] = []
    seen: dict[str, int] = {}
    for knode, vnode in node.value:
        if not isinstance(knode, yaml.ScalarNode):
            raise _mark(shown, knode, f"expected {what}, got a {knode.id}")
        key = str(knode.value)
        if key in seen:
            raise _mark(shown, knode, f"'{clean_line(key)[:40]}' is given twice (first at "
                                      f"line {seen[key]})")
        seen[key] = knode.start_mark.line + 1
        out.append((key, knode, vnode))
    return out


def _answers(shown: str, node: yaml.Node, source: str
             ) -> dict[tuple[int, str], str | None]:
    """The `answers:` mapping: q1, q2, ... each mapping part names to answers (a blank
    question or a blank section: nothing answered)."""
    answers: dict[tuple[int, str], str | None] = {}
    if isinstance(node, yaml.ScalarNode) and _text(node, source) is None:
        return answers
    if not isinstance(node, yaml.MappingNode):
        raise _mark(shown, node, "'answers' must map q1, q2, ... to the parts")
    for qname, qk, qv in _pairs(shown, node, "a question such as q1"):
        m = _QUESTION.fullmatch(qname)
        if m is None:
            raise _mark(shown, qk, "expected a question such as q1, got "
                                   f"'{clean_line(qname)[:40]}'")
        number = int(m.group(1))
        if isinstance(qv, yaml.ScalarNode) and _text(qv, source) is None:
            continue
        if not isinstance(qv, yaml.MappingNode):
            raise _mark(shown, qv, f"{qname} must map part names to answers")
        for part, pk, pv in _pairs(shown, qv, "a part name"):
            name = clean_line(part)
            if (number, name) in answers:
                raise _mark(shown, pk, f"q{number} {name} is answered twice")
            text = _text(pv, source)
            answers[(number, name)] = None if text is None else clean(text)
    return answers


def read_answer_file(path: Path, shown: str | None = None, root: Path | None = None
                     ) -> tuple[dict[str, str | None], dict[tuple[int, str], str | None]]:
    """(header: sheet, student, token; answers by (question, part)), every text cleaned.
    The file is read with `read_source` (never through a link below `root`, default its
    folder; at most MAX_ANSWER_BYTES). Raises NotGradable for a file that cannot be read
    that way, AnswerFileError with path:line:col for one that is not an answer file."""
    shown = clean_line(shown or str(path))
    source = _decode(read_source(path, root, limit=MAX_ANSWER_BYTES), shown)
    top = _compose(source, shown)
    if not isinstance(top, yaml.MappingNode):
        raise AnswerFileError(Diagnostic(shown, 1, 1, "an answer file is a mapping with "
                                                      "sheet, student, token and answers"))
    header: dict[str, str | None] = {}
    answers: dict[tuple[int, str], str | None] = {}
    for key, knode, vnode in _pairs(shown, top, "a key such as student or answers"):
        if key in ("sheet", "student", "token"):
            value = _text(vnode, source)
            header[key] = None if value is None else clean_line(value)
        elif key == "answers":
            answers = _answers(shown, vnode, source)
        else:
            raise _mark(shown, knode, f"unknown key '{clean_line(key)[:40]}'; an answer "
                                      "file has sheet, student, token and answers")
    for k in ("student", "token"):
        if not header.get(k):
            raise AnswerFileError(Diagnostic(shown, 1, 1, f"the answer file has no '{k}:' "
                                                          "(copy it from the file handed out)"))
    return header, answers


# --------------------------------------------------------------------------- grading

def grade_answer_file(path: Path, spec: SheetSpec, catalog: Catalog, identity: str | None = None,
                      shown: str | None = None, root: Path | None = None) -> SheetGrade:
    """Grade one answer file; never raises for anything in the file (a bug met while
    grading it is this file's grader failure, so a folder of files is always graded)."""
    shown = shown or str(path)
    try:
        return _grade_one_file(path, spec, catalog, identity, shown, root)
    except Exception as exc:  # noqa: BLE001  (one file never stops a folder)
        return SheetGrade(shown, identity or "?", spec.title, "grader failure",
                          message=f"grader failure (not the student's fault): {exc!r}")


def _grade_one_file(path: Path, spec: SheetSpec, catalog: Catalog, identity: str | None,
                    shown: str, root: Path | None) -> SheetGrade:
    try:
        header, answers = read_answer_file(path, shown, root)
    except NotGradable as exc:
        return SheetGrade(shown, identity or "?", spec.title, "not gradable",
                          message=exc.message)
    except AnswerFileError as exc:
        return SheetGrade(shown, identity or "?", spec.title, "not gradable",
                          message=str(exc.diagnostic))
    claimed, token = str(header["student"]), str(header["token"])
    student = identity or claimed
    warnings: list[str] = []
    if identity is not None and claimed != identity:
        warnings.append(f"the file says student '{claimed}' but was handed in by "
                        f"'{identity}': graded as '{identity}'")
    elif not (token.isascii() and token_ok(spec, claimed, token)):
        return SheetGrade(shown, claimed, spec.title, "not gradable",
                          message=f"the token does not match student '{claimed}': was the "
                                  "student line edited? Use the answer file handed out.")
    if spec.student(student) is None:
        return SheetGrade(shown, student, spec.title, "not gradable",
                          message=f"'{student}' is not on this sheet's roster")
    qs = questions(spec, catalog, student)
    changed = changed_questions(spec, student, qs)
    if changed:
        listed = ", ".join(f"{n} ({qs[n - 1].variant.family.id})" for n in changed)
        return SheetGrade(shown, student, spec.title, "not gradable", message=(
            f"question{'s' if len(changed) > 1 else ''} {listed} no longer "
            f"ha{'ve' if len(changed) > 1 else 's'} the answers handed out: the problem bank "
            "or mldrill changed since `mldrill sheet new` made this sheet. Grade with the "
            "mldrill and bank that made it (nothing was graded against numbers the student "
            "never saw)."))
    known = {(q.number, p.name) for q in qs for p in q.variant.parts}
    extra = sorted(set(answers) - known)
    if extra:
        warnings.append("ignored: " + ", ".join(f"q{q} {p}" for q, p in extra))
    grades = []
    for q in qs:
        v = q.variant
        given = {p.name: answers.get((q.number, p.name)) for p in v.family.parts}
        for p in v.family.parts:
            text = given[p.name]
            result = judge(v.family, p, text, v.context, given) if text is not None else None
            grades.append(PartGrade(q.number, p.name, p.points, text, result, v.family.id))
    return SheetGrade(shown, student, spec.title, "graded", tuple(grades),
                      warnings=tuple(warnings))


def load_spec(key_dir: Path) -> SheetSpec:
    from mldrill.errors import UsageError

    path = key_dir / "sheet.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        raise UsageError(f"no sheet description at {path}: give --key DIR/key, the key "
                         "folder `mldrill sheet new` wrote") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{path} is not valid YAML: {exc}") from None
    return SheetSpec.from_data(data, str(path))


def find_key(answer_path: Path) -> Path | None:
    """DIR/key for DIR/<id>/answers.yaml (the layout `sheet new` writes), if it exists."""
    for up in (answer_path.parent.parent, answer_path.parent):
        if (up / "key" / "sheet.yaml").is_file():
            return up / "key"
    return None


def answer_files(folder: Path) -> list[tuple[str, Path]]:
    """(identity, file) for a class folder: `<id>/answers.yaml` (or .yml) or `<id>.yaml`.
    Nothing is followed: a link stays a row whose reading names it; a student folder
    without an answer file is a row whose file does not exist. Raises UsageError when two
    entries would be graded as the same student."""
    out = _entries(folder)
    refuse_collisions((sid, shown) for sid, _, shown in out)
    return [(sid, path) for sid, path, _ in out]


def _entries(folder: Path) -> list[tuple[str, Path, str]]:
    """(identity, file, entry as shown) of each student of an answers folder."""
    out: list[tuple[str, Path, str]] = []
    with os.scandir(folder) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        name = entry.name
        if name.startswith(".") or name == "key":
            continue
        stem, suffix = os.path.splitext(name)
        if suffix in (".yaml", ".yml") and not entry.is_dir(follow_symlinks=False):
            out.append((student_id(stem), folder / name, clean_line(name)))
        elif entry.is_symlink():  # never followed to see what it is, never dropped
            out.append((student_id(name), folder / name, clean_line(name)))
        elif entry.is_dir(follow_symlinks=False):
            inside = [f for f in ("answers.yaml", "answers.yml")
                      if os.path.lexists(folder / name / f)]
            out.append((student_id(name), folder / name / (inside or ["answers.yaml"])[0],
                        clean_line(name) + "/"))
    return out


def has_answer_files(folder: Path) -> bool:
    """Whether `folder` holds answer files (rather than students' code)."""
    return any(os.path.lexists(p) for _, p, _ in _entries(folder))


def grade_answer_folder(folder: Path, spec: SheetSpec, catalog: Catalog,
                        ids: Sequence[str] | None = None) -> list[SheetGrade]:
    """A grade per entry of `folder` (see answer_files), each read below `folder` without
    following a link; one file never stops the others."""
    files = answer_files(folder)
    return [grade_answer_file(p, spec, catalog, identity=sid, root=folder) for sid, p in files
            if ids is None or sid in ids]
