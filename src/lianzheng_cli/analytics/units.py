"""The units of a rollup: each SOURCE argument resolved to a register (a folder, or ``PATH@REV`` in git), its
content key, and its validation; the unit's tables exported into a cache folder kept by content key."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lianzheng_cli import __version__
from lianzheng_cli.analytics.tables import EXPORT_VERSION
from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.diff.revisions import register_folder_named
from lianzheng_cli.fileio import write_atomically
from lianzheng_cli.i18n import messages
from lianzheng_cli.load.cache import cache_home, fingerprint
from lianzheng_cli.load.sources import ORG_FILE, DirectorySource, Source
from lianzheng_cli.model.cycle import RECORD_FILES
from lianzheng_cli.validate.register import validate

tr = messages({
    "rollup.not_a_register": {
        "zh": "{source} 不是登记簿目录（其中和 registers/ 下都没有 org.yaml），也不是 git 仓库@版本",
        "en": "{source} is not a register folder (no org.yaml in it or in registers/), nor git-repository@revision",
    },
    "rollup.no_register_at": {
        "zh": "{source}：该版本中没有登记簿",
        "en": "{source}: there is no register at that revision",
    },
    "rollup.twice": {
        "zh": "单位 {unit} 的{year}年度登记簿已由 {other} 给出，这里重复，不计入汇总",
        "en": "unit {unit}'s {year} register was already given as {other}; this one is not counted",
    },
})



def rollup_cache() -> Path:
    """Where the rollup keeps each unit's export: ``rollup/`` in lz's cache folder (the user's, never inside a
    register: a committed cache is never read)."""
    return cache_home() / "rollup"


@dataclass
class Unit:
    """One SOURCE of a rollup and what became of it."""

    argument: str
    place: str = ""  # how its files are shown in messages: ``a/registers/`` or ``repo@2024:registers/``
    key: str | None = None  # content key of its files (None when it could not be read)
    unit: str | None = None  # org.id
    year: int | None = None
    name: str | None = None
    problem: str | None = None  # a source that is no register, or a duplicate
    errors: list[Diagnostic] = field(default_factory=list)  # validation errors
    warnings: int = 0
    cached: bool = False  # its export came from the cache
    batch: str | None = None  # the cache's batch of tables holding its rows (None: it has errors)

    @property
    def ok(self) -> bool:
        return self.problem is None and not self.errors and self.key is not None

    def located(self, d: Diagnostic) -> str:
        """``place/file:line:col``, as a user finds the place."""
        return f"{self.place}{d.file}:{d.line}:{d.column}"

    def meta(self) -> dict[str, Any]:
        return {"unit": self.unit, "year": self.year, "name": self.name, "warnings": self.warnings,
                "batch": self.batch, "errors": [d.to_dict() for d in self.errors]}


def content_key(source: Source, also: str = "") -> str:
    """What the unit's export depends on: its files' names and contents, lz's version, schemas and export format
    (and ``also``: the date its assessment is counted to)."""
    h = hashlib.blake2b(digest_size=16)
    for part in (str(EXPORT_VERSION), __version__, fingerprint(), also):
        h.update(part.encode() + b"\0")
    for rel in (ORG_FILE, *RECORD_FILES, *source.department_files()):
        try:
            content = source.blob_id(rel)
        except (FileNotFoundError, OSError):  # approvals.yaml and assessments.yaml may be absent
            content = "absent"
        h.update(f"{rel}\0{content}\0".encode())
    return h.hexdigest()


def open_source(argument: str, repos: dict[str, Any]) -> tuple[Source | None, Path, str, str | None]:
    """``(source, root, place, problem)`` of a SOURCE argument: a register folder, else ``PATH@REV``."""
    folder = register_folder_named(argument)
    if folder is not None:
        shown = os.path.relpath(folder)
        return DirectorySource(folder), folder, ("" if shown == "." else shown + "/"), None
    path, at, rev = argument.rpartition("@")
    if not at or not path or not Path(path).exists():
        return None, Path(argument), "", tr("rollup.not_a_register", source=argument)
    from lianzheng_cli.load import git as gitsource  # gitpython only when git is used

    try:
        repo = repos.get(path)
        if repo is None:
            repo = repos[path] = gitsource.open_repository(Path(path))
        on_disk = register_folder_named(path)
        expected = gitsource.register_folder(repo, on_disk) if on_disk and repo.working_tree_dir \
            else gitsource.REGISTERS_DIR
        revision = gitsource.resolve_revision(repo, rev)
        located = gitsource.locate_register(repo, revision, expected)
    except gitsource.GitError as exc:
        return None, Path(path), "", f"{argument}: {exc}"
    if located.source is None:
        return None, Path(path), "", tr("rollup.no_register_at", source=argument)
    place = f"{argument}:{located.folder}/" if located.folder else f"{argument}:"
    return located.source, Path(located.folder or "."), place, None


def meta_path(cache: Path, key: str) -> Path:
    return cache / "units" / f"{key}.json"


def read_meta(cache: Path, key: str) -> dict | None:
    """A unit's cached outcome; None when absent or unreadable (then it is checked again)."""
    try:
        meta = json.loads(meta_path(cache, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and "errors" in meta and "batch" in meta else None


def write_meta(cache: Path, unit: Unit) -> None:
    """Written last: the marker that the unit's tables are complete."""
    if unit.key is not None:
        write_atomically(meta_path(cache, unit.key), json.dumps(unit.meta(), ensure_ascii=False))


def from_meta(unit: Unit, meta: dict) -> None:
    unit.unit, unit.year, unit.name, unit.warnings = meta["unit"], meta["year"], meta["name"], meta["warnings"]
    unit.batch = meta["batch"]
    unit.errors = [Diagnostic(d["code"], Severity(d["severity"]), d["file"], d["line"], d["column"], d["message"],
                              d.get("subject")) for d in meta["errors"]]
    unit.cached = True


def check_unit(unit: Unit, source: Source, root: Path) -> Any:
    """Validate the unit; its model when clean (None otherwise), its errors and warnings noted on ``unit``."""
    result = validate(root, source=None if isinstance(source, DirectorySource) else source)
    unit.errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    unit.warnings = sum(d.severity is Severity.WARNING for d in result.diagnostics)
    if result.register is not None:
        org = result.register.org
        unit.unit, unit.year, unit.name = org.id, org.year, org.name
    return result.register


def mark_duplicates(units: list[Unit]) -> None:
    """A unit's year given twice counts once: the later SOURCE is listed with a problem."""
    seen: dict[tuple, Unit] = {}
    for unit in units:
        if not unit.ok:
            continue
        other = seen.setdefault((unit.unit, unit.year), unit)
        if other is not unit:
            unit.problem = tr("rollup.twice", unit=unit.unit, year=unit.year, other=other.argument)
