"""Loading two versions of a register for a diff, parsing only what changed.

A file whose content id (git's blob id) is the same at both versions is not
parsed, except for what grading reads of it (``model.grading.GRADE_INPUTS``):
a risk that differs is graded from its posts, their powers and the powers on
its process, which may be defined in an unchanged file; of that file only the
top-level keys grading declares are loaded (``load.parse.load_keys``). A risk
of an unchanged file can change grade only through a post or power that
changed; files naming one are parsed whole. Which files matter is found from
the ids they mention (a byte scan, no YAML parsing). A change of what grading
reads of ``org.yaml`` needs every file (each unchanged one is parsed once, for
both versions).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.diff.compare import empty_register
from lianzheng_cli.load.cache import FileCache
from lianzheng_cli.load.parse import load_keys
from lianzheng_cli.load.sources import ORG_FILE, Source, blob_id
from lianzheng_cli.model.grading import GRADE_INPUTS, MONITOR_INPUTS
from lianzheng_cli.model.records import Register, build_register
from lianzheng_cli.validate import schema
from lianzheng_cli.validate.files import FileResult, read_register
from lianzheng_cli.validate.references import local_checks

SIDES = ("old", "new")

_ID_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-()")  # 1.1: ( ) too
# Every byte that cannot be part of an id becomes a space: ``raw.translate(_TOKENS).split()`` is the file's words.
_TOKENS = bytes(c if c in _ID_CHARS else 0x20 for c in range(256))


def input_keys() -> frozenset[str]:
    """What is loaded of an unchanged file needed for grading: what grading reads of a department, and what the
    department schema requires (so that the part loaded is a valid department on its own)."""
    required = schema.load_schema("department")["required"]
    return GRADE_INPUTS.department | MONITOR_INPUTS.department | frozenset(required)


@dataclass
class Problem:
    """A file that could not be read at one of the two versions."""

    side: str  # old | new
    diagnostic: Diagnostic


@dataclass
class LoadedPair:
    old: Register | None  # None when a version has errors
    new: Register | None
    problems: list[Problem]
    # Files parsed: at one side (old, new), once for both (shared), only what grading reads of them (sliced);
    # files found in the validate cache instead (cached).
    parsed: dict[str, list[str]]

    @property
    def ok(self) -> bool:
        return not self.problems


def content_ids(source: Source | None) -> dict[str, str]:
    """Each file of a register version and its content id (git's blob id)."""
    if source is None:
        return {}
    return {rel: source.blob_id(rel) for rel in (ORG_FILE, *source.department_files())}


def load_pair(old: Source | None, new: Source | None, *, cache: FileCache | None = None) -> LoadedPair:
    """The two versions as typed registers, parsing only what the diff needs (``None``: no register there).

    ``cache`` is the work tree's ``lz validate`` cache: a file found there (by content) is not parsed again.
    """
    return _PairLoader(old, new, cache).load()


# --- what grading reads, in documents ----------------------------------------------------------------------------


def _risks(doc: dict) -> list[dict]:
    return [r for r in doc.get("risks") or () if isinstance(r, dict)]


def _posts_of(docs: Iterable[dict]) -> dict[str, set[str]]:
    posts: dict[str, set[str]] = {}
    for doc in docs:
        for post in doc.get("posts") or ():
            posts.setdefault(post["id"], set()).update(post.get("powers") or ())
    return posts


def _power_ids(docs: Iterable[dict]) -> set[str]:
    return {power["id"] for doc in docs for power in doc.get("powers") or ()}


def _grading_view(docs: Iterable[dict]) -> tuple[dict[str, str], dict[str, str]]:
    """Posts and powers by id, whole: grading declares it reads them (GRADE_INPUTS), not which of their fields."""
    posts: dict[str, str] = {}
    powers: dict[str, str] = {}
    for doc in docs:
        for post in doc.get("posts") or ():
            posts[post["id"]] = repr(sorted(post.items()))
        for power in doc.get("powers") or ():
            powers[power["id"]] = repr(sorted(power.items()))
    return posts, powers


def _changed_keys(old: dict, new: dict) -> set[str]:
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}


def _grade_inputs_of_org(org: dict | None) -> dict[str, Any]:
    return {key: (org or {}).get(key) for key in sorted(GRADE_INPUTS.org)}


