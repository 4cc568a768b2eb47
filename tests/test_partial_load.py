"""Loading part of a register: the loader's key filter gives exactly the full load's values, or refuses."""

from __future__ import annotations

import random

import pytest

from conftest import EXAMPLE
from lianzheng_cli.load.parse import load, load_keys

# What lz diff loads of a file that did not change.
GRADING_KEYS = {"schema_version", "id", "name", "kind", "leader", "supervisor", "posts", "powers"}


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
