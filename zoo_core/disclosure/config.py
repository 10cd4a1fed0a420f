"""Rule parameters per unit type, loaded from data/disclosure.toml."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from ..catalogue import UNIT_TYPES  # the catalogue names the unit types; the rules file has a table for each

DEFAULT_RULES_PATH = Path(__file__).resolve().parents[2] / "data" / "disclosure.toml"
_OPTIONAL_KEYS = {"dominance_p", "dominance_n", "dominance_k"}


class DisclosureError(Exception):
    """No safe suppression pattern exists (or the input cannot be protected)."""


@dataclass(frozen=True)
class RuleSet:
    unit_type: str
    min_units: int
    dominance_p: float | None
    dominance_n: int | None
    dominance_k: float | None
    min_denominator: int
    extreme_share_min_denominator: int
    protection_abs: float
    protection_pct: float

    def __post_init__(self) -> None:
        def bad(key: str, why: str) -> ValueError:
            return ValueError(f"disclosure rules [{self.unit_type}]: {key!r} {why}")

        if self.unit_type not in UNIT_TYPES:
            raise ValueError(f"unknown unit type {self.unit_type!r}; expected one of {UNIT_TYPES}")
        for key in ("min_units", "min_denominator", "extreme_share_min_denominator"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise bad(key, f"must be an integer >= 1, got {value!r}")
        for key in ("protection_abs", "protection_pct"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise bad(key, f"must be a number >= 0, got {value!r}")
        if self.dominance_p is not None and not 0 < self.dominance_p < 100:
            raise bad("dominance_p", f"must be between 0 and 100, got {self.dominance_p!r}")
        if (self.dominance_n is None) != (self.dominance_k is None):
            raise bad("dominance_n" if self.dominance_n is None else "dominance_k",
                      "must be set together with its partner (dominance_n and dominance_k)")
        if self.dominance_n is not None and self.dominance_n not in (1, 2):
            raise bad("dominance_n", f"must be 1 or 2, got {self.dominance_n!r}")
        if self.dominance_k is not None and not 0 < self.dominance_k <= 100:
            raise bad("dominance_k", f"must be in (0, 100], got {self.dominance_k!r}")


def load_rule_sets(path: Path | None = None) -> dict[str, RuleSet]:
    """Read one RuleSet per [unit_type] table; raise ValueError naming the first bad key."""
    path = Path(path) if path is not None else DEFAULT_RULES_PATH
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)
    allowed = {f.name for f in fields(RuleSet)} - {"unit_type"}
    rule_sets = {}
    for unit_type, table in raw.items():
        if unit_type not in UNIT_TYPES:
            raise ValueError(f"{path}: unknown table [{unit_type}]; expected one of {UNIT_TYPES}")
        if not isinstance(table, dict):
            raise ValueError(f"{path}: [{unit_type}] must be a table")
        for key in table:
            if key not in allowed:
                raise ValueError(f"{path}: [{unit_type}] unknown key {key!r}")
        for key in sorted(allowed - _OPTIONAL_KEYS - table.keys()):
            raise ValueError(f"{path}: [{unit_type}] missing key {key!r}")
        settings = {key: table.get(key) for key in allowed}
        rule_sets[unit_type] = RuleSet(unit_type=unit_type, **settings)
    return rule_sets
