"""``lz lint`` as a library call: run the catalogue's rules, apply configuration and suppressions, locate.

Order of decisions for each rule code:
``--select`` (codes or prefixes such as ``LZ3``; none given = every rule),
then ``--ignore``, then org.yaml ``lint.disable`` and ``lint.severity: off``
(a code named in full in ``--select`` runs even so: the command line wins),
then ``lint.severity`` sets the level. A finding is dropped when an inline
``# lz: disable=CODE 理由`` comment stands on its line, its object's line, or
the line above either.
"""

from __future__ import annotations

import gc
import marshal
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.forking import Forked, can_fork
from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.lint.catalogue import ORG_FILE, RULES, Context, Finding, engine_rule
from lianzheng_cli.lint.dates import default_as_of

# Importing the rule modules registers their rules in the catalogue (``text`` under another
# name: this module's functions call a file's contents ``text``).
from lianzheng_cli.lint.rules import FAMILIES
from lianzheng_cli.load.parse import decode
from lianzheng_cli.load.positions import ItemLocator
from lianzheng_cli.model.records import At, Org, Register
from lianzheng_cli.validate.files import RegisterLocator

MALFORMED, UNUSED, BAD_CONFIG = "LZ901", "LZ902", "LZ903"
# The description rules take half of the rules' time on a county register (the copy search, and normalising
# 74,000 descriptions, which they share): they run in a forked worker (they need no grades) while this process
# grades and runs the rest (the measure-text rules with them: all four in the worker left this process idle).
HEAVY_RULES = ("LZ501", "LZ502")
PARALLEL_MIN_RISKS = 5000
_SELECTOR_SEPARATOR = re.compile(r"[,\uff0c\s]+")

# The rules register themselves in the catalogue when their family's module loads.
RULE_FAMILIES = FAMILIES

tr = messages({
    "lint.LZ901.syntax": {
        "zh": "抑制注释格式不对：应写作 `# lz: disable=LZ501 理由`（可列多个代码，用逗号分隔）",
        "en": "malformed suppression comment: write `# lz: disable=LZ501 reason` (several codes: comma-separated)",
    },
    "lint.LZ901.code": {
        "zh": "抑制注释中的 `{code}` 不是检查规则代码（可用 lz rules 查看）",
        "en": "`{code}` in the suppression comment is not a lint rule code (see lz rules)",
    },
    "lint.LZ901.reason": {
        "zh": "抑制注释没有写理由：应写作 `# lz: disable={codes} 理由`",
        "en": "the suppression comment gives no reason: write `# lz: disable={codes} reason`",
    },
    "lint.LZ902": {
        "zh": "抑制注释中的 {codes} 没有抑制任何问题，请删除",
        "en": "the suppression of {codes} suppresses nothing; delete it",
    },
    "lint.LZ903.unknown": {
        "zh": "`{field}` 中的 `{code}` 不是检查规则代码（可用 lz rules 查看）",
        "en": "`{code}` in `{field}` is not a lint rule code (see lz rules)",
    },
    "lint.LZ903.validation": {
        "zh": "`{field}` 中的 `{code}` 是校验代码，不能关闭或调整：登记簿须先通过 lz validate",
        "en": "`{code}` in `{field}` is a validation code; it cannot be switched off or changed",
    },
    "lint.unknown_selector": {
        "zh": "`{option}` 中的 `{code}` 不是检查规则代码或前缀（如 LZ501、LZ3；可用 lz rules 查看）",
        "en": "`{code}` in `{option}` is not a lint rule code or prefix (like LZ501 or LZ3; see lz rules)",
    },
})

# The engine's own rules: they have no check of their own, the engine reports them.
engine_rule(
    MALFORMED, Severity.WARNING,
    summary="抑制注释格式不对",
    summary_en="a malformed suppression comment",
    rationale="""
抑制注释 `# lz: disable=LZ501 理由` 写在问题所在行的行尾或上一行，关闭该处的指定规则。
代码须是检查规则代码，多个代码用逗号分隔，其后须写理由（为什么此处可以不改）。格式不对的
注释不起作用，并报告本问题，免得以为已经关闭。
""",
    bad="""
  # lz: disable LZ501
  - id: A1-3
""",
    good="""
  # lz: disable=LZ501 历年沿用的标准表述,经领导小组审定保留
  - id: A1-3
""",
)
engine_rule(
    UNUSED, Severity.WARNING,
    summary="抑制注释没有抑制任何问题",
    summary_en="a suppression comment suppresses nothing",
    rationale="""
抑制注释所列的规则在该处没有发现问题（问题已经改好，或注释放错了位置），注释应删除，
以免日后掩盖新的问题。只检查本次运行了的规则。
""",
    bad="""
  # lz: disable=LZ501 描述较短但已足够
  - id: A1-3
    description: 初审人员不核验营业执照原件,对内容明显矛盾的申请照样出具同意意见
""",
    good="""
  - id: A1-3
    description: 初审人员不核验营业执照原件,对内容明显矛盾的申请照样出具同意意见
""",
)
engine_rule(
    BAD_CONFIG, Severity.WARNING,
    summary="org.yaml 的检查规则设置中有未知代码",
    summary_en="an unknown rule code in org.yaml lint settings",
    rationale="""
org.yaml 的 `lint.disable` 与 `lint.severity` 只能列出检查规则代码（LZ1xx 及以后）。
写错的代码不会关闭任何规则；校验代码（LZ0xx）不能关闭，因为登记簿须先通过校验。
""",
    bad="""
lint:
  disable: [LZ299]     # 没有这条规则
""",
    good="""
lint:
  disable: [LZ204]
""",
)


