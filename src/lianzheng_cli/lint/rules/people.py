"""Rules about people and who watches the risks (轮岗、交底、承诺、分级监控): LZ301–LZ304."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from lianzheng_cli.diagnostics import Severity
from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.lint.catalogue import ORG_FILE, Context, Finding, rule, rule_across
from lianzheng_cli.lint.dates import add_years
from lianzheng_cli.lint.text import grade_word
from lianzheng_cli.model.grading import HEAD, INSPECTION, LEADER, LEADERSHIP, PARTY, SUPERVISOR
from lianzheng_cli.model.records import At, Department, Power
from lianzheng_cli.vocab import GRADES

tr = messages({
    "lint.LZ301": {
        "zh": "{name}（`{id}`）自{since}起在高风险岗位 `{post}` 任职，截至{as_of}已超过{years}年，应定期轮岗"
              "（该岗位因风险点 `{risk}` 而为高风险岗位）",
        "en": "{name} (`{id}`) has held the 高 post `{post}` since {since}, more than {years} years as of {as_of}; "
              "rotate (the post is 高 through risk `{risk}`)",
    },
    "lint.LZ301.category": {
        "zh": "{name}（`{id}`）自 {since} 起在重点岗位 `{post}` 任职，截至 {as_of} 已超过 {years} 年，应定期轮岗"
              "（该岗位持有{category}类职权 `{power}`）",
        "en": "{name} (`{id}`) has held the key post `{post}` since {since}, more than {years} years as of {as_of}; "
              "rotate (the post holds the {category} power `{power}`)",
    },
    "lint.LZ302.late": {
        "zh": "{name}（`{id}`）{since}任职，{briefed}才交底，超过{days}天的交底期限",
        "en": "{name} (`{id}`) took the post on {since} but was briefed only on {briefed}, beyond {days} days",
    },
    "lint.LZ302.missing": {
        "zh": "{name}（`{id}`）{since}任职，截至{as_of}超过{days}天仍无廉洁风险交底记录（briefed）",
        "en": "{name} (`{id}`) took the post on {since} and has no briefing (briefed) within {days} days "
              "as of {as_of}",
    },
    "lint.LZ303.missing": {
        "zh": "{name}（`{id}`）没有{year}年度的廉洁承诺（pledged）",
        "en": "{name} (`{id}`) has no pledge (pledged) in {year}",
    },
    "lint.LZ303.other_year": {
        "zh": "{name}（`{id}`）的廉洁承诺日期{pledged}不在登记簿年度{year}年内",
        "en": "{name} (`{id}`) pledged on {pledged}, not in the register's year {year}",
    },
    "lint.LZ304.org": {
        "zh": "{grade}风险点（{count}个，如 `{risk}`）须由“{role}”监控，但 org.yaml 未填写 `org.{key}`",
        "en": "{count} {grade} risk(s) (e.g. `{risk}`) need the role 「{role}」, but org.yaml has no `org.{key}`",
    },
    "lint.LZ304.department": {
        "zh": "{grade}风险点（{count}个，如 `{risk}`）须由“{role}”监控，但部门 `{department}` 未填写 `{key}`",
        "en": "{count} {grade} risk(s) (e.g. `{risk}`) need the role 「{role}」, but department `{department}` "
              "has no `{key}`",
    },
    "lint.LZ304.group": {
        "zh": "{grade}风险点（{count} 个，如 `{risk}`）须由“{role}”监控，但登记簿中没有类型为领导班子的部门人员",
        "en": "{count} {grade} risk(s) (e.g. `{risk}`) need the role 「{role}」， but no department of kind 领导班子 "
              "has people",
    },
    "lint.LZ304.party": {
        "zh": "{grade}风险点（{count} 个，如 `{risk}`）须由“{role}”监控，但 `org.party` 所指部门 `{department}` "
              "没有人员",
        "en": "{count} {grade} risk(s) (e.g. `{risk}`) need the role 「{role}」, but `org.party` names department "
              "`{department}`, which has no people",
    },
})


@rule(
    "LZ301", Severity.WARNING,
    summary="在高风险岗位任职超过轮岗年限",
    summary_en="a person has been in a 高 post longer than rotation_years",
    rationale="""
