"""The imported register as YAML text: ``org.yaml`` and one file per department, in the style of ``registers/``.

Each file starts with the schema modeline editors read; each risk carries a comment naming the row it came
from (``# 来源:一览表.xlsx 「Sheet1」第 12 行``); values the format requires and the sheets did not give
(a risk's likelihood and impact, a person's 任职日期, an assumed risk type) say so in a comment.
Scalars are plain where that reads back as the same text, else double-quoted (``write.yamltext.scalar``, which
the edits of ``lz import --update`` use too); texts of several lines are literal blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lianzheng_cli.importing.draft import Draft, DraftDepartment, DraftRisk
from lianzheng_cli.importing.grid import Place
from lianzheng_cli.write.yamltext import scalar

ORG_MODELINE = "# yaml-language-server: $schema=../schemas/org.schema.json"
DEPARTMENT_MODELINE = "# yaml-language-server: $schema=../../schemas/department.schema.json"
# comments on values the format requires and the sheets did not give
_SINCE_NOTE = "              # 来源未写任职日期,暂填年度首日,请核实"
TYPE_NOTE = "# 来源未写风险类型,暂定,请核对"
SCORES_NOTE = "# 来源未写发生概率与危害程度,按等级暂定,请评定"
_PAD = " " * 14
_BLOCK_LINE = re.compile("^\\S[^\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]*$")


def _text(key: str, value: str, indent: str) -> list[str]:
    """``key: value``; a text of several lines as a literal block when it can be one."""
    if "\n" not in value:
        return [f"{indent}{key}: {scalar(value)}"]
    lines = value.split("\n")
    if lines[0] and all(line == "" or _BLOCK_LINE.match(line) for line in lines):
        return [f"{indent}{key}: |-", *(f"{indent}  {line}" if line else "" for line in lines)]
    return [f"{indent}{key}: {scalar(value)}"]


def _flow_list(values: list[str]) -> str:
    return "[" + ", ".join(scalar(v, flow=True) for v in values) + "]"


def org_text(draft: Draft, *, display_grade: str, sources: list[str]) -> str:
    lines = [
        ORG_MODELINE,
        f"# {draft.org_name} {draft.year} 年度廉政风险防控登记簿:由 lz import 从 {'、'.join(sources)} 导入。",
        "# 等级评定办法、分级监控与各项期限为 lz 的默认值,请按本单位的办法改写。",
        "schema_version: 1",
        "org:",
        f"  id: {scalar(draft.org_id)}",
        f"  name: {scalar(draft.org_name)}",
        f"year: {draft.year}",
        "grading:                     # 风险等级评定",
        "  method: matrix             # 分值 = likelihood × impact,各为 1..5",
        "  matrix:",
        "    high: 15                 # 分值 >= 15 定为 高",
        "    medium: 8                # 分值 >= 8 定为 中;更低定为 低",
        "display:",
        f"  grade: {display_grade:<22} # 一览表中等级的写法,按来源表格的写法",
    ]
    if draft.added_types:
        lines += ["vocabulary:                  # 来源表格中的风险类型(格式 1.1)", "  add:",
                  f"    risk_type: {_flow_list(draft.added_types)}"]
    parties = list(draft.parties.values())
    if parties:
        lines.append("parties:                     # 外部单位与群体(格式 1.1)")
        lines += [f"  - {{id: {scalar(p.id, flow=True)}, name: {scalar(p.name, flow=True)}}}" for p in parties]
    return "\n".join(lines) + "\n"


def department_text(department: DraftDepartment) -> str:
    lines = [
        DEPARTMENT_MODELINE,
        f"# {department.name}:由 lz import 从 {'、'.join(department.sources)} 导入。",
        "schema_version: 1",
        f"id: {scalar(department.id)}",
        f"name: {scalar(department.name)}",
        f"kind: {department.kind}",
    ]
    for section in (_people, _posts, _powers, _processes, _risks):
        block = list(section(department))
        if block:
            lines.append("")
            lines += block
    return "\n".join(lines) + "\n"


def _people(department: DraftDepartment) -> Iterator[str]:
    if not department.people:
        return
    yield "people:"
    for person in department.people:
        yield f"  - id: {scalar(person.id)}"
        yield f"    name: {scalar(person.name)}"
        yield f"    post: {scalar(person.post.id)}"
        day = person.since.isoformat() if person.since else ""
        yield f"    since: {day}" + (_SINCE_NOTE if person.since_assumed else "")


def _posts(department: DraftDepartment) -> Iterator[str]:
    if not department.posts:
        return
    yield "posts:"
    for post in department.posts.values():
        yield f"  - id: {scalar(post.id)}"
        yield f"    name: {scalar(post.name)}"
        if post.duties:
            yield from _text("duties", post.duties, "    ")
        if post.powers:
            yield f"    powers: {_flow_list(post.powers)}"


def _powers(department: DraftDepartment) -> Iterator[str]:
    if not department.powers:
        return
    yield "powers:"
    for power in department.powers:
        yield f"  - id: {scalar(power.id)}"
        yield f"    name: {scalar(power.name)}"
        yield f"    scope: {power.scope}"
        yield f"    category: {power.category}"
        if power.sanzhong_yida:
            yield "    sanzhong_yida: true"
        if power.basis:
            yield f"    basis: {_flow_list(power.basis)}"
        if power.content:
            yield from _text("content", power.content, "    ")
        if power.process:
            yield f"    process: {scalar(power.process)}"
        for key, text in power.details.items():
            yield from _text(key, text, "    ")


def _processes(department: DraftDepartment) -> Iterator[str]:
    processes = [p for p in department.processes.values() if p.steps]
    if not processes:
        return
    yield "processes:"
    for process in processes:
        yield f"  - id: {scalar(process.id)}"
        yield f"    name: {scalar(process.name)}"
        yield "    steps:"
        for step in process.steps.values():
            yield f"      - {{id: {step.id}, name: {scalar(step.name, flow=True)}}}"


def _risks(department: DraftDepartment) -> Iterator[str]:
    if not department.risks:
        return
    yield "risks:"
    for i, risk in enumerate(department.risks):
        if i:
            yield ""
        yield from _risk(risk)


def source_comment(place: Place) -> str:
    """The comment above an imported risk: the row it came from."""
    return f"# 来源:{place.file} 「{place.sheet}」第 {place.row + 1} 行"


def _risk(risk: DraftRisk) -> Iterator[str]:
    place = risk.place
    yield f"  {source_comment(place)}"
    yield f"  - id: {scalar(risk.id)}"
    yield from _text("title", risk.title, "    ")
    yield from _text("description", risk.description, "    ")
    yield f"    type: {scalar(risk.type)}" + (_PAD + TYPE_NOTE if risk.type_assumed else "")
    if risk.process:
        yield f"    process: {scalar(risk.process)}"
        if risk.step:
            yield f"    step: {scalar(risk.step)}"
    if risk.applies_to:
        yield f"    applies_to: {risk.applies_to}"
    if risk.posts:
        yield f"    posts: {_flow_list(risk.posts)}"
    if risk.parties:
        yield f"    parties: {_flow_list(risk.parties)}"
    yield f"    likelihood: {risk.likelihood}" + (_PAD + SCORES_NOTE if risk.scores_assumed else "")
    yield f"    impact: {risk.impact}"
    if risk.grade is not None:
        yield f"    grade: {risk.grade.value}"
    if risk.measures:
        yield "    measures:"
        for j, measure in enumerate(risk.measures, 1):
            yield f"      - id: M{j}"
            yield from _text("text", measure.text, "        ")
            if measure.stage:
                yield f"        stage: {measure.stage}"
            if measure.kind:
                yield f"        kind: {measure.kind}"
            if measure.owner:
                yield f"        owner: {scalar(measure.owner)}"
