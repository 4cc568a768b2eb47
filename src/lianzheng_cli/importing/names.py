"""A register's names, for ``lz import --update``: what a sheet's 部门, 流程, 关键环节, 涉及对象 and 责任主体 name.

A name is looked up as the importer looks it up in a new register: a post of the risk's department, else the
one post of that name elsewhere (a 领导班子 post); a process of the department, else the one of that name
elsewhere; a step of that process; a 责任主体 as a department, a post, or a person. A 涉及对象 that names no
post becomes a new post of the department (``new_posts``), with an id made as the importer makes them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from lianzheng_cli.importing.ids import Ids
from lianzheng_cli.model.records import Department, Person, Post, Process, Register


@dataclass(slots=True)
class NewPost:
    department: Department
    id: str
    name: str
    place: object = None  # the cell that named it first
    duties: str | None = None


@dataclass
class Names:
    register: Register
    new_posts: dict[tuple[str, str], NewPost] = field(default_factory=dict)  # (department id, name) → post

    def __post_init__(self) -> None:
        register = self.register
        self.departments: dict[str, Department] = {}
        for department in register.departments:
            self.departments.setdefault(department.name, department)
        self.posts: dict[str, list[Post]] = defaultdict(list)
        for post in register.posts.values():
            self.posts[post.name].append(post)
        self.processes: dict[str, list[Process]] = defaultdict(list)
        for process in register.processes.values():
            self.processes[process.name].append(process)
        self.people: dict[str, list[Person]] = defaultdict(list)
        for person in register.people.values():
            self.people[person.name].append(person)
        self.ids = Ids()
        self.ids.taken.update(d.id for d in register.departments)
        for table in (register.people, register.posts, register.powers, register.processes, register.risks,
                      register.warnings):
            self.ids.taken.update(table)

    def department(self, name: str) -> Department | None:
        return self.departments.get(name)

    def post(self, department: Department, name: str) -> Post | None:
        posts = self.posts.get(name) or []
        own = [p for p in posts if p.department == department.id]
        if own:
            return own[0]
        return posts[0] if len(posts) == 1 else None

    def post_id(self, department: Department, name: str, place: object = None) -> tuple[str, bool]:
        """The id of the post ``name`` names for a risk of ``department``, and whether it is a new post."""
        found = self.post(department, name)
        if found is not None:
            return found.id, False
        key = (department.id, name)
        new = self.new_posts.get(key)
        if new is None:
            new = self.new_posts[key] = NewPost(department, self.ids.named(f"{department.id}-", name, "G"), name, place)
        return new.id, True

    def process(self, department: Department, name: str) -> Process | None:
        found = self.processes.get(name) or []
        own = [p for p in found if p.department == department.id]
        if own:
            return own[0]
        return found[0] if len(found) == 1 else None

    @staticmethod
    def step(process: Process, name: str) -> str | None:
        return next((s.id for s in process.steps if s.name == name), None)

    def owner(self, department: Department, name: str) -> str | None:
        """The department, post or person a 责任主体 names (the risk's department's first), or None."""
        if name in self.departments:
            return self.departments[name].id
        post = self.post(department, name)
        if post is not None:
            return post.id
        new = self.new_posts.get((department.id, name))
        if new is not None:
            return new.id
        people = self.people.get(name) or []
        own = [p for p in people if p.department == department.id]
        if own or len(people) == 1:
            return (own or people)[0].id
        return None

    def shown(self, owner: str | None) -> set[str]:
        """The names a 责任主体 may be shown as: its own, and a person's post (the 内部公示 workbook's); none
        when the measure names no owner (format 1.1)."""
        if owner is None:
            return set()
        register = self.register
        names = {register.name_of(owner)}
        person = register.people.get(owner)
        if person is not None:
            names.add(register.name_of(person.post))
        return names

    def risk_id(self, department: Department, code: str) -> str:
        """``code`` when it is free, else the department's next ``<id>-RNN`` after its highest (never one that was
        used before: git's history of a risk stays its own)."""
        if code and code not in self.ids.taken:
            return self.ids.claim(code)
        numbered = re.compile(re.escape(department.id) + r"-R(\d+)")
        highest = max((int(m.group(1)) for m in map(numbered.fullmatch, self.ids.taken) if m), default=0)
        return self.ids.claim(f"{department.id}-R{highest + 1:02d}")

    def taken(self, ident: str) -> bool:
        return ident in self.ids.taken
