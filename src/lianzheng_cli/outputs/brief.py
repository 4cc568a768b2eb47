"""廉洁风险告知书(交底书): what a person must be told about the risks of their post, and signs.

A person newly in a post is briefed (交底) on its risks: :func:`build_brief`
gathers, as plain data, the person, their department and post, the post's
powers, every risk that names the post (with its effective grade, measures and
monitors), the common risk points (1.1 ``applies_to``) of the unit and of their
department as ``common_risks``, and the pledge they sign. :func:`render_brief_markdown` renders it
with ``templates/brief/brief.md.j2`` (sandboxed, like the report);
``outputs/xlsx/brief_table.py`` writes it as a one-sheet workbook to print.

``lz brief --department ID`` writes one file per person into a folder: each
person signs their own copy, and a folder of files is what an office prints
and files person by person. Like the report, the document is Chinese whatever
``--lang`` says.
"""

from __future__ import annotations

import difflib
from collections import Counter
from datetime import datetime
from pathlib import Path

from lianzheng_cli.fileio import safe_file_part, write_atomically
from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.model.grading import Grader
from lianzheng_cli.model.order import ordered_risks
from lianzheng_cli.model.records import Register
from lianzheng_cli.outputs.annual_report import risk_record
from lianzheng_cli.outputs.templating import render_template
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
    "brief.suggest": {"zh": "，是否应为 {suggestion}？", "en": "; did you mean {suggestion}?"},
    "brief.known": {"zh": "（可用的编号：{ids}）", "en": " (known ids: {ids})"},
})

TITLE = "廉洁风险告知书（交底书）"
FILE_LABEL = "廉洁风险告知书"
PLEDGE = ("本人已知悉上述廉政风险及防控措施，承诺严格遵守廉洁从业各项规定，认真落实本岗位防控措施，"
          "主动接受组织和群众监督；如有违反，自愿接受组织处理。")
SIGNATURE = "签名：______ 日期：______"
BRIEFER_SIGNATURE = "交底人签名：______ 日期：______"


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
    # 单位 risks, then the 部门 risks of the person's department: they apply to the post without naming it, so they
    # are told but do not make the post's grade (a post is 高 through a common risk only if that risk lists it).
    common = [r for r in register.risks.values() if r.common and person.post not in r.posts
              and (r.applies_to == "单位" or r.department == person.department)]
    common.sort(key=lambda r: r.applies_to != "单位")
    common_records = [risk_record(register, r, grades[r.id]) for r in common]
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
        "common_risks": common_records,
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


def write_brief(brief: dict, path: Path, *, xlsx: bool = False, made: datetime | None = None,
                overflows: list | None = None) -> Path:
    """Write one brief as Markdown or, with ``xlsx``, as a one-sheet workbook dated ``made`` (texts too long for
    a cell are added to ``overflows``); atomically."""
    if xlsx:
        from lianzheng_cli.outputs.xlsx.brief_table import write_brief_workbook  # openpyxl only when asked for

        return write_brief_workbook(brief, path, overflows, made=made)
    return write_atomically(path, render_brief_markdown(brief))


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
