"""A 防控措施 cell as its measures: split at list markers, stage tags taken out.

A measure starts at a list marker at the start of a line (``1、`` ``1.`` ``1.`` ``1.`` ``(1)`` ``⑴``
``①`` ``⒈`` ``(一)`` ``一、`` ``●`` ``◆`` ``- ``), or, within a line, at a marker or stage tag
right after ``;`` (``1.…;2.…``, ``一是…;二是…``, ``前期预防:…;中期监控:…``). A number inside a
sentence is no marker: a marker is never followed by a digit (``3.5万元``, ``3、4月``) and only opens a
line or follows a ``;`` (``第3、4条``). When no line has a marker, each line is one measure; a line
without a marker after one that had one continues it.

A stage tag (``【前期预防】``, ``前期预防:``, ``(事中监控)`` …) gives its measure's stage; a tag that
heads a line before its marker (``前期预防:1.…;2.…``) gives the stage of the measures after it too,
until the next tag. ``—``, ``/``, ``无`` and empty cells are no measure; no stage is invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lianzheng_cli.importing.text import PUNCT_FOLD, clean_text, is_nothing

_CN_NUMBER = "一二三四五六七八九十"
# Written with ASCII punctuation and digits: every pattern here matches text folded with ``PUNCT_FOLD``.
MARKER = re.compile(
    r"^\s*(?:"
    r"\(\s*(?:\d{1,2}|[" + _CN_NUMBER + r"]{1,3})\s*\)"  # (1) (一), full-width too
    r"|[\u2474-\u2487\u2460-\u2473\u2488-\u249b]"  # ⑴ ① ⒈
    r"|\d{1,2}\s*(?:[、.]|\)(?!\)))(?!\d)"  # 1、 1. 1. 1. 1)
    r"|[" + _CN_NUMBER + r"]{1,3}\s*[、.](?!\d)"  # 一、
    r"|[" + _CN_NUMBER + r"]{1,3}是(?=\S)"  # 一是
    r"|[●◆■▲•▪◇○□◎►▶]"  # bullets (never ★: it is a grade)
    r"|[-—–](?=\s)"  # "- "
    r")\s*")

# Stage words, their older spellings (事前/事中/事后) and traditional characters, to the canonical stage.
STAGES: dict[str, str] = {
    **dict.fromkeys(("前期预防", "前期預防", "事前预防", "事前預防", "前期防范", "事前防范"), "前期预防"),
    **dict.fromkeys(("中期监控", "中期監控", "事中监控", "事中監控", "中期监督", "事中监督", "事中監督"), "中期监控"),
    **dict.fromkeys(("后期处置", "後期處置", "后期處置", "事后处置", "事後處置", "后期处理", "事后处理", "事后监督"),
                    "后期处置"),
}
_STAGE_WORD = "|".join(sorted(STAGES, key=len, reverse=True))
STAGE_TAG = re.compile(
    rf"^\s*(?:[【\[(〔]\s*({_STAGE_WORD})(?:措施)?\s*[】\])〕]\s*:?|({_STAGE_WORD})(?:措施)?\s*:)\s*")
_INLINE_BREAK = re.compile(r";\s*")
_TRAILING = re.compile(r"[;,、\s]+$")


@dataclass(frozen=True, slots=True)
class Measure:
    text: str
    stage: str | None  # canonical stage, or None: the sheet gave none


def stage_of(word: str) -> str | None:
    return STAGES.get(re.sub(r"\s+", "", word))


def split_measures(cell: str, stage: str | None = None) -> list[Measure]:
    """The measures of one cell; ``stage`` (a stage column's) for those without a tag of their own."""
    text = clean_text(cell)
    if is_nothing(text):
        return []
    pieces = _pieces(text)
    any_marker = any(opens for opens, _ in pieces)
    items: list[str] = []
    for opens, piece in pieces:
        if any_marker and not opens and items:
            items[-1] = items[-1] + piece.strip()
        else:
            items.append(piece)
    measures: list[Measure] = []
    heading: str | None = None  # the stage a heading tag gave
    for item in items:
        item_stage, text, heading = _take_tags(item, heading)
        if is_nothing(text):
            continue
        measures.append(Measure(text, item_stage or heading or stage))
    return measures


def _pieces(text: str) -> list[tuple[bool, str]]:
    """Lines and ``;``-separated parts of lines, each with whether it opens a new item (a marker or tag)."""
    pieces: list[tuple[bool, str]] = []
    for line in text.split("\n"):
        parts = _split_inline(line)
        for i, part in enumerate(parts):
            if not part.strip():
                continue
            pieces.append((i > 0 or _opens(part), part))
    return pieces


def _opens(text: str) -> bool:
    folded = text.translate(PUNCT_FOLD)
    return MARKER.match(folded) is not None or STAGE_TAG.match(folded) is not None


def _split_inline(line: str) -> list[str]:
    """``1.甲;2.乙`` → ``1.甲``, ``2.乙``: a ``;`` splits only where a marker or stage tag follows it."""
    folded = line.translate(PUNCT_FOLD)
    if ";" not in folded:
        return [line]
    parts: list[str] = []
    start = 0
    for found in _INLINE_BREAK.finditer(folded):
        rest = line[found.end():]
        if rest and _opens(rest):
            parts.append(line[start:found.start()])
            start = found.end()
    parts.append(line[start:])
    return parts


def _take_tags(item: str, heading: str | None) -> tuple[str | None, str, str | None]:
    """(the item's own stage, its text without markers and tags, the heading stage after it)."""
    own: str | None = None
    text = item
    tag = STAGE_TAG.match(text.translate(PUNCT_FOLD))
    if tag:  # a tag before the marker heads the items after it
        heading = STAGES[tag.group(1) or tag.group(2)]
        text = text[tag.end():]
    text = strip_marker(text)
    tag = STAGE_TAG.match(text.translate(PUNCT_FOLD))
    if tag:  # a tag after the marker is this item's own
        own = STAGES[tag.group(1) or tag.group(2)]
        text = strip_marker(text[tag.end():])
    text = text.strip()
    trailing = _TRAILING.search(text.translate(PUNCT_FOLD))
    return own, text[:trailing.start()] if trailing else text, heading


def strip_marker(text: str) -> str:
    """``1、甲`` → ``甲``."""
    marker = MARKER.match(text.translate(PUNCT_FOLD))
    return text[marker.end():] if marker else text


def numbered_parts(cell: str) -> list[str]:
    """A cell numbered like the measures (``1.办公室⏎2.张某某``) as its parts; one part when unnumbered."""
    text = clean_text(cell)
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) > 1 and all(MARKER.match(line.translate(PUNCT_FOLD)) for line in lines):
        return [strip_marker(line).strip() for line in lines]
    return [text] if text else []
