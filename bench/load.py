"""Load test: N concurrent headless-Chromium sessions doing realistic interactions against one server.

    .venv/bin/python bench/load.py                    # N = 1, 10, 30 against a server it starts
    .venv/bin/python bench/load.py -n 5 -n 30 --url http://127.0.0.1:8501   # against a running server
    ZOO_DB=/path/release.duckdb .venv/bin/python bench/load.py --rounds 2

Each session: open a theme page (map present), change the indicator, change the year, open
another page from the sidebar. An interaction's time runs from the action (goto/click) until the
rerun finished (URL updated by the app and script state notRunning) and its main element exists.
Client-side WebGL painting is NOT timed (that runs on each user's own machine; with 30 pages
on this 2-core box it would measure SwiftShader, not zoo); pass --webgl to turn it on anyway.

Prints per N: sessions, interactions, errors, p50/p95/max interaction time, and the server's peak
RSS (sum of VmRSS over its process group from /proc, sampled every 0.2 s). A script, not a test.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/lib/chromium/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows"]
IDLE = "[data-testid=stApp][data-test-connection-state=CONNECTED][data-test-script-state=notRunning]"
MAP = "[data-testid=stDeckGlJsonChart]"
SCENARIO = [  # (theme page, indicator option text to pick, other page link text, other page h1)
    ("vastgoed", None, "Drugsproblematiek", "Drugsproblematiek"),
    ("drugs", None, "Verdachte transacties", "Verdachte transacties"),
    ("transacties", None, "Misbruik van vastgoed", "Misbruik van vastgoed"),
]


# --- server ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str | None) -> tuple[subprocess.Popen, str, object]:
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="zoo-load-", suffix=".log", delete=False)
    env = dict(os.environ, **({"ZOO_DB": db} if db else {}))
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.address", "127.0.0.1", "--server.port", str(port),
                             "--browser.gatherUsageStats", "false"],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True, preexec_fn=_die_with_parent)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {Path(log.name).read_text()}")
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2):
                return proc, base, log
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("server not healthy in 60 s")


def _die_with_parent() -> None:
    try:  # the server gets SIGKILL if this script dies, even by SIGKILL
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def group_rss_mb(pgid: int) -> float:
    """Sum of VmRSS of every process in process group `pgid` (psutil-free, Linux /proc)."""
    total_kb = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) != pgid:  # fields after "comm": state ppid pgrp ...
                continue
            for line in Path(f"/proc/{entry}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total_kb / 1024


def group_cpu_s(pgid: int) -> float:
    """utime+stime (seconds) of the live processes in process group `pgid`."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) == pgid:
                total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return total / tick


class RssSampler(threading.Thread):
    def __init__(self, pgid: int):
        super().__init__(daemon=True)
        self.pgid, self.peak, self._halt = pgid, 0.0, threading.Event()

    def run(self):
        while not self._halt.is_set():
            self.peak = max(self.peak, group_rss_mb(self.pgid))
            self._halt.wait(0.2)

    def stop(self) -> float:
        self._halt.set()
        self.join()
        self.peak = max(self.peak, group_rss_mb(self.pgid))
        return self.peak


# --- one session -------------------------------------------------------------------------------
async def idle(page, timeout_ms):
    await page.wait_for_selector(IDLE, state="attached", timeout=timeout_ms)


async def pick(page, label: str, option_index: int, timeout_ms: int) -> str:
    """Open selectbox `label` and choose an option other than the current one; returns its text."""
    box = page.locator("[data-testid=stSelectbox]").filter(has_text=label).first.locator("input")
    current = (await box.input_value(timeout=timeout_ms)).strip()
    await box.click(timeout=timeout_ms)
    options = page.get_by_role("option")
    await options.first.wait_for(timeout=timeout_ms)
    texts = [t.strip() for t in await options.all_inner_texts()]
    others = [i for i, t in enumerate(texts) if t != current] or [0]
    idx = others[option_index % len(others)]
    await options.nth(idx).click(timeout=timeout_ms)
    return texts[idx]


async def session(browser, base: str, i: int, rounds: int, timeout_ms: int, times: list, errors: list):
    ctx = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await ctx.new_page()
    page.set_default_timeout(timeout_ms)

    async def timed(name, coro):
        t0 = time.perf_counter()
        try:
            await coro
            if await page.locator("[data-testid=stException]").count():
                raise RuntimeError("st.exception on page")
            times.append((name, time.perf_counter() - t0))
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors.append(f"session {i} {name}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")

    try:
        for r in range(rounds):
            theme, _, other_link, other_h1 = SCENARIO[(i + r) % len(SCENARIO)]

            async def open_theme():
                await page.goto(f"{base}/{theme}", timeout=timeout_ms)
                await idle(page, timeout_ms)
                await page.locator(MAP).first.wait_for(timeout=timeout_ms)

            async def change(label, param, index):
                before = page.url
                await pick(page, label, index, timeout_ms)
                await page.wait_for_function("u => location.href !== u", arg=before, timeout=timeout_ms)
                await idle(page, timeout_ms)
                await page.locator(MAP).first.wait_for(timeout=timeout_ms)

            async def other_page():
                await page.locator("[data-testid=stSidebarNav] a", has_text=other_link).first.click()
                await page.locator("h1", has_text=other_h1).first.wait_for(timeout=timeout_ms)
                await idle(page, timeout_ms)
                await page.locator(MAP).first.wait_for(timeout=timeout_ms)

            await timed("open theme page", open_theme())
            await timed("change indicator", change("Indicator", "indicator", 1 + (i + r) % 2))
            await timed("change year", change("Jaar", "year", (i + r) % 3))
            await timed("open other page", other_page())
    finally:
        await ctx.close()


