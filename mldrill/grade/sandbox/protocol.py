"""The parent's side of the child protocol: frames, requests out, untrusted replies in.

A frame is one byte of kind (b"J" a JSON header, b"A" an array in .npy format), eight bytes of
big-endian length and the payload; a message is one J frame whose header says how many A frames
follow. Frames travel on two dedicated pipes, never on the child's stdout/stderr, so nothing a
student prints can be taken for a result. (`_child.py` holds the child's side.)

Replies are untrusted: the child runs student code, which can patch the harness or write to the
reply pipe itself. So the reader refuses a frame over the size limit before buffering it, arrays
load with `allow_pickle=False` and only plain dtypes, each message must match a strict schema,
every array is used at most once, and anything unexpected becomes a `ProtocolError` (and never
any other exception).
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn, cast

import numpy as np

from mldrill.grade.sandbox.model import (
    Call,
    CallStatus,
    LoadStatus,
    Opaque,
    Ref,
    Returned,
    StudentError,
)

if TYPE_CHECKING:
    from mldrill.values import JsonObject

KIND_JSON = b"J"
KIND_ARRAY = b"A"
HEAD_BYTES = 9
MAX_HEADER_BYTES = 16 << 20
MAX_ARRAYS = 10_000
MAX_DEPTH = 40
MAX_NODES = 250_000
ARRAY_KINDS = "biufcUS"
NPY_MAGIC = b"\x93NUMPY"
_FLOAT = re.compile(r"-?(?:inf|nan|\d+\.\d*(?:e[-+]\d+)?|\d+e[-+]\d+)")


class ProtocolError(Exception):
    """A message from the child that does not decode: the child is not to be trusted further."""


@dataclass(frozen=True)
class Hello:
    pid: int
    python: str
    numpy: str


@dataclass(frozen=True)
class Loaded:
    nonce: str
    status: LoadStatus
    functions: tuple[str, ...]
    error: StudentError | None


@dataclass(frozen=True)
class Result:
    nonce: str
    call: int
    status: CallStatus
    value: Returned
    args_after: tuple[Returned, ...]
    kwargs_after: dict[str, Returned]
    error: StudentError | None
    seconds: float


@dataclass(frozen=True)
class Done:
    nonce: str
    cpu: float


Message = Hello | Loaded | Result | Done


def frame(kind: bytes, payload: bytes) -> bytes:
    """One frame: kind, length, payload."""
    return kind + len(payload).to_bytes(8, "big") + payload


# ---------------------------------------------------------------- requests (parent -> child)


def _npy(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a, allow_pickle=False)
    return buf.getvalue()


def encode_value(x: object, arrays: list[bytes]) -> JsonObject:
    """A grader-made value as a node (its arrays appended to `arrays`); TypeError if unsupported."""
    if isinstance(x, Ref):
        return {"k": "ref", "call": x.call, "path": list(x.path)}
    if x is None:
        return {"k": "none"}
    if isinstance(x, np.ndarray | np.generic):  # first: np.str_ is a str, np.float64 a float
        a = np.asarray(x)
        if a.dtype.hasobject or a.dtype.kind not in ARRAY_KINDS:
            raise TypeError(f"cannot send an array of dtype {a.dtype} to the child")
        arrays.append(_npy(a))
        return {"k": "array" if isinstance(x, np.ndarray) else "scalar", "i": len(arrays) - 1}
    if isinstance(x, bool):
        return {"k": "bool", "v": x}
    if isinstance(x, int):
        return {"k": "int", "v": int(x)}
    if isinstance(x, float):
        return {"k": "float", "v": repr(float(x))}
    if isinstance(x, str):
        return {"k": "str", "v": str(x)}
    if isinstance(x, list | tuple):
        return {"k": "list" if isinstance(x, list) else "tuple",
                "v": [encode_value(e, arrays) for e in x]}
    if isinstance(x, Mapping):
        return {"k": "dict", "v": [[encode_value(k, arrays), encode_value(v, arrays)]
                                   for k, v in x.items()]}
    raise TypeError(f"cannot send a {type(x).__name__} to the child")


def encode_message(msg: JsonObject, arrays: list[bytes]) -> bytes:
    """A request as frames (the header gets the count of arrays)."""
    head = json.dumps({**msg, "arrays": len(arrays)}, allow_nan=False).encode()
    return frame(KIND_JSON, head) + b"".join(frame(KIND_ARRAY, a) for a in arrays)


def load_request(nonce: str, cpu_seconds: float) -> bytes:
    return encode_message({"m": "load", "nonce": nonce, "cpu": cpu_seconds}, [])


def run_request(nonce: str, cpu_seconds: float, calls: tuple[Call, ...]) -> bytes:
    """The request for one test. Ref must point at an earlier call (ValueError otherwise)."""
    arrays: list[bytes] = []
    out: list[JsonObject] = []
    for i, call in enumerate(calls):
        for arg in (*call.args, *call.kwargs.values()):
            if isinstance(arg, Ref) and not 0 <= arg.call < i:
                raise ValueError(f"call {i} ({call.function}) refers to call {arg.call}")
        out.append({
            "function": call.function,
            "args": [encode_value(a, arrays) for a in call.args],
            "kwargs": [[str(k), encode_value(v, arrays)] for k, v in call.kwargs.items()],
            "send": None if call.send is None else [list(p) for p in call.send],
        })
    return encode_message({"m": "test", "nonce": nonce, "cpu": cpu_seconds, "calls": out}, arrays)


# ---------------------------------------------------------------- replies (child -> parent)


def _fail(why: str) -> ProtocolError:
    return ProtocolError(why)


def _keys(obj: object, keys: set[str], what: str) -> dict[str, object]:
    if type(obj) is not dict or set(obj) != keys:
        raise _fail(f"malformed {what}")
    return obj


def _str(v: object, cap: int, what: str) -> str:
    if type(v) is not str or len(v) > cap:
        raise _fail(f"malformed {what}")
    return v


def _number(v: object, what: str) -> float:
    if (type(v) is not int and type(v) is not float) or not math.isfinite(v) or v < 0:
        raise _fail(f"malformed {what}")
    return float(v)


class _Nodes:
    """Decodes value nodes, loading each array at most once."""

    def __init__(self, arrays: list[bytes]):
        self.raw = arrays
        self.used: set[int] = set()
        self.count = 0

    def array(self, i: object) -> np.ndarray:
        if type(i) is not int or not 0 <= i < len(self.raw) or i in self.used:
            raise _fail("bad array reference")
        self.used.add(i)
        data = self.raw[i]
        if not data.startswith(NPY_MAGIC):
            raise _fail("an array frame is not in .npy format")
        a = np.load(io.BytesIO(data), allow_pickle=False)
        if type(a) is not np.ndarray:
            raise _fail("an array frame is not a plain array")
        dt = a.dtype
        if dt.hasobject or dt.kind not in ARRAY_KINDS or dt.fields is not None or dt.subdtype:
            raise _fail(f"an array of dtype {dt} is not plain data")
        return a.copy()

    def value(self, node: object, depth: int = 0) -> Returned:
        self.count += 1
        if depth > MAX_DEPTH or self.count > MAX_NODES or type(node) is not dict:
            raise _fail("malformed value")
        k = node.get("k")
        if type(k) is not str or (decode := _DECODERS.get(k)) is None:
            raise _fail("unknown value kind")
        return decode(self, node, k, depth)

    def none(self, node: dict[str, object], k: str, depth: int) -> None:
        _keys(node, {"k"}, "none")

    def boolean(self, node: dict[str, object], k: str, depth: int) -> bool:
        v = _keys(node, {"k", "v"}, k)["v"]
        if type(v) is not bool:
            raise _fail("malformed bool")
        return v

    def integer(self, node: dict[str, object], k: str, depth: int) -> int:
        v = _keys(node, {"k", "v"}, k)["v"]
        if type(v) is not int:
            raise _fail("malformed int")
        return v

    def string(self, node: dict[str, object], k: str, depth: int) -> str:
        v = _keys(node, {"k", "v"}, k)["v"]
        if type(v) is not str:
            raise _fail("malformed str")
        return v

    def float_(self, node: dict[str, object], k: str, depth: int) -> float:
        v = _keys(node, {"k", "v"}, k)["v"]
        if type(v) is not str or len(v) > 40 or not _FLOAT.fullmatch(v):
            raise _fail("malformed float")
        return float(v)

    def array_or_scalar(self, node: dict[str, object], k: str, depth: int) -> Returned:
        a = self.array(_keys(node, {"k", "i"}, k)["i"])
        if k == "array":
            return a
        if a.ndim != 0:
            raise _fail("a scalar that is not 0-d")
        return a[()]

    def sequence(self, node: dict[str, object], k: str, depth: int) -> Returned:
        items = _keys(node, {"k", "v"}, k)["v"]
        if type(items) is not list:
            raise _fail(f"malformed {k}")
        out = [self.value(n, depth + 1) for n in items]
        return out if k == "list" else tuple(out)

    def mapping(self, node: dict[str, object], k: str, depth: int) -> dict[Hashable, Returned]:
        pairs = _keys(node, {"k", "v"}, k)["v"]
        if type(pairs) is not list:
            raise _fail("malformed dict")
        d: dict[Hashable, Returned] = {}
        for pair in pairs:
            if type(pair) is not list or len(pair) != 2:
                raise _fail("malformed dict")
            key = self.value(pair[0], depth + 1)
            try:
                hash(key)
            except TypeError:
                raise _fail("an unhashable dict key") from None
            d[cast(Hashable, key)] = self.value(pair[1], depth + 1)
        return d

    def opaque(self, node: dict[str, object], k: str, depth: int) -> Opaque:
        node = _keys(node, {"k", "type", "repr"}, "opaque")
        return Opaque(_str(node["type"], 300, "opaque"), _str(node["repr"], 5000, "opaque"))

    def maybe(self, node: object) -> Returned:
        return None if node is None else self.value(node)


# Each kind of value node with its decoder (a kind not here is refused).
_DECODERS: dict[str, Callable[[_Nodes, dict[str, object], str, int], Returned]] = {
    "none": _Nodes.none, "bool": _Nodes.boolean, "int": _Nodes.integer,
    "str": _Nodes.string, "float": _Nodes.float_, "array": _Nodes.array_or_scalar,
    "scalar": _Nodes.array_or_scalar, "list": _Nodes.sequence, "tuple": _Nodes.sequence,
    "dict": _Nodes.mapping, "opaque": _Nodes.opaque,
}


def _error(obj: object) -> StudentError | None:
    if obj is None:
        return None
    e = _keys(obj, {"type", "builtin", "message", "traceback"}, "error")
    return StudentError(_str(e["type"], 300, "error"), _str(e["message"], 5000, "error"),
                        _str(e["traceback"], 20000, "error"), _str(e["builtin"], 300, "error"))


def _nonce(v: object) -> str:
    return _str(v, 64, "nonce")


def decode_message(header: dict[str, object], arrays: list[bytes]) -> Message:
    """A header and its arrays as a message; ProtocolError for anything off-schema."""
    try:
        return _decode_message(header, arrays)
    except ProtocolError:
        raise
    except Exception as e:  # a decoder must never let anything else escape
        raise ProtocolError(f"undecodable message ({type(e).__name__})") from None


def _decode_message(h: dict[str, object], arrays: list[bytes]) -> Message:
    nodes = _Nodes(arrays)
    m = h.get("m") if type(h) is dict else None
    if m == "hello":
        h = _keys(h, {"m", "pid", "python", "numpy", "arrays"}, "hello")
        pid = h["pid"]
        if type(pid) is not int:
            raise _fail("malformed hello")
        return Hello(pid, _str(h["python"], 100, "hello"), _str(h["numpy"], 100, "hello"))
    if m == "loaded":
        h = _keys(h, {"m", "nonce", "status", "functions", "error", "arrays"}, "loaded")
        if h["status"] not in ("ok", "syntax-error", "import-error"):
            raise _fail("malformed loaded")
        fns = h["functions"]
        if type(fns) is not list or len(fns) > 10_000:
            raise _fail("malformed loaded")
        names = tuple(_str(f, 300, "function name") for f in fns)
        return Loaded(_nonce(h["nonce"]), cast(LoadStatus, h["status"]), names, _error(h["error"]))
    if m == "result":
        keys = {"m", "nonce", "call", "status", "value", "args_after", "kwargs_after", "error",
                "seconds", "arrays"}
        h = _keys(h, keys, "result")
        call, args_after, kwargs_after = h["call"], h["args_after"], h["kwargs_after"]
        if type(call) is not int or h["status"] not in ("ok", "error", "missing"):
            raise _fail("malformed result")
        if (h["status"] == "error") != (h["error"] is not None):
            raise _fail("malformed result")
        if type(args_after) is not list or type(kwargs_after) is not list:
            raise _fail("malformed result")
        after = tuple(nodes.maybe(n) for n in args_after)
        kwafter = {}
        for pair in kwargs_after:
            if type(pair) is not list or len(pair) != 2:
                raise _fail("malformed result")
            kwafter[_str(pair[0], 300, "keyword")] = nodes.maybe(pair[1])
        return Result(_nonce(h["nonce"]), call, cast(CallStatus, h["status"]),
                      nodes.maybe(h["value"]), after, kwafter, _error(h["error"]),
                      _number(h["seconds"], "result"))
    if m == "done":
        h = _keys(h, {"m", "nonce", "cpu", "arrays"}, "done")
        return Done(_nonce(h["nonce"]), _number(h["cpu"], "done"))
    raise _fail("unknown message")


def _reject_constant(name: str) -> NoReturn:
    raise _fail(f"{name} in a JSON header")


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    d = dict(pairs)
    if len(d) != len(pairs):
        raise _fail("duplicate keys in a JSON header")
    return d


def parse_header(payload: bytes) -> dict[str, object]:
    """A J frame's JSON object, strictly (no NaN, no duplicate keys)."""
    try:
        h = json.loads(payload.decode("utf-8"), parse_constant=_reject_constant,
                       object_pairs_hook=_no_duplicates)
    except ProtocolError:
        raise
    except Exception as e:
        raise ProtocolError(f"a header is not valid JSON ({type(e).__name__})") from None
    count = h.get("arrays") if type(h) is dict else None
    if type(count) is not int or not 0 <= count <= MAX_ARRAYS:
        raise ProtocolError("a header without a valid count of arrays")
    return h


