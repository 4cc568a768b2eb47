"""Word documents: lz brief --docx, lz report --docx and lz render docx, read back with python-docx.

Each is checked as an office would find it: A4 with the margins of GB/T 9704, Chinese fonts set as East
Asian fonts, tables with their widths in the grid, the header row repeated and rows kept whole, every
risk and measure of the register present, no Markdown or Mermaid left, the same bytes twice.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx.enum.section import WD_ORIENT

from conftest import INSPECTION, LEADERSHIP, run, write_register
from docx_helpers import (
    W,
    assert_gongwen_page,
    assert_no_markup,
    east_asian_font,
    has_header_row,
    lines,
    load,
    package_text,
    paragraph_with,
    table_checks,
    text,
)
from lianzheng_cli.outputs.docx.document import DocxDocument, chinese_number
from lianzheng_cli.outputs.docx.tables import Cell, Column
from lianzheng_cli.outputs.docx.wordml import clean
from lianzheng_cli.outputs.stamp import document_time
from report_fixtures import OFFICE, STARS_ORG, report_register
from test_report import needs_git, revised_register

PEOPLE = ("甲某某", "乙某某", "丙某某", "丁某某", "戊某某")
RISK_IDS = ("R1", "R2", "R3", "R4")
MEASURES = ("初审与复核分离", "系统比对|自动预警", "徇私出具意见的调离岗位", "审批时限电子监察，超时自动提醒",
            "节前廉洁提醒")


@pytest.fixture
def fixture_register(tmp_path: Path) -> Path:
    return report_register(tmp_path)


@pytest.fixture(autouse=True)
def _fixed_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767139200")  # 2025-12-31 00:00 UTC


def render(runner, *args: str) -> None:
    result = run(runner, *args)
    assert result.exit_code == 0, result.output


# -- lz brief --docx -----------------------------------------------------------------------------------------------


def test_brief_docx_is_a_gongwen_page_with_east_asian_fonts(runner, fixture_register, tmp_path):
    target = tmp_path / "brief.docx"
    render(runner, "brief", "p-wu", "--docx", "-r", str(fixture_register), "-o", str(target))
    document = load(target)
    assert len(document.sections) == 1
    assert_gongwen_page(document.sections[0])
    assert document.sections[0].orientation == WD_ORIENT.PORTRAIT
    title = paragraph_with(document, "测试局2025年度")
    assert paragraph_with(document, "测试局2025年度").find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "GwTitle"
    assert east_asian_font(document, title) == "方正小标宋简体"
    assert east_asian_font(document, paragraph_with(document, "根据测试局2025年度")) == "仿宋_GB2312"
    assert east_asian_font(document, paragraph_with(document, "一、岗位廉政风险点")) == "黑体"
    assert east_asian_font(document, paragraph_with(document, "未经现场核查")) == "仿宋_GB2312"
    # the document defaults name the fonts too, never the template's theme fonts
    styles = package_text(target)
    assert "minorEastAsia" not in styles.split("<w:docDefaults>")[1].split("</w:docDefaults>")[0]


def test_brief_docx_holds_the_risks_measures_and_signatures(runner, fixture_register, tmp_path):
    target = tmp_path / "brief.docx"
    render(runner, "brief", "p-wu", "--docx", "-r", str(fixture_register), "-o", str(target))
    document = load(target)
    body = text(document)
    for expected in ("戊某某", "审批科", "初审岗", "2025-01-02", "R1 初审把关不严", "★★★（业务流程）", "R3 节日收受购物卡",
                     "未经现场核查即出具初审意见|对材料真实性\n把关不严", "1.【前期预防】初审与复核分离（责任主体：审批科）",
                     "2.【中期监控】系统比对|自动预警（责任主体：初审岗）", "单位主要负责人：甲某某",
                     "以上廉政风险点及防控措施已由丁某某向本人告知。", "本人已知悉上述廉政风险及防控措施"):
        assert expected in body, expected
    risk_table = document.tables[1]
    table_checks(risk_table)
    assert has_header_row(risk_table)
    assert [c.text for c in risk_table.rows[0].cells][:3] == ["序号", "风险点及等级", "风险表现"]
    assert east_asian_font(document, risk_table.rows[1].cells[2]._tc.find(f"{W}p")) == "仿宋_GB2312"
    # the signature block ends the document, with the 一式两份 note
    tail = [line for line in lines(document) if line.strip()][-5:]
    assert tail[0].startswith("本人签名：") and tail[1].startswith("日期：")
    assert tail[2].startswith("交底人签名：") and tail[3].startswith("日期：")
    assert tail[4] == "本告知书一式两份，本人和所在部门各执一份。"
    assert_no_markup(document)


def test_brief_docx_has_page_numbers_in_the_footer(runner, fixture_register, tmp_path):
    target = tmp_path / "brief.docx"
    render(runner, "brief", "p-wu", "--docx", "-r", str(fixture_register), "-o", str(target))
    document = load(target)
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        xml = footer._element.xml
        assert "PAGE" in "".join(footer._element.itertext()) and 'w:fldCharType="begin"' in xml
        assert footer.paragraphs[0].text.startswith("— ") and footer.paragraphs[0].text.endswith(" —")
        assert f'w:jc w:val="{align}"' in xml and 'w:sz w:val="28"' in xml  # 4号


def test_brief_of_a_department_is_one_file_with_a_section_each(runner, fixture_register, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    render(runner, "brief", "-d", "spk", "--docx", "-r", str(fixture_register))
    target = tmp_path / "out" / "测试局-2025-审批科-廉洁风险告知书.docx"
    document = load(target)
    assert len(document.sections) == 2
    second = document.sections[1]._sectPr.find(f"{W}pgNumType")
    assert second is not None and second.get(f"{W}start") == "1"  # each person's pages count from 1
    body = text(document)
    assert body.count("本人签名：") == 2 and "丁某某" in body and "戊某某" in body


def test_brief_split_writes_one_docx_per_person(runner, fixture_register, tmp_path):
    folder = tmp_path / "briefs"
    render(runner, "brief", "-d", "spk", "--docx", "--split", "-r", str(fixture_register), "-o", str(folder))
    assert sorted(p.name for p in folder.iterdir()) == [
        "测试局-2025-廉洁风险告知书-丁某某-p-ke.docx", "测试局-2025-廉洁风险告知书-戊某某-p-wu.docx"]


@pytest.mark.parametrize("args", [
    ("p-wu", "--docx", "--xlsx"),
    ("p-wu", "--docx", "-o", "-"),
    ("p-wu", "--split"),
    ("-d", "spk", "--split"),  # Markdown is one file per person already
    ("p-wu", "--template", "."),  # the templates are the Word brief's
])
def test_brief_docx_usage_errors(runner, fixture_register, args):
    result = run(runner, "brief", *args, "-r", str(fixture_register))
    assert result.exit_code == 2
    assert result.stderr.startswith("lz: ")


def test_a_units_own_pledge_and_an_unknown_name(runner, fixture_register, tmp_path):
    mine = tmp_path / "mine"
    (mine).mkdir()
    (mine / "pledge.txt.j2").write_text("本人郑重承诺：\n严守纪律。\n\n{{ person.name }}愿接受监督。\n", encoding="utf-8")
    target = tmp_path / "brief.docx"
    render(runner, "brief", "p-wu", "--docx", "--template", str(mine), "-r", str(fixture_register), "-o", str(target))
    body = lines(load(target))
    assert "本人郑重承诺：严守纪律。" in body and "戊某某愿接受监督。" in body
    assert not any(line.startswith("本人已知悉上述") for line in body)

    (mine / "pledge.txt.j2").write_text("{{ no_such_thing }}\n", encoding="utf-8")
    result = run(runner, "brief", "p-wu", "--docx", "--template", str(mine), "-r", str(fixture_register),
                 "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr.startswith("lz: 模板 ")
    assert "pledge.txt.j2:1" in result.stderr and "templates/docx/brief/" in result.stderr


# -- lz report --docx ----------------------------------------------------------------------------------------------


def test_report_docx_has_the_reports_content_laid_out_for_print(runner, fixture_register, tmp_path):
    target = tmp_path / "report.docx"
    render(runner, "report", "--docx", "--as-of", "2025-06-30", "-r", str(fixture_register), "-o", str(target))
    document = load(target)
    body = text(document)
    for heading in ("一、总体情况", "二、风险等级分布", "三、高风险点及防控措施", "四、措施落实与预警处置（截至2025-06-30）",
                    "五、登记簿检查结果", "六、权力运行流程图", "七、各部门廉政风险点及防控措施"):
        assert heading in lines(document), heading
    for expected in (*RISK_IDS, *MEASURES, "W1", "同一申请人材料不全仍予受理", "2025-06-29"):
        assert expected in body, expected
    assert_no_markup(document)
    # portrait for the text, the wide table of every department's risks in a landscape section
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]
    assert_gongwen_page(document.sections[0])
    assert_gongwen_page(document.sections[1], landscape=True)
    for table in document.tables:
        table_checks(table)
    wide = document.tables[-1]
    assert has_header_row(wide) and len(wide.columns) == 9


def test_report_docx_draws_each_flowchart(runner, fixture_register, tmp_path):
    target = tmp_path / "report.docx"
    render(runner, "report", "--docx", "--as-of", "2025-06-30", "-r", str(fixture_register), "-o", str(target))
    document = load(target)
    chart = next(t for t in document.tables if "↓" in [c.text for c in t.columns[0].cells])
    steps = [c.text for c in chart.columns[0].cells]
    assert steps == ["1.受理\n承办：初审岗\n时限：1个工作日", "↓", '2.初审"材料" #1; [核查]\n承办：初审岗', "↓",
                     "3.科长审批\n承办：审批科科长\n时限：2个工作日"]
    risks = [c.text for c in chart.columns[2].cells]
    assert risks[2].startswith("R1 初审把关不严 ★★★\n风险表现：未经现场核查")
    assert risks[4].startswith("R2 审批无故拖延 ★★")
    # drawn without grid lines: the boxes are the cells' own borders, shaded by grade
    assert chart._tbl.find(f"{W}tblPr/{W}tblBorders") is None
    box = chart.rows[2].cells[2]._tc
    assert box.find(f"{W}tcPr/{W}tcBorders") is not None
    assert box.find(f"{W}tcPr/{W}shd").get(f"{W}fill") == "F8D7DA"
    # the rows keep together, so the chart is not broken over two pages
    assert all(r._tr.find(f"{W}tc/{W}p/{W}pPr/{W}keepNext") is not None for r in chart.rows[:-1])
    assert "未对应到具体环节的风险点：R4 流程外受理（★★）。" in lines(document)


def test_report_docx_output_errors(runner, fixture_register):
    result = run(runner, "report", "--docx", "-o", "-", "-r", str(fixture_register))
    assert result.exit_code == 2 and "--docx" in result.stderr


# -- lz render docx ------------------------------------------------------------------------------------------------


def test_render_docx_is_the_workbooks_table_in_landscape(runner, fixture_register, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    render(runner, "render", "docx", "-r", str(fixture_register))
    document = load(tmp_path / "out" / "测试局-2025-廉政风险点防控措施一览表.docx")
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert_gongwen_page(section, landscape=True)
    table = document.tables[0]
    table_checks(table)
    assert has_header_row(table)
    assert [c.text for c in table.rows[0].cells] == [
        "序号", "部门", "流程", "关键环节", "涉及对象（岗位）", "风险点编号", "廉政风险点（风险表现）", "风险类型", "风险等级",
        "防控措施", "责任主体", "监控责任人"]
    rows = table._tbl.findall(f"{W}tr")[1:]
    assert [r.findall(f"{W}tc")[5].xpath("string(.)") for r in rows] == ["R4", "R1", "R2", "R3"]  # the 一览表 order: by process, then step
    # the department merged over its four rows, the process over its three, as in the workbook
    merges = [[tc.find(f"{W}tcPr/{W}vMerge") for tc in r.findall(f"{W}tc")[1:3]] for r in rows]
    assert [m[0].get(f"{W}val") if m[0] is not None else None for m in merges] == ["restart", None, None, None]
    assert [m[1].get(f"{W}val") if m[1] is not None else None for m in merges] == ["restart", None, None, None]
    assert all(m[0] is not None for m in merges) and [m[1] is not None for m in merges] == [True, True, True, False]
    body = text(document)
    for expected in (*RISK_IDS, *MEASURES, "初审把关不严：未经现场核查", "1.审批科\n2.初审岗\n3.丁某某"):
        assert expected in body, expected
    assert east_asian_font(document, rows[0].findall(f"{W}tc")[6].find(f"{W}p")) == "仿宋_GB2312"
    assert_no_markup(document)


def test_render_docx_public_names_nobody(runner, fixture_register, tmp_path):
    target = tmp_path / "public.docx"
    render(runner, "render", "docx", "--public", "-r", str(fixture_register), "-o", str(target))
    everything = package_text(target)
    for name in PEOPLE:
        assert name not in everything, name
    body = text(load(target))
    assert "内部公示版" in body and "1.审批科\n2.初审岗\n3.审批科科长" in body and "单位主要负责人\n纪检监察机构" in body


def test_render_docx_by_department(runner, fixture_register, tmp_path):
    render(runner, "render", "docx", "--by-department", "-r", str(fixture_register), "-o", str(tmp_path / "d"))
    names = sorted(p.name for p in (tmp_path / "d").iterdir())
    assert names == sorted(f"测试局-2025-{d}-廉政风险点防控措施一览表.docx" for d in ("领导班子", "纪检监察室", "审批科"))
    spk = load(tmp_path / "d" / "测试局-2025-审批科-廉政风险点防控措施一览表.docx")
    assert "测试局审批科2025年度廉政风险点防控措施一览表" in lines(spk)


# -- the same bytes twice ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    ("brief", "p-wu", "--docx"), ("brief", "-d", "spk", "--docx"), ("report", "--docx", "--as-of", "2025-06-30"),
    ("render", "docx"), ("render", "docx", "--public"),
])
def test_rendering_twice_gives_the_same_bytes(runner, fixture_register, tmp_path, monkeypatch, command):
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # not in git either: the time comes from the register's year
    first, second = tmp_path / "1.docx", tmp_path / "2.docx"
    render(runner, *command, "-r", str(fixture_register), "-o", str(first))
    render(runner, *command, "-r", str(fixture_register), "-o", str(second))
    assert first.read_bytes() == second.read_bytes()
    props = load(first).core_properties
    assert (props.author, props.last_modified_by) == ("lz", "lz")
    assert props.created == props.modified == datetime(2025, 12, 31, tzinfo=UTC)


@needs_git
def test_document_time_follows_source_date_epoch_then_git_then_the_year(tmp_path, monkeypatch):
    root = write_register(tmp_path, STARS_ORG, {"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": OFFICE})
    assert document_time(root, 2025) == datetime(2025, 12, 31, tzinfo=UTC)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_COMMITTER_DATE": "2025-03-04T05:06:07+08:00",
           "GIT_AUTHOR_DATE": "2025-03-04T05:06:07+08:00", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for git in (["init", "-q"], ["add", "."], ["commit", "-qm", "register"]):
        subprocess.run(["git", *git], cwd=tmp_path, env=env, check=True)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert document_time(root, 2025) == datetime(2025, 3, 3, 21, 6, 7, tzinfo=UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert document_time(root, 2025) == datetime.fromtimestamp(1700000000, UTC)


def test_zip_entries_carry_the_document_time(runner, fixture_register, tmp_path):
    import zipfile

    target = tmp_path / "brief.docx"
    render(runner, "brief", "p-wu", "--docx", "-r", str(fixture_register), "-o", str(target))
    with zipfile.ZipFile(target) as z:
        assert {i.date_time for i in z.infolist()} == {(2025, 12, 31, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in z.namelist()  # the template's picture of another document


# -- the builder ---------------------------------------------------------------------------------------------------


def test_builder_scales_columns_to_the_page_and_cleans_text(tmp_path):
    document = DocxDocument(title="测试", made=datetime(2025, 1, 1, tzinfo=UTC))
    document.table([Column("甲", 1), Column("乙", 3)], [["a\x0bb", Cell("合并", span=2)]])
    target = document.save(tmp_path / "t.docx")
    table = load(target).tables[0]._tbl
    grid = [int(c.get(f"{W}w")) for c in table.findall(f"{W}tblGrid/{W}gridCol")]
    assert abs(sum(grid) - round(156 * 1440 / 25.4)) <= 2 and abs(grid[1] - 3 * grid[0]) <= 3
    assert clean("a\x0bb\r\nc") == "ab\nc"


def test_chinese_numbers_of_headings():
    assert [chinese_number(n) for n in (1, 10, 11, 20, 23, 100, 105, 118)] == [
        "一", "十", "十一", "二十", "二十三", "一百", "一百零五", "一百一十八"]
    # a county's report numbers thousands of high risks
    numbers = (999, 1000, 1005, 1010, 1200, 2345, 10000, 10010, 12345, 100000, 110500, 1000000, 123456789)
    assert [chinese_number(n) for n in numbers] == [
        "九百九十九", "一千", "一千零五", "一千零一十", "一千二百", "二千三百四十五", "一万", "一万零一十",
        "一万二千三百四十五", "十万", "十一万零五百", "一百万", "一亿二千三百四十五万六千七百八十九"]


def test_tables_spooled_to_disk_are_spliced_in_place(tmp_path, monkeypatch):
    from lianzheng_cli.outputs.docx import package

    monkeypatch.setattr(package, "SPOOL_IN_MEMORY", 1000)  # every table goes to a temporary file
    document = DocxDocument(title="测试", made=datetime(2025, 1, 1, tzinfo=UTC), landscape=True)
    document.paragraph("表前")
    document.table([Column("编号", 1), Column("内容", 4)], ([f"R{n}", f"第{n}行"] for n in range(500)))
    document.paragraph("表后")
    document.table([Column("甲", 1)], [["另一张表"]], header=False)
    target = document.save(tmp_path / "big.docx")
    assert target.read_bytes() == document.to_bytes()  # written twice, the same
    read = load(target)
    assert [len(t.rows) for t in read.tables] == [501, 1]
    assert read.tables[0].rows[500].cells[1].text == "第499行"
    body = lines(read)
    assert body.index("表前") < body.index("R0") < body.index("第499行") < body.index("表后") < body.index("另一张表")
    assert "lz-table" not in package_text(target)


@needs_git
def test_report_docx_lists_the_changes_since_a_revision(runner, tmp_path):
    root = revised_register(tmp_path)
    target = tmp_path / "report.docx"
    render(runner, "report", "--docx", "-r", str(root), "--since", "HEAD~1", "--as-of", "2025-06-30", "-o", str(target))
    body = lines(load(target))
    heading = next(line for line in body if line.startswith("六、登记簿变更（HEAD~1（"))
    after = body[body.index(heading):]
    assert "（一）审批科" in after and "新增风险点 R9 泄露申请人信息（等级：中）" in after
    assert "七、权力运行流程图" in body and "八、各部门廉政风险点及防控措施" in body


def test_the_gongwen_styles(runner, fixture_register, tmp_path):
    target = tmp_path / "brief.docx"
    render(runner, "brief", "p-jj", "--docx", "-r", str(fixture_register), "-o", str(target))
    document = load(target)
    styles = {s.style_id: s.element for s in document.styles if s.style_id.startswith("Gw")}

    def prop(style: str, path: str, attribute: str) -> str | None:
        found = styles[style].find(path.replace("w:", W))
        return None if found is None else found.get(f"{W}{attribute}")

    assert prop("GwTitle", "w:rPr/w:sz", "val") == "44"  # 2号
    assert prop("GwBody", "w:rPr/w:sz", "val") == "32"  # 3号
    assert (prop("GwBody", "w:pPr/w:spacing", "line"), prop("GwBody", "w:pPr/w:spacing", "lineRule")) == (
        "560", "exact")  # 28 points exactly
    assert prop("GwBody", "w:pPr/w:ind", "firstLineChars") == "200"
    fonts = {s: prop(s, "w:rPr/w:rFonts", "eastAsia") for s in ("GwTitle", "GwHeading1", "GwHeading2", "GwBody", "GwTable")}
    assert fonts == {"GwTitle": "方正小标宋简体", "GwHeading1": "黑体", "GwHeading2": "楷体_GB2312",
                     "GwBody": "仿宋_GB2312", "GwTable": "仿宋_GB2312"}
    assert prop("GwTable", "w:rPr/w:sz", "val") == "21"  # 5号
    # a post without risks: the brief says so and is still signed
    body = lines(document)
    assert "本岗位尚未登记廉政风险点。请对照岗位职责和职权开展风险排查，发现的风险点报部门负责人登记。" in body
    assert any(line.startswith("本人签名：") for line in body)
