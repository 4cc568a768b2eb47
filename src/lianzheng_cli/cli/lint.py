"""lz lint, lz rules"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from lianzheng_cli.cli.common import (
    BasePathOption,
    DiagnosticFormatOption,
    LangOption,
    RegisterOption,
    checked_register,
    format_option,
    start,
    usage_error,
)
from lianzheng_cli.diagnostics import Severity, count_by_severity
from lianzheng_cli.i18n import messages, set_language
from lianzheng_cli.lint import UnknownRuleCode, active_rules, lint
from lianzheng_cli.outputs.diagnostics import report
from lianzheng_cli.outputs.rule_list import RENDERERS

tr = messages({
    "lint.usage.as_of": {
        "zh": "--as-of 的日期 `{value}` 格式不对,应为 YYYY-MM-DD(如 2025-12-31)",
        "en": "--as-of date `{value}` is not YYYY-MM-DD (e.g. 2025-12-31)",
    },
})

AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", metavar="YYYY-MM-DD", show_default=False,
    help="日期规则的截止日期。 默认今天; 登记簿年度已过 则为该年 12 月 31 日。")]
SelectOption = Annotated[list[str] | None, typer.Option(
    "--select", metavar="CODES", show_default=False,
    help="只运行这些规则: 代码或前缀, 如 LZ3,LZ501。 可重复使用。")]
IgnoreOption = Annotated[list[str] | None, typer.Option(
    "--ignore", metavar="CODES", show_default=False, help="不运行这些规则: 代码或前缀, 如 LZ204,LZ5。")]


def parse_as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise usage_error(tr("lint.usage.as_of", value=value)) from None


def lint_command(register: RegisterOption = None, fmt: DiagnosticFormatOption = "text", lang: LangOption = None,
                 as_of: AsOfOption = None, select: SelectOption = None, ignore: IgnoreOption = None,
                 base_path: BasePathOption = None) -> None:
    """检查登记簿是否符合廉政风险防控的做法: 先校验, 再运行检查规则 (lz rules 列出全部规则)。

    规则可用 --select / --ignore、 org.yaml 的 lint 设置、 或行内注释 `# lz: disable=LZ501 理由` 调整。

    退出码: 0 没有错误级别的问题; 1 有校验错误 或错误级别的问题; 2 用法或配置错误。
    """
    root = start(lang, register)
    day = parse_as_of(as_of)
    try:
        active_rules(select=select or (), ignore=ignore or ())  # a misspelt code is a usage error, before any work
    except UnknownRuleCode as exc:
        raise usage_error(str(exc)) from None
    result = checked_register(root, fmt=fmt, base=base_path)
    diagnostics = sorted(result.diagnostics + lint(result.register, as_of=day, select=select or (),
                                                   ignore=ignore or ()), key=lambda d: d.sort_key)
    counts = count_by_severity(diagnostics)
    summary = {**result.summary(), "errors": counts["errors"], "warnings": counts["warnings"]}
    report(fmt, diagnostics, summary, root, base=base_path)
    raise typer.Exit(1 if any(d.severity is Severity.ERROR for d in diagnostics) else 0)


def rules_command(
    fmt: Annotated[str, format_option(
        RENDERERS, help="输出格式: text 终端, markdown 即 docs/rules.md, json 机器可读。")] = "text",
    lang: LangOption = None,
) -> None:
    """列出全部规则代码: lz validate 的校验代码 与 lz lint 的检查规则 (默认级别与说明)。"""
    if lang is not None:
        set_language(lang.value)
    typer.echo(RENDERERS[fmt](), nl=False)
