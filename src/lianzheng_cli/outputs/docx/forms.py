"""自查表 and 防控措施表 of each level, from the register: the paper forms of 查找风险点 and 制定防控措施.

The practice files these forms at five levels, each reviewed up its own chain:

- 个人 (a person in a post): the post's risks, of 岗位职责 and 外部环境 above all;
  本人 → 部门负责人 → 分管领导 → 领导小组 审核备案.
- 领导班子成员: the member's risks in 思想道德, 岗位职责 and 外部环境;
  本人 → 单位主要负责人 → 领导小组 → 上级领导小组 审核备案.
- 部门: the department's risks by process (业务流程, 制度机制, 外部环境);
  部门负责人 → 分管领导 → 领导小组 审核备案.
- 单位: the risks of the unit's 三重一大 matters, and its 共性 risks (制度机制 risks, and risks whose
  posts lie in more than one department); 领导班子集体审定 → 主要负责人 → 领导小组 审核备案.
- 领导班子: the team's decision-making risks: its risks tied to a 三重一大 power, or of 制度机制;
  领导班子集体审查 → 上级领导小组(纪检监察机构) 审核备案.

A form whose level expects a risk type the register has none of for the
subject shows that type with 未登记, so the gap is seen before it is signed.
Each subject is a landscape section (its pages numbered from 1): the 自查表,
then on a new page the 防控措施表 with the measures in their stage columns,
each with its review line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lianzheng_cli.fileio import safe_file_part
from lianzheng_cli.model.grading import Grader
from lianzheng_cli.model.order import ordered_risks, risk_order
from lianzheng_cli.model.records import Register, Risk
from lianzheng_cli.outputs.docx.document import DocxDocument
from lianzheng_cli.outputs.docx.prose import Prose
from lianzheng_cli.outputs.docx.tables import GRADE_FILLS, Cell, CellLike, Column
from lianzheng_cli.vocab import ENUMS, GRADE_STYLES, GRADES

LEADERSHIP = "领导班子"
MORAL, SYSTEM = "思想道德", "制度机制"
COMMON = "共性风险"
NOT_FOUND = "（未登记该类风险点）"


@dataclass(frozen=True)
class Level:
    """One level of forms: its name, the forms' titles, the review chain and the types it must cover."""

    key: str
    self_check: str
    measures: str
    chain: tuple[str, ...]
    group_header: str
    required: tuple[str, ...] = ()


LEVELS: dict[str, Level] = {level.key: level for level in (
    Level("个人", "个人（岗位）廉政风险点自查表", "个人（岗位）廉政风险防控措施表",
          ("本人（签名）", "部门负责人审查意见", "分管领导审查意见", "领导小组审核备案意见"), "风险类别",
          ("岗位职责", "外部环境")),
    Level("领导班子成员", "领导班子成员廉政风险自查表", "领导班子成员廉政风险防控措施表",
          ("本人（签名）", "单位主要负责人审查意见", "领导小组审查意见", "上级领导小组审核备案意见"), "风险类别",
          (MORAL, "岗位职责", "外部环境")),
    Level("部门", "部门廉政风险自查表", "部门廉政风险防控措施表",
          ("部门负责人（签名）", "分管领导审查意见", "领导小组审核备案意见"), "流程"),
    Level("单位", "单位廉政风险自查表", "单位廉政风险防控措施表",
          ("领导班子集体审定意见", "主要负责人审查意见", "领导小组审核备案意见"), "事项"),
    Level("领导班子", "领导班子廉政风险自查表", "领导班子廉政风险防控措施表",
          ("领导班子集体审查意见", "上级领导小组（纪检监察机构）审核备案意见"), "事项"),
)}


@dataclass
class Subject:
    """Who or what one pair of forms is about, and its risks in groups (a type, a process, a matter)."""

    name: str
    info: list[tuple[str, str]]
    groups: list[tuple[str, list[Risk]]] = field(default_factory=list)


def forms_file_name(register: Register, level: Level) -> str:
    """``<组织名>-<年度>-<层级>廉政风险自查表和防控措施表.docx``."""
    label = level.self_check.replace("自查表", "")
    return f"{safe_file_part(register.org.name)}-{register.org.year}-{label}自查表和防控措施表.docx"


def write_forms(register: Register, folder: Path, *, made: datetime, levels: list[str] | None = None,
                template_dir: Path | None = None) -> list[Path]:
    """One document per level into ``folder``; ``TemplateProblem`` if the note template fails."""
    written = []
    for key in levels or list(LEVELS):
        level = LEVELS[key]
        document = forms_document(register, level, made=made, template_dir=template_dir)
        written.append(document.save(Path(folder) / forms_file_name(register, level)))
    return written


