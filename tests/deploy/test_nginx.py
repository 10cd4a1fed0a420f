"""Two app replicas behind nginx (deploy/nginx.conf, ports substituted), seen by headless Chromium.

Installs nothing: uses Debian's /usr/sbin/nginx (scripts/setup installs nginx-light) and chromium.
nginx runs in the foreground in its own process group with prefix/temp/log under tmp_path and is
killed at the end, like the app servers.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (CHROMIUM, CHROMIUM_ARGS, REPO, _die_with_parent, free_port, goto,
                                   streamlit_server, wait_painted)

pytestmark = pytest.mark.browser
NGINX = "/usr/sbin/nginx"
MAP = "[data-testid=stDeckGlJsonChart] canvas"


def nginx_config(tmp: Path, listen: int, upstreams: list[int]) -> str:
    """A complete nginx.conf: main/events/http wrapper around deploy/nginx.conf with test ports."""
    snippet = (REPO / "deploy" / "nginx.conf").read_text()
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+.*;$", snippet, flags=re.M)
    assert len(servers) >= 2, "deploy/nginx.conf should list the replicas as 'server 127.0.0.1:PORT ...;'"
    lines = "\n".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;" for p in upstreams)
    snippet = snippet.replace("\n".join(servers), lines)
    snippet, n = re.subn(r"^(\s*)listen 80;$", rf"\1listen 127.0.0.1:{listen};", snippet, flags=re.M)
    assert n == 1, "deploy/nginx.conf should have exactly one 'listen 80;'"
    # Test only: tell which replica answered, to check stickiness.
    snippet = snippet.replace("server_tokens off;", "server_tokens off;\n    add_header X-Zoo-Upstream $upstream_addr always;")
    temp = "\n".join(f"    {k}_temp_path {tmp}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (f"{user}worker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log warn;\n"
            f"events {{ worker_connections 512; }}\n"
            f"http {{\n    access_log {tmp}/access.log;\n{temp}\n{snippet}\n}}\n")


def _start_nginx(tmp: Path, listen: int, upstreams: list[int]) -> subprocess.Popen:
    conf = tmp / "nginx.conf"
    conf.write_text(nginx_config(tmp, listen, upstreams))
    check = subprocess.run([NGINX, "-t", "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([NGINX, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf),
                             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent)
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{listen}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            raise AssertionError(f"nginx not serving: {(tmp / 'error.log').read_text()}")
        time.sleep(0.1)


def _stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=5)
            return
        except (ProcessLookupError, subprocess.TimeoutExpired):
            continue
        except ChildProcessError:
            return


@pytest.fixture(scope="module")
def proxied(release_db, tmp_path_factory):
    if not os.access(NGINX, os.X_OK):
        pytest.fail(f"{NGINX} missing: run scripts/setup", pytrace=False)
    tmp = tmp_path_factory.mktemp("nginx")
    env = {"ZOO_DB": str(release_db)}
    with ExitStack() as stack:
        bases = [stack.enter_context(streamlit_server(REPO / "app.py", env=env)) for _ in range(2)]
        ports = [int(b.rsplit(":", 1)[1]) for b in bases]
        listen = free_port()
        proc = _start_nginx(tmp, listen, ports)
        stack.callback(_stop, proc)
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
