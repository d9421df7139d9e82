"""Platform rules drawn as lines: the data lives in :mod:`model.rules` (the deck uses it too)."""

from model.rules import RULES, Rule, rule_for, rules_for

__all__ = ["RULES", "Rule", "rule_for", "rules_for"]
