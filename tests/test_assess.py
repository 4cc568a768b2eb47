"""lz assess: the yearly score (百分制) computed by hand item by item, at each band's boundary; JSON; the workbook
read back with openpyxl; the report's section; the default standard; errors in assessments.yaml."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from conftest import EXAMPLE, run
from lianzheng_cli.assess import DEFAULT_STANDARD, assess, band
from lianzheng_cli.lint import lint
from lianzheng_cli.validate.register import validate

FIXTURE = Path(__file__).parent / "fixtures" / "assess" / "registers"
AS_OF = date(2025, 12, 31)

# The fixture's department 甲科 (a), by hand, as of 2025-12-31 (docs/assess.md):
BY_HAND = {
    "cov": 20.0,  # 4 powers, each tied to a risk (a-P1 by a-R1's process, a-P2 by post a-x, a-P3/P4 by post a-y): 20 × 4/4
    "hi": 6.7,  # 3 高 risks (4 × 4 = 16 ≥ 15), a-R3 has no 中期监控 measure: 10 × 2/3 = 6.67 → 6.7
    "due": 10.0,  # 4 measures due by 2025-12-31, all 已落实 (a-R2/M2 due 2026, a-R3/M2 and a-R4/M1 undated): 10 × 4/4
    "warn": 1.7,  # W1 closed in 10 days; W2 in 49 (> 30); W4 open 91 days; W3 open 11 days not counted: 5 × 1/3 → 1.7
    "brief": 5.0,  # both people briefed in 2025
    "pledge": 5.0,  # both pledged in 2025
    "lint": 3.0,  # one error (LZ102: a-R5 has no measure): 5 − 2 × 1
}
BASE = 51.4  # the sum of the computed items above; the two manual items (20 points each) make the rest


def copy_fixture(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "registers")
    return tmp_path / "registers"


def write_scores(root: Path, unit: float, department: float) -> None:
    """The manual items' scores for the unit and for 甲科, each split over mz1 then mz2 (20 points each)."""
    lines = ["schema_version: 1", "scores:"]
    for where, total in (("", unit), ("department: a, ", department)):
        first = min(total, 20.0)
        for item, score in (("mz1", first), ("mz2", round(total - first, 1))):
            lines.append(f"  - {{year: 2025, {where}item: {item}, score: {score}, by: 考核组}}")
    lines.append("  - {year: 2024, item: mz1, score: 1, by: 考核组, note: 上一年度的评分不计}")
    (root / "assessments.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def scored(root: Path):
    register = validate(root, use_cache=False).register
    assert register is not None
    return assess(register, as_of=AS_OF, lint_findings=lint(register, as_of=AS_OF))


def test_each_computed_item_is_as_counted_by_hand(tmp_path):
    assessment = scored(copy_fixture(tmp_path))
    dept = assessment.departments[0]
    assert dept.department == "a"
    assert {i.item.id: i.score for i in dept.items if not i.item.manual} == BY_HAND
    assert sum(BY_HAND.values()) == pytest.approx(BASE)
    assert dept.total == BASE and dept.band == "差"  # nothing entered for the manual items yet
    items = {i.item.id: i for i in dept.items}
    assert (items["hi"].counted, items["hi"].met, items["hi"].unmet_ids) == (3, 2, ["a-R3"])
    assert (items["warn"].counted, items["warn"].met, items["warn"].met_ids, items["warn"].unmet_ids) == (
        3, 1, ["W1"], ["W2", "W4"])
    assert items["due"].met_ids == ["a-R1/M1", "a-R1/M2", "a-R2/M1", "a-R3/M1"]
    assert items["lint"].unmet_ids == ["LZ102 departments/a.yaml:68:5 a-R5"]
    assert (items["mz1"].entered, items["mz1"].score) == (False, 0.0)
    # an empty department: nothing to count is full points, so only the manual items are missing
    empty = assessment.departments[1]
    assert (empty.department, empty.total, empty.band) == ("b", 60.0, "差")


@pytest.mark.parametrize(("manual", "total", "expected_band"), [
    (18.5, 69.9, "差"), (18.6, 70.0, "一般"),
    (28.5, 79.9, "一般"), (28.6, 80.0, "较好"),
    (38.5, 89.9, "较好"), (38.6, 90.0, "好"),
    (40.0, 91.4, "好"),
])
def test_band_boundaries(tmp_path, manual, total, expected_band):
    root = copy_fixture(tmp_path)
    write_scores(root, unit=manual, department=manual)
    assessment = scored(root)
    assert assessment.problems == []
    for score in (assessment.unit, assessment.departments[0]):
        assert score.total == pytest.approx(BASE + manual) == pytest.approx(total)
        assert score.total == total and score.band == expected_band
    assert band(total) == expected_band


def test_unit_and_department_take_their_own_manual_scores(tmp_path):
    root = copy_fixture(tmp_path)
    write_scores(root, unit=30.0, department=10.0)
    assessment = scored(root)
    assert (assessment.unit.total, assessment.unit.band) == (81.4, "较好")
    assert (assessment.departments[0].total, assessment.departments[0].band) == (61.4, "差")
    mz1 = next(i for i in assessment.unit.items if i.item.id == "mz1")
    assert (mz1.score, mz1.entered, mz1.by) == (20.0, True, "考核组")  # 2024's score is not this year's


def test_json_shape_is_stable(runner, tmp_path):
    root = copy_fixture(tmp_path)
    write_scores(root, unit=38.6, department=38.5)
    result = run(runner, "assess", "-r", str(root), "--date", "2025-12-31", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"year", "as_of", "standard", "unit", "departments"}
    assert (data["year"], data["as_of"], data["standard"]["source"]) == (2025, "2025-12-31", "org.yaml")
    assert [i["id"] for i in data["standard"]["items"]] == ["cov", "hi", "due", "warn", "brief", "pledge", "lint",
                                                            "mz1", "mz2"]
    unit = data["unit"]
    assert (unit["kind"], unit["id"], unit["score"], unit["band"], unit["band_key"]) == (
        "unit", "test-unit", 90.0, "好", "good")
    dept = data["departments"][0]
    assert (dept["kind"], dept["id"], dept["score"], dept["band"], dept["band_key"]) == (
        "department", "a", 89.9, "较好", "fairly_good")
    hi = dept["items"][1]
    assert set(hi) == {"id", "name", "points", "score", "indicator", "manual", "value", "counted", "met", "evidence",
                       "entered", "by", "note"}
    assert (hi["indicator"], hi["points"], hi["score"], hi["value"], hi["counted"], hi["met"]) == (
        "high_monitoring", 10, 6.7, 0.6667, 3, 2)
    assert hi["evidence"] == {"met": ["a-R1", "a-R2"], "unmet": ["a-R3"]}
    lint_item = dept["items"][6]
    assert (lint_item["value"], lint_item["score"]) == (1.0, 3.0)
    assert [d["band_key"] for d in data["departments"]] == ["fairly_good", "poor"]


def test_text_output_and_xlsx_sheet_read_back(runner, tmp_path):
    root = copy_fixture(tmp_path)
    write_scores(root, unit=28.6, department=28.5)
    book = tmp_path / "out" / "考核.xlsx"
    result = run(runner, "assess", "-r", str(root), "--date", "2025-12-31", "--xlsx", str(book))
    assert result.exit_code == 0, result.output
    assert "单位：测试县示例局，80分（较好）" in result.stdout
    assert "部门：甲科（a），79.9分（一般）" in result.stdout
    assert "未达：W2、W4" in result.stdout
    workbook = openpyxl.load_workbook(book)
    assert workbook.sheetnames == ["考核评分", "评分依据"]
    sheet = workbook["考核评分"]
    assert sheet["A1"].value == "测试县示例局2025年度考核评分表"
    header = [c.value for c in sheet[3]]
    assert header[:3] == ["序号", "考核对象", "风险排查覆盖（20分）"] and header[-2:] == ["总分", "等级"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert rows[0][1:] == ["测试县示例局", 20, 6.7, 10, 1.7, 5, 5, 3, 20, 8.6, 80, "较好"]
    assert rows[1][1] == "甲科" and rows[1][-2:] == [79.9, "一般"]
    assert rows[2][1] == "乙室" and rows[2][-2:] == [60, "差"]
    evidence = [[c.value for c in row] for row in workbook["评分依据"].iter_rows(min_row=3)]
    warn = next(r for r in evidence if r[0] == "甲科" and r[1] == "预警按时处置")
    assert warn[2:] == [5, 1.7, "应办结预警3条，按时限办结1条", "W2、W4"]


def test_report_has_the_assessment_section(runner, tmp_path):
    root = copy_fixture(tmp_path)
    write_scores(root, unit=38.6, department=38.5)
    result = run(runner, "report", "-r", str(root), "--as-of", "2025-12-31", "-o", "-")
    assert result.exit_code == 0, result.output
    section = result.stdout.split("、年度考核\n", 1)[1].split("\n## ", 1)[0]
    assert "本单位得90分，等级为“好”" in section
    assert "| 高风险点中期监控 | 10 | 6.7 | 高风险点3个，有中期监控措施的2个 |" in section
    assert "| 甲科 | 20 | 6.7 | 10 | 1.7 | 5 | 5 | 3 | 20 | 18.5 | 89.9 | 较好 |" in section
    assert "- 甲科，预警按时处置：W2、W4" in section
    docx_path = tmp_path / "报告.docx"
    assert run(runner, "report", "-r", str(root), "--as-of", "2025-12-31", "--docx", "-o", str(docx_path)).exit_code == 0
    import docx

    document = docx.Document(str(docx_path))
    texts = [p.text for p in document.paragraphs]
    assert any(t.endswith("、年度考核") for t in texts)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "高风险点3个，有中期监控措施的2个" in cells and "89.9" in cells


def test_the_report_of_a_register_without_an_assessment_has_no_section(runner, tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "registers")
    result = run(runner, "report", "-r", str(tmp_path / "registers"), "--as-of", "2025-12-31", "-o", "-")
    assert result.exit_code == 0 and "、年度考核\n" not in result.stdout


def test_the_default_standard_applies_when_org_yaml_has_none():
    register = validate(EXAMPLE).register
    assessment = assess(register, as_of=AS_OF, lint_findings=lint(register, as_of=AS_OF))
    assert assessment.source == "default" and assessment.standard == DEFAULT_STANDARD
    assert sum(i.points for i in DEFAULT_STANDARD) == 100
    assert {i.indicator for i in DEFAULT_STANDARD if i.indicator} == {
        "risk_coverage", "high_monitoring", "measures_on_time", "warnings_closed", "people_briefed",
        "people_pledged", "lint_errors"}
    assert len(assessment.departments) == len(register.departments)


def test_points_not_adding_up_to_100_are_scaled(tmp_path):
    root = copy_fixture(tmp_path)
    org = root / "org.yaml"
    text = org.read_text(encoding="utf-8")
    org.write_text(text.split("    - {id: mz1")[0], encoding="utf-8")  # 60 points, all computed
    assessment = scored(root)
    assert assessment.departments[0].total == round(BASE * 100 / 60, 1) == 85.7


@pytest.mark.parametrize(("entry", "code", "words"), [
    ("{year: 2025, item: nope, score: 1}", "LZ021", "不在评分标准中"),
    ("{year: 2025, item: hi, score: 1}", "LZ019", "不能人工评分"),
    ("{year: 2025, item: mz1, score: 25}", "LZ016", "超过该项分值"),
])
def test_errors_in_the_scores_exit_1_located(runner, tmp_path, entry, code, words):
    root = copy_fixture(tmp_path)
    (root / "assessments.yaml").write_text(f"schema_version: 1\nscores:\n  - {entry}\n", encoding="utf-8")
    result = run(runner, "assess", "-r", str(root))
    assert result.exit_code == 1
    assert f"assessments.yaml:3:5: {code} " in result.stderr and words in result.stderr


def test_a_score_naming_an_unknown_department_is_a_validation_error(runner, tmp_path):
    root = copy_fixture(tmp_path)
    (root / "assessments.yaml").write_text("schema_version: 1\nscores:\n  - {year: 2025, department: zz, item: mz1, "
                                           "score: 1}\n", encoding="utf-8")
    result = run(runner, "assess", "-r", str(root))
    assert result.exit_code == 1
    assert "assessments.yaml:3:30: LZ021" in result.stderr


def test_a_malformed_standard_is_a_located_schema_error(runner, tmp_path):
    root = copy_fixture(tmp_path)
    org = root / "org.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("indicator: risk_coverage", "indicator: coverage"),
                   encoding="utf-8")
    result = run(runner, "validate", "-r", str(root))
    assert result.exit_code == 1
    assert "org.yaml:9:" in result.stdout and "LZ013" in result.stdout


def test_usage_errors_exit_2(runner, tmp_path):
    root = copy_fixture(tmp_path)
    assert run(runner, "assess", "-r", str(root), "--date", "2025-13-01").exit_code == 2
    assert run(runner, "assess", "-r", str(root), "--format", "csv").exit_code == 2
    assert run(runner, "assess", "-r", str(tmp_path / "nowhere")).exit_code == 2
