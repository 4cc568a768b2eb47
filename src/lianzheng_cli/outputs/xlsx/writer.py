"""A streaming XLSX writer: sheets of styled rows, merges and print-ready pages, written fast.

A county's 一览表 holds ~1.85 million styled cells (74,000 risks on two sheets), more than openpyxl's
write-only cells can stream in the time allowed. So openpyxl builds everything but the rows:
the stylesheet (each style made once, then referred to by its index), column widths, frozen panes,
merges, the autofilter, page setup, print titles and footer. The rows are written here as ``<row>`` XML
into one spool per sheet (``_RowSpool``), compressed as they come; after openpyxl has saved the package
into memory, its zip entries are written to the final file (``_ZipOut``) with each sheet's compressed rows
joined into its empty ``<sheetData>``. A sheet's rows may be written and compressed in a forked child while
this process writes the others (``Sheet.write_rows_apart``): the file is the same byte for byte. Row heights
are estimated from the wrapped text: LibreOffice does not grow a row to its text when it opens a file, and the
estimate follows Excel's 宋体 metrics.

No text ever becomes a formula: every string cell is an inline string (``t="inlineStr"``), never
``<f>``, so ``=…`` stays text and ``#N/A`` is no error value; characters XML cannot hold are dropped.
A text longer than a cell holds (32,767 characters) is never cut silently: the cell keeps its beginning and
says how much is left out and where the whole is, and the book reports it (``Overflow``, with the subject the
caller set on the sheet) so the command can warn.

This module knows nothing of registers. It is the only one that imports openpyxl for writing, and the
only one that reaches into openpyxl's internals (each place says why).
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from lianzheng_cli.fileio import open_atomically
from lianzheng_cli.forking import Forked, can_fork
from lianzheng_cli.i18n import messages
from lianzheng_cli.outputs.stamp import zip_time

tr = messages({
    "xlsx.cut": {
        "zh": "……（以下{rest}字超出Excel单元格上限，未写入；全文见登记簿）",
        "en": "… ({rest} more characters exceed Excel's cell limit and are left out; see the register)",
    },
    "xlsx.overflow": {
        "zh": "警告：工作表“{sheet}”{cell} 单元格{subject}的文字有{length}字，超过Excel单元格上限{limit}字，"
              "只写入前{kept}字并注明；全文见登记簿",
        "en": "warning: cell {cell} of sheet 「{sheet}」{subject} holds {length} characters, more than Excel's "
              "limit of {limit}; the first {kept} are written with a note; the whole text is in the register",
    },
    "xlsx.subject": {"zh": "（{subject}）", "en": " ({subject})"},
})

Column = tuple[str, float]  # (header, width in Excel units; a CJK character in 宋体 10pt takes about 1.9)
Cell = tuple[Any, int]  # (value, style index from Book.style); a value is text, a number, a date or None
FIT: Literal["fit"] = "fit"  # a row height estimated from the row's wrapped text

MAX_CELL_TEXT = 32767  # Excel's limit for one cell
LINE_HEIGHT = 14.0  # points per line of 宋体 10pt, as LibreOffice and Excel space it
ROW_PADDING = 5.0
MAX_ROW_HEIGHT = 409.5  # points: Excel's tallest row
SPOOL_IN_MEMORY = 4 << 20  # bytes of compressed rows a sheet keeps in memory before they move to a temporary file
ZIP_LEVEL = 3  # 0.45 × the time of zlib's default 6, for a file 25 % larger
ZIP64_LIMIT = (1 << 31) - 1  # sizes and offsets above this get ZIP64 fields (zipfile's own limit)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# anything clean_text or XML escaping has to touch; most texts have none of it
_NEEDS_ATTENTION = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_DATA_END = re.compile(rb"<sheetData\s*/>|</sheetData>")
_PRESERVE = ' xml:space="preserve"'


@dataclass(frozen=True, slots=True)
class Overflow:
    """A text longer than a cell holds: where, what it is about, and how long it was."""

    sheet: str
    cell: str  # "J12"
    subject: str  # what the row is about, as the caller set it on the sheet (a risk's id), or ''
    length: int
    kept: int

    def message(self) -> str:
        subject = tr("xlsx.subject", subject=self.subject) if self.subject else ""
        return tr("xlsx.overflow", sheet=self.sheet, cell=self.cell, subject=subject, length=self.length,
                  limit=MAX_CELL_TEXT, kept=self.kept)


def cut_to_cell(text: str) -> tuple[str, int]:
    """``text`` as a cell can hold it: its beginning and a note of what is left out; and how much was kept."""
    rest = len(text) - MAX_CELL_TEXT
    while True:  # the note's length depends on the number it states: two rounds at most
        note = tr("xlsx.cut", rest=rest)
        kept = MAX_CELL_TEXT - len(note)
        if len(text) - kept == rest:
            return text[:kept] + note, kept
        rest = len(text) - kept


@dataclass(frozen=True, slots=True)
class TextFont:
    """A cell's font; ``size`` in points."""

    name: str
    size: float
    bold: bool = False
    color: str | None = None  # RGB, e.g. "C00000"
    charset: int | None = None  # 134 (GB2312): Excel picks the font's Chinese face


