"""Text a student controls, made safe to show: in a terminal, JSON, CSV or Gradescope.

A submission chooses its file name, what it prints, its exception messages and the names of
its functions; an answer file chooses every character of its answers. Any of these could
carry terminal escape sequences (clear the screen, draw a fake report), bidirectional
overrides that make text read differently from what it is, zero-width characters that make
two names look alike, or lone surrogates that cannot be encoded. `clean` replaces each such
character with a visible escape (`\\x1b`, `\\u202e`), so the instructor sees that something
was there and nothing is interpreted. `csv_cell` also keeps a spreadsheet from running a
cell as a formula.

Cleaning is idempotent: the output holds only printable characters (and, in multi-line
text, newlines and tabs).
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, TypeVar, overload

from mldrill.patterns import lazy

if TYPE_CHECKING:
    from mldrill.values import Json

T = TypeVar("T")

# Everything outside printable ASCII is looked at; most of it is kept.
_SUSPECT = lazy(r"[^\x20-\x7e]")
# Categories never shown as they are: controls (C0, DEL, C1), format characters (bidi
# overrides and isolates, zero-width joiners and spaces, the BOM, tag characters),
# surrogates, and the line and paragraph separators a terminal may take for a newline.
_ESCAPED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# What a spreadsheet runs as a formula when a cell starts with it (OWASP's list, with the
# full-width forms some spreadsheets accept too).
_FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def clean(text: str, *, newlines: bool = True) -> str:
    """`text` with every control, format and surrogate character escaped visibly.

    `newlines=True` keeps newlines and tabs (CRLF becomes a newline); `False` is for
    one-line text (a name, an id, a cell), where they are escaped too."""
    if newlines and "\r" in text:
        text = text.replace("\r\n", "\n")

    def one(m: re.Match[str]) -> str:
        ch = m.group()
        if newlines and ch in "\n\t":
            return ch
        if ch < "\x80" or unicodedata.category(ch) in _ESCAPED:
            return _escape(ch)
        return ch

    return _SUSPECT.sub(one, text)


def clean_line(text: str) -> str:
    """One-line text (a student id, a file or function name): newlines escaped too."""
    return clean(text, newlines=False)


@overload
def clean_data(value: str) -> str: ...
@overload
def clean_data(value: dict[str, Json]) -> dict[str, Json]: ...
@overload
def clean_data(value: Json) -> Json: ...


def clean_data(value: Json) -> Json:
    """Every string in a JSON-like value cleaned (dict keys included), the rest as it is
    (a tuple becomes a list, as JSON has it)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(k) if isinstance(k, str) else k: clean_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_data(v) for v in value]
    return value


def csv_cell(value: T) -> T | str:
    """A gradebook cell: text cleaned to one line and, when a spreadsheet would run it as a
    formula (a leading =, +, -, @, tab or CR, after any spaces), prefixed with a single
    quote. Numbers are written as they are."""
    if not isinstance(value, str):
        return value
    text = clean_line(value)
    if text.lstrip()[:1] in _FORMULA_START:
        return "'" + text
    return text
