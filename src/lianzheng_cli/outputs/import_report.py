"""What ``lz import`` shows: the files written (or that would be), the column mapping used, every problem.

``IMPORT_FORMATS`` is the registry ``lz import --format`` takes its choices from. The JSON keeps the
contract of ``lz validate --format json`` (``version``, ``diagnostics``, ``summary``); each diagnostic has
``sheet`` and ``cell`` besides, and ``files`` and ``tables`` say what was written and how columns were read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from rich.markup import escape

from lianzheng_cli.diagnostics import Severity
from lianzheng_cli.fileio import shown_path
from lianzheng_cli.i18n import messages
from lianzheng_cli.importing import ImportResult
from lianzheng_cli.importing.grid import column_letters
from lianzheng_cli.importing.headers import FIELDS, NOT_IMPORTED
from lianzheng_cli.importing.problems import ImportProblem
from lianzheng_cli.importing.tables import Table
from lianzheng_cli.outputs.diagnostics import make_console

tr = messages({
    "import.kind.risks": {"zh": "一览表", "en": "risk table"},
    "import.kind.powers": {"zh": "职权目录", "en": "power directory"},
    "import.kind.posts": {"zh": "岗位目录", "en": "post directory"},
    "import.mapping": {
        "zh": "列对应：{file}「{sheet}」（{kind}，表头在第 {rows} 行）",
        "en": "columns: {file} “{sheet}” ({kind}, header on row {rows})",
    },
    "import.column": {"zh": "  {column} {header} → {field}", "en": "  {column} {header} → {field}"},
    "import.not_imported": {"zh": "{field}（不导入）", "en": "{field} (not imported)"},
    "import.not_understood": {"zh": "（未识别，不导入）", "en": "(not understood, not imported)"},
    "import.would_write": {"zh": "将写入 {path}", "en": "would write {path}"},
    "import.written": {"zh": "已写入 {path}", "en": "written: {path}"},
    "import.department_counts": {
        "zh": "{name}：风险点 {risks} 个、措施 {measures} 项、岗位 {posts} 个、职权 {powers} 项、流程 {processes} 个、"
              "人员 {people} 名",
        "en": "{name}: {risks} risks, {measures} measures, {posts} posts, {powers} powers, {processes} processes, "
              "{people} people",
    },
    "import.summary": {
        "zh": "导入 {departments} 个部门、{risks} 个风险点、{measures} 项措施；"
              "发现 {errors} 个错误、{warnings} 个警告、{infos} 条提示",
        "en": "imported {departments} departments, {risks} risks, {measures} measures; {errors} errors, "
              "{warnings} warnings, {infos} notes",
    },
    "import.dry_run": {"zh": "（试运行：未写入任何文件）", "en": " (dry run: nothing was written)"},
})

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
ImportReporter = Callable[[ImportResult, Path | None, list[Path] | None, TextIO], None]


def problem_location(problem: ImportProblem) -> str:
    """``一览表.xlsx「Sheet1」G12``, or less when the problem is about a sheet or a file."""
    where = problem.file
    if problem.sheet:
        where += f"「{problem.sheet}」"
    return where + problem.cell


def _field_shown(name: str | None) -> str:
    if name is None:
        return tr("import.not_understood")
    label = FIELDS.get(name, name)
    return tr("import.not_imported", field=label) if name in NOT_IMPORTED else label


def mapping_lines(table: Table) -> list[str]:
    rows = "–".join(str(r + 1) for r in table.header_rows)
    lines = [tr("import.mapping", file=table.file, sheet=table.sheet, kind=tr(f"import.kind.{table.kind}"),
                rows=rows)]
    for column in table.columns:
        lines.append(tr("import.column", column=column_letters(column.index), header=column.header,
                        field=_field_shown(column.field)))
    return lines


def _file_lines(result: ImportResult, out: Path | None, written: list[Path] | None) -> list[str]:
    lines = []
    for file in result.files:
        path = shown_path(out / file.path) if out is not None else file.path
        line = tr("import.written" if written is not None else "import.would_write", path=path)
        department = file.department
        if department is not None:
            line += "  " + tr("import.department_counts", name=department.name, risks=len(department.risks),
                              measures=department.measures, posts=len(department.posts),
                              powers=len(department.powers), processes=len(department.processes),
                              people=len(department.people))
        lines.append(line)
    return lines


def report_import_text(result: ImportResult, out: Path | None, written: list[Path] | None, stream: TextIO) -> None:
    console = make_console(stream, soft_wrap=True)
    plain = console.color_system is None
    lines: list[str] = []
    if written is None:
        for table in result.tables:
            lines += mapping_lines(table)
    lines += _file_lines(result, out, written)
    for line in lines:
        if plain:
            stream.write(line + "\n")
        else:
            console.print(escape(line))
    for problem in result.problems.items:
        location = problem_location(problem)
        if plain:
            stream.write(f"{location}: {problem.code} {problem.message}\n")
        else:
            style = _STYLE[problem.severity]
            console.print(f"{escape(location)}: [{style}]{problem.code}[/] {escape(problem.message)}")
    summary = result.summary()
    text = tr("import.summary", **summary)
    if written is None:
        text += tr("import.dry_run")
    style = "bold red" if summary["errors"] else ("yellow" if summary["warnings"] else "green")
    if plain:
        stream.write(text + "\n")
    else:
        console.print(f"[{style}]{escape(text)}[/]")


def report_import_json(result: ImportResult, out: Path | None, written: list[Path] | None, stream: TextIO) -> None:
    files = []
    for file in result.files:
        entry: dict[str, object] = {"path": file.path}
        department = file.department
        if department is not None:
            entry.update(department=department.id, name=department.name, risks=len(department.risks),
                         measures=department.measures, posts=len(department.posts), powers=len(department.powers),
                         processes=len(department.processes), people=len(department.people))
        files.append(entry)
    tables = [{"file": t.file, "sheet": t.sheet, "kind": t.kind, "header_rows": [r + 1 for r in t.header_rows],
               "columns": [{"column": column_letters(c.index), "header": c.header, "field": c.field}
                           for c in t.columns]}
              for t in result.tables]
    document = {
        "version": 1,
        "dry_run": written is None,
        "out": str(out) if out is not None else None,
        "files": files,
        "tables": tables,
        "diagnostics": [p.to_dict() for p in result.problems.items],
        "summary": result.summary(),
    }
    stream.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


IMPORT_FORMATS: dict[str, ImportReporter] = {
    "text": report_import_text,
    "json": report_import_json,
}
