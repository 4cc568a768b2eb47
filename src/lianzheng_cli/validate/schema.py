"""Schema checks of one loaded document, located at the offending key or value.

A compiled validator (jsonschema-rs) passes the clean case quickly; only a
document that fails it is explained by python-jsonschema, whose structured
errors become Chinese messages at exact positions.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, cast

import jsonschema_rs

if TYPE_CHECKING:  # imported where a document failed the compiled validator: every command would pay 60 ms
    import jsonschema

from lianzheng_cli.diagnostics import Diagnostic, Severity
from lianzheng_cli.i18n import current_language, join_list, tr
from lianzheng_cli.load.paths import subject_at
from lianzheng_cli.resources import schema_path
from lianzheng_cli.validate.schema_build import VOCABULARY_TITLES, build_schema
from lianzheng_cli.vocab import BUILTIN, ENUMS, Vocabulary, canonical_grade

# (path, key?) -> (line, column)
Locate = Callable[[tuple, bool], tuple[int, int]]


@cache
def load_schema(kind: str) -> dict:
    """The schema shipped in ``schemas/`` (the built-in vocabulary's, as ``schema_build`` generates it)."""
    return json.loads(schema_path(kind).read_text(encoding="utf-8"))


@cache
def effective_schema(kind: str, vocabulary: Vocabulary = BUILTIN) -> dict:
    """The schema a register with ``vocabulary`` is validated against: generated once per distinct vocabulary."""
    return load_schema(kind) if vocabulary.builtin else build_schema(kind, vocabulary)


@cache
def _fast_validator(kind: str, vocabulary: Vocabulary = BUILTIN):
    return jsonschema_rs.Draft7Validator(effective_schema(kind, vocabulary), validate_formats=True)


@cache
def _explaining_validator(kind: str, vocabulary: Vocabulary = BUILTIN) -> jsonschema.Draft7Validator:
    import jsonschema

    return jsonschema.Draft7Validator(effective_schema(kind, vocabulary),
                                      format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def is_valid(kind: str, data: Any, vocabulary: Vocabulary = BUILTIN) -> bool:
    return _fast_validator(kind, vocabulary).is_valid(data)


def check(kind: str, data: Any, rel: str, locate: Locate, vocabulary: Vocabulary = BUILTIN) -> list[Diagnostic]:
    """Schema findings for one document (none when it is valid) against the schema of ``vocabulary``."""
    if is_valid(kind, data, vocabulary):
        return []
    found: list[Diagnostic] = []
    for error in _explaining_validator(kind, vocabulary).iter_errors(data):
        found.extend(_explain(error, rel, locate, data))
    if not found:  # the two validators disagree: still never pass a failing document
        for error in _fast_validator(kind, vocabulary).iter_errors(data):
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
    "zh": {"string": "文本", "integer": "整数", "number": "数字", "boolean": "布尔值（true/false）",
           "array": "列表", "object": "映射（键：值）", "null": "空值"},
    "en": {"string": "text", "integer": "an integer", "number": "a number", "boolean": "a boolean (true/false)",
           "array": "a list", "object": "a mapping (key: value)", "null": "null"},
}


def _type_name(value: Any) -> str:
    names = _TYPE_NAMES[current_language()]
    if isinstance(value, list):
        return " / ".join(names.get(v, str(v)) for v in value)
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
        word = str(canonical_grade(v) or v)
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


@dataclass(frozen=True, slots=True)
class _Failure:
    """One schema error, with what every explainer needs."""

    error: jsonschema.ValidationError
    rel: str
    locate: Locate
    data: Any
    path: tuple
    name: str  # the field as a message names it

    @property
    def schema(self) -> Mapping[str, Any]:
        """The failing subschema (the stubs allow ``True``/unset; ours is always an object)."""
        schema = self.error.schema
        return schema if isinstance(schema, Mapping) else {}

    @property
    def expected(self) -> Any:
        """The keyword's value in the schema: the enum list, the type, the bound …"""
        return cast(Any, self.error.validator_value)

    def at_value(self, code: str, message: str) -> list[Diagnostic]:
        line, col = self.locate(self.path, False)
        return [_make(code, self.rel, line, col, self.path, message, self.data)]


def _explain(error: jsonschema.ValidationError, rel: str, locate: Locate, data: Any) -> list[Diagnostic]:
    if error.validator == "anyOf" and {"required": ["posts"]} in cast(list, error.validator_value):
        path = tuple(error.absolute_path)  # a risk with none of posts, parties, applies_to 部门/单位
        line, col = locate(path, True)
        return [_make("LZ011", rel, line, col, path, tr("LZ011.subject", where=_field(path)), data)]
    if error.validator in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        return _explain(best, rel, locate, data) if best is not None else []
    path = tuple(error.absolute_path)
    name = path[-1] if path and isinstance(path[-1], str) else _field(path) if path else tr("schema.whole_file")
    failure = _Failure(error, rel, locate, data, path, str(name))
    explain = _EXPLAINERS.get(str(error.validator), _explain_other)
    return explain(failure)


def _explain_unknown_keys(f: _Failure) -> list[Diagnostic]:
    known = list(f.schema.get("properties", {}))
    out = []
    for key in cast(dict, f.error.instance):
        if key in known:
            continue
        line, col = f.locate((*f.path, key), True)
        near = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        message = (tr("LZ010.suggest", key=key, suggestion=near[0]) if near
                   else tr("LZ010", key=key, known=join_list(known)))
        out.append(_make("LZ010", f.rel, line, col, f.path, message, f.data))
    return out


def _explain_missing_keys(f: _Failure) -> list[Diagnostic]:
    """One error per missing key (duplicates from nested schemas merge in ``check``)."""
    instance = f.error.instance
    missing = [r for r in f.expected if isinstance(instance, dict) and r not in instance]
    line, col = f.locate(f.path, True)
    where = _field(f.path)
    return [_make("LZ011", f.rel, line, col, f.path, tr("LZ011", key=m, where=where), f.data) for m in missing]


def _explain_type(f: _Failure) -> list[Diagnostic]:
    expected, value = f.expected, f.error.instance
    message = tr("LZ012", field=f.name, expected=_type_name(expected), actual=_type_name(_json_type(value)))
    if expected == "boolean" and isinstance(value, str) and value.lower() in _YAML11_BOOLEANS:
        message += tr("LZ012.bool_hint", value=value)
    return f.at_value("LZ012", message)


def _explain_enum(f: _Failure) -> list[Diagnostic]:
    if f.path[:2] == ("vocabulary", "aliases") and len(f.path) == 4:
        return f.at_value("LZ027", tr("LZ027.alias_target", alias=f.path[3], word=f.error.instance,
                                      vocabulary=_vocabulary_name(f.path[2]), words=join_list(list(f.expected))))
    allowed = join_list(_allowed_words(f.expected))
    return f.at_value("LZ013", tr("LZ013", field=f.name, value=f.error.instance, allowed=allowed))


def _explain_const(f: _Failure) -> list[Diagnostic]:
    allowed = str(f.expected)
    return f.at_value("LZ013", tr("LZ013", field=f.name, value=f.error.instance, allowed=allowed))


def _explain_format(f: _Failure) -> list[Diagnostic]:
    return f.at_value("LZ014", tr("LZ014", field=f.name, value=f.error.instance))


def _explain_pattern(f: _Failure) -> list[Diagnostic]:
    if f.schema.get("format") == "date":
        return _explain_format(f)
    if str(f.expected).startswith("^LZ"):
        return f.at_value("LZ015", tr("LZ015.code", value=f.error.instance))
    return f.at_value("LZ015", tr("LZ015", field=f.name, value=f.error.instance))


def _explain_range(f: _Failure) -> list[Diagnostic]:
    bounds = f.schema
    return f.at_value("LZ016", tr("LZ016", field=f.name, value=f.error.instance,
                                  low=bounds.get("minimum", "-"), high=bounds.get("maximum", "-")))


def _explain_too_few(f: _Failure) -> list[Diagnostic]:
    return f.at_value("LZ017", tr("LZ017", field=f.name, count=f.expected))


def _explain_empty(f: _Failure) -> list[Diagnostic]:
    return f.at_value("LZ018", tr("LZ018", field=f.name))


def _explain_step_without_process(f: _Failure) -> list[Diagnostic]:
    line, col = f.locate((*f.path, "step"), True)
    return [_make("LZ023", f.rel, line, col, f.path, tr("LZ023"), f.data)]


def _vocabulary_name(name: Any) -> str:
    """A vocabulary as a message names it: ``风险类型（risk_type）``, or ``risk_type`` in English."""
    return str(name) if current_language() == "en" else f"{VOCABULARY_TITLES.get(name, name)}（{name}）"


def _explain_not(f: _Failure) -> list[Diagnostic]:
    """In org.yaml's vocabulary: an added word that is built in already, an alias that is a spelling already."""
    if f.path[:1] != ("vocabulary",) or len(f.path) < 3:
        return _explain_other(f)
    name = _vocabulary_name(f.path[2])
    if f.path[1] == "add":
        return f.at_value("LZ027", tr("LZ027.builtin", word=f.error.instance, vocabulary=name))
    # propertyNames: the error stands at the mapping; the alias is the key
    line, col = f.locate((*f.path, f.error.instance), True)
    message = tr("LZ027.alias_taken", alias=f.error.instance, vocabulary=name)
    return [_make("LZ027", f.rel, line, col, f.path, message, f.data)]


def _explain_unique(f: _Failure) -> list[Diagnostic]:
    """A word added twice to one vocabulary: reported at its second place."""
    items = cast(list, f.error.instance)
    seen: set = set()
    for j, item in enumerate(items):
        if item in seen:
            line, col = f.locate((*f.path, j), False)
            name = _vocabulary_name(f.path[-1])
            return [_make("LZ027", f.rel, line, col, f.path, tr("LZ027.twice", word=item, vocabulary=name), f.data)]
        seen.add(item)
    return _explain_other(f)


def _explain_other(f: _Failure) -> list[Diagnostic]:
    return f.at_value("LZ019", tr("schema.other", detail=f"{_field(f.path)}: {f.error.message}"))


# Words YAML 1.1 read as booleans; in YAML 1.2 (and lz) they are text, so a hint helps.
_YAML11_BOOLEANS = ("yes", "no", "on", "off", "y", "n", "是", "否")

# JSON Schema keyword -> the explainer of its errors.
_EXPLAINERS: dict[str, Callable[[_Failure], list[Diagnostic]]] = {
    "additionalProperties": _explain_unknown_keys,
    "required": _explain_missing_keys,
    "type": _explain_type,
    "enum": _explain_enum,
    "const": _explain_const,
    "format": _explain_format,
    "pattern": _explain_pattern,
    "minimum": _explain_range, "maximum": _explain_range,
    "exclusiveMinimum": _explain_range, "exclusiveMaximum": _explain_range,
    "minItems": _explain_too_few,
    "minLength": _explain_empty,
    "dependencies": _explain_step_without_process,
    "propertyNames": lambda f: [],  # the inner pattern error is reported on its own
    "not": _explain_not,
    "uniqueItems": _explain_unique,
}
