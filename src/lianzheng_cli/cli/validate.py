"""lz validate"""

from __future__ import annotations

import typer

from lianzheng_cli.cli.common import (
    BasePathOption,
    DiagnosticFormatOption,
    LangOption,
    RegisterOption,
    command_help,
    start,
    validate_with_progress,
)
from lianzheng_cli.i18n import messages
from lianzheng_cli.outputs.diagnostics import report

tr = messages({
    "validate.help": {
        "zh": "校验登记簿：语法、格式与跨文件引用，逐条给出问题所在的文件、行和列。\n\n"
              "检查YAML语法与编码、登记簿格式（schemas/ 中的JSON Schema）、编号是否唯一、每个引用能否找到。\n\n"
              "退出码：0 没有错误；1 有错误；2 用法或配置错误。",
        "en": "Validate the register: syntax, format and references across files, each problem with its file, "
              "line and column.\n\n"
              "Checks YAML syntax and encoding, the register format (the JSON Schema in schemas/), that ids are "
              "unique and that every reference names something.\n\n"
              "Exit codes: 0 no errors; 1 errors; 2 usage or configuration error.",
    },
})


@command_help(tr.lazy("validate.help"))
def validate_command(register: RegisterOption = None, fmt: DiagnosticFormatOption = "text", lang: LangOption = None,
                     base_path: BasePathOption = None) -> None:
    """lz validate: report every syntax, format and reference problem; exit 1 if there are errors."""
    root = start(lang, register)
    result = validate_with_progress(root, fmt=fmt, model=False)
    report(fmt, result.diagnostics, result.summary(), root, base=base_path)
    raise typer.Exit(1 if result.errors else 0)
