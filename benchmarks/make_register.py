#!/usr/bin/env python3
"""A synthetic county register (县域廉政风险防控登记簿) at any scale, for benchmarks and tests.

    python benchmarks/make_register.py --departments 400 --out DIR [--seed 1] [--git]
    python benchmarks/make_register.py --units 400 --out DIR [--seed 1]

``--units N`` writes a county of N units instead, each its own small register ``DIR/unit-001/registers/``
(four departments, ~185 risks a unit: 400 units give ~74,000 risks), for ``lz rollup``.

writes ``DIR/registers/org.yaml`` and ``DIR/registers/departments/*.yaml`` in
the style of the example register (``registers/``): bureaus of a county with
their leadership team and sections, towns, posts, powers (some 三重一大),
processes with steps, people, risks with measures, warnings. Texts are
composed from phrase banks so that descriptions and measures are not copies
of each other, except for a few deliberate copies and boilerplate measures
that a real register has (LZ502, LZ503). Every reference resolves; the
declared grade follows the policy for about 97 % of risks (the rest are LZ201
findings). 400 departments give ~74,000 risks and ~160,000 measures.

Same seed, same bytes. ``--git`` makes DIR a git repository with two commits:
the register tagged ``2024``, then the next year's revision tagged ``2025``
(year bumped, ~1 % of risks added, removed or regraded in a tenth of the
departments, a few people moved to another department). Dates (pledges,
reviews, due dates) are those of 2025, the year of the work tree, so that
what the benchmark lints reads like a kept register; the ``2024`` revision
is there for ``lz diff``.

Standard library only; all names are invented (姓 + 某某).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

YEAR = 2025  # the work tree's year; the first commit of --git is YEAR - 1
RISKS_PER_DEPARTMENT = 185  # 400 departments → ~74,000 risks
FLOW_SHARE = 0.33  # share of departments that write each measure on one line ({id: M1, text: …})
REVISED_SHARE = 0.10  # share of departments the next-year revision touches
RISK_CHANGE_SHARE = 0.01  # share of all risks added, removed or regraded in that revision

# ---------------------------------------------------------------------------
# Phrase banks
# ---------------------------------------------------------------------------

# Bureaus: name, id, (approval matters, enforcement matters, fund matters, project matters), directly affiliated unit.
BUREAUS: list[tuple[str, str, tuple[list[str], list[str], list[str], list[str]], str]] = [
    ("发展和改革局", "fgj", (["固定资产投资项目核准", "企业投资项目备案", "节能审查"], ["价格监督检查", "招标投标活动监督"],
                        ["中央预算内投资资金申报", "以工代赈资金分配"], ["重点项目前期经费使用"]), "县重点项目服务中心"),
    ("财政局", "czj", (["政府采购方式变更审批", "财政票据核发"], ["会计信息质量检查", "政府采购监督检查"],
                     ["国库集中支付", "专项资金拨付", "非税收入征缴"], ["财政投资评审"]), "县财政投资评审中心"),
    ("自然资源局", "zrj", (["建设用地审批", "建设工程规划许可", "不动产登记"], ["土地违法案件查处", "矿产资源执法检查"],
                        ["土地出让金征收", "耕地占补平衡资金管理"], ["土地整治项目建设"]), "县不动产登记中心"),
    ("住房和城乡建设局", "zjj", (["建筑工程施工许可", "商品房预售许可", "建筑业企业资质初审"], ["建筑市场执法检查", "工程质量安全监督"],
                          ["保障性住房补贴发放", "老旧小区改造资金管理"], ["市政道路工程建设", "保障性住房建设"]), "县建设工程质量安全监督站"),
    ("交通运输局", "jtj", (["道路运输经营许可", "超限运输车辆通行许可"], ["道路运输执法", "治超执法检查"],
                        ["农村公路建设补助资金"], ["农村公路工程建设", "公路养护工程"]), "县公路事业发展中心"),
    ("水利局", "slj", (["取水许可", "河道管理范围内建设项目审批"], ["河道采砂执法", "水土保持监督检查"],
                     ["农田水利建设资金", "水利工程维修养护资金"], ["水库除险加固工程", "农村饮水安全工程"]), "县水利工程管理站"),
    ("农业农村局", "nyj", (["农药经营许可", "兽药经营许可", "农村宅基地审批指导"], ["农资市场执法", "动物防疫监督检查"],
                        ["农机购置补贴", "耕地地力保护补贴", "惠农资金发放"], ["高标准农田建设"]), "县农业技术推广中心"),
    ("市场监督管理局", "scj", (["食品经营许可", "药品零售许可", "特种设备使用登记"], ["食品安全监督抽检", "价格违法案件查处", "特种设备安全检查"],
                          ["罚没物资处置"], ["检验检测设备采购"]), "县检验检测中心"),
    ("卫生健康局", "wjj", (["医疗机构执业许可", "公共场所卫生许可"], ["卫生监督执法", "医疗机构监督检查"],
                        ["基本公共卫生服务资金"], ["医疗设备采购", "药品耗材集中采购"]), "县疾病预防控制中心"),
    ("教育局", "jyj", (["民办学校设立审批", "教师资格认定"], ["校外培训机构检查"],
                     ["学生资助资金发放", "营养改善计划资金管理"], ["校舍建设工程", "教学装备采购"]), "县教育技术装备中心"),
    ("人力资源和社会保障局", "rsj", (["人力资源服务许可", "劳务派遣许可"], ["劳动保障监察"],
                            ["社会保险待遇审核", "就业补助资金发放", "职业技能培训补贴"], ["就业服务平台建设"]), "县社会保险事业中心"),
    ("民政局", "mzj", (["社会组织登记", "婚姻登记"], ["殡葬管理执法"],
                     ["最低生活保障审批", "特困人员供养资金发放", "临时救助"], ["养老服务设施建设"]), "县社会福利院"),
    ("生态环境分局", "hbj", (["建设项目环评审批", "排污许可"], ["环境监察执法", "危险废物规范化检查"],
                         ["污染防治专项资金"], ["环境监测设备采购"]), "县生态环境监测站"),
    ("应急管理局", "yjj", (["危险化学品经营许可", "烟花爆竹经营许可"], ["安全生产执法检查"],
                        ["安全生产专项资金"], ["应急物资采购"]), "县应急救援保障中心"),
    ("城市管理综合执法局", "cgj", (["城市道路挖掘许可", "户外广告设置许可"], ["违法建设查处", "占道经营执法"],
                            ["城市维护费使用"], ["市政设施维修工程", "环卫设备采购"]), "县环境卫生服务中心"),
    ("商务局", "swj", (["对外贸易经营者备案", "成品油零售经营初审"], ["商务市场执法"],
                     ["外贸发展专项资金", "电子商务发展资金"], ["县域商业体系建设项目"]), "县电子商务服务中心"),
    ("文化和旅游局", "wlj", (["营业性演出许可", "网吧经营许可"], ["文化市场综合执法"],
                         ["文化产业发展资金"], ["文物保护修缮工程"]), "县图书馆"),
    ("医疗保障局", "ybj", (["定点医药机构协议管理"], ["医保基金监督检查"],
                        ["医保基金结算", "医疗救助资金发放"], ["医保信息系统建设"]), "县医疗保障服务中心"),
    ("退役军人事务局", "tyj", (["退役士兵安置审核"], ["优抚对象资格复查"],
                          ["优抚资金发放", "退役军人就业创业补助"], ["光荣院维修工程"]), "县退役军人服务中心"),
    ("林业局", "lyj", (["林木采伐许可", "使用林地审核"], ["森林资源执法"],
                     ["生态公益林补偿资金"], ["植树造林工程"]), "县国有林场"),
    ("审计局", "sjj", (["审计项目立项审批"], ["政府投资项目审计监督"],
                     ["审计业务经费管理"], ["社会中介机构审计服务采购"]), "县经济责任审计中心"),
    ("司法局", "sfj", (["法律援助申请审查"], ["社区矫正监督管理"],
                     ["法律援助经费管理"], ["公共法律服务中心建设"]), "县公证处"),
    ("行政审批局", "xsj", (["企业开办登记", "建设项目联合审批", "施工图审查结果备案"], ["审批事项事中事后核查"],
                        ["政务服务专项经费"], ["政务服务大厅改造工程"]), "县政务服务中心"),
    ("乡村振兴局", "xzj", (["扶贫项目库入库审核"], ["帮扶资金使用检查"],
                        ["衔接推进乡村振兴补助资金", "小额信贷贴息"], ["村级产业项目建设"]), "县乡村振兴服务中心"),
    ("机关事务服务中心", "jgs", (["公务用车使用审批"], ["公共机构节能检查"],
                           ["办公用房维修经费"], ["机关办公楼维修工程", "集中采购"]), "县机关后勤服务中心"),
    ("粮食和物资储备局", "lsj", (["粮食收购资格备案"], ["粮食流通监督检查"],
                          ["储备粮轮换资金管理"], ["粮库维修改造工程"]), "县粮食储备中心"),
    ("统计局", "tjj", (["统计调查项目审批"], ["统计执法检查"],
                     ["普查经费管理"], ["统计数据采集设备采购"]), "县普查中心"),
    ("住房公积金管理中心", "gjj", (["住房公积金提取审批", "住房公积金贷款审批"], ["缴存单位执法检查"],
                            ["公积金增值收益管理"], ["公积金信息系统建设"]), "县公积金服务大厅"),
]

TOWN_PREFIXES = list("东西南北青白龙桃柳石高新长双金马清黄杨太")
TOWN_STEMS = ["城", "河", "山", "坪", "沙", "泉", "源", "溪", "门", "桥", "华", "岭", "平", "安", "田"]
TOWN_MATTERS = (["农村宅基地建房审批", "农村低保初审", "临时救助审批"], ["农村乱占耕地巡查", "安全生产检查"],
                ["惠农补贴发放", "村级集体资金管理", "农村危房改造补助"], ["村级公益事业建设项目", "人居环境整治工程"])

# Sections: name, id, kind, the matter list it takes from its bureau (0 approvals, 1 enforcement,
# 2 funds, 3 projects, None its own), its own matters with categories, weight of its size.
SECTIONS = [
    ("办公室", "bgs", "内设机构", None,
     [("公务接待管理", "内部管理"), ("公务用车管理", "内部管理"), ("办公用品采购", "物资采购"), ("印章使用管理", "内部管理"),
      ("档案管理", "其他"), ("会议费培训费管理", "财务管理")], 0.8),
    ("计划财务股", "cwg", "内设机构", 2,
     [("经费报销审核", "财务管理"), ("国有资产管理", "财务管理"), ("部门预算编制", "财务管理"), ("政府采购组织", "物资采购")], 1.1),
    ("人事教育股", "rsg", "内设机构", None,
     [("干部选拔任用推荐", "人事管理"), ("事业单位公开招聘", "人事管理"), ("职称评审推荐", "人事管理"), ("年度考核评优", "人事管理"),
      ("工资福利审核", "人事管理"), ("干部教育培训", "内部管理")], 0.9),
    ("行政审批股", "spg", "内设机构", 0, [], 1.3),
    ("综合行政执法大队", "zfdd", "直属单位", 1, [], 1.3),
    ("项目管理股", "xmg", "内设机构", 3, [("项目资金拨付", "财务管理")], 1.1),
    ("政策法规股", "fgg", "内设机构", None,
     [("行政处罚案件法制审核", "行政处罚"), ("行政许可事项法制审核", "行政审批"), ("规范性文件合法性审查", "其他")], 0.7),
    ("项目建设部", "xmb", "项目部", 3, [("工程变更签证审核", "项目建设"), ("工程进度款支付", "财务管理")], 1.2),
    ("直属中心", "zx", "直属单位", 0, [("窗口服务事项办理", "其他"), ("业务档案管理", "其他")], 0.9),
]
TOWN_SECTIONS = [
    ("党政综合办公室", "dzb", "内设机构", None,
     [("公务接待管理", "内部管理"), ("公务用车管理", "内部管理"), ("办公用品采购", "物资采购"), ("干部考核推荐", "人事管理")], 0.9),
    ("财政所", "czs", "直属单位", 2, [("乡镇财政资金支付", "财务管理"), ("村级财务代理记账", "财务管理")], 1.2),
    ("社会事务办公室", "shb", "内设机构", 0, [("残疾人补贴初审", "行政确认")], 1.1),
    ("综合执法队", "zfd", "内设机构", 1, [], 1.0),
    ("村镇建设办公室", "czb", "内设机构", 3, [("农村建房规划许可", "行政审批")], 1.1),
    ("便民服务中心", "bmz", "直属单位", 0, [("代办事项受理", "其他")], 0.9),
]

CATEGORY_OF_GROUP = {0: ["行政审批", "行政审批", "行政确认"], 1: ["行政执法", "行政处罚"], 2: ["财务管理", "财务管理", "行政征收"],
                     3: ["项目建设", "项目建设", "物资采购"]}

# Steps of a process by the category of its power: name, and the role of the post that handles it.
STEPS = {
    "行政审批": [("窗口受理", "accept"), ("材料初审", "check"), ("现场核查", "inspect"), ("复核", "review"), ("分管领导审批", "vice"),
              ("制证送达", "accept"), ("结果公示", "clerk")],
    "行政确认": [("受理登记", "accept"), ("资料审核", "check"), ("实地核实", "inspect"), ("审核确认", "head"), ("登记归档", "clerk")],
    "行政执法": [("检查计划制定", "head"), ("现场检查", "officer"), ("问题交办", "officer"), ("整改复查", "officer"), ("结果公开", "clerk")],
    "行政处罚": [("立案审批", "head"), ("调查取证", "officer"), ("案件审核", "legal"), ("告知与听证", "officer"), ("集体讨论决定", "vice"),
              ("处罚决定送达", "officer"), ("执行与结案", "officer")],
    "行政征收": [("征收对象核定", "check"), ("缴费通知", "clerk"), ("征收入库", "cashier"), ("减免缓缴审批", "vice")],
    "财务管理": [("资金申报", "clerk"), ("申报材料审核", "check"), ("现场核实", "inspect"), ("分配方案拟定", "head"),
              ("集体研究", "chief"), ("结果公示", "clerk"), ("资金拨付", "cashier"), ("绩效评价", "review")],
    "人事管理": [("方案制定", "head"), ("资格审查", "check"), ("考试考察", "review"), ("集体研究决定", "chief"), ("结果公示", "clerk"),
              ("任用聘用", "head")],
    "物资采购": [("采购需求提出", "clerk"), ("采购方式确定", "head"), ("组织采购", "buyer"), ("履约验收", "inspect"), ("付款结算", "cashier")],
    "项目建设": [("项目立项", "head"), ("招标采购", "buyer"), ("合同签订", "head"), ("施工现场管理", "engineer"), ("设计变更签证", "engineer"),
              ("竣工验收", "inspect"), ("工程结算", "review")],
    "内部管理": [("申请", "clerk"), ("审核", "head"), ("审批", "vice"), ("登记备案", "clerk")],
    "其他": [("受理", "clerk"), ("审核", "head"), ("办结归档", "clerk")],
}
STEP_TIME_LIMITS = ["1个工作日", "2个工作日", "3个工作日", "5个工作日", "7个工作日", "10个工作日", "15个工作日", "当日办结"]
PROCESS_TIME_LIMITS = ["5个工作日", "10个工作日", "15个工作日", "20个工作日", "30个工作日", "40个工作日", "60日", "法定时限内"]

# Post roles: id suffix, name, duties pattern.
ROLES = {
    "chief": ("zhuyao", "主要负责人", "主持{unit}全面工作"),
    "vice": ("fenguan", "分管领导", "分管{matter}等工作"),
    "head": ("fzr", "负责人", "主持{unit}工作,对{matter}等事项提出审核意见"),
    "accept": ("shouli", "窗口受理岗", "受理{matter}申请,一次性告知补正材料"),
    "check": ("chushen", "初审岗", "对{matter}申请材料进行初审"),
    "inspect": ("hecha", "现场核查岗", "对{matter}开展现场核查和验收"),
    "review": ("fuhe", "复核岗", "对{matter}初审意见进行复核"),
    "clerk": ("jingban", "经办岗", "办理{matter}的登记、公示和归档"),
    "officer": ("zhifa", "执法岗", "开展{matter},调查取证并制作执法文书"),
    "legal": ("fazhi", "法制审核岗", "对{matter}案件进行法制审核"),
    "cashier": ("zijin", "资金管理岗", "办理{matter}的资金支付和台账登记"),
    "buyer": ("caigou", "采购岗", "组织{matter}的采购和合同管理"),
    "engineer": ("gongcheng", "工程管理岗", "负责{matter}的现场管理、设计变更和签证"),
}
ACTORS = {
    "head": ["负责人", "科室负责人", "主要负责人"], "accept": ["窗口人员", "受理人员"], "check": ["初审人员", "审核人员"],
    "inspect": ["核查人员", "现场核查人员", "验收人员"], "review": ["复核人员", "审核人员"], "clerk": ["经办人员", "经办人"],
    "officer": ["执法人员", "检查人员", "办案人员"], "legal": ["法制审核人员"], "cashier": ["资金管理人员", "会计人员", "出纳人员"],
    "buyer": ["采购经办人员", "采购人员"], "engineer": ["工程管理人员", "现场管理人员"], "vice": ["分管领导"],
    "chief": ["主要负责人", "班子成员"],
}

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")

RISK_TYPES = ["业务流程", "岗位职责", "制度机制", "思想道德", "外部环境"]
PROCESS_TYPE_WEIGHTS = [50, 25, 25, 0, 0]  # risks on a process step
POST_TYPE_WEIGHTS = [0, 30, 10, 35, 25]  # risks on a post only

# Misconduct by risk type: (title tail, what is done). A title is the matter plus the tail.
MISCONDUCT = {
    "业务流程": [
        ("审核把关不严", "对申请材料不认真核验即出具同意意见"), ("程序简化走样", "擅自简化办理程序、跳过必经环节"),
        ("公示走过场", "违规压缩或取消公示期限"), ("超时限办理", "故意拖延办理、超过承诺时限不办结"),
        ("违规办理", "对不符合条件的事项违规予以办理"), ("核查走过场", "现场核查走过场、照抄申请人提供的数据"),
        ("以个人意见代替集体研究", "未经集体研究即作出决定"), ("选择性记录", "只记录有利于申请人的核查结果"),
        ("先办后补", "先办理后补材料、事后补签审批单"), ("重复拨付", "对同一事项重复受理、重复拨付"),
        ("随意调整排序", "不按评分标准排序、随意调整评审结果"), ("以口头代替书面", "以口头意见代替书面审查意见"),
        ("公开范围缩水", "将应当公开的事项只在小范围告知"), ("验收降低标准", "在验收中降低标准、对质量问题视而不见"),
        ("篡改办理时间", "对超时件不作登记、人为调整办理时间"), ("拆分规避", "把应当集中办理的事项拆分成多件分别办理"),
        ("资料把关不严", "对复印件与原件是否一致不作比对"), ("数据核对缺失", "不与相关部门的登记数据进行比对"),
    ],
    "岗位职责": [
        ("优亲厚友", "利用职务便利为亲友办理事项提供方便"), ("越权审批", "超越职权范围作出审批决定"),
        ("自由裁量不公", "滥用自由裁量权、同类情形处理结果不同"), ("泄露内部信息", "违规泄露评审专家名单和内部审查意见"),
        ("隐瞒问题不报", "对职责范围内发现的问题隐瞒不报"), ("吃拿卡要", "对服务对象吃拿卡要、故意刁难"),
        ("指定中介", "向服务对象推荐指定的中介机构"), ("插手干预", "以权谋私、插手干预具体事项办理"),
        ("敷衍应付", "对上级交办的核查事项敷衍应付"), ("透露办理捷径", "违规向无资格对象透露办理“捷径”"),
        ("自审自批", "在多个环节由同一人包办、自审自批"), ("提前打招呼", "利用掌握的信息为特定对象提前“打招呼”"),
        ("履职不到位", "对分管事项不检查、不过问"), ("违规兼职", "在服务对象处违规兼职取酬"),
        ("不作为慢作为", "对职责内的申请推诿扯皮、久拖不决"), ("失察失责", "对下属经办人员的违规行为失察"),
    ],
    "制度机制": [
        ("裁量标准不细", "内部制度对自由裁量的标准规定不细"), ("内部制衡缺失", "审批与监管职责未分离、缺少内部制衡"),
        ("台账无法追溯", "台账记录不完整、办理过程无法追溯"), ("回避制度缺位", "缺少回避规定、利害关系人参与评审"),
        ("时限预警缺失", "信息系统未设置时限预警、超时无人知晓"), ("复核环节缺失", "资金拨付缺少复核环节"),
        ("岗位长期不轮换", "岗位长期不轮换、关键环节由一人把控"), ("议事规则不明", "集体决策规则不明确、议事程序随意"),
        ("抽查不随机", "抽查对象由人工指定、不随机"), ("公示内容不全", "公示内容不完整、群众无法监督"),
        ("制度更新滞后", "内部规程多年未修订、与现行规定不一致"), ("授权不清", "授权审批的额度和范围没有书面规定"),
        ("痕迹管理缺失", "关键环节没有电子留痕"), ("考核导向偏差", "考核只看办件数量、不看办理质量"),
    ],
    "思想道德": [
        ("收受红包礼金", "收受服务对象红包礼金和购物卡"), ("接受宴请", "接受管理对象安排的宴请和娱乐活动"),
        ("心存侥幸", "认为收点“感谢费”是行规、心存侥幸"), ("理想信念淡化", "理想信念淡化、产生“不拿白不拿”的思想"),
        ("搞利益交换", "热衷与管理服务对象称兄道弟、搞利益交换"), ("纪律观念松懈", "对身边的违纪问题见怪不怪"),
        ("精神懈怠", "存在“干好干坏一个样”的懈怠思想"), ("节日收礼", "利用节假日收受服务对象赠送的土特产"),
        ("特权思想", "自恃掌握审批权、对办事群众态度生硬"), ("攀比心理", "与老板攀比收入、心理失衡"),
        ("借用财物", "向服务对象借用车辆、住房等财物"), ("违规打牌", "与管理对象打牌赌博、变相收受财物"),
    ],
    "外部环境": [
        ("被服务对象围猎", "服务对象通过请托、送礼拉拢经办人员"), ("中介机构拉拢", "中介机构围猎经办人员以换取优先办理"),
        ("亲友说情打招呼", "亲友说情打招呼、要求变通办理"), ("变相利益输送", "利益相关企业以“咨询费”名义输送利益"),
        ("找关系之风", "社会上“办事找关系”的风气影响经办人员"), ("熟人疏通", "申请人伪造材料并通过熟人疏通"),
        ("施工单位拉拢", "施工单位以借用车辆、报销费用等方式拉拢"), ("被施压", "被检查对象以举报相要挟、施压经办人员"),
        ("上级说情", "上级部门个别人员打招呼、要求关照"), ("老乡同学请托", "老乡、同学以聚会名义请托办事"),
        ("虚假宣传诱导", "不法中介以“内部关系”招揽业务、诱导群众"),
    ],
}
CLAUSES = ["在{matter}{phase}中", "办理{matter}时", "在{matter}的{phase}环节", "对{matter}", "在开展{matter}过程中",
           "在{matter}{phase}工作中", "负责{matter}期间"]
PHASES = ["受理", "审核", "现场核查", "审批", "验收", "资金拨付", "公示", "检查", "调查取证", "结果认定", "复核", "档案管理",
          "材料补正", "统计上报", "回访"]
EXTRAS = ["对明显矛盾的材料不予追查", "且不留存书面记录", "事后补签审批单据", "以“特事特办”为由变通处理", "对举报线索压而不查",
          "在系统中人为修改办理时间", "并将处理结果只作口头通知", "对同类事项处理尺度不一", "借机索取好处", "为关系人预留名额",
          "把个人意见包装成集体意见", "对整改情况不跟踪不复查", "对不同申请人采取双重标准", "对上级检查发现的问题不予纠正",
          "将分管事项交由非本岗位人员代办", "在材料补正中反复设卡", "未如实填写核查记录", "把应当回避的事项照常办理",
          "将检查结果提前透露给被检查对象", "对超标准支出照单全收", "拆分事项以规避集体研究", "对逾期未整改的不予处理",
          "对群众的询问推诿搪塞", "变相降低准入条件", "对相同问题前后处理不一致", "默许他人冒名办理", "对资料缺项的不要求补正",
          "与申请人私下联系", "收取“加急费”后优先办理", "对历史遗留问题一律放行"]
CONSEQUENCES = ["造成国家资金损失", "损害群众切身利益", "导致不符合条件的对象获得补助资金", "影响营商环境", "致使办事群众反复跑",
                "给违法行为留下空间", "造成公共资源分配不公", "引发信访投诉", "损害政府公信力", "埋下安全隐患", "导致工程质量不达标",
                "造成执法不公", "滋生权钱交易", "使监督流于形式", "导致项目投资超概算", "造成国有资产流失", "让违规主体逃避处罚",
                "破坏公平竞争秩序", "使财政资金使用效益降低", "引发群体性上访", "给单位造成负面舆情", "使制度形同虚设"]
MANNERS = ["利用职务便利", "为谋取私利", "碍于情面", "在监督缺位的情况下", "出于利益驱动", "受人请托后", "图省事",
           "为完成考核指标", "明知故犯", "抱着侥幸心理", "在无人复核时", "借口时间紧任务重"]
SYSTEM_CLAUSES = ["{matter}的{phase}环节", "{matter}工作中", "本科室{matter}", "{matter}{phase}过程中"]

# Measures by stage: each names the matter or step, then a detail, then sometimes a follow-up.
MEASURES = {
    "前期预防": ["制定{matter}{step}环节操作规程,明确{item}", "对{matter}推行清单化管理,{item}逐项列明并由{people}执行",
             "每{period}组织{people}学习{matter}相关法规和{case}", "{people}签订{matter}廉洁承诺书,承诺事项{publicity}",
             "{matter}实行受理与审核分离、审核与审批分离,{item}由{people}负责", "细化{matter}{step}环节自由裁量基准,将{item}写入内部规程",
             "建立{matter}利害关系回避制度,{people}回避情况{record}", "{matter}{step}等关键岗位实行AB岗,{people}在岗满{years}年的定期轮岗",
             "将{matter}办事指南和{item}{publicity}", "{matter}{step}前由{people}逐项核对{item}",
             "对{matter}新任职人员开展岗前交底,讲清{step}环节的{item}"],
    "中期监控": ["{matter}全程网上办理,{step}环节留痕可查,{record}", "{watcher}对{matter}每{period}随机抽查{count}件",
             "{matter}{step}环节实行双人复核、{watcher}签批,{record}", "{matter}{step}实行两人以上并全程记录,{record}",
             "信息系统对{matter}{step}环节设置时限,超时自动预警并推送{watcher}", "{matter}{step}结果{publicity},接受群众监督",
             "{watcher}每{period}对{matter}台账开展交叉检查,{record}", "{watcher}每{period}听取{matter}{step}环节办理情况汇报",
             "聘请行风监督员对{matter}{step}环节开展明察暗访,每{period}不少于{count}次",
             "每{period}对{matter}{step}环节办理数据开展比对分析,异常情况报{watcher}",
             "{matter}{step}环节实行双人办理、相互监督,{record}", "{watcher}对{matter}的{step}环节开展专项检查,每{period}一次"],
    "后期处置": ["对违规办理的{matter}责令纠正,并追究{step}环节{people}责任", "发现{matter}{step}环节问题线索{days}日内移交纪检监察机构,{record}",
             "每年对{matter}开展复盘评估,由{people}修订{item}", "对{matter}{step}环节发现的问题建立整改台账,{record}",
             "对{matter}{step}环节投诉举报逐件核查并在{days}日内书面答复,处理结果报{watcher}",
             "对{matter}{step}环节违规的{people}调离岗位,并依纪依规处理", "将{matter}{step}环节检查结果纳入{people}年度考核",
             "对{matter}{step}环节出现的问题开展倒查,{record}", "{matter}{step}环节出现违规的,{days}日内完成整改并向{watcher}报告"],
}
MEASURE_ITEMS = ["办理时限和材料清单", "审核要点和否决情形", "资金标准和分配方法", "检查频次和抽查比例", "责任人员和签字要求",
                 "现场核查内容和记录格式", "评分细则和排序规则", "集体研究的议事范围", "验收标准和整改期限", "收费标准和减免条件",
                 "补正材料的一次性告知内容", "回避情形和报告程序", "资料归档要求"]
MEASURE_PEOPLE = ["经办人员", "关键岗位人员", "科室全体人员", "新任职人员", "审批岗位人员", "执法人员", "复核人员", "科室负责人"]
MEASURE_CASES = ["典型案例", "警示教育片", "本系统违纪案例", "职务犯罪案例"]
MEASURE_RECORDS = ["记录存档备查", "情况书面记录", "结果报纪检监察机构备案", "记录随卷归档", "情况在科务会上通报"]
MEASURE_WATCHERS = ["纪检监察机构", "分管领导", "科室负责人", "单位主要负责人"]
PUBLICITY = ["在政务服务网公开", "在办事大厅公示", "在单位内部公示", "向服务对象公开", "在部门网站公开", "在公示栏张贴"]
PERIODS = ["月", "季", "半年"]
COUNTS = ["3", "5", "10", "2", "不少于5", "不少于10"]
MEASURE_SUFFIXES = ["", "", ",结果纳入年度考核", ",发现问题当月整改到位", ",每季度通报一次落实情况", ",年底前完成并报送总结",
                    ",整改情况报纪检监察机构备案", ",结果在科务会上通报", ",问题清单报分管领导审阅", ",落实情况纳入述职述廉",
                    ",对照清单逐项检查销号", ",每半年开展一次自查", ",相关资料随卷归档备查", ",接受纪检监察机构监督检查",
                    ",执行情况列入年度内控评价"]
BOILERPLATE_MEASURES = ["加强廉政教育,提高廉洁自律意识", "严格执行各项规章制度", "加强监督检查,发现问题及时纠正",
                        "认真落实党风廉政建设责任制"]
VAGUE_DESCRIPTIONS = ["工作作风不实", "廉洁意识不强", "执行制度不严格"]

STAGES = ["前期预防", "中期监控", "后期处置"]
KINDS_BY_STAGE = {"前期预防": ["教育", "制度", "制度", "公开", "岗位"], "中期监控": ["监督", "监督", "科技", "公开", "制度"],
                  "后期处置": ["监督", "制度", "岗位", "公开"]}
WARNING_SOURCES = ["巡视", "审计", "专项检查", "信访举报", "民主测评", "述职述廉"]
WARNING_LEVELS = ["提示", "提示", "预警", "亮牌"]
WARNING_ACTIONS = ["风险提示", "谈话提醒", "谈话提醒", "诫勉谈话", "责令整改"]
WARNING_FINDINGS = ["发现{matter}有{n}件材料不全仍予办理", "群众反映{matter}办理超时{n}天", "抽查发现{matter}核查记录{n}处与实际不符",
                    "审计发现{matter}资金{n}笔拨付手续不全", "信访反映经办人员在{matter}中态度生硬、反复刁难",
                    "专项检查发现{matter}公示期少于规定{n}天"]

GRADE_STYLES = [("高", "中", "低")] * 7 + [("一级", "二级", "三级"), ("红色", "橙色", "黄色"), ("★★★", "★★", "★")]
GRADE_RANK = {"低": 0, "中": 1, "高": 2}
GRADE_BY_RANK = ["低", "中", "高"]
FLOOR_MEDIUM = {"行政审批", "行政处罚", "行政征收", "人事管理", "财务管理", "物资采购", "项目建设"}

ORG_YAML = """\
# yaml-language-server: $schema=../schemas/org.schema.json
# 基准测试用登记簿:示例县{year}年度廉政风险防控登记簿(由 benchmarks/make_register.py 生成)。
# 单位、人员、企业均为虚构;人员一律写作“某某”。
schema_version: 1
org:
  id: {org_id}
  name: {org_name}
  head: {head}               # 单位主要负责人(人员 id,见 departments/ldbz.yaml)
  inspection: jjjc           # 纪检监察机构(部门 id,见 departments/jjjc.yaml)
