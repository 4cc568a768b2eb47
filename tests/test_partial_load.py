"""Loading part of a register: the loader's key filter, and what grading declares it reads.

``lz diff`` grades risks from files that did not change by loading only the top-level keys grading declares
(``model.grading.GRADE_INPUTS`` and ``MONITOR_INPUTS``). These tests hold both sides to it: the key filter
gives exactly the full load's values, and the grader touches nothing outside what it declares.
"""

from __future__ import annotations

import dataclasses
import random

import pytest

from conftest import EXAMPLE
from lianzheng_cli.diff.pairs import input_keys
from lianzheng_cli.load.parse import load, load_keys
from lianzheng_cli.model.grading import GRADE_INPUTS, MONITOR_INPUTS, grade_register
from lianzheng_cli.model.records import build_register
from lianzheng_cli.validate.schema import load_schema

GRADING_KEYS = input_keys()


def restricted(raw: bytes, keys) -> dict | None:
    full = load(raw, "x.yaml")
    if full.diagnostics or not isinstance(full.data, dict):
        return None
    return {k: v for k, v in full.data.items() if k in keys}


def assert_exact_or_refused(raw: bytes, keys) -> dict | None:
    """load_keys either refuses (None) or gives what a full load gives for those keys."""
    found = load_keys(raw, "x.yaml", keys)
    expected = restricted(raw, keys)
    if expected is not None:
        assert found is None or found == expected, raw.decode("utf-8", "replace")
    return found


# --- the key filter --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*sorted((EXAMPLE / "departments").glob("*.yaml")), EXAMPLE / "org.yaml"],
                         ids=lambda p: p.name)
@pytest.mark.parametrize("keys", [GRADING_KEYS, {"posts"}, {"risks", "warnings"}, {"grading", "monitoring", "org"},
                                  {"absent"}])
def test_the_key_filter_gives_the_full_loads_values_on_the_example_register(path, keys):
    raw = path.read_bytes()
    assert load_keys(raw, path.name, keys) == restricted(raw, keys)  # written plainly: never refused


@pytest.mark.parametrize(("text", "expected"), [
    # written as the register's files are: cut exactly
    ("\ufeff# 注释\nid: a\nposts:\n- {id: a-1, name: 岗}\n  # 续\nrisks:\n  - id: R\npowers: []\n",
     {"posts": [{"id": "a-1", "name": "岗"}], "powers": []}),
    ("id: a\r\nposts : [a-1]\r\nrisks: []\r\n", {"posts": ["a-1"]}),
    ("risks: |\n  posts: [x]\nposts: [y]\n", {"posts": ["y"]}),
    ("posts: &p [a-1]\nrisks: *p\n", {"posts": ["a-1"]}),  # an anchor used by a later entry only
    ("name: x\n", {}),
    # not written so: refused, the file is loaded whole
    ('{"id": "a", "posts": []}', None),
    ('"posts": [a-1]\n', None),
    ("  posts: [a-1]\n  powers: []\n", None),
    ("---\nposts: [a-1]\n", None),
    ("%YAML 1.2\n---\nposts: [a-1]\n", None),
    ("posts: [a-1]\n...\n", None),
    ("posts: [a-1]\nposts: [a-2]\n", None),
    ("people: &p [a-1]\nposts: *p\n", None),
    ("posts: [a,\nb]\n", None),
    ("posts: [a-1]\rpowers: []\r", None),
    ("risks: []\u2028posts: [a-1]\n", None),
    ("posts: [a-1]\n-x: 1\n", None),
    ("posts: !!python/name:os.system x\n", None),
    ("posts: [\u0007]\n", None),
    ("name: 'x\nposts: [a-1] #'\nkind: k\n", None),  # a key inside a quoted value of an entry before it
    ('name: "x\nposts: [a-1]"\n', None),
])
def test_the_key_filter_cuts_only_what_it_can_cut_exactly(text, expected):
    raw = text.encode("utf-8")
    assert assert_exact_or_refused(raw, {"posts", "powers"}) == expected


# Entries that could fool a cut by lines, each valid YAML where a top-level entry may stand: keys inside
# quoted or flow values that run on at column 0, block scalars, anchors and aliases, comments.
TRICKS = ['note{n}: "跨行\nposts: [bgs-x] #"\n', "note{n}: 'x\nleader: p-x'\n", "note{n}: [a,\npowers: b]\n",
          "note{n}: {{a: 1,\nposts: 2}}\n", "note{n}: |\n  posts: []\n", "note{n}: &a{n} [x]\n", "note{n}: *a0\n",
          "# posts: []\n", "note{n}:\n- x\n- posts: y\n", "\r\n", "note{n}: >\n  id: z\n\n", "note{n}: ~\n",
          '"note{n}": 1\n', "note{n}: '\n\n'\n"]


