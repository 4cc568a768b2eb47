"""The register's JSON Schemas, generated: the one definition of the format that lz and editors both read.

``build_schema(kind, vocabulary)`` gives the schema of ``org.yaml`` or of a department file for a register's
vocabulary (the built-in words plus what its ``org.yaml`` adds); the files in ``schemas/`` are the built-in
ones (a test keeps them equal), and ``lz schema --write`` writes a register's own. Every property carries its
own Chinese ``title`` and ``description`` (nothing hides behind a ``$ref``), so an editor's hover names the
field under the cursor. The department file's definitions are in ``schema_department``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from lianzheng_cli.vocab import (
    BUILTIN,
    ENUMS,
    EXTENDABLE,
    GRADE_ALIASES,
    VOCABULARY_NAMES,
    Vocabulary,
    spellings,
)

Schema = dict[str, Any]

ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._()-]*$"
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
SCHEMA_FILES = {"org": "org.schema.json", "department": "department.schema.json",
                "approvals": "approvals.schema.json", "assessments": "assessments.schema.json"}
BASE_ID = "https://lianzheng-cli.example/schemas/"
ALIASES_COMMENT = ("别名与繁体写法在此一律接受，由 lz 读入后规范化为简体标准值（如 一级/★★★/红色/high → 高，"
                   "崗位職責 → 岗位职责）。Aliases and traditional-character spellings are accepted by this schema "
                   "and normalized by lz.")

# What each vocabulary is called, and what its words mean when that is not plain.
VOCABULARY_TITLES = {
    "risk_type": "风险类型", "stage": "防控阶段", "measure_kind": "措施类别", "status": "落实状态",
    "department_kind": "部门类型", "category": "职权类别", "warning_source": "预警来源", "warning_level": "预警级别",
    "warning_action": "处置方式", "monitoring_role": "监控责任主体", "scope": "职权范围", "applies_to": "适用范围",
    "approval_body": "审核主体",
}
WORD_NOTES = {
    ("monitoring_role", "领导班子"): "领导班子类部门的全体人员",
    ("monitoring_role", "党组织"): "org.party 所指部门的人员，未写 org.party 时同领导班子",
    ("scope", "外部"): "对外行使的职权", ("scope", "内部"): "内部事务",
    ("applies_to", "岗位"): "所列岗位，默认", ("applies_to", "部门"): "本部门全体岗位",
    ("applies_to", "单位"): "全单位各岗位，共性风险点",
}


def build_schema(kind: str, vocabulary: Vocabulary = BUILTIN) -> Schema:
    """The schema of ``kind`` (``org``, ``department``, ``approvals`` or ``assessments``) for a register with
    ``vocabulary``."""
    if kind == "org":
        return org_schema(vocabulary)
    from lianzheng_cli.validate import schema_cycle
    from lianzheng_cli.validate.schema_department import department_schema

    if kind == "approvals":
        return schema_cycle.approvals_schema(vocabulary)
    if kind == "assessments":
        return schema_cycle.assessments_schema(vocabulary)
    return department_schema(vocabulary)


def schema_text(kind: str, vocabulary: Vocabulary = BUILTIN) -> str:
    """The schema file as written: two-space JSON, characters as they are, one final newline."""
    return json.dumps(build_schema(kind, vocabulary), ensure_ascii=False, indent=2) + "\n"


def schema_folder(root: Path) -> Path:
    """Where a register keeps its schemas: ``schemas/`` beside the register folder, as ``lz init`` lays it out
    (the files' modelines say ``$schema=../schemas/…``)."""
    return Path(root).resolve().parent / "schemas"


@cache
def schema_files(vocabulary: Vocabulary = BUILTIN) -> dict[str, str]:
    """Each schema file's name and the text ``lz schema --write`` writes (made once per vocabulary)."""
    return {name: schema_text(kind, vocabulary) for kind, name in SCHEMA_FILES.items()}


# --- the building blocks: each property a complete schema with its own title and description ------------------


def described(title: str, description: str, body: Schema, *, example: Any = None, default: Any = None,
              examples: list | None = None) -> Schema:
    """``body`` with its title and description; ``example`` is one example, ``examples`` several."""
    schema: Schema = {"title": title, "description": description, **body}
    if default is not None:
        schema["default"] = default
    if example is not None or examples is not None:
        schema["examples"] = examples if examples is not None else [example]
    return schema


def text(title: str, description: str, example: str | None = None) -> Schema:
    return described(title, description, {"type": "string", "minLength": 1}, example=example)


def ident(title: str, description: str, example: str | None = None) -> Schema:
    return described(title, description, {"type": "string", "pattern": ID_PATTERN}, example=example)


def ident_list(title: str, description: str, example: list[str] | None = None, *, min_items: int = 0) -> Schema:
    body: Schema = {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}}
    if min_items:
        body["minItems"] = min_items
    return described(title, description, body, example=example)


