"""The data rows of a table: each row's values by field, with the department and risk type it stands under.

Not data: hidden rows and columns; blank rows; the header repeated mid-table; ``合计``/``备注``/``填表说明``
footers and signature lines; section rows (``一、思想道德风险`` gives the risk type of the rows under it,
``部门:办公室`` their department). A real formula's value is ignored; text that only looks like a formula
(``=SUM(…``) is kept and reported. ``同上`` is the value of the cell above. A merged cell's value belongs to
every row it spans (filled before); one spanning rows of two departments is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.importing.grid import Merge, Place, Sheet, cell_name, cell_text
from lianzheng_cli.importing.headers import FIELDS, NOT_IMPORTED
from lianzheng_cli.importing.problems import Problems
from lianzheng_cli.importing.tables import Table
from lianzheng_cli.importing.text import clean_name, fold_punct
from lianzheng_cli.importing.words import risk_type, section_text

tr = messages({
    "rows.same_as_above_first": {
        "zh": "「同上」的上方没有可沿用的{field}",
        "en": "“同上” (same as above) has no {field} above it",
    },
    "rows.formula_text": {
        "zh": "文本「{text}」看起来像公式，按文本导入（未计算）",
        "en": "text “{text}” looks like a formula; imported as text (never evaluated)",
    },
    "rows.formula_ignored": {
        "zh": "{field}列有公式（如 {cell}），公式的值未导入",
        "en": "the {field} column holds formulas (e.g. {cell}); their values are not imported",
    },
    "rows.hidden": {
        "zh": "已跳过隐藏的行 {rows} 个、隐藏的列 {cols} 个（隐藏内容不作为数据来源）",
        "en": "skipped {rows} hidden rows and {cols} hidden columns (hidden cells are no data source)",
    },
    "rows.section": {
        "zh": "分节行「{text}」既不是风险类型，也不是「部门：…」，已忽略",
        "en": "section row “{text}” names neither a risk type nor a department (部门:…); ignored",
    },
    "rows.merged_departments": {
        "zh": "合并单元格 {range} 跨越了不同部门的行（{departments}），其值已分别计入各行，请核对",
        "en": "merged cell {range} spans rows of different departments ({departments}); its value went to each row: "
              "check it",
    },
})

_FOOTER = re.compile(r"^(?:合计|总计|小计|共计|备注|注:|说明|填表说明|填表人|填报人|审核人|制表|单位负责人|"
                     r"部门负责人|负责人:|联系电话|联系人|填报日期|日期:|分管领导:|主要负责人:)")
_SECTION_DEPARTMENT = re.compile(r"^(?:填报部门|部门名称|部门|科室|处室|股室|单位)[:](.+)$")
_SECTION_NUMBERED = re.compile(r"^(?:[(]?[一二三四五六七八九十]{1,3}[)]?[、.]|[(][一二三四五六七八九十]{1,3}[)])")
_SAME_AS_ABOVE = frozenset({"同上", "同上。", "同上栏", "同上述", "〃", "\""})
_SAME_FIRST = frozenset(" \u3000\u00a0同〃\"")  # a cell can only be 同上 when it starts with one of these


@dataclass(slots=True)
class Row:
    number: int  # 0-based sheet row
    values: dict[str, str]  # field → cell text
    cols: dict[str, int]  # field → column
    department: str | None  # from the 部门 column, a section row or a 部门:… line
    section_type: str | None  # the risk type of the section the row stands in, as written

    def place(self, table: Table, name: str) -> Place:
        col = self.cols.get(name)
        return Place(table.file, table.sheet, self.number, col if col is not None else table.index_of(name))


def read_rows(table: Table, sheet: Sheet, vertical: dict[tuple[int, int], Merge], problems: Problems) -> None:
    """Fill ``table.rows`` with its data rows."""
    mapped = [(c.index, c.field) for c in table.columns if c.field and c.field not in NOT_IMPORTED]
    mapped_cols = {c for c, _ in mapped}
    header_texts = {cell_text(v) for r in table.header_rows for v in rows_of(sheet, r)} | {
        clean_name(part) for c in table.columns for part in c.header.split("/")}
    department, section_type = table.department, None
    previous: dict[str, str] = {}
    formula_columns: dict[str, int] = {}
    rows = sheet.rows
    for r in range(table.first_data_row, len(rows)):
        if r in sheet.hidden_rows:
            continue
        row = rows[r]
        texts = _row_texts(row, r, sheet, mapped_cols, formula_columns, mapped, problems, table)
        if not texts:
            continue
        first = clean_name(fold_punct(next(iter(texts.values()))))
        if _FOOTER.match(first) or (first in header_texts and _is_header_again(texts, header_texts)):
            continue
        section = _section(row, r, sheet, texts)
        if section is not None:
            new_department, new_type = _section_meaning(section)
            if new_department:
                department = new_department
            elif new_type:
                section_type = section
            else:
                problems.at("LZ615", Place(table.file, table.sheet, r, min(texts)), tr("rows.section", text=section))
            continue
        values: dict[str, str] = {}
        cols: dict[str, int] = {}
        for c, name in mapped:
            text = texts.get(c, "")
            if text and text[0] in _SAME_FIRST and clean_name(text) in _SAME_AS_ABOVE:
                text = previous.get(name, "")
                if not text:
                    problems.at("LZ612", Place(table.file, table.sheet, r, c),
                                tr("rows.same_as_above_first", field=FIELDS[name]))
            if text:
                values[name] = text
                cols[name] = c
        if not values:
            continue
        previous.update(values)
        row_department = clean_name(values["department"]) if "department" in values else department
        table.rows.append(Row(r, values, cols, row_department, section_type))
    _report_hidden(table, sheet, problems)
    _check_merges(table, vertical, mapped_cols, problems)


def rows_of(sheet: Sheet, r: int) -> list:
    return sheet.rows[r] if r < len(sheet.rows) else []


def _row_texts(row: list, r: int, sheet: Sheet, mapped_cols: set[int], formula_columns: dict[str, int],
               mapped: list[tuple[int, str]], problems: Problems, table: Table) -> dict[int, str]:
    """The row's visible, non-formula texts by column (all columns: a section row may sit in any)."""
    texts: dict[int, str] = {}
    hidden_cols, formulas = sheet.hidden_cols, sheet.formulas
    for c, value in enumerate(row):
        if formulas and (r, c) in formulas:
            _formula_seen(c, r, mapped, formula_columns, problems, table)
            continue
        if value == "" or value is None or c in hidden_cols:
            continue
        text = value if isinstance(value, str) else cell_text(value)
        if not text.strip():
            continue
        if text[0] == "=" and c in mapped_cols and len(text) > 1:
            problems.at("LZ613", Place(table.file, table.sheet, r, c), tr("rows.formula_text", text=text[:40]))
        texts[c] = text
    return texts


