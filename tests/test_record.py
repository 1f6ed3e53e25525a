"""`mldrill.record` behaves as `dataclasses.dataclass` on every class shape mldrill uses.

Each shape is made twice from the same class body, once by `@record` and once by
`@dataclass`, and the two are held to the same result for every call: construction
(including which calls are refused), repr, equality, hashing, assignment, pickling, copying,
`__match_args__`, `fields` and `replace`.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import sys
import types
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill import record as rec

MODULE = types.ModuleType("record_shapes")  # where both twins live, so pickle finds them
sys.modules[MODULE.__name__] = MODULE
MODULE.ClassVar = ClassVar  # type: ignore[attr-defined]  # dataclasses looks it up there


def _body(shape: str, field_fn: Any) -> dict[str, Any]:
    """The namespace of a class body for `shape`, with `field_fn` as `field`."""
    field = field_fn
    bodies: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
        "plain": ({"a": "int", "b": "str"}, {}),
        "defaults": ({"a": "int", "b": "str", "c": "float"}, {"b": "x", "c": 1.5}),
        "factory": ({"a": "int", "items": "list[int]"}, {"items": field(default_factory=list)}),
        "uncompared": ({"value": "float", "text": "str"},
                       {"text": field(default="", compare=False)}),
        "unshown": ({"name": "str", "source": "object"},
                    {"source": field(default=None, repr=False)}),
        "empty": ({}, {}),
        "classvar": ({"kind": "ClassVar[str]", "a": "int"}, {"kind": "k"}),
        "kwonly": ({"pos": "int", "a": "int"}, {"pos": field(default=0, kw_only=True)}),
    }
    annotations, values = bodies[shape]
    return {"__annotations__": dict(annotations), "__module__": MODULE.__name__, **values}


SHAPES = ["plain", "defaults", "factory", "uncompared", "unshown", "empty", "classvar",
          "kwonly"]


def heat(cls: type) -> None:
    """Build `cls` often enough that it gets its compiled `__init__` (record.HOT)."""
    names = [f.name for f in rec.fields(cls)]
    for _ in range(rec.HOT):
        cls(**dict.fromkeys(names, 0))
    assert cls.__init__ is not rec._init


def twins(shape: str, frozen: bool, compiled: bool = False) -> tuple[type, type]:
    """The same class made by `@record` and by `@dataclass`, both named `shape` (the
    record's `__init__` the shared one, or its compiled own when `compiled`)."""
    made = []
    for maker, field_fn, tag in ((rec.record(frozen=frozen), rec.field, "R"),
                                 (dataclasses.dataclass(frozen=frozen), dataclasses.field,
                                  "D")):
        name = f"{tag}_{shape}_{int(frozen)}"
        cls = maker(type(name, (), _body(shape, field_fn)))
        setattr(MODULE, name, cls)
        made.append(cls)
    if compiled:
        heat(made[0])
    return made[0], made[1]


def outcome(fn: Any, *args: Any, **kwargs: Any) -> tuple[str, Any]:
    """("ok", fn's result) or ("error", the kind of error it raised)."""
    try:
        return "ok", fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the type of error is the comparison
        # each library's FrozenInstanceError is an AttributeError
        return "error", AttributeError if isinstance(e, AttributeError) else type(e)


def state(obj: object) -> dict[str, Any]:
    return dict(vars(obj))


ARG = st.one_of(st.integers(-3, 3), st.text(max_size=2), st.floats(allow_nan=False),
                st.just(()), st.tuples(st.integers()))
NAMES = st.sampled_from(["a", "b", "c", "items", "value", "text", "name", "source", "pos",
                         "kind", "bogus"])


@pytest.mark.parametrize("compiled", [False, True], ids=["shared-init", "compiled-init"])
@pytest.mark.parametrize("frozen", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
@settings(max_examples=30, deadline=None)  # x 32 class shapes: about 1000 calls a run
@given(args=st.lists(ARG, max_size=4), kwargs=st.dictionaries(NAMES, ARG, max_size=3))
def test_construction_matches_dataclass(shape: str, frozen: bool, compiled: bool,
                                        args: list[Any], kwargs: dict[str, Any]) -> None:
    """Any call either builds the same fields in both twins or is refused by both, by the
    shared `__init__` and by the one compiled for a class built often."""
    R, D = twins(shape, frozen, compiled)
    r, d = outcome(R, *args, **kwargs), outcome(D, *args, **kwargs)
    assert r[0] == d[0], (r, d)
    if r[0] == "ok":
        assert state(r[1]) == state(d[1])
        assert repr(r[1]).replace("R_", "D_", 1) == repr(d[1])
    else:
        assert r[1] is d[1]


@pytest.mark.parametrize("frozen", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
@settings(max_examples=30, deadline=None)
@given(left=st.lists(st.integers(0, 2), min_size=4, max_size=4),
       right=st.lists(st.integers(0, 2), min_size=4, max_size=4))
def test_equality_and_hashing_match_dataclass(shape: str, frozen: bool, left: list[int],
                                              right: list[int]) -> None:
    """Equality (compare=False fields ignored), hashing and unhashability agree."""
    R, D = twins(shape, frozen)
    names = [f.name for f in dataclasses.fields(D)]
    lk = {n: left[i] for i, n in enumerate(names)}
    rk = {n: right[i] for i, n in enumerate(names)}
    assert (R(**lk) == R(**rk)) == (D(**lk) == D(**rk))
    assert (R(**lk) != R(**rk)) == (D(**lk) != D(**rk))
    assert outcome(hash, R(**lk))[0] == outcome(hash, D(**lk))[0]
    if frozen and R(**lk) == R(**rk):
        assert hash(R(**lk)) == hash(R(**rk))


@pytest.mark.parametrize("shape", SHAPES)
def test_a_frozen_record_refuses_assignment_as_a_dataclass_does(shape: str) -> None:
    """Setting or deleting a field, or a new attribute, raises an AttributeError."""
    R, D = twins(shape, True)
    names = [f.name for f in dataclasses.fields(D)]
    values = {n: i for i, n in enumerate(names)}
    r, d = R(**values), D(**values)
    for target in [*names, "other"]:
        assert outcome(setattr, r, target, 9) == outcome(setattr, d, target, 9)
        assert outcome(delattr, r, target) == outcome(delattr, d, target)
    assert state(r) == state(d)
    mutable_r, mutable_d = twins(shape, False)
    m = mutable_r(**values)
    for target in names:
        setattr(m, target, "new")
        assert getattr(m, target) == "new"


@pytest.mark.parametrize("frozen", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
def test_pickling_copying_fields_replace_and_match_args(shape: str, frozen: bool) -> None:
    """A record survives pickle and copy; fields, replace and __match_args__ agree."""
    R, D = twins(shape, frozen)
    names = [f.name for f in dataclasses.fields(D)]
    values = {n: (i, "x") for i, n in enumerate(names)}
    r = R(**values)
    for again in (pickle.loads(pickle.dumps(r)), copy.copy(r), copy.deepcopy(r)):
        assert type(again) is R and state(again) == state(r) and again == r
    assert [f.name for f in rec.fields(r)] == names == [f.name for f in rec.fields(R)]
    assert R.__match_args__ == D.__match_args__
    for name in names:
        assert state(rec.replace(r, **{name: "new"})) \
            == state(dataclasses.replace(D(**values), **{name: "new"}))
    assert outcome(rec.replace, r, bogus=1) == outcome(dataclasses.replace, D(**values), bogus=1)
    for name, value in vars(D).items():  # class attributes: defaults stay, fields go
        if name in names:
            assert getattr(R, name) == value
    for name in names:
        assert hasattr(R, name) == hasattr(D, name)


def test_inheritance_matches_dataclass() -> None:
    """A subclass adds fields after its base's, a keyword-only base field stays last, and a
    frozen record cannot extend a mutable one (or the reverse)."""
    made = {}
    for tag, maker, field_fn in (("R", rec.record, rec.field),
                                 ("D", dataclasses.dataclass, dataclasses.field)):
        base = maker(frozen=True)(type(f"{tag}Node", (), {
            "__annotations__": {"pos": "int"}, "__module__": MODULE.__name__,
            "pos": field_fn(default=0, compare=False, kw_only=True)}))
        child = maker(frozen=True)(type(f"{tag}Bin", (base,), {
            "__annotations__": {"op": "str", "left": "object", "implicit": "bool"},
            "__module__": MODULE.__name__,
            "implicit": field_fn(default=False, compare=False)}))
        made[tag] = child
        assert outcome(maker(frozen=False), type("X", (base,), {})) == ("error", TypeError)
        mutable = maker(type(f"{tag}M", (), {"__annotations__": {"a": "int"},
                                             "__module__": MODULE.__name__}))
        assert outcome(maker(frozen=True), type("Y", (mutable,), {})) == ("error", TypeError)
    R, D = made["R"], made["D"]
    assert R.__match_args__ == D.__match_args__ == ("op", "left", "implicit")
    calls = [(("+", 1), {}), (("+", 1, True), {"pos": 4}), (("+",), {}),
             ((), {"op": "-", "left": 2, "pos": 1}), (("+", 1, True, 5), {}),
             (("+", 1), {"pos": 2, "implicit": True}), (("+", 1), {"op": "-"})]
    for hot in (False, True):
        if hot:
            heat(R)
        for args, kwargs in calls:
            r, d = outcome(R, *args, **kwargs), outcome(D, *args, **kwargs)
            assert r[0] == d[0], (hot, args, kwargs)
            if r[0] == "ok":
                assert state(r[1]) == state(d[1])
    assert R("+", 1, pos=3) == R("+", 1, pos=9)  # pos is not compared
    assert R("+", 1) != R("-", 1)


def _build(maker: Any, field_fn: Any, annotated: dict[str, str], values: Any) -> type:
    return maker(type("Z", (), {"__annotations__": annotated, "__module__": MODULE.__name__,
                                **values(field_fn)}))


def test_refused_class_bodies_match_dataclass() -> None:
    """A mutable default, a required field after a defaulted one, and a field given both a
    default and a factory are refused as dataclasses refuses them."""
    cases: list[tuple[dict[str, str], Any]] = [
        ({"a": "list"}, lambda f: {"a": []}),
        ({"a": "int", "b": "int"}, lambda f: {"a": 1}),
        ({"a": "int"}, lambda f: {"a": f(default=1, default_factory=int)}),
    ]
    for annotated, values in cases:
        r, d = (outcome(_build, maker, field_fn, annotated, values)
                for maker, field_fn in ((rec.record, rec.field),
                                        (dataclasses.dataclass, dataclasses.field)))
        assert r[0] == "error" and r == d


def test_post_init_runs_after_the_fields_are_set() -> None:
    """`__post_init__` sees every field and may refuse the values."""

    @rec.record(frozen=True)
    class Positive:
        value: int
        doubled: int = 0

        def __post_init__(self) -> None:
            if self.value <= 0:
                raise ValueError("not positive")
            object.__setattr__(self, "doubled", 2 * self.value)

    for _ in range(2):  # the shared __init__, then (after rec.HOT builds) the compiled one
        assert Positive(3).doubled == 6
        with pytest.raises(ValueError, match="not positive"):
            Positive(-1)
        for _ in range(rec.HOT):
            Positive(1)
    assert Positive.__init__ is not rec._init


def test_asdict_gives_the_fields_as_they_are() -> None:
    """`asdict` maps each field's name to its value, in order, without copying."""
    R, _ = twins("factory", False)
    r = R(1)
    assert rec.asdict(r) == {"a": 1, "items": []} and rec.asdict(r)["items"] is r.items


def test_the_helpers_take_a_dataclass_too_and_refuse_anything_else() -> None:
    """`fields`, `replace` and `asdict` give a dataclass what the dataclasses functions
    give it, so mldrill needs only these; anything else is a TypeError."""

    @dataclasses.dataclass(frozen=True)
    class Plain:
        a: int
        b: list[int] = dataclasses.field(default_factory=list)

    p = Plain(1, [2])
    assert [f.name for f in rec.fields(p)] == [f.name for f in rec.fields(Plain)] == ["a", "b"]
    assert rec.replace(p, a=5) == Plain(5, [2])
    assert rec.asdict(p) == {"a": 1, "b": [2]} and rec.asdict(p)["b"] is not p.b
    for thing in (3, object(), "text", None):
        for helper in (rec.fields, rec.replace, rec.asdict):
            with pytest.raises(TypeError):
                helper(thing)


def test_a_record_holding_an_array_compares_as_a_dataclass_does() -> None:
    """Equality compares tuples of field values, as dataclasses does: the same array object
    is equal to itself, different arrays raise numpy's ambiguity error in both."""
    import numpy as np

    R, D = twins("plain", True)
    arr = np.arange(3)
    assert R(arr, "x") == R(arr, "x") and D(arr, "x") == D(arr, "x")
    for cls in (R, D):
        with pytest.raises(ValueError):
            cls(arr, "x") == cls(np.arange(3), "x")  # noqa: B015
    One = rec.record(frozen=True)(type("One", (), {"__annotations__": {"a": "object"},
                                                   "__module__": MODULE.__name__}))
    assert One(arr) == One(arr) and hash(One(1)) == hash(One(1))


def test_a_classvar_is_not_a_field() -> None:
    """A ClassVar annotation, as a string or a real annotation, is not a field."""

    @rec.record
    class WithClassVar:
        shared: ClassVar[int] = 3
        a: int = 1

    assert [f.name for f in rec.fields(WithClassVar)] == ["a"]
    assert WithClassVar(2).shared == 3


def test_mldrill_calls_the_record_helpers_not_the_dataclasses_ones() -> None:
    """`dataclasses.replace`/`fields`/`asdict` refuse a record, so mldrill uses the record
    module's, which take both (a record passed to the dataclasses ones fails only at run
    time, on the path that happens to pass it)."""
    import ast
    from pathlib import Path

    banned = {"replace", "fields", "asdict", "astuple"}
    found = []
    for path in sorted(Path(rec.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "dataclasses":
                found += [f"{path}:{node.lineno}" for a in node.names if a.name in banned]
            elif isinstance(node, ast.Attribute) and node.attr in banned \
                    and isinstance(node.value, ast.Name) and node.value.id == "dataclasses" \
                    and path.name != "record.py":
                found.append(f"{path}:{node.lineno}")
    assert not found, "use mldrill.record's replace/fields/asdict: " + ", ".join(found)


def test_a_record_that_holds_itself_repr_s_as_a_dataclass_does() -> None:
    """repr of a mutable record reachable from itself shows `...` at the cycle."""
    R, D = twins("plain", False)
    r, d = R(1, "x"), D(1, "x")
    r.b, d.b = [r], [d]
    assert repr(r).replace("R_", "D_") == repr(d)


def test_a_subclass_that_is_not_a_record_keeps_the_shared_init() -> None:
    """A plain subclass of a record builds as its base does, before and after the base
    gets its compiled `__init__`, and never gets one of its own."""
    R, _ = twins("defaults", True)

    class Plain(R):  # type: ignore[misc, valid-type]
        pass

    for _ in range(rec.HOT + 2):
        assert state(Plain(1)) == state(R(1)) == {"a": 1, "b": "x", "c": 1.5}
    assert "__init__" not in Plain.__dict__ and R.__init__ is not rec._init
    with pytest.raises(AttributeError):
        Plain(1).a = 2
