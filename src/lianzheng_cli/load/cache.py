"""A content cache of per-file results, so unchanged files are not parsed again; one a register cannot plant.

Only files with no findings of their own are cached: their summary (for the cross-file checks) and their values
(for the model). The cache lives in the user's cache folder (``$LZ_CACHE_DIR``, else ``$XDG_CACHE_HOME/lz``,
else ``~/.cache/lz``), never in the register: a ``.lz-cache/`` folder committed to a repository is not read.
A folder inside the register's work tree is refused too (a pull request could fill it).

Every entry is authenticated with a random key that never leaves that folder (``key``, created 0600): an
entry's name is the keyed hash of the file's name and bytes, and its parts carry an HMAC of its name and
payload. So an entry copied under another name, planted or edited is a miss, like a corrupt one; every value is
type-checked after that, and any exception while reading is a miss. Entries live under a folder named for
everything that could change a result (lz's version, the schemas, the serialisation format) and one folder per
register. The cache is safe to delete at any time.

Entries are written in packs, one file per process that checked files in a run (``*.pack``: a county register's
400 entries are two files, not 400): a pack is entries one after the other, each a fixed header (name, the two
MACs, the two lengths), its summary and its values; a reader walks the headers and reads the values of the
entries asked for only. Unused packs are dropped, and packs are merged when entries no run uses pile up.
Other commands' memos (``put_blob``) are files of their own. So is the stat index (``StatIndex``): which entry
each file had when it was last read, by its size, times and inode, so that an unchanged file is not read and
hashed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import marshal
import os
import secrets
import shutil
import stat
import struct
import sys
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from lianzheng_cli import __version__
from lianzheng_cli.load.sources import repository_root
from lianzheng_cli.resources import schema_path

FORMAT = 4  # 3: entries authenticated (HMAC), outside the register; 4: in packs
KEY_FILE = "key"
KEY_BYTES = 32
MAC_BYTES = 32
PACK = ".pack"
# An entry's header in a pack: its name (hex), the MACs of its summary and of its values, their lengths.
_HEADER = struct.Struct(f">40s{MAC_BYTES}s{MAC_BYTES}sQQ")
# Packs are merged into one when there are more than this many, or when more entries are unused than used.
MAX_PACKS = 8
SUMMARY_KEYS = frozenset(("defines", "refers", "risks", "measures", "no_factors"))


def cache_home() -> Path:
    """The user's cache folder for lz: ``$LZ_CACHE_DIR``, ``$XDG_CACHE_HOME/lz`` or ``~/.cache/lz``."""
    explicit = os.environ.get("LZ_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "lz"


def secret_key(home: Path | None = None) -> bytes | None:
    """This user's key (created on first use, readable by no one else); None when it cannot be had safely."""
    home = home or cache_home()
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        for _ in range(3):
            key = _read_key(home / KEY_FILE)
            if key is not None:
                return key
            _make_key(home)
    except (OSError, ValueError):
        pass
    return None


def _read_key(path: Path) -> bytes | None:
    """The key if the file is ours alone and whole; a key others could read is replaced (None: make one)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    with open(fd, "rb") as handle:
        info = os.fstat(fd)
        key = handle.read(KEY_BYTES + 1)
    owner_ok = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()
    if not stat.S_ISREG(info.st_mode) or not owner_ok:
        raise ValueError("the key file is not this user's")
    if info.st_mode & 0o077 or len(key) != KEY_BYTES:
        path.unlink()  # readable by others, or cut short: a new key (its entries become misses)
        return None
    return key


def _make_key(home: Path) -> None:
    temp = home / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with open(fd, "wb") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temp, home / KEY_FILE)  # never replaces a key another lz made meanwhile
    finally:
        temp.unlink(missing_ok=True)


@cache
def fingerprint() -> str:
    h = hashlib.blake2b(digest_size=8)
    for part in (str(FORMAT), __version__, str(marshal.version), sys.version):
        h.update(part.encode())
    for kind in ("org", "department"):
        h.update(schema_path(kind).read_bytes())
    return h.hexdigest()


class CacheEntry(NamedTuple):
    summary: dict
    data: Any  # None unless asked for
    items: dict | None


class _Stored(NamedTuple):
    """Where an entry stands in a pack."""

    pack: Path
    summary_mac: bytes
    summary: bytes
    data_mac: bytes
    offset: int  # of its values in the pack
    size: int


class FileCache:
    """Per-file summaries and values of one register, by keyed content digest, under ``home``."""

    def __init__(self, home: Path, key: bytes, register: Path):
        self._key = key
        self.base = home
        place = hashlib.blake2b(str(register.resolve()).encode(), key=key, digest_size=10).hexdigest()
        self.folder = home / f"v{FORMAT}-{fingerprint()}" / place
        self.used: set[str] = set()
        self._index: dict[str, _Stored] | None = None  # the packs' entries, read at the first look-up
        self._packs: dict[Path, list[str]] = {}  # each pack read: its entries' names
        self._writing: Any = None  # the pack this process is writing (an open file), and the process
        self._writer = 0

    def digest(self, rel: str, raw: bytes) -> str:
        """The entry name of a file: a keyed hash of its name (a department's id must match it) and bytes."""
        h = hashlib.blake2b(rel.encode(), key=self._key, digest_size=20)
        h.update(b"\0")
        h.update(raw)
        return h.hexdigest()

    def _mac(self, name: str, payload: bytes) -> bytes:
        mac = hmac.new(self._key, name.encode() + b"\0", hashlib.sha256)
        mac.update(payload)  # not joined to the name: a memo's payload is tens of MB
        return mac.digest()

    def get(self, key: str, *, with_data: bool) -> CacheEntry | None:
        """A file's cached summary (and values and item positions, if asked for); None on a miss.

        Each part is checked against its MAC over the entry's name and that part before it is read;
        ``validate`` reads the summary only.
        """
        try:
            stored = self._entries().get(key)
            if stored is None:
                return None
            if not hmac.compare_digest(stored.summary_mac, self._mac(key + ".s", stored.summary)):
                return self._miss(key)
            summary = marshal.loads(stored.summary)
            data = items = None
            if with_data:
                with open(stored.pack, "rb") as handle:
                    handle.seek(stored.offset)
                    payload = handle.read(stored.size)
                if len(payload) != stored.size or not hmac.compare_digest(stored.data_mac,
                                                                          self._mac(key + ".d", payload)):
                    return self._miss(key)
                data, items = marshal.loads(payload)
            if not _is_summary(summary) or (with_data and not (isinstance(data, dict) and _is_items(items)
                                                                 and _is_document(data))):
                return self._miss(key)
        except Exception:  # whatever reading the cache raises, it is a miss, never a failure
            return self._miss(key)
        self.used.add(key)
        return CacheEntry(summary, data, items)

    def _miss(self, key: str) -> CacheEntry | None:
        """A bad entry is forgotten (the file's new entry replaces it, a merge never copies it): a miss."""
        if self._index is not None:
            self._index.pop(key, None)
        return None

    def _entries(self) -> dict[str, _Stored]:
        if self._index is None:
            self._index = {}
            packs = sorted(self.folder.glob(f"*{PACK}")) if self.folder.is_dir() else []
            for pack in packs:
                self._packs[pack] = names = []
                with contextlib.suppress(OSError):
                    for name, stored in _read_pack(pack):
                        self._index.setdefault(name, stored)
                        names.append(name)
        return self._index

    def put(self, key: str, summary: Any, data: Any, items: Any, *, body: bytes | None = None) -> None:
        """Store a file's entry (``body``: ``marshal.dumps((data, items))`` when the caller has it already) in
        this process's pack; ``flush`` finishes it. An entry cut short fails its MAC and is a miss."""
        try:
            head = marshal.dumps(summary)
            body = marshal.dumps((data, items)) if body is None else body
            self._write(key, self._mac(key + ".s", head), head, self._mac(key + ".d", body), body)
        except (OSError, ValueError):
            return  # a cache that cannot be written is no cache, not an error
        self.used.add(key)

    def _write(self, key: str, summary_mac: bytes, summary: bytes, data_mac: bytes, body: bytes) -> None:
        if self._writing is None or self._writer != os.getpid():
            # A forked worker leaves its parent's pack alone (closing it here would write the parent's buffer).
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            name = self.folder / f"{os.getpid()}-{secrets.token_hex(6)}{PACK}"
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            self._writing, self._writer = open(fd, "wb"), os.getpid()  # noqa: SIM115 -- open until flush()
        self._writing.write(_HEADER.pack(key.encode("ascii"), summary_mac, data_mac, len(summary), len(body)))
        self._writing.write(summary)
        self._writing.write(body)

    def flush(self) -> None:
        """Finish the pack this process wrote (if any): what a later run, or the parent process, reads."""
        if self._writing is not None and self._writer == os.getpid():
            with contextlib.suppress(OSError):
                self._writing.close()
        self._writing = None

    def get_blob(self, name: str) -> bytes | None:
        """What ``put_blob`` stored under ``name`` (another command's memo, such as lint's findings), if authentic."""
        try:
            with open(self.folder / name, "rb") as handle:
                mac, payload = handle.read(MAC_BYTES), handle.read()
        except OSError:
            return None
        if not hmac.compare_digest(mac, self._mac(name + ".b", payload)):
            return None
        self.used.add(name)
        return payload

    def put_blob(self, name: str, *chunks: bytes) -> None:
        """Store ``chunks`` (read back as one) under ``name`` (a keyed digest the caller makes with ``digest``),
        authenticated; in chunks, so a large memo is not copied to be joined."""
        mac = hmac.new(self._key, (name + ".b").encode() + b"\0", hashlib.sha256)
        for chunk in chunks:
            mac.update(chunk)
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            with open(self.folder / name, "wb") as handle:
                handle.write(mac.digest())
                for chunk in chunks:
                    handle.write(chunk)
        except (OSError, ValueError):
            return
        self.used.add(name)

    def prune(self, keep: int) -> None:
        """Drop other versions' folders, packs none of whose entries this run used, and memos not used in this run
        once they pile up; merge the packs that are left when they are many or mostly unused (``keep``: how many
        entries the register has)."""
        self.flush()
        try:
            for other in self.base.iterdir():
                if other.is_dir() and other != self.folder.parent and other.name.startswith("v"):
                    shutil.rmtree(other, ignore_errors=True)
            if not self.folder.is_dir():
                return
            self._entries()
            kept = {}
            for pack, names in self._packs.items():
                if self.used.isdisjoint(names):
                    pack.unlink(missing_ok=True)
                else:
                    kept[pack] = names
            new = [p for p in self.folder.glob(f"*{PACK}") if p not in self._packs]  # this run's: all used
            entries = sum(len(names) for names in kept.values())
            live = sum(name in self.used for names in kept.values() for name in names)
            if len(kept) + len(new) > MAX_PACKS or entries > 2 * live:
                self._merge(kept)
            blobs = [entry for entry in self.folder.iterdir() if entry.suffix != PACK and entry.is_file()]
            if entries + len(blobs) > keep + 100:
                for entry in blobs:
                    if entry.name not in self.used:
                        entry.unlink(missing_ok=True)
        except OSError:
            pass

    def _merge(self, packs: dict[Path, list[str]]) -> None:
        """The used entries of ``packs`` copied as they are (MACs and all) into one new pack; then the old go."""
        index = self._entries()
        copied: set[str] = set()
        for pack, names in packs.items():
            with open(pack, "rb") as handle:
                for name in names:
                    stored = index.get(name)
                    if name in copied or name not in self.used or stored is None or stored.pack != pack:
                        continue
                    handle.seek(stored.offset)
                    body = handle.read(stored.size)
                    self._write(name, stored.summary_mac, stored.summary, stored.data_mac, body)
                    copied.add(name)
        self.flush()
        for pack in packs:
            pack.unlink(missing_ok=True)


def _read_pack(pack: Path) -> Iterator[tuple[str, _Stored]]:
    """Each entry of a pack, as its header gives it (nothing is trusted yet); a pack cut short ends early."""
    with open(pack, "rb") as handle:
        end = os.fstat(handle.fileno()).st_size
        while True:
            header = handle.read(_HEADER.size)
            if len(header) < _HEADER.size:
                return
            name, summary_mac, data_mac, summary_size, data_size = _HEADER.unpack(header)
            offset = handle.tell() + summary_size
            if offset + data_size > end:
                return
            summary = handle.read(summary_size)
            handle.seek(data_size, os.SEEK_CUR)
            yield name.decode("ascii", "replace"), _Stored(pack, summary_mac, summary, data_mac, offset, data_size)


def _is_summary(value: Any) -> bool:
    if not (isinstance(value, dict) and value.keys() == SUMMARY_KEYS):
        return False
    counts_ok = all(type(value[k]) is int and value[k] >= 0 for k in ("risks", "measures", "no_factors"))
    return counts_ok and all(
        isinstance(value[k], dict) and all(
            type(kind) is str and isinstance(ids, list) and all(type(i) is str for i in ids)
            for kind, ids in value[k].items())
        for k in ("defines", "refers"))


def _is_items(value: Any) -> bool:
    return isinstance(value, dict) and all(
        type(path) is tuple and type(at) is tuple and len(at) == 2 and type(at[0]) is int and type(at[1]) is int
        for path, at in value.items())


_SCALARS = frozenset((str, int, float, bool, type(None)))


def _is_document(value: Any) -> bool:
    """Plain YAML values only: mappings with text keys, lists, text, numbers, booleans, null."""
    stack = [value]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is dict:
            if not all(type(k) is str for k in node):
                return False
            stack.extend(v for v in node.values() if type(v) not in _SCALARS)
        elif kind is list:
            stack.extend(v for v in node if type(v) not in _SCALARS)
        elif kind not in _SCALARS:
            return False
    return True


def key_for(root: Path) -> bytes | None:
    """This user's key, to authenticate what lz keeps about the register at ``root`` (its cache, its write
    journal); None when the cache folder lies inside the register's work tree (a pull request could put a key
    there) or no key can be had safely."""
    home = cache_home()
    if _inside(home, repository_root(root) or root):
        return None
    return secret_key(home)


# A file changed this recently is not trusted by its stat alone: a change within the same tick of the clock that
# stamps files could leave size and times as they were (git's "racily clean" files).
RACY_NS = 2_000_000_000


class StatIndex:
    """Which cache entry each department file had when it was last read, by what ``stat`` says of it (size,
    modification and change times, inode): a file whose stat is the same is not read again to find its entry
    (a county register's 78 MB read and hashed: a third of a warm run). The change time (ctime) cannot be set
    back by editors, copies or ``touch``; a file changed less than ``RACY_NS`` before it was read is read again
    next time. Kept as one authenticated blob per register and vocabulary."""

    def __init__(self, cache: FileCache, root: Path, vocabulary: str):
        self.cache, self.root = cache, root
        self.name = cache.digest("stat-index", vocabulary.encode())
        payload = cache.get_blob(self.name)
        try:
            files = marshal.loads(payload) if payload is not None else {}
        except (EOFError, ValueError, TypeError):
            files = {}
        self.files: dict[str, tuple] = files if isinstance(files, dict) else {}
        self.seen: dict[str, tuple | None] = {}  # each file's stat as taken by ``key`` (None: not a regular file)
        self.changed = False

    def key(self, rel: str) -> str | None:
        """The entry of the file as it was last read, if its stat says it has not changed since."""
        try:
            st = os.stat(self.root / rel)
        except OSError:
            self.seen[rel] = None
            return None
        if not stat.S_ISREG(st.st_mode):
            self.seen[rel] = None
            return None
        seen = self.seen[rel] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        known = self.files.get(rel)
        return known[5] if isinstance(known, tuple) and len(known) == 6 and known[:5] == seen and \
            isinstance(known[5], str) else None

    def note(self, rel: str, key: str) -> None:
        """``rel``, read after ``key(rel)`` took its stat, has the entry ``key``."""
        seen = self.seen.get(rel)
        if seen is None or time.time_ns() - max(seen[1], seen[2]) < RACY_NS:
            if self.files.pop(rel, None) is not None:
                self.changed = True
            return
        entry = (*seen, key)
        if self.files.get(rel) != entry:
            self.files[rel] = entry
            self.changed = True

    def save(self, rels: list[str]) -> None:
        """Keep the entries of ``rels`` (the register's files now) for the next run."""
        kept = {rel: self.files[rel] for rel in rels if rel in self.files}
        if self.changed or len(kept) != len(self.files):
            self.cache.put_blob(self.name, marshal.dumps(kept))
        else:
            self.cache.used.add(self.name)


def open_cache(root: Path, *, enabled: bool = True) -> FileCache | None:
    """The cache for the register at ``root``, unless disabled (``LZ_NO_CACHE=1``) or unsafe (``key_for``)."""
    if not enabled or os.environ.get("LZ_NO_CACHE"):
        return None
    key = key_for(root)
    return FileCache(cache_home(), key, root) if key is not None else None


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True
