"""``lz diff`` for git revisions: resolving two revisions (refs, years, ``WORKTREE``) through ``load.git``,
finding the register at each, loading the pair and comparing it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from lianzheng_cli.diff.compare import RegisterDiff, RevisionRef, diff_registers
from lianzheng_cli.diff.pairs import Problem, load_pair
from lianzheng_cli.load.cache import open_cache
from lianzheng_cli.load.sources import ORG_FILE


@dataclass
class DiffRun:
    diff: RegisterDiff | None  # None when a version has errors
    problems: list[Problem]
    notes: list[str]  # how years were resolved, where the register was found
    labels: dict[str, str]  # side -> label of its version
    folders: dict[str, str]  # side -> register folder, relative to the repository top
    parsed: dict[str, list[str]]
    places: dict[str, str] = field(default_factory=dict)  # side -> how its files are shown (`2024:registers`)

    def location(self, problem: Problem) -> str:
        """``2024:registers/departments/a.yaml:3:5`` (git's rev:path) or a work-tree path, for messages."""
        d = problem.diagnostic
        place = self.places.get(problem.side, "")
        path = f"{place}{d.file}" if place.endswith((":", "/")) else f"{place}/{d.file}" if place else d.file
        return f"{path}:{d.line}:{d.column}"


def diff_revisions(rev_a: str, rev_b: str, *, register: Path | None = None, start: Path | None = None) -> DiffRun:
    """Compare the register at two revisions of the git repository holding ``register`` (or ``start``).

    ``register`` is the register folder in the work tree; its path relative to the repository top is where
    the register is looked for at each revision. Raises ``load.git.GitError`` for usage errors.
    """
    from lianzheng_cli.load import git as gitsource  # gitpython is imported only when git is used

    repo = gitsource.open_repository(register or start or Path.cwd(), worktree=True)
    try:
        old = gitsource.resolve_revision(repo, rev_a)
        new = gitsource.resolve_revision(repo, rev_b)
        expected = gitsource.register_folder(repo, register) if register else gitsource.REGISTERS_DIR
        located = {"old": gitsource.locate_register(repo, old, expected),
                   "new": gitsource.locate_register(repo, new, expected)}
        top = gitsource.work_tree(repo)
        # The work tree's validate cache holds files by content: good for any revision's identical files.
        worktree = register or top / expected
        cache = open_cache(worktree) if (worktree / ORG_FILE).is_file() else None
        pair = load_pair(located["old"].source, located["new"].source, cache=cache)
    finally:
        repo.close()  # after the blobs are read: the sources read through its git processes
    notes = [n for n in (old.note, new.note, located["old"].note, located["new"].note) if n]
    labels = {"old": old.label, "new": new.label}
    folders = {side: loc.folder for side, loc in located.items()}
    places = {}
    for side, revision in (("old", old), ("new", new)):
        folder = folders[side]
        if revision.commit is None:
            places[side] = os.path.relpath(top / folder)
        else:
            places[side] = f"{revision.rev}:{folder}/" if folder else f"{revision.rev}:"
    if not pair.ok or pair.old is None or pair.new is None:
        return DiffRun(None, pair.problems, notes, labels, folders, pair.parsed, places)
    result = diff_registers(pair.old, pair.new, from_rev=RevisionRef(old.rev, old.sha, old.label),
                            to_rev=RevisionRef(new.rev, new.sha, new.label))
    return DiffRun(result, [], notes, labels, folders, pair.parsed, places)
