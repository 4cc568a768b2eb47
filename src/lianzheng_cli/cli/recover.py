"""lz recover"""

from __future__ import annotations

import typer

from lianzheng_cli.cli.common import LangOption, RegisterOption, finish_interrupted_writes, start
from lianzheng_cli.i18n import messages

tr = messages({
    "recover.nothing": {"zh": "没有被中断的写入,也没有遗留的临时文件", "en": "no interrupted write and no stray file"},
})


def recover_command(register: RegisterOption = None, lang: LangOption = None) -> None:
    """完成或撤销被中断的 grade --write, 删除遗留的临时文件。

    lz grade --write 修改多个文件时先写临时文件并记录写入计划(registers/.lz-journal),再逐个替换;
    若中途被终止,下一次运行任何 lz 命令(或本命令)时:所有文件仍如 lz 所留,则完成写入;
    有文件已被其他程序修改,则全部恢复原样。不是本机 lz 写的写入记录不会被执行,只会提示。

    退出码:0 完成(或无事可做);2 用法错误。
    """
    root = start(lang, register)  # which finishes what it finds; with the lock free, this waits for a writer
    if not finish_interrupted_writes(root, wait=10.0):
        typer.echo(tr("recover.nothing"), err=True)
