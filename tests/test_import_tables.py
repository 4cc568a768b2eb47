"""lz import, table by table: invented workbooks built with openpyxl for each rule of the importer."""

from __future__ import annotations

import pytest

from import_fixtures import HEADER, TITLE, SheetSpec, codes, problem_codes, risks, run_import, table
from lianzheng_cli.importing import ImportUsageError

# --- rule 1: the header row(s) found by their words, not their position ---------------------------------


def test_title_unit_and_subtitle_rows_above_the_header_are_not_risks(tmp_path):
    rows = [[TITLE], ["填报单位:示例县某某局", None, None, None, "填报日期:2025年3月1日"], ["(2025年修订)"],
            [], HEADER, [1, "办公室", "公车管理流程", "派车审批", "办公室主任", "私自派车,公车私用(★★★)", "岗位职责",
                         "1、派车登记\n2、每月公示", "办公室"]]
    result = run_import(tmp_path, SheetSpec(rows, merges=["A1:I1"]))
    assert result.tables[0].header_rows == (4,)
    assert result.draft.org_name == "示例县某某局" and result.draft.year == 2025
    [risk] = risks(result)
    assert (risk.title, risk.grade, risk.place.row + 1) == ("私自派车", "高", 6)


def test_header_words_spaced_broken_traditional_and_synonyms(tmp_path):
    header = ["序 号", "科室", "所处环节", "崗位", "廉政\n风险点", "風險等級", "防 控 措 施", "責任\n部門"]
    rows = table([1, "办公室", "派车", "司机", "公车私用", "高", "1.登记", "办公室"], header=header)
    result = run_import(tmp_path, SheetSpec(rows))
    fields = [c.field for c in result.tables[0].columns]
    assert fields == ["seq", "department", "step", "posts", "risk", "grade", "measures", "owner"]
    [risk] = risks(result, "办公室")
    assert risk.grade == "高" and risk.measures[0].text == "登记" and risk.step_name == "派车"


def test_a_header_over_two_rows_with_group_headers(tmp_path):
    rows = [
        [TITLE],
        ["部门", "关键环节", "廉政风险点", None, None, "防控措施", None, None, "责任主体"],
        [None, None, "风险描述", "风险类型", "风险等级", "前期预防", "中期监控", "后期处置", None],
        ["财务科", "报销审核", "虚假票据报销", "业务流程", "中", "1.票据查验\n2.报销培训", "财务系统比对", "—", "财务科"],
    ]
    result = run_import(tmp_path, SheetSpec(rows, merges=["A1:I1", "A2:A3", "B2:B3", "C2:E2", "F2:H2", "I2:I3"]))
    found = result.tables[0]
    assert found.header_rows == (1, 2)
    assert [c.field for c in found.columns] == ["department", "step", "risk", "type", "grade", "pre_measures",
                                                "mid_measures", "post_measures", "owner"]
    [risk] = risks(result)
    assert (risk.description, risk.type, risk.grade) == ("虚假票据报销", "业务流程", "中")
    assert [(m.text, m.stage) for m in risk.measures] == [
        ("票据查验", "前期预防"), ("报销培训", "前期预防"), ("财务系统比对", "中期监控")]


def test_grade_marked_under_high_medium_low_columns(tmp_path):
    rows = [["部门", "廉政风险点", "风险等级", None, None, "防控措施"],
            [None, None, "高", "中", "低", None],
            ["办公室", "公车私用", None, "√", None, "派车登记"]]
    result = run_import(tmp_path, SheetSpec(rows, merges=["A1:A2", "B1:B2", "C1:E1", "F1:F2"]), org_name="某局",
                        year=2025)
    assert risks(result)[0].grade == "中"


def test_repeated_headers_blank_rows_and_footers_are_not_risks(tmp_path):
    rows = table(
        [1, "办公室", "公车管理", "派车", "司机", "公车私用", "岗位职责", "派车登记", "办公室"],
        [],
        HEADER,
        [2, "办公室", "公车管理", "维修", "司机", "虚报维修费用", "岗位职责", "定点维修", "办公室"],
        ["合计", "2"],
        ["备注:本表由办公室填报"],
        ["单位负责人:甲某某", None, None, "填表人:乙某某"],
    )
    result = run_import(tmp_path, SheetSpec(rows))
    assert [r.title for r in risks(result)] == ["公车私用", "虚报维修费用"]
    assert "LZ610" not in problem_codes(result)


def test_formula_summary_sheets_and_instructions_are_not_risks(tmp_path):
    main = SheetSpec(table([1, "办公室", "公车管理", "派车", "司机", "公车私用", "岗位职责", "派车登记", "办公室"]))
    stats = SheetSpec([["部门", "高", "中", "低", "合计"], ["办公室", "=COUNTIF(一览表!F:F,\"高\")", 0, 0, "=SUM(B2:D2)"]],
                      title="统计")
    notes = SheetSpec([["填表说明"], ["1.风险等级按高、中、低填写。"], ["2.防控措施逐条编号。"]], title="填表说明")
    result = run_import(tmp_path, main, stats, notes)
    assert [t.sheet for t in result.tables] == ["Sheet1"] and len(risks(result)) == 1


