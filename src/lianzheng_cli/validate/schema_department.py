"""The department file's schema (``departments/<id>.yaml``), built with ``schema_build``'s blocks."""

from __future__ import annotations

from lianzheng_cli.validate.schema_build import (
    FACTOR_NAMES,
    Schema,
    array,
    day,
    described,
    grade,
    ident,
    ident_list,
    record,
    ref,
    root,
    score,
    text,
    word,
)
from lianzheng_cli.vocab import BUILTIN, Vocabulary, spellings

COMMON = ("部门", "单位")  # applies_to words that make a risk common to many posts (共性风险点)


def department_schema(vocabulary: Vocabulary = BUILTIN) -> Schema:
    properties = {
        "schema_version": described("格式版本", "登记簿格式版本号，目前只能为 1。示例：schema_version: 1。",
                                    {"const": 1}, example=1),
        "id": ident("部门标识", "部门标识，须与文件名（去掉 .yaml）相同，全单位唯一。示例：wmfz。", "wmfz"),
        "name": text("部门名称", "部门全称。示例：对外贸易发展室。", "对外贸易发展室"),
        "kind": word("department_kind", vocabulary, "部门类型", "部门的类型。", "内设机构"),
        "leader": ident("部门负责人", "部门负责人的人员标识。可省略。示例：p-wang。", "p-wang"),
        "supervisor": ident("分管领导", "分管领导的人员标识（可在其他部门文件中）。可省略。示例：p-li。", "p-li"),
        "people": array("人员与岗位", "本部门人员及其岗位任职。默认：[]。示例：[{id: p-wang, name: 王某某, "
                        "post: wmfz-zhuren, since: 2021-03-01}]。", ref("person"), default=[]),
        "posts": array("岗位", "本部门的岗位。默认：[]。示例：[{id: wmfz-chushen, name: 初审岗, powers: [wmfz-P01]}]。",
                       ref("post"), default=[]),
        "powers": array("职权目录", "本部门的职权（清权确权）。默认：[]。示例：[{id: wmfz-P01, name: 对外贸易经营者"
                        "备案登记, scope: 外部, category: 行政审批}]。", ref("power"), default=[]),
        "processes": array("权力运行流程", "本部门的权力运行流程（流程图）。默认：[]。示例：[{id: wmfz-F01, "
                           "name: 对外贸易经营者备案流程, steps: [{id: S1, name: 窗口受理}]}]。", ref("process"),
                           default=[]),
        "risks": array("廉政风险点", "本部门的廉政风险点及防控措施。默认：[]。示例：[{id: A1-3, title: 初审把关不严, "
                       "type: 业务流程, posts: [wmfz-chushen], likelihood: 4, impact: 4, …}]。", ref("risk"),
                       default=[]),
        "warnings": array("预警处置记录", "本部门的预警处置记录。默认：[]。示例：[{id: W2025-03, risk: A1-3, "
                          "date: 2025-04-02, level: 预警}]。", ref("warning"), default=[]),
    }
    definitions = {
        "person": _person(), "post": _post(), "power": _power(vocabulary), "process": _process(),
        "step": _step(), "risk": _risk(vocabulary), "measure": _measure(vocabulary),
        "warning": _warning(vocabulary),
    }
    return root("department", "部门登记簿（departments/<id>.yaml）",
                "廉政风险防控登记簿的部门文件：一个部门（部门/处室/科室/直属单位/领导班子）一份，记录人员与岗位、"
                "职权目录、权力运行流程、廉政风险点及防控措施、预警处置记录。登记簿格式第 1 版（含 1.1 增补）。",
                {"type": "object", "required": ["schema_version", "id", "name", "kind"], "additionalProperties": False,
                 "properties": properties, "definitions": definitions})


def _person() -> Schema:
    fields = {
        "id": ident("人员标识", "人员标识，全单位唯一。示例：p-wang。", "p-wang"),
        "name": text("姓名", "人员姓名。示例：王某某。", "王某某"),
        "post": ident("岗位", "所任岗位的岗位标识（可在其他部门文件中）。示例：wmfz-zhuren。", "wmfz-zhuren"),
        "since": day("任职日期", "任现岗位的日期，YYYY-MM-DD。示例：2021-03-01。", "2021-03-01"),
        "briefed": day("交底日期", "廉洁风险交底日期，YYYY-MM-DD。可省略（未交底）。示例：2021-03-12。", "2021-03-12"),
        "pledged": day("承诺日期", "签订廉洁承诺的日期，YYYY-MM-DD。可省略。示例：2025-02-20。", "2025-02-20"),
    }
    return record("人员", "一名人员及其岗位任职。必填 id、name、post、since；可选 briefed、pledged。示例：{id: p-wang, "
                  "name: 王某某, post: wmfz-zhuren, since: 2021-03-01}。", fields, ("id", "name", "post", "since"))


