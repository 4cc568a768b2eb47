"""lz import --update: the 一览表 lz render xlsx wrote, edited with openpyxl as a user edits it in Excel, back into a
git copy of the example register; what lz diff then shows, and every byte that must not move."""

from __future__ import annotations

import difflib
import json
import os
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import EXAMPLE, run
from lianzheng_cli.outputs.xlsx.risk_table import SHEET_DETAIL, SHEET_MAIN, render_workbook
from lianzheng_cli.validate.register import validate
from test_diff import commit, init_repo

DETAIL_HEADER = 1  # the 明细's header row
MAIN_HEADER = 3  # the 一览表's: title and legend above it


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A git repository holding a copy of the example register, committed; the current folder."""
    top = init_repo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, top / "registers", ignore=shutil.ignore_patterns(".lz-cache"))
    commit(top, "示例登记簿", "2025-03-01T10:00:00+08:00")
    monkeypatch.chdir(top)
    return top


@pytest.fixture
def book(repo, tmp_path) -> Path:
    result = validate(repo / "registers", use_cache=False)
    assert result.register is not None
    return render_workbook(result.register, tmp_path / "一览表.xlsx")


def files_of(repo: Path) -> dict[str, bytes]:
    return {str(p.relative_to(repo)): p.read_bytes() for p in sorted((repo / "registers").rglob("*.yaml"))}


class Sheet:
    """One risk sheet of the workbook, its cells by header and risk id."""

    def __init__(self, worksheet, header_row: int):
        self.ws = worksheet
        self.header_row = header_row
        self.columns = {cell.value: cell.column for cell in worksheet[header_row] if cell.value}

    def row_of(self, risk: str) -> int:
        column = self.columns["风险点编号"]
        for row in range(self.header_row + 1, self.ws.max_row + 1):
            if self.ws.cell(row, column).value == risk:
                return row
        raise KeyError(risk)

    def get(self, risk: str, header: str) -> str:
        return self.ws.cell(self.row_of(risk), self.columns[header]).value

    def set(self, risk: str, header: str, value: object) -> None:
        self.ws.cell(self.row_of(risk), self.columns[header]).value = value

    def add(self, values: dict[str, object]) -> None:
        row = self.last_row() + 1
        for header, value in values.items():
            self.ws.cell(row, self.columns[header]).value = value

    def last_row(self) -> int:
        column = self.columns["风险点编号"]
        return max(r for r in range(self.header_row + 1, self.ws.max_row + 1) if self.ws.cell(r, column).value)

    def delete(self, risk: str) -> None:
        self.ws.delete_rows(self.row_of(risk))


def edit(path: Path, change) -> Path:
    """``change(detail, main)`` on the workbook's two risk sheets, saved in place."""
    workbook = load_workbook(path)
    for merged in list(workbook[SHEET_MAIN].merged_cells.ranges):  # as a user unmerges before editing rows
        workbook[SHEET_MAIN].unmerge_cells(str(merged))
    change(Sheet(workbook[SHEET_DETAIL], DETAIL_HEADER), Sheet(workbook[SHEET_MAIN], MAIN_HEADER))
    workbook.save(path)
    return path


def update(runner, book: Path, *args: str):
    return run(runner, "import", str(book), "--update", *args)


