"""``lz diff`` as a library: what changed in a register between two versions, in the practice's terms.

- :func:`diff_registers` compares two typed registers (either may be empty):
  risks added, removed, renamed (id changed, content identical) and changed
  field by field, grades compared canonically with their direction; measures;
  people joined, left, moved post; posts, powers, processes added or removed;
  warnings opened and closed.
- :func:`load_pair` loads two versions for it without parsing what did not
  change. A file whose blob is identical at both versions is not parsed,
  except what grading needs of it: a risk that differs is graded from its
  posts, their powers and the powers on its process, which may be defined in
  an unchanged file; then only that file's ``posts`` and ``powers`` blocks are
  read. A risk of an unchanged file can change grade only through a post or
  power that changed; files naming one are parsed whole. Which files matter is
  found from the ids they mention (a byte scan, no YAML parsing). A change of
  the grading policy in ``org.yaml`` needs every file (each unchanged one is
  parsed once, for both versions).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.i18n import tr
from lianzheng_cli.load.cache import FileCache, digest, open_cache
from lianzheng_cli.load.sources import ORG_FILE, Source, blob_id
from lianzheng_cli.model.grading import Grader, RiskGrade
from lianzheng_cli.model.records import Grading, Org, Policy, Register, Risk, build_register
from lianzheng_cli.validate.files import check_file, read_register
from lianzheng_cli.vocab import GRADE_RANK

FAIL_ON = ("removed", "lowered", "high-removed")

# Fields of a risk compared one by one, in the order they are reported.
RISK_FIELDS = ("department", "title", "description", "type", "process", "step", "posts", "likelihood", "impact")
MEASURE_FIELDS = ("text", "stage", "kind", "owner", "due", "status")


# --- the result -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevisionRef:
    """A version as the user named it (``2024``, ``HEAD``, ``WORKTREE``) and its commit (None: the work tree)."""

    rev: str | None = None
    commit: str | None = None
    label: str = ""  # for headings: ``2024 (1a2b3c4)``


@dataclass(frozen=True)
class RiskEntry:
    """A risk added or removed, with its effective grade."""

    id: str
    department: str
    title: str
    grade: str
    measures: int  # how many measures it has, for the summary

    def to_json(self) -> dict:
        return {"id": self.id, "department": self.department, "title": self.title, "grade": self.grade}


@dataclass(frozen=True)
class Renamed:
    """A risk whose id changed while its content did not."""

    old: str
    new: str
    department: str
    title: str


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any
    direction: str | None = None  # raised | lowered, for grades

    def to_json(self) -> dict:
        data = {"field": self.field, "from": _plain(self.old), "to": _plain(self.new)}
        if self.direction:
            data["direction"] = self.direction
        return data


@dataclass(frozen=True)
class MeasureChange:
    id: str
    changes: tuple[FieldChange, ...]

    def to_json(self) -> dict:
        return {"id": self.id, "changes": [c.to_json() for c in self.changes]}


@dataclass(frozen=True)
class MeasuresChange:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[MeasureChange, ...]

    def to_json(self) -> dict:
        return {"field": "measures", "added": list(self.added), "removed": list(self.removed),
                "changed": [c.to_json() for c in self.changed]}


@dataclass(frozen=True)
class RiskChange:
    id: str
    department: str
    title: str
    changes: tuple[FieldChange, ...]
    measures: MeasuresChange | None

    @property
    def raised(self) -> bool:
        return any(c.direction == "raised" for c in self.changes)

    @property
    def lowered(self) -> bool:
        return any(c.direction == "lowered" for c in self.changes)

    def to_json(self) -> dict:
        changes = [c.to_json() for c in self.changes]
        if self.measures is not None:
            changes.append(self.measures.to_json())
        return {"id": self.id, "department": self.department, "changes": changes}


@dataclass(frozen=True)
class Item:
    """A person, post, power, process or warning that appeared or disappeared."""

    id: str
    department: str
    name: str


@dataclass(frozen=True)
class PersonMove:
    id: str
    department: str
    name: str
    old_post: str
    new_post: str


@dataclass
class RegisterDiff:
    risks_added: list[RiskEntry] = field(default_factory=list)
    risks_removed: list[RiskEntry] = field(default_factory=list)
    risks_renamed: list[Renamed] = field(default_factory=list)
    risks_changed: list[RiskChange] = field(default_factory=list)
    people_joined: list[Item] = field(default_factory=list)
    people_left: list[Item] = field(default_factory=list)
    people_moved: list[PersonMove] = field(default_factory=list)
    posts_added: list[Item] = field(default_factory=list)
    posts_removed: list[Item] = field(default_factory=list)
    powers_added: list[Item] = field(default_factory=list)
    powers_removed: list[Item] = field(default_factory=list)
    processes_added: list[Item] = field(default_factory=list)
    processes_removed: list[Item] = field(default_factory=list)
    warnings_opened: list[Item] = field(default_factory=list)
    warnings_closed: list[Item] = field(default_factory=list)
    departments: dict[str, str] = field(default_factory=dict)  # id -> name, for headings
    from_rev: RevisionRef = RevisionRef()
    to_rev: RevisionRef = RevisionRef()

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in _LISTS)

    def summary(self) -> dict[str, int]:
        return {
            "risks_added": len(self.risks_added),
            "risks_removed": len(self.risks_removed),
            "risks_changed": len(self.risks_changed),
            "grade_raised": sum(c.raised for c in self.risks_changed),
            "grade_lowered": sum(c.lowered for c in self.risks_changed),
            # Measures of added and removed risks count too: the change in the register's measures.
            "measures_added": sum(len(c.measures.added) for c in self.risks_changed if c.measures)
            + sum(e.measures for e in self.risks_added),
            "measures_removed": sum(len(c.measures.removed) for c in self.risks_changed if c.measures)
            + sum(e.measures for e in self.risks_removed),
            "people_joined": len(self.people_joined),
            "people_left": len(self.people_left),
            "people_moved": len(self.people_moved),
        }

    def failures(self, conditions: Iterable[str]) -> list[str]:
        """Which ``--fail-on`` conditions the diff meets."""
        present = {
            "removed": bool(self.risks_removed),
            "lowered": any(c.lowered for c in self.risks_changed),
            "high-removed": any(e.grade == "高" for e in self.risks_removed),
        }
        return [c for c in conditions if present[c]]

    def department_ids(self) -> list[str]:
        """Every department with a change, in id order."""
        found = {entry.department for name in _LISTS for entry in getattr(self, name)}
        return sorted(found)

    def to_json(self) -> dict:
        def ids(items: list) -> list[str]:
            return [i.id for i in items]

        return {
            "version": 1,
            "from": {"rev": self.from_rev.rev, "commit": self.from_rev.commit},
            "to": {"rev": self.to_rev.rev, "commit": self.to_rev.commit},
            "summary": self.summary(),
            "risks": {
                "added": [e.to_json() for e in self.risks_added],
                "removed": [e.to_json() for e in self.risks_removed],
                "renamed": [{"from": r.old, "to": r.new} for r in self.risks_renamed],
                "changed": [c.to_json() for c in self.risks_changed],
            },
            "people": {"joined": ids(self.people_joined), "left": ids(self.people_left),
                       "moved": [{"id": m.id, "from": m.old_post, "to": m.new_post} for m in self.people_moved]},
            "posts": {"added": ids(self.posts_added), "removed": ids(self.posts_removed)},
            "powers": {"added": ids(self.powers_added), "removed": ids(self.powers_removed)},
            "processes": {"added": ids(self.processes_added), "removed": ids(self.processes_removed)},
            "warnings": {"opened": ids(self.warnings_opened), "closed": ids(self.warnings_closed)},
        }


_LISTS = ("risks_added", "risks_removed", "risks_renamed", "risks_changed", "people_joined", "people_left",
          "people_moved", "posts_added", "posts_removed", "powers_added", "powers_removed", "processes_added",
          "processes_removed", "warnings_opened", "warnings_closed")


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


# --- comparing two registers ------------------------------------------------------------------------------------


EMPTY_ORG = Org(id="", name="", head=None, inspection=None, year=0, grading=Grading("matrix"), monitoring={},
                policy=Policy(), display_grade="word", lint_disable=(), lint_severity={})


def empty_register(root: Path | None = None) -> Register:
    """A register with nothing in it: the side of a diff where the register does not exist yet."""
    return Register(root or Path("."), EMPTY_ORG, ())


def direction_of(old: str, new: str) -> str | None:
    if GRADE_RANK[new] > GRADE_RANK[old]:
        return "raised"
    if GRADE_RANK[new] < GRADE_RANK[old]:
        return "lowered"
    return None


def _risk_fields(risk: Risk) -> tuple:
    """Everything written about a risk but its id, grades canonical."""
    measures = tuple((m.id, m.text, m.stage, m.kind, m.owner, m.due, m.status) for m in risk.measures)
    return (risk.department, risk.title, risk.description, risk.type, risk.process, risk.step, risk.posts,
            risk.likelihood, risk.impact, tuple(sorted(risk.factors.items())), risk.declared, risk.reviewed,
            measures)


def _risk_content(risk: Risk, grade: RiskGrade) -> tuple:
    """A risk's content for finding renames: an absent declared grade counts as the computed one."""
    return (*_risk_fields(risk), grade.declared)


