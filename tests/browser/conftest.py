"""Browser-test fixtures: a real Streamlit server and one Chromium per worker session.

pytest-playwright is deliberately not used: its fixtures expect `playwright
install`, whose download cannot be reached here. We drive Debian's chromium.
"""
import signal
from pathlib import Path

import pytest

from .helpers import REPO, streamlit_server


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


@pytest.fixture(scope="session")
def app_server(release_db):
    """The real app (app.py) against the test release; yields its base URL. One per worker process for the
    whole session (a start costs ~4.5 s of CPU, its warm-up included); tests that need a fresh server
    start their own (tests/browser/test_walkthrough_fixes.py: the first visitor after a start)."""
    with streamlit_server(REPO / "server.py", env={"ZOO_DB": str(release_db)}) as base:
        yield base
