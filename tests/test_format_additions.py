"""Format 1.1, each addition: accepted, refused when wrong (at file:line:col), shown by every output that shows its
object, and compared by lz diff. The register is tests/fixtures/format-1.1 (示例县住房和城乡建设局)."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from conftest import INSPECTION, LEADERSHIP, OFFICE, ORG, run, write_register
from docx_helpers import load, text
from lianzheng_cli.lint import lint
from lianzheng_cli.model.grading import grade_register
from lianzheng_cli.outputs.brief import build_brief
from lianzheng_cli.validate.register import validate
from test_diff import commit, git_run, init_repo

FORMAT_11 = Path(__file__).parent / "fixtures" / "format-1.1" / "registers"
AS_OF = "2025-12-31"


@pytest.fixture
def reg(tmp_path: Path) -> Path:
    target = tmp_path / "registers"
    shutil.copytree(FORMAT_11, target, ignore=shutil.ignore_patterns(".lz-cache"))
    return target


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def findings(root: Path) -> list[tuple]:
    return [(d.code, d.file, d.line, d.column) for d in validate(root, use_cache=False).diagnostics]


def model(root: Path):
    result = validate(root, use_cache=False)
    assert result.register is not None, result.diagnostics
    return result.register


def workbook(runner, root: Path, tmp_path: Path, *options: str) -> openpyxl.Workbook:
    out = tmp_path / "book.xlsx"
    result = run(runner, "render", "xlsx", "-r", str(root), "-o", str(out), *options)
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out)


def rows(book: openpyxl.Workbook, sheet: str) -> list[list]:
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


def test_the_demonstration_register_validates(reg):
    assert findings(reg) == []


# --- the practice's own words: built in -------------------------------------------------------------------------


def test_the_grown_built_in_words_validate_in_a_version_1_register(tmp_path):
    office = (OFFICE.replace("kind: 监督, owner: spk", "kind: 机制, owner: spk")
              .replace("category: 行政审批", "category: 队伍管理")
              + "warnings:\n  - {id: W1, risk: R1, date: 2025-03-01, level: 提示, source: 效能監察, action: 警示提醒}\n")
    org = ORG + "monitoring:\n  高: [领导班子, 纪检监察机构]\n  中: [党组织]\n  低: [部门负责人]\n"
    root = write_register(tmp_path, org, {"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": office})
    register = model(root)
    assert register.warnings["W1"].source == "效能监察" and register.warnings["W1"].action == "警示提醒"
    assert register.powers["spk-P01"].category == "队伍管理"
    assert register.risks["R1"].measures[0].kind == "机制"
    # 中 by 党组织: no org.party, so the 领导班子 (every department of that kind): 甲某某 and 乙某某
    monitors = grade_register(register)["R1"].monitors
    assert [(m.role, m.person) for m in monitors] == [("党组织", "p-head"), ("党组织", "p-vice")]


def test_a_word_neither_built_in_nor_added_is_refused_where_written(tmp_path):
    office = OFFICE + "warnings:\n  - {id: W1, risk: R1, date: 2025-03-01, level: 提示, source: 效能检查}\n"
    root = write_register(tmp_path, departments={"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": office})
    assert findings(root) == [("LZ013", "departments/spk.yaml", 33, 61)]


def test_monitors_resolve_to_the_party_organization_and_added_roles_are_shown_as_written(runner, reg, tmp_path):
    grades = grade_register(model(reg))
    assert [(m.role, m.person, m.as_written) for m in grades["jsk-R02"].monitors] == [
        ("分管领导", "p-lin", False), ("部门负责人", "p-xu", False), ("党组织", "p-he", False)]
    assert [(m.role, m.person, m.as_written) for m in grades["bgs-R01"].monitors] == [
        ("部门负责人", "p-song", False), ("上级纪检监察组", None, True)]
    shown = json.loads(run(runner, "grade", "-r", str(reg), "-f", "json").stdout)
    bgs = next(r for r in shown["risks"] if r["id"] == "bgs-R01")
    assert bgs["monitor_roles"][1] == {"role": "上级纪检监察组", "person": None, "name": None}
    book = workbook(runner, reg, tmp_path)
    main = {r[5]: r for r in rows(book, "廉政风险点防控措施一览表")[3:]}
    assert main["bgs-R01"][11] == "部门负责人：宋某某\n上级纪检监察组"
    assert "缺上级纪检监察组" not in run(runner, "grade", "-r", str(reg)).stdout
    assert [d for d in lint(model(reg), as_of=date(2025, 12, 31)) if d.code == "LZ304"] == []


# --- outside parties --------------------------------------------------------------------------------------------


def test_parties_are_涉及对象_and_owners_in_every_output(runner, reg, tmp_path):
    register = model(reg)
    assert register.risks["jsk-R01"].parties == ("sgdw", "jldw")
    assert register.name_of("sgdw") == "施工单位"
    book = workbook(runner, reg, tmp_path)
    main = {r[5]: r for r in rows(book, "廉政风险点防控措施一览表")[3:]}
    assert main["jsk-R01"][4] == "质量监督员、施工单位、监理单位"
    assert "2.施工单位" in main["jsk-R01"][10]  # a measure owned by a party
    detail = {r[5]: r for r in rows(book, "明细（可筛选）")[1:]}
    assert detail["dzb-R01"][4] == "党支部书记、各基层党组织"
    report = run(runner, "report", "-r", str(reg), "--as-of", AS_OF, "-o", "-").stdout
    assert "- 涉及外部单位：施工单位、监理单位" in report
    assert "| 质量监督员、施工单位、监理单位 |" in report
    brief = run(runner, "brief", "p-tang", "-r", str(reg), "-o", "-").stdout
    assert "- 涉及外部单位：施工单位、监理单位" in brief and "（责任主体：施工单位）" in brief


@pytest.mark.parametrize(("rel", "old", "new", "expected"), [
    ("departments/jsk.yaml", "parties: [sgdw, jldw]", "parties: [sgdw, jldx]", ("LZ021", "departments/jsk.yaml", 48, 21)),
    ("departments/jsk.yaml", "kind: 制度, owner: sgdw}", "kind: 制度, owner: sgdx}", ("LZ021", "departments/jsk.yaml", 55, 82)),
    ("org.yaml", "  party: dzb ", "  party: dzx ", ("LZ021", "org.yaml", 9, 10)),
    ("departments/jjz.yaml", "  - {id: jjz-zuzhang, name: 纪检监察组组长}", "  - {id: sgdw, name: 纪检监察组组长}",
     ("LZ020", "departments/jjz.yaml", 13, 10)),
    ("org.yaml", "  - {id: jcdzz, name: 各基层党组织}", "  - {id: jcdzz}", ("LZ011", "org.yaml", 32, 5)),
])
def test_wrong_parties_are_located(reg, rel, old, new, expected):
    edit(reg, rel, old, new)
    if expected[0] == "LZ020":  # the post renamed away leaves its references dangling too
        assert expected in findings(reg)
    else:
        assert [f for f in findings(reg) if f[0] != "LZ021" or f[1] == expected[1]] == [expected]


# --- common risk points -----------------------------------------------------------------------------------------


def test_a_common_risk_needs_no_posts_and_a_risk_needs_someone(reg):
    register = model(reg)
    assert register.risks["ldbz-R(1)"].posts == () and register.risks["ldbz-R(1)"].common
    edit(reg, "departments/bgs.yaml", "    applies_to: 部门\n", "")
    assert findings(reg) == [("LZ011", "departments/bgs.yaml", 16, 5)]
    edit(reg, "departments/bgs.yaml", "    type: 机制制度\n", "    type: 机制制度\n    applies_to: 岗位\n")
    assert findings(reg) == [("LZ011", "departments/bgs.yaml", 16, 5)]
    edit(reg, "departments/bgs.yaml", "    applies_to: 岗位\n", "    applies_to: 全局\n")
    assert ("LZ013", "departments/bgs.yaml", 20, 17) in findings(reg)


def test_a_brief_tells_the_units_and_the_departments_common_risks(reg):
    register = model(reg)
    tang = build_brief(register, "p-tang")  # 建设工程管理科: the unit's 公车私用, no 部门 risk of its own
    assert [r["id"] for r in tang["risks"]] == ["jsk-R01"]
    assert [r["id"] for r in tang["common_risks"]] == ["ldbz-R(1)"]
    song = build_brief(register, "p-song")  # 办公室: the unit's risk first, then the office's own 部门 risk
    assert [r["id"] for r in song["common_risks"]] == ["ldbz-R(1)", "bgs-R01"]
    assert song["highest_grade"] == ""  # a post is graded only by the risks that list it


def test_the_brief_documents_show_the_common_risks(runner, reg, tmp_path):
    text = run(runner, "brief", "p-song", "-r", str(reg), "-o", "-").stdout
    assert "## 共性廉政风险点" in text and "### 2. bgs-R01 接待费用超标" in text
    out = tmp_path / "brief.xlsx"
    assert run(runner, "brief", "p-song", "-r", str(reg), "--xlsx", "-o", str(out)).exit_code == 0
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row if c]
    assert "bgs-R01" in cells and "ldbz-R(1)" in cells
    docx = tmp_path / "brief.docx"
    assert run(runner, "brief", "p-song", "-r", str(reg), "--docx", "-o", str(docx)).exit_code == 0


def test_the_workbook_marks_common_risks(runner, reg, tmp_path):
    main = {r[5]: r for r in rows(workbook(runner, reg, tmp_path), "廉政风险点防控措施一览表")[3:]}
    assert main["ldbz-R(1)"][4] == "全单位各岗位（共性）"
    assert main["bgs-R01"][4] == "本部门各岗位（共性）"


def test_lz502_suggests_applies_to_for_a_risk_copied_across_departments(reg):
    copy = ("  - id: jsk-R09\n    title: 公车私用\n    description: 工作人员节假日私自驾驶公务用车办理私事，并以公务名义"
            "报销加油和过路费用\n    type: 思想道德\n    posts: [jsk-zhijian]\n    likelihood: 3\n    impact: 3\n")
    edit(reg, "departments/jsk.yaml", "\nwarnings:\n", "\n" + copy + "\nwarnings:\n")
    found = lint(model(reg), as_of=date(2025, 12, 31), select=["LZ502"])
    # the later file's copy is told (bgs, dzb, jjz, jsk, ldbz), pointing at the other department's
    assert [(d.file, d.subject) for d in found] == [("departments/ldbz.yaml", "ldbz-R(1)")]
    assert "`jsk-R09`" in found[0].message and "applies_to: 单位" in found[0].message


# --- residual grade ---------------------------------------------------------------------------------------------


def test_residual_grades_in_grade_workbook_report_and_brief(runner, reg, tmp_path):
    grades = grade_register(model(reg))
    assert (grades["jsk-R01"].effective, grades["jsk-R01"].residual) == ("高", "低")
    assert grades["ldbz-R(1)"].residual is None
    table = run(runner, "grade", "-r", str(reg)).stdout
    assert "固有→剩余" in table and "高→低" in table
    shown = {r["id"]: r for r in json.loads(run(runner, "grade", "-r", str(reg), "-f", "json").stdout)["risks"]}
    assert shown["jsk-R01"]["residual"] == {"likelihood": 2, "impact": 3, "score": 6, "grade": "低"}
    assert "residual" not in shown["bgs-R01"]  # only where one is given
    main = {r[5]: r for r in rows(workbook(runner, reg, tmp_path), "廉政风险点防控措施一览表")[3:]}
    assert main["jsk-R01"][8] == "高→低" and main["bgs-R01"][8] == "低"
    report = run(runner, "report", "-r", str(reg), "--as-of", AS_OF, "-o", "-").stdout
    assert "- 风险等级：高（固有）→低（剩余）" in report and "| 高→低 |" in report
    assert "（风险等级：高→低）" in run(runner, "brief", "p-tang", "-r", str(reg), "-o", "-").stdout


def test_residual_uses_the_factors_method_without_floors(reg):
    edit(reg, "org.yaml", "  method: matrix\n", "  method: factors\n  factors:\n    weights: {likelihood: 1, harm: 1}\n"
         "    high: 3.8\n    medium: 2.6\n")
    for rel in ("ldbz", "dzb", "bgs", "jsk"):
        text = (reg / "departments" / f"{rel}.yaml").read_text(encoding="utf-8")
        (reg / "departments" / f"{rel}.yaml").write_text(
            text.replace("    likelihood: ", "    factors: {likelihood: 3, harm: 3}\n    likelihood: "), encoding="utf-8")
    grades = grade_register(model(reg))
    # inherent: (3 + 3) / 2 = 3 → 中, raised by the 行政审批 floor and declared 高; residual: likelihood 2 and harm
    # 3 → 2.5, below 2.6 → 低 (no floor)
    assert (grades["jsk-R01"].method_grade, grades["jsk-R01"].effective, grades["jsk-R01"].residual) == ("中", "高", "低")


def test_a_residual_out_of_range_or_half_written_is_refused_where_written(reg):
    edit(reg, "departments/jsk.yaml", "residual: {likelihood: 2, impact: 3}", "residual: {likelihood: 2, impact: 6}")
    assert findings(reg) == [("LZ016", "departments/jsk.yaml", 52, 39)]
    edit(reg, "departments/jsk.yaml", "residual: {likelihood: 2, impact: 6}", "residual: {likelihood: 2}")
    assert findings(reg) == [("LZ011", "departments/jsk.yaml", 52, 5)]


def test_a_residual_above_the_grade_and_education_alone_are_lint_findings(reg):
    edit(reg, "departments/bgs.yaml", "    impact: 3\n", "    impact: 3\n    residual: {likelihood: 3, impact: 5}\n")
    found = lint(model(reg), as_of=date(2025, 12, 31), select=["LZ205", "LZ206"])
    assert [(d.code, d.file, d.line) for d in found] == [("LZ205", "departments/bgs.yaml", 23)]


# --- the fuller 职权目录 and 预警处置记录 -----------------------------------------------------------------------


def test_fuller_powers_in_the_workbook_and_the_report(runner, reg, tmp_path):
    power = model(reg).powers["jsk-P01"]
    assert (power.content, power.time_limit, power.disclosure) == (
        "对房屋建筑和市政基础设施工程办理竣工验收备案", "15个工作日", "备案结果在政务服务网公开")
    book = workbook(runner, reg, tmp_path)
    assert book.sheetnames == ["廉政风险点防控措施一览表", "明细（可筛选）", "职权目录", "权力和责任清单",
                               "岗位风险等级目录", "预警处置记录", "统计", "登记簿原文"]
    powers = rows(book, "职权目录")
    assert powers[1][10:] == ["职权内容", "行使主体", "条件", "程序", "时限", "追责情形", "监督方式", "公开形式"]
    jsk = next(r for r in powers if r[2] == "jsk-P01")
    assert jsk[12:15] == ["工程已竣工验收合格且验收资料齐全", "受理—资料审查—现场核查—备案", "15个工作日"]
    duties = rows(book, "权力和责任清单")
    assert duties[1] == ["序号", "部门", "职权编号", "职权名称", "职权类别", "职权内容", "责任事项与追责情形", "监督方式"]
    assert duties[2][2:8] == ["dzb-P01", "党员发展与教育管理", "队伍管理", "党员发展对象的考察、培养和党员教育管理", None, None]
    report = run(runner, "report", "-r", str(reg), "--as-of", AS_OF, "-o", "-").stdout
    assert "## 七、职权目录与权力和责任清单" in report
    assert "| 未经集体研究擅自决定重大项目事项，或违规干预招标投标的 |" in report


def test_a_workbook_without_fuller_powers_has_no_duty_sheet(runner, reg, tmp_path):
    for rel in ("departments/jsk.yaml", "departments/ldbz.yaml", "departments/dzb.yaml"):
        text = (reg / rel).read_text(encoding="utf-8")
        lines = [line for line in text.splitlines(keepends=True)
                 if not line.startswith(("    content:", "    accountability:", "    supervision:"))]
        (reg / rel).write_text("".join(lines), encoding="utf-8")
    book = workbook(runner, reg, tmp_path)
    assert "权力和责任清单" not in book.sheetnames
    assert "职权内容" not in rows(book, "职权目录")[1] and "公开形式" in rows(book, "职权目录")[1]


def test_fuller_warnings_in_the_workbook_and_the_report(runner, reg, tmp_path):
    warning = model(reg).warnings["W2025-(1)"]
    assert (warning.person, warning.notice, warning.rectification.done) == ("p-tang", "示建纪预〔2025〕1号",
                                                                           date(2025, 5, 28))
    sheet = rows(workbook(runner, reg, tmp_path), "预警处置记录")
    assert sheet[1][12:] == ["当事人", "通知书编号", "整改要求", "整改期限", "整改结果", "整改完成"]
    assert sheet[2][12:14] == ["唐某某", "示建纪预〔2025〕1号"] and sheet[2][15].date() == date(2025, 5, 30)
    assert "预警处置记录" not in workbook(runner, reg, tmp_path, "--public").sheetnames  # it names people
    report = run(runner, "report", "-r", str(reg), "--as-of", AS_OF, "-o", "-").stdout
    assert "## 五、预警处置记录" in report and "| 唐某某 | 示建纪预〔2025〕1号 | 重新开展现场核查并补齐影像记录 |" in report


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("    person: p-tang\n", "    person: p-tan\n", ("LZ021", 79, 13)),
    ("due: 2025-05-30, result", "due: 2025/05/30, result", ("LZ014", 81, 56)),
    ("    notice: 示建纪预〔2025〕1号\n", "    notice: 示建纪预〔2025〕1号\n    notices: 2\n", ("LZ010", 81, 5)),
    ("    content: 对房屋建筑和市政基础设施工程办理竣工验收备案\n", "    content: ''\n", ("LZ018", 23, 14)),
])
def test_wrong_power_and_warning_fields_are_located(reg, old, new, expected):
    edit(reg, "departments/jsk.yaml", old, new)
    code, line, column = expected
    assert findings(reg) == [(code, "departments/jsk.yaml", line, column)]


# --- measures without stage or owner ----------------------------------------------------------------------------


def test_a_measure_without_stage_or_owner_is_valid_and_shown_as_it_is(runner, reg, tmp_path):
    measure = model(reg).risks["jsk-R01"].measures[2]
    assert (measure.stage, measure.owner) == (None, None)
    main = {r[5]: r for r in rows(workbook(runner, reg, tmp_path), "廉政风险点防控措施一览表")[3:]}
    assert main["jsk-R01"][9].endswith("\n3.对核查意见失实的质量监督员调离岗位")
    report = run(runner, "report", "-r", str(reg), "--as-of", AS_OF, "-o", "-").stdout
    assert "  3. 对核查意见失实的质量监督员调离岗位\n" in report
    stats = rows(workbook(runner, reg, tmp_path), "统计")
    stages = {r[0]: r[1] for r in stats if r[0] in ("前期预防", "中期监控", "后期处置")}
    assert sum(stages.values()) == 10  # 11 measures: the one without a stage is counted in none of the three
    codes = [(d.code, d.subject) for d in lint(model(reg), as_of=date(2025, 12, 31), select=["LZ105", "LZ106"])]
    assert codes == [("LZ105", "jsk-R01/M3"), ("LZ106", "jsk-R01/M3")]


# --- lz diff between two revisions ------------------------------------------------------------------------------

EDITS = (
    ("departments/jsk.yaml", "    supervision: 纪检监察组每半年抽查备案档案\n", "    supervision: 纪检监察组每季度抽查备案档案\n"),
    ("departments/jsk.yaml", "    parties: [sgdw, jldw]\n", "    parties: [sgdw]\n"),
    ("departments/jsk.yaml", "    residual: {likelihood: 2, impact: 3}\n", "    residual: {likelihood: 3, impact: 3}\n"),
    ("departments/jsk.yaml", "    person: p-tang\n", "    person: p-xu\n"),
    ("departments/jsk.yaml", "result: 已重新核查3件工程并补齐记录", "result: 已重新核查3件工程"),
    ("departments/bgs.yaml", "    applies_to: 部门\n", "    applies_to: 单位\n"),
    ("departments/dzb.yaml", "    subject: 机关党支部委员会\n", ""),
)


def test_lz_diff_reports_every_addition_between_two_revisions(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(FORMAT_11, repo / "registers", ignore=shutil.ignore_patterns(".lz-cache"))
    commit(repo, "年初", "2025-01-06T10:00:00+08:00")
    git_run(repo, "tag", "before")
    for rel, old, new in EDITS:
        edit(repo / "registers", rel, old, new)
    commit(repo, "年中", "2025-07-06T10:00:00+08:00")
    result = run(runner, "diff", "before", "HEAD", "-r", str(repo / "registers"), "-f", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    risks = {c["id"]: c["changes"] for c in document["risks"]["changed"]}
    assert risks == {
        "bgs-R01": [{"field": "applies_to", "from": "部门", "to": "单位"}],
        "jsk-R01": [{"field": "parties", "from": ["sgdw", "jldw"], "to": ["sgdw"]},
                    {"field": "residual", "from": [2, 3], "to": [3, 3]},
                    {"field": "residual_grade", "from": "低", "to": "中"}]}
    assert document["summary"]["grade_lowered"] == document["summary"]["grade_raised"] == 0
    assert document["powers"]["changed"] == [
        {"id": "dzb-P01", "department": "dzb", "changes": [{"field": "subject", "from": "机关党支部委员会", "to": None}]},
        {"id": "jsk-P01", "department": "jsk", "changes": [
            {"field": "supervision", "from": "纪检监察组每半年抽查备案档案", "to": "纪检监察组每季度抽查备案档案"}]}]
    assert document["warnings"]["changed"] == [{"id": "W2025-(1)", "department": "jsk", "changes": [
        {"field": "person", "from": "p-tang", "to": "p-xu"},
        {"field": "rectification_result", "from": "已重新核查3件工程并补齐记录", "to": "已重新核查3件工程"}]}]
    markdown = run(runner, "diff", "before", "HEAD", "-r", str(repo / "registers"), "-f", "markdown").stdout
    for line in ("  - 适用范围：部门 → 单位", "  - 剩余风险（发生概率×危害程度）：2×3 → 3×3", "  - 剩余等级：低 → 中",
                 "- 变更职权 `jsk-P01` 建设工程竣工验收备案", "  - 当事人：p-tang → p-xu", "  - 行使主体：机关党支部委员会 → （无）"):
        assert line in markdown


def test_the_word_documents_show_parties_common_risks_and_residual_grades(runner, reg, tmp_path):
    table = tmp_path / "table.docx"
    assert run(runner, "render", "docx", "-r", str(reg), "-o", str(table)).exit_code == 0
    shown = text(load(table))
    assert "质量监督员、施工单位、监理单位" in shown and "全单位各岗位（共性）" in shown and "高→低" in shown
    assert "3.对核查意见失实的质量监督员调离岗位" in shown and "上级纪检监察组" in shown
    report = tmp_path / "report.docx"
    assert run(runner, "report", "--docx", "-r", str(reg), "--as-of", AS_OF, "-o", str(report)).exit_code == 0
    assert "质量监督员、施工单位、监理单位" in text(load(report)) and "高→中" in text(load(report))
    brief = tmp_path / "brief.docx"
    assert run(runner, "brief", "p-song", "-r", str(reg), "--docx", "-o", str(brief)).exit_code == 0
    shown = text(load(brief))
    assert "共性廉政风险点" in shown and "bgs-R01 接待费用超标" in shown
