"""Over de data: sources, definitions, demo assumptions, disclosure method, CBS symbols."""
from __future__ import annotations

import inspect

import pandas as pd
import streamlit as st

from zoo_core import catalogue, demo, stats
from zoo_core.disclosure import load_rule_sets
from ui import cache, widgets

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
        st.warning("Deze release bevat **demo**-cijfers over ondermijning (seed "
                   f"{info.get('seed', '?')}); alleen de contextcijfers (CBS) en de geregistreerde misdrijven "
                   "(politie) zijn echt.")

    st.header("Indicatoren")
    rows = [{"Thema": i.theme_name, "Indicator": i.name, "Code": i.code, "Definitie": i.definition,
             "Eenheid": i.unit, "Soort": i.kind, "Bron": i.source, "Demo": "ja" if i.demo else "nee",
             "Kanttekening": i.caveat} for i in catalogue.INDICATORS.values()]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

    st.header("Aannames van de demo-generator")
    st.markdown("```text\n" + (inspect.getdoc(demo) or "") + "\n```")

    st.header("Referentie en significantie")
    st.markdown(stats.METHOD_TEXT)

    st.header("Geheimhouding (onthullingscontrole)")
    st.markdown(
        "Een cel wordt geheimgehouden (onderdrukt) als ze te weinig eenheden heeft, als één of twee bijdragers "
        "domineren, of als een percentage of cijfer per ... een te kleine noemer heeft (primaire onderdrukking). "
        "Daarna worden extra cellen geheimgehouden zodat geen geheime cel via optellen of aftrekken te herleiden "
        "is (secundaire onderdrukking); een audit met lineaire programmering controleert dat elk geheim "
        "interval breed genoeg is. Een cijfer per 1.000 erft de geheimhouding van zijn teller. "
        "Hieronder de niet-vertrouwelijke parameters van deze release.")
    try:
        rules = load_rule_sets()
        prm = pd.DataFrame({u: {PARAM_LABELS.get(f, f): getattr(r, f, None) for f in PARAM_LABELS}
                            for u, r in rules.items()})
        st.dataframe(prm.astype("string").fillna("—"), width="stretch")
    except Exception as exc:  # noqa: BLE001 - a bad config must not break the page
        st.warning(f"Parameters konden niet worden gelezen: {exc.__class__.__name__}")
    st.subheader("Onderdrukkingsrapport")
    st.dataframe(cache.suppression_report(v), hide_index=True, width="stretch")

    st.header("Tekens (CBS)")
    st.table(pd.DataFrame({"Teken": ["x", ".", "-", "0"],
                           "Betekenis": ["geheim (onderdrukt)", "gegevens ontbreken of niet van toepassing",
                                         "nihil", "(0,0) minder dan de helft van de gekozen eenheid"]}))
    widgets.area_division_note()
