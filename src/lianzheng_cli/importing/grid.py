"""The one shape every reader gives: a sheet of cell values with its merges, hidden rows and columns, and formulas.

Rows and columns are 0-based here; ``cell_name`` shows them as a spreadsheet does (``G12``).
A Word table is a sheet too (``表1``), with the paragraphs above it as its ``preamble``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (inclusive, 0-based)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a value was read: the file as the user named it, the sheet, the cell."""

    file: str
    sheet: str
    row: int
    col: int

    @property
    def cell(self) -> str:
        return cell_name(self.row, self.col)


@dataclass(slots=True)
class Sheet:
    name: str
    rows: list[list[Any]]  # values; a row may be shorter than the widest
    merges: list[Merge] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    formulas: set[tuple[int, int]] = field(default_factory=set)  # cells holding a real formula
    hidden: bool = False  # the sheet itself is hidden
    preamble: list[str] = field(default_factory=list)  # text right above a Word table (title, 部门:… lines)
    context: list[str] = field(default_factory=list)  # text above the Word tables before it (the document's)

    def fill_merges(self) -> dict[tuple[int, int], Merge]:
        """Give every cell of a merged range the value of its first cell; returns the vertical merges by cell."""
        rows = self.rows
        vertical: dict[tuple[int, int], Merge] = {}
        for merge in self.merges:
            r1, c1, r2, c2 = merge
            if r1 >= len(rows):
                continue
            first = rows[r1]
            value = first[c1] if c1 < len(first) else ""
            for r in range(r1, min(r2, len(rows) - 1) + 1):
                row = rows[r]
                if len(row) <= c2:
                    row.extend([""] * (c2 + 1 - len(row)))
                for c in range(c1, c2 + 1):
                    row[c] = value
                    if r2 > r1:
                        vertical[(r, c)] = merge
        return vertical


def column_letters(col: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """The spreadsheet name of a 0-based cell: (11, 6) → ``G12``."""
    return f"{column_letters(col)}{row + 1}"


def cell_text(value: Any) -> str:
    """A cell value as text: ``3.0`` → ``3``, a date → ``2025-03-01``, ``None`` → empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
