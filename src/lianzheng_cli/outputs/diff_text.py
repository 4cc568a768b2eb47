"""Rendering a register diff: text (rich, by department), Markdown (a pull-request comment), JSON (the contract)."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TextIO

from rich.markup import escape

from lianzheng_cli.diff.compare import FieldChange, RegisterDiff, RiskChange
from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.outputs.diagnostics import make_console
from lianzheng_cli.outputs.markdown import md_code, md_text

tr = messages({
    "diff.heading": {"zh": "登记簿变更：{old} → {new}", "en": "Register changes: {old} → {new}"},
    "diff.summary": {
        "zh": "风险点：新增{risks_added}、删除{risks_removed}、变更{risks_changed}（升级{grade_raised}、"
              "降级{grade_lowered}）、改编号{renamed}；措施：新增{measures_added}、删除{measures_removed}；"
              "人员：新到{people_joined}、离开{people_left}、调岗{people_moved}",
        "en": "risks: {risks_added} added, {risks_removed} removed, {risks_changed} changed ({grade_raised} raised, "
              "{grade_lowered} lowered), {renamed} renamed; measures: {measures_added} added, {measures_removed} "
              "removed; people: {people_joined} joined, {people_left} left, {people_moved} moved",
    },
    "diff.none": {"zh": "两个版本之间登记簿没有变化", "en": "the register did not change between the two versions"},
    "diff.department": {"zh": "{name}（{id}）：{count}项变更", "en": "{name} ({id}): {count} change(s)"},
    "diff.risk_added": {"zh": "新增风险点 {id} {title}（等级：{grade}）",
                        "en": "risk added {id} {title} (grade {grade})"},
    "diff.risk_removed": {"zh": "删除风险点 {id} {title}（等级：{grade}）",
                          "en": "risk removed {id} {title} (grade {grade})"},
    "diff.risk_renamed": {"zh": "风险点改编号 {old} → {new} {title}（内容未变）",
                          "en": "risk renumbered {old} → {new} {title} (content unchanged)"},
    "diff.risk_changed": {"zh": "变更风险点 {id} {title}", "en": "risk changed {id} {title}"},
    "diff.change": {"zh": "{field}：{old} → {new}", "en": "{field}: {old} → {new}"},
    "diff.raised": {"zh": "（升级）", "en": " (raised)"},
    "diff.lowered": {"zh": "（降级）", "en": " (lowered)"},
    "diff.measures_added": {"zh": "新增措施 {ids}", "en": "measures added {ids}"},
    "diff.measures_removed": {"zh": "删除措施 {ids}", "en": "measures removed {ids}"},
    "diff.measure_changed": {"zh": "措施 {id} {changes}", "en": "measure {id} {changes}"},
    "diff.person_joined": {"zh": "新到人员 {id} {name}", "en": "person joined {id} {name}"},
    "diff.person_left": {"zh": "离开人员 {id} {name}", "en": "person left {id} {name}"},
    "diff.person_moved": {"zh": "人员调岗 {id} {name}：{old} → {new}", "en": "person moved {id} {name}: {old} → {new}"},
    "diff.post_added": {"zh": "新增岗位 {id} {name}", "en": "post added {id} {name}"},
    "diff.post_removed": {"zh": "删除岗位 {id} {name}", "en": "post removed {id} {name}"},
    "diff.power_added": {"zh": "新增职权 {id} {name}", "en": "power added {id} {name}"},
    "diff.power_removed": {"zh": "删除职权 {id} {name}", "en": "power removed {id} {name}"},
    "diff.process_added": {"zh": "新增流程 {id} {name}", "en": "process added {id} {name}"},
    "diff.process_removed": {"zh": "删除流程 {id} {name}", "en": "process removed {id} {name}"},
    "diff.warning_opened": {"zh": "新增预警 {id} {name}", "en": "warning opened {id} {name}"},
    "diff.warning_closed": {"zh": "预警办结 {id} {name}", "en": "warning closed {id} {name}"},
    "diff.power_changed": {"zh": "变更职权 {id} {name}", "en": "power changed {id} {name}"},
    "diff.warning_changed": {"zh": "变更预警 {id} {name}", "en": "warning changed {id} {name}"},
    "diff.nothing": {"zh": "（无）", "en": "(none)"},
    "diff.field.department": {"zh": "所属部门", "en": "department"},
    "diff.field.title": {"zh": "名称", "en": "title"},
    "diff.field.description": {"zh": "描述", "en": "description"},
    "diff.field.type": {"zh": "类型", "en": "type"},
    "diff.field.process": {"zh": "所属流程", "en": "process"},
    "diff.field.step": {"zh": "关键环节", "en": "step"},
    "diff.field.posts": {"zh": "涉及岗位", "en": "posts"},
    "diff.field.likelihood": {"zh": "发生概率", "en": "likelihood"},
    "diff.field.impact": {"zh": "危害程度", "en": "impact"},
    "diff.field.grade": {"zh": "等级", "en": "grade"},
    "diff.field.computed_grade": {"zh": "计算等级", "en": "computed grade"},
    "diff.field.text": {"zh": "内容", "en": "text"},
    "diff.field.stage": {"zh": "阶段", "en": "stage"},
    "diff.field.kind": {"zh": "类别", "en": "kind"},
    "diff.field.owner": {"zh": "责任主体", "en": "owner"},
    "diff.field.due": {"zh": "完成时限", "en": "due"},
    "diff.field.status": {"zh": "状态", "en": "status"},
    "diff.field.parties": {"zh": "涉及外部单位", "en": "parties"},
    "diff.field.applies_to": {"zh": "适用范围", "en": "applies to"},
    "diff.field.residual": {"zh": "剩余风险（发生概率×危害程度）", "en": "residual (likelihood×impact)"},
    "diff.field.residual_grade": {"zh": "剩余等级", "en": "residual grade"},
    "diff.field.content": {"zh": "职权内容", "en": "content"},
    "diff.field.subject": {"zh": "行使主体", "en": "exercised by"},
    "diff.field.conditions": {"zh": "条件", "en": "conditions"},
    "diff.field.procedure": {"zh": "程序", "en": "procedure"},
    "diff.field.time_limit": {"zh": "时限", "en": "time limit"},
    "diff.field.accountability": {"zh": "追责情形", "en": "accountability"},
    "diff.field.supervision": {"zh": "监督方式", "en": "supervision"},
    "diff.field.disclosure": {"zh": "公开形式", "en": "disclosure"},
    "diff.field.person": {"zh": "当事人", "en": "person"},
    "diff.field.notice": {"zh": "通知书编号", "en": "notice"},
    "diff.field.rectification_requirement": {"zh": "整改要求", "en": "rectification"},
    "diff.field.rectification_due": {"zh": "整改期限", "en": "rectification due"},
    "diff.field.rectification_result": {"zh": "整改结果", "en": "rectification result"},
    "diff.field.rectification_done": {"zh": "整改完成", "en": "rectification done"},
})


@dataclass
class Entry:
    """One line of a department's section, and the lines under it."""

    text: str
    details: list[str] = field(default_factory=list)


