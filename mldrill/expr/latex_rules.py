"""The rules for LaTeX commands (latex.py reads the text, these translate one command).

Each rule reads its arguments through the translator `t` and emits answer-language text;
a command on none of the allow-lists of latex_commands.py is refused here, with the caret
under its backslash and a "did you mean".
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import TYPE_CHECKING

from mldrill.expr import latex_commands as cmd
from mldrill.expr.symbols import GREEK, pick

if TYPE_CHECKING:
    from mldrill.expr.latex import Env, Translator

NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CONSTANTS = frozenset({"e", "pi", "inf"})  # names \mathrm{e} may stand for


def command(t: Translator, name: str, pos: int, env: Env | None) -> None:
    if name in cmd.SIMPLE:
        t.emit(cmd.SIMPLE[name], pos)
    elif name in GREEK:
        picked = pick(GREEK[name][1], t.variables)
        if picked in t.functions and picked not in t.variables:
            function(t, picked, pos)
        else:
            t.emit(picked, pos, name=True)
    elif name in cmd.FUNCTION_COMMANDS:
        function(t, cmd.FUNCTIONS[name], pos)
    elif name in ("frac", "dfrac", "tfrac", "cfrac"):
        t.emit("(", pos)
        t.argument(pos, f"\\{name}")
        t.emit("/", pos)
        t.argument(pos, f"\\{name}")
        t.emit(")", pos)
    elif name == "sqrt":
        sqrt(t, pos)
    elif name in cmd.FONTS:
        font(t, pos, name)
    elif name in cmd.ACCENTS:
        accent(t, pos, name)
    elif name in cmd.WORDS:
        word(t, pos, name)
    elif name in cmd.OPENERS or name in cmd.CLOSERS or name in cmd.SIZES:
        delimiter(t, pos, name)
    elif name == "sum":
        nxt = t.peek()
        if nxt is not None and nxt.text in ("_", "^"):
            raise t.fail(nxt.pos, "a sum with limits cannot be read",
                            "sum(x) for the sum of the entries of x")
        function(t, "sum", pos)
    elif name == "begin":
        environment(t, pos)
    elif name in cmd.PROGRAMMING:
        raise t.fail(pos, f"'\\{name}' is not allowed in an answer: only maths "
                             "commands are read")
    else:
        hint = _suggest(name)
        raise t.fail(pos, f"unknown LaTeX command '\\{name}'{hint}")

def function(t: Translator, fname: str, pos: int) -> None:
    """\\log x is log(x): a function before a single name or number takes it (with its
    scripts) as argument; before a bracket it is an ordinary call."""
    if fname == "log":
        nxt = t.peek()
        if nxt is not None and nxt.text == "_":
            t.i += 1
            base = t.raw().strip("{}")
            if base not in ("2", "10", "e"):
                raise t.fail(pos, f"log base {base} cannot be read",
                                "\\log_2, \\log_{10} or \\ln")
            t.skip_argument()
            fname = {"2": "log2", "10": "log10", "e": "log"}[base]
    t.emit(fname, pos, name=True)
    nxt = t.peek()
    if nxt is None or not (nxt.kind in ("word", "number") or nxt.text.startswith("\\")
                           and nxt.text[1:] in (set(GREEK) | cmd.FONTS | {"frac"})):
        return
    t.name_at = None
    t.emit("(", nxt.pos)
    t.one()
    while (after := t.peek()) is not None and after.text in ("^", "_"):
        t.one()
    t.emit(")", t.at_end_pos())

def sqrt(t: Translator, pos: int) -> None:
    nxt = t.peek()
    if nxt is None or nxt.text != "[":
        t.emit("sqrt", pos)
        t.argument(pos, "\\sqrt")
        return
    close = next((k for k in range(t.i + 1, len(t.toks))
                  if t.toks[k].text == "]"), None)
    if close is None:
        raise t.fail(nxt.pos, "this '[' is never closed", "']'")
    start = t.i + 1
    t.i = close + 1
    t.emit("(", pos)
    t.argument(pos, "\\sqrt")
    t.emit("**(1/(", pos)
    after = t.i
    t.i = start
    t.enter(pos)
    t.seq(close, None)
    t.depth -= 1
    t.i = after
    t.emit(")))", pos)

def font(t: Translator, pos: int, name: str) -> None:
    """\\mathbf{x} is x; \\mathbf{a + b} is (a + b)."""
    start = len(t.out)
    t.argument(pos, f"\\{name}", wrap=False)
    inside = "".join(t.out[start:]).strip()
    if NAME_RE.fullmatch(inside):
        t.name_at = start
    elif inside:
        t.out.insert(start, "(")
        t.origin.insert(start, pos)
        t.emit(")", pos)

def accent(t: Translator, pos: int, name: str) -> None:
    raw = t.raw().strip("{}")
    if not NAME_RE.fullmatch(raw):
        raise t.fail(pos, f"\\{name} goes on a single name, as in \\{name}{{y}}")
    t.skip_argument()
    suffix = cmd.ACCENTS[name]
    t.emit(pick((raw + suffix, f"{raw}_{suffix}"), t.variables), pos, name=True)

def word(t: Translator, pos: int, name: str) -> None:
    """\\operatorname{tr} is trace; \\mathrm{x} is x; \\text{ cm} is a label (ignored)."""
    raw = t.raw().strip("{}").strip()
    if raw in cmd.FUNCTIONS:
        t.skip_argument()
        function(t, cmd.FUNCTIONS[raw], pos)
    elif raw in t.functions:
        t.skip_argument()
        function(t, raw, pos)
    elif raw in t.variables or raw in CONSTANTS or raw == "T":
        t.skip_argument()
        t.emit(raw, pos, name=True)
    elif name == "operatorname":
        raise t.fail(pos, f"unknown operator '{raw}'"
                             f"{_suggest(raw, set(cmd.FUNCTIONS) | t.functions)}")
    else:
        t.skip_argument()  # a unit or a label: \text{ nats}, \mathrm{cm}

def delimiter(t: Translator, pos: int, name: str) -> None:
    tok = t.peek()
    if tok is None:
        raise t.fail(pos, f"\\{name} needs a delimiter", "( ) [ ] | or .")
    key = tok.text
    if key not in cmd.DELIMITERS:
        raise t.fail(tok.pos, f"'{key}' cannot be a delimiter here", "( ) [ ] | or .")
    opening, closing = cmd.DELIMITERS[key]
    if name in cmd.SIZES:  # \big( and \big): the delimiter says which
        if opening != "(":
            raise t.fail(pos, f"\\{name}{key} is ambiguous",
                            f"\\{name}l{key} or \\{name}r{key}")
        opening = closing = key.strip("\\").replace("[", "(").replace("]", ")")
        opening = {"{": "(", "}": ")"}.get(opening, opening)
    t.i += 1
    t.emit(opening if name in cmd.OPENERS or name in cmd.SIZES else closing, pos)

def environment(t: Translator, pos: int) -> None:
    tok = t.peek()
    if tok is None or tok.text != "{":
        raise t.fail(pos, "\\begin needs an environment", "\\begin{bmatrix}")
    name = t.raw()
    if name not in cmd.ENVIRONMENTS:
        raise t.fail(tok.pos, f"unknown environment '{name}'"
                                 f"{_suggest(name, set(cmd.ENVIRONMENTS))}")
    t.skip_argument()
    if name == "array" and (spec := t.peek()) is not None and spec.text == "{":
        t.skip_argument()  # the column spec {cc}
    opening, closing = cmd.ENVIRONMENTS[name]
    if opening.startswith("det") and "det" not in t.functions:
        raise t.fail(pos, "a determinant (vmatrix) cannot be read here: work out "
                             "its value")
    t.enter(pos)
    t.emit(opening, pos)
    env = t.new_env(name, pos)
    t.seq(len(t.toks), env)
    end = t.toks[t.i]
    t.i += 1
    if t.raw() != name:
        raise t.fail(end.pos, f"\\begin{{{name}}} ends with \\end{{{t.raw()}}}",
                        f"\\end{{{name}}}")
    t.skip_argument()
    t.check_entry(env, end.pos)
    t.emit(closing, end.pos)
    t.depth -= 1


def _suggest(name: str, known: Collection[str] = cmd.ALLOWED) -> str:
    from mldrill.expr.parse import suggest

    hint = suggest(name, known)
    return hint.replace(" '", " '\\") if known is cmd.ALLOWED else hint
