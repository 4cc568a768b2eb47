"""lz import on files: .xls and .docx fixtures, directories across files (rule 12), bad input, the command."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, run
from import_fixtures import HEADER, TITLE, SheetSpec, codes, problem_codes, risks, write_xlsx
from lianzheng_cli.importing import ImportOptions, ImportUsageError, import_files

FIXTURES = REPO / "tests" / "fixtures" / "import"
XLS = FIXTURES / "一览表-农业农村局.xls"
DOCX = FIXTURES / "一览表-文化旅游局.docx"


def test_an_xls_workbook_with_merges_hidden_cells_same_as_above_and_a_footer():
    result = import_files([XLS], shown=["农业.xls"])
    assert (result.draft.org_name, result.draft.year) == ("示例县农业农村局", 2025)
    [department] = result.draft.departments.values()
    assert (department.name, department.id) == ("项目科", "XM")
    assert [r.id for r in department.risks] == ["XM-01", "XM-02", "XM-03"]  # XM-99 stands in a hidden row
    first, second, third = department.risks
    assert (first.process_name, second.process_name, third.process_name) == (
        "项目申报审核流程", "项目申报审核流程", "资金拨付流程")
    assert [m.text for m in first.measures] == ["实地核查申报主体", "集体审议初审意见"]
    assert [m.text for m in third.measures] == ["评审专家随机抽取", "评审结果公示"]  # 同上
    assert (first.grade, second.grade, third.grade) == ("高", "中", "中")
    assert all(c.header != "内部备注" for c in result.tables[0].columns)  # a hidden column
    assert "LZ605" in problem_codes(result)


def test_a_docx_with_merged_cells_a_section_row_a_party_and_a_post_directory():
    result = import_files([DOCX], shown=["文旅.docx"])
    [department] = result.draft.departments.values()
    assert department.name == "文物保护科"
    first, second, third = department.risks
    assert first.process_name == second.process_name == "文物修缮项目管理流程"  # merged down
    assert [(m.text, m.stage) for m in first.measures] == [("验收前制定验收清单", "前期预防"), ("验收全程录像", "中期监控")]
    assert (first.grade, second.grade, third.grade) == ("高", "中", "中")
    assert third.type == "外部环境" and third.parties == ["sgdw"]
    assert {p.name: [x.name for x in department.people if x.post is p] for p in department.posts.values()} == {
        "项目负责人": ["甲某某"], "科长": ["乙某某", "丙某某"]}
    assert first.posts == [department.posts["项目负责人"].id]
    assert first.place.sheet == "表1" and first.place.row == 1


POWERS = SheetSpec([
    ["示例县某某局职权目录"],
    ["序号", "部门", "职权编码", "职权名称", "职权类别", "对内/对外", "是否三重一大", "行使岗位", "职权依据"],
    [1, "办公室", "BGS-P01", "公务用车管理", "内部事务", "对内", "否", "办公室主任", "《公务用车管理办法》"],
    [2, "办公室", "BGS-P02", "大额采购审批", "政府采购", "", "√", "办公室主任、采购员", "《政府采购法》《采购管理办法》"],
    [3, "办公室", "BGS-P03", "档案查阅审批", "档案利用", "对内", "是", "", ""],
], title="职权目录")
POSTS = SheetSpec([
    ["示例县某某局岗位廉政风险及等级目录"],
    ["部门", "岗位", "姓名", "岗位职责", "主要风险点", "风险等级"],
    ["办公室", "办公室主任", "甲某某", "主持办公室工作", "公车私用", "高"],
    ["办公室", "采购员", "乙某某、丙某某", "办理采购", "围标串标", "高"],
], title="岗位目录")
RISKS = SheetSpec([
    [TITLE],
    ["部门", "职权名称", "流程", "关键环节", "涉及对象", "廉政风险点", "风险类型", "风险等级", "防控措施", "责任主体"],
    ["办公室", "公务用车管理", "用车流程", "派车", "办公室主任", "公车私用", "岗位职责", "高", "1.【前期预防】派车登记", "办公室主任"],
    ["办公室", "大额采购审批", "采购流程", "定标", "采购员", "围标串标", "业务流程", "高", "1.【中期监控】全程留痕", "甲某某"],
    ["办公室", "不在目录中的职权", "采购流程", "验收", "采购员", "验收走过场", "业务流程", "中", "1.【后期处置】追责", "采购员"],
])


def test_a_power_directory_and_a_post_directory_beside_the_risk_table(tmp_path):
    paths = [write_xlsx(tmp_path / "职权目录.xlsx", POWERS), write_xlsx(tmp_path / "岗位目录.xlsx", POSTS),
             write_xlsx(tmp_path / "一览表.xlsx", RISKS)]
    result = import_files(paths, shown=["职权目录.xlsx", "岗位目录.xlsx", "一览表.xlsx"])
    office = result.draft.departments["办公室"]
    powers = {p.id: p for p in office.powers}
    assert list(powers) == ["BGS-P01", "BGS-P02", "BGS-P03"] and office.id == "BGS"
    assert (powers["BGS-P01"].scope, powers["BGS-P01"].category, powers["BGS-P01"].sanzhong_yida) == ("内部", "内部管理", False)
    assert (powers["BGS-P02"].category, powers["BGS-P02"].sanzhong_yida) == ("物资采购", True)
    assert powers["BGS-P02"].basis == ["《政府采购法》", "《采购管理办法》"]
    assert powers["BGS-P02"].scope == "内部" and powers["BGS-P03"].category == "其他"
    assert powers["BGS-P01"].process == office.processes["用车流程"].id  # linked through the 一览表's 职权名称
    posts = office.posts
    assert posts["办公室主任"].powers == ["BGS-P01", "BGS-P02"] and posts["采购员"].powers == ["BGS-P02"]
    assert [p.name for p in office.people] == ["甲某某", "乙某某", "丙某某"]
    assert len(office.risks) == 3  # the 岗位目录's risk column is a summary, not new risks
    assert [m.owner for r in office.risks for m in r.measures] == [
        posts["办公室主任"].id, office.people[0].id, posts["采购员"].id]
    found = codes(result)
    assert ("LZ642", "职权目录", "F4") in found  # no 对内/对外: chosen from the category
    assert ("LZ641", "职权目录", "E5") in found  # 档案利用 is no category
    assert ("LZ640", "Sheet1", "B5") in found  # a 职权名称 the 职权目录 does not hold


def test_a_renamed_text_file_an_empty_file_and_a_missing_file_are_usage_errors(tmp_path):
    text = tmp_path / "一览表.xlsx"
    text.write_text("序号,部门,廉政风险点\n1,办公室,公车私用\n", encoding="utf-8")
    with pytest.raises(ImportUsageError, match="纯文本"):
        import_files([text])
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(ImportUsageError, match="为空"):
        import_files([empty])
    with pytest.raises(ImportUsageError, match="不存在"):
        import_files([tmp_path / "没有.xlsx"])
    archive = tmp_path / "包.xlsx"
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("content.xml", "<x/>")
    with pytest.raises(ImportUsageError, match="压缩包"):
        import_files([archive])


def test_a_zip_of_a_version_python_cannot_read_is_a_broken_file_not_an_internal_error(tmp_path, runner):
    # found by fuzzing: zipfile raises NotImplementedError for the "version needed to extract" of a damaged file
    good = tmp_path / "good.xlsx"
    write_xlsx(good, SheetSpec([[TITLE], HEADER]))
    raw = bytearray(good.read_bytes())
    central = raw.index(b"PK\x01\x02")
    raw[central + 6:central + 8] = (99).to_bytes(2, "little")
    damaged = tmp_path / "一览表.xlsx"
    damaged.write_bytes(bytes(raw))
    with pytest.raises(ImportUsageError, match="已损坏"):
        import_files([damaged])
    result = run(runner, "import", str(damaged), "--dry-run")
    assert result.exit_code == 2 and "已损坏" in result.stderr and "Traceback" not in result.output


def test_a_workbook_saved_under_the_wrong_extension_is_read_by_its_content(tmp_path):
    renamed = tmp_path / "一览表.xls"
    shutil.copy(write_xlsx(tmp_path / "real.xlsx", SheetSpec([[TITLE], HEADER, [1, "办公室", "公车", "派车", "司机",
                                                                                 "公车私用", "岗位职责", "登记", "办公室"]])),
                renamed)
    result = import_files([renamed], shown=["一览表.xls"])
    assert len(risks(result)) == 1 and problem_codes(result)[0] == "LZ600"


# --- the command ---------------------------------------------------------------------------------------


def _fixture_workbook(tmp_path: Path) -> Path:
    rows = [[TITLE], HEADER,
            [1, "办公室", "公车管理流程", "派车审批", "办公室主任", "私自派车(★★★)", "岗位职责", "1.【前期预防】派车登记", "办公室"],
            [2, "办公室", "公车管理流程", "维修审核", "车管员", "虚报维修费用(风险等级:较高)", "岗位职责", "1.【中期监控】定点维修",
             "车管员"],
            [3, "办公室", "公车管理流程", "加油", "车管员", "", "岗位职责", "油卡管理", "车管员"]]
    return write_xlsx(tmp_path / "一览表.xlsx", SheetSpec(rows))


def test_dry_run_shows_the_mapping_the_files_and_every_problem_and_writes_nothing(tmp_path, runner, monkeypatch):
    _fixture_workbook(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run(runner, "import", "一览表.xlsx", "--out", "registers", "--dry-run")
    assert result.exit_code == 1, result.output  # the row without risk text is an error
    out = result.output
    assert "列对应：一览表.xlsx「Sheet1」（一览表，表头在第 2 行）" in out
    assert "  F 廉政风险点及等级 → 廉政风险点" in out
    assert "将写入 registers/departments/bgs.yaml" in out
    assert "一览表.xlsx「Sheet1」F4: LZ620" in out and "一览表.xlsx「Sheet1」D5: LZ610 该行有关键环节、涉及对象" in out
    assert "试运行" in out and not (tmp_path / "registers").exists()


def test_the_json_report_keeps_the_diagnostic_contract_with_sheet_and_cell(tmp_path, runner, monkeypatch):
    _fixture_workbook(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run(runner, "import", "一览表.xlsx", "-o", "registers", "--format", "json")
    document = json.loads(result.output)
    assert document["version"] == 1 and document["dry_run"] is False
    problem = next(d for d in document["diagnostics"] if d["code"] == "LZ620")
    assert problem == {"code": "LZ620", "severity": "warning", "file": "一览表.xlsx", "line": 4, "column": 6,
                       "message": problem["message"], "subject": "", "sheet": "Sheet1", "cell": "F4"}
    assert document["summary"]["risks"] == 2 and document["summary"]["errors"] == 1
    assert [f["path"] for f in document["files"]] == ["org.yaml", "departments/bgs.yaml"]
    text = (tmp_path / "registers" / "departments" / "bgs.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/department.schema.json\n")
    assert "  # 来源:一览表.xlsx 「Sheet1」第 3 行\n  - id: bgs-R01" in text


def test_bad_input_exits_2_saying_what_is_wrong(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "清单.xlsx").write_text("这不是表格", encoding="utf-8")
    result = run(runner, "import", "清单.xlsx", "--dry-run")
    assert result.exit_code == 2 and "不是 Excel 或 Word 文件" in result.output
    write_xlsx(tmp_path / "计划.xlsx", SheetSpec([["工作计划"], ["月份", "工作内容", "完成情况"]]))
    result = run(runner, "import", "计划.xlsx", "--dry-run")
    assert result.exit_code == 2 and "见到的表头：月份、工作内容、完成情况" in result.output
    _fixture_workbook(tmp_path)
    result = run(runner, "import", "一览表.xlsx")
    assert result.exit_code == 2 and "--out" in result.output
    result = run(runner, "import", "一览表.xlsx", "--map", "无等号")
    assert result.exit_code == 2


def test_an_existing_register_is_not_overwritten(tmp_path, runner, monkeypatch):
    _fixture_workbook(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "registers").mkdir()
    (tmp_path / "registers" / "org.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    result = run(runner, "import", "一览表.xlsx", "-o", "registers")
    assert result.exit_code == 2 and "已有登记簿" in result.output
    assert (tmp_path / "registers" / "org.yaml").read_text(encoding="utf-8") == "schema_version: 1\n"


def test_options_give_the_organization_and_year(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", SheetSpec([HEADER, [1, "办公室", "公车", "派车", "司机", "公车私用", "岗位职责",
                                                               "登记", "办公室"]]))
    result = import_files([path], ImportOptions(org_name="示例县某某局", year=2023))
    assert "name: 示例县某某局\nyear: 2023\n" in result.files[0].text


def test_docs_list_every_header_word_problem_code_category_and_stage_word():
    from lianzheng_cli.importing.headers import synonyms
    from lianzheng_cli.importing.measures import STAGES
    from lianzheng_cli.importing.problems import SEVERITY
    from lianzheng_cli.importing.words import CATEGORY_MAP

    docs = (REPO / "docs" / "import.md").read_text(encoding="utf-8")
    missing = [w for words in synonyms().values() for w in words if w not in docs]
    missing += [code for code in SEVERITY if f"| {code} |" not in docs]
    missing += [word for word in CATEGORY_MAP if word not in docs]
    missing += [word for word in STAGES if word == STAGES[word] and word not in docs]
    assert missing == []


def test_a_new_register_folder_appears_whole_or_not_at_all(tmp_path, runner, monkeypatch):
    import lianzheng_cli.importing.run as importing_run

    _fixture_workbook(tmp_path)
    monkeypatch.chdir(tmp_path)
    real_write = importing_run.write_atomically
    written = []

    def full_disk_at_the_second_file(path, data):
        if written:
            raise OSError(28, "No space left on device", str(path))
        written.append(path)
        return real_write(path, data)

    monkeypatch.setattr(importing_run, "write_atomically", full_disk_at_the_second_file)
    result = run(runner, "import", "一览表.xlsx", "-o", "registers")
    assert result.exit_code == 2 and "磁盘空间不足" in result.stderr, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["一览表.xlsx"]  # no half register, no staging folder
    monkeypatch.setattr(importing_run, "write_atomically", real_write)
    result = run(runner, "import", "一览表.xlsx", "-o", "registers")
    assert (tmp_path / "registers" / "departments" / "bgs.yaml").is_file(), result.output
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "registers").stat().st_mode & 0o777 == 0o777 & ~mask  # as mkdir makes it, not 0700
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registers", "一览表.xlsx"]
