"""A Jupyter notebook (.ipynb) as the Python to grade, every line traced to its cell.

A notebook is read with `nbformat` (any version it converts to v4; list or string cell
sources alike), in memory, from bytes already read safely (`submissions.read_source`).
What is run in the sandbox is built from its code cells, in order:
- IPython-only lines are dropped, never run: `%magic`, `!shell`, `x = !cmd`, `name?`,
  `?name`, and whole `%%cell magic` cells. Python never starts a statement with `%`, `!`
  or `?`, so a cell is only rewritten when it does not parse as it is; each such line
  becomes `pass` at its own indentation (a line inside a multi-line string is kept).
- `definitions` (the default): only imports, function and class definitions, bare string
  constants and assignments of literal constants (`EPS = 1e-8`, which functions read as
  globals: a literal cannot run anything) are
  taken, via `ast`; top-level code (training a model for ten minutes, plotting, calls) is
  left out, and the report says which lines. An import that fails in the sandbox (a
  module only the student's machine has, e.g. `from cs231n.data_utils import *`) is
  skipped, not fatal: a function that needs it fails its own tests. An assignment opts
  into `cells`: every code cell is run whole, in order (IPython lines still dropped).
- Every generated line remembers its (cell, line), so errors and tracebacks say "cell N,
  line M" (cells are numbered from 1 over all cells, as they appear in the notebook).
A syntax error in any code cell makes the notebook not gradable, naming the cell and line.
"""

from __future__ import annotations

import ast
import io
import json
import logging
import re
import tokenize
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from mldrill.grade.submissions import MAX_BYTES, NotGradable
from mldrill.text import clean_line

NOTEBOOK_BYTES = 32 << 20      # a notebook file larger than this is refused (outputs count)
MAX_CELLS = 20_000             # cells in one notebook
MAX_NOTES = 40                 # left-out lines listed in a report (then "and N more")
Mode = Literal["definitions", "cells"]
MODES: tuple[Mode, ...] = ("definitions", "cells")

# an IPython line, at the start of a statement: %magic, !shell, x = !cmd / %magic, ?name
_ESCAPE = re.compile(r"[ \t]*(?:[%!?]|[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*"
                     r"[ \t]*=[ \t]*[%!])")
_HELP = re.compile(r"[ \t]*\??[A-Za-z_][\w.*\[\]()]*\?{1,2}[ \t]*")   # np.dot? / obj.x??


@dataclass(frozen=True)
class Cell:
    """A code cell: its number (from 1, over all cells) and its source text."""

    number: int
    source: str


@dataclass(frozen=True)
class NotebookCode:
    """The Python built from a notebook, and where each of its lines came from."""

    source: bytes
    places: tuple[tuple[int, int], ...]   # line i + 1 of `source` -> (cell, line in cell)
    cells: tuple[int, ...]                # the cells whose code is graded
    left_out: tuple[str, ...]             # what was not run, in words
    mode: Mode
    defined: frozenset[str]               # functions and classes defined at top level
    label: str = "cell"

    def where(self, line: int) -> str:
        """'cell N, line M' for line `line` of the generated source."""
        if 1 <= line <= len(self.places):
            cell, at = self.places[line - 1]
            return f"{self.label} {cell}, line {at}"
        return f"line {line}"

    def relocate(self, text: str, name: str, shown: str) -> str:
        """`text` (a traceback or message about the file `name` run in the sandbox) with
        every `File "name", line L` pointing at the notebook's cell and line instead."""
        pattern = re.compile(r'File "' + re.escape(name) + r'", line (\d+)')
        return pattern.sub(lambda m: f'File "{shown}", {self.where(int(m.group(1)))}', text)


# ------------------------------------------------------------------------------ reading

def read_cells(data: bytes, shown: str) -> list[Cell]:
    """The code cells of the notebook whose file bytes are `data`; NotGradable, saying
    why, for anything that is not a notebook."""
    import nbformat

    text = _decode(data, shown)
    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise NotGradable(f"{shown} is not a notebook: it is not valid JSON ({_why(exc)})"
                          ) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("nbformat"), int):
        raise NotGradable(f"{shown} is not a Jupyter notebook (it is JSON, but has no "
                          "nbformat version)")
    del raw
    logger = logging.getLogger("traitlets")  # nbformat logs a schema warning there
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():  # e.g. cells without ids (nbformat 4.4): still read
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001  (nbformat raises many kinds for a non-notebook)
        raise NotGradable(f"{shown} is not a Jupyter notebook ({_why(exc)})") from None
    finally:
        logger.setLevel(level)
    return _code_cells(nb, shown)


