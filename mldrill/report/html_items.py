"""The per-question (per-test) parts of the HTML report: the sortable table and each
item's section (its score distribution, diagnoses, unexplained answers as YAML, failures).
Every student text is escaped with `esc`."""

from __future__ import annotations

from html import escape

from mldrill.report import charts
from mldrill.report.result import AnswerGroup, ClassReport, Group, ItemStats

LOW_P = 0.2       # a discrimination below this is flagged


def esc(text: object) -> str:
    """Text for an HTML element or a quoted attribute."""
    return escape(str(text), quote=True)


def num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _sort(value: float | None) -> str:
    return f"{value:.4f}" if value is not None else "-9"


def _row(i: ItemStats) -> str:
    top = i.diagnoses[0] if i.diagnoses else (i.failures[0] if i.failures else None)
    top_text = f"{top.label} ({top.count})" if top else ""
    low = i.point_biserial is not None and i.point_biserial < LOW_P
    return (f"<tr><td><a href=\"#{_anchor(i)}\">{esc(i.item)}</a></td><td>{esc(i.topic)}</td>"
            f"<td class=n>{i.students}</td>"
            f"<td class=n data-sort=\"{_sort(i.p_correct)}\">{num(i.p_correct)}</td>"
            f"<td class=n data-sort=\"{_sort(i.mean)}\">{num(i.mean)}</td>"
            f"<td class=\"n{' low' if low else ''}\" data-sort=\"{_sort(i.point_biserial)}\">"
            f"{num(i.point_biserial)}</td>"
            f"<td class=n data-sort=\"{_sort(i.upper_lower)}\">{num(i.upper_lower)}</td>"
            f"<td class=n>{i.blank}</td><td class=n>{i.invalid}</td>"
            f"<td>{esc(top_text)}</td></tr>")


def question_table(report: ClassReport) -> str:
    head = "".join(f"<th>{h}</th>" for h in (
        "item", "topic", "n", "p", "mean", "r", "U−L", "blank", "unreadable",
        "most frequent diagnosis" if report.kind != "code" else "most frequent failure"))
    rows = "".join(_row(i) for i in report.items)
    return (f"<table class=sortable id=questions><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _anchor(i: ItemStats) -> str:
    import hashlib

    return "item-" + hashlib.sha256(i.item.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _group_rows(groups: tuple[Group, ...], example: bool) -> str:
    out = []
    for g in groups:
        also = ", ".join(f"{item} ({c})" for item, c in g.also_missed)
        extra = f"<pre>{esc(g.example)}</pre>" if example and g.example else ""
        out.append(f"<tr><td>{esc(g.label)}{extra}</td><td class=n>{g.count}</td>"
                   f"<td>{esc(', '.join(g.students))}</td><td>{esc(also)}</td></tr>")
    return "".join(out)


def _groups(title: str, groups: tuple[Group, ...], example: bool) -> str:
    if not groups:
        return ""
    return (f"<h4>{title}</h4><table><thead><tr><th>what</th><th>students</th><th>who</th>"
            "<th>they also missed</th></tr></thead>"
            f"<tbody>{_group_rows(groups, example)}</tbody></table>")


def _answer(a: AnswerGroup) -> str:
    generic = f" <span class=muted>({esc(a.diagnosis)})</span>" if a.diagnosis else ""
    if a.relation:
        return (f"<b>{esc(a.relation)}</b>{generic} <span class=muted>e.g. "
                f"<code>{esc(a.answer)}</code></span>")
    return f"<code>{esc(a.answer)}</code>{generic}"


def _unexplained(groups: tuple[AnswerGroup, ...]) -> str:
    if not groups:
        return ""
    rows = "".join(f"<tr><td>{_answer(a)}</td><td class=n>{a.count}</td>"
                   f"<td>{esc(', '.join(a.students))}</td></tr>" for a in groups)
    yaml = "\n\n".join(a.yaml for a in groups if a.count >= 2) or groups[0].yaml
    return ("<h4>Wrong answers no catalogued mistake explained</h4><table><thead><tr>"
            "<th>answer (generic diagnosis)</th>"
            f"<th>students</th><th>who</th></tr></thead><tbody>{rows}</tbody></table>"
            "<p class=muted>To catalogue one, paste into the part's YAML:</p>"
            f"<pre class=yaml>{esc(yaml)}</pre>")


def _followed(i: ItemStats) -> str:
    if not i.follow_through:
        return ""
    return (f"<p>{len(i.follow_through)} right only for their own wrong earlier answers "
            f"(follow-through credit): {esc(', '.join(i.follow_through))}</p>")


def item_section(i: ItemStats, kind: str) -> str:
    wrong = i.students - i.correct - i.blank
    return "\n".join([
        f"<section class=item id=\"{_anchor(i)}\">",
        f"<div class=chart>{charts.distribution_svg(i)}</div>",
        f"<h3>{esc(i.item)}</h3>",
        f"<p class=muted>{esc(i.problem)} · {esc(i.topic)} · {i.max_score:g} point(s)</p>",
        f"<p>{i.correct} of {i.students} with full marks (p = {num(i.p_correct)}), "
        f"{wrong} wrong, {i.blank} blank; r = {num(i.point_biserial)}, "
        f"U−L = {num(i.upper_lower)}</p>",
        _followed(i),
        _groups("Diagnoses", i.diagnoses, example=False),
        _unexplained(i.unexplained),
        _groups("Failures (same message shape)", i.failures, example=True),
        "</section>"])
