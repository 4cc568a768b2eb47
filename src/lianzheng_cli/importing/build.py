"""From the sheets of every input file to one draft register: tables found, rows read, departments decided.

A row's department is its 部门 column, else the ``部门:…`` section or line above it, else the sheet's name
when the sheet is one department's (not ``Sheet1``, ``一览表``, ``明细`` …), else the organization's own
department (reported). A sheet that repeats the risks of another (``lz render xlsx`` writes the 一览表 and
its 明细 side by side) is read once: the one with more columns understood is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lianzheng_cli.i18n import messages
from lianzheng_cli.importing.catalogs import read_post, read_power
from lianzheng_cli.importing.draft import Draft, DraftDepartment
from lianzheng_cli.importing.grid import Merge, Place, Sheet, cell_text
from lianzheng_cli.importing.problems import Problems
from lianzheng_cli.importing.read import SourceFile
from lianzheng_cli.importing.risks import RiskReader
from lianzheng_cli.importing.rows import Row, read_rows
from lianzheng_cli.importing.snapshot import is_snapshot
from lianzheng_cli.importing.tables import Column, Table, find_table, headers_seen
from lianzheng_cli.importing.text import clean_name
from lianzheng_cli.importing.words import department_kind

tr = messages({
    "build.extension": {
        "zh": "扩展名与内容不符：按 .{kind} 文件读取",
        "en": "the file's extension does not match its content; read as .{kind}",
    },
    "build.repeated_sheet": {
        "zh": "工作表「{sheet}」的风险点与「{kept}」相同（如一览表与明细表），只导入「{kept}」",
        "en": "sheet “{sheet}” repeats the risks of sheet “{kept}” (like a 一览表 and its 明细); "
              "only “{kept}” is imported",
    },
    "build.warnings_sheet": {
        "zh": "「{sheet}」是预警处置记录，本次未导入",
        "en": "“{sheet}” is a 预警处置记录 (warnings); not imported yet",
    },
    "build.hidden_sheet": {
        "zh": "隐藏的工作表「{sheet}」不作为数据来源，已跳过",
        "en": "hidden sheet “{sheet}” is no data source; skipped",
    },
    "build.no_department": {
        "zh": "表中没有部门列、「部门：…」行，工作表名也不是部门名：{count} 行记入以单位名称命名的部门「{name}」",
        "en": "no 部门 column, no 部门:… line and the sheet name is no department's: {count} rows go to the "
              "department named after the organization, “{name}”",
    },
    "build.org_differs": {
        "zh": "{what}：采用「{used}」，表格中另写有「{other}」",
        "en": "{what}: “{used}” is used; the sheets also say “{other}”",
    },
    "build.what_org": {"zh": "单位名称", "en": "organization name"},
    "build.what_year": {"zh": "年度", "en": "year"},
})

_GENERIC_SHEET = re.compile(r"^(?:sheet|工作表|表|table)\s*\d*$", re.IGNORECASE)
_NOT_DEPARTMENT_WORDS = ("一览表", "目录", "清单", "统计", "汇总", "明细", "说明", "台账", "登记", "风险", "防控",
                         "职权", "岗位", "权力", "流程", "措施")
FALLBACK_DEPARTMENT = "本单位"


@dataclass
class Collected:
    draft: Draft
    tables: list[Table]  # every table imported, for the column mapping shown
    skipped: list[Table] = field(default_factory=list)
    no_table: list[tuple[SourceFile, list[str]]] = field(default_factory=list)  # files without one, headers seen


def collect(sources: list[SourceFile], overrides: dict[str, str], org_name: str | None, year: int | None,
            problems: Problems, *, repeats: bool = False) -> Collected:
    """The draft of every table; ``repeats`` keeps a sheet that repeats another's risks (``lz import --update``
    compares each sheet with the register, as the user may have edited either)."""
    result = Collected(Draft(), [])
    found: list[_Found] = []
    for source in sources:
        tables = _tables_of(source, overrides, problems)
        if not tables:
            seen = max((headers_seen(sheet) for sheet in source.sheets), key=len, default=[])
            result.no_table.append((source, seen))
        found += [f for f in tables if f.table.kind != "warnings"]
    # repeated sheets are dropped before their rows are read: a county 明细 beside its 一览表 is read once
    kept = [f.table for f in found] if repeats else _without_repeats(found, problems)
    for item in found:
        if item.table in kept:
            read_rows(item.table, item.sheet, item.vertical, problems)
        else:
            result.skipped.append(item.table)
    for source in sources:
        source.sheets = []  # the rows are read: the cells can go
    result.tables = kept
    _org_and_year(result.draft, kept, org_name, year, problems)
    _read_tables(result.draft, kept, problems)
    return result


@dataclass(slots=True)
class _Found:
    table: Table
    sheet: Sheet
    vertical: dict[tuple[int, int], Merge]


def _tables_of(source: SourceFile, overrides: dict[str, str], problems: Problems) -> list[_Found]:
    """The table of each visible sheet (预警处置记录 ones reported, not read), merges filled, rows not yet read."""
    if source.extension_differs:
        problems.on_file("LZ600", source.shown, tr("build.extension", kind=source.kind))
    found = []
    for index, sheet in enumerate(source.sheets):
        if sheet.hidden:
            if sheet.rows and not is_snapshot(sheet):  # lz's own register text is no hidden data: not said
                problems.on_sheet("LZ605", source.shown, sheet.name, tr("build.hidden_sheet", sheet=sheet.name))
            continue
        vertical = sheet.fill_merges()
        table = find_table(sheet, source.shown, index, overrides, problems)
        if table is None:
            continue
        if table.kind == "warnings":
            problems.on_sheet("LZ602", source.shown, sheet.name, tr("build.warnings_sheet", sheet=sheet.name))
        found.append(_Found(table, sheet, vertical))
    return found


def _risk_keys(item: _Found) -> set[tuple]:
    """(部门, 风险点编号 or risk text) of each visible row with a risk text, read from the cells directly."""
    table, sheet = item.table, item.sheet
    risk, code, department = (table.column_of(name) for name in ("risk", "code", "department"))
    if risk is None:
        return set()

    def text(row: list, column: Column | None) -> str:
        value = row[column.index] if column is not None and column.index < len(row) else ""
        return value.strip() if isinstance(value, str) else cell_text(value)

    keys = set()
    for r in range(table.first_data_row, len(sheet.rows)):
        row = sheet.rows[r]
        if r not in sheet.hidden_rows and text(row, risk):
            keys.add((text(row, department), text(row, code) or text(row, risk)))
    return keys


def _without_repeats(found: list[_Found], problems: Problems) -> list[Table]:
    """Risk tables whose risks another risk table holds all of are dropped (the one with fewer fields)."""
    tables = [f.table for f in found]
    risk_tables = [t for t in tables if t.kind == "risks"]
    keys = {id(f.table): _risk_keys(f) for f in found if f.table.kind == "risks"}
    dropped: set[int] = set()
    for i, a in enumerate(risk_tables):
        for b in risk_tables[i + 1:]:
            if id(a) in dropped or id(b) in dropped or a.file != b.file:
                continue
            ka, kb = keys[id(a)], keys[id(b)]
            if not ka or not kb or not (ka <= kb or kb <= ka):
                continue
            if ka == kb:
                keep, drop = (a, b) if len(a.fields) >= len(b.fields) else (b, a)
            else:  # the one holding more risks stays
                keep, drop = (b, a) if ka < kb else (a, b)
            dropped.add(id(drop))
            problems.on_sheet("LZ601", drop.file, drop.sheet, tr("build.repeated_sheet", sheet=drop.sheet,
                                                                     kept=keep.sheet))
    return [t for t in tables if id(t) not in dropped]


def _org_and_year(draft: Draft, tables: list[Table], org_name: str | None, year: int | None,
                  problems: Problems) -> None:
    names = [t.org_name for t in tables if t.org_name]
    years = [t.year for t in tables if t.year]
    draft.org_name = org_name or (names[0] if names else None)
    draft.year = year or (years[0] if years else None)
    for what, used, seen, table_of in (("build.what_org", draft.org_name, names, "org_name"),
                                       ("build.what_year", draft.year, years, "year")):
        other = next((v for v in seen if v != used), None)
        if used is not None and other is not None:
            table = next(t for t in tables if getattr(t, table_of) == other)
            problems.on_sheet("LZ606", table.file, table.sheet,
                              tr("build.org_differs", what=tr(what), used=used, other=other))


def _sheet_is_department(table: Table, risk_sheets: int) -> bool:
    name = clean_name(table.sheet)
    if not name or _GENERIC_SHEET.match(name) or any(word in name for word in _NOT_DEPARTMENT_WORDS):
        return False
    return risk_sheets >= 1


def _read_tables(draft: Draft, tables: list[Table], problems: Problems) -> None:
    risk_sheets = sum(1 for t in tables if t.kind == "risks")
    for table in tables:
        sheet_department = clean_name(table.sheet) if _sheet_is_department(table, risk_sheets) else None
        reader = RiskReader(table, problems) if table.kind == "risks" else None
        fallback_rows = 0
        for row in table.rows:
            name = row.department or sheet_department
            if name is None:
                fallback_rows += 1
                name = draft.org_name or FALLBACK_DEPARTMENT
            department = _department(draft, name, table, row)
            if reader is not None:
                reader.read(row, department)
            elif table.kind == "powers":
                read_power(row, table, department, problems)
            elif table.kind == "posts":
                read_post(row, table, department, problems)
        if reader is not None:
            reader.finish()
            draft.grade_styles.update(reader.grade_styles)
        if fallback_rows:
            problems.on_sheet("LZ650", table.file, table.sheet, tr(
                "build.no_department", count=fallback_rows, name=draft.org_name or FALLBACK_DEPARTMENT))


def _department(draft: Draft, name: str, table: Table, row: Row) -> DraftDepartment:
    department = draft.department(name, Place(table.file, table.sheet, row.number, 0))
    source = f"{table.file}「{table.sheet}」"
    if source not in department.sources:
        department.sources.append(source)
    if len(department.risks) == 0 and not department.posts and not department.powers:
        department.kind = department_kind(name)
    return department