def day(title: str, description: str, example: str | None = None) -> Schema:
    return described(title, description, {"type": "string", "format": "date", "pattern": DATE_PATTERN},
                     example=example)


def score(title: str, description: str, example: int | None = None) -> Schema:
    return described(title, description, {"type": "integer", "minimum": 1, "maximum": 5}, example=example)


def grade(title: str, description: str, examples: list[str]) -> Schema:
    aliases = "；".join(f"{'/'.join(s for s in spelled if s != g)} = {g}" for g, spelled in GRADE_ALIASES.items())
    body = {"type": "string", "enum": [s for spelled in GRADE_ALIASES.values() for s in spelled]}
    return described(title, f"{description}标准值为 高、中、低，可用别名：{aliases}。", body, examples=examples)


def word_list(name: str, vocabulary: Vocabulary) -> str:
    """The canonical words of a vocabulary as a description lists them, with what a word means where it helps."""
    shown = []
    for word in vocabulary.words(name):
        note = WORD_NOTES.get((name, word))
        shown.append(f"{word}（{note}）" if note else word)
    return "、".join(shown)


def word(name: str, vocabulary: Vocabulary, title: str, lead: str, example: str | None = None, *,
         tail: str = "") -> Schema:
    """A word of vocabulary ``name``: every accepted spelling is in the enum; the description lists the words."""
    description = f"{lead}可选值：{word_list(name, vocabulary)}。"
    added = vocabulary.added_words(name)
    if added:
        description += f"其中 {'、'.join(added)} 为本登记簿增补。"
    if name == "monitoring_role" and added:
        description += "增补的角色按原文显示，不对应到具体人员。"
    aliases = vocabulary.register_aliases(name)
    if aliases:
        description += "本登记簿的别名：" + "、".join(f"{a} → {w}" for a, w in aliases) + "。"
    if any(ENUMS[name].get(w) for w in ENUMS.get(name, {})):
        description += "繁体写法亦可，lz 读入后规范化为简体。"
    description += tail
    return described(title, description, {"type": "string", "enum": vocabulary.spellings(name)}, example=example)


def array(title: str, description: str, items: Schema, *, min_items: int = 0, default: Any = None,
          example: Any = None) -> Schema:
    body: Schema = {"type": "array"}
    if min_items:
        body["minItems"] = min_items
    body["items"] = items
    return described(title, description, body, default=default, example=example)


def record(title: str, description: str, properties: Schema, required: tuple[str, ...] = (), **extra: Any) -> Schema:
    """An object that takes exactly ``properties`` (an unknown key is an error)."""
    body: Schema = {"type": "object"}
    if required:
        body["required"] = list(required)
    body["additionalProperties"] = False
    body["properties"] = properties
    body.update(extra)
    return {"title": title, "description": description, **body}


def ref(name: str) -> Schema:
    return {"$ref": f"#/definitions/{name}"}


def root(kind: str, title: str, description: str, body: Schema) -> Schema:
    return {"$schema": "http://json-schema.org/draft-07/schema#", "$id": BASE_ID + SCHEMA_FILES[kind],
            "$comment": ALIASES_COMMENT, "title": title, "description": description, **body}


