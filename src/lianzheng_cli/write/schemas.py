"""``lz schema --write``: a register's own JSON Schemas into its ``schemas/`` folder (or another)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.fileio import write_atomically
from lianzheng_cli.validate.schema_build import schema_files, schema_folder
from lianzheng_cli.vocab import BUILTIN, Vocabulary


@dataclass(frozen=True, slots=True)
class WrittenSchema:
    path: Path
    changed: bool  # False: the file already said exactly this and was left alone


def write_schemas(root: Path, vocabulary: Vocabulary = BUILTIN, folder: Path | None = None) -> list[WrittenSchema]:
    """Write ``org.schema.json`` and ``department.schema.json`` for ``vocabulary`` into ``folder`` (default:
    ``schemas/`` beside the register at ``root``); a file that is already right is not touched."""
    folder = Path(folder) if folder is not None else schema_folder(root)
    written = []
    for name, text in schema_files(vocabulary).items():
        path = folder / name
        data = text.encode("utf-8")
        try:
            changed = path.read_bytes() != data
        except OSError:
            changed = True
        if changed:
            write_atomically(path, data)
        written.append(WrittenSchema(path, changed))
    return written
