"""``lz assess`` outputs: text and JSON (``ASSESS_FORMATS``), and the plain data the report, its Word document and
the workbook's 考核评分 sheet show.

JSON keys are stable and in English; the band is given as the word (好 …) and as a key (``good`` …).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO

from lianzheng_cli.assess import Assessment, ItemScore, Score
from lianzheng_cli.assess.standard import BAND_TEXT
from lianzheng_cli.i18n import current_language, messages

tr = messages({
    "assess.title": {
        "zh": "{org}{year}年度考核（百分制，截至{as_of}；评分标准：{source}）",
        "en": "{org}, assessment of {year} (out of 100, as of {as_of}; standard: {source})",
    },
    "assess.source.default": {"zh": "默认评分标准（lz 内置，见 docs/assess.md）",
                              "en": "the default standard (built into lz, see docs/assess.md)"},
    "assess.source.org": {"zh": "本单位评分标准（org.yaml）", "en": "the unit's standard (org.yaml)"},
    "assess.unit": {"zh": "单位：{name}，{score}分（{band}）", "en": "unit: {name}, {score} ({band})"},
    "assess.department": {"zh": "部门：{name}（{id}），{score}分（{band}）",
                          "en": "department: {name} ({id}), {score} ({band})"},
    "assess.item": {"zh": "{name}（{id}）{score}/{points}：{evidence}",
                    "en": "{name} ({id}) {score}/{points}: {evidence}"},
    "assess.unmet": {"zh": "未达：{ids}", "en": "not met: {ids}"},
    "assess.more": {"zh": "等{count}项", "en": " ({count} in all)"},
    "assess.evidence.risk_coverage": {"zh": "职权{counted}项，有风险点的{met}项",
                                      "en": "{met} of {counted} powers have a risk point"},
    "assess.evidence.high_monitoring": {"zh": "高风险点{counted}个，有中期监控措施的{met}个",
                                        "en": "{met} of {counted} high risks have a 中期监控 measure"},
    "assess.evidence.measures_on_time": {"zh": "到期措施{counted}项，已落实{met}项",
                                         "en": "{met} of {counted} measures due are done"},
    "assess.evidence.warnings_closed": {"zh": "应办结预警{counted}条，按时限办结{met}条",
                                        "en": "{met} of {counted} warnings due were closed within the limit"},
    "assess.evidence.people_briefed": {"zh": "人员{counted}名，已就现岗位交底{met}名",
                                       "en": "{met} of {counted} people briefed on their present post"},
    "assess.evidence.people_pledged": {"zh": "人员{counted}名，本年度已承诺{met}名",
                                       "en": "{met} of {counted} people pledged this year"},
    "assess.evidence.lint_errors": {"zh": "检查错误{met}个，每个扣{deduction}分",
                                    "en": "{met} lint errors, {deduction} off each"},
    "assess.evidence.none": {"zh": "（无可计数的对象，得满分）", "en": " (nothing to count: full points)"},
    "assess.evidence.manual": {"zh": "考核组评分{by}", "en": "scored by the assessment group{by}"},
    "assess.evidence.manual_by": {"zh": "（{by}）", "en": " ({by})"},
    "assess.evidence.missing": {"zh": "未录入评分（assessments.yaml）", "en": "no score entered (assessments.yaml)"},
})

SHOWN_IDS = 10  # ids of unmet evidence the text shows per item


def said(key: str, language: str, **params: Any) -> str:
    """A message in ``language`` whatever the run's (documents are Chinese)."""
    return tr.entry(key)[language].format(**params)


def number(value: float) -> str:
    """``15``, ``7.5``: one decimal at most, none when whole."""
    return f"{value:.1f}".removesuffix(".0")


def evidence(item: ItemScore, language: str | None = None) -> str:
    """What an item's score rests on, in a sentence."""
    language = language or current_language()
    if item.item.manual:
        if not item.entered:
            return said("assess.evidence.missing", language)
        by = said("assess.evidence.manual_by", language, by=item.by) if item.by else ""
        text = said("assess.evidence.manual", language, by=by)
        return f"{text}：{item.note}" if item.note and language == "zh" else text
    key = f"assess.evidence.{item.item.indicator}"
    text = said(key, language, counted=item.counted, met=item.met, deduction=number(item.item.deduction))
    if item.counted == 0:
        text += said("assess.evidence.none", language)
    return text


def source_text(assessment: Assessment, language: str | None = None) -> str:
    key = "assess.source.default" if assessment.source == "default" else "assess.source.org"
    return said(key, language or current_language())


# --- JSON -----------------------------------------------------------------------------------------------------


