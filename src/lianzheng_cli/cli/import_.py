"""lz import"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.common import LangOption, command_help, format_option, usage_error
from lianzheng_cli.i18n import messages, set_language
from lianzheng_cli.importing import ImportOptions, ImportUsageError, import_files, parse_map, write_register
from lianzheng_cli.outputs.import_report import IMPORT_FORMATS

tr = messages({
    "import.need_out": {
        "zh": "请用 --out 指定新登记簿的目录（或加 --dry-run 只查看结果）",
        "en": "name the new register's folder with --out (or add --dry-run to see the result only)",
    },
    "import.cannot_write": {"zh": "无法写入 {path}：{reason}", "en": "cannot write {path}: {reason}"},
    "import.help": {
        "zh": "导入已有的廉政风险点防控措施一览表、职权目录和岗位风险等级目录，生成新的登记簿。\n\n"
              "按表头文字识别各列（可用 --map 指定），每个风险点注明来源的文件、工作表和行。\n\n"
              "退出码：0 成功；1 有错误级别的问题（相应的行未导入）；"
              "2 用法错误（文件无法读取、不是Excel或Word文件、没有找到表格）。",
        "en": "Import an office's existing table of integrity risks and measures, catalogue of powers and list of "
              "post risk grades as a new register.\n\nColumns are recognized by their header words (or named "
              "with --map); each risk names the file, sheet and row it came from.\n\n"
              "Exit codes: 0 imported; 1 problems of error severity (those rows were not imported); 2 usage error "
              "(a file cannot be read, is not an Excel or Word file, or holds no table).",
    },
    "import.help.files": {
        "zh": "要导入的一览表、职权目录、岗位风险等级目录：.xlsx（Excel、WPS）、.xls、.docx。",
        "en": "The tables to import: .xlsx (Excel, WPS), .xls or .docx.",
    },
    "import.help.out": {
        "zh": "新登记簿的目录（写入 org.yaml 与 departments/*.yaml），须为新目录或空目录。",
        "en": "The new register's folder (org.yaml and departments/*.yaml are written there); new or empty.",
    },
    "import.help.dry_run": {
        "zh": "试运行：不写任何文件，列出将写入的文件、列对应关系和全部问题。",
        "en": "Write nothing: list the files that would be written, the column mapping and every problem.",
    },
    "import.help.format": {
        "zh": "问题报告的格式：text（终端）或 json（机器可读）。",
        "en": "The format of the problem report: text (terminal) or json (for machines).",
    },
    "import.help.map": {
        "zh": "指定某列的含义，覆盖自动识别：「列标题=字段」，如 --map 工作事项=流程、--map 备注=ignore；可多次使用。",
        "en": "What a column holds, overriding the recognition: HEADER=FIELD (the header as the sheet writes "
              "it); repeatable.",
    },
    "import.help.org_name": {
        "zh": "单位名称（标题行或「填报单位」行没有写时）。",
        "en": "The organisation's name (when neither the title nor a line naming the reporting unit gives it).",
    },
    "import.help.year": {
        "zh": "年度（标题行没有写「2025年度」时）。",
        "en": "The register year (when the title does not give it).",
    },
})


@command_help(tr.lazy("import.help"))
def import_command(
    files: Annotated[
        list[Path],
        typer.Argument(help=tr.lazy("import.help.files"), show_default=False),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="DIR", show_default=False, help=tr.lazy("import.help.out")),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=tr.lazy("import.help.dry_run"))
    ] = False,
    fmt: Annotated[str, format_option(
        IMPORT_FORMATS, help=tr.lazy("import.help.format"))] = "text",
    column_map: Annotated[
        list[str] | None,
        typer.Option("--map", metavar="HEADER=FIELD", show_default=False, help=tr.lazy("import.help.map")),
    ] = None,
    org_name: Annotated[
        str | None, typer.Option("--org-name", show_default=False, help=tr.lazy("import.help.org_name"))
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", min=1990, max=2100, show_default=False, help=tr.lazy("import.help.year"))
    ] = None,
    lang: LangOption = None,
) -> None:
    """lz import: an office's existing tables as a new register, every risk traced to its source row."""
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