# --- org.yaml ------------------------------------------------------------------------------------------------

FACTOR_NAMES = {"power": "职权大小", "discretion": "自由裁量", "funds": "涉及资金", "likelihood": "发生概率",
                "concealment": "隐蔽程度", "harm": "危害程度"}
FACTOR_WEIGHTS = {"power": 0.25, "discretion": 0.2, "funds": 0.15, "likelihood": 0.15, "concealment": 0.1,
                  "harm": 0.15}
DEFAULT_MONITORING = {"高": ["单位主要负责人", "纪检监察机构"], "中": ["分管领导", "部门负责人"], "低": ["部门负责人"]}
DEFAULT_POLICY = {"rotation_years": 5, "briefing_days": 30, "warning_close_days": 30, "review_months": 12}


def org_schema(vocabulary: Vocabulary = BUILTIN) -> Schema:
    properties = {
        "schema_version": described("格式版本", "登记簿格式版本号，目前只能为 1（1.1 的增补均为可选键，版本号不变）。"
                                    "示例：schema_version: 1。", {"const": 1}, example=1),
        "org": _org_info(),
        "year": described("登记年度", "登记簿所属年度，四位整数年份。示例：2025。",
                          {"type": "integer", "minimum": 1900, "maximum": 2100}, example=2025),
        "grading": _grading(vocabulary),
        "monitoring": _monitoring(vocabulary),
        "policy": _policy(vocabulary),
        "display": record("显示设置", "报告与输出的显示设置。默认：{grade: word}。", {
            "grade": described("等级显示样式", "风险等级的显示样式：stars（★★★/★★/★）、level（一级/二级/三级）、"
                               "word（高/中/低）、color（红色/橙色/黄色）。默认 word。示例：stars。",
                               {"type": "string", "enum": ["stars", "level", "word", "color"]},
                               default="word", example="stars"),
        }, default={"grade": "word"}),
        "lint": _lint(),
        "parties": array("外部单位与群体", "本单位以外、会被风险点列为涉及对象或担任措施责任主体的单位和群体"
                         "（如施工单位、监理单位、各基层党组织）。标识与部门、人员、岗位等的标识在全单位内唯一。"
                         "默认：[]。示例：[{id: sgdw, name: 施工单位}]。", ref("party"), default=[]),
        "vocabulary": _vocabulary(vocabulary),
        "assessment": _assessment(),
    }
    definitions = {
        "party": record("外部单位或群体", "一个外部单位或群体。必填 id、name。示例：{id: sgdw, name: 施工单位}。", {
            "id": ident("外部单位标识", "外部单位或群体的标识，全单位唯一。示例：sgdw。", "sgdw"),
            "name": text("外部单位名称", "外部单位或群体的名称。示例：施工单位。", "施工单位"),
        }, ("id", "name")),
        "floor": _floor(vocabulary),
    }
    return root("org", "单位登记簿（org.yaml）",
                "廉政风险防控登记簿的单位文件（registers/org.yaml）：一个单位一年一份，记录单位信息、登记年度、"
                "风险等级评定办法、分级监控、制度参数、显示样式、检查规则设置，以及外部单位和本登记簿的词表增补。"
                "登记簿格式第 1 版（含 1.1 增补）。",
                {"type": "object", "required": ["schema_version", "org", "year", "grading"],
                 "additionalProperties": False, "properties": properties, "definitions": definitions})


