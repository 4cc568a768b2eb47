"""The register the workbook shows, as text in a very hidden sheet, so that ``lz import`` gives it back exactly.

The sheet's layout is ``importing.snapshot``'s (the side that reads it). The public version and a department's
own workbook (``--by-department``) leave it out (``Scope.carries_register``).
"""

from __future__ import annotations

from pathlib import Path

from lianzheng_cli.importing.snapshot import SHEET, snapshot_rows
from lianzheng_cli.load.sources import ORG_FILE
from lianzheng_cli.model.cycle import APPROVALS_FILE, ASSESSMENTS_FILE
from lianzheng_cli.outputs.xlsx.form import Form
from lianzheng_cli.outputs.xlsx.writer import Sheet, SheetSpec

COLUMNS = (("文件", 24), ("段", 6), ("内容", 80), ("SHA-256", 66))


def register_text(form: Form) -> None:
    """登记簿原文 (very hidden): every file of the register as it is on disk (org.yaml, the yearly cycle's records,
    the department files)."""
    scope = form.scope
    if not scope.carries_register:
        return
    root = scope.register.root
    sheet = form.book.sheet(SheetSpec(SHEET, COLUMNS, hidden=True))
    style = form.styles.legend
    records = [name for name in (APPROVALS_FILE, ASSESSMENTS_FILE) if (root / name).is_file()]
    files = (_read(root, rel) for rel in (ORG_FILE, *records, *(dept.file for dept in scope.register.departments)))
    sheets = {name: found.hexdigest() for name, found in form.fingerprints.items()}

    def rows(sheet: Sheet) -> None:
        for row in snapshot_rows(files, sheets):  # one file in memory at a time
            sheet.append([(value, style) for value in row], height=15)  # not fitted: nobody reads it there

    # a county's text is 78 MB: a child writes and compresses it while this process compresses the other sheets
    sheet.write_rows_apart(rows, parallel=form.parallel)


def _read(root: Path, rel: str) -> tuple[str, str | None]:
    try:
        return rel, (root / rel).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):  # changed since it was validated: the workbook is still written, and
        return rel, None  # lz import finds the register text incomplete and reads the sheets instead
