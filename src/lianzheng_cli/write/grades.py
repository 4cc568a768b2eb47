"""Writing computed grades back into a register (``lz grade --write``): exact, in place, atomic.

Each change replaces one ``grade:`` scalar in the text of its file, found by
its position (``loader.positions_of``) and checked against what was read; no
other byte of the file moves. The spelling keeps the value's style (★★ stays
stars, 一級 stays traditional level words, a quoted value stays quoted) and an
aligned comment after it keeps its column. Before anything is written, each
new text is parsed again and must equal the old one except for those grades,
and every file must be writable; files are then replaced through a temporary
file in the same folder, and a failure part-way restores the ones already
replaced, so a run changes all of its files or none.

A precise text edit is used rather than a ruamel.yaml round trip: ruamel
re-emits the whole document (sequence indentation, flow mappings past its line
width, long Chinese strings wrapped, a BOM), and a one-scalar fix must leave
every other line byte-identical.
"""

from __future__ import annotations

import contextlib
import copy
import errno
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.load.parse import Positions, load_text, positions_of
from lianzheng_cli.vocab import grade_style_of, write_grade

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
    "fix.unplaceable": {
        "zh": "{file}:{line}:{column}：风险点 {risk} 的 grade 无法原样替换（使用了锚点、别名或转义？），"
              "未修改任何文件；请手工改为{grade}",
        "en": "{file}:{line}:{column}: the grade of risk {risk} cannot be replaced in place (an anchor, alias "
              "or escape?); no file was changed; change it to {grade} by hand",
    },
    "fix.verify_failed": {
        "zh": "{file}：修改后的内容校验未通过（除 grade 外还有内容会改变），未修改任何文件；请报告此问题",
        "en": "{file}: the edited text failed verification (more than the grades would change); "
              "no file was changed; please report this",
    },
    "fix.reason.permission": {"zh": "没有写入权限", "en": "permission denied"},
    "fix.reason.read_only_fs": {"zh": "文件系统为只读", "en": "read-only file system"},
    "fix.reason.no_space": {"zh": "磁盘空间不足", "en": "no space left on the device"},
    "fix.reason.missing": {"zh": "文件或目录不存在", "en": "no such file or folder"},
})

_BOM = "\ufeff"

# Every accepted spelling of the grades in families, so 一級 becomes 二級 (not 二级) and 红 becomes 橙 (not 橙色).
GRADE_SPELLINGS: tuple[dict[str, str], ...] = (
    {"高": "高", "中": "中", "低": "低"},
    {"高": "★★★", "中": "★★", "低": "★"},
    {"高": "一级", "中": "二级", "低": "三级"},
    {"高": "一級", "中": "二級", "低": "三級"},
    {"高": "红色", "中": "橙色", "低": "黄色"},
    {"高": "紅色", "中": "橙色", "低": "黃色"},
    {"高": "红", "中": "橙", "低": "黄"},
    {"高": "紅", "中": "橙", "低": "黃"},
    {"高": "high", "中": "medium", "低": "low"},
)

# Line breaks as libyaml counts them (YAML 1.1), so a (line, column) from the parser is an exact offset.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_COMMENT_AFTER = re.compile(r"([ \t]+)#")


@dataclass(frozen=True, slots=True)
class GradeChange:
    """Set the declared grade at ``path`` of ``file`` to the canonical ``new`` grade."""

    file: str  # relative to the register folder
    path: tuple  # path of the grade value, e.g. ("risks", 3, "grade")
    risk: str
    old: str  # the declared grade as written (★★, 一级, high …)
    new: str  # canonical computed grade: 高 | 中 | 低


@dataclass(frozen=True, slots=True)
class GradeEdit:
    """A change as it is written: where, and the value's text before and after."""

    change: GradeChange
    line: int
    column: int
    before: str  # the value as written, quotes included
    after: str


class WriteError(Exception):
    """``--write`` cannot be done safely; the message says why (no file was changed unless it says so)."""


def respell_grade(written: str, grade: str) -> str:
    """``grade`` (canonical) in the spelling family of ``written``: ★★ → ★★★, 一級 → 二級, high → low."""
    written = written.strip()
    for family in GRADE_SPELLINGS:
        if written in family.values():
            return family[grade]
    return write_grade(grade, grade_style_of(written))


