"""One running child: its pipes, a request/reply exchange under a deadline, and its death.

The child runs in a new session, so killing its process group never reaches the grader; with a
PID namespace its PID 1 dies with the wrapper, and every process inside dies with PID 1. The
process group is always killed before the wrapper is reaped, so its id cannot have been reused.
"""

from __future__ import annotations

import os
import selectors
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from mldrill.grade.sandbox.protocol import FrameReader, Message, ProtocolError

if TYPE_CHECKING:
    from mldrill.values import JsonObject

SETUP_FAILED = 120
EXIT_BAD_REQUEST, EXIT_CHANNEL, EXIT_MEMORY, EXIT_HARNESS = 121, 122, 123, 124
CHUNK = 1 << 16

Ending = Literal["done", "eof", "timeout", "output", "protocol"]


class Output:
    """The child's stdout and stderr for one test: the first `keep` bytes, and a count of all."""

    def __init__(self, keep: int, hard: int):
        self.keep = keep
        self.hard = hard
        self.total = 0
        self.kept = {"out": bytearray(), "err": bytearray()}
        self.cut = {"out": 0, "err": 0}

    def add(self, which: str, data: bytes) -> None:
        room = max(0, self.keep - len(self.kept["out"]) - len(self.kept["err"]))
        self.kept[which] += data[:room]
        self.cut[which] += max(0, len(data) - room)
        self.total += len(data)

    @property
    def over(self) -> bool:
        return self.total > self.hard

    def text(self, which: str) -> str:
        s = self.kept[which].decode("utf-8", errors="replace")
        if self.cut[which]:
            s += f"\n[... {self.cut[which]} more bytes not kept]"
        return s


@dataclass
class Exchange:
    """How one request went: the messages that came back and why the exchange ended."""

    ended: Ending
    messages: list[Message] = field(default_factory=list)
    detail: str = ""
    seconds: float = 0.0


@dataclass
class _Round:
    """One exchange while it runs: what is left to send, what came back, the deadline."""

    pending: memoryview
    until: Callable[[Message], bool]
    renew: Callable[[Message], bool] | None
    renewals: int
    timeout: float
    output: Output
    deadline: float
    messages: list[Message] = field(default_factory=list)


@dataclass(frozen=True)
class Exit:
    """How a child ended, from the wrapper's exit status."""

    code: int | None  # exit status of the harness, or None
    signal: int | None  # signal that killed the harness (or the wrapper)
    setup_failed: bool = False

    def describe(self) -> str:
        if self.signal is not None:
            name = _signal_name(self.signal)
            why: dict[int, str] = {
                signal.SIGSEGV: " (segmentation fault)", signal.SIGXCPU: " (CPU time limit)",
                signal.SIGKILL: " (killed: out of memory, or its own doing)",
                signal.SIGXFSZ: " (file size limit)", signal.SIGABRT: " (aborted)",
            }
            return f"killed by {name}{why.get(self.signal, '')}"
        return {
            EXIT_CHANNEL: "the harness lost its message pipe (the submission closed or wrote it)",
            EXIT_MEMORY: "ran out of memory",
            EXIT_HARNESS: "the harness failed (the submission tampered with it?)",
            EXIT_BAD_REQUEST: "the harness refused a request (a grader bug)",
        }.get(self.code or 0, f"exited with status {self.code} (os._exit, or a fatal error)")


def _signal_name(n: int) -> str:
    try:
        return signal.Signals(n).name
    except ValueError:
        return f"signal {n}"


