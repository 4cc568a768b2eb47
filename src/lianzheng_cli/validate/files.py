"""Finding a register and loading its files: load + schema + summary, per file.

Each file is checked on its own (``check_file``), which is what lets the work
run on every core and be cached per file; cross-file checks come after, on the
files' summaries (``references``). On a county-sized register the parse is
most of the time: files are shared between the main process and forked
workers, and a worker sends back only summaries and findings (and values,
marshalled, when the caller needs the model).
"""

from __future__ import annotations

import errno
import gc
import marshal
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.forking import ForkedStream, can_fork
from lianzheng_cli.i18n import tr
from lianzheng_cli.load.cache import FileCache, StatIndex
from lianzheng_cli.load.parse import Positions, decode, load, positions_of, shared_paths
from lianzheng_cli.load.positions import Locator
from lianzheng_cli.load.sources import ORG_FILE, DirectorySource, NotARegularFile, Source
from lianzheng_cli.model.cycle import APPROVALS_FILE, ASSESSMENTS_FILE
from lianzheng_cli.validate import schema
from lianzheng_cli.validate.references import Summary, local_checks, salvage_definitions, summarize
from lianzheng_cli.vocab import BUILTIN, Vocabulary

RECORD_KINDS = {APPROVALS_FILE: "approvals", ASSESSMENTS_FILE: "assessments"}

# What a department file's values become once checked: (file, values, vocabulary) -> its model.
Build = Callable[[str, Any, Vocabulary], Any]

# Below this much YAML a worker's start-up costs more than it saves.
PARALLEL_MIN_BYTES = 2_000_000
# Building a file's model (and unpacking a worker's values for it) costs about this share of parsing it (county
# register: 1.5 s against 9.5 s of parsing).
BUILD_COST = 0.15


def kind_of(rel: str) -> str:
    """The schema a file is checked by: org.yaml, the yearly cycle's record files by name, else a department."""
    if rel == ORG_FILE:
        return "org"
    return RECORD_KINDS.get(rel, "department")


@dataclass(slots=True)
class FileResult:
    """One file as checked on its own."""

    rel: str
    data: Any  # the file's values; None if it could not be loaded or was not kept
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: Summary | None = None  # department files that loaded
    key: str = ""  # content digest, for the cache
    items: dict | None = None  # where list items start: path -> (line, column); kept with the values
    salvaged: list[str] | None = None  # a department file that did not load: the ids it seems to define
    vocabulary: Vocabulary | None = None  # org.yaml: the register's vocabulary, which its departments are checked by
    built: Any = None  # a department file's model (``read_register``'s ``build``), made in place of its values

    @property
    def clean(self) -> bool:
        return not self.diagnostics


def file_key(cache: FileCache, rel: str, raw: bytes, vocabulary: Vocabulary = BUILTIN) -> str:
    """A department file's entry name in ``cache``: its name and content, and the register's vocabulary when it
    has additions (a file valid with one vocabulary may not be with another)."""
    return cache.digest(rel if vocabulary.builtin else f"{rel}\0{vocabulary.fingerprint}", raw)


def check_file(raw: bytes, rel: str, vocabulary: Vocabulary = BUILTIN) -> FileResult:
    """Load one file, check it against its schema and within itself, and summarise it.

    A department file is checked against the schema of ``vocabulary`` (its register's); org.yaml against the
    schema of its own vocabulary, which the result carries. Where its list items start is recorded too (a few
    percent of the parse), to locate findings later.
    """
    items: dict = {}
    loaded = load(raw, rel, items=items)
    result = FileResult(rel, loaded.data, loaded.diagnostics, items=items)
    if loaded.data is None:
        if kind_of(rel) == "department":
            result.salvaged = salvage_definitions(raw, rel)
        return result
    positions: Positions | None = None

    def locate(path: tuple, key: bool) -> tuple[int, int]:
        nonlocal positions
        if positions is None:
            positions = positions_of(decode(raw, rel)[0] or "")
        return positions.find(path, key=key)

    kind = kind_of(rel)
    if kind == "org":
        vocabulary = result.vocabulary = Vocabulary.from_org(loaded.data)
    result.diagnostics.extend(schema.check(kind, loaded.data, rel, locate, vocabulary))
    if kind == "department":
        result.diagnostics.extend(local_checks(rel, loaded.data, locate))
        result.summary = summarize(loaded.data)
    return result


@dataclass
class RegisterFiles:
    """A register's files as checked: org first, then departments."""

    root: Path
    org: FileResult
    departments: list[FileResult] = field(default_factory=list)

    @property
    def all(self) -> list[FileResult]:
        return [self.org, *self.departments]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for f in self.all for d in f.diagnostics]


