"""A 一览表 row as its risks: texts, grades, codes, types, posts and measures, each traced to its cell.

A cell holding several risks each with its own grade is several risks, and the row's measures belong
to each. A row with everything but the risk text is reported and not imported; an empty measures cell
is a risk without measures. Without a 风险点名称 column the title is the part before a colon
(``初审把关不严:…``, as ``lz render xlsx`` writes it) or else the first clause of the text.
"""

from __future__ import annotations

import re

from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.importing.draft import DraftDepartment, DraftMeasure, DraftRisk
from lianzheng_cli.importing.grades import Parsed, grade_of, parse_cell, split_risks
from lianzheng_cli.importing.grid import Place
from lianzheng_cli.importing.headers import FIELDS, GRADE_OF_FIELD, STAGE_OF_FIELD
from lianzheng_cli.importing.ids import code_id
from lianzheng_cli.importing.measures import numbered_parts, split_measures, stage_of
from lianzheng_cli.importing.problems import Problems
from lianzheng_cli.importing.rows import Row
from lianzheng_cli.importing.tables import Table
from lianzheng_cli.importing.text import clean_name, clean_text, fold_punct, split_names
from lianzheng_cli.importing.words import risk_type, risk_type_word, yes
from lianzheng_cli.vocab import ENUMS, canonical, grade_style_of

tr = messages({
    "risks.no_text": {
        "zh": "该行有{fields}，但没有风险点内容，未导入",
        "en": "the row has {fields} but no risk text; not imported",
    },
    "risks.unknown_grade": {
        "zh": "风险等级「{grade}」不是有效写法（高/中/低、一级/二级/三级、★★★/★★/★、红/橙/黄），该风险点未写等级",
        "en": "grade “{grade}” is not a valid spelling (高/中/低, 一级/二级/三级, ★★★/★★/★, 红/橙/黄); "
              "the risk is imported without a grade",
    },
    "risks.no_grade": {"zh": "风险点没有风险等级", "en": "the risk has no grade"},
    "risks.no_grade_column": {
        "zh": "表中没有风险等级列，风险点内容中也没有等级：{count} 个风险点未写等级",
        "en": "the table has no grade column and the risk texts carry none: {count} risks without a grade",
    },
    "risks.grade_conflict": {
        "zh": "风险等级列为「{column}」，风险点内容中写的是「{text}」，采用内容中的等级",
        "en": "the grade column says “{column}” but the risk text says “{text}”; the text's grade is taken",
    },
    "risks.bad_code": {
        "zh": "编号「{code}」不能作为编号（须以字母或数字开头，只含字母、数字和 `. _ - ( )`），已改为「{id}」",
        "en": "code “{code}” is no valid id (a letter or digit first, then letters, digits and . _ - ( )); "
              "it became “{id}”",
    },
    "risks.bad_score": {
        "zh": "{field}「{value}」不是 1–5 的整数，未导入",
        "en": "{field} “{value}” is not a whole number from 1 to 5; not imported",
    },
})

# Fields whose value makes a row one that should have had a risk text (rule: a row with all but the risk).
_RISK_ROW_FIELDS = ("measures", "pre_measures", "mid_measures", "post_measures", "grade", "grade_high", "grade_medium",
                    "grade_low", "posts", "code", "type", "owner", "owner_person", "step")
_TITLE_BEFORE_COLON = re.compile(r"^([^:\n]{2,24}):\s*(\S.*)$", re.S)
_FIRST_CLAUSE = re.compile(r"[,;。\n]")
TITLE_LENGTH = 20
MEASURE_KINDS = tuple(ENUMS["measure_kind"])


