"""The expression tree: a small, closed set of node types.

Everything mldrill evaluates (a student's answer, an instructor's reference, a derived
parameter) is one of these trees. They are built only by parse.py from a whitelisted
subset of Python's `ast`, so an evaluator walking them can do nothing but arithmetic and
calls to functions it was explicitly given.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Node:
    pos: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True)
class Num(Node):
    value: int | float
    text: str = field(default="", compare=False)


@dataclass(frozen=True)
class Str(Node):
    value: str


@dataclass(frozen=True)
class Name(Node):
    id: str


@dataclass(frozen=True)
class Unary(Node):
    op: str  # '-', '+', 'not'
    operand: Node


@dataclass(frozen=True)
class Bin(Node):
    op: str  # + - * / // % ** @
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    ops: tuple[str, ...]
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class BoolOp(Node):
    op: str  # 'and' | 'or'
    values: tuple[Node, ...]


@dataclass(frozen=True)
class IfExp(Node):
    test: Node
    body: Node
    orelse: Node


@dataclass(frozen=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]
    kwargs: tuple[tuple[str, Node], ...] = ()


@dataclass(frozen=True)
class Transpose(Node):
    operand: Node


@dataclass(frozen=True)
class ListExpr(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class TupleExpr(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Slice(Node):
    lower: Node | None
    upper: Node | None
    step: Node | None


@dataclass(frozen=True)
class Subscript(Node):
    value: Node
    index: Node


# The scalar arithmetic operators, shared by every interpreter of the tree (numeric
# evaluation, constant folding, sympy), so that they all mean the same thing.
ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
              "**": operator.pow}


def walk(node: Node):
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
    import dataclasses

    if isinstance(node, Name):
        return names.get(node.id, node)
    changes: dict[str, object] = {}
    for f in dataclasses.fields(node):
        v = getattr(node, f.name)
        if isinstance(v, Node):
            changes[f.name] = substitute(v, names)
        elif isinstance(v, tuple) and v and all(isinstance(x, Node) for x in v):
            changes[f.name] = tuple(substitute(x, names) for x in v)
        elif isinstance(v, tuple) and v and all(isinstance(x, tuple) for x in v):
            changes[f.name] = tuple((k, substitute(x, names)) for k, x in v)
    return dataclasses.replace(node, **changes) if changes else node  # type: ignore[arg-type]


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
    match node:
        case Num(value=v, text=t):
            if t:
                return t
            if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
                return str(int(v))
            return repr(v)
        case Str(value=v):
            return repr(v)
        case Name(id=i):
            return i
        case Unary(op=op, operand=o):
            inner = _wrap(o, _prec(node), strict=op != "not")
            return f"not {inner}" if op == "not" else f"{op}{inner}"
        case Bin(op="**", left=a, right=b):
            # right-associative: a**b**c is a**(b**c); -x**2 is -(x**2)
            return f"{_wrap(a, _PREC['**'], strict=True)}**{_wrap(b, _PREC['neg'], strict=False)}"
        case Bin(op=op, left=a, right=b):
            p = _PREC[op]
            return f"{_wrap(a, p, strict=False)}{_spaced(op)}{_wrap(b, p, strict=True)}"
        case Compare(ops=ops, operands=operands):
            text = _wrap(operands[0], _PREC["cmp"], strict=True)
            for op, operand in zip(ops, operands[1:], strict=True):
                text += f" {op} {_wrap(operand, _PREC['cmp'], strict=True)}"
            return text
        case BoolOp(op=op, values=vs):
            return f" {op} ".join(_wrap(v, _PREC[op], strict=True) for v in vs)
        case IfExp(test=t, body=b, orelse=o):
            return f"{_wrap(b, 1, True)} if {_wrap(t, 1, True)} else {_wrap(o, 0, False)}"
        case Call(func=f, args=args, kwargs=kw):
            parts = [to_text(a) for a in args] + [f"{k}={to_text(v)}" for k, v in kw]
            return f"{f}({', '.join(parts)})"
        case Transpose(operand=o):
            if isinstance(o, Num):
                return f"({to_text(o)}).T"  # 2.T would read as the number 2. then T
            return f"{_wrap(o, _PREC['atom'], strict=False)}.T"
        case ListExpr(items=items):
            return "[" + ", ".join(to_text(i) for i in items) + "]"
        case TupleExpr(items=items):
            inner = ", ".join(to_text(i) for i in items)
            return f"({inner},)" if len(items) == 1 else f"({inner})"
        case Slice(lower=a, upper=b, step=c):
            text = (to_text(a) if a else "") + ":" + (to_text(b) if b else "")
            return text + (":" + to_text(c) if c else "")
        case Subscript(value=v, index=i):
            idx = ", ".join(to_text(x) for x in i.items) if isinstance(i, TupleExpr) else to_text(i)
            return f"{_wrap(v, _PREC['atom'], strict=False)}[{idx}]"
    raise TypeError(f"cannot print {node!r}")


def _spaced(op: str) -> str:
    return f" {op} " if op in ("+", "-", "@") else op


def _wrap(node: Node, parent: int, strict: bool) -> str:
    text = to_text(node)
    p = _prec(node)
    if p < parent or (strict and p == parent):
        return f"({text})"
    return text
