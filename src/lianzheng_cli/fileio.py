"""Files lz writes: atomically, under safe names, and shown to the user as they would type them."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# Every temporary file lz writes beside its target ends so (the scaffolded .gitignore lists it).
TEMP_SUFFIX = ".lz-tmp"
# Characters Windows, macOS or a shell would trip over in a file name.
_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f]')
# Unicode categories never kept in a file name: format characters (bidi overrides such as U+202E that make
# `exe.txt` read `txt.exe`, zero-width joiners), surrogates, private-use and unassigned code points.
_DROPPED_CATEGORIES = frozenset(("Cf", "Cs", "Co", "Cn"))
# Bytes of one part of a file name: a name joins up to three parts with fixed words, and must stay under the
# 255 bytes every common file system allows (a CJK character is 3 bytes in UTF-8).
MAX_PART_BYTES = 60


@contextmanager
def open_atomically(path: Path) -> Iterator[BinaryIO]:
    """A file to write that appears at ``path`` only when the block ends well: never half a file.

    It is written beside ``path`` and moved into place; an ``OSError`` names ``path``, not the partial file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # An ordinary open (not mkstemp) so the file gets the user's usual permissions.
    partial = path.with_name(f".{_leading(path.name, 100)}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        with open(partial, "xb") as out:
            yield out
        os.replace(partial, path)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    finally:
        partial.unlink(missing_ok=True)


def _leading(name: str, size: int) -> str:
    """The first ``size`` bytes of ``name`` (whole characters): a temporary name stays within 255 bytes."""
    return name.encode("utf-8", errors="surrogatepass")[:size].decode("utf-8", errors="ignore")


def write_atomically(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`open_atomically`); text as UTF-8 with ``\\n`` line ends."""
    with open_atomically(path) as out:
        out.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)


def safe_file_part(text: str, *, limit: int = MAX_PART_BYTES) -> str:
    """``text`` usable as part of a file name: no character a file system or a shell trips over, no bidi or other
    invisible control, at most ``limit`` bytes of UTF-8. A longer text is cut at a character and ends with ``~``
    and 8 hex digits of a hash of the whole text, so the name is stable and two long texts stay apart."""
    shown = "".join(ch for ch in text if ch.isascii() or unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    shown = _UNSAFE_FILE_CHARS.sub("_", shown).strip(" .") or "_"
    if len(shown.encode("utf-8")) <= limit:
        return shown
    mark = "~" + hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:8]
    cut = shown.encode("utf-8")[: max(limit - len(mark), 1)].decode("utf-8", errors="ignore")
    return (cut.rstrip(" .") or "_") + mark


def shown_path(path: Path) -> str:
    """A path as the user should see it: relative to the current folder when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
