"""Writing computed grades back into a register (``lz grade --write``): exact, in place, atomic.

Each change replaces one ``grade:`` scalar in the text of its file, found by
its position (``loader.positions_of``) and checked against what was read; no
other byte of the file moves. The spelling keeps the value's style (★★ stays
stars, 一級 stays traditional level words, a quoted value stays quoted) and an
aligned comment after it keeps its column. Before anything is written, each
new text is parsed again and must equal the old one except for those grades,
and every file must be writable and inside the register (a link out of it only
with ``--follow-symlinks``); the files are then replaced as one journalled
transaction (``write.files``, ``write.transaction``), so a run changes all of its
files or none, even when it is killed, and never loses a save another program
made meanwhile.

A precise text edit is used rather than a ruamel.yaml round trip: ruamel
re-emits the whole document (sequence indentation, flow mappings past its line
width, long Chinese strings wrapped, a BOM), and a one-scalar fix must leave
every other line byte-identical.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.i18n import messages
from lianzheng_cli.load.parse import Positions, load_text, positions_of
from lianzheng_cli.vocab import grade_style_of, write_grade
from lianzheng_cli.write import files
from lianzheng_cli.write.files import Planned, WriteError, commit_files, plan_file

__all__ = ["GRADE_SPELLINGS", "GradeChange", "GradeEdit", "WriteError", "edit_grades", "respell_grade", "write_grades"]

tr = messages({
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
})

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
            raise WriteError(files.tr("fix.changed", file=rel))
        node[change.path[-1]] = respell_grade(change.old, change.new)
    edited_lines = {old_text.count("\n", 0, offset) for offset in offsets}
    old_lines, new_lines = old_text.split("\n"), new_text.split("\n")
    same_shape = len(old_lines) == len(new_lines) and all(
        a == b for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if i not in edited_lines)
    if new.diagnostics or new.data != expected or not same_shape:
        raise WriteError(tr("fix.verify_failed", file=rel))


def _plan_file(root: Path, rel: str, changes: list[GradeChange], *,
               follow_symlinks: bool = False) -> tuple[Planned, list[GradeEdit]]:
    return plan_file(root, rel, lambda text: edit_grades(text, rel, changes), follow_symlinks=follow_symlinks)


def write_grades(register_root: Path, changes: Iterable[GradeChange], *,
                 follow_symlinks: bool = False) -> list[GradeEdit]:
    """Write each change into its file, all files or none, even if lz is killed; the edits made, file by file.

    Raises :class:`WriteError` (nothing written) when a file is read-only, on a read-only file system, a link
    out of the register (unless ``follow_symlinks``), vanished, changed since it was read, or a grade cannot be
    replaced exactly.
    """
    by_file: dict[str, list[GradeChange]] = {}
    for change in changes:
        by_file.setdefault(change.file, []).append(change)
    plans: list[Planned] = []
    edits: list[GradeEdit] = []
    for rel, file_changes in by_file.items():
        plan, file_edits = _plan_file(Path(register_root), rel, file_changes, follow_symlinks=follow_symlinks)
        plans.append(plan)
        edits.extend(sorted(file_edits, key=lambda e: (e.line, e.column)))
    if plans:
        commit_files(Path(register_root), plans)
    return edits
