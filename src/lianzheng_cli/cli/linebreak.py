"""Line breaking for Chinese in rich's text: a line may break between any two Chinese characters.

rich breaks lines at spaces only, so a Chinese sentence (which has none) is one long "word": in a
narrow column it is cut off with "…", or it leaves a half-empty line before it. Here every Chinese
character is a place to break, as Chinese typesetting does, with its one rule (禁则): no line starts
with a closing mark (，。、；：？！）」》 …) and none ends with an opening one (（「《 …). Latin words,
paths and options still break only at spaces, never inside.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import rich.text
from rich.cells import cell_len, chop_cells

_WIDE = "\u2e80-\u2fff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
# Marks a line may not start with, and marks it may not end with (full-width and ASCII).
_CLOSING = ("\uff0c\u3002\u3001\uff1b\uff1a\uff1f\uff01\uff09\uff3d\uff5d\u300d\u300f\u300b\u3009\u3011\u3015"
            "\u201d\u2019\u2026\u2014\uff05\u00b7\u30fc\u301c,.;:?!)]}%")
_OPENING = "\uff08\uff3b\uff5b\u300c\u300e\u300a\u3008\u3010\u3014\u201c\u2018([{"

# A unit is what a line may not break inside: opening marks, then one Chinese character or one run of
# other characters up to a space or a Chinese character, then closing marks, then the spaces after it.
_UNIT = re.compile(
    rf"\s*[{re.escape(_OPENING)}]*"
    rf"(?:[{_WIDE}]|[^\s{_WIDE}]+)"
    rf"[{re.escape(_CLOSING)}]*\s*"
)


def units(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, unit)`` for each unbreakable piece of ``text``, as rich's ``words`` gives words."""
    position = 0
    while position < len(text):
        match = _UNIT.match(text, position)
        if match is None or match.end() == position:  # only spaces left: they go with the last unit
            return
        yield match.start(), match.end(), match.group(0)
        position = match.end()


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """rich's ``divide_line`` (the offsets to break ``text`` at for ``width`` cells), breaking between units.

    A line's trailing spaces must fit too: rich trims them by characters, not cells, so a Chinese line
    ending in a space one cell too wide would be cut off with "…".
    """
    breaks: list[int] = []
    offset = 0
    end_of_text = len(text.rstrip())
    for start, end, unit in units(text):
        bare, full = cell_len(unit.rstrip()), cell_len(unit)
        if offset + (bare if end >= end_of_text else full) <= width:
            offset += full
        elif bare > width:  # longer than any line: fold it (or let it be cropped)
            if fold:
                pieces = chop_cells(unit, width)
                for index, piece in enumerate(pieces):
                    if start:
                        breaks.append(start)
                    if index == len(pieces) - 1:
                        offset = cell_len(piece)
                    else:
                        start += len(piece)
            else:
                if start:
                    breaks.append(start)
                offset = full
        elif offset and start:
            breaks.append(start)
            offset = full
    return breaks


@contextmanager
def chinese_line_breaking() -> Iterator[None]:
    """While in this block, rich wraps text with ``divide_line`` above (help screens and error panels)."""
    original = rich.text.divide_line
    rich.text.divide_line = divide_line
    try:
        yield
    finally:
        rich.text.divide_line = original
