"""廉洁风险告知书(交底书): what a person must be told about the risks of their post, and signs.

A person newly in a post is briefed (交底) on its risks: :func:`build_brief`
gathers, as plain data, the person, their department and post, the post's
powers, every risk that names the post (with its effective grade, measures and
monitors), and the pledge they sign. :func:`render_brief_markdown` renders it
with ``templates/brief/brief.md.j2`` (sandboxed, like the report);
:func:`write_brief_workbook` writes it as a one-sheet workbook to print.

``lz brief --department ID`` writes one file per person into a folder: each
person signs their own copy, and a folder of files is what an office prints
and files person by person. Like the report, the document is Chinese whatever
``--lang`` says.
"""

from __future__ import annotations

import difflib
import math
import os
import unicodedata
from collections import Counter
from pathlib import Path

from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.model.grading import Grader
from lianzheng_cli.model.records import Register
from lianzheng_cli.outputs.annual_report import ordered_risks, risk_record, safe_file_part, write_text_atomically
from lianzheng_cli.outputs.templating import grade_text, render_template
from lianzheng_cli.vocab import GRADE_RANK

tr = messages({
    "brief.unknown_person": {
        "zh": "登记簿中没有编号为 `{id}` 的人员",
        "en": "the register has no person with id `{id}`",
    },
    "brief.unknown_department": {
        "zh": "登记簿中没有编号为 `{id}` 的部门",
        "en": "the register has no department with id `{id}`",
    },
    "brief.suggest": {"zh": ",是否应为 {suggestion}?", "en": "; did you mean {suggestion}?"},
    "brief.known": {"zh": "(可用的编号:{ids})", "en": " (known ids: {ids})"},
})

TITLE = "廉洁风险告知书(交底书)"
FILE_LABEL = "廉洁风险告知书"
SHEET_TITLE = "廉洁风险告知书"
PLEDGE = ("本人已知悉上述廉政风险及防控措施,承诺严格遵守廉洁从业各项规定,认真落实本岗位防控措施,"
          "主动接受组织和群众监督;如有违反,自愿接受组织处理。")
SIGNATURE = "签名:______ 日期:______"
BRIEFER_SIGNATURE = "交底人签名:______ 日期:______"
LINE_HEIGHT = 14.0  # points per line of 宋体 10pt


class UnknownSubject(LookupError):
    """A person or department id that names nothing: a usage error (exit 2); the message is translated."""


def build_brief(register: Register, person_id: str, *, grader: Grader | None = None) -> dict:
    """The brief of one person as plain data; :class:`UnknownSubject` if the id names no person."""
    person = register.people.get(person_id)
    if person is None:
        raise UnknownSubject(_unknown("brief.unknown_person", person_id, register.people,
                                      {p.name: p.id for p in register.people.values()}))
    grades = (grader or Grader.of(register)).grades
    dept = register.by_department[person.department]
    post = register.posts.get(person.post)
    risks = ordered_risks(register, [r for r in register.risks.values() if person.post in r.posts])
    records = [risk_record(register, r, grades[r.id]) for r in risks]
    highest = max((r["grade"] for r in records), key=GRADE_RANK.__getitem__, default="")
    powers = [register.powers[p] for p in (post.powers if post else ()) if p in register.powers]
    # 交底 is given by the department head; a head is briefed by the supervising leader.
    briefer_id = dept.supervisor if dept.leader == person.id else dept.leader
    if briefer_id == person.id:
        briefer_id = None
    org = register.org
    return {
        "title": TITLE,
        "org": {"id": org.id, "name": org.name, "year": org.year},
        "display_grade": org.display_grade,
        "person": {
            "id": person.id, "name": person.name, "since": person.since.isoformat(),
            "briefed": person.briefed.isoformat() if person.briefed else "",
            "pledged": person.pledged.isoformat() if person.pledged else "",
        },
        "department": {"id": dept.id, "name": dept.name, "leader": register.name_of(dept.leader),
                       "supervisor": register.name_of(dept.supervisor)},
        "post": {
            "id": person.post, "name": register.name_of(person.post), "duties": (post.duties if post else "") or "",
            "powers": [{"id": p.id, "name": p.name, "category": p.category, "scope": p.scope,
                        "sanzhong_yida": p.sanzhong_yida} for p in powers],
        },
        "highest_grade": highest,
        "risks": records,
        "briefer": register.name_of(briefer_id) if briefer_id else "",
        "pledge": PLEDGE,
        "signature": SIGNATURE,
        "briefer_signature": BRIEFER_SIGNATURE,
    }


