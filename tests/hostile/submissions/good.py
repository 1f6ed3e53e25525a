"""A well-behaved submission: values, dtypes and shapes must round-trip exactly."""

import numpy as np


def add(a, b):
    return a + b


def fwd(x):
    return x * 2, {"x": x}


def bwd(dout, cache):
    return dout * 2 * cache["x"]


def kinds():
    return {
        "f32": np.float32(1.5),
        "i64": np.int64(-3),
        "bool": True,
        "none": None,
        "str": "héllo",
        "big": 2**70,
        "nested": [1, (2.5, [np.arange(3, dtype=np.uint8)]), {"k": np.zeros((0, 2))}],
        (1, "t"): np.array([[1 + 2j]]),
        "f": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "u": np.array(["ab", "c"]),
    }


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db
