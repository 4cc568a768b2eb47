"""lz render xlsx: the 一览表 workbook, read back with openpyxl."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import INSPECTION, LEADERSHIP, ORG, run, write_register
from lianzheng_cli.importing.read import read_source
from lianzheng_cli.importing.snapshot import find_snapshot
from lianzheng_cli.outputs.xlsx import form as xlsx_form
from lianzheng_cli.outputs.xlsx import risk_table as workbook
from lianzheng_cli.outputs.xlsx.risk_table import render_by_department, render_workbook
from lianzheng_cli.outputs.xlsx.writer import _RowSpool, _ZipOut, clean_text, split_sheet_xml, xml_text
from lianzheng_cli.validate.register import validate

ORG_STARS = ORG + "display:\n  grade: stars\n"

# 审批科: two processes, four risks on no process whose texts a spreadsheet would take for formulas.
APPROVAL = """\
schema_version: 1
id: spk
name: 审批科
kind: 内设机构
leader: p-ke
supervisor: p-vice
people:
  - {id: p-ke, name: 丁某某, post: spk-chushen, since: 2024-03-01, briefed: 2024-03-15, pledged: 2025-02-01}
posts:
  - {id: spk-chushen, name: 初审岗, powers: [spk-P01]}
  - {id: spk-fuhe, name: 复核岗, duties: 复核初审意见并拨付资金}
powers:
  - id: spk-P01
    name: 经营者备案登记
    scope: 外部
    category: 行政审批
    basis: [《备案登记办法》, 《审批规程》]
    process: spk-F01
  - {id: spk-P02, name: 大额资金拨付, scope: 内部, category: 财务管理, sanzhong_yida: true, process: spk-F02}
processes:
  - id: spk-F01
    name: 备案流程
    steps:
      - {id: S1, name: 受理, post: spk-chushen}
      - {id: S2, name: 初审, post: spk-chushen}
  - id: spk-F02
    name: 资金拨付流程
    steps:
      - {id: S1, name: 审核, post: spk-fuhe}
risks:
  - id: spk-R1
    title: 初审把关不严
    description: 未经现场核查即出具初审同意意见,对申请材料真实性把关不严
    type: 业务流程
    process: spk-F01
    step: S2
    posts: [spk-chushen]
    likelihood: 3
    impact: 4
    grade: 中
    measures:
      - {id: M1, text: 初审与复核分离并留存现场核查记录, stage: 前期预防, owner: spk}
      - {id: M2, text: 科长每月抽查初审卷宗不少于十件, stage: 中期监控, owner: p-ke}
  - id: spk-R2
    title: 受理刁难
    description: 对材料齐全的申请不一次性告知补正内容,让申请人反复跑
    type: 岗位职责
    process: spk-F01
    step: S1
    posts: [spk-chushen]
    likelihood: 2
    impact: 2
    measures:
      - {id: M1, text: 推行一次性告知制度, stage: 前期预防, owner: spk-chushen}
  - id: spk-R3
    title: 拨付审核放水
    description: 对不符合条件的项目照样审核通过并拨付资金
    type: 业务流程
    process: spk-F02
    step: S1
    posts: [spk-fuhe]
    likelihood: 4
    impact: 4
    measures:
      - {id: M1, text: 拨付前由纪检监察室抽查, stage: 中期监控, owner: jjjc, status: 已落实}
      - {id: M2, text: 违规拨付的追回资金并问责, stage: 后期处置, owner: spk}
  - id: spk-R4
    title: '=HYPERLINK("http://example.com","点此")'
    description: '=SUM(A1)'
    type: 思想道德
    posts: [spk-fuhe]
    likelihood: 1
    impact: 2
    measures:
      - {id: M1, text: '=1+1 参加廉政教育', stage: 前期预防, owner: spk}
  - {id: spk-R5, title: 电话泄密, description: '+86 电话中透露审核意见', type: 外部环境, posts: [spk-fuhe], likelihood: 1, impact: 1}
  - {id: spk-R6, title: 收受礼金, description: '-1 份礼金未登记上交', type: 思想道德, posts: [spk-fuhe], likelihood: 1, impact: 1}
  - {id: spk-R7, title: 群内泄露, description: '@所有人 在工作群转发未公开的审核结果', type: 外部环境, posts: [spk-fuhe], likelihood: 1, impact: 1}
warnings:
  - {id: W1, risk: spk-R1, date: 2025-03-01, source: 审计, level: 提示, finding: 初审记录缺页, action: 风险提示, closed: 2025-03-20}
"""

ENFORCEMENT = """\
schema_version: 1
id: zfk
name: 执法科
kind: 内设机构
leader: p-zf
supervisor: p-vice
people:
  - {id: p-zf, name: 戊某某, post: zfk-kezhang, since: 2022-01-01, briefed: 2022-01-10, pledged: 2025-02-01}
  - {id: p-zy, name: 己某某, post: zfk-zhifa, since: 2022-01-01, briefed: 2022-01-10, pledged: 2025-02-01}
posts:
  - {id: zfk-kezhang, name: 执法科科长}
  - {id: zfk-zhifa, name: 执法岗, powers: [zfk-P01]}
powers:
  - {id: zfk-P01, name: 违法行为处罚, scope: 外部, category: 行政处罚, process: zfk-F01}
processes:
  - id: zfk-F01
    name: 处罚流程
    steps:
      - {id: S1, name: 立案, post: zfk-zhifa}
      - {id: S2, name: 调查取证, post: zfk-zhifa}
