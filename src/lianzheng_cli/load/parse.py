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
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from sys import intern
from typing import Any, NoReturn

import yaml._yaml as _cyaml
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
_TEXT_TAGS = frozenset(("!", _CORE + "str"))


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
    __slots__ = ("anchor", "is_map", "key", "key_mark", "key_marks", "mark", "size", "value")

    def __init__(self, value, is_map, anchor, mark):
        self.value = value
        self.is_map = is_map
        self.key = _NO_KEY
        self.key_mark: Any = None  # where the key being filled stands: kept only when recording positions
        self.size = 1
        self.anchor = anchor
        self.mark = mark  # where the collection starts
        self.key_marks: dict[str, Mark] = {} if is_map else _NO_KEYS  # where each key stands


_NO_KEY = object()
_NOTHING = object()
# One copy of each list item's path, ("risks", 3), ("risks", 3, "measures", 1) …, for all files: a county's 256,000
# item positions have 1,800 distinct paths (16 MB of tuples otherwise, kept with the model).
_PATHS: dict[tuple, tuple] = {}


def shared_paths(items: dict[tuple, tuple[int, int]]) -> dict[tuple, tuple[int, int]]:
    """``items`` (where list items start, as ``load`` records them) keyed by the one copy of each path: for
    positions that were marshalled (from a worker, from the cache)."""
    return {_PATHS.setdefault(path, path): at for path, at in items.items()}
_NO_KEYS: dict[str, Mark] = {}  # a sequence's key_marks: never written (only a mapping has keys)


def _walk(text: str, rel: str, diagnostics: list[Diagnostic], positions: dict | None, items: dict | None = None) -> Any:
    """Build the document's value from libyaml events; findings go to ``diagnostics``.

    ``positions`` receives every path's position; ``items`` only where the objects of the
    register's lists start (people, risks … and their measures and steps): enough to
    locate most findings without parsing the file again, at a fraction of the cost.
    """
    try:
        with _event_shapes() as fast:
            parser = CParser(text)
            data = _build(parser.get_event if fast else _Shaped(parser).get_event, text, rel, diagnostics,
                          positions, items)
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


# The events of scalars and collections, as _build reads them. PyYAML's C parser makes each event by calling the
# event class it finds in its module (a Python ``__init__`` setting six or seven attributes: a third of the parse
# on a county register); while a file is walked those names give plain tuples instead:
#   scalar: (anchor, tag, implicit, value, start_mark, end_mark, style), the constructor's own arguments
#   mapping or sequence start: [anchor, tag, start_mark, is_map] (a list: told from a scalar by its type)
#   mapping or sequence end: _END
# The other events (stream, document, alias) stay PyYAML's. Nothing else runs while the names are swapped (no
# thread parses YAML); a PyYAML that makes its events otherwise is detected once, and its events are then
# reshaped one by one (``_Shaped``): slower, the same values.
_END = object()


def _scalar(*args: Any) -> tuple:
    return args


def _mapping_start(anchor, tag, implicit, start_mark, end_mark, flow_style) -> list:
    return [anchor, tag, start_mark, True]


def _sequence_start(anchor, tag, implicit, start_mark, end_mark, flow_style) -> list:
    return [anchor, tag, start_mark, False]


def _collection_end(start_mark, end_mark) -> object:
    return _END


_SHAPES = {"ScalarEvent": _scalar, "MappingStartEvent": _mapping_start, "SequenceStartEvent": _sequence_start,
           "MappingEndEvent": _collection_end, "SequenceEndEvent": _collection_end}


@contextmanager
def _event_shapes() -> Iterator[bool]:
    """Let the C parser make events in ``_build``'s shapes; yields False (nothing swapped) where it cannot."""
    if not _shapes_work():
        yield False
        return
    saved = {name: getattr(_cyaml, name) for name in _SHAPES}
    try:
        for name, make in _SHAPES.items():
            setattr(_cyaml, name, make)
        yield True
    finally:
        for name, original in saved.items():
            setattr(_cyaml, name, original)


@cache
def _shapes_work() -> bool:
    """Whether this PyYAML's C parser makes its events through the swapped names, with these arguments."""
    saved = {name: getattr(_cyaml, name, None) for name in _SHAPES}
    if any(value is None for value in saved.values()):
        return False
    try:
        for name, make in _SHAPES.items():
            setattr(_cyaml, name, make)
        parser: Any = CParser("k: [v]\n")  # its events are untyped
        events = [parser.get_event() for _ in range(8)]
    except Exception:
        return False
    finally:
        for name, original in saved.items():
            setattr(_cyaml, name, original)
    shapes = [e if e is _END else (len(e), e[-1]) if type(e) in (tuple, list) else type(e) for e in events]
    ok = shapes[2:7] == [(4, True), (7, ""), (4, False), (7, ""), _END] and events[3][3] == "k" and shapes[7] is _END
    ok = ok and type(events[2]) is list and type(events[3]) is tuple
    return ok and events[3][4].line == 0 and events[5][4].column == 4


