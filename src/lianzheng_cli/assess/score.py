"""考核: the yearly score of each department and of the unit, item by item, with the evidence of each item.

Each indicator counts objects of the scope (a department's, or the whole register's) and the ones that meet it;
the item scores ``points × met / counted``, rounded to one decimal, or all its points when there is nothing to
count. ``lint_errors`` takes ``deduction`` off per error-level finding instead. A manual item scores what the
assessment group entered for the register's year (``assessments.yaml``), 0 until it is entered. The total is the
sum of the item scores (scaled to 100 when the points do not add up to 100). docs/assess.md has every formula.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from lianzheng_cli.assess.standard import BAND_KEYS, band, exact, one_decimal, standard_of
from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.i18n import messages
from lianzheng_cli.model.cycle import AssessmentItem, ManualScore
from lianzheng_cli.model.grading import Grader, grade_register
from lianzheng_cli.model.records import DONE, Person, Register, Risk

tr = messages({
    "assess.unknown_item": {
        "zh": "评分项 `{item}` 不在评分标准中（人工评分项：{items}）",
        "en": "item `{item}` is not in the assessment standard (manual items: {items})",
    },
    "assess.not_manual": {
        "zh": "评分项 `{item}` 由登记簿计算（{indicator}），不能人工评分",
        "en": "item `{item}` is computed from the register ({indicator}); it cannot be scored by hand",
    },
    "assess.too_high": {
        "zh": "评分项 `{item}` 的得分 {score} 超过该项分值 {points}",
        "en": "item `{item}` scores {score}, more than its {points} points",
    },
})

MIDTERM = "中期监控"
HIGH = "高"


@dataclass
class ItemScore:
    """One item's score for one scope, with what it counted."""

    item: AssessmentItem
    score: float
    counted: int | None = None  # objects the indicator counted (None for a manual item)
    met: int | None = None  # of those, the ones that meet it (lint_errors: the errors)
    met_ids: list[str] = field(default_factory=list)  # evidence: ids that meet it
    unmet_ids: list[str] = field(default_factory=list)  # evidence: ids that do not (lint_errors: the findings)
    entered: bool | None = None  # manual: whether a score was entered
    by: str | None = None
    note: str | None = None

    @property
    def value(self) -> float | None:
        """The indicator's share (0..1), or the number of errors for lint_errors; None for a manual item."""
        if self.item.indicator == "lint_errors":
            return float(self.met or 0)
        if self.counted is None:
            return None
        return 1.0 if not self.counted else round((self.met or 0) / self.counted, 4)


@dataclass
class Score:
    """The yearly score of a department (``department`` its id) or of the unit (``department`` None)."""

    department: str | None
    name: str
    items: list[ItemScore]
    total: float

    @property
    def band(self) -> str:
        return band(self.total)

    @property
    def band_key(self) -> str:
        return BAND_KEYS[self.band]


@dataclass
class Assessment:
    year: int
    as_of: date
    standard: tuple[AssessmentItem, ...]
    source: str  # org.yaml | default
    unit: Score
    departments: list[Score]
    problems: list[Diagnostic]  # errors in assessments.yaml (an unknown item, a score above its points)


@dataclass
class _Scope:
    department: str | None
    name: str
    powers: list[str]
    risks: list[Risk]
    people: list[Person]
    warnings: list
    files: set[str] | None  # the files whose lint errors count (None: every file)


def assess(register: Register, *, as_of: date, lint_findings: Iterable[Diagnostic] = ()) -> Assessment:
    """Score the unit and each department of ``register`` as of ``as_of``; ``lint_findings`` are the register's
    findings (validation and lint), of which the errors count for ``lint_errors``."""
    standard, source = standard_of(register)
    year = register.org.year
    errors = [d for d in lint_findings if d.severity is Severity.ERROR]
    context = _Context(register, as_of, errors)
    manual, problems = _manual_scores(register, standard, year)
    unit = _score(context, _Scope(None, register.org.name, list(register.powers), list(register.risks.values()),
                                  list(register.people.values()), list(register.warnings.values()), None),
                  standard, manual)
    departments = [_score(context, _Scope(d.id, d.name, [p.id for p in d.powers], list(d.risks), list(d.people),
                                          list(d.warnings), {d.file}), standard, manual)
                   for d in register.departments]
    return Assessment(year, as_of, standard, source, unit, departments, problems)


class _Context:
    """What the indicators read, computed once for every scope."""

    def __init__(self, register: Register, as_of: date, errors: list[Diagnostic]):
        self.register = register
        self.as_of = as_of
        self.year = register.org.year
        self.errors = errors
        self.grades = grade_register(register)
        grader = Grader.of(register)
        self.covered = {power.id for risk in register.risks.values() for power in grader.powers_of(risk)}
        self.limit = register.org.policy.warning_close_days


def _score(context: _Context, scope: _Scope, standard: tuple[AssessmentItem, ...],
           manual: dict[tuple[str | None, str], ManualScore]) -> Score:
    items = []
    for item in standard:
        if item.manual:
            entry = manual.get((scope.department, item.id))
            items.append(ItemScore(item, entry.score if entry else 0.0, entered=entry is not None,
                                   by=entry.by if entry else None, note=entry.note if entry else None))
        else:
            items.append(INDICATORS[item.indicator or ""](context, scope, item))
    earned = sum((exact(i.score) for i in items), Fraction(0))
    points = sum((exact(i.points) for i in standard), Fraction(0))
    total = earned if points == 100 or not points else earned * 100 / points
    return Score(scope.department, scope.name, items, one_decimal(total))


