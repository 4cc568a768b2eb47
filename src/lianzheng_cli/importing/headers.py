"""Column headers: the words each field goes by, and how a header cell is read.

A header is compared after ``header_key``: every space, NBSP, U+3000 and line break removed
(``防 控 措 施``, ``廉政⏎风险点``), traditional characters folded to simplified, full-width
forms to half-width, quotes dropped. Then, in order: the whole header among the synonyms; the
header without its parenthesised part (``涉及对象(岗位)`` → ``涉及对象``); the parenthesised part
(``职务(岗位)`` → ``岗位``); finally the ordered ``CONTAINS`` rules (``主要廉政风险点`` holds ``风险``).
``docs/import.md`` lists the same tables for users.
"""

from __future__ import annotations

import re
import unicodedata

from lianzheng_cli.vocab import canonical_grade

# Each field with the label shown in the column mapping and accepted by --map (field names work too).
FIELDS: dict[str, str] = {
    "seq": "序号",
    "department": "部门",
    "process": "流程",
    "step": "关键环节",
    "posts": "涉及对象",
    "code": "风险点编号",
    "title": "风险点名称",
    "risk": "廉政风险点",
    "type": "风险类型",
    "grade": "风险等级",
    "grade_high": "高(勾选)",
    "grade_medium": "中(勾选)",
    "grade_low": "低(勾选)",
    "likelihood": "发生概率",
    "impact": "危害程度",
    "measures": "防控措施",
    "pre_measures": "前期预防",
    "mid_measures": "中期监控",
    "post_measures": "后期处置",
    "stage": "措施阶段",
    "measure_kind": "措施类别",
    "owner": "责任主体",
    "owner_person": "责任人",
    "monitors": "监控责任人",
    "power": "职权名称",
    "power_code": "职权编码",
    "category": "职权类别",
    "scope": "对内对外",
    "sanzhong": "三重一大",
    "basis": "职权依据",
    "holders": "行使岗位",
    "content": "职权内容",
    "conditions": "条件",
    "procedure": "程序",
    "time_limit": "时限",
    "accountability": "追责情形",
    "supervision": "监督方式",
    "disclosure": "公开形式",
    "people": "在岗人员",
    "duties": "岗位职责",
    "since": "任职时间",
    "count": "风险点数",
    "remark": "备注",
    "warning": "预警",
    "ignore": "不导入",
}

# Fields read but not imported: they are computed from the register, or say nothing about it.
NOT_IMPORTED = frozenset({"seq", "monitors", "count", "remark", "ignore", "warning"})

# Columns headed by a grade (``高 | 中 | 低`` under 风险等级): a mark (√) in one gives the row's grade.
GRADE_OF_FIELD = {"grade_high": "高", "grade_medium": "中", "grade_low": "低"}
_GRADE_FIELD = {grade: name for name, grade in GRADE_OF_FIELD.items()}

# The stage each stage column gives its measures.
STAGE_OF_FIELD = {"pre_measures": "前期预防", "mid_measures": "中期监控", "post_measures": "后期处置"}

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "序", "序次"),
    "department": ("部门", "科室", "处室", "单位", "股室", "部门(单位)", "单位(部门)", "科室(单位)", "部门名称",
                   "单位名称", "所在部门", "内设机构", "部门/单位", "处(科)室", "部门科室", "责任科室(单位)"),
    "process": ("流程", "权力运行流程", "业务流程", "工作流程", "流程名称", "运行流程", "事项流程", "办理流程",
                "权力运行流程名称"),
    "step": ("关键环节", "所处环节", "环节", "风险环节", "流程环节", "主要环节", "工作环节", "环节名称"),
    "posts": ("涉及对象", "岗位", "涉及岗位", "职务(岗位)", "涉及对象(岗位)", "岗位名称", "风险岗位", "涉及人员",
              "对象", "岗位(职务)", "职务", "相关岗位", "涉及岗位(人员)"),
    "code": ("风险点编号", "编号", "风险编号", "风险点代码", "代码", "风险代码"),
    "title": ("风险点名称", "风险名称", "风险点简称"),
    "risk": ("廉政风险点", "风险点", "风险表现", "风险描述", "廉政风险点及等级", "风险点及表现", "廉政风险点(风险表现)",
             "主要风险点", "风险内容", "廉政风险点描述", "风险点描述", "廉政风险表现", "主要风险表现", "风险点及等级",
             "风险点表现形式", "表现形式", "主要廉政风险点", "廉政风险"),
    "type": ("风险类型", "风险类别", "类型", "风险种类"),
    "grade": ("风险等级", "等级", "风险级别", "级别", "等级评定", "风险等级评定", "风险程度"),
    "likelihood": ("发生概率", "发生可能性", "可能性", "概率"),
    "impact": ("危害程度", "影响程度", "危害性", "后果严重程度"),
    "measures": ("防控措施", "防范措施", "防范管理措施", "预防措施", "主要防控措施", "廉政风险防控措施",
                 "防控措施及要求", "防范控制措施", "风险防控措施", "措施", "防控办法"),
    "pre_measures": ("前期预防", "事前预防", "前期防范", "事前防范"),
    "mid_measures": ("中期监控", "事中监控", "中期监督", "事中监督"),
    "post_measures": ("后期处置", "事后处置", "后期处理", "事后处理"),
    "stage": ("措施阶段", "防控阶段", "阶段"),
    "measure_kind": ("措施类别", "措施类型", "措施种类"),
    "owner": ("责任主体", "责任部门", "责任单位", "责任科室", "责任处室", "牵头部门", "责任主体(部门)", "落实部门"),
    "owner_person": ("责任人", "责任领导", "姓名", "责任人员", "主要责任人"),
    "monitors": ("监控责任人", "监督责任人", "监控人"),
    "power": ("职权名称", "职权", "权力事项", "职权事项", "权力名称", "事项名称", "职权事项名称", "权力清单事项"),
    "power_code": ("职权编码", "职权编号", "权力编码", "事项编码", "权力编号"),
    "category": ("职权类别", "职权类型", "权力类型", "权力类别", "事项类别", "事项类型"),
    "scope": ("对内/对外", "对内对外", "职权性质", "内部/外部", "内外部", "对内或对外"),
    "sanzhong": ("三重一大", "是否三重一大", "是否属于三重一大", "三重一大事项", "是否三重一大事项"),
    "basis": ("职权依据", "设定依据", "法律依据", "依据", "实施依据", "法定依据", "法律法规依据"),
    "holders": ("行使岗位", "承办岗位", "责任岗位", "行使岗位(人员)"),
    "content": ("职权内容", "具体内容", "事项内容", "权力内容"),
    "conditions": ("条件", "办理条件", "行使条件"),
    "procedure": ("程序", "办理程序", "行使程序"),
    "time_limit": ("时限", "办理时限", "承诺时限"),
    "accountability": ("追责情形", "责任事项与追责情形"),
    "supervision": ("监督方式",),
    "disclosure": ("公开形式", "公开方式"),
    "people": ("在岗人员", "人员", "岗位人员", "现任人员", "人员姓名"),
    "duties": ("岗位职责", "职责", "主要职责", "工作职责", "职责内容"),
    "since": ("任职时间", "任职日期", "到岗时间", "上岗时间", "任现职时间"),
    "count": ("风险点数", "风险点数量", "风险数", "风险个数", "数量", "合计"),
    "remark": ("备注", "说明"),
    "warning": ("预警编号", "预警日期", "预警级别", "处置方式", "预警内容", "预警信息", "办结日期"),
}

