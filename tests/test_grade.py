"""lz grade: the grading policy (matrix, factors, floors), monitors, the JSON contract, --check and --write."""

from __future__ import annotations

import json
import os
import re
import stat
from fractions import Fraction
from pathlib import Path

import pytest
from rich.cells import cell_len

from conftest import INSPECTION, LEADERSHIP, OFFICE, ORG, run, write_register
from lianzheng_cli.model.grading import factor_mean, grade_register, matrix_grade
from lianzheng_cli.outputs.grades import build_grade_report
from lianzheng_cli.validate.register import validate
from lianzheng_cli.write.grades import GradeChange, WriteError, edit_grades, respell_grade, write_grades

GOLDEN = Path(__file__).parent / "golden"

# A department whose risks are written per test; 初审岗 holds an approval power (行政审批) through
# which process spk-F01 runs; 内勤岗 holds none; 领导岗 holds a 三重一大 power without a process.
OFFICE_HEAD = """\
schema_version: 1
id: spk
name: 审批科
kind: 内设机构
leader: p-ke
supervisor: p-vice
people:
  - {id: p-ke, name: 丁某某, post: spk-chushen, since: 2024-03-01}
posts:
  - {id: spk-chushen, name: 初审岗, powers: [spk-P01]}
  - {id: spk-neiqin, name: 内勤岗}
  - {id: spk-lingdao, name: 领导岗, powers: [spk-P02]}
powers:
  - {id: spk-P01, name: 经营者备案登记, scope: 外部, category: 行政审批, process: spk-F01}
  - {id: spk-P02, name: 重大项目安排, scope: 内部, category: 内部管理, sanzhong_yida: true}
processes:
  - id: spk-F01
    name: 备案流程
    steps:
      - {id: S1, name: 初审, post: spk-chushen}
risks:
"""

FACTORS_ORG = ORG.replace("""  method: matrix
  matrix: {high: 15, medium: 8}
""", """  method: factors
  factors:
    weights: {power: 0.25, discretion: 0.2, funds: 0.15, likelihood: 0.15, concealment: 0.1, harm: 0.15}
    high: 3.8
    medium: 2.6
""")


def risk(ident: str, *, likelihood: int = 1, impact: int = 1, posts: str = "spk-neiqin", grade: str | None = None,
         process: str | None = None, factors: str | None = None) -> str:
    lines = [f"  - id: {ident}", "    title: 风险标题", "    description: 风险描述文字", "    type: 岗位职责",
             f"    posts: [{posts}]", f"    likelihood: {likelihood}", f"    impact: {impact}"]
    if process:
        lines.append(f"    process: {process}")
    if factors:
        lines.append(f"    factors: {factors}")
    if grade is not None:
        lines.append(f"    grade: {grade}")
    return "\n".join(lines) + "\n"


def office_register(tmp_path: Path, *risks: str, org: str = ORG, office: str = OFFICE_HEAD) -> Path:
    return write_register(tmp_path, org, {"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": office + "".join(risks)})


def grades_of(root: Path):
    result = validate(root)
    assert result.errors == 0, [d.message for d in result.diagnostics]
    return grade_register(result.register)


def report_of(root: Path, **options):
    result = validate(root)
    assert result.errors == 0, [d.message for d in result.diagnostics]
    return build_grade_report(result.register, **options)


# --- the grading policy ---

@pytest.mark.parametrize(("score", "expected"), [(15, "高"), (14, "中"), (8, "中"), (7, "低")])
def test_matrix_grade_at_its_thresholds(score, expected):
    assert matrix_grade(score, 15, 8) == expected


@pytest.mark.parametrize(("likelihood", "impact", "high", "medium", "expected"), [
    (5, 3, 15, 8, "高"),   # 15 = high
    (3, 4, 15, 8, "中"),   # 12, below high
    (2, 4, 15, 8, "中"),   # 8 = medium
    (2, 3, 15, 8, "低"),   # 6, below medium
    (4, 4, 16, 9, "高"),   # 16 = high
    (5, 3, 16, 9, "中"),   # 15 = high - 1
    (3, 3, 16, 9, "中"),   # 9 = medium
    (2, 4, 16, 9, "低"),   # 8 = medium - 1
])
def test_matrix_method_grades_a_risk_at_the_thresholds(tmp_path, likelihood, impact, high, medium, expected):
    org = ORG.replace("matrix: {high: 15, medium: 8}", f"matrix: {{high: {high}, medium: {medium}}}")
    root = office_register(tmp_path, risk("R1", likelihood=likelihood, impact=impact), org=org)
    grade = grades_of(root)["R1"]
    assert (grade.score, grade.method_grade, grade.computed, grade.floors) == (
        likelihood * impact, expected, expected, ())


