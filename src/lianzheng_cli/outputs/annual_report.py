"""廉政风险防控年度报告: the yearly Markdown report, rendered from Jinja2 templates.

:func:`build_report_context` turns a validated register (with its lint
findings and, optionally, a diff since a revision) into plain data;
:func:`render_report` renders it with the templates in ``templates/report/``
(or a user's folder, see ``templating``). The report is a document the
organization files, so its text is Chinese whatever ``--lang`` says; only the
command's own messages follow ``--lang``.

The context, as templates see it (every value a dict, list, string or number; the lists of risks, of
processes and of a risk's measures and monitors are :class:`Records`, read like lists, whose records are made
as the template reads them):

- ``title``, ``org`` {id, name, year}, ``as_of`` (YYYY-MM-DD), ``display_grade``, ``grades`` [高, 中, 低],
  ``policy`` {rotation_years, briefing_days, warning_close_days, review_months}
- ``overview``: counts (departments, people, posts, powers, powers_external, powers_sanzhong_yida, processes,
  steps, risks, risks_by_grade {高: n …}, measures, measures_by_stage, measures_by_status, warnings,
  warnings_open, measures_overdue)
- ``grade_distribution``: {rows: [{id, name, counts {高: n …}, total}], totals: {counts, total}}
- ``departments``: [{id, name, kind, leader, supervisor, risks: [risk]}]
- ``high_risks``: [risk] (effective grade 高)
- ``overdue_measures``: [{risk, risk_title, department, id, text, owner, due, status, days}]
- ``open_warnings``: [{id, risk, risk_title, department, date, level, source, finding, action, days, overdue}]
- ``processes``: [{id, name, department, time_limit, steps: [{id, name, post, time_limit, grade, risks}],
  unplaced_risks: [{id, grade}], mermaid}]
- ``power_list`` (1.1): [] unless some power gives a fuller 职权目录 field; else every power {id, name, department,
  category, scope, sanzhong_yida, holders [names], content, subject, conditions, procedure, time_limit,
  accountability, supervision, disclosure} and ``power_fields`` [{key, title}] of the fields some power gives
- ``warning_list`` (1.1): [] unless some warning names a person, a notice or a rectification; else every warning
  {id, date, department, risk, risk_title, level, source, finding, action, closed, person, notice, requirement,
  due, result, done}
- ``lint``: None or {total, by_severity {error, warning, info}, rules: [{code, severity, severity_text,
  summary, count}]}
- ``changes``: None or {from, to, empty, summary_text, departments: [{id, name, entries: [{text, details}]}]}
- ``approval``: None or the approval line, ``审核：局党组会 2025-03-01（局党组会〔2025〕3号）`` (approvals.yaml)
- ``assessment``: None or the yearly assessment (``outputs.assess.assessment_context``): {year, as_of, source,
  standard [{id, name, points}], unit and departments [{id, name, score, band, scores [{id, name, points, score,
  evidence, unmet [ids]}]}], shortfalls [{department, item, ids}]}

A risk is {id, title, description, type, department, department_name, process, process_name, step,
step_name, posts [names], parties [names], applies_to (岗位/部门/单位), common, subjects (涉及对象 as one text),
grade (effective, 高/中/低), declared, computed, residual (剩余等级, or ''), measures [{id, text, stage, kind,
owner, owner_name, due, status}] (stage and owner may be ''), measures_text, monitors [{role, person, name,
as_written}], monitors_text}.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, overload

from lianzheng_cli.diagnostics import Diagnostic
from lianzheng_cli.fileio import open_atomically, safe_file_part
from lianzheng_cli.i18n import set_language
from lianzheng_cli.model.grading import Monitor, RiskGrade, grade_register
from lianzheng_cli.model.order import ordered_risks, risk_order
from lianzheng_cli.model.records import (
    POWER_TEXTS,
    Department,
    Measure,
    Person,
    Process,
    Register,
    Risk,
    WarningRecord,
)
from lianzheng_cli.outputs.approval import approval_line
from lianzheng_cli.outputs.assess import assessment_context
from lianzheng_cli.outputs.paths import department_file_names
from lianzheng_cli.outputs.templating import grade_text, stream_template
from lianzheng_cli.vocab import ENUMS, GRADE_RANK, GRADES

REPORT_NAME = "廉政风险防控年度报告"
WRITE_BATCH = 4096  # rendered pieces (most a few characters) joined into one chunk, one write
MAIN_TEMPLATE = "report.md.j2"
VACANT = "（空缺）"
SEVERITY_TEXT = {"error": "错误", "warning": "警告", "info": "提示"}

# 1.1: what a common risk point's 涉及对象 says, and the fuller 职权目录's columns
COMMON_SUBJECTS = {"部门": "本部门各岗位（共性）", "单位": "全单位各岗位（共性）"}
POWER_TITLES = {"content": "职权内容", "subject": "行使主体", "conditions": "条件", "procedure": "程序",
                "time_limit": "时限", "accountability": "追责情形", "supervision": "监督方式", "disclosure": "公开形式"}

# Mermaid: one class per grade (高 red, 中 orange, 低 yellow), dark text so labels read in light and dark themes.
GRADE_CLASSES = {"高": "riskHigh", "中": "riskMedium", "低": "riskLow"}
CLASS_DEFS = (
    "classDef riskHigh fill:#f8d7da,stroke:#c00000,stroke-width:2px,color:#000",
    "classDef riskMedium fill:#ffe2c2,stroke:#e06c00,stroke-width:2px,color:#000",
    "classDef riskLow fill:#fff5b8,stroke:#b59a00,stroke-width:1px,color:#000",
)
# Inside a quoted Mermaid label these would end the label, end the statement, open HTML or a Markdown
# string, or start an entity; each becomes an entity code (one pass, so codes are never escaped twice).
_MERMAID_ENTITIES = str.maketrans({
    "#": "#35;", '"': "#quot;", "&": "#amp;", "<": "#lt;", ">": "#gt;", ";": "#59;", "`": "#96;", "%": "#37;",
})
_MERMAID_SPECIAL = re.compile('[#"&<>;`%\r\n]')  # what mermaid_label replaces


def build_report_context(register: Register, *, as_of: date, lint_findings: list[Diagnostic] | None = None,
                         changes: Any = None, assessment: Any = None) -> dict:
    """The report's data: plain values only (the sandboxed templates see nothing else).

    ``changes`` is a ``diff.RegisterDiff`` (what changed since a revision) or None; ``assessment`` an
    ``assess.Assessment`` (the yearly score) or None.
    """
    # The report is a Chinese document: its sentences are made in Chinese whatever the command's language.
    def build() -> dict:
        set_language("zh")
        context = _ReportBuilder(register, as_of).context(lint_findings, changes)
        context["approval"] = approval_line(register)
        context["assessment"] = None if assessment is None else assessment_context(assessment)
        return context

    return contextvars.copy_context().run(build)


def department_report_contexts(register: Register, *, as_of: date, lint_findings: list[Diagnostic] | None = None,
                               changes: Any = None, assessment: Any = None) -> Iterator[tuple[Department, dict]]:
    """Each department with its own report's data (``lz report --by-department``), one at a time.

    A department's report is the register's report of that department alone: its risks, processes, grades,
    follow-up, powers and warnings, the lint findings in its file and the changes in it. Grades and orders are
    worked out once for all of them; only one department's data is held at a time.
    """
    context = contextvars.copy_context()
    builder = context.run(_ReportBuilder, register, as_of)
    for dept in register.departments:
        def build(dept: Department = dept) -> dict:
            set_language("zh")
            context = builder.context(lint_findings, changes, department=dept)
            context["approval"] = approval_line(register, dept.id)
            context["assessment"] = None if assessment is None else assessment_context(assessment)
            return context

        yield dept, context.run(build)


def render_report(context: dict, *, template_dir: Path | None = None) -> str:
    """The report as Markdown, ending in one newline; ``templating.TemplateProblem`` when a template fails."""
    return "".join(_report_text(context, template_dir))


def write_report(context: dict, path: Path, *, template_dir: Path | None = None) -> Path:
    """The report as :func:`render_report` gives it, written to ``path`` as it is rendered (never held whole).

    Written atomically: a template that fails halfway leaves no file, nor the folder made for it
    (``templating.TemplateProblem``).
    """
    path = Path(path)
    made_folder = not path.parent.exists()
    try:
        with open_atomically(path) as out:
            for chunk in _report_text(context, template_dir):
                out.write(chunk.encode("utf-8"))
    except BaseException:
        if made_folder:
            with contextlib.suppress(OSError):
                path.parent.rmdir()  # only if nothing else is in it
        raise
    return path


def _report_text(context: dict, template_dir: Path | None) -> Iterator[str]:
    """The rendered template in chunks of ``WRITE_BATCH`` pieces, its trailing newlines made one (as
    ``text.rstrip("\n") + "\n"``). Jinja gives a county's report in millions of pieces, most a few characters:
    each is only put in a list here. A chunk is passed on whole once text follows it (only the last one's
    newlines end the text), so no chunk is copied but the last."""
    last = None  # the last chunk holding text, not passed on yet
    newlines: list[str] = []  # chunks of newlines alone since then
    batch: list[str] = []
    pieces = stream_template("report", MAIN_TEMPLATE, context, user_dir=template_dir)
    while True:
        batch.extend(itertools.islice(pieces, WRITE_BATCH))
        if not batch:
            break
        chunk = "".join(batch)
        batch.clear()
        if chunk.count("\n") == len(chunk):
            newlines.append(chunk)
            continue
        if last is not None:
            yield last
            yield from newlines
        last = chunk
        newlines.clear()
    yield "\n" if last is None else last.rstrip("\n") + "\n"


def report_name(register: Register) -> str:
    """``<组织名>-<年度>-廉政风险防控年度报告.md``."""
    return f"{safe_file_part(register.org.name)}-{register.org.year}-{REPORT_NAME}.md"


def department_report_names(register: Register) -> dict[str, str]:
    """File name of each department's report (``--by-department``); the id joins a name two departments share."""
    return department_file_names(register, REPORT_NAME, ".md")