def _org_info() -> Schema:
    return record("单位", "本登记簿所属单位。必填 id、name；可选 head（单位主要负责人）、inspection（纪检监察机构）、"
                  "party（党组织）。示例：{id: demo-swj, name: 示例县商务局}。", {
                      "id": ident("单位标识", "单位的标识符。示例：demo-swj。", "demo-swj"),
                      "name": text("单位名称", "单位全称。示例：示例县商务局。", "示例县商务局"),
                      "head": ident("单位主要负责人", "单位主要负责人的人员标识（须为某部门文件 people 中的人员）。"
                                    "可省略。示例：p-zhao。", "p-zhao"),
                      "inspection": ident("纪检监察机构", "本单位纪检监察机构的部门标识（须为某个部门文件的 id）。"
                                          "可省略。示例：jjjc。", "jjjc"),
                      "party": ident("党组织", "本单位党组织（党组、党委或党支部）的部门标识，分级监控中的"
                                     "“党组织”即该部门的人员；省略时“党组织”同领导班子。示例：dzb。", "dzb"),
                  }, ("id", "name"))


def _grading(vocabulary: Vocabulary) -> Schema:
    threshold = "分值不低于此数（且低于高风险阈值）评为 中，更低为 低"
    matrix = record("矩阵法参数", "矩阵法：分值 = likelihood × impact（各 1–5，分值 1–25）。分值 ≥ high 为 高，"
                    "≥ medium 为 中，其余为 低。method 为 matrix 时必填。示例：{high: 15, medium: 8}。", {
                        "high": described("高风险阈值", "分值不低于此数评为 高（1–25）。示例：15。",
                                          {"type": "number", "minimum": 1, "maximum": 25}, example=15),
                        "medium": described("中风险阈值", f"{threshold}（1–25）。示例：8。",
                                            {"type": "number", "minimum": 1, "maximum": 25}, example=8),
                    }, ("high", "medium"), examples=[{"high": 15, "medium": 8}])
    weights = record("因素权重", "各评分因素的权重（不小于 0 的数）；省略的因素不参与加权。示例："
                     "{power: 0.25, discretion: 0.2, funds: 0.15, likelihood: 0.15, concealment: 0.1, harm: 0.15}。", {
                         key: described(f"{name}权重", f"因素“{name}”（{key}）的权重，不小于 0。"
                                        f"示例：{FACTOR_WEIGHTS[key]}。", {"type": "number", "minimum": 0},
                                        example=FACTOR_WEIGHTS[key])
                         for key, name in FACTOR_NAMES.items()}, examples=[FACTOR_WEIGHTS])
    factors = record("因素加权法参数", "因素加权法：风险点各因素评分（1–5）按 weights 加权平均，平均值 ≥ high 为 高，"
                     "≥ medium 为 中，其余为 低。method 为 factors 时必填，此时每个风险点须填写 factors 评分。"
                     "示例：{weights: {power: 0.25, …}, high: 3.8, medium: 2.6}。", {
                         "weights": weights,
                         "high": described("高风险阈值", "加权平均不低于此数评为 高（1–5）。示例：3.8。",
                                           {"type": "number", "minimum": 1, "maximum": 5}, example=3.8),
                         "medium": described("中风险阈值", "加权平均不低于此数（且低于高风险阈值）评为 中，更低为 低"
                                             "（1–5）。示例：2.6。", {"type": "number", "minimum": 1, "maximum": 5},
                                             example=2.6),
                     }, ("weights", "high", "medium"))

    def when_method(method: str) -> Schema:
        return {"if": {"properties": {"method": {
            "title": f"评定方法为 {method}", "description": f"条件：method 为 {method} 时须写 {method} 参数。",
            "const": method}}, "required": ["method"]}, "then": {"required": [method]}}

    return record("风险等级评定", "风险等级评定办法。method 为 matrix 时须写 matrix 参数，为 factors 时须写 "
                  "factors 参数；floors（定级下限）可选，默认无。", {
                      "method": described("评定方法", "评定方法：matrix（矩阵法，分值 = 发生概率 × 危害程度）或 "
                                          "factors（因素加权法，各因素评分的加权平均）。示例：matrix。",
                                          {"type": "string", "enum": ["matrix", "factors"]}, example="matrix"),
                      "matrix": matrix,
                      "factors": factors,
                      "floors": array("定级下限", "定级下限规则列表：风险点通过其流程或岗位关联到满足条件的"
                                      "职权时，等级至少为规定等级。默认：无。示例：[{when: {sanzhong_yida: true}, "
                                      "grade: 高}]。", ref("floor"), default=[]),
                  }, ("method",), allOf=[when_method("matrix"), when_method("factors")])


