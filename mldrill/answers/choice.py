"""Multiple choice (one letter, or a set for select-all) and shape/tuple answers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, cast

import numpy as np

from mldrill.answers.base import (
    AnswerKind,
    Context,
    Finding,
    reference_value,
    register_kind,
)
from mldrill.bank.model import PartSpec
from mldrill.errors import AnswerParseError, EvaluationError
from mldrill.expr.latex import looks_like_latex, translate
from mldrill.values import array_like, as_int

if TYPE_CHECKING:
    from mldrill.values import Value

_LITERAL_LETTERS = re.compile(r"^\s*[A-Za-z](\s*[, ]\s*[A-Za-z])*\s*$")


def _letters(value: Value | frozenset[str]) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset(x.strip().upper() for x in re.split(r"[,\s]+", value) if x.strip())
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        return frozenset(str(x).strip().upper() for x in value)
    raise EvaluationError(f"a choice answer must be letters, got {value!r}")


def _words(text: str) -> str:
    return " ".join(text.lower().replace("`", "").split()).strip(" .")


def _after_common_start(options: dict[str, str]) -> dict[str, str]:
    """Each option without the words every option starts with ("g(t) = " in `g(t) = e^t`,
    `g(t) = log(t)`, ...): what tells the options apart, which a student may type alone.
    Empty unless the options share such a start and the rests are distinct; a one-letter
    rest is left out (a letter stays a letter)."""
    import os

    if len(options) < 2:
        return {}
    common = os.path.commonprefix(list(options.values()))
    common = common[:common.rfind(" ") + 1]  # whole words only
    if not common.strip():
        return {}
    rests = {letter: w[len(common):].strip() for letter, w in options.items()}
    if len(set(rests.values())) != len(rests):
        return {}
    return {letter: r for letter, r in rests.items() if len(r) > 1}


def _by_option_text(text: str, spec: PartSpec, ctx: Context | None) -> str | None:
    """Letters for an answer given as the options' own words, as shown ("green" or
    "G) green" for `G) green`; "red, green" for select-all), or None. Only a text that
    names exactly one option each way counts; anything else is read as letters."""
    from mldrill.variants.template import render

    options: dict[str, str] = {}
    for letter, shown in spec.mapping("choices").items():
        try:
            words = render(str(shown), ctx.params, ctx.functions) if ctx else str(shown)
        except (AnswerParseError, EvaluationError):
            words = str(shown)
        options[str(letter).upper()] = _words(words)
    if len(set(options.values())) != len(options):
        return None  # two options read alike: only letters can tell them apart
    by_words = {w: letter for letter, w in options.items() if w}
    for letter, rest in _after_common_start(options).items():
        by_words.setdefault(rest, letter)  # "log(t)" for `D) g(t) = log(t)`
    pieces = [text] if not spec.options.get("select_all") else re.split(r"[,;]", text)
    letters = []
    for piece in pieces:
        said = _words(piece)
        m = re.match(r"^\(?([a-z])\)?[).:]?\s+(.+)$", said)
        if m and by_words.get(m.group(2)) == m.group(1).upper():
            said = m.group(2)  # "G) green": the letter and its words agree
        if said not in by_words:
            return None
        letters.append(by_words[said])
    return ", ".join(letters) if letters else None


@register_kind
class ChoiceKind(AnswerKind[frozenset[str]]):
    name = "choice"
    summary = "multiple choice: one letter, or several for select-all"
    form = "a letter, e.g. B"

    def form_for(self, spec: PartSpec) -> str:
        if spec.options.get("select_all"):
            return "every letter that applies, separated by commas, e.g. A, C"
        return "one letter, e.g. B"
    options = {
        "choices": "{A: text, B: text, ...}: the options shown",
        "select_all": "true if several letters may be right (partial credit per letter)",
    }

    def option_errors(self, options: Mapping[str, Value]) -> list[tuple[str, str]]:
        choices = options.get("choices")
        if choices is not None and not isinstance(choices, Mapping):
            return [("choices", "choices must be a mapping of letters to text, e.g. "
                                "{A: first option, B: second option}")]
        return []

    def target(self, expr: str, spec: PartSpec, ctx: Context) -> frozenset[str]:
        if _LITERAL_LETTERS.match(expr) and expr.strip() not in ctx.params:
            return _letters(expr)
        return _letters(reference_value(expr, ctx))

    def read(self, text: str, spec: PartSpec, ctx: Context) -> tuple[frozenset[str], str]:
        choices = [str(c).upper() for c in spec.mapping("choices")]
        cleaned = _by_option_text(text, spec, ctx) or text.strip().strip("()[]{}").strip()
        if not _LITERAL_LETTERS.match(cleaned):
            raise AnswerParseError(text, 0, "expected a letter",
                                   f"one of {', '.join(choices)}" if choices else None)
        picked = _letters(cleaned)
        for letter in sorted(picked):
            if choices and letter not in choices:
                col = text.upper().find(letter)
                raise AnswerParseError(text, max(col, 0), f"there is no option {letter}",
                                       f"one of {', '.join(choices)}")
        if len(picked) > 1 and not spec.options.get("select_all"):
            raise AnswerParseError(text, 0, "pick one letter only")
        return picked, ", ".join(sorted(picked))

    def agree(self, value: frozenset[str], target: frozenset[str], spec: PartSpec,
              ctx: Context) -> bool:
        return value == target

    def format(self, target: frozenset[str], spec: PartSpec, ctx: Context) -> str:
        return ", ".join(sorted(target))

    def diagnose(self, value: frozenset[str], target: frozenset[str], spec: PartSpec,
                 ctx: Context) -> Finding | None:
        if not spec.options.get("select_all"):
            return None
        missing, extra = target - value, value - target
        parts = []
        if missing:
            parts.append(f"{len(missing)} correct option{'s' if len(missing) > 1 else ''} "
                         "not selected")
        if extra:
            parts.append(f"{len(extra)} wrong option{'s' if len(extra) > 1 else ''} selected")
        return Finding("partial-selection", "; ".join(parts))

    def partial(self, value: frozenset[str], target: frozenset[str], spec: PartSpec) -> float:
        """Select-all credit: right picks minus wrong picks, over the right ones."""
        if not spec.options.get("select_all") or not target:
            return 0.0
        good = len(value & target) - len(value - target)
        return max(0.0, good / len(target))


_SHAPE_SPLIT = re.compile(r"\s*(?:[x×*,]|\bby\b)\s*|\s+")


@register_kind
class ShapeKind(AnswerKind[tuple[int, ...]]):
    name = "shape"
    summary = "a shape or tuple of whole numbers, e.g. (6, 28, 28) or 6x28x28"
    form = "a shape, e.g. (6, 28, 28) or 6x28x28"

    def target(self, expr: str, spec: PartSpec, ctx: Context) -> tuple[int, ...]:
        value = reference_value(expr, ctx)
        if np.ndim(array_like(value)) == 0 and not isinstance(value, (tuple, list)):
            value = (value,)
        return tuple(as_int(v) for v in cast("Iterable[Value]", value))

    def read(self, text: str, spec: PartSpec, ctx: Context) -> tuple[tuple[int, ...], str]:
        if looks_like_latex(text):  # 6 \times 28 \times 28, \left(6, 28\right)
            latex = translate(text)  # never LaTeX again: no backslash, brace or $ is left
            try:
                return self.read(latex.source.replace("·", "x"), spec, ctx)
            except AnswerParseError as exc:
                col = latex.origin[exc.col] if exc.col < len(latex.origin) else len(text)
                raise AnswerParseError(text, col, exc.message, exc.expected) from None
        inner = text.strip()
        if inner[:1] in "([" and inner[-1:] in ")]":
            inner = inner[1:-1]
        pieces = [p for p in _SHAPE_SPLIT.split(inner.strip()) if p]
        if not pieces:
            raise AnswerParseError(text, 0, "empty shape", "sizes such as (6, 28, 28)")
        out = []
        for p in pieces:
            if not p.isdecimal():  # not isdigit(): '²' is a digit that int() refuses
                col = text.find(p)
                raise AnswerParseError(text, max(col, 0), f"'{p}' is not a whole number",
                                       "sizes such as (6, 28, 28) or 6x28x28")
            if len(p) > 12:
                raise AnswerParseError(text, text.find(p), "number too large")
            out.append(int(p))
        shape = tuple(out)
        return shape, "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"

    def agree(self, value: tuple[int, ...], target: tuple[int, ...], spec: PartSpec,
              ctx: Context) -> bool:
        return value == target

    def format(self, target: tuple[int, ...], spec: PartSpec, ctx: Context) -> str:
        return "(" + ", ".join(map(str, target)) + ("," if len(target) == 1 else "") + ")"

    def diagnose(self, value: tuple[int, ...], target: tuple[int, ...], spec: PartSpec,
                 ctx: Context) -> Finding | None:
        if len(value) != len(target):
            return Finding("shape", f"expected {len(target)} sizes, got {len(value)}")
        if sorted(value) == sorted(target):
            return Finding("order", "the right sizes in the wrong order (channels first or "
                                    "last?)")
        off = [i for i, (a, b) in enumerate(zip(value, target, strict=True)) if a != b]
        if all(abs(value[i] - target[i]) == 1 for i in off):
            return Finding("off-by-one", "off by one in "
                           + ", ".join(f"size {i + 1}" for i in off)
                           + " (for a conv or pool output: (W - F + 2P)/S + 1)")
        return None
