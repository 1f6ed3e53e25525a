"""Grouping wrong answers a class gave:

- `answer_key`: answers typed differently but meaning the same text (spacing) share a key;
- `message_shape`: a failed test's message with its numbers replaced by `#` (and a long
  run of numbers, an array's values, by `#…`), so "expected shape (4, 3, 5, 5), got
  (4, 5, 5, 3)" and "expected shape (2, 3, 7, 7), got (2, 7, 7, 3)" are one failure;
- `relation`: how a wrong answer's numbers relate to the student's own reference (all
  scaled by one factor, or all shifted by one amount), so students with different numbers
  who made the same slip share a group across per-student variants;
- `yaml_entry`: an unexplained wrong answer as a ready-to-paste `mistakes:` entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from mldrill.text import clean_line

MAX_SHAPE = 200
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"(?<![A-Za-z_'])[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
                     r"|\b(?:nan|inf|NaN|Inf)\b")
_RUN = re.compile(r"#(?:[\s,;\[\]]+#){4,}")
_WHERE = re.compile(r"\s*\[(?:fixed case|random)[^\]]*\]?\s*$")  # which trial: not the cause


def answer_key(text: str) -> str:
    """The text with its spacing normalised (runs of blanks removed around punctuation)."""
    squeezed = _SPACE.sub(" ", text.strip())
    return re.sub(r" ?([\[\](),;]) ?", r"\1", squeezed)


def message_shape(text: str) -> str:
    """The first non-blank line of `text` without the trailing "[fixed case ...]" / "[random
    ...]" note of which trial failed, its numbers as `#`, runs of 5 or more as `#…`."""
    line = _WHERE.sub("", next((ln for ln in text.splitlines() if ln.strip()), ""))
    shape = _RUN.sub("#…", _NUMBER.sub("#", _SPACE.sub(" ", line.strip())))
    return shape[:MAX_SHAPE] + ("…" if len(shape) > MAX_SHAPE else "")


_SEPARATORS = re.compile(r"[\s\[\](),;]*")
_ONE = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
MAX_NUMBERS = 10_000


def _numbers(text: str) -> tuple[list[float], str] | None:
    """The numbers of a plain numeric answer (a number, vector or matrix written with
    digits only) and its layout with the numbers taken out; None for anything else."""
    if len(text) > 200_000 or not _SEPARATORS.fullmatch(_ONE.sub(" ", text)):
        return None  # (each regex here is linear: no nested repetition)
    values = [float(m) for m in _ONE.findall(text)]
    return (values, answer_key(_ONE.sub("#", text))) if len(values) <= MAX_NUMBERS else None


def _same(values: Sequence[float]) -> float | None:
    """The one value all of `values` are (to 1e-6 relative), else None."""
    first = values[0]
    tol = 1e-6 * max(1.0, abs(first))
    return first if all(abs(v - first) <= tol for v in values) else None


MAX_FACTOR = 100      # a single number's factor counts if it (or 1/it) is a whole number
MAX_SHIFT = 10        # ... its shift if it is a whole number up to this


def _whole(x: float) -> bool:
    return abs(x - round(x)) <= 1e-6 * max(1.0, abs(x))


def _factor(got: list[float], want: list[float]) -> float | None:
    if any(w == 0 for w in want):
        return None
    k = _same([g / w for g, w in zip(got, want, strict=True)])
    if k is None or k == 0 or abs(k - 1) <= 1e-9:
        return None
    if len(got) == 1 and not ((abs(k) >= 1 and _whole(k) and abs(k) <= MAX_FACTOR)
                              or (abs(k) < 1 and _whole(1 / k) and abs(1 / k) <= MAX_FACTOR)):
        return None  # any one number is some multiple of another: only a simple one counts
    return k


def _shift(got: list[float], want: list[float]) -> float | None:
    d = _same([g - w for g, w in zip(got, want, strict=True)])
    if d is None or abs(d) <= 1e-9:
        return None
    if len(got) == 1 and not (_whole(d) and abs(d) <= MAX_SHIFT):
        return None
    return d


def relation(answer: str, reference: str) -> tuple[str, str] | None:
    """(label, how to write it over the reference expression `{}`) when every number of
    `answer` is the matching number of `reference` plus one amount (not 0) or times one
    factor (not 1), the two laid out alike; else None. For a single number, only a whole
    shift up to MAX_SHIFT or a whole factor (or 1/whole) up to MAX_FACTOR counts."""
    a, r = _numbers(answer), _numbers(reference)
    if a is None or r is None or a[1] != r[1] or not a[0]:
        return None
    got, want = a[0], r[0]
    d = _shift(got, want)
    if d is not None and (len(got) == 1 or _factor(got, want) is None):
        sign = "+" if d > 0 else "-"
        return f"reference {sign} {abs(d):.6g}", f"({{}}) {sign} {abs(d):.6g}"
    k = _factor(got, want)
    if k is not None:
        if abs(k) < 1 and _whole(1 / k):
            return f"reference / {1 / k:.6g}", f"({{}}) / {1 / k:.6g}"
        return f"reference × {k:.6g}", f"{k:.6g} * ({{}})"
    return None


def yaml_entry(item: str, problem: str, answer: str, students: Sequence[str],
               expression: str | None = None) -> str:
    """A `mistakes:` entry for the part's YAML: `expression` (written over the part's
    reference expression, which holds for every variant) or else the answer as typed (a
    JSON string is a valid YAML double-quoted scalar), a tag and feedback to fill in. Only
    comments name the students, each on one line."""
    shown = ", ".join(clean_line(s) for s in students[:8])
    more = f" and {len(students) - 8} more" if len(students) > 8 else ""
    note = ("# (the same slip on each student's own numbers)" if expression else
            "# (per-student variants differ: write the answer in the problem's parameters)")
    return "\n".join([
        f"# {clean_line(problem)}, part {clean_line(item)}: typed by {len(students)} "
        f"student(s): {shown}{more}",
        note,
        "mistakes:",
        f"  - answer: {json.dumps(expression or answer, ensure_ascii=True)}",
        "    tag: TODO-name-this-mistake",
        "    feedback: >-",
        "      TODO: say what this answer did and how to see it is wrong.",
    ])