def default_report_path(register: Register, base: Path | None = None) -> Path:
    """``out/<组织名>-<年度>-廉政风险防控年度报告.md`` under ``base`` (the current folder)."""
    return (base or Path.cwd()) / "out" / report_name(register)






def mermaid_label(text: str) -> str:
    """Text for a quoted Mermaid label (``["…"]``): special characters as entity codes, newlines as ``<br>``."""
    text = str(text)
    if _MERMAID_SPECIAL.search(text) is None:  # most names and every plain id: nothing to replace
        return text.strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return "<br>".join(line.translate(_MERMAID_ENTITIES) for line in text.split("\n"))


def process_flowchart(register: Register, process: Process, grades: dict[str, RiskGrade], *,
                      risks: list[Risk] | None = None) -> str:
    """权力运行流程图 of one process as a Mermaid ``flowchart TD``: steps in order, each with its post and
    time limit; a step carrying risk points lists their ids with their grade and is coloured by the highest.

    ``risks`` are the risks on the process when the caller has them indexed (else they are looked up).
    """
    style = register.org.display_grade
    if risks is None:
        risks = [r for r in register.risks.values() if r.process == process.id]
    at_step: dict[str, list[Risk]] = {}
    for risk in risks:
        if risk.step:
            at_step.setdefault(risk.step, []).append(risk)
    lines = ["flowchart TD"]
    classes: dict[str, list[str]] = {}
    for n, step in enumerate(process.steps, 1):
        node = f"s{n}"
        parts = [mermaid_label(step.name)]
        details = [register.name_of(step.post) if step.post else "", step.time_limit or ""]
        details = [mermaid_label(d) for d in details if d]
        if details:
            parts.append(" · ".join(details))
        here = at_step.get(step.id, [])
        for risk in here:
            parts.append(f"风险点 {mermaid_label(risk.id)} {grade_text(grades[risk.id].effective, style)}")
        lines.append(f'    {node}["{"<br>".join(parts)}"]')
        if here:
            highest = max((grades[r.id].effective for r in here), key=GRADE_RANK.__getitem__)
            classes.setdefault(GRADE_CLASSES[highest], []).append(node)
    for n in range(1, len(process.steps)):
        lines.append(f"    s{n} --> s{n + 1}")
    lines += [f"    {d}" for d in CLASS_DEFS]
    for name in GRADE_CLASSES.values():
        if name in classes:
            lines.append(f"    class {','.join(classes[name])} {name}")
    return "\n".join(lines)


