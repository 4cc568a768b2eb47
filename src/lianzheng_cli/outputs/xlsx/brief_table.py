"""廉洁风险告知书 as a one-sheet workbook to print (``lz brief --xlsx``), from the data ``brief.build_brief`` makes.

The sheet: the title, the person (姓名, 部门, 岗位, 任职日期), the post's duties, powers and highest grade, a
row per risk under a header printed on every page, then the pledge and the two signature lines. A4
landscape, as wide as the page. Like the Markdown brief, it is Chinese whatever ``--lang`` says.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import datetime
from pathlib import Path

from lianzheng_cli.outputs.templating import grade_text
from lianzheng_cli.outputs.xlsx.writer import (
    BOX,
    LINE_HEIGHT,
    Align,
    Book,
    Cell,
    Overflow,
    Page,
    Sheet,
    SheetSpec,
    Style,
    TextFont,
)

SHEET_TITLE = "廉洁风险告知书"
COLUMNS = (("序号", 12), ("风险点编号", 11), ("风险点", 16), ("风险表现", 34), ("风险等级", 8),
           ("防控措施", 48), ("监控责任人", 18))
LEFT_COLUMNS = (3, 4, 6, 7)  # free text; the others are centred
WIDTH = len(COLUMNS)
REST = sum(w for _, w in COLUMNS[1:])  # the width a value merged over every column but the first has
MAX_ROW_HEIGHT = 409  # points (the brief's rows have always stopped half a point short of Excel's 409.5)


class _Styles:
    def __init__(self, book: Book):
        body, bold = TextFont("宋体", 10), TextFont("黑体", 10)
        left, center = Align("left", "center", wrap=True), Align("center", "center", wrap=True)
        shade, high = "D9D9D9", "FCE4E4"
        self.plain = book.style(Style())
        self.title = book.style(Style(TextFont("黑体", 16), center))
        self.label = book.style(Style(bold, center, BOX, fill=shade))  # labels and the header row
        self.left = book.style(Style(body, left, BOX))
        self.center = book.style(Style(body, center, BOX))
        self.left_high = book.style(Style(body, left, BOX, fill=high))
        self.center_high = book.style(Style(body, center, BOX, fill=high))
        self.text = book.style(Style(body, left))  # the pledge and signatures: no grid
        # the covered cells of a boxed merge carry only the edges of the range: a spreadsheet program
        # draws a merge's border from its cells' borders
        self.covered = book.style(Style(border=("top", "bottom")))
        self.covered_last = book.style(Style(border=("right", "top", "bottom")))


def write_brief_workbook(brief: dict, path: Path, overflows: list[Overflow] | None = None, *,
                         made: datetime | None = None) -> Path:
    """The brief as a print-ready one-sheet workbook (A4 landscape, fit to width); text never becomes a formula.

    Written next to ``path`` first and moved into place; returns ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with Book(made=made) as book:
        styles = _Styles(book)
        sheet = book.sheet(SheetSpec(SHEET_TITLE, COLUMNS, page=Page(print_area=True)))
        _write_person(sheet, styles, brief)
        _write_risks(sheet, styles, brief)
        _write_pledge(sheet, styles, brief)
        book.save(path)
    if overflows is not None:
        overflows.extend(book.overflows)
    return path


def _write_person(sheet: Sheet, styles: _Styles, brief: dict) -> None:
    """The title; 姓名 | name | 部门 | name, 岗位 | post | 任职日期 | date; the post's duties, powers and grade."""
    person, dept, post, org = brief["person"], brief["department"], brief["post"], brief["org"]
    title = f"{org['name']}{org['year']}年度{brief['title']}"
    _merged_row(sheet, _span(title, styles.title, WIDTH, styles, boxed=False), first=1, height=32)
    for (label_a, value_a), (label_b, value_b) in ((("姓名", person["name"]), ("部门", dept["name"])),
                                                   (("岗位", post["name"]), ("任职日期", person["since"]))):
        sheet.append([(label_a, styles.label), *_span(value_a, styles.left, 2, styles),
                      (label_b, styles.label), *_span(value_b, styles.left, WIDTH - 4, styles)], height=20)
        sheet.merge(sheet.row, 2, sheet.row, 3)
        sheet.merge(sheet.row, 5, sheet.row, WIDTH)
    powers = "、".join(f"{p['name']}（{p['category']}{'，三重一大' if p['sanzhong_yida'] else ''}）"
                      for p in post["powers"])
    highest = grade_text(brief["highest_grade"], brief["display_grade"]) if brief["highest_grade"] else "未登记风险点"
    for label, value in (("岗位职责", post["duties"]), ("岗位职权", powers), ("岗位风险等级", highest)):
        _merged_row(sheet, [(label, styles.label), *_span(value, styles.left, WIDTH - 1, styles)],
                    first=2, height=LINE_HEIGHT * _line_count(value, REST) + 6)


