"""Lines and columns of paths in a register's files, found by reading a file again on demand."""

from __future__ import annotations

from collections.abc import Callable

from lianzheng_cli.load.parse import Positions, decode, positions_of


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


class ItemLocator:
    """Positions in one file from where its list items start (recorded at load) and its text.

    A key of an item (``risks[3].briefed``) is found by reading the lines of that
    item: in block style the key stands at the item's indentation, in flow style
    on the item's line. Anything else, or anything the text does not show plainly,
    is left to ``fallback``, which parses the file again.
    """

    def __init__(self, text: str, items: dict[tuple, tuple[int, int]], fallback: Locator, rel: str):
        self._lines = text.split("\n")
        self._items = items
        self._fallback = fallback
        self._rel = rel

    def at(self, rel: str, path: tuple, *, key: bool = False) -> tuple[int, int]:
        start = self._items.get(path)
        if start is not None and not key:
            return start
        if path and isinstance(path[-1], str):
            owner = self._items.get(path[:-1], (1, 1) if len(path) == 1 else None)
            if owner is not None and key:
                found = self._find_key(owner, path[-1])
                if found is not None:
                    return found
        return self._fallback.at(self._rel, path, key=key)

    def _find_key(self, start: tuple[int, int], name: str) -> tuple[int, int] | None:
        line, column = start
        indent = column - 1
        first = self._lines[line - 1] if line - 1 < len(self._lines) else ""
        if first[indent:indent + 1] == "{":  # a flow mapping: the key is on this line, or left to the parser
            at = first.find(name + ":", indent)
            while at != -1:
                before = first[:at].rstrip()
                if before.endswith(("{", ",")):
                    return line, at + 1
                at = first.find(name + ":", at + 1)
            return None
        for number in range(line - 1, len(self._lines)):
            text = self._lines[number]
            if number > line - 1:
                body = text.lstrip(" ")
                if not body or body.startswith("#"):
                    continue
                depth = len(text) - len(body)
                if depth < indent or (depth == indent - 2 and body.startswith("- ")):
                    return None  # past the item
                if depth > indent:
                    continue
            else:
                body = text[indent:]
            if body.startswith(name + ":") or body.startswith((f'"{name}":', f"'{name}':")):
                return number + 1, indent + 1
        return None
