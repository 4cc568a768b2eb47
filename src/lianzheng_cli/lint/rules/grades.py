"""Rules about grades and coverage (评定等级、排查是否全面、动态管理、剩余风险): LZ201–LZ206."""

from __future__ import annotations

from collections.abc import Iterator

from lianzheng_cli.diagnostics import Severity
from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.lint.catalogue import Context, Finding, rule
from lianzheng_cli.lint.dates import add_months
from lianzheng_cli.lint.text import grade_word
from lianzheng_cli.vocab import GRADE_RANK

EDUCATION = "教育"

tr = messages({
    "lint.LZ201": {
        "zh": "风险点 `{id}` 申报等级为{declared}，按评级制度应为{computed}（{why}）；可运行 lz grade --write 修正",
        "en": "risk `{id}` is declared {declared}; the grading policy gives {computed} ({why}); "
              "lz grade --write fixes it",
    },
    "lint.LZ201.matrix": {"zh": "分值{likelihood}×{impact}={score}", "en": "score {likelihood}×{impact}={score}"},
    "lint.LZ201.factors": {"zh": "因素加权平均{score}", "en": "weighted factor mean {score}"},
    "lint.LZ201.floors": {"zh": "定级下限：{floors}", "en": "floors: {floors}"},
    "lint.LZ202": {
        "zh": "岗位 `{id}`（{name}）持有职权 {powers}，但没有任何风险点涉及该岗位",
        "en": "post `{id}` ({name}) holds {powers} but no risk lists it",
    },
    "lint.LZ203": {
        "zh": "流程 `{id}`（{name}）有{steps}个环节，但没有任何风险点落在该流程上",
        "en": "process `{id}` ({name}) has {steps} step(s) but no risk sits on it",
    },
    "lint.LZ204": {
        "zh": "风险点 `{id}` 上次复核于{reviewed}，已超过{months}个月的复核周期（应于{due}前复核，截至{as_of}）",
        "en": "risk `{id}` was last reviewed {reviewed}, beyond the {months}-month review period "
              "(due by {due}, as of {as_of})",
    },    "lint.LZ205": {
        "zh": "风险点 `{id}` 的剩余等级 {residual}（{likelihood}×{impact}）高于其有效等级 {effective}："
              "措施落实后的剩余风险不会比固有风险更高",
        "en": "risk `{id}` has a residual grade {residual} ({likelihood}×{impact}) above its effective grade "
              "{effective}: what is left after the measures cannot exceed the risk itself",
    },
    "lint.LZ206": {
        "zh": "{grade}风险点 `{id}` 的剩余等级降为 {residual}，但措施只有“教育”一类：只靠教育不足以把高风险降为低风险",
        "en": "{grade} risk `{id}` is left at {residual} although its measures are all 教育（education）: "
              "education alone does not bring a high risk down to low",
    },
})


@rule(
    "LZ201", Severity.ERROR,
    summary="申报等级与按制度计算的等级不一致",
    summary_en="declared grade differs from the computed grade",
    rationale="""
等级按 org.yaml 的评级制度确定：矩阵法（可能性 × 危害程度）或因素加权法，再取定级下限
（如“三重一大”事项一律定为高）。申报等级与计算等级不一致时，一览表、分级监控和轮岗都会
依据错误的等级。报低了是漏管，报高了也应写进制度（调整下限）而不是各自为政，所以默认为
错误；`lz grade --write` 会把申报等级改为计算等级并保留原写法（★★★、一级等）。
""",
    bad="""
- id: A1-3
  likelihood: 4
  impact: 4          # 分值 16 >= 15:高
  grade: 中
""",
    good="""
- id: A1-3
  likelihood: 4
  impact: 4
  grade: 高
""",
)
def check_declared_grade(ctx: Context) -> Iterator[Finding]:
    method = ctx.register.org.grading.method
    for risk in ctx.register.risks.values():
        grade = ctx.grades[risk.id]
        if risk.declared is None or not grade.mismatch:
            continue
        score = f"{grade.score:g}"
        why = [tr("lint.LZ201.factors", score=score) if method == "factors" else
               tr("lint.LZ201.matrix", likelihood=risk.likelihood, impact=risk.impact, score=score)]
        if grade.floors:
            why.append(tr("lint.LZ201.floors", floors=join_list(list(grade.floors))))
        yield Finding(risk.at, risk.id,
                      tr("lint.LZ201", id=risk.id, declared=grade_word(risk.declared),
                         computed=grade_word(grade.computed), why=join_list(why)),
                      field="grade")


@rule(
    "LZ202", Severity.WARNING,
    summary="岗位持有职权却没有风险点",
    summary_en="a post holds a power but has no risk point",
    rationale="""
“有多少、找多少”：岗位持有职权（清权确权后写在 posts[].powers），就有行使职权的风险。
一个持有职权的岗位不出现在任何风险点的“涉及对象”（posts）中，说明排查不全。
""",
    bad="""
posts:
  - {id: wmfz-chushen, name: 初审岗, powers: [wmfz-P01]}
risks: []            # 没有风险点涉及 wmfz-chushen
""",
    good="""
posts:
  - {id: wmfz-chushen, name: 初审岗, powers: [wmfz-P01]}
risks:
  - id: A1-3
    title: 初审把关不严
    posts: [wmfz-chushen]
""",
)
def check_post_has_risk(ctx: Context) -> Iterator[Finding]:
    for post in ctx.register.posts.values():
        if post.powers and post.id not in ctx.risks_by_post:
            yield Finding(post.at, post.id,
                          tr("lint.LZ202", id=post.id, name=post.name, powers=join_list(list(post.powers))))


