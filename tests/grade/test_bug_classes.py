"""The planted-bug corpus of the bundled assignments: each real student mistake, planted as a
one-place text edit in a correct loop solution (students/layers_loops.py, drills_loops.py),
fails the test meant to catch it with a message that names the mistake, costs nothing
elsewhere, and gets the same verdict for every grading seed.

A bug the current assignment does not catch (or catches with an unhelpful message) is kept,
marked xfail(strict=True) with the reason, so fixing the assignment turns it into a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import NamedTuple

import pytest
from grade_harness import (
    Multiplexed,
    Variant,
    all_tests,
    changed_functions,
    functions_called,
    memoized_reference_checks,
    multiplexed,
    source_of,
)

from mldrill.bank.catalog import bank_dirs
from mldrill.grade.assignment import Assignment, Exercise, TestSpec
from mldrill.grade.grader import grade_file, load_assignments
from mldrill.grade.report import TestOutcome

STUDENTS = {  # the correct files the bugs are planted in
    "layers": Path(__file__).parent / "students" / "layers_loops.py",
    "drills": Path(__file__).parent / "students" / "drills_loops.py",
}
SEED = 3  # the seed of the per-bug checks (the sweep below tries 20)


class Bug(NamedTuple):
    id: str
    old: str        # text of the assignment's correct file (STUDENTS), replaced once
    new: str
    test: str       # the name of the test that must fail, or a substring naming one test
    message: str    # a fragment its output must contain
    assignment: str = "layers"


def bug(id: str, old: str, new: str, test: str, message: str, *, xfail: str = "",
        assignment: str = "layers") -> object:
    """One row of the table: a pytest.param with the bug's id (xfail(strict) when `xfail`)."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(Bug(id, old, new, test, message, assignment), id=id, marks=marks)