def _diff_measures(old: Risk, new: Risk) -> MeasuresChange | None:
    before = {m.id: m for m in old.measures}
    after = {m.id: m for m in new.measures}
    added = tuple(m.id for m in new.measures if m.id not in before)
    removed = tuple(m.id for m in old.measures if m.id not in after)
    changed = []
    for m in new.measures:
        if m.id in before:
            o = before[m.id]
            changes = tuple(FieldChange(f, getattr(o, f), getattr(m, f)) for f in MEASURE_FIELDS
                            if getattr(o, f) != getattr(m, f))
            if changes:
                changed.append(MeasureChange(m.id, changes))
    if added or removed or changed:
        return MeasuresChange(added, removed, tuple(changed))
    return None


def _diff_risk(old: Risk, new: Risk, old_grade: RiskGrade, new_grade: RiskGrade) -> RiskChange | None:
    changes = [FieldChange(f, getattr(old, f), getattr(new, f)) for f in RISK_FIELDS
               if getattr(old, f) != getattr(new, f)]
    # Grades compare canonically: ★★ → 中 is no change. `grade` is the declared grade (the computed one when
    # none is written), `computed_grade` the policy's.
    for name, before, after in (("grade", old_grade.declared, new_grade.declared),
                                ("computed_grade", old_grade.computed, new_grade.computed)):
        if before != after:
            changes.append(FieldChange(name, before, after, direction_of(before, after)))
    measures = _diff_measures(old, new)
    if not changes and measures is None:
        return None
    return RiskChange(new.id, new.department, new.title, tuple(changes), measures)


