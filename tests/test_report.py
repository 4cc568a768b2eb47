"""lz report: the yearly Markdown report (golden file), cell escaping, Mermaid flowcharts, as-of boundaries,
user templates and the sandbox, --since with a real git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from conftest import run
from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.model.grading import grade_register
from lianzheng_cli.outputs.annual_report import (
    Records,
    build_report_context,
    lint_summary,
    mermaid_label,
    process_flowchart,
    render_report,
)
from lianzheng_cli.outputs.templating import md_cell, stream_template
from lianzheng_cli.validate.register import validate
from report_fixtures import AS_OF, OFFICE, assert_golden, report_register


def register_of(root: Path):
    result = validate(root)
    assert result.errors == 0, [d.message for d in result.diagnostics]
    return result.register


@pytest.fixture
def fixture_register(tmp_path: Path) -> Path:
    return report_register(tmp_path)


# Fixed findings, so the golden file does not move when the lint rules change.
FINDINGS = [
    Diagnostic("LZ103", Severity.WARNING, "departments/spk.yaml", 40, 9, "…", "R1/M1"),
    Diagnostic("LZ102", Severity.WARNING, "departments/spk.yaml", 60, 5, "…", "R4"),
    Diagnostic("LZ401", Severity.WARNING, "departments/spk.yaml", 70, 5, "…", "W3"),
    Diagnostic("LZ401", Severity.WARNING, "departments/spk.yaml", 71, 5, "…", "W1"),
    Diagnostic("LZ403", Severity.ERROR, "departments/spk.yaml", 72, 5, "…", "W4"),
]


def test_report_matches_golden(fixture_register):
    context = build_report_context(register_of(fixture_register), as_of=date.fromisoformat(AS_OF),
                                   lint_findings=FINDINGS)
    assert_golden(render_report(context), "report.md")


def test_report_is_chinese_whatever_the_language(fixture_register):
    from lianzheng_cli.i18n import set_language

    register = register_of(fixture_register)
    zh = render_report(build_report_context(register, as_of=date(2025, 6, 30), lint_findings=FINDINGS))
    set_language("en")
    en = render_report(build_report_context(register, as_of=date(2025, 6, 30), lint_findings=FINDINGS))
    assert en == zh


def test_records_read_like_a_list_in_a_template(fixture_register, tmp_path):
    context = build_report_context(register_of(fixture_register), as_of=date(2025, 6, 30))
    risks = next(d["risks"] for d in context["departments"] if d["risks"])
    ids = [r["id"] for r in risks]
    assert len(ids) >= 2 and [r["id"] for r in risks] == ids  # read twice, the same records
    assert risks[-1]["id"] == ids[-1] and [r["id"] for r in risks[1:]] == ids[1:]
    folder = _user_template(tmp_path, "{% set rs = (departments | selectattr('risks') | first).risks %}{{ rs | length }} {{ rs[0].id }} "
                                      "{{ (rs | last).id }} {{ rs | map(attribute='id') | join(',') }} "
                                      "{{ rs | sort(attribute='id', reverse=true) | map(attribute='id') | first }}"
                                      "{% if not rs[:0] %} empty{% endif %}\n")
    assert render_report(context, template_dir=folder) == (
        f"{len(ids)} {ids[0]} {ids[-1]} {','.join(ids)} {max(ids)} empty\n")


def test_the_report_holds_no_risk_record_it_is_not_writing(fixture_register, tmp_path, monkeypatch):
    """Building the context makes no risk record; writing makes each one where the template reads it (a county's
    records were 150 MB when all were kept): once in the departments' tables, once more for a high risk."""
    from lianzheng_cli.outputs import annual_report

    made: list[str] = []
    real = annual_report.risk_record

    def counted(register, risk, grade, **names):
        made.append(risk.id)
        return real(register, risk, grade, **names)

    monkeypatch.setattr(annual_report, "risk_record", counted)
    register = register_of(fixture_register)
    context = build_report_context(register, as_of=date(2025, 6, 30))
    assert made == []
    render_report(context)
    high = [r.id for r in register.risks.values() if grade_register(register)[r.id].effective == "高"]
    assert sorted(made) == sorted([*register.risks, *high])


