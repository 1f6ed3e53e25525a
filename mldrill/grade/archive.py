"""A zipped (or tarred) assignment folder, read in memory: nothing is extracted to disk.

The archive's bytes arrive already read safely (`submissions.read_source`, at most
`ARCHIVE_BYTES`). Its members are checked against an allow-list before anything is read:
only regular files and folders with safe relative names are accepted, and anything else
makes the whole archive not gradable, the refusal naming the member:
- a name that is absolute (`/x`, `C:x`), climbs out (`..`), or holds a NUL or another
  control character (`\\` counts as a separator, as Windows tools write it; `.` and empty
  parts are dropped, so `tar czf s.tgz .` gives `./cs231n/layers.py` = `cs231n/layers.py`);
- a symbolic or hard link, a device, a FIFO, a sparse file, anything not a file or folder;
- two members whose names are equal once case and Unicode are normalised (a file and a
  folder of the same name too);
- an encrypted member, or one compressed by a method that cannot be read;
- more than `MAX_MEMBERS` members; a zip whose central directory is over `CENTRAL_BYTES`;
  members declaring more than `EXPANDED_BYTES` in all (a zip bomb), or a tar stream that
  decompresses to more than that (counted while decompressing, headers not trusted).
A member is read only when it is graded: the bytes are counted as they are decompressed,
against the caller's limit and a compression ratio (`MAX_RATIO` beyond 1 MiB); a member
whose data disagrees with its header (size, CRC) is refused. Archives inside the archive
are never opened.
"""

from __future__ import annotations

import bz2
import io
import lzma
import stat
import struct
import tarfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from mldrill.grade.submissions import NotGradable
from mldrill.text import clean_line

ARCHIVE_BYTES = 64 << 20      # an archive file larger than this is refused
EXPANDED_BYTES = 128 << 20    # what all its members may add up to, decompressed
CENTRAL_BYTES = 8 << 20       # a zip's central directory (the list of members)
MAX_MEMBERS = 10_000
MAX_RATIO = 200               # decompressed / compressed, for a member over 1 MiB
Kind = Literal["zip", "tar"]
SUFFIXES: dict[str, Kind] = {".zip": "zip", ".tar": "tar", ".tar.gz": "tar", ".tgz": "tar",
                             ".tar.bz2": "tar", ".tbz2": "tar", ".tbz": "tar",
                             ".tar.xz": "tar", ".txz": "tar"}


def archive_kind(name: str) -> Kind | None:
    """'zip' or 'tar' for a file name with an archive's suffix, else None."""
    low = name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if low.endswith(suffix) and len(low) > len(suffix):
            return SUFFIXES[suffix]
    return None


def archive_stem(name: str) -> str:
    """The name without its archive suffix (`alice.tar.gz` -> `alice`)."""
    low = name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if low.endswith(suffix):
            return name[: len(name) - len(suffix)]
    return name


@dataclass(frozen=True)
class Member:
    """A regular file of the archive, under its checked relative name."""

    name: str
    size: int          # as its header declares (the read counts the real bytes)


class Refused(NotGradable):
    """The archive carries something hostile or unreadable (the message names it)."""


@dataclass
class Archive:
    """The checked members of an archive, and how to read one of them."""

    shown: str
    members: tuple[Member, ...]
    _read: Callable[[str, int], bytes]

    def read(self, member: Member, limit: int) -> bytes:
        """The bytes of `member`, at most `limit` of them (NotGradable beyond)."""
        return self._read(member.name, limit)


# ------------------------------------------------------------------------------ names

def safe_name(raw: str) -> tuple[str, bool]:
    """(the member's relative name, is it a folder); ValueError saying what is wrong."""
    if "\x00" in raw:
        raise ValueError("has a NUL byte in its name")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        raise ValueError("has a control character in its name")
    if any("\ud800" <= ch <= "\udfff" for ch in raw):
        raise ValueError("has a name that is not valid text")
    name = raw.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ValueError("has an absolute path")
    folder = name.endswith("/")
    parts = [p for p in name.split("/") if p not in ("", ".")]  # `./a//b` is `a/b`
    if ".." in parts:
        raise ValueError("points outside the archive (a '..' in its path)")
    if len(name) > 1024 or len(parts) > 32:
        raise ValueError("has a path too long or too deep")
    return "/".join(parts), folder or not parts


def _refuse(shown: str, member: str, why: str) -> Refused:
    return Refused(f"{shown}: the member '{clean_line(member)[:200]}' {why}: the archive "
                   "was refused (nothing in it was graded)")


