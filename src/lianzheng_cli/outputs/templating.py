"""Rendering Markdown documents (报告, 告知书) from Jinja2 templates, sandboxed.

A user may bring their own templates (``lz report --template DIR``), so
templates run in Jinja2's sandbox and see only plain data (dicts, lists,
strings, numbers): no register object, no Python method worth calling.
Autoescape is off (the output is Markdown, not HTML); Markdown escaping is
explicit through the filters ``md_cell`` (table cells) and ``md_text``
(running text). An undefined name is an error, never an empty string.

Every failure of a template (syntax, undefined name, sandbox refusal, any
error while rendering) becomes a :class:`TemplateProblem` whose message names
the template file and line.
"""

from __future__ import annotations

import functools
import os
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.outputs.markdown import md_cell, md_text
from lianzheng_cli.resources import data_dir
from lianzheng_cli.vocab import GRADE_STYLES

tr = messages({
    "template.syntax": {
        "zh": "模板 {location} 有语法错误：{problem}",
        "en": "template syntax error at {location}: {problem}",
    },
    "template.undefined": {
        "zh": "模板 {location} 引用了不存在的数据：{problem}（可用的数据见默认模板 templates/{kind}/）",
        "en": "the template uses data that does not exist at {location}: {problem} "
              "(see the default templates in templates/{kind}/ for what is available)",
    },
    "template.sandbox": {
        "zh": "模板 {location} 在沙箱中被拒绝执行：{problem}（模板只能读取报告数据，不能访问Python对象的内部属性）",
        "en": "the template was refused by the sandbox at {location}: {problem} "
              "(templates may read the report's data only, not the internals of Python objects)",
    },
    "template.runtime": {
        "zh": "模板 {location} 渲染出错：{problem}",
        "en": "the template failed at {location}: {problem}",
    },
    "template.not_found": {
        "zh": "找不到模板 `{name}`（在 {folders} 中查找）",
        "en": "template `{name}` not found (looked in {folders})",
    },
    "template.no_folder": {
        "zh": "模板目录 {path} 不存在或不是目录",
        "en": "template folder {path} does not exist or is not a folder",
    },
})

class TemplateProblem(Exception):
    """A template cannot be rendered: a usage error (exit 2); the message is translated and located."""





def grade_text(grade: Any, style: str) -> str:
    """A canonical grade (高/中/低) in a ``display.grade`` style (★★★, 一级, 红色 …); anything else unchanged."""
    table = GRADE_STYLES.get(style, GRADE_STYLES["word"])
    return table.get(str(grade), str(grade))


@jinja2.pass_context
def _grade_filter(context: jinja2.runtime.Context, grade: Any) -> str:
    return grade_text(grade, context.get("display_grade", "word"))


def template_folders(kind: str, user_dir: Path | None = None) -> list[Path]:
    """Where the templates of ``kind`` (``report``, ``brief``) are looked for: the user's folder first.

    A user's folder overrides the shipped templates file by file, so it may hold only the one it changes.
    """
    shipped = data_dir("templates") / kind
    if user_dir is None:
        return [shipped]
    if not Path(user_dir).is_dir():
        raise TemplateProblem(tr("template.no_folder", path=user_dir))
    return [Path(user_dir), shipped]


class _Environment(SandboxedEnvironment):
    """The sandbox, with shortcuts for what templates read most: a key of a plain dict (``r.id``) and a loop's
    counters (``loop.index``).

    Jinja tries the attribute first and, for a dict, fails with an exception before it reads the key; a name
    that is no attribute of ``dict`` can only be the key, so it is read at once: the same value, found faster.
    A loop's counters are plain attributes the sandbox always allows: read without its checks.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        kind = obj.__class__
        if kind is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        elif kind is LoopContext and attribute in _LOOP_ATTRIBUTES:
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)


_DICT_ATTRIBUTES = frozenset(dir(dict))
_LOOP_ATTRIBUTES = frozenset(("index", "index0", "revindex", "revindex0", "first", "last", "length", "depth",
                              "depth0", "previtem", "nextitem"))


def make_environment(folders: list[Path]) -> SandboxedEnvironment:
    env = _Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders], encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,  # kept by _environment: a template changed on disk is read again
    )
    env.filters["md_cell"] = md_cell
    env.filters["md_text"] = md_text
    env.filters["grade"] = _grade_filter
    return env


@functools.lru_cache(maxsize=8)
def _environment(folders: tuple[Path, ...]) -> SandboxedEnvironment:
    """The environment of ``folders``, kept: its templates are compiled once, not once per document
    (``lz report --by-department`` renders one for each of 400 departments)."""
    return make_environment(list(folders))


def render_template(kind: str, name: str, context: dict, *, user_dir: Path | None = None) -> str:
    """Render template ``name`` of ``kind`` with ``context``; :class:`TemplateProblem` for any template failure."""
    return "".join(stream_template(kind, name, context, user_dir=user_dir))


def stream_template(kind: str, name: str, context: dict, *, user_dir: Path | None = None) -> Iterator[str]:
    """The text of template ``name`` in pieces as it is rendered (never held whole); joined, what
    :func:`render_template` gives. :class:`TemplateProblem` for any template failure, raised while iterating."""
    folders = template_folders(kind, user_dir)
    env = _environment(tuple(folders))
    try:
        yield from env.get_template(name).generate(context)
    except jinja2.TemplateNotFound as exc:
        shown = join_list([_shown(f) for f in folders])
        raise TemplateProblem(tr("template.not_found", name=exc.name, folders=shown)) from None
    except jinja2.TemplateSyntaxError as exc:
        location = f"{_shown(exc.filename or exc.name or name)}:{exc.lineno}"
        raise TemplateProblem(tr("template.syntax", location=location, problem=exc.message)) from None
    except SecurityError as exc:
        raise TemplateProblem(tr("template.sandbox", location=_where(exc, folders, name), problem=exc)) from None
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(tr("template.undefined", location=_where(exc, folders, name), problem=exc,
                                  kind=kind)) from None
    except Exception as exc:
        problem = f"{type(exc).__name__}: {exc}"
        raise TemplateProblem(tr("template.runtime", location=_where(exc, folders, name), problem=problem)) from None


def _where(exc: BaseException, folders: list[Path], name: str) -> str:
    """``file:line`` of the innermost template frame of ``exc`` (Jinja rewrites frames to template lines)."""
    roots = [str(f.resolve()) + os.sep for f in folders]
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if any(str(Path(frame.filename).resolve()).startswith(root) for root in roots):
            found = (frame.filename, frame.lineno)
    if found is None:
        return name
    return f"{_shown(found[0])}:{found[1]}"


def _shown(path: str | Path) -> str:
    """A path as the user should see it: relative to the current folder when it lies inside it."""
    try:
        resolved = Path(path).resolve()
        relative = resolved.relative_to(Path.cwd().resolve())
        return str(relative)
    except (ValueError, OSError):
        return os.fspath(path)
