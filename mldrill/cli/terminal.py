"""The student's terminal: reading one line so that Ctrl-C and the exam's timer act at once.

Why not `input()`: with GNU readline, CPython waits for a key in `select()` and looks at
signals only when that `select()` is interrupted. A Ctrl-C (or the exam's SIGALRM) that lands
while readline is handling a key is recorded and then forgotten until Enter is pressed; on a
busy machine that happens often. Here the same readline (editing, history, ~/.inputrc) is
driven through its callback interface from a Python loop, and the loop also waits on the
signal module's wake-up pipe, so a signal that arrives at any moment ends the wait at once and
its Python handler runs (raising KeyboardInterrupt, or the exam's TimeUp) before another key
is read. A handler that would run inside readline's own code is held back until readline
returns, so readline's state is never cut in half, and the terminal is told not to throw
away typed keys on Ctrl-C while a line is read (readline, told that a key was waiting,
would block reading a key that is gone). Without GNU readline (or when stdout is
not a terminal) the terminal's own line editing is used, through the same loop; off POSIX,
`input()`.

`interactive()` wraps a whole interactive command: the first Ctrl-C raises KeyboardInterrupt,
later ones are ignored, as are all once the command stores the answers and prints its summary
(`ignore_ctrl_c()`), and the terminal's modes are put back as they were (echo on, line mode)
whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

# Signals whose Python handlers may raise while a line is read (Ctrl-C; the exam's timer).
_HELD = tuple(getattr(signal, name) for name in ("SIGINT", "SIGALRM") if hasattr(signal, name))


class _State:
    in_readline = False                         # inside rl_callback_read_char
    held: list[tuple[Any, int]] = []            # handlers held back meanwhile
    editing = False                             # readline's line handler is installed
    wake: tuple[int, int] | None = None         # the wake-up pipe (read end, write end)
    ctrl_c: _CtrlC | None = None                # the running session's Ctrl-C policy
    cooked: bytes = b""                         # typed so far, without readline


# -- Ctrl-C over a whole command ------------------------------------------------------------

class _CtrlC:
    """The first Ctrl-C raises KeyboardInterrupt; later ones, and any once the command has
    begun to wind up (`ignore_ctrl_c`), are ignored, so storing the answers and printing the
    summary are not cut short by another press."""

    def __init__(self) -> None:
        self.seen = False
        self.ignoring = False

    def __call__(self, signum: int, frame: Any) -> None:
        if self.seen or self.ignoring:
            return
        self.seen = True
        raise KeyboardInterrupt


@contextlib.contextmanager
def interactive() -> Iterator[None]:
    """Run an interactive command: Ctrl-C ends it once (see `_CtrlC`), and the terminal's
    modes are restored on the way out."""
    saved = _tty_modes()
    policy = _CtrlC()
    old = None
    if threading.current_thread() is threading.main_thread():
        old = signal.signal(signal.SIGINT, policy)
        _State.ctrl_c = policy
    try:
        yield
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)
            _State.ctrl_c = None
        if saved is not None:
            import termios

            with contextlib.suppress(OSError, termios.error):
                termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, saved)


def rearm_ctrl_c() -> None:
    """The next Ctrl-C raises KeyboardInterrupt again (after a press that was answered
    with a question, e.g. the exam's "hand in now?")."""
    if _State.ctrl_c is not None and not _State.ctrl_c.ignoring:
        _State.ctrl_c.seen = False


def ignore_ctrl_c() -> None:
    """From now until the interactive command ends, Ctrl-C does nothing: the command is
    storing the answers and printing its summary, which a press must not cut short."""
    if _State.ctrl_c is not None:
        _State.ctrl_c.ignoring = True


def _tty_modes() -> Any:
    try:
        import termios

        return termios.tcgetattr(sys.stdin.fileno()) if sys.stdin.isatty() else None
    except (ImportError, OSError, ValueError, AttributeError):
        return None


# -- reading a line --------------------------------------------------------------------------

def read_line(prompt: str) -> str:
    """Show `prompt` and read one line from the terminal (without its newline).
    Raises EOFError on Ctrl-D, KeyboardInterrupt on Ctrl-C, and whatever a signal handler
    raises (the exam's TimeUp), as soon as the signal arrives."""
    if _State.ctrl_c is not None and _State.ctrl_c.seen:
        raise KeyboardInterrupt  # a Ctrl-C was swallowed on the way: honour it now
    if os.name != "posix" or threading.current_thread() is not threading.main_thread():
        return input(prompt)
    sys.stdout.flush()
    sys.stderr.flush()
    rl = _readline() if sys.stdout.isatty() else None
    with _keeping_input(sys.stdin.fileno()), _waking() as wake:
        if rl is None:
            return _read_cooked(prompt, wake)
        return rl.read(prompt, wake)


def typed_so_far() -> str:
    """What has been typed on the line being read and not yet entered ("" if none): the
    exam keeps it as the answer when the time runs out mid-line."""
    if _State.editing:
        rl = _readline()
        if rl is not None:
            try:
                return str(rl.readline.get_line_buffer())
            except Exception:  # readline in an odd state: nothing to keep
                return ""
    return _decode(_State.cooked)


def redraw(prompt: str) -> None:
    """Show the prompt and what was typed so far again, after something was printed over
    the line being typed (the exam's timer)."""
    rl = _readline() if sys.stdout.isatty() else None
    if rl is not None:
        if _State.editing:
            rl.redraw()
        return
    sys.stdout.write(prompt)  # the terminal holds the typed text; it is not shown again
    sys.stdout.flush()


@contextlib.contextmanager
def _keeping_input(fd: int) -> Iterator[None]:
    """While a line is read, Ctrl-C does not make the terminal throw away the keys typed and
    not yet read (NOFLSH): readline, told that a key is waiting, would otherwise block reading
    it, Ctrl-C unanswered, until the next key. When a signal ends the line, those keys are
    thrown away afterwards, as Ctrl-C would have done (they must not reach the shell)."""
    import termios

    try:
        before = termios.tcgetattr(fd)
    except termios.error:
        yield
        return
    keep = list(before)
    keep[3] |= termios.NOFLSH  # lflag
    termios.tcsetattr(fd, termios.TCSANOW, keep)
    read = False
    try:
        yield
        read = True
    finally:
        with contextlib.suppress(termios.error):
            if not read:
                termios.tcflush(fd, termios.TCIFLUSH)
            termios.tcsetattr(fd, termios.TCSANOW, before)


@contextlib.contextmanager
def _waking() -> Iterator[int]:
    """The read end of a pipe that the signal module writes to whenever a signal arrives
    (so a wait on it cannot miss one), with the Python handlers of _HELD wrapped so that they
    are held back while readline runs."""
    if _State.wake is None:
        r, w = os.pipe()
        os.set_blocking(r, False)
        os.set_blocking(w, False)
        _State.wake = (r, w)
    r, w = _State.wake
    _drain(r)
    old_fd = signal.set_wakeup_fd(w, warn_on_full_buffer=False)
    wrapped: dict[int, Any] = {}
    try:
        for signum in _HELD:
            handler = signal.getsignal(signum)
            if callable(handler):
                signal.signal(signum, _holding(handler))
                wrapped[signum] = handler
        yield r
    finally:
        for signum, handler in wrapped.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(old_fd)


def _holding(handler: Callable[[int, Any], Any]) -> Callable[[int, Any], Any]:
    def run(signum: int, frame: Any) -> Any:
        if _State.in_readline:
            _State.held.append((handler, signum))
            return None
        return handler(signum, frame)

    return run


def _run_held() -> None:
    """Run the handlers held back while readline ran; the first exception is raised once all
    have run (so the exam's timer re-arms even when Ctrl-C came at the same time)."""
    held, _State.held = _State.held, []
    first: BaseException | None = None
    for handler, signum in held:
        try:
            handler(signum, None)
        except BaseException as exc:  # raised below, after the others have run
            first = first or exc
    if first is not None:
        raise first


def _drain(fd: int) -> None:
    with contextlib.suppress(BlockingIOError, InterruptedError):
        while os.read(fd, 512):
            pass


def _wait(fd: int, wake: int) -> bool:
    """Block until `fd` has input (True) or a signal arrived (False). A signal's handler
    runs inside the select() or on return from here, so KeyboardInterrupt comes from here."""
    import select

    ready, _, _ = select.select([fd, wake], [], [])
    if wake in ready:
        _drain(wake)
    return fd in ready


def _read_cooked(prompt: str, wake: int) -> str:
    """The terminal's own line editing: the kernel hands over whole lines."""
    sys.stdout.write(prompt)
    sys.stdout.flush()
    fd = sys.stdin.fileno()
    got = _State.cooked = b""
    while not got.endswith(b"\n"):
        if not _wait(fd, wake):
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the terminal went away: as at the end of input
            chunk = b""
        if not chunk:  # Ctrl-D
            if not got:
                raise EOFError
            break
        got += chunk
        _State.cooked = got
    _State.cooked = b""
    return _decode(got.rstrip(b"\n"))


def _decode(raw: bytes) -> str:
    return raw.decode(sys.stdin.encoding or "utf-8", "replace")


# -- GNU readline through its callback interface ---------------------------------------------

_LOADED: list[Any] = []  # [] not tried yet, [None] unavailable, [_Readline] ready


def _readline() -> _Readline | None:
    if not _LOADED:
        try:
            _LOADED.append(_Readline())
        except (ImportError, OSError, AttributeError, ValueError):
            _LOADED.append(None)
    return _LOADED[0]


class _Readline:
    def __init__(self) -> None:
        import ctypes
        import readline

        if "GNU readline" not in (readline.__doc__ or ""):
            raise ImportError("not GNU readline (libedit)")
        lib = ctypes.CDLL(readline.__file__)  # its symbols and libreadline's
        self.readline, self.lib = readline, lib
        self.libc = ctypes.CDLL(None)
        self.libc.free.argtypes = [ctypes.c_void_p]
        self.libc.free.restype = None
        handler_type = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
        lib.rl_callback_handler_install.argtypes = [ctypes.c_char_p, handler_type]
        lib.rl_callback_handler_install.restype = None
        for name in ("rl_callback_read_char", "rl_callback_handler_remove",
                     "rl_free_line_state", "rl_cleanup_after_signal", "rl_resize_terminal",
                     "rl_reset_screen_size"):
            getattr(lib, name).argtypes = []
            getattr(lib, name).restype = None
        self.sigcleanup = getattr(lib, "rl_callback_sigcleanup", None)  # readline >= 7
        if self.sigcleanup is not None:
            self.sigcleanup.argtypes, self.sigcleanup.restype = [], None
        # Python's own handlers see the signals, as with input() (readline's would only
        # pass them on later)
        ctypes.c_int.in_dll(lib, "rl_catch_signals").value = 0
        self.ctypes = ctypes
        self.on_line = handler_type(self._on_line)  # kept alive as long as readline may call it
        self.line: bytes | None = None
        self.done = False
        self.cols = 0  # the width readline was last told about

    def _on_line(self, ptr: int | None) -> None:
        """readline's line handler: Enter (the line) or Ctrl-D on an empty line (None)."""
        self.line = None if not ptr else self.ctypes.string_at(ptr)
        if ptr:
            self.libc.free(ptr)
        self.done = True
        self.lib.rl_callback_handler_remove()  # else readline shows the prompt again
        _State.editing = False

    def read(self, prompt: str, wake: int) -> str:
        fd = sys.stdin.fileno()
        self.line, self.done = None, False
        encoded = prompt.encode(sys.stdout.encoding or "utf-8", "replace")
        self.cols = self._columns()
        self.lib.rl_reset_screen_size()  # the window may have changed since the last line
        _State.editing = True
        try:
            self.lib.rl_callback_handler_install(encoded, self.on_line)
            while not self.done:
                if _wait(fd, wake):
                    self._resize()
                    self._key()
        finally:
            if _State.editing:  # a signal ended the line: put readline and the tty back
                self._abandon()
        if self.line is None:
            raise EOFError
        text = _decode(self.line)
        self._remember(text)
        return text

    def _key(self) -> None:
        _State.in_readline = True
        try:
            self.lib.rl_callback_read_char()
        finally:
            _State.in_readline = False
            _run_held()

    def _abandon(self) -> None:
        """What CPython does when a signal ends input(): drop the line, tidy the screen,
        give the terminal back its modes. Runs to the end even if another signal's handler
        raises meanwhile (that exception is dropped: one is already on its way)."""
        steps = [self.lib.rl_free_line_state, self.sigcleanup,
                 self.lib.rl_cleanup_after_signal, self.lib.rl_callback_handler_remove]
        for step in steps:
            while step is not None:
                try:
                    step()
                    break
                except BaseException:  # another signal's handler: try the step again
                    continue
        _State.editing = False

    def _resize(self) -> None:
        """Tell readline the window was resized while a line is typed, before the next key
        is shown (CPython's loop does it on SIGWINCH, which does not reach this loop)."""
        cols = self._columns()
        if cols != self.cols:
            self.cols = cols
            self.lib.rl_resize_terminal()

    @staticmethod
    def _columns() -> int:
        try:
            return os.get_terminal_size(sys.stdout.fileno()).columns
        except OSError:
            return 0

    def _remember(self, text: str) -> None:
        if not text:
            return
        n = self.readline.get_current_history_length()
        if n == 0 or self.readline.get_history_item(n) != text:
            self.readline.add_history(text)

    def redraw(self) -> None:
        self.lib.rl_on_new_line()
        self.lib.rl_forced_update_display()
