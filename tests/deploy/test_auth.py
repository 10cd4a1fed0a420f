"""Optional login: the gate function, and every page in the navigation with login on/off (AppTest)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ui import auth

from .nav import APP, navigation_pages, page_id

DATA_ELEMENTS = ("deck_gl_json_chart", "vega_lite_chart", "arrow_vega_lite_chart", "dataframe", "table")
AUTH = {"client_id": "zoo-test", "client_secret": "not-a-secret", "cookie_secret": "x" * 40,
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "server_metadata_url": "https://login.example.invalid/.well-known/openid-configuration"}
ZOO = {"allowed_emails": ["analist@gemeente.example"], "allowed_domains": ["riec.example"]}
PAGES = navigation_pages()


def _open(script: str, *, secrets: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    for k, v in (secrets or {}).items():
        at.secrets[k] = v
    if user is not None:
        at.user = user
    at.switch_page(script)
    at.run()
    return at


def _data(at: AppTest) -> dict[str, int]:
    return {kind: len(at.get(kind)) for kind in DATA_ELEMENTS if len(at.get(kind))}


# --- gate(): pure --------------------------------------------------------------------------------
ON = auth.settings_from({"auth": AUTH, "zoo": ZOO}, environ={})


@pytest.mark.parametrize("user, allowed", [
    (None, False),
    ({}, False),
    ({"email": "analist@gemeente.example"}, False),                       # no is_logged_in: anonymous
    ({"is_logged_in": False, "email": "analist@gemeente.example"}, False),
    ({"is_logged_in": "true", "email": "analist@gemeente.example"}, False),  # only the bool True counts
    ({"is_logged_in": True, "email": "analist@gemeente.example"}, True),
    ({"is_logged_in": True, "email": "Analist@Gemeente.Example "}, True),  # case/space-insensitive
    ({"is_logged_in": True, "email": "iemand@riec.example"}, True),
    ({"is_logged_in": True, "email": "iemand@sub.riec.example"}, False),  # no subdomain matching
    ({"is_logged_in": True, "email": "iemand@riec.example.evil"}, False),
    ({"is_logged_in": True, "email": "x@evil.example@riec.example"}, False),
    ({"is_logged_in": True, "email": "anders@gemeente.example"}, False),
    ({"is_logged_in": True, "email": "iemand@riec.example", "email_verified": False}, False),
    ({"is_logged_in": True, "email": ""}, False),
    ({"is_logged_in": True}, False),
])
def test_gate_allow_list(user, allowed):
    assert auth.gate(user, ON).allowed is allowed


def test_switch_off_by_default_and_fail_closed():
    assert auth.gate({}, auth.settings_from({}, environ={})).reason == "open"
    # ZOO_LOGIN=1 without [auth]: nobody in (a forgotten secrets file does not open the app).
    forced = auth.settings_from({}, environ={"ZOO_LOGIN": "1"})
    assert not auth.gate({"is_logged_in": True, "email": "iemand@riec.example"}, forced).allowed
    # A secrets file that exists but cannot be read: login demanded, nobody in.
    assert not auth.gate({"is_logged_in": True, "email": "a@b.example"}, auth.settings_from({}, {}, broken=True)).allowed
    # [auth] without any allow-list: nobody in.
    bare = auth.settings_from({"auth": AUTH}, environ={})
    assert not auth.gate({"is_logged_in": True, "email": "a@b.example"}, bare).allowed
    assert auth.gate({"is_logged_in": True, "email": "a@b.example"},
                     auth.settings_from({"auth": AUTH, "zoo": {"allowed_domains": ["*"]}}, {})).allowed


def test_provider_sections():
    s = auth.settings_from({"auth": {"cookie_secret": "x", "redirect_uri": "u", "entra": {"client_id": "c"}}}, {})
    assert s.enabled and s.provider == "entra"
    assert auth.settings_from({"auth": AUTH}, {}).provider is None


# --- every page of the navigation, AppTest ------------------------------------------------------
@pytest.mark.parametrize("script", PAGES, ids=page_id)
def test_login_on_anonymous_sees_no_data(script):
    at = _open(script, secrets={"auth": AUTH, "zoo": ZOO}, user={"is_logged_in": False})
    assert not at.exception, [e.value for e in at.exception]
    assert _data(at) == {}
    assert any(b.label == "Inloggen" for b in at.button)
    assert not at.selectbox, "no widgets of the page (a gemeente list is data too)"


@pytest.mark.parametrize("script", PAGES, ids=page_id)
def test_login_on_user_not_on_allow_list_is_refused(script):
    at = _open(script, secrets={"auth": AUTH, "zoo": ZOO},
               user={"is_logged_in": True, "email": "buiten@elders.example"})
    assert not at.exception, [e.value for e in at.exception]
    assert _data(at) == {}
    assert not at.selectbox
    assert at.error and "geen toegang" in at.error[0].value


def test_login_on_default_apptest_user_without_is_logged_in_is_anonymous():
    at = _open(PAGES[0], secrets={"auth": AUTH, "zoo": ZOO})  # AppTest default user: email only
    assert _data(at) == {} and not at.selectbox


def test_login_forced_by_env_without_auth_section(monkeypatch):
    monkeypatch.setenv("ZOO_LOGIN", "1")
    at = _open("pages/vastgoed.py", user={"is_logged_in": True, "email": "analist@gemeente.example"})
    assert _data(at) == {} and at.error


@pytest.mark.parametrize("script", ["pages/vastgoed.py"])
def test_login_on_listed_user_sees_data(script):
    at = _open(script, secrets={"auth": AUTH, "zoo": ZOO},
               user={"is_logged_in": True, "email": "analist@gemeente.example"})
    assert not at.exception, [e.value for e in at.exception]
    assert "deck_gl_json_chart" in _data(at)
    assert any("Ingelogd als analist@gemeente.example" in c.value for c in at.sidebar.caption)


def test_login_off_demo_is_open():
    at = _open("pages/vastgoed.py", user={})
    assert not at.exception
    assert "deck_gl_json_chart" in _data(at)
    assert not any(b.label == "Inloggen" for b in at.button)


# --- the login route's import path ------------------------------------------------------------
def test_streamlit_login_route_imports_authlib_starlette_client():
    """Streamlit's /auth/login builds its OAuth client from authlib.integrations.starlette_client,
    which imports httpx; with httpx missing every click on "Inloggen" was an Internal Server Error."""
    from authlib.integrations import starlette_client  # ModuleNotFoundError: httpx, before the fix
    from streamlit.web.server.starlette.starlette_auth_routes import _create_streamlit_oauth_class

    oauth_class = _create_streamlit_oauth_class(starlette_client)
    assert issubclass(oauth_class, starlette_client.OAuth)


def test_installed_packages_match_the_pins():
    """requirements.txt is what a fresh machine gets: every pin there is what the tests ran with, and
    the login dependencies (httpx and its own dependencies) are among them."""
    from importlib import metadata
    from pathlib import Path

    pins = {}
    for line in (Path(__file__).resolve().parents[2] / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    assert {"authlib", "httpx", "httpcore", "anyio", "h11", "idna", "certifi"} <= set(pins)
    wrong = {n: (v, metadata.version(n)) for n, v in pins.items() if metadata.version(n) != v}
    assert not wrong, f"installed versions differ from requirements.txt: {wrong}"
