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
from functools import lru_cache

from lianzheng_cli.importing.text import clean_text, fold_punct, is_nothing

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
    """The measures of one cell; ``stage`` (a stage column's) for those without a tag of their own.

    Remembered: an lz workbook holds each measures cell in the 一览表 and the 明细, and ``--update`` reads it
    again to compare (a county: 74,000 cells read three times)."""
    return list(_split_measures(cell, stage))


@lru_cache(maxsize=1 << 17)
def _split_measures(cell: str, stage: str | None) -> tuple[Measure, ...]:
    text = clean_text(cell)
    if is_nothing(text):
        return ()
    # every match is made on the folded text, every slice taken from both: folding keeps positions
    pieces = _pieces(text, fold_punct(text))
    any_marker = any(opens for opens, _, _ in pieces)
    items: list[tuple[str, str]] = []
    for opens, piece, folded in pieces:
        if any_marker and not opens and items:
            last, last_folded = items[-1]
            items[-1] = (last + piece.strip(), last_folded + folded.strip())
        else:
            items.append((piece, folded))
    measures: list[Measure] = []
    heading: str | None = None  # the stage a heading tag gave
    for item, folded in items:
        item_stage, words, heading = _take_tags(item, folded, heading)
        if is_nothing(words):
            continue
        measures.append(Measure(words, item_stage or heading or stage))
    return tuple(measures)


def _pieces(text: str, folded: str) -> list[tuple[bool, str, str]]:
    """Lines and ``;``-separated parts of lines, each with whether it opens a new item (a marker or tag)."""
    pieces: list[tuple[bool, str, str]] = []
    start = 0
    for line_folded in folded.split("\n"):
        line = text[start:start + len(line_folded)]
        start += len(line_folded) + 1
        for i, (part, part_folded) in enumerate(_split_inline(line, line_folded)):
            if part.strip():
                pieces.append((i > 0 or _opens(part_folded), part, part_folded))
    return pieces


def _opens(folded: str) -> bool:
    return MARKER.match(folded) is not None or STAGE_TAG.match(folded) is not None


def _split_inline(line: str, folded: str) -> list[tuple[str, str]]:
    """``1.甲;2.乙`` → ``1.甲``, ``2.乙``: a ``;`` splits only where a marker or stage tag follows it."""
    if ";" not in folded:
        return [(line, folded)]
    parts: list[tuple[str, str]] = []
    start = 0
    for found in _INLINE_BREAK.finditer(folded):
        rest = folded[found.end():]
        if rest and _opens(rest):
            parts.append((line[start:found.start()], folded[start:found.start()]))
            start = found.end()
    parts.append((line[start:], folded[start:]))
    return parts


def _take_tags(item: str, folded: str, heading: str | None) -> tuple[str | None, str, str | None]:
    """(the item's own stage, its text without markers and tags, the heading stage after it)."""
    own: str | None = None
    tag = STAGE_TAG.match(folded)
    if tag:  # a tag before the marker heads the items after it
        heading = STAGES[tag.group(1) or tag.group(2)]
        item, folded = item[tag.end():], folded[tag.end():]
    item, folded = _without_marker(item, folded)
    tag = STAGE_TAG.match(folded)
    if tag:  # a tag after the marker is this item's own
        own = STAGES[tag.group(1) or tag.group(2)]
        item, folded = _without_marker(item[tag.end():], folded[tag.end():])
    item, folded = item.strip(), folded.strip()
    trailing = _TRAILING.search(folded)
    return own, item[:trailing.start()] if trailing else item, heading


def _without_marker(text: str, folded: str) -> tuple[str, str]:
    marker = MARKER.match(folded)
    return (text[marker.end():], folded[marker.end():]) if marker else (text, folded)


def strip_marker(text: str) -> str:
    """``1、甲`` → ``甲``."""
    marker = MARKER.match(fold_punct(text))
    return text[marker.end():] if marker else text


def numbered_parts(cell: str) -> list[str]:
    """A cell numbered like the measures (``1.办公室⏎2.张某某``) as its parts; one part when unnumbered."""
    text = clean_text(cell)
    if "\n" not in text:
        return [text] if text else []
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) > 1 and all(MARKER.match(fold_punct(line)) for line in lines):
        return [strip_marker(line).strip() for line in lines]
    return [text] if text else []
