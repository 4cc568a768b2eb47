"""廉洁风险告知书(交底书) as a Word document to print, sign and file.

The data is the Markdown brief's (``outputs.brief.build_brief``); this module
only lays it out: the person, department, post and since in a grid; the post's
risks in one table (grade, 风险表现, measures with their stage and owner,
monitors); the 告知 and 廉洁承诺 prose from ``templates/docx/brief/``; and the
signature block (本人签名, 交底人签名, dates) kept together on the last page
with the 一式两份 note. Several briefs in one file (a department) each start
a new section whose page numbers start again at 1: each is a document of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from lianzheng_cli.outputs.docx.document import DocxDocument
from lianzheng_cli.outputs.docx.prose import Prose
from lianzheng_cli.outputs.docx.tables import GRADE_FILLS, Cell, Column
from lianzheng_cli.outputs.templating import grade_text

SIGNERS = ("本人签名", "交底人签名")
RISK_COLUMNS = (
    Column("序号", 9, "center"), Column("风险点及等级", 30), Column("风险表现", 40),
    Column("防控措施（阶段、责任主体）", 50), Column("监控责任人", 27),
)


def brief_document(briefs: Sequence[dict], *, made: datetime, template_dir: Path | None = None) -> DocxDocument:
    """One document holding ``briefs`` (built by ``build_brief``), one section each."""
    first = briefs[0]
    title = f"{first['org']['name']}{first['org']['year']}年度{first['title']}"
    subject = first["person"]["name"] if len(briefs) == 1 else first["department"]["name"]
    document = DocxDocument(title=title, made=made, subject=subject)
    for n, brief in enumerate(briefs):
        if n:
            document.new_section(landscape=False, restart_numbering=True)
        add_brief(document, brief, Prose("brief", brief, template_dir))
    return document


def write_brief_docx(briefs: Sequence[dict], path: Path, *, made: datetime,
                     template_dir: Path | None = None) -> Path:
    """Write ``briefs`` as one .docx file at ``path``; ``TemplateProblem`` if a template fails."""
    return brief_document(briefs, made=made, template_dir=template_dir).save(path)


def add_brief(document: DocxDocument, brief: dict, prose: Prose) -> None:
    """The brief of one person, from its title to the signatures."""
    org, person, dept, post = brief["org"], brief["person"], brief["department"], brief["post"]
    style = brief["display_grade"]
    document.title(f"{org['name']}{org['year']}年度\n{brief['title']}")
    highest = brief["highest_grade"]
    powers = "、".join(f"{p['name']}（{p['category']}{'，“三重一大”事项' if p['sanzhong_yida'] else ''}）"
                      for p in post["powers"])
    pairs = [("姓名", person["name"]), ("部门", dept["name"]), ("岗位", post["name"]), ("任职日期", person["since"])]
    if post["duties"]:
        pairs.append(("岗位职责", post["duties"]))
    if powers:
        pairs.append(("岗位职权", powers))
    pairs.append(("岗位风险等级", f"{grade_text(highest, style)}（本岗位风险点的最高等级）" if highest
                  else "本岗位尚未登记廉政风险点"))
    document.info_table(pairs)
    document.heading("一、岗位廉政风险点及防控措施")
    document.prose(prose("intro"))
    if brief["risks"]:
        document.table(RISK_COLUMNS, [_risk_row(n, risk, style) for n, risk in enumerate(brief["risks"], 1)])
    if brief["common_risks"]:  # 1.1: the unit's and the department's common risk points, told after the post's own
        document.paragraph("共性廉政风险点（适用于全单位或本部门各岗位）：", keep_with_next=True)
        document.table(RISK_COLUMNS, [_risk_row(n, risk, style) for n, risk in enumerate(brief["common_risks"], 1)])
    document.heading("二、告知与承诺")
    document.prose(prose("notice"), keep_with_next=True)
    document.prose(prose("pledge"), keep_with_next=True)
    document.signature_block(SIGNERS, note=_one_line(prose("note")))


def _risk_row(number: int, risk: dict, style: str) -> list[Cell | str]:
    where = ""
    if risk["process_name"]:
        where = f"\n关键环节：{risk['process_name']}" + (f"/{risk['step_name']}" if risk["step_name"] else "")
    grade = grade_text(risk["grade"], style) + (f"→{grade_text(risk['residual'], style)}" if risk["residual"] else "")
    label = f"{risk['id']} {risk['title']}\n{grade}（{risk['type']}）{where}"
    measures = risk["measures_text"] or "（未制定防控措施）"
    monitors = risk["monitors_text"]
    return [str(number), Cell(label, fill=GRADE_FILLS.get(risk["grade"])), risk["description"], measures, monitors]


def _one_line(text: str) -> str:
    return "".join(line.strip() for line in text.strip().splitlines())
