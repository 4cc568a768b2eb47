"""Paths into a loaded document: ``("risks", 3, "measures", 0, "stage")``."""

from __future__ import annotations

from typing import Any

# Lists whose items are objects with an id of their own.
OBJECT_LISTS = ("people", "posts", "powers", "processes", "risks", "warnings")


def subject_at(data: Any, path: tuple) -> str:
    """The id of the innermost object ``path`` lies in (``RISK/MEASURE`` for a measure), or ''."""
    subject = ""
    node = data
    parent_id = ""
    for i, part in enumerate(path):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and i > 0 and isinstance(node, dict):
            owner = path[i - 1]
            ident = node.get("id")
            if not isinstance(ident, str):
                ident = "" if ident is None else str(ident)
            if owner in OBJECT_LISTS:
                parent_id = subject = ident
            elif owner in ("measures", "steps"):
                subject = f"{parent_id}/{ident}" if parent_id else ident
    return subject
