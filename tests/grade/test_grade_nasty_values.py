"""Plain data that once crashed the grader's comparison, through the whole grader: each nasty
value a submission returns or leaves in its arguments fails its own tests with a message (and
a typed reason), the run stays "graded", and every other test keeps its points.

The submission is the correct loop solution (students/layers_loops.py) with one function
redefined at the end; `good_NAME` is the correct version, kept before the redefinition.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

from mldrill.bank.catalog import bank_dirs
from mldrill.grade.assignment import Assignment
from mldrill.grade.grader import grade_file, load_assignments
from mldrill.grade.report import GradeReport

STUDENT = (Path(__file__).parent / "students" / "layers_loops.py").read_text(encoding="utf-8")
DRILLS = (Path(__file__).parents[2] / "solutions" / "assignments" / "drills.py").read_text()
SEED = 4

AFFINE_FWD = ("affine_forward on a batch of 3-d inputs", "affine_forward with batch size 1")
RELU = ("relu_forward on a 4-d array", "relu_backward")
SVM = ("svm_loss, loss and gradient", "svm_loss with batch size 1")
BN_TRAIN = "batchnorm_forward in train mode updates the running statistics"
BN_TEST = "batchnorm_forward in test mode with non-trivial gamma and beta"
DROPOUT = ("dropout_forward in train mode (scaling, keep rate, seed)",
           "dropout_forward in test mode", "dropout_backward uses the forward mask")
CONV = ("conv_forward_naive with stride 1 and pad 1", "conv_forward_naive with pad 0",
        "conv_forward_naive with stride 2 and a non-square input and filter",
        "conv_backward_naive with stride 1 and pad 1",
        "conv_backward_naive with stride 2, pad 0 and a non-square filter")


class Case(NamedTuple):
    code: str                   # appended to the correct solution
    failing: dict[str, str]     # test name -> a fragment of its output ("...": any text)
    reason: str                 # the failing tests' typed reason


def case(id: str, code: str, failing: dict[str, str], reason: str) -> object:
    return pytest.param(Case(code, failing, reason), id=id)


def each(names: tuple[str, ...], fragment: str) -> dict[str, str]:
    return dict.fromkeys(names, fragment)


def redefine(fn: str, params: str, body: str) -> str:
    """Keep the correct `fn` as good_FN, then redefine `fn` with `body`."""
    return f"\ngood_{fn} = {fn}\n\ndef {fn}({params}):\n" + \
        "".join(f"    {line}\n" for line in body.strip().splitlines())


CASES = [
    # ------------------------------------------------------------ huge ints
    case("huge-int-loss", redefine("svm_loss", "x, y", "loss, dx = good_svm_loss(x, y)\n"
                                                       "return 10**400, dx"),
         each(SVM, "svm_loss: loss: expected a number, got an int of about 400 digits"),
         "invalid-return"),
    case("huge-int-for-an-array", redefine("affine_forward", "x, w, b",
                                           "out, cache = good_affine_forward(x, w, b)\n"
                                           "return -10**400, cache"),
         each(AFFINE_FWD, "affine_forward: out: expected an array of shape"),
         "invalid-return"),
    case("huge-int-for-dropout", redefine("dropout_forward", "x, dropout_param",
                                          "out, cache = good_dropout_forward(x, dropout_param)\n"
                                          "return 10**400, cache"),
         each(DROPOUT, "dropout_forward: out: expected an array of shape"), "invalid-return"),
    # ------------------------------------------------------------ inputs re-typed in place
    *[case(f"retype-input-{name}", redefine("relu_forward", "x",
                                            "out, cache = good_relu_forward(x.copy())\n"
                                            f"x.dtype = {dtype}\nreturn out, cache"),
           each(RELU, "relu_forward modified its input x in place"), "mutated")
      for name, dtype in [("unicode", "'U2'"), ("bytes", "'S8'"), ("int64", "np.int64"),
                          ("float32", "np.float32"), ("bool", "np.bool_")]],
    case("resize-input", redefine("relu_forward", "x",
                                  "out, cache = good_relu_forward(x.copy())\n"
                                  "x.resize((x.size,), refcheck=False)\nreturn out, cache"),
         each(RELU, "relu_forward modified its input x in place"), "mutated"),
    case("nan-into-input", redefine("relu_forward", "x",
                                    "out, cache = good_relu_forward(x.copy())\n"
                                    "x[...] = np.nan\nreturn out, cache"),
         each(RELU, "relu_forward modified its input x in place"), "mutated"),
    case("param-scalar-replaced-by-array",
         redefine("conv_forward_naive", "x, w, b, conv_param",
                  "out, cache = good_conv_forward_naive(x, w, b, dict(conv_param))\n"
                  "conv_param['stride'] = np.array([conv_param['stride']])\n"
                  "return out, cache"),
         each(CONV, "conv_forward_naive modified its input conv_param in place"), "mutated"),
    case("param-keys-replaced-by-tuples",
         redefine("conv_forward_naive", "x, w, b, conv_param",
                  "out, cache = good_conv_forward_naive(x, w, b, dict(conv_param))\n"
                  "conv_param.clear()\nconv_param[(1, 2)] = np.zeros(2)\n"
                  "conv_param[np.float64('nan')] = 'pad'\nreturn out, cache"),
         each(CONV, "conv_forward_naive modified its input conv_param in place"), "mutated"),
    # ------------------------------------------------------------ arrays of other dtypes
    case("complex-array", redefine("affine_forward", "x, w, b",
                                   "out, cache = good_affine_forward(x, w, b)\n"
                                   "return out + 0j, cache"),
         each(AFFINE_FWD, "affine_forward: out: expected numbers, got dtype complex128"),
         "invalid-return"),
    case("complex-gradient", redefine("affine_backward", "dout, cache",
                                      "dx, dw, db = good_affine_backward(dout, cache)\n"
                                      "return dx, dw * 1j, db"),
         each(("affine_backward on 3-d inputs", "affine_backward with batch size 1"),
              "affine_backward: dw: expected numbers, got dtype complex128"),
         "invalid-return"),
    case("unicode-array", redefine("relu_forward", "x", "out, cache = good_relu_forward(x)\n"
                                                        "return out.astype(str), cache"),
         {RELU[0]: "relu_forward: out: expected numbers, got dtype <U"}, "invalid-return"),
    case("bytes-array", redefine("relu_forward", "x", "out, cache = good_relu_forward(x)\n"
                                                      "return out.astype(bytes), cache"),
         {RELU[0]: "relu_forward: out: expected numbers, got dtype |S"}, "invalid-return"),
    case("bool-array", redefine("relu_forward", "x", "out, cache = good_relu_forward(x)\n"
                                                     "return out > 0, cache"),
         {RELU[0]: "relu_forward: out: expected floating-point numbers, got dtype bool"},
         "invalid-return"),
    case("zero-d-array-for-dropout",
         redefine("dropout_forward", "x, dropout_param",
                  "out, cache = good_dropout_forward(x, dropout_param)\n"
                  "return np.array(0.5), cache"),
         each(DROPOUT, "dropout_forward: out: expected shape (...), got () (it would "
                       "broadcast, but the shape must be exact)"), "wrong"),
    # ------------------------------------------------------------ containers and odd types
    case("nested-list", redefine("affine_forward", "x, w, b",
                                 "out, cache = good_affine_forward(x, w, b)\n"
                                 "return [out.tolist()], cache"),
         each(AFFINE_FWD, "(it would broadcast, but the shape must be exact)"), "wrong"),
    case("ragged-list", redefine("affine_forward", "x, w, b",
                                 "out, cache = good_affine_forward(x, w, b)\n"
                                 "return [[1.0, 2.0], [3.0]], cache"),
         each(AFFINE_FWD, "affine_forward: out: expected an array of shape"),
         "invalid-return"),
    case("list-of-arrays-and-dicts", redefine("affine_forward", "x, w, b",
                                              "out, cache = good_affine_forward(x, w, b)\n"
                                              "return [out, {'a': out}, None], cache"),
         each(AFFINE_FWD, "got a list of 3 items that is not all numbers"), "invalid-return"),
    case("dict-for-a-tuple", redefine("svm_loss", "x, y", "loss, dx = good_svm_loss(x, y)\n"
                                                          "return {'loss': loss, 'dx': dx}"),
         each(SVM, "svm_loss must return a tuple of 2 items (e.g. out, cache), got a dict"),
         "invalid-return"),
    case("dict-for-gradients", redefine("affine_backward", "dout, cache",
                                        "dx, dw, db = good_affine_backward(dout, cache)\n"
                                        "return {(1, 2): dx, np.float64('nan'): dw}"),
         each(("affine_backward on 3-d inputs", "affine_backward with batch size 1"),
              "affine_backward must return (dx, dw, db), got a dict of 2 keys"),
         "invalid-return"),
    case("string-for-a-number", redefine("svm_loss", "x, y",
                                         "loss, dx = good_svm_loss(x, y)\n"
                                         "return str(loss), dx"),
         each(SVM, "svm_loss: loss: expected a number, got the string '"), "invalid-return"),
    case("complex-number", redefine("svm_loss", "x, y", "loss, dx = good_svm_loss(x, y)\n"
                                                        "return loss + 0j, dx"),
         each(SVM, "svm_loss: loss: expected a number, got a complex number"),
         "invalid-return"),
    case("unicode-0-d-for-a-number", redefine("svm_loss", "x, y",
                                              "loss, dx = good_svm_loss(x, y)\n"
                                              "return np.array(str(loss)), dx"),
         each(SVM, "svm_loss: loss: expected a number, got the string '"), "invalid-return"),
    case("array-of-one-for-a-number", redefine("svm_loss", "x, y",
                                               "loss, dx = good_svm_loss(x, y)\n"
                                               "return np.array([loss]), dx"),
         each(SVM, "svm_loss: loss: expected a number, got an array of shape (1,)"),
         "invalid-return"),
    case("infinite-loss", redefine("svm_loss", "x, y", "loss, dx = good_svm_loss(x, y)\n"
                                                       "return -np.inf, dx"),
         each(SVM, "svm_loss: loss: got -inf (not finite)"), "wrong"),
    case("nan-in-an-array", redefine("affine_forward", "x, w, b",
                                     "out, cache = good_affine_forward(x, w, b)\n"
                                     "out[0, 0] = np.nan\nreturn out, cache"),
         each(AFFINE_FWD, "affine_forward: out: 1 entry is not finite, first at [0, 0]"),
         "wrong"),
    # ------------------------------------------------------------ parameter dicts
    case("bn-mode-set-to-an-array",
         redefine("batchnorm_forward", "x, gamma, beta, bn_param",
                  "out, cache = good_batchnorm_forward(x, gamma, beta, bn_param)\n"
                  "bn_param['mode'] = np.zeros(3)\nreturn out, cache"),
         {BN_TRAIN: "batchnorm_forward: bn_param after the call['mode']: expected 'train', "
                    "got an array of shape (3,)",
          BN_TEST: "batchnorm_forward modified its input bn_param in place"}, ""),
    case("bn-running-mean-set-to-a-string",
         redefine("batchnorm_forward", "x, gamma, beta, bn_param",
                  "out, cache = good_batchnorm_forward(x, gamma, beta, bn_param)\n"
                  "bn_param['running_mean'] = 'mean'\nreturn out, cache"),
         {BN_TRAIN: "['running_mean']: expected an array of shape",
          BN_TEST: "batchnorm_forward modified its input bn_param in place"}, ""),
    case("bn-running-mean-set-to-a-list",
         redefine("batchnorm_forward", "x, gamma, beta, bn_param",
                  "out, cache = good_batchnorm_forward(x, gamma, beta, bn_param)\n"
                  "bn_param['running_mean'] = ['a', 10**400, None]\nreturn out, cache"),
         {BN_TRAIN: "['running_mean']: expected an array of shape",
          BN_TEST: "batchnorm_forward modified its input bn_param in place"}, ""),
    case("bn-param-keys-replaced",
         redefine("batchnorm_forward", "x, gamma, beta, bn_param",
                  "out, cache = good_batchnorm_forward(x, gamma, beta, bn_param)\n"
                  "bn_param.clear()\nbn_param[('mode',)] = 'train'\n"
                  "bn_param[np.str_('x')] = np.array('y')\nreturn out, cache"),
         {BN_TRAIN: "batchnorm_forward: bn_param after the call: missing keys 'mode'",
          BN_TEST: "batchnorm_forward modified its input bn_param in place"}, ""),
    # ------------------------------------------------------------ dropout garbage
    *[case(f"dropout-returns-{name}", redefine(
            "dropout_forward", "x, dropout_param",
            f"out, cache = good_dropout_forward(x, dropout_param)\nreturn {value}, cache"),
           each(DROPOUT, f"dropout_forward: out: {fragment}"), "invalid-return")
      for name, value, fragment in [
          ("opaque", "{1, 2}", "expected an array of shape (...), got a set"),
          ("generator", "(v for v in x)", "expected an array of shape (...), got a generator"),
          ("string", "'out'", "expected an array of shape (...), got the string 'out'"),
          ("int-array", "out.astype(int)", "expected floating-point numbers, got dtype int64"),
          ("none", "None", "expected an array of shape (...), got None (did you forget "
                           "to return it?)")]],
    case("dropout-returns-no-pair", redefine("dropout_forward", "x, dropout_param",
                                             "return object()"),
         {DROPOUT[0]: "dropout_forward must return (out, cache), got a object",
          DROPOUT[1]: "dropout_forward must return (out, cache), got a object",
          DROPOUT[2]: "dropout_backward raised ReturnValueError"}, ""),
]


@pytest.fixture(scope="module")
def layers() -> list[Assignment]:
    """The bundled `layers` assignment (as the one-item list grade_file takes), loaded once."""
    found, diags = load_assignments(bank_dirs())
    chosen = [a for a in found if a.name == "layers"]
    assert len(chosen) == 1, [str(d) for d in diags]
    return chosen


def matches(fragment: str, output: str) -> bool:
    """`fragment` occurs in `output`, each "..." in it standing for any text (sizes)."""
    return re.search(".*?".join(map(re.escape, fragment.split("..."))), output) is not None


def summary(report: GradeReport) -> str:
    """Every test that did not pass, with its output, for assertion messages."""
    return "\n".join(f"- {t.name}: {t.reason}: {t.output}" for t in report.tests
                     if t.status != "passed") or "(every test passed)"


def _grade(code: str, layers: list[Assignment], tmp_path: Path) -> GradeReport:
    path = tmp_path / "layers.py"
    path.write_text(STUDENT + "\n" + code, encoding="utf-8")
    report = grade_file(path, layers, seed=SEED)
    assert report.outcome == "graded", report.message
    return report


@pytest.mark.parametrize("c", CASES)
def test_nasty_value_fails_only_its_tests(c: Case, layers: list[Assignment],
                                          tmp_path: Path) -> None:
    """The nasty value fails exactly the tests that see it, each with a message and a typed
    reason; the run is graded and every other test keeps its points."""
    report = _grade(c.code, layers, tmp_path)
    failed = {t.name: t for t in report.tests if t.status != "passed"}
    assert sorted(failed) == sorted(c.failing), summary(report)
    for name, fragment in c.failing.items():
        assert matches(fragment, failed[name].output), failed[name].output
        assert failed[name].score.points == 0
    if c.reason:
        assert {t.reason for t in failed.values()} == {c.reason}, summary(report)
    assert report.score.points == report.score.max_points - sum(t.score.max_points
                                                                for t in failed.values())


def test_bn_param_reasons(layers: list[Assignment], tmp_path: Path) -> None:
    """An array for bn_param['mode'] is an invalid-return where bn_param must be updated,
    and a mutation where it must not change."""
    report = _grade(redefine("batchnorm_forward", "x, gamma, beta, bn_param",
                             "out, cache = good_batchnorm_forward(x, gamma, beta, bn_param)\n"
                             "bn_param['mode'] = np.zeros(3)\nreturn out, cache"),
                    layers, tmp_path)
    reasons = {t.name: t.reason for t in report.tests if t.status != "passed"}
    assert reasons == {BN_TRAIN: "invalid-return", BN_TEST: "mutated"}


@pytest.mark.parametrize("code", [
    redefine("svm_loss", "x, y", "loss, dx = good_svm_loss(x, y)\n"
                                 "return np.array(loss), dx.tolist()"),
    redefine("svm_loss", "x, y", "loss, dx = good_svm_loss(x, y)\n"
                                 "return [np.float64(loss), dx]"),
    redefine("affine_forward", "x, w, b", "out, cache = good_affine_forward(x, w, b)\n"
                                          "return out.astype('>f8'), cache"),
    redefine("affine_forward", "x, w, b", "out, cache = good_affine_forward(x, w, b)\n"
                                          "return np.asfortranarray(out).tolist(), cache"),
], ids=["0-d-loss-and-list-gradient", "list-with-numpy-scalar", "big-endian-array",
        "nested-list-of-floats"])
def test_plain_alternatives_to_the_right_value_pass(code: str, layers: list[Assignment],
                                                    tmp_path: Path) -> None:
    """A correct value in another plain form (a 0-d array for a number, a list for an array,
    a list for a tuple, a big-endian array) still gets full marks."""
    report = _grade(code, layers, tmp_path)
    assert report.score.points == report.score.max_points, summary(report)
    assert all(t.reason is None for t in report.tests)


def test_huge_int_where_an_int_is_expected(tmp_path: Path) -> None:
    """An int too large for a float, where the reference returns an int (count_params), fails
    that test alone with a message; the drills run stays graded."""
    drills = [a for a in load_assignments(bank_dirs())[0] if a.name == "drills"]
    path = tmp_path / "drills.py"
    path.write_text(DRILLS + "\ndef count_params(layers, shape):\n    return 7**1000\n")
    report = grade_file(path, drills, seed=SEED)
    assert report.outcome == "graded", report.message
    failed = {t.name: t for t in report.tests if t.status != "passed"}
    assert sorted(failed) == ["count_params of LeNet-5",
                              "count_params with padding, stride, batchnorm and no bias"]
    for t in failed.values():
        assert "count_params returned: expected a number, got an int of about 845 digits" \
            in t.output and t.reason == "invalid-return"
