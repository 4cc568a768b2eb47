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
from datetime import date, datetime, time

from lianzheng_cli.importing.grid import Sheet

SHEET = "登记簿原文"
MARKER = "lz-register-snapshot/1"
NOTE = "本表由lz render xlsx生成，保存生成本工作簿的登记簿原文，供lz import还原；请勿修改。"
PART_CHARS = 30_000  # a cell holds 32,767 characters; whole lines up to this many go in one
_PATH = re.compile(r"(?:departments/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,120}\.yaml")


_UNIT, _RECORD = "\x1f", "\x1e"  # ASCII's own separators: a cell's text never holds them (XML refuses them)
SHEET_ROW = "@sheet"  # a row giving a visible sheet's fingerprint: (SHEET_ROW, sheet name, "", fingerprint)


@dataclass(frozen=True, slots=True)
class Snapshot:
    files: dict[str, str]  # register-relative path → text
    sheets: dict[str, str]  # each visible sheet's fingerprint as rendered (``fingerprint``)

    def edited(self, sheets: list[Sheet]) -> list[Sheet]:
        """The visible sheets whose values are not those they were rendered with (a sheet added counts; one
        deleted is no edit to read). A program that saved the workbook again changes nothing here."""
        shown = [sheet for sheet in sheets if not sheet.hidden and not is_snapshot(sheet)]
        return [sheet for sheet in shown if self.sheets.get(sheet.name) != fingerprint(_rows(sheet))]


class Fingerprint:
    """The values of a sheet's rows, as a digest; rows given with their 1-based number, empty ones left out."""

    def __init__(self) -> None:
        self._hash = hashlib.blake2b(digest_size=20)

    def row(self, number: int, values: Iterable[object]) -> None:
        self.keys(number, [cell_key(v) for v in values])

    def keys(self, number: int, keys: list[str]) -> None:
        """A row given as its values' ``cell_key`` already (the writer has them at hand); ``keys`` may be emptied."""
        while keys and not keys[-1]:
            keys.pop()
        if keys:
            self._hash.update((str(number) + _UNIT + _UNIT.join(keys) + _RECORD).encode("utf-8", "surrogatepass"))

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def fingerprint(rows: Iterable[tuple[int, list]]) -> str:
    found = Fingerprint()
    for number, values in rows:
        found.row(number, values)
    return found.hexdigest()


def cell_key(value: object) -> str:
    """A cell's value as text, the same whether the writer was given it or a reader read it back: a whole
    number is one however stored, a date its ISO date, nothing and an empty text alike."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _rows(sheet: Sheet) -> Iterator[tuple[int, list]]:
    return ((i, row) for i, row in enumerate(sheet.rows, 1))


class SnapshotDamaged(Exception):
    """The sheet is there but does not give back the files it names (edited, cut, or not lz's)."""


def head_rows(sheets: dict[str, str]) -> Iterator[tuple[str, ...]]:
    """The sheet's first rows: the marker, then each visible sheet's fingerprint."""
    yield (MARKER, "", "", NOTE)
    for name, digest in sheets.items():
        yield (SHEET_ROW, name, "", digest)


def file_rows(files: Iterable[tuple[str, str | None]]) -> Iterator[tuple[str, ...]]:
    """The rows after the head: for each (path, text) its parts, the first with the text's digest."""
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
    fingerprints: dict[str, str] = {}
    for row in sheet.rows[1:]:
        path = _text(row, 0)
        if not path:
            continue
        if path == SHEET_ROW:
            fingerprints[_text(row, 1)] = _text(row, 3)
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
    return Snapshot(files, fingerprints)


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
