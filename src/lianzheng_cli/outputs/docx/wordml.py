"""Small pieces of WordprocessingML every part of the builder writes: clean text, runs, units."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from lianzheng_cli.outputs.docx.styles import LATIN_FONT, font_xml

TWIPS_PER_MM = 1440 / 25.4
JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    """Text as a document can hold it: characters XML refuses dropped, line ends as ``\\n``."""
    value = "" if text is None else str(text)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("", value)


def twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def runs(text: str, *, font: str | None = None, size: float | None = None, bold: bool = False) -> str:
    """One run for ``text``, a line break (``w:br``) at each newline; explicit fonts, size and bold when given."""
    props = ""
    if font or size or bold:
        props = "<w:rPr>" + (font_xml(font, LATIN_FONT) if font else "") + ("<w:b/><w:bCs/>" if bold else "")
        if size:
            half = round(size * 2)
            props += f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
        props += "</w:rPr>"
    lines = clean(text).split("\n")
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
    return f"<w:r>{props}{body}</w:r>"