@dataclass(frozen=True, slots=True)
class Align:
    """Where a cell's text sits."""

    horizontal: str | None = None  # "left", "center"
    vertical: str | None = None
    wrap: bool = False  # wrap text at the column's width


BOX = ("left", "right", "top", "bottom")


@dataclass(frozen=True, slots=True)
class Style:
    """A cell style; ``Book.style`` turns it into the index cells refer to."""

    font: TextFont | None = None  # None: the workbook's default font
    align: Align | None = None
    border: tuple[str, ...] = ()  # sides drawn as a thin black line; BOX draws all four
    fill: str | None = None  # a solid background, RGB
    number_format: str | None = None


@dataclass(frozen=True, slots=True)
class Margins:
    """Page margins in inches; the defaults are Excel's 普通 (normal) margins."""

    left: float = 0.75
    right: float = 0.75
    top: float = 1.0
    bottom: float = 1.0
    header: float = 0.5
    footer: float = 0.5


@dataclass(frozen=True, slots=True)
class Page:
    """How a sheet prints: on A4, as wide as one page and as many pages tall as needed, centred, numbered."""

    portrait: bool = False
    margins: Margins = field(default_factory=Margins)
    footer: str = "第&P页，共&N页"  # &P: this page, &N: the pages
    footer_font: str | None = None  # "宋体,Regular"; None: the program's default
    footer_size: float | None = None
    print_area: bool = False  # print only the written rows of the sheet's columns


@dataclass(frozen=True, slots=True)
class SheetSpec:
    """A sheet's layout: its tab title, columns (header, width), frozen rows and page setup."""

    title: str
    columns: Sequence[Column]
    frozen_rows: int = 0  # rows that stay in view when scrolling
    page: Page = field(default_factory=Page)
    hidden: bool = False  # very hidden: a program's data, not shown in the sheet tabs


