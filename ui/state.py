"""URL and session state: read and write a page's view in the address, share the gemeente.

Every query parameter is untrusted: this module only hands the raw strings to the view objects of
zoo_core/views.py, which check them against the catalogue and the release.
"""
from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

SHARED_GEMEENTE = "zoo_gemeente"     # session-state key that survives page switches
LAST_VIEW = "zoo_view:"              # + page: that page's last view in this session (plain state, kept)


def read_params(page: str, keys: tuple[str, ...]) -> dict[str, str]:
    """The query parameters of this page's view, as raw strings (last value if repeated).

    A visit without any of them (a switch from another page in the menu) reopens the view this page had
    last in the session, with the gemeente chosen since: settings are not lost by looking elsewhere.
    """
    out = {}
    for key in keys:
        try:
            values = st.query_params.get_all(key)
        except Exception:  # noqa: BLE001 - never let a strange URL break a page
            values = []
        if values:
            out[key] = values[-1]
    if out:
        return out
    last = dict(st.session_state.get(LAST_VIEW + page, {}))
    shared = st.session_state.get(SHARED_GEMEENTE)
    if shared and last.get("gemeente") not in (None, shared):
        last["gemeente"] = shared
        last.pop("area", None)  # an area of the other gemeente
    return last


def view_is_set(marker_key: str) -> bool:
    """True when this page's widgets already hold the view and should keep it; False when the page must
    (re)read it from the URL: on the first run of a visit, and when the browser's back or forward
    button brought an earlier address (the widgets still show the later view, the address is right).
    Streamlit marks such a run as history navigation (since 1.5x) but only restores widgets it binds
    to the URL itself; zoo's pages write the URL themselves."""
    if marker_key not in st.session_state:
        return False
    ctx = get_script_run_ctx()
    return not (ctx is not None and getattr(ctx, "is_history_navigation", False))


def shared_gemeente() -> str | None:
    """The gemeente chosen on any page in this session (the view parsers check it)."""
    return st.session_state.get(SHARED_GEMEENTE)


def set_shared_gemeente(code: str) -> None:
    st.session_state[SHARED_GEMEENTE] = code


def write_params(page: str, values: dict) -> dict[str, str]:
    """Replace the URL's query parameters with the current view (only if they changed), and keep the
    view as this page's last one of the session (read_params)."""
    wanted = {k: str(v) for k, v in values.items() if v not in (None, "", [], ())}
    st.session_state[LAST_VIEW + page] = wanted
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)
    return wanted
