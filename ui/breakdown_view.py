"""The "Kenmerken" section of a theme page: the classes of the chosen gemeente against its reference."""
from __future__ import annotations

import streamlit as st

from ui import cache, widgets
from zoo_core import breakdown, catalogue, views


def render(view: views.ThemeView, v: str, gemeente_name: str) -> None:
    """Only published cells reach the chart and the table; a suppressed class is x, never a bar of 0."""
    inds = catalogue.breakdowns_for(view.theme)
    if not inds:
        return
    key = f"{view.theme}:kenmerk"
    codes = [i.code for i in inds]
    if st.session_state.get(key) not in codes:
        st.session_state[key] = codes[0]
    st.markdown("#### Kenmerken")
    indicator = st.selectbox("Kenmerk", codes, key=key, format_func=lambda c: catalogue.get(c).name,
                             placeholder=widgets.CHOOSE)
    ind = catalogue.get(indicator)
    shown_year = ind.value_year(view.year)
    # At the level of wijken the page compares with the gemeente itself; a breakdown exists from the
    # gemeente up, so the gemeente is compared with Nederland there.
    group_code = view.ref if view.level == "gemeente" else "nl"
    frame, note, group_label = cache.breakdown_view(v, indicator, shown_year, view.gemeente, group_code, view.kies)
    st.caption(f"{ind.name}, {gemeente_name}, {shown_year}: aandeel per klasse in het totaal "
               f"({catalogue.breakdown_total(ind).name.lower()}) tegenover {group_label}. {note}")
    if cache.is_demo(v, indicator, shown_year):
        st.caption("DEMO-cijfers: gegenereerd, niet echt.")
    st.vega_lite_chart(cache.breakdown_spec(v, indicator, shown_year, view.gemeente, group_code, view.kies,
                                            gemeente_name), width="stretch")
    st.caption("Een x in plaats van een staaf: die klasse is geheim (onderdrukt).")
    st.dataframe(breakdown.as_table(frame, gemeente_name, group_label), hide_index=True, width="stretch")
    st.caption(ind.definition + " " + ind.caveat)
