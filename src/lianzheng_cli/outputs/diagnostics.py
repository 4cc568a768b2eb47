"""Rendering diagnostics: one function per ``--format``, all from the same records."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.i18n import tr

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def display_path(root: Path, rel: str) -> str:
    """A diagnostic's file as the user should see it: relative to the current folder when possible."""
    path = (root / rel).resolve()
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def make_console(out: TextIO, **options) -> Console:
    """A console for lz's output: no highlighting, and no emoji codes (``:100:`` in ``x.yaml:100:5`` is a line)."""
    return Console(file=out, highlight=False, emoji=False, **options)


def report_text(diagnostics: list[Diagnostic], summary: dict, root: Path, out: TextIO) -> None:
    console = make_console(out, soft_wrap=True)
    paths = {rel: display_path(root, rel) for rel in {d.file for d in diagnostics}}
    if console.color_system is None:  # a pipe, a file or NO_COLOR: plain lines, thousands of them fast
        out.write("".join(f"{paths[d.file]}:{d.line}:{d.column}: {d.code} {d.message}\n" for d in diagnostics))
    else:
        for d in diagnostics:
            location = f"{paths[d.file]}:{d.line}:{d.column}"
            console.print(f"{escape(location)}: [{_STYLE[d.severity]}]{d.code}[/] {escape(d.message)}")
    key = "summary.found" if summary.get("errors") or summary.get("warnings") else "summary.clean"
    style = "bold red" if summary.get("errors") else ("yellow" if summary.get("warnings") else "green")
    console.print(f"[{style}]{escape(tr(key, **summary))}[/]")


def report_json(diagnostics: list[Diagnostic], summary: dict, root: Path, out: TextIO) -> None:
    document = {"version": 1, "diagnostics": [d.to_dict() for d in diagnostics], "summary": summary}
    out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github_annotations(diagnostics: list[Diagnostic], root: Path, out: TextIO) -> None:
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""
    command = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    for d in diagnostics:
        props = (f"file={_escape_property(display_path(root, d.file))},line={d.line},col={d.column},"
                 f"title={_escape_property(d.code)}")
        out.write(f"::{command[d.severity]} {props}::{_escape_data(d.message)}\n")


def report_github(diagnostics: list[Diagnostic], summary: dict, root: Path, out: TextIO) -> None:
    write_github_annotations(diagnostics, root, out)
    key = "summary.found" if summary.get("errors") or summary.get("warnings") else "summary.clean"
    out.write(tr(key, **summary) + "\n")


Reporter = Callable[[list[Diagnostic], dict, Path, TextIO], None]

REPORTERS: dict[str, Reporter] = {"text": report_text, "json": report_json, "github": report_github}


def report(fmt: str, diagnostics: list[Diagnostic], summary: dict, root: Path, out: TextIO | None = None) -> None:
    REPORTERS[fmt](diagnostics, summary, root, out or sys.stdout)
