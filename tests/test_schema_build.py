"""Format 1.1: the schemas generated from one definition, a register's own vocabulary, lz schema, LZ026/LZ027, and
check-jsonschema judging a register as lz does."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, run
from lianzheng_cli.validate.register import validate
from lianzheng_cli.validate.schema_build import SCHEMA_FILES, build_schema, schema_files, schema_text
from lianzheng_cli.vocab import BUILTIN, ENUMS, Vocabulary

FORMAT_11 = Path(__file__).parent / "fixtures" / "format-1.1"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


@pytest.fixture
def register_11(tmp_path: Path) -> Path:
    """A copy of the 1.1 demonstration register with its schemas/ beside it, as lz init lays it out."""
    shutil.copytree(FORMAT_11, tmp_path / "repo", ignore=shutil.ignore_patterns(".lz-cache"))
    return tmp_path / "repo" / "registers"


def findings(root: Path) -> list[tuple]:
    return [(d.code, d.file, d.line, d.column) for d in validate(root, use_cache=False).diagnostics]


def set_org(root: Path, old: str, new: str) -> None:
    org = root / "org.yaml"
    text = org.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    org.write_text(text.replace(old, new), encoding="utf-8")


# --- generated, one definition ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["org", "department", "approvals", "assessments"])
def test_the_shipped_schemas_are_the_generated_built_in_ones(kind):
    # `make` nothing by hand: regenerate with `lz schema --kind KIND` and commit the result
    assert (REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8") == schema_text(kind)


@pytest.mark.parametrize("kind", ["org", "department", "approvals", "assessments"])
def test_every_property_has_its_own_title_and_description(kind):
    """Nothing hides behind a $ref: an editor's hover names the field under the cursor."""
    schema = build_schema(kind)
    jsonschema.Draft7Validator.check_schema(schema)
    missing = []

    def walk(node: dict, where: str) -> None:
        for key, child in (node.get("properties") or {}).items():
            if not (child.get("title") and child.get("description")):
                missing.append(f"{where}.{key}")
            if "$ref" in child or any("$ref" in part for part in child.get("allOf", ())):
                missing.append(f"{where}.{key} ($ref)")
            walk(child, f"{where}.{key}")
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                walk(node[key], where)

    walk(schema, kind)
    for name, definition in schema.get("definitions", {}).items():
        walk(definition, name)
    assert missing == []


def test_likelihood_and_impact_hover_as_themselves():
    risk = build_schema("department")["definitions"]["risk"]["properties"]
    assert (risk["likelihood"]["title"], risk["impact"]["title"]) == ("发生概率", "危害程度")
    assert risk["residual"]["properties"]["impact"]["title"] == "剩余危害程度"


def test_the_built_in_vocabularies_grew():
    enum = build_schema("department")["definitions"]
    assert {"机制", "惩处", "流程"} <= set(enum["measure"]["properties"]["kind"]["enum"])
    assert "队伍管理" in enum["power"]["properties"]["category"]["enum"]
    assert {"效能监察", "社会反映", "網絡輿情"} <= set(enum["warning"]["properties"]["source"]["enum"])
    assert {"警示提醒", "问责", "誡勉糾錯"} <= set(enum["warning"]["properties"]["action"]["enum"])
    roles = build_schema("org")["properties"]["monitoring"]["properties"]["高"]["items"]["enum"]
    assert {"领导班子", "党组织"} <= set(roles)
    # every spelling lz reads is one the schema accepts
    assert set(enum["measure"]["properties"]["stage"]["enum"]) == {s for w, o in ENUMS["stage"].items() for s in (w, *o)}


def test_a_registers_vocabulary_is_in_its_own_schema_only():
    vocabulary = Vocabulary.from_org({"vocabulary": {"add": {"risk_type": ["权力运行"]},
                                                     "aliases": {"warning_action": {"诫免谈话": "诫勉谈话"}}}})
    own = build_schema("department", vocabulary)["definitions"]
    assert "权力运行" in own["risk"]["properties"]["type"]["enum"]
    assert "权力运行为本登记簿增补" in own["risk"]["properties"]["type"]["description"].replace(" ", "")
    assert "诫免谈话" in own["warning"]["properties"]["action"]["enum"]
    assert "权力运行" not in build_schema("department")["definitions"]["risk"]["properties"]["type"]["enum"]
    assert schema_files(vocabulary) != schema_files(BUILTIN)


