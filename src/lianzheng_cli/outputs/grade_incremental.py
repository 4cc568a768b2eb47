"""``lz grade`` after a change: grade again only the risks whose grade may differ (see ``lint.incremental``).

A risk's grade reads what it refers to (its posts and their powers for the floors, its department's leader and
supervisor, org.yaml's head and inspection for the monitors), never what refers to it. So after a change the
risks to grade again are those of the changed files and of the files that refer to them, through others too;
the rest come from the memo of the last run.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import cast

from lianzheng_cli.lint.incremental import Incremental, memo_inputs
from lianzheng_cli.outputs.grades import GradeReport, GradeRow, MonitorRow, build_grade_report
from lianzheng_cli.validate.register import Validation
from lianzheng_cli.vocab import Grade

KIND = "grade"


class IncrementalGrade(Incremental[GradeReport]):
    """``build_grade_report`` of the whole register at ``root``, re-using the last run's memo where it can."""

    kind = KIND

    def __init__(self, root: Path, *, use_cache: bool = True):
        super().__init__(root, memo_inputs(root, KIND), use_cache=use_cache)

    def _full(self, validation: Validation) -> GradeReport:
        if validation.register is None:  # changed meanwhile and no longer valid: the next run says so
            raise RuntimeError("the register no longer validates")
        report = build_grade_report(validation.register)
        self.store(_memo_of(report, validation))
        return report

    def _warm(self, validation: Validation) -> GradeReport | None:
        memo = self.memo
        place = self.neighbourhood(validation, risks_naming=False)
        if place is None or memo is None:
            return None
        fresh = build_grade_report(place.register) if not place.unchanged else None
        rows_of: dict[str, list[GradeRow]] = {}
        for row in fresh.rows if fresh else ():
            rows_of.setdefault(row.file, []).append(row)
        names = dict(fresh.departments) if fresh else {}
        files = {f.rel: f for f in validation.files.departments}
        ids = {d.file: d.id for d in place.register.departments}
        rows: list[GradeRow] = []
        monitors: dict[tuple, tuple[MonitorRow, ...]] = {}
        departments: list[tuple[str, str]] = []
        stored: dict[str, tuple] = {}
        for rel in place.order:
            if rel in place.again:
                department, mine = (ids[rel], names[ids[rel]]), rows_of.get(rel, [])
                stored[rel] = (files[rel].key, marshal.dumps(files[rel].summary), department,
                               [_value(r) for r in mine])
            else:
                department, values = memo[rel][2:]
                mine = _rows(values, monitors)
                stored[rel] = memo[rel]
            rows += mine
            departments.append((department[0], department[1]))
        self.how = "unchanged" if place.unchanged else "warm"
        if not place.unchanged:
            self.store(stored)
        org = place.register.org
        return GradeReport(org.grading.method, rows, departments, dict(org.monitoring))


def _memo_of(report: GradeReport, validation: Validation) -> dict[str, tuple]:
    """Each department file's key, summary, (id, name) and rows."""
    assert validation.register is not None
    files = {f.rel: f for f in validation.files.departments}
    rows_of: dict[str, list[tuple]] = {rel: [] for rel in files}
    for row in report.rows:
        rows_of[row.file].append(_value(row))
    return {dept.file: (files[dept.file].key, marshal.dumps(files[dept.file].summary), (dept.id, dept.name),
                        rows_of[dept.file]) for dept in validation.register.departments}


_FIELDS = tuple(f.name for f in fields(GradeRow))
_GRADES = ("declared", "computed", "effective", "residual_grade")  # Grade values: kept as their text


def _value(row: GradeRow) -> tuple:
    """A row as plain values (marshal takes no enums); by hand: ``astuple`` copies deeply, 1 s for a county."""
    values = [getattr(row, name) for name in _FIELDS]
    for name in _GRADES:
        at = _AT[name]
        if values[at] is not None:
            values[at] = str(values[at])
    values[_AT["monitors"]] = tuple((m.role, m.person, m.name, m.as_written) for m in row.monitors)
    return tuple(values)


_MAKE_ROW = cast(Callable[..., GradeRow], GradeRow)  # positionally, as _value lays the fields out
_GRADE_OF = {str(grade): grade for grade in Grade}
_AT = {name: _FIELDS.index(name) for name in (*_GRADES, "monitors")}


def _rows(values: list[tuple], monitors: dict[tuple, tuple[MonitorRow, ...]]) -> list[GradeRow]:
    """Rows from ``_value(row)``s; ``monitors`` shares the monitor rows (most risks of a department have the same
    monitors): 74,000 rows are read back in a fraction of a second."""
    rows = []
    for value in values:
        fields_ = list(value)
        for name in _GRADES:
            at = _AT[name]
            if fields_[at] is not None:
                fields_[at] = _GRADE_OF[fields_[at]]
        written = fields_[_AT["monitors"]]
        shared = monitors.get(written)
        if shared is None:
            shared = monitors[written] = tuple(MonitorRow(*m) for m in written)
        fields_[_AT["monitors"]] = shared
        rows.append(_MAKE_ROW(*fields_))
    return rows
