"""Rules about warnings and their handling (预警处置): LZ401–LZ403."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from lianzheng_cli.diagnostics import Severity
from lianzheng_cli.i18n import messages
from lianzheng_cli.lint.catalogue import Context, Finding, rule

tr = messages({
    "lint.LZ401": {
        "zh": "预警 `{id}`（{level}）于{date}发出，截至{as_of}已{open_days}天仍未处置完毕，超过{days}天的处置时限",
        "en": "warning `{id}` ({level}) opened {date} is still open after {open_days} days as of {as_of}, "
              "beyond the {days}-day limit",
    },
    "lint.LZ402": {
        "zh": "预警 `{id}` 已于{closed}办结，但没有记录处置方式（action）",
        "en": "warning `{id}` was closed on {closed} with no action recorded",
    },
    "lint.LZ403": {
        "zh": "预警 `{id}` 的办结日期{closed}早于发出日期{date}",
        "en": "warning `{id}` is closed on {closed}, before it was opened on {date}",
    },
})


@rule(
    "LZ401", Severity.WARNING,
    summary="预警超过处置时限仍未办结",
    summary_en="a warning is open longer than warning_close_days",
    rationale="""
预警处置有时限：预警自发出之日（date）起 policy.warning_close_days（默认30）天内应处置完毕
并写上办结日期（closed）。没有 closed 而发出日期加时限早于 --as-of 日期，即为超期；第30天当天不算。
""",
    bad="""
warnings:
  - {id: W2025-03, risk: A1-3, date: 2025-04-02, level: 预警}    # 截至 2025-12-31 仍未办结
""",
    good="""
warnings:
  - {id: W2025-03, risk: A1-3, date: 2025-04-02, level: 预警, action: 谈话提醒, closed: 2025-04-20}
""",
)
def check_warning_open(ctx: Context) -> Iterator[Finding]:
    days = ctx.policy.warning_close_days
    for warning in ctx.register.warnings.values():
        if warning.closed is None and ctx.as_of > warning.date + timedelta(days=days):
            yield Finding(warning.at, warning.id,
                          tr("lint.LZ401", id=warning.id, level=warning.level, date=warning.date.isoformat(),
                             as_of=ctx.as_of.isoformat(), open_days=(ctx.as_of - warning.date).days, days=days),
                          field="date")


@rule(
    "LZ402", Severity.WARNING,
    summary="预警已办结但没有处置方式",
    summary_en="a closed warning has no action",
    rationale="""
预警处置记录要写明怎样处置的（风险提示、谈话提醒、诫勉谈话、责令整改）。写了办结日期（closed）
却没有处置方式（action），处置无从查考，考核时也无法认定已处置。
""",
    bad="""
warnings:
  - {id: W2025-03, risk: A1-3, date: 2025-04-02, level: 预警, closed: 2025-04-20}
""",
    good="""
warnings:
  - {id: W2025-03, risk: A1-3, date: 2025-04-02, level: 预警, action: 谈话提醒, closed: 2025-04-20}
""",
)
def check_warning_action(ctx: Context) -> Iterator[Finding]:
    for warning in ctx.register.warnings.values():
        if warning.closed is not None and not warning.action:
            yield Finding(warning.at, warning.id,
                          tr("lint.LZ402", id=warning.id, closed=warning.closed.isoformat()), field="closed")


@rule(
    "LZ403", Severity.ERROR,
    summary="预警的办结日期早于发出日期",
    summary_en="a warning is closed before it was opened",
    rationale="""
办结日期（closed）早于发出日期（date）的记录不可能发生，多为日期填错（年份或月份写反），
处置时限也就无从计算，所以默认为错误。
""",
    bad="""
warnings:
  - {id: W2025-03, risk: A1-3, date: 2025-04-02, level: 预警, action: 谈话提醒, closed: 2025-02-04}
""",
    good="""
warnings:
  - {id: W2025-03, risk: A1-3, date: 2025-04-02, level: 预警, action: 谈话提醒, closed: 2025-04-20}
""",
)
def check_warning_dates(ctx: Context) -> Iterator[Finding]:
    for warning in ctx.register.warnings.values():
        if warning.closed is not None and warning.closed < warning.date:
            yield Finding(warning.at, warning.id,
                          tr("lint.LZ403", id=warning.id, closed=warning.closed.isoformat(),
                             date=warning.date.isoformat()),
                          field="closed")
