"""Tests for solutions/conv.py and conv_steps.py: against the loops checks, by hand, gradients."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mldrill.verify.methods import numerical_gradient

FAST = settings(max_examples=50, deadline=None, database=None)
SMALL_INTS = st.integers(-9, 9)


def maybe_int(draw, pair):
    """Pass an equal pair as a plain int half of the time (both forms are accepted)."""
    if pair[0] == pair[1] and draw(st.booleans()):
        return pair[0]
    return pair


@st.composite
def conv_cases(draw, channels=False, dtype=np.int64):
    """Random (x, kernel, stride, pad) with the kernel fitting in the padded image."""
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    pad = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    fh, fw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    h = draw(st.integers(max(1, fh - 2 * pad[0]), 7))
    w = draw(st.integers(max(1, fw - 2 * pad[1]), 7))
    if dtype == np.int64:
        elements = SMALL_INTS
    else:
        elements = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
    if channels:
        c, f = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        x = draw(arrays(dtype, (c, h, w), elements=elements))
        k = draw(arrays(dtype, (f, c, fh, fw), elements=elements))
        b = draw(st.none() | arrays(dtype, (f,), elements=elements))
    else:
        x = draw(arrays(dtype, (h, w), elements=elements))
        k = draw(arrays(dtype, (fh, fw), elements=elements))
        b = draw(SMALL_INTS)
    return x, k, b, maybe_int(draw, stride), maybe_int(draw, pad)


@st.composite
def pool_cases(draw, dtype=np.int64):
    """Random (x, size, stride) with 2-D or 3-D x; windows may overlap or skip pixels."""
    size = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)))
    h, w = draw(st.integers(size[0], 7)), draw(st.integers(size[1], 7))
    shape = (h, w) if draw(st.booleans()) else (draw(st.integers(1, 3)), h, w)
    elements = SMALL_INTS if dtype == np.int64 else st.floats(-10, 10, allow_nan=False)
    x = draw(arrays(dtype, shape, elements=elements))
    return x, maybe_int(draw, size), stride


# --------------------------------------------------------------------------
# agreement with the brute-force loops
# --------------------------------------------------------------------------


@FAST
@given(conv_cases())
def test_conv2d_matches_loops_exactly_on_ints(sol, case):
    """conv2d equals the loop version exactly on integer inputs and returns an int array."""
    x, k, b, stride, pad = case
    out = sol.conv2d(x, k, stride=stride, pad=pad, bias=b)
    expected = sol.conv2d_loops(x, k, stride=stride, pad=pad, bias=b)
    assert out.dtype == np.int64
    assert out.shape == expected.shape
    assert np.array_equal(out, expected)


@FAST
@given(conv_cases(dtype=np.float64))
def test_conv2d_matches_loops_on_floats(sol, case):
    """conv2d agrees with the loop version on float inputs."""
    x, k, b, stride, pad = case
    out = sol.conv2d(x, k, stride=stride, pad=pad, bias=b)
    np.testing.assert_allclose(out, sol.conv2d_loops(x, k, stride=stride, pad=pad, bias=b),
                               rtol=1e-12, atol=1e-9)


@FAST
@given(conv_cases())
def test_conv2d_true_is_loops_with_flipped_kernel(sol, case):
    """conv2d_true equals cross-correlation with the kernel flipped in both axes."""
    x, k, b, stride, pad = case
    out = sol.conv2d_true(x, k, stride=stride, pad=pad, bias=b)
    flipped = np.flip(k).copy()
    assert np.array_equal(out, sol.conv2d_loops(x, flipped, stride=stride, pad=pad, bias=b))


@FAST
@given(conv_cases(channels=True))
def test_conv2d_multi_matches_loops_exactly_on_ints(sol, case):
    """conv2d_multi equals the loop version exactly on integer inputs (with and without bias)."""
    x, w, b, stride, pad = case
    out = sol.conv2d_multi(x, w, b, stride=stride, pad=pad)
    expected = sol.conv2d_multi_loops(x, w, b, stride=stride, pad=pad)
    assert out.dtype == np.int64
    assert out.shape == expected.shape
    assert np.array_equal(out, expected)


@FAST
@given(conv_cases(channels=True))
def test_conv2d_multi_channel_slices_are_sums_of_conv2d(sol, case):
    """Each output map of conv2d_multi is the sum over channels of single-channel conv2d."""
    x, w, b, stride, pad = case
    out = sol.conv2d_multi(x, w, b, stride=stride, pad=pad)
    for f in range(w.shape[0]):
        total = sum(sol.conv2d(x[c], w[f, c], stride=stride, pad=pad) for c in range(x.shape[0]))
        assert np.array_equal(out[f], total + (0 if b is None else b[f]))


@FAST
@given(pool_cases())
def test_maxpool2d_matches_loops(sol, case):
    """maxpool2d equals the loop version (2-D/3-D, non-square, overlapping) and keeps int dtype."""
    x, size, stride = case
    out = sol.maxpool2d(x, size, stride)
    assert out.dtype == x.dtype
    assert np.array_equal(out, sol.maxpool2d_loops(x, size, stride))


@FAST
@given(pool_cases())
def test_avgpool2d_matches_loops(sol, case):
    """avgpool2d agrees with the loop version (2-D/3-D, non-square, overlapping)."""
    x, size, stride = case
    out = sol.avgpool2d(x, size, stride)
    expected = sol.avgpool2d_loops(x, size, stride)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-12)


@FAST
@given(pool_cases(), st.data())
def test_maxpool2d_backward_matches_loops_with_ties(sol, case, data):
    """maxpool2d_backward equals the loop version, including first-max tie-breaking and overlaps."""
    x, size, stride = case
    x = x % 3  # few distinct values, so ties are common
    pooled_shape = sol.maxpool2d(x, size, stride).shape
    dout = data.draw(arrays(np.int64, pooled_shape, elements=st.integers(1, 9)))
    out = sol.maxpool2d_backward(x, dout, size, stride)
    assert np.array_equal(out, sol.maxpool2d_backward_loops(x, dout, size, stride))


@FAST
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3)), max_size=5))
def test_receptive_field_matches_tracing(sol, layers):
    """receptive_field agrees with tracing the input pixels that reach one output unit."""
    assert sol.receptive_field(layers) == sol.receptive_field_loops(layers)


# --------------------------------------------------------------------------
# hand-computed examples
# --------------------------------------------------------------------------

IMAGE_4X4 = np.array([[1, 2, 3, 4],
                      [5, 6, 7, 8],
                      [9, 10, 11, 12],
                      [13, 14, 15, 16]])


def test_conv2d_hand_example_stride_2(sol):
    """A 4x4 image with a 2x2 kernel and stride 2 gives the hand-computed 2x2 output."""
    k = np.array([[1, 2],
                  [3, 4]])
    # out[0,0] = 1*1 + 2*2 + 5*3 + 6*4     = 1 + 4 + 15 + 24  = 44
    # out[0,1] = 3*1 + 4*2 + 7*3 + 8*4     = 3 + 8 + 21 + 32  = 64
    # out[1,0] = 9*1 + 10*2 + 13*3 + 14*4  = 9 + 20 + 39 + 56 = 124
    # out[1,1] = 11*1 + 12*2 + 15*3 + 16*4 = 11 + 24 + 45 + 64 = 144
    expected = np.array([[44, 64],
                         [124, 144]])
    out = sol.conv2d(IMAGE_4X4, k, stride=2)
    assert out.dtype.kind == "i"
    assert np.array_equal(out, expected)
    assert np.array_equal(sol.conv2d_loops(IMAGE_4X4, k, stride=2), expected)
    # with bias 1 every entry grows by 1
    assert np.array_equal(sol.conv2d(IMAGE_4X4, k, stride=2, bias=1), expected + 1)


def test_conv2d_true_hand_example_flips_the_kernel(sol):
    """True convolution uses the kernel rotated by 180 degrees ([[4, 3], [2, 1]])."""
    k = np.array([[1, 2],
                  [3, 4]])
    # out[0,0] = 1*4 + 2*3 + 5*2 + 6*1     = 4 + 6 + 10 + 6   = 26
    # out[0,1] = 3*4 + 4*3 + 7*2 + 8*1     = 12 + 12 + 14 + 8 = 46
    # out[1,0] = 9*4 + 10*3 + 13*2 + 14*1  = 36 + 30 + 26 + 14 = 106
    # out[1,1] = 11*4 + 12*3 + 15*2 + 16*1 = 44 + 36 + 30 + 16 = 126
    assert np.array_equal(sol.conv2d_true(IMAGE_4X4, k, stride=2), [[26, 46], [106, 126]])


def test_conv2d_hand_example_padding_floor(sol):
    """Pad 1, stride 2 on a 3x3 image: floor((3+2-2)/2)+1 = 2; the last padded row/col is unused."""
    x = np.array([[1, 2, 3],
                  [4, 5, 6],
                  [7, 8, 9]])
    k = np.ones((2, 2), dtype=int)
    # padded image (0 border), windows start at rows/cols 0 and 2 of the 5x5 padded image:
    # (0,0): only x[0,0]                    = 1
    # (0,2): x[0,1] + x[0,2]                = 2 + 3         = 5
    # (2,0): x[1,0] + x[2,0]                = 4 + 7         = 11
    # (2,2): x[1,1] + x[1,2] + x[2,1] + x[2,2] = 5 + 6 + 8 + 9 = 28
    assert np.array_equal(sol.conv2d(x, k, stride=2, pad=1), [[1, 5], [11, 28]])
    with pytest.raises(ValueError, match="stride 2 does not divide"):
        sol.conv2d(x, k, stride=2, pad=1, strict=True)


def test_conv2d_non_square_kernel_hand_example(sol):
    """A 1x3 kernel [-1, 0, 1] on a 2x4 image gives horizontal differences x[j+2] - x[j]."""
    x = np.array([[1, 4, 9, 16],
                  [2, 3, 5, 7]])
    # row 0: 9 - 1 = 8, 16 - 4 = 12;  row 1: 5 - 2 = 3, 7 - 3 = 4
    assert np.array_equal(sol.conv2d(x, [[-1, 0, 1]]), [[8, 12], [3, 4]])


def test_conv2d_multi_hand_example(sol):
    """Two channels, one 2x2x2 filter covering the whole input: a single weighted sum plus bias."""
    x = np.array([[[1, 2], [3, 4]],
                  [[5, 6], [7, 8]]])
    w = np.array([[[[1, 1], [1, 1]],
                   [[2, 2], [2, 2]]]])
    # channel 0: 1 + 2 + 3 + 4 = 10;  channel 1: 2 * (5 + 6 + 7 + 8) = 52;  10 + 52 + bias 1 = 63
    out = sol.conv2d_multi(x, w, np.array([1]))
    assert out.shape == (1, 1, 1)
    assert out.dtype.kind == "i"
    assert out[0, 0, 0] == 63


def test_pooling_hand_examples(sol):
    """Max and average pooling of the 4x4 image, non-overlapping and overlapping."""
    # 2x2 windows, stride 2: max of {1,2,5,6}=6, {3,4,7,8}=8, {9,10,13,14}=14, {11,12,15,16}=16
    assert np.array_equal(sol.maxpool2d(IMAGE_4X4, 2), [[6, 8], [14, 16]])
    # means: (1+2+5+6)/4 = 3.5, (3+4+7+8)/4 = 5.5, (9+10+13+14)/4 = 11.5, (11+12+15+16)/4 = 13.5
    np.testing.assert_array_equal(sol.avgpool2d(IMAGE_4X4, 2), [[3.5, 5.5], [11.5, 13.5]])
    # 3x3 windows, stride 1 (overlapping): (4-3)/1+1 = 2 per axis; maxima at bottom-right corners
    assert np.array_equal(sol.maxpool2d(IMAGE_4X4, 3, stride=1), [[11, 12], [15, 16]])
    # non-square 1x2 windows, stride (1, 2): pairs of neighbours in each row
    assert np.array_equal(sol.maxpool2d(IMAGE_4X4[:2], (1, 2)), [[2, 4], [6, 8]])
    # channels are pooled separately
    stacked = np.stack([IMAGE_4X4, -IMAGE_4X4])
    assert np.array_equal(sol.maxpool2d(stacked, 2), [[[6, 8], [14, 16]], [[-1, -3], [-9, -11]]])


def test_maxpool2d_backward_hand_examples(sol):
    """Ties go to the first maximum in row-major order; overlapping windows accumulate."""
    # all equal: the whole gradient goes to the top-left entry
    assert np.array_equal(sol.maxpool2d_backward(np.ones((2, 2)), np.array([[5.0]]), 2),
                          [[5.0, 0.0], [0.0, 0.0]])
    # windows [0, 5] and [5, 0] (size (1, 2), stride 1) both pick the middle: 2 + 3 = 5
    x = np.array([[0, 5, 0]])
    assert np.array_equal(sol.maxpool2d_backward(x, np.array([[2, 3]]), (1, 2), stride=1),
                          [[0, 5, 0]])
    # 4x4 image, 2x2 pooling: gradient lands on 6, 8, 14, 16
    dx = sol.maxpool2d_backward(IMAGE_4X4, np.array([[1, 2], [3, 4]]), 2)
    assert np.array_equal(dx, [[0, 0, 0, 0], [0, 1, 0, 2], [0, 0, 0, 0], [0, 3, 0, 4]])


def test_conv_on_ints_is_exact_beyond_float_precision(sol):
    """Integer convolution does not go through floats: 2**53 + 1 survives exactly."""
    big = 2**53 + 1
    out = sol.conv2d(np.array([[big, 0]]), np.array([[1, 1]]))
    assert out.dtype == np.int64
    assert int(out[0, 0]) == big
    assert sol.conv2d(np.array([[1.5]]), np.array([[2]])).dtype == np.float64


def test_pad2d_and_relu(sol):
    """pad2d pads only the last two axes keeping int dtype; relu keeps the dtype."""
    padded = sol.pad2d(np.array([[1, 2]]), 1)
    assert padded.dtype.kind == "i"
    assert np.array_equal(padded, [[0, 0, 0, 0], [0, 1, 2, 0], [0, 0, 0, 0]])
    assert sol.pad2d(np.zeros((3, 2, 2)), (0, 1)).shape == (3, 2, 4)
    assert sol.pad2d(np.array([[1]]), 1, value=-np.inf)[0, 0] == -np.inf
    assert np.array_equal(sol.relu(np.array([-2, 0, 3])), [0, 0, 3])
    assert sol.relu(np.array([-2, 3])).dtype.kind == "i"
    assert sol.relu(np.array([-1.5], dtype=np.float32)).dtype == np.float32


# --------------------------------------------------------------------------
# sizes, receptive field, validation
# --------------------------------------------------------------------------


def test_conv_output_size_values(sol):
    """conv_output_size gives (n - f + 2p)/s + 1 for valid configurations."""
    assert sol.conv_output_size(32, 5) == 28  # (32 - 5)/1 + 1
    assert sol.conv_output_size(28, 2, stride=2) == 14  # (28 - 2)/2 + 1
    assert sol.conv_output_size(7, 3, pad=1, stride=2) == 4  # (7 - 3 + 2)/2 + 1
    assert sol.conv_output_size(5, 5) == 1


def test_conv_output_size_rejects_non_dividing_stride(sol):
    """A stride that does not divide n - f + 2p raises a ValueError naming the numbers."""
    with pytest.raises(ValueError, match=r"stride 2 does not divide n - f \+ 2\*pad = 7 - 2"):
        sol.conv_output_size(7, 2, stride=2)  # 7 - 2 = 5 is odd
    with pytest.raises(ValueError, match="larger than the padded input"):
        sol.conv_output_size(3, 5)
    with pytest.raises(ValueError, match="stride must be >= 1"):
        sol.conv_output_size(5, 3, stride=0)
    with pytest.raises(ValueError, match="must be an int"):
        sol.conv_output_size(5.0, 3)


def test_receptive_field_hand_examples(sol):
    """Receptive fields of small stacks, computed by hand."""
    # two 3x1 layers: 1 + (3-1)*1 + (3-1)*1 = 5
    assert sol.receptive_field([(3, 1), (3, 1)]) == 5
    # (2, stride 2) then (3, stride 1): 1 + (2-1)*1 + (3-1)*2 = 6;
    # the 3 neighbouring layer-1 units start 2 pixels apart and each sees 2 pixels: 2*2 + 2 = 6
    assert sol.receptive_field([(2, 2), (3, 1)]) == 6
    # (3,1), (2,2), (3,1): 1 + 2*1 + 1*1 + 2*2 = 8
    assert sol.receptive_field([(3, 1), (2, 2), (3, 1)]) == 8
    assert sol.receptive_field([]) == 1
    with pytest.raises(ValueError, match="kernel, stride"):
        sol.receptive_field([(3, 0)])


def test_conv_argument_validation(sol):
    """Bad shapes, channels, strides and oversized kernels raise clear ValueErrors."""
    with pytest.raises(ValueError, match="does not fit"):
        sol.conv2d(np.ones((2, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="x must be 2-D"):
        sol.conv2d(np.ones((1, 2, 2)), np.ones((1, 1)))
    with pytest.raises(ValueError, match="stride must be >= 1"):
        sol.conv2d(np.ones((3, 3)), np.ones((1, 1)), stride=0)
    with pytest.raises(ValueError, match="int or a pair"):
        sol.conv2d(np.ones((3, 3)), np.ones((1, 1)), pad=0.5)
    with pytest.raises(ValueError, match="channels"):
        sol.conv2d_multi(np.ones((2, 3, 3)), np.ones((4, 3, 1, 1)))
    with pytest.raises(ValueError, match="one bias per filter"):
        sol.conv2d_multi(np.ones((2, 3, 3)), np.ones((4, 2, 1, 1)), np.ones(3))
    with pytest.raises(ValueError, match="does not divide"):
        sol.maxpool2d(np.ones((5, 5)), 2, strict=True)
    with pytest.raises(ValueError, match="pooled shape"):
        sol.maxpool2d_backward(np.ones((4, 4)), np.ones((3, 3)), 2)


# --------------------------------------------------------------------------
# gradients
# --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_maxpool2d_backward_matches_numerical_gradient(sol, seed):
    """maxpool2d_backward is the gradient of sum(dout * maxpool2d(x)) (overlapping windows)."""
    rng = np.random.default_rng(seed)
    x = rng.permutation(30).reshape(2, 3, 5) * 0.1  # distinct values: no ties
    size, stride = (2, 3), (1, 1)
    dout = rng.normal(size=sol.maxpool2d(x, size, stride).shape)

    def f(z):
        return np.sum(dout * sol.maxpool2d(z, size, stride))

    np.testing.assert_allclose(sol.maxpool2d_backward(x, dout, size, stride),
                               numerical_gradient(f, x, 1e-5), atol=1e-7)


@pytest.mark.parametrize(("stride", "pad"), [(1, 0), (2, 1), ((1, 2), (2, 0)), (3, 2)])
def test_conv2d_backward_matches_numerical_gradient(sol, stride, pad):
    """conv2d_backward gives the gradients of sum(dout * conv2d(x, k) + bias) for x, k and bias."""
    rng = np.random.default_rng(0)
    x, k = rng.normal(size=(5, 6)), rng.normal(size=(2, 3))
    dout = rng.normal(size=sol.conv2d(x, k, stride, pad).shape)
    dx, dk, db = sol.conv2d_backward(x, k, dout, stride, pad)

    def loss(x_, k_, b_):
        return np.sum(dout * sol.conv2d(x_, k_, stride, pad, b_))

    np.testing.assert_allclose(dx, numerical_gradient(lambda z: loss(z, k, 0.0), x, 1e-5),
                               atol=1e-7)
    np.testing.assert_allclose(dk, numerical_gradient(lambda z: loss(x, z, 0.0), k, 1e-5),
                               atol=1e-7)
    assert db == pytest.approx(numerical_gradient(lambda z: loss(x, k, z), 0.0, 1e-5))


# --------------------------------------------------------------------------
# worked steps as text
# --------------------------------------------------------------------------


def _step_totals(text):
    """The number after the last '=' of every line, as a flat list of floats."""
    return [float(line.rsplit("=", 1)[1]) for line in text.splitlines()]


@FAST
@given(conv_cases())
def test_conv2d_steps_totals_match_loops(sol, case):
    """Each line of conv2d_steps ends in the entry conv2d_loops computes, in row-major order."""
    x, k, b, stride, pad = case
    expected = sol.conv2d_loops(x, k, stride, pad, b)
    text = sol.conv2d_steps(x, k, stride, pad, b)
    assert len(text.splitlines()) == expected.size
    assert _step_totals(text) == expected.reshape(-1).tolist()


def test_conv2d_steps_hand_example(sol):
    """Weights of +-1 add or subtract the pixel; other weights show as w*pixel; padding is 0."""
    x = np.array([[1, 2], [3, 4]])
    text = sol.conv2d_steps(x, np.array([[1, 0], [-1, 2]]), pad=1, stride=2)
    # output (1,1) covers padded rows 0-1, cols 0-1: k[0,0]*0 - k[1,0]*0 + 2*1 = 2
    # output (1,2) covers padded rows 0-1, cols 2-3: 0 - 2 + 2*0 = -2 ...
    lines = text.splitlines()
    assert lines[0] == "(1,1): 0 - 0 + 2*1 = 2"
    assert lines[1] == "(1,2): 0 - 2 + 2*0 = -2"
    assert lines[2] == "(2,1): 0 - 0 + 2*0 = 0"
    assert sol.conv2d_steps(np.array([[5]]), np.array([[-3]]), bias=-1) == "(1,1): -3*5 - 1 = -16"
    assert sol.conv2d_steps(np.array([[-2]]), np.array([[1]])) == "(1,1): (-2) = -2"


@FAST
@given(pool_cases())
def test_pool2d_steps_totals_match_loops(sol, case):
    """pool2d_steps ends each line in the max (or mean) that the loop versions compute."""
    x, size, stride = case
    if x.ndim == 3:
        x = x[0]
    assert _step_totals(sol.pool2d_steps(x, size, stride)) == \
        sol.maxpool2d_loops(x, size, stride).reshape(-1).tolist()
    np.testing.assert_allclose(_step_totals(sol.pool2d_steps(x, size, stride, op="mean")),
                               sol.avgpool2d_loops(x, size, stride).reshape(-1), rtol=1e-5)


def test_pool2d_steps_hand_example(sol):
    """The 4x4 image pooled 2x2: windows listed in row-major order."""
    text = sol.pool2d_steps(IMAGE_4X4, 2)
    assert text.splitlines()[0] == "(1,1): max(1, 2, 5, 6) = 6"
    assert text.splitlines()[3] == "(2,2): max(11, 12, 15, 16) = 16"
    assert sol.pool2d_steps(IMAGE_4X4, 2, op="mean").splitlines()[0] == \
        "(1,1): mean(1, 2, 5, 6) = 14/4 = 3.5"
    with pytest.raises(ValueError, match="op must be"):
        sol.pool2d_steps(IMAGE_4X4, 2, op="min")


# --------------------------------------------------------------------------
# pooling backward variants, ties, and their worked steps
# --------------------------------------------------------------------------


def _window_cells(shape, size, stride):
    """Every pooling window as a list of (row, col) cells, row-major (loops, for tests)."""
    (ph, pw), (sh, sw) = size, stride
    rows = range(0, shape[0] - ph + 1, sh)
    cols = range(0, shape[1] - pw + 1, sw)
    return [[[(r + a, c + b) for a in range(ph) for b in range(pw)] for c in cols] for r in rows]


@FAST
@given(pool_cases())
def test_maxpool2d_tie_counts_counts_maxima_with_loops(sol, case):
    """maxpool2d_tie_counts equals a per-window count of the entries equal to the maximum."""
    x, size, stride = case
    x = (x % 3)[..., :, :] if x.ndim == 2 else (x % 3)[0]  # few values: ties are common
    size2 = size if isinstance(size, tuple) else (size, size)
    stride2 = size2 if stride is None else stride
    windows = _window_cells(x.shape, size2, stride2)
    expected = [[sum(x[cell] == max(x[c] for c in cells) for cell in cells) for cells in row]
                for row in windows]
    out = sol.maxpool2d_tie_counts(x, size, stride)
    assert out.dtype.kind == "i"
    assert out.tolist() == expected


def test_maxpool2d_tie_counts_hand_example(sol):
    """Windows of a 3x3 map, 2x2 stride 1: counts of the tied maxima."""
    x = np.array([[1, 1, 0],
                  [0, 1, 2],
                  [2, 2, 0]])
    # (1,1): {1,1,0,1} max 1 three times; (1,2): {1,0,1,2} max 2 once;
    # (2,1): {0,1,2,2} max 2 twice;        (2,2): {1,2,2,0} max 2 twice
    assert sol.maxpool2d_tie_counts(x, 2, stride=1).tolist() == [[3, 1], [2, 2]]
    # whole map: the maximum 2 of x appears 3 times; the maximum 0 of -x appears 3 times too
    assert sol.maxpool2d_tie_counts(np.stack([x, -x]), 3).tolist() == [[[3]], [[3]]]
    assert sol.maxpool2d_tie_counts(np.stack([x, -x])[:, :2, :2], 2).tolist() == [[[3]], [[1]]]


@FAST
@given(pool_cases(dtype=np.float64), st.data())
def test_avgpool2d_backward_matches_numerical_gradient(sol, case, data):
    """avgpool2d_backward is the gradient of sum(dout * avgpool2d(x)), overlaps included."""
    x, size, stride = case
    pooled = sol.avgpool2d(x, size, stride)
    dout = data.draw(arrays(np.float64, pooled.shape, elements=st.floats(-5, 5)))
    dx = sol.avgpool2d_backward(x, dout, size, stride)
    assert dx.shape == x.shape

    def f(z):
        return np.sum(dout * sol.avgpool2d(z, size, stride))

    np.testing.assert_allclose(dx, numerical_gradient(f, x, 1e-5), atol=1e-6)


def test_avgpool2d_backward_hand_example(sol):
    """2x2 windows, stride 1, on a 3x3 map: the centre is in all four windows."""
    dout = np.array([[4, 8],
                     [12, 16]])
    # each window shares its dout entry: 1, 2, 3, 4 per cell; the centre gets 1+2+3+4 = 10
    expected = [[1, 3, 2],
                [4, 10, 6],
                [3, 7, 4]]
    assert sol.avgpool2d_backward(np.zeros((3, 3)), dout, 2, stride=1).tolist() == expected
    with pytest.raises(ValueError, match="pooled shape"):
        sol.avgpool2d_backward(np.zeros((3, 3)), dout, 2)


@FAST
@given(pool_cases(), st.data())
def test_maxpool2d_backward_without_accumulating_is_last_write(sol, case, data):
    """accumulate=False assigns window by window in row-major order: the last write wins."""
    x, size, stride = case
    pooled_shape = sol.maxpool2d(x, size, stride).shape
    dout = data.draw(arrays(np.int64, pooled_shape, elements=st.integers(1, 9)))
    x3, d3 = (x, dout) if x.ndim == 3 else (x[None], dout[None])
    size2 = size if isinstance(size, tuple) else (size, size)
    stride2 = size2 if stride is None else stride
    expected = np.zeros(x3.shape, dtype=np.int64)
    for ch in range(x3.shape[0]):
        for i, row in enumerate(_window_cells(x3.shape[1:], size2, stride2)):
            for j, cells in enumerate(row):
                values = [x3[ch][cell] for cell in cells]
                r, c = cells[values.index(max(values))]
                expected[ch, r, c] = d3[ch, i, j]
    out = sol.maxpool2d_backward(x, dout, size, stride, accumulate=False)
    assert np.array_equal(out, expected if x.ndim == 3 else expected[0])
    if stride2[0] >= size2[0] and stride2[1] >= size2[1]:  # windows never overlap
        assert np.array_equal(out, sol.maxpool2d_backward(x, dout, size, stride))


def test_maxpool2d_backward_overwrite_hand_example(sol):
    """Windows [0, 5] and [5, 0] share the 5: adding gives 2 + 3, overwriting keeps the 3."""
    x = np.array([[0, 5, 0]])
    dout = np.array([[2, 3]])
    assert sol.maxpool2d_backward(x, dout, (1, 2), stride=1).tolist() == [[0, 5, 0]]
    assert sol.maxpool2d_backward(x, dout, (1, 2), stride=1, accumulate=False).tolist() == \
        [[0, 3, 0]]


@FAST
@given(pool_cases(), st.data())
def test_maxpool2d_backward_steps_add_up_to_the_gradient(sol, case, data):
    """Replaying the 'dX(r,c) += v' of every line gives maxpool2d_backward_loops."""
    x, size, stride = case
    if x.ndim == 3:
        x = x[0]
    pooled_shape = sol.maxpool2d(x, size, stride).shape
    dout = data.draw(arrays(np.int64, pooled_shape, elements=st.integers(-9, 9)))
    lines = sol.maxpool2d_backward_steps(x, dout, size, stride).splitlines()
    assert len(lines) == dout.size
    replay = np.zeros(x.shape, dtype=np.int64)
    for line in lines:
        target, value = line.rsplit(": dX(", 1)[1].split(") += ")
        r, c = (int(v) - 1 for v in target.split(","))
        replay[r, c] += int(value)
    assert np.array_equal(replay, sol.maxpool2d_backward_loops(x, dout, size, stride))


def test_maxpool2d_backward_steps_hand_example(sol):
    """One line per window: the window, its maximum, where it is and what it receives."""
    text = sol.maxpool2d_backward_steps(IMAGE_4X4, np.array([[1, -2], [3, 4]]), 2)
    assert text.splitlines()[0] == "(1,1): max(1, 2, 5, 6) = 6 at X(2,2): dX(2,2) += 1"
    assert text.splitlines()[1] == "(1,2): max(3, 4, 7, 8) = 8 at X(2,4): dX(2,4) += -2"
    with pytest.raises(ValueError, match="pooled shape"):
        sol.maxpool2d_backward_steps(IMAGE_4X4, np.ones((3, 3)), 2)


@FAST
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3)), min_size=1, max_size=5))
def test_receptive_field_steps_end_in_the_traced_field(sol, layers):
    """The r of line l of receptive_field_steps is the traced receptive field of layers[:l]."""
    lines = sol.receptive_field_steps(layers).splitlines()
    assert len(lines) == len(layers)
    for depth, line in enumerate(lines, start=1):
        r = int(line.split(", jump")[0].rsplit("= ", 1)[1])
        jump = int(line.rsplit("= ", 1)[1])
        assert r == sol.receptive_field_loops(layers[:depth])
        assert jump == int(np.prod([s for _, s in layers[:depth]]))


def test_receptive_field_steps_hand_example(sol):
    """conv 3 s1, pool 2 s2, conv 3 s1: r = 3, 4, 8 and jump = 1, 2, 2."""
    text = sol.receptive_field_steps([(3, 1), (2, 2), (3, 1)], ["conv1", "pool", "conv2"])
    assert text.splitlines() == [
        "conv1 (k=3, s=1): r = 1 + (3-1)*1 = 3, jump = 1*1 = 1",
        "pool (k=2, s=2): r = 3 + (2-1)*1 = 4, jump = 1*2 = 2",
        "conv2 (k=3, s=1): r = 4 + (3-1)*2 = 8, jump = 2*1 = 2",
    ]
    with pytest.raises(ValueError, match="names"):
        sol.receptive_field_steps([(3, 1)], ["a", "b"])
    with pytest.raises(ValueError, match="kernel, stride"):
        sol.receptive_field_steps([(3, 0)])


def test_layer_stack_text_hand_example(sol):
    """One numbered line per layer, padding only when given; lengths must match."""
    text = sol.layer_stack_text(["conv", "max-pool"], [(3, 1), (2, 2)], [1, 0])
    assert text.splitlines() == ["layer 1: conv 3x3, stride 1, padding 1",
                                 "layer 2: max-pool 2x2, stride 2, padding 0"]
    assert sol.layer_stack_text(np.array(["conv"]), np.array([[5, 2]])) == \
        "layer 1: conv 5x5, stride 2"
    with pytest.raises(ValueError, match="one entry per layer"):
        sol.layer_stack_text(["conv"], [(3, 1), (2, 2)])
    with pytest.raises(ValueError, match="kernel, stride"):
        sol.layer_stack_text(["conv"], [(3, 1, 1)])


def test_conv_maxpool_backward_hand_example(sol):
    """X = [[1,0,0,0],[0,2,0,0],[0,0,0,0],[0,0,0,3]], K = [[1,0],[0,1]], b = 0:
    J = [[3,0,0],[0,2,0],[0,0,3]]; 2x2 pooling, stride 1: P = [[3,2],[2,3]]; dP = [[1,2],
    [3,4]]: J[1,1] = 2 is the max of the two off-diagonal windows, so dJ[1,1] = 2 + 3,
    dJ = [[1,0,0],[0,5,0],[0,0,4]]; dK[a,c] = sum X[i+a, j+c] dJ[i,j] = [[11,0],[0,14]];
    dX[i+a, j+c] += K[a,c] dJ[i,j] (worked by hand)."""
    X = [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 0, 0], [0, 0, 0, 3]]
    out = sol.conv_maxpool_backward(X, [[1, 0], [0, 1]], 0, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(out["J"], [[3, 0, 0], [0, 2, 0], [0, 0, 3]])
    np.testing.assert_array_equal(out["P"], [[3, 2], [2, 3]])
    np.testing.assert_array_equal(out["dJ"], [[1, 0, 0], [0, 5, 0], [0, 0, 4]])
    np.testing.assert_array_equal(out["dK"], [[1 + 10, 0], [0, 2 + 12]])
    np.testing.assert_array_equal(out["dX"], [[1, 0, 0, 0], [0, 6, 0, 0], [0, 0, 9, 0],
                                              [0, 0, 0, 4]])
    assert out["db"] == 10
    loops = sol.conv_maxpool_backward_loops(X, [[1, 0], [0, 1]], 0, [[1, 2], [3, 4]])
    for key in out:
        np.testing.assert_array_equal(loops[key], out[key])


def test_conv_maxpool_backward_matches_numerical_gradient(sol):
    """Random real input (no ties): dK, dX and db are central differences of sum(dP * P)."""
    rng = np.random.default_rng(4)
    X, K, dP = rng.normal(size=(5, 5)), rng.normal(size=(2, 2)), rng.normal(size=(3, 3))

    def f(x, k, b=0.3):
        return float(np.sum(dP * sol.maxpool2d(sol.conv2d(x, k, bias=b), 2, stride=1)))

    out = sol.conv_maxpool_backward(X, K, 0.3, dP)
    np.testing.assert_allclose(out["dK"], numerical_gradient(lambda k: f(X, k), K, 1e-6),
                               atol=1e-6)
    np.testing.assert_allclose(out["dX"], numerical_gradient(lambda x: f(x, K), X, 1e-6),
                               atol=1e-6)
    assert out["db"] == pytest.approx(dP.sum())
    loops = sol.conv_maxpool_backward_loops(X, K, 0.3, dP)
    for key in ("J", "P", "dJ", "dK", "dX"):
        np.testing.assert_allclose(loops[key], out[key], atol=1e-12)