@pytest.mark.parametrize(("factors", "mean", "expected"), [
    ("{power: 4, discretion: 4, funds: 4, likelihood: 4, concealment: 2, harm: 4}", 3.8, "高"),
    ("{power: 4, discretion: 4, funds: 3, likelihood: 4, concealment: 3, harm: 4}", 3.75, "中"),
    ("{power: 3, discretion: 1, funds: 3, likelihood: 3, concealment: 3, harm: 3}", 2.6, "中"),
    ("{power: 3, discretion: 1, funds: 3, likelihood: 3, concealment: 3, harm: 2}", 2.45, "低"),
    # A factor left out: the other weights carry the mean.
    ("{power: 4, discretion: 4}", 4.0, "高"),
])
def test_factors_method_grades_the_weighted_mean_at_the_thresholds(tmp_path, factors, mean, expected):
    root = office_register(tmp_path, risk("R1", factors=factors), org=FACTORS_ORG)
    grade = grades_of(root)["R1"]
    assert (grade.score, grade.computed) == (mean, expected)


def test_factor_mean_is_exact_and_a_mean_just_below_a_threshold_is_not_lifted(tmp_path):
    # 0.25·4 + 0.2·4 + 0.15·4 + 0.15·4 + 0.1·2 + 0.15·4 is 3.8000000000000003 in floats; exactly 19/5 here.
    weights = {"power": 0.25, "discretion": 0.2, "funds": 0.15, "likelihood": 0.15, "concealment": 0.1, "harm": 0.15}
    factors = {"power": 4, "discretion": 4, "funds": 4, "likelihood": 4, "concealment": 2, "harm": 4}
    assert factor_mean(factors, weights) == Fraction(19, 5)
    # 4·0.7951 + 3·0.2049 = 3.7951: rounding to 0.01 would make it 3.80 and 高; it is 中, shown 3.79.
    org = FACTORS_ORG.replace(
        "weights: {power: 0.25, discretion: 0.2, funds: 0.15, likelihood: 0.15, concealment: 0.1, harm: 0.15}",
        "weights: {power: 0.7951, discretion: 0.2049}")
    root = office_register(tmp_path, risk("R1", factors="{power: 4, discretion: 3}"), org=org)
    grade = grades_of(root)["R1"]
    assert (grade.score, grade.computed) == (3.79, "中")


def test_floor_applies_through_the_power_of_the_risks_process(tmp_path):
    # 内勤岗 holds no power; the process spk-F01 belongs to an approval power (行政审批 → at least 中).
    root = office_register(tmp_path, risk("R1", likelihood=1, impact=2, process="spk-F01"))
    grade = grades_of(root)["R1"]
    assert (grade.method_grade, grade.computed, grade.floors) == ("低", "中", ("行政审批",))


def test_floor_applies_through_the_power_of_a_post(tmp_path):
    root = office_register(tmp_path, risk("R1", likelihood=1, impact=2, posts="spk-chushen"))
    grade = grades_of(root)["R1"]
    assert (grade.method_grade, grade.computed, grade.floors) == ("低", "中", ("行政审批",))


def test_sanzhong_yida_floor_makes_a_risk_high(tmp_path):
    root = office_register(tmp_path, risk("R1", likelihood=1, impact=2, posts="spk-lingdao, spk-chushen"))
    grade = grades_of(root)["R1"]
    assert (grade.method_grade, grade.computed, grade.floors) == ("低", "高", ("三重一大", "行政审批"))


def test_a_floor_below_the_method_grade_is_listed_but_does_not_lower_it(tmp_path):
    root = office_register(tmp_path, risk("R1", likelihood=4, impact=4, posts="spk-chushen"))
    grade = grades_of(root)["R1"]
    assert (grade.computed, grade.floors) == ("高", ("行政审批",))


