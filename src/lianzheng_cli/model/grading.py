"""风险等级评定: computed and effective grades, and who monitors each risk.

The computed grade is the higher of the grading method's result (matrix:
likelihood × impact; factors: weighted mean of factor scores) and every floor
that applies through a power of the risk's process or of its posts. The
effective grade, used by every rule and output, is the higher of the declared
and the computed grade.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from functools import cached_property

from lianzheng_cli.model.records import Power, Register, Risk
from lianzheng_cli.vocab import higher

HEAD, INSPECTION, SUPERVISOR, LEADER = "单位主要负责人", "纪检监察机构", "分管领导", "部门负责人"
LEADERSHIP, PARTY = "领导班子", "党组织"  # 1.1: roles held by the people of a department (or several)
LEADERSHIP_KIND = "领导班子"  # the department kind whose people are the 领导班子


@dataclass(frozen=True)
class Inputs:
    """Top-level keys of the org file and of department files that grading reads, besides the risks it grades."""

    org: frozenset[str]
    department: frozenset[str]


# What grading reads, declared so that a loader providing part of a register (lz diff, for files that did not
# change) provides all of it; tests hold the grader to it. A grade reads the org's method and floors and,
# through a risk's process and posts, the posts and powers of any department; who monitors a risk reads the
# org's head, inspection and party departments, its monitoring roles, and departments' leaders, kinds and people
# (the 领导班子 role is the people of every department of that kind). The org's vocabulary is read with both: its
# aliases decide what a category or a role written in another spelling is.
GRADE_INPUTS = Inputs(org=frozenset({"grading", "vocabulary"}), department=frozenset({"posts", "powers"}))
MONITOR_INPUTS = Inputs(org=frozenset({"org", "monitoring", "vocabulary"}),
                        department=frozenset({"leader", "supervisor", "kind", "people"}))


@dataclass(frozen=True, slots=True)
class Monitor:
    role: str  # a monitoring role (分级监控)
    person: str | None  # person id; None when the role is unfilled
    as_written: bool = False  # a role the register added (vocabulary): shown as written, never resolved to people


@dataclass(frozen=True, slots=True)
class RiskGrade:
    risk: str
    score: float  # likelihood × impact, or the weighted factor mean (cut to 0.01 for display)
    method_grade: str
    floors: tuple[str, ...]  # labels of the floors that apply (行政审批, 三重一大 …)
    computed: str
    declared: str  # as declared, canonical; the computed grade when none is written
    effective: str
    monitors: tuple[Monitor, ...]
    residual: str | None = None  # 剩余等级: the method's grade of the residual scores (no floors); None if not given

    @property
    def mismatch(self) -> bool:
        return self.declared != self.computed


def matrix_grade(score: float | Fraction, high: float | Fraction, medium: float | Fraction) -> str:
    """高 at or above ``high``, 中 at or above ``medium``, else 低 (both methods use it)."""
    return "高" if score >= high else "中" if score >= medium else "低"


class Grader:
    """Grades every risk of one register; indexes are built once."""

    def __init__(self, register: Register):
        self.register = register
        self.grading = register.org.grading
        self._floor_cache: dict[str, tuple[tuple[int, str], ...]] = {}
        self._monitor_cache: dict[tuple[str, str], tuple[Monitor, ...]] = {}
        self._through_cache: dict[tuple[str | None, tuple[str, ...]], tuple[str | None, tuple[str, ...]]] = {}

    @classmethod
    def of(cls, register: Register) -> Grader:
        """The register's grader, made once: a register is not changed after it is built."""
        grader = register.__dict__.get("_grader")
        if grader is None:
            grader = register.__dict__["_grader"] = cls(register)
        return grader

    @cached_property
    def _powers_by_process(self) -> dict[str, list[Power]]:
        index: dict[str, list[Power]] = {}
        for power in self.register.powers.values():
            if power.process:
                index.setdefault(power.process, []).append(power)
        return index

    @cached_property
    def _powers_by_post(self) -> dict[str, tuple[Power, ...]]:
        powers = self.register.powers
        return {post.id: tuple(powers[p] for p in post.powers if p in powers) for post in self.register.posts.values()}

    def powers_of(self, risk: Risk) -> list[Power]:
        """The powers a risk is tied to: through its process and through its posts."""
        powers = list(self._powers_by_process.get(risk.process, ())) if risk.process else []
        by_post = self._powers_by_post
        for post_id in risk.posts:
            powers.extend(by_post.get(post_id, ()))
        return powers

    def _floors_of(self, power: Power) -> tuple[tuple[int, str], ...]:
        """(index, label) of every floor the power matches; a county has 74,000 risks but few powers each."""
        hits = self._floor_cache.get(power.id)
        if hits is None:
            hits = self._floor_cache[power.id] = tuple(
                (i, _floor_label(floor.when, power)) for i, floor in enumerate(self.grading.floors)
                if floor.matches(power))
        return hits

    def score(self, risk: Risk) -> float:
        """The method's score as shown: likelihood × impact, or the factor mean cut to 0.01.

        Cut, not rounded: a mean of 3.7951 shows 3.79, never 3.80 beside the 中 it is graded.
        """
        if self.grading.method == "factors":
            mean = factor_mean(risk.factors, self.grading.weights)
            shown = Decimal(mean.numerator) / Decimal(mean.denominator)
            return float(shown.quantize(Decimal("0.01"), rounding=ROUND_FLOOR))
        return risk.likelihood * risk.impact

    def method_grade(self, risk: Risk) -> str:
        """The grade the method gives, compared unrounded (a mean of 3.795 is below a threshold of 3.8)."""
        return self._method_grade(risk.likelihood, risk.impact, risk.factors)

    def _method_grade(self, likelihood: int, impact: int, factors: dict[str, int]) -> str:
        g = self.grading
        if g.method == "factors":
            mean = factor_mean(factors, g.weights)
            return matrix_grade(mean, _exact(g.factors_high), _exact(g.factors_medium))
        return matrix_grade(likelihood * impact, g.matrix_high, g.matrix_medium)

    def residual_grade(self, risk: Risk) -> str | None:
        """剩余等级: the method applied to the residual scores, without floors (None when none is given).

        The factors method takes the risk's factors with likelihood and harm as the residual scores say.
        """
        if risk.residual is None:
            return None
        likelihood, impact = risk.residual
        factors = {**risk.factors, "likelihood": likelihood, "harm": impact}
        return self._method_grade(likelihood, impact, factors)

    def grade(self, risk: Risk) -> RiskGrade:
        method_grade = self.method_grade(risk)
        floor, labels = self._floors_through(risk)
        computed = higher(method_grade, floor)
        declared = risk.declared or computed
        effective = higher(declared, computed) or computed
        return RiskGrade(risk.id, self.score(risk), method_grade, labels, computed, declared, effective,
                         self.monitors(risk, effective), self.residual_grade(risk))

    def _floors_through(self, risk: Risk) -> tuple[str | None, tuple[str, ...]]:
        """The highest floor that applies to the risk (None if none does) and the labels of every floor that
        applies, floor by floor, each in the order of the risk's powers. The same for every risk of one process
        and posts: computed once for them (a county's 74,000 risks have far fewer)."""
        key = (risk.process, risk.posts)
        found = self._through_cache.get(key)
        if found is None:
            floors = self.grading.floors
            hits = sorted((i, n, label) for n, power in enumerate(self.powers_of(risk))
                          for i, label in self._floors_of(power))
            highest: str | None = None
            labels: list[str] = []
            for i, _, label in hits:
                highest = higher(highest, floors[i].grade)
                if label not in labels:
                    labels.append(label)
            found = self._through_cache[key] = (highest, tuple(labels))
        return found

    def monitors(self, risk: Risk, grade: str) -> tuple[Monitor, ...]:
        """分级监控: the roles the grade needs, resolved to people (the same for a department's risks of a grade)."""
        key = (risk.department, grade)
        found = self._monitor_cache.get(key)
        if found is None:
            found = self._monitor_cache[key] = self._resolve_monitors(risk.department, grade)
        return found

    def _resolve_monitors(self, department: str, grade: str) -> tuple[Monitor, ...]:
        org = self.register.org
        dept = self.register.by_department.get(department)
        inspection = self.register.by_department.get(org.inspection) if org.inspection else None
        people = {
            HEAD: org.head,
            INSPECTION: inspection.leader if inspection else None,
            SUPERVISOR: dept.supervisor if dept else None,
            LEADER: dept.leader if dept else None,
        }
        added = org.vocabulary.added_words("monitoring_role")
        found: list[Monitor] = []
        for role in org.monitoring.get(grade, ()):
            if role in added:
                found.append(Monitor(role, None, as_written=True))
            elif role in (LEADERSHIP, PARTY):
                found += [Monitor(role, p) for p in self.group_of(role)] or [Monitor(role, None)]
            else:
                found.append(Monitor(role, people.get(role)))
        return tuple(found)

    def group_of(self, role: str) -> tuple[str, ...]:
        """The people a group role stands for: 领导班子, every department of that kind's; 党组织, ``org.party``'s
        (the 领导班子 when the register names no party department)."""
        departments = self.register.departments
        party = self.register.org.party
        if role == PARTY and party:
            departments = tuple(d for d in departments if d.id == party)
        else:
            departments = tuple(d for d in departments if d.kind == LEADERSHIP_KIND)
        return tuple(p.id for d in departments for p in d.people)

    @cached_property
    def grades(self) -> dict[str, RiskGrade]:
        return {risk.id: self.grade(risk) for risk in self.register.risks.values()}


