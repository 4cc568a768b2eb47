"""Where a finding stands: libyaml's marks and errors as places inside the file, counted as editors count.

libyaml counts lines at every YAML 1.1 line break (a lone carriage return, NEL, LS, PS besides ``\\n``) and, at the
end of a file without a final line break, one line past the last. Editors, git and CI count by ``\\n``: every place
lz reports is counted that way and lies inside the file. Parser errors are said in the user's language.
"""

from __future__ import annotations

import bisect
import re

from yaml import YAMLError
from yaml.error import Mark, MarkedYAMLError

from lianzheng_cli.i18n import tr


def line_col_at(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# Line breaks as libyaml counts them (YAML 1.1): besides \n and \r\n, a lone \r, NEL, LS and PS.
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def odd_breaks(text: str) -> bool:
    """Whether libyaml counts lines in ``text`` otherwise than by \\n (what editors, git and CI count)."""
    return ("\r" in text and text.count("\r") != text.count("\r\n")) or any(
        b in text for b in ("\x85", "\u2028", "\u2029"))


class _Relines:
    """libyaml's (line, column) in a text with odd line breaks as the line and column counted by \\n."""

    def __init__(self, text: str):
        self._text = text
        self._yaml = [0, *(m.end() for m in _YAML_BREAK.finditer(text))]
        self._lines = [0, *(m.end() for m in re.finditer("\n", text))]

    def __call__(self, line: int, column: int) -> tuple[int, int]:
        start = self._yaml[min(line, len(self._yaml)) - 1]
        offset = min(start + column - 1, len(self._text))
        row = bisect.bisect_right(self._lines, offset)
        return row, offset - self._lines[row - 1] + 1


def reline(text: str, table: dict | None, items: dict | None) -> None:
    """Positions recorded by libyaml's count of lines, counted by \\n instead (rare: only odd line breaks)."""
    place = _Relines(text)
    if table is not None:
        for path, (kl, kc, vl, vc) in table.items():
            table[path] = (*place(kl, kc), *place(vl, vc))
    if items is not None:
        for path, (line, column) in items.items():
            items[path] = place(line, column)


def mark_place(text: str, mark: Mark) -> tuple[int, int]:
    """Line and column (1-based, counted by \\n) of a libyaml mark: always a place inside ``text``.

    libyaml counts the mark's index in characters; its line is one past the last when a file ends without a
    line break (it adds one), so the index is what is trusted. The end of a file that ends with a line break is
    shown at the end of its last line (what an editor, git and CI show as the file's last line).
    """
    index = getattr(mark, "index", None)
    if not (isinstance(index, int) and index >= 0):
        return _end_of_lines(text, *_Relines(text)(mark.line + 1, mark.column + 1))
    index = min(index, len(text))
    if index == len(text) and text.endswith("\n"):
        index -= 1
    return line_col_at(text, index)


def _end_of_lines(text: str, line: int, column: int) -> tuple[int, int]:
    if line > 1 and text.endswith("\n") and line > text.count("\n"):
        return line_col_at(text, len(text) - 1)
    return line, column



# libyaml's problems (matched by substring), each said in the user's language; anything else is "yaml.unknown".
_YAML_PROBLEMS = (
    ("found unexpected end of stream", "yaml.eof_quoted"),
    ("mapping values are not allowed", "yaml.mapping_values"),
    ("did not find expected key", "yaml.expected_key"),
    ("could not find expected ':'", "yaml.expected_colon"),
    ("did not find expected ',' or ']'", "yaml.flow_end"),
    ("did not find expected ',' or '}'", "yaml.flow_end"),
    ("did not find expected '-' indicator", "yaml.block_end"),
    ("did not find expected node content", "yaml.node_content"),
    ("found character that cannot start any token", "yaml.bad_start"),
    ("did not find expected <document start>", "yaml.document_start"),
    ("found unexpected document indicator", "yaml.document_indicator"),
    ("tab character", "yaml.tab"),
    ("escape", "yaml.escape"),
    ("hexdecimal number", "yaml.escape"),
    ("block sequence entries are not allowed", "yaml.sequence_here"),
    ("mapping keys are not allowed", "yaml.key_here"),
    ("did not find expected comment or line break", "yaml.line_end"),
    ("did not find expected whitespace or line break", "yaml.line_end"),
    ("did not find expected alphabetic or numeric character", "yaml.anchor_name"),
    ("directive", "yaml.directive"),
    ("incompatible YAML document", "yaml.directive"),
    ("digit or '.' character", "yaml.directive"),
    ("indentation indicator", "yaml.block_scalar"),
    ("tag", "yaml.tag"),
    ("URI", "yaml.tag"),
    ("UTF-8 octet", "yaml.tag"),
    ("did not find expected '!'", "yaml.tag"),
    ("did not find expected '>'", "yaml.tag"),
)
# Problems best shown where their construct opened (the quote, the bracket, the key), not where the parser gave up.
_AT_CONTEXT = frozenset(("yaml.eof_quoted", "yaml.flow_end", "yaml.expected_colon"))


def yaml_error(exc: MarkedYAMLError, text: str, depth_limit: int) -> tuple[str, int, int, str]:
    """A parser error as (code, line, column, message): LZ001, or LZ005 for libyaml's own nesting bound."""
    problem = exc.problem or exc.context or "?"
    mark = exc.problem_mark or exc.context_mark
    key = next((k for needle, k in _YAML_PROBLEMS if needle in problem), None)
    if key in _AT_CONTEXT and exc.context_mark is not None:
        mark = exc.context_mark
    line, col = mark_place(text, mark) if mark is not None else (1, 1)
    if key in (None, "yaml.bad_start") and _char_at(text, line, col) == "\t":
        key = "yaml.tab"
    if "maximum nesting depth" in problem:  # libyaml's own bound, lower in some builds than ours
        return "LZ005", line, col, tr("LZ005.depth", limit=depth_limit)
    return "LZ001", line, col, tr("LZ001", problem=tr(key or "yaml.unknown", problem=problem))


def reader_error(exc: YAMLError, text: str) -> tuple[str, int, int, str]:
    """A problem of libyaml's reader (it counts bytes of UTF-8), or any other error of the parser, located."""
    position = getattr(exc, "position", None)
    line, col = 1, 1
    if isinstance(position, int) and position >= 0:
        line, col = line_col_at(text, len(text.encode("utf-8")[:position].decode("utf-8", errors="ignore")))
    return "LZ001", line, col, tr("LZ001", problem=tr("yaml.unknown", problem=str(exc)))


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line)
    return lines[line - 1][column - 1: column] if line <= len(lines) else ""
