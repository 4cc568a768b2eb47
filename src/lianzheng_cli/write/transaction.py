"""Replacing several files of a register as one: all new or all old, even when lz is killed half-way.

``replace_files`` (``lz grade --write``) works in four steps, holding a lock on the register folder:

1. every new text is written to a temporary file beside its target (``.<name>.<tx>.lz-tmp``) and synced;
2. the plan is recorded in ``<register>/.lz-journal`` (synced, authenticated with the user's key from
   ``load.cache``): from here on the change is decided, and a later run completes it;
3. each target is moved aside (``.<name>.<tx>.lz-orig``), its bytes compared with what was read (then no other
   program can save into the compared file: a save lands beside it and is kept), and the new file linked into
   its place only if nothing has appeared there meanwhile;
4. the moved-aside originals and the journal are removed.

A failure in step 3 puts back the files already replaced. If lz is killed, the next lz run in that register
(or ``lz recover``) finds the journal and completes the change where every target is still as lz left it, or
puts every file back when one was changed by someone else; temporary files nothing refers to are removed. A
journal that does not carry this user's authentication (committed to a repository, made elsewhere) is never
acted on, only reported.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lianzheng_cli.fileio import TEMP_SUFFIX
from lianzheng_cli.i18n import join_list, messages
from lianzheng_cli.load.cache import key_for
from lianzheng_cli.load.sources import DEPARTMENTS_DIR

tr = messages({
    "recover.completed": {
        "zh": "已完成上次被中断的写入：{files}",
        "en": "completed a write that was interrupted: {files}",
    },
    "recover.undone": {
        "zh": "已撤销上次被中断的写入（其中有文件在中断后被修改）：{files}",
        "en": "undid a write that was interrupted (a file was changed after it): {files}",
    },
    "recover.conflicts": {
        "zh": "上次被中断的写入涉及的文件已被其他程序修改，保持现状，请核对：{files}",
        "en": "files of an interrupted write were changed by another program and are left as they are; check: "
              "{files}",
    },
    "recover.kept": {
        "zh": "写入期间被其他程序修改的原文件保存在：{files}；请核对后合并",
        "en": "originals changed by another program during the write are kept in: {files}; check and merge them",
    },
    "recover.removed": {
        "zh": "已删除中断的写入留下的临时文件：{files}",
        "en": "removed temporary files an interrupted write left: {files}",
    },
    "recover.untrusted": {
        "zh": "{path} 不是本机 lz 写的写入记录（可能随仓库提交或来自他处），已忽略；确认无用后可删除",
        "en": "{path} is not a write journal of this user's lz (committed, or made elsewhere); ignored; delete it "
              "once you are sure",
    },
})

JOURNAL = ".lz-journal"
ORIGINAL_SUFFIX = ".lz-orig"
LOCK_WAIT_SECONDS = 10.0
# A file lz leaves beside a register file while replacing it: `.<name>.<tx>.lz-tmp` or `.lz-orig`.
_STRAY = re.compile(r"^\..+\.[0-9a-f]{8}\.lz-(?:tmp|orig)$")
# Hard links are the way to place a file only where none is; without them (some network or FAT file systems)
# a rename after a check does, with a window of microseconds.
_NO_LINKS = frozenset((errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS))


class Conflict(Exception):
    """A target changed (or vanished) since it was read; ``kind`` is ``changed`` or ``vanished``."""

    def __init__(self, rel: str, kind: str):
        super().__init__(rel, kind)
        self.rel, self.kind = rel, kind


class Busy(Exception):
    """Another lz holds the register's write lock."""


@dataclass
class Replacement:
    """One file to replace: ``target`` (the real file) now holds ``old`` and is to hold ``new``."""

    rel: str  # as the user knows it, for messages
    target: Path
    old: bytes
    new: bytes
    mode: int = 0o644
    uid: int = -1
    gid: int = -1
    temp: Path = field(init=False)
    aside: Path = field(init=False)

    def name(self, tx: str, suffix: str) -> Path:
        short = self.target.name.encode()[:100].decode("utf-8", errors="ignore")
        return self.target.with_name(f".{short}.{tx}{suffix}")


