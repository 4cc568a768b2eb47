"""``lz init``: a new register repository from the templates shipped with lz (``templates/init``).

A template file ending in ``.j2`` is rendered with Jinja2; others are copied.
A path segment ``dot-x`` becomes ``.x`` (so the templates folder holds no
dotfiles that git, editors or the build would act on). The JSON Schemas are
written into ``schemas/`` as ``lz schema --write`` writes them, where the files' modelines and
``.vscode/settings.json`` point.

The pre-commit hook and CI work as generated, with no release of lz to fetch: the hook
runs the ``lz`` installed on the machine (``repo: local``, ``language: system``), unless
``hooks_repo`` and ``hooks_rev`` name a repository carrying ``.pre-commit-hooks.yaml``;
CI installs lz with ``pip install "$LZ_SOURCE"`` (default: this version from the package index).
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import jinja2

from lianzheng_cli import __version__
from lianzheng_cli.i18n import messages
from lianzheng_cli.load.parse import resolve_plain
from lianzheng_cli.resources import data_dir
from lianzheng_cli.validate.schema_build import schema_files

# lz's own repository: the README's link, and a repository carrying .pre-commit-hooks.yaml.
HOOKS_REPO = "https://github.com/lianzheng-cli/lianzheng-cli"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._()-]*")
_YAML_SPECIAL = re.compile(r"[:#\[\]{},&*!|>'\"%@`]|^\s|\s$|^[-?]")

tr = messages({
    "init.not_empty": {
        "zh": "{path} 不是空目录；如确要在其中生成登记簿仓库（同名文件将被覆盖），请加 --force",
        "en": "{path} is not empty; add --force to scaffold into it anyway (files of the same name are overwritten)",
    },
    "init.not_a_folder": {"zh": "{path} 已存在且不是目录", "en": "{path} exists and is not a folder"},
    "init.bad_org_id": {
        "zh": "单位编号 `{value}` 不合规：须以字母或数字开头，只含字母、数字和 . _ - ( )",
        "en": "organization id `{value}` is malformed: it must start with a letter or digit and hold only "
              "letters, digits and . _ - ( )",
    },
    "init.hooks_pair": {
        "zh": "--hooks-repo 与 --hooks-rev 须同时给出（钩子仓库的地址与版本，如标签或提交）；"
              "都不给时，钩子运行本机已安装的 lz",
        "en": "--hooks-repo and --hooks-rev go together (the hooks repository and its revision, a tag or commit); "
              "with neither, the hook runs the lz installed on the machine",
    },
    "init.bad_value": {
        "zh": "{option} 的值 `{value}` 不能为空，也不能含换行或控制字符",
        "en": "{option} value `{value}` must not be empty or hold a line break or control character",
    },
})


class ScaffoldError(Exception):
    """The target cannot take a scaffold: a usage error (exit 2); the message is translated."""


def default_lz_source(version: str = __version__) -> str:
    """What CI installs by default: this version of lz from the package index."""
    return f"lianzheng-cli=={version}"


def _checked(option: str, value: str | None) -> str | None:
    """``value`` as given, or ``ScaffoldError`` when it cannot go into a YAML file and a shell command intact."""
    if value is not None and (not value.strip() or any(ord(c) < 32 or ord(c) == 127 for c in value)):
        raise ScaffoldError(tr("init.bad_value", option=option, value=value.encode("unicode_escape").decode()))
    return value


def _yaml_text(value: str) -> str:
    """``value`` as a YAML scalar: plain when that reads back as the same text, else double-quoted."""
    if _YAML_SPECIAL.search(value) or resolve_plain(value) != value:
        return json.dumps(value, ensure_ascii=False)
    return value


def _output_path(template: Path) -> Path:
    parts = [("." + p[4:]) if p.startswith("dot-") else p for p in template.parts]
    path = Path(*parts)
    return path.with_suffix("") if path.suffix == ".j2" else path


def is_empty_folder(path: Path) -> bool:
    """True for a missing folder, or one holding nothing but a ``.git`` (``git init`` first is fine)."""
    return not path.exists() or all(child.name == ".git" for child in path.iterdir())


def scaffold(target: Path, *, force: bool = False, org_id: str = "my-org", org_name: str = "示例单位",
             year: int | None = None, hooks_repo: str | None = None, hooks_rev: str | None = None,
             lz_source: str | None = None, version: str = __version__) -> list[str]:
    """Write a register repository into ``target``; the files written, relative and '/'-separated.

    ``hooks_repo`` with ``hooks_rev``: the pre-commit hook comes from that repository at that revision;
    neither: it runs the installed ``lz``. ``lz_source``: what CI passes to ``pip install``.
    """
    if target.exists() and not target.is_dir():
        raise ScaffoldError(tr("init.not_a_folder", path=target))
    if not force and not is_empty_folder(target):
        raise ScaffoldError(tr("init.not_empty", path=target))
    if not _ID.fullmatch(org_id):
        raise ScaffoldError(tr("init.bad_org_id", value=org_id))
    if (hooks_repo is None) != (hooks_rev is None):
        raise ScaffoldError(tr("init.hooks_pair"))
    hooks_repo, hooks_rev = _checked("--hooks-repo", hooks_repo), _checked("--hooks-rev", hooks_rev)
    lz_source = _checked("--lz-source", lz_source) or default_lz_source(version)
    context = {"org_id": org_id, "org_name": " ".join(org_name.split()), "org_name_yaml": _yaml_text(org_name),
               "year": year or date.today().year, "version": version, "project_url": HOOKS_REPO,
               "hooks_repo": hooks_repo and _yaml_text(hooks_repo), "hooks_rev": hooks_rev and _yaml_text(hooks_rev),
               "lz_source": lz_source, "lz_source_yaml": json.dumps(lz_source, ensure_ascii=False)}
    return _write(target, context)


def _write(target: Path, context: dict) -> list[str]:
    templates = data_dir("templates") / "init"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, autoescape=False)
    written: list[str] = []
    for template in sorted(p for p in templates.rglob("*") if p.is_file()):
        rel = template.relative_to(templates)
        out = target / _output_path(rel)
        out.parent.mkdir(parents=True, exist_ok=True)
        if rel.suffix == ".j2":
            text = env.get_template(rel.as_posix()).render(context)
            out.write_text(text, encoding="utf-8", newline="\n")
        else:
            shutil.copyfile(template, out)
        written.append(out.relative_to(target).as_posix())
    for name, text in schema_files().items():  # what `lz schema --write` writes for the new register
        out = target / "schemas" / name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8", newline="\n")
        written.append(f"schemas/{name}")
    return sorted(written)