def clean_text(text: str) -> str:
    """Text as a cell can hold it: no characters XML refuses, at most Excel's 32,767."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text if len(text) <= MAX_CELL_TEXT else text[:MAX_CELL_TEXT]


def xml_text(text: str) -> str:
    """``text`` as XML character data of a cell: cleaned like ``clean_text``, ``&<>`` escaped,
    and a carriage return as a reference (a parser would read a bare one as a line feed)."""
    if _NEEDS_ATTENTION.search(text) is None:
        return text if len(text) <= MAX_CELL_TEXT else text[:MAX_CELL_TEXT]
    text = clean_text(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _line_capacity(width: float) -> float:
    """How many half-width characters fit on one line of a column ``width`` Excel units wide.

    A unit is about 7 px; 宋体 10pt draws a CJK character in 13.3 px, a Latin one in about half.
    The margin of 7 % leaves room for line-breaking rules (no 、,。 at a line's start).
    """
    return max((7 * width - 1) / 6.67 * 0.93, 2.0)


def _count_lines(text: str, capacity: float) -> int:
    """Lines ``text`` wraps to in a column holding ``capacity`` half-width characters a line."""
    # UTF-8 length + character count = 2 per CJK character, 1 per ASCII one; an empty line is still a line
    if "\n" not in text:
        return int(-(-((len(text.encode("utf-8")) + len(text)) // 2) // capacity)) or 1
    return int(sum(-(-((len(line.encode("utf-8")) + len(line)) // 2) // capacity) or 1
                   for line in text.split("\n")))


# Short texts repeat (owners, monitors, posts, names): their counts are kept. A long one (a description, the
# measures) is seldom seen twice in a process, and keeping it costs more than counting it again.
_count_short_lines = lru_cache(maxsize=1 << 14)(_count_lines)
SHORT_TEXT = 40


CORE_PROPERTIES = "docProps/core.xml"
# openpyxl writes the save's clock time as the modified time; a reproducible workbook says ``made``.
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")

class Book:
    """One workbook being written: openpyxl holds its layout and stylesheet, each sheet's spool its rows.

    Use it as a context manager: leaving it discards the spools, saved or not.
    """

    def __init__(self, *, made: datetime | None = None) -> None:
        """``made``: the time the workbook says it was made (its properties and zip entries); the same
        register gives the same bytes when it comes from :func:`lianzheng_cli.outputs.stamp.document_time`."""
        self.overflows: list[Overflow] = []  # texts cut to fit a cell, in the order written
        self._wb = Workbook(write_only=True)
        self._made = made
        props = self._wb.properties
        props.creator = props.lastModifiedBy = "lz"
        if made is not None:
            props.created = made.astimezone(UTC).replace(tzinfo=None)
        # openpyxl adds a style to the stylesheet when a cell takes it; a cell of a sheet made and
        # removed at once does that for every style without a cell in any sheet.
        self._probe = WriteOnlyCell(self._wb.create_sheet("_styles"))
        self._wb.remove(self._probe.parent)
        self._style_ids: dict[Style, int] = {}
        self._sheets: list[Sheet] = []
        self._ahead: list[RowsAhead] = []

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for sheet in self._sheets:
            sheet._close()
        for rows in self._ahead:
            rows.discard()

    def style(self, style: Style) -> int:
        """The index cells in this workbook give ``style`` (made in the stylesheet the first time)."""
        index = self._style_ids.get(style)
        if index is None:
            index = self._style_ids[style] = self._make_style(style)
        return index

    def _make_style(self, style: Style) -> int:
        probe = self._probe
        probe._style = None  # openpyxl internals: back to the default style, so nothing of the last one stays
        if style.font is not None:
            font = style.font
            # None, not False, where openpyxl would leave an attribute out (False writes <b val="0"/>)
            probe.font = Font(name=font.name, size=font.size, bold=font.bold or None, color=font.color,
                              charset=font.charset)
        if style.align is not None:
            align = style.align
            probe.alignment = Alignment(horizontal=align.horizontal, vertical=align.vertical,
                                        wrap_text=align.wrap or None)
        if style.border:
            thin = Side(style="thin", color="000000")
            probe.border = Border(**dict.fromkeys(style.border, thin))
        if style.fill is not None:
            probe.fill = PatternFill("solid", fgColor=style.fill)
        if style.number_format is not None:
            probe.number_format = style.number_format
        return probe.style_id  # adds the style to the workbook's stylesheet, which openpyxl writes at the save

    def sheet(self, spec: SheetSpec) -> Sheet:
        """A new sheet after the others; its rows are written with ``Sheet.append``."""
        sheet = Sheet(self._wb.create_sheet(spec.title), spec, self.overflows)
        self._sheets.append(sheet)
        return sheet

    def rows_ahead(self, first: int, columns: int, write: Callable[[RowsAhead], None], *,
                   parallel: bool) -> RowsAhead:
        """Rows from ``first`` on of a sheet made later (``RowsAhead``, ``Sheet.end_with``), written now."""
        rows = RowsAhead(first, columns, write, parallel=parallel)
        self._ahead.append(rows)
        return rows

    def save(self, path: Path) -> None:
        """openpyxl saves the package into memory (no rows yet); the rows are spliced in on the way to ``path``.

        The file is written next to ``path`` first and moved into place, so a failed save never leaves
        half a workbook behind; an ``OSError`` names ``path``.
        """
        for sheet in self._sheets:  # this process compresses its sheets while a child may still write one
            if sheet._elsewhere is None:
                sheet._rows()
        for sheet in self._sheets:
            sheet._finish()
        package = io.BytesIO()
        self._wb.save(package)  # small: every <sheetData> is still empty
        # openpyxl internals: a sheet's part name in the package is set by the save
        rows = {sheet._ws.path.lstrip("/"): sheet._parts() for sheet in self._sheets}
        with open_atomically(path) as out:
            _splice_rows(package, rows, out, self._made)


class Sheet:
    """One worksheet: layout first (openpyxl), then rows of (value, style index) cells (its spool)."""

    def __init__(self, ws: Worksheet, spec: SheetSpec, overflows: list[Overflow] | None = None):
        self._ws = ws
        if spec.hidden:
            ws.sheet_state = "veryHidden"
        self.row = 0  # the last row written or skipped
        self.subject = ""  # what the rows being written are about (a risk's id): named when a text is cut
        self._title = spec.title
        self._overflows = overflows if overflows is not None else []
        self._book_overflows = self._overflows
        self.on_row: Callable[[int, Sequence[Cell]], None] | None = None  # told each row written (number, cells)
        self.width = len(spec.columns)
        self._page = spec.page
        self._capacity = []
        for i, (_, width) in enumerate(spec.columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
            self._capacity.append(_line_capacity(width))
        self._spool = _RowSpool(len(self._capacity))
        self._elsewhere: Forked | None = None  # the child writing this sheet's rows (write_rows_apart)
        self._deflated: _Deflated | None = None
        self._ahead: RowsAhead | None = None  # rows written before the sheet was made, after its own (end_with)
        if spec.frozen_rows:
            ws.freeze_panes = f"A{spec.frozen_rows + 1}"
        _set_up_page(ws, spec.page)

    def append(self, cells: Sequence[Cell], *, height: float | Literal["fit"] | None = FIT) -> None:
        """Write the next row, its cells from column A on.

        ``height`` in points; ``FIT`` fits the row to its wrapped text (spreadsheet programs do not grow
        rows to it on opening); ``None`` leaves it to the program.
        """
        self.row += 1
        self._spool.write(self.row, cells, self._fit_height(cells) if height == FIT else height, self._cut)
        if self.on_row is not None:
            self.on_row(self.row, cells)

    def _cut(self, column: int, text: str) -> str:
        """A text too long for a cell (column 1-based of the row being written): cut, with a note, and reported."""
        shown, kept = cut_to_cell(text)
        self._overflows.append(Overflow(self._title, f"{get_column_letter(column)}{self.row}", self.subject,
                                        len(text), kept))
        return shown

    def skip(self, rows: int = 1) -> None:
        """Leave ``rows`` rows out: no cells, the program's height."""
        self.row += rows

    def write_rows_apart(self, write: Callable[[Sheet], object], *, parallel: bool = True) -> None:
        """``write(sheet)`` writes all of this sheet's rows (``append``, ``skip``), in a forked child when
        ``parallel`` and the machine can (2 cores: the child writes and compresses this sheet while this
        process writes the others); the workbook is the same byte for byte either way. What ``write`` returns
        (a plain value: it comes back from the child) is :meth:`written_apart`.

        ``write`` must only add rows: layout (merges, autofilter, print titles) is set here, in this process,
        and ``row`` is known again when the workbook is saved.
        """
        if self.row or self._spool.size:
            raise RuntimeError("write_rows_apart writes all of a sheet's rows")
        # texts cut in these rows join the book's list when the sheet is finished: the same order either way
        self._overflows = []
        if parallel and can_fork():
            self._elsewhere = Forked(_write_and_deflate, self, write)
        else:
            self._deflated = _write_and_deflate(self, write)

    def written_apart(self) -> Any:
        """What ``write`` of :meth:`write_rows_apart` returned, once it has written the rows (waiting for the child
        that writes them)."""
        if self._elsewhere is not None:
            self._deflated, self._elsewhere = self._elsewhere.result(), None
        if self._deflated is None:
            raise RuntimeError("written_apart before write_rows_apart")
        return self._deflated.value

    def end_with(self, ahead: RowsAhead, write: Callable[[Sheet], None]) -> None:
        """The rows written ahead, after the rows this sheet has now. Were they numbered for another place (this
        sheet turned out to have more or fewer rows), they are left out and ``write(sheet)`` writes them here."""
        if self.row + 1 != ahead.first:
            ahead.discard()
            write(self)
        else:
            self._ahead = ahead

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        """Merge a range; its first cell shows, so write the value there (and the others' styles, for borders)."""
        # openpyxl internals: a write-only sheet has no merge_cells(), but writes its merged_cells at the
        # save. MultiCellRange.add() compares with every range already there (quadratic for a county),
        # and callers merge no range twice, so the range goes straight into its set.
        self._ws.merged_cells.ranges.add(
            CellRange(min_col=first_col, min_row=first_row, max_col=last_col, max_row=last_row))

    def repeat_rows(self, first: int, last: int) -> None:
        """Print rows ``first`` to ``last`` on top of every page (the form's heading and header)."""
        self._ws.print_title_rows = f"{first}:{last}"

    def autofilter(self, first_row: int, last_row: int) -> None:
        """Filter buttons on ``first_row`` over every column, down to ``last_row``."""
        self._ws.auto_filter.ref = f"A{first_row}:{get_column_letter(self.width)}{last_row}"

    def _finish(self) -> None:
        """No more rows: what depends on the last one is set."""
        if self._elsewhere is not None:
            self._deflated, self._elsewhere = self._elsewhere.result(), None
        if self._deflated is not None:
            self.row = self._deflated.rows
            self._book_overflows.extend(self._deflated.overflows)
        if self._ahead is not None:
            self.row = self._ahead.result().rows
        if self._page.print_area:
            self._ws.print_area = f"A1:{get_column_letter(self.width)}{self.row}"

    def _rows(self) -> _Deflated:
        """The sheet's rows, compressed (here, unless a child did it)."""
        if self._deflated is None:
            self._deflated = self._spool.deflate(self.row)
        return self._deflated

    def _parts(self) -> list[_Deflated]:
        """The sheet's rows compressed: its own, then those written ahead."""
        return [self._rows()] + ([self._ahead.result()] if self._ahead is not None else [])

    def _close(self) -> None:
        self._spool.close()
        if self._elsewhere is not None:  # never saved: the child's file is still to be removed
            self._deflated, self._elsewhere = self._elsewhere.result(), None
        if self._deflated is not None and self._deflated.path is not None:
            Path(self._deflated.path).unlink(missing_ok=True)

    def _fit_height(self, cells: Sequence[Cell]) -> float:
        lines = 1
        for (value, _), capacity in zip(cells, self._capacity, strict=False):
            # a text shorter than half a line fits on one, whatever its characters
            if value.__class__ is str and (len(value) * 2 > capacity or "\n" in value):
                count = (_count_short_lines if len(value) < SHORT_TEXT else _count_lines)(value, capacity)
                if count > lines:
                    lines = count
        return min(lines * LINE_HEIGHT + ROW_PADDING, MAX_ROW_HEIGHT)


class RowsAhead:
    """Rows numbered from ``first`` on, written and compressed before the sheet they end is made, in a forked
    child when ``parallel`` (then while this process writes the other sheets): ``Sheet.end_with`` puts them after
    that sheet's own rows. For a sheet whose first rows are known only at the end, and the rest from the start.

    ``write(rows)`` writes them with ``rows.append``; no text of theirs may be longer than a cell holds.
    """

    def __init__(self, first: int, columns: int, write: Callable[[RowsAhead], None], *, parallel: bool):
        self.first = first
        self.row = first - 1  # the last row written
        self._spool = _RowSpool(columns)
        self._write = write
        self._elsewhere: Forked | None = None
        self._done: _Deflated | None = None
        if parallel and can_fork():
            self._elsewhere = Forked(_write_ahead, self)
        else:
            self._done = _write_ahead(self)

    def append(self, cells: Sequence[Cell], *, height: float | None = None) -> None:
        self.row += 1
        self._spool.write(self.row, cells, height)

    def result(self) -> _Deflated:
        """The rows, compressed (waiting for the child that writes them)."""
        if self._done is None:
            assert self._elsewhere is not None
            self._done, self._elsewhere = self._elsewhere.result(), None
        return self._done

    def discard(self) -> None:
        """Not to be used: the temporary file of a large result is removed."""
        done = self.result()
        self._spool.close()
        if done.path is not None:
            Path(done.path).unlink(missing_ok=True)


def _write_ahead(rows: RowsAhead) -> _Deflated:
    """Rows written ahead by their ``write`` and compressed (in a forked child, when parallel)."""
    rows._write(rows)
    return rows._spool.deflate(rows.row)


def _set_up_page(ws: Worksheet, page: Page) -> None:
    """Print-ready: A4, as wide as the page, as many pages tall as needed, centred, pages numbered."""
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "portrait" if page.portrait else "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    margins = page.margins
    ws.page_margins.left, ws.page_margins.right = margins.left, margins.right
    ws.page_margins.top, ws.page_margins.bottom = margins.top, margins.bottom
    ws.page_margins.header, ws.page_margins.footer = margins.header, margins.footer
    ws.oddFooter.center.text = page.footer
    if page.footer_font is not None:
        ws.oddFooter.center.font = page.footer_font
    if page.footer_size is not None:
        ws.oddFooter.center.size = page.footer_size


def _splice_rows(package: IO[bytes], rows: dict[str, list[_Deflated]], out: IO[bytes],
                 made: datetime | None) -> None:
    """Copy the zip ``package`` to ``out``, each sheet's compressed rows put into its ``<sheetData>``.

    Other entries are copied as they are, but for the times ``made`` gives (openpyxl stamps the clock's).
    A sheet's rows go through as compressed data, never held whole.
    """
    with zipfile.ZipFile(package) as source:
        target = _ZipOut(out)
        for entry in source.infolist():
            date_time = zip_time(made) if made is not None else entry.date_time
            data = source.read(entry)
            sheet_rows = rows.get(entry.filename)
            if sheet_rows is None:
                if made is not None and entry.filename == CORE_PROPERTIES:
                    stamp = made.astimezone(UTC).strftime(r"\g<1>%Y-%m-%dT%H:%M:%SZ\g<2>").encode()
                    data = _MODIFIED.sub(stamp, data)
                target.add(entry.filename, date_time, entry.external_attr, [data])
            else:
                head, tail = split_sheet_xml(data)
                target.add(entry.filename, date_time, entry.external_attr, [head, *sheet_rows, tail])
        target.close()


def split_sheet_xml(xml: bytes) -> tuple[bytes, bytes]:
    """A worksheet's XML around where its rows go: up to and with ``<sheetData>``, and from ``</sheetData>`` on."""
    found = _SHEET_DATA_END.search(xml)
    if found is None:
        raise RuntimeError("openpyxl wrote a worksheet without <sheetData>")
    # lxml writes an empty sheetData as <sheetData/>
    opening = b"" if found.group() == b"</sheetData>" else b"<sheetData>"
    return xml[:found.start()] + opening, b"</sheetData>" + xml[found.end():]


@dataclass(frozen=True, slots=True)
class _Deflated:
    """A sheet's rows as raw deflate data ending in a sync flush (more data may follow it in the zip entry):
    in memory (``data``) or, when large, in a temporary file (``path``) that the book removes."""

    data: bytes | None
    path: str | None
    crc: int  # CRC-32 of the row XML
    size: int  # bytes of row XML
    compressed: int  # bytes of deflate data
    rows: int  # the sheet's last row
    overflows: tuple[Overflow, ...] = ()  # texts cut in rows written apart (Sheet.write_rows_apart)
    value: Any = None  # what the function that wrote them apart returned (Sheet.written_apart)

    def copy_to(self, out: IO[bytes]) -> None:
        if self.data is not None:
            out.write(self.data)
        elif self.path is not None:
            with open(self.path, "rb") as source:
                shutil.copyfileobj(source, out, 1 << 20)


def _write_and_deflate(sheet: Sheet, write: Callable[[Sheet], object]) -> _Deflated:
    """A sheet's rows written by ``write`` and compressed (in a forked child, the work of ``write_rows_apart``)."""
    value = write(sheet)
    return dataclasses.replace(sheet._spool.deflate(sheet.row), overflows=tuple(sheet._overflows), value=value)


class _ZipOut:
    """A zip package written straight to ``out``, each entry deflated: parts compressed here, or already
    compressed elsewhere (a sheet's rows), one after the other in one entry.

    Deflate data may be joined when each part but the last ends in a sync flush; the entry's CRC is combined
    from its parts'. ZIP64 fields only where a size or offset needs them (some programs read them badly).
    """

    def __init__(self, out: IO[bytes]):
        self._out = out
        self._offset = 0
        self._central: list[bytes] = []

    def add(self, name: str, date_time: tuple[int, ...], external_attr: int, parts: list[bytes | _Deflated]) -> None:
        """An entry whose data is ``parts`` in order; the last is bytes (it ends the deflate stream)."""
        chunks: list[bytes | _Deflated] = []
        crc = size = compressed = 0
        for i, part in enumerate(parts):
            if isinstance(part, bytes):
                compressor = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
                last = i == len(parts) - 1
                data = compressor.compress(part) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)
                crc, size, compressed = zlib.crc32(part, crc), size + len(part), compressed + len(data)
                chunks.append(data)
            else:
                crc = crc32_combine(crc, part.crc, part.size)
                size, compressed = size + part.size, compressed + part.compressed
                chunks.append(part)
        flags = 0 if name.isascii() else 0x800  # 0x800: the name is UTF-8
        encoded = name.encode("utf-8")
        y, mo, d, h, mi, sec = date_time[:6]
        dos_time, dos_date = (h << 11) | (mi << 5) | (sec // 2), ((y - 1980) << 9) | (mo << 5) | d
        large = size > ZIP64_LIMIT or compressed > ZIP64_LIMIT
        version = 45 if large else 20
        extra = struct.pack("<HHQQ", 1, 16, size, compressed) if large else b""
        small_sizes = (0xFFFFFFFF, 0xFFFFFFFF) if large else (compressed, size)
        self._out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", version, 0, flags, zipfile.ZIP_DEFLATED,
                                    dos_time, dos_date, crc, *small_sizes, len(encoded), len(extra)))
        self._out.write(encoded + extra)
        for chunk in chunks:
            if isinstance(chunk, bytes):
                self._out.write(chunk)
            else:
                chunk.copy_to(self._out)
        # the central directory's ZIP64 field holds the sizes and offset too large for their own fields
        far = self._offset > ZIP64_LIMIT
        wide = [v for v in (size, compressed) if large] + ([self._offset] if far else [])
        central_extra = struct.pack(f"<HH{len(wide)}Q", 1, 8 * len(wide), *wide) if wide else b""
        self._central.append(struct.pack(
            "<4s4B4HL2L5H2L", b"PK\x01\x02", max(version, 45 if far else 20), 3, version, 0, flags,
            zipfile.ZIP_DEFLATED, dos_time, dos_date, crc, *small_sizes, len(encoded), len(central_extra), 0, 0, 0,
            external_attr, 0xFFFFFFFF if far else self._offset) + encoded + central_extra)
        self._offset += 30 + len(encoded) + len(extra) + compressed

    def close(self) -> None:
        """The central directory and its end record (ZIP64 ones when the package is that large)."""
        start = self._offset
        directory = b"".join(self._central)
        self._out.write(directory)
        count = len(self._central)
        if count > 0xFFFF or start > ZIP64_LIMIT or len(directory) > ZIP64_LIMIT:
            end64 = start + len(directory)
            self._out.write(struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count,
                                        len(directory), start))
            self._out.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, end64, 1))
            self._out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF,
                                        0xFFFFFFFF, 0))
        else:
            self._out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of ``a + b`` from ``crc32(a)``, ``crc32(b)`` and ``len(b)`` (zlib's crc32_combine, which
    Python's zlib does not offer): ``crc1`` is carried over ``length2`` zero bytes in GF(2), then joined."""
    if length2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # the operator for one zero bit
    even = _gf2_square(odd)  # two zero bits
    odd = _gf2_square(even)  # four
    while True:
        even = _gf2_square(odd)  # one zero byte first, then each doubling
        if length2 & 1:
            crc1 = _gf2_times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = _gf2_square(even)
        if length2 & 1:
            crc1 = _gf2_times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, i = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, row) for row in matrix]


