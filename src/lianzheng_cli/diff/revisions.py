"""``lz diff`` for git revisions and register folders: resolving each side (a folder holding ``org.yaml`` or
``registers/org.yaml``, else a ref, a year or ``WORKTREE`` through ``load.git``), finding the register at each,
loading the pair and comparing it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lianzheng_cli.diff.compare import RegisterDiff, RevisionRef, diff_registers
from lianzheng_cli.diff.pairs import Problem, load_pair
from lianzheng_cli.i18n import messages
from lianzheng_cli.load.cache import open_cache
from lianzheng_cli.load.sources import ORG_FILE, DirectorySource, Source
from lianzheng_cli.model.cycle import APPROVALS_FILE, build_approvals, latest_approval

APPROVED = "approved"  # the revision of the latest approval (approvals.yaml)

tr = messages({
    "diff.approved.none": {
        "zh": "登记簿没有审核记录（{path} 不存在或没有记录），无法比对 approved；请先用 lz approve 记录审核",
        "en": "the register has no approvals ({path} is absent or empty), so approved names nothing; "
              "record one with lz approve",
    },
    "diff.approved.invalid": {
        "zh": "{path} 有错误，无法读取审核记录（请运行 lz validate）",
        "en": "{path} has errors, so its approvals cannot be read (run lz validate)",
    },
    "diff.approved.unknown": {
        "zh": "最近一次审核的版本 {short} 不在本仓库中",
        "en": "the revision of the latest approval, {short}, is not in the repository",
    },
    "diff.approved.note": {
        "zh": "approved → 最近一次审核的版本 {short}（{approval}）",
        "en": "approved → revision {short}, the latest approved ({approval})",
    },
    "diff.approved.department_note": {
        "zh": "approved → 最近一次审核的版本 {short}（{approval}；没有审核整个登记簿的记录，"
              "取最近一次对部门 {department} 的审核）",
        "en": "approved → revision {short}, the latest approved ({approval}; no approval of the whole register: "
              "took the latest, of department {department})",
    },
})


@dataclass
class DiffRun:
    diff: RegisterDiff | None  # None when a version has errors
    problems: list[Problem]
    notes: list[str]  # how years were resolved, where the register was found
    labels: dict[str, str]  # side -> label of its version
    folders: dict[str, str]  # side -> register folder, relative to the repository top (a folder side: as given)
    parsed: dict[str, list[str]]
    places: dict[str, str] = field(default_factory=dict)  # side -> how its files are shown (`2024:registers`)

    def location(self, problem: Problem) -> str:
        """``2024:registers/departments/a.yaml:3:5`` (git's rev:path) or a work-tree path, for messages."""
        d = problem.diagnostic
        place = self.places.get(problem.side, "")
        path = f"{place}{d.file}" if place.endswith((":", "/")) else f"{place}/{d.file}" if place else d.file
        return f"{path}:{d.line}:{d.column}"


@dataclass
class _Side:
    """One version to compare: where its files come from and how it is named."""

    source: Source | None
    ref: RevisionRef
    folder: str
    place: str
    notes: tuple[str, str] = ("", "")  # how a year was resolved; where the register was found


def register_folder_named(argument: str) -> Path | None:
    """The register an argument names when it is an existing folder holding ``org.yaml`` (or ``registers/org.yaml``)."""
    path = Path(argument)
    if not path.is_dir():
        return None
    return next((c for c in (path, path / "registers") if (c / ORG_FILE).is_file()), None)


def diff_revisions(rev_a: str, rev_b: str, *, register: Path | None = None, start: Path | None = None) -> DiffRun:
    """Compare the register at two versions: each a register folder, or a revision of the git repository holding
    ``register`` (or ``start``).

    ``register`` is the register folder in the work tree; its path relative to the repository top is where
    the register is looked for at each revision. Raises ``load.git.GitError`` for usage errors.
    """
    folders = [register_folder_named(rev) for rev in (rev_a, rev_b)]
    repo: Any = None
    cache = None
    expected = ""
    try:
        if not all(folders):
            from lianzheng_cli.load import git as gitsource  # gitpython is imported only when git is used

            repo = gitsource.open_repository(register or start or Path.cwd(), worktree=True)
            expected = gitsource.register_folder(repo, register) if register else gitsource.REGISTERS_DIR
            # The work tree's validate cache holds files by content: good for any revision's identical files.
            worktree = register or gitsource.work_tree(repo) / expected
            cache = open_cache(worktree) if (worktree / ORG_FILE).is_file() else None
        sides = [_folder_side(rev, folder) if folder is not None else _git_side(repo, rev, expected, register)
                 for rev, folder in zip((rev_a, rev_b), folders, strict=True)]
        pair = load_pair(sides[0].source, sides[1].source, cache=cache)
    finally:
        if repo is not None:
            repo.close()  # after the blobs are read: the sources read through its git processes
    old, new = sides
    notes = [n for n in (old.notes[0], new.notes[0], old.notes[1], new.notes[1]) if n]
    labels = {"old": old.ref.label, "new": new.ref.label}
    where = {"old": old.folder, "new": new.folder}
    places = {"old": old.place, "new": new.place}
    if not pair.ok or pair.old is None or pair.new is None:
        return DiffRun(None, pair.problems, notes, labels, where, pair.parsed, places)
    result = diff_registers(pair.old, pair.new, from_rev=old.ref, to_rev=new.ref)
    return DiffRun(result, [], notes, labels, where, pair.parsed, places)


def _folder_side(argument: str, folder: Path) -> _Side:
    return _Side(DirectorySource(folder), RevisionRef(argument, None, argument), argument, os.path.relpath(folder))


def _git_side(repo: Any, rev: str, expected: str, register: Path | None = None) -> _Side:
    from lianzheng_cli.load import git as gitsource

    if rev == APPROVED:
        revision = _approved_revision(repo, register)
    else:
        revision = gitsource.resolve_revision(repo, rev)
    located = gitsource.locate_register(repo, revision, expected)
    folder = located.folder
    if revision.commit is None:
        place = os.path.relpath(gitsource.work_tree(repo) / folder)
    else:
        place = f"{revision.rev}:{folder}/" if folder else f"{revision.rev}:"
    return _Side(located.source, RevisionRef(revision.rev, revision.sha, revision.label), folder, place,
                 (revision.note, located.note))


def _approved_revision(repo: Any, register: Path | None) -> Any:
    """``approved``: the latest approval of the whole register (else the latest of any department), resolved."""
    from lianzheng_cli.load import git as gitsource
    from lianzheng_cli.validate.cycle import approval_text, read_records
    from lianzheng_cli.validate.register import read_vocabulary

    root = register or gitsource.work_tree(repo) / gitsource.REGISTERS_DIR
    shown = os.path.relpath(root / APPROVALS_FILE)
    vocabulary = read_vocabulary(root)[0]
    records = [r for r in read_records(root, None, vocabulary) if r.rel == APPROVALS_FILE]
    if records and not records[0].clean:
        raise gitsource.GitError(tr("diff.approved.invalid", path=shown))
    approvals = build_approvals(records[0].data if records else None, vocabulary)
    approval = latest_approval(approvals, whole=True) or latest_approval(approvals)
    if approval is None:
        raise gitsource.GitError(tr("diff.approved.none", path=shown))
    try:
        commit = repo.commit(approval.revision)
        commit.tree  # noqa: B018 - an unknown commit fails here
    except Exception:  # gitpython: ValueError, BadName or BadObject
        raise gitsource.GitError(tr("diff.approved.unknown", short=approval.revision[:7])) from None
    short = approval.revision[:7]
    if approval.department is None:
        note = tr("diff.approved.note", approval=approval_text(approval), short=short)
    else:
        note = tr("diff.approved.department_note", approval=approval_text(approval), short=short,
                  department=approval.department)
    return gitsource.Revision(APPROVED, commit, note)