def forms_document(register: Register, level: Level, *, made: datetime,
                   template_dir: Path | None = None) -> DocxDocument:
    org = register.org
    document = DocxDocument(title=f"{org.name}{org.year}年度{level.self_check}和防控措施表", made=made,
                            landscape=True, subject=level.key)
    context = {"org": {"id": org.id, "name": org.name, "year": org.year}, "display_grade": org.display_grade,
               "grades": list(GRADES), "level": level.key}
    note = _one_line(Prose("forms", context, template_dir)("note"))
    forms = _Forms(register, level, document)
    subjects = SUBJECTS[level.key](register, Grader.of(register))
    if not subjects:
        document.title(f"{org.name}{org.year}年度{level.self_check}")
        document.paragraph(f"登记簿中没有{level.key}层级的填报对象。", indent=False, align="center")
    for n, subject in enumerate(subjects):
        if n:
            document.new_section(landscape=True, restart_numbering=True)
        forms.add(subject, note)
    return document


class _Forms:
    def __init__(self, register: Register, level: Level, document: DocxDocument) -> None:
        self.register = register
        self.level = level
        self.doc = document
        self.grades = Grader.of(register).grades
        self.style = GRADE_STYLES.get(register.org.display_grade, GRADE_STYLES["word"])
        self.step_names = {(p.id, s.id): s.name for p in register.processes.values() for s in p.steps}

    def add(self, subject: Subject, note: str) -> None:
        org, level = self.register.org, self.level
        self.doc.title(f"{org.name}{org.year}年度\n{level.self_check}")
        self.doc.info_table(subject.info, per_row=3, size=10.5)
        self.self_check(subject)
        self.doc.review_chain(level.chain)
        self.doc.note(note)
        self.doc.title(f"{org.name}{org.year}年度\n{level.measures}", page_break=True)
        self.doc.info_table(subject.info, per_row=3, size=10.5)
        self.measures(subject)
        self.doc.review_chain(level.chain)
        self.doc.note(note)

    def grade_cell(self, risk: Risk) -> Cell:
        grade = self.grades[risk.id].effective
        return Cell(self.style[grade], align="center", fill=GRADE_FILLS.get(grade))

    def where(self, risk: Risk) -> str:
        process = self.register.processes.get(risk.process) if risk.process else None
        if process is None:
            return ""
        step = self.step_names.get((process.id, risk.step), "") if risk.step else ""
        if self.level.group_header == "流程":  # the process stands in the group column already
            return step
        return process.name + (f"/{step}" if step else "")

    def self_check(self, subject: Subject) -> None:
        by_type = bool(self.level.required)  # grouped by type: no column of types beside the groups
        columns = [Column("序号", 9, "center"), Column(self.level.group_header, 24, "center"),
                   Column("风险点", 34), Column("风险表现形式", 68 + (15 if by_type else 0))]
        if not by_type:
            columns.append(Column("风险类型", 15, "center"))
        columns += [Column("风险等级", 14, "center"), Column("关键环节", 36)]
        rows: list[list[CellLike]] = []
        number = 0
        for label, risks in subject.groups:
            if not risks:
                rows.append(["", label, Cell(NOT_FOUND, span=len(columns) - 2)])
                continue
            for i, risk in enumerate(risks):
                number += 1
                group = Cell(label) if len(risks) == 1 else Cell(label, merge="restart" if i == 0 else "continue")
                kind: list[CellLike] = [] if by_type else [risk.type]
                rows.append([str(number), group, f"{risk.id} {risk.title}", risk.description, *kind,
                             self.grade_cell(risk), self.where(risk)])
        if not rows:
            rows.append(["", Cell("（未登记廉政风险点）", span=len(columns) - 1, align="center")])
        self.doc.table(columns, rows)

    def measures(self, subject: Subject) -> None:
        stages = list(ENUMS["stage"])
        columns = (Column("序号", 9, "center"), Column("风险点", 30), Column("风险等级", 12, "center"),
                   *(Column(stage, 37) for stage in stages), Column("责任主体", 24), Column("完成时限", 24),
                   Column("落实情况", 17))
        rows: list[list[CellLike]] = []
        number = 0
        for _, risks in subject.groups:
            for risk in risks:
                number += 1
                numbered = list(enumerate(risk.measures, 1))
                by_stage = ["\n".join(f"{i}.{m.text}" for i, m in numbered if m.stage == stage) for stage in stages]
                owners = "\n".join(f"{i}.{self.register.name_of(m.owner)}" for i, m in numbered)
                dues = "\n".join(f"{i}.{m.due.isoformat() if m.due else '未定'}" for i, m in numbered)
                statuses = "\n".join(f"{i}.{m.status}" for i, m in numbered)
                rows.append([str(number), f"{risk.id} {risk.title}", self.grade_cell(risk), *by_stage,
                             owners or "（未制定防控措施）", dues, statuses])
        if not rows:
            rows.append(["", Cell("（未登记廉政风险点）", span=len(columns) - 1, align="center")])
        self.doc.table(columns, rows)