# --- lz schema ---------------------------------------------------------------------------------------------------


def test_lz_schema_prints_and_writes_the_registers_own_schemas(runner, register_11):
    schemas = register_11.parent / "schemas"
    shutil.rmtree(schemas)
    printed = run(runner, "schema", "-r", str(register_11), "--kind", "org")
    assert printed.exit_code == 0
    assert "上级纪检监察组" in json.loads(printed.stdout)["properties"]["monitoring"]["properties"]["低"]["items"]["enum"]
    written = run(runner, "schema", "--write", "-r", str(register_11))
    assert written.exit_code == 0, written.output
    assert written.stdout.count("已写入") == len(SCHEMA_FILES)
    assert (schemas / "org.schema.json").read_text(encoding="utf-8") == printed.stdout
    again = run(runner, "schema", "--write", "-r", str(register_11))
    assert again.stdout.count("已是最新") == len(SCHEMA_FILES)


def test_lz_schema_refuses_an_org_yaml_with_errors(runner, register_11):
    set_org(register_11, "    risk_type: [权力运行]\n", "    risk_type: [权力运行, 思想道德]\n")
    before = (register_11.parent / "schemas" / "org.schema.json").read_bytes()
    result = run(runner, "schema", "--write", "-r", str(register_11))
    assert result.exit_code == 1
    assert "org.yaml:35:23: LZ027" in result.stderr
    assert (register_11.parent / "schemas" / "org.schema.json").read_bytes() == before


def test_lz_schema_is_in_the_help(runner):
    result = run(runner, "--help")
    assert "schema" in result.stdout and "JSON Schema" in result.stdout


def test_lz_init_writes_the_generated_schemas(tmp_path, runner):
    assert run(runner, "init", str(tmp_path / "new")).exit_code == 0
    for name, text in schema_files().items():
        assert (tmp_path / "new" / "schemas" / name).read_text(encoding="utf-8") == text
    assert findings(tmp_path / "new" / "registers") == []


# --- LZ026: the schemas/ copy lags the register; LZ027: vocabulary entries ---------------------------------------


def test_a_stale_schema_copy_is_a_warning_at_org_yaml(runner, register_11):
    assert findings(register_11) == []
    set_org(register_11, "    risk_type: [权力运行]\n", "    risk_type: [权力运行, 权力监督]\n")
    assert findings(register_11) == [("LZ026", "org.yaml", 1, 1), ("LZ026", "org.yaml", 1, 1)]
    result = run(runner, "validate", "-r", str(register_11))
    assert result.exit_code == 0  # a warning
    assert "schemas/org.schema.json" in result.stdout and "lz schema --write" in result.stdout
    run(runner, "schema", "--write", "-r", str(register_11))
    assert findings(register_11) == []


def test_a_missing_schema_file_is_told_and_no_folder_is_no_warning(register_11):
    (register_11.parent / "schemas" / "department.schema.json").unlink()
    assert findings(register_11) == [("LZ026", "org.yaml", 1, 1)]
    shutil.rmtree(register_11.parent / "schemas")
    assert findings(register_11) == []


def test_the_example_register_keeps_the_shipped_schemas_current():
    # The repository's own registers/ sits beside the shipped schemas/: it uses only built-in words.
    assert [d for d in validate(REPO / "registers", use_cache=False).diagnostics if d.code == "LZ026"] == []


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("    risk_type: [权力运行]\n", "    risk_type: [权力运行, 权力运行]\n", ("LZ027", 35, 23)),   # added twice
    ("    risk_type: [权力运行]\n", "    risk_type: [崗位職責]\n", ("LZ027", 35, 17)),   # a built-in spelling
    ("    risk_type: {机制制度: 制度机制}\n", "    risk_type: {机制制度: 制度机子}\n", ("LZ027", 38, 23)),  # no word
    ("    risk_type: {机制制度: 制度机制}\n", "    risk_type: {业务流程: 制度机制}\n", ("LZ027", 38, 17)),  # a word
    ("    risk_type: {机制制度: 制度机制}\n", "    stage: {中期: 中期监控}\n    scope: {对外: 外部}\n", ("LZ010", 39, 5)),
    ("  add:\n", "  add:\n    stage: [中间]\n", ("LZ010", 35, 5)),   # stage takes aliases only
])
def test_wrong_vocabulary_entries_are_errors_in_org_yaml(register_11, old, new, expected):
    set_org(register_11, old, new)
    code, line, column = expected
    # (departments using a word the entry broke are told too, and the schemas/ copy lags: a warning)
    errors = [f for f in findings(register_11) if f[1] == "org.yaml" and f[0] != "LZ026"]
    assert errors == [(code, "org.yaml", line, column)]


