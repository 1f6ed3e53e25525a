"""Rendering of `mldrill list --functions`: the reference functions, grouped by module."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from mldrill.cli.render import console, plain
from mldrill.record import asdict

if TYPE_CHECKING:
    from mldrill.inventory import ReferenceFunction

JSONRow = dict[str, str | bool | list[str]]


def functions_json(rows: Sequence[ReferenceFunction]) -> list[JSONRow]:
    """One object per function: name, module, topics, problems, assignments, doc, builtin."""
    return [{k: list(v) if isinstance(v, tuple) else v for k, v in asdict(r).items()}
            for r in rows]


def _users(r: ReferenceFunction) -> Text:
    if r.builtin:
        return Text("(problems call the built-in)", style="dim")
    return Text(", ".join(r.topics), style="green") if r.topics else Text("-", style="dim")


def render_functions(rows: Sequence[ReferenceFunction]) -> None:
    """A heading per module, then a line per function: name, topics using it, its summary
    (cut to fit, never wrapped)."""
    con = console()
    per_module: dict[str, int] = {}
    for r in rows:
        per_module[r.module] = per_module.get(r.module, 0) + 1
    headings = {m: f"{m} ({n})" for m, n in per_module.items()}
    name_width = max([len(r.name) + 2 for r in rows] + [len(h) for h in headings.values()],
                     default=10)
    topic_width = min(30, max((len(_users(r)) for r in rows), default=10))
    table = Table(show_header=False, box=None, pad_edge=False, expand=False)
    table.add_column("name", no_wrap=True, min_width=name_width)
    table.add_column("topics", no_wrap=True, overflow="ellipsis", max_width=topic_width)
    table.add_column("doc", no_wrap=True, overflow="ellipsis",
                     max_width=max(20, con.width - name_width - topic_width - 4))
    current: str | None = None
    for r in rows:
        if r.module != current:
            if current is not None:
                table.add_row("", "", "")
            current = r.module
            table.add_row(Text(headings[r.module], style="bold"), "", "")
        table.add_row(Text("  " + r.name, style="cyan"), _users(r),
                      Text(r.doc.replace("``", "`")))
    con.print(table)
    count, modules = len(rows), len(per_module)
    plain(con, f"\n{count} reference function{'' if count == 1 else 's'} in {modules} "
               f"module{'' if modules == 1 else 's'}.\n"
               "Try: mldrill list --functions --topic TOPIC   or   --json", "dim")
