"""The floor for a Python YAML loader that keeps positions: libyaml composes every file given, in one process.

    python benchmarks/libyaml_compose.py FILE...

Builds PyYAML's node graph (each node with its 0-based line and column marks)
with the C ``CSafeLoader``; no conversion to Python values, no checks.
"""

import sys

import yaml

for path in sys.argv[1:]:
    with open(path, "rb") as f:
        yaml.compose(f, Loader=yaml.CSafeLoader)
