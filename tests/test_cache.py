"""The content cache and the parallel load give the same results as a cold serial run."""

from __future__ import annotations

import hashlib
import marshal
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import OFFICE, write_register
from lianzheng_cli.cli import app
from lianzheng_cli.load import cache as cache_module
from lianzheng_cli.load.cache import FORMAT
from lianzheng_cli.load.sources import DirectorySource
from lianzheng_cli.validate import files as register_module
from lianzheng_cli.validate.register import validate


def outcome(root, **options):
    result = validate(root, **options)
    diagnostics = [(d.code, d.file, d.line, d.column, d.message, d.subject) for d in result.diagnostics]
    risks = sorted(result.register.risks) if result.register else None
    return diagnostics, result.summary(), risks


def cache_folder():
    return Path(os.environ["LZ_CACHE_DIR"])


def entry_files(pattern="*"):
    return sorted(cache_folder().glob(f"v*/*/{pattern}"))


def packs():
    return entry_files(f"*{cache_module.PACK}")


def entry_names():
    return sorted(name for pack in packs() for name, _ in cache_module._read_pack(pack))


def rewrite_entries(cache, change):
    """Every pack written again with ``change(summary, values) -> (summary, values)`` applied to each entry's parts
    (bytes), authenticated with the user's key as lz itself would."""
    for pack in packs():
        entries = []
        with open(pack, "rb") as handle:
            for name, stored in list(cache_module._read_pack(pack)):
                handle.seek(stored.offset)
                entries.append((name, *change(stored.summary, handle.read(stored.size))))
        pack.unlink()
        for name, summary, values in entries:
            cache._write(name, cache._mac(name + ".s", summary), summary, cache._mac(name + ".d", values), values)
        cache.flush()


@pytest.fixture
def parsed(monkeypatch):
    """Records which files were parsed (cache misses)."""
    seen: list[str] = []
    original = register_module.check_file

    def spy(raw, rel, *vocabulary):
        seen.append(rel)
        return original(raw, rel, *vocabulary)

    monkeypatch.setattr(register_module, "check_file", spy)
    return seen


def test_warm_run_parses_nothing_and_equals_cold(example_register, parsed):
    cold = outcome(example_register, use_cache=False)
    first = outcome(example_register)
    parsed.clear()
    warm = outcome(example_register)
    assert cold == first == warm
    assert parsed == ["org.yaml"]  # org.yaml is always read afresh; departments came from the cache


def test_changed_file_is_parsed_again(example_register, parsed):
    outcome(example_register)
    target = example_register / "departments" / "wmfz.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("name: 对外贸易发展室", "name: 对外贸易发展科", 1),
                      encoding="utf-8")
    parsed.clear()
    validate(example_register)
    assert parsed == ["org.yaml", "departments/wmfz.yaml"]


def test_a_broken_change_is_reported_even_though_the_old_content_was_cached(example_register):
    outcome(example_register)
    target = example_register / "departments" / "wmfz.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("likelihood: 4", "likelihood: 9", 1),
                      encoding="utf-8")
    codes = [d[0] for d in outcome(example_register)[0]]
    assert codes == ["LZ016"]


def test_renamed_and_deleted_files(tmp_path):
    root = write_register(tmp_path)
    outcome(root)
    (root / "departments" / "spk.yaml").rename(root / "departments" / "spk2.yaml")
    assert [(d[0], d[1]) for d in outcome(root)[0]] == [("LZ022", "departments/spk2.yaml")]
    (root / "departments" / "spk2.yaml").unlink()
    # R1's department is gone: p-vice still exists, the register is clean and smaller.
    diagnostics, summary, risks = outcome(root)
    assert diagnostics == [] and summary["departments"] == 2 and risks == []


def test_cache_from_another_version_is_ignored_and_removed(example_register, parsed, monkeypatch):
    outcome(example_register)
    old = {p.parent.parent.name for p in entry_files()}
    monkeypatch.setattr(cache_module, "__version__", "0.0.0-other")
    cache_module.fingerprint.cache_clear()
    try:
        parsed.clear()
        validate(example_register)
        assert len(parsed) == 11  # everything parsed again
        now = {p.parent.parent.name for p in entry_files()}
        assert now and not (now & old)
    finally:
        cache_module.fingerprint.cache_clear()


