"""Zipped and tarred assignment folders (`mldrill grade submission.zip`): the file the
assignment names is found and graded from memory, and a corpus of hostile archives, one per
refusal, is refused naming the member, with nothing written anywhere."""

from __future__ import annotations

import io
import json
import os
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from mldrill.bank.catalog import bank_dirs
from mldrill.grade import archive
from mldrill.grade.grader import load_assignments
from mldrill.grade.handin import from_bytes
from mldrill.grade.submissions import NotGradable

STUDENTS = Path(__file__).parent / "students"
LAYERS = (STUDENTS / "layers_loops.py").read_bytes()
ASSIGNMENTS, _ = load_assignments(bank_dirs([], bundled=True))


def _nb(source: str) -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Fully-connected nets"),
                nbformat.v4.new_code_cell("%load_ext autoreload\n%autoreload 2"),
                nbformat.v4.new_code_cell(source)]
    return nbformat.writes(nb).encode()


def cs231n_files() -> dict[str, bytes]:
    """An assignment-2 folder as collect_submission zips it: notebooks at the top, the
    student's code in cs231n/ (layers.py from tests/grade/students), and macOS debris."""
    return {
        "FullyConnectedNets.ipynb": _nb("from cs231n.layers import *\nmodel.train()"),
        "BatchNormalization.ipynb": _nb("def helper():\n    return 1"),
        "Dropout.ipynb": _nb("import numpy as np"),
        "cs231n/__init__.py": b"",
        "cs231n/layers.py": LAYERS,
        "cs231n/layer_utils.py": b"from cs231n.layers import *\n",
        "cs231n/classifiers/__init__.py": b"",
        "cs231n/classifiers/fc_net.py": b"import numpy as np\n",
        "cs231n/solver.py": b"class Solver: pass\n",
        "__MACOSX/cs231n/._layers.py": b"\x00\x05\x16\x07junk",
        ".ipynb_checkpoints/layers-checkpoint.py": b"def affine_forward(x, w, b): pass\n",
    }


def make_zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def make_tar(members: list[tarfile.TarInfo | tuple[str, bytes]], mode: str = "w:gz") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:
        for m in members:
            if isinstance(m, tarfile.TarInfo):
                t.addfile(m)
            else:
                info = tarfile.TarInfo(m[0])
                info.size = len(m[1])
                t.addfile(info, io.BytesIO(m[1]))
    return buf.getvalue()


def test_cs231n_zip_grades_cs231n_layers(grade, tmp_path) -> None:
    """A real-layout CS231n zip (notebooks, cs231n/layers.py and friends, __MACOSX debris)
    is graded from cs231n/layers.py, full marks, and the report names that member."""
    sub = tmp_path / "submission.zip"
    sub.write_bytes(make_zip(cs231n_files()))
    result = grade(str(sub), "--seed", "4", "--format", "json")
    data = json.loads(result.output)
    assert result.exit_code == 0, result.output
    assert data["assignments"] == ["layers"] and data["score"] == data["max_score"] > 0
    assert data["graded"] == {"file": str(sub), "kind": "archive",
                              "member": "cs231n/layers.py", "cells": [], "left_out": [],
                              "mode": None}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["submission.zip"]


def test_tar_gz_under_a_top_folder_and_text_report(grade, tmp_path) -> None:
    """A .tar.gz of the folder itself (assignment2/cs231n/layers.py) finds the same file,
    and the text report says which member was graded."""
    files = {f"assignment2/{k}": v for k, v in cs231n_files().items()}
    sub = tmp_path / "alice.tar.gz"
    sub.write_bytes(make_tar(list(files.items())))
    out = grade(str(sub), "--seed", "4", "--assignment", "layers").output
    assert out.splitlines()[1] == f"graded: {sub}: assignment2/cs231n/layers.py"
    assert "score 46/46 (100%)" in out


