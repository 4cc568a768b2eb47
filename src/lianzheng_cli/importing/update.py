"""``lz import --update``: a workbook ``lz render xlsx`` wrote, edited in Excel or WPS, back into its register.

The sheets' 风险点编号 name the register's risks. What changed is applied in place (``matching`` finds it;
``write.edits`` places it; ``write.files`` writes all files or none): changed texts, types, grades, processes,
steps, posts and measures of existing risks; rows without a known code are new risks, appended to their
department's file with the import's source comment; lines added to a measures cell are new measures; a 涉及对象
naming no post is a new post; a changed 岗位职责 in the 岗位风险等级目录 is the post's new duties. Risks and
measures gone from the sheets are reported, and deleted only with ``delete`` (a risk that warnings name is never
deleted). A workbook without changes changes no byte. The 职权目录 and the people are not updated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from lianzheng_cli.i18n import messages
from lianzheng_cli.importing.build import Collected
from lianzheng_cli.importing.matching import MEASURE_KEYS, RISK_KEYS, Change, Comparer, Row
from lianzheng_cli.importing.names import Names
from lianzheng_cli.importing.problems import Problems
from lianzheng_cli.importing.read import SourceFile
from lianzheng_cli.importing.run import ImportOptions, ImportUsageError, read_tables
from lianzheng_cli.importing.tables import Table
from lianzheng_cli.importing.text import clean_text
from lianzheng_cli.model.grading import grade_register
from lianzheng_cli.model.records import Post, Register
from lianzheng_cli.write import files
from lianzheng_cli.write.edits import FileEdit
from lianzheng_cli.write.files import WriteError, commit_files, plan_file

tr = messages({
    "update.duplicate_code": {
        "zh": "编号「{code}」在「{sheet}」中出现两次：第二行作为新的风险点加入",
        "en": "code “{code}” appears twice in “{sheet}”: the second row is added as a new risk",
    },
    "update.foreign": {
        "zh": "表中 {risks} 个风险点的编号都不是这个登记簿的：这个工作簿不是由它生成的（请用 -r 指定它来自的登记簿，"
              "或用 --out 导入为新的登记簿）",
        "en": "none of the {risks} risks of the workbook has a code of this register: it was not rendered from it "
              "(name the register it came from with -r, or import it as a new register with --out)",
    },
    "update.has_warnings": {
        "zh": "风险点 {risk} 已不在表中，但有预警处置记录（{warnings}），不能删除",
        "en": "risk {risk} is gone from the sheet but warnings name it ({warnings}); it cannot be deleted",
    },
})

DEPARTMENT_KEYS = ("schema_version", "id", "name", "kind", "leader", "supervisor", "people", "posts", "powers",
                   "processes", "risks", "warnings")
POST_KEYS = ("id", "name", "duties", "powers")
# what the sheets say of powers and people is not applied to a register (risks, measures and posts are):
# the import's findings about reading them would only be noise
NOT_UPDATED = frozenset({"LZ640", "LZ641", "LZ642", "LZ651"})


@dataclass
class UpdateResult:
    changes: list[Change]
    problems: Problems
    tables: list[Table]
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # file → (text before, text after)
    written: bool = False
    delete: bool = False
    dry_run: bool = False

    def count(self, action: str, what: str) -> int:
        return sum(c.action == action and c.what == what for c in self.changes)

    def summary(self) -> dict[str, int]:
        counts = self.problems.counts()
        return {
            "files": len(self.texts),
            "risks_changed": len({c.id for c in self.changes if c.action == "changed" and c.what == "risk"}
                                 | {c.id for c in self.changes if c.what == "measure" and c.action != "kept"}),
            "risks_added": self.count("added", "risk"), "risks_removed": self.count("removed", "risk"),
            "risks_kept": self.count("kept", "risk"), "measures_added": self.count("added", "measure"),
            "measures_removed": self.count("removed", "measure"), "measures_kept": self.count("kept", "measure"),
            "posts_added": self.count("added", "post"), "posts_changed": self.count("changed", "post"),
            "errors": counts["errors"], "warnings": counts["warnings"], "infos": counts["infos"],
        }


def update_register(paths: list[Path], root: Path, register: Register, options: ImportOptions | None = None, *,
                    shown: list[str] | None = None, delete: bool = False, dry_run: bool = False,
                    follow_symlinks: bool = False, sources: list[SourceFile] | None = None) -> UpdateResult:
    """Apply the workbooks ``paths`` to the register at ``root`` (``register`` is its model, validated clean).

    Raises ``ImportUsageError`` for files that cannot be read and ``WriteError`` (no file changed) when an edit
    cannot be made safely.
    """
    collected, problems = read_tables(paths, options, shown=shown, sources=sources)
    problems.items = [p for p in problems.items if p.code not in NOT_UPDATED]
    changes = compare(collected, register, problems, delete=delete)
    by_file: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        if change.action != "kept":
            by_file[change.file].append(change)
    result = UpdateResult(changes, problems, collected.tables, delete=delete, dry_run=dry_run)
    plans = []
    for rel, file_changes in by_file.items():
        if dry_run:
            text = (Path(root) / rel).read_bytes().decode("utf-8-sig")  # as written: CRLF stays CRLF
            result.texts[rel] = (text, _edited(text, rel, file_changes))
        else:
            plan, texts = plan_file(Path(root), rel, _planner(rel, file_changes), follow_symlinks=follow_symlinks)
            plans.append(plan)
            result.texts[rel] = texts
    if plans:
        commit_files(Path(root), plans)
        result.written = True
    return result


def _planner(rel: str, changes: list[Change]) -> Callable[[str], tuple[str, tuple[str, str]]]:
    def plan(text: str) -> tuple[str, tuple[str, str]]:
        new = _edited(text, rel, changes)
        return new, (text, new)

    return plan


def compare(collected: Collected, register: Register, problems: Problems, *, delete: bool) -> list[Change]:
    """Every change the workbooks make to the register (risks gone are ``removed`` with ``delete``, else ``kept``)."""
    names = Names(register)
    comparer = Comparer(register, grade_register(register), names, problems)
    sheets = _rows_by_sheet(collected)
    matched: dict[str, list[Row]] = defaultdict(list)
    new_rows: list[Row] = []
    for (_, sheet), rows in sheets.items():
        claimed: set[str] = set()
        for row in rows:
            code = row.risk.code
            if code in register.risks and code not in claimed:
                claimed.add(code)
                matched[code].append(row)
                continue
            if code in claimed:
                problems.at("LZ671", row.risk.cell("code"), tr("update.duplicate_code", code=code, sheet=sheet))
            new_rows.append(row)
    new: dict[tuple[str, str, str], list[Row]] = {}
    for row in new_rows:  # the same new row in the 一览表 and the 明细 is one new risk
        new.setdefault((row.department, row.risk.title, row.risk.description), []).append(row)
    if register.risks and new and not matched:
        raise ImportUsageError(tr("update.foreign", risks=len(new)))
    for ident, rows in matched.items():
        comparer.compare(register.risks[ident], rows)
    for rows in new.values():
        comparer.new_risk(rows[0])
    _post_duties(comparer, collected, register)
    _new_posts(comparer, names)
    changes = comparer.changes + _gone(collected, register, sheets, problems)
    return _settle(changes, delete)


def _rows_by_sheet(collected: Collected) -> dict[tuple[str, str], list[Row]]:
    titled = {(t.file, t.sheet): "title" in t.fields for t in collected.tables if t.kind == "risks"}
    sheets: dict[tuple[str, str], list[Row]] = {key: [] for key in titled}
    for department in collected.draft.departments.values():
        for risk in department.risks:
            key = (risk.place.file, risk.place.sheet)
            sheets[key].append(Row(risk, department.name, titled[key]))
    for rows in sheets.values():
        rows.sort(key=lambda r: r.risk.place.row)
    return sheets


def _post_duties(comparer: Comparer, collected: Collected, register: Register) -> None:
    """A 岗位职责 changed in the 岗位风险等级目录 (a cleared cell changes nothing, nor do posts sharing a name)."""
    names = comparer.names
    for drafted in collected.draft.departments.values():
        department = names.department(drafted.name)
        if department is None:
            continue
        named: dict[str, list[Post]] = defaultdict(list)
        for own in department.posts:
            named[own.name].append(own)
        for post in drafted.posts.values():
            found = named[post.name][0] if len(named.get(post.name, ())) == 1 else None  # two of one name: which?
            if found is None or not post.duties or post.duties == clean_text(found.duties or ""):
                continue
            comparer.changes.append(Change("changed", "post", department.file, found.id, found.name, "duties",
                                           found.duties, post.duties, "", post.place, (*found.at.path, "duties"),
                                           post.duties))


def _new_posts(comparer: Comparer, names: Names) -> None:
    for post in names.new_posts.values():
        item = {"id": post.id, "name": post.name}
        comparer.changes.append(Change("added", "post", post.department.file, post.id, post.name, new=post.name,
                                       path=("posts",), value=item))


def _gone(collected: Collected, register: Register, sheets: dict[tuple[str, str], list[Row]],
          problems: Problems) -> list[Change]:
    """Risks of the departments a workbook covers (any of its sheets names them) that one of its risk sheets no
    longer holds; a risk that warnings name is kept, and said so."""
    covered: dict[str, set[str]] = defaultdict(set)  # file → departments
    for drafted in collected.draft.departments.values():
        for source in drafted.sources:
            covered[source.split("「", 1)[0]].add(drafted.name)
    warned: dict[str, list[str]] = defaultdict(list)
    for warning in register.warnings.values():
        warned[warning.risk].append(warning.id)
    gone: dict[str, Change] = {}
    for (file, _), rows in sheets.items():
        present = {row.risk.code for row in rows}
        for department in register.departments:
            if department.name not in covered[file]:
                continue
            for risk in department.risks:
                if risk.id in present or risk.id in gone:
                    continue
                action = "removed"
                if warned.get(risk.id):
                    action = "kept"
                    problems.on_file("LZ670", file, tr("update.has_warnings", risk=risk.id,
                                                       warnings="、".join(warned[risk.id])))
                gone[risk.id] = Change(action, "risk", risk.at.file, risk.id, risk.title, old=risk.title,
                                       path=risk.at.path)
    return sorted(gone.values(), key=lambda c: (c.file, c.path))


def _settle(changes: list[Change], delete: bool) -> list[Change]:
    """Without ``delete`` what is gone is only reported (``kept``); with it, nothing else is done to a risk
    deleted (its measures and fields go with it)."""
    if not delete:
        return [replace(c, action="kept") if c.action == "removed" else c for c in changes]
    deleted = {c.id for c in changes if c.action == "removed" and c.what == "risk"}
    return [c for c in changes if c.what == "post" or c.id not in deleted or (c.action, c.what) == ("removed", "risk")]


def _edited(text: str, rel: str, changes: list[Change]) -> str:
    """``text`` with ``changes`` made; a list every item of which is deleted (and none added) goes with its key."""
    edit = FileEdit(text, rel)
    removed: dict[tuple, list[Change]] = defaultdict(list)
    appended: set[tuple] = set()
    for change in changes:
        _check(edit, change, rel)
        if change.action == "removed":
            removed[change.path[:-1]].append(change)
        elif change.action == "added":
            appended.add(change.path)
            keys = {"risks": DEPARTMENT_KEYS, "posts": DEPARTMENT_KEYS}.get(str(change.path[-1]), RISK_KEYS)
            edit.append(change.path, change.value, comment=change.comment, notes=change.notes,
                        after=_before(keys, str(change.path[-1])))
        elif change.value is None:
            edit.delete(change.path)
        else:
            order = {"measure": MEASURE_KEYS, "post": POST_KEYS}.get(change.what, RISK_KEYS)
            edit.set(change.path, change.value, after=_before(order, str(change.path[-1])))
    for path, gone in removed.items():
        if len(gone) == len(edit.value(path) or ()) and path not in appended:
            edit.delete(path)
        else:
            for change in gone:
                edit.delete(change.path)
    return edit.result() if edit.changed else text


def _before(keys: tuple[str, ...], key: str) -> tuple[str, ...]:
    return keys[:keys.index(key)] if key in keys else ()


def _check(edit: FileEdit, change: Change, rel: str) -> None:
    """The risk (post, measure) at the change's path is still the one compared: the file may have changed since."""
    path = change.path
    expected = [(path[:2], change.id)] if len(path) >= 2 else []
    if change.measure and len(path) >= 4 and change.action != "added":
        expected.append((path[:4], change.measure))
    for where, ident in expected:
        node = edit.value(where)
        if not isinstance(node, dict) or node.get("id") != ident:
            raise WriteError(files.tr("fix.changed", file=rel))
