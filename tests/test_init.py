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
    "registers/org.yaml", "schemas/approvals.schema.json", "schemas/assessments.schema.json",
    "schemas/department.schema.json", "schemas/org.schema.json",
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
    assert result.stdout.startswith(f"已在 {target} 生成登记簿仓库（13个文件）。下一步：\n")
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == FILES
    checked = run(runner, "validate", "-r", str(target / "registers"))
    assert checked.exit_code == 0, checked.output
    assert checked.stdout == "已检查2个文件：1个部门、1个风险点、1项措施，没有发现错误\n"
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
        "./schemas/approvals.schema.json": ["registers/approvals.yaml"],
        "./schemas/assessments.schema.json": ["registers/assessments.yaml"],
    }
    assert (root / "schemas/org.schema.json").read_bytes() == (REPO / "schemas/org.schema.json").read_bytes()
    ignored = [line for line in (root / ".gitignore").read_text(encoding="utf-8").splitlines()
               if not line.startswith("#")]
    assert ignored == ["out/", "*.lz-tmp", "*.lz-orig", ".lz-journal", ".lz-cache/"]


LOCAL_HOOK = {"id": "lz-lint", "name": "lz lint（校验并检查登记簿）", "entry": "lz lint", "language": "system",
              "pass_filenames": False, "files": "(^|/)registers/.*\\.ya?ml$"}


def load_yaml(root: Path, rel: str):
    return yaml.safe_load((root / rel).read_text(encoding="utf-8"))


