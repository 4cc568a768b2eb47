"""lz export parquet and lz query: the tables read back with DuckDB and pyarrow against the one schema,
docs/export.md generated from it, and lz query refusing anything but one SELECT."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from conftest import REPO, run
from lianzheng_cli.analytics.tables import PARTITION, TABLES, schema_markdown, with_schema

ARROW_TYPES = {"VARCHAR": "string", "INTEGER": "int32", "DOUBLE": "double", "BOOLEAN": "bool", "DATE": "date32[day]"}


@pytest.fixture
def exported(example_register: Path, tmp_path: Path, runner) -> Path:
    folder = tmp_path / "export"
    result = run(runner, "export", "parquet", str(folder), "-r", str(example_register))
    assert result.exit_code == 0, result.output
    assert "risks 75行" in result.stdout
    return folder


def test_every_table_has_a_file_with_the_documented_columns_and_types(exported):
    for name, table in TABLES.items():
        [file] = (exported / name).glob("unit=*/year=*/*.parquet")
        assert file.parent.name == "year=2025" and file.parent.parent.name == "unit=demo-swj"
        schema = pq.read_schema(file)
        assert schema.names == list(table.names), name  # the partition columns are not in the file
        assert [str(t) for t in schema.types] == [ARROW_TYPES[c.type] for c in table.columns], name


def test_read_back_with_duckdb_and_hive_partitions(exported):
    con = duckdb.connect()
    for name, table in TABLES.items():
        glob = (exported / name / "*" / "*" / "*.parquet").as_posix()
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{glob}', hive_partitioning = true, "
                                "hive_types = {'unit': VARCHAR, 'year': INTEGER})").fetchall()
        columns = {row[0]: row[1] for row in described}
        expected = {c.name: c.type for c in (*table.columns, *PARTITION)}
        assert columns == expected, name
    risks = (exported / "risks" / "*" / "*" / "*.parquet").as_posix()
    grades = dict(con.execute(f"SELECT grade, count(*) FROM read_parquet('{risks}', hive_partitioning = true) "
                              "GROUP BY grade").fetchall())
    assert grades == {"高": 19, "中": 37, "低": 19}
    people = (exported / "people" / "*" / "*" / "*.parquet").as_posix()
    assert con.execute(f"SELECT typeof(since), min(since) FROM '{people}' GROUP BY ALL").fetchone()[0] == "DATE"


def test_the_yearly_assessment_is_exported_as_lz_assess_gives_it(exported, example_register, runner):
    assessed = json.loads(run(runner, "assess", "-r", str(example_register), "--format", "json").stdout)
    rows = ds.dataset(exported / "assessments", format="parquet", partitioning="hive").to_table().to_pylist()
    total = next(r for r in rows if r["department"] is None and r["item"] is None)
    unit = assessed["unit"]
    assert (total["score"], total["band"]) == (unit["score"], unit["band"])
    items = {r["item"]: r["score"] for r in rows if r["department"] is None and r["item"] is not None}
    assert items == {i["id"]: i["score"] for i in unit["items"]}
    assert {r["department"] for r in rows} - {None} == {d["id"] for d in assessed["departments"]}


def test_read_back_with_pyarrow_dataset(exported):
    risks = ds.dataset(exported / "risks", format="parquet", partitioning="hive").to_table()
    assert risks.num_rows == 75
    assert set(risks.column("unit").to_pylist()) == {"demo-swj"}
    assert set(risks.column("year").to_pylist()) == {2025}
    measures = ds.dataset(exported / "measures", format="parquet", partitioning="hive").to_table()
    assert str(measures.schema.field("due").type) == "date32[day]"
    approvals = ds.dataset(exported / "approvals", format="parquet", partitioning="hive").to_table()
    assert approvals.num_rows == 0 and approvals.schema.names[:6] == list(TABLES["approvals"].names)


def test_export_replaces_its_own_partition_and_keeps_others(exported, example_register, runner):
    other = exported / "risks" / "unit=other" / "year=2024"
    other.mkdir(parents=True)
    (other / "data_0.parquet").write_bytes((next((exported / "risks").glob("unit=demo-swj/*/*.parquet"))).read_bytes())
    result = run(runner, "export", "parquet", str(exported), "-r", str(example_register))
    assert result.exit_code == 0
    assert (other / "data_0.parquet").is_file()
    assert len(list((exported / "risks" / "unit=demo-swj").glob("*/*.parquet"))) == 1


def test_a_register_with_errors_is_not_exported(example_register, tmp_path, runner):
    org = example_register / "org.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("year: 2025", "year: 二〇二五"), encoding="utf-8")
    result = run(runner, "export", "parquet", str(tmp_path / "out"), "-r", str(example_register))
    assert result.exit_code == 1
    assert "org.yaml:" in result.output and "LZ012" in result.output
    assert not (tmp_path / "out").exists()


def test_docs_export_md_is_generated_from_the_schema():
    text = (REPO / "docs" / "export.md").read_text(encoding="utf-8")
    assert schema_markdown() in text
    assert with_schema(text) == text, "run make docs"


def test_query_over_an_export_and_a_register(exported, example_register, runner):
    out = run(runner, "query", "WITH g AS (SELECT grade, count(*) AS n FROM risks GROUP BY grade) "
              "SELECT * FROM g ORDER BY n DESC, grade", str(exported), "--format", "json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)[0] == {"grade": "中", "n": 37}
    direct = run(runner, "query", "SELECT min(since) AS first FROM people", str(example_register), "-f", "csv")
    assert direct.exit_code == 0, direct.output
    assert direct.stdout.splitlines()[0] == "first" and direct.stdout.splitlines()[1].count("-") == 2
    table = run(runner, "query", "SELECT risk, grade FROM risks ORDER BY risk LIMIT 2", str(exported))
    assert "共2行" in table.stdout


@pytest.mark.parametrize("sql", [
    "INSERT INTO risks SELECT * FROM risks",
    "DELETE FROM risks",
    "CREATE TABLE x AS SELECT 1",
    "COPY risks TO 'stolen.csv'",
    "SELECT 1; DROP VIEW risks",
    "ATTACH 'other.duckdb'",
    "SET enable_external_access = true",
    "PRAGMA version",
])
def test_query_refuses_anything_but_one_select(exported, runner, sql, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(runner, "query", sql, str(exported))
    assert result.exit_code == 2
    assert "lz: " in result.stderr
    assert not (tmp_path / "stolen.csv").exists()


def test_query_reads_only_the_export(exported, runner):
    result = run(runner, "query", "SELECT * FROM read_text('/etc/hostname')", str(exported))
    assert result.exit_code == 1
    assert "查询失败" in result.stderr


def test_a_unit_id_with_parentheses_is_percent_encoded_and_read_back(tmp_path, runner):
    from conftest import ORG, write_register

    register = write_register(tmp_path, ORG.replace("id: test-org", "id: xz(1)"))
    folder = tmp_path / "export"
    assert run(runner, "export", "parquet", str(folder), "-r", str(register)).exit_code == 0
    assert (folder / "risks" / "unit=xz%281%29" / "year=2025" / "data_0.parquet").is_file()
    out = run(runner, "query", "SELECT DISTINCT unit FROM risks", str(folder), "-f", "csv")
    assert out.stdout == "unit\nxz(1)\n"
    rollup_export = tmp_path / "county"
    result = run(runner, "rollup", str(register), "--cache", str(tmp_path / "cache"), "--export", str(rollup_export),
                 "-f", "json")
    assert result.exit_code == 0
    assert (rollup_export / "risks" / "unit=xz%281%29" / "year=2025").is_dir()


def test_query_reads_a_coarser_layout_with_unit_in_the_files(exported, tmp_path, runner):
    province = tmp_path / "province"
    province.mkdir()
    risks = (exported / "risks" / "*" / "*" / "*.parquet").as_posix()
    duckdb.execute(f"COPY (SELECT 'c001' AS county, * FROM read_parquet('{risks}', hive_partitioning = true)) "
                   f"TO '{province / 'risks'}' (FORMAT parquet, PARTITION_BY (county, year))")
    out = run(runner, "query", "SELECT unit, year, count(*) AS n FROM risks GROUP BY ALL", str(province),
              "-f", "json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == [{"unit": "demo-swj", "year": 2025, "n": 75}]


def test_approval_records_are_exported(tmp_path, runner):
    from conftest import write_register

    register = write_register(tmp_path)
    (register / "approvals.yaml").write_text(
        "schema_version: 1\napprovals:\n  - {body: 党组会, date: 2025-03-01, ref: 局党组会〔2025〕3号, revision: "
        + "b" * 40 + "}\n  - {body: 部门会议, date: 2025-03-05, department: spk, revision: " + "c" * 40 + "}\n",
        encoding="utf-8")
    folder = tmp_path / "export"
    result = run(runner, "export", "parquet", str(folder), "-r", str(register))
    assert result.exit_code == 0, result.output
    out = run(runner, "query", "SELECT position, body, date, reference, department FROM approvals ORDER BY position",
              str(folder), "-f", "json")
    assert json.loads(out.stdout) == [
        {"position": 1, "body": "党组会", "date": "2025-03-01", "reference": "局党组会〔2025〕3号", "department": None},
        {"position": 2, "body": "部门会议", "date": "2025-03-05", "reference": None, "department": "spk"}]
