"""lz render forms: the 自查表 and 防控措施表 of each level, from the example register, read back."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from docx.enum.section import WD_ORIENT

from conftest import run
from docx_helpers import (
    W,
    assert_gongwen_page,
    assert_no_markup,
    has_header_row,
    lines,
    load,
    paragraph_text,
    table_checks,
    text,
)

FILES = {
    "个人": "示例县商务局-2025-个人（岗位）廉政风险点自查表和防控措施表.docx",
    "领导班子成员": "示例县商务局-2025-领导班子成员廉政风险自查表和防控措施表.docx",
    "部门": "示例县商务局-2025-部门廉政风险自查表和防控措施表.docx",
    "单位": "示例县商务局-2025-单位廉政风险自查表和防控措施表.docx",
    "领导班子": "示例县商务局-2025-领导班子廉政风险自查表和防控措施表.docx",
}


@pytest.fixture(autouse=True)
def _fixed_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767139200")


@pytest.fixture
def forms(runner, example_register, tmp_path) -> Path:
    folder = tmp_path / "forms"
    result = run(runner, "render", "forms", "-r", str(example_register), "-o", str(folder))
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 5
    return folder


def self_check_rows(table) -> list[list[str]]:
    return [[paragraph_text(c) for c in tr.findall(f"{W}tc")] for tr in table._tbl.findall(f"{W}tr")[1:]]


def test_every_level_is_written_landscape_with_its_forms(forms):
    assert sorted(p.name for p in forms.iterdir()) == sorted(FILES.values())
    for level, name in FILES.items():
        document = load(forms / name)
        for section in document.sections:
            assert section.orientation == WD_ORIENT.LANDSCAPE
            assert_gongwen_page(section, landscape=True)
        body = lines(document)
        assert any(line.endswith("自查表") for line in body), level
        assert any(line.endswith("防控措施表") for line in body), level
        for table in document.tables:
            table_checks(table)
        assert_no_markup(document)
        # a paragraph between any two tables: Word would join tables that touch
        tags = [child.tag for child in document.element.body]
        assert not any(a == b == f"{W}tbl" for a, b in itertools.pairwise(tags))


def test_a_persons_forms_cover_duties_and_outside_risks_and_go_up_their_chain(forms, example_register):
    document = load(forms / FILES["个人"])
    # one section per person outside the leadership team, each numbered from page 1
    assert len(document.sections) == 37
    body = text(document)
    for label in ("本人（签名）", "部门负责人审查意见", "分管领导审查意见", "领导小组审核备案意见", "签名：", "年    月    日"):
        assert label in body, label
    first = self_check_rows(document.tables[1])
    assert [row[1] for row in first if row[1]] and all(has_header_row(t) for t in document.tables[1::3])
    # a type the level expects but the register has none of for the person is shown as missing
    kinds = [row[1] for row in first]
    assert "岗位职责" in kinds and "外部环境" in kinds


def test_a_leadership_members_forms_include_moral_risks(forms):
    document = load(forms / FILES["领导班子成员"])
    assert len(document.sections) == 4
    body = text(document)
    assert "单位主要负责人审查意见" in body and "上级领导小组审核备案意见" in body
    head = self_check_rows(document.tables[1])  # 赵某某, 局长: no 思想道德 risk of his own
    assert head[0][1] == "思想道德" and head[0][2] == "（未登记该类风险点）"
    assert "ldbz-R04 接受管理服务对象宴请" in body and "ldbz-R06 一岗双责落实不到位" in body


def test_a_departments_forms_go_by_process(forms):
    document = load(forms / FILES["部门"])
    body = text(document)
    assert "部门负责人（签名）" in body
    rows = self_check_rows(document.tables[1])  # 办公室
    assert rows[0][1] == "公务用车派遣流程" and rows[0][2].startswith("bgs-R01")
    assert any(row[1] == "其他（不在流程上）" for row in rows)


def test_the_units_forms_hold_its_sanzhong_yida_and_common_risks(forms):
    document = load(forms / FILES["单位"])
    rows = self_check_rows(document.tables[1])
    groups = [row[1] for row in rows if row[1]]
    assert "“三重一大”事项集体决策" in groups and "重要人事任免决定（三重一大）" in groups and "共性风险" in groups
    assert "领导班子集体审定意见" in text(document)


def test_the_leadership_teams_forms_hold_its_decision_making_risks(forms):
    document = load(forms / FILES["领导班子"])
    ids = sorted(row[2].split()[0] for row in self_check_rows(document.tables[1]))
    assert ids == ["ldbz-R01", "ldbz-R02", "ldbz-R03", "ldbz-R08"]  # not the members' own 思想道德 risks
    body = text(document)
    assert "上级领导小组（纪检监察机构）审核备案意见" in body


def test_measures_stand_in_their_stage_columns(forms):
    document = load(forms / FILES["领导班子"])
    measures = document.tables[4]
    header = [c.xpath("string(.)") for c in measures._tbl.findall(f"{W}tr")[0].findall(f"{W}tc")]
    assert header == ["序号", "风险点", "风险等级", "前期预防", "中期监控", "后期处置", "责任主体", "完成时限", "落实情况"]
    row = next(r for r in self_check_rows(measures) if r[1].startswith("ldbz-R01"))
    assert row[3] == "1.议题材料会前3日送达班子成员,未按时送达的议题不得上会"
    assert row[4].startswith("2.纪检监察室列席党组会") and row[5].startswith("3.决策会议记录每季度报")
    assert row[7] == "1.2025-03-31\n2.未定\n3.2026-03-31" and row[8] == "1.已落实\n2.已落实\n3.落实中"


def test_one_level_and_a_units_own_note(runner, example_register, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "note.txt.j2").write_text("{{ level }}填表说明：请如实填写。\n", encoding="utf-8")
    result = run(runner, "render", "forms", "--level", "单位", "--template", str(mine), "-r", str(example_register),
                 "-o", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "o").iterdir()] == [FILES["单位"]]
    assert "单位填表说明：请如实填写。" in lines(load(tmp_path / "o" / FILES["单位"]))


def test_an_unknown_level_is_a_usage_error(runner, example_register, tmp_path):
    result = run(runner, "render", "forms", "--level", "科室", "-r", str(example_register), "-o", str(tmp_path))
    assert result.exit_code == 2


def test_forms_twice_are_the_same_bytes(runner, example_register, tmp_path):
    for out in ("a", "b"):
        result = run(runner, "render", "forms", "-l", "部门", "-r", str(example_register), "-o", str(tmp_path / out))
        assert result.exit_code == 0, result.output
    assert (tmp_path / "a" / FILES["部门"]).read_bytes() == (tmp_path / "b" / FILES["部门"]).read_bytes()
