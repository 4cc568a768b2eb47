"""lz schema"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.common import LangOption, RegisterOption, command_help, start, usage_error
from lianzheng_cli.diagnostics import Severity
from lianzheng_cli.fileio import shown_path
from lianzheng_cli.i18n import messages
from lianzheng_cli.outputs.diagnostics import report
from lianzheng_cli.validate.register import read_vocabulary
from lianzheng_cli.validate.schema_build import schema_text
from lianzheng_cli.write.schemas import write_schemas

tr = messages({
    "schema.written": {"zh": "已写入：{path}", "en": "written: {path}"},
    "schema.current": {"zh": "已是最新：{path}", "en": "up to date: {path}"},
    "schema.cannot_write": {"zh": "无法写入 {path}：{reason}", "en": "cannot write {path}: {reason}"},
    "schema.help": {
        "zh": "生成本登记簿的 JSON Schema（格式文件）：内置词表加上 org.yaml 的 vocabulary 增补。\n\n"
              "编辑器（yaml-language-server）与 check-jsonschema 按它校验，与 lz validate 的结果一致；"
              "org.yaml 的 vocabulary 改动后运行 lz schema --write 更新 schemas/。"
              "不加 --write 时把 --kind 所指的格式文件输出到终端。\n\n"
              "退出码：0 正常；1 org.yaml 有错误（列出错误，不写入）；2 用法错误或无法写入。",
        "en": "Write this register's JSON Schemas: the built-in vocabulary plus org.yaml's vocabulary additions.\n\n"
              "Editors (yaml-language-server) and check-jsonschema check against them and agree with lz validate; "
              "after changing org.yaml's vocabulary, run lz schema --write to update schemas/. "
              "Without --write, prints the schema --kind names.\n\n"
              "Exit codes: 0 done; 1 org.yaml has errors (listed, nothing written); 2 usage error or cannot write.",
    },
    "schema.help.write": {
        "zh": "写入登记簿旁的 schemas/ 目录（lz init 的布局）：org.schema.json 与 department.schema.json；"
              "内容未变的文件不改动。",
        "en": "Write into the schemas/ folder beside the register (as lz init lays it out): org.schema.json and "
              "department.schema.json; files whose content is unchanged are left alone.",
    },
    "schema.help.kind": {
        "zh": "不加 --write 时输出哪个格式文件：org（org.yaml）或 department（部门文件）。",
        "en": "Without --write, which schema to print: org (org.yaml) or department (the department files).",
    },
    "schema.help.output": {
        "zh": "与 --write 同用：写入此目录，而不是登记簿旁的 schemas/。",
        "en": "With --write: write into this folder instead of the schemas/ beside the register.",
    },
})


class SchemaKind(StrEnum):
    org = "org"
    department = "department"


@command_help(tr.lazy("schema.help"))
def schema_command(
    write: Annotated[bool, typer.Option("--write", help=tr.lazy("schema.help.write"))] = False,
    kind: Annotated[SchemaKind, typer.Option("--kind", "-k", help=tr.lazy("schema.help.kind"))]
    = SchemaKind.department,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", file_okay=False, show_default=False, help=tr.lazy("schema.help.output"))] = None,
    register: RegisterOption = None,
    lang: LangOption = None,
) -> None:
    """lz schema: print or write the register's own JSON Schemas (built-in vocabulary plus its additions)."""
    root = start(lang, register)
    vocabulary, findings = read_vocabulary(root)
    errors = sum(d.severity is Severity.ERROR for d in findings)
    if errors:
        summary = {"files": 1, "departments": 0, "risks": 0, "measures": 0, "errors": errors,
                   "warnings": len(findings) - errors}
        report("text", findings, summary, root, sys.stderr)
        raise typer.Exit(1)
    if not write:
        sys.stdout.write(schema_text(kind.value, vocabulary))
        return
    try:
        written = write_schemas(root, vocabulary, output)
    except OSError as exc:
        raise usage_error(tr("schema.cannot_write", path=exc.filename or output, reason=exc.strerror or exc)) \
            from None
    for item in written:
        typer.echo(tr("schema.written" if item.changed else "schema.current", path=shown_path(item.path)))
