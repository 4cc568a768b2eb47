"""lz diff: revisions in real git repositories, the semantic changes, the JSON contract, Markdown, --fail-on."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

import git
import pytest

from conftest import INSPECTION, LEADERSHIP, ORG, run, write_register
from lianzheng_cli.diff import diff_registers, diff_revisions, empty_register, load_pair
from lianzheng_cli.diff.pairs import defines, input_keys
from lianzheng_cli.load import git as gitsource
from lianzheng_cli.load.git import GitError, GitSource, resolve_revision
from lianzheng_cli.load.parse import load_keys
from lianzheng_cli.model.grading import GRADE_INPUTS, MONITOR_INPUTS
from lianzheng_cli.validate.register import validate

GOLDEN = Path(__file__).parent / "golden"

ORG_2024 = ORG.replace("year: 2025", "year: 2024")

# 审批科 in 2024. R2 is written in stars (★★); R5 is renumbered in 2025; R4 (高) is removed.
OFFICE_2024 = """\
schema_version: 1
id: spk
name: 审批科
kind: 内设机构
leader: p-ke
supervisor: p-vice
people:
  - {id: p-ke, name: 丁某某, post: spk-chushen, since: 2024-03-01}
  - {id: p-wu, name: 戊某某, post: spk-fuhe, since: 2023-05-01}
  - {id: p-ji, name: 己某某, post: spk-linshi, since: 2022-01-01}
posts:
  - {id: spk-chushen, name: 初审岗, powers: [spk-P01]}
  - {id: spk-fuhe, name: 复核岗, powers: [spk-P01]}
  - {id: spk-linshi, name: 临时岗}
powers:
  - {id: spk-P01, name: 经营者备案登记, scope: 外部, category: 行政审批, process: spk-F01}
processes:
  - id: spk-F01
    name: 备案流程
    steps:
      - {id: S1, name: 受理, post: spk-chushen}
      - {id: S2, name: 初审, post: spk-chushen}
      - {id: S3, name: 复核, post: spk-fuhe}
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
      - {id: M1, text: 初审与复核分离并留存现场核查记录, stage: 中期监控, kind: 监督, owner: spk, status: 落实中}
  - id: R2
    title: 复核走过场
    description: 复核岗对初审意见不作实质审查,照单签字,使复核流于形式
    type: 业务流程
    process: spk-F01
    step: S3
    posts: [spk-fuhe]
    likelihood: 2
    impact: 3
    grade: ★★
    measures:
      - {id: M1, text: 复核须逐项填写复核意见表并由科长抽查, stage: 中期监控, owner: spk-fuhe}
  - id: R3
    title: 压件不办
    description: 对符合条件的申请拖延办理,变相索取好处或刁难申请人
    type: 岗位职责
    posts: [spk-chushen]
    likelihood: 4
    impact: 4
    grade: 高
    measures:
      - {id: M1, text: 办理时限在政务服务平台公开并自动提醒超时, stage: 中期监控, kind: 科技, owner: spk}
  - id: R4
    title: 违规收费
    description: 在备案登记中超标准或无依据收取费用,收费不开具票据
    type: 业务流程
    process: spk-F01
    step: S1
    posts: [spk-chushen]
    likelihood: 4
    impact: 4
    grade: 高
    measures:
      - {id: M1, text: 收费项目和标准在窗口公示, stage: 前期预防, kind: 公开, owner: spk}
  - id: R5
    title: 泄露申请人信息
    description: 将申请人的商业信息和个人信息泄露给中介机构或竞争对手
    type: 思想道德
    posts: [spk-chushen, spk-fuhe]
    likelihood: 2
    impact: 3
    measures:
      - {id: M1, text: 申请材料按保密规定管理并定期开展保密教育, stage: 前期预防, kind: 教育, owner: spk}
warnings:
  - {id: W2024-01, risk: R3, date: 2024-10-08, level: 提示, source: 信访举报, finding: 申请人反映办理超时}
