"""Small shared UI pieces: banners, the release-error guard, the gemeente picker."""
from __future__ import annotations

import base64
import functools
import html
import logging
from urllib.parse import urlencode

import streamlit as st

from zoo_core import search, views
from zoo_core.release import ReleaseError, rebuild_command
from zoo_core.report import html_table

_LOG = logging.getLogger("zoo")

AREA_DIVISION = "Cijfers op gebiedsindeling 2024."
SIGNAL = "Een relatief hoge waarde is een signaal, geen bewijs."
# Under every map: a screen-reader or keyboard user finds the same information in a table (WCAG 1.1.1).
MAP_AS_TABLE = "De kaart als tekst: de tabel 'Rangorde' hieronder noemt elk gebied van de kaart met zijn waarde."
DEMO_BANNER = ("**DEMO-cijfers.** De getoonde waarden van deze indicator zijn door zoo gegenereerd (demo) "
               "op echte CBS-gebieden en -bevolking; het zijn geen echte cijfers over ondermijning.")


def ensure_single_navigation() -> None:
    """Make sure the app's own st.navigation is the only navigation.

    Streamlit decides once per process, before the first script run, to treat a folder named
    pages/ next to app.py as old-style (v1) multipage pages: that first run then shows every file
    in pages/ in the sidebar and, for a deep link such as /vastgoed, runs pages/vastgoed.py without
    app.py. When we find ourselves in that mode we switch it off and rerun, so app.py (and its
    st.set_page_config and st.navigation) runs. Cost: one extra, empty run per process.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.util import calc_hash

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        # A page without a file of its own name (a theme of the indicator file: /eigen runs pages/thema.py)
        # is unknown in that mode, so app.py ran instead: rerun to the page that was asked for, not to app.py.
        ctx = get_script_run_ctx()
        if ctx is not None:
            asked = ctx.pages_manager
            wanted = asked.intended_page_script_hash or (calc_hash(asked.intended_page_name)
                                                         if asked.intended_page_name else "")
            if wanted and wanted != ctx.page_script_hash:
                ctx.set_mpa_v2_page(wanted)
        st.rerun()


def guarded(page_fn):
    """Run a page; a missing or corrupt release becomes one clear message instead of a traceback.

    The visitor reads what is wrong and that the view comes back (it lives in the link and the
    session, not in the widgets that cannot be drawn now); the operator reads the command once.
    The file's path goes to the server log only: a visitor has no business knowing the folders."""
    @functools.wraps(page_fn)
    def wrapper(*args, **kwargs):
        ensure_single_navigation()
        try:
            return page_fn(*args, **kwargs)
        except ReleaseError as exc:
            _LOG.error("release unavailable: %s", exc)
            release_unavailable(exc.problem)
    return wrapper


def release_unavailable(problem: str) -> None:
    st.error(f"**De cijfers zijn nu niet beschikbaar: de database van deze installatie {problem}.**\n\n"
             "Uw keuzes blijven bewaard: zodra de database terug is, ziet u dezelfde weergave.\n\n"
             f"Voor de beheerder: bouw de database in de projectmap met `{rebuild_command()}` "
             "(of start de app met `scripts/run`); het serverlog noemt het bestand.")
    st.button("Opnieuw proberen", key="release_retry")


