"""Find the banks, load every problem file, and index the families by id.

Banks: the bundled one (shipped in the wheel, or the repository's own `problems/` and
`solutions/` when running from a checkout), plus any given with `--bank DIR` or the
`MLDRILL_BANK` environment variable (several separated by ':'). A bank folder holds YAML
files (in `problems/` if it has one, else anywhere below it) and, optionally, a
`solutions/` folder of Python modules whose functions its expressions may call.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from mldrill.errors import BankError, Diagnostic, MldrillError, UnknownProblemError, UsageError
from mldrill.record import field, record

if TYPE_CHECKING:
    from mldrill.bank.cache import FamilyCache
    from mldrill.bank.index import FamilyInfo
    from mldrill.bank.index import FamilyLike as FamilyMeta  # a family, or its FamilyInfo
    from mldrill.bank.model import ProblemFamily
    from mldrill.expr.parse import Expr
    from mldrill.values import Function

F = TypeVar("F", "ProblemFamily", "FamilyInfo")

ENV_BANK = "MLDRILL_BANK"
# a coding assignment (mldrill/grade/exercise.py) in a problems/ folder: `assignment:` at the
# top level of the file
ASSIGNMENT_RE = re.compile(rb"(?m)^assignment:")


def bundled_root() -> Path:
    """Where the bundled problems/ and solutions/ are: in the wheel or the checkout."""
    here = Path(__file__).resolve().parent.parent  # the mldrill package
    packaged = here / "_bundled"
    if (packaged / "problems").is_dir():
        return packaged
    return here.parent


@record(frozen=True)
class Bank:
    root: Path
    problems: Path
    solutions: Path | None


def bank_at(root: Path) -> Bank:
    if not root.exists():
        raise UsageError(f"bank folder '{root}' does not exist")
    if not root.is_dir():
        raise UsageError(f"bank '{root}' is a file, not a folder: give the folder that holds "
                         f"the bank's problem files (--bank {root.parent}); `mldrill validate "
                         f"{root}` checks one file")
    problems = root / "problems" if (root / "problems").is_dir() else root
    solutions = root / "solutions" if (root / "solutions").is_dir() else None
    return Bank(root, problems, solutions)


def bank_dirs(extra: Iterable[str | Path] = (), *, bundled: bool = True) -> list[Bank]:
    banks = [bank_at(bundled_root())] if bundled else []
    env = os.environ.get(ENV_BANK, "")
    for item in [*env.split(os.pathsep), *extra]:
        if str(item).strip():
            banks.append(bank_at(Path(item).expanduser()))
    return banks


def problem_files(bank: Bank) -> list[Path]:
    if bank.problems.is_file():
        return [bank.problems]
    files: list[str] = []
    _find_yaml(str(bank.problems), None if bank.solutions is None else str(bank.solutions),
               files)
    files.sort(key=lambda f: f.split(os.sep))  # as Paths sort (by part), without making them
    return [Path(f) for f in files]


def _find_yaml(folder: str, skip: str | None, out: list[str]) -> None:
    """The .yaml/.yml files under `folder`, not under `skip`, not following folder links
    (as Path.rglob); an unreadable folder is passed over."""
    try:
        with os.scandir(folder) as entries:
            found = list(entries)
    except OSError:
        return
    for e in found:
        if e.is_dir(follow_symlinks=False):
            if e.path != skip:
                _find_yaml(e.path, skip, out)
        elif os.path.splitext(e.name)[1] in (".yaml", ".yml") and e.is_file():
            out.append(e.path)


@record
class Catalog:
    """The families by id and the functions their expressions call. Either dicts (a full
    load) or the lazy mappings of `mldrill.bank.lazy` (a quick start from the index), which
    load a family or a solutions module on first access; `meta()` and `select_meta()` read
    only what a listing needs, so choosing problems loads nothing."""

    families: Mapping[str, ProblemFamily] = field(default_factory=dict)  # by id
    functions: Mapping[str, Function] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    assignment_files: list[Path] = field(default_factory=list)  # coding assignments
    cache: FamilyCache | None = None

    def get(self, problem_id: str) -> ProblemFamily:
        if problem_id in self.families:
            return self.families[problem_id]
        import difflib

        close = difflib.get_close_matches(problem_id, list(self.families), n=3, cutoff=0.5)
        raise UnknownProblemError(problem_id, close)

    def meta(self) -> Mapping[str, FamilyMeta]:
        """Every family's id, title, topic, difficulty, tags and part names, by id, without
        loading a family that is not loaded yet."""
        from mldrill.bank.lazy import LazyFamilies

        if isinstance(self.families, LazyFamilies):
            return self.families.meta
        return self.families

    def topics(self) -> list[str]:
        return sorted({f.topic for f in self.meta().values()})

    def tags(self) -> list[str]:
        return sorted({t for f in self.meta().values() for t in f.tags})

    def select(self, topics: Iterable[str] = (), tags: Iterable[str] = (),
               difficulty: str | None = None, ids: Iterable[str] = ()) -> list[ProblemFamily]:
        """The families matching every filter given (see select_meta), loaded."""
        return [self.get(f.id) for f in self.select_meta(topics, tags, difficulty, ids)]

    def select_meta(self, topics: Iterable[str] = (), tags: Iterable[str] = (),
                    difficulty: str | None = None, ids: Iterable[str] = ()
                    ) -> list[FamilyMeta]:
        """The families matching every filter given, ordered by topic, difficulty and id, as
        their metadata (`get(f.id)` loads one).

        `topics` and `tags` match any of those listed; `difficulty` is `3`, `2-4`, `-2` or
        `4-`; `ids` names families (each must exist). An unknown topic or tag, or a
        selection that matches nothing, is a UsageError that says what exists."""
        meta = self.meta()
        chosen: list[FamilyMeta] = []
        for i in ids:
            if i not in meta:
                self.get(i)  # raises, with "did you mean"
            chosen.append(meta[i])
        if not ids:
            chosen = list(meta.values())
        topics, tags = list(topics), list(tags)
        for word, known, what in [*((t, self.topics(), "topic") for t in topics),
                                  *((t, self.tags(), "tag") for t in tags)]:
            if word not in known:
                from mldrill.bank.lint import did_you_mean

                listing = f"; topics: {', '.join(known)}" if what == "topic" else ""
                raise UsageError(f"no {what} '{word}'{did_you_mean(word, known)}{listing}")
        low, high = parse_difficulty(difficulty)
        chosen = [f for f in chosen
                  if (not topics or f.topic in topics)
                  and (not tags or set(tags) & set(f.tags))
                  and low <= f.difficulty <= high]
        if not chosen:
            raise UsageError("no problem matches " + ", ".join(
                x for x in (f"topic {'/'.join(topics)}" if topics else "",
                            f"tag {'/'.join(tags)}" if tags else "",
                            f"difficulty {difficulty}" if difficulty else "") if x))
        return sorted(chosen, key=lambda f: (f.topic, f.difficulty, f.id))


def parse_difficulty(text: str | None) -> tuple[int, int]:
    """'3' -> (3, 3), '2-4' -> (2, 4), '-2' -> (1, 2), '4-' -> (4, 5), None -> (1, 5)."""
    if text is None or not str(text).strip():
        return 1, 5
    raw = str(text).strip()
    m = re.fullmatch(r"([1-5])?\s*(-)?\s*([1-5])?", raw)
    if not m or not (m.group(1) or m.group(3)) or (m.group(1) and m.group(3)
                                                    and not m.group(2)):
        raise UsageError(f"difficulty '{raw}' must be 1 to 5 or a range such as 2-4, -2 or 4-")
    low = int(m.group(1)) if m.group(1) else 1
    high = int(m.group(3)) if m.group(3) else (low if not m.group(2) else 5)
    if low > high:
        raise UsageError(f"difficulty range '{raw}' is empty (from {low} to {high})")
    return low, high


def reference_functions(banks: Iterable[Bank], diagnostics: list[Diagnostic],
                        fallback: Bank | None = None,
                        table: dict[str, tuple[str, str]] | None = None
                        ) -> dict[str, Function]:
    """The functions problems may call: the built-ins, then each bank's solutions/ (a name
    defined twice is an error naming both files). `fallback` (the bundled bank under
    --only-bank) adds its helpers (`conv2d`, ...) without its problems; a bank's own
    function of the same name wins over it, silently."""
    from mldrill.bank.solutions import load_solutions
    from mldrill.expr.functions import REGISTRY

    functions: dict[str, Function] = {k: f.numeric for k, f in REGISTRY.items()}
    origin: dict[str, str] = {}
    for bank in [*banks, *([fallback] if fallback is not None else [])]:
        if bank.solutions is None:
            continue
        found, where, problems = load_solutions(bank.solutions)
        if bank is not fallback:
            diagnostics.extend(problems)
        for name, fn in found.items():
            if name in REGISTRY:
                continue  # built-ins keep their meaning everywhere (answers and references)
            if bank is fallback and name in functions:
                continue
            if name in origin:
                diagnostics.append(Diagnostic(where[name], 1, 1, f"'{name}' is also defined "
                                                                 f"in {origin[name]}"))
                continue
            functions[name] = fn
            origin[name] = where[name]
    if table is not None:  # for the index: where each function lives (lazy.LazyFunctions)
        table.update({k: (origin[k], repr(getattr(functions[k], "provides", None)))
                      for k in origin})
    return functions


def list_families(extra: Iterable[str | Path] = (), *, bundled: bool = True
                  ) -> tuple[list[FamilyInfo] | None, Catalog | None]:
    """What a listing needs: the families' metadata from the index when every problem file
    is unchanged since the last full load (no numpy, no expressions), else (None, the
    fully loaded catalog, whose diagnostics the caller shows)."""
    from mldrill.bank.index import read_index

    banks = bank_dirs(extra, bundled=bundled)
    index = read_index(banks, [f for b in banks for f in problem_files(b)])
    if index is not None:
        return index.families, None
    return None, load_catalog(extra, bundled=bundled, strict=False)


def open_catalog(extra: Iterable[str | Path] = (), *, bundled: bool = True) -> Catalog:
    """The banks for a command that uses a few families (show, check, practice, exam...):
    when the index says nothing changed since the last clean full load, a catalog that
    loads each family and solutions module on first use (lazy.py), which starts in a
    fraction of the time; otherwise a full load (strict=False: diagnostics in the
    catalog). The two answer every lookup the same way."""
    from mldrill.bank.index import read_index

    banks = bank_dirs(extra, bundled=bundled)
    files = [f for b in banks for f in problem_files(b)]
    index = read_index(banks, files) \
        if bundled else None  # --only-bank borrows bundled helpers the index does not cover
    if index is None or index.functions is None:
        return load_catalog(extra, bundled=bundled, strict=False)
    from mldrill.bank.cache import FamilyCache
    from mldrill.bank.lazy import LazyFamilies, LazyFunctions
    from mldrill.expr.functions import REGISTRY

    catalog = Catalog()
    catalog.functions = LazyFunctions({k: f.numeric for k, f in REGISTRY.items()},
                                      index.functions)
    catalog.families = LazyFamilies(index.families, index.files, catalog)
    catalog.files = files
    catalog.cache = FamilyCache(catalog.functions)
    return catalog


def load_one(path: Path, catalog: Catalog, raw: bytes | None = None
             ) -> ProblemFamily | None:
    """One problem file's family (`raw`: its bytes, when already read): from the cache when
    those bytes were checked before, else checked now (and cached when clean). None if it
    has problems (in catalog.diagnostics)."""
    if catalog.cache is None:
        from mldrill.bank.cache import FamilyCache

        catalog.cache = FamilyCache(catalog.functions)
    shown = _shown(path)
    try:
        key: str | None = catalog.cache.key(shown, raw if raw is not None
                                            else path.read_bytes())
    except OSError:
        key = None
    family = catalog.cache.get(key) if key else None
    if family is None:
        from mldrill.expr.parse import recording_references

        with recording_references() as texts:
            family = _check_file(path, shown, catalog)
        if family is not None and key:
            catalog.cache.put(key, family, _trees(texts))
    return family


def _trees(texts: Iterable[str]) -> dict[str, Expr]:
    """The parse trees of the texts that parse as references (a check may try one that
    does not); each was parsed during the check, so this reads the parser's memo."""
    from mldrill.expr.parse import parse_reference

    out = {}
    for t in texts:
        try:
            out[t] = parse_reference(t)
        except MldrillError:
            continue
    return out


