"""Tries to leave something behind that a later run of the grader's own python would execute or
read: a .pth line or a sitecustomize.py in site-packages, a module shadowing numpy, files in the
interpreter's folders, the grader's home, its working directory, its data and temporary folders;
then tampers with files that already exist there (chmod, utime, append, truncate, rename, unlink,
hard links). Each attempt is reported as "ok" or an errno name: the test checks the disk itself."""

import errno
import os
import site
import sys
import sysconfig


def _try(fn, *args):
    try:
        fn(*args)
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno or 0, type(e).__name__)


def _create(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  # never overwrite a file
    with os.fdopen(fd, "w") as f:
        f.write(text)


def own_places():
    """Every folder this python and numpy are loaded from, as the child sees them."""
    import numpy

    np_dir = os.path.dirname(numpy.__file__)
    places = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
              os.path.dirname(sys.executable), os.path.dirname(os.path.realpath(sys.executable)),
              os.path.dirname(os.__file__), os.path.join(os.path.dirname(os.__file__),
                                                         "__pycache__"),
              np_dir, os.path.join(np_dir, "__pycache__"), np_dir + ".libs",
              os.path.join(os.path.dirname(np_dir), "numpy.libs")}
    places.update(site.getsitepackages())
    for name in ("stdlib", "platstdlib", "purelib", "platlib", "scripts", "data"):
        places.add(sysconfig.get_paths()[name])
    places.update(p for p in sys.path if p)
    return sorted(p for p in places if os.path.isdir(p))


def plant(extra, tag, hook, shared=(), own=True):
    """In every folder (and, if `own`, every folder of this python): a .pth and a sitecustomize.py running `hook`, a numpy.py shadow, a
    folder, a fifo and a symlink. In `shared` folders (the machine's /tmp) only names holding
    `tag`, so a failure of the sandbox cannot disturb anyone else."""
    done = {}
    for d in sorted(set(own_places() if own else ()) | set(extra) | set(shared)):
        if d not in shared:
            done[f"sitecustomize {d}"] = _try(_create, os.path.join(d, "sitecustomize.py"), hook)
            done[f"numpy shadow {d}"] = _try(_create, os.path.join(d, "numpy.py"), hook)
        done[f"pth {d}"] = _try(_create, os.path.join(d, f"{tag}.pth"), hook + "\n")
        done[f"file {d}"] = _try(_create, os.path.join(d, f"{tag}.txt"), "left behind\n")
        done[f"mkdir {d}"] = _try(os.mkdir, os.path.join(d, f"{tag}.d"))
        done[f"mkfifo {d}"] = _try(os.mkfifo, os.path.join(d, f"{tag}.fifo"))
        done[f"symlink {d}"] = _try(os.symlink, "/etc/passwd", os.path.join(d, f"{tag}.lnk"))
    return done


def _append(path):
    with open(path, "a") as f:
        f.write("import os  # tampered\n")


def _truncate(path):
    os.truncate(path, 0)


OPS = 7  # the test gives files in groups of seven, one for each way of tampering


def tamper(files, tag):
    """Change each existing file in one way (the i-th file the (i mod OPS)-th way): its
    metadata, its content, its name or its links."""
    ops = [("utime", lambda p: os.utime(p, (0, 0))),
           ("chmod", lambda p: os.chmod(p, 0o777)),
           ("append", _append),
           ("truncate", _truncate),
           ("rename", lambda p: os.rename(p, p + f".{tag}")),
           ("unlink", os.unlink),
           ("link", lambda p: os.link(p, p + f".{tag}.hard"))]
    done = {}
    for i, path in enumerate(files):
        name, op = ops[i % len(ops)]
        done[f"{name} {path}"] = _try(op, path)
    return done


def honest(x):
    return x + 1


def forge_report(reports, student):
    """Writes the report a batch run would reuse next time: full marks."""
    report = ('{"student": "%s", "score": 100.0, "max_score": 100.0, "outcome": "graded", '
              '"tests": []}' % student)
    return {f"report {reports}": _try(_create, os.path.join(reports, f"{student}.json"), report)}
