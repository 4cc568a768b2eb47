"""Options shared by every command, and the few things every command does first."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from typer._click.core import Context
from typer._click.exceptions import ClickException, UsageError
from typer._click.formatting import HelpFormatter
from typer.core import TyperCommand, TyperGroup

from lianzheng_cli.cli import language
from lianzheng_cli.cli.language import command_help as command_help
from lianzheng_cli.diagnostics import Diagnostic
from lianzheng_cli.i18n import join_list, messages, set_language
from lianzheng_cli.load.sources import DirectorySource, RegisterNotFound, find_register
from lianzheng_cli.model.records import Register
from lianzheng_cli.outputs.diagnostics import REPORTERS, report
from lianzheng_cli.validate.register import Validation, validate
from lianzheng_cli.write.transaction import recover

tr = messages({
    "help.register": {
        "zh": "登记簿目录（含 org.yaml）。默认从当前目录向上查找 registers/org.yaml。",
        "en": "The register folder (the one with org.yaml). Default: the first registers/org.yaml "
              "from the current folder upwards.",
    },
    "help.format": {"zh": "输出格式：{formats}。", "en": "Output format: {formats}."},
    "help.format.item": {"zh": "{name}（{what}）", "en": "{name} ({what})"},
    "help.base_path": {
        "zh": "CI格式（{formats}）中的文件路径相对于此目录。"
              "默认为登记簿所在 git 仓库的根目录，不在仓库中时为当前目录。",
        "en": "Where file paths start in the CI formats ({formats}). Default: the root of the register's "
              "git repository, or the current folder outside one.",
    },
    "cli.more_warnings": {"zh": "……另有{count}个同类警告", "en": "… and {count} more warnings like these"},
    "help.follow_symlinks": {
        "zh": "写入登记簿时（grade --write、import --update），部门文件若是指向登记簿以外的链接，"
              "则修改链接指向的文件（默认拒绝）。",
        "en": "When writing into the register (grade --write, import --update), change the file a department "
              "file links to outside the register (refused by default).",
    },
    "help.lang": {
        "zh": "消息语言：zh（中文，默认）或 en（英文）。也可设环境变量 LZ_LANG=en。",
        "en": "Language of messages and help: zh (Chinese, the default) or en. Or set LZ_LANG=en.",
    },
})

if TYPE_CHECKING:  # for mypy the mixin is a typer command; at run time it goes before TyperCommand or TyperGroup
    _TyperCommand = TyperCommand
else:
    _TyperCommand = object


class _InTheUsersLanguage(_TyperCommand):
    """What ``Command`` and ``Group`` add to typer's: help, usage and click's errors in the user's language
    (see ``cli/language.py``), flags shown without a value, Chinese line breaking on help screens."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language.help_from_catalogue(self)

    def get_help_option(self, ctx: Context) -> Any:
        option = super().get_help_option(ctx)
        if option is not None and option not in language.HELP_OPTIONS:  # click makes it once and keeps it
            language.HELP_OPTIONS.add(option)
            option.help = language.tr.lazy("cli.help_option")
            language.without_value(option)
        return option

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        with language.help_in_the_users_language(self, ctx):
            super().format_help(ctx, formatter)

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        return language.usage_pieces(super().collect_usage_pieces(ctx))

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=language.tr("cli.usage"))

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as error:  # the parser's own errors know no context: show the usage with them too
            if error.ctx is None:
                error.ctx, error.cmd = ctx, self
            raise

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        """Run in the language the command line or ``LZ_LANG`` asks for; click's errors said in it."""
        args = list(sys.argv[1:] if args is None else args)
        set_language(language.language_in(args))
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except ClickException as error:
            language.show_error(error)
            sys.exit(error.exit_code)
        except typer.Abort:
            language.show_aborted()
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


class Command(_InTheUsersLanguage, TyperCommand):
    """Every lz command (``app.command(name, cls=Command)``)."""


class Group(_InTheUsersLanguage, TyperGroup):
    """lz itself and its groups of subcommands (``typer.Typer(cls=Group)``)."""


def command_group(name: str) -> typer.Typer:
    """A command with subcommands (``lz render xlsx``, ``lz export parquet``): help in the user's language, and
    shown when no subcommand is given."""
    return typer.Typer(cls=Group, name=name, no_args_is_help=True,
                       context_settings={"help_option_names": ["-h", "--help"]})


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def format_option(registry: Mapping[str, object], help: str) -> Any:
    """``--format/-f`` whose choices are exactly the keys of a command family's one registry of formats."""
    names = list(registry)

    def check(value: str) -> str:
        if value not in names:
            raise typer.BadParameter(tr("usage.bad_format", value=value, choices=join_list(names)))
        return value

    return typer.Option("--format", "-f", metavar="FORMAT", callback=check, help=help)


