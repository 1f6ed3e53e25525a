"""The whitelist: Python's `ast`, node by node, into our expression tree.

parse.py has Python parse the (normalized) text; every node of the result then goes through
`Converter.convert`, which knows a converter per allowed node type (`_CONVERTERS`) and
refuses anything else with a message and a caret under it. Limits on size, depth, exponents
and digits are enforced here, as the tree is built.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from mldrill.errors import AnswerParseError
from mldrill.expr import nodes as n
from mldrill.expr.lexer import Normalized
from mldrill.patterns import lazy

MAX_DEPTH = 60
MAX_NODES = 3000
MAX_EXPONENT = 1000
MAX_NUMBER_DIGITS = 40

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


class Converter:
    """Converts one parsed text; `reference` allows the instructors' syntax (keyword
    arguments, comparisons, `and`/`or`/`not`, `a if c else b`, subscripts, strings)."""

    def __init__(self, text: str, norm: Normalized, reference: bool, matrix: bool = False):
        self.text = text
        self.norm = norm
        self.reference = reference
        self.matrix = matrix  # a matrix answer: A⁻¹ is inv(A), not a power
        self.count = 0

    def marked(self, after: ast.AST, before: ast.AST, mark: str) -> bool:
        """Did the lexer mark an operator with `mark` between the end of `after` and the
        start of `before`? (ast offsets count the '(' parse.py adds.)"""
        start = getattr(after, "end_col_offset", None)
        end = getattr(before, "col_offset", None)
        if not self.norm.marks or start is None or end is None:
            return False
        return any(self.norm.marks.get(k) == mark for k in range(start - 1, end - 1))

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
        if not self.reference:
            raise self.fail(node, message)

    def constant(self, node: ast.Constant, d: int, pos: int) -> n.Node:
        v, ref = node.value, self.reference
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
        if name.startswith("__") or name.startswith("_") and not self.reference:
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
        implicit = sym == "*" and self.marked(node.left, node.right, "paper")
        return n.Bin(sym, left, right, implicit, pos=pos)

    def compare(self, node: ast.Compare, d: int, pos: int) -> n.Node:
        ops = node.ops
        if not all(type(o) in _CMPOPS for o in ops):
            raise self.fail(node, "only == != < <= > >= comparisons are allowed")
        if not self.reference and len(ops) > 1:
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
        end = getattr(node, "end_col_offset", 0)
        if node.attr == "I" and self.norm.marks.get(end - 3) == "inverse":  # the '.' of .I
            # A⁻¹ (or LaTeX A^{-1}): the inverse of a matrix in a matrix answer, else a power
            value = self.convert(node.value, d)
            if self.matrix:
                return n.Call("inv", (value,), pos=pos)
            if any(isinstance(x, n.ListExpr) for x in n.walk(value)):
                # never the elementwise reciprocal; and a numeric answer is worked out
                raise AnswerParseError(self.text, self.norm.column(end - 3), "the inverse "
                                       "of a matrix cannot be typed here: work out its "
                                       "entries")
            return n.Bin("**", value, n.Num(-1), pos=pos)
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
        if not self.reference:
            raise self.refused(node)
        return n.Slice(*(self.convert(x, d) if x is not None else None
                         for x in (node.lower, node.upper, node.step)), pos=pos)

    def number(self, node: ast.AST, v: int | float, pos: int) -> n.Num:
        m = _NUMBER_RE.match(self.text, self.pos(node))
        literal = m.group() if m else ""
        if isinstance(v, int) and len(str(abs(v))) > MAX_NUMBER_DIGITS:
            raise self.fail(node, f"number has more than {MAX_NUMBER_DIGITS} digits")
        value: int | float = v
        # the text as typed, for exact conversion (2.5 -> 5/2); not when the typed text is
        # not this number (LaTeX x^23 is x**2 * 3; x² is x**2)
        plain = _is_plain_number(literal) and float(literal) == float(v)
        return n.Num(value, literal if plain else "", pos=pos)

    def check_exponent(self, node: ast.AST, right: n.Node) -> None:
        if any(isinstance(x, (n.Name, n.Call, n.Subscript)) for x in n.walk(right)):
            return
        value = _const_value(right)
        if value is None or abs(value) > MAX_EXPONENT:
            raise self.fail(node, f"exponent is too large (the limit is {MAX_EXPONENT})")

    def call(self, node: ast.AST, f: ast.AST, args: list[ast.expr], kws: list[ast.keyword],
             d: int, pos: int) -> n.Call:
        if isinstance(f, ast.Attribute) and f.attr in METHODS:
            # NumPy's methods as their functions: A.dot(B) is dot(A, B), dY.sum(axis=0) is
            # sum(dY, axis=0)
            return self.call(node, ast.Name(METHODS[f.attr], ctx=ast.Load(), lineno=0,
                                            col_offset=f.value.col_offset,
                                            end_col_offset=f.value.col_offset),
                             [f.value, *args], kws, d, pos)
        if not isinstance(f, ast.Name):
            if isinstance(f, ast.Attribute):
                raise self.fail_at_dot(f, f"'.{f.attr}(...)' is not allowed: call functions "
                                          "by name, e.g. inv(K) instead of np.linalg.inv(K) "
                                          f"(methods that work: "
                                          f"{', '.join('.' + m for m in sorted(METHODS))})")
            raise self.fail(f, "only named functions can be called")
        if f.id.startswith("_"):
            raise self.fail(f, f"the name '{f.id}' is not allowed")
        if kws and not self.reference:
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

# NumPy array methods read as the function of the same meaning (an allow-list).
METHODS = {"dot": "dot", "sum": "sum", "mean": "mean", "transpose": "transpose",
           "trace": "trace", "max": "max", "min": "min"}

# The Python syntax an expression may use, each with its converter (a registry: anything
# not here is refused, with a message from _REFUSED where one fits).
_CONVERTERS: dict[type[ast.AST], Callable[..., n.Node]] = {
    ast.Constant: Converter.constant, ast.Name: Converter.name,
    ast.UnaryOp: Converter.unary, ast.BinOp: Converter.binary,
    ast.Compare: Converter.compare, ast.BoolOp: Converter.bool_op,
    ast.IfExp: Converter.if_exp, ast.Call: Converter.call_node,
    ast.Attribute: Converter.attribute, ast.List: Converter.list_node,
    ast.Tuple: Converter.tuple_node, ast.Subscript: Converter.subscript,
    ast.Slice: Converter.slice_node,
}

_AXIS_FUNCTIONS = frozenset({"sum", "mean"})
_NUMBER_RE = lazy(r"(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")


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
