"""The register the workbook shows, as text in a very hidden sheet, so that ``lz import`` gives it back exactly.

The sheet's layout is ``importing.snapshot``'s (the side that reads it). The public version and a department's
own workbook (``--by-department``) leave it out (``Scope.carries_register``).
"""

from __future__ import annotations

from pathlib import Path

from lianzheng_cli.importing.snapshot import SHEET, file_rows, head_rows
from lianzheng_cli.load.sources import ORG_FILE
from lianzheng_cli.model.cycle import APPROVALS_FILE, ASSESSMENTS_FILE
from lianzheng_cli.outputs.xlsx.form import Form
from lianzheng_cli.outputs.xlsx.writer import RowsAhead, Sheet, SheetSpec

COLUMNS = (("文件", 24), ("段", 6), ("内容", 80), ("SHA-256", 66))


def start_register_text(form: Form, sheets_before: int) -> None:
    """The files' rows, written and compressed from the start (in a forked child, with many risks) while the
    visible sheets are written: they follow the marker row and a fingerprint row for each of the ``sheets_before``
    visible sheets, which ``register_text`` writes at the end (the fingerprints are known only then)."""
    scope = form.scope
    if not scope.carries_register:
        return
    root = scope.register.root
    style = form.styles.legend
    records = [name for name in (APPROVALS_FILE, ASSESSMENTS_FILE) if (root / name).is_file()]
    names = (ORG_FILE, *records, *(dept.file for dept in scope.register.departments))

    def rows(out: RowsAhead | Sheet) -> None:
        for row in file_rows(_read(root, rel) for rel in names):  # one file in memory at a time
            out.append([(value, style) for value in row], height=15)  # not fitted: nobody reads it there

    # a county's text is 78 MB: a child writes and compresses it while this process writes the other sheets
    form.register_rows = (form.book.rows_ahead(2 + sheets_before, len(COLUMNS), rows, parallel=form.parallel),
                          rows)


def register_text(form: Form) -> None:
    """登记簿原文 (very hidden): every file of the register as it is on disk (org.yaml, the yearly cycle's records,
    the department files), after a row for each visible sheet's fingerprint."""
    scope = form.scope
    if not scope.carries_register or form.register_rows is None:
        return
    sheet = form.book.sheet(SheetSpec(SHEET, COLUMNS, hidden=True))
    style = form.styles.legend
    for row in head_rows({name: found.hexdigest() for name, found in form.fingerprints.items()}):
        sheet.append([(value, style) for value in row], height=15)
    ahead, rows = form.register_rows
    # the files' rows were numbered for as many visible sheets as were foreseen: were there more or fewer, they
    # are written again here
    sheet.end_with(ahead, rows)


def _read(root: Path, rel: str) -> tuple[str, str | None]:
    try:
        return rel, (root / rel).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):  # changed since it was validated: the workbook is still written, and
        return rel, None  # lz import finds the register text incomplete and reads the sheets instead