def _item_json(item: ItemScore) -> dict[str, Any]:
    return {
        "id": item.item.id, "name": item.item.name, "points": item.item.points, "score": item.score,
        "indicator": item.item.indicator, "manual": item.item.manual, "value": item.value,
        "counted": item.counted, "met": item.met,
        "evidence": {"met": item.met_ids, "unmet": item.unmet_ids},
        "entered": item.entered, "by": item.by, "note": item.note,
    }


def _score_json(score: Score, ident: str, kind: str) -> dict[str, Any]:
    return {"kind": kind, "id": ident, "name": score.name, "score": score.total, "band": score.band,
            "band_key": score.band_key, "items": [_item_json(i) for i in score.items]}


def assessment_json(assessment: Assessment, org_id: str) -> dict[str, Any]:
    """The whole assessment as plain data (``lz assess --format json``)."""
    return {
        "year": assessment.year,
        "as_of": assessment.as_of.isoformat(),
        "standard": {
            "source": assessment.source,
            "items": [{"id": i.id, "name": i.name, "points": i.points, "indicator": i.indicator,
                       "manual": i.manual, **({"deduction": i.deduction} if i.indicator == "lint_errors" else {})}
                      for i in assessment.standard],
        },
        "unit": _score_json(assessment.unit, org_id, "unit"),
        "departments": [_score_json(d, d.department or "", "department") for d in assessment.departments],
    }


def write_json(assessment: Assessment, org_id: str, out: TextIO) -> None:
    json.dump(assessment_json(assessment, org_id), out, ensure_ascii=False, indent=2)
    out.write("\n")


# --- text -----------------------------------------------------------------------------------------------------


def shown_ids(ids: list[str], language: str | None = None, limit: int = SHOWN_IDS) -> str:
    """``a、b、c等12项``: the first ``limit`` ids and how many there are."""
    shown = "、".join(ids[:limit])
    if len(ids) > limit:
        shown += said("assess.more", language or current_language(), count=len(ids))
    return shown


def _item_lines(score: Score) -> list[str]:
    lines = []
    for item in score.items:
        lines.append("    " + tr("assess.item", name=item.item.name, id=item.item.id, score=number(item.score),
                                 points=number(item.item.points), evidence=evidence(item)))
        if item.unmet_ids and item.score < item.item.points:
            lines.append("      " + tr("assess.unmet", ids=shown_ids(item.unmet_ids)))
    return lines


def write_text(assessment: Assessment, org_name: str, out: TextIO) -> None:
    lines = [tr("assess.title", org=org_name, year=assessment.year, as_of=assessment.as_of.isoformat(),
                source=source_text(assessment)), ""]
    unit = assessment.unit
    lines.append(tr("assess.unit", name=unit.name, score=number(unit.total), band=unit.band))
    lines += _item_lines(unit)
    for dept in assessment.departments:
        lines.append("")
        lines.append(tr("assess.department", name=dept.name, id=dept.department, score=number(dept.total),
                        band=dept.band))
        lines += _item_lines(dept)
    out.write("\n".join(lines) + "\n")


# Each format: (assessment, org id, org name, out) -> None
ASSESS_FORMATS: dict[str, Callable[[Assessment, str, str, TextIO], None]] = {
    "text": lambda a, org_id, org_name, out: write_text(a, org_name, out),
    "json": lambda a, org_id, org_name, out: write_json(a, org_id, out),
}


# --- the report's section, its Word document and the workbook's sheet ----------------------------------------


def assessment_context(assessment: Assessment) -> dict[str, Any]:
    """Plain data for the report's 年度考核 section (Chinese, as the report is)."""
    def row(score: Score) -> dict[str, Any]:
        return {"id": score.department, "name": score.name, "score": number(score.total), "band": score.band,
                "scores": [{"id": i.item.id, "name": i.item.name, "points": number(i.item.points),
                           "score": number(i.score), "evidence": evidence(i, "zh"),
                           "unmet": i.unmet_ids if i.score < i.item.points else []} for i in score.items]}

    shortfalls = [{"department": d.name, "item": i.item.name, "ids": shown_ids(i.unmet_ids, "zh")}
                  for d in assessment.departments for i in d.items if i.unmet_ids and i.score < i.item.points]
    return {
        "shortfalls": shortfalls, "bands": BAND_TEXT,
        "year": assessment.year, "as_of": assessment.as_of.isoformat(), "source": source_text(assessment, "zh"),
        "standard": [{"id": i.id, "name": i.name, "points": number(i.points)} for i in assessment.standard],
        "unit": row(assessment.unit),
        "departments": [row(d) for d in assessment.departments],
    }