def _exact(number: float | int) -> Fraction:
    # Through str: 0.15 as written in org.yaml, not the binary float nearest to it.
    return Fraction(str(number))


def factor_mean(factors: dict[str, int], weights: dict[str, float]) -> Fraction:
    """因素加权法: the weighted mean of the factor scores, exact (no float rounding at a threshold).

    A factor the risk does not score is left out and the other weights carry
    the mean (the contract lets a risk omit factors); no scored factor → 0.
    """
    used = [k for k in weights if k in factors]
    total = sum((_exact(weights[k]) for k in used), Fraction(0))
    if not total:
        return Fraction(0)
    return sum((_exact(weights[k]) * factors[k] for k in used), Fraction(0)) / total


def _floor_label(when: dict, power: Power) -> str:
    """What made a floor apply, as the user reads it: 三重一大, the power's category or scope."""
    parts = []
    for key in ("sanzhong_yida", "category", "scope"):
        if key not in when:
            continue
        if key == "sanzhong_yida":
            parts.append("三重一大" if power.sanzhong_yida else "非三重一大")
        else:
            parts.append(getattr(power, key))
    return "/".join(parts) or "/".join(f"{k}={v}" for k, v in when.items())


def grade_register(register: Register) -> dict[str, RiskGrade]:
    """Every risk's grade, by risk id; computed once per register (lint, report and workbook share it)."""
    return Grader.of(register).grades
