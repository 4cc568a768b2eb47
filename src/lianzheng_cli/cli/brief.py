"""lz brief"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.common import LangOption, RegisterOption, checked_register, command_help, start, usage_error
from lianzheng_cli.fileio import shown_path
from lianzheng_cli.i18n import messages

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
    "brief.help": {
        "zh": "生成个人廉洁风险告知书（交底书）。\n\n"
              "列出本岗位的风险点、等级、防控措施与监控责任人，附本人签名的承诺。"
              "--department 为部门中每人各生成一份，每人各签一份。\n\n"
              "退出码：0 已生成；1 登记簿有错误；2 用法错误（人员或部门不存在等）。",
        "en": "Write a person's integrity-risk brief.\n\n"
              "The risks of the person's post with their grades, measures and monitors, and a pledge for the person "
              "to sign. With --department, one brief for each person of the department, each to sign their own."
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
})


@command_help(tr.lazy("brief.help"))
def brief_command(
    person: Annotated[str | None, typer.Argument(
        metavar="PERSON_ID", show_default=False, help=tr.lazy("brief.help.person"))] = None,
    department: Annotated[str | None, typer.Option(
        "--department", "-d", metavar="ID", show_default=False, help=tr.lazy("brief.help.department"))] = None,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE", show_default=False, help=tr.lazy("brief.help.output"))] = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help=tr.lazy("brief.help.xlsx"))] = False,
    register: RegisterOption = None,
    lang: LangOption = None,
) -> None:
    """lz brief: a person's brief (or one per person of a department) as Markdown or a workbook."""
    from lianzheng_cli.outputs.brief import (
        UnknownSubject,
        brief_file_name,
        build_brief,
        build_department_briefs,
        department_folder_name,
        render_brief_markdown,
        write_brief,
    )
    from lianzheng_cli.outputs.templating import TemplateProblem

    root = start(lang, register)
    if (person is None) == (department is None):
        raise usage_error(tr("brief.usage.subject"))
    if output == "-" and xlsx:
        raise usage_error(tr("brief.usage.xlsx_stdout"))
    if output == "-" and department is not None:
        raise usage_error(tr("brief.usage.department_stdout"))
    result = checked_register(root, out=sys.stderr)
    reg = result.register
    suffix = ".xlsx" if xlsx else ".md"
    try:
        if person is not None:
            brief = build_brief(reg, person)
            if output == "-":
                sys.stdout.write(render_brief_markdown(brief))
                return
            target = Path(output) if output is not None else Path.cwd() / "out" / brief_file_name(reg, brief, suffix)
            if target.is_dir():
                raise usage_error(tr("brief.output_is_folder", path=target))
            written = [write_brief(brief, target, xlsx=xlsx)]
        else:
            assert department is not None  # one of the two, checked above
            briefs = build_department_briefs(reg, department)
            folder = Path(output) if output is not None else \
                Path.cwd() / "out" / department_folder_name(reg, department)
            if folder.exists() and not folder.is_dir():
                raise usage_error(tr("brief.output_not_folder", path=folder))
            if not briefs:
                dept = reg.by_department[department]
                typer.echo(tr("brief.nobody", name=dept.name, id=dept.id), err=True)
                return
            written = [write_brief(b, folder / brief_file_name(reg, b, suffix), xlsx=xlsx) for b in briefs]
    except UnknownSubject as exc:
        raise usage_error(str(exc)) from None
    except TemplateProblem as exc:
        raise usage_error(str(exc)) from None
    except OSError as exc:
        raise usage_error(tr("brief.cannot_write", path=exc.filename or output, reason=exc.strerror or exc)) \
            from None
    for path in written:
        typer.echo(tr("brief.written", path=shown_path(path)))
