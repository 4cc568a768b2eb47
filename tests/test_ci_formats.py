"""The formats CI reads: GitLab Code Quality (codeclimate), SARIF 2.1.0 (GitHub code scanning) and GitHub
annotations. Paths are relative to the git repository's root (or --base-path), wherever lz runs from; the
formats come from the one registry in outputs/diagnostics.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run
from lianzheng_cli import __version__
from lianzheng_cli.lint import RULES, VALIDATION_CODES
from lianzheng_cli.outputs.diagnostics import REPORTERS

BIN = Path(sys.executable).parent
SARIF_SCHEMA = REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json"
LINT_ALL = REPO / "tests" / "fixtures" / "lint-all" / "registers"
AS_OF = "2025-12-31"
# GitLab's documented fields of a Code Quality issue, and its severities.
CODE_QUALITY_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git repository holding the lint-all register in a subfolder: county/registers."""
    root = tmp_path / "repo"
    shutil.copytree(LINT_ALL, root / "county" / "registers")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, env=env)
    return root


def lz(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """The installed ``lz``, run for real in ``cwd``."""
    env = {k: v for k, v in os.environ.items() if k != "LZ_LANG"}
    return subprocess.run([str(BIN / "lz"), *args], cwd=cwd, env={**env, "NO_COLOR": "1"},
                          capture_output=True, text=True, timeout=120)


def broken(repo: Path) -> Path:
    """The register made invalid in several places (validation findings, not lint's)."""
    wmfz = repo / "county" / "registers" / "departments" / "wmfz.yaml"
    text = wmfz.read_text(encoding="utf-8")
    assert "likelihood: 4" in text and "status: 已落实" in text
    text = text.replace("likelihood: 4", "likelihood: 高", 1).replace("status: 已落实", "status: 做完了", 1)
    wmfz.write_text(text, encoding="utf-8")
    return wmfz


def test_validate_and_lint_take_their_formats_from_the_one_registry(runner):
    assert list(REPORTERS) == ["text", "json", "github", "codeclimate", "sarif"]
    example = str(REPO / "registers")
    for command in ("validate", "lint"):
        for fmt in REPORTERS:
            assert run(runner, command, "-r", example, "--format", fmt).exit_code == 0, (command, fmt)
        assert run(runner, command, "-r", example, "--format", "junit").exit_code == 2


def test_code_quality_report_has_gitlabs_fields(repo):
    result = lz(repo / "county" / "registers", "lint", "--as-of", AS_OF, "--format", "codeclimate")
    assert result.returncode == 1, result.stderr  # the fixture has error findings
    issues = json.loads(result.stdout)
    assert len(issues) == 29
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert isinstance(issue["description"], str) and issue["description"].startswith(issue["check_name"] + " ")
        assert issue["check_name"] in RULES
        assert issue["severity"] in CODE_QUALITY_SEVERITIES
        assert isinstance(issue["fingerprint"], str) and len(issue["fingerprint"]) == 32
        assert set(issue["location"]) == {"path", "lines"}
        assert issue["location"]["path"].startswith("county/registers/")
        assert (repo / issue["location"]["path"]).is_file()
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)  # GitLab shows one issue per fingerprint
    assert {i["severity"] for i in issues} == {"major", "minor"}  # errors and warnings
    contract = json.loads(lz(repo / "county" / "registers", "lint", "--as-of", AS_OF, "--format", "json").stdout)
    assert [(i["check_name"], i["location"]) for i in issues] == [
        (d["code"], {"path": f"county/registers/{d['file']}", "lines": {"begin": d["line"]}})
        for d in contract["diagnostics"]]
    assert [i["severity"] for i in issues] == [
        {"error": "major", "warning": "minor"}[d["severity"]] for d in contract["diagnostics"]]


def test_fingerprints_are_stable_across_runs_and_line_shifts(repo):
    registers = repo / "county" / "registers"
    first = json.loads(lz(registers, "lint", "--as-of", AS_OF, "--format", "codeclimate").stdout)
    again = json.loads(lz(registers, "lint", "--as-of", AS_OF, "--format", "codeclimate").stdout)
    assert again == first
    wmfz = registers / "departments" / "wmfz.yaml"
    lines = wmfz.read_text(encoding="utf-8").split("\n")
    wmfz.write_text("\n".join([lines[0], "# 新增的注释一", "# 新增的注释二", *lines[1:]]), encoding="utf-8")
    shifted = json.loads(lz(registers, "lint", "--as-of", AS_OF, "--format", "codeclimate").stdout)
    by_print = {i["fingerprint"]: i for i in first}
    assert set(by_print) == {i["fingerprint"] for i in shifted}
    for issue in shifted:
        before = by_print[issue["fingerprint"]]
        moved = 2 if issue["location"]["path"].endswith("wmfz.yaml") else 0
        assert issue["location"]["lines"]["begin"] == before["location"]["lines"]["begin"] + moved


def test_validation_findings_in_code_quality(repo):
    broken(repo)
    for command in ("validate", "lint"):
        result = lz(repo / "county", command, "--format", "codeclimate")
        assert result.returncode == 1, result.stderr
        issues = json.loads(result.stdout)
        assert [(i["check_name"], i["severity"], i["location"]["path"]) for i in issues] == [
            ("LZ012", "major", "county/registers/departments/wmfz.yaml"),
            ("LZ013", "major", "county/registers/departments/wmfz.yaml")]


