"""Home: what zoo is, the demo notice, and the gemeente search shared by all pages."""
from __future__ import annotations

import streamlit as st

from zoo_core import catalogue, views
from ui import cache, state, widgets

KEY = "home:gemeente"


# How the home page names a theme in its sentence (a theme not listed here: its menu name, lower case).
THEME_PHRASES = {"branches": "kwetsbare branches"}


def themes_sentence() -> str:
    """The demo themes of the catalogue in one Dutch enumeration: 'misbruik van vastgoed, ... en vakantieparken'."""
    names = [THEME_PHRASES.get(t, catalogue.THEMES[t].lower()) for t in catalogue.demo_themes()]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


@widgets.guarded
def render() -> None:
    st.title("Zicht op ondermijning")
    st.markdown(
        "Gepubliceerde cijfers over signalen van ondermijnende criminaliteit per gemeente, wijk, buurt en "
        f"branche: {themes_sentence()}. "
        "Vergelijk uw gemeente met Nederland, de provincie, de RIEC-regio, buurgemeenten of gemeenten die "
        "erop lijken. Alleen geaggregeerde cijfers; geheime (onderdrukte) waarden staan als **x**.")
    st.info("**Dit is een demo.** Alle cijfers over ondermijning in deze versie zijn demo-cijfers, "
            "gegenereerd op echte CBS-gebieden en -bevolking. Ze zeggen niets over echte gemeenten. "
            + widgets.AREA_DIVISION)
    v = cache.version()
    gem = cache.gemeenten(v)
    labels = dict(zip(gem["area_code"], gem["label"]))
    if not state.view_is_set(KEY):
        warnings: list[str] = []
        st.session_state[KEY] = views.pick_gemeente(state.read_params("home", ("gemeente",)), frozenset(labels),
                                                    state.shared_gemeente(), warnings)
        for w in warnings:
            st.warning(w)
    code = widgets.gemeente_select("Zoek uw gemeente", labels, KEY,
                                   help="Typ een deel van de naam (ook zonder accenten, bijv. Den Haag) of een "
                                        "code als GM0599 en druk op Enter. De keuze blijft bewaard op alle pagina's.")
    state.set_shared_gemeente(code)
    state.write_params("home", {"gemeente": code})
    name = gem.set_index("area_code").loc[code, "name"]
    st.page_link("pages/profiel.py", label=f"Profiel van {name}: alle indicatoren op één pagina",
                 icon=":material/summarize:", query_params={"gemeente": code})
    st.page_link("pages/combine.py", label=f"De wijken van {name}: twee indicatoren combineren",
                 icon=":material/scatter_plot:", query_params={"gemeente": code, "scope": "gemeente_wijken"})
    st.markdown("Of kies een thema in het menu links. " + widgets.SIGNAL)
    widgets.area_division_note()
