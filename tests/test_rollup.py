"""lz rollup: three units built here, their totals against each unit's own lz grade and lz report figures,
a risk copied between two units, a unit with an error, git revisions, the cache, and the workbook read back."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from conftest import INSPECTION, LEADERSHIP, OFFICE, ORG, run, write_register
from lianzheng_cli.analytics.rollup import run_rollup
from lianzheng_cli.assess import assess
from lianzheng_cli.lint import lint
from lianzheng_cli.outputs.annual_report import build_report_context
from lianzheng_cli.outputs.grades import build_grade_report
from lianzheng_cli.validate.register import validate
from lianzheng_cli.vocab import ENUMS

AS_OF = date(2025, 6, 30)
COPIED = "未经现场核查即出具初审同意意见,对申请材料真实性把关不严"

# Unit B: its own texts, an overdue measure, a measure in progress, an open and a closed warning, a person not
# briefed and one without a pledge in the year; its R7 copies unit A's R1 (punctuation and spaces changed).
UNIT_B_OFFICE = """\
schema_version: 1
id: cgk
name: 采购科
kind: 内设机构
leader: p-cg
supervisor: p-vice
people:
  - {id: p-cg, name: 戊某某, post: cgk-cg, since: 2024-03-01, briefed: 2024-03-15, pledged: 2025-02-01}
  - {id: p-new, name: 己某某, post: cgk-cg, since: 2025-05-01}
  - {id: p-old, name: 庚某某, post: cgk-cg, since: 2020-05-01, briefed: 2020-05-10, pledged: 2024-02-01}
posts:
  - {id: cgk-cg, name: 采购岗, powers: [cgk-P01]}
powers:
  - {id: cgk-P01, name: 政府采购, scope: 内部, category: 物资采购, sanzhong_yida: true}
risks:
  - id: R5
    title: 指定供应商
    description: 采购岗在询价采购中只向关系供应商询价，以三家报价的形式掩盖指定采购
    type: 岗位职责
    posts: [cgk-cg]
    likelihood: 2
    impact: 2
    measures:
      - {id: M1, text: 询价对象由两人以上从供应商库中随机抽取并留痕, stage: 前期预防, kind: 制度, owner: cgk, due: 2025-03-31, status: 未开始}
      - {id: M2, text: 纪检监察室每季度抽查询价记录, stage: 中期监控, kind: 监督, owner: jjjc, status: 落实中}
  - id: R7
    title: 照抄的风险点
    description: 未经现场核查 即出具初审同意意见，对申请材料真实性把关不严。
    type: 业务流程
    posts: [cgk-cg]
    likelihood: 4
    impact: 4
    measures:
      - {id: M1, text: 采购结果在单位内部公示五个工作日, stage: 后期处置, kind: 公开, owner: cgk, due: 2025-12-31, status: 未开始}
warnings:
  - {id: W1, risk: R5, date: 2025-04-01, level: 提示, source: 专项检查}
  - {id: W2, risk: R5, date: 2025-02-01, level: 预警, closed: 2025-03-01}