class _Shaped:
    """A parser whose events are reshaped after the fact, for a PyYAML where the names cannot be swapped."""

    def __init__(self, parser: Any):
        self._parser = parser

    def get_event(self) -> Any:
        event: Any = self._parser.get_event()
        kind = type(event)
        if kind is ScalarEvent:
            return (event.anchor, event.tag, event.implicit, event.value, event.start_mark, event.end_mark,
                    event.style)
        if kind is MappingStartEvent or kind is SequenceStartEvent:
            return [event.anchor, event.tag, event.start_mark, kind is MappingStartEvent]
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            return _END
        return event


def _build(get_event, text, rel, diagnostics, positions, items):
    stack: list[_Frame] = []
    path: list[object] = []  # kept only when recording positions: keys (a frame's key is typed object) and indexes
    anchors: dict[str, tuple[Any, int]] = {}
    budget = len(text) + ALIAS_ALLOWANCE
    root: Any = _NOTHING
    documents = 0

    def fail(code: str, mark: Mark, message: str) -> NoReturn:
        diagnostics.append(_diag(rel, code, *mark_place(text, mark), message))
        raise _Abort

    top: _Frame | None = None  # stack[-1]
    while True:
        event = get_event()
        if type(event) is tuple:  # a scalar
            anchor, tag, _, text_value, mark, _, style = event
            if top is not None and top.key is _NO_KEY and top.is_map:
                # A mapping key: always text, whatever it looks like; one copy of each (a county
                # register repeats `id`, `title` … a million times).
                key = intern(text_value)
                if tag is not None and tag not in _TEXT_TAGS:
                    fail("LZ004", mark, tr("LZ004", tag=_short_tag(tag)))
                key_marks = top.key_marks
                if key in key_marks:
                    fail("LZ003", mark, tr("LZ003", key=key, first_line=key_marks[key].line + 1))
                key_marks[key] = mark
                top.key = key
                if positions is not None:
                    top.key_mark = mark
                continue
            if tag is None:
                if style or (text_value and text_value[0] not in _MAYBE_NOT_STR):
                    value = text_value  # quoted, or plain text that can be nothing else
                else:
                    value = resolve_plain(text_value)
                if value.__class__ is str and len(value) <= 12:
                    value = intern(value)  # dates, enum words and ids recur throughout a register
            else:
                value = _tagged(tag, text_value, mark, fail)
            if anchor is not None:
                anchors[anchor] = (value, 1)
            size = 1
            at = mark
        elif event is _END:
            frame = stack.pop()
            top = stack[-1] if stack else None
            if positions is not None and top is not None:
                path.pop()
            value, size, at = frame.value, frame.size, frame.mark
            if frame.anchor is not None:
                anchors[frame.anchor] = (value, size)
        elif type(event) is list:  # a mapping or a sequence starts
            anchor, tag, mark, is_map = event
            if tag not in _COLLECTION_TAGS:
                fail("LZ004", mark, tr("LZ004", tag=_short_tag(tag)))
            if len(stack) >= MAX_DEPTH:
                fail("LZ005", mark, tr("LZ005.depth", limit=MAX_DEPTH))
            if top is not None and top.is_map and top.key is _NO_KEY:
                fail("LZ005", mark, tr("LZ005.complex_key"))
            if positions is not None and top is not None:
                path.append(top.key if top.is_map else len(top.value))
            if (items is not None and is_map and (len(stack) == 2 or len(stack) == 4)
                    and top is not None and not top.is_map):
                where = tuple(f.key if f.is_map else len(f.value) for f in stack)
                items[_PATHS.setdefault(where, where)] = (mark.line + 1, mark.column + 1)
            top = _Frame({} if is_map else [], is_map, anchor, mark)
            stack.append(top)
            continue
        else:
            kind = type(event)
            if kind is AliasEvent:
                mark = event.start_mark
                if event.anchor not in anchors:
                    fail("LZ005", mark, tr("LZ005.undefined_alias", name=event.anchor))
                value, size = anchors[event.anchor]
                budget -= size
                if budget < 0:
                    fail("LZ005", mark, tr("LZ005.aliases"))
                if top is not None and top.is_map and top.key is _NO_KEY:
                    if not isinstance(value, str):
                        fail("LZ005", mark, tr("LZ005.complex_key"))
                    # An aliased key is rare enough to treat as its text.
                    top.key, top.key_mark = value, mark
                    continue
                at = mark
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
        if top is None:
            root = value
            continue
        top.size += size
        if top.is_map:
            if positions is not None:
                key_at = top.key_mark
                positions[(*path, top.key)] = (key_at.line + 1, key_at.column + 1, at.line + 1, at.column + 1)
            top.value[top.key] = value
            top.key = _NO_KEY
        else:
            if positions is not None:
                positions[(*path, len(top.value))] = (at.line + 1, at.column + 1, at.line + 1, at.column + 1)
            top.value.append(value)


def _short_tag(tag: str) -> str:
    """A tag as the user wrote it: ``!!python/…`` rather than ``tag:yaml.org,2002:python/…``."""
    return tag.replace(_CORE, "!!", 1)


def _tagged(tag: str, text: str, mark: Mark, fail) -> Any:
    """A scalar with an explicit tag: only the core schema's own tags are allowed."""
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
    fail("LZ004", mark, tr("LZ004", tag=_short_tag(tag)))


