"""The report's charts as inline SVG, drawn by matplotlib (imported here, lazily: only a
report pays for it) on a bare `Figure` with the Agg backend selected: no GUI backend and no
global pyplot state. Labels are drawn as plain text (never parsed as mathtext), SVG ids are
fixed by a salt (the same report gives the same bytes), and the XML prolog is dropped so
the SVG can sit inside HTML."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mldrill.report.stats import Bin

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from mldrill.report.result import ItemStats, TopicStats

BLUE = "#3b6ea8"
RED = "#c0504d"
GREEN = "#4f8a4b"


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    import matplotlib

    matplotlib.use("Agg")  # never a GUI backend, whatever the environment asks for
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=72)
    ax = fig.subplots()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _integers(ax: Axes, ticks: int = 6) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(nbins=ticks, integer=True))


def _svg(fig: Figure) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "mldrill",
                                "font.family": "sans-serif"}):
        fig.tight_layout()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    return text[text.index("<svg"):]


def histogram_svg(bins: Sequence[Bin]) -> str:
    """Students per band of 10 percentage points."""
    fig, ax = _figure(7.0, 2.6)
    ax.bar([b.low for b in bins], [b.count for b in bins], width=[b.high - b.low for b in bins],
           align="edge", color=BLUE, edgecolor="white")
    ax.set_xlim(0, 100)
    ax.set_xlabel("score (% of the maximum)", parse_math=False)
    ax.set_ylabel("students", parse_math=False)
    _integers(ax)
    return _svg(fig)


def distribution_svg(item: ItemStats) -> str:
    """Students per score on one item (full marks in green, none in red)."""
    fig, ax = _figure(3.2, 1.8)
    scores = [s for s, _ in item.distribution]
    colours = [GREEN if s >= item.max_score else RED if s <= 0 else BLUE for s in scores]
    ax.bar(range(len(scores)), [c for _, c in item.distribution], color=colours)
    ax.set_xticks(range(len(scores)), [f"{s:g}" for s in scores], parse_math=False)
    ax.set_xlabel("points", parse_math=False)
    ax.set_ylabel("students", parse_math=False)
    _integers(ax, 3)
    return _svg(fig)


def topics_svg(topics: Sequence[TopicStats]) -> str:
    """Each topic's share of its points earned by the class."""
    shown = [t for t in topics if t.mastery is not None]
    fig, ax = _figure(7.0, 0.6 + 0.35 * max(1, len(shown)))
    values = [100 * (t.mastery or 0.0) for t in shown]
    ax.barh(range(len(shown)), values,
            color=[GREEN if v >= 70 else RED if v < 40 else BLUE for v in values])
    ax.set_yticks(range(len(shown)), [t.topic[:40] for t in shown], parse_math=False)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("mastery (% of the topic's points)", parse_math=False)
    return _svg(fig)
