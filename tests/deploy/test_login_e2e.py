"""Login end to end: the real zoo server (server.py) against a real OpenID Connect provider on loopback
(panva's oidc-provider, tests/deploy/oidc/provider.mjs), driven by headless Chromium.

The server gets its `[auth]`/`[zoo]` secrets from a temporary file (`--secrets.files`), never from the
repo's .streamlit/. Streamlit's own /auth/login, /oauth2callback and /auth/logout routes do the work
(Authlib's Starlette client: discovery, PKCE S256, code exchange, ID-token check, signed cookie); the
provider's development login form is where the test types the account. Screenshots of every step go to
$ZOO_SHOTS (default /tmp/zoo-shots), named login_*.png.

Skipped only when node is not installed; with node present a missing oidc-provider package is a failure
(scripts/setup's `npm ci` installs it).
"""
from __future__ import annotations

import re
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import REPO, free_port, streamlit_server, wait_idle, wait_painted
from tests.deploy import oidc
from zoo_core import settings

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(oidc.node() is None, reason="node is not installed: the test OIDC provider "
                                 "(oidc-provider from npm) cannot run")]
SHOTS = Path(settings.SHOTS.get())
MAP = "[data-testid=stDeckGlJsonChart] canvas"
CLIENT_ID, CLIENT_SECRET = "zoo-e2e", "e2e-test-only-secret"
ALLOWED, DOMAIN_USER, OUTSIDER = "analist@gemeente.example", "iemand@riec.example", "buiten@elders.example"


@pytest.fixture(scope="module")
def login_app(release_db, tmp_path_factory):
    """The provider and the app, each on its own free loopback port; yields (app base URL, issuer)."""
    port = free_port()
    redirect_uri = f"http://127.0.0.1:{port}/oauth2callback"
    with ExitStack() as stack:
        issuer = stack.enter_context(oidc.oidc_provider(redirect_uri, CLIENT_ID, CLIENT_SECRET))
        secrets = tmp_path_factory.mktemp("login-e2e") / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "{redirect_uri}"\n'
            f'cookie_secret = "{"e2e-cookie-secret-" * 3}"\n'
            f'client_id = "{CLIENT_ID}"\nclient_secret = "{CLIENT_SECRET}"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
            "[zoo]\n"
            f'allowed_emails = ["{ALLOWED}"]\nallowed_domains = ["riec.example"]\n', encoding="utf-8")
        base = stack.enter_context(streamlit_server(
            REPO / "server.py", env={"ZOO_DB": str(release_db)}, port=port,
            extra_args=("--secrets.files", str(secrets))))
        yield base, issuer


@pytest.fixture
def login_page(browser):
    """A fresh browser context that may only reach loopback (the provider's default pages @import web
    fonts; nothing here may call an outside host)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1"
              else route.abort())
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"login_{name}.png"))


def _idle(page) -> None:
    wait_idle(page, 60_000)  # after a redirect chain the first script run of a cold page can be slow


def _login_page_shown(page) -> None:
    _idle(page)
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible()
    expect(page.get_by_text("Deze omgeving is alleen toegankelijk na inloggen.")).to_be_visible()
    assert page.locator("[data-testid=stDeckGlJsonChart], [data-testid=stDataFrame], "
                        "[data-testid=stVegaLiteChart], [data-testid=stSelectbox]").count() == 0


def _log_in_at_provider(page, issuer: str, account: str, step: str) -> None:
    """Click the app's Inloggen, sign in at the provider as `account`, consent, and be back in the app."""
    with page.expect_request(lambda r: r.url.startswith(issuer + "/auth?")) as authorize:
        page.get_by_role("button", name="Inloggen").click()
    query = parse_qs(urlsplit(authorize.value.url).query)
    # What Streamlit's Authlib client asks for: the code flow with S256 PKCE (the provider demands PKCE,
    # so without it there is no login at all), its scopes, and prompt=select_account.
    assert query["response_type"] == ["code"] and query["code_challenge_method"] == ["S256"], query
    assert query["scope"] == ["openid email profile"] and query["prompt"] == ["select_account"], query
    assert "nonce" in query and "state" in query, query
    page.wait_for_url(re.compile(re.escape(issuer) + "/interaction/"), timeout=30_000)
    expect(page.locator("input[name=login]")).to_be_visible()
    page.fill("input[name=login]", account)
    page.fill("input[name=password]", "any")
    _shot(page, f"{step}_provider_login")
    page.get_by_role("button", name="Sign-in").click()
    consent = page.get_by_role("button", name="Continue")
    consent.wait_for(timeout=30_000)
    _shot(page, f"{step}_provider_consent")
    consent.click()