class _Needs:
    """The posts and processes grading needs defined, gathered from the risks whose grades may differ."""

    def __init__(self) -> None:
        self.posts: set[str] = set()
        self.processes: set[str] = set()

    def add(self, risks: Iterable[dict]) -> None:
        for risk in risks:
            self.posts.update(p for p in risk.get("posts") or () if isinstance(p, str))
            if isinstance(risk.get("process"), str):
                self.processes.add(risk["process"])


class _Changes:
    """What changed in what grading reads, between the changed files of both sides."""

    def __init__(self, docs: dict[str, dict[str, dict]]):
        self.docs = [*docs["old"].values(), *docs["new"].values()]
        old_posts, old_powers = _grading_view(docs["old"].values())
        new_posts, new_powers = _grading_view(docs["new"].values())
        self.powers = _changed_keys(old_powers, new_powers)
        self.posts = _changed_keys(old_posts, new_posts)
        self.processes = {p["process"] for d in self.docs for p in d.get("powers") or ()
                          if p["id"] in self.powers and p.get("process") is not None}
        # Only risks that differ need their grades: one equal in itself and in what grading reads of it has
        # the same grade at both sides, even when what it reads was not loaded (it is missing at both).
        old_risks = {r["id"]: r for d in docs["old"].values() for r in _risks(d)}
        new_risks = {r["id"]: r for d in docs["new"].values() for r in _risks(d)}
        self.needs = _Needs()
        self.needs.add(r for k, r in old_risks.items() if new_risks.get(k) != r)
        self.needs.add(r for k, r in new_risks.items() if old_risks.get(k) != r)
        self.same_risks = [r for k, r in new_risks.items() if old_risks.get(k) == r]  # regraded by moved posts


_BEFORE_DEFINITION = re.compile(rb"(?:^|[\s{,])[\"']?id[\"']?[ \t]*:[ \t]*[\"']?\Z")


def defines(raw: bytes, ident: str) -> bool:
    """Whether ``raw`` holds ``id: <ident>``, as written where an object is defined (ids are unique across
    the organization, and every reference uses another key): where to look first for a definition."""
    needle = ident.encode()
    start = raw.find(needle)
    while start != -1:
        end = start + len(needle)
        whole_token = (start == 0 or raw[start - 1] not in _ID_CHARS) and (end == len(raw) or raw[end] not in _ID_CHARS)
        if whole_token and _BEFORE_DEFINITION.search(raw, max(0, start - 32), start):
            return True
        start = raw.find(needle, end)
    return False


# --- the loader --------------------------------------------------------------------------------------------------