def _by_department(items: Iterable) -> list:
    return sorted(items, key=lambda i: (i.department, i.id))


def _diff_items(old: dict, new: dict, name_of=lambda x: x.name) -> tuple[list[Item], list[Item]]:
    added = [Item(k, v.department, name_of(v)) for k, v in new.items() if k not in old]
    removed = [Item(k, v.department, name_of(v)) for k, v in old.items() if k not in new]
    return _by_department(added), _by_department(removed)


def diff_registers(old: Register, new: Register, *, from_rev: RevisionRef | None = None,
                   to_rev: RevisionRef | None = None) -> RegisterDiff:
    """What changed from ``old`` to ``new``, in the practice's terms."""
    old_grader, new_grader = Grader(old), Grader(new)
    result = RegisterDiff(from_rev=from_rev or RevisionRef(), to_rev=to_rev or RevisionRef())
    result.departments = {d.id: d.name for d in (*old.departments, *new.departments)}  # new names win

    added = {k: r for k, r in new.risks.items() if k not in old.risks}
    removed = {k: r for k, r in old.risks.items() if k not in new.risks}
    added_grades = {k: new_grader.grade(r) for k, r in added.items()}
    removed_grades = {k: old_grader.grade(r) for k, r in removed.items()}

    # A removed risk and an added one with identical content are one risk renamed.
    unclaimed: dict[tuple, list[str]] = {}
    for k in sorted(added):
        unclaimed.setdefault(_risk_content(added[k], added_grades[k]), []).append(k)
    for k in sorted(removed):
        candidates = unclaimed.get(_risk_content(removed[k], removed_grades[k]))
        if candidates:
            new_id = candidates.pop(0)
            risk = added.pop(new_id)
            del removed[k]
            result.risks_renamed.append(Renamed(k, new_id, risk.department, risk.title))
    result.risks_renamed.sort(key=lambda r: (r.department, r.old))

    result.risks_added = _by_department(
        RiskEntry(k, r.department, r.title, added_grades[k].effective, len(r.measures)) for k, r in added.items())
    result.risks_removed = _by_department(
        RiskEntry(k, r.department, r.title, removed_grades[k].effective, len(r.measures)) for k, r in removed.items())
    changed = []
    same_policy = old.org.grading == new.org.grading
    for k, after in new.risks.items():
        before = old.risks.get(k)
        if before is None:
            continue
        # Grading is the costly part: a risk equal in itself and in the powers it is tied to cannot differ.
        if (same_policy and _risk_fields(before) == _risk_fields(after)
                and old_grader.powers_of(before) == new_grader.powers_of(after)):
            continue
        change = _diff_risk(before, after, old_grader.grade(before), new_grader.grade(after))
        if change is not None:
            changed.append(change)
    result.risks_changed = _by_department(changed)

    result.people_joined, result.people_left = _diff_items(old.people, new.people)
    result.people_moved = _by_department(
        PersonMove(k, p.department, p.name, old.people[k].post, p.post)
        for k, p in new.people.items() if k in old.people and old.people[k].post != p.post)
    result.posts_added, result.posts_removed = _diff_items(old.posts, new.posts)
    result.powers_added, result.powers_removed = _diff_items(old.powers, new.powers)
    result.processes_added, result.processes_removed = _diff_items(old.processes, new.processes)
    result.warnings_opened = _diff_items(old.warnings, new.warnings, lambda w: w.finding or w.level)[0]
    result.warnings_closed = _by_department(
        Item(k, w.department, w.finding or w.level) for k, w in new.warnings.items()
        if w.closed is not None and (k not in old.warnings or old.warnings[k].closed is None))
    return result


