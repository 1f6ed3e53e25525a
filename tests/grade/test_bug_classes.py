"""The planted-bug corpus of the `layers` assignment: each real student mistake, planted as a
one-place text edit in the correct loop solution (students/layers_loops.py), fails the test
meant to catch it with a message that names the mistake, and costs nothing elsewhere.

A bug the current assignment does not catch (or catches with an unhelpful message) is kept,
marked xfail(strict=True) with the reason, so fixing the assignment turns it into a pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from mldrill.bank.catalog import bank_dirs
from mldrill.grade.exercise import Assignment
from mldrill.grade.grader import grade_file, load_assignments
from mldrill.grade.report import GradeReport

STUDENT = Path(__file__).parent / "students" / "layers_loops.py"
SEED = 3  # one fixed seed: each mutant is graded once


class Bug(NamedTuple):
    id: str
    old: str        # text of layers_loops.py, replaced once
    new: str
    test: str       # a substring of the name of the (one) test that must fail
    message: str    # a fragment its output must contain


def bug(id: str, old: str, new: str, test: str, message: str, *, xfail: str = "") -> object:
    """One row of the table: a pytest.param with the bug's id (xfail(strict) when `xfail`)."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(Bug(id, old, new, test, message), id=id, marks=marks)


BUGS = [
    # ------------------------------------------------------------------ affine
    # x @ w on the raw (N, d1, d2) input: forgot to flatten each example to a row.
    bug("affine-forward-no-reshape",
        "out = x_row.dot(w) + b", "out = x.dot(w) + b",
        "affine_forward on a batch of 3-d inputs", "raised ValueError"),
    # dx left as (N, D): forgot to reshape the gradient back to x's shape.
    bug("affine-backward-dx-not-reshaped",
        "dx = dout.dot(w.T).reshape(x.shape)", "dx = dout.dot(w.T)",
        "affine_backward on 3-d inputs", "expected shape"),
    # db = dout: the bias gradient is not summed over the batch, shape (N, M).
    bug("affine-db-not-summed",
        "db = np.sum(dout, axis=0)", "db = dout",
        "affine_backward on 3-d inputs", "expected shape"),
    # np.squeeze on the flattened input: fine for N > 1, (M,) instead of (1, M) for N = 1.
    bug("affine-forward-squeeze-batch-1",
        "x_row = x.reshape(N, -1)", "x_row = np.squeeze(x.reshape(N, -1))",
        "affine_forward with batch size 1", "it would broadcast"),
    # np.squeeze in the backward: x becomes (D,) for N = 1 and the outer product breaks.
    bug("affine-backward-squeeze-batch-1",
        "dw = x.reshape(N, -1).T.dot(dout)", "dw = np.squeeze(x.reshape(N, -1)).T.dot(dout)",
        "affine_backward with batch size 1", "raised ValueError"),
    # The return line forgotten: the function returns None.
    bug("affine-backward-missing-return",
        "    db = np.sum(dout, axis=0)\n    return dx, dw, db\n",
        "    db = np.sum(dout, axis=0)\n",
        "affine_backward on 3-d inputs", "got None"),
    # ------------------------------------------------------------------ relu
    # The gradient gated on the sign of dout instead of the sign of the input.
    bug("relu-backward-gates-on-dout",
        "dx = dout * (x > 0)", "dx = dout * (dout > 0)",
        "relu_backward", "entries differ"),
    # relu_forward zeroes x in place and returns it: the caller's x changes.
    bug("relu-forward-in-place",
        "out = np.maximum(0, x)", "x[x < 0] = 0\n    out = x",
        "relu_forward on a 4-d array", "modified its input x"),
    # The common `dx = dout; dx[x <= 0] = 0`: dx aliases dout, so dout is zeroed in place.
    bug("relu-backward-in-place-dout",
        "dx = dout * (x > 0)", "dx = dout\n    dx[x <= 0] = 0",
        "relu_backward", "modified its input dout"),
    # ------------------------------------------------------------------ losses
    # The correct class's own margin (always 1) is counted: the loss is 1 too big.
    bug("svm-counts-correct-class",
        "    margins[np.arange(N), y] = 0\n", "",
        "svm_loss, loss and gradient", "svm_loss: loss: got"),
    # The SVM loss summed over the batch, not averaged.
    bug("svm-loss-not-averaged",
        "loss = np.sum(margins) / N", "loss = np.sum(margins)",
        "svm_loss, loss and gradient", "svm_loss: loss: got"),
    # The softmax loss summed over the batch, not averaged.
    bug("softmax-loss-not-averaged",
        "loss = -np.sum(log_probs[np.arange(N), y]) / N",
        "loss = -np.sum(log_probs[np.arange(N), y])",
        "softmax_loss, loss and gradient", "softmax_loss: loss: got"),
    # The softmax gradient not divided by N (the loss is averaged).
    bug("softmax-grad-not-averaged",
        "    dx[np.arange(N), y] -= 1\n    dx /= N\n", "    dx[np.arange(N), y] -= 1\n",
        "softmax_loss, loss and gradient", "entries differ"),
    # No max-shift in the log-sum-exp: exp(1000) overflows and the loss comes back inf.
    bug("softmax-no-max-shift",
        "shifted_logits = x - np.max(x, axis=1, keepdims=True)", "shifted_logits = x",
        "softmax_loss with large scores", "loss: got inf"),
    # The textbook probs = exp(x) / sum(exp(x)) with no shift: inf / inf, the loss is nan.
    bug("softmax-naive-probs-no-shift",
        "    log_probs = shifted_logits - np.log(Z)\n    probs = np.exp(log_probs)\n",
        "    probs = np.exp(x) / np.sum(np.exp(x), axis=1, keepdims=True)\n"
        "    log_probs = np.log(probs)\n",
        "softmax_loss with large scores", "loss: got nan"),
    # ------------------------------------------------------------------ batchnorm
    # The unbiased variance (ddof=1, divide by N - 1) where batchnorm uses the biased one.
    bug("batchnorm-variance-ddof-1",
        "var = 1.0 / N * np.sum(sq, axis=0)", "var = np.var(x, axis=0, ddof=1)",
        "batchnorm_forward in train mode", "entries differ"),
    # x centred in place (x -= mu): the caller's x changes.
    bug("batchnorm-forward-centres-x-in-place",
        "xmu = x - mu", "x -= mu\n        xmu = x",
        "batchnorm_forward in train mode", "modified its input x"),
    # The running statistics are never updated (the update lines left as TODO).
    bug("batchnorm-running-stats-not-updated",
        "        running_mean = momentum * running_mean + (1 - momentum) * mu\n"
        "        running_var = momentum * running_var + (1 - momentum) * var\n", "",
        "batchnorm_forward in train mode", "must update bn_param"),
    # momentum and 1 - momentum swapped in the running average.
    bug("batchnorm-momentum-swapped",
        "running_mean = momentum * running_mean + (1 - momentum) * mu",
        "running_mean = (1 - momentum) * running_mean + momentum * mu",
        "batchnorm_forward in train mode", "running_mean"),
    # The batch mean kept as (1, D) (keepdims=True) ends up in running_mean.
    bug("batchnorm-running-mean-keepdims",
        "mu = 1.0 / N * np.sum(x, axis=0)", "mu = 1.0 / N * np.sum(x, axis=0, keepdims=True)",
        "batchnorm_forward in train mode", "it would broadcast"),
    # Test mode normalises with the batch's own statistics instead of the running ones.
    bug("batchnorm-test-uses-batch-stats",
        "xhat = (x - running_mean) / np.sqrt(running_var + eps)",
        "xhat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)",
        "batchnorm_forward in test mode", "entries differ"),
    # Test mode returns the normalised x, forgetting gamma and beta.
    bug("batchnorm-test-forgets-gamma-beta",
        "out = gamma * xhat + beta", "out = xhat",
        "batchnorm_forward in test mode", "entries differ"),
    # dbeta summed with keepdims=True: (1, D) where (D,) is expected (it would broadcast).
    bug("batchnorm-dbeta-keepdims",
        "dbeta = np.sum(dout, axis=0)\n    dgammax", "dbeta = np.sum(dout, axis=0, keepdims=True)\n"
        "    dgammax",
        "batchnorm_backward", "it would broadcast"),
    # ------------------------------------------------------------------ dropout
    # Classic dropout in training: the mask is not divided by p.
    bug("dropout-classic-no-rescale",
        "mask = (np.random.rand(*x.shape) < p) / p", "mask = np.random.rand(*x.shape) < p",
        "dropout_forward in train mode", "kept units equal x"),
    # p read as the probability of DROPPING a unit, consistently (old CS231n convention).
    bug("dropout-p-is-drop-probability",
        "mask = (np.random.rand(*x.shape) < p) / p",
        "mask = (np.random.rand(*x.shape) > p) / (1 - p)",
        "dropout_forward in train mode", "probability of KEEPING"),
    # The comparison flipped: units are kept with probability 1 - p (scaled by 1/p).
    bug("dropout-mask-comparison-flipped",
        "mask = (np.random.rand(*x.shape) < p) / p", "mask = (np.random.rand(*x.shape) > p) / p",
        "dropout_forward in train mode", "probability of KEEPING"),
    # Test mode scales by p as classic dropout does, though the train mode is inverted.
    bug("dropout-test-mode-scales-by-p",
        '    elif mode == "test":\n        out = x\n',
        '    elif mode == "test":\n        out = x * p\n',
        "dropout_forward in test mode", "test mode returned x * p"),
    # The backward uses the 0/1 pattern of the mask, dropping its 1/p scaling.
    bug("dropout-backward-not-scaled",
        "dx = dout * mask", "dx = dout * (mask > 0)",
        "dropout_backward", "1/p scaling"),
    # ------------------------------------------------------------------ conv
    # Unpadding with pad:-pad, which is an empty slice when pad = 0.
    bug("conv-backward-unpad-breaks-at-pad-0",
        "dx = dx_pad[:, :, pad:pad + H, pad:pad + W]", "dx = dx_pad[:, :, pad:-pad, pad:-pad]",
        "conv_backward_naive with stride 2, pad 0", "expected shape"),
    # Padding by hand into x_pad[:, :, pad:-pad, pad:-pad], which breaks when pad = 0.
    bug("conv-forward-pad-slice-breaks-at-pad-0",
        '    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")\n'
        "    out = np.zeros((N, F, H_out, W_out))\n",
        "    x_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))\n"
        "    x_pad[:, :, pad:-pad, pad:-pad] = x\n"
        "    out = np.zeros((N, F, H_out, W_out))\n",
        "conv_forward_naive with pad 0", "raised ValueError"),
    # The windows moved by 1 whatever the stride.
    bug("conv-forward-stride-ignored",
        "h_start = i * stride\n                    w_start = j * stride",
        "h_start = i\n                    w_start = j",
        "conv_forward_naive with stride 2", "entries differ"),
    # The backward written for stride 1 only (windows moved by 1).
    bug("conv-backward-stride-1-only",
        "hs = i * stride\n                    ws = j * stride",
        "hs = i\n                    ws = j",
        "conv_backward_naive with stride 2, pad 0", "entries differ"),
    # The backward written for pad 1 only (unpads with 1:-1).
    bug("conv-backward-pad-1-only",
        "dx = dx_pad[:, :, pad:pad + H, pad:pad + W]", "dx = dx_pad[:, :, 1:-1, 1:-1]",
        "conv_backward_naive with stride 2, pad 0", "expected shape"),
    # HH and WW swapped when slicing the window (square filters hide it).
    bug("conv-forward-filter-hh-ww-swapped",
        "x_window = x_pad[n, :, h_start:h_start + HH, w_start:w_start + WW]",
        "x_window = x_pad[n, :, h_start:h_start + WW, w_start:w_start + HH]",
        "conv_forward_naive with stride 2", "raised ValueError"),
    # H and W swapped when unpacking x.shape (square inputs hide it).
    bug("conv-forward-input-h-w-swapped",
        "    N, C, H, W = x.shape\n    F, _, HH, WW = w.shape\n    stride",
        "    N, C, W, H = x.shape\n    F, _, HH, WW = w.shape\n    stride",
        "conv_forward_naive with stride 2", "expected shape"),
    # A NotImplementedError left in from the template.
    bug("conv-backward-raises",
        "    x, w, b, conv_param = cache\n    N, C, H, W = x.shape\n",
        "    x, w, b, conv_param = cache\n    raise NotImplementedError('TODO')\n",
        "conv_backward_naive with stride 1 and pad 1", "raised NotImplementedError"),
    # ------------------------------------------------------------------ max pooling
    # Overlapping windows overwrite the gradient (=) instead of adding to it (+=).
    bug("maxpool-backward-assign-not-accumulate",
        "dx[n, c, top + r, left + s] += dout[n, c, i, j]",
        "dx[n, c, top + r, left + s] = dout[n, c, i, j]",
        "max_pool_backward_naive, overlapping", "entries differ"),
    # The forward windows moved by 1 whatever the stride.
    bug("maxpool-forward-stride-ignored",
        "h0 = i * stride\n                    w0 = j * stride",
        "h0 = i\n                    w0 = j",
        "max_pool_forward_naive, 2x2 windows with stride 2", "entries differ"),
    # The backward windows moved by 1 whatever the stride.
    bug("maxpool-backward-stride-ignored",
        "top = i * stride\n                    left = j * stride",
        "top = i\n                    left = j",
        "max_pool_backward_naive, 2x2 windows with stride 2", "entries differ"),
    # pool_height and pool_width swapped when slicing the forward window.
    bug("maxpool-forward-height-width-swapped",
        "x[n, c, h0:h0 + pool_height, w0:w0 + pool_width]",
        "x[n, c, h0:h0 + pool_width, w0:w0 + pool_height]",
        "max_pool_forward_naive, non-square", "entries differ"),
    # pool_height and pool_width swapped when slicing the backward window.
    bug("maxpool-backward-height-width-swapped",
        "window = x[n, c, top:top + pool_height, left:left + pool_width]",
        "window = x[n, c, top:top + pool_width, left:left + pool_height]",
        "max_pool_backward_naive, overlapping", "entries differ"),
    # The output size computed with the width where the height belongs.
    bug("maxpool-forward-output-size-swapped",
        "H_out = 1 + (H - pool_height) // stride\n    W_out = 1 + (W - pool_width) // stride\n"
        "\n    out = np.zeros((N, C, H_out, W_out))",
        "H_out = 1 + (W - pool_width) // stride\n    W_out = 1 + (H - pool_height) // stride\n"
        "\n    out = np.zeros((N, C, H_out, W_out))",
        "max_pool_forward_naive, non-square", "expected shape"),
    # `return out, cache` forgotten in the forward.
    bug("maxpool-forward-missing-return",
        "    cache = (x, pool_param)\n    return out, cache\n", "    cache = (x, pool_param)\n",
        "max_pool_forward_naive, 2x2 windows with stride 2", "got None"),
    # The same forgotten return, seen from the backward test: the report should blame the
    # forward (it checks `must return (out, cache)` only after the backward ran).
    bug("maxpool-forward-missing-return-seen-by-backward",
        "    cache = (x, pool_param)\n    return out, cache\n", "    cache = (x, pool_param)\n",
        "max_pool_backward_naive, 2x2 windows with stride 2",
        "max_pool_forward_naive must return (out, cache)"),
]


