"""Dutch number notation, the one place it is written: 1.234,5 (thousands dot, decimal comma)."""
from __future__ import annotations

import math


def fmt(value, decimals: int = 1) -> str:
    """Dutch number notation: 1.234,5; '' for no value."""
    if value is None:
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    if math.isnan(number):
        return ""
    text = f"{number:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def fmt_pct(value) -> str:
    """A signed percentage: +12,3%."""
    text = fmt(value, 1)
    if not text:
        return ""
    return ("+" if float(value) > 0 else "") + text + "%"


def count(n: int, singular: str, plural: str) -> str:
    """'1 gemeente', '12 gemeenten' (Dutch thousands dot: '3.393 wijken')."""
    return f"{fmt(n, 0)} {singular if n == 1 else plural}"
