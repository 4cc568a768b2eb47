"""lz validate: schema and reference findings at exact file:line:col, formats and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INSPECTION, LEADERSHIP, OFFICE, ORG, REPO, run, write_register
from lianzheng_cli.validate.register import validate


def found(root: Path) -> list[tuple[str, str, int, int]]:
    return [(d.code, d.file, d.line, d.column) for d in validate(root).diagnostics]


def office(old: str, new: str) -> dict[str, str]:
    assert old in OFFICE, old
    return {"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": OFFICE.replace(old, new, 1)}


SPK = "departments/spk.yaml"


def test_small_register_is_clean(small_register):
    result = validate(small_register)
    assert result.diagnostics == []
    assert result.register is not None
    assert result.summary() == {"files": 4, "departments": 3, "risks": 1, "measures": 1, "errors": 0, "warnings": 0}


def test_typo_key_suggests_the_nearest_known_key(tmp_path):
    root = write_register(tmp_path, departments=office("    measures:", "    measure:"))
    [d] = validate(root).diagnostics
    assert (d.code, d.file, d.line, d.column, d.subject) == ("LZ010", SPK, 30, 5, "R1")
    assert "`measures`" in d.message


def test_wrong_type_is_located_at_the_value(tmp_path):
    root = write_register(tmp_path, departments=office("likelihood: 3", "likelihood: 高"))
    [d] = validate(root).diagnostics
    assert (d.code, d.line, d.column) == ("LZ012", 27, 17)
    assert "整数" in d.message


def test_yaml_no_is_text_not_a_boolean(tmp_path):
    root = write_register(tmp_path, departments=office("category: 行政审批,", "category: 行政审批, sanzhong_yida: no,"))
    [d] = validate(root).diagnostics
    assert (d.code, d.line, d.column) == ("LZ012", 12, 76)
    assert "true 或 false" in d.message


def test_slash_date_is_a_format_error(tmp_path):
    root = write_register(tmp_path, departments=office("since: 2024-03-01", "since: 2024/03/01"))
    [d] = validate(root).diagnostics
    assert (d.code, d.line, d.column, d.subject) == ("LZ014", 8, 53, "p-ke")
    assert "YYYY-MM-DD" in d.message


def test_missing_required_key_is_located_at_its_object(tmp_path):
    root = write_register(tmp_path, departments=office("    title: 初审把关不严\n", ""))
    [d] = validate(root).diagnostics
    assert (d.code, d.line, d.column) == ("LZ011", 20, 5)
    assert "`title`" in d.message


def test_bad_enum_lists_the_canonical_words(tmp_path):
    root = write_register(tmp_path, departments=office("type: 业务流程", "type: 流程风险"))
    [d] = validate(root).diagnostics
    assert (d.code, d.line, d.column) == ("LZ013", 23, 11)
    assert "业务流程" in d.message and "業務流程" not in d.message


def test_aliases_and_traditional_spellings_are_normalised(tmp_path):
    root = write_register(tmp_path, departments=office("type: 业务流程", "type: 業務流程").__or__(
        {"spk": office("type: 业务流程", "type: 業務流程")["spk"].replace("grade: 中", "grade: ★★")}))
    result = validate(root)
    assert result.diagnostics == []
    risk = result.register.risks["R1"]
    assert (risk.type, risk.declared, risk.declared_text) == ("业务流程", "中", "★★")


@pytest.mark.parametrize(
    ("old", "new", "line", "column"),
    [
        ("leader: p-ke", "leader: p-nobody", 5, 9),                                  # department leader
        ("supervisor: p-vice", "supervisor: p-nobody", 6, 13),                        # supervisor
        ("post: spk-chushen, since", "post: spk-nopost, since", 8, 33),               # person's post
        ("powers: [spk-P01]", "powers: [spk-P99]", 10, 43),                           # post's powers
        ("category: 行政审批, process: spk-F01", "category: 行政审批, process: spk-F9", 12, 70),  # power's process
        ("{id: S1, name: 受理, post: spk-chushen}", "{id: S1, name: 受理, post: spk-x}", 17, 34),  # step's post
        ("    process: spk-F01\n    step", "    process: spk-F9\n    step", 24, 14),  # risk's process
        ("step: S2", "step: S7", 25, 11),                                             # step not in the process
        ("posts: [spk-chushen]", "posts: [spk-zz]", 26, 13),                          # risk's posts
        ("owner: spk,", "owner: spk-ghost,", 31, 72),                                 # measure owner
    ],
)
def test_every_dangling_reference_is_located(tmp_path, old, new, line, column):
    root = write_register(tmp_path, departments=office(old, new))
    assert found(root) == [("LZ021", SPK, line, column)]


def test_dangling_org_references(tmp_path):
    org = ORG.replace("head: p-head", "head: p-boss").replace("inspection: jjjc", "inspection: jw")
    root = write_register(tmp_path, org=org)
    assert found(root) == [("LZ021", "org.yaml", 5, 9), ("LZ021", "org.yaml", 6, 15)]


def test_dangling_warning_risk(tmp_path):
    text = OFFICE + "warnings:\n  - {id: W1, risk: R9, date: 2025-04-02, level: 预警}\n"
    root = write_register(tmp_path, departments={"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": text})
    [d] = validate(root).diagnostics
    assert (d.code, d.line, d.column, d.subject) == ("LZ021", 33, 20, "W1")


def test_suggestion_for_a_near_miss_reference(tmp_path):
    root = write_register(tmp_path, departments=office("posts: [spk-chushen]", "posts: [spk-chushem]"))
    [d] = validate(root).diagnostics
    assert "`spk-chushen`" in d.message


def test_duplicate_id_across_two_files_names_both_places(tmp_path):
    root = write_register(tmp_path, departments={
        "ldbz": LEADERSHIP, "jjjc": INSPECTION.replace("id: p-jj,", "id: p-vice,").replace("leader: p-jj", "leader: p-vice"),
        "spk": OFFICE})
    [d] = validate(root).diagnostics
    assert (d.code, d.file, d.line, d.column) == ("LZ020", "departments/ldbz.yaml", 9, 10)
    assert "departments/jjjc.yaml:8" in d.message


def test_duplicate_step_and_measure_ids_within_their_parent(tmp_path):
    text = OFFICE.replace("{id: S2, name: 初审", "{id: S1, name: 初审").replace("step: S2", "step: S1")
    text += "      - {id: M1, text: 复核, stage: 后期处置, owner: spk}\n"
    root = write_register(tmp_path, departments={"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": text})
    assert found(root) == [("LZ020", SPK, 18, 14), ("LZ020", SPK, 32, 14)]


def test_department_id_must_match_its_file_name(tmp_path):
    root = write_register(tmp_path, departments={"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk2": OFFICE})
    assert found(root) == [("LZ022", "departments/spk2.yaml", 2, 5)]


def test_step_without_process(tmp_path):
    root = write_register(tmp_path, departments=office("    process: spk-F01\n    step: S2", "    step: S2"))
    assert [c for c, *_ in found(root)] == ["LZ023"]


def test_factors_method_requires_factors_on_each_risk(tmp_path):
    org = ORG.replace("method: matrix", "method: factors\n  factors:\n    weights: {power: 1}\n    high: 3.8\n    medium: 2.6")
    root = write_register(tmp_path, org=org)
    assert found(root) == [("LZ024", SPK, 20, 5)]


def test_broken_yaml_in_one_file_does_not_hide_others(tmp_path):
    root = write_register(tmp_path, departments={
        "ldbz": LEADERSHIP, "jjjc": INSPECTION + "extra: [unclosed\n", "spk": OFFICE.replace("leader: p-ke", "leader: p-x")})
    codes = {(c, f) for c, f, *_ in found(root)}
    assert ("LZ001", "departments/jjjc.yaml") in codes
    assert ("LZ021", SPK) in codes


# --- the CLI: formats, exit codes, language ---

def test_cli_text_format_and_exit_code(tmp_path, runner, monkeypatch):
    write_register(tmp_path, departments=office("posts: [spk-chushen]", "posts: [spk-zz]"))
    monkeypatch.chdir(tmp_path)
    result = run(runner, "validate")
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith("registers/departments/spk.yaml:26:13: LZ021 ")
    assert "发现1个错误" in result.output


def test_cli_json_is_the_contract(tmp_path, runner):
    root = write_register(tmp_path, departments=office("posts: [spk-chushen]", "posts: [spk-zz]"))
    result = run(runner, "validate", "-r", str(root), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["version"] == 1
    assert data["diagnostics"] == [{
        "code": "LZ021", "severity": "error", "file": "departments/spk.yaml", "line": 26, "column": 13,
        "message": data["diagnostics"][0]["message"], "subject": "R1"}]
    assert data["summary"] == {"files": 4, "departments": 3, "risks": 1, "measures": 1, "errors": 1, "warnings": 0}


def test_cli_github_annotations(tmp_path, runner, monkeypatch):
    write_register(tmp_path, departments=office("posts: [spk-chushen]", "posts: [spk-zz]"))
    monkeypatch.chdir(tmp_path)
    result = run(runner, "validate", "--format", "github")
    line = result.output.splitlines()[0]
    assert line.startswith("::error file=registers/departments/spk.yaml,line=26,col=13,title=LZ021::")


def test_english_messages(tmp_path, runner, monkeypatch):
    root = write_register(tmp_path, departments=office("posts: [spk-chushen]", "posts: [spk-zz]"))
    result = run(runner, "validate", "-r", str(root), "--lang", "en")
    assert "does not exist" in result.output and "不存在" not in result.output
    monkeypatch.setenv("LZ_LANG", "en")
    assert "does not exist" in run(runner, "validate", "-r", str(root)).output


def test_no_register_found_is_a_usage_error(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(__import__("lianzheng_cli.cli", fromlist=["app"]).app, ["validate"])
    assert result.exit_code == 2
    assert "未找到登记簿" in result.output


def test_help_and_version_are_chinese(runner):
    for args in (("--help",), ("validate", "--help"), ("render", "xlsx", "--help")):
        output = run(runner, *args).output
        assert "显示此帮助并退出" in output and "Show this message" not in output
    assert "登记簿" in run(runner, "--help").output
    assert "校验登记簿" in run(runner, "validate", "--help").output
    version = run(runner, "--version")
    assert version.exit_code == 0 and version.output.startswith("lz 0.")


def test_example_register_is_clean(example_register):
    result = validate(example_register)
    assert [(d.code, d.file, d.line) for d in result.diagnostics] == []
    summary = result.summary()
    assert summary["departments"] >= 7 and summary["risks"] >= 60


def test_subprocess_never_prints_a_traceback_on_broken_input(tmp_path):
    root = write_register(tmp_path, departments={"ldbz": "a: [\n", "jjjc": "\x00\x01", "spk": OFFICE})
    proc = subprocess.run([sys.executable, "-m", "lianzheng_cli", "validate", "-r", str(root)],
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "departments/ldbz.yaml:1:5: LZ001" in proc.stdout  # the end of the file, on its last line


@pytest.mark.slow
def test_schemas_work_with_check_jsonschema(example_register):
    """The schemas are plain draft-07: an independent validator accepts the example register."""
    exe = Path(sys.executable).with_name("check-jsonschema")
    departments = sorted(str(p) for p in (example_register / "departments").glob("*.yaml"))
    for schema, files in (("department", departments), ("org", [str(example_register / "org.yaml")])):
        proc = subprocess.run([str(exe), "--schemafile", str(REPO / "schemas" / f"{schema}.schema.json"), *files],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_check_jsonschema_rejects_what_lz_rejects(tmp_path):
    root = write_register(tmp_path, departments=office("likelihood: 3", "likelihood: 6"))
    exe = Path(sys.executable).with_name("check-jsonschema")
    proc = subprocess.run([str(exe), "--schemafile", str(REPO / "schemas" / "department.schema.json"),
                           str(root / SPK)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert [c for c, *_ in found(root)] == ["LZ016"]


def test_text_format_shows_line_100_as_a_number(tmp_path, runner):
    # rich would turn ":100:" into an emoji; the location must stay file:line:col.
    padding = "".join(f"# 注释 {i}\n" for i in range(99))
    root = write_register(tmp_path, departments={"ldbz": LEADERSHIP, "jjjc": INSPECTION,
                                                 "spk": padding + "schema_version: 1\nid: spk\nname: 审批科\nkind: 科室\n"})
    result = run(runner, "validate", "-r", str(root))
    assert "departments/spk.yaml:103:7: LZ013" in result.output


def test_text_on_a_terminal_is_coloured_and_says_the_same(tmp_path, monkeypatch):
    import io
    import re as regex

    from lianzheng_cli.outputs.diagnostics import report_text

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    root = write_register(tmp_path, departments=office("posts: [spk-chushen]", "posts: [spk-zz]"))
    result = validate(root)
    plain, coloured = io.StringIO(), Terminal()
    report_text(result.diagnostics, result.summary(), root, plain)
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "xterm-256color")
    report_text(result.diagnostics, result.summary(), root, coloured)
    assert "\x1b[" in coloured.getvalue()
    assert regex.sub(r"\x1b\[[0-9;]*m", "", coloured.getvalue()) == plain.getvalue()


def test_every_missing_required_key_is_reported(tmp_path):
    root = write_register(tmp_path, departments=office("    title: 初审把关不严\n    description: 未经现场核查即出具初审同意意见,对申请材料真实性把关不严\n", ""))
    found_keys = sorted(d.message.split("`")[1] for d in validate(root).diagnostics if d.code == "LZ011")
    assert found_keys == ["description", "title"]


# --- files that cannot be read (LZ009) -------------------------------------------------------------


def test_a_folder_named_like_a_department_file_is_lz009_not_an_internal_error(small_register, runner):
    (small_register / "departments" / "kjk.yaml").mkdir()
    [d] = validate(small_register).diagnostics
    assert (d.code, d.file, d.line, d.column) == ("LZ009", "departments/kjk.yaml", 1, 1)
    assert "文件夹" in d.message
    result = run(runner, "validate", "-r", str(small_register))
    assert result.exit_code == 1
    assert "departments/kjk.yaml:1:1: LZ009" in result.output


def test_a_broken_link_is_lz009(small_register):
    (small_register / "departments" / "gone.yaml").symlink_to(small_register / "nowhere.yaml")
    [d] = validate(small_register).diagnostics
    assert (d.code, d.file) == ("LZ009", "departments/gone.yaml")
    assert "不存在" in d.message


def test_a_file_without_read_permission_is_lz009(small_register):
    target = small_register / "departments" / "spk.yaml"
    if os.geteuid() == 0:
        # root reads any file: make the file unreadable the only way left, by turning it into a folder
        target.unlink()
        target.mkdir()
    else:
        target.chmod(0)
    try:
        diagnostics = validate(small_register).diagnostics
    finally:
        if target.is_file():
            target.chmod(0o644)
    assert ("LZ009", "departments/spk.yaml") in {(d.code, d.file) for d in diagnostics}
    # the file's own error stands for it: references into it are not reported as extra errors here
    assert all(d.file != "departments/spk.yaml" or d.code == "LZ009" for d in diagnostics)


# --- issue 14: a file that does not load hides no error and adds none; suggestions are bounded -------------


def test_references_to_a_file_that_does_not_load_wait_behind_its_own_error(tmp_path):
    # The leadership file ends inside a flow mapping: every reference to its people and posts would dangle.
    broken = LEADERSHIP.replace("  - {id: p-vice, name: 乙某某", "  - {id: p-vice, name: [乙某某")
    root = write_register(tmp_path, departments={"ldbz": broken, "jjjc": INSPECTION, "spk": OFFICE})
    [d] = validate(root).diagnostics
    assert (d.code, d.file) == ("LZ001", "departments/ldbz.yaml")
    # spk: leader's supervisor p-vice; jjjc: supervisor p-head; org.yaml: head p-head
    assert "另有3处引用" in d.message
    # a reference to an id nobody defines is still reported
    office_text = OFFICE.replace("supervisor: p-vice", "supervisor: p-nobody")
    root = write_register(tmp_path / "2", departments={"ldbz": broken, "jjjc": INSPECTION, "spk": office_text})
    assert [x.code for x in validate(root).diagnostics] == ["LZ001", "LZ021"]


def test_an_unreadable_file_holds_back_references_to_its_department(tmp_path):
    root = write_register(tmp_path)
    (root / "departments" / "jjjc.yaml").unlink()
    (root / "departments" / "jjjc.yaml").mkdir()
    [d] = validate(root).diagnostics  # org.yaml's inspection: jjjc waits
    assert d.code == "LZ009" and "另有1处引用" in d.message


def test_suggestion_search_is_bounded_whatever_the_number_of_ids():
    from lianzheng_cli.load.parse import positions_of
    from lianzheng_cli.validate.references import check_references
    from steps import growth

    def work(n):
        defined = [f"p-{i:05d}x" for i in range(n)]
        dangling = [f"p-{i:05d}y" for i in range(0, n, 10)]  # one in ten dangles, each near an id
        text = "risks:\n  - posts: [" + ", ".join(dangling) + "]\n"

        class Reread:
            def positions(self, rel):
                return positions_of(text if rel == "departments/b.yaml" else "a: 1\n")

        summaries = {"departments/a.yaml": {"defines": {"post": defined}, "refers": {}, "risks": 0, "measures": 0,
                                            "no_factors": 0},
                     "departments/b.yaml": {"defines": {}, "refers": {"post": dangling}, "risks": 1, "measures": 0,
                                            "no_factors": 0}}
        return lambda: check_references(None, summaries, Reread())

    # dangling references grow with the ids: linear work is 2 ×, a search over every id per reference 4 ×
    assert growth(work, 1000) < 2.6


# --- issue 15: the model built file by file as the files are loaded -----------------------------------------------


@pytest.mark.parametrize("parallel", [False, True])
def test_the_model_built_as_files_load_equals_one_built_from_their_values(example_register, monkeypatch, parallel):
    from lianzheng_cli.load.parse import load
    from lianzheng_cli.model.records import build_register
    from lianzheng_cli.validate import files as files_module

    if parallel:
        monkeypatch.setattr(files_module, "PARALLEL_MIN_BYTES", 0)
        monkeypatch.setattr(files_module.os, "cpu_count", lambda: 3)
    rels = sorted(p.relative_to(example_register).as_posix() for p in (example_register / "departments").glob("*"))
    docs = [(rel, load((example_register / rel).read_bytes(), rel).data) for rel in rels]
    expected = build_register(example_register, load((example_register / "org.yaml").read_bytes(), "org.yaml").data,
                              docs)
    for _ in ("cold", "warm"):
        register = validate(example_register).register
        assert register is not None and register.departments == expected.departments
        assert register.org == expected.org and register.risks == expected.risks


@pytest.mark.parametrize("how", ["dies", "fails"])
def test_a_parse_worker_that_ends_midway_leaves_its_files_to_this_process(example_register, monkeypatch, capfd,
                                                                           how):
    """A worker that dies (killed) or fails (a bug) after its first file: this process checks the rest, quietly."""
    from lianzheng_cli.validate import files as files_module

    expected = validate(example_register, use_cache=False)
    monkeypatch.setattr(files_module, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(files_module.os, "cpu_count", lambda: 2)
    checked = files_module._check_share

    def ends_after_one(*args):
        for done in checked(*args):
            yield done
            if how == "dies":
                os._exit(3)  # in the worker, after its first file
            raise RuntimeError("a bug in the worker")

    streams = []

    class Watched(files_module.ForkedStream):
        def __init__(self, *args):
            super().__init__(*args)
            streams.append(self)

    monkeypatch.setattr(files_module, "_check_share", ends_after_one)
    monkeypatch.setattr(files_module, "ForkedStream", Watched)
    result = validate(example_register, use_cache=False)
    assert [stream.died for stream in streams] == [True]
    assert result.register is not None and expected.register is not None
    assert result.register.departments == expected.register.departments
    assert result.diagnostics == expected.diagnostics
    assert "Traceback" not in capfd.readouterr().err


def test_each_clean_file_is_its_model_once_loaded_and_a_broken_one_keeps_its_values(tmp_path):
    from lianzheng_cli.model.records import Department, build_department
    from lianzheng_cli.validate.files import read_register

    root = write_register(tmp_path, departments={"ldbz": LEADERSHIP, "spk": OFFICE.replace("likelihood: 3",
                                                                                           "likelihood: 0")})
    files = read_register(root, build=build_department)
    ldbz, spk = files.departments
    assert isinstance(ldbz.built, Department) and ldbz.data is None and ldbz.items
    assert spk.built is None and isinstance(spk.data, dict) and spk.diagnostics
def test_a_command_imports_only_what_it_needs(example_register):
    """Commands are loaded on use: `lz validate` does not pay for the Word, Excel and DuckDB commands' imports, nor
    for lint's rule catalogue (SARIF's) or typer's help and error screens."""
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from lianzheng_cli.cli import app\n"
        f"result = CliRunner().invoke(app, ['validate', '-r', {str(example_register)!r}])\n"
        "print(result.exit_code, sorted(m for m in ('lianzheng_cli.cli.report', 'lianzheng_cli.cli.render',"
        " 'lianzheng_cli.cli.import_', 'docx', 'openpyxl', 'duckdb', 'lianzheng_cli.lint.engine',"
        " 'typer.rich_utils') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[0] == "0 []"


