"""``--format sarif``: SARIF 2.1.0, the log GitHub code scanning reads (``github/codeql-action/upload-sarif``).

One run whose tool is ``lz``: its rules are the whole catalogue (``lz rules``), the
validation codes and the lint rules, each with its summary as ``shortDescription`` and,
for a lint rule, its rationale and examples as ``help``. Each result names its rule,
level, message and place: a URI relative to the repository root (``%SRCROOT%``) and
the line and column (columns count characters, as lz's ``file:line:col`` do).
``partialFingerprints`` carries the same stable hash as the Code Quality report, so
code scanning keeps one alert per finding across runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from lianzheng_cli import __version__
from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.i18n import messages
from lianzheng_cli.lint import VALIDATION_CODES, rules_in_order
from lianzheng_cli.lint.catalogue import validation_severity, validation_summary
from lianzheng_cli.outputs.codeclimate import fingerprints
from lianzheng_cli.outputs.paths import ci_path

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT = "lzFindingHash/v1"

tr = messages({
    "sarif.validation_help": {
        "zh": "{summary}。由 lz validate 报告（lz lint 先校验）：YAML 语法、登记簿格式与跨文件引用的问题；"
              "有这些错误时 lz lint 不再运行检查规则。",
        "en": "{summary}. Reported by lz validate (lz lint validates first): YAML syntax, the register format "
              "and cross-file references; while any remains, lz lint runs no rule.",
    },
    "sarif.bad": {"zh": "会报告：", "en": "Reported:"},
    "sarif.good": {"zh": "改为：", "en": "Instead:"},
})


def _descriptor(code: str, level: str, summary: str, help_text: str, help_markdown: str, command: str) -> dict:
    return {
        "id": code,
        "shortDescription": {"text": summary},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["lz", command]},
    }


def rule_descriptors() -> list[dict]:
    """Every code lz reports, in the order of ``lz rules``."""
    descriptors = []
    for code in VALIDATION_CODES:
        text = tr("sarif.validation_help", summary=validation_summary(code))
        descriptors.append(_descriptor(code, LEVEL[validation_severity(code)], validation_summary(code),
                                       text, text, "validate"))
    for rule in rules_in_order():
        markdown = "\n\n".join((rule.rationale, f"**{tr('sarif.bad')}**", f"```yaml\n{rule.bad}\n```",
                                f"**{tr('sarif.good')}**", f"```yaml\n{rule.good}\n```"))
        descriptors.append(_descriptor(rule.code, LEVEL[rule.severity], rule.summary, rule.rationale, markdown,
                                       "lint"))
    return descriptors


def _location(path: str, line: int, column: int) -> dict:
    region = {"startLine": line, "startColumn": max(column, 1)} if line > 0 else {"startLine": 1}
    return {"physicalLocation": {
        "artifactLocation": {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"},
        "region": region,
    }}


def sarif_log(diagnostics: list[Diagnostic], root: Path, base: Path | None = None) -> dict:
    rules = rule_descriptors()
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    paths = {rel: ci_path(root, rel, base) for rel in {d.file for d in diagnostics}}
    results = []
    for d, fingerprint in zip(diagnostics, fingerprints(diagnostics, paths), strict=True):
        result: dict = {"ruleId": d.code}
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        result.update({
            "level": LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [_location(paths[d.file], d.line, d.column)],
            "partialFingerprints": {FINGERPRINT: fingerprint},
        })
        results.append(result)
    driver = {"name": "lz", "version": __version__, "semanticVersion": __version__, "rules": rules}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": driver},
        "invocations": [{"executionSuccessful": True}],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }]}


def report_sarif(diagnostics: list[Diagnostic], summary: dict, root: Path, out: TextIO, *,
                 base: Path | None = None) -> None:
    """The log only (no summary line): the output is the file code scanning reads."""
    out.write(json.dumps(sarif_log(diagnostics, root, base), ensure_ascii=False, indent=2) + "\n")