risks:
  - id: zfk-R2
    title: 取证不全
    description: 调查取证时只取对当事人不利的证据
    type: 业务流程
    process: zfk-F01
    step: S2
    posts: [zfk-zhifa]
    likelihood: 2
    impact: 3
    measures:
      - {id: M1, text: 执法全过程记录仪记录, stage: 中期监控, owner: p-zf}
  - id: zfk-R1
    title: 选择性立案
    description: 对熟人企业的违法线索不立案
    type: 业务流程
    process: zfk-F01
    step: S1
    posts: [zfk-zhifa]
    likelihood: 5
    impact: 4
    grade: 高
    measures:
      - {id: M1, text: 线索统一登记编号, stage: 前期预防, owner: zfk}
warnings:
  - {id: W2, risk: zfk-R1, date: 2025-02-01, level: 预警, finding: 两条线索未登记}
"""

PEOPLE = ("甲某某", "乙某某", "丙某某", "丁某某", "戊某某", "己某某")
MAIN_HEADER = ["序号", "部门", "流程", "关键环节", "涉及对象（岗位）", "风险点编号", "廉政风险点（风险表现）", "风险类型",
               "风险等级", "防控措施", "责任主体", "监控责任人"]
DETAIL_HEADER = ["序号", "部门", "流程", "关键环节", "涉及对象（岗位）", "风险点编号", "风险点名称", "风险表现", "风险类型",
                 "风险等级", "防控措施", "责任主体", "监控责任人"]
# departments in file order (jjjc, ldbz, spk, zfk), then process, then step; risks on no process last
ORDER = ["spk-R2", "spk-R1", "spk-R3", "spk-R4", "spk-R5", "spk-R6", "spk-R7", "zfk-R1", "zfk-R2"]
FIRST = 4  # first risk row of the 一览表 (title, legend, header above)


def make_register(root: Path, org: str = ORG_STARS) -> Path:
    return write_register(root, org, {"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": APPROVAL, "zfk": ENFORCEMENT})


def load_register(root: Path):
    result = validate(root)
    assert result.errors == 0, result.diagnostics
    return result.register


@pytest.fixture
def register(tmp_path):
    return load_register(make_register(tmp_path))


@pytest.fixture
def book(register, tmp_path):
    return load_workbook(render_workbook(register, tmp_path / "book.xlsx"))


@pytest.fixture
def public_book(register, tmp_path):
    return load_workbook(render_workbook(register, tmp_path / "public.xlsx", public=True))


def values(ws, column: int, first: int = FIRST) -> list:
    """A column of the table's rows (the 一览表's sign-off line and the blank row above it are not table rows)."""
    last = ws.max_row
    if str(ws.cell(last, 1).value or "").startswith("填报人"):
        last -= 2
    return [ws.cell(row, column).value for row in range(first, last + 1)]


def all_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def test_sheets_in_order(book, public_book):
    assert book.sheetnames == ["廉政风险点防控措施一览表", "明细（可筛选）", "职权目录", "岗位风险等级目录", "预警处置记录", "统计",
                               "登记簿原文"]
    assert [ws.sheet_state for ws in book.worksheets] == ["visible"] * 6 + ["veryHidden"]  # lz import's, not shown
    # the public version carries no register text: it would name the people and warnings it leaves out
    assert public_book.sheetnames == ["廉政风险点防控措施一览表", "明细（可筛选）", "职权目录", "岗位风险等级目录", "统计"]


def test_title_row_is_merged_over_the_form(book):
    ws = book["廉政风险点防控措施一览表"]
    assert ws["A1"].value == "测试局2025年度廉政风险点防控措施一览表"
    assert ws["A1"].font.name == "黑体"
    assert ws["A2"].value == "填报单位：测试局    年度：2025    风险点9个，防控措施8项    风险等级：★★★=高 ★★=中 ★=低"
    assert {"A1:L1", "A2:L2"} <= {str(r) for r in ws.merged_cells.ranges}


def test_header_cells(book):
    assert [c.value for c in book["廉政风险点防控措施一览表"][3]] == MAIN_HEADER
    assert [c.value for c in book["明细（可筛选）"][1]] == DETAIL_HEADER
    assert book["廉政风险点防控措施一览表"]["J3"].font.name == "黑体"
    assert book["廉政风险点防控措施一览表"]["J4"].font.name == "宋体"


def test_one_row_per_risk_by_department_process_and_step(book):
    main, detail = book["廉政风险点防控措施一览表"], book["明细（可筛选）"]
    assert values(main, 6) == ORDER
    assert values(main, 1) == list(range(1, 10))
    assert values(detail, 6, first=2) == ORDER
    assert values(detail, 2, first=2) == ["审批科"] * 7 + ["执法科"] * 2
    assert values(detail, 3, first=2) == ["备案流程"] * 2 + ["资金拨付流程"] + [None] * 4 + ["处罚流程"] * 2
    assert values(detail, 4, first=2) == ["受理", "初审", "审核", None, None, None, None, "立案", "调查取证"]


def test_merged_ranges_follow_department_and_process(book):
    main = book["廉政风险点防控措施一览表"]
    # 审批科 rows 4–10, its 备案流程 rows 4–5; 资金拨付流程 has one risk; risks on no process are not merged
    assert {str(r) for r in main.merged_cells.ranges} == {"A1:L1", "A2:L2", "B4:B10", "C4:C5", "B11:B12", "C11:C12",
                                                          "A14:L14"}  # the sign-off line
    assert (main["B4"].value, main["B5"].value, main["C4"].value, main["C6"].value) == ("审批科", None, "备案流程", "资金拨付流程")
    assert main["B5"].border.left.style == "thin"  # cells under a merge keep the grid
    assert not book["明细（可筛选）"].merged_cells.ranges


def test_measures_are_numbered_lines_with_their_stage(book, register):
    main, detail = book["廉政风险点防控措施一览表"], book["明细（可筛选）"]
    assert main["J5"].value == "1.【前期预防】初审与复核分离并留存现场核查记录\n2.【中期监控】科长每月抽查初审卷宗不少于十件"
    assert values(main, 10)[4:7] == [None, None, None]  # risks without measures
    text = "\n".join(v for v in values(main, 10) if v)
    for risk in register.risks.values():
        for measure in risk.measures:
            assert measure.text in text
    assert values(detail, 11, first=2) == values(main, 10)


def test_grades_monitors_and_owners(book):
    main = book["廉政风险点防控措施一览表"]
    # computed grades: R2 lifted to 中 by its 行政审批 power; R3 is 16 points → 高
    assert values(main, 9) == ["★★", "★★", "★★★", "★", "★", "★", "★", "★★★", "★★"]
    assert main["L6"].value == "单位主要负责人：甲某某\n纪检监察机构：丙某某"
    assert main["L5"].value == "分管领导：乙某某\n部门负责人：丁某某"
    assert main["K5"].value == "1.审批科\n2.丁某某"
    assert main["K4"].value == "初审岗"
    assert main["E4"].value == "初审岗"
    assert main["G5"].value == "初审把关不严：未经现场核查即出具初审同意意见,对申请材料真实性把关不严"


@pytest.mark.parametrize(("style", "shown"), [
    ("word", ["中", "高", "低"]), ("stars", ["★★", "★★★", "★"]), ("level", ["二级", "一级", "三级"]),
    ("color", ["橙色", "红色", "黄色"]),
])
def test_grade_display_style(tmp_path, style, shown):
    register = load_register(make_register(tmp_path, ORG + f"display:\n  grade: {style}\n"))
    wb = load_workbook(render_workbook(register, tmp_path / "book.xlsx"))
    main = wb["廉政风险点防控措施一览表"]
    assert [main["I5"].value, main["I6"].value, main["I7"].value] == shown
    assert wb["统计"]["B4"].value == ("高" if style == "word" else f"高（{shown[1]}）")


def test_high_rows_are_shaded(book):
    main = book["廉政风险点防控措施一览表"]
    high, medium = 6, 5
    for column in "ADFGIJKL":
        assert main[f"{column}{high}"].fill.fgColor.rgb == "00FCE4E4", column
        assert main[f"{column}{medium}"].fill.patternType is None, column
    assert main[f"I{high}"].font.bold and main[f"I{high}"].font.color.rgb == "00C00000"
    assert book["明细（可筛选）"]["H4"].fill.fgColor.rgb == "00FCE4E4"


def test_print_setup(book):
    for name, titles, frozen in (("廉政风险点防控措施一览表", "$1:$3", "A4"), ("明细（可筛选）", "$1:$1", "A2"),
                                 ("职权目录", "$1:$2", "A3"), ("预警处置记录", "$1:$2", "A3")):
        ws = book[name]
        assert ws.print_title_rows == titles, name
        assert ws.freeze_panes == frozen, name
        assert ws.page_setup.orientation == "landscape", name
        assert ws.page_setup.paperSize == 9, name  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, name
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), name
        assert ws.oddFooter.center.text == "第&P页，共&N页", name
    assert book["统计"].page_setup.orientation == "portrait"
    main = book["廉政风险点防控措施一览表"]
    assert main["J4"].alignment.wrap_text is True
    assert main["J4"].border.bottom.style == "thin"
    assert main.column_dimensions["J"].width == 44
    assert main.row_dimensions[5].height > main.row_dimensions[4].height  # two measure lines need more room


def test_detail_sheet_has_an_autofilter(book):
    assert book["明细（可筛选）"].auto_filter.ref == "A1:M10"


def test_no_cell_is_ever_a_formula(book, public_book):
    for wb in (book, public_book):
        assert [c.coordinate for c in all_cells(wb) if c.data_type == "f"] == []
    detail = book["明细（可筛选）"]
    hostile = {row[5].value: row for row in detail.iter_rows(min_row=2)}
    expected = {
        "spk-R4": ("=HYPERLINK(\"http://example.com\",\"点此\")", "=SUM(A1)"),
        "spk-R5": ("电话泄密", "+86 电话中透露审核意见"),
        "spk-R6": ("收受礼金", "-1 份礼金未登记上交"),
        "spk-R7": ("群内泄露", "@所有人 在工作群转发未公开的审核结果"),
    }
    for risk, (title, description) in expected.items():
        row = hostile[risk]
        assert (row[6].value, row[7].value) == (title, description)
        assert (row[6].data_type, row[7].data_type) == ("s", "s")
    assert hostile["spk-R4"][10].value == "1.【前期预防】=1+1 参加廉政教育"
    main = book["廉政风险点防控措施一览表"]
    assert main["G7"].value == "=HYPERLINK(\"http://example.com\",\"点此\")：=SUM(A1)"
    assert main["G7"].data_type == "s"


def test_text_a_cell_cannot_hold_is_cleaned(register, tmp_path):
    assert clean_text("甲\x07乙\x1b丙") == "甲乙丙"
    assert len(clean_text("长" * 40000)) == 32767
    register.risks["spk-R5"].description = "#N/A"  # an error literal must stay text too
    register.risks["spk-R6"].description = "响铃\x07字符"
    detail = load_workbook(render_workbook(register, tmp_path / "book.xlsx"))["明细（可筛选）"]
    assert (detail["H6"].value, detail["H6"].data_type) == ("#N/A", "s")
    assert detail["H7"].value == "响铃字符"


def test_public_version_names_nobody(public_book):
    leaked = [(c.parent.title, c.coordinate, name) for c in all_cells(public_book) if isinstance(c.value, str)
              for name in PEOPLE if name in c.value]
    assert leaked == []
    main = public_book["廉政风险点防控措施一览表"]
    assert main["L6"].value == "单位主要负责人\n纪检监察机构"
    assert main["K5"].value == "1.审批科\n2.初审岗"  # a person owner is shown by the post
    assert "内部公示版" in main["A2"].value
    assert "在岗人员" not in [c.value for c in public_book["岗位风险等级目录"][2]]


def test_internal_version_lists_people(book):
    posts = book["岗位风险等级目录"]
    assert [c.value for c in posts[2]] == ["序号", "部门", "岗位", "在岗人员", "岗位职责", "高（★★★）", "中（★★）", "低（★）",
                                          "风险点数", "最高等级"]
    rows = {row[2].value: [c.value for c in row] for row in posts.iter_rows(min_row=3)}
    assert rows["初审岗"][1:] == ["审批科", "初审岗", "丁某某", None, 0, 2, 0, 2, "★★"]
    assert rows["复核岗"][1:] == ["审批科", "复核岗", None, "复核初审意见并拨付资金", 1, 0, 4, 5, "★★★"]
    assert rows["执法科科长"][1:] == ["执法科", "执法科科长", "戊某某", None, 0, 0, 0, 0, "—"]


def test_powers_sheet(book):
    powers = book["职权目录"]
    assert powers["A1"].value == "测试局2025年度职权目录"
    assert [c.value for c in powers[3]] == [1, "审批科", "spk-P01", "经营者备案登记", "行政审批", "外部", "否", "初审岗",
                                           "《备案登记办法》\n《审批规程》", "备案流程"]
    assert [c.value for c in powers[4]][2:7] == ["spk-P02", "大额资金拨付", "财务管理", "内部", "是"]
    assert powers.max_row == 5


def test_warnings_sheet(book):
    warnings = book["预警处置记录"]
    rows = [[c.value for c in row] for row in warnings.iter_rows(min_row=3)]
    assert rows == [
        [1, "W2", datetime(2025, 2, 1), "执法科", "zfk-R1", "选择性立案", None, "预警", "两条线索未登记", None, None, "处置中"],
        [2, "W1", datetime(2025, 3, 1), "审批科", "spk-R1", "初审把关不严", "审计", "提示", "初审记录缺页", "风险提示",
         datetime(2025, 3, 20), "已办结"],
    ]
    assert warnings["C3"].number_format == "yyyy-mm-dd"


def test_statistics_sheet(book):
    stats = book["统计"]
    rows = [[c.value for c in row] for row in stats.iter_rows(min_row=3) if any(c.value is not None for c in row)]
    assert rows[:8] == [
        ["一、各部门风险点等级分布", None, None, None, None],
        ["部门", "高（★★★）", "中（★★）", "低（★）", "合计"],
        ["纪检监察室", 0, 0, 0, 0], ["领导班子", 0, 0, 0, 0], ["审批科", 1, 2, 4, 7], ["执法科", 1, 1, 0, 2],
        ["合计", 2, 3, 4, 9],
        ["二、风险类型与等级", None, None, None, None],
    ]
    assert rows[9:15] == [["思想道德", 0, 0, 2, 2], ["岗位职责", 0, 1, 0, 1], ["业务流程", 2, 2, 0, 4],
                          ["制度机制", 0, 0, 0, 0], ["外部环境", 0, 0, 2, 2], ["合计", 2, 3, 4, 9]]
    assert rows[15:] == [
        ["三、防控措施阶段与落实情况", None, None, None, None],
        ["措施阶段", "措施数", "已落实", "落实中", "未开始"],
        ["前期预防", 4, 0, 0, 4], ["中期监控", 3, 1, 0, 2], ["后期处置", 1, 0, 0, 1], ["合计", 8, 1, 0, 7],
    ]


def test_one_department(register, tmp_path):
    wb = load_workbook(render_workbook(register, tmp_path / "zfk.xlsx", department="zfk"))
    main = wb["廉政风险点防控措施一览表"]
    assert main["A1"].value == "测试局执法科2025年度廉政风险点防控措施一览表"
    assert values(main, 6) == ["zfk-R1", "zfk-R2"]
    assert [c.value for c in wb["职权目录"]["C"][2:]] == ["zfk-P01"]
    assert [c.value for c in wb["预警处置记录"]["B"][2:]] == ["W2"]
    with pytest.raises(KeyError, match="nope"):
        render_workbook(register, tmp_path / "x.xlsx", department="nope")


def test_by_department_writes_one_workbook_each(register, tmp_path):
    written = render_by_department(register, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in written)
    assert [p.name for p in written] == [
        "测试局-2025-纪检监察室-廉政风险点防控措施一览表.xlsx", "测试局-2025-领导班子-廉政风险点防控措施一览表.xlsx",
        "测试局-2025-审批科-廉政风险点防控措施一览表.xlsx", "测试局-2025-执法科-廉政风险点防控措施一览表.xlsx",
    ]


def test_example_register_renders_every_risk(example_register, tmp_path):
    register = load_register(example_register)
    wb = load_workbook(render_workbook(register, tmp_path / "example.xlsx"))
    main = wb["廉政风险点防控措施一览表"]
    ids = values(main, 6)
    assert sorted(ids) == sorted(register.risks)
    measures = "\n".join(v or "" for v in values(main, 10))
    assert all(m.text in measures for r in register.risks.values() for m in r.measures)
    assert [c.coordinate for c in all_cells(wb) if c.data_type == "f"] == []


# --- the CLI ---

def test_cli_writes_the_default_path(runner, tmp_path, monkeypatch):
    make_register(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run(runner, "render", "xlsx")
    assert result.exit_code == 0, result.output
    path = Path("out") / "测试局-2025-廉政风险点防控措施一览表.xlsx"
    assert result.output == f"已生成：{path}\n"
    assert load_workbook(tmp_path / path).sheetnames[0] == "廉政风险点防控措施一览表"


def test_cli_output_public_and_english(runner, tmp_path):
    root = make_register(tmp_path)
    target = tmp_path / "公示" / "表.xlsx"
    result = run(runner, "render", "xlsx", "-r", str(root), "-o", str(target), "--public", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output == f"written: {target}\n"
    assert "预警处置记录" not in load_workbook(target).sheetnames


def test_cli_by_department(runner, tmp_path):
    root = make_register(tmp_path)
    result = run(runner, "render", "xlsx", "-r", str(root), "--by-department", "-o", str(tmp_path / "depts"))
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 4
    assert len(list((tmp_path / "depts").glob("*.xlsx"))) == 4
    (tmp_path / "a-file").write_text("x")
    result = run(runner, "render", "xlsx", "-r", str(root), "--by-department", "-o", str(tmp_path / "a-file"))
    assert result.exit_code == 2


def test_cli_refuses_a_broken_register(runner, tmp_path):
    root = make_register(tmp_path)
    spk = root / "departments" / "spk.yaml"
    spk.write_text(spk.read_text(encoding="utf-8").replace("process: spk-F02\n    step: S1",
                                                           "process: spk-F09\n    step: S1"), encoding="utf-8")
    target = tmp_path / "book.xlsx"
    result = run(runner, "render", "xlsx", "-r", str(root), "-o", str(target))
    assert result.exit_code == 1
    assert "LZ021" in result.output
    assert not target.exists()


def test_cli_without_a_register(runner, tmp_path):
    result = run(runner, "render", "xlsx", "-r", str(tmp_path / "nowhere"))
    assert result.exit_code == 2


def test_cli_reports_a_folder_it_cannot_write(runner, tmp_path):
    root = make_register(tmp_path)
    (tmp_path / "a-file").write_text("x")
    result = run(runner, "render", "xlsx", "-r", str(root), "-o", str(tmp_path / "a-file" / "book.xlsx"))
    assert result.exit_code == 2
    assert f"无法写入 {tmp_path / 'a-file'}" in result.output
    result = run(runner, "render", "xlsx", "-r", str(root), "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "是目录" in result.output


# --- the spliced rows: the XML written beside openpyxl, read back every way ---

# Every character XML and spreadsheets treat specially: markup, quotes, a DDE payload, a CDATA end,
# leading and trailing blanks, a carriage return and a tab.
HOSTILE = "  <b>&amp;\"'</b> =cmd|' /C calc'!A0 ]]> 回车\r\n换行\t制表 尾 "
HOSTILE_YAML = '"  <b>&amp;\\"\'</b> =cmd|\' /C calc\'!A0 ]]> 回车\\r\\n换行\\t制表 尾 "'


@pytest.fixture
def hostile_path(tmp_path):
    approval = APPROVAL.replace("description: '+86 电话中透露审核意见'", f"description: {HOSTILE_YAML}")
    approval = approval.replace("title: 电话泄密", "title: '=1+2 \"引号\" & <尖括号>'")
    root = write_register(tmp_path, ORG_STARS,
                          {"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": approval, "zfk": ENFORCEMENT})
    return render_workbook(load_register(root), tmp_path / "hostile.xlsx")


@pytest.mark.parametrize("read_only", [False, True])
def test_hostile_text_comes_back_exact(hostile_path, read_only):
    wb = load_workbook(hostile_path, read_only=read_only)
    main = next(iter(wb["廉政风险点防控措施一览表"].iter_rows(min_row=8, max_row=8)))
    detail = next(iter(wb["明细（可筛选）"].iter_rows(min_row=6, max_row=6)))
    assert detail[5].value == "spk-R5"
    assert (detail[6].value, detail[7].value) == ('=1+2 "引号" & <尖括号>', HOSTILE)
    assert main[6].value == f'=1+2 "引号" & <尖括号>：{HOSTILE}'
    assert (main[6].data_type, detail[6].data_type, detail[7].data_type) == ("s", "s", "s")
    wb.close()


@pytest.mark.parametrize("read_only", [False, True])
def test_a_high_row_reads_back_styled(book, tmp_path, read_only):
    wb = load_workbook(tmp_path / "book.xlsx", read_only=read_only)
    main = wb["廉政风险点防控措施一览表"]
    high = next(iter(main.iter_rows(min_row=6, max_row=6)))  # spk-R3, 高
    assert [c.value for c in high[:9]] == [3, None, "资金拨付流程", "审核", "复核岗", "spk-R3",
                                          "拨付审核放水：对不符合条件的项目照样审核通过并拨付资金", "业务流程", "★★★"]
    for cell in high:
        if cell.column == 2 and not read_only:
            continue  # B6 lies inside B4:B10, and openpyxl keeps only a merge's outline of the cells inside
        # 部门 and 流程 may span other risks' rows, so they stay unshaded
        shade = (None, "00000000") if cell.column in (2, 3) else ("solid", "00FCE4E4")
        assert (cell.fill.patternType, cell.fill.fgColor.rgb) == shade, cell.column
        sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
        assert [side.style for side in sides] == ["thin"] * 4, cell.column
        assert (cell.font.name, cell.font.size) == ("宋体", 10), cell.column
    grade = high[8]
    assert (grade.font.bold, grade.font.color.rgb, grade.alignment.horizontal) == (True, "00C00000", "center")
    assert (high[6].alignment.horizontal, high[6].alignment.wrap_text) == ("left", True)
    medium = next(iter(main.iter_rows(min_row=5, max_row=5)))
    assert (medium[8].font.color.rgb, medium[8].font.bold, medium[0].fill.patternType) == ("00C65911", False, None)
    header = next(iter(main.iter_rows(min_row=3, max_row=3)))
    assert (header[0].font.name, header[0].fill.fgColor.rgb) == ("黑体", "00D9D9D9")
    warning_date = next(iter(wb["预警处置记录"].iter_rows(min_row=3, max_row=3)))[2]
    assert (warning_date.value, warning_date.number_format) == (datetime(2025, 2, 1), "yyyy-mm-dd")
    wb.close()


def test_read_only_mode_reads_what_normal_mode_reads(book, tmp_path):
    def trimmed(ws):
        rows = []
        for row in ws.iter_rows(values_only=True):
            row = list(row)
            while row and row[-1] is None:
                row.pop()
            rows.append(row)
        return rows

    streamed = load_workbook(tmp_path / "book.xlsx", read_only=True)
    assert streamed.sheetnames == book.sheetnames
    for name in book.sheetnames:
        assert trimmed(streamed[name]) == trimmed(book[name]), name
    streamed.close()
    assert book["统计"].max_row == 25 and book["廉政风险点防控措施一览表"].max_row == 14  # 12 + the sign-off


def test_rows_say_their_heights(book):
    def heights(ws):
        return [ws.row_dimensions[r].height for r in range(1, ws.max_row + 1)]

    main, detail = book["廉政风险点防控措施一览表"], book["明细（可筛选）"]
    # title 32, legend 20, header 30; then 14 points a wrapped line + 5: spk-R1 (row 5) has two measures of
    # two lines each in the 44-wide 防控措施 column; the full-width "：" between a risk's title and its
    # description is two columns wide, so spk-R5 (row 9) and the last row take a line more than its half-width
    # colon took; so do the high risks' monitors in the detail sheet (单位主要负责人：甲某某)
    assert heights(main) == [32, 20, 30, 47, 61, 61, 33, 33, 33, 33, 61, 47, 12, 28]  # then the sign-off
    assert heights(detail) == [30, 61, 61, 61, 47, 33, 33, 33, 61, 61]
    assert heights(book["统计"])[:4] == [32, 12, 22, 19]  # a blank spacer row before each table's heading
    assert all(main.row_dimensions[r].customHeight for r in range(1, main.max_row + 1))


def test_a_row_is_never_taller_than_excel_allows(register, tmp_path):
    register.risks["spk-R5"].description = "\n".join(["一行"] * 40)  # 40 lines × 14 points
    detail = load_workbook(render_workbook(register, tmp_path / "book.xlsx"))["明细（可筛选）"]
    assert (detail["F6"].value, detail.row_dimensions[6].height) == ("spk-R5", 409.5)


def test_merges_survive_the_splice(book):
    main = book["廉政风险点防控措施一览表"]
    assert sorted(str(r) for r in main.merged_cells.ranges) == ["A14:L14", "A1:L1", "A2:L2", "B11:B12", "B4:B10",
                                                                 "C11:C12", "C4:C5"]
    titles = {name: [str(r) for r in book[name].merged_cells.ranges] for name in book.sheetnames[2:]}
    assert titles == {"职权目录": ["A1:J1"], "岗位风险等级目录": ["A1:J1"], "预警处置记录": ["A1:L1"], "统计": ["A1:E1"],
                      "登记簿原文": []}


def test_every_part_is_well_formed_xml_and_no_cell_is_a_formula(hostile_path):
    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(hostile_path) as package:
        assert package.testzip() is None
        assert [i.filename for i in package.infolist() if i.extra] == []  # no ZIP64 fields a small book needs not
        styles = ET.fromstring(package.read("xl/styles.xml"))
        formats = len(styles.find(f"{main_ns}cellXfs"))
        sheets = sorted(n for n in package.namelist() if n.startswith("xl/worksheets/sheet"))
        assert len(sheets) == 7  # the six of the form and the register's text
        parts = [n for n in package.namelist() if n.endswith((".xml", ".rels"))]
        assert len(parts) == len(package.namelist())
        texts: Counter = Counter()  # texts with xml:space="preserve" (True) and without
        for name in parts:
            rows, kinds, style_ids = [], Counter(), set()
            with package.open(name) as part:
                for _, element in ET.iterparse(part):  # raises on anything not well-formed
                    if element.tag == f"{main_ns}row":
                        rows.append(int(element.get("r")))
                        assert element.get("customHeight") == "1" and float(element.get("ht")) > 0
                    elif element.tag == f"{main_ns}c":
                        kinds[element.get("t")] += 1
                        style_ids.add(int(element.get("s")))
                        assert element.find(f"{main_ns}f") is None, (name, element.get("r"))
                    elif element.tag == f"{main_ns}t":  # blanks at either end of a text are kept
                        text = element.text or ""
                        preserved = element.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
                        assert preserved == (text.strip() != text), (name, text)
                        texts[preserved] += 1
            if name in sheets:
                assert rows == list(range(1, len(rows) + 1)), name
                assert set(kinds) == {"inlineStr", None}, (name, kinds)  # text inline; numbers and dates plain
                assert max(style_ids) < formats, name
        assert texts[True] and texts[False]  # the hostile text's blanks, and the plain texts


def test_text_is_escaped_for_xml():
    assert xml_text("甲&乙<丙>丁\"'") == "甲&amp;乙&lt;丙&gt;丁\"'"
    assert xml_text("回车\r\n响铃\x07") == "回车&#13;\n响铃"
    assert xml_text("普通文字") == "普通文字"
    assert len(xml_text("长" * 40000)) == 32767
    assert xml_text("&" * 40000) == "&amp;" * 32767  # cut to Excel's limit before escaping


@pytest.mark.parametrize("closing", [b"<sheetData></sheetData>", b"<sheetData/>", b"<sheetData />"])
def test_rows_are_spliced_into_sheet_data_however_it_is_written(closing):
    spool = _RowSpool(2)
    spool.write(1, (("甲", 1), (2, 1)), 20)
    row = (b'<row r="1" ht="20" customHeight="1"><c r="A1" s="1" t="inlineStr"><is><t>'
           + "甲".encode() + b'</t></is></c><c r="B1" s="1"><v>2</v></c></row>')
    assert spool.size == len(row)
    head = b"<worksheet>" + b"<cols/>" * 9360 + b"<x/>"
    before, after = split_sheet_xml(head + closing + b"<mergeCells/></worksheet>")
    out = io.BytesIO()
    package = _ZipOut(out)
    package.add("xl/worksheets/sheet1.xml", (2025, 1, 1, 0, 0, 0), 0, [before, spool.deflate(1), after])
    package.close()
    spool.close()
    with zipfile.ZipFile(out) as book:  # the rows were compressed apart from the rest: zipfile checks the CRC
        xml = book.read("xl/worksheets/sheet1.xml")
    assert xml == head + b"<sheetData>" + row + b"</sheetData><mergeCells/></worksheet>"
    ET.fromstring(xml)


def test_progress_counts_every_risk(register, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "PROGRESS_EVERY", 4)
    calls = []
    render_workbook(register, tmp_path / "book.xlsx", progress=calls.append)
    assert calls == [4, 4, 1]  # 9 risks
    calls.clear()
    render_by_department(register, tmp_path / "out", progress=calls.append)
    assert calls == [4, 3, 2]  # 审批科 7 risks, 执法科 2; 领导班子 and 纪检监察室 have none
    calls.clear()
    render_workbook(register, tmp_path / "zfk.xlsx", department="zfk", progress=calls.append)
    assert calls == [2]


def test_a_failed_save_leaves_no_partial_file(register, tmp_path):
    target = tmp_path / "book.xlsx"
    target.mkdir()
    (target / "inside").write_text("x")  # a folder with files in it cannot be replaced by the workbook
    with pytest.raises(OSError) as raised:
        render_workbook(register, target)
    assert raised.value.filename == str(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "registers"]
    assert [p.name for p in target.iterdir()] == ["inside"]


def test_the_same_register_gives_the_same_bytes_twice(example_register, tmp_path, monkeypatch):
    """Times come from SOURCE_DATE_EPOCH (else the last commit, else the register year), never the clock."""
    import time
    import zipfile

    from lianzheng_cli.outputs.brief import build_brief, write_brief
    from lianzheng_cli.outputs.stamp import document_time
    from lianzheng_cli.validate.register import validate

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01 00:00 UTC
    register = validate(example_register).register
    assert register is not None
    first = workbook.render_workbook(register, tmp_path / "a.xlsx")
    person = next(iter(register.people))
    brief_a = write_brief(build_brief(register, person), tmp_path / "a-brief.xlsx", xlsx=True,
                          made=document_time(register.root, register.org.year))
    time.sleep(2.1)  # zip entry times have a resolution of two seconds
    second = workbook.render_workbook(register, tmp_path / "b.xlsx")
    brief_b = write_brief(build_brief(register, person), tmp_path / "b-brief.xlsx", xlsx=True,
                          made=document_time(register.root, register.org.year))
    assert first.read_bytes() == second.read_bytes()
    assert brief_a.read_bytes() == brief_b.read_bytes()
    with zipfile.ZipFile(first) as package:
        core = package.read("docProps/core.xml").decode()
        assert {info.date_time for info in package.infolist()} == {(2025, 1, 1, 0, 0, 0)}
    assert "2025-01-01T00:00:00Z" in core and ">lz</dc:creator>" in core and "openpyxl" not in core


def test_the_filed_table_ends_with_its_sign_off_line_and_the_public_one_does_not(example_register, tmp_path):
    from openpyxl import load_workbook

    from lianzheng_cli.validate.register import validate

    register = validate(example_register).register
    assert register is not None
    for public in (False, True):
        path = workbook.render_workbook(register, tmp_path / f"{public}.xlsx", public=public)
        sheet = load_workbook(path)[workbook.SHEET_MAIN]
        last = [str(c.value) for c in sheet[sheet.max_row] if c.value]
        signed = bool(last) and all(word in last[0] for word in ("填报人", "审核人", "单位负责人", "填报日期"))
        assert signed is not public
        if not public:
            merged = {str(r) for r in sheet.merged_cells.ranges}
            assert f"A{sheet.max_row}:L{sheet.max_row}" in merged


# --- 明细 written in a forked child, and the zip package written by the writer itself -------------------------


def test_the_detail_sheet_written_in_a_child_gives_the_same_bytes(example_register, tmp_path, monkeypatch):
    """The child's rows (compressed there) and this process's give the same workbook, byte for byte."""
    from lianzheng_cli import forking
    from lianzheng_cli.outputs.xlsx import writer

    if not forking.can_fork():
        pytest.skip("this machine cannot fork a child")
    register = validate(example_register).register
    assert register is not None
    children = []

    class Counted(writer.Forked):
        def __init__(self, *args):
            children.append(args[0])
            super().__init__(*args)

    monkeypatch.setattr(writer, "Forked", Counted)
    monkeypatch.setattr(xlsx_form, "PARALLEL_FROM", 10**9)
    serial = render_workbook(register, tmp_path / "serial.xlsx")
    assert children == []
    monkeypatch.setattr(xlsx_form, "PARALLEL_FROM", 0)
    parallel = render_workbook(register, tmp_path / "parallel.xlsx")
    assert len(children) == 2  # 明细 and the register text in children, the 一览表 here
    assert parallel.read_bytes() == serial.read_bytes()
    with zipfile.ZipFile(parallel) as package:
        assert package.testzip() is None  # every entry's CRC, combined from its parts, holds
        detail = package.read("xl/worksheets/sheet2.xml")
    assert detail.count(b"<row ") == 1 + len(register.risks)
    book = load_workbook(parallel)
    assert book["明细（可筛选）"].auto_filter.ref == f"A1:M{1 + len(register.risks)}"


def test_large_sheets_are_compressed_through_a_file_and_zip64_fields_read_back(register, tmp_path, monkeypatch):
    import tempfile

    from lianzheng_cli.outputs.xlsx import writer

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(writer, "SPOOL_IN_MEMORY", 10)  # every sheet's rows go through a temporary file
    monkeypatch.setattr(writer, "ZIP64_LIMIT", 2000)  # sizes and offsets past it take ZIP64 fields
    monkeypatch.setattr(xlsx_form, "PARALLEL_FROM", 0)
    path = render_workbook(register, tmp_path / "book.xlsx")
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        assert any(i.extra for i in package.infolist())
    assert list(scratch.iterdir()) == []  # the child's compressed rows were removed with the book
    assert load_workbook(path)["明细（可筛选）"]["F2"].value == "spk-R2"
    monkeypatch.undo()
    plain = render_workbook(register, tmp_path / "plain.xlsx")
    with zipfile.ZipFile(path) as big, zipfile.ZipFile(plain) as small:
        assert [(n, big.read(n)) for n in big.namelist()] == [(n, small.read(n)) for n in small.namelist()]


@pytest.mark.parametrize("sizes", [(0, 0), (1, 0), (0, 7), (5, 9), (1000, 70001), (3, 1 << 17)])
def test_crc32_combine_agrees_with_zlib(sizes):
    import random
    import zlib

    from lianzheng_cli.outputs.xlsx.writer import crc32_combine

    rnd = random.Random(sum(sizes))
    first, second = (bytes(rnd.getrandbits(8) for _ in range(n)) for n in sizes)
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)


def test_texts_cut_in_the_childs_sheet_are_reported_as_when_written_here(register, tmp_path, monkeypatch):
    """A text too long for a cell on 明细, written in a child, is reported, in the same order as without one."""
    from lianzheng_cli.outputs.xlsx.writer import MAX_CELL_TEXT

    risk = next(iter(register.risks.values()))
    risk.description = "长" * (MAX_CELL_TEXT + 10)  # records are plain dataclasses: a test may stretch one
    found = {}
    for parallel, since in (("child", 0), ("here", 10**9)):
        monkeypatch.setattr(xlsx_form, "PARALLEL_FROM", since)
        overflows: list = []
        render_workbook(register, tmp_path / f"{parallel}.xlsx", overflows=overflows)
        found[parallel] = [(o.sheet, o.cell, o.subject, o.length) for o in overflows]
    assert found["child"] == found["here"]
    assert {sheet for sheet, *_ in found["child"]} == {"廉政风险点防控措施一览表", "明细（可筛选）"}
    assert all(subject == risk.id for *_, subject, _ in found["child"])


@pytest.mark.parametrize("duties", [True, False])
def test_the_register_text_is_written_ahead_for_the_sheets_foreseen(example_register, tmp_path, monkeypatch, duties):
    """The files' rows of the register text are written from the start, numbered after a fingerprint row for each
    visible sheet foreseen; with a wrong count they are written again where they belong: the same sheets."""
    from lianzheng_cli.outputs.xlsx import risk_table, writer

    if not duties:  # no power says what the 权力和责任清单 lists: one visible sheet fewer
        for path in (example_register / "departments").glob("*.yaml"):
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            path.write_text("".join(line for line in lines if not line.startswith(
                ("    content:", "    accountability:", "    supervision:"))), encoding="utf-8")
    register = validate(example_register).register
    assert register is not None
    again = []
    end_with = writer.Sheet.end_with

    def counted(sheet, ahead, write):
        again.append(sheet.row + 1 != ahead.first)
        end_with(sheet, ahead, write)

    monkeypatch.setattr(writer.Sheet, "end_with", counted)
    monkeypatch.setattr(xlsx_form, "PARALLEL_FROM", 0)
    foreseen = render_workbook(register, tmp_path / "foreseen.xlsx")
    monkeypatch.setattr(risk_table, "_visible_sheets", lambda scope: 1)
    missed = render_workbook(register, tmp_path / "missed.xlsx")
    assert again == [False, True]
    with zipfile.ZipFile(foreseen) as one, zipfile.ZipFile(missed) as other:
        assert one.testzip() is None and other.testzip() is None
        assert [(n, one.read(n)) for n in one.namelist()] == [(n, other.read(n)) for n in other.namelist()]
    book = load_workbook(foreseen, read_only=True)
    assert ("权力和责任清单" in book.sheetnames) == duties
    sheets = read_source(foreseen).sheets  # as lz import reads it: the register text vouches for every sheet
    snapshot = find_snapshot(sheets)
    assert snapshot is not None and snapshot.edited(sheets) == []
    assert set(snapshot.files) == {"org.yaml", *(d.file for d in register.departments)} | {
        name for name in ("approvals.yaml", "assessments.yaml") if (example_register / name).is_file()}