class _Names:
    """Names seen so far, compared with case and Unicode normalised."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.files: dict[str, str] = {}
        self.folders: dict[str, str] = {}

    def add(self, name: str, folder: bool, raw: str) -> None:
        key = unicodedata.normalize("NFKC", name).casefold()
        parents = key.split("/")[:-1]
        for i in range(1, len(parents) + 1):
            above = "/".join(parents[:i])
            if above in self.files:
                raise _refuse(self.shown, raw, f"is inside '{self.files[above]}', which is "
                                               "also a file")
            self.folders.setdefault(above, name)
        if folder:
            if key in self.files:
                raise _refuse(self.shown, raw, f"is a folder and also a file "
                                               f"('{self.files[key]}')")
            self.folders.setdefault(key, name)
            return
        other = self.files.get(key) or self.folders.get(key)
        if other is not None:
            same = "appears twice" if other == name else f"clashes with '{clean_line(other)}'"
            raise _refuse(self.shown, raw, f"{same} (names equal up to case or Unicode form)")
        self.files[key] = name


# -------------------------------------------------------------------------------- zip

def open_archive(data: bytes, kind: Kind, shown: str) -> Archive:
    """The checked members of the archive whose bytes are `data`; NotGradable (a
    `Refused`) naming the first member refused, or saying why it cannot be read."""
    return _open_zip(data, shown) if kind == "zip" else _open_tar(data, shown)


def _central_directory(data: bytes, shown: str) -> None:
    """Refuse, before zipfile parses it, a central directory too large or listing too many
    members (zipfile would hold every entry in memory)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - (1 << 16) - 22))
    if at < 0 or len(data) - at < 22:
        raise NotGradable(f"{shown} is not a zip archive (or it is damaged)")
    _, _, _, _, total, size, _, _ = struct.unpack("<4s4H2LH", data[at:at + 22])
    if total == 0xFFFF or size == 0xFFFFFFFF:  # zip64: the real counts are further up
        loc = data.rfind(b"PK\x06\x06", 0, at)
        if loc >= 0 and len(data) - loc >= 56:
            total, size = struct.unpack("<QQ", data[loc + 32:loc + 48])
    if total > MAX_MEMBERS:
        raise Refused(f"{shown} has more than {MAX_MEMBERS} members: submit only your code")
    if size > CENTRAL_BYTES:
        raise Refused(f"{shown} lists more than {CENTRAL_BYTES >> 20} MiB of member names: "
                      "submit only your code")


def _open_zip(data: bytes, shown: str) -> Archive:
    _central_directory(data, shown)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError) as exc:
        raise NotGradable(f"{shown} is not a zip archive (or it is damaged: "
                          f"{clean_line(str(exc))[:120]})") from None
    if len(infos) > MAX_MEMBERS:
        raise Refused(f"{shown} has more than {MAX_MEMBERS} members: submit only your code")
    names = _Names(shown)
    members: dict[str, zipfile.ZipInfo] = {}
    declared = 0
    for info in infos:
        raw = info.orig_filename
        try:
            name, folder = safe_name(raw)
        except ValueError as exc:
            raise _refuse(shown, raw, str(exc)) from None
        mode = info.external_attr >> 16  # unix mode bits, whichever tool wrote them
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
            kind = "is a symbolic link" if stat.S_ISLNK(mode) else "is not a regular file"
            raise _refuse(shown, raw, kind)
        if info.flag_bits & 0x1:
            raise _refuse(shown, raw, "is encrypted: submit it without a password")
        folder = folder or info.is_dir()
        names.add(name, folder, raw)
        if folder:
            continue
        declared += info.file_size
        if declared > EXPANDED_BYTES:
            raise Refused(f"{shown} expands to more than {EXPANDED_BYTES >> 20} MiB (a zip "
                          f"bomb?), at the member '{clean_line(raw)[:200]}': refused")
        members[name] = info

    def read(name: str, limit: int) -> bytes:
        info = members[name]
        return _read_zip(zf, info, limit, shown)

    return Archive(shown, tuple(Member(n, i.file_size) for n, i in members.items()), read)


def _read_zip(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, shown: str) -> bytes:
    raw = info.orig_filename
    if info.file_size > limit:
        raise _too_large(shown, raw, limit)
    chunks: list[bytes] = []
    size = 0
    try:
        with zf.open(info) as f:
            while chunk := f.read(1 << 16):
                size += len(chunk)
                chunks.append(chunk)
                if size > limit:
                    raise _too_large(shown, raw, limit)
                if size > (1 << 20) and size > MAX_RATIO * max(1, info.compress_size):
                    raise _refuse(shown, raw, f"expands more than {MAX_RATIO} times (a zip "
                                              "bomb?)")
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError,
            EOFError, zlib.error, lzma.LZMAError) as exc:
        raise _refuse(shown, raw, f"cannot be read ({clean_line(str(exc))[:120]})") from None
    if size != info.file_size:
        raise _refuse(shown, raw, "holds a different size than its header says")
    return b"".join(chunks)