def test_a_risk_tied_to_no_power_has_no_floor(tmp_path):
    root = office_register(tmp_path, risk("R1", likelihood=1, impact=2))
    assert grades_of(root)["R1"].floors == ()


@pytest.mark.parametrize(("written", "declared", "effective", "mismatch"), [
    ("高", "高", "高", True),     # declared higher than the computed 中: it stands as the effective grade
    ("低", "低", "中", True),     # computed higher: it wins
    ("二级", "中", "中", False),  # an alias of the same grade is no mismatch
    (None, "中", "中", False),    # absent: the computed grade is the declared one
])
def test_effective_grade_is_the_higher_of_declared_and_computed(tmp_path, written, declared, effective, mismatch):
    root = office_register(tmp_path, risk("R1", likelihood=3, impact=3, grade=written))
    row = report_of(root).rows[0]
    assert (row.declared, row.computed, row.effective, row.mismatch) == (declared, "中", effective, mismatch)


def test_an_absent_declared_grade_is_never_a_change(tmp_path):
    root = office_register(tmp_path, risk("R1", likelihood=5, impact=5), risk("R2", likelihood=5, impact=5, grade="低"))
    report = report_of(root)
    assert [(c.risk, c.old, c.new) for c in report.changes()] == [("R2", "低", "高")]


# --- monitors (分级监控) ---

def test_monitors_of_a_high_risk_are_the_head_and_the_inspection_leader(tmp_path):
    root = office_register(tmp_path, risk("R1", likelihood=5, impact=5))
    row = report_of(root).rows[0]
    assert [(m.role, m.person, m.name) for m in row.monitors] == [
        ("单位主要负责人", "p-head", "甲某某"), ("纪检监察机构", "p-jj", "丙某某")]


def test_monitors_of_a_medium_risk_are_the_supervisor_and_the_department_leader(tmp_path):
    root = office_register(tmp_path, risk("R1", likelihood=3, impact=3))
    row = report_of(root).rows[0]
    assert [(m.role, m.person, m.name) for m in row.monitors] == [
        ("分管领导", "p-vice", "乙某某"), ("部门负责人", "p-ke", "丁某某")]


def test_monitors_follow_the_effective_grade(tmp_path):
    # Computed 低 but declared 高: the head and the inspection unit watch it.
    root = office_register(tmp_path, risk("R1", likelihood=1, impact=1, grade="高"))
    assert report_of(root).rows[0].monitor_names == ["甲某某", "丙某某"]


def test_an_unfilled_monitoring_role_is_reported_as_such(tmp_path, runner):
    office = OFFICE_HEAD.replace("supervisor: p-vice\n", "")
    root = office_register(tmp_path, risk("R1", likelihood=3, impact=3), office=office)
    row = report_of(root).rows[0]
    assert [(m.role, m.person, m.name) for m in row.monitors] == [("分管领导", None, None), ("部门负责人", "p-ke", "丁某某")]
    data = json.loads(run(runner, "grade", "-r", str(root), "--format", "json").stdout)
    assert data["risks"][0]["monitors"] == ["丁某某"]
    assert data["risks"][0]["monitor_roles"][0] == {"role": "分管领导", "person": None, "name": None}
    text = run(runner, "grade", "-r", str(root)).stdout
    assert "丁某某 缺分管领导" in text


# --- the JSON contract ---

def test_json_follows_the_contract_on_the_small_register(small_register, runner):
    result = run(runner, "grade", "-r", str(small_register), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data)[:4] == ["version", "method", "risks", "distribution"]
    assert (data["version"], data["method"]) == (1, "matrix")
    assert data["risks"] == [{
        "id": "R1", "department": "spk", "likelihood": 3, "impact": 4, "score": 12,
        "declared": "中", "computed": "中", "effective": "中", "mismatch": False,
        "floors": ["行政审批"], "monitors": ["乙某某", "丁某某"],
        "monitor_roles": [{"role": "分管领导", "person": "p-vice", "name": "乙某某"},
                          {"role": "部门负责人", "person": "p-ke", "name": "丁某某"}],
    }]
    assert data["distribution"] == {"高": 0, "中": 1, "低": 0}
    assert data["by_department"] == {"jjjc": {"高": 0, "中": 0, "低": 0}, "ldbz": {"高": 0, "中": 0, "低": 0},
                                     "spk": {"高": 0, "中": 1, "低": 0}}