class Records(Sequence[dict]):
    """A list of records as templates read it, each record made from its object when it is read and not kept.

    A county's report has 74,000 risk records of some 2 KB each: made all at once they were 150 MB more at the
    report's peak; made as the template reaches them, only the record being written is alive. Reading one twice
    makes it twice (the same value); ``len`` needs no record.
    """

    __slots__ = ("_items", "_make")

    def __init__(self, items: Sequence[Any], make: Callable[[Any], dict]):
        self._items, self._make = items, make

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> dict: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict]: ...

    def __getitem__(self, index: int | slice) -> dict | list[dict]:
        if isinstance(index, slice):
            return [self._make(item) for item in self._items[index]]
        return self._make(self._items[index])

    def __iter__(self) -> Iterator[dict]:
        return map(self._make, self._items)

    def __repr__(self) -> str:
        return f"Records({len(self)})"


class _ReportBuilder:
    def __init__(self, register: Register, as_of: date):
        self.register = register
        self.org = register.org
        self.as_of = as_of
        self.grades = grade_register(register)
        self.order = risk_order(register)
        self.step_names = step_names(register)
        self.names = Names(register)
        self._findings_by_file: tuple[list[Diagnostic], dict[str, list[Diagnostic]]] | None = None
        self.by_process: dict[str, list[Risk]] = {}
        for risk in register.risks.values():
            if risk.process:
                self.by_process.setdefault(risk.process, []).append(risk)

    def context(self, lint_findings: list[Diagnostic] | None, changes: Any,
                department: Department | None = None) -> dict:
        """The whole register's report, or ``department``'s alone."""
        register, org = self.register, self.org
        scope = (department,) if department is not None else register.departments
        if department is not None:
            lint_findings = None if lint_findings is None else self.findings_in(lint_findings, department.file)
        ordered = [(d, ordered_risks(register, d.risks, order=self.order)) for d in scope]
        departments = [self.department(d, risks) for d, risks in ordered]
        overdue = self.overdue_measures(ordered)
        open_warnings = self.open_warnings(department)
        return {
            "title": f"{org.name}{department.name if department else ''}{org.year}年度廉政风险防控工作报告",
            "org": {"id": org.id, "name": org.name, "year": org.year},
            "as_of": self.as_of.isoformat(),
            "display_grade": org.display_grade,
            "grades": list(GRADES),
            "policy": {"rotation_years": org.policy.rotation_years, "briefing_days": org.policy.briefing_days,
                       "warning_close_days": org.policy.warning_close_days,
                       "review_months": org.policy.review_months},
            "overview": self.overview(department, len(overdue), len(open_warnings)),
            "grade_distribution": self.grade_distribution(scope),
            "departments": departments,
            "high_risks": Records([r for _, risks in ordered for r in risks if self.grades[r.id].effective == "高"],
                                  self.risk),
            "overdue_measures": overdue,
            "open_warnings": open_warnings,
            "processes": Records([p for d in scope for p in d.processes], self.process),
            **self.powers_and_warnings(department),
            "lint": None if lint_findings is None else lint_summary(lint_findings),
            "changes": None if changes is None else changes_summary(changes, department.id if department else None),
        }

    def findings_in(self, findings: list[Diagnostic], file: str) -> list[Diagnostic]:
        """The findings in ``file``: grouped by file once, not searched once for each department."""
        if self._findings_by_file is None or self._findings_by_file[0] is not findings:
            by_file: dict[str, list[Diagnostic]] = {}
            for finding in findings:
                by_file.setdefault(finding.file, []).append(finding)
            self._findings_by_file = (findings, by_file)
        return self._findings_by_file[1].get(file, [])

    def powers_and_warnings(self, department: Department | None) -> dict:
        """1.1: the fuller 职权目录 and 预警处置记录, each listed only when the register says more than version 1."""
        register = self.register
        powers = list(register.powers.values() if department is None else department.powers)
        fields = [f for f in POWER_TEXTS if any(getattr(p, f) for p in powers)]
        holders: dict[str, list[str]] = {}
        for post in register.posts.values():
            for power_id in post.powers:
                holders.setdefault(power_id, []).append(post.name)
        power_list = [{
            "id": p.id, "name": p.name, "department": register.by_department[p.department].name,
            "category": p.category, "scope": p.scope, "sanzhong_yida": p.sanzhong_yida,
            "holders": holders.get(p.id, []), **{f: getattr(p, f) or "" for f in POWER_TEXTS},
        } for p in powers] if fields else []
        warnings = sorted(register.warnings.values() if department is None else department.warnings,
                          key=lambda w: (w.date, w.id))
        fuller = any(w.person or w.notice or w.rectification for w in warnings)
        return {"power_list": power_list, "power_fields": [{"key": f, "title": POWER_TITLES[f]} for f in fields],
                "warning_list": [self.warning(w) for w in warnings] if fuller else []}

    def warning(self, w: WarningRecord) -> dict:
        register = self.register
        risk = register.risks.get(w.risk)
        fix = w.rectification
        return {
            "id": w.id, "date": w.date.isoformat(), "department": register.by_department[w.department].name,
            "risk": w.risk, "risk_title": risk.title if risk else "", "level": w.level, "source": w.source or "",
            "finding": w.finding or "", "action": w.action or "", "closed": w.closed.isoformat() if w.closed else "",
            "person": register.name_of(w.person) if w.person else "", "notice": w.notice or "",
            "requirement": (fix.requirement if fix else None) or "",
            "due": fix.due.isoformat() if fix and fix.due else "", "result": (fix.result if fix else None) or "",
            "done": fix.done.isoformat() if fix and fix.done else "",
        }

    def overview(self, department: Department | None, overdue: int, open_warnings: int) -> dict:
        register = self.register
        if department is None:
            departments, people, posts = len(register.departments), len(register.people), len(register.posts)
            powers, processes = list(register.powers.values()), list(register.processes.values())
            risks, warnings = list(register.risks.values()), len(register.warnings)
        else:
            departments, people, posts = 1, len(department.people), len(department.posts)
            powers, processes = list(department.powers), list(department.processes)
            risks, warnings = list(department.risks), len(department.warnings)
        measures = [m for r in risks for m in r.measures]
        by_grade = Counter(self.grades[r.id].effective for r in risks)
        by_stage = Counter(m.stage for m in measures)
        by_status = Counter(m.status for m in measures)
        return {
            "departments": departments,
            "people": people,
            "posts": posts,
            "powers": len(powers),
            "powers_external": sum(p.scope == "外部" for p in powers),
            "powers_sanzhong_yida": sum(p.sanzhong_yida for p in powers),
            "processes": len(processes),
            "steps": sum(len(p.steps) for p in processes),
            "risks": len(risks),
            "risks_by_grade": {g: by_grade[g] for g in GRADES},
            "measures": len(measures),
            "measures_by_stage": {s: by_stage[s] for s in ENUMS["stage"]},
            "measures_by_status": {s: by_status[s] for s in ENUMS["status"]},
            "warnings": warnings,
            "warnings_open": open_warnings,
            "measures_overdue": overdue,
        }

    def grade_distribution(self, departments: tuple[Department, ...]) -> dict:
        rows = []
        totals: Counter[str] = Counter()
        for dept in departments:
            counts = Counter(self.grades[r.id].effective for r in dept.risks)
            totals.update(counts)
            rows.append({"id": dept.id, "name": dept.name, "counts": {g: counts[g] for g in GRADES},
                         "total": len(dept.risks)})
        return {"rows": rows, "totals": {"counts": {g: totals[g] for g in GRADES}, "total": sum(totals.values())}}

    def department(self, dept: Department, risks: list[Risk]) -> dict:
        """``dept`` with its ``risks`` (in the register's order) as records made when they are read."""
        register = self.register
        return {
            "id": dept.id,
            "name": dept.name,
            "kind": dept.kind,
            "leader": register.name_of(dept.leader),
            "supervisor": register.name_of(dept.supervisor),
            "risks": Records(risks, self.risk),
        }

    def risk(self, risk: Risk) -> dict:
        return risk_record(self.register, risk, self.grades[risk.id], step_names=self.step_names, names=self.names)

    def overdue_measures(self, ordered: list[tuple[Department, list[Risk]]]) -> list[dict]:
        """Measures whose due date is before the as-of date and that are not 已落实 (the due day itself is in time)."""
        register = self.register
        out = []
        for dept, risks in ordered:
            for risk in risks:
                for m in risk.measures:
                    if m.due is not None and m.is_overdue(self.as_of):  # overdue implies due; said for mypy
                        out.append({
                            "risk": risk.id, "risk_title": risk.title, "department": dept.name, "id": m.id,
                            "text": m.text, "owner": register.name_of(m.owner), "due": m.due.isoformat(),
                            "status": m.status, "days": (self.as_of - m.due).days,
                        })
        return out

    def open_warnings(self, department: Department | None) -> list[dict]:
        """Warnings open on the as-of date: issued on or before it and not closed on or before it.

        ``overdue`` follows LZ401: open longer than ``warning_close_days`` (the last day is still in time).
        """
        register = self.register
        limit = self.org.policy.warning_close_days
        out = []
        warnings = register.warnings.values() if department is None else department.warnings
        for w in sorted(warnings, key=lambda w: (w.date, w.id)):
            if not w.is_open_on(self.as_of):
                continue
            risk = register.risks.get(w.risk)
            days = w.days_open(self.as_of)
            out.append({
                "id": w.id, "risk": w.risk, "risk_title": risk.title if risk else "",
                "department": register.by_department[w.department].name, "date": w.date.isoformat(),
                "level": w.level, "source": w.source or "", "finding": w.finding or "", "action": w.action or "",
                "days": days, "overdue": days > limit,
            })
        return out

    def process(self, process: Process) -> dict:
        register = self.register
        steps = []
        at_process = self.by_process.get(process.id, [])
        at_step: dict[str | None, list[Risk]] = {s.id: [] for s in process.steps}
        unplaced_risks: list[Risk] = []
        for risk in at_process:  # one pass: linear in the risks, however many steps the process has
            placed = at_step.get(risk.step)
            (unplaced_risks if placed is None else placed).append(risk)
        for step in process.steps:
            risks = at_step[step.id]
            risk_grades = [self.grades[r.id].effective for r in risks]
            highest = max(risk_grades, key=GRADE_RANK.__getitem__) if risk_grades else ""
            steps.append({
                "id": step.id, "name": step.name, "post": register.name_of(step.post) if step.post else "",
                "time_limit": step.time_limit or "",
                "grade": highest,
                "risks": [{"id": r.id, "grade": g} for r, g in zip(risks, risk_grades, strict=True)],
            })
        unplaced = [{"id": r.id, "title": r.title, "grade": self.grades[r.id].effective} for r in unplaced_risks]
        return {
            "id": process.id, "name": process.name,
            "department": register.by_department[process.department].name,
            "time_limit": process.time_limit or "", "steps": steps, "unplaced_risks": unplaced,
            "mermaid": process_flowchart(register, process, self.grades, risks=at_process),
        }


