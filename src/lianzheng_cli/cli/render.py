"""lz render xlsx"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli import i18n
from lianzheng_cli.cli.common import (
    Command,
    Group,
    LangOption,
    RegisterOption,
    checked_register,
    command_help,
    progress_bar,
    start,
    usage_error,
)
from lianzheng_cli.outputs.xlsx.risk_table import default_output, render_by_department, render_workbook

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
    "render.help": {
        "zh": "生成报表：xlsx（廉政风险点防控措施一览表）。",
        "en": "Write the forms: xlsx (the workbook of integrity risks and their measures).",
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
    "render.xlsx.help.public": {
        "zh": "内部公示版：不含人员姓名和预警处置记录。",
        "en": "The version to post inside the organisation: without people's names and warnings.",
    },
})

render_app = typer.Typer(
    cls=Group,
    name="render",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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
    root = start(lang, register)
    result = checked_register(root, out=sys.stderr)
    reg = result.register
    del result  # frees the parsed YAML behind the model, so the rows reuse its memory instead of adding to the peak
    try:
        if by_department:
            folder = output if output is not None else Path.cwd() / "out"
            if folder.exists() and not folder.is_dir():
                raise usage_error(tr("render.output_not_folder", path=folder))
            with progress_bar(len(reg.risks), tr("render.progress_rows")) as advance:
                written = render_by_department(reg, folder, public=public, progress=advance)
        else:
            target = output if output is not None else default_output(reg)
            if target.is_dir():
                raise usage_error(tr("render.output_is_folder", path=target))
            with progress_bar(len(reg.risks), tr("render.progress_rows")) as advance:
                written = [render_workbook(reg, target, public=public, progress=advance)]
    except OSError as exc:
        raise usage_error(tr("render.cannot_write", path=exc.filename or output, reason=exc.strerror or exc)) \
            from None
    for path in written:
        typer.echo(tr("render.written", path=_shown(path)))


def _shown(path: Path) -> str:
    """A written path as the user should see it: relative to the current folder when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
