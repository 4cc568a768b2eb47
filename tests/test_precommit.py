"""The pre-commit hooks of this repository (.pre-commit-hooks.yaml), run by the real pre-commit.

pre-commit installs a hook repository from git at a revision: the current tree's package files are
committed into a temporary repository, which a temporary register repository names in its
.pre-commit-config.yaml. pre-commit then builds a virtual environment and pip-installs lz into it
(from PyPI's packages), as it would for a user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, write_register
from lianzheng_cli.cli import app

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
# What pip needs to build and install lz: the package, its data, and the hooks file.
PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src", "schemas", "templates")


def registered(command: str) -> bool:
    return any((c.name or getattr(c.callback, "__name__", "")) == command for c in app.registered_commands)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "甲某某")
    git(path, "config", "user.email", "jia@example.org")
    git(path, "config", "commit.gpgsign", "false")
    return path


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory) -> tuple[Path, str]:
    """A git repository holding a copy of this tree's package, and the commit pre-commit installs from."""
    repo = init_repo(tmp_path_factory.mktemp("hooks") / "lianzheng-cli")
    for name in PACKAGE_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_data"))
        else:
            shutil.copy2(source, repo / name)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hooks under test")
    return repo, git(repo, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    """One pre-commit cache for the module: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def run_pre_commit(register_repo: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1",
           "GIT_CONFIG_GLOBAL": os.devnull}
    env.pop("VIRTUAL_ENV", None)
    git(register_repo, "add", "-A")
    return subprocess.run([str(PRE_COMMIT), "run", "--all-files", "--color", "never"], cwd=register_repo, env=env,
                          capture_output=True, text=True, timeout=900)


@pytest.mark.parametrize("hook", ["lz-validate", "lz-lint"])
def test_hook_fails_on_a_broken_register_and_passes_on_a_clean_one(tmp_path, hooks_repo, pre_commit_home, hook):
    command = hook.removeprefix("lz-")
    if not registered(command):
        pytest.skip(f"`lz {command}` is not registered in lianzheng_cli.cli yet, so its hook cannot run")
    repo, rev = hooks_repo
    register_repo = init_repo(tmp_path / "register")
    write_register(register_repo)
    (register_repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: {hook}\n", encoding="utf-8")

    clean = run_pre_commit(register_repo, pre_commit_home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout, clean.stdout

    office = register_repo / "registers/departments/spk.yaml"
    office.write_text(office.read_text(encoding="utf-8").replace("likelihood: 3", "likelihood: 高"),
                      encoding="utf-8")
    broken = run_pre_commit(register_repo, pre_commit_home)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout
    assert "- exit code: 1" in broken.stdout
    assert "registers/departments/spk.yaml:27:17" in broken.stdout
    assert "LZ012" in broken.stdout


def test_hooks_only_run_when_a_register_file_is_committed(tmp_path, hooks_repo, pre_commit_home):
    repo, rev = hooks_repo
    register_repo = init_repo(tmp_path / "register")
    (register_repo / "README.md").write_text("说明\n", encoding="utf-8")
    (register_repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: lz-validate\n", encoding="utf-8")
    skipped = run_pre_commit(register_repo, pre_commit_home)
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert "(no files to check)Skipped" in skipped.stdout
