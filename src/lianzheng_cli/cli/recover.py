"""lz recover"""

from __future__ import annotations

import typer

from lianzheng_cli.cli.common import LangOption, RegisterOption, command_help, finish_interrupted_writes, start
from lianzheng_cli.i18n import messages

tr = messages({
    "recover.nothing": {"zh": "没有被中断的写入，也没有遗留的临时文件", "en": "no interrupted write and no stray file"},
    "recover.help": {
        "zh": "完成或撤销被中断的多文件写入（grade --write、import --update），删除遗留的临时文件。\n\n"
              "lz 修改多个文件时先写临时文件并记录写入计划（registers/.lz-journal），再逐个替换；"
              "若中途被终止，下一次运行任何 lz 命令（或本命令）时：所有文件仍如 lz 所留，则完成写入；"
              "有文件已被其他程序修改，则全部恢复原样。不是本机 lz 写的写入记录不会被执行，只会提示。\n\n"
              "退出码：0 完成（或无事可做）；2 用法错误。",
        "en": "Complete or undo an interrupted write of several files (grade --write, import --update) and remove "
              "the temporary files it left.\n\n"
              "When lz changes several files it first writes temporary files and records the plan "
              "(registers/.lz-journal), then replaces the files one by one; if it is killed half-way, the next lz "
              "command (or this one) completes the write when every file is still as lz left it, or puts every "
              "file back when one was changed by another program. A journal this user's lz did not write is never "
              "acted on, only reported.\n\n"
              "Exit codes: 0 done (or nothing to do); 2 usage error.",
    },
})


@command_help(tr.lazy("recover.help"))
def recover_command(register: RegisterOption = None, lang: LangOption = None) -> None:
    """lz recover: finish or undo an interrupted multi-file write and remove its strays."""
    root = start(lang, register)  # which finishes what it finds; with the lock free, this waits for a writer
    if not finish_interrupted_writes(root, wait=10.0):
        typer.echo(tr("recover.nothing"), err=True)
