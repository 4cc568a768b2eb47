"""``lz grade`` as data: every risk's grades and monitors, and the distribution by department × grade.

The report is built from a validated register and the grading policy
(``grading.py``); the CLI renders it as a table, JSON (a contract, see
``to_json``) or GitHub annotations. Grades are canonical 高/中/低 here; how a
declared grade was written (★★, 一级 …) is kept only for ``fix.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.i18n import current_language, join_list, messages
from lianzheng_cli.load.parse import decode
from lianzheng_cli.load.positions import ItemLocator
from lianzheng_cli.model.grading import Grader
from lianzheng_cli.model.records import Register
from lianzheng_cli.outputs.diagnostics import display_path, make_console, write_github_annotations
from lianzheng_cli.validate.files import RegisterLocator
from lianzheng_cli.vocab import GRADES
from lianzheng_cli.write.grades import GradeChange, GradeEdit

JSON_VERSION = 1

tr = messages({
    "grade.col.id": {"zh": "编号", "en": "Risk"},
    "grade.col.department": {"zh": "部门", "en": "Department"},
    "grade.col.likelihood_impact": {"zh": "可能\n×危害", "en": "L×I"},
    "grade.col.score": {"zh": "分值", "en": "Score"},
    "grade.col.factor_mean": {"zh": "加权均分", "en": "Mean"},
    "grade.col.floors": {"zh": "定级下限", "en": "Floors"},
    "grade.col.declared": {"zh": "申报", "en": "Declared"},
    "grade.col.computed": {"zh": "计算", "en": "Computed"},
    "grade.col.monitors": {"zh": "监控责任人", "en": "Monitors"},
    "grade.col.residual": {"zh": "固有→剩余", "en": "Inherent→residual"},
    "grade.col.total": {"zh": "合计", "en": "Total"},
    "grade.unfilled": {"zh": "缺{role}", "en": "no {role}"},
    "grade.department": {"zh": "{name}（{id}）", "en": "{name}({id})"},
    "grade.title.risks": {"zh": "风险等级评定（{method}）", "en": "Risk grades ({method})"},
    "grade.title.distribution": {
        "zh": "各部门风险等级分布（按有效等级）",
        "en": "Grades by department (effective grade)",
    },
    "grade.method.matrix": {"zh": "矩阵法：可能性 × 危害程度", "en": "matrix: likelihood × impact"},
    "grade.method.factors": {"zh": "因素加权法", "en": "weighted factors"},
    "grade.listed_mismatches": {
        "zh": "共{total}个风险点，以下只列出申报与计算不一致的{shown}个（--all 列出全部，--department 按部门查看）",
        "en": "{total} risks; only the {shown} whose declared and computed grades differ are listed "
              "(--all lists every risk, --department one department)",
    },
    "grade.legend.mismatch": {
        "zh": "≠ 申报等级与计算等级不一致；有效等级取两者中较高者，监控责任人按有效等级确定。",
        "en": "≠ declared grade differs from the computed one; the effective grade is the higher of the two "
              "and decides the monitors.",
    },
    "grade.legend.monitoring": {"zh": "分级监控：{rules}", "en": "Monitoring: {rules}"},
    "grade.summary": {
        "zh": "共{total}个风险点：高{high}、中{medium}、低{low}；申报与计算不一致{mismatches}个",
        "en": "{total} risks: high {high}, medium {medium}, low {low}; declared ≠ computed: {mismatches}",
    },
    "grade.hint.write": {
        "zh": "运行 lz grade --write 可将不一致的申报等级改为计算等级（保留原写法与注释）",
        "en": "run lz grade --write to set the differing declared grades to the computed ones "
              "(spelling and comments kept)",
    },
    "grade.mismatch": {
        "zh": "风险点 {risk} 申报等级为{declared}，按评定办法应为{computed}",
        "en": "risk {risk} is declared {declared}; the grading policy gives {computed}",
    },
    "grade.written": {
        "zh": "{location}：风险点 {risk} 申报等级 {before} → {after}",
        "en": "{location}: risk {risk} declared grade {before} → {after}",
    },
    "grade.written.summary": {
        "zh": "已在{files}个文件中修改{count}个申报等级",
        "en": "changed {count} declared grades in {files} files",
    },
    "grade.written.none": {
        "zh": "申报等级与计算等级一致，无需修改",
        "en": "declared grades match the computed ones; nothing to change",
    },
    "grade.word.高": {"zh": "高", "en": "high"},
    "grade.word.中": {"zh": "中", "en": "medium"},
    "grade.word.低": {"zh": "低", "en": "low"},
    "grade.unknown_department": {
        "zh": "没有编号为 `{id}` 的部门（现有部门：{known}）",
        "en": "no department has the id `{id}` (departments: {known})",
    },
})


class UnknownDepartment(ValueError):
    """``--department`` names no department: a usage error."""


@dataclass(frozen=True, slots=True)
class MonitorRow:
    """One monitoring role (分级监控) of a risk, resolved to a person or unfilled."""

    role: str
    person: str | None  # person id; None when the role is unfilled
    name: str | None  # the person's name; None when unfilled
    as_written: bool = False  # a role the register added: shown as written, never a person


@dataclass(frozen=True, slots=True)
class GradeRow:
    """One risk as ``lz grade`` shows it."""

    id: str
    department: str
    likelihood: int
    impact: int
    score: float  # likelihood × impact (matrix) or the weighted factor mean (factors)
    floors: tuple[str, ...]  # 定级下限 that apply (三重一大, 行政审批 …)
    declared: str  # canonical; the computed grade when none is written
    declared_text: str | None  # as written in the file (★★, 一级 …); None when absent
    computed: str
    effective: str  # the higher of declared and computed
    monitors: tuple[MonitorRow, ...]
    file: str  # relative to the register folder
    path: tuple  # the risk's path in its file, e.g. ("risks", 3)
    residual: tuple[int, int] | None = None  # 剩余风险 (likelihood, impact), when the register gives one (1.1)
    residual_grade: str | None = None  # the grading method's grade of the residual scores, no floors

    @property
    def mismatch(self) -> bool:
        """A written declared grade that differs from the computed one (an absent one never does)."""
        return self.declared_text is not None and self.declared != self.computed

    @property
    def monitor_names(self) -> list[str]:
        """The people who monitor this risk, each once, in role order."""
        names: list[str] = []
        for monitor in self.monitors:
            if monitor.name is not None and monitor.name not in names:
                names.append(monitor.name)
        return names

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "department": self.department,
            "likelihood": self.likelihood,
            "impact": self.impact,
            "score": self.score,
            "declared": self.declared,
            "computed": self.computed,
            "effective": self.effective,
            "mismatch": self.mismatch,
            "floors": list(self.floors),
            "monitors": self.monitor_names,
            "monitor_roles": [{"role": m.role, "person": m.person, "name": m.name} for m in self.monitors],
            **self._residual_json(),
        }

    def _residual_json(self) -> dict[str, Any]:
        """``residual`` only where the register gives one: a version-1 register's JSON is as it always was."""
        if self.residual is None:
            return {}
        likelihood, impact = self.residual
        return {"residual": {"likelihood": likelihood, "impact": impact, "score": likelihood * impact,
                             "grade": self.residual_grade}}


