"""``lz init``: a new register repository from the templates shipped with lz (``templates/init``).

A template file ending in ``.j2`` is rendered with Jinja2; others are copied.
A path segment ``dot-x`` becomes ``.x`` (so the templates folder holds no
dotfiles that git, editors or the build would act on). The JSON Schemas are
copied into ``schemas/``, where the files' modelines and ``.vscode/settings.json`` point.
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

# Where the pre-commit hooks and the package are installed from in a new repository's CI.
HOOKS_REPO = "https://github.com/lianzheng-cli/lianzheng-cli"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_YAML_SPECIAL = re.compile(r"[:#\[\]{},&*!|>'\"%@`]|^\s|\s$|^[-?]")

tr = messages({
    "init.not_empty": {
        "zh": "{path} 不是空目录;如确要在其中生成登记簿仓库(同名文件将被覆盖),请加 --force",
        "en": "{path} is not empty; add --force to scaffold into it anyway (files of the same name are overwritten)",
    },
    "init.not_a_folder": {"zh": "{path} 已存在且不是目录", "en": "{path} exists and is not a folder"},
    "init.bad_org_id": {
        "zh": "单位编号 `{value}` 不合规:须以字母或数字开头,只含字母、数字和 . _ -",
        "en": "organization id `{value}` is malformed: it must start with a letter or digit and hold only "
              "letters, digits and . _ -",
    },
})


class ScaffoldError(Exception):
    """The target cannot take a scaffold: a usage error (exit 2); the message is translated."""


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
             year: int | None = None, hooks_repo: str = HOOKS_REPO, version: str = __version__) -> list[str]:
    """Write a register repository into ``target``; the files written, relative and '/'-separated."""
    if target.exists() and not target.is_dir():
        raise ScaffoldError(tr("init.not_a_folder", path=target))
    if not force and not is_empty_folder(target):
        raise ScaffoldError(tr("init.not_empty", path=target))
    if not _ID.fullmatch(org_id):
        raise ScaffoldError(tr("init.bad_org_id", value=org_id))
    year = year or date.today().year
    templates = data_dir("templates") / "init"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, autoescape=False)
    context = {"org_id": org_id, "org_name": " ".join(org_name.split()), "org_name_yaml": _yaml_text(org_name),
               "year": year, "version": version, "hooks_repo": hooks_repo}
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
    for schema in sorted(data_dir("schemas").glob("*.schema.json")):
        out = target / "schemas" / schema.name
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(schema, out)
        written.append(f"schemas/{schema.name}")
    return sorted(written)
