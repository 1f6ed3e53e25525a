"""The harness inside a sandboxed child: import the submission, call its functions, reply.

Standalone on purpose (stdlib and numpy only: mldrill is hidden from the child). The parent reads
this file as text and runs it as `python -I -S -u -c <text> <request fd> <reply fd>`; the first
frame on the request pipe is the configuration (where the submission and numpy are).

Messages go both ways as frames on two dedicated pipes, never on stdout/stderr: one byte of kind
(b"J" a JSON header, b"A" an array in .npy format, pickles off), eight bytes of big-endian
length, the payload. A message is one J frame whose header says how many A frames follow. Values
are JSON nodes ({"k": "int", "v": 3}, {"k": "array", "i": 0}, ...); anything that is not plain
data (an ndarray subclass, an object with its own __eq__, a generator) goes back as an opaque
node with its type name and is never converted by running student code.

Student code runs in this very process and can tamper with all of it: patch numpy, json or this
module, find the reply pipe and write to it. That can only corrupt its own replies, which the
parent treats as untrusted input (it validates every message, and only ever sends the inputs of
the current test: there is nothing secret in here to steal).
"""

from __future__ import annotations

import os
import sys


def _boot() -> dict:  # type: ignore[type-arg]
    """Read the config frame (the first on the request pipe) and import numpy from the one
    folder it names: the child has no site-packages on its path (python runs with -I -S)."""
    import importlib.util
    import json

    sys.dont_write_bytecode = True
    rfd = int(sys.argv[1])
    head = b""
    while len(head) < 9:
        more = os.read(rfd, 9 - len(head))
        if not more:
            os._exit(0)
        head += more
    size = int.from_bytes(head[1:], "big")
    data = b""
    while len(data) < size:
        more = os.read(rfd, min(size - len(data), 1 << 20))
        if not more:
            os._exit(0)
        data += more
    cfg = json.loads(data)
    folder = cfg["numpy"]
    spec = importlib.util.spec_from_file_location(
        "numpy", os.path.join(folder, "__init__.py"), submodule_search_locations=[folder])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["numpy"] = module
    spec.loader.exec_module(module)
    return cfg  # type: ignore[no-any-return]


_CONFIG = _boot() if __name__ == "__main__" else {}

import ast  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import resource  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

EXIT_BAD_REQUEST = 121
EXIT_CHANNEL = 122
EXIT_MEMORY = 123
EXIT_HARNESS = 124
MAX_DEPTH = 32
MAX_NODES = 200_000
TEXT_CAP = 2000
ARRAY_KINDS = "biufcUS"

# Bound once, before any student code runs (patching the modules later does not reach these).
_ndarray = np.ndarray
_asarray = np.asarray
_frombuffer = np.frombuffer
_dtype = np.dtype
_literal_eval = ast.literal_eval
_NPY_MAGIC = b"\x93NUMPY"
_dumps = json.dumps
_loads = json.loads
_os_read = os.read
_os_write = os.write
_getpid = os.getpid
_perf = time.perf_counter
_extract_tb = traceback.extract_tb
_SCALARS = frozenset(
    t for t in set(np.sctypeDict.values()) if np.dtype(t).kind in ARRAY_KINDS
)
_RESET_SIGNALS = ("SIGALRM", "SIGVTALRM", "SIGPROF", "SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2")


class Missing(Exception):
    """A part of a returned value that does not exist (for Ref and `send`)."""


def _type_name(t: type) -> str:
    """`module.Qualname` of a type, read without running any code the type defines."""
    try:
        mod = type.__dict__["__module__"].__get__(t, type)
        qual = type.__dict__["__qualname__"].__get__(t, type)
    except Exception:
        return "?"
    mod = mod if type(mod) is str else "?"
    qual = qual if type(qual) is str else "?"
    return (qual if mod == "builtins" else f"{mod}.{qual}")[:200]


def _opaque(x: Any, note: str | None = None) -> dict[str, Any]:
    t = type(x)
    if note is None:
        if issubclass(t, _ndarray):
            shape = _ndarray.shape.__get__(x)
            dtype = _ndarray.dtype.__get__(x)
            note = f"an ndarray subclass of shape {shape} and dtype {dtype}"
        else:
            note = object.__repr__(x)
    return {"k": "opaque", "type": _type_name(t), "repr": note[:TEXT_CAP]}