def _post() -> Schema:
    powers = ident_list("所持职权", "本岗位行使的职权标识列表（可在其他部门文件中）。默认：无。示例：[wmfz-P01]。",
                        ["wmfz-P01"])
    fields = {
        "id": ident("岗位标识", "岗位标识，全单位唯一。示例：wmfz-chushen。", "wmfz-chushen"),
        "name": text("岗位名称", "岗位名称。示例：初审岗。", "初审岗"),
        "duties": text("岗位职责", "岗位职责说明。可省略。示例：对备案申请材料进行初审。", "对备案申请材料进行初审"),
        "powers": {**powers, "default": []},
    }
    return record("岗位", "一个岗位。必填 id、name；可选 duties（岗位职责）、powers（所持职权，默认无）。示例：{id: "
                  "wmfz-chushen, name: 初审岗, powers: [wmfz-P01]}。", fields, ("id", "name"))


# 1.1: the fuller 职权目录 and 权力和责任清单, each an optional text.
POWER_TEXTS = {
    "content": ("职权内容", "职权的具体内容。", "对从事货物进出口或技术进出口的对外贸易经营者办理备案登记"),
    "subject": ("行使主体", "行使该职权的主体，不只是持有它的岗位时填写。", "对外贸易发展室"),
    "conditions": ("条件", "行使职权的条件（受理条件、适用情形）。", "申请材料齐全、符合法定形式"),
    "procedure": ("程序", "行使职权的程序。", "受理—初审—审批—登记"),
    "time_limit": ("时限", "行使职权的时限。", "5个工作日"),
    "accountability": ("追责情形", "责任事项与追责情形：不履行或不正确履行职责时应当承担责任的情形。",
                       "对不符合条件的申请予以备案的"),
    "supervision": ("监督方式", "对该职权的监督方式。", "纪检监察室每季度抽查备案档案"),
    "disclosure": ("公开形式", "职权信息的公开形式。", "政务服务网公开办事指南"),
}


def _power(vocabulary: Vocabulary) -> Schema:
    sanzhong_yida = ("是否为“三重一大”事项（重大决策、重要干部任免、重大项目安排、大额资金使用）。须为布尔值 "
                     "true/false（不接受 yes/no 或带引号的字符串）。默认 false。示例：false。")
    basis = "设定该职权的法律法规、规章或文件名称列表。默认：无。示例：[《对外贸易经营者备案登记办法》]。"
    fields: Schema = {
        "id": ident("职权标识", "职权标识，全单位唯一。示例：wmfz-P01。", "wmfz-P01"),
        "name": text("职权名称", "职权事项名称。示例：对外贸易经营者备案登记。", "对外贸易经营者备案登记"),
        "scope": word("scope", vocabulary, "职权范围", "对外行使还是内部事务。", "外部"),
        "category": word("category", vocabulary, "职权类别", "职权的类别。", "行政审批"),
        "sanzhong_yida": described("三重一大事项", sanzhong_yida, {"type": "boolean"}, default=False, example=False),
        "basis": array("职权依据", basis, {"type": "string", "minLength": 1}, default=[],
                       example=["《对外贸易经营者备案登记办法》"]),
        "process": ident("运行流程", "该职权的权力运行流程标识。可省略（职权可没有流程图）。示例：wmfz-F01。",
                         "wmfz-F01"),
    }
    for key, (title, lead, example) in POWER_TEXTS.items():
        fields[key] = text(title, f"{lead}可省略。示例：{example}。", example)
    return record("职权", "职权目录（清权确权）中的一项职权。必填 id、name、scope、category；可选 sanzhong_yida（默认 "
                  "false）、basis（默认无）、process（可无流程图），以及 content、subject、conditions、procedure、"
                  "time_limit、accountability、supervision、disclosure（职权目录与权力和责任清单的各栏）。",
                  fields, ("id", "name", "scope", "category"))


def _process() -> Schema:
    fields = {
        "id": ident("流程标识", "流程标识，全单位唯一。示例：wmfz-F01。", "wmfz-F01"),
        "name": text("流程名称", "流程名称。示例：对外贸易经营者备案流程。", "对外贸易经营者备案流程"),
        "time_limit": text("办理时限", "整个流程的办理时限，自由文本。可省略。示例：20个工作日。", "20个工作日"),
        "steps": array("流程环节", "按办理顺序排列的环节，至少一个。示例：[{id: S1, name: 窗口受理, "
                       "post: wmfz-chuangkou}]。", ref("step"), min_items=1),
    }
    return record("权力运行流程", "一条权力运行流程（流程图）。必填 id、name、steps（至少一个环节）；可选 time_limit。",
                  fields, ("id", "name", "steps"))


