"""Which file was graded, as data: the file handed in, the member of an archive graded,
the cells of a notebook taken, and what was left out (never run)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from mldrill.text import clean_line

HandedKind = Literal["python", "notebook", "archive", "functions", "history"]
KINDS: tuple[HandedKind, ...] = get_args(HandedKind)


@dataclass(frozen=True)
class Origin:
    """What was graded. `member`: the file inside an archive (None for a file graded as
    it is); `cells`: the notebook cells whose code was taken; `left_out`: what was not
    run, in words; `mode`: how a notebook was read (definitions or cells)."""

    file: str
    kind: HandedKind
    member: str | None = None
    cells: tuple[int, ...] = ()
    left_out: tuple[str, ...] = ()
    mode: str | None = None

    def __post_init__(self) -> None:  # student text enters reports only cleaned
        object.__setattr__(self, "file", clean_line(self.file))
        if self.member is not None:
            object.__setattr__(self, "member", clean_line(self.member))
        object.__setattr__(self, "left_out", tuple(clean_line(x) for x in self.left_out))

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "kind": self.kind, "member": self.member,
                "cells": list(self.cells), "left_out": list(self.left_out),
                "mode": self.mode}

    @classmethod
    def from_json(cls, data: object) -> Origin:
        """The origin `to_json` wrote, exactly; ValueError for anything else."""
        if not isinstance(data, dict) or set(data) != {"file", "kind", "member", "cells",
                                                       "left_out", "mode"}:
            raise ValueError("'graded' must be an object as mldrill writes it")
        file, kind, member = data["file"], data["kind"], data["member"]
        cells, left, mode = data["cells"], data["left_out"], data["mode"]
        found = next((k for k in KINDS if k == kind), None)
        if not isinstance(file, str) or found is None \
                or not (member is None or isinstance(member, str)) \
                or not (mode is None or isinstance(mode, str)) \
                or not isinstance(cells, list) or not isinstance(left, list) \
                or not all(isinstance(c, int) and not isinstance(c, bool) for c in cells) \
                or not all(isinstance(x, str) for x in left):
            raise ValueError("'graded' must be an object as mldrill writes it")
        origin = cls(file, found, member, tuple(cells), tuple(left), mode)
        if origin.to_json() != data:
            raise ValueError("'graded' is not as mldrill writes it")
        return origin

    def describe(self) -> str:
        """One line: what was graded, e.g. `sub.zip: cs231n/layers.py` or
        `hw.ipynb: cells 3, 5 (definitions and imports only)`."""
        where = self.file + (f": {self.member}" if self.member else "")
        if self.cells or self.mode:
            shown = ", ".join(str(c) for c in self.cells[:30])
            more = f" and {len(self.cells) - 30} more" if len(self.cells) > 30 else ""
            label = "In" if self.kind == "history" else "cells"
            how = "definitions and imports only" if self.mode == "definitions" else \
                "whole cells"
            where += f", {label} {shown or 'none'}{more} ({how})"
        return where