# Ordered fallbacks: the first rule one of whose words the header holds gives its field.
CONTAINS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("监控责任", "监督责任"), "monitors"),
    (("责任人", "责任领导"), "owner_person"),
    (("责任",), "owner"),
    (("预警",), "warning"),
    (("三重一大",), "sanzhong"),
    (("职权编", "权力编", "事项编码"), "power_code"),
    (("依据",), "basis"),
    (("职权类", "权力类"), "category"),
    (("职权", "权力事项", "权力名称"), "power"),
    (("编号", "编码"), "code"),
    (("风险点数", "数量"), "count"),
    (("等级", "级别"), "grade"),
    (("风险类", "类型"), "type"),
    (("措施",), "measures"),
    (("风险",), "risk"),
    (("环节",), "step"),
    (("流程",), "process"),
    (("职责",), "duties"),
    (("在岗", "人员"), "people"),
    (("岗位", "对象", "职务"), "posts"),
    (("部门", "科室", "处室", "单位"), "department"),
    (("备注",), "remark"),
)

# Traditional characters of the practice's words, folded for matching headers and enum words only
# (texts keep their characters).
_TRADITIONAL = (
    "風險點範環節對責體門單處崗職權編號類關鍵監預後稱據員備註說報務內設計統項領導級覽錄別屬況實檢審執罰徵確認"
    "財採購資產業構機製運數種條經濟紀質證嚴應階輪動態總結舉訪談話誡開頭負當時間發響決策議準會勵給強別現")
_SIMPLIFIED = (
    "风险点范环节对责体门单处岗职权编号类关键监预后称据员备注说报务内设计统项领导级览录别属况实检审执罚征确认"
    "财采购资产业构机制运数种条经济纪质证严应阶轮动态总结举访谈话诫开头负当时间发响决策议准会励给强别现")
FOLD_TRADITIONAL = str.maketrans(_TRADITIONAL, _SIMPLIFIED)
_SPACE = re.compile(r"\s+|_x000[dD]_")
_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』《》*")
_PAREN = re.compile(r"\(([^()]*)\)")

_EXACT: dict[str, str] = {}
_TITLE_WORDS = ("一览表", "目录", "清单", "台账", "登记表", "统计表", "汇总表", "年度")


def header_key(text: str) -> str:
    """A header as it is compared: no spaces or breaks, simplified, half-width, no quotes or trailing colon."""
    key = unicodedata.normalize("NFKC", _SPACE.sub("", text)).translate(FOLD_TRADITIONAL).translate(_QUOTES)
    return key.rstrip(":")


for _field, _words in _SYNONYMS.items():
    for _word in _words:
        _EXACT[header_key(_word)] = _field


def field_of(text: str) -> str | None:
    """The field a header cell names, or ``None``."""
    key = header_key(text)
    if not key or len(key) > 20 or ":" in key or any(word in key for word in _TITLE_WORDS):
        return None  # a title, or a ``部门:办公室`` line above the header
    found = _EXACT.get(key)
    if found is not None:
        return found
    bare = _PAREN.sub("", key)
    if bare and bare != key:
        found = _EXACT.get(bare)
        if found is not None:
            return found
        for inner in _PAREN.findall(key):
            found = _EXACT.get(inner)
            if found is not None:
                return found
    grade = canonical_grade(bare or key) or canonical_grade(key.removesuffix("风险"))
    if grade is not None:
        return _GRADE_FIELD[grade]
    for words, field in CONTAINS:
        if any(word in (bare or key) for word in words):
            return field
    return None


def field_named(name: str) -> str | None:
    """The field ``--map`` names: its English name, its label, or any header word of it."""
    if name in FIELDS:
        return name
    key = header_key(name)
    for field, label in FIELDS.items():
        if header_key(label) == key:
            return field
    return _EXACT.get(key)


def synonyms() -> dict[str, tuple[str, ...]]:
    """Every header word of each field (for docs and tests)."""
    return dict(_SYNONYMS)