# --- loading two versions, skipping what did not change ---------------------------------------------------------


_ID_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
_ID_CHARS = frozenset(_ID_BYTES)
# Every byte that cannot be part of an id becomes a space: ``raw.translate(_TOKENS).split()`` is the file's words.
_TOKENS = bytes(c if c in _ID_CHARS else 0x20 for c in range(256))
# Top-level sections grading reads from a file that did not change.
_GRADING_SECTIONS = (b"posts:", b"powers:")


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
    # Files parsed: at one side (old, new), once for both (shared), only their posts and powers (sliced);
    # files found in the validate cache instead (cached).
    parsed: dict[str, list[str]]

    @property
    def ok(self) -> bool:
        return not self.problems


def blob_ids(source: Source | None) -> dict[str, str]:
    """Each file of a register version and its content id (git's blob id)."""
    if source is None:
        return {}
    return {rel: source.blob_id(rel) for rel in (ORG_FILE, *source.department_files())}


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


def _grading_inputs(docs: Iterable[dict]) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """What grading reads from posts (their powers) and powers (their attributes), by id."""
    posts: dict[str, tuple] = {}
    powers: dict[str, tuple] = {}
    for doc in docs:
        for post in doc.get("posts") or ():
            posts[post["id"]] = tuple(post.get("powers") or ())
        for power in doc.get("powers") or ():
            powers[power["id"]] = tuple(sorted((k, repr(v)) for k, v in power.items()))
    return posts, powers


