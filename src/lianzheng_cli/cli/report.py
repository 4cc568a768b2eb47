"""lz report"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.assess import keeps_assessment, scored
from lianzheng_cli.cli.common import LangOption, RegisterOption, checked_register, command_help, start, usage_error
from lianzheng_cli.cli.lint import parse_as_of
from lianzheng_cli.fileio import shown_path
from lianzheng_cli.i18n import messages, os_error_reason

tr = messages({
    "report.written": {"zh": "已生成：{path}", "en": "written: {path}"},
    "report.cannot_write": {"zh": "无法写入 {path}：{reason}", "en": "cannot write {path}: {reason}"},
    "report.output_is_folder": {
        "zh": "{path} 是目录；请用 -o 指定 .md 文件名（或 -o - 输出到终端）",
        "en": "{path} is a folder; name an .md file with -o (or -o - for standard output)",
    },
    "report.docx_stdout": {
        "zh": "--docx 生成的是 Word 文件，不能输出到终端（-o -）；请用 -o 指定 .docx 文件名",
        "en": "--docx writes a Word file, which cannot go to standard output (-o -); name a .docx file with -o",
    },
    "report.docx_output_is_folder": {
        "zh": "{path} 是目录；请用 -o 指定 .docx 文件名",
        "en": "{path} is a folder; name a .docx file with -o",
    },
    "report.since_problems": {
        "zh": "--since {rev}：该版本的登记簿有错误，无法比对变更（可用 lz diff {rev} 查看）：",
        "en": "--since {rev}: the register at that revision has errors, so changes cannot be listed "
              "(see lz diff {rev}):",
    },
    "report.help": {
        "zh": "生成年度报告（Markdown），含权力运行流程图。\n\n"
              "内容：总体情况、等级分布、高风险点、逾期措施与未办结预警、检查结果、"
              "权力运行流程图（Mermaid，GitHub与GitLab可直接显示）、各部门一览。\n\n"
              "先校验登记簿，有错误时列出错误并以退出码 1 结束，不生成文件。"
              "报告正文为中文（是单位存档的文件），--lang 只影响命令本身的提示。\n\n"
              "--docx 生成打印、签发、归档用的Word文档（GB/T 9704公文格式）：流程图绘制为图表，每个流程一页。\n\n"
              "退出码：0 已生成；1 登记簿有错误；2 用法错误（日期、版本或模板有误）。",
        "en": "Write the annual report (Markdown), with flowcharts of how the powers are exercised.\n\n"
              "Contents: overview, grades, high risks, overdue measures and open warnings, lint findings, "
              "flowcharts (Mermaid, shown by GitHub and GitLab) and the departments at a glance.\n\n"
              "Validates the register first; with errors, lists them and exits 1 without writing. The report is in "
              "Chinese (it is the organisation's record): --lang changes only the command's own messages.\n\n"
              "--docx writes the Word document to print, sign and file (GB/T 9704 layout): each flowchart drawn, "
              "one a page.\n\n"
              "Exit codes: 0 written; 1 the register has errors; 2 usage error (a bad date, revision or template).",
    },
    "report.help.output": {
        "zh": "输出文件，默认 out/<单位名>-<年度>-廉政风险防控年度报告.md。-o - 输出到终端。",
        "en": "The output file; default: in out/, named after the organisation and year. -o - writes to standard "
              "output.",
    },
    "report.help.as_of": {
        "zh": "统计截至日期（逾期措施、未办结预警、检查规则）。默认今天；登记簿年度已过时为该年12月31日。",
        "en": "The date the report counts to (overdue measures, open warnings, lint rules). Default: today, or "
              "31 December of a past register year.",
    },
    "report.help.since": {
        "zh": "列出自该 git 版本（标签、分支、提交，或年份如 2024）以来登记簿的变更。",
        "en": "List the register's changes since this git revision (a tag, branch, commit, or a year such as 2024).",
    },
    "report.help.docx": {
        "zh": "生成Word文档（.docx，公文格式，流程图绘制为图表，宽表横向），而不是Markdown；"
              "--template 目录中 templates/docx/report/ 的同名文件替换各节文字。",
        "en": "Write a Word document (.docx, official-document layout, flowcharts drawn, wide tables landscape) "
              "instead of Markdown; files named as in templates/docx/report/ in the --template folder replace "
              "the sections' text.",
    },
    "report.help.by_department": {
        "zh": "每个部门单独生成一份报告（只含本部门的内容），-o 为输出目录（默认 out/）。",
        "en": "One report for each department (its own content only); -o names the output folder (default: out/).",
    },
    "report.by_department_stdout": {
        "zh": "--by-department 生成多个文件，不能输出到终端（-o -）；请用 -o 指定输出目录",
        "en": "--by-department writes several files, which cannot go to standard output (-o -); name a folder with -o",
    },
    "report.output_not_folder": {
        "zh": "--by-department 时 -o 应为目录，而 {path} 是一个文件",
        "en": "with --by-department, -o names a folder, but {path} is a file",
    },
    "report.help.template": {
        "zh": "自己的模板目录：其中的 report.md.j2 及各节模板按文件名替换默认模板（模板在沙箱中运行）。",
        "en": "A folder of your own templates: report.md.j2 and the section templates in it replace the default "
              "ones of the same name (templates run in a sandbox).",
    },
})




@command_help(tr.lazy("report.help"))
def report_command(
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE", show_default=False, help=tr.lazy("report.help.output"))] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="YYYY-MM-DD", show_default=False, help=tr.lazy("report.help.as_of"))] = None,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="REV", show_default=False, help=tr.lazy("report.help.since"))] = None,
    template: Annotated[Path | None, typer.Option(
        "--template", metavar="DIR", show_default=False, help=tr.lazy("report.help.template"))] = None,
    docx: Annotated[bool, typer.Option("--docx", help=tr.lazy("report.help.docx"))] = False,
    by_department: Annotated[bool, typer.Option("--by-department", help=tr.lazy("report.help.by_department"))] = False,
    register: RegisterOption = None,
    lang: LangOption = None,
) -> None:
    """lz report: the annual report as Markdown; validates first and writes nothing when the register has errors."""
    root = start(lang, register)
    if docx and output == "-":
        raise usage_error(tr("report.docx_stdout"))
    if by_department and output == "-":
        raise usage_error(tr("report.by_department_stdout"))
    day = parse_as_of(as_of)
    result = checked_register(root, out=sys.stderr)
    reg = result.register
    del result  # frees the parsed YAML behind the model: the report's data reuses its memory
    gc.freeze()  # the model lives to the end: the collections its report sets off need not walk it each time
    # and what the report builds lives to the end too (a county's context is a million dicts and lists): collecting
    # while it grows cost 0.9 s and freed nothing
    collecting = gc.isenabled()
    gc.disable()
    try:
        _report(reg, root, day, since=since, output=output, template=template, docx=docx,
                by_department=by_department)
    finally:
        gc.unfreeze()  # lz run as a library (tests) collects as before
        if collecting:
            gc.enable()


def _report(reg, root: Path, day, *, since: str | None, output: str | None, template: Path | None, docx: bool,
            by_department: bool) -> None:
    """The report of the validated register ``reg``: lint, the data, then the file (or one per department)."""
    from lianzheng_cli.lint import default_as_of, lint
    from lianzheng_cli.outputs.annual_report import (
        build_report_context,
        default_report_path,
        department_report_contexts,
        department_report_names,
        render_report,
    )
    from lianzheng_cli.outputs.templating import TemplateProblem

    day = day or default_as_of(reg.org.year)
    changes = None
    if since is not None:
        changes = _changes_since(since, root)
    findings = lint(reg, as_of=day)
    assessment = scored(reg, day, findings) if keeps_assessment(reg) else None
    write = _write_docx if docx else _write_markdown
    if by_department:
        folder = Path(output) if output is not None else Path.cwd() / "out"
        if folder.exists() and not folder.is_dir():
            raise usage_error(tr("report.output_not_folder", path=folder))
        names = department_report_names(reg)
        for dept, context in department_report_contexts(reg, as_of=day, lint_findings=findings, changes=changes,
                                                        assessment=assessment):
            name = Path(names[dept.id])
            write(reg, context, folder / (name.with_suffix(".docx") if docx else name), template)
        return
    context = build_report_context(reg, as_of=day, lint_findings=findings, changes=changes, assessment=assessment)
    del findings
    if output == "-":
        try:
            sys.stdout.write(render_report(context, template_dir=template))
        except TemplateProblem as exc:
            raise usage_error(str(exc)) from None
        return
    if output is not None:
        target = Path(output)
    else:
        target = default_report_path(reg).with_suffix(".docx") if docx else default_report_path(reg)
    if target.is_dir():
        raise usage_error(tr("report.docx_output_is_folder" if docx else "report.output_is_folder", path=target))
    write(reg, context, target, template)


def _write_markdown(reg, context: dict, target: Path, template: Path | None) -> None:
    """The report as Markdown, streamed into ``target`` as it is rendered."""
    from lianzheng_cli.outputs.annual_report import write_report

    _written(target, lambda: write_report(context, target, template_dir=template))


def _write_docx(reg, context: dict, target: Path, template: Path | None) -> None:
    """lz report --docx: the report as a Word document."""
    from lianzheng_cli.outputs.docx.report import write_report_docx
    from lianzheng_cli.outputs.stamp import document_time

    _written(target, lambda: write_report_docx(context, target, made=document_time(reg.root, reg.org.year),
                                                template_dir=template))


def _written(target: Path, write: Callable[[], object]) -> None:
    """Run ``write`` and say where it wrote; a template problem is a usage error, so is an I/O error."""
    from lianzheng_cli.outputs.templating import TemplateProblem

    try:
        write()
    except TemplateProblem as exc:
        raise usage_error(str(exc)) from None
    except OSError as exc:
        raise usage_error(tr("report.cannot_write", path=exc.filename or target, reason=os_error_reason(exc))) \
            from None
    typer.echo(tr("report.written", path=shown_path(target)))


def _changes_since(rev: str, root: Path):
    """The register diff from ``rev`` to the work tree; exit 2 for a bad revision, 1 when that version has errors."""
    from lianzheng_cli.diff import diff_revisions
    from lianzheng_cli.load.git import WORKTREE, GitError

    try:
        run = diff_revisions(rev, WORKTREE, register=root)
    except GitError as exc:
        raise usage_error(str(exc)) from None
    for note in run.notes:
        typer.echo(note, err=True)
    if run.diff is None:
        typer.echo(f"lz: {tr('report.since_problems', rev=rev)}", err=True)
        for problem in run.problems:
            d = problem.diagnostic
            typer.echo(f"{run.location(problem)}: {d.code} {d.message}", err=True)
        raise typer.Exit(1)
    return run.diff
