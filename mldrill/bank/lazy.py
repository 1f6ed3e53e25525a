"""A catalog that loads only what a command touches, so `show` and `practice` start fast.

When the bank index (`index.py`) says every problem file and every solutions module is
unchanged since the last clean full load, a command does not need to unpickle all ~170
families and import every solutions module: it needs the metadata (to select and plan) and
then the one or five families it deals. `LazyFamilies` is a mapping of every family id that
checks a family out of the cache (or re-checks its file) on first access, and
`LazyFunctions` a mapping of every reference function name that imports the one module
defining it on first call. Both behave as the dicts of a full load: the same keys, the same
objects, the same errors; only the moment the work is done differs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mldrill.bank.catalog import Catalog
    from mldrill.bank.index import FamilyInfo
    from mldrill.bank.model import ProblemFamily
    from mldrill.values import Function


class LazyFunctions(Mapping[str, "Function"]):
    """The built-ins, then each bank's solutions functions, imported module by module on
    first use. `table` is name -> (module file, repr of its `provides`)."""

    def __init__(self, builtins: Mapping[str, Function],
                 table: Mapping[str, tuple[str, str]]) -> None:
        self._builtins = dict(builtins)
        self._table = {k: v for k, v in table.items() if k not in self._builtins}
        self._loaded: dict[str, Function] = {}

    def __getitem__(self, name: str) -> Function:
        if name in self._builtins:
            return self._builtins[name]
        if name in self._loaded:
            return self._loaded[name]
        file, _ = self._table[name]  # KeyError for an unknown name, as a dict would
        from mldrill.bank.solutions import load_module

        fn = getattr(load_module(Path(file)), name)
        self._loaded[name] = fn
        return fn  # type: ignore[no-any-return]

    def __contains__(self, name: object) -> bool:
        return name in self._builtins or name in self._table

    def __iter__(self) -> Iterator[str]:
        yield from self._builtins
        yield from self._table

    def __len__(self) -> int:
        return len(self._builtins) + len(self._table)

    def signature(self) -> list[tuple[str, str]]:
        """What the family cache keys on (name and `provides` of every function), without
        importing anything."""
        out = [(k, repr(getattr(f, "provides", None))) for k, f in self._builtins.items()]
        out += [(k, provides) for k, (_, provides) in self._table.items()]
        return sorted(out)


class LazyFamilies(Mapping[str, "ProblemFamily"]):
    """Every family id of the index; a family is loaded (from the cache, else its file is
    checked again) when first looked up. `meta` gives the listing data without loading."""

    def __init__(self, infos: list[FamilyInfo], files: Mapping[str, Path],
                 catalog: Catalog) -> None:
        self.meta: dict[str, FamilyInfo] = {i.id: i for i in infos}
        self._files = dict(files)  # id -> the problem file, as the bank lists it
        self._catalog = catalog
        self._loaded: dict[str, ProblemFamily] = {}

    def __getitem__(self, problem_id: str) -> ProblemFamily:
        if problem_id in self._loaded:
            return self._loaded[problem_id]
        file = self._files[problem_id]  # KeyError for an unknown id, as a dict would
        from mldrill.bank.catalog import load_one
        from mldrill.errors import BankError, Diagnostic

        family = load_one(file, self._catalog)
        if family is None or family.id != problem_id:
            # the file changed since the index was read (moments ago): say so, not guess
            raise BankError(self._catalog.diagnostics or [Diagnostic(
                str(file), 1, 1, f"no longer defines '{problem_id}' (it changed while "
                "mldrill was starting): run the command again")])
        self._loaded[problem_id] = family
        return family

    def __contains__(self, problem_id: object) -> bool:
        return problem_id in self.meta

    def __iter__(self) -> Iterator[str]:
        return iter(self.meta)

    def __len__(self) -> int:
        return len(self.meta)