def _changed_keys(old: dict, new: dict) -> set[str]:
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}


_BEFORE_DEFINITION = re.compile(rb"(?:^|[\s{,])[\"']?id[\"']?[ \t]*:[ \t]*[\"']?\Z")


def defines(raw: bytes, ident: str) -> bool:
    """Whether ``raw`` holds ``id: <ident>``, as written where an object is defined (ids are unique across
    the organization, and every reference uses another key)."""
    needle = ident.encode()
    start = raw.find(needle)
    while start != -1:
        end = start + len(needle)
        whole_token = (start == 0 or raw[start - 1] not in _ID_CHARS) and (end == len(raw) or raw[end] not in _ID_CHARS)
        if whole_token and _BEFORE_DEFINITION.search(raw, max(0, start - 32), start):
            return True
        start = raw.find(needle, end)
    return False


def grading_sections(raw: bytes, stem: str) -> bytes | None:
    """A small department document holding only ``raw``'s top-level ``posts`` and ``powers`` blocks, or None.

    Cut by lines: a block runs to the next line that starts a top-level key. Whatever this cannot cut
    cleanly fails to load or lacks an id the file defines, and the caller parses the whole file instead.
    """
    kept: list[bytes] = []
    keep = False
    for line in raw.removeprefix(b"\xef\xbb\xbf").split(b"\n"):
        if line[:1] not in (b" ", b"\t", b"#", b"-", b"\r", b""):
            keep = line.startswith(_GRADING_SECTIONS)
        if keep:
            kept.append(line)
    header = f"schema_version: 1\nid: {json.dumps(stem)}\nname: {json.dumps(stem)}\nkind: 内设机构\n".encode()
    return header + b"\n".join(kept) + b"\n" if kept else None


