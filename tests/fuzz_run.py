#!/usr/bin/env python3
"""``make fuzz``: the properties of ``tests/test_fuzz.py`` for ``FUZZ_MINUTES`` minutes (default 10).

Rounds of pytest with the ``fuzz`` profile (random seeds, large budgets) until the time is up; each round is sized
from the last to take about ``FUZZ_ROUND_SECONDS`` (default 120). A failing example is saved by Hypothesis in
``tests/fuzz-examples/`` (commit it: every later run, and the person fixing it, tries it first) and the run stops
with exit 1. Prints the examples run per property.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    minutes = float(os.environ.get("FUZZ_MINUTES", "10"))
    round_seconds = float(os.environ.get("FUZZ_ROUND_SECONDS", "120"))
    started = time.monotonic()
    deadline = started + minutes * 60
    scale, totals, rounds = 2.0, Counter(), 0
    while time.monotonic() < deadline:
        seed = random.randrange(1 << 32)
        with tempfile.TemporaryDirectory() as scratch:
            counts = Path(scratch) / "counts.json"
            env = {**os.environ, "LZ_FUZZ_PROFILE": "fuzz", "FUZZ_SCALE": f"{scale:.2f}", "LZ_FUZZ_COUNTS": str(counts)}
            began = time.monotonic()
            proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "fuzz",
                                   f"--hypothesis-seed={seed}", str(HERE / "test_fuzz.py")], cwd=HERE.parent, env=env)
            took = time.monotonic() - began
            done = Counter(json.loads(counts.read_text(encoding="utf-8"))) if counts.exists() else Counter()
        totals.update(done)
        rounds += 1
        print(f"fuzz round {rounds} (seed {seed}, scale {scale:.1f}): {dict(done)} in {took:.0f} s", flush=True)
        if proc.returncode != 0:
            print(f"fuzz: a property failed (seed {seed}); its example is saved in tests/fuzz-examples/", flush=True)
            report(totals, rounds, started)
            return 1
        left = deadline - time.monotonic()
        scale = max(0.5, scale * min(round_seconds, max(left, 30)) / max(took, 1.0))
    report(totals, rounds, started)
    return 0


def report(totals: Counter, rounds: int, started: float) -> None:
    minutes = (time.monotonic() - started) / 60
    print(f"fuzz: {sum(totals.values())} examples in {rounds} rounds, {minutes:.1f} minutes: "
          + ", ".join(f"{name} {count}" for name, count in sorted(totals.items())), flush=True)


if __name__ == "__main__":
    sys.exit(main())