def test_the_key_filter_never_differs_from_a_full_load_on_tricky_files():
    """Tricky entries spliced between the entries of a real file: whenever the file still loads, the filter
    gives its values or refuses, never others."""
    base = (EXAMPLE / "departments" / "bgs.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    boundaries = [i for i, line in enumerate(base) if line[:1].isalpha()] + [len(base)]
    rng = random.Random(20250301)
    outcomes = {"exact": 0, "refused": 0}
    for _ in range(300):
        lines = list(base)
        for n, at in enumerate(sorted(rng.sample(boundaries, rng.randint(1, 3)), reverse=True)):
            lines.insert(at, rng.choice(TRICKS).format(n=n))
        raw = "".join(lines).encode("utf-8")
        if restricted(raw, GRADING_KEYS) is not None:
            outcomes["exact" if assert_exact_or_refused(raw, GRADING_KEYS) is not None else "refused"] += 1
    assert outcomes["exact"] > 30 and outcomes["refused"] > 30, outcomes  # both paths were taken


# --- what grading reads ----------------------------------------------------------------------------------------

# Which fields of the typed records hold each top-level key of the documents (see model.records).
DEPARTMENT_FIELDS = {"schema_version": (), "id": ("id",), "name": ("name",), "kind": ("kind",),
                     "leader": ("leader",), "supervisor": ("supervisor",), "people": ("people",),
                     "posts": ("posts",), "powers": ("powers",), "processes": ("processes",), "risks": ("risks",),
                     "warnings": ("warnings",)}
REGISTER_TABLES = {"people": "people", "posts": "posts", "powers": "powers", "processes": "processes",
                   "risks": "risks", "warnings": "warnings"}
ORG_FIELDS = {"schema_version": (), "org": ("id", "name", "head", "inspection", "party"), "year": ("year",),
              "grading": ("grading",), "monitoring": ("monitoring",), "policy": ("policy",),
              "display": ("display_grade",), "lint": ("lint_disable", "lint_severity"), "parties": ("parties",),
              "vocabulary": ("vocabulary",), "assessment": ("assessment",)}


class Tripwire:
    """Stands for a value grading declares it does not read: any use of it fails the test."""

    def __init__(self, name: str):
        object.__setattr__(self, "_name", name)

    def _trip(self, *args, **kwargs):
        raise AssertionError(f"grading read `{object.__getattribute__(self, '_name')}`, which it does not declare "
                             "(model.grading.GRADE_INPUTS / MONITOR_INPUTS)")

    __getattr__ = __iter__ = __len__ = __bool__ = __eq__ = __ne__ = __hash__ = __str__ = __format__ = _trip
    __getitem__ = __contains__ = __lt__ = __gt__ = __add__ = __int__ = __float__ = _trip


def test_the_record_fields_of_every_document_key_are_known():
    # A key added to a schema must be placed here, declared read by grading or not.
    assert set(load_schema("department")["properties"]) == set(DEPARTMENT_FIELDS)
    assert set(load_schema("org")["properties"]) == set(ORG_FIELDS)


def guarded(register):
    """The register with every value grading does not declare it reads replaced by a tripwire."""
    department_keys = GRADE_INPUTS.department | MONITOR_INPUTS.department | {"id", "risks"}
    org_keys = GRADE_INPUTS.org | MONITOR_INPUTS.org
    for key, fields in DEPARTMENT_FIELDS.items():
        if key in department_keys:
            continue
        for dept in register.departments:
            for name in fields:
                setattr(dept, name, Tripwire(f"{key} of department {dept.id}"))
        if key in REGISTER_TABLES:
            setattr(register, REGISTER_TABLES[key], Tripwire(f"{key} (every department's)"))
    changes = {name: Tripwire(f"{key} of org.yaml") for key, fields in ORG_FIELDS.items() if key not in org_keys
               for name in fields}
    register.org = dataclasses.replace(register.org, **changes)
    register.__dict__.pop("_grader", None)
    return register


def example(method: str):
    """The example register's files (org.yaml with ``method``), and its register built from their full loads."""
    files = {f"departments/{p.name}": p.read_bytes() for p in sorted((EXAMPLE / "departments").glob("*.yaml"))}
    files["org.yaml"] = (EXAMPLE / "org.yaml").read_bytes().replace(b"method: matrix", f"method: {method}".encode())
    docs = {rel: load(raw, rel).data for rel, raw in files.items()}
    org = docs.pop("org.yaml")
    return files, build_register(EXAMPLE, org, sorted(docs.items()))


@pytest.mark.parametrize("method", ["matrix", "factors"])
def test_grading_reads_nothing_it_does_not_declare(method):
    _, register = example(method)
    grades = grade_register(register)
    assert {g.computed for g in grades.values()} == {"高", "中", "低"}
    assert any(g.floors for g in grades.values()) and all(g.monitors for g in grades.values())
    assert grade_register(guarded(example(method)[1])) == grades


@pytest.mark.parametrize("method", ["matrix", "factors"])
def test_grades_from_the_declared_keys_alone_equal_the_full_grades(method):
    """Every department file loaded through the key filter with what grading declares (and the risks it grades),
    org.yaml with what grading declares: the same grade for every risk, monitors included."""
    files, register = example(method)
    org_keys = GRADE_INPUTS.org | MONITOR_INPUTS.org | set(load_schema("org")["required"])
    org = load_keys(files.pop("org.yaml"), "org.yaml", org_keys)
    assert org is not None and "policy" not in org
    departments = [(rel, load_keys(raw, rel, GRADING_KEYS | {"risks"})) for rel, raw in files.items()]
    assert all(doc is not None and "processes" not in doc for _, doc in departments)
    partial = build_register(EXAMPLE, org, departments)
    assert grade_register(partial) == grade_register(register)
