"""The rule catalogue: every lint rule is a small function registered here with its code.

A rule gets a :class:`Context` (the register, every risk's grade, the as-of
date, the policy) and yields :class:`Finding`s; its code, severity and
location are filled in by the engine, so a rule only says *what* is wrong and
*which object* it is about.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any

from lianzheng_cli import i18n
from lianzheng_cli.diagnostics import Severity
from lianzheng_cli.lint.text import normalize
from lianzheng_cli.model.grading import RiskGrade, grade_register
from lianzheng_cli.model.records import At, Department, Policy, Register, Risk

CODE = re.compile(r"LZ[1-9][0-9]{2}")
ORG_FILE = "org.yaml"


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule found about one object; the engine makes it a complete ``Diagnostic``."""

    at: At  # the object the finding is about
    subject: str  # its id (``RISK/MEASURE`` for a measure)
    message: str
    field: str | None = None  # a key of the object to point at (grade, due …); default: its ``id`` key


class Context:
    """What every rule may read; indexes are built once, on first use."""

    def __init__(self, register: Register, as_of: date, grades: dict[str, RiskGrade] | None = None):
        self.register = register
        self.as_of = as_of
        self.policy: Policy = register.org.policy
        self._normalized: dict[str, str] = {}
        if grades is not None:
            self.grades = grades

    def measure_text(self, rel: str, risk: int, measure: int) -> str:
        """The text of measure ``measure`` of risk ``risk`` (indexes) in the department file ``rel``: what a
        register-wide rule's part refers to without carrying it."""
        return self._by_file[rel].risks[risk].measures[measure].text

    @cached_property
    def _by_file(self) -> dict[str, Department]:
        return {dept.file: dept for dept in self.register.departments}

    @cached_property
    def grades(self) -> dict[str, RiskGrade]:
        """Every risk's grade, computed on first use (the text rules need none)."""
        return grade_register(self.register)

    def effective(self, risk: Risk) -> str:
        return self.grades[risk.id].effective

    def normalized(self, text: str) -> str:
        """``text.normalize`` once per distinct text: several rules compare the same texts."""
        result = self._normalized.get(text)
        if result is None:
            result = self._normalized[text] = normalize(text)
        return result

    @cached_property
    def risks_by_post(self) -> dict[str, list[Risk]]:
        index: dict[str, list[Risk]] = {}
        for risk in self.register.risks.values():
            for post in risk.posts:
                index.setdefault(post, []).append(risk)
        return index

    @cached_property
    def high_posts(self) -> dict[str, Risk]:
        """高 posts: each post that a risk of effective grade 高 lists, with the first such risk."""
        posts: dict[str, Risk] = {}
        for risk in self.register.risks.values():
            if self.effective(risk) == "高":
                for post in risk.posts:
                    posts.setdefault(post, risk)
        return posts

    @cached_property
    def processes_with_risks(self) -> set[str]:
        return {risk.process for risk in self.register.risks.values() if risk.process}


