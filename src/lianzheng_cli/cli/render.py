"""lz render xlsx, lz render docx, lz render forms"""

from __future__ import annotations

import sys
from enum import StrEnum
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
    progress_bar,
    start,
    usage_error,
    warn_all,
)
from lianzheng_cli.i18n import os_error_reason

tr = i18n.messages({
    "render.written": {"zh": "已生成:{path}", "en": "written: {path}"},
    "render.progress_rows": {"zh": "写入一览表(风险点)", "en": "writing the workbook (risks)"},
    "render.cannot_write": {
        "zh": "无法写入 {path}:{reason}",
        "en": "cannot write {path}: {reason}",
    },
    "render.output_not_folder": {
        "zh": "--by-department 时 -o 应为目录,而 {path} 是一个文件",
        "en": "with --by-department, -o names a folder, but {path} is a file",
    },
    "render.output_is_folder": {
        "zh": "{path} 是目录;请用 -o 指定 .xlsx 文件名",
        "en": "{path} is a folder; name an .xlsx file with -o",
    },
    "render.docx_output_is_folder": {
        "zh": "{path} 是目录;请用 -o 指定 .docx 文件名",
        "en": "{path} is a folder; name a .docx file with -o",
    },
    "render.forms_output_not_folder": {
        "zh": "-o 应为目录(每个层级一个文件),而 {path} 是一个文件",
        "en": "-o names a folder (one file per level), but {path} is a file",
    },
})

render_app = typer.Typer(
    cls=Group,
    name="render",
    help="生成报表:xlsx 与 docx(廉政风险点防控措施一览表)、forms(各层级自查表与防控措施表)。",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@render_app.command("xlsx", cls=Command)
def render_xlsx_command(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", show_default=False,
                     help="输出文件;默认 out/<组织名>-<年度>-廉政风险点防控措施一览表.xlsx。"
                          "与 --by-department 同用时为输出目录(默认 out/)。"),
    ] = None,
    by_department: Annotated[
        bool, typer.Option("--by-department", help="每个部门单独生成一个工作簿(各部门分别报送)。")
    ] = False,
    public: Annotated[
        bool, typer.Option("--public", help="内部公示版:不含人员姓名,不含预警处置记录。")
    ] = False,
    register: RegisterOption = None,
    lang: LangOption = None,
) -> None:
    """生成打印就绪的《廉政风险点防控措施一览表》工作簿(A4 横向)。

    先校验登记簿;有错误时列出错误并以退出码 1 结束,不生成文件。
    """
    # Imported here: openpyxl imports numpy when it is installed, and every other lz command would pay for both.
    from lianzheng_cli.outputs.xlsx.risk_table import default_output, render_by_department, render_workbook

    root = start(lang, register)
    result = checked_register(root, out=sys.stderr)
    reg = result.register
    del result  # frees the parsed YAML behind the model, so the rows reuse its memory instead of adding to the peak
    overflows: list = []
    try:
        if by_department:
            folder = output if output is not None else Path.cwd() / "out"
            if folder.exists() and not folder.is_dir():
                raise usage_error(tr("render.output_not_folder", path=folder))
            with progress_bar(len(reg.risks), tr("render.progress_rows")) as advance:
                written = render_by_department(reg, folder, public=public, progress=advance, overflows=overflows)
        else:
            target = output if output is not None else default_output(reg)
            if target.is_dir():
                raise usage_error(tr("render.output_is_folder", path=target))
            with progress_bar(len(reg.risks), tr("render.progress_rows")) as advance:
                written = [render_workbook(reg, target, public=public, progress=advance, overflows=overflows)]
    except OSError as exc:
        raise usage_error(tr("render.cannot_write", path=exc.filename or output, reason=os_error_reason(exc))) \
            from None
    warn_all(overflows)
    for path in written:
        typer.echo(tr("render.written", path=_shown(path)))


class FormLevel(StrEnum):
    person = "个人"
    member = "领导班子成员"
    department = "部门"
    unit = "单位"
    leadership = "领导班子"


@render_app.command("docx", cls=Command)
def render_docx_command(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", show_default=False,
                     help="输出文件;默认 out/<组织名>-<年度>-廉政风险点防控措施一览表.docx。"
                          "与 --by-department 同用时为输出目录(默认 out/)。"),
    ] = None,
    by_department: Annotated[
        bool, typer.Option("--by-department", help="每个部门单独生成一个文档(各部门分别报送)。")
    ] = False,
    public: Annotated[
        bool, typer.Option("--public", help="内部公示版:不含人员姓名(责任人以岗位、监控责任人以职责表示)。")
    ] = False,
    register: RegisterOption = None,
    lang: LangOption = None,
) -> None:
    """生成《廉政风险点防控措施一览表》Word 文档(A4 横向, 表头每页重复, 合并单元格同工作簿)。

    先校验登记簿;有错误时列出错误并以退出码 1 结束,不生成文件。
    """
    from lianzheng_cli.outputs.docx.risk_table import default_output as default_docx
    from lianzheng_cli.outputs.docx.risk_table import write_by_department, write_risk_table
    from lianzheng_cli.outputs.stamp import document_time

    root = start(lang, register)
    reg = checked_register(root, out=sys.stderr).register
    assert reg is not None  # checked_register exits when the register has errors
    made = document_time(reg.root, reg.org.year)
    try:
        if by_department:
            folder = output if output is not None else Path.cwd() / "out"
            if folder.exists() and not folder.is_dir():
                raise usage_error(tr("render.output_not_folder", path=folder))
            written = write_by_department(reg, folder, made=made, public=public)
        else:
            target = output if output is not None else default_docx(reg)
            if target.is_dir():
                raise usage_error(tr("render.docx_output_is_folder", path=target))
            written = [write_risk_table(reg, target, made=made, public=public)]
    except OSError as exc:
        raise usage_error(tr("render.cannot_write", path=exc.filename or output, reason=os_error_reason(exc))) \
            from None
    for path in written:
        typer.echo(tr("render.written", path=_shown(path)))


@render_app.command("forms", cls=Command)
def render_forms_command(
    level: Annotated[
        list[FormLevel] | None,
        typer.Option("--level", "-l", show_default=False, metavar="[个人|领导班子成员|部门|单位|领导班子]",
                     help="只生成这一层级的表(可重复);默认五个层级都生成。"),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", show_default=False, help="输出目录;默认 out/。每个层级一个 .docx 文件。"),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option("--template", metavar="DIR", show_default=False,
                     help="自己的文字模板目录:按文件名替换 templates/docx/forms/ 中的填表说明。"),
    ] = None,
    register: RegisterOption = None,
    lang: LangOption = None,
) -> None:
    """生成各层级的廉政风险自查表与防控措施表(Word, A4 横向), 附逐级审核栏。

    层级:个人(岗位风险)、领导班子成员(含思想道德风险)、部门(按流程)、单位(“三重一大”与共性风险)、
    领导班子(决策风险)。

    先校验登记簿;有错误时列出错误并以退出码 1 结束,不生成文件。
    """
    from lianzheng_cli.outputs.docx.forms import write_forms
    from lianzheng_cli.outputs.stamp import document_time
    from lianzheng_cli.outputs.templating import TemplateProblem

    root = start(lang, register)
    reg = checked_register(root, out=sys.stderr).register
    assert reg is not None  # checked_register exits when the register has errors
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