class _PairLoader:
    def __init__(self, old: Source | None, new: Source | None, cache: FileCache | None = None):
        self.sources = {"old": old, "new": new}
        self.cache = cache
        self.ids = {"old": blob_ids(old), "new": blob_ids(new)}
        self.problems: list[Problem] = []
        self.parsed: dict[str, list[str]] = {"old": [], "new": [], "shared": [], "sliced": [], "cached": []}
        self._tokens: dict[str, frozenset[bytes]] = {}
        self._shared_bytes: dict[str, bytes] = {}
        # Unchanged files are read from the side that is cheapest to read again (the work tree keeps its bytes).
        self.shared_side = "new" if (new is not None and new.keeps_bytes) or old is None else "old"

    def parse(self, side: str, rels: list[str], *, shared: bool = False) -> dict[str, dict]:
        """Check files of one side (in parallel when they are many); their values, by file."""
        if not rels:
            return {}
        source = self.sources[side]
        raws = {rel: source.read(rel) for rel in rels}
        cached = {}
        if self.cache is not None:  # what `lz validate` found clean, by content: read, never written here
            for rel, raw in raws.items():
                hit = self.cache.get(digest(rel, raw), with_data=True)
                if hit is not None and isinstance(hit.data, dict):
                    cached[rel] = hit.data
        batch = _Batch({rel: raw for rel, raw in raws.items() if rel not in cached})
        self.parsed["shared" if shared else side].extend(batch.files)
        self.parsed["cached"].extend(cached)
        if not batch.files:
            return cached
        files = read_register(Path("."), batch, keep_data=True)
        return {**cached, **self._keep(side, [r for r in (files.org, *files.departments) if r.rel in batch.files])}

    def _keep(self, side: str, results: list) -> dict[str, dict]:
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
            raw = self._shared_bytes[rel] = self.sources[self.shared_side].read(rel)
        return raw

    def tokens(self, rel: str) -> frozenset[bytes]:
        found = self._tokens.get(rel)
        if found is None:
            words = set(self.read_shared(rel).translate(_TOKENS).split())
            found = self._tokens[rel] = frozenset(w.lstrip(b"._-") for w in words)  # an id starts alphanumeric
        return found

    def load(self) -> LoadedPair:
        old_ids, new_ids = self.ids["old"], self.ids["new"]
        departments = sorted((old_ids.keys() | new_ids.keys()) - {ORG_FILE})
        changed = [rel for rel in departments if old_ids.get(rel) != new_ids.get(rel)]
        unchanged = [rel for rel in departments if old_ids.get(rel) == new_ids.get(rel)]

        orgs: dict[str, dict | None] = {"old": None, "new": None}
        docs: dict[str, dict[str, dict]] = {"old": {}, "new": {}}
        same_org = bool(old_ids and new_ids) and old_ids[ORG_FILE] == new_ids[ORG_FILE]
        if same_org:
            orgs["old"] = orgs["new"] = self.parse(self.shared_side, [ORG_FILE], shared=True).get(ORG_FILE)
        for side in ("old", "new"):
            wanted = [rel for rel in changed if rel in self.ids[side]]
            if self.ids[side] and not same_org:
                wanted.insert(0, ORG_FILE)
            docs[side] = self.parse(side, wanted)
            if not same_org and ORG_FILE in docs[side]:
                orgs[side] = docs[side].pop(ORG_FILE)
        if self.problems:
            return LoadedPair(None, None, self.problems, self.parsed)

        # A change of grading policy may regrade any risk: every file is needed (each unchanged one parsed once).
        policy_changed = (orgs["old"] or {}).get("grading") != (orgs["new"] or {}).get("grading")
        if old_ids and new_ids and policy_changed:
            shared = self.parse(self.shared_side, unchanged, shared=True)
        else:
            shared = self._context(docs, unchanged)
        if self.problems:
            return LoadedPair(None, None, self.problems, self.parsed)
        return LoadedPair(*self._build(orgs, docs, shared), self.problems, self.parsed)

    def _build(self, orgs: dict[str, dict | None], docs: dict[str, dict[str, dict]],
               shared: dict[str, dict]) -> tuple[Register, Register]:
        """Typed registers of both sides; the departments of unchanged files are built once and shared."""
        some_org = orgs["new"] or orgs["old"]
        common = build_register(Path("."), some_org, sorted(shared.items())).departments if some_org else ()
        registers = []
        for side in ("old", "new"):
            source = self.sources[side]
            root = source.root if source is not None else Path(".")
            if orgs[side] is None:
                registers.append(empty_register(root))
                continue
            own = build_register(root, orgs[side], sorted(docs[side].items()))
            departments = tuple(sorted((*own.departments, *common), key=lambda d: d.file))
            registers.append(Register(root, own.org, departments))
        return registers[0], registers[1]

    def _context(self, docs: dict[str, dict[str, dict]], unchanged: list[str]) -> dict[str, dict]:
        """The unchanged files needed to grade every risk whose grade may differ; read once for both sides.

        Grading reads a risk's posts, their powers, and the powers on the risk's process. The risks of changed
        files need those definitions: from an unchanged file only its ``posts`` and ``powers`` are read (the
        file defining a post is found by ``id: <post>``; the powers on a process by the files naming it). A
        risk of an unchanged file is regraded only when it names a post or process whose powers changed: such
        files are parsed whole, and their risks need the same definitions.
        """
        changed_docs = [*docs["old"].values(), *docs["new"].values()]
        if not unchanged or not changed_docs:
            return {}
        old_posts, old_powers = _grading_inputs(docs["old"].values())
        new_posts, new_powers = _grading_inputs(docs["new"].values())
        changed_powers = _changed_keys(old_powers, new_powers)
        changed_posts = _changed_keys(old_posts, new_posts)
        changed_processes = {p.get("process") for d in changed_docs for p in d.get("powers") or ()
                             if p["id"] in changed_powers} - {None}
        need_posts: set[str] = set()
        need_processes: set[str] = set()

        def need(risks: Iterable[dict]) -> None:
            for risk in risks:
                need_posts.update(p for p in risk.get("posts") or () if isinstance(p, str))
                if isinstance(risk.get("process"), str):
                    need_processes.add(risk["process"])

        # Only risks that differ need their grades: one equal in itself and in what grading reads of it has
        # the same grade at both sides, even when what it reads was not loaded (it is missing at both).
        old_risks = {r["id"]: r for d in docs["old"].values() for r in _risks(d)}
        new_risks = {r["id"]: r for d in docs["new"].values() for r in _risks(d)}
        need(r for k, r in old_risks.items() if new_risks.get(k) != r)
        need(r for k, r in new_risks.items() if old_risks.get(k) != r)
        unchanged_risks = [r for k, r in new_risks.items() if old_risks.get(k) == r]
        whole: dict[str, dict] = {}  # unchanged files whose risks may be regraded
        sliced: dict[str, dict] = {}  # unchanged files read for their posts and powers only
        while True:
            context = [*changed_docs, *whole.values(), *sliced.values()]
            posts = _posts_of(context)
            # Posts whose powers changed regrade the risks naming them, wherever those posts are defined.
            moved_posts = changed_posts | {p for p, held in posts.items() if held & changed_powers}
            regraded = {i.encode() for i in moved_posts | changed_processes}
            for risks in (unchanged_risks, *(_risks(doc) for doc in whole.values())):
                need(r for r in risks if set(r.get("posts") or ()) & moved_posts
                     or r.get("process") in changed_processes)
            need_powers = {power for p in need_posts for power in posts.get(p, ())}
            missing = (need_posts - posts.keys()) | (need_powers - _power_ids(context))
            missing_tokens = {i.encode(): i for i in missing}
            mentioned = {i.encode() for i in need_processes | changed_powers}
            to_parse, to_slice = [], []
            for rel in unchanged:
                if rel in whole:
                    continue
                tokens = self.tokens(rel)
                if tokens & regraded:
                    to_parse.append(rel)
                elif rel in sliced:
                    continue
                elif tokens & mentioned or any(defines(self.read_shared(rel), missing_tokens[t])
                                               for t in tokens & missing_tokens.keys()):
                    to_slice.append(rel)
            if not to_parse and not to_slice:
                return {**sliced, **whole}
            for rel in to_parse:
                sliced.pop(rel, None)
            whole.update(self.parse(self.shared_side, to_parse, shared=True))
            sliced.update(self._slice(to_slice, missing))
            if self.problems:
                return {}

    def _slice(self, rels: list[str], missing: set[str]) -> dict[str, dict]:
        """The posts and powers of unchanged files, without parsing their risks; a file that cannot be cut
        cleanly is parsed whole."""
        found: dict[str, dict] = {}
        whole: list[str] = []
        for rel in rels:
            raw = self.read_shared(rel)
            section = grading_sections(raw, PurePosixPath(rel).stem)
            result = check_file(section, rel) if section is not None else None
            data = result.data if result is not None and not result.diagnostics else None
            if isinstance(data, dict):
                defined = {p["id"] for p in data.get("posts") or ()} | _power_ids([data])
                tokens = self.tokens(rel)
                if all(i in defined for i in missing if i.encode() in tokens and defines(raw, i)):
                    found[rel] = data
                    self.parsed["sliced"].append(rel)
                    continue
            whole.append(rel)
        found.update(self.parse(self.shared_side, whole, shared=True))
        return found


