"""考核评分表: the yearly assessment as a workbook (``lz assess --xlsx``), written by the one streaming writer.

Two sheets: 考核评分 (the unit and each department, a column per item, the total and the band) and 评分依据
(each item's score with what it rests on and the ids that fall short).
"""

from __future__ import annotations

from pathlib import Path

from lianzheng_cli.assess import Assessment, Score
from lianzheng_cli.assess.standard import BAND_TEXT
from lianzheng_cli.model.records import Register
from lianzheng_cli.outputs.assess import evidence, number, shown_ids, source_text
from lianzheng_cli.outputs.xlsx.form import Form, Index, Scope, Styles
from lianzheng_cli.outputs.xlsx.writer import Book, Cell

SHEET_SCORES = "考核评分"
SHEET_EVIDENCE = "评分依据"
EVIDENCE_COLUMNS = (("考核对象", 16), ("评分项", 18), ("分值", 7), ("得分", 7), ("评分依据", 40),
                    ("未达标的对象（编号）", 44))
UNMET_SHOWN = 50  # ids listed in one cell


def write_assessment_workbook(register: Register, assessment: Assessment, path: Path) -> Path:
    """Write the 考核评分表 of ``assessment`` to ``path`` (atomically: written beside it, then moved)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    index = Index(register)
    with Book(made=index.made) as book:
        form = Form(book, Styles(book), Scope(index, False, None))
        scores_sheet(form, assessment)
        evidence_sheet(form, assessment)
        book.save(path)
    return path


def _scores(assessment: Assessment) -> list[Score]:
    return [assessment.unit, *assessment.departments]


def scores_sheet(form: Form, assessment: Assessment) -> None:
    """考核评分: one row for the unit, then one per department."""
    styles = form.styles
    columns = (("序号", 5), ("考核对象", 18), *((f"{i.name}（{number(i.points)}分）", 11) for i in assessment.standard),
               ("总分", 8), ("等级", 7))
    sheet = form.sheet(SHEET_SCORES, columns, frozen_rows=3)
    legend = (f"截至{assessment.as_of.isoformat()}；评分标准：{source_text(assessment, 'zh')}；"
              f"百分制：{BAND_TEXT}")
    form.heading(sheet, f"{form.scope.title_prefix}考核评分表", legend)
    form.header(sheet, columns)
    sheet.repeat_rows(1, 3)
    for number_, score in enumerate(_scores(assessment), 1):
        style = styles.total if score.department is None else styles.center
        cells: list[Cell] = [(number_, style), (score.name, style)]
        cells += [(item.score, style) for item in score.items]
        cells += [(score.total, style), (score.band, style)]
        sheet.append(cells)


def evidence_sheet(form: Form, assessment: Assessment) -> None:
    """评分依据: each item of each scope, with its evidence."""
    styles = form.styles
    sheet = form.list_sheet(SHEET_EVIDENCE, EVIDENCE_COLUMNS)
    c, lt = styles.center, styles.left
    for score in _scores(assessment):
        for item in score.items:
            unmet = item.unmet_ids if item.score < item.item.points else []
            shown = shown_ids(unmet, "zh", UNMET_SHOWN)
            sheet.append(((score.name, c), (item.item.name, lt), (item.item.points, c), (item.score, c),
                          (evidence(item, "zh"), lt), (shown, lt)))
