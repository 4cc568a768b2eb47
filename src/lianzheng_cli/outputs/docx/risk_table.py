"""廉政风险点防控措施一览表 as a landscape Word table: the columns and merges of the workbook's 一览表.

The same twelve columns as the xlsx form (``outputs/xlsx/risk_table.py``),
the same order of risks (by department, then process, then step), and the
same merges: the 部门 cell over each department's rows, the 流程 cell over
each run of rows on one process. The header row repeats on every page and no
row is split. ``public`` is the 内部公示 version: a measure's owner who is a
person is shown by their post, and monitors by their role only, so no
person's name appears.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from lianzheng_cli.fileio import safe_file_part
from lianzheng_cli.model.grading import Grader, RiskGrade
from lianzheng_cli.model.order import ordered_risks, risk_order
from lianzheng_cli.model.records import Department, Register, Risk
from lianzheng_cli.outputs.annual_report import COMMON_SUBJECTS
from lianzheng_cli.outputs.approval import approval_line
from lianzheng_cli.outputs.docx.document import DocxDocument
from lianzheng_cli.outputs.docx.tables import GRADE_FILLS, Cell, CellLike, Column
from lianzheng_cli.vocab import GRADE_STYLES, GRADES

FORM_NAME = "廉政风险点防控措施一览表"
VACANT = "（空缺）"
COLUMNS = (
    Column("序号", 8, "center"), Column("部门", 14, "center"), Column("流程", 16, "center"),
    Column("关键环节", 14, "center"), Column("涉及对象（岗位）", 16, "center"), Column("风险点编号", 18, "center"),
    Column("廉政风险点（风险表现）", 36), Column("风险类型", 11, "center"), Column("风险等级", 14, "center"),
    Column("防控措施", 42), Column("责任主体", 18), Column("监控责任人", 21),
)


def risk_table_document(register: Register, *, made: datetime, public: bool = False,
                        department: str | None = None) -> DocxDocument:
    """The 一览表 of ``register`` (or of one ``department``) as a landscape document."""
    dept = register.by_department[department] if department else None
    org = register.org
    title = f"{org.name}{dept.name if dept else ''}{org.year}年度{FORM_NAME}"
    document = DocxDocument(title=title, made=made, landscape=True, subject=org.name)
    departments = (dept,) if dept else register.departments
    rows = _Rows(register, public)
    document.title(title)
    document.paragraph(_legend(register, departments, public), indent=False, align="center", size=12.0)
    document.table(COLUMNS, rows.of(departments))
    return document


def write_risk_table(register: Register, path: Path, *, made: datetime, public: bool = False,
                     department: str | None = None) -> Path:
    return risk_table_document(register, made=made, public=public, department=department).save(path)


def write_by_department(register: Register, folder: Path, *, made: datetime, public: bool = False) -> list[Path]:
    """One document per department into ``folder`` (each office files its own form)."""
    names = department_file_names(register)
    return [write_risk_table(register, Path(folder) / names[d.id], made=made, public=public, department=d.id)
            for d in register.departments]


def default_output(register: Register, base: Path | None = None) -> Path:
    """``out/<组织名>-<年度>-廉政风险点防控措施一览表.docx`` under ``base`` (the current folder)."""
    return (base or Path.cwd()) / "out" / f"{safe_file_part(register.org.name)}-{register.org.year}-{FORM_NAME}.docx"


def department_file_names(register: Register) -> dict[str, str]:
    """Each department's file name, as the workbooks are named; the id joins a name two departments share."""
    counts = Counter(d.name for d in register.departments)
    org = safe_file_part(register.org.name)
    names = {}
    for dept in register.departments:
        label = dept.name if counts[dept.name] == 1 else f"{dept.name}（{dept.id}）"
        names[dept.id] = f"{org}-{register.org.year}-{safe_file_part(label)}-{FORM_NAME}.docx"
    return names


