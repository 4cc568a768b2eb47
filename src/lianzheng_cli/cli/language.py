"""What click and typer say themselves, in the user's language: help screens, usage lines and usage errors.

typer builds the commands before ``--lang`` is read, and its own words (panel titles, "Usage:", "No such
option", "Try … for help") are English or were set once in Chinese. Here they are said when they are
shown, in the language of the run:

- a help text is a :class:`~lianzheng_cli.i18n.LazyText` from the command module's catalogue, written
  once per language next to its option; ``help_from_catalogue`` finds them on the command's function
  (typer keeps only their Chinese text) and ``help_in_the_users_language`` says them while help is shown;
- ``language_in`` reads ``--lang`` from the command line before anything is parsed, so help asked for
  before ``--lang`` (``lz validate -h --lang en``) is in that language too;
- ``translated`` rewrites click's usage errors, ``show_error`` prints them as typer does.

``Command`` and ``Group`` in ``cli/common.py`` do all this for every command.
"""

from __future__ import annotations

import inspect
import re
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from typer._click import core as click_core  # typer 0.29 carries its own click: its exceptions live here
from typer._click import exceptions as click_errors
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.utils import get_params_from_function

from lianzheng_cli.cli.linebreak import chinese_line_breaking
from lianzheng_cli.i18n import LANGUAGES, LazyText, current_language, join_list, messages

tr = messages({
    "cli.help_option": {"zh": "显示此帮助并退出。", "en": "Show this message and exit."},
    "cli.usage": {"zh": "用法：", "en": "Usage: "},
    "cli.usage.options": {"zh": "[选项]", "en": "[OPTIONS]"},
    "cli.usage.command": {"zh": "命令 [参数]...", "en": "COMMAND [ARGS]..."},
    "cli.panel.options": {"zh": "选项", "en": "Options"},
    "cli.panel.arguments": {"zh": "参数", "en": "Arguments"},
    "cli.panel.commands": {"zh": "命令", "en": "Commands"},
    "cli.panel.error": {"zh": "错误", "en": "Error"},
    # typer formats these two itself: {} is the default value; rich markup in the hint
    "cli.default": {"zh": "[默认：{}]", "en": "[default: {}]"},
    "cli.required": {"zh": "[必填]", "en": "[required]"},
    "cli.try_help": {
        "zh": "运行 [blue]{command_path} {help_option}[/] 查看帮助。",
        "en": "Try [blue]'{command_path} {help_option}'[/] for help.",
    },
    "cli.aborted": {"zh": "已中止。", "en": "Aborted."},
    # click's usage errors
    "cli.error.no_such_option": {"zh": "没有 {option} 这个选项", "en": "No such option: {option}"},
    "cli.error.possible_options": {"zh": "，是否应为 {options}？", "en": " (Possible options: {options})"},
    "cli.error.needs_value": {"zh": "选项 {option} 需要一个值", "en": "Option '{option}' requires an argument."},
    "cli.error.takes_no_value": {"zh": "选项 {option} 不接受值", "en": "Option '{option}' does not take a value."},
    "cli.error.missing_argument": {"zh": "缺少参数 {name}", "en": "Missing argument {name}."},
    "cli.error.missing_option": {"zh": "缺少选项 {name}", "en": "Missing option {name}."},
    "cli.error.invalid_value": {"zh": "{name} 的值无效：{detail}", "en": "Invalid value for {name}: {detail}"},
    "cli.error.invalid": {"zh": "值无效：{detail}", "en": "Invalid value: {detail}"},
    "cli.error.not_one_of": {"zh": "{value} 不是可选的值，可选：{choices}",
                             "en": "'{value}' is not one of {choices}."},
    "cli.error.not_integer": {"zh": "应为整数", "en": "not a whole number."},
    "cli.error.not_a_folder": {"zh": "{path} 是文件，应为目录", "en": "'{path}' is a file, not a folder."},
    "cli.error.no_such_path": {"zh": "{path} 不存在", "en": "'{path}' does not exist."},
    "cli.error.extra_arguments": {"zh": "多余的参数：{arguments}",
                                  "en": "Got unexpected extra argument(s) ({arguments})"},
    "cli.error.no_such_command": {"zh": "没有 {name} 这个命令", "en": "No such command '{name}'."},
    "cli.error.did_you_mean": {"zh": "，是否应为 {names}？", "en": " Did you mean {names}?"},
    "cli.error.missing_command": {"zh": "缺少命令", "en": "Missing command."},
})

