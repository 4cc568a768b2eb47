"""Grades as sheets write them: in their own column, or before or after the risk text, one or several to a cell.

Every spelling of the contract is accepted (``vocab.GRADE_ALIASES``: 高/中/低, 一级/二级/三级, ★★★/★★/★,
红/橙/黄 …), with stray spaces or NBSP, traditional characters and a trailing ``风险`` (``一级风险``).
In the text: ``★★★…``, ``【高】…``, ``一级风险:…`` before it; ``…(风险等级:高)``, ``…(★★)``,
``…风险等级:中``, ``… 等级 高`` after it. A written grade that is none of these (``较高``, ``★★★★``,
``蓝色``) is returned as ``Parsed.unknown`` for the caller to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lianzheng_cli.importing.measures import MARKER, strip_marker
from lianzheng_cli.importing.text import clean_name, clean_text, fold, fold_punct
from lianzheng_cli.vocab import GRADE_ALIASES, Grade, canonical_grade

_ALIASES = sorted({a for spellings in GRADE_ALIASES.values() for a in spellings}, key=len, reverse=True)
_ALIAS = "|".join(re.escape(a) for a in _ALIASES)
# Written with ASCII punctuation: the patterns match text folded with ``PUNCT_FOLD`` (positions unchanged).
_OPEN, _CLOSE = r"[(\[【〔]", r"[)\]】〕]"
_TAIL = r"\s*[。.;]?\s*$"

_PREFIX_STARS = re.compile(r"^\s*(★+)\s*[:、]?\s*")
_PREFIX_BRACKET = re.compile(rf"^\s*{_OPEN}\s*((?:{_ALIAS})(?:风险|等级)?)\s*{_CLOSE}\s*:?\s*", re.IGNORECASE)
_PREFIX_LEVEL = re.compile(r"^\s*((?:[一二三][级級]|[高中低]|[红紅橙黄黃]色?)(?:风险|風險)?)\s*[:、]\s*")
# ``(风险等级:高)`` ``风险等级:中`` ``等级 高`` ``(等级:较高)``; the word after 等级 is read even when unknown
_SUFFIX_TAGGED = re.compile(
    rf"\s*{_OPEN}?\s*(?:廉政)?(?:风险|風險)?(?:等级|等級|级别|級別)(?:为|為)?\s*(?::\s*|\s+)"
    rf"([^\s()【】\[\]〔〕,;。]{{1,8}})\s*{_CLOSE}?{_TAIL}")
_SUFFIX_STARS = re.compile(rf"\s*(★+){_TAIL}")
_SUFFIX_BRACKET = re.compile(rf"\s*{_OPEN}\s*(★+|(?:{_ALIAS})(?:风险)?)\s*{_CLOSE}{_TAIL}", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A text with its grade taken out: ``grade`` when it is a contract spelling, ``unknown`` as written otherwise."""

    text: str
    grade: Grade | None = None
    unknown: str | None = None
    written: str | None = None  # the grade as the sheet wrote it (for the display style)

    @property
    def found(self) -> bool:
        return self.grade is not None or self.unknown is not None


def grade_of(written: str) -> Grade | None:
    """A grade cell's value, or ``None`` when it is no spelling of the contract (empty included)."""
    key = clean_name(fold(written)).rstrip("。.")
    found = canonical_grade(key)
    if found is None and len(key) > 1:
        for suffix in ("风险", "等级", "级风险"):
            if key.endswith(suffix) and canonical_grade(key[: -len(suffix)]) is not None:
                found = canonical_grade(key[: -len(suffix)])
                break
    if found is None:
        found = canonical_grade(key.lower())
    return Grade(found) if found is not None else None


def parse_cell(written: str) -> Parsed:
    """A grade column's cell: empty, a grade, or an unknown word.

    ``★★★→★★`` (固有等级→剩余等级, as lz renders a risk with a residual grade, format 1.1) is its inherent grade.
    """
    if not clean_name(written):
        return Parsed("")
    inherent, arrow, _residual = written.partition("→")
    if arrow and grade_of(inherent) is not None:
        written = inherent
    grade = grade_of(written)
    return Parsed("", grade, None if grade else clean_name(written), clean_name(written))


def take_grade(text: str) -> Parsed:
    """``text`` without a grade written before or after it, and that grade."""
    folded = fold_punct(text)
    for pattern in (_PREFIX_STARS, _PREFIX_BRACKET, _PREFIX_LEVEL):
        match = pattern.match(folded)
        if match:
            return _parsed(text[match.end():], match.group(1))
    for pattern in (_SUFFIX_BRACKET, _SUFFIX_TAGGED, _SUFFIX_STARS):
        match = pattern.search(folded)
        if match and match.start() > 0:
            return _parsed(text[:match.start()], match.group(1))
    return Parsed(text)


def _parsed(rest: str, written: str) -> Parsed:
    grade = grade_of(written)
    return Parsed(rest.strip(), grade, None if grade else clean_name(written), clean_name(written))


def has_grade(text: str) -> bool:
    return take_grade(text).found


def split_risks(cell: str) -> list[Parsed]:
    """The risks of one cell: several when its lines start several items that each carry a grade
    (``★★★1、…⏎★★2、…``, ``1、…(高)⏎2、…(中)``); otherwise the one text and its grade.

    Remembered, as ``measures.split_measures`` is: ``--update`` reads each risk cell again to compare."""
    return list(_split_risks(cell))


@lru_cache(maxsize=1 << 17)
def _split_risks(cell: str) -> tuple[Parsed, ...]:
    text = clean_text(cell)
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) >= 2:
        for opens in (_opens_with_grade, _opens_with_marker):
            items = _items(lines, opens)
            if items is not None and len(items) >= 2:
                parsed = [risk_text(item) for item in items]
                if all(p.found for p in parsed):
                    return tuple(parsed)
    return (risk_text(text) if len(lines) <= 1 else take_grade(text),)


def risk_text(text: str) -> Parsed:
    """One risk's text without its list marker, with its grade taken out (``★★★1、…``, ``1、★★★…``, ``1、…(高)``)."""
    text = text.strip()
    if _may_open_with_marker(text):
        text = strip_marker(text)
    parsed = take_grade(text)
    rest = parsed.text
    if _may_open_with_marker(rest):
        rest = strip_marker(rest).strip()
    return Parsed(rest, parsed.grade, parsed.unknown, parsed.written)


def _may_open_with_marker(text: str) -> bool:
    """Whether ``text`` may start with a list marker: a digit, a Chinese numeral or a sign (most texts do not)."""
    first = text[:1]
    return bool(first) and (first.isdigit() or first in "一二三四五六七八九十" or not first.isalnum())


def _opens_with_grade(line: str) -> bool:
    folded = fold_punct(strip_marker(line))
    return any(p.match(folded) for p in (_PREFIX_STARS, _PREFIX_BRACKET, _PREFIX_LEVEL))


def _opens_with_marker(line: str) -> bool:
    return MARKER.match(fold_punct(line)) is not None


def _items(lines: list[str], opens) -> list[str] | None:
    """Lines grouped into items, each from a line that ``opens`` one; ``None`` when the first line opens none."""
    if not opens(lines[0]):
        return None
    items: list[list[str]] = []
    for line in lines:
        if opens(line) or not items:
            items.append([line])
        else:
            items[-1].append(line)
    return ["\n".join(item) for item in items]