Check = Callable[[Context], Iterable[Finding]]
# A register-wide rule: what each department contributes (plain values: lz keeps them between runs, so a later
# run collects only the departments that changed), then the findings from every department's part in file order.
Collect = Callable[[Context, Department], Any]
Reduce = Callable[[Context, list[tuple[str, Any]]], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Across:
    """How a register-wide rule works: ``collect`` per department, ``reduce`` over all their parts."""

    collect: Collect
    reduce: Reduce


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity  # default; org.yaml `lint.severity` may change it
    rationale: str  # why the practice asks for it (Chinese)
    bad: str  # a YAML example that triggers the rule
    good: str  # the same example put right
    check: Check | None  # None for the engine's own rules and the register-wide ones
    summary_zh: str = ""
    summary_en: str = ""
    # Set for a rule whose findings in one department depend on every department (a copy elsewhere, a count over
    # the register). A rule with ``check`` may read the departments its objects refer to, and that refer to
    # them (see lint.incremental), but no others.
    across: Across | None = None

    @property
    def summary(self) -> str:
        """One line, in the current language."""
        return self.summary_en if i18n.current_language() == "en" else self.summary_zh


RULES: dict[str, Rule] = {}


def add_rule(rule_: Rule, *, summary: str, summary_en: str) -> Rule:
    """Register a rule; a code is registered once only."""
    if not CODE.fullmatch(rule_.code):
        raise ValueError(f"rule code {rule_.code} is not like LZ101")
    if rule_.code in RULES:
        raise ValueError(f"rule {rule_.code} is registered twice")
    RULES[rule_.code] = replace(rule_, summary_zh=summary, summary_en=summary_en)
    return RULES[rule_.code]


def rule(code: str, severity: Severity, *, summary: str, summary_en: str, rationale: str, bad: str,
         good: str) -> Callable[[Check], Check]:
    """Decorator: register the function as the check of rule ``code``."""

    def register(check: Check) -> Check:
        add_rule(Rule(code, severity, paragraphs(rationale), bad.strip("\n"), good.strip("\n"), check),
                 summary=summary, summary_en=summary_en)
        return check

    return register


def rule_across(code: str, severity: Severity, *, collect: Collect, summary: str, summary_en: str,
                rationale: str, bad: str, good: str) -> Callable[[Reduce], Reduce]:
    """Decorator: register a register-wide rule ``code``: ``collect`` gives each department's part, the decorated
    function the findings from all parts (``[(department file, part)]`` in the register's order)."""

    def register(reduce: Reduce) -> Reduce:
        add_rule(Rule(code, severity, paragraphs(rationale), bad.strip("\n"), good.strip("\n"), None,
                      across=Across(collect, reduce)),
                 summary=summary, summary_en=summary_en)
        return reduce

    return register


def engine_rule(code: str, severity: Severity, *, summary: str, summary_en: str, rationale: str, bad: str,
                good: str) -> Rule:
    """Register a rule the engine itself reports (suppression comments, configuration): it has no check."""
    return add_rule(Rule(code, severity, paragraphs(rationale), bad.strip("\n"), good.strip("\n"), None),
                    summary=summary, summary_en=summary_en)


def paragraphs(text: str) -> str:
    """Chinese prose wrapped in the source, unwrapped: lines join without a space, except beside Latin text."""
    out = []
    for block in text.strip().split("\n\n"):
        joined = ""
        for line in (line.strip() for line in block.splitlines()):
            if joined and line and (_latin(joined[-1]) or _latin(line[0])):
                joined += " "
            joined += line
        if joined:
            out.append(joined)
    return "\n\n".join(out)


def _latin(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "`*_.")


def rules_in_order() -> list[Rule]:
    return [RULES[code] for code in sorted(RULES)]


# The codes `lz validate` reports (LZ001–LZ028); listed so `lz rules` and
# docs/rules.md show the whole catalogue. A test keeps this table in step with
# the validation messages in i18n.
VALIDATION_CODES: dict[str, tuple[str, str]] = {
    "LZ001": ("YAML语法错误", "YAML syntax error"),
    "LZ002": ("文件不是UTF-8编码", "file is not UTF-8"),
    "LZ003": ("同一映射中键重复", "duplicate key in a mapping"),
    "LZ004": ("使用了不允许的YAML标签", "a YAML tag is not allowed"),
    "LZ005": ("嵌套过深、别名过大、未定义的别名或复杂键", "too deep, alias too large, undefined alias or complex key"),
    "LZ006": ("不支持的 %YAML 指令或控制字符", "unsupported %YAML directive or a control character"),
    "LZ007": ("文件为空", "file is empty"),
    "LZ008": ("一个文件包含多个YAML文档", "more than one YAML document in a file"),
    "LZ009": ("文件无法读取", "file cannot be read"),
    "LZ010": ("未知的键", "unknown key"),
    "LZ011": ("缺少必填的键", "missing required key"),
    "LZ012": ("值的类型不对", "value of the wrong type"),
    "LZ013": ("值不在允许范围内（枚举）", "value is not one of the allowed words"),
    "LZ014": ("日期格式不对（应为 YYYY-MM-DD）", "date is not YYYY-MM-DD"),
    "LZ015": ("编号或规则代码格式不对", "malformed id or rule code"),
    "LZ016": ("数值超出范围", "number out of range"),
    "LZ017": ("列表项数不足", "list has too few items"),
    "LZ018": ("值为空", "value is empty"),
    "LZ019": ("不符合登记簿格式（其他）", "does not match the register format (other)"),
    "LZ020": ("编号重复", "duplicate id"),
    "LZ021": ("引用的对象不存在", "reference names nothing"),
    "LZ022": ("部门编号与文件名不一致", "department id differs from its file name"),
    "LZ023": ("写了关键环节却没有所属流程", "step without its process"),
    "LZ024": ("因素评分法下风险点缺少 factors", "factors method: the risk has no factors"),
    "LZ025": ("登记簿中没有部门文件", "the register has no department files"),
    "LZ026": ("schemas/ 中的格式文件与本登记簿不一致（请运行 lz schema --write）",
              "a schema in schemas/ differs from this register's (run lz schema --write)"),
    "LZ027": ("词表增补有误（重复增补、已有写法或别名无对应标准词）",
              "a vocabulary addition is wrong (added twice, spelled already, or an alias to no word)"),
    "LZ028": ("部门在最近一次审核（approvals.yaml）之后有改动", "a department changed after its latest approval"),
}


# Validation findings are errors, except these.
VALIDATION_WARNINGS = frozenset({"LZ025", "LZ026", "LZ028"})


def validation_summary(code: str) -> str:
    zh, en = VALIDATION_CODES[code]
    return en if i18n.current_language() == "en" else zh


def validation_severity(code: str) -> Severity:
    return Severity.WARNING if code in VALIDATION_WARNINGS else Severity.ERROR
