"""The expression tree: a small, closed set of node types.

Everything mldrill evaluates (a student's answer, an instructor's reference, a derived
parameter) is one of these trees. They are built only by parse.py from a whitelisted
subset of Python's `ast`, so an evaluator walking them can do nothing but arithmetic and
calls to functions it was explicitly given.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator

from mldrill.record import field, fields, record, replace


@record(frozen=True)
class Node:
    pos: int = field(default=0, compare=False, kw_only=True)


@record(frozen=True)
class Num(Node):
    value: int | float
    text: str = field(default="", compare=False)


@record(frozen=True)
class Str(Node):
    value: str


@record(frozen=True)
class Name(Node):
    id: str


@record(frozen=True)
class Unary(Node):
    op: str  # '-', '+', 'not'
    operand: Node


@record(frozen=True)
class Bin(Node):
    op: str  # + - * / // % ** @
    left: Node
    right: Node
    # a product written as on paper (`A x`, `2x`, `a·b`): a scalar product when either side
    # is a number, else a matrix product; printed `*` and equal to an ordinary `*`
    implicit: bool = field(default=False, compare=False)


@record(frozen=True)
class Compare(Node):
    ops: tuple[str, ...]
    operands: tuple[Node, ...]


@record(frozen=True)
class BoolOp(Node):
    op: str  # 'and' | 'or'
    values: tuple[Node, ...]


@record(frozen=True)
class IfExp(Node):
    test: Node
    body: Node
    orelse: Node


@record(frozen=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]
    kwargs: tuple[tuple[str, Node], ...] = ()


@record(frozen=True)
class Transpose(Node):
    operand: Node


@record(frozen=True)
class ListExpr(Node):
    items: tuple[Node, ...]


@record(frozen=True)
class TupleExpr(Node):
    items: tuple[Node, ...]


@record(frozen=True)
class Slice(Node):
    lower: Node | None
    upper: Node | None
    step: Node | None


@record(frozen=True)
class Subscript(Node):
    value: Node
    index: Node


# The scalar arithmetic operators, shared by every interpreter of the tree (numeric
# evaluation, constant folding, sympy), so that they all mean the same thing.
ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
              "**": operator.pow}


def walk(node: Node) -> Iterator[Node]:
    """Yield node and all its descendants."""
    yield node
    for child in children(node):
        yield from walk(child)


def children(node: Node) -> tuple[Node, ...]:
    match node:
        case Unary(operand=o) | Transpose(operand=o):
            return (o,)
        case Bin(left=a, right=b):
            return (a, b)
        case Compare(operands=ops):
            return ops
        case BoolOp(values=vs):
            return vs
        case IfExp(test=t, body=b, orelse=o):
            return (t, b, o)
        case Call(args=args, kwargs=kw):
            return args + tuple(v for _, v in kw)
        case ListExpr(items=items) | TupleExpr(items=items):
            return items
        case Slice(lower=a, upper=b, step=c):
            return tuple(x for x in (a, b, c) if x is not None)
        case Subscript(value=v, index=i):
            return (v, i)
    return ()


def substitute(node: Node, names: dict[str, Node]) -> Node:
    """A copy of the tree with each Name in `names` replaced by its tree."""

    if isinstance(node, Name):
        return names.get(node.id, node)
    return map_children(node, lambda child: substitute(child, names))


def map_children(node: Node, fn: Callable[[Node], Node]) -> Node:
    """A copy of `node` with `fn` applied to each direct child (the node itself when no
    child changes)."""
    changes: dict[str, object] = {}
    for f in fields(node):
        v = getattr(node, f.name)
        if isinstance(v, Node):
            changes[f.name] = fn(v)
        elif isinstance(v, tuple) and v and all(isinstance(x, Node) for x in v):
            changes[f.name] = tuple(fn(x) for x in v)
        elif isinstance(v, tuple) and v and all(isinstance(x, tuple) for x in v):
            changes[f.name] = tuple((k, fn(x)) for k, x in v)
    return replace(node, **changes) if changes else node


def folded(node: Node) -> Node:
    """The tree with arithmetic on whole numbers worked out, for showing: `(8 - 4)*log(1 -
    t)` is `4*log(1 - t)` (only exact whole results: 6/4 stays a fraction as typed)."""

    node = map_children(node, folded)
    if isinstance(node, Unary) and node.op == "-" and _whole(node.operand):
        value = -int(node.operand.value)  # type: ignore[attr-defined]
        return Num(value, str(value), pos=node.pos) if value >= 0 else node
    if isinstance(node, Bin) and _whole(node.left) and _whole(node.right):
        a, b = int(node.left.value), int(node.right.value)  # type: ignore[attr-defined]
        result = {"+": a + b, "-": a - b, "*": a * b}.get(node.op)
        if node.op == "/" and b and a % b == 0:
            result = a // b
        if node.op == "**" and 0 <= b <= 8 and abs(a) <= 1000:
            result = a ** b
        if result is not None and result >= 0 and abs(result) < 10 ** 12:
            return Num(result, str(result), pos=node.pos)
    return node


def _whole(node: Node) -> bool:
    return isinstance(node, Num) and isinstance(node.value, int) and \
        not isinstance(node.value, bool)


def typable(node: Node) -> Node:
    """The tree with Python's conditional `a if c else b` written as `where(c, a, b)`, which
    a student can type (an answer key must be typable)."""

    if isinstance(node, IfExp):
        return Call("where", (typable(node.test), typable(node.body), typable(node.orelse)),
                    pos=node.pos)
    return map_children(node, typable)


# Precedence for printing with the fewest parentheses (higher binds tighter).
_PREC = {"or": 1, "and": 2, "not": 3, "cmp": 4, "+": 6, "-": 6, "*": 7, "/": 7, "//": 7,
         "%": 7, "@": 7, "neg": 8, "**": 9, "atom": 10}


def _prec(node: Node) -> int:
    match node:
        case Bin(op=op):
            return _PREC[op]
        case Unary(op="not"):
            return _PREC["not"]
        case Unary():
            return _PREC["neg"]
        case Compare():
            return _PREC["cmp"]
        case BoolOp(op=op):
            return _PREC[op]
        case IfExp():
            return 0
        case Num(value=v) if v < 0:
            return _PREC["neg"]
    return _PREC["atom"]


def to_text(node: Node) -> str:
    """Canonical one-line text of a tree, in the syntax the parser reads back."""
    printer = _PRINTERS.get(type(node))
    if printer is None:
        raise TypeError(f"cannot print {node!r}")
    return printer(node)


def _num_text(node: Num) -> str:
    v, t = node.value, node.text
    if t:
        return t
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def _unary_text(node: Unary) -> str:
    op = node.op
    inner = _wrap(node.operand, _prec(node), strict=op != "not")
    return f"not {inner}" if op == "not" else f"{op}{inner}"


def _bin_text(node: Bin) -> str:
    op, a, b = node.op, node.left, node.right
    if op == "**":
        # right-associative: a**b**c is a**(b**c); -x**2 is -(x**2)
        return f"{_wrap(a, _PREC['**'], strict=True)}**{_wrap(b, _PREC['neg'], strict=False)}"
    p = _PREC[op]
    return f"{_wrap(a, p, strict=False)}{_spaced(op)}{_wrap(b, p, strict=True)}"


def _compare_text(node: Compare) -> str:
    operands = node.operands
    text = _wrap(operands[0], _PREC["cmp"], strict=True)
    for op, operand in zip(node.ops, operands[1:], strict=True):
        text += f" {op} {_wrap(operand, _PREC['cmp'], strict=True)}"
    return text


def _bool_text(node: BoolOp) -> str:
    return f" {node.op} ".join(_wrap(v, _PREC[node.op], strict=True) for v in node.values)


def _if_text(node: IfExp) -> str:
    return (f"{_wrap(node.body, 1, True)} if {_wrap(node.test, 1, True)} "
            f"else {_wrap(node.orelse, 0, False)}")


def _call_text(node: Call) -> str:
    parts = [to_text(a) for a in node.args] + [f"{k}={to_text(v)}" for k, v in node.kwargs]
    return f"{node.func}({', '.join(parts)})"


def _transpose_text(node: Transpose) -> str:
    o = node.operand
    if isinstance(o, Num):
        return f"({to_text(o)}).T"  # 2.T would read as the number 2. then T
    return f"{_wrap(o, _PREC['atom'], strict=False)}.T"


def _list_text(node: ListExpr) -> str:
    return "[" + ", ".join(to_text(i) for i in node.items) + "]"


def _tuple_text(node: TupleExpr) -> str:
    inner = ", ".join(to_text(i) for i in node.items)
    return f"({inner},)" if len(node.items) == 1 else f"({inner})"


def _slice_text(node: Slice) -> str:
    a, b, c = node.lower, node.upper, node.step
    text = (to_text(a) if a else "") + ":" + (to_text(b) if b else "")
    return text + (":" + to_text(c) if c else "")


def _subscript_text(node: Subscript) -> str:
    i = node.index
    idx = ", ".join(to_text(x) for x in i.items) if isinstance(i, TupleExpr) else to_text(i)
    return f"{_wrap(node.value, _PREC['atom'], strict=False)}[{idx}]"


# One printer per node type (a registry: a new node type is one entry here).
_PRINTERS: dict[type[Node], Callable[..., str]] = {
    Num: _num_text, Str: lambda node: repr(node.value), Name: lambda node: node.id,
    Unary: _unary_text, Bin: _bin_text, Compare: _compare_text, BoolOp: _bool_text,
    IfExp: _if_text, Call: _call_text, Transpose: _transpose_text, ListExpr: _list_text,
    TupleExpr: _tuple_text, Slice: _slice_text, Subscript: _subscript_text,
}


def _spaced(op: str) -> str:
    return f" {op} " if op in ("+", "-", "@") else op


def _wrap(node: Node, parent: int, strict: bool) -> str:
    text = to_text(node)
    p = _prec(node)
    if p < parent or (strict and p == parent):
        return f"({text})"
    return text
