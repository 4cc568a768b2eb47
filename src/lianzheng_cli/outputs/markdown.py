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
_INLINE_CHAR = re.compile(r"[\\`*_\[\]<>|&]")
# What would open a block at the start of a line (a quote's ">" is escaped anywhere): heading, list item.
_LINE_START = re.compile(r"^[^\S\n]*(?:#{1,6}|\++|-+|\d{1,9}[.)])(?=\s|$)", re.MULTILINE)
# @mention and #123 / GH-123 references: a zero-width space after the sign breaks the link, not the text.
_MENTION = re.compile(r"(?<!\w)([@#])(?=[\w\-/])")
_ZWSP = "\u200b"
# The fast path: most texts hold none of these and open no block, and are returned as they are (stripped).
# Two patterns, not one alternation: a character class alone is scanned at C speed.
_SPECIAL = re.compile(r"[\\`*_\[\]<>|&@#\r\n]")
_FIRST_LINE_START = re.compile(r"\s*(?:#{1,6}|\++|-+|\d{1,9}[.)])(?=\s|$)")
# A marker opening a later line: searched from each newline (a literal start, found at C speed), where ``^`` in
# multi-line mode is tried at every character; the substitution runs only when one of the two finds a marker.
_LATER_LINE_START = re.compile(r"\n[^\S\n]*(?:#{1,6}|\++|-+|\d{1,9}[.)])(?=\s|$)")


def md_text(value: Any) -> str:
    """``value`` as Markdown shows it literally, on one line (newlines become ``<br>``).

    The whole text is escaped at once, each step only when the text holds what it escapes; the result is the
    same as escaping line by line (a line-start marker is found per line, ``^`` in multi-line mode).
    """
    text = "" if value is None else str(value)
    if _SPECIAL.search(text) is None and _FIRST_LINE_START.match(text) is None:
        return text.strip()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    # mentions first: once ``_`` is escaped, ``@\_`` would no longer look like one, yet still show as ``@_``
    if "@" in text or "#" in text:
        text = _MENTION.sub("\\1" + _ZWSP, text)
    if _INLINE_CHAR.search(text) is not None:
        text = text.translate(_INLINE)
    # "# ", "- ", "+ ", "1. ", "1) " opening a line: escape the marker's last character
    if _FIRST_LINE_START.match(text) is not None or _LATER_LINE_START.search(text) is not None:
        text = _LINE_START.sub(_escape_marker, text)
    return text.replace("\n", "<br>")


def _escape_marker(start: re.Match) -> str:
    marker = start.group()
    return marker[:-1] + "\\" + marker[-1]


# A Markdown table cell is escaped as running text (``|`` is escaped; a newline would end the row): the same
# function, not a second call (a county's report escapes 750,000 values).
md_cell = md_text


def md_code(text: str) -> str:
    """An id as inline code: backticks inside are replaced, since they would close the span."""
    return "`" + str(text).replace("`", "'").replace("\n", " ") + "`"
