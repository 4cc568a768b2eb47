"""An incremental lint (lint.incremental) finds exactly what a full run finds, and builds only a neighbourhood.

The register is the benchmark generator's (three bureaus, their leadership departments, the inspection office):
its risks name the posts of their bureau's leaders, its measures are owned across files, and it has findings of
most rules, register-wide ones (copies, boilerplate measures) included.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import INSPECTION, LEADERSHIP, OFFICE, run, write_register
from lianzheng_cli.lint import incremental
from lianzheng_cli.lint.incremental import IncrementalLint
from lianzheng_cli.load.cache import open_cache
from lianzheng_cli.validate.register import validate
from test_make_register import make_register


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    make_register.generate(out, departments=24)
    return out / "registers"


@pytest.fixture
def register(generated, tmp_path) -> Path:
    target = tmp_path / "registers"
    shutil.copytree(generated, target)
    return target


def lint_now(root: Path, **options) -> tuple[IncrementalLint, list[tuple]]:
    job = IncrementalLint(root, **options)
    found = job.run(validate(root, model=job.needs_model))
    return job, [(d.code, d.severity, d.file, d.line, d.column, d.message, d.subject) for d in found]


def full(root: Path) -> list[tuple]:
    return lint_now(root, use_cache=False)[1]


def department(root: Path, stem: str) -> Path:
    return root / "departments" / f"{stem}.yaml"


def descriptions(path: Path) -> list[str]:
    return re.findall(r"(?m)^    description: (.*)$", path.read_text(encoding="utf-8"))


def copy_a_description(root: Path) -> str:
    """A risk of czj-spg takes the description of a risk of fgj-xmb word for word (LZ502 across files)."""
    target = department(root, "czj-spg")
    text = target.read_text(encoding="utf-8")
    first = descriptions(target)[0]
    target.write_text(text.replace(first, descriptions(department(root, "fgj-xmb"))[2], 1), encoding="utf-8")
    return "czj-spg"


def repeat_a_measure(root: Path) -> str:
    """Three measures of czj-cwg take the text of one measure of zrj-ldbz: its count goes from one to four, and
    zrj-ldbz, unchanged, gets an LZ503 finding."""
    other = re.search(r"\{id: M[0-9]+, text: ([^,]+), stage", department(root, "zrj-ldbz").read_text(encoding="utf-8"))
    assert other is not None
    target = department(root, "czj-cwg")
    text = target.read_text(encoding="utf-8")
    for old in re.findall(r"\{id: M1, text: ([^,]+),", text)[:3]:
        text = text.replace(old, other.group(1), 1)
    target.write_text(text, encoding="utf-8")
    return "czj-cwg"


def suppress_a_finding(root: Path) -> str:
    """A suppression comment above a finding, and one that suppresses nothing (LZ902)."""
    findings = [f for f in full(root) if f[2] == "departments/czj-xmb.yaml" and f[0] == "LZ201"]
    assert findings
    target = department(root, "czj-xmb")
    lines = target.read_text(encoding="utf-8").split("\n")
    line = findings[0][3]
    indent = re.match(r" *", lines[line - 1]).group(0)
    lines.insert(line - 1, f"{indent}# lz: disable=LZ201,LZ504 已于年中整改")
    target.write_text("\n".join(lines), encoding="utf-8")
    return "czj-xmb"


@pytest.mark.parametrize("edit", [copy_a_description, repeat_a_measure, suppress_a_finding])
def test_a_warm_run_finds_what_a_full_run_finds(register, edit):
    job, before = lint_now(register)
    assert job.how == "full" and before == full(register)
    changed = edit(register)
    job, after = lint_now(register)
    assert job.how == "warm"
    assert after == full(register)
    assert after != before
    assert f"departments/{changed}.yaml" in job.again
    # the neighbourhood: the changed file, its bureau's leaders, the files org.yaml names (and what they name)
    assert len(job.built) <= 12 < len(list((register / "departments").glob("*.yaml")))
    job, again = lint_now(register)
    assert job.how == "unchanged" and again == after


def test_what_the_edits_change_is_what_the_warm_run_must_see(register):
    """The edits above do change findings outside the edited file: the warm run is tested where it matters."""
    before = full(register)
    repeat_a_measure(register)
    outside = {f for f in full(register) if f not in before and f[2] != "departments/czj-cwg.yaml"}
    assert any(f[0] == "LZ503" and f[2] == "departments/zrj-ldbz.yaml" for f in outside)


def test_a_change_to_a_file_org_yaml_names_or_to_org_yaml_is_a_full_run(register):
    lint_now(register)
    head = department(register, "ldbz")  # org.head is a person of ldbz
    head.write_text(head.read_text(encoding="utf-8").replace("name: ", "name: 新", 1), encoding="utf-8")
    job, found = lint_now(register)
    assert job.how == "full" and found == full(register)
    org = register / "org.yaml"
    org.write_text(org.read_text(encoding="utf-8") + "# 年中调整\n", encoding="utf-8")
    job, found = lint_now(register)
    assert job.how == "full" and job.needs_model and found == full(register)


def test_other_inputs_keep_their_own_results(register):
    lint_now(register)
    job, selected = lint_now(register, select=["LZ2"])
    assert job.how == "full" and {f[0][:3] for f in selected} == {"LZ2"}
    job, _ = lint_now(register)
    assert job.how == "full"  # one memo per register: the last run's inputs


def test_an_altered_memo_is_not_used(register):
    lint_now(register)
    cache = open_cache(register)
    assert cache is not None
    memo = cache.folder / incremental._memo_name(cache)
    stored = memo.read_bytes()
    memo.write_bytes(stored[:-1] + bytes([stored[-1] ^ 1]))
    job, found = lint_now(register)
    assert job.how == "full" and found == full(register)


def test_lz_lint_reports_the_same_cold_and_warm(register, runner, monkeypatch):
    cold = run(runner, "lint", "-r", str(register), "-f", "json")
    copy_a_description(register)
    warm = run(runner, "lint", "-r", str(register), "-f", "json")
    monkeypatch.setenv("LZ_NO_CACHE", "1")
    fresh = run(runner, "lint", "-r", str(register), "-f", "json")
    assert (warm.exit_code, warm.stdout) == (fresh.exit_code, fresh.stdout)
    assert warm.stdout != cold.stdout


# gzk's post holds a power and has no risk of its own; a 高 risk of spk names it, so gzk's head, there since 2018,
# is due to rotate (LZ301). When spk's risk names its own post instead, gzk — unchanged — has a post with powers and
# no risk (LZ202) and nobody to rotate: findings that depend on the files that refer to it.
TEAM = """\
schema_version: 1
id: gzk
name: 稽查科
kind: 内设机构
leader: p-gz
supervisor: p-vice
people:
  - {id: p-gz, name: 戊某某, post: gzk-zhang, since: 2018-01-01, briefed: 2018-01-10, pledged: 2025-02-01}
