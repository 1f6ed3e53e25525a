"""Translate a LaTeX answer into the ordinary answer language, keeping every column.

Students copy maths from their notes and from rendered solutions: `\\frac{1}{2}\\sigma(z)`,
`(A + A^\\top)\\mathbf{x}`, `\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}`. This module
rewrites such text into what lexer.py reads (`((1)/(2))sigma(z)`, `(A + Aᵀ)x`,
`([[(1), (2)], [(3), (4)]])`) and records, for every output character, the column of the
input it came from, so that every later error puts its caret under what was typed.

Nothing is evaluated or expanded: commands are an allow-list (latex_commands.py); anything
else (`\\input`, `\\def`, an unknown macro) is refused with the caret under its backslash.
One pass over the tokens, with nesting bounded, so any input is read in linear time.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from mldrill.errors import AnswerParseError
from mldrill.expr import latex_commands as cmd
from mldrill.expr import latex_rules as rules
from mldrill.expr.symbols import subscripted
from mldrill.record import record

MAX_DEPTH = 60  # as convert.MAX_DEPTH: braces and arguments nested deeper are refused

_TOKEN_RE = re.compile(r"\\(?:[A-Za-z]+|.)|\s+|[A-Za-z][A-Za-z0-9]*|\d+\.?\d*|\.\d+|.", re.S)
_TRANSPOSE = frozenset({"T", "\\top", "\\intercal", "\\mathsf{T}", "\\mathrm{T}",
                        "\\text{T}", "{T}", "{\\top}"})


def looks_like_latex(text: str) -> bool:
    """LaTeX by its syntax: a backslash command, a braced script (`x^{2}`), or `$...$`."""
    stripped = text.strip()
    return ("\\" in text or "^{" in text or "_{" in text
            or (len(stripped) > 1 and stripped[0] == "$" and stripped[-1] == "$"))


@record(frozen=True)
class Translation:
    """Answer-language source, and for each of its characters the input column."""

    source: str
    origin: list[int]


@record(frozen=True)
class Tok:
    kind: str  # cmd (\name), sym (\ and one character), space, word, number, char
    text: str
    pos: int


@record
class Env:
    name: str
    pos: int
    cell: int  # where the current entry starts in the output


def _tokens(text: str) -> list[Tok]:
    out = []
    for m in _TOKEN_RE.finditer(text):
        t = m.group()
        if t.startswith("\\") and len(t) > 1:
            kind = "cmd" if t[1].isalpha() else "sym"
        elif t.isspace():
            kind = "space"
        elif t[0].isalpha():
            kind = "word"
        elif t[0].isdigit() or (t[0] == "." and len(t) > 1):
            kind = "number"
        else:
            kind = "char"
        out.append(Tok(kind, t, m.start()))
    return out


def translate(text: str, *, functions: Collection[str] = (),
              variables: Collection[str] = (), matrix: bool = False) -> Translation:
    """The answer-language reading of LaTeX `text`; AnswerParseError (caret in `text`) for
    anything not on the allow-list, unbalanced braces or nesting deeper than MAX_DEPTH."""
    t = Translator(text, set(functions), set(variables), matrix)
    t.run()
    return Translation("".join(t.out), t.origin)


class Translator:
    """One translation: reads tokens left to right, emits answer-language text and, per
    character, the input column (latex_rules.py translates the commands)."""

    def __init__(self, text: str, functions: set[str], variables: set[str], matrix: bool):
        self.text = text
        self.functions = functions
        self.variables = variables
        self.matrix = matrix
        self.toks = _tokens(text)
        self.match = self._braces()
        self.i = 0
        self.depth = 0
        self.out: list[str] = []
        self.origin: list[int] = []
        self.name_at: int | None = None  # where the name the output ends with starts
        self.bars: dict[str, int | None] = {"|": None, "\\|": None}  # an open |x| or \|x\|

    # -- output --------------------------------------------------------------------------
    def fail(self, pos: int, message: str, expected: str | None = None) -> AnswerParseError:
        return AnswerParseError(self.text, pos, message, expected)

    def emit(self, s: str, pos: int, name: bool = False) -> None:
        if not s:
            return
        last = self.out[-1] if self.out else ""
        if _word_char(last) and _word_char(s[0]):
            self.out.append(" ")  # \alpha x, \lambda2: never glued into one name
            self.origin.append(pos)
        start = len(self.out)
        self.out.extend(s)
        self.origin.extend([pos] * len(s))
        if name:
            self.name_at = start
        elif not s.isspace():
            self.name_at = None

    def last_name(self) -> str | None:
        if self.name_at is None:
            return None
        return "".join(self.out[self.name_at:]).strip()

    def drop_name(self) -> None:
        """Remove the name the output ends with (to rewrite it: x_1, e^{x})."""
        assert self.name_at is not None
        del self.out[self.name_at:]
        del self.origin[self.name_at:]
        self.name_at = None

    # -- reading ---------------------------------------------------------------------------
    def _braces(self) -> dict[int, int]:
        """Index of the '}' matching each '{' (and back); unbalanced or deep braces fail."""
        match: dict[int, int] = {}
        stack: list[int] = []
        for k, tok in enumerate(self.toks):
            if tok.text == "{":
                stack.append(k)
                if len(stack) > MAX_DEPTH:
                    raise self.fail(tok.pos, f"braces nested more than {MAX_DEPTH} deep")
            elif tok.text == "}":
                if not stack:
                    raise self.fail(tok.pos, "this '}' closes nothing")
                match[stack.pop()] = k
        if stack:
            raise self.fail(self.toks[stack[-1]].pos, "this '{' is never closed", "'}'")
        return match

    def peek(self) -> Tok | None:
        """The next token that is not a space (the position is left on it)."""
        while self.i < len(self.toks) and self.toks[self.i].kind == "space":
            self.i += 1
        return self.toks[self.i] if self.i < len(self.toks) else None

    def at_end_pos(self) -> int:
        return self.toks[self.i].pos if self.i < len(self.toks) else len(self.text)

    def run(self) -> None:
        self.seq(len(self.toks), None)
        for bar, opened in self.bars.items():
            if opened is not None:
                raise self.fail(opened, f"this '{bar}' is never closed", f"'{bar}'")
        if not "".join(self.out).strip():
            raise self.fail(0, "nothing to read: no maths in this LaTeX", "an expression")

    def seq(self, end: int, env: Env | None) -> None:
        """Translate tokens up to index `end` (or, in an environment, up to its \\end)."""
        while self.i < end:
            tok = self.toks[self.i]
            if tok.text == "\\end":
                if env is None:
                    raise self.fail(tok.pos, "\\end without a \\begin")
                return
            self.one(env)
        if env is not None:
            raise self.fail(env.pos, f"\\begin{{{env.name}}} is never ended",
                            f"\\end{{{env.name}}}")

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(pos, f"LaTeX nested more than {MAX_DEPTH} deep")

    def one(self, env: Env | None = None) -> None:
        """Translate the token at self.i (and the arguments it takes)."""
        tok = self.toks[self.i]
        self.i += 1
        kind, t, pos = tok.kind, tok.text, tok.pos
        if kind == "space":
            self.emit(" ", pos)
        elif kind == "word":
            self.emit(t, pos, name=True)
        elif kind == "number":
            self.emit(t, pos)
        elif t == "{":
            self.group(self.i - 1, wrap=True)
        elif t == "^":
            self.superscript(pos)
        elif t == "_":
            self.subscript(pos)
        elif t == "&" or t == "\\\\":
            self.separator(tok, env)
        elif t == "$":
            pass  # $...$ around maths
        elif t in self.bars:
            self.bar(t, pos)
        elif t == "~":
            self.emit(" ", pos)
        elif kind == "sym":
            if t[1:] not in cmd.SYMBOLS:
                raise self.fail(pos, f"'{t}' cannot be read in an answer")
            self.emit(cmd.SYMBOLS[t[1:]], pos)
        elif kind == "cmd":
            self.command(t[1:], pos, env)
        elif t == "\\":
            raise self.fail(pos, "a lone backslash", "a command such as \\frac")
        else:
            self.emit(t, pos)

    def bar(self, t: str, pos: int) -> None:
        """|x| is abs(x) and \\|x\\| is norm(x): a bar opens, the next one closes."""
        if self.bars[t] is None:
            self.bars[t] = pos
            self.emit("abs(" if t == "|" else "norm(", pos)
        else:
            self.bars[t] = None
            self.emit(")", pos)

    def group(self, k: int, wrap: bool) -> None:
        """The brace group opening at token k: its translation, in brackets if `wrap`."""
        close = self.match[k]
        self.enter(self.toks[k].pos)
        start = len(self.out)
        if wrap:
            self.emit("(", self.toks[k].pos)
        self.i = k + 1
        self.seq(close, None)
        if wrap and not "".join(self.out[start + 1:]).strip():
            del self.out[start:]  # {} is nothing (as in {}^T)
            del self.origin[start:]
        elif wrap:
            self.emit(")", self.toks[close].pos)
        self.i = close + 1
        self.depth -= 1

    def argument(self, pos: int, what: str, wrap: bool = True) -> None:
        """One argument of a command or script, in brackets if `wrap`: a brace group or a
        single token (LaTeX's rule: `x^23` is x² 3, `\\frac12` is 1/2)."""
        tok = self.peek()
        if tok is None or tok.text in ("}", "&", "\\\\", "\\end", "^", "_"):
            raise self.fail(tok.pos if tok else len(self.text), f"{what} needs an argument",
                            "{...}")
        if tok.text == "{":
            self.group(self.i, wrap)
            return
        self.enter(tok.pos)
        if wrap:
            self.emit("(", tok.pos)
        if tok.kind in ("word", "number") and len(tok.text) > 1:
            # one character only; the rest stays for what follows
            self.toks[self.i] = _rest(tok)
            self.emit(tok.text[0], tok.pos, name=tok.kind == "word")
        else:
            self.one()
        if wrap:
            self.emit(")", tok.pos)
        self.depth -= 1

    def raw(self) -> str:
        """The next argument's text with spaces removed, without reading it."""
        tok = self.peek()
        if tok is None:
            return ""
        if tok.text == "{":
            close = self.match[self.i]
            return "".join(x.text for x in self.toks[self.i + 1:close]
                           if x.kind != "space")
        return tok.text

    def skip_argument(self) -> None:
        tok = self.peek()
        if tok is not None:
            self.i = self.match[self.i] + 1 if tok.text == "{" else self.i + 1

    # -- scripts ---------------------------------------------------------------------------
    def superscript(self, pos: int) -> None:
        tok = self.peek()
        if tok is not None and tok.text in ("-", "("):
            self.emit("^", pos)  # x^-1, x^(2): as in plain answers
            return
        base = self.last_name()
        if base == "e" and "e" not in self.variables:
            self.drop_name()
            self.emit("exp", pos)
            self.argument(pos, "e^", wrap=True)
            return
        raw = self.raw()
        if raw in _TRANSPOSE and not (raw in ("T", "{T}") and "T" in self.variables):
            self.skip_argument()
            self.emit("ᵀ", pos)
        elif raw in ("-1", "{-1}"):
            self.skip_argument()
            self.emit("⁻¹", pos)  # inv(A) in a matrix answer, a power otherwise
        elif raw in ("-T", "-\\top", "-\\intercal"):
            self.skip_argument()
            self.emit("⁻¹ᵀ", pos)
        elif self.matrix and raw.startswith("-"):
            raise self.fail(pos, "a negative power other than ^{-1} is elementwise here",
                            "inv(K) @ inv(K) for the inverse squared")
        else:
            self.emit("^", pos)
            self.argument(pos, "^", wrap=True)

    def subscript(self, pos: int) -> None:
        base = self.last_name()
        if base is None:
            raise self.fail(pos, "a subscript must follow a name, as in x_1")
        raw = self.raw().strip("{}")
        if not raw.isalnum() or not raw.isascii():
            raise self.fail(pos, "a subscript can only be letters and digits here, as in "
                                 "x_1 or w_{12}")
        tok = self.peek()
        if tok is not None and tok.text != "{" and len(tok.text) > 1:
            raw = raw[0]  # x_12 is x₁2, as LaTeX writes it
            self.toks[self.i] = _rest(tok)
        else:
            self.skip_argument()
        at = self.origin[self.name_at] if self.name_at is not None else pos
        self.drop_name()
        self.emit(subscripted(base, raw, self.variables), at, name=True)

    def separator(self, tok: Tok, env: Env | None) -> None:
        """`&` between entries and `\\\\` between rows of a matrix environment."""
        if env is None:
            what = "'&' separates entries" if tok.text == "&" else "'\\\\' separates rows"
            raise self.fail(tok.pos, f"{what} and only goes inside \\begin{{bmatrix}} ... "
                                     "\\end{bmatrix}")
        self.check_entry(env, tok.pos)
        if tok.text == "&":
            self.emit("), (", tok.pos)
        else:
            nxt = self.peek()
            if nxt is not None and nxt.text == "\\end":
                return  # a trailing \\ before \end
            self.emit(")], [(", tok.pos)
        env.cell = len(self.out)

    def check_entry(self, env: Env, pos: int) -> None:
        if not "".join(self.out[env.cell:]).strip():
            raise self.fail(pos, "empty matrix entry", "a number or expression")

    # -- commands --------------------------------------------------------------------------

    def command(self, name: str, pos: int, env: Env | None) -> None:
        rules.command(self, name, pos, env)

    def new_env(self, name: str, pos: int) -> Env:
        return Env(name, pos, len(self.out))


def _word_char(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c == "_")


def _rest(tok: Tok) -> Tok:
    """What is left of a word or number after its first character was taken."""
    rest = tok.text[1:]
    kind = "word" if rest[0].isalpha() else "number" if rest[0].isdigit() or len(rest) > 1 \
        else "char"
    return Tok(kind, rest, tok.pos + 1)
