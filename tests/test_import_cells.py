"""lz import, cell by cell: headers (rule 1), grades (5, 6), measure lists (7), names and codes (10, 11)."""

from __future__ import annotations

import pytest

from lianzheng_cli.importing.grades import parse_cell, split_risks, take_grade
from lianzheng_cli.importing.headers import field_of, header_key
from lianzheng_cli.importing.ids import Ids, code_id, initials
from lianzheng_cli.importing.measures import numbered_parts, split_measures
from lianzheng_cli.importing.risks import title_and_description
from lianzheng_cli.importing.text import clean_name, clean_text, fold_code, split_names
from lianzheng_cli.importing.words import category, risk_type, scope, yes

# --- rule 1: headers by their words -------------------------------------------------------------------


@pytest.mark.parametrize(("header", "field"), [
    ("防 控 措 施", "measures"), ("廉政\n风险点", "risk"), ("廉政_x000D_\n风险点", "risk"), ("風險等級", "grade"),
    ("責任主體", "owner"), ("關鍵環節", "step"), ("所处环节", "step"), ("环节", "step"),
    ("风险点", "risk"), ("风险表现", "risk"), ("风险描述", "risk"), ("廉政风险点及等级", "risk"), ("风险点及表现", "risk"),
    ("廉政风险点(风险表现)", "risk"), ("防范措施", "measures"), ("防范管理措施", "measures"),
    ("涉及对象", "posts"), ("岗位", "posts"), ("涉及岗位", "posts"), ("职务(岗位)", "posts"), ("职务（岗位）", "posts"),
    ("责任部门", "owner"), ("责任领导", "owner_person"), ("责任人", "owner_person"),
    ("部门", "department"), ("科室", "department"), ("处室", "department"), ("单位", "department"),
    ("部门(单位)", "department"), ("风险点编号", "code"), ("职权编码", "power_code"), ("职权名称", "power"),
    ("是否“三重一大”事项", "sanzhong"), ("对内/对外", "scope"), ("前期预防", "pre_measures"), ("中期監控", "mid_measures"),
    ("后期处置", "post_measures"), ("监控责任人", "monitors"), ("高(★★★)", "grade_high"), ("风险等级（★）", "grade"),
    ("主要廉政风险点", "risk"), ("序  号", "seq"), ("备注", "remark"),
])
def test_a_header_is_read_by_its_words(header, field):
    assert field_of(header) == field


@pytest.mark.parametrize("text", ["示例县某某局2025年度廉政风险点防控措施一览表", "部门:办公室", "填报单位：某局", ""])
def test_titles_and_lines_above_the_header_are_no_headers(text):
    assert field_of(text) is None


def test_header_keys_fold_spaces_breaks_traditional_and_full_width():
    assert header_key(" 防\u3000控\u00a0措 施 ") == "防控措施"
    assert header_key("涉及對象（崗位）：") == "涉及对象(岗位)"


# --- rule 5: grades -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "grade"), [
    ("高", "高"), ("中", "中"), ("低", "低"), ("一级", "高"), ("二級", "中"), ("三级", "低"), ("一级风险", "高"),
    ("★★★", "高"), ("★ ★", "中"), ("★", "低"), ("红", "高"), ("紅色", "高"), ("橙色", "中"), ("黄", "低"),
    ("\u00a0中\u00a0", "中"), (" 高 ", "高"), ("High", "高"), ("low", "低"), ("高风险", "高"),
])
def test_every_alias_of_the_contract_is_a_grade(written, grade):
    parsed = parse_cell(written)
    assert parsed.grade == grade and parsed.unknown is None


@pytest.mark.parametrize("written", ["较高", "★★★★", "蓝色", "四级", "A"])
def test_other_words_are_unknown_grades(written):
    parsed = parse_cell(written)
    assert parsed.grade is None and parsed.unknown == clean_name(written)


@pytest.mark.parametrize(("text", "rest", "grade"), [
    ("★★★私自派车", "私自派车", "高"),
    ("【高】私自派车", "私自派车", "高"),
    ("一级风险：私自派车", "私自派车", "高"),
    ("私自派车(风险等级:高)", "私自派车", "高"),
    ("私自派车（风险等级：中）", "私自派车", "中"),
    ("私自派车(★★)", "私自派车", "中"),
    ("私自派车 风险等级:中", "私自派车", "中"),
    ("风险点 A1-3 等级 高", "风险点 A1-3", "高"),
    ("私自派车★", "私自派车", "低"),
])
def test_a_grade_before_or_after_the_risk_text_is_taken_out(text, rest, grade):
    parsed = take_grade(text)
    assert (parsed.text, parsed.grade) == (rest, grade)