# A keyboard user must always see where the focus is (WCAG 2.4.7): Streamlit draws no ring on some
# elements (expander headers, links, the dataframe's cells) and a faint one on others.
FOCUS_CSS = ":focus-visible { outline: 3px solid #1d4f91 !important; outline-offset: 2px !important; }"
# A switched-off toggle is a track at 20 % text colour (1.5:1 on white, its white knob the same): made
# solid grey, track and knob reach 4.5:1 (WCAG 1.4.11). Switched on, it keeps the theme's colour.
TOGGLE_CSS = ("[data-testid=stCheckbox] input:not(:checked) + div { background-color: #767676 !important; }")
# A printed page (the profile for a meeting) holds the figures, not the app around them. A chart drawn for
# the screen keeps its screen width on paper (the browser does not redraw it for print), so on a wide screen
# it shrank to unreadable text: a page gives such an element a print copy drawn for A4 (print_copy) and
# wraps the screen version in screen_only.
SCREEN_ONLY, PRINT_ONLY = "alleen_scherm", "alleen_print"
PRINT_CSS = f"""[class*="st-key-{PRINT_ONLY}"] {{ display: none !important; }}
@media print {{
  [data-testid=stSidebar], [data-testid=stSidebarCollapsedControl], [data-testid=stHeader],
  [data-testid=stToolbar], [data-testid=stSelectbox], [data-testid=stMultiSelect], [data-testid=stPopover],
  [data-testid=stButton], [data-testid=stDownloadButton], [data-testid=stCheckbox], [data-testid=stExpander],
  [class*="st-key-{SCREEN_ONLY}"] {{ display: none !important; }}
  [class*="st-key-{PRINT_ONLY}"] {{ display: block !important; }}
  [data-testid=stMain] {{ margin-left: 0 !important; }}
  h1, h2, h3 {{ break-after: avoid; }}
  svg, tr, li, [data-testid=stVegaLiteChart], [data-testid=stDeckGlJsonChart] {{ break-inside: avoid; }}
  .zoo-print table {{ border-collapse: collapse; width: 100%; font-size: 9pt; }}
  .zoo-print th, .zoo-print td {{ border-bottom: 1px solid #ccc; padding: 2px 4px; text-align: left; }}
  .zoo-print img {{ width: 100%; height: auto; print-color-adjust: exact; -webkit-print-color-adjust: exact; }}
}}"""
# Printed width of an A4 page with the browser's default margins, in CSS px: a print copy drawn at this width
# keeps its text at the size it was drawn.
PRINT_WIDTH_PX = 720


def screen_only(name: str):
    """A container that is not printed (its print_copy is)."""
    return st.container(key=f"{SCREEN_ONLY}_{name}")


def svg_image(svg: str, alt: str) -> str:
    """An SVG as an <img>: st.html's sanitiser removes inline <svg> elements."""
    data = base64.b64encode(svg.encode()).decode()
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt, quote=True)}">'


def screen_and_print_table(name: str, frame, **dataframe_options) -> None:
    """A table as a grid on screen and as the whole table on paper (a canvas grid prints only the rows it
    shows). `frame`: formatted, published cells only."""
    with screen_only(name):
        st.dataframe(frame, hide_index=True, width="stretch", **dataframe_options)
    print_copy(name, html_table(frame))


def print_copy(name: str, html_text: str) -> None:
    """Static HTML (already escaped, published cells only) shown on paper instead of the screen_only twin."""
    with st.container(key=f"{PRINT_ONLY}_{name}"):
        st.html(f'<div class="zoo-print">{html_text}</div>')


# A map beside its legend needs a wide screen: below 1,100 px (an 800 px screen with the sidebar open
# left the map a 340 px column that cut Rotterdam in half) the legend goes below the map.
MAP_ROW_CSS = """@media (max-width: 1100px) {
  [data-testid=stHorizontalBlock]:has([data-testid=stDeckGlJsonChart]) { flex-wrap: wrap !important; }
  [data-testid=stHorizontalBlock]:has([data-testid=stDeckGlJsonChart]) > [data-testid=stColumn] {
    width: 100% !important; flex: 1 1 100% !important; min-width: 100% !important; }
}"""


def page_styles() -> None:
    """Styles every page needs; app.py calls this once per run, before the page."""
    st.html(f"<style>{FOCUS_CSS}\n{TOGGLE_CSS}\n{PRINT_CSS}\n{MAP_ROW_CSS}</style>")


def demo_banner(is_demo: bool) -> None:
    if is_demo:
        st.info(DEMO_BANNER, icon="⚠️")


def area_division_note() -> None:
    st.caption(AREA_DIVISION + " Bron: CBS, Kadaster (CC BY 4.0); zie 'Over de data'.")


GEMEENTE_PLACEHOLDER = "Typ een naam of code (bijv. Den Haag, GM0599)"
# Dutch placeholders: without them Streamlit shows "Choose an option" / "Choose options".
CHOOSE = "Kies een optie"
CHOOSE_GEMEENTEN = "Kies een of meer gemeenten"


