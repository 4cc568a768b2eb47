"""Writing the export's tables as Parquet with DuckDB, and reading them back as views.

Rows go from Python to DuckDB as newline-delimited JSON read with the table's declared column types (one
statement per table, however many units: DuckDB's row-by-row inserts from Python are ~1,000 × slower), and
DuckDB writes the Parquet files, partitioned hive style (``unit=…/year=…``).
"""

from __future__ import annotations

import json
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb

from lianzheng_cli.analytics.tables import PARTITION, TABLES, Table, assessed, table_rows
from lianzheng_cli.model.grading import grade_register
from lianzheng_cli.model.records import Register

PARTITION_TYPES = {c.name: c.type for c in PARTITION}
DATA_FILE = "data_0.parquet"


def sql_string(text: str | Path) -> str:
    """A SQL string literal (file paths in COPY and read_parquet cannot be parameters)."""
    return "'" + str(text).replace("'", "''") + "'"


def connect(*, threads: int | None = 1) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB; one thread by default (small files: threads only cost)."""
    config: dict[str, Any] = {"threads": threads} if threads else {}
    con = duckdb.connect(config=config)
    con.execute("SET enable_progress_bar = false")  # DuckDB would draw one on the terminal
    return con


class RowSpool:
    """Rows of every table, with their partition columns (and any others), spooled as JSON: one file per table
    and register, an array of objects encoded at once (the encoder's C loop, not a call per row)."""

    def __init__(self, folder: Path, extra: Sequence[str] = ()):
        self.folder = folder
        self.extra = tuple(extra)  # leading partition columns before unit and year (the cache's ``key``)
        self.counts = dict.fromkeys(TABLES, 0)
        self._files = 0
        self._name = secrets.token_hex(4)  # several spools (a forked worker's) write into one folder

    def add(self, register: Register, *, extra: Sequence[Any] = (), as_of: date | None = None) -> dict[str, int]:
        """The register's rows, its yearly assessment counted to ``as_of`` (default: lz report's date for its
        year); returns how many each table got."""
        front = dict(zip(self.extra, extra, strict=True))
        front.update(unit=register.org.id, year=register.org.year)
        grades = grade_register(register)
        added = {}
        self._files += 1
        for name, rows in table_rows(register, grades, assessed(register, as_of)):
            added[name] = len(rows)
            if not rows:
                continue
            names = TABLES[name].names
            folder = self.folder / name
            folder.mkdir(exist_ok=True)
            records = [{**front, **dict(zip(names, row, strict=True))} for row in rows]
            # dumps, not dump: only a one-shot encoding runs in C (json.dump streams through the Python encoder)
            (folder / f"{self._name}-{self._files}.json").write_text(json.dumps(records, ensure_ascii=False),
                                                                      encoding="utf-8")
            self.counts[name] += len(rows)
        return added

    def merge(self, counts: dict[str, int]) -> None:
        """Count rows another process spooled into this folder."""
        for name, n in counts.items():
            self.counts[name] += n

    def source(self, name: str) -> str:
        """The table's spooled rows as a DuckDB table expression."""
        return _read_rows(self.folder / name / "*.json", TABLES[name], [*self.extra, "unit", "year"])

    def write_batch(self, con: duckdb.DuckDBPyConnection, target: Path, batch: str) -> None:
        """Each table with rows into one file ``target/<table>/batch=<batch>/data_0.parquet``, every unit's rows
        with their key, unit and year columns (one file a table: a warm run reads a few files, not thousands)."""
        for name in TABLES:
            if self.counts[name]:
                folder = target / name / f"batch={batch}"
                folder.mkdir(parents=True, exist_ok=True)
                con.execute(f"COPY (SELECT * FROM {self.source(name)}) TO {sql_string(folder / DATA_FILE)} "
                            "(FORMAT parquet)")


def _columns_sql(table: Table, partition: Iterable[str]) -> str:
    types = {p: PARTITION_TYPES.get(p, "VARCHAR") for p in partition}
    types.update({c.name: c.type for c in table.columns})
    return "{" + ", ".join(f"{sql_string(k)}: {sql_string(v)}" for k, v in types.items()) + "}"


def _read_rows(path: Path, table: Table, partition: Sequence[str]) -> str:
    return f"read_json({sql_string(path)}, format='array', columns={_columns_sql(table, partition)})"


def partition_folder(root: Path, table: str, unit: str, year: int) -> Path:
    """``root/table/unit=…/year=…``, the value percent-encoded as DuckDB, Hive and Spark write it (an id's
    parentheses become %28 %29; readers decode them)."""
    return root / table / f"unit={quote(unit, safe='._-')}" / f"year={year}"


def export_register(register: Register, folder: Path) -> dict[str, int]:
    """``lz export parquet``: the register's tables under ``folder``, replacing its unit's and year's partitions
    (other units' partitions stay: exports of several units into one folder make a county's dataset).

    Every table gets a file, empty when the register has no rows for it; returns the rows written per table.
    """
    unit, year = register.org.id, register.org.year
    with tempfile.TemporaryDirectory(prefix="lz-export-") as scratch:
        spool = RowSpool(Path(scratch))
        spool.add(register)
        con = connect()
        try:
            for name, table in TABLES.items():
                where = partition_folder(folder, name, unit, year)
                staged = Path(scratch) / "out" / name
                staged.mkdir(parents=True)
                columns = ", ".join(table.names)
                query = f"SELECT {columns} FROM {spool.source(name)}" if spool.counts[name] else empty_select(table)
                con.execute(f"COPY ({query}) TO {sql_string(staged / DATA_FILE)} (FORMAT parquet)")
                if where.exists():
                    shutil.rmtree(where)
                where.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(staged, where)
        finally:
            con.close()
        return dict(spool.counts)


def empty_select(table: Table) -> str:
    return "SELECT " + ", ".join(f"CAST(NULL AS {c.type}) AS {c.name}" for c in table.columns) + " WHERE false"


def create_views(con: duckdb.DuckDBPyConnection, files: dict[str, list[Path]], *,
                 extra: Sequence[str] = (), load: bool = False, tables: Iterable[str] = TABLES) -> None:
    """A view per table over its Parquet files (with the hive partition columns first); a table without
    files is an empty view with the same columns. ``load``: tables read once into memory instead (many queries
    over thousands of small files, as the rollup makes, would read every file's metadata again each time)."""
    for name in tables:
        table = TABLES[name]
        found = files.get(name) or []
        partition = [*extra, "unit", "year"]
        if not found:
            columns = [f"CAST(NULL AS {PARTITION_TYPES.get(p, 'VARCHAR')}) AS {p}" for p in partition]
            query = empty_select(table).replace("SELECT ", "SELECT " + ", ".join(columns) + ", ", 1)
        else:
            listed = "[" + ", ".join(sql_string(f) for f in found) + "]"
            # the hive keys of the folders (unit=…/year=…, or a coarser county=…/year=… with unit in the files)
            keys = [part.split("=", 1)[0] for part in found[0].parts if "=" in part]
            types = "{" + ", ".join(f"{sql_string(k)}: {sql_string(PARTITION_TYPES.get(k, 'VARCHAR'))}"
                                    for k in keys) + "}"
            query = (f"SELECT {', '.join(partition)}, {', '.join(table.names)} FROM read_parquet({listed}, "
                     f"hive_partitioning=true, hive_types={types})")
        con.execute(f"CREATE OR REPLACE {'TABLE' if load else 'VIEW'} {name} AS {query}")


def export_files(folder: Path) -> dict[str, list[Path]]:
    """The Parquet files of each table of an export folder: ``<table>/unit=…/year=…/*.parquet`` as lz writes it,
    or any hive layout whose files hold the columns the folders do not (``county=…/year=…/`` holding ``unit``)."""
    return {name: sorted((folder / name).glob("**/*.parquet")) for name in TABLES}


def is_export(folder: Path) -> bool:
    """Whether ``folder`` holds an export: Parquet files in a table's folder (a register's departments/ has none)."""
    return any(next((folder / name).glob("**/*.parquet"), None) is not None for name in TABLES)


def json_value(value: Any) -> Any:
    """A query result's value as JSON has it: dates as YYYY-MM-DD, everything else as DuckDB gives it."""
    if isinstance(value, date):
        return value.isoformat()
    return value
