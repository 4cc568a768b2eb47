"""The ``lz`` command: assembles the commands; each lives in its own module."""

from __future__ import annotations

import importlib
import os
import sys
from difflib import get_close_matches
from typing import Annotated, Any, NoReturn

import typer
from typer._click.core import Context
from typer._click.exceptions import UsageError

from lianzheng_cli import __version__
from lianzheng_cli.cli.common import Command, Group, LangOption, command_help
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

# In the order of the yearly work: check the register, grade, render, compare, roll the units up, start anew.
# Each command's module is imported when that command runs: a command pays for its own imports only (all of them
# take half a second, as long as a warm `lz validate` of a county register).
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("validate", "validate_command"),
    "lint": ("lint", "lint_command"),
    "rules": ("lint", "rules_command"),
    "schema": ("schema", "schema_command"),
    "grade": ("grade", "grade_command"),
    "render": ("render", "render_app"),
    "report": ("report", "report_command"),
    "brief": ("brief", "brief_command"),
    "approve": ("approve", "approve_command"),
    "assess": ("assess", "assess_command"),
    "diff": ("diff", "diff_command"),
    "rollup": ("rollup", "rollup_command"),
    "export": ("export", "export_app"),
    "query": ("query", "query_command"),
    "init": ("init", "init_command"),
    "import": ("import_", "import_command"),
    "recover": ("recover", "recover_command"),
}


def load_command(name: str) -> typer.core.TyperCommand | typer.core.TyperGroup:
    """The click command of ``lz NAME``, its module imported now."""
    module, attribute = COMMANDS[name]
    found = getattr(importlib.import_module(f"lianzheng_cli.cli.{module}"), attribute)
    if isinstance(found, typer.Typer):  # a command with subcommands (render, export)
        return typer.main.get_group(found)
    single = typer.Typer()
    single.command(name, cls=Command)(found)
    command = typer.main.get_command(single)
    assert isinstance(command, typer.core.TyperCommand)
    return command


class _Lz(Group):
    """lz itself: its commands are loaded on first use (``COMMANDS``)."""

    def list_commands(self, ctx: Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Context, cmd_name: str) -> typer.core.TyperCommand | typer.core.TyperGroup | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(load_command(cmd_name), cmd_name)
        found = self.commands.get(cmd_name)
        return found if isinstance(found, (typer.core.TyperCommand, typer.core.TyperGroup)) else None

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Any, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            # typer suggests among the commands loaded, none yet: suggest among them all, as typer words it
            matches = get_close_matches(args[0], list(COMMANDS)) if args else []
            if matches and "Did you mean" not in error.message:
                error.message = f"{error.message.rstrip('.')}. Did you mean {', '.join(map(repr, matches))}?"
            raise


app = typer.Typer(
    cls=_Lz,
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
