"""Tables as WordprocessingML, written row by row: what the builder's ``table`` streams into the document.

Every table has a fixed layout with each column's width in its grid
(``w:gridCol``, what WPS reads; Word reads the cells' ``w:tcW``, written too),
header rows repeated on every page (``w:tblHeader``) and kept with the first
row, every row unsplittable (``w:cantSplit``), vertical merges (``w:vMerge``)
and spans (``w:gridSpan``). A cell in the table's own font and size (the
"表格文字" style, whose East Asian font is 仿宋_GB2312) carries no run
properties: at county scale a run's properties would double the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from lianzheng_cli.outputs.docx.styles import HEADER_FONT, TABLE_FONT
from lianzheng_cli.outputs.docx.wordml import JC, runs, twips

TABLE_SIZE = 10.5  # 5号
GRADE_FILLS = {"高": "F8D7DA", "中": "FFE2C2", "低": "FFF5B8"}  # light red, orange, yellow: grey enough in print
HEADER_FILL = "E7E6E6"
_SINGLE = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its header and its width (mm, scaled with the others to the width of the page)."""

    header: str
    width: float
    align: str = "left"  # left | center | right


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell when it needs more than its text: alignment, shading, bold, a box, merges."""

    text: str = ""
    align: str | None = None
    fill: str | None = None
    bold: bool = False
    boxed: bool = False  # a box drawn round this cell (tables drawn without grid lines)
    merge: str | None = None  # "restart" | "continue": merged with the cells above
    span: int = 1  # grid columns this cell covers
    font: str | None = None
    size: float | None = None


CellLike = Cell | str | int | None


@dataclass(frozen=True, slots=True)
class TableLayout:
    columns: Sequence[Column]
    widths: list[int]  # twips
    size: float
    font: str
    grid: bool
    keep_together: bool


def layout(columns: Sequence[Column], width_mm: float, *, size: float = TABLE_SIZE, font: str = TABLE_FONT,
           grid: bool = True, keep_together: bool = False) -> TableLayout:
    """Column widths scaled to ``width_mm`` (the text width of the page, unless given)."""
    scale = width_mm / sum(c.width for c in columns)
    return TableLayout(columns, [twips(c.width * scale) for c in columns], size, font, grid, keep_together)


def table_xml(table: TableLayout, rows: Iterable[Sequence[CellLike]], *, header: bool,
              header_height: float | None) -> Iterator[str]:
    """The table's XML in pieces: its properties and grid, the header row, then each row as it comes."""
    yield _table_properties(table)
    if header:
        cells = [Cell(c.header, align="center", fill=HEADER_FILL, font=HEADER_FONT) for c in table.columns]
        yield _row(table, cells, header=True, keep=True, height=header_height)
    previous: Sequence[CellLike] | None = None
    for row in rows:  # one row behind: the last row of a table kept together keeps with nothing after it
        if previous is not None:
            yield _row(table, previous, header=False, keep=table.keep_together, height=None)
        previous = row
    if previous is not None:
        yield _row(table, previous, header=False, keep=False, height=None)
    yield "</w:tbl>"


def fill_row(cells: list[CellLike], width: int) -> list[CellLike]:
    """The last cell of a short row spans the columns left over."""
    used = sum(c.span if isinstance(c, Cell) else 1 for c in cells)
    last = cells[-1]
    if used < width and isinstance(last, Cell):
        cells[-1] = replace(last, span=last.span + width - used)
    return cells


def _table_properties(table: TableLayout) -> str:
    borders = ""
    if table.grid:
        edges = ("top", "left", "bottom", "right", "insideH", "insideV")
        borders = "<w:tblBorders>" + "".join(f"<w:{edge} {_SINGLE}/>" for edge in edges) + "</w:tblBorders>"
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in table.widths)
    return (f'<w:tbl><w:tblPr><w:tblW w:w="{sum(table.widths)}" w:type="dxa"/><w:jc w:val="center"/>{borders}'
            '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="28" w:type="dxa"/>'
            '<w:left w:w="57" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
            '</w:tblCellMar><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
            f'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>')


def _row(table: TableLayout, cells: Sequence[CellLike], *, header: bool, keep: bool, height: float | None) -> str:
    props = "<w:cantSplit/>"
    if height:
        props += f'<w:trHeight w:val="{twips(height)}" w:hRule="atLeast"/>'
    if header:
        props += "<w:tblHeader/>"
    parts = [f"<w:tr><w:trPr>{props}</w:trPr>"]
    at = 0
    widths = table.widths
    for value in cells:
        cell = value if isinstance(value, Cell) else Cell("" if value is None else str(value))
        span = max(1, min(cell.span, len(widths) - at))
        align = cell.align or (table.columns[at].align if at < len(table.columns) else "left")
        parts.append(_cell(table, cell, sum(widths[at:at + span]), span, align, keep))
        at += span
    parts.append("</w:tr>")
    return "".join(parts)


def _cell(table: TableLayout, cell: Cell, width: int, span: int, align: str, keep: bool) -> str:
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        props.append(f'<w:gridSpan w:val="{span}"/>')
    if cell.merge:
        props.append('<w:vMerge w:val="restart"/>' if cell.merge == "restart" else "<w:vMerge/>")
    if cell.boxed:
        edges = ("top", "left", "bottom", "right")
        props.append("<w:tcBorders>" + "".join(f"<w:{edge} {_SINGLE}/>" for edge in edges) + "</w:tcBorders>")
    if cell.fill:
        props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{cell.fill}"/>')
    props.append('<w:vAlign w:val="center"/>')
    text = "" if cell.merge == "continue" else cell.text
    ppr = '<w:pStyle w:val="GwTable"/>' + ("<w:keepNext/>" if keep else "") + f'<w:jc w:val="{JC[align]}"/>'
    content = ""
    if text:
        font = cell.font or table.font
        size = cell.size or table.size
        if font == TABLE_FONT and size == TABLE_SIZE and not cell.bold:
            content = runs(text)  # the 表格文字 style's own font and size
        else:
            content = runs(text, font=font, size=size, bold=cell.bold)
    return f'<w:tc><w:tcPr>{"".join(props)}</w:tcPr><w:p><w:pPr>{ppr}</w:pPr>{content}</w:p></w:tc>'
