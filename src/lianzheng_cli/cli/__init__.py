"""The ``lz`` command: assembles the commands; each lives in its own module."""

from __future__ import annotations

import os
import sys
from typing import Annotated, NoReturn

import typer

from lianzheng_cli import __version__
from lianzheng_cli.cli.approve import approve_command
from lianzheng_cli.cli.assess import assess_command
from lianzheng_cli.cli.brief import brief_command
from lianzheng_cli.cli.common import Command, Group, LangOption, command_help
from lianzheng_cli.cli.diff import diff_command
from lianzheng_cli.cli.export import export_app
from lianzheng_cli.cli.grade import grade_command
from lianzheng_cli.cli.import_ import import_command
from lianzheng_cli.cli.init import init_command
from lianzheng_cli.cli.lint import lint_command, rules_command
from lianzheng_cli.cli.query import query_command
from lianzheng_cli.cli.recover import recover_command
from lianzheng_cli.cli.render import render_app
from lianzheng_cli.cli.report import report_command
from lianzheng_cli.cli.rollup import rollup_command
from lianzheng_cli.cli.schema import schema_command
from lianzheng_cli.cli.validate import validate_command
from lianzheng_cli.i18n import messages, set_language

tr = messages({
    "lz.help": {
        "zh": "廉政风险防控登记簿工具：校验、检查、定级和比对以YAML保存在 git 中的登记簿，"
              "生成一览表、年度报告与告知书。\n\n"
              "登记簿在 registers/ 目录中：org.yaml 与 departments/*.yaml。",
        "en": "The integrity-risk register tool: validate, lint, grade and compare registers kept as YAML in git; "
              "write the workbook, the annual report and the briefs.\n\n"
              "The register is in registers/: org.yaml and departments/*.yaml.",
    },
    "lz.help.version": {"zh": "显示版本号并退出。", "en": "Show the version and exit."},
    "lz.internal_error": {
        "zh": "lz：内部错误：{error}\n请设置 LZ_DEBUG=1 重新运行以查看详情，并报告此问题。",
        "en": "lz: internal error: {error}\nRun again with LZ_DEBUG=1 to see the details, and report the problem.",
    },
})

app = typer.Typer(
    cls=Group,
    name="lz",
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
@command_help(tr.lazy("lz.help"))
def _root(
    version: Annotated[
        bool | None,
        typer.Option("--version", "-V", help=tr.lazy("lz.help.version"), callback=_show_version, is_eager=True),
    ] = None,
    lang: LangOption = None,
) -> None:
    """lz: the integrity-risk register tool (registers/org.yaml and registers/departments/*.yaml in git)."""
    if lang is not None:
        set_language(lang.value)


# In the order of the yearly work: check the register, grade, render, compare, roll the units up, start anew.
app.command("validate", cls=Command)(validate_command)
app.command("lint", cls=Command)(lint_command)
app.command("rules", cls=Command)(rules_command)
app.command("schema", cls=Command)(schema_command)
app.command("grade", cls=Command)(grade_command)
app.add_typer(render_app, name="render")
app.command("report", cls=Command)(report_command)
app.command("brief", cls=Command)(brief_command)
app.command("approve", cls=Command)(approve_command)
app.command("assess", cls=Command)(assess_command)
app.command("diff", cls=Command)(diff_command)
app.command("rollup", cls=Command)(rollup_command)
app.add_typer(export_app, name="export")
app.command("query", cls=Command)(query_command)
app.command("init", cls=Command)(init_command)
app.command("import", cls=Command)(import_command)
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
        typer.echo(tr("lz.internal_error", error=f"{type(exc).__name__}: {exc}"), err=True)
        sys.exit(3)
