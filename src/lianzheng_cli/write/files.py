"""Writing edited register files: all files or none, each replaced atomically, nothing written when unsafe.

``plan_file`` reads one file, checks that it can be written (it exists, is writable, is UTF-8) and
gives its new bytes from an edit of its text (a BOM is kept); ``commit_files`` then writes every planned
file through a temporary file in the same folder and renames it into place. A file changed since it
was read is refused before anything is renamed, and a failure part-way restores the files already
replaced, so a run changes all of its files or none. ``lz grade --write`` and ``lz import --update``
both write through here.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from lianzheng_cli.i18n import join_list, messages

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
    "fix.restore_failed": {
        "zh": "无法写入 {file}：{reason}；以下已写入的文件未能恢复，请用 git 恢复：{files}",
        "en": "cannot write {file}: {reason}; these files were written and could not be restored, "
              "restore them with git: {files}",
    },
    "fix.reason.permission": {"zh": "没有写入权限", "en": "permission denied"},
    "fix.reason.read_only_fs": {"zh": "文件系统为只读", "en": "read-only file system"},
    "fix.reason.no_space": {"zh": "磁盘空间不足", "en": "no space left on the device"},
    "fix.reason.missing": {"zh": "文件或目录不存在", "en": "no such file or folder"},
})

_BOM = "\ufeff"
T = TypeVar("T")


class WriteError(Exception):
    """A write cannot be done safely; the message says why (no file was changed unless it says so)."""


@dataclass
class Planned:
    rel: str
    target: Path  # the real file (a symlink is written through, not replaced)
    original: bytes
    new: bytes
    mode: int
    uid: int
    gid: int


def _reason(exc: OSError) -> str:
    key = {errno.EACCES: "fix.reason.permission", errno.EPERM: "fix.reason.permission",
           errno.EROFS: "fix.reason.read_only_fs", errno.ENOSPC: "fix.reason.no_space",
           errno.ENOENT: "fix.reason.missing"}.get(exc.errno or 0)
    return tr(key) if key else (exc.strerror or type(exc).__name__)


def plan_file(root: Path, rel: str, edit: Callable[[str], tuple[str, T]]) -> tuple[Planned, T]:
    """The new bytes of ``rel`` under ``root``: ``edit`` gives the new text (without a BOM) and what it did."""
    target = Path(os.path.realpath(root / rel))
    try:
        info = target.stat()
        original = target.read_bytes()
    except FileNotFoundError:
        raise WriteError(tr("fix.vanished", file=rel)) from None
    except OSError as exc:
        raise WriteError(tr("fix.cannot_write", file=rel, reason=_reason(exc))) from None
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
    planned = Planned(rel, target, original, (bom + new_text).encode("utf-8"), stat.S_IMODE(info.st_mode),
                      info.st_uid, info.st_gid)
    return planned, done


def _write_temp(planned: Planned, data: bytes) -> str:
    """``data`` in a new file beside ``planned.target``, with its mode (and owner, where allowed)."""
    fd, temp = tempfile.mkstemp(dir=planned.target.parent, prefix=f".{planned.target.name}.", suffix=".lz-tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, planned.mode)
        if hasattr(os, "chown") and (planned.uid, planned.gid) != (os.getuid(), os.getgid()):
            with contextlib.suppress(OSError):  # only root may give a file away; the content is what matters
                os.chown(temp, planned.uid, planned.gid)
    except BaseException:
        _remove(temp)
        raise
    return temp


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _commit(plans: list[Planned]) -> None:
    """Replace every planned file, or none: temp files first, then the renames, undone on failure."""
    temps: list[str] = []
    try:
        for plan in plans:
            temps.append(_write_temp(plan, plan.new))
    except OSError as exc:
        for temp in temps:
            _remove(temp)
        raise WriteError(tr("fix.cannot_write", file=plan.rel, reason=_reason(exc))) from None
    for plan in plans:  # changed or deleted since it was read: touch nothing
        try:
            current = plan.target.read_bytes()
        except OSError:
            current = None
        if current != plan.original:
            for temp in temps:
                _remove(temp)
            key = "fix.vanished" if current is None else "fix.changed"
            raise WriteError(tr(key, file=plan.rel))
    done: list[Planned] = []
    for index, (plan, temp) in enumerate(zip(plans, temps, strict=True)):
        try:
            os.replace(temp, plan.target)
        except OSError as exc:
            for leftover in temps[index:]:
                _remove(leftover)
            unrestored = _restore(done)
            if unrestored:
                raise WriteError(tr("fix.restore_failed", file=plan.rel, reason=_reason(exc),
                                    files=join_list(unrestored))) from None
            raise WriteError(tr("fix.cannot_write", file=plan.rel, reason=_reason(exc))) from None
        done.append(plan)


def _restore(done: list[Planned]) -> list[str]:
    """Put back the files already replaced; the ones that could not be."""
    failed = []
    for plan in done:
        try:
            os.replace(_write_temp(plan, plan.original), plan.target)
        except OSError:
            failed.append(plan.rel)
    return failed



def commit_files(plans: list[Planned]) -> None:
    """Replace every planned file, or none (``WriteError`` says why, and which files if any could not be restored)."""
    if plans:
        _commit(plans)
