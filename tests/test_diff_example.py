"""lz diff on the example register, with edits to what grading reads of files that did not change: the pair
loader (which loads of those files only what grading declares it reads) against a full load of both sides."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import git
import pytest

from conftest import EXAMPLE
from lianzheng_cli.diff import diff_registers, diff_revisions, empty_register, load_pair
from lianzheng_cli.load import git as gitsource
from lianzheng_cli.load.git import resolve_revision
from lianzheng_cli.model.grading import GRADE_INPUTS, Grader, Inputs
from lianzheng_cli.validate.register import validate
from test_diff import commit, git_run, init_repo


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


# The example register, then edits to what grading reads that regrade risks of files that did not change.
EXAMPLE_EDITS = (
    # a risk now names a post of another department, whose power (三重一大, in ldbz.yaml) raises it to 高
    ("风险点涉及局长岗", {"departments/wmfz.yaml": [(
        "    posts: [ldbz-fg-yw]\n    likelihood: 2\n", "    posts: [ldbz-fg-yw, ldbz-juzhang]\n    likelihood: 2\n")]}),
    # a floor through a power in another department: 重要人事任免 (in ldbz.yaml, on 人事科's process rsk-F01) is
    # no longer 三重一大, so the risks of rsk.yaml on that process lose the 高 floor
    ("一个职权不再是三重一大", {"departments/ldbz.yaml": [(
        "    category: 人事管理\n    sanzhong_yida: true\n", "    category: 人事管理\n    sanzhong_yida: false\n")]}),
    # a post moved: 分管业务副局长 leaves ldbz.yaml for bgs.yaml and takes the “三重一大” power, so wmfz-R03
    # (wmfz.yaml, naming that post) is raised; a person moves post
    ("岗位迁移", {
        "departments/ldbz.yaml": [
            ("  - id: ldbz-fg-yw\n    name: 分管业务副局长\n    duties: 分管对外贸易发展室、市场运行调节科和商务综合行政执法大队,"
             "签批备案审批事项\n", ""),
            ("    post: ldbz-fg-zw\n", "    post: ldbz-fg-xm\n")],
        "departments/bgs.yaml": [("posts:\n", "posts:\n  - {id: ldbz-fg-yw, name: 分管业务副局长, powers: [ldbz-P01]}\n")]}),
    ("分级监控调整", {"org.yaml": [("  中: [分管领导, 部门负责人]", "  中: [分管领导, 纪检监察机构]")]}),
    ("评级标准调整", {"org.yaml": [("    medium: 8 ", "    medium: 9 ")]}),
)


@pytest.fixture
def example_history(tmp_path) -> git.Repo:
    repo = init_repo(tmp_path / "example")
    shutil.copytree(EXAMPLE, repo / "registers", ignore=shutil.ignore_patterns(".lz-cache"))
    commit(repo, "示例登记簿", "2025-01-06T10:00:00+08:00")
    git_run(repo, "tag", "e0")
    for day, (message, files) in enumerate(EXAMPLE_EDITS, start=7):
        for rel, replacements in files.items():
            path = repo / "registers" / rel
            text = path.read_text(encoding="utf-8")
            for old, new in replacements:
                assert text.count(old) == 1, old
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
        commit(repo, message, f"2025-01-{day:02d}T10:00:00+08:00")
        git_run(repo, "tag", f"e{day - 6}")
    return git.Repo(repo)


def full_load(repo: git.Repo, rev: str):
    located = gitsource.locate_register(repo, resolve_revision(repo, rev), "registers")
    if located.source is None:
        return located, empty_register()
    result = validate(Path(located.folder), located.source)
    assert result.register is not None, result.diagnostics
    return located, result.register


@pytest.mark.parametrize("revs", [
    ("e0", "e1"), ("e1", "e2"), ("e2", "e3"), ("e3", "e4"), ("e4", "e5"), ("e0", "e3"), ("e3", "e0"), ("e1", "e4"),
    ("e0", "e5"), ("e5", "e1"),
])
def test_edits_to_what_grading_reads_of_unchanged_files_diff_as_a_full_load_does(example_history, revs):
    (old_at, old), (new_at, new) = (full_load(example_history, rev) for rev in revs)
    pair = load_pair(old_at.source, new_at.source)
    assert pair.ok, pair.problems
    assert diff_registers(pair.old, pair.new).to_json() == diff_registers(old, new).to_json()
    # Every risk the diff grades is graded as from the full load (monitors are not part of a diff).
    levels = ("score", "method_grade", "floors", "computed", "declared", "effective")
    for loaded, full in ((pair.old, old), (pair.new, new)):
        other = pair.new if loaded is pair.old else pair.old
        for risk in loaded.risks.values():
            if other.risks.get(risk.id) != risk or Grader.of(other).powers_of(risk) != Grader.of(loaded).powers_of(risk):
                graded, expected = Grader.of(loaded).grade(risk), Grader.of(full).grade(full.risks[risk.id])
                assert [getattr(graded, f) for f in levels] == [getattr(expected, f) for f in levels], risk.id


def test_the_example_edits_regrade_risks_of_files_that_did_not_change(example_history):
    registers = Path(example_history.working_tree_dir) / "registers"
    named = diff_revisions("e0", "e1", register=registers)
    assert named.parsed["sliced"] == ["departments/ldbz.yaml"]  # only what grading reads of it
    assert named.diff.to_json()["risks"]["changed"] == [{"id": "wmfz-R03", "department": "wmfz", "changes": [
        {"field": "posts", "from": ["ldbz-fg-yw"], "to": ["ldbz-fg-yw", "ldbz-juzhang"]},
        {"field": "computed_grade", "from": "中", "to": "高", "direction": "raised"}]}]
    floor = diff_revisions("e1", "e2", register=registers)
    assert floor.parsed["old"] == floor.parsed["new"] == ["departments/ldbz.yaml"]
    assert {c["department"] for c in floor.diff.to_json()["risks"]["changed"]} == {"rsk"}
    moved = diff_revisions("e2", "e3", register=registers)
    assert "departments/wmfz.yaml" in moved.parsed["shared"]  # names the moved post: parsed whole, once
    assert {c["id"] for c in moved.diff.to_json()["risks"]["changed"]} == {"ldbz-R04", "ldbz-R07"}
    assert moved.diff.to_json()["people"]["moved"] == [{"id": "p-sun", "from": "ldbz-fg-zw", "to": "ldbz-fg-xm"}]
    monitoring = diff_revisions("e3", "e4", register=registers)
    assert monitoring.diff.empty and monitoring.parsed["shared"] == []


def test_the_pair_loader_follows_every_grade_input():
    # diff.pairs follows a risk to its posts and process, a post to its powers and a process to the powers on
    # it, and regrades everything when the org's grading changes. Grading that reads more of the documents
    # needs the pair loader taught first; then this list grows with it. A change of the org's vocabulary (its
    # aliases may name a category otherwise) parses every file, and each side builds them in its own words.
    followed = Inputs(org=frozenset({"grading", "vocabulary"}), department=frozenset({"posts", "powers"}))
    assert followed == GRADE_INPUTS
