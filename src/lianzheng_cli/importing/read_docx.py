"""Reading the tables of a Word ``.docx`` with python-docx: each table a sheet (``表1``, ``表2`` …).

A merged Word cell (``gridSpan`` across, ``vMerge`` down) is one ``<w:tc>`` that python-docx repeats
at every grid position it covers; the same element at several positions is a merged range here, its
text at the first. The paragraphs between two tables (the title, ``部门:…`` lines) are the ``preamble``
of the table below them; those above earlier tables are its ``context`` (a document that is one department's
names it once, above its first table).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from lianzheng_cli.importing.grid import Merge, Sheet


def read_docx(path: Path) -> list[Sheet]:
    document = docx.Document(str(path))
    sheets: list[Sheet] = []
    preamble: list[str] = []
    context: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                preamble.append(text)
        elif isinstance(block, Table):
            sheet = _table_sheet(block, f"表{len(sheets) + 1}", preamble)
            sheet.context = list(context)
            sheets.append(sheet)
            context += preamble
            preamble = []
    return sheets


def _table_sheet(table: Table, name: str, preamble: list[str]) -> Sheet:
    rows: list[list[Any]] = []
    spans: dict[int, list[int]] = {}  # id of a <w:tc> → [first row, first col, last row, last col]
    elements: dict[int, Any] = {}  # keeps each element alive while its id is a key
    for r, row in enumerate(table.rows):
        values: list[Any] = [""] * row.grid_cols_before
        for cell in row.cells:
            c = len(values)
            key = id(cell._tc)
            span = spans.get(key)
            if span is None:
                spans[key] = [r, c, r, c]
                elements[key] = cell._tc
                values.append(cell.text)
            else:
                span[2], span[3] = max(span[2], r), max(span[3], c)
                values.append("")
        rows.append(values)
    merges: list[Merge] = [(a, b, c, d) for a, b, c, d in spans.values() if (a, b) != (c, d)]
    return Sheet(name, rows, merges, preamble=list(preamble))