def _legend(register: Register, departments: tuple[Department, ...], public: bool) -> str:
    org = register.org
    risks = sum(len(d.risks) for d in departments)
    measures = sum(len(r.measures) for d in departments for r in d.risks)
    parts = [f"填报单位：{org.name}"]
    if len(departments) == 1 and len(register.departments) > 1:
        parts.append(f"部门：{departments[0].name}")
    parts += [f"年度：{org.year}", f"风险点{risks}个，防控措施{measures}项"]
    style = GRADE_STYLES.get(org.display_grade, GRADE_STYLES["word"])
    if style[GRADES[0]] != GRADES[0]:
        parts.append("风险等级：" + " ".join(f"{style[g]}={g}" for g in GRADES))
    if public:
        parts.append("内部公示版")
    approval = approval_line(register, departments[0].id if len(departments) == 1 and len(register.departments) > 1
                             else None)
    if approval:
        parts.append(approval)
    return "    ".join(parts)


class _Rows:
    """The table's rows, with the 部门 and 流程 cells merged over their runs as the workbook merges them."""

    def __init__(self, register: Register, public: bool) -> None:
        self.register = register
        self.public = public
        self.grades = Grader.of(register).grades
        self.order = risk_order(register)
        self.style = GRADE_STYLES.get(register.org.display_grade, GRADE_STYLES["word"])
        self.step_names = {(p.id, s.id): s.name for p in register.processes.values() for s in p.steps}

    def of(self, departments: tuple[Department, ...]) -> Iterator[list[CellLike]]:
        number = 0
        for dept in departments:
            risks = ordered_risks(self.register, dept.risks, order=self.order)
            for i, risk in enumerate(risks):
                number += 1
                previous = risks[i - 1] if i else None
                following = risks[i + 1] if i + 1 < len(risks) else None
                dept_cell = _merged(dept.name, first=i == 0, alone=len(risks) == 1)
                yield [str(number), dept_cell, self.process_cell(risk, previous, following), *self.cells(risk)]

    def process_cell(self, risk: Risk, previous: Risk | None, following: Risk | None) -> Cell:
        process = self.register.processes.get(risk.process) if risk.process else None
        if process is None:
            return Cell("")
        same_before = previous is not None and previous.process == risk.process
        same_after = following is not None and following.process == risk.process
        return _merged(process.name, first=not same_before, alone=not same_before and not same_after)

    def cells(self, risk: Risk) -> list[CellLike]:
        grade = self.grades[risk.id]
        step = self.step_names.get((risk.process, risk.step), "") if risk.process and risk.step else ""
        posts = [self.register.name_of(p) for p in (*risk.posts, *risk.parties)]
        if risk.common:  # 1.1: a common risk point, for every post of its department or of the unit
            posts.insert(0, COMMON_SUBJECTS[risk.applies_to])
        measures = "\n".join(f"{i}.【{m.stage}】{m.text}" if m.stage else f"{i}.{m.text}"
                             for i, m in enumerate(risk.measures, 1))
        shown = self.style[grade.effective] + (f"→{self.style[grade.residual]}" if grade.residual else "")
        return [step, "、".join(posts), risk.id, f"{risk.title}：{risk.description}", risk.type,
                Cell(shown, fill=GRADE_FILLS.get(grade.effective)),
                measures, self.owners(risk), self.monitors(grade)]

    def owner_name(self, ident: str | None) -> str:
        if ident is None:
            return ""
        person = self.register.people.get(ident)
        if person is not None and self.public:
            return self.register.name_of(person.post)
        return self.register.name_of(ident)

    def owners(self, risk: Risk) -> str:
        """责任主体: one name, or numbered like the measures when they differ."""
        names = [self.owner_name(m.owner) for m in risk.measures]
        if len(set(names)) <= 1:
            return names[0] if names else ""
        return "\n".join(f"{i}.{name}" for i, name in enumerate(names, 1))

    def monitors(self, grade: RiskGrade) -> str:
        """监控责任人: roles with people, or roles only in public."""
        if self.public:
            return "\n".join(dict.fromkeys(m.role for m in grade.monitors))
        people = self.register.people
        return "\n".join(m.role if m.as_written else
                         f"{m.role}：{people[m.person].name if m.person in people else VACANT}" for m in grade.monitors)


def _merged(text: str, *, first: bool, alone: bool) -> Cell:
    """A cell of a vertical run: the first holds the text, the others continue it (a run of one is no merge)."""
    if alone:
        return Cell(text)
    return Cell(text, merge="restart") if first else Cell(merge="continue")
