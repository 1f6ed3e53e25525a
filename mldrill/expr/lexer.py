"""Turn what a person types into Python expression source, keeping track of columns.

Students type maths the way they write it: `2x`, `x^2`, `s(1-s)`, `[1 2; 3 4]`, `A'`,
`np.linalg.inv(K)`, `σ(z)`. This module rewrites such text into plain Python expression
syntax (`2*x`, `x**2`, `[[1, 2], [3, 4]]`, `A.T`, `inv(K)`) and remembers, for every
character of the output, which column of the input it came from, so a later error can put
its caret under what the person actually typed.

Nothing here evaluates anything: the output is handed to `ast.parse` and then to a
whitelist (see parse.py).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Collection

from mldrill.errors import AnswerParseError
from mldrill.expr.symbols import (
    GREEK_CHARS,
    LATIN_LOOKALIKES,
    OPERATORS,
    PAPER_PRODUCTS,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    pick,
    subscripted,
)
from mldrill.patterns import lazy
from mldrill.record import field, record

# Characters people paste from notes or type on some keyboards, and what they mean: the
# tables are in symbols.py (Greek letters and scripts have their own rules below).
UNICODE_SUBSTITUTES = OPERATORS
# Prefix operators that take the number or name right after them: √2, √x, ∑x.
_PREFIX = {"√": "sqrt", "∑": "sum"}

_TOKEN_RE = lazy(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<string>"[^"\n]*"|'[^'\n]*')
  | (?P<op>\*\*|//|==|!=|<=|>=|[-+*/%@^<>(),;\[\].=:'!&|~])
    """,
    re.VERBOSE,
)

# Prefixes students copy from NumPy code; `np.linalg.inv(K)` means `inv(K)`.
_MODULE_PREFIXES = (("numpy", "linalg"), ("np", "linalg"), ("numpy",), ("np",), ("math",))
_PREFIX_HEADS = frozenset(p[0] for p in _MODULE_PREFIXES)


@record
class Token:
    kind: str  # number, name, string, op, ws
    text: str
    pos: int  # column in the original text
    space_before: bool = False
    mark: str = ""  # "paper": a product as on paper (A x, 2·x); "inverse": the .I of A⁻¹


def _tokenize(text: str, strings: bool, variables: Collection[str] = ()) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    space = False
    while i < len(text):
        ch = text[i]
        prefix = _PREFIX.get(ch) or (ch == "Σ" and pick(GREEK_CHARS[ch], variables) == "sum"
                                     and "sum")
        if prefix:
            # √2, √x and ∑x mean sqrt(2), sqrt(x) and sum(x); √(x + 1) is an ordinary call
            m = _TOKEN_RE.match(text, i + 1)
            if m is not None and m.lastgroup in ("number", "name"):
                tokens += [Token("name", prefix, i, space), Token("op", "(", i),
                           Token(m.lastgroup, m.group(), i + 1), Token("op", ")", m.end() - 1)]
                space = False
                i = m.end()
                continue
        if ch in SUPERSCRIPTS or ch in SUBSCRIPTS:
            i = _script(text, i, tokens, space, variables)
            space = False
            continue
        if ch in GREEK_CHARS or ch in LATIN_LOOKALIKES:
            name = LATIN_LOOKALIKES.get(ch) or pick(GREEK_CHARS[ch], variables)
            tokens.append(Token("name", name, i, space))
            space = False
            i += 1
            continue
        if ch in PAPER_PRODUCTS:
            tokens.append(Token("op", "*", i, space, mark="paper"))
            space = False
            i += 1
            continue
        if ch in UNICODE_SUBSTITUTES:
            sub = UNICODE_SUBSTITUTES[ch]
            for part in _tokenize(sub, strings=False):
                tokens.append(Token(part.kind, part.text, i, space or part.space_before))
                space = False
            i += 1
            continue
        m = _TOKEN_RE.match(text, i)
        if m is None:
            raise AnswerParseError(text, i, f"unexpected character {ch!r}")
        kind = m.lastgroup or "op"
        if kind == "space":
            space = True
        elif kind == "string" and not strings:
            # A quote right after an operand is MATLAB's transpose (A').
            if ch == "'" and tokens and _ends_operand(tokens[-1]) and not space:
                tokens.append(Token("op", "'", i, False))
                i += 1
                continue
            raise AnswerParseError(text, i, "text in quotes is not allowed in an answer")
        elif kind == "op" and ch == "'" and not strings:
            tokens.append(Token("op", "'", i, space))
        else:
            tokens.append(Token(kind, m.group(), i, space))
            space = False
        i = m.end()
        if kind != "space":
            space = False
    return tokens


