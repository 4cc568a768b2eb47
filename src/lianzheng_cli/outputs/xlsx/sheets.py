"""The 一览表's other sheets: 职权目录, 权力和责任清单 (1.1), 岗位风险等级目录, 预警处置记录 and 统计.

Each is a function of the :class:`~lianzheng_cli.outputs.xlsx.form.Form` being written, listed in
``risk_table.SHEETS``.
"""

from __future__ import annotations

from collections import Counter

from lianzheng_cli.model.records import Risk
from lianzheng_cli.outputs.xlsx.form import Form, warning_value
from lianzheng_cli.outputs.xlsx.writer import Cell
from lianzheng_cli.vocab import ENUMS, GRADE_RANK, GRADES

SHEET_POWERS = "职权目录"
SHEET_DUTIES = "权力和责任清单"
SHEET_POSTS = "岗位风险等级目录"
SHEET_WARNINGS = "预警处置记录"
SHEET_STATS = "统计"

POWER_COLUMNS = (
    ("序号", 5), ("部门", 12), ("职权编号", 11), ("职权名称", 24), ("职权类别", 9), ("对内/对外", 7),
    ("三重一大", 7), ("行使岗位", 20), ("职权依据", 34), ("运行流程", 20),
)
WARNING_COLUMNS = (
    ("序号", 5), ("预警编号", 11), ("预警日期", 11), ("部门", 12), ("风险点编号", 11), ("风险点", 18),
    ("信息来源", 9), ("预警级别", 7), ("发现的问题", 36), ("处置方式", 9), ("办结日期", 11), ("状态", 7),
)
# 1.1 columns, each shown when some power or warning of the register gives it
POWER_FIELD_COLUMNS = {
    "content": ("职权内容", 30), "subject": ("行使主体", 14), "conditions": ("条件", 20), "procedure": ("程序", 20),
    "time_limit": ("时限", 10), "accountability": ("追责情形", 30), "supervision": ("监督方式", 20),
    "disclosure": ("公开形式", 14),
}
DUTY_FIELDS = ("content", "accountability", "supervision")  # what makes the 权力和责任清单
DUTY_COLUMNS = (("序号", 5), ("部门", 12), ("职权编号", 11), ("职权名称", 22), ("职权类别", 9), ("职权内容", 34),
                ("责任事项与追责情形", 36), ("监督方式", 24))
WARNING_FIELD_COLUMNS = {
    "person": ("当事人", 9), "notice": ("通知书编号", 14), "requirement": ("整改要求", 24), "due": ("整改期限", 11),
    "result": ("整改结果", 24), "done": ("整改完成", 11),
}
POST_COLUMNS_HEAD = (("序号", 5), ("部门", 14), ("岗位", 18), ("在岗人员", 14), ("岗位职责", 36))
POST_COLUMNS_TAIL = (("风险点数", 7), ("最高等级", 8))


def powers(form: Form) -> None:
    """职权目录: every power in scope, with the posts that hold it."""
    scope, styles = form.scope, form.styles
    register, holders = scope.register, scope.index.holders_of_power
    fields = scope.index.power_fields
    sheet = form.list_sheet(SHEET_POWERS, (*POWER_COLUMNS, *(POWER_FIELD_COLUMNS[f] for f in fields)))
    c, lt = styles.center, styles.left
    number = 0
    for dept in scope.departments:
        for power in dept.powers:
            number += 1
            process = register.processes.get(power.process) if power.process else None
            cells: list[Cell] = [
                (number, c), (dept.name, c), (power.id, c), (power.name, lt), (power.category, c), (power.scope, c),
                ("是" if power.sanzhong_yida else "否", c), ("、".join(holders.get(power.id, ())), lt),
                ("\n".join(power.basis), lt), (process.name if process else "", lt),
            ]
            cells += [(getattr(power, f) or "", lt) for f in fields]
            sheet.append(cells)


def duties(form: Form) -> None:
    """权力和责任清单 (1.1): each power with its content, the duties and accountability that go with it, and how it
    is supervised; only in a register whose powers say so."""
    scope, styles = form.scope, form.styles
    if not any(f in scope.index.power_fields for f in DUTY_FIELDS):
        return
    sheet = form.list_sheet(SHEET_DUTIES, DUTY_COLUMNS)
    c, lt = styles.center, styles.left
    number = 0
    for dept in scope.departments:
        for power in dept.powers:
            number += 1
            sheet.append((
                (number, c), (dept.name, c), (power.id, c), (power.name, lt), (power.category, c),
                (power.content or "", lt), (power.accountability or "", lt), (power.supervision or "", lt),
            ))