def _why(exc: BaseException) -> str:
    return clean_line(str(exc) or type(exc).__name__)[:200]


def _decode(data: bytes, shown: str) -> str:
    """JSON text: UTF-8 (a BOM allowed), or UTF-16/32 as JSON allows."""
    try:
        return data.decode(json.detect_encoding(data)).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise NotGradable(f"{shown} is not a notebook: it is not UTF-8 text (byte "
                          f"{exc.start}); save it again from Jupyter") from None


def _code_cells(nb: object, shown: str) -> list[Cell]:
    cells = getattr(nb, "cells", None) if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise NotGradable(f"{shown} is not a Jupyter notebook (it has no list of cells)")
    if len(cells) > MAX_CELLS:
        raise NotGradable(f"{shown} has more than {MAX_CELLS} cells: submit only your work")
    out: list[Cell] = []
    for i, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise NotGradable(f"{shown}: cell {i} has no readable source")
        out.append(Cell(i, source))
    return out


# ------------------------------------------------------------------------ IPython lines

def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _ast(text: str) -> ast.Module:
    """The cell's syntax tree; top-level `await` is allowed, as in Jupyter."""
    tree = compile(text, "<cell>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
                   dont_inherit=True)
    assert isinstance(tree, ast.Module)
    return tree


def _parses(text: str) -> bool:
    try:
        _ast(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _is_ipython(line: str) -> bool:
    return bool(_ESCAPE.match(line) or _HELP.fullmatch(line))


def without_ipython(text: str) -> tuple[list[str], list[tuple[int, str]]]:
    """The cell's lines with its IPython lines replaced by `pass`, and (line, text) of each
    replaced line. A `%%` cell magic drops the whole cell."""
    lines = _lines(text)
    first = next((ln for ln in lines if ln.strip()), "")
    if first.lstrip().startswith("%%"):
        return [""] * len(lines), [(i, ln) for i, ln in enumerate(lines, 1) if ln.strip()]
    if _parses("\n".join(lines)):
        return lines, []
    dropped: list[int] = []
    i = 0
    while i < len(lines):
        if _is_ipython(lines[i]):
            start = i
            while lines[i].rstrip().endswith("\\") and i + 1 < len(lines):
                i += 1  # a magic continued on the next line
            dropped.extend(range(start, i + 1))
        i += 1
    new = list(lines)
    gone = set(dropped)
    for i in dropped:
        indent = len(new[i]) - len(new[i].lstrip(" \t"))
        new[i] = "" if i - 1 in gone else new[i][:indent] + "pass"
    kept = _inside_strings(new)
    for i in dropped:
        if i + 1 in kept:
            new[i] = lines[i]
    return new, [(i + 1, lines[i]) for i in dropped if i + 1 not in kept]


def _inside_strings(lines: list[str]) -> set[int]:
    """Line numbers strictly inside a multi-line string (not its first line)."""
    inside: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline):
            if tok.type == tokenize.STRING and tok.end[0] > tok.start[0]:
                inside.update(range(tok.start[0] + 1, tok.end[0] + 1))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return inside


# ------------------------------------------------------------------------ building code

@dataclass
class _Builder:
    mode: Mode
    label: str
    out: list[str]
    places: list[tuple[int, int]]
    futures: list[tuple[str, tuple[int, int]]]
    notes: list[str]
    cells: list[int]
    defined: set[str]

    def emit(self, text: str, cell: int, first: int) -> None:
        for k, line in enumerate(text.split("\n")):
            self.out.append(line)
            self.places.append((cell, first + k))