class FrameReader:
    """Reassembles messages from bytes as they arrive, refusing oversize frames up front."""

    def __init__(self, max_message_bytes: int):
        self.max_message_bytes = max_message_bytes
        self._buf = bytearray()
        self._header: dict[str, object] | None = None
        self._arrays: list[bytes] = []
        self._size = 0

    @property
    def idle(self) -> bool:
        """No partial message is buffered."""
        return not self._buf and self._header is None

    def feed(self, data: bytes) -> list[Message]:
        """The messages completed by `data`; ProtocolError (only) if the stream is bad."""
        try:
            return self._feed(data)
        except ProtocolError:
            raise
        except Exception as e:
            raise ProtocolError(f"undecodable frames ({type(e).__name__})") from None

    def _feed(self, data: bytes) -> list[Message]:
        self._buf += data
        out: list[Message] = []
        while len(self._buf) >= HEAD_BYTES:
            kind = bytes(self._buf[:1])
            n = int.from_bytes(self._buf[1:HEAD_BYTES], "big")
            want = KIND_JSON if self._header is None else KIND_ARRAY
            if kind != want:
                raise ProtocolError(f"expected a {want!r} frame, got {kind!r}")
            limit = min(MAX_HEADER_BYTES, self.max_message_bytes) if self._header is None \
                else self.max_message_bytes - self._size
            if n > limit:
                raise ProtocolError(f"a frame of {n} bytes is over the limit")
            if len(self._buf) < HEAD_BYTES + n:
                break
            payload = bytes(self._buf[HEAD_BYTES : HEAD_BYTES + n])
            del self._buf[: HEAD_BYTES + n]
            self._size += n
            if self._header is None:
                self._header = parse_header(payload)
            else:
                self._arrays.append(payload)
            if len(self._arrays) == self._header["arrays"]:
                out.append(decode_message(self._header, self._arrays))
                self._header, self._arrays, self._size = None, [], 0
        return out
