"""Helpers for browser tests: start a Streamlit server, wait for it, measure paint.

Why pixel counts: with WebGL off a deck.gl map is a blank canvas that still
"exists", so only counting painted pixels proves a map or chart rendered.
"""
from __future__ import annotations

import atexit
import ctypes
import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageChops
from playwright.sync_api import Error as PlaywrightError

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/lib/chromium/chromium"
# From docs/browser-testing.md: root needs --no-sandbox; SwiftShader gives WebGL
# without a GPU; the rest stop Chromium from calling external hosts.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
    "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-quic",
]
IDLE = ("[data-testid=stApp][data-test-connection-state=CONNECTED]"
        "[data-test-script-state=notRunning]")

_live: dict[int, subprocess.Popen] = {}  # pgid -> session leader


def _kill_group(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """SIGTERM the server's group, SIGKILL it if it lingers past `grace`."""
    pgid = proc.pid  # start_new_session: the leader's pid is the group id
    try:
        os.killpg(pgid, signal.SIGTERM)
        proc.wait(timeout=grace)  # reaps the leader (a zombie still "exists")
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(pgid, signal.SIGKILL)  # any stray child left in the group
    except ProcessLookupError:
        pass
    proc.wait()
    _live.pop(pgid, None)


@atexit.register
def _kill_leftovers() -> None:
    # An orphaned server once kept its port after pytest was killed: never again.
    for proc in list(_live.values()):
        _kill_group(proc, grace=1.0)


def _die_with_parent() -> None:
    # Runs in the child before exec: SIGKILL it if pytest dies, even by SIGKILL
    # (atexit cannot cover that). Linux only; harmless to skip elsewhere.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def service(name: str, cmd: list[str], ready_url: str, is_ready, env: dict | None = None, timeout_s: float = 30.0):
    """Run `cmd` in its own process group (start_new_session, so teardown kills everything it spawned)
    until `is_ready(response)` holds for `ready_url`; then yield. Output goes to a temp file, shown if
    the start fails."""
    log = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        cmd, cwd=REPO, env={**os.environ, **(env or {})},
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True, preexec_fn=_die_with_parent,
    )
    _live[proc.pid] = proc
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited {proc.returncode}:\n{Path(log.name).read_text()}")
            try:
                with urllib.request.urlopen(ready_url, timeout=2) as r:
                    if is_ready(r):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} not ready in {timeout_s}s:\n{Path(log.name).read_text()}")
            time.sleep(0.1)
        yield
    finally:
        _kill_group(proc)
        log.close()
        os.unlink(log.name)


@contextmanager
def streamlit_server(script: str | Path, env: dict | None = None, timeout_s: float = 30.0,
                     extra_args: tuple[str, ...] = (), port: int | None = None):
    """Run `streamlit run script` on a free loopback port (or `port`); yield its base URL."""
    port = port or free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(script),
           "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.address", "127.0.0.1", "--server.port", str(port), *extra_args]
    base = f"http://127.0.0.1:{port}"
    with service("streamlit", cmd, base + "/_stcore/health", lambda r: r.status == 200, env, timeout_s):
        yield base


def wait_idle(page, timeout_ms: int = 30_000) -> None:
    """Wait until the app is connected and its script run has finished.

    Before the first run the state is "initial", so right after goto() this
    cannot match early. Charts may still be drawing: follow with wait_painted.
    """
    page.wait_for_function(
        "sel => document.querySelector(sel) !== null", arg=IDLE, timeout=timeout_ms)


def goto(page, base_url: str, path_and_query: str = "/", timeout_ms: int = 30_000) -> None:
    page.goto(base_url.rstrip("/") + "/" + path_and_query.lstrip("/"), timeout=timeout_ms)
    wait_idle(page, timeout_ms)


