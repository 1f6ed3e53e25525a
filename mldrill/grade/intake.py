"""Which file of a hand-in is graded, and the assignment's `submission:` option.

An assignment may say where its code is and how a notebook is run:

    submission:
      file: cs231n/layers.py     # where the code is in a zipped folder (default: <name>.py)
      notebook: definitions      # or cells: run every code cell whole (default: definitions)

In an archive, the file graded is chosen by these rules, first match wins (`choose`):
1. a `.py` whose path ends with the declared `file` (`cs231n/layers.py`, also below a top
   folder such as `assignment2/cs231n/layers.py`), the shallowest;
2. a `.py` named like it (`layers.py`) or after the assignment, anywhere, the shallowest;
3. the only file that could be graded (a `.py` or a notebook);
4. a notebook named after the assignment, else the only notebook;
5. the only `.py`.
Two candidates at the same depth are ambiguous: not gradable, both named. Hidden files and
folders (`.ipynb_checkpoints/`, `._layers.py`) and `__MACOSX/` are never candidates, and
archives inside the archive are never opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from mldrill.bank.lint import Checker
    from mldrill.values import Yaml

NotebookMode = Literal["definitions", "cells"]
NOTEBOOK_MODES: tuple[NotebookMode, ...] = ("definitions", "cells")
SUBMISSION_KEYS = {
    "file": "where the code is in a zipped folder, e.g. cs231n/layers.py",
    "notebook": "how a notebook is run: definitions (default) or cells",
}


@dataclass(frozen=True)
class SubmissionSpec:
    """An assignment's `submission:` option (see the module's docstring)."""

    file: str = ""
    notebook: NotebookMode = "definitions"


def check_submission(c: Checker, raw: Yaml) -> SubmissionSpec:
    """`submission:` validated, each problem at its place (`path:line:col`)."""
    from mldrill.bank.lint import did_you_mean, type_name

    if raw is None:
        return SubmissionSpec()
    if not isinstance(raw, dict):
        c.err(("submission",), f"'submission' must be a mapping (file, notebook), got "
                               f"{type_name(raw)}")
        return SubmissionSpec()
    c.unknown_keys(raw, SUBMISSION_KEYS, ("submission",), "submission")
    file = raw.get("file", "")
    if "file" in raw and (not isinstance(file, str) or not _relative(file)):
        c.err(("submission", "file"), "'file' must be a relative path to a .py file, e.g. "
                                      "cs231n/layers.py")
        file = ""
    mode = raw.get("notebook", "definitions")
    for m in NOTEBOOK_MODES:
        if mode == m:
            return SubmissionSpec(file, m)
    c.err(("submission", "notebook"), f"'notebook' must be definitions or cells, not "
                                      f"{mode!r}{did_you_mean(str(mode), NOTEBOOK_MODES)}")
    return SubmissionSpec(file)


def _relative(path: str) -> bool:
    parts = path.split("/")
    return path.endswith(".py") and not path.startswith("/") and "\\" not in path and \
        all(p not in ("", ".", "..") for p in parts)


@dataclass(frozen=True)
class Wanted:
    """What one assignment looks for: its name and the file it declares."""

    name: str
    file: str


def wanted(assignments: Sequence[object], only: str | None) -> list[Wanted]:
    """What the assignments (or only the one named `only`) look for."""
    out = []
    for a in assignments:
        name = str(getattr(a, "name", ""))
        if only is None or name == only:
            spec = getattr(a, "submission", None)
            declared = spec.file if isinstance(spec, SubmissionSpec) else ""
            out.append(Wanted(name, declared or f"{name}.py"))
    return out


def notebook_mode(assignments: Sequence[object], names: set[str] | None = None
                  ) -> NotebookMode:
    """`cells` when every assignment given (or those defining some of `names`) asks for it."""
    chosen = [a for a in assignments
              if names is None or names & set(getattr(a, "functions", ()))]
    specs = [getattr(a, "submission", None) for a in chosen]
    if chosen and all(isinstance(s, SubmissionSpec) and s.notebook == "cells"
                      for s in specs):
        return "cells"
    return "definitions"


def is_junk(path: str) -> bool:
    """Never a candidate: hidden files and folders, macOS's __MACOSX/, caches."""
    return any(p.startswith(".") or p in ("__MACOSX", "__pycache__") for p in path.split("/"))


class Ambiguous(ValueError):
    """Several files could be the one graded."""


def _shallowest(paths: list[str]) -> str | None:
    if not paths:
        return None
    depth = min(p.count("/") for p in paths)
    top = sorted(p for p in paths if p.count("/") == depth)
    if len(top) > 1:
        raise Ambiguous(f"{len(top)} files could be the one graded: "
                        f"{', '.join(top[:5])}; submit only one")
    return top[0]


def choose(paths: Sequence[str], wants: Sequence[Wanted]) -> str | None:
    """The path graded among `paths` (relative, '/'-separated), by the module's rules;
    None when nothing fits; Ambiguous naming the candidates."""
    usable = [p for p in paths if not is_junk(p)]
    py = [p for p in usable if p.endswith(".py")]
    nbs = [p for p in usable if p.endswith(".ipynb")]
    declared = [p for p in py for w in wants
                if "/" in w.file and (p == w.file or p.endswith("/" + w.file))]
    if (pick := _shallowest(sorted(set(declared)))) is not None:
        return pick
    named = {PurePosixPath(w.file).name for w in wants} | {f"{w.name}.py" for w in wants}
    if (pick := _shallowest([p for p in py if PurePosixPath(p).name in named])) is not None:
        return pick
    if len(py) + len(nbs) == 1:
        return (py + nbs)[0]
    stems = {w.name for w in wants}
    if (pick := _shallowest([p for p in nbs if PurePosixPath(p).stem in stems])) is not None:
        return pick
    if len(nbs) == 1:
        return nbs[0]
    return py[0] if len(py) == 1 else None


def handin_stem(name: str) -> str | None:
    """The student id part of a file that can be handed in (`.py`, `.ipynb`, an archive
    such as `.zip` or `.tar.gz`); None for any other file."""
    from mldrill.grade.archive import archive_kind, archive_stem

    for suffix in (".py", ".ipynb"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return archive_stem(name) if archive_kind(name) else None


def other_pick(files: list[str], others: list[str], names: list[str]
                ) -> tuple[str | None, str]:
    """A student's folder with notebooks or archives and no .py file picked: the notebook
    or archive named after the assignment, else the only one (`intake`'s rules)."""
    nbs = [o for o in others if o.endswith(".ipynb")]
    try:
        pick = choose(files + nbs, [Wanted(n, f"{n}.py") for n in names]) if nbs else None
    except Ambiguous as exc:
        return None, str(exc)
    archives = sorted(set(others) - set(nbs))
    if pick is None and not files and not nbs:
        named = [a for a in archives if handin_stem(PurePosixPath(a).name) in names]
        pick = named[0] if len(named) == 1 else archives[0] if len(archives) == 1 else None
    if pick is not None:
        return pick, ""
    return None, (f"{len(files)} .py, {len(nbs)} notebook and {len(archives)} archive files "
                  "and none of them is the one to grade: submit only one")
