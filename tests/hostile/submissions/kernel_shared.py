"""Everything else one student's child could share with another's, or with the grader: abstract
unix sockets, keyrings, the environment, open file descriptors, files in its folders, the
hostname, and signals to processes outside. Results: "ok", a value, or an errno name."""

import ctypes
import errno
import os
import platform
import signal
import socket

_libc = ctypes.CDLL(None, use_errno=True)
_KEEP = []  # sockets that must stay open after the call returns
# (add_key, keyctl) syscall numbers
_NR = {"x86_64": (248, 250), "aarch64": (217, 219)}.get(platform.machine(), (248, 250))
RINGS = {"session": -3, "user": -4, "user-session": -5}
KEYCTL_SEARCH, KEYCTL_READ = 10, 11


def _oserr(e):
    return errno.errorcode.get(e.errno or 0, type(e).__name__)


def _err():
    e = ctypes.get_errno()
    return errno.errorcode.get(e, str(e))


# ---------------------------------------------------------------- sockets


def listen(name):
    """Listens on the abstract unix socket `name` (kept open: a classmate may connect later)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind("\0" + name)
        s.listen(8)
    except OSError as e:
        s.close()
        return _oserr(e)
    _KEEP.append(s)
    return "listening"


def connect(names):
    out = {}
    for name in names:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(1)
        try:
            s.connect("\0" + name)
            out[name] = "connected"
        except OSError as e:
            out[name] = _oserr(e)
        finally:
            s.close()
    return out


# ---------------------------------------------------------------- keyrings


def _syscall(nr, *args):
    _libc.syscall.restype = ctypes.c_long
    return _libc.syscall(ctypes.c_long(nr), *args)


def key_publish(desc, secret):
    """A "user" key named `desc` holding `secret` in the session, user and user-session
    keyrings."""
    out = {}
    data = secret.encode()
    for ring, ring_id in RINGS.items():
        key = _syscall(_NR[0], b"user", desc.encode(), data, ctypes.c_size_t(len(data)),
                       ctypes.c_long(ring_id))
        out[ring] = _err() if key < 0 else "ok"
    return out


def key_read(desc):
    out = {}
    for ring, ring_id in RINGS.items():
        key = _syscall(_NR[1], ctypes.c_long(KEYCTL_SEARCH), ctypes.c_long(ring_id), b"user",
                       desc.encode(), ctypes.c_long(0))
        if key < 0:
            out[ring] = _err()
            continue
        buf = ctypes.create_string_buffer(4096)
        n = _syscall(_NR[1], ctypes.c_long(KEYCTL_READ), ctypes.c_long(key), buf,
                     ctypes.c_size_t(len(buf)))
        out[ring] = _err() if n < 0 else buf.raw[:n].decode(errors="replace")
    return out


# ---------------------------------------------------------------- environment and fds


def env_set(name, value):
    os.environ[name] = value
    os.putenv(name, value)
    return "ok"


def environment():
    return dict(os.environ)


def fds():
    """Every descriptor open in this process (fd: what it points to)."""
    listed = [int(fd) for fd in os.listdir("/proc/self/fd")]
    out = {}
    for fd in listed:
        try:
            os.fstat(fd)  # the listing's own descriptor is closed by now
        except OSError:
            continue
        try:
            out[str(fd)] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError as e:
            out[str(fd)] = _oserr(e)
    return out


# ---------------------------------------------------------------- files


def drop_files(secret, name):
    """Leaves `secret` in its working, home and temporary folders (and the machine's); returns
    the real paths it wrote."""
    paths = []
    for folder in {os.getcwd(), os.environ.get("HOME", "."), os.environ.get("TMPDIR", "."),
                   "/tmp", "/var/tmp", "/dev/shm"}:
        path = os.path.join(folder, name)
        try:
            with open(path, "w") as f:
                f.write(secret)
            paths.append(os.path.realpath(path))
        except OSError:
            pass
    return paths


def find_files(name):
    """What a classmate finds called `name` beside its own folder, in its home and in the
    machine's temporary folders (three levels down): {path: content or errno}."""
    found = {}
    for start in {os.path.dirname(os.getcwd()), os.environ.get("HOME", "."), "/tmp",
                  "/var/tmp", "/dev/shm"}:
        for root, dirs, files in os.walk(start):
            if root.count(os.sep) - start.count(os.sep) >= 3:
                dirs[:] = []
            if name in files:
                path = os.path.join(root, name)
                try:
                    with open(path) as f:
                        found[path] = f.read()
                except OSError as e:
                    found[path] = _oserr(e)
    return found


# ---------------------------------------------------------------- hostname and signals


def set_hostname(name):
    try:
        socket.sethostname(name)
    except OSError as e:
        return _oserr(e)
    return "ok"


def hostname():
    return socket.gethostname()


def signal_everyone(targets, marker):
    """SIGKILL to the pids given (processes outside: the grader, a bystander, by their real
    pids) and to every process in sight whose command line holds a classmate's `marker`.
    Returns the ones that were killed, and the pids it could signal at all."""
    mine = os.getpid()
    reachable = []
    killed = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == mine:
            continue
        try:
            os.kill(int(entry), 0)
            reachable.append(int(entry))
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if marker.encode() in f.read():
                    targets = [*targets, int(entry)]
        except OSError:
            pass
    for pid in targets:
        try:
            os.kill(pid, signal.SIGKILL)
            killed[str(pid)] = "ok"
        except OSError:
            pass
    return {"reachable": reachable, "killed": killed}


def honest(x):
    return x + 1
