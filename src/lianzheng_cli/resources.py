"""Where the schemas and templates shipped with lz are found.

An installed wheel carries them in ``lianzheng_cli/_data``; a source checkout
(editable install) reads the repository's top-level folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(name)


def schema_path(kind: str) -> Path:
    """``kind`` is ``org`` or ``department``."""
    return data_dir("schemas") / f"{kind}.schema.json"
