"""The strict YAML loader shared by site.yaml, front matter and theme.yaml.

PyYAML's safe loader still converts `yes` to True, `0123` to 83 and keeps the
last of two duplicate keys without a word. Editors never mean those, so this
module composes the node tree (nothing is constructed from tags, so nothing
can execute), refuses aliases, merge keys and non-standard tags, and hands
back values that remember their line, column and how they were written, so
the typed readers in `yamlschema` can say "quote it" at the right place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import yaml

try:  # the C parser is several times faster; fall back when libyaml is absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from builder.core.errors import Diagnostics
from builder.core.textfile import bad_char, describe_char

_TAG = "tag:yaml.org,2002:"
_KINDS = {
    _TAG + "str": "str",
    _TAG + "int": "int",
    _TAG + "float": "float",
    _TAG + "bool": "bool",
    _TAG + "null": "null",
    _TAG + "timestamp": "timestamp",
    _TAG + "seq": "seq",
    _TAG + "map": "map",
}
_KEY_KINDS = {"str", "int", "bool", "null", "float"}
# YAML 1.1 booleans other than the two spellings people mean.
_SURPRISE_BOOLS = {"yes", "no", "on", "off", "y", "n"}
# Deeper than this is never front matter; it would only exhaust the stack.
MAX_DEPTH = 32
MAX_REPORTED = 10  # aliases per file: an alias bomb holds dozens
# Scalars are built by calling the safe constructor's per-tag function
# directly: it never caches nodes, so nothing accumulates across files.
_constructor = yaml.constructor.SafeConstructor()


@dataclass(frozen=True)
class YamlValue:
    """A value with its file position (1-based) and how it was written."""

    value: Any  # plain Python value; for seq/map the children are YamlValues
    line: int
    col: int
    kind: str  # str int float bool null timestamp seq map
    raw: str | None = None  # the scalar exactly as written
    plain: bool = False  # an unquoted scalar, so YAML guessed its type
    key_line: int = 0  # where the key of this value sits, inside a mapping
    key_col: int = 0

    def surprise(self) -> bool:
        """True where YAML 1.1 turned an unquoted word into something else.

        `NO` becoming False and `0123` becoming 83 are the classic traps; a
        user who wrote them almost certainly meant the text.
        """
        if not self.plain or self.raw is None:
            return False
        if self.kind == "bool":
            return self.raw.lower() in _SURPRISE_BOOLS
        if self.kind == "int":
            digits = self.raw.lstrip("+-")
            return (
                (len(digits) > 1 and digits.startswith("0"))  # octal, hex, binary
                or ":" in digits  # sexagesimal: 1:30 is 90
                or "_" in digits
            )
        if self.kind == "float":
            return ":" in self.raw or "_" in self.raw
        return False

    def to_python(self) -> Any:
        """The value with children unwrapped (for `extra` fields themes read)."""
        if self.kind == "seq":
            return [v.to_python() for v in self.value]
        if self.kind == "map":
            return {k: v.to_python() for k, v in self.value.items()}
        return self.value


_NAMES = {
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "a boolean",
    "null": "empty",
    "timestamp": "a date",
    "seq": "a list",
    "map": "a mapping",
}


def describe(value: YamlValue) -> str:
    """How a value reads in an error message: "a number (`2024`)".

    A YAML 1.1 surprise says what YAML made of it, because `yes` reported
    as "a boolean" alone leaves the editor wondering why.
    """
    if value.surprise():
        made = str(value.value).lower() if value.kind == "bool" else str(value.value)
        return f"`{value.raw}`, which YAML reads as the {_NAMES[value.kind][2:]} {made}"
    text = _NAMES.get(value.kind, value.kind)
    if value.raw is not None and value.kind != "null":
        text += f" (`{value.raw}`)"
    return text


def load_mapping(
    text: str, path: str, line_offset: int, diags: Diagnostics
) -> dict[str, YamlValue] | None:
    """Parse `text` as a YAML mapping; None (with diagnostics added) if it is not one.

    `line_offset` is the number of file lines before `text`, so positions
    name the real line of the file, not of the YAML block.
    """
    # Before composing: a 470-byte alias bomb composes in microseconds, but any
    # walk of the graph it makes (nine aliases of nine aliases, nine levels deep)
    # visits hundreds of millions of nodes. The event stream holds each alias once.
    if ("*" in text or "<<" in text) and _aliases(text, path, line_offset, diags):
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        _syntax_error(exc, text, path, line_offset, diags)
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        diags.error(path, line_offset + 1, 1, f"invalid YAML: {exc}")
        return None
    if node is None:
        return {}
    value = _Reader(path, line_offset, diags).read(node, 0)
    if value is None:
        return None
    if value.kind != "map":
        diags.error(
            path,
            value.line,
            value.col,
            f"expected a mapping of `key: value` lines, found {describe(value)}",
            "front matter and site.yaml are made of `key: value` lines",
        )
        return None
    mapping: dict[str, YamlValue] = value.value  # a map's value is its children
    return mapping


def _syntax_error(
    exc: yaml.MarkedYAMLError, text: str, path: str, offset: int, diags: Diagnostics
) -> None:
    """Report a parser error at the place the editor has to look, with a hint."""
    problem = (exc.problem or "malformed YAML").strip()
    context = exc.context or ""
    mark = exc.problem_mark
    if "maximum nesting depth" in problem:  # libyaml's own limit (PyYAML >= 6.0.4)
        line, col = (mark.line + 1 + offset, mark.column + 1) if mark else (offset + 1, 1)
        diags.error(
            path,
            line,
            col,
            f"YAML nested more than {MAX_DEPTH} levels deep",
            "front matter needs a few levels at most",
        )
        return
    opened = exc.context_mark
    if opened is not None and (
        "quoted scalar" in context or "flow sequence" in context or "flow mapping" in context
    ):
        mark = opened  # an unclosed quote or bracket: point at where it opened
    line = (mark.line + 1 + offset) if mark else offset + 1
    col = (mark.column + 1) if mark else 1
    char = ""
    if mark is not None:
        lines = text.split("\n")
        if mark.line < len(lines) and mark.column < len(lines[mark.line]):
            char = lines[mark.line][mark.column]
    diags.error(path, line, col, f"invalid YAML: {problem}", _yaml_hint(problem, context, char))


def _yaml_hint(problem: str, context: str, char: str) -> str | None:
    if "mapping values are not allowed" in problem:
        return 'a value that contains ": " must be quoted, e.g. title: "Vote: what next"'
    if "escape" in problem:
        return "this `\\` escape names no character; write the character itself"
    if char == "\t" or "tab" in problem:
        return "YAML does not allow tabs for indentation; use spaces"
    if "quoted scalar" in context:
        return "a quoted value is missing its closing quote"
    if "flow sequence" in context:
        return "this `[` is never closed; to start a value with `[`, quote the whole value"
    if "flow mapping" in context:
        return "this `{` is never closed; to start a value with `{`, quote the whole value"
    if "cannot start any token" in problem and char:
        return f"a value cannot begin with `{char}`; quote it"
    if "did not find expected key" in problem:
        return (
            "quote the whole value when it starts with a quote or bracket, "
            "and check this line's indentation"
        )
    if "expected '-' indicator" in problem:
        return "a list item and a `key: value` line are mixed at the same indentation"
    if "could not find expected ':'" in problem:
        return "each line should be `key: value`; quote values that span lines"
    return None


def _aliases(text: str, path: str, offset: int, diags: Diagnostics) -> bool:
    """Report every `*alias` and `<<` merge key where it is written; True if any.

    Reads the event stream only, so nothing is ever expanded. A syntax error
    is left to the composer, which reports it; an alias to an anchor not yet
    defined is reported alone, where the composer would have stopped.
    """
    found: list[tuple[Any, str, str]] = []  # (mark: libyaml's or PyYAML's, message, hint)
    anchors: set[str] = set()
    open_maps: list[int] = []  # per open collection: nodes seen if a mapping, else -1
    merge_value = False
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                open_maps.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            is_key = bool(open_maps) and open_maps[-1] >= 0 and open_maps[-1] % 2 == 0
            if open_maps and open_maps[-1] >= 0:
                open_maps[-1] += 1
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                if event.anchor not in anchors:
                    found = [
                        (mark, f"YAML aliases (`*{event.anchor}`) are not allowed", _ALIAS_HINT)
                    ]
                    break
                if not merge_value:  # `<<: *base` is reported once, as a merge key
                    found.append(
                        (mark, f"YAML aliases (`*{event.anchor}`) are not allowed", _ALIAS_HINT)
                    )
            elif event.anchor is not None:
                anchors.add(event.anchor)
            merge_value = (
                is_key
                and isinstance(event, yaml.ScalarEvent)
                and event.value == "<<"
                and event.implicit[0]
            )
            if merge_value:
                found.append(
                    (
                        event.start_mark,
                        "YAML merge keys (`<<`) are not allowed",
                        "write the keys out",
                    )
                )
            if isinstance(event, yaml.MappingStartEvent):
                open_maps.append(0)
            elif isinstance(event, yaml.SequenceStartEvent):
                open_maps.append(-1)
    except yaml.MarkedYAMLError:
        return False  # the composer reports the syntax error alone, as without aliases
    for mark, message, hint in found[:MAX_REPORTED]:  # events always carry a mark here
        diags.error(path, mark.line + 1 + offset, mark.column + 1, message, hint)
    if len(found) > MAX_REPORTED:
        diags.error(path, 0, 0, f"{len(found) - MAX_REPORTED} more YAML aliases or merge keys")
    return bool(found)


_ALIAS_HINT = "write the value out; to start a value with `*`, quote it"


class _Reader:
    """Turns a composed node tree into YamlValues, reporting what it refuses."""

    def __init__(self, path: str, line_offset: int, diags: Diagnostics) -> None:
        self.path = path
        self.offset = line_offset
        self.diags = diags
        self.seen: set[int] = set()

    def _pos(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def _error(self, node: yaml.Node, message: str, hint: str | None = None) -> None:
        line, col = self._pos(node)
        self.diags.error(self.path, line, col, message, hint)

    def read(self, node: yaml.Node, depth: int) -> YamlValue | None:
        line, col = self._pos(node)
        if depth > MAX_DEPTH:
            self._error(
                node,
                f"YAML nested more than {MAX_DEPTH} levels deep",
                "front matter needs a few levels at most",
            )
            return None
        if id(node) in self.seen:  # an alias that slipped past the event scan
            self._error(node, "YAML aliases (`*name`) are not allowed", "write the value out")
            return None
        self.seen.add(id(node))
        kind = _KINDS.get(node.tag)
        if kind is None:
            tag = node.tag.replace(_TAG, "!!")
            self._error(
                node,
                f"YAML tag `{tag}` is not allowed",
                "remove the tag; only plain strings, numbers, dates, lists and mappings are read",
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, line, col, depth)
        if isinstance(node, yaml.SequenceNode):
            items = [self.read(child, depth + 1) for child in node.value]
            if any(item is None for item in items):
                return None
            return YamlValue(items, line, col, "seq")
        assert isinstance(node, yaml.ScalarNode), node  # the tags above cover seq and map
        return self._scalar(node, kind, line, col)

    def _visible(self, node: yaml.ScalarNode) -> bool:
        """False (reported) when an escape wrote a character `decode` refuses in files:
        `"a\\x1bb"`, `"\\N"`, `"\\uFFFE"` would carry it into pages, feeds and logs."""
        char = bad_char(node.value)
        if char is None:
            return True
        message, _ = describe_char(char)
        self._error(
            node,
            f"{message}, written as an escape",
            "remove the escape: the character is invisible and feeds reject it",
        )
        return False

    def _mapping(self, node: yaml.MappingNode, line: int, col: int, depth: int) -> YamlValue | None:
        result: dict[str, YamlValue] = {}
        ok = True
        for key_node, value_node in node.value:
            if (
                not isinstance(key_node, yaml.ScalarNode)
                or _KINDS.get(key_node.tag) not in _KEY_KINDS
            ):
                self._error(
                    key_node,
                    "keys must be plain words",
                    "write each key as a word followed by `: `",
                )
                ok = False
                continue
            if not self._visible(key_node):
                ok = False
                continue
            key = str(key_node.value)
            if key in result:
                first = result[key]
                self._error(
                    key_node,
                    f"duplicate key `{key}` (first set on line {first.key_line})",
                    "YAML would silently keep only the last one; remove one of them",
                )
                ok = False
                continue
            value = self.read(value_node, depth + 1)
            if value is None:
                ok = False
                continue
            kline, kcol = self._pos(key_node)
            result[key] = replace(value, key_line=kline, key_col=kcol)
        return YamlValue(result, line, col, "map") if ok else None

    def _scalar(self, node: yaml.ScalarNode, kind: str, line: int, col: int) -> YamlValue | None:
        if not self._visible(node):
            return None
        plain = node.style is None or node.style == ""
        construct = _constructor.yaml_constructors[node.tag]
        try:
            value = construct(_constructor, node)
        except (ValueError, OverflowError, TypeError, yaml.constructor.ConstructorError) as exc:
            hint = None
            reason = getattr(exc, "problem", None) or str(exc)
            if kind == "timestamp":
                hint = "use a real calendar date such as 2024-06-23 or 2024-06-23T09:30:00+02:00"
                message = f"impossible date `{node.value}`: {reason}"
            else:
                message = f"cannot read `{node.value}` as {_NAMES[kind][2:]}: {reason}"
            self.diags.error(self.path, line, col, message, hint)
            return None
        return YamlValue(value, line, col, kind, node.value, plain)
