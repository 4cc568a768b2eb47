"""A register as of a git revision: resolving revisions, and reading blobs without touching the work tree.

A revision is a git ref (tag, branch, commit, ``HEAD~1`` …), a year, or
``WORKTREE``. A year ``2024`` is the tag ``2024``, else ``register-2024``, else
the last commit reachable from ``HEAD`` whose committer date, in the
committer's own time zone, is on or before 31 December 2024. Four digits are
always read as a year, never as an abbreviated commit id.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

import git

from lianzheng_cli.i18n import messages
from lianzheng_cli.load.sources import DEPARTMENTS_DIR, ORG_FILE, DirectorySource

WORKTREE = "WORKTREE"
REGISTERS_DIR = "registers"
_YEAR = re.compile(r"[0-9]{4}")

tr = messages({
    "git.not_a_repository": {
        "zh": "{path} 不在 git 仓库中：lz diff 比对的是 git 中登记簿的不同版本（请先 git init 并提交）",
        "en": "{path} is not inside a git repository: lz diff compares versions of the register in git "
              "(run git init and commit first)",
    },
    "git.no_worktree": {
        "zh": "仓库 {path} 没有工作区（裸仓库），无法读取 WORKTREE",
        "en": "repository {path} has no work tree (bare), so WORKTREE cannot be read",
    },
    "git.unknown_revision": {
        "zh": "未知的版本 `{rev}`：它不是标签、分支或提交，也不是年份（如 2024）或 WORKTREE（工作区）",
        "en": "unknown revision `{rev}`: not a tag, branch or commit, nor a year (like 2024) or WORKTREE",
    },
    "git.no_commits": {
        "zh": "仓库 {path} 还没有任何提交，无法读取版本 `{rev}`（请先提交一次）",
        "en": "repository {path} has no commits yet, so revision `{rev}` cannot be read (commit once first)",
    },
    "git.no_commit_in_year": {
        "zh": "版本 `{rev}`：没有标签 {rev} 或 register-{rev}，HEAD 的历史中也没有{rev}年12月31日或更早的提交",
        "en": "revision `{rev}`: no tag {rev} or register-{rev}, and no commit on or before {rev}-12-31 "
              "in HEAD's history",
    },
    "git.year_tag": {
        "zh": "{rev} → 标签 {tag}（提交 {short}）",
        "en": "{rev} → tag {tag} (commit {short})",
    },
    "git.year_date": {
        "zh": "{rev} → 没有标签 {rev} 或 register-{rev}，取{rev}年12月31日或更早的最后一次提交 {short}"
              "（{when}，“{subject}”）",
        "en": "{rev} → no tag {rev} or register-{rev}; took the last commit on or before {rev}-12-31: {short} "
              "({when}, “{subject}”)",
    },
    "git.moved": {
        "zh": "{rev}：登记簿位于 {found}（而不是 {expected}）",
        "en": "{rev}: the register is at {found} (not {expected})",
    },
    "git.absent": {
        "zh": "{rev}：没有登记簿（{expected}/org.yaml 不存在），按空登记簿比对",
        "en": "{rev}: no register ({expected}/org.yaml is absent); compared as an empty register",
    },
    "git.worktree": {"zh": "工作区", "en": "work tree"},
    "git.label": {"zh": "{rev}（{short}）", "en": "{rev} ({short})"},
})


class GitError(Exception):
    """A revision or repository problem the user must fix: a usage error (exit 2); the message is translated."""


@dataclass(frozen=True)
class Revision:
    """A revision as the user named it, and what it resolved to (``commit`` is None for the work tree)."""

    rev: str
    commit: git.Commit | None
    note: str = ""  # how a year was resolved, for the user

    @property
    def sha(self) -> str | None:
        return self.commit.hexsha if self.commit is not None else None

    @property
    def label(self) -> str:
        """``rev (abc1234)`` or the work tree's name, for headings."""
        if self.commit is None:
            return tr("git.worktree")
        if self.rev == self.commit.hexsha:
            return self.rev
        return tr("git.label", rev=self.rev, short=self.commit.hexsha[:7])


