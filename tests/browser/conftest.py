"""Browser-test fixtures: a real Streamlit server per module, one Chromium per session.

pytest-playwright is deliberately not used: its fixtures expect `playwright
install`, whose download cannot be reached here. We drive Debian's chromium.
"""
import os
import signal
from pathlib import Path

import pytest

from .helpers import CHROMIUM, CHROMIUM_ARGS, REPO, streamlit_server


def pytest_collection_modifyitems(items):
    # Everything under tests/browser is a browser test: `-m "not browser"` skips it.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _sigterm(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config):
    # The outer `timeout` sends SIGTERM; turn it into a normal interrupt so
    # fixture teardown and atexit (which kill our server groups) still run.
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _sigterm)


@pytest.fixture(scope="module")
def app_server(release_db):
    """The real app (app.py) against the test release; yields its base URL."""
    with streamlit_server(REPO / "app.py", env={"ZOO_DB": str(release_db)}) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} missing: run scripts/setup")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()
    pw.stop()


@pytest.fixture
def page(browser):
    # Fresh context per test: no shared cookies/session state; one foreground
    # page per test because background tabs are 8-11x slower.
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()
