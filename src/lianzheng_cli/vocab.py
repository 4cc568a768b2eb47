"""The register's closed vocabularies, their accepted spellings, and normalisation.

The contract accepts aliases for grades (★★★, 一级, 红色, high …) and the
traditional-character spelling of every enum word; the model only ever sees
the canonical simplified word.
"""

from __future__ import annotations

from enum import StrEnum
from typing import overload


class Grade(StrEnum):
    """风险等级: the canonical word is the value, so a grade compares and hashes as ``"高"`` does."""

    HIGH = "高"
    MEDIUM = "中"
    LOW = "低"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def english(self) -> str:
        return _ENGLISH[self]

    def styled(self, style: str) -> str:
        """This grade as a ``display.grade`` style writes it (★★★, 一级, 红色 …); ``english``: high."""
        if style == "english":
            return self.english
        return GRADE_STYLES.get(style, GRADE_STYLES["word"])[self]


_RANK = {Grade.LOW: 1, Grade.MEDIUM: 2, Grade.HIGH: 3}
_ENGLISH = {Grade.HIGH: "high", Grade.MEDIUM: "medium", Grade.LOW: "low"}

GRADES = tuple(Grade)  # highest first
GRADE_RANK: dict[str, int] = {grade: grade.rank for grade in Grade}

# Every accepted spelling of each grade (the contract's aliases).
GRADE_ALIASES = {
    Grade.HIGH: ("高", "一级", "一級", "★★★", "红", "紅", "红色", "紅色", "high"),
    Grade.MEDIUM: ("中", "二级", "二級", "★★", "橙", "橙色", "medium"),
    Grade.LOW: ("低", "三级", "三級", "★", "黄", "黃", "黄色", "黃色", "low"),
}

# Each canonical word with its other accepted spellings.
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "risk_type": {
        "思想道德": (),
        "岗位职责": ("崗位職責",),
        "业务流程": ("業務流程",),
        "制度机制": ("制度機制",),
        "外部环境": ("外部環境",),
    },
    "stage": {"前期预防": ("前期預防",), "中期监控": ("中期監控",), "后期处置": ("後期處置", "后期處置")},
    "measure_kind": {
        "教育": (), "制度": (), "监督": ("監督",), "科技": (), "公开": ("公開",), "岗位": ("崗位",),
    },
    "status": {"未开始": ("未開始",), "落实中": ("落實中",), "已落实": ("已落實",)},
    "department_kind": {
        "内设机构": ("內設機構",), "领导班子": ("領導班子",), "直属单位": ("直屬單位",), "项目部": ("項目部",),
    },
    "scope": {"外部": (), "内部": ("內部",)},
    "category": {
        "行政审批": ("行政審批",), "行政执法": ("行政執法",), "行政处罚": ("行政處罰",),
        "行政征收": ("行政徵收",), "行政确认": ("行政確認",), "人事管理": (),
        "财务管理": ("財務管理",), "物资采购": ("物資採購", "物資采購"), "项目建设": ("項目建設",),
        "内部管理": ("內部管理",), "其他": (),
    },
    "warning_source": {
        "巡视": ("巡視",), "审计": ("審計",), "专项检查": ("專項檢查",), "信访举报": ("信訪舉報",),
        "民主测评": ("民主測評",), "述职述廉": ("述職述廉",), "其他": (),
    },
    "warning_level": {"提示": (), "预警": ("預警",), "亮牌": ()},
    "warning_action": {
        "风险提示": ("風險提示",), "谈话提醒": ("談話提醒",), "诫勉谈话": ("誡勉談話",), "责令整改": ("責令整改",),
    },
    "monitoring_role": {
        "单位主要负责人": ("單位主要負責人",), "纪检监察机构": ("紀檢監察機構",),
        "分管领导": ("分管領導",), "部门负责人": ("部門負責人",),
    },
}

_CANONICAL: dict[str, dict[str, str]] = {
    name: {spelling: word for word, others in table.items() for spelling in (word, *others)}
    for name, table in ENUMS.items()
}
_CANONICAL["grade"] = {spelling: grade for grade, spellings in GRADE_ALIASES.items() for spelling in spellings}

# How each display style writes a canonical grade (display.grade in org.yaml).
GRADE_STYLES: dict[str, dict[str, str]] = {
    "word": {Grade.HIGH: "高", Grade.MEDIUM: "中", Grade.LOW: "低"},
    "stars": {Grade.HIGH: "★★★", Grade.MEDIUM: "★★", Grade.LOW: "★"},
    "level": {Grade.HIGH: "一级", Grade.MEDIUM: "二级", Grade.LOW: "三级"},
    "color": {Grade.HIGH: "红色", Grade.MEDIUM: "橙色", Grade.LOW: "黄色"},
}


def canonical(vocabulary: str, value: str) -> str:
    """The canonical word for ``value`` (unknown spellings pass through unchanged)."""
    return _CANONICAL[vocabulary].get(value, value)


def canonical_grade(value: str | None) -> str | None:
    return None if value is None else _CANONICAL["grade"].get(str(value).strip(), None)


def known_grade(value: str) -> str:
    """The canonical grade of a spelling the schema has already accepted (``KeyError`` for any other)."""
    return _CANONICAL["grade"][value.strip()]


def spellings(vocabulary: str) -> list[str]:
    """Every accepted spelling of a vocabulary, for the schemas and tests."""
    return list(_CANONICAL[vocabulary])


def words(vocabulary: str) -> list[str]:
    """The canonical words of a vocabulary, for messages."""
    return list(GRADE_ALIASES) if vocabulary == "grade" else list(ENUMS[vocabulary])


def grade_style_of(value: str) -> str:
    """The display style a grade was written in, so a fix can keep it (★★★ stays stars)."""
    value = value.strip()
    for style, table in GRADE_STYLES.items():
        if value in table.values():
            return style
    if value in ("一級", "二級", "三級"):
        return "level"
    if value in ("红", "紅", "紅色", "橙", "黄", "黃", "黃色"):
        return "color"
    if value in ("high", "medium", "low"):
        return "english"
    return "word"


def write_grade(grade: str, style: str) -> str:
    return Grade(grade).styled(style)


@overload
def higher(a: str, b: str | None) -> str: ...
@overload
def higher(a: str | None, b: str) -> str: ...
@overload
def higher(a: str | None, b: str | None) -> str | None: ...
def higher(a: str | None, b: str | None) -> str | None:
    """The higher of two grades; a missing one (None) never wins."""
    if a is None:
        return b
    if b is None:
        return a
    return a if GRADE_RANK[a] >= GRADE_RANK[b] else b
