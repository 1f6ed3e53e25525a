"""Tests for solutions/params.py against count_params_loops, forward passes and LeNet-5."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

FAST = settings(max_examples=50, deadline=None, database=None)

LENET = [
    {"type": "conv", "filters": 6, "kernel": 5},
    {"type": "relu"},
    {"type": "pool", "size": 2, "stride": 2},
    {"type": "conv", "filters": 16, "kernel": 5},
    {"type": "relu"},
    {"type": "pool", "size": 2},
    {"type": "flatten"},
    {"type": "dense", "units": 120},
    {"type": "relu"},
    {"type": "dense", "units": 84},
    {"type": "relu"},
    {"type": "dense", "units": 10},
]


@st.composite
def networks(draw):
    """A random valid network: conv/pool/activation/batchnorm layers, flatten, dense layers."""
    c, h, w = draw(st.integers(1, 3)), draw(st.integers(4, 12)), draw(st.integers(4, 12))
    input_shape = (c, h, w)
    layers = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["conv", "pool", "relu", "batchnorm", "dropout"]))
        if kind == "conv":
            kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
            ph, pw = draw(st.integers(0, 1)), draw(st.integers(0, 1))
            if kh > h + 2 * ph or kw > w + 2 * pw:
                continue
            sh, sw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
            kernel = kh if kh == kw and draw(st.booleans()) else (kh, kw)
            layer = {"type": "conv", "filters": draw(st.integers(1, 4)), "kernel": kernel,
                     "stride": (sh, sw), "pad": (ph, pw), "bias": draw(st.booleans())}
            h, w = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
        elif kind == "pool":
            size = draw(st.integers(1, 2))
            if size > min(h, w):
                continue
            stride = draw(st.integers(1, 2))
            layer = {"type": draw(st.sampled_from(["pool", "maxpool", "avgpool"])),
                     "size": size, "stride": stride}
            h, w = (h - size) // stride + 1, (w - size) // stride + 1
        else:
            layer = {"type": kind}
        layers.append(layer)
    layers.append({"type": "flatten"})
    for _ in range(draw(st.integers(0, 3))):
        layers.append({"type": "dense", "units": draw(st.integers(1, 20)),
                       "bias": draw(st.booleans())})
        if draw(st.booleans()):
            layers.append({"type": draw(st.sampled_from(["relu", "batchnorm", "tanh"]))})
    return layers, input_shape


@FAST
@given(networks())
def test_count_params_matches_weight_arrays(sol, net):
    """count_params equals the size of the actual weight arrays built by count_params_loops."""
    layers, input_shape = net
    total = sol.count_params(layers, input_shape)
    assert total == sol.count_params_loops(layers, input_shape)
    assert total == sum(sol.layer_param_counts(layers, input_shape))


@FAST
@given(networks())
def test_output_shapes_match_a_forward_pass(sol, net):
    """layer_output_shapes and activation_count match running conv2d_multi/maxpool2d on zeros."""
    layers, input_shape = net
    shapes = sol.layer_output_shapes(layers, input_shape)
    counts = sol.activation_count(layers, input_shape)
    x = np.zeros(input_shape)
    for layer, shape, count in zip(layers, shapes, counts, strict=True):
        if layer["type"] == "conv":
            k = layer["kernel"]
            kh, kw = (k, k) if np.ndim(k) == 0 else k
            w = np.zeros((layer["filters"], x.shape[0], kh, kw))
            x = sol.conv2d_multi(x, w, stride=layer["stride"], pad=layer["pad"])
        elif layer["type"] in ("pool", "maxpool", "avgpool"):
            x = sol.maxpool2d(x, layer["size"], layer["stride"])
        elif layer["type"] == "flatten":
            x = x.reshape(-1)
        elif layer["type"] == "dense":
            x = np.zeros(layer["units"])
        assert shape == x.shape
        assert count == x.size


def test_lenet5_literal_counts(sol):
    """LeNet-5 on (1, 32, 32): 156, 2416, 48120, 10164, 850 parameters; 61706 in total."""
    counts = sol.layer_param_counts(LENET, (1, 32, 32))
    # conv 6@5x5 on 1 channel:  6 * (5*5*1 + 1)   = 156
    # conv 16@5x5 on 6 channels: 16 * (5*5*6 + 1) = 2416
    # dense 16*5*5 = 400 -> 120: 400*120 + 120    = 48120
    # dense 120 -> 84:           120*84 + 84      = 10164
    # dense 84 -> 10:            84*10 + 10       = 850
    assert counts == [156, 0, 0, 2416, 0, 0, 0, 48120, 0, 10164, 0, 850]
    assert sol.count_params(LENET, (1, 32, 32)) == 61706
    assert sol.count_params_loops(LENET, (1, 32, 32)) == 61706
    shapes = sol.layer_output_shapes(LENET, (1, 32, 32))
    # 32 - 5 + 1 = 28, 28 / 2 = 14, 14 - 5 + 1 = 10, 10 / 2 = 5, 16 * 5 * 5 = 400
    assert shapes[:7] == [(6, 28, 28), (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 10, 10),
                          (16, 5, 5), (400,)]
    assert sol.activation_count(LENET, (1, 32, 32))[:4] == [4704, 4704, 1176, 1600]


def test_small_helpers_hand_examples(sol):
    """mlp_params, conv_params, dense_params and batchnorm counts by hand."""
    assert sol.mlp_params([784, 100, 10]) == 79510  # 784*100 + 100 + 100*10 + 10
    assert sol.conv_params(6, 5, 5, 1) == 156
    assert sol.conv_params(6, 5, 5, 1, bias=False) == 150
    assert sol.conv_params(8, 3, 1, 2) == 56  # 8 * (3*1*2 + 1)
    assert sol.dense_params(400, 120) == 48120
    assert sol.dense_params(3, 2, bias=False) == 6
    net = [{"type": "conv", "filters": 4, "kernel": (3, 1), "bias": False},
           {"type": "batchnorm"}, {"type": "flatten"}, {"type": "dense", "units": 2},
           {"type": "batchnorm"}, {"type": "dropout", "rate": 0.5}]
    # conv 4*3*1*2 = 24 (no bias), bn 2*4 = 8, flatten 4*3*5 = 60, dense 60*2 + 2 = 122, bn 4
    assert sol.layer_param_counts(net, (2, 5, 5)) == [24, 8, 0, 122, 4, 0]
    assert sol.layer_output_shapes(net, (2, 5, 5))[0] == (4, 3, 5)
    assert sol.count_params([{"type": "dense", "units": 3}], (4,)) == 15


def test_param_spec_validation(sol):
    """Malformed specs raise ValueError naming the layer and the problem."""
    with pytest.raises(ValueError, match="add a flatten layer"):
        sol.count_params([{"type": "dense", "units": 10}], (1, 4, 4))
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['filter'\]"):
        sol.count_params([{"type": "conv", "filter": 6, "kernel": 5}], (1, 8, 8))
    with pytest.raises(ValueError, match="unknown layer type 'lstm'"):
        sol.count_params([{"type": "lstm"}], (3,))
    with pytest.raises(ValueError, match="window 9 is larger than the padded height"):
        sol.count_params([{"type": "conv", "filters": 1, "kernel": 9}], (1, 8, 8))
    with pytest.raises(ValueError, match="stride 2 does not divide"):
        sol.layer_output_shapes([{"type": "pool", "size": 2}], (1, 5, 5), strict=True)
    assert sol.layer_output_shapes([{"type": "pool", "size": 2}], (1, 5, 5)) == [(1, 2, 2)]
    with pytest.raises(ValueError, match="input_shape"):
        sol.count_params([], (4, 4))


def test_layer_builders_make_the_documented_dicts(sol):
    """conv_layer/pool_layer/dense_layer build specs that count like hand-written dicts."""
    layers = (sol.conv_layer(6, 5), sol.pool_layer(2), sol.conv_layer(16, 5),
              sol.pool_layer(2), {"type": "flatten"}, sol.dense_layer(120),
              sol.dense_layer(84), sol.dense_layer(10))
    assert sol.count_params(layers, (1, 32, 32)) == 61706
    assert sol.count_params_loops(layers, (1, 32, 32)) == 61706
    assert sol.conv_layer(np.int64(4), (3, 1), stride=2, pad=(1, 0), bias=False) == {
        "type": "conv", "filters": 4, "kernel": (3, 1), "stride": 2, "pad": (1, 0),
        "bias": False}
    assert sol.pool_layer(3, 2) == {"type": "pool", "size": 3, "stride": 2}
    assert sol.dense_layer(7, bias=False) == {"type": "dense", "units": 7, "bias": False}
    # without biases: 6*25 + 16*150 + 400*120 + 120*84 + 84*10 = 61470
    no_bias = (sol.conv_layer(6, 5, bias=False), sol.pool_layer(2),
               sol.conv_layer(16, 5, bias=False), sol.pool_layer(2), {"type": "flatten"},
               sol.dense_layer(120, bias=False), sol.dense_layer(84, bias=False),
               sol.dense_layer(10, bias=False))
    assert sol.count_params(no_bias, (1, 32, 32)) == 61470
    with pytest.raises(ValueError, match="filters"):
        sol.conv_layer(0, 3)
    with pytest.raises(ValueError, match="pad"):
        sol.conv_layer(2, 3, pad=-1)


# --------------------------------------------------------------------------
# layer builders, batch-norm running statistics, conv cost, locally connected layers
# --------------------------------------------------------------------------


def test_more_builders_and_batchnorm_buffers(sol):
    """batchnorm_layer/flatten_layer/activation_layer build specs; running stats = 2 per channel."""
    net = (sol.conv_layer(8, 3, pad=1, bias=False), sol.batchnorm_layer(),
           sol.activation_layer("relu"), sol.pool_layer(2), sol.flatten_layer(),
           sol.dense_layer(32), sol.batchnorm_layer(), sol.activation_layer(), sol.dense_layer(10))
    # conv 8*3*3*3 = 216 (no bias), bn 16, flatten 8*8*8 = 512, dense 512*32 + 32 = 16416,
    # bn 64, dense 32*10 + 10 = 330
    assert sol.layer_param_counts(net, (3, 16, 16)) == [216, 16, 0, 0, 0, 16416, 64, 0, 330]
    assert sol.count_params(net, (3, 16, 16)) == 17042
    assert sol.count_params_loops(net, (3, 16, 16)) == 17042
    # running mean + running variance: 2 * 8 after the conv, 2 * 32 after the dense layer
    assert sol.layer_buffer_counts(net, (3, 16, 16)) == [0, 16, 0, 0, 0, 0, 64, 0, 0]
    assert sol.flatten_layer() == {"type": "flatten"}
    assert sol.activation_layer("tanh") == {"type": "tanh"}
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        sol.activation_layer("gelu")


@FAST
@given(networks())
def test_buffers_equal_batchnorm_params(sol, net):
    """Every batchnorm stores as many running statistics as it learns (gamma, beta) numbers."""
    layers, input_shape = net
    buffers = sol.layer_buffer_counts(layers, input_shape)
    params = sol.layer_param_counts(layers, input_shape)
    for layer, b, p in zip(layers, buffers, params, strict=True):
        assert b == (p if layer["type"] == "batchnorm" else 0)


def test_conv_macs_hand_examples(sol):
    """LeNet C1: 6 * 28*28 * 5*5*1 = 117600; a strided, padded, rectangular case by hand."""
    assert sol.conv_macs(6, 5, (1, 32, 32)) == 117600
    assert sol.conv_macs_loops(6, 5, (1, 32, 32)) == 117600
    # (2, 7, 5), kernel (3, 1), stride 2, pad (1, 0): H' = (7+2-3)//2+1 = 4, W' = (5-1)//2+1 = 3
    # 4 filters * 4 * 3 positions * 3*1*2 window = 288
    assert sol.conv_macs(4, (3, 1), (2, 7, 5), stride=2, pad=(1, 0)) == 288
    assert sol.conv_macs_loops(4, (3, 1), (2, 7, 5), stride=2, pad=(1, 0)) == 288
    with pytest.raises(ValueError, match="stride 2 does not divide"):
        sol.conv_macs(1, 2, (1, 5, 5), stride=2, strict=True)
    with pytest.raises(ValueError, match=r"input_shape must be \(C, H, W\)"):
        sol.conv_macs(1, 3, (5, 5))


@FAST
@given(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.integers(3, 9),
       st.integers(3, 9), st.integers(1, 3), st.integers(0, 2))
def test_conv_macs_matches_loops_and_output_shape(sol, f, k, c, h, w, s, p):
    """conv_macs = (output numbers) x (window size), and equals the sliding-window count."""
    assume(k <= min(h, w) + 2 * p)
    macs = sol.conv_macs(f, k, (c, h, w), stride=s, pad=p)
    assert macs == sol.conv_macs_loops(f, k, (c, h, w), stride=s, pad=p)
    (shape,) = sol.layer_output_shapes([sol.conv_layer(f, k, stride=s, pad=p)], (c, h, w))
    assert macs == int(np.prod(shape)) * k * k * c


@FAST
@given(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.integers(3, 8),
       st.integers(1, 2), st.integers(0, 1), st.booleans())
def test_locally_connected_matches_loops(sol, f, k, c, h, s, p, bias):
    """Locally connected = conv count times the number of positions; equals allocated arrays."""
    assume(k <= h + 2 * p)
    total = sol.locally_connected_params(f, k, (c, h, h), stride=s, pad=p, bias=bias)
    assert total == sol.locally_connected_params_loops(f, k, (c, h, h), stride=s, pad=p,
                                                       bias=bias)
    (shape,) = sol.layer_output_shapes([sol.conv_layer(f, k, stride=s, pad=p)], (c, h, h))
    assert total == shape[1] * shape[2] * sol.conv_params(f, k, k, c, bias=bias)


def test_locally_connected_hand_example(sol):
    """(3, 6, 6), 2 filters 3x3, pad 1: 36 positions * 2 * (27 + 1) = 2016; 1944 without bias."""
    assert sol.locally_connected_params(2, 3, (3, 6, 6), pad=1) == 2016
    assert sol.locally_connected_params(2, 3, (3, 6, 6), pad=1, bias=False) == 1944
    assert sol.locally_connected_params_loops(2, 3, (3, 6, 6), pad=1) == 2016
    with pytest.raises(ValueError, match="filters"):
        sol.locally_connected_params(0, 3, (3, 6, 6))
