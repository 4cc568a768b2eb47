"""The time written into a rendered document, so that one register always gives the same bytes.

A document (docx today, the workbook later) carries times: core properties
(created, modified) and the times of its zip entries. Taken from the clock,
two renders of one register would differ in bytes, and a filed copy could not
be checked against a fresh render. :func:`document_time` is the one source of
that time, in this order:

1. ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds convention) when it is set to a number;
2. the time of the last git commit that touched the register folder;
3. 31 December of the register's year, 00:00 UTC (no git, or nothing committed yet).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # the earliest time a zip entry can hold


def document_time(register_root: Path, year: int) -> datetime:
    """The time a document rendered from the register at ``register_root`` says it was made (UTC, whole seconds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    committed = last_commit_time(register_root)
    if committed is not None:
        return committed
    return datetime(year, 12, 31, tzinfo=UTC)


def last_commit_time(folder: Path) -> datetime | None:
    """The committer time of the last commit touching ``folder`` (UTC), or None outside git or before any commit."""
    from lianzheng_cli.load.git import GitError, open_repository

    try:
        repo = open_repository(Path(folder))
        stamp = repo.git.log("-1", "--no-show-signature", "--format=%ct", "--", str(Path(folder).resolve()))
    except GitError:
        return None
    except Exception:  # a git failure (no commits, git missing) leaves the fallback
        return None
    stamp = stamp.strip()
    return datetime.fromtimestamp(int(stamp), UTC) if stamp.isdigit() else None


def zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    """``when`` as a zip entry's date_time (UTC, never before 1980, even seconds as zip stores them)."""
    when = max(when.astimezone(UTC), ZIP_EPOCH)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)
