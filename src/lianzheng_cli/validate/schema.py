"""Schema checks of one loaded document, located at the offending key or value.

A compiled validator (jsonschema-rs) passes the clean case quickly; only a
document that fails it is explained by python-jsonschema, whose structured
errors become Chinese messages at exact positions.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from functools import cache
from typing import Any

import jsonschema
import jsonschema_rs

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.i18n import current_language, join_list, tr
from lianzheng_cli.load.paths import subject_at
from lianzheng_cli.resources import schema_path
from lianzheng_cli.vocab import ENUMS, canonical_grade

# (path, key?) -> (line, column)
Locate = Callable[[tuple, bool], tuple[int, int]]


@cache
def load_schema(kind: str) -> dict:
    return json.loads(schema_path(kind).read_text(encoding="utf-8"))


@cache
def _fast_validator(kind: str):
    return jsonschema_rs.Draft7Validator(load_schema(kind), validate_formats=True)


@cache
def _explaining_validator(kind: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(load_schema(kind), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def is_valid(kind: str, data: Any) -> bool:
    return _fast_validator(kind).is_valid(data)


def check(kind: str, data: Any, rel: str, locate: Locate) -> list[Diagnostic]:
    """Schema findings for one document (none when it is valid)."""
    if is_valid(kind, data):
        return []
    found: list[Diagnostic] = []
    for error in _explaining_validator(kind).iter_errors(data):
        found.extend(_explain(error, rel, locate, data))
    if not found:  # the two validators disagree: still never pass a failing document
        for error in _fast_validator(kind).iter_errors(data):
            line, col = locate(tuple(error.instance_path), False)
            found.append(_make("LZ019", rel, line, col, (), tr("schema.other", detail=error.message), data))
    unique = {(d.line, d.column, d.code, d.message): d for d in found}
    return sorted(unique.values(), key=lambda d: d.sort_key)


def _make(code: str, rel: str, line: int, col: int, path: tuple, message: str, data: Any) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, rel, line, col, message, subject_at(data, path))


def _field(path: tuple) -> str:
    """A readable field path: ``risks[3].measures[0].stage``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "/"


_TYPE_NAMES = {
    "zh": {"string": "文本", "integer": "整数", "number": "数字", "boolean": "布尔值(true/false)",
           "array": "列表", "object": "映射(键: 值)", "null": "空值"},
    "en": {"string": "text", "integer": "an integer", "number": "a number", "boolean": "a boolean (true/false)",
           "array": "a list", "object": "a mapping (key: value)", "null": "null"},
}


def _type_name(value: Any) -> str:
    names = _TYPE_NAMES[current_language()]
    if isinstance(value, list):
        return " / ".join(names.get(v, v) for v in value)
    return names.get(value, str(value))


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _allowed_words(values: list) -> list[str]:
    """Enum values without their aliases: what a message should offer."""
    seen: list[str] = []
    for v in values:
        word = canonical_grade(v) if canonical_grade(v) else v
        # Traditional spellings follow their simplified word in every enum; keep the first.
        if word not in seen and not (seen and _is_variant(word, seen)):
            seen.append(str(word))
    return seen


def _is_variant(word: str, seen: list[str]) -> bool:
    for table in ENUMS.values():
        for canon, others in table.items():
            if word in others and canon in seen:
                return True
    return False


def _explain(error: jsonschema.ValidationError, rel: str, locate: Locate, data: Any) -> list[Diagnostic]:
    keyword = error.validator
    path = tuple(error.absolute_path)
    name = path[-1] if path and isinstance(path[-1], str) else _field(path) if path else tr("schema.whole_file")

    if keyword in ("anyOf", "oneOf") and error.context:
        best = jsonschema.exceptions.best_match(error.context)
        return _explain(best, rel, locate, data) if best is not None else []
    if keyword == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        out = []
        for key in error.instance:
            if key in known:
                continue
            line, col = locate((*path, key), True)
            near = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            message = tr("LZ010.suggest", key=key, suggestion=near[0]) if near else tr(
                "LZ010", key=key, known=join_list(known))
            out.append(_make("LZ010", rel, line, col, path, message, data))
        return out
    if keyword == "required":
        missing = [r for r in error.validator_value if isinstance(error.instance, dict) and r not in error.instance]
        line, col = locate(path, True)
        where = _field(path)
        return [_make("LZ011", rel, line, col, path, tr("LZ011", key=m, where=where), data) for m in missing]  # one error per missing key; duplicates merge in check()
    line, col = locate(path, False)
    value = error.instance
    if keyword == "type":
        message = tr("LZ012", field=name, expected=_type_name(error.validator_value), actual=_type_name(_json_type(value)))
        if error.validator_value == "boolean" and isinstance(value, str) and value.lower() in (
                "yes", "no", "on", "off", "y", "n", "是", "否"):
            message += tr("LZ012.bool_hint", value=value)
        return [_make("LZ012", rel, line, col, path, message, data)]
    if keyword == "enum":
        words = _allowed_words(error.validator_value)
        return [_make("LZ013", rel, line, col, path, tr("LZ013", field=name, value=value, allowed=join_list(words)), data)]
    if keyword == "const":
        return [_make("LZ013", rel, line, col, path,
                      tr("LZ013", field=name, value=value, allowed=str(error.validator_value)), data)]
    if keyword == "format" or (keyword == "pattern" and error.schema.get("format") == "date"):
        return [_make("LZ014", rel, line, col, path, tr("LZ014", field=name, value=value), data)]
    if keyword == "pattern":
        if str(error.validator_value).startswith("^LZ"):
            return [_make("LZ015", rel, line, col, path, tr("LZ015.code", value=value), data)]
        return [_make("LZ015", rel, line, col, path, tr("LZ015", field=name, value=value), data)]
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bounds = error.schema
        return [_make("LZ016", rel, line, col, path, tr(
            "LZ016", field=name, value=value, low=bounds.get("minimum", "-"), high=bounds.get("maximum", "-")), data)]
    if keyword == "minItems":
        return [_make("LZ017", rel, line, col, path, tr("LZ017", field=name, count=error.validator_value), data)]
    if keyword == "minLength":
        return [_make("LZ018", rel, line, col, path, tr("LZ018", field=name), data)]
    if keyword == "dependencies":
        return [_make("LZ023", rel, *locate((*path, "step"), True), path, tr("LZ023"), data)]
    if keyword == "propertyNames":
        return []  # the inner pattern error is reported on its own
    return [_make("LZ019", rel, line, col, path, tr("schema.other", detail=f"{_field(path)}: {error.message}"), data)]
