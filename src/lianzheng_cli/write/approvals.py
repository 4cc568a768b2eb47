"""``lz approve``: one approval record appended to ``approvals.yaml`` for the current commit.

The commit approved is ``HEAD``; what it covers (the whole register, or one department's file) must have no
uncommitted changes, or the record would name a version nobody reviewed. The file is edited in place
(``write.edits``: comments and every other byte kept) and replaced atomically; a new file gets a modeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from lianzheng_cli.fileio import write_atomically
from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.load.sources import DEPARTMENTS_DIR, ORG_FILE
from lianzheng_cli.model.cycle import APPROVALS_FILE, RECORD_FILES
from lianzheng_cli.write.edits import FileEdit
from lianzheng_cli.write.files import WriteError, commit_files, plan_file

tr = messages({
    "approve.not_in_git": {
        "zh": "{path} 不在 git 仓库中：审核记录要写明所审核的 git 版本（请先 git init 并提交登记簿）",
        "en": "{path} is not inside a git repository: an approval names the git revision it covers "
              "(run git init and commit the register first)",
    },
    "approve.no_commits": {
        "zh": "仓库还没有任何提交：请先提交登记簿，再审核",
        "en": "the repository has no commits yet: commit the register first, then approve it",
    },
    "approve.uncommitted": {
        "zh": "所审核的文件有未提交的改动：{files}；请先提交（git commit），审核记录写明的是已提交的版本",
        "en": "the files to approve have uncommitted changes: {files}; commit them first (git commit): "
              "an approval names a committed revision",
    },
})

HEADER = ("# yaml-language-server: $schema=../schemas/approvals.schema.json\n"
          "# 审核记录：lz approve 追加，每条写明审核主体、日期、会议文号、范围和所审核的 git 版本\n"
          "schema_version: 1\n")


class ApproveError(Exception):
    """The approval cannot be recorded (not in git, uncommitted changes); the message says why."""


@dataclass(frozen=True)
class Recorded:
    revision: str
    path: Path
    created: bool


def head_revision(root: Path, department: str | None) -> str:
    """The full id of ``HEAD``, when what is approved has no uncommitted changes; ``ApproveError`` otherwise."""
    from lianzheng_cli.load import git as gitsource

    try:
        repo = gitsource.open_repository(root, worktree=True)
    except gitsource.GitError:
        raise ApproveError(tr("approve.not_in_git", path=root)) from None
    try:
        head = repo.git.rev_parse("--verify", "--quiet", "HEAD^{commit}").strip() if repo.head.is_valid() else ""
        if not head:
            raise ApproveError(tr("approve.no_commits"))
        folder = gitsource.register_folder(repo, root)
        changed = _uncommitted(repo, folder, department)
    finally:
        repo.close()
    if changed:
        raise ApproveError(tr("approve.uncommitted", files=join_list(changed)))
    return head


def _uncommitted(repo, folder: str, department: str | None) -> list[str]:
    """Changed, staged or untracked files of what is approved (paths from the repository top)."""
    top = PurePosixPath(folder) if folder else PurePosixPath()
    if department is None:
        paths = [str(top)]
    else:
        paths = [str(top / ORG_FILE), str(top / DEPARTMENTS_DIR / f"{department}.yaml")]
    out = repo.git.status("--porcelain", "-z", "--untracked-files=all", "--", *paths)
    changed = []
    entries = iter(out.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        if entry[0] in "RC":
            next(entries, None)  # a rename or copy is followed by the path it came from
        path = PurePosixPath(entry[3:])
        inside = path.relative_to(top) if folder and path.is_relative_to(top) else path
        if str(inside) in RECORD_FILES or any(part.startswith(".") for part in inside.parts):
            continue  # the records themselves, caches and editor files are not what is approved
        changed.append(str(path))
    return changed


def record_approval(root: Path, *, body: str, day: date, ref: str | None, department: str | None,
                    revision: str) -> Recorded:
    """Append the approval to ``approvals.yaml`` (created when absent); ``WriteError`` when it cannot be written."""
    item = {"body": body, "date": day.isoformat(), "ref": ref, "department": department, "revision": revision}
    target = root / APPROVALS_FILE

    def edit(text: str) -> tuple[str, None]:
        change = FileEdit(text, APPROVALS_FILE)
        change.append(("approvals",), item, after=("schema_version",))
        return change.result(), None

    if target.exists():
        planned, _ = plan_file(root, APPROVALS_FILE, edit)
        commit_files(root, [planned])
        return Recorded(revision, target, False)
    text, _ = edit(HEADER)
    try:
        write_atomically(target, text)
    except OSError as exc:
        raise WriteError(str(exc)) from None
    return Recorded(revision, target, True)
