#!/usr/bin/env python3
"""``make bench``: lz against its peers on a county-scale register, as a Markdown table.

Builds the register once (``make_register.py --git``, cached under
``benchmarks/data/``), then measures each command as a whole process: wall
time and peak RSS (``os.wait4``), several interleaved repetitions, median and
spread. Prints the table and writes it to ``benchmarks/results/latest.md``.

    python benchmarks/bench.py [--departments N] [--repeat N] [--seed N]
    BENCH_QUICK=1   a small register (20 departments), 3 repetitions
    BENCH_ONLY=scale  only the scale cases (issue 14's one 50 MB file, 5,000 tiny files, a risk with 10,000
                    measures, a 1 MB scalar; issue 15's 8,000 risks sharing one measure): every command once,
                    cold, with time and peak memory; written to
                    benchmarks/results/scale.md
    BENCH_ONLY=rollup  only issue 16's scale: lz rollup of a county of 400 units (cold, warm) and lz query over a
                    province's export (100 counties, ~7 million risks); written to benchmarks/results/rollup.md
    BENCH_PEERS=all also yamllint, and check-jsonschema of the project's venv even without its C parser
    BENCH_DOCX_REPORT=1 also lz report --docx (a county's takes minutes)

check-jsonschema is measured with ruamel.yaml's C parser, as issue 6 measured it: from the
project's venv when ruamel.yaml.clib is installed there, else from a throwaway venv under
benchmarks/data/ (pip; not a project dependency).

An lz command that ``lz --help`` does not list is shown as "not available";
one that fails is shown with its exit code and left out of the ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results" / "latest.md"
GENERATOR = HERE / "make_register.py"
COMPOSE = HERE / "libyaml_compose.py"
BIN = Path(sys.executable).parent

COUNTY = 400  # departments of the county register the targets are stated for
PER_BENCH_SECONDS = 60  # repetitions of one benchmark are cut to stay about within this
TOTAL_SECONDS = 360  # and of all benchmarks together, so that `make bench` stays well under 10 minutes

CACHE = DATA / "lz-cache"  # lz's cache for the measured runs (not the user's): "cold" deletes it
ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb", "LZ_CACHE_DIR": str(CACHE)}
ENV.pop("LZ_LANG", None)
ENV.pop("LZ_NO_CACHE", None)
# lz as installed: its modules' bytecode written once and read after (an environment that forbids writing it would
# make every run compile lz's 150 modules again, half a second of each warm run).
ENV.pop("PYTHONDONTWRITEBYTECODE", None)


@dataclass
class Bench:
    key: str
    label: str
    argv: list[str]
    ok_codes: tuple[int, ...] = (0,)
    setup: Callable[[], None] | None = None
    teardown: Callable[[], None] | None = None
    peer: bool = False
    note: str = ""
    available: bool = True
    walls: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    failure: str = ""
    reps: int = 0

    @property
    def median(self) -> float | None:
        return statistics.median(self.walls) if self.walls else None


# ---------------------------------------------------------------------------
# The register, built once
# ---------------------------------------------------------------------------


def ensure_register(departments: int, seed: int) -> tuple[Path, dict, float]:
    """The cached git repository of the register; rebuilt when the generator or the scale changed."""
    name = f"county-{departments}-seed{seed}"
    folder, stamp = DATA / name, DATA / f"{name}.json"
    key = {"generator": hashlib.sha256(GENERATOR.read_bytes()).hexdigest(), "departments": departments, "seed": seed}
    if folder.is_dir() and stamp.is_file():
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
        if recorded.get("key") == key:
            return folder, recorded["figures"], 0.0
    print(f"building the register: {departments} departments, seed {seed} …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    DATA.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    stamp.unlink(missing_ok=True)
    building = DATA / f"{name}.building"
    shutil.rmtree(building, ignore_errors=True)
    out = subprocess.run([sys.executable, str(GENERATOR), "--departments", str(departments), "--seed", str(seed),
                          "--out", str(building), "--git"], check=True, capture_output=True, text=True).stdout
    building.rename(folder)
    figures = json.loads(out.strip().splitlines()[-1])
    stamp.write_text(json.dumps({"key": key, "figures": figures}, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder, figures, time.perf_counter() - started


def git_commit(folder: Path) -> None:
    """Make ``folder`` a git repository with everything in it committed (for ``lz diff``)."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "scale case"]):
        subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c",
                        "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args], cwd=folder, env=env,
                       check=True, stdout=subprocess.DEVNULL)


