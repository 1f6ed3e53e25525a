"""Any bytes handed in as a zip, a tar.gz or a notebook (valid ones with bytes flipped,
cut short, or noise) are read or refused as not gradable: never another exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_archives import ASSIGNMENTS, LAYERS, make_tar, make_zip
from test_notebooks import notebook

from mldrill.grade.handin import from_bytes
from mldrill.grade.submissions import NotGradable

VALID = {
    "s.zip": make_zip({"cs231n/layers.py": LAYERS[:2000], "hw.ipynb": notebook(
        ("code", "%time x\ndef relu_forward(x):\n    return x, x"))}),
    "s.tar.gz": make_tar([("cs231n/layers.py", LAYERS[:2000]), ("a/b.txt", b"x" * 300)]),
    "hw.ipynb": notebook(("markdown", "# hw"), ("code", "import numpy as np\n!ls\nnp.dot?"),
                         ("code", "def relu_forward(x):\n    return x, x")),
}


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(VALID)))
    data = bytearray(VALID[name])
    how = draw(st.sampled_from(["flip", "cut", "noise"]))
    if how == "noise":
        return name, draw(st.binary(max_size=400))
    if how == "cut":
        return name, bytes(data[:draw(st.integers(0, len(data)))])
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    return name, bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_hand_ins_are_read_or_not_gradable(case: tuple[str, bytes]) -> None:
    """A damaged archive or notebook is read (what it holds is graded) or not gradable."""
    name, data = case
    try:
        got = from_bytes(data, name, name, ASSIGNMENTS)
    except NotGradable as exc:
        assert exc.message
        return
    assert isinstance(got.source, bytes) and got.origin.file == name
