"""Load one register file: bytes → plain Python values, safely, as YAML 1.2.

libyaml's C parser (through PyYAML's binding) produces events; this module
builds the values itself with the YAML 1.2 core-schema rules (libyaml's own
resolver is YAML 1.1: ``no`` would become false, ``010`` eight). The event
walk is iterative, so depth and alias expansion are bounded and no input can
cause a ``RecursionError`` or execute a tag.

Positions are not kept on the fast path: a loaded value is plain data. When a
finding needs a line and column, :func:`positions_of` parses that one file
again recording every path's position (milliseconds per file).
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from sys import intern
from typing import Any, NoReturn

from yaml import YAMLError
from yaml._yaml import CParser
from yaml.error import Mark, MarkedYAMLError
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.i18n import tr
from lianzheng_cli.load.places import line_col_at, mark_place, odd_breaks, reader_error, reline, yaml_error

MAX_DEPTH = 100
# Alias expansion may add at most this many values beyond the file's own size
# (a real register hardly uses aliases; a billion-laughs file hits it at once).
ALIAS_ALLOWANCE = 100_000

Path_ = tuple[str | int, ...]

# Characters an .xlsx cell (XML 1.0) cannot hold; YAML forbids most of them too.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Every character libyaml's reader refuses: the C0 controls above, DEL, the C1 controls but NEL, surrogates and
# the non-characters U+FFFE and U+FFFF. Found before the parse, so none of them reaches libyaml as a reader error.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# A file larger than this is refused before it is parsed (a department of a county is ~0.5 MB; a whole county
# in one file, 50 MB, still loads).
MAX_FILE_BYTES = 128 << 20

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    ".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
    "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
    "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}
# Only plain scalars starting with one of these can be anything but a string.
_MAYBE_NOT_STR = frozenset("0123456789+-.~nNtTfF")

_CORE = "tag:yaml.org,2002:"
_COLLECTION_TAGS = frozenset((None, "!", _CORE + "map", _CORE + "seq"))


def resolve_plain(text: str) -> Any:
    """A plain (unquoted) scalar's value by the YAML 1.2 core schema."""
    if not text:
        return None
    first = text[0]
    if first not in _MAYBE_NOT_STR:
        return text
    if "0" <= first <= "9" and text.isascii():
        # The common cases first: scores like 4, and dates (strings in YAML 1.2).
        if text.isdigit():
            return int(text)
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return text
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
        return int(text)
    if _OCT.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text):
        return float(text)
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    return text


class _Abort(Exception):
    """Stops a parse after a fatal finding has been recorded."""


@dataclass(slots=True)
class Loaded:
    """One file's values (``None`` when it could not be loaded) and findings."""

    rel: str
    data: Any
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _diag(rel: str, code: str, line: int, column: int, message: str) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, rel, line, column, message)


def decode(raw: bytes, rel: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text (a BOM is dropped), or the encoding mistake Windows users make."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return None, [_diag(rel, "LZ002", 1, 1, tr("LZ002.utf16", encoding="UTF-32"))]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (len(raw) >= 2 and (raw[0] == 0 or raw[1] == 0)):
        return None, [_diag(rel, "LZ002", 1, 1, tr("LZ002.utf16", encoding="UTF-16"))]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = line_col_at(good, len(good))
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            return None, [_diag(rel, "LZ002", line, col, tr("LZ002.invalid"))]
        return None, [_diag(rel, "LZ002", line, col, tr("LZ002.gb18030"))]


def load(raw: bytes, rel: str, *, items: dict | None = None) -> Loaded:
    """Decode and parse one register file; ``items`` (if given) receives where each list item starts."""
    if len(raw) > MAX_FILE_BYTES:
        return Loaded(rel, None, [_diag(rel, "LZ005", 1, 1, tr("LZ005.size", size=_megabytes(len(raw)),
                                                               limit=_megabytes(MAX_FILE_BYTES)))])
    text, diagnostics = decode(raw, rel)
    if text is None:
        return Loaded(rel, None, diagnostics)
    return load_text(text, rel, items=items)


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):.0f}" if size >= 10 << 20 else f"{size / (1 << 20):.1f}"