def _too_large(shown: str, raw: str, limit: int) -> NotGradable:
    return NotGradable(f"{shown}: the member '{clean_line(raw)[:200]}' is larger than "
                       f"{limit // 1024} KiB, the most a submitted file may be")


# -------------------------------------------------------------------------------- tar

class _Decompressor(Protocol):
    @property
    def eof(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes, max_length: int = ..., /) -> bytes: ...


def _decompressor(data: bytes) -> Callable[[], _Decompressor] | None:
    if data[:2] == b"\x1f\x8b":
        return lambda: zlib.decompressobj(47)  # gzip
    if data[:3] == b"BZh":
        return bz2.BZ2Decompressor
    if data[:6] == b"\xfd7zXZ\x00":
        return lzma.LZMADecompressor
    return None


def _expand(data: bytes, shown: str) -> bytes:
    """The tar stream inside a gzip/bzip2/xz file (or `data` itself), decompressed with
    the bytes counted as they come: more than `EXPANDED_BYTES` is refused."""
    new = _decompressor(data)
    if new is None:
        return data
    out = bytearray()
    rest = data
    try:
        while rest.strip(b"\x00"):
            d = new()
            out += d.decompress(rest, EXPANDED_BYTES + 1 - len(out))
            if len(out) > EXPANDED_BYTES:
                raise Refused(f"{shown} expands to more than {EXPANDED_BYTES >> 20} MiB (a "
                              "compression bomb?): refused")
            if not d.eof:
                raise NotGradable(f"{shown} is cut short (the archive is damaged)")
            rest = d.unused_data
    except (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError) as exc:
        raise NotGradable(f"{shown} is not a readable archive ({clean_line(str(exc))[:120]})"
                          ) from None
    return bytes(out)


_TAR_KINDS = {tarfile.SYMTYPE: "is a symbolic link", tarfile.LNKTYPE: "is a hard link",
              tarfile.CHRTYPE: "is a device", tarfile.BLKTYPE: "is a device",
              tarfile.FIFOTYPE: "is a FIFO (named pipe)", tarfile.GNUTYPE_SPARSE:
              "is a sparse file"}


def _open_tar(data: bytes, shown: str) -> Archive:
    raw_tar = _expand(data, shown)
    try:
        tf = tarfile.open(fileobj=io.BytesIO(raw_tar), mode="r:")
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise NotGradable(f"{shown} is not a tar archive (or it is damaged: "
                          f"{clean_line(str(exc))[:120]})") from None
    names = _Names(shown)
    members: dict[str, tarfile.TarInfo] = {}
    count = 0
    try:
        while (info := tf.next()) is not None:
            count += 1
            if count > MAX_MEMBERS:
                raise Refused(f"{shown} has more than {MAX_MEMBERS} members: submit only "
                              "your code")
            name, folder = _check_tar_member(info, names, shown)
            if info.isreg() and not folder:
                members[name] = info
    except (tarfile.TarError, EOFError, OSError, UnicodeError) as exc:
        raise NotGradable(f"{shown} is damaged ({clean_line(str(exc))[:120]})") from None

    def read(name: str, limit: int) -> bytes:
        info = members[name]
        if info.size > limit:
            raise _too_large(shown, info.name, limit)
        f = tf.extractfile(info)
        data = f.read(limit + 1) if f is not None else b""
        if len(data) != info.size:
            raise _refuse(shown, info.name, "is cut short (the archive is damaged)")
        return data

    return Archive(shown, tuple(Member(n, i.size) for n, i in members.items()), read)


def _check_tar_member(info: tarfile.TarInfo, names: _Names, shown: str
                      ) -> tuple[str, bool]:
    raw = info.name
    try:
        name, folder = safe_name(raw)
    except ValueError as exc:
        raise _refuse(shown, raw, str(exc)) from None
    if info.type in _TAR_KINDS or info.issparse():
        why = _TAR_KINDS.get(info.type, "is a sparse file")
        if info.issym() or info.islnk():
            why += f" (to '{clean_line(info.linkname)[:200]}')"
        raise _refuse(shown, raw, why)
    if not (info.isreg() or info.isdir()):
        raise _refuse(shown, raw, "is not a regular file or folder")
    folder = folder or info.isdir()
    names.add(name, folder, raw)
    return name, folder
