"""The tools every part of the schema uses to report problems: a checker that collects
`path:line:col` diagnostics, checks expressions and templates, and suggests the nearest
known name ("did you mean")."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping

from mldrill.bank.yamlsrc import PathKey, SourceMap
from mldrill.errors import AnswerParseError, Diagnostic
from mldrill.expr import nodes as n
from mldrill.expr.functions import CONSTANTS
from mldrill.expr.parse import parse_reference
from mldrill.variants.template import placeholders

ID_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def did_you_mean(word: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(str(word), list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Checker:
    def __init__(self, path: str, smap: SourceMap, functions: Collection[str]):
        self.path = path
        self.smap = smap
        self.functions = set(functions)
        self.callables = functions if isinstance(functions, Mapping) else {}
        self.diags: list[Diagnostic] = []

    def err(self, key: PathKey, message: str, *, on_key: bool = False) -> None:
        self.diags.append(self.smap.diag(key, message, on_key=on_key))

    def unknown_keys(self, data: Mapping[str, object], allowed: Collection[str], key: PathKey,
                     what: str) -> None:
        for k in data:
            if k not in allowed:
                self.err((*key, k), f"unknown key '{k}' in {what}{did_you_mean(k, allowed)}; "
                         f"expected one of: {', '.join(sorted(allowed))}", on_key=True)

    def text(self, data: Mapping[str, object], k: str, key: PathKey, required: bool = False,
             default: str = "") -> str:
        if k not in data or data[k] is None:
            if required:
                self.err(key, f"missing required key '{k}'")
            return default
        v = data[k]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return str(v)
        if not isinstance(v, str):
            self.err((*key, k), f"'{k}' must be text, got {type_name(v)}")
            return default
        return v

    def expression(self, text: str, key: PathKey, names: Collection[str], offset: int = 0,
                   in_template: bool = False) -> n.Node | None:
        try:
            expr = parse_reference(text)
        except AnswerParseError as exc:
            self.diags.append(self._at(key, offset + exc.col, f"cannot read expression "
                                       f"'{text}': {exc.message}"
                                       + (f"; expected {exc.expected}" if exc.expected
                                          else ""), in_template))
            return None
        known = set(names) | set(CONSTANTS) | {"True", "False", "None"}
        for node in n.walk(expr.root):
            if isinstance(node, n.Call) and node.func not in self.functions:
                self.diags.append(self._at(key, offset + node.pos,
                                           f"unknown function '{node.func}'"
                                           f"{did_you_mean(node.func, self.functions)}",
                                           in_template))
            elif isinstance(node, n.Name) and node.id not in known:
                if node.id in self.functions:
                    continue  # a function passed as a value is unusual but harmless
                self.diags.append(self._at(key, offset + node.pos,
                                           f"unknown name '{node.id}'"
                                           f"{did_you_mean(node.id, known)}", in_template))
        return expr.root

    def _at(self, key: PathKey, offset: int, message: str, in_template: bool) -> Diagnostic:
        if key in self.smap.text_start:
            return self.smap.diag_in_text(key, offset, message)
        if in_template and key in self.smap.values:
            # a block scalar: find the line of the offset inside the text
            return self._in_block(key, offset, message)
        return self.smap.diag(key, message)

    def _in_block(self, key: PathKey, offset: int, message: str) -> Diagnostic:
        mark = self.smap.values[key]
        return Diagnostic(self.path, mark.line, mark.col, message + f" (at character "
                          f"{offset + 1} of the text)")

    def template(self, text: str, key: PathKey, names: Collection[str]) -> None:
        if text.count("{{") != text.count("}}"):
            self.err(key, "unbalanced '{{' and '}}' in template")
        for expr, _fmt, offset in placeholders(text):
            if not expr:
                self.err(key, "empty placeholder {{ }}")
                continue
            self.expression(expr, key, names, offset, in_template=True)


def type_name(v: object) -> str:
    """What a YAML value is, in words: 'a mapping', 'a list', 'text', ..."""
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false",
            int: "a number", float: "a number", type(None): "nothing"}.get(type(v), type(v)
                                                                             .__name__)
