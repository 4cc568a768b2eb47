"""Edits of one register file's text that leave every other byte where it was.

A ``FileEdit`` is made from a file's text and told what to change, by the paths the loader uses
(``("risks", 3, "description")``): a value set (a scalar replaced in place, or a key added to a block
mapping after the keys that come before it), an item appended to a list (after its last item, with the
list's indentation and blank-line spacing, and a comment line above it when asked), an item or key
deleted (with the comment lines right above it). Each edit is placed by the marks of libyaml's events
(``locate``); nothing is re-emitted. Scalars keep their style where it can hold the new value (plain,
single- or double-quoted, literal block); a text of several lines becomes a literal block (``|-``)
indented under its key. ``result`` parses the new text again and refuses it (``WriteError``) unless it
means exactly the old document with those edits.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from yaml import YAMLError

from lianzheng_cli.i18n import messages
from lianzheng_cli.load.parse import load_text
from lianzheng_cli.write.files import WriteError
from lianzheng_cli.write.yamltext import (
    BLOCK_LINE,
    UNPRINTABLE,
    Node,
    Path_,
    block_scalar,
    blockable,
    column_of,
    double_quoted,
    flow_list,
    is_blank,
    line_end,
    line_start,
    locate,
    next_line,
    own_comments_start,
    scalar,
    text_width,
)

tr = messages({
    "edit.unplaceable": {
        "zh": "{file}:{line}：{path} 无法原样修改（流式写法、锚点或别名？），未修改任何文件；请手工修改",
        "en": "{file}:{line}: {path} cannot be edited in place (flow style, an anchor or alias?); "
              "no file was changed; edit it by hand",
    },
    "edit.verify_failed": {
        "zh": "{file}：修改后的内容校验未通过（会改变其他内容），未修改任何文件；请报告此问题",
        "en": "{file}: the edited text failed verification (more would change); no file was changed; "
              "please report this",
    },
})

_COMMENT_AFTER = re.compile(r"([ \t]+)#")
_HEADER_COMMENT = re.compile(r"[ \t]+#.*$")


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _without_none(value: Any) -> Any:
    """A mapping as it is written: keys whose value is None left out (inside its lists too)."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def _shown(path: Path_) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path))


# --- the edits of one file --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Edit:
    start: int
    end: int
    text: str
    rank: tuple[int, int]  # insertions at one place: deeper paths first, then in the order made
    delete: bool = False


@dataclass(slots=True)
class _Append:
    item: dict
    comment: str | None
    notes: dict[str, str]