def test_md_cell_escapes_pipes_and_newlines():
    assert md_cell("甲|乙\n丙") == "甲\\|乙<br>丙"
    assert md_cell("甲\r\n乙\r丙") == "甲<br>乙<br>丙"
    assert md_cell("[链接](http://x) *强调* <b>") == "\\[链接\\](http://x) \\*强调\\* \\<b\\>"
    assert md_cell(None) == ""


def test_table_row_keeps_a_pipe_and_a_newline_inside_one_cell(fixture_register):
    context = build_report_context(register_of(fixture_register), as_of=date(2025, 6, 30))
    lines = render_report(context).splitlines()
    row = next(line for line in lines if line.startswith("| R1 |"))
    # 9 columns: 10 unescaped pipes; the escaped ones stay inside their cells
    assert row.replace("\\|", "").count("|") == 10
    assert "| 未经现场核查即出具初审意见\\|对材料真实性<br>把关不严 |" in row
    assert "2.【中期监控】系统比对\\|自动预警（责任主体：初审岗）" in row


def test_mermaid_flowchart_of_a_process(fixture_register):
    register = register_of(fixture_register)
    chart = process_flowchart(register, register.processes["spk-F01"], grade_register(register))
    assert chart == """\
flowchart TD
    s1["受理<br>初审岗 · 1个工作日"]
    s2["初审#quot;材料#quot; #35;1#59; [核查]<br>初审岗<br>风险点 R1 ★★★"]
    s3["科长审批<br>审批科科长 · 2个工作日<br>风险点 R2 ★★"]
    s1 --> s2
    s2 --> s3
    classDef riskHigh fill:#f8d7da,stroke:#c00000,stroke-width:2px,color:#000
    classDef riskMedium fill:#ffe2c2,stroke:#e06c00,stroke-width:2px,color:#000
    classDef riskLow fill:#fff5b8,stroke:#b59a00,stroke-width:1px,color:#000
    class s2 riskHigh
    class s3 riskMedium"""


def test_mermaid_label_escapes_what_would_end_or_change_a_label():
    assert mermaid_label('甲"乙" #1; <b>`x` 50% & 丙') == \
        "甲#quot;乙#quot; #35;1#59; #lt;b#gt;#96;x#96; 50#37; #amp; 丙"
    assert mermaid_label("第一行\n第二行") == "第一行<br>第二行"
    assert mermaid_label(" 初审岗 \r\n 复核岗 ") == "初审岗 <br> 复核岗"
    assert mermaid_label(" 初审岗\t") == "初审岗"  # nothing to replace: only the ends trimmed


def _overdue(register, day: str) -> list[tuple[str, str, int]]:
    context = build_report_context(register, as_of=date.fromisoformat(day))
    return [(m["risk"], m["id"], m["days"]) for m in context["overdue_measures"]]


@pytest.mark.parametrize(("day", "expected"), [
    ("2025-06-29", []),  # M1 is due that day: still in time
    ("2025-06-30", [("R1", "M1", 1)]),  # M2 due today is in time; M3 (past due) is 已落实
    ("2025-07-01", [("R1", "M1", 2), ("R1", "M2", 1)]),
])
def test_overdue_measures_at_the_as_of_boundary(fixture_register, day, expected):
    assert _overdue(register_of(fixture_register), day) == expected


@pytest.mark.parametrize(("day", "expected"), [
    # W2 closes 06-30, W3 closes 07-01, W1 stays open, W4 opens 07-01; the limit is 30 days
    ("2025-06-29", [("W3", 89, True), ("W2", 59, True), ("W1", 29, False)]),
    ("2025-06-30", [("W3", 90, True), ("W1", 30, False)]),
    ("2025-07-01", [("W1", 31, True), ("W4", 0, False)]),
])
def test_open_warnings_at_the_as_of_boundary(fixture_register, day, expected):
    context = build_report_context(register_of(fixture_register), as_of=date.fromisoformat(day))
    assert [(w["id"], w["days"], w["overdue"]) for w in context["open_warnings"]] == expected
    assert context["overview"]["warnings_open"] == len(expected)