def _step() -> Schema:
    fields = {
        "id": ident("环节标识", "环节标识，在所属流程内唯一。示例：S2。", "S2"),
        "name": text("环节名称", "环节名称。示例：初审。", "初审"),
        "post": ident("办理岗位", "办理该环节的岗位标识（可在其他部门文件中）。可省略。示例：wmfz-chushen。",
                      "wmfz-chushen"),
        "time_limit": text("环节时限", "该环节的办理时限，自由文本。可省略。示例：2个工作日。", "2个工作日"),
    }
    return record("流程环节", "流程中的一个环节。必填 id、name；可选 post（办理岗位）、time_limit（时限）。"
                  "示例：{id: S2, name: 初审, post: wmfz-chushen, time_limit: 2个工作日}。", fields, ("id", "name"))


def _risk(vocabulary: Vocabulary) -> Schema:
    factors = record(
        "因素评分", "因素加权法评分（power、discretion、funds、likelihood、concealment、harm，各 1–5 的整数，"
        "均可省略）。单位评定方法为 factors 时必填。示例：{power: 4, discretion: 4, funds: 2, likelihood: 4, "
        "concealment: 3, harm: 4}。",
        {key: score(name, f"因素“{name}”评分，1–5 的整数。示例：4。", 4) for key, name in FACTOR_NAMES.items()},
        examples=[{"power": 4, "discretion": 4, "funds": 2, "likelihood": 4, "concealment": 3, "harm": 4}])
    residual = record(
        "剩余风险", "措施落实后的剩余风险评分：likelihood（发生概率）与 impact（危害程度），各 1–5。剩余等级按评定办法"
        "计算（不取定级下限），不得高于风险点的有效等级。示例：{likelihood: 2, impact: 3}。", {
            "likelihood": score("剩余发生概率", "措施落实后风险发生的可能性，1–5 的整数。示例：2。", 2),
            "impact": score("剩余危害程度", "措施落实后风险发生的危害程度，1–5 的整数。示例：3。", 3),
        }, ("likelihood", "impact"), examples=[{"likelihood": 2, "impact": 3}])
    fields: Schema = {
        "id": ident("风险点标识", "风险点标识，全单位唯一。示例：A1-3。", "A1-3"),
        "title": text("风险点名称", "风险点的简要名称。示例：初审把关不严。", "初审把关不严"),
        "description": text("风险描述", "风险点的具体表现。示例：材料作假、未现场查看即出具审查同意意见，徇私舞弊。",
                            "材料作假、未现场查看即出具审查同意意见,徇私舞弊"),
        "type": word("risk_type", vocabulary, "风险类型", "风险点的类型。", "业务流程"),
        "process": ident("所在流程", "风险点所在的权力运行流程标识。可省略（思想道德、外部环境类风险常不在流程上）。"
                         "示例：wmfz-F01。", "wmfz-F01"),
        "step": ident("关键环节", "风险点所在的流程环节标识；写 step 时必须同时写 process。可省略。示例：S2。", "S2"),
        "posts": ident_list("涉及岗位", "风险点涉及的岗位标识列表（涉及对象）。posts、parties 与 applies_to"
                            "（部门/单位）至少写一项。示例：[wmfz-chushen]。", ["wmfz-chushen"], min_items=1),
        "parties": ident_list("涉及外部单位", "风险点涉及的外部单位或群体（org.yaml 的 parties 中的标识）。可省略。"
                              "示例：[sgdw]。", ["sgdw"], min_items=1),
        "applies_to": word("applies_to", vocabulary, "适用范围", "风险点适用的范围：写 部门 或 单位 即为共性风险点，"
                           "不必在各岗位、各部门重复登记。", "单位", tail="默认 岗位。"),
        "likelihood": score("发生概率", "风险发生的可能性，1–5 的整数。示例：4。", 4),
        "impact": score("危害程度", "风险发生后的危害程度，1–5 的整数。示例：4。", 4),
        "factors": factors,
        "grade": grade("申报等级", "申报的风险等级。lz 会自行计算并报告不一致；省略时以计算结果为申报等级。", ["高"]),
        "residual": residual,
        "reviewed": day("复核日期", "该风险点最近一次复核的日期，YYYY-MM-DD。可省略。示例：2025-02-28。", "2025-02-28"),
        "measures": array("防控措施", "该风险点的防控措施列表。可省略；省略或为空不是格式错误，但 lz 检查时会提示。"
                          "默认：[]。", ref("measure"), default=[]),
    }
    common = {"type": "string",
              "enum": [s for s in spellings("applies_to") if vocabulary.canonical("applies_to", s) in COMMON]}
    return record("廉政风险点", "一个廉政风险点。必填 id、title、description、type、likelihood、impact，以及涉及对象："
                  "posts（岗位）、parties（外部单位）或 applies_to 为 部门/单位（共性风险点）至少一项；可选 process、"
                  "step（须同时写 process）、factors、grade、residual、reviewed、measures。", fields,
                  ("id", "title", "description", "type", "likelihood", "impact"),
                  dependencies={"step": ["process"]},
                  anyOf=[{"required": ["posts"]}, {"required": ["parties"]},
                         {"required": ["applies_to"], "properties": {"applies_to": common}}])


