"""Platform rules drawn as lines: defined in :mod:`model.platform_rules` (the model checks them too)."""

from model.platform_rules import RULES, Rule, rule_for, rules_for

__all__ = ["RULES", "Rule", "rule_for", "rules_for"]
