"""``lz import`` as a library call: files → sheets → tables → draft register → YAML texts → files.

``import_files`` reads and interprets and never writes; ``write_register`` writes the texts of a result into
a new register folder, each file atomically. Usage errors (a file that cannot be read, a file without any
table, an unknown ``--map`` field, no organization name or year) are ``ImportUsageError``: exit 2.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from lianzheng_cli.fileio import TEMP_SUFFIX, write_atomically
from lianzheng_cli.forking import Forked, can_fork
from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.importing.build import Collected, collect
from lianzheng_cli.importing.draft import Draft, DraftDepartment
from lianzheng_cli.importing.emit import department_text, org_text
from lianzheng_cli.importing.headers import FIELDS, field_named, header_key
from lianzheng_cli.importing.problems import Problems
from lianzheng_cli.importing.read import SourceFile, UnreadableFile, read_source
from lianzheng_cli.importing.resolve import resolve
from lianzheng_cli.importing.tables import Table

tr = messages({
    "import.no_table": {
        "zh": "{file}：没有找到廉政风险点一览表、职权目录或岗位目录的表头；见到的表头：{headers}。"
              "可用 --map 「列标题=字段」指明各列（字段：{fields}）",
        "en": "{file}: no header of a 一览表, 职权目录 or 岗位目录 found; headers seen: {headers}. "
              "Name the columns with --map 列标题=field (fields: {fields})",
    },
    "import.no_headers_seen": {"zh": "（无）", "en": "(none)"},
    "import.bad_map": {
        "zh": "--map 应写为「列标题=字段」，而不是「{value}」",
        "en": "--map takes 列标题=field, not “{value}”",
    },
    "import.unknown_field": {
        "zh": "--map 的字段「{field}」未知；可用的字段：{fields}",
        "en": "--map field “{field}” is unknown; fields: {fields}",
    },
    "import.no_org_name": {
        "zh": "表格的标题行和「填报单位」行都没有写单位名称，请用 --org-name 指定",
        "en": "neither a title row nor a 填报单位 line names the organization; give it with --org-name",
    },
    "import.no_year": {
        "zh": "表格的标题行没有写年度（如「2025年度」），请用 --year 指定",
        "en": "no title row gives the year (like 2025年度); give it with --year",
    },
    "import.exists": {
        "zh": "{path} 中已有登记簿（org.yaml 或 departments/）；lz import 只生成新的登记簿，请指定一个新目录",
        "en": "{path} already holds a register (org.yaml or departments/); lz import writes a new one: "
              "name a new folder",
    },
    "import.not_folder": {"zh": "{path} 已存在且不是目录", "en": "{path} exists and is not a folder"},
})

FORK_FROM = 40  # departments from which writing their YAML is worth a second process
_STYLES = {"stars": "stars", "level": "level", "word": "word", "color": "color", "english": "word"}


class ImportUsageError(Exception):
    """The import cannot go on (exit 2); the message is translated."""


@dataclass
class ImportOptions:
    org_name: str | None = None
    year: int | None = None
    column_map: dict[str, str] = field(default_factory=dict)  # header key → field (from parse_map)


@dataclass(slots=True)
class OutputFile:
    path: str  # relative to the register folder: org.yaml, departments/<id>.yaml
    text: str
    department: DraftDepartment | None = None


@dataclass
class ImportResult:
    draft: Draft
    tables: list[Table]
    problems: Problems
    files: list[OutputFile]
    sources: list[SourceFile]
    skipped: list[Table] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        counts = self.problems.counts()
        return {
            "files": len(self.files), "departments": len(self.draft.departments), "risks": self.draft.risks,
            "measures": self.draft.measures, "powers": sum(len(d.powers) for d in self.draft.departments.values()),
            "posts": sum(len(d.posts) for d in self.draft.departments.values()),
            "people": sum(len(d.people) for d in self.draft.departments.values()),
            "errors": counts["errors"], "warnings": counts["warnings"], "infos": counts["infos"],
        }


def parse_map(items: list[str]) -> dict[str, str]:
    """``["工作事项=流程", "备注=ignore"]`` → {header key: field}."""
    mapping = {}
    for item in items:
        header, sep, name = item.rpartition("=")
        if not sep or not header.strip() or not name.strip():
            raise ImportUsageError(tr("import.bad_map", value=item))
        found = field_named(name.strip())
        if found is None:
            raise ImportUsageError(tr("import.unknown_field", field=name.strip(), fields=_field_list()))
        mapping[header_key(header)] = found
    return mapping


def import_files(paths: list[Path], options: ImportOptions | None = None, *, shown: list[str] | None = None,
                 sources: list[SourceFile] | None = None) -> ImportResult:
    """Read and interpret ``paths`` (or the ``sources`` already read); the register texts to write and every
    problem found. Writes nothing."""
    options = options or ImportOptions()
    with _without_gc():
        return _interpret(sources if sources is not None else read_sources(paths, shown), options)


def read_tables(paths: list[Path], options: ImportOptions | None = None, *, shown: list[str] | None = None,
                sources: list[SourceFile] | None = None) -> tuple[Collected, Problems]:
    """The draft of every table of ``paths``, names as the sheets give them (not resolved to ids), and the problems
    found; a sheet repeating another's risks is kept (``lz import --update`` compares each with the register).
    ``sources``: the files already read."""
    options = options or ImportOptions()
    with _without_gc():
        sources = sources if sources is not None else read_sources(paths, shown)
        problems = Problems()
        collected = collect(sources, options.column_map, options.org_name, options.year, problems, repeats=True)
        _no_table(collected)
        return collected, problems


@contextmanager
def _without_gc() -> Iterator[None]:
    # millions of cells, then drafts, that all live to the end: collecting them only costs (a third)
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def read_sources(paths: list[Path], shown: list[str] | None = None) -> list[SourceFile]:
    """Every file's sheets; ``ImportUsageError`` for one that cannot be read."""
    names = shown or [str(p) for p in paths]
    try:
        return [read_source(Path(path), name) for path, name in zip(paths, names, strict=True)]
    except UnreadableFile as exc:
        raise ImportUsageError(str(exc)) from None


