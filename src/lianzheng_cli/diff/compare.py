"""What changed in a register between two versions, in the practice's terms: the result and the comparison.

:func:`diff_registers` compares two typed registers (either may be empty):
risks added, removed, renamed (id changed, content identical) and changed
field by field, grades compared canonically with their direction; measures;
people joined, left, moved post; posts, powers, processes added or removed;
warnings opened and closed. Loading the two versions is ``diff.pairs``;
resolving revisions and running the command, ``diff.revisions``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lianzheng_cli.model.grading import Grader, RiskGrade
from lianzheng_cli.model.records import POWER_TEXTS, Grading, Org, Policy, Power, Register, Risk, WarningRecord
from lianzheng_cli.vocab import GRADE_RANK

FAIL_ON = ("removed", "lowered", "high-removed")

# Fields of a risk compared one by one, in the order they are reported.
RISK_FIELDS = ("department", "title", "description", "type", "process", "step", "posts", "likelihood", "impact",
               "parties", "applies_to", "residual")
MEASURE_FIELDS = ("text", "stage", "kind", "owner", "due", "status")
# 1.1: the fuller 职权目录 and 预警处置记录, compared field by field (a rectification's fields flattened)
POWER_FIELDS = POWER_TEXTS
WARNING_FIELDS = ("person", "notice", "rectification_requirement", "rectification_due", "rectification_result",
                  "rectification_done")


# --- the result -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevisionRef:
    """A version as the user named it (``2024``, ``HEAD``, ``WORKTREE``) and its commit (None: the work tree)."""

    rev: str | None = None
    commit: str | None = None
    label: str = ""  # for headings: ``2024 (1a2b3c4)``, in the language of the run


@dataclass(frozen=True)
class RiskEntry:
    """A risk added or removed, with its effective grade."""

    id: str
    department: str
    title: str
    grade: str
    measures: int  # how many measures it has, for the summary

    def to_json(self) -> dict:
        return {"id": self.id, "department": self.department, "title": self.title, "grade": self.grade}


@dataclass(frozen=True)
class Renamed:
    """A risk whose id changed while its content did not."""

    old: str
    new: str
    department: str
    title: str


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any
    direction: str | None = None  # raised | lowered, for grades

    def to_json(self) -> dict:
        data = {"field": self.field, "from": _plain(self.old), "to": _plain(self.new)}
        if self.direction:
            data["direction"] = self.direction
        return data


@dataclass(frozen=True)
class MeasureChange:
    id: str
    changes: tuple[FieldChange, ...]

    def to_json(self) -> dict:
        return {"id": self.id, "changes": [c.to_json() for c in self.changes]}


@dataclass(frozen=True)
class MeasuresChange:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[MeasureChange, ...]

    def to_json(self) -> dict:
        return {"field": "measures", "added": list(self.added), "removed": list(self.removed),
                "changed": [c.to_json() for c in self.changed]}


@dataclass(frozen=True)
class RiskChange:
    id: str
    department: str
    title: str
    changes: tuple[FieldChange, ...]
    measures: MeasuresChange | None

    @property
    def raised(self) -> bool:
        return any(c.direction == "raised" for c in self.changes)

    @property
    def lowered(self) -> bool:
        return any(c.direction == "lowered" for c in self.changes)

    def to_json(self) -> dict:
        changes = [c.to_json() for c in self.changes]
        if self.measures is not None:
            changes.append(self.measures.to_json())
        return {"id": self.id, "department": self.department, "changes": changes}


@dataclass(frozen=True)
class Item:
    """A person, post, power, process or warning that appeared or disappeared."""

    id: str
    department: str
    name: str


@dataclass(frozen=True)
class ItemChange:
    """A power or warning whose 1.1 fields changed."""

    id: str
    department: str
    name: str
    changes: tuple[FieldChange, ...]

    def to_json(self) -> dict:
        return {"id": self.id, "department": self.department, "changes": [c.to_json() for c in self.changes]}


@dataclass(frozen=True)
class PersonMove:
    id: str
    department: str
    name: str
    old_post: str
    new_post: str


@dataclass
class RegisterDiff:
    risks_added: list[RiskEntry] = field(default_factory=list)
    risks_removed: list[RiskEntry] = field(default_factory=list)
    risks_renamed: list[Renamed] = field(default_factory=list)
    risks_changed: list[RiskChange] = field(default_factory=list)
    people_joined: list[Item] = field(default_factory=list)
    people_left: list[Item] = field(default_factory=list)
    people_moved: list[PersonMove] = field(default_factory=list)
    posts_added: list[Item] = field(default_factory=list)
    posts_removed: list[Item] = field(default_factory=list)
    powers_added: list[Item] = field(default_factory=list)
    powers_removed: list[Item] = field(default_factory=list)
    processes_added: list[Item] = field(default_factory=list)
    processes_removed: list[Item] = field(default_factory=list)
    warnings_opened: list[Item] = field(default_factory=list)
    warnings_closed: list[Item] = field(default_factory=list)
    powers_changed: list[ItemChange] = field(default_factory=list)
    warnings_changed: list[ItemChange] = field(default_factory=list)
    departments: dict[str, str] = field(default_factory=dict)  # id -> name, for headings
    from_rev: RevisionRef = RevisionRef()
    to_rev: RevisionRef = RevisionRef()

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in _LISTS)

    def summary(self) -> dict[str, int]:
        return {
            "risks_added": len(self.risks_added),
            "risks_removed": len(self.risks_removed),
            "risks_changed": len(self.risks_changed),
            "grade_raised": sum(c.raised for c in self.risks_changed),
            "grade_lowered": sum(c.lowered for c in self.risks_changed),
            # Measures of added and removed risks count too: the change in the register's measures.
            "measures_added": sum(len(c.measures.added) for c in self.risks_changed if c.measures)
            + sum(e.measures for e in self.risks_added),
            "measures_removed": sum(len(c.measures.removed) for c in self.risks_changed if c.measures)
            + sum(e.measures for e in self.risks_removed),
            "people_joined": len(self.people_joined),
            "people_left": len(self.people_left),
            "people_moved": len(self.people_moved),
        }

    def failures(self, conditions: Iterable[str]) -> list[str]:
        """Which ``--fail-on`` conditions the diff meets."""
        present = {
            "removed": bool(self.risks_removed),
            "lowered": any(c.lowered for c in self.risks_changed),
            "high-removed": any(e.grade == "高" for e in self.risks_removed),
        }
        return [c for c in conditions if present[c]]

    def department_ids(self) -> list[str]:
        """Every department with a change, in id order."""
        found = {entry.department for name in _LISTS for entry in getattr(self, name)}
        return sorted(found)

    def to_json(self) -> dict:
        def ids(items: list) -> list[str]:
            return [i.id for i in items]

        document: dict[str, Any] = {
            "version": 1,
            "from": {"rev": self.from_rev.rev, "commit": self.from_rev.commit},
            "to": {"rev": self.to_rev.rev, "commit": self.to_rev.commit},
            "summary": self.summary(),
            "risks": {
                "added": [e.to_json() for e in self.risks_added],
                "removed": [e.to_json() for e in self.risks_removed],
                "renamed": [{"from": r.old, "to": r.new} for r in self.risks_renamed],
                "changed": [c.to_json() for c in self.risks_changed],
            },
            "people": {"joined": ids(self.people_joined), "left": ids(self.people_left),
                       "moved": [{"id": m.id, "from": m.old_post, "to": m.new_post} for m in self.people_moved]},
            "posts": {"added": ids(self.posts_added), "removed": ids(self.posts_removed)},
            "powers": {"added": ids(self.powers_added), "removed": ids(self.powers_removed)},
            "processes": {"added": ids(self.processes_added), "removed": ids(self.processes_removed)},
            "warnings": {"opened": ids(self.warnings_opened), "closed": ids(self.warnings_closed)},
        }
        # 1.1: `changed` only when something changed, so a version-1 register's JSON is as it always was
        for key, changed in (("powers", self.powers_changed), ("warnings", self.warnings_changed)):
            if changed:
                document[key]["changed"] = [c.to_json() for c in changed]
        return document


_LISTS = ("risks_added", "risks_removed", "risks_renamed", "risks_changed", "people_joined", "people_left",
          "people_moved", "posts_added", "posts_removed", "powers_added", "powers_removed", "processes_added",
          "processes_removed", "warnings_opened", "warnings_closed", "powers_changed", "warnings_changed")


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


# --- comparing two registers ------------------------------------------------------------------------------------


EMPTY_ORG = Org(id="", name="", head=None, inspection=None, year=0, grading=Grading("matrix"), monitoring={},
                policy=Policy(), display_grade="word", lint_disable=(), lint_severity={})


def empty_register(root: Path | None = None) -> Register:
    """A register with nothing in it: the side of a diff where the register does not exist yet."""
    return Register(root or Path("."), EMPTY_ORG, ())


def direction_of(old: str, new: str) -> str | None:
    if GRADE_RANK[new] > GRADE_RANK[old]:
        return "raised"
    if GRADE_RANK[new] < GRADE_RANK[old]:
        return "lowered"
    return None


def _risk_fields(risk: Risk) -> tuple:
    """Everything written about a risk but its id, grades canonical."""
    measures = tuple((m.id, m.text, m.stage, m.kind, m.owner, m.due, m.status) for m in risk.measures)
    return (risk.department, risk.title, risk.description, risk.type, risk.process, risk.step, risk.posts,
            risk.likelihood, risk.impact, tuple(sorted(risk.factors.items())), risk.declared, risk.reviewed,
            measures, risk.parties, risk.applies_to, risk.residual)


def _risk_content(risk: Risk, grade: RiskGrade) -> tuple:
    """A risk's content for finding renames: an absent declared grade counts as the computed one."""
    return (*_risk_fields(risk), grade.declared)


