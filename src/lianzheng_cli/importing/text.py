"""Cell text as the register wants it: names without any whitespace, texts with their characters, codes folded.

Names (departments, posts, people, processes, steps, powers) lose every space, NBSP, U+3000 and line
break, inside too (``张  某`` → ``张某``). Texts (risks, measures, duties) keep their characters,
traditional ones included; only Excel's ``_x000D_``, carriage returns and the spaces at the ends of
lines go. Codes fold full-width letters, digits and dashes to ASCII (``ＢＧ－０１`` → ``BG-01``).
"""

from __future__ import annotations

import re
import unicodedata

from lianzheng_cli.importing.headers import FOLD_TRADITIONAL

_ALL_SPACE = re.compile(r"[\s\u200b\ufeff]+|_x000[dD]_")
_CR = re.compile(r"_x000[dD]_\n?|\r\n?")
_LINE_END_SPACE = re.compile(r"[ \t\u00a0\u3000]+(?=\n)")
_BLANK_LINES = re.compile(r"\n{2,}")
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "‐": "-", "‑": "-", "−": "-", "﹣": "-"})
# Full-width punctuation and digits, one character for one, so a pattern written with the ASCII forms
# matches both and its positions hold in the original text (which keeps its characters).
PUNCT_FOLD = str.maketrans("\uff08\uff09\uff1b\uff1a\uff0c\uff0e\uff0f\uff3b\uff3d" + "".join(
    chr(0xFF10 + i) for i in range(10)), "();:,./[]0123456789")
_FULL_WIDTH = re.compile("[\uff08\uff09\uff1b\uff1a\uff0c\uff0e\uff0f\uff3b\uff3d\uff10-\uff19]")


def fold_punct(text: str) -> str:
    """``text`` with ``PUNCT_FOLD`` applied (the same length); most texts need nothing, and cost a search only."""
    return text.translate(PUNCT_FOLD) if _FULL_WIDTH.search(text) else text


_NAME_SEPARATORS = re.compile(r"[、,;/\n]+")
_SEPARATOR_CHARS = "、,;/\n\uff0c\uff1b\uff0f"
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._()-]*$")  # format 1.1 (1.0 without the parentheses)
ID_PATTERN_1_0 = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_NOT_ID_CHAR = re.compile(r"[^A-Za-z0-9._()-]+")

# Cells that say there is nothing: no measure, no value.
NOTHING = frozenset({"", "—", "——", "-", "--", "/", "\\", "无", "暂无", "无。", "没有", "空", "×", "N/A", "n/a"})


def clean_name(text: str) -> str:
    if (" " in text or "\n" in text or "\u3000" in text or "\xa0" in text or "\t" in text or "_x000" in text
            or "\r" in text or "\u200b" in text or "\ufeff" in text or "\x0b" in text or "\x0c" in text):
        return _ALL_SPACE.sub("", text)
    return text if text.isprintable() else _ALL_SPACE.sub("", text)  # other whitespace is unprintable


def clean_text(text: str) -> str:
    """A text cell: line breaks kept as ``\\n``, no ``_x000D_``, no spaces at line ends, no blank lines."""
    text = _CR.sub("\n", text) if ("\r" in text or "_x000" in text) else text
    if " " in text or "\u3000" in text or "\u00a0" in text or "\t" in text:
        text = _LINE_END_SPACE.sub("", text)
    text = text.strip()
    return _BLANK_LINES.sub("\n", text) if "\n\n" in text else text


def is_nothing(text: str) -> bool:
    if len(text) > 6 and not text[:6].isspace():  # longer than any word of NOTHING with its spaces
        return False
    return clean_name(text) in NOTHING


def split_names(text: str) -> list[str]:
    """``科长、副科长`` → two names; each without whitespace; empty and ``—`` left out; order kept, no repeats."""
    if not any(separator in text for separator in _SEPARATOR_CHARS):  # one name: the usual cell
        name = clean_name(text)
        return [name] if name and name not in NOTHING else []
    names: list[str] = []
    start = 0
    folded = fold_punct(text)
    for found in [*_NAME_SEPARATORS.finditer(folded), None]:
        end = found.start() if found is not None else len(text)
        name = clean_name(text[start:end])
        if name and name not in NOTHING and name not in names:
            names.append(name)
        if found is not None:
            start = found.end()
    return names


def fold(text: str) -> str:
    """Full-width forms to half-width and traditional characters of the practice's words to simplified."""
    return unicodedata.normalize("NFKC", text).translate(FOLD_TRADITIONAL)


def fold_code(text: str) -> str:
    """A code as an id would hold it: half-width, ASCII dashes, no whitespace."""
    return clean_name(unicodedata.normalize("NFKC", text).translate(_DASHES))


def sanitize_id(code: str) -> str:
    """The longest readable id in ``code``: other characters become ``-``; ``''`` when nothing is left."""
    cleaned = _NOT_ID_CHAR.sub("-", code).strip("-._()")
    return re.sub(r"-{2,}", "-", cleaned)