@dataclass
class Section:
    department: str
    name: str
    entries: list[Entry]


def _value(value: Any) -> str:
    if value is None or value == () or value == "":
        return tr("diff.nothing")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return join_list([str(v) for v in value])
    return str(value)


def describe_change(change: FieldChange, esc: Callable[[str], str]) -> str:
    old, new = change.old, change.new
    if change.field == "residual":  # (likelihood, impact) as the grade table writes it: 2×3
        old, new = ("×".join(map(str, v)) if v else v for v in (old, new))
    text = tr("diff.change", field=tr(f"diff.field.{change.field}"), old=esc(_value(old)), new=esc(_value(new)))
    return text + (tr(f"diff.{change.direction}") if change.direction else "")


def _risk_details(change: RiskChange, code: Callable[[str], str], esc: Callable[[str], str]) -> list[str]:
    lines = [describe_change(c, esc) for c in change.changes]
    measures = change.measures
    if measures is not None:
        if measures.added:
            lines.append(tr("diff.measures_added", ids=join_list([code(i) for i in measures.added])))
        if measures.removed:
            lines.append(tr("diff.measures_removed", ids=join_list([code(i) for i in measures.removed])))
        for m in measures.changed:
            lines.append(tr("diff.measure_changed", id=code(m.id),
                            changes=join_list([describe_change(c, esc) for c in m.changes])))
    return lines


