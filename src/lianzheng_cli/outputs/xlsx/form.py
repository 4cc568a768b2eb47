"""What every sheet of the 一览表 shares: what a workbook shows, the form's styles, its heading and header.

:class:`Index` holds the register-wide lookups every workbook of a render shares; :class:`Scope` is what
one workbook shows (the whole register or one department, internal or public); :class:`Form` is one
workbook being written, handed to each sheet of ``risk_table.SHEETS``. The sheet texts are the form's own
Chinese words whatever ``--lang`` says: the form is what the organization files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from lianzheng_cli.importing.snapshot import Fingerprint, cell_key
from lianzheng_cli.model.grading import RiskGrade, grade_register
from lianzheng_cli.model.order import ordered_risks, risk_order
from lianzheng_cli.model.records import POWER_TEXTS, Department, Register, Risk, WarningRecord
from lianzheng_cli.outputs.stamp import document_time
from lianzheng_cli.outputs.xlsx.writer import (
    BOX,
    MAX_CELL_TEXT,
    Align,
    Book,
    Cell,
    Column,
    Margins,
    Page,
    RowsAhead,
    Sheet,
    SheetSpec,
    Style,
    TextFont,
    clean_text,
    cut_to_cell,
)
from lianzheng_cli.vocab import Grade

FORM_NAME = "廉政风险点防控措施一览表"
DATE_FORMAT = "yyyy-mm-dd"
Progress = Callable[[int], None]
# the 一览表 prints with narrow margins (more of the wide table on a page) and a small footer
PAGE_MARGINS = Margins(left=0.4, right=0.4, top=0.5, bottom=0.6, footer=0.25)
# 1.1: a common risk point (共性风险点) as 涉及对象 says it
COMMON_SUBJECTS = {"部门": "本部门各岗位（共性）", "单位": "全单位各岗位（共性）"}
# risks from which the big sheets (明细, the register text) are written in forked children: below, a fork costs
# more than it saves (and a county rendered --by-department would fork 400 times)
PARALLEL_FROM = 5000
WARNING_FIELDS = ("person", "notice", "requirement", "due", "result", "done")  # 1.1: the fuller 预警处置记录


def display_grade(grade: str, style: str) -> str:
    """A canonical grade as the register's ``display.grade`` writes it (★★★, 一级, 红色 …)."""
    return Grade(grade).styled(style)


def warning_value(warning: WarningRecord, field: str) -> object:
    """A 1.1 field of a warning (``person``, ``notice`` or one of its rectification's)."""
    if field in ("person", "notice"):
        return getattr(warning, field)
    return getattr(warning.rectification, field) if warning.rectification is not None else None


class Index:
    """Register-wide lookups every workbook of a render shares: grades, names, orders, counts."""

    def __init__(self, register: Register):
        self.register = register
        self.made = document_time(register.root, register.org.year)  # the same register, the same bytes
        self.grades: dict[str, RiskGrade] = grade_register(register)
        self.order = risk_order(register)
        # keyed as risks name them: a risk on no process or step finds nothing
        self.step_names: dict[tuple[str | None, str | None], str] = {}
        for process in register.processes.values():
            for step in process.steps:
                self.step_names[(process.id, step.id)] = step.name
        self.post_names = {pid: post.name for pid, post in register.posts.items()}
        # 岗位风险等级: a post's risks over the whole register, whichever department's workbook lists it
        self.post_grades: dict[str, Counter] = {}
        for risk in register.risks.values():
            grade = self.grades[risk.id].effective
            for post_id in risk.posts:
                counts = self.post_grades.get(post_id)
                if counts is None:
                    counts = self.post_grades[post_id] = Counter()
                counts[grade] += 1
        self.people_of_post: dict[str, list[str]] = {}
        for person in register.people.values():
            self.people_of_post.setdefault(person.post, []).append(person.name)
        self.holders_of_power: dict[str, list[str]] = {}
        for post in register.posts.values():
            for power in post.powers:
                self.holders_of_power.setdefault(power, []).append(post.name)
        # 1.1 fields some power or warning of the register gives: the columns they add, the same in every workbook
        self.power_fields = [f for f in POWER_TEXTS if any(getattr(p, f) for p in register.powers.values())]
        warnings = register.warnings.values()
        self.warning_fields = [f for f in WARNING_FIELDS if any(warning_value(w, f) for w in warnings)]


