"""Publishes answers in kernel objects that outlive a process and are named by a key anyone can
guess (SysV shared memory, semaphores and message queues, POSIX shared memory and message
queues), and reads them back as another student would. Results: "ok", the value read, or an
errno name."""

import ctypes
import ctypes.util
import errno
import os

_libc = ctypes.CDLL(None, use_errno=True)
_libc.shmat.restype = ctypes.c_void_p
_libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
_libc.shmdt.argtypes = [ctypes.c_void_p]
try:
    _rt = ctypes.CDLL(ctypes.util.find_library("rt") or "librt.so.1", use_errno=True)
except OSError:
    _rt = _libc
IPC_CREAT, IPC_NOWAIT = 0o1000, 0o4000
GETVAL, SETVAL = 12, 16
SIZE = 4096


class _Msg(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * 256)]


def _err():
    e = ctypes.get_errno()
    return errno.errorcode.get(e, str(e))


def _shm_write(key, secret):
    shmid = _libc.shmget(key, SIZE, IPC_CREAT | 0o666)
    if shmid < 0:
        return _err()
    addr = _libc.shmat(shmid, None, 0)
    if addr is None or addr == ctypes.c_void_p(-1).value:
        return _err()
    data = secret.encode() + b"\0"
    ctypes.memmove(addr, data, len(data))
    _libc.shmdt(addr)
    return "ok"


def _shm_read(key):
    shmid = _libc.shmget(key, 0, 0)
    if shmid < 0:
        return _err()
    addr = _libc.shmat(shmid, None, 0o10000)  # SHM_RDONLY
    if addr is None or addr == ctypes.c_void_p(-1).value:
        return _err()
    value = ctypes.string_at(addr).decode(errors="replace")
    _libc.shmdt(addr)
    return value


def _sem_write(key, value):
    semid = _libc.semget(key, 1, IPC_CREAT | 0o666)
    if semid < 0:
        return _err()
    if _libc.semctl(semid, 0, SETVAL, ctypes.c_int(value)) < 0:
        return _err()
    return "ok"


def _sem_read(key):
    semid = _libc.semget(key, 0, 0)
    if semid < 0:
        return _err()
    value = _libc.semctl(semid, 0, GETVAL)
    return _err() if value < 0 else value


def _msg_write(key, secret):
    msqid = _libc.msgget(key, IPC_CREAT | 0o666)
    if msqid < 0:
        return _err()
    msg = _Msg(1, secret.encode()[:255])
    if _libc.msgsnd(msqid, ctypes.byref(msg), len(secret.encode()[:255]), IPC_NOWAIT) < 0:
        return _err()
    return "ok"


def _msg_read(key):
    msqid = _libc.msgget(key, 0)
    if msqid < 0:
        return _err()
    msg = _Msg()
    n = _libc.msgrcv(msqid, ctypes.byref(msg), 255, 0, IPC_NOWAIT)
    return _err() if n < 0 else msg.mtext[:n].decode(errors="replace")


def sysv_publish(key, secret):
    """A shared memory segment, a semaphore set (value 42) and a message queue under `key`."""
    return {"shm": _shm_write(key, secret), "sem": _sem_write(key, 42),
            "msg": _msg_write(key, secret)}


def sysv_read(key):
    return {"shm": _shm_read(key), "sem": _sem_read(key), "msg": _msg_read(key)}


def _posix_shm_write(name, secret):
    try:
        import _posixshmem

        fd = _posixshmem.shm_open("/" + name, os.O_CREAT | os.O_RDWR, 0o666)
    except OSError as e:
        return errno.errorcode.get(e.errno or 0, "OSError")
    os.write(fd, secret.encode())
    os.close(fd)
    return "ok"


def _posix_shm_read(name):
    try:
        import _posixshmem

        fd = _posixshmem.shm_open("/" + name, os.O_RDONLY, 0)
    except OSError as e:
        return errno.errorcode.get(e.errno or 0, "OSError")
    data = os.read(fd, SIZE)
    os.close(fd)
    return data.decode(errors="replace")


def _file_write(path, secret):
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o666)
    except OSError as e:
        return errno.errorcode.get(e.errno or 0, "OSError")
    os.write(fd, secret.encode())
    os.close(fd)
    return "ok"


def _file_read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError as e:
        return errno.errorcode.get(e.errno or 0, "OSError")


def _mq_open(name, flags):
    _rt.mq_open.restype = ctypes.c_int
    return _rt.mq_open(("/" + name).encode(), ctypes.c_int(flags), ctypes.c_uint(0o666), None)


def _mq_write(name, secret):
    mq = _mq_open(name, os.O_CREAT | os.O_WRONLY | os.O_NONBLOCK)
    if mq < 0:
        return _err()
    data = secret.encode()
    rc = _rt.mq_send(mq, data, ctypes.c_size_t(len(data)), ctypes.c_uint(0))
    _rt.mq_close(mq)
    return _err() if rc < 0 else "ok"


def _mq_read(name):
    mq = _mq_open(name, os.O_RDONLY | os.O_NONBLOCK)
    if mq < 0:
        return _err()
    buf = ctypes.create_string_buffer(1 << 16)
    n = _rt.mq_receive(mq, buf, ctypes.c_size_t(len(buf)), None)
    _rt.mq_close(mq)
    return _err() if n < 0 else buf.raw[:n].decode(errors="replace")


def posix_publish(name, secret):
    """POSIX shared memory (shm_open, and a file in /dev/shm) and a POSIX message queue."""
    return {"shm_open": _posix_shm_write(name, secret),
            "dev_shm": _file_write(f"/dev/shm/{name}.file", secret),
            "mqueue": _mq_write(name, secret)}


def posix_read(name):
    return {"shm_open": _posix_shm_read(name), "dev_shm": _file_read(f"/dev/shm/{name}.file"),
            "mqueue": _mq_read(name)}


def honest(x):
    return x + 1