class UnknownRuleCode(ValueError):
    """A ``--select``/``--ignore`` value that names no rule: a usage error (exit 2)."""


@dataclass(frozen=True, slots=True)
class LintConfig:
    """The register's own lint settings (org.yaml ``lint``)."""

    disable: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_org(cls, org: Org) -> LintConfig:
        return cls(tuple(org.lint_disable), dict(org.lint_severity))


def expand_codes(tokens: Iterable[str], *, option: str) -> set[str]:
    """Rule codes named by ``tokens``: full codes or prefixes (``LZ3``), comma-separated or repeated."""
    codes: set[str] = set()
    for token in tokens:
        for part in _SELECTOR_SEPARATOR.split(token.strip()):
            if not part:
                continue
            prefix = part.upper()
            matched = set()
            if re.fullmatch(r"LZ[0-9]{0,3}", prefix):
                matched = {code for code in RULES if code.startswith(prefix)}
            if not matched:
                raise UnknownRuleCode(tr("lint.unknown_selector", option=option, code=part))
            codes |= matched
    return codes


def active_rules(*, select: Iterable[str] = (), ignore: Iterable[str] = (),
                 config: LintConfig = LintConfig()) -> dict[str, Severity]:
    """The rules that run, each with its severity."""
    select = list(select)
    chosen = expand_codes(select, option="--select") if select else set(RULES)
    explicit = {p.upper() for t in select for p in _SELECTOR_SEPARATOR.split(t.strip()) if p.upper() in RULES}
    chosen -= expand_codes(ignore, option="--ignore")
    chosen -= {code for code in config.disable if code not in explicit}
    active: dict[str, Severity] = {}
    for code in sorted(chosen):
        level = config.severity.get(code)
        if level == "off" and code not in explicit:
            continue
        active[code] = Severity(level) if level in ("error", "warning", "info") else RULES[code].severity
    return active


def check_config(config: LintConfig) -> Iterable[Finding]:
    """LZ903: codes in org.yaml's lint settings that name no rule."""

    def problem(code: str, where: str) -> str | None:
        if code in RULES:
            return None
        key = "lint.LZ903.validation" if code.startswith("LZ0") else "lint.LZ903.unknown"
        return tr(key, field=where, code=code)

    for i, code in enumerate(config.disable):
        message = problem(code, "lint.disable")
        if message:
            yield Finding(At(ORG_FILE, ("lint", "disable", i)), "", message)
    for code in config.severity:
        message = problem(code, "lint.severity")
        if message:
            yield Finding(At(ORG_FILE, ("lint", "severity")), "", message, field=code)


# --- suppression comments -------------------------------------------------------------

# Full-width ：＝，、 are accepted too: the comments are typed with a Chinese input method.
_ANY_DIRECTIVE = re.compile(r"#[ \t]*lz", re.IGNORECASE)
_DIRECTIVE = re.compile(r"(?m)(?:^|[ \t])(#[ \t]*lz[ \t]*[:\uff1a](.*))$", re.IGNORECASE)
_CODE_SEPARATOR = r"[ \t]*[,\uff0c\u3001][ \t]*"
_BODY = re.compile(rf"[ \t]*disable[ \t]*[=\uff1d][ \t]*(?P<codes>[A-Za-z0-9]+(?:{_CODE_SEPARATOR}[A-Za-z0-9]+)*)"
                   r"(?:[ \t]+(?P<reason>\S.*?))?[ \t]*$", re.IGNORECASE)


@dataclass(slots=True)
class Directive:
    line: int
    column: int
    target: int | None  # the line it applies to: its own, or the next content line for a comment alone
    codes: tuple[str, ...]
    problem: str | None  # why it is malformed (then it suppresses nothing)
    used: set[str] = field(default_factory=set)


