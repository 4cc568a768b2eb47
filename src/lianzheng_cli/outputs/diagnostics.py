"""Rendering diagnostics: one reporter per ``--format``, all from the same records.

``REPORTERS`` is the one registry of diagnostic formats: ``lz validate`` and ``lz lint``
take their ``--format`` choices from it. The formats read by CI (``Reporter.ci``) name
each file relative to the git repository's root, as GitHub and GitLab expect, or to the
folder given with ``--base-path``; the terminal format names it relative to the current folder.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from rich.console import Console
from rich.markup import escape

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.i18n import LazyText, messages
from lianzheng_cli.outputs.codeclimate import report_codeclimate
from lianzheng_cli.outputs.paths import ci_path, display_path

tr = messages({
    "format.text": {"zh": "终端", "en": "terminal"},
    "format.json": {"zh": "机器可读", "en": "for programs"},
    "format.github": {"zh": "GitHub Actions注释", "en": "GitHub Actions annotations"},
    "format.codeclimate": {"zh": "GitLab代码质量报告", "en": "GitLab code quality report"},
    "format.sarif": {"zh": "GitHub代码扫描，SARIF 2.1.0", "en": "GitHub code scanning, SARIF 2.1.0"},
})

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def make_console(out: TextIO, **options) -> Console:
    """A console for lz's output: no highlighting, and no emoji codes (``:100:`` in ``x.yaml:100:5`` is a line)."""
    return Console(file=out, highlight=False, emoji=False, **options)


def summary_text(summary: dict) -> str:
    key = "summary.found" if summary.get("errors") or summary.get("warnings") else "summary.clean"
    return tr(key, **summary)


def report_text(diagnostics: list[Diagnostic], summary: dict, root: Path, out: TextIO, *,
                base: Path | None = None) -> None:
    console = make_console(out, soft_wrap=True)
    paths = {rel: display_path(root, rel) for rel in {d.file for d in diagnostics}}
    if console.color_system is None:  # a pipe, a file or NO_COLOR: plain lines, thousands of them fast
        out.write("".join(f"{paths[d.file]}:{d.line}:{d.column}: {d.code} {d.message}\n" for d in diagnostics))
    else:
        for d in diagnostics:
            location = f"{paths[d.file]}:{d.line}:{d.column}"
            console.print(f"{escape(location)}: [{_STYLE[d.severity]}]{d.code}[/] {escape(d.message)}")
    style = "bold red" if summary.get("errors") else ("yellow" if summary.get("warnings") else "green")
    console.print(f"[{style}]{escape(summary_text(summary))}[/]")


def report_json(diagnostics: list[Diagnostic], summary: dict, root: Path, out: TextIO, *,
                base: Path | None = None) -> None:
    document = {"version": 1, "diagnostics": [d.to_dict() for d in diagnostics], "summary": summary}
    out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github_annotations(diagnostics: list[Diagnostic], root: Path, out: TextIO, *,
                             base: Path | None = None) -> None:
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""
    command = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    paths = {rel: ci_path(root, rel, base) for rel in {d.file for d in diagnostics}}
    for d in diagnostics:
        props = (f"file={_escape_property(paths[d.file])},line={d.line},col={d.column},"
                 f"title={_escape_property(d.code)}")
        out.write(f"::{command[d.severity]} {props}::{_escape_data(d.message)}\n")


def report_github(diagnostics: list[Diagnostic], summary: dict, root: Path, out: TextIO, *,
                  base: Path | None = None) -> None:
    write_github_annotations(diagnostics, root, out, base=base)
    out.write(summary_text(summary) + "\n")


def _report_sarif(diagnostics: list[Diagnostic], summary: dict, root: Path, out: TextIO, *,
                  base: Path | None = None) -> None:
    # Imported here: SARIF names every rule, and the rule catalogue is lint's (80 ms of every command's start).
    from lianzheng_cli.outputs import sarif

    sarif.report_sarif(diagnostics, summary, root, out, base=base)


class Write(Protocol):
    def __call__(self, diagnostics: list[Diagnostic], summary: dict, root: Path, out: TextIO, *,
                 base: Path | None = None) -> None: ...


@dataclass(frozen=True, slots=True)
class Reporter:
    write: Write
    help: LazyText  # what the format is for, in the --format help
    ci: bool = False  # read by CI: file paths relative to the repository root (or --base-path)


REPORTERS: dict[str, Reporter] = {
    "text": Reporter(report_text, tr.lazy("format.text")),
    "json": Reporter(report_json, tr.lazy("format.json")),
    "github": Reporter(report_github, tr.lazy("format.github"), ci=True),
    "codeclimate": Reporter(report_codeclimate, tr.lazy("format.codeclimate"), ci=True),
    "sarif": Reporter(_report_sarif, tr.lazy("format.sarif"), ci=True),
}


def report(fmt: str, diagnostics: list[Diagnostic], summary: dict, root: Path, out: TextIO | None = None, *,
           base: Path | None = None) -> None:
    REPORTERS[fmt].write(diagnostics, summary, root, out or sys.stdout, base=base)