def build_department_briefs(register: Register, department_id: str) -> list[dict]:
    """The brief of everyone in a department, in the register's order."""
    dept = register.by_department.get(department_id)
    if dept is None:
        raise UnknownSubject(_unknown("brief.unknown_department", department_id, register.by_department,
                                      {d.name: d.id for d in register.departments}))
    grader = Grader.of(register)
    return [build_brief(register, p.id, grader=grader) for p in dept.people]


def render_brief_markdown(brief: dict) -> str:
    """The brief as Markdown; ``templating.TemplateProblem`` if the template fails."""
    return render_template("brief", "brief.md.j2", brief)


def brief_file_name(register: Register, brief: dict, suffix: str) -> str:
    """``<组织名>-<年度>-廉洁风险告知书-<姓名>-<人员编号>.md`` (the id keeps two people of one name apart)."""
    person = brief["person"]
    return (f"{safe_file_part(register.org.name)}-{register.org.year}-{FILE_LABEL}-"
            f"{safe_file_part(person['name'])}-{safe_file_part(person['id'])}{suffix}")


def department_folder_name(register: Register, department_id: str) -> str:
    """``<组织名>-<年度>-<部门名>-廉洁风险告知书``, the folder ``lz brief --department`` writes into."""
    counts = Counter(d.name for d in register.departments)
    dept = register.by_department[department_id]
    label = dept.name if counts[dept.name] == 1 else f"{dept.name}({dept.id})"
    return f"{safe_file_part(register.org.name)}-{register.org.year}-{safe_file_part(label)}-{FILE_LABEL}"


def write_brief(brief: dict, path: Path, *, xlsx: bool = False) -> Path:
    """Write one brief as Markdown or, with ``xlsx``, as a one-sheet workbook; atomically."""
    if xlsx:
        return write_brief_workbook(brief, path)
    return write_text_atomically(path, render_brief_markdown(brief))


