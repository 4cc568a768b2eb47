"""The .docx package as lz writes it: tables spooled beside the document, one reproducible zip.

python-docx keeps a whole document as one XML tree; a county's 一览表 (tens
of thousands of rows) would take gigabytes that way. So a table's XML is
spooled as it is made (in memory while small, then in a temporary file), the
document holds a placeholder paragraph in its place, and when the package is
written the spools are streamed into ``word/document.xml`` at their
placeholders.

Every zip entry is dated with the document time, stored the same way on every
platform, and the template's thumbnail (a picture of some other document) is
left out: the same register gives the same bytes.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import datetime

from lianzheng_cli.outputs.docx.styles import FONT_TABLE_XML
from lianzheng_cli.outputs.stamp import zip_time

SPOOL_IN_MEMORY = 4 << 20  # bytes of table XML kept in memory before its spool moves to a temporary file
_MARK = "\u2063lz-table-{}\u2063"  # between invisible separators: no register text is this
_PLACEHOLDER = re.compile(rb"<w:p><w:r><w:t>\xe2\x81\xa3lz-table-(\d+)\xe2\x81\xa3</w:t></w:r></w:p>")
_THUMBNAIL = "docProps/thumbnail.jpeg"
_DOCUMENT = "word/document.xml"


class TableSpools:
    """The XML of every table of one document, by number."""

    def __init__(self) -> None:
        self._files: list[tempfile.SpooledTemporaryFile] = []  # closed with this object

    def add(self, pieces: Iterable[str]) -> str:
        """Spool one table's XML; returns the text of the paragraph that stands for it in the document."""
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (closed by close())
        batch: list[str] = []
        for piece in pieces:
            batch.append(piece)
            if len(batch) >= 256:
                spool.write("".join(batch).encode("utf-8"))
                batch.clear()
        spool.write("".join(batch).encode("utf-8"))
        self._files.append(spool)
        return _MARK.format(len(self._files) - 1)

    def copy_to(self, number: int, out) -> None:
        spool = self._files[number]
        spool.seek(0)
        shutil.copyfileobj(spool, out, 1 << 20)



def write_package(saved: bytes, made: datetime, tables: TableSpools) -> bytes:
    """The package python-docx saved, with the tables in place, every entry dated ``made``, no thumbnail."""
    stamp = zip_time(made)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == _THUMBNAIL:
                continue
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0o644 << 16
            data = source.read(info.filename)
            if info.filename == _DOCUMENT:
                with target.open(entry, "w", force_zip64=True) as stream:
                    _splice(data, tables, stream)
                continue
            if info.filename == "_rels/.rels":
                data = re.sub(rb'<Relationship [^>]*Target="docProps/thumbnail.jpeg"[^>]*/>', b"", data)
            elif info.filename == "word/fontTable.xml":
                data = FONT_TABLE_XML.encode("utf-8")
            target.writestr(entry, data)
    return out.getvalue()


def _splice(document: bytes, tables: TableSpools, out) -> None:
    at = 0
    for found in _PLACEHOLDER.finditer(document):
        out.write(document[at:found.start()])
        tables.copy_to(int(found.group(1)), out)
        at = found.end()
    out.write(document[at:])
