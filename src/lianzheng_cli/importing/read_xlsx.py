"""Reading ``.xlsx`` (Excel, WPS): values and merged ranges from python-calamine, the rest from the sheet XML.

python-calamine (Rust) reads the values and the merged ranges of a county workbook in a fraction of
openpyxl's time, but it gives neither hidden rows and columns nor which cells hold a formula (a formula
cell gives its cached value, or nothing when the writer saved none). Those come from one streaming scan
of each worksheet's XML: ``<row … hidden="1">``, ``<col … hidden="1">`` and a cell whose first child is
``<f>``. Nothing is ever evaluated. Sheets are parsed two at a time (calamine lets go of the GIL).
"""

from __future__ import annotations

import io
import posixpath
import re
import threading
import xml.etree.ElementTree as ET
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from lianzheng_cli.importing.grid import Merge, Sheet

_CHUNK = 8 << 20  # bytes of sheet XML scanned at a time
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
_COL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?col\b([^>]*)>")
_FORMULA_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s([^>]*?)(?<!/)>\s*<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_MIN_MAX = re.compile(rb'\b(min|max)="(\d+)"')


class _Layout:
    """What calamine does not give about one worksheet."""

    __slots__ = ("formulas", "hidden_cols", "hidden_rows")

    def __init__(self) -> None:
        self.hidden_rows: set[int] = set()
        self.hidden_cols: set[int] = set()
        self.formulas: set[tuple[int, int]] = set()


def read_xlsx(path: Path) -> list[Sheet]:
    """Every worksheet of the workbook, in workbook order (chart and macro sheets left out).

    calamine lets go of the GIL while it parses a sheet, so two threads parse two sheets at a time (each with
    its own handle on the workbook: one handle parses one sheet at a time), while this thread scans the XML.
    """
    data = Path(path).read_bytes()
    books = _Books(data)
    try:
        metas = [m for m in books.open().sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        with zipfile.ZipFile(io.BytesIO(data)) as package, ThreadPoolExecutor(max_workers=2) as pool:
            parts = _sheet_parts(package)
            parsed = [pool.submit(books.values, meta.name) for meta in metas]
            layouts = [_scan(package, parts[m.name]) if m.name in parts else _Layout() for m in metas]
            sheets = []
            for meta, values, layout in zip(metas, parsed, layouts, strict=True):
                rows, merges = values.result()
                sheets.append(Sheet(meta.name, rows, merges, layout.hidden_rows, layout.hidden_cols, layout.formulas,
                                    hidden=meta.visible != SheetVisibleEnum.Visible))
        return sheets
    finally:
        books.close()


class _Books:
    """One calamine handle on the workbook per thread (read by content: a workbook saved as .xls is still read)."""

    def __init__(self, data: bytes):
        self._data = data
        self._local = threading.local()
        self._all: list[CalamineWorkbook] = []
        self._lock = threading.Lock()

    def open(self) -> CalamineWorkbook:
        book = getattr(self._local, "book", None)
        if book is None:
            book = self._local.book = CalamineWorkbook.from_filelike(io.BytesIO(self._data))
            with self._lock:
                self._all.append(book)
        return book

    def values(self, name: str) -> tuple[list[list], list[Merge]]:
        sheet = self.open().get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        return rows, [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]

    def close(self) -> None:
        for book in self._all:
            book.close()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part in the package, from ``xl/workbook.xml`` and its relationships."""
    names = set(package.namelist())
    workbook = "xl/workbook.xml" if "xl/workbook.xml" in names else None
    if workbook is None:
        return {}
    rels_name = posixpath.join(posixpath.dirname(workbook), "_rels", posixpath.basename(workbook) + ".rels")
    targets: dict[str, str] = {}
    if rels_name in names:
        for rel in ET.fromstring(package.read(rels_name)):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(posixpath.dirname(workbook), target))
            targets[rel.get("Id", "")] = part
    parts = {}
    for element in ET.fromstring(package.read(workbook)).iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id" and k.startswith("{")), None)
        if rel_id in targets and targets[rel_id] in names:
            parts[element.get("name", "")] = targets[rel_id]
    return parts


def _scan(package: zipfile.ZipFile, part: str) -> _Layout:
    """Hidden rows and columns and formula cells of one worksheet, streamed in chunks.

    A chunk is cut before its last end tag (``</``): no pattern here holds one, so no match is cut in two.
    """
    layout = _Layout()
    next_row = 0
    pending = b""
    with package.open(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            data = pending + chunk
            cut = data.rfind(b"</") if chunk else len(data)
            if cut <= 0:
                pending = data
                if not chunk:
                    break
                continue
            block, pending = data[:cut], data[cut:]
            next_row = _scan_block(block, layout, next_row)
            if not chunk:
                break
    return layout


def _scan_block(block: bytes, layout: _Layout, next_row: int) -> int:
    if b"hidden" in block:
        for match in _ROW.finditer(block):
            attrs = match.group(1)
            number = _ROW_NUMBER.search(attrs)
            row = int(number.group(1)) - 1 if number else next_row
            next_row = row + 1
            if _HIDDEN.search(attrs):
                layout.hidden_rows.add(row)
        for match in _COL.finditer(block):
            attrs = match.group(1)
            if _HIDDEN.search(attrs):
                bounds = dict(_MIN_MAX.findall(attrs))
                first = int(bounds.get(b"min", b"1"))
                last = min(int(bounds.get(b"max", b"1")), 16384)
                layout.hidden_cols.update(range(first - 1, last))
    else:  # no hidden row here: only the number of the last row matters, for rows written without one
        found = None
        for found in _ROW.finditer(block, max(block.rfind(b"<row"), 0)):  # noqa: B007 (the last one is wanted)
            pass
        if found is not None:
            number = _ROW_NUMBER.search(found.group(1))
            next_row = int(number.group(1)) if number else next_row + len(_ROW.findall(block))
    if b"<f" in block:
        for match in _FORMULA_CELL.finditer(block):
            ref = _CELL_REF.search(match.group(1))
            if ref:
                layout.formulas.add((int(ref.group(2)) - 1, _column_index(ref.group(1))))
    return next_row


def _column_index(letters: bytes) -> int:
    index = 0
    for byte in letters:
        index = index * 26 + byte - 64
    return index - 1
