"""Shared fixtures for the whole test tree."""
import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

import pytest

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS
from zoo_core import settings

REPO = Path(__file__).resolve().parent.parent


# Under pytest-xdist the controller starts the build of the test release before its workers start, in a
# directory it names in this variable; the workers wait on its lock and take the file (or build it themselves
# if that build failed, so that its output shows in the failing test).
SHARED_RELEASE_DIR = "TEST_SHARED_RELEASE_DIR"


def pytest_configure(config):
    if (config.getoption("numprocesses", None) and not hasattr(config, "workerinput")
            and not settings.TEST_DB.get()):
        folder = Path(tempfile.mkdtemp(prefix="zoo-test-release-"))
        os.environ[SHARED_RELEASE_DIR] = str(folder)  # the workers, started later, inherit it
        lock = open(folder / "release.lock", "w")
        fcntl.flock(lock, fcntl.LOCK_EX)
        (folder / "release").mkdir()
        with open(folder / "build.log", "w") as log:
            config._zoo_build = subprocess.Popen(_build_command(folder / "release"), cwd=REPO, stdout=log,
                                                 stderr=subprocess.STDOUT)
        threading.Thread(target=_unlock_when_done, args=(config._zoo_build, lock), daemon=True).start()


def _unlock_when_done(build: subprocess.Popen, lock) -> None:
    build.wait()
    fcntl.flock(lock, fcntl.LOCK_UN)
    lock.close()


def pytest_unconfigure(config):
    build = getattr(config, "_zoo_build", None)
    if build is not None:
        if build.poll() is None:  # the session was stopped during the build
            build.kill()
        shutil.rmtree(os.environ.pop(SHARED_RELEASE_DIR), ignore_errors=True)


def _build_command(folder: Path) -> list[str]:
    # A fixed seed keeps failures reproducible; the base goes to the build side (base_db), not next to it.
    return [sys.executable, "-m", "zoo_core", "build", "--out", str(folder / "release.duckdb"), "--seed", "20241",
            "--base", str(folder / "confidential" / "base.duckdb")]


@pytest.fixture(scope="session")
def release_db(tmp_path_factory) -> Path:
    """Path to a release DuckDB file for tests.

    ZOO_TEST_DB lets a developer reuse an existing build (fast loop); otherwise
    build the demo release once per session so CI needs nothing pre-built (under
    pytest-xdist once for all workers, see pytest_configure).
    """
    if settings.TEST_DB.get():
        return Path(settings.TEST_DB.get()).resolve()
    root = Path(os.environ.get(SHARED_RELEASE_DIR) or tmp_path_factory.getbasetemp())
    out = root / "release" / "release.duckdb"
    with _exclusive(root / "release.lock"):
        if out.exists():  # built by the controller or another worker
            return out
        out.parent.mkdir(parents=True, exist_ok=True)
        cmd = _build_command(out.parent)
        rc = subprocess.run(cmd, cwd=REPO, timeout=600).returncode
    if rc != 0:  # its stderr is shown under "Captured stderr setup"
        pytest.fail(f"release build failed (exit {rc}): {' '.join(cmd)}", pytrace=False)
    return out


@contextlib.contextmanager
def _exclusive(lock_file: Path):
    with open(lock_file, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def base_db(release_db) -> Path:
    """The confidential base of the test release (build side only: attacker tests need the truth).
    With ZOO_TEST_DB, ZOO_TEST_BASE names it (default: build/base.duckdb)."""
    if settings.TEST_DB.get():
        path = Path(settings.TEST_BASE.get())
    else:
        path = release_db.parent / "confidential" / "base.duckdb"
    if not path.exists():
        pytest.fail(f"confidential base {path} missing (set ZOO_TEST_BASE)", pytrace=False)
    return path


# One Chromium for the whole session, shared by tests/browser and tests/deploy: Playwright's sync API
# cannot run two instances in one thread.
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


# --- A deployment's own indicators (the example in docs/examples/own-figures) ----------------------
EXAMPLE = REPO / "docs" / "examples" / "own-figures"


@pytest.fixture
def declared():
    """Load an indicator file into the catalogue for one test (`declared(path)` returns the new codes);
    the built-in catalogue is restored afterwards, so no other test sees the file."""
    with catalogue_restored():
        from zoo_core import catalogue
        yield catalogue.load_file


@contextlib.contextmanager
def catalogue_restored():
    from zoo_core import catalogue
    saved = [(d, dict(d)) for d in (catalogue.THEMES, catalogue.INDICATORS, catalogue.BASE_MEASURES)]
    try:
        yield
    finally:
        for d, copy in saved:
            d.clear()
            d.update(copy)


@pytest.fixture(scope="session")
def own_release(tmp_path_factory) -> Path:
    """A release built with the example indicator file through the real build, then the example's public
    table ingested. The demo generator is switched off (an empty demo base) to keep this a few seconds
    instead of a minute: the build still protects the example's confidential figures, publishes the CBS
    context and politie tables, and writes the release and the confidential base."""
    import pandas as pd
    from zoo_core import build, catalogue, demo, exchange
    folder = tmp_path_factory.mktemp("own")
    out = folder / "release.duckdb"
    with catalogue_restored(), pytest.MonkeyPatch.context() as mp:
        catalogue.load_file(EXAMPLE / "indicators.toml")
        mp.setattr(demo, "generate_base", lambda *a, **k: pd.DataFrame(columns=demo.BASE_COLUMNS))
        build.build(out, seed=1, log=lambda *_: None, base_out=folder / "confidential" / "base.duckdb")
        exchange.ingest(EXAMPLE / "sluitingen_cells.csv", out)
    return out


def pytest_collection_modifyitems(items):
    """The order in which the two workers of scripts/test (-n 2 --dist loadfile --no-loadscope-reorder) take
    the test files, one at a time as each runs out of work. First the files that do not need the test release
    (they run while the controller builds it, ~50 s), then the rest; in each group the slow kinds first (a
    browser or deployment file runs minutes, a unit test file seconds), so that the many short files at the
    end fill the time until the other worker is done, instead of one long file running alone at the end."""
    needs = {item.path for item in items if "release_db" in item.fixturenames}
    tests_in = Counter(item.path for item in items)

    def slowness(path) -> int:
        kind = path.relative_to(REPO / "tests").parts[0]
        return {"browser": 3, "deploy": 2, "ui": 1}.get(kind, 0)

    items.sort(key=lambda item: (item.path in needs, -slowness(item.path), -tests_in[item.path], str(item.path)))
