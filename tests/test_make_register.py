"""The benchmark's register generator: deterministic, valid, and a next-year revision in git for ``lz diff``."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lianzheng_cli.validate.register import validate

# The benchmark generator writes whole registers and git histories: not for make test-fast.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


def load_generator():
    spec = importlib.util.spec_from_file_location("make_register", REPO / "benchmarks" / "make_register.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


make_register = load_generator()


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def register_at(repo: Path, tag: str) -> tuple[dict, dict[str, dict]]:
    """org.yaml and the department files (by file name) as committed at ``tag``."""
    org = yaml.safe_load(git(repo, "show", f"{tag}:registers/org.yaml"))
    names = git(repo, "ls-tree", "-r", "--name-only", tag, "registers/departments").split()
    return org, {name: yaml.safe_load(git(repo, "show", f"{tag}:{name}")) for name in names}


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    make_register.generate(first, departments=6, seed=7)
    make_register.generate(second, departments=6, seed=7)
    make_register.generate(other, departments=6, seed=8)

    files = tree_bytes(first)
    assert "registers/org.yaml" in files
    assert len([f for f in files if f.startswith("registers/departments/")]) == 6
    assert files == tree_bytes(second)
    assert files["registers/departments/ldbz.yaml"] != tree_bytes(other)["registers/departments/ldbz.yaml"]


def test_every_file_starts_with_the_schema_modeline(tmp_path):
    make_register.generate(tmp_path, departments=4, seed=1)
    registers = tmp_path / "registers"
    assert (registers / "org.yaml").read_text(encoding="utf-8").splitlines()[0] == (
        "# yaml-language-server: $schema=../schemas/org.schema.json")
    for path in (registers / "departments").glob("*.yaml"):
        assert path.read_text(encoding="utf-8").splitlines()[0] == (
            "# yaml-language-server: $schema=../../schemas/department.schema.json"), path.name


def test_a_small_generated_register_validates_clean(tmp_path):
    figures = make_register.generate(tmp_path, departments=8, seed=3)

    result = validate(tmp_path / "registers")

    assert [d for d in result.diagnostics if d.severity.name == "ERROR"] == []
    assert result.register is not None
    summary = result.summary()
    assert (summary["files"], summary["departments"]) == (9, 8)
    assert (summary["risks"], summary["measures"]) == (figures["risks"], figures["measures"])
    # ~185 risks and ~2.2 measures per risk in a section; the leadership teams are smaller.
    assert 100 * 8 < figures["risks"] < 250 * 8
    assert 1.9 < figures["measures"] / figures["risks"] < 2.5


def test_descriptions_and_measures_are_mostly_not_copies(tmp_path):
    make_register.generate(tmp_path, departments=12, seed=5)
    descriptions, measures = [], []
    for path in (tmp_path / "registers" / "departments").glob("*.yaml"):
        for risk in yaml.safe_load(path.read_text(encoding="utf-8")).get("risks") or []:
            descriptions.append(risk["description"])
            measures += [m["text"] for m in risk.get("measures") or []]

    assert len(set(descriptions)) > 0.98 * len(descriptions)
    assert len(set(measures)) > 0.95 * len(measures)


def test_git_mode_commits_2024_then_a_next_year_revision_tagged_2025(tmp_path):
    repo = tmp_path / "county"
    repo.mkdir()
    assert make_register.main(["--departments", "20", "--seed", "2", "--out", str(repo), "--git"]) == 0

    assert git(repo, "tag", "--list").split() == ["2024", "2025"]
    assert git(repo, "rev-list", "--count", "2025").strip() == "2"
    assert git(repo, "rev-parse", "HEAD") == git(repo, "rev-parse", "2025")
    assert git(repo, "status", "--porcelain") == ""

    org_before, before = register_at(repo, "2024")
    org_after, after = register_at(repo, "2025")
    assert (org_before["year"], org_after["year"]) == (2024, 2025)
    assert before.keys() == after.keys()

    risks_before = {r["id"]: r for d in before.values() for r in d.get("risks") or []}
    risks_after = {r["id"]: r for d in after.values() for r in d.get("risks") or []}
    added = risks_after.keys() - risks_before.keys()
    removed = risks_before.keys() - risks_after.keys()
    regraded = {k for k in risks_before.keys() & risks_after.keys()
                if (risks_before[k]["likelihood"], risks_before[k]["impact"])
                != (risks_after[k]["likelihood"], risks_after[k]["impact"])}
    assert added and removed and regraded
    changed = len(added) + len(removed) + len(regraded)
    assert 0.006 * len(risks_before) <= changed <= 0.012 * len(risks_before)
    for risk_id in regraded:
        assert risks_after[risk_id]["grade"] != risks_before[risk_id].get("grade"), risk_id

    # Changes sit in a few departments: most files are the same blob at both revisions.
    changed_files = [f for f in git(repo, "diff", "--name-only", "2024", "2025").split() if "/departments/" in f]
    assert 2 <= len(changed_files) <= 4

    people_before = {p["id"]: name for name, d in before.items() for p in d.get("people") or []}
    people_after = {p["id"]: name for name, d in after.items() for p in d.get("people") or []}
    assert people_before.keys() == people_after.keys()
    moved = [p for p in people_before if people_before[p] != people_after[p]]
    assert len(moved) == 2

    # The work tree (2025) and the 2024 revision are both valid registers.
    assert validate(repo / "registers").errors == 0
    old = tmp_path / "old"
    old.mkdir()
    archive = subprocess.run(["git", "archive", "2024", "registers"], cwd=repo, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    assert validate(old / "registers").errors == 0


def test_a_folder_that_is_not_empty_is_refused(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("内容", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        make_register.main(["--departments", "2", "--out", str(tmp_path)])
    assert exit_.value.code == 2
    assert "is not empty" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
