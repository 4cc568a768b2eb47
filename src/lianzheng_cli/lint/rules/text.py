"""Rules about what the texts say (泛泛而谈、照抄照搬、措施不具体): LZ501–LZ504."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

from lianzheng_cli.diagnostics import Severity
from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.lint.catalogue import Context, Finding, rule, rule_across
from lianzheng_cli.lint.similar import find_copies, signature_bytes
from lianzheng_cli.lint.text import VAGUE_RISK_PHRASES, measure_content, risk_content
from lianzheng_cli.model.records import At, Department

# A description needs at least this many characters of content once stock
# phrases, punctuation and spaces are taken out (about one concrete clause).
MIN_RISK_CONTENT = 15
MIN_MEASURE_CONTENT = 6
NEAR_COPY = 0.8  # Jaccard similarity of character bigrams
BOILERPLATE_RISKS = 3  # a measure text on this many risks is boilerplate
EXAMPLES = 3  # other risks a finding names
QUOTED_TEXT = 200  # characters of a text quoted in a message

tr = messages({
    "lint.LZ501.short": {
        "zh": "风险点 `{id}` 的描述过短（去掉标点后{length}个字）：应写明谁、在哪个环节、可能怎样违规",
        "en": "risk `{id}` has a too short description ({length} characters): say who, at which step, doing what",
    },
    "lint.LZ501.vague": {
        "zh": "风险点 `{id}` 的描述泛泛而谈（套话“{phrases}”，去掉后只剩{length}个字）：应写明具体的违规行为",
        "en": "risk `{id}` has a vague description (stock phrases 「{phrases}」, "
              "{length} characters left without them)",
    },
    "lint.LZ502.exact": {
        "zh": "风险点 `{id}` 的描述与 `{other}`（{where}）相同，疑为照抄照搬",
        "en": "risk `{id}` has the same description as `{other}` ({where}); copied?",
    },
    "lint.LZ502.near": {
        "zh": "风险点 `{id}` 的描述与 `{other}`（{where}）几乎相同（相似度{percent}%），疑为照抄照搬",
        "en": "risk `{id}` has nearly the same description as `{other}` ({where}, {percent}% alike); copied?",
    },
    "lint.LZ502.common": {
        "zh": "；如这是各部门共有的风险，可只登记一处并写 `applies_to: 单位`（共性风险点）",
        "en": "; if every department shares this risk, register it once with `applies_to: 单位` (a common risk point)",
    },
    "lint.LZ503": {
        "zh": "措施“{text}”在{count}个风险点中重复（如 {examples}），应针对本风险点写具体措施",
        "en": "measure 「{text}」 is repeated on {count} risks (e.g. {examples}); write one for this risk",
    },
    "lint.LZ504": {
        "zh": "措施 `{id}` 不具体（去掉“加强、落实、严格”等字样后只剩{length}个字）：应写明做什么、谁做、何时做",
        "en": "measure `{id}` is not concrete （{length} characters left without words like 加强/落实/严格）",
    },
})


@rule(
    "LZ501", Severity.WARNING,
    summary="风险点描述过短或泛泛而谈",
    summary_en="a risk description is vague or too short",
    rationale=f"""
“找出来的风险点大多是泛泛而谈的空话”：描述应写明在哪个环节、谁、可能发生什么违规行为。
描述去掉标点、空格和套话（如“有待进一步”“意识不强”“不够扎实”“可能存在”）后不足
{MIN_RISK_CONTENT}个字即报告。
""",
    bad="""
- id: A1-3
  description: 政治学习不够扎实,业务程序有待进一步规范
""",
    good="""
- id: A1-3
  description: 初审人员不核验营业执照原件,对内容明显矛盾的申请照样出具同意意见
