"""``lz validate`` as a library call: load → schema → references → model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.model import Register, build_register
from lianzheng_cli.references import check_references
from lianzheng_cli.register import Locator, RegisterFiles, Source, read_register


@dataclass
class Validation:
    root: Path
    files: RegisterFiles
    diagnostics: list[Diagnostic]
    register: Register | None  # None when there are errors

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    def summary(self) -> dict[str, int]:
        departments = [f.data for f in self.files.departments if isinstance(f.data, dict)]
        risks = [r for d in departments for r in (d.get("risks") or []) if isinstance(r, dict)]
        return {
            "files": len(self.files.all),
            "departments": len(departments),
            "risks": len(risks),
            "measures": sum(len(r.get("measures") or []) for r in risks),
            "errors": self.errors,
            "warnings": sum(d.severity is Severity.WARNING for d in self.diagnostics),
        }


def validate(root: Path, source: Source | None = None) -> Validation:
    """Every schema and reference finding of the register at ``root``; the model if it is clean.

    ``source`` reads the files from elsewhere than the folder (a git revision for ``lz diff``).
    """
    files = read_register(root, source)
    locator = Locator(root, source)
    diagnostics = files.diagnostics
    diagnostics += check_references(files, locator)
    diagnostics.sort(key=lambda d: d.sort_key)
    register = None
    if not any(d.severity is Severity.ERROR for d in diagnostics):
        register = build_register(root, files.org.data, [(f.rel, f.data) for f in files.departments])
    return Validation(root, files, diagnostics, register)