def painted_pixels(page, locator, background=None, tolerance: int = 8) -> int:
    """Pixels of the element's screenshot that differ from the background.

    Background defaults to the most common colour on the image border (the page
    or canvas backdrop); a pixel counts if any channel differs by > tolerance.
    """
    png = locator.screenshot(animations="disabled", timeout=30_000)  # software WebGL under load is slow
    img = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = img.size
    if background is None:
        px = img.load()
        border = [px[x, y] for x in range(w) for y in (0, h - 1)]
        border += [px[x, y] for y in range(h) for x in (0, w - 1)]
        background = Counter(border).most_common(1)[0][0]
    diff = ImageChops.difference(img, Image.new("RGB", img.size, tuple(background[:3])))
    r, g, b = diff.split()
    worst = ImageChops.lighter(ImageChops.lighter(r, g), b)  # max channel difference
    return sum(worst.histogram()[tolerance + 1:])


def wait_painted(page, locator, min_pixels: int = 1000, timeout_s: float = 20.0,
                 interval_s: float = 0.3) -> int:
    """Poll painted_pixels until >= min_pixels and equal over 3 polls.

    deck.gl paints in stages, so one non-blank screenshot is not "done".
    Returns the final count; raises AssertionError with the history on timeout.
    """
    def sample() -> int:
        # A rerun may replace the element between finding it and taking its picture ("Element is not
        # attached to the DOM", seen in CI after a level change): that sample is -1, which is never
        # stable, and the next one finds the new element.
        locator.wait_for(state="visible", timeout=int(timeout_s * 1000))
        try:
            return painted_pixels(page, locator)
        except PlaywrightError as error:
            if "not attached" not in str(error) and "not visible" not in str(error):
                raise
            return -1

    # The first screenshot of a page waits for its web fonts (11-20 s measured on the theme pages under
    # load, then 0.2 s each): it counts as a sample, but not against the time the paint has to settle.
    history: list[int] = [sample()]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        history.append(sample())
        last = history[-3:]
        if len(last) == 3 and last[0] >= min_pixels and len(set(last)) == 1:
            return last[0]
        time.sleep(interval_s)
    raise AssertionError(f"not painted >= {min_pixels} stably in {timeout_s}s: {history[-10:]}")


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, impacts=("serious", "critical"), timeout_ms: int = 60_000) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations of the page as it is now, of the given impacts, in all of it: the
    window is made as tall as the page for the scan (and restored), so nothing hides below the fold.

    Each is {id, impact, help, targets: [css selector, ...]}. The scan runs in the page; it is
    started without awaiting and collected with wait_for_function, which (unlike evaluate) times out.
    """
    if not AXE.exists():
        raise RuntimeError(f"{AXE} missing: run scripts/setup (npm ci installs axe-core)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    viewport = page.viewport_size
    try:
        _show_the_whole_page(page)
        return _axe_run(page, impacts, timeout_ms)
    finally:
        if viewport and page.viewport_size != viewport:
            page.set_viewport_size(viewport)


# How much taller the window must be for no scroll frame to hide anything: axe checks the colour contrast of
# text only where it is on screen, and Streamlit's page scrolls inside its own frame, so text below the fold
# (the combine legend at 1440 px, seen in CI only when a run left it in view) went unchecked.
_HIDDEN_BELOW = """() => Math.max(0, ...[...document.querySelectorAll('*')]
    .filter(e => /(auto|scroll)/.test(getComputedStyle(e).overflowY) && e.clientHeight > 0.5 * window.innerHeight)
    .map(e => e.scrollHeight - e.clientHeight))"""
TALLEST_VIEW = 30_000  # px; taller pages would need a scan per screenful (none is: the longest is ~15,000)


def _show_the_whole_page(page) -> None:
    """Make the window as tall as the page's content, so that every element is on screen for axe."""
    for _ in range(3):  # growing the window can lay the page out anew (wrapped columns, lazily mounted parts)
        hidden = page.evaluate(_HIDDEN_BELOW)
        if hidden <= 1:
            return
        size = page.viewport_size
        if size["height"] + hidden > TALLEST_VIEW:
            raise AssertionError(f"page is {size['height'] + hidden} px tall: axe would not see all of it")
        page.set_viewport_size({"width": size["width"], "height": size["height"] + hidden})
        page.wait_for_timeout(500)
    hidden = page.evaluate(_HIDDEN_BELOW)
    assert hidden <= 1, f"{hidden} px of the page stay below the fold: axe would not see them"