class Scope:
    """What one workbook shows: the whole register or one department, public or internal."""

    def __init__(self, index: Index, public: bool, department: str | None):
        register = index.register
        self.index = index
        self.register = register
        self.org = register.org
        self.grades = index.grades
        self.public = public
        self.department = register.by_department[department] if department else None
        self.departments: tuple[Department, ...] = (self.department,) if self.department else register.departments
        self.style = register.org.display_grade
        self._owner_names: dict[str, str] = {}
        # texts many risks share, made once: a grade cell, a set of monitors, a list of subjects
        self._grade_cells: dict[tuple[str, str | None], str] = {}
        self._monitors: dict[tuple, str] = {}
        self._subjects: dict[tuple, str] = {}

    @property
    def carries_register(self) -> bool:
        """The workbook carries the register's text (``register_text.py``): the whole register's, internal version.
        A public one must not carry names and warnings, and one department's files alone are no register (its
        risks name other departments' posts and people)."""
        return not self.public and self.department is None

    @property
    def title_prefix(self) -> str:
        """``示例县商务局2025年度`` or ``示例县商务局对外贸易发展室2025年度``."""
        dept = self.department.name if self.department else ""
        return f"{self.org.name}{dept}{self.org.year}年度"

    def risks(self) -> Iterator[Risk]:
        """Every risk in scope, by department, then process, then step (the register's order)."""
        for dept in self.departments:
            yield from ordered_risks(self.register, dept.risks, order=self.index.order)

    def grade_text(self, grade: str) -> str:
        return display_grade(grade, self.style)

    def grade_header(self, grade: str) -> str:
        """A grade as a column header: ``高（★★★）``, or just ``高`` in the word style."""
        shown = self.grade_text(grade)
        return grade if shown == grade else f"{grade}（{shown}）"

    def owner_name(self, ident: str | None) -> str:
        """A measure owner's name; in public a person is shown by their post; none given (1.1), nothing."""
        if ident is None:
            return ""
        name = self._owner_names.get(ident)
        if name is None:
            person = self.register.people.get(ident)
            if person is not None and self.public:
                name = self.register.name_of(person.post)
            else:
                name = self.register.name_of(ident)
            self._owner_names[ident] = name
        return name

    def owners(self, risk: Risk) -> str:
        """责任主体: one name, or numbered like the measures when they differ."""
        names = [self.owner_name(m.owner) for m in risk.measures]
        if len(set(names)) <= 1:
            return names[0] if names else ""
        return "\n".join(f"{i}.{name}" for i, name in enumerate(names, 1))

    def monitors(self, grade: RiskGrade) -> str:
        """监控责任人 (分级监控): roles with people, or roles only in public; a role the register added, as written."""
        text = self._monitors.get(grade.monitors)
        if text is None:
            text = self._monitors[grade.monitors] = self._monitors_text(grade)
        return text

    def _monitors_text(self, grade: RiskGrade) -> str:
        if self.public:
            return "\n".join(dict.fromkeys(m.role for m in grade.monitors))
        lines = []
        for m in grade.monitors:
            person = self.register.people.get(m.person) if m.person else None
            lines.append(m.role if m.as_written else f"{m.role}：{person.name if person else '（空缺）'}")
        return "\n".join(lines)

    def subjects(self, risk: Risk) -> str:
        """涉及对象: the posts a risk lists, its common scope (1.1) first and its outside parties after."""
        key = (risk.posts, risk.parties, risk.common and risk.applies_to)
        text = self._subjects.get(key)
        if text is None:
            text = self._subjects[key] = self._subjects_text(risk)
        return text

    def _subjects_text(self, risk: Risk) -> str:
        names = [self.index.post_names.get(p, p) for p in risk.posts]
        names += [self.register.name_of(p) for p in risk.parties]
        if risk.common:
            names.insert(0, COMMON_SUBJECTS[risk.applies_to])
        return "、".join(names)

    def grade_cell(self, grade: RiskGrade) -> str:
        """The risk's grade as the register displays it; 固有等级→剩余等级 where a residual is given (1.1)."""
        key = (grade.effective, grade.residual)
        text = self._grade_cells.get(key)
        if text is None:
            shown = self.grade_text(grade.effective)
            text = f"{shown}→{self.grade_text(grade.residual)}" if grade.residual else shown
            self._grade_cells[key] = text
        return text


class Styles:
    """The form's cell styles, each the index ``Book.style`` gave it (made in this order in every workbook)."""

    def __init__(self, book: Book):
        body = TextFont("宋体", 10, charset=134)
        center, left = Align("center", "center", wrap=True), Align("left", "center", wrap=True)
        shade_high, shade_header, shade_total = "FCE4E4", "D9D9D9", "F2F2F2"
        self.title = book.style(Style(TextFont("黑体", 16, charset=134), center))
        self.legend = book.style(Style(body, Align("left", "center")))
        self.section = book.style(Style(TextFont("黑体", 12, charset=134), Align("left", "center")))
        self.header = book.style(Style(TextFont("黑体", 11, charset=134), center, border=BOX, fill=shade_header))
        self.center = book.style(Style(body, center, border=BOX))
        self.left = book.style(Style(body, left, border=BOX))
        self.date = book.style(Style(body, center, border=BOX, number_format=DATE_FORMAT))
        self.total = book.style(Style(TextFont("宋体", 10, bold=True, charset=134), center, border=BOX,
                                      fill=shade_total))
        self.center_high = book.style(Style(body, center, border=BOX, fill=shade_high))
        self.left_high = book.style(Style(body, left, border=BOX, fill=shade_high))
        # 风险等级 cells: 高 bold dark red on the shaded row, 中 orange, 低 plain
        self.grade = {
            "高": book.style(Style(TextFont("宋体", 10, bold=True, color="C00000", charset=134), center, border=BOX,
                                  fill=shade_high)),
            "中": book.style(Style(TextFont("宋体", 10, color="C65911", charset=134), center, border=BOX)),
            "低": self.center,
        }