def count_grades(rows: list[GradeRow]) -> dict[str, int]:
    """How many risks have each effective grade, 高 first."""
    counts: dict[str, int] = dict.fromkeys(GRADES, 0)
    for row in rows:
        counts[row.effective] += 1
    return counts


@dataclass
class GradeReport:
    method: str  # matrix | factors
    rows: list[GradeRow]
    departments: list[tuple[str, str]]  # (id, name) of the departments shown, in register order
    monitoring: dict[str, tuple[str, ...]]  # grade → roles, from org.yaml

    @property
    def distribution(self) -> dict[str, int]:
        return count_grades(self.rows)

    @property
    def by_department(self) -> dict[str, dict[str, int]]:
        rows_of: dict[str, list[GradeRow]] = {dept: [] for dept, _ in self.departments}
        for row in self.rows:  # one pass: 5,000 departments are not 5,000 passes over every risk
            if row.department in rows_of:
                rows_of[row.department].append(row)
        return {dept: count_grades(rows) for dept, rows in rows_of.items()}

    @property
    def mismatches(self) -> list[GradeRow]:
        return [r for r in self.rows if r.mismatch]

    def changes(self) -> list[GradeChange]:
        """What ``--write`` does: each written declared grade that differs becomes the computed one."""
        return [GradeChange(file=r.file, path=(*r.path, "grade"), risk=r.id, old=r.declared_text, new=r.computed)
                for r in self.mismatches if r.declared_text is not None]  # a mismatch is always written

    def to_json(self) -> dict[str, Any]:
        """The ``lz grade --format json`` contract (issue 3); grades are always canonical 高/中/低."""
        return {
            "version": JSON_VERSION,
            "method": self.method,
            "risks": [r.to_json() for r in self.rows],
            "distribution": self.distribution,
            "by_department": self.by_department,
        }


