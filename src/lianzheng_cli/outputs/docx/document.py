"""The one Word (.docx) builder every document of lz uses: the 公文 layout of GB/T 9704.

A4; margins top 37 mm, bottom 35 mm, left 28 mm (binding side), right 26 mm;
title 2号 (22pt) 方正小标宋简体; body 3号 (16pt) 仿宋_GB2312 at a fixed 28pt
line; headings 一、 in 黑体 and (一) in 楷体_GB2312; page numbers 4号 (14pt)
宋体 at the foot as ``— 1 —``, odd pages right and even pages left, one
character in. Landscape sections (for wide tables) turn the portrait margins
with the page, so the binding edge stays the same edge of the sheet.

Chinese fonts are written as East Asian fonts (``w:rFonts/@w:eastAsia``) on
every style and every run: Word and WPS pick the font of a Chinese character
from that attribute only, and fall back to a Latin font without it. The
document defaults name them too, instead of the template's theme fonts (a
theme attribute would win over a named font). The font table names a common
substitute for each (仿宋 for 仿宋_GB2312 …) for machines without the GB fonts.

Tables are written as XML directly, row by row (``tables``; python-docx's
cell API grows quadratically with the rows), and spooled beside the document
until it is written (``package``). :meth:`DocxDocument.to_bytes` gives the
same bytes for the same content: the document time is given (see
``outputs.stamp``) and the zip entries get that time.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

from lianzheng_cli.fileio import write_atomically
from lianzheng_cli.outputs.docx.package import TableSpools, write_package
from lianzheng_cli.outputs.docx.styles import (
    BODY_FONT,
    HEADER_FONT,
    PAGE_NUMBER_FONT,
    STYLE_FONTS,
    TABLE_FONT,
    add_styles,
    font_xml,
)
from lianzheng_cli.outputs.docx.tables import (
    HEADER_FILL,
    TABLE_SIZE,
    Cell,
    CellLike,
    Column,
    fill_row,
    layout,
    table_xml,
)
from lianzheng_cli.outputs.docx.wordml import JC, clean, runs

A4_SHORT, A4_LONG = 210.0, 297.0
MARGINS = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}  # portrait, in mm
# A landscape page is read turned a quarter to the left: its top edge is the portrait page's left (binding) edge.
LANDSCAPE_MARGINS = {"top": 28.0, "bottom": 26.0, "left": 35.0, "right": 37.0}
_DIGITS = "〇一二三四五六七八九"


_UNITS = ((10**8, "亿"), (10**4, "万"), (1000, "千"), (100, "百"))


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五, 1010 → 一千零一十, 12345 → 一万二千三百四十五:
    the numbers of 一、 and (一) headings (a county's report numbers its thousands of high risks)."""
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    size, unit = next((size, unit) for size, unit in _UNITS if n >= size)
    head, rest = divmod(n, size)
    tail = "" if rest == 0 else (("零" if rest < size // 10 else "") + ("一" if 10 <= rest < 20 else "")
                                 + chinese_number(rest))
    return chinese_number(head) + unit + tail


class DocxDocument:
    """A document being built, page setup and styles in place; paragraphs and tables are added in order."""

    def __init__(self, *, title: str, made: datetime, landscape: bool = False, subject: str = "") -> None:
        self.doc = docx.Document()
        self.made = made
        self._body = self.doc.element.body
        self._body.remove_all("w:p", "w:tbl")
        self._ends_with_table = False
        self._tables = TableSpools()
        add_styles(self.doc)
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._set_language()
        self._set_properties(title, subject)
        self._lay_out(self.doc.sections[0], landscape)
        self._add_page_numbers(self.doc.sections[0])

    # -- sections ------------------------------------------------------------------------------------------------

    @property
    def text_width(self) -> float:
        """Width of the text on the current page, in mm."""
        section = self.doc.sections[-1]
        emu = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
        return emu / 36000

    def new_section(self, *, landscape: bool, restart_numbering: bool = False) -> None:
        """Start a new page in a new section (portrait or landscape); page numbers go on unless restarted.

        A section whose pages count from 1 again is a document of its own (one person's brief): it starts on
        an odd page, so that printed on both sides it begins on the front of a sheet.
        """
        self._close_table()
        self.doc.add_section(WD_SECTION.ODD_PAGE if restart_numbering else WD_SECTION.NEW_PAGE)
        # python-docx ends the previous section in a new empty paragraph: make it as small as a paragraph can be
        breaker = self._body.xpath("./w:p[w:pPr/w:sectPr]")[-1]
        _shrink(breaker)
        section = self.doc.sections[-1]
        self._lay_out(section, landscape)
        page_numbers = section._sectPr.find(qn("w:pgNumType"))
        if restart_numbering and page_numbers is None:
            page_numbers = parse_xml(f'<w:pgNumType {nsdecls("w")} w:start="1"/>')
            section._sectPr.find(qn("w:pgMar")).addnext(page_numbers)
        elif not restart_numbering and page_numbers is not None:
            section._sectPr.remove(page_numbers)

    def _lay_out(self, section, landscape: bool) -> None:
        margins = LANDSCAPE_MARGINS if landscape else MARGINS
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width = Mm(A4_LONG if landscape else A4_SHORT)
        section.page_height = Mm(A4_SHORT if landscape else A4_LONG)
        section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
        section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
        section.header_distance = Mm(15)
        # the page number's dashes sit 7 mm below the text block, as GB/T 9704 places them
        section.footer_distance = Mm(margins["bottom"] - 13)
        section.gutter = Mm(0)

    def _add_page_numbers(self, section) -> None:
        odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
        for paragraph, align, side in ((odd, "right", "right"), (even, "left", "left")):
            p = paragraph._p
            p.getparent().replace(p, parse_xml(_page_number_xml(align, side)))

    # -- document properties ------------------------------------------------------------------------------------

    def _set_properties(self, title: str, subject: str) -> None:
        props = self.doc.core_properties
        props.author = "lz"
        props.last_modified_by = "lz"
        props.title = title
        props.subject = subject
        props.comments = "由lz根据廉政风险防控登记簿生成"
        props.keywords = "廉政风险防控"
        props.category = ""
        props.revision = 1
        made = _utc_naive(self.made)  # python-docx writes the time as given, marked Z
        props.created = made
        props.modified = made

    def _set_language(self) -> None:
        """Chinese as the document's East Asian language (the template says Japanese), so Word lays it out as such."""
        lang = self.doc.settings.element.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")

    # -- paragraphs -----------------------------------------------------------------------------------------------

    def title(self, text: str, *, page_break: bool = False) -> None:
        """The document's title: 2号 方正小标宋简体, centred; a newline in ``text`` breaks the title's line."""
        self._paragraph(text, "GwTitle", page_break=page_break)

    def subtitle(self, text: str) -> None:
        """A line under the title (the unit and year, the date of the data): 3号 楷体, centred."""
        self._paragraph(text, "GwSubtitle")

    def heading(self, text: str, level: int = 1, *, page_break: bool = False) -> None:
        """一、 (level 1, 黑体), (一) (level 2, 楷体) or 1. (level 3, 仿宋 bold); the number is part of ``text``."""
        self._paragraph(text, {1: "GwHeading1", 2: "GwHeading2", 3: "GwHeading3"}[level], page_break=page_break)

    def paragraph(self, text: str, *, indent: bool = True, align: str | None = None, keep_with_next: bool = False,
                  size: float | None = None) -> None:
        """A body paragraph (仿宋_GB2312 16pt, fixed 28pt line, first line two characters in)."""
        self._paragraph(text, "GwBody" if indent else "GwBodyFlush", align=align, keep_with_next=keep_with_next,
                        size=size)

    def note(self, text: str) -> None:
        """A small note under a table or form (5号, single line spacing), not indented."""
        self._paragraph(text, "GwTable")

    def prose(self, text: str, *, keep_with_next: bool = False) -> None:
        """Text rendered from a template: a blank line separates paragraphs, a single newline is no break."""
        for block in re.split(r"\n[ \t]*\n", clean(text).strip()):
            joined = _join_lines(block)
            if joined:
                self.paragraph(joined, keep_with_next=keep_with_next)

    def _paragraph(self, text: str, style: str, *, align: str | None = None, keep_with_next: bool = False,
                   size: float | None = None, page_break: bool = False) -> None:
        props = [f'<w:pStyle w:val="{style}"/>']
        if keep_with_next:
            props.append("<w:keepNext/>")
        if page_break:
            props.append("<w:pageBreakBefore/>")
        if align:
            props.append(f'<w:jc w:val="{JC[align]}"/>')
        # the style's East Asian font on each run as well: what a copy into another document keeps
        content = runs(text, font=STYLE_FONTS[style], size=size)
        self._append(f'<w:p {nsdecls("w")}><w:pPr>{"".join(props)}</w:pPr>{content}</w:p>')

    # -- tables ---------------------------------------------------------------------------------------------------

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence[CellLike]], *, header: bool = True,
              size: float = TABLE_SIZE, grid: bool = True, keep_together: bool = False,
              width: float | None = None, font: str = TABLE_FONT, header_height: float | None = 9.0) -> None:
        """A table with its grid, header row (repeated on every page) and rows that never break across pages.

        ``width`` (mm) defaults to the text width; column widths are scaled to it. ``grid`` False draws no
        lines but the boxes of cells marked ``boxed``. ``keep_together`` keeps all rows on one page (a
        flowchart) as far as a page can hold them.
        """
        self._close_table()  # two tables with nothing between them would be one table in Word
        shape = layout(columns, width if width is not None else self.text_width, size=size, font=font, grid=grid,
                       keep_together=keep_together)
        # a placeholder paragraph now; the table's rows go to a spool and into the file when it is written
        marker = self._tables.add(table_xml(shape, rows, header=header, header_height=header_height))
        self._append(f'<w:p {nsdecls("w")}><w:r><w:t>{marker}</w:t></w:r></w:p>', table=True)

    def info_table(self, pairs: Sequence[tuple[str, str]], *, per_row: int = 2, size: float = 12.0) -> None:
        """Label | value pairs in a grid (姓名 | … | 部门 | …), ``per_row`` pairs a row; a long value takes a row."""
        label_w = 30.0  # 岗位风险等级 on one line at 12pt
        value_w = (self.text_width - label_w * per_row) / per_row
        columns = [Column("", w) for _ in range(per_row) for w in (label_w, value_w)]
        rows: list[list[CellLike]] = []
        current: list[CellLike] = []
        for label, value in pairs:
            long = len(value) > 14 and per_row > 1
            if long and current:
                rows.append(fill_row(current, len(columns)))
                current = []
            current += [Cell(label, align="center", fill=HEADER_FILL, font=HEADER_FONT),
                        Cell(value, span=len(columns) - 1 if long else 1)]
            if long or len(current) == len(columns):
                rows.append(fill_row(current, len(columns)))
                current = []
        if current:
            rows.append(fill_row(current, len(columns)))
        self.table(columns, rows, header=False, size=size)

    def signature_block(self, signers: Sequence[str], *, note: str = "") -> None:
        """Lines to sign and date (``本人签名``, ``交底人签名`` …), kept together on the last page with ``note``."""
        columns = [Column("", 11.0), Column("", 9.0)]
        rows = [[Cell(f"{who}：" + "_" * max(4, 18 - 2 * len(who))), Cell("日期：____年___月___日")] for who in signers]
        spacer: list[CellLike] = [Cell(""), Cell("")]
        laid: list[Sequence[CellLike]] = []
        for row in rows:
            laid += [spacer, spacer, row]
        self.table(columns, laid, header=False, grid=False, keep_together=True, font=BODY_FONT, size=16.0,
                   header_height=None)
        if note:
            self.paragraph(note, indent=False, size=14.0)

    def review_chain(self, steps: Sequence[str], *, size: float = TABLE_SIZE) -> None:
        """The review line of a form: one box per reviewer with room for an opinion, a signature and a date."""
        columns = [Column("", 1.0) for _ in steps]
        boxes = [Cell(f"{step}\n\n\n签名：\n      年    月    日", align="left") for step in steps]
        self.table(columns, [boxes], header=False, size=size, keep_together=True)

    # -- output ---------------------------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The document as .docx bytes; the same content always gives the same bytes."""
        self._close_table()
        saved = io.BytesIO()
        self.doc.save(saved)
        return write_package(saved.getvalue(), self.made, self._tables)

    def save(self, path: Path) -> Path:
        """Write the document to ``path`` atomically (a failure never leaves half a file)."""
        return write_atomically(Path(path), self.to_bytes())

    # -- internals ------------------------------------------------------------------------------------------------

    def _append(self, xml: str, *, table: bool = False) -> None:
        element = parse_xml(xml)
        sect = self._body.find(qn("w:sectPr"))
        if sect is not None:
            sect.addprevious(element)
        else:
            self._body.append(element)
        self._ends_with_table = table

    def _close_table(self) -> None:
        """After a table, the smallest paragraph there is: a section ends in a paragraph, and a table
        right after a table would join it."""
        if self._ends_with_table:
            self._append(f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:line="20" w:lineRule="exact"/>'
                         '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>')