def notebook_code(cells: Sequence[Cell], mode: Mode = "definitions", *,
                  label: str = "cell") -> NotebookCode:
    """The Python to grade from `cells` (see the module's docstring); NotGradable naming
    the cell and line of a syntax error."""
    b = _Builder(mode, label, [], [], [], [], [], set())
    for cell in cells:
        _take_cell(b, cell)
    body = list(b.out)
    places = list(b.places)
    b.out, b.places = [], []
    for text, (number, line) in b.futures:   # `from __future__` must come first
        b.emit(text, number, line)
    b.out += body
    b.places += places
    source = ("\n".join(b.out) + "\n").encode("utf-8")
    if len(source) > MAX_BYTES:
        raise NotGradable(f"the code in the notebook is larger than {MAX_BYTES // 1024} KiB, "
                          "the most a submission may be: submit only your code")
    notes = b.notes[:MAX_NOTES] + ([f"and {len(b.notes) - MAX_NOTES} more"]
                                   if len(b.notes) > MAX_NOTES else [])
    return NotebookCode(source, tuple(b.places), tuple(b.cells), tuple(notes), mode,
                        frozenset(b.defined), label)


def _take_cell(b: _Builder, cell: Cell) -> None:
    where = f"{b.label} {cell.number}"
    try:
        cell.source.encode("utf-8")
    except UnicodeEncodeError:
        raise NotGradable(f"{where} holds a character that is not valid text") from None
    lines, dropped = without_ipython(cell.source)
    for line, text in dropped:
        b.notes.append(f"{where}, line {line}: {clean_line(text.strip())[:60]} (IPython, "
                       "not run)")
    text = "\n".join(lines)
    tree = _parse(text, where)
    if not tree.body:
        return
    took = False
    for node in tree.body:
        if isinstance(node, ast.Pass):
            continue  # nothing to run (also what an IPython line became)
        if _is_future(node):
            b.futures.append((_segment(lines, node), (cell.number, _start(node))))
            took = True
        elif b.mode == "definitions" and isinstance(node, ast.Import | ast.ImportFrom):
            b.emit("try: " + _segment(lines, node), cell.number, _start(node))
            b.out.append("except ImportError: pass")  # a module only the notebook had
            b.places.append(b.places[-1])
            took = True
        elif b.mode == "cells" or _keep(node):
            b.emit(_segment(lines, node), cell.number, _start(node))
            took = True
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                b.defined.add(node.name)
        else:
            end = node.end_lineno or node.lineno
            span = f"line {node.lineno}" if end == node.lineno else \
                f"lines {node.lineno}-{end}"
            first = clean_line(lines[node.lineno - 1].strip())[:60]
            b.notes.append(f"{where}, {span}: {first} (top-level code, not run)")
    if took:
        b.cells.append(cell.number)


def _parse(text: str, where: str) -> ast.Module:
    try:
        return _ast(text)
    except SyntaxError as exc:
        msg = exc.msg if isinstance(exc.msg, str) else "invalid syntax"
        line = f", line {exc.lineno}" if exc.lineno else ""
        shown = ""
        if exc.lineno and exc.text:
            shown = f"\n    {clean_line(exc.text.strip())[:200]}"
        raise NotGradable(f"the notebook has a syntax error in {where}{line}: "
                          f"{clean_line(msg)}{shown}") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise NotGradable(f"the notebook cannot be read at {where}: "
                          f"{_why(exc)}") from None


def _start(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *(d.lineno for d in decorators)])


def _segment(lines: list[str], node: ast.stmt) -> str:
    """The exact text of a top-level statement (a `;` neighbour on its lines cut off)."""
    start, end = _start(node), node.end_lineno or node.lineno
    part = lines[start - 1:end]
    last = part[-1].encode("utf-8")[:node.end_col_offset].decode("utf-8", "replace")
    part[-1] = last
    if start == node.lineno and not getattr(node, "decorator_list", None):
        part[0] = part[0].encode("utf-8")[node.col_offset:].decode("utf-8", "replace")
    return "\n".join(part)


def _is_future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def _keep(node: ast.stmt) -> bool:
    """What `definitions` takes: imports, definitions, literal constants, and a `try`
    made only of those (an optional import)."""
    if isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.AsyncFunctionDef
                  | ast.ClassDef | ast.Pass):
        return True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return True  # a docstring or a bare constant: harmless
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return all(isinstance(t, ast.Name) for t in targets) and node.value is not None \
            and _literal(node.value)
    if isinstance(node, ast.Try):
        parts = [*node.body, *node.orelse, *node.finalbody,
                 *(s for h in node.handlers for s in h.body)]
        return all(_keep(s) for s in parts)
    return False


def _literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True
