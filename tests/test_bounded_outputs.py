"""Issue 14: what a register holds cannot make a file name too long or misleading, cut a cell silently, or make
an I/O error speak English."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import INSPECTION, LEADERSHIP, OFFICE, run, write_register
from lianzheng_cli.fileio import safe_file_part
from lianzheng_cli.outputs.xlsx.writer import MAX_CELL_TEXT

LONG_NAME = "国家级经济技术开发区管理委员会综合执法和市场监督管理与安全生产监督管理以及行政审批服务局下属第三分局"


def test_safe_file_part_is_bounded_stable_and_plain():
    long = "长" * 100
    part = safe_file_part(long)
    assert len(part.encode()) <= 60 and part == safe_file_part(long) and part.startswith("长" * 10)
    assert safe_file_part("长" * 99 + "短") != part  # a hash of the whole keeps two long names apart
    assert safe_file_part("report\u202etxt.exe") == "reporttxt.exe"  # no bidi override
    assert safe_file_part("a\u200bb\u2066c\u2069") == "abc"
    assert safe_file_part("x\x85y") == "x_y"
    assert safe_file_part("../etc/passwd") == "_etc_passwd"


def _register_with_long_names(tmp_path: Path) -> Path:
    office = OFFICE.replace("name: 审批科", f"name: {LONG_NAME * 2}").replace(
        "name: 丁某某", "name: 丁某某\u202etxt.exe" + "某" * 70)
    departments = {"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": office}
    for i in range(4):  # several long-named departments: every one written
        departments[f"spk{i}"] = office.replace("id: spk\n", f"id: spk{i}\n").replace("spk-", f"spk{i}-").replace(
            "owner: spk,", f"owner: spk{i},").replace("p-ke", f"p-ke{i}").replace("id: R1", f"id: R1-{i}").replace(LONG_NAME, LONG_NAME + str(i), 1)
    return write_register(tmp_path, departments=departments)


def test_long_names_make_file_names_within_255_bytes_and_every_file_is_written(tmp_path, runner, monkeypatch):
    root = _register_with_long_names(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run(runner, "render", "xlsx", "--by-department", "-r", str(root), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(names) == 7
    assert all(len(n.encode()) <= 255 and "\u202e" not in n for n in names)
    result = run(runner, "brief", "--department", "spk", "-r", str(root), "-o", str(tmp_path / "briefs"))
    assert result.exit_code == 0, result.output
    [brief] = (tmp_path / "briefs").iterdir()
    assert len(brief.name.encode()) <= 255 and "\u202e" not in brief.name


def test_a_text_longer_than_a_cell_is_reported_and_noted_not_cut_silently(tmp_path, runner, monkeypatch):
    text = "初审与复核分离并留存现场核查记录" * 2100  # 33,600 characters
    office = OFFICE.replace("text: 初审与复核分离并留存现场核查记录", f"text: {text}")
    root = write_register(tmp_path, departments={"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": office})
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "out.xlsx"
    result = runner.invoke(__import__("lianzheng_cli.cli", fromlist=["app"]).app,
                           ["render", "xlsx", "-r", str(root), "-o", str(target)])
    assert result.exit_code == 0
    assert "R1" in result.stderr and "32767" in result.stderr and "警告" in result.stderr
    wb = load_workbook(target, read_only=True)
    cells = [c for ws in wb for row in ws.iter_rows(values_only=True) for c in row
             if isinstance(c, str) and c.startswith("1.【中期监控】初审与复核")]
    assert cells and all(len(c) == MAX_CELL_TEXT and "全文见登记簿" in c for c in cells)
    # the register text it carries keeps the whole text, and vouches for the cut cells as they were written
    from lianzheng_cli.importing.read import read_source
    from lianzheng_cli.importing.snapshot import find_snapshot

    source = read_source(target)
    snapshot = find_snapshot(source.sheets)
    assert snapshot is not None and text in snapshot.files["departments/spk.yaml"]
    assert snapshot.edited(source.sheets) == []


@pytest.mark.parametrize(("command", "target"), [
    (("render", "xlsx"), "out.xlsx"), (("report",), "report.md"), (("brief", "p-ke"), "brief.md"),
    (("brief", "p-ke", "--xlsx"), "brief.xlsx"), (("report", "--docx"), "report.docx"),
])
def test_io_errors_are_said_in_chinese_without_a_traceback(small_register, runner, monkeypatch, tmp_path, command,
                                                           target):
    from lianzheng_cli import fileio

    def full_disk(file, mode="r", *args, **kwargs):  # every file lz writes goes through fileio
        raise OSError(errno.ENOSPC, "No space left on device", str(file))

    monkeypatch.setattr(fileio, "open", full_disk, raising=False)
    result = runner.invoke(__import__("lianzheng_cli.cli", fromlist=["app"]).app,
                           [*command, "-r", str(small_register), "-o", str(tmp_path / target)])
    assert result.exit_code == 2, result.output
    assert "磁盘空间不足" in result.stderr and "No space" not in result.stderr
    assert "Traceback" not in result.output

