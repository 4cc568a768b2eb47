"""lz init"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.common import LangOption, usage_error
from lianzheng_cli.i18n import messages, os_error_reason, set_language
from lianzheng_cli.write.scaffold import ScaffoldError, default_lz_source, scaffold

tr = messages({
    "init.cannot_write": {"zh": "无法写入 {path}:{reason}", "en": "cannot write {path}: {reason}"},
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
    hooks_repo: Annotated[str | None, typer.Option(
        "--hooks-repo", metavar="URL", show_default=False,
        help="pre-commit 钩子所在的仓库 (含 .pre-commit-hooks.yaml 的 lz 仓库 或其镜像), 与 --hooks-rev 同用。"
             " 默认不用: 钩子运行本机已安装的 lz, 不联网。")] = None,
    hooks_rev: Annotated[str | None, typer.Option(
        "--hooks-rev", metavar="REV", show_default=False, help="钩子仓库的版本: 标签或提交。")] = None,
    lz_source: Annotated[str | None, typer.Option(
        "--lz-source", metavar="SPEC", show_default=False,
        help="CI 安装 lz 的来源 (pip install 的参数): 包索引上的版本、 wheel 文件路径 或 git+URL。"
             f" 默认 {default_lz_source()}。")] = None,
    lang: LangOption = None,
) -> None:
    """生成登记簿仓库:registers/(org.yaml 与一个部门示例)、schemas/、编辑器设置、pre-commit 与 CI 配置。

    目录不为空时拒绝生成(退出码 2),除非加 --force。
    """
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