""",
)
def check_description_concrete(ctx: Context) -> Iterator[Finding]:
    for risk in ctx.register.risks.values():
        whole = ctx.normalized(risk.description)
        rest = risk_content(whole)
        if len(rest) >= MIN_RISK_CONTENT:
            continue
        if len(whole) < MIN_RISK_CONTENT:
            message = tr("lint.LZ501.short", id=risk.id, length=len(whole))
        else:
            phrases = [p for p in VAGUE_RISK_PHRASES if p in whole]
            message = tr("lint.LZ501.vague", id=risk.id, phrases=join_list(phrases), length=len(rest))
        yield Finding(risk.at, risk.id, message, field="description")


def _descriptions(ctx: Context, department: Department) -> tuple[list[tuple], bytes]:
    """LZ502's part of a department: each risk's id, department, posts, index and normalised description, and
    the descriptions' signatures for the copy search (kept between runs: a later run computes only the changed
    files')."""
    risks = [(risk.id, risk.department, risk.posts, risk.at.path[1], ctx.normalized(risk.description))
             for risk in department.risks]
    return risks, signature_bytes([risk[4] for risk in risks])


@rule_across(
    "LZ502", Severity.WARNING, collect=_descriptions,
    summary="风险点描述在岗位或部门之间照抄",
    summary_en="risk descriptions copied between posts or departments",
    rationale=f"""
照抄照搬是风险排查最常见的毛病：不同岗位、不同部门的风险点描述一字不差，或只换了几个字。
比较前去掉标点和空格；完全相同，或按相邻两字（字符二元组）计算的相似度不低于
{int(NEAR_COPY * 100)}%，即报告较后的一条，并指出它抄自哪一条。

同一条风险在不同部门照抄，若确是全单位共有的风险，应只登记一处并写 `applies_to: 单位`
（共性风险点，适用于全单位各岗位；`部门` 适用于本部门各岗位），不必在每个部门复制一份。
""",
    bad="""
- id: wmfz-R02
  description: 窗口人员对材料齐全的申请故意不一次性告知,让申请人反复跑
- id: scyx-R04
  description: 窗口人员对材料齐全的申请故意不一次性告知,让申请人反复跑。
""",
    good="""
- id: wmfz-R02
  description: 窗口人员对材料齐全的申请故意不一次性告知,让申请人反复跑
- id: scyx-R04
  description: 市场监测岗对约定监测企业的报送数据不核实,按关系企业的要求调整排名
""",
)
def check_description_copied(ctx: Context, parts: list[tuple[str, Any]]) -> Iterator[Finding]:
    risks = [(rel, risk) for rel, (part, _) in parts for risk in part]
    signatures = [signatures for _, (_, signatures) in parts]
    for copy in find_copies([risk[4] for _, risk in risks], threshold=NEAR_COPY, signatures=signatures):
        rel, (risk_id, department, _, i, _) = risks[copy.index]
        other_id, other_department, other_posts = risks[copy.original][1][:3]
        where = join_list([other_department, *other_posts])
        if copy.similarity >= 1.0:
            message = tr("lint.LZ502.exact", id=risk_id, other=other_id, where=where)
        else:
            message = tr("lint.LZ502.near", id=risk_id, other=other_id, where=where,
                         percent=int(copy.similarity * 100))
        if other_department != department:  # copied across departments: one common risk instead (1.1)
            message += tr("lint.LZ502.common")
        yield Finding(At(rel, ("risks", i)), risk_id, message, field="description")


def _measure_texts(ctx: Context, department: Department) -> list[tuple]:
    """LZ503's part of a department: each measure's risk, id, place (risk and measure index) and the key of its
    normalised text (a 64-bit digest). lz keeps the parts between runs: the texts themselves stay in the files
    (``Context.measure_text``), only the few repeated ones are quoted."""
    return [(risk.id, measure.id, risk.at.path[1], j, _text_key(ctx.normalized(measure.text)))
            for risk in department.risks for j, measure in enumerate(risk.measures)]