def test_no_table_says_which_headers_were_seen(tmp_path):
    rows = [["工作计划"], ["月份", "工作内容", "完成情况"], ["1月", "学习", "已完成"]]
    with pytest.raises(ImportUsageError) as error:
        run_import(tmp_path, SheetSpec(rows), org_name="某局", year=2025)
    assert "月份、工作内容、完成情况" in str(error.value) and "一览表.xlsx" in str(error.value)


def test_map_overrides_the_automatic_mapping(tmp_path):
    rows = [["科室", "工作事项", "风险内容", "应对办法"], ["办公室", "公车管理", "公车私用", "1.派车登记"]]
    result = run_import(tmp_path, SheetSpec(rows), maps=["工作事项=流程", "应对办法=防控措施"], org_name="某局", year=2025)
    [risk] = risks(result)
    assert risk.process_name == "公车管理" and risk.measures[0].text == "派车登记"
    with pytest.raises(ImportUsageError):
        run_import(tmp_path, SheetSpec(rows), maps=["工作事项=无此字段"], org_name="某局", year=2025)


# --- rule 2: merged cells ---------------------------------------------------------------------------------


def test_a_merged_cell_belongs_to_every_row_it_spans(tmp_path):
    rows = table([1, "办公室", "公车管理流程", "派车", "司机", "公车私用", "岗位职责", "派车登记", "办公室"],
                 [2, None, None, "维修", "司机", "虚报维修费", None, "定点维修", None])
    result = run_import(tmp_path, SheetSpec(rows, merges=["B3:B4", "C3:C4", "G3:G4", "I3:I4"]))
    second = risks(result)[1]
    assert (second.process_name, second.type) == ("公车管理流程", "岗位职责")
    assert second.measures[0].owner == "bgs" and problem_codes(result).count("LZ611") == 0


def test_a_merged_cell_spanning_two_departments_is_reported(tmp_path):
    rows = table([1, "办公室", "审批流程", "派车", "司机", "公车私用", "岗位职责", "派车登记", "办公室"],
                 [2, "财务科", None, "报销", "会计", "虚假报销", "岗位职责", "票据查验", "财务科"])
    result = run_import(tmp_path, SheetSpec(rows, merges=["C3:C4"]))
    assert ("LZ611", "Sheet1", "C3") in codes(result)
    assert result.problems.errors == 1


# --- rule 3: where the department comes from -------------------------------------------------------------


def test_department_from_a_line_above_the_header(tmp_path):
    header = ["关键环节", "涉及对象", "廉政风险点", "风险等级", "防控措施"]
    rows = [[TITLE], ["部门：财务审计科", None, "填报日期:2025年1月"], header, ["报销", "会计", "虚假报销", "高", "票据查验"]]
    result = run_import(tmp_path, SheetSpec(rows))
    assert list(result.draft.departments) == ["财务审计科"]


def test_department_from_the_sheet_name_when_each_sheet_is_one(tmp_path):
    header = ["关键环节", "涉及对象", "廉政风险点", "风险等级", "防控措施"]
    office = SheetSpec([[TITLE], header, ["派车", "司机", "公车私用", "高", "派车登记"]], title="办公室")
    finance = SheetSpec([[TITLE], header, ["报销", "会计", "虚假报销", "中", "票据查验"]], title="财务科")
    result = run_import(tmp_path, office, finance)
    assert list(result.draft.departments) == ["办公室", "财务科"]
    assert [d.id for d in result.draft.departments.values()] == ["bgs", "cwk"]


def test_department_sections_mid_table_and_the_fallback(tmp_path):
    header = ["关键环节", "涉及对象", "廉政风险点", "风险等级", "防控措施"]
    rows = [[TITLE], header, ["派车", "司机", "不属于任何部门", "高", "派车登记"], ["部门:办公室"],
            ["维修", "司机", "虚报维修费", "中", "定点维修"]]
    result = run_import(tmp_path, SheetSpec(rows, merges=["A4:E4"]))
    assert list(result.draft.departments) == ["示例县某某局", "办公室"]
    assert "LZ650" in problem_codes(result)


# --- rule 4: section rows give the risk type ---------------------------------------------------------------