def test_ci_and_pre_commit_files(tmp_path):
    root = tmp_path / "r"
    scaffold(root, year=2025)
    # One local hook running the installed lz: no release, no network. lz lint validates first, so every
    # problem is reported once (a second, lz validate hook would repeat the validation errors).
    config = load_yaml(root, ".pre-commit-config.yaml")
    assert config == {"repos": [{"repo": "local", "hooks": [LOCAL_HOOK]}]}
    assert "每个问题只报告一次" in (root / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["lz-validate", "lz-lint"]
    assert {h["entry"] for h in hooks} == {"lz validate", "lz lint"}
    assert HOOKS_REPO.startswith("https://")
    workflow = load_yaml(root, ".github/workflows/lz.yml")
    steps = workflow["jobs"]["register"]["steps"]
    runs = [s.get("run") for s in steps if "run" in s]
    assert workflow["env"] == {"LZ_SOURCE": f"lianzheng-cli=={__version__}"}
    assert runs == ['pip install "$LZ_SOURCE"', "lz lint --format github",
                    "lz lint --format sarif > lz.sarif || [ $? -eq 1 ]",
                    'lz diff "origin/$BASE_REF" WORKTREE --format markdown > lz-diff.md']
    comment = next(s for s in steps if s.get("uses", "").startswith("marocchino/sticky-pull-request-comment"))
    assert comment["with"] == {"header": "lz-diff", "path": "lz-diff.md"}
    gitlab = load_yaml(root, ".gitlab-ci.yml")
    assert gitlab["variables"]["LZ_SOURCE"] == f"lianzheng-cli=={__version__}"
    assert gitlab["default"]["before_script"] == ['pip install "$LZ_SOURCE"']
    # The CI files against the schemas GitHub and GitLab publish (vendored by check-jsonschema: no network).
    for schema, rel in (("vendor.github-workflows", ".github/workflows/lz.yml"),
                        ("vendor.gitlab-ci", ".gitlab-ci.yml")):
        done = subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(root / rel)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_github_uploads_sarif_and_passes_event_values_through_env(tmp_path):
    scaffold(tmp_path / "r", year=2025)
    workflow = load_yaml(tmp_path / "r", ".github/workflows/lz.yml")
    job = workflow["jobs"]["register"]
    assert job["permissions"]["security-events"] == "write"
    assert job["permissions"]["pull-requests"] == "write"
    steps = {s.get("name", s.get("uses")): s for s in job["steps"]}
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"] == {"sarif_file": "lz.sarif", "category": "lz"}
    assert upload["if"] == "${{ !cancelled() && steps.sarif.outcome == 'success' }}"
    assert upload["continue-on-error"] is True  # private repositories without code scanning, forks
    assert steps["生成代码扫描结果（SARIF）"]["id"] == "sarif"
    diff = steps["比对变更（lz diff）"]
    assert diff["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    for step in job["steps"]:  # no expression is expanded into a shell command
        assert "${{" not in step.get("run", ""), step


def test_gitlab_runs_merge_request_pipelines_once_with_code_quality_and_a_comment(tmp_path):
    root = tmp_path / "r"
    scaffold(root, year=2025)
    gitlab = load_yaml(root, ".gitlab-ci.yml")
    assert gitlab["workflow"] == {"rules": [
        {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'},
        {"if": "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", "when": "never"},
        {"if": "$CI_COMMIT_BRANCH"}]}
    assert gitlab["lz-lint"]["script"] == [
        "lz lint --format codeclimate > gl-code-quality-report.json || [ $? -eq 1 ]", "lz lint"]
    assert gitlab["lz-lint"]["artifacts"] == {"when": "always",
                                              "reports": {"codequality": "gl-code-quality-report.json"}}
    job = gitlab["lz-diff"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["variables"] == {"GIT_DEPTH": "0"}
    script = "\n".join(job["script"])
    assert 'lz diff "$base" WORKTREE --format markdown > lz-diff.md' in script
    assert "LZ_GITLAB_TOKEN" in script and "<!-- lz-diff -->" in script and "CI_JOB_TOKEN" not in script
    readme = (root / "README.md").read_text(encoding="utf-8")
    for words in ("LZ_GITLAB_TOKEN", "遮蔽", "**不要**勾选“保护变量”", "角色 Reporter，范围 `api`", "<!-- lz-diff -->",
                  "代码质量"):
        assert words in readme, words
    header = (root / ".gitlab-ci.yml").read_text(encoding="utf-8").split("\nworkflow:")[0]
    assert "不要设为“受保护”" in header and "Reporter" in header


def test_hooks_from_a_repository_and_lz_from_a_chosen_source(runner, tmp_path):
    target = tmp_path / "r"
    wheel = "vendor/lianzheng_cli-0.1.0-py3-none-any.whl"
    result = run(runner, "init", str(target), "--hooks-repo", "https://git.example.org/tools/lz.git",
                 "--hooks-rev", "v0.1.0", "--lz-source", wheel)
    assert result.exit_code == 0, result.output
    assert load_yaml(target, ".pre-commit-config.yaml") == {"repos": [{
        "repo": "https://git.example.org/tools/lz.git", "rev": "v0.1.0", "hooks": [{"id": "lz-lint"}]}]}
    assert load_yaml(target, ".github/workflows/lz.yml")["env"]["LZ_SOURCE"] == wheel
    assert load_yaml(target, ".gitlab-ci.yml")["variables"]["LZ_SOURCE"] == wheel
    odd = 'lianzheng-cli @ git+https://x.example/lz.git@v1 # "引号" $CI_JOB_TOKEN: {a}'
    scaffold(tmp_path / "odd", lz_source=odd, hooks_repo="git@x.example:lz.git", hooks_rev="#1")
    assert load_yaml(tmp_path / "odd", ".gitlab-ci.yml")["variables"]["LZ_SOURCE"] == odd
    assert load_yaml(tmp_path / "odd", ".github/workflows/lz.yml")["env"]["LZ_SOURCE"] == odd
    assert load_yaml(tmp_path / "odd", ".pre-commit-config.yaml")["repos"][0]["rev"] == "#1"


def test_hooks_repo_and_rev_go_together_and_values_stay_on_one_line(runner, tmp_path):
    refused = run(runner, "init", str(tmp_path / "a"), "--hooks-repo", "https://git.example.org/lz.git")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("lz: --hooks-repo 与 --hooks-rev 须同时给出")
    assert not (tmp_path / "a").exists()
    with pytest.raises(ScaffoldError, match="--hooks-rev 须同时给出"):
        scaffold(tmp_path / "b", hooks_rev="v1")
    with pytest.raises(ScaffoldError, match="--lz-source 的值 `lz\\\\nrm` 不能为空"):
        scaffold(tmp_path / "c", lz_source="lz\nrm")
    with pytest.raises(ScaffoldError, match="--lz-source"):
        scaffold(tmp_path / "d", lz_source="  ")


def test_a_non_empty_folder_is_refused_unless_forced(runner, tmp_path):
    target = tmp_path / "r"
    target.mkdir()
    (target / "notes.txt").write_text("已有文件", encoding="utf-8")
    refused = run(runner, "init", str(target))
    assert refused.exit_code == 2
    assert refused.stderr == f"lz: {target} 不是空目录；如确要在其中生成登记簿仓库（同名文件将被覆盖），请加 --force\n"
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
