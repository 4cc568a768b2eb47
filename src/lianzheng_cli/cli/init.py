"""lz init"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.common import LangOption, command_help, usage_error
from lianzheng_cli.i18n import messages, os_error_reason, set_language
from lianzheng_cli.write.scaffold import ScaffoldError, default_lz_source, scaffold

tr = messages({
    "init.cannot_write": {"zh": "无法写入 {path}：{reason}", "en": "cannot write {path}: {reason}"},
    "init.done": {
        "zh": "已在 {path} 生成登记簿仓库（{count}个文件）。下一步：\n"
              "  cd {path}\n  git init && git add -A && git commit -m \"登记簿初稿\"\n"
              "  lz validate\n  pip install pre-commit && pre-commit install",
        "en": "scaffolded a register repository in {path} ({count} files). Next:\n"
              "  cd {path}\n  git init && git add -A && git commit -m \"first register\"\n"
              "  lz validate\n  pip install pre-commit && pre-commit install",
    },
    "init.help": {
        "zh": "生成登记簿仓库：registers/（org.yaml 与一个部门示例）、schemas/、编辑器设置、pre-commit 与CI配置。\n\n"
              "目录不为空时拒绝生成（退出码 2），除非加 --force。",
        "en": "Scaffold a register repository: registers/ (org.yaml and a sample department), schemas/, editor "
              "settings, pre-commit and CI configuration.\n\n"
              "Refuses a folder that is not empty (exit code 2) unless --force is given.",
    },
    "init.help.dir": {"zh": "新登记簿仓库的目录（不存在则新建）。",
                      "en": "The folder of the new register repository (made if missing)."},
    "init.help.force": {"zh": "目录不为空时也生成（同名文件将被覆盖）。",
                        "en": "Scaffold into a folder that is not empty too (files of the same name are replaced)."},
    "init.help.org_id": {"zh": "单位编号（org.id）。", "en": "The organisation's id (org.id)."},
    "init.help.org_name": {"zh": "单位名称（org.name）。", "en": "The organisation's name (org.name)."},
    "init.help.year": {"zh": "登记簿年度，默认为今年。", "en": "The register year; default: this year."},
    "init.help.hooks_repo": {
        "zh": "pre-commit 钩子所在的仓库（含 .pre-commit-hooks.yaml 的 lz 仓库或其镜像），与 --hooks-rev 同用。"
              "默认不用：钩子运行本机已安装的 lz，不联网。",
        "en": "The repository of the pre-commit hooks (lz's, with .pre-commit-hooks.yaml, or a mirror of it), with "
              "--hooks-rev. Default: none; the hook runs the lz installed here, offline.",
    },
    "init.help.hooks_rev": {"zh": "钩子仓库的版本：标签或提交。", "en": "The revision of the hooks repository: a tag "
                                                                      "or a commit."},
    "init.help.lz_source": {
        "zh": "CI安装 lz 的来源（pip install 的参数）：包索引上的版本、wheel 文件路径或 git+URL。默认 {default}。",
        "en": "Where CI installs lz from (an argument of pip install): a version on the package index, a wheel "
              "file or git+URL. Default: {default}.",
    },
})


@command_help(tr.lazy("init.help"))
def init_command(
    target: Annotated[Path, typer.Argument(metavar="DIR", help=tr.lazy("init.help.dir"))],
    force: Annotated[bool, typer.Option("--force", help=tr.lazy("init.help.force"))] = False,
    org_id: Annotated[str, typer.Option("--org-id", metavar="ID", help=tr.lazy("init.help.org_id"))] = "my-org",
    org_name: Annotated[str, typer.Option(
        "--org-name", metavar="NAME", help=tr.lazy("init.help.org_name"))] = "示例单位",
    year: Annotated[int | None, typer.Option(
        "--year", metavar="YEAR", help=tr.lazy("init.help.year"), show_default=False)] = None,
    hooks_repo: Annotated[str | None, typer.Option(
        "--hooks-repo", metavar="URL", show_default=False, help=tr.lazy("init.help.hooks_repo"))] = None,
    hooks_rev: Annotated[str | None, typer.Option(
        "--hooks-rev", metavar="REV", show_default=False, help=tr.lazy("init.help.hooks_rev"))] = None,
    lz_source: Annotated[str | None, typer.Option(
        "--lz-source", metavar="SPEC", show_default=False,
        help=tr.lazy("init.help.lz_source", default=default_lz_source()))] = None,
    lang: LangOption = None,
) -> None:
    """lz init: scaffold a register repository; refuses a folder that is not empty unless --force."""
    if lang is not None:
        set_language(lang.value)
    try:
        written = scaffold(target, force=force, org_id=org_id, org_name=org_name, year=year, hooks_repo=hooks_repo,
                           hooks_rev=hooks_rev, lz_source=lz_source)
    except ScaffoldError as exc:
        raise usage_error(str(exc)) from None
    except OSError as exc:
        raise usage_error(tr("init.cannot_write", path=exc.filename or target, reason=os_error_reason(exc))) from None
    typer.echo(tr("init.done", path=target, count=len(written)))
