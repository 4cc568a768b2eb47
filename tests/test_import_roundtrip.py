"""lz import's output as a register: it validates, and a rendered 一览表 imports back to the same register.

Every import must pass ``lz validate``, those that use the 1.1 additions (measures without stage or owner,
``parties``, ``applies_to``, ``vocabulary``) included.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE, run
from import_fixtures import HEADER, TITLE, SheetSpec, write_xlsx
from lianzheng_cli.importing import import_files, write_register
from lianzheng_cli.model.grading import grade_register
from lianzheng_cli.model.records import Register
from lianzheng_cli.outputs.xlsx.risk_table import render_workbook
from lianzheng_cli.validate.register import validate
from test_import_files import DOCX, POSTS, POWERS, RISKS, XLS


def _load(root: Path) -> Register:
    result = validate(root, use_cache=False)
    assert [d for d in result.diagnostics if d.severity == "error"] == []
    assert result.register is not None
    return result.register


def _imported(tmp_path: Path, *paths: Path) -> Path:
    result = import_files(list(paths))
    target = tmp_path / "imported"
    write_register(result, target)
    return target


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory) -> tuple[Register, Register]:
    tmp_path = tmp_path_factory.mktemp("roundtrip")
    original = _load(EXAMPLE)
    workbook = render_workbook(original, tmp_path / "一览表.xlsx")
    return original, _load(_imported(tmp_path, workbook))


def _risk_view(register: Register, grades: dict | None = None) -> dict:
    view = {}
    for risk in register.risks.values():
        process = register.processes.get(risk.process) if risk.process else None
        step = next((s.name for s in process.steps if s.id == risk.step), None) if process else None
        view[risk.id] = {
            "department": register.by_department[risk.department].name,
            "title": risk.title, "description": risk.description, "type": risk.type,
            "grade": grades[risk.id].effective if grades else risk.declared,
            "process": process.name if process else None, "step": step,
            "posts": sorted(register.posts[p].name for p in risk.posts),
            "measures": [(m.text, m.stage, register.name_of(m.owner)) for m in risk.measures],
        }
    return view


def test_a_rendered_register_imports_back_to_the_same_risks_measures_and_grades(round_trip):
    original, imported = round_trip
    assert _risk_view(imported) == _risk_view(original, grade_register(original))


def test_a_rendered_register_imports_back_to_the_same_posts_powers_and_processes(round_trip):
    original, imported = round_trip

    def posts(register: Register) -> set:
        return {(register.by_department[p.department].name, p.name, p.duties, tuple(sorted(p.powers)))
                for p in register.posts.values()}

    def powers(register: Register) -> set:
        return {(p.id, p.name, p.scope, p.category, p.sanzhong_yida, p.basis,
                 register.processes[p.process].name if p.process else None) for p in register.powers.values()}

    def processes(register: Register) -> set:
        with_risks = {(r.process, r.step) for r in register.risks.values() if r.process}
        return {(register.by_department[p.department].name, p.name,
                 frozenset(s.name for s in p.steps if (p.id, s.id) in with_risks))
                for p in register.processes.values() if any(pid == p.id for pid, _ in with_risks)}

    def people(register: Register) -> set:
        return {(p.name, register.posts[p.post].name) for p in register.people.values()}

    assert posts(imported) == posts(original)
    assert powers(imported) == powers(original)
    assert processes(imported) == processes(original)
    assert people(imported) == people(original)
    assert [d.id for d in imported.departments] == sorted(d.id for d in original.departments)


def test_directories_and_a_complete_table_give_a_register_that_validates_as_1_0(tmp_path, runner):
    paths = [write_xlsx(tmp_path / "职权目录.xlsx", POWERS), write_xlsx(tmp_path / "岗位目录.xlsx", POSTS),
             write_xlsx(tmp_path / "一览表.xlsx", RISKS)]
    target = _imported(tmp_path, *paths)
    result = run(runner, "validate", "-r", str(target))
    assert result.exit_code == 0, result.output


# Imports whose registers use the format 1.1 additions.
NEEDS_1_1 = {
    "xls (measures without stage)": lambda tmp_path: [XLS],
    "docx (a party, measures without stage)": lambda tmp_path: [DOCX],
    "no 涉及对象, a type outside the vocabulary": lambda tmp_path: [write_xlsx(tmp_path / "一览表.xlsx", SheetSpec([
        [TITLE], ["部门", "廉政风险点", "风险类型", "风险等级", "防控措施"],
        ["办公室", "越权审批", "权力运行风险", "高", "1.【前期预防】分级授权"]]))],
    "unknown owners": lambda tmp_path: [write_xlsx(tmp_path / "一览表.xlsx", SheetSpec([
        [TITLE], HEADER, [1, "办公室", "公车管理", "派车", "司机", "公车私用", "岗位职责", "1.【中期监控】派车登记", "分管领导"]]))],
}
ONLY_1_1 = {("LZ011", "stage"), ("LZ011", "owner"), ("LZ011", "posts"), ("LZ010", "parties"), ("LZ010", "applies_to"),
            ("LZ010", "vocabulary"), ("LZ013", "type")}


def _errors(tmp_path: Path, make) -> list:
    target = _imported(tmp_path, *make(tmp_path))
    return [d for d in validate(target, use_cache=False).diagnostics if d.severity == "error"]


@pytest.mark.parametrize("case", list(NEEDS_1_1))
def test_imports_using_format_1_1_validate(tmp_path, case):
    assert _errors(tmp_path, NEEDS_1_1[case]) == []


@pytest.mark.parametrize("case", list(NEEDS_1_1))
def test_imports_using_format_1_1_fail_validation_only_on_1_1_features(tmp_path, case):
    for error in _errors(tmp_path, NEEDS_1_1[case]):
        assert any(error.code == code and f"`{key}`" in error.message for code, key in ONLY_1_1), error


def test_the_main_sheet_alone_imports_back_too(tmp_path, round_trip):
    """Without the 明细 sheet, titles come from ``title:description`` and owners numbered like the measures."""
    from openpyxl import load_workbook

    original, _ = round_trip
    workbook = render_workbook(original, tmp_path / "全表.xlsx")
    book = load_workbook(workbook)
    del book["明细（可筛选）"]
    book.save(tmp_path / "一览表.xlsx")
    imported = _load(_imported(tmp_path, tmp_path / "一览表.xlsx"))
    assert _risk_view(imported) == _risk_view(original, grade_register(original))


def test_a_county_writes_half_its_departments_in_a_forked_child_and_the_same_texts(tmp_path):
    from lianzheng_cli.importing.draft import DraftDepartment, DraftRisk
    from lianzheng_cli.importing.emit import department_text
    from lianzheng_cli.importing.grid import Place
    from lianzheng_cli.importing.run import FORK_FROM, _department_texts

    departments = []
    for n in range(FORK_FROM + 1):
        department = DraftDepartment(f"第{n}科", Place("t.xlsx", "Sheet1", n, 0), id=f"d{n}")
        risk = DraftRisk(f"风险{n}", f"风险描述{n}", Place("t.xlsx", "Sheet1", n, 1), {}, id=f"d{n}-R01",
                         type="岗位职责", likelihood=3, impact=3, applies_to="部门")
        department.risks.append(risk)
        departments.append(department)
    assert _department_texts(departments) == [department_text(d) for d in departments]


# What the 一览表 does not carry, so a fresh import cannot give it back: scores, a measure's kind, due date and
# status; and the ids of posts, steps and people (the sheet names them), so references to them differ by id only.
NOT_CARRIED = {"likelihood", "impact", "residual", "residual_grade"}  # scores: the workbook shows grades (★★★→★★)
NOT_CARRIED_OF_MEASURES = {"kind", "due", "status"}
BY_ID_ONLY = {"posts", "step"}


def test_lz_diff_of_a_register_and_its_workbook_read_from_cells_shows_no_change(tmp_path, runner, round_trip):
    """render → import into a new folder → lz diff of the two folders: no change in any risk, measure, grade, post
    or process but what the workbook does not carry, and ids the importer made (compared by name)."""
    import json

    original, _ = round_trip
    workbook = render_workbook(original, tmp_path / "一览表.xlsx")
    folder = _imported(tmp_path, workbook)
    imported = _load(folder)
    result = run(runner, "diff", str(EXAMPLE), str(folder), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    risks = document["risks"]
    assert risks["added"] == risks["removed"] == risks["renamed"] == []
    assert document["processes"] == document["powers"] == {"added": [], "removed": []}

    def step_name(register: Register, risk_id: str) -> str | None:
        risk = register.risks[risk_id]
        process = register.processes.get(risk.process) if risk.process else None
        return next((s.name for s in process.steps if s.id == risk.step), None) if process else None

    for change in risks["changed"]:
        ident = change["id"]
        for field in change["changes"]:
            name = field["field"]
            if name == "measures":
                assert field["added"] == field["removed"] == []
                for measure in field["changed"]:
                    for each in measure["changes"]:
                        if each["field"] == "owner":
                            assert original.name_of(each["from"]) == imported.name_of(each["to"]), (ident, each)
                        else:
                            assert each["field"] in NOT_CARRIED_OF_MEASURES, (ident, each)
            elif name in ("posts", "parties"):  # ids the importer made: compared by name
                assert sorted(original.name_of(p) for p in field["from"]) == \
                       sorted(imported.name_of(p) for p in field["to"]), ident
            elif name == "step":
                assert step_name(original, ident) == step_name(imported, ident), ident
            else:
                assert name in NOT_CARRIED, (ident, field)

    def posts(register: Register, ids: list[str]) -> set:
        return {(register.posts[p].department, register.posts[p].name) for p in ids}

    assert posts(original, document["posts"]["removed"]) == posts(imported, document["posts"]["added"])
    assert {original.people[p].name for p in document["people"]["left"]} == \
           {imported.people[p].name for p in document["people"]["joined"]}


# --- a workbook lz rendered carries its register: importing it gives that register back, with the sheet's edits


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rendered")
    return render_workbook(_load(EXAMPLE), folder / "一览表.xlsx")


def _diff(runner, old: Path, new: Path) -> dict:
    import json

    result = run(runner, "diff", str(old), str(new), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_rendered_workbook_imports_back_to_its_register_byte_for_byte(tmp_path, runner, rendered):
    out = tmp_path / "new"
    result = run(runner, "import", str(rendered), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "LZ607" in result.stdout and "已写入新登记簿" in result.stdout
    assert _files(out) == {rel: data for rel, data in _files(EXAMPLE).items() if not rel.startswith(".")}
    summary = _diff(runner, EXAMPLE, out)["summary"]
    assert set(summary.values()) == {0}, summary


def _cell_edited(rendered: Path, path: Path, sheet_name: str, header_row: int, risk: str, column: str, change) -> Path:
    """The rendered workbook saved to ``path`` with one cell changed as in Excel: ``column`` of ``risk``'s row."""
    import openpyxl

    book = openpyxl.load_workbook(rendered)
    sheet = book[sheet_name]
    header = [c.value for c in sheet[header_row]]
    code, at = header.index("风险点编号"), header.index(column)
    row = next(r for r in sheet.iter_rows(min_row=header_row + 1) if r[code].value == risk)
    row[at].value = change(row[at].value)
    book.save(path)
    return path