def read_register(root: Path, source: Source | None = None, *, keep_data: bool = True,
                  cache: FileCache | None = None, jobs: int | None = None,
                  progress: Callable[[int], None] | None = None, build: Build | None = None) -> RegisterFiles:
    """Check every file of the register at ``root`` (or from ``source``).

    ``keep_data=False`` keeps only summaries (enough for ``validate``);
    ``progress`` is called with the number of files done as they finish;
    ``build(rel, values, vocabulary)`` makes each department file without errors into its model as soon as it
    is checked (``FileResult.built``), and its values go: they never all live at once.
    """
    source = source or DirectorySource(root)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of small objects that all live to the end: collection only costs
    try:
        unreadable: dict[str, Diagnostic] = {}
        org = _read_and_check(source, ORG_FILE, unreadable)
        vocabulary = org.vocabulary or BUILTIN
        rels = source.department_files()
        raws: list[bytes] = []  # each file's bytes, read as it comes (those of a cached file go at once)
        results: list[FileResult] = []  # one per file, in order: results[i] is rels[i]'s
        todo: list[int] = []
        stats = StatIndex(cache, source.root, vocabulary.fingerprint) if cache is not None and \
            isinstance(source, DirectorySource) else None
        for i, rel in enumerate(rels):
            known = stats.key(rel) if stats is not None else None  # unchanged since it was last read: not read again
            hit = cache.get(known, with_data=keep_data) if cache is not None and known is not None else None
            key, raw = known or "", b""
            if hit is None:
                raw = _read(source, rel, unreadable)
                if rel in unreadable:
                    raws.append(raw)
                    results.append(FileResult(rel, None, [unreadable[rel]], salvaged=salvage_definitions(b"", rel)))
                    continue
                key = file_key(cache, rel, raw, vocabulary) if cache is not None else ""
                if stats is not None:
                    stats.note(rel, key)
                hit = cache.get(key, with_data=keep_data) if cache is not None else None
            if hit is None:
                todo.append(i)
                raws.append(raw)
                results.append(FileResult(rel, None, key=key))
            else:  # not parsed: its bytes go at once
                raws.append(b"")
                results.append(_settle(FileResult(rel, hit.data, [], hit.summary, key, hit.items), build, vocabulary))
        if progress:
            progress(len(rels) - len(todo))
        jobs = jobs or os.cpu_count() or 1
        total = sum(len(raws[i]) for i in todo)
        keys = [r.key for r in results]
        if jobs > 1 and can_fork() and total >= PARALLEL_MIN_BYTES and source.parallel_safe:
            checked = _check_parallel(rels, raws, keys, todo, jobs, keep_data, cache, progress, vocabulary, build)
        else:
            checked = _check_here(todo, rels, raws, keys, keep_data, cache, progress, vocabulary, build)
        for i, result in checked.items():  # without their values unless kept (_check_here, _check_share)
            results[i] = result
        if stats is not None:
            stats.save(rels)
        if cache is not None:
            cache.prune(keep=len(rels))
    finally:
        if gc_was_enabled:
            gc.freeze()  # what was loaded stays; later collections need not walk it
            gc.enable()
    return RegisterFiles(root, org, results)


def _read(source: Source, rel: str, unreadable: dict[str, Diagnostic]) -> bytes:
    """The file's bytes; a file that cannot be read is recorded as LZ009 (exit 1), never an internal error."""
    try:
        return source.read(rel)
    except OSError as exc:
        unreadable[rel] = Diagnostic("LZ009", Severity.ERROR, rel, 1, 1, tr("LZ009", reason=_reason(exc)))
        return b""


def _read_and_check(source: Source, rel: str, unreadable: dict[str, Diagnostic]) -> FileResult:
    raw = _read(source, rel, unreadable)
    return FileResult(rel, None, [unreadable[rel]]) if rel in unreadable else check_file(raw, rel)


def _reason(exc: OSError) -> str:
    if isinstance(exc, NotARegularFile):
        return tr("LZ009.special")
    key = {errno.EACCES: "LZ009.permission", errno.EPERM: "LZ009.permission", errno.EISDIR: "LZ009.folder",
           errno.ENOENT: "LZ009.missing", errno.ELOOP: "LZ009.loop"}.get(exc.errno or 0)
    return tr(key) if key else (exc.strerror or type(exc).__name__)


def _check_and_store(raw: bytes, rel: str, key: str, cache: FileCache | None,
                     progress: Callable[[int], None] | None, vocabulary: Vocabulary = BUILTIN, *,
                     marshalled: bool = False) -> FileResult:
    """``marshalled``: the values are wanted as bytes (a worker sends them so); made once, for the cache too, and
    kept in ``result.data``."""
    result = check_file(raw, rel, vocabulary)
    result.key = key
    body = marshal.dumps((result.data, result.items)) if marshalled and result.data is not None else None
    if cache is not None and result.clean and result.summary is not None:
        cache.put(key, result.summary, result.data, result.items, body=body)
    if body is not None:
        result.data = body
    if progress:
        progress(1)
    return result


