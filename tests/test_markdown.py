"""Register text in Markdown outputs is shown literally: it opens no block, link, HTML or mention."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from lianzheng_cli.outputs.markdown import md_cell, md_code, md_text

HOSTILE = [
    "</details>", "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "@org/team 请看", "@someone",
    "修复 #123", "[点我](javascript:alert(1))", "![图](http://x/y.png)", "第一行\n# 标题", "# 标题", "- 列表项",
    "+ 列表项", "1. 第一", "12) 第十二", "> 引用", "---", "a | b | c", "**粗体**", "`代码`", "&lt;b&gt;", "<!-- 注释 -->",
    "<details><summary>x</summary>", "\r\n## 二级标题", "<https://example.org>", "行尾两个空格  \n下一行",
]
BLOCKS = {"heading_open", "bullet_list_open", "ordered_list_open", "blockquote_open", "html_block", "hr",
          "table_open", "fence", "code_block"}
INLINE = {"link_open", "image", "code_inline", "strong_open", "em_open", "html_inline"}

parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def tokens(markdown: str):
    for token in parser.parse(markdown):
        yield token
        yield from token.children or ()


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_one_paragraph_of_text(text):
    rendered = md_text(text)
    found = list(tokens(rendered))
    assert {t.type for t in found} & BLOCKS == set(), rendered
    # the only HTML is the <br> lz itself puts for a newline
    html = [t.content for t in found if t.type == "html_inline"]
    assert all(h == "<br>" for h in html), rendered
    assert {t.type for t in found} & (INLINE - {"html_inline"}) == set(), rendered
    shown = "".join(t.content for t in found if t.type == "text")
    assert "@" not in shown.replace("@\u200b", ""), "a mention would notify someone"
    assert not any(c.isdigit() for c in shown.split("#")[1][:1]) if "#" in shown else True


@pytest.mark.parametrize("text", HOSTILE)
def test_inside_a_list_item_and_a_table_cell_nothing_breaks_out(text):
    item = parser.parse(f"- 风险点:{md_text(text)}\n- 下一项\n")
    assert sum(t.type == "list_item_open" for t in item) == 2
    assert not {t.type for t in item} & {"heading_open", "html_block", "blockquote_open"}
    table = parser.parse(f"| 编号 | 风险点 |\n|---|---|\n| R1 | {md_cell(text)} |\n")
    cells = [t for t in table if t.type in ("td_open", "th_open")]
    assert len(cells) == 4, text  # the row still has its two cells
    contents = [t.content for t in table if t.type == "inline"]
    # (the table parser drops the backslash before an escaped pipe)
    assert contents[-1] == md_cell(text).replace("\\|", "|"), text  # the whole text stays in its own cell


def test_plain_text_is_unchanged_and_the_fast_path_agrees():
    for text in ("初审把关不严", "A1-3", "3.5万元", "第3、4条", "材料“齐全”"):
        assert md_text(text) == text
    assert md_text(None) == ""



def _md_text_line_by_line(value) -> str:
    """md_text as it was first written (each line on its own; mentions escaped first since the fuzzer found "@_"):
    the whole-text version must agree with it."""
    import re

    inline = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|&"})
    line_start = re.compile(r"^\s*(?:#{1,6}|\++|-+|\d{1,9}[.)])(?=\s|$)")
    mention = re.compile(r"(?<!\w)([@#])(?=[\w\-/])")

    def line(text: str) -> str:
        text = mention.sub(lambda m: m.group(1) + "\u200b", text)  # first: "@_" must not hide behind "@\_"
        text = text.translate(inline)
        start = line_start.match(text)
        if start:
            end = start.end() - 1
            text = text[:end] + "\\" + text[end:]
        return text

    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return "<br>".join(line(part) for part in text.split("\n"))


def test_whole_text_escaping_agrees_with_escaping_line_by_line():
    import random

    pieces = [*"ab 中文\\`*_[]<>|&@#\r\n+-1234567890.)/\t\u3000\x0b\x0c\x85\u2028", "##", "- ", "1. ", "\n\n", "@x",
              "#1", "12)", "\n  + "]
    rnd = random.Random(15)
    texts = [*HOSTILE, "1.【前期预防】审核\n2.【中期监控】- 复核 @组", None, 3]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(20000)]
    for text in texts:
        assert md_text(text) == _md_text_line_by_line(text), repr(text)


def test_code_spans_cannot_be_closed_from_inside():
    assert md_code("R1`<b>") == "`R1'<b>`"


# --- the diff's pull-request comment ------------------------------------------------------------------

HOSTILE_TITLE = "泄露信息</details>\n# 伪造标题 @org/team #12 [x](javascript:alert(1)) <img src=x onerror=alert(1)>"


def test_a_hostile_risk_title_cannot_break_out_of_the_diff_comment(tmp_path):
    from conftest import INSPECTION, LEADERSHIP, OFFICE, write_register
    from lianzheng_cli.diff import diff_registers
    from lianzheng_cli.outputs.diff_text import render_markdown
    from lianzheng_cli.validate.register import validate

    old = validate(write_register(tmp_path / "old")).register
    assert "title: 初审把关不严" in OFFICE
    hostile = OFFICE.replace("title: 初审把关不严", "title: " + json_quote(HOSTILE_TITLE), 1)
    departments = {"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": hostile}
    new = validate(write_register(tmp_path / "new", departments=departments)).register
    assert old is not None and new is not None
    comment = render_markdown(diff_registers(old, new))
    found = list(tokens(comment))
    assert [t.tag for t in found if t.type == "heading_open"] == ["h3"]  # only lz's own heading
    html = [t.content.strip() for t in found if t.type in ("html_block", "html_inline")]
    assert sum(h.startswith("<details>") for h in html) == html.count("</details>") == 1, html
    assert set(html) - {"<br>", "</details>"} == {html[0]}  # lz's own <details><summary> and nothing else
    assert not [t for t in found if t.type in ("link_open", "image")]
    assert "@org" not in comment and "#12" not in comment


def json_quote(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)