year: {year}
grading:                     # 风险等级评定
  method: matrix             # matrix:发生概率 × 危害程度;factors:多因素加权
  matrix:                    # 分值 = likelihood × impact,各为 1..5
    high: 15                 # 分值 >= 15 定为 高
    medium: 8                # 分值 >= 8 定为 中;更低定为 低
  floors:                    # 定级下限:风险点通过流程或岗位关联到下列职权时,等级不低于此
    - when: {{sanzhong_yida: true}}      # “三重一大”事项一律 高
      grade: 高
    - when: {{category: [行政审批, 行政处罚, 行政征收, 人事管理, 财务管理, 物资采购, 项目建设]}}
      grade: 中
monitoring:                  # 分级监控:各等级由谁负责监控
  高: [单位主要负责人, 纪检监察机构]
  中: [分管领导, 部门负责人]
  低: [部门负责人]
policy:
  rotation_years: 5          # 重点岗位定期轮岗(在 高 风险岗位的年限)
  briefing_days: 30          # 新任职人员廉洁风险交底期限(天)
  warning_close_days: 30     # 预警处置时限(天)
  review_months: 12          # 风险点复核周期(月)
display:
  grade: stars               # 一览表中等级显示为 ★★★ / ★★ / ★
lint:
  disable: []
  severity: {{}}