重点岗位定期轮岗：岗位被某个等级为高的风险点列为涉及对象（posts）即为高风险岗位。
在高风险岗位的任职年限从任职日期（since）算起，到 --as-of 日期超过 policy.rotation_years
（默认5）年即应轮岗；满5年的当天不算超期。

org.yaml 的 `policy.rotation_categories` 列出职权类别（如人事管理、财务管理）时，持有这些类别职权的
岗位也是重点岗位。部门或单位的共性风险点（applies_to）只让它列出的岗位成为高风险岗位。
""",
    bad="""
people:
  - {id: p-wang, name: 王某某, post: wmfz-chushen, since: 2019-03-01}   # 截至 2025-12-31 已逾 6 年
""",
    good="""
people:
  - {id: p-wang, name: 王某某, post: wmfz-chushen, since: 2022-03-01}
""",
)
def check_rotation(ctx: Context) -> Iterator[Finding]:
    years = ctx.policy.rotation_years
    by_category = _posts_by_rotation_category(ctx)
    for person in ctx.register.people.values():
        risk = ctx.high_posts.get(person.post)
        power = by_category.get(person.post)
        if ctx.as_of <= add_years(person.since, years):
            continue
        params = {"name": person.name, "id": person.id, "since": person.since.isoformat(), "post": person.post,
                  "as_of": ctx.as_of.isoformat(), "years": years}
        if risk is not None:  # a 高 post says why first; a post holding a rotation category's power otherwise
            yield Finding(person.at, person.id, tr("lint.LZ301", risk=risk.id, **params), field="since")
        elif power is not None:
            yield Finding(person.at, person.id, tr("lint.LZ301.category", category=power.category, power=power.id,
                                                   **params), field="since")


def _posts_by_rotation_category(ctx: Context) -> dict[str, Power]:
    """Key posts by power (1.1, ``policy.rotation_categories``): each post holding a power of such a category."""
    categories = set(ctx.policy.rotation_categories)
    found: dict[str, Power] = {}
    if categories:
        powers = ctx.register.powers
        for post in ctx.register.posts.values():
            held = next((powers[p] for p in post.powers if p in powers and powers[p].category in categories), None)
            if held is not None:
                found[post.id] = held
    return found


@rule(
    "LZ302", Severity.WARNING,
    summary="任职后未在期限内进行廉洁风险交底",
    summary_en="a person was not briefed within briefing_days of taking the post",
    rationale="""
交底不到位是检查中常见的问题（“个别人员调整后没有及时对新任职人员进行交底”）。
任职（since）后 policy.briefing_days（默认30）天内应交底：交底日期（briefed）晚于
任职日期加期限，或没有交底日期而期限已过（早于 --as-of 日期），即报告；第30天当天交底不算晚。
""",
    bad="""
people:
  - {id: p-wang, name: 王某某, post: wmfz-chushen, since: 2025-03-01, briefed: 2025-05-20}
""",
    good="""
people:
  - {id: p-wang, name: 王某某, post: wmfz-chushen, since: 2025-03-01, briefed: 2025-03-12}
""",
)
def check_briefing(ctx: Context) -> Iterator[Finding]:
    days = ctx.policy.briefing_days
    for person in ctx.register.people.values():
        deadline = person.since + timedelta(days=days)
        if person.briefed is not None:
            if person.briefed > deadline:
                yield Finding(person.at, person.id,
                              tr("lint.LZ302.late", name=person.name, id=person.id, since=person.since.isoformat(),
                                 briefed=person.briefed.isoformat(), days=days),
                              field="briefed")
        elif ctx.as_of > deadline:
            yield Finding(person.at, person.id,
                          tr("lint.LZ302.missing", name=person.name, id=person.id, since=person.since.isoformat(),
                             days=days, as_of=ctx.as_of.isoformat()))


@rule(
    "LZ303", Severity.WARNING,
    summary="没有登记簿年度的廉洁承诺",
    summary_en="a person has no pledge in the register's year",
    rationale="""
每人每年签订廉洁承诺（个人廉政风险和自我防范承诺表）。承诺日期（pledged）缺失，
或不在 org.yaml 的年度（year）内，即报告。
""",
    bad="""
people:
  - {id: p-wang, name: 王某某, post: wmfz-chushen, since: 2022-03-01, pledged: 2024-02-20}   # year: 2025
""",
    good="""
people:
  - {id: p-wang, name: 王某某, post: wmfz-chushen, since: 2022-03-01, pledged: 2025-02-20}
