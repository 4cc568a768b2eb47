"""Where a register's files come from: a folder on disk (here) or a git revision (``load.git``)."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import Protocol

from lianzheng_cli.i18n import tr
from lianzheng_cli.load.parse import MAX_FILE_BYTES

ORG_FILE = "org.yaml"
DEPARTMENTS_DIR = "departments"


class NotARegularFile(OSError):
    """A register file that is a device, a FIFO or a socket (through a link): never read."""

    def __init__(self, path: str):
        super().__init__(errno.EINVAL, "not a regular file", path)


class RegisterNotFound(Exception):
    """No register where one was looked for: a usage error (exit 2)."""


def find_register(explicit: Path | None = None, start: Path | None = None) -> Path:
    """The register folder: ``--register`` if given, else ``registers/`` found upwards from ``start``."""
    if explicit is not None:
        for candidate in (explicit, explicit / "registers"):
            if (candidate / ORG_FILE).is_file():
                return candidate
        raise RegisterNotFound(tr("usage.not_a_register", path=explicit))
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "registers" / ORG_FILE).is_file():
            return folder / "registers"
        if folder.name == "registers" and (folder / ORG_FILE).is_file():
            return folder
    raise RegisterNotFound(tr("usage.no_register", start=start))


def repository_root(start: Path) -> Path | None:
    """The top folder of the git work tree holding ``start`` (the one with ``.git``), or None outside git."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():  # a folder, or a file in a linked work tree or submodule
            return folder
    return None


def blob_id(raw: bytes) -> str:
    """Git's id of a blob with these bytes (what ``git hash-object`` prints): the content id of any source's file."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


class Source(Protocol):
    """Where a register's files come from: a folder on disk, or a git revision (``load.git``)."""

    # Whether forked workers may read from it (a git object reader may not be shared).
    parallel_safe: bool
    # Whether a file read once is kept, so that reading it again costs nothing.
    keeps_bytes: bool
    # The register folder (of a git revision: relative to the repository top).
    root: Path

    def department_files(self) -> list[str]:
        """Department files relative to the register folder, sorted."""

    def read(self, rel: str) -> bytes:
        """The bytes of one file; ``FileNotFoundError`` if it is not there."""

    def blob_id(self, rel: str) -> str:
        """The file's content id, :func:`blob_id` of its bytes (a git revision knows it without reading the file)."""


class DirectorySource:
    """A register folder on disk."""

    parallel_safe = True
    keeps_bytes = False

    def __init__(self, root: Path):
        self.root = root

    def department_files(self) -> list[str]:
        folder = self.root / DEPARTMENTS_DIR
        if not folder.is_dir():
            return []
        # Not only regular files: a folder or a broken link named *.yaml is reported (LZ009), not skipped.
        names = [p.name for p in folder.iterdir() if p.suffix in (".yaml", ".yml")]
        return [f"{DEPARTMENTS_DIR}/{name}" for name in sorted(names)]

    def read(self, rel: str) -> bytes:
        # Opened without blocking and read only if a regular file (a link to a FIFO or a device would stall
        # or never end); one byte past the limit is enough to refuse a file (load.parse.MAX_FILE_BYTES).
        fd = os.open(self.root / rel, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(self.root / rel)) \
                    if stat.S_ISDIR(os.fstat(fd).st_mode) else NotARegularFile(str(self.root / rel))
            return handle.read(MAX_FILE_BYTES + 1)

    def blob_id(self, rel: str) -> str:
        try:
            return blob_id(self.read(rel))
        except OSError:  # unreadable: never equal to a real content, so it is checked (and reported, LZ009)
            return f"unreadable:{rel}"