def load_text(text: str, rel: str, *, items: dict | None = None) -> Loaded:
    """Parse one file's text: its values, or its findings (every problem libyaml could raise is one of them)."""
    diagnostics = [_refused(rel, text, m) for m in itertools.islice(_REFUSED.finditer(text), 20)]
    if diagnostics:
        return Loaded(rel, None, diagnostics)
    data = _walk(text, rel, diagnostics, None, items)
    if data is None and not diagnostics:
        diagnostics.append(_diag(rel, "LZ007", 1, 1, tr("LZ007")))
    return Loaded(rel, data if not diagnostics else None, diagnostics)


def _refused(rel: str, text: str, match: re.Match) -> Diagnostic:
    """A character libyaml refuses, named at its place: a control character, or one no text may hold."""
    char = match.group()
    key = "LZ006.control" if _CONTROL.fullmatch(char) else "LZ006.character"
    return _diag(rel, "LZ006", *line_col_at(text, match.start()), tr(key, codepoint=ord(char)))


# A top-level key as the register's files write it: at column 0, plain, then `:` and a space or the line's end.
_TOP_KEY = re.compile(rb"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?:[ \t\r\n]|$)")
# A line that starts at column 0 with something other than a comment or a sequence item (`- `), after its
# line break (found far faster than with ^ and MULTILINE).
_COLUMN_0 = re.compile(rb"\n(?:[^ \t\r\n#-]|-[^ \t\r\n])")
# Line breaks libyaml reads besides \n and \r\n: NEL, LS, PS in UTF-8 (a lone \r is counted apart).
_OTHER_BREAKS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


def load_keys(raw: bytes, rel: str, keys: Collection[str]) -> dict[str, Any] | None:
    """The values of ``keys`` (top-level keys) of one file, without building the others; None when the file is
    not written so that this can be done exactly (the caller loads it whole, and reports its findings).

    When the whole file loads without findings, the result equals its values restricted to ``keys``. Each
    top-level entry starts at a column-0 line ``key:``; an entry wanted is loaded on its own (an alias to
    another entry is refused), and every entry before the last one wanted must parse on its own, so that no
    line taken for a key is inside a quoted or flow value. Findings inside values not wanted are not looked
    for. A file written otherwise (JSON, quoted keys, document markers, directives, UTF-16) gives None.
    """
    raw = raw.removeprefix(codecs.BOM_UTF8)
    if len(raw) > MAX_FILE_BYTES or b"\0" in raw[:2] or _other_breaks(raw):
        return None
    entries = _top_level_entries(raw)
    if not entries or len({key for key, _ in entries}) != len(entries):
        return None  # nothing, or a duplicate key (a finding of the whole file)
    wanted = {i for i, (key, _) in enumerate(entries) if key in keys}
    values: dict[str, Any] = {}
    for i, (key, entry) in enumerate(entries[: max(wanted) + 1] if wanted else ()):
        if i not in wanted:
            if not _parses(entry):
                return None
            continue
        try:
            text = entry.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if _CONTROL.search(text):
            return None
        found: list[Diagnostic] = []
        value = _walk(text, rel, found, None)
        if found or not isinstance(value, dict) or list(value) != [key]:
            return None
        values[key] = value[key]
    return values


def _top_level_entries(raw: bytes) -> list[tuple[str, bytes]] | None:
    """``(key, bytes)`` of each top-level entry, cut where a line starts one; None if a column-0 line is neither
    a plain key, a comment nor a sequence item, or if anything but comments comes before the first key."""
    starts: list[tuple[str, int]] = []
    first = [0] if _COLUMN_0.match(b"\n" + raw[:2]) else []
    for start in (*first, *(found.start() + 1 for found in _COLUMN_0.finditer(raw))):
        match = _TOP_KEY.match(raw, start)
        if match is None:
            return None
        starts.append((match.group(1).decode("ascii"), start))
    if not starts or any(line.strip() and not line.lstrip().startswith(b"#")
                         for line in raw[: starts[0][1]].split(b"\n")):
        return None
    ends = [start for _, start in starts[1:]] + [len(raw)]
    return [(key, raw[start:end]) for (key, start), end in zip(starts, ends, strict=True)]


