"""The loader: YAML 1.2 values, safety bounds and encodings, each finding located."""

from __future__ import annotations

import pytest

from lianzheng_cli.load.parse import load, positions_of, resolve_plain


def findings(raw: bytes) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in load(raw, "x.yaml").diagnostics]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("no", "no"), ("yes", "yes"), ("off", "off"), ("true", True), ("False", False),
        ("010", 10), ("0o10", 8), ("0x1F", 31), ("1:30", "1:30"), ("2025-03-01", "2025-03-01"),
        ("1.5", 1.5), ("~", None), ("null", None), ("", None), ("-7", -7), ("高", "高"), ("1_000", "1_000"),
    ],
)
def test_plain_scalars_follow_yaml_1_2_core_schema(text, value):
    assert resolve_plain(text) == value


def test_values_and_quoted_strings():
    loaded = load(b'a: "010"\nb: 010\nc: [x, {d: no}]\ne: \'true\'\n', "x.yaml")
    assert loaded.diagnostics == []
    assert loaded.data == {"a": "010", "b": 10, "c": ["x", {"d": "no"}], "e": "true"}


def test_python_tag_is_refused_and_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    raw = f"a: !!python/object/apply:os.system ['touch {marker}']\n".encode()
    assert findings(raw) == [("LZ004", 1, 4)]
    assert not marker.exists()


def test_unknown_local_tag_is_refused():
    assert findings(b"a:\n  b: !secret x\n") == [("LZ004", 2, 6)]


def test_duplicate_key_is_reported_at_the_second_naming_the_first():
    loaded = load("id: a\nname: 甲\nid: b\n".encode(), "x.yaml")
    [d] = loaded.diagnostics
    assert (d.code, d.line, d.column) == ("LZ003", 3, 1)
    assert "第1行" in d.message and "`id`" in d.message


def test_utf8_bom_is_read():
    assert load(b"\xef\xbb\xbfname: \xe7\x94\xb2\n", "x.yaml").data == {"name": "甲"}


def test_gb18030_file_is_named_as_such_at_the_first_bad_byte():
    raw = "schema_version: 1\nname: 测试局\n".encode("gb18030")
    [d] = load(raw, "x.yaml").diagnostics
    assert (d.code, d.line, d.column) == ("LZ002", 2, 7)
    assert "GB18030" in d.message and "UTF-8" in d.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_is_named_as_such(encoding):
    [d] = load("name: 测试\n".encode(encoding), "x.yaml").diagnostics
    assert d.code == "LZ002" and "UTF-16" in d.message


def test_billion_laughs_is_refused():
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    loaded = load("\n".join(lines).encode(), "x.yaml")
    assert loaded.data is None
    assert [d.code for d in loaded.diagnostics] == ["LZ005"]


def test_small_aliases_are_allowed():
    assert load(b"a: &x [1, 2]\nb: *x\n", "x.yaml").data == {"a": [1, 2], "b": [1, 2]}


def test_deep_nesting_is_refused_without_recursion_error():
    loaded = load(b"[" * 5000 + b"]" * 5000, "x.yaml")
    assert [(d.code, d.line) for d in loaded.diagnostics] == [("LZ005", 1)]


def test_yaml_1_1_directive_is_refused():
    assert findings(b"%YAML 1.1\n---\na: 1\n") == [("LZ006", 1, 1)]


def test_control_character_is_refused_at_its_position():
    assert findings("a: 1\nb: 甲\x07乙\n".encode()) == [("LZ006", 2, 5)]


@pytest.mark.parametrize("raw", [b"", b"   \n", b"# only a comment\n"])
def test_empty_file_is_an_error(raw):
    assert findings(raw) == [("LZ007", 1, 1)]


def test_second_document_is_refused():
    assert findings(b"a: 1\n---\nb: 2\n") == [("LZ008", 2, 1)]


def test_unclosed_quote_is_located_at_the_opening_quote():
    [d] = load(b'a: 1\nb: "open\nc: 2\n', "x.yaml").diagnostics
    assert (d.code, d.line, d.column) == ("LZ001", 2, 4)
    assert "引号" in d.message


def test_tab_indentation_is_named():
    [d] = load(b"a:\n\tb: 1\n", "x.yaml").diagnostics
    assert (d.code, d.line, d.column) == ("LZ001", 2, 1)
    assert "Tab" in d.message


def test_positions_of_keys_and_values():
    positions = positions_of("a: 1\nlist:\n  - id: x\n    posts: [p1, p2]\n")
    assert positions.find(("list", 0, "posts", 1)) == (4, 17)
    assert positions.find(("list", 0, "posts"), key=True) == (4, 5)
    assert positions.find(("list", 0, "missing")) == (3, 5)  # nearest existing parent