def _script(text: str, i: int, tokens: list[Token], space: bool,
            variables: Collection[str]) -> int:
    """A run of superscripts (x², x⁻¹, 2¹⁰) or subscripts (x₁, θ₀) starting at text[i]:
    append its tokens, return where the run ends."""
    table = SUPERSCRIPTS if text[i] in SUPERSCRIPTS else SUBSCRIPTS
    j = i
    while j < len(text) and text[j] in table:
        j += 1
    run = "".join(table[c] for c in text[i:j])
    if table is SUBSCRIPTS:
        last = tokens[-1] if tokens else None
        if last is None or last.kind != "name" or space:
            raise AnswerParseError(text, i, "a subscript must follow a name, as in x₁")
        tokens[-1] = Token("name", subscripted(last.text, run, variables), last.pos,
                           last.space_before)
        return j
    if run == "-1":
        # A⁻¹: the inverse of a matrix (inv(A)) or the reciprocal of a number, decided by
        # the grammar; written as a marked `.I` so it binds like the transpose `.T`
        tokens += [Token("op", ".", i, space, mark="inverse"), Token("name", "I", i)]
        return j
    tokens.append(Token("op", "**", i, space))
    for part in _tokenize(run, strings=False):
        tokens.append(Token(part.kind, part.text, i + 1, part.space_before))
    return j


# Python keywords that are not values (`for`, `in`, `lambda`, ...): never part of an implicit
# product, so `[x for x in y]` reaches the parser as a comprehension and is refused as one.
_KEYWORDS = frozenset(keyword.kwlist) - {"None", "True", "False"}


def _ends_operand(tok: Token) -> bool:
    if tok.kind == "name" and tok.text in _KEYWORDS:
        return False
    return tok.kind in ("number", "name", "string") or tok.text in (")", "]", "'")


def _starts_operand(tok: Token) -> bool:
    if tok.kind == "name" and tok.text in _KEYWORDS:
        return False
    return tok.kind in ("number", "name") or tok.text in ("(", "[")


@record
class Normalized:
    """Python source plus, for each of its characters, the column it came from."""

    source: str
    origin: list[int]
    text: str
    marks: dict[int, str] = field(default_factory=dict)  # offset in source -> token mark

    def column(self, offset: int) -> int:
        """Column in the original text for a 0-based offset into `source`."""
        if not self.origin:
            return 0
        if offset >= len(self.origin):
            return len(self.text)
        return self.origin[max(0, offset)]


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.origin: list[int] = []
        self.marks: dict[int, str] = {}
        self.matrix = False

    def emit(self, s: str, pos: int, mark: str = "") -> None:
        if mark:
            self.marks[len(self.origin) + len(s) - len(s.lstrip())] = mark
        self.parts.append(s)
        self.origin.extend([pos] * len(s))

    def glued(self, s: str) -> bool:
        """Would `s` fuse with what was emitted last into one token (`pi` + `2`)?"""
        last = self.parts[-1][-1:] if self.parts else ""
        first = s[:1]
        word = (last.isalnum() or last == "_") and (first.isalnum() or first == "_")
        return word or (last.isdigit() and first == ".")  # 2 then .T is not the float 2.


def normalize(
    text: str,
    *,
    implicit_multiplication: bool,
    functions: Collection[str] = (),
    variables: Collection[str] = (),
    strings: bool = False,
    matrix: bool = False,
) -> Normalized:
    """Rewrite `text` into Python expression source.

    implicit_multiplication: `2x`, `2 x`, `x(1-x)`, `(a)(b)` mean products (answers);
    off for references, which are written in plain Python syntax.
    functions/variables: the names known in this context; a name that is a known variable
    followed by `(` is a product (`s(1-s)`), anything else followed by `(` is a call.
    matrix: a matrix answer: `K^-1` is refused in favour of `inv(K)` (but `K⁻¹` is inv(K)).
    Implied products (`2A`, `A x`, `2·x`) are emitted as `*` and listed in `marks`: the
    evaluator makes them scalar or matrix products once the shapes are known.
    """
    tokens = _tokenize(text, strings, variables)
    tokens = _strip_module_prefixes(tokens)
    out = _Writer()
    out.matrix = matrix
    _emit_sequence(text, tokens, 0, len(tokens), out, implicit_multiplication, set(functions),
                   set(variables))
    return Normalized("".join(out.parts), out.origin, text, out.marks)


def _strip_module_prefixes(tokens: list[Token]) -> list[Token]:
    result: list[Token] = []
    i = 0
    while i < len(tokens):
        stripped = False
        for prefix in _MODULE_PREFIXES if tokens[i].text in _PREFIX_HEADS else ():
            n = len(prefix)
            window = tokens[i : i + 2 * n + 1]
            if len(window) == 2 * n + 1 and all(
                window[2 * k].kind == "name" and window[2 * k].text == prefix[k]
                and window[2 * k + 1].text == "."
                for k in range(n)
            ) and window[2 * n].kind == "name" and (not result or result[-1].text != "."):
                name = window[2 * n]
                result.append(Token(name.kind, name.text, tokens[i].pos, tokens[i].space_before))
                i += 2 * n + 1
                stripped = True
                break
        if not stripped:
            result.append(tokens[i])
            i += 1
    return result