def _write_risks(sheet: Sheet, styles: _Styles, brief: dict) -> None:
    """The header (printed on every page) and a row per risk, shaded when it is 高."""
    sheet.append([(name, styles.label) for name, _ in COLUMNS], height=22)
    sheet.repeat_rows(sheet.row, sheet.row)
    style = brief["display_grade"]
    for number, risk in enumerate(brief["risks"], 1):
        _write_risk(sheet, styles, number, risk, style)
    if not brief["risks"]:
        _merged_row(sheet, _span("本岗位尚未登记廉政风险点。", styles.center, WIDTH, styles), first=1, height=None)
    if brief["common_risks"]:  # 1.1: the unit's and the department's common risk points, after the post's own
        _merged_row(sheet, _span("共性廉政风险点（适用于全单位或本部门各岗位）", styles.label, WIDTH, styles), first=1,
                    height=22)
        for number, risk in enumerate(brief["common_risks"], 1):
            _write_risk(sheet, styles, number, risk, style)


def _write_risk(sheet: Sheet, styles: _Styles, number: int, risk: dict, style: str) -> None:
    sheet.subject = risk["id"]
    high = risk["grade"] == "高"
    left, center = (styles.left_high, styles.center_high) if high else (styles.left, styles.center)
    grade = grade_text(risk["grade"], style) + (f"→{grade_text(risk['residual'], style)}" if risk["residual"] else "")
    values = (number, risk["id"], risk["title"], risk["description"], grade, risk["measures_text"],
              risk["monitors_text"])
    lines = max(_line_count(str(v), w) for v, (_, w) in zip(values, COLUMNS, strict=True))
    sheet.append([(v, left if col in LEFT_COLUMNS else center) for col, v in enumerate(values, 1)],
                 height=min(LINE_HEIGHT * lines + 6, MAX_ROW_HEIGHT))


def _write_pledge(sheet: Sheet, styles: _Styles, brief: dict) -> None:
    """The pledge and the signature lines of the person and of whoever briefed them, without a grid."""
    sheet.skip()
    _merged_row(sheet, _span(brief["pledge"], styles.text, WIDTH, styles, boxed=False), first=1,
                height=LINE_HEIGHT * _line_count(brief["pledge"], REST) + 12)
    sheet.skip()
    _merged_row(sheet, _span(f"本人{brief['signature']}", styles.text, WIDTH, styles, boxed=False), first=1, height=22)
    _merged_row(sheet, _span(brief["briefer_signature"], styles.text, WIDTH, styles, boxed=False), first=1, height=22)


def _span(value: object, style: int, columns: int, styles: _Styles, *, boxed: bool = True) -> list[Cell]:
    """``value`` over ``columns`` cells, to be merged: the covered cells of a boxed one keep the box's edges."""
    if not boxed:
        return [(value, style)] + [(None, styles.plain)] * (columns - 1)
    return [(value, style)] + [(None, styles.covered)] * (columns - 2) + [(None, styles.covered_last)]


def _merged_row(sheet: Sheet, cells: list[Cell], *, first: int, height: float | None) -> None:
    """A row whose cells from column ``first`` on are merged into one."""
    sheet.append(cells, height=height)
    sheet.merge(sheet.row, first, sheet.row, WIDTH)


def _line_count(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` Excel units wide (宋体 10pt: a CJK character is two units of
    half width; a unit is about 7 px), so each row is printed tall enough for its text.

    The brief's own estimate (a 10 % margin, not the writer's 7 %), so its rows keep their heights."""
    capacity = max((7 * width - 1) / 6.67 * 0.9, 2.0)
    lines = 0
    for line in text.split("\n"):
        half_widths = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
        lines += max(1, math.ceil(half_widths / capacity))
    return lines
