"""What ``lz import --update`` shows: every change to the register, file by file, then the problems and a summary.

``UPDATE_FORMATS`` has the same keys as ``IMPORT_FORMATS`` (``lz import --format``). The JSON keeps the
contract of ``lz import --format json`` (``version``, ``diagnostics``, ``summary``) and adds ``changes``: each
with ``action`` (changed, added, removed, kept: gone from the sheet and not deleted), ``what`` (risk, measure,
post), ``file``, ``id``, ``measure``, ``field``, ``from``, ``to`` and the ``sheet`` and ``cell`` it came from.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from rich.markup import escape

from lianzheng_cli.fileio import shown_path
from lianzheng_cli.i18n import current_language, join_list, messages
from lianzheng_cli.importing.matching import Change
from lianzheng_cli.importing.restore import Restored
from lianzheng_cli.importing.update import UpdateResult
from lianzheng_cli.outputs.diagnostics import make_console
from lianzheng_cli.outputs.import_report import problem_location

tr = messages({
    "update.file": {"zh": "{path}：", "en": "{path}:"},
    "update.changed.risk": {"zh": "  修改 {id}「{name}」的{field}：{old} → {new}",
                            "en": "  changed {id} “{name}”, {field}: {old} → {new}"},
    "update.changed.measure": {"zh": "  修改 {id} 措施 {measure} 的{field}：{old} → {new}",
                               "en": "  changed {id} measure {measure}, {field}: {old} → {new}"},
    "update.changed.post": {"zh": "  修改岗位 {id}「{name}」的{field}：{old} → {new}",
                            "en": "  changed post {id} “{name}”, {field}: {old} → {new}"},
    "update.added.risk": {"zh": "  新增风险点 {id}「{name}」", "en": "  added risk {id} “{name}”"},
    "update.added.measure": {"zh": "  新增 {id} 措施 {measure}：{new}", "en": "  added {id} measure {measure}: {new}"},
    "update.added.post": {"zh": "  新增岗位 {id}「{name}」", "en": "  added post {id} “{name}”"},
    "update.removed.risk": {"zh": "  删除风险点 {id}「{name}」", "en": "  deleted risk {id} “{name}”"},
    "update.removed.measure": {"zh": "  删除 {id} 措施 {measure}：{old}",
                               "en": "  deleted {id} measure {measure}: {old}"},
    "update.kept.risk": {"zh": "  表中已没有风险点 {id}「{name}」，未删除（加 --delete 删除）",
                         "en": "  risk {id} “{name}” is gone from the sheet; not deleted (add --delete to delete it)"},
    "update.kept.measure": {"zh": "  表中已没有 {id} 措施 {measure}：{old}，未删除（加 --delete 删除）",
                            "en": "  {id} measure {measure} is gone from the sheet: {old}; not deleted "
                                  "(add --delete to delete it)"},
    "update.from": {"zh": "（{where}）", "en": " ({where})"},
    "update.summary": {"zh": "{verb} {files} 个文件：{parts}；发现 {errors} 个错误、{warnings} 个警告、{infos} 条提示",
                       "en": "{verb} {files} files: {parts}; {errors} errors, {warnings} warnings, {infos} notes"},
    "update.part.risks_changed": {"zh": "修改 {n} 个风险点", "en": "{n} risks changed"},
    "update.part.risks_added": {"zh": "新增 {n} 个风险点", "en": "{n} risks added"},
    "update.part.measures_added": {"zh": "新增 {n} 项措施", "en": "{n} measures added"},
    "update.part.posts_added": {"zh": "新增 {n} 个岗位", "en": "{n} posts added"},
    "update.part.posts_changed": {"zh": "修改 {n} 个岗位职责", "en": "{n} posts' duties changed"},
    "update.part.risks_removed": {"zh": "删除 {n} 个风险点", "en": "{n} risks deleted"},
    "update.part.measures_removed": {"zh": "删除 {n} 项措施", "en": "{n} measures deleted"},
    "update.part.risks_kept": {"zh": "表中已没有而未删除 {n} 个风险点",
                               "en": "{n} risks gone from the sheets, not deleted"},
    "update.part.measures_kept": {"zh": "表中已没有而未删除 {n} 项措施",
                                  "en": "{n} measures gone from the sheets, not deleted"},
    "update.part.nothing": {"zh": "没有变更", "en": "no change"},
    "update.verb.written": {"zh": "已更新", "en": "updated"},
    "update.verb.dry_run": {"zh": "将更新", "en": "would update"},
    "update.unchanged": {"zh": "表格与登记簿一致，未修改任何文件；"
                               "发现 {errors} 个错误、{warnings} 个警告、{infos} 条提示",
                         "en": "the workbook matches the register; no file changed; {errors} errors, {warnings} "
                               "warnings, {infos} notes"},
    "update.dry_run": {"zh": "（试运行：未修改任何文件）", "en": " (dry run: nothing was written)"},
    "restore.unchanged": {"zh": "表格没有改动，登记簿与工作簿所附原文相同；"
                                "发现 {errors} 个错误、{warnings} 个警告、{infos} 条提示",
                          "en": "the sheets are as rendered: the register is the one the workbook carries; {errors} "
                                "errors, {warnings} warnings, {infos} notes"},
    "restore.written": {"zh": "已写入新登记簿 {path}（{files}个文件）",
                        "en": "written: the new register {path} ({files} files)"},
    "restore.would_write": {"zh": "将写入新登记簿 {path}（{files}个文件；试运行：未写入任何文件）",
                            "en": "would write the new register {path} ({files} files; dry run: nothing was written)"},
    "field.title": {"zh": "风险点名称", "en": "title"},
    "field.description": {"zh": "风险描述", "en": "description"},
    "field.type": {"zh": "风险类型", "en": "type"},
    "field.grade": {"zh": "风险等级", "en": "grade"},
    "field.process": {"zh": "流程", "en": "process"},
    "field.step": {"zh": "关键环节", "en": "step"},
    "field.posts": {"zh": "涉及对象", "en": "posts"},
    "field.text": {"zh": "内容", "en": "text"},
    "field.stage": {"zh": "阶段", "en": "stage"},
    "field.owner": {"zh": "责任主体", "en": "owner"},
    "field.duties": {"zh": "岗位职责", "en": "duties"},
    "value.none": {"zh": "（无）", "en": "(none)"},
})

_PARTS = ("risks_changed", "risks_added", "measures_added", "posts_added", "posts_changed", "risks_removed",
          "measures_removed", "risks_kept", "measures_kept")
SHOWN_LENGTH = 40  # characters of a text shown before it is cut with …
UpdateReporter = Callable[[UpdateResult, Path, TextIO], None]


def _shown(value: Any) -> str:
    if value is None or value == "":
        return tr("value.none")
    if isinstance(value, (list, tuple)):
        value = ("、" if current_language() != "en" else ", ").join(str(v) for v in value)
    text = str(value).replace("\n", "⏎")
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH - 1] + "…"


def around_change(old: str, new: str, context: int = 10) -> tuple[str, str]:
    """The parts of two long texts where they differ, with a little context: ``…下班后将公车开回家…``."""
    if len(old) <= SHOWN_LENGTH and len(new) <= SHOWN_LENGTH:
        return old, new
    prefix = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    suffix = 0
    while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    start = max(0, prefix - context)

    def cut(text: str) -> str:
        end = min(len(text), len(text) - suffix + context)
        return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")

    return cut(old), cut(new)


def change_line(change: Change, *, with_file: bool = True) -> str:
    key = f"update.{change.action}.{change.what}"
    field = tr(f"field.{change.field}") if change.field else ""
    old, new = change.old, change.new
    if isinstance(old, str) and isinstance(new, str):
        old, new = around_change(old, new)
    line = tr(key, id=change.id, name=change.name, measure=change.measure, field=field, old=_shown(old),
              new=_shown(new))
    place = change.place
    if place is not None and change.action in ("changed", "added"):
        line += tr("update.from", where=f"{place.file if with_file else ''}「{place.sheet}」{place.cell}")
    return line


def _lines(result: UpdateResult, root: Path) -> list[str]:
    by_file: dict[str, list[Change]] = {}
    for change in result.changes:
        by_file.setdefault(change.file, []).append(change)
    with_file = len({c.place.file for c in result.changes if c.place is not None}) > 1  # else said once, by the user
    lines = []
    for rel in sorted(by_file):
        lines.append(tr("update.file", path=shown_path(root / rel)))
        lines += [change_line(c, with_file=with_file) for c in by_file[rel]]
    return lines


def report_update_text(result: UpdateResult, root: Path, stream: TextIO) -> None:
    console = make_console(stream, soft_wrap=True)
    plain = console.color_system is None

    def say(text: str, style: str = "") -> None:
        if plain:
            stream.write(text + "\n")
        else:
            console.print(f"[{style}]{escape(text)}[/]" if style else escape(text))

    for line in _lines(result, root):
        say(line)
    for problem in result.problems.items:
        say(f"{problem_location(problem)}: {problem.code} {problem.message}")
    summary = result.summary()
    style = "bold red" if summary["errors"] else ("yellow" if summary["warnings"] else "green")
    if not result.changes:
        say(tr("update.unchanged", errors=summary["errors"], warnings=summary["warnings"], infos=summary["infos"]),
            style)
        return
    verb = tr("update.verb.dry_run" if result.dry_run else "update.verb.written")
    parts = [tr(f"update.part.{key}", n=summary[key]) for key in _PARTS if summary[key]]
    text = tr("update.summary", verb=verb, files=summary["files"], errors=summary["errors"],
              warnings=summary["warnings"], infos=summary["infos"],
              parts=join_list(parts) if parts else tr("update.part.nothing"))
    if result.dry_run:
        text += tr("update.dry_run")
    say(text, style)


def report_update_json(result: UpdateResult, root: Path, stream: TextIO) -> None:
    stream.write(json.dumps(update_document(result, root), ensure_ascii=False, indent=2, default=str) + "\n")


def update_document(result: UpdateResult, root: Path) -> dict[str, Any]:
    """The JSON document of an update (``--format json``)."""
    changes = []
    for change in result.changes:
        entry: dict[str, Any] = {"action": change.action, "what": change.what, "file": change.file, "id": change.id}
        if change.measure:
            entry["measure"] = change.measure
        if change.field:
            entry["field"] = change.field
        entry["from"], entry["to"] = change.old, change.new
        if change.place is not None:
            entry.update(sheet=change.place.sheet, cell=change.place.cell)
        changes.append(entry)
    return {
        "version": 1,
        "dry_run": result.dry_run,
        "register": str(root),
        "delete": result.delete,
        "files": sorted(result.texts),
        "changes": changes,
        "diagnostics": [p.to_dict() for p in result.problems.items],
        "summary": result.summary(),
    }


UPDATE_FORMATS: dict[str, UpdateReporter] = {
    "text": report_update_text,
    "json": report_update_json,
}


def report_restored_text(restored: Restored, out: Path | None, stream: TextIO) -> None:
    """A register restored from the workbook it was rendered from: the edits applied, then what was written."""
    update = restored.update
    if update.changes:
        report_update_text(update, out or Path("."), stream)
    else:  # "no file changed" would read oddly above "written": the register is the one the workbook carries
        for problem in update.problems.items:
            stream.write(f"{problem_location(problem)}: {problem.code} {problem.message}\n")
        counts = update.summary()
        stream.write(tr("restore.unchanged", errors=counts["errors"], warnings=counts["warnings"],
                        infos=counts["infos"]) + "\n")
    key = "restore.would_write" if restored.written is None else "restore.written"
    stream.write(tr(key, path=shown_path(out) if out is not None else "-", files=len(restored.files)) + "\n")


def report_restored_json(restored: Restored, out: Path | None, stream: TextIO) -> None:
    document = update_document(restored.update, out or Path("."))
    document.update(restored=True, out=str(out) if out is not None else None, register_files=sorted(restored.files))
    stream.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")


RestoredReporter = Callable[[Restored, Path | None, TextIO], None]
RESTORED_FORMATS: dict[str, RestoredReporter] = {
    "text": report_restored_text,
    "json": report_restored_json,
}