@pytest.fixture(scope="module")
def layers() -> list[Assignment]:
    """The bundled `layers` assignment (as the one-item list grade_file takes), loaded once."""
    found, diags = load_assignments(bank_dirs())
    chosen = [a for a in found if a.name == "layers"]
    assert len(chosen) == 1, [str(d) for d in diags]
    return chosen


def plant(b: Bug, tmp_path: Path) -> Path:
    """A copy of layers_loops.py with the bug planted (its old text must occur exactly once)."""
    text = STUDENT.read_text(encoding="utf-8")
    assert text.count(b.old) == 1, f"{b.id}: old text occurs {text.count(b.old)} times"
    assert b.old != b.new
    path = tmp_path / "layers.py"
    path.write_text(text.replace(b.old, b.new), encoding="utf-8")
    return path


def summary(report: GradeReport) -> str:
    """Every test that did not pass, with its output, for assertion messages."""
    return "\n".join(f"- {t.name}: {t.status}: {t.output}" for t in report.tests
                     if t.status != "passed") or "(every test passed)"


def test_table_ids_unique() -> None:
    """Each bug of the table has its own id."""
    ids = [p.values[0].id for p in BUGS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("b", BUGS)
def test_bug_caught_by_its_test_only(b: Bug, layers: list[Assignment], tmp_path: Path) -> None:
    """The planted bug fails its test with a telling message; other exercises keep full marks."""
    report = grade_file(plant(b, tmp_path), layers, seed=SEED)
    assert report.outcome == "graded", report.message
    hits = [t for t in report.tests if b.test in t.name]
    assert len(hits) == 1, f"{b.test!r} names {len(hits)} tests"
    hit = hits[0]
    assert hit.status == "failed", summary(report)
    assert hit.score == 0
    assert b.message in hit.output, hit.output
    others = [t for t in report.tests if t.exercise != hit.exercise]
    assert others and all(t.status == "passed" for t in others), summary(report)


# Bugs that the table's seed catches but that some other seed lets through with full marks:
# the sizes drawn for the test meant to catch them sometimes hide them. The sweep stops at
# the first seed that lets the bug through.
SWEEP_SEEDS = range(10)
SEED_SENSITIVE = [
    # sizes that once hid these: a square input when Ho == Wo; a swapped 3x2 window on tied
    # values (now a separate test with normal values and H != W)
    "conv-forward-input-h-w-swapped",
    "maxpool-forward-height-width-swapped",
]


@pytest.mark.parametrize("bug_id", SEED_SENSITIVE)
def test_bug_caught_for_every_seed(bug_id: str, layers: list[Assignment],
                                   tmp_path: Path) -> None:
    """A seed-sensitive bug loses points for every grading seed, not just the table's."""
    b = next(p.values[0] for p in BUGS if p.values[0].id == bug_id)
    path = plant(b, tmp_path)
    for seed in SWEEP_SEEDS:
        report = grade_file(path, layers, seed=seed)
        assert report.outcome == "graded", report.message
        assert report.score < report.max_score, f"seed {seed}: full marks"
