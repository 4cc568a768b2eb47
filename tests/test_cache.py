"""The content cache and the parallel load give the same results as a cold serial run."""

from __future__ import annotations

import marshal
import shutil

import pytest

from conftest import OFFICE, write_register
from lianzheng_cli.load import cache as cache_module
from lianzheng_cli.validate import files as register_module
from lianzheng_cli.validate.register import validate


def outcome(root, **options):
    result = validate(root, **options)
    diagnostics = [(d.code, d.file, d.line, d.column, d.message, d.subject) for d in result.diagnostics]
    risks = sorted(result.register.risks) if result.register else None
    return diagnostics, result.summary(), risks


def entries(root):
    return sorted(p.name for p in (root / ".lz-cache").glob("*/*"))


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
    old = {p.parent.name for p in (example_register / ".lz-cache").glob("*/*")}
    monkeypatch.setattr(cache_module, "__version__", "0.0.0-other")
    cache_module.fingerprint.cache_clear()
    try:
        parsed.clear()
        validate(example_register)
        assert len(parsed) == 11  # everything parsed again
        now = {p.parent.name for p in (example_register / ".lz-cache").glob("*/*")}
        assert now and not (now & old)
    finally:
        cache_module.fingerprint.cache_clear()


@pytest.mark.parametrize("garbage", [b"", b"\x00not marshal", marshal.dumps(["a", "list"])])
def test_corrupt_cache_entry_is_ignored_and_rebuilt(example_register, parsed, garbage):
    cold = outcome(example_register)
    for entry in (example_register / ".lz-cache").glob("*/*.s"):
        entry.write_bytes(garbage)
    parsed.clear()
    assert outcome(example_register) == cold
    assert len(parsed) == 11
    parsed.clear()
    assert outcome(example_register) == cold
    assert parsed == ["org.yaml"]


def test_cache_can_be_deleted_or_disabled(example_register, monkeypatch):
    cold = outcome(example_register)
    shutil.rmtree(example_register / ".lz-cache")
    monkeypatch.setenv("LZ_NO_CACHE", "1")
    assert outcome(example_register) == cold
    assert not (example_register / ".lz-cache").exists()


def test_files_with_findings_are_not_cached(tmp_path):
    root = write_register(tmp_path, departments={"spk": OFFICE.replace("likelihood: 3", "likelihood: 0")})
    outcome(root)
    stored = {p.stem for p in (root / ".lz-cache").glob("*/*.s")}
    assert len(stored) == 0


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
