"""廉政风险点防控措施一览表: the print-ready workbook rendered from a register.

Sheets (``SHEETS``): the 一览表 (merged like the paper form), 明细(可筛选) (the same rows unmerged,
with an autofilter), 职权目录, 权力和责任清单 (only when the powers say what it lists), 岗位风险等级目录,
预警处置记录, 统计, and the register's own text, very hidden, for ``lz import`` (``register_text.py``).
Both risk sheets are streamed side by side in one pass over the risks; the others are in ``sheets.py``;
``writer.py`` writes them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.fileio import safe_file_part
from lianzheng_cli.i18n import messages
from lianzheng_cli.model.records import Register, Risk
from lianzheng_cli.outputs import paths
from lianzheng_cli.outputs.approval import approval_line
from lianzheng_cli.outputs.xlsx import sheets
from lianzheng_cli.outputs.xlsx.form import FORM_NAME, DigestApart, Form, Index, Progress, Scope, Styles
from lianzheng_cli.outputs.xlsx.register_text import register_text, start_register_text
from lianzheng_cli.outputs.xlsx.writer import Book, Cell, Overflow, Sheet
from lianzheng_cli.vocab import GRADES

tr = messages({
    "render.unknown_department": {
        "zh": "登记簿中没有编号为 `{id}` 的部门",
        "en": "the register has no department with id `{id}`",
    },
})

SHEET_MAIN = FORM_NAME
SHEET_DETAIL = "明细（可筛选）"
MAIN_COLUMNS = (
    ("序号", 5), ("部门", 9), ("流程", 11), ("关键环节", 10), ("涉及对象（岗位）", 12), ("风险点编号", 9),
    ("廉政风险点（风险表现）", 30), ("风险类型", 9), ("风险等级", 7), ("防控措施", 44), ("责任主体", 13),
    ("监控责任人", 18),
)
DETAIL_COLUMNS = (
    ("序号", 6), ("部门", 12), ("流程", 14), ("关键环节", 12), ("涉及对象（岗位）", 14), ("风险点编号", 11),
    ("风险点名称", 16), ("风险表现", 30), ("风险类型", 9), ("风险等级", 9), ("防控措施", 44), ("责任主体", 14),
    ("监控责任人", 16),
)
HIGH = GRADES[0]
PROGRESS_EVERY = 1000  # risks between two progress reports


def render_workbook(register: Register, path: Path, *, public: bool = False,
                    department: str | None = None, progress: Progress | None = None,
                    overflows: list[Overflow] | None = None) -> Path:
    """Write the 一览表 workbook of ``register`` (or of one ``department``) to ``path``; returns ``path``.

    ``public`` is the 内部公示 version: no person's name anywhere and no 预警处置记录.
    ``progress(n)`` is told every so often that ``n`` more risks have been written
    (one row on each risk sheet); over a render the calls add up to the risks in scope.
    The file is written next to ``path`` first and moved into place, so a failed
    render never leaves half a workbook behind. Texts too long for a cell are added to ``overflows``.
    """
    if department is not None and department not in register.by_department:
        raise KeyError(tr("render.unknown_department", id=department))
    return _render(Index(register), Path(path), public, department, progress, overflows)


def render_by_department(register: Register, folder: Path, *, public: bool = False,
                         progress: Progress | None = None, overflows: list[Overflow] | None = None) -> list[Path]:
    """One workbook per department into ``folder`` (each office files its own form)."""
    index = Index(register)  # grades and lookups once, not once per department
    names = department_file_names(register)
    return [_render(index, Path(folder) / names[dept.id], public, dept.id, progress, overflows)
            for dept in register.departments]


def _render(index: Index, path: Path, public: bool, department: str | None, progress: Progress | None,
            overflows: list[Overflow] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)  # before any row: a bad folder fails at once
    with Book(made=index.made) as book:
        form = Form(book, Styles(book), Scope(index, public, department), progress)
        start_register_text(form, _visible_sheets(form.scope))
        for sheet in SHEETS:
            sheet(form)
        book.save(path)
    if overflows is not None:
        overflows.extend(book.overflows)
    return path


def _visible_sheets(scope: Scope) -> int:
    """How many sheets before the register text ``SHEETS`` makes: the 一览表, 明细, 职权目录, 权力和责任清单 (when
    the powers say what it lists), 岗位风险等级目录, 预警处置记录 (internal only) and 统计. The register text's rows
    are numbered after a row for each; were this wrong, they would be written again (slower, never wrong)."""
    duties = any(f in scope.index.power_fields for f in sheets.DUTY_FIELDS)
    return 5 + duties + (not scope.public)


def workbook_name(register: Register) -> str:
    """``<组织名>-<年度>-廉政风险点防控措施一览表.xlsx``."""
    return f"{safe_file_part(register.org.name)}-{register.org.year}-{FORM_NAME}.xlsx"


def department_file_names(register: Register) -> dict[str, str]:
    """File name of each department's workbook; the id joins a name two departments share."""
    return paths.department_file_names(register, FORM_NAME, ".xlsx", brackets="()")


