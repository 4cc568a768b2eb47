"""廉政风险点防控措施一览表: the print-ready workbook rendered from a register.

Sheets: the 一览表 (merged like the paper form), 明细(可筛选) (the same rows
unmerged, with an autofilter), 职权目录, 岗位风险等级目录, 预警处置记录 and
统计. The sheet texts are the form's own Chinese words whatever ``--lang``
says: the form is what the organization files.

County registers hold ~74,000 risks (~1.85 million styled cells over the two
risk sheets), more than openpyxl's write-only cells can stream in the time
allowed. So openpyxl builds everything but the rows: the styles (each made
once, then referred to by its index in the stylesheet), column widths,
frozen panes, merges, the autofilter, page setup and footer. The rows are
written here as ``<row>`` XML into one temporary spool per sheet
(``_RowSpool``), and after openpyxl has saved the package into memory, its
zip entries are streamed into the final file with each sheet's spool spliced
into its empty ``<sheetData>``. Row heights are estimated from the wrapped
text: LibreOffice does not grow a row to its text when it opens a file, and
the estimate follows Excel's 宋体 metrics.

No text from the register ever becomes a formula: every string cell is an
inline string (``t="inlineStr"``), never ``<f>``, so ``=…`` stays text and
``#N/A`` is no error value; characters XML cannot hold are dropped.

This is the only module that imports openpyxl for writing.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from lianzheng_cli import i18n
from lianzheng_cli.model.grading import RiskGrade, grade_register
from lianzheng_cli.model.records import Department, Register, Risk
from lianzheng_cli.vocab import ENUMS, GRADE_RANK, GRADE_STYLES, GRADES

tr = i18n.messages({
    "render.unknown_department": {
        "zh": "登记簿中没有编号为 `{id}` 的部门",
        "en": "the register has no department with id `{id}`",
    },
})

FORM_NAME = "廉政风险点防控措施一览表"
SHEET_MAIN = FORM_NAME
SHEET_DETAIL = "明细(可筛选)"
SHEET_POWERS = "职权目录"
SHEET_POSTS = "岗位风险等级目录"
SHEET_WARNINGS = "预警处置记录"
SHEET_STATS = "统计"

# (header, width in Excel units; a CJK character in 宋体 10pt takes about 1.9)
MAIN_COLUMNS = (
    ("序号", 5), ("部门", 9), ("流程", 11), ("关键环节", 10), ("涉及对象(岗位)", 12), ("风险点编号", 9),
    ("廉政风险点(风险表现)", 30), ("风险类型", 9), ("风险等级", 7), ("防控措施", 44), ("责任主体", 13),
    ("监控责任人", 18),
)
DETAIL_COLUMNS = (
    ("序号", 6), ("部门", 12), ("流程", 14), ("关键环节", 12), ("涉及对象(岗位)", 14), ("风险点编号", 11),
    ("风险点名称", 16), ("风险表现", 30), ("风险类型", 9), ("风险等级", 9), ("防控措施", 44), ("责任主体", 14),
    ("监控责任人", 16),
)
POWER_COLUMNS = (
    ("序号", 5), ("部门", 12), ("职权编号", 11), ("职权名称", 24), ("职权类别", 9), ("对内/对外", 7),
    ("三重一大", 7), ("行使岗位", 20), ("职权依据", 34), ("运行流程", 20),
)
WARNING_COLUMNS = (
    ("序号", 5), ("预警编号", 11), ("预警日期", 11), ("部门", 12), ("风险点编号", 11), ("风险点", 18),
    ("信息来源", 9), ("预警级别", 7), ("发现的问题", 36), ("处置方式", 9), ("办结日期", 11), ("状态", 7),
)
POST_COLUMNS_HEAD = (("序号", 5), ("部门", 14), ("岗位", 18), ("在岗人员", 14), ("岗位职责", 36))
POST_COLUMNS_TAIL = (("风险点数", 7), ("最高等级", 8))

HIGH = GRADES[0]
DATE_FORMAT = "yyyy-mm-dd"
MAX_CELL_TEXT = 32767  # Excel's limit for one cell
LINE_HEIGHT = 14.0  # points per line of 宋体 10pt, as LibreOffice and Excel space it
ROW_PADDING = 5.0
MAX_ROW_HEIGHT = 409.5  # points: Excel's tallest row
SPOOL_IN_MEMORY = 4 << 20  # bytes of row XML a sheet keeps in memory before its spool moves to a temporary file
ZIP_LEVEL = 3  # 0.45 × the time of zlib's default 6, for a file 25 % larger
ZIP64_FROM = 1 << 31  # bytes of sheet XML from which its zip entry needs ZIP64 headers (zipfile's own limit)
PROGRESS_EVERY = 1000  # risks between two progress reports
Progress = Callable[[int], None]
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# anything clean_text or XML escaping has to touch; most register texts have none of it
_NEEDS_ATTENTION = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_DATA_END = re.compile(rb"<sheetData\s*/>|</sheetData>")
_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def render_workbook(register: Register, path: Path, *, public: bool = False,
                    department: str | None = None, progress: Progress | None = None) -> Path:
    """Write the 一览表 workbook of ``register`` (or of one ``department``) to ``path``; returns ``path``.

    ``public`` is the 内部公示 version: no person's name anywhere and no 预警处置记录.
    ``progress(n)`` is told every so often that ``n`` more risks have been written
    (one row on each risk sheet); over a render the calls add up to the risks in scope.
    The file is written next to ``path`` first and moved into place, so a failed
    render never leaves half a workbook behind.
    """
    if department is not None and department not in register.by_department:
        raise KeyError(tr("render.unknown_department", id=department))
    return _render(_Index(register), Path(path), public, department, progress)


def render_by_department(register: Register, folder: Path, *, public: bool = False,
                         progress: Progress | None = None) -> list[Path]:
    """One workbook per department into ``folder`` (each office files its own form)."""
    index = _Index(register)  # grades and lookups once, not once per department
    names = department_file_names(register)
    return [_render(index, Path(folder) / names[dept.id], public, dept.id, progress)
            for dept in register.departments]


def _render(index: _Index, path: Path, public: bool, department: str | None, progress: Progress | None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)  # before any row: a bad folder fails at once
    scope = _Scope(index, public, department)
    with _Book() as book:
        _write_risk_sheets(book, scope, progress)
        _write_powers(book, scope)
        _write_posts(book, scope)
        if not public:
            _write_warnings(book, scope)
        _write_stats(book, scope)
        book.save(path)
    return path


def workbook_name(register: Register) -> str:
    """``<组织名>-<年度>-廉政风险点防控措施一览表.xlsx``."""
    return f"{_safe_file_part(register.org.name)}-{register.org.year}-{FORM_NAME}.xlsx"


def department_file_names(register: Register) -> dict[str, str]:
    """File name of each department's workbook; the id joins the name when two departments share one."""
    counts = Counter(d.name for d in register.departments)
    org = _safe_file_part(register.org.name)
    names = {}
    for dept in register.departments:
        label = dept.name if counts[dept.name] == 1 else f"{dept.name}({dept.id})"
        names[dept.id] = f"{org}-{register.org.year}-{_safe_file_part(label)}-{FORM_NAME}.xlsx"
    return names


