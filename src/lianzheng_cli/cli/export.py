"""lz export parquet"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.common import (
    Command,
    LangOption,
    RegisterOption,
    checked_register,
    command_group,
    command_help,
    start,
    usage_error,
)
from lianzheng_cli.fileio import shown_path
from lianzheng_cli.i18n import join_list, messages

tr = messages({
    "export.help": {
        "zh": "导出登记簿的数据表，供分析引擎使用。",
        "en": "Export the register's tables for analytical engines.",
    },
    "export.parquet.help": {
        "zh": "把登记簿导出为Parquet数据表（单位、部门、人员、岗位、职权、流程、环节、风险点、措施、预警等），"
              "按单位和年度分区（目录 unit=编号/year=年度），DuckDB、Spark、Trino、pandas可直接读取；"
              "表与列见 docs/export.md。\n\n"
              "同一目录中已有的其他单位或年度的分区保留不动：逐个单位导出到同一目录即得全县的数据集。\n\n"
              "先校验登记簿，有错误时列出错误并以退出码 1 结束，不导出。\n\n"
              "退出码：0 已导出；1 登记簿有错误；2 用法错误或无法写入。",
        "en": "Export the register as Parquet tables (units, departments, people, posts, powers, processes, steps, "
              "risks, measures, warnings and more), partitioned by unit and year (folders unit=ID/year=YEAR), "
              "for DuckDB, Spark, Trino or pandas to read as they are; tables and columns: docs/export.md.\n\n"
              "Other units' and years' partitions already in the folder stay: exporting each unit into one folder "
              "makes a county's dataset.\n\n"
              "Validates the register first; with errors, lists them and exits 1 without exporting.\n\n"
              "Exit codes: 0 exported; 1 the register has errors; 2 usage error or the folder cannot be written.",
    },
    "export.help.folder": {"zh": "导出到此目录。", "en": "The folder to export into."},
    "export.written": {
        "zh": "已导出到 {path}：{rows}（单位 {unit}，{year}年度）",
        "en": "exported to {path}: {rows} (unit {unit}, {year})",
    },
    "export.rows": {"zh": "{table} {count}行", "en": "{table} {count} rows"},
    "export.cannot_write": {"zh": "无法写入 {path}：{reason}", "en": "cannot write {path}: {reason}"},
    "export.not_folder": {"zh": "{path} 不是目录", "en": "{path} is not a folder"},
})

export_app = command_group("export")


@export_app.callback()
@command_help(tr.lazy("export.help"))
def export_group() -> None:
    """lz export: one subcommand for each format."""


@export_app.command("parquet", cls=Command)
@command_help(tr.lazy("export.parquet.help"))
def export_parquet_command(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help=tr.lazy("export.help.folder"), show_default=False)],
    register: RegisterOption = None,
    lang: LangOption = None,
) -> None:
    """lz export parquet DIR: the register's tables as Parquet, partitioned by unit and year."""
    import duckdb

    from lianzheng_cli.analytics.parquet import export_register

    root = start(lang, register)
    if folder.exists() and not folder.is_dir():
        raise usage_error(tr("export.not_folder", path=folder))
    reg = checked_register(root).register
    try:
        counts = export_register(reg, folder)
    except (OSError, duckdb.IOException) as exc:
        raise usage_error(tr("export.cannot_write", path=folder, reason=getattr(exc, "strerror", None) or exc)) \
            from None
    rows = join_list([tr("export.rows", table=t, count=n) for t, n in counts.items() if n])
    typer.echo(tr("export.written", path=shown_path(folder), rows=rows, unit=reg.org.id, year=reg.org.year))
