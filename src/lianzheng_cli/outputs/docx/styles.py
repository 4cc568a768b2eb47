"""The styles and fonts of the 公文 layout (GB/T 9704), as the docx builder sets them up.

Every style names its Chinese font as the East Asian font (``w:eastAsia``) and
Times New Roman for Latin letters and digits; ``w:hint="eastAsia"`` makes
characters both scripts share (quotes, dashes, ·) take the Chinese font.
Style ids are ASCII (``GwBody`` …); their names are what Word and WPS show.
"""

from __future__ import annotations

import re

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
TABLE_FONT = "仿宋_GB2312"
HEADER_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = 16.0  # 3号
TITLE_SIZE = 22.0  # 2号
LINE = 28.0  # points: the fixed line of the body

# (id, name, East Asian font, size, bold, centred, first-line indent in characters, line (pt, exact) or None
#  for single, space after (pt), outline level or None)
STYLES = (
    ("GwTitle", "公文标题", TITLE_FONT, TITLE_SIZE, False, True, 0, 35.0, 28.0, None),
    ("GwSubtitle", "公文副标题", HEADING2_FONT, BODY_SIZE, False, True, 0, LINE, 14.0, None),
    ("GwHeading1", "公文一级标题", HEADING1_FONT, BODY_SIZE, False, False, 2, LINE, 0.0, 0),
    ("GwHeading2", "公文二级标题", HEADING2_FONT, BODY_SIZE, False, False, 2, LINE, 0.0, 1),
    ("GwHeading3", "公文三级标题", BODY_FONT, BODY_SIZE, True, False, 2, LINE, 0.0, 2),
    ("GwBody", "公文正文", BODY_FONT, BODY_SIZE, False, False, 2, LINE, 0.0, None),
    ("GwBodyFlush", "公文正文（顶格）", BODY_FONT, BODY_SIZE, False, False, 0, LINE, 0.0, None),
    ("GwTable", "表格文字", TABLE_FONT, 10.5, False, False, 0, None, 0.0, None),
    ("GwPageNumber", "页码", PAGE_NUMBER_FONT, 14.0, False, False, 0, None, 0.0, None),
)

STYLE_FONTS = {style[0]: style[2] for style in STYLES}  # each style's East Asian font, repeated on its runs

# What Word and WPS use when a machine lacks the GB font (w:altName), with the GB2312 character set (86).
_FONTS = (
    (BODY_FONT, "仿宋", "modern"), ("仿宋", "FangSong", "modern"), (HEADING2_FONT, "楷体", "script"),
    ("楷体", "KaiTi", "script"), (TITLE_FONT, "宋体", "roman"), (HEADING1_FONT, "SimHei", "modern"),
    (PAGE_NUMBER_FONT, "SimSun", "auto"),
)
FONT_TABLE_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    f'<w:fonts {nsdecls("w")}>'
    + "".join(f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
              f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>' for name, alt, family in _FONTS)
    + f'<w:font w:name="{LATIN_FONT}"><w:charset w:val="00"/><w:family w:val="roman"/>'
      '<w:pitch w:val="variable"/></w:font></w:fonts>'
)


def font_xml(east_asia: str, latin: str = LATIN_FONT) -> str:
    """``w:rFonts`` naming ``east_asia`` for Chinese and ``latin`` for Latin letters and digits."""
    return (f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" w:cs="{latin}" '
            'w:hint="eastAsia"/>')


def element(xml: str):
    """An element from ``<w:tag …>`` text, with the w: namespace declared on it."""
    end = re.search(r"[\s/>]", xml[1:])
    at = end.start() + 1 if end else len(xml)
    return parse_xml(f'{xml[:at]} {nsdecls("w")}{xml[at:]}')


def add_styles(document) -> None:
    """The document defaults and the 公文 styles (Normal becomes the body style)."""
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    theme_fonts = rpr.find(qn("w:rFonts"))  # theme fonts would win over any named font
    if theme_fonts is not None:
        rpr.replace(theme_fonts, element(font_xml(BODY_FONT)))
    else:
        rpr.insert(0, element(font_xml(BODY_FONT)))
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        spacing.getparent().replace(spacing, element('<w:spacing w:after="0"/>'))
    normal = styles["Normal"]
    _shape(normal, BODY_FONT, BODY_SIZE, bold=False, centred=False, indent=2, line=LINE, after=0.0, outline=None)
    for style_id, name, font, size, bold, centred, indent, line, after, outline in STYLES:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = style_id
        style.base_style = normal
        style.quick_style = True
        _shape(style, font, size, bold=bold, centred=centred, indent=indent, line=line, after=after, outline=outline)


def _shape(style, font: str, size: float, *, bold: bool, centred: bool, indent: int, line: float | None,
           after: float, outline: int | None) -> None:
    """Give ``style`` its run and paragraph properties, each list in the order the schema wants."""
    style_element = style.element
    rpr = style_element.get_or_add_rPr()
    for old in list(rpr):
        rpr.remove(old)
    half = round(size * 2)
    run = [font_xml(font), *(("<w:b/>", "<w:bCs/>") if bold else ("<w:b w:val=\"0\"/>", "<w:bCs w:val=\"0\"/>")),
           f'<w:sz w:val="{half}"/>', f'<w:szCs w:val="{half}"/>']
    for xml in run:
        rpr.append(element(xml))
    ppr = style_element.get_or_add_pPr()
    for old in list(ppr):
        ppr.remove(old)
    after_twips = round(after * 20)
    if line is None:
        spacing = f'<w:spacing w:before="0" w:after="{after_twips}" w:line="240" w:lineRule="auto"/>'
    else:
        spacing = f'<w:spacing w:before="0" w:after="{after_twips}" w:line="{round(line * 20)}" w:lineRule="exact"/>'
    para = ["<w:keepNext/>"] if outline is not None else []
    para += ["<w:widowControl/>", spacing,
             f'<w:ind w:firstLineChars="{indent * 100}" w:firstLine="{round(indent * size * 20)}"/>',
             f'<w:jc w:val="{"center" if centred else "both"}"/>']
    if outline is not None:
        para.append(f'<w:outlineLvl w:val="{outline}"/>')
    for xml in para:
        ppr.append(element(xml))
