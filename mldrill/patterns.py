"""Regular expressions compiled on first use, not at import.

Compiling a pattern costs 0.1-0.5 ms. The modules every command loads define about a dozen,
most of them for reading answers, which `show`, `list` and a dealt problem never do.
`lazy(pattern, flags)` stands for `re.compile(pattern, flags)`: the first attribute asked
of it (`.match`, `.sub`, ...) compiles the pattern, and keeps that attribute on the object.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast


class _Lazy:
    __slots__ = ("_args", "__dict__")

    def __init__(self, pattern: Any, flags: int) -> None:
        self._args: tuple[Any, int] = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        value = getattr(re.compile(*self._args), name)
        setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return f"lazy({self._args[0]!r})"


def lazy(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """`re.compile(pattern, flags)`, compiled when first used."""
    return cast("re.Pattern[AnyStr]", _Lazy(pattern, flags))