def sections(diff: RegisterDiff, *, code: Callable[[str], str] = str, esc: Callable[[str], str] = str) -> list[Section]:
    """The diff grouped by department, as lines both renderers print (``code`` marks ids, ``esc`` escapes text)."""
    by_department: dict[str, list[Entry]] = {d: [] for d in diff.department_ids()}

    def add(department: str, key: str, details: list[str] | None = None, **params: str) -> None:
        by_department[department].append(Entry(tr(key, **params), details or []))

    for e in diff.risks_added:
        add(e.department, "diff.risk_added", id=code(e.id), title=esc(e.title), grade=e.grade)
    for e in diff.risks_removed:
        add(e.department, "diff.risk_removed", id=code(e.id), title=esc(e.title), grade=e.grade)
    for r in diff.risks_renamed:
        add(r.department, "diff.risk_renamed", old=code(r.old), new=code(r.new), title=esc(r.title))
    for c in diff.risks_changed:
        add(c.department, "diff.risk_changed", _risk_details(c, code, esc), id=code(c.id), title=esc(c.title))
    for key, items in (("diff.person_joined", diff.people_joined), ("diff.person_left", diff.people_left)):
        for i in items:
            add(i.department, key, id=code(i.id), name=esc(i.name))
    for m in diff.people_moved:
        add(m.department, "diff.person_moved", id=code(m.id), name=esc(m.name), old=code(m.old_post),
            new=code(m.new_post))
    for key, items in (("diff.post_added", diff.posts_added), ("diff.post_removed", diff.posts_removed),
                       ("diff.power_added", diff.powers_added), ("diff.power_removed", diff.powers_removed),
                       ("diff.process_added", diff.processes_added), ("diff.process_removed", diff.processes_removed),
                       ("diff.warning_opened", diff.warnings_opened), ("diff.warning_closed", diff.warnings_closed)):
        for i in items:
            add(i.department, key, id=code(i.id), name=esc(i.name))
    for key, changed in (("diff.power_changed", diff.powers_changed), ("diff.warning_changed", diff.warnings_changed)):
        for item in changed:
            add(item.department, key, [describe_change(f, esc) for f in item.changes], id=code(item.id),
                name=esc(item.name))
    return [Section(d, diff.departments.get(d, d), entries) for d, entries in by_department.items()]


def summary_line(diff: RegisterDiff) -> str:
    return tr("diff.summary", renamed=len(diff.risks_renamed), **diff.summary())


def render_text(diff: RegisterDiff, out: TextIO, *, notes: Sequence[str] = ()) -> None:
    console = make_console(out, soft_wrap=True)
    console.print(f"[bold]{escape(tr('diff.heading', old=diff.from_rev.label, new=diff.to_rev.label))}[/]")
    for note in notes:
        console.print(f"[dim]{escape(note)}[/]")
    if diff.empty:
        console.print(f"[green]{escape(tr('diff.none'))}[/]")
        return
    console.print(escape(summary_line(diff)))
    for section in sections(diff):
        console.print()
        heading = tr("diff.department", name=section.name, id=section.department, count=len(section.entries))
        console.print(f"[bold]{escape(heading)}[/]")
        for entry in section.entries:
            console.print(f"  {escape(entry.text)}")
            for line in entry.details:
                console.print(f"      {escape(line)}")


def render_markdown(diff: RegisterDiff, *, notes: Sequence[str] = ()) -> str:
    """A pull-request comment: a heading, the summary, then one collapsible section per department."""
    lines = [f"### {md_text(tr('diff.heading', old=diff.from_rev.label, new=diff.to_rev.label))}", ""]
    if notes:
        lines += [f"> {md_text(note)}  " for note in notes] + [""]
    if diff.empty:
        lines.append(md_text(tr("diff.none")))
        return "\n".join(lines) + "\n"
    lines += [f"**{md_text(summary_line(diff))}**", ""]
    for section in sections(diff, code=md_code, esc=md_text):
        # <summary> is HTML: GitHub does not render Markdown inside it.
        title = tr("diff.department", name=html.escape(section.name),
                   id=f"<code>{html.escape(section.department)}</code>", count=len(section.entries))
        lines += ["<details>", f"<summary>{title}</summary>", ""]
        for entry in section.entries:
            lines.append(f"- {entry.text}")
            lines += [f"  - {line}" for line in entry.details]
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(diff: RegisterDiff) -> str:
    return json.dumps(diff.to_json(), ensure_ascii=False, indent=2) + "\n"


def _as_text(diff: RegisterDiff, notes: Sequence[str], out: TextIO, err: TextIO) -> None:
    render_text(diff, out, notes=notes)


def _as_markdown(diff: RegisterDiff, notes: Sequence[str], out: TextIO, err: TextIO) -> None:
    out.write(render_markdown(diff, notes=notes))


def _as_json(diff: RegisterDiff, notes: Sequence[str], out: TextIO, err: TextIO) -> None:
    for note in notes:  # stdout stays pure JSON
        err.write(note + "\n")
    out.write(render_json(diff))


# ``lz diff --format`` choices come from here.
DIFF_FORMATS: dict[str, Callable[[RegisterDiff, Sequence[str], TextIO, TextIO], None]] = {
    "text": _as_text, "markdown": _as_markdown, "json": _as_json,
}
