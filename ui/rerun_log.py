"""Optional log of every script run, for operations and bench/load.py.

With ZOO_RERUN_LOG=/path/reruns.jsonl set, each rerun of a page appends one JSON line
{"page": ..., "ms": ..., "end": unix time}: the server-side time of that rerun, without the browser.
Off by default (no file is touched).
"""
from __future__ import annotations

import contextlib
import json
import time

from zoo_core import settings


@contextlib.contextmanager
def timed(page: str):
    path = settings.RERUN_LOG.get()
    if not path:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        # st.rerun() and st.stop() end a run by raising; that run is logged too.
        line = json.dumps({"page": page, "ms": round((time.perf_counter() - started) * 1000, 1), "end": time.time()})
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
