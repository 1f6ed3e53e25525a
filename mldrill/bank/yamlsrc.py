"""Load YAML keeping the `line:col` of every key and value.

PyYAML's composer gives nodes with marks; we build plain Python data from them ourselves
and record, for each path of keys (`("parts", 0, "answer")`), where its key and its value
start. Duplicate keys, which YAML would silently collapse, are errors here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mldrill.errors import Diagnostic
from mldrill.record import field, record

if TYPE_CHECKING:
    import yaml

    from mldrill.values import Yaml

PathKey = tuple[str | int, ...]


@record(frozen=True)
class Mark:
    line: int  # 1-based
    col: int  # 1-based


@record
class SourceMap:
    """Where each key path sits in the file: the value's start and the key's start."""

    path: str
    values: dict[PathKey, Mark] = field(default_factory=dict)
    keys: dict[PathKey, Mark] = field(default_factory=dict)
    # For single-line scalars: the column where the text of the value starts (after a quote).
    text_start: dict[PathKey, Mark] = field(default_factory=dict)

    def at(self, key: PathKey, *, on_key: bool = False) -> Mark:
        """The mark of `key`, falling back to its nearest recorded parent."""
        probe = key
        while True:
            table = self.keys if on_key else self.values
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return Mark(1, 1)
            probe = probe[:-1]

    def diag(self, key: PathKey, message: str, *, on_key: bool = False) -> Diagnostic:
        m = self.at(key, on_key=on_key)
        return Diagnostic(self.path, m.line, m.col, message)

    def diag_in_text(self, key: PathKey, offset: int, message: str) -> Diagnostic:
        """A diagnostic at character `offset` inside a single-line string value."""
        if key in self.text_start:
            m = self.text_start[key]
            return Diagnostic(self.path, m.line, m.col + offset, message)
        return self.diag(key, message)


class YamlLoadError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic
        super().__init__(str(diagnostic))


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def load_yaml(path: str | Path, text: str | None = None, shown: str | None = None
              ) -> tuple[Yaml, SourceMap]:
    """Parse one YAML document into (data, source map). Raises YamlLoadError.
    `shown` is the path as messages print it (default: as given)."""
    shown = shown or str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise YamlLoadError(Diagnostic(shown, 1, 1, f"not UTF-8 text ({exc.reason})")) from None
        except OSError as exc:
            raise YamlLoadError(Diagnostic(shown, 1, 1, f"cannot read: {exc.strerror}")) from None
    if "\t" in text:
        for i, row in enumerate(text.splitlines(), 1):
            stripped = row.lstrip(" ")
            if stripped.startswith("\t"):
                col = len(row) - len(stripped) + 1
                raise YamlLoadError(Diagnostic(shown, i, col,
                                               "tab used for indentation; YAML needs spaces"))
    # libyaml (when PyYAML has it) composes ~10x faster; on an error, the pure-Python
    # parser runs again for its clearer message ("expected ',' or ']', but got ...").
    import yaml  # here, not at the top: unpickling a checked family needs no parser

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        loader.dispose()
        loader = yaml.SafeLoader(text)
        node = _compose_slowly(loader, shown)
    finally:
        loader.dispose()
    smap = SourceMap(shown)
    if node is None:
        return None, smap
    data = _build(node, (), smap, loader, text.splitlines())
    return data, smap


def _compose_slowly(loader: yaml.SafeLoader, shown: str) -> yaml.Node | None:
    import yaml

    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or "invalid YAML").strip()
        context = f" ({exc.context.strip()})" if exc.context else ""
        raise YamlLoadError(Diagnostic(shown, line, col, f"YAML syntax: {problem}{context}"))\
            from None
    except yaml.YAMLError as exc:
        raise YamlLoadError(Diagnostic(shown, 1, 1, f"YAML syntax: {exc}")) from None


def _build(node: yaml.Node, key: PathKey, smap: SourceMap,
           loader: yaml.constructor.SafeConstructor,
           lines: list[str]) -> Yaml:
    import yaml

    smap.values[key] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        result: dict[object, Yaml] = {}
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode):
                m = _mark(knode)
                raise YamlLoadError(Diagnostic(smap.path, m.line, m.col,
                                               "keys must be plain names"))
            k = loader.construct_object(knode)
            if isinstance(k, (int, float, bool)) or k is None:
                k = str(knode.value)
            child = (*key, k)
            if k in result:
                m = _mark(knode)
                first = smap.keys[child]
                raise YamlLoadError(Diagnostic(smap.path, m.line, m.col,
                                               f"duplicate key '{k}' (first at line {first.line})"))
            smap.keys[child] = _mark(knode)
            result[k] = _build(vnode, child, smap, loader, lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, (*key, i), smap, loader, lines) for i, v in enumerate(node.value)]
    value = loader.construct_object(node, deep=True)
    if node.start_mark.line == node.end_mark.line and isinstance(value, str):
        col = node.start_mark.column + 1
        if node.style in ("'", '"'):
            col += 1
        smap.text_start[key] = Mark(node.start_mark.line + 1, col)
    return value


def check_shape(text: str, shown: str, *, max_depth: int = 64, aliases: bool = True,
                tags: bool = True) -> None:
    """Refuse, before composing, YAML whose shape could exhaust the parser: nesting deeper
    than `max_depth` (PyYAML's composer recurses once per level), and, when not allowed,
    anchors and aliases (an alias bomb expands exponentially in whatever walks the data)
    and tags (`!!python/object`). Scanning is iterative, so it never overflows the stack.
    Raises YamlLoadError pointing at the offending token; a syntax error is left for the
    composer to report."""
    import yaml

    opening = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken,
               yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
    closing = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    depth = 0
    try:
        for tok in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(tok, opening):
                depth += 1
                if depth > max_depth:
                    raise _at(shown, tok, f"nested more than {max_depth} levels deep")
            elif isinstance(tok, closing):
                depth -= 1
            elif not aliases and isinstance(tok, yaml.AnchorToken | yaml.AliasToken):
                raise _at(shown, tok, "anchors and aliases (& and *) are not allowed here; "
                                      "quote a value that starts with & or *")
            elif not tags and isinstance(tok, yaml.TagToken):
                raise _at(shown, tok, "YAML tags (such as !!python/object) are not allowed "
                                      "here; quote a value that starts with !")
    except yaml.YAMLError:
        return


def _at(shown: str, tok: yaml.Token, message: str) -> YamlLoadError:
    m = tok.start_mark
    return YamlLoadError(Diagnostic(shown, m.line + 1, m.column + 1, message))