def _share(item: AssessmentItem, met: list[str], unmet: list[str]) -> ItemScore:
    counted = len(met) + len(unmet)
    earned = exact(item.points) if not counted else exact(item.points) * len(met) / counted
    return ItemScore(item, one_decimal(earned), counted, len(met), met, unmet)


def _split(objects: Iterable, meets: Callable, ident: Callable = lambda o: o.id) -> tuple[list[str], list[str]]:
    met: list[str] = []
    unmet: list[str] = []
    for obj in objects:
        (met if meets(obj) else unmet).append(ident(obj))
    return met, unmet


def risk_coverage(context: _Context, scope: _Scope, item: AssessmentItem) -> ItemScore:
    """Powers tied to at least one risk point (through its process or its posts) / powers."""
    return _share(item, *_split(scope.powers, lambda p: p in context.covered, lambda p: p))


def high_monitoring(context: _Context, scope: _Scope, item: AssessmentItem) -> ItemScore:
    """高 risks (effective grade) with a 中期监控 measure / 高 risks."""
    high = [r for r in scope.risks if context.grades[r.id].effective == HIGH]
    return _share(item, *_split(high, lambda r: any(m.stage == MIDTERM for m in r.measures)))


def measures_on_time(context: _Context, scope: _Scope, item: AssessmentItem) -> ItemScore:
    """Measures due on or before the as-of date that are 已落实 / measures due on or before it."""
    due = [(r, m) for r in scope.risks for m in r.measures if m.due is not None and m.due <= context.as_of]
    return _share(item, *_split(due, lambda rm: rm[1].status == DONE, lambda rm: f"{rm[0].id}/{rm[1].id}"))


def warnings_closed(context: _Context, scope: _Scope, item: AssessmentItem) -> ItemScore:
    """Warnings closed within warning_close_days / warnings issued by the as-of date that are closed by it or whose
    time limit has run out (an open warning still within its limit is not counted yet)."""
    day, limit = context.as_of, context.limit
    judged = [w for w in scope.warnings if w.date <= day
              and ((w.closed is not None and w.closed <= day) or w.days_open(day) > limit)]
    return _share(item, *_split(judged, lambda w: w.closed is not None and w.closed <= day
                                and (w.closed - w.date).days <= limit))


def _in_year(context: _Context, day: date | None) -> bool:
    return day is not None and day.year == context.year and day <= context.as_of


def people_briefed(context: _Context, scope: _Scope, item: AssessmentItem) -> ItemScore:
    """People briefed (交底) on the risks of the post they hold: on or after taking it, by the as-of date / people.

    A briefing is owed once per post (the practice, and LZ302), not once a year as a pledge is."""
    return _share(item, *_split(scope.people,
                                lambda p: p.briefed is not None and p.since <= p.briefed <= context.as_of))


def people_pledged(context: _Context, scope: _Scope, item: AssessmentItem) -> ItemScore:
    """People who pledged (承诺) in the register's year, by the as-of date / people."""
    return _share(item, *_split(scope.people, lambda p: _in_year(context, p.pledged)))


def lint_errors(context: _Context, scope: _Scope, item: AssessmentItem) -> ItemScore:
    """points − deduction × error-level findings in the scope's files, not below 0."""
    found = [d for d in context.errors if scope.files is None or d.file in scope.files]
    earned = max(Fraction(0), exact(item.points) - exact(item.deduction) * len(found))
    shown = [f"{d.code} {d.file}:{d.line}:{d.column}" + (f" {d.subject}" if d.subject else "") for d in found]
    return ItemScore(item, one_decimal(earned), None, len(found), [], shown)


INDICATORS: dict[str, Callable[[_Context, _Scope, AssessmentItem], ItemScore]] = {
    "risk_coverage": risk_coverage, "high_monitoring": high_monitoring, "measures_on_time": measures_on_time,
    "warnings_closed": warnings_closed, "people_briefed": people_briefed, "people_pledged": people_pledged,
    "lint_errors": lint_errors,
}


def _manual_scores(register: Register, standard: tuple[AssessmentItem, ...],
                   year: int) -> tuple[dict[tuple[str | None, str], ManualScore], list[Diagnostic]]:
    """The entered scores of the register's year by (department, item); the last entry counts. Entries naming no
    manual item of the standard, or scoring above its points, are errors."""
    items = {i.id: i for i in standard}
    manual_ids = [i.id for i in standard if i.manual]
    scores: dict[tuple[str | None, str], ManualScore] = {}
    problems = []
    for entry in register.assessment_scores:
        item = items.get(entry.item)
        if item is None:  # a reference that names nothing, an item used otherwise, a number out of range
            code, message = "LZ021", tr("assess.unknown_item", item=entry.item, items="、".join(manual_ids) or "—")
        elif not item.manual:
            code, message = "LZ019", tr("assess.not_manual", item=entry.item, indicator=item.indicator)
        elif exact(entry.score) > exact(item.points):
            code, message = "LZ016", tr("assess.too_high", item=entry.item, score=f"{entry.score:g}",
                                        points=f"{item.points:g}")
        else:
            if entry.year == year:
                scores[(entry.department, entry.item)] = entry
            continue
        line, column = register.item_positions.get(entry.at.file, {}).get(entry.at.path, (1, 1))
        problems.append(Diagnostic(code, Severity.ERROR, entry.at.file, line, column, message, entry.item))
    return scores, problems
