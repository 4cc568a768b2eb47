"""lz brief: a person's 廉洁风险告知书 (golden file), a department's, the one-sheet workbook, unknown ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import INSPECTION, LEADERSHIP, run, write_register
from lianzheng_cli.outputs.brief import UnknownSubject, build_brief, build_department_briefs
from lianzheng_cli.validate.register import validate
from report_fixtures import OFFICE, STARS_ORG, assert_golden, report_register


@pytest.fixture
def fixture_register(tmp_path: Path) -> Path:
    return report_register(tmp_path)


def register_of(root: Path):
    result = validate(root)
    assert result.errors == 0, [d.message for d in result.diagnostics]
    return result.register


def test_brief_of_a_person_matches_golden(runner, fixture_register):
    result = run(runner, "brief", "p-wu", "-r", str(fixture_register), "-o", "-")
    assert result.exit_code == 0, result.output
    assert_golden(result.stdout, "brief.md")


def test_brief_data_of_a_department_head(fixture_register):
    brief = build_brief(register_of(fixture_register), "p-ke")
    assert brief["person"] == {"id": "p-ke", "name": "丁某某", "since": "2024-03-01", "briefed": "2024-03-15",
                               "pledged": "2025-02-01"}
    assert brief["post"]["name"] == "审批科科长"
    # the post's risks, ordered as the 一览表 orders them; the highest grade is the post's
    assert [(r["id"], r["grade"]) for r in brief["risks"]] == [("R4", "中"), ("R2", "中")]
    assert brief["highest_grade"] == "中"
    # a department head is briefed by the supervising leader
    assert brief["briefer"] == "乙某某"


def test_brief_of_a_post_without_risks(fixture_register):
    brief = build_brief(register_of(fixture_register), "p-jj")
    assert brief["risks"] == [] and brief["highest_grade"] == ""


def test_brief_writes_the_default_file(runner, fixture_register, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(runner, "brief", "p-wu", "-r", str(fixture_register))
    assert result.exit_code == 0, result.output
    assert result.stdout == "已生成：out/测试局-2025-廉洁风险告知书-戊某某-p-wu.md\n"
    text = (tmp_path / "out" / "测试局-2025-廉洁风险告知书-戊某某-p-wu.md").read_text(encoding="utf-8")
    assert text.startswith("# 测试局2025年度廉洁风险告知书（交底书）\n")
    assert text.endswith("本人签名：______ 日期：______\n\n交底人签名：______ 日期：______\n")


def test_brief_of_a_department_writes_one_file_per_person(runner, fixture_register, tmp_path):
    folder = tmp_path / "briefs"
    result = run(runner, "brief", "--department", "spk", "-r", str(fixture_register), "-o", str(folder))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["测试局-2025-廉洁风险告知书-丁某某-p-ke.md", "测试局-2025-廉洁风险告知书-戊某某-p-wu.md"]
    assert len(result.stdout.splitlines()) == 2
    ding = (folder / names[0]).read_text(encoding="utf-8")
    assert "| 丁某某 | 审批科 | 审批科科长 | 2024-03-01 |" in ding
    assert "### 1. R4 流程外受理（风险等级：★★）" in ding
    assert "以上廉政风险点及防控措施已由乙某某向本人告知。" in ding
    assert "戊某某" not in ding


def test_brief_of_a_department_by_default_goes_to_a_folder_under_out(runner, fixture_register, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(runner, "brief", "-d", "spk", "-r", str(fixture_register))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "测试局-2025-审批科-廉洁风险告知书"
    assert sorted(p.name for p in folder.iterdir()) == [
        "测试局-2025-廉洁风险告知书-丁某某-p-ke.md", "测试局-2025-廉洁风险告知书-戊某某-p-wu.md"]


def test_brief_as_a_workbook(runner, tmp_path):
    hostile = OFFICE.replace("description: 节日期间收受申请企业赠送的购物卡",
                             'description: "=HYPERLINK(\\"http://x\\",\\"点此\\") 节日收卡"')
    root = write_register(tmp_path, STARS_ORG, {"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": hostile})
    target = tmp_path / "戊某某.xlsx"
    result = run(runner, "brief", "p-wu", "--xlsx", "-r", str(root), "-o", str(target))
    assert result.exit_code == 0, result.output

    wb = load_workbook(target)
    assert wb.sheetnames == ["廉洁风险告知书"]
    ws = wb["廉洁风险告知书"]
    assert ws["A1"].value == "测试局2025年度廉洁风险告知书（交底书）"
    assert [ws.cell(2, c).value for c in (1, 2, 4, 5)] == ["姓名", "戊某某", "部门", "审批科"]
    assert [ws.cell(3, c).value for c in (1, 2, 4, 5)] == ["岗位", "初审岗", "任职日期", "2025-01-02"]
    assert [ws.cell(r, 1).value for r in (4, 5, 6)] == ["岗位职责", "岗位职权", "岗位风险等级"]
    assert ws["B6"].value == "★★★"
    header = [ws.cell(7, c).value for c in range(1, 8)]
    assert header == ["序号", "风险点编号", "风险点", "风险表现", "风险等级", "防控措施", "监控责任人"]
    rows = [[ws.cell(r, c).value for c in range(1, 8)] for r in (8, 9)]
    assert rows[0][:5] == [1, "R1", "初审把关不严", "未经现场核查即出具初审意见|对材料真实性\n把关不严", "★★★"]
    assert rows[0][5].splitlines() == ["1.【前期预防】初审与复核分离（责任主体：审批科）",
                                       "2.【中期监控】系统比对|自动预警（责任主体：初审岗）",
                                       "3.【后期处置】徇私出具意见的调离岗位（责任主体：丁某某）"]
    assert rows[0][6] == "单位主要负责人：甲某某\n纪检监察机构：丙某某"
    assert rows[1][:5] == [2, "R3", "节日收受购物卡", '=HYPERLINK("http://x","点此") 节日收卡', "★★"]
    assert ws["D9"].data_type == "s"  # text, never a formula
    assert not any(cell.data_type == "f" for row in ws.iter_rows() for cell in row)
    assert "A1:G1" in {str(r) for r in ws.merged_cells.ranges}
    texts = [ws.cell(r, 1).value for r in range(10, ws.max_row + 1)]
    assert any(t and t.startswith("本人已知悉上述廉政风险及防控措施，承诺") for t in texts)
    assert "本人签名：______ 日期：______" in texts and "交底人签名：______ 日期：______" in texts
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$7:$7"


def test_unknown_person_is_a_usage_error_with_a_suggestion(runner, fixture_register):
    result = run(runner, "brief", "p-wuu", "-r", str(fixture_register))
    assert result.exit_code == 2
    assert result.stderr == "lz: 登记簿中没有编号为 `p-wuu` 的人员，是否应为 `p-wu`？\n"
    # a name typed for the id: the id is suggested
    result = run(runner, "brief", "戊某某", "-r", str(fixture_register))
    assert result.exit_code == 2
    assert result.stderr == "lz: 登记簿中没有编号为 `戊某某` 的人员，是否应为 `p-wu`？\n"
    result = run(runner, "--lang", "en", "brief", "p-wuu", "-r", str(fixture_register))
    assert result.stderr == "lz: the register has no person with id `p-wuu`; did you mean `p-wu`?\n"


def test_unknown_department_is_a_usage_error(runner, fixture_register):
    result = run(runner, "brief", "-d", "spkk", "-r", str(fixture_register))
    assert result.exit_code == 2
    assert result.stderr == "lz: 登记簿中没有编号为 `spkk` 的部门，是否应为 `spk`？\n"
    with pytest.raises(UnknownSubject):
        build_department_briefs(register_of(fixture_register), "nothing-like-it")


@pytest.mark.parametrize("args", [
    (),  # neither a person nor a department
    ("p-wu", "-d", "spk"),  # both
    ("p-wu", "--xlsx", "-o", "-"),  # a workbook cannot go to standard output
    ("-d", "spk", "-o", "-"),
])
def test_brief_usage_errors(runner, fixture_register, args):
    result = run(runner, "brief", *args, "-r", str(fixture_register))
    assert result.exit_code == 2
    assert result.stderr.startswith("lz: ")