def select_families(families: Sequence[F], topics: Iterable[str] = (),
                    tags: Iterable[str] = (), difficulty: str | None = None) -> list[F]:
    """Catalog.select over any families with id, topic, tags and difficulty (a listing's
    FamilyInfo too)."""
    cat = Catalog()
    cat.families = {f.id: f for f in families}  # type: ignore[misc]
    return cast("list[F]", cat.select_meta(topics, tags, difficulty))


def load_catalog(extra: Iterable[str | Path] = (), *, bundled: bool = True,
                 strict: bool = True, paths: Iterable[Path] | None = None) -> Catalog:
    """Load the banks. With strict=True, any problem in any file raises BankError listing
    every problem found; with strict=False the diagnostics are returned in the catalog."""
    from mldrill.bank.index import read_fingerprinted, write_index

    banks = bank_dirs(extra, bundled=bundled)
    catalog = Catalog()
    table: dict[str, tuple[str, str]] = {}
    catalog.functions = reference_functions(
        banks, catalog.diagnostics, fallback=None if bundled else bank_at(bundled_root()),
        table=table)
    clean_functions = not catalog.diagnostics
    files = list(paths) if paths is not None else [f for b in banks for f in problem_files(b)]
    catalog.files = files
    first_seen: dict[str, ProblemFamily] = {}
    loaded: list[tuple[Path, ProblemFamily, tuple[str, list[int] | None]]] = []
    families: dict[str, ProblemFamily] = {}
    for path in files:
        try:
            raw: bytes | None
            raw, fp = read_fingerprinted(path)
        except OSError:
            raw = None  # _check_file reports it
        if raw is not None and ASSIGNMENT_RE.search(raw):
            catalog.assignment_files.append(path)  # read by mldrill.grade, not here
            continue
        family = load_one(path, catalog, raw)
        if family is None:
            continue
        if family.id in first_seen:
            other = first_seen[family.id]
            m = other.source.at(("id",))
            catalog.diagnostics.append(family.source.diag(
                ("id",), f"duplicate id '{family.id}' (also in {other.path}:{m.line})"))
            continue
        first_seen[family.id] = family
        families[family.id] = family
        loaded.append((path, family, fp))
    catalog.families = families
    if paths is None:  # the whole of every bank: what `list` can answer from next time
        write_index(banks, loaded, catalog.assignment_files,
                    table if clean_functions else None)
    if strict and catalog.diagnostics:
        raise BankError(catalog.diagnostics)
    return catalog


