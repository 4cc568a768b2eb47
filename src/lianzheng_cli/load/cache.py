"""A content-hash cache of per-file results, so unchanged files are not parsed again.

Only files with no findings of their own are cached: their summary (for the
cross-file checks) and their values (for the model). Entries live under a
folder named for everything that could change a result (lz's version, the
schemas, the serialisation format), so a cache from another version is never
read; a corrupt entry is a miss. The folder is safe to delete at any time.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import shutil
import sys
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from lianzheng_cli import __version__
from lianzheng_cli.fileio import write_atomically
from lianzheng_cli.resources import schema_path

CACHE_DIR = ".lz-cache"
FORMAT = 2  # 2: values are stored with where their list items start


def digest(rel: str, raw: bytes) -> str:
    """The cache key of a file: its name counts too (a department's id must match it)."""
    h = hashlib.blake2b(rel.encode(), digest_size=20)
    h.update(b"\0")
    h.update(raw)
    return h.hexdigest()


@cache
def fingerprint() -> str:
    h = hashlib.blake2b(digest_size=8)
    for part in (str(FORMAT), __version__, str(marshal.version), sys.version):
        h.update(part.encode())
    for kind in ("org", "department"):
        h.update(schema_path(kind).read_bytes())
    return h.hexdigest()


class CacheEntry(NamedTuple):
    summary: dict
    data: Any  # None unless asked for
    items: dict | None


class FileCache:
    """Per-file summaries and values by content digest, under ``folder``."""

    def __init__(self, folder: Path):
        self.base = folder
        self.folder = folder / f"v{FORMAT}-{fingerprint()}"
        self.used: set[str] = set()

    def get(self, key: str, *, with_data: bool) -> CacheEntry | None:
        """A file's cached summary (and values and item positions, if asked for); None on a miss."""
        try:
            summary = marshal.loads((self.folder / f"{key}.s").read_bytes())
            data, items = marshal.loads((self.folder / f"{key}.d").read_bytes()) if with_data else (None, None)
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not isinstance(summary, dict) or "defines" not in summary:
            return None
        self.used.add(key)
        return CacheEntry(summary, data, items)

    def put(self, key: str, summary: Any, data: Any, items: Any) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for suffix, value in (("d", (data, items)), ("s", summary)):  # summary last: it marks the entry complete
                write_atomically(self.folder / f"{key}.{suffix}", marshal.dumps(value))
        except (OSError, ValueError):
            return  # a cache that cannot be written is no cache, not an error
        self.used.add(key)

    def prune(self, keep: int) -> None:
        """Drop other versions' folders, and this version's entries not used in this run once they pile up."""
        try:
            for other in self.base.iterdir():
                if other.is_dir() and other != self.folder and other.name.startswith("v"):
                    shutil.rmtree(other, ignore_errors=True)
            entries = list(self.folder.iterdir()) if self.folder.is_dir() else []
            if len(entries) > 2 * keep + 200:
                for entry in entries:
                    if entry.name.split(".")[0] not in self.used:
                        entry.unlink(missing_ok=True)
        except OSError:
            pass




def open_cache(root: Path, *, enabled: bool = True) -> FileCache | None:
    """The cache for the register at ``root`` (``<root>/.lz-cache``), unless disabled (``LZ_NO_CACHE=1``)."""
    if not enabled or os.environ.get("LZ_NO_CACHE"):
        return None
    return FileCache(Path(os.environ.get("LZ_CACHE_DIR") or root / CACHE_DIR))
