"""The lint rules, one module per family; each rule registers itself in the catalogue with ``@rule``.

A new family is a module here, added to ``FAMILIES``: importing this package loads every rule.
"""

from lianzheng_cli.lint.rules import grades, measures, people, text, warnings

FAMILIES = (grades, measures, people, text, warnings)