def _check_file(path: Path, shown: str, catalog: Catalog) -> ProblemFamily | None:
    """Parse and check one problem file; the family if it is clean, else None (with its
    diagnostics added to the catalog)."""
    from mldrill.bank.schema import check_family
    from mldrill.bank.yamlsrc import YamlLoadError, load_yaml

    try:
        data, smap = load_yaml(path, shown=shown)
    except YamlLoadError as exc:
        catalog.diagnostics.append(exc.diagnostic)
        return None
    family, diags = check_family(data, smap, shown, catalog.functions)
    catalog.diagnostics.extend(diags)
    return family if not diags else None


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    return Shown()(path)


class Shown:
    """`_shown` for many paths, quickly: each folder is resolved once, not each file."""

    def __init__(self) -> None:
        self._real: dict[str, str] = {}
        cwd = self._folder(os.getcwd())
        self._prefix = cwd.rstrip(os.sep) + os.sep

    def _folder(self, folder: str) -> str:
        real = self._real.get(folder)
        if real is None:
            real = self._real[folder] = os.path.realpath(folder)
        return real

    def __call__(self, path: Path, link: bool | None = None) -> str:
        """`path` as shown; `link`: whether it is a symbolic link, when already known."""
        text = str(path)
        folder, name = os.path.split(text)
        try:
            if link is None:
                link = os.path.islink(text)
            real = os.path.realpath(text) if link or name in ("", ".", "..") \
                else os.path.join(self._folder(folder or os.curdir), name)
        except (OSError, ValueError):
            return text
        if real.startswith(self._prefix):
            return real[len(self._prefix):] or os.curdir
        return os.curdir if real + os.sep == self._prefix else text
