"""lz diff"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.common import LangOption, RegisterOption, command_help, format_option, usage_error
from lianzheng_cli.i18n import join_list, messages, set_language
from lianzheng_cli.load.sources import RegisterNotFound, find_register
from lianzheng_cli.outputs.diff_text import DIFF_FORMATS

tr = messages({
    "diff.bad_fail_on": {
        "zh": "--fail-on 的值 `{value}` 无效，可选：removed、lowered、high-removed（可用逗号分隔多个）",
        "en": "--fail-on value `{value}` is not valid; choose from removed, lowered, high-removed (comma-separated)",
    },
    "diff.problems": {
        "zh": "{label}：登记簿有错误，无法比对（请修正后重试，或用 lz validate 查看完整检查结果）",
        "en": "the register at {label} has errors, so it cannot be compared (fix them, or run lz validate):",
    },
    "diff.failed": {"zh": "存在 --fail-on 指定的变更：{conditions}",
                    "en": "changes named by --fail-on are present: {conditions}"},
    "diff.fail.removed": {"zh": "删除了风险点", "en": "risks removed"},
    "diff.fail.lowered": {"zh": "降低了风险等级", "en": "grades lowered"},
    "diff.fail.high-removed": {"zh": "删除了高风险点", "en": "high risks removed"},
    "diff.help": {
        "zh": "比对登记簿的两个版本（年度、git 版本、工作区或两个登记簿目录）。\n\n"
              "列出风险点的增删、改编号与逐项变更（含等级升降），以及措施、人员、岗位、职权、流程与预警的变化。\n\n"
              "年份（如 2024）取标签 2024 或 register-2024；没有标签时取2024年12月31日或更早的最后一次提交，"
              "并说明取了哪次提交。含 org.yaml 的目录按目录读取，不需要 git：lz diff 旧/registers 新/registers。\n\n"
              "退出码：0 完成；1 存在 --fail-on 指定的变更，或某一版本的登记簿有错误；"
              "2 用法错误（未知版本、不在 git 仓库中）。",
        "en": "Compare two versions of the register (years, git revisions or the work tree).\n\n"
              "Lists the risks added, removed, renumbered and changed field by field (grades raised or lowered), "
              "and the changes of measures, people, posts, powers, processes and warnings.\n\n"
              "A year (e.g. 2024) is the tag 2024 or register-2024; without a tag, the last commit on or before "
              "31 December 2024 (lz says which).\n\n"
              "Exit codes: 0 done; 1 changes named by --fail-on are present, or a version of the register has "
              "errors; 2 usage error (an unknown revision, not in a git repository).",
    },
    "diff.help.a": {
        "zh": "旧版本：git 引用（标签、分支、提交、HEAD~1）、年份（如 2024）、WORKTREE、"
              "approved（最近一次审核的版本，见 lz approve），或登记簿目录（含 org.yaml 或 registers/org.yaml）。",
        "en": "The old version: a git reference (tag, branch, commit, HEAD~1), a year (e.g. 2024), WORKTREE, "
              "approved (the revision last approved, see lz approve), or a register folder (holding org.yaml or "
              "registers/org.yaml).",
    },
    "diff.help.b": {
        "zh": "新版本，写法同 A；默认为工作区（WORKTREE；只写 WORKTREE 时比对 HEAD 与工作区）。",
        "en": "The new version, written as A is; default: the work tree (WORKTREE; WORKTREE alone compares HEAD "
              "with the work tree).",
    },
    "diff.help.format": {
        "zh": "输出格式：text（终端，按部门分组）、markdown（合并请求评论）、json（机器可读）。",
        "en": "Output format: text (terminal, by department), markdown (a merge request comment), "
              "json (for programs).",
    },
    "diff.help.fail_on": {
        "zh": "出现这些变更时以退出码 1 结束（供CI使用）：removed（删除风险点）、lowered（降低等级）、"
              "high-removed（删除高风险点）；多个用逗号分隔。",
        "en": "Exit 1 when these changes are present (for CI): removed (risks removed), lowered (grades lowered), "
              "high-removed (high risks removed); separate several with commas.",
    },
})


def parse_fail_on(values: list[str] | None) -> list[str]:
    """``removed,lowered`` (and repeated options) → the conditions; ``typer.Exit(2)`` for an unknown one."""
    from lianzheng_cli.diff import FAIL_ON

    conditions: list[str] = []
    for value in values or ():
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if part not in FAIL_ON:
                raise usage_error(tr("diff.bad_fail_on", value=part))
            if part not in conditions:
                conditions.append(part)
    return conditions


@command_help(tr.lazy("diff.help"))
def diff_command(
    rev_a: Annotated[str, typer.Argument(metavar="A", help=tr.lazy("diff.help.a"))] = "HEAD",
    rev_b: Annotated[str, typer.Argument(metavar="B", help=tr.lazy("diff.help.b"))] = "WORKTREE",
    register: RegisterOption = None,
    fmt: Annotated[str, format_option(DIFF_FORMATS, help=tr.lazy("diff.help.format"))] = "text",
    fail_on: Annotated[list[str] | None, typer.Option(
        "--fail-on", metavar="CHANGES", show_default=False, help=tr.lazy("diff.help.fail_on"))] = None,
    lang: LangOption = None,
) -> None:
    """lz diff: the changes between two versions of the register; --fail-on makes some of them exit 1."""
    from lianzheng_cli.diff import diff_revisions
    from lianzheng_cli.load.git import GitError

    if lang is not None:
        set_language(lang.value)
    conditions = parse_fail_on(fail_on)
    if rev_a == rev_b == "WORKTREE":  # `lz diff WORKTREE`: what the work tree changed since the last commit
        rev_a = "HEAD"
    root: Path | None = None
    try:
        root = find_register(register)
    except RegisterNotFound as exc:
        if register is not None:
            raise usage_error(str(exc)) from None
        # No register in the work tree: look for registers/ at each revision from here.
    try:
        run = diff_revisions(rev_a, rev_b, register=root, start=Path.cwd())
    except GitError as exc:
        raise usage_error(str(exc)) from None

    if run.diff is None:
        by_side: dict[str, list] = {}
        for problem in run.problems:
            by_side.setdefault(problem.side, []).append(problem)
        for side, problems in by_side.items():
            typer.echo(f"lz: {tr('diff.problems', label=run.labels[side])}", err=True)
            for problem in problems:
                d = problem.diagnostic
                typer.echo(f"{run.location(problem)}: {d.code} {d.message}", err=True)
        raise typer.Exit(1)

    DIFF_FORMATS[fmt](run.diff, run.notes, sys.stdout, sys.stderr)

    failed = run.diff.failures(conditions)
    if failed:
        typer.echo(f"lz: {tr('diff.failed', conditions=join_list([tr(f'diff.fail.{c}') for c in failed]))}", err=True)
        raise typer.Exit(1)