def _one_or_more(schema: Schema) -> list[Schema]:
    return [schema, {"type": "array", "minItems": 1, "items": schema}]


def _floor(vocabulary: Vocabulary) -> Schema:
    category = {"type": "string", "enum": vocabulary.spellings("category")}
    scope = {"type": "string", "enum": spellings("scope")}
    condition = record("适用条件", "该下限适用的职权条件，写明的各项须同时满足：sanzhong_yida（三重一大）、category"
                       "（职权类别）、scope（职权范围）；风险点通过其流程或岗位关联到满足条件的职权时适用。"
                       "示例：{sanzhong_yida: true} 或 {category: [行政审批, 行政处罚]}。", {
                           "sanzhong_yida": described("三重一大事项", "职权是否为“三重一大”事项（重大决策、重要干部"
                                                      "任免、重大项目安排、大额资金使用）。须为布尔值 true/false"
                                                      "（不接受 yes/no 或带引号的字符串）。示例：true。",
                                                      {"type": "boolean"}, example=True),
                           "category": described("职权类别", "职权类别，可写一个类别或类别列表（职权类别为其中之一即"
                                                 f"满足）。可选值：{word_list('category', vocabulary)}。"
                                                 "示例：行政审批，或 [行政审批, 行政处罚, 人事管理]。",
                                                 {"anyOf": _one_or_more(category)},
                                                 examples=["行政审批", ["行政审批", "行政处罚", "人事管理"]]),
                           "scope": described("职权范围", "职权范围，可写一个范围或范围列表（外部 / 内部）。"
                                              "示例：外部，或 [外部, 内部]。", {"anyOf": _one_or_more(scope)},
                                              example="外部"),
                       })
    return record("定级下限", "一条定级下限规则：关联到满足 when 条件的职权的风险点，其等级至少为 grade。"
                  "示例：{when: {sanzhong_yida: true}, grade: 高}。", {
                      "when": condition,
                      "grade": grade("最低等级", "满足条件时风险点至少评定的等级。示例：高。", ["高", "中"]),
                  }, ("when", "grade"))


def _monitoring(vocabulary: Vocabulary) -> Schema:
    role = {"type": "string", "enum": vocabulary.spellings("monitoring_role")}
    roles = word_list("monitoring_role", vocabulary)
    grades = {}
    for level, default in DEFAULT_MONITORING.items():
        grades[level] = array(f"{level}风险监控主体", f"监控“{level}”等级风险点的责任主体列表。"
                              f"默认：[{', '.join(default)}]。可选值：{roles}。", role, default=default,
                              example=default)
    return record("分级监控", "各风险等级的监控责任主体，键只能为标准等级 高、中、低。默认：{高: [单位主要负责人, "
                  "纪检监察机构], 中: [分管领导, 部门负责人], 低: [部门负责人]}。", grades, default=DEFAULT_MONITORING)


def _policy(vocabulary: Vocabulary) -> Schema:
    def positive(title: str, description: str, default: int) -> Schema:
        return described(title, f"{description}默认 {default}。示例：{default}。", {"type": "integer", "minimum": 1},
                         default=default, example=default)

    category = {"type": "string", "enum": vocabulary.spellings("category")}
    return record("制度参数", "廉政风险防控制度参数。默认：{rotation_years: 5, briefing_days: 30, "
                  "warning_close_days: 30, review_months: 12}。", {
                      "rotation_years": positive("轮岗年限", "重点岗位定期轮岗：在重点岗位（高风险岗位，及持有 "
                                                 "rotation_categories 所列类别职权的岗位）任职的最长年限。", 5),
                      "briefing_days": positive("交底期限（天）", "新任职人员廉洁风险交底期限：任职后应在此天数内"
                                                "完成交底。", 30),
                      "warning_close_days": positive("预警处置时限（天）", "预警自发出之日起应在此天数内处置完毕。",
                                                     30),
                      "review_months": positive("复核周期（月）", "风险点复核周期：每个风险点应在此月数内复核一次。",
                                                12),
                      "rotation_categories": array(
                          "轮岗职权类别", "持有这些类别职权的岗位也是定期轮岗的重点岗位（高风险岗位之外）。"
                          f"可选值：{word_list('category', vocabulary)}。默认：[]。示例：[人事管理, 财务管理]。",
                          category, default=[], example=["人事管理", "财务管理"]),
                  }, default=DEFAULT_POLICY)


