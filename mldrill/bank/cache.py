"""A cache of checked problem files, so start-up does not re-parse the whole bank.

Checking a family (YAML with positions, then every expression and template through the
schema) costs a few milliseconds; a bank of ~100 families made `list` and `practice` take
most of a second. A family that checked clean is pickled under a key made of:
- the file's bytes and the path it is shown as,
- the names (and generator declarations) of the reference functions it was checked against,
- a fingerprint of mldrill's own code (every module's size and mtime) and Python's version,
so any change to the file, the bank's functions or mldrill itself misses the cache. Files
with problems are never cached: their diagnostics are always fresh. Each (mldrill, bank
functions) salt has its own folder; the KEEP most recently used are kept (`prune`).

The cache lives in the user's cache folder (platformdirs), or `$MLDRILL_CACHE`; set
`MLDRILL_CACHE=off` to disable it. A cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mldrill.bank.model import ProblemFamily
    from mldrill.expr.parse import Expr
    from mldrill.values import Function

ENV_CACHE = "MLDRILL_CACHE"
FORMAT = "2"  # (family, parse trees)


def cache_root() -> Path | None:
    env = os.environ.get(ENV_CACHE)
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "no") else Path(env)
    from mldrill.userdirs import user_dir

    return Path(user_dir("cache"))


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """mldrill's own code, by every module's path, size and mtime (once per process)."""
    import mldrill

    h = hashlib.sha1(f"{FORMAT}|{sys.version}|{getattr(mldrill, '__version__', '')}".encode())
    package = os.path.dirname(os.path.realpath(mldrill.__file__))
    for rel, st in sorted(_python_files(package, "")):
        h.update(f"{rel}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _python_files(folder: str, rel: str) -> list[tuple[str, os.stat_result]]:
    """Every .py file under `folder` (not following links) with its stat, by relative path."""
    out: list[tuple[str, os.stat_result]] = []
    with os.scandir(folder) as entries:
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                if e.name != "__pycache__":
                    out.extend(_python_files(e.path, f"{rel}{e.name}/"))
            elif e.name.endswith(".py"):
                out.append((rel + e.name, e.stat()))
    return out


# Entries kept per kind (family folders, bank indexes), the most recently used first: an
# upgrade drops what the old version wrote, while two mldrills sharing the cache (another
# virtual environment, a checkout) keep theirs instead of wiping each other's at each run.
KEEP = 4


def prune(folder: Path, keep: int, pattern: str = "*") -> None:
    """Remove all but the `keep` most recently modified entries of `folder` matching
    `pattern` (never raises: the cache is optional)."""
    import shutil

    try:
        entries = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for old in entries[keep:]:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            try:
                old.unlink()
            except OSError:
                pass


def _touch(folder: Path) -> None:
    try:
        os.utime(folder)
    except OSError:
        pass  # a cache we may read but not write: still used


class FamilyCache:
    """Checked families by content key. All failures degrade to 'not cached'."""

    def __init__(self, functions: Mapping[str, Function],
                 root: Path | None = None) -> None:
        base = root if root is not None else cache_root()
        self.dir: Path | None = None
        if base is None:
            return
        signature = getattr(functions, "signature", None)  # lazy.LazyFunctions: no imports
        names = signature() if callable(signature) else sorted(
            (k, repr(getattr(f, "provides", None))) for k, f in functions.items())
        salt = hashlib.sha1((_code_fingerprint() + repr(names)).encode()).hexdigest()[:20]
        self.dir = base / "families" / salt
        try:
            if self.dir.is_dir():
                _touch(self.dir)  # in use: kept when another salt prunes the others
            else:
                self.dir.mkdir(parents=True, exist_ok=True)
                prune(self.dir.parent, KEEP)
        except OSError:
            self.dir = None

    @staticmethod
    def key(shown: str, data: bytes) -> str:
        return hashlib.sha1(shown.encode() + b"\0" + data).hexdigest()

    def get(self, key: str) -> ProblemFamily | None:
        """The family, if cached; the parse trees kept with it are handed to the parser
        (parse.known_references), so its first variant parses nothing."""
        if self.dir is None:
            return None
        try:
            with open(self.dir / f"{key}.pickle", "rb") as fh:
                family, trees = pickle.load(fh)
        except Exception:  # missing, truncated, from another version: just re-check
            return None
        from mldrill.expr.parse import known_references

        known_references(trees)
        return family  # type: ignore[no-any-return]

    def put(self, key: str, family: ProblemFamily, trees: Mapping[str, Expr]) -> None:
        """Keep a checked family, with the trees of the expressions its check parsed."""
        if self.dir is None:
            return
        tmp = self.dir / f".{key}.{os.getpid()}.tmp"
        try:
            with open(tmp, "wb") as fh:
                pickle.dump((family, dict(trees)), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.dir / f"{key}.pickle")  # atomic: readers never see half
        except Exception:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