def build_grade_report(register: Register, *, department: str | None = None) -> GradeReport:
    """Grade every risk of ``register`` (only ``department``'s when given)."""
    if department is not None and department not in register.by_department:
        raise UnknownDepartment(tr("grade.unknown_department", id=department,
                                   known=join_list(list(register.by_department))))
    grader = Grader.of(register)
    rows = []
    # The grader resolves a department's monitors once per grade: their rows are shared the same way.
    shared: dict[int, tuple[MonitorRow, ...]] = {}
    for risk in register.risks.values():
        if department is not None and risk.department != department:
            continue
        grade = grader.grades[risk.id]
        monitors = shared.get(id(grade.monitors))
        if monitors is None:
            monitors = shared[id(grade.monitors)] = tuple(
                MonitorRow(m.role, m.person, register.people[m.person].name if m.person in register.people else None,
                           m.as_written)
                for m in grade.monitors)
        rows.append(GradeRow(
            id=risk.id, department=risk.department, likelihood=risk.likelihood, impact=risk.impact,
            score=grade.score, floors=grade.floors, declared=grade.declared, declared_text=risk.declared_text,
            computed=grade.computed, effective=grade.effective, monitors=monitors,
            file=risk.at.file, path=risk.at.path, residual=risk.residual, residual_grade=grade.residual))
    departments = [(d.id, d.name) for d in register.departments if department in (None, d.id)]
    return GradeReport(register.org.grading.method, rows, departments, dict(register.org.monitoring))


# --- rendering: one function per --format, all from the same report ---

_GRADE_STYLE = {"高": "bold red", "中": "yellow", "低": "green"}


def _table(title: str) -> Table:
    """A rule under the header and two spaces between columns: the most that fits in 80 columns."""
    return Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 0), pad_edge=False,
                 title_justify="left")

DEPARTMENT_WIDTH = 10  # columns; a longer name runs down the department's rows like a merged cell


def _word(grade: str) -> str:
    return tr(f"grade.word.{grade}")


def _score_text(report: GradeReport, row: GradeRow) -> str:
    return f"{row.score:.2f}" if report.method == "factors" else str(int(row.score))


def _monitor_text(row: GradeRow) -> str:
    # Spaces, not 、, between names: rich wraps a narrow cell at spaces only.
    parts = [escape(name) for name in row.monitor_names]
    parts += [f"[yellow]{escape(tr('grade.unfilled', role=m.role))}[/]" for m in row.monitors
              if m.name is None and not m.as_written]
    parts += [escape(m.role) for m in row.monitors if m.as_written]  # an added role, shown as written
    return " ".join(parts)