def test_an_alias_and_an_added_word_are_read_as_their_words(register_11):
    register = validate(register_11, use_cache=False).register
    assert register is not None
    assert register.risks["bgs-R01"].type == "制度机制"  # written 机制制度, an alias
    assert register.risks["dzb-R01"].type == "权力运行"  # an added word
    assert register.departments[0].id == "bgs"


def test_a_department_word_the_register_did_not_add_is_an_error_located(register_11):
    path = register_11 / "departments" / "dzb.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("type: 权力运行", "type: 权力滥用"), encoding="utf-8")
    assert findings(register_11) == [("LZ013", "departments/dzb.yaml", 27, 11)]


def test_ids_may_hold_parentheses(register_11):
    register = validate(register_11, use_cache=False).register
    assert register is not None and "ldbz-R(1)" in register.risks and "W2025-(1)" in register.warnings
    path = register_11 / "departments" / "jjz.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: jjz-zuzhang", "id: (jjz)-zuzhang", 1),
                    encoding="utf-8")
    assert ("LZ015", "departments/jjz.yaml", 13, 10) in findings(register_11)


# --- editors and check-jsonschema accept exactly what lz accepts ----------------------------------------------


def check_jsonschema(schema: Path, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(schema), *map(str, files)],
                          capture_output=True, text=True)


@pytest.mark.slow
def test_check_jsonschema_accepts_an_added_word_and_rejects_one_not_added(register_11):
    schemas = register_11.parent / "schemas"
    departments = sorted((register_11 / "departments").glob("*.yaml"))
    assert check_jsonschema(schemas / "org.schema.json", register_11 / "org.yaml").returncode == 0
    assert check_jsonschema(schemas / "department.schema.json", *departments).returncode == 0
    assert findings(register_11) == []
    # the built-in schema refuses the register's own words, as an editor without `lz schema --write` would
    assert check_jsonschema(REPO / "schemas" / "department.schema.json",
                            register_11 / "departments" / "dzb.yaml").returncode == 1
    # a word the register did not add: both refuse it
    path = register_11 / "departments" / "dzb.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("type: 权力运行", "type: 权力滥用"), encoding="utf-8")
    assert check_jsonschema(schemas / "department.schema.json", path).returncode == 1
    assert findings(register_11) == [("LZ013", "departments/dzb.yaml", 27, 11)]
    # an org.yaml vocabulary mistake: both refuse it
    set_org(register_11, "    risk_type: {机制制度: 制度机制}\n", "    risk_type: {机制制度: 制度机子}\n")
    assert check_jsonschema(schemas / "org.schema.json", register_11 / "org.yaml").returncode == 1
    assert ("LZ027", "org.yaml", 38, 23) in findings(register_11)


@pytest.mark.slow
def test_check_jsonschema_and_lz_agree_on_a_risk_with_no_subject(register_11):
    schemas = register_11.parent / "schemas"
    path = register_11 / "departments" / "bgs.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    applies_to: 部门\n", "    applies_to: 岗位\n"),
                    encoding="utf-8")
    assert check_jsonschema(schemas / "department.schema.json", path).returncode == 1
    assert findings(register_11) == [("LZ011", "departments/bgs.yaml", 16, 5)]


def test_the_cache_never_serves_a_file_checked_under_another_vocabulary(register_11):
    assert validate(register_11).errors == 0  # departments cached as valid under the register's vocabulary
    set_org(register_11, "    risk_type: [权力运行]\n", "    risk_type: [权力监督]\n")
    found = [(d.code, d.file) for d in validate(register_11).diagnostics if d.code != "LZ026"]
    assert found == [("LZ013", "departments/dzb.yaml"), ("LZ013", "departments/ldbz.yaml")]