"""

# ---------------------------------------------------------------------------
# The register in memory
# ---------------------------------------------------------------------------


@dataclass
class Department:
    id: str
    name: str
    kind: str
    comment: str
    grade_style: tuple[str, str, str]
    flow_measures: bool  # measures written one per line in flow style
    leader: str = ""
    supervisor: str = ""
    people: list[dict] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)
    powers: list[dict] = field(default_factory=list)
    processes: list[dict] = field(default_factory=list)
    risks: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    # generation state, not written
    roles: dict[str, list[str]] = field(default_factory=dict)  # role → post ids in this department
    matters: list[str] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)  # rules cited in measures (the powers' basis)
    vice_post: str = ""  # the supervising leader's post (cross-file)
    chief_post: str = ""  # the unit's head post (cross-file)
    next_risk: int = 1
    next_person: int = 1


@dataclass
class Register:
    year: int
    head: str
    departments: list[Department]
    org_id: str = "bench-county"
    org_name: str = "示例县"


class Generator:
    def __init__(self, seed: int, risks_per_department: int = RISKS_PER_DEPARTMENT):
        self.rng = random.Random(seed)
        self.risks_per_department = risks_per_department
        self.post_powers: dict[str, list[dict]] = {}
        self.process_powers: dict[str, list[dict]] = {}
        self.processes: dict[str, dict] = {}
        self.posts: dict[str, dict] = {}
        self.descriptions: list[str] = []  # for the few deliberate copies (照抄照搬)
        self.holders: dict[str, str] = {}  # post id → its first person

    # -- small helpers -------------------------------------------------------

    def day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "某某"

    # -- structure -----------------------------------------------------------

    def plan(self, departments: int) -> list[tuple]:
        """The departments to write, in order: county leadership, inspection, then bureaus and towns."""
        plan: list[tuple] = [("county-ldbz",), ("county-jjjc",)]
        units: list[tuple] = [("bureau", b) for b in BUREAUS]
        towns = [p + s for s in TOWN_STEMS for p in TOWN_PREFIXES]
        self.rng.shuffle(towns)
        for i, town in enumerate(towns):
            units.insert(min(len(units), 3 + i * 2), ("town", town, i + 1))
        for unit in units:
            if len(plan) >= departments:
                break
            sections = TOWN_SECTIONS if unit[0] == "town" else SECTIONS
            plan.append(("unit-ldbz", unit))
            for section in sections:
                if len(plan) >= departments:
                    break
                plan.append(("section", unit, section))
        return plan[:departments]

    def build(self, departments: int) -> Register:
        plan = self.plan(departments)
        result: list[Department] = []
        county_chief = county_vices = None
        unit_leaders: dict[str, tuple[str, list[str], str, list[str]]] = {}
        for entry in plan:
            if entry[0] == "county-ldbz":
                dept = self.county_leadership()
                county_chief = dept.posts[0]["id"]
                county_vices = [p["id"] for p in dept.posts[1:]]
            elif entry[0] == "county-jjjc":
                dept = self.inspection(county_chief, county_vices)
            elif entry[0] == "unit-ldbz":
                dept = self.unit_leadership(entry[1], county_vices)
                unit_leaders[self.unit_key(entry[1])] = (dept.posts[0]["id"], [p["id"] for p in dept.posts[1:]],
                                                         dept.people[0]["id"], [p["id"] for p in dept.people[1:]])
            else:
                dept = self.section(entry[1], entry[2], unit_leaders[self.unit_key(entry[1])])
            result.append(dept)
        for dept in result:
            self.fill_risks(dept, self.risk_target(dept))
            self.fill_warnings(dept)
        head = result[0].people[0]["id"]
        return Register(YEAR, head, result)

    @staticmethod
    def unit_key(unit: tuple) -> str:
        return unit[1][1] if unit[0] == "bureau" else f"xz{unit[2]:03d}"

    def unit_label(self, unit: tuple) -> tuple[str, str, tuple]:
        """(name as written, id prefix, matter groups) of a bureau or town."""
        if unit[0] == "bureau":
            name, code, groups, _center = unit[1]
            return "县" + name, code, groups
        return unit[1] + ("镇" if unit[2] % 3 else "乡"), f"xz{unit[2]:03d}", TOWN_MATTERS

    def new_department(self, id_: str, name: str, kind: str, comment: str) -> Department:
        return Department(id_, name, kind, comment, self.rng.choice(GRADE_STYLES), self.rng.random() < FLOW_SHARE)

    def add_post(self, dept: Department, role: str, name: str | None = None, duties: str | None = None) -> dict:
        suffix, role_name, pattern = ROLES.get(role, ("gw", "工作岗", "办理{matter}"))
        taken = dept.roles.setdefault(role, [])
        post_id = f"{dept.id}-{suffix}" + (str(len(taken) + 1) if taken else "")
        matter = self.rng.choice(dept.matters) if dept.matters else "日常事务"
        post = {"id": post_id, "name": name or role_name,
                "duties": duties or pattern.format(unit=dept.name, matter=matter), "powers": []}
        taken.append(post_id)
        dept.posts.append(post)
        self.posts[post_id] = post
        self.post_powers[post_id] = []
        return post

    def add_person(self, dept: Department, post_id: str) -> dict:
        person_id = f"p-{dept.id}-{dept.next_person:02d}"
        dept.next_person += 1
        # Most people took their post within five years; a few long-serving ones are LZ301 findings.
        if self.rng.random() < 0.04:
            since = self.day(date(YEAR - 12, 1, 1), date(YEAR - 6, 12, 31))
        else:
            since = self.day(date(YEAR - 4, 6, 1), date(YEAR, 9, 30))
        person = {"id": person_id, "name": self.name(), "post": post_id, "since": since}
        roll = self.rng.random()
        if roll < 0.97:
            person["briefed"] = since + timedelta(days=self.rng.randint(3, 26))
        elif roll < 0.985:
            person["briefed"] = since + timedelta(days=self.rng.randint(40, 120))  # LZ302: late
        pledge_start = max(date(YEAR, 1, 6), since)
        if self.rng.random() < 0.99:
            person["pledged"] = self.day(pledge_start, min(pledge_start + timedelta(days=60), date(YEAR, 12, 20)))
        dept.people.append(person)
        self.holders.setdefault(post_id, person_id)
        return person

    def add_power(self, dept: Department, name: str, category: str, *, sanzhong: bool = False, process: bool = True,
                  holders: list[str] = ()) -> dict:
        power_id = f"{dept.id}-P{len(dept.powers) + 1:02d}"
        scope = "内部" if category in ("人事管理", "内部管理") or (category == "财务管理" and self.rng.random() < 0.4) else "外部"
        power = {"id": power_id, "name": name, "scope": scope, "category": category}
        if sanzhong:
            power["sanzhong_yida"] = True
        elif self.rng.random() < 0.15:
            power["sanzhong_yida"] = False
        power["basis"] = self.basis(dept, name, category)
        dept.bases.append(power["basis"][-1])
        dept.powers.append(power)
        for post_id in holders:
            self.posts[post_id]["powers"].append(power_id)
            self.post_powers[post_id].append(power)
        if process:
            self.add_process(dept, power)
        return power

    def basis(self, dept: Department, name: str, category: str) -> list[str]:
        laws = {"行政审批": "《中华人民共和国行政许可法》", "行政处罚": "《中华人民共和国行政处罚法》", "行政执法": "《中华人民共和国行政处罚法》",
                "行政征收": "《中华人民共和国预算法》", "财务管理": "《行政事业单位内部控制规范》", "物资采购": "《中华人民共和国政府采购法》",
                "项目建设": "《中华人民共和国招标投标法》", "人事管理": "《党政领导干部选拔任用工作条例》", "行政确认": "《中华人民共和国行政许可法》"}
        own = f"《示例县{name}办法》" if name.endswith("管理") else f"《示例县{name}管理办法》"
        if category in laws and self.rng.random() < 0.8:
            return [laws[category], own]
        return [own]

    def add_process(self, dept: Department, power: dict) -> None:
        process_id = f"{dept.id}-F{len(dept.processes) + 1:02d}"
        template = STEPS[power["category"]]
        # Keep the first and last step, drop a few in between: processes differ in length.
        middle = [s for s in template[1:-1] if self.rng.random() < 0.8]
        chosen = [template[0], *middle, template[-1]] if len(template) > 1 else template
        steps = []
        for i, (step_name, role) in enumerate(chosen, 1):
            step = {"id": f"S{i}", "name": step_name, "post": self.post_for(dept, role), "role": role}
            if self.rng.random() < 0.7:
                step["time_limit"] = self.rng.choice(STEP_TIME_LIMITS)
            steps.append(step)
        process = {"id": process_id, "name": f"{power['name']}流程", "steps": steps}
        if self.rng.random() < 0.8:
            process["time_limit"] = self.rng.choice(PROCESS_TIME_LIMITS)
        power["process"] = process_id
        dept.processes.append(process)
        self.processes[process_id] = process
        self.process_powers[process_id] = [power]

    def post_for(self, dept: Department, role: str) -> str | None:
        if role == "vice":
            return dept.vice_post or None
        if role == "chief":
            return dept.chief_post or None
        posts = dept.roles.get(role) or dept.roles.get("clerk") or dept.roles.get("head") or dept.roles.get("chief")
        return self.rng.choice(posts) if posts else None

    # -- departments ---------------------------------------------------------

    def county_leadership(self) -> Department:
        dept = self.new_department("ldbz", "县领导班子", "领导班子",
                                   "县领导班子廉政风险防控表。班子成员分管各部门,分管关系见各部门文件的 supervisor。")
        dept.matters = ["重大事项决策", "重要干部任免", "重大项目安排", "大额资金使用"]
        chief = self.add_post(dept, "chief", "县长", "主持县政府全面工作,对党风廉政建设负主体责任")
        vices = [self.add_post(dept, "vice", f"副县长({area})", f"分管{area}工作")
                 for area in ["经济发展", "城乡建设", "社会事业", "农业农村", "政务服务"]]
        dept.chief_post = chief["id"]
        dept.vice_post = vices[0]["id"]
        for post in [chief, *vices]:
            self.add_person(dept, post["id"])
        dept.leader = dept.people[0]["id"]
        dept.supervisor = dept.people[0]["id"]
        holders = [chief["id"]]
        self.add_power(dept, "“三重一大”事项集体决策", "内部管理", sanzhong=True, holders=holders)
        self.add_power(dept, "重要人事任免决定", "人事管理", sanzhong=True, holders=holders)
        self.add_power(dept, "大额资金使用审批", "财务管理", sanzhong=True, process=False, holders=holders)
        self.add_power(dept, "重大项目安排", "项目建设", sanzhong=True, holders=[chief["id"], vices[1]["id"]])
        return dept

    def inspection(self, county_chief: str, county_vices: list[str]) -> Department:
        dept = self.new_department("jjjc", "县纪委监委派驻纪检监察组", "内设机构",
                                   "纪检监察机构:受理信访举报、开展监督检查和审查调查。")
        dept.matters = ["信访举报受理", "问题线索处置", "监督检查", "审查调查"]
        dept.chief_post, dept.vice_post = county_chief, county_vices[0]
        head = self.add_post(dept, "head", "纪检监察组组长", "主持纪检监察组工作,组织监督检查和审查调查")
        clerk = self.add_post(dept, "clerk", "信访举报受理岗", "受理信访举报,登记并分办问题线索")
        officers = [self.add_post(dept, "officer", "监督检查岗", "开展日常监督和专项检查") for _ in range(2)]
        self.add_post(dept, "legal", "案件审理岗", "审理违纪违法案件,提出处理意见")
        for post in dept.posts:
            for _ in range(self.rng.randint(1, 2)):
                self.add_person(dept, post["id"])
        dept.leader = dept.people[0]["id"]
        dept.supervisor = self.person_of_post(county_chief)
        self.add_power(dept, "信访举报受理与问题线索处置", "内部管理", holders=[head["id"], clerk["id"]])
        self.add_power(dept, "监督检查", "内部管理", holders=[p["id"] for p in officers])
        self.add_power(dept, "审查调查", "内部管理", holders=[head["id"], officers[0]["id"]])
        return dept

    def person_of_post(self, post_id: str) -> str:
        return self.holders[post_id]

    def unit_leadership(self, unit: tuple, county_vices: list[str]) -> Department:
        unit_name, prefix, groups = self.unit_label(unit)
        town = unit[0] == "town"
        dept = self.new_department(f"{prefix}-ldbz", f"{unit_name}领导班子", "领导班子",
                                   f"{unit_name}领导班子廉政风险防控表。“三重一大”事项由班子集体决策,相关风险点一律为 高。")
        dept.matters = [m for g in groups for m in g][:6]
        chief_name = ("党委书记", "镇长") if town else ("局长(党组书记)", "副局长")
        chief = self.add_post(dept, "chief", chief_name[0], f"主持{unit_name}全面工作,主持研究“三重一大”事项")
        vices = [self.add_post(dept, "vice", f"{chief_name[1] if town else '副局长'}({area})", f"分管{area}工作")
                 for area in self.rng.sample(["业务", "政务", "项目", "财务", "执法", "审批"], self.rng.randint(2, 3))]
        dept.chief_post, dept.vice_post = chief["id"], vices[0]["id"]
        for post in [chief, *vices]:
            self.add_person(dept, post["id"])
        dept.leader = dept.people[0]["id"]
        dept.supervisor = self._county_supervisor(county_vices)
        holders = [chief["id"]]
        self.add_power(dept, "“三重一大”事项集体决策", "内部管理", sanzhong=True, holders=holders)
        self.add_power(dept, "重要人事任免", "人事管理", sanzhong=True, holders=holders)
        self.add_power(dept, "大额资金使用审批", "财务管理", sanzhong=True, process=self.rng.random() < 0.5,
                       holders=[chief["id"], vices[-1]["id"]])
        if groups[3]:
            self.add_power(dept, f"{groups[3][0]}安排", "项目建设", sanzhong=True, process=False, holders=holders)
        self.add_power(dept, "日常经费审批", "财务管理", process=False, holders=[p["id"] for p in vices])
        return dept

    def _county_supervisor(self, county_vices: list[str]) -> str:
        return self.holders[self.rng.choice(county_vices)]

    def section(self, unit: tuple, section: tuple, leaders: tuple[str, list[str], str, list[str]]) -> Department:
        unit_name, prefix, groups = self.unit_label(unit)
        name, code, kind, group, own, _weight = section
        if unit[0] == "bureau" and code == "zfdd" and not groups[1]:
            group = 2
        full_name = unit[1][3] if (unit[0] == "bureau" and code == "zx") else f"{unit_name}{name}"
        dept = self.new_department(f"{prefix}-{code}", full_name, kind, "")
        chief_post, vice_posts, _chief_person, vice_people = leaders
        vice_index = self.rng.randrange(len(vice_posts))
        dept.chief_post, dept.vice_post = chief_post, vice_posts[vice_index]
        matters: list[tuple[str, str]] = []
        if group is not None:
            for matter in groups[group]:
                matters.append((matter, self.rng.choice(CATEGORY_OF_GROUP[group])))
        matters += own
        dept.matters = [m for m, _ in matters]
        dept.comment = f"{full_name}:{'、'.join(dept.matters[:3])}等事项。"
        categories = {c for _, c in matters}
        roles = ["head", "clerk"]
        if categories & {"行政审批", "行政确认", "其他"}:
            roles += ["accept", "check", "review", "inspect"]
        if categories & {"行政执法", "行政处罚"}:
            roles += ["officer", "officer", "officer", "legal"]
        if categories & {"财务管理", "行政征收"}:
            roles += ["check", "cashier", "inspect"]
        if categories & {"物资采购", "项目建设"}:
            roles += ["buyer", "engineer", "inspect"]
        if categories & {"人事管理"}:
            roles += ["check", "review"]
        seen: set[str] = set()
        for role in roles:
            if role in seen and role != "officer":
                continue
            seen.add(role)
            self.add_post(dept, role, f"{name}负责人" if role == "head" else None)
        for post in dept.posts:
            count = 1 if post["id"].endswith("-fzr") else self.rng.choice([1, 2, 2, 3, 3, 4, 4, 5])
            for _ in range(count):
                self.add_person(dept, post["id"])
        dept.leader = dept.people[0]["id"]
        dept.supervisor = vice_people[vice_index]
        # Powers: each matter, held by the posts whose steps handle it, plus the section head.
        extra = [(f"{m}监督检查", "行政执法") for m, c in matters if c in ("行政审批", "财务管理")][:2]
        for matter, category in matters + extra:
            power = self.add_power(dept, matter, category, process=self.rng.random() < 0.8,
                                   holders=[dept.roles["head"][0]])
            process = self.processes.get(power.get("process", ""))
            holders = {s["post"] for s in process["steps"]} if process else {self.post_for(dept, "clerk")}
            for post_id in sorted(h for h in holders if h and h.startswith(dept.id + "-")):
                if power["id"] not in self.posts[post_id]["powers"]:
                    self.posts[post_id]["powers"].append(power["id"])
                    self.post_powers[post_id].append(power)
        return dept

    # -- risks ---------------------------------------------------------------

    def risk_target(self, dept: Department) -> int:
        weight = 0.45 if dept.kind == "领导班子" else 0.7 if dept.id == "jjjc" else 1.0
        for section in SECTIONS + TOWN_SECTIONS:
            if dept.id.endswith("-" + section[1]):
                weight = section[5]
        # 1.04: the leadership teams are smaller; this brings the mean back to RISKS_PER_DEPARTMENT.
        return max(6, round(self.risks_per_department * weight * self.rng.uniform(0.6, 1.4) * 1.04))

    def fill_risks(self, dept: Department, count: int) -> None:
        anchors: list[tuple[dict | None, dict | None, str | None]] = []
        # Every process and every post carries at least one risk (else LZ203/LZ202 findings).
        for process in dept.processes:
            step = self.rng.choice(process["steps"])
            anchors.append((process, step, None))
        for post in dept.posts:
            anchors.append((None, None, post["id"]))
        while len(anchors) < count:
            if dept.processes and self.rng.random() < 0.68:
                process = self.rng.choice(dept.processes)
                anchors.append((process, self.rng.choice(process["steps"]), None))
            else:
                anchors.append((None, None, self.rng.choice(dept.posts)["id"]))
        for process, step, post_id in anchors:
            dept.risks.append(self.make_risk(dept, process, step, post_id))

    def make_risk(self, dept: Department, process: dict | None, step: dict | None, post_id: str | None) -> dict:
        rng = self.rng
        if process is not None:
            risk_type = rng.choices(RISK_TYPES, PROCESS_TYPE_WEIGHTS)[0]
            role = step["role"]
            posts = [step["post"]] if step["post"] else [rng.choice(dept.posts)["id"]]
            if rng.random() < 0.08 and dept.roles.get("head") and dept.roles["head"][0] not in posts:
                posts.append(dept.roles["head"][0])
            matter = process["name"].removesuffix("流程")
            step_name = step["name"]
            clause = rng.choice([f"在{matter}的{step_name}环节", f"{step_name}时", f"在{step_name}中",
                                 f"办理{matter}{step_name}时", f"在{matter}{step_name}过程中"])
            system_clause = rng.choice([f"{matter}的{step_name}环节", f"{step_name}环节"])
        else:
            risk_type = rng.choices(RISK_TYPES, POST_TYPE_WEIGHTS)[0]
            posts = [post_id]
            role = next((r for r, ids in dept.roles.items() if post_id in ids), "clerk")
            matter = rng.choice(dept.matters) if dept.matters else "日常工作"
            step_name = rng.choice(PHASES)
            clause = rng.choice(CLAUSES).format(matter=matter, phase=step_name)
            system_clause = rng.choice(SYSTEM_CLAUSES).format(matter=matter, phase=step_name)
        tail, misconduct = rng.choice(MISCONDUCT[risk_type])
        roll = rng.random()
        if roll < 0.003 and self.descriptions:
            description = rng.choice(self.descriptions)  # 照抄照搬: a copied description (LZ502)
        elif roll < 0.004:
            description = rng.choice(VAGUE_DESCRIPTIONS)  # 泛泛而谈 (LZ501)
        else:
            if risk_type == "制度机制":
                description = f"{system_clause}{misconduct}"
            else:
                manner = rng.choice(MANNERS) if risk_type != "外部环境" and rng.random() < 0.75 else ""
                description = f"{rng.choice(ACTORS.get(role, ['工作人员']))}{clause}{manner}{misconduct}"
            if rng.random() < 0.9:
                description += "," + rng.choice(EXTRAS)
                if rng.random() < 0.55:
                    description += "、" + rng.choice(EXTRAS)
            description += "," + rng.choice(CONSEQUENCES)
        if len(self.descriptions) < 5000:
            self.descriptions.append(description)
        title = f"{short(matter)}{tail}" if rng.random() < 0.8 else tail
        risk: dict = {"id": f"{dept.id}-R{dept.next_risk:03d}", "title": title, "description": description,
                      "type": risk_type}
        dept.next_risk += 1
        if process is not None:
            risk["process"] = process["id"]
            risk["step"] = step["id"]
        risk["posts"] = posts
        self.set_scores(risk)
        computed = self.computed_grade(risk)
        if rng.random() < 0.025:  # declared grade that ignores the policy (LZ201)
            declared = GRADE_BY_RANK[GRADE_RANK[computed] - 1] if computed != "低" else "中"
        else:
            declared = computed
        if rng.random() < 0.95:
            risk["grade"] = declared
        if rng.random() < 0.6:
            risk["reviewed"] = self.day(date(YEAR, 1, 10), date(YEAR, 11, 30))
        if rng.random() >= 0.003:  # a few risks without measures (LZ102)
            risk["measures"] = self.make_measures(dept, risk, matter, step_name, computed)
        return risk

    def set_scores(self, risk: dict) -> None:
        rng = self.rng
        risk["likelihood"] = rng.choices([1, 2, 3, 4, 5], [8, 34, 36, 17, 5])[0]
        risk["impact"] = rng.choices([1, 2, 3, 4, 5], [4, 22, 38, 26, 10])[0]

    def computed_grade(self, risk: dict) -> str:
        score = risk["likelihood"] * risk["impact"]
        rank = 2 if score >= 15 else 1 if score >= 8 else 0
        powers = list(self.process_powers.get(risk.get("process", ""), ()))
        for post_id in risk["posts"]:
            powers.extend(self.post_powers.get(post_id, ()))
        for power in powers:
            if power.get("sanzhong_yida"):
                rank = 2
            elif power["category"] in FLOOR_MEDIUM:
                rank = max(rank, 1)
        return GRADE_BY_RANK[rank]

    def make_measures(self, dept: Department, risk: dict, matter: str, step: str, grade: str) -> list[dict]:
        rng = self.rng
        count = rng.choices([1, 2, 3, 4], [20, 50, 22, 8])[0]
        stages = [rng.choice(STAGES) for _ in range(count)]
        if grade == "高" and "中期监控" not in stages and rng.random() < 0.97:
            stages[-1] = "中期监控"  # high risks are monitored (else LZ101)
        stages.sort(key=STAGES.index)
        measures = []
        for i, stage in enumerate(stages, 1):
            if rng.random() < 0.0015:
                text = rng.choice(BOILERPLATE_MEASURES)  # 措施不具体 (LZ503)
            else:
                text = rng.choice(MEASURES[stage]).format(
                    matter=matter, step=step, item=rng.choice(MEASURE_ITEMS), people=rng.choice(MEASURE_PEOPLE),
                    publicity=rng.choice(PUBLICITY), period=rng.choice(PERIODS), count=rng.choice(COUNTS),
                    case=rng.choice(MEASURE_CASES), record=rng.choice(MEASURE_RECORDS), watcher=rng.choice(MEASURE_WATCHERS),
                    years=rng.choice([3, 5]), days=rng.choice([5, 10, 15, 30]))
                if dept.bases and rng.random() < 0.25:
                    text = f"按照{rng.choice(dept.bases)}," + text
                suffix = rng.choice(MEASURE_SUFFIXES)
                if suffix[1:5] not in text:
                    text += suffix
            if dept.flow_measures:  # one line per measure: full-width commas, as such files are written
                text = text.replace(",", "\uff0c")
            measure: dict = {"id": f"M{i}", "text": text, "stage": stage}
            if rng.random() < 0.9:
                measure["kind"] = rng.choice(KINDS_BY_STAGE[stage])
            owner_roll = rng.random()
            if owner_roll < 0.45:
                measure["owner"] = dept.id
            elif owner_roll < 0.8:
                measure["owner"] = rng.choice(risk["posts"])
            elif owner_roll < 0.92:
                measure["owner"] = dept.leader
            else:
                measure["owner"] = rng.choice(["jjjc", dept.supervisor])
            status = rng.choices(["已落实", "落实中", "未开始"], [62, 28, 10])[0]
            if status == "已落实":
                if rng.random() < 0.5:
                    measure["due"] = month_end(YEAR, rng.randint(1, 12))
            elif rng.random() < 0.85:
                overdue = rng.random() < 0.03  # LZ103
                measure["due"] = month_end(YEAR if overdue else YEAR + 1, rng.randint(1, 12 if overdue else 9))
            if status != "未开始" or rng.random() < 0.5:
                measure["status"] = status
            measures.append(measure)
        return measures

    def fill_warnings(self, dept: Department) -> None:
        rng = self.rng
        for n in range(1, 1 + max(0, round(len(dept.risks) * 0.02 * rng.uniform(0.3, 1.7)))):
            risk = rng.choice(dept.risks)
            when = self.day(date(YEAR, 1, 5), date(YEAR, 11, 20))
            matter = short(next((m for m in dept.matters if m in risk["description"]), rng.choice(dept.matters)), 10)
            warning = {"id": f"W{YEAR}-{dept.id}-{n:02d}", "risk": risk["id"], "date": when,
                       "source": rng.choice(WARNING_SOURCES), "level": rng.choice(WARNING_LEVELS),
                       "finding": rng.choice(WARNING_FINDINGS).format(matter=matter, n=rng.randint(2, 9)),
                       "action": rng.choice(WARNING_ACTIONS)}
            roll = rng.random()
            if roll < 0.9:
                warning["closed"] = when + timedelta(days=rng.randint(4, 28))
            elif roll < 0.97:
                warning["date"] = self.day(date(YEAR, 12, 5), date(YEAR, 12, 28))  # open, still in time
            dept.warnings.append(warning)

    # -- the next year's revision ---------------------------------------------

    def revise(self, register: Register) -> list[str]:
        """Next year's revision in place: ~1 % of risks added, removed or regraded, a few people moved.

        Returns the ids of the departments changed. Changes concentrate on a tenth of the
        departments, as in practice, so most files are the same at both revisions.
        """
        rng = self.rng
        register.year += 1  # caller wrote the first revision with year - 1
        departments = [d for d in register.departments if d.kind != "领导班子" and d.id != "jjjc"] or register.departments
        share = max(min(2, len(departments)), round(len(register.departments) * REVISED_SHARE))
        revised = rng.sample(departments, share)
        revised.sort(key=register.departments.index)
        total = sum(len(d.risks) for d in register.departments)
        changes = max(3, round(total * RISK_CHANGE_SHARE))
        kinds = ["add"] * round(changes * 0.35) + ["remove"] * round(changes * 0.3)
        kinds += ["regrade"] * (changes - len(kinds))
        rng.shuffle(kinds)
        for i, kind in enumerate(kinds):
            dept = revised[i % len(revised)]
            if kind == "add":
                process = rng.choice(dept.processes) if dept.processes and rng.random() < 0.7 else None
                step = rng.choice(process["steps"]) if process else None
                post_id = None if process else rng.choice(dept.posts)["id"]
                risk = self.make_risk(dept, process, step, post_id)
                risk["reviewed"] = self.day(date(YEAR, 1, 10), date(YEAR, 11, 30))
                dept.risks.append(risk)
            elif kind == "remove":
                warned = {w["risk"] for w in dept.warnings}
                anchored = self.anchors_needed(dept)
                candidates = [r for r in dept.risks if r["id"] not in warned and r["id"] not in anchored]
                if candidates:
                    dept.risks.remove(rng.choice(candidates))
            else:
                self.regrade(dept)
            for risk in rng.sample(dept.risks, min(3, len(dept.risks))):  # measures carried out in the year
                for measure in risk.get("measures", []):
                    if measure.get("status") == "落实中" and rng.random() < 0.5:
                        measure["status"] = "已落实"
        movers = max(2, round(sum(len(d.people) for d in register.departments) * 0.001))
        leaders = {d.leader for d in register.departments} | {d.supervisor for d in register.departments}
        moved = 0
        for _ in range(movers * 20):  # a few tries: the two departments must differ, the person must not be a leader
            if moved == movers:
                break
            source, target = rng.choice(revised), rng.choice(revised)
            people = [p for p in source.people if p["id"] not in leaders
                      and sum(q["post"] == p["post"] for q in source.people) > 1]
            if not people or source is target:
                continue
            person = rng.choice(people)
            source.people.remove(person)
            since = self.day(date(YEAR, 2, 1), date(YEAR, 9, 30))
            person.update(post=rng.choice(target.posts[1:] or target.posts)["id"], since=since,
                          briefed=since + timedelta(days=rng.randint(3, 20)),
                          pledged=since + timedelta(days=rng.randint(3, 20)))
            target.people.append(person)
            moved += 1
        return [d.id for d in revised]

    def anchors_needed(self, dept: Department) -> set[str]:
        """Risks that are the only one on their process or post: removing one would leave a gap."""
        by_process: dict[str, list[str]] = {}
        by_post: dict[str, list[str]] = {}
        for risk in dept.risks:
            if "process" in risk:
                by_process.setdefault(risk["process"], []).append(risk["id"])
            for post in risk["posts"]:
                by_post.setdefault(post, []).append(risk["id"])
        return {ids[0] for ids in [*by_process.values(), *by_post.values()] if len(ids) == 1}

    def regrade(self, dept: Department) -> None:
        rng = self.rng
        for _ in range(40):
            risk = rng.choice(dept.risks)
            before = self.computed_grade(risk)
            old = risk["likelihood"], risk["impact"]
            for _ in range(12):
                self.set_scores(risk)
                after = self.computed_grade(risk)
                if after != before:
                    risk["grade"] = after
                    risk["reviewed"] = self.day(date(YEAR, 1, 10), date(YEAR, 11, 30))
                    return
            risk["likelihood"], risk["impact"] = old


def short(matter: str, limit: int = 8) -> str:
    return matter if len(matter) <= limit else matter[:limit]


def month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


# ---------------------------------------------------------------------------
# Writing YAML in the example register's style
# ---------------------------------------------------------------------------

_UNSAFE_START = set("-?:,[]{}#&*!|>'\"%@` ")


def scalar(value: object) -> str:
    """A plain scalar when YAML reads it back as the same string, else a double-quoted one."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, date)):
        return str(value)
    text = str(value)
    if (not text or text[0] in _UNSAFE_START or ": " in text or " #" in text or text.endswith((":", " "))
            or "\n" in text or text.lower() in ("true", "false", "null", "yes", "no", "on", "off", "~")
            or text.replace(".", "", 1).lstrip("+-").isdigit()):
        return json.dumps(text, ensure_ascii=False)
    return text