def _residual_text(row: GradeRow) -> str:
    """固有等级 → 剩余等级, or a dash where no residual is given."""
    if row.residual_grade is None:
        return "—"
    return (f"[{_GRADE_STYLE[row.effective]}]{_word(row.effective)}[/]→"
            f"[{_GRADE_STYLE[row.residual_grade]}]{_word(row.residual_grade)}[/]")


def _chunks(text: str, width: int) -> list[str]:
    """``text`` cut into pieces of at most ``width`` terminal columns."""
    pieces, current = [], ""
    for ch in text:
        if cell_len(current + ch) > width:
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current] if current else pieces


def _floors_width(report: GradeReport, department_width: int, total: int) -> int:
    """Room for the floors once the monitors have theirs: the names matter more than the labels."""
    factors = report.method == "factors"
    fixed = [max([len(i) if i.isascii() else cell_len(i) for i in (r.id for r in report.rows)]  # ids: mostly ASCII
                 + [cell_len(tr("grade.col.id"))]),
             department_width,
             *([5] if not factors else []),  # 可能/×危害 on two lines, or 5×5
             max(4, cell_len(tr("grade.col.factor_mean" if factors else "grade.col.score"))),
             max(3, cell_len(tr("grade.col.declared"))) + 1, max(2, cell_len(tr("grade.col.computed"))),
             *([max(5, cell_len(tr("grade.col.residual")))] if any(r.residual_grade for r in report.rows) else [])]
    widths: dict[int, int] = {}  # a department's risks share their monitors' rows: each measured once
    for row in report.rows:
        key = id(row.monitors)
        if key not in widths:
            widths[key] = cell_len(" ".join(row.monitor_names + [tr("grade.unfilled", role=m.role)
                                                                 for m in row.monitors if m.name is None]))
    monitors = max([*widths.values(), 8])
    columns = len(fixed) + 2
    return max(8, total - sum(fixed) - monitors - 2 * (columns - 1))


# Above this many risks the text table lists only the mismatched ones (see render_text).
LIST_LIMIT = 500


def render_text(report: GradeReport, out: TextIO, *, hint: bool = True, list_all: bool = False) -> None:
    """The risk table, the distribution table and a one-line summary, readable at 80 columns.

    A large register lists only its mismatched risks unless ``list_all``: 74,000 rows help nobody
    in a terminal (``--format json`` and ``--department`` give the rest).
    """
    console = make_console(out)
    shown = report.rows
    if not list_all and len(shown) > LIST_LIMIT:
        shown = [r for r in report.rows if r.mismatch]
        console.print(escape(tr("grade.listed_mismatches", total=len(report.rows), shown=len(shown))))
    if shown:
        _render_rows(report, shown, console)
    console.print()
    render_distribution(report, console)
    render_summary(report, console, hint=hint)


