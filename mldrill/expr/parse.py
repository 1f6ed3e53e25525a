"""Parse an expression safely: `ast.parse`, then a whitelist, then our own tree.

User text is never given to `eval`, `exec` or `sympy.parse_expr`. It is rewritten into
Python syntax by lexer.py, parsed by `ast.parse(mode="eval")` (which only builds a tree),
and every node is checked against a whitelist and converted to mldrill.expr.nodes. Anything
else (attributes other than `.T`, dunder names, lambdas, comprehensions, strings in answers,
huge exponents) is refused with a message and a caret.

Two grammars:
- ANSWER: what students type. Implicit multiplication, `^`, MATLAB matrices; no keyword
  arguments, no comparisons chains with `and`/`or`, no subscripts.
- REFERENCE: what instructors write in YAML. Plain Python expression syntax, plus keyword
  arguments, comparisons, `and`/`or`/`not`, `a if c else b`, subscripts and strings.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from mldrill.errors import AnswerParseError
from mldrill.expr import nodes as n
from mldrill.expr.lexer import Normalized, normalize

MAX_LENGTH = 4000
MAX_DEPTH = 60
MAX_NODES = 3000
MAX_EXPONENT = 1000
MAX_NUMBER_DIGITS = 40


@dataclass(frozen=True)
class Grammar:
    name: str
    implicit_multiplication: bool
    reference: bool  # instructors' syntax: kwargs, comparisons, subscripts, strings
    matrix: bool = False  # matrix answers: `A x` must say @ or *; `K^-1` must be inv(K)


ANSWER = Grammar("answer", implicit_multiplication=True, reference=False)
MATRIX_ANSWER = Grammar("matrix answer", implicit_multiplication=True, reference=False,
                        matrix=True)
REFERENCE = Grammar("reference", implicit_multiplication=False, reference=True)


@dataclass(frozen=True)
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


_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
           ast.Mod: "%", ast.Pow: "**", ast.MatMult: "@"}
_CMPOPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
           ast.GtE: ">="}
_REFUSED = {
    ast.Lambda: "lambdas are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.Set: "sets are not allowed",
    ast.NamedExpr: "':=' is not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.Starred: "'*' unpacking is not allowed",
}


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
    _check_nesting(text)
    norm = normalize(
        text,
        implicit_multiplication=grammar.implicit_multiplication,
        functions=functions,
        variables=variables,
        strings=grammar.reference,
        matrix=grammar.matrix,
    )
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
    converter = _Converter(text, norm, grammar)
    try:
        root = converter.convert(tree.body, 0)
    except RecursionError:
        raise AnswerParseError(text, 0, "expression is too deeply nested") from None
    return Expr(root, text, grammar)


def _check_nesting(text: str) -> None:
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
            depth -= 1
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


class _Converter:
    def __init__(self, text: str, norm: Normalized, grammar: Grammar):
        self.text = text
        self.norm = norm
        self.grammar = grammar
        self.count = 0

    def pos(self, node: ast.AST) -> int:
        off = getattr(node, "col_offset", 1) - 1  # minus the '(' we added
        return self.norm.column(off)

    def fail(self, node: ast.AST, message: str, expected: str | None = None) -> AnswerParseError:
        return AnswerParseError(self.text, self.pos(node), message, expected)

    def fail_at_dot(self, node: ast.Attribute, message: str) -> AnswerParseError:
        """An error with the caret under the '.' of `value.attr`."""
        end = getattr(node.value, "end_col_offset", None)
        col = self.norm.column(end - 1) if end is not None else self.pos(node)
        return AnswerParseError(self.text, col, message)

    def convert(self, node: ast.AST, depth: int) -> n.Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"expression is too large (more than {MAX_NODES} parts)")
        if depth > MAX_DEPTH * 2:
            raise self.fail(node, "expression is too deeply nested")
        convert = _CONVERTERS.get(type(node))
        if convert is not None:
            return convert(self, node, depth + 1, self.pos(node))
        raise self.refused(node)

    def refused(self, node: ast.AST) -> AnswerParseError:
        for kind, message in _REFUSED.items():
            if isinstance(node, kind):
                return self.fail(node, message)
        return self.fail(node, f"{type(node).__name__.lower()} is not allowed here")

    def reference_only(self, node: ast.AST, message: str) -> None:
        """Refuse `node` with `message` unless the grammar is the instructors'."""
        if not self.grammar.reference:
            raise self.fail(node, message)

    def constant(self, node: ast.Constant, d: int, pos: int) -> n.Node:
        v, ref = node.value, self.grammar.reference
        if isinstance(v, bool):
            if ref:
                return n.Num(int(v), "True" if v else "False", pos=pos)
        elif isinstance(v, int | float):
            return self.number(node, v, pos)
        elif isinstance(v, str) and ref:
            return n.Str(v, pos=pos)
        elif v is None and ref:
            return n.Name("None", pos=pos)
        raise self.fail(node, "only numbers are allowed here")

    def name(self, node: ast.Name, d: int, pos: int) -> n.Node:
        name = node.id
        if name.startswith("__") or name.startswith("_") and not self.grammar.reference:
            raise self.fail(node, f"the name '{name}' is not allowed")
        return n.Name(name, pos=pos)

    def unary(self, node: ast.UnaryOp, d: int, pos: int) -> n.Node:
        o = node.operand
        match node.op:
            case ast.USub():
                inner = self.convert(o, d)
                if isinstance(inner, n.Num) and not isinstance(o, ast.UnaryOp):
                    return n.Num(-inner.value, "-" + inner.text if inner.text else "", pos=pos)
                return n.Unary("-", inner, pos=pos)
            case ast.UAdd():
                return n.Unary("+", self.convert(o, d), pos=pos)
            case ast.Not():
                self.reference_only(node, _NO_LOGIC)
                return n.Unary("not", self.convert(o, d), pos=pos)
        raise self.refused(node)

    def binary(self, node: ast.BinOp, d: int, pos: int) -> n.Node:
        sym = _BINOPS.get(type(node.op))
        if sym is None:
            raise self.fail(node, "this operator is not allowed", "+ - * / ^ @")
        left, right = self.convert(node.left, d), self.convert(node.right, d)
        if sym == "**":
            self.check_exponent(node.right, right)
        return n.Bin(sym, left, right, pos=pos)

    def compare(self, node: ast.Compare, d: int, pos: int) -> n.Node:
        ops = node.ops
        if not all(type(o) in _CMPOPS for o in ops):
            raise self.fail(node, "only == != < <= > >= comparisons are allowed")
        if not self.grammar.reference and len(ops) > 1:
            raise self.fail(node, "chained comparisons are not allowed in answers")
        operands = (self.convert(node.left, d),) + tuple(self.convert(c, d)
                                                         for c in node.comparators)
        return n.Compare(tuple(_CMPOPS[type(o)] for o in ops), operands, pos=pos)

    def bool_op(self, node: ast.BoolOp, d: int, pos: int) -> n.Node:
        self.reference_only(node, _NO_LOGIC)
        word = "and" if isinstance(node.op, ast.And) else "or"
        return n.BoolOp(word, tuple(self.convert(v, d) for v in node.values), pos=pos)

    def if_exp(self, node: ast.IfExp, d: int, pos: int) -> n.Node:
        self.reference_only(node, "'a if c else b' is not allowed in an answer")
        return n.IfExp(self.convert(node.test, d), self.convert(node.body, d),
                       self.convert(node.orelse, d), pos=pos)

    def call_node(self, node: ast.Call, d: int, pos: int) -> n.Node:
        return self.call(node, node.func, node.args, node.keywords, d, pos)

    def attribute(self, node: ast.Attribute, d: int, pos: int) -> n.Node:
        if node.attr != "T":
            raise self.fail_at_dot(node, f"'.{node.attr}' is not allowed (the only attribute "
                                         "is .T, the transpose)")
        return n.Transpose(self.convert(node.value, d), pos=pos)

    def list_node(self, node: ast.List, d: int, pos: int) -> n.Node:
        return n.ListExpr(tuple(self.convert(e, d) for e in node.elts), pos=pos)

    def tuple_node(self, node: ast.Tuple, d: int, pos: int) -> n.Node:
        return n.TupleExpr(tuple(self.convert(e, d) for e in node.elts), pos=pos)

    def subscript(self, node: ast.Subscript, d: int, pos: int) -> n.Node:
        self.reference_only(node, "indexing with [ ] is not allowed in an answer")
        return n.Subscript(self.convert(node.value, d), self.convert(node.slice, d), pos=pos)

    def slice_node(self, node: ast.Slice, d: int, pos: int) -> n.Node:
        if not self.grammar.reference:
            raise self.refused(node)
        return n.Slice(*(self.convert(x, d) if x is not None else None
                         for x in (node.lower, node.upper, node.step)), pos=pos)

    def number(self, node: ast.AST, v: int | float, pos: int) -> n.Num:
        m = _NUMBER_RE.match(self.text, self.pos(node))
        literal = m.group() if m else ""
        if isinstance(v, int) and len(str(abs(v))) > MAX_NUMBER_DIGITS:
            raise self.fail(node, f"number has more than {MAX_NUMBER_DIGITS} digits")
        value: int | float = v
        return n.Num(value, literal if _is_plain_number(literal) else "", pos=pos)

    def check_exponent(self, node: ast.AST, right: n.Node) -> None:
        if any(isinstance(x, (n.Name, n.Call, n.Subscript)) for x in n.walk(right)):
            return
        value = _const_value(right)
        if value is None or abs(value) > MAX_EXPONENT:
            raise self.fail(node, f"exponent is too large (the limit is {MAX_EXPONENT})")

    def call(self, node: ast.AST, f: ast.AST, args: list[ast.expr], kws: list[ast.keyword],
             d: int, pos: int) -> n.Call:
        if not isinstance(f, ast.Name):
            if isinstance(f, ast.Attribute):
                raise self.fail_at_dot(f, f"'.{f.attr}(...)' is not allowed: call functions "
                                          "by name, e.g. inv(K) instead of np.linalg.inv(K)")
            raise self.fail(f, "only named functions can be called")
        if f.id.startswith("_"):
            raise self.fail(f, f"the name '{f.id}' is not allowed")
        if kws and not self.grammar.reference:
            for kw in kws:  # NumPy users write sum(dY, axis=0): that one is allowed
                if kw.arg != "axis" or f.id not in _AXIS_FUNCTIONS:
                    raise self.fail(kw, "keyword arguments are not allowed in an answer "
                                        "(except axis= in sum and mean)")
        kwargs = []
        for kw in kws:
            if kw.arg is None:
                raise self.fail(kw, "'**' unpacking is not allowed")
            kwargs.append((kw.arg, self.convert(kw.value, d)))
        return n.Call(f.id, tuple(self.convert(a, d) for a in args), tuple(kwargs), pos=pos)


