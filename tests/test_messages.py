"""Every module's message catalogue: complete in both languages, and every key a module says exists."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import lianzheng_cli
from lianzheng_cli.i18n import LANGUAGES, SHARED, Messages, set_language


def modules():
    for info in pkgutil.walk_packages(lianzheng_cli.__path__, "lianzheng_cli."):
        if not info.name.endswith("__main__"):
            yield importlib.import_module(info.name)


def catalogues() -> dict[str, Messages]:
    found = {m.__name__: m.tr for m in modules() if isinstance(getattr(m, "tr", None), Messages)}
    assert found["lianzheng_cli.i18n"] is SHARED
    return found


def test_every_message_has_both_languages_and_the_same_placeholders():
    for name, catalogue in catalogues().items():
        for key, entry in catalogue.entries.items():
            assert set(entry) == set(LANGUAGES), (name, key)
            placeholders = [set(re.findall(r"{(\w+)", entry[lang])) for lang in LANGUAGES]
            assert placeholders[0] == placeholders[1], (name, key)


def test_every_literal_key_a_module_says_is_in_its_catalogue():
    missing = []
    for module in modules():
        catalogue = getattr(module, "tr", None)
        source = Path(module.__file__).read_text(encoding="utf-8")
        for key in re.findall(r'(?<![.\w])tr\(\s*"([^"{]+)"', source):
            if not isinstance(catalogue, Messages) or key not in catalogue:
                missing.append((module.__name__, key))
    assert missing == []


def test_an_unknown_key_is_an_error_not_a_silent_fallback():
    with pytest.raises(KeyError):
        SHARED("no.such.key")


def test_english_is_chosen_per_run():
    set_language("en")
    try:
        assert SHARED("severity.error") == "error"
    finally:
        set_language(None)
    assert SHARED("severity.error") == "错误"
