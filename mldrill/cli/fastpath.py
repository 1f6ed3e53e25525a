"""Run a command without importing typer, when its arguments are plain.

Importing typer (and the click it carries) costs about as much as importing numpy, which
is a third of `mldrill show` and of practice's first prompt. Most invocations are plain:
`mldrill show ID --seed 1`, `mldrill practice backprop --count 3`. For those, `parse` reads
the arguments from `argspec.json`, the parameters typer itself derived from the commands'
declarations (written by `derive_spec`, which a test checks against typer on every run),
and `run` calls the same function typer would, with the same values.

`parse` is an allow-list: it accepts only what it reads exactly as typer does, and says
None to anything else (help, a misspelt option, a missing argument, a value that does not
convert, an option given twice, `--`, clustered short options...). None means "let typer
do it": the full app is built and typer reads, or refuses with its own message. So a
mistake in this module can only cost speed, never change what a command does; the
differential test (tests/cli/test_cli_fastpath.py) runs both readers over generated
argument lists and requires the same values whenever this one accepts.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from mldrill.cli.env import Terminal

Param = dict[str, Any]  # one parameter of argspec.json (see derive_spec)
SPEC_FILE = "argspec.json"


class Call:
    """A command read from the arguments: the root options' values, the command's name and
    its parameters' values (only those given: the function's defaults are typer's)."""

    def __init__(self, root: dict[str, object], command: str, params: dict[str, object],
                 context: str | None) -> None:
        self.root, self.command, self.params, self.context = root, command, params, context

    def __repr__(self) -> str:
        return f"Call({self.root!r}, {self.command!r}, {self.params!r})"


class Context:
    """What a command reads of typer's context: `obj`, the terminal `main` was given."""

    def __init__(self, obj: object) -> None:
        self.obj = obj


def parse(args: Sequence[str]) -> Call | None:
    """The command the arguments ask for, or None when typer should read them."""
    if "_MLDRILL_COMPLETE" in os.environ:
        return None  # click's shell-completion protocol
    if all(a.startswith("-") for a in args):
        return None  # no command: help, --version
    table = spec()
    if table.get("app") != app_digest():
        return None  # app.py changed since the spec was derived: typer reads it all
    from mldrill.cli.app import command_index

    at = command_index(args)
    if at is None:
        return None  # no command: help, --version
    command = table["commands"].get(args[at])
    if command is None:
        return None  # a group (sheet, export), an unknown word, or a command typer reads
    root = _read(args[:at], table["root"], positional=False)
    params = _read(args[at + 1:], command["params"], positional=True)
    if root is None or params is None:
        return None
    return Call(root, args[at], params, command.get("context"))


_SPEC: dict[str, Any] = {}


def spec() -> dict[str, Any]:
    """argspec.json, read once ({} when it cannot be read: typer reads everything)."""
    if not _SPEC:
        import json

        try:
            with open(os.path.join(os.path.dirname(__file__), SPEC_FILE), encoding="utf-8") as fh:
                _SPEC.update(json.load(fh))
        except (OSError, ValueError):
            return {}
    return _SPEC


def app_digest() -> str:
    """SHA-1 of app.py, where the commands are declared (the spec is for this one only)."""
    import hashlib
    import sys

    try:
        with open(sys.modules["mldrill.cli.app"].__file__ or "", "rb") as fh:
            return hashlib.sha1(fh.read()).hexdigest()
    except (KeyError, OSError):
        return ""


def run(call: Call, terminal: Terminal | None) -> NoReturn:
    """Run the command as typer would (the root callback, then the command), and exit as
    click does: 0 when the command returns."""
    from mldrill.cli import app

    app.root(**call.root)  # type: ignore[arg-type]
    fn = next(c.fn for c in app.COMMANDS if c.group is None and c.name == call.command)
    params = dict(call.params)
    if call.context is not None:
        params[call.context] = Context(terminal)
    try:
        fn(**params)
    except (KeyboardInterrupt, EOFError):  # what click does with one the command let out
        import sys

        print("\nAborted!", file=sys.stderr)
        raise SystemExit(1) from None
    raise SystemExit(0)


def _read(args: Sequence[str], params: list[Param], positional: bool
          ) -> dict[str, object] | None:
    """The values of `args` for `params`, or None when anything is out of the plain subset."""
    read = _read_options(args, params)
    if read is None:
        return None
    values, words = read
    if words and not positional:
        return None
    if not _assign_words(words, [p for p in params if p["kind"] == "argument"], values):
        return None
    if any(p["required"] and p["name"] not in values for p in params):
        return None  # typer says what is missing
    return values


def _read_options(args: Sequence[str], params: list[Param]
                  ) -> tuple[dict[str, object], list[str]] | None:
    """The options' values and the other words, in order (None: not plain)."""
    by_opt: dict[str, tuple[Param, bool]] = {}
    for p in params:
        by_opt.update({o: (p, True) for o in p.get("opts", ())})
        by_opt.update({o: (p, False) for o in p.get("off", ())})
    values: dict[str, object] = {}
    words: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        i += 1
        if not token.startswith("-"):
            words.append(token)
            continue
        name, eq, attached = token.partition("=") if token.startswith("--") else (token, "", "")
        if name not in by_opt:
            return None  # unknown (--help, a typo, -s5, -abc), or - and --: typer's
        p, on = by_opt[name]
        if p["flag"]:
            if eq or p["name"] in values:
                return None
            values[p["name"]] = on
            continue
        if not eq:
            if i >= len(args):
                return None
            attached = args[i]  # the next word, whatever it is (click takes `--seed -5` so)
            i += 1
        value = _convert(attached, p)
        if value is None or (p["name"] in values and not p["multiple"]):
            return None  # a bad value, or given twice (typer keeps the last): typer's
        if p["multiple"]:
            values.setdefault(p["name"], [])
            values[p["name"]].append(value)  # type: ignore[attr-defined]
        else:
            values[p["name"]] = value
    return values, words


