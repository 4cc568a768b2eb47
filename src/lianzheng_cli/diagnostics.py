"""The one finding type that every check makes and every output format renders."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    file: str  # relative to the register folder, '/'-separated
    line: int  # 1-based; 0 when the finding is about the whole file
    column: int  # 1-based
    message: str
    subject: str = ""  # id of the object the finding is about, or ''

    def to_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.code, self.message)


def count_by_severity(diagnostics: list[Diagnostic]) -> dict[str, int]:
    counts = {"errors": 0, "warnings": 0, "infos": 0}
    for d in diagnostics:
        counts[{"error": "errors", "warning": "warnings", "info": "infos"}[d.severity]] += 1
    return counts