def drills_bug(id: str, old: str, new: str, test: str, message: str) -> object:
    """A row of the drills part of the table."""
    return bug(id, old, new, test, message, assignment="drills")


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
    # The bias added along the wrong axis (b[:, None]): a shape error unless N == M, and
    # wrong values when N == M (a fixed case).
    bug("affine-forward-bias-wrong-axis",
        "out = x_row.dot(w) + b", "out = x_row.dot(w) + b[:, None]",
        "affine_forward on a batch of 3-d inputs", "entries differ"),
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
    # The gradient passed through where x is exactly 0 (x >= 0): CS231n's is 0 there.
    bug("relu-backward-at-zero",
        "dx = dout * (x > 0)", "dx = dout * (x >= 0)",
        "relu_backward where x is exactly 0", "where x is exactly 0 the gradient must be 0"),
    # ------------------------------------------------------------------ losses
    # The correct class's own margin (always 1) is counted: the loss is 1 too big.
    bug("svm-counts-correct-class",
        "    margins[np.arange(N), y] = 0\n", "",
        "svm_loss, loss and gradient", "svm_loss: loss: got"),
    # The SVM loss summed over the batch, not averaged.
    bug("svm-loss-not-averaged",
        "loss = np.sum(margins) / N", "loss = np.sum(margins)",
        "svm_loss, loss and gradient", "svm_loss: loss: got"),
    # A margin of exactly 0 counted as violated (>= 0): its gradient is 0 by convention.
    bug("svm-margin-boundary-counted",
        "    num_pos = np.sum(margins > 0, axis=1)\n    dx = np.zeros_like(x)\n"
        "    dx[margins > 0] = 1\n",
        "    raw = x - correct_class_scores[:, np.newaxis] + 1.0\n"
        "    raw[np.arange(N), y] = -1\n"
        "    num_pos = np.sum(raw >= 0, axis=1)\n    dx = np.zeros_like(x)\n"
        "    dx[raw >= 0] = 1\n",
        "svm_loss, loss and gradient", "svm_loss: dx"),
    # The softmax loss summed over the batch, not averaged.
    bug("softmax-loss-not-averaged",
        "loss = -np.sum(log_probs[np.arange(N), y]) / N",
        "loss = -np.sum(log_probs[np.arange(N), y])",
        "softmax_loss, loss and gradient", "softmax_loss: loss: got"),
    # The softmax gradient not divided by N (the loss is averaged).
    bug("softmax-grad-not-averaged",
        "    dx[np.arange(N), y] -= 1\n    dx /= N\n", "    dx[np.arange(N), y] -= 1\n",
        "softmax_loss, loss and gradient", "entries differ"),
    # The normaliser summed over the batch (axis 0) instead of over the classes.
    bug("softmax-normaliser-wrong-axis",
        "Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)",
        "Z = np.sum(np.exp(shifted_logits), axis=0, keepdims=True)",
        "softmax_loss, loss and gradient", "softmax_loss: loss: got"),
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
    # eps left out of the train-mode normalisation: NaN for a feature constant over the batch.
    bug("batchnorm-train-no-eps",
        "sqrtvar = np.sqrt(var + eps)", "sqrtvar = np.sqrt(var)",
        "batchnorm_forward in train mode", "not finite"),
    # A default momentum of 0.99 where CS231n's is 0.9 (bn_param without 'momentum').
    bug("batchnorm-default-momentum",
        'momentum = bn_param.get("momentum", 0.9)', 'momentum = bn_param.get("momentum", 0.99)',
        "batchnorm_forward in train mode", "must update bn_param"),
    # Test mode normalises with the batch's own statistics instead of the running ones.
    bug("batchnorm-test-uses-batch-stats",
        "xhat = (x - running_mean) / np.sqrt(running_var + eps)",
        "xhat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)",
        "batchnorm_forward in test mode", "entries differ"),
    # Test mode returns the normalised x, forgetting gamma and beta.
    bug("batchnorm-test-forgets-gamma-beta",
        "out = gamma * xhat + beta", "out = xhat",
        "batchnorm_forward in test mode", "entries differ"),
    # eps left out in test mode: invisible for running variances near 1, 0.5% off near 1e-3
    # (it once slipped through one grading seed in twelve).
    bug("batchnorm-test-no-eps",
        "xhat = (x - running_mean) / np.sqrt(running_var + eps)",
        "xhat = (x - running_mean) / np.sqrt(running_var)",
        "batchnorm_forward in test mode", "entries differ"),
    # dbeta summed with keepdims=True: (1, D) where (D,) is expected (it would broadcast).
    bug("batchnorm-dbeta-keepdims",
        "dbeta = np.sum(dout, axis=0)\n    dgammax", "dbeta = np.sum(dout, axis=0, keepdims=True)\n"
        "    dgammax",
        "batchnorm_backward", "it would broadcast"),
    # eps left out of the backward's variance term: off where a feature barely varies.
    bug("batchnorm-backward-no-eps",
        "dvar = 0.5 * 1.0 / np.sqrt(var + eps) * dsqrtvar",
        "dvar = 0.5 * 1.0 / np.sqrt(var) * dsqrtvar",
        "batchnorm_backward", "entries differ"),
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
    # The backward passes dout through unmasked.
    bug("dropout-backward-ignores-mask",
        "dx = dout * mask", "dx = dout",
        "dropout_backward", "must get no gradient"),
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
    # The filter flipped: a true convolution, where deep learning means cross-correlation.
    bug("conv-forward-flipped-filter",
        "out[n, f, i, j] = np.sum(x_window * w[f]) + b[f]",
        "out[n, f, i, j] = np.sum(x_window * w[f, :, ::-1, ::-1]) + b[f]",
        "conv_forward_naive with stride 1 and pad 1", "entries differ"),
    # The output size rounded up: a last window that does not fit.
    bug("conv-forward-output-size-ceil",
        "H_out = 1 + (H + 2 * pad - HH) // stride",
        "H_out = 1 + -(-(H + 2 * pad - HH) // stride)",
        "conv_forward_naive with stride 2", "raised ValueError"),
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
        "conv_forward_naive with stride 2", "raised ValueError"),
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
    # The maximum started at 0: windows of negative numbers give 0.
    bug("maxpool-forward-max-from-zero",
        "out[n, c, i, j] = np.max(x[n, c, h0:h0 + pool_height, w0:w0 + pool_width])",
        "out[n, c, i, j] = max(0, np.max(x[n, c, h0:h0 + pool_height, w0:w0 + pool_width]))",
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
        "max_pool_forward_naive, non-square", "raised ValueError"),
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

    # ================================================================== drills
    # ------------------------------------------------------------------ conv2d
    # The kernel flipped: a true convolution, where deep learning means cross-correlation.
    drills_bug("conv2d-flipped-kernel",
               "out[i, j] = np.sum(window * k)", "out[i, j] = np.sum(window * k[::-1, ::-1])",
               "conv2d with stride 1 and no padding", "entries differ"),
    # The output one too small: the + 1 forgotten.
    drills_bug("conv2d-output-off-by-one",
               "H_out = (H + 2 * pad - KH) // stride + 1", "H_out = (H + 2 * pad - KH) // stride",
               "conv2d with stride 1 and no padding", "expected shape"),
    # The padding forgotten (the output size still counts it).
    drills_bug("conv2d-pad-ignored",
               "x_pad = np.pad(x.astype(float), pad)", "x_pad = x.astype(float)",
               "conv2d with padding", "raised ValueError"),
    # The windows moved by 1 whatever the stride.
    drills_bug("conv2d-stride-ignored",
               "window = x_pad[i * stride:i * stride + KH, j * stride:j * stride + KW]",
               "window = x_pad[i:i + KH, j:j + KW]",
               "conv2d with stride 2", "entries differ"),
    # The output size rounded up: a last window that does not fit.
    drills_bug("conv2d-output-size-ceil",
               "W_out = (W + 2 * pad - KW) // stride + 1",
               "W_out = -(-(W + 2 * pad - KW) // stride) + 1",
               "conv2d with stride 2", "expected shape"),
    # ------------------------------------------------------------------ pooling
    # Averaging instead of the maximum.
    drills_bug("maxpool2d-averages",
               "out[i, j] = np.max(x[i * sh:i * sh + ph, j * sw:j * sw + pw])",
               "out[i, j] = np.mean(x[i * sh:i * sh + ph, j * sw:j * sw + pw])",
               "max_pool2d with 2x2 windows", "entries differ"),
    # The maximum started at 0: windows of negative numbers give 0.
    drills_bug("maxpool2d-max-from-zero",
               "out[i, j] = np.max(x[i * sh:i * sh + ph, j * sw:j * sw + pw])",
               "out[i, j] = max(0, np.max(x[i * sh:i * sh + ph, j * sw:j * sw + pw]))",
               "max_pool2d with 2x2 windows", "entries differ"),
    # stride=None read as 1 instead of "the window size".
    drills_bug("maxpool2d-default-stride-1",
               "sh, sw = (ph, pw) if stride is None else _pair(stride)",
               "sh, sw = (1, 1) if stride is None else _pair(stride)",
               "max_pool2d with 2x2 windows", "expected shape"),
    # The window's height and width swapped.
    drills_bug("avgpool2d-size-swapped",
               "win_h, win_w = _pair(size)", "win_w, win_h = _pair(size)",
               "avg_pool2d with 2x3 windows and stride 2", "expected shape"),
    # The output made with x's dtype: whole-number averages for integer images.
    drills_bug("avgpool2d-int-output",
               "result = np.zeros((n_rows, n_cols))", "result = np.zeros((n_rows, n_cols), "
               "dtype=x.dtype)",
               "avg_pool2d with 2x3 windows and stride 2", "expected floating-point numbers"),
    # Overlapping windows overwrite the gradient (=) instead of adding to it (+=).
    drills_bug("maxpool2d-backward-assign-not-accumulate",
               "dx[i * s_h + r, j * s_w + c] += dout[i, j]",
               "dx[i * s_h + r, j * s_w + c] = dout[i, j]",
               "max_pool2d_backward with overlapping windows", "entries differ"),
    # ------------------------------------------------------------------ mlp2
    # The ReLU applied to the scores as well (the wrong stage).
    drills_bug("mlp2-relu-on-scores",
               "    return hidden.dot(W2) + b2\n",
               "    return np.maximum(0, hidden.dot(W2) + b2)\n",
               "mlp2_forward scores", "entries differ"),
    # No ReLU between the layers.
    drills_bug("mlp2-forward-no-relu",
               "hidden = np.maximum(0, X.dot(W1) + b1)", "hidden = X.dot(W1) + b1",
               "mlp2_forward scores", "entries differ"),
    # The ReLU's gradient passed through at exactly 0 (z >= 0).
    drills_bug("mlp2-relu-grad-at-zero",
               "dz1 = dh * (z1 > 0)", "dz1 = dh * (z1 >= 0)",
               "mlp2_grads, loss and every gradient", "mlp2_grads returned"),
    # The ReLU mask forgotten in the backward pass.
    drills_bug("mlp2-no-relu-mask",
               "dz1 = dh * (z1 > 0)", "dz1 = dh",
               "mlp2_grads, loss and every gradient", "mlp2_grads returned"),
    # The 1/N dropped from the gradients (the loss is averaged).
    drills_bug("mlp2-grads-not-averaged",
               "    dscores /= N\n", "",
               "mlp2_grads, loss and every gradient", "mlp2_grads returned"),
    # W2 where W2^T belongs in the backward pass.
    drills_bug("mlp2-w2-not-transposed",
               "dh = dscores.dot(W2.T)", "dh = dscores.dot(W2)",
               "mlp2_grads, loss and every gradient", "mlp2_grads"),
    # The factors of dW2 in the wrong order (dscores^T h instead of h^T dscores).
    drills_bug("mlp2-dw2-factor-order",
               "dW2 = h.T.dot(dscores)", "dW2 = dscores.T.dot(h)",
               "mlp2_grads, loss and every gradient", "mlp2_grads returned"),
    # ------------------------------------------------------------------ parameters
    # The biases forgotten in dense layers.
    drills_bug("params-dense-forgets-bias",
               "params = D * M + (M if layer.get(\"bias\", True) else 0)", "params = D * M",
               "count_params of LeNet-5", "count_params returned"),
    # One bias per weight instead of one per output unit.
    drills_bug("params-bias-per-weight",
               "params = D * M + (M if layer.get(\"bias\", True) else 0)",
               "params = D * M + (D * M if layer.get(\"bias\", True) else 0)",
               "count_params of LeNet-5", "count_params returned"),
    # The input channels forgotten in a filter's size.
    drills_bug("params-conv-forgets-channels",
               "params = F * C * kh * kw + (F if layer.get(\"bias\", True) else 0)",
               "params = F * kh * kw + (F if layer.get(\"bias\", True) else 0)",
               "count_params of LeNet-5", "count_params returned"),
    # Pooling counted as having parameters (one per channel).
    drills_bug("params-counts-pooling",
               "            shape = (C, (H - qh) // th + 1, (W - qw) // tw + 1)\n",
               "            shape = (C, (H - qh) // th + 1, (W - qw) // tw + 1)\n"
               "            params = C\n",
               "count_params of LeNet-5", "count_params returned"),
    # Batchnorm's running mean and variance counted as parameters.
    drills_bug("params-batchnorm-running-stats",
               "params = 2 * shape[0]", "params = 4 * shape[0]",
               "count_params with padding, stride, batchnorm and no bias", "count_params"),
    # bias: false ignored.
    drills_bug("params-bias-flag-ignored",
               "params = F * C * kh * kw + (F if layer.get(\"bias\", True) else 0)",
               "params = F * C * kh * kw + F",
               "count_params with padding, stride, batchnorm and no bias", "count_params"),
    # Pooling output sizes rounded up.
    drills_bug("shapes-pool-ceil",
               "shape = (C, (H - qh) // th + 1, (W - qw) // tw + 1)",
               "shape = (C, -(-(H - qh) // th) + 1, -(-(W - qw) // tw) + 1)",
               "layer_output_shapes through a small CNN", "layer_output_shapes"),
    # The padding left out of the conv output size.
    drills_bug("shapes-conv-pad-ignored",
               "shape = (F, (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1)",
               "shape = (F, (H - kh) // sh + 1, (W - kw) // sw + 1)",
               "layer_output_shapes through a small CNN", "layer_output_shapes"),
    # ------------------------------------------------------------------ MLE
    # The unbiased 1/(N-1) variance where the MLE is the biased 1/N one.
    drills_bug("mle-gaussian-unbiased-variance",
               "var = np.mean((x - mu) ** 2)", "var = np.var(x, ddof=1)",
               "mle_gaussian", "mle_gaussian: var"),
    # The mean returned as the exponential's rate.
    drills_bug("mle-exponential-mean-not-rate",
               "return float(1.0 / np.mean(x))", "return float(np.mean(x))",
               "mle_exponential", "mle_exponential returned"),
    # Laplace smoothing with denominator N + 2 whatever the number of categories.
    drills_bug("mle-categorical-denominator-2",
               "return (counts + alpha) / (counts.sum() + alpha * len(counts))",
               "return (counts + alpha) / (counts.sum() + 2 * alpha)",
               "mle_categorical", "mle_categorical returned"),
    # The Bernoulli fraction divided by N - 1.
    drills_bug("mle-bernoulli-n-minus-1",
               "return float(np.sum(x) / len(x))", "return float(np.sum(x) / (len(x) - 1))",
               "mle_bernoulli", "mle_bernoulli returned"),
    # The normal equations with X X^T (a layout confusion).
    drills_bug("mle-linreg-transposed",
               "return np.linalg.solve(X.T.dot(X), X.T.dot(y))",
               "return np.linalg.solve(X.dot(X.T), X.T.dot(y))",
               "mle_linear_regression", "mle_linear_regression raised"),
]


