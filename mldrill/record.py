"""`@record`: a dataclass without the import-time cost, for the modules every command loads.

`dataclasses.dataclass` writes each class's `__init__`, `__repr__`, `__eq__`, `__hash__` (and,
frozen, `__setattr__` and `__delattr__`) as source text and compiles it when the module is
imported: about 0.7 ms a class on CPython 3.11, and 3.12 and 3.13 are slower. `show` and
`practice` load about 45 value classes before they print anything, so dataclasses alone cost
them about 30 ms, a third of `python -c "import typer"`.

A record class gets the same behaviour from methods shared by every record. They read a table
that `@record` builds from the class's annotations, which takes a few microseconds a class.
A class built often (`HOT` times) then gets an `__init__` of its own, written out for its
fields as dataclasses writes one, and as fast: only the classes made by the thousand (the
lexer's tokens, the expression nodes) pay to compile, and only when first used that much.
What is supported is what those modules use, spelled as in dataclasses:
- fields with plain defaults or `field(default=, default_factory=, compare=, repr=, kw_only=)`;
- `@record(frozen=True)`, inheritance between records, `__post_init__`, `__match_args__`;
- `ClassVar` annotations, which are not fields;
- pickling and copying.

`fields(obj)`, `replace(obj, **changes)` and `asdict(obj)` stand in for the dataclasses
functions of the same names, and take a dataclass too (mldrill calls only these: a test bans
the dataclasses ones, which refuse a record). `tests/test_record.py` holds record classes to
what `dataclasses.dataclass` makes of the same class, call for call, with either `__init__`.
Modules not loaded at start-up may keep using dataclasses; a test runs the student commands
and checks that they load no dataclass of mldrill.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any, ClassVar, TypeVar, dataclass_transform, get_origin, overload

T = TypeVar("T")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _key_of(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the tuple of an object's values of `names` (compared, hashed)."""
    if len(names) > 1:
        return attrgetter(*names)  # a tuple already
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record (as `dataclasses.FrozenInstanceError`)."""


class Field:
    """One field of a record: its name and how it is initialised, compared and shown."""

    __slots__ = ("name", "default", "default_factory", "compare", "repr", "kw_only")

    def __init__(self, default: Any = MISSING, default_factory: Any = MISSING,
                 compare: bool = True, repr: bool = True, kw_only: bool = False) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr
        self.kw_only = kw_only

    def named(self, name: str) -> Field:
        f = Field(self.default, self.default_factory, self.compare, self.repr, self.kw_only)
        f.name = name
        return f

    def __repr__(self) -> str:
        return f"Field(name={self.name!r})"


def field(*, default: Any = MISSING, default_factory: Callable[[], Any] | Any = MISSING,
          compare: bool = True, repr: bool = True, kw_only: bool = False) -> Any:
    """How one field is initialised, compared and shown (as `dataclasses.field`)."""
    return Field(default, default_factory, compare, repr, kw_only)


class _Table:
    """What the shared methods need to know of one record class."""

    __slots__ = ("fields", "names", "known", "positional", "required", "defaults",
                 "factories", "key", "shown", "frozen", "post_init", "qualname", "built")

    def __init__(self, cls: type, fields: tuple[Field, ...], frozen: bool) -> None:
        self.fields = fields
        self.names = tuple(f.name for f in fields)
        self.known = frozenset(self.names)
        self.required = tuple(f.name for f in fields if f.default is MISSING
                              and f.default_factory is MISSING)
        self.positional = tuple(f.name for f in fields if not f.kw_only)
        self.defaults = {f.name: f.default for f in fields if f.default is not MISSING}
        self.factories = {f.name: f.default_factory for f in fields
                          if f.default_factory is not MISSING}
        self.key = _key_of([f.name for f in fields if f.compare])
        self.shown = tuple(f.name for f in fields if f.repr)
        self.frozen = frozen
        self.post_init = hasattr(cls, "__post_init__")
        self.qualname = cls.__qualname__
        self.built = 0  # instances made by the shared __init__


def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or get_origin(annotation) is ClassVar


_MUTABLE = (list, dict, set)


def _fields_of(cls: type) -> tuple[Field, ...]:
    fields: dict[str, Field] = {}
    for base in cls.__mro__[-1:0:-1]:
        table = base.__dict__.get("__record__")
        if table is not None:
            fields.update((f.name, f) for f in table.fields)
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if _is_classvar(annotation):
            continue
        default = cls.__dict__.get(name, MISSING)
        f = default.named(name) if isinstance(default, Field) else Field(default).named(name)
        if isinstance(f.default, _MUTABLE):
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not "
                             "allowed: use default_factory")
        if isinstance(default, Field):  # the class keeps the default value, as in dataclasses
            if f.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
        fields[name] = f
    return tuple(fields.values())


def _check_order(fields: tuple[Field, ...]) -> None:
    seen_default = False
    for f in fields:
        if f.kw_only:
            continue
        if f.default is MISSING and f.default_factory is MISSING:
            if seen_default:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")
        else:
            seen_default = True


# A class built this many times by the shared __init__ gets its own, compiled as dataclasses
# compiles one (`_compiled_init`): three times faster per instance, for the classes made by
# the thousand (the lexer's tokens, the expression nodes). The rest never pay to compile.
HOT = 32


def _compiled_init(t: _Table) -> Callable[..., None]:
    """The same `__init__` as `_init` for the class of `t`, written out for its fields."""
    params = [name if name in t.required else
              f"{name}=__rdefaults[{name!r}]" if name in t.defaults else f"{name}=__RFACTORY"
              for name in t.positional]
    kw_only = [name for name in t.names if name not in t.positional]
    if kw_only:
        params.append("*")
        params += [name if name in t.required else
                   f"{name}=__rdefaults[{name!r}]" if name in t.defaults else
                   f"{name}=__RFACTORY" for name in kw_only]
    body = [f"    __rset(__rself, {name!r}, " + (
        f"__rfactories[{name!r}]() if {name} is __RFACTORY else {name})"
        if name in t.factories else f"{name})") for name in t.names]
    if t.post_init:
        body.append("    __rself.__post_init__()")
    source = "\n".join([f"def __init__(__rself, {', '.join(params)}):", *body, "    pass"])
    namespace = {"__rset": object.__setattr__, "__rdefaults": t.defaults,
                 "__rfactories": t.factories, "__RFACTORY": MISSING}
    exec(source, namespace)  # noqa: S102 - field names are identifiers; values by reference
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{t.qualname}.__init__"
    return init


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    t: _Table = type(self).__record__
    t.built += 1
    if t.built >= HOT and type(self).__dict__.get("__init__") is _init:
        type(self).__init__ = _compiled_init(t)  # type: ignore[misc]
    if len(args) > len(t.positional):
        raise TypeError(f"{t.qualname}.__init__() takes {len(t.positional) + 1} positional "
                        f"arguments but {len(args) + 1} were given")
    given = dict(zip(t.positional, args, strict=False))  # fewer args than positional fields
    if kwargs:
        for name in kwargs:
            if name in given:
                raise TypeError(f"{t.qualname}.__init__() got multiple values for argument "
                                f"{name!r}")
            if name not in t.known:
                raise TypeError(f"{t.qualname}.__init__() got an unexpected keyword "
                                f"argument {name!r}")
        given.update(kwargs)
    setter = object.__setattr__
    if len(given) == len(t.names):  # every field given
        for name in t.names:
            setter(self, name, given[name])
    else:
        missing = [name for name in t.required if name not in given]
        if missing:
            listed = ", ".join(repr(m) for m in missing)
            raise TypeError(f"{t.qualname}.__init__() missing {len(missing)} required "
                            f"argument{'s' if len(missing) > 1 else ''}: {listed}")
        for name in t.names:
            value = given.get(name, MISSING)
            if value is MISSING:
                value = t.defaults[name] if name in t.defaults else t.factories[name]()
            setter(self, name, value)
    if t.post_init:
        self.__post_init__()


@recursive_repr()  # a record that holds itself shows "..." there, as a dataclass does
def _repr(self: Any) -> str:
    t: _Table = type(self).__record__
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in t.shown)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self.__class__.__record__.key
        return key(self) == key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__class__.__record__.key(self))


def _frozen_setattr(self: Any, name: str, value: object) -> None:
    if "__record__" in type(self).__dict__ or name in type(self).__record__.names:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def _frozen_delattr(self: Any, name: str) -> None:
    if "__record__" in type(self).__dict__ or name in type(self).__record__.names:
        raise FrozenInstanceError(f"cannot delete field {name!r}")
    object.__delattr__(self, name)


def _make(cls: type[T], frozen: bool) -> type[T]:
    for base in cls.__mro__[1:]:
        table = base.__dict__.get("__record__")
        if table is not None and table.frozen != frozen:
            raise TypeError("cannot inherit frozen dataclass from a non-frozen one" if frozen
                            else "cannot inherit non-frozen dataclass from a frozen one")
    fields = _fields_of(cls)
    _check_order(fields)
    own = cls.__dict__
    cls.__record__ = _Table(cls, fields, frozen)  # type: ignore[attr-defined]
    methods: dict[str, Any] = {"__init__": _init, "__repr__": _repr, "__eq__": _eq}
    if "__match_args__" not in own:
        methods["__match_args__"] = tuple(f.name for f in fields if not f.kw_only)
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    if not explicit_hash:
        methods["__hash__"] = _hash if frozen else None
    for name, value in methods.items():
        if name not in own or (name == "__hash__" and not explicit_hash):
            setattr(cls, name, value)
    if frozen:
        for name, value in (("__setattr__", _frozen_setattr), ("__delattr__", _frozen_delattr)):
            if name in own:
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
            setattr(cls, name, value)
    return cls


@overload
def record(cls: type[T], /) -> type[T]: ...
@overload
def record(*, frozen: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(field, Field))
def record(cls: type[T] | None = None, /, *,
           frozen: bool = False) -> type[T] | Callable[[type[T]], type[T]]:
    """Make `cls` a record: `__init__`, `__repr__`, `__eq__` and (frozen) `__hash__` from its
    annotated fields, as `dataclasses.dataclass(frozen=frozen)` would."""
    if cls is None:
        return lambda c: _make(c, frozen)
    return _make(cls, frozen)


def _table(obj: object) -> _Table | None:
    table = getattr(obj, "__record__", None)
    if isinstance(table, _Table):
        return table
    if hasattr(obj, "__dataclass_fields__"):
        return None
    raise TypeError("must be called with a record or dataclass type or instance")


def fields(obj: object) -> tuple[Any, ...]:
    """The fields of a record or dataclass (type or instance), in order; each has `.name`.
    (One function for both kinds, so code never hands a record to `dataclasses.fields`:
    ruff bans the dataclasses functions in mldrill.)"""
    table = _table(obj)
    if table is None:
        import dataclasses

        return dataclasses.fields(obj)  # type: ignore[arg-type]
    return table.fields


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the record or dataclass `obj` with `changes` (as `dataclasses.replace`)."""
    if _table(obj) is None:
        import dataclasses

        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    values = {f.name: getattr(obj, f.name) for f in fields(obj)}
    values.update(changes)
    return type(obj)(**values)


def asdict(obj: object) -> dict[str, Any]:
    """A record's fields as a dict, name to value, as they are (a record stored as a row
    holds plain values); a dataclass's as `dataclasses.asdict` gives them."""
    if _table(obj) is None:
        import dataclasses

        return dataclasses.asdict(obj)  # type: ignore[call-overload]
    return {f.name: getattr(obj, f.name) for f in fields(obj)}
