"""lz import"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.common import LangOption, format_option, usage_error
from lianzheng_cli.i18n import messages, set_language
from lianzheng_cli.importing import ImportOptions, ImportUsageError, import_files, parse_map, write_register
from lianzheng_cli.outputs.import_report import IMPORT_FORMATS

tr = messages({
    "import.need_out": {
        "zh": "请用 --out 指定新登记簿的目录（或加 --dry-run 只查看结果）",
        "en": "name the new register's folder with --out (or add --dry-run to see the result only)",
    },
    "import.cannot_write": {"zh": "无法写入 {path}：{reason}", "en": "cannot write {path}: {reason}"},
})


def import_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="要导入的一览表、职权目录、岗位风险等级目录：.xlsx（Excel、WPS）、.xls、.docx。",
                       show_default=False),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", show_default=False,
                     help="新登记簿的目录（写入 org.yaml 与 departments/*.yaml），须为新目录或空目录。"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="试运行：不写任何文件，列出将写入的文件、列对应关系和全部问题。")
    ] = False,
    fmt: Annotated[str, format_option(
        IMPORT_FORMATS, help="问题报告的格式：text（终端）或 json（机器可读）。")] = "text",
    column_map: Annotated[
        list[str] | None,
        typer.Option("--map", show_default=False,
                     help="指定某列的含义，覆盖自动识别：列标题=字段，"
                          "如 --map 工作事项=流程、--map 备注=ignore。可多次使用。"),
    ] = None,
    org_name: Annotated[
        str | None, typer.Option("--org-name", show_default=False, help="单位名称（标题行或「填报单位」行没有写时）。")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", min=1990, max=2100, show_default=False,
                                 help="年度（标题行没有写「2025年度」时）。")
    ] = None,
    lang: LangOption = None,
) -> None:
    """导入已有的廉政风险点防控措施一览表、职权目录和岗位风险等级目录，生成新的登记簿。

    按表头文字识别各列（可用 --map 指定），每个风险点注明来源的文件、工作表和行。

    退出码：0 成功；1 有错误级别的问题（相应的行未导入）；
    2 用法错误（文件无法读取、不是 Excel 或 Word 文件、没有找到表格）。
    """
    if lang is not None:
        set_language(lang.value)
    if out is None and not dry_run:
        raise usage_error(tr("import.need_out"))
    try:
        options = ImportOptions(org_name=org_name, year=year, column_map=parse_map(column_map or []))
        result = import_files(files, options, shown=[str(f) for f in files])
        written = None if dry_run or out is None else write_register(result, out)
    except ImportUsageError as exc:
        raise usage_error(str(exc)) from None
    except OSError as exc:
        raise usage_error(tr("import.cannot_write", path=exc.filename or out, reason=exc.strerror or exc)) from None
    IMPORT_FORMATS[fmt](result, out, written, sys.stdout)
    if result.problems.errors:
        raise typer.Exit(1)