def post_grades(form: Form) -> None:
    """岗位风险等级目录: per post, its risks by grade and its highest grade (over the whole register)."""
    scope, styles = form.scope, form.styles
    head = [c for c in POST_COLUMNS_HEAD if not (scope.public and c[0] == "在岗人员")]
    columns = (*head, *((scope.grade_header(g), 8) for g in GRADES), *POST_COLUMNS_TAIL)
    counts, people = scope.index.post_grades, scope.index.people_of_post
    sheet = form.list_sheet(SHEET_POSTS, columns)
    c, lt = styles.center, styles.left
    number = 0
    for dept in scope.departments:
        for post in dept.posts:
            number += 1
            by_grade = counts.get(post.id, Counter())
            highest = max(by_grade, key=GRADE_RANK.__getitem__, default=None)
            cells: list[Cell] = [(number, c), (dept.name, c), (post.name, c)]
            if not scope.public:
                cells.append(("、".join(people.get(post.id, ())), c))
            cells.append((post.duties or "", lt))
            cells += [(by_grade[g], c) for g in GRADES]
            cells.append((sum(by_grade.values()), c))
            cells.append((scope.grade_text(highest) if highest else "—", styles.grade[highest] if highest else c))
            sheet.append(cells)


def warnings(form: Form) -> None:
    """预警处置记录, by date; internal only (it names what was found and about whom)."""
    scope, styles = form.scope, form.styles
    if scope.public:
        return
    register = scope.register
    fields = scope.index.warning_fields
    sheet = form.list_sheet(SHEET_WARNINGS, (*WARNING_COLUMNS, *(WARNING_FIELD_COLUMNS[f] for f in fields)))
    records = [w for dept in scope.departments for w in dept.warnings]
    records.sort(key=lambda w: (w.date, w.id))
    c, lt, d = styles.center, styles.left, styles.date
    for number, warning in enumerate(records, 1):
        risk = register.risks.get(warning.risk)
        cells: list[Cell] = [
            (number, c), (warning.id, c), (warning.date, d), (register.by_department[warning.department].name, c),
            (warning.risk, c), (risk.title if risk else "", lt), (warning.source or "", c), (warning.level, c),
            (warning.finding or "", lt), (warning.action or "", c), (warning.closed, d),
            ("已办结" if warning.closed else "处置中", c),
        ]
        for field in fields:
            value = warning_value(warning, field)
            if field == "person":
                value = register.name_of(warning.person) if warning.person else ""
            cells.append((value, d) if field in ("due", "done") else (value or "", lt))
        sheet.append(cells)


def statistics(form: Form) -> None:
    """统计: department × grade, risk type × grade, measures by stage and status; totals computed here, no formulas."""
    scope, styles = form.scope, form.styles
    grade_headers = [scope.grade_header(g) for g in GRADES]
    sheet = form.sheet(SHEET_STATS, (("项目", 24), *((h, 13) for h in grade_headers), ("合计", 10)), portrait=True)
    form.heading(sheet, scope.title_prefix + "廉政风险统计")
    risks = [r for dept in scope.departments for r in dept.risks]

    def table(heading: str, first: str, columns: list[str], rows: list[tuple[str, list[int]]]) -> None:
        sheet.append((), height=12)
        sheet.append([(heading, styles.section)], height=22)
        sheet.append([(first, styles.header)] + [(h, styles.header) for h in columns])
        for label, values in rows:
            sheet.append([(label, styles.center)] + [(v, styles.center) for v in values])
        totals = [sum(values[i] for _, values in rows) for i in range(len(columns))]
        sheet.append([("合计", styles.total)] + [(v, styles.total) for v in totals])

    def by_grade(selected: list[Risk]) -> list[int]:
        counted = Counter(scope.grades[r.id].effective for r in selected)
        return [counted[g] for g in GRADES] + [len(selected)]

    table("一、各部门风险点等级分布", "部门", [*grade_headers, "合计"],
          [(dept.name, by_grade(list(dept.risks))) for dept in scope.departments])
    by_type: dict[str, list[Risk]] = {t: [] for t in ENUMS["risk_type"]}
    for risk in risks:
        by_type.setdefault(risk.type, []).append(risk)
    table("二、风险类型与等级", "风险类型", [*grade_headers, "合计"],
          [(kind, by_grade(selected)) for kind, selected in by_type.items()])
    statuses = list(ENUMS["status"])
    by_stage = Counter((m.stage, m.status) for r in risks for m in r.measures)  # one pass over the measures
    stage_rows = []
    for stage in ENUMS["stage"]:
        counted = [by_stage[(stage, s)] for s in reversed(statuses)]
        total = sum(n for (at, _), n in by_stage.items() if at == stage)
        stage_rows.append((stage, [total, *counted]))
    table("三、防控措施阶段与落实情况", "措施阶段", ["措施数", *reversed(statuses)], stage_rows)