def _diff_measures(old: Risk, new: Risk) -> MeasuresChange | None:
    before = {m.id: m for m in old.measures}
    after = {m.id: m for m in new.measures}
    added = tuple(m.id for m in new.measures if m.id not in before)
    removed = tuple(m.id for m in old.measures if m.id not in after)
    changed = []
    for m in new.measures:
        if m.id in before:
            o = before[m.id]
            changes = tuple(FieldChange(f, getattr(o, f), getattr(m, f)) for f in MEASURE_FIELDS
                            if getattr(o, f) != getattr(m, f))
            if changes:
                changed.append(MeasureChange(m.id, changes))
    if added or removed or changed:
        return MeasuresChange(added, removed, tuple(changed))
    return None


def _diff_risk(old: Risk, new: Risk, old_grade: RiskGrade, new_grade: RiskGrade) -> RiskChange | None:
    changes = [FieldChange(f, getattr(old, f), getattr(new, f)) for f in RISK_FIELDS
               if getattr(old, f) != getattr(new, f)]
    # Grades compare canonically: ★★ → 中 is no change. `grade` is the declared grade (the computed one when
    # none is written), `computed_grade` the policy's.
    for name, before, after in (("grade", old_grade.declared, new_grade.declared),
                                ("computed_grade", old_grade.computed, new_grade.computed)):
        if before != after:
            changes.append(FieldChange(name, before, after, direction_of(before, after)))
    if old_grade.residual != new_grade.residual:  # 1.1: 剩余等级; no direction: it raises or lowers no grade
        changes.append(FieldChange("residual_grade", old_grade.residual, new_grade.residual))
    measures = _diff_measures(old, new)
    if not changes and measures is None:
        return None
    return RiskChange(new.id, new.department, new.title, tuple(changes), measures)


