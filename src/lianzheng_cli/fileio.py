"""Files lz writes: atomically, under safe names, and shown to the user as they would type them."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

# Characters Windows, macOS or a shell would trip over in a file name.
_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def write_atomically(path: Path, data: bytes | str) -> Path:
    """Write ``data`` beside ``path`` first and move it into place: a failure never leaves half a file.

    Text is written as UTF-8 with ``\\n`` line ends whatever the platform.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # An ordinary open (not mkstemp) so the file gets the user's usual permissions.
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        with open(partial, "xb") as out:
            out.write(payload)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def safe_file_part(text: str) -> str:
    """``text`` usable as part of a file name."""
    return _UNSAFE_FILE_CHARS.sub("_", text).strip(" .") or "_"


def shown_path(path: Path) -> str:
    """A path as the user should see it: relative to the current folder when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