def _other_breaks(raw: bytes) -> bool:
    return (b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n")) or any(b in raw for b in _OTHER_BREAKS)


def _parses(entry: bytes) -> bool:
    try:
        CParser(entry).raw_parse()
    except YAMLError:
        return False
    return True


class Positions:
    """Where each value of one file stands: path → (key line, key col, value line, value col).

    ``data`` holds the file's values as parsed along the way.
    """

    def __init__(self, table: dict[Path_, tuple[int, int, int, int]], data: Any = None):
        self._table = table
        self.data = data

    def find(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column of ``path`` (of its key when ``key``); the nearest existing parent otherwise."""
        path = tuple(path)
        while path and path not in self._table:
            path = path[:-1]
        entry = self._table.get(path, (1, 1, 1, 1))
        return (entry[0], entry[1]) if key else (entry[2], entry[3])


def positions_of(text: str) -> Positions:
    table: dict[Path_, tuple[int, int, int, int]] = {(): (1, 1, 1, 1)}
    data = _walk(text, "", [], table)
    return Positions(table, data)


class _Frame:
    __slots__ = ("anchor", "col", "is_map", "key", "key_col", "key_line", "key_lines", "line", "size", "value")

    def __init__(self, value, is_map, anchor, line, col):
        self.value = value
        self.is_map = is_map
        self.key = _NO_KEY
        self.key_line = self.key_col = 0
        self.size = 1
        self.anchor = anchor
        self.line = line
        self.col = col
        self.key_lines: dict[str, int] = {} if is_map else _NO_KEYS


_NO_KEY = object()
_NOTHING = object()
_NO_KEYS: dict[str, int] = {}  # a sequence's key_lines: never written (only a mapping has keys)


def _walk(text: str, rel: str, diagnostics: list[Diagnostic], positions: dict | None, items: dict | None = None) -> Any:
    """Build the document's value from libyaml events; findings go to ``diagnostics``.

    ``positions`` receives every path's position; ``items`` only where the objects of the
    register's lists start (people, risks … and their measures and steps): enough to
    locate most findings without parsing the file again, at a fraction of the cost.
    """
    parser = CParser(text)
    try:
        data = _build(parser, text, rel, diagnostics, positions, items)
    except _Abort:
        return None
    except MarkedYAMLError as exc:
        diagnostics.append(_diag(rel, *yaml_error(exc, text, MAX_DEPTH)))
        return None
    except YAMLError as exc:  # the reader's own errors: characters are checked before, this is the safety net
        diagnostics.append(_diag(rel, *reader_error(exc, text)))
        return None
    if (positions or items) and odd_breaks(text):
        reline(text, positions, items)
    return data


def _build(parser, text, rel, diagnostics, positions, items):
    stack: list[_Frame] = []
    path: list[object] = []  # kept only when recording positions: keys (a frame's key is typed object) and indexes
    anchors: dict[str, tuple[Any, int]] = {}
    budget = len(text) + ALIAS_ALLOWANCE
    root: Any = _NOTHING
    documents = 0

    def fail(code: str, mark: Mark, message: str) -> NoReturn:
        diagnostics.append(_diag(rel, code, *mark_place(text, mark), message))
        raise _Abort

    while True:
        event = parser.get_event()
        kind = type(event)
        if kind is ScalarEvent:
            mark = event.start_mark
            top = stack[-1] if stack else None
            if top is not None and top.is_map and top.key is _NO_KEY:
                # A mapping key: always text, whatever it looks like; one copy of each (a county
                # register repeats `id`, `title` … a million times).
                key = intern(event.value)
                if event.tag not in (None, "!", _CORE + "str"):
                    fail("LZ004", mark, tr("LZ004", tag=_short_tag(event.tag)))
                first = top.key_lines.get(key)
                if first is not None:
                    fail("LZ003", mark, tr("LZ003", key=key, first_line=first))
                top.key_lines[key] = mark.line + 1
                top.key = key
                top.key_line, top.key_col = mark.line + 1, mark.column + 1
                continue
            tag = event.tag
            if tag is None:
                value = resolve_plain(event.value) if event.style is None or event.style == "" else event.value
                if value.__class__ is str and len(value) <= 12:
                    value = intern(value)  # dates, enum words and ids recur throughout a register
            else:
                value = _tagged(event, fail)
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
            size = 1
            line, col = mark.line + 1, mark.column + 1
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            mark = event.start_mark
            if event.tag not in _COLLECTION_TAGS:
                fail("LZ004", mark, tr("LZ004", tag=_short_tag(event.tag)))
            if len(stack) >= MAX_DEPTH:
                fail("LZ005", mark, tr("LZ005.depth", limit=MAX_DEPTH))
            top = stack[-1] if stack else None
            if top is not None and top.is_map and top.key is _NO_KEY:
                fail("LZ005", mark, tr("LZ005.complex_key"))
            if positions is not None and top is not None:
                path.append(top.key if top.is_map else len(top.value))
            is_map = kind is MappingStartEvent
            if (items is not None and is_map and (len(stack) == 2 or len(stack) == 4)
                    and top is not None and not top.is_map):
                where = tuple(f.key if f.is_map else len(f.value) for f in stack)
                items[where] = (mark.line + 1, mark.column + 1)
            stack.append(_Frame({} if is_map else [], is_map, event.anchor, mark.line + 1, mark.column + 1))
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            frame = stack.pop()
            if positions is not None and stack:
                path.pop()
            value, size, line, col = frame.value, frame.size, frame.line, frame.col
            if frame.anchor is not None:
                anchors[frame.anchor] = (value, size)
        elif kind is AliasEvent:
            mark = event.start_mark
            if event.anchor not in anchors:
                fail("LZ005", mark, tr("LZ005.undefined_alias", name=event.anchor))
            value, size = anchors[event.anchor]
            budget -= size
            if budget < 0:
                fail("LZ005", mark, tr("LZ005.aliases"))
            top = stack[-1] if stack else None
            if top is not None and top.is_map and top.key is _NO_KEY:
                if not isinstance(value, str):
                    fail("LZ005", mark, tr("LZ005.complex_key"))
                # An aliased key is rare enough to treat as its text.
                top.key, top.key_line, top.key_col = value, mark.line + 1, mark.column + 1
                continue
            line, col = mark.line + 1, mark.column + 1
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                fail("LZ008", event.start_mark, tr("LZ008"))
            version = event.version
            if version is not None and version[0] == 1 and version[1] < 2:
                fail("LZ006", event.start_mark, tr("LZ006.version", version=f"{version[0]}.{version[1]}"))
            continue
        elif kind is StreamEndEvent:
            return None if root is _NOTHING else root
        else:
            continue

        # A complete value: attach it to its parent.
        if not stack:
            root = value
            continue
        top = stack[-1]
        top.size += size
        if top.is_map:
            if positions is not None:
                positions[(*path, top.key)] = (top.key_line, top.key_col, line, col)
            top.value[top.key] = value
            top.key = _NO_KEY
        else:
            if positions is not None:
                positions[(*path, len(top.value))] = (line, col, line, col)
            top.value.append(value)


def _short_tag(tag: str) -> str:
    """A tag as the user wrote it: ``!!python/…`` rather than ``tag:yaml.org,2002:python/…``."""
    return tag.replace(_CORE, "!!", 1)


def _tagged(event, fail) -> Any:
    """A scalar with an explicit tag: only the core schema's own tags are allowed."""
    tag, text = event.tag, event.value
    if tag in ("!", _CORE + "str"):
        return text
    if tag == _CORE + "int" and (_INT.fullmatch(text) or _OCT.fullmatch(text) or _HEX.fullmatch(text)):
        return resolve_plain(text)
    if tag == _CORE + "float" and (_FLOAT.fullmatch(text) or text in _SPECIAL_FLOATS):
        return float(_SPECIAL_FLOATS.get(text, text))
    if tag == _CORE + "bool" and (text in _TRUE or text in _FALSE):
        return text in _TRUE
    if tag == _CORE + "null" and text in _NULLS:
        return None
    fail("LZ004", event.start_mark, tr("LZ004", tag=_short_tag(tag)))


