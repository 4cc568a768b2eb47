"""The records that close the yearly cycle: approvals (审核, ``approvals.yaml``), the 评分标准 of the yearly
assessment (考核, org.yaml ``assessment``) and the scores an assessment group enters (``assessments.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from lianzheng_cli.model.records import At
from lianzheng_cli.vocab import BUILTIN, Vocabulary

APPROVALS_FILE = "approvals.yaml"
ASSESSMENTS_FILE = "assessments.yaml"
RECORD_FILES = (APPROVALS_FILE, ASSESSMENTS_FILE)

# The indicators an assessment item may be computed from (docs/assess.md gives each formula).
INDICATORS = ("risk_coverage", "high_monitoring", "measures_on_time", "warnings_closed", "people_briefed",
              "people_pledged", "lint_errors")
DEFAULT_DEDUCTION = 1.0  # lint_errors: points taken off per error-level finding


@dataclass(frozen=True, slots=True)
class Approval:
    """审核: who approved which version (a git commit) of the whole register or of one department."""

    body: str  # 审核主体: 部门会议 | 分管领导 | 党委会 | 党组会 | 领导小组 (or a register's own word)
    date: date
    ref: str | None  # 会议文号, e.g. 局党组会〔2025〕3号
    department: str | None  # None: the whole register
    revision: str  # the full commit id it covers
    at: At

    def applies_to(self, department: str) -> bool:
        return self.department is None or self.department == department


@dataclass(frozen=True, slots=True)
class AssessmentItem:
    """One item of the 评分标准: its points come from an indicator of the register, or are entered by hand."""

    id: str
    name: str
    points: float
    indicator: str | None  # one of INDICATORS; None for a manual item
    deduction: float = DEFAULT_DEDUCTION  # lint_errors only

    @property
    def manual(self) -> bool:
        return self.indicator is None


@dataclass(frozen=True, slots=True)
class ManualScore:
    """A score the assessment group gave an item (民主测评, 查阅档案 …) for a department or the unit."""

    year: int
    department: str | None  # None: the unit
    item: str
    score: float
    by: str | None
    note: str | None
    at: At


def latest_approval(approvals: tuple[Approval, ...] | list[Approval], department: str | None = None,
                    *, whole: bool = False) -> Approval | None:
    """The latest approval (by date, then order in the file) that covers ``department`` (any department when
    None); with ``whole``, only an approval of the whole register."""
    best: tuple[date, int] | None = None
    found = None
    for index, approval in enumerate(approvals):
        if whole and approval.department is not None:
            continue
        if department is not None and not approval.applies_to(department):
            continue
        key = (approval.date, index)
        if best is None or key > best:
            best, found = key, approval
    return found


def build_approvals(doc: Any, vocabulary: Vocabulary = BUILTIN) -> tuple[Approval, ...]:
    """The approvals of a validated ``approvals.yaml`` (absent: none)."""
    if not isinstance(doc, dict):
        return ()
    return tuple(Approval(vocabulary.canonical("approval_body", a["body"]), date.fromisoformat(a["date"]),
                          a.get("ref"), a.get("department"), a["revision"], At(APPROVALS_FILE, ("approvals", i)))
                 for i, a in enumerate(doc.get("approvals") or ()))


def build_scores(doc: Any) -> tuple[ManualScore, ...]:
    """The scores of a validated ``assessments.yaml`` (absent: none)."""
    if not isinstance(doc, dict):
        return ()
    return tuple(ManualScore(s["year"], s.get("department"), s["item"], float(s["score"]), s.get("by"),
                             s.get("note"), At(ASSESSMENTS_FILE, ("scores", i)))
                 for i, s in enumerate(doc.get("scores") or ()))


def build_standard(doc: Any) -> tuple[AssessmentItem, ...] | None:
    """org.yaml's 评分标准 (``assessment.items``); None when it has none (the default standard applies)."""
    section = doc.get("assessment") if isinstance(doc, dict) else None
    if not isinstance(section, dict) or not section.get("items"):
        return None
    return tuple(AssessmentItem(i["id"], i["name"], i["points"], None if i.get("manual") else i["indicator"],
                                i.get("deduction", DEFAULT_DEDUCTION))
                 for i in section["items"])
