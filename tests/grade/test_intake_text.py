"""Student text never reaches the instructor raw: escape sequences, bidi overrides,
zero-width characters and lone surrogates from exception messages, printed output,
function names and file names are shown as visible escapes in the terminal, JSON,
Gradescope results and the CSV gradebook; rich markup in them is printed as typed; a CSV
cell a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import unicodedata
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mldrill.grade.gradebook import GradebookRow, write_gradebook
from mldrill.score import Score
from mldrill.text import clean, clean_data, clean_line, csv_cell

ROOT = Path(__file__).parents[2]
DRILLS = ROOT / "solutions" / "assignments" / "drills.py"
# What must never be in any output: C0 (but newline), DEL, C1, zero-width and bidi
# controls, the BOM, line/paragraph separators, lone surrogates.
BAD = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069"
                 "\ufeff\ud800-\udfff]")
FORMULA = tuple("=+-@\t\r")

HOSTILE = (
    "import numpy as np\n"
    "print('\\x1b[2J\\x1b[H\\x1b]0;pwned\\x07 score 24/24 (100%)')\n"
    "globals()['\\x1b[31mred\\u202e'] = lambda: 0\n"
    "def count_params(*args, **kwargs):\n"
    "    raise ValueError('\\x1b[2J\\x1b[1;1HPASS all 24/24\\r\\u202eevil\\u202c '\n"
    "                     '[bold red]MARKUP[/] \\x9b31m \\u200bzw \\x00 \\x7f')\n"
)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [*_strings(k), *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _assert_clean(text: str) -> None:
    found = BAD.search(text)
    assert found is None, f"raw {found.group()!r} at {found.start()}: " \
                          f"{text[max(0, found.start() - 60):found.end() + 20]!r}"


def test_hostile_messages_render_as_visible_escapes(grade, tmp_path) -> None:
    """A submission whose exception message clears the screen and draws a fake pass, with
    bidi overrides and rich markup: the text report shows it escaped (nothing raw), the
    markup as typed, and the real FAIL line; JSON and Gradescope output are clean too."""
    student = tmp_path / "hw.py"
    student.write_text(HOSTILE)
    text = grade(str(student), "-a", "drills", "--seed", "1")
    assert text.exit_code == 0, text.output
    _assert_clean(text.output)
    assert "FAIL count_params" in text.output
    assert "\\x1b[2J\\x1b[1;1HPASS all 24/24\\x0d\\u202eevil\\u202c [bold red]MARKUP[/]" \
        in text.output
    as_json = grade(str(student), "-a", "drills", "--seed", "1", "-f", "json")
    for s in _strings(json.loads(as_json.output)):
        _assert_clean(s)
    gs = grade(str(student), "-a", "drills", "--seed", "1", "-f", "gradescope")
    for s in _strings(json.loads(gs.output)):
        _assert_clean(s)


def test_function_names_and_import_errors_are_cleaned(grade, tmp_path) -> None:
    """The names a submission defines (listed when none is an assignment's) and an error
    raised at import are escaped in every format."""
    names = tmp_path / "names.py"
    names.write_text("globals()['\\x1b]8;;http://evil\\x07click\\u202e'] = lambda: 0\n")
    boom = tmp_path / "boom.py"
    boom.write_text("raise SystemError('\\x1b[2J\\x1bc reset \\u2066x\\u2069')\n")
    for path in (names, boom):
        for fmt in ("text", "json", "gradescope"):
            result = grade(str(path), "--seed", "1", "-f", fmt)
            assert result.exit_code == 1
            _assert_clean(result.output)
    data = json.loads(grade(str(names), "--seed", "1", "-f", "json").output)
    assert "\\x1b]8;;http://evil\\x07click\\u202e" in data["message"]


def test_batch_of_hostile_names_and_outputs(grade, tmp_path) -> None:
    """File names with escapes, newlines and formula starts: the terminal, each JSON report
    and every CSV cell are clean; formula-like cells start with a quote; the honest
    student's grade is intact; every student has a row."""
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(DRILLS, folder / "ada.py")
    (folder / "hw.py").write_text(HOSTILE)
    hostile_names = ["\x1b[2J\x1b[Hzed", '=HYPERLINK("http:evil","x")', "+1+cmd", "-2+3",
                     "@SUM(1)", "new\nline", "\u202eevil", "tab\tname"]
    for name in hostile_names:
        (folder / f"{name}.py").write_text("def conv2d(\n")
    book = tmp_path / "grades.csv"
    result = grade(str(folder), "-a", "drills", "--seed", "4", "-o", str(book), "-j", "2")
    assert result.exit_code == 0, result.output
    _assert_clean(result.output)
    raw = book.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert len(rows) == 1 + 2 + len(hostile_names)
    for row in rows:
        for cell in row:
            _assert_clean(cell)
            assert not cell.lstrip().startswith(FORMULA), cell
    ids = {r[0] for r in rows[1:]}
    assert {"ada", "hw", "\\x1b[2J\\x1b[Hzed", "'=HYPERLINK(\"http:evil\",\"x\")", "'+1+cmd",
            "'-2+3", "'@SUM(1)", "new\\x0aline", "\\u202eevil", "tab\\x09name"} == ids
    by = {r[0]: r for r in rows[1:]}
    assert by["ada"][-2] == by["ada"][-1]
    for report in book.with_name("grades-reports").glob("*.json"):
        for s in _strings(json.loads(report.read_text(encoding="utf-8"))):
            _assert_clean(s)


def test_gradebook_neutralises_every_cell() -> None:
    """Student ids, outcomes and test names starting with =, +, -, @, tab or CR (also after
    spaces) get a leading quote; numbers are written as numbers."""
    reports = [GradebookRow(s, "graded", Score(1.0, 2.0), ((n, Score(1.0, 1.0)),))
               for s, n in [("=1+1", "-x"), ("  @cmd", "+x"), ("\tx", "=y"), ("\r=z", "ok"),
                            ("\uff1dfull", "ok")]]
    path = Path(__import__("tempfile").mkdtemp()) / "book.csv"
    write_gradebook(path, reports)
    rows = list(csv.reader(path.open(newline="")))
    assert rows[0] == ["student", "outcome", "'-x", "'+x", "'=y", "ok", "total", "max"]
    assert [r[0] for r in rows[1:]] == ["'=1+1", "'  @cmd", "\\x09x", "\\x0d=z", "'\uff1dfull"]
    assert rows[1][2] == "1.0" and rows[1][-1] == "2.0"


# ---------------------------------------------------------------------------- properties

@given(st.text())
def test_clean_leaves_nothing_raw_and_is_idempotent(text: str) -> None:
    """Any text: cleaned, it has no control, format or surrogate character (but newline
    and tab), and cleaning it again changes nothing."""
    once = clean(text)
    assert all(ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp")
               for ch in once)
    assert clean(once) == once
    line = clean_line(text)
    assert "\n" not in line and "\t" not in line and clean_line(line) == line
    once.encode("utf-8")  # never a lone surrogate


@given(st.text())
def test_csv_cell_never_starts_a_formula(text: str) -> None:
    """Any text as a cell: it starts with a quote or with no formula character."""
    cell = csv_cell(text)
    assert cell.startswith("'") or not cell.lstrip().startswith(
        (*FORMULA, "\uff1d", "\uff0b", "\uff0d", "\uff20"))
    assert "\n" not in cell and "\r" not in cell


def test_clean_keeps_ordinary_text() -> None:
    """Accents, CJK, emoji, maths, non-breaking spaces, newlines and tabs stay as typed."""
    text = "café 数学 🙂 ∂L/∂W ≤ 1\u00a0kg\n\tindent"
    assert clean(text) == text
    assert clean("a\r\nb") == "a\nb" and clean_line("a\r\nb") == "a\\x0d\\x0ab"
    assert clean_data({"k\x1b": ["\x1b", 1, None]}) == {"k\\x1b": ["\\x1b", 1, None]}
