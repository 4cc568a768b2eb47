"""``lz import`` of a workbook ``lz render xlsx`` wrote: the register it was rendered from, with the sheet's edits.

Such a workbook carries the register's files in a very hidden sheet (``snapshot``). Importing it writes those
files, then applies what was edited in the visible sheets exactly as ``lz import --update --delete`` would
(a new register is what the workbook now shows: rows deleted from it are not kept), so nothing the printed form
leaves out is lost: scores, ids of posts, steps and people, dates, statuses, comments and key order. A damaged
or invalid register text is reported (LZ608) and the workbook is read from its visible sheets like any other.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from lianzheng_cli.i18n import messages
from lianzheng_cli.importing.problems import Problems
from lianzheng_cli.importing.read import SourceFile
from lianzheng_cli.importing.run import ImportOptions, write_new_register
from lianzheng_cli.importing.snapshot import SnapshotDamaged, find_snapshot
from lianzheng_cli.importing.update import UpdateResult, update_register
from lianzheng_cli.validate.register import validate

tr = messages({
    "restore.used": {
        "zh": "工作簿附有生成它的登记簿原文（{files}个文件）：按原文还原，并应用表中所做的修改",
        "en": "the workbook carries the register it was rendered from ({files} files): restored from it, with the "
              "edits made in the sheets applied",
    },
    "restore.damaged": {
        "zh": "工作簿所附的登记簿原文已被改动或不完整（{file}），改为按表格内容导入",
        "en": "the register text the workbook carries was changed or is incomplete ({file}); the visible sheets "
              "are imported instead",
    },
    "restore.invalid": {
        "zh": "工作簿所附的登记簿原文未通过校验（{first}），改为按表格内容导入",
        "en": "the register text the workbook carries does not validate ({first}); the visible sheets are "
              "imported instead",
    },
})


@dataclass
class Restored:
    """A register restored from a workbook: the edits applied (``update``; its ``texts`` are the changed files)
    and every file of the new register with its text."""

    update: UpdateResult
    files: dict[str, str]
    written: list[Path] | None = None


def restore(source: SourceFile, out: Path | None, options: ImportOptions, *, dry_run: bool,
            problems: Problems) -> Restored | None:
    """The register ``source`` carries, written into ``out`` (unless ``dry_run``) with the sheet's edits applied;
    ``None`` when it carries none, or a damaged or invalid one (then ``problems`` says so)."""
    try:
        snapshot = find_snapshot(source.sheets)
    except SnapshotDamaged as exc:
        problems.on_file("LZ608", source.shown, tr("restore.damaged", file=exc.args[0]))
        return None
    if snapshot is None:
        return None
    edited = snapshot.edited(source.sheets)
    if not edited:  # the register as it was rendered (and validated then): no sheet to read
        update = UpdateResult([], problems, [], delete=True, dry_run=dry_run)
        update.problems.on_file("LZ607", source.shown, tr("restore.used", files=len(snapshot.files)))
        written = None if dry_run or out is None else write_new_register(out, list(snapshot.files.items()))
        return Restored(update, dict(snapshot.files), written)
    with tempfile.TemporaryDirectory(prefix="lz-import-") as folder:
        root = Path(folder)
        for rel, text in snapshot.files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(text.encode("utf-8"))
        checked = validate(root, use_cache=False)
        errors = [d for d in checked.diagnostics if d.severity == "error"]
        if errors or checked.register is None:
            first = f"{errors[0].file}:{errors[0].line}: {errors[0].message}" if errors else ""
            problems.on_file("LZ608", source.shown, tr("restore.invalid", first=first))
            return None
        # only the edited sheets are read: an edit in the 一览表 is not undone by its unedited 明细
        update = update_register([source.path], root, checked.register, options, shown=[source.shown],
                                 delete=True, sources=[replace(source, sheets=edited)])
        update.problems.on_file("LZ607", source.shown, tr("restore.used", files=len(snapshot.files)))
        update.problems.items.insert(0, update.problems.items.pop())  # said first: it explains all that follows
        update.dry_run = dry_run  # the edits were made in the temporary copy; reported as the user asked
        files = {rel: (root / rel).read_bytes().decode("utf-8") for rel in snapshot.files}
    written = None if dry_run or out is None else write_new_register(out, list(files.items()))
    return Restored(update, files, written)

