"""A small register for the report and brief tests: one office with a process, risks of each grade,
measures due around 2025-06-30, warnings opened and closed around it, and text that Markdown and
Mermaid must escape (a `|`, a newline, quotes, `#`, `;` and brackets)."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from conftest import INSPECTION, LEADERSHIP, ORG, write_register

AS_OF = "2025-06-30"

STARS_ORG = ORG + "display:\n  grade: stars\n"

OFFICE = """\
schema_version: 1
id: spk
name: 审批科
kind: 内设机构
leader: p-ke
supervisor: p-vice
people:
  - {id: p-ke, name: 丁某某, post: spk-kezhang, since: 2024-03-01, briefed: 2024-03-15, pledged: 2025-02-01}
  - {id: p-wu, name: 戊某某, post: spk-chushen, since: 2025-01-02}
posts:
  - {id: spk-kezhang, name: 审批科科长, duties: 主持审批科工作, powers: [spk-P01]}
  - {id: spk-chushen, name: 初审岗, duties: 对申请材料进行初审, powers: [spk-P01]}
powers:
  - {id: spk-P01, name: 经营者备案登记, scope: 外部, category: 行政审批, basis: [《备案登记办法》], process: spk-F01}
processes:
  - id: spk-F01
    name: 备案流程
    time_limit: 5个工作日
    steps:
      - {id: S1, name: 受理, post: spk-chushen, time_limit: 1个工作日}
      - {id: S2, name: '初审"材料" #1; [核查]', post: spk-chushen}
      - {id: S3, name: 科长审批, post: spk-kezhang, time_limit: 2个工作日}
risks:
  - id: R1
    title: 初审把关不严
    description: "未经现场核查即出具初审意见|对材料真实性\\n把关不严"
    type: 业务流程
    process: spk-F01
    step: S2
    posts: [spk-chushen]
    likelihood: 4
    impact: 4
    measures:
      - {id: M1, text: 初审与复核分离, stage: 前期预防, kind: 制度, owner: spk, due: 2025-06-29, status: 落实中}
      - {id: M2, text: 系统比对|自动预警, stage: 中期监控, kind: 科技, owner: spk-chushen, due: 2025-06-30}
      - {id: M3, text: 徇私出具意见的调离岗位, stage: 后期处置, owner: p-ke, due: 2025-01-31, status: 已落实}
  - id: R2
    title: 审批无故拖延
    description: 科长对材料齐全的申请无故拖延审批,变相索要好处
    type: 岗位职责
    process: spk-F01
    step: S3
    posts: [spk-kezhang]
    likelihood: 2
    impact: 3
    measures:
      - {id: M1, text: 审批时限电子监察，超时自动提醒, stage: 中期监控, kind: 科技, owner: p-ke}
  - id: R3
    title: 节日收受购物卡
    description: 节日期间收受申请企业赠送的购物卡
    type: 外部环境
    posts: [spk-chushen]
    likelihood: 2
    impact: 2
    measures:
      - {id: M1, text: 节前廉洁提醒, stage: 前期预防, kind: 教育, owner: jjjc}
  - id: R4
    title: 流程外受理
    description: 绕开窗口私下受理熟人的备案申请
    type: 业务流程
    process: spk-F01
    posts: [spk-kezhang]
    likelihood: 1
    impact: 2
warnings:
  - {id: W1, risk: R1, date: 2025-05-31, level: 预警, source: 信访举报, finding: 同一申请人材料不全仍予受理}
  - {id: W2, risk: R2, date: 2025-05-01, level: 提示, action: 风险提示, closed: 2025-06-30}
  - {id: W3, risk: R1, date: 2025-04-01, level: 提示, action: 风险提示, closed: 2025-07-01}
  - {id: W4, risk: R2, date: 2025-07-01, level: 提示}
"""


def report_register(root: Path) -> Path:
    return write_register(root, STARS_ORG, {"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": OFFICE})


GOLDEN = Path(__file__).parent / "golden"


def assert_golden(actual: str, name: str) -> None:
    """Compare with ``tests/golden/<name>``; print a unified diff on mismatch (LZ_UPDATE_GOLDEN=1 rewrites it)."""
    path = GOLDEN / name
    if os.environ.get("LZ_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            f"golden/{name}", "actual"))
        pytest.fail(f"output differs from tests/golden/{name}:\n{diff}", pytrace=False)
