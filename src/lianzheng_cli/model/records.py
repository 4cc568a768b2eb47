"""Typed records of a register, built from validated documents.

Every enum and grade is canonical here (aliases and traditional spellings are
normalised on the way in); every record knows where it stands (``at``) so a
rule can locate its finding. Nothing in this module touches YAML or the CLI.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from lianzheng_cli.vocab import BUILTIN, Vocabulary, canonical_grade, known_grade

DONE = "已落实"  # the measure status that ends it

COMMON = ("部门", "单位")  # applies_to of a common risk point (共性风险点): every post of the department, the unit

DEFAULT_MONITORING = {
    "高": ("单位主要负责人", "纪检监察机构"),
    "中": ("分管领导", "部门负责人"),
    "低": ("部门负责人",),
}


@dataclass(frozen=True, slots=True)
class At:
    """Where an object stands: its file and its path in that file."""

    file: str
    path: tuple


@dataclass(slots=True)
class Person:
    id: str
    name: str
    post: str
    since: date
    briefed: date | None
    pledged: date | None
    department: str
    at: At


@dataclass(slots=True)
class Post:
    id: str
    name: str
    duties: str | None
    powers: tuple[str, ...]
    department: str
    at: At


@dataclass(slots=True)
class Power:
    id: str
    name: str
    scope: str  # 外部 | 内部
    category: str
    sanzhong_yida: bool  # 三重一大事项
    basis: tuple[str, ...]
    process: str | None
    department: str
    at: At
    # 1.1: the fuller 职权目录 and 权力和责任清单 (POWER_TEXTS), each optional text
    content: str | None = None  # 职权内容
    subject: str | None = None  # 行使主体
    conditions: str | None = None  # 条件
    procedure: str | None = None  # 程序
    time_limit: str | None = None  # 时限
    accountability: str | None = None  # 责任/追责情形
    supervision: str | None = None  # 监督方式
    disclosure: str | None = None  # 公开形式


# The fuller power's fields, in the order of the 职权目录's columns.
POWER_TEXTS = ("content", "subject", "conditions", "procedure", "time_limit", "accountability", "supervision",
               "disclosure")


@dataclass(frozen=True, slots=True)
class Party:
    """外部单位与群体 (org.yaml ``parties``): a body outside the unit a risk may concern or a measure be owned by."""

    id: str
    name: str
    at: At


@dataclass(slots=True)
class Step:
    id: str
    name: str
    post: str | None
    time_limit: str | None
    at: At


@dataclass(slots=True)
class Process:
    id: str
    name: str
    time_limit: str | None
    steps: tuple[Step, ...]
    department: str
    at: At


@dataclass(slots=True)
class Measure:
    id: str
    text: str
    stage: str | None  # 前期预防 | 中期监控 | 后期处置; None when the register does not say (1.1)
    kind: str | None
    owner: str | None  # 责任主体: department, post, person or party id; None when not said (1.1)
    due: date | None
    status: str
    at: At

    def is_overdue(self, as_of: date) -> bool:
        """Past its due date and not 已落实 on ``as_of`` (the due day itself is still in time)."""
        return self.due is not None and self.due < as_of and self.status != DONE


@dataclass(slots=True)
class Risk:
    id: str
    title: str
    description: str
    type: str
    process: str | None
    step: str | None  # 关键环节
    posts: tuple[str, ...]  # 涉及对象 (岗位)
    likelihood: int
    impact: int
    factors: dict[str, int]
    declared: str | None  # canonical declared grade
    declared_text: str | None  # as written (★★★, 一级 …), to keep its style on --write
    reviewed: date | None
    measures: tuple[Measure, ...]
    department: str
    at: At
    parties: tuple[str, ...] = ()  # 涉及对象 outside the unit (party ids)
    applies_to: str = "岗位"  # 岗位 | 部门 | 单位 (共性风险点)
    residual: tuple[int, int] | None = None  # 剩余风险: (likelihood, impact) once the measures work

    @property
    def common(self) -> bool:
        """A common risk point (共性风险点): it applies to every post of its department or of the unit."""
        return self.applies_to in COMMON


@dataclass(frozen=True, slots=True)
class Rectification:
    """整改 asked by a warning."""

    requirement: str | None
    due: date | None
    result: str | None
    done: date | None


@dataclass(slots=True)
class WarningRecord:
    """预警处置记录: a warning raised on a risk and how it was handled."""

    id: str
    risk: str
    date: datetime.date  # spelled in full: in this class body ``date`` is this field, not the type
    source: str | None
    level: str
    finding: str | None
    action: str | None
    closed: datetime.date | None
    department: str
    at: At
    person: str | None = None  # 当事人 (person id)
    notice: str | None = None  # 通知书编号
    rectification: Rectification | None = None

    def is_open_on(self, day: datetime.date) -> bool:
        """Issued on or before ``day`` and not closed on or before it."""
        return self.date <= day and (self.closed is None or self.closed > day)

    def days_open(self, day: datetime.date) -> int:
        return (day - self.date).days


@dataclass(slots=True)
class Department:
    id: str
    name: str
    kind: str
    leader: str | None
    supervisor: str | None
    people: tuple[Person, ...]
    posts: tuple[Post, ...]
    powers: tuple[Power, ...]
    processes: tuple[Process, ...]
    risks: tuple[Risk, ...]
    warnings: tuple[WarningRecord, ...]
    file: str


@dataclass(frozen=True, slots=True)
class Floor:
    """定级下限: a risk tied to a power matching ``when`` is at least ``grade``."""

    when: dict[str, Any]  # category/scope as a tuple of canonical words; any other key as written
    grade: str

    @classmethod
    def from_doc(cls, when: dict[str, Any], grade: str, vocabulary: Vocabulary = BUILTIN) -> Floor:
        normal = {}
        for key, value in when.items():
            if key in ("category", "scope"):
                value = tuple(vocabulary.canonical(key, v) for v in (value if isinstance(value, list) else (value,)))
            normal[key] = value
        return cls(normal, known_grade(grade))

    def matches(self, power: Power) -> bool:
        for key, expected in self.when.items():
            actual = getattr(power, key, None)
            if actual not in expected if isinstance(expected, tuple) else actual != expected:
                return False
        return True


@dataclass(frozen=True, slots=True)
class Grading:
    method: str  # matrix | factors
    matrix_high: float = 15
    matrix_medium: float = 8
    weights: dict[str, float] = field(default_factory=dict)
    factors_high: float = 3.8
    factors_medium: float = 2.6
    floors: tuple[Floor, ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    rotation_years: int = 5
    briefing_days: int = 30
    warning_close_days: int = 30
    review_months: int = 12
    rotation_categories: tuple[str, ...] = ()  # 1.1: holding a power of these categories makes a key post (LZ301)


@dataclass(slots=True)
class Org:
    id: str
    name: str
    head: str | None
    inspection: str | None
    year: int
    grading: Grading
    monitoring: dict[str, tuple[str, ...]]
    policy: Policy
    display_grade: str
    lint_disable: tuple[str, ...]
    lint_severity: dict[str, str]
    party: str | None = None  # 1.1: the department of the unit's party organization (党组织)
    parties: tuple[Party, ...] = ()  # 1.1: 外部单位与群体
    vocabulary: Vocabulary = BUILTIN  # 1.1: the built-in words and the register's own
    assessment: tuple[Any, ...] | None = None  # 评分标准 (model.cycle.AssessmentItem); None: lz's default standard


@dataclass
class Register:
    root: Path
    org: Org
    departments: tuple[Department, ...]
    people: dict[str, Person] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    powers: dict[str, Power] = field(default_factory=dict)
    processes: dict[str, Process] = field(default_factory=dict)
    risks: dict[str, Risk] = field(default_factory=dict)
    warnings: dict[str, WarningRecord] = field(default_factory=dict)
    parties: dict[str, Party] = field(default_factory=dict)
    by_department: dict[str, Department] = field(default_factory=dict)
    # Source positions recorded at load: file -> list item path -> (line, column), to locate findings cheaply.
    item_positions: dict[str, dict[tuple, tuple[int, int]]] = field(default_factory=dict)
    # The yearly cycle (model.cycle): approvals.yaml and assessments.yaml
    approvals: tuple[Any, ...] = ()
    assessment_scores: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        self.parties = {party.id: party for party in self.org.parties}
        for dept in self.departments:
            self.by_department[dept.id] = dept
            _index(self.people, dept.people)
            _index(self.posts, dept.posts)
            _index(self.powers, dept.powers)
            _index(self.processes, dept.processes)
            _index(self.risks, dept.risks)
            _index(self.warnings, dept.warnings)

    def name_of(self, ident: str | None) -> str:
        """A readable name for a person, post, department or party id (the id if unknown)."""
        if ident is None:
            return ""
        for table in (self.people, self.posts, self.by_department, self.parties):
            if ident in table:
                return table[ident].name
        return ident


_Record = TypeVar("_Record", Person, Post, Power, Process, Risk, WarningRecord)


def _index(table: dict[str, _Record], items: Iterable[_Record]) -> None:
    for item in items:
        table[item.id] = item


# A document as loaded: the values of one YAML file that passed schema validation.
Doc = dict[str, Any]


def _date(value: Any) -> date | None:
    """An optional date (YYYY-MM-DD, a string in YAML 1.2); None when absent."""
    return date.fromisoformat(value) if isinstance(value, str) else None


def _required_date(value: str) -> date:
    """A date the schema requires (``since``, a warning's ``date``): always a YYYY-MM-DD string here."""
    return date.fromisoformat(value)


def build_department(rel: str, doc: Doc, vocabulary: Vocabulary = BUILTIN) -> Department:
    dept = doc["id"]
    canonical = vocabulary.canonical

    def at(*path: Any) -> At:
        return At(rel, tuple(path))

    people = tuple(
        Person(p["id"], p["name"], p["post"], _required_date(p["since"]), _date(p.get("briefed")),
               _date(p.get("pledged")), dept, at("people", i))
        for i, p in enumerate(doc.get("people") or ()))
    posts = tuple(
        Post(p["id"], p["name"], p.get("duties"), tuple(p.get("powers") or ()), dept, at("posts", i))
        for i, p in enumerate(doc.get("posts") or ()))
    powers = tuple(
        Power(p["id"], p["name"], canonical("scope", p["scope"]), canonical("category", p["category"]),
              bool(p.get("sanzhong_yida", False)), tuple(p.get("basis") or ()), p.get("process"), dept,
              at("powers", i), **{key: p.get(key) for key in POWER_TEXTS})
        for i, p in enumerate(doc.get("powers") or ()))
    processes = tuple(
        Process(p["id"], p["name"], p.get("time_limit"),
                tuple(Step(s["id"], s["name"], s.get("post"), s.get("time_limit"), at("processes", i, "steps", j))
                      for j, s in enumerate(p["steps"])),
                dept, at("processes", i))
        for i, p in enumerate(doc.get("processes") or ()))
    risks = tuple(_build_risk(r, dept, at("risks", i), vocabulary) for i, r in enumerate(doc.get("risks") or ()))
    warnings = tuple(_build_warning(w, dept, at("warnings", i), vocabulary)
                     for i, w in enumerate(doc.get("warnings") or ()))
    return Department(dept, doc["name"], canonical("department_kind", doc["kind"]), doc.get("leader"),
                      doc.get("supervisor"), people, posts, powers, processes, risks, warnings, rel)


def _enum(vocabulary: Vocabulary, name: str, value: Any) -> str | None:
    return None if value is None else vocabulary.canonical(name, value)


def _build_warning(w: Doc, dept: str, at: At, vocabulary: Vocabulary) -> WarningRecord:
    fix = w.get("rectification")
    rectification = None if fix is None else Rectification(
        fix.get("requirement"), _date(fix.get("due")), fix.get("result"), _date(fix.get("done")))
    return WarningRecord(w["id"], w["risk"], _required_date(w["date"]), _enum(vocabulary, "warning_source",
                         w.get("source")), vocabulary.canonical("warning_level", w["level"]), w.get("finding"),
                         _enum(vocabulary, "warning_action", w.get("action")), _date(w.get("closed")), dept, at,
                         w.get("person"), w.get("notice"), rectification)


def _build_risk(r: Doc, dept: str, at: At, vocabulary: Vocabulary = BUILTIN) -> Risk:
    canonical = vocabulary.canonical
    measures = tuple(
        Measure(m["id"], m["text"], _enum(vocabulary, "stage", m.get("stage")),
                _enum(vocabulary, "measure_kind", m.get("kind")), m.get("owner"), _date(m.get("due")),
                canonical("status", m.get("status", "未开始")), At(at.file, (*at.path, "measures", j)))
        for j, m in enumerate(r.get("measures") or ()))
    declared_text = r.get("grade")
    residual = r.get("residual")
    return Risk(r["id"], r["title"], r["description"], canonical("risk_type", r["type"]), r.get("process"),
                r.get("step"), tuple(r.get("posts") or ()), r["likelihood"], r["impact"],
                dict(r.get("factors") or {}), canonical_grade(declared_text), declared_text, _date(r.get("reviewed")),
                measures, dept, at, tuple(r.get("parties") or ()), canonical("applies_to", r.get("applies_to", "岗位")),
                None if residual is None else (residual["likelihood"], residual["impact"]))


def _build_org(doc: Doc) -> Org:
    info = doc["org"]
    vocabulary = Vocabulary.from_org(doc)
    grading_doc = doc["grading"]
    matrix = grading_doc.get("matrix") or {}
    factors = grading_doc.get("factors") or {}
    floors = tuple(Floor.from_doc(f["when"], f["grade"], vocabulary) for f in grading_doc.get("floors") or ())
    grading = Grading(grading_doc["method"], matrix.get("high", 15), matrix.get("medium", 8),
                      dict(factors.get("weights") or {}), factors.get("high", 3.8), factors.get("medium", 2.6), floors)
    monitoring = dict(DEFAULT_MONITORING)
    for grade, roles in (doc.get("monitoring") or {}).items():
        monitoring[known_grade(grade)] = tuple(vocabulary.canonical("monitoring_role", r) for r in roles)
    policy_doc = dict(doc.get("policy") or {})
    categories = tuple(vocabulary.canonical("category", c) for c in policy_doc.pop("rotation_categories", None) or ())
    policy = Policy(**policy_doc, rotation_categories=categories)
    lint = doc.get("lint") or {}
    parties = tuple(Party(p["id"], p["name"], At("org.yaml", ("parties", i)))
                    for i, p in enumerate(doc.get("parties") or ()))
    return Org(info["id"], info["name"], info.get("head"), info.get("inspection"), doc["year"], grading, monitoring,
               policy, (doc.get("display") or {}).get("grade", "word"), tuple(lint.get("disable") or ()),
               dict(lint.get("severity") or {}), info.get("party"), parties, vocabulary, _standard(doc))


def _standard(doc: Doc) -> tuple[Any, ...] | None:
    from lianzheng_cli.model.cycle import build_standard  # it builds on this module's At

    return build_standard(doc)


def build_register(root: Path, org_doc: Doc, departments: Iterable[tuple[str, Doc | Department]],
                   item_positions: dict[str, dict[tuple, tuple[int, int]]] | None = None,
                   records: dict[str, Doc] | None = None) -> Register:
    """The typed register from documents that passed validation, in the words of the register's vocabulary;
    ``records`` are the yearly cycle's files (approvals.yaml, assessments.yaml) by name, when present. A
    department may come built already (``build_department`` with the same vocabulary, as the load does it)."""
    from lianzheng_cli.model import cycle  # it builds on this module's At

    org = _build_org(org_doc)
    records = records or {}
    built = tuple(doc if isinstance(doc, Department) else build_department(rel, doc, org.vocabulary)
                  for rel, doc in departments)
    return Register(root, org, built,
                    item_positions=item_positions or {},
                    approvals=cycle.build_approvals(records.get(cycle.APPROVALS_FILE), org.vocabulary),
                    assessment_scores=cycle.build_scores(records.get(cycle.ASSESSMENTS_FILE)))