async def run_level(base: str, n: int, rounds: int, timeout_ms: int, webgl: bool):
    from playwright.async_api import async_playwright

    args = ARGS + (["--enable-unsafe-swiftshader"] if webgl else ["--disable-webgl", "--disable-3d-apis"])
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        times, errors = [], []
        t0 = time.perf_counter()
        # Stagger arrivals a little (people do not click in the same millisecond).
        async def delayed(i):
            await asyncio.sleep(i * 0.1)
            await session(browser, base, i, rounds, timeout_ms, times, errors)
        await asyncio.gather(*(delayed(i) for i in range(n)))
        wall = time.perf_counter() - t0
        await browser.close()
    return times, errors, wall


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, action="append", help="concurrent sessions (repeatable; default 1 10 30)")
    ap.add_argument("--url", help="use a running server instead of starting one (RSS then needs --pid)")
    ap.add_argument("--pid", type=int, help="process-group id of the running server, for RSS")
    ap.add_argument("--db", default=os.environ.get("ZOO_DB"), help="release for the started server")
    ap.add_argument("--rounds", type=int, default=1, help="scenario repetitions per session")
    ap.add_argument("--timeout", type=float, default=60.0, help="per-step timeout in seconds")
    ap.add_argument("--no-warm", action="store_true", help="skip the untimed warm-up session (cold caches)")
    ap.add_argument("--client-nice", type=int, default=10,
                    help="niceness of this script and its Chromium (default 10): on a shared box the server keeps "
                         "CPU priority, as if the browsers ran on the users' own machines; 0 = off")
    ap.add_argument("--webgl", action="store_true", help="let maps paint (SwiftShader) in every page")
    a = ap.parse_args()
    levels = a.n or [1, 10, 30]
    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(f"{CHROMIUM} missing: run scripts/setup")

    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt("SIGTERM")))
    proc = log = None
    if a.url:
        base, pgid = a.url.rstrip("/"), a.pid
    else:
        proc, base, log = start_server(a.db)
        pgid = proc.pid
    if a.client_nice > 0:
        os.nice(a.client_nice)  # after the server started: it keeps niceness 0; Chromium inherits ours
    print(f"server {base}  pgid {pgid}  idle RSS {group_rss_mb(pgid):.0f} MB" if pgid else f"server {base}")
    ok = True
    try:
        if not a.no_warm:  # a server that has been up a while has warm caches for the common views
            t = time.perf_counter()
            _, werr, _ = asyncio.run(run_level(base, len(SCENARIO), 1, int(a.timeout * 1000), a.webgl))
            print(f"warm-up: {len(SCENARIO)} sessions in {time.perf_counter() - t:.1f} s, {len(werr)} errors")
        print(f"{'N':>3} {'steps':>6} {'errors':>6} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'wall s':>7} {'RSS MB':>7} {'srvCPU s':>8}")
        for n in levels:
            sampler = RssSampler(pgid) if pgid else None
            if sampler:
                sampler.start()
            cpu0 = group_cpu_s(pgid) if pgid else float("nan")
            times, errors, wall = asyncio.run(run_level(base, n, a.rounds, int(a.timeout * 1000), a.webgl))
            peak = sampler.stop() if sampler else float("nan")
            cpu = (group_cpu_s(pgid) - cpu0) if pgid else float("nan")
            vals = [t for _, t in times]
            print(f"{n:>3} {len(vals):>6} {len(errors):>6} {pct(vals, 50):>7.2f} {pct(vals, 95):>7.2f} "
                  f"{max(vals, default=float('nan')):>7.2f} {wall:>7.1f} {peak:>7.0f} {cpu:>8.1f}")
            by_step = {}
            for name, t in times:
                by_step.setdefault(name, []).append(t)
            for name, ts in by_step.items():
                print(f"      {name:<18} p50 {pct(ts, 50):.2f}  p95 {pct(ts, 95):.2f}  (n={len(ts)})")
            for e in errors[:10]:
                print("      ERROR", e)
            ok = ok and not errors
    finally:
        if proc is not None:
            stop_server(proc)
            log.close()
            os.unlink(log.name)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