def test_context_is_plain_data(fixture_register):
    context = build_report_context(register_of(fixture_register), as_of=date(2025, 6, 30), lint_findings=FINDINGS)

    def walk(value):
        if isinstance(value, dict):
            assert all(isinstance(k, str) for k in value)
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, Records)):  # Records: a list whose records are made as they are read
            for v in value:
                walk(v)
        else:
            assert value is None or isinstance(value, (str, int, bool)), type(value)

    walk(context)
    assert [r["id"] for r in context["high_risks"]] == ["R1"]
    assert context["grade_distribution"]["totals"] == {"counts": {"高": 1, "中": 3, "低": 0}, "total": 4}
    assert context["processes"][0]["unplaced_risks"] == [{"id": "R4", "title": "流程外受理", "grade": "中"}]


def test_lint_summary_counts_by_code_and_severity():
    summary = lint_summary(FINDINGS)
    assert summary["total"] == 5
    assert summary["by_severity"] == {"error": 1, "warning": 4, "info": 0}
    assert [(r["code"], r["severity"], r["count"]) for r in summary["rules"]] == [
        ("LZ403", "error", 1), ("LZ102", "warning", 1), ("LZ103", "warning", 1), ("LZ401", "warning", 2)]


# --- the command ----------------------------------------------------------------------------------------------------