@pytest.fixture(scope="module")
def assignments() -> dict[str, Assignment]:
    """The bundled assignments with a corpus, by name, loaded once."""
    found, diags = load_assignments(bank_dirs())
    chosen = {a.name: a for a in found if a.name in STUDENTS}
    assert set(chosen) == set(STUDENTS), [str(d) for d in diags]
    return chosen


def table(assignment: str | None = None) -> list[Bug]:
    return [p.values[0] for p in BUGS
            if assignment is None or p.values[0].assignment == assignment]


@pytest.fixture(scope="module")
def corpus(assignments: dict[str, Assignment], tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Callable[[str], Multiplexed]]:
    """corpus(name): every planted bug of one assignment in one sandboxed file (see
    grade_harness), started on first use; the reference's finite-difference checks are
    computed once per input."""
    with ExitStack() as stack, pytest.MonkeyPatch.context() as mp:
        memoized_reference_checks(mp)
        made: dict[str, Multiplexed] = {}

        def get(name: str) -> Multiplexed:
            if name not in made:
                variants = {b.id: Variant(((b.old, b.new),)) for b in table(name)}
                made[name] = stack.enter_context(multiplexed(
                    tmp_path_factory.mktemp(name), STUDENTS[name].read_text(encoding="utf-8"),
                    variants, assignments[name]))
            return made[name]

        yield get


