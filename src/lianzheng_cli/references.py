"""Cross-file checks: ids unique across the organization, every reference resolves.

Runs on the plain loaded values (before the typed model), defensively: a file
with schema errors is still checked as far as its shapes allow, so a user sees
every mistake in one run.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Iterator

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.i18n import join_list, tr
from lianzheng_cli.register import Locator, RegisterFiles

# Department, person, post, power, process, risk and warning ids share one
# namespace: a measure's owner may name a department, post or person.
LISTS = {"people": "person", "posts": "post", "powers": "power", "processes": "process",
         "risks": "risk", "warnings": "warning"}


@dataclass(frozen=True, slots=True)
class Site:
    """Where an id is defined or referenced."""

    rel: str
    path: tuple
    subject: str = ""


def _items(doc: Any, key: str) -> Iterator[tuple[int, dict]]:
    items = doc.get(key) if isinstance(doc, dict) else None
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield i, item


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class _Checker:
    def __init__(self, files: RegisterFiles, locator: Locator):
        self.files = files
        self.locator = locator
        self.found: list[Diagnostic] = []
        self.ids: dict[str, tuple[str, Site]] = {}  # id -> (kind, where defined)
        self.steps: dict[str, list[str]] = {}  # process id -> its step ids

    def report(self, code: str, site: Site, message: str, *, key: bool = False) -> None:
        line, col = self.locator.at(site.rel, site.path, key=key)
        self.found.append(Diagnostic(code, Severity.ERROR, site.rel, line, col, message, site.subject))

    def define(self, kind: str, ident: Any, site: Site) -> None:
        ident = _text(ident)
        if ident is None:
            return
        first = self.ids.get(ident)
        if first is None:
            self.ids[ident] = (kind, site)
            return
        line, _ = self.locator.at(first[1].rel, first[1].path)
        self.report("LZ020", site, tr("LZ020", kind=tr(f"kind.{kind}"), id=ident, where=f"{first[1].rel}:{line}"))

    def refer(self, kinds: tuple[str, ...], ident: Any, site: Site, field: str) -> None:
        ident = _text(ident)
        if ident is None:
            return
        known = self.ids.get(ident)
        if known is not None and known[0] in kinds:
            return
        label = tr("kind.owner") if len(kinds) > 1 else tr(f"kind.{kinds[0]}")
        candidates = [i for i, (k, _) in self.ids.items() if k in kinds]
        near = difflib.get_close_matches(ident, candidates, n=1, cutoff=0.6)
        message = (tr("LZ021.suggest", field=field, kind=label, id=ident, suggestion=near[0]) if near
                   else tr("LZ021", field=field, kind=label, id=ident))
        self.report("LZ021", site, message)

    def run(self) -> list[Diagnostic]:
        departments = [(f.rel, f.data) for f in self.files.departments if isinstance(f.data, dict)]
        if not self.files.departments:
            self.found.append(Diagnostic("LZ025", Severity.WARNING, "org.yaml", 1, 1, tr("LZ025")))
        for rel, doc in departments:
            self.define_all(rel, doc)
        for rel, doc in departments:
            self.refer_all(rel, doc)
        org = self.files.org.data
        if isinstance(org, dict) and isinstance(org.get("org"), dict):
            info = org["org"]
            self.refer(("person",), info.get("head"), Site("org.yaml", ("org", "head")), "org.head")
            self.refer(("department",), info.get("inspection"), Site("org.yaml", ("org", "inspection")),
                       "org.inspection")
        return self.found

    def define_all(self, rel: str, doc: dict) -> None:
        ident = _text(doc.get("id"))
        stem = PurePosixPath(rel).stem
        if ident is not None and ident != stem:
            self.report("LZ022", Site(rel, ("id",), ident), tr("LZ022", id=ident, stem=stem))
        self.define("department", ident, Site(rel, ("id",), ident or ""))
        for key, kind in LISTS.items():
            for i, item in _items(doc, key):
                self.define(kind, item.get("id"), Site(rel, (key, i, "id"), _text(item.get("id")) or ""))
        for i, process in _items(doc, "processes"):
            pid = _text(process.get("id")) or ""
            seen: dict[str, Site] = {}
            for j, step in _items(process, "steps"):
                sid = _text(step.get("id"))
                site = Site(rel, ("processes", i, "steps", j, "id"), f"{pid}/{sid}")
                if sid in seen:
                    line, _ = self.locator.at(rel, seen[sid].path)
                    self.report("LZ020", site, tr("LZ020", kind=tr("kind.step"), id=sid, where=f"{rel}:{line}"))
                elif sid is not None:
                    seen[sid] = site
            self.steps.setdefault(pid, list(seen))
        for i, risk in _items(doc, "risks"):
            rid = _text(risk.get("id")) or ""
            seen = {}
            for j, measure in _items(risk, "measures"):
                mid = _text(measure.get("id"))
                site = Site(rel, ("risks", i, "measures", j, "id"), f"{rid}/{mid}")
                if mid in seen:
                    line, _ = self.locator.at(rel, seen[mid].path)
                    self.report("LZ020", site, tr("LZ020", kind=tr("kind.measure"), id=mid, where=f"{rel}:{line}"))
                elif mid is not None:
                    seen[mid] = site

    def refer_all(self, rel: str, doc: dict) -> None:
        dept = _text(doc.get("id")) or ""
        for key in ("leader", "supervisor"):
            self.refer(("person",), doc.get(key), Site(rel, (key,), dept), key)
        for i, person in _items(doc, "people"):
            subject = _text(person.get("id")) or ""
            self.refer(("post",), person.get("post"), Site(rel, ("people", i, "post"), subject), "post")
        for i, post in _items(doc, "posts"):
            subject = _text(post.get("id")) or ""
            for j, power in enumerate(post.get("powers") or []):
                self.refer(("power",), power, Site(rel, ("posts", i, "powers", j), subject), "powers")
        for i, power in _items(doc, "powers"):
            subject = _text(power.get("id")) or ""
            self.refer(("process",), power.get("process"), Site(rel, ("powers", i, "process"), subject), "process")
        for i, process in _items(doc, "processes"):
            pid = _text(process.get("id")) or ""
            for j, step in _items(process, "steps"):
                site = Site(rel, ("processes", i, "steps", j, "post"), f"{pid}/{_text(step.get('id')) or ''}")
                self.refer(("post",), step.get("post"), site, "post")
        factors_required = self._grading_method() == "factors"
        for i, risk in _items(doc, "risks"):
            self.refer_risk(rel, i, risk, factors_required)
        for i, warning in _items(doc, "warnings"):
            subject = _text(warning.get("id")) or ""
            self.refer(("risk",), warning.get("risk"), Site(rel, ("warnings", i, "risk"), subject), "risk")

    def refer_risk(self, rel: str, i: int, risk: dict, factors_required: bool) -> None:
        rid = _text(risk.get("id")) or ""
        process = _text(risk.get("process"))
        step = _text(risk.get("step"))
        self.refer(("process",), process, Site(rel, ("risks", i, "process"), rid), "process")
        # A step without its process is a schema finding (LZ023, `dependencies`).
        if step is not None and process is not None:
            if process in self.steps and step not in self.steps[process]:
                self.report("LZ021", Site(rel, ("risks", i, "step"), rid), tr(
                    "LZ021.step", id=step, process=process, steps=join_list(self.steps[process])))
        for j, post in enumerate(risk.get("posts") or [] if isinstance(risk.get("posts"), list) else []):
            self.refer(("post",), post, Site(rel, ("risks", i, "posts", j), rid), "posts")
        for j, measure in _items(risk, "measures"):
            site = Site(rel, ("risks", i, "measures", j, "owner"), f"{rid}/{_text(measure.get('id')) or ''}")
            self.refer(("department", "post", "person"), measure.get("owner"), site, "owner")
        if factors_required and not isinstance(risk.get("factors"), dict):
            self.report("LZ024", Site(rel, ("risks", i), rid), tr("LZ024"), key=True)

    def _grading_method(self) -> str | None:
        org = self.files.org.data
        grading = org.get("grading") if isinstance(org, dict) else None
        return grading.get("method") if isinstance(grading, dict) else None


def check_references(files: RegisterFiles, locator: Locator) -> list[Diagnostic]:
    return _Checker(files, locator).run()