def _render_rows(report: GradeReport, rows_shown: list[GradeRow], console: Console) -> None:
    factors = report.method == "factors"
    names = dict(report.departments)
    width = min(DEPARTMENT_WIDTH, max([cell_len(names.get(r.department, "")) for r in report.rows] + [4]))
    table = _table(tr("grade.title.risks", method=tr(f"grade.method.{report.method}")))
    table.add_column(tr("grade.col.id"), no_wrap=True)
    table.add_column(tr("grade.col.department"), overflow="fold", width=width)
    if not factors:
        table.add_column(tr("grade.col.likelihood_impact"), justify="center", no_wrap=True)
    table.add_column(tr("grade.col.factor_mean" if factors else "grade.col.score"), justify="right", no_wrap=True)
    table.add_column(tr("grade.col.floors"), overflow="fold", min_width=8,
                     max_width=_floors_width(report, width, console.width))
    table.add_column(tr("grade.col.declared"), no_wrap=True)
    table.add_column(tr("grade.col.computed"), no_wrap=True)
    residuals = any(r.residual_grade for r in rows_shown)  # 1.1: the column only where a residual is given
    if residuals:
        table.add_column(tr("grade.col.residual"), no_wrap=True)
    table.add_column(tr("grade.col.monitors"), overflow="fold", min_width=8)
    by_department: dict[str, list[GradeRow]] = {}
    for row in rows_shown:
        by_department.setdefault(row.department, []).append(row)
    for dept, _ in report.departments:
        rows = by_department.get(dept)
        if not rows:
            continue
        if table.rows:
            table.add_section()
        pieces = _chunks(names[dept], width)
        # The last row takes what is left of a name longer than the block.
        labels = [*pieces[:len(rows) - 1], "".join(pieces[len(rows) - 1:])]
        for index, row in enumerate(rows):
            declared = f"[{_GRADE_STYLE[row.declared]}]{_word(row.declared)}[/]"
            if row.mismatch:
                declared = f"[bold reverse]{_word(row.declared)}≠[/]"
            computed = f"[{_GRADE_STYLE[row.computed]}]{_word(row.computed)}[/]"
            cells = [escape(row.id), escape(labels[index]) if index < len(labels) else ""]
            if not factors:
                cells.append(f"{row.likelihood}×{row.impact}")
            cells += [_score_text(report, row), escape(" ".join(row.floors)) or "—", declared, computed]
            if residuals:
                cells.append(_residual_text(row))
            cells.append(_monitor_text(row))
            table.add_row(*cells)
    console.print(table)
    separator = "; " if current_language() == "en" else "；"
    rules = separator.join(f"{_word(g)} → {join_list(list(roles))}" for g, roles in report.monitoring.items())
    console.print(escape(tr("grade.legend.monitoring", rules=rules)))
    if report.mismatches:
        console.print(escape(tr("grade.legend.mismatch")))


def render_distribution(report: GradeReport, console: Console) -> None:
    table = _table(tr("grade.title.distribution"))
    table.add_column(tr("grade.col.department"))
    for grade in ("高", "中", "低"):
        table.add_column(_word(grade), justify="right")
    table.add_column(tr("grade.col.total"), justify="right")
    names = dict(report.departments)
    for dept, counts in report.by_department.items():
        name = names.get(dept, dept)
        table.add_row(escape(tr("grade.department", name=name, id=dept)), *(str(counts[g]) for g in ("高", "中", "低")),
                      str(sum(counts.values())))
    table.add_section()
    totals = report.distribution
    table.add_row(tr("grade.col.total"), *(str(totals[g]) for g in ("高", "中", "低")), str(sum(totals.values())),
                  style="bold")
    console.print(table)


def summary_line(report: GradeReport) -> str:
    counts = report.distribution
    return tr("grade.summary", total=len(report.rows), high=counts["高"], medium=counts["中"], low=counts["低"],
              mismatches=len(report.mismatches))


def render_summary(report: GradeReport, console: Console, *, hint: bool = True) -> None:
    style = "bold red" if report.mismatches else "green"
    console.print(f"[{style}]{escape(summary_line(report))}[/]")
    if report.mismatches and hint:
        console.print(escape(tr("grade.hint.write")))


def render_json(report: GradeReport, out: TextIO, *, written: list[GradeEdit] | None = None) -> None:
    document = report.to_json()
    if written is not None:
        document["written"] = [
            {"file": e.change.file, "line": e.line, "column": e.column, "risk": e.change.risk,
             "before": e.before, "after": e.after}
            for e in written]
    out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def render_github(report: GradeReport, out: TextIO, root: Path, *, fail: bool = False) -> None:
    """Each mismatch as an annotation on its ``grade:`` line (an error when ``--check`` fails the run).

    Only files with a mismatch are read again, to find the ``grade:`` lines; the annotation itself is
    the same GitHub workflow command every diagnostic uses.
    """
    locator = _GradeLocator(root)
    severity = Severity.ERROR if fail else Severity.WARNING
    mismatches = []
    for row in report.mismatches:
        line, column = locator.grade_at(row.file, row.path)
        message = tr("grade.mismatch", risk=row.id, declared=_word(row.declared), computed=_word(row.computed))
        mismatches.append(Diagnostic("LZ201", severity, row.file, line, column, message, row.id))
    write_github_annotations(mismatches, root, out)
    out.write(summary_line(report) + "\n")


