"""``lz import --update``, the comparison: each row of each risk sheet against the register risk its 风险点编号 names.

A value counts as changed only when it differs from what the sheet would show for the register as it is: the
register's value rendered as ``lz render xlsx`` renders it and read back as the importer reads it (so a text the
sheet cannot hold exactly, or a grade shown as stars, is no change). A workbook with an 一览表 and its 明细 holds
each risk twice: the sheet whose value changed wins, and two sheets changed differently are reported (LZ662).

Measures are matched by their text and stage in order (``difflib``): a line changed in place is that measure
changed, a line added is a new measure (appended, with the next free ``M`` id), a line gone is a measure
removed. Names (流程, 关键环节, 涉及对象, 责任主体) are looked up in the register (``names``); a 涉及对象 that
names no post becomes a new post. Every change is a ``Change``: what it is for the report, and the path and
value it writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from lianzheng_cli.i18n import current_language, messages
from lianzheng_cli.importing.draft import DraftRisk
from lianzheng_cli.importing.emit import SCORES_NOTE, TYPE_NOTE, source_comment
from lianzheng_cli.importing.grades import split_risks
from lianzheng_cli.importing.grid import Place
from lianzheng_cli.importing.measures import MARKER, split_measures, strip_marker
from lianzheng_cli.importing.names import Names
from lianzheng_cli.importing.problems import Problems
from lianzheng_cli.importing.risks import title_and_description
from lianzheng_cli.importing.text import clean_name, clean_text, fold_punct, split_names
from lianzheng_cli.importing.words import COMMON_MARKERS, RISK_TYPES, common_scope, risk_type, risk_type_word
from lianzheng_cli.model.grading import RiskGrade
from lianzheng_cli.model.records import Department, Measure, Register, Risk
from lianzheng_cli.vocab import GRADE_RANK
from lianzheng_cli.write.grades import respell_grade

tr = messages({
    "match.conflict": {
        "zh": "风险点 {risk} 的{field}在「{sheet}」与「{other}」中改得不同，未更新；请只在一个工作表中修改",
        "en": "the {field} of risk {risk} was changed differently in “{sheet}” and “{other}”; not updated: "
              "change it in one sheet only",
    },
    "match.unknown_type": {
        "zh": "风险类型「{type}」不在词表中，风险点 {risk} 的风险类型未更新",
        "en": "risk type “{type}” is not in the vocabulary; the type of risk {risk} is not updated",
    },
    "match.unknown_process": {
        "zh": "流程「{name}」不在登记簿中，风险点 {risk} 的流程未更新（新的流程请先写入登记簿）",
        "en": "process “{name}” is not in the register; the process of risk {risk} is not updated (add new "
              "processes to the register first)",
    },
    "match.unknown_step": {
        "zh": "流程「{process}」中没有关键环节「{name}」，风险点 {risk} 的关键环节未更新",
        "en": "process “{process}” has no step “{name}”; the step of risk {risk} is not updated",
    },
    "match.unknown_owner": {
        "zh": "责任主体「{name}」不是登记簿中的部门、岗位或人员，风险点 {risk} 措施 {measure} 的责任主体未更新",
        "en": "owner “{name}” is no department, post or person of the register; the owner of measure {measure} "
              "of risk {risk} is not updated",
    },
    "match.owners_unaligned": {
        "zh": "风险点 {risk} 的责任主体按编号写出，但条数与防控措施不同，责任主体未更新",
        "en": "the owners of risk {risk} are numbered but do not match its measures one for one; owners not updated",
    },
    "match.measures_unaligned": {
        "zh": "风险点 {risk} 的防控措施在登记簿中含有列表标记，无法与表中各条对应，措施未更新",
        "en": "the measures of risk {risk} hold list markers in the register and cannot be matched to the sheet's "
              "lines; measures not updated",
    },
    "match.lower_grade": {
        "zh": "风险点 {risk} 的申报等级改为{grade}，低于计算等级{computed}，有效等级仍为{computed}",
        "en": "the declared grade of risk {risk} becomes {grade}, below its computed grade {computed}: its effective "
              "grade stays {computed}",
    },
    "match.department_moved": {
        "zh": "风险点 {risk} 在表中属于「{name}」，登记簿中属于「{registered}」：不在部门之间移动风险点，部门未更新",
        "en": "risk {risk} is under “{name}” in the sheet but “{registered}” in the register: risks are not moved "
              "between departments",
    },
    "match.unknown_department": {
        "zh": "部门「{name}」不在登记簿中，该行的风险点未加入（新的部门请先写入登记簿）",
        "en": "department “{name}” is not in the register; the row's risk is not added (add new departments to the "
              "register first)",
    },
    "match.no_stage": {
        "zh": "风险点 {risk} 的新措施 {measure} 没有阶段（如「【前期预防】」），请在登记簿中补写",
        "en": "the new measure {measure} of risk {risk} has no stage (like 【前期预防】); add it in the register",
    },
    "match.no_owner": {
        "zh": "风险点 {risk} 的新措施 {measure} 没有可识别的责任主体，请在登记簿中补写",
        "en": "the new measure {measure} of risk {risk} has no owner that the register knows; add it in the register",
    },
    "match.new_post": {
        "zh": "涉及对象「{name}」不是{department}的已有岗位，新建岗位 {id}",
        "en": "涉及对象 “{name}” is no post of {department}; new post {id}",
    },
})

RISK_KEYS = ("id", "title", "description", "type", "process", "step", "applies_to", "posts", "parties", "likelihood",
             "impact", "factors", "grade", "reviewed", "measures")
MEASURE_KEYS = ("id", "text", "stage", "kind", "owner", "due", "status")
FIELDS = ("title", "description", "type", "grade", "process", "step", "posts", "measures")
SCORES_OF_GRADE = {"高": (4, 4), "中": (3, 3), "低": (2, 2), None: (3, 3)}
ASSUMED_TYPE = "岗位职责"
_PAD = " " * 14  # before a note after a value, as the importer writes it
_NUMBERED = re.compile(r"M(\d+)")


@dataclass(frozen=True, slots=True)
class Change:
    """One change an update makes (``kept``: a row gone from the sheet that only ``--delete`` removes)."""

    action: str  # changed | added | removed | kept
    what: str  # risk | measure | post
    file: str  # the register file, relative to the register folder
    id: str  # the risk's (or post's) id
    name: str  # the risk's title (or post's name), for the report
    field: str = ""
    old: Any = None  # as the sheet shows it (names, not ids)
    new: Any = None
    measure: str = ""  # the measure's id
    place: Place | None = None  # the cell the new value came from
    path: tuple = ()  # where it is written: the value set, the list appended to, the item deleted
    value: Any = None  # what is written (None: the key is deleted)
    comment: str | None = None  # a comment line above an added item
    notes: dict[str, str] | None = None  # comments after some keys of an added item


@dataclass(slots=True)
class Row:
    """A risk as one sheet shows it."""

    risk: DraftRisk
    department: str
    titled: bool  # the sheet has a 风险点名称 column (the 明细), else ``名称:描述`` in one cell (the 一览表)

    @property
    def sheet(self) -> str:
        return self.risk.place.sheet


def risk_text(text: str) -> str:
    """A risk text as the importer reads it from its cell (grade marks taken out)."""
    parts = split_risks(clean_text(text))
    return parts[0].text if len(parts) == 1 else clean_text(text)


class Comparer:
    def __init__(self, register: Register, grades: dict[str, RiskGrade], names: Names, problems: Problems):
        self.register = register
        self.grades = grades
        self.names = names
        self.problems = problems
        self.changes: list[Change] = []
        self._posts_reported: set[str] = set()
        self._party_names = {party.name: party.id for party in register.parties.values()}

    # --- what the sheets show, and what they would show for the register ----------------------------------

    @staticmethod
    def seen(row: Row) -> dict[str, Any]:
        risk = row.risk
        return {"title": risk.title, "description": risk.description, "type": risk.type,
                "grade": risk.grade.value if risk.grade is not None else None,
                "process": risk.process_name, "step": risk.step_name, "posts": tuple(risk.post_names),
                "measures": tuple((m.text, m.stage, tuple(m.owner_names)) for m in risk.measures)}

    def values(self, risk: Risk) -> dict[str, Any]:
        """The register's values as a sheet shows them, before reading back: what an unchanged row shows, mostly."""
        register = self.register
        process = register.processes.get(risk.process) if risk.process else None
        step = next((s.name for s in process.steps if s.id == risk.step), None) if process and risk.step else None
        return {"title": risk.title, "description": risk.description, "type": risk.type,
                "grade": self.grades[risk.id].effective, "process": process.name if process else None, "step": step,
                "posts": self.subjects(risk), "measures": tuple((m.text, m.stage) for m in risk.measures)}

    def subjects(self, risk: Risk) -> tuple[str, ...]:
        """涉及对象 as the 一览表 shows it: the common scope's marker (1.1) first, the posts, the parties after."""
        register = self.register
        names = [register.name_of(p) for p in (*risk.posts, *risk.parties)]
        if risk.common:
            names.insert(0, COMMON_MARKERS[risk.applies_to])
        return tuple(names)

    def _is_post_name(self, name: str) -> bool:
        """Not the common marker nor an outside party of the register: a post's name."""
        return common_scope(name) is None and name not in self._party_names

    def expected(self, risk: Risk, titled: bool) -> dict[str, Any]:
        """The register's values as the importer reads them back from the sheet (``titled``: from the 明细)."""
        values = self.values(risk)
        if titled:
            title, description = clean_text(risk.title), risk_text(risk.description)
        else:
            title, description = title_and_description(risk_text(f"{risk.title}:{risk.description}"))
        cell = "\n".join(f"{i}.【{m.stage}】{m.text}" for i, m in enumerate(risk.measures, 1))
        return {"title": title, "description": description or title,
                "type": risk_type(risk.type) or risk_type_word(risk.type), "grade": values["grade"],
                "process": clean_name(values["process"]) if values["process"] else None,
                "step": clean_name(values["step"] or "") or None,
                "posts": tuple(split_names("、".join(values["posts"]))),
                "measures": tuple((m.text, m.stage) for m in split_measures(cell))}

    def _same(self, field: str, shown: Any, expected: Any, risk: Risk) -> bool:
        if field == "measures":
            if len(shown) != len(expected):
                return False
            return all((text, stage) == pair and (not owners or self._owner_shown(owners, measure.owner))
                       for (text, stage, owners), pair, measure in zip(shown, expected, risk.measures, strict=False))
        if not shown and field != "measures":
            return True  # an empty cell changes nothing (a cell unmerged in Excel keeps its value in the first row)
        return bool(shown == expected)

    def _owner_shown(self, owners: tuple[str, ...], owner: str | None) -> bool:
        return bool(set(owners) & self.names.shown(owner))

    def merged(self, risk: Risk, rows: list[Row]) -> dict[str, tuple[Any, Row]]:
        """The fields some sheet changed: their new value and the row it came from."""
        found: dict[str, tuple[Any, Row]] = {}
        values = self.values(risk)
        expected: dict[bool, dict[str, Any]] = {}  # read back only when a value differs (a few rows of a county)
        seen = [(row, self.seen(row)) for row in rows]
        for field in FIELDS:
            changed: dict[Any, tuple[Any, Row]] = {}
            for row, shown in seen:
                if self._same(field, shown[field], values[field], risk):
                    continue
                if row.titled not in expected:
                    expected[row.titled] = self.expected(risk, row.titled)
                if not self._same(field, shown[field], expected[row.titled][field], risk):
                    changed.setdefault(shown[field], (shown[field], row))
            if len(changed) == 1:
                found[field] = next(iter(changed.values()))
            elif changed:
                (_, first), (_, other) = list(changed.values())[:2]
                self.problems.at("LZ660", first.risk.cell(_CELL[field]), tr(
                    "match.conflict", risk=risk.id, field=_label(field), sheet=first.sheet, other=other.sheet))
        return found

    # --- a risk the sheets hold -----------------------------------------------------------------------------

    def compare(self, risk: Risk, rows: list[Row]) -> None:
        department = self.register.by_department[risk.department]
        moved = next((row for row in rows if row.department != department.name
                      and self.names.department(row.department) is not None), None)
        if moved is not None:
            self.problems.at("LZ661", moved.risk.cell("department"), tr(
                "match.department_moved", risk=risk.id, name=moved.department, registered=department.name))
        fields = self.merged(risk, rows)
        for field in ("title", "description"):
            if field in fields:
                value, row = fields[field]
                self._change(risk, field, getattr(risk, field), value, value, row.risk.cell(_CELL[field]))
        if "type" in fields:
            self._type(risk, *fields["type"])
        if "grade" in fields:
            self._grade(risk, *fields["grade"])
        if "process" in fields or "step" in fields:
            self._process(risk, department, fields, rows[0])
        if "posts" in fields:
            value, row = fields["posts"]
            ids = [self.post(department, name, row) for name in value if self._is_post_name(name)]
            ids = list(dict.fromkeys(ids))
            if tuple(ids) != risk.posts:
                self._change(risk, "posts", self.expected(risk, True)["posts"], value, ids, row.risk.cell("posts"))
        if "measures" in fields:
            self._measures(risk, department, *fields["measures"])

    def _change(self, risk: Risk, field: str, old: Any, new: Any, value: Any, place: Place | None) -> None:
        self.changes.append(Change("changed", "risk", risk.at.file, risk.id, risk.title, field, old, new, "", place,
                                   (*risk.at.path, field), value))

    def _type(self, risk: Risk, value: str, row: Row) -> None:
        if value not in RISK_TYPES:
            self.problems.at("LZ664", row.risk.cell("type"), tr("match.unknown_type", type=value, risk=risk.id))
        elif value != risk.type:
            self._change(risk, "type", risk.type, value, value, row.risk.cell("type"))

    def _grade(self, risk: Risk, value: str, row: Row) -> None:
        grade = self.grades[risk.id]
        written = respell_grade(risk.declared_text, value) if risk.declared_text else value
        self._change(risk, "grade", str(grade.effective), value, written, row.risk.cell("grade"))
        if GRADE_RANK[value] < GRADE_RANK[grade.computed]:
            self.problems.at("LZ669", row.risk.cell("grade"),
                             tr("match.lower_grade", risk=risk.id, grade=value, computed=grade.computed))

    def _process(self, risk: Risk, department: Department, fields: dict[str, tuple[Any, Row]], first: Row) -> None:
        expected = self.expected(risk, first.titled)
        name = fields["process"][0] if "process" in fields else expected["process"]
        step_name = fields["step"][0] if "step" in fields else expected["step"]
        row = (fields.get("process") or fields["step"])[1]
        process_id = step_id = None
        if name:
            process = self.names.process(department, name)
            if process is None:
                self.problems.at("LZ663", row.risk.cell("process"),
                                 tr("match.unknown_process", name=name, risk=risk.id))
                return
            process_id = process.id
            if step_name:
                step_id = self.names.step(process, step_name)
                if step_id is None:
                    self.problems.at("LZ663", row.risk.cell("step"), tr(
                        "match.unknown_step", process=name, name=step_name, risk=risk.id))
                    if process_id == risk.process:
                        return
        if process_id != risk.process:
            self._change(risk, "process", expected["process"], name, process_id, row.risk.cell("process"))
        if step_id != risk.step:
            self._change(risk, "step", expected["step"], step_name, step_id, row.risk.cell("step"))

    def post(self, department: Department, name: str, row: Row) -> str:
        ident, new = self.names.post_id(department, name, row.risk.cell("posts"))
        if new and ident not in self._posts_reported:
            self._posts_reported.add(ident)
            self.problems.at("LZ666", row.risk.cell("posts"),
                             tr("match.new_post", name=name, department=department.name, id=ident))
        return ident

    def new_risk(self, row: Row) -> None:
        """A row no risk of the register has: a new risk of its department."""
        draft = row.risk
        department = self.names.department(row.department)
        if department is None:
            self.problems.at("LZ662", draft.cell("department"), tr("match.unknown_department", name=row.department))
            return
        ident = self.names.risk_id(department, draft.code)
        notes: dict[str, str] = {}
        kind = draft.type
        if kind not in RISK_TYPES:
            if kind is not None:
                self.problems.at("LZ664", draft.cell("type"), tr("match.unknown_type", type=kind, risk=ident))
            kind = ASSUMED_TYPE
            notes["type"] = _PAD + TYPE_NOTE
        item: dict = {"id": ident, "title": draft.title, "description": draft.description, "type": kind}
        if draft.process_name:
            process = self.names.process(department, draft.process_name)
            if process is None:
                self.problems.at("LZ663", draft.cell("process"),
                                 tr("match.unknown_process", name=draft.process_name, risk=ident))
            else:
                item["process"] = process.id
                step = self.names.step(process, draft.step_name) if draft.step_name else None
                if draft.step_name and step is None:
                    self.problems.at("LZ663", draft.cell("step"), tr(
                        "match.unknown_step", process=process.name, name=draft.step_name, risk=ident))
                item["step"] = step
        names = draft.post_names
        posts = list(dict.fromkeys(self.post(department, name, row) for name in names if self._is_post_name(name)))
        parties = list(dict.fromkeys(self._party_names[name] for name in names if name in self._party_names))
        scope = next((common_scope(name) for name in names if common_scope(name) is not None), None)
        if scope is not None:
            item["applies_to"] = scope
        if posts:
            item["posts"] = posts
        if parties:
            item["parties"] = parties
        if scope is None and not posts and not parties:
            item["applies_to"] = "部门"  # as the importer records a risk without 涉及对象 (format 1.1)
        grade = draft.grade.value if draft.grade is not None else None
        likelihood, impact = SCORES_OF_GRADE[grade]
        if draft.likelihood is None or draft.impact is None:
            notes["likelihood"] = _PAD + SCORES_NOTE
        item.update(likelihood=draft.likelihood or likelihood, impact=draft.impact or impact, grade=grade)
        measures = [self.measure_item(ident, department, f"M{n}", m.text, m.stage, m.owner_names, row)
                    for n, m in enumerate(draft.measures, 1)]
        if measures:
            item["measures"] = measures
        self.changes.append(Change("added", "risk", department.file, ident, draft.title, new=draft.title,
                                   place=draft.place, path=("risks",), value=item,
                                   comment=source_comment(draft.place), notes=notes))

    # --- measures ---------------------------------------------------------------------------------------

    def _measures(self, risk: Risk, department: Department, shown: tuple, row: Row) -> None:
        expected = self.expected(risk, row.titled)["measures"]
        if len(expected) != len(risk.measures):
            self.problems.at("LZ667", row.risk.cell("measures"), tr("match.measures_unaligned", risk=risk.id))
            return
        lines = [(text, stage) for text, stage, _ in shown]
        pairs, added, removed = align(lines, list(expected))
        owners_ok = not any(MARKER.match(fold_punct(name)) for _, _, owners in shown for name in owners)
        if not owners_ok and not self._owners_kept(risk, shown, pairs):
            self.problems.at("LZ665", row.risk.cell("owner"), tr("match.owners_unaligned", risk=risk.id))
        place = row.risk.cell("measures")
        for i, j in pairs:
            measure, (text, stage, owners) = risk.measures[j], shown[i]
            if text != expected[j][0]:
                self._measure(risk, measure, "text", measure.text, text, text, place)
            if stage is not None and stage != measure.stage:
                self._measure(risk, measure, "stage", measure.stage, stage, stage, place)
            if owners_ok and owners and not self._owner_shown(owners, measure.owner):
                owner = self._owner(risk, department, owners, measure.id, row)
                if owner is not None:
                    self._measure(risk, measure, "owner", self.register.name_of(measure.owner), owners[0], owner,
                                  row.risk.cell("owner", place))
        ids = [m.id for m in risk.measures]
        for i in added:
            self._new_measure(risk, department, shown[i], ids, row, owners_ok)
        for j in removed:
            measure = risk.measures[j]
            self.changes.append(Change("removed", "measure", risk.at.file, risk.id, risk.title, "", measure.text,
                                       None, measure.id, None, measure.at.path))

    def _owners_kept(self, risk: Risk, shown: tuple, pairs: list[tuple[int, int]]) -> bool:
        """Whether numbered owners that do not match the lines one for one are the register's measures' own, in order
        (lines were added, the owners left as they were): nothing to say but that the new lines have none."""
        numbered = [strip_marker(fold_punct(name)).strip() for name in shown[0][2]] if shown else []
        kept = [risk.measures[j] for _, j in pairs]
        return len(numbered) == len(kept) and all(name in self.names.shown(m.owner) for name, m in
                                                  zip(numbered, kept, strict=True))

    def _measure(self, risk: Risk, measure: Measure, field: str, old: Any, new: Any, value: Any,
                 place: Place | None) -> None:
        self.changes.append(Change("changed", "measure", risk.at.file, risk.id, risk.title, field, old, new,
                                   measure.id, place, (*measure.at.path, field), value))

    def _owner(self, risk: Risk, department: Department, owners: Iterable[str], measure: str,
               row: Row) -> str | None:
        names = list(owners)
        for name in names:
            found = self.names.owner(department, name)
            if found is not None:
                return found
        if names:
            self.problems.at("LZ665", row.risk.cell("owner", row.risk.cell("measures")), tr(
                "match.unknown_owner", name=names[0], risk=risk.id, measure=measure))
        return None

    def _new_measure(self, risk: Risk, department: Department, line: tuple, ids: list[str], row: Row,
                     owners_ok: bool) -> None:
        text, stage, owners = line
        ident = next_measure_id(ids)
        ids.append(ident)
        item = self.measure_item(risk.id, department, ident, text, stage, owners if owners_ok else (), row)
        self.changes.append(Change("added", "measure", risk.at.file, risk.id, risk.title, "", None, text, ident,
                                   row.risk.cell("measures"), (*risk.at.path, "measures"), item))

    def measure_item(self, risk: str, department: Department, ident: str, text: str, stage: str | None,
                     owners: Iterable[str], row: Row) -> dict[str, Any]:
        owner = None
        owners = list(owners)
        if owners:
            owner = self._owner_quiet(department, owners)
        if stage is None:
            self.problems.at("LZ668", row.risk.cell("measures"), tr("match.no_stage", risk=risk, measure=ident))
        if owner is None:
            self.problems.at("LZ668", row.risk.cell("owner", row.risk.cell("measures")),
                             tr("match.no_owner", risk=risk, measure=ident))
        return {"id": ident, "text": text, "stage": stage, "owner": owner}

    def _owner_quiet(self, department: Department, owners: list[str]) -> str | None:
        return next((found for name in owners if (found := self.names.owner(department, name)) is not None), None)