class _Batch:
    """Some files of one version, already read, as a ``Source`` for ``read_register`` (which parses in parallel)."""

    parallel_safe = True
    keeps_bytes = True
    root = Path(".")

    def __init__(self, files: dict[str, bytes]):
        self.files = files

    def department_files(self) -> list[str]:
        return [rel for rel in self.files if rel != ORG_FILE]

    def read(self, rel: str) -> bytes:
        if rel == ORG_FILE and rel not in self.files:
            return _STUB_ORG
        return self.files[rel]

    def blob_id(self, rel: str) -> str:
        return blob_id(self.read(rel))


# read_register always reads an org.yaml; a batch without one gets this (its result is dropped).
_STUB_ORG = b"schema_version: 1\norg: {id: x, name: x}\nyear: 2000\ngrading: {method: matrix}\n"


def load_pair(old: Source | None, new: Source | None, *, cache: FileCache | None = None) -> LoadedPair:
    """The two versions as typed registers, parsing only what the diff needs (``None``: no register there).

    ``cache`` is the work tree's ``lz validate`` cache: a file found there (by content) is not parsed again.
    """
    return _PairLoader(old, new, cache).load()


# --- the whole command, for git revisions ------------------------------------------------------------------------


@dataclass
class DiffRun:
    diff: RegisterDiff | None  # None when a version has errors
    problems: list[Problem]
    notes: list[str]  # how years were resolved, where the register was found
    labels: dict[str, str]  # side -> label of its version
    folders: dict[str, str]  # side -> register folder, relative to the repository top
    parsed: dict[str, list[str]]
    places: dict[str, str] = field(default_factory=dict)  # side -> how its files are shown (`2024:registers`)

    def location(self, problem: Problem) -> str:
        """``2024:registers/departments/a.yaml:3:5`` (git's rev:path) or a work-tree path, for messages."""
        d = problem.diagnostic
        place = self.places.get(problem.side, "")
        path = f"{place}{d.file}" if place.endswith((":", "/")) else f"{place}/{d.file}" if place else d.file
        return f"{path}:{d.line}:{d.column}"