"""


def office_2025() -> str:
    """审批科 in 2025: regraded, renumbered, removed and added risks; measures, people, posts, warnings changed."""
    text = OFFICE_2024
    for old, new in (
        # people: 戊某某 moves to 初审岗, 己某某 leaves, 庚某某 joins as 复核岗
        ("  - {id: p-wu, name: 戊某某, post: spk-fuhe, since: 2023-05-01}\n"
         "  - {id: p-ji, name: 己某某, post: spk-linshi, since: 2022-01-01}\n",
         "  - {id: p-wu, name: 戊某某, post: spk-chushen, since: 2025-02-01}\n"
         "  - {id: p-geng, name: 庚某某, post: spk-fuhe, since: 2025-02-01}\n"),
        ("  - {id: spk-linshi, name: 临时岗}\n", "  - {id: spk-zonghe, name: 综合岗, powers: [spk-P02]}\n"),
        ("process: spk-F01}\nprocesses:",
         "process: spk-F01}\n"
         "  - {id: spk-P02, name: 专项资金初审, scope: 外部, category: 财务管理, process: spk-F02}\n"
         "processes:"),
        ("risks:\n", "  - id: spk-F02\n    name: 专项资金初审流程\n    steps:\n"
                     "      - {id: S1, name: 申报材料初审, post: spk-zonghe}\nrisks:\n"),
        # R1: raised (declared and computed); M1 carried out and handed to 初审岗; M2 added
        ("    likelihood: 3\n    impact: 4\n    grade: 中\n", "    likelihood: 4\n    impact: 4\n    grade: 高\n"),
        ("owner: spk, status: 落实中}\n",
         "owner: spk-chushen, status: 已落实}\n"
         "      - {id: M2, text: 科长每月抽查初审案卷不少于十件, stage: 中期监控, kind: 监督, owner: p-ke}\n"),
        # R2: ★★ → 中, a change of style alone
        ("    grade: ★★\n", "    grade: 中\n"),
        # R3: lowered (declared and computed), description reworded
        ("    likelihood: 4\n    impact: 4\n    grade: 高\n    measures:\n      - {id: M1, text: 办理时限",
         "    likelihood: 3\n    impact: 3\n    grade: 中\n    measures:\n      - {id: M1, text: 办理时限"),
        ("变相索取好处或刁难申请人", "变相索取好处、刁难申请人"),
        # R5 renumbered R5-1, content unchanged
        ("  - id: R5\n", "  - id: R5-1\n"),
        # W2024-01 closed, W2025-01 opened
        ("finding: 申请人反映办理超时}\n",
         "finding: 申请人反映办理超时, action: 谈话提醒, closed: 2024-11-02}\n"
         "  - {id: W2025-01, risk: R1, date: 2025-03-03, level: 预警, source: 专项检查, finding: 初审案卷缺现场核查记录}\n"),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    # R4 removed; R6 added with two measures
    start = text.index("  - id: R4\n")
    end = text.index("  - id: R5-1\n")
    text = text[:start] + text[end:]
    return text.replace("warnings:\n", """\
  - id: R6
    title: 专项资金初审优亲厚友
    description: 对关系企业的申报材料放宽审查标准,对其他企业从严把关,造成资金分配不公
    type: 业务流程
    process: spk-F02
    step: S1
    posts: [spk-zonghe]
    likelihood: 3
    impact: 5
    measures:
      - {id: M1, text: 初审意见集体研究并在单位内公示, stage: 中期监控, kind: 公开, owner: spk}
      - {id: M2, text: 对拟支持企业名单开展利害关系回避申报, stage: 前期预防, kind: 制度, owner: spk-zonghe}
warnings:
""", 1)


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def git_run(repo: Path, *args: str, when: str | None = None) -> str:
    env = dict(os.environ)
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    done = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def commit(repo: Path, message: str, when: str) -> str:
    git_run(repo, "add", "-A")
    git_run(repo, "commit", "-q", "--allow-empty", "-m", message, when=when)
    return git_run(repo, "rev-parse", "HEAD")


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git_run(path, "init", "-q", "-b", "main")
    git_run(path, "config", "user.name", "甲某某")
    git_run(path, "config", "user.email", "jia@example.org")
    git_run(path, "config", "commit.gpgsign", "false")
    return path


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch):
    """Neither the user's nor the system's git configuration changes what a test sees."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def history(tmp_path, monkeypatch) -> dict[str, str]:
    """2023: no register yet; 2024 (tag 2024); 2025 (tag register-2025); then the folder moved to data/registers
    with one warning added. The work tree is the repository top."""
    repo = init_repo(tmp_path / "repo")
    write(repo, "README.md", "登记簿仓库\n")
    shas = {"2023": commit(repo, "仓库建立", "2023-05-10T09:00:00+08:00")}
    write(repo, "registers/org.yaml", ORG_2024)
    for stem, text in (("ldbz", LEADERSHIP), ("jjjc", INSPECTION), ("spk", OFFICE_2024)):
        write(repo, f"registers/departments/{stem}.yaml", text)
    shas["2024"] = commit(repo, "2024 年度登记簿", "2024-03-01T10:00:00+08:00")
    git_run(repo, "tag", "2024")
    write(repo, "registers/org.yaml", ORG)
    write(repo, "registers/departments/spk.yaml", office_2025())
    shas["2025"] = commit(repo, "2025 年度登记簿", "2025-03-01T10:00:00+08:00")
    git_run(repo, "tag", "register-2025")
    (repo / "data").mkdir()
    git_run(repo, "mv", "registers", "data/registers")
    write(repo, "data/registers/departments/jjjc.yaml", INSPECTION + """\
warnings:
  - {id: W2025-02, risk: R1, date: 2025-05-06, level: 提示, source: 民主测评, finding: 群众反映初审意见说理不足}
""")
    shas["moved"] = commit(repo, "登记簿移到 data/", "2025-05-06T10:00:00+08:00")
    monkeypatch.chdir(repo)
    shas["repo"] = str(repo)
    return shas


