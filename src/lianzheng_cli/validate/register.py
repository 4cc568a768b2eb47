"""``lz validate`` as a library call: files → references → (model)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.i18n import tr
from lianzheng_cli.load.cache import open_cache
from lianzheng_cli.load.sources import Source
from lianzheng_cli.model.records import Doc, Register, build_register
from lianzheng_cli.validate.files import RegisterFiles, RegisterLocator, read_register
from lianzheng_cli.validate.references import check_references


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
    files = read_register(root, source, keep_data=model, cache=cache, progress=progress)
    summaries = {f.rel: f.summary for f in files.departments if f.summary is not None}
    unloaded = {f.rel: f.salvaged for f in files.departments if f.salvaged is not None}
    found, behind = check_references(files.org.data, summaries, RegisterLocator(root, source), unloaded)
    diagnostics = _with_counts(files.diagnostics, behind) + found
    if not files.departments:
        diagnostics.append(Diagnostic("LZ025", Severity.WARNING, "org.yaml", 1, 1, tr("LZ025")))
    diagnostics.sort(key=lambda d: d.sort_key)
    register = None
    if model and not any(d.severity is Severity.ERROR for d in diagnostics):
        items = {f.rel: f.items for f in files.departments if f.items}
        register = build_register(root, files.org.data, _handed_over(files), items)
    return Validation(root, files, diagnostics, register)


def _with_counts(diagnostics: list[Diagnostic], behind: dict[str, int]) -> list[Diagnostic]:
    """Each file that did not load says, in its first finding, how many references to its ids wait for it."""
    out = []
    for d in diagnostics:
        count = behind.pop(d.file, 0)
        out.append(replace(d, message=d.message + tr("LZ021.behind", count=count)) if count else d)
    return out


def _handed_over(files: RegisterFiles) -> Iterator[tuple[str, Doc]]:
    """Each department's values, let go of as the model takes them: the peak memory is one copy, not two."""
    for f in files.departments:
        data, f.data, f.items = f.data, None, None
        yield f.rel, data
