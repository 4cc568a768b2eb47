"""lz grade"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from lianzheng_cli.cli.common import (
    FollowSymlinksOption,
    LangOption,
    RegisterOption,
    checked_register,
    clean_validation,
    command_help,
    format_option,
    start,
    usage_error,
)
from lianzheng_cli.i18n import messages
from lianzheng_cli.outputs.grade_incremental import IncrementalGrade
from lianzheng_cli.outputs.grades import (
    GRADE_FORMATS,
    GradeOutput,
    UnknownDepartment,
    build_grade_report,
)
from lianzheng_cli.write.grades import WriteError, write_grades

tr = messages({
    "grade.usage.write_check": {
        "zh": "--write 与 --check 不能同时使用：--check 只检查不修改，--write 修改后即一致",
        "en": "--write and --check cannot be used together: --check only checks, --write makes them match",
    },
    "grade.help": {
        "zh": "评定风险等级，给出监控责任人与各部门分布。\n\n"
              "按 org.yaml 的评定办法计算每个风险点的等级与定级下限；有效等级取申报等级与计算等级中较高者。\n\n"
              "退出码：0 正常；1 登记簿有错误、--check 发现不一致或 --write 写入失败；2 用法或配置错误。",
        "en": "Grade the risks: the computed grades, who monitors each risk, and how the grades spread over "
              "the departments.\n\n"
              "Each risk's grade and floor follow the grading method of org.yaml; the effective grade is the higher "
              "of the declared and the computed one.\n\n"
              "Exit codes: 0 done; 1 the register has errors, --check found a mismatch or --write failed; "
              "2 usage or configuration error.",
    },
    "grade.help.format": {
        "zh": "输出格式：text（终端）、json（机器可读）、github（GitHub Actions注释）。",
        "en": "Output format: text (terminal), json (for programs), github (GitHub Actions annotations).",
    },
    "grade.help.write": {
        "zh": "把与计算结果不一致的申报等级改为计算等级：原地修改，保留原写法、引号、注释与顺序。",
        "en": "Change each declared grade that differs from the computed one, in place, keeping its style, "
              "quotes, comments and order.",
    },
    "grade.help.check": {
        "zh": "只检查：有申报等级与计算等级不一致时以退出码 1 结束（用于CI）。",
        "en": "Only check: exit 1 when a declared grade differs from the computed one (for CI).",
    },
    "grade.help.department": {
        "zh": "只评定此部门的风险点（部门编号，如 wmfz）。",
        "en": "Grade only this department's risks (its id, e.g. wmfz).",
    },
    "grade.help.all": {
        "zh": "终端表格列出全部风险点（超过500个时默认只列出不一致的）。",
        "en": "List every risk in the terminal table (past 500 risks, only mismatches are listed by default).",
    },
})


@command_help(tr.lazy("grade.help"))
def grade_command(
    register: RegisterOption = None,
    fmt: Annotated[str, format_option(GRADE_FORMATS, help=tr.lazy("grade.help.format"))] = "text",
    lang: LangOption = None,
    write: Annotated[bool, typer.Option("--write", help=tr.lazy("grade.help.write"))] = False,
    check: Annotated[bool, typer.Option("--check", help=tr.lazy("grade.help.check"))] = False,
    department: Annotated[str | None, typer.Option(
        "--department", "-d", metavar="ID", help=tr.lazy("grade.help.department"), show_default=False)] = None,
    list_all: Annotated[bool, typer.Option("--all", "-a", help=tr.lazy("grade.help.all"))] = False,
    follow_symlinks: FollowSymlinksOption = False,
) -> None:
    """lz grade: computed grades, monitors and the spread; --write changes declared grades, --check only checks."""
    root = start(lang, register)
    if write and check:
        raise usage_error(tr("grade.usage.write_check"))

    if write or department is not None:
        result = checked_register(root, fmt=fmt)
        try:
            grades = build_grade_report(result.register, department=department)
        except UnknownDepartment as exc:
            raise usage_error(str(exc)) from None
    else:  # the whole register: only what changed since the last run is graded again
        job = IncrementalGrade(root)
        grades = job.run(clean_validation(root, fmt=fmt, model=job.needs_model))

    written = None
    if write:
        try:
            written = write_grades(root, grades.changes(), follow_symlinks=follow_symlinks)
        except WriteError as exc:
            typer.echo(f"lz: {exc}", err=True)
            raise typer.Exit(1) from None
        if written:  # read the register again: it is what the files now say
            result = checked_register(root, fmt=fmt)
            grades = build_grade_report(result.register, department=department)
    GRADE_FORMATS[fmt](GradeOutput(grades, root, written, check, list_all), sys.stdout)
    raise typer.Exit(1 if check and grades.mismatches else 0)
