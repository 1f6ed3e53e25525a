"""The parent's decoder of child messages: untrusted bytes either decode into a message or raise
ProtocolError, never anything else; plain data round-trips exactly both ways."""

from __future__ import annotations

import io
import json
import os
import pickle
import threading
from collections.abc import Sequence
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hostile_helpers import same
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mldrill.grade.sandbox import Call, Opaque, Ref, _child
from mldrill.grade.sandbox.protocol import (
    MAX_DEPTH,
    FrameReader,
    Message,
    ProtocolError,
    Result,
    decode_message,
    frame,
    run_request,
)


def result_header(node: Any = None, arrays: int = 0, **over: Any) -> dict[str, Any]:
    msg = {"m": "result", "nonce": "n", "call": 0, "status": "ok", "value": node,
           "args_after": [], "kwargs_after": [], "error": None, "seconds": 0.0, "arrays": arrays}
    msg.update(over)
    return msg


def message(header: dict[str, Any], arrays: Sequence[bytes] = ()) -> bytes:
    return frame(b"J", json.dumps(header).encode()) + b"".join(frame(b"A", a) for a in arrays)


def reply(value: Any) -> bytes:
    """A result message as the child's own encoder writes it."""
    enc = _child.Encoder()
    node = enc.encode(value)
    return message(result_header(node, len(enc.arrays)), enc.arrays)


def feed(data: bytes, cap: int = 1 << 20) -> list[Message]:
    return FrameReader(cap).feed(data)


def npy(a: np.ndarray, allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a, allow_pickle=allow_pickle)
    return buf.getvalue()


def refused(data: bytes, cap: int = 1 << 20) -> None:
    with pytest.raises(ProtocolError):
        feed(data, cap)


# ---------------------------------------------------------------- round trips

plain_arrays = hnp.arrays(
    dtype=st.one_of(hnp.boolean_dtypes(), hnp.integer_dtypes(), hnp.unsigned_integer_dtypes(),
                    hnp.floating_dtypes(), hnp.complex_number_dtypes(),
                    hnp.unicode_string_dtypes(max_len=4)),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
)
leaves = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**200), max_value=2**200),
    st.floats(allow_nan=True), st.text(max_size=20), plain_arrays,
    plain_arrays.filter(lambda a: a.ndim == 0).map(lambda a: a[()]),
)
values = st.recursive(
    leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                            st.dictionaries(st.text(max_size=5) | st.integers(), inner,
                                            max_size=4)),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values)
def test_child_to_parent_round_trip(value: Any) -> None:
    """Whatever plain data the child encodes, the parent decodes to exactly the same value."""
    (msg,) = feed(reply(value))
    assert isinstance(msg, Result)
    assert same(msg.value, value)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values)
def test_parent_to_child_round_trip(value: Any) -> None:
    """Requests decode in the child (its own .npy reader) to exactly what the parent sent."""
    data = run_request("n", 1.0, (Call("f", (value,)),
                                  Call("g", (Ref(0, (1, "k")),), {"v": value})))
    r, w = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(w, data), os.close(w)))
    writer.start()
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        got = _child.Channel(r, null).receive()
    finally:
        writer.join()
        os.close(r)
        os.close(null)
    assert got is not None
    msg, arrays = got
    first = _child._decode(msg["calls"][0]["args"][0], arrays, [])
    second = _child._decode(msg["calls"][1]["kwargs"][0][1], arrays, [])
    assert same(first, value) and same(second, value)
    assert _child._decode(msg["calls"][1]["args"][0], arrays, [(0, {"k": 5})]) == 5


def test_fortran_and_strided_arrays_round_trip() -> None:
    """Non-contiguous arrays come back with the same values (as C-ordered copies)."""
    a = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    (msg,) = feed(reply((a, a[:, ::2], a.T)))
    assert isinstance(msg, Result)
    assert all(same(x, y) for x, y in zip(msg.value, (a, a[:, ::2], a.T), strict=True))


def test_opaque_and_nan() -> None:
    """Opaque values and NaN survive; an Opaque equals only an equal Opaque."""
    (msg,) = feed(reply([float("nan"), lambda: 1]))
    assert isinstance(msg, Result)
    nan, fn = msg.value
    assert nan != nan and isinstance(fn, Opaque) and fn.type_name == "function"


