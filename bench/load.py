"""Load test: N concurrent sessions doing realistic interactions against one server on loopback.

    .venv/bin/python bench/load.py                    # N = 1, 10, 30 against a server it starts
    .venv/bin/python bench/load.py -n 5 -n 30 --url http://127.0.0.1:8501 --pid PGID --rerun-log FILE
    ZOO_DB=/path/release.duckdb .venv/bin/python bench/load.py --rounds 2

Each session: open a theme page (map present), change the indicator, change the year, open another
page, with a think time before each step (--think, default 2 s +-50%: an analyst switching
indicators dozens of times a minute); sessions arrive spread over --ramp seconds (default N/2).

Up to --browsers sessions (default 3) run in real headless Chromium: their step time runs from the
action (goto/click) until the rerun finished (URL updated, script state notRunning) and the map
element exists, i.e. what a user waits for. The other sessions are protocol users
(bench/protocol_user.py): they send the same websocket messages as the browser and wait for the run
to finish, so the server gets the load of N real users while this 2-core box does not also have to
render N Streamlit pages (30 Chromium renderers starve the server and measure the load generator,
not zoo: seen here). The server's own script time per rerun comes from its ZOO_RERUN_LOG.
Client-side WebGL painting is not timed (it runs on each user's own machine); --webgl turns it on.
Each browser session has its own context (cold cache, like a first visit). Sharing one context made
the pages of one Chromium slow each other down (a 0.6 s step took 4-5 s), so they do not.

Prints per N: steps and errors, p50/p95/max per step for browser and protocol sessions, the server's
rerun times, its peak RSS (sum of VmRSS over its process group, sampled every 0.2 s) and CPU.
A script, not a test.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
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
sys.path.insert(0, str(REPO))
from bench.protocol_user import ProtocolUser  # noqa: E402

CHROMIUM = "/usr/lib/chromium/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows"]
IDLE = "[data-testid=stApp][data-test-connection-state=CONNECTED][data-test-script-state=notRunning]"
MAP = "[data-testid=stDeckGlJsonChart]"
SCENARIO = [  # (theme page, other page: its url path, sidebar link text and h1)
    ("vastgoed", "drugs", "Drugsproblematiek"),
    ("drugs", "transacties", "Verdachte transacties"),
    ("transacties", "vastgoed", "Misbruik van vastgoed"),
]
STEPS = ("open theme page", "change indicator", "change year", "open other page")


# --- server ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str | None, rerun_log: str) -> tuple[subprocess.Popen, str, object]:
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="zoo-load-", suffix=".log", delete=False)
    env = dict(os.environ, ZOO_RERUN_LOG=rerun_log, **({"ZOO_DB": db} if db else {}))
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true",
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


def group_rss_mb(pgids: set[int]) -> float:
    """Sum of VmRSS of every process in the process groups `pgids` (psutil-free, Linux /proc)."""
    total_kb = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) not in pgids:  # fields after "comm": state ppid pgrp ...
                continue
            for line in Path(f"/proc/{entry}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total_kb / 1024


def group_cpu_s(pgids: set[int]) -> float:
    """utime+stime (seconds) of the live processes in the process groups `pgids`."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) in pgids:
                total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return total / tick


class RssSampler(threading.Thread):
    def __init__(self, pgids: set[int]):
        super().__init__(daemon=True)
        self.pgids, self.peak, self._halt = pgids, 0.0, threading.Event()

    def run(self):
        while not self._halt.is_set():
            self.peak = max(self.peak, group_rss_mb(self.pgids))
            self._halt.wait(0.2)

    def stop(self) -> float:
        self._halt.set()
        self.join()
        self.peak = max(self.peak, group_rss_mb(self.pgids))
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


class Recorder:
    """Times and errors of one load level, per kind of session ("browser" or "protocol")."""

    def __init__(self, think: float):
        self.think, self.times, self.errors = think, [], []

    async def step(self, kind: str, i: int, name: str, rng: random.Random, action, check=None) -> None:
        await asyncio.sleep(self.think * rng.uniform(0.5, 1.5))
        t0 = time.perf_counter()
        try:
            await action()
            if check is not None:
                await check()
            self.times.append((kind, name, time.perf_counter() - t0))
        except Exception as exc:  # noqa: BLE001 - counted and reported
            self.errors.append(f"{kind} session {i} {name}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")