def _width(text: str) -> int:
    """Terminal columns of ``text``: wide East Asian characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


def _scalar_end(text: str, start: int) -> int | None:
    """End (exclusive) of the quoted scalar that opens at ``start``; None when it does not close on its line."""
    quote = text[start]
    i = start + 1
    while i < len(text) and text[i] not in "\r\n":
        ch = text[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "'" and text.startswith("''", i):
                i += 2
                continue
            return i + 1
        i += 1
    return None


def _locate_value(text: str, starts: list[int], positions: Positions,
                  change: GradeChange) -> tuple[int, int, int, int]:
    """(start, end, line, column) of the grade's text, checked to be exactly ``change.old`` as written."""
    key_line, key_col = positions.find(change.path, key=True)
    line, col = positions.find(change.path)
    key_at = starts[key_line - 1] + key_col - 1 if key_line <= len(starts) else -1
    start = starts[line - 1] + col - 1 if line <= len(starts) else -1
    key = str(change.path[-1])
    found = key_at >= 0 and text.startswith((key, f'"{key}"', f"'{key}'"), key_at) and 0 <= start < len(text)
    end: int | None = None
    if found and text[start] in "\"'":
        end = _scalar_end(text, start)
        found = end is not None and text[start + 1:end - 1] == change.old
    elif found:
        end = start + len(change.old)
        # A plain scalar: the parsed value is exactly the text here, ending at the value's end.
        found = text.startswith(change.old, start) and (end == len(text) or text[end] in " \t\r\n,]}")
    if not found or end is None:  # found means end was set
        raise WriteError(tr("fix.unplaceable", file=change.file, line=line, column=col, risk=change.risk,
                            grade=change.new))
    return start, end, line, col


def edit_grades(text: str, rel: str, changes: Iterable[GradeChange]) -> tuple[str, list[GradeEdit]]:
    """``text`` with each change's grade replaced, and the edits; only the grade values change."""
    changes = list(changes)
    positions = positions_of(text)
    starts = _line_starts(text)
    spans: list[tuple[int, int, str, GradeEdit]] = []
    for change in changes:
        start, end, line, col = _locate_value(text, starts, positions, change)
        before = text[start:end]
        spelled = respell_grade(change.old, change.new)
        after = before[0] + spelled + before[0] if before[0] in "\"'" else spelled
        stop = end
        comment = _COMMENT_AFTER.match(text, end)
        grow = _width(after) - _width(before)
        if comment and grow and "\t" not in comment.group(1) and len(comment.group(1)) >= 2:
            # An aligned comment keeps its column when there is room for it.
            stop = comment.end(1)
            after += " " * max(1, len(comment.group(1)) - grow)
        spans.append((start, stop, after, GradeEdit(change, line, col, before, after.rstrip(" "))))
    new_text = text
    for start, stop, replacement, _ in sorted(spans, key=lambda s: s[0], reverse=True):
        new_text = new_text[:start] + replacement + new_text[stop:]
    _verify(text, new_text, rel, changes, [s[0] for s in spans])
    return new_text, [s[3] for s in spans]


def _verify(old_text: str, new_text: str, rel: str, changes: list[GradeChange], offsets: list[int]) -> None:
    """The new text means the old one with the new grades, and only the edited lines differ."""
    old = load_text(old_text, rel)
    new = load_text(new_text, rel)
    expected = copy.deepcopy(old.data)
    for change in changes:
        node = expected
        try:
            for part in change.path[:-1]:
                node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
        # The risk at that path must still be the one graded (the file may have changed since).
        if not isinstance(node, dict) or node.get("id") != change.risk or node.get(change.path[-1]) != change.old:
            raise WriteError(tr("fix.changed", file=rel))
        node[change.path[-1]] = respell_grade(change.old, change.new)
    edited_lines = {old_text.count("\n", 0, offset) for offset in offsets}
    old_lines, new_lines = old_text.split("\n"), new_text.split("\n")
    same_shape = len(old_lines) == len(new_lines) and all(
        a == b for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if i not in edited_lines)
    if new.diagnostics or new.data != expected or not same_shape:
        raise WriteError(tr("fix.verify_failed", file=rel))


@dataclass
class _Planned:
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


def _plan_file(root: Path, rel: str, changes: list[GradeChange]) -> tuple[_Planned, list[GradeEdit]]:
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
    new_text, edits = edit_grades(text[len(bom):], rel, changes)
    planned = _Planned(rel, target, original, (bom + new_text).encode("utf-8"), stat.S_IMODE(info.st_mode),
                       info.st_uid, info.st_gid)
    return planned, edits


def _write_temp(planned: _Planned, data: bytes) -> str:
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


def _commit(plans: list[_Planned]) -> None:
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
    done: list[_Planned] = []
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


def _restore(done: list[_Planned]) -> list[str]:
    """Put back the files already replaced; the ones that could not be."""
    failed = []
    for plan in done:
        try:
            os.replace(_write_temp(plan, plan.original), plan.target)
        except OSError:
            failed.append(plan.rel)
    return failed


def write_grades(register_root: Path, changes: Iterable[GradeChange]) -> list[GradeEdit]:
    """Write each change into its file, all files or none; the edits made, file by file.

    Raises :class:`WriteError` (nothing written) when a file is read-only,
    vanished, changed since it was read, or a grade cannot be replaced exactly.
    """
    by_file: dict[str, list[GradeChange]] = {}
    for change in changes:
        by_file.setdefault(change.file, []).append(change)
    plans: list[_Planned] = []
    edits: list[GradeEdit] = []
    for rel, file_changes in by_file.items():
        plan, file_edits = _plan_file(Path(register_root), rel, file_changes)
        plans.append(plan)
        edits.extend(sorted(file_edits, key=lambda e: (e.line, e.column)))
    if plans:
        _commit(plans)
    return edits