def test_an_unknown_grade_in_the_text_is_taken_out_and_named():
    parsed = take_grade("私自派车(风险等级:较高)")
    assert (parsed.text, parsed.grade, parsed.unknown) == ("私自派车", None, "较高")


@pytest.mark.parametrize("text", ["提高风险等级标准", "审批等级", "对红包来者不拒", "中介机构围猎"])
def test_words_inside_a_sentence_are_no_grade(text):
    assert not take_grade(text).found


# --- rule 6: several risks in one cell ------------------------------------------------------------------


def test_a_cell_of_risks_each_with_its_grade_is_several_risks():
    parts = split_risks("★★★1、收受红包礼金\n★★2、吃拿卡要\n刁难服务对象")
    assert [(p.text, p.grade) for p in parts] == [("收受红包礼金", "高"), ("吃拿卡要\n刁难服务对象", "中")]
    parts = split_risks("1、收受红包礼金(高)\n2、吃拿卡要(风险等级:低)")
    assert [(p.text, p.grade) for p in parts] == [("收受红包礼金", "高"), ("吃拿卡要", "低")]


def test_a_numbered_cell_without_a_grade_per_item_is_one_risk():
    parts = split_risks("1、收受红包礼金\n2、吃拿卡要")
    assert len(parts) == 1 and parts[0].text == "1、收受红包礼金\n2、吃拿卡要"


# --- rule 7: measures -----------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", [
    "1、建立制度\n2、加强监督", "1.建立制度\n2.加强监督", "１．建立制度\n２．加强监督", "1．建立制度\n2．加强监督",
    "(1)建立制度\n(2)加强监督", "（1）建立制度\n（2）加强监督", "⑴建立制度\n⑵加强监督", "①建立制度\n②加强监督",
    "⒈建立制度\n⒉加强监督", "（一）建立制度\n（二）加强监督", "●建立制度\n●加强监督", "◆建立制度\n◆加强监督",
    "- 建立制度\n- 加强监督", "1.建立制度;2.加强监督", "1.建立制度；2.加强监督", "一是建立制度；二是加强监督",
    "建立制度\n加强监督", "1、建立制度_x000D_\n2、加强监督", "1、建立制度;\n2、加强监督。",
])
def test_measures_are_split_at_list_markers(cell):
    texts = [m.text for m in split_measures(cell)]
    assert texts[0] == "建立制度" and texts[1].rstrip("。") == "加强监督" and len(texts) == 2


def test_numbers_inside_a_sentence_are_no_markers():
    measures = split_measures("1、按第3、4条执行;3.5万元以上集体研究\n2、对3.5万元以上的支出集体研究")
    assert [m.text for m in measures] == ["按第3、4条执行;3.5万元以上集体研究", "对3.5万元以上的支出集体研究"]
    assert [m.text for m in split_measures("3.5万元以上须集体研究")] == ["3.5万元以上须集体研究"]


def test_a_semicolon_without_a_marker_after_it_does_not_split():
    assert [m.text for m in split_measures("建立制度;加强监督")] == ["建立制度;加强监督"]


def test_stage_tags_give_the_stage_and_are_removed():
    measures = split_measures("1.【前期预防】建立制度\n2.【中期监控】加强监督\n3.(后期处置)严肃追责")
    assert [(m.text, m.stage) for m in measures] == [
        ("建立制度", "前期预防"), ("加强监督", "中期监控"), ("严肃追责", "后期处置")]
    measures = split_measures("前期预防：1.建立制度；2.廉政谈话\n中期监控:3.加强监督")
    assert [(m.text, m.stage) for m in measures] == [
        ("建立制度", "前期预防"), ("廉政谈话", "前期预防"), ("加强监督", "中期监控")]
    measures = split_measures("前期预防:建立制度;中期监控:加强监督;事后处置:追责")
    assert [m.stage for m in measures] == ["前期预防", "中期监控", "后期处置"]


def test_no_stage_is_invented_but_a_stage_column_gives_one():
    assert [m.stage for m in split_measures("1.建立制度\n2.加强监督")] == [None, None]
    assert [m.stage for m in split_measures("1.建立制度\n2.【后期处置】追责", "中期监控")] == ["中期监控", "后期处置"]


