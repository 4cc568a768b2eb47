"""lz init"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.common import LangOption, usage_error
from lianzheng_cli.i18n import messages, set_language
from lianzheng_cli.write.scaffold import HOOKS_REPO, ScaffoldError, scaffold

tr = messages({
    "init.done": {
        "zh": "已在 {path} 生成登记簿仓库({count} 个文件)。下一步:\n"
              "  cd {path}\n  git init && git add -A && git commit -m \"登记簿初稿\"\n"
              "  lz validate\n  pip install pre-commit && pre-commit install",
        "en": "scaffolded a register repository in {path} ({count} files). Next:\n"
              "  cd {path}\n  git init && git add -A && git commit -m \"first register\"\n"
              "  lz validate\n  pip install pre-commit && pre-commit install",
    },
})


def init_command(
    target: Annotated[Path, typer.Argument(metavar="DIR", help="新登记簿仓库的目录(不存在则新建)。")],
    force: Annotated[bool, typer.Option("--force", help="目录不为空时也生成(同名文件将被覆盖)。")] = False,
    org_id: Annotated[str, typer.Option("--org-id", help="单位编号(org.id)。")] = "my-org",
    org_name: Annotated[str, typer.Option("--org-name", help="单位名称(org.name)。")] = "示例单位",
    year: Annotated[int | None, typer.Option("--year", help="登记簿年度;默认为今年。", show_default=False)] = None,
    hooks_repo: Annotated[str, typer.Option(
        "--hooks-repo", help="pre-commit 钩子与 CI 安装 lz 所用的仓库地址。")] = HOOKS_REPO,
    lang: LangOption = None,
) -> None:
    """生成登记簿仓库:registers/(org.yaml 与一个部门示例)、schemas/、编辑器设置、pre-commit 与 CI 配置。

    目录不为空时拒绝生成(退出码 2),除非加 --force。
    """
    if lang is not None:
        set_language(lang.value)
    try:
        written = scaffold(target, force=force, org_id=org_id, org_name=org_name, year=year, hooks_repo=hooks_repo)
    except ScaffoldError as exc:
        raise usage_error(str(exc)) from None
    typer.echo(tr("init.done", path=target, count=len(written)))
