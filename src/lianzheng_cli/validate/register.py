"""``lz validate`` as a library call: files → references → (model)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.i18n import tr
from lianzheng_cli.load.cache import open_cache
from lianzheng_cli.load.sources import ORG_FILE, DirectorySource, Source
from lianzheng_cli.model.cycle import APPROVALS_FILE
from lianzheng_cli.model.records import Department, Doc, Register, build_department, build_register
from lianzheng_cli.validate.cycle import check_approvals_current, check_record_references, read_records
from lianzheng_cli.validate.files import RegisterFiles, RegisterLocator, check_file, read_register
from lianzheng_cli.validate.references import check_references
from lianzheng_cli.validate.schema_build import SCHEMA_FILES, schema_files, schema_folder
from lianzheng_cli.vocab import BUILTIN, Vocabulary

# The schemas of approvals.yaml and assessments.yaml: a register's schemas/ from before them is not out of date.
OPTIONAL_SCHEMA_FILES = frozenset({SCHEMA_FILES["approvals"], SCHEMA_FILES["assessments"]})


@dataclass
class Validation:
    root: Path
    files: RegisterFiles
    diagnostics: list[Diagnostic]
    register: Register | None  # built when asked for and there are no errors

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    def summary(self) -> dict[str, int]:
        summaries = [f.summary for f in self.files.departments if f.summary is not None]
        return {
            "files": len(self.files.all),
            "departments": len(summaries),
            "risks": sum(s["risks"] for s in summaries),
            "measures": sum(s["measures"] for s in summaries),
            "errors": self.errors,
            "warnings": sum(d.severity is Severity.WARNING for d in self.diagnostics),
        }


def validate(root: Path, source: Source | None = None, *, model: bool = True, use_cache: bool = True,
             progress: Callable[[int], None] | None = None) -> Validation:
    """Every schema and reference finding of the register at ``root``; the typed model if ``model`` and clean.

    ``source`` reads the files from elsewhere than the folder (a git revision for ``lz diff``);
    the content cache is used only for the folder itself.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the files' values and the model live to the end of the run: collecting them only costs
    try:
        return _validate(root, source, model=model, use_cache=use_cache, progress=progress)
    finally:
        if gc_was_enabled:
            gc.freeze()  # later collections need not walk the register (ten full ones on a county: 3 s)
            gc.enable()


def _validate(root: Path, source: Source | None, *, model: bool, use_cache: bool,
              progress: Callable[[int], None] | None) -> Validation:
    cache = open_cache(root, enabled=use_cache and source is None)
    files = read_register(root, source, keep_data=model, cache=cache, progress=progress,
                          build=build_department if model else None)
    summaries = {f.rel: f.summary for f in files.departments if f.summary is not None}
    unloaded = {f.rel: f.salvaged for f in files.departments if f.salvaged is not None}
    found, behind = check_references(files.org.data, summaries, RegisterLocator(root, source), unloaded)
    diagnostics = _with_counts(files.diagnostics, behind) + found
    if not files.departments:
        diagnostics.append(Diagnostic("LZ025", Severity.WARNING, "org.yaml", 1, 1, tr("LZ025")))
    vocabulary = files.org.vocabulary or BUILTIN
    records = read_records(root, source, vocabulary)
    locator = RegisterLocator(root, source)
    diagnostics += [d for r in records for d in r.diagnostics]
    department_ids = {d for s in summaries.values() for d in s["defines"].get("department", ())}
    diagnostics += check_record_references(records, department_ids, locator)
    if source is None:
        diagnostics += check_schema_copy(root, vocabulary)
        approvals = next((r for r in records if r.rel == APPROVALS_FILE and r.clean), None)
        if approvals is not None:
            diagnostics += check_approvals_current(root, approvals.data, [f.rel for f in files.departments],
                                                   vocabulary, locator)
    diagnostics.sort(key=lambda d: d.sort_key)
    register = None
    if model and not any(d.severity is Severity.ERROR for d in diagnostics):
        items = {f.rel: f.items for f in files.departments if f.items}
        items.update({r.rel: r.items for r in records if r.items})
        register = build_register(root, files.org.data, _handed_over(files), items,
                                  {r.rel: r.data for r in records})
    return Validation(root, files, diagnostics, register)


def read_vocabulary(root: Path) -> tuple[Vocabulary, list[Diagnostic]]:
    """The vocabulary of the register at ``root`` (its org.yaml alone), with org.yaml's findings: what
    ``lz schema`` needs, whatever the department files say."""
    source = DirectorySource(root)
    try:
        raw = source.read(ORG_FILE)
    except OSError as exc:
        return BUILTIN, [Diagnostic("LZ009", Severity.ERROR, ORG_FILE, 1, 1, tr("LZ009", reason=exc.strerror or exc))]
    result = check_file(raw, ORG_FILE)
    return result.vocabulary or BUILTIN, result.diagnostics


def check_schema_copy(root: Path, vocabulary: Vocabulary) -> list[Diagnostic]:
    """LZ026: the register keeps ``schemas/`` (beside it, as ``lz init`` lays it out) and a file there is not what
    ``lz schema --write`` would write, so editors and check-jsonschema would judge the files otherwise than lz.

    A register without that folder keeps no copy and is not told; the findings stand at org.yaml's first line
    (its ``vocabulary`` is what makes a register's schemas its own).
    """
    folder = schema_folder(root)
    if not any((folder / name).is_file() for name in SCHEMA_FILES.values()):
        return []
    found = []
    for name, text in schema_files(vocabulary).items():
        shown = f"schemas/{name}"
        try:
            actual: bytes | None = (folder / name).read_bytes()
        except OSError:
            actual = None
        if actual is None and name in OPTIONAL_SCHEMA_FILES:
            continue  # written by lz schema --write since the yearly cycle's files; a copy from before lacks them
        if actual is None or actual != text.encode("utf-8"):
            message = tr("LZ026.missing" if actual is None else "LZ026.differs", path=shown)
            found.append(Diagnostic("LZ026", Severity.WARNING, "org.yaml", 1, 1, message, shown))
    return found


def _with_counts(diagnostics: list[Diagnostic], behind: dict[str, int]) -> list[Diagnostic]:
    """Each file that did not load says, in its first finding, how many references to its ids wait for it."""
    out = []
    for d in diagnostics:
        count = behind.pop(d.file, 0)
        out.append(replace(d, message=d.message + tr("LZ021.behind", count=count)) if count else d)
    return out


def _handed_over(files: RegisterFiles) -> Iterator[tuple[str, Doc | Department]]:
    """Each department's model (built as it was loaded) or values, let go of as the register takes them."""
    for f in files.departments:
        data = f.built if f.built is not None else f.data
        f.data = f.items = f.built = None
        yield f.rel, data
