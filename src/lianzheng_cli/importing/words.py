"""The enum words of the practice as sheets write them, to the register's canonical words.

Risk types with their usual suffixes (``思想道德风险``, ``一、岗位职责类``), power categories outside the
vocabulary through ``CATEGORY_MAP`` (documented in ``docs/import.md``), 对内/对外, the ``√``/``是`` of
三重一大, the kind of a department from its name, and the outside bodies (施工单位, 各科室) that are
parties rather than posts.
"""

from __future__ import annotations

import re

from lianzheng_cli.importing.text import clean_name, fold, fold_punct
from lianzheng_cli.vocab import ENUMS, canonical

RISK_TYPES = tuple(ENUMS["risk_type"])
CATEGORIES = (*ENUMS["category"], "队伍管理")  # 队伍管理: format 1.1

# Categories that registers of the practice use, to the vocabulary's word.
CATEGORY_MAP: dict[str, str] = {
    "行政许可": "行政审批", "审批": "行政审批", "行政审核": "行政审批", "审核审批": "行政审批",
    "行政检查": "行政执法", "行政强制": "行政执法", "执法": "行政执法", "监督检查": "行政执法",
    "处罚": "行政处罚", "征收": "行政征收", "行政收费": "行政征收", "行政征用": "行政征收",
    "确认": "行政确认", "行政登记": "行政确认", "行政备案": "行政确认", "备案": "行政确认",
    "人事": "人事管理", "干部管理": "人事管理", "人事任免": "人事管理", "干部人事": "人事管理",
    "财务": "财务管理", "资金管理": "财务管理", "财务审批": "财务管理", "资金使用": "财务管理",
    "采购": "物资采购", "政府采购": "物资采购", "物资管理": "物资采购",
    "工程建设": "项目建设", "项目管理": "项目建设", "工程项目": "项目建设", "建设项目": "项目建设",
    "内部事务": "内部管理", "内部事务管理": "内部管理", "行政管理": "内部管理", "综合管理": "内部管理",
    "队伍建设": "队伍管理",
    "行政给付": "其他", "行政奖励": "其他", "行政裁决": "其他", "公共服务": "其他", "其他职权": "其他",
    "其他权力": "其他", "其它": "其他",
}

# The category decides 对内/对外 when the sheet does not say (a decision, reported as a warning).
EXTERNAL_CATEGORIES = frozenset({"行政审批", "行政执法", "行政处罚", "行政征收", "行政确认"})

_SECTION_NUMBER = re.compile(r"^\s*(?:[(]?[一二三四五六七八九十]{1,3}[)]?[、.]?|\d{1,2}[、.])\s*")
_TYPE_SUFFIX = re.compile(r"(?:类风险|方面风险|风险点|风险|类|方面)$")
_YES = frozenset({"√", "✓", "✔", "是", "是的", "y", "yes", "true", "1", "属于", "★", "●"})
_NO = frozenset({"×", "✗", "否", "不是", "n", "no", "false", "0", "不属于", "", "-", "—", "/", "无"})
_PARTY_ENDINGS = ("单位", "公司", "企业", "机构", "中介", "供应商", "投标人", "申请人", "服务对象", "管理对象",
                  "相对人", "群众", "商户", "经营者", "党组织", "承包商", "施工方", "监理方", "当事人", "纳税人",
                  "学校", "医院", "村委会", "居委会", "社区", "合作社")


def section_text(text: str) -> str:
    """A section row's words without its number: ``一、思想道德风险`` → ``思想道德风险``."""
    return _SECTION_NUMBER.sub("", fold_punct(clean_name(text)), count=1)


def risk_type(written: str) -> str | None:
    """The canonical risk type ``written`` names (``思想道德风险``, ``崗位職責``), or ``None``."""
    word = fold(section_text(written))
    for candidate in (word, _TYPE_SUFFIX.sub("", word)):
        found = canonical("risk_type", candidate)
        if found in RISK_TYPES:
            return found
    return None


def risk_type_word(written: str) -> str:
    """A risk type outside the vocabulary as the register would add it (``权力运行风险`` → ``权力运行``)."""
    return _TYPE_SUFFIX.sub("", section_text(written)) or section_text(written)


def category(written: str) -> tuple[str, bool]:
    """(the canonical category, whether it was known); an unknown one is ``其他``."""
    word = clean_name(fold(written))
    found = canonical("category", word)
    if found in CATEGORIES:
        return found, True
    for candidate in (word, word.removesuffix("类"), word.removesuffix("事项"), word.removesuffix("权")):
        if candidate in CATEGORY_MAP:
            return CATEGORY_MAP[candidate], True
        if canonical("category", candidate) in CATEGORIES:
            return canonical("category", candidate), True
    return "其他", False


def scope(written: str) -> str | None:
    word = clean_name(fold(written))
    if word in ("对外", "外部", "外", "对外职权", "外部职权"):
        return "外部"
    if word in ("对内", "内部", "内", "对内职权", "内部事务", "内部职权"):
        return "内部"
    return None


def yes(written: str) -> bool | None:
    """``√``/``是`` → True, ``否``/``×``/empty → False, anything else → None."""
    word = clean_name(written).lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


def department_kind(name: str) -> str:
    """领导班子, 项目部, 直属单位 from the name; 内设机构 otherwise."""
    if "班子" in name or name in ("党组", "党委"):
        return "领导班子"
    if name.endswith("项目部"):
        return "项目部"
    if "直属" in name:
        return "直属单位"
    return "内设机构"


def is_party(name: str) -> bool:
    """An outside body or group named as 涉及对象 or 责任主体: 施工单位, 各科室, 服务对象 …"""
    return name.startswith("各") or name.endswith(_PARTY_ENDINGS)


# A common risk point (共性风险点, format 1.1) as the rendered 一览表 names it in 涉及对象, to its applies_to.
COMMON_MARKERS = {"部门": "本部门各岗位（共性）", "单位": "全单位各岗位（共性）"}
_COMMON_SUBJECTS = {re.sub(r"\s+", "", fold(marker)): scope for scope, marker in COMMON_MARKERS.items()}


def common_scope(name: str) -> str | None:
    """``部门`` or ``单位`` when ``name`` is the 一览表's marker of a common risk point (``全单位各岗位（共性）``)."""
    return _COMMON_SUBJECTS.get(re.sub(r"\s+", "", fold(name)))
