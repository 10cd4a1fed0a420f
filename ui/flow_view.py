"""The "Woon- versus pleeggemeente" section of a theme page: where the chosen gemeente's residents
committed the offence, and where those with an offence in the gemeente live."""
from __future__ import annotations

import streamlit as st

from ui import cache, maps
from zoo_core import catalogue, flows


def render(theme: str, v: str, year: int, gemeente: str, gemeente_name: str) -> None:
    """Only published flows get a number or an arc; a suppressed flow is x in the tables."""
    for flow in catalogue.flows_for(theme):
        years = cache.flow_years(v, flow.code)
        st.markdown(f"#### {flow.name}")
        if not years:
            st.info("Deze release heeft geen tabel van woon- en pleeggemeenten; bouw de release opnieuw.")
            continue
        shown_year = year if year in years else max(years)
        fv = cache.flow_view(v, flow.code, gemeente, shown_year)
        share = flows.share_text(fv.elsewhere)
        st.markdown(f"Van de drugsverdachten die in **{gemeente_name}** wonen, pleegde **{share}** het delict in "
                    f"een andere gemeente ({shown_year}).")
        if flow.demo:
            st.caption("DEMO-cijfers: gegenereerd, niet echt.")
        left, right = st.columns(2)
        with left:
            st.markdown(f"**Waar inwoners van {gemeente_name} het delict pleegden**{_total(fv.outgoing, flow)}")
            st.dataframe(flows.as_table(fv.outgoing, "Pleeggemeente"), hide_index=True, width="stretch",
                         height=_height(len(fv.outgoing)))
        with right:
            st.markdown(f"**Waar verdachten met een delict in {gemeente_name} wonen**{_total(fv.incoming, flow)}")
            st.dataframe(flows.as_table(fv.incoming, "Woongemeente"), hide_index=True, width="stretch",
                         height=_height(len(fv.incoming)))
        _arc_map(theme, v, gemeente, gemeente_name, fv)
        st.caption(f"{flow.definition} Per woongemeente staan de eigen gemeente, de buurgemeenten en de vier grote "
                   "steden apart, alle andere pleeggemeenten samen als 'overige gemeenten'; per pleeggemeente de "
                   "woongemeenten die haar zo noemen, en de rest samen. Totaal: alle verdachten die in de gemeente "
                   f"wonen (links) of er het delict pleegden (rechts). x = geheim (onderdrukt). Bron: {flow.source}.")


def map_key(theme: str) -> str:
    """Session-state key of the open/closed state of the arc map's panel (one per theme, kept across gemeenten)."""
    return f"{theme}:stromen_kaart"


def _arc_map(theme: str, v: str, gemeente: str, gemeente_name: str, fv) -> None:
    """The arcs in a panel drawn only once opened: a second map's first frame costs seconds in a browser
    without a GPU (software WebGL), and the tables above already hold every published flow."""
    panel = st.expander("Kaart van de stromen", key=map_key(theme), on_change="rerun")
    with panel:
        if not panel.open:
            return
        deck = maps.flow_deck(cache.geometry(v, "gemeente", None), gemeente, fv.outgoing, fv.incoming)
        st.pydeck_chart(deck, height=460, key=f"{theme}:stromen:{gemeente}")
        if not any(layer.id == "stromen" and layer.data for layer in deck.layers):
            st.caption(f"Geen gepubliceerde stroom groter dan 0 tussen {gemeente_name} en een andere gemeente.")
        st.markdown(f"{_swatch(maps.OUT_COLOR)} inwoners met een delict elders &nbsp; {_swatch(maps.IN_COLOR)} "
                    f"delict hier, wonend elders. Een dikkere boog: meer verdachten; per richting de {maps.MAX_ARCS} "
                    "grootste stromen. Een geheime stroom (x) heeft geen boog.", unsafe_allow_html=True)


def _total(frame, flow) -> str:
    """The table's total beside its heading: the grid shows its first rows, the total is its last."""
    text = flows.total_text(frame, flow)
    return "" if text is None else f" (totaal {text})"


def _height(n_rows: int, most: int = 7) -> int:
    """Fits the rows up to `most` (the grid scrolls beyond), so a short table has no empty rows."""
    return 35 * (min(n_rows, most) + 1) + 3


def _swatch(color: list[int]) -> str:
    """A line in the colour the map draws the arcs in."""
    return f"<span style='color:rgb{tuple(color)};font-weight:700'>━</span>"