def _warning_value(warning: WarningRecord, name: str):
    if name.startswith("rectification_"):
        fix = warning.rectification
        return getattr(fix, name.removeprefix("rectification_")) if fix is not None else None
    return getattr(warning, name)


def _diff_fields(old: dict[str, Power] | dict[str, WarningRecord], new: dict, fields: tuple[str, ...],
                 value=getattr, name_of=lambda x: x.name) -> list[ItemChange]:
    """Each item at both sides whose ``fields`` differ, with its changes."""
    changed = []
    for key, after in new.items():
        before = old.get(key)
        if before is None:
            continue
        changes = tuple(FieldChange(f, value(before, f), value(after, f)) for f in fields
                        if value(before, f) != value(after, f))
        if changes:
            changed.append(ItemChange(key, after.department, name_of(after), changes))
    return _by_department(changed)


def _by_department(items: Iterable) -> list:
    return sorted(items, key=lambda i: (i.department, i.id))


def _diff_items(old: dict, new: dict, name_of=lambda x: x.name) -> tuple[list[Item], list[Item]]:
    added = [Item(k, v.department, name_of(v)) for k, v in new.items() if k not in old]
    removed = [Item(k, v.department, name_of(v)) for k, v in old.items() if k not in new]
    return _by_department(added), _by_department(removed)


