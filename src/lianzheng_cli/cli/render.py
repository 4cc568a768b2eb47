"""lz render xlsx, lz render docx, lz render forms"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli import i18n
from lianzheng_cli.cli.common import (
    Command,
    LangOption,
    RegisterOption,
    checked_register,
    command_group,
    command_help,
    progress_bar,
    start,
    usage_error,
    warn_all,
)
from lianzheng_cli.i18n import os_error_reason

tr = i18n.messages({
    "render.written": {"zh": "已生成：{path}", "en": "written: {path}"},
    "render.progress_rows": {"zh": "写入一览表（风险点）", "en": "writing the workbook (risks)"},
    "render.cannot_write": {
        "zh": "无法写入 {path}：{reason}",
        "en": "cannot write {path}: {reason}",
    },
    "render.output_not_folder": {
        "zh": "--by-department 时 -o 应为目录，而 {path} 是一个文件",
        "en": "with --by-department, -o names a folder, but {path} is a file",
    },
    "render.output_is_folder": {
        "zh": "{path} 是目录；请用 -o 指定 .xlsx 文件名",
        "en": "{path} is a folder; name an .xlsx file with -o",
    },
    "render.docx_output_is_folder": {
        "zh": "{path} 是目录；请用 -o 指定 .docx 文件名",
        "en": "{path} is a folder; name a .docx file with -o",
    },
    "render.forms_output_not_folder": {
        "zh": "-o 应为目录（每个层级一个文件），而 {path} 是一个文件",
        "en": "-o names a folder (one file per level), but {path} is a file",
    },
    "render.help": {
        "zh": "生成报表：xlsx与docx（廉政风险点防控措施一览表）、forms（各层级自查表与防控措施表）。",
        "en": "Write the forms: xlsx and docx (the table of integrity risks and their measures), forms (the "
              "self-check and measure forms of each level).",
    },
    "render.xlsx.help": {
        "zh": "生成打印就绪的《廉政风险点防控措施一览表》工作簿（A4横向）。\n\n"
              "先校验登记簿，有错误时列出错误并以退出码 1 结束，不生成文件。",
        "en": "Write the print-ready workbook of integrity risks and their measures (A4 landscape).\n\n"
              "Validates the register first; with errors, lists them and exits 1 without writing.",
    },
    "render.xlsx.help.output": {
        "zh": "输出文件，默认 out/<单位名>-<年度>-廉政风险点防控措施一览表.xlsx；"
              "与 --by-department 同用时为输出目录（默认 out/）。",
        "en": "The output file; default: in out/, named after the organisation and year. With --by-department, "
              "the output folder (default: out/).",
    },
    "render.xlsx.help.by_department": {
        "zh": "每个部门单独生成一个工作簿（各部门分别报送）。",
        "en": "One workbook for each department (for each to submit its own).",
    },
    "render.docx.help": {
        "zh": "生成《廉政风险点防控措施一览表》Word文档（A4横向，表头每页重复，合并单元格同工作簿）。\n\n"
              "先校验登记簿，有错误时列出错误并以退出码 1 结束，不生成文件。",
        "en": "Write the table of integrity risks and their measures as a Word document (A4 landscape, the header "
              "repeated on every page, cells merged as in the workbook).\n\n"
              "Validates the register first; with errors, lists them and exits 1 without writing.",
    },
    "render.docx.help.output": {
        "zh": "输出文件，默认 out/<单位名>-<年度>-廉政风险点防控措施一览表.docx；"
              "与 --by-department 同用时为输出目录（默认 out/）。",
        "en": "The output file; default: in out/, named after the organisation and year. With --by-department, "
              "the output folder (default: out/).",
    },
    "render.docx.help.by_department": {
        "zh": "每个部门单独生成一个文档（各部门分别报送）。",
        "en": "One document for each department (for each to submit its own).",
    },
    "render.docx.help.public": {
        "zh": "内部公示版：不含人员姓名（责任人以岗位、监控责任人以职责表示）。",
        "en": "The version to post inside the organisation: no person's name (owners by post, monitors by role).",
    },
    "render.forms.help": {
        "zh": "生成各层级的廉政风险自查表与防控措施表（Word，A4横向），附逐级审核栏。\n\n"
              "层级：个人（岗位风险）、领导班子成员（含思想道德风险）、部门（按流程）、"
              "单位（“三重一大”与共性风险）、领导班子（决策风险）。\n\n"
              "先校验登记簿，有错误时列出错误并以退出码 1 结束，不生成文件。",
        "en": "Write the self-check forms and measure forms of each level (Word, A4 landscape), each with its "
              "review chain.\n\nLevels: a person (their post's risks), a member of the leadership (with ethical "
              "risks), a department (by process), the unit (major matters and common risks), the leadership team "
              "(decision risks).\n\n"
              "Validates the register first; with errors, lists them and exits 1 without writing.",
    },
    "render.forms.help.level": {
        "zh": "只生成这一层级的表（个人、领导班子成员、部门、单位或领导班子，可重复）；默认五个层级都生成。",
        "en": "Only this level, by its Chinese name as `lz render forms -h --lang zh` lists them (may be repeated); "
              "default: all five.",
    },
    "render.forms.help.output": {
        "zh": "输出目录，默认 out/；每个层级一个 .docx 文件。",
        "en": "The output folder (default: out/); one .docx file for each level.",
    },
    "render.forms.help.template": {
        "zh": "自己的文字模板目录：按文件名替换 templates/docx/forms/ 中的填表说明。",
        "en": "A folder of your own text templates: files named as in templates/docx/forms/ replace its notes.",
    },
    "render.xlsx.help.public": {
        "zh": "内部公示版：不含人员姓名和预警处置记录。",
        "en": "The version to post inside the organisation: without people's names and warnings.",
    },
})

render_app = command_group("render")


@render_app.callback()
@command_help(tr.lazy("render.help"))
def render_group() -> None:
    """lz render: one subcommand for each form."""


@render_app.command("xlsx", cls=Command)
@command_help(tr.lazy("render.xlsx.help"))
def render_xlsx_command(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="PATH", show_default=False, help=tr.lazy("render.xlsx.help.output")),
    ] = None,
    by_department: Annotated[
        bool, typer.Option("--by-department", help=tr.lazy("render.xlsx.help.by_department"))
    ] = False,
    public: Annotated[
        bool, typer.Option("--public", help=tr.lazy("render.xlsx.help.public"))
    ] = False,
    register: RegisterOption = None,
    lang: LangOption = None,
) -> None:
    """lz render xlsx: the workbook of risks and measures; validates first and writes nothing on errors."""
    # Imported here: openpyxl imports numpy when it is installed, and every other lz command would pay for both.
    from lianzheng_cli.outputs.xlsx.risk_table import default_output, render_by_department, render_workbook

    root = start(lang, register)
    result = checked_register(root, out=sys.stderr)
    reg = result.register
    del result  # frees the parsed YAML behind the model, so the rows reuse its memory instead of adding to the peak
    overflows: list = []  # texts too long for a cell, warned about once the files are written

    def per_department(folder: Path) -> list[Path]:
        with progress_bar(len(reg.risks), tr("render.progress_rows")) as advance:
            return render_by_department(reg, folder, public=public, progress=advance, overflows=overflows)

    def one_file(target: Path) -> Path:
        with progress_bar(len(reg.risks), tr("render.progress_rows")) as advance:
            return render_workbook(reg, target, public=public, progress=advance, overflows=overflows)

    gc.freeze()  # the model lives to the end: the collections the rows set off need not walk it each time
    try:
        _write_outputs(output, default_output(reg), "render.output_is_folder", by_department=by_department,
                       per_department=per_department, one_file=one_file, warnings=overflows)
    finally:
        gc.unfreeze()  # lz run as a library (tests) collects as before


def _write_outputs(output: Path | None, default: Path, is_folder_key: str, *, by_department: bool,
                   per_department: Callable[[Path], list[Path]], one_file: Callable[[Path], Path],
                   warnings: list | None = None) -> None:
    """Write one file (``-o`` or ``default``) or, with ``--by-department``, one per department into a folder;
    a path of the wrong kind is a usage error, an I/O error is told in the user's language. ``warnings`` (filled
    while writing) are shown before the files written."""
    try:
        if by_department:
            folder = output if output is not None else Path.cwd() / "out"
            if folder.exists() and not folder.is_dir():
                raise usage_error(tr("render.output_not_folder", path=folder))
            written = per_department(folder)
        else:
            target = output if output is not None else default
            if target.is_dir():
                raise usage_error(tr(is_folder_key, path=target))
            written = [one_file(target)]
    except OSError as exc:
        raise usage_error(tr("render.cannot_write", path=exc.filename or output, reason=os_error_reason(exc))) \
            from None
    warn_all(warnings or [])
    for path in written:
        typer.echo(tr("render.written", path=_shown(path)))


class FormLevel(StrEnum):
    person = "个人"
    member = "领导班子成员"
    department = "部门"
    unit = "单位"
    leadership = "领导班子"


@render_app.command("docx", cls=Command)
@command_help(tr.lazy("render.docx.help"))
def render_docx_command(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="PATH", show_default=False, help=tr.lazy("render.docx.help.output")),
    ] = None,
    by_department: Annotated[
        bool, typer.Option("--by-department", help=tr.lazy("render.docx.help.by_department"))
    ] = False,
    public: Annotated[
        bool, typer.Option("--public", help=tr.lazy("render.docx.help.public"))
    ] = False,
    register: RegisterOption = None,
    lang: LangOption = None,
) -> None:
    """lz render docx: the 一览表 as a landscape Word table; validates first and writes nothing on errors."""
    from lianzheng_cli.outputs.docx.risk_table import default_output as default_docx
    from lianzheng_cli.outputs.docx.risk_table import write_by_department, write_risk_table
    from lianzheng_cli.outputs.stamp import document_time

    root = start(lang, register)
    reg = checked_register(root, out=sys.stderr).register
    made = document_time(reg.root, reg.org.year)
    _write_outputs(output, default_docx(reg), "render.docx_output_is_folder", by_department=by_department,
                   per_department=lambda folder: write_by_department(reg, folder, made=made, public=public),
                   one_file=lambda target: write_risk_table(reg, target, made=made, public=public))


@render_app.command("forms", cls=Command)
@command_help(tr.lazy("render.forms.help"))
def render_forms_command(
    level: Annotated[
        list[FormLevel] | None,
        typer.Option("--level", "-l", show_default=False, metavar="LEVEL", help=tr.lazy("render.forms.help.level")),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="DIR", show_default=False, help=tr.lazy("render.forms.help.output")),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option("--template", metavar="DIR", show_default=False, help=tr.lazy("render.forms.help.template")),
    ] = None,
    register: RegisterOption = None,
    lang: LangOption = None,
) -> None:
    """lz render forms: the self-check and measure forms of each level, with the review chain."""
    from lianzheng_cli.outputs.docx.forms import write_forms
    from lianzheng_cli.outputs.stamp import document_time
    from lianzheng_cli.outputs.templating import TemplateProblem

    root = start(lang, register)
    reg = checked_register(root, out=sys.stderr).register
    folder = output if output is not None else Path.cwd() / "out"
    if folder.exists() and not folder.is_dir():
        raise usage_error(tr("render.forms_output_not_folder", path=folder))
    levels = [item.value for item in dict.fromkeys(level)] if level else None
    try:
        written = write_forms(reg, folder, made=document_time(reg.root, reg.org.year), levels=levels,
                              template_dir=template)
    except TemplateProblem as exc:
        raise usage_error(str(exc)) from None
    except OSError as exc:
        raise usage_error(tr("render.cannot_write", path=exc.filename or folder, reason=os_error_reason(exc))) \
            from None
    for path in written:
        typer.echo(tr("render.written", path=_shown(path)))


def _shown(path: Path) -> str:
    """A written path as the user should see it: relative to the current folder when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