def _lint() -> Schema:
    code = {"type": "string", "pattern": "^LZ[0-9]{3}$"}
    level = {"type": "string", "enum": ["error", "warning", "info", "off"]}
    return record("检查规则设置", "本登记簿的 lz 检查规则设置：disable 关闭规则，severity 调整问题级别。"
                  "默认：均为空。", {
        "disable": array("关闭的规则", "对本登记簿关闭的检查规则编号列表（LZ 加三位数字）。默认：[]。"
                         "示例：[LZ204, LZ301]。", code, default=[], example=["LZ204"]),
        "severity": described("规则级别调整", "按规则编号调整问题级别，值为 error、warning、info 或 off。默认：{}。"
                              "示例：{LZ204: warning}。", {"type": "object", "propertyNames": code,
                                                           "additionalProperties": level},
                              default={}, example={"LZ204": "warning"}),
    })


def _vocabulary(vocabulary: Vocabulary) -> Schema:
    """org.yaml ``vocabulary``: words added per vocabulary, and aliases to a canonical word (built-in or added)."""
    added = {}
    for name in EXTENDABLE:
        known = spellings(name)
        added[name] = array(f"增补的{VOCABULARY_TITLES[name]}", f"本登记簿增补的{VOCABULARY_TITLES[name]}标准词"
                            f"（不得与内置写法或其他增补重复）。内置：{'、'.join(ENUMS[name])}。",
                            {"type": "string", "minLength": 1, "not": {"enum": known}}, default=[])
        added[name]["uniqueItems"] = True
    aliases = {}
    for name in VOCABULARY_NAMES:
        words = vocabulary.words(name)
        aliases[name] = described(f"{VOCABULARY_TITLES[name]}的别名", f"别名 → 标准词（内置或增补的）。别名不得是"
                                  f"已有的写法。标准词：{'、'.join(words)}。", {
                                      "type": "object",
                                      "propertyNames": {"minLength": 1,
                                                        "not": {"enum": _spellings_without_aliases(vocabulary, name)}},
                                      "additionalProperties": {"type": "string", "enum": words}})
    return record("词表增补", "本登记簿自己的词与写法：add 增补标准词，aliases 把其他写法对应到标准词。"
                  "改动后运行 lz schema --write 更新 schemas/，编辑器与 check-jsonschema 即按本登记簿的词表校验。"
                  "示例：{add: {risk_type: [权力运行]}, aliases: {warning_action: {诫免谈话: 诫勉谈话}}}。", {
                      "add": record("增补标准词", "按词表增补的标准词。可增补的词表："
                                    f"{'、'.join(EXTENDABLE)}（stage、status、warning_level 只能写别名）。", added),
                      "aliases": record("别名", "按词表写别名：另一种写法 → 标准词。词表："
                                        f"{'、'.join(VOCABULARY_NAMES)}。", aliases),
                  })


def _assessment() -> Schema:
    from lianzheng_cli.validate.schema_cycle import assessment_standard

    return assessment_standard()


def _spellings_without_aliases(vocabulary: Vocabulary, name: str) -> list[str]:
    """The spellings an alias may not take: every built-in spelling and every added word."""
    return [*spellings(name), *vocabulary.added_words(name)]
