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
