"""URL and session state: validate query parameters against allow-lists, share the gemeente.

Every query parameter is untrusted. `clean` rejects anything that is not a short plain token;
each parameter is then checked against the catalogue or the release. An invalid value yields a
Dutch warning text and the default; nothing here raises.
"""
from __future__ import annotations

import re

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

SHARED_GEMEENTE = "zoo_gemeente"     # session-state key that survives page switches
LAST_VIEW = "zoo_view:"              # + page: that page's last view in this session (plain state, kept)
DEFAULT_GEMEENTE = "GM0363"          # Amsterdam
MAX_LEN = 64
_TOKEN = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_LIST = re.compile(r"^[A-Za-z0-9_,]{1,1000}$")
PARAMS = ("gemeente", "indicator", "year", "level", "sbi", "ref", "area", "kies", "kenmerk")


def clean(raw) -> str | None:
    """A plain ASCII token of at most 64 characters, or None."""
    if not isinstance(raw, str) or len(raw) > MAX_LEN or not _TOKEN.match(raw):
        return None
    return raw


def shown(raw) -> str:
    """A short, harmless rendering of an untrusted value for a warning text."""
    text = str(raw)
    text = "".join(ch if ch.isalnum() or ch in " _-.," else "?" for ch in text[:30])
    return text + ("…" if len(str(raw)) > 30 else "")


def read_params(page: str, keys: tuple[str, ...] = PARAMS) -> dict[str, str]:
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


def pick(params: dict, key: str, allowed, default, warnings: list[str], label: str, convert=str):
    """Value of `key` if it is in `allowed` (after `convert`), else `default` with a warning."""
    if key not in params:
        return default
    raw = params[key]
    token = clean(raw)
    value = None
    if token is not None:
        try:
            value = convert(token)
        except (TypeError, ValueError):
            value = None
    if value is not None and value in allowed:
        return value
    warnings.append(f"Ongeldige waarde voor '{label}' in de link ({shown(raw)!r}) genegeerd; "
                    f"de standaardwaarde wordt getoond.")
    return default


def pick_list(params: dict, key: str, allowed: set, warnings: list[str], label: str, limit: int = 50) -> list[str]:
    if key not in params or params[key] == "":
        return []
    raw = params[key]
    if not isinstance(raw, str) or not _LIST.match(raw):
        warnings.append(f"Ongeldige lijst voor '{label}' in de link genegeerd.")
        return []
    items = [c for c in raw.split(",") if c]
    good = [c for c in items if c in allowed][:limit]
    if len(good) != len(items):
        warnings.append(f"Onbekende codes in '{label}' in de link genegeerd.")
    return list(dict.fromkeys(good))


def to_year(token: str) -> int:
    if not token.isdigit() or len(token) != 4:
        raise ValueError(token)
    return int(token)


def shared_gemeente(valid: set[str]) -> str:
    code = st.session_state.get(SHARED_GEMEENTE)
    if code in valid:
        return code
    return DEFAULT_GEMEENTE if DEFAULT_GEMEENTE in valid else sorted(valid)[0]


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