RegisterOption = Annotated[
    Path | None,
    typer.Option("--register", "-r", metavar="DIR", help=tr.lazy("help.register"), show_default=False),
]
DiagnosticFormatOption = Annotated[
    str, format_option(REPORTERS, help=tr.lazy(
        "help.format", formats=[tr.lazy("help.format.item", name=name, what=r.help) for name, r in REPORTERS.items()])),
]
BasePathOption = Annotated[
    Path | None,
    typer.Option("--base-path", metavar="DIR", file_okay=False, show_default=False, help=tr.lazy(
        "help.base_path", formats=[name for name, r in REPORTERS.items() if r.ci])),
]
LangOption = Annotated[
    Lang | None,
    typer.Option("--lang", help=tr.lazy("help.lang"), show_default=False),
]

FollowSymlinksOption = Annotated[
    bool,
    typer.Option("--follow-symlinks", help=tr.lazy("help.follow_symlinks")),
]


def usage_error(message: str) -> typer.Exit:
    """Print a usage or configuration error and give the exit that goes with it (2)."""
    typer.echo(f"lz: {message}", err=True)
    return typer.Exit(2)


SHOWN_WARNINGS = 20


def warn_all(notices: list) -> None:
    """Warnings of a written file (``outputs.xlsx.writer.Overflow`` …: each has ``message()``) on stderr, at most
    ``SHOWN_WARNINGS`` of them and how many more."""
    for notice in notices[:SHOWN_WARNINGS]:
        typer.echo(f"lz: {notice.message()}", err=True)
    if len(notices) > SHOWN_WARNINGS:
        typer.echo(f"lz: {tr('cli.more_warnings', count=len(notices) - SHOWN_WARNINGS)}", err=True)


def start(lang: Lang | None, register: Path | None) -> Path:
    """Apply ``--lang`` and find the register, or exit 2 with a clear message."""
    if lang is not None:
        set_language(lang.value)
    try:
        root = find_register(register)
    except RegisterNotFound as exc:
        raise usage_error(str(exc)) from None
    finish_interrupted_writes(root)
    return root


def finish_interrupted_writes(root: Path, *, wait: float = 0.0) -> list[str]:
    """Complete or undo a multi-file write (``grade --write``, ``import --update``) that was killed and remove
    its strays (``write.transaction``); each thing done is said on stderr. Costs two folder listings when there
    is nothing to do."""
    notes = recover(root, wait=wait).notes()
    for note in notes:
        typer.echo(f"lz: {note}", err=True)
    return notes


@contextmanager
def progress_bar(total: int, description: str, *, enabled: bool = True) -> Iterator[Callable[[int], None]]:
    """A callback advancing a progress bar on stderr, shown only on a terminal once the work passes a second.

    Machine formats and pipes get nothing extra: pass ``enabled=False`` for them.
    """
    if not enabled or not sys.stderr.isatty() or total <= 0:
        yield lambda n: None
        return
    started = time.monotonic()
    done = 0
    bar: Progress | None = None
    task: TaskID | None = None

    def advance(n: int) -> None:
        nonlocal done, bar, task
        done += n
        if bar is None and time.monotonic() - started > 1.0:
            bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                           TimeElapsedColumn(), console=Console(stderr=True, emoji=False), transient=True)
            bar.start()
            task = bar.add_task(description, total=total)
        if bar is not None and task is not None:
            bar.update(task, completed=done)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.stop()


def validate_with_progress(root: Path, *, fmt: str = "text", model: bool = True) -> Validation:
    """``validate`` with a progress bar for the text format (see ``progress_bar``)."""
    files = len(DirectorySource(root).department_files())
    with progress_bar(files, tr("progress.parsing"), enabled=fmt == "text") as advance:
        return validate(root, model=model, progress=advance)


@dataclass(frozen=True, slots=True)
class CheckedRegister:
    """A register that validated clean, with its model."""

    validation: Validation
    register: Register

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Warnings only (a register with errors is never checked)."""
        return self.validation.diagnostics

    def summary(self) -> dict[str, int]:
        return self.validation.summary()


def checked_register(root: Path, *, fmt: str = "text", out: TextIO | None = None,
                     base: Path | None = None) -> CheckedRegister:
    """The register validated with its model; if it has errors, they are reported in ``fmt`` and lz exits 1."""
    result = clean_validation(root, fmt=fmt, out=out, base=base)
    assert result.register is not None  # clean_validation exits otherwise
    return CheckedRegister(result, result.register)


def clean_validation(root: Path, *, fmt: str = "text", out: TextIO | None = None, base: Path | None = None,
                     model: bool = True) -> Validation:
    """The register validated (with its model if ``model``); if it has errors, they are reported in ``fmt`` and
    lz exits 1."""
    result = validate_with_progress(root, fmt=fmt, model=model)
    if result.errors or (model and result.register is None):
        report(fmt, result.diagnostics, result.summary(), root, out, base=base)
        raise typer.Exit(1)
    return result
