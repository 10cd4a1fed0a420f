"""Two app replicas behind nginx (deploy/nginx.conf, ports substituted), seen by headless Chromium.

Installs nothing: uses Debian's /usr/sbin/nginx (scripts/setup installs nginx-light) and chromium.
nginx runs in the foreground in its own process group with prefix/temp/log under tmp_path and is
killed at the end, like the app servers.
"""
from __future__ import annotations

import os
import urllib.request
from contextlib import ExitStack

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import REPO, free_port, goto, streamlit_server, wait_painted
from tests.deploy import nginx

pytestmark = pytest.mark.browser
MAP = "[data-testid=stDeckGlJsonChart] canvas"


@pytest.fixture(scope="module")
def proxied(release_db, tmp_path_factory):
    if not os.access(nginx.NGINX, os.X_OK):
        pytest.fail(f"{nginx.NGINX} missing: run scripts/setup", pytrace=False)
    tmp = tmp_path_factory.mktemp("nginx")
    env = {"ZOO_DB": str(release_db)}
    with ExitStack() as stack:
        bases = [stack.enter_context(streamlit_server(REPO / "server.py", env=env)) for _ in range(2)]
        ports = [int(b.rsplit(":", 1)[1]) for b in bases]
        listen = free_port()
        stack.enter_context(nginx.proxy(tmp, listen, ports))
        yield f"http://127.0.0.1:{listen}", ports


def test_sticky_cookie_pins_one_replica(proxied):
    base, ports = proxied
    seen_first = set()
    for _ in range(12):  # without a cookie: a fresh key each time, both replicas get traffic
        with urllib.request.urlopen(base + "/_stcore/health", timeout=5) as r:
            assert any(c.startswith("zoo_node=") for c in r.headers.get_all("Set-Cookie") or [])
            seen_first.add(r.headers["X-Zoo-Upstream"])
    assert seen_first == {f"127.0.0.1:{p}" for p in ports}, seen_first
    req = urllib.request.Request(base + "/_stcore/health", headers={"Cookie": "zoo_node=abc123"})
    upstreams = set()
    for _ in range(10):
        with urllib.request.urlopen(req, timeout=5) as r:
            assert not any(c.startswith("zoo_node=") for c in r.headers.get_all("Set-Cookie") or [])  # only when missing
            upstreams.add(r.headers["X-Zoo-Upstream"])
    assert len(upstreams) == 1


def test_home_and_theme_map_paint_through_nginx(proxied, browser):
    base, _ = proxied
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    try:
        goto(page, base, "/")
        expect(page.locator("h1", has_text="Zicht op ondermijning").first).to_be_visible()
        cookie = {c["name"]: c["value"] for c in ctx.cookies()}
        assert "zoo_node" in cookie
        goto(page, base, "/vastgoed")
        assert wait_painted(page, page.locator(MAP).first, min_pixels=50_000) >= 50_000
        # The WebSocket went through nginx (Upgrade) and the session survived the page switch.
        assert page.locator("[data-testid=stApp][data-test-connection-state=CONNECTED]").count() == 1
    finally:
        ctx.close()