class RiskReader:
    """Reads the risk rows of one table into their departments; counts what it reports once per table."""

    def __init__(self, table: Table, problems: Problems):
        self.table = table
        self.problems = problems
        self.has_grade_column = bool(table.fields & {"grade", *GRADE_OF_FIELD})
        self.without_grade = 0
        self.grade_styles: list[str] = []

    def read(self, row: Row, department: DraftDepartment) -> None:
        values = row.values
        text = clean_text(values.get("risk", ""))
        if not text:
            self._no_text(row)
            return
        parts = split_risks(text)
        column_grade = parse_cell(values["grade"]) if "grade" in values else _marked_grade(values)
        measures = self._measures(row)
        code = self._code(row)
        for i, part in enumerate(parts):
            risk = self._risk(row, part, column_grade)
            if code:
                risk.code = code if len(parts) == 1 else f"{code}-{i + 1}"
            risk.measures = measures if i == 0 else [_copy(m) for m in measures]
            department.risks.append(risk)

    def finish(self) -> None:
        """What is reported once for the table."""
        if self.without_grade and not self.has_grade_column:
            self.problems.on_sheet("LZ621", self.table.file, self.table.sheet,
                                   tr("risks.no_grade_column", count=self.without_grade), self.table.header_rows[0])

    def _code(self, row: Row) -> str:
        written = row.values.get("code", "")
        code, problem = code_id(written)
        if problem:
            self.problems.at("LZ631", row.place(self.table, "code"),
                             tr("risks.bad_code", code=clean_name(written), id=code or "—"))
        return code

    def _no_text(self, row: Row) -> None:
        present = sorted((name for name in _RISK_ROW_FIELDS if name in row.values), key=row.cols.__getitem__)
        if present:
            first = min(row.cols[name] for name in present)
            self.problems.at("LZ610", Place(self.table.file, self.table.sheet, row.number, first),
                             tr("risks.no_text", fields=join_list([FIELDS[name] for name in present])))

    def _risk(self, row: Row, part: Parsed, column_grade: Parsed) -> DraftRisk:
        table, values = self.table, row.values
        place = row.place(table, "risk")
        if "title" in values and clean_text(values["title"]):
            title, description = clean_text(values["title"]), part.text
        else:
            title, description = title_and_description(part.text)
        risk = DraftRisk(title, description or title, place, row.cols)
        self._grade(risk, part, column_grade, place, row)
        self._type(risk, row)
        if "process" in values:
            risk.process_name = clean_name(values["process"]) or None
        if "step" in values:
            risk.step_name = clean_name(values["step"]) or None
        if "posts" in values:
            risk.post_names = split_names(values["posts"])
        if "power" in values:
            risk.power_name = clean_name(values["power"]) or None
        if "owner_person" in values:
            risk.person_names = split_names(values["owner_person"])
        if "likelihood" in values:
            risk.likelihood = self._score(row, "likelihood")
        if "impact" in values:
            risk.impact = self._score(row, "impact")
        return risk

    def _grade(self, risk: DraftRisk, part: Parsed, column: Parsed, place: Place, row: Row) -> None:
        chosen = part if part.found else column
        if part.found and column.found and (part.grade, part.unknown) != (column.grade, column.unknown):
            self.problems.at("LZ622", row.place(self.table, "grade"),
                             tr("risks.grade_conflict", column=column.written, text=part.written))
        if chosen.unknown is not None:
            where = place if part.found else row.place(self.table, "grade")
            self.problems.at("LZ620", where, tr("risks.unknown_grade", grade=chosen.unknown))
        elif chosen.grade is None:
            self.without_grade += 1
            if self.has_grade_column:
                self.problems.at("LZ621", row.place(self.table, "grade"), tr("risks.no_grade"))
        else:
            risk.grade, risk.grade_written = chosen.grade, chosen.written
            self.grade_styles.append(grade_style_of(chosen.written or chosen.grade))

    def _type(self, risk: DraftRisk, row: Row) -> None:
        written = row.values.get("type") or row.section_type
        if not written or not clean_name(written):
            risk.type_assumed = True
            return
        risk.type = risk_type(written) or risk_type_word(written)

    def _score(self, row: Row, name: str) -> int | None:
        written = clean_name(row.values.get(name, ""))
        if not written:
            return None
        if written.isdigit() and 1 <= int(written) <= 5:
            return int(written)
        self.problems.at("LZ653", row.place(self.table, name), tr("risks.bad_score", field=FIELDS[name],
                                                                    value=written))
        return None

    def _measures(self, row: Row) -> list[DraftMeasure]:
        values, table = row.values, self.table
        stage = stage_of(values["stage"]) if "stage" in values else None
        kind = canonical("measure_kind", clean_name(values["measure_kind"])) if "measure_kind" in values else None
        measures: list[DraftMeasure] = []
        for name in ("measures", "pre_measures", "mid_measures", "post_measures"):
            if name in values:
                column_stage = STAGE_OF_FIELD.get(name) or stage
                place = row.place(table, name)  # the measures of a cell share its place
                for item in split_measures(values[name], column_stage):
                    measures.append(DraftMeasure(item.text, item.stage, place,
                                                 kind=kind if kind in MEASURE_KINDS else None))
        owners = values.get("owner") or values.get("owner_person") or ""
        if owners and measures:
            parts = numbered_parts(owners)
            if len(parts) == len(measures) and len(parts) > 1:
                for measure, part in zip(measures, parts, strict=True):
                    measure.owner_names = split_names(part)
            else:
                names = split_names(owners)
                for measure in measures:
                    measure.owner_names = names
        return measures


def title_and_description(text: str) -> tuple[str, str]:
    """``初审把关不严:对材料…`` → both parts; otherwise the first clause (at most 20 characters) and the text."""
    folded = fold_punct(text)
    parts = _TITLE_BEFORE_COLON.match(folded)
    if parts:
        return text[:parts.end(1)].strip(), text[parts.start(2):].strip()
    clause = _FIRST_CLAUSE.search(folded)
    title = (text[:clause.start()] if clause else text).strip()
    return title[:TITLE_LENGTH], text


def _marked_grade(values: dict[str, str]) -> Parsed:
    """The grade whose column (``高 | 中 | 低``) holds a mark (√, 是, ●) in this row."""
    for name, grade in GRADE_OF_FIELD.items():
        if name in values and (yes(values[name]) or grade_of(values[name]) is not None):
            return parse_cell(grade)
    return Parsed("")


def _copy(measure: DraftMeasure) -> DraftMeasure:
    return DraftMeasure(measure.text, measure.stage, measure.place, list(measure.owner_names), None, measure.kind)
