"""write.edits: YAML edits placed by the parser's marks, every other byte where it was, the result checked."""

from __future__ import annotations

import textwrap

import pytest

from lianzheng_cli.load.parse import load_text
from lianzheng_cli.write.edits import FileEdit
from lianzheng_cli.write.files import WriteError
from lianzheng_cli.write.yamltext import block_scalar, locate, scalar

DOC = textwrap.dedent("""\
    # 部门文件
    id: bgs
    name: 办公室            # 对齐的注释
    risks:
      # 来源:旧表
      - id: R1
        title: '单引号'
        description: "双引号"
        posts: [a, b]
        grade: ★★           # 申报
        measures:
          - id: M1
            text: 措施一
            stage: 前期预防
            owner: bgs

      - id: R2
        title: 第二个
        description: |-   # 块注释
          第一行
          第二行
        posts:
          - a
        measures: []
    warnings: []
    """)


def edited(text: str, *steps) -> str:
    edit = FileEdit(text, "t.yaml")
    for step in steps:
        step(edit)
    return edit.result()


def test_scalars_keep_their_style_and_aligned_comments_their_column():
    new = edited(DOC, lambda e: e.set(("risks", 0, "title"), "它's"),
                 lambda e: e.set(("risks", 0, "description"), "新: 值"),
                 lambda e: e.set(("risks", 0, "grade"), "★★★"),
                 lambda e: e.set(("name",), "办公室二"))
    assert "    title: '它''s'\n" in new
    assert '    description: "新: 值"\n' in new
    assert "    grade: ★★★          # 申报\n" in new
    assert "name: 办公室二          # 对齐的注释\n" in new
    assert new.count("\n") == DOC.count("\n")


def test_a_text_of_several_lines_is_a_literal_block_and_a_block_may_become_one_line():
    new = edited(DOC, lambda e: e.set(("risks", 0, "title"), "甲\n乙"),
                 lambda e: e.set(("risks", 1, "description"), "一行"))
    assert "    title: |-\n      甲\n      乙\n    description: \"双引号\"" in new
    assert "    description: |-   # 块注释\n      一行\n    posts:" in new


def test_keys_are_inserted_after_the_keys_before_them():
    new = edited(DOC, lambda e: e.set(("risks", 1, "grade"), "中", after=("id", "title", "description", "posts")))
    assert "      - a\n    grade: 中\n    measures: []" in new


def test_items_are_appended_with_the_lists_spacing_and_deleted_with_their_comments():
    item = {"id": "R3", "title": "新", "description": "描述", "posts": ["a"], "measures": [
        {"id": "M1", "text": "措施", "stage": "前期预防", "owner": None}]}
    new = edited(DOC, lambda e: e.append(("risks",), item, comment="# 来源:新表"),
                 lambda e: e.delete(("risks", 0)))
    assert "旧表" not in new and "R1" not in new
    assert new.startswith("# 部门文件\nid: bgs\nname: 办公室            # 对齐的注释\nrisks:\n  - id: R2\n")
    assert "    measures: []\n\n  # 来源:新表\n  - id: R3\n    title: 新\n" in new
    assert "      - id: M1\n        text: 措施\n        stage: 前期预防\nwarnings: []\n" in new


def test_an_empty_flow_list_becomes_a_block_list_and_a_flow_list_is_rewritten():
    new = edited(DOC, lambda e: e.append(("risks", 1, "measures"), {"id": "M1", "text": "新", "stage": "前期预防",
                                                                       "owner": "bgs"}),
                 lambda e: e.set(("risks", 0, "posts"), ["c"]), lambda e: e.set(("risks", 1, "posts"), ["a", "d"]))
    assert "    measures:\n      - id: M1\n        text: 新\n" in new
    assert "    posts: [c]\n" in new
    assert "    posts:\n      - a\n      - d\n" in new


def test_crlf_and_the_last_line_without_a_line_break():
    text = DOC.replace("\n", "\r\n").rstrip("\r\n")
    new = edited(text, lambda e: e.set(("risks", 0, "title"), "甲\n乙"),
                 lambda e: e.append(("warnings",), {"id": "W1", "risk": "R1"}))
    assert "\n" not in new.replace("\r\n", "")
    assert load_text(new, "t.yaml").data["risks"][0]["title"] == "甲\n乙"


def test_what_cannot_be_placed_is_refused():
    flow = "risks:\n  - {id: R1, title: 甲}\n"
    with pytest.raises(WriteError):
        FileEdit(flow, "t.yaml").set(("risks", 0, "grade"), "中")
    anchored = "a: &x 值\nb: *x\n"
    with pytest.raises(WriteError):
        FileEdit(anchored, "t.yaml").set(("b",), "新")


def test_the_result_is_checked_against_the_edits():
    edit = FileEdit(DOC, "t.yaml")
    edit.set(("risks", 0, "title"), "甲")
    edit.expected["risks"][0]["title"] = "乙"  # what the text does not say
    with pytest.raises(WriteError):
        edit.result()


def test_scalar_and_block_writers():
    assert scalar("2025-01-01") == "2025-01-01"
    assert scalar("true") == '"true"' and scalar("3") == '"3"' and scalar("a: b") == '"a: b"'
    assert scalar("a,b", flow=True) == '"a,b"'
    assert block_scalar(" 缩进\n二", 4) == "|2-\n     缩进\n    二"
    assert block_scalar("末尾\n", 2) == "|\n  末尾"


def test_locate_gives_the_span_of_every_node():
    nodes = locate(DOC)
    title = nodes[("risks", 0, "title")]
    assert DOC[title.start:title.end] == "'单引号'"
    block = nodes[("risks", 1, "description")]
    assert DOC[block.start:block.end] == "|-   # 块注释\n      第一行\n      第二行"
    assert DOC[nodes[("risks",)].start] == "-"


def test_a_key_without_a_value_gets_one_after_its_colon():
    text = "a:\nb:   # 注释\nc: 1\n"
    new = edited(text, lambda e: e.set(("a",), "甲"), lambda e: e.set(("b",), "乙\n丙"))
    assert new == "a: 甲\nb: |-   # 注释\n  乙\n  丙\nc: 1\n"