def plant(b: Bug, tmp_path: Path) -> Path:
    """A copy of the correct file with the bug planted (its old text must occur once)."""
    text = STUDENTS[b.assignment].read_text(encoding="utf-8")
    assert text.count(b.old) == 1, f"{b.id}: old text occurs {text.count(b.old)} times"
    assert b.old != b.new
    path = tmp_path / f"{b.assignment}.py"
    path.write_text(text.replace(b.old, b.new), encoding="utf-8")
    return path


def own_tests(b: Bug, names: Iterable[str]) -> list[str]:
    """The test a bug is meant to fail: the one named `b.test`, else those containing it."""
    names = list(names)
    return [n for n in names if n == b.test] or [n for n in names if b.test in n]


def summary(outcomes: Iterable[TestOutcome]) -> str:
    """Every test that did not pass, with its output, for assertion messages."""
    return "\n".join(f"- {t.name}: {t.status}: {t.output}" for t in outcomes
                     if t.status != "passed") or "(every test passed)"


def affected(mux: Multiplexed, b: Bug) -> list[tuple[Exercise, TestSpec]]:
    """The tests that call a function the bug changes (the others see the correct file)."""
    base = STUDENTS[b.assignment].read_text(encoding="utf-8")
    changed = changed_functions(base, source_of(base, Variant(((b.old, b.new),))))
    return [(ex, t) for ex, t in all_tests(mux.assignment) if functions_called(t) & changed]