@pytest.mark.parametrize("cell", ["—", "——", "/", "无", "", "  ", "-"])
def test_dashes_and_none_are_no_measure(cell):
    assert split_measures(cell) == []


def test_a_line_without_a_marker_continues_the_measure_above():
    assert [m.text for m in split_measures("1、建立派车登记制度,\n每月公示\n2、加强监督")] == [
        "建立派车登记制度,每月公示", "加强监督"]


def test_owners_numbered_like_the_measures():
    assert numbered_parts("1.办公室\n2.张某某") == ["办公室", "张某某"]
    assert numbered_parts("办公室") == ["办公室"]


# --- rule 10: names and texts ---------------------------------------------------------------------------


def test_names_lose_all_whitespace_texts_keep_their_characters():
    assert clean_name(" 张\u00a0\u00a0某\u3000") == "张某"
    assert split_names("科长、副 科长；职务（岗位）,张  某\n—") == ["科长", "副科长", "职务（岗位）", "张某"]
    assert clean_text("對申請材料審核不嚴 \r\n再審  _x000D_\n") == "對申請材料審核不嚴\n再審"


def test_enum_words_are_normalized():
    assert risk_type("一、思想道德风险") == "思想道德"
    assert risk_type("崗位職責類") == "岗位职责"
    assert risk_type("（三）业务流程方面风险") == "业务流程"
    assert risk_type("权力运行风险") is None
    assert category("行政许可") == ("行政审批", True)
    assert category("職權類別不明") == ("其他", False)
    assert scope("对外") == "外部" and scope("內部") == "内部" and scope("") is None
    assert yes("√") and yes("是") and yes("否") is False and yes("也许") is None


# --- rule 11: codes and ids -----------------------------------------------------------------------------


def test_codes_fold_full_width_characters():
    assert fold_code("ＢＧ－０１") == "BG-01"
    assert code_id("ＢＧ－０１") == ("BG-01", None)
    assert code_id(" A1-3 ") == ("A1-3", None)
    assert code_id("fnsw-(1)-9") == ("fnsw-(1)-9", None)


def test_an_invalid_code_is_sanitized():
    assert code_id("风险点#7") == ("7", "invalid")
    assert code_id("BG 01/2") == ("BG01-2", "invalid")  # whitespace is folded away, / is no id character
    assert code_id("——") == ("", "invalid")


def test_ids_stay_unique_and_readable():
    ids = Ids()
    assert ids.claim("A1-3") == "A1-3" and ids.claim("A1-3") == "A1-3-2"
    assert initials("办公室") == "bgs" and initials("对外贸易发展室") == "dwmyfzs"
    assert ids.named("bgs-", "初审岗", "G") == "bgs-csg" and ids.named("bgs-", "初审岗", "G") == "bgs-csg-2"
    assert ids.named("p-", "张某某", "p", person=True) == "p-zhangmm"
    assert ids.numbered("bgs-", "R") == "bgs-R01" and ids.numbered("bgs-", "R") == "bgs-R02"


def test_a_title_before_a_colon_else_the_first_clause():
    assert title_and_description("初审把关不严:对申请材料不核实") == ("初审把关不严", "对申请材料不核实")
    assert title_and_description("对申请材料审核把关不严，徇私舞弊") == ("对申请材料审核把关不严", "对申请材料审核把关不严，徇私舞弊")


# --- the YAML written reads back as the same texts ----------------------------------------------------

HOSTILE = ["私自派车,公车私用", "a: b", "#标签", "2025", "true", "no", "- 列表", "x #y", "《办法》", "科长:", "a:b",
           "=SUM(A1)", "* 星号", "&锚", "!标签", "%", "@", "`", "'引号'", '"双引号"', "{花括号}", "[方括号]", "一\n二",
           "一\n  缩进", " 前导空格", "尾随空格 ", "一\n\n三", "null", "~", "0x1F", "1e3", ".inf", "第1行:\n第2行 #", "\t制表",
           "｛全角｝", "“引号”开头", "?问号", "|竖线", ">大于"]


@pytest.mark.parametrize("value", HOSTILE)
def test_texts_and_names_read_back_exactly(value):
    from lianzheng_cli.importing.emit import _flow_list, _text
    from lianzheng_cli.load.parse import load_text

    block = "\n".join(_text("text", value, "  "))
    flow = f"  names: {_flow_list([value, 'x'])}"
    loaded = load_text(f"item:\n{block}\n{flow}\n", "t.yaml")
    assert loaded.diagnostics == [] and loaded.data == {"item": {"text": value, "names": [value, "x"]}}