def default_output(register: Register, base: Path | None = None) -> Path:
    """``out/<组织名>-<年度>-廉政风险点防控措施一览表.xlsx`` under ``base`` (the current folder)."""
    return (base or Path.cwd()) / "out" / workbook_name(register)


def format_measures(risk: Risk) -> str:
    """Measures as numbered lines with their stage: ``1.【前期预防】…`` (no brackets for a measure without one)."""
    return "\n".join(f"{i}.【{m.stage}】{m.text}" if m.stage else f"{i}.{m.text}"
                     for i, m in enumerate(risk.measures, 1))




@dataclass(slots=True)
class _RiskRow:
    """One risk's cells as both risk sheets show them."""

    department: str
    process: str
    step: str
    posts: str
    risk_id: str
    title: str
    description: str
    type: str
    grade: str  # canonical
    grade_text: str
    measures: str
    owners: str
    monitors: str


def _risk_rows(scope: Scope) -> Iterator[tuple[Risk, _RiskRow]]:
    register = scope.register
    step_names = scope.index.step_names
    for risk in scope.risks():
        grade = scope.grades[risk.id]
        process = register.processes.get(risk.process) if risk.process else None
        yield risk, _RiskRow(
            department=register.by_department[risk.department].name,
            process=process.name if process else "",
            step=step_names.get((risk.process, risk.step), "") if risk.step else "",
            posts=scope.subjects(risk),
            risk_id=risk.id,
            title=risk.title,
            description=risk.description,
            type=risk.type,
            grade=grade.effective,
            grade_text=scope.grade_cell(grade),
            measures=format_measures(risk),
            owners=scope.owners(risk),
            monitors=scope.monitors(grade),
        )


def _legend(scope: Scope, risks: int, measures: int) -> str:
    parts = [f"填报单位：{scope.org.name}"]
    if scope.department is not None:
        parts.append(f"部门：{scope.department.name}")
    parts.append(f"年度：{scope.org.year}")
    parts.append(f"风险点{risks}个，防控措施{measures}项")
    if scope.grade_text(HIGH) != HIGH:
        parts.append("风险等级：" + " ".join(f"{scope.grade_text(g)}={g}" for g in GRADES))
    if scope.public:
        parts.append("内部公示版")
    approval = approval_line(scope.register, scope.department.id if scope.department else None)
    if approval:
        parts.append(approval)
    return "    ".join(parts)