def test_an_edit_made_in_excel_is_the_one_change_after_import(tmp_path, runner, rendered):
    edited = _cell_edited(rendered, tmp_path / "edited.xlsx", "廉政风险点防控措施一览表", 3, "bgs-R02", "风险等级",
                          lambda _: "★★★")  # 中 → 高
    out = tmp_path / "new"
    result = run(runner, "import", str(edited), "--out", str(out))
    assert result.exit_code == 0, result.output
    document = _diff(runner, EXAMPLE, out)
    changed = document["risks"]["changed"]
    assert [(c["id"], [f["field"] for f in c["changes"]]) for c in changed] == [("bgs-R02", ["grade"])]
    assert document["summary"]["grade_raised"] == 1
    before, after = _files(EXAMPLE), _files(out)
    assert [rel for rel in after if after[rel] != before[rel]] == ["departments/bgs.yaml"]
    old_lines = before["departments/bgs.yaml"].decode().splitlines()
    new_lines = after["departments/bgs.yaml"].decode().splitlines()
    assert [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b] == [("    grade: 中", "    grade: 高")]


def _tampered(rendered: Path, tmp_path: Path, change) -> Path:
    import openpyxl

    from lianzheng_cli.importing.snapshot import SHEET

    book = openpyxl.load_workbook(rendered)
    change(book[SHEET])
    path = tmp_path / "tampered.xlsx"
    book.save(path)
    return path


