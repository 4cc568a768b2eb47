"""lz brief"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.common import (
    LangOption,
    RegisterOption,
    checked_register,
    command_help,
    start,
    usage_error,
    warn_all,
)
from lianzheng_cli.fileio import shown_path
from lianzheng_cli.i18n import messages, os_error_reason
from lianzheng_cli.model.records import Register
from lianzheng_cli.outputs.brief import (
    UnknownSubject,
    brief_file_name,
    build_brief,
    build_department_briefs,
    department_folder_name,
    render_brief_markdown,
    write_brief,
)
from lianzheng_cli.outputs.stamp import document_time
from lianzheng_cli.outputs.templating import TemplateProblem

tr = messages({
    "brief.usage.subject": {
        "zh": "请给出人员编号（lz brief p-zhang）或用 --department 指定部门（lz brief --department wmfz），二者选一",
        "en": "name a person (lz brief p-zhang) or a department with --department (lz brief --department wmfz), "
              "not both",
    },
    "brief.usage.xlsx_stdout": {
        "zh": "--xlsx 生成的是工作簿文件，不能输出到终端（-o -）；请用 -o 指定 .xlsx 文件名",
        "en": "--xlsx writes a workbook file, which cannot go to standard output (-o -); name an .xlsx file with -o",
    },
    "brief.usage.department_stdout": {
        "zh": "--department 为每人各生成一个文件，-o 应为目录，不能为 -",
        "en": "--department writes one file per person: -o names a folder, not -",
    },
    "brief.output_not_folder": {
        "zh": "--department 时 -o 应为目录，而 {path} 是一个文件",
        "en": "with --department, -o names a folder, but {path} is a file",
    },
    "brief.output_is_folder": {
        "zh": "{path} 是目录；请用 -o 指定文件名",
        "en": "{path} is a folder; name a file with -o",
    },
    "brief.written": {"zh": "已生成：{path}", "en": "written: {path}"},
    "brief.nobody": {
        "zh": "{name}（{id}）没有登记人员，未生成告知书",
        "en": "department {name} ({id}) has no people, so no brief was written",
    },
    "brief.cannot_write": {"zh": "无法写入 {path}：{reason}", "en": "cannot write {path}: {reason}"},
    "brief.usage.two_formats": {
        "zh": "--xlsx 与 --docx 只能选一个",
        "en": "choose one of --xlsx and --docx",
    },
    "brief.usage.docx_stdout": {
        "zh": "--docx 生成的是Word文件，不能输出到终端（-o -）；请用 -o 指定 .docx 文件名",
        "en": "--docx writes a Word file, which cannot go to standard output (-o -); name a .docx file with -o",
    },
    "brief.usage.split": {
        "zh": "--split 只用于 --department 与 --docx（Markdown与xlsx本来就是每人一个文件）",
        "en": "--split goes with --department and --docx (Markdown and xlsx are one file per person already)",
    },
    "brief.usage.template": {
        "zh": "--template 只用于 --docx（Word告知书的文字模板，见 templates/docx/brief/）",
        "en": "--template goes with --docx (the text templates of the Word brief, see templates/docx/brief/)",
    },
    "brief.help": {
        "zh": "生成个人廉洁风险告知书（交底书）。\n\n"
              "列出本岗位的风险点、等级、防控措施与监控责任人，附本人签名的承诺。"
              "--department 为部门中每人各生成一份，每人各签一份；与 --docx 同用时为一个Word文件、每人一节，"
              "加 --split 则每人一个Word文件。\n\n"
              "退出码：0 已生成；1 登记簿有错误；2 用法错误（人员或部门不存在等）。",
        "en": "Write a person's integrity-risk brief.\n\n"
              "The risks of the person's post with their grades, measures and monitors, and a pledge for the person "
              "to sign. With --department, one brief for each person of the department, each to sign their own; "
              "with --docx one Word file, a section each, or with --split one Word file each."
              "\n\nExit codes: 0 written; 1 the register has errors; 2 usage error (such as an unknown person or "
              "department).",
    },
    "brief.help.person": {"zh": "人员编号（如 p-zhang）。", "en": "The person's id (e.g. p-zhang)."},
    "brief.help.department": {
        "zh": "为该部门的每个人各生成一份告知书，写入 -o 指定的目录"
              "（默认 out/<单位名>-<年度>-<部门名>-廉洁风险告知书/）。",
        "en": "One brief for each person of this department, into the folder -o names (default: a folder in out/ "
              "named after the organisation, year and department).",
    },
    "brief.help.output": {
        "zh": "输出文件，默认 out/<单位名>-<年度>-廉洁风险告知书-<姓名>-<人员编号>.md（或 .xlsx）。-o - 输出到终端。",
        "en": "The output file; default: in out/, named after the organisation, year, person and id (.md or .xlsx). "
              "-o - writes to standard output.",
    },
    "brief.help.xlsx": {
        "zh": "生成单页工作簿（.xlsx，A4横向），而不是Markdown。",
        "en": "Write a one-page workbook (.xlsx, A4 landscape) instead of Markdown.",
    },
    "brief.help.docx": {
        "zh": "生成Word文档（.docx，公文格式，附签名栏）；与 --department 同用时全部门一个文件、每人一节。",
        "en": "Write a Word document (.docx, official-document layout, with signature lines); with --department, "
              "one file for the department, a section each.",
    },
    "brief.help.split": {
        "zh": "与 --department --docx 同用：每人一个 .docx 文件，写入 -o 指定的目录。",
        "en": "With --department --docx: one .docx file for each person, into the folder -o names.",
    },
    "brief.help.template": {
        "zh": "与 --docx 同用：自己的文字模板目录，按文件名替换 templates/docx/brief/ 中的告知、承诺等措辞。",
        "en": "With --docx: a folder of your own text templates; files named as in templates/docx/brief/ replace "
              "the wording of the notice and the pledge.",
    },
})


DocxOption = Annotated[bool, typer.Option("--docx", help=tr.lazy("brief.help.docx"))]
SplitOption = Annotated[bool, typer.Option("--split", help=tr.lazy("brief.help.split"))]
TemplateOption = Annotated[Path | None, typer.Option(
    "--template", metavar="DIR", show_default=False, help=tr.lazy("brief.help.template"))]


@command_help(tr.lazy("brief.help"))
def brief_command(
    person: Annotated[str | None, typer.Argument(
        metavar="PERSON_ID", show_default=False, help=tr.lazy("brief.help.person"))] = None,
    department: Annotated[str | None, typer.Option(
        "--department", "-d", metavar="ID", show_default=False, help=tr.lazy("brief.help.department"))] = None,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE", show_default=False, help=tr.lazy("brief.help.output"))] = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help=tr.lazy("brief.help.xlsx"))] = False,
    docx: DocxOption = False,
    split: SplitOption = False,
    template: TemplateOption = None,
    register: RegisterOption = None,
    lang: LangOption = None,
) -> None:
    """lz brief: a person's brief (or one per person of a department) as Markdown, a workbook or Word."""
    root = start(lang, register)
    if (person is None) == (department is None):
        raise usage_error(tr("brief.usage.subject"))
    if output == "-" and xlsx:
        raise usage_error(tr("brief.usage.xlsx_stdout"))
    if output == "-" and department is not None:
        raise usage_error(tr("brief.usage.department_stdout"))
    _check_docx_options(xlsx=xlsx, docx=docx, split=split, template=template, output=output,
                        department=department)
    result = checked_register(root, out=sys.stderr)
    reg = result.register
    if docx:
        _write_docx(reg, person, department, output, split=split, template=template)
        return
    overflows: list = []
    try:
        if person is not None:
            written = _write_person(reg, person, output, xlsx=xlsx, overflows=overflows)
        else:
            assert department is not None  # one of the two, checked above
            written = _write_department(reg, department, output, xlsx=xlsx, overflows=overflows)
    except UnknownSubject as exc:
        raise usage_error(str(exc)) from None
    except TemplateProblem as exc:
        raise usage_error(str(exc)) from None
    except OSError as exc:
        raise usage_error(tr("brief.cannot_write", path=exc.filename or output, reason=os_error_reason(exc))) \
            from None
    warn_all(overflows)
    for path in written:
        typer.echo(tr("brief.written", path=shown_path(path)))


