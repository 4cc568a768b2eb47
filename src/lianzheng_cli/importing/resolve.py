"""Names to objects and ids: the posts, parties, processes, powers and people every risk and measure names.

Order, so the same workbook always gives the same ids: codes from the sheets first (a code given twice is
made unique and reported), then department ids (the prefix the department's codes share, ``wmfz`` of
``wmfz-R01``, else 拼音首字母), then everything else in the order the sheets list it.

A 涉及对象 is a post of the risk's department, else the one post of that name elsewhere (a 领导班子 post
named by a department's risk), else an outside party (施工单位, 各科室), else a new post of the department.
A 责任主体 is a department, post, person or party of that name; a name in a 责任人 column becomes a person
of the risk's post when the risk names exactly one. Nothing is invented beyond what the format requires:
a risk's likelihood and impact and a person's 任职日期 are written from the grade and the year, reported.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from lianzheng_cli.i18n import messages
from lianzheng_cli.importing.draft import (
    Draft,
    DraftDepartment,
    DraftMeasure,
    DraftParty,
    DraftPerson,
    DraftPost,
    DraftPower,
    DraftProcess,
    DraftRisk,
)
from lianzheng_cli.importing.grid import Place
from lianzheng_cli.importing.ids import Ids, initials
from lianzheng_cli.importing.problems import Problems
from lianzheng_cli.importing.words import RISK_TYPES, common_scope, is_party
from lianzheng_cli.vocab import Grade

tr = messages({
    "resolve.duplicate_code": {
        "zh": "编号「{code}」重复（已用于{first}），此处改为「{id}」",
        "en": "code “{code}” is given twice (first at {first}); here it became “{id}”",
    },
    "resolve.unknown_power": {
        "zh": "职权「{name}」不在职权目录中，风险点未与职权关联",
        "en": "power “{name}” is not in the 职权目录; the risk is not linked to a power",
    },
    "resolve.unknown_owner": {
        "zh": "责任主体「{name}」不是已知的部门、岗位、人员或外部单位，措施未写责任主体",
        "en": "owner “{name}” is no known department, post, person or outside party; the measure has no owner",
    },
    "resolve.assumed_type": {
        "zh": "{count} 个风险点没有风险类型（无类型列、无分节行），暂写为「岗位职责」，请核对（如 {cell}）",
        "en": "{count} risks have no risk type (no type column, no section row); written as 岗位职责 for you to "
              "check (e.g. {cell})",
    },
    "resolve.added_type": {
        "zh": "风险类型「{word}」不在内置词表中，已加入 org.yaml 的 vocabulary.add.risk_type（格式 1.1），请核对",
        "en": "risk type “{word}” is not built in; added to vocabulary.add.risk_type in org.yaml (format 1.1): "
              "check it",
    },
    "resolve.assumed_scores": {
        "zh": "表中没有发生概率和危害程度：{count} 个风险点按其等级写入（高 4×4、中 3×3、低 2×2，无等级 3×3），请评定",
        "en": "the sheet gives no likelihood or impact: {count} risks got them from their grade (高 4×4, 中 3×3, "
              "低 2×2, none 3×3); score them",
    },
    "resolve.no_posts": {
        "zh": "{count} 个风险点没有涉及对象，记为全部门的风险点（`applies_to: 部门`，格式 1.1）（如 {cell}）",
        "en": "{count} risks name no 涉及对象; recorded as risks of the whole department (applies_to: 部门, "
              "format 1.1) (e.g. {cell})",
    },
    "resolve.step_without_process": {
        "zh": "有关键环节而没有流程：环节记入流程「{process}」",
        "en": "steps without a process: they are placed in the process “{process}”",
    },
    "resolve.since": {
        "zh": "{count} 名人员没有任职日期，暂写为 {day}，请核实",
        "en": "{count} people have no 任职日期; {day} is written for you to check",
    },
})

ASSUMED_TYPE = "岗位职责"
SCORES_OF_GRADE = {Grade.HIGH: (4, 4), Grade.MEDIUM: (3, 3), Grade.LOW: (2, 2), None: (3, 3)}


class Resolver:
    def __init__(self, draft: Draft, problems: Problems):
        self.draft = draft
        self.problems = problems
        self.ids = Ids()
        self.departments = list(draft.departments.values())
        self.risk_posts: dict[int, list[DraftPost]] = {}  # by id() of the risk, until ids are written
        self.risk_parties: dict[int, list[DraftParty]] = defaultdict(list)
        self.post_powers: dict[int, list[DraftPower]] = defaultdict(list)  # by id() of the post
        self.risk_process: dict[int, DraftProcess] = {}
        # names to the posts and people of every department, kept as posts and people are added
        self.posts_named: dict[str, list[DraftPost]] = defaultdict(list)
        self.department_of: dict[int, DraftDepartment] = {}  # by id() of a post
        self.people_named: dict[str, list[DraftPerson]] = defaultdict(list)
        for department in self.departments:
            for post in department.posts.values():
                self.posts_named[post.name].append(post)
                self.department_of[id(post)] = department
            for person in department.people:
                self.people_named[person.name].append(person)
        self.process_owner = self._process_owners()
        self.owner_of: dict[int, object] = {}
        self.reported: set[tuple[str, str]] = set()

    def run(self) -> None:
        self._claim_codes()
        for department in self.departments:
            department.id = self._department_id(department)
        self.draft.org_id = initials(self.draft.org_name or "") or "org"
        for department in self.departments:
            self._link_powers(department)
            for risk in department.risks:
                self._link_risk(department, risk)
        for department in self.departments:
            for risk in department.risks:
                self._link_power_of_risk(department, risk)
                for measure in risk.measures:
                    self._link_owner(department, risk, measure)
        self._assign_ids()
        self._write_ids()
        self._fill_required()

    # --- codes and department ids -------------------------------------------------------------------
    def _claim_codes(self) -> None:
        first: dict[str, str] = {}
        coded: list[DraftRisk | DraftPower] = [r for d in self.departments for r in d.risks if r.code]
        coded += [p for d in self.departments for p in d.powers if p.code]
        for item in coded:
            item.id = self.ids.claim(item.code)
            where = f"「{item.place.sheet}」{item.place.cell}"
            if item.id != item.code:
                place = item.cell("code") if isinstance(item, DraftRisk) else item.place
                self.problems.at("LZ630", place, tr("resolve.duplicate_code", code=item.code,
                                                    first=first.get(item.code, "?"), id=item.id))
            first.setdefault(item.code, where)

    def _department_id(self, department: DraftDepartment) -> str:
        codes = [r.id for r in department.risks if r.id] + [p.id for p in department.powers if p.id]
        prefixes = Counter(code.split("-", 1)[0] for code in codes if "-" in code)
        if prefixes:
            prefix, count = prefixes.most_common(1)[0]
            taken = prefix in self.ids.taken or any(d.id == prefix for d in self.departments)
            if count * 2 > len(codes) and not taken:  # most of the department's codes start with it
                return self.ids.claim(prefix)
        return self.ids.named("", department.name, "d")

    # --- names to objects -----------------------------------------------------------------------------
    def _process_owners(self) -> dict[str, DraftDepartment]:
        """A process named by the 运行流程 of a department's power is that department's, whoever's risk names it
        (a 领导班子 risk on a department's approval process). Named by several: a department that is no 领导班子
        (its powers run through the departments' processes), then the one whose risks name it most."""
        owners: dict[str, list[DraftDepartment]] = defaultdict(list)
        for department in self.departments:
            for power in department.powers:
                if power.process_name and department not in owners[power.process_name]:
                    owners[power.process_name].append(department)

        def preference(name: str, department: DraftDepartment) -> tuple[bool, int]:
            return department.kind == "领导班子", -sum(r.process_name == name for r in department.risks)

        return {name: min(found, key=lambda d: preference(name, d)) for name, found in owners.items()}

    def _find_post(self, name: str, department: DraftDepartment) -> DraftPost | None:
        if name in department.posts:
            return department.posts[name]
        others = self.posts_named.get(name, ())
        return others[0] if len(others) == 1 else None

    def _new_post(self, department: DraftDepartment, name: str, place: Place) -> DraftPost:
        known = name in department.posts
        post = department.post(name, place)
        if not known:
            self.posts_named[name].append(post)
            self.department_of[id(post)] = department
        return post

    def _link_powers(self, department: DraftDepartment) -> None:
        for power in department.powers:
            for name in power.holder_names:
                post = self._find_post(name, department) or self._new_post(department, name, power.place)
                if power not in self.post_powers[id(post)]:
                    self.post_powers[id(post)].append(power)

    def _link_risk(self, department: DraftDepartment, risk: DraftRisk) -> None:
        posts: list[DraftPost] = []
        for name in risk.post_names:
            if name == department.name:
                risk.applies_to = "部门"
                continue
            scope = common_scope(name)
            if scope is not None:
                risk.applies_to = scope
                continue
            post = self._find_post(name, department)
            if post is None and is_party(name) and name not in self.draft.departments:
                party = self.draft.party(name)
                if party not in self.risk_parties[id(risk)]:
                    self.risk_parties[id(risk)].append(party)
                continue
            post = post or self._new_post(department, name, risk.cell("posts"))
            if post not in posts:
                posts.append(post)
        self.risk_posts[id(risk)] = posts
        if risk.step_name and not risk.process_name:
            risk.process_name = risk.power_name or f"{department.name}工作流程"
            key = ("step", department.name)
            if key not in self.reported:
                self.reported.add(key)
                self.problems.at("LZ627", risk.cell("step", risk.place),
                                 tr("resolve.step_without_process", process=risk.process_name))
        if risk.process_name:
            owner = self.process_owner.get(risk.process_name, department)
            process = owner.process(risk.process_name, risk.cell("process", risk.place))
            if risk.step_name:
                process.step(risk.step_name)
            self.risk_process[id(risk)] = process
        for name in risk.person_names:
            if len(posts) == 1:
                self._person(name, posts[0], risk)

    def _person(self, name: str, post: DraftPost, risk: DraftRisk) -> DraftPerson:
        owner = self.department_of[id(post)]
        for person in self.people_named.get(name, ()):
            if person in owner.people:
                return person
        person = DraftPerson(name, post, risk.cell("owner_person"))
        owner.people.append(person)
        self.people_named[name].append(person)
        return person

    def _link_power_of_risk(self, department: DraftDepartment, risk: DraftRisk) -> None:
        if not risk.power_name:
            return
        power = next((p for p in department.powers if p.name == risk.power_name), None)
        if power is None:
            found = [p for d in self.departments for p in d.powers if p.name == risk.power_name]
            power = found[0] if len(found) == 1 else None
        if power is None:
            if ("power", risk.power_name) not in self.reported:
                self.reported.add(("power", risk.power_name))
                self.problems.at("LZ640", risk.cell("power", risk.place),
                                 tr("resolve.unknown_power", name=risk.power_name))
            return
        for post in self.risk_posts[id(risk)]:
            if power not in self.post_powers[id(post)]:
                self.post_powers[id(post)].append(power)
        if power.process_name is None and risk.process_name:
            power.process_name = risk.process_name

    def _link_owner(self, department: DraftDepartment, risk: DraftRisk, measure: DraftMeasure) -> None:
        for name in measure.owner_names:
            found = self._owner(name, department, risk)
            if found is not None:
                self.owner_of[id(measure)] = found
                return
        if measure.owner_names and ("owner", measure.owner_names[0]) not in self.reported:
            self.reported.add(("owner", measure.owner_names[0]))
            self.problems.at("LZ652", risk.cell("owner", risk.cell("owner_person", measure.place)),
                             tr("resolve.unknown_owner", name=measure.owner_names[0]))

    def _owner(self, name: str, department: DraftDepartment, risk: DraftRisk) -> object | None:
        if name in self.draft.departments:
            return self.draft.departments[name]
        post = self._find_post(name, department)
        if post is not None:
            return post
        people = self.people_named.get(name)
        if people:
            return next((p for p in people if p in department.people), people[0])
        if name in risk.person_names and len(self.risk_posts[id(risk)]) == 1:
            return self._person(name, self.risk_posts[id(risk)][0], risk)
        if is_party(name):
            return self.draft.party(name)
        return None

    # --- ids ------------------------------------------------------------------------------------------
    def _assign_ids(self) -> None:
        ids = self.ids
        for department in self.departments:
            prefix = f"{department.id}-"
            for post in department.posts.values():
                post.id = ids.named(prefix, post.name, "G")
            for process in department.processes.values():
                process.id = ids.numbered(prefix, "F")
            for power in department.powers:
                if not power.id:
                    power.id = ids.numbered(prefix, "P")
            for risk in department.risks:
                if not risk.id:
                    risk.id = ids.numbered(prefix, "R")
            for person in department.people:
                person.id = ids.named("p-", person.name, "p", person=True)
        for party in self.draft.parties.values():
            party.id = ids.named("", party.name, "party")

    def _write_ids(self) -> None:
        for department in self.departments:
            for post in department.posts.values():
                post.powers = list(dict.fromkeys(p.id for p in self.post_powers.get(id(post), [])))
            for power in department.powers:
                name = power.process_name or ""
                process = self.process_owner.get(name, department).processes.get(name)
                power.process = process.id if process is not None else None
            for risk in department.risks:
                risk.posts = [p.id for p in self.risk_posts.get(id(risk), [])]
                risk.parties = [p.id for p in self.risk_parties.get(id(risk), [])]
                process = self.risk_process.get(id(risk))
                if process is not None:
                    risk.process = process.id
                    risk.step = process.steps[risk.step_name].id if risk.step_name else None
                for measure in risk.measures:
                    owner = self.owner_of.get(id(measure))
                    measure.owner = getattr(owner, "id", None) if owner is not None else None

    # --- what the format requires and the sheet did not give ------------------------------------------
    def _fill_required(self) -> None:
        assumed_type: dict[tuple[str, str], list[DraftRisk]] = defaultdict(list)
        assumed_scores: dict[tuple[str, str], list[DraftRisk]] = defaultdict(list)
        no_posts: dict[tuple[str, str], list[DraftRisk]] = defaultdict(list)
        for department in self.departments:
            for risk in department.risks:
                sheet = (risk.place.file, risk.place.sheet)
                if risk.type is None:
                    risk.type = ASSUMED_TYPE
                    assumed_type[sheet].append(risk)
                elif risk.type not in RISK_TYPES and risk.type not in self.draft.added_types:
                    self.draft.added_types.append(risk.type)
                    self.problems.at("LZ624", risk.cell("type", risk.place),
                                     tr("resolve.added_type", word=risk.type))
                if risk.likelihood is None or risk.impact is None:
                    likelihood, impact = SCORES_OF_GRADE[risk.grade]
                    risk.likelihood = risk.likelihood or likelihood
                    risk.impact = risk.impact or impact
                    risk.scores_assumed = True
                    assumed_scores[sheet].append(risk)
                if not risk.posts and not risk.parties and risk.applies_to is None:
                    risk.applies_to = "部门"
                    no_posts[sheet].append(risk)
        self._since()
        for code, key, groups in (("LZ623", "resolve.assumed_type", assumed_type),
                                  ("LZ625", "resolve.assumed_scores", assumed_scores),
                                  ("LZ626", "resolve.no_posts", no_posts)):
            for risks in groups.values():
                first = risks[0].place
                self.problems.at(code, first, tr(key, count=len(risks), cell=first.cell))

    def _since(self) -> None:
        """People without a 任职日期 get the year's first day, reported once per sheet they were read from."""
        if self.draft.year is None:
            return
        day = date(self.draft.year, 1, 1)
        unknown: dict[tuple[str, str], list[DraftPerson]] = defaultdict(list)
        for department in self.departments:
            for person in department.people:
                if person.since is None:
                    person.since, person.since_assumed = day, True
                    unknown[(person.place.file, person.place.sheet)].append(person)
        for people in unknown.values():
            self.problems.at("LZ651", people[0].place, tr("resolve.since", count=len(people), day=day.isoformat()))


def resolve(draft: Draft, problems: Problems) -> None:
    Resolver(draft, problems).run()

