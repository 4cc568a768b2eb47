"""lz assess"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lianzheng_cli.cli.common import (
    LangOption,
    RegisterOption,
    checked_register,
    command_help,
    format_option,
    start,
    usage_error,
)
from lianzheng_cli.cli.lint import parse_as_of
from lianzheng_cli.fileio import shown_path
from lianzheng_cli.i18n import messages
from lianzheng_cli.outputs.assess import ASSESS_FORMATS

if TYPE_CHECKING:
    from lianzheng_cli.assess import Assessment
    from lianzheng_cli.diagnostics import Diagnostic
    from lianzheng_cli.model.records import Register

tr = messages({
    "assess.help": {
        "zh": "年度考核：按评分标准为每个部门和本单位打分（百分制），逐项列出得分与依据。\n\n"
              "评分标准写在 org.yaml 的 assessment.items，没有时用 lz 内置的默认标准（见 docs/assess.md）。"
              "各项由登记簿计算（风险排查覆盖、高风险点中期监控、措施按期落实、预警按时办结、交底、承诺、"
              "检查错误），或由考核组打分，得分记在 assessments.yaml。"
              "等级：好（90–100）、较好（80–89）、一般（70–79）、差（70以下）。\n\n"
              "退出码：0 已评分；1 登记簿或 assessments.yaml 有错误；2 用法错误。",
        "en": "The yearly assessment: score each department and the unit out of 100 by the assessment standard, "
              "item by item with the evidence.\n\n"
              "The standard is org.yaml's assessment.items, else the default shipped with lz (see "
              "docs/assess.md). Items are computed from the register (risk coverage, high risks monitored, "
              "measures on time, warnings closed in time, briefings, pledges, lint errors) or scored by the "
              "assessment group in assessments.yaml. Bands: good 90–100, fairly good 80–89, average 70–79, "
              "poor below 70.\n\n"
              "Exit codes: 0 scored; 1 the register or assessments.yaml has errors; 2 usage error.",
    },
    "assess.help.format": {
        "zh": "输出格式：text（终端）或 json（机器可读，键名稳定）。",
        "en": "Output format: text (terminal) or json (for programs; stable keys).",
    },
    "assess.help.date": {
        "zh": "计算截至日期（到期措施、预警时限、检查规则）。默认今天；登记簿年度已过时为该年12月31日。",
        "en": "The date to count to (measures due, warning limits, lint rules). Default: today, or 31 December "
              "of a past register year.",
    },
    "assess.help.xlsx": {
        "zh": "另生成考核评分表（.xlsx）：考核评分与评分依据两个工作表。",
        "en": "Also write the assessment workbook (.xlsx): a scores sheet and an evidence sheet.",
    },
    "assess.output_is_folder": {
        "zh": "{path} 是目录；请用 --xlsx 指定 .xlsx 文件名",
        "en": "{path} is a folder; name an .xlsx file with --xlsx",
    },
    "assess.written": {"zh": "已生成：{path}", "en": "written: {path}"},
    "assess.cannot_write": {"zh": "无法写入 {path}：{reason}", "en": "cannot write {path}: {reason}"},
    "assess.problems": {
        "zh": "assessments.yaml 有{count}个错误，未评分",
        "en": "assessments.yaml has {count} error(s); nothing was scored",
    },
})


@command_help(tr.lazy("assess.help"))
def assess_command(
    fmt: Annotated[str, format_option(ASSESS_FORMATS, help=tr.lazy("assess.help.format"))] = "text",
    day: Annotated[str | None, typer.Option(
        "--date", "--as-of", metavar="YYYY-MM-DD", show_default=False, help=tr.lazy("assess.help.date"))] = None,
    xlsx: Annotated[Path | None, typer.Option(
        "--xlsx", metavar="FILE", show_default=False, help=tr.lazy("assess.help.xlsx"))] = None,
    register: RegisterOption = None,
    lang: LangOption = None,
) -> None:
    """lz assess: the yearly score of each department and of the unit."""
    from lianzheng_cli.lint import default_as_of, lint

    root = start(lang, register)
    as_of = parse_as_of(day)
    result = checked_register(root, out=sys.stderr)
    reg = result.register
    as_of = as_of or default_as_of(reg.org.year)
    assessment = scored(reg, as_of, lint(reg, as_of=as_of))
    if xlsx is not None:
        from lianzheng_cli.outputs.xlsx.assessment import write_assessment_workbook

        if xlsx.is_dir():
            raise usage_error(tr("assess.output_is_folder", path=xlsx))
        try:
            write_assessment_workbook(reg, assessment, xlsx)
        except OSError as exc:
            raise usage_error(tr("assess.cannot_write", path=exc.filename or xlsx, reason=exc.strerror or exc)) \
                from None
    ASSESS_FORMATS[fmt](assessment, reg.org.id, reg.org.name, sys.stdout)
    if xlsx is not None:
        typer.echo(tr("assess.written", path=shown_path(xlsx)), err=fmt == "json")


def scored(reg: Register, as_of: date, findings: list[Diagnostic]) -> Assessment:
    """The register's assessment; its errors in assessments.yaml are listed and lz exits 1."""
    from lianzheng_cli.assess import assess

    assessment = assess(reg, as_of=as_of, lint_findings=findings)
    if assessment.problems:
        for d in assessment.problems:
            typer.echo(f"{shown_path(reg.root / d.file)}:{d.line}:{d.column}: {d.code} {d.message}", err=True)
        typer.echo(f"lz: {tr('assess.problems', count=len(assessment.problems))}", err=True)
        raise typer.Exit(1)
    return assessment


def keeps_assessment(reg: Register) -> bool:
    """Whether the register keeps a yearly assessment (a 评分标准 in org.yaml, or assessments.yaml): then the
    report has its 年度考核 section."""
    return reg.org.assessment is not None or bool(reg.assessment_scores)