# ---------------------------------------------------------------- framing


def test_frames_fed_byte_by_byte() -> None:
    """A message arriving one byte at a time decodes once, at its last byte."""
    data = reply({"x": np.arange(3)})
    reader = FrameReader(1 << 20)
    out: list[Message] = []
    for i in range(len(data)):
        out += reader.feed(data[i : i + 1])
        assert (out == []) == (i < len(data) - 1)
    assert reader.idle


def test_truncated_frames_never_decode() -> None:
    """Any strict prefix of a message yields nothing, and no exception."""
    data = reply([np.ones(2), "x"])
    for n in range(len(data)):
        reader = FrameReader(1 << 20)
        assert reader.feed(data[:n]) == []
        assert reader.idle == (n == 0)


def test_oversize_frames_are_refused_up_front() -> None:
    """A frame longer than allowed is refused from its 9-byte head, before any payload."""
    refused(b"J" + (1 << 40).to_bytes(8, "big"))
    big = reply(np.zeros(1000))
    refused(big, cap=len(big) // 2)
    refused(message(result_header(arrays=1)) + b"A" + (1 << 30).to_bytes(8, "big"))


def test_wrong_frame_kinds() -> None:
    """An array frame where a header is due, or an unknown kind, is refused."""
    refused(frame(b"A", npy(np.ones(2))))
    refused(frame(b"X", b"{}"))
    refused(message(result_header(arrays=1)) + frame(b"J", b"{}"))


# ---------------------------------------------------------------- arrays


def array_reply(payload: bytes, kind: str = "array") -> bytes:
    return message(result_header({"k": kind, "i": 0}, 1), [payload])


def test_pickled_object_arrays_are_refused() -> None:
    """Object arrays (pickles inside .npy), raw pickles and .npz archives are refused."""
    refused(array_reply(npy(np.array([{"a": 1}, None], dtype=object), allow_pickle=True)))
    refused(array_reply(pickle.dumps(np.arange(3))))
    buf = io.BytesIO()
    np.savez(buf, a=np.arange(3))
    refused(array_reply(buf.getvalue()))


@pytest.mark.parametrize("array", [
    np.zeros(2, dtype=[("a", "f8"), ("b", "i4")]),
    np.array(["2024-01-01"], dtype="datetime64[D]"),
    np.array([1, 2], dtype="timedelta64[s]"),
    np.zeros(2, dtype="V8"),
], ids=["structured", "datetime", "timedelta", "void"])
def test_non_plain_dtypes_are_refused(array: np.ndarray) -> None:
    """Only bool, integer, float, complex and string dtypes pass."""
    refused(array_reply(npy(array)))


def test_array_references_are_checked() -> None:
    """Out-of-range, reused or non-integer array indexes and non-0-d scalars are refused."""
    a = npy(np.arange(3))
    refused(message(result_header({"k": "array", "i": 1}, 1), [a]))
    refused(message(result_header({"k": "list", "v": [{"k": "array", "i": 0}] * 2}, 1), [a]))
    refused(message(result_header({"k": "array", "i": True}, 1), [a]))
    refused(array_reply(a, kind="scalar"))
    refused(array_reply(npy(np.arange(3))[:-4]))  # truncated data
    refused(array_reply(b"\x93NUMPY garbage"))


# ---------------------------------------------------------------- headers and schema


@pytest.mark.parametrize("payload", [
    b"{", b"[]", b"null", b'{"arrays": 0', b'{"arrays": -1}', b'{"arrays": true}',
    b'{"arrays": 0, "m": "done", "nonce": "n", "cpu": NaN}', b'{"arrays": 0, "arrays": 0}',
    b'{"arrays": 100000000}', b"\xff\xfe{}", b'{"arrays": 0}', b'{"arrays": 0, "m": "bye"}',
    b"[" * 100_000 + b"]" * 100_000,
])
def test_bad_json_headers(payload: bytes) -> None:
    """Invalid JSON, NaN, duplicate keys, bad array counts, unknown messages: refused."""
    refused(frame(b"J", payload))


@pytest.mark.parametrize("change", [
    {"extra": 1}, {"status": "great"}, {"status": "error"}, {"error": {"type": "E"}},
    {"call": "0"}, {"call": True}, {"seconds": -1.0}, {"seconds": "1"}, {"nonce": 5},
    {"nonce": "n" * 100}, {"args_after": {}}, {"kwargs_after": [["k"]]},
    {"kwargs_after": [[1, None]]},
    {"value": {"k": "int", "v": True}}, {"value": {"k": "int", "v": 1.5}},
    {"value": {"k": "bool", "v": 1}}, {"value": {"k": "float", "v": 1.5}},
    {"value": {"k": "float", "v": "1_0"}}, {"value": {"k": "float", "v": "0x10"}},
    {"value": {"k": "float", "v": "1" * 50}}, {"value": {"k": "float", "v": " 1.0"}},
    {"value": {"k": "str", "v": "x", "extra": 1}}, {"value": {"k": "pickle", "v": "..."}},
    {"value": {"k": "dict", "v": [[{"k": "list", "v": []}, {"k": "none"}]]}},
    {"value": {"k": "dict", "v": [[{"k": "none"}]]}}, {"value": {"k": "list", "v": {}}},
    {"value": {"k": "opaque", "type": "T", "repr": "r" * 6000}},
    {"value": {"k": "opaque", "type": "T"}}, {"value": [1]}, {"value": "x"},
    {"value": {"k": "ref", "call": 0, "path": []}},
], ids=repr)
def test_schema_violations(change: dict[str, Any]) -> None:
    """A result with any field of the wrong shape or type is refused."""
    refused(message(result_header(**change)))


def test_depth_limit() -> None:
    """Values nested deeper than the decoder allows are refused (no recursion error escapes)."""
    node: dict[str, Any] = {"k": "none"}
    for _ in range(MAX_DEPTH + 5):
        node = {"k": "list", "v": [node]}
    refused(message(result_header(node)))


def test_other_message_kinds() -> None:
    """hello, loaded and done decode with their exact fields, and not with others."""
    assert feed(message({"m": "done", "nonce": "n", "cpu": 1.5, "arrays": 0}))
    assert feed(message({"m": "hello", "pid": 1, "python": "3", "numpy": "2", "arrays": 0}))
    loaded = {"m": "loaded", "nonce": "n", "status": "ok", "functions": ["f"], "error": None,
              "arrays": 0}
    assert feed(message(loaded))
    refused(message({**loaded, "functions": [1]}))
    refused(message({**loaded, "status": "timeout"}))
    refused(message({"m": "hello", "pid": "1", "python": "3", "numpy": "2", "arrays": 0}))
    refused(message({"m": "done", "nonce": "n", "cpu": -1, "arrays": 0}))


def test_decode_message_never_raises_anything_else() -> None:
    """Headers holding Python objects JSON cannot produce still give ProtocolError."""
    for header in [{"m": "result", "value": object()}, {"m": object()}, [], None,
                   result_header({"k": "list", "v": [object()]})]:
        with pytest.raises(ProtocolError):
            decode_message(header, [])  # type: ignore[arg-type]


# ---------------------------------------------------------------- fuzzing


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes(data: bytes) -> None:
    """Random bytes decode to messages or raise ProtocolError; nothing else escapes."""
    try:
        feed(data)
    except ProtocolError:
        pass


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["m", "k", "v", "i", "nonce", "call", "status", "value", "error",
                         "arrays", "type", "repr", "seconds"]) | st.text(max_size=4),
        inner, max_size=6),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(json_values, st.sampled_from(["result", "done", "loaded", "hello", "x"]))
def test_random_headers(value: Any, kind: str) -> None:
    """Random JSON headers decode or raise ProtocolError; nothing else escapes."""
    header = result_header(value) if kind == "result" else {"m": kind, "x": value, "arrays": 0}
    try:
        feed(message(header))
    except ProtocolError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_valid_messages(data: st.DataObject) -> None:
    """A valid message with bytes flipped, cut or inserted decodes or raises ProtocolError."""
    raw = bytearray(reply({"x": np.arange(4.0), "y": [1, "two", None]}))
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if op == "flip":
            raw[i] ^= data.draw(st.integers(1, 255))
        elif op == "cut":
            del raw[i]
        else:
            raw.insert(i, data.draw(st.integers(0, 255)))
    try:
        feed(bytes(raw))
    except ProtocolError:
        pass