@rule(
    "LZ203", Severity.WARNING,
    summary="流程有环节却没有风险点",
    summary_en="a process has steps but no risk point",
    rationale="""
风险点落在权力运行流程的环节上（关键环节）。画了流程图却没有一个风险点落在该流程上
（risks[].process），说明流程图与风险排查脱节。
""",
    bad="""
processes:
  - id: wmfz-F01
    name: 备案流程
    steps: [{id: S1, name: 受理}, {id: S2, name: 初审}]
risks: []
""",
    good="""
processes:
  - id: wmfz-F01
    name: 备案流程
    steps: [{id: S1, name: 受理}, {id: S2, name: 初审}]
risks:
  - {id: A1-3, title: 初审把关不严, process: wmfz-F01, step: S2}
""",
)
def check_process_has_risk(ctx: Context) -> Iterator[Finding]:
    for process in ctx.register.processes.values():
        if process.steps and process.id not in ctx.processes_with_risks:
            yield Finding(process.at, process.id,
                          tr("lint.LZ203", id=process.id, name=process.name, steps=len(process.steps)))


@rule(
    "LZ204", Severity.WARNING,
    summary="风险点超过复核周期未复核",
    summary_en="a risk point is past its review period",
    rationale="""
动态管理：风险点每隔 policy.review_months 个月（默认12）应复核一次。写了复核日期
（reviewed）的风险点，复核日期加复核周期早于 --as-of 日期即为超期；正好到期那天不算。
没写 reviewed 的风险点不检查。
""",
    bad="""
- id: A1-3
  reviewed: 2024-06-30     # 截至 2025-12-31 已超过 12 个月
""",
    good="""
- id: A1-3
  reviewed: 2025-06-30
""",
)
def check_risk_reviewed(ctx: Context) -> Iterator[Finding]:
    months = ctx.policy.review_months
    for risk in ctx.register.risks.values():
        if risk.reviewed is None:
            continue
        due = add_months(risk.reviewed, months)
        if ctx.as_of > due:
            yield Finding(risk.at, risk.id,
                          tr("lint.LZ204", id=risk.id, reviewed=risk.reviewed.isoformat(), months=months,
                             due=due.isoformat(), as_of=ctx.as_of.isoformat()),
                          field="reviewed")


@rule(
    "LZ205", Severity.ERROR,
    summary="剩余等级高于有效等级",
    summary_en="a residual grade above the effective grade",
    rationale="""
剩余风险（residual）是措施落实后仍然存在的风险：按评定办法对剩余的发生概率和危害程度定级
（不取定级下限）。剩余等级高于风险点的有效等级（申报等级与计算等级中较高者）说明评分
写错了：措施不会让风险变大。
""",
    bad="""
- id: A1-3
  likelihood: 2
  impact: 3            # 中
  residual: {likelihood: 4, impact: 4}    # 剩余 高
""",
    good="""
- id: A1-3
  likelihood: 2
  impact: 3
  residual: {likelihood: 2, impact: 2}
""",
)
def check_residual_not_above(ctx: Context) -> Iterator[Finding]:
    for risk in ctx.register.risks.values():
        grade = ctx.grades[risk.id]
        if risk.residual is None or grade.residual is None:
            continue
        if GRADE_RANK[grade.residual] > GRADE_RANK[grade.effective]:
            likelihood, impact = risk.residual
            yield Finding(risk.at, risk.id,
                          tr("lint.LZ205", id=risk.id, residual=grade_word(grade.residual), likelihood=likelihood,
                             impact=impact, effective=grade_word(grade.effective)),
                          field="residual")


@rule(
    "LZ206", Severity.WARNING,
    summary="高风险点只靠教育类措施就降为低剩余风险",
    summary_en="a 高 risk left 低 with only 教育 measures",
    rationale="""
“高风险要有实在的监控，不能只靠教育”：等级为“高”的风险点，剩余等级（residual）评为“低”，
而写了类别的措施全是“教育”类，剩余风险多半评得过低。应补上制度、监督、科技等措施，
或如实评定剩余风险。
""",
    bad="""
- id: A1-3
  grade: 高
  residual: {likelihood: 1, impact: 2}
  measures:
    - {id: M1, text: 组织初审人员观看警示教育片并撰写心得, stage: 前期预防, kind: 教育, owner: wmfz}
""",
    good="""
- id: A1-3
  grade: 高
  residual: {likelihood: 1, impact: 2}
  measures:
    - {id: M1, text: 组织初审人员观看警示教育片并撰写心得, stage: 前期预防, kind: 教育, owner: wmfz}
    - {id: M2, text: 初审与复核分离并由纪检监察室季度抽查, stage: 中期监控, kind: 监督, owner: jjjc}
""",
)
def check_residual_education_only(ctx: Context) -> Iterator[Finding]:
    for risk in ctx.register.risks.values():
        grade = ctx.grades[risk.id]
        if grade.effective != "高" or grade.residual != "低":
            continue
        if {m.kind for m in risk.measures if m.kind} == {EDUCATION}:
            yield Finding(risk.at, risk.id,
                          tr("lint.LZ206", grade=grade_word("高"), id=risk.id, residual=grade_word("低")),
                          field="residual")
