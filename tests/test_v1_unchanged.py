"""A version-1 register renders byte for byte as before format 1.1: the example register as it was before 1.1
(``tests/fixtures/v1-example``) and the outputs lz gave for it then (``tests/golden/v1``).

Format 1.1 is additive: a register that uses none of its additions must see no new column, sheet, key or line.
``LZ_UPDATE_GOLDEN=1`` rewrites the files (only ever on purpose: a difference here is a broken promise).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import run
from test_diff import commit, git_run, init_repo

V1 = Path(__file__).parent / "fixtures" / "v1-example" / "registers"
GOLDEN = Path(__file__).parent / "golden" / "v1"
AS_OF = "2025-12-31"
# docProps/core.xml holds the time the workbook was written: the one part that differs from run to run.
VOLATILE_PARTS = ("docProps/core.xml",)

# Edits of the v1 register between two commits, for `lz diff`: each a (file, old, new) replacement.
EDITS = (
    ("departments/wmfz.yaml", "    likelihood: 3\n    impact: 5\n    grade: 红色\n",
     "    likelihood: 2\n    impact: 5\n    grade: 橙色\n"),
    ("departments/wmfz.yaml", "        text: 组织审批岗位人员旁听职务犯罪案件庭审\n",
     "        text: 组织审批岗位人员旁听职务犯罪案件庭审并撰写心得\n"),
    ("departments/wmfz.yaml", "  - id: p-kong\n    name: 孔某某\n    post: wmfz-xinxi\n    since: 2016-07-01\n"
     "    briefed: 2016-07-15\n    pledged: 2025-02-25\n", ""),
    ("departments/wmfz.yaml", "    basis: [《中华人民共和国外商投资法》, 《外商投资信息报告办法》]\n",
     "    basis: [《中华人民共和国外商投资法》, 《外商投资信息报告办法》]\n  - id: wmfz-P04\n    name: 外贸企业培育\n"
     "    scope: 外部\n    category: 其他\n"),
    ("departments/wmfz.yaml", "    action: 谈话提醒\n    closed: 2025-10-10", "    action: 谈话提醒"),
)


def assert_same(actual: str | bytes, rel: str) -> None:
    path = GOLDEN / rel
    if os.environ.get("LZ_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode() if isinstance(actual, str) else actual)
    expected = path.read_bytes()
    assert (actual.encode() if isinstance(actual, str) else actual) == expected, f"differs from tests/golden/v1/{rel}"


@pytest.fixture
def v1_register(tmp_path: Path) -> Path:
    target = tmp_path / "registers"
    shutil.copytree(V1, target, ignore=shutil.ignore_patterns(".lz-cache"))
    return target


def test_grades_as_json(runner, v1_register):
    result = run(runner, "grade", "-r", str(v1_register), "-f", "json")
    assert result.exit_code == 0, result.output
    assert_same(result.stdout, "grade.json")


def test_workbook_parts(runner, v1_register, tmp_path):
    out = tmp_path / "book.xlsx"
    result = run(runner, "render", "xlsx", "-r", str(v1_register), "-o", str(out))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as book:
        names = sorted(n for n in book.namelist() if n not in VOLATILE_PARTS)
        assert_same("\n".join(names) + "\n", "xlsx/parts.txt")
        for name in names:
            assert_same(book.read(name), f"xlsx/{name}")


def test_public_workbook_parts(runner, v1_register, tmp_path):
    out = tmp_path / "public.xlsx"
    result = run(runner, "render", "xlsx", "--public", "-r", str(v1_register), "-o", str(out))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as book:
        for name in ("xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml"):
            assert_same(book.read(name), f"xlsx-public/{name}")


def test_report(runner, v1_register):
    result = run(runner, "report", "-r", str(v1_register), "--as-of", AS_OF, "-o", "-")
    assert result.exit_code == 0, result.output
    assert_same(result.stdout, "report.md")


@pytest.mark.parametrize("person", ["p-zhang", "p-zhao", "p-lv"])
def test_brief(runner, v1_register, person):
    result = run(runner, "brief", person, "-r", str(v1_register), "-o", "-")
    assert result.exit_code == 0, result.output
    assert_same(result.stdout, f"brief-{person}.md")


def test_lint_findings(runner, v1_register):
    """Which findings, where (their messages are another matter: they are polished on their own)."""
    lint_all = Path(__file__).parent / "fixtures" / "v1-lint-all" / "registers"
    found = {}
    for name, root in (("example", v1_register), ("lint-all", lint_all)):
        result = run(runner, "lint", "-r", str(root), "--as-of", AS_OF, "-f", "json")
        found[name] = [[d["code"], d["severity"], d["file"], d["line"], d["column"], d["subject"]]
                       for d in json.loads(result.stdout)["diagnostics"]]
    shutil.rmtree(lint_all / ".lz-cache", ignore_errors=True)
    text = io.StringIO()
    json.dump(found, text, ensure_ascii=False, indent=1)
    assert_same(text.getvalue() + "\n", "lint.json")


def test_diff_markdown(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(V1, repo / "registers", ignore=shutil.ignore_patterns(".lz-cache"))
    first = commit(repo, "2025 年初", "2025-01-06T10:00:00+08:00")
    git_run(repo, "tag", "before")
    for rel, old, new in EDITS:
        path = repo / "registers" / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    second = commit(repo, "2025 年中", "2025-07-06T10:00:00+08:00")
    git_run(repo, "tag", "after")
    for fmt, name in (("markdown", "diff.md"), ("json", "diff.json")):
        result = run(runner, "diff", "before", "after", "-r", str(repo / "registers"), "-f", fmt)
        assert result.exit_code == 0, result.output
        shown = result.stdout.replace(first[:7], "{first}").replace(second[:7], "{second}")
        shown = shown.replace(first, "{first}").replace(second, "{second}")
        assert_same(shown, name)
