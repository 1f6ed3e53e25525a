"""What a student handed in, made into the Python the sandbox runs, and where it came from.

The kind is decided by the file's name: `.ipynb` is a notebook, `.zip` / `.tar` /
`.tar.gz` / `.tgz` / `.tar.bz2` / `.tar.xz` an archive, anything else Python as it is. The
file is read once with `submissions.read_source` (no link followed, a size cap per kind)
and everything after that happens in memory: an archive's member is chosen (`intake`) and
read with its bytes counted (`archive`), a notebook's code cells are turned into Python
(`notebook`). What comes back says which file and which cells were graded (an `Origin`).
Anything the student must fix is a `NotGradable` naming the file, member or cell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from mldrill.grade.archive import ARCHIVE_BYTES, archive_kind, open_archive
from mldrill.grade.intake import Ambiguous, choose, is_junk, notebook_mode, wanted
from mldrill.grade.notebook import NOTEBOOK_BYTES, NotebookCode, notebook_code, read_cells
from mldrill.grade.origin import HandedKind, Origin
from mldrill.grade.submissions import MAX_BYTES, NotGradable, digest, read_source
from mldrill.text import clean_line

FileKind = Literal["python", "notebook", "archive"]
_SAFE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,80}")


def file_kind(name: str) -> FileKind:
    """How a file is read, from its name."""
    if name.lower().endswith(".ipynb"):
        return "notebook"
    return "archive" if archive_kind(name) else "python"


def size_limit(name: str) -> int:
    """The most bytes a handed-in file of this name may have."""
    return {"python": MAX_BYTES, "notebook": NOTEBOOK_BYTES,
            "archive": ARCHIVE_BYTES}[file_kind(name)]


@dataclass(frozen=True)
class HandedIn:
    """The Python to run (`source`, as the file `name`), where it came from, and the digest
    of the bytes handed in (what a resumed batch compares)."""

    source: bytes
    name: str
    origin: Origin
    digest: str
    code: NotebookCode | None = None   # a notebook's line map, to point at cells

    def relocate(self, text: str, shown: str) -> str:
        """`text` with the sandbox file's line numbers turned into cells and lines."""
        return text if self.code is None else self.code.relocate(text, self.name, shown)


def read_handed_in(path: Path, root: Path | None, assignments: Sequence[object],
                   only: str | None = None) -> HandedIn:
    """Read `path` safely (nothing below `root` followed) and make it the Python to
    grade; NotGradable says what the student must fix."""
    data = read_source(path, root, limit=size_limit(path.name))
    return from_bytes(data, str(path), path.name, assignments, only)


def from_bytes(data: bytes, shown: str, name: str, assignments: Sequence[object],
               only: str | None = None) -> HandedIn:
    """The same, for bytes already read safely (`name` decides the kind)."""
    kind = file_kind(name)
    if kind == "python":
        return HandedIn(data, name, Origin(shown, "python"), digest(data))
    if kind == "notebook":
        return _notebook(data, shown, name, assignments, only, "notebook", None)
    return _archive(data, shown, name, assignments, only)


def _sandbox_name(name: str) -> str:
    stem = PurePosixPath(name).name
    for suffix in (".ipynb", ".py"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    return f"{stem}.py" if _SAFE.fullmatch(stem) else "notebook.py"


def _notebook(data: bytes, shown: str, name: str, assignments: Sequence[object],
              only: str | None, kind: HandedKind, member: str | None,
              raw_digest: str | None = None) -> HandedIn:
    where = f"{shown}: {member}" if member else shown
    cells = read_cells(data, clean_line(where))
    chosen = [a for a in assignments if only is None or getattr(a, "name", None) == only]
    code = notebook_code(cells, "definitions")
    mode = notebook_mode(chosen, None if only else set(code.defined))
    if mode != code.mode:
        code = notebook_code(cells, mode)
    origin = Origin(shown, kind, member, code.cells, code.left_out, code.mode)
    return HandedIn(code.source, _sandbox_name(member or name), origin,
                    raw_digest or digest(data), code)


def _archive(data: bytes, shown: str, name: str, assignments: Sequence[object],
             only: str | None) -> HandedIn:
    kind = archive_kind(name)
    assert kind is not None
    box = open_archive(data, kind, clean_line(shown))
    members = {m.name: m for m in box.members}
    try:
        pick = choose(sorted(members), wanted(assignments, only))
    except Ambiguous as exc:
        raise NotGradable(f"{clean_line(shown)}: {exc}") from None
    if pick is None:
        raise NotGradable(_nothing(clean_line(shown), list(members), assignments, only))
    member = members[pick]
    if pick.endswith(".ipynb"):
        body = box.read(member, NOTEBOOK_BYTES)
        return _notebook(body, shown, pick, assignments, only, "archive", pick, digest(data))
    body = box.read(member, MAX_BYTES)
    return HandedIn(body, _sandbox_name(pick), Origin(shown, "archive", pick), digest(data))


def _nothing(shown: str, members: list[str], assignments: Sequence[object],
             only: str | None) -> str:
    wants = wanted(assignments, only)
    looked = " or ".join(sorted({w.file for w in wants})[:4]) or "a .py file"
    code = [m for m in members if not is_junk(m) and m.endswith((".py", ".ipynb"))]
    nested = [m for m in members if not is_junk(m) and archive_kind(m)]
    msg = f"{shown}: no file to grade in the archive (looked for {looked}"
    msg += f"; it holds {len(code)} .py and .ipynb files and none fits)" if code else \
        "; it holds no .py or .ipynb file)"
    if nested:
        msg += f". Archives inside the archive are not opened: {', '.join(nested[:3])}"
    return msg
