"""Register text as lz writes it, and where each node of a file stands.

``scalar`` writes a value plain where that reads back as the same text, else double-quoted (the importer's
files and every edit use it); ``block_scalar`` writes a text of several lines as a literal block.
``locate`` gives, for every path of a document, the offsets of the node's first character and of the end of
its content (from libyaml's event marks, which count characters), and where its key starts.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from yaml._yaml import CParser
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from lianzheng_cli.load.parse import resolve_plain

Path_ = tuple[str | int, ...]

# A plain scalar cannot start with an indicator or a space, hold ": " or " #", end in ":" or a space, or hold
# control characters; in a flow collection it cannot hold , [ ] { } either.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@` \t\n\r\u00a0\u3000")
_SPACES = frozenset(" \t\n\r\u00a0\u3000\u2028\u2029\x85")
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
# What a double-quoted scalar must escape beyond JSON's escapes: characters the loader refuses written as they are
# (DEL, the C1 controls, U+FFFE/U+FFFF: LZ006) and the ones YAML 1.1 reads as line breaks (NEL, U+2028/2029).
_ESCAPED = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_FLOW_SPECIAL = re.compile(r"[:,\[\]{}#]")
# A line a literal block can hold as it is (its first line may not start with a space: that needs an indicator).
BLOCK_LINE = re.compile("^[^\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]*$")


def scalar(value: object, *, flow: bool = False) -> str:
    """A YAML scalar reading back as ``value``: plain where that reads back as the same text, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if not text or text[0] in _INDICATORS or text[-1] in _SPACES or text[-1] == ":" or ": " in text \
            or " #" in text or UNPRINTABLE.search(text) or (flow and _FLOW_SPECIAL.search(text)) \
            or resolve_plain(text) != text:
        return double_quoted(text)
    return text


def double_quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar that reads back exactly (every character lz's loader refuses or
    YAML reads as a line break escaped)."""
    return _ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def flow_list(values: Iterable[object]) -> str:
    return "[" + ", ".join(scalar(v, flow=True) for v in values) + "]"


def blockable(text: str) -> bool:
    """Whether a literal block holds ``text`` exactly (printable lines; leading spaces get an indicator)."""
    return "\n" in text and text.strip() != "" and all(BLOCK_LINE.match(line) for line in text.split("\n"))


def block_scalar(text: str, indent: int, newline: str = "\n") -> str:
    """``|-`` (or ``|``, ``|+`` as the text ends) and the text's lines at ``indent`` spaces."""
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    lines = body.split("\n")
    indicator = "2" if lines[0].startswith(" ") else ""  # relative to the key, whose lines are indent - 2 deep
    pad = " " * indent
    content = [f"{pad}{line}" if line else "" for line in lines] + [""] * (trailing - 1 if trailing > 1 else 0)
    return f"|{indicator}{chomp}" + newline + newline.join(content)


def text_width(text: str) -> int:
    """Terminal columns of ``text``: wide East Asian characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --- where each node stands -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Node:
    """A node of the document: offsets of its first character and of the end of its content."""

    start: int  # a block sequence: its first '-'; a block mapping: its first key; a block scalar: the '|'
    end: int  # after the last character of its content (trailing blank lines and comments not included)
    kind: str  # scalar | map | seq
    style: str  # a scalar's: '' plain, ', ", |, >, * (an alias); a collection's: flow | block
    key_start: int  # where its key starts (a mapping's value), else its own start


@dataclass(slots=True)
class _Open:
    path: Path_
    start: int
    is_map: bool
    flow: bool
    key_start: int
    end: int
    key: Any = None
    key_at: int = 0
    count: int = 0


def locate(text: str) -> dict[Path_, Node]:
    """Every node of a (valid) document by its path."""
    nodes: dict[Path_, Node] = {}
    stack: list[_Open] = []
    parser: Any = CParser(text)  # its events are untyped

    def child(start: int) -> tuple[Path_, int]:
        if not stack:
            return (), start
        top = stack[-1]
        if top.is_map:
            return (*top.path, top.key), top.key_at
        return (*top.path, top.count), start

    def attach(path: Path_, node: Node) -> None:
        nodes[path] = node
        if stack:
            top = stack[-1]
            top.end = max(top.end, node.end)
            if top.is_map:
                top.key = None
            else:
                top.count += 1

    while True:
        event = parser.get_event()
        kind = type(event)
        if kind is StreamEndEvent:
            return nodes
        if kind is ScalarEvent or kind is AliasEvent:
            start = event.start_mark.index
            top = stack[-1] if stack else None
            if top is not None and top.is_map and top.key is None:
                top.key, top.key_at = (event.value if kind is ScalarEvent else f"*{event.anchor}"), start
                continue
            style = (event.style or "") if kind is ScalarEvent else "*"
            end = event.end_mark.index
            if style in ("|", ">"):
                end = start + len(text[start:end].rstrip())
            path, key_start = child(start)
            attach(path, Node(start, end, "scalar", style, key_start))
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            start = event.start_mark.index
            path, key_start = child(start)
            stack.append(_Open(path, start, kind is MappingStartEvent, bool(event.flow_style), key_start, start))
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            opened = stack.pop()
            end = event.end_mark.index if opened.flow else opened.end
            attach(opened.path, Node(opened.start, end, "map" if opened.is_map else "seq",
                                     "flow" if opened.flow else "block", opened.key_start))


# --- lines ------------------------------------------------------------------------------------------------


def line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def line_end(text: str, pos: int) -> int:
    """Where the line holding ``pos`` ends (before its ``\\r\\n`` or ``\\n``)."""
    end = text.find("\n", pos)
    if end == -1:
        return len(text)
    return end - 1 if end > 0 and text[end - 1] == "\r" else end


def next_line(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end + 1


def column_of(text: str, pos: int) -> int:
    return pos - line_start(text, pos)


def is_blank(text: str, start: int) -> bool:
    """Whether the line starting at ``start`` is empty or only spaces (the end of the text counts as blank)."""
    return text[start:line_end(text, start)].strip(" \t") == "" if start < len(text) else True


def _comment_line(text: str, start: int, indent: int) -> bool:
    line = text[start:line_end(text, start)]
    body = line.lstrip(" ")
    return body.startswith("#") and len(line) - len(body) == indent


def own_comments_start(text: str, start: int, indent: int) -> int:
    """Where the comment lines right above the line at ``start`` at ``indent`` (the item's own) begin."""
    first = start
    while first > 0:
        above = line_start(text, first - 1)
        if not _comment_line(text, above, indent):
            break
        first = above
    return first
