"""``lz query``: one read-only SELECT over an export's tables, for analysts.

Three locks, each enough alone for most mistakes: DuckDB's own parser must find exactly one statement, of type
SELECT (``WITH … SELECT``, ``FROM t``, ``DESCRIBE`` and ``SUMMARIZE`` are selects too); the views are in a
database opened read-only; and the query may read files only inside the export folder, with the configuration
locked so that it cannot lift that.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from lianzheng_cli.analytics.parquet import create_views, export_files, sql_string
from lianzheng_cli.i18n import messages

tr = messages({
    "query.not_one": {
        "zh": "只能执行一条查询语句，这里有{count}条",
        "en": "only one statement can be run; this has {count}",
    },
    "query.not_select": {
        "zh": "只能执行只读的 SELECT 查询（可带 WITH），不能执行 {kind} 语句",
        "en": "only a read-only SELECT (WITH allowed) can be run, not a {kind} statement",
    },
    "query.syntax": {"zh": "SQL语法错误：{error}", "en": "SQL syntax error: {error}"},
    "query.failed": {"zh": "查询失败：{error}", "en": "the query failed: {error}"},
})


class QueryRefused(Exception):
    """Not a single read-only SELECT, or not SQL: a usage error (exit 2)."""


class QueryFailed(Exception):
    """A SELECT that DuckDB could not run (an unknown table or column …): exit 1."""


@dataclass
class QueryResult:
    columns: list[str]
    types: list[str]  # DuckDB's type names
    rows: list[tuple[Any, ...]]


def run_query(sql: str, export: Path) -> QueryResult:
    """Run ``sql`` over the tables of the export folder ``export`` (a view per table, see docs/export.md)."""
    export = export.resolve()
    with tempfile.TemporaryDirectory(prefix="lz-query-") as scratch:
        database = Path(scratch) / "views.duckdb"
        with duckdb.connect(str(database)) as con:
            create_views(con, export_files(export))
        with duckdb.connect(str(database), read_only=True) as con:
            con.execute(f"SET allowed_directories = [{sql_string(str(export) + '/')}]")
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
            check_select(con, sql)
            try:
                cursor = con.execute(sql)
                rows = cursor.fetchall()
            except duckdb.Error as exc:
                raise QueryFailed(tr("query.failed", error=_first_line(exc))) from None
            description = cursor.description or []
            return QueryResult([d[0] for d in description], [str(d[1]) for d in description], rows)


def check_select(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """``QueryRefused`` unless ``sql`` is exactly one statement that DuckDB's parser types as SELECT."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(tr("query.syntax", error=_first_line(exc))) from None
    if len(statements) != 1:
        raise QueryRefused(tr("query.not_one", count=len(statements)))
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise QueryRefused(tr("query.not_select", kind=kind.name))


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