""",
)
def check_pledge(ctx: Context) -> Iterator[Finding]:
    year = ctx.register.org.year
    for person in ctx.register.people.values():
        if person.pledged is None:
            yield Finding(person.at, person.id, tr("lint.LZ303.missing", name=person.name, id=person.id, year=year))
        elif person.pledged.year != year:
            yield Finding(person.at, person.id,
                          tr("lint.LZ303.other_year", name=person.name, id=person.id,
                             pledged=person.pledged.isoformat(), year=year),
                          field="pledged")


def _monitor_gaps(ctx: Context, department: Department) -> list[tuple]:
    """LZ304's part of a department: each unfilled monitoring role its risks need, as (role, holder, the holder's
    file, grades, first risk, count); the holder is the department for its own roles."""
    org = ctx.register.org
    gaps: dict[tuple[str, str], list] = {}
    for risk in department.risks:
        grade = ctx.grades[risk.id]
        for monitor in grade.monitors:
            if monitor.person is not None or monitor.as_written:
                continue
            holder = risk.department if monitor.role in (SUPERVISOR, LEADER) else ""
            if monitor.role == INSPECTION and org.inspection:
                holder = org.inspection  # the inspection department exists but has no leader
            gap = gaps.setdefault((monitor.role, holder), [set(), risk.id, 0])
            gap[0].add(grade.effective)
            gap[2] += 1
    by_department = ctx.register.by_department
    return [(role, holder, by_department[holder].file if holder in by_department else None,
             sorted(str(grade) for grade in grades), first, count)
            for (role, holder), (grades, first, count) in gaps.items()]


@rule_across(
    "LZ304", Severity.WARNING, collect=_monitor_gaps,
    summary="分级监控所需的监控人空缺",
    summary_en="a monitoring role the grade needs is unfilled",
    rationale="""
分级监控：等级决定由谁监控（org.yaml 的 monitoring，默认“高”由单位主要负责人和纪检监察机构，
“中”由分管领导和部门负责人，“低”由部门负责人）。监控角色落到人：单位主要负责人 = org.head，
纪检监察机构 = org.inspection 所指部门的负责人，分管领导 = 部门的 supervisor，
部门负责人 = 部门的 leader；领导班子 = 类型为领导班子的部门的全体人员，党组织 = org.party
所指部门的人员（未写 org.party 时同领导班子）。某个等级需要的角色没有人，这些风险点就无人监控。
本登记簿增补的监控角色（vocabulary）按原文显示，不对应到人，也不检查。
每个空缺报告一次（部门或 org.yaml 处），并给出受影响的风险点数。
""",
    bad="""
id: wmfz
name: 对外贸易发展室
kind: 内设机构
leader: p-lv         # 没有 supervisor,而本部门有 中 级风险点
""",
    good="""
id: wmfz
name: 对外贸易发展室
kind: 内设机构
leader: p-lv
supervisor: p-qian
""",
)
def check_monitors_filled(ctx: Context, parts: list[tuple[str, Any]]) -> Iterator[Finding]:
    org = ctx.register.org
    gaps: dict[tuple[str, str], list] = {}  # (role, holder) -> [grades, first risk, count, the holder's file]
    for _, part in parts:
        for role, holder, holder_file, grades, first, count in part:
            gap = gaps.setdefault((role, holder), [set(), first, 0, holder_file])
            gap[0].update(grades)
            gap[2] += count
    for (role, holder), (grades, risk_id, count, holder_file) in gaps.items():
        words = join_list([grade_word(g) for g in GRADES if g in grades])
        params = {"grade": words, "count": count, "risk": risk_id, "role": role}
        if role in (LEADERSHIP, PARTY):
            party = org.party if role == PARTY else None
            key = "lint.LZ304.party" if party else "lint.LZ304.group"
            yield Finding(At(ORG_FILE, ("org",)), org.id, tr(key, department=party or "", **params))
        elif holder_file is not None:
            key = "supervisor" if role == SUPERVISOR else "leader"
            message = tr("lint.LZ304.department", department=holder, key=key, **params)
            yield Finding(At(holder_file, ()), holder, message)
        else:
            key = "head" if role == HEAD else "inspection"
            yield Finding(At(ORG_FILE, ("org",)), org.id, tr("lint.LZ304.org", key=key, **params))
