"""Which reader a file needs, from what it holds (not its name), and the usage errors of files that hold no tables.

An ``.xlsx`` and a ``.docx`` are zip packages (``xl/workbook.xml``, ``word/document.xml``), a ``.xls``
is an OLE2 compound file; WPS writes the same formats. A file renamed to ``.xlsx`` from anything else is
a usage error that says what the file seems to be.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.i18n import messages, os_error_reason
from lianzheng_cli.importing.grid import Sheet

tr = messages({
    "read.missing": {"zh": "{file}：文件不存在", "en": "{file}: no such file"},
    "read.folder": {"zh": "{file}：这是一个文件夹，不是文件", "en": "{file}: it is a folder, not a file"},
    "read.unreadable": {"zh": "{file}：无法读取（{reason}）", "en": "{file}: cannot be read ({reason})"},
    "read.empty": {"zh": "{file}：文件为空", "en": "{file}: the file is empty"},
    "read.text": {
        "zh": "{file}：不是 Excel 或 Word 文件（内容是纯文本，可能是改了扩展名的 .txt 或 .csv）；"
              "请在 Excel 或 WPS 中打开后另存为 .xlsx",
        "en": "{file}: not an Excel or Word file (it holds plain text: a renamed .txt or .csv?); "
              "open it in Excel or WPS and save it as .xlsx",
    },
    "read.unknown": {
        "zh": "{file}：不是 Excel（.xlsx、.xls）或 Word（.docx）文件",
        "en": "{file}: not an Excel (.xlsx, .xls) or Word (.docx) file",
    },
    "read.zip_other": {
        "zh": "{file}：是压缩包，但不是 .xlsx 或 .docx（如为 .ods 或 .wps 文件，请另存为 .xlsx 或 .docx）",
        "en": "{file}: a zip package, but neither .xlsx nor .docx (an .ods or .wps file? save it as .xlsx or .docx)",
    },
    "read.ole_other": {
        "zh": "{file}：是 Office 97–2003 格式，但不是工作簿（可能是 Word .doc 或加密的文件）；"
              "请另存为 .docx 或 .xlsx，并取消密码",
        "en": "{file}: an Office 97–2003 file, but not a workbook (a Word .doc, or an encrypted file?); "
              "save it as .docx or .xlsx without a password",
    },
    "read.broken": {
        "zh": "{file}：文件已损坏或无法解析（{reason}）",
        "en": "{file}: the file is damaged or cannot be parsed ({reason})",
    },
})

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
KINDS = ("xlsx", "xls", "docx")


class UnreadableFile(Exception):
    """A file ``lz import`` cannot take: a usage error (exit 2); the message is translated."""


@dataclass(slots=True)
class SourceFile:
    path: Path
    shown: str  # the file as the user named it, in every message and source comment
    kind: str  # xlsx | xls | docx
    sheets: list[Sheet]

    @property
    def extension_differs(self) -> bool:
        return self.path.suffix.lower().lstrip(".") not in (self.kind, "et" if self.kind == "xls" else "")


def sniff(path: Path, shown: str) -> str:
    """``xlsx``, ``xls`` or ``docx``, from the file's first bytes and, for a zip, its parts."""
    if not path.exists():
        raise UnreadableFile(tr("read.missing", file=shown))
    if path.is_dir():
        raise UnreadableFile(tr("read.folder", file=shown))
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise UnreadableFile(tr("read.unreadable", file=shown, reason=os_error_reason(exc))) from None
    if not head:
        raise UnreadableFile(tr("read.empty", file=shown))
    if head.startswith(OLE2):
        return "xls"
    if head.startswith(ZIP):
        try:
            with zipfile.ZipFile(path) as package:
                names = set(package.namelist())
        except OSError as exc:
            raise UnreadableFile(tr("read.unreadable", file=shown, reason=os_error_reason(exc))) from None
        except Exception as exc:  # BadZipFile, and NotImplementedError for a version or method zipfile lacks
            raise UnreadableFile(tr("read.broken", file=shown, reason=exc)) from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        raise UnreadableFile(tr("read.zip_other", file=shown))
    if _looks_like_text(head):
        raise UnreadableFile(tr("read.text", file=shown))
    raise UnreadableFile(tr("read.unknown", file=shown))


def read_source(path: Path, shown: str | None = None) -> SourceFile:
    """The sheets of one input file, or ``UnreadableFile``."""
    shown = shown or str(path)
    kind = sniff(path, shown)
    try:
        sheets = _read(kind, path)
    except UnreadableFile:
        raise
    except Exception as exc:  # any reader's failure on a damaged file is the user's file, not lz's bug
        if kind == "xls" and "workbook" in str(exc).lower():
            raise UnreadableFile(tr("read.ole_other", file=shown)) from None
        raise UnreadableFile(tr("read.broken", file=shown, reason=f"{type(exc).__name__}: {exc}")) from None
    return SourceFile(path, shown, kind, sheets)


def _read(kind: str, path: Path) -> list[Sheet]:
    # the readers are imported when needed: python-docx and xlrd cost time a workbook import does not need
    if kind == "xlsx":
        from lianzheng_cli.importing.read_xlsx import read_xlsx
        return read_xlsx(path)
    if kind == "xls":
        from lianzheng_cli.importing.read_xls import read_xls
        return read_xls(path)
    from lianzheng_cli.importing.read_docx import read_docx
    return read_docx(path)


def _looks_like_text(head: bytes) -> bool:
    """UTF-16 with its mark, or bytes without control characters (UTF-8, GBK and the like)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return not any(byte < 0x20 and byte not in (0x09, 0x0A, 0x0D) for byte in head)