def write_brief_workbook(brief: dict, path: Path) -> Path:
    """The brief as a print-ready one-sheet workbook (A4 landscape, fit to width); text never becomes a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.worksheet import Worksheet

    from lianzheng_cli.outputs.xlsx.writer import clean_text

    style = brief["display_grade"]
    columns = (("序号", 12), ("风险点编号", 11), ("风险点", 16), ("风险表现", 34), ("风险等级", 8),
               ("防控措施", 48), ("监控责任人", 18))
    width = len(columns)
    last = chr(ord("A") + width - 1)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = Font(name="宋体", size=10)
    bold = Font(name="黑体", size=10)
    wrap_left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    wrap_center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    shade = PatternFill("solid", fgColor="D9D9D9")
    high = PatternFill("solid", fgColor="FCE4E4")

    def put(row: int, col: int, value, *, font=body, align=wrap_left, border=box, fill=None) -> None:
        cell = ws.cell(row=row, column=col)
        if isinstance(value, str):
            cell.value = clean_text(value)
            cell.data_type = "s"  # register text stays text, even when it begins with = + - @
        else:
            cell.value = value
        cell.font = font
        cell.alignment = align
        if border is not None:
            cell.border = border
        if fill is not None:
            cell.fill = fill

    def merged(row: int, value: str, *, first: int = 1, height: float | None = None, **kw) -> None:
        for col in range(first, width + 1):
            put(row, col, value if col == first else None, **kw)
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=width)
        if height:
            ws.row_dimensions[row].height = height

    for i, (_, w) in enumerate(columns):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    person, dept, post = brief["person"], brief["department"], brief["post"]
    org = brief["org"]
    merged(1, f"{org['name']}{org['year']}年度{brief['title']}", font=Font(name="黑体", size=16),
           align=wrap_center, border=None, height=32)
    info = (("姓名", person["name"]), ("部门", dept["name"]), ("岗位", post["name"]), ("任职日期", person["since"]))
    # 姓名 | name | 部门 | name over two columns | 岗位 | post … laid out in two rows of label/value pairs
    rows = ((info[0], info[1]), (info[2], info[3]))
    row = 2
    for (label_a, value_a), (label_b, value_b) in rows:
        put(row, 1, label_a, font=bold, align=wrap_center, fill=shade)
        put(row, 2, value_a)
        put(row, 3, None)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
        put(row, 4, label_b, font=bold, align=wrap_center, fill=shade)
        put(row, 5, value_b)
        for col in range(6, width + 1):
            put(row, col, None)
        ws.merge_cells(start_row=row, start_column=5, end_row=row, end_column=width)
        ws.row_dimensions[row].height = 20
        row += 1
    powers = "、".join(f"{p['name']}({p['category']}{',三重一大' if p['sanzhong_yida'] else ''})"
                      for p in post["powers"])
    highest = grade_text(brief["highest_grade"], style) if brief["highest_grade"] else "未登记风险点"
    rest = sum(w for _, w in columns[1:])
    for label, value in (("岗位职责", post["duties"]), ("岗位职权", powers), ("岗位风险等级", highest)):
        put(row, 1, label, font=bold, align=wrap_center, fill=shade)
        merged(row, value, first=2, height=LINE_HEIGHT * _line_count(value, rest) + 6)
        row += 1
    for col, (name, _) in enumerate(columns, 1):
        put(row, col, name, font=bold, align=wrap_center, fill=shade)
    ws.row_dimensions[row].height = 22
    header_row = row
    for number, risk in enumerate(brief["risks"], 1):
        row += 1
        fill = high if risk["grade"] == "高" else None
        values = (number, risk["id"], risk["title"], risk["description"], grade_text(risk["grade"], style),
                  risk["measures_text"], risk["monitors_text"])
        for col, value in enumerate(values, 1):
            put(row, col, value, align=wrap_left if col in (3, 4, 6, 7) else wrap_center, fill=fill)
        lines = max(_line_count(str(v), w) for v, (_, w) in zip(values, columns))
        ws.row_dimensions[row].height = min(LINE_HEIGHT * lines + 6, 409)
    if not brief["risks"]:
        row += 1
        merged(row, "本岗位尚未登记廉政风险点。", align=wrap_center)
    row += 2
    merged(row, brief["pledge"], border=None, height=LINE_HEIGHT * _line_count(brief["pledge"], rest) + 12)
    row += 2
    merged(row, f"本人{brief['signature']}", border=None, height=22)
    row += 1
    merged(row, brief["briefer_signature"], border=None, height=22)

    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.print_area = f"A1:{last}{row}"

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        wb.save(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _line_count(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` Excel units wide (宋体 10pt: a CJK character is two units of
    half width; a unit is about 7 px), so each row is printed tall enough for its text."""
    capacity = max((7 * width - 1) / 6.67 * 0.9, 2.0)
    lines = 0
    for line in text.split("\n"):
        half_widths = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
        lines += max(1, math.ceil(half_widths / capacity))
    return lines


def _unknown(key: str, ident: str, known: dict, by_name: dict[str, str]) -> str:
    """The message for an id that names nothing, with the nearest ids (or the id of a name typed instead)."""
    message = tr(key, id=ident)
    suggestions = [by_name[ident]] if ident in by_name else difflib.get_close_matches(ident, list(known), n=3,
                                                                                         cutoff=0.6)
    if suggestions:
        return message + tr("brief.suggest", suggestion=join_list([f"`{s}`" for s in suggestions]))
    if known and len(known) <= 12:
        return message + tr("brief.known", ids=join_list(list(known)))
    return message