def test_a_section_row_gives_the_risk_type_of_the_rows_under_it(tmp_path):
    header = ["部门", "廉政风险点", "风险等级", "防控措施"]
    rows = [[TITLE], header, ["一、思想道德风险"], ["办公室", "收受红包", "高", "廉洁教育"], ["(二)岗位职责风险"],
            ["办公室", "公车私用", "中", "派车登记"], ["三、权力运行风险"], ["办公室", "越权审批", "高", "分级授权"]]
    result = run_import(tmp_path, SheetSpec(rows, merges=["A3:D3", "A7:D7"]))
    assert [r.type for r in risks(result)] == ["思想道德", "岗位职责", "权力运行"]
    assert result.draft.added_types == ["权力运行"] and "LZ624" in problem_codes(result)
    assert "vocabulary:" in result.files[0].text and "risk_type: [权力运行]" in result.files[0].text


# --- rule 5 and 6: grades in their column or around the text, several risks in a cell ----------------------


def test_grades_in_every_place_and_the_unknown_and_missing_are_reported(tmp_path):
    header = ["部门", "廉政风险点", "风险等级", "防控措施"]
    rows = [[TITLE], header,
            ["办公室", "甲风险", "一级风险", "措施"], ["办公室", "乙风险", "\u00a0★ ★\u00a0", "措施"],
            ["办公室", "丙风险(风险等级:低)", None, "措施"], ["办公室", "丁风险", "较高", "措施"],
            ["办公室", "戊风险", "★★★★", "措施"], ["办公室", "己风险", "蓝色", "措施"], ["办公室", "庚风险", None, "措施"],
            ["办公室", "★★★辛风险", "中", "措施"]]
    result = run_import(tmp_path, SheetSpec(rows))
    assert [r.grade for r in risks(result)] == ["高", "中", "低", None, None, None, None, "高"]
    assert [c for c in codes(result) if c[0] in ("LZ620", "LZ621", "LZ622")] == [
        ("LZ620", "Sheet1", "C6"), ("LZ620", "Sheet1", "C7"), ("LZ620", "Sheet1", "C8"), ("LZ621", "Sheet1", "C9"),
        ("LZ622", "Sheet1", "C10")]
    assert len(risks(result)) == 8  # a risk without a grade is still imported


def test_several_risks_in_one_cell_share_the_rows_measures(tmp_path):
    header = ["部门", "涉及对象", "廉政风险点及等级", "防控措施"]
    rows = [[TITLE], header, ["办公室", "司机", "★★★1、公车私用\n★★2、虚报油费", "1.派车登记\n2.油卡管理"]]
    result = run_import(tmp_path, SheetSpec(rows))
    first, second = risks(result)
    assert (first.title, first.grade, second.title, second.grade) == ("公车私用", "高", "虚报油费", "中")
    assert [m.text for m in first.measures] == [m.text for m in second.measures] == ["派车登记", "油卡管理"]
    assert first.measures[0] is not second.measures[0]


# --- rule 8 and 9: 同上, formulas ----------------------------------------------------------------------------


def test_same_as_above_is_the_cell_above(tmp_path):
    header = ["部门", "涉及对象", "廉政风险点", "风险等级", "防控措施", "责任主体"]
    rows = [[TITLE], header, ["办公室", "同上", "甲风险", "高", "措施甲", "办公室"],
            ["办公室", "司机", "乙风险", "中", "措施乙", "办公室"], ["同上", "同上", "丙风险", "同 上", "同上", "同上"]]
    result = run_import(tmp_path, SheetSpec(rows))
    third = risks(result)[2]
    assert (third.post_names, third.grade, third.measures[0].text) == (["司机"], "中", "措施乙")
    assert ("LZ612", "Sheet1", "B3") in codes(result)


def test_formula_text_is_kept_and_real_formulas_are_ignored(tmp_path):
    header = ["序号", "部门", "廉政风险点", "风险等级", "防控措施"]
    rows = [[TITLE], header, ["=ROW()-2", "办公室", "=SUM(报销金额)虚报", "高", "措施"],
            ["=ROW()-2", "办公室", "=A3", "中", "措施"]]
    result = run_import(tmp_path, SheetSpec(rows, text_cells=["C3"]))
    [risk] = risks(result)
    assert risk.description == "=SUM(报销金额)虚报"
    assert ("LZ613", "Sheet1", "C3") in codes(result) and ("LZ614", "Sheet1", "C4") in codes(result)
    assert "LZ610" in problem_codes(result)  # row 4 is left with a grade and measures but no risk text


# --- rule 10 and 11: names, texts, codes ------------------------------------------------------------------