class Encoder:
    """Turns a value into JSON nodes plus .npy payloads; never calls the value's own methods."""

    def __init__(self) -> None:
        self.arrays: list[bytes] = []
        self.count = 0

    def encode(self, x: Any, depth: int = 0) -> dict[str, Any]:
        self.count += 1
        if depth > MAX_DEPTH or self.count > MAX_NODES:
            return _opaque(x, "too deeply nested or too large to send")
        t = type(x)
        if x is None:
            return {"k": "none"}
        if t is bool:
            return {"k": "bool", "v": x}
        if t is int:
            if x.bit_length() > 4000:
                return _opaque(x, "an int too large to send")
            return {"k": "int", "v": x}
        if t is float:
            return {"k": "float", "v": float.__repr__(x)}
        if t is str:
            return {"k": "str", "v": x}
        if t is _ndarray:
            return self._array(x, "array")
        if t in _SCALARS:
            return self._array(_asarray(x), "scalar")
        if t is list or t is tuple:
            items = [self.encode(e, depth + 1) for e in list(x)]
            return {"k": "list" if t is list else "tuple", "v": items}
        if t is dict:
            pairs = list(dict.items(x))
            return {
                "k": "dict",
                "v": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in pairs],
            }
        return _opaque(x)

    def _array(self, a: Any, kind: str) -> dict[str, Any]:
        dtype = _ndarray.dtype.__get__(a)
        if dtype.hasobject or dtype.kind not in ARRAY_KINDS or dtype.fields is not None:
            return _opaque(a, f"an array of dtype {dtype}")
        self.arrays.append(_to_npy(a, dtype))
        return {"k": kind, "i": len(self.arrays) - 1}


