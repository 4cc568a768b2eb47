"""Rules about the measures of a risk (防控措施): LZ101–LZ106."""

from __future__ import annotations

from collections.abc import Iterator

from lianzheng_cli.diagnostics import Severity
from lianzheng_cli.i18n import messages
from lianzheng_cli.lint.catalogue import Context, Finding, rule
from lianzheng_cli.lint.text import grade_word

tr = messages({
    "lint.LZ101": {
        "zh": "{grade}风险点 `{id}` 没有“中期监控”措施：高风险点须有过程中的监督或预警措施",
        "en": "{grade} risk `{id}` has no 中期监控（in-process monitoring） measure",
    },
    "lint.LZ102": {
        "zh": "风险点 `{id}` 没有防控措施",
        "en": "risk `{id}` has no measures",
    },
    "lint.LZ103": {
        "zh": "措施 `{id}` 的完成期限{due}已过（截至{as_of}），状态仍为“{status}”",
        "en": "measure `{id}` was due {due} (as of {as_of}) and is still 「{status}」",
    },
    "lint.LZ104": {
        "zh": "{grade}风险点 `{id}` 的措施只有“教育”一类：高风险点须有制度、监督、科技等实在的防控手段",
        "en": "{grade} risk `{id}` has only 教育（education） measures; it needs rules, oversight or technology",
    },    "lint.LZ105": {
        "zh": "措施 `{id}` 没有写防控阶段（stage）：应写明是前期预防、中期监控还是后期处置",
        "en": "measure `{id}` has no stage: say whether it is 前期预防，中期监控 or 后期处置",
    },
    "lint.LZ106": {
        "zh": "措施 `{id}` 没有写责任主体（owner）：应写明由哪个部门、岗位、人员或外部单位落实",
        "en": "measure `{id}` has no owner: name the department, post, person or party that carries it out",
    },
})

MONITORING_STAGE = "中期监控"
EDUCATION = "教育"


@rule(
    "LZ101", Severity.WARNING,
    summary="高风险点没有中期监控措施",
    summary_en="a 高 risk has no 中期监控 measure",
    rationale="""
高风险点是分级监控的重点：除了事前预防、事后处置，必须有在权力运行过程中发现问题的
“中期监控”措施（监督检查、系统预警、过程留痕）。只看等级为高的风险点（有效等级：
申报等级与按制度计算的等级中较高者）；完全没有措施的风险点由 LZ102 报告。
""",
    bad="""
- id: A1-3
  grade: 高
  measures:
    - {id: M1, text: 组织初审人员学习备案登记办法, stage: 前期预防, kind: 教育, owner: wmfz}
""",
    good="""
- id: A1-3
  grade: 高
  measures:
    - {id: M1, text: 组织初审人员学习备案登记办法, stage: 前期预防, kind: 教育, owner: wmfz}
    - {id: M2, text: 纪检监察室每季度抽查初审意见与现场核查记录, stage: 中期监控, kind: 监督, owner: jjjc}
""",
)
def check_high_risk_monitored(ctx: Context) -> Iterator[Finding]:
    for risk in ctx.register.risks.values():
        if risk.measures and ctx.effective(risk) == "高" and all(m.stage != MONITORING_STAGE for m in risk.measures):
            yield Finding(risk.at, risk.id, tr("lint.LZ101", grade=grade_word("高"), id=risk.id))


@rule(
    "LZ102", Severity.ERROR,
    summary="风险点没有防控措施",
    summary_en="a risk has no measure",
    rationale="""
查找风险点是为了防控它：每个风险点至少要有一项防控措施，写明阶段、类别和责任主体。
没有措施的风险点在一览表里是一行空白，考核时按“措施缺失”扣分，所以默认级别为错误。
""",
    bad="""
- id: B-2
  title: 收受“感谢费”
  measures: []
""",
    good="""
- id: B-2
  title: 收受“感谢费”
  measures:
    - {id: M1, text: 审批岗位人员签订拒收红包承诺书并在窗口公示, stage: 前期预防, kind: 公开, owner: wmfz}
""",
)
def check_risk_has_measures(ctx: Context) -> Iterator[Finding]:
    for risk in ctx.register.risks.values():
        if not risk.measures:
            yield Finding(risk.at, risk.id, tr("lint.LZ102", id=risk.id))


