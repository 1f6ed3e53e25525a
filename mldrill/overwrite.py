"""Nothing a user made is replaced without asking: the one check every command that writes
files makes first.

A command plans the files it will write, asks `refuse_overwrite` before writing any, and
offers `--force`. The error names what would be replaced, so an instructor who re-runs
`sheet new` on a folder of filled answer files learns it before anything is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from mldrill.errors import UsageError

SHOWN = 5


class OverwriteError(UsageError):
    """Writing would replace files that already exist (exit 2: nothing was written)."""

    def __init__(self, existing: list[Path], what: str) -> None:
        self.existing = existing
        names = ", ".join(str(p) for p in existing[:SHOWN])
        more = f" and {len(existing) - SHOWN} more" if len(existing) > SHOWN else ""
        super().__init__(f"{what} would overwrite {len(existing)} existing "
                         f"file{'s' if len(existing) != 1 else ''}: {names}{more}; nothing was "
                         "written. Choose another folder, or pass --force to replace them")


def refuse_overwrite(paths: Iterable[Path], *, force: bool, what: str,
                     ours: Callable[[Path], bool] | None = None) -> None:
    """Raise OverwriteError if any of `paths` exists (as anything, a link included) and
    `force` is not given. `ours(path)` True marks a file this command wrote itself earlier
    (a report it regenerates), which is replaced without asking."""
    if force:
        return
    existing = [p for p in paths if (p.exists() or p.is_symlink())
                and not (ours is not None and p.is_file() and not p.is_symlink() and ours(p))]
    if existing:
        raise OverwriteError(sorted(existing), what)


def starts_with_marker(marker: bytes, size: int = 4096) -> Callable[[Path], bool]:
    """`ours` for files whose first `size` bytes hold `marker` (what the writer puts there)."""
    def ours(path: Path) -> bool:
        try:
            with open(path, "rb") as fh:
                return marker in fh.read(size)
        except OSError:
            return False
    return ours