def test_a_notebook_alone_in_a_zip_is_graded_as_a_notebook() -> None:
    """A zip holding only a notebook grades its definitions; the origin names the member
    and its cells."""
    body = _nb("import numpy as np\ndef relu_forward(x):\n    return np.maximum(x, 0), x")
    got = from_bytes(make_zip({"hw2/relu.ipynb": body}), "s.zip", "s.zip", ASSIGNMENTS)
    assert got.origin.member == "hw2/relu.ipynb" and got.origin.cells == (3,)
    assert got.origin.left_out == ("cell 2, line 1: %load_ext autoreload (IPython, not run)",
                                   "cell 2, line 2: %autoreload 2 (IPython, not run)")


def test_dot_slash_names_and_windows_separators_are_the_same_paths() -> None:
    """`tar czf s.tgz .` writes `./cs231n/layers.py` and Windows tools `cs231n\\layers.py`:
    both are cs231n/layers.py, and a `./` twin of a name is a duplicate."""
    root = tarfile.TarInfo(".")
    root.type = tarfile.DIRTYPE
    got = from_bytes(make_tar([root, ("./cs231n/layers.py", LAYERS)]), "s.tgz", "s.tgz",
                     ASSIGNMENTS)
    assert got.origin.member == "cs231n/layers.py" and got.source == LAYERS
    got = from_bytes(make_zip({"cs231n\\layers.py": LAYERS}), "s.zip", "s.zip", ASSIGNMENTS)
    assert got.origin.member == "cs231n/layers.py"
    with pytest.raises(NotGradable, match="the member 'a//layers.py' appears twice"):
        from_bytes(make_zip({"a/layers.py": LAYERS, "a//layers.py": LAYERS}), "s.zip",
                   "s.zip", ASSIGNMENTS)


def test_two_candidates_at_one_depth_are_ambiguous() -> None:
    """Two layers.py at the same depth (and no declared path) name both, not gradable."""
    data = make_zip({"a/layers.py": LAYERS, "b/layers.py": LAYERS})
    with pytest.raises(NotGradable) as caught:
        from_bytes(data, "s.zip", "s.zip", ASSIGNMENTS, "layers")
    assert caught.value.message == ("s.zip: 2 files could be the one graded: a/layers.py, "
                                    "b/layers.py; submit only one")


# --------------------------------------------------------------------- hostile corpus

def _patched(files: dict[str, bytes], old: bytes, new: bytes) -> bytes:
    data = make_zip(files)
    assert data.count(old) == 2  # the local header and the central directory
    return data.replace(old, new)


def _symlink_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("cs231n/layers.py")
        info.create_system = 3
        info.external_attr = (0o120777 << 16)
        z.writestr(info, "/etc/passwd")
    return buf.getvalue()


def _symlink_zip_any_system() -> bytes:
    """A link's mode bits written by a tool that does not say it is unix."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("layers.py")
        info.create_system = 0
        info.external_attr = (0o120777 << 16)
        z.writestr(info, "/etc/passwd")
    return buf.getvalue()


def _zip_mode(mode: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("layers.py")
        info.create_system, info.external_attr = 3, mode << 16
        z.writestr(info, LAYERS)
    return buf.getvalue()


def _lying_size() -> bytes:
    """layers.py's headers claim 100 bytes; its data inflates to the whole file."""
    data = bytearray(make_zip({"cs231n/layers.py": LAYERS}))
    real = len(LAYERS).to_bytes(4, "little")
    at = 0
    while (at := data.find(real, at)) >= 0:
        data[at:at + 4] = (100).to_bytes(4, "little")
        at += 4
    return bytes(data)


def _encrypted() -> bytes:
    data = bytearray(make_zip({"cs231n/layers.py": LAYERS}))
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(sig)
        data[at + off] |= 0x1
    return bytes(data)


def _nested_42() -> bytes:
    inner = make_zip({f"{i}.zip": make_zip({"0.zip": bytes(1000)}) for i in range(4)})
    return make_zip({f"lib{i}.zip": inner for i in range(16)})


def _tar_link_then_file() -> bytes:
    link = tarfile.TarInfo("cs231n/layers.py")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    return make_tar([link, ("cs231n/layers.py", LAYERS)])


def _tar_kind(kind: bytes, name: str = "cs231n/layers.py", link: str = "") -> bytes:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return make_tar([info], "w")


def _many(n: int) -> bytes:
    return make_zip({f"f{i}.txt": b"" for i in range(n)})


