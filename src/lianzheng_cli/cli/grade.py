"""lz grade"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from lianzheng_cli.cli.common import (
    LangOption,
    RegisterOption,
    checked_register,
    format_option,
    start,
    usage_error,
)
from lianzheng_cli.i18n import messages
from lianzheng_cli.outputs.grades import (
    GRADE_FORMATS,
    GradeOutput,
    UnknownDepartment,
    build_grade_report,
)
from lianzheng_cli.write.grades import WriteError, write_grades

tr = messages({
    "grade.usage.write_check": {
        "zh": "--write 与 --check 不能同时使用:--check 只检查不修改,--write 修改后即一致",
        "en": "--write and --check cannot be used together: --check only checks, --write makes them match",
    },
})


def grade_command(
    register: RegisterOption = None,
    fmt: Annotated[str, format_option(
        GRADE_FORMATS, help="输出格式: text 终端, json 机器可读, github 为 GitHub Actions 注释。")] = "text",
    lang: LangOption = None,
    write: Annotated[bool, typer.Option(
        "--write", help="将与计算结果不一致的申报等级 改为计算等级: 原地修改, 保留写法、引号、注释与顺序。")] = False,
    check: Annotated[bool, typer.Option(
        "--check", help="只检查: 有申报等级与计算等级不一致时 以退出码 1 结束(用于 CI)。")] = False,
    department: Annotated[str | None, typer.Option(
        "--department", "-d", help="只评定此部门的风险点(部门编号, 如 wmfz)。", show_default=False)] = None,
    list_all: Annotated[bool, typer.Option(
        "--all", "-a", help="终端表格列出全部风险点 (超过 500 个时默认只列出不一致的)。")] = False,
    follow_symlinks: Annotated[bool, typer.Option(
        "--follow-symlinks",
        help="与 --write 同用: 部门文件是指向登记簿以外的链接时, 修改链接指向的文件 (默认拒绝)。")] = False,
) -> None:
    """评定风险等级, 给出监控责任人与各部门分布。

    按 org.yaml 的评定办法 计算每个风险点的等级与定级下限。

    有效等级取申报等级与计算等级中较高者。

    退出码:0 正常;1 登记簿有错误、--check 发现不一致 或 --write 写入失败;2 用法或配置错误。
    """
    root = start(lang, register)
    if write and check:
        raise usage_error(tr("grade.usage.write_check"))

    result = checked_register(root, fmt=fmt)
    try:
        grades = build_grade_report(result.register, department=department)
    except UnknownDepartment as exc:
        raise usage_error(str(exc)) from None

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
