"""Options shared by every command, and the few things every command does first."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from typer.core import TyperCommand, TyperGroup

from lianzheng_cli.diagnostics import Diagnostic
from lianzheng_cli.i18n import join_list, set_language, tr
from lianzheng_cli.load.sources import DirectorySource, RegisterNotFound, find_register
from lianzheng_cli.model.records import Register
from lianzheng_cli.outputs.diagnostics import REPORTERS, report
from lianzheng_cli.validate.register import Validation, validate
from lianzheng_cli.write.transaction import recover


def _in_the_users_language(option):
    """The help option says what it does in the user's language (typer's own text is English only)."""
    if option is not None:
        option.help = tr("cli.help_option")
    return option


class Command(TyperCommand):
    def get_help_option(self, ctx):
        return _in_the_users_language(super().get_help_option(ctx))


class Group(TyperGroup):
    def get_help_option(self, ctx):
        return _in_the_users_language(super().get_help_option(ctx))


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
    typer.Option("--register", "-r", help="登记簿目录(含 org.yaml)。 默认从当前目录 向上查找 registers/org.yaml。",
                 show_default=False),
]
DiagnosticFormatOption = Annotated[
    str, format_option(REPORTERS, help="输出格式: " + ", ".join(r.help for r in REPORTERS.values()) + "。"),
]
BasePathOption = Annotated[
    Path | None,
    typer.Option("--base-path", file_okay=False, show_default=False,
                 help="CI 格式 (" + ", ".join(name for name, r in REPORTERS.items() if r.ci) + ") 中 文件路径的起点。"
                      " 默认为登记簿所在 git 仓库的根目录, 不在仓库中时 为当前目录。"),
]
LangOption = Annotated[
    Lang | None,
    typer.Option("--lang", help="消息语言: zh(默认) 或 en。 也可设环境变量 LZ_LANG=en。", show_default=False),
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
    """Complete or undo a ``grade --write`` that was killed, remove its strays (``write.transaction``); each
    thing done is said on stderr. Costs two folder listings when there is nothing to do."""
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
    result = validate_with_progress(root, fmt=fmt)
    if result.errors or result.register is None:
        report(fmt, result.diagnostics, result.summary(), root, out, base=base)
        raise typer.Exit(1)
    return CheckedRegister(result, result.register)
