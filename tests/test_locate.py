"""Locating from recorded item starts and the text agrees with a full second parse."""

from __future__ import annotations

import subprocess
import sys

from conftest import EXAMPLE, REPO
from lianzheng_cli.load.parse import load
from lianzheng_cli.load.positions import ItemLocator, Locator


def agree(raw: bytes, rel: str) -> int:
    items: dict = {}
    data = load(raw, rel, items=items).data
    full = Locator(lambda _rel: raw)
    fast = ItemLocator(raw.decode("utf-8"), items, full, rel)
    checked = 0
    for path in items:
        node = data
        for part in path:
            node = node[part]
        assert fast.at(rel, path) == full.at(rel, path), path
        for key in node:
            assert fast.at(rel, (*path, key), key=True) == full.at(rel, (*path, key), key=True), (path, key)
            checked += 1
    for key in data:
        assert fast.at(rel, (key,), key=True) == full.at(rel, (key,), key=True), key
    return checked


def test_item_locator_agrees_on_the_example_register():
    assert sum(agree(p.read_bytes(), p.name) for p in sorted((EXAMPLE / "departments").glob("*.yaml"))) > 1000


def test_item_locator_agrees_on_flow_style_and_comments():
    raw = """\
risks:
  # 注释
  - {id: R1, title: 标题, posts: [a, b], measures: [{id: M1, text: "x, y: z", owner: a}]}
  - id: R2   # 行尾注释
    title: >
      折叠的
      文本
    description: "引号: 内容"

    measures:
      - {id: M1, text: 文本, stage: 中期监控, owner: a}
      - id: M2
        text: |
          多行
          owner: 不是键
        owner: b
""".encode()
    assert agree(raw, "x.yaml") > 10


def test_item_locator_agrees_on_a_generated_register(tmp_path):
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_register.py"), "--departments", "3",
                    "--out", str(tmp_path / "gen")], check=True, capture_output=True)
    files = sorted((tmp_path / "gen" / "registers" / "departments").glob("*.yaml"))
    assert files and sum(agree(p.read_bytes(), p.name) for p in files) > 1000
