"""lz approve, LZ028 and lz diff approved, in real git repositories; the approval line in the documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import openpyxl
import pytest

from conftest import EXAMPLE, run
from test_diff import commit, git_run, init_repo

REF = "局党组会〔2025〕3号"


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repo(tmp_path) -> Path:
    """The example register committed in a repository of its own."""
    top = init_repo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, top / "registers", ignore=shutil.ignore_patterns(".lz-cache"))
    (top / ".gitignore").write_text(".lz-cache/\n", encoding="utf-8")
    commit(top, "登记簿初稿", "2025-02-20T10:00:00+08:00")
    return top


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def lz028(runner, registers: Path, command: str = "validate") -> list[str]:
    result = run(runner, command, "-r", str(registers), "--format", "json")
    import json

    assert result.exit_code == 0, result.output
    return [f"{d['file']}:{d['line']}" for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "LZ028"]


def test_the_warning_appears_only_after_a_change(runner, repo):
    registers = repo / "registers"
    result = run(runner, "approve", "-r", str(registers), "--by", "党组会", "--date", "2025-03-01", "--ref", REF)
    assert result.exit_code == 0, result.output
    head = git_run(repo, "rev-parse", "HEAD")
    assert f"已记录审核：党组会 2025-03-01，{REF}，范围：整个登记簿，版本 {head[:7]}" in result.stdout
    text = (registers / "approvals.yaml").read_text(encoding="utf-8")
    assert text.endswith(f"approvals:\n  - body: 党组会\n    date: 2025-03-01\n    ref: {REF}\n    revision: {head}\n")
    assert lz028(runner, registers) == []  # approved as it is: nothing to tell
    commit(repo, "审核记录", "2025-03-02T10:00:00+08:00")
    assert lz028(runner, registers) == []  # committing the record changes no department

    wmfz = registers / "departments" / "wmfz.yaml"
    edit(wmfz, "title: 备案初审把关不严", "title: 备案初审把关不严格")
    assert lz028(runner, registers) == ["departments/wmfz.yaml:1"]  # the work tree already differs
    commit(repo, "改风险点名称", "2025-04-01T10:00:00+08:00")
    assert lz028(runner, registers) == ["departments/wmfz.yaml:1"]
    assert lz028(runner, registers, "lint") == ["departments/wmfz.yaml:1"]
    shown = run(runner, "validate", "-r", str(registers))
    assert shown.exit_code == 0  # a warning, not an error
    assert (f"LZ028 部门 `wmfz` 在最近一次审核（党组会 2025-03-01，{REF}，版本 {head[:7]}）之后有改动，"
            "请重新审核（lz approve）") in shown.stdout

    # the department's own meeting approves the new version: the warning goes, the others stay approved
    again = run(runner, "approve", "-r", str(registers), "--by", "部门会议", "--date", "2025-04-02",
                "--department", "wmfz")
    assert again.exit_code == 0, again.output
    assert "范围：对外贸易发展室" in again.stdout
    assert lz028(runner, registers) == []


def test_lz_diff_approved_compares_with_the_last_approved_revision(runner, repo, monkeypatch):
    registers = repo / "registers"
    assert run(runner, "approve", "-r", str(registers), "--by", "党组会", "--date", "2025-03-01").exit_code == 0
    commit(repo, "审核记录", "2025-03-02T10:00:00+08:00")
    edit(registers / "departments" / "wmfz.yaml", "title: 备案初审把关不严", "title: 备案初审把关不严格")
    commit(repo, "改风险点名称", "2025-04-01T10:00:00+08:00")
    monkeypatch.chdir(repo)
    for args in (("approved",), ("approved", "WORKTREE"), ("approved", "HEAD")):
        result = run(runner, "diff", *args)
        assert result.exit_code == 0, result.output
        assert "approved（" in result.stdout and "wmfz-R01" in result.stdout, args
        assert "approved → 最近一次审核的版本 " in result.output and "（党组会 2025-03-01）" in result.output
    assert "wmfz-R01" not in run(runner, "diff", "HEAD").stdout  # HEAD itself has the change


def test_diff_approved_without_approvals_is_a_usage_error(runner, repo, monkeypatch):
    monkeypatch.chdir(repo)
    result = run(runner, "diff", "approved")
    assert result.exit_code == 2
    assert "登记簿没有审核记录" in result.stderr


def test_approve_refuses_outside_git_and_with_uncommitted_changes(runner, repo, tmp_path):
    outside = tmp_path / "plain" / "registers"
    shutil.copytree(EXAMPLE, outside, ignore=shutil.ignore_patterns(".lz-cache"))
    result = run(runner, "approve", "-r", str(outside), "--by", "党组会")
    assert result.exit_code == 2
    assert "不在 git 仓库中" in result.stderr and not (outside / "approvals.yaml").exists()

    registers = repo / "registers"
    edit(registers / "departments" / "cwk.yaml", "name: 财务审计科\n", "name: 财务审计股\n")
    refused = run(runner, "approve", "-r", str(registers), "--by", "党组会")
    assert refused.exit_code == 2
    assert "所审核的文件有未提交的改动：registers/departments/cwk.yaml" in refused.stderr
    assert not (registers / "approvals.yaml").exists()
    # another department's meeting may approve its own, unchanged file
    assert run(runner, "approve", "-r", str(registers), "--by", "部门会议", "--department", "wmfz").exit_code == 0
    # an untracked new department file is uncommitted too
    git_run(repo, "checkout", "--", "registers/departments/cwk.yaml")
    (registers / "departments" / "new.yaml").write_text("schema_version: 1\nid: new\nname: 新设科\nkind: 内设机构\n",
                                                        encoding="utf-8")
    refused = run(runner, "approve", "-r", str(registers), "--by", "党组会")
    assert refused.exit_code == 2 and "registers/departments/new.yaml" in refused.stderr
    (registers / "departments" / "new.yaml").unlink()
    (registers / "说明.txt").write_text("登记簿说明\n", encoding="utf-8")
    commit(repo, "说明", "2025-02-21T10:00:00+08:00")
    git_run(repo, "mv", "registers/说明.txt", "registers/填写说明.txt")  # a rename: two paths in git's status
    refused = run(runner, "approve", "-r", str(registers), "--by", "党组会")
    assert refused.exit_code == 2, refused.output
    assert "改动：registers/填写说明.txt；" in refused.stderr


def test_approve_usage_errors(runner, repo):
    registers = repo / "registers"
    bad_body = run(runner, "approve", "-r", str(registers), "--by", "常委会")
    assert bad_body.exit_code == 2 and "审核主体 `常委会` 不在词表中" in bad_body.stderr
    bad_dept = run(runner, "approve", "-r", str(registers), "--by", "党组会", "--department", "zz")
    assert bad_dept.exit_code == 2 and "`zz`" in bad_dept.stderr
    bad_date = run(runner, "approve", "-r", str(registers), "--by", "党组会", "--date", "2025-02-30")
    assert bad_date.exit_code == 2
    assert not (registers / "approvals.yaml").exists()


def test_approve_appends_keeping_comments_and_a_registers_own_body(runner, repo):
    registers = repo / "registers"
    existing = ("# yaml-language-server: $schema=../schemas/approvals.schema.json\n"
                "schema_version: 1\n"
                "approvals:\n"
                "  # 上一年度定稿\n"
                "  - {body: 党委会, date: 2024-12-20, revision: " + "a" * 40 + "}  # 旧仓库的提交\n")
    (registers / "approvals.yaml").write_text(existing, encoding="utf-8")
    edit(registers / "org.yaml", "year: 2025\n", "year: 2025\nvocabulary:\n  add:\n    approval_body: [局党组会]\n")
    commit(repo, "旧审核记录", "2025-02-21T10:00:00+08:00")
    result = run(runner, "approve", "-r", str(registers), "--by", "局党组会", "--date", "2025-03-01", "--ref", REF)
    assert result.exit_code == 0, result.output
    text = (registers / "approvals.yaml").read_text(encoding="utf-8")
    assert text.startswith(existing)
    assert "  - body: 局党组会\n    date: 2025-03-01\n" in text
    # the old record's commit is not in this repository, but only each department's latest approval is compared
    shown = run(runner, "validate", "-r", str(registers))
    assert shown.exit_code == 0
    assert "LZ028" not in shown.stdout  # the latest approval covers every department, and nothing changed since


def test_an_approval_of_an_unknown_commit_is_told_at_the_record(runner, repo):
    registers = repo / "registers"
    (registers / "approvals.yaml").write_text(
        "schema_version: 1\napprovals:\n  - {body: 党组会, date: 2025-03-01, revision: " + "b" * 40 + "}\n",
        encoding="utf-8")
    assert lz028(runner, registers) == ["approvals.yaml:3"]


def test_a_register_outside_git_with_approvals_gets_no_warning(runner, tmp_path):
    registers = tmp_path / "plain" / "registers"
    shutil.copytree(EXAMPLE, registers, ignore=shutil.ignore_patterns(".lz-cache"))
    (registers / "approvals.yaml").write_text(
        "schema_version: 1\napprovals:\n  - {body: 党组会, date: 2025-03-01, revision: " + "c" * 40 + "}\n",
        encoding="utf-8")
    result = run(runner, "validate", "-r", str(registers))
    assert result.exit_code == 0 and "没有发现错误" in result.stdout


@pytest.mark.parametrize(("record", "code", "column"), [
    ("{body: 常委会, date: 2025-03-01, revision: " + "c" * 40 + "}", "LZ013", 12),
    ("{body: 党组会, date: 2025-03-01, revision: abc1234}", "LZ015", 45),
    ("{body: 党组会, date: 2025-03-01, department: zz, revision: " + "c" * 40 + "}", "LZ021", 47),
])
def test_a_wrong_approval_record_is_a_located_error(runner, tmp_path, record, code, column):
    registers = tmp_path / "registers"
    shutil.copytree(EXAMPLE, registers, ignore=shutil.ignore_patterns(".lz-cache"))
    (registers / "approvals.yaml").write_text(f"schema_version: 1\napprovals:\n  - {record}\n", encoding="utf-8")
    result = run(runner, "validate", "-r", str(registers))
    assert result.exit_code == 1
    assert f"approvals.yaml:3:{column}: {code}" in result.stdout


def test_documents_print_the_approval_line(runner, repo, tmp_path):
    registers = repo / "registers"
    assert run(runner, "approve", "-r", str(registers), "--by", "党组会", "--date", "2025-03-01", "--ref", REF,
               ).exit_code == 0
    assert run(runner, "approve", "-r", str(registers), "--by", "部门会议", "--date", "2025-03-05",
               "--department", "wmfz").exit_code == 0
    line = f"审核：党组会 2025-03-01（{REF}）"
    book = tmp_path / "一览表.xlsx"
    assert run(runner, "render", "xlsx", "-r", str(registers), "-o", str(book)).exit_code == 0
    assert line in openpyxl.load_workbook(book).worksheets[0]["A2"].value
    restored = tmp_path / "restored"  # the workbook carries approvals.yaml too: an import gives it back
    assert run(runner, "import", str(book), "--out", str(restored)).exit_code == 0
    assert (restored / "approvals.yaml").read_bytes() == (registers / "approvals.yaml").read_bytes()
    folder = tmp_path / "by-department"
    assert run(runner, "render", "xlsx", "-r", str(registers), "--by-department", "-o", str(folder)).exit_code == 0
    wmfz = next(p for p in folder.iterdir() if "对外贸易发展室" in p.name)
    assert "审核：部门会议 2025-03-05" in openpyxl.load_workbook(wmfz).worksheets[0]["A2"].value

    report = run(runner, "report", "-r", str(registers), "--as-of", "2025-12-31", "-o", "-")
    assert report.exit_code == 0 and f"\n{line}\n" in report.stdout
    word = tmp_path / "报告.docx"
    assert run(runner, "report", "-r", str(registers), "--as-of", "2025-12-31", "--docx", "-o", str(word)).exit_code == 0
    assert line in [p.text for p in docx.Document(str(word)).paragraphs]
    table = tmp_path / "一览表.docx"
    assert run(runner, "render", "docx", "-r", str(registers), "-o", str(table)).exit_code == 0
    assert any(line in p.text for p in docx.Document(str(table)).paragraphs)
