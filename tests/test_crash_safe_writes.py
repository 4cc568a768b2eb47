"""Issue 14: grade --write changes all of its files or none even when killed, loses no save another program
makes meanwhile, leaves no stray file, and writes nothing outside the register."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, run
from test_grade import snapshot, two_files_with_mismatches

# Runs `lz grade --write` and kills the process (os._exit: no handler, no cleanup, like SIGKILL) when it is
# about to put the Nth new file in place, whichever call does it (a rename, a replace or a link).
KILLER = textwrap.dedent("""
    import os, sys
    from lianzheng_cli.cli import main
    count, kill_at = [0], int(os.environ["KILL_AT"])
    def watch(real):
        def call(src, dst, *args, **kwargs):
            if str(src).endswith(".lz-tmp") and str(dst).endswith(".yaml"):
                count[0] += 1
                if count[0] == kill_at:
                    os._exit(137)
            return real(src, dst, *args, **kwargs)
        return call
    os.replace, os.rename, os.link = watch(os.replace), watch(os.rename), watch(os.link)
    sys.argv = ["lz", "grade", "--write", "-r", sys.argv[1]]
    main()
""")


def killed_write(root: Path, kill_at: int) -> int:
    return subprocess.run([sys.executable, "-c", KILLER, str(root)], env={**os.environ, "KILL_AT": str(kill_at)},
                          capture_output=True, text=True).returncode


def grades_of(root: Path) -> dict[str, str]:
    return {name: ("new" if "grade: 高" in (root / "departments" / name).read_text(encoding="utf-8") else "old")
            for name in ("jjjc.yaml", "spk.yaml")}


def test_a_write_killed_between_two_files_is_completed_by_the_next_run(tmp_path, runner):
    root = two_files_with_mismatches(tmp_path)
    assert killed_write(root, kill_at=2) == 137
    result = run(runner, "validate", "-r", str(root))  # any command: the next lz run
    assert grades_of(root) == {"jjjc.yaml": "new", "spk.yaml": "new"}, result.output
    assert not [p for p in root.rglob("*") if p.name.startswith(".") and p.is_file()]  # no journal, no stray


@pytest.mark.parametrize("kill_at", [1, 2])
def test_lz_recover_leaves_every_file_new_or_every_file_old(tmp_path, runner, kill_at):
    root = two_files_with_mismatches(tmp_path)
    assert killed_write(root, kill_at) == 137
    result = run(runner, "recover", "-r", str(root))
    assert result.exit_code == 0
    assert len(set(grades_of(root).values())) == 1
    assert not [p for p in root.rglob("*") if p.name.startswith(".") and p.is_file()]


def test_strays_of_a_killed_write_are_removed_and_ignored_by_git(tmp_path, runner):
    root = two_files_with_mismatches(tmp_path)
    stray = root / "departments" / ".spk.yaml.1234.0badc0de.lz-tmp"
    stray.write_text("half a file", encoding="utf-8")
    run(runner, "lint", "-r", str(root))
    assert not stray.exists()
    ignored = (REPO / "templates" / "init" / "dot-gitignore").read_text(encoding="utf-8").split()
    assert "*.lz-tmp" in ignored and "*.lz-orig" in ignored and ".lz-journal" in ignored


def test_a_save_by_another_program_just_before_the_rename_is_not_lost(tmp_path, runner, monkeypatch):
    root = two_files_with_mismatches(tmp_path)
    target = root / "departments" / "spk.yaml"
    saved = target.read_text(encoding="utf-8").replace("审批科", "审批科(编辑器刚保存)")
    real = {"replace": os.replace, "rename": os.rename, "link": os.link}

    def editor_saves_first(name):
        def call(src, dst, *args, **kwargs):
            if str(src).endswith(".lz-tmp") and Path(dst) == target:
                target.write_text(saved, encoding="utf-8")  # after lz's last look, before its file goes in
            return real[name](src, dst, *args, **kwargs)
        return call

    for name in real:
        monkeypatch.setattr(os, name, editor_saves_first(name))
    result = run(runner, "grade", "--write", "-r", str(root))
    assert target.read_text(encoding="utf-8") == saved  # the editor's save survives
    assert result.exit_code == 1 and "其他程序修改" in result.stderr


def test_a_link_out_of_the_register_is_not_written_through(tmp_path, runner):
    root = two_files_with_mismatches(tmp_path)
    outside = tmp_path / "elsewhere.yaml"
    (root / "departments" / "spk.yaml").rename(outside)
    (root / "departments" / "spk.yaml").symlink_to(outside)
    before = outside.read_bytes()
    result = run(runner, "grade", "--write", "-r", str(root))
    assert result.exit_code == 1 and "--follow-symlinks" in result.stderr
    assert outside.read_bytes() == before
    result = run(runner, "grade", "--write", "--follow-symlinks", "-r", str(root))
    assert result.exit_code == 0 and outside.read_bytes() != before
    assert (root / "departments" / "spk.yaml").is_symlink()


def test_a_read_only_file_system_is_named_without_chmod_advice(tmp_path, runner, monkeypatch):
    root = two_files_with_mismatches(tmp_path)
    real_statvfs, real_access = os.statvfs, os.access

    class ReadOnly:
        def __init__(self, real):
            self._real = real
            self.f_flag = real.f_flag | getattr(os, "ST_RDONLY", 1)

        def __getattr__(self, name):
            return getattr(self._real, name)

    monkeypatch.setattr(os, "statvfs", lambda path: ReadOnly(real_statvfs(path)))
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if mode & os.W_OK else real_access(path, mode))
    before = snapshot(root)
    result = run(runner, "grade", "--write", "-r", str(root))
    assert result.exit_code == 1
    assert "只读" in result.stderr and "chmod" not in result.stderr
    assert snapshot(root) == before


def test_a_journal_lz_did_not_write_is_never_acted_on(tmp_path, runner):
    root = two_files_with_mismatches(tmp_path)
    target = root / "departments" / "spk.yaml"
    planted = target.with_name(".spk.yaml.0badc0de.lz-tmp")
    planted.write_text("schema_version: 1\nid: spk\n", encoding="utf-8")
    journal = ('{"version": 1, "tx": "0badc0de", "entries": [{"rel": "departments/spk.yaml", '
               f'"target": "{target}", "temp": "{planted}", "aside": "{target}.aside", "old": "0", "new": "0"}}]}}'
               "\nnot-a-mac\n")
    (root / ".lz-journal").write_text(journal, encoding="utf-8")
    before = target.read_bytes()
    result = run(runner, "validate", "-r", str(root))
    assert target.read_bytes() == before and planted.exists()
    assert "不是本机 lz 写的写入记录" in result.stderr


def test_a_key_planted_in_the_repository_does_not_make_a_journal_trusted(tmp_path, runner, monkeypatch):
    from lianzheng_cli.write import transaction

    root = two_files_with_mismatches(tmp_path)
    (tmp_path / ".git").mkdir()  # the register's work tree
    planted_home = tmp_path / ".lz-cache"
    monkeypatch.setenv("LZ_CACHE_DIR", str(planted_home))  # a CI that keeps its cache inside the checkout
    planted_home.mkdir(mode=0o700)
    key = b"k" * 32
    (planted_home / "key").write_bytes(key)
    (planted_home / "key").chmod(0o600)
    target = root / "departments" / "spk.yaml"
    planted = target.with_name(".spk.yaml.0badc0de.lz-tmp")
    planted.write_text("schema_version: 1\nid: spk\n", encoding="utf-8")
    body = ('{"version": 1, "tx": "0badc0de", "entries": [{"rel": "departments/spk.yaml", '
            f'"target": "{target}", "temp": "{planted}", "aside": "{target}.x.lz-orig", '
            f'"old": "{transaction._digest(target.read_bytes())}", '
            f'"new": "{transaction._digest(planted.read_bytes())}"}}]}}').encode()
    (root / ".lz-journal").write_bytes(body + b"\n" + transaction._journal_mac(key, body).encode() + b"\n")
    before = target.read_bytes()
    result = run(runner, "validate", "-r", str(root))
    assert target.read_bytes() == before, result.output
    assert "不是本机 lz 写的写入记录" in result.stderr
