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
    clean_validation,
    command_help,
    format_option,
    start,
    usage_error,
)
from lianzheng_cli.diagnostics import Severity, count_by_severity
from lianzheng_cli.i18n import messages, set_language
from lianzheng_cli.lint import UnknownRuleCode, active_rules
from lianzheng_cli.lint.incremental import IncrementalLint
from lianzheng_cli.outputs.diagnostics import report
from lianzheng_cli.outputs.rule_list import RENDERERS

tr = messages({
    "lint.usage.as_of": {
        "zh": "--as-of 的日期 `{value}` 格式不对，应为 YYYY-MM-DD（如 2025-12-31）",
        "en": "--as-of date `{value}` is not YYYY-MM-DD (e.g. 2025-12-31)",
    },
    "lint.help": {
        "zh": "检查登记簿是否符合廉政风险防控的要求：先校验，再运行检查规则（lz rules 列出全部规则）。\n\n"
              "规则可用 --select、--ignore，org.yaml 的 lint 设置，或行内注释 `# lz: disable=LZ501 理由` 调整。\n\n"
              "退出码：0 没有错误级别的问题；1 有校验错误或错误级别的问题；2 用法或配置错误。",
        "en": "Lint the register against the practice of integrity-risk control: validate first, then run the "
              "lint rules (lz rules lists them).\n\n"
              "Adjust the rules with --select and --ignore, the lint settings of org.yaml, or an inline comment "
              "`# lz: disable=LZ501 reason`.\n\n"
              "Exit codes: 0 no error-level findings; 1 validation errors or error-level findings; "
              "2 usage or configuration error.",
    },
    "lint.help.as_of": {
        "zh": "日期规则的截止日期。默认今天；登记簿年度已过时为该年12月31日。",
        "en": "The date the date rules judge by. Default: today, or 31 December of a past register year.",
    },
    "lint.help.select": {
        "zh": "只运行这些规则：代码或前缀，如 LZ3,LZ501。可重复使用。",
        "en": "Run only these rules: codes or prefixes, e.g. LZ3,LZ501. May be repeated.",
    },
    "lint.help.ignore": {
        "zh": "不运行这些规则：代码或前缀，如 LZ204,LZ5。",
        "en": "Skip these rules: codes or prefixes, e.g. LZ204,LZ5.",
    },
    "rules.help": {
        "zh": "列出全部规则代码：lz validate 的校验代码与 lz lint 的检查规则，及其默认级别与说明。",
        "en": "List every rule code: the checks of lz validate and the rules of lz lint, with their default "
              "severity and summary.",
    },
    "rules.help.format": {
        "zh": "输出格式：text（终端）、markdown（即 docs/rules.md）、json（机器可读）。",
        "en": "Output format: text (terminal), markdown (as docs/rules.md), json (for programs).",
    },
})

AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", metavar="YYYY-MM-DD", show_default=False, help=tr.lazy("lint.help.as_of"))]
SelectOption = Annotated[list[str] | None, typer.Option(
    "--select", metavar="CODES", show_default=False, help=tr.lazy("lint.help.select"))]
IgnoreOption = Annotated[list[str] | None, typer.Option(
    "--ignore", metavar="CODES", show_default=False, help=tr.lazy("lint.help.ignore"))]


def parse_as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise usage_error(tr("lint.usage.as_of", value=value)) from None


@command_help(tr.lazy("lint.help"))
def lint_command(register: RegisterOption = None, fmt: DiagnosticFormatOption = "text", lang: LangOption = None,
                 as_of: AsOfOption = None, select: SelectOption = None, ignore: IgnoreOption = None,
                 base_path: BasePathOption = None) -> None:
    """lz lint: validate, then run the lint rules; exit 1 on error-level findings."""
    root = start(lang, register)
    day = parse_as_of(as_of)
    try:
        active_rules(select=select or (), ignore=ignore or ())  # a misspelt code is a usage error, before any work
    except UnknownRuleCode as exc:
        raise usage_error(str(exc)) from None
    job = IncrementalLint(root, as_of=day, select=select or (), ignore=ignore or ())
    result = clean_validation(root, fmt=fmt, base=base_path, model=job.needs_model)
    diagnostics = sorted(result.diagnostics + job.run(result), key=lambda d: d.sort_key)
    counts = count_by_severity(diagnostics)
    summary = {**result.summary(), "errors": counts["errors"], "warnings": counts["warnings"]}
    report(fmt, diagnostics, summary, root, base=base_path)
    raise typer.Exit(1 if any(d.severity is Severity.ERROR for d in diagnostics) else 0)


@command_help(tr.lazy("rules.help"))
def rules_command(
    fmt: Annotated[str, format_option(RENDERERS, help=tr.lazy("rules.help.format"))] = "text",
    lang: LangOption = None,
) -> None:
    """lz rules: the rule catalogue as text, Markdown (docs/rules.md) or JSON."""
    if lang is not None:
        set_language(lang.value)
    typer.echo(RENDERERS[fmt](), nl=False)
