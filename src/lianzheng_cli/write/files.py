"""Writing edited register files: all files or none, nothing written when unsafe, even when lz is killed.

``plan_file`` reads one file, checks that it can be written (it exists, is writable, is UTF-8, lies inside the
register unless ``follow_symlinks``, is not on a read-only file system) and gives its new bytes from an edit of
its text (a BOM is kept); ``commit_files`` then replaces every planned file as one journalled transaction
(``write.transaction``): a file changed since it was read is refused before anything is replaced, a failure
part-way puts back the files already replaced, and a run that is killed is completed or undone by the next lz
run (or ``lz recover``). ``lz grade --write`` and ``lz import --update`` both write through here.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from lianzheng_cli.i18n import join_list, messages, os_error_reason
from lianzheng_cli.write.transaction import Busy, Conflict, Replacement, replace_files

tr = messages({
    "fix.read_only": {
        "zh": "{file} 是只读文件，未修改任何文件（取消只读后重试：chmod u+w {file}）",
        "en": "{file} is read-only; no file was changed (make it writable and retry: chmod u+w {file})",
    },
    "fix.vanished": {
        "zh": "{file} 已不存在（读取登记簿后被删除或移动），未修改任何文件",
        "en": "{file} no longer exists (deleted or moved after the register was read); no file was changed",
    },
    "fix.changed": {
        "zh": "{file} 在读取后被其他程序修改，未修改任何文件；请重新运行",
        "en": "{file} was changed by another program after it was read; no file was changed; run again",
    },
    "fix.not_utf8": {
        "zh": "{file} 不是 UTF-8 文本，未修改任何文件",
        "en": "{file} is not UTF-8 text; no file was changed",
    },
    "fix.cannot_write": {
        "zh": "无法写入 {file}：{reason}；未修改任何文件",
        "en": "cannot write {file}: {reason}; no file was changed",
    },
    "fix.reason.permission": {"zh": "没有写入权限", "en": "permission denied"},
    "fix.read_only_fs": {
        "zh": "{file} 所在的文件系统为只读，未修改任何文件（请在可写的副本中运行）",
        "en": "{file} is on a read-only file system; no file was changed (run it in a writable copy)",
    },
    "fix.symlink": {
        "zh": "{file} 是指向登记簿以外的链接（{target}），未修改任何文件；确需修改链接指向的文件，"
              "请加 --follow-symlinks",
        "en": "{file} is a link out of the register ({target}); no file was changed; to change the file it points "
              "to, add --follow-symlinks",
    },
    "fix.busy": {
        "zh": "另一个 lz 正在修改此登记簿，未修改任何文件；请稍后重试",
        "en": "another lz is changing this register; no file was changed; try again shortly",
    },
    "fix.saved_meanwhile": {
        "zh": "已写入修改，但其他程序在写入期间修改了原文件，其内容保存在：{files}；请核对后合并",
        "en": "the changes were written, but another program changed the original meanwhile; its text is kept in: "
              "{files}; check and merge it",
    },
})

_BOM = "\ufeff"
T = TypeVar("T")

Planned = Replacement  # one file's old and new bytes, as ``commit_files`` takes them


class WriteError(Exception):
    """A write cannot be done safely; the message says why (no file was changed unless it says so)."""


def plan_file(root: Path, rel: str, edit: Callable[[str], tuple[str, T]], *,
              follow_symlinks: bool = False) -> tuple[Planned, T]:
    """The new bytes of ``rel`` under ``root``: ``edit`` gives the new text (without a BOM) and what it did.

    A link out of the register is refused unless ``follow_symlinks`` (then the file it names is written).
    """
    target = Path(os.path.realpath(root / rel))
    if not follow_symlinks and not _inside(target, Path(os.path.realpath(root))):
        raise WriteError(tr("fix.symlink", file=rel, target=target))
    try:
        info = target.stat()
        original = target.read_bytes()
    except FileNotFoundError:
        raise WriteError(tr("fix.vanished", file=rel)) from None
    except OSError as exc:
        raise WriteError(tr("fix.cannot_write", file=rel, reason=os_error_reason(exc))) from None
    if _read_only_file_system(target.parent):  # no chmod helps there
        raise WriteError(tr("fix.read_only_fs", file=rel))
    # Marked read-only (no write bit for anyone) is refused even for root: it is the user's intent.
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise WriteError(tr("fix.read_only", file=rel))
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise WriteError(tr("fix.cannot_write", file=rel, reason=tr("fix.reason.permission")))
    try:
        text = original.decode("utf-8")
    except UnicodeDecodeError:
        raise WriteError(tr("fix.not_utf8", file=rel)) from None
    bom = _BOM if text.startswith(_BOM) else ""
    new_text, done = edit(text[len(bom):])
    planned = Replacement(rel, target, original, (bom + new_text).encode("utf-8"), stat.S_IMODE(info.st_mode),
                          info.st_uid, info.st_gid)
    return planned, done


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _read_only_file_system(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & getattr(os, "ST_RDONLY", 1))
    except (OSError, AttributeError):
        return False


def commit_files(root: Path, plans: list[Planned]) -> None:
    """Replace every planned file of the register at ``root``, or none, even if lz is killed meanwhile
    (``write.transaction``); ``WriteError`` says why not, or which originals another program saved into while
    they were replaced (kept beside their files)."""
    if not plans:
        return
    try:
        kept = replace_files(Path(root), plans)
    except Conflict as exc:
        raise WriteError(tr("fix.vanished" if exc.kind == "vanished" else "fix.changed", file=exc.rel)) from None
    except Busy:
        raise WriteError(tr("fix.busy")) from None
    except OSError as exc:
        rel = next((p.rel for p in plans if exc.filename and Path(exc.filename).parent == p.target.parent
                    and p.target.name in Path(exc.filename).name), plans[0].rel)
        raise WriteError(tr("fix.cannot_write", file=rel, reason=os_error_reason(exc))) from None
    if kept:
        raise WriteError(tr("fix.saved_meanwhile", files=join_list(kept)))
