"""The state of a published cell, with the one way each is written (CBS symbols, Dutch texts).

A suppressed cell is its own state, never 0 and never a value class; a missing one (no value, or a
ratio over nothing) is another. Every page, table, chart, download and the report takes its
symbols and words from here (after Our World in Data's ErrorValues: typed reasons for no value).
"""
from __future__ import annotations

from dataclasses import dataclass

from .numbers import fmt

PUBLISHED = "published"
SUPPRESSED = "suppressed"
MISSING = "missing"
NOT_APPLICABLE = "not_applicable"
ALL = (PUBLISHED, SUPPRESSED, MISSING, NOT_APPLICABLE)


@dataclass(frozen=True)
class Status:
    code: str
    symbol: str   # CBS table symbol, as in downloads
    short: str    # in a table cell or tooltip: "x — geheim"
    long: str     # where there is room: "x — geheim (onderdrukt)"
    label: str    # a legend or class entry: "geheim (x)"


_STATUSES = {
    SUPPRESSED: Status(SUPPRESSED, "x", "x — geheim", "x — geheim (onderdrukt)", "geheim (x)"),
    MISSING: Status(MISSING, ".", ". — geen waarde", ". — geen waarde", "geen waarde (.)"),
    NOT_APPLICABLE: Status(NOT_APPLICABLE, ".", ". — geen waarde", ". — geen waarde", "geen waarde (.)"),
}
SUPPRESSED_STATUS = _STATUSES[SUPPRESSED]
MISSING_STATUS = _STATUSES[MISSING]
# Class names on the combine page for areas that are not a published pair.
SUPPRESSED_CLASS = "geheim"
MISSING_CLASS = "ontbreekt"
# CBS symbol per unpublished status (the export and the downloads write these).
SYMBOL = {code: status.symbol for code, status in _STATUSES.items()}
# Read back: a CBS symbol in an ingested table.
STATUS_OF_SYMBOL = {"x": SUPPRESSED, ".": MISSING}


def of(code: str) -> Status:
    """The Status of an unpublished cell (anything unknown reads as missing)."""
    return _STATUSES.get(code, MISSING_STATUS)


def cell_text(value, status: str, decimals: int) -> str:
    """One cell as a compact table or chart label writes it: the number in Dutch notation, else its
    CBS symbol (x geheim, . geen waarde; a published cell without a value is '.')."""
    return (fmt(value, decimals) if status == PUBLISHED else "") or of(status).symbol