def risk_record(register: Register, risk: Risk, grade: RiskGrade, *,
                step_names: dict[tuple[str, str], str] | None = None, names: Names | None = None) -> dict:
    """One risk as plain data: names for ids, the effective grade, measures and monitors (分级监控).

    ``step_names`` (:func:`step_names`) and ``names`` (:class:`Names`) find the risk's step and the names of ids at
    once, when there are many risks to record.
    """
    name_of = register.name_of if names is None else names.__getitem__
    process = register.processes.get(risk.process) if risk.process else None
    step_name = ""
    if process is not None and risk.step:
        if step_names is not None:
            step_name = step_names.get((process.id, risk.step), "")
        else:
            step = next((s for s in process.steps if s.id == risk.step), None)
            step_name = step.name if step else ""
    measure_lines = []  # 1.【前期预防】…（责任主体：…）; without a stage or an owner (1.1) that part is left out
    for number, m in enumerate(risk.measures, 1):
        stage, owner_name = m.stage, name_of(m.owner)
        line = f"{number}.【{stage}】{m.text}" if stage else f"{number}.{m.text}"
        measure_lines.append(f"{line}（责任主体：{owner_name}）" if owner_name else line)
    people = register.people
    monitor_lines = [m.role if m.as_written else f"{m.role}：{_person_name(people, m.person) or VACANT}"
                     for m in grade.monitors]

    def measure(m: Measure) -> dict:
        return {"id": m.id, "text": m.text, "stage": m.stage or "", "kind": m.kind or "", "owner": m.owner or "",
                "owner_name": name_of(m.owner), "due": m.due.isoformat() if m.due else "", "status": m.status}

    def monitor(m: Monitor) -> dict:
        return {"role": m.role, "person": m.person or "", "name": _person_name(people, m.person),
                "as_written": m.as_written}

    posts = [name_of(p) for p in risk.posts]
    parties = [name_of(p) for p in risk.parties]
    common = risk.common
    return {
        "id": risk.id,
        "title": risk.title,
        "description": risk.description,
        "type": risk.type,
        "department": risk.department,
        "department_name": register.by_department[risk.department].name,
        "process": risk.process or "",
        "process_name": process.name if process else "",
        "step": risk.step or "",
        "step_name": step_name,
        "posts": posts,
        "parties": parties,
        "applies_to": risk.applies_to,
        "common": common,
        "subjects": "、".join([COMMON_SUBJECTS[risk.applies_to], *posts, *parties] if common else [*posts, *parties]),
        "grade": grade.effective,
        "declared": grade.declared,
        "computed": grade.computed,
        "residual": grade.residual or "",
        # the lists of measures and monitors are made when a template reads them: the departments' tables
        # read only their texts
        "measures": Records(risk.measures, measure),
        "measures_text": "\n".join(measure_lines),
        "monitors": Records(grade.monitors, monitor),
        "monitors_text": "\n".join(monitor_lines),
    }


