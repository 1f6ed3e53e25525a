"""Item analysis arithmetic, on plain numbers (classical test theory).

- proportion correct (difficulty): the share of students with full marks on the item;
- point-biserial: the correlation of full marks on the item (0/1) with the student's total
  on the OTHER items (the corrected item-total correlation, so an item does not correlate
  with itself); None when either does not vary;
- upper-minus-lower: the proportion correct among the top 27% of students by total minus
  that among the bottom 27% (ties broken by id, so the groups are deterministic); None
  with fewer than 4 students.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

GROUP = 0.27


def proportion(flags: Sequence[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def point_biserial(flags: Sequence[bool], rest: Sequence[float]) -> float | None:
    """Pearson's r between `flags` (full marks on the item) and `rest` (each student's total
    on the other items)."""
    n = len(flags)
    if n < 2 or n != len(rest):
        return None
    xs = [1.0 if f else 0.0 for f in flags]
    mx, my = sum(xs) / n, sum(rest) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in rest)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, rest, strict=True))
    return round(sxy / math.sqrt(sxx * syy), 4)


def upper_lower(flags: Sequence[bool], totals: Sequence[float], ids: Sequence[str]
                ) -> float | None:
    """p(upper 27%) - p(lower 27%), students ranked by total (then id)."""
    n = len(flags)
    if n < 4:
        return None
    k = max(1, round(GROUP * n))
    order = sorted(range(n), key=lambda i: (-totals[i], ids[i]))
    upper = sum(flags[i] for i in order[:k]) / k
    lower = sum(flags[i] for i in order[-k:]) / k
    return round(upper - lower, 4)


@dataclass(frozen=True)
class Bin:
    """Students whose score (percent of the maximum) is in [low, high) (the last bin
    includes 100)."""

    low: int
    high: int
    count: int

    def to_json(self) -> dict[str, int]:
        return {"from": self.low, "to": self.high, "count": self.count}


def histogram(percents: Sequence[float], width: int = 10) -> tuple[Bin, ...]:
    """Counts of `percents` (0..100) in bins of `width` points."""
    edges = list(range(0, 100, width))
    counts = [0] * len(edges)
    for p in percents:
        i = min(len(edges) - 1, max(0, int(p // width)))
        counts[i] += 1
    return tuple(Bin(lo, min(100, lo + width), c) for lo, c in zip(edges, counts, strict=True))


def mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    s = sorted(values)
    mid = len(s) // 2
    return round(s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2, 4)
