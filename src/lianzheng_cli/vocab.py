"""The register's closed vocabularies, their accepted spellings, and normalisation.

The contract accepts aliases for grades (★★★, 一级, 红色, high …) and the
traditional-character spelling of every enum word; the model only ever sees
the canonical simplified word.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any, overload


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
        "机制": ("機制",), "惩处": ("懲處",), "流程": (),
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
        "队伍管理": ("隊伍管理",), "内部管理": ("內部管理",), "其他": (),
    },
    "warning_source": {
        "巡视": ("巡視",), "审计": ("審計",), "专项检查": ("專項檢查",), "信访举报": ("信訪舉報",),
        "民主测评": ("民主測評",), "述职述廉": ("述職述廉",),
        "效能监察": ("效能監察",), "民主生活会": ("民主生活會",), "干部考察考评": ("幹部考察考評",),
        "查办案件": ("查辦案件",), "问卷调查": ("問卷調查",), "网络舆情": ("網絡輿情",), "调研座谈": ("調研座談",),
        "行政投诉": ("行政投訴",), "社会反映": ("社會反映",), "其他": (),
    },
    "warning_level": {"提示": (), "预警": ("預警",), "亮牌": ()},
    "warning_action": {
        "风险提示": ("風險提示",), "谈话提醒": ("談話提醒",), "诫勉谈话": ("誡勉談話",), "责令整改": ("責令整改",),
        "警示提醒": (), "诫勉纠错": ("誡勉糾錯",), "责令纠错": ("責令糾錯",), "限期整改": (),
        "个别谈话": ("個別談話",), "问责": ("問責",),
    },
    "monitoring_role": {
        "单位主要负责人": ("單位主要負責人",), "纪检监察机构": ("紀檢監察機構",),
        "分管领导": ("分管領導",), "部门负责人": ("部門負責人",),
        "领导班子": ("領導班子",), "党组织": ("黨組織",),
    },
    "applies_to": {"岗位": ("崗位",), "部门": ("部門",), "单位": ("單位",)},  # 1.1: common risk points
    # 审核主体 of an approval record (approvals.yaml)
    "approval_body": {
        "部门会议": ("部門會議",), "分管领导": ("分管領導",), "党委会": ("黨委會",), "党组会": ("黨組會",),
        "领导小组": ("領導小組",),
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


# --- a register's own words (format 1.1: org.yaml `vocabulary`) ------------------------------------------------

# The vocabularies a register may extend, in the contract's order; the first may get new words (`add`), the
# others take aliases only (`aliases`: another spelling of a canonical word).
EXTENDABLE = ("risk_type", "measure_kind", "department_kind", "category", "warning_source", "warning_action",
              "monitoring_role", "approval_body")
VOCABULARY_NAMES = ("risk_type", "stage", "measure_kind", "status", "department_kind", "category",
                    "warning_source", "warning_level", "warning_action", "monitoring_role", "approval_body")


@dataclass(frozen=True)
class Vocabulary:
    """The built-in vocabularies with a register's additions: its new words and its aliases, by vocabulary.

    Hashable and comparable, so a schema is compiled once per distinct vocabulary; ``BUILTIN`` has none.
    """

    added: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (vocabulary, new canonical words)
    aliases: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (vocabulary, ((spelling, word), …))

    @classmethod
    def from_org(cls, org: Any) -> Vocabulary:
        """The vocabulary of an org document, leniently: what is wrong in its ``vocabulary`` is left out here
        (the schema generated from what is left reports it, located)."""
        section = org.get("vocabulary") if isinstance(org, dict) else None
        if not isinstance(section, dict):
            return BUILTIN
        add: dict = section["add"] if isinstance(section.get("add"), dict) else {}
        added = []
        for name in EXTENDABLE:
            known = set(_CANONICAL[name])
            given = add.get(name)
            words = [w for w in given if isinstance(w, str) and w and w not in known] if isinstance(given, list) else []
            if words:
                added.append((name, tuple(dict.fromkeys(words))))
        partial = cls(tuple(added))
        table: dict = section["aliases"] if isinstance(section.get("aliases"), dict) else {}
        aliases = []
        for name in VOCABULARY_NAMES:
            mapping = table.get(name)
            if not isinstance(mapping, dict):
                continue
            canonical_words, spelled = set(partial.words(name)), set(partial.spellings(name))
            pairs = tuple((k, v) for k, v in mapping.items() if isinstance(k, str) and k and k not in spelled
                          and isinstance(v, str) and v in canonical_words)
            if pairs:
                aliases.append((name, pairs))
        return cls(tuple(added), tuple(aliases))

    @property
    def builtin(self) -> bool:
        return not self.added and not self.aliases

    @cached_property
    def fingerprint(self) -> str:
        """A short digest of the additions ('' for the built-in vocabulary): part of every cache key."""
        if self.builtin:
            return ""
        text = json.dumps([self.added, self.aliases], ensure_ascii=False)
        return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()

    @cached_property
    def _tables(self) -> dict[str, dict[str, str]]:
        tables = {name: dict(table) for name, table in _CANONICAL.items()}
        for name, words in self.added:
            tables[name].update((w, w) for w in words)
        for name, pairs in self.aliases:
            tables[name].update(pairs)
        return tables

    def added_words(self, vocabulary: str) -> tuple[str, ...]:
        return dict(self.added).get(vocabulary, ())

    def canonical(self, vocabulary: str, value: str) -> str:
        """The canonical word for ``value`` (unknown spellings pass through unchanged)."""
        return self._tables[vocabulary].get(value, value)

    def words(self, vocabulary: str) -> list[str]:
        """The canonical words: the built-in ones, then the register's."""
        if vocabulary == "grade":
            return list(GRADE_ALIASES)
        return [*ENUMS[vocabulary], *self.added_words(vocabulary)]

    def spellings(self, vocabulary: str) -> list[str]:
        """Every accepted spelling: each word with its built-in spellings, then the register's aliases."""
        return list(self._tables[vocabulary])

    def register_aliases(self, vocabulary: str) -> tuple[tuple[str, str], ...]:
        return dict(self.aliases).get(vocabulary, ())


BUILTIN = Vocabulary()
