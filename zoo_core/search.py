"""What people type to find a gemeente, matched to gemeente codes (plain Python, no UI).

People type "Den Haag" for 's-Gravenhage, "Den Bosch" for 's-Hertogenbosch, "Sudwest" without the
accent, or a CBS code ("GM0599", "599"). `match` folds accents, case and punctuation, knows the
common names of gemeenten whose official name differs, and reads codes; `resolve` turns one typed
text into one gemeente, or says why it cannot.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

# Names people use for a gemeente whose official (CBS) name is another one, by gemeente code.
ALIASES: dict[str, tuple[str, ...]] = {
    "GM0518": ("Den Haag", "The Hague"),                  # 's-Gravenhage
    "GM0796": ("Den Bosch", "Hertogenbosch"),             # 's-Hertogenbosch
    "GM1900": ("Zuidwest-Friesland",),                    # Súdwest-Fryslân
    "GM1970": ("Noordoost-Friesland",),                   # Noardeast-Fryslân
    "GM1940": ("De Friese Meren",),                       # De Fryske Marren
    "GM0737": ("Tietjerksteradeel",),                     # Tytsjerksteradiel
    "GM1891": ("Dantumadeel",),                           # Dantumadiel
    "GM0820": ("Nuenen",),                                # Nuenen, Gerwen en Nederwetten
}
# The common name shown next to the official one in a gemeente list: "'s-Gravenhage (Den Haag)".
COMMON_NAMES = {"GM0518": "Den Haag", "GM0796": "Den Bosch"}
# Ranks of a match, best first.
EXACT, PREFIX, WORD_PREFIX, CONTAINS = range(4)
_CODE = re.compile(r"^(?:gm\s*)?(\d{1,4})$")


def fold(text: str) -> str:
    """Lower case, accents off (â -> a), every run of other characters one space: "'s-Gravenhage" ->
    "s gravenhage"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def _rank(query: str, name: str) -> int | None:
    if not query or not name:
        return None
    if name == query:
        return EXACT
    if name.startswith(query):
        return PREFIX
    if any(w.startswith(query) for w in name.split()) or name.replace(" ", "").startswith(query.replace(" ", "")):
        return WORD_PREFIX
    if query in name or query.replace(" ", "") in name.replace(" ", ""):
        return CONTAINS
    return None


def match(query: str, gemeenten: Mapping[str, str]) -> list[tuple[str, int]]:
    """(code, rank) of every gemeente the text fits, best first (then by name). gemeenten: code -> name."""
    q = fold(query)
    if not q:
        return []
    code = _CODE.match(q)
    if code:
        wanted = f"GM{int(code.group(1)):04d}"
        if wanted in gemeenten:
            return [(wanted, EXACT)]
    found = []
    for c, name in gemeenten.items():
        ranks = [r for r in (_rank(q, fold(n)) for n in (name, *ALIASES.get(c, ()))) if r is not None]
        if ranks:
            found.append((min(ranks), fold(name), c))
    return [(c, r) for r, _, c in sorted(found)]


@dataclass(frozen=True)
class Resolved:
    code: str | None          # the one gemeente meant, or None
    candidates: tuple[str, ...]  # when ambiguous: the best-ranked codes (at most 8)


def resolve(query: str, gemeenten: Mapping[str, str]) -> Resolved:
    """One gemeente for a typed text: the only best match, else None with the candidates."""
    found = match(query, gemeenten)
    if not found:
        return Resolved(None, ())
    best = [c for c, r in found if r == found[0][1]]
    if len(best) == 1:
        return Resolved(best[0], ())
    return Resolved(None, tuple(best[:8]))