def _user_cookie(page) -> bool:
    return any(c["name"].startswith("_streamlit_user") for c in page.context.cookies())


def test_allowed_account_logs_in_sees_data_and_logs_out(login_app, login_page):
    base, issuer = login_app
    page = login_page
    # 1. Anonymous: the login page of the app, on a data page too, and nothing of the data.
    page.goto(base + "/vastgoed")
    _login_page_shown(page)
    _shot(page, "1_anonymous")

    # 2. Inloggen -> the provider's login form -> back at the app (Streamlit's /oauth2callback sends to /).
    _log_in_at_provider(page, issuer, ALLOWED, "2")
    page.wait_for_url(re.compile("^" + re.escape(base) + "/"), timeout=30_000)
    _idle(page)
    expect(page.get_by_text(f"Ingelogd als {ALLOWED}")).to_be_visible()
    expect(page.get_by_role("button", name="Inloggen")).to_have_count(0)
    assert _user_cookie(page)
    _shot(page, "3_logged_in_home")

    # 3. A data page, opened from the menu, shows its map, painted. The page writes its view into the address
    # at once (/vastgoed?gemeente=...): waiting for the bare /vastgoed caught it only while the page was slow.
    page.get_by_role("link", name="Misbruik van vastgoed").click()
    page.wait_for_url(re.compile("^" + re.escape(base) + r"/vastgoed(\?|$)"), timeout=30_000)
    # The first deck.gl map in a fresh browser context is slow with software WebGL: 12-22 s measured on
    # 2 busy cores (wait_painted's default 20 s was too short once).
    assert wait_painted(page, page.locator(MAP).first, min_pixels=50_000, timeout_s=60) >= 50_000
    expect(page.get_by_text(f"Ingelogd als {ALLOWED}")).to_be_visible()
    _shot(page, "4_logged_in_map")

    # 4. Uitloggen: Streamlit clears its cookie and sends the browser to the provider's end_session
    #    endpoint; after "Yes, sign me out" the provider returns to /oauth2callback, which sends to /.
    _log_out(page, base, issuer, "5")
    _shot(page, "6_logged_out")
    page.goto(base + "/vastgoed")  # and a data page refuses again
    _login_page_shown(page)


REFUSED = "U bent ingelogd, maar dit account heeft geen toegang tot deze omgeving."


def _refused(page, base: str, why: str = "", data_page: bool = True) -> None:
    _idle(page)
    expect(page.get_by_text(REFUSED)).to_be_visible()
    if why:
        expect(page.get_by_text(why)).to_be_visible()
    assert _user_cookie(page)  # logged in (Streamlit's signed cookie), but the app shows nothing
    if not data_page:
        return
    page.goto(base + "/vastgoed")
    _idle(page)
    expect(page.get_by_text(REFUSED)).to_be_visible()
    assert page.locator("[data-testid=stDeckGlJsonChart], [data-testid=stDataFrame], "
                        "[data-testid=stSelectbox]").count() == 0


def _log_out(page, base: str, issuer: str, step: str) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(re.escape(issuer) + "/session/end"), timeout=30_000)
    _shot(page, f"{step}_provider_logout")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(re.compile("^" + re.escape(base) + "/"), timeout=30_000)
    _login_page_shown(page)
    assert not _user_cookie(page)


def test_accounts_outside_the_allow_list_are_refused(login_app, login_page):
    base, issuer = login_app
    page = login_page
    page.goto(base + "/")
    _login_page_shown(page)
    # An address on neither list: refused with the app's Dutch message, on every page.
    _log_in_at_provider(page, issuer, OUTSIDER, "9_outsider")
    page.wait_for_url(re.compile("^" + re.escape(base) + "/"), timeout=30_000)
    _refused(page, base)
    _shot(page, "9_outsider_refused")
    # The refusal page's own Uitloggen logs out at the provider too.
    _log_out(page, base, issuer, "10")
    # An address on the domain list that the provider says is not verified: refused, with the reason.
    _log_in_at_provider(page, issuer, "unverified." + DOMAIN_USER, "11_unverified")
    page.wait_for_url(re.compile("^" + re.escape(base) + "/"), timeout=30_000)
    _refused(page, base, "Uw e-mailadres is niet geverifieerd bij de identiteitsprovider.", data_page=False)
    _shot(page, "11_unverified_refused")