class _PairLoader:
    def __init__(self, old: Source | None, new: Source | None, cache: FileCache | None = None):
        self.sources = {"old": old, "new": new}
        self.cache = cache
        self.ids = {"old": content_ids(old), "new": content_ids(new)}
        self.problems: list[Problem] = []
        self.parsed: dict[str, list[str]] = {"old": [], "new": [], "shared": [], "sliced": [], "cached": []}
        self._tokens: dict[str, frozenset[bytes]] = {}
        self._shared_bytes: dict[str, bytes] = {}
        self._orgs: dict[str, bytes] = {}  # each side's org.yaml, which read_register reads with any batch
        self._input_keys = input_keys()
        # Unchanged files are read from the side that is cheapest to read again (the work tree keeps its bytes).
        self.shared_side = "new" if (new is not None and new.keeps_bytes) or old is None else "old"

    def load(self) -> LoadedPair:
        old_ids, new_ids = self.ids["old"], self.ids["new"]
        departments = sorted((old_ids.keys() | new_ids.keys()) - {ORG_FILE})
        changed = [rel for rel in departments if old_ids.get(rel) != new_ids.get(rel)]
        unchanged = [rel for rel in departments if old_ids.get(rel) == new_ids.get(rel)]
        orgs, docs = self._changed(changed)
        if self.problems:
            return LoadedPair(None, None, self.problems, self.parsed)
        # A change of what grading reads of the org may regrade any risk: every file is needed (parsed once).
        if old_ids and new_ids and _grade_inputs_of_org(orgs["old"]) != _grade_inputs_of_org(orgs["new"]):
            shared = self.parse(self.shared_side, unchanged, shared=True)
        else:
            shared = self._context(docs, unchanged)
        if self.problems:
            return LoadedPair(None, None, self.problems, self.parsed)
        old, new = self._build(orgs, docs, shared)
        return LoadedPair(old, new, self.problems, self.parsed)

    def _changed(self, changed: list[str]) -> tuple[dict[str, dict | None], dict[str, dict[str, dict]]]:
        """Each side's org and changed files, parsed whole (an identical org.yaml once for both)."""
        orgs: dict[str, dict | None] = {"old": None, "new": None}
        docs: dict[str, dict[str, dict]] = {"old": {}, "new": {}}
        old_ids, new_ids = self.ids["old"], self.ids["new"]
        same_org = bool(old_ids and new_ids) and old_ids[ORG_FILE] == new_ids[ORG_FILE]
        if same_org:
            orgs["old"] = orgs["new"] = self.parse(self.shared_side, [ORG_FILE], shared=True).get(ORG_FILE)
        for side in SIDES:
            wanted = [rel for rel in changed if rel in self.ids[side]]
            if self.ids[side] and not same_org:
                wanted.insert(0, ORG_FILE)
            docs[side] = self.parse(side, wanted)
            if not same_org and ORG_FILE in docs[side]:
                orgs[side] = docs[side].pop(ORG_FILE)
        return orgs, docs

    def parse(self, side: str, rels: list[str], *, shared: bool = False) -> dict[str, dict]:
        """Check files of one side (in parallel when they are many); their values, by file."""
        source = self.sources[side]
        if not rels or source is None:
            return {}
        raws: dict[str, bytes] = {}
        unreadable: dict[str, OSError] = {}  # read again by read_register, which reports them (LZ009)
        for rel in rels:
            try:
                raws[rel] = source.read(rel)
            except OSError as exc:
                unreadable[rel] = exc
        cached = {}
        if self.cache is not None:  # what `lz validate` found clean, by content: read, never written here
            for rel, raw in raws.items():
                hit = self.cache.get(self.cache.digest(rel, raw), with_data=True)
                if hit is not None and isinstance(hit.data, dict):
                    cached[rel] = hit.data
        if side not in self._orgs:
            self._orgs[side] = raws.get(ORG_FILE) or source.read(ORG_FILE)
        files = _Files(source.root, self._orgs[side], {rel: raw for rel, raw in raws.items() if rel not in cached},
                       unreadable)
        self.parsed["shared" if shared else side].extend(files.files)
        self.parsed["cached"].extend(cached)
        if not files.files and not unreadable:
            return cached
        checked = read_register(source.root, files, keep_data=True)
        results = [r for r in (checked.org, *checked.departments) if r.rel in files.files or r.rel in unreadable]
        return {**cached, **self._keep(side, results)}

    def _keep(self, side: str, results: list[FileResult]) -> dict[str, dict]:
        kept = {}
        for result in results:
            errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
            self.problems.extend(Problem(side, d) for d in errors)
            if not errors and isinstance(result.data, dict):
                kept[result.rel] = result.data
        return kept

    def read_shared(self, rel: str) -> bytes:
        raw = self._shared_bytes.get(rel)
        if raw is None:
            source = self.sources[self.shared_side]
            assert source is not None  # an unchanged file is on both sides
            raw = self._shared_bytes[rel] = source.read(rel)
        return raw

    def tokens(self, rel: str) -> frozenset[bytes]:
        found = self._tokens.get(rel)
        if found is None:
            words = set(self.read_shared(rel).translate(_TOKENS).split())
            found = self._tokens[rel] = frozenset(w.lstrip(b"._-()") for w in words)  # an id starts alphanumeric
        return found

    def _build(self, orgs: dict[str, dict | None], docs: dict[str, dict[str, dict]],
               shared: dict[str, dict]) -> tuple[Register, Register]:
        """Typed registers of both sides; the departments of unchanged files are built once and shared."""
        some_org = orgs["new"] or orgs["old"]
        common = build_register(Path("."), some_org, sorted(shared.items())) if some_org else None
        registers = []
        for side in SIDES:
            source = self.sources[side]
            root = source.root if source is not None else Path(".")
            org = orgs[side]
            if org is None:
                registers.append(empty_register(root))
                continue
            own = build_register(root, org, sorted(docs[side].items()))
            if common is not None and common.org.vocabulary != own.org.vocabulary:  # in this side's own words
                common = build_register(root, org, sorted(shared.items()))
            shared_departments = common.departments if common is not None else ()
            departments = tuple(sorted((*own.departments, *shared_departments), key=lambda d: d.file))
            registers.append(Register(root, own.org, departments))
        return registers[0], registers[1]

    def _context(self, docs: dict[str, dict[str, dict]], unchanged: list[str]) -> dict[str, dict]:
        """The unchanged files needed to grade every risk whose grade may differ; read once for both sides.

        Grading reads a risk's posts, their powers, and the powers on the risk's process. The risks of changed
        files need those definitions: of an unchanged file only what grading reads is loaded. A risk of an
        unchanged file is regraded only when it names a post or process whose powers changed: such files are
        parsed whole, and their risks need the same definitions.
        """
        if not unchanged or not (docs["old"] or docs["new"]):
            return {}
        changes = _Changes(docs)
        whole: dict[str, dict] = {}  # unchanged files whose risks may be regraded
        sliced: dict[str, dict] = {}  # unchanged files of which only what grading reads is loaded
        while True:
            to_parse, to_load = self._wanted(changes, unchanged, whole, sliced)
            if not to_parse and not to_load:
                return {**sliced, **whole}
            for rel in to_parse:
                sliced.pop(rel, None)
            whole.update(self.parse(self.shared_side, to_parse, shared=True))
            sliced.update(self._grading_inputs(to_load))
            if self.problems:
                return {}

    def _wanted(self, changes: _Changes, unchanged: list[str], whole: dict[str, dict],
                sliced: dict[str, dict]) -> tuple[list[str], list[str]]:
        """The unchanged files to parse whole next, and those of which to load what grading reads."""
        context = [*changes.docs, *whole.values(), *sliced.values()]
        posts = _posts_of(context)
        # Posts whose powers changed regrade the risks naming them, wherever those posts are defined.
        moved_posts = changes.posts | {p for p, held in posts.items() if held & changes.powers}
        for risks in (changes.same_risks, *(_risks(doc) for doc in whole.values())):
            changes.needs.add(r for r in risks if set(r.get("posts") or ()) & moved_posts
                              or r.get("process") in changes.processes)
        needs = changes.needs
        need_powers = {power for p in needs.posts for power in posts.get(p, ())}
        missing = {i.encode(): i for i in (needs.posts - posts.keys()) | (need_powers - _power_ids(context))}
        regraded = {i.encode() for i in moved_posts | changes.processes}
        mentioned = {i.encode() for i in needs.processes | changes.powers}
        to_parse = [rel for rel in unchanged if rel not in whole and self.tokens(rel) & regraded]
        rest = [rel for rel in unchanged if rel not in whole and rel not in sliced and rel not in to_parse]
        wanted = {rel for rel in rest if self.tokens(rel) & mentioned}
        for token, ident in missing.items():
            # Of the files naming a missing post or power, those defining it (`id: <it>`) first; the others when
            # it is still missing after them (a definition written otherwise is still found).
            naming = [rel for rel in rest if token in self.tokens(rel)]
            wanted.update([rel for rel in naming if defines(self.read_shared(rel), ident)] or naming)
        return to_parse, [rel for rel in rest if rel in wanted]

    def _grading_inputs(self, rels: list[str]) -> dict[str, dict]:
        """What grading reads of unchanged files, by the loader's key filter; a file it cannot cut exactly, or
        whose part loaded is not a valid department, is parsed whole."""
        found: dict[str, dict] = {}
        whole: list[str] = []
        for rel in rels:
            data = load_keys(self.read_shared(rel), rel, self._input_keys)
            if data is not None and schema.is_valid("department", data) and not local_checks(rel, data, _nowhere):
                found[rel] = data
                self.parsed["sliced"].append(rel)
            else:
                whole.append(rel)
        found.update(self.parse(self.shared_side, whole, shared=True))
        return found


def _nowhere(path: tuple, key: bool) -> tuple[int, int]:
    # A part that has findings is parsed whole, which locates them; these positions are never shown.
    return 1, 1


class _Files:
    """Some files of one version, already read, as a ``Source`` for ``read_register`` (which parses them in
    parallel when they are many). It always reads an org.yaml: the version's own, whose result is dropped
    unless the file is one of ``files``."""

    parallel_safe = True
    keeps_bytes = True

    def __init__(self, root: Path, org: bytes, files: dict[str, bytes], unreadable: dict[str, OSError] | None = None):
        self.root = root
        self.org = org
        self.files = files
        self.unreadable = unreadable or {}

    def department_files(self) -> list[str]:
        return [rel for rel in (*self.files, *self.unreadable) if rel != ORG_FILE]

    def read(self, rel: str) -> bytes:
        if rel in self.unreadable:
            raise self.unreadable[rel]
        if rel == ORG_FILE and rel not in self.files:
            return self.org
        return self.files[rel]

    def blob_id(self, rel: str) -> str:
        return blob_id(self.read(rel))