def test_table_ids_unique() -> None:
    """Each bug of the table has its own id."""
    ids = [b.id for b in table()]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("b", BUGS)
def test_bug_caught_by_its_test_only(b: Bug, corpus: Callable[[str], Multiplexed]) -> None:
    """The planted bug fails its test with a telling message; other exercises keep full marks
    (the tests calling a changed function are graded; the rest see the correct file, which
    passes them: test_same_verdict_on_every_seed)."""
    mux = corpus(b.assignment)
    mux.use(b.id)
    outcomes = [mux.run(ex, t, SEED) for ex, t in affected(mux, b)]
    hits = own_tests(b, [t.name for _, t in all_tests(mux.assignment)])
    assert len(hits) == 1, f"{b.test!r} names {len(hits)} tests"
    assert hits[0] in [t.name for t in outcomes], f"{b.id} changes no function of {hits[0]}"
    (hit,) = [t for t in outcomes if t.name == hits[0]]
    assert hit.status == "failed", summary(outcomes)
    assert hit.score.points == 0
    assert b.message in hit.output, hit.output
    others = [t for t in outcomes if t.exercise != hit.exercise]
    assert all(t.status == "passed" for t in others), summary(outcomes)


@pytest.mark.parametrize("bug_id", ["batchnorm-test-no-eps", "conv-forward-input-h-w-swapped",
                                    "dropout-backward-ignores-mask", "mlp2-relu-grad-at-zero"])