def _renames(added: dict[str, Risk], removed: dict[str, Risk], added_grades: dict[str, RiskGrade],
             removed_grades: dict[str, RiskGrade]) -> list[Renamed]:
    """A removed risk and an added one with identical content are one risk renamed: taken out of both."""
    renamed = []
    unclaimed: dict[tuple, list[str]] = {}
    for k in sorted(added):
        unclaimed.setdefault(_risk_content(added[k], added_grades[k]), []).append(k)
    for k in sorted(removed):
        candidates = unclaimed.get(_risk_content(removed[k], removed_grades[k]))
        if candidates:
            new_id = candidates.pop(0)
            risk = added.pop(new_id)
            del removed[k]
            renamed.append(Renamed(k, new_id, risk.department, risk.title))
    return sorted(renamed, key=lambda r: (r.department, r.old))


def _changed_risks(old: Register, new: Register, old_grader: Grader, new_grader: Grader) -> list[RiskChange]:
    changed = []
    same_policy = old.org.grading == new.org.grading
    for k, after in new.risks.items():
        before = old.risks.get(k)
        if before is None:
            continue
        # Grading is the costly part: a risk equal in itself and in the powers it is tied to cannot differ.
        if (same_policy and _risk_fields(before) == _risk_fields(after)
                and old_grader.powers_of(before) == new_grader.powers_of(after)):
            continue
        change = _diff_risk(before, after, old_grader.grade(before), new_grader.grade(after))
        if change is not None:
            changed.append(change)
    return _by_department(changed)


def diff_registers(old: Register, new: Register, *, from_rev: RevisionRef | None = None,
                   to_rev: RevisionRef | None = None) -> RegisterDiff:
    """What changed from ``old`` to ``new``, in the practice's terms."""
    old_grader, new_grader = Grader(old), Grader(new)
    result = RegisterDiff(from_rev=from_rev or RevisionRef(), to_rev=to_rev or RevisionRef())
    result.departments = {d.id: d.name for d in (*old.departments, *new.departments)}  # new names win

    added = {k: r for k, r in new.risks.items() if k not in old.risks}
    removed = {k: r for k, r in old.risks.items() if k not in new.risks}
    added_grades = {k: new_grader.grade(r) for k, r in added.items()}
    removed_grades = {k: old_grader.grade(r) for k, r in removed.items()}

    result.risks_renamed = _renames(added, removed, added_grades, removed_grades)
    result.risks_added = _by_department(
        RiskEntry(k, r.department, r.title, added_grades[k].effective, len(r.measures)) for k, r in added.items())
    result.risks_removed = _by_department(
        RiskEntry(k, r.department, r.title, removed_grades[k].effective, len(r.measures)) for k, r in removed.items())
    result.risks_changed = _changed_risks(old, new, old_grader, new_grader)

    result.people_joined, result.people_left = _diff_items(old.people, new.people)
    result.people_moved = _by_department(
        PersonMove(k, p.department, p.name, old.people[k].post, p.post)
        for k, p in new.people.items() if k in old.people and old.people[k].post != p.post)
    result.posts_added, result.posts_removed = _diff_items(old.posts, new.posts)
    result.powers_added, result.powers_removed = _diff_items(old.powers, new.powers)
    result.processes_added, result.processes_removed = _diff_items(old.processes, new.processes)
    result.warnings_opened = _diff_items(old.warnings, new.warnings, lambda w: w.finding or w.level)[0]
    result.warnings_closed = _by_department(
        Item(k, w.department, w.finding or w.level) for k, w in new.warnings.items()
        if w.closed is not None and (k not in old.warnings or old.warnings[k].closed is None))
    result.powers_changed = _diff_fields(old.powers, new.powers, POWER_FIELDS)
    result.warnings_changed = _diff_fields(old.warnings, new.warnings, WARNING_FIELDS, _warning_value,
                                           lambda w: w.finding or w.level)
    return result