def _check_here(share: list[int], rels: list[str], raws: list[bytes], keys: list[str], keep_data: bool,
                cache: FileCache | None, progress: Callable[[int], None] | None, vocabulary: Vocabulary,
                build: Build | None) -> dict[int, FileResult]:
    """Check files in this process; each file's bytes (a county's are 78 MB), and its values when they are not
    kept, go as soon as it is checked."""
    checked = {}
    for i in share:
        result = _check_and_store(raws[i], rels[i], keys[i], cache, progress, vocabulary)
        raws[i] = b""
        if not keep_data:
            result.data = result.items = None
        checked[i] = _settle(result, build, vocabulary)
    return checked


def _settle(result: FileResult, build: Build | None, vocabulary: Vocabulary) -> FileResult:
    """``result`` with its model in place of its values, when they passed the file's checks and it is wanted."""
    if build is None or result.data is None or any(d.severity is Severity.ERROR for d in result.diagnostics):
        return result
    try:
        result.built = build(result.rel, result.data, vocabulary)
    except Exception:  # the values stay: the model is built from them later, if wanted, and fails there
        return result
    result.data = None
    if result.items:
        result.items = shared_paths(result.items)  # kept with the model
    return result


def _check_parallel(rels, raws, keys, todo, jobs, keep_data, cache, progress, vocabulary,
                    build) -> dict[int, FileResult]:
    """Split the files by size between this process and ``jobs - 1`` forked workers. The workers' results are
    taken as they come, between this process's own files; when models are built, this process builds every
    file's (the workers' from their values): it parses a smaller share."""
    shares: list[list[int]] = [[] for _ in range(jobs)]
    loads = [0] * jobs
    if build is not None:
        loads[0] = int(BUILD_COST * sum(len(raws[i]) for i in todo))
    # The largest file is this process's: a worker's values of it would be unpacked after the worker ends (one
    # 50 MB file: its whole build waiting behind its parse).
    for n, i in enumerate(sorted(todo, key=lambda i: -len(raws[i]))):
        j = 0 if n == 0 else loads.index(min(loads))
        shares[j].append(i)
        loads[j] += len(raws[i])
    worker_shares = [share for share in shares[1:] if share]
    workers = [ForkedStream(_check_share, rels, raws, keys, share, keep_data, cache, vocabulary)
               for share in worker_shares]
    checked: dict[int, FileResult] = {}

    def take(worker: ForkedStream, *, wait: bool) -> None:
        for (i, diagnostics, summary, salvaged), payload in worker.take(wait=wait):
            raws[i] = b""  # checked: the bytes can go
            data, items = marshal.loads(payload) if payload is not None else (None, None)
            checked[i] = _settle(FileResult(rels[i], data, diagnostics, summary, keys[i], items, salvaged), build,
                                 vocabulary)
            if cache is not None and not diagnostics:
                cache.used.add(keys[i])  # the worker stored it
            if progress:
                progress(1)

    for i in shares[0]:
        checked.update(_check_here([i], rels, raws, keys, keep_data, cache, progress, vocabulary, build))
        for worker in workers:
            take(worker, wait=False)
    for worker, share in zip(workers, worker_shares, strict=True):
        while not worker.done:
            take(worker, wait=True)
        if worker.died:  # what it did not send is done here: slower, never wrong
            rest = [i for i in share if i not in checked]
            checked.update(_check_here(rest, rels, raws, keys, keep_data, cache, progress, vocabulary, build))
    return checked


def _check_share(rels, raws, keys, share, keep_data, cache, vocabulary) -> Iterator[tuple[tuple, bytes | None]]:
    """In a worker: check a share of the files, store clean ones in the cache, and give each file's findings and
    summary (and its values, marshalled, only when the caller needs the model)."""
    for i in share:
        result = _check_and_store(raws[i], rels[i], keys[i], cache, None, vocabulary, marshalled=keep_data)
        yield (i, result.diagnostics, result.summary, result.salvaged), result.data if keep_data else None
    if cache is not None:
        cache.flush()  # this worker's pack


class RegisterLocator(Locator):
    """Positions in the files of the register at ``root`` (or of ``source``, or as ``read`` gives them)."""

    def __init__(self, root: Path, source: Source | None = None, *, read: Callable[[str], bytes] | None = None):
        super().__init__(read or (source or DirectorySource(root)).read)
