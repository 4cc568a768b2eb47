"""The schemas of the yearly cycle's files: ``approvals.yaml`` (审核记录), ``assessments.yaml`` (考核评分记录),
and org.yaml's ``assessment`` (评分标准). Built with the blocks of ``schema_build``."""

from __future__ import annotations

from lianzheng_cli.model.cycle import DEFAULT_DEDUCTION, INDICATORS
from lianzheng_cli.validate.schema_build import (
    Schema,
    array,
    day,
    described,
    ident,
    record,
    root,
    text,
    word,
)
from lianzheng_cli.vocab import BUILTIN, Vocabulary

INDICATOR_NAMES = {
    "risk_coverage": "有风险点的职权占比", "high_monitoring": "有中期监控措施的高风险点占比",
    "measures_on_time": "到期措施按期落实占比", "warnings_closed": "预警按时限办结占比",
    "people_briefed": "已就现岗位交底人员占比", "people_pledged": "本年度已承诺人员占比",
    "lint_errors": "检查错误扣分",
}
REVISION_PATTERN = "^[0-9a-f]{40}$"


def _record_file(kind: str, title: str, description: str, key: str, records: Schema) -> Schema:
    """A file of records: its version and one list."""
    version = described("格式版本", "文件格式版本号，目前只能为 1。示例：schema_version: 1。", {"const": 1}, example=1)
    return root(kind, title, description, {"type": "object", "required": ["schema_version"],
                                           "additionalProperties": False,
                                           "properties": {"schema_version": version, key: records}})


def approvals_schema(vocabulary: Vocabulary = BUILTIN) -> Schema:
    approval = record("审核记录", "一次审核：审核主体、日期、会议文号、范围（整个登记簿或一个部门）"
                      "与所审核的 git 版本。必填 body、date、revision。由 lz approve 追加。", {
                          "body": word("approval_body", vocabulary, "审核主体", "审核登记簿的会议或领导。", "党组会"),
                          "date": day("审核日期", "审核的日期（YYYY-MM-DD）。示例：2025-03-01。", "2025-03-01"),
                          "ref": text("会议文号", "会议纪要或文件的文号。示例：局党组会〔2025〕3号。",
                                      "局党组会〔2025〕3号"),
                          "department": ident("审核的部门", "只审核一个部门时写该部门的标识；省略表示审核整个登记簿。"
                                              "示例：wmfz。", "wmfz"),
                          "revision": described("审核的版本", "所审核的登记簿版本：git 提交的完整编号（40位十六进制）。"
                                                "此后该范围内的部门文件有改动时，lz validate 给出 LZ028 警告。",
                                                {"type": "string", "pattern": REVISION_PATTERN}),
                      }, ("body", "date", "revision"))
    return _record_file("approvals", "审核记录（approvals.yaml）",
                        "登记簿的审核记录（registers/approvals.yaml）：部门会议、分管领导、党委会/党组会、领导小组审核了"
                        "哪个版本。lz approve 追加记录，lz validate 据此提示审核后又有改动的部门。",
                        "approvals", array("审核记录", "审核记录列表，按时间先后追加。默认：[]。", approval,
                                           default=[]))


def assessments_schema(vocabulary: Vocabulary = BUILTIN) -> Schema:
    score = record("人工评分", "考核组对评分标准中人工评分项（manual: true）的打分。必填 year、item、score。", {
        "year": described("考核年度", "考核年度，四位整数年份；lz assess 只读登记簿年度的评分。示例：2025。",
                          {"type": "integer", "minimum": 1900, "maximum": 2100}, example=2025),
        "department": ident("被考核部门", "被考核部门的标识；省略表示对本单位的评分。示例：wmfz。", "wmfz"),
        "item": ident("评分项", "评分标准中人工评分项的标识。示例：mzcp。", "mzcp"),
        "score": described("得分", "该项得分，不小于 0，且不超过该项分值。示例：18.5。",
                           {"type": "number", "minimum": 0}, example=18.5),
        "by": text("评分人", "打分的考核组或人员。示例：考核组。", "考核组"),
        "note": text("说明", "评分依据或说明。示例：民主测评平均分。", "民主测评平均分"),
    }, ("year", "item", "score"))
    return _record_file("assessments", "考核评分记录（assessments.yaml）",
                        "年度考核中人工评分项的得分（registers/assessments.yaml），如民主测评、查阅档案；"
                        "其余项由 lz assess 从登记簿计算。",
                        "scores", array("人工评分", "人工评分列表。默认：[]。", score, default=[]))


def assessment_standard() -> Schema:
    """org.yaml ``assessment``: the 评分标准 of the yearly assessment."""
    indicators = "、".join(f"{key}（{name}）" for key, name in INDICATOR_NAMES.items())
    item = record("评分项", "评分标准的一项：分值，以及由登记簿计算的指标（indicator）或人工评分（manual: true），"
                  "二者选一。必填 id、name、points。示例：{id: fxfg, name: 风险排查覆盖, points: 20, "
                  "indicator: risk_coverage}。", {
                      "id": ident("评分项标识", "评分项的标识，标准内唯一。示例：fxfg。", "fxfg"),
                      "name": text("评分项名称", "评分项的名称。示例：风险排查覆盖。", "风险排查覆盖"),
                      "points": described("分值", "该项满分（大于 0）；各项分值合计应为 100（百分制），"
                                          "不为 100 时总分按比例折算。示例：20。",
                                          {"type": "number", "exclusiveMinimum": 0, "maximum": 100}, example=20),
                      "indicator": described("计算指标", f"由登记簿计算的指标：{indicators}。得分 = 分值 × 占比，"
                                             "保留一位小数（公式见 docs/assess.md）。示例：risk_coverage。",
                                             {"type": "string", "enum": list(INDICATORS)}, example="risk_coverage"),
                      "manual": described("人工评分", "为 true 时该项由考核组打分，得分记在 assessments.yaml。"
                                          "示例：true。", {"const": True}, example=True),
                      "deduction": described("每个错误扣分", "lint_errors 指标每个错误级别的问题扣的分，"
                                             f"扣完为止。默认 {DEFAULT_DEDUCTION:g}。示例：2。",
                                             {"type": "number", "exclusiveMinimum": 0}, example=2),
                  }, ("id", "name", "points"),
                  oneOf=[{"required": ["indicator"]}, {"required": ["manual"]}])
    return record("考核评分标准", "年度考核（百分制）的评分标准：好（90–100）、较好（80–89）、一般（70–79）、"
                  "差（70以下）。省略时 lz assess 用内置的默认标准（见 docs/assess.md）。", {
                      "items": array("评分项", "评分项列表。", item, min_items=1),
                  }, ("items",))