def _no_table(collected: Collected) -> None:
    if collected.no_table:
        raise ImportUsageError("\n".join(
            tr("import.no_table", file=source.shown, fields=_field_list(),
               headers=join_list(seen[:20]) if seen else tr("import.no_headers_seen"))
            for source, seen in collected.no_table))


def _interpret(sources: list[SourceFile], options: ImportOptions) -> ImportResult:
    problems = Problems()
    collected = collect(sources, options.column_map, options.org_name, options.year, problems)
    _no_table(collected)
    draft = collected.draft
    if not draft.org_name:
        raise ImportUsageError(tr("import.no_org_name"))
    if not draft.year:
        raise ImportUsageError(tr("import.no_year"))
    resolve(draft, problems)
    files = _texts(draft, sources)
    return ImportResult(draft, collected.tables, problems, files, sources, collected.skipped)


def _texts(draft: Draft, sources: list[SourceFile]) -> list[OutputFile]:
    styles: Counter[str] = Counter()
    for style, count in draft.grade_styles.items():
        styles[_STYLES.get(style, "word")] += count
    display = styles.most_common(1)[0][0] if styles else "word"
    files = [OutputFile("org.yaml", org_text(draft, display_grade=display, sources=[s.shown for s in sources]))]
    departments = list(draft.departments.values())
    texts = _department_texts(departments)
    files += [OutputFile(f"departments/{d.id}.yaml", text, d) for d, text in zip(departments, texts, strict=True)]
    return files


def _department_texts(departments: list[DraftDepartment]) -> list[str]:
    """The YAML of each department; a county's second half written by a forked child on the other core."""
    if len(departments) < FORK_FROM or not can_fork():
        return [department_text(d) for d in departments]
    half = len(departments) // 2
    child = Forked(_texts_of, departments[half:])
    return _texts_of(departments[:half]) + child.result()


def _texts_of(departments: list[DraftDepartment]) -> list[str]:
    return [department_text(d) for d in departments]


def write_register(result: ImportResult, folder: Path) -> list[Path]:
    """Write the register into ``folder``, which must not hold one; returns the paths written."""
    return write_new_register(folder, [(file.path, file.text) for file in result.files])


def write_new_register(folder: Path, files: list[tuple[str, str]]) -> list[Path]:
    """Write (register-relative path, text) ``files`` into ``folder``; ``ImportUsageError`` when the folder is a
    file or already holds a register (an import never writes over one)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ImportUsageError(tr("import.not_folder", path=folder))
    departments = folder / "departments"
    if (folder / "org.yaml").exists() or (departments.is_dir() and any(departments.glob("*.yaml"))):
        raise ImportUsageError(tr("import.exists", path=folder))
    if folder.is_dir() and any(folder.iterdir()):  # a folder holding other things: the files one by one
        return [write_atomically(folder / rel, text) for rel, text in files]
    # A new (or empty) folder is filled beside it and renamed into place: an error or a kill half-way leaves no
    # half register (which the next run would refuse as one), only a hidden .…lz-tmp folder beside it.
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name[:60]}.", suffix=TEMP_SUFFIX))
    try:
        for rel, text in files:
            write_atomically(staging / rel, text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)  # as mkdir would have made it, not mkdtemp's 0700
        if folder.is_dir():
            folder.rmdir()
        os.rename(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [folder / rel for rel, _ in files]


def _field_list() -> str:
    return join_list([f"{name}({label})" for name, label in FIELDS.items()])
