"""The county workbook of ``lz rollup --xlsx``: 汇总表 (a row per unit, the total, rank), a sheet per unit (its
departments), then the units with errors and the risks copied between units. Chinese whatever ``--lang`` says."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from lianzheng_cli.analytics.rollup import Rollup, UnitTotals
from lianzheng_cli.outputs.rollup import COLUMNS, summary_title, unit_label
from lianzheng_cli.outputs.xlsx.writer import BOX, Align, Book, Page, SheetSpec, Style, TextFont
from lianzheng_cli.vocab import GRADES

SUMMARY_SHEET = "汇总表"
FAILED_SHEET = "有错误的单位"
COPIES_SHEET = "单位间照抄照搬"
_SHEET_NAME_UNSAFE = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31


class _Styles:
    def __init__(self, book: Book):
        body, bold = TextFont("宋体", 10), TextFont("黑体", 10)
        self.title = book.style(Style(TextFont("黑体", 14), Align("left", "center")))
        self.header = book.style(Style(bold, Align("center", "center", wrap=True), BOX, fill="D9D9D9"))
        self.text = book.style(Style(body, Align("left", "center", wrap=True), BOX))
        self.number = book.style(Style(body, Align("right", "center"), BOX))
        self.total = book.style(Style(bold, Align("right", "center"), BOX, fill="F2F2F2"))


def sheet_names(rollup: Rollup) -> list[str]:
    """A unique, valid sheet name per clean unit: its name, cut to Excel's 31 characters."""
    taken = {SUMMARY_SHEET, FAILED_SHEET, COPIES_SHEET}
    names = []
    for t in rollup.totals:
        base = _SHEET_NAME_UNSAFE.sub("_", t.name).strip("'") or t.unit
        name, n = base[:MAX_SHEET_NAME], 1
        while name.lower() in {x.lower() for x in taken}:
            n += 1
            suffix = f"_{n}"
            name = base[:MAX_SHEET_NAME - len(suffix)] + suffix
        taken.add(name)
        names.append(name)
    return names


def write_rollup_workbook(rollup: Rollup, path: Path, *, made: datetime | None = None) -> Path:
    """The county workbook at ``path`` (written beside it and moved into place)."""
    with Book(made=made) as book:
        styles = _Styles(book)
        _summary(book, styles, rollup)
        for name, totals in zip(sheet_names(rollup), rollup.totals, strict=True):
            _unit_sheet(book, styles, name, totals)
        _failed(book, styles, rollup)
        _copies(book, styles, rollup)
        book.save(path)
    return path


def _summary(book: Book, styles: _Styles, rollup: Rollup) -> None:
    columns = [("名次", 6), ("单位", 30), ("单位编号", 14), ("年度", 7), *((zh, 8) for _, zh, _, _ in COLUMNS)]
    sheet = book.sheet(SheetSpec(SUMMARY_SHEET, columns, frozen_rows=2, page=Page()))
    sheet.append([(summary_title(rollup), styles.title)], height=24)
    sheet.append([(h, styles.header) for h, _ in columns], height=30)
    rank = {(t.unit, t.year): n for n, t in enumerate(rollup.ranking, 1)}
    for t in rollup.totals:
        sheet.append([(rank[(t.unit, t.year)], styles.number), (t.name, styles.text), (t.unit, styles.text),
                      (t.year, styles.number), *((get(t), styles.number) for *_, get in COLUMNS)])
    county = rollup.county()
    sheet.append([(None, styles.total), ("合计", styles.total), (None, styles.total), (None, styles.total),
                  *((get(county), styles.total) for *_, get in COLUMNS)])
    sheet.autofilter(2, sheet.row - 1)


def _unit_sheet(book: Book, styles: _Styles, name: str, t: UnitTotals) -> None:
    columns = [("部门", 24), ("部门编号", 12), ("人员", 7), ("风险点", 8), *((g, 6) for g in GRADES), ("措施", 8),
               ("逾期措施", 9), ("未办结预警", 10)]
    sheet = book.sheet(SheetSpec(name, columns, frozen_rows=2, page=Page()))
    sheet.append([(f"{unit_label(t)}{t.year}年度", styles.title)], height=24)
    sheet.append([(h, styles.header) for h, _ in columns], height=24)
    for d in t.by_department:
        sheet.append([(d["name"], styles.text), (d["department"], styles.text), (d["people"], styles.number),
                      (d["risks"], styles.number), *((d["risks_by_grade"][g], styles.number) for g in GRADES),
                      (d["measures"], styles.number), (d["measures_overdue"], styles.number),
                      (d["warnings_open"], styles.number)])
    sheet.append([("合计", styles.total), (None, styles.total), (t.people, styles.total), (t.risks, styles.total),
                  *((t.risks_by_grade.get(g, 0), styles.total) for g in GRADES), (t.measures, styles.total),
                  (t.measures_overdue, styles.total), (t.warnings_open, styles.total)])


def _failed(book: Book, styles: _Styles, rollup: Rollup) -> None:
    columns = [("来源", 30), ("单位编号", 14), ("位置", 40), ("代码", 8), ("问题", 60)]
    sheet = book.sheet(SheetSpec(FAILED_SHEET, columns, frozen_rows=1, page=Page()))
    sheet.append([(h, styles.header) for h, _ in columns], height=22)
    for u in rollup.failed:
        if u.problem:
            sheet.append([(u.argument, styles.text), (u.unit, styles.text), (None, styles.text), (None, styles.text),
                          (u.problem, styles.text)])
        for d in u.errors:
            sheet.append([(u.argument, styles.text), (u.unit, styles.text), (u.located(d), styles.text),
                          (d.code, styles.text), (d.message, styles.text)])


def _copies(book: Book, styles: _Styles, rollup: Rollup) -> None:
    columns = [("序号", 6), ("风险表现", 50), ("单位", 26), ("单位编号", 14), ("部门", 20), ("风险点编号", 14)]
    sheet = book.sheet(SheetSpec(COPIES_SHEET, columns, frozen_rows=1, page=Page()))
    sheet.append([(h, styles.header) for h, _ in columns], height=22)
    for n, copy in enumerate(rollup.copies, 1):
        for p in copy.places:
            sheet.append([(n, styles.number), (copy.text, styles.text), (p.unit_name, styles.text),
                          (p.unit, styles.text), (p.department_name, styles.text), (p.risk, styles.text)])