def test_report_writes_the_default_file(runner, fixture_register, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(runner, "report", "-r", str(fixture_register), "--as-of", "2025-06-30")
    assert result.exit_code == 0, result.output
    assert result.stdout == "已生成：out/测试局-2025-廉政风险防控年度报告.md\n"
    text = (tmp_path / "out" / "测试局-2025-廉政风险防控年度报告.md").read_text(encoding="utf-8")
    assert text.startswith("# 测试局2025年度廉政风险防控工作报告\n")
    assert "## 五、登记簿检查结果" in text
    assert "```mermaid\nflowchart TD\n" in text


def test_report_to_stdout_runs_the_real_lint(runner, fixture_register):
    result = run(runner, "report", "-r", str(fixture_register), "--as-of", "2025-06-30", "-o", "-")
    assert result.exit_code == 0, result.output
    # the real rules find at least the risk without measures (LZ102) and the overdue measure (LZ103)
    lint_part = result.stdout.split("## 五、登记簿检查结果")[1].split("## 六、")[0]
    assert "| LZ102 |" in lint_part
    assert "| LZ103 | 警告 | 措施已过完成期限但未落实 | 1 |" in lint_part


def test_report_default_as_of_is_the_end_of_a_past_year(runner, fixture_register):
    result = run(runner, "report", "-r", str(fixture_register), "-o", "-")
    assert result.exit_code == 0, result.output
    assert "统计截至2025-12-31" in result.stdout or f"统计截至{date.today().isoformat()}" in result.stdout


def test_report_refuses_a_malformed_date(runner, fixture_register):
    result = run(runner, "report", "-r", str(fixture_register), "--as-of", "2025-13-01")
    assert result.exit_code == 2
    assert "--as-of 的日期 `2025-13-01` 格式不对" in result.stderr
    result = run(runner, "--lang", "en", "report", "-r", str(fixture_register), "--as-of", "31.12.2025")
    assert result.exit_code == 2
    assert "--as-of date `31.12.2025` is not YYYY-MM-DD" in result.stderr


def test_report_of_a_register_with_errors_exits_1_and_writes_nothing(runner, tmp_path, monkeypatch):
    from conftest import INSPECTION, LEADERSHIP, ORG, write_register

    root = write_register(tmp_path, ORG, {"ldbz": LEADERSHIP, "jjjc": INSPECTION,
                                          "spk": OFFICE.replace("post: spk-chushen, since", "post: spk-nope, since")})
    monkeypatch.chdir(tmp_path)
    result = run(runner, "report", "-r", str(root))
    assert result.exit_code == 1
    assert "LZ021" in result.stderr
    assert not (tmp_path / "out").exists()


# --- templates -----------------------------------------------------------------------------------------------------


def test_a_user_template_folder_replaces_the_report(runner, fixture_register, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "report.md.j2").write_text(
        "{{ org.name }}:{{ overview.risks }} 个风险点,高 {{ high_risks | length }} 个\n"
        "{% for r in high_risks %}- {{ r.id }} {{ r.grade | grade }} {{ r.description | md_cell }}\n{% endfor %}",
        encoding="utf-8")
    result = run(runner, "report", "-r", str(fixture_register), "--template", str(folder), "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout == "测试局:4 个风险点,高 1 个\n- R1 ★★★ 未经现场核查即出具初审意见\\|对材料真实性<br>把关不严\n"


def test_a_user_template_folder_may_replace_one_section(runner, fixture_register, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "_lint.md.j2").write_text("## 本单位自定检查说明\n\n", encoding="utf-8")
    result = run(runner, "report", "-r", str(fixture_register), "--template", str(folder), "-o", "-")
    assert result.exit_code == 0, result.output
    assert "## 本单位自定检查说明\n" in result.stdout
    assert "登记簿检查结果" not in result.stdout
    assert "## 一、总体情况" in result.stdout


def _user_template(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "report.md.j2").write_text(text, encoding="utf-8")
    return folder


def test_template_syntax_error_names_the_file_and_line(runner, fixture_register, tmp_path, monkeypatch):
    folder = _user_template(tmp_path, "# 报告\n\n{% if %}\n")
    monkeypatch.chdir(tmp_path)
    result = run(runner, "report", "-r", str(fixture_register), "--template", str(folder))
    assert result.exit_code == 2
    assert result.stderr.startswith("lz: 模板 mine/report.md.j2:3 有语法错误：")
    assert not (tmp_path / "out").exists()


def test_template_syntax_error_in_an_include_names_the_include(runner, fixture_register, tmp_path, monkeypatch):
    folder = _user_template(tmp_path, "# 报告\n{% include '_part.md.j2' %}\n")
    (folder / "_part.md.j2").write_text("第一行\n第二行\n{{ org.name \n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run(runner, "report", "-r", str(fixture_register), "--template", str(folder))
    assert result.exit_code == 2
    assert "模板 mine/_part.md.j2:3 有语法错误：" in result.stderr


def test_template_undefined_name_names_the_file_and_line(runner, fixture_register, tmp_path, monkeypatch):
    folder = _user_template(tmp_path, "{{ org.name }}\n{{ org.nickname }}\n")
    monkeypatch.chdir(tmp_path)
    result = run(runner, "report", "-r", str(fixture_register), "--template", str(folder), "-o", "-")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("lz: 模板 mine/report.md.j2:2 引用了不存在的数据：")
    assert "nickname" in result.stderr


@pytest.mark.parametrize("expression", [
    "{{ ''.__class__.__mro__ }}",
    "{{ org.__class__ }}",
    "{{ grades.append.__self__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ cycler.__init__.__globals__['os'] }}",
    "{{ high_risks._make }}",
    "{% for g in grades %}{{ loop._iterator }}{% endfor %}",
    "{{ departments[-1].risks._items }}",
])
def test_the_sandbox_refuses_python_internals(runner, fixture_register, tmp_path, monkeypatch, expression):
    folder = _user_template(tmp_path, "# 报告\n" + expression + "\n")
    monkeypatch.chdir(tmp_path)
    result = run(runner, "report", "-r", str(fixture_register), "--template", str(folder), "-o", "-")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("lz: 模板 mine/report.md.j2:2 在沙箱中被拒绝执行：")
    assert "Traceback" not in result.output


def test_a_missing_template_folder_is_a_usage_error(runner, fixture_register, tmp_path):
    result = run(runner, "report", "-r", str(fixture_register), "--template", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "模板目录" in result.stderr and "不存在" in result.stderr


# --- --since REV ---------------------------------------------------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "甲某某", "GIT_AUTHOR_EMAIL": "a@example.invalid",
           "GIT_COMMITTER_NAME": "甲某某", "GIT_COMMITTER_EMAIL": "a@example.invalid",
           "GIT_AUTHOR_DATE": "2025-03-01T10:00:00+08:00", "GIT_COMMITTER_DATE": "2025-03-01T10:00:00+08:00"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


NEW_RISK = """\
  - id: R9
    title: 泄露申请人信息
    description: 初审人员向中介机构泄露备案申请人的联系方式和经营信息
    type: 岗位职责
    posts: [spk-chushen]
    likelihood: 3
    impact: 3
"""


def revised_register(tmp_path: Path) -> Path:
    """The report register in a git repository: a first commit, then one adding risk R9 (HEAD~1 → HEAD)."""
    repo = tmp_path / "repo"
    root = report_register(repo)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "登记簿初稿")
    spk = root / "departments" / "spk.yaml"
    spk.write_text(spk.read_text(encoding="utf-8").replace("warnings:\n", NEW_RISK + "warnings:\n"), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "新增风险点 R9")
    return root


@needs_git
def test_since_lists_the_changes_from_a_revision(runner, tmp_path):
    root = revised_register(tmp_path)

    result = run(runner, "report", "-r", str(root), "--since", "HEAD~1", "--as-of", "2025-06-30", "-o", "-")
    assert result.exit_code == 0, result.output
    section = result.stdout.split("## 六、登记簿变更")[1].split("## 七、")[0]
    assert section.startswith("（HEAD~1（")
    assert "- 新增风险点 R9 泄露申请人信息（等级：中）\n" in section
    assert "### 审批科\n" in section
    assert "## 七、权力运行流程图" in result.stdout  # the sections after it are renumbered

    unchanged = run(runner, "report", "-r", str(root), "--since", "HEAD", "-o", "-")
    assert unchanged.exit_code == 0, unchanged.output
    assert "两个版本之间登记簿没有变化。" in unchanged.stdout


@needs_git
def test_since_an_unknown_revision_is_a_usage_error(runner, tmp_path):
    repo = tmp_path / "repo"
    root = report_register(repo)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "登记簿初稿")
    result = run(runner, "report", "-r", str(root), "--since", "no-such-tag", "-o", "-")
    assert result.exit_code == 2
    assert "未知的版本 `no-such-tag`" in result.stderr


def test_since_outside_git_is_a_usage_error(runner, fixture_register):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    result = run(runner, "report", "-r", str(fixture_register), "--since", "HEAD", "-o", "-")
    assert result.exit_code == 2
    assert "不在 git 仓库中" in result.stderr


@needs_git
def test_since_a_revision_whose_register_has_errors_exits_1(runner, tmp_path):
    repo = tmp_path / "repo"
    root = report_register(repo)
    spk = root / "departments" / "spk.yaml"
    good = spk.read_text(encoding="utf-8")
    spk.write_text(good.replace("posts: [spk-kezhang]\n    likelihood: 1", "posts: [spk-kezhang]\n    likelihood: 9"),
                   encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "有错误的初稿")
    spk.write_text(good, encoding="utf-8")

    result = run(runner, "report", "-r", str(root), "--since", "HEAD", "-o", "-")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "--since HEAD：该版本的登记簿有错误" in result.stderr
    assert "HEAD:registers/departments/spk.yaml:" in result.stderr and "LZ016" in result.stderr


# --- streamed to the file, one report per department, linear in the risks ----------------------------------


@pytest.mark.parametrize("template", [None, "甲\n\n\n", "", "\n\n", "{% for i in range(5000) %}{{ i }}\n{% endfor %}\n\n",
                                      "甲{% for i in range(10000) %}\n{% endfor %}乙\n\n",  # a chunk of newlines alone
                                      "{% for i in range(10000) %}\n{% endfor %}"])
def test_the_streamed_report_is_the_rendered_text(fixture_register, tmp_path, template):
    """What write_report streams to the file is what render_report returns: the same text, one final newline."""
    from lianzheng_cli.outputs.annual_report import write_report

    folder = None
    if template is not None:
        folder = _user_template(tmp_path, template)
    context = build_report_context(register_of(fixture_register), as_of=date.fromisoformat(AS_OF),
                                   lint_findings=FINDINGS)
    text = render_report(context, template_dir=folder)
    written = write_report(context, tmp_path / "out" / "report.md", template_dir=folder)
    assert written.read_bytes() == text.encode("utf-8")
    raw = "".join(stream_template("report", "report.md.j2", context, user_dir=folder))
    assert text == raw.rstrip("\n") + "\n"


def test_a_template_failing_halfway_leaves_no_file_nor_folder(fixture_register, tmp_path):
    from lianzheng_cli.outputs.annual_report import write_report
    from lianzheng_cli.outputs.templating import TemplateProblem

    folder = _user_template(tmp_path, "{% for i in range(20000) %}{{ i }}\n{% endfor %}{{ org.nickname }}\n")
    context = build_report_context(register_of(fixture_register), as_of=date.fromisoformat(AS_OF))
    with pytest.raises(TemplateProblem):
        write_report(context, tmp_path / "out" / "report.md", template_dir=folder)
    assert not (tmp_path / "out").exists()


def test_by_department_writes_each_departments_own_report(runner, fixture_register, tmp_path):
    from lianzheng_cli.outputs.annual_report import department_report_contexts, department_report_names

    register = register_of(fixture_register)
    out = tmp_path / "reports"
    result = run(runner, "report", "-r", str(fixture_register), "--as-of", AS_OF, "--by-department", "-o", str(out))
    assert result.exit_code == 0, result.output
    names = department_report_names(register)
    assert sorted(p.name for p in out.iterdir()) == sorted(names.values())
    assert len(result.stdout.splitlines()) == len(register.departments)
    contexts = {d.id: c for d, c in department_report_contexts(register, as_of=date.fromisoformat(AS_OF), lint_findings=[])}
    for dept in register.departments:
        text = (out / names[dept.id]).read_text(encoding="utf-8")
        assert text.startswith(f"# 测试局{dept.name}2025年度廉政风险防控工作报告\n")
        others = {r.id for r in register.risks.values() if r.department != dept.id}
        assert not any(f"| {risk_id} |" in text for risk_id in others), dept.id
        assert all(f"| {r.id} |" in text for r in dept.risks), dept.id
        context = contexts[dept.id]
        assert [d["id"] for d in context["departments"]] == [dept.id]
        assert context["overview"]["risks"] == len(dept.risks)
        assert context["grade_distribution"]["totals"]["total"] == len(dept.risks)
        assert {m["department"] for m in context["overdue_measures"]} <= {dept.name}
        assert {p["department"] for p in context["processes"]} <= {dept.name}
    # the whole register's report is the same with or without the option's code in the builder
    whole = run(runner, "report", "-r", str(fixture_register), "--as-of", AS_OF, "-o", "-")
    assert whole.stdout.startswith("# 测试局2025年度廉政风险防控工作报告\n")


def test_by_department_refuses_standard_output_and_a_file(runner, fixture_register, tmp_path):
    result = run(runner, "report", "-r", str(fixture_register), "--by-department", "-o", "-")
    assert result.exit_code == 2
    assert "--by-department" in result.stderr
    (tmp_path / "file.md").write_text("x")
    result = run(runner, "report", "-r", str(fixture_register), "--by-department", "-o", str(tmp_path / "file.md"))
    assert result.exit_code == 2
    assert "file.md" in result.stderr


def test_a_process_is_listed_in_one_pass_over_its_risks(fixture_register):
    """Each risk's step is read a constant number of times, however many steps the process has: doubling both
    the steps and the risks doubles the reads (a lookup per step would quadruple them)."""
    import dataclasses

    from lianzheng_cli.outputs.annual_report import _ReportBuilder

    register = register_of(fixture_register)
    process = next(p for p in register.processes.values() if len(p.steps) >= 2)
    real = next(r for r in register.risks.values() if r.process == process.id)
    reads = [0]

    class CountedRisk:
        def __init__(self, step: str):
            self._step = step

        def __getattr__(self, name):
            return getattr(real, name)

        @property
        def step(self):
            reads[0] += 1
            return self._step

    def reads_for(size: int) -> int:
        steps = tuple(dataclasses.replace(process.steps[0], id=f"S{i}", name=f"环节{i}") for i in range(size))
        builder = _ReportBuilder(register, date.fromisoformat(AS_OF))
        builder.by_process[process.id] = [CountedRisk(f"S{i % size}") for i in range(4 * size)]
        reads[0] = 0
        listed = builder.process(dataclasses.replace(process, steps=steps))
        assert sum(len(s["risks"]) for s in listed["steps"]) == 4 * size
        return reads[0]

    small, large = reads_for(50), reads_for(100)
    assert large <= 2 * small + 10, (small, large)
    assert small <= 3 * 4 * 50  # a few reads a risk (the steps, the flowchart), not one for each step
