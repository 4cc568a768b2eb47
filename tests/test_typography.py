"""Chinese that reads as Chinese: full-width punctuation, no stray spaces, help that fits, click in both languages.

The rules, for every Chinese text lz says or writes (message catalogues, help, rule descriptions, templates):

- punctuation in a Chinese sentence is full-width (，：；（）！？); ASCII ``,:;()!?`` next to a Chinese
  character is a mistake, except inside code: `backticks`, {placeholders}, Jinja tags, URLs, Markdown
  link targets, and the colons of YAML (only the comments of YAML templates are prose);
- no space between two Chinese characters, nor between one and full-width punctuation;
- numbers and names (YAML, Excel, GitHub) go without a space next to Chinese; code (commands, options,
  paths, ids, register keys and values) has a space on each side.

The last rule needs judgement; the first two are checked here. A new catalogue, command or template is
checked without being listed: catalogues are found by walking the package, commands by walking the
click command tree of ``lz``.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from rich.cells import cell_len

import lianzheng_cli
from lianzheng_cli.cli import app
from lianzheng_cli.i18n import LazyText, Messages, set_language
from lianzheng_cli.lint.catalogue import RULES, VALIDATION_CODES

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "templates"
OTHER_TEAMS: tuple[str, ...] = ()  # template folders checked elsewhere (none)

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
FULL_WIDTH = "，。、；：？！（）“”‘’《》【】「」…—"
CHINESE = re.compile(f"[{HAN}{FULL_WIDTH}]")
HAN_CHAR = re.compile(f"[{HAN}]")

# Code inside Chinese text keeps ASCII punctuation: it is replaced by a neutral mark before checking.
CODE = re.compile(
    r"`[^`\n]*`"                        # `code`
    r"|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}"  # Jinja
    r"|\{[^{}\s]*\}"                    # {placeholder}, {x:04X}
    r"|https?://\S+"                    # URLs
    r"|\]\([^)\n]*\)"                   # Markdown link targets
    r"|<!--.*?-->"                      # HTML comments
    r"|^lz: ",                          # the program's name before a message
    re.S,
)
NEUTRAL = "\x00"
ASCII_MARK = re.compile(r"[,:;()!?]")
SPACE_IN_CHINESE = re.compile(f"(?<=[{HAN}{FULL_WIDTH}]) +(?=[{HAN}{FULL_WIDTH}])")


def problems(text: str) -> list[str]:
    """What is wrong with the punctuation and spacing of one Chinese text (empty when nothing)."""
    found = []
    masked = CODE.sub(lambda m: NEUTRAL * len(m.group(0)), text)
    for match in ASCII_MARK.finditer(masked):
        i = match.start()
        before, after = masked[i - 1:i], masked[i + 1:i + 2]
        if _code_like(before) and _code_like(after):
            continue  # inside code: LZ3,LZ501  {file}:{line}
        if _chinese_beside(masked, i, -1) or _chinese_beside(masked, i, 1):
            found.append(f"ASCII {match.group(0)!r} in Chinese: …{text[max(0, i - 12):i + 12]}…")
    for match in SPACE_IN_CHINESE.finditer(masked):
        i = match.start()
        found.append(f"space between Chinese characters: …{text[max(0, i - 12):i + 12]}…")
    return found


def _code_like(char: str) -> bool:
    return char == NEUTRAL or (char.isascii() and char.isalnum())


def _chinese_beside(masked: str, i: int, step: int) -> bool:
    """Whether the nearest character from ``i`` in direction ``step``, past spaces and code, is Chinese."""
    j = i + step
    while 0 <= j < len(masked) and masked[j] in (" ", NEUTRAL):
        j += step
    return 0 <= j < len(masked) and bool(CHINESE.match(masked[j]))


# --- what is checked -------------------------------------------------------------------------------------------


def catalogues() -> dict[str, Messages]:
    """Every module's message catalogue (as tests/test_messages.py finds them)."""
    found = {}
    for info in pkgutil.walk_packages(lianzheng_cli.__path__, "lianzheng_cli."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        if isinstance(getattr(module, "tr", None), Messages):
            found[info.name] = module.tr
    return found


def commands() -> Iterator[tuple[list[str], Any]]:
    """``(path, command)`` for lz and every command and subcommand under it."""
    def walk(path: list[str], command):
        yield path, command
        for name in getattr(command, "commands", {}):
            yield from walk([*path, name], command.commands[name])

    yield from walk([], typer.main.get_command(app))


def help_texts() -> Iterator[tuple[str, object]]:
    """``(where, text)`` for every command's help and every parameter's, as declared (lazy or plain)."""
    for path, command in commands():
        where = " ".join(["lz", *path])
        yield where, command.help
        for param in command.params:
            yield f"{where} {param.opts[0] if param.opts else param.name}", getattr(param, "help", None)


def chinese_texts() -> Iterator[tuple[str, str]]:
    for module, catalogue in catalogues().items():
        for key, entry in catalogue.entries.items():
            yield f"{module}: {key}", entry["zh"]
    for where, text in help_texts():
        if text:
            yield f"help of {where}", str(text)  # a LazyText is its Chinese text
    for code, rule in RULES.items():
        yield f"rule {code} summary", rule.summary_zh
        yield f"rule {code} rationale", rule.rationale
    for code, (zh, _en) in VALIDATION_CODES.items():
        yield f"validation code {code}", zh


def template_prose(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, prose)`` of a template: YAML-like files' comments; other files outside fenced code."""
    yaml_like = any(part in path.name for part in (".yaml", ".yml")) or path.name == "dot-gitignore"
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if yaml_like:
            comment = re.search(r"(?:^|\s)#(?!\{)\s?(.*)", line)
            if comment:
                yield number, comment.group(1)
            continue
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


def templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.is_file() and p.suffix != ".json"
                  and not any(part in OTHER_TEAMS for part in p.relative_to(TEMPLATES).parts))