def test_json_grades_are_canonical_whatever_the_spelling(tmp_path, runner):
    root = office_register(tmp_path, risk("R1", likelihood=5, impact=5, grade="★★"),
                           risk("R2", likelihood=1, impact=1, grade="紅色"))
    data = json.loads(run(runner, "grade", "-r", str(root), "-f", "json").stdout)
    assert [(r["id"], r["declared"], r["computed"], r["effective"], r["mismatch"]) for r in data["risks"]] == [
        ("R1", "中", "高", "高", True), ("R2", "高", "低", "高", True)]
    assert data["distribution"] == {"高": 2, "中": 0, "低": 0}


# --- the text table ---

def test_text_shows_each_risk_the_distribution_and_the_summary(tmp_path, runner):
    root = office_register(tmp_path, risk("R1", likelihood=5, impact=5), risk("R2", likelihood=3, impact=3, grade="低"),
                           risk("R3", likelihood=1, impact=2, process="spk-F01"))
    result = run(runner, "grade", "-r", str(root))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    row = next(line for line in lines if line.startswith("R2 "))
    assert row.split() == ["R2", "3×3", "9", "—", "低≠", "中", "乙某某", "丁某某"]
    assert next(line for line in lines if line.startswith("R3 ")).split()[3:6] == ["行政审批", "中", "中"]
    assert next(line for line in lines if line.startswith("审批科（spk）")).split() == ["审批科（spk）", "1", "2", "0", "3"]
    assert lines[-2] == "共3个风险点：高1、中2、低0；申报与计算不一致1个"
    assert lines[-1].startswith("运行 lz grade --write")