class Child:
    """A started child: `python -I -S -c <wrapper>` in a new session, with four pipes (and its
    config on a fifth, closed once written)."""

    def __init__(self, python: str, build_config: Callable[[int, int], JsonObject],
                 env: dict[str, str], cwd: str, max_message_bytes: int):
        from mldrill.grade.sandbox.isolation import start_wrapper

        req_r, self.req_w = os.pipe()
        self.msg_r, msg_w = os.pipe()
        try:
            self.proc = start_wrapper(python, build_config(req_r, msg_w), cwd=cwd, env=env,
                                      pass_fds=(req_r, msg_w))
        except BaseException:
            os.close(self.req_w)
            os.close(self.msg_r)
            raise
        finally:
            os.close(req_r)
            os.close(msg_w)
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.fds = {"msg": self.msg_r, "out": self.proc.stdout.fileno(),
                    "err": self.proc.stderr.fileno()}
        for fd in (self.req_w, *self.fds.values()):
            os.set_blocking(fd, False)
        self.reader = FrameReader(max_message_bytes)
        self.eof: set[str] = set()
        self.exit: Exit | None = None

    @property
    def alive(self) -> bool:
        return self.exit is None and "msg" not in self.eof

    def exchange(self, request: bytes, until: Callable[[Message], bool], timeout: float,
                 output: Output, renew: Callable[[Message], bool] | None = None,
                 renewals: int = 0) -> Exchange:
        """Send `request`, collect messages until one satisfies `until`, or the child fails.
        The child has `timeout` seconds; a message that `renew` accepts gives it `timeout`
        seconds more from then (at most `renewals` times: a limit per call, not per job)."""
        start = time.monotonic()
        ex = self._exchange(memoryview(request), until, timeout, output, renew, renewals)
        ex.seconds = time.monotonic() - start
        self.drain(output)
        return ex

    def _exchange(self, pending: memoryview, until: Callable[[Message], bool], timeout: float,
                  output: Output, renew: Callable[[Message], bool] | None, renewals: int
                  ) -> Exchange:
        st = _Round(pending, until, renew, renewals, timeout, output,
                    time.monotonic() + timeout)
        with selectors.DefaultSelector() as sel:
            for name, fd in self.fds.items():
                if name not in self.eof:
                    sel.register(fd, selectors.EVENT_READ, name)
            if pending:
                sel.register(self.req_w, selectors.EVENT_WRITE, "req")
            while True:
                left = st.deadline - time.monotonic()
                if left <= 0:
                    return Exchange("timeout", st.messages)
                for key, _ in sel.select(min(left, 0.5)):
                    if key.data == "req":
                        self._send_some(sel, st)
                        continue
                    ended = self._read_some(sel, key, st)
                    if ended is not None:
                        return ended

    def _send_some(self, sel: selectors.BaseSelector, st: _Round) -> None:
        """Write what the pipe takes of the request; stop watching it once all is sent."""
        try:
            st.pending = st.pending[os.write(self.req_w, st.pending[:CHUNK]):]
        except BlockingIOError:
            return
        except OSError:  # the child is gone; its EOF will tell
            st.pending = st.pending[:0]
        if not st.pending:
            sel.unregister(self.req_w)

    def _read_some(self, sel: selectors.BaseSelector, key: selectors.SelectorKey, st: _Round
                   ) -> Exchange | None:
        """Read a ready pipe: messages, or output; an Exchange if that ends the exchange."""
        name = key.data
        try:
            data = os.read(key.fd, CHUNK)
        except BlockingIOError:
            return None
        if not data:
            sel.unregister(key.fd)
            self.eof.add(name)
            return Exchange("eof", st.messages) if name == "msg" else None
        if name == "msg":
            return self._take_messages(data, st)
        st.output.add(name, data)
        return Exchange("output", st.messages) if st.output.over else None

    def _take_messages(self, data: bytes, st: _Round) -> Exchange | None:
        try:
            new = self.reader.feed(data)
        except ProtocolError as e:
            return Exchange("protocol", st.messages, str(e))
        for m in new:
            st.messages.append(m)
            if st.until(m):
                return Exchange("done", st.messages)
            if st.renewals > 0 and st.renew is not None and st.renew(m):
                st.renewals -= 1
                st.deadline = time.monotonic() + st.timeout
        return None

    def drain(self, output: Output) -> None:
        """Whatever the child has already written to stdout/stderr (without waiting)."""
        for name in ("out", "err"):
            while name not in self.eof and not output.over:
                try:
                    data = os.read(self.fds[name], CHUNK)
                except BlockingIOError:
                    break
                if not data:
                    self.eof.add(name)
                    break
                output.add(name, data)

    def stale(self) -> bool:
        """Anything on the message pipe between tests means the stream cannot be trusted."""
        if "msg" in self.eof or not self.reader.idle:
            return True
        try:
            os.read(self.msg_r, CHUNK)
        except BlockingIOError:
            return False
        return True  # stray bytes, or the end of the pipe

    def _exited(self, seconds: float) -> bool:
        """Whether the wrapper exits within `seconds` (without reaping it)."""
        end = time.monotonic() + seconds
        while True:
            try:
                info = os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return True
            if info is not None:
                return True
            if time.monotonic() >= end:
                return False
            time.sleep(0.005)

    def finish(self, grace: float = 0.0) -> Exit:
        """Let the child exit on its own for up to `grace` seconds, then kill everything.

        SIGTERM goes to the wrapper (ours, out of the student's reach), which SIGKILLs its child
        and exits once that is gone, with all of its PID namespace. SIGKILL to the whole process
        group follows in any case, before the wrapper is reaped (so its id is still ours).
        """
        if self.exit is not None:
            return self.exit
        if not self._exited(grace):
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self._exited(2.0)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        code = self.proc.wait()
        for f in (self.proc.stdout, self.proc.stderr):
            if f is not None:
                f.close()
        for fd in (self.req_w, self.msg_r):
            try:
                os.close(fd)
            except OSError:
                pass
        self.eof.update(self.fds)
        if code < 0:
            self.exit = Exit(None, -code)
        elif code == SETUP_FAILED:
            self.exit = Exit(code, None, setup_failed=True)
        elif 128 < code < 128 + 65:
            self.exit = Exit(None, code - 128)
        else:
            self.exit = Exit(code, None)
        return self.exit
