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

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mldrill.answers.base import PartResult, check_part
from mldrill.errors import Diagnostic
from mldrill.sheets.build import SheetSpec, questions, token_ok


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

    @property
    def status(self) -> str:
        return self.result.status if self.result is not None else "unanswered"

    @property
    def score(self) -> float:
        return round((self.result.score if self.result else 0.0) * self.points, 6)

    def to_json(self) -> dict[str, Any]:
        r = self.result
        return {"question": self.question, "part": self.part, "problem_id": self.problem_id,
                "answer": self.answer, "status": self.status, "score": self.score,
                "max_score": self.points, "diagnosis": r.diagnosis if r else None,
                "messages": list(r.messages) if r else []}


@dataclass(frozen=True)
class SheetGrade:
    path: str
    student: str
    sheet: str
    outcome: str                      # graded | not gradable
    parts: tuple[PartGrade, ...] = ()
    message: str = ""
    warnings: tuple[str, ...] = field(default=())

    @property
    def score(self) -> float:
        return round(sum(p.score for p in self.parts), 6)

    @property
    def max_score(self) -> float:
        return round(sum(p.points for p in self.parts), 6)

    @property
    def gradable(self) -> bool:
        return self.outcome == "graded"

    def to_json(self) -> dict[str, Any]:
        return {"submission": self.path, "student": self.student, "sheet": self.sheet,
                "score": self.score, "max_score": self.max_score, "gradable": self.gradable,
                "outcome": self.outcome, "message": self.message,
                "warnings": list(self.warnings), "parts": [p.to_json() for p in self.parts]}

    def to_row(self) -> dict[str, Any]:
        """The gradebook's view (as mldrill.grade.batch.write_gradebook reads it)."""
        return {"student": self.student, "outcome": self.outcome, "score": self.score,
                "max_score": self.max_score,
                "tests": [{"name": f"Q{p.question} {p.part}", "score": p.score}
                          for p in self.parts]}

    def to_gradescope(self) -> dict[str, Any]:
        lines = [f"{self.sheet}: answers of {self.student}"]
        if self.message:
            lines.append(self.message)
        lines += list(self.warnings)
        return {"score": self.score, "output": "\n".join(lines), "visibility": "visible",
                "tests": [{"name": f"Q{p.question} {p.part}", "score": p.score,
                           "max_score": p.points,
                           "status": "passed" if p.status == "correct" else "failed",
                           "output": _explain(p), "visibility": "visible"}
                          for p in self.parts]}


def _explain(p: PartGrade) -> str:
    if p.result is None:
        return "no answer"
    return "; ".join([p.status, *p.result.messages])


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


def read_answer_file(path: Path, shown: str | None = None
                     ) -> tuple[dict[str, Any], dict[tuple[int, str], str | None]]:
    """(header: sheet, student, token; answers by (question, part)). Raises
    AnswerFileError with path:line:col for a file that is not an answer file."""
    shown = shown or str(path)
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AnswerFileError(Diagnostic(shown, 1, 1, "not UTF-8 text")) from None
    except OSError as exc:
        raise AnswerFileError(Diagnostic(shown, 1, 1, f"cannot read: {exc.strerror}")) from None
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        hint = "; quote an answer that contains ': ' or '#', e.g. dW: \"[1 2; 3 4]\""
        raise AnswerFileError(Diagnostic(shown, line, col, f"not valid YAML: {exc.problem}"
                                                            f"{hint}")) from None
    if not isinstance(root, yaml.MappingNode):
        raise AnswerFileError(Diagnostic(shown, 1, 1, "an answer file is a mapping with "
                                                      "sheet, student, token and answers"))
    header: dict[str, Any] = {}
    answers: dict[tuple[int, str], str | None] = {}
    for knode, vnode in root.value:
        key = knode.value
        if key in ("sheet", "student", "token"):
            header[key] = _text(vnode, source)
        elif key == "answers":
            if isinstance(vnode, yaml.ScalarNode) and _text(vnode, source) is None:
                continue
            if not isinstance(vnode, yaml.MappingNode):
                raise _mark(shown, vnode, "'answers' must map q1, q2, ... to the parts")
            for qk, qv in vnode.value:
                if not (qk.value.startswith("q") and qk.value[1:].isdigit()):
                    raise _mark(shown, qk, f"expected a question such as q1, got "
                                           f"'{qk.value}'")
                number = int(qk.value[1:])
                if isinstance(qv, yaml.ScalarNode) and _text(qv, source) is None:
                    continue
                if not isinstance(qv, yaml.MappingNode):
                    raise _mark(shown, qv, f"{qk.value} must map part names to answers")
                for pk, pv in qv.value:
                    answers[(number, str(pk.value))] = _text(pv, source)
        else:
            raise _mark(shown, knode, f"unknown key '{key}'; an answer file has sheet, "
                                      "student, token and answers")
    for k in ("student", "token"):
        if not header.get(k):
            raise AnswerFileError(Diagnostic(shown, 1, 1, f"the answer file has no '{k}:' "
                                                          "(copy it from the file handed out)"))
    return header, answers


# --------------------------------------------------------------------------- grading

def grade_answer_file(path: Path, spec: SheetSpec, catalog: Any, identity: str | None = None,
                      shown: str | None = None) -> SheetGrade:
    shown = shown or str(path)
    try:
        header, answers = read_answer_file(path, shown)
    except AnswerFileError as exc:
        return SheetGrade(shown, identity or "?", spec.title, "not gradable",
                          message=str(exc.diagnostic))
    claimed = str(header["student"])
    student = identity or claimed
    warnings: list[str] = []
    if identity is not None and claimed != identity:
        warnings.append(f"the file says student '{claimed}' but was handed in by "
                        f"'{identity}': graded as '{identity}'")
    elif not token_ok(spec, claimed, header["token"]):
        return SheetGrade(shown, claimed, spec.title, "not gradable",
                          message=f"the token does not match student '{claimed}': was the "
                                  "student line edited? Use the answer file handed out.")
    if spec.student(student) is None:
        return SheetGrade(shown, student, spec.title, "not gradable",
                          message=f"'{student}' is not on this sheet's roster")
    qs = questions(spec, catalog, student)
    known = {(q.number, p.name) for q in qs for p in q.variant.parts}
    extra = sorted(set(answers) - known)
    if extra:
        warnings.append("ignored: " + ", ".join(f"q{q} {p}" for q, p in extra))
    grades = []
    for q in qs:
        v = q.variant
        for p in v.family.parts:
            text = answers.get((q.number, p.name))
            result = check_part(p, text, v.context) if text is not None else None
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
    """(identity, file) for a class folder: `<id>/answers.yaml` or `<id>.yaml`."""
    out: list[tuple[str, Path]] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name == "key":
            continue
        if entry.is_dir():
            for name in ("answers.yaml", "answers.yml"):
                if (entry / name).is_file():
                    out.append((entry.name, entry / name))
                    break
        elif entry.suffix in (".yaml", ".yml"):
            out.append((entry.stem, entry))
    return out


def grade_answer_folder(folder: Path, spec: SheetSpec, catalog: Any,
                        ids: Sequence[str] | None = None) -> list[SheetGrade]:
    files = answer_files(folder)
    return [grade_answer_file(p, spec, catalog, identity=sid) for sid, p in files
            if ids is None or sid in ids]