class _RowSpool:
    """The rows of one sheet as ``<row>`` XML, compressed as they come, kept until the save splices them in.

    Writing the XML here costs a fraction of openpyxl's per-cell work. Text is written as inline
    strings (``t="inlineStr"``), never as a formula; attributes hold only references, style indices
    and heights made here, so only text needs escaping. The compressed rows stay in memory while small,
    then go to a temporary file (the raw XML is never stored: a county's is 320 MB).
    """

    def __init__(self, columns: int):
        self._pending: list[str] = []
        self._refs = [f'<c r="{get_column_letter(i)}' for i in range(1, columns + 1)]
        # made with the first rows (a third of a megabyte each: a sheet written in a child never needs it here)
        self._compressor: Any = None
        self._crc = 0  # of the row XML so far
        self._written = 0  # bytes of row XML
        self._compressed = 0  # bytes of deflate data
        self._kept: list[bytes] = []  # the deflate data while it is small
        self._spill: IO[bytes] | None = None  # then the temporary file it goes to
        self._path: str | None = None

    def write(self, number: int, cells: Sequence[Cell], height: float | None,
              cut: Callable[[int, str], str] | None = None) -> None:
        """Row ``number`` (1-based): its (value, style index) cells from column A on, ``height`` in points;
        ``cut(column, text)`` gives what a cell shows of a text longer than it holds."""
        refs = self._refs
        while len(refs) < len(cells):
            refs.append(f'<c r="{get_column_letter(len(refs) + 1)}')
        needs_attention = _NEEDS_ATTENTION.search
        at = f'{number}" s="'  # every cell reference ends in the row number, followed by the style
        if height is None:
            parts = [f'<row r="{number}">']
        else:
            parts = [f'<row r="{number}" ht="{height:g}" customHeight="1">']
        append = parts.append
        for column, (ref, (value, style)) in enumerate(zip(refs, cells, strict=False), 1):
            if value.__class__ is str and value:
                if len(value) > MAX_CELL_TEXT and cut is not None:
                    value = cut(column, value)
                # xml:space="preserve" only where a blank at either end would otherwise be dropped (as openpyxl
                # and XlsxWriter write it): on a county's 1.5 million texts it is 30 MB of XML
                blank_ends = value.strip() != value
                if needs_attention(value) is not None or len(value) > MAX_CELL_TEXT:
                    value = xml_text(value)
                    blank_ends = blank_ends or value.strip() != value
                append(f'{ref}{at}{style}" t="inlineStr"><is><t{_PRESERVE if blank_ends else ""}>{value}</t></is></c>')
            elif value is None or value == "":
                append(f'{ref}{at}{style}"/>')  # a styled empty cell: the grid and shading stay
            elif isinstance(value, str):
                text = xml_text(value)
                preserve = _PRESERVE if value.strip() != value or text.strip() != text else ""
                append(f'{ref}{at}{style}" t="inlineStr"><is><t{preserve}>{text}</t></is></c>')
            elif isinstance(value, bool):
                append(f'{ref}{at}{style}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float)):
                append(f'{ref}{at}{style}"><v>{value!r}</v></c>')
            elif isinstance(value, date):  # a serial day number; the style's number format shows it as a date
                append(f'{ref}{at}{style}"><v>{to_excel(value)}</v></c>')
            else:
                raise TypeError(f"a cell cannot hold {type(value).__name__}: {value!r}")
        append("</row>")
        self._pending.append("".join(parts))
        if len(self._pending) >= 256:  # rows are encoded and written in batches
            self._flush()

    @property
    def size(self) -> int:
        """Bytes of row XML spooled so far."""
        self._flush()
        return self._written

    def deflate(self, rows: int) -> _Deflated:
        """The spooled rows compressed, ending in a sync flush; in a temporary file when large (the file is the
        caller's to remove from then on)."""
        self._flush()
        self._keep(self._deflater().flush(zlib.Z_SYNC_FLUSH))
        self._compressor = None  # done: its buffers are freed
        path, self._path = self._path, None
        if self._spill is not None:
            self._spill.close()
            self._spill = None
        data = None if path else b"".join(self._kept)
        self._kept = []
        return _Deflated(data, path, self._crc, self._written, self._compressed, rows)

    def close(self) -> None:
        if self._spill is not None:
            self._spill.close()
            self._spill = None
        if self._path is not None:  # never handed on by deflate()
            Path(self._path).unlink(missing_ok=True)
            self._path = None

    def _flush(self) -> None:
        if self._pending:
            data = "".join(self._pending).encode("utf-8")
            self._pending.clear()
            self._crc = zlib.crc32(data, self._crc)
            self._written += len(data)
            self._keep(self._deflater().compress(data))

    def _deflater(self) -> Any:
        if self._compressor is None:
            self._compressor = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
        return self._compressor

    def _keep(self, data: bytes) -> None:
        """Compressed rows: in memory while small, then on to a temporary file."""
        if not data:
            return
        self._compressed += len(data)
        if self._spill is None and self._compressed > SPOOL_IN_MEMORY:
            descriptor, self._path = tempfile.mkstemp(prefix="lz-rows-", suffix=".deflate")
            self._spill = os.fdopen(descriptor, "wb")
            self._spill.write(b"".join(self._kept))
            self._kept.clear()
        if self._spill is not None:
            self._spill.write(data)
        else:
            self._kept.append(data)