def gemeente_select(label: str, labels: dict[str, str], key: str, **kwargs) -> str:
    """A gemeente selectbox that also takes what people type: a text that is no option (Enter) is matched by
    zoo_core.search (accents folded, common names such as Den Haag, codes such as GM0599); one match selects
    it, otherwise the previous gemeente stays and a Dutch message says why. labels: code -> shown name."""
    previous, message = f"{key}:vorige", f"{key}:melding"
    labels = {c: f"{n} ({search.COMMON_NAMES[c]})" if c in search.COMMON_NAMES else n for c, n in labels.items()}

    def typed() -> None:
        text = st.session_state.get(key)
        if text in labels:  # an option, or a code typed as such: set it, so the box shows the name
            st.session_state[key] = text
            return
        found = search.resolve(str(text or ""), labels)
        if found.code:
            st.session_state[key] = found.code
            return
        back = st.session_state.get(previous)
        st.session_state[key] = back if back in labels else next(iter(labels))
        shown = views.shown(text or "")
        if found.candidates:
            names = ", ".join(labels[c] for c in found.candidates)
            st.session_state[message] = f"Meerdere gemeenten passen bij '{shown}': {names}. Kies er een uit de lijst."
        else:
            st.session_state[message] = (f"Geen gemeente gevonden bij '{shown}'. Typ een (deel van de) naam, "
                                         "ook zonder accenten, of een code zoals GM0599.")

    code = st.selectbox(label, list(labels), key=key, format_func=lambda c: labels.get(c, str(c)),
                        accept_new_options=True, on_change=typed, placeholder=GEMEENTE_PLACEHOLDER, **kwargs)
    note = st.session_state.pop(message, None)
    if note:
        st.warning(note)
    st.session_state[previous] = code
    return code


# --- a click on a map chooses that area -----------------------------------------------------------
# The page reads the click at the start of its next run, before its boxes are drawn, so the box can
# follow. A map's key names its geometry; a selection stays until the user clicks another area (the
# index changes), so a new indicator on the same map does not re-apply an old click.
def clickable_map(deck, page_key: str, view_key: str, height: int) -> None:
    map_key = f"{page_key}:kaart:{view_key}"
    st.session_state[page_key + ":kaart"] = (map_key, list(deck.feature_codes))
    st.pydeck_chart(deck, height=height, on_select="rerun", selection_mode="single-object", key=map_key)


def clicked_area(page_key: str) -> str | None:
    """The area code of a click on this page's map since the last run, once; None otherwise. The index
    comes from the browser, so it is checked against the features the map was drawn with."""
    map_key, codes = st.session_state.get(page_key + ":kaart", (None, []))
    try:
        index = st.session_state[map_key]["selection"]["indices"]["waarden"][0]
    except (KeyError, IndexError, TypeError):
        st.session_state.pop(page_key + ":kaart_gezien", None)
        return None
    if not isinstance(index, int) or not 0 <= index < len(codes):
        return None
    if st.session_state.get(page_key + ":kaart_gezien") == (map_key, index):
        return None
    st.session_state[page_key + ":kaart_gezien"] = (map_key, index)
    return codes[index]


def share_link(url_path: str, params: dict[str, str], note: str = "") -> None:
    """A "Link delen" button with the address of this exact view, ready to copy (the code block's own
    copy button): the address bar holds it too, but people look for a button."""
    base = (st.context.url or "").rstrip("/")
    if base.endswith("/" + url_path):  # Streamlit leaves the page's own path on under st.App
        base = base[:-len(url_path) - 1]
    link = f"{base}/{url_path}?{urlencode(params)}" if base else f"/{url_path}?{urlencode(params)}"
    with st.popover("Link delen"):
        st.caption("De link opent deze weergave, met dezelfde keuzes. Kopieer hem met de knop die rechtsboven in "
                   "het vak verschijnt als u erover beweegt, of selecteer de tekst." + note)
        st.code(link, language=None, wrap_lines=True)