def _write_person(reg: Register, person: str, output: str | None, *, xlsx: bool, overflows: list) -> list[Path]:
    """One person's brief: to a file, or to standard output with ``-o -``."""
    brief = build_brief(reg, person)
    if output == "-":
        sys.stdout.write(render_brief_markdown(brief))
        return []
    suffix = ".xlsx" if xlsx else ".md"
    target = Path(output) if output is not None else Path.cwd() / "out" / brief_file_name(reg, brief, suffix)
    if target.is_dir():
        raise usage_error(tr("brief.output_is_folder", path=target))
    return [write_brief(brief, target, xlsx=xlsx, made=document_time(reg.root, reg.org.year), overflows=overflows)]


def _write_department(reg: Register, department: str, output: str | None, *, xlsx: bool,
                      overflows: list) -> list[Path]:
    """One file per person of the department, in one folder (each person signs their own copy)."""
    briefs = build_department_briefs(reg, department)
    folder = Path(output) if output is not None else Path.cwd() / "out" / department_folder_name(reg, department)
    if folder.exists() and not folder.is_dir():
        raise usage_error(tr("brief.output_not_folder", path=folder))
    if not briefs:
        dept = reg.by_department[department]
        typer.echo(tr("brief.nobody", name=dept.name, id=dept.id), err=True)
        return []
    suffix = ".xlsx" if xlsx else ".md"
    made = document_time(reg.root, reg.org.year)
    return [write_brief(b, folder / brief_file_name(reg, b, suffix), xlsx=xlsx, made=made, overflows=overflows)
            for b in briefs]