def diff_json(runner) -> dict:
    result = run(runner, "diff", "HEAD", "WORKTREE", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines of ``before`` that changed or went, and the lines of ``after`` that changed or came."""
    old, new = before.splitlines(), after.splitlines()
    gone, came = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            gone += old[i1:i2]
            came += new[j1:j2]
    return gone, came


def test_an_unchanged_workbook_changes_no_byte(runner, repo, book):
    before = files_of(repo)
    result = update(runner, book, "--delete")
    assert result.exit_code == 0, result.output
    assert "表格与登记簿一致" in result.output
    assert files_of(repo) == before


def test_edits_show_in_lz_diff_as_exactly_those_edits_and_every_other_byte_stays(runner, repo, book):
    def change(detail: Sheet, main: Sheet) -> None:
        detail.set("bgs-R03", "风险表现", detail.get("bgs-R03", "风险表现") + ",且不登记用印事由")
        detail.set("cwk-R02", "风险等级", "★★★")
        detail.set("bgs-R06", "防控措施", detail.get("bgs-R06", "防控措施") + "\n3.【中期监控】每月抽查敏感文件传阅记录")
        detail.set("bgs-R06", "责任主体", detail.get("bgs-R06", "责任主体") + "\n3.办公室")
        detail.add({"部门": "办公室", "流程": "用印审批流程", "关键环节": "监印盖章", "涉及对象（岗位）": "印章管理岗",
                    "风险点名称": "私刻印章", "风险表现": "印章管理人员私自刻制或使用作废印章", "风险类型": "业务流程",
                    "风险等级": "★★", "防控措施": "1.【前期预防】印章刻制一律报公安机关备案", "责任主体": "办公室"})

    before = files_of(repo)
    result = update(runner, edit(book, change))
    assert result.exit_code == 0, result.output
    document = diff_json(runner)
    risks = document["risks"]
    assert [r["id"] for r in risks["added"]] == ["bgs-R11"]  # the next free id: bgs-R10 is the example's 共性 risk (1.1)
    assert risks["removed"] == [] and risks["renamed"] == []
    changed = {c["id"]: c["changes"] for c in risks["changed"]}
    assert set(changed) == {"bgs-R03", "cwk-R02", "bgs-R06"}
    assert [c["field"] for c in changed["bgs-R03"]] == ["description"]
    assert changed["bgs-R03"][0]["to"].endswith(",且不登记用印事由")
    assert [(c["field"], c["to"], c.get("direction")) for c in changed["cwk-R02"]] == [("grade", "高", "raised")]
    assert changed["bgs-R06"] == [{"field": "measures", "added": ["M3"], "removed": [], "changed": []}]
    for kind in ("people", "posts", "powers", "processes", "warnings"):
        assert all(ids == [] for ids in document[kind].values()), kind
    assert validate(repo / "registers", use_cache=False).errors == 0

    after = files_of(repo)
    assert {rel for rel in after if after[rel] != before[rel]} == {"registers/departments/bgs.yaml",
                                                                   "registers/departments/cwk.yaml"}
    gone, came = changed_lines(before["registers/departments/cwk.yaml"].decode(),
                               after["registers/departments/cwk.yaml"].decode())
    assert len(gone) == len(came) == 1 and gone[0].split(":")[0] == came[0].split(":")[0]  # the one grade line
    old, new = (files["registers/departments/bgs.yaml"].decode() for files in (before, after))
    gone, came = changed_lines(old, new)
    assert [line.strip().split(":")[0] for line in gone] == ["description"]
    assert [line for line in old.splitlines() if line.lstrip().startswith("#")] == \
           [line for line in new.splitlines() if line.lstrip().startswith("#") and "来源" not in line]
    assert "  # 来源:" in new and "- id: M3" in new


def test_an_edit_in_the_main_sheet_counts_as_much_as_one_in_the_detail(runner, repo, book):
    def change(detail: Sheet, main: Sheet) -> None:
        title, _, text = main.get("zfdd-R01", "廉政风险点（风险表现）").partition("：")
        main.set("zfdd-R01", "廉政风险点（风险表现）", f"{title}(新)：{text}")

    update(runner, edit(book, change))
    changes = diff_json(runner)["risks"]["changed"]
    assert [(c["id"], [f["field"] for f in c["changes"]]) for c in changes] == [("zfdd-R01", ["title"])]


def test_two_sheets_changed_differently_are_reported_and_not_applied(runner, repo, book):
    def change(detail: Sheet, main: Sheet) -> None:
        detail.set("bgs-R02", "风险等级", "★★★")
        main.set("bgs-R02", "风险等级", "★")

    before = files_of(repo)
    result = update(runner, edit(book, change))
    assert "LZ660" in result.output
    assert files_of(repo) == before


def test_a_multi_line_text_becomes_a_literal_block_and_imports_back_unchanged(runner, repo, book, tmp_path):
    def change(detail: Sheet, main: Sheet) -> None:
        detail.set("rsk-R01", "风险表现", "第一行\n第二行:有冒号 #和井号")

    update(runner, edit(book, change))
    text = (repo / "registers/departments/rsk.yaml").read_text(encoding="utf-8")
    assert "    description: |-\n      第一行\n      第二行:有冒号 #和井号\n" in text
    register = validate(repo / "registers", use_cache=False).register
    assert register is not None and register.risks["rsk-R01"].description == "第一行\n第二行:有冒号 #和井号"
    again = render_workbook(register, tmp_path / "again.xlsx")
    before = files_of(repo)
    assert "表格与登记簿一致" in update(runner, again).output
    assert files_of(repo) == before


def test_a_row_gone_is_reported_and_deleted_only_with_delete(runner, repo, book):
    def change(detail: Sheet, main: Sheet) -> None:
        detail.delete("bgs-R06")
        main.delete("bgs-R06")
        detail.delete("bgs-R01")  # warnings name it: never deleted

    edit(book, change)
    before = files_of(repo)
    result = update(runner, book)
    assert result.exit_code == 0, result.output
    assert "表中已没有风险点 bgs-R06" in result.output and "LZ670" in result.output
    assert files_of(repo) == before

    result = update(runner, book, "--delete")
    assert result.exit_code == 0, result.output
    document = diff_json(runner)
    assert [r["id"] for r in document["risks"]["removed"]] == ["bgs-R06"]
    assert document["risks"]["changed"] == []
    text = (repo / "registers/departments/bgs.yaml").read_text(encoding="utf-8")
    assert "bgs-R06" not in text and "bgs-R01" in text
    assert "\n\n\n" not in text  # the blank line that set it apart went with it


def test_a_measure_line_gone_is_deleted_only_with_delete(runner, repo, book):
    def change(detail: Sheet, main: Sheet) -> None:
        for sheet in (detail, main):
            first = sheet.get("xfs-R01", "防控措施").split("\n")[0]
            sheet.set("xfs-R01", "防控措施", first)

    edit(book, change)
    assert "未删除" in update(runner, book).output
    assert diff_json(runner)["risks"]["changed"] == []
    update(runner, book, "--delete")
    (changed,) = diff_json(runner)["risks"]["changed"]
    assert changed["id"] == "xfs-R01" and changed["changes"][0]["removed"] == ["M2"]


def test_dry_run_lists_the_changes_and_writes_nothing(runner, repo, book):
    edit(book, lambda detail, main: detail.set("bgs-R02", "风险类型", "岗位职责"))
    before = files_of(repo)
    result = update(runner, book, "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["dry_run"] is True and document["files"] == ["departments/bgs.yaml"]
    assert [(c["action"], c["id"], c["field"], c["from"], c["to"]) for c in document["changes"]] == \
           [("changed", "bgs-R02", "type", "业务流程", "岗位职责")]
    assert files_of(repo) == before


def test_all_files_or_none(runner, repo, book):
    def change(detail: Sheet, main: Sheet) -> None:
        detail.set("bgs-R02", "风险类型", "岗位职责")
        detail.set("zfdd-R01", "风险类型", "业务流程")

    edit(book, change)
    before = files_of(repo)
    locked = repo / "registers/departments/zfdd.yaml"
    os.chmod(locked, 0o444)
    try:
        result = update(runner, book)
    finally:
        os.chmod(locked, 0o644)
    assert result.exit_code == 1
    assert "只读" in result.stderr
    assert files_of(repo) == before


def test_usage_errors(runner, repo, book, tmp_path):
    assert run(runner, "import", str(book), "--update", "--out", str(tmp_path / "x")).exit_code == 2
    assert run(runner, "import", str(book), "--delete", "--out", str(tmp_path / "x")).exit_code == 2
    assert run(runner, "import", str(book), "--update", "-r", str(tmp_path / "nowhere")).exit_code == 2


def test_a_workbook_of_another_register_is_refused(runner, repo, book, tmp_path):
    other = tmp_path / "other" / "registers"
    shutil.copytree(EXAMPLE, other, ignore=shutil.ignore_patterns(".lz-cache"))
    for path in (other / "departments").glob("*.yaml"):  # the same register with other risk ids
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("-R", "-X"), encoding="utf-8")
    assert validate(other, use_cache=False).errors == 0
    result = update(runner, book, "-r", str(other))
    assert result.exit_code == 2
    assert "不是由它生成的" in result.stderr


def test_crlf_files_stay_crlf(runner, repo, book):
    path = repo / "registers/departments/bgs.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    edit(book, lambda detail, main: detail.set("bgs-R02", "风险表现", "第一行\n第二行"))
    result = update(runner, book)
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    assert b"description: |-\r\n      \xe7\xac\xac" in data and b"\n" not in data.replace(b"\r\n", b"")


def test_characters_yaml_refuses_as_written_are_escaped_and_read_back(runner, repo, book):
    # DEL and C1 controls would be LZ006 written as they are; NEL and U+2028 would be read as line breaks.
    odd = "甲\x7f乙\x85丙\u2028丁\u202e戊"
    edit(book, lambda detail, main: detail.set("bgs-R02", "风险表现", odd))
    result = update(runner, book)
    assert result.exit_code == 0, result.output
    text = (repo / "registers/departments/bgs.yaml").read_text(encoding="utf-8")
    assert "\\u007f" in text and "\\u0085" in text and "\\u2028" in text and "\x7f" not in text
    register = validate(repo / "registers", use_cache=False).register
    assert register is not None and register.risks["bgs-R02"].description == odd


def test_a_link_out_of_the_register_is_written_only_with_follow_symlinks(runner, repo, book, tmp_path):
    outside = tmp_path / "elsewhere" / "bgs.yaml"
    outside.parent.mkdir()
    linked = repo / "registers/departments/bgs.yaml"
    outside.write_bytes(linked.read_bytes())
    linked.unlink()
    linked.symlink_to(outside)
    edit(book, lambda detail, main: detail.set("bgs-R02", "风险类型", "岗位职责"))
    before = outside.read_bytes()
    result = update(runner, book)
    assert result.exit_code == 1
    assert "是指向登记簿以外的链接" in result.stderr and "--follow-symlinks" in result.stderr
    assert outside.read_bytes() == before and linked.is_symlink()
    result = update(runner, book, "--follow-symlinks")
    assert result.exit_code == 0, result.output
    assert "type: 岗位职责" in outside.read_text(encoding="utf-8") and linked.is_symlink()


# Runs `lz import --update` and kills it (os._exit, like SIGKILL) as it puts the second new file in place.
KILLER = """
import os, sys
from lianzheng_cli.cli import main
count = [0]
def watch(real):
    def call(src, dst, *args, **kwargs):
        if str(src).endswith(".lz-tmp") and str(dst).endswith(".yaml"):
            count[0] += 1
            if count[0] == 2:
                os._exit(137)
        return real(src, dst, *args, **kwargs)
    return call
os.replace, os.rename, os.link = watch(os.replace), watch(os.rename), watch(os.link)
sys.argv = ["lz", "import", sys.argv[1], "--update"]
main()
"""


def test_an_update_killed_between_two_files_is_completed_by_lz_recover(runner, repo, book):
    import subprocess
    import sys

    def change(detail: Sheet, main: Sheet) -> None:
        detail.set("bgs-R02", "风险类型", "岗位职责")
        detail.set("zfdd-R01", "风险类型", "业务流程")

    edit(book, change)
    killed = subprocess.run([sys.executable, "-c", KILLER, str(book)], cwd=repo, capture_output=True, text=True)
    assert killed.returncode == 137, killed.stderr
    assert (repo / "registers" / ".lz-journal").exists()
    result = run(runner, "recover")
    assert result.exit_code == 0 and "已完成上次被中断的写入" in result.stderr, result.output
    types = {c["id"]: c["changes"][0]["to"] for c in diff_json(runner)["risks"]["changed"]}
    assert types == {"bgs-R02": "岗位职责", "zfdd-R01": "业务流程"}
    assert not [p for p in (repo / "registers").rglob(".*") if p.is_file()]  # no journal, no stray
