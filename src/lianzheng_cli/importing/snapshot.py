"""The register a workbook was rendered from, carried in the workbook itself.

``lz render xlsx`` adds a very hidden sheet (``SHEET``) holding the text of every file of the register it
shows, so that ``lz import`` of that workbook gives back exactly that register (comments, key order, the
scores, ids and dates the printed form does not show) with the edits made in the visible sheets applied on
top, the way ``--update`` applies them. Each file is a few rows: its path, a part number and up to
``PART_CHARS`` characters of its text; its first row also holds the SHA-256 of the whole text, so a sheet that
was changed by hand or cut by a program is noticed and the import falls back to the visible sheets.

Only plain relative paths of a register are accepted (``org.yaml``, ``departments/<id>.yaml``): a crafted
sheet cannot make ``lz import`` write outside its output folder.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lianzheng_cli.importing.grid import Sheet

SHEET = "登记簿原文"
MARKER = "lz-register-snapshot/1"
NOTE = "本表由lz render xlsx生成，保存生成本工作簿的登记簿原文，供lz import还原；请勿修改。"
PART_CHARS = 30_000  # a cell holds 32,767 characters; whole lines up to this many go in one
_PATH = re.compile(r"(?:departments/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,120}\.yaml")


@dataclass(frozen=True, slots=True)
class Snapshot:
    files: dict[str, str]  # register-relative path → text


class SnapshotDamaged(Exception):
    """The sheet is there but does not give back the files it names (edited, cut, or not lz's)."""


def snapshot_rows(files: Iterable[tuple[str, str | None]]) -> Iterator[tuple[str, ...]]:
    """The sheet's rows: a marker row, then for each (path, text) its parts; the first part also has the digest.
    A text that could not be read (``None``) is a row without a digest: the snapshot reads back as damaged."""
    yield (MARKER, "", "", NOTE)
    for path, text in files:
        if text is None:
            yield (path, "1", "", "")
            continue
        for number, part in enumerate(_parts(text), 1):
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest() if number == 1 else ""
            yield (path, str(number), part, digest)


def _parts(text: str) -> Iterator[str]:
    """``text`` cut after line breaks into parts of at most ``PART_CHARS`` characters (a longer line is cut)."""
    if not text:
        yield ""
        return
    start = 0
    while start < len(text):
        end = min(start + PART_CHARS, len(text))
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut >= start else end
        yield text[start:end]
        start = end


def find_snapshot(sheets: list[Sheet]) -> Snapshot | None:
    """The register carried by ``sheets``, ``None`` when there is no such sheet; ``SnapshotDamaged`` when the
    sheet does not give back whole, unchanged files under register paths."""
    sheet = next((s for s in sheets if is_snapshot(s)), None)
    if sheet is None:
        return None
    parts: dict[str, list[str]] = {}
    digests: dict[str, str] = {}
    for row in sheet.rows[1:]:
        path = _text(row, 0)
        if not path:
            continue
        if not _PATH.fullmatch(path):
            raise SnapshotDamaged(path)
        number = _text(row, 1)
        chunks = parts.setdefault(path, [])
        if number != str(len(chunks) + 1):
            raise SnapshotDamaged(path)
        chunks.append(_text(row, 2))
        if number == "1":
            digests[path] = _text(row, 3)
    files = {path: "".join(chunks) for path, chunks in parts.items()}
    for path, text in files.items():
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != digests.get(path):
            raise SnapshotDamaged(path)
    if "org.yaml" not in files:
        raise SnapshotDamaged("org.yaml")
    return Snapshot(files)


def is_snapshot(sheet: Sheet) -> bool:
    """The sheet is lz's register text (its name and first cell say so)."""
    return sheet.name == SHEET and bool(sheet.rows) and _text(sheet.rows[0], 0) == MARKER


def _text(row: list, column: int) -> str:
    value = row[column] if column < len(row) else None
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # a part number a program stored as a number
        return str(int(value))
    return str(value)