def open_repository(path: Path, *, worktree: bool = False) -> git.Repo:
    """The git repository holding ``path``; with ``worktree``, one that has a work tree (not bare)."""
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitError(tr("git.not_a_repository", path=path)) from None
    if worktree and repo.bare:
        repo.close()
        raise GitError(tr("git.no_worktree", path=repo.git_dir))
    return repo


def _verify(repo: git.Repo, name: str) -> str | None:
    """The commit id ``name`` names, by git's own rules, or None."""
    try:
        return repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}").strip() or None
    except git.GitCommandError:
        return None


def _has_commits(repo: git.Repo) -> bool:
    return _verify(repo, "HEAD") is not None


def resolve_revision(repo: git.Repo, rev: str) -> Revision:
    """A git ref, a year or ``WORKTREE``, resolved; ``GitError`` when it names nothing."""
    if rev == WORKTREE:
        if repo.bare:
            raise GitError(tr("git.no_worktree", path=repo.git_dir))
        return Revision(rev, None)
    if not _has_commits(repo):
        raise GitError(tr("git.no_commits", path=repo.working_tree_dir or repo.git_dir, rev=rev))
    if _YEAR.fullmatch(rev):
        return _resolve_year(repo, rev)
    sha = _verify(repo, rev)
    if sha is None:
        raise GitError(tr("git.unknown_revision", rev=rev))
    return Revision(rev, repo.commit(sha))


def _resolve_year(repo: git.Repo, year: str) -> Revision:
    for tag in (year, f"register-{year}"):
        sha = _verify(repo, f"refs/tags/{tag}")
        if sha is not None:
            commit = repo.commit(sha)
            return Revision(year, commit, tr("git.year_tag", rev=year, tag=tag, short=sha[:7]))
    last = last_commit_of_year(repo, int(year))
    if last is None:
        raise GitError(tr("git.no_commit_in_year", rev=year))
    when = last.committed_datetime.strftime("%Y-%m-%d %H:%M %z")
    subject = last.summary if isinstance(last.summary, str) else last.summary.decode("utf-8", "replace")
    return Revision(year, last, tr("git.year_date", rev=year, short=last.hexsha[:7], when=when, subject=subject))


def last_commit_of_year(repo: git.Repo, year: int) -> git.Commit | None:
    """The latest commit reachable from HEAD dated (committer date, own zone) on or before 31 December ``year``."""
    # Every zone is within UTC-12..UTC+14, so no qualifying commit is later than noon UTC on 1 January.
    out = repo.git.log("--no-show-signature", "--format=%H %ct %cI", f"--before={year + 1}-01-01T12:00:00Z", "HEAD")
    best: tuple[int, str] | None = None
    for line in out.splitlines():
        sha, stamp, iso = line.split(" ")
        if datetime.fromisoformat(iso).date().year > year:
            continue
        if best is None or int(stamp) > best[0]:
            best = (int(stamp), sha)
    return repo.commit(best[1]) if best else None


class GitSource:
    """The register folder ``folder`` (relative to the repository top) as of ``commit``, read from git's objects."""

    parallel_safe = False  # gitpython's object reader is a pipe to one git process: not for forked workers
    keeps_bytes = False

    def __init__(self, commit: git.Commit, folder: str):
        self.commit = commit
        self.folder = folder
        self.root = Path(folder or ".")
        self._blobs: dict[str, git.Blob] | None = None

    def _entries(self) -> dict[str, git.Blob]:
        if self._blobs is None:
            blobs: dict[str, git.Blob] = {}
            top = self.commit.tree
            try:
                register = top / self.folder if self.folder else top
                blobs[ORG_FILE] = register / ORG_FILE
            except KeyError:
                register = None
            if register is not None:
                try:
                    departments = register / DEPARTMENTS_DIR
                except KeyError:
                    departments = None
                if isinstance(departments, git.Tree):
                    for blob in departments.blobs:
                        if PurePosixPath(blob.name).suffix in (".yaml", ".yml"):
                            blobs[f"{DEPARTMENTS_DIR}/{blob.name}"] = blob
            self._blobs = {rel: b for rel, b in blobs.items() if isinstance(b, git.Blob)}
        return self._blobs

    @property
    def exists(self) -> bool:
        return ORG_FILE in self._entries()

    def department_files(self) -> list[str]:
        return sorted(rel for rel in self._entries() if rel != ORG_FILE)

    def read(self, rel: str) -> bytes:
        blob = self._entries().get(rel)
        if blob is None:
            raise FileNotFoundError(rel)
        return blob.data_stream.read()

    def blob_id(self, rel: str) -> str:
        """The file's blob id, known from the tree without reading the file."""
        blob = self._entries().get(rel)
        if blob is None:
            raise FileNotFoundError(rel)
        return blob.hexsha