def _text_key(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


@rule_across(
    "LZ503", Severity.WARNING, collect=_measure_texts,
    summary="同一条措施在多个风险点中重复",
    summary_en="a boilerplate measure repeated across many risks",
    rationale=f"""
措施要针对风险点：同一条措施（去掉标点和空格后相同）出现在{BOILERPLATE_RISKS}个或更多风险点中，
多半是套用的模板（如“加强廉政教育”），对具体风险起不到防控作用。每一处都报告。
""",
    bad="""
- {id: R1, measures: [{id: M1, text: "加强廉政教育,提高拒腐防变能力", stage: 前期预防, owner: wmfz}]}
- {id: R2, measures: [{id: M1, text: "加强廉政教育,提高拒腐防变能力", stage: 前期预防, owner: wmfz}]}
- {id: R3, measures: [{id: M1, text: "加强廉政教育,提高拒腐防变能力", stage: 前期预防, owner: wmfz}]}
""",
    good="""
- {id: R1, measures: [{id: M1, text: 初审与复核由不同人员承担, stage: 前期预防, owner: wmfz}]}
- {id: R2, measures: [{id: M1, text: 补正通知书须一次列明全部缺项, stage: 前期预防, owner: wmfz}]}
- {id: R3, measures: [{id: M1, text: 分配方案随评分表一并报党组, stage: 前期预防, owner: wmfz}]}
""",
)
def check_measure_boilerplate(ctx: Context, parts: list[tuple[str, Any]]) -> Iterator[Finding]:
    # Most texts are used once: only those used as often as boilerplate is are gathered.
    uses_of = Counter(measure[4] for _, part in parts for measure in part)
    by_text: dict[int, list[tuple[str, tuple]]] = {}  # normalised text's key -> [(file, measure)]
    for rel, part in parts:
        for measure in part:
            if uses_of[measure[4]] >= BOILERPLATE_RISKS:
                by_text.setdefault(measure[4], []).append((rel, measure))
    for uses in by_text.values():
        risk_ids = list(dict.fromkeys(measure[0] for _, measure in uses))
        if len(risk_ids) < BOILERPLATE_RISKS:
            continue
        # Examples come from the first four risks, whatever the count: a text on 80,000 risks costs 80,000 findings,
        # not 80,000 lists of 80,000 ids.
        first = [f"`{r}`" for r in risk_ids[:EXAMPLES + 1]]
        count = len(risk_ids)
        for rel, (risk_id, measure_id, i, j, _) in uses:
            own = f"`{risk_id}`"
            examples = join_list([r for r in first if r != own][:EXAMPLES])
            shown = _shown(ctx.measure_text(rel, i, j))
            yield Finding(At(rel, ("risks", i, "measures", j)), f"{risk_id}/{measure_id}",
                          tr("lint.LZ503", text=shown, count=count, examples=examples), field="text")


def _shown(text: str) -> str:
    """A measure's text as a message quotes it: a very long one is cut (the finding points at the whole)."""
    return text if len(text) <= QUOTED_TEXT else text[:QUOTED_TEXT] + "…"


@rule(
    "LZ504", Severity.WARNING,
    summary="措施空泛，不具体",
    summary_en="a measure is vague",
    rationale=f"""
“防控措施不具体”：“加强教育”“严格执行相关制度”“落实一岗双责”说的是态度，不是措施。
去掉标点和“进一步、切实、加强、落实、严格、相关、工作”等字样后不足{MIN_MEASURE_CONTENT}个字即报告；
措施应写明做什么、由谁做、何时做、留下什么记录。
""",
    bad="""
measures:
  - {id: M1, text: 严格执行相关制度, stage: 前期预防, kind: 制度, owner: wmfz}
""",
    good="""
measures:
  - {id: M1, text: "初审意见须附现场核查记录,复核人逐件签字", stage: 前期预防, kind: 制度, owner: wmfz}
""",
)
def check_measure_concrete(ctx: Context) -> Iterator[Finding]:
    for risk in ctx.register.risks.values():
        for measure in risk.measures:
            rest = measure_content(ctx.normalized(measure.text))
            if len(rest) < MIN_MEASURE_CONTENT:
                subject = f"{risk.id}/{measure.id}"
                yield Finding(measure.at, subject, tr("lint.LZ504", id=subject, length=len(rest)), field="text")
