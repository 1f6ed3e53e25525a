"""Diagnoses from the structure of the right answer: a term left out, one term's sign flipped.

The right answer is split into its additive terms after products are multiplied out
(`(A + A.T) @ x` is `A @ x + A.T @ x`; `4/t - 4/(1 - t)` is `4/t` and `-4/(1 - t)`). A wrong
answer whose values equal the sum of some of the terms lacks the others; one that equals
the sum with a single term negated has that term's sign wrong. The comparison is numeric,
on the values the answer kind already computes (sample points, random matrices), so it
holds for every way of writing the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations
from typing import TypeVar

from mldrill.answers.base import Finding
from mldrill.expr import nodes as n

MAX_TERMS = 6
V = TypeVar("V")


def additive_terms(node: n.Node) -> list[n.Node]:
    """The terms of `node` as a sum, products multiplied out over sums; a single term
    for anything else. Signs are kept inside the terms (as `-t`)."""
    if isinstance(node, n.Bin) and node.op in "+-" and len(node.op) == 1:
        right = additive_terms(node.right)
        if node.op == "-":
            right = [_negated(t) for t in right]
        return additive_terms(node.left) + right
    if isinstance(node, n.Unary) and node.op == "-":
        return [_negated(t) for t in additive_terms(node.operand)]
    if isinstance(node, n.Bin) and (node.op == "@" or (
            node.op == "*" and (isinstance(node.left, n.Num) or isinstance(node.right, n.Num)))):
        # a matrix product is multiplied out ((A + A.T) @ x has two terms); a scalar one
        # only by a number: s * (1 - s) lacking its factor is not "a term missing"
        left, right = additive_terms(node.left), additive_terms(node.right)
        if len(left) * len(right) > 1:
            return [_product(node.op, a, b) for a in left for b in right]
    if isinstance(node, n.Bin) and node.op == "/":
        left = additive_terms(node.left)
        if len(left) > 1:
            return [n.Bin("/", a, node.right) for a in left]
    if isinstance(node, n.Transpose):
        inner = additive_terms(node.operand)
        if len(inner) > 1:
            return [n.Transpose(t) for t in inner]
    return [node]


def _product(op: str, a: n.Node, b: n.Node) -> n.Node:
    """a op b with minus signs pulled in front: 2 * -b is -(2 * b)."""
    sign = 1
    if isinstance(a, n.Unary) and a.op == "-":
        a, sign = a.operand, -sign
    if isinstance(b, n.Unary) and b.op == "-":
        b, sign = b.operand, -sign
    product = n.Bin(op, a, b)
    return product if sign > 0 else n.Unary("-", product)


def _negated(node: n.Node) -> n.Node:
    if isinstance(node, n.Unary) and node.op == "-":
        return node.operand
    return n.Unary("-", node)


def term_finding(target: n.Node, student: V, value_of: Callable[[n.Node], V | None],
                 add: Callable[[Sequence[V]], V], negate: Callable[[V], V],
                 same: Callable[[V, V], bool]) -> Finding | None:
    """'missing-term' or 'sign-of-term' when `student` (values) is the right answer with
    terms left out or one term's sign flipped; None otherwise, or when the right answer
    has one term or more than MAX_TERMS. `value_of` computes a term's values (None when it
    cannot), `add` sums values, `same` compares them as the answer kind does."""
    terms = additive_terms(target)
    if not 2 <= len(terms) <= MAX_TERMS:
        return None
    values = [value_of(t) for t in terms]
    if any(v is None for v in values):
        return None
    vals = [v for v in values if v is not None]
    for i in range(len(vals)):
        flipped = add([negate(v) if j == i else v for j, v in enumerate(vals)])
        if same(student, flipped):
            return Finding("sign-of-term", "one term has the wrong sign: the other terms are "
                                           "right; check each sign as you expand")
    for size in range(len(vals) - 1, 0, -1):
        for kept in combinations(range(len(vals)), size):
            if same(student, add([vals[k] for k in kept])):
                missing = len(vals) - size
                return Finding("missing-term",
                               f"{missing} term{'s are' if missing > 1 else ' is'} missing: "
                               "what you have is part of the right answer (check every path "
                               "by which the variable enters, e.g. both sides of a product)")
    return None