def _to_npy(a: Any, dtype: Any) -> bytes:
    """An exact ndarray in .npy format 1.0, written by hand: nothing a student can patch."""
    shape = _ndarray.shape.__get__(a)
    header = "{'descr': " + repr(dtype.str) + ", 'fortran_order': False, 'shape': "
    header += repr(tuple(shape)) + ", }"
    pad = -(len(_NPY_MAGIC) + 4 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    head = _NPY_MAGIC + b"\x01\x00" + len(header).to_bytes(2, "little") + header.encode("latin1")
    return head + _ndarray.tobytes(a)


def _from_npy(data: bytes) -> Any:
    """A (trusted) .npy payload from the parent, read without numpy.lib."""
    size = 2 if data[6] == 1 else 4
    end = 8 + size + int.from_bytes(data[8 : 8 + size], "little")
    header = _literal_eval(data[8 + size : end].decode("latin1"))
    flat = _frombuffer(data, dtype=_dtype(header["descr"]), offset=end)
    if header["fortran_order"]:
        return flat.reshape(header["shape"], order="F").copy(order="F")
    return flat.reshape(header["shape"]).copy()


def _frame(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(8, "big") + payload


class Channel:
    """Framed messages: requests from the parent on `rfd`, replies on `wfd`."""

    def __init__(self, rfd: int, wfd: int):
        self.rfd = rfd
        self.wfd = wfd
        self.owner = _getpid()

    def check(self) -> None:
        """A copy made by the student's os.fork() must not talk to the parent: it just ends."""
        if _getpid() != self.owner:
            os._exit(0)

    def _read_exact(self, n: int) -> bytes | None:
        chunks = []
        while n:
            b = _os_read(self.rfd, min(n, 1 << 20))
            if not b:
                return None
            chunks.append(b)
            n -= len(b)
        return b"".join(chunks)

    def _frame(self, want: bytes) -> bytes | None:
        head = self._read_exact(9)
        if head is None:
            return None
        if head[:1] != want:
            os._exit(EXIT_BAD_REQUEST)
        return self._read_exact(int.from_bytes(head[1:], "big"))

    def receive(self) -> tuple[dict[str, Any], list[Any]] | None:
        self.check()
        payload = self._frame(b"J")
        if payload is None:
            return None
        msg = _loads(payload)
        arrays = []
        for _ in range(msg["arrays"]):
            data = self._frame(b"A")
            if data is None:
                return None
            arrays.append(_from_npy(data))
        return msg, arrays

    def send(self, msg: dict[str, Any], arrays: list[bytes]) -> None:
        self.check()
        msg["arrays"] = len(arrays)
        head = _dumps(msg, ensure_ascii=True, allow_nan=False).encode()
        data = memoryview(b"".join([_frame(b"J", head)] + [_frame(b"A", a) for a in arrays]))
        try:
            while data:
                data = data[_os_write(self.wfd, data) :]
        except OSError:
            os._exit(EXIT_CHANNEL)


def _part(value: Any, path: list[Any]) -> Any:
    """`value[k1][k2]...`, only through plain tuples, lists and dicts."""
    for key in path:
        t = type(value)
        if (t is tuple or t is list) and type(key) is int and -len(value) <= key < len(value):
            value = value[key]
        elif t is dict and type(key) in (str, int) and key in value:
            value = value[key]
        else:
            raise Missing(f"there is no part [{key!r}] in a value of type {_type_name(t)}")
    return value


def _decode(node: dict[str, Any], arrays: list[Any], results: list[Any]) -> Any:
    """A request node (trusted: it comes from the parent) back to a value."""
    k = node["k"]
    if k == "none":
        return None
    if k in ("bool", "int", "str"):
        return node["v"]
    if k == "float":
        return float(node["v"])
    if k == "array":
        return arrays[node["i"]]
    if k == "scalar":
        return arrays[node["i"]][()]
    if k in ("list", "tuple"):
        items = [_decode(n, arrays, results) for n in node["v"]]
        return items if k == "list" else tuple(items)
    if k == "dict":
        return {_decode(a, arrays, results): _decode(b, arrays, results) for a, b in node["v"]}
    if k == "ref":
        return _part(results[node["call"]], node["path"])
    raise ValueError(f"unknown node kind {k!r}")


def _text(e: BaseException) -> str:
    try:
        if type(e).__module__ == "builtins":
            s = str(e)
        else:
            s = BaseException.__str__(e)
    except BaseException:
        s = "<the exception's message could not be read>"
    return s if type(s) is str else "?"


@dataclass
class State:
    path: str  # the submission inside the working directory
    shown: str  # its name as the student knows it
    namespace: dict[str, Any] = field(default_factory=dict)


def _builtin_base(t: type) -> str:
    """The nearest built-in exception class (MemoryError for numpy's _ArrayMemoryError)."""
    try:
        for cls in type.__dict__["__mro__"].__get__(t, type):
            name = _type_name(cls)
            if "." not in name:
                return name
    except Exception:
        pass
    return "BaseException"


def _describe(e: BaseException, state: State) -> dict[str, str]:
    """Type, message and a traceback trimmed to the submission's own frames."""
    tb = e.__traceback__
    try:
        traceback.clear_frames(tb)  # frees a memory bomb's locals before anything else
    except BaseException:
        pass
    name = _type_name(type(e))
    base = _builtin_base(type(e))
    lines: list[str] = []
    if isinstance(e, SystemExit):
        code = e.code if type(e.code) in (int, str, type(None)) else object.__repr__(e.code)
        message = f"the submission called sys.exit({code!r})"
    elif isinstance(e, SyntaxError) and e.filename == state.path:
        message = f"{e.msg} (line {e.lineno})"
        lines.append(f'  File "{state.shown}", line {e.lineno}\n')
        if e.text:
            line = e.text.rstrip("\n")
            code_line = line.lstrip()
            lines.append(f"    {code_line}\n")
            if e.offset:
                col = e.offset - 1 - (len(line) - len(code_line))
                lines.append("    " + " " * max(0, col) + "^\n")
        return {"type": name, "builtin": base, "message": message[:TEXT_CAP],
                "traceback": ("".join(lines) + f"{name}: {e.msg}")[: 4 * TEXT_CAP]}
    else:
        message = _text(e)
    try:
        for f in _extract_tb(tb):
            if f.filename == state.path:
                lines.append(f'  File "{state.shown}", line {f.lineno}, in {f.name}\n')
                if f.line:
                    lines.append(f"    {f.line.strip()}\n")
    except BaseException:
        lines = []
    head = "Traceback (most recent call last):\n" if lines else ""
    last = f"{name}: {message}" if message else name
    return {"type": name, "builtin": base, "message": message[:TEXT_CAP],
            "traceback": (head + "".join(lines) + last)[-4 * TEXT_CAP :]}


def _cpu_used() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _set_cpu(seconds: float) -> None:
    """This test's CPU budget: a soft RLIMIT_CPU (SIGXCPU) `seconds` above what is used."""
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    want = int(math.ceil(_cpu_used() + seconds))
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (want, hard))


def _reset_signals() -> None:
    """Undo alarms and handlers a previous call may have left behind."""
    signal.alarm(0)
    for timer in (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF):
        signal.setitimer(timer, 0)
    for name in _RESET_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # too big a file: an OSError, not a death


def _load(ch: Channel, msg: dict[str, Any], state: State) -> None:
    _set_cpu(msg["cpu"])
    reply: dict[str, Any] = {"m": "loaded", "nonce": msg["nonce"], "status": "ok",
                             "functions": [], "error": None}
    spec = importlib.util.spec_from_file_location("submission", state.path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["submission"] = module
    try:
        spec.loader.exec_module(module)
        ch.check()
    except BaseException as e:
        ch.check()
        own_syntax = isinstance(e, SyntaxError) and e.filename == state.path
        reply["status"] = "syntax-error" if own_syntax else "import-error"
        reply["error"] = _describe(e, state)
    else:
        state.namespace = module.__dict__
        names = []
        for name, value in list(dict.items(state.namespace)):
            try:
                if type(name) is str and callable(value) and value.__module__ == "submission":
                    names.append(name)
            except BaseException:
                pass
        reply["functions"] = names
    _reset_signals()
    ch.send(reply, [])


def _run(ch: Channel, msg: dict[str, Any], arrays: list[Any], state: State) -> None:
    _set_cpu(msg["cpu"])
    _reset_signals()
    results: list[Any] = []
    for i, call in enumerate(msg["calls"]):
        reply: dict[str, Any] = {"m": "result", "nonce": msg["nonce"], "call": i, "status": "ok",
                                 "value": None, "args_after": [], "kwargs_after": [],
                                 "error": None, "seconds": 0.0}
        fn = state.namespace.get(call["function"])
        if fn is None or not callable(fn):
            reply["status"] = "missing"
            ch.send(reply, [])
            break
        try:
            args = [_decode(n, arrays, results) for n in call["args"]]
            kwargs = {k: _decode(n, arrays, results) for k, n in call["kwargs"]}
        except Missing as e:
            reply["status"] = "error"
            reply["error"] = {"type": "ReturnValueError", "builtin": "", "traceback": "",
                              "message": f"an earlier call returned something unexpected: {e}"}
            ch.send(reply, [])
            break
        start = _perf()
        try:
            value = fn(*args, **kwargs)
            error = None
        except BaseException as e:
            ch.check()
            value, error = None, _describe(e, state)
        ch.check()
        reply["seconds"] = _perf() - start
        _reset_signals()
        enc = Encoder()
        if error is not None:
            reply["status"] = "error"
            reply["error"] = error
        elif call["send"] is None:
            reply["value"] = enc.encode(value)
        else:
            parts = []
            for path in call["send"]:
                try:
                    parts.append(enc.encode(_part(value, path)))
                except Missing as e:
                    parts.append(_opaque(None, f"no part {tuple(path)!r} in the return value: {e}"))
            reply["value"] = {"k": "tuple", "v": parts}
        results.append(value)
        mutable = (_ndarray, dict, list)
        reply["args_after"] = [
            enc.encode(a) if type(a) in mutable and n["k"] != "ref" else None
            for a, n in zip(args, call["args"], strict=True)
        ]
        reply["kwargs_after"] = [
            [k, enc.encode(kwargs[k]) if type(kwargs[k]) in mutable and n["k"] != "ref" else None]
            for k, n in call["kwargs"]
        ]
        ch.send(reply, enc.arrays)
        if error is not None:
            break
    ch.send({"m": "done", "nonce": msg["nonce"], "cpu": _cpu_used()}, [])


def main() -> None:
    rfd, wfd, cfg = int(sys.argv[1]), int(sys.argv[2]), _CONFIG
    sys.dont_write_bytecode = True
    sys.modules["mldrill"] = None  # type: ignore[assignment]  # `import mldrill` fails
    _reset_signals()
    ch = Channel(rfd, wfd)
    state = State(path=cfg["submission"], shown=cfg["shown"])
    ch.send({"m": "hello", "pid": os.getpid(), "python": sys.version.split()[0],
             "numpy": np.__version__}, [])
    while True:
        got = ch.receive()
        if got is None:
            os._exit(0)
        msg, arrays = got
        if msg["m"] == "load":
            _load(ch, msg, state)
        elif msg["m"] == "test":
            _run(ch, msg, arrays, state)
        else:
            os._exit(EXIT_BAD_REQUEST)


if __name__ == "__main__":
    try:
        main()
    except MemoryError:
        os._exit(EXIT_MEMORY)
    except BaseException as e:
        try:
            os.write(2, f"mldrill harness failed: {type(e).__name__}\n".encode())
        finally:
            os._exit(EXIT_HARNESS)
