"""The Word summary of ``lz rollup --docx``: the county table, the ranking, the units with errors and the risks
copied between units, on the one docx builder (landscape: the table is wide)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from lianzheng_cli.analytics.rollup import Rollup
from lianzheng_cli.outputs.docx.document import DocxDocument
from lianzheng_cli.outputs.docx.tables import Column
from lianzheng_cli.outputs.rollup import COLUMNS, RANKING_NOTE, summary_title, unit_label


def write_rollup_docx(rollup: Rollup, path: Path, *, made: datetime) -> Path:
    document = DocxDocument(title=summary_title(rollup), made=made, landscape=True)
    document.title(summary_title(rollup))
    document.heading("一、汇总表")
    county = rollup.county()
    columns = [Column("单位", 40), *(Column(zh, 12, "right") for _, zh, _, _ in COLUMNS)]
    rows = [[unit_label(t), *(str(get(t)) for *_, get in COLUMNS)] for t in rollup.totals]
    document.table(columns, [*rows, ["合计", *(str(get(county)) for *_, get in COLUMNS)]])
    document.heading("二、排名")
    document.paragraph(RANKING_NOTE)
    document.table([Column("名次", 12, "center"), Column("单位", 60), Column("落实率", 20, "right"),
                    Column("逾期措施", 20, "right")],
                   [[str(n), unit_label(t), "–" if t.done_share is None else f"{t.done_share:.0%}",
                     str(t.measures_overdue)] for n, t in enumerate(rollup.ranking, 1)])
    document.heading("三、有错误的单位")
    if not rollup.failed:
        document.paragraph("所有单位均通过校验。")
    for u in rollup.failed:
        document.paragraph(u.problem or f"{u.argument}：{len(u.errors)}个错误，未计入汇总。")
        for d in u.errors:
            document.note(f"{u.located(d)}：{d.code} {d.message}")
    document.heading("四、单位间照抄照搬的风险点")
    if not rollup.copies:
        document.paragraph("未发现单位间照抄照搬的风险点。")
    else:
        document.table([Column("风险表现", 60), Column("出现位置（单位、部门、风险点）", 80)],
                       [[c.text, "\n".join(f"{p.unit_name}（{p.unit}）{p.department_name} 风险点 {p.risk}"
                                           for p in c.places)] for c in rollup.copies])
    return document.save(path)