REFUSED = "the archive was refused (nothing in it was graded)"
HOSTILE: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "dotdot": (lambda: make_zip({"cs231n/../../x.py": LAYERS}), "s.zip",
               f"s.zip: the member 'cs231n/../../x.py' points outside the archive (a '..' in "
               f"its path): {REFUSED}"),
    "backslash-dotdot": (lambda: make_zip({"..\\..\\x.py": LAYERS}), "s.zip",
                         "s.zip: the member '..\\..\\x.py' points outside the archive"),
    "absolute": (lambda: make_zip({"/tmp/x.py": LAYERS}), "s.zip",
                 f"s.zip: the member '/tmp/x.py' has an absolute path: {REFUSED}"),
    "drive": (lambda: make_zip({"C:/x.py": LAYERS}), "s.zip",
              "s.zip: the member 'C:/x.py' has an absolute path"),
    "nul-name": (lambda: _patched({"layers.pyX.txt": LAYERS}, b"layers.pyX.txt",
                                  b"layers.py\x00.txt"), "s.zip",
                 "s.zip: the member 'layers.py\\x00.txt' has a NUL byte in its name"),
    "zip-symlink": (_symlink_zip, "s.zip",
                    f"s.zip: the member 'cs231n/layers.py' is a symbolic link: {REFUSED}"),
    "zip-symlink-dos": (_symlink_zip_any_system, "s.zip",
                        "s.zip: the member 'layers.py' is a symbolic link"),
    "zip-fifo": (lambda: _zip_mode(0o010644), "s.zip",
                 "s.zip: the member 'layers.py' is not a regular file"),
    "duplicate": (lambda: _patched({"cs231n/layers.py": LAYERS, "cs231n/layerz.py": b"x"},
                                   b"layerz", b"layers"), "s.zip",
                  "s.zip: the member 'cs231n/layers.py' appears twice"),
    "case-duplicate": (lambda: make_zip({"cs231n/layers.py": LAYERS,
                                         "CS231N/Layers.py": LAYERS}), "s.zip",
                       "s.zip: the member 'CS231N/Layers.py' clashes with 'cs231n/layers.py'"),
    "unicode-duplicate": (lambda: make_zip({"caf\u00e9/layers.py": LAYERS,
                                            "cafe\u0301/layers.py": LAYERS}), "s.zip",
                          "s.zip: the member 'cafe\u0301/layers.py' clashes with "
                          "'caf\u00e9/layers.py'"),
    "encrypted": (_encrypted, "s.zip", "s.zip: the member 'cs231n/layers.py' is encrypted: "
                                       "submit it without a password"),
    "lying-size": (_lying_size, "s.zip", "s.zip: the member 'cs231n/layers.py' cannot be "
                                         "read (Bad CRC-32"),
    "member-bomb": (lambda: make_zip({"cs231n/layers.py": b"#" * (3 << 20)}), "s.zip",
                    "s.zip: the member 'cs231n/layers.py' is larger than 1024 KiB"),
    "nested-42": (_nested_42, "s.zip", "s.zip: no file to grade in the archive (looked for "
                                       "cs231n/layers.py or drills.py; it holds no .py or "
                                       ".ipynb file). Archives inside the archive are not "
                                       "opened: lib0.zip, lib1.zip, lib2.zip"),
    "tar-symlink-then-file": (_tar_link_then_file, "s.tar.gz",
                              "s.tar.gz: the member 'cs231n/layers.py' is a symbolic link "
                              f"(to '/etc/passwd'): {REFUSED}"),
    "tar-hardlink": (lambda: _tar_kind(tarfile.LNKTYPE, link="etc/passwd"), "s.tar",
                     "s.tar: the member 'cs231n/layers.py' is a hard link (to 'etc/passwd')"),
    "tar-device": (lambda: _tar_kind(tarfile.CHRTYPE), "s.tar",
                   "s.tar: the member 'cs231n/layers.py' is a device"),
    "tar-fifo": (lambda: _tar_kind(tarfile.FIFOTYPE), "s.tar",
                 "s.tar: the member 'cs231n/layers.py' is a FIFO (named pipe)"),
    "tar-dotdot": (lambda: make_tar([("../../x.py", LAYERS)]), "s.tgz",
                   "s.tgz: the member '../../x.py' points outside the archive"),
    "not-a-zip": (lambda: b"PK\x03\x04 this is no zip", "s.zip",
                  "s.zip is not a zip archive (or it is damaged)"),
    "not-a-tar": (lambda: b"\x1f\x8b\x08\x00 broken", "s.tar.gz", "s.tar.gz is not a readable"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_archive_is_refused_naming_the_member(case: str) -> None:
    """Each hostile archive is not gradable with a message naming what was refused."""
    build, name, message = HOSTILE[case]
    with pytest.raises(NotGradable) as caught:
        from_bytes(build(), name, name, ASSIGNMENTS)
    assert caught.value.message.startswith(message), caught.value.message


def test_too_many_members(monkeypatch) -> None:
    """More members than MAX_MEMBERS is refused before the member list is parsed, for a
    zip and a tar alike."""
    monkeypatch.setattr(archive, "MAX_MEMBERS", 50)
    for data, name in ((_many(51), "s.zip"),
                       (make_tar([(f"f{i}", b"") for i in range(51)]), "s.tgz")):
        with pytest.raises(NotGradable) as caught:
            from_bytes(data, name, name, ASSIGNMENTS)
        assert caught.value.message == f"{name} has more than 50 members: submit only your code"
    from_bytes(make_zip({"layers.py": LAYERS, **{f"f{i}": b"" for i in range(49)}}),
               "s.zip", "s.zip", ASSIGNMENTS)


def test_decompression_bombs(monkeypatch) -> None:
    """Members declaring more than EXPANDED_BYTES in all, a tar stream that decompresses to
    more (counted while decompressing), and a member expanding past MAX_RATIO are refused."""
    monkeypatch.setattr(archive, "EXPANDED_BYTES", 1 << 20)
    zeros = bytes(600 << 10)
    with pytest.raises(NotGradable) as caught:
        from_bytes(make_zip({"a.txt": zeros, "b.txt": zeros, "layers.py": LAYERS}), "s.zip",
                   "s.zip", ASSIGNMENTS)
    assert caught.value.message == ("s.zip expands to more than 1 MiB (a zip bomb?), at the "
                                    "member 'b.txt': refused")
    with pytest.raises(NotGradable) as caught:
        from_bytes(make_tar([("a.txt", zeros), ("b.txt", zeros)]), "s.tgz", "s.tgz",
                   ASSIGNMENTS)
    assert caught.value.message == ("s.tgz expands to more than 1 MiB (a compression "
                                    "bomb?): refused")
    monkeypatch.setattr(archive, "EXPANDED_BYTES", 128 << 20)
    monkeypatch.setattr(archive, "MAX_RATIO", 4)
    with pytest.raises(NotGradable) as caught:
        from_bytes(make_zip({"hw.ipynb": b'{"a": "' + b"#" * (2 << 20) + b'"}'}), "s.zip",
                   "s.zip", ASSIGNMENTS)
    assert caught.value.message.startswith(
        "s.zip: the member 'hw.ipynb' expands more than 4 times (a zip bomb?)")


@pytest.mark.parametrize("case", ["dotdot", "tar-symlink-then-file", "tar-dotdot"])
def test_hostile_archive_via_cli_writes_nothing(grade, tmp_path, case: str) -> None:
    """Through `mldrill grade`, a hostile archive is not gradable (exit 1) with its
    message, and nothing is written inside or outside the folder it sits in."""
    build, name, message = HOSTILE[case]
    inbox = tmp_path / "in" / "deep"
    inbox.mkdir(parents=True)
    sub = inbox / name
    sub.write_bytes(build())
    before = sorted(os.walk(tmp_path))
    result = grade(str(sub), "--seed", "1")
    assert result.exit_code == 1
    assert message.replace("s.", f"{sub}"[:-len(name)] + "s.", 1) in \
        " ".join(result.output.split())
    assert sorted(os.walk(tmp_path)) == before
    assert not (tmp_path / "x.py").exists() and not (tmp_path / "in" / "x.py").exists()
