"""``lz query`` results: a terminal table, CSV or JSON (a list of objects, one per row, keyed by column name)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from rich import box
from rich.markup import escape
from rich.table import Table

from lianzheng_cli.i18n import messages
from lianzheng_cli.outputs.diagnostics import make_console

if TYPE_CHECKING:  # DuckDB is imported only by the commands that use it
    from lianzheng_cli.analytics.query import QueryResult

tr = messages({
    "query.rows": {"zh": "共{count}行", "en": "{count} rows"},
})


def _plain(value: Any) -> Any:
    """A value as JSON holds it: dates and times in ISO form, decimals as numbers, anything else as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _cell(value: Any) -> str:
    plain = _plain(value)
    if plain is None:
        return ""
    return plain if isinstance(plain, str) else json.dumps(plain, ensure_ascii=False)


def render_text(result: QueryResult, out: TextIO) -> None:
    console = make_console(out, soft_wrap=False, width=200)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 0))
    for name, kind in zip(result.columns, result.types, strict=True):
        numeric = kind.split("(")[0] in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "DOUBLE", "FLOAT",
                                         "DECIMAL", "UBIGINT", "UINTEGER")
        table.add_column(escape(name), justify="right" if numeric else "left")
    for row in result.rows:
        table.add_row(*(escape(_cell(v)) for v in row))
    console.print(table)
    console.print(tr("query.rows", count=len(result.rows)))


def render_csv(result: QueryResult, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([_cell(v) for v in row] for row in result.rows)


def render_json(result: QueryResult, out: TextIO) -> None:
    rows = [dict(zip(result.columns, (_plain(v) for v in row), strict=True)) for row in result.rows]
    json.dump(rows, out, ensure_ascii=False, indent=1)
    out.write("\n")


QUERY_FORMATS: dict[str, Callable[[QueryResult, TextIO], None]] = {
    "text": render_text,
    "csv": render_csv,
    "json": render_json,
}
