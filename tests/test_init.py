"""lz init: the scaffold validates clean, its CI and editor files are well-formed, and lz diff runs in it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run
from lianzheng_cli import __version__
from lianzheng_cli.cli import app
from lianzheng_cli.validate.register import validate
from lianzheng_cli.write.scaffold import HOOKS_REPO, ScaffoldError, scaffold

FILES = [
    ".github/workflows/lz.yml", ".gitignore", ".gitlab-ci.yml", ".pre-commit-config.yaml",
    ".vscode/extensions.json", ".vscode/settings.json", "README.md", "registers/departments/bgs.yaml",
    "registers/org.yaml", "schemas/department.schema.json", "schemas/org.schema.json",
]
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def test_scaffold_writes_the_repository_and_it_validates_clean(runner, tmp_path):
    target = tmp_path / "登记簿"
    result = run(runner, "init", str(target), "--year", "2025", "--org-name", "示例县统计局", "--org-id", "tjj")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"已在 {target} 生成登记簿仓库(11 个文件)。下一步:\n")
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == FILES
    checked = run(runner, "validate", "-r", str(target / "registers"))
    assert checked.exit_code == 0, checked.output
    assert checked.stdout == "已检查 2 个文件:1 个部门、1 个风险点、1 项措施,没有发现错误\n"
    if any(c.name == "lint" for c in app.registered_commands):  # a new user's first lint finds nothing either
        linted = run(runner, "lint", "-r", str(target / "registers"))
        assert linted.exit_code == 0, linted.output
    register = validate(target / "registers").register
    assert (register.org.id, register.org.name, register.org.year) == ("tjj", "示例县统计局", 2025)
    assert register.people["p-bgs-zhuren"].pledged.year == 2025


def test_schemas_are_wired_to_editors(tmp_path):
    scaffold(tmp_path / "r", year=2025)
    root = tmp_path / "r"
    assert (root / "registers/org.yaml").read_text(encoding="utf-8").splitlines()[0] == (
        "# yaml-language-server: $schema=../schemas/org.schema.json")
    assert (root / "registers/departments/bgs.yaml").read_text(encoding="utf-8").splitlines()[0] == (
        "# yaml-language-server: $schema=../../schemas/department.schema.json")
    for modeline_file in ("registers/org.yaml", "registers/departments/bgs.yaml"):
        first = (root / modeline_file).read_text(encoding="utf-8").splitlines()[0]
        assert (root / modeline_file).parent.joinpath(first.split("$schema=")[1]).resolve().is_file()
    settings = json.loads((root / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {
        "./schemas/org.schema.json": ["registers/org.yaml"],
        "./schemas/department.schema.json": ["registers/departments/*.yaml", "registers/departments/*.yml"],
    }
    assert (root / "schemas/org.schema.json").read_bytes() == (REPO / "schemas/org.schema.json").read_bytes()
    assert (root / ".gitignore").read_text(encoding="utf-8").splitlines()[1:] == [".lz-cache/", "out/"]


def test_ci_and_pre_commit_files(tmp_path):
    root = tmp_path / "r"
    scaffold(root, year=2025)
    config = yaml.safe_load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config == {"repos": [{"repo": HOOKS_REPO, "rev": f"v{__version__}",
                                 "hooks": [{"id": "lz-validate"}, {"id": "lz-lint"}]}]}
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["lz-validate", "lz-lint"]
    workflow = yaml.safe_load((root / ".github/workflows/lz.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["register"]["steps"]
    runs = [s.get("run") for s in steps if "run" in s]
    assert runs == [f'pip install "lianzheng-cli @ git+{HOOKS_REPO}@v{__version__}"', "lz validate --format github",
                    'lz diff "origin/${{ github.base_ref }}" WORKTREE --format markdown > lz-diff.md',
                    "lz lint --format github"]
    comment = next(s for s in steps if s.get("uses", "").startswith("marocchino/sticky-pull-request-comment"))
    assert comment["with"] == {"header": "lz-diff", "path": "lz-diff.md"}
    gitlab = yaml.safe_load((root / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["lz-validate"]["script"] == ["lz validate", "lz lint"]
    script = "\n".join(gitlab["lz-diff"]["script"])
    assert 'lz diff "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" WORKTREE --format markdown > lz-diff.md' in script
    assert "$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes" in script
    # The CI files against the schemas GitHub and GitLab publish (vendored by check-jsonschema: no network).
    for schema, rel in (("vendor.github-workflows", ".github/workflows/lz.yml"),
                        ("vendor.gitlab-ci", ".gitlab-ci.yml")):
        done = subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(root / rel)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_a_non_empty_folder_is_refused_unless_forced(runner, tmp_path):
    target = tmp_path / "r"
    target.mkdir()
    (target / "notes.txt").write_text("已有文件", encoding="utf-8")
    refused = run(runner, "init", str(target))
    assert refused.exit_code == 2
    assert refused.stderr == f"lz: {target} 不是空目录;如确要在其中生成登记簿仓库(同名文件将被覆盖),请加 --force\n"
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]
    forced = run(runner, "init", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert (target / "notes.txt").read_text(encoding="utf-8") == "已有文件"
    assert (target / "registers/org.yaml").is_file()


def test_a_folder_holding_only_git_is_empty_and_a_file_is_refused(tmp_path):
    (tmp_path / "r" / ".git").mkdir(parents=True)
    assert "registers/org.yaml" in scaffold(tmp_path / "r")
    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="已存在且不是目录"):
        scaffold(tmp_path / "f")
    with pytest.raises(ScaffoldError, match="单位编号 `-x` 不合规"):
        scaffold(tmp_path / "g", org_id="-x")


def test_an_org_name_that_needs_quotes_stays_text(tmp_path):
    scaffold(tmp_path / "r", org_name="示例局: 第一分局 #1", year=2025)
    assert validate(tmp_path / "r" / "registers").register.org.name == "示例局: 第一分局 #1"


def test_lz_diff_runs_in_the_scaffold_after_git_init(runner, tmp_path, monkeypatch):
    root = tmp_path / "r"
    scaffold(root, year=2025)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.name", "甲某某")
    git("config", "user.email", "jia@example.org")
    git("add", "-A")
    git("commit", "-q", "-m", "登记簿初稿")
    monkeypatch.chdir(root)
    unchanged = run(runner, "diff")
    assert unchanged.exit_code == 0, unchanged.output
    assert unchanged.stdout.splitlines()[1] == "两个版本之间登记簿没有变化"
    bgs = root / "registers/departments/bgs.yaml"
    bgs.write_text(bgs.read_text(encoding="utf-8").replace("status: 落实中", "status: 已落实"), encoding="utf-8")
    changed = run(runner, "diff", "--format", "json")
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.stdout)["risks"]["changed"] == [{"id": "BGS-1", "department": "bgs", "changes": [
        {"field": "measures", "added": [], "removed": [], "changed": [
            {"id": "M1", "changes": [{"field": "status", "from": "落实中", "to": "已落实"}]}]}]}]
