"""Shared fixtures: small registers written as YAML text, the example register, the CLI runner."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lianzheng_cli.cli import app
from lianzheng_cli.i18n import set_language

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "registers"

ORG = """\
schema_version: 1
org:
  id: test-org
  name: 测试局
  head: p-head
  inspection: jjjc
year: 2025
grading:
  method: matrix
  matrix: {high: 15, medium: 8}
  floors:
    - when: {sanzhong_yida: true}
      grade: 高
    - when: {category: [行政审批, 行政处罚]}
      grade: 中
policy:
  rotation_years: 5
  briefing_days: 30
  warning_close_days: 30
  review_months: 12
"""

LEADERSHIP = """\
schema_version: 1
id: ldbz
name: 领导班子
kind: 领导班子
leader: p-head
supervisor: p-head
people:
  - {id: p-head, name: 甲某某, post: ldbz-head, since: 2023-01-01, briefed: 2023-01-10, pledged: 2025-02-01}
  - {id: p-vice, name: 乙某某, post: ldbz-vice, since: 2023-01-01, briefed: 2023-01-10, pledged: 2025-02-01}
posts:
  - {id: ldbz-head, name: 局长}
  - {id: ldbz-vice, name: 副局长}
"""

INSPECTION = """\
schema_version: 1
id: jjjc
name: 纪检监察室
kind: 内设机构
leader: p-jj
supervisor: p-head
people:
  - {id: p-jj, name: 丙某某, post: jjjc-zhuren, since: 2023-01-01, briefed: 2023-01-10, pledged: 2025-02-01}
posts:
  - {id: jjjc-zhuren, name: 纪检监察室主任}
"""

OFFICE = """\
schema_version: 1
id: spk
name: 审批科
kind: 内设机构
leader: p-ke
supervisor: p-vice
people:
  - {id: p-ke, name: 丁某某, post: spk-chushen, since: 2024-03-01, briefed: 2024-03-15, pledged: 2025-02-01}
posts:
  - {id: spk-chushen, name: 初审岗, powers: [spk-P01]}
powers:
  - {id: spk-P01, name: 经营者备案登记, scope: 外部, category: 行政审批, process: spk-F01}
processes:
  - id: spk-F01
    name: 备案流程
    steps:
      - {id: S1, name: 受理, post: spk-chushen}
      - {id: S2, name: 初审, post: spk-chushen}
risks:
  - id: R1
    title: 初审把关不严
    description: 未经现场核查即出具初审同意意见,对申请材料真实性把关不严
    type: 业务流程
    process: spk-F01
    step: S2
    posts: [spk-chushen]
    likelihood: 3
    impact: 4
    grade: 中
    measures:
      - {id: M1, text: 初审与复核分离并留存现场核查记录, stage: 中期监控, kind: 监督, owner: spk, status: 已落实}
"""


def write_register(root: Path, org: str = ORG, departments: dict[str, str] | None = None) -> Path:
    """A register folder under ``root``; ``departments`` maps file stem to YAML text."""
    if departments is None:
        departments = {"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": OFFICE}
    reg = root / "registers"
    (reg / "departments").mkdir(parents=True, exist_ok=True)
    (reg / "org.yaml").write_text(textwrap.dedent(org), encoding="utf-8")
    for stem, text in departments.items():
        (reg / "departments" / f"{stem}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return reg


@pytest.fixture(autouse=True)
def _chinese_by_default(monkeypatch, tmp_path_factory):
    monkeypatch.delenv("LZ_LANG", raising=False)
    # each test its own cache folder (and key), never the user's ~/.cache/lz
    monkeypatch.setenv("LZ_CACHE_DIR", str(tmp_path_factory.mktemp("lz-cache")))
    monkeypatch.delenv("LZ_NO_CACHE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    set_language(None)
    yield
    set_language(None)


@pytest.fixture
def small_register(tmp_path: Path) -> Path:
    return write_register(tmp_path)


@pytest.fixture
def example_register(tmp_path: Path) -> Path:
    """A private copy of the embedded example register."""
    target = tmp_path / "registers"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".lz-cache"))
    return target


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str):
    """Invoke the real CLI in-process; exceptions propagate so a traceback fails loudly."""
    return runner.invoke(app, list(args), catch_exceptions=False)