def risk_sheets(form: Form) -> None:
    """The 一览表 (merged by department and process) and 明细(可筛选), the same rows on both.

    With many risks, 明细's rows are written and compressed in a forked child while this process writes the
    一览表's (``Sheet.write_rows_apart``; the same bytes either way). The child takes 明细's fingerprint for the
    register text too, and hands back its digest.
    """
    scope, styles, progress = form.scope, form.styles, form.progress
    risks = measures = 0
    for dept in scope.departments:
        risks += len(dept.risks)
        measures += sum(len(r.measures) for r in dept.risks)
    main = form.sheet(SHEET_MAIN, MAIN_COLUMNS, frozen_rows=3)
    detail = form.sheet(SHEET_DETAIL, DETAIL_COLUMNS, frozen_rows=1)
    detail.repeat_rows(1, 1)
    detail.autofilter(1, max(1 + risks, 2))  # the header and a row per risk
    # each process makes the rows it writes as it goes: made once and kept for both, a county's rows would add 35 MB
    # to the peak
    detail.write_rows_apart(lambda sheet: _detail_rows(form, sheet), parallel=form.parallel)
    if SHEET_DETAIL in form.fingerprints:  # taken where the rows were written, maybe a child: its digest comes back
        form.fingerprints[SHEET_DETAIL] = DigestApart(detail)
    form.heading(main, scope.title_prefix + FORM_NAME, _legend(scope, risks, measures))
    form.header(main, MAIN_COLUMNS)
    main.repeat_rows(1, 3)

    first = main.row + 1
    dept_run: tuple[object, int] = (None, first)  # (department, first row of its run)
    process_run: tuple[object, int] = (None, first)  # ((department, process), first row), only risks on a process
    center, left = styles.center, styles.left
    for number, (risk, row) in enumerate(_risk_rows(scope), 1):
        main.subject = risk.id
        at = main.row + 1
        c, lt = (styles.center_high, styles.left_high) if row.grade == HIGH else (center, left)

        dept_key = risk.department
        same_dept = dept_run[0] == dept_key
        if not same_dept:
            _merge_run(main, dept_run, at, 2)
            dept_run = (dept_key, at)
        process_key = (risk.department, risk.process) if risk.process else None
        same_process = process_key is not None and process_run[0] == process_key
        if not same_process:
            _merge_run(main, process_run, at, 3)
            process_run = (process_key, at) if process_key else (None, at)

        main.append((
            (number, c),
            (None if same_dept else row.department, center),
            (None if same_process else row.process, center),
            (row.step, c), (row.posts, c), (row.risk_id, c),
            (f"{row.title}：{row.description}", lt), (row.type, c), (row.grade_text, styles.grade[row.grade]),
            (row.measures, lt), (row.owners, lt), (row.monitors, lt),
        ))
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    written = main.row - first + 1
    if progress is not None and written % PROGRESS_EVERY:
        progress(written % PROGRESS_EVERY)  # the rest since the last report
    end = main.row + 1
    _merge_run(main, dept_run, end, 2)
    _merge_run(main, process_run, end, 3)
    if not scope.public:  # the filed copy is signed; the one posted for 内部公示 names nobody
        _sign_off(main, styles)


def _detail_rows(form: Form, detail: Sheet) -> str | None:
    """明细(可筛选)'s rows: its header, then one row per risk, unmerged; the digest of their fingerprint, when the
    workbook carries the register text."""
    form.header(detail, DETAIL_COLUMNS)
    for number, (risk, row) in enumerate(_risk_rows(form.scope), 1):
        detail.subject = risk.id
        detail.append(_detail_cells(form.styles, number, row))
    found = form.fingerprints.get(SHEET_DETAIL)
    return None if found is None else found.hexdigest()


def _detail_cells(styles: Styles, number: int, row: _RiskRow) -> tuple[Cell, ...]:
    c, lt = (styles.center_high, styles.left_high) if row.grade == HIGH else (styles.center, styles.left)
    return ((number, c), (row.department, c), (row.process, c), (row.step, c), (row.posts, c), (row.risk_id, c),
            (row.title, lt), (row.description, lt), (row.type, c), (row.grade_text, styles.grade[row.grade]),
            (row.measures, lt), (row.owners, lt), (row.monitors, lt))


SIGN_OFF = "填报人：__________    审核人：__________    单位负责人：__________    填报日期：______年____月____日"


def _sign_off(sheet: Sheet, styles: Styles) -> None:
    """The signature line under the table, across the sheet: who filled it in, checked and approved it, and when."""
    sheet.append([(None, styles.legend)] * sheet.width, height=12)
    sheet.append([(SIGN_OFF, styles.legend)] + [(None, styles.legend)] * (sheet.width - 1), height=28)
    sheet.merge(sheet.row, 1, sheet.row, sheet.width)


def _merge_run(sheet: Sheet, run: tuple[object, int], end: int, column: int) -> None:
    """Merge one column over a run of rows [start, end) that showed the same department or process."""
    key, start = run
    if key is not None and end - start > 1:
        sheet.merge(start, column, end - 1, column)


# The workbook's sheets in tab order: each writes its sheet (the first both risk sheets) of one Form.
SHEETS: tuple[Callable[[Form], None], ...] = (
    risk_sheets, sheets.powers, sheets.duties, sheets.post_grades, sheets.warnings, sheets.statistics,
    register_text,
)
