"""Lint only what changed since the last run: ``lz lint`` after one department file changed.

A full run keeps a memo in lz's cache (``load.cache``, never in the register): for each file, its content key,
its summary (the ids it defines and refers to), the department rules' findings in it, the register-wide rules'
findings in it and its parts of them (``catalogue.Across``), and its located diagnostics. The next run with the
same inputs (org.yaml, as-of date, rule selection, language) takes the files that changed, ``S``, and works out
whose findings may have changed with them:

- A department rule's finding about an object reads what the object refers to (a risk's posts, their powers,
  a measure's owner, transitively for grading; a process counts its powers, which name it, as its own) and the
  risks that refer to it (a post's or process's risks, and
  whose grade makes a post 高). So a change in ``S`` can change the findings of every file that refers to ``S``,
  directly or through others (``A``), and of the files whose posts or processes the risks of ``A`` name.
- To compute those files' findings, lz builds the model of them, of what they refer to (transitively), of the
  files whose risks name their posts or processes, and of the files that org.yaml names (head, inspection).

A change in a file org.yaml names, a monitoring role that stands for a group (领导班子, 党组织), or more than half
the files to look at again, and the run is a full one. The register-wide rules reduce every file's part, fresh
for the files looked at again, kept for the others. A file whose findings are all as before keeps its located
diagnostics; the others are located again.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

from lianzheng_cli import __version__
from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.forking import Forked, can_fork
from lianzheng_cli.i18n import current_language
from lianzheng_cli.lint.catalogue import ORG_FILE, RULES, Context, Finding
from lianzheng_cli.lint.dates import default_as_of
from lianzheng_cli.lint.engine import (
    BAD_CONFIG,
    HEAVY_RULES,
    Found,
    LintConfig,
    LintRun,
    Locating,
    active_rules,
    check_config,
    run_lint,
)
from lianzheng_cli.load.cache import FileCache, open_cache
from lianzheng_cli.model.grading import LEADERSHIP, PARTY
from lianzheng_cli.model.records import At, Register, build_register
from lianzheng_cli.validate.files import FileResult
from lianzheng_cli.validate.register import Validation, validate

MEMO_FORMAT = 2  # 2: LZ502's parts carry the descriptions' signatures
# Reference kinds through which a file's findings depend on the files that refer to it: a post's risks (LZ103,
# and 高 posts for rotation), a process's risks (LZ104).
REVERSE_KINDS = frozenset({"post", "process", "step"})
MAX_SHARE = 0.5  # above this share of files to build, a full run is as quick

R = TypeVar("R")
Raw = tuple[str, tuple, str, str, str | None]  # a finding as kept: (code, path, subject, message, field)
Located = tuple[str, str, str, int, int, str, str]  # a Diagnostic as kept


@dataclass(slots=True)
class FileMemo:
    """What a run found in one file (see the module's text)."""

    key: str
    summary: bytes  # marshalled: read back only for a file that changed
    local: list[Raw]
    across: list[Raw]
    parts: dict[str, bytes]  # rule code -> this file's part, marshalled
    located: list[Located]
    # The texts of the measures the register-wide rules reported here ((risk, measure) indexes -> text): their
    # messages quote them, and a warm run builds only the neighbourhood (``Context.measure_text``).
    quoted: dict[tuple[int, int], str]

    def as_value(self) -> tuple:
        return (self.key, self.summary, self.local, self.across, self.parts, self.located, self.quoted)


class Incremental(Generic[R]):
    """A command's run that re-uses its last run's memo (one per register and ``kind``) where the inputs allow:
    ``_warm`` works from the neighbourhood of what changed, ``_full`` from the whole model and keeps a new memo.

    Use: ``job = IncrementalLint(root, …)``; validate with ``model=job.needs_model``; ``job.run(validation)``.
    """

    kind = ""

    def __init__(self, root: Path, inputs: bytes, *, use_cache: bool):
        self.root, self.inputs = root, inputs
        self.cache = open_cache(root, enabled=use_cache)
        self.memo = load_memo(self.cache, self.kind, inputs) if self.cache is not None else None
        self.how = "full"  # or "warm", "unchanged": what the last run did (tests read it)
        self.built: set[str] = set()  # the department files a warm run built the model of
        self.again: set[str] = set()  # and those whose results it worked out again

    @property
    def needs_model(self) -> bool:
        """Whether validation should build the whole model (no memo: a full run)."""
        return self.memo is None

    def run(self, validation: Validation) -> R:
        """The command's result for the register ``validation`` checked (with or without its model)."""
        if validation.register is None and not validation.errors and self.memo is not None:
            try:
                found = self._warm(validation)
            except _Unavailable:
                found = None
            if found is not None:
                return found
            validation = validate(self.root, model=True)  # the whole model after all (its files are cached)
        self.how = "full"
        return self._full(validation)

    def _warm(self, validation: Validation) -> R | None:
        raise NotImplementedError

    def _full(self, validation: Validation) -> R:
        raise NotImplementedError

    def neighbourhood(self, validation: Validation, *, risks_naming: bool) -> Neighbourhood | None:
        """``find_neighbourhood`` of what changed since the memo (kept values start with a file's key, summary)."""
        assert self.memo is not None and self.cache is not None
        place = find_neighbourhood(validation, self.cache, {rel: (v[0], v[1]) for rel, v in self.memo.items()},
                                   risks_naming=risks_naming)
        if place is not None:
            self.built, self.again = place.built, place.again
        return place

    def store(self, files: dict[str, tuple]) -> None:
        if self.cache is not None:
            store_memo(self.cache, self.kind, self.inputs, files)


class IncrementalLint(Incremental[list[Diagnostic]]):
    """``lint`` of the register at ``root``, re-using the last run's memo where the inputs allow."""

    kind = "lint"

    def __init__(self, root: Path, *, as_of: date | None = None, select: Iterable[str] = (),
                 ignore: Iterable[str] = (), use_cache: bool = True):
        self.as_of, self.select, self.ignore = as_of, list(select), list(ignore)
        super().__init__(root, _inputs(root, as_of, self.select, self.ignore), use_cache=use_cache)
        try:
            self.files = {rel: FileMemo(*value) for rel, value in (self.memo or {}).items()}
        except TypeError:  # a memo of another shape is no memo
            self.memo, self.files = None, {}

    def _full(self, validation: Validation) -> list[Diagnostic]:
        """Every lint finding of the register ``validation`` found clean, sorted."""
        if validation.register is None:
            return []  # lint only a register that validates (the caller reports why it does not)
        run = run_lint(validation.register, as_of=self.as_of, select=self.select, ignore=self.ignore,
                       keep_parts=self.cache is not None)
        if all(parts is not None for parts in run.parts.values()):
            self.store({rel: memo.as_value() for rel, memo in _memo_of(run, validation).items()})
        return run.diagnostics

    # --- a warm run --------------------------------------------------------------------------------------------

    def _warm(self, validation: Validation) -> list[Diagnostic] | None:
        memo, cache = self.files, self.cache
        place = self.neighbourhood(validation, risks_naming=True)
        if place is None or cache is None:
            return None
        if place.unchanged:
            self.how = "unchanged"
            return sorted((_diagnostic(d) for m in memo.values() for d in m.located), key=lambda d: d.sort_key)
        register, again = place.register, place.again
        self.how = "warm"
        current = {f.rel: f for f in validation.files.departments}
        keys = {rel: f.key for rel, f in current.items()}
        config = LintConfig.from_org(register.org)
        active = active_rules(select=self.select, ignore=self.ignore, config=config)
        ctx = _Neighbourhood(register, self.as_of or default_as_of(register.org.year), cache, keys,
                             {rel: m.quoted for rel, m in memo.items() if rel not in place.changed})
        local: dict[str, Found] = {}

        def department_rules() -> None:
            for code in active:
                check = RULES[code].check
                for finding in check(ctx) if check else ():
                    if finding.at.file in again:  # the neighbourhood's other files may lack what they refer to
                        local.setdefault(finding.at.file, []).append((code, finding))
            if BAD_CONFIG in active:
                local[ORG_FILE] = [(BAD_CONFIG, f) for f in check_config(config)]

        across, parts = _across(ctx, active, place, memo, department_rules)
        fresh = self._located(ctx, active, place, current, local, across, parts)
        self.store({rel: m.as_value() for rel, m in fresh.items()})
        return sorted((_diagnostic(d) for m in fresh.values() for d in m.located), key=lambda d: d.sort_key)

    def _located(self, ctx: _Neighbourhood, active: dict[str, Severity], place: Neighbourhood,
                 current: dict[str, FileResult], local: dict[str, Found], across: dict[str, Found],
                 parts: dict[str, dict[str, bytes]]) -> dict[str, FileMemo]:
        """Each file's memo for the next run: its findings located again where they changed, else as they were."""
        memo, cache = self.files, self.cache
        assert cache is not None
        locating = Locating(self.root, active, place.register.item_positions)
        fresh: dict[str, FileMemo] = {}
        for rel in [ORG_FILE, *place.order]:
            old = memo.get(rel)
            key = current[rel].key if rel in current else old.key if old else ""
            again = rel in place.again or rel == ORG_FILE
            raw_local = _raws(local.get(rel, [])) if again else (old.local if old else [])
            raw_across = _raws(across.get(rel, []))
            if old is not None and not again and old.across == raw_across:
                located = old.located
            else:
                if rel not in locating.items and rel in current:
                    entry = cache.get(key, with_data=True)  # a file located again without being built
                    if entry is not None and entry.items:
                        locating.items[rel] = entry.items
                for code, finding in [*_findings(rel, raw_local), *across.get(rel, [])]:
                    locating.add(code, finding)
                located = [_located(d) for d in locating.finish(rel)]
            summary = old.summary if old is not None and old.key == key else marshal.dumps(
                current[rel].summary if rel in current else None)
            fresh[rel] = FileMemo(key, summary, raw_local, raw_across, parts.get(rel, {}), located,
                                  _quoted(ctx, rel, raw_across))
        return fresh


def _across(ctx: Context, active: dict[str, Severity], place: Neighbourhood, memo: dict[str, FileMemo],
            meanwhile: Callable[[], None]) -> tuple[dict[str, Found], dict[str, dict[str, bytes]]]:
    """The register-wide rules' findings by file, from fresh parts of the files looked at again and the memo's
    parts of the others; and every file's parts, for the next run. ``meanwhile`` runs while a worker does the
    copy search."""
    kept: dict[str, dict[str, bytes]] = {rel: {} for rel in place.order}
    departments = {dept.file: dept for dept in place.register.departments}
    codes = [code for code in active if RULES[code].across is not None]
    # The copy search reads every text of the register: its parts first, then a worker searches while this
    # process does the rest.
    heavy = [code for code in codes if code in HEAVY_RULES]
    parts: dict[str, list[tuple[str, Any]]] = {}
    worker = None
    for code in [*heavy, *(code for code in codes if code not in heavy)]:
        way = RULES[code].across
        assert way is not None
        parts[code] = []
        for rel in place.order:
            if rel in place.again:
                part = way.collect(ctx, departments[rel])
                kept[rel][code] = marshal.dumps(part)
            else:
                kept[rel][code] = memo[rel].parts[code]
                part = marshal.loads(kept[rel][code])
            parts[code].append((rel, part))
        if heavy and code == heavy[-1] and len(place.order) > 1 and can_fork():
            worker = Forked(_reduce, ctx, parts, heavy)
    meanwhile()
    found = _reduce(ctx, parts, [code for code in codes if worker is None or code not in heavy])
    if worker is not None:
        found += worker.result()
    by_file: dict[str, Found] = {}
    for code, finding in found:
        by_file.setdefault(finding.at.file, []).append((code, finding))
    return by_file, kept


@dataclass(slots=True)
class Neighbourhood:
    """What a warm run looks at again: the files that changed, those whose results may differ with them
    (``again``), and the model of what those need (``built``, ``register``)."""

    order: list[str]  # every department file, in the register's order
    changed: set[str]
    again: set[str]
    built: set[str]
    register: Register  # of ``built`` (and org.yaml)
    unchanged: bool = False  # nothing changed: the memo's results stand as they are


def find_neighbourhood(validation: Validation, cache: FileCache, memo: dict[str, tuple[str, bytes]], *,
                       risks_naming: bool) -> Neighbourhood | None:
    """The neighbourhood of what changed since a memo (``rel -> (key, summary marshalled)``); None when a full
    run is needed. ``risks_naming``: results about a post or process depend on the risks that name it (lint's;
    grading reads only what a risk refers to)."""
    current = {f.rel: f for f in validation.files.departments}
    org_doc = validation.files.org.data
    if not isinstance(org_doc, dict) or any(f.summary is None for f in current.values()):
        return None
    order = list(current)
    changed = {rel for rel, f in current.items() if rel not in memo or memo[rel][0] != f.key}
    changed |= memo.keys() - current.keys() - {ORG_FILE}
    if not changed:
        return Neighbourhood(order, changed, set(), set(), build_register(validation.root, org_doc, []), True)
    graph = _Graph({rel: f.summary for rel, f in current.items() if f.summary is not None},
                   {rel: old for rel in changed if rel in memo and (old := marshal.loads(memo[rel][1]))})
    # What org.yaml names (head, inspection, party) and what those refer to (the inspection's leader, whose name
    # every 高 risk's monitors show): a change there is a change for every file.
    hubs = graph.forward_closure({rel for ident in _strings(org_doc) for rel in graph.definers.get(ident, ())})
    if changed & hubs:
        return None
    if risks_naming:
        again = graph.affected(changed) & current.keys()
        built = graph.forward_closure(again | graph.named_by_risks_of(again | hubs) | hubs)
    else:
        again = graph.referring(changed) & current.keys()
        built = graph.forward_closure(again | hubs)
    if len(built) > MAX_SHARE * len(current):
        return None
    entries = {rel: cache.get(current[rel].key, with_data=True) for rel in order if rel in built}
    if any(entry is None for entry in entries.values()):
        return None
    register = build_register(validation.root, org_doc, [(rel, e.data) for rel, e in entries.items() if e],
                              {rel: e.items for rel, e in entries.items() if e and e.items})
    if any(role in (LEADERSHIP, PARTY) for roles in register.org.monitoring.values() for role in roles):
        return None  # a group role's monitors are every leadership department's people: no neighbourhood
    return Neighbourhood(order, changed, again, built, register)


class _Unavailable(Exception):
    """What a warm run needs of a file is not in the cache: a full run instead."""


class _Neighbourhood(Context):
    """The context of a warm run: the model of the neighbourhood; a measure text elsewhere from the cache."""

    def __init__(self, register: Register, as_of: date, cache: FileCache, keys: dict[str, str],
                 quoted: dict[str, dict[tuple[int, int], str]]):
        super().__init__(register, as_of)
        self._cache, self._keys, self._quoted = cache, keys, quoted
        self._documents: dict[str, Any] = {}

    def measure_text(self, rel: str, risk: int, measure: int) -> str:
        if rel in self._by_file:
            return super().measure_text(rel, risk, measure)
        known = self._quoted.get(rel, {}).get((risk, measure))
        if known is not None:
            return known
        if rel not in self._documents:
            entry = self._cache.get(self._keys.get(rel, ""), with_data=True)
            if entry is None:
                raise _Unavailable(rel)
            self._documents[rel] = entry.data
        text = self._documents[rel]["risks"][risk]["measures"][measure]["text"]
        assert isinstance(text, str)  # the file validated
        return text


def _reduce(ctx: Context, parts: dict[str, list[tuple[str, Any]]], codes: list[str]) -> Found:
    found: Found = []
    for code in codes:
        way = RULES[code].across
        assert way is not None
        found += [(code, finding) for finding in way.reduce(ctx, parts[code])]
    return found


class _Graph:
    """Which department files refer to which (by the ids their summaries define and refer to)."""

    def __init__(self, summaries: dict[str, dict], before: dict[str, dict]):
        self.definers: dict[str, set[str]] = {}
        for source in (summaries, before):
            for rel, summary in source.items():
                for idents in summary["defines"].values():
                    for ident in idents:
                        self.definers.setdefault(ident, set()).add(rel)
        self.forward: dict[str, set[str]] = {}  # file -> the files it refers to
        self.backward: dict[str, set[str]] = {}  # file -> the files that refer to it
        self.by_risks: dict[str, set[str]] = {}  # file -> the files whose posts/processes its risks name
        self.risks_from: dict[str, set[str]] = {}  # file -> the files whose risks name its posts/processes
        for source in (summaries, before):  # a reference just removed counts as much as one just made
            for rel, summary in source.items():
                for kind, idents in summary["refers"].items():
                    for ident in idents:
                        for target in self.definers.get(ident, ()):
                            if target == rel:
                                continue
                            self.forward.setdefault(rel, set()).add(target)
                            self.backward.setdefault(target, set()).add(rel)
                            if kind == "process":  # a process's powers are those that name it (grading's floors)
                                self.forward.setdefault(target, set()).add(rel)
                                self.backward.setdefault(rel, set()).add(target)
                            if kind in REVERSE_KINDS:
                                self.by_risks.setdefault(rel, set()).add(target)
                                self.risks_from.setdefault(target, set()).add(rel)

    @staticmethod
    def _closure(start: set[str], edges: dict[str, set[str]]) -> set[str]:
        seen, stack = set(start), list(start)
        while stack:
            for other in edges.get(stack.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        return seen

    def referring(self, changed: set[str]) -> set[str]:
        """The changed files and those that refer to them, through others too."""
        return self._closure(changed, self.backward)

    def affected(self, changed: set[str]) -> set[str]:
        """The files whose findings may differ: those that refer to a changed file (through others too), and the
        files whose posts or processes their risks name."""
        referring = self.referring(changed)
        return referring | {target for rel in referring for target in self.by_risks.get(rel, ())}

    def named_by_risks_of(self, files: set[str]) -> set[str]:
        """The files whose risks name a post or process of ``files``."""
        return {other for rel in files for other in self.risks_from.get(rel, ())}

    def forward_closure(self, files: set[str]) -> set[str]:
        return self._closure(files, self.forward)


def memo_inputs(root: Path, *parts: str) -> bytes:
    """What a memo holds for: lz, the memo's format, org.yaml and the command's ``parts`` (its options)."""
    h = hashlib.blake2b(digest_size=20)
    with contextlib.suppress(OSError):
        h.update((root / ORG_FILE).read_bytes())
    for part in (str(MEMO_FORMAT), __version__, *parts):
        h.update(b"\0" + part.encode())
    return h.digest()


def _inputs(root: Path, as_of: date | None, select: list[str], ignore: list[str]) -> bytes:
    """A lint memo's inputs: the as-of date (today's, when defaulted), the rules, the language too."""
    return memo_inputs(root, "lint", as_of.isoformat() if as_of else "", date.today().isoformat(),
                       ",".join(select), ",".join(ignore), current_language())


def _memo_name(cache: FileCache, kind: str = "lint") -> str:
    return cache.digest(f"{kind}-memo", b"")  # one memo of a kind per register: each run replaces it


def load_memo(cache: FileCache, kind: str, inputs: bytes) -> dict[str, tuple] | None:
    """The memo of ``kind`` (one per register) if it was made with ``inputs``: file -> its values."""
    payload = cache.get_blob(_memo_name(cache, kind))
    if payload is None or not payload.startswith(inputs):
        return None
    try:
        files = marshal.loads(memoryview(payload)[len(inputs):])
    except Exception:  # a memo that cannot be read is no memo
        return None
    return files if isinstance(files, dict) else None


def store_memo(cache: FileCache, kind: str, inputs: bytes, files: dict[str, tuple]) -> None:
    try:
        payload = marshal.dumps(files)
    except ValueError:
        return
    cache.put_blob(_memo_name(cache, kind), inputs, payload)


def _memo_of(run: LintRun, validation: Validation) -> dict[str, FileMemo]:
    assert validation.register is not None
    ctx = Context(validation.register, date.today())  # for its measure texts
    files = {f.rel: f for f in validation.files.departments}
    parts: dict[str, dict[str, bytes]] = {rel: {} for rel in files}
    for code, found in run.parts.items():
        for rel, part in found or ():
            parts[rel][code] = part
    memo = {}
    for rel, located in run.located.items():
        f = files.get(rel)
        across = _raws(run.across.get(rel, []))
        memo[rel] = FileMemo(f.key if f else "", marshal.dumps(f.summary if f else None),
                             _raws(run.local.get(rel, [])), across, parts.get(rel, {}),
                             [_located(d) for d in located], _quoted(ctx, rel, across))
    return memo


def _quoted(ctx: Context, rel: str, across: list[Raw]) -> dict[tuple[int, int], str]:
    """The texts of the measures ``across`` (a file's register-wide findings) are about."""
    return {(path[1], path[3]): ctx.measure_text(rel, path[1], path[3]) for _, path, *_ in across
            if len(path) == 4 and path[0] == "risks" and path[2] == "measures"}


def _raws(found: Found) -> list[Raw]:
    return [(code, f.at.path, f.subject, f.message, f.field) for code, f in found]


def _findings(rel: str, raws: list[Raw]) -> Found:
    return [(code, Finding(At(rel, path), subject, message, field)) for code, path, subject, message, field in raws]


def _located(d: Diagnostic) -> Located:
    return (d.code, str(d.severity), d.file, d.line, d.column, d.message, d.subject)


def _diagnostic(value: Located) -> Diagnostic:
    code, severity, rel, line, column, message, subject = value
    return Diagnostic(code, Severity(severity), rel, line, column, message, subject)


def _strings(value: Any) -> set[str]:
    """Every text in org.yaml's values: the ids it names (head, inspection, party …)."""
    found: set[str] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            found.add(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found
