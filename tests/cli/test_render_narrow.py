"""What `history` and `stats` print at 80 columns: the answer has room, ids are never
broken mid-word."""

from __future__ import annotations

from mldrill.cli import render


def _row(answer: str, pid: str = "backprop-autoencoder-classifier") -> dict:
    return {"created_at": "2026-12-04T10:00:00+00:00", "mode": "practice", "problem_id": pid,
            "seed": 123456, "part": "dW1", "answer": answer, "status": "incorrect",
            "score": 0.0, "diagnosis": "mistake:forgot-the-transpose-of-the-weights"}


def test_history_gives_the_answer_room_at_80_columns(monkeypatch, capsys) -> None:
    """A 30-character answer is shown whole on one line; the long id is cut short with an
    ellipsis instead (the diagnosis waits for a wider terminal), and no line is wider than
    the terminal."""
    monkeypatch.setenv("COLUMNS", "80")
    answer = "[[0.25, -1.5], [2.75, 0.5]]"
    render.render_history([_row(answer)])
    out = capsys.readouterr().out
    assert answer in out
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "…" in out


def test_stats_due_list_wraps_between_ids(monkeypatch, capsys) -> None:
    """The due-for-review line wraps at spaces: every id appears whole on one line."""
    from mldrill.progress.stats import Stats

    monkeypatch.setenv("COLUMNS", "60")
    ids = ["backprop-autoencoder-classifier", "matrix-calculus-least-squares-grad",
           "conv-pool-relu-pipeline", "mle-laplace-smoothing"]
    stats = Stats(attempts=3, due=[{"id": i, "topic": "t", "due": ""} for i in ids])
    render.render_stats(stats)
    out = capsys.readouterr().out
    lines = out.splitlines()
    for i in ids:
        assert any(i in line for line in lines), (i, out)
    assert all(len(line) <= 60 for line in lines)


def test_the_caret_under_a_long_answer_sits_under_its_character(monkeypatch, capsys) -> None:
    """An unreadable answer longer than the terminal is cut into pieces, not wrapped at
    spaces, and the caret is printed under the exact character it points at."""
    from mldrill.answers.base import PartResult
    from mldrill.cli.render import caret_lines, console, render_part_result
    from mldrill.errors import AnswerParseError

    text = "[[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16], [17, 18 19, 20]]"
    col = text.index("19")
    err = AnswerParseError(text, col, "two numbers with nothing between them")
    monkeypatch.setenv("COLUMNS", "40")
    render_part_result(console(), PartResult("M", "invalid", 0.0, (err.render(),),
                                             error_col=col))
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 40 for line in lines)
    k = next(i for i, line in enumerate(lines) if line.strip() == "^")
    above, caret = lines[k - 1], lines[k]
    assert above[caret.index("^"):].startswith("19")
    for width in range(12, 90):  # the piece with the caret, at every width
        got = caret_lines("  " + text, "  " + " " * col + "^", width)
        k = next(i for i, line in enumerate(got) if line.strip() == "^")
        assert got[k - 1][got[k].index("^")] == "1"  # the "1" of "19"
        assert "".join(g[2:] for i, g in enumerate(got) if i != k) == text


def test_a_part_header_wraps_at_spaces_and_keeps_its_points_whole(monkeypatch, capsys) -> None:
    """A part's header longer than the terminal wraps between words; `[1 point]` is never
    split (it was: `[1 point` at the end of one line and `]` alone on the next)."""
    from mldrill.bank.catalog import load_catalog
    from mldrill.variants.generate import make_variant

    monkeypatch.setenv("COLUMNS", "80")
    cat = load_catalog(strict=False)
    variant = make_variant(cat.families["kernel-value"], 57530, cat.functions)
    rbf = next(p for p in variant.parts if p.name == "rbf")
    render.render_part_header(render.console(), rbf)
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    assert any(line.endswith("[1 point]") for line in lines), lines
    assert "rbf: b) the RBF kernel" in lines[1]
