"""Leaves processes behind that carry no trace of the sandbox's marker: a thread sleeping
forever, a zombie nobody reaps, and a double-forked daemon in its own session that execs
`sleep` with an empty environment. Each is named after `token` (comm or argv) so the test can
look for it after the sandbox is closed."""

import ctypes
import os
import threading
import time

_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_NAME = 15


def _name(token):
    _libc.prctl(PR_SET_NAME, token.encode()[:15], 0, 0, 0)


def linger(token):
    """Starts the three, and returns once each is in place (no race with a later look)."""
    started = []
    named = threading.Event()

    def forever():
        _name(token)
        named.set()
        time.sleep(10**6)

    threading.Thread(target=forever, daemon=True).start()
    named.wait()
    started.append("thread")
    pid = os.fork()
    if pid == 0:
        _name(token)
        os._exit(0)  # a zombie: its parent never reaps it
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # dead, and left unreaped
    started.append("zombie")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            os.close(r)
            os.set_inheritable(w, False)  # closed by a successful exec: the parent's cue
            try:
                os.execve("/bin/sleep", [token, "100000"], {})
            except OSError:  # no /bin/sleep in here: sleep in python, under the same name
                _name(token)
                os.close(w)
                time.sleep(10**6)
        os._exit(0)
    os.close(w)
    os.read(r, 1)  # EOF once the daemon has exec'd (or renamed itself)
    os.close(r)
    os.waitpid(pid, 0)
    started.append("daemon")
    return started


def honest(x):
    return x + 1


def alive(token):
    """What this child itself sees of them: thread or process names and argv holding `token`."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            for part in ("comm", "cmdline"):
                try:
                    with open(f"/proc/{pid}/task/{tid}/{part}", "rb") as f:
                        data = f.read()
                except OSError:
                    continue
                if token.encode() in data:
                    found.append(part)
                    break
    return sorted(found)
