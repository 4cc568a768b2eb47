"""Where a diagnostic's file is, as each reader wants it: the terminal, or CI (GitHub, GitLab); and what the
files written for each department are called."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path, PurePath

from lianzheng_cli.fileio import safe_file_part
from lianzheng_cli.load.sources import repository_root
from lianzheng_cli.model.records import Register

__all__ = ["ci_path", "department_file_names", "display_path", "repository_root"]


def display_path(root: Path, rel: str) -> str:
    """A diagnostic's file as the user should see it: relative to the current folder when possible."""
    path = root.resolve() / rel  # the file by its own name, not where a link points
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def ci_path(root: Path, rel: str, base: Path | None = None) -> str:
    """A diagnostic's file for CI: '/'-separated, relative to ``base`` (default: the repository root).

    Outside a git repository, and with no ``base``, it is relative to the current folder.
    """
    base = base or repository_root(root) or Path.cwd()
    path = root.resolve() / rel  # the file by its own name, not where a link points
    try:
        return PurePath(os.path.relpath(path, base.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def department_file_names(register: Register, document: str, extension: str, *,
                          brackets: str = "（）") -> dict[str, str]:
    """Each department's file of ``document`` (``--by-department``): ``<组织名>-<年度>-<部门>-<document>``
    and ``extension``; the id joins, in ``brackets``, a name two departments share."""
    counts = Counter(d.name for d in register.departments)
    org = safe_file_part(register.org.name)
    opening, closing = brackets[0], brackets[1]
    names = {}
    for dept in register.departments:
        label = dept.name if counts[dept.name] == 1 else f"{dept.name}{opening}{dept.id}{closing}"
        names[dept.id] = f"{org}-{register.org.year}-{safe_file_part(label)}-{document}{extension}"
    return names