def _formula_seen(c: int, r: int, mapped: list[tuple[int, str]], seen: dict[str, int], problems: Problems,
                  table: Table) -> None:
    name = next((f for col, f in mapped if col == c), None)
    if name is None or name in seen:
        return
    seen[name] = r
    problems.at("LZ614", Place(table.file, table.sheet, r, c),
                tr("rows.formula_ignored", field=FIELDS[name], cell=cell_name(r, c)))


def _is_header_again(texts: dict[int, str], header_texts: set[str]) -> bool:
    """The header repeated mid-table (at a page break, or where two tables were pasted together)."""
    if len(texts) < 3:
        return False
    same = sum(1 for t in texts.values() if t in header_texts or (len(t) <= 30 and clean_name(t) in header_texts))
    return same >= 3 and same * 2 >= len(texts)


def _section(row: list, r: int, sheet: Sheet, texts: dict[int, str]) -> str | None:
    """The text of a section row (one value across the row, numbered, a 部门:… line or a risk type), or None."""
    if len(texts) > 1 and len(set(texts.values())) != 1:
        return None
    text = clean_name(next(iter(texts.values())))
    if len(text) > 30:
        return None
    folded = fold_punct(text)
    spans = len(texts) > 1
    if spans or _SECTION_NUMBERED.match(folded) or _SECTION_DEPARTMENT.match(folded) or risk_type(text):
        return text
    return None


def _section_meaning(text: str) -> tuple[str | None, str | None]:
    """(a department a 部门:… row names, a risk type a section names)."""
    department = _SECTION_DEPARTMENT.match(fold_punct(text))
    if department:
        return clean_name(department.group(1)), None
    return None, risk_type(text) or (section_text(text) if _looks_like_type(text) else None)


def _looks_like_type(text: str) -> bool:
    """A numbered section that names a kind of risk outside the vocabulary (``三、权力运行风险``)."""
    return section_text(text).endswith(("风险", "类风险", "类"))


def _report_hidden(table: Table, sheet: Sheet, problems: Problems) -> None:
    rows = sum(1 for r in sheet.hidden_rows if r >= table.first_data_row and r < len(sheet.rows))
    cols = len(sheet.hidden_cols & set(range(max((len(r) for r in sheet.rows[:table.first_data_row]), default=0))))
    if rows or cols:
        problems.on_sheet("LZ605", table.file, table.sheet, tr("rows.hidden", rows=rows, cols=cols))


def _check_merges(table: Table, vertical: dict[tuple[int, int], Merge], mapped_cols: set[int],
                  problems: Problems) -> None:
    """A merged cell (not of the 部门 column) spanning data rows of two departments."""
    department_col = table.column_of("department")
    skip = {department_col.index} if department_col else set()
    department_of = {row.number: row.department for row in table.rows}
    seen: set[Merge] = set()
    for (r, c), merge in vertical.items():
        if merge in seen or c not in mapped_cols or c in skip or r < table.first_data_row:
            continue
        seen.add(merge)
        r1, c1, r2, c2 = merge
        departments = []
        for row in range(r1, r2 + 1):
            name = department_of.get(row)
            if name and name not in departments:
                departments.append(name)
        if len(departments) > 1:
            problems.at("LZ611", Place(table.file, table.sheet, r1, c1), tr(
                "rows.merged_departments", range=f"{cell_name(r1, c1)}:{cell_name(r2, c2)}",
                departments=join_list(departments)))
