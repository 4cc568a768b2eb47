"""Finding a register on disk and loading its files (load + schema, per file).

A register is ``org.yaml`` plus ``departments/*.yaml``. Each file is loaded
and schema-checked on its own, which is what lets the work run in parallel
and be cached per file; cross-file checks come after, in ``references``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from lianzheng_cli import schema
from lianzheng_cli.diagnostics import Diagnostic
from lianzheng_cli.i18n import tr
from lianzheng_cli.loader import Loaded, Positions, decode, load, positions_of

ORG_FILE = "org.yaml"
DEPARTMENTS_DIR = "departments"


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


class Source(Protocol):
    """Where a register's files come from: a folder on disk, or a git revision (see ``gitsource``)."""

    def department_files(self) -> list[str]:
        """Department files relative to the register folder, sorted."""

    def read(self, rel: str) -> bytes:
        """The bytes of one file; ``FileNotFoundError`` if it is not there."""


class DirectorySource:
    """A register folder on disk."""

    def __init__(self, root: Path):
        self.root = root

    def department_files(self) -> list[str]:
        folder = self.root / DEPARTMENTS_DIR
        if not folder.is_dir():
            return []
        names = [p.name for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()]
        return [f"{DEPARTMENTS_DIR}/{name}" for name in sorted(names)]

    def read(self, rel: str) -> bytes:
        return (self.root / rel).read_bytes()


def kind_of(rel: str) -> str:
    return "org" if rel == ORG_FILE else "department"


def check_file(raw: bytes, rel: str) -> Loaded:
    """Load one file and check it against its schema: everything that needs no other file."""
    loaded = load(raw, rel)
    if loaded.data is None:
        return loaded
    text: str | None = None
    positions: Positions | None = None

    def locate(path: tuple, key: bool) -> tuple[int, int]:
        nonlocal text, positions
        if positions is None:
            text = decode(raw, rel)[0] or ""
            positions = positions_of(text)
        return positions.find(path, key=key)

    loaded.diagnostics.extend(schema.check(kind_of(rel), loaded.data, rel, locate))
    return loaded


@dataclass
class RegisterFiles:
    """A register's files as loaded: org first, then departments."""

    root: Path
    org: Loaded
    departments: list[Loaded] = field(default_factory=list)

    @property
    def all(self) -> list[Loaded]:
        return [self.org, *self.departments]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for f in self.all for d in f.diagnostics]


def read_register(root: Path, source: Source | None = None) -> RegisterFiles:
    """Load and schema-check every file of the register at ``root`` (or from ``source``)."""
    source = source or DirectorySource(root)
    org = check_file(source.read(ORG_FILE), ORG_FILE)
    departments = [check_file(source.read(rel), rel) for rel in source.department_files()]
    return RegisterFiles(root, org, departments)


class Locator:
    """Lines and columns of paths in a register's files, parsed again on demand."""

    def __init__(self, root: Path, source: Source | None = None):
        self._source = source or DirectorySource(root)
        self._positions: dict[str, Positions] = {}

    def at(self, rel: str, path: tuple, *, key: bool = False) -> tuple[int, int]:
        positions = self._positions.get(rel)
        if positions is None:
            text = decode(self._source.read(rel), rel)[0] or ""
            positions = self._positions[rel] = positions_of(text)
        return positions.find(path, key=key)