def _utc_naive(when: datetime) -> datetime:
    """``when`` in UTC without its zone (a time without a zone is taken as UTC already)."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.replace(tzinfo=None, microsecond=0)


def _join_lines(block: str) -> str:
    """Lines of one paragraph joined: no space between Chinese characters, one between Latin words."""
    out = ""
    for line in (part.strip() for part in block.split("\n")):
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            out += " "
        out += line
    return out


def _shrink(paragraph) -> None:
    """Make a paragraph (a section's end) take next to no room: 1pt, on a 1pt line."""
    ppr = paragraph.get_or_add_pPr()
    spacing = parse_xml(f'<w:spacing {nsdecls("w")} w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>')
    ppr.insert(0, spacing)
    sect = ppr.find(qn("w:sectPr"))
    mark = parse_xml(f'<w:rPr {nsdecls("w")}><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>')
    sect.addprevious(mark)


def _page_number_xml(align: str, side: str) -> str:
    """``— n —`` with a PAGE field, one character (14pt) in from the ``side`` margin."""
    rpr = f'<w:rPr>{font_xml(PAGE_NUMBER_FONT, PAGE_NUMBER_FONT)}<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'
    return (f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="GwPageNumber"/><w:ind w:{side}="280"/>'
            f'<w:jc w:val="{align}"/></w:pPr>'
            f'<w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r>{rpr}<w:t>1</w:t></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
            f'<w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r></w:p>')


