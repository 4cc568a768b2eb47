"""权力运行流程图 drawn as a Word table: what prints the same in Word and WPS, on one page.

Drawing objects (shapes, connectors, SmartArt) move about between Word, WPS
and LibreOffice and cannot be read back to test; a table cannot move. So a
flowchart is a table without grid lines: each step a box down the left side
(环节, 承办岗位, 时限), a ↓ between two steps, and beside a step that carries
risk points a box with each point's id, name, grade (★ …) and 风险表现, joined
to its step by an arrow. A step box and its risk box are shaded by the highest
grade there (red 高, orange 中, yellow 低); the stars carry the grade when the
page is printed in black and white. The chart's rows are kept together, and
when its text would not fit one page at 10.5pt it is set smaller.
"""

from __future__ import annotations

import math
import unicodedata

from lianzheng_cli.outputs.docx.document import DocxDocument
from lianzheng_cli.outputs.docx.tables import GRADE_FILLS, TABLE_SIZE, Cell, Column
from lianzheng_cli.outputs.templating import grade_text

STEP_WIDTH, LINK_WIDTH, RISK_WIDTH = 58.0, 12.0, 86.0  # mm, on a portrait page
SIZES = (12.0, TABLE_SIZE, 9.0)  # 小四, 5号, 小五: the largest the chart fits one page in
PAGE_TEXT_HEIGHT = 297.0 - 37.0 - 35.0 - 30.0  # mm under the heading and the line of data
ARROW_ROW = 6.0  # mm


def add_flowchart(document: DocxDocument, process: dict, risks: dict[str, dict], style: str) -> None:
    """The chart of one ``process`` (a report context's process); ``risks`` are the risk records by id."""
    size = next((s for s in SIZES if _height(process, risks, style, s) <= PAGE_TEXT_HEIGHT), SIZES[-1])
    columns = (Column("环节", STEP_WIDTH, "center"), Column("", LINK_WIDTH, "center"), Column("廉政风险点", RISK_WIDTH))
    rows: list[list[Cell]] = []
    for n, step in enumerate(process["steps"], 1):
        if n > 1:
            rows.append([Cell("↓", align="center", size=size + 4), Cell(""), Cell("")])
        fill = GRADE_FILLS.get(step["grade"])
        text = _step_text(n, step)
        if not step["risks"]:
            rows.append([Cell(text, boxed=True), Cell(""), Cell("")])
            continue
        # one box per risk point beside the step's box, which spans them all
        for i, point in enumerate(step["risks"]):
            merge = None if len(step["risks"]) == 1 else ("restart" if i == 0 else "continue")
            rows.append([Cell(text, boxed=True, fill=fill, merge=merge), Cell("←", size=size + 4),
                         Cell(_risk_text(risks.get(point["id"]), point, style), boxed=True,
                              fill=GRADE_FILLS.get(point["grade"]))])
    if rows:
        document.table(columns, rows, header=False, grid=False, keep_together=True, size=size, header_height=None)
    else:
        document.paragraph("该流程没有登记环节。")


def _step_text(number: int, step: dict) -> str:
    lines = [f"{number}.{step['name']}"]
    if step["post"]:
        lines.append(f"承办：{step['post']}")
    if step["time_limit"]:
        lines.append(f"时限：{step['time_limit']}")
    return "\n".join(lines)


def _risk_text(record: dict | None, point: dict, style: str) -> str:
    head = f"{point['id']} {record['title'] if record else ''} {grade_text(point['grade'], style)}".replace("  ", " ")
    if record is None:
        return head
    return f"{head}\n风险表现：{record['description']}"


def _height(process: dict, risks: dict[str, dict], style: str, size: float) -> float:
    """The chart's height in mm at ``size``, from the lines each box wraps to (a CJK character is ``size`` wide)."""
    line = size * 1.3 * 25.4 / 72
    total = 0.0
    for n, step in enumerate(process["steps"], 1):
        step_lines = _lines(_step_text(n, step), STEP_WIDTH - 2, size)
        risk_lines = sum(_lines(_risk_text(risks.get(r["id"]), r, style), RISK_WIDTH - 2, size)
                         for r in step["risks"])
        total += max(step_lines, risk_lines) * line + 1.5
        if n > 1:
            total += ARROW_ROW
    return total


def _lines(text: str, width_mm: float, size: float) -> int:
    per_line = width_mm / (size * 25.4 / 72)  # full-width characters a line
    count = 0
    for line in text.split("\n"):
        wide = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in line)
        count += max(1, math.ceil(wide / per_line))
    return count
