"""An incremental lint (lint.incremental) finds exactly what a full run finds, and builds only a neighbourhood.

The register is the benchmark generator's (three bureaus, their leadership departments, the inspection office):
its risks name the posts of their bureau's leaders, its measures are owned across files, and it has findings of
most rules, register-wide ones (copies, boilerplate measures) included.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
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


# --- lz grade after a change (outputs/grade_incremental.py) ------------------------------------------------------


def grade_now(root: Path, **options):
    from lianzheng_cli.outputs.grade_incremental import IncrementalGrade

    job = IncrementalGrade(root, **options)
    return job, job.run(validate(root, model=job.needs_model))


def rename_a_leader(root: Path) -> str:
    """czj-cwg's supervisor, a person of czj-ldbz, is renamed: the monitors of czj-cwg's risks show the new name."""
    supervisor = re.search(r"(?m)^supervisor: (.+)$", department(root, "czj-cwg").read_text(encoding="utf-8"))
    assert supervisor is not None
    target = department(root, "czj-ldbz")
    text = target.read_text(encoding="utf-8")
    name = re.search(rf"- id: {supervisor.group(1)}\n    name: (.+)\n", text)
    assert name is not None
    target.write_text(text.replace(name.group(0), name.group(0).replace(name.group(1), "新任某某")), encoding="utf-8")
    return "czj-ldbz"


def regrade_a_risk(root: Path) -> str:
    target = department(root, "fgj-xmb")
    text = target.read_text(encoding="utf-8")
    target.write_text(re.sub(r"(?m)^    likelihood: [0-9]$", "    likelihood: 5", text, count=3), encoding="utf-8")
    return "fgj-xmb"


@pytest.mark.parametrize("edit", [rename_a_leader, regrade_a_risk])
def test_a_warm_grade_is_the_full_grade(register, edit):
    from lianzheng_cli.outputs.grades import build_grade_report

    job, before = grade_now(register)
    assert job.how == "full"
    changed = edit(register)
    job, after = grade_now(register)
    assert job.how == "warm" and f"departments/{changed}.yaml" in job.again
    whole = build_grade_report(validate(register).register)
    assert (after.rows, after.departments, after.method, after.monitoring) == (
        whole.rows, whole.departments, whole.method, whole.monitoring)
    assert after.rows != before.rows
    outside = {r.file for r in set(after.rows) - set(before.rows)}
    assert outside - {f"departments/{changed}.yaml"} or edit is regrade_a_risk
    job, again = grade_now(register)
    assert job.how == "unchanged" and again.rows == after.rows


def test_lz_grade_prints_the_same_cold_and_warm(register, runner, monkeypatch):
    run(runner, "grade", "--check", "-r", str(register))
    rename_a_leader(register)
    for fmt in ("text", "json"):
        warm = run(runner, "grade", "--check", "-r", str(register), "-f", fmt)
        monkeypatch.setenv("LZ_NO_CACHE", "1")
        fresh = run(runner, "grade", "--check", "-r", str(register), "-f", fmt)
        monkeypatch.delenv("LZ_NO_CACHE")
        assert (warm.exit_code, warm.stdout) == (fresh.exit_code, fresh.stdout)


# A power of gzk names spk's process: spk's risk on that process is graded with the power's floor, though spk
# refers to nothing in gzk. When the power becomes a 三重一大 matter, the risk's computed grade rises to 高.
TEAM_WITH_PROCESS_POWER = TEAM.replace(
    "  - {id: gzk-P01, name: 违法行为查处, scope: 外部, category: 行政处罚}\n",
    "  - {id: gzk-P01, name: 违法行为查处, scope: 外部, category: 行政处罚}\n"
    "  - {id: gzk-P02, name: 备案抽查, scope: 外部, category: 行政执法, process: spk-F01}\n")


def test_a_power_naming_another_files_process_reaches_its_risks(tmp_path, monkeypatch):
    monkeypatch.setattr(incremental, "MAX_SHARE", 1.0)
    root = write_register(tmp_path, departments={"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": OFFICE,
                                                 "gzk": TEAM_WITH_PROCESS_POWER})
    _, findings = lint_now(root)
    _, grades = grade_now(root)
    team = department(root, "gzk")
    team.write_text(team.read_text(encoding="utf-8").replace("process: spk-F01}", "process: spk-F01, "
                                                             "sanzhong_yida: true}"), encoding="utf-8")
    job, after = lint_now(root)
    assert job.how == "warm" and "departments/spk.yaml" in job.again
    assert after == full(root) != findings
    assert any(f[0] == "LZ201" and f[2] == "departments/spk.yaml" for f in after)
    job, regraded = grade_now(root)
    assert job.how == "warm"
    [risk] = [r for r in regraded.rows if r.id == "R1"]
    assert risk.computed == "高" and risk != next(r for r in grades.rows if r.id == "R1")


def test_a_change_to_what_org_yaml_names_refers_to_is_a_full_run(tmp_path, monkeypatch):
    """The inspection office's leader is a person of gzk: every 高 risk's monitors show that name, so a change in
    gzk is a change for every file."""
    monkeypatch.setattr(incremental, "MAX_SHARE", 1.0)
    root = write_register(tmp_path, departments={"ldbz": LEADERSHIP, "jjjc": INSPECTION.replace("leader: p-jj",
                                                                                                "leader: p-gz"),
                                                 "spk": OFFICE + NAMING_RISK, "gzk": TEAM})
    grade_now(root)
    team = department(root, "gzk")
    team.write_text(team.read_text(encoding="utf-8").replace("name: 戊某某", "name: 己某某"), encoding="utf-8")
    job, report = grade_now(root)
    assert job.how == "full"
    assert any("己某某" in row.monitor_names for row in report.rows if row.file == "departments/spk.yaml")


# --- random edits: whatever one department file says, a warm run finds what a full run finds --------------------


def _random_edit(root: Path, rng) -> str:
    """One valid edit of one department file (its ids kept), chosen at random among those that reach other files:
    grades, the posts a risk names (in any file), people's posts and dates, a supervisor, powers' categories and
    processes, measure texts."""
    files = sorted((root / "departments").glob("*.yaml"))
    texts = {path: path.read_text(encoding="utf-8") for path in files}
    every = "\n".join(texts.values())
    posts = sorted(set(re.findall(r"(?m)^  - id: (\S+)\n    name: .*\n    duties:", every)))
    processes = sorted(set(re.findall(r"(?m)^  - id: (\S+-F[0-9]+)$", every)))
    measures = sorted(set(re.findall(r"\{id: M[0-9]+, text: ([^,]+), stage", every)))
    people = sorted(set(re.findall(r"(?m)^  - id: (p-\S+)$", every)))
    edits = [
        (r"(?m)^    likelihood: [0-9]$", lambda: f"    likelihood: {rng.randint(1, 5)}"),
        (r"(?m)^    impact: [0-9]$", lambda: f"    impact: {rng.randint(1, 5)}"),
        (r"(?m)^    posts: \[[^\]]*\]$", lambda: f"    posts: [{rng.choice(posts)}]"),
        (r"(?m)^    since: [0-9-]+$", lambda: f"    since: {rng.randint(2012, 2025)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"),
        (r"(?m)^    category: \S+$", lambda: f"    category: {rng.choice(['行政处罚', '内部管理', '财务管理', '其他'])}"),
        (r"(?m)^    sanzhong_yida: (true|false)$", lambda: f"    sanzhong_yida: {rng.choice(['true', 'false'])}"),
        (r"(?m)^    process: \S+-F[0-9]+$", lambda: f"    process: {rng.choice(processes)}"),
        (r"\{id: M[0-9]+, text: [^,]+, stage", None),
        (r"(?m)^supervisor: \S+$", lambda: f"supervisor: {rng.choice(people)}"),
        (r"(?m)^    post: \S+$", lambda: f"    post: {rng.choice(posts)}"),
    ]
    while True:
        path = rng.choice(files)
        pattern, make = rng.choice(edits)
        found = list(re.finditer(pattern, texts[path]))
        if found:
            break
    match = rng.choice(found)
    if make is None:
        replacement = re.sub(r"text: [^,]+,", f"text: {rng.choice(measures)},", match.group(0))
    else:
        replacement = make()
    text = texts[path]
    path.write_text(text[:match.start()] + replacement + text[match.end():], encoding="utf-8")
    return path.stem


def test_random_edits_warm_equals_full(register, monkeypatch):
    import random

    from lianzheng_cli.outputs.grades import build_grade_report

    monkeypatch.setattr(incremental, "MAX_SHARE", 1.0)  # every neighbourhood warm, however large
    rng = random.Random(2026)
    lint_now(register)
    grade_now(register)
    warm_runs = 0
    for _ in range(8):
        saved = {path: path.read_bytes() for path in (register / "departments").glob("*.yaml")}
        for _ in range(rng.randint(1, 2)):
            _random_edit(register, rng)
        validation = validate(register)
        if validation.errors:  # an edit the format refuses (a step its new process lacks): undone
            for path, content in saved.items():
                path.write_bytes(content)
            continue
        job, found = lint_now(register)
        assert found == full(register), job.how
        grader, report = grade_now(register)
        whole = build_grade_report(validation.register)
        assert (report.rows, report.departments) == (whole.rows, whole.departments), grader.how
        warm_runs += job.how == "warm"
    assert warm_runs >= 4


def test_a_register_with_every_finding_keeps_a_memo(tmp_path):
    """tests/fixtures/lint-all has a finding of every rule (LZ304's gaps among them): every register-wide rule's
    part is plain values, so the memo is kept and the next run uses it."""
    root = tmp_path / "registers"
    shutil.copytree(Path(__file__).parent / "fixtures" / "lint-all" / "registers", root)
    as_of = date(2025, 12, 31)
    job, first = lint_now(root, as_of=as_of)
    assert {f[0] for f in first} >= {"LZ304", "LZ502", "LZ503"}
    job, again = lint_now(root, as_of=as_of)
    assert job.how == "unchanged" and again == first