@rule(
    "LZ103", Severity.WARNING,
    summary="措施已过完成期限但未落实",
    summary_en="a measure is past its due date and not 已落实",
    rationale="""
措施要落到实处：写了完成期限（due）的措施，过了期限（晚于 --as-of 日期）状态仍不是
“已落实”，说明措施停留在纸面上。期限当天仍算按期。
""",
    bad="""
measures:
  - {id: M1, text: 上线备案系统信息自动比对功能, stage: 中期监控, kind: 科技, owner: wmfz,
     due: 2025-06-30, status: 落实中}        # 截至 2025-12-31 仍未落实
""",
    good="""
measures:
  - {id: M1, text: 上线备案系统信息自动比对功能, stage: 中期监控, kind: 科技, owner: wmfz,
     due: 2025-06-30, status: 已落实}
""",
)
def check_measure_due(ctx: Context) -> Iterator[Finding]:
    for risk in ctx.register.risks.values():
        for measure in risk.measures:
            # is_overdue implies a due date; said again for the type checker.
            if measure.due is not None and measure.is_overdue(ctx.as_of):
                yield Finding(measure.at, f"{risk.id}/{measure.id}",
                              tr("lint.LZ103", id=f"{risk.id}/{measure.id}", due=measure.due.isoformat(),
                                 as_of=ctx.as_of.isoformat(), status=measure.status), field="due")


@rule(
    "LZ104", Severity.WARNING,
    summary="高风险点的措施只有教育类",
    summary_en="a 高 risk's measures are all of kind 教育",
    rationale="""
“高风险要有实在的监控，不能只靠教育”：等级为高的风险点，若每项措施都是“教育”类
（学习、警示教育、谈心谈话），就没有制度约束、监督检查、科技手段、公开或岗位制约。
只看写了类别（kind）的措施；至少要有一项其他类别的措施。
""",
    bad="""
- id: A1-3
  grade: 高
  measures:
    - {id: M1, text: 组织学习廉洁从政若干准则并撰写心得, stage: 前期预防, kind: 教育, owner: wmfz}
    - {id: M2, text: 每季度开展一次警示教育并观看警示片, stage: 中期监控, kind: 教育, owner: jjjc}
""",
    good="""
- id: A1-3
  grade: 高
  measures:
    - {id: M1, text: 组织学习廉洁从政若干准则并撰写心得, stage: 前期预防, kind: 教育, owner: wmfz}
    - {id: M2, text: 初审与复核分离并由纪检监察室季度抽查, stage: 中期监控, kind: 监督, owner: jjjc}
""",
)
def check_high_risk_not_only_education(ctx: Context) -> Iterator[Finding]:
    for risk in ctx.register.risks.values():
        kinds = {m.kind for m in risk.measures if m.kind}
        if kinds == {EDUCATION} and ctx.effective(risk) == "高":
            yield Finding(risk.at, risk.id, tr("lint.LZ104", grade=grade_word("高"), id=risk.id), field="measures")


@rule(
    "LZ105", Severity.WARNING,
    summary="措施没有写防控阶段",
    summary_en="a measure has no stage",
    rationale="""
防控措施分前期预防、中期监控、后期处置三个阶段。由旧表格导入的措施常常没有阶段：格式允许
省略（不是校验错误），但一览表里看不出措施管的是事前、事中还是事后，按阶段统计时也不计入
任何一个阶段，中期监控是否缺位（LZ101）也就无从判断。每项没有阶段的措施报告一次。
""",
    bad="""
measures:
  - {id: M1, text: 初审与复核由不同人员承担, kind: 岗位, owner: wmfz}
""",
    good="""
measures:
  - {id: M1, text: 初审与复核由不同人员承担, stage: 前期预防, kind: 岗位, owner: wmfz}
""",
)
def check_measure_stage(ctx: Context) -> Iterator[Finding]:
    for risk in ctx.register.risks.values():
        for measure in risk.measures:
            if measure.stage is None:
                subject = f"{risk.id}/{measure.id}"
                yield Finding(measure.at, subject, tr("lint.LZ105", id=subject))


@rule(
    "LZ106", Severity.WARNING,
    summary="措施没有写责任主体",
    summary_en="a measure has no owner",
    rationale="""
“每项措施都要有责任主体”：没有责任主体的措施无人落实，也无从考核。由旧表格导入的措施常常
没有责任主体：格式允许省略（不是校验错误），但应补上落实措施的部门、岗位、人员或外部单位
（org.yaml 的 parties）。每项没有责任主体的措施报告一次。
""",
    bad="""
measures:
  - {id: M1, text: 初审与复核由不同人员承担, stage: 前期预防, kind: 岗位}
""",
    good="""
measures:
  - {id: M1, text: 初审与复核由不同人员承担, stage: 前期预防, kind: 岗位, owner: wmfz}
""",
)
def check_measure_owner(ctx: Context) -> Iterator[Finding]:
    for risk in ctx.register.risks.values():
        for measure in risk.measures:
            if measure.owner is None:
                subject = f"{risk.id}/{measure.id}"
                yield Finding(measure.at, subject, tr("lint.LZ106", id=subject))
