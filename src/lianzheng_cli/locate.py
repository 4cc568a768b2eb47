"""Lines and columns of paths in a register's files, found by reading a file again on demand."""

from __future__ import annotations

from typing import Callable

from lianzheng_cli.loader import Positions, decode, positions_of


class Locator:
    """Positions (and values) of each file, parsed again the first time a finding asks."""

    def __init__(self, read: Callable[[str], bytes]):
        self._read = read
        self._positions: dict[str, Positions] = {}

    def positions(self, rel: str) -> Positions:
        positions = self._positions.get(rel)
        if positions is None:
            text = decode(self._read(rel), rel)[0] or ""
            positions = self._positions[rel] = positions_of(text)
        return positions

    def at(self, rel: str, path: tuple, *, key: bool = False) -> tuple[int, int]:
        return self.positions(rel).find(path, key=key)
