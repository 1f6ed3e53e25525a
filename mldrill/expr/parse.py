"""Parse an expression safely: `ast.parse`, then a whitelist, then our own tree.

User text is never given to `eval`, `exec` or `sympy.parse_expr`. It is rewritten into
Python syntax by lexer.py, parsed by `ast.parse(mode="eval")` (which only builds a tree),
and every node is checked against a whitelist and converted to mldrill.expr.nodes
(convert.py). Anything else (attributes other than `.T`, dunder names, lambdas,
comprehensions, strings in answers, huge exponents) is refused with a message and a caret.

LaTeX in an answer (`\\frac{1}{2}`, `A^\\top x`) is first translated into the answer
language by latex.py (an allow-list of commands, never expanded).

Two grammars:
- ANSWER: what students type. Implicit multiplication, `^`, MATLAB matrices; no keyword
  arguments, no comparisons chains with `and`/`or`, no subscripts.
- REFERENCE: what instructors write in YAML. Plain Python expression syntax, plus keyword
  arguments, comparisons, `and`/`or`/`not`, `a if c else b`, subscripts and strings.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from mldrill.errors import AnswerParseError
from mldrill.expr import nodes as n
from mldrill.record import field, record

if TYPE_CHECKING:
    from mldrill.expr.lexer import Normalized

# The lexer and the converter are imported by the first parse: a command whose reference
# trees all come from the bank cache (show, a dealt problem) never loads them.

MAX_LENGTH = 4000


@record(frozen=True)
class Grammar:
    name: str
    implicit_multiplication: bool
    reference: bool  # instructors' syntax: kwargs, comparisons, subscripts, strings
    matrix: bool = False  # matrix answers: `A x` must say @ or *; `K^-1` must be inv(K)


ANSWER = Grammar("answer", implicit_multiplication=True, reference=False)
MATRIX_ANSWER = Grammar("matrix answer", implicit_multiplication=True, reference=False,
                        matrix=True)
REFERENCE = Grammar("reference", implicit_multiplication=False, reference=True)


@record(frozen=True)
class Expr:
    """A parsed expression: the tree plus the text it came from."""

    root: n.Node
    source: str
    grammar: Grammar = field(default=ANSWER, compare=False)

    @cached_property
    def text(self) -> str:
        """Canonical text, e.g. `2*x**2` for `2x^2` ("read as ...")."""
        return n.to_text(self.root)

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(x.id for x in n.walk(self.root) if isinstance(x, n.Name))

    @cached_property
    def calls(self) -> frozenset[str]:
        return frozenset(x.func for x in n.walk(self.root) if isinstance(x, n.Call))

    def __str__(self) -> str:
        return self.text


def parse(
    text: str,
    grammar: Grammar = ANSWER,
    *,
    functions: Collection[str] = (),
    variables: Collection[str] = (),
) -> Expr:
    """Parse `text` under `grammar`; raise AnswerParseError pointing at the problem.

    `functions` and `variables` are the names known where the text will be evaluated: they
    decide whether `s(1-s)` is a product or a call, and feed "did you mean" suggestions.
    Unknown names are *not* an error here (see `check_names`).
    """
    if not isinstance(text, str):
        raise AnswerParseError(str(text), 0, "expected text")
    if len(text) > MAX_LENGTH:
        raise AnswerParseError(text[:80], 80, f"too long ({len(text)} characters; the limit "
                               f"is {MAX_LENGTH})")
    if not text.strip():
        raise AnswerParseError(text, 0, "empty answer", "an expression")
    from mldrill.expr.convert import Converter

    norm = _normalize(text, grammar, functions, variables)
    try:
        tree = ast.parse(norm.source.strip() and "(" + norm.source + "\n)", mode="eval")
    except SyntaxError as exc:
        offset = (exc.offset or 1) - 2  # minus the '(' we added, 1-based -> 0-based
        if exc.lineno and exc.lineno > 1:
            offset = len(norm.source)
        elif exc.end_offset and "forgot a comma" in (exc.msg or ""):
            offset = _second_operand(norm.source, offset, exc.end_offset - 2)  # `x 2`: at 2
        elif exc.end_offset and "instead of '='" in (exc.msg or ""):
            eq = norm.source.find("=", max(offset, 0), exc.end_offset - 2)  # `y = 2x`: at =
            offset = eq if eq >= 0 else offset
        message = _syntax_message(exc, norm, offset)
        expected = "an operator (+ - * / ^) between them" if message.startswith("two ") \
            else _expected(norm, offset)
        raise AnswerParseError(text, norm.column(offset), message, expected) from None
    except (RecursionError, MemoryError, ValueError):
        raise AnswerParseError(text, 0, "expression is too deeply nested") from None
    converter = Converter(text, norm, grammar.reference, grammar.matrix)
    try:
        root = converter.convert(tree.body, 0)
    except RecursionError:
        raise AnswerParseError(text, 0, "expression is too deeply nested") from None
    return Expr(root, text, grammar)


def _normalize(text: str, grammar: Grammar, functions: Collection[str],
               variables: Collection[str]) -> Normalized:
    """The lexer's reading of `text`; LaTeX in an answer is first translated into the
    answer language (latex.py), and every column mapped back to what was typed."""
    from mldrill.expr.lexer import Normalized, normalize

    origin: list[int] | None = None
    source = text
    if not grammar.reference:  # answers only: references are never LaTeX
        from mldrill.expr.latex import looks_like_latex, translate

        if looks_like_latex(text):
            translation = translate(text, functions=functions, variables=variables,
                                    matrix=grammar.matrix)
            source, origin = translation.source, translation.origin
    try:
        _check_nesting(source)
        norm = normalize(
            source,
            implicit_multiplication=grammar.implicit_multiplication,
            functions=functions,
            variables=variables,
            strings=grammar.reference,
            matrix=grammar.matrix,
        )
    except AnswerParseError as exc:
        if origin is None:
            raise
        raise AnswerParseError(text, _back(origin, exc.col, len(text)), exc.message,
                               exc.expected) from None
    if origin is None:
        return norm
    return Normalized(norm.source, [_back(origin, c, len(text)) for c in norm.origin], text,
                      norm.marks)


def _back(origin: list[int], col: int, end: int) -> int:
    """The typed column of column `col` of a translation (its end is the text's end)."""
    return origin[col] if 0 <= col < len(origin) else end


def _check_nesting(text: str) -> None:
    from mldrill.expr.convert import MAX_DEPTH

    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
            if depth > MAX_DEPTH:
                raise AnswerParseError(text, i, f"brackets nested more than {MAX_DEPTH} deep")
        elif ch in ")]":
            depth -= 1


def _second_operand(src: str, start: int, end: int) -> int:
    """Where the second of two operands with nothing between them starts (`x 2`, `[1]3`):
    Python reports the whole range, the caret belongs under the second."""
    depth = 0
    ended = False  # an operand has just ended, outside brackets
    for i in range(max(start, 0), min(end, len(src))):
        ch = src[i]
        if depth == 0 and ended and (ch.isalnum() or ch in "_([.") and \
                (src[i - 1].isspace() or src[i - 1] in ")]"):
            return i
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(depth - 1, 0)  # Python's range may start inside a bracket
            ended = depth == 0
        elif depth == 0 and not ch.isspace():
            ended = ch.isalnum() or ch in "_."
    return start


def _syntax_message(exc: SyntaxError, norm: Normalized, offset: int) -> str:
    msg = exc.msg or "invalid syntax"
    if "was never closed" in msg or "unexpected EOF" in msg:
        return "the expression ends too early"
    if msg.startswith("invalid syntax") or msg.startswith("invalid decimal"):
        src = norm.source
        if offset >= len(src.rstrip()):
            return "the expression ends too early"
        if "forgot a comma" in msg:
            return "two numbers or names in a row: an operator is missing here"
        return "cannot read this"
    if "unmatched" in msg:
        return msg.replace("unmatched", "unmatched bracket")
    return msg.split(". ")[0].rstrip(".")


def _expected(norm: Normalized, offset: int) -> str | None:
    src = norm.source.rstrip()
    if offset >= len(src):
        last = src[-1:] if src else ""
        if last in "+-*/@(,[" or src.endswith("**"):
            return "a number, name or '(' after the operator"
        return None
    return "an operator (+ - * / ^) or a number, name or bracket"


def suggest(name: str, known: Collection[str]) -> str:
    """' (did you mean 'x'?)' or ''."""
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_names(
    expr: Expr,
    *,
    variables: Collection[str],
    functions: Collection[str],
    forbidden: dict[str, str] | None = None,
) -> None:
    """Refuse names and calls that are not known here, pointing at the first one."""
    forbidden = forbidden or {}
    for node in n.walk(expr.root):
        if isinstance(node, n.Call):
            if node.func in forbidden:
                raise AnswerParseError(expr.source, node.pos, forbidden[node.func])
            if node.func not in functions:
                hint = suggest(node.func, functions)
                if node.func in variables:
                    raise AnswerParseError(expr.source, node.pos,
                                           f"'{node.func}' is a variable, not a function; "
                                           f"write {node.func}*(...) for a product")
                raise AnswerParseError(expr.source, node.pos,
                                       f"unknown function '{node.func}'{hint}")
        elif isinstance(node, n.Name):
            if node.id in variables:
                continue
            if node.id in functions:
                raise AnswerParseError(expr.source, node.pos,
                                       f"'{node.id}' is a function: write {node.id}(...)")
            head = node.id.rstrip("0123456789")
            if len(set(node.id)) > 1 and all(c in variables for c in node.id):
                hint = f" (did you mean {'*'.join(node.id)}?)"  # xy: a product, not y
            elif head in variables and head != node.id:
                power = node.id[len(head):]
                hint = f" (did you mean {head}^{power} or {power}*{head}?)"  # x2
            else:
                hint = suggest(node.id, variables)
            raise AnswerParseError(expr.source, node.pos, f"unknown name '{node.id}'{hint}")


def parse_reference(text: str) -> Expr:
    """parse(text, REFERENCE), memoised: a bank's expressions are parsed once per process
    (trees are immutable), not once per draw, render or check; and, through the bank cache,
    once per checked family (`known_references`)."""
    for texts in _RECORDING:
        texts.add(text)
    tree = _KNOWN.get(text)
    return tree if tree is not None else _parse_reference(text)


@lru_cache(maxsize=8192)
def _parse_reference(text: str) -> Expr:
    return parse(text, REFERENCE)


# trees read back from the bank cache, by text (bank/cache.py)
_KNOWN: dict[str, Expr] = {}
_RECORDING: list[set[str]] = []


def known_references(trees: Mapping[str, Expr]) -> None:
    """Take these trees as the parses of their texts (the bank cache's, made by this very
    parser: its key covers mldrill's code)."""
    _KNOWN.update(trees)


@contextmanager
def recording_references() -> Iterator[set[str]]:
    """The texts parse_reference is asked for inside the block (what a family's check
    parses: the bank cache keeps their trees with the family)."""
    texts: set[str] = set()
    _RECORDING.append(texts)
    try:
        yield texts
    finally:
        _RECORDING.remove(texts)