def default_output(register: Register, base: Path | None = None) -> Path:
    """``out/<组织名>-<年度>-廉政风险点防控措施一览表.xlsx`` under ``base`` (the current folder)."""
    return (base or Path.cwd()) / "out" / workbook_name(register)


def display_grade(grade: str, style: str) -> str:
    """A canonical grade as the register's ``display.grade`` writes it (★★★, 一级, 红色 …)."""
    return GRADE_STYLES.get(style, GRADE_STYLES["word"])[grade]


def format_measures(risk: Risk) -> str:
    """Measures as numbered lines with their stage: ``1.【前期预防】…``."""
    return "\n".join(f"{i}.【{m.stage}】{m.text}" for i, m in enumerate(risk.measures, 1))


def clean_text(text: str) -> str:
    """Text as a cell can hold it: no characters XML refuses, at most Excel's 32,767."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text if len(text) <= MAX_CELL_TEXT else text[:MAX_CELL_TEXT]


def _line_capacity(width: float) -> float:
    """How many half-width characters fit on one line of a column ``width`` Excel units wide.

    A unit is about 7 px; 宋体 10pt draws a CJK character in 13.3 px, a Latin one in about half.
    The margin of 7 % leaves room for line-breaking rules (no 、,。 at a line's start).
    """
    return max((7 * width - 1) / 6.67 * 0.93, 2.0)


@lru_cache(maxsize=1 << 14)  # both risk sheets show the measures at one width; owners and monitors repeat
def _count_lines(text: str, capacity: float) -> int:
    """Lines ``text`` wraps to in a column holding ``capacity`` half-width characters a line."""
    # UTF-8 length + character count = 2 per CJK character, 1 per ASCII one; an empty line is still a line
    if "\n" not in text:
        return int(-(-((len(text.encode("utf-8")) + len(text)) // 2) // capacity)) or 1
    return int(sum(-(-((len(line.encode("utf-8")) + len(line)) // 2) // capacity) or 1
                   for line in text.split("\n")))


def _safe_file_part(text: str) -> str:
    return _UNSAFE_FILE_CHARS.sub("_", text).strip(" .") or "_"


class _Index:
    """Register-wide lookups every workbook of a render shares: grades, names, orders, counts."""

    def __init__(self, register: Register):
        self.register = register
        self.grades: dict[str, RiskGrade] = grade_register(register)
        self.process_rank = {pid: i for i, pid in enumerate(register.processes)}
        self.step_rank: dict[tuple[str, str], int] = {}
        self.step_names: dict[tuple[str, str], str] = {}
        for process in register.processes.values():
            for j, step in enumerate(process.steps):
                self.step_rank[(process.id, step.id)] = j
                self.step_names[(process.id, step.id)] = step.name
        self.post_names = {pid: post.name for pid, post in register.posts.items()}
        # 岗位风险等级: a post's risks over the whole register, whichever department's workbook lists it
        self.post_grades: dict[str, Counter] = {}
        for risk in register.risks.values():
            grade = self.grades[risk.id].effective
            for post in risk.posts:
                counts = self.post_grades.get(post)
                if counts is None:
                    counts = self.post_grades[post] = Counter()
                counts[grade] += 1
        self.people_of_post: dict[str, list[str]] = {}
        for person in register.people.values():
            self.people_of_post.setdefault(person.post, []).append(person.name)
        self.holders_of_power: dict[str, list[str]] = {}
        for post in register.posts.values():
            for power in post.powers:
                self.holders_of_power.setdefault(power, []).append(post.name)


class _Scope:
    """What one workbook shows: the whole register or one department, public or internal."""

    def __init__(self, index: _Index, public: bool, department: str | None):
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

    @property
    def title_prefix(self) -> str:
        """``示例县商务局2025年度`` or ``示例县商务局对外贸易发展室2025年度``."""
        dept = self.department.name if self.department else ""
        return f"{self.org.name}{dept}{self.org.year}年度"

    def risks(self) -> Iterator[Risk]:
        """Every risk in scope, by department, then process, then step (the register's order)."""
        process_rank, step_rank = self.index.process_rank, self.index.step_rank
        no_process = len(process_rank)
        for dept in self.departments:
            def order(indexed: tuple[int, Risk]) -> tuple[int, int, int]:
                i, risk = indexed
                if risk.process is None:
                    return (no_process, 0, i)
                return (process_rank.get(risk.process, no_process), step_rank.get((risk.process, risk.step), -1), i)
            for _, risk in sorted(enumerate(dept.risks), key=order):
                yield risk

    def grade_text(self, grade: str) -> str:
        return display_grade(grade, self.style)

    def grade_header(self, grade: str) -> str:
        """A grade as a column header: ``高(★★★)``, or just ``高`` in the word style."""
        shown = self.grade_text(grade)
        return grade if shown == grade else f"{grade}({shown})"

    def owner_name(self, ident: str) -> str:
        """A measure owner's name; in public a person is shown by their post."""
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
        """监控责任人 (分级监控): roles with people, or roles only in public."""
        if self.public:
            return "\n".join(m.role for m in grade.monitors)
        lines = []
        for m in grade.monitors:
            person = self.register.people.get(m.person) if m.person else None
            lines.append(f"{m.role}:{person.name if person else '(空缺)'}")
        return "\n".join(lines)


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


def _risk_rows(scope: _Scope) -> Iterator[tuple[Risk, _RiskRow]]:
    register = scope.register
    step_names, post_names = scope.index.step_names, scope.index.post_names
    for risk in scope.risks():
        grade = scope.grades[risk.id]
        process = register.processes.get(risk.process) if risk.process else None
        yield risk, _RiskRow(
            department=register.by_department[risk.department].name,
            process=process.name if process else "",
            step=step_names.get((risk.process, risk.step), "") if risk.step else "",
            posts="、".join(post_names.get(p, p) for p in risk.posts),
            risk_id=risk.id,
            title=risk.title,
            description=risk.description,
            type=risk.type,
            grade=grade.effective,
            grade_text=scope.grade_text(grade.effective),
            measures=format_measures(risk),
            owners=scope.owners(risk),
            monitors=scope.monitors(grade),
        )


class _Styles:
    """Every cell style of the workbook, made once; each is its index in the stylesheet's cell formats."""

    def __init__(self, wb: Workbook):
        probe = WriteOnlyCell(wb.create_sheet("_styles"))
        wb.remove(probe.parent)
        thin = Side(style="thin", color="000000")
        box = Border(left=thin, right=thin, top=thin, bottom=thin)
        body = Font(name="宋体", size=10, charset=134)
        bold_body = Font(name="宋体", size=10, bold=True, charset=134)
        heading = Font(name="黑体", size=11, charset=134)
        center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        shade_high = PatternFill("solid", fgColor="FCE4E4")
        shade_header = PatternFill("solid", fgColor="D9D9D9")
        shade_total = PatternFill("solid", fgColor="F2F2F2")

        def make(font: Font, alignment: Alignment | None = None, border: Border | None = None,
                 fill: PatternFill | None = None, number_format: str | None = None) -> int:
            probe._style = None
            probe.font = font
            if alignment is not None:
                probe.alignment = alignment
            if border is not None:
                probe.border = border
            if fill is not None:
                probe.fill = fill
            if number_format is not None:
                probe.number_format = number_format
            return probe.style_id  # adds the style to the workbook's stylesheet, which openpyxl writes at the save

        self.title = make(Font(name="黑体", size=16, charset=134), Alignment(horizontal="center", vertical="center",
                                                                            wrap_text=True))
        self.legend = make(body, Alignment(horizontal="left", vertical="center"))
        self.section = make(Font(name="黑体", size=12, charset=134), Alignment(horizontal="left", vertical="center"))
        self.header = make(heading, center, box, shade_header)
        self.center = make(body, center, box)
        self.left = make(body, left, box)
        self.date = make(body, center, box, number_format=DATE_FORMAT)
        self.total = make(bold_body, center, box, shade_total)
        self.center_high = make(body, center, box, shade_high)
        self.left_high = make(body, left, box, shade_high)
        # 风险等级 cells: 高 bold dark red on the shaded row, 中 orange, 低 plain
        self.grade = {
            "高": make(Font(name="宋体", size=10, bold=True, color="C00000", charset=134), center, box, shade_high),
            "中": make(Font(name="宋体", size=10, color="C65911", charset=134), center, box),
            "低": self.center,
        }


class _Book:
    """One workbook being rendered: openpyxl holds its layout and styles, each sheet's spool its rows.

    Use it as a context manager: leaving it discards the spools, saved or not.
    """

    def __init__(self) -> None:
        self.wb = Workbook(write_only=True)
        self.styles = _Styles(self.wb)
        self.sheets: list[_Sheet] = []

    def __enter__(self) -> _Book:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for sheet in self.sheets:
            sheet.spool.close()

    def sheet(self, title: str, columns: Iterable[tuple[str, float]], **layout) -> _Sheet:
        sheet = _Sheet(self.wb, title, columns, **layout)
        self.sheets.append(sheet)
        return sheet

    def save(self, path: Path) -> None:
        """openpyxl saves the package into memory (no rows yet); the rows are spliced in on the way to ``path``."""
        package = io.BytesIO()
        self.wb.save(package)  # small: every <sheetData> is still empty
        spools = {sheet.ws.path.lstrip("/"): sheet.spool for sheet in self.sheets}  # a sheet's path is set by the save
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        try:
            with open(partial, "wb") as out:
                _splice_rows(package, spools, out)
            os.replace(partial, path)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc  # name the workbook, not the partial file
        finally:
            partial.unlink(missing_ok=True)


def _splice_rows(package: IO[bytes], spools: dict[str, _RowSpool], out: IO[bytes]) -> None:
    """Copy the zip ``package`` to ``out``, each sheet's spooled rows put into its ``<sheetData>``.

    Other entries are copied as they are. A sheet's XML is streamed through in chunks, never held whole.
    """
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                              compresslevel=ZIP_LEVEL) as target:
        for entry in source.infolist():
            spool = spools.get(entry.filename)
            if spool is None:
                target.writestr(entry, source.read(entry), compresslevel=ZIP_LEVEL)
                continue
            # ZIP64 only when the sheet needs it: some spreadsheet programs read ZIP64 headers badly
            large = entry.file_size + spool.size >= ZIP64_FROM
            with source.open(entry) as sheet_xml, target.open(entry.filename, "w", force_zip64=large) as dest:
                _copy_with_rows(sheet_xml, spool, dest)


def _copy_with_rows(sheet_xml: IO[bytes], spool: _RowSpool, dest: IO[bytes]) -> None:
    """Copy a sheet's XML, writing the spooled rows at the end of its ``<sheetData>``."""
    keep = 16  # longer than a split "</sheetData>" or "<sheetData />"
    pending = b""
    while True:
        chunk = sheet_xml.read(1 << 16)
        pending += chunk
        found = _SHEET_DATA_END.search(pending)
        if found is not None:
            dest.write(pending[:found.start()])
            if found.group() != b"</sheetData>":  # lxml writes an empty sheetData as <sheetData/>
                dest.write(b"<sheetData>")
            spool.copy_to(dest)
            dest.write(b"</sheetData>")
            dest.write(pending[found.end():])
            shutil.copyfileobj(sheet_xml, dest)
            return
        if not chunk:
            raise RuntimeError("openpyxl wrote a worksheet without <sheetData>")
        dest.write(pending[:-keep])
        pending = pending[-keep:]


class _RowSpool:
    """The rows of one sheet as ``<row>`` XML, kept in a temporary spool until the save splices them in.

    Writing the XML here costs a fraction of openpyxl's per-cell work. Text is written as inline
    strings (``t="inlineStr"``), never as a formula; attributes hold only references, style indices
    and heights made here, so only text needs escaping.
    """

    def __init__(self, columns: int):
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        self._pending: list[str] = []
        self._refs = [f'<c r="{get_column_letter(i)}' for i in range(1, columns + 1)]
        self._written = 0  # bytes in the file

    def write(self, number: int, cells: tuple[tuple[object, int], ...], height: float) -> None:
        """Row ``number`` (1-based): its (value, style index) cells from column A on, ``height`` in points."""
        refs = self._refs
        while len(refs) < len(cells):
            refs.append(f'<c r="{get_column_letter(len(refs) + 1)}')
        needs_attention = _NEEDS_ATTENTION.search
        at = f'{number}" s="'  # every cell reference ends in the row number, followed by the style
        parts = [f'<row r="{number}" ht="{height:g}" customHeight="1">']
        append = parts.append
        for ref, (value, style) in zip(refs, cells):
            if value.__class__ is str and value:
                if needs_attention(value) is not None or len(value) > MAX_CELL_TEXT:
                    value = xml_text(value)
                append(f'{ref}{at}{style}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>')
            elif value is None or value == "":
                append(f'{ref}{at}{style}"/>')  # a styled empty cell: the grid and shading stay
            elif isinstance(value, str):
                append(f'{ref}{at}{style}" t="inlineStr"><is><t xml:space="preserve">{xml_text(value)}</t></is></c>')
            elif isinstance(value, bool):
                append(f'{ref}{at}{style}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float)):
                append(f'{ref}{at}{style}"><v>{value!r}</v></c>')
            elif isinstance(value, date):  # a serial day number; the style's number format shows it as a date
                append(f'{ref}{at}{style}"><v>{to_excel(value)}</v></c>')
            else:
                raise TypeError(f"a cell cannot hold {type(value).__name__}: {value!r}")
        append("</row>")
        self._pending.append("".join(parts))
        if len(self._pending) >= 256:  # rows are encoded and written in batches
            self._flush()

    @property
    def size(self) -> int:
        """Bytes of row XML spooled so far."""
        self._flush()
        return self._written

    def copy_to(self, dest: IO[bytes]) -> None:
        self._flush()
        self._file.seek(0)
        shutil.copyfileobj(self._file, dest, 1 << 20)

    def close(self) -> None:
        self._file.close()

    def _flush(self) -> None:
        if self._pending:
            self._written += self._file.write("".join(self._pending).encode("utf-8"))
            self._pending.clear()


def xml_text(text: str) -> str:
    """``text`` as XML character data of a cell: cleaned like ``clean_text``, ``&<>`` escaped,
    and a carriage return as a reference (a parser would read a bare one as a line feed)."""
    if _NEEDS_ATTENTION.search(text) is None:
        return text if len(text) <= MAX_CELL_TEXT else text[:MAX_CELL_TEXT]
    text = clean_text(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


class _Sheet:
    """One worksheet: layout first (openpyxl), then rows of (value, style index) pairs (its spool)."""

    def __init__(self, wb: Workbook, title: str, columns: Iterable[tuple[str, float]], *,
                 frozen_rows: int = 0, title_rows: int = 0, portrait: bool = False):
        self.ws = ws = wb.create_sheet(title)
        self.row = 0
        self._capacity = []
        for i, (_, width) in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
            self._capacity.append(_line_capacity(width))
        self.spool = _RowSpool(len(self._capacity))
        if frozen_rows:
            ws.freeze_panes = f"A{frozen_rows + 1}"
        # print-ready: A4 (landscape but for the narrow 统计), as wide as the page, as many pages tall as needed
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.orientation = "portrait" if portrait else "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = 0.5
        ws.page_margins.bottom = 0.6
        ws.page_margins.footer = 0.25
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"
        ws.oddFooter.center.font = "宋体,Regular"
        ws.oddFooter.center.size = 9
        if title_rows:
            ws.print_title_rows = f"1:{title_rows}"

    def append(self, cells: Iterable[tuple[object, int]], *, height: float | None = None) -> None:
        """Write one row; its height fits its wrapped text unless ``height`` (points) is given."""
        self.row += 1
        cells = tuple(cells)
        # spreadsheet programs do not grow rows to wrapped text on opening, so every row says its height
        self.spool.write(self.row, cells, self._fit_height(cells) if height is None else height)

    def _fit_height(self, cells: tuple[tuple[object, int], ...]) -> float:
        lines = 1
        for (value, _), capacity in zip(cells, self._capacity):
            # a text shorter than half a line fits on one, whatever its characters
            if value.__class__ is str and (len(value) * 2 > capacity or "\n" in value):
                count = _count_lines(value, capacity)
                if count > lines:
                    lines = count
        return min(lines * LINE_HEIGHT + ROW_PADDING, MAX_ROW_HEIGHT)

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        # WriteOnlyWorksheet has no merge_cells(); its merged_cells are written when the sheet closes.
        # MultiCellRange.add() compares with every range already there (quadratic for a county), and
        # the merges made here never overlap, so they go straight into its set.
        self.ws.merged_cells.ranges.add(
            CellRange(min_col=first_col, min_row=first_row, max_col=last_col, max_row=last_row))


def _write_heading(sheet: _Sheet, styles: _Styles, title: str, legend: str | None, width: int) -> None:
    sheet.append([(title, styles.title)] + [(None, styles.title)] * (width - 1), height=32)
    sheet.merge(sheet.row, 1, sheet.row, width)
    if legend is not None:
        sheet.append([(legend, styles.legend)] + [(None, styles.legend)] * (width - 1), height=20)
        sheet.merge(sheet.row, 1, sheet.row, width)


def _write_header(sheet: _Sheet, styles: _Styles, columns: Iterable[tuple[str, float]]) -> None:
    sheet.append([(name, styles.header) for name, _ in columns], height=30)


def _legend(scope: _Scope, risks: int, measures: int) -> str:
    parts = [f"填报单位:{scope.org.name}"]
    if scope.department is not None:
        parts.append(f"部门:{scope.department.name}")
    parts.append(f"年度:{scope.org.year}")
    parts.append(f"风险点 {risks} 个,防控措施 {measures} 项")
    if scope.grade_text(HIGH) != HIGH:
        parts.append("风险等级:" + " ".join(f"{scope.grade_text(g)}={g}" for g in GRADES))
    if scope.public:
        parts.append("内部公示版")
    return "    ".join(parts)


def _write_risk_sheets(book: _Book, scope: _Scope, progress: Progress | None) -> None:
    """The 一览表 (merged by department and process) and 明细(可筛选), streamed side by side in one pass."""
    styles = book.styles
    risks = measures = 0
    for dept in scope.departments:
        risks += len(dept.risks)
        measures += sum(len(r.measures) for r in dept.risks)
    main = book.sheet(SHEET_MAIN, MAIN_COLUMNS, frozen_rows=3, title_rows=3)
    detail = book.sheet(SHEET_DETAIL, DETAIL_COLUMNS, frozen_rows=1, title_rows=1)
    _write_heading(main, styles, scope.title_prefix + FORM_NAME, _legend(scope, risks, measures), len(MAIN_COLUMNS))
    _write_header(main, styles, MAIN_COLUMNS)
    _write_header(detail, styles, DETAIL_COLUMNS)

    first = main.row + 1
    dept_run = (None, first)  # (department, first row of its run)
    process_run = (None, first)  # ((department, process), first row), only for risks on a process
    center, left = styles.center, styles.left
    for number, (risk, row) in enumerate(_risk_rows(scope), 1):
        at = main.row + 1
        high = row.grade == HIGH
        c, lt = (styles.center_high, styles.left_high) if high else (center, left)
        grade_style = styles.grade[row.grade]

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
            (f"{row.title}:{row.description}", lt), (row.type, c), (row.grade_text, grade_style),
            (row.measures, lt), (row.owners, lt), (row.monitors, lt),
        ))
        detail.append((
            (number, c), (row.department, c), (row.process, c), (row.step, c), (row.posts, c), (row.risk_id, c),
            (row.title, lt), (row.description, lt), (row.type, c), (row.grade_text, grade_style),
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
    detail.ws.auto_filter.ref = f"A1:{get_column_letter(len(DETAIL_COLUMNS))}{max(detail.row, 2)}"


def _merge_run(sheet: _Sheet, run: tuple[object, int], end: int, column: int) -> None:
    """Merge one column over a run of rows [start, end) that showed the same department or process."""
    key, start = run
    if key is not None and end - start > 1:
        sheet.merge(start, column, end - 1, column)


def _write_powers(book: _Book, scope: _Scope) -> None:
    register, styles = scope.register, book.styles
    holders = scope.index.holders_of_power
    sheet = book.sheet(SHEET_POWERS, POWER_COLUMNS, frozen_rows=2, title_rows=2)
    _write_heading(sheet, styles, scope.title_prefix + SHEET_POWERS, None, len(POWER_COLUMNS))
    _write_header(sheet, styles, POWER_COLUMNS)
    c, lt = styles.center, styles.left
    number = 0
    for dept in scope.departments:
        for power in dept.powers:
            number += 1
            process = register.processes.get(power.process) if power.process else None
            sheet.append((
                (number, c), (dept.name, c), (power.id, c), (power.name, lt), (power.category, c), (power.scope, c),
                ("是" if power.sanzhong_yida else "否", c), ("、".join(holders.get(power.id, ())), lt),
                ("\n".join(power.basis), lt), (process.name if process else "", lt),
            ))


def _write_posts(book: _Book, scope: _Scope) -> None:
    """岗位风险等级目录: per post, its risks by grade and its highest grade (over the whole register)."""
    head = [c for c in POST_COLUMNS_HEAD if not (scope.public and c[0] == "在岗人员")]
    columns = (*head, *((scope.grade_header(g), 8) for g in GRADES), *POST_COLUMNS_TAIL)
    counts, people = scope.index.post_grades, scope.index.people_of_post
    styles = book.styles

    sheet = book.sheet(SHEET_POSTS, columns, frozen_rows=2, title_rows=2)
    _write_heading(sheet, styles, scope.title_prefix + SHEET_POSTS, None, len(columns))
    _write_header(sheet, styles, columns)
    c, lt = styles.center, styles.left
    number = 0
    for dept in scope.departments:
        for post in dept.posts:
            number += 1
            by_grade = counts.get(post.id, Counter())
            highest = max(by_grade, key=GRADE_RANK.__getitem__, default=None)
            cells = [(number, c), (dept.name, c), (post.name, c)]
            if not scope.public:
                cells.append(("、".join(people.get(post.id, ())), c))
            cells.append((post.duties or "", lt))
            cells += [(by_grade[g], c) for g in GRADES]
            cells.append((sum(by_grade.values()), c))
            cells.append((scope.grade_text(highest) if highest else "—", styles.grade[highest] if highest else c))
            sheet.append(cells)


def _write_warnings(book: _Book, scope: _Scope) -> None:
    register, styles = scope.register, book.styles
    sheet = book.sheet(SHEET_WARNINGS, WARNING_COLUMNS, frozen_rows=2, title_rows=2)
    _write_heading(sheet, styles, scope.title_prefix + SHEET_WARNINGS, None, len(WARNING_COLUMNS))
    _write_header(sheet, styles, WARNING_COLUMNS)
    warnings = [w for dept in scope.departments for w in dept.warnings]
    warnings.sort(key=lambda w: (w.date, w.id))
    c, lt, d = styles.center, styles.left, styles.date
    for number, warning in enumerate(warnings, 1):
        risk = register.risks.get(warning.risk)
        sheet.append((
            (number, c), (warning.id, c), (warning.date, d), (register.by_department[warning.department].name, c),
            (warning.risk, c), (risk.title if risk else "", lt), (warning.source or "", c), (warning.level, c),
            (warning.finding or "", lt), (warning.action or "", c), (warning.closed, d),
            ("已办结" if warning.closed else "处置中", c),
        ))


def _write_stats(book: _Book, scope: _Scope) -> None:
    """统计: department × grade, risk type × grade, measures by stage and status; totals computed here, no formulas."""
    styles = book.styles
    grade_headers = [scope.grade_header(g) for g in GRADES]
    sheet = book.sheet(SHEET_STATS, (("项目", 24), *((h, 12) for h in grade_headers), ("合计", 10)), portrait=True)
    width = len(GRADES) + 2
    _write_heading(sheet, styles, scope.title_prefix + "廉政风险统计", None, width)
    risks = [r for dept in scope.departments for r in dept.risks]

    def table(heading: str, first: str, columns: list[str], rows: list[tuple[str, list[int]]]) -> None:
        sheet.append((), height=12)
        sheet.append([(heading, styles.section)], height=22)
        sheet.append([(first, styles.header)] + [(h, styles.header) for h in columns])
        for label, values in rows:
            sheet.append([(label, styles.center)] + [(v, styles.center) for v in values])
        totals = [sum(values[i] for _, values in rows) for i in range(len(columns))]
        sheet.append([("合计", styles.total)] + [(v, styles.total) for v in totals])

    def by_grade(selected: list[Risk]) -> list[int]:
        counted = Counter(scope.grades[r.id].effective for r in selected)
        return [counted[g] for g in GRADES] + [len(selected)]

    table("一、各部门风险点等级分布", "部门", [*grade_headers, "合计"],
          [(dept.name, by_grade(list(dept.risks))) for dept in scope.departments])
    by_type: dict[str, list[Risk]] = {t: [] for t in ENUMS["risk_type"]}
    for risk in risks:
        by_type.setdefault(risk.type, []).append(risk)
    table("二、风险类型与等级", "风险类型", [*grade_headers, "合计"],
          [(kind, by_grade(selected)) for kind, selected in by_type.items()])
    statuses = list(ENUMS["status"])
    stage_rows = []
    for stage in ENUMS["stage"]:
        measures = [m for r in risks for m in r.measures if m.stage == stage]
        counted = Counter(m.status for m in measures)
        stage_rows.append((stage, [len(measures)] + [counted[s] for s in reversed(statuses)]))
    table("三、防控措施阶段与落实情况", "措施阶段", ["措施数", *reversed(statuses)], stage_rows)