def test_a_changed_register_text_is_reported_and_the_visible_sheets_are_read(tmp_path, runner, rendered):
    def plant(sheet) -> None:  # a grade changed in the hidden text only: it must not pass for the register
        cell = next(r[2] for r in sheet.iter_rows(min_row=2) if r[0].value == "departments/bgs.yaml")
        cell.value = cell.value.replace("grade: 中", "grade: 高", 1)

    out = tmp_path / "new"
    result = run(runner, "import", str(_tampered(rendered, tmp_path, plant)), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "LZ608" in result.stdout and "departments/bgs.yaml" in result.stdout and "LZ607" not in result.stdout
    assert "导入 10 个部门" in result.stdout  # read from the sheets like any other workbook
    assert _files(out)["departments/bgs.yaml"] != _files(EXAMPLE)["departments/bgs.yaml"]


def test_a_register_text_naming_a_file_outside_the_register_writes_nothing_there(tmp_path, runner, rendered):
    import hashlib

    def escape(sheet) -> None:
        text = "schema_version: 1\n"
        sheet.append(["../../escaped.yaml", "1", text, hashlib.sha256(text.encode()).hexdigest()])

    out = tmp_path / "deep" / "new"
    result = run(runner, "import", str(_tampered(rendered, tmp_path, escape)), "--out", str(out))
    assert "LZ608" in result.stdout and "../../escaped.yaml" in result.stdout
    assert list(tmp_path.rglob("escaped.yaml")) == []


def test_from_cells_and_dry_run(tmp_path, runner, rendered):
    out = tmp_path / "new"
    result = run(runner, "import", str(rendered), "--out", str(out), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "LZ607" in result.stdout and "试运行" in result.stdout
    assert not out.exists()
    result = run(runner, "import", str(rendered), "--out", str(out), "--from-cells")
    assert result.exit_code == 0, result.output
    assert "LZ607" not in result.stdout and "LZ625" in result.stdout  # scores written from grades: not carried
    assert _files(out) != _files(EXAMPLE)


def test_an_unedited_workbook_is_known_as_such_even_saved_again_by_another_program(tmp_path, rendered):
    """The register text vouches for the visible sheets by their values: unedited (also once a program saved the
    workbook again) is restored as is; a sheet with one changed cell is read for its edits, the others are not."""
    import openpyxl

    from lianzheng_cli.importing.read import read_source
    from lianzheng_cli.importing.snapshot import find_snapshot

    def edited(path: Path) -> list[str]:
        source = read_source(path)
        snapshot = find_snapshot(source.sheets)
        assert snapshot is not None and len(snapshot.sheets) == 7  # the example has a 权力和责任清单
        return [sheet.name for sheet in snapshot.edited(source.sheets)]

    assert edited(rendered) == []
    book = openpyxl.load_workbook(rendered)
    resaved = tmp_path / "resaved.xlsx"
    book.save(resaved)
    assert edited(resaved) == []
    book["统计"]["B5"].value = 99  # a figure nobody imports: still an edit the import must look at
    book.save(changed := tmp_path / "edited.xlsx")
    assert edited(changed) == ["统计"]


def test_an_edit_in_the_detail_sheet_alone_is_applied(tmp_path, runner, rendered):
    edited = _cell_edited(rendered, tmp_path / "edited.xlsx", "明细（可筛选）", 1, "bgs-R03", "风险表现",
                          lambda text: text + "，且不登记用印事由")
    out = tmp_path / "new"
    result = run(runner, "import", str(edited), "--out", str(out))
    assert result.exit_code == 0, result.output
    changed = _diff(runner, EXAMPLE, out)["risks"]["changed"]
    assert [(c["id"], [f["field"] for f in c["changes"]]) for c in changed] == [("bgs-R03", ["description"])]
    assert changed[0]["changes"][0]["to"].endswith("，且不登记用印事由")


def test_only_the_whole_registers_internal_workbook_carries_the_register(tmp_path):
    import openpyxl

    register = _load(EXAMPLE)
    public = render_workbook(register, tmp_path / "public.xlsx", public=True)
    department = render_workbook(register, tmp_path / "bgs.xlsx", department="bgs")
    for path in (public, department):
        assert "登记簿原文" not in openpyxl.load_workbook(path).sheetnames, path