def diff_json(runner, *args: str) -> dict:
    result = run(runner, "diff", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_years_diff_is_the_json_contract(runner, history):
    document = diff_json(runner, "2024", "2025")
    assert document == {
        "version": 1,
        "from": {"rev": "2024", "commit": history["2024"]},
        "to": {"rev": "2025", "commit": history["2025"]},
        "summary": {"risks_added": 1, "risks_removed": 1, "risks_changed": 2, "grade_raised": 1,
                    "grade_lowered": 1, "measures_added": 3, "measures_removed": 1, "people_joined": 1,
                    "people_left": 1, "people_moved": 1},
        "risks": {
            "added": [{"id": "R6", "department": "spk", "title": "专项资金初审优亲厚友", "grade": "高"}],
            "removed": [{"id": "R4", "department": "spk", "title": "违规收费", "grade": "高"}],
            "renamed": [{"from": "R5", "to": "R5-1"}],
            "changed": [
                {"id": "R1", "department": "spk", "changes": [
                    {"field": "likelihood", "from": 3, "to": 4},
                    {"field": "grade", "from": "中", "to": "高", "direction": "raised"},
                    {"field": "computed_grade", "from": "中", "to": "高", "direction": "raised"},
                    {"field": "measures", "added": ["M2"], "removed": [], "changed": [
                        {"id": "M1", "changes": [{"field": "owner", "from": "spk", "to": "spk-chushen"},
                                                 {"field": "status", "from": "落实中", "to": "已落实"}]}]}]},
                {"id": "R3", "department": "spk", "changes": [
                    {"field": "description", "from": "对符合条件的申请拖延办理,变相索取好处或刁难申请人",
                     "to": "对符合条件的申请拖延办理,变相索取好处、刁难申请人"},
                    {"field": "likelihood", "from": 4, "to": 3},
                    {"field": "impact", "from": 4, "to": 3},
                    {"field": "grade", "from": "高", "to": "中", "direction": "lowered"},
                    {"field": "computed_grade", "from": "高", "to": "中", "direction": "lowered"}]},
            ],
        },
        "people": {"joined": ["p-geng"], "left": ["p-ji"], "moved": [{"id": "p-wu", "from": "spk-fuhe",
                                                                      "to": "spk-chushen"}]},
        "posts": {"added": ["spk-zonghe"], "removed": ["spk-linshi"]},
        "powers": {"added": ["spk-P02"], "removed": []},
        "processes": {"added": ["spk-F02"], "removed": []},
        "warnings": {"opened": ["W2025-01"], "closed": ["W2024-01"]},
    }


def test_year_resolution_is_told_on_stderr_in_json(runner, history):
    result = run(runner, "diff", "2024", "2025", "--format", "json")
    assert result.stderr.splitlines() == [
        f"2024 → 标签 2024（提交 {history['2024'][:7]}）",
        f"2025 → 标签 register-2025（提交 {history['2025'][:7]}）",
    ]


def test_markdown_matches_the_golden_file(runner, history):
    result = run(runner, "diff", "2024", "register-2025", "--format", "markdown")
    assert result.exit_code == 0, result.output
    # Commit ids are the only part that depends on git; the golden file holds placeholders for them.
    shown = result.stdout.replace(history["2024"][:7], "{c2024}").replace(history["2025"][:7], "{c2025}")
    golden = GOLDEN / "diff_2024_2025.md"
    if os.environ.get("LZ_UPDATE_GOLDEN"):
        golden.write_text(shown, encoding="utf-8")
    assert shown == golden.read_text(encoding="utf-8")


def test_text_is_grouped_by_department(runner, history):
    result = run(runner, "diff", "2024", "2025")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"登记簿变更：2024（{history['2024'][:7]}） → 2025（{history['2025'][:7]}）"
    assert "审批科（spk）：14项变更" in lines
    assert "  变更风险点 R3 压件不办" in lines
    assert "      等级：高 → 中（降级）" in lines
    assert "  风险点改编号 R5 → R5-1 泄露申请人信息（内容未变）" in lines
    assert "      措施 M1 责任主体：spk → spk-chushen、状态：落实中 → 已落实" in lines
    assert not any("R2" in line for line in lines)  # ★★ → 中 is a change of style only


def test_english_text(runner, history):
    result = run(runner, "--lang", "en", "diff", "2024", "2025")
    assert "  risk changed R3 压件不办" in result.stdout.splitlines()
    assert "      grade: 高 → 中 (lowered)" in result.stdout.splitlines()


def test_a_year_without_a_tag_is_the_last_commit_of_that_year_and_an_absent_register_is_all_added(runner, history):
    result = run(runner, "diff", "2023", "2024", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["from"] == {"rev": "2023", "commit": history["2023"]}
    assert document["summary"] == {"risks_added": 5, "risks_removed": 0, "risks_changed": 0, "grade_raised": 0,
                                   "grade_lowered": 0, "measures_added": 5, "measures_removed": 0,
                                   "people_joined": 6, "people_left": 0, "people_moved": 0}
    assert [r["id"] for r in document["risks"]["added"]] == ["R1", "R2", "R3", "R4", "R5"]
    assert [r["grade"] for r in document["risks"]["added"]] == ["中", "中", "高", "高", "中"]
    assert document["posts"]["added"] == ["jjjc-zhuren", "ldbz-head", "ldbz-vice", "spk-chushen", "spk-fuhe",
                                          "spk-linshi"]
    assert document["warnings"] == {"opened": ["W2024-01"], "closed": []}
    short = history["2023"][:7]
    assert result.stderr.splitlines()[0] == (
        f"2023 → 没有标签 2023 或 register-2023，取2023年12月31日或更早的最后一次提交 {short}"
        f"（2023-05-10 09:00 +0800，“仓库建立”）")
    assert result.stderr.splitlines()[1:] == [
        f"2024 → 标签 2024（提交 {history['2024'][:7]}）",
        f"2023（{short}）：没有登记簿（registers/org.yaml 不存在），按空登记簿比对",
    ]


def test_register_moved_inside_the_repository(runner, history):
    # From the top (no registers/ there): found at each revision, wherever it is.
    document = diff_json(runner, "register-2025", "HEAD")
    assert document["warnings"] == {"opened": ["W2025-02"], "closed": []}
    assert document["summary"] == dict.fromkeys(document["summary"], 0)
    assert document["risks"] == {"added": [], "removed": [], "renamed": [], "changed": []}
    result = run(runner, "diff", "register-2025", "HEAD")
    assert f"HEAD（{history['moved'][:7]}）：登记簿位于 data/registers（而不是 registers）" in result.stdout
    # Naming the folder: the older revision is looked for there first, then under a registers/ folder.
    result = run(runner, "diff", "-r", "data/registers", "2025", "WORKTREE")
    assert result.exit_code == 0, result.output
    assert f"2025（{history['2025'][:7]}）：登记簿位于 registers（而不是 data/registers）" in result.stdout
    assert "新增预警 W2025-02 群众反映初审意见说理不足" in result.stdout


def test_unchanged_files_are_not_parsed(history):
    repo = Path(history["repo"])
    moved = diff_revisions("register-2025", "HEAD", register=repo / "data" / "registers")
    # org.yaml is identical (parsed once, shared); spk.yaml and ldbz.yaml are identical and not needed.
    assert moved.parsed == {"old": ["departments/jjjc.yaml"], "new": ["departments/jjjc.yaml"],
                            "shared": ["org.yaml"], "sliced": [], "cached": []}
    years = diff_revisions("2024", "2025", register=repo / "data" / "registers")
    assert years.parsed == {"old": ["org.yaml", "departments/spk.yaml"],
                            "new": ["org.yaml", "departments/spk.yaml"], "shared": [], "sliced": [], "cached": []}


def test_the_worktree_by_default_and_fail_on(runner, history, monkeypatch):
    repo = Path(history["repo"])
    spk = repo / "data/registers/departments/spk.yaml"
    text = spk.read_text(encoding="utf-8")
    start, end = text.index("  - id: R2\n"), text.index("  - id: R3\n")
    spk.write_text(text[:start] + text[end:], encoding="utf-8")  # R2 (中) removed, uncommitted
    monkeypatch.chdir(repo / "data" / "registers" / "departments")  # the register is found upwards from here
    document = diff_json(runner)
    assert document["from"] == {"rev": "HEAD", "commit": history["moved"]}
    assert document["to"] == {"rev": "WORKTREE", "commit": None}
    assert document["risks"]["removed"] == [{"id": "R2", "department": "spk", "title": "复核走过场", "grade": "中"}]
    assert run(runner, "diff", "--fail-on", "high-removed").exit_code == 0
    assert run(runner, "diff", "--fail-on", "lowered,high-removed").exit_code == 0
    failed = run(runner, "diff", "--fail-on", "removed")
    assert failed.exit_code == 1
    assert failed.stderr == "lz: 存在 --fail-on 指定的变更：删除了风险点\n"
    years = run(runner, "diff", "2024", "2025", "--fail-on", "high-removed", "--fail-on", "lowered")
    assert years.exit_code == 1
    assert years.stderr.endswith("lz: 存在 --fail-on 指定的变更：删除了高风险点、降低了风险等级\n")
    bad = run(runner, "diff", "--fail-on", "removed,deleted")
    assert bad.exit_code == 2
    assert "`deleted`" in bad.stderr and "high-removed" in bad.stderr


def test_unknown_revision_is_a_usage_error(runner, history):
    result = run(runner, "diff", "v9.9", "HEAD")
    assert result.exit_code == 2
    assert result.stderr == ("lz: 未知的版本 `v9.9`：它不是标签、分支或提交，也不是年份（如 2024）或 WORKTREE（工作区）\n")
    assert result.stdout == ""
    result = run(runner, "diff", "2019")
    assert result.exit_code == 2
    assert result.stderr == ("lz: 版本 `2019`：没有标签 2019 或 register-2019，HEAD 的历史中也没有2019年12月31日"
                             "或更早的提交\n")


def test_not_a_git_repository_is_a_usage_error(runner, tmp_path, monkeypatch, small_register):
    monkeypatch.chdir(small_register)
    result = run(runner, "diff")
    assert result.exit_code == 2
    assert result.stderr == (f"lz: {small_register} 不在 git 仓库中：lz diff 比对的是 git 中登记簿的不同版本"
                             "（请先 git init 并提交）\n")


def test_a_broken_register_at_a_revision_is_reported_with_exit_1(runner, history):
    repo = Path(history["repo"])
    spk = repo / "data/registers/departments/spk.yaml"
    spk.write_text(spk.read_text(encoding="utf-8").replace("likelihood: 2", "likelihood: 高", 1), encoding="utf-8")
    result = run(runner, "diff", "HEAD", "WORKTREE")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "lz: 工作区：登记簿有错误，无法比对（请修正后重试，或用 lz validate 查看完整检查结果）"
    assert lines[1].startswith("data/registers/departments/spk.yaml:50:17: LZ012 ")
    assert result.stdout == ""


def test_last_commit_of_year_uses_the_committers_own_date(tmp_path):
    repo = init_repo(tmp_path / "r")
    write(repo, "a.txt", "1")
    first = commit(repo, "年末", "2024-12-31T23:30:00+08:00")
    write(repo, "a.txt", "2")
    commit(repo, "新年", "2025-01-01T00:30:00+08:00")  # still 31 December in UTC, but 2025 where it was made
    repository = git.Repo(repo)
    assert gitsource.last_commit_of_year(repository, 2024).hexsha == first
    revision = resolve_revision(repository, "2024")
    assert (revision.sha, revision.note) == (
        first, f"2024 → 没有标签 2024 或 register-2024，取2024年12月31日或更早的最后一次提交 {first[:7]}"
               "（2024-12-31 23:30 +0800，“年末”）")
    git_run(repo, "tag", "register-2024", "HEAD")
    assert resolve_revision(repository, "2024").sha != first  # a tag wins over dates
    with pytest.raises(GitError, match="未知的版本 `HEAD~5`"):
        resolve_revision(repository, "HEAD~5")
    assert resolve_revision(repository, "HEAD~1").sha == first


def test_empty_repository_says_so(runner, tmp_path, monkeypatch):
    repo = init_repo(tmp_path / "r")
    monkeypatch.chdir(repo)
    result = run(runner, "diff")
    assert result.exit_code == 2
    assert result.stderr == f"lz: 仓库 {repo} 还没有任何提交，无法读取版本 `HEAD`（请先提交一次）\n"


# --- grades that change through another file, and the loader against a full load ---------------------------------

# 行政科 holds no power of its own: its post 行政岗 holds 审批科's power spk-P01, so its risk X1 (2 × 2 = 4, 低)
# is raised to 中 by the 行政审批 floor; when spk-P01 becomes 内部管理, X1 is regraded although xzk.yaml is unchanged.
ADMIN = """\
schema_version: 1
id: xzk
name: 行政科
kind: 内设机构
people:
  - {id: p-xin, name: 辛某某, post: xzk-gang, since: 2024-01-01}
posts:
  - {id: xzk-gang, name: 行政岗, powers: [spk-P01]}
risks:
  - id: X1
    title: 代办审批收取好处
    description: 利用代为报送审批材料之便,向申请人暗示或索取好处费用
    type: 岗位职责
    posts: [xzk-gang]
    likelihood: 2
    impact: 2
    measures:
      - {id: M1, text: 代办事项登记并由申请人签字确认, stage: 中期监控, owner: xzk}
"""


@pytest.fixture
def regraded(tmp_path) -> Path:
    repo = init_repo(tmp_path / "regraded")
    write(repo, "registers/org.yaml", ORG)
    for stem, text in (("ldbz", LEADERSHIP), ("jjjc", INSPECTION), ("spk", OFFICE_2024), ("xzk", ADMIN)):
        write(repo, f"registers/departments/{stem}.yaml", text)
    commit(repo, "一", "2025-01-10T10:00:00+08:00")
    write(repo, "registers/departments/spk.yaml", OFFICE_2024.replace("category: 行政审批", "category: 内部管理"))
    commit(repo, "二", "2025-02-10T10:00:00+08:00")
    return repo


def test_a_power_changed_in_one_file_regrades_a_risk_in_an_unchanged_file(regraded):
    result = diff_revisions("HEAD~1", "HEAD", register=regraded / "registers")
    # xzk.yaml names spk-P01: first read for its posts and powers, then whole, once 行政岗 is seen to hold it.
    assert result.parsed == {"old": ["departments/spk.yaml"], "new": ["departments/spk.yaml"],
                             "shared": ["org.yaml", "departments/xzk.yaml"], "sliced": ["departments/xzk.yaml"], "cached": []}
    changed = {c["id"]: c["changes"] for c in result.diff.to_json()["risks"]["changed"]}
    assert changed["X1"] == [{"field": "grade", "from": "中", "to": "低", "direction": "lowered"},
                             {"field": "computed_grade", "from": "中", "to": "低", "direction": "lowered"}]
    # R2 (2 × 3, ★★) only lost its floor: its declared grade stays 中.
    assert changed["R2"] == [{"field": "computed_grade", "from": "中", "to": "低", "direction": "lowered"}]


@pytest.mark.parametrize(("fixture", "revs"), [
    ("regraded", ("HEAD~1", "HEAD")), ("regraded", ("HEAD", "HEAD~1")), ("history", ("2024", "2025")),
    ("history", ("2023", "2025")), ("history", ("2025", "2024")), ("history", ("register-2025", "HEAD")),
    ("history", ("2024", "HEAD")),
])
def test_the_skipping_loader_agrees_with_a_full_load(request, fixture, revs):
    found = request.getfixturevalue(fixture)
    repo = git.Repo(found if isinstance(found, Path) else found["repo"])
    located = [gitsource.locate_register(repo, resolve_revision(repo, rev), "registers") for rev in revs]
    full = []
    for side in located:
        if side.source is None:
            full.append(empty_register())
        else:
            result = validate(Path(side.folder), side.source)
            assert result.register is not None, result.diagnostics
            full.append(result.register)
    pair = load_pair(located[0].source, located[1].source)
    assert diff_registers(pair.old, pair.new).to_json() == diff_registers(*full).to_json()


def test_git_source_reads_blobs_without_touching_the_work_tree(history):
    repo = git.Repo(history["repo"])
    source = GitSource(repo.commit(history["2024"]), "registers")
    assert source.department_files() == ["departments/jjjc.yaml", "departments/ldbz.yaml", "departments/spk.yaml"]
    assert source.read("departments/spk.yaml").decode("utf-8") == OFFICE_2024
    with pytest.raises(FileNotFoundError):
        source.read("departments/xzk.yaml")
    result = validate(Path("registers"), source)
    assert result.diagnostics == []
    assert sorted(result.register.risks) == ["R1", "R2", "R3", "R4", "R5"]
    assert not (Path(history["repo"]) / "registers").exists()  # nothing was checked out


def test_a_change_of_grading_policy_regrades_risks_in_unchanged_files(regraded):
    org = regraded / "registers/org.yaml"
    org.write_text(ORG.replace("matrix: {high: 15, medium: 8}", "matrix: {high: 12, medium: 8}"), encoding="utf-8")
    result = diff_revisions("HEAD", "WORKTREE", register=regraded / "registers")
    assert result.parsed["shared"] == ["departments/jjjc.yaml", "departments/ldbz.yaml", "departments/spk.yaml",
                                       "departments/xzk.yaml"]
    changed = {c["id"]: c["changes"] for c in result.diff.to_json()["risks"]["changed"]}
    assert changed == {"R1": [{"field": "computed_grade", "from": "中", "to": "高", "direction": "raised"}]}


def test_a_post_defined_in_a_file_written_as_json_is_still_found(tmp_path):
    # 行政科 is written in JSON (valid YAML): its posts cannot be cut out by lines, so the file is parsed whole.
    admin = {"schema_version": 1, "id": "xzk", "name": "行政科", "kind": "内设机构",
             "posts": [{"id": "xzk-gang", "name": "行政岗", "powers": ["xzk-P01"]}],
             "powers": [{"id": "xzk-P01", "name": "重大事项决策", "scope": "内部", "category": "内部管理",
                         "sanzhong_yida": True}]}
    repo = init_repo(tmp_path / "json")
    write(repo, "registers/org.yaml", ORG)
    for stem, text in (("ldbz", LEADERSHIP), ("jjjc", INSPECTION), ("spk", OFFICE_2024)):
        write(repo, f"registers/departments/{stem}.yaml", text)
    (repo / "registers/departments/xzk.yaml").write_text(json.dumps(admin, ensure_ascii=False, indent=1),
                                                         encoding="utf-8")
    commit(repo, "一", "2025-01-10T10:00:00+08:00")
    write(repo, "registers/departments/spk.yaml", OFFICE_2024.replace("    posts: [spk-chushen, spk-fuhe]\n",
                                                                      "    posts: [spk-chushen, xzk-gang]\n"))
    result = diff_revisions("HEAD", "WORKTREE", register=repo / "registers")
    assert (result.parsed["shared"], result.parsed["sliced"]) == (["org.yaml", "departments/xzk.yaml"], [])
    assert result.diff.to_json()["risks"]["changed"] == [{"id": "R5", "department": "spk", "changes": [
        {"field": "posts", "from": ["spk-chushen", "spk-fuhe"], "to": ["spk-chushen", "xzk-gang"]},
        {"field": "grade", "from": "中", "to": "高", "direction": "raised"},
        {"field": "computed_grade", "from": "中", "to": "高", "direction": "raised"}]}]


def test_of_an_unchanged_file_what_grading_reads_is_loaded_by_its_keys():
    # Once cut by lines behind a stub header; now the loader's key filter, with the keys grading declares.
    raw = ("\ufeffschema_version: 1\nid: a\nname: 甲科\n# 注释\nposts:\n- {id: a-1, name: 岗}\n  # 续\n"
           "risks:\n  - id: R\npowers: []\nwarnings: []\n").encode("utf-8")
    assert load_keys(raw, "departments/a.yaml", input_keys()) == {
        "schema_version": 1, "id": "a", "name": "甲科", "posts": [{"id": "a-1", "name": "岗"}], "powers": []}
    assert load_keys(b'{"id": "a", "posts": []}', "departments/a.yaml", input_keys()) is None
    assert input_keys() >= GRADE_INPUTS.department | MONITOR_INPUTS.department
    assert defines(b'posts:\n  - {id: a-1, name: x}\n', "a-1")
    assert defines(b'{"id": "a-1"}', "a-1")
    assert not defines(b'posts: [a-1]\nowner: a-1\n', "a-1")
    assert not defines(b'- id: a-12\n', "a-1")


def test_a_risk_moved_to_another_file_is_matched_by_id(regraded):
    spk = regraded / "registers/departments/spk.yaml"
    xzk = regraded / "registers/departments/xzk.yaml"
    text = spk.read_text(encoding="utf-8")
    start, end = text.index("  - id: R1\n"), text.index("  - id: R2\n")
    spk.write_text(text[:start] + text[end:], encoding="utf-8")
    xzk.write_text(xzk.read_text(encoding="utf-8") + text[start:end], encoding="utf-8")
    result = diff_revisions("HEAD", "WORKTREE", register=regraded / "registers")
    document = result.diff.to_json()
    assert document["risks"] == {"added": [], "removed": [], "renamed": [], "changed": [
        {"id": "R1", "department": "xzk", "changes": [{"field": "department", "from": "spk", "to": "xzk"}]}]}


def test_files_lz_validate_found_clean_are_taken_from_its_cache(history, monkeypatch):
    repo = Path(history["repo"])
    monkeypatch.delenv("LZ_NO_CACHE", raising=False)
    spk = repo / "data/registers/departments/spk.yaml"
    spk.write_text(spk.read_text(encoding="utf-8").replace("likelihood: 2", "likelihood: 1", 1), encoding="utf-8")
    cold = diff_revisions("HEAD", "WORKTREE", register=repo / "data/registers")
    assert validate(repo / "data/registers").errors == 0  # fills data/registers/.lz-cache
    warm = diff_revisions("HEAD", "WORKTREE", register=repo / "data/registers")
    assert (cold.parsed["new"], cold.parsed["cached"]) == (["departments/spk.yaml"], [])
    assert (warm.parsed["new"], warm.parsed["cached"]) == ([], ["departments/spk.yaml"])
    assert warm.diff.to_json() == cold.diff.to_json()
    assert warm.diff.to_json()["risks"]["changed"][0]["changes"][0] == {"field": "likelihood", "from": 2, "to": 1}


def test_an_unreadable_file_in_the_work_tree_is_lz009_not_an_internal_error(runner, history):
    folder = Path(history["repo"]) / "data" / "registers" / "departments" / "kjk.yaml"
    folder.mkdir()
    result = run(runner, "diff", "HEAD", "WORKTREE")
    assert result.exit_code == 1, result.output
    assert "departments/kjk.yaml:1:1: LZ009" in result.output


def test_two_register_folders_are_compared_without_git(runner, tmp_path, monkeypatch):
    old, new = tmp_path / "old", tmp_path / "new"
    write_register(old, org=ORG_2024, departments={"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": OFFICE_2024})
    write_register(new, departments={"ldbz": LEADERSHIP, "jjjc": INSPECTION, "spk": office_2025()})
    monkeypatch.chdir(tmp_path)  # no git repository here
    result = run(runner, "diff", "old/registers", "new", "--format", "json")  # the folder, or the one holding it
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["from"] == {"rev": "old/registers", "commit": None}
    assert document["to"] == {"rev": "new", "commit": None}
    assert document["summary"]["risks_added"] == 1
    text = run(runner, "diff", "old", "new").output
    assert "old → new" in text.splitlines()[0]


def test_a_folder_and_a_revision(runner, history, tmp_path):
    folder = write_register(tmp_path / "copy", departments={"ldbz": LEADERSHIP, "jjjc": INSPECTION,
                                                             "spk": office_2025()})
    document = diff_json(runner, "register-2025", str(folder))
    assert document["from"]["commit"] == history["2025"] and document["to"]["commit"] is None
    assert document["summary"]["risks_added"] == 0 and document["risks"]["changed"] == []


def test_a_broken_folder_is_reported_with_its_path(runner, tmp_path, monkeypatch):
    good = write_register(tmp_path / "good")
    broken = write_register(tmp_path / "broken")
    (broken / "departments" / "spk.yaml").write_text("id: [\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run(runner, "diff", str(good), "broken")
    assert result.exit_code == 1
    assert "broken/registers/departments/spk.yaml:" in result.stderr