def _check_docx_options(*, xlsx: bool, docx: bool, split: bool, template: Path | None, output: str | None,
                        department: str | None) -> None:
    if xlsx and docx:
        raise usage_error(tr("brief.usage.two_formats"))
    if docx and output == "-":
        raise usage_error(tr("brief.usage.docx_stdout"))
    if split and not (docx and department is not None):
        raise usage_error(tr("brief.usage.split"))
    if template is not None and not docx:
        raise usage_error(tr("brief.usage.template"))


def _write_docx(reg: Register, person: str | None, department: str | None, output: str | None, *, split: bool,
                template: Path | None) -> None:
    """lz brief --docx: one person's file, a department's file (one person a section), or one file each."""
    from lianzheng_cli.outputs.docx.brief import write_brief_docx

    made = document_time(reg.root, reg.org.year)
    out = Path.cwd() / "out"
    try:
        if person is not None:
            brief = build_brief(reg, person)
            target = Path(output) if output is not None else out / brief_file_name(reg, brief, ".docx")
            if target.is_dir():
                raise usage_error(tr("brief.output_is_folder", path=target))
            written = [write_brief_docx([brief], target, made=made, template_dir=template)]
        else:
            assert department is not None
            briefs = build_department_briefs(reg, department)
            if not briefs:
                dept = reg.by_department[department]
                typer.echo(tr("brief.nobody", name=dept.name, id=dept.id), err=True)
                return
            if split:
                folder = Path(output) if output is not None else out / department_folder_name(reg, department)
                if folder.exists() and not folder.is_dir():
                    raise usage_error(tr("brief.output_not_folder", path=folder))
                written = [write_brief_docx([b], folder / brief_file_name(reg, b, ".docx"), made=made,
                                            template_dir=template) for b in briefs]
            else:
                target = Path(output) if output is not None else \
                    out / f"{department_folder_name(reg, department)}.docx"
                if target.is_dir():
                    raise usage_error(tr("brief.output_is_folder", path=target))
                written = [write_brief_docx(briefs, target, made=made, template_dir=template)]
    except (UnknownSubject, TemplateProblem) as exc:
        raise usage_error(str(exc)) from None
    except OSError as exc:
        raise usage_error(tr("brief.cannot_write", path=exc.filename or output, reason=os_error_reason(exc))) \
            from None
    for path in written:
        typer.echo(tr("brief.written", path=shown_path(path)))