class _GradeLocator:
    """Where a risk's ``grade:`` value stands, from the text: the risk items of the top-level ``risks:`` block list
    (a line-scan), the key in the item's lines, the value after it on that line. Anything written otherwise is left
    to the full locator (a county's 400 files parsed again took longer than grading them)."""

    def __init__(self, root: Path):
        self.root = root
        self.full = RegisterLocator(root)
        self.files: dict[str, tuple[list[str], ItemLocator]] = {}

    def grade_at(self, rel: str, path: tuple) -> tuple[int, int]:
        if rel not in self.files:
            text = decode((self.root / rel).read_bytes(), rel)[0] or ""
            lines = text.split("\n")
            items = {("risks", i): start for i, start in enumerate(_block_items(lines, "risks"))}
            self.files[rel] = (lines, ItemLocator(text, items, self.full, rel))
        lines, locator = self.files[rel]
        line, column = locator.at(rel, (*path, "grade"), key=True)
        written = lines[line - 1][column - 1:] if 0 < line <= len(lines) else ""
        rest = written[len("grade:"):]
        value = rest.lstrip(" ")
        if written.startswith("grade:") and value and value[0] not in "|>&!*#{[,}":
            return line, column + len("grade:") + len(rest) - len(value)
        return self.full.at(rel, (*path, "grade"))


def _block_items(lines: list[str], key: str) -> list[tuple[int, int]]:
    """(line, column) where each item of the top-level block list ``key:`` starts (after its ``- ``); none when
    the list is not written as a plain block list."""
    try:
        start = lines.index(f"{key}:")
    except ValueError:
        return []
    found: list[tuple[int, int]] = []
    indent: int | None = None
    for number in range(start + 1, len(lines)):
        text = lines[number]
        body = text.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        depth = len(text) - len(body)
        if depth == 0:
            break
        if body.startswith("- ") and (indent is None or depth == indent):
            indent = depth
            found.append((number + 1, depth + 3))
    return found


def render_written(edits: list[GradeEdit], report: GradeReport, root: Path, out: TextIO) -> None:
    """What ``--write`` changed, one line per grade, then the summary of the register as it is now."""
    console = make_console(out, soft_wrap=True)
    if not edits:
        console.print(escape(tr("grade.written.none")))
    for edit in edits:
        location = f"{display_path(root, edit.change.file)}:{edit.line}:{edit.column}"
        console.print(escape(tr("grade.written", location=location, risk=edit.change.risk, before=edit.before,
                                after=edit.after)))
    if edits:
        files = len({e.change.file for e in edits})
        console.print(f"[green]{escape(tr('grade.written.summary', files=files, count=len(edits)))}[/]")
    render_summary(report, console, hint=False)


@dataclass(frozen=True, slots=True)
class GradeOutput:
    """What ``lz grade`` shows: the report, what ``--write`` changed (None without it), and the options."""

    report: GradeReport
    root: Path
    written: list[GradeEdit] | None = None
    check: bool = False
    list_all: bool = False


def _as_text(output: GradeOutput, out: TextIO) -> None:
    if output.written is not None:
        render_written(output.written, output.report, output.root, out)
    else:
        render_text(output.report, out, list_all=output.list_all)


def _as_json(output: GradeOutput, out: TextIO) -> None:
    render_json(output.report, out, written=output.written)


def _as_github(output: GradeOutput, out: TextIO) -> None:
    render_github(output.report, out, output.root, fail=output.check and output.written is None)


# ``lz grade --format`` choices come from here.
GRADE_FORMATS: dict[str, Callable[[GradeOutput, TextIO], None]] = {
    "text": _as_text, "json": _as_json, "github": _as_github,
}