def sarif(cwd: Path, tmp_path: Path, *args: str) -> tuple[dict, subprocess.CompletedProcess]:
    result = lz(cwd, *args, "--format", "sarif")
    log = tmp_path / "lz.sarif"
    log.write_text(result.stdout, encoding="utf-8")
    checked = subprocess.run([str(BIN / "check-jsonschema"), "--schemafile", str(SARIF_SCHEMA), str(log)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return json.loads(result.stdout), result


def test_sarif_is_valid_sarif_2_1_0_with_the_catalogue_as_rules(repo, tmp_path):
    log, result = sarif(repo / "county" / "registers" / "departments", tmp_path, "lint", "--as-of", AS_OF)
    assert result.returncode == 1, result.stderr
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("lz", __version__)
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == [*VALIDATION_CODES, *sorted(RULES)]
    assert rules["LZ501"]["shortDescription"]["text"] == RULES["LZ501"].summary_zh
    assert rules["LZ501"]["help"]["text"] == RULES["LZ501"].rationale
    assert rules["LZ501"]["defaultConfiguration"]["level"] == "warning"
    assert rules["LZ012"]["shortDescription"]["text"] == "值的类型不对"
    results = run_["results"]
    assert len(results) == 29
    assert {r["level"] for r in results} == {"error", "warning"}
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["message"]["text"]
        (location,) = r["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.startswith("county/registers/") and (repo / uri).is_file()
        assert location["physicalLocation"]["region"]["startLine"] >= 1
    contract = json.loads(lz(repo / "county", "lint", "--as-of", AS_OF, "--format", "json").stdout)["diagnostics"]
    assert [(r["ruleId"], r["message"]["text"], r["locations"][0]["physicalLocation"]) for r in results] == [
        (d["code"], d["message"], {"artifactLocation": {"uri": f"county/registers/{d['file']}", "uriBaseId": "%SRCROOT%"},
                                   "region": {"startLine": d["line"], "startColumn": d["column"]}})
        for d in contract]
    codes = json.loads(lz(repo / "county", "lint", "--as-of", AS_OF, "--format", "codeclimate").stdout)
    assert [r["partialFingerprints"]["lzFindingHash/v1"] for r in results] == [i["fingerprint"] for i in codes]


def test_sarif_of_validation_errors_is_valid_too(repo, tmp_path):
    broken(repo)
    log, result = sarif(repo / "county", tmp_path, "validate")
    assert result.returncode == 1
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("LZ012", "error"), ("LZ013", "error")]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {
        "county/registers/departments/wmfz.yaml"}


def test_sarif_schema_check_is_not_vacuous(tmp_path):
    bad = tmp_path / "bad.sarif"
    bad.write_text(json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}), encoding="utf-8")
    checked = subprocess.run([str(BIN / "check-jsonschema"), "--schemafile", str(SARIF_SCHEMA), str(bad)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 1  # driver.name is required


@pytest.mark.parametrize("fmt", ["github", "codeclimate", "sarif"])
def test_ci_paths_are_relative_to_the_repository_root_from_any_folder(repo, fmt):
    outputs = set()
    for cwd, register in ((repo, ["-r", "county/registers"]), (repo / "county", []),
                          (repo / "county" / "registers" / "departments", [])):
        result = lz(cwd, "lint", *register, "--as-of", AS_OF, "--format", fmt)
        assert result.returncode == 1, result.stderr
        assert "county/registers/departments/wmfz.yaml" in result.stdout
        outputs.add(result.stdout)
    assert len(outputs) == 1  # the same report wherever lz runs
    based = lz(repo / "county" / "registers", "lint", "--as-of", AS_OF, "--format", fmt,
               "--base-path", str(repo / "county"))
    assert "registers/departments/wmfz.yaml" in based.stdout
    assert "county/registers" not in based.stdout


def test_text_paths_stay_relative_to_the_current_folder(repo):
    result = lz(repo / "county" / "registers" / "departments", "lint", "--as-of", AS_OF)
    assert result.stdout.splitlines()[0].startswith("scyx.yaml:3:1: LZ304 ")


def test_outside_git_ci_paths_are_relative_to_the_current_folder(tmp_path):
    shutil.copytree(LINT_ALL, tmp_path / "registers")
    result = lz(tmp_path, "lint", "--as-of", AS_OF, "--format", "codeclimate")
    assert {i["location"]["path"] for i in json.loads(result.stdout)} == {
        "registers/org.yaml", "registers/departments/scyx.yaml", "registers/departments/wmfz.yaml"}


def test_a_clean_register_gives_empty_reports(runner):
    example = REPO / "registers"
    assert json.loads(run(runner, "lint", "-r", str(example), "--format", "codeclimate").stdout) == []
    assert json.loads(run(runner, "validate", "-r", str(example), "--format", "sarif").stdout)["runs"][0][
        "results"] == []


def test_a_folder_named_in_chinese_is_a_uri_in_sarif_and_a_path_in_code_quality(tmp_path):
    shutil.copytree(LINT_ALL, tmp_path / "县局 登记簿" / "registers")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    folder = tmp_path / "县局 登记簿"
    log, _ = sarif(folder, tmp_path, "lint", "--as-of", AS_OF)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert "%E5%8E%BF%E5%B1%80%20%E7%99%BB%E8%AE%B0%E7%B0%BF/registers/org.yaml" in uris
    issues = json.loads(lz(folder, "lint", "--as-of", AS_OF, "--format", "codeclimate").stdout)
    assert "县局 登记簿/registers/org.yaml" in {i["location"]["path"] for i in issues}
