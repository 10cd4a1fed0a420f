"""Over de data: sources, definitions, demo assumptions, disclosure method, CBS symbols."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from zoo_core import catalogue, demo, stats
from zoo_core.disclosure import load_rule_sets
from ui import cache, tables, widgets

PARAM_LABELS = {
    "min_units": "Minimum aantal eenheden per cel",
    "dominance_p": "p%-regel (dominantie), p",
    "dominance_n": "(n,k)-regel: n",
    "dominance_k": "(n,k)-regel: k (%)",
    "min_denominator": "Minimale noemer voor percentage of cijfer per ...",
    "extreme_share_min_denominator": "Minimale noemer voor 0% of 100%",
    "protection_abs": "Beschermingsinterval (absoluut)",
    "protection_pct": "Beschermingsinterval (% van de waarde)",
}
UNIT_TYPE_LABELS = {"persons": "Personen", "addresses": "Adressen", "establishments": "Vestigingen",
                    "euros": "Bedragen (euro)"}
KIND_LABELS = {"count": "aantal", "sum": "som", "rate": "cijfer per ...", "percentage": "percentage",
               "mean": "gemiddelde", "class": "klasse"}
REPORT_COLUMNS = {"tabel": "Tabel", "family": "Code", "year": "Jaar", "branche": "Branche", "cells": "Cellen",
                  "primary": "Primair geheim", "secondary": "Secundair geheim",
                  "bounded": "Cellen met een publieke bovengrens", "seconds": "Rekentijd (s)"}
PROMISE_MD = """
**Wat een geheime cel belooft.** Een audit met lineaire programmering rekent voor elke geheime cel uit tussen
welke waarden ze kan liggen, gegeven alles wat gepubliceerd is: alle optelrelaties (buurt, wijk, gemeente,
provincie, RIEC-regio, Nederland), alle gepubliceerde cellen, gehele aantallen, en de grenzen tussen
indicatoren die iedereen kan afleiden (bijvoorbeeld: onverklaarbare aankopen zijn niet meer dan de verkochte
woningen, drugsverdachten met delict elders niet meer dan de drugsverdachten, jonge aanwas niet meer dan de
jongeren; een omzet is 0 waar 0 vestigingen zijn). Een geheime cel is beschermd als dat bereik minstens zo breed
is als de parameter *beschermingsinterval* hieronder (voor een primair geheime cel; een secundaire cel mag
niet exact af te leiden zijn), of als het alle waarden omvat die de publieke grens toelaat (bijvoorbeeld 0 tot
en met 4 bij een gepubliceerde noemer van 4: breder kan niet). Voor een cel die begrensd wordt door een
eveneens geheime cel (drugsverdachten met delict elders onder de drugsverdachten van hetzelfde gebied) is die
grens de grootste waarde die de begrenzende cel kan hebben: breder dan de begrenzende cel kan de begrensde niet zijn.

**Kenmerken (tabellen met twee dimensies).** Een uitsplitsing naar leeftijd, geslacht of verdachte familieleden
wordt per jaar als één tabel van gebied x klasse beschermd, samen met het totaal dat al gepubliceerd is
(bijvoorbeeld de drugsverdachten van de gemeente): per gebied tellen de klassen op tot het totaal, per klasse
tellen de gemeenten op tot provincie, RIEC-regio en Nederland. Alle uitsplitsingen van één totaal zitten in
dezelfde tabel en dezelfde audit, zodat wie de leeftijds- en de geslachtstabel naast elkaar legt niets extra
leert. Een klasse van 0 of van iedereen in een gebied met minder dan 100 personen is geheim (het zegt iets over de
hele groep). Uitsplitsingen zijn er voor gemeenten en hoger, niet voor wijken en buurten.