"""

UNIT_C_BROKEN = OFFICE.replace("likelihood: 3", "likelihood: 很高")


def _org(unit: str, name: str) -> str:
    return ORG.replace("id: test-org", f"id: {unit}").replace("name: 测试局", f"name: {name}")


def make_units(tmp_path: Path) -> list[Path]:
    a = write_register(tmp_path / "a", _org("unit-a", "甲局"))
    b = write_register(tmp_path / "b", _org("unit-b", "乙局"),
                       {"ldbz": LEADERSHIP, "jjjc": INSPECTION, "cgk": UNIT_B_OFFICE})
    c = write_register(tmp_path / "c", _org("unit-c", "丙局"),
                       {"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": UNIT_C_BROKEN})
    return [a, b, c]


@pytest.fixture
def units(tmp_path: Path) -> list[Path]:
    return make_units(tmp_path)


def test_totals_equal_each_units_own_grade_and_report_figures(units, tmp_path):
    rollup = run_rollup([str(u) for u in units], as_of=AS_OF, cache=tmp_path / "cache")
    assert [t.unit for t in rollup.totals] == ["unit-a", "unit-b"]
    for folder, totals in zip(units, rollup.totals, strict=False):
        register = validate(folder).register
        assert register is not None
        grades = build_grade_report(register)
        overview = build_report_context(register, as_of=AS_OF)["overview"]
        assert totals.risks_by_grade == grades.distribution
        assert totals.risks == overview["risks"] == len(grades.rows)
        for key in ("departments", "people", "powers", "measures", "warnings", "measures_overdue", "warnings_open"):
            assert getattr(totals, key) == overview[key], key
        assert {s: totals.measures_by_stage[s] for s in ENUMS["stage"]} == overview["measures_by_stage"]
        assert {s: totals.measures_by_status[s] for s in ENUMS["status"]} == overview["measures_by_status"]
        assert sum(totals.risks_by_type.values()) == totals.risks
        own = assess(register, as_of=AS_OF, lint_findings=lint(register, as_of=AS_OF)).unit  # lz assess's figures
        assert totals.assessment == {"score": own.total, "band": own.band, "as_of": AS_OF.isoformat()}
    b = rollup.totals[1]
    # what unit B was built to have, counted by hand
    assert (b.measures_overdue, b.warnings_open, b.people, b.briefed, b.pledged) == (1, 1, 6, 5, 4)
    assert b.risks_by_grade == {"高": 2, "中": 0, "低": 0}  # 三重一大 floor through the post's power, and 4×4
    county = rollup.county()
    assert county.risks == sum(t.risks for t in rollup.totals) == 3
    assert county.risks_by_grade["高"] == rollup.totals[0].risks_by_grade["高"] + 2


def test_a_risk_copied_between_units_is_found_with_both_places(units, tmp_path):
    rollup = run_rollup([str(u) for u in units], as_of=AS_OF, cache=tmp_path / "cache")
    assert len(rollup.copies) == 1
    places = {(p.unit, p.department, p.department_name, p.risk) for p in rollup.copies[0].places}
    assert places == {("unit-a", "spk", "审批科", "R1"), ("unit-b", "cgk", "采购科", "R7")}
    assert rollup.copies[0].text in (COPIED, "未经现场核查 即出具初审同意意见，对申请材料真实性把关不严。")


def test_a_unit_with_an_error_is_listed_and_left_out(units, tmp_path, runner):
    result = run(runner, "rollup", *map(str, units), "--date", AS_OF.isoformat(), "--cache", str(tmp_path / "cache"),
                 "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [u["unit"] for u in data["units"]] == ["unit-a", "unit-b"]
    [failed] = data["failed"]
    assert failed["source"] == str(units[2])
    [error] = failed["errors"]
    assert error["code"] == "LZ012" and error["file"] == "departments/spk.yaml"
    assert error["location"].endswith(f"departments/spk.yaml:{error['line']}:{error['column']}")
    assert data["county"]["risks"] == 3  # unit C's risk is not summed
    text = run(runner, "rollup", *map(str, units), "--date", AS_OF.isoformat(), "--cache", str(tmp_path / "cache"))
    assert "有错误的单位（1个，未计入汇总）" in text.stdout and "LZ012" in text.stdout
    scores = {u["unit"]: u["assessment"] for u in data["units"]}  # ranked by lz assess's score
    a, b = scores["unit-a"], scores["unit-b"]
    assert a["score"] > b["score"]
    assert f"1. 甲局（unit-a）：考核得分{a['score']:g}（{a['band']}），落实率100%，逾期措施0项" in text.stdout
    assert f"2. 乙局（unit-b）：考核得分{b['score']:g}（{b['band']}），落实率0%，逾期措施1项" in text.stdout


def test_json_keys_are_stable(units, tmp_path, runner):
    result = run(runner, "rollup", *map(str, units[:2]), "--date", AS_OF.isoformat(), "--cache",
                 str(tmp_path / "cache"), "--format", "json", "--lang", "en")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["version", "export_version", "as_of", "units", "county", "ranking", "failed", "copies"]
    assert set(data["units"][0]) >= {"unit", "year", "name", "as_of", "departments", "people", "powers", "risks",
                                     "risks_by_grade", "risks_by_type", "measures", "measures_by_stage",
                                     "measures_by_status", "measures_overdue", "warnings_open", "briefed_share",
                                     "pledged_share", "assessment", "by_department"}
    assert set(data["units"][0]["assessment"]) == {"score", "band", "as_of"}
    assert data["units"][0]["assessment"]["band"] in {"好", "较好", "一般", "差"}  # a word of the practice, as lz assess
    assert [r["unit"] for r in data["ranking"]] == ["unit-a", "unit-b"]


def test_warm_run_takes_unchanged_units_from_the_cache(units, tmp_path):
    cache = tmp_path / "cache"
    cold = run_rollup([str(u) for u in units], as_of=AS_OF, cache=cache)
    assert not any(u.cached for u in cold.units)
    changed = units[1] / "departments" / "cgk.yaml"
    changed.write_text(changed.read_text(encoding="utf-8").replace("status: 落实中", "status: 已落实"),
                       encoding="utf-8")
    warm = run_rollup([str(u) for u in units], as_of=AS_OF, cache=cache)
    assert [u.cached for u in warm.units] == [True, False, True]  # C's errors come from the cache too
    batches = sorted((cache / "v1" / "tables" / "risks").glob("batch=*/data_0.parquet"))
    assert len(batches) == 2  # the cold run's units in one file, the changed unit in another
    assert warm.failed[0].errors == cold.failed[0].errors
    assert warm.totals[0].to_json() == cold.totals[0].to_json()
    assert warm.totals[1].measures_done == cold.totals[1].measures_done + 1


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false",
                    *args], cwd=folder, check=True, capture_output=True)


def test_git_revisions_as_sources(units, tmp_path):
    repo = units[1].parent
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "2025")
    _git(repo, "tag", "2025")
    office = units[1] / "departments" / "cgk.yaml"
    office.write_text(office.read_text(encoding="utf-8").replace("  - id: R7", "  - id: R8"), encoding="utf-8")
    rollup = run_rollup([str(units[0]), f"{repo}@2025"], as_of=AS_OF, cache=tmp_path / "cache")
    assert not rollup.failed
    tagged = rollup.totals[1]
    assert tagged.unit == "unit-b" and tagged.risks == 2
    assert {p.risk for p in rollup.copies[0].places} == {"R1", "R7"}  # the tagged text, not the work tree's R8
    unknown = run_rollup([f"{repo}@v9"], as_of=AS_OF, cache=tmp_path / "cache")
    assert unknown.failed[0].problem and "v9" in unknown.failed[0].problem


def test_the_same_unit_twice_counts_once(units, tmp_path):
    rollup = run_rollup([str(units[0]), str(units[0])], as_of=AS_OF, cache=tmp_path / "cache")
    assert len(rollup.totals) == 1
    assert "unit-a" in (rollup.failed[0].problem or "")


def test_county_workbook_and_word_summary(units, tmp_path, runner):
    xlsx, docx_path, md = tmp_path / "county.xlsx", tmp_path / "county.docx", tmp_path / "county.md"
    result = run(runner, "rollup", *map(str, units), "--date", AS_OF.isoformat(), "--cache", str(tmp_path / "cache"),
                 "--xlsx", str(xlsx), "--docx", str(docx_path), "--format", "markdown")
    assert result.exit_code == 1
    md.write_text(result.stdout, encoding="utf-8")
    book = load_workbook(xlsx, read_only=True)
    assert book.sheetnames == ["汇总表", "甲局", "乙局", "有错误的单位", "单位间照抄照搬"]
    rows = list(book["汇总表"].iter_rows(values_only=True))
    header = rows[1]
    b_row = next(r for r in rows[2:] if r[2] == "unit-b")
    assert b_row[header.index("逾期")] == 1 and b_row[header.index("高")] == 2
    total = rows[-1]
    assert total[1] == "合计" and total[header.index("风险点")] == 3
    unit_rows = list(book["乙局"].iter_rows(values_only=True))
    assert unit_rows[2][:2] == ("采购科", "cgk")
    copies = list(book["单位间照抄照搬"].iter_rows(values_only=True))[1:]
    assert {(r[3], r[5]) for r in copies} == {("unit-a", "R1"), ("unit-b", "R7")}
    failed = list(book["有错误的单位"].iter_rows(values_only=True))[1:]
    assert failed[0][3] == "LZ012"
    text = "\n".join(p.text for p in Document(str(docx_path)).paragraphs)
    assert "廉政风险防控登记簿汇总" in text and "LZ012" in text
    assert "## 单位间照抄照搬的风险点" in result.stdout and "乙局（unit-b）采购科 风险点 R7" in result.stdout


def test_rollup_export_is_queried(units, tmp_path, runner):
    export = tmp_path / "county"
    result = run(runner, "rollup", *map(str, units[:2]), "--cache", str(tmp_path / "cache"), "--export", str(export),
                 "--format", "json")
    assert result.exit_code == 0
    out = run(runner, "query", "SELECT unit, count(*) AS n FROM risks GROUP BY unit ORDER BY unit", str(export),
              "--format", "json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == [{"unit": "unit-a", "n": 1}, {"unit": "unit-b", "n": 2}]
    empty = run(runner, "query", "SELECT count(*) AS n FROM approvals", str(export), "--format", "csv")
    assert empty.stdout == "n\n0\n"


def test_checking_on_a_forked_worker_gives_the_same_rollup(units, tmp_path, monkeypatch):
    from lianzheng_cli.analytics import rollup as module

    alone = run_rollup([str(u) for u in units], as_of=AS_OF, cache=tmp_path / "one").to_json()
    monkeypatch.setattr(module, "FORK_FROM", 2)  # unit B (the second folder) is checked by the worker
    shared = run_rollup([str(u) for u in units], as_of=AS_OF, cache=tmp_path / "two").to_json()
    assert shared == alone


def test_an_approval_record_added_is_a_change(units, tmp_path):
    cache = tmp_path / "cache"
    run_rollup([str(units[0])], as_of=AS_OF, cache=cache)
    (units[0] / "approvals.yaml").write_text(
        "schema_version: 1\napprovals:\n  - {body: 党组会, date: 2025-03-01, revision: " + "b" * 40 + "}\n",
        encoding="utf-8")
    again = run_rollup([str(units[0])], as_of=AS_OF, cache=cache)
    assert [u.cached for u in again.units] == [False]