class DigestApart:
    """The fingerprint of a sheet whose rows were written by ``Sheet.write_rows_apart`` (maybe in a forked child,
    whose copy of the fingerprint took them): the digest its ``write`` handed back."""

    def __init__(self, sheet: Sheet):
        self._sheet = sheet

    def hexdigest(self) -> str:
        return self._sheet.written_apart()


@dataclass
class Form:
    """One 一览表 workbook being written: the writer's book, the form's styles, what it shows.

    Each sheet of ``risk_table.SHEETS`` is a function taking it. ``progress(n)`` is told that
    ``n`` more risks have been written.
    """

    book: Book
    styles: Styles
    scope: Scope
    progress: Progress | None = None
    # each sheet's values as written, for the register text to vouch for (``lz import`` of an unedited workbook)
    fingerprints: dict[str, Fingerprint | DigestApart] = field(default_factory=dict)
    # the register text's rows after its head, written from the start, and how to write them again
    # (``register_text.start_register_text``)
    register_rows: tuple[RowsAhead, Callable[[RowsAhead | Sheet], None]] | None = None

    @property
    def parallel(self) -> bool:
        """Whether the big sheets are written in forked children (``Sheet.write_rows_apart``)."""
        return sum(len(d.risks) for d in self.scope.departments) >= PARALLEL_FROM

    def sheet(self, title: str, columns: Sequence[Column], *, frozen_rows: int = 0, portrait: bool = False) -> Sheet:
        """A new sheet, printed as the form prints (A4, landscape but for the narrow 统计)."""
        page = Page(portrait=portrait, margins=PAGE_MARGINS, footer_font="宋体,Regular", footer_size=9)
        sheet = self.book.sheet(SheetSpec(title, columns, frozen_rows, page))
        if self.scope.carries_register:
            found = self.fingerprints[title] = Fingerprint()
            sheet.on_row = lambda number, cells: found.keys(number, row_keys(cells))
        return sheet

    def list_sheet(self, title: str, columns: Sequence[Column]) -> Sheet:
        """A titled list (职权目录 …): its heading and header row stay in view and print on every page."""
        sheet = self.sheet(title, columns, frozen_rows=2)
        self.heading(sheet, self.scope.title_prefix + title)
        self.header(sheet, columns)
        sheet.repeat_rows(1, 2)
        return sheet

    def heading(self, sheet: Sheet, title: str, legend: str | None = None) -> None:
        """The title row (and a legend row) across the sheet; every cell styled, so the merge keeps its look."""
        styles = self.styles
        sheet.append([(title, styles.title)] + [(None, styles.title)] * (sheet.width - 1), height=32)
        sheet.merge(sheet.row, 1, sheet.row, sheet.width)
        if legend is not None:
            sheet.append([(legend, styles.legend)] + [(None, styles.legend)] * (sheet.width - 1), height=20)
            sheet.merge(sheet.row, 1, sheet.row, sheet.width)

    def header(self, sheet: Sheet, columns: Sequence[Column]) -> None:
        sheet.append(self.header_cells(columns), height=30)

    def header_cells(self, columns: Sequence[Column]) -> list[Cell]:
        return [(name, self.styles.header) for name, _ in columns]


def row_keys(cells: Sequence[Cell]) -> list[str]:
    """The ``cell_key`` of each value of a row as a reader gets it back (``_as_read``). Most rows need no cleaning
    nor cutting, which one look at the row's joined text tells: a county has 150,000 rows of a dozen cells."""
    keys = [v if v.__class__ is str else cell_key(v) for v, _ in cells]
    joined = "".join(keys)
    if len(joined) > MAX_CELL_TEXT or clean_text(joined) != joined:
        return [cell_key(_as_read(v)) for v, _ in cells]
    return keys


def _as_read(value: object) -> object:
    """A value as a reader gets it back: a text as a cell holds it (cut as the writer cuts it, then cleaned)."""
    if not isinstance(value, str):
        return value
    return clean_text(cut_to_cell(value)[0] if len(value) > MAX_CELL_TEXT else value)
