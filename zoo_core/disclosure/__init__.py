"""Disclosure control: primary rules, secondary suppression and the audit."""
from .audit import AuditFailure, AuditResult, audit, protection_required
from .config import DisclosureError, RuleSet, load_rule_sets
from .primary import PrimaryResult, combine, mean_primary, primary_suppression, ratio_primary
from .secondary import ProtectionResult, protect
from .table import CellTable

__all__ = [
    "AuditFailure", "AuditResult", "CellTable", "DisclosureError",
    "PrimaryResult", "ProtectionResult", "RuleSet", "audit", "combine", "load_rule_sets", "mean_primary",
    "primary_suppression", "protect", "protection_required", "ratio_primary",
]