@dataclass
class FileEdit:
    """The planned edits of one file; ``result`` gives the new text, checked."""

    text: str
    rel: str
    data: Any = None
    nodes: dict[Path_, Node] = field(default_factory=dict)
    newline: str = "\n"

    def __post_init__(self) -> None:
        loaded = load_text(self.text, self.rel)
        if loaded.diagnostics or not isinstance(loaded.data, dict):
            raise WriteError(tr("edit.verify_failed", file=self.rel))
        self.data = loaded.data
        self.expected = copy.deepcopy(loaded.data)
        try:
            self.nodes = locate(self.text)
        except YAMLError:
            raise WriteError(tr("edit.verify_failed", file=self.rel)) from None
        self.newline = "\r\n" if "\r\n" in self.text else "\n"
        self._edits: list[_Edit] = []
        self._appends: dict[Path_, list[_Append]] = {}
        self._deleted: dict[Path_, set[int]] = {}
        self._new_lists: dict[Path_, tuple[str, ...]] = {}
        self._made = 0

    @property
    def changed(self) -> bool:
        return bool(self._edits or self._appends or self._deleted)

    def value(self, path: Path_, default: Any = None) -> Any:
        try:
            return _get(self.data, path)
        except (KeyError, IndexError, TypeError):
            return default

    # --- what can be asked -------------------------------------------------------------------------------

    def set(self, path: Path_, value: Any, *, after: Sequence[str] = ()) -> None:
        """Set the value at ``path``; a key not there is added after the last of the keys ``after`` present
        (the keys that come before it), else after the mapping's last key."""
        parent, key = path[:-1], path[-1]
        if isinstance(self.value(parent), dict) and key in self.value(parent):
            node = self.nodes[path]
            if node.kind == "scalar" and not isinstance(value, (list, dict)):
                self._replace_scalar(path, node, value)
            elif node.kind == "seq" and isinstance(value, list) and not any(isinstance(v, (list, dict)) for v in value):
                self._replace_list(path, node, value)
            else:
                self._unplaceable(path)
        else:
            self._insert_key(path, value, after)
        _get(self.expected, parent)[key] = value

    def append(self, path: Path_, item: dict, *, comment: str | None = None, notes: dict[str, str] | None = None,
               after: Sequence[str] = ()) -> None:
        """Append ``item`` (a mapping) to the list at ``path``; a key not there (or an empty list) is written anew,
        after the last of the keys ``after`` present. ``comment`` becomes a comment line above the item,
        ``notes`` comments after some of its keys (with the spaces before them)."""
        item = _without_none(item)
        parent = self.value(path[:-1])
        if not isinstance(parent, dict):
            self._unplaceable(path)
        current = parent.get(path[-1])
        if path not in self._appends:
            if not current:  # no key, no value, or []: the key and its list are written whole
                self._new_lists[path] = tuple(after)
            elif not isinstance(current, list):
                self._unplaceable(path)
            self._appends[path] = []
        self._appends[path].append(_Append(item, comment, notes or {}))
        target = _get(self.expected, path[:-1])
        if not isinstance(target.get(path[-1]), list):
            target[path[-1]] = []
        target[path[-1]].append(copy.deepcopy(item))

    def delete(self, path: Path_) -> None:
        """Delete a list item (``path`` ends in an index) or a key, with the comment lines right above it."""
        if path not in self.nodes:
            self._unplaceable(path)
        if isinstance(path[-1], int):
            self._deleted.setdefault(path[:-1], set()).add(path[-1])
            return
        node = self.nodes[path]
        key_line = line_start(self.text, node.key_start)
        start = own_comments_start(self.text, key_line, node.key_start - key_line)
        self._add(start, next_line(self.text, node.end), "", path, delete=True)
        del _get(self.expected, path[:-1])[path[-1]]

    def result(self) -> str:
        """The new text; ``WriteError`` unless it parses to exactly the old document with the edits."""
        for path, indexes in self._deleted.items():
            for index in indexes:
                self._delete_item(path, index)
        for path, items in self._appends.items():
            self._place_appends(path, items)
        for path, indexes in self._deleted.items():
            items = _get(self.expected, path)
            for index in sorted(indexes, reverse=True):
                del items[index]
        new_text = self._apply()
        loaded = load_text(new_text, self.rel)
        if loaded.diagnostics or loaded.data != self.expected:
            raise WriteError(tr("edit.verify_failed", file=self.rel))
        return new_text

    # --- placing ----------------------------------------------------------------------------------------

    def _add(self, start: int, end: int, text: str, path: Path_, *, delete: bool = False) -> None:
        self._made += 1
        self._edits.append(_Edit(start, end, text, (-len(path), self._made), delete))

    def _unplaceable(self, path: Path_) -> None:
        node = self.nodes.get(path)
        line = self.text.count("\n", 0, node.start) + 1 if node else 1
        raise WriteError(tr("edit.unplaceable", file=self.rel, line=line, path=_shown(path)))

    def _scalar_text(self, value: Any, style: str, key_column: int, block_indent: int | None) -> str:
        if not isinstance(value, str):
            return scalar(value)
        if blockable(value) or (style == "|" and "\n" not in value and value.strip() and not value[0].isspace()
                                and BLOCK_LINE.match(value)):
            return block_scalar(value, block_indent or key_column + 2, self.newline)
        if "\n" not in value and style == "'" and not UNPRINTABLE.search(value) and value.strip() == value:
            return "'" + value.replace("'", "''") + "'"
        if style == '"':
            return double_quoted(value)
        return scalar(value)

    def _replace_scalar(self, path: Path_, node: Node, value: Any) -> None:
        text = self.text
        if node.style == "*":
            self._unplaceable(path)
        key_column = column_of(text, node.key_start)
        block_indent = None
        start, end = node.start, node.end
        tail = ""  # a comment after the value (or the block header) that stays
        if node.style in ("|", ">"):
            header_end = line_end(text, start)
            comment = _HEADER_COMMENT.search(text[start:header_end])
            tail = comment.group() if comment else ""
            first = next_line(text, start)
            while first < end and is_blank(text, first):
                first = next_line(text, first)
            block_indent = len(text[first:line_end(text, first)]) - len(text[first:line_end(text, first)].lstrip(" "))
            end = line_end(text, end)
            style = "|"
        else:
            style = node.style
        new = self._scalar_text(value, style, key_column, block_indent)
        if new.startswith("|") and node.style not in ("|", ">"):
            # a block after a value with a comment: the comment goes on the header line
            stop = line_end(text, end)
            rest = text[end:stop]
            tail = rest if rest.strip() else ""
            end = stop
        if tail:
            header, nl, body = new.partition(self.newline)
            new = header + tail + nl + body
        elif not new.startswith("|") and "\n" not in text[start:end]:
            comment = _COMMENT_AFTER.match(text, end)
            grow = text_width(new) - text_width(text[start:end])
            if comment and grow and "\t" not in comment.group(1) and len(comment.group(1)) >= 2:
                new += " " * max(1, len(comment.group(1)) - grow)  # an aligned comment keeps its column
                end = comment.end(1)
        if node.start == node.end and not node.style:
            new = " " + new  # `key:` with no value: the value follows the colon
        if text[start:end] != new:
            self._add(start, end, new, path)

    def _replace_list(self, path: Path_, node: Node, values: list) -> None:
        text = self.text
        if node.style == "flow" or not values:
            self._add(node.start, node.end, flow_list(values), path)
            return
        dash = column_of(text, node.start)
        lines = [f"{' ' * dash}- {scalar(v)}" for v in values]
        self._add(line_start(text, node.start), line_end(text, node.end), self.newline.join(lines), path)

    def _mapping(self, path: Path_) -> Node:
        node = self.nodes.get(path)
        if node is None or node.kind != "map" or node.style != "block":
            self._unplaceable(path)
        assert node is not None
        return node

    def _insert_key(self, path: Path_, value: Any, after: Sequence[str]) -> None:
        parent = self._mapping(path[:-1])
        mapping = self.value(path[:-1])
        anchors = [k for k in after if k in mapping] or list(mapping)
        anchor = max((self.nodes[(*path[:-1], k)] for k in anchors), key=lambda n: n.end)
        column = column_of(self.text, parent.start)
        lines = self._key_lines(str(path[-1]), value, column, {})
        self._add(line_end(self.text, anchor.end), line_end(self.text, anchor.end),
                  self.newline + self.newline.join(lines), path)

    def _key_lines(self, key: str, value: Any, column: int, notes: dict[str, str]) -> list[str]:
        pad = " " * column
        note = notes.get(key, "")
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines = [f"{pad}{key}:{note}"]
            for item in value:
                lines += self._item_lines(item, column + 2, column + 4, {})
            return lines
        if isinstance(value, list):
            return [f"{pad}{key}: {flow_list(value)}{note}"]
        if isinstance(value, dict):
            lines = [f"{pad}{key}:{note}"]
            for k, v in value.items():
                lines += self._key_lines(k, v, column + 2, {})
            return lines
        text = self._scalar_text(value, "", column, None)
        if text.startswith("|"):
            header, _, body = text.partition(self.newline)
            return [f"{pad}{key}: {header}{note}", *body.split(self.newline)]
        return [f"{pad}{key}: {text}{note}"]

    def _item_lines(self, item: dict, dash: int, column: int, notes: dict[str, str]) -> list[str]:
        lines: list[str] = []
        for key, value in item.items():
            if value is None:
                continue
            lines += self._key_lines(key, value, column, notes)
        first = lines[0]
        lines[0] = " " * dash + "-" + " " * (column - dash - 1) + first[column:]
        return lines

    def _delete_item(self, path: Path_, index: int) -> None:
        text = self.text
        seq, node = self.nodes[path], self.nodes[(*path, index)]
        if seq.style != "block":
            self._unplaceable(path)
        dash = column_of(text, seq.start)
        line = line_start(text, node.start)
        start = own_comments_start(text, line, dash)
        end = next_line(text, node.end)
        last = index == len(self.value(path)) - 1
        above_blank = start > 0 and is_blank(text, line_start(text, start - 1))
        if above_blank and (last or is_blank(text, end)):
            start = line_start(text, start - 1)  # the blank line that set it apart
        elif not above_blank and not last and end < len(text) and is_blank(text, end):
            end = next_line(text, end)
        self._add(start, end, "", (*path, index), delete=True)

    def _separated(self, path: Path_) -> bool:
        """Whether the list's items are set apart by blank lines (as the last one is from the one before)."""
        items = self.value(path)
        if not isinstance(items, list) or len(items) < 2:
            return False
        seq, node = self.nodes[path], self.nodes[(*path, len(items) - 1)]
        start = own_comments_start(self.text, line_start(self.text, node.start), column_of(self.text, seq.start))
        return start > 0 and is_blank(self.text, line_start(self.text, start - 1))

    def _place_appends(self, path: Path_, items: list[_Append]) -> None:
        text, nl = self.text, self.newline
        if path in self._new_lists:  # no list yet (or an empty one): the key and the items
            column = column_of(text, self._mapping(path[:-1]).start)
            lines = [f"{' ' * column}{path[-1]}:"]
            for entry in items:
                lines += self._entry_lines(entry, column + 2, column + 4)
            mapping = self.value(path[:-1])
            if path[-1] in mapping:  # `measures: []`: the key's line is replaced
                start = line_start(text, self.nodes[path].key_start)
                self._add(start, line_end(text, start), nl.join(lines), path)
                return
            anchors = [k for k in self._new_lists[path] if k in mapping] or list(mapping)
            anchor = max((self.nodes[(*path[:-1], k)] for k in anchors), key=lambda n: n.end)
            at = line_end(text, anchor.end)
            self._add(at, at, nl + nl.join(lines), path)
            return
        current = self.value(path)
        seq = self.nodes[path]
        if seq.style != "block":
            self._unplaceable(path)
        deleted = self._deleted.get(path, set())
        kept = [i for i in range(len(current)) if i not in deleted]
        last = self.nodes[(*path, len(current) - 1)]
        dash = column_of(text, seq.start)
        column = column_of(text, last.start) if last.kind == "map" and last.style == "block" else dash + 2
        separated = self._separated(path)
        chunks = []
        for entry in items:
            chunks.append(([""] if separated else []) + self._entry_lines(entry, dash, column))
        if kept:
            at = line_end(text, self.nodes[(*path, kept[-1])].end)
            self._add(at, at, "".join(nl + nl.join(chunk) for chunk in chunks), path)
        else:  # every item deleted: the new ones where the last one was
            at = next_line(text, last.end)
            body = "".join(nl.join(chunk[1:] if i == 0 and separated else chunk) + nl for i, chunk in enumerate(chunks))
            self._add(at, at, body if at < len(text) or text.endswith("\n") else nl + body, path)

    def _entry_lines(self, entry: _Append, dash: int, column: int) -> list[str]:
        lines = [f"{' ' * dash}{entry.comment}"] if entry.comment else []
        return lines + self._item_lines(entry.item, dash, column, entry.notes)

    def _apply(self) -> str:
        edits = sorted(self._edits, key=lambda e: (e.start, e.end, e.rank))
        merged: list[_Edit] = []
        for edit in edits:
            if merged and merged[-1].delete and edit.delete and edit.start < merged[-1].end:
                merged[-1].end = max(merged[-1].end, edit.end)  # two deletions sharing a blank line
                continue
            if merged and edit.start < merged[-1].end:
                raise WriteError(tr("edit.verify_failed", file=self.rel))
            merged.append(edit)
        pieces = []
        at = 0
        for edit in merged:
            pieces.append(self.text[at:edit.start])
            pieces.append(edit.text)
            at = edit.end
        pieces.append(self.text[at:])
        return "".join(pieces)