class WorktreeSource(DirectorySource):
    """The register folder on disk, with git blob ids so unchanged files can be told apart without parsing."""

    keeps_bytes = True  # files read once for their ids are not read again

    def __init__(self, root: Path):
        super().__init__(root)
        self._bytes: dict[str, bytes] = {}

    @property
    def exists(self) -> bool:
        return (self.root / ORG_FILE).is_file()

    def read(self, rel: str) -> bytes:
        raw = self._bytes.get(rel)
        if raw is None:
            raw = self._bytes[rel] = super().read(rel)
        return raw


def work_tree(repo: git.Repo) -> Path:
    """The top of the repository's work tree; ``GitError`` for a bare repository."""
    if repo.working_tree_dir is None:
        raise GitError(tr("git.no_worktree", path=repo.git_dir))
    return Path(repo.working_tree_dir)


def register_folder(repo: git.Repo, root: Path) -> str:
    """The register folder's path relative to the repository top, '/'-separated ('' for the top itself)."""
    top = work_tree(repo).resolve()
    rel = Path(os.path.relpath(root.resolve(), top))
    return "" if rel == Path(".") else rel.as_posix()


def _is_register_file(path: str) -> bool:
    return path == f"{REGISTERS_DIR}/{ORG_FILE}" or path.endswith(f"/{REGISTERS_DIR}/{ORG_FILE}")


def _choose(candidates: list[str]) -> str:
    """The shallowest ``registers/`` folder (then the first by name) when a revision holds several."""
    return sorted(candidates, key=lambda p: (p.count("/"), p))[0]


@dataclass
class Located:
    """A revision's register: its source (None when there is none) and a note when it was not where expected."""

    source: GitSource | WorktreeSource | None
    folder: str
    note: str = ""


def locate_register(repo: git.Repo, revision: Revision, expected: str) -> Located:
    """The register at ``revision``: at ``expected`` (relative to the top), else the ``registers/`` folder
    holding an ``org.yaml`` there, else none (an empty register: everything is added)."""
    shown = expected or "."
    source: GitSource | WorktreeSource
    if revision.commit is None:
        top = work_tree(repo)
        source = WorktreeSource(top / expected if expected else top)
        if source.exists:
            return Located(source, expected)
        found = [p.relative_to(top).as_posix() for p in _walk_registers(top)]
    else:
        source = GitSource(revision.commit, expected)
        if source.exists:
            return Located(source, expected)
        listing = repo.git.ls_tree("-r", "--name-only", "-z", revision.commit.hexsha).split("\0")
        found = [p for p in listing if _is_register_file(p)]
    if not found:
        return Located(None, expected, tr("git.absent", rev=revision.label, expected=shown))
    folder = str(PurePosixPath(_choose(found)).parent)
    source = WorktreeSource(work_tree(repo) / folder) if revision.commit is None \
        else GitSource(revision.commit, folder)
    return Located(source, folder, tr("git.moved", rev=revision.label, found=folder, expected=shown))


def _walk_registers(top: Path):
    """``registers/org.yaml`` files in the work tree, skipping hidden folders and virtual environments."""
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "venv"))
        if Path(folder).name == REGISTERS_DIR and ORG_FILE in files:
            yield Path(folder) / ORG_FILE
