"""lz rollup"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.common import LangOption, command_help, format_option, usage_error
from lianzheng_cli.cli.lint import parse_as_of
from lianzheng_cli.fileio import shown_path
from lianzheng_cli.i18n import messages, set_language
from lianzheng_cli.outputs.rollup import ROLLUP_FORMATS

tr = messages({
    "rollup.help": {
        "zh": "把多个单位的登记簿汇总为全县（全市）一览：各单位的部门、人员、职权、风险点（按等级、类型）、"
              "措施（按阶段、状态）、逾期措施、未办结预警、交底率与承诺率，排名，以及单位间照抄照搬的风险点。\n\n"
              "SOURCE 是登记簿目录（含 org.yaml，或其中的 registers/），或 git 仓库@版本（如 repo@2024、"
              "repo@v2025、repo@HEAD；年份按 lz diff 的规则取标签或该年最后一次提交）。\n\n"
              "每个单位先校验；有错误的单位连同其错误列出，不计入汇总。各单位的数据表导出到缓存（按内容），"
              "未改动的单位下次直接取自缓存；汇总在 DuckDB 中用SQL完成。\n\n"
              "退出码：0 已汇总，所有单位均无错误；1 有单位有错误（其余单位照常汇总）；2 用法错误。",
        "en": "Roll many units' registers up into one county (or city) view: per unit, departments, people, "
              "powers, risks by grade and type, measures by stage and status, overdue measures, open warnings, "
              "briefed and pledged shares; a ranking; and risks copied between units.\n\n"
              "A SOURCE is a register folder (with org.yaml, or its registers/), or git-repository@revision "
              "(repo@2024, repo@v2025, repo@HEAD; a year is a tag or that year's last commit, as for lz diff).\n\n"
              "Each unit is validated first; a unit with errors is listed with its errors and left out of the "
              "totals. Each unit's tables are exported into a cache kept by content, so an unchanged unit comes "
              "from the cache next time; the totals are SQL on DuckDB.\n\n"
              "Exit codes: 0 rolled up, no unit has errors; 1 some unit has errors (the others are rolled up); "
              "2 usage error.",
    },
    "rollup.help.sources": {
        "zh": "登记簿目录，或 git 仓库@版本；可给多个。",
        "en": "Register folders, or git-repository@revision; as many as needed.",
    },
    "rollup.help.format": {
        "zh": "输出格式：text（终端）、json（机器可读）、markdown（汇总报告）。",
        "en": "Output format: text (terminal), json (for programs), markdown (the summary).",
    },
    "rollup.help.date": {
        "zh": "统计截至日期（逾期措施、未办结预警、交底与承诺）。默认今天；单位登记簿年度已过时为该年12月31日。",
        "en": "The date counted to (overdue measures, open warnings, briefings and pledges). Default: today, or "
              "31 December of a unit's past register year.",
    },
    "rollup.help.xlsx": {
        "zh": "另写全县工作簿：汇总表，每个单位一个工作表，有错误的单位，照抄照搬。",
        "en": "Also write the county workbook: the summary sheet, a sheet per unit, the units with errors, "
              "the copies.",
    },
    "rollup.help.docx": {"zh": "另写Word汇总报告。", "en": "Also write the summary as a Word document."},
    "rollup.help.export": {
        "zh": "另把各单位的数据表合并导出到此目录（Parquet，按单位和年度分区；可用 lz query 查询）。",
        "en": "Also gather the units' tables into this folder (Parquet, by unit and year; lz query reads it).",
    },
    "rollup.help.cache": {
        "zh": "各单位导出数据的缓存目录，默认 $LZ_CACHE_DIR/rollup 或 ~/.cache/lz/rollup。",
        "en": "The cache of the units' exports; default: $LZ_CACHE_DIR/rollup or ~/.cache/lz/rollup.",
    },
    "rollup.written": {"zh": "已生成：{path}", "en": "written: {path}"},
    "rollup.cannot_write": {"zh": "无法写入 {path}：{reason}", "en": "cannot write {path}: {reason}"},
})


@command_help(tr.lazy("rollup.help"))
def rollup_command(
    sources: Annotated[list[str], typer.Argument(metavar="SOURCE...", help=tr.lazy("rollup.help.sources"),
                                                 show_default=False)],
    fmt: Annotated[str, format_option(ROLLUP_FORMATS, help=tr.lazy("rollup.help.format"))] = "text",
    as_of: Annotated[str | None, typer.Option("--date", "--as-of", metavar="YYYY-MM-DD", show_default=False,
                                              help=tr.lazy("rollup.help.date"))] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", metavar="FILE", show_default=False,
                                              help=tr.lazy("rollup.help.xlsx"))] = None,
    docx: Annotated[Path | None, typer.Option("--docx", metavar="FILE", show_default=False,
                                              help=tr.lazy("rollup.help.docx"))] = None,
    export: Annotated[Path | None, typer.Option("--export", metavar="DIR", show_default=False,
                                                help=tr.lazy("rollup.help.export"))] = None,
    cache: Annotated[Path | None, typer.Option("--cache", metavar="DIR", show_default=False,
                                               help=tr.lazy("rollup.help.cache"))] = None,
    lang: LangOption = None,
) -> None:
    """lz rollup SOURCE...: many units' registers into one county view, on DuckDB."""
    import duckdb

    from lianzheng_cli.analytics.rollup import run_rollup
    from lianzheng_cli.analytics.units import rollup_cache

    if lang is not None:
        set_language(lang.value)
    day = parse_as_of(as_of)
    try:
        rollup = run_rollup(sources, as_of=day, cache=cache or rollup_cache(), export=export)
    except (OSError, duckdb.IOException) as exc:  # the cache or --export cannot be written
        raise usage_error(tr("rollup.cannot_write", path=getattr(exc, "filename", None) or export or cache,
                             reason=getattr(exc, "strerror", None) or exc)) from None
    ROLLUP_FORMATS[fmt](rollup, sys.stdout)
    made = _made(day or date.today())
    if export is not None:
        typer.echo(tr("rollup.written", path=shown_path(export)), err=fmt != "text")
    for target, write in ((xlsx, _write_xlsx), (docx, _write_docx)):
        if target is None:
            continue
        try:
            write(rollup, target, made)
        except OSError as exc:
            raise usage_error(tr("rollup.cannot_write", path=exc.filename or target, reason=exc.strerror or exc)) \
                from None
        typer.echo(tr("rollup.written", path=shown_path(target)), err=fmt != "text")
    raise typer.Exit(1 if rollup.failed else 0)


def _made(day: date) -> datetime:
    """The time the documents say they were made: ``SOURCE_DATE_EPOCH``, else the as-of date (same bytes)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _write_xlsx(rollup, target: Path, made: datetime) -> None:
    from lianzheng_cli.outputs.xlsx.rollup import write_rollup_workbook

    write_rollup_workbook(rollup, target, made=made)


def _write_docx(rollup, target: Path, made: datetime) -> None:
    from lianzheng_cli.outputs.docx.rollup import write_rollup_docx

    write_rollup_docx(rollup, target, made=made)