def diff_revisions(rev_a: str, rev_b: str, *, register: Path | None = None, start: Path | None = None) -> DiffRun:
    """Compare the register at two revisions of the git repository holding ``register`` (or ``start``).

    ``register`` is the register folder in the work tree; its path relative to the repository top is where
    the register is looked for at each revision. Raises ``gitsource.GitError`` for usage errors.
    """
    from lianzheng_cli.load import git as gitsource  # gitpython is imported only when git is used

    repo = gitsource.open_repository(register or start or Path.cwd())
    if repo.bare:
        raise gitsource.GitError(gitsource.tr("git.no_worktree", path=repo.git_dir))
    try:
        old = gitsource.resolve_revision(repo, rev_a)
        new = gitsource.resolve_revision(repo, rev_b)
        expected = gitsource.register_folder(repo, register) if register else gitsource.REGISTERS_DIR
        located = {"old": gitsource.locate_register(repo, old, expected),
                   "new": gitsource.locate_register(repo, new, expected)}
        # The work tree's validate cache holds files by content: good for any revision's identical files.
        worktree = register or Path(repo.working_tree_dir) / expected
        cache = open_cache(worktree) if (worktree / ORG_FILE).is_file() else None
        pair = load_pair(located["old"].source, located["new"].source, cache=cache)
    finally:
        repo.close()
    notes = [n for n in (old.note, new.note, located["old"].note, located["new"].note) if n]
    labels = {"old": old.label, "new": new.label}
    folders = {side: loc.folder for side, loc in located.items()}
    places = {}
    for side, revision in (("old", old), ("new", new)):
        folder = folders[side]
        if revision.commit is None:
            places[side] = os.path.relpath(Path(repo.working_tree_dir) / folder)
        else:
            places[side] = f"{revision.rev}:{folder}/" if folder else f"{revision.rev}:"
    if not pair.ok:
        return DiffRun(None, pair.problems, notes, labels, folders, pair.parsed, places)
    result = diff_registers(pair.old, pair.new, from_rev=RevisionRef(old.rev, old.sha, old.label),
                            to_rev=RevisionRef(new.rev, new.sha, new.label))
    return DiffRun(result, [], notes, labels, folders, pair.parsed, places)
