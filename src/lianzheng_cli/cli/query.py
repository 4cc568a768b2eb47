"""lz query"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.common import LangOption, checked_register, command_help, format_option, start, usage_error
from lianzheng_cli.i18n import messages, set_language
from lianzheng_cli.outputs.query import QUERY_FORMATS

tr = messages({
    "query.help": {
        "zh": "对登记簿或汇总导出的数据表执行只读SQL查询（DuckDB）。\n\n"
              "SOURCE 是 lz export parquet 或 lz rollup --export 导出的目录，或登记簿目录（先校验再导出到临时目录）；"
              "默认为当前登记簿。每张表是一个视图：units、departments、people、posts、powers、processes、steps、"
              "risks、measures、warnings、approvals、assessments，各有 unit 与 year 列；表与列见 docs/export.md。\n\n"
              "只能执行一条 SELECT 语句（可带 WITH）；查询只能读取导出目录中的文件。\n\n"
              "示例：lz query \"SELECT unit, grade, count(*) FROM risks GROUP BY ALL\"\n\n"
              "退出码：0 已查询；1 查询失败或登记簿有错误；2 不是只读查询或用法错误。",
        "en": "Run a read-only SQL query (DuckDB) over a register's or a rollup's exported tables.\n\n"
              "SOURCE is a folder written by lz export parquet or lz rollup --export, or a register folder "
              "(validated, then exported to a temporary folder); default: the current register. Each table is a "
              "view: units, departments, people, posts, powers, processes, steps, risks, measures, warnings, "
              "approvals, assessments, each with the columns unit and year; see docs/export.md.\n\n"
              "Only one SELECT statement (WITH allowed) is run, and it reads only the export's files.\n\n"
              "Example: lz query \"SELECT unit, grade, count(*) FROM risks GROUP BY ALL\"\n\n"
              "Exit codes: 0 done; 1 the query failed or the register has errors; 2 not a read-only query, "
              "or usage error.",
    },
    "query.help.sql": {"zh": "一条 SELECT 语句。", "en": "One SELECT statement."},
    "query.help.source": {
        "zh": "导出目录或登记簿目录，默认为当前登记簿。",
        "en": "An export folder or a register folder; default: the current register.",
    },
    "query.help.format": {
        "zh": "输出格式：text（表格）、csv、json（对象数组）。",
        "en": "Output format: text (a table), csv, json (an array of objects).",
    },
})


@command_help(tr.lazy("query.help"))
def query_command(
    sql: Annotated[str, typer.Argument(metavar="SQL", help=tr.lazy("query.help.sql"), show_default=False)],
    source: Annotated[Path | None, typer.Argument(metavar="[SOURCE]", help=tr.lazy("query.help.source"),
                                                  show_default=False)] = None,
    fmt: Annotated[str, format_option(QUERY_FORMATS, help=tr.lazy("query.help.format"))] = "text",
    lang: LangOption = None,
) -> None:
    """lz query SQL [SOURCE]: one read-only SELECT over exported tables."""
    from lianzheng_cli.analytics.parquet import export_register, is_export
    from lianzheng_cli.analytics.query import QueryFailed, QueryRefused, run_query

    with tempfile.TemporaryDirectory(prefix="lz-query-export-") as scratch:
        if source is not None and is_export(source):
            if lang is not None:
                set_language(lang.value)
            folder = source
        else:
            root = start(lang, source)
            folder = Path(scratch)
            export_register(checked_register(root, out=sys.stderr).register, folder)
        try:
            result = run_query(sql, folder)
        except QueryRefused as exc:
            raise usage_error(str(exc)) from None
        except QueryFailed as exc:
            typer.echo(f"lz: {exc}", err=True)
            raise typer.Exit(1) from None
    QUERY_FORMATS[fmt](result, sys.stdout)
