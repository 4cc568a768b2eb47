"""``lz rollup`` rendered: the terminal table, JSON (``Rollup.to_json``, a contract) and the Markdown summary.

The Markdown summary, the county workbook (``xlsx/rollup.py``) and the Word summary (``docx/rollup.py``) are
documents the county files: Chinese whatever ``--lang`` says, from the same columns (``COLUMNS``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lianzheng_cli.i18n import current_language, messages
from lianzheng_cli.outputs.diagnostics import make_console
from lianzheng_cli.outputs.markdown import md_cell, md_text
from lianzheng_cli.vocab import GRADES

if TYPE_CHECKING:  # DuckDB is imported only by the commands that use it
    from lianzheng_cli.analytics.rollup import Rollup, UnitTotals

TEXT_COPIES = 20  # copies listed in the terminal; the other formats list all of them

tr = messages({
    "rollup.title": {"zh": "汇总：{units}个单位（截至{as_of}）", "en": "Rollup: {units} units (as of {as_of})"},
    "rollup.year_end": {"zh": "今天或各单位年度末", "en": "today or each unit's year end"},
    "rollup.county": {"zh": "合计", "en": "Total"},
    "rollup.ranking": {
        "zh": "排名（按考核得分；未考核时按措施落实率，再按逾期措施少者在前）",
        "en": "Ranking (by assessment score; without one, by the share of measures carried out, then fewer overdue)",
    },
    "rollup.failed": {
        "zh": "有错误的单位（{count}个，未计入汇总）：",
        "en": "Units with errors ({count}, left out of the totals):",
    },
    "rollup.failed.unit": {"zh": "{source}（{unit}）：{count}个错误", "en": "{source} ({unit}): {count} errors"},
    "rollup.failed.source": {"zh": "{source}：{count}个错误", "en": "{source}: {count} errors"},
    "rollup.copies": {
        "zh": "单位间照抄照搬的风险点（{count}处，风险表现去掉空白与标点后相同）：",
        "en": "Risks copied between units ({count}; the same description once spaces and punctuation are folded):",
    },
    "rollup.copies.more": {
        "zh": "……另有{count}处，用 --format json 或 --xlsx 查看全部",
        "en": "… {count} more; --format json or --xlsx lists them all",
    },
    "rollup.rank": {
        "zh": "{rank:>4}. {unit}：落实率{share}，逾期措施{overdue}项",
        "en": "{rank:>4}. {unit}: {share} of measures carried out, {overdue} overdue",
    },
    "rollup.rank.score": {
        "zh": "{rank:>4}. {unit}：考核得分{score}（{band}），落实率{share}，逾期措施{overdue}项",
        "en": "{rank:>4}. {unit}: assessed {score} ({band}), {share} of measures carried out, {overdue} overdue",
    },
    "rollup.none_failed": {"zh": "所有单位均通过校验。", "en": "Every unit validated clean."},
    "rollup.no_copies": {"zh": "未发现单位间照抄照搬的风险点。", "en": "No risk text is copied between units."},
    "rollup.cached": {
        "zh": "{cached}个单位取自缓存，{fresh}个单位重新校验并导出",
        "en": "{cached} units from the cache, {fresh} validated and exported anew",
    },
})

# (key, Chinese heading, English heading, value of a unit's totals)
Getter = Callable[["UnitTotals"], Any]


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


COLUMNS: tuple[tuple[str, str, str, Getter], ...] = (
    ("departments", "部门", "Depts", lambda t: t.departments),
    ("people", "人员", "People", lambda t: t.people),
    ("powers", "职权", "Powers", lambda t: t.powers),
    ("risks", "风险点", "Risks", lambda t: t.risks),
    *((f"grade_{g}", g, {"高": "High", "中": "Med.", "低": "Low"}[g], (lambda t, g=g: t.risks_by_grade.get(g, 0)))
      for g in GRADES),
    ("measures", "措施", "Measures", lambda t: t.measures),
    ("measures_done", "已落实", "Done", lambda t: t.measures_done),
    ("measures_overdue", "逾期", "Overdue", lambda t: t.measures_overdue),
    ("warnings_open", "未办结预警", "Open warn.", lambda t: t.warnings_open),
    ("briefed_share", "交底率", "Briefed", lambda t: _share(t.briefed_share)),
    ("pledged_share", "承诺率", "Pledged", lambda t: _share(t.pledged_share)),
    ("assessment_score", "考核得分", "Score", lambda t: t.assessment["score"] if t.assessment else "—"),
    ("assessment_band", "等次", "Band", lambda t: t.assessment["band"] if t.assessment else "—"),
)
UNIT_HEADING = ("单位", "Unit")


def unit_label(t: UnitTotals) -> str:
    return f"{t.name}（{t.unit}）"


# --- text ---

def render_text(rollup: Rollup, out: TextIO) -> None:
    console = make_console(out, soft_wrap=False, width=max(100, _width(out)))
    english = current_language() == "en"
    table = Table(title=tr("rollup.title", units=len(rollup.units), as_of=_as_of(rollup)),
                  box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 0), title_justify="left")
    table.add_column(UNIT_HEADING[english], overflow="fold")  # a long name folds, never cut short
    for _, zh, en, _get in COLUMNS:
        table.add_column(en if english else zh, justify="right")
    for t in rollup.totals:
        table.add_row(escape(unit_label(t)), *(str(get(t)) for *_, get in COLUMNS))
    county = rollup.county()
    table.add_row(tr("rollup.county"), *(str(get(county)) for *_, get in COLUMNS), style="bold")
    console.print(table)
    _text_ranking(rollup, console)
    _text_failed(rollup, console)
    _text_copies(rollup, console)
    cached = sum(u.cached for u in rollup.units if u.key)
    console.print(tr("rollup.cached", cached=cached, fresh=sum(1 for u in rollup.units if u.key) - cached))


def _as_of(rollup: Rollup) -> str:
    return rollup.as_of.isoformat() if rollup.as_of else tr("rollup.year_end")


def _width(out: TextIO) -> int:
    return 160 if not hasattr(out, "isatty") or not out.isatty() else Console().width


def _text_ranking(rollup: Rollup, console: Console) -> None:
    console.print()
    console.print(tr("rollup.ranking"))
    for n, t in enumerate(rollup.ranking, 1):
        score = t.assessment.get("score") if t.assessment else None
        common = {"rank": n, "unit": escape(unit_label(t)), "share": _share(t.done_share),
                  "overdue": t.measures_overdue}
        if score is None:
            console.print(tr("rollup.rank", **common))
        else:
            console.print(tr("rollup.rank.score", score=f"{score:g}", band=(t.assessment or {}).get("band", ""),
                             **common))


def _text_failed(rollup: Rollup, console: Console) -> None:
    console.print()
    failed = rollup.failed
    if not failed:
        console.print(tr("rollup.none_failed"))
        return
    console.print(tr("rollup.failed", count=len(failed)))
    for u in failed:
        if u.problem:
            console.print(f"  {escape(u.problem)}")
            continue
        key = "rollup.failed.unit" if u.unit else "rollup.failed.source"
        console.print("  " + escape(tr(key, source=u.argument, unit=u.unit, count=len(u.errors))))
        for d in u.errors:
            console.print(f"    {escape(u.located(d))}: {d.code} {escape(d.message)}")


def _text_copies(rollup: Rollup, console: Console) -> None:
    console.print()
    if not rollup.copies:
        console.print(tr("rollup.no_copies"))
        return
    console.print(tr("rollup.copies", count=len(rollup.copies)))
    for copy in rollup.copies[:TEXT_COPIES]:
        console.print(f"  “{escape(copy.text)}”")
        for p in copy.places:
            console.print(f"    {escape(p.unit_name)}（{p.unit}）/{escape(p.department_name)}（{p.department}）/"
                          f"{escape(p.risk)}")
    if len(rollup.copies) > TEXT_COPIES:
        console.print(tr("rollup.copies.more", count=len(rollup.copies) - TEXT_COPIES))


# --- JSON ---

def render_json(rollup: Rollup, out: TextIO) -> None:
    json.dump(rollup.to_json(), out, ensure_ascii=False, indent=1)
    out.write("\n")


# --- Markdown: a Chinese document ---

RANKING_NOTE = "按考核得分排序；未考核时按措施落实率（已落实措施占全部措施的比例），再按逾期措施少者在前。"


def summary_title(rollup: Rollup) -> str:
    as_of = rollup.as_of.isoformat() if rollup.as_of else "今天或各单位年度末"
    return f"廉政风险防控登记簿汇总（{len(rollup.totals)}个单位，截至{as_of}）"


def render_markdown(rollup: Rollup, out: TextIO) -> None:
    lines = [f"# {summary_title(rollup)}", "", "## 汇总表", ""]
    lines += _md_table(["单位", *(zh for _, zh, _, _ in COLUMNS)],
                       [[unit_label(t), *(get(t) for *_, get in COLUMNS)] for t in rollup.totals]
                       + [["合计", *(get(rollup.county()) for *_, get in COLUMNS)]])
    lines += ["", "## 排名", "", RANKING_NOTE, ""]
    lines += _md_table(["名次", "单位", "落实率", "逾期措施"],
                       [[n, unit_label(t), _share(t.done_share), t.measures_overdue]
                        for n, t in enumerate(rollup.ranking, 1)])
    lines += ["", "## 有错误的单位", ""]
    if not rollup.failed:
        lines.append("所有单位均通过校验。")
    for u in rollup.failed:
        lines.append(f"- {md_text(u.problem) if u.problem else md_text(u.argument) + f'：{len(u.errors)}个错误'}")
        lines += [f"  - {md_text(u.located(d))}：{d.code} {md_text(d.message)}" for d in u.errors]
    lines += ["", "## 单位间照抄照搬的风险点", ""]
    if not rollup.copies:
        lines.append("未发现单位间照抄照搬的风险点。")
    for copy in rollup.copies:
        places = "；".join(f"{p.unit_name}（{p.unit}）{p.department_name} 风险点 {p.risk}" for p in copy.places)
        lines.append(f"- “{md_text(copy.text)}”：{md_text(places)}")
    out.write("\n".join(lines) + "\n")


def _md_table(headings: list[str], rows: list[list[Any]]) -> list[str]:
    return ["| " + " | ".join(headings) + " |", "|" + "---|" * len(headings),
            *("| " + " | ".join(md_cell(v) for v in row) + " |" for row in rows)]


ROLLUP_FORMATS: dict[str, Callable[[Rollup, TextIO], None]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}