async def browser_session(ctx, base: str, i: int, rounds: int, timeout_ms: int, rec: Recorder) -> None:
    page = await ctx.new_page()
    page.set_default_timeout(timeout_ms)
    rng = random.Random(i)

    async def no_exception():
        if await page.locator("[data-testid=stException]").count():
            raise RuntimeError("st.exception on page")

    try:
        for r in range(rounds):
            theme, _, other_title = SCENARIO[(i + r) % len(SCENARIO)]

            async def open_theme():
                await page.goto(f"{base}/{theme}", timeout=timeout_ms)
                await idle(page, timeout_ms)
                await page.locator(MAP).first.wait_for(timeout=timeout_ms)

            def change(label, index):
                async def action():
                    before = page.url
                    await pick(page, label, index, timeout_ms)
                    await page.wait_for_function("u => location.href !== u", arg=before, timeout=timeout_ms)
                    await idle(page, timeout_ms)
                    await page.locator(MAP).first.wait_for(timeout=timeout_ms)
                return action

            async def other_page():
                await page.locator("[data-testid=stSidebarNav] a", has_text=other_title).first.click()
                await page.locator("h1", has_text=other_title).first.wait_for(timeout=timeout_ms)
                await idle(page, timeout_ms)
                await page.locator(MAP).first.wait_for(timeout=timeout_ms)

            for name, action in zip(STEPS, (open_theme, change("Indicator", 1 + (i + r) % 2),
                                            change("Jaar", (i + r) % 3), other_page)):
                await rec.step("browser", i, name, rng, action, no_exception)
    finally:
        await page.close()


async def protocol_session(base: str, i: int, rounds: int, timeout_ms: int, rec: Recorder) -> None:
    rng = random.Random(i)
    async with ProtocolUser(base.replace("http", "ws", 1) + "/_stcore/stream", timeout_ms / 1000) as user:
        for r in range(rounds):
            theme, other, _ = SCENARIO[(i + r) % len(SCENARIO)]
            for name, action in zip(STEPS, (lambda: user.open(theme), lambda: user.choose("Indicator", 1 + (i + r) % 2),
                                            lambda: user.choose("Jaar", (i + r) % 3), lambda: user.open(other))):
                await rec.step("protocol", i, name, rng, action)


async def run_level(base: str, n: int, browsers: int, rounds: int, timeout_ms: int, webgl: bool, think: float,
                    ramp: float) -> tuple[Recorder, float]:
    """n sessions arriving over `ramp` seconds: the first `browsers` in headless Chromium, the rest
    protocol users (bench/protocol_user.py)."""
    from playwright.async_api import async_playwright

    args = ARGS + (["--enable-unsafe-swiftshader"] if webgl else ["--disable-webgl", "--disable-3d-apis"])
    rec = Recorder(think)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        t0 = time.perf_counter()

        async def arrive(i):
            await asyncio.sleep(ramp * i / max(n, 1))
            if i >= browsers:
                await protocol_session(base, i, rounds, timeout_ms, rec)
                return
            ctx = await browser.new_context(viewport={"width": 1300, "height": 900})
            try:
                await browser_session(ctx, base, i, rounds, timeout_ms, rec)
            finally:
                await ctx.close()
        await asyncio.gather(*(arrive(i) for i in range(n)))
        wall = time.perf_counter() - t0
        await browser.close()
    return rec, wall