def parse_directives(text: str) -> list[Directive]:
    """Every ``# lz:`` comment of a file, well-formed or not."""
    if not _ANY_DIRECTIVE.search(text):  # most files have none: one quick scan
        return []
    lines = text.split("\n")
    directives: list[Directive] = []
    line, counted = 1, 0  # lines counted incrementally: a file may hold many directives
    for match in _DIRECTIVE.finditer(text):
        start = match.start(1)
        line += text.count("\n", counted, start)
        counted = start
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        alone = not lines[line - 1][: column - 1].strip()
        target: int | None = line
        if alone:
            target = next((n + 1 for n in range(line, len(lines))
                           if lines[n].strip() and not lines[n].lstrip().startswith("#")), None)
        body = _BODY.fullmatch(match.group(2))
        codes: tuple[str, ...] = ()
        problem = None
        if body is None:
            problem = tr("lint.LZ901.syntax")
        else:
            codes = tuple(dict.fromkeys(c.upper() for c in re.split(_CODE_SEPARATOR, body.group("codes"))))
            unknown = [c for c in codes if c not in RULES]
            if unknown:
                problem = tr("lint.LZ901.code", code=unknown[0])
            elif not body.group("reason"):
                problem = tr("lint.LZ901.reason", codes=",".join(codes))
        directives.append(Directive(line, column, target, codes, problem))
    return directives


# --- the run ----------------------------------------------------------------------------

Found = list[tuple[str, Finding]]  # (rule code, finding)
# register-wide rule code -> [(department file, its part marshalled)]; None if a part could not be
Parts = dict[str, list[tuple[str, bytes]] | None]


@dataclass(slots=True)
class LintRun:
    """One run's findings, by file before and after locating: what lz keeps so that the next run lints only what
    changed (lint.incremental)."""

    diagnostics: list[Diagnostic]  # every file's, sorted
    located: dict[str, list[Diagnostic]]  # by file, org.yaml first, then the departments in order
    local: dict[str, Found]  # the department rules' (and the configuration's) findings by file
    across: dict[str, Found]  # the register-wide rules' findings by file
    parts: Parts  # the register-wide rules' parts, when asked for


def lint(register: Register, *, as_of: date | None = None, select: Iterable[str] = (), ignore: Iterable[str] = (),
         config: LintConfig | None = None) -> list[Diagnostic]:
    """Every lint finding of a validated register, located and sorted.

    Raises :class:`UnknownRuleCode` when ``select`` or ``ignore`` names no rule.
    """
    return run_lint(register, as_of=as_of, select=select, ignore=ignore, config=config).diagnostics


def run_lint(register: Register, *, as_of: date | None = None, select: Iterable[str] = (),
             ignore: Iterable[str] = (), config: LintConfig | None = None, keep_parts: bool = False) -> LintRun:
    """``lint``, keeping what the run found by file (and, if ``keep_parts``, the register-wide rules' parts)."""
    config = config if config is not None else LintConfig.from_org(register.org)
    as_of = as_of or default_as_of(register.org.year)
    active = active_rules(select=select, ignore=ignore, config=config)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # what the rules build lives to the end of the run: collecting it only costs (a fifth, on a county)
    files = [ORG_FILE, *(dept.file for dept in register.departments)]
    located = Locating(register.root, active, register.item_positions)
    local: dict[str, Found] = {}
    across: dict[str, Found] = {}
    parts: Parts = {}

    def place(outcome: tuple[Found, Found, Parts]) -> None:
        for found, by_file in zip(outcome[:2], (local, across), strict=True):
            for code, finding in found:
                by_file.setdefault(finding.at.file, []).append((code, finding))
            located.add_all(found)
        parts.update(outcome[2])

    try:
        ctx = Context(register, as_of)
        heavy = [code for code in active if code in HEAVY_RULES]
        place(([(BAD_CONFIG, f) for f in check_config(config)] if BAD_CONFIG in active else [], [], {}))
        if heavy and len(register.risks) >= PARALLEL_MIN_RISKS and can_fork():
            worker = Forked(run_rules, ctx, heavy, keep_parts)
            mine = run_rules(ctx, [code for code in active if code not in heavy], keep_parts)
            if not worker.ready():  # these findings are located while the worker runs
                place(mine)
                mine = ([], [], {})
            theirs = worker.result()
            # else located together: each file is read and parsed once
            place((mine[0] + theirs[0], mine[1] + theirs[1], {**mine[2], **theirs[2]}))
        else:
            place(run_rules(ctx, list(active), keep_parts))
        by_file = {rel: located.finish(rel) for rel in files}
    finally:
        if gc_was_enabled:
            gc.enable()
    diagnostics = sorted((d for found in by_file.values() for d in found), key=lambda d: d.sort_key)
    return LintRun(diagnostics, by_file, local, across, parts)


