"""Evaluate an expression tree with NumPy.

The evaluator knows only the node types of nodes.py and calls only the functions it is
handed. Student answers are evaluated in floating point (`exact_ints=False`), so a tower of
powers overflows to inf at once instead of building a number with a billion digits;
references keep Python integers for shapes, sizes and counts, with a cap on their size.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NoReturn, cast

import numpy as np

from mldrill.errors import BroadcastError, EvaluationError
from mldrill.expr import nodes as n
from mldrill.expr.parse import Expr
from mldrill.record import fields, replace

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from mldrill.values import Functions, Value

MAX_INT_BITS = 4096
MAX_ARRAY_SIZE = 10_000_000
# Functions whose result has as many entries as all their arguments together multiplied:
# checked before the call, so kron(kron(v, v), kron(v, v)) never allocates gigabytes.
_PRODUCT_SIZED = frozenset({"kron", "outer"})

_BIN: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "@": operator.matmul,
}
_CMP: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}
# These tables apply Python's operators to whatever values arise: the operands' types are
# known only when an expression runs (an unsupported pair raises TypeError, reported).
_SIGN: dict[str, Callable[[Any], Any]] = {"-": operator.neg, "+": operator.pos}
_INDEX: Callable[[Any, Any], Any] = operator.getitem


class _Evaluator:
    def __init__(self, source: str, env: Mapping[str, Value], functions: Functions,
                 exact_ints: bool, strict_broadcast: bool = False,
                 paper_products: bool = True, products: dict[int, str] | None = None):
        self.source = source
        self.env = env
        self.functions = functions
        self.exact_ints = exact_ints
        self.strict_broadcast = strict_broadcast
        self.paper_products = paper_products
        self.products = products

    def fail(self, node: n.Node, message: str) -> EvaluationError:
        return EvaluationError(message, self.source, node.pos)

    def ev(self, node: n.Node) -> Value:
        handler = _HANDLERS.get(type(node))
        if handler is None:
            raise self.fail(node, f"cannot evaluate {type(node).__name__}")
        return handler(self, node)

    def ev_num(self, node: n.Num) -> Value:
        v = node.value
        return v if self.exact_ints or isinstance(v, float) else float(v)

    def ev_string(self, node: n.Str) -> Value:
        return node.value

    def ev_name(self, node: n.Name) -> Value:
        name = node.id
        if name in self.env:
            return self.env[name]
        if name == "None":
            return None
        if name == "True" or name == "False":
            return name == "True"
        raise self.fail(node, f"unknown name '{name}'")

    def ev_unary(self, node: n.Unary) -> Value:
        op = node.op
        if op == "not":
            return not _truth(self.ev(node.operand))
        if op != "-" and op != "+":
            raise self.fail(node, "cannot evaluate Unary")
        v = self.ev(node.operand)
        try:
            return _SIGN[op](v)
        except TypeError:
            raise self.fail(node, f"cannot apply '{op}' to {_kind(v)}") from None

    def ev_bin(self, node: n.Bin) -> Value:
        x, y = self.ev(node.left), self.ev(node.right)
        if node.implicit and self.paper_products:
            return self.paper_product(node, x, y)
        return self.binary(node, node.op, x, y)

    def paper_product(self, node: n.Bin, x: Value, y: Value) -> Value:
        """`2A`, `A x`, `a·b` as on paper: a scalar product when either side is a number,
        otherwise a matrix product (`@`)."""
        op = "*" if _ndim(x) == 0 or _ndim(y) == 0 else "@"
        if self.products is not None:
            self.products[id(node)] = op
        if op == "*":
            return self.binary(node, op, x, y)
        try:
            return self.binary(node, op, x, y)
        except EvaluationError as exc:
            shown = n.to_text(n.Bin("@", node.left, node.right))
            raise self.fail(node, f"{exc.message} (two matrices side by side are a matrix "
                                  f"product: {shown}; write * for an elementwise "
                                  "product)") from None

    def ev_compare(self, node: n.Compare) -> Value:
        values = [self.ev(o) for o in node.operands]
        result: Value = True
        for op, x, y in zip(node.ops, values, values[1:], strict=False):
            try:
                r = _CMP[op](x, y)
            except (TypeError, ValueError):
                raise self.fail(node, f"cannot compare {_kind(x)} and {_kind(y)} "
                                      f"with '{op}'") from None
            result = r if result is True else np.logical_and(cast("ArrayLike", result), r)
        if not self.exact_ints:
            return np.asarray(result, dtype=float)[()]
        return result

    def ev_bool_op(self, node: n.BoolOp) -> Value:
        if node.op not in ("and", "or"):
            raise self.fail(node, "cannot evaluate BoolOp")
        stop_when = node.op == "or"  # 'and' stops at the first false value, 'or' at a true one
        v: Value = not stop_when
        for x in node.values:
            v = self.ev(x)
            if _truth(v) is stop_when:
                return v
        return v

    def ev_if_exp(self, node: n.IfExp) -> Value:
        test = self.ev(node.test)
        if isinstance(test, np.ndarray) and test.size > 1:
            # `1 if x > y else 0` at many sample points: elementwise, as where(x > y, 1, 0)
            return np.where(test, self.ev(node.body), self.ev(node.orelse))  # type: ignore[arg-type]
        return self.ev(node.body) if _truth(test) else self.ev(node.orelse)

    def ev_call(self, node: n.Call) -> Value:
        name = node.func
        fn = self.functions.get(name)
        if fn is None:
            raise self.fail(node, f"unknown function '{name}'")
        argv = [self.ev(x) for x in node.args]
        kw = {k: self.ev(v) for k, v in node.kwargs}
        if name in _PRODUCT_SIZED and \
                math.prod(int(np.size(cast("ArrayLike", x))) for x in argv) > MAX_ARRAY_SIZE:
            raise self.fail(node, "result too large")
        try:
            return fn(*argv, **kw)
        except EvaluationError:
            raise
        except (ValueError, TypeError, ArithmeticError, IndexError, KeyError,
                np.linalg.LinAlgError) as exc:
            raise self.fail(node, f"{name}(...) failed: {exc}") from None

    def ev_transpose(self, node: n.Transpose) -> Value:
        v = self.ev(node.operand)
        try:
            return np.asarray(v).T
        except ValueError:
            raise self.fail(node, "rows have different lengths") from None

    def ev_sequence(self, node: n.ListExpr | n.TupleExpr) -> Value:
        if self.exact_ints and isinstance(node, n.TupleExpr):
            return tuple(self.ev(x) for x in node.items)  # references: shapes, axes
        # in answers (1, 2) is the vector [1, 2], checked the same way
        values = [self.ev(x) for x in node.items]
        try:
            arr = np.array(values)
        except ValueError:
            raise self.fail(node, "rows have different lengths") from None
        if arr.dtype == object:
            raise self.fail(node, "rows have different lengths")
        return arr if self.exact_ints else arr.astype(float)

    def ev_slice(self, node: n.Slice) -> Value:
        return slice(*(self.ev(x) if x is not None else None
                       for x in (node.lower, node.upper, node.step)))

    def ev_subscript(self, node: n.Subscript) -> Value:
        base, idx = self.ev(node.value), self.ev(node.index)
        try:
            return _INDEX(base, idx)
        except (IndexError, KeyError, TypeError, ValueError) as exc:
            raise self.fail(node, f"indexing failed: {exc}") from None

    def binary(self, node: n.Node, op: str, x: Value, y: Value) -> Value:
        if op == "**" and isinstance(x, int) and isinstance(y, int) and not isinstance(x, bool):
            if y > 0 and abs(x) > 1 and y * max(abs(x).bit_length(), 1) > MAX_INT_BITS:
                raise self.fail(node, "number too large")
        if op == "@" and (_ndim(x) == 0 or _ndim(y) == 0):
            raise self.fail(node, "'@' is matrix multiplication and needs two arrays; "
                                  "use '*' for a scalar")
        if op != "@" and isinstance(x, np.ndarray) and isinstance(y, np.ndarray):
            try:
                size = int(np.prod(np.broadcast_shapes(x.shape, y.shape), dtype=float))
            except ValueError:
                size = 0  # shapes do not broadcast: the operation below says so
            if size > MAX_ARRAY_SIZE:
                raise self.fail(node, "result too large")
            if self.strict_broadcast and x.ndim and y.ndim and x.shape != y.shape:
                # (n x 1) + (1 x n) silently makes an n x n matrix in NumPy; in matrix
                # algebra only a scalar combines with a matrix of another shape.
                if size:
                    raise BroadcastError(
                        f"'{op}' of a {_dims(x)} and a {_dims(y)} would broadcast in NumPy "
                        f"(to {_dims(np.empty(np.broadcast_shapes(x.shape, y.shape)))}), but "
                        "here shapes must match: write the product you mean with @ (an outer "
                        "product is y @ x.T)", _shape_message(op, x, y, ValueError()),
                        self.source, node.pos)
                raise self.fail(node, _shape_message(op, x, y, ValueError()))
        try:
            result = _BIN[op](x, y)
        except ZeroDivisionError:
            return float("nan") if not self.exact_ints else _raise(self.fail(node,
                                                                              "division by zero"))
        except ValueError as exc:
            raise self.fail(node, _shape_message(op, x, y, exc)) from None
        except (TypeError, OverflowError) as exc:
            raise self.fail(node, f"cannot compute '{op}' here: {exc}") from None
        if isinstance(result, complex):
            return float("nan")  # (-8)**(1/3) in Python; real arithmetic only, as NumPy does
        if isinstance(result, np.ndarray) and result.size > MAX_ARRAY_SIZE:
            raise self.fail(node, "result too large")
        return result


# One handler per node type: a registry, so a new node type is one entry here.
_HANDLERS: dict[type[n.Node], Callable[..., Value]] = {
    n.Num: _Evaluator.ev_num, n.Str: _Evaluator.ev_string, n.Name: _Evaluator.ev_name,
    n.Unary: _Evaluator.ev_unary, n.Bin: _Evaluator.ev_bin, n.Compare: _Evaluator.ev_compare,
    n.BoolOp: _Evaluator.ev_bool_op, n.IfExp: _Evaluator.ev_if_exp, n.Call: _Evaluator.ev_call,
    n.Transpose: _Evaluator.ev_transpose, n.ListExpr: _Evaluator.ev_sequence,
    n.TupleExpr: _Evaluator.ev_sequence, n.Slice: _Evaluator.ev_slice,
    n.Subscript: _Evaluator.ev_subscript,
}


def _raise(exc: Exception) -> NoReturn:
    raise exc


def _kind(v: Value) -> str:
    if isinstance(v, tuple):
        return "a tuple"
    shape = np.shape(cast("ArrayLike", v)) \
        if isinstance(v, (np.ndarray, list, int, float, np.generic)) else None
    if shape is None:
        return type(v).__name__
    return "a number" if shape == () else "an array of shape " + "x".join(map(str, shape))


def _ndim(v: Value) -> int:
    return np.ndim(cast("ArrayLike", v))


def _truth(v: Value) -> bool:
    if isinstance(v, np.ndarray):
        return bool(v.all())
    return bool(v)


def _dims(x: np.ndarray) -> str:
    return " x ".join(map(str, x.shape))


def _shape_message(op: str, x: Value, y: Value, exc: Exception) -> str:
    sx = "x".join(map(str, np.shape(cast("ArrayLike", x))))
    sy = "x".join(map(str, np.shape(cast("ArrayLike", y))))
    if op == "@":
        return f"shapes do not match for '@': {sx or 'scalar'} @ {sy or 'scalar'}"
    return f"shapes do not match for '{op}': {sx or 'scalar'} and {sy or 'scalar'}"


def evaluate(
    expr: Expr | n.Node,
    env: Mapping[str, Value],
    functions: Functions,
    *,
    exact_ints: bool = False,
    strict_broadcast: bool = False,
    paper_products: bool = True,
    products: dict[int, str] | None = None,
) -> Value:
    """Value of `expr` with names from `env` and calls from `functions`.
    strict_broadcast: elementwise operations need equal shapes or a scalar, as in matrix
    algebra ((n x 1) + (1 x n) is an error, not NumPy's n x n matrix).
    paper_products: a product written as on paper (`A x`) is a matrix product when neither
    side is a number; off where arrays stand for many scalars at once (sample points).
    products: filled with each such product's reading ('*' or '@'), for `resolved`."""
    root = expr.root if isinstance(expr, Expr) else expr
    source = expr.source if isinstance(expr, Expr) else ""
    with np.errstate(all="ignore"):
        try:
            return _Evaluator(source, env, functions, exact_ints, strict_broadcast,
                              paper_products, products).ev(root)
        except RecursionError:
            raise EvaluationError("expression is too deeply nested", source, 0) from None


def resolved(root: n.Node, products: Mapping[int, str]) -> n.Node:
    """A copy of the tree with each product written as on paper replaced by the operator it
    was evaluated with (`products` from `evaluate`), for "read as: A @ x"."""
    changes: dict[str, object] = {}
    for f in fields(root):
        v = getattr(root, f.name)
        if isinstance(v, n.Node):
            changes[f.name] = resolved(v, products)
        elif isinstance(v, tuple) and v and all(isinstance(x, n.Node) for x in v):
            changes[f.name] = tuple(resolved(x, products) for x in v)
        elif isinstance(v, tuple) and v and all(isinstance(x, tuple) for x in v):
            changes[f.name] = tuple((k, resolved(x, products)) for k, x in v)
    if isinstance(root, n.Bin) and root.implicit and id(root) in products:
        changes["op"] = products[id(root)]
    return replace(root, **changes) if changes else root