@pytest.mark.parametrize("run", ["parallel", "cached"])
def test_the_model_keeps_one_copy_of_each_item_path_for_all_files(example_register, monkeypatch, run):
    from lianzheng_cli.validate import files as files_module

    monkeypatch.setattr(files_module, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(files_module.os, "cpu_count", lambda: 3)
    register = validate(example_register).register
    if run == "cached":
        register = validate(example_register).register
    assert register is not None
    paths: dict[tuple, tuple] = {}
    shared = 0
    for positions in register.item_positions.values():
        for path in positions:
            if path in paths:
                assert paths[path] is path
                shared += 1
            paths.setdefault(path, path)
    assert shared > 10


def test_a_forked_stream_hands_over_each_pair_as_it_comes():
    from lianzheng_cli.forking import ForkedStream, can_fork

    if not can_fork():
        pytest.skip("no fork here")

    def pairs(count: int):
        for n in range(count):
            yield (n, f"第{n}个"), (bytes([n]) * (n * 700_000) if n % 2 else None)  # up to 6 MB: more than a pipe holds

    stream = ForkedStream(pairs, 10)
    taken = []
    while not stream.done:
        taken += stream.take(wait=True)
    assert not stream.died
    assert [small for small, _ in taken] == [(n, f"第{n}个") for n in range(10)]
    assert [payload for _, payload in taken] == [bytes([n]) * (n * 700_000) if n % 2 else None for n in range(10)]
    assert stream.take(wait=True) == []

