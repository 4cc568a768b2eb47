"""``BENCH_ONLY=scale make bench``: issue 14's scale cases, every command once, cold, with time and peak memory.

Each case is built once by ``make_register.py --scale CASE`` into ``benchmarks/data/scale-CASE/`` (a git
repository with one commit, for ``lz diff``), rebuilt when the generator changes. Every command runs as a whole
process with lz's cache deleted first; the table goes to stdout and ``benchmarks/results/scale.md``. The target:
``lz lint`` on the 50 MB one-file register finishes within 2 × ``lz validate`` on it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import BIN, CACHE, DATA, ENV, GENERATOR, HERE, Bench, fmt_s, git_commit, machine, run_once

CASES = {
    "one-file": "one department file of ~50 MB (a county of 260 departments merged)",
    "many-files": "5,000 tiny department files",
    "many-measures": "one risk with 10,000 measures",
    "big-scalar": "one risk whose description is ~1 MB",
    "shared-measure": "8,000 risks in one file sharing one measure text",
}
RESULTS = HERE / "results" / "scale.md"
RATIO_RUNS = 3  # validate and lint of the one-file case, interleaved: the target compares their medians
TIMEOUT_SECONDS = 900  # a command that takes longer has not finished, which is what the issue was about


def ensure_case(case: str) -> tuple[Path, dict]:
    folder, stamp = DATA / f"scale-{case}", DATA / f"scale-{case}.json"
    key = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()
    if folder.is_dir() and stamp.is_file():
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
        if recorded.get("key") == key:
            return folder, recorded["figures"]
    print(f"building the scale case {case} …", file=sys.stderr, flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    out = subprocess.run([sys.executable, str(GENERATOR), "--scale", case, "--out", str(folder)], check=True,
                         capture_output=True, text=True).stdout
    git_commit(folder)
    figures = json.loads(out.strip().splitlines()[-1])
    stamp.write_text(json.dumps({"key": key, "figures": figures}), encoding="utf-8")
    return folder, figures


def first_person(registers: Path) -> str:
    for path in sorted((registers / "departments").glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                found = re.match(r"\s*- \{?id: (p-[\w.-]+)", line)
                if found:
                    return found.group(1)
    raise SystemExit(f"no person in {registers}")


def commands(registers: Path, scratch: Path) -> list[tuple[str, list[str], tuple[int, ...]]]:
    lz, reg = str(BIN / "lz"), ["-r", str(registers)]
    person = first_person(registers)
    return [
        ("validate", [lz, "validate", *reg], (0, 1)),
        ("lint", [lz, "lint", *reg], (0, 1)),
        ("grade --check", [lz, "grade", "--check", *reg], (0, 1)),
        ("render xlsx", [lz, "render", "xlsx", *reg, "-o", str(scratch / "r.xlsx")], (0,)),
        ("report", [lz, "report", *reg, "-o", str(scratch / "r.md")], (0,)),
        ("brief", [lz, "brief", person, *reg, "-o", str(scratch / "b.md")], (0,)),
        ("diff HEAD WORKTREE", [lz, "diff", "HEAD", "WORKTREE", *reg], (0,)),
    ]


def run_scale() -> int:
    started = time.perf_counter()
    rows, verdicts = [], []
    with tempfile.TemporaryDirectory(prefix="lz-scale-") as scratch:
        for case, what in CASES.items():
            folder, figures = ensure_case(case)
            benches = {}
            for label, argv, ok in commands(folder / "registers", Path(scratch)):
                benches[label] = bench = Bench(f"{case} {label}", label, argv, ok_codes=ok,
                                               setup=lambda: shutil.rmtree(CACHE, ignore_errors=True))
                run_once(bench, folder)
                shown = f"{fmt_s(bench.walls[0])} s, {bench.rss_mb[0]:.0f} MB" if bench.walls else bench.failure
                print(f"{case} · {label}: {shown}", file=sys.stderr, flush=True)
                rows.append((case, what, figures, label, bench))
            if case == "one-file":
                verdicts.append(lint_against_validate(benches["validate"], benches["lint"], folder))
    markdown = render(rows, verdicts, time.perf_counter() - started)
    print(markdown)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(markdown, encoding="utf-8")
    return 0 if all(b.walls for *_, b in rows) else 1


def lint_against_validate(validate: Bench, lint: Bench, folder: Path) -> str:
    """The target, on medians of ``RATIO_RUNS`` interleaved cold runs of each (one run is too noisy to judge)."""
    for _ in range(RATIO_RUNS - 1):
        for bench in (validate, lint):
            if bench.walls:
                run_once(bench, folder)
    if not (validate.walls and lint.walls):
        return "`lz lint` ≤ 2 × `lz validate` on the 50 MB one-file register: not measured (a run failed)"
    ratio = lint.median / validate.median
    runs = ", ".join(f"{fmt_s(a)}/{fmt_s(b)}" for a, b in zip(lint.walls, validate.walls, strict=False))
    return (f"`lz lint` on the 50 MB one-file register ≤ 2 × `lz validate`: **{ratio:.2f} ×** (medians of "
            f"{len(lint.walls)} interleaved cold runs, {fmt_s(lint.median)} s / {fmt_s(validate.median)} s; "
            f"each pair lint/validate: {runs}): " + ("met" if ratio <= 2 else "missed"))


def render(rows: list, verdicts: list[str], seconds: float) -> str:
    lines = [
        "# lz benchmark: scale cases (issue 14)", "",
        f"- **Date**: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- **Machine**: {machine()}",
        "- **Method**: each command once as a whole process, lz's cache deleted before it; wall time and peak RSS "
        "(`os.wait4`; the largest single process). Output to /dev/null. Exit 1 is findings (the cases are not "
        "meant to be clean of lint warnings).", "",
        "| case | command | wall s | peak RSS MB | |", "|---|---|---:|---:|---|",
    ]
    shown_case = None
    for case, what, figures, label, bench in rows:
        name = "" if case == shown_case else f"{case}: {what} ({figures['bytes'] / 1e6:.1f} MB)"
        shown_case = case
        if bench.walls:
            runs = f" (median of {len(bench.walls)})" if len(bench.walls) > 1 else ""
            lines.append(f"| {name} | `lz {label}` | {fmt_s(bench.median)}{runs} | {max(bench.rss_mb):.0f} | "
                         "finished |")
        else:
            lines.append(f"| {name} | `lz {label}` | – | – | {bench.failure} |")
    lines += ["", "## Target", "", *(f"- {v}" for v in verdicts), "", f"Total: {seconds:.0f} s.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.update(ENV)
    sys.exit(run_scale())
