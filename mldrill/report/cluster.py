"""Grouping wrong answers a class gave:

- `answer_key`: answers typed differently but meaning the same text (spacing) share a key;
- `message_shape`: a failed test's message with its numbers replaced by `#` (and a long
  run of numbers, an array's values, by `#…`), so "expected shape (4, 3, 5, 5), got
  (4, 5, 5, 3)" and "expected shape (2, 3, 7, 7), got (2, 7, 7, 3)" are one failure;
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


def yaml_entry(item: str, problem: str, answer: str, students: Sequence[str]) -> str:
    """A `mistakes:` entry for the part's YAML: the answer as typed (a JSON string is a
    valid YAML double-quoted scalar), a tag and feedback to fill in. Only comments name the
    students, each on one line."""
    shown = ", ".join(clean_line(s) for s in students[:8])
    more = f" and {len(students) - 8} more" if len(students) > 8 else ""
    return "\n".join([
        f"# {clean_line(problem)}, part {clean_line(item)}: typed by {len(students)} "
        f"student(s): {shown}{more}",
        "# (per-student variants differ: write the answer in the problem's parameters)",
        "mistakes:",
        f"  - answer: {json.dumps(answer, ensure_ascii=True)}",
        "    tag: TODO-name-this-mistake",
        "    feedback: >-",
        "      TODO: say what this answer did and how to see it is wrong.",
    ])
