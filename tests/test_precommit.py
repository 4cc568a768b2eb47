"""The pre-commit hooks, run by the real pre-commit.

What `lz init` generates: a local hook running the installed lz. lz is built as a wheel and installed
into a fresh virtual environment, a register repository is made with that lz's `lz init`, and
`pre-commit run --all-files` runs its generated config with no network (the hook installs nothing).

This repository's .pre-commit-hooks.yaml (for `lz init --hooks-repo/--hooks-rev`): pre-commit installs a
hook repository from git at a revision: the current tree's package files are committed into a temporary
repository, which a temporary register repository names in its .pre-commit-config.yaml. pre-commit then
builds a virtual environment and pip-installs lz into it (from PyPI's packages), as it would for a user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from conftest import REPO, write_register
from lianzheng_cli.cli import app
from lianzheng_cli.write.scaffold import scaffold

# Every test here runs pre-commit; building its environments and the wheel takes a while.
pytestmark = pytest.mark.slow

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


# --- the config `lz init` writes: a local hook running the installed lz, offline ---------------------------

@pytest.fixture(scope="module")
def installed_lz(tmp_path_factory) -> Path:
    """lz as a user has it: a wheel of this tree, installed into a fresh virtual environment; its bin folder.

    The wheel is built by pip (with hatchling from the package index, or already installed). It is installed
    with --no-index; its dependencies are this test environment's, reached through a .pth file, so nothing
    is downloaded, and lz itself comes from the wheel (its code, schemas and templates).
    """
    work = tmp_path_factory.mktemp("wheel")
    isolation = ["--no-build-isolation"] if _importable("hatchling") else []
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", *isolation,
                            "-w", str(work / "dist"), str(REPO)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (work / "dist").glob("lianzheng_cli-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                                "--no-index", str(wheel)], capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    where = subprocess.run([str(venv / "bin" / "lz"), "--version"], capture_output=True, text=True)
    assert where.stdout == "lz 0.1.0\n", where.stdout + where.stderr
    origin = subprocess.run([str(python), "-c", "import lianzheng_cli; print(lianzheng_cli.__file__)"],
                            check=True, capture_output=True, text=True).stdout
    assert origin.startswith(str(venv)), origin  # the wheel's lz, not this checkout's
    return venv / "bin"


def _importable(module: str) -> bool:
    return subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True).returncode == 0


def offline_env(home: Path, lz_bin: Path) -> dict[str, str]:
    """pre-commit's environment: the installed lz first on PATH, this checkout's lz not at all, no network."""
    ours = str(Path(sys.executable).parent)
    path = os.pathsep.join([str(lz_bin), *(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != ours)])
    env = {**os.environ, "PATH": path, "PRE_COMMIT_HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1",
           "GIT_CONFIG_GLOBAL": os.devnull, "PIP_NO_INDEX": "1", "http_proxy": "http://127.0.0.1:9",
           "https_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
           "HTTPS_PROXY": "http://127.0.0.1:9"}
    for name in ("VIRTUAL_ENV", "LZ_LANG", "PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "PIP_INDEX_URL"):
        env.pop(name, None)
    return env


def run_offline(register_repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    git(register_repo, "add", "-A")
    return subprocess.run([str(PRE_COMMIT), "run", "--all-files", "--color", "never"], cwd=register_repo, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_generated_config_refuses_a_broken_register_offline(tmp_path, installed_lz):
    register_repo = init_repo(tmp_path / "register")
    made = subprocess.run([str(installed_lz / "lz"), "init", str(register_repo), "--year", "2025"],
                          capture_output=True, text=True, env=offline_env(tmp_path / "home", installed_lz))
    assert made.returncode == 0, made.stdout + made.stderr
    config = yaml.safe_load((register_repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config["repos"][0]["repo"] == "local"
    git(register_repo, "add", "-A")
    git(register_repo, "commit", "-q", "-m", "登记簿初稿")
    env = offline_env(tmp_path / "pre-commit-home", installed_lz)

    clean = run_offline(register_repo, env)
    print("\n--- pre-commit run --all-files (clean) ---\n" + clean.stdout + clean.stderr)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "lz lint（校验并检查登记簿）" in clean.stdout and "Passed" in clean.stdout

    bgs = register_repo / "registers/departments/bgs.yaml"
    text = bgs.read_text(encoding="utf-8")
    bgs.write_text(text.replace("likelihood: 2 ", "likelihood: 高 ").replace("status: 落实中", "status: 做完了"),
                   encoding="utf-8")
    broken = run_offline(register_repo, env)
    print("\n--- pre-commit run --all-files (broken) ---\n" + broken.stdout + broken.stderr)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout and "- exit code: 1" in broken.stdout
    lines = broken.stdout.splitlines()
    likelihood = next(i for i, line in enumerate(text.splitlines(), 1) if "likelihood: 2" in line)
    status = next(i for i, line in enumerate(text.splitlines(), 1) if "status: 落实中" in line)
    found = [line for line in lines if line.startswith("registers/departments/bgs.yaml:")]
    assert [line.split(": ")[0] + ": " + line.split(": ")[1].split()[0] for line in found] == [
        f"registers/departments/bgs.yaml:{likelihood}:17: LZ012", f"registers/departments/bgs.yaml:{status}:17: LZ013"]
    assert any(line.endswith("发现2个错误、0个警告") for line in lines)  # each error once, with one summary


def test_a_hooks_repository_named_by_lz_init_runs(tmp_path, hooks_repo, pre_commit_home):
    repo, rev = hooks_repo
    register_repo = init_repo(tmp_path / "register")
    scaffold(register_repo, year=2025, hooks_repo=str(repo), hooks_rev=rev)
    git(register_repo, "add", "-A")
    git(register_repo, "commit", "-q", "-m", "登记簿初稿")
    clean = run_pre_commit(register_repo, pre_commit_home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "lz lint（校验并检查登记簿）" in clean.stdout and "Passed" in clean.stdout