HELP_ATTRIBUTE = "lz_help"
HELP_OPTIONS: weakref.WeakSet[click_core.Parameter] = weakref.WeakSet()  # the -h options given our text

F = TypeVar("F", bound=Callable[..., Any])


def command_help(text: LazyText) -> Callable[[F], F]:
    """Decorator: the command's help, from its module's catalogue (a docstring is in one language only)."""

    def describe(function: F) -> F:
        setattr(function, HELP_ATTRIBUTE, text)
        return function

    return describe


def language_in(args: Sequence[str]) -> str | None:
    """The language ``--lang`` names anywhere on the command line (before ``--``), or None."""
    found = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            found = args[index + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
    return found if found in LANGUAGES else None


def help_from_catalogue(command: click_core.Command) -> None:
    """Give back to a command built by typer the help texts its function declares, in every language.

    typer copies each help into the command as plain Chinese text; the ``LazyText`` it came from is still
    on the function (``@command_help``, and each parameter's ``typer.Option(help=…)``).
    """
    if command.callback is not None:
        function = inspect.unwrap(command.callback)
        text = getattr(function, HELP_ATTRIBUTE, None)
        if isinstance(text, LazyText):
            command.help = text
        declared = {name: getattr(meta.default, "help", None)
                    for name, meta in get_params_from_function(function).items()}
        for param in command.params:
            text = declared.get(param.name or "")
            if isinstance(text, LazyText) and isinstance(param, TyperOption | TyperArgument):
                param.help = text
    for param in command.params:
        without_value(param)


def without_value(param: click_core.Parameter) -> None:
    """A flag takes no value: its help shows none (typer would show ``<bool>``)."""
    if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
        param.metavar = ""


@contextmanager
def help_in_the_users_language(command: click_core.Command, ctx: click_core.Context) -> Iterator[None]:
    """While help is formatted: every help text said in the current language, typer's own words too."""
    speak_typer_words()
    shown: list[Any] = [command, *command.get_params(ctx)]
    if isinstance(command, TyperGroup):
        shown += [command.get_command(ctx, name) for name in command.list_commands(ctx)]
    saved = [(item, item.help) for item in shown if item is not None]
    try:
        for item, text in saved:
            if isinstance(text, LazyText):
                item.help = text.said()
        with chinese_line_breaking():
            yield
    finally:
        for item, text in saved:
            item.help = text


def speak_typer_words() -> None:
    """typer's fixed words in the current language (they are module settings of ``typer.rich_utils``, which
    typer imports only to show help or an error: 80 ms of every command's start otherwise)."""
    from typer import rich_utils

    rich_utils.OPTIONS_PANEL_TITLE = tr("cli.panel.options")
    rich_utils.ARGUMENTS_PANEL_TITLE = tr("cli.panel.arguments")
    rich_utils.COMMANDS_PANEL_TITLE = tr("cli.panel.commands")
    rich_utils.ERRORS_PANEL_TITLE = tr("cli.panel.error")
    rich_utils.DEFAULT_STRING = tr("cli.default")
    rich_utils.REQUIRED_LONG_STRING = tr("cli.required")
    rich_utils.RICH_HELP = tr("cli.try_help")
    rich_utils.ABORTED_TEXT = tr("cli.aborted")


def usage_pieces(pieces: list[str]) -> list[str]:
    """The usage line's placeholders for options and subcommands in the current language."""
    words = {"[OPTIONS]": tr("cli.usage.options"), "COMMAND [ARGS]...": tr("cli.usage.command")}
    return [words.get(piece, piece) for piece in pieces]


def show_error(error: click_errors.ClickException) -> None:
    """Print a click error as typer does, in the current language."""
    speak_typer_words()
    if isinstance(error, click_errors.UsageError) and not isinstance(error, click_errors.NoArgsIsHelpError):
        error = translated(error)
    from typer import rich_utils

    with chinese_line_breaking():
        rich_utils.rich_format_error(error)


def show_aborted() -> None:
    from typer import rich_utils

    speak_typer_words()
    rich_utils.rich_abort_error()


def translated(error: click_errors.UsageError) -> click_errors.UsageError:
    """The same usage error, its message said in the current language (click's words are English)."""
    message = _message(error)
    if message is None:
        return error
    said = click_errors.UsageError(message, error.ctx)
    said.exit_code = error.exit_code
    return said


_NEEDS_VALUE = re.compile(r"Option '.*' requires (an argument|\d+ arguments)\.")
_TAKES_NO_VALUE = re.compile(r"Option '.*' does not take a value\.")
_EXTRA = re.compile(r"Got unexpected extra arguments?(?:\(s\))? \((?P<arguments>.*)\)", re.DOTALL)
_NO_COMMAND = re.compile(r"No such command '(?P<name>.*?)'\.?(?: Did you mean (?P<names>.*)\?)?", re.DOTALL)
_NOT_ONE_OF = re.compile(r"(?:Value error, )?(?P<value>.*) is not one of (?P<choices>.*?)\.?", re.DOTALL)
_NOT_INTEGER = re.compile(r"Input should be a valid integer.*", re.DOTALL)
_IS_A_FILE = re.compile(r"\w+ (?P<path>'.*') is a file\.", re.DOTALL)
_NO_SUCH_PATH = re.compile(r"\w+ (?P<path>'.*') does not exist\.", re.DOTALL)


def _message(error: click_errors.UsageError) -> str | None:
    """``error``'s message in the current language, or None for one this module does not know."""
    if isinstance(error, click_errors.NoSuchOption):
        text = tr("cli.error.no_such_option", option=error.option_name)
        if error.possibilities:
            text += tr("cli.error.possible_options", options=_options(sorted(error.possibilities)))
        return text
    if isinstance(error, click_errors.BadOptionUsage):
        if _NEEDS_VALUE.fullmatch(error.message):
            return tr("cli.error.needs_value", option=error.option_name)
        if _TAKES_NO_VALUE.fullmatch(error.message):
            return tr("cli.error.takes_no_value", option=error.option_name)
        return None
    if isinstance(error, click_errors.MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param is not None else "")
        if error.param is None or kind not in ("argument", "option"):
            return None
        return tr(f"cli.error.missing_{kind}", name=_name(error.param, error.param_hint))
    if isinstance(error, click_errors.BadParameter):
        detail = _detail(error.message)
        if error.param is None and error.param_hint is None:
            return tr("cli.error.invalid", detail=detail)
        return tr("cli.error.invalid_value", name=_name(error.param, error.param_hint), detail=detail)
    if match := _EXTRA.fullmatch(error.message):
        return tr("cli.error.extra_arguments", arguments=match["arguments"])
    if match := _NO_COMMAND.fullmatch(error.message):
        text = tr("cli.error.no_such_command", name=match["name"])
        if match["names"]:
            names = [name.strip().strip("'") for name in match["names"].split(",")]
            text += tr("cli.error.did_you_mean", names=_options(names))
        return text
    if error.message == "Missing command.":
        return tr("cli.error.missing_command")
    return None


def _detail(message: str) -> str:
    """What is wrong with the value, for the messages typer and pydantic word in English."""
    if match := _NOT_ONE_OF.fullmatch(message):
        choices = [_unquoted(choice) for choice in match["choices"].split(",")]
        return tr("cli.error.not_one_of", value=_unquoted(match["value"]), choices=_options(choices))
    if _NOT_INTEGER.fullmatch(message):
        return tr("cli.error.not_integer")
    if match := _IS_A_FILE.fullmatch(message):
        return tr("cli.error.not_a_folder", path=_unquoted(match["path"]))
    if match := _NO_SUCH_PATH.fullmatch(message):
        return tr("cli.error.no_such_path", path=_unquoted(match["path"]))
    return message


def _name(param: click_core.Parameter | None, hint: Sequence[str] | str | None) -> str:
    """How an error names a parameter: click's ``'--format' / '-f'``; in Chinese ``--format/-f``."""
    if hint is not None:
        names = [hint] if isinstance(hint, str) else list(hint)
    elif isinstance(param, TyperOption):
        names = list(param.opts)
    elif isinstance(param, TyperArgument):
        names = [param.get_error_hint()]
    else:
        names = ["?"]
    names = [_unquoted(name) for name in names]
    if current_language() == "en":
        return " / ".join(f"'{name}'" for name in names)
    return "/".join(names)


def _unquoted(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"" else text


def _options(names: list[str]) -> str:
    """Option, command or value names listed: click quotes them in English."""
    if current_language() == "en":
        return ", ".join(f"'{name}'" if not name.startswith("-") else name for name in names)
    return join_list(names)