posts:
  - {id: gzk-zhang, name: 稽查科科长, powers: [gzk-P01]}
powers:
  - {id: gzk-P01, name: 违法行为查处, scope: 外部, category: 行政处罚}
"""
NAMING_RISK = """\
  - id: R2
    title: 查处案件选择性执法
    description: 稽查人员对同类违法行为区别对待,对关系企业降低处罚标准或者不予立案
    type: 岗位职责
    posts: [gzk-zhang]
    likelihood: 5
    impact: 4
    grade: 高
    measures:
      - {id: M1, text: 处罚决定经法制审核并报分管领导签批后公开, stage: 中期监控, kind: 监督, owner: spk, status: 已落实}
"""


def test_a_file_that_referring_files_change_is_linted_again(tmp_path, monkeypatch):
    monkeypatch.setattr(incremental, "MAX_SHARE", 1.0)  # a register this small is otherwise linted whole
    root = write_register(tmp_path, departments={"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": OFFICE + NAMING_RISK,
                                                 "gzk": TEAM})
    job, before = lint_now(root)
    assert before == full(root)
    assert [f[0] for f in before if f[2] == "departments/gzk.yaml"] == ["LZ301"]
    office = department(root, "spk")
    office.write_text(office.read_text(encoding="utf-8").replace("posts: [gzk-zhang]", "posts: [spk-chushen]"),
                      encoding="utf-8")
    job, after = lint_now(root)
    assert job.how == "warm" and "departments/gzk.yaml" in job.again
    assert after == full(root)
    assert [f[0] for f in after if f[2] == "departments/gzk.yaml"] == ["LZ202"]