def flow_item(value: object) -> str:
    text = scalar(value)
    return json.dumps(str(value), ensure_ascii=False) if any(c in text for c in ",[]{}") and text[0] != '"' else text


def flow_list(values: list) -> str:
    return "[" + ", ".join(flow_item(v) for v in values) + "]"


def flow_map(mapping: dict) -> str:
    return "{" + ", ".join(f"{k}: {flow_item(v)}" for k, v in mapping.items()) + "}"


def grade_word(dept: Department, grade: str) -> str:
    return dept.grade_style[2 - GRADE_RANK[grade]]


def department_yaml(dept: Department) -> str:
    out = ["# yaml-language-server: $schema=../../schemas/department.schema.json"]
    if dept.comment:
        out.append(f"# {dept.comment}")
    if dept.grade_style[0] != "高":
        out.append(f"# 本文件等级写作 {'/'.join(dept.grade_style)},lz 统一规范为 高/中/低。")
    out += ["schema_version: 1", f"id: {dept.id}", f"name: {scalar(dept.name)}", f"kind: {dept.kind}"]
    if dept.leader:
        out.append(f"leader: {dept.leader}")
    if dept.supervisor:
        out.append(f"supervisor: {dept.supervisor}")
    if dept.people:
        out += ["", "people:"]
        for p in dept.people:
            out += [f"  - id: {p['id']}", f"    name: {p['name']}", f"    post: {p['post']}", f"    since: {p['since']}"]
            out += [f"    {k}: {p[k]}" for k in ("briefed", "pledged") if k in p]
    if dept.posts:
        out += ["", "posts:"]
        for post in dept.posts:
            out += [f"  - id: {post['id']}", f"    name: {scalar(post['name'])}"]
            if post.get("duties"):
                out.append(f"    duties: {scalar(post['duties'])}")
            if post["powers"]:
                out.append(f"    powers: {flow_list(post['powers'])}")
    if dept.powers:
        out += ["", "powers:"]
        for power in dept.powers:
            out += [f"  - id: {power['id']}", f"    name: {scalar(power['name'])}", f"    scope: {power['scope']}",
                    f"    category: {power['category']}"]
            if "sanzhong_yida" in power:
                out.append(f"    sanzhong_yida: {scalar(power['sanzhong_yida'])}")
            if power.get("basis"):
                out.append(f"    basis: {flow_list(power['basis'])}")
            if power.get("process"):
                out.append(f"    process: {power['process']}")
    if dept.processes:
        out += ["", "processes:"]
        for process in dept.processes:
            out += [f"  - id: {process['id']}", f"    name: {scalar(process['name'])}"]
            if "time_limit" in process:
                out.append(f"    time_limit: {scalar(process['time_limit'])}")
            out.append("    steps:")
            for step in process["steps"]:
                shown = {k: step[k] for k in ("id", "name", "post", "time_limit") if step.get(k)}
                out.append(f"      - {flow_map(shown)}")
    if dept.risks:
        out += ["", "risks:"]
        for n, risk in enumerate(dept.risks):
            if n:
                out.append("")
            out += [f"  - id: {risk['id']}", f"    title: {scalar(risk['title'])}",
                    f"    description: {scalar(risk['description'])}", f"    type: {risk['type']}"]
            if "process" in risk:
                out += [f"    process: {risk['process']}", f"    step: {risk['step']}"]
            out += [f"    posts: {flow_list(risk['posts'])}", f"    likelihood: {risk['likelihood']}",
                    f"    impact: {risk['impact']}"]
            if "grade" in risk:
                out.append(f"    grade: {grade_word(dept, risk['grade'])}")
            if "reviewed" in risk:
                out.append(f"    reviewed: {risk['reviewed']}")
            if "measures" in risk:
                out.append("    measures:")
                for m in risk["measures"]:
                    if dept.flow_measures:
                        out.append(f"      - {flow_map(m)}")
                        continue
                    out += [f"      - id: {m['id']}", f"        text: {scalar(m['text'])}", f"        stage: {m['stage']}"]
                    out += [f"        {k}: {m[k]}" for k in ("kind", "owner", "due", "status") if k in m]
    if dept.warnings:
        out += ["", "warnings:"]
        for w in dept.warnings:
            out += [f"  - id: {w['id']}", f"    risk: {w['risk']}", f"    date: {w['date']}", f"    source: {w['source']}",
                    f"    level: {w['level']}", f"    finding: {scalar(w['finding'])}", f"    action: {w['action']}"]
            if "closed" in w:
                out.append(f"    closed: {w['closed']}")
    out.append("")
    return "\n".join(out)


