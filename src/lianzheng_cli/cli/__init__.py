"""The ``lz`` command: assembles the commands; each lives in its own module."""

from __future__ import annotations

import os
import sys
from typing import Annotated, NoReturn

import typer
from typer import rich_utils

from lianzheng_cli import __version__
from lianzheng_cli.cli.brief import brief_command
from lianzheng_cli.cli.common import Command, Group, LangOption
from lianzheng_cli.cli.diff import diff_command
from lianzheng_cli.cli.grade import grade_command
from lianzheng_cli.cli.init import init_command
from lianzheng_cli.cli.lint import lint_command, rules_command
from lianzheng_cli.cli.recover import recover_command
from lianzheng_cli.cli.render import render_app
from lianzheng_cli.cli.report import report_command
from lianzheng_cli.cli.validate import validate_command
from lianzheng_cli.i18n import set_language

rich_utils.OPTIONS_PANEL_TITLE = "选项"
rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
rich_utils.COMMANDS_PANEL_TITLE = "命令"
rich_utils.ERRORS_PANEL_TITLE = "错误"
rich_utils.DEFAULT_STRING = "[默认: {}]"
rich_utils.REQUIRED_LONG_STRING = "[必填]"

app = typer.Typer(
    cls=Group,
    name="lz",
    help="lz: 廉政风险防控登记簿工具。 校验、检查、定级、比对 以 YAML 保存在 git 中的登记簿, 并生成一览表与报告。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"lz {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool | None,
        typer.Option("--version", "-V", help="显示版本号并退出。", callback=_show_version, is_eager=True),
    ] = None,
    lang: LangOption = None,
) -> None:
    """lz:廉政风险防控登记簿工具。

    登记簿以 YAML 保存在 git 中(registers/org.yaml 与 registers/departments/*.yaml)。
    """
    if lang is not None:
        set_language(lang.value)


# In the order of the yearly work: check the register, grade, render, compare, start anew.
app.command("validate", cls=Command)(validate_command)
app.command("lint", cls=Command)(lint_command)
app.command("rules", cls=Command)(rules_command)
app.command("grade", cls=Command)(grade_command)
app.add_typer(render_app, name="render")
app.command("report", cls=Command)(report_command)
app.command("brief", cls=Command)(brief_command)
app.command("diff", cls=Command)(diff_command)
app.command("init", cls=Command)(init_command)
app.command("recover", cls=Command)(recover_command)


def _unraisable_quietly(unraisable) -> None:
    """An error Python could not raise (a file closed as it is collected, after the real error was reported) is
    not printed as a traceback behind lz's own message."""


def _exit_now(code: object) -> NoReturn:
    """Exit once the output is flushed, without freeing a register's millions of objects one by one (1–2 s on a
    county register: the process ends anyway). Files lz writes are complete and closed before this point."""
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # what SystemExit("text") does
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: what could be written was
        code = code or 1
    os._exit(code or 0)


def main() -> None:
    """Entry point: run the app; an unexpected failure is one line, never a traceback."""
    if not os.environ.get("LZ_DEBUG"):
        sys.unraisablehook = _unraisable_quietly
    try:
        app()
    except SystemExit as exc:
        _exit_now(exc.code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("LZ_DEBUG"):
            raise
        typer.echo(f"lz: 内部错误(internal error): {type(exc).__name__}: {exc}\n"
                   "请设置 LZ_DEBUG=1 重新运行以查看详情,并报告此问题。", err=True)
        sys.exit(3)