def test_text_fits_80_columns(tmp_path, runner, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    office = OFFICE_HEAD.replace("name: 审批科", "name: 县域商业体系建设项目部行政审批服务科")
    risks = [risk(f"spk-R{i:02}", likelihood=1 + i % 5, impact=5, posts="spk-lingdao, spk-chushen")
             for i in range(6)]
    root = office_register(tmp_path, *risks, office=office)
    result = run(runner, "grade", "-r", str(root))
    assert result.exit_code == 0
    assert max(cell_len(line) for line in result.stdout.splitlines()) <= 80
    # The long department name runs down its rows instead of being cut.
    column = "".join(line.split()[1] for line in result.stdout.splitlines()
                     if line.startswith("spk-R") and len(line.split()) == 10)
    assert column == "县域商业体系建设项目部行政审批服务科"


def test_factors_method_shows_the_mean(tmp_path, runner):
    root = office_register(tmp_path, risk("R1", factors="{power: 4, discretion: 4, funds: 3, likelihood: 4, "
                                                        "concealment: 3, harm: 4}"), org=FACTORS_ORG)
    result = run(runner, "grade", "-r", str(root))
    assert "加权均分" in result.stdout
    assert next(line for line in result.stdout.splitlines() if line.startswith("R1 ")).split()[:3] == [
        "R1", "审批科", "3.75"]


def test_lang_en(tmp_path, runner):
    root = office_register(tmp_path, risk("R1", likelihood=5, impact=5, grade="中"))
    result = run(runner, "--lang", "en", "grade", "-r", str(root))
    assert "Risk grades (matrix: likelihood × impact)" in result.stdout
    assert "1 risks: high 1, medium 0, low 0; declared ≠ computed: 1" in result.stdout
    result = run(runner, "grade", "-r", str(root), "--lang", "en", "--department", "nope")
    assert result.exit_code == 2
    assert "no department has the id `nope`" in result.stderr


def test_department_filter(tmp_path, runner):
    root = office_register(tmp_path, risk("R1", likelihood=5, impact=5))
    data = json.loads(run(runner, "grade", "-r", str(root), "-f", "json", "--department", "spk").stdout)
    assert [r["id"] for r in data["risks"]] == ["R1"]
    assert data["by_department"] == {"spk": {"高": 1, "中": 0, "低": 0}}
    data = json.loads(run(runner, "grade", "-r", str(root), "-f", "json", "-d", "jjjc").stdout)
    assert (data["risks"], data["distribution"]) == ([], {"高": 0, "中": 0, "低": 0})
    result = run(runner, "grade", "-r", str(root), "-d", "nope")
    assert result.exit_code == 2
    assert "没有编号为 `nope` 的部门" in result.stderr


def test_validation_errors_stop_grading(tmp_path, runner):
    root = office_register(tmp_path, risk("R1", likelihood=7, impact=1))
    result = run(runner, "grade", "-r", str(root), "-f", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(d["code"], d["file"], d["line"]) for d in data["diagnostics"]] == [("LZ016", "departments/spk.yaml", 27)]


# --- --check ---

def test_check_exits_0_when_declared_grades_match(small_register, runner):
    assert run(runner, "grade", "-r", str(small_register), "--check").exit_code == 0


def test_check_exits_1_on_a_mismatch_and_github_annotates_its_line(tmp_path, runner):
    root = office_register(tmp_path, risk("R1", likelihood=3, impact=3), risk("R2", likelihood=5, impact=5, grade="中"))
    assert run(runner, "grade", "-r", str(root), "--check").exit_code == 1
    assert run(runner, "grade", "-r", str(root)).exit_code == 0  # without --check it is a report, not a failure
    result = run(runner, "grade", "-r", str(root), "--check", "--format", "github")
    assert result.exit_code == 1
    annotation = result.stdout.splitlines()[0]
    assert annotation.startswith("::error file=")
    assert annotation.endswith("departments/spk.yaml,line=36,col=12,title=LZ201::风险点 R2 申报等级为中，按评定办法应为高")


def test_write_and_check_together_is_a_usage_error(small_register, runner):
    assert run(runner, "grade", "-r", str(small_register), "--write", "--check").exit_code == 2


# --- --write ---

def golden_register(tmp_path: Path) -> Path:
    root = write_register(tmp_path)
    (root / "departments" / "spk.yaml").write_bytes((GOLDEN / "grade_write_before.yaml").read_bytes())
    return root


def test_write_keeps_every_style_comment_and_quote_byte_for_byte(tmp_path, runner):
    root = golden_register(tmp_path)
    target = root / "departments" / "spk.yaml"
    target.chmod(0o640)
    others = {p: p.read_bytes() for p in root.rglob("*.yaml") if p != target}
    result = run(runner, "grade", "-r", str(root), "--write")
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == (GOLDEN / "grade_write_after.yaml").read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert {p: p.read_bytes() for p in others} == others
    assert sorted(p.name for p in target.parent.iterdir()) == ["jjjc.yaml", "ldbz.yaml", "spk.yaml"]
    written = [line.split("：", 1)[1] for line in result.stdout.splitlines() if "申报等级 " in line]
    assert written == ["风险点 R1 申报等级 ★★★ → ★★", "风险点 R2 申报等级 二级 → 一级", "风险点 R3 申报等级 红色 → 黄色",
                       '风险点 R4 申报等级 "高" → "中"', "风险点 R5 申报等级 high → low",
                       "风险点 R7 申报等级 '低' → '中'", "风险点 R9 申报等级 三級 → 一級"]
    assert "departments/spk.yaml:36:12：风险点 R1" in result.stdout
    assert "已在1个文件中修改7个申报等级" in result.stdout
    # Now they match: a second run changes nothing, and --check passes.
    again = run(runner, "grade", "-r", str(root), "--write")
    assert (again.exit_code, target.read_bytes()) == (0, (GOLDEN / "grade_write_after.yaml").read_bytes())
    assert "无需修改" in again.stdout
    assert run(runner, "grade", "-r", str(root), "--check").exit_code == 0


def test_write_as_json_lists_what_was_written(tmp_path, runner):
    root = golden_register(tmp_path)
    data = json.loads(run(runner, "grade", "-r", str(root), "--write", "-f", "json").stdout)
    assert data["written"][0] == {"file": "departments/spk.yaml", "line": 36, "column": 12, "risk": "R1",
                                  "before": "★★★", "after": "★★"}
    assert not any(r["mismatch"] for r in data["risks"])


def two_files_with_mismatches(tmp_path: Path) -> Path:
    """spk and jjjc each hold a risk whose declared grade differs from the computed one."""
    inspection = INSPECTION + "risks:\n" + risk("J1", likelihood=5, impact=5, grade="低", posts="jjjc-zhuren")
    return write_register(tmp_path, ORG, {"ldbz": LEADERSHIP, "jjjc": inspection,
                                          "spk": OFFICE_HEAD + risk("R1", likelihood=5, impact=5, grade="中")})


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the register (a leftover temporary file shows up too); lz's own cache aside."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".lz-cache" not in p.parts}


def test_write_refuses_a_read_only_file_and_writes_no_file(tmp_path, runner):
    root = two_files_with_mismatches(tmp_path)
    (root / "departments" / "spk.yaml").chmod(0o444)
    before = snapshot(root)
    result = run(runner, "grade", "-r", str(root), "--write")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("lz: departments/spk.yaml 是只读文件，未修改任何文件"
                                     "（取消只读后重试：chmod u+w departments/spk.yaml）")
    assert snapshot(root) == before  # jjjc.yaml, checked first, is not written either


def test_write_undoes_the_files_already_replaced_when_a_rename_fails(tmp_path, runner, monkeypatch):
    root = two_files_with_mismatches(tmp_path)
    before = snapshot(root)
    real_link = os.link
    placed = []

    def refuse_spk(src, dst):  # as a file system that refuses the new file would
        if Path(dst).name == "spk.yaml" and str(src).endswith(".lz-tmp"):
            raise PermissionError(13, "Permission denied", str(dst))
        placed.append(Path(dst).name)
        real_link(src, dst)

    monkeypatch.setattr(os, "link", refuse_spk)
    result = run(runner, "grade", "-r", str(root), "--write")
    assert result.exit_code == 1
    assert result.stderr.strip() == "lz: 无法写入 departments/spk.yaml：没有权限；未修改任何文件"
    assert "jjjc.yaml" in placed  # written, then put back
    assert snapshot(root) == before  # as it was, and no temporary file is left


def test_write_fails_cleanly_when_no_temporary_file_can_be_made(tmp_path, runner, monkeypatch):
    from lianzheng_cli.write import transaction

    root = two_files_with_mismatches(tmp_path)
    before = snapshot(root)

    def read_only_folder(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(transaction, "_write_new", read_only_folder)
    result = run(runner, "grade", "-r", str(root), "--write", "--lang", "en")
    assert result.exit_code == 1
    assert result.stderr.strip() == "lz: cannot write departments/jjjc.yaml: permission denied; no file was changed"
    assert snapshot(root) == before


def test_write_fails_cleanly_on_a_file_that_vanished_after_reading(tmp_path, runner, monkeypatch):
    import lianzheng_cli.cli.common as cli_common  # where commands load the register before their work

    root = two_files_with_mismatches(tmp_path)
    real_validate = cli_common.validate

    def validate_then_delete(folder, **options):
        result = real_validate(folder, **options)
        (root / "departments" / "spk.yaml").unlink()
        return result

    monkeypatch.setattr(cli_common, "validate", validate_then_delete)
    before = snapshot(root)
    result = run(runner, "grade", "-r", str(root), "--write")
    assert result.exit_code == 1
    assert result.stderr.strip() == "lz: departments/spk.yaml 已不存在（读取登记簿后被删除或移动），未修改任何文件"
    del before["departments/spk.yaml"]
    assert snapshot(root) == before  # jjjc.yaml, the other file to fix, is untouched


def test_write_grades_library_refuses_a_vanished_file(tmp_path):
    root = two_files_with_mismatches(tmp_path)
    changes = report_of(root).changes()
    (root / "departments" / "jjjc.yaml").unlink()
    spk = (root / "departments" / "spk.yaml").read_bytes()
    with pytest.raises(WriteError, match=r"jjjc.yaml 已不存在"):
        write_grades(root, changes)
    assert (root / "departments" / "spk.yaml").read_bytes() == spk


def test_write_grades_refuses_a_file_changed_since_it_was_graded(tmp_path):
    root = office_register(tmp_path, risk("R1", likelihood=5, impact=5, grade="中"))
    changes = report_of(root).changes()
    target = root / "departments" / "spk.yaml"
    # Someone replaced the risk at that place by another with the same declared grade.
    target.write_text(target.read_text(encoding="utf-8").replace("id: R1", "id: R9"), encoding="utf-8")
    before = target.read_bytes()
    with pytest.raises(WriteError, match=r"spk.yaml 在读取后被其他程序修改"):
        write_grades(root, changes)
    assert target.read_bytes() == before


# --- the in-place edit itself ---

@pytest.mark.parametrize(("written", "grade", "expected"), [
    ("★★", "高", "★★★"), ("★★★", "低", "★"), ("一级", "中", "二级"), ("三級", "高", "一級"), ("红色", "低", "黄色"),
    ("紅", "中", "橙"), ("橙", "高", "红"), ("high", "中", "medium"), ("低", "高", "高"),
])
def test_respell_grade_keeps_the_spelling_family(written, grade, expected):
    assert respell_grade(written, grade) == expected


def test_edit_keeps_crlf_line_ends_and_a_flow_mapping():
    text = "risks:\r\n  - {id: R1, grade: ★, likelihood: 5}   # 注释\r\n  - id: R2\r\n    grade: 低\r\n"
    changes = [GradeChange("d.yaml", ("risks", 0, "grade"), "R1", "★", "高"),
               GradeChange("d.yaml", ("risks", 1, "grade"), "R2", "低", "中")]
    new_text, edits = edit_grades(text, "d.yaml", changes)
    assert new_text == "risks:\r\n  - {id: R1, grade: ★★★, likelihood: 5}   # 注释\r\n  - id: R2\r\n    grade: 中\r\n"
    assert [(e.line, e.column, e.before, e.after) for e in edits] == [(2, 21, "★", "★★★"), (4, 12, "低", "中")]


def test_edit_refuses_a_grade_it_cannot_replace_exactly():
    text = "risks:\n  - id: R1\n    grade: &g 低\n"
    with pytest.raises(WriteError, match=r"d.yaml:3:12：风险点 R1 的 grade 无法原样替换"):
        edit_grades(text, "d.yaml", [GradeChange("d.yaml", ("risks", 0, "grade"), "R1", "低", "高")])


def test_write_keeps_a_byte_order_mark(tmp_path):
    root = office_register(tmp_path, risk("R1", likelihood=5, impact=5, grade="中"))
    target = root / "departments" / "spk.yaml"
    target.write_bytes(b"\xef\xbb\xbf" + target.read_bytes())
    before = target.read_bytes()
    edits = write_grades(root, report_of(root).changes())
    assert [(e.before, e.after) for e in edits] == [("中", "高")]
    assert target.read_bytes() == before.replace("grade: 中".encode(), "grade: 高".encode())


def test_write_is_a_no_op_without_changes(tmp_path):
    root = office_register(tmp_path, risk("R1", likelihood=5, impact=5))
    before = snapshot(root)
    assert write_grades(root, []) == []
    assert snapshot(root) == before


def test_expected_golden_file_differs_only_in_grade_lines():
    # Guards the hand-written golden pair itself: same length, only `grade:` lines differ.
    before = (GOLDEN / "grade_write_before.yaml").read_text(encoding="utf-8").splitlines()
    after = (GOLDEN / "grade_write_after.yaml").read_text(encoding="utf-8").splitlines()
    assert len(before) == len(after)
    assert all("grade:" in a for a, b in zip(before, after, strict=True) if a != b)
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 7


def test_large_register_lists_only_mismatches_unless_all(monkeypatch, example_register, runner):
    from lianzheng_cli.outputs import grades as grade_report

    monkeypatch.setattr(grade_report, "LIST_LIMIT", 10)
    target = example_register / "departments" / "wmfz.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("grade: 红色", "grade: 黄色", 1), encoding="utf-8")
    short = run(runner, "grade", "-r", str(example_register))
    assert "共75个风险点，以下只列出申报与计算不一致的1个" in short.output
    rows = [line.split()[0] for line in short.output.splitlines() if re.match(r"[a-z]+-R\d+ ", line)]
    assert rows == ["wmfz-R01"]
    assert "bgs-R01" not in short.output
    full = run(runner, "grade", "-r", str(example_register), "--all")
    assert "bgs-R01" in full.output and "以下只列出" not in full.output


def test_the_distribution_by_department_is_one_pass_over_the_risks(tmp_path):
    """5,000 tiny departments took 45 s (issue 14's scale case): each department scanned every risk."""
    from steps import growth

    def work(n):
        departments = {"ldbz": LEADERSHIP, "jjjc": INSPECTION}
        for i in range(n):
            departments[f"d{i}"] = (OFFICE_HEAD.replace("id: spk\n", f"id: d{i}\n").replace("spk-", f"d{i}-")
                                    .replace("p-ke", f"p-ke{i}").replace("owner: spk", f"owner: d{i}")
                                    + risk(f"R{i}", likelihood=2, impact=2, grade="低", posts=f"d{i}-chushen"))
        report = report_of(write_register(tmp_path / str(n), ORG, departments))
        return lambda: report.by_department

    assert growth(work, 60) < 2.6


@pytest.mark.parametrize("written", [
    "  - {id: R2, title: 流式, description: 一行写完的风险点描述足够长足够具体, type: 岗位职责, posts: [spk-chushen], "
    "likelihood: 5, impact: 5, grade: 中, measures: [{id: M1, text: 复核留痕, stage: 中期监控, owner: spk}]}\n",
    "  - id: R2\n    title: 引号\n    description: 用引号写等级的风险点描述足够长足够具体\n    type: 岗位职责\n"
    "    posts: [spk-chushen]\n    likelihood: 5\n    impact: 5\n    grade: \"中\"   # 年初定级\n"
    "    measures:\n      - {id: M1, text: 复核留痕, stage: 中期监控, owner: spk}\n",
    "# 以下为新增\n  - id: R2\n    title: 换行\n    description: 等级写在下一行的风险点描述足够长足够具体\n    type: 岗位职责\n"
    "    posts: [spk-chushen]\n    likelihood: 5\n    impact: 5\n    grade:\n      中\n"
    "    measures:\n      - {id: M1, text: 复核留痕, stage: 中期监控, owner: spk}\n",
])
def test_github_annotations_stand_where_the_parser_puts_the_grade(tmp_path, runner, written):
    """Grade annotations are placed from the text (outputs.grades._GradeLocator); the places are the parser's."""
    from lianzheng_cli.validate.files import RegisterLocator

    root = write_register(tmp_path, departments={"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": OFFICE + written})
    result = run(runner, "grade", "-r", str(root), "--check", "--format", "github")
    line, column = RegisterLocator(root).at("departments/spk.yaml", ("risks", 1, "grade"))
    assert f"departments/spk.yaml,line={line},col={column},title=LZ201::风险点 R2" in result.stdout


@pytest.mark.parametrize("list_all", [False, True])
def test_a_long_table_drawn_in_two_halves_reads_as_drawn_whole(example_register, monkeypatch, list_all):
    """The worker's half and this process's are the whole table's text, byte for byte."""
    import io

    from lianzheng_cli.forking import can_fork
    from lianzheng_cli.outputs import grades as grades_module

    if not can_fork():
        pytest.skip("no fork here")
    for path in (example_register / "departments").glob("*.yaml"):  # mismatches in most departments
        path.write_text(re.sub(r"likelihood: \d", "likelihood: 5", path.read_text(encoding="utf-8"), count=2),
                        encoding="utf-8")
    report = build_grade_report(validate(example_register, use_cache=False).register)
    assert len({row.department for row in report.mismatches}) > 2
    monkeypatch.setattr(grades_module, "LIST_LIMIT", 0)  # the mismatched risks only, unless --all
    whole, halves = io.StringIO(), io.StringIO()
    grades_module.render_text(report, whole, list_all=list_all)
    drawn = []

    class Counted(grades_module.Forked):
        def __init__(self, *args):
            drawn.append(args[2])  # (draw, console, the second half)
            super().__init__(*args)

    monkeypatch.setattr(grades_module, "PARALLEL_ROWS", 2)
    monkeypatch.setattr(grades_module, "Forked", Counted)
    grades_module.render_text(report, halves, list_all=list_all)
    assert len(drawn) == 1 and 0 < len(drawn[0].rows) < len(report.rows if list_all else report.mismatches)
    assert halves.getvalue() == whole.getvalue()
