"""The directories beside the 一览表: 职权目录 (powers) and 岗位风险等级目录 (posts and the people in them).

职权目录: ``√``/``是`` in 三重一大 is a 三重一大 matter, ``对外`` is 外部, each ``《…》`` of the basis one item;
a category outside the vocabulary goes through ``words.CATEGORY_MAP`` or is reported and written as 其他.
岗位目录: its posts with their people and duties; its summary columns (风险点, 风险等级, 风险点数) are not risks.
"""

from __future__ import annotations

import re
from datetime import date

from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.importing.draft import DraftDepartment, DraftPerson, DraftPower
from lianzheng_cli.importing.grid import Place
from lianzheng_cli.importing.headers import FIELDS
from lianzheng_cli.importing.ids import code_id
from lianzheng_cli.importing.problems import Problems
from lianzheng_cli.importing.rows import Row
from lianzheng_cli.importing.tables import Table
from lianzheng_cli.importing.text import clean_name, clean_text, fold_punct, is_nothing, split_names
from lianzheng_cli.importing.words import EXTERNAL_CATEGORIES, category, scope, yes

tr = messages({
    "catalogs.no_name": {
        "zh": "该行有{fields}，但没有{name}，未导入",
        "en": "the row has {fields} but no {name}; not imported",
    },
    "catalogs.unknown_category": {
        "zh": "职权类别「{value}」不在词表中，写为「其他」（可在 docs/import.md 的对照表中查看可识别的写法）",
        "en": "power category “{value}” is not in the vocabulary; written as 其他 (docs/import.md lists the "
              "spellings understood)",
    },
    "catalogs.no_category": {
        "zh": "职权没有职权类别，写为「其他」",
        "en": "the power has no category; written as 其他",
    },
    "catalogs.no_scope": {
        "zh": "职权没有写明对内或对外，按职权类别「{category}」写为「{scope}」",
        "en": "the power does not say 对内 or 对外; written as {scope} from its category {category}",
    },
    "catalogs.bad_value": {
        "zh": "{field}「{value}」无法识别，未导入",
        "en": "{field} “{value}” is not understood; not imported",
    },
    "catalogs.bad_code": {
        "zh": "职权编码「{code}」不能作为编号，已改为「{id}」",
        "en": "power code “{code}” is no valid id; it became “{id}”",
    },
})

# The 权力和责任清单's texts of a power (format 1.1), in the order the format writes them.
POWER_DETAILS = ("conditions", "procedure", "time_limit", "accountability", "supervision", "disclosure")

_BASIS_ITEM = re.compile(r"《[^》]+》")
_DATE = re.compile(r"^((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})(?:\s*[-./月]\s*(\d{1,2}))?")


def read_power(row: Row, table: Table, department: DraftDepartment, problems: Problems) -> DraftPower | None:
    values = row.values
    name = clean_name(values.get("power", ""))
    if not name:
        _no_name(row, table, problems, "power")
        return None
    power = DraftPower(name, row.place(table, "power"))
    if "power_code" in values:
        code, problem = code_id(values["power_code"])
        if problem:
            problems.at("LZ631", row.place(table, "power_code"),
                        tr("catalogs.bad_code", code=clean_name(values["power_code"]), id=code or "—"))
        power.code = code
    written = clean_name(values.get("category", ""))
    if written:
        power.category, known = category(written)
        if not known:
            problems.at("LZ641", row.place(table, "category"), tr("catalogs.unknown_category", value=written))
    else:
        problems.at("LZ641", power.place, tr("catalogs.no_category"))
    found = scope(values.get("scope", ""))
    if found is None:
        found = "外部" if power.category in EXTERNAL_CATEGORIES else "内部"
        problems.at("LZ642", row.place(table, "scope") if table.column_of("scope") else power.place,
                    tr("catalogs.no_scope", category=power.category, scope=found))
    power.scope = found
    if "sanzhong" in values:
        flag = yes(values["sanzhong"])
        if flag is None:
            problems.at("LZ653", row.place(table, "sanzhong"),
                        tr("catalogs.bad_value", field=FIELDS["sanzhong"], value=clean_name(values["sanzhong"])))
        power.sanzhong_yida = bool(flag)
    power.basis = basis_items(values.get("basis", ""))
    power.process_name = clean_name(values.get("process", "")) or None
    power.holder_names = split_names(values.get("holders", ""))
    content = clean_text(values.get("content", ""))
    power.content = content or None
    for key in POWER_DETAILS:
        text = clean_text(values.get(key, ""))
        if text and not is_nothing(text):
            power.details[key] = text
    same = next((p for p in department.powers if p.name == power.name and p.code == power.code), None)
    if same is not None:  # the same power in a second catalogue (职权目录 and 权力和责任清单, as lz renders 1.1)
        _merge_power(same, power)
        return same
    department.powers.append(power)
    return power


def _merge_power(kept: DraftPower, other: DraftPower) -> None:
    """What ``other`` says that ``kept`` does not."""
    kept.basis = kept.basis or other.basis
    kept.process_name = kept.process_name or other.process_name
    kept.holder_names = list(dict.fromkeys([*kept.holder_names, *other.holder_names]))
    kept.content = kept.content or other.content
    kept.details = {**other.details, **kept.details}
    kept.sanzhong_yida = kept.sanzhong_yida or other.sanzhong_yida


def basis_items(text: str) -> list[str]:
    """Each ``《…》`` one item; without any, each line one item."""
    text = clean_text(text)
    if is_nothing(text):
        return []
    items = _BASIS_ITEM.findall(text)
    if items:
        return list(dict.fromkeys(clean_name(item) for item in items))
    return [line.strip() for line in text.split("\n") if line.strip()]


def read_post(row: Row, table: Table, department: DraftDepartment, problems: Problems) -> None:
    values = row.values
    names = split_names(values.get("posts", ""))
    if not names:
        _no_name(row, table, problems, "posts")
        return
    since = _since(row, table, problems)
    for name in names:
        post = department.post(name, row.place(table, "posts"))
        duties = clean_text(values.get("duties", ""))
        if duties and not post.duties:
            post.duties = duties
        for person in split_names(values.get("people", "")):
            if not any(p.name == person and p.post is post for p in department.people):
                department.people.append(DraftPerson(person, post, row.place(table, "people"), since))


def _since(row: Row, table: Table, problems: Problems) -> date | None:
    written = clean_name(row.values.get("since", ""))
    if not written:
        return None
    found = _DATE.match(fold_punct(written))
    if found:
        try:
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3) or 1))
        except ValueError:
            pass
    problems.at("LZ653", row.place(table, "since"), tr("catalogs.bad_value", field=FIELDS["since"], value=written))
    return None


def _no_name(row: Row, table: Table, problems: Problems, name_field: str) -> None:
    present = [f for f in row.values if f not in ("department", "seq")]
    if present:
        first = min(row.cols[f] for f in present)
        problems.at("LZ610", Place(table.file, table.sheet, row.number, first), tr(
            "catalogs.no_name", fields=join_list([FIELDS[f] for f in present]), name=FIELDS[name_field]))
