"""Text helpers for the rules: normalisation for comparing texts, stock phrases, grade words."""

from __future__ import annotations

import re
import unicodedata

from lianzheng_cli.i18n import current_language

# What normalising keeps: joining the runs found is a third faster than removing the rest.
_WORDS = re.compile(r"[^\W_]+")

# 泛泛而谈: phrases that say nothing about a concrete act, from the source
# documents' complaints ("政治学习不够扎实,业务程序有待进一步规范云云").
VAGUE_RISK_PHRASES = (
    "有待进一步", "有待加强", "有待提高", "有待规范", "有待完善", "不够扎实", "不够到位", "不够严格", "不够规范",
    "意识不强", "意识淡薄", "意识不够", "思想放松", "认识不足", "认识不到位", "学习不够", "重视不够",
    "可能存在", "存在风险", "廉政风险", "等问题", "等现象", "等情况",
)
# 措施不具体: the verbs and adverbs of a measure that carry no content by themselves.
VAGUE_MEASURE_PHRASES = (
    "进一步", "切实", "认真", "严格", "加强", "强化", "落实", "完善", "健全", "提高", "增强", "做好", "抓好",
    "有关", "相关", "各项", "工作", "管理", "要求", "规定",
)


_VAGUE_RISK = re.compile("|".join(VAGUE_RISK_PHRASES))
_VAGUE_MEASURE = re.compile("|".join(VAGUE_MEASURE_PHRASES))


def normalize(text: str) -> str:
    """Text for comparison: full-width folded (NFKC), punctuation and spaces removed."""
    text = "".join(_WORDS.findall(text))  # first: full-width punctuation is most of what NFKC would change
    if not unicodedata.is_normalized("NFKC", text):
        text = "".join(_WORDS.findall(unicodedata.normalize("NFKC", text)))
    return text


def risk_content(normalized: str) -> str:
    """A normalised risk description without its stock phrases: what it says concretely."""
    return _VAGUE_RISK.sub("", normalized)


def measure_content(normalized: str) -> str:
    """A normalised measure text without the words that carry no content by themselves."""
    return _VAGUE_MEASURE.sub("", normalized)


def grade_word(grade: str) -> str:
    if current_language() == "en":
        return {"高": "高 (high)", "中": "中 (medium)", "低": "低 (low)"}[grade]
    return grade
