"""Invented office workbooks for the lz import tests, built with openpyxl."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from lianzheng_cli.importing import ImportOptions, ImportResult, import_files, parse_map

TITLE = "示例县某某局2025年度廉政风险点防控措施一览表"
HEADER = ["序号", "部门", "流程", "关键环节", "涉及对象", "廉政风险点及等级", "风险类型", "防控措施", "责任主体"]


@dataclass
class SheetSpec:
    rows: list[list[object]]
    title: str = "Sheet1"
    merges: list[str] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)  # 1-based, as Excel shows them
    hidden_cols: list[str] = field(default_factory=list)
    text_cells: list[str] = field(default_factory=list)  # cells whose '=…' is text, not a formula
    hidden: bool = False


def write_xlsx(path: Path, *sheets: SheetSpec) -> Path:
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        for row in spec.rows:
            sheet.append(list(row))
        for cell in spec.text_cells:
            sheet[cell].data_type = "s"
        for merge in spec.merges:
            sheet.merge_cells(merge)
        for row in spec.hidden_rows:
            sheet.row_dimensions[row].hidden = True
        for col in spec.hidden_cols:
            sheet.column_dimensions[col].hidden = True
        if spec.hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def table(*rows: list[object], header: list[str] | None = None, title: str | None = TITLE) -> list[list[object]]:
    """A title row, the header, then ``rows``."""
    head: list[list[object]] = [[title]] if title else []
    return [*head, list(header or HEADER), *[list(r) for r in rows]]


def run_import(tmp_path: Path, *sheets: SheetSpec, name: str = "一览表.xlsx", maps: list[str] | None = None,
               **options) -> ImportResult:
    path = write_xlsx(tmp_path / name, *sheets)
    return import_files([path], ImportOptions(column_map=parse_map(maps or []), **options), shown=[name])


def risks(result: ImportResult, department: str | None = None) -> list:
    found = []
    for dept in result.draft.departments.values():
        if department is None or dept.name == department:
            found.extend(dept.risks)
    return found


def codes(result: ImportResult) -> list[tuple[str, str, str]]:
    """(code, sheet, cell) of every problem, in order."""
    return [(p.code, p.sheet, p.cell) for p in result.problems.items]


def problem_codes(result: ImportResult) -> list[str]:
    return [p.code for p in result.problems.items]