def _axe_run(page, impacts, timeout_ms: int) -> list[dict]:
    page.evaluate("""tags => { window.__axeResult = null;
        axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
           .then(r => { window.__axeResult = r.violations.map(v => ({id: v.id, impact: v.impact,
                help: v.help, targets: v.nodes.map(n => n.target.join(' ')).slice(0, 10),
                summary: v.nodes.map(n => n.failureSummary).slice(0, 3)})); })
           .catch(e => { window.__axeResult = [{id: 'axe-error', impact: 'critical', help: String(e),
                targets: [], summary: []}]; }); }""", WCAG_21_AA)
    page.wait_for_function("window.__axeResult !== null", timeout=timeout_ms)
    return [v for v in page.evaluate("window.__axeResult") if v["impact"] in impacts]


# --- steps of a person's journey: screenshots, boxes, areas on the map --------------------------


def shot(name: str):
    from pathlib import Path
    from zoo_core import settings
    out = Path(settings.SHOTS.get())
    out.mkdir(parents=True, exist_ok=True)
    return out / f"{name}.png"


def type_and_enter(page, box, text: str) -> None:
    page.keyboard.press("Escape")  # after a rerun the list can reopen on the focused box
    wait_idle(page)
    # A click waits for the box to be "stable"; on a loaded 2-core machine the page below it may still
    # be laying out the map for seconds. Focusing the input is what the click is for.
    box.wait_for(state="visible", timeout=30_000)
    for attempt in range(3):
        box.focus()
        box.fill("", timeout=30_000)  # a box that holds this text already opens no list when it is typed again
        box.fill(text, timeout=30_000)
        try:
            page.get_by_role("option").first.wait_for(timeout=20_000)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: a rerun that landed closed the list
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            wait_idle(page)
    box.press("Enter")
    wait_idle(page)


def selectbox_input(page, label):
    return page.locator("[data-testid=stSelectbox]").filter(has_text=label).first.locator("input")


def choose_option(page, label: str, option: str, tries: int = 3) -> None:
    """Open a selectbox and pick an option. Under load a click on a page still busy opened no list (the drugs
    page right after its first paint; the combine page right after the menu, in a full run): wait for the
    run to end, and open the list again."""
    wait_idle(page)
    for attempt in range(tries):
        selectbox_input(page, label).click()
        choice = page.get_by_role("option", name=option, exact=True)
        try:
            choice.wait_for(timeout=10_000)
            choice.click()
            return
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError; the last try re-raises below
            if attempt == tries - 1:
                raise
            page.keyboard.press("Escape")
            wait_idle(page)


def release_geometry(release_db, level: str, codes_or_within):
    from ui import maps
    from zoo_core.queries import Release
    rel = Release(release_db)
    if level == "gemeente":
        a = rel.areas("gemeente")
        a = a[a["area_code"].isin(codes_or_within)]
    else:
        a = rel.areas(level, codes_or_within)
    shapes = rel.shapes(list(a["area_code"]))
    return maps.Geometry.from_shapes([(c, n, shapes[c]) for c, n in zip(a["area_code"], a["name"]) if c in shapes])


def screen_point(geo, code: str, canvas_box: dict) -> tuple[float, float]:
    """Where deck.gl draws an area's label point: Web Mercator, view centred."""
    from ui import maps
    view = maps.view_for(geo)
    x, y = maps.mercator_px(*geo.label_points[geo.codes.index(code)], view.zoom)
    cx, cy = maps.mercator_px(view.longitude, view.latitude, view.zoom)
    return canvas_box["x"] + canvas_box["width"] / 2 + x - cx, canvas_box["y"] + canvas_box["height"] / 2 + y - cy


def biggest_other(geo, not_this: str) -> str:
    return max((c for c in geo.codes if c != not_this), key=lambda c: geo.sizes[geo.codes.index(c)])
