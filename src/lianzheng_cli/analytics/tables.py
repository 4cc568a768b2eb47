"""The export's tables: their columns and types (the one definition; ``docs/export.md`` is generated from it),
and their rows built from a validated register's model.

Every table is partitioned hive style by ``unit`` (the register's ``org.id``) and ``year`` (its ``year``):
``<table>/unit=<id>/year=<year>/data_0.parquet``. The partition columns are not stored inside the files
(Spark and Trino refuse a column that is both), so readers get them from the folder names.
Types are DuckDB's SQL names; each maps to one Parquet type (VARCHAR → BYTE_ARRAY UTF8, INTEGER → INT32,
DOUBLE, BOOLEAN, DATE → INT32 DATE).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from lianzheng_cli.assess.score import Assessment
from lianzheng_cli.lint.text import normalize
from lianzheng_cli.model.grading import RiskGrade
from lianzheng_cli.model.records import Register

EXPORT_VERSION = 1  # raised when a column is removed or changes its type or meaning (added columns do not)


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # snake_case, stable
    type: str  # VARCHAR | INTEGER | DOUBLE | BOOLEAN | DATE
    nullable: bool
    doc: str  # Chinese, for docs/export.md


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    title: str  # the practice's word for it
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, type_: str, doc: str, *, null: bool = False) -> Column:
    return Column(name, type_, null, doc)


V, INT, D, B, F = "VARCHAR", "INTEGER", "DATE", "BOOLEAN", "DOUBLE"

# The hive partition columns every table has, from its folder names.
PARTITION = (
    _c("unit", V, "单位编号（org.yaml 的 org.id）；分区目录 unit=…"),
    _c("year", INT, "登记簿年度（org.yaml 的 year）；分区目录 year=…"),
)

TABLES: dict[str, Table] = {t.name: t for t in (
    Table("units", "单位", (
        _c("name", V, "单位名称"),
        _c("head", V, "单位主要负责人（人员编号）", null=True),
        _c("inspection", V, "纪检监察机构（部门编号）", null=True),
        _c("grading_method", V, "定级方法：matrix 或 factors"),
        _c("schema_version", V, "登记簿格式版本"),
    )),
    Table("departments", "部门", (
        _c("department", V, "部门编号"),
        _c("name", V, "部门名称"),
        _c("kind", V, "部门类别（领导班子、内设机构……）"),
        _c("leader", V, "部门负责人（人员编号）", null=True),
        _c("supervisor", V, "分管领导（人员编号）", null=True),
        _c("file", V, "所在文件，相对于登记簿目录"),
    )),
    Table("people", "人员", (
        _c("person", V, "人员编号"),
        _c("name", V, "姓名"),
        _c("department", V, "部门编号"),
        _c("post", V, "岗位编号"),
        _c("since", D, "任职日期"),
        _c("briefed", D, "交底日期", null=True),
        _c("pledged", D, "廉洁承诺日期", null=True),
    )),
    Table("posts", "岗位", (
        _c("post", V, "岗位编号"),
        _c("name", V, "岗位名称"),
        _c("department", V, "部门编号"),
        _c("duties", V, "岗位职责", null=True),
        _c("powers", V, "岗位职权（职权编号，以逗号分隔）"),
    )),
    Table("powers", "职权", (
        _c("power", V, "职权编号"),
        _c("name", V, "职权名称"),
        _c("department", V, "部门编号"),
        _c("scope", V, "外部或内部"),
        _c("category", V, "职权类别（行政审批、财务管理……）"),
        _c("sanzhong_yida", B, "是否三重一大事项"),
        _c("process", V, "运行流程（流程编号）", null=True),
        _c("basis", V, "依据（以换行分隔）"),
    )),
    Table("processes", "流程", (
        _c("process", V, "流程编号"),
        _c("name", V, "流程名称"),
        _c("department", V, "部门编号"),
        _c("time_limit", V, "时限", null=True),
        _c("steps", INT, "环节数"),
    )),
    Table("steps", "环节", (
        _c("process", V, "流程编号"),
        _c("step", V, "环节编号（在流程内唯一）"),
        _c("position", INT, "环节在流程中的序号，从1起"),
        _c("name", V, "环节名称"),
        _c("department", V, "部门编号"),
        _c("post", V, "经办岗位（岗位编号）", null=True),
        _c("time_limit", V, "时限", null=True),
    )),
    Table("risks", "风险点", (
        _c("risk", V, "风险点编号"),
        _c("department", V, "部门编号"),
        _c("title", V, "风险点"),
        _c("description", V, "风险表现"),
        _c("text_key", V, "比对用的风险表现：全角折叠（NFKC），去掉空白与标点；用于查找单位间照抄照搬"),
        _c("type", V, "风险类型（五类风险）"),
        _c("applies_to", V, "适用范围：岗位、部门或单位（共性风险点）"),
        _c("process", V, "所属流程（流程编号）", null=True),
        _c("step", V, "关键环节（环节编号）", null=True),
        _c("posts", V, "涉及岗位（岗位编号，以逗号分隔）"),
        _c("likelihood", INT, "发生概率，1–5"),
        _c("impact", INT, "危害程度，1–5"),
        _c("score", F, "分值：矩阵法为概率×危害，因素法为加权均分"),
        _c("declared", V, "申报等级（高、中、低）；未写时为计算等级"),
        _c("computed", V, "按评定办法计算的等级"),
        _c("grade", V, "有效等级：申报与计算中较高者；各统计均按此"),
        _c("residual", V, "剩余风险等级", null=True),
        _c("reviewed", D, "复核日期", null=True),
        _c("measures", INT, "防控措施数"),
    )),
    Table("measures", "防控措施", (
        _c("risk", V, "风险点编号"),
        _c("measure", V, "措施编号（在风险点内唯一）"),
        _c("department", V, "部门编号"),
        _c("text", V, "措施内容"),
        _c("stage", V, "阶段：前期预防、中期监控、后期处置", null=True),
        _c("kind", V, "类别：教育、制度、监督……", null=True),
        _c("owner", V, "责任主体（部门、岗位、人员或外部单位编号）", null=True),
        _c("due", D, "完成期限", null=True),
        _c("status", V, "状态：未开始、推进中、已落实……"),
    )),
    Table("warnings", "预警处置记录", (
        _c("warning", V, "预警编号"),
        _c("department", V, "部门编号"),
        _c("risk", V, "风险点编号"),
        _c("date", D, "预警日期"),
        _c("level", V, "预警等级：提示、预警、亮牌……"),
        _c("source", V, "来源：巡视、审计、信访举报……", null=True),
        _c("finding", V, "发现的问题", null=True),
        _c("action", V, "处置方式", null=True),
        _c("closed", D, "办结日期；未办结为空", null=True),
        _c("person", V, "当事人（人员编号）", null=True),
    )),
    Table("approvals", "审核备案记录", (
        _c("position", INT, "记录在 approvals.yaml 中的序号，从1起"),
        _c("body", V, "审核主体：部门会议、分管领导、党委会、党组会、领导小组"),
        _c("date", D, "审核日期"),
        _c("reference", V, "会议文号", null=True),
        _c("department", V, "所审核的部门编号；审核整个登记簿时为空", null=True),
        _c("revision", V, "所审核的 git 提交（完整编号）"),
    )),
    Table("assessments", "考核（lz assess：每个评分项一行，另有总分行）", (
        _c("department", V, "部门编号；单位的评分为空", null=True),
        _c("item", V, "评分项编号；总分行为空", null=True),
        _c("title", V, "评分项名称或“总分”"),
        _c("points", F, "满分"),
        _c("score", F, "得分"),
        _c("band", V, "等次：好、较好、一般、差（总分行）", null=True),
        _c("evidence", V, "依据：未达的对象编号，以逗号分隔（计算项）；评分人（手工项）", null=True),
        _c("as_of", D, "评分截至日期（lz assess --date）"),
    )),
)}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def table_rows(register: Register, grades: dict[str, RiskGrade],
               assessment: Assessment | None = None) -> Iterator[tuple[str, list[tuple]]]:
    """Each table's rows, in its columns' order (dates as ``YYYY-MM-DD``), from a validated register (and its
    yearly ``assessment``, when computed)."""
    org = register.org
    schema_version = "1"
    yield "units", [(org.name, org.head, org.inspection, org.grading.method, schema_version)]
    yield "departments", [(d.id, d.name, d.kind, d.leader, d.supervisor, d.file) for d in register.departments]
    yield "people", [(p.id, p.name, p.department, p.post, _day(p.since), _day(p.briefed), _day(p.pledged))
                     for p in register.people.values()]
    yield "posts", [(p.id, p.name, p.department, p.duties, ",".join(p.powers)) for p in register.posts.values()]
    yield "powers", [(p.id, p.name, p.department, p.scope, p.category, p.sanzhong_yida, p.process, "\n".join(p.basis))
                     for p in register.powers.values()]
    processes = list(register.processes.values())
    yield "processes", [(p.id, p.name, p.department, p.time_limit, len(p.steps)) for p in processes]
    yield "steps", [(p.id, s.id, n, s.name, p.department, s.post, s.time_limit)
                    for p in processes for n, s in enumerate(p.steps, 1)]
    risks, measures = [], []
    for r in register.risks.values():
        g = grades[r.id]
        risks.append((r.id, r.department, r.title, r.description, normalize(r.description), r.type, r.applies_to,
                      r.process, r.step, ",".join(r.posts), r.likelihood, r.impact, float(g.score), g.declared,
                      g.computed, g.effective, g.residual, _day(r.reviewed), len(r.measures)))
        measures += [(r.id, m.id, r.department, m.text, m.stage, m.kind, m.owner, _day(m.due), m.status)
                     for m in r.measures]
    yield "risks", risks
    yield "measures", measures
    yield "warnings", [(w.id, w.department, w.risk, _day(w.date), w.level, w.source, w.finding, w.action,
                        _day(w.closed), w.person) for w in register.warnings.values()]
    yield "approvals", [(n, a.body, _day(a.date), a.ref, a.department, a.revision)
                        for n, a in enumerate(register.approvals, 1)]
    yield "assessments", _assessment_rows(assessment) if assessment is not None else []


def assessed(register: Register, as_of: date | None = None) -> Assessment | None:
    """The register's yearly assessment as ``lz assess`` gives it, counted to ``as_of`` (default: lz report's date
    for its year); None when its assessments.yaml has errors (``lz assess`` lists them)."""
    from lianzheng_cli.assess import assess
    from lianzheng_cli.lint import default_as_of, lint

    day = as_of or default_as_of(register.org.year)
    result = assess(register, as_of=day, lint_findings=lint(register, as_of=day))
    return None if result.problems else result


def _assessment_rows(assessment: Assessment) -> list[tuple]:
    day = assessment.as_of.isoformat()
    rows: list[tuple] = []
    for score in (assessment.unit, *assessment.departments):
        for item in score.items:
            evidence = item.by if item.item.manual else ",".join(item.unmet_ids) or None
            rows.append((score.department, item.item.id, item.item.name, item.item.points, item.score, None,
                         evidence, day))
        rows.append((score.department, None, "总分", 100.0, score.total, score.band, None, day))
    return rows


# --- docs/export.md's schema section is generated from TABLES (make docs); a test holds the two together ---

SCHEMA_START, SCHEMA_END = "<!-- schema:start -->", "<!-- schema:end -->"


def schema_markdown() -> str:
    """Every table's columns as Markdown: name, type, whether it may be empty, meaning."""
    lines = ["每张表都有两个分区列（取自目录名，不在文件中）：", "", "| 列 | 类型 | 说明 |", "|---|---|---|"]
    lines += [f"| `{c.name}` | {c.type} | {c.doc} |" for c in PARTITION]
    for table in TABLES.values():
        lines += ["", f"### `{table.name}`：{table.title}", "", "| 列 | 类型 | 可为空 | 说明 |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {'是' if c.nullable else '否'} | {c.doc} |" for c in table.columns]
    return "\n".join(lines)


def with_schema(text: str) -> str:
    """``text`` (docs/export.md) with its schema section replaced by :func:`schema_markdown`."""
    before, rest = text.split(SCHEMA_START, 1)
    return f"{before}{SCHEMA_START}\n{schema_markdown()}\n{SCHEMA_END}{rest.split(SCHEMA_END, 1)[1]}"
