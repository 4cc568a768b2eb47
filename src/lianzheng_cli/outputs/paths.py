"""Where a diagnostic's file is, as each reader wants it: the terminal, or CI (GitHub, GitLab)."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

from lianzheng_cli.load.sources import repository_root

__all__ = ["ci_path", "display_path", "repository_root"]


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
