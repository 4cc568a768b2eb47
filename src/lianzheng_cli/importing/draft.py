"""The register being imported, before it is written: names as the sheets give them, ids once resolved,
and the cell every value came from (``Place``), so a later ``lz import --update`` can say where a value
in the register stands in the workbook and the other way round.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from lianzheng_cli.importing.grid import Place
from lianzheng_cli.vocab import Grade


@dataclass(slots=True, eq=False)  # an entity: compared by identity
class DraftMeasure:
    text: str
    stage: str | None
    place: Place
    owner_names: list[str] = field(default_factory=list)  # 责任主体 as written (the first that resolves is taken)
    owner: str | None = None  # resolved id
    kind: str | None = None


@dataclass(slots=True, eq=False)  # an entity: compared by identity
class DraftRisk:
    title: str
    description: str
    place: Place  # the risk text's cell; its row is the risk's row
    cols: dict[str, int]  # field → the column each value came from, in the risk's row (see ``cell``)
    code: str = ""  # the id the sheet gives (folded), '' when none
    type: str | None = None  # canonical, or a word to add to the vocabulary
    type_assumed: bool = False
    process_name: str | None = None
    step_name: str | None = None
    post_names: list[str] = field(default_factory=list)
    grade: Grade | None = None
    grade_written: str | None = None
    likelihood: int | None = None
    impact: int | None = None
    measures: list[DraftMeasure] = field(default_factory=list)
    power_name: str | None = None
    person_names: list[str] = field(default_factory=list)  # 责任人: people of the risk's post
    # resolved
    id: str = ""
    posts: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    process: str | None = None
    step: str | None = None
    applies_to: str | None = None
    scores_assumed: bool = False

    def cell(self, name: str, default: Place | None = None) -> Place:
        """The cell ``name`` (a field: ``grade``, ``posts`` …) was read from; ``default`` (the risk text's) if none."""
        col = self.cols.get(name)
        if col is None:
            return default or self.place
        place = self.place
        return Place(place.file, place.sheet, place.row, col)


@dataclass(slots=True, eq=False)  # an entity: compared by identity
class DraftPost:
    name: str
    place: Place | None
    id: str = ""
    duties: str | None = None
    powers: list[str] = field(default_factory=list)


@dataclass(slots=True, eq=False)  # an entity: compared by identity
class DraftPerson:
    name: str
    post: DraftPost
    place: Place
    since: date | None = None
    since_assumed: bool = False
    id: str = ""


@dataclass(slots=True, eq=False)  # an entity: compared by identity
class DraftStep:
    name: str
    id: str


@dataclass(slots=True, eq=False)  # an entity: compared by identity
class DraftProcess:
    name: str
    place: Place
    id: str = ""
    steps: dict[str, DraftStep] = field(default_factory=dict)

    def step(self, name: str) -> DraftStep:
        found = self.steps.get(name)
        if found is None:
            found = self.steps[name] = DraftStep(name, f"S{len(self.steps) + 1}")
        return found


@dataclass(slots=True, eq=False)  # an entity: compared by identity
class DraftPower:
    name: str
    place: Place
    code: str = ""
    id: str = ""
    scope: str = "内部"
    category: str = "其他"
    sanzhong_yida: bool = False
    basis: list[str] = field(default_factory=list)
    process_name: str | None = None
    process: str | None = None
    holder_names: list[str] = field(default_factory=list)
    content: str | None = None
    details: dict[str, str] = field(default_factory=dict)  # conditions, procedure … (format 1.1)


@dataclass(slots=True, eq=False)  # an entity: compared by identity
class DraftDepartment:
    name: str
    place: Place
    id: str = ""
    kind: str = "内设机构"
    posts: dict[str, DraftPost] = field(default_factory=dict)
    people: list[DraftPerson] = field(default_factory=list)
    powers: list[DraftPower] = field(default_factory=list)
    processes: dict[str, DraftProcess] = field(default_factory=dict)
    risks: list[DraftRisk] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # 「file」sheet names the department was read from

    def post(self, name: str, place: Place | None) -> DraftPost:
        found = self.posts.get(name)
        if found is None:
            found = self.posts[name] = DraftPost(name, place)
        return found

    def process(self, name: str, place: Place) -> DraftProcess:
        found = self.processes.get(name)
        if found is None:
            found = self.processes[name] = DraftProcess(name, place)
        return found

    @property
    def measures(self) -> int:
        return sum(len(r.measures) for r in self.risks)


@dataclass(slots=True, eq=False)  # an entity: compared by identity
class DraftParty:
    name: str
    id: str = ""


@dataclass
class Draft:
    org_name: str | None = None
    year: int | None = None
    departments: dict[str, DraftDepartment] = field(default_factory=dict)
    parties: dict[str, DraftParty] = field(default_factory=dict)
    grade_styles: Counter = field(default_factory=Counter)  # display styles the sheets wrote grades in
    added_types: list[str] = field(default_factory=list)  # risk types outside the vocabulary (format 1.1)
    org_id: str = ""

    def department(self, name: str, place: Place) -> DraftDepartment:
        found = self.departments.get(name)
        if found is None:
            found = self.departments[name] = DraftDepartment(name, place)
        return found

    def party(self, name: str) -> DraftParty:
        found = self.parties.get(name)
        if found is None:
            found = self.parties[name] = DraftParty(name)
        return found

    @property
    def risks(self) -> int:
        return sum(len(d.risks) for d in self.departments.values())

    @property
    def measures(self) -> int:
        return sum(d.measures for d in self.departments.values())