def _person_name(people: dict[str, Person], person: str | None) -> str:
    return people[person].name if person in people else ""


class Names(dict[str | None, str]):
    """The readable name of every id as ``Register.name_of`` gives it, in one table (one lookup, not four):
    an unknown id is its own name, None is ``""``."""

    def __init__(self, register: Register):
        super().__init__()
        # name_of looks in people, posts, departments, parties in turn: filled the other way round, the first wins
        for table in (register.parties, register.by_department, register.posts, register.people):
            for ident, record in table.items():
                self[ident] = record.name
        self[None] = ""

    def __missing__(self, ident: str) -> str:
        return ident


def step_names(register: Register) -> dict[tuple[str, str], str]:
    """Each step's name by (process, step), the first of a process's steps when two share an id."""
    names: dict[tuple[str, str], str] = {}
    for process in register.processes.values():
        for step in process.steps:
            names.setdefault((process.id, step.id), step.name)
    return names


def lint_summary(findings: list[Diagnostic]) -> dict:
    """Counts of lint findings by severity and by rule code."""
    by_rule = Counter((d.code, str(d.severity)) for d in findings)
    by_severity = Counter(str(d.severity) for d in findings)
    rank = {"error": 0, "warning": 1, "info": 2}
    rules = [{
        "code": code, "severity": severity, "severity_text": SEVERITY_TEXT[severity],
        "summary": _rule_summary(code), "count": count,
    } for (code, severity), count in sorted(by_rule.items(), key=lambda item: (rank[item[0][1]], item[0][0]))]
    return {"total": len(findings), "by_severity": {s: by_severity[s] for s in rank}, "rules": rules}


def _rule_summary(code: str) -> str:
    from lianzheng_cli.lint import RULES  # registers every rule and its summary

    return RULES[code].summary if code in RULES else code


def changes_summary(diff: Any, department: str | None = None) -> dict:
    """What changed since a revision (a ``diff.RegisterDiff``), as sentences grouped by department;
    with ``department``, that department's changes only (the summary line is still the register's)."""
    from lianzheng_cli.outputs import diff_text as diffreport

    sections = [s for s in diffreport.sections(diff) if department is None or s.department == department]
    empty = diff.empty if department is None else not any(s.entries for s in sections)
    return {
        "from": diff.from_rev.label,
        "to": diff.to_rev.label,
        "empty": empty,
        "summary_text": "" if empty else diffreport.summary_line(diff),
        "departments": [{"id": s.department, "name": s.name,
                         "entries": [{"text": e.text, "details": list(e.details)} for e in s.entries]}
                        for s in sections],
    }