_NO_LOGIC = "'and', 'or' and 'not' are not allowed in an answer"

# The Python syntax an expression may use, each with its converter (a registry: anything
# not here is refused, with a message from _REFUSED where one fits).
_CONVERTERS: dict[type[ast.AST], Callable[..., n.Node]] = {
    ast.Constant: _Converter.constant, ast.Name: _Converter.name,
    ast.UnaryOp: _Converter.unary, ast.BinOp: _Converter.binary,
    ast.Compare: _Converter.compare, ast.BoolOp: _Converter.bool_op,
    ast.IfExp: _Converter.if_exp, ast.Call: _Converter.call_node,
    ast.Attribute: _Converter.attribute, ast.List: _Converter.list_node,
    ast.Tuple: _Converter.tuple_node, ast.Subscript: _Converter.subscript,
    ast.Slice: _Converter.slice_node,
}

_AXIS_FUNCTIONS = frozenset({"sum", "mean"})
_NUMBER_RE = re.compile(r"(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")


def _is_plain_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _const_value(node: n.Node) -> float | None:
    """Value of a constant subtree (numbers and arithmetic only), bounded; None if huge."""
    match node:
        case n.Num(value=v):
            return float(v)
        case n.Unary(op=op, operand=o):
            inner = _const_value(o)
            return None if inner is None else (-inner if op == "-" else inner)
        case n.Bin(op=op, left=a, right=b):
            x, y = _const_value(a), _const_value(b)
            if x is None or y is None:
                return None
            try:
                if op == "**":
                    if abs(y) > MAX_EXPONENT:
                        return None
                    r = abs(x) ** y
                    return r if r < 1e300 else None
                if op in n.ARITHMETIC:
                    return n.ARITHMETIC[op](x, y)
            except (ZeroDivisionError, OverflowError):
                return None
            return 0.0
    return 0.0


def suggest(name: str, known: Collection[str]) -> str:
    """' (did you mean 'x'?)' or ''."""
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


@lru_cache(maxsize=8192)
def parse_reference(text: str) -> Expr:
    """parse(text, REFERENCE), memoised: a bank's expressions are parsed once per process
    (trees are immutable), not once per draw, render or check."""
    return parse(text, REFERENCE)
