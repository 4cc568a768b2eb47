"""Finding the table in a sheet: its header row(s) by their words, what each column holds, what kind of table it is.

The header is the row (among the first ``HEADER_SEARCH``) whose cells name the most distinct fields, at
least two. A second header row below it is read with it when its cells are sub-headers of the first
(``防控措施`` over ``前期预防 | 中期监控 | 后期处置``, ``廉政风险点`` over ``风险描述 | 风险类型 | 风险等级``).
The rows above the header give the title (organization, year) and ``部门:…``/``填报单位:…`` lines;
for a Word table, so do the paragraphs above it.

Kinds: ``risks`` (一览表: a risk column), ``powers`` (职权目录: a 职权名称 column and no risk column),
``posts`` (岗位风险等级目录: by its title, or posts with their people or duties), ``warnings``
(预警处置记录, not imported yet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.importing.grid import Sheet, cell_text, column_letters
from lianzheng_cli.importing.headers import FIELDS, NOT_IMPORTED, STAGE_OF_FIELD, field_of, header_key
from lianzheng_cli.importing.problems import Problems
from lianzheng_cli.importing.text import clean_name, fold_punct

tr = messages({
    "tables.unmapped": {
        "zh": "以下列的表头未能识别，未导入：{columns}（可用 --map 「列标题=字段」指定）",
        "en": "columns whose headers are not understood, not imported: {columns} (name them with --map 列标题=field)",
    },
    "tables.duplicate": {
        "zh": "{column} 列「{header}」与 {first} 列同为「{field}」，只导入 {first} 列",
        "en": "column {column} ({header}) is {field} like column {first}; only column {first} is imported",
    },
})

HEADER_SEARCH = 40  # rows from the top of a sheet in which the header is looked for
_CORE = frozenset({"risk", "measures", "pre_measures", "mid_measures", "post_measures", "power", "posts", "people",
                   "warning"})
_TITLE_WORDS = ("一览表", "目录", "清单", "登记表", "防控表", "台账", "汇总表", "排查表", "登记簿", "风险点")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_ORG_BEFORE = re.compile(r"^(.*?)(?:(?:19|20)\d{2}\s*年度?|廉政|廉洁|岗位|职权|权力|风险|防控)")
_KEY_VALUE = re.compile(
    r"(填报单位|单位名称|单位|填报部门|部门名称|部门|科室|处室|股室|年度|年份)\s*[:]\s*([^\s:]+)")
_ORG_KEYS = ("填报单位", "单位名称", "单位")
_SECTION = re.compile(r"^[(（]?[一二三四五六七八九十]{1,3}[)）、.．]")
_DEPARTMENT_KEYS = ("填报部门", "部门名称", "部门", "科室", "处室", "股室")


@dataclass(slots=True)
class Column:
    index: int
    header: str  # as written; ``防控措施/前期预防`` for a column under a group header
    field: str | None  # None: not understood


@dataclass(slots=True)
class Table:
    file: str
    sheet: str
    sheet_index: int
    kind: str  # risks | powers | posts | warnings
    header_rows: tuple[int, ...]
    columns: list[Column]
    title: str = ""
    org_name: str | None = None  # from a 填报单位 line, else the title
    year: int | None = None
    department: str | None = None  # from a 部门:… line above the header
    rows: list = field(default_factory=list)  # rows.Row, read by rows.read_rows

    @property
    def first_data_row(self) -> int:
        return self.header_rows[-1] + 1

    def index_of(self, name: str) -> int:
        """The column of a field, 0 when the table has none."""
        column = self.column_of(name)
        return column.index if column is not None else 0

    def column_of(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.field == name), None)

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.columns if c.field}


def find_table(sheet: Sheet, file: str, sheet_index: int, overrides: dict[str, str],
               problems: Problems) -> Table | None:
    """The table of a sheet whose merges are filled (``Sheet.fill_merges``), or ``None``."""
    header = _header_row(sheet, overrides)
    if header is None:
        return None
    if header > 0 and _is_sub_header(sheet, header - 1, overrides):
        header -= 1  # the best row was the lower of two header rows (its merged cells filled from above)
    header_rows = (header, header + 1) if _is_sub_header(sheet, header, overrides) else (header,)
    columns = _columns(sheet, header_rows, overrides)
    kind = _kind(columns, _title_text(sheet, header) + sheet.name)
    if kind is None:
        return None
    _remap_for_kind(columns, kind)
    table = Table(file, sheet.name, sheet_index, kind, header_rows, columns)
    _read_preamble(table, sheet, header)
    if kind != "warnings":
        _report_columns(table, problems)
    return table


def headers_seen(sheet: Sheet) -> list[str]:
    """The texts of the row that looks most like a header (for the message when no table is found)."""
    best: list[str] = []
    for r in range(min(len(sheet.rows), HEADER_SEARCH)):
        texts = [clean_name(cell_text(v)) for v in sheet.rows[r]]
        texts = [t for i, t in enumerate(texts) if t and len(t) <= 24 and t not in texts[:i]]
        if len(texts) > len(best):
            best = texts
    return best


def _field(text: str, overrides: dict[str, str]) -> str | None:
    key = header_key(text)
    return overrides[key] if key in overrides else field_of(text)


def _visible_texts(sheet: Sheet, r: int) -> list[tuple[int, str]]:
    return [(c, cell_text(v)) for c, v in enumerate(sheet.rows[r])
            if c not in sheet.hidden_cols and (r, c) not in sheet.formulas and cell_text(v).strip()]


def _header_row(sheet: Sheet, overrides: dict[str, str]) -> int | None:
    best, best_score = None, 1
    for r in range(min(len(sheet.rows), HEADER_SEARCH)):
        if r in sheet.hidden_rows:
            continue
        fields = {_field(text, overrides) for _, text in _visible_texts(sheet, r)}
        fields.discard(None)
        if not fields & _CORE:
            continue
        score = len(fields - NOT_IMPORTED) + (1 if "warning" in fields else 0)
        if score > best_score:
            best, best_score = r, score
    return best


def _is_sub_header(sheet: Sheet, header: int, overrides: dict[str, str]) -> bool:
    """The row below the header holds only header words, at least one of them under a cell spanning it."""
    below = header + 1
    if below >= len(sheet.rows):
        return False
    top = dict(_visible_texts(sheet, header))
    if not any(_field(t, overrides) for t in top.values()):
        return False
    own = [clean_name(t) for c, t in _visible_texts(sheet, below) if t != top.get(c)]
    if not own or (len(own) > 1 and len(set(own)) == 1) or any(_SECTION.match(t) for t in own):
        return False  # a section row (一、思想道德风险) merged across the table is no header
    return all(len(t) <= 16 and _field(t, overrides) is not None for t in own)


def _columns(sheet: Sheet, header_rows: tuple[int, ...], overrides: dict[str, str]) -> list[Column]:
    top = dict(_visible_texts(sheet, header_rows[0]))
    sub = dict(_visible_texts(sheet, header_rows[1])) if len(header_rows) > 1 else {}
    columns = []
    for c in sorted(set(top) | set(sub)):
        upper, lower = clean_name(top.get(c, "")), clean_name(sub.get(c, ""))
        if lower and lower != upper:
            lower_field = _field(lower, overrides)
            field_name = lower_field if lower_field is not None else _field(upper, overrides)
            header = f"{upper}/{lower}" if upper else lower
        else:
            field_name, header = _field(upper, overrides), upper
        columns.append(Column(c, header, field_name))
    return columns


def _kind(columns: list[Column], title: str) -> str | None:
    fields = {c.field for c in columns if c.field}
    measures = fields & {"measures", "pre_measures", "mid_measures", "post_measures"}
    title = header_key(title)
    if "warning" in fields and not measures:
        return "warnings"
    post_directory = "岗位" in title and ("目录" in title or "等级" in title) and "一览表" not in title
    if post_directory and fields & {"posts", "people"}:
        return "posts"
    if "risk" in fields:
        return "risks"
    if "power" in fields:
        return "powers"
    if "posts" in fields and fields & {"people", "owner_person", "duties", "since"}:
        return "posts"
    return None


def _remap_for_kind(columns: list[Column], kind: str) -> None:
    """Fields whose words mean something else in a directory: 姓名 in a 岗位目录 is its people."""
    remap = {
        "posts": {"owner_person": "people", "risk": "count", "grade": "count", "title": "count",
                  "grade_high": "count", "grade_medium": "count", "grade_low": "count"},
        "powers": {"posts": "holders", "owner_person": "holders"},
    }.get(kind, {})
    for column in columns:
        if column.field in remap:
            column.field = remap[column.field]


def _title_text(sheet: Sheet, header: int) -> str:
    lines = list(sheet.preamble)
    for r in range(header):
        lines.extend(t for _, t in _visible_texts(sheet, r))
    return " ".join(lines)


def _read_preamble(table: Table, sheet: Sheet, header: int) -> None:
    """Title, 填报单位, 部门 and 年度 from the rows above the header (and a Word table's paragraphs)."""
    lines = list(sheet.preamble)
    for r in range(header):
        texts = []
        for _, text in _visible_texts(sheet, r):
            if text not in texts:
                texts.append(text)
        if texts:
            lines.append("    ".join(texts))
    for line in [*lines, *sheet.context]:  # the table's own lines first: they win over the document's
        folded = fold_punct(line)
        pairs = _KEY_VALUE.findall(folded)
        for key, value in pairs:
            value = clean_name(value)
            if key in _ORG_KEYS and table.org_name is None:
                table.org_name = value
            elif key in _DEPARTMENT_KEYS and table.department is None:
                table.department = value
            elif key in ("年度", "年份") and table.year is None and value[:4].isdigit():
                table.year = int(value[:4])
        own = line not in sheet.context
        if not pairs and not table.title and own and any(word in clean_name(line) for word in _TITLE_WORDS):
            table.title = clean_name(line)
    if table.title:
        year = _YEAR.search(table.title)
        if year and table.year is None:
            table.year = int(year.group(1))
        org = _ORG_BEFORE.match(table.title)
        if org and org.group(1) and table.org_name is None:
            table.org_name = org.group(1)


def _report_columns(table: Table, problems: Problems) -> None:
    first: dict[str, Column] = {}
    for column in table.columns:
        name = column.field
        if name is None or name in NOT_IMPORTED:
            continue
        if name == "risk" and "risk" in first and "title" not in first:
            first["title"] = first.pop("risk")  # 风险点 | 风险描述: the first is the title
            first["title"].field = "title"
        if name in first:
            problems.on_sheet("LZ604", table.file, table.sheet, tr(
                "tables.duplicate", column=column_letters(column.index), header=column.header,
                field=FIELDS[name], first=column_letters(first[name].index)), table.header_rows[0])
            column.field = "ignore"
            continue
        first[name] = column
    unmapped = [f"{column_letters(c.index)}「{c.header}」" for c in table.columns if c.field is None]
    if unmapped:
        problems.on_sheet("LZ603", table.file, table.sheet, tr("tables.unmapped", columns=join_list(unmapped)),
                          table.header_rows[0])


def stage_of_column(column: Column) -> str | None:
    return STAGE_OF_FIELD.get(column.field or "")