def _measure(vocabulary: Vocabulary) -> Schema:
    fields = {
        "id": ident("措施标识", "措施标识，在所属风险点内唯一。示例：M1。", "M1"),
        "text": text("措施内容", "防控措施的具体内容。示例：实行初审、复核分离，初审意见须附现场核查记录。",
                     "实行初审、复核分离,初审意见须附现场核查记录"),
        "stage": word("stage", vocabulary, "防控阶段", "措施所处的防控阶段。", "前期预防",
                      tail="可省略，但 lz 检查会提示。"),
        "kind": word("measure_kind", vocabulary, "措施类别", "措施的类别。", "制度", tail="可省略。"),
        "owner": ident("责任主体", "负责落实的部门、岗位、人员或外部单位标识。可省略，但 lz 检查会提示。示例：wmfz。",
                       "wmfz"),
        "due": day("完成时限", "计划完成日期，YYYY-MM-DD。可省略。示例：2025-06-30。", "2025-06-30"),
        "status": {**word("status", vocabulary, "落实状态", "措施的落实状态。", "已落实", tail="默认 未开始。"),
                   "default": "未开始"},
    }
    return record("防控措施", "一项防控措施。必填 id、text；可选 stage、owner（旧表格常缺，缺少时 lz 检查会提示）、"
                  "kind、due、status（默认 未开始）。", fields, ("id", "text"))


def _warning(vocabulary: Vocabulary) -> Schema:
    rectification = record(
        "整改", "预警要求的整改：requirement（整改要求）、due（整改期限）、result（整改结果）、done（整改完成日期），"
        "均可省略。示例：{requirement: 限期补齐审核记录, due: 2025-05-10, result: 已补齐并复查, done: 2025-05-08}。", {
            "requirement": text("整改要求", "整改的内容与要求。示例：限期补齐审核记录。", "限期补齐审核记录"),
            "due": day("整改期限", "应完成整改的日期，YYYY-MM-DD。示例：2025-05-10。", "2025-05-10"),
            "result": text("整改结果", "整改的结果。示例：已补齐并复查。", "已补齐并复查"),
            "done": day("整改完成日期", "整改完成的日期，YYYY-MM-DD。示例：2025-05-08。", "2025-05-08"),
        })
    fields = {
        "id": ident("预警标识", "预警标识，全单位唯一。示例：W2025-03。", "W2025-03"),
        "risk": ident("风险点", "所针对的风险点标识（可在其他部门文件中）。示例：A1-3。", "A1-3"),
        "date": day("预警日期", "发出预警的日期，YYYY-MM-DD。示例：2025-04-02。", "2025-04-02"),
        "source": word("warning_source", vocabulary, "预警来源", "预警信息的来源。", "信访举报", tail="可省略。"),
        "level": word("warning_level", vocabulary, "预警级别", "预警的级别。", "预警"),
        "finding": text("发现问题", "预警所针对的问题。可省略。示例：同一申请人三次材料不全仍予受理。",
                        "同一申请人三次材料不全仍予受理"),
        "action": word("warning_action", vocabulary, "处置方式", "预警的处置方式。", "谈话提醒", tail="可省略。"),
        "closed": day("办结日期", "处置办结日期，YYYY-MM-DD；省略表示尚未办结。示例：2025-04-20。", "2025-04-20"),
        "person": ident("当事人", "预警所涉及的人员标识（可在其他部门文件中）。可省略。示例：p-zhang。", "p-zhang"),
        "notice": text("通知书编号", "预警通知书（提示函、整改通知书）的编号。可省略。示例：示纪预〔2025〕3号。",
                       "示纪预〔2025〕3号"),
        "rectification": rectification,
    }
    return record("预警处置记录", "一条预警处置记录。必填 id、risk、date、level；可选 source、finding、action、closed"
                  "（省略表示尚未办结）、person（当事人）、notice（通知书编号）、rectification（整改）。", fields,
                  ("id", "risk", "date", "level"))