@pytest.mark.parametrize("garbage", [b"", b"\x00not marshal", marshal.dumps(["a", "list"])])
def test_corrupt_cache_entry_is_ignored_and_rebuilt(example_register, parsed, garbage):
    cold = outcome(example_register)
    for entry in entry_files():
        entry.write_bytes(garbage)
    parsed.clear()
    assert outcome(example_register) == cold
    assert len(parsed) == 11
    parsed.clear()
    assert outcome(example_register) == cold
    assert parsed == ["org.yaml"]


def test_cache_can_be_deleted_or_disabled(example_register, monkeypatch):
    cold = outcome(example_register)
    shutil.rmtree(cache_folder())
    monkeypatch.setenv("LZ_NO_CACHE", "1")
    assert outcome(example_register) == cold
    assert not cache_folder().exists()


def test_files_with_findings_are_not_cached(tmp_path):
    root = write_register(tmp_path, departments={"spk": OFFICE.replace("likelihood: 3", "likelihood: 0"),
                                                 "spk2": OFFICE.replace("id: spk", "id: spk2", 1)})
    outcome(root)
    cache = cache_module.open_cache(root)
    assert cache is not None
    clean = cache.digest("departments/spk2.yaml", (root / "departments" / "spk2.yaml").read_bytes())
    assert entry_names() == [clean]