def test_planted_file_graded_as_in_the_corpus(bug_id: str, assignments: dict[str, Assignment],
                                              corpus: Callable[[str], Multiplexed],
                                              tmp_path: Path) -> None:
    """A planted bug written out as a student file and graded by grade_file gets the same
    verdict on every test as in the one-sandbox corpus (the corpus grades what a student
    would get)."""
    (b,) = [b for b in table() if b.id == bug_id]
    report = grade_file(plant(b, tmp_path), [assignments[b.assignment]], seed=SEED)
    assert report.outcome == "graded", report.message
    mux = corpus(b.assignment)
    mux.use(b.id)
    graded = {t.name: (t.status, t.score) for ex, t0 in all_tests(mux.assignment)
              for t in [mux.run(ex, t0, SEED)]}
    assert {t.name: (t.status, t.score) for t in report.tests} == graded
    assert any(status == "failed" for status, _ in graded.values())


SWEEP_SEEDS = list(range(20))


@pytest.mark.parametrize("name", sorted(STUDENTS))
def test_same_verdict_on_every_seed(name: str, corpus: Callable[[str], Multiplexed]) -> None:
    """Over 20 grading seeds, the correct file passes every test, and every planted bug fails
    the same tests on each seed (same verdict, same points), its own test among them: the
    inputs that expose a bug are fixed cases, graded for every seed, not left to the random
    draws. For a bug, only the tests calling a function it changes are graded (the others
    see the correct file)."""
    mux = corpus(name)
    names = [t.name for _, t in all_tests(mux.assignment)]
    varying: list[str] = []
    missed: list[str] = []
    mux.use("")
    for ex, t in all_tests(mux.assignment):
        failed = mux.failed_by_seed(ex, t, SWEEP_SEEDS)
        assert not any(failed.values()), f"the correct file fails {t.name}: {failed}"
    for b in table(name):
        mux.use(b.id)
        by_test = {t.name: mux.failed_by_seed(ex, t, SWEEP_SEEDS) for ex, t in affected(mux, b)}
        seen: dict[frozenset[str], list[int]] = {}
        for seed in SWEEP_SEEDS:
            seen.setdefault(frozenset(n for n, f in by_test.items() if f[seed]), []).append(seed)
        if len(seen) > 1:
            varying.append(f"{b.id}: " + "; ".join(
                f"seeds {s}: {', '.join(sorted(f)) or 'nothing'}" for f, s in seen.items()))
        elif not set(own_tests(b, names)) & next(iter(seen)):
            missed.append(b.id)
    assert not varying, "verdicts that depend on the seed:\n" + "\n".join(varying)
    assert not missed, f"bugs their own test does not catch: {missed}"
