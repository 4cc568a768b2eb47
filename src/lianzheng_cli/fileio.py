"""Files lz writes: atomically, under safe names, and shown to the user as they would type them."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# Characters Windows, macOS or a shell would trip over in a file name.
_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@contextmanager
def open_atomically(path: Path) -> Iterator[BinaryIO]:
    """A file to write that appears at ``path`` only when the block ends well: never half a file.

    It is written beside ``path`` and moved into place; an ``OSError`` names ``path``, not the partial file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # An ordinary open (not mkstemp) so the file gets the user's usual permissions.
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        with open(partial, "xb") as out:
            yield out
        os.replace(partial, path)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    finally:
        partial.unlink(missing_ok=True)


def write_atomically(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`open_atomically`); text as UTF-8 with ``\\n`` line ends."""
    with open_atomically(path) as out:
        out.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)


def safe_file_part(text: str) -> str:
    """``text`` usable as part of a file name."""
    return _UNSAFE_FILE_CHARS.sub("_", text).strip(" .") or "_"


def shown_path(path: Path) -> str:
    """A path as the user should see it: relative to the current folder when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