def test_parallel_load_equals_serial(example_register, monkeypatch):
    # Break two files so findings from workers are compared too.
    wmfz = example_register / "departments" / "wmfz.yaml"
    wmfz.write_text(wmfz.read_text(encoding="utf-8").replace("likelihood: 4", "likelihood: 9", 1), encoding="utf-8")
    (example_register / "departments" / "xfs.yaml").write_text("a: [\n", encoding="utf-8")
    serial = outcome(example_register, use_cache=False)
    monkeypatch.setattr(register_module, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(register_module.os, "cpu_count", lambda: 3)
    assert outcome(example_register, use_cache=False) == serial
    assert outcome(example_register) == serial  # workers fill the cache
    assert outcome(example_register) == serial  # and it is read back


# --- issue 14: a cache that cannot be planted ----------------------------------------------------------------


def _unkeyed_name(rel: str, raw: bytes) -> str:
    """The entry name the old cache used: anyone could compute it."""
    h = hashlib.blake2b(rel.encode(), digest_size=20)
    h.update(b"\0")
    h.update(raw)
    return h.hexdigest()


@pytest.fixture
def ci_home(tmp_path, monkeypatch):
    """Like CI: no LZ_CACHE_DIR, a fresh home."""
    monkeypatch.delenv("LZ_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.mark.parametrize("planted", ["clean entry", "odd types", "five bytes"])
def test_a_planted_cache_never_makes_a_broken_file_pass(example_register, ci_home, runner, monkeypatch, planted):
    from lianzheng_cli.validate.files import check_file

    target = example_register / "departments" / "wmfz.yaml"
    clean = check_file(target.read_bytes(), "departments/wmfz.yaml")
    broken = b"schema_version: 1\nid: [wmfz,\n"  # not valid YAML
    target.write_bytes(broken)
    summary, data = {
        "clean entry": (marshal.dumps(clean.summary), marshal.dumps((clean.data, clean.items))),
        "odd types": (marshal.dumps({"defines": 5, "refers": "x", "risks": "many"}), marshal.dumps((1, 2))),
        "five bytes": (b"[\xff\xff\xff\x7f", b"[\xff\xff\xff\x7f"),  # a list of 2**31 items: MemoryError
    }[planted]
    # committed with `git add -f`: the folder and names the cache used inside the register
    name = _unkeyed_name("departments/wmfz.yaml", broken)
    for folder in (example_register / ".lz-cache" / f"v{FORMAT}-{cache_module.fingerprint()}",
                   example_register / ".lz-cache" / f"v2-{cache_module.fingerprint()}"):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.s").write_bytes(summary)
        (folder / f"{name}.d").write_bytes(data)
    monkeypatch.chdir(example_register.parent)
    for command in ("validate", "lint"):
        result = runner.invoke(app, [command, "-r", str(example_register)])
        assert result.exit_code == 1, result.output
        assert "departments/wmfz.yaml:2:11: LZ001" in result.output and "LZ021" not in result.output


def test_an_entry_copied_under_another_name_in_the_real_cache_is_a_miss(example_register, parsed):
    outcome(example_register)
    target = example_register / "departments" / "wmfz.yaml"
    cache = cache_module.open_cache(example_register)
    assert cache is not None
    clean_name = cache.digest("departments/wmfz.yaml", target.read_bytes())
    broken = b"schema_version: 1\nid: [wmfz,\n"
    target.write_bytes(broken)
    broken_name = cache.digest("departments/wmfz.yaml", broken)  # even knowing the name
    [pack] = [p for p in packs() if clean_name.encode() in p.read_bytes()]
    pack.write_bytes(pack.read_bytes().replace(clean_name.encode(), broken_name.encode()))
    assert broken_name in entry_names()
    parsed.clear()
    codes = [d[0] for d in outcome(example_register)[0]]
    assert codes == ["LZ001"] and "departments/wmfz.yaml" in parsed


@pytest.mark.parametrize("value", [
    {"defines": 5, "refers": {}, "risks": 1, "measures": 1, "no_factors": 0},
    {"defines": {"risk": [1]}, "refers": {}, "risks": 1, "measures": 1, "no_factors": 0},
    {"defines": {}, "refers": {}, "risks": True, "measures": 1, "no_factors": 0},
    ["a", "list"],
])
def test_cache_values_are_type_checked_even_when_authentic(example_register, value):
    cold = outcome(example_register)
    cache = cache_module.open_cache(example_register)
    rewrite_entries(cache, lambda summary, values: (marshal.dumps(value), values))  # as if lz itself had written it
    assert outcome(example_register) == cold


def test_any_error_reading_an_entry_is_a_miss(example_register):
    cold = outcome(example_register)
    cache = cache_module.open_cache(example_register)
    bomb = b"[\xff\xff\xff\x7f"  # marshal's list of 2**31 items: MemoryError where memory is short
    rewrite_entries(cache, lambda summary, values: (summary, bomb))
    assert outcome(example_register) == cold


def test_the_key_is_private_and_lives_with_the_cache_not_the_register(example_register):
    outcome(example_register)
    key = cache_folder() / "key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    assert not (example_register / ".lz-cache").exists()
    key.chmod(0o644)  # readable by others: replaced, and its entries become misses
    cache = cache_module.open_cache(example_register)
    assert cache is not None and key.stat().st_mode & 0o777 == 0o600


def test_a_cache_folder_inside_the_register_is_not_used(example_register, monkeypatch):
    monkeypatch.setenv("LZ_CACHE_DIR", str(example_register / ".lz-cache"))
    assert cache_module.open_cache(example_register) is None


def test_a_blob_is_read_back_only_under_its_own_name_and_unaltered(example_register):
    cache = cache_module.open_cache(example_register)
    assert cache is not None
    name = cache.digest("memo", b"inputs")
    assert cache.get_blob(name) is None
    cache.put_blob(name, b"payload")
    assert cache.get_blob(name) == b"payload"
    other = cache.digest("memo", b"other inputs")
    shutil.copy(cache.folder / name, cache.folder / other)
    assert cache.get_blob(other) is None  # copied under another name
    stored = (cache.folder / name).read_bytes()
    (cache.folder / name).write_bytes(stored[:-1] + bytes([stored[-1] ^ 1]))
    assert cache.get_blob(name) is None  # edited


# --- issue 15: entries in packs, one per process that checked files ---------------------------------------------


def test_each_process_that_checks_files_writes_one_pack(example_register, monkeypatch):
    outcome(example_register)
    assert len(packs()) == 1 and len(entry_names()) == 10  # the ten departments, org.yaml is read afresh
    shutil.rmtree(cache_folder())
    monkeypatch.setattr(register_module, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(register_module.os, "cpu_count", lambda: 3)
    outcome(example_register)
    assert len(packs()) == 3 and len(entry_names()) == 10  # this process and two workers


def test_a_pack_cut_short_keeps_the_entries_before_the_cut(example_register, parsed):
    cold = outcome(example_register)
    [pack] = packs()
    entries = list(cache_module._read_pack(pack))
    _, last = entries[-1]
    pack.write_bytes(pack.read_bytes()[: last.offset + last.size - 1])
    parsed.clear()
    assert outcome(example_register) == cold
    rels = {rel for rel in parsed if rel != "org.yaml"}
    assert len(rels) == 1  # the entry cut short, parsed again; its new entry is in a new pack
    assert len(entry_names()) == 10 and len(packs()) == 2
    parsed.clear()
    assert outcome(example_register) == cold and parsed == ["org.yaml"]


def test_unused_packs_go_and_many_packs_are_merged(example_register, parsed):
    outcome(example_register)
    first = packs()
    files = sorted((example_register / "departments").glob("*.yaml"))
    for n in range(12):  # each run changes another file: its old entry is unused, its new one in a new pack
        target = files[n % len(files)]
        target.write_text(target.read_text(encoding="utf-8") + f"# {n}\n", encoding="utf-8")
        outcome(example_register)
        assert len(packs()) <= cache_module.MAX_PACKS
        assert len(entry_names()) <= 2 * 10  # never more unused entries than used ones
    assert first[0] not in packs()  # merged into a new pack
    parsed.clear()
    outcome(example_register)
    assert parsed == ["org.yaml"]


def test_a_validate_run_drops_the_packs_it_did_not_use(example_register):
    outcome(example_register)
    [old] = packs()
    for path in (example_register / "departments").glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    outcome(example_register)
    assert old not in packs() and len(entry_names()) == 10


# --- a file whose stat has not changed is not read again (load.cache.StatIndex) ------------------------------------


@pytest.fixture
def read(monkeypatch):
    """Which files of the register folder are read."""
    seen: list[str] = []
    original = DirectorySource.read

    def spy(self, rel):
        seen.append(rel)
        return original(self, rel)

    monkeypatch.setattr(DirectorySource, "read", spy)
    return seen


@pytest.fixture
def trusting(monkeypatch, read):
    """Files trusted by their stat as soon as they have been read (the margin for a racy change off)."""
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    return read


def test_unchanged_files_are_not_read_again(example_register, trusting):
    cold = outcome(example_register)
    trusting.clear()
    assert outcome(example_register) == cold
    assert [rel for rel in trusting if rel.startswith("departments/")] == []


@pytest.mark.parametrize("how", ["in place", "replaced"])
def test_a_change_that_keeps_size_and_modification_time_is_seen(example_register, trusting, how):
    outcome(example_register)
    target = example_register / "departments" / "wmfz.yaml"
    before = target.stat()
    time.sleep(0.05)  # past the clock tick that stamped the file: a change moves its change time (ctime)
    text = target.read_text(encoding="utf-8").replace("likelihood: 4", "likelihood: 9", 1)
    if how == "in place":
        target.write_text(text, encoding="utf-8")
    else:  # as git or an editor saving by rename does: a new inode
        (target.parent / "new.tmp").write_text(text, encoding="utf-8")
        os.replace(target.parent / "new.tmp", target)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # the modification time as it was
    assert target.stat().st_size == before.st_size
    trusting.clear()
    assert [d[0] for d in outcome(example_register)[0]] == ["LZ016"]
    assert [rel for rel in trusting if rel.startswith("departments/")] == ["departments/wmfz.yaml"]


def test_a_file_changed_just_before_it_was_read_is_read_again(example_register, read):
    outcome(example_register)  # every file of the copy was written a moment ago: within the margin
    read.clear()
    outcome(example_register)
    departments = sorted(f"departments/{p.name}" for p in (example_register / "departments").glob("*.yaml"))
    assert sorted(rel for rel in read if rel.startswith("departments/")) == departments
