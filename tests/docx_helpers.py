"""Reading a written .docx back as Word would: its sections, fonts, tables and every line of its text."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Mm

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MARKUP = ("**", "|---", "flowchart", "```", "<br>", "classDef", "-->", "](")


def load(path: Path):
    return docx.Document(str(path))


def paragraph_text(p) -> str:
    """A ``w:p`` element's text, a line break as a newline."""
    out = []
    for node in p.iter(f"{W}t", f"{W}br"):
        out.append("\n" if node.tag == f"{W}br" else (node.text or ""))
    return "".join(out)


def lines(document) -> list[str]:
    """Every paragraph of the body, in tables too, in order."""
    return [paragraph_text(p) for p in document.element.body.iter(f"{W}p")]


def text(document) -> str:
    return "\n".join(lines(document))


def package_text(path: Path) -> str:
    """Every XML part of the package as text (the body, footers, properties, styles)."""
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels")))


def east_asian_font(document, paragraph) -> str | None:
    """The East Asian font a paragraph's first run is drawn in: its own, else its style's (and their bases)."""
    for run in paragraph.iter(f"{W}r"):
        fonts = run.find(f"{W}rPr/{W}rFonts")
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        break
    style_id = paragraph.find(f"{W}pPr/{W}pStyle")
    style = document.styles.get_by_id(style_id.get(qn("w:val")) if style_id is not None else None,
                                      WD_STYLE_TYPE.PARAGRAPH)
    while style is not None:
        fonts = style.element.find(f"{W}rPr/{W}rFonts")
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


def paragraph_with(document, start: str):
    return next(p for p in document.element.body.iter(f"{W}p") if paragraph_text(p).startswith(start))


def assert_gongwen_page(section, *, landscape: bool = False) -> None:
    """A4 and the margins of GB/T 9704 (turned with the page in a landscape section)."""
    width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    assert abs(section.page_width - width) < 1000 and abs(section.page_height - height) < 1000
    margins = (28, 26, 35, 37) if landscape else (37, 35, 28, 26)
    got = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert all(abs(g - Mm(m)) < 1000 for g, m in zip(got, margins, strict=True)), got


def table_checks(table) -> None:
    """Widths in the grid (WPS reads only those), every row unsplittable, the first row repeated as header."""
    tbl = table._tbl
    grid = [int(c.get(qn("w:w"))) for c in tbl.findall(f"{W}tblGrid/{W}gridCol")]
    assert grid and all(w > 0 for w in grid)
    assert tbl.find(f"{W}tblPr/{W}tblLayout").get(qn("w:type")) == "fixed"
    assert abs(int(tbl.find(f"{W}tblPr/{W}tblW").get(qn("w:w"))) - sum(grid)) <= len(grid)
    rows = tbl.findall(f"{W}tr")
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)


def has_header_row(table) -> bool:
    return table._tbl.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None


def assert_no_markup(document) -> None:
    body = text(document)
    for mark in MARKUP:
        assert mark not in body, mark
