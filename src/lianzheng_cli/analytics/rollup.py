"""``lz rollup``: many units' registers into one county view, on DuckDB over their exported tables.

Each SOURCE is validated; a clean one is exported (``tables.py``) into the cache under its content key, so a
warm run exports only the units that changed. The units a run checks are written together, one Parquet file a
table (a batch, with each row's ``key``), and each unit's record in ``units/<key>.json`` names its batch: a warm
run of 400 units reads seven files, not thousands. A unit with errors is kept in the result with its errors and
left out of every sum. The totals, the ranking and the copies across units are SQL over the cached Parquet.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lianzheng_cli.analytics.parquet import (
    DATA_FILE,
    RowSpool,
    connect,
    create_views,
    empty_select,
    partition_folder,
    sql_string,
)
from lianzheng_cli.analytics.tables import EXPORT_VERSION, TABLES
from lianzheng_cli.analytics.units import (
    Unit,
    check_unit,
    content_key,
    from_meta,
    mark_duplicates,
    open_source,
    read_meta,
    write_meta,
)
from lianzheng_cli.forking import Forked, can_fork
from lianzheng_cli.lint.dates import default_as_of
from lianzheng_cli.lint.rules.text import MIN_RISK_CONTENT
from lianzheng_cli.load.sources import DirectorySource, Source
from lianzheng_cli.model.records import DONE
from lianzheng_cli.vocab import ENUMS, GRADES

JSON_VERSION = 1
COPY_MIN_LENGTH = MIN_RISK_CONTENT  # shorter texts (after folding) match by chance, not by copying


@dataclass
class UnitTotals:
    """One unit's figures in the county view (a unit's register that validated clean)."""

    unit: str
    year: int
    name: str
    as_of: date | None = None  # the date counted to: --date, else the earlier of today and 31 December of its year
    departments: int = 0
    people: int = 0
    powers: int = 0
    risks: int = 0
    risks_by_grade: dict[str, int] = field(default_factory=dict)
    risks_by_type: dict[str, int] = field(default_factory=dict)
    measures: int = 0
    measures_by_stage: dict[str, int] = field(default_factory=dict)  # measures without a stage are not counted
    measures_by_status: dict[str, int] = field(default_factory=dict)
    measures_done: int = 0  # 已落实
    measures_overdue: int = 0  # past due on the as-of date and not 已落实 (LZ103)
    warnings: int = 0
    warnings_open: int = 0  # issued on or before the as-of date and not closed by then
    briefed: int = 0  # people with a briefing (交底) on or before the as-of date
    pledged: int = 0  # people with a pledge (廉洁承诺) dated in the register's year, on or before the as-of date
    # The yearly assessment (lz assess, issue 16 part 2) goes here: {"score": 0–100, "band": 好/较好/一般/差};
    # None until assessments are wired in. The ranking orders by it when present.
    assessment: dict[str, Any] | None = None
    by_department: list[dict[str, Any]] = field(default_factory=list)

    @property
    def briefed_share(self) -> float | None:
        return self.briefed / self.people if self.people else None

    @property
    def pledged_share(self) -> float | None:
        return self.pledged / self.people if self.people else None

    @property
    def done_share(self) -> float | None:
        return self.measures_done / self.measures if self.measures else None

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit, "year": self.year, "name": self.name,
            "as_of": self.as_of.isoformat() if self.as_of else None, "departments": self.departments,
            "people": self.people, "powers": self.powers, "risks": self.risks,
            "risks_by_grade": self.risks_by_grade, "risks_by_type": self.risks_by_type,
            "measures": self.measures, "measures_by_stage": self.measures_by_stage,
            "measures_by_status": self.measures_by_status, "measures_done": self.measures_done,
            "measures_overdue": self.measures_overdue, "warnings": self.warnings,
            "warnings_open": self.warnings_open, "briefed": self.briefed, "pledged": self.pledged,
            "briefed_share": _rounded(self.briefed_share), "pledged_share": _rounded(self.pledged_share),
            "done_share": _rounded(self.done_share), "assessment": self.assessment,
            "by_department": self.by_department,
        }


def _rounded(share: float | None) -> float | None:
    return None if share is None else round(share, 4)


@dataclass(frozen=True)
class Place:
    unit: str
    unit_name: str
    year: int
    department: str
    department_name: str
    risk: str

    def to_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "unit_name": self.unit_name, "year": self.year, "department": self.department,
                "department_name": self.department_name, "risk": self.risk}


@dataclass(frozen=True)
class CrossCopy:
    """The same risk text (folded) in two or more units: 照抄照搬 across units."""

    text: str  # as the first place writes it
    places: tuple[Place, ...]

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "places": [p.to_json() for p in self.places]}


@dataclass
class Rollup:
    as_of: date | None  # --date; None: each unit is counted to the earlier of today and the end of its year
    units: list[Unit]  # every SOURCE, in the order given
    totals: list[UnitTotals]  # the clean units, in the order given
    copies: list[CrossCopy]
    cache: Path

    @property
    def failed(self) -> list[Unit]:
        return [u for u in self.units if not u.ok]

    @property
    def ranking(self) -> list[UnitTotals]:
        """Units best first: by assessment score when there is one, else by the share of measures carried out
        (已落实), then by fewer overdue measures, then by unit id."""
        def key(t: UnitTotals) -> tuple:
            score = t.assessment.get("score") if t.assessment else None
            return (-(score if score is not None else -1), -(t.done_share or 0), t.measures_overdue, t.unit, t.year)
        return sorted(self.totals, key=key)

    def county(self) -> UnitTotals:
        """The sums over the clean units."""
        total = UnitTotals("", 0, "")
        for t in self.totals:
            for name in ("departments", "people", "powers", "risks", "measures", "measures_done", "measures_overdue",
                         "warnings", "warnings_open", "briefed", "pledged"):
                setattr(total, name, getattr(total, name) + getattr(t, name))
            for name in ("risks_by_grade", "risks_by_type", "measures_by_stage", "measures_by_status"):
                mine = getattr(total, name)
                for k, v in getattr(t, name).items():
                    mine[k] = mine.get(k, 0) + v
        return total

    def to_json(self) -> dict[str, Any]:
        """The ``lz rollup --format json`` contract: keys stable and language-independent."""
        county = self.county().to_json()
        for key in ("unit", "year", "name", "as_of", "assessment", "by_department"):
            county.pop(key)
        ranked = self.ranking
        return {
            "version": JSON_VERSION,
            "export_version": EXPORT_VERSION,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "units": [t.to_json() for t in self.totals],
            "county": county,
            "ranking": [{"rank": n, "unit": t.unit, "year": t.year, "name": t.name,
                         "score": t.assessment.get("score") if t.assessment else None,
                         "done_share": _rounded(t.done_share), "measures_overdue": t.measures_overdue}
                        for n, t in enumerate(ranked, 1)],
            "failed": [{"source": u.argument, "unit": u.unit, "year": u.year, "problem": u.problem,
                        "errors": [{**d.to_dict(), "location": u.located(d)} for d in u.errors]}
                       for u in self.failed],
            "copies": [c.to_json() for c in self.copies],
        }


def run_rollup(sources: list[str], *, as_of: date | None, cache: Path, today: date | None = None,
               export: Path | None = None) -> Rollup:
    """Validate and export each SOURCE (from the cache when unchanged), then total them with DuckDB.

    ``export``: also write the clean units' tables there as an export folder (``lz rollup --export``).
    """
    folder = cache / f"v{EXPORT_VERSION}"
    units = [Unit(argument) for argument in sources]
    repos: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="lz-rollup-") as scratch:
            day = today or date.today()
            todo, twins = _locate(units, folder, repos, assessed_on=as_of or day)
            spool = RowSpool(Path(scratch), extra=("key",))
            fresh = _check_all(todo, folder, spool, as_of, day)
            con = connect(threads=None)
            try:
                if fresh:
                    batch = secrets.token_hex(8)
                    spool.write_batch(con, folder / "tables", batch)
                    for unit in fresh:
                        unit.batch = batch
                        write_meta(folder, unit)
                for unit, first in twins:  # the same files twice in this run: checked once, counted once
                    unit.unit, unit.year, unit.name, unit.errors, unit.warnings, unit.batch = (
                        first.unit, first.year, first.name, first.errors, first.warnings, first.batch)
                mark_duplicates(units)
                ok = [u for u in units if u.ok]
                tables = tuple(TABLES) if export is not None else ROLLUP_TABLES
                create_views(con, _files(folder, ok, tables), extra=("key", "batch"), load=True, tables=tables)
                con.execute("CREATE TEMP TABLE chosen AS SELECT unnest($1::VARCHAR[]) AS kb",
                            [[f"{u.key}@{u.batch}" for u in ok]])
                totals = _totals(con, ok, as_of, day)
                copies = _copies(con)
                if export is not None:
                    _export(con, export, ok)
            finally:
                con.close()
    finally:
        for repo in repos.values():
            repo.close()
    return Rollup(as_of, units, totals, copies, cache)


Todo = list[tuple[Unit, Source, Path]]


def _locate(units: list[Unit], folder: Path, repos: dict[str, Any],
            assessed_on: date) -> tuple[Todo, list[tuple[Unit, Unit]]]:
    """Resolve and key every unit; those neither cached nor repeated are to be checked. The key holds the date the
    assessment is counted to (``--date``, else today): the same files assessed another day are checked again."""
    todo: Todo = []
    twins: list[tuple[Unit, Unit]] = []
    seen: dict[str, Unit] = {}
    for unit in units:
        source, root, unit.place, unit.problem = open_source(unit.argument, repos)
        if source is None:
            continue
        unit.key = content_key(source, also=assessed_on.isoformat())
        first = seen.setdefault(unit.key, unit)
        if first is not unit:
            twins.append((unit, first))
            continue
        meta = read_meta(folder, unit.key)
        if meta is not None:
            from_meta(unit, meta)
        else:
            todo.append((unit, source, root))
    return todo, twins


def _check_all(todo: Todo, folder: Path, spool: RowSpool, as_of: date | None, today: date) -> list[Unit]:
    """Validate the units to check and spool the clean ones' rows: on two processes when there are many and they
    are folders (a git revision's reader cannot be shared with a forked worker). Returns the units spooled."""
    shared = [i for i, (_, source, _) in enumerate(todo) if isinstance(source, DirectorySource)]
    forked = shared[1::2] if can_fork() and len(shared) >= FORK_FROM else []
    worker = Forked(_check_many, todo, forked, spool.folder, as_of, today) if forked else None
    results, counts = _check_many(todo, [i for i in range(len(todo)) if i not in set(forked)], spool.folder,
                                  as_of, today)
    if worker is not None:
        more, more_counts = worker.result()
        results += more
        for name, n in more_counts.items():
            counts[name] = counts.get(name, 0) + n
    spool.merge(counts)
    fresh = []
    for i, (name, year, title, errors, warnings, spooled) in sorted(results):
        unit = todo[i][0]
        unit.unit, unit.year, unit.name, unit.errors, unit.warnings = name, year, title, errors, warnings
        if spooled:
            fresh.append(unit)
        else:
            write_meta(folder, unit)  # its errors, so a warm run lists them without checking again
    return fresh


FORK_FROM = 8  # units to check from which half of them go to a forked worker


def _check_many(todo: Todo, chosen: list[int], scratch: Path, as_of: date | None,
                today: date) -> tuple[list[tuple], dict[str, int]]:
    """Validate ``todo[i]`` for each chosen ``i``, spooling the clean ones' rows (and their assessment, counted to
    ``as_of``, else to lz report's date for their year) into ``scratch``; each one's outcome
    ``(i, (unit, year, name, errors, warnings, spooled))`` and the rows spooled per table."""
    spool = RowSpool(scratch, extra=("key",))
    results = []
    for i in chosen:
        unit, source, root = todo[i]
        register = check_unit(unit, source, root)
        if register is not None:
            spool.add(register, extra=(unit.key,), as_of=as_of or default_as_of(register.org.year, today))
        results.append((i, (unit.unit, unit.year, unit.name, unit.errors, unit.warnings, register is not None)))
    return results, spool.counts


# The tables the rollup's queries read.
ROLLUP_TABLES = ("units", "departments", "people", "powers", "risks", "measures", "warnings", "assessments")


def _files(folder: Path, units: list[Unit], tables: tuple[str, ...]) -> dict[str, list[Path]]:
    """Each table's Parquet files of the batches holding the chosen units (they may hold other units too)."""
    batches = sorted({u.batch for u in units if u.batch})
    return {name: [f for b in batches if (f := folder / "tables" / name / f"batch={b}" / DATA_FILE).is_file()]
            for name in tables}


_PER_UNIT = {
    "departments": "SELECT unit, year, count(*) FROM departments {chosen} GROUP BY ALL",
    "powers": "SELECT unit, year, count(*) FROM powers {chosen} GROUP BY ALL",
    "people": "SELECT unit, year, count(*), "
              "count(*) FILTER (briefed IS NOT NULL AND briefed <= $as_of), "
              "count(*) FILTER (year(pledged) = year AND pledged <= $as_of) FROM people {chosen} GROUP BY ALL",
    "measures": "SELECT unit, year, count(*), count(*) FILTER (status = $done), "
                "count(*) FILTER (due < $as_of AND status <> $done) FROM measures {chosen} GROUP BY ALL",
    "warnings": "SELECT unit, year, count(*), "
                "count(*) FILTER (date <= $as_of AND (closed IS NULL OR closed > $as_of)) "
                "FROM warnings {chosen} GROUP BY ALL",
}
# The rows of the chosen units from the batches that hold them (a batch may hold other units, or an older copy).
_CHOSEN = "WHERE key || '@' || batch IN (SELECT kb FROM chosen)"


def _totals(con: Any, units: list[Unit], as_of: date | None, today: date) -> list[UnitTotals]:
    by_unit: dict[tuple[str, int], UnitTotals] = {
        (u.unit or "", u.year or 0): UnitTotals(u.unit or "", u.year or 0, u.name or "") for u in units}
    # lz report's default (lint.default_as_of) for each unit, unless a date is given
    day = "$as_of" if as_of is not None else "least($as_of, make_date(year, 12, 31))"
    params = {"as_of": as_of or today, "done": DONE}
    for key, totals in by_unit.items():
        totals.as_of = as_of or min(today, date(key[1], 12, 31))

    def rows(sql: str) -> list[tuple]:
        sql = sql.replace("$as_of", day)
        used = {k: v for k, v in params.items() if f"${k}" in sql}
        return con.execute(sql.format(chosen=_CHOSEN), used).fetchall()

    for table, fields in (("departments", ("departments",)), ("powers", ("powers",)),
                          ("people", ("people", "briefed", "pledged")),
                          ("measures", ("measures", "measures_done", "measures_overdue")),
                          ("warnings", ("warnings", "warnings_open"))):
        for unit, year, *values in rows(_PER_UNIT[table]):
            for name, value in zip(fields, values, strict=True):
                setattr(by_unit[(unit, year)], name, value)
    for column, attribute, order in (("grade", "risks_by_grade", GRADES), ("type", "risks_by_type", ENUMS["risk_type"]),
                                     ("stage", "measures_by_stage", ENUMS["stage"]),
                                     ("status", "measures_by_status", ENUMS["status"])):
        table = "risks" if attribute.startswith("risks") else "measures"
        counted: dict[tuple, dict[str, int]] = defaultdict(dict)
        for unit, year, word, n in rows(f"SELECT unit, year, {column}, count(*) FROM {table} {{chosen}} "
                                        f"AND {column} IS NOT NULL GROUP BY ALL"):
            counted[(unit, year)][word] = n
        for key, totals in by_unit.items():
            found = counted.get(key, {})
            # the vocabulary's words in its order (zero when absent), then a register's own words
            words = [*order, *sorted(w for w in found if w not in order)]
            setattr(totals, attribute, {w: found.get(w, 0) for w in words})
    for totals in by_unit.values():
        totals.risks = sum(totals.risks_by_grade.values())
    for unit, year, score, band, assessed_on in rows(
            "SELECT unit, year, score, band, as_of FROM assessments {chosen} AND department IS NULL AND item IS NULL"):
        by_unit[(unit, year)].assessment = {"score": score, "band": band, "as_of": assessed_on.isoformat()}
    _departments(con, by_unit, params, day)
    return [by_unit[(u.unit or "", u.year or 0)] for u in units]


def _departments(con: Any, by_unit: dict[tuple[str, int], UnitTotals], params: dict[str, Any], day: str) -> None:
    """Each unit's departments with their people, risks by grade, measures, overdue measures and open warnings."""
    grade_columns = ", ".join(f"count(r.risk) FILTER (r.grade = '{g}') AS \"{g}\"" for g in GRADES)
    query = f"""
        WITH d AS (SELECT * FROM departments {_CHOSEN}),
        r AS (SELECT * FROM risks {_CHOSEN}),
        p AS (SELECT unit, year, department, count(*) AS n FROM people {_CHOSEN} GROUP BY ALL),
        m AS (SELECT unit, year, department, count(*) AS n,
                     count(*) FILTER (due < $as_of AND status <> $done) AS overdue
              FROM measures {_CHOSEN} GROUP BY ALL),
        w AS (SELECT unit, year, department,
                     count(*) FILTER (date <= $as_of AND (closed IS NULL OR closed > $as_of)) AS open
              FROM warnings {_CHOSEN} GROUP BY ALL),
        g AS (SELECT d.unit, d.year, d.department, {grade_columns}, count(r.risk) AS risks
              FROM d LEFT JOIN r USING (unit, year, department) GROUP BY ALL)
        SELECT d.unit, d.year, d.department, d.name, coalesce(p.n, 0), g.risks, {', '.join(f'g."{x}"' for x in GRADES)},
               coalesce(m.n, 0), coalesce(m.overdue, 0), coalesce(w.open, 0)
        FROM d JOIN g USING (unit, year, department)
        LEFT JOIN p USING (unit, year, department) LEFT JOIN m USING (unit, year, department)
        LEFT JOIN w USING (unit, year, department)
        ORDER BY d.unit, d.year, d.file"""
    for unit, year, dept, name, people, risks, *rest in con.execute(query.replace("$as_of", day), params).fetchall():
        grades, (measures, overdue, open_warnings) = rest[:len(GRADES)], rest[len(GRADES):]
        by_unit[(unit, year)].by_department.append({
            "department": dept, "name": name, "people": people, "risks": risks,
            "risks_by_grade": dict(zip(GRADES, grades, strict=True)), "measures": measures,
            "measures_overdue": overdue, "warnings_open": open_warnings})


def _copies(con: Any) -> list[CrossCopy]:
    """Risk texts that, folded, are the same in two or more units, with every place they stand."""
    query = f"""
        WITH r AS (SELECT * FROM risks {_CHOSEN} AND length(text_key) >= $min),
        shared AS (SELECT text_key FROM r GROUP BY text_key HAVING count(DISTINCT unit) >= 2)
        SELECT r.text_key, r.description, r.unit, u.name, r.year, r.department, d.name, r.risk
        FROM r JOIN shared USING (text_key)
        JOIN (SELECT * FROM units {_CHOSEN}) u ON u.key = r.key
        JOIN (SELECT * FROM departments {_CHOSEN}) d ON d.key = r.key AND d.department = r.department
        ORDER BY r.text_key, r.unit, r.year, r.department, r.risk"""
    grouped: dict[str, list] = {}
    for key, text, *place in con.execute(query, {"min": COPY_MIN_LENGTH}).fetchall():
        grouped.setdefault(key, [text]).append(Place(*place))
    copies = [CrossCopy(found[0], tuple(found[1:])) for found in grouped.values()]
    copies.sort(key=lambda c: (-len({p.unit for p in c.places}), c.places[0].unit, c.places[0].risk))
    return copies



def _export(con: Any, folder: Path, units: list[Unit]) -> None:
    """The chosen units' tables as an export folder: each unit's and year's partitions replaced, other ones kept;
    a table none of them has rows for gets one empty file (in the first unit's partition), so that every engine
    finds every table with its columns."""
    if not units:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in TABLES.items():
        for unit in units:
            shutil.rmtree(partition_folder(folder, name, unit.unit or "", unit.year or 0), ignore_errors=True)
        columns = ", ".join(table.names)
        if con.execute(f"SELECT count(*) FROM {name} {_CHOSEN}").fetchone()[0]:
            con.execute(f"COPY (SELECT unit, year, {columns} FROM {name} {_CHOSEN}) TO {sql_string(folder / name)} "
                        "(FORMAT parquet, PARTITION_BY (unit, year), OVERWRITE_OR_IGNORE true)")
        else:
            where = partition_folder(folder, name, units[0].unit or "", units[0].year or 0)
            where.mkdir(parents=True)
            con.execute(f"COPY ({empty_select(table)}) TO {sql_string(where / DATA_FILE)} (FORMAT parquet)")