def _matching(text: str, tokens: list[Token], start: int, end: int) -> int:
    """Index of the bracket closing tokens[start] (which is '(' or '[')."""
    pairs = {"(": ")", "[": "]"}
    stack = [tokens[start].text]
    for j in range(start + 1, end):
        t = tokens[j].text
        if t in pairs:
            stack.append(t)
        elif t in (")", "]"):
            want = pairs[stack[-1]]
            if t != want:
                raise AnswerParseError(text, tokens[j].pos, f"unexpected '{t}'", f"'{want}'")
            stack.pop()
            if not stack:
                return j
    opener = tokens[start]
    raise AnswerParseError(
        text, opener.pos, f"this '{opener.text}' is never closed", f"'{pairs[opener.text]}'"
    )


def _top_level(tokens: list[Token], start: int, end: int) -> list[int]:
    """Indices of the tokens in [start, end) that are not inside nested brackets."""
    idx = []
    depth = 0
    for j in range(start, end):
        t = tokens[j].text
        if depth == 0:
            idx.append(j)
        if t in ("(", "["):
            depth += 1
        elif t in (")", "]"):
            depth -= 1
    return idx


def _emit_sequence(
    text: str,
    tokens: list[Token],
    start: int,
    end: int,
    out: _Writer,
    implicit: bool,
    functions: set[str],
    variables: set[str],
    matlab_row: bool = False,
) -> None:
    """Emit tokens[start:end]; in a MATLAB row, whitespace between operands separates items."""
    prev: Token | None = None
    j = start
    while j < end:
        tok = tokens[j]
        _emit_gap(text, tokens, j, end, prev, out, implicit, matlab_row, functions, variables)
        if tok.text in ("[", "("):
            close = _matching(text, tokens, j, end)
            if tok.text == "[":
                _emit_bracket(text, tokens, j, close, out, implicit, functions, variables)
            else:
                out.emit("(", tok.pos)
                _emit_sequence(text, tokens, j + 1, close, out, implicit, functions, variables)
                out.emit(")", tokens[close].pos)
            prev = tokens[close]
            j = close + 1
            continue
        used = _emit_token(text, tok, tokens[j + 1] if j + 1 < end else None, prev, out,
                           implicit, variables)
        prev = tokens[j + used - 1]
        j += used


def _emit_gap(
    text: str,
    tokens: list[Token],
    j: int,
    end: int,
    prev: Token | None,
    out: _Writer,
    implicit: bool,
    matlab_row: bool,
    functions: set[str],
    variables: set[str],
) -> None:
    """What goes between `prev` and tokens[j]: an implied operator, a space, or nothing
    (and the errors of two operands side by side that no operator can join)."""
    tok = tokens[j]
    sep = ""
    if prev is not None and _ends_operand(prev):
        sep = _separator(tok, tokens, j, end, prev, implicit, matlab_row, functions, variables)
    if implicit and prev is not None and prev.kind == "name" and prev.text in functions \
            and prev.text not in variables \
            and tok.text != "(" and (_starts_operand(tok) or tok.kind == "number"):
        # (a problem's variable named like a function, sigma for a spread, is a variable)
        raise AnswerParseError(text, tok.pos, f"'{prev.text}' is a function",
                               f"{prev.text}({tok.text}) with brackets")
    if sep:
        # an implied product is marked: a scalar product or, between two matrices, a
        # matrix product, decided when the shapes are known (evaluate.py)
        out.emit(sep, tok.pos, "paper" if sep == "*" else "")
    elif (tok.space_before and prev is not None) or out.glued(tok.text):
        # keep tokens apart: `π2` and `x²2` must not become `pi2` and `x**22`
        out.emit(" ", tok.pos)


