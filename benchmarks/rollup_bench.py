"""``BENCH_ONLY=rollup make bench``: issue 16's scale — a county of units rolled up, a province's export queried.

- **County**: ``make_register.py --units 400`` writes 400 small registers (~74,000 risks in all) into
  ``benchmarks/data/county-units-400-seed1/``, rebuilt when the generator changes. ``lz rollup`` of all of them
  is measured cold (its cache deleted: every unit validated and exported) and warm (every unit from the cache),
  then warm with one unit's file changed (that unit alone validated and exported again).
- **Province**: 100 counties × 400 units (~7 million risks, ~14 million measures) written straight to Parquet by
  DuckDB SQL (not through YAML) in the export's schema (``analytics/tables.py``) — the tables ``units``,
  ``departments``, ``risks``, ``measures`` and ``warnings`` — into ``benchmarks/data/province-…/``, rebuilt when
  this generator or the schema changes. A province's collected export is partitioned by county and year
  (``county=…/year=…/``, the ``unit`` column inside the files): 40,000 units of one partition each would be
  40,000 small files a table, which no engine reads well. ``lz query`` runs analysts' queries over it.

Each command runs once as a whole process: wall time and peak RSS (``os.wait4``). The table goes to stdout and
``benchmarks/results/rollup.md``. ``BENCH_PROVINCE_COUNTIES=N`` makes a smaller province (for a quick look).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import BIN, DATA, ENV, GENERATOR, HERE, Bench, fmt_s, machine, run_once

UNITS = 400
SEED = 1
UNITS_PER_COUNTY = 400
RISKS_PER_UNIT = 175  # 100 counties × 400 units × 175 ≈ 7 million
RESULTS = HERE / "results" / "rollup.md"
TABLES_SOURCE = HERE.parent / "src" / "lianzheng_cli" / "analytics" / "tables.py"

QUERIES = (
    ("risks by grade, province-wide", "SELECT grade, count(*) AS n FROM risks GROUP BY grade ORDER BY grade"),
    ("overdue measures per county, top 10",
     "SELECT split_part(unit, '-', 1) AS county, count(*) AS overdue FROM measures "
     "WHERE due < DATE '2025-12-31' AND status <> '已落实' GROUP BY county ORDER BY overdue DESC LIMIT 10"),
    ("risk texts found in the most units (照抄照搬)",
     "SELECT text_key, count(DISTINCT unit) AS units FROM risks GROUP BY text_key ORDER BY units DESC LIMIT 10"),
)


def ensure_county() -> tuple[Path, dict]:
    name = f"county-units-{UNITS}-seed{SEED}"
    folder, stamp = DATA / name, DATA / f"{name}.json"
    key = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()
    if folder.is_dir() and stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")).get("key") == key:
        return folder, json.loads(stamp.read_text(encoding="utf-8"))["figures"]
    print(f"building the county: {UNITS} units …", file=sys.stderr, flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    out = subprocess.run([sys.executable, str(GENERATOR), "--units", str(UNITS), "--seed", str(SEED), "--out",
                          str(folder)], check=True, capture_output=True, text=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    stamp.write_text(json.dumps({"key": key, "figures": figures}), encoding="utf-8")
    return folder, figures


# The province's rows, by SQL. ``i`` numbers a unit's row over the whole province; unit n is c###-u###.
# pick(list, seed) takes a list element by a hash: the same rows every time.
PROVINCE_SQL = {
    "units": """
        SELECT {unit} AS unit, 2025 AS year, '示例县' || (n // {per} + 1) || '第' || (n % {per} + 1) || '单位' AS name,
               'p-head' AS head, 'jjjc' AS inspection, 'matrix' AS grading_method, '1' AS schema_version
        FROM range({units}) t(n)""",
    "departments": """
        SELECT {unit} AS unit, 2025 AS year, d AS department,
               pick(['领导班子', '纪检监察室', '办公室', '审批科'], hash(d)) AS name,
               CASE WHEN d = 'ldbz' THEN '领导班子' ELSE '内设机构' END AS kind, NULL::VARCHAR AS leader,
               NULL::VARCHAR AS supervisor, 'departments/' || d || '.yaml' AS file
        FROM range({units}) t(n), unnest(['ldbz', 'jjjc', 'bgs', 'spk']) u(d)""",
    "risks": """
        SELECT {unit_of_i} AS unit, 2025 AS year, 'R' || (i % {risks} + 1) AS risk,
               pick(['ldbz', 'jjjc', 'bgs', 'spk'], i) AS department,
               pick(['收受礼品', '违规审批', '泄露信息', '虚报冒领', '优亲厚友', '吃拿卡要'], i * 3) AS title,
               {text} AS description, {text} AS text_key,
               pick(['思想道德', '岗位职责', '业务流程', '制度机制', '外部环境'], i * 5) AS type, '岗位' AS applies_to,
               NULL::VARCHAR AS process, NULL::VARCHAR AS step, 'post-' || (i % 9) AS posts,
               (hash(i * 7) % 5 + 1)::INTEGER AS likelihood, (hash(i * 11) % 5 + 1)::INTEGER AS impact,
               (likelihood * impact)::DOUBLE AS score,
               CASE WHEN score >= 15 THEN '高' WHEN score >= 8 THEN '中' ELSE '低' END AS declared,
               declared AS computed, declared AS grade, NULL::VARCHAR AS residual,
               DATE '2025-01-01' + (hash(i * 13) % 365)::INTEGER AS reviewed, 2 AS measures
        FROM range({units} * {risks}) t(i)""",
    "measures": """
        SELECT {unit_of_i} AS unit, 2025 AS year, 'R' || (i % {risks} + 1) AS risk, 'M' || m AS measure,
               pick(['ldbz', 'jjjc', 'bgs', 'spk'], i) AS department,
               pick(['两人以上共同办理并留痕', '每季度抽查并通报', '结果在单位内部公示', '纳入年度述职述廉'], i * m)
                   AS text,
               pick(['前期预防', '中期监控', '后期处置'], i + m) AS stage, pick(['制度', '监督', '公开', '教育'], i * m) AS kind,
               'bgs' AS owner, DATE '2025-01-31' + (hash(i * 17 + m) % 330)::INTEGER AS due,
               pick(['已落实', '已落实', '已落实', '落实中', '未开始'], i * 19 + m) AS status
        FROM range({units} * {risks}) t(i), range(1, 3) s(m)""",
    "warnings": """
        SELECT {unit} AS unit, 2025 AS year, 'W' || w AS warning, 'bgs' AS department, 'R' || (w * 7) AS risk,
               DATE '2025-02-01' + (hash(n * 3 + w) % 300)::INTEGER AS date, '提示' AS level, '专项检查' AS source,
               NULL::VARCHAR AS finding, NULL::VARCHAR AS action,
               CASE WHEN hash(n + w) % 4 = 0 THEN NULL ELSE DATE '2025-12-01' END AS closed, NULL::VARCHAR AS person
        FROM range({units}) t(n), range(1, 4) s(w)""",
}


def province_key(counties: int) -> str:
    h = hashlib.sha256(json.dumps(PROVINCE_SQL, sort_keys=True).encode())
    h.update(TABLES_SOURCE.read_bytes())
    h.update(str(counties).encode())
    return h.hexdigest()


def province_paths(counties: int) -> tuple[Path, Path]:
    return DATA / f"province-{counties}x{UNITS_PER_COUNTY}", DATA / f"province-{counties}.json"


def ensure_province(counties: int) -> tuple[Path, dict, float]:
    """The province's export folder, built once with DuckDB SQL; (folder, figures, seconds it took to build).

    Built in a process of its own: this one's memory would count in the peak RSS of every command it starts
    (Linux keeps a process's high-water mark across fork and exec).
    """
    folder, stamp = province_paths(counties)
    if not (folder.is_dir() and stamp.is_file()
            and json.loads(stamp.read_text(encoding="utf-8")).get("key") == province_key(counties)):
        subprocess.run([sys.executable, __file__, "--province", str(counties)], check=True)
    recorded = json.loads(stamp.read_text(encoding="utf-8"))
    return folder, recorded["figures"], recorded["seconds"]


def build_province(counties: int) -> None:
    import duckdb

    folder, stamp = province_paths(counties)
    key = province_key(counties)
    units = counties * UNITS_PER_COUNTY
    print(f"building the province: {counties} counties, {units} units, {units * RISKS_PER_UNIT:,} risks …",
          file=sys.stderr, flush=True)
    started = time.perf_counter()
    shutil.rmtree(folder, ignore_errors=True)
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    con = duckdb.connect(config={"preserve_insertion_order": False})
    con.execute("SET partitioned_write_max_open_files = 100000")
    con.execute("CREATE MACRO pick(l, seed) AS l[(hash(seed) % len(l))::BIGINT + 1]")
    unit = f"printf('c%03d-u%03d', n // {UNITS_PER_COUNTY} + 1, n % {UNITS_PER_COUNTY} + 1)"
    figures = {}
    for table, sql in PROVINCE_SQL.items():
        query = sql.format(
            unit=unit, per=UNITS_PER_COUNTY, units=units, risks=RISKS_PER_UNIT,
            unit_of_i=unit.replace("n //", f"(i // {RISKS_PER_UNIT}) //").replace("n %", f"(i // {RISKS_PER_UNIT}) %"),
            text="pick(['窗口', '审批', '财务', '采购', '执法'], i * 23) || '岗位人员在' || "
                 "pick(['受理', '审核', '验收', '拨付', '检查'], i * 29) || '环节' || "
                 "pick(['收受好处后放宽标准', '为亲友违规办理', '泄露内部信息', '虚报数据套取资金'], i * 31) || "
                 "'第' || (hash(i * 37) % 20000) || '类'")
        con.execute(f"COPY (SELECT split_part(unit, '-', 1) AS county, * FROM ({query})) TO '{building / table}' "
                    "(FORMAT parquet, PARTITION_BY (county, year))")
        figures[table] = con.execute(f"SELECT count(*) FROM '{building / table}/*/*/*.parquet'").fetchone()[0]
        print(f"  {table}: {figures[table]:,} rows", file=sys.stderr, flush=True)
    con.close()
    building.rename(folder)
    figures["bytes"] = sum(p.stat().st_size for p in folder.rglob("*.parquet"))
    figures["files"] = sum(1 for _ in folder.rglob("*.parquet"))
    seconds = time.perf_counter() - started
    stamp.write_text(json.dumps({"key": key, "figures": figures, "seconds": seconds}), encoding="utf-8")


def run_rollup_bench() -> int:
    started = time.perf_counter()
    counties = int(os.environ.get("BENCH_PROVINCE_COUNTIES", "100"))
    county, county_figures = ensure_county()
    cache = DATA / "rollup-cache"
    lz = str(BIN / "lz")
    sources = [str(p) for p in sorted(county.glob("unit-*/registers"))]
    argv = [lz, "rollup", *sources, "--cache", str(cache), "--date", "2025-12-31", "--format", "json"]
    changed = county / "unit-200" / "registers" / "departments" / "ldbz.yaml"
    original = changed.read_bytes()

    def change_one() -> None:
        changed.write_bytes(original + "# 基准测试：改动一行注释\n".encode())

    def restore() -> None:
        changed.write_bytes(original)

    rows: list[tuple[str, Bench]] = []
    for label, setup, teardown in (
            ("`lz rollup` of 400 units, cold (cache deleted)", lambda: shutil.rmtree(cache, ignore_errors=True), None),
            ("`lz rollup` of 400 units, warm (every unit from the cache)", None, None),
            ("`lz rollup` of 400 units, warm, one unit's file changed", change_one, restore)):
        bench = Bench(label, label, argv, ok_codes=(0, 1), setup=setup, teardown=teardown)
        run_once(bench, county)
        _said(bench)
        rows.append(("county", bench))
    province, province_figures, build_seconds = ensure_province(counties)
    for label, sql in QUERIES:
        bench = Bench(label, f"`lz query`: {label}", [lz, "query", sql, str(province), "--format", "json"])
        run_once(bench, province)
        _said(bench)
        rows.append(("province", bench))
    markdown = render(rows, county_figures, province_figures, counties, build_seconds, time.perf_counter() - started)
    print(markdown)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(markdown, encoding="utf-8")
    return 0 if all(b.walls for _, b in rows) else 1


def _said(bench: Bench) -> None:
    shown = f"{fmt_s(bench.walls[0])} s, {bench.rss_mb[0]:.0f} MB" if bench.walls else bench.failure
    print(f"{bench.label}: {shown}", file=sys.stderr, flush=True)


def render(rows: list[tuple[str, Bench]], county: dict, province: dict, counties: int, build_seconds: float,
           seconds: float) -> str:
    build = f"built once in {build_seconds:.0f} s, kept in benchmarks/data/"
    lines = [
        "# lz benchmark: rollup and query at county and province scale (issue 16)", "",
        f"- **Date**: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- **Machine**: {machine()}",
        f"- **County**: {county['units']} units, each its own register (`make_register.py --units`): "
        f"{county['files']} files, {county['bytes'] / 1e6:.1f} MB, {county['risks']:,} risks, "
        f"{county['measures']:,} measures, {county['people']:,} people",
        f"- **Province**: {counties} counties × {UNITS_PER_COUNTY} units generated straight to Parquet by DuckDB SQL "
        f"({build}): {province['risks']:,} risks, {province['measures']:,} measures, "
        f"{province['files']:,} Parquet files, {province['bytes'] / 1e6:.0f} MB",
        "- **Method**: each command once as a whole process; wall time and peak RSS (`os.wait4`). Output to "
        "/dev/null. Other work on the machine slows every figure.", "",
        "| scale | command | wall s | peak RSS MB |", "|---|---|---:|---:|",
    ]
    for scale, bench in rows:
        if bench.walls:
            lines.append(f"| {scale} | {bench.label} | {fmt_s(bench.walls[0])} | {bench.rss_mb[0]:.0f} |")
        else:
            lines.append(f"| {scale} | {bench.label} | {bench.failure} | – |")
    lines += ["", f"Total: {seconds:.0f} s.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.update(ENV)
    if sys.argv[1:2] == ["--province"]:
        build_province(int(sys.argv[2]))
        sys.exit(0)
    sys.exit(run_rollup_bench())
