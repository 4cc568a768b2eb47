"""lz import"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.common import (
    FollowSymlinksOption,
    LangOption,
    RegisterOption,
    checked_register,
    command_help,
    format_option,
    start,
    usage_error,
)
from lianzheng_cli.i18n import messages, os_error_reason, set_language
from lianzheng_cli.importing import ImportOptions, ImportUsageError, import_files, parse_map, write_register
from lianzheng_cli.importing.problems import Problems
from lianzheng_cli.importing.restore import restore
from lianzheng_cli.importing.run import read_sources
from lianzheng_cli.importing.update import update_register
from lianzheng_cli.outputs.import_report import IMPORT_FORMATS
from lianzheng_cli.outputs.update_report import RESTORED_FORMATS, UPDATE_FORMATS
from lianzheng_cli.write.files import WriteError

tr = messages({
    "import.need_out": {
        "zh": "请用 --out 指定新登记簿的目录（或加 --dry-run 只查看结果）",
        "en": "name the new register's folder with --out (or add --dry-run to see the result only)",
    },
    "import.cannot_write": {"zh": "无法写入 {path}：{reason}", "en": "cannot write {path}: {reason}"},
    "import.update_out": {
        "zh": "--update 更新已有的登记簿（-r 指定，默认 registers/），不能与 --out 同用",
        "en": "--update changes an existing register (named with -r, else registers/); it takes no --out",
    },
    "import.update_only": {
        "zh": "{option} 只用于 --update（导入到已有的登记簿）",
        "en": "{option} goes with --update only (importing into an existing register)",
    },
    "import.help": {
        "zh": "导入已有的廉政风险点防控措施一览表、职权目录和岗位风险等级目录，生成新的登记簿。\n\n"
              "按表头文字识别各列（可用 --map 指定），每个风险点注明来源的文件、工作表和行。"
              "lz render xlsx生成的工作簿附有登记簿原文：导入它就还原出原登记簿，并应用表中所做的修改。"
              "--update 把lz render xlsx生成、在Excel或WPS中修改过的一览表写回原登记簿。\n\n"
              "退出码：0 成功；1 有错误级别的问题（相应的行未导入）；"
              "2 用法错误（文件无法读取、不是Excel或Word文件、没有找到表格）。",
        "en": "Import an office's existing table of integrity risks and measures, catalogue of powers and list of "
              "post risk grades as a new register.\n\nColumns are recognized by their header words (or named "
              "with --map); each risk names the file, sheet and row it came from. A workbook lz render xlsx wrote "
              "carries its register: importing it restores that register with the edits made in the sheets. "
              "--update writes a workbook "
              "rendered by lz render xlsx and edited in Excel or WPS back into its register.\n\n"
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
        "zh": "试运行：不写任何文件，列出将写入的文件（--update 时为将做的修改）、列对应关系和全部问题。",
        "en": "Write nothing: list the files that would be written (with --update, the changes), the column "
              "mapping and every problem.",
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
    "import.help.update": {
        "zh": "导入到已有的登记簿（-r 指定）：lz render xlsx 生成、在Excel或WPS中修改过的一览表，"
              "按风险点编号原地修改登记簿，新增的行加入，保留注释和顺序。",
        "en": "Import into an existing register (named with -r): a workbook lz render xlsx wrote and someone "
              "edited in Excel or WPS changes the register in place by risk id, adds new rows, keeps comments "
              "and order.",
    },
    "import.help.from_cells": {
        "zh": "只按表格内容导入：不用lz render xlsx生成的工作簿所附的登记簿原文（见 docs/import.md）。",
        "en": "Import what the sheets show only: ignore the register text a workbook lz render xlsx wrote carries "
              "(see docs/import.md).",
    },
    "import.help.delete": {
        "zh": "与 --update 同用：删除表中已没有的风险点和措施（不加时只列出）。",
        "en": "With --update: delete the risks and measures the workbook no longer has (without it, only list them).",
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
    update: Annotated[bool, typer.Option(
        "--update", help=tr.lazy("import.help.update"))] = False,
    delete: Annotated[bool, typer.Option(
        "--delete", help=tr.lazy("import.help.delete"))] = False,
    from_cells: Annotated[bool, typer.Option(
        "--from-cells", help=tr.lazy("import.help.from_cells"))] = False,
    follow_symlinks: FollowSymlinksOption = False,
    register: RegisterOption = None,
    lang: LangOption = None,
) -> None:
    """lz import: an office's tables as a new register (or, with --update, into the register they came from)."""
    if lang is not None:
        set_language(lang.value)
    if update:
        if out is not None:
            raise usage_error(tr("import.update_out"))
        _update(files, register, column_map, delete=delete, dry_run=dry_run, fmt=fmt, lang=lang,
                follow_symlinks=follow_symlinks)
        return
    for given, option in ((delete, "--delete"), (register is not None, "--register"),
                          (follow_symlinks, "--follow-symlinks")):
        if given:
            raise usage_error(tr("import.update_only", option=option))
    if out is None and not dry_run:
        raise usage_error(tr("import.need_out"))
    try:
        options = ImportOptions(org_name=org_name, year=year, column_map=parse_map(column_map or []))
        sources = read_sources(files, [str(f) for f in files])
        notes = Problems()
        if len(sources) == 1 and not from_cells:
            restored = restore(sources[0], out, options, dry_run=dry_run, problems=notes)
            if restored is not None:
                RESTORED_FORMATS[fmt](restored, out, sys.stdout)
                raise typer.Exit(1 if restored.update.problems.errors else 0)
        result = import_files(files, options, sources=sources)
        result.problems.items[:0] = notes.items
        written = None if dry_run or out is None else write_register(result, out)
    except ImportUsageError as exc:
        raise usage_error(str(exc)) from None
    except WriteError as exc:
        typer.echo(f"lz: {exc}", err=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        raise usage_error(tr("import.cannot_write", path=exc.filename or out, reason=os_error_reason(exc))) from None
    IMPORT_FORMATS[fmt](result, out, written, sys.stdout)
    if result.problems.errors:
        raise typer.Exit(1)


def _update(files: list[Path], register: Path | None, column_map: list[str] | None, *, delete: bool, dry_run: bool,
            fmt: str, lang: LangOption, follow_symlinks: bool = False) -> None:
    """``--update``: the workbooks into the register they were rendered from."""
    root = start(lang, register)
    checked = checked_register(root, fmt=fmt)
    try:
        options = ImportOptions(column_map=parse_map(column_map or []))
        result = update_register(files, root, checked.register, options, shown=[str(f) for f in files],
                                 delete=delete, dry_run=dry_run, follow_symlinks=follow_symlinks)
    except ImportUsageError as exc:
        raise usage_error(str(exc)) from None
    except WriteError as exc:
        typer.echo(f"lz: {exc}", err=True)
        raise typer.Exit(1) from None
    UPDATE_FORMATS[fmt](result, root, sys.stdout)
    if result.problems.errors:
        raise typer.Exit(1)