@dataclass
class Recovery:
    """What a look at the register for an interrupted write found and did."""

    completed: list[str] = field(default_factory=list)
    undone: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # stray temporary files
    untrusted: Path | None = None  # a journal lz did not write for this user: left alone
    kept: list[str] = field(default_factory=list)  # originals saved into while lz replaced them, kept


    def notes(self) -> list[str]:
        """What was found and done, one sentence each, in the user's language."""
        out = []
        for key, items in (("recover.completed", self.completed), ("recover.undone", self.undone),
                           ("recover.conflicts", self.conflicts), ("recover.kept", self.kept),
                           ("recover.removed", self.removed)):
            if items:
                out.append(tr(key, files=join_list(items)))
        if self.untrusted is not None:
            out.append(tr("recover.untrusted", path=self.untrusted))
        return out


@contextlib.contextmanager
def register_lock(root: Path, *, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """The register's write lock (an exclusive ``flock`` on its folder); ``Busy`` if not had within ``wait``."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): one writer is assumed
        yield
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy() from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def replace_files(root: Path, plans: list[Replacement]) -> list[str]:
    """Replace every planned file, or none (see the module). Raises ``Conflict`` when a target changed since it
    was read, ``OSError`` when a file cannot be written, ``Busy`` when another lz is writing; in each case no
    file is changed. Returns the originals saved into during the swap (kept beside their file), usually none."""
    with register_lock(root):
        tx = secrets.token_hex(4)
        try:
            for plan in plans:
                plan.temp, plan.aside = plan.name(tx, TEMP_SUFFIX), plan.name(tx, ORIGINAL_SUFFIX)
                _write_new(plan.temp, plan.new, plan)
            _write_journal(root, tx, plans)
        except BaseException:
            for plan in plans:
                _remove(getattr(plan, "temp", None))
            _remove(root / JOURNAL)
            raise
        done: list[Replacement] = []
        try:
            for plan in plans:
                _swap(plan)
                done.append(plan)
        except BaseException:
            _undo(done)
            for plan in plans:
                _remove(plan.temp)
            _remove(root / JOURNAL)
            raise
        return _finish(root, plans)


def _write_new(path: Path, data: bytes, plan: Replacement) -> None:
    """``data`` in a new file at ``path``, synced, with the mode (and owner, where allowed) of the target."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with open(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(path, plan.mode)
        if hasattr(os, "chown") and plan.uid >= 0 and (plan.uid, plan.gid) != (os.getuid(), os.getgid()):
            with contextlib.suppress(OSError):  # only root may give a file away; the content is what matters
                os.chown(path, plan.uid, plan.gid)
    except BaseException:
        _remove(path)
        raise


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _journal_mac(key: bytes, body: bytes) -> str:
    return hmac.new(key, b"lz-journal\0" + body, hashlib.sha256).hexdigest()


def _write_journal(root: Path, tx: str, plans: list[Replacement]) -> None:
    """The plan, synced and then renamed into place: the point from which the change is decided."""
    entries = [{"rel": p.rel, "target": str(p.target), "temp": str(p.temp), "aside": str(p.aside),
                "old": _digest(p.old), "new": _digest(p.new)} for p in plans]
    body = json.dumps({"version": 1, "tx": tx, "entries": entries}, ensure_ascii=False).encode()
    key = key_for(root)
    mac = _journal_mac(key, body) if key is not None else ""
    temp = root / f"{JOURNAL}.{tx}{TEMP_SUFFIX}"
    _write_new(temp, body + b"\n" + mac.encode() + b"\n", Replacement("", temp, b"", b"", mode=0o600))
    os.replace(temp, root / JOURNAL)
    for folder in {root, *(p.target.parent for p in plans)}:
        _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every system syncs a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _swap(plan: Replacement) -> None:
    """Move the target aside, check it is what was read, and link the new file into its place."""
    try:
        os.rename(plan.target, plan.aside)
    except FileNotFoundError:
        raise Conflict(plan.rel, "vanished") from None
    if _read(plan.aside) != plan.old:  # saved by another program since lz read it: put it back, change nothing
        _put_back(plan)
        raise Conflict(plan.rel, "changed")
    try:
        _place(plan.temp, plan.target)
    except FileExistsError:  # saved anew at its name while it stood aside: that file stays
        _remove(plan.aside)
        raise Conflict(plan.rel, "changed") from None
    except BaseException:
        _put_back(plan)
        raise


def _put_back(plan: Replacement) -> None:
    """The original, moved aside, back at its name (unless a file was saved there meanwhile)."""
    try:
        _place(plan.aside, plan.target)
    except FileExistsError:
        pass
    except OSError:
        if not os.path.lexists(plan.target):
            os.rename(plan.aside, plan.target)


def _place(source: Path, target: Path) -> None:
    """``source`` at ``target`` only if nothing is there (``FileExistsError`` otherwise); ``source`` is gone."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.rename(source, target)
        return
    _remove(source)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _remove(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _undo(done: list[Replacement]) -> list[str]:
    """Put back the originals of files already replaced (newest first); the ones that could not be."""
    failed = []
    for plan in reversed(done):
        try:
            if _read(plan.target) != plan.new:
                raise Conflict(plan.rel, "changed")
            os.replace(plan.aside, plan.target)
        except (OSError, Conflict):
            failed.append(plan.rel)
    return failed


def _finish(root: Path, plans: list[Replacement]) -> list[str]:
    """Drop the originals moved aside (one saved into while aside is kept) and the journal."""
    kept = []
    for plan in plans:
        if _read(plan.aside) == plan.old:
            _remove(plan.aside)
        elif plan.aside.exists():
            kept.append(str(plan.aside))
    _remove(root / JOURNAL)
    _sync_folder(root)
    return kept


# --- after a crash ------------------------------------------------------------------------------


def recover(root: Path, *, wait: float = 0.0) -> Recovery:
    """Complete or undo a write that was interrupted, and remove stray temporary files (see the module).

    Does nothing while another lz holds the write lock (``wait`` seconds at most).
    """
    found = Recovery()
    journal = root / JOURNAL
    if not journal.exists() and not any(_strays(root)):
        return found
    try:
        with register_lock(root, wait=wait):
            if journal.exists():
                entries = _trusted_entries(journal, key_for(root))
                if entries is None:
                    found.untrusted = journal
                    return found
                _roll(entries, found)
                _remove(journal)
            for stray in _strays(root):
                _remove(stray)
                found.removed.append(stray.name)
    except (Busy, OSError):
        pass
    return found


def _strays(root: Path) -> Iterator[Path]:
    for folder in (root, root / DEPARTMENTS_DIR):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if (name.startswith(".") and _STRAY.match(name)) or name.startswith(f"{JOURNAL}."):
                yield folder / name


def _trusted_entries(journal: Path, key: bytes | None) -> list[dict] | None:
    """The journal's entries if this user's lz wrote it (its HMAC checks out), else None."""
    try:
        raw = journal.read_bytes()
        body, _, mac = raw.rstrip(b"\n").rpartition(b"\n")
        if key is None or not hmac.compare_digest(mac.decode("ascii"), _journal_mac(key, body)):
            return None
        data = json.loads(body)
        entries = data["entries"]
        if not all(isinstance(e, dict) and all(isinstance(e.get(k), str) for k in
                                               ("rel", "target", "temp", "aside", "old", "new")) for e in entries):
            return None
        return entries
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def _state(entry: dict) -> str:
    """Where one file of an interrupted write stands: done, to do, or changed by someone else."""
    target, temp, aside = (Path(entry[k]) for k in ("target", "temp", "aside"))
    now = _read(target)
    if now is not None and _digest(now) == entry["new"]:
        return "done"
    new_ready = (data := _read(temp)) is not None and _digest(data) == entry["new"]
    if now is not None and _digest(now) == entry["old"] and new_ready:
        return "todo"
    old_aside = (data := _read(aside)) is not None and _digest(data) == entry["old"]
    if now is None and not os.path.lexists(target) and old_aside and new_ready:
        return "todo"
    return "conflict"


def _roll(entries: list[dict], found: Recovery) -> None:
    """Complete every file of the journal, or, if one was changed by someone else, put back the others."""
    states = [_state(e) for e in entries]
    forward = "conflict" not in states
    for entry, state in zip(entries, states, strict=True):
        target, temp, aside = (Path(entry[k]) for k in ("target", "temp", "aside"))
        if forward and state == "todo":
            if os.path.lexists(target):
                os.rename(target, aside)
            _place(temp, target)
            found.completed.append(entry["rel"])
        elif forward and state == "done":
            found.completed.append(entry["rel"])
        elif state == "done":  # undo: the original is beside it
            data = _read(aside)
            if data is not None and _digest(data) == entry["old"]:
                os.replace(aside, target)
                found.undone.append(entry["rel"])
            else:
                found.conflicts.append(entry["rel"])
        elif state == "todo":
            if not os.path.lexists(target):
                _place(aside, target)
            found.undone.append(entry["rel"])
        else:
            found.conflicts.append(entry["rel"])
        _remove(temp)  # the new text, which lz can write again
        now = _read(target)
        if os.path.lexists(aside):  # the original: dropped only once the file holds the old or the new text
            if now is not None and _digest(now) in (entry["old"], entry["new"]):
                _remove(aside)
            else:
                found.kept.append(str(aside))
