"""scripts/run and scripts/serve: --help, and the address they print is the one they serve on (issue 13.18)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.helpers import REPO, free_port


@pytest.mark.parametrize("script", ["scripts/run", "scripts/serve"])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_prints_usage_and_starts_nothing(script, flag):
    """`scripts/serve --help` used to print "serve: zoo on http://127.0.0.1:8501" and pass --help to
    streamlit (after creating .venv and building a release when missing)."""
    out = subprocess.run([script, flag], cwd=REPO, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"usage: {script}")
    assert "serving on" not in out.stdout + out.stderr and "zoo on http" not in out.stdout + out.stderr


@pytest.mark.parametrize("args, env, expected", [
    (["--server.port", "8720"], {}, "127.0.0.1 8720"),
    (["--server.port=8720"], {}, "127.0.0.1 8720"),
    (["--server.address", "0.0.0.0", "--server.port", "8720", "--server.headless", "true"], {}, "0.0.0.0 8720"),
    (["--server.address=::1"], {"PORT": "9000"}, "::1 9000"),
    ([], {}, "127.0.0.1 8501"),
])
def test_server_args_reads_the_port_streamlit_will_use(args, env, expected):
    script = ('. scripts/server-args.sh; ADDRESS=127.0.0.1; PORT="${PORT:-8501}"; '
              'zoo_server_args "$@"; echo "$ADDRESS $PORT"')
    out = subprocess.run(["bash", "-c", script, "x", *args], cwd=REPO, capture_output=True, text=True,
                         env={**os.environ, **env}, timeout=10)
    assert out.stdout.strip() == expected, out.stderr


def test_serve_prints_and_serves_on_the_port_given(release_db):
    """`scripts/run --server.port 8720` printed "serving on http://127.0.0.1:8501"."""
    port = free_port()
    env = {**os.environ, "ZOO_DB": str(release_db), "ZOO_PYTHON": sys.executable}
    proc = subprocess.Popen(["scripts/serve", "--server.port", str(port), "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        first = proc.stderr.readline().strip()
        assert first == f"serve: zoo on http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, "server exited"
                assert time.monotonic() < deadline, "not healthy in 30 s"
                time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_serve_prepare_exits_without_serving(release_db):
    env = {**os.environ, "ZOO_DB": str(release_db), "ZOO_PYTHON": sys.executable}
    out = subprocess.run(["scripts/serve", "--prepare"], cwd=REPO, env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and "prepared" in out.stderr and "zoo on http" not in out.stderr