def test_a_tag_on_a_list_is_named_as_written():
    [d] = load(b"a: !!python/object/apply:os.system [ls]\n", "x.yaml").diagnostics
    assert (d.code, d.line, d.column) == ("LZ004", 1, 4)
    assert "`!!python/object/apply:os.system`" in d.message


# --- issue 14: nothing in a file escapes the loader as an internal error or lands outside the file ---------


@pytest.mark.parametrize("char", ["\x7f", "\x80", "\x84", "\x86", "\x9f", "\ufffe", "\uffff"])
@pytest.mark.parametrize("where", ["comment", "value"])
def test_characters_libyaml_refuses_are_lz006_at_their_place(char, where):
    text = ("schema_version: 1\nid: xfs\n# note" + char + "\nname: a\n" if where == "comment"
            else "schema_version: 1\nid: xfs\nname: 甲" + char + "乙\n")
    [d] = load(text.encode(), "x.yaml").diagnostics
    assert (d.code, d.line) == ("LZ006", 3)
    assert d.column == (7 if where == "comment" else 8)
    assert f"U+{ord(char):04X}" in d.message


def test_nel_is_read():
    assert load('a: "甲\x85乙"\n'.encode(), "x.yaml").diagnostics == []


@pytest.mark.parametrize(("raw", "where"), [
    (b"schema_version: 1\nid", (2, 1)),  # the key that has no colon, not line 3 of a 2-line file
    (b"schema_version: 1\nid: [a,", (2, 8)),
    (b"a: 1\nb: {c: 1", (2, 4)),
    (b'a: "x', (1, 4)),
])
def test_a_finding_at_the_end_of_an_unfinished_file_lies_inside_it(raw, where):
    [d] = load(raw, "x.yaml").diagnostics
    assert (d.code, (d.line, d.column)) == ("LZ001", where)
    lines = raw.decode().split("\n")
    assert d.line <= len(lines) and d.column <= len(lines[d.line - 1]) + 1
    assert not any(word in d.message for word in ("found", "expected", "while"))  # said in Chinese


def test_positions_are_counted_by_line_feeds_whatever_libyaml_counts():
    text = 'a: "甲\u2028乙"\nb:\n  - c: 1\n'
    positions = positions_of(text)
    assert positions.find(("b", 0, "c")) == (3, 8)
    text = 'a: "x\ry"\nb:\n  - c: 1\n'  # a lone carriage return: a line break to libyaml, not to git or an editor
    assert positions_of(text).find(("b", 0, "c")) == (3, 8)


def test_a_file_over_the_size_limit_is_refused_unread(monkeypatch):
    from lianzheng_cli.load import parse

    monkeypatch.setattr(parse, "MAX_FILE_BYTES", 100)
    [d] = load(b"a: " + b"x" * 200 + b"\n", "x.yaml").diagnostics
    assert d.code == "LZ005" and "MB" in d.message


SHAPES_CASES = [
    b'a: "010"\nb: 010\nc: [x, {d: no}]\ne: \'true\'\nf: !!str 7\ng: |\n  text\n',
    b"base: &b {x: 1}\nuse: *b\nlist: &l [1, 2]\nagain: *l\n",
    b"a: !!python/object/apply:os.system ['true']\n",
    b"a: 1\na: 2\n",
    b"a: [b\n",
    b"- {a: 1}\n- [2, {b: *nowhere}]\n",
    b"%YAML 1.1\n---\na: 1\n",
    b"a: 1\n---\nb: 2\n",
    b"? [a]\n: b\n",
]


@pytest.mark.parametrize("raw", SHAPES_CASES)
def test_the_parser_events_are_read_alike_whichever_way_they_are_made(monkeypatch, raw):
    """The C parser's events come as plain tuples while a file is walked; a PyYAML where that cannot be done has
    them reshaped one by one: the same values, findings, item and key positions either way, and PyYAML's own
    event classes are back in place after any parse."""
    import yaml._yaml
    import yaml.events

    from lianzheng_cli.load import parse

    def outcome():
        items: dict = {}
        loaded = load(raw, "x.yaml", items=items)
        table = positions_of(raw.decode())._table if loaded.data is not None else None
        return repr(loaded.data), [(d.code, d.line, d.column, d.message) for d in loaded.diagnostics], items, table

    assert parse._shapes_work()
    fast = outcome()
    assert yaml._yaml.ScalarEvent is yaml.events.ScalarEvent
    assert yaml._yaml.MappingEndEvent is yaml.events.MappingEndEvent
    monkeypatch.setattr(parse, "_shapes_work", lambda: False)
    assert outcome() == fast
