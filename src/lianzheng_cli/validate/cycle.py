"""The yearly cycle's files in validation: ``approvals.yaml`` and ``assessments.yaml`` checked like the others
(schema, references to departments), and LZ028: a department changed since its latest approval.

LZ028 compares git blob ids: the department file on disk against the same file at the approved commit. A register
outside git, or without approvals, is not told anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.i18n import messages
from lianzheng_cli.load.positions import Locator
from lianzheng_cli.load.sources import DirectorySource, Source, blob_id
from lianzheng_cli.model.cycle import APPROVALS_FILE, RECORD_FILES, Approval, build_approvals, latest_approval
from lianzheng_cli.validate.files import FileResult, check_file
from lianzheng_cli.vocab import BUILTIN, Vocabulary

tr = messages({
    "approval.text": {"zh": "{body} {date}", "en": "{body} {date}"},
    "approval.text_ref": {"zh": "{body} {date}，{ref}", "en": "{body} {date}, {ref}"},
})


def approval_text(approval: Approval) -> str:
    """``党组会 2025-03-01，局党组会〔2025〕3号``: who approved, when, and the meeting's reference (for messages)."""
    date = approval.date.isoformat()
    if approval.ref:
        return tr("approval.text_ref", body=approval.body, date=date, ref=approval.ref)
    return tr("approval.text", body=approval.body, date=date)


def read_records(root: Path, source: Source | None, vocabulary: Vocabulary = BUILTIN) -> list[FileResult]:
    """``approvals.yaml`` and ``assessments.yaml`` where the register has them, each checked against its schema."""
    source = source or DirectorySource(root)
    results = []
    for rel in RECORD_FILES:
        try:
            raw = source.read(rel)
        except FileNotFoundError:
            continue
        except OSError as exc:
            results.append(FileResult(rel, None, [Diagnostic("LZ009", Severity.ERROR, rel, 1, 1,
                                                             tr("LZ009", reason=exc.strerror or exc))]))
            continue
        results.append(check_file(raw, rel, vocabulary))
    return results


def check_record_references(records: list[FileResult], departments: set[str], locator: Locator) -> list[Diagnostic]:
    """LZ021: an approval or a score names a department the register does not have."""
    found = []
    for result in records:
        if not result.clean or not isinstance(result.data, dict):
            continue
        key = "approvals" if result.rel == APPROVALS_FILE else "scores"
        for i, entry in enumerate(result.data.get(key) or ()):
            dept = entry.get("department")
            if dept is not None and dept not in departments:
                line, column = locator.at(result.rel, (key, i, "department"))
                found.append(Diagnostic("LZ021", Severity.ERROR, result.rel, line, column,
                                        tr("LZ021", field="department", kind=tr("kind.department"), id=dept), dept))
    return found


def check_approvals_current(root: Path, approvals_doc: Any, department_files: list[str], vocabulary: Vocabulary,
                            locator: Locator) -> list[Diagnostic]:
    """LZ028 (warning): each department file whose content differs from the file at its latest approval's commit."""
    approvals = build_approvals(approvals_doc, vocabulary)
    if not approvals:
        return []
    from lianzheng_cli.load import git as gitsource  # gitpython only when there is something to compare

    try:
        repo = gitsource.open_repository(root, worktree=True)
    except gitsource.GitError:
        return []  # not in git: nothing to compare against
    found: list[Diagnostic] = []
    try:
        folder = gitsource.register_folder(repo, root)
        sources: dict[str, gitsource.GitSource | None] = {}
        for rel in department_files:
            dept = Path(rel).stem
            approval = latest_approval(approvals, dept)
            if approval is None:
                continue
            if approval.revision not in sources:
                sources[approval.revision] = _source_at(repo, approval.revision, folder)
                if sources[approval.revision] is None:
                    line, column = locator.at(APPROVALS_FILE, approval.at.path)
                    found.append(Diagnostic("LZ028", Severity.WARNING, APPROVALS_FILE, line, column,
                                            tr("LZ028.unknown_revision", short=approval.revision[:7]),
                                            approval.revision[:7]))
            then = sources[approval.revision]
            if then is None:
                continue
            try:
                before = then.blob_id(rel)
            except FileNotFoundError:
                before = None
            try:
                now = blob_id((root / rel).read_bytes())
            except OSError:
                continue
            if before != now:
                found.append(Diagnostic("LZ028", Severity.WARNING, rel, 1, 1,
                                        tr("LZ028", id=dept, approval=approval_text(approval),
                                           short=approval.revision[:7]), dept))
    finally:
        repo.close()
    return found


def _source_at(repo: Any, revision: str, folder: str) -> Any:
    """The register folder as of ``revision``, or None when the repository does not have that commit."""
    from lianzheng_cli.load import git as gitsource

    try:
        commit = repo.commit(revision)
        commit.tree  # noqa: B018 - a missing object fails here, not later
    except Exception:  # gitpython raises ValueError, BadName or BadObject for an unknown commit
        return None
    return gitsource.GitSource(commit, folder)

