"""Cross-file checks: ids unique across the organization, every reference resolves.

Each file is reduced to a small *summary* (the ids it defines and the ids it
refers to, by kind) where it is loaded: in a worker process, or from the
cache. The cross-file check then works on summaries alone; only when it finds
something does it read the file again to say exactly where.

The walk over a document is defensive: a file with schema errors is still
checked as far as its shapes allow, so a user sees every mistake in one run.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Any

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.i18n import join_list, tr
from lianzheng_cli.load.parse import Positions
from lianzheng_cli.load.paths import subject_at
from lianzheng_cli.load.positions import Locator

# Department, person, post, power, process, risk, warning and party ids share one
# namespace: a measure's owner may name a department, post, person or (1.1) party.
LISTS = {"people": "person", "posts": "post", "powers": "power", "processes": "process",
         "risks": "risk", "warnings": "warning"}
OWNER_KINDS = ("department", "post", "person", "party")

Summary = dict[str, Any]  # plain data only: it is marshalled into the cache
Locate = Callable[[tuple, bool], tuple[int, int]]
Found = tuple[str, str, tuple]  # (kind, id, path) of a definition or a reference


def _items(doc: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    items = doc.get(key) if isinstance(doc, dict) else None
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield i, item


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _ids(values: Any) -> Iterator[tuple[int, str]]:
    if isinstance(values, list):
        for j, value in enumerate(values):
            if _text(value):
                yield j, value


def iter_definitions(doc: Any) -> Iterator[Found]:
    """(kind, id, path) of every id a department file defines; steps as ``process/step``; of org.yaml, its
    parties."""
    if not isinstance(doc, dict):
        return
    for i, party in _items(doc, "parties"):
        if _text(party.get("id")):
            yield "party", party["id"], ("parties", i, "id")
    if _text(doc.get("id")):
        yield "department", doc["id"], ("id",)
    for key, kind in LISTS.items():
        for i, item in _items(doc, key):
            if _text(item.get("id")):
                yield kind, item["id"], (key, i, "id")
    for i, process in _items(doc, "processes"):
        pid = _text(process.get("id")) or ""
        for j, step in _items(process, "steps"):
            if _text(step.get("id")):
                yield "step", f"{pid}/{step['id']}", ("processes", i, "steps", j, "id")


def iter_references(doc: Any) -> Iterator[Found]:
    """(kind, id, path) of every reference in a department file; ``owner`` means department, post or person."""
    if not isinstance(doc, dict):
        return
    for key in ("leader", "supervisor"):
        if _text(doc.get(key)):
            yield "person", doc[key], (key,)
    for i, person in _items(doc, "people"):
        if _text(person.get("post")):
            yield "post", person["post"], ("people", i, "post")
    for i, post in _items(doc, "posts"):
        for j, power_id in _ids(post.get("powers")):
            yield "power", power_id, ("posts", i, "powers", j)
    for i, power in _items(doc, "powers"):
        if _text(power.get("process")):
            yield "process", power["process"], ("powers", i, "process")
    for i, process in _items(doc, "processes"):
        for j, step in _items(process, "steps"):
            if _text(step.get("post")):
                yield "post", step["post"], ("processes", i, "steps", j, "post")
    for i, risk in _items(doc, "risks"):
        process_id, step_id = _text(risk.get("process")), _text(risk.get("step"))
        if process_id:
            yield "process", process_id, ("risks", i, "process")
            if step_id:  # a step without its process is a schema finding (LZ023)
                yield "step", f"{process_id}/{step_id}", ("risks", i, "step")
        for j, post_id in _ids(risk.get("posts")):
            yield "post", post_id, ("risks", i, "posts", j)
        for j, party_id in _ids(risk.get("parties")):
            yield "party", party_id, ("risks", i, "parties", j)
        for j, measure in _items(risk, "measures"):
            if _text(measure.get("owner")):
                yield "owner", measure["owner"], ("risks", i, "measures", j, "owner")
    for i, warning in _items(doc, "warnings"):
        if _text(warning.get("risk")):
            yield "risk", warning["risk"], ("warnings", i, "risk")
        if _text(warning.get("person")):
            yield "person", warning["person"], ("warnings", i, "person")


def _risks_without_factors(doc: Any) -> Iterator[tuple]:
    for i, risk in _items(doc, "risks"):
        if not isinstance(risk.get("factors"), dict):
            yield ("risks", i)


def summarize(doc: Any) -> Summary:
    """What the cross-file check needs of one department file (plain, marshallable data)."""
    defines: dict[str, list[str]] = {}
    refers: dict[str, list[str]] = {}
    for kind, ident, _ in iter_definitions(doc):
        defines.setdefault(kind, []).append(ident)
    for kind, ident, _ in iter_references(doc):
        refers.setdefault(kind, []).append(ident)
    risks = [r for _, r in _items(doc, "risks")]
    return {
        "defines": defines,
        "refers": refers,
        "risks": len(risks),
        "measures": sum(len(r.get("measures") or ()) if isinstance(r.get("measures"), list) else 0 for r in risks),
        "no_factors": sum(1 for _ in _risks_without_factors(doc)),
    }


# An id a department file defines, as its lines usually write it: `id: x` alone, after `- ` or inside `{…}`.
_ID_DEFINED = re.compile(r"""(?m)(?:^[ \t]*(?:-[ \t]+)?|[{,][ \t]*)id[ \t]*:[ \t]*["']?([A-Za-z0-9][A-Za-z0-9._-]*)""")


def salvage_definitions(raw: bytes, rel: str) -> list[str]:
    """The ids a department file that did not load seems to define (its stem is its department's id).

    References to them elsewhere are not reported while the file cannot be read: they are most likely right,
    and the file's own error is the one to fix (``check_references``' ``unloaded``).
    """
    text = raw.decode("utf-8", errors="replace")
    return list(dict.fromkeys([PurePosixPath(rel).stem, *(m.group(1) for m in _ID_DEFINED.finditer(text))]))


def local_checks(rel: str, doc: Any, locate: Locate) -> list[Diagnostic]:
    """Findings within one department file: its id against its name, step and measure ids unique in their parent."""
    found: list[Diagnostic] = []
    if not isinstance(doc, dict):
        return found

    def report(code: str, path: tuple, message: str) -> None:
        line, col = locate(path, False)
        found.append(Diagnostic(code, Severity.ERROR, rel, line, col, message, subject_at(doc, path)))

    stem = PurePosixPath(rel).stem
    if _text(doc.get("id")) and doc["id"] != stem:
        report("LZ022", ("id",), tr("LZ022", id=doc["id"], stem=stem))
    for parent_key, child_key, kind in (("processes", "steps", "step"), ("risks", "measures", "measure")):
        for i, parent in _items(doc, parent_key):
            seen: dict[str, tuple] = {}
            for j, child in _items(parent, child_key):
                ident = _text(child.get("id"))
                path = (parent_key, i, child_key, j, "id")
                if ident in seen:
                    line, _ = locate(seen[ident], False)
                    report("LZ020", path, tr("LZ020", kind=tr(f"kind.{kind}"), id=ident, where=f"{rel}:{line}"))
                elif ident is not None:
                    seen[ident] = path
    return found


def check_references(org: Any, summaries: dict[str, Summary], reread: Locator,
                     unloaded: dict[str, list[str]] | None = None) -> tuple[list[Diagnostic], dict[str, int]]:
    """Duplicate ids and dangling references across the register, located; org.yaml's parties first, so a
    department file reusing a party's id is the one told.

    ``unloaded`` gives, for each department file that did not load, the ids it seems to define: a reference to
    one of them is not reported but counted against that file (the second value), whose own error says so.
    """
    parties: dict[str, list[str]] = {}
    for kind, ident, _ in iter_definitions(org):
        parties.setdefault(kind, []).append(ident)
    if parties:
        summaries = {"org.yaml": {"defines": parties, "refers": {}, "risks": 0, "measures": 0, "no_factors": 0},
                     **summaries}
    check = _ReferenceCheck(summaries, reread, unloaded or {})
    check.duplicates()
    check.dangling()
    check.org_references(org)
    check.missing_factors(org)
    return check.found, check.behind


class _ReferenceCheck:
    """The ids the summaries define, and the findings against them; files are re-read only to locate."""

    def __init__(self, summaries: dict[str, Summary], reread: Locator, unloaded: dict[str, list[str]]):
        self.summaries = summaries
        self.reread = reread
        self.found: list[Diagnostic] = []
        self.unloaded = {ident: rel for rel, idents in unloaded.items() for ident in idents}
        # ids are usually written with their department's id in front (wmfz-R01): those wait too
        self.unloaded_prefixes = {PurePosixPath(rel).stem + "-": rel for rel in unloaded}
        self.behind: dict[str, int] = {}  # file that did not load -> references to its ids not reported
        self.first: dict[str, tuple[str, str]] = {}  # id -> (kind, rel)
        self.later: list[tuple[str, str, str]] = []  # (kind, id, rel of a later definition)
        self.steps: dict[str, list[str]] = {}
        self.suggestions = Suggestions(self.first)
        for rel, summary in summaries.items():
            for kind, idents in summary["defines"].items():
                if kind == "step":
                    for ident in idents:
                        process, _, step = ident.partition("/")
                        self.steps.setdefault(process, []).append(step)
                    continue
                for ident in idents:
                    if ident in self.first:
                        self.later.append((kind, ident, rel))
                    else:
                        self.first[ident] = (kind, rel)

    def held_back(self, kind: str, ident: str) -> bool:
        """Whether a dangling reference names an id of a file that did not load (then it is counted, not reported)."""
        ident = ident.partition("/")[0] if kind == "step" else ident
        rel = self.unloaded.get(ident)
        if rel is None and self.unloaded_prefixes and "-" in ident:
            rel = self.unloaded_prefixes.get(ident[:ident.index("-") + 1])
        if rel is not None:
            self.behind[rel] = self.behind.get(rel, 0) + 1
        return rel is not None

    def exists(self, kind: str, ident: str) -> bool:
        if kind == "step":
            process, _, step = ident.partition("/")
            # an unknown process is reported on its own
            return process not in self.steps or step in self.steps[process]
        known = self.first.get(ident)
        return known is not None and (known[0] in OWNER_KINDS if kind == "owner" else known[0] == kind)

    def reread_file(self, rel: str, *, definitions: bool) -> tuple[Positions, Iterator[Found]]:
        """The file's positions, and its definitions (or references) read from its values again."""
        positions = self.reread.positions(rel)
        walk = iter_definitions if definitions else iter_references
        return positions, walk(positions.data)

    def report(self, code: str, rel: str, path: tuple, positions: Positions, message: str, *,
               key: bool = False) -> None:
        line, col = positions.find(path, key=key)
        self.found.append(Diagnostic(code, Severity.ERROR, rel, line, col, message, subject_at(positions.data, path)))

    def duplicates(self) -> None:
        """Each later definition, naming where the id was first defined."""
        for kind, ident, rel in _unique(self.later):
            first_kind, first_rel = self.first[ident]
            first_positions, defined = self.reread_file(first_rel, definitions=True)
            first_path = next((p for k, i, p in defined if i == ident and k == first_kind), ())
            first_line = first_positions.find(first_path)[0]
            positions, defined = self.reread_file(rel, definitions=True)
            later = [p for k, i, p in defined if i == ident and k != "step"]
            if rel == first_rel:
                later = later[1:]
            for path in later:
                self.report("LZ020", rel, path, positions,
                            tr("LZ020", kind=tr(f"kind.{kind}"), id=ident, where=f"{first_rel}:{first_line}"))

    def dangling(self) -> None:
        for rel, summary in self.summaries.items():
            missing = {(kind, ident) for kind, idents in summary["refers"].items() for ident in idents
                       if not self.exists(kind, ident)}
            if not missing:
                continue
            positions, references = self.reread_file(rel, definitions=False)
            for kind, ident, path in references:
                if (kind, ident) in missing and not self.held_back(kind, ident):
                    message = _dangling_message(kind, ident, path, self.suggestions, self.steps)
                    self.report("LZ021", rel, path, positions, message)

    def org_references(self, org: Any) -> None:
        if not (isinstance(org, dict) and isinstance(org.get("org"), dict)):
            return
        for key, kind in (("head", "person"), ("inspection", "department"), ("party", "department")):
            ident = _text(org["org"].get(key))
            if ident and not self.exists(kind, ident) and not self.held_back(kind, ident):
                self.report("LZ021", "org.yaml", ("org", key), self.reread.positions("org.yaml"),
                            _dangling_message(kind, ident, ("org", key), self.suggestions, self.steps))

    def missing_factors(self, org: Any) -> None:
        """The factors method needs factors on every risk."""
        grading = org.get("grading") if isinstance(org, dict) else None
        if not (isinstance(grading, dict) and grading.get("method") == "factors"):
            return
        for rel, summary in self.summaries.items():
            if summary["no_factors"]:
                positions = self.reread.positions(rel)
                for path in _risks_without_factors(positions.data):
                    self.report("LZ024", rel, path, positions, tr("LZ024"), key=True)


def _unique(items: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return list(dict.fromkeys(items))


class Suggestions:
    """The nearest defined id to a dangling one ("did you mean"), at a bounded cost per question.

    The ids of a kind are sorted twice, as written and written backwards; an id typed wrong shares a long start
    or a long end with the id meant, so the ids next to it in either order are the candidates (at most
    ``4 × NEIGHBOURS``), compared with difflib. Each list is built once, when first asked; answers are kept.
    """

    NEIGHBOURS = 64

    def __init__(self, first: dict[str, tuple[str, str]]):
        self._first = first
        self._sorted: dict[tuple[str, ...], tuple[list[str], list[str]]] = {}
        self._answers: dict[tuple[tuple[str, ...], str], str | None] = {}

    def nearest(self, kinds: tuple[str, ...], ident: str) -> str | None:
        if (kinds, ident) not in self._answers:
            self._answers[(kinds, ident)] = self._search(kinds, ident)
        return self._answers[(kinds, ident)]

    def _search(self, kinds: tuple[str, ...], ident: str) -> str | None:
        lists = self._sorted.get(kinds)
        if lists is None:
            forward = sorted(i for i, (k, _) in self._first.items() if k in kinds)
            lists = self._sorted[kinds] = (forward, sorted(i[::-1] for i in forward))
        forward, backward = lists
        candidates = dict.fromkeys([*_around(forward, ident, self.NEIGHBOURS),
                                    *(c[::-1] for c in _around(backward, ident[::-1], self.NEIGHBOURS))])
        near = difflib.get_close_matches(ident, list(candidates), n=1, cutoff=0.6)
        return near[0] if near else None


def _around(ordered: list[str], key: str, count: int) -> list[str]:
    """The ``count`` items on each side of where ``key`` would stand in ``ordered``."""
    at = bisect.bisect_left(ordered, key)
    return ordered[max(0, at - count): at + count]


def _dangling_message(kind: str, ident: str, path: tuple, suggestions: Suggestions,
                      steps: dict[str, list[str]]) -> str:
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    if kind == "step":
        process, _, step = ident.partition("/")
        return tr("LZ021.step", id=step, process=process, steps=join_list(steps.get(process, [])))
    kinds = OWNER_KINDS if kind == "owner" else (kind,)
    label = tr("kind.owner") if kind == "owner" else tr(f"kind.{kind}")
    near = suggestions.nearest(kinds, ident)
    if near:
        return tr("LZ021.suggest", field=field, kind=label, id=ident, suggestion=near)
    return tr("LZ021", field=field, kind=label, id=ident)