def run_rules(ctx: Context, codes: list[str], keep_parts: bool = False) -> tuple[Found, Found, Parts]:
    """The findings of the department rules among ``codes``, and of the register-wide ones with their parts,
    marshalled (kept if ``keep_parts``: only to be stored, so made bytes where they are made, in a worker too)."""
    local = [(code, finding) for code in codes if (check := RULES[code].check) for finding in check(ctx)]
    across: Found = []
    kept: Parts = {}
    for code in codes:
        way = RULES[code].across
        if way is None:
            continue
        parts = [(dept.file, way.collect(ctx, dept)) for dept in ctx.register.departments]
        across += [(code, finding) for finding in way.reduce(ctx, parts)]
        if keep_parts:
            try:
                kept[code] = [(rel, marshal.dumps(part)) for rel, part in parts]
            except ValueError:  # a part that is not plain values: no memo this time (tests keep them plain)
                kept[code] = None
    return local, across, kept


class Locating:
    """Findings located file by file: each file is read and parsed once, its suppression comments applied."""

    def __init__(self, root: Path, active: dict[str, Severity], items: dict[str, dict]):
        self.root, self.active, self.items = root, active, items
        self.files: dict[str, _LocatedFile] = {}

    def file(self, rel: str) -> _LocatedFile:
        found = self.files.get(rel)
        if found is None:
            found = self.files[rel] = _LocatedFile(self.root, rel, self.active, self.items.get(rel))
        return found

    def add(self, code: str, finding: Finding) -> None:
        self.file(finding.at.file).add(code, finding)

    def add_all(self, found: Found) -> None:
        """Findings of any files, located a file at a time, each file let go of once its findings are placed."""
        by_file: dict[str, Found] = {}
        for code, finding in found:
            by_file.setdefault(finding.at.file, []).append((code, finding))
        for rel, mine in by_file.items():
            located = self.file(rel)
            for code, finding in mine:
                located.add(code, finding)
            located.close()

    def finish(self, rel: str) -> list[Diagnostic]:
        """The file's diagnostics; what its suppression comments call for (malformed, unused) too."""
        located = self.files.pop(rel, None) or _LocatedFile(self.root, rel, self.active, self.items.get(rel))
        return located.finish()  # and let go of it


class _LocatedFile:
    """One file's findings located, with its suppression comments applied; the file is read and parsed once."""

    def __init__(self, root: Path, rel: str, active: dict[str, Severity], items: dict | None):
        self.rel, self.active = rel, active
        self._root, self._items = root, items
        text = self._read()
        self.directives = parse_directives(text)
        self._text: str | None = text  # until the locator has its lines
        self._locator: RegisterLocator | ItemLocator | None = None
        self.by_target: dict[int, list[Directive]] = {}
        for directive in self.directives:
            if directive.problem is None and directive.target is not None:
                self.by_target.setdefault(directive.target, []).append(directive)
        self.out: list[Diagnostic] = []

    def _bytes(self) -> bytes:
        try:
            return (self._root / self.rel).read_bytes()
        except OSError:
            return b""

    def _read(self) -> str:
        return decode(self._bytes(), self.rel)[0] or ""

    @property
    def locator(self) -> RegisterLocator | ItemLocator:
        """Item positions recorded at load locate most findings from the text alone; the full locator (a second
        parse) is the fallback, one per file, dropped after it. Made for the first finding."""
        if self._locator is None:
            text = self._text if self._text is not None else self._read()
            full = RegisterLocator(self._root, read=lambda _rel: self._bytes())
            self._locator = ItemLocator(text, self._items, full, self.rel) if self._items else full
            self._text = None
        return self._locator

    def close(self) -> None:
        """Let go of the file's text and locator (made again if more findings come): a county's 400 files held
        at once were a third of lint's peak."""
        self._text, self._locator = None, None

    def add(self, code: str, finding: Finding) -> None:
        rel, locator, path = self.rel, self.locator, finding.at.path
        line, column = locator.at(rel, (*path, finding.field or "id"), key=True)
        lines = {line, locator.at(rel, (*path, "id"), key=True)[0], locator.at(rel, path)[0]}
        suppressor = next((d for n in lines for d in self.by_target.get(n, ()) if code in d.codes), None)
        if suppressor is not None:
            suppressor.used.add(code)
            return
        self.out.append(Diagnostic(code, self.active[code], rel, line, column, finding.message, finding.subject))

    def finish(self) -> list[Diagnostic]:
        """The located findings, and what the suppression comments themselves call for (malformed, unused)."""
        active, out = self.active, self.out
        for directive in self.directives:
            if directive.problem is not None:
                if MALFORMED in active:
                    out.append(Diagnostic(MALFORMED, active[MALFORMED], self.rel, directive.line, directive.column,
                                          directive.problem))
                continue
            unused = [c for c in directive.codes if c in active and c not in directive.used]
            if unused and UNUSED in active:
                out.append(Diagnostic(UNUSED, active[UNUSED], self.rel, directive.line, directive.column,
                                      tr("lint.LZ902", codes=join_list(unused))))
        return out