_CELL = {"title": "title", "description": "risk", "type": "type", "grade": "grade", "process": "process",
         "step": "step", "posts": "posts", "measures": "measures"}
_LABELS = {
    "title": {"zh": "风险点名称", "en": "title"}, "description": {"zh": "风险描述", "en": "description"},
    "type": {"zh": "风险类型", "en": "type"}, "grade": {"zh": "风险等级", "en": "grade"},
    "process": {"zh": "流程", "en": "process"}, "step": {"zh": "关键环节", "en": "step"},
    "posts": {"zh": "涉及对象", "en": "posts"}, "measures": {"zh": "防控措施", "en": "measures"},
}


def _label(field: str) -> str:
    return _LABELS[field]["en" if current_language() == "en" else "zh"]


def align(shown: list[tuple], expected: list[tuple]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs (sheet line, register measure), the sheet's lines added and the register's measures removed: lines
    equal in text and stage pair first, in order; between them, lines pair with measures one for one."""
    pairs: list[tuple[int, int]] = []
    added: list[int] = []
    removed: list[int] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, shown, expected, autojunk=False).get_opcodes():
        n = min(i2 - i1, j2 - j1) if tag in ("equal", "replace") else 0
        pairs += [(i1 + k, j1 + k) for k in range(n)]
        added += range(i1 + n, i2)
        removed += range(j1 + n, j2)
    return pairs, added, removed


def next_measure_id(ids: list[str]) -> str:
    """``M`` and the number after the highest ``M<n>`` of the risk."""
    highest = max((int(m.group(1)) for m in map(_NUMBERED.fullmatch, ids) if m), default=0)
    ident = f"M{highest + 1}"
    while ident in ids:
        highest += 1
        ident = f"M{highest + 1}"
    return ident