def _emit_token(text: str, tok: Token, nxt: Token | None, prev: Token | None, out: _Writer,
                implicit: bool, variables: set[str]) -> int:
    """Emit one token that is not a bracket (rewritten where maths and Python differ);
    returns how many tokens it used (`^T` is two)."""
    if tok.text in (")", "]"):
        raise AnswerParseError(text, tok.pos, f"unexpected '{tok.text}' with nothing open")
    if tok.text == "^" and nxt is not None and nxt.text == "T" and "T" not in variables \
            and prev is not None and _ends_operand(prev):
        out.emit(".T", tok.pos)  # A^T, as written on paper
        return 2
    if tok.text in ("^", "**") and out.matrix and nxt is not None and nxt.text == "-":
        raise AnswerParseError(text, tok.pos, "a negative power is elementwise here",
                               "inv(K) for the inverse of a matrix K")
    if tok.text == "%" and implicit and prev is not None and _ends_operand(prev):
        out.emit("/100", tok.pos)  # in an answer, 12.5% is a percentage (never modulo)
        return 1
    if tok.text == "^":
        out.emit("**", tok.pos)
    elif tok.text == "'":
        out.emit(".T", tok.pos)
    elif tok.text == ";":
        raise AnswerParseError(
            text, tok.pos, "';' separates matrix rows and only goes inside [ ]"
        )
    elif tok.text in ("&", "|", "~", "!"):
        raise AnswerParseError(text, tok.pos, f"'{tok.text}' is not an operator here")
    elif tok.text == "=" and not (prev is not None and prev.kind == "name"):
        raise AnswerParseError(text, tok.pos, "unexpected '='", "an expression")
    else:
        out.emit(tok.text, tok.pos, tok.mark)
    return 1


def _separator(
    tok: Token,
    tokens: list[Token],
    j: int,
    end: int,
    prev: Token,
    implicit: bool,
    matlab_row: bool,
    functions: set[str],
    variables: set[str],
) -> str:
    """What goes between an operand that just ended and token `tok` ('' if nothing)."""
    if tok.kind == "name" and tok.text in _KEYWORDS:
        return ""  # x for x in y, x if c else y: Python's words, never a product
    if matlab_row and tok.space_before:
        if _starts_operand(tok):
            return ", "
        if _signed_entry(tokens, j, end):
            return ", "  # [1 -2] is two entries; [1 - 2] is one
    if not implicit:
        return ""
    if tok.text == "[":
        return ""  # x[0]: indexing, which the parser refuses in answers with a clear message
    if tok.kind == "number":
        # `x 2` is unusual but `2 3` is a typo; let the parser complain about numbers
        return "*" if prev.kind != "number" and tok.kind != "number" else ""
    if tok.kind == "name":
        return "*"
    if tok.text == "(":
        if prev.kind == "name" and (prev.text in functions or prev.text not in variables):
            return ""  # a call: sigma(z), or an unknown name the parser will report
        return "*"
    return ""


def _signed_entry(tokens: list[Token], k: int, end: int) -> bool:
    """tokens[k] is a sign glued to the operand after it, as the -2 in `[1 -2]`."""
    return (
        tokens[k].text in ("+", "-")
        and k + 1 < end
        and not tokens[k + 1].space_before
        and _starts_operand(tokens[k + 1])
    )


def _emit_bracket(
    text: str,
    tokens: list[Token],
    start: int,
    close: int,
    out: _Writer,
    implicit: bool,
    functions: set[str],
    variables: set[str],
) -> None:
    """A [...] group: Python list syntax, or MATLAB `[1 2; 3 4]` (rows by ';')."""
    top = _top_level(tokens, start + 1, close)
    has_semicolon = any(tokens[k].text == ";" for k in top)
    has_comma = any(tokens[k].text == "," for k in top)
    spaced_operands = any(
        tokens[k].space_before
        and k > start + 1
        and _ends_operand(tokens[k - 1])
        and (_starts_operand(tokens[k]) or _signed_entry(tokens, k, close))
        for k in top
    )
    matlab = has_semicolon or (not has_comma and spaced_operands and implicit)
    if not matlab:
        out.emit("[", tokens[start].pos)
        _emit_sequence(text, tokens, start + 1, close, out, implicit, functions, variables)
        out.emit("]", tokens[close].pos)
        return
    # Split rows on top-level ';' and emit [[row], [row]] (or [row] for one row).
    rows: list[tuple[int, int]] = []
    row_start = start + 1
    for k in top:
        if tokens[k].text == ";":
            rows.append((row_start, k))
            row_start = k + 1
    rows.append((row_start, close))
    if rows and rows[-1][0] == rows[-1][1] and len(rows) > 1:
        rows.pop()  # a trailing ';' as in [1 2; 3 4;]
    if len(rows) == 1 and not has_semicolon:
        out.emit("[", tokens[start].pos)
        _emit_sequence(text, tokens, rows[0][0], rows[0][1], out, implicit, functions, variables,
                       matlab_row=True)
        out.emit("]", tokens[close].pos)
        return
    out.emit("[", tokens[start].pos)
    for r, (a, b) in enumerate(rows):
        if a == b:
            at = tokens[a].pos if a < close else tokens[close].pos
            raise AnswerParseError(text, at, "empty matrix row", "numbers separated by spaces")
        if r:
            out.emit(", ", tokens[a - 1].pos)
        out.emit("[", tokens[a].pos)
        _emit_sequence(text, tokens, a, b, out, implicit, functions, variables, matlab_row=True)
        out.emit("]", tokens[b - 1].pos)
    out.emit("]", tokens[close].pos)