def server_reruns_ms(rerun_log: str | None, offset: int) -> list[float]:
    """Server-side rerun times (ms) logged after byte `offset` of the server's ZOO_RERUN_LOG."""
    if not rerun_log or not os.path.exists(rerun_log):
        return []
    with open(rerun_log, encoding="utf-8") as handle:
        handle.seek(offset)
        return [json.loads(line)["ms"] for line in handle if line.strip()]


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
    ap.add_argument("--think", type=float, default=2.0, help="mean seconds between a session's steps (default 2)")
    ap.add_argument("--ramp", type=float, default=None, help="seconds over which sessions arrive (default N/2)")
    ap.add_argument("--replicas", type=int, default=1,
                    help="app processes to start; more than 1 puts deploy/nginx.conf (sticky) in front")
    ap.add_argument("--browsers", type=int, default=3,
                    help="sessions that run in headless Chromium (default 3); the others are protocol users")
    ap.add_argument("--rerun-log", help="with --url: the server's ZOO_RERUN_LOG file, for its rerun times")
    a = ap.parse_args()
    levels = a.n or [1, 10, 30]
    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(f"{CHROMIUM} missing: run scripts/setup")

    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt("SIGTERM")))
    servers, nginx_proxy, rerun_log = [], None, a.rerun_log
    if a.url:
        base, pgids = a.url.rstrip("/"), ({a.pid} if a.pid else set())
    else:
        rerun_log = tempfile.NamedTemporaryFile(prefix="zoo-reruns-", suffix=".jsonl", delete=False).name
        servers = [start_server(a.db, rerun_log) for _ in range(a.replicas)]
        pgids = {proc.pid for proc, _, _ in servers}
        base = servers[0][1]
        if a.replicas > 1:  # deploy/nginx.conf in front, as in production (tests/deploy/nginx.py runs it)
            from tests.deploy import nginx
            listen = free_port()
            nginx_proxy = nginx.proxy(Path(tempfile.mkdtemp(prefix="zoo-nginx-")), listen,
                                     [int(b.rsplit(":", 1)[1]) for _, b, _ in servers])
            nginx_proxy.__enter__()
            base = f"http://127.0.0.1:{listen}"
    if a.client_nice > 0:
        os.nice(a.client_nice)  # after the server started: it keeps niceness 0; Chromium inherits ours
    print(f"{base}: {max(len(servers), 1)} app process(es){' behind nginx' if nginx_proxy else ''}, "
          f"idle RSS {group_rss_mb(pgids):.0f} MB" if pgids else f"server {base}")
    ok = True
    try:
        if not a.no_warm:  # a server that has been up a while has warm caches for the common views
            t = time.perf_counter()
            warm, _ = asyncio.run(run_level(base, len(SCENARIO), len(SCENARIO), 1, int(a.timeout * 1000), a.webgl,
                                            0.0, 0.0))
            print(f"warm-up: {len(SCENARIO)} sessions in {time.perf_counter() - t:.1f} s, {len(warm.errors)} errors")
        print(f"think {a.think:g} s per step (+-50%); up to {a.browsers} sessions in Chromium (on this box, niced), "
              "the others protocol users; server = script time per rerun (its ZOO_RERUN_LOG)")
        for n in levels:
            sampler = RssSampler(pgids) if pgids else None
            if sampler:
                sampler.start()
            cpu0 = group_cpu_s(pgids) if pgids else float("nan")
            offset = os.path.getsize(rerun_log) if rerun_log and os.path.exists(rerun_log) else 0
            ramp = n / 2 if a.ramp is None else a.ramp
            rec, wall = asyncio.run(run_level(base, n, min(a.browsers, n), a.rounds, int(a.timeout * 1000), a.webgl,
                                              a.think, ramp))
            reruns = [ms / 1000 for ms in server_reruns_ms(rerun_log, offset)]
            peak = sampler.stop() if sampler else float("nan")
            cpu = (group_cpu_s(pgids) - cpu0) if pgids else float("nan")
            print(f"N={n}: {len(rec.times)} steps, {len(rec.errors)} errors, wall {wall:.1f} s, app peak RSS (all replicas) "
                  f"{peak:.0f} MB, server CPU {cpu:.1f} s")
            print(f"      {'':<28} {'n':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
            rows = [(f"{kind}: {name}", [t for k, s_, t in rec.times if k == kind and s_ == name])
                    for kind in ("browser", "protocol") for name in STEPS]
            rows += [(f"{kind}: all steps", [t for k, _, t in rec.times if k == kind]) for kind in ("browser", "protocol")]
            rows += [("server rerun (script time)", reruns)]
            for label, values in rows:
                if values:
                    print(f"      {label:<28} {len(values):>5} {pct(values, 50):>7.2f} {pct(values, 95):>7.2f} "
                          f"{max(values):>7.2f}")
            for e in rec.errors[:10]:
                print("      ERROR", e)
            ok = ok and not rec.errors
    finally:
        if nginx_proxy is not None:
            nginx_proxy.__exit__(None, None, None)
        for proc, _, log in servers:
            stop_server(proc)
            log.close()
            os.unlink(log.name)
        if servers:
            os.unlink(rerun_log)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
