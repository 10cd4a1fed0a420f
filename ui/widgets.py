"""Small shared UI pieces: banners, the release-error guard, the gemeente picker."""
from __future__ import annotations

import functools

import streamlit as st

from zoo_core.release import REBUILD_COMMAND, ReleaseError

AREA_DIVISION = "Cijfers op gebiedsindeling 2024."
SIGNAL = "Een relatief hoge waarde is een signaal, geen bewijs."
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

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def guarded(page_fn):
    """Run a page; a missing or corrupt release becomes a clear st.error with the rebuild command."""
    @functools.wraps(page_fn)
    def wrapper(*args, **kwargs):
        ensure_single_navigation()
        try:
            return page_fn(*args, **kwargs)
        except ReleaseError as exc:
            st.error(f"De cijfers kunnen niet worden geladen. {exc}\n\nHerbouw de database met: `{REBUILD_COMMAND}`")
    return wrapper


def demo_banner(is_demo: bool) -> None:
    if is_demo:
        st.info(DEMO_BANNER, icon="⚠️")


def area_division_note() -> None:
    st.caption(AREA_DIVISION + " Bron: CBS, Kadaster (CC BY 4.0); zie 'Over de data'.")
