"""Reading Excel 97–2003 ``.xls`` with xlrd: values, merged ranges, hidden rows and columns (``formatting_info``).

A ``.xls`` formula cell holds its cached value and xlrd does not say it is a formula, so here a formula is read
as the value Excel last showed (a ``=ROW()-4`` 序号 is a number, which the importer ignores anyway).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlrd

from lianzheng_cli.importing.grid import Sheet


class XlsError(Exception):
    """xlrd could not read the file as a workbook (its message, untranslated, is kept)."""


def read_xls(path: Path) -> list[Sheet]:
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except xlrd.XLRDError as exc:
        raise XlsError(str(exc)) from None
    except (AssertionError, IndexError, ValueError, KeyError) as exc:  # a damaged BIFF stream
        raise XlsError(f"{type(exc).__name__}: {exc}") from None
    try:
        return [_sheet(book, book.sheet_by_index(i)) for i in range(book.nsheets)]
    finally:
        book.release_resources()


def _sheet(book: Any, sheet: Any) -> Sheet:
    rows = []
    for r in range(sheet.nrows):
        values = sheet.row_values(r)
        types = sheet.row_types(r)
        rows.append([_value(book, kind, value) for kind, value in zip(types, values, strict=False)])
    merges = [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells]
    hidden_rows = {r for r, info in sheet.rowinfo_map.items() if info.hidden}
    hidden_cols = {c for c, info in sheet.colinfo_map.items() if info.hidden}
    return Sheet(sheet.name, rows, merges, hidden_rows, hidden_cols, set(), hidden=sheet.visibility != 0)


def _value(book: Any, kind: int, value: Any) -> Any:
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    return value