**Afgeleide cijfers.** Totalen die de app zelf uitrekent (per klasse, voor een selectie, "rest van", een
verhouding zoals transacties per kapper) komen alleen uit gepubliceerde cellen: één getal als die het
vastleggen, anders het bereik dat ze toelaten ("tussen ... en ..."), of x. Ze verraden dus niets dat niet
al uit de publicatie volgt; de server heeft geen vertrouwelijke brongegevens.
"""
# A markdown table, the symbols as code: in a plain cell "-" (nihil) became a list bullet.
SYMBOLS_MD = """| Teken | Betekenis |
|---|---|
| `x` | geheim (onderdrukt) |
| `.` | gegevens ontbreken of niet van toepassing |
| `-` | nihil (een gepubliceerde 0) |
| `0` | (0,0) minder dan de helft van de gekozen eenheid |
"""


def _param(value) -> str:
    if value is None or pd.isna(value):
        return "—"
    return tables.fmt(value, 0 if float(value).is_integer() else 2)


def parameters_table(rules: dict) -> pd.DataFrame:
    """Disclosure parameters: one row per rule, one column per unit type, Dutch notation."""
    out = {"Parameter": list(PARAM_LABELS.values())}
    for unit, r in rules.items():
        out[UNIT_TYPE_LABELS.get(unit, unit)] = [_param(getattr(r, f, None)) for f in PARAM_LABELS]
    return pd.DataFrame(out)


def report_table(report: pd.DataFrame) -> pd.DataFrame:
    """The build's suppression report with Dutch headers and names (numbers stay numbers)."""
    f = report.copy()
    f["tabel"] = [catalogue.BASE_MEASURES[c].description if c in catalogue.BASE_MEASURES else c for c in f["family"]]
    f["branche"] = [catalogue.branch_name(s) if s else "" for s in f["sbi"]]
    return f[list(REPORT_COLUMNS)].rename(columns=REPORT_COLUMNS)


@widgets.guarded
def render() -> None:
    st.title("Over de data")
    v = cache.version()
    info = cache.info(v)
    st.markdown(
        "**Bron: CBS, Kadaster** — gebiedsgrenzen en kerncijfers wijken en buurten 2024, "
        "licentie [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/deed.nl). "
        f"Cijfers op gebiedsindeling 2024 ({info.get('area_division', 'gebiedsindeling 2024')}).")
    st.markdown("**Bron: Politie** — geregistreerde misdrijven per gemeente 2022-2024 (tabel 47013NED), open data "
                "van de politie via data.politie.nl, ongewijzigd overgenomen uit de CSV-export.")
    if info.get("kind") == "demo":
        st.warning("Deze release bevat **demo**-cijfers over ondermijning; alleen de contextcijfers (CBS) en de "
                   "geregistreerde misdrijven (politie) zijn echt.")

    st.header("Indicatoren")
    rows = [{"Thema": i.theme_name, "Indicator": i.name, "Code": i.code, "Definitie": i.definition,
             "Eenheid": i.unit, "Soort": KIND_LABELS.get(i.kind, i.kind), "Bron": i.source + (f" ({i.licence})" if i.licence else ""),
             "Demo": "ja" if i.demo else "nee", "Kanttekening": i.caveat} for i in catalogue.INDICATORS.values()]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

    st.header("Aannames van de demo-generator")
    st.markdown("\n".join(f"- {a}" for a in demo.ASSUMPTIONS_NL))

    st.header("Referentie en significantie")
    st.markdown(stats.METHOD_TEXT)

    st.header("Geheimhouding (onthullingscontrole)")
    st.markdown(
        "Een cel wordt geheimgehouden (onderdrukt) als ze te weinig eenheden heeft, als één of twee bijdragers "
        "domineren, of als een percentage of cijfer per ... een te kleine noemer heeft (primaire onderdrukking). "
        "Daarna worden extra cellen geheimgehouden zodat geen geheime cel via optellen of aftrekken te herleiden "
        "is (secundaire onderdrukking). Een cijfer per 1.000 erft de geheimhouding van zijn teller.")
    st.markdown(PROMISE_MD)
    st.markdown("Hieronder de niet-vertrouwelijke parameters van deze release.")
    try:
        st.dataframe(parameters_table(load_rule_sets()), hide_index=True, width="stretch")
    except Exception as exc:  # noqa: BLE001 - a bad config must not break the page
        st.warning(f"Parameters konden niet worden gelezen: {exc.__class__.__name__}")
    st.subheader("Onderdrukkingsrapport")
    report = report_table(cache.suppression_report(v))
    st.dataframe(tables.dutch_numbers(report, {"Rekentijd (s)": 2, "Cellen": 0, "Primair geheim": 0,
                                               "Secundair geheim": 0, "Cellen met een publieke bovengrens": 0}),
                 hide_index=True, width="stretch")

    st.header("Tekens (CBS)")
    st.markdown(SYMBOLS_MD)
    widgets.area_division_note()
