"""Options shared by every command, and the few things every command does first."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from lianzheng_cli.i18n import set_language
from lianzheng_cli.register import RegisterNotFound, find_register


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class Format(str, Enum):
    text = "text"
    json = "json"
    github = "github"


RegisterOption = Annotated[
    Optional[Path],
    typer.Option("--register", "-r", help="登记簿目录(含 org.yaml)。 默认从当前目录 向上查找 registers/org.yaml。",
                 show_default=False),
]
FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="输出格式: text 终端, json 机器可读, github 为 GitHub Actions 注释。")
]
LangOption = Annotated[
    Optional[Lang],
    typer.Option("--lang", help="消息语言: zh(默认) 或 en。 也可设环境变量 LZ_LANG=en。", show_default=False),
]


def usage_error(message: str) -> typer.Exit:
    """Print a usage or configuration error and give the exit that goes with it (2)."""
    typer.echo(f"lz: {message}", err=True)
    return typer.Exit(2)


def start(lang: Lang | None, register: Path | None) -> Path:
    """Apply ``--lang`` and find the register, or exit 2 with a clear message."""
    if lang is not None:
        set_language(lang.value)
    try:
        return find_register(register)
    except RegisterNotFound as exc:
        raise usage_error(str(exc)) from None