# -- who and what each level's forms are about ------------------------------------------------------------------


def _people(register: Register, grader: Grader, *, leadership: bool, level: Level) -> list[Subject]:
    order = risk_order(register)
    subjects = []
    for dept in register.departments:
        if (dept.kind == LEADERSHIP) != leadership:
            continue
        for person in dept.people:
            post = register.posts.get(person.post)
            risks = ordered_risks(register, [r for r in register.risks.values() if person.post in r.posts], order=order)
            info = [("单位", register.org.name), ("部门", dept.name), ("姓名", person.name),
                    ("岗位" if not leadership else "职务", register.name_of(person.post)),
                    ("任职日期", person.since.isoformat()), ("填表日期", "    年  月  日")]
            if post and post.duties:
                info.append(("岗位职责" if not leadership else "分管工作", post.duties))
            subjects.append(Subject(person.name, info, _by_type(risks, level.required)))
    return subjects


def _by_type(risks: list[Risk], required: tuple[str, ...]) -> list[tuple[str, list[Risk]]]:
    """Risks grouped by type in the order of the five types; a required type without risks stays, empty."""
    types = list(ENUMS["risk_type"])
    groups: list[tuple[str, list[Risk]]] = []
    for kind in types:
        found = [r for r in risks if r.type == kind]
        if found or kind in required:
            groups.append((kind, found))
    return groups


def _departments(register: Register, grader: Grader) -> list[Subject]:
    order = risk_order(register)
    subjects = []
    for dept in register.departments:
        if dept.kind == LEADERSHIP:
            continue
        groups: dict[str, list[Risk]] = {}
        for risk in ordered_risks(register, dept.risks, order=order):
            process = register.processes.get(risk.process) if risk.process else None
            groups.setdefault(process.name if process else "其他（不在流程上）", []).append(risk)
        info = [("单位", register.org.name), ("部门", dept.name), ("部门负责人", register.name_of(dept.leader)),
                ("分管领导", register.name_of(dept.supervisor)), ("人数", str(len(dept.people))),
                ("填表日期", "    年  月  日")]
        subjects.append(Subject(dept.name, info, list(groups.items())))
    return subjects


def _matters(register: Register, grader: Grader, risks: list[Risk], *, common: bool) -> list[tuple[str, list[Risk]]]:
    """Risks by the 三重一大 matter (power) they are tied to; the rest as 制度机制 or 共性 risks."""
    groups: dict[str, list[Risk]] = {}
    rest: list[Risk] = []
    for risk in ordered_risks(register, risks):
        if risk.type == MORAL:
            continue
        matter = next((p for p in grader.powers_of(risk) if p.sanzhong_yida), None)
        if matter is not None:
            label = matter.name if "三重一大" in matter.name else f"{matter.name}（三重一大）"
            groups.setdefault(label, []).append(risk)
        elif risk.type == SYSTEM or (common and _spans_departments(register, risk)):
            rest.append(risk)
    if rest:
        groups[COMMON if common else SYSTEM] = rest
    return list(groups.items())


def _spans_departments(register: Register, risk: Risk) -> bool:
    """A 共性 risk of the unit: its posts are in several departments, or it says so (1.1 ``applies_to: 单位``)."""
    return risk.applies_to == "单位" or len({register.posts[p].department for p in risk.posts
                                             if p in register.posts}) > 1


def _unit(register: Register, grader: Grader) -> list[Subject]:
    org = register.org
    info = [("单位", org.name), ("主要负责人", register.name_of(org.head)), ("年度", str(org.year)),
            ("部门数", str(len(register.departments))), ("风险点总数", str(len(register.risks))),
            ("填表日期", "    年  月  日")]
    return [Subject(org.name, info, _matters(register, grader, list(register.risks.values()), common=True))]


def _leadership(register: Register, grader: Grader) -> list[Subject]:
    subjects = []
    for dept in register.departments:
        if dept.kind != LEADERSHIP:
            continue
        members = "、".join(p.name for p in dept.people)
        info = [("单位", register.org.name), ("班子", dept.name), ("主要负责人", register.name_of(dept.leader)),
                ("班子成员", members), ("填表日期", "    年  月  日")]
        subjects.append(Subject(dept.name, info, _matters(register, grader, list(dept.risks), common=False)))
    return subjects


SUBJECTS: dict[str, Callable[[Register, Grader], list[Subject]]] = {
    "个人": lambda register, grader: _people(register, grader, leadership=False, level=LEVELS["个人"]),
    "领导班子成员": lambda register, grader: _people(register, grader, leadership=True, level=LEVELS["领导班子成员"]),
    "部门": _departments,
    "单位": _unit,
    "领导班子": _leadership,
}


def _one_line(text: str) -> str:
    return "".join(line.strip() for line in text.strip().splitlines())