# --- the checks ------------------------------------------------------------------------------------------------


def test_the_checker_knows_chinese_punctuation_from_code():
    assert problems("登记簿目录(含 org.yaml)") and problems("默认从当前目录 向上查找") and problems("错误: x")
    assert problems("请另存为 UTF-8,否则") and problems("登记簿 (registers/)")
    assert not problems("登记簿目录（含 org.yaml），如 LZ3,LZ501")
    assert not problems("应写作 `# lz: disable=LZ501 理由`，{path}:{line}")
    assert not problems("lz: 内部错误：{error}") and not problems("见 [说明](https://example.com/a,b)。")


def test_message_catalogues_help_and_rules_use_chinese_punctuation():
    found = [f"{where}: {problem}" for where, text in chinese_texts() for problem in problems(text)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("template", templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_use_chinese_punctuation(template):
    found = [f"line {number}: {problem}" for number, prose in template_prose(template) for problem in problems(prose)]
    assert found == [], "\n".join(found)


def test_the_readme_uses_chinese_punctuation():
    chinese = (REPO / "README.md").read_text(encoding="utf-8").split("\n## English", 1)[0]
    found = []
    fenced = False
    for number, line in enumerate(chinese.splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            found += [f"README.md line {number}: {problem}" for problem in problems(line)]
    assert found == [], "\n".join(found)


def test_every_help_text_has_an_english_twin():
    """Help is written once per language: English help has no Chinese left in it."""
    set_language("en")
    try:
        chinese = [where for where, text in help_texts()
                   if text and HAN_CHAR.search(text.said() if isinstance(text, LazyText) else str(text))]
    finally:
        set_language(None)
    assert chinese == [], "help without an English text (use tr.lazy and @command_help): " + ", ".join(chinese)


def run_lz(runner, *args: str, lang: str | None = None, columns: int = 80) -> Any:
    env = {"COLUMNS": str(columns), "LZ_LANG": lang or ""}
    return runner.invoke(app, list(args), env=env)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_help_screen_fits_80_columns(runner, lang):
    for path, _command in commands():
        result = run_lz(runner, *path, "--help", lang=lang)
        assert result.exit_code == 0, (path, result.output)
        where = " ".join(["lz", *path, "--help"])
        assert "…" not in result.stdout, f"{where} ({lang}) cut a text short:\n{result.stdout}"
        assert "<bool>" not in result.stdout, f"{where} ({lang}) shows a value for a flag:\n{result.stdout}"
        too_wide = [line for line in result.stdout.splitlines() if cell_len(line) > 80]
        assert too_wide == [], f"{where} ({lang}):\n" + "\n".join(too_wide)


def test_help_is_in_the_language_named_anywhere_on_the_command_line(runner):
    for args in (["--lang", "en", "validate", "-h"], ["validate", "--lang", "en", "-h"],
                 ["validate", "-h", "--lang=en"], ["--lang", "en", "-h"]):
        result = run_lz(runner, *args)
        assert result.exit_code == 0
        assert result.stdout.lstrip().startswith("Usage: lz"), (args, result.stdout)
        assert not HAN_CHAR.search(result.stdout), (args, result.stdout)
    chinese = run_lz(runner, "validate", "-h")
    assert chinese.stdout.lstrip().startswith("用法：lz validate [选项]")
    assert "选项" in chinese.stdout and "Options" not in chinese.stdout


@pytest.mark.parametrize(("args", "zh", "en"), [
    (["validate", "--nosuch"], "没有 --nosuch 这个选项", "No such option: --nosuch"),
    (["validate", "--regster", "x"], "没有 --regster 这个选项，是否应为 --register？",
     "No such option: --regster (Possible options: --register)"),
    (["valdate"], "没有 valdate 这个命令，是否应为 validate？", "No such command 'valdate'. Did you mean 'validate'?"),
    (["init"], "缺少参数 DIR", "Missing argument 'DIR'."),
    (["validate", "extra"], "多余的参数：extra", "Got unexpected extra argument(s) (extra)"),
    (["validate", "--register"], "选项 --register 需要一个值", "Option '--register' requires an argument."),
    (["init", "x", "--year", "abc"], "--year 的值无效：应为整数", "Invalid value for '--year': not a whole number."),
    (["rules", "--lang", "fr"], "--lang 的值无效：fr 不是可选的值，可选：zh、en",
     "Invalid value for '--lang': 'fr' is not one of 'zh', 'en'."),
])
def test_click_errors_are_chinese_by_default_and_english_on_request(runner, args, zh, en):
    chinese = run_lz(runner, *args, columns=200)
    assert chinese.exit_code == 2
    assert zh in chinese.stderr and "错误" in chinese.stderr, chinese.stderr
    assert chinese.stderr.startswith("用法：lz"), chinese.stderr
    assert not re.search(r"[A-Z][a-z]+ [a-z]+", chinese.stderr.replace("--", "")), chinese.stderr  # no English
    english_runs = [run_lz(runner, *args, lang="en", columns=200)]
    if "--lang" not in args:
        english_runs.append(run_lz(runner, "--lang", "en", *args, columns=200))
    for english in english_runs:
        assert english.exit_code == 2
        assert en in english.stderr and "Error" in english.stderr, english.stderr
        assert english.stderr.startswith("Usage: lz"), english.stderr
        assert not HAN_CHAR.search(english.stderr), english.stderr
