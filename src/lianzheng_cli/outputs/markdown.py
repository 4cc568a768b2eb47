"""Register text made safe for Markdown that is posted where others read it (pull-request comments, reports).

Text from a register is shown literally: it can open no heading, list item, quote, table row, link,
image, HTML element or details block, and it notifies nobody (``@team``) and links no issue (``#12``).
Every Markdown output escapes through :func:`md_text`; there is no second copy of these rules.
"""

from __future__ import annotations

import re
from typing import Any

# Characters with a meaning anywhere in a line: emphasis, code, links, HTML, tables, entities.
_INLINE = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|&"})
# What would open a block at the start of a line (a quote's ">" is escaped anywhere): heading, list item.
_LINE_START = re.compile(r"^\s*(?:#{1,6}|\++|-+|\d{1,9}[.)])(?=\s|$)")
# @mention and #123 / GH-123 references: a zero-width space after the sign breaks the link, not the text.
_MENTION = re.compile(r"(?<!\w)([@#])(?=[\w\-/])")
_ZWSP = "\u200b"
# The fast path: most texts hold none of these, and are returned as they are.
_SPECIAL = re.compile(r"[\\`*_\[\]<>|&@#\r\n+\-]|^\s*\d+[.)]")


def md_text(value: Any) -> str:
    """``value`` as Markdown shows it literally, on one line (newlines become ``<br>``)."""
    text = "" if value is None else str(value)
    if not _SPECIAL.search(text):
        return text.strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return "<br>".join(_line(line) for line in text.split("\n"))


def _line(line: str) -> str:
    line = line.translate(_INLINE)
    start = _LINE_START.match(line)
    if start:  # "# ", "- ", "+ ", "1. ", "1) ": escape the marker's last character
        end = start.end() - 1
        line = line[:end] + "\\" + line[end:]
    return _MENTION.sub(lambda m: m.group(1) + _ZWSP, line)


def md_cell(value: Any) -> str:
    """A Markdown table cell: like :func:`md_text` (``|`` is escaped; a newline would end the row)."""
    return md_text(value)


def md_code(text: str) -> str:
    """An id as inline code: backticks inside are replaced, since they would close the span."""
    return "`" + str(text).replace("`", "'").replace("\n", " ") + "`"
