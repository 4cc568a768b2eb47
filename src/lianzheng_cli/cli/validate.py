"""lz validate"""

from __future__ import annotations

import typer

from lianzheng_cli.cli.common import (
    BasePathOption,
    DiagnosticFormatOption,
    LangOption,
    RegisterOption,
    start,
    validate_with_progress,
)
from lianzheng_cli.outputs.diagnostics import report


def validate_command(register: RegisterOption = None, fmt: DiagnosticFormatOption = "text", lang: LangOption = None,
                     base_path: BasePathOption = None) -> None:
    """校验登记簿: 语法、格式与跨文件引用, 逐条给出 文件:行:列。

    检查 YAML 语法与编码、登记簿格式 (schemas/ 中的 JSON Schema)、编号唯一 与 每个引用都能找到。

    退出码:0 无错误;1 有错误;2 用法或配置错误。
    """
    root = start(lang, register)
    result = validate_with_progress(root, fmt=fmt, model=False)
    report(fmt, result.diagnostics, result.summary(), root, base=base_path)
    raise typer.Exit(1 if result.errors else 0)
