"""Ids of an imported register: codes from the sheet where it has them, readable generated ones elsewhere.

Department, person, post, power, process, risk and party ids are unique across the organization;
``Ids.claim`` keeps them so (``A1-3`` given twice becomes ``A1-3`` and ``A1-3-2``). A generated id
is built from the name's 拼音首字母 (办公室 → ``bgs``, 初审岗 → ``bgs-csg``) or a running number
(``bgs-R01``), in the order the workbook lists things: the same workbook gives the same ids.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lianzheng_cli.importing.text import ID_PATTERN, fold_code, sanitize_id

_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
MAX_INITIALS = 12


@lru_cache(maxsize=4096)
def initials(name: str) -> str:
    """拼音首字母 of ``name`` in lower case (办公室 → ``bgs``); letters and digits in it are kept."""
    from pypinyin import Style, lazy_pinyin  # its dictionaries load in a few tenths of a second: only when needed

    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda text: "".join(_ASCII_WORD.findall(text)))
    joined = "".join(part for part in letters if part).lower()
    return re.sub(r"[^a-z0-9]", "", joined)[:MAX_INITIALS]


@lru_cache(maxsize=4096)
def person_letters(name: str) -> str:
    """A person's name as an id part: the surname in full pinyin, the rest by initials (张某某 → ``zhangmm``)."""
    from pypinyin import Style, lazy_pinyin

    if not name:
        return ""
    surname = "".join(lazy_pinyin(name[0], style=Style.NORMAL, errors=lambda text: "".join(_ASCII_WORD.findall(text))))
    letters = re.sub(r"[^a-z0-9]", "", surname.lower()) + initials(name[1:])
    return letters[:MAX_INITIALS + 4]


class Ids:
    """Every id of the organization given so far."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self._counters: dict[str, int] = {}

    def claim(self, wanted: str) -> str:
        """``wanted`` if free, else ``wanted-2``, ``wanted-3`` …"""
        ident = wanted
        n = 1
        while ident in self.taken:
            n += 1
            ident = f"{wanted}-{n}"
        self.taken.add(ident)
        return ident

    def named(self, prefix: str, name: str, fallback: str, *, person: bool = False) -> str:
        """``prefix`` + the initials of ``name`` (``bgs-csg``; a person ``p-zhangmm``); ``fallback`` numbered
        when the name gives no letters."""
        letters = person_letters(name) if person else initials(name)
        if not letters:
            return self.numbered(prefix, fallback)
        return self.claim(f"{prefix}{letters}")

    def numbered(self, prefix: str, letter: str, width: int = 2) -> str:
        """The next ``<prefix><letter>NN`` that is free (``bgs-R01``)."""
        key = prefix + letter
        n = self._counters.get(key, 0)
        while True:
            n += 1
            ident = f"{key}{n:0{width}d}"
            if ident not in self.taken:
                self._counters[key] = n
                self.taken.add(ident)
                return ident


def code_id(written: str) -> tuple[str, str | None]:
    """An id from a code cell: (the id, or '' when nothing usable is left; the problem: None, 'invalid')."""
    folded = fold_code(written)
    if not folded:
        return "", None
    if ID_PATTERN.match(folded):
        return folded, None
    return sanitize_id(folded), "invalid"