def test_names_are_trimmed_texts_keep_their_characters_codes_become_ids(tmp_path):
    header = ["部门", "风险点编号", "涉及对象", "廉政风险点", "风险等级", "防控措施", "责任人"]
    rows = [[TITLE], header,
            ["辦公室\u00a0", "ＢＧ－０１", "司\u3000机", "對申請材料審核不嚴", "高", "措施", "张  某"],
            ["辦公室", "BG-01", "司机", "重复编号的风险", "中", "措施", "张某"],
            ["辦公室", "风险#3", "司机", "编号不合规的风险", "低", "措施", ""],
            ["辦公室", "", "司机", "没有编号的风险", "低", "措施", ""]]
    result = run_import(tmp_path, SheetSpec(rows))
    department = result.draft.departments["辦公室"]
    assert [r.id for r in department.risks] == ["BG-01", "BG-01-2", "3", "BG-R01"]
    assert department.risks[0].description == "對申請材料審核不嚴"
    assert department.id == "BG"
    assert list(department.posts) == ["司机"] and [p.name for p in department.people] == ["张某"]
    assert [c[:3] for c in codes(result) if c[0] in ("LZ630", "LZ631")] == [
        ("LZ631", "Sheet1", "B5"), ("LZ630", "Sheet1", "B4")]


def test_the_same_workbook_gives_the_same_ids(tmp_path):
    rows = table([1, "办公室", "公车管理", "派车", "司机", "公车私用", "岗位职责", "派车登记", "办公室"],
                 [2, "财务科", "报销流程", "审核", "会计", "虚假报销", "业务流程", "票据查验", "财务科"])
    first = run_import(tmp_path, SheetSpec(rows))
    second = run_import(tmp_path, SheetSpec(rows), name="again.xlsx")
    assert [f.text.replace("again.xlsx", "一览表.xlsx") for f in second.files] == [f.text for f in first.files]


# --- rules 13, 14, 15 ---------------------------------------------------------------------------------------


def test_outside_bodies_become_parties_and_named_people_join_their_post(tmp_path):
    header = ["部门", "涉及对象", "廉政风险点", "风险等级", "防控措施", "责任主体", "责任人"]
    rows = [[TITLE], header,
            ["项目部", "施工单位、监理单位", "施工单位拉拢监理", "高", "廉洁协议", "施工单位", ""],
            ["项目部", "项目经理", "验收走过场", "中", "1.验收清单\n2.全程录像", "各科室", "丁某某"]]
    result = run_import(tmp_path, SheetSpec(rows))
    first, second = risks(result)
    assert first.parties == ["sgdw", "jldw"] and first.posts == []
    assert first.measures[0].owner == "sgdw" and second.measures[0].owner == "gks"
    [person] = result.draft.departments["项目部"].people
    assert (person.name, person.post.name, person.since_assumed) == ("丁某某", "项目经理", True)
    org = result.files[0].text
    assert "parties:" in org and "{id: sgdw, name: 施工单位}" in org and "{id: gks, name: 各科室}" in org


def test_hidden_rows_and_columns_are_not_data_sources(tmp_path):
    header = ["部门", "廉政风险点", "风险等级", "防控措施", "内部批注"]
    rows = [[TITLE], header, ["办公室", "公车私用", "高", "派车登记", "批注"], ["办公室", "已删除的旧风险", "高", "旧措施", ""]]
    result = run_import(tmp_path, SheetSpec(rows, hidden_rows=[4], hidden_cols=["E"]))
    assert [r.title for r in risks(result)] == ["公车私用"]
    assert [c.header for c in result.tables[0].columns] == ["部门", "廉政风险点", "风险等级", "防控措施"]
    assert "LZ605" in problem_codes(result)


def test_a_hidden_sheet_is_not_read(tmp_path):
    visible = SheetSpec(table([1, "办公室", "公车管理", "派车", "司机", "公车私用", "岗位职责", "派车登记", "办公室"]))
    old = SheetSpec(table([1, "财务科", "报销", "审核", "会计", "旧风险", "业务流程", "旧措施", "财务科"]), title="旧表",
                    hidden=True)
    result = run_import(tmp_path, visible, old)
    assert list(result.draft.departments) == ["办公室"]


def test_a_row_without_risk_text_is_reported_and_an_empty_measures_cell_is_no_measure(tmp_path):
    rows = table([1, "办公室", "公车管理", "派车", "司机", "", "岗位职责", "派车登记", "办公室"],
                 [2, "办公室", "公车管理", "维修", "司机", "虚报维修费", "岗位职责", "", "办公室"])
    result = run_import(tmp_path, SheetSpec(rows))
    [risk] = risks(result)
    assert risk.title == "虚报维修费" and risk.measures == []
    assert ("LZ610", "Sheet1", "D3") in codes(result) and result.problems.errors == 1


def test_the_organization_and_year_come_from_options_when_the_title_lacks_them(tmp_path):
    rows = table([1, "办公室", "公车管理", "派车", "司机", "公车私用", "岗位职责", "派车登记", "办公室"], title=None)
    with pytest.raises(ImportUsageError):
        run_import(tmp_path, SheetSpec(rows))
    result = run_import(tmp_path, SheetSpec(rows), org_name="示例县某某局", year=2024)
    assert (result.draft.org_name, result.draft.year) == ("示例县某某局", 2024)
