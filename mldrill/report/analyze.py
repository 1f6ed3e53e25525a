"""A `ClassData` into a `ClassReport`: item analysis, diagnoses, unexplained answers,
failures by shape, topics and per-student profiles. Pure: no file, no printing.

Only graded students count in the item and topic figures; every student has a profile.
Students are listed by id everywhere, so the same class gives the same report."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from mldrill.report import stats
from mldrill.report.cluster import answer_key, message_shape, relation, yaml_entry
from mldrill.report.model import ClassData, Response, StudentRecord
from mldrill.report.result import (
    AnswerGroup,
    ClassReport,
    Group,
    ItemStats,
    Misconception,
    StudentProfile,
    TopicStats,
)

MAX_GROUPS = 8        # diagnoses, answers, failures shown per item
MAX_EXAMPLE = 600


@dataclass(frozen=True)
class _Row:
    """One graded student's response to an item, with the student's standing."""

    student: str
    response: Response
    rest: float          # the fraction earned on the student's other items
    total: float         # the fraction earned overall


def build_report(data: ClassData, anonymous: bool = False) -> ClassReport:
    """The report of `data` (its ids already replaced when `anonymous`)."""
    graded = sorted((s for s in data.students if s.graded), key=lambda s: s.student)
    rows = _rows(graded)
    missed = {s.student: {r.item for r in s.responses if not r.right} for s in graded}
    items = tuple(_item(name, rows[name], missed, data.kind) for name in rows)
    percents = [100 * s.score / s.max_score for s in graded if s.max_score]
    return ClassReport(
        data.kind, data.source, anonymous, len(graded), stats.mean(percents),
        stats.median(percents), stats.histogram(percents), items, _topics(graded),
        tuple(_profile(s, data.kind) for s in sorted(data.students, key=lambda s: s.student)),
        data.warnings)


def _rows(graded: Sequence[StudentRecord]) -> dict[str, list[_Row]]:
    """Each item's rows, items in the order first met (a sheet's question order)."""
    out: dict[str, list[_Row]] = {}
    for s in graded:
        total, possible = s.score, s.max_score
        for r in s.responses:
            rest_of = possible - r.max_score
            rest = (total - r.score) / rest_of if rest_of > 0 else 0.0
            out.setdefault(r.item, []).append(
                _Row(s.student, r, rest, total / possible if possible else 0.0))
    return out


def _item(name: str, rows: list[_Row], missed: dict[str, set[str]], kind: str
          ) -> ItemStats:
    flags = [r.response.right for r in rows]
    first = rows[0].response
    top = max(r.response.max_score for r in rows)
    fractions = [r.response.score / r.response.max_score if r.response.max_score else 0.0
                 for r in rows]
    distribution = sorted(Counter(round(r.response.score, 6) for r in rows).items())
    code = kind == "code"
    return ItemStats(
        name, first.problem, first.topic, top, len(rows), sum(flags),
        sum(r.response.status in ("unanswered", "not attempted") for r in rows),
        sum(r.response.status == "invalid" for r in rows), stats.mean(fractions),
        stats.proportion(flags), stats.point_biserial(flags, [r.rest for r in rows]),
        stats.upper_lower(flags, [r.total for r in rows], [r.student for r in rows]),
        tuple(distribution),
        () if code else _diagnoses(name, rows, missed),
        () if code else _unexplained(name, first.problem, rows),
        _failures(name, rows, missed) if code else (),
        tuple(sorted(r.student for r in rows if r.response.followed)))


def _groups(name: str, keyed: Iterable[tuple[str, _Row]], missed: dict[str, set[str]],
            example: Callable[[Response], str]) -> tuple[Group, ...]:
    """Students grouped by key, largest first (then by key), at most MAX_GROUPS."""
    by: dict[str, list[_Row]] = defaultdict(list)
    for key, row in keyed:
        by[key].append(row)
    ranked = sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:MAX_GROUPS]
    return tuple(Group(key, tuple(sorted(r.student for r in rs)),
                       _also_missed(name, [r.student for r in rs], missed),
                       example(rs[0].response)[:MAX_EXAMPLE]) for key, rs in ranked)


def _also_missed(name: str, students: Sequence[str], missed: dict[str, set[str]]
                 ) -> tuple[tuple[str, int], ...]:
    counts = Counter(i for s in students for i in missed.get(s, ()) if i != name)
    need = max(2, (len(students) + 1) // 2)
    ranked = sorted(((i, c) for i, c in counts.items() if c >= need),
                    key=lambda ic: (-ic[1], ic[0]))
    return tuple(ranked[:3])


def _diagnoses(name: str, rows: list[_Row], missed: dict[str, set[str]]
               ) -> tuple[Group, ...]:
    """Wrong answers grouped by diagnosis (an unreadable answer is counted in `invalid`)."""
    keyed = [(r.response.diagnosis, r) for r in rows
             if r.response.diagnosis and r.response.status == "incorrect"]
    return _groups(name, [(k, r) for k, r in keyed if k], missed, lambda r: r.message)


def _unexplained(name: str, problem: str, rows: list[_Row]) -> tuple[AnswerGroup, ...]:
    """Wrong answers no catalogued mistake explained (see `Response.uncatalogued`),
    grouped by how they relate to the student's own reference where that is known (see
    `cluster.relation`), else by their text."""
    by: dict[str, list[_Row]] = defaultdict(list)
    how: dict[str, tuple[str, str]] = {}
    for r in rows:
        resp = r.response
        if not resp.uncatalogued or not resp.answer:
            continue
        rel = relation(resp.answer, resp.reference) if resp.reference else None
        key = "1:" + rel[0] if rel else "2:" + answer_key(resp.answer)
        if rel:
            how[key] = rel
        by[key].append(r)
    ranked = sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:MAX_GROUPS]
    out = []
    for key, rs in ranked:
        students = tuple(sorted(r.student for r in rs))
        typed = rs[0].response.answer or ""
        rel = how.get(key)
        expr = rs[0].response.expression
        written = rel[1].format(expr) if rel and expr else None
        out.append(AnswerGroup(typed, students,
                               yaml_entry(name, problem, typed, students, written),
                               rel[0] if rel else None, rs[0].response.diagnosis))
    return tuple(out)


def _failure_label(r: Response) -> str:
    return f"{r.reason or 'failed'}: {message_shape(r.message)}"


_FUNCTION = re.compile(r"[A-Za-z_][A-Za-z0-9_]*: ")
BY_REASON = {"mutated": "modifies an input in place", "invalid-return":
             "returns the wrong kind of value", "error": "raises an error",
             "missing": "a function is missing", "timeout": "runs out of time",
             "memory": "runs out of memory", "crashed": "crashes",
             "output-limit": "prints too much"}


def _habit_label(r: Response) -> str:
    """A failure as a student's habit: the kind of failure, or for a wrong value its
    message shape without the function it was met in, so the same slip in two functions
    (an input modified, a transposed result) is one."""
    if r.reason in BY_REASON:
        return f"{r.reason}: {BY_REASON[r.reason]}"
    return f"{r.reason or 'failed'}: {_FUNCTION.sub('', message_shape(r.message), count=1)}"


def _failures(name: str, rows: list[_Row], missed: dict[str, set[str]]
              ) -> tuple[Group, ...]:
    keyed = [(_failure_label(r.response), r) for r in rows if r.response.status == "failed"]
    return _groups(name, keyed, missed, lambda r: r.message)


def _topics(graded: Sequence[StudentRecord]) -> tuple[TopicStats, ...]:
    points: dict[str, float] = defaultdict(float)
    possible: dict[str, float] = defaultdict(float)
    items: dict[str, set[str]] = defaultdict(set)
    mine: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for s in graded:
        for r in s.responses:
            points[r.topic] += r.score
            possible[r.topic] += r.max_score
            items[r.topic].add(r.item)
            got = mine[(r.topic, s.student)]
            got[0] += r.score
            got[1] += r.max_score
    out = []
    for topic in sorted(possible):
        below = tuple(sorted(sid for (t, sid), (g, of) in mine.items()
                             if t == topic and of and g < of / 2))
        out.append(TopicStats(topic, len(items[topic]), round(points[topic], 6),
                              round(possible[topic], 6), below))
    return tuple(out)


def _profile(s: StudentRecord, kind: str) -> StudentProfile:
    labels: dict[str, list[Response]] = defaultdict(list)
    for r in s.responses:
        if r.right:
            continue
        if kind == "code" and r.status == "failed":
            labels[_habit_label(r)].append(r)
        elif r.diagnosis and r.status == "incorrect":  # not "unreadable": counted apart
            labels[r.diagnosis].append(r)
    shown = sorted(((k, rs) for k, rs in labels.items() if len(rs) >= 2),
                   key=lambda kv: (-len(kv[1]), kv[0]))
    misconceptions = tuple(Misconception(k, tuple(r.item for r in rs),
                                         rs[0].message[:MAX_EXAMPLE]) for k, rs in shown)
    return StudentProfile(s.student, s.outcome, s.score, s.max_score, s.message,
                          misconceptions, tuple(r.item for r in s.responses if not r.right))
