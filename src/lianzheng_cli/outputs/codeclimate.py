"""``--format codeclimate``: a GitLab Code Quality report (``artifacts: reports: codequality:``).

GitLab reads a JSON array of issues, each with ``description``, ``check_name``,
``fingerprint``, ``severity`` (info, minor, major, critical or blocker),
``location.path`` (relative to the repository root) and ``location.lines.begin``;
it ignores the rest of the Code Climate format. The merge request widget compares the
report with the target branch's by fingerprint, so a fingerprint is the same finding's
in every run: it hashes the code, file, subject and message, never the line, and a
finding stays the same one when lines are added above it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import TextIO

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.outputs.paths import ci_path

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def fingerprints(diagnostics: list[Diagnostic], paths: dict[str, str]) -> list[str]:
    """One stable fingerprint per finding: a hash of code, file, subject and message.

    ``paths`` maps each diagnostic's file to the path CI sees. Two findings alike in all four
    (the same message on two lines) are told apart by their order: the second gets ``#2``.
    """
    seen: Counter[str] = Counter()
    out = []
    for d in diagnostics:
        key = "\0".join((d.code, paths[d.file], d.subject, d.message))
        seen[key] += 1
        if seen[key] > 1:
            key += f"\0#{seen[key]}"
        out.append(hashlib.sha256(key.encode("utf-8")).hexdigest()[:32])
    return out


def issues(diagnostics: list[Diagnostic], root: Path, base: Path | None = None) -> list[dict]:
    paths = {rel: ci_path(root, rel, base) for rel in {d.file for d in diagnostics}}
    return [{
        "description": f"{d.code} {d.message}",
        "check_name": d.code,
        "fingerprint": fingerprint,
        "severity": SEVERITY[d.severity],
        "location": {"path": paths[d.file], "lines": {"begin": max(d.line, 1)}},  # line 0: the whole file
    } for d, fingerprint in zip(diagnostics, fingerprints(diagnostics, paths), strict=True)]


def report_codeclimate(diagnostics: list[Diagnostic], summary: dict, root: Path, out: TextIO, *,
                       base: Path | None = None) -> None:
    """The report only (no summary line): the output is the artifact GitLab reads."""
    out.write(json.dumps(issues(diagnostics, root, base), ensure_ascii=False, indent=2) + "\n")