# ---------------------------------------------------------------------------
# Measuring one process
# ---------------------------------------------------------------------------


def run_once(bench: Bench, cwd: Path) -> None:
    """One timed run: wall time around fork/exec/exit, peak RSS from the child's rusage."""
    if bench.setup:
        bench.setup()
    try:
        with tempfile.TemporaryFile() as err:
            started = time.perf_counter()
            proc = subprocess.Popen(bench.argv, cwd=cwd, env=ENV, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            proc.returncode = code = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
            if code not in bench.ok_codes:
                err.seek(0)
                lines = err.read().decode("utf-8", "replace").strip().splitlines()
                bench.failure = f"exit {code}" + (f": {lines[-1][:120]}" if lines else "")
                return
    finally:
        if bench.teardown:
            bench.teardown()
    bench.walls.append(wall)
    bench.rss_mb.append(usage.ru_maxrss / 1024)  # KiB on Linux


def plan_repetitions(benches: list[Bench], repeat: int) -> None:
    """After the first round: fewer repetitions for slow commands, so the whole run stays bounded."""
    live = [b for b in benches if b.walls and not b.failure]
    for b in live:
        b.reps = max(1, min(repeat, int(PER_BENCH_SECONDS // max(b.walls[0], 1e-3))))
    while sum(b.reps * b.walls[0] for b in live) > TOTAL_SECONDS:
        slowest = max((b for b in live if b.reps > 1), key=lambda b: b.reps * b.walls[0], default=None)
        if slowest is None:
            break
        slowest.reps -= 1


# ---------------------------------------------------------------------------
# What is measured
# ---------------------------------------------------------------------------


def lz_commands(lz: Path) -> set[str]:
    """The commands ``lz --help`` lists (rich's box, or click's plain list)."""
    out = subprocess.run([str(lz), "--help"], env={**ENV, "COLUMNS": "200"}, capture_output=True, text=True).stdout
    names = set(re.findall(r"^\s*[│|] ([a-z][\w-]*)\s", out, re.MULTILINE))
    if not names and "Commands:" in out:
        names = set(re.findall(r"^  ([a-z][\w-]*)\s{2,}", out.split("Commands:", 1)[1], re.MULTILINE))
    return names


def peers_venv(*, yamllint: bool) -> Path | None:
    """check-jsonschema with its C YAML parser (and yamllint) in a throwaway venv under benchmarks/data/.

    Not dependencies of the project. None when they cannot be installed (no network).
    """
    venv = DATA / "peers-venv"
    python = venv / "bin" / "python"
    ready = (venv / "bin" / "check-jsonschema").exists() and has_ruamel_clib(python)
    if ready and (not yamllint or (venv / "bin" / "yamllint").exists()):
        return venv / "bin"
    print("installing the peers into benchmarks/data/peers-venv …", file=sys.stderr, flush=True)
    packages = ["check-jsonschema", "ruamel.yaml.clib"] + (["yamllint"] if yamllint else [])
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *packages],
                       check=True)
    except subprocess.CalledProcessError as exc:
        print(f"could not install the peers ({exc}); using the project's venv", file=sys.stderr)
        return None
    return venv / "bin"


def has_ruamel_clib(python: Path) -> bool:
    """Whether ruamel.yaml (check-jsonschema's parser) finds its C extension in that interpreter's environment."""
    probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('_ruamel_yaml') is None)"
    return subprocess.run([str(python), "-c", probe], capture_output=True).returncode == 0


def make_benches(repo: Path, scratch: Path, commands: set[str], peers_all: bool) -> list[Bench]:
    lz = str(BIN / "lz")
    registers = repo / "registers"
    departments = sorted(str(p) for p in (registers / "departments").glob("*.yaml"))
    touched = Path(departments[len(departments) // 2])
    original = touched.read_bytes()
    state = {"cache_fresh": False}

    def drop_cache() -> None:
        shutil.rmtree(CACHE, ignore_errors=True)
        state["cache_fresh"] = False

    def after_cold_validate() -> None:  # a cold validate leaves exactly the cache the warm run starts from
        state["cache_fresh"] = True

    def touch_one_file(command: list[str] | None = None) -> Callable[[], None]:
        """The register as ``command`` (default: validate) left it, its cache and memo, then one file changed: the
        next run of the command after an edit. A cold validate may have left that cache already."""

        def setup() -> None:
            if command is not None or not state["cache_fresh"]:
                subprocess.run(command or [lz, "validate", "-r", str(registers)], cwd=repo, env=ENV,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with touched.open("ab") as f:
                f.write("# 基准测试:改动一行注释\n".encode())

        return setup

    def restore_file() -> None:
        touched.write_bytes(original)
        state["cache_fresh"] = False

    def clean_outputs() -> None:
        for path in scratch.iterdir():
            if path.is_file():
                path.unlink()

    importing = scratch / "import"  # the workbook lz import reads, rendered once (untimed), and where it writes
    workbook, imported = importing / "register.xlsx", importing / "registers"

    def render_workbook() -> None:
        shutil.rmtree(imported, ignore_errors=True)
        if not workbook.is_file():
            importing.mkdir(exist_ok=True)
            subprocess.run([lz, "render", "xlsx", "-r", str(registers), "-o", str(workbook)], cwd=repo, env=ENV,
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def drop_imported() -> None:
        shutil.rmtree(imported, ignore_errors=True)

    reg = ["-r", str(registers)]
    schema = str(REPO / "schemas" / "department.schema.json")
    benches = [
        Bench("compose", "libyaml compose (PyYAML CSafeLoader, one process)",
              [sys.executable, str(COMPOSE), str(registers / "org.yaml"), *departments], peer=True,
              note="the floor for a Python YAML loader that keeps positions"),
    ]
    # check-jsonschema as the issue measured it: with ruamel.yaml's C parser. The project's dev venv has
    # it only if ruamel.yaml.clib is installed there; else a throwaway venv provides it.
    own_has_c = has_ruamel_clib(BIN / "python")
    peers = None if own_has_c and not peers_all else peers_venv(yamllint=peers_all)
    if own_has_c or peers_all or peers is None:
        parser = "C YAML parser" if own_has_c else "pure-Python YAML parser: no ruamel.yaml.clib"
        benches.append(Bench("check-jsonschema", "check-jsonschema --schemafile department.schema.json",
                             [str(BIN / "check-jsonschema"), "--schemafile", schema, *departments], ok_codes=(0, 1),
                             peer=True, note=f"department files only; the project's dev venv, {parser}"))
    if peers is not None and not own_has_c:
        benches.append(Bench("check-jsonschema-c", "check-jsonschema --schemafile department.schema.json",
                             [str(peers / "check-jsonschema"), "--schemafile", schema, *departments], ok_codes=(0, 1),
                             peer=True, note="department files only; benchmarks/data/peers-venv, C YAML parser "
                                             "(ruamel.yaml.clib)"))
    if peers_all:
        yamllint = peers / "yamllint" if peers is not None else shutil.which("yamllint")
        if yamllint:
            benches.append(Bench("yamllint", "yamllint -f parsable (default rules)",
                                 [str(yamllint), "-f", "parsable", str(registers)], ok_codes=(0, 1), peer=True))
    wanted = [
        ("validate", Bench("validate-cold", "lz validate, cold (no cache)", [lz, "validate", *reg], setup=drop_cache,
                           teardown=after_cold_validate)),
        ("validate", Bench("validate-warm", "lz validate, warm, one file changed", [lz, "validate", *reg],
                           setup=touch_one_file(), teardown=restore_file)),
        ("lint", Bench("lint", "lz lint, cold", [lz, "lint", *reg], ok_codes=(0, 1), setup=drop_cache)),
        ("lint", Bench("lint-warm", "lz lint, warm, one file changed", [lz, "lint", *reg], ok_codes=(0, 1),
                       setup=touch_one_file([lz, "lint", *reg]), teardown=restore_file)),
        ("grade", Bench("grade", "lz grade --check, cold", [lz, "grade", "--check", *reg], ok_codes=(0, 1), setup=drop_cache)),
        ("grade", Bench("grade-warm", "lz grade --check, warm, one file changed", [lz, "grade", "--check", *reg],
                        ok_codes=(0, 1), setup=touch_one_file([lz, "grade", "--check", *reg]), teardown=restore_file)),
        ("render", Bench("render", "lz render xlsx (whole register), cold",
                         [lz, "render", "xlsx", *reg, "-o", str(scratch / "register.xlsx")], setup=drop_cache,
                         teardown=clean_outputs)),
        ("render", Bench("render-warm", "lz render xlsx (whole register), warm, one file changed",
                         [lz, "render", "xlsx", *reg, "-o", str(scratch / "register.xlsx")],
                         setup=touch_one_file([lz, "render", "xlsx", *reg, "-o", str(scratch / "register.xlsx")]),
                         teardown=lambda: (restore_file(), clean_outputs()))),
        ("render", Bench("render-docx", "lz render docx (whole register, Word), cold",
                         [lz, "render", "docx", *reg, "-o", str(scratch / "register.docx")], setup=drop_cache,
                         teardown=clean_outputs)),
        ("diff", Bench("diff", "lz diff 2024 2025, cold", [lz, "diff", "2024", "2025"], ok_codes=(0, 1), setup=drop_cache)),
        ("report", Bench("report", "lz report, cold", [lz, "report", *reg, "-o", str(scratch / "report.md")],
                         setup=drop_cache, teardown=clean_outputs)),
        ("import", Bench("import", "lz import of the register's rendered workbook --out a new folder",
                         [lz, "import", str(workbook), "--out", str(imported)], ok_codes=(0, 1),
                         setup=render_workbook, teardown=drop_imported,
                         note="the 一览表 `lz render xlsx` wrote, rendered once before: restored from the register "
                              "text it carries")),
        ("import", Bench("import-cells", "lz import --from-cells of that workbook (what every office's own "
                                         "一览表 goes through)",
                         [lz, "import", str(workbook), "--from-cells", "--out", str(imported)], ok_codes=(0, 1),
                         setup=render_workbook, teardown=drop_imported,
                         note="every row of the 一览表 and its 明细 read and interpreted")),
    ]
    if os.environ.get("BENCH_DOCX_REPORT"):  # a county's Word report takes minutes: measured when asked for
        wanted.append(("report", Bench("report-docx", "lz report --docx (Word, drawn flowcharts), cold",
                                       [lz, "report", "--docx", *reg, "-o", str(scratch / "report.docx")],
                                       setup=drop_cache, teardown=clean_outputs)))
    for command, bench in wanted:
        bench.available = command in commands
        benches.append(bench)
    return benches


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    ram = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f", {kib / 1024 ** 2:.1f} GiB RAM"
    except (OSError, AttributeError):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " · load average at start {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    return (f"{cores} CPUs (nproc){f' {cpu}' if cpu else ''}{ram}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}{load}")


def lz_version() -> str:
    out = subprocess.run([str(BIN / "lz"), "--version"], env=ENV, capture_output=True, text=True).stdout.strip()
    return out.splitlines()[-1] if out else "?"


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f}" if seconds < 10 else f"{seconds:.1f}"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def targets(by: dict[str, Bench], county: bool) -> list[tuple[str, str, str]]:
    """The targets of issues 6, 12 and 15: (target, measured, verdict)."""
    def med(key):
        b = by.get(key)
        return b.median if b and b.available and not b.failure else None

    def rss(key):
        b = by.get(key)
        return max(b.rss_mb) if b and b.rss_mb and not b.failure else None

    compose, cold = med("compose"), med("validate-cold")
    # The fairest peer figure: check-jsonschema at its fastest (with its C parser when measured).
    cjs = min((m for m in (med("check-jsonschema"), med("check-jsonschema-c")) if m is not None), default=None)
    rows = []

    def add(target: str, value: float | None, limit: float, shown: str, lower_is_better: bool = True) -> None:
        if value is None:
            rows.append((target, "–", "n/a (not available)"))
            return
        met = value <= limit if lower_is_better else value >= limit
        by = value / limit - 1 if lower_is_better else 1 - value / limit
        rows.append((target, shown, "met" if met else f"missed by {by:.0%}"))

    r = ratio(cold, compose)
    add("cold `validate` ≤ 1.2 × libyaml compose", r, 1.2, f"{r:.2f} ×" if r else "")
    r = ratio(cjs, cold)
    add("cold `validate` ≥ 8 × faster than check-jsonschema", r, 8, f"{r:.1f} × faster" if r else "", lower_is_better=False)
    w = med("validate-warm")
    add("warm `validate`, one file changed ≤ 1 s", w, 1.0, f"{fmt_s(w)} s" if w else "")
    r = ratio(med("lint"), cold)
    add("cold `lint` ≤ 1.5 × cold `validate`", r, 1.5, f"{r:.2f} ×" if r else "")
    r = ratio(med("diff"), cold)
    add("`diff` 2024 → 2025 ≤ 0.5 × cold `validate`", r, 0.5, f"{r:.2f} ×" if r else "")
    t = med("render")
    add("`render xlsx` ≤ 12 s", t, 12, f"{fmt_s(t)} s" if t else "")
    m = rss("render")
    add("`render xlsx` peak RSS ≤ 600 MB", m, 600, f"{m:.0f} MB" if m else "")
    r = ratio(med("import"), t)
    add("`import` of the rendered workbook ≤ 1.5 × `render xlsx`", r, 1.5, f"{r:.2f} ×" if r else "")
    r = ratio(med("import-cells"), t)
    add("`import --from-cells` of it ≤ 1.5 × `render xlsx`", r, 1.5, f"{r:.2f} ×" if r else "")
    m = rss("validate-cold")
    add("`validate` peak RSS ≤ 1 GiB", m, 1024, f"{m:.0f} MB" if m else "")
    # issue 15
    add("cold `validate` ≤ 3.5 s", cold, 3.5, f"{fmt_s(cold)} s" if cold else "")
    r = ratio(med("lint"), cold)
    add("cold `lint` ≤ 1.3 × cold `validate`", r, 1.3, f"{r:.2f} ×" if r else "")
    r = ratio(med("grade"), cold)
    add("cold `grade --check` ≤ 1.3 × cold `validate`", r, 1.3, f"{r:.2f} ×" if r else "")
    add("`render xlsx` ≤ 8 s", t, 8, f"{fmt_s(t)} s" if t else "")
    t = med("report")
    add("`report` ≤ 10 s", t, 10, f"{fmt_s(t)} s" if t else "")
    m = rss("report")
    add("`report` peak RSS ≤ 400 MB", m, 400, f"{m:.0f} MB" if m else "")
    for key, label in (("lint", "lint"), ("grade", "grade --check"), ("render", "render xlsx")):
        r = ratio(med(f"{key}-warm"), med(key))
        add(f"warm `{label}`, one file changed ≤ 25 % of cold", r, 0.25, f"{r:.0%}" if r else "")
    if not county:
        rows = [(t, v, f"{verdict} (targets are for {COUNTY} departments)") for t, v, verdict in rows]
    return rows


def render_markdown(benches: list[Bench], figures: dict, departments: int, seed: int, repeat: int,
                    build_seconds: float, total_seconds: float, peers_all: bool, machine_line: str) -> str:
    by = {b.key: b for b in benches}
    compose = by["compose"].median if not by["compose"].failure else None
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# lz benchmark: {departments}-department register" + (" (county scale)" if departments == COUNTY else ""),
        "",
        f"- **Date**: {when}; {lz_version()}",
        f"- **Machine**: {machine_line}",
        f"- **Register**: {departments} departments (seed {seed}): {figures['files']} files, "
        f"{figures['bytes'] / 1e6:.1f} MB, {figures['lines']:,} lines, {figures['risks']:,} risks, "
        f"{figures['measures']:,} measures, {figures['people']:,} people, {figures['warnings']:,} warnings; "
        f"a git repository with the tags `2024` and `2025` (the next year's revision changes "
        f"{figures['revised_departments']} department files)",
        f"- **Method**: whole-process wall time and peak RSS (`os.wait4`; the largest single process, "
        f"workers are not summed) of each command; up to {repeat} interleaved repetitions, fewer for slow "
        f"commands (column *runs*); median and min–max. Output goes to /dev/null (not a terminal). "
        f"\"cold\" = lz's cache deleted before the run; \"warm, one file changed\" = the same command run once "
        f"(untimed) on the register as it was, then a comment line appended to the middle department file by name "
        f"(in the county register a unit's leadership department: the unit's other departments refer to it). "
        f"Differences under ~20 % are noise; "
        f"load average at the end {os.getloadavg()[0]:.1f} (other work on the machine slows every figure).",
        "",
        "| what | runs | median s | min–max s | peak RSS MB | × libyaml compose |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for b in benches:
        if not b.available:
            lines.append(f"| {b.label} | – | not available | | | |")
            continue
        if b.failure and not b.walls:
            lines.append(f"| {b.label} | – | failed ({b.failure}) | | | |")
            continue
        x = ratio(b.median, compose)
        note = f" ({b.note})" if b.note else ""
        fail = f" (a later run failed: {b.failure})" if b.failure else ""
        lines.append(f"| {b.label}{note}{fail} | {len(b.walls)} | {fmt_s(b.median)} | "
                     f"{fmt_s(min(b.walls))}–{fmt_s(max(b.walls))} | {statistics.median(b.rss_mb):.0f} | "
                     f"{'–' if x is None else f'{x:.2f}'} |")
    if not peers_all:
        lines.append("| yamllint | – | not run (`BENCH_PEERS=all`) | | | |")
    cold = by["validate-cold"]
    lines += ["", "## Ratios", ""]
    for cjs in (by.get("check-jsonschema"), by.get("check-jsonschema-c")):
        if cjs and cold.median and cjs.median and not cjs.failure and not cold.failure:
            lines.append(f"- check-jsonschema ({cjs.note.split('; ', 1)[1]}) / cold `lz validate`: "
                         f"**{cjs.median / cold.median:.1f} ×** ({fmt_s(cjs.median)} s / {fmt_s(cold.median)} s)")
    for b in benches:
        if not b.peer and b.median and compose:
            lines.append(f"- {b.label} / libyaml compose: **{b.median / compose:.2f} ×**")
    lines += ["", "## Targets (issues 6, 12 and 15)", "", "| target | measured | |", "|---|---:|---|"]
    lines += [f"| {t} | {v} | {verdict} |" for t, v, verdict in targets(by, departments == COUNTY)]
    build = f"register built in {build_seconds:.0f} s" if build_seconds else "register from the cache in benchmarks/data/"
    lines += ["", f"Total: {total_seconds:.0f} s ({build}).", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    if os.environ.get("BENCH_ONLY") == "scale":
        from scale_bench import run_scale

        return run_scale()
    if os.environ.get("BENCH_ONLY") == "rollup":
        from rollup_bench import run_rollup_bench

        return run_rollup_bench()
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--departments", type=int, default=20 if quick else COUNTY)
    parser.add_argument("--repeat", type=int, default=3 if quick else 5, help="repetitions of each command (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the Markdown goes besides stdout")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.departments < 1:
        parser.error("--repeat and --departments must be at least 1")
    started = time.perf_counter()
    machine_line = machine()
    peers_all = os.environ.get("BENCH_PEERS", "") == "all"
    repo, figures, build_seconds = ensure_register(args.departments, args.seed)
    commands = lz_commands(BIN / "lz")
    package = Path(__file__).resolve().parents[1] / "src" / "lianzheng_cli"  # its bytecode, as an install has it
    subprocess.run([str(BIN / "python"), "-m", "compileall", "-q", str(package)], env=ENV, check=False)
    with tempfile.TemporaryDirectory(prefix="lz-bench-") as scratch:
        benches = make_benches(repo, Path(scratch), commands, peers_all)
        runnable = [b for b in benches if b.available]
        for b in benches:
            if not b.available:
                print(f"{b.label}: not available", file=sys.stderr)
        for round_ in range(args.repeat):
            for b in runnable:
                if b.failure or (round_ and len(b.walls) >= b.reps):
                    continue
                run_once(b, repo)
                shown = f"{fmt_s(b.walls[-1])} s" if b.walls and not b.failure else b.failure
                print(f"[{round_ + 1}] {b.label}: {shown}", file=sys.stderr, flush=True)
            if round_ == 0:
                plan_repetitions(runnable, args.repeat)
    markdown = render_markdown(benches, figures, args.departments, args.seed, args.repeat, build_seconds,
                               time.perf_counter() - started, peers_all, machine_line)
    print(markdown)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    if args.departments == COUNTY and args.out == RESULTS:
        update_readme(markdown)
    return 0


README = HERE.parent / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

# The README's readers are the users: the commands in their words, with no peers' details or targets.
README_LABELS = (  # the first whose English label begins the row's label: the longer ones first
    ("libyaml compose", "只解析YAML（libyaml，作为对照）"),
    ("check-jsonschema", "check-jsonschema（只校验部门文件，作为对照）"),
    ("yamllint", "yamllint（作为对照）"),
    ("lz validate, cold", "lz validate（无缓存）"),
    ("lz validate, warm", "lz validate（有缓存，改动了一个文件）"),
    ("lz lint, warm", "lz lint（有缓存，改动了一个文件）"),
    ("lz lint", "lz lint（无缓存）"),
    ("lz grade --check, warm", "lz grade --check（有缓存，改动了一个文件）"),
    ("lz grade", "lz grade --check（无缓存）"),
    ("lz render xlsx (whole register), warm", "lz render xlsx（有缓存，改动了一个文件）"),
    ("lz render xlsx", "lz render xlsx（整个登记簿一个工作簿）"),
    ("lz render docx", "lz render docx（Word版一览表）"),
    ("lz diff", "lz diff 2024 2025（两个年度之间的变更）"),
    ("lz report --docx", "lz report --docx（Word版年度报告）"),
    ("lz report", "lz report（年度报告）"),
    ("lz import --from-cells", "lz import --from-cells（按表格内容导入上述一览表）"),
    ("lz import", "lz import（导入 lz render xlsx 生成的一览表）"),
)


def readme_block(markdown: str) -> str:
    """The README's benchmark section from a run's Markdown: where it ran, the register, and each command's time."""
    facts = {m[1]: m[2] for m in re.finditer(r"^- \*\*(\w+)\*\*: (.*)$", markdown, re.M)}
    date, _, version = facts["Date"].partition("; ")
    machine = facts["Machine"].split(" · ")[0]
    numbers = {what: figure for figure, what in re.findall(
        r"([\d,]+) (departments|files|risks|measures|people|warnings)\b", facts["Register"])}
    size = re.search(r"([\d.]+ MB)", facts["Register"])
    lines = [
        f"- 测试机器：{machine}；{date[:10]}，{version}",
        f"- 登记簿：{numbers['departments']}个部门、{numbers['files']}个文件（{size[1] if size else '?'}），"
        f"{numbers['risks']}个风险点、{numbers['measures']}项措施、{numbers['people']}名人员、"
        f"{numbers['warnings']}条预警处置记录",
        "",
        "| 操作 | 用时（秒，中位数） | 最短–最长（秒） | 内存峰值（MB） |",
        "|---|---:|---:|---:|",
    ]
    table = markdown.split("\n| what |", 1)[1].split("\n\n", 1)[0]
    for row in table.splitlines()[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        label, runs, median, spread, rss = cells[:5]
        if not runs.isdigit():  # not run, not available or failed: no figure to show
            continue
        shown = next((zh for en, zh in README_LABELS if label.startswith(en)), label)
        lines.append(f"| {shown} | {median} | {spread} | {rss} |")
    return "\n".join(lines)


def update_readme(markdown: str, readme: Path = README) -> None:
    """Put the county run's figures into the README, between its bench markers."""
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return
    before, rest = text.split(START, 1)
    readme.write_text(before + "\n".join([START, readme_block(markdown), END]) + rest.split(END, 1)[1],
                      encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