def _assign_words(words: list[str], arguments: list[Param], values: dict[str, object]
                  ) -> bool:
    """Give the words to the arguments in order, the last may take the rest (as click)."""
    for p in arguments:
        taken, words = (words, []) if p["nargs"] == -1 else (words[:1], words[1:])
        converted = [_convert(w, p) for w in taken]
        if any(v is None for v in converted):
            return False
        if converted:
            values[p["name"]] = converted if p["nargs"] == -1 else converted[0]
    return not words  # more words than arguments: typer's error


def _convert(text: str, p: Param) -> object | None:
    """`text` as typer converts it for `p`, or None when typer would refuse it (or might)."""
    kind = p["type"]
    try:
        if kind == "str":
            return text
        if kind == "path":  # as TyperPath.convert with its defaults, then typer's Path()
            from pathlib import Path

            try:
                os.stat(text)
            except OSError:
                return Path(text)  # need not exist
            return Path(text) if os.access(text, os.R_OK) else None  # "is not readable"
        number: int | float = int(text) if kind == "int" else float(text)
    except ValueError:
        return None
    low, high = p.get("min"), p.get("max")
    if low is not None and (number <= low if p.get("min_open") else number < low):
        return None
    if high is not None and (number >= high if p.get("max_open") else number > high):
        return None
    return number


# --- deriving the spec from typer (for tests and `python -m mldrill.cli.fastpath`) ---

# options with a callback that does nothing unless given (click calls every callback)
QUIET_CALLBACKS = {"version"}
_TYPES = {"StringParamType": "str", "IntParamType": "int", "FloatParamType": "float",
          "IntRange": "int", "FloatRange": "float", "TyperPath": "path",
          "BoolParamType": "bool"}


def derive_spec() -> dict[str, Any]:
    """The parameters of every top-level command as typer builds them, in the subset
    `parse` reads. A command with a parameter outside it (a choice, an environment
    variable, a callback, a path that must exist...) is left out: typer runs it."""
    import typing

    import typer.main

    from mldrill.cli import app as A

    group = typer.main.get_command(A.build_app())
    root = _spec_params(group.params)  # type: ignore[arg-type]
    assert root is not None
    commands: dict[str, Any] = {}
    for c in A.COMMANDS:
        if c.group is not None:
            continue
        params = _spec_params(group.commands[c.name].params)  # type: ignore[attr-defined]
        if params is None:
            continue
        hints = typing.get_type_hints(c.fn, include_extras=False)
        context = [k for k, v in hints.items() if v is typer.Context]
        commands[c.name] = {"params": params, **({"context": context[0]} if context else {})}
    return {"app": app_digest(), "root": root, "commands": commands}


def _spec_params(params: list[Any]) -> list[Param] | None:
    out: list[Param] = []
    for p in params:
        if p.callback is not None:
            if p.name in QUIET_CALLBACKS and not p.required:
                continue  # given, it is an unknown word to `parse`: typer reads it
            return None  # click calls a callback even when its option is not given
        kind = _TYPES.get(type(p.type).__name__)
        t = p.type
        unread = p.envvar or kind is None or getattr(t, "clamp", False) \
            or (kind == "path" and (t.exists or not t.file_okay or not t.dir_okay
                                    or t.writable or t.resolve_path or t.allow_dash
                                    or not t.readable or t.type is not None))
        if p.param_type_name == "option":
            flag = bool(p.is_flag)
            unread = unread or p.count or p.nargs != 1 or p.prompt \
                or (flag and (kind != "bool" or not p.is_bool_flag or p.multiple)) \
                or (not flag and kind == "bool")
        else:
            unread = unread or p.nargs not in (1, -1) or kind == "bool"
        if unread:
            if p.param_type_name == "option" and not p.required:
                continue  # given, it is an unknown word to `parse`: typer reads it
            return None
        entry: Param = {"name": p.name, "kind": p.param_type_name, "type": kind,
                        "required": bool(p.required)}
        if p.param_type_name == "option":
            entry.update(opts=list(p.opts), off=list(p.secondary_opts), flag=bool(p.is_flag),
                         multiple=bool(p.multiple))
        else:
            entry["nargs"] = p.nargs
        if type(t).__name__ in ("IntRange", "FloatRange"):
            entry.update(min=t.min, max=t.max, min_open=t.min_open, max_open=t.max_open)
        out.append(entry)
    arguments = [e for e in out if e["kind"] == "argument"]
    if any(e["nargs"] == -1 for e in arguments[:-1]):
        return None  # a variadic argument before another: only typer reads those
    return out


def spec_source() -> str:
    """argspec.json as `python -m mldrill.cli.fastpath` writes it."""
    import json

    return json.dumps(derive_spec(), indent=1) + "\n"


if __name__ == "__main__":
    from pathlib import Path

    target = Path(__file__).with_name(SPEC_FILE)
    target.write_text(spec_source(), encoding="utf-8")
    print(f"wrote {target}")
