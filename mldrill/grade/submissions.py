"""What a student handed in: finding it in a class folder and reading it, safely.

A submission is read by the grading user, who can read much more than the student: a
classmate's file, the reference solution, private files. So nothing a student handed in is
ever followed: a symbolic link (as the file, as a folder on the way to it, anywhere in a
student's folder) makes that student not gradable, naming the link; its target is never
opened. Only regular files are read (a FIFO, a device or a socket is refused without
blocking), at most `MAX_BYTES` of them, and the bytes read are the bytes graded.

- `read_source(path, root)` opens every component below `root` with O_NOFOLLOW, one
  directory descriptor at a time, and refuses what is not a plain regular file.
- `find_students(folder, ...)` lists a class folder without following links: a `.py` file, a
  notebook (`.ipynb`) or an archive (`.zip`, `.tar.gz`, ...) is a student, a sub-folder is
  a student whose `.py` file is chosen by name (else its notebook or archive, `intake`).
  Every entry that could be a student becomes one (a link or a special file: a
  not-gradable row, never dropped), and two entries that would share an id are refused
  before any grading.
- `find_submission(folder, ...)` is the same for one student's folder (Gradescope's layout).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Protocol

from mldrill.errors import MldrillError, UsageError
from mldrill.grade.intake import handin_stem, other_pick
from mldrill.text import clean_line

MAX_BYTES = 1 << 20           # a submission or answer file larger than this is refused
MAX_ENTRIES = 10_000          # entries looked at in one student's folder
MAX_DEPTH = 16                # folders within folders in one student's folder

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = (os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))


class NotGradable(MldrillError):
    """What was handed in cannot be read as a submission (the student's to fix)."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Student:
    id: str                  # shown, in the gradebook and the report's name (clean text)
    path: Path | None        # the file to grade (None: nothing to grade)
    problem: str = ""        # why there is nothing to grade
    entry: str = ""          # the entry of the class folder it comes from, as shown


# --------------------------------------------------------------------------- reading

def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words (None: a regular file)."""
    if stat.S_ISREG(mode):
        return None
    for test, word in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"),
                       (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")):
        if test(mode):
            return word
    return "not a regular file"


def _refusal(shown: str, kind: str) -> NotGradable:
    if kind == "a symbolic link":
        return NotGradable(f"{shown} is a symbolic link: submit the file itself")
    return NotGradable(f"{shown} is {kind}, not a file: submit the file itself")


def _components(path: Path, root: Path) -> list[str]:
    try:
        rel = PurePath(path).relative_to(root)
    except ValueError:
        raise ValueError(f"{path} is not inside {root}") from None
    parts = list(rel.parts)
    if not parts or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"{path} does not name a file inside {root}")
    return parts


def read_source(path: Path, root: Path | None = None, *, limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file `path`, read without following a symbolic link in any
    component below `root` (default: the file's own folder; `root` itself is the
    instructor's and may be a link). Raises NotGradable, with a message naming the path
    relative to `root`, for a link, anything that is not a regular file, a file with other
    hard links, a file larger than `limit`, or one that cannot be read."""
    path = Path(path)
    root = Path(root) if root is not None else path.parent
    parts = _components(path, root)
    shown = clean_line("/".join(parts))
    try:
        fd = _open_root(root)
    except OSError as exc:
        raise NotGradable(f"cannot open the folder of {shown}: {exc.strerror}") from None
    try:
        for i, name in enumerate(parts):
            here = clean_line("/".join(parts[: i + 1]))
            last = i == len(parts) - 1
            try:
                before = os.stat(name, dir_fd=fd, follow_symlinks=False)
            except OSError as exc:
                raise _os_refusal(here, exc) from None
            kind = _kind(before.st_mode)
            if last and kind is not None:
                raise _refusal(here, kind)
            if not last and not stat.S_ISDIR(before.st_mode):
                raise _refusal(here, kind) if kind == "a symbolic link" else \
                    NotGradable(f"{here} is not a folder")
            try:
                nxt = os.open(name, _FILE_FLAGS if last else _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                raise _os_refusal(here, exc) from None
            os.close(fd)
            fd = nxt
            now = os.fstat(fd)
            if (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
                raise NotGradable(f"{here} changed while it was being read: grade it again")
            if last:
                return _read_regular(fd, now, here, limit)
        raise AssertionError("unreachable")  # pragma: no cover
    finally:
        os.close(fd)


def _os_refusal(shown: str, exc: OSError) -> NotGradable:
    if exc.errno in (errno.ELOOP, errno.EMLINK):
        return _refusal(shown, "a symbolic link")
    if exc.errno == errno.ENOENT:
        return NotGradable(f"{shown} does not exist")
    if exc.errno == errno.ENOTDIR:
        return NotGradable(f"{shown} is not a folder")
    return NotGradable(f"cannot read {shown}: {exc.strerror or exc}")


def _read_regular(fd: int, st: os.stat_result, shown: str, limit: int) -> bytes:
    kind = _kind(st.st_mode)
    if kind is not None:
        raise _refusal(shown, kind)
    if st.st_nlink > 1:
        raise NotGradable(f"{shown} has other hard links to it: submit a copy of the file "
                          "itself")
    if st.st_size > limit:
        raise _too_large(shown, limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        try:
            chunk = os.read(fd, min(1 << 16, limit + 1 - size))
        except OSError as exc:
            raise NotGradable(f"cannot read {shown}: {exc.strerror or exc}") from None
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise _too_large(shown, limit)
    return b"".join(chunks)


def _too_large(shown: str, limit: int) -> NotGradable:
    return NotGradable(f"{shown} is larger than {limit // 1024} KiB, the most a submission "
                       "may be: submit only your code")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- finding

def student_id(name: str) -> str:
    """The id shown for a folder entry's name: clean, one line, in Unicode's NFC form."""
    return unicodedata.normalize("NFC", clean_line(name))


def collision_key(sid: str) -> str:
    """Ids equal under this key name the same student (case, width and Unicode variants)."""
    return unicodedata.normalize("NFKC", sid).casefold()


class _Named(Protocol):
    @property
    def name(self) -> str: ...


def _names(assignments: Sequence[_Named], only: str | None) -> list[str]:
    return [a.name for a in assignments if only is None or a.name == only]


def find_students(folder: Path, assignments: Sequence[_Named],
                  only: str | None = None) -> list[Student]:
    """The students of a class folder, sorted by entry name. A `.py`, `.ipynb` or archive
    file directly in `folder` is a student (id: the name without its suffix, `handin_stem`);
    a sub-folder is a student (id:
    its name) whose `.py` file is graded: the one named after the assignment, else the only
    one. Entries starting with '.' are skipped. Raises UsageError, naming the entries, when
    two of them would be graded as the same student."""
    names = _names(assignments, only)
    students: list[Student] = []
    with os.scandir(folder) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        shown = clean_line(entry.name)
        if entry.is_symlink():
            if (stem := handin_stem(entry.name)) is not None:
                students.append(Student(student_id(stem), None,
                                        _refusal(shown, "a symbolic link").message, shown))
            else:  # a folder, or anything: never followed to find out, never dropped
                students.append(Student(student_id(entry.name), None, link_message(shown),
                                        shown))
        elif entry.is_dir(follow_symlinks=False):
            students.append(_folder_student(folder, entry.name, names, student_id(entry.name),
                                            shown + "/"))
        elif (stem := handin_stem(entry.name)) is not None:
            sid = student_id(stem)
            kind = _kind(entry.stat(follow_symlinks=False).st_mode)
            if kind is None:
                students.append(Student(sid, Path(folder) / entry.name, "", shown))
            else:
                students.append(Student(sid, None, _refusal(shown, kind).message, shown))
    refuse_collisions((s.id, s.entry) for s in students)
    return students


def link_message(shown: str) -> str:
    """Why a linked entry of a class folder (not a .py file) is not gradable."""
    return f"{shown} is a symbolic link: submit the folder or file itself, not a link"


def find_submission(folder: Path, assignments: Sequence[_Named],
                    only: str | None = None) -> Student:
    """One student's folder (Gradescope's /autograder/submission): its `.py` file, chosen
    as in a class folder's sub-folder, every path below `folder` checked the same way."""
    folder = Path(folder)
    return _folder_student(folder, None, _names(assignments, only), student_id(folder.name),
                           clean_line(folder.name) + "/")


def _folder_student(parent: Path, name: str | None, names: list[str], sid: str,
                    shown: str) -> Student:
    """The student whose folder is `parent/name` (or `parent` itself when name is None)."""
    root = Path(parent) / name if name is not None else Path(parent)
    prefix = f"{clean_line(name)}/" if name is not None else ""
    try:
        found = _walk(parent, name)
    except NotGradable as exc:
        return Student(sid, None, exc.message, shown)
    except OSError as exc:
        return Student(sid, None, f"cannot read the folder {shown}: {exc.strerror or exc}",
                       shown)
    if found.links:
        link = prefix + found.links[0]
        more = f" (and {len(found.links) - 1} more)" if len(found.links) > 1 else ""
        return Student(sid, None, f"{link} is a symbolic link{more}: submit the files "
                                  "themselves, not links", shown)
    if found.special:
        path, kind = found.special[0]
        return Student(sid, None, _refusal(prefix + path, kind).message, shown)
    files = sorted(found.files)
    named = [f for f in files if PurePath(f).stem in names]
    pick = named[0] if len(named) == 1 else files[0] if len(files) == 1 else None
    if pick is None and found.others:
        pick, problem = other_pick(files, found.others, names)
        if pick is None:
            return Student(sid, None, problem, shown)
    if pick is not None:
        return Student(sid, root.joinpath(*pick.split("/")), "", shown)
    if not files:
        return Student(sid, None, "no .py file in the folder", shown)
    return Student(sid, None, f"{len(files)} .py files and none named "
                              f"{' or '.join(n + '.py' for n in names)}", shown)


@dataclass
class _Found:
    files: list[str]                      # relative paths of regular .py files
    links: list[str]                      # relative paths of symbolic links
    special: list[tuple[str, str]]        # (relative path, kind) of special .py files
    others: list[str] = field(default_factory=list)  # notebooks and archives


def _walk(parent: Path, name: str | None) -> _Found:
    """Every non-hidden entry of a student's folder, listed through directory descriptors
    opened with O_NOFOLLOW: a link is recorded, never entered."""
    found = _Found([], [], [])
    count = 0
    top = _open_root(parent) if name is None else _open_dir(_open_root(parent), name,
                                                            clean_line(name), close=True)
    stack: list[tuple[int, str, int]] = [(top, "", 0)]
    try:
        while stack:
            fd, rel, depth = stack.pop()
            try:
                with os.scandir(fd) as it:
                    entries = sorted(it, key=lambda e: e.name)
                for e in entries:
                    if e.name.startswith("."):
                        continue
                    count += 1
                    if count > MAX_ENTRIES:
                        raise NotGradable(f"more than {MAX_ENTRIES} files in the folder: "
                                          "submit only your code")
                    path = f"{rel}{e.name}"
                    if e.is_symlink():
                        found.links.append(clean_line(path))
                    elif e.is_dir(follow_symlinks=False):
                        if depth + 1 > MAX_DEPTH:
                            raise NotGradable(f"folders nested more than {MAX_DEPTH} deep: "
                                              "submit only your code")
                        stack.append((_open_dir(fd, e.name, clean_line(path)), path + "/",
                                      depth + 1))
                    elif handin_stem(e.name) is not None:
                        kind = _kind(e.stat(follow_symlinks=False).st_mode)
                        if kind is not None:
                            found.special.append((clean_line(path), kind))
                        elif e.name.endswith(".py"):
                            found.files.append(path)
                        else:
                            found.others.append(path)
            finally:
                os.close(fd)
    finally:
        for fd, _, _ in stack:
            os.close(fd)
    return found


def _open_root(folder: Path) -> int:
    """The instructor's folder (it may itself be a link)."""
    return os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
                   | getattr(os, "O_CLOEXEC", 0))


def _open_dir(fd: int, name: str, shown: str, *, close: bool = False) -> int:
    """The folder `name` inside the folder `fd`, never through a link."""
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=fd)
    except OSError as exc:
        raise _os_refusal(shown, exc) from None
    finally:
        if close:
            os.close(fd)


def refuse_collisions(entries: Iterable[tuple[str, str]]) -> None:
    """(id, entry as shown) of each student of a batch. Two entries graded as one student
    would share a gradebook row, so one grade would replace the other: raise UsageError,
    naming every such pair, before anything is graded."""
    seen: dict[str, tuple[str, str]] = {}
    clashes: list[str] = []
    for sid, entry in entries:
        key = collision_key(sid)
        if key in seen:
            first_id, first_entry = seen[key]
            same = "the same student" if first_id == sid else \
                f"students '{first_id}' and '{sid}', which look alike"
            clashes.append(f"'{first_entry}' and '{entry}' would be graded as {same}")
        else:
            seen[key] = (sid, entry)
    if clashes:
        raise UsageError("; ".join(clashes) + ". Rename or remove one of each pair so every "
                         "student has one entry, then grade again (nothing was graded)")