def write_register(register: Register, root: Path) -> None:
    """``root/registers/...``; files are rewritten only when their text changed (git sees only real changes)."""
    folder = root / "registers" / "departments"
    folder.mkdir(parents=True, exist_ok=True)
    texts = {root / "registers" / "org.yaml": ORG_YAML.format(year=register.year, head=register.head,
                                                              org_id=register.org_id, org_name=register.org_name)}
    for dept in register.departments:
        texts[folder / f"{dept.id}.yaml"] = department_yaml(dept)
    for path, text in texts.items():
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    for path in folder.glob("*.yaml"):
        if path not in texts:
            path.unlink()
    (root / ".gitignore").write_text(".lz-cache/\n", encoding="utf-8")
    schemas = Path(__file__).resolve().parents[1] / "schemas"
    if schemas.is_dir():  # so the modeline resolves in an editor
        shutil.copytree(schemas, root / "schemas", dirs_exist_ok=True)


def git(root: Path, *args: str, when: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-c", "user.name=基准生成器", "-c", "user.email=bench@example.invalid",
                    "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                   cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)


def generate(out: Path, *, departments: int, seed: int = 1, with_git: bool = False) -> dict:
    """Write the register under ``out`` and return its figures (for ``--git``, those of the work tree)."""
    generator = Generator(seed)
    register = generator.build(departments)
    revised: list[str] = []
    if with_git:
        register.year = YEAR - 1
        write_register(register, out)
        git(out, "init", "-q", when="2024-12-20T10:00:00+08:00")
        git(out, "add", "-A", when="2024-12-20T10:00:00+08:00")
        git(out, "commit", "-q", "-m", "2024年度廉政风险防控登记簿", when="2024-12-20T10:00:00+08:00")
        git(out, "tag", "2024", when="2024-12-20T10:00:00+08:00")
        revised = generator.revise(register)
        write_register(register, out)
        git(out, "add", "-A", when="2025-03-15T10:00:00+08:00")
        git(out, "commit", "-q", "-m", "2025年度动态调整:风险点增删、重新定级、人员调整",
            when="2025-03-15T10:00:00+08:00")
        git(out, "tag", "2025", when="2025-03-15T10:00:00+08:00")
    else:
        write_register(register, out)
    return figures(out / "registers", register, revised)


UNIT_DEPARTMENTS = 4  # a unit of the --units county: its leadership, inspection, a bureau's leaders and office
UNIT_RISKS_PER_DEPARTMENT = 71  # → ~185 risks a unit


def generate_county(out: Path, *, units: int, seed: int = 1) -> dict:
    """``out/unit-NNN/registers/`` for each of ``units`` small registers (no git); the county's figures."""
    totals: dict[str, int] = {}
    for n in range(1, units + 1):
        generator = Generator(seed * 100_003 + n, risks_per_department=UNIT_RISKS_PER_DEPARTMENT)
        register = generator.build(UNIT_DEPARTMENTS)
        register.org_id, register.org_name = f"unit-{n:03d}", f"示例县第{n}单位"
        write_register(register, out / f"unit-{n:03d}")
        for key, value in figures(out / f"unit-{n:03d}" / "registers", register, []).items():
            if isinstance(value, int):
                totals[key] = totals.get(key, 0) + value
    return {**totals, "units": units, "revised_departments": []}


def figures(root: Path, register: Register, revised: list[str]) -> dict:
    files = [root / "org.yaml", *sorted((root / "departments").glob("*.yaml"))]
    data = [f.read_bytes() for f in files]
    risks = [r for d in register.departments for r in d.risks]
    return {"files": len(files), "bytes": sum(map(len, data)), "lines": sum(b.count(b"\n") for b in data),
            "departments": len(register.departments), "risks": len(risks),
            "measures": sum(len(r.get("measures", ())) for r in risks),
            "people": sum(len(d.people) for d in register.departments),
            "warnings": sum(len(d.warnings) for d in register.departments), "revised_departments": revised}


# ---------------------------------------------------------------------------
# Scale cases (issue 14): registers at the edges of what a file may hold
# ---------------------------------------------------------------------------

SCALE_CASES = ("one-file", "many-files", "many-measures", "big-scalar", "shared-measure")
ONE_FILE_DEPARTMENTS = 260  # merged into one file of ~50 MB
MANY_FILES = 5000
MANY_MEASURES = 10_000
BIG_SCALAR_CHARACTERS = 350_000  # ~1 MB of UTF-8
SHARED_MEASURE_RISKS = 8000  # issue 15: LZ503 was quadratic in the risks sharing one measure text
SHARED_MEASURE_TEXT = "加强廉政教育,提高拒腐防变能力"


def scale_register(out: Path, case: str, seed: int = 1) -> dict:
    """Write one scale case under ``out/registers`` and return its figures.

    one-file: a county of ``ONE_FILE_DEPARTMENTS`` departments in one department file (~50 MB);
    many-files: ``MANY_FILES`` tiny department files; many-measures: a risk with ``MANY_MEASURES`` measures;
    big-scalar: a risk whose description is ~1 MB; shared-measure: ``SHARED_MEASURE_RISKS`` risks in one file whose
    one measure has the same text.
    """
    if case == "one-file":
        register = Generator(seed).build(ONE_FILE_DEPARTMENTS)
        register.departments = [merged(register.departments)]
        write_register(register, out)
        org = out / "registers" / "org.yaml"
        org.write_text(org.read_text(encoding="utf-8").replace("inspection: jjjc", "inspection: county"),
                       encoding="utf-8")
        return figures(out / "registers", register, [])
    folder = out / "registers" / "departments"
    folder.mkdir(parents=True, exist_ok=True)
    count = MANY_FILES if case == "many-files" else 1
    for n in range(1, count + 1):
        measures, description, risks = 1, None, 1
        if case == "shared-measure":
            risks = SHARED_MEASURE_RISKS
        elif case == "many-measures":
            measures = MANY_MEASURES
        elif case == "big-scalar":
            sentence = "窗口人员对材料齐全的申请故意不一次性告知补正内容,让申请人反复跑,借机索要好处。"
            description = (sentence * (BIG_SCALAR_CHARACTERS // len(sentence) + 1))[:BIG_SCALAR_CHARACTERS]
        (folder / f"d{n:05d}.yaml").write_text(tiny_department(n, measures, description, risks), encoding="utf-8")
    org = ORG_YAML.format(year=YEAR, head="p-d00001", org_id="bench-scale", org_name="示例县(规模测试)")
    org = org.replace("inspection: jjjc", "inspection: d00001")
    (out / "registers" / "org.yaml").write_text(org, encoding="utf-8")
    files = [out / "registers" / "org.yaml", *sorted(folder.glob("*.yaml"))]
    return {"files": len(files), "bytes": sum(f.stat().st_size for f in files), "departments": count,
            "risks": count * risks, "measures": count * measures * risks, "lines": 0, "people": count, "warnings": 0,
            "revised_departments": []}


def merged(departments: list[Department]) -> Department:
    """Every department of a county in one: ids are unique county-wide already; owners that named a department
    name the one left."""
    first = departments[0]
    one = Department("county", "示例县(全县合并)", "内设机构", "全县各部门合并为一个文件(规模测试)", ("高", "中", "低"),
                     False, leader=first.leader, supervisor=first.supervisor)
    ids = {d.id for d in departments}
    for dept in departments:
        for key in ("people", "posts", "powers", "processes", "risks", "warnings"):
            getattr(one, key).extend(getattr(dept, key))
    for risk in one.risks:
        for measure in risk.get("measures", ()):
            if measure.get("owner") in ids:
                measure["owner"] = one.id
    return one


def tiny_department(n: int, measures: int = 1, description: str | None = None, risks: int = 1) -> str:
    """A department with one person, one post and one risk (with ``measures`` measures); with ``risks`` more
    than one, that many risks whose one measure has the same text."""
    d = f"d{n:05d}"
    stages = ("前期预防", "中期监控", "后期处置")
    lines = [
        "schema_version: 1", f"id: {d}", f"name: 第{n}号科室", "kind: 内设机构", f"leader: p-{d}", f"supervisor: p-{d}",
        "people:",
        f"  - {{id: p-{d}, name: 甲某某, post: {d}-zr, since: 2024-01-01, briefed: 2024-01-10, pledged: 2025-02-01}}",
        "posts:", f"  - {{id: {d}-zr, name: 科室主任}}",
        "risks:", f"  - id: {d}-R1", "    title: 物资验收不核对数量",
        f"    description: {description or f'第{n}号科室主任在物资验收时不核对数量,对供应商少供的物资照样签收入库'}",
        "    type: 岗位职责", f"    posts: [{d}-zr]", "    likelihood: 2", "    impact: 3", "    measures:",
    ]
    lines += [f"      - {{id: M{i}, text: 第{i}项:验收由两人共同进行并留存签字记录备查, stage: {stages[i % 3]}, "
              f"kind: 监督, owner: {d}}}" for i in range(1, measures + 1)]
    for r in range(2, risks + 1):
        lines += [f"  - {{id: {d}-R{r}, title: 第{r}项物资验收不核对数量, description: '第{r}批物资验收时不核对数量,"
                  f"对供应商少供的物资照样签收入库', type: 岗位职责, posts: [{d}-zr], likelihood: 2, impact: 3, "
                  f"measures: [{{id: M1, text: '{SHARED_MEASURE_TEXT}', stage: 前期预防, kind: 教育, owner: {d}}}]}}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--departments", type=int, default=400, help="number of department files (400: county scale)")
    parser.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same bytes")
    parser.add_argument("--out", type=Path, required=True, help="folder to write DIR/registers/... into (must be empty)")
    parser.add_argument("--git", action="store_true", help="commit two revisions tagged 2024 and 2025")
    parser.add_argument("--scale", choices=SCALE_CASES, help="a scale case instead of a county (issue 14)")
    parser.add_argument("--units", type=int, default=0, help="a county of this many units, each its own register")
    args = parser.parse_args(argv)
    if args.departments < 1:
        parser.error("--departments must be at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.units:
        stats = generate_county(args.out, units=args.units, seed=args.seed)
    elif args.scale:
        stats = scale_register(args.out, args.scale, args.seed)
    else:
        stats = generate(args.out, departments=args.departments, seed=args.seed, with_git=args.git)
    revised = stats.pop("revised_departments")
    print(json.dumps({**stats, "megabytes": round(stats["bytes"] / 1e6, 1), "revised_departments": len(revised)},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
