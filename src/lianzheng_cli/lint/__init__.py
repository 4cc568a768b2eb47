"""``lz lint``: the practice's rules (see ``catalogue``), run by ``engine.lint``."""

from lianzheng_cli.lint.catalogue import RULES, VALIDATION_CODES, Context, Finding, Rule, rule, rules_in_order
from lianzheng_cli.lint.dates import default_as_of
from lianzheng_cli.lint.engine import LintConfig, UnknownRuleCode, active_rules, lint

__all__ = ["RULES", "VALIDATION_CODES", "Context", "Finding", "LintConfig", "Rule", "UnknownRuleCode",
           "active_rules", "default_as_of", "lint", "rule", "rules_in_order"]
