"""The streaming XLSX writer on its own: two sheets with a merge, a repeated header, styles and page setup."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from lianzheng_cli.outputs.xlsx.writer import (
    BOX,
    Align,
    Book,
    Margins,
    Page,
    SheetSpec,
    Style,
    TextFont,
)


@pytest.fixture
def book_path(tmp_path):
    path = tmp_path / "book.xlsx"
    with Book() as book:
        title = book.style(Style(TextFont("黑体", 16, charset=134), Align("center", "center", wrap=True)))
        header = book.style(Style(TextFont("黑体", 11, bold=True), Align("center", "center"), BOX, fill="D9D9D9"))
        cell = book.style(Style(TextFont("宋体", 10), Align("left", "center", wrap=True), BOX))
        day = book.style(Style(TextFont("宋体", 10), border=BOX, number_format="yyyy-mm-dd"))
        assert book.style(Style(TextFont("宋体", 10), Align("left", "center", wrap=True), BOX)) == cell  # made once

        columns = (("名称", 10), ("数量", 6), ("日期", 12))
        first = book.sheet(SheetSpec("清单", columns, frozen_rows=2,
                                     page=Page(margins=Margins(left=0.4, right=0.4), footer_font="宋体,Regular")))
        first.append([("清单标题", title), (None, title), (None, title)], height=32)
        first.merge(1, 1, 1, 3)
        first.append([(name, header) for name, _ in columns], height=None)
        first.repeat_rows(2, 2)
        first.append([("=1+1", cell), (3, cell), (date(2025, 3, 1), day)])
        # 60 half widths in a column 10 wide (9.6 a line): 7 lines
        first.append([("长" * 30, cell), (2.5, cell), (None, day)])
        first.autofilter(2, first.row)

        second = book.sheet(SheetSpec("备注", (("备注", 40),), page=Page(portrait=True, print_area=True)))
        second.append([("第一行", cell)], height=20)
        second.skip()
        second.append([("第三行", cell)], height=20)
        book.save(path)
    return path


def test_values_merges_and_print_titles_read_back(book_path):
    wb = load_workbook(book_path)
    assert wb.sheetnames == ["清单", "备注"]
    ws = wb["清单"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["清单标题", None, None],
        ["名称", "数量", "日期"],
        ["=1+1", 3, datetime(2025, 3, 1)],
        ["长" * 30, 2.5, None],
    ]
    assert ws["A3"].data_type == "s"  # text, never a formula
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:C1"}
    assert ws.print_title_rows == "$2:$2"
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:C4"
    assert wb["备注"].print_area == "'备注'!$A$1:$A$3"
    assert [c.value for c in wb["备注"]["A"]] == ["第一行", None, "第三行"]


def test_styles_widths_heights_and_page_setup(book_path):
    ws = load_workbook(book_path)["清单"]
    assert (ws["A1"].font.name, ws["A1"].font.sz, ws["A1"].alignment.horizontal) == ("黑体", 16, "center")
    assert (ws["A2"].font.b, ws["A2"].fill.fgColor.rgb, ws["A2"].border.left.style) == (True, "00D9D9D9", "thin")
    assert (ws["A3"].alignment.wrap_text, ws["C3"].number_format) == (True, "yyyy-mm-dd")
    assert [ws.column_dimensions[c].width for c in "ABC"] == [10, 6, 12]
    heights = [ws.row_dimensions[r].height for r in (1, 2, 3, 4)]
    assert heights[0] == 32 and heights[1] is None  # given, and left to the program
    assert heights[2] == 19  # one line: 14 points and the padding
    assert heights[3] == 7 * 14 + 5
    assert (ws.page_setup.orientation, int(ws.page_setup.paperSize)) == ("landscape", 9)  # A4
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_margins.left, ws.page_margins.top) == (0.4, 1.0)
    assert ws.oddFooter.center.text == "第&P页，共&N页"
    assert ws.oddFooter.center.font == "宋体,Regular"
    assert load_workbook(book_path)["备注"].page_setup.orientation == "portrait"


def test_an_unwritable_value_is_refused(tmp_path):
    with Book() as book:
        sheet = book.sheet(SheetSpec("表", (("甲", 10),)))
        with pytest.raises(TypeError, match="cannot hold"):
            sheet.append([(object(), 0)])
