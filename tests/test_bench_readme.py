"""The README's benchmark section: plain figures for the users, written by benchmarks/bench.py from a run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def bench_module():
    spec = importlib.util.spec_from_file_location("bench", REPO / "benchmarks" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_readme_gets_each_commands_figures_without_targets(tmp_path):
    bench = bench_module()
    run = (REPO / "benchmarks" / "results" / "latest.md").read_text(encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(f"# 前言\n\n{bench.START}\nold\n{bench.END}\n\n后记\n", encoding="utf-8")
    bench.update_readme(run, readme)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(f"# 前言\n\n{bench.START}\n- 测试机器：") and text.endswith(f"{bench.END}\n\n后记\n")
    block = text.split(bench.START)[1].split(bench.END)[0]
    for internal in ("Target", "target", "missed", "met", "issue", "yamllint", "not run"):
        assert internal not in block, internal
    assert "| 操作 | 用时（秒，中位数） | 最短–最长（秒） | 内存峰值（MB） |" in block
    assert "| lz validate（无缓存） |" in block and "| lz report（年度报告） |" in block


def test_the_readme_shows_the_latest_run():
    bench = bench_module()
    run = (REPO / "benchmarks" / "results" / "latest.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert bench.readme_block(run) in readme
