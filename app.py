"""zoo: entry point. Navigation is the list below; adding a page is one line."""
import streamlit as st

from zoo_core.catalogue_file import CatalogueError

try:  # the catalogue reads the deployment's indicator file first: the app never runs on half of it
    from zoo_core import catalogue  # noqa: F401
except CatalogueError as exc:
    st.error(f"Het indicatorbestand is ongeldig; de app start niet.\n\n{exc}")
    st.stop()

from ui import rerun_log
from ui.auth import require_login
from ui.theme_page import declared_pages, remember_chosen
from ui.widgets import ensure_single_navigation, page_styles

ensure_single_navigation()

st.set_page_config(page_title="Zicht op ondermijning (zoo)", page_icon="🔎", layout="wide")
page_styles()

require_login()  # no-op unless login is switched on (see ui/auth.py, deploy/README.md)

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True, url_path="home"),
    st.Page("pages/vastgoed.py", title="Misbruik van vastgoed", url_path="vastgoed"),
    st.Page("pages/drugs.py", title="Drugsproblematiek", url_path="drugs"),
    st.Page("pages/transacties.py", title="Verdachte transacties", url_path="transacties"),
    st.Page("pages/branches.py", title="Brancheanalyses", url_path="branches"),
    st.Page("pages/criminaliteit.py", title="Geregistreerde criminaliteit", url_path="criminaliteit"),
    st.Page("pages/vakantieparken.py", title="Vakantieparken", url_path="vakantieparken"),
    *declared_pages(),  # the themes of the deployment's indicator file (ZOO_INDICATORS)
    st.Page("pages/profiel.py", title="Gemeenteprofiel", url_path="profiel"),
    st.Page("pages/combine.py", title="Indicatoren combineren", url_path="combine"),
    st.Page("pages/over_de_data.py", title="Over de data", url_path="over_de_data"),
]

page = st.navigation(PAGES)
remember_chosen(page)
# Each page its own document title (WCAG 2.4.2): tabs, history and screen readers tell pages apart.
st.set_page_config(page_title=f"{page.title} · Zicht op ondermijning (zoo)")
with rerun_log.timed(page.url_path):
    page.run()
