"""Run deploy/nginx.conf (ports substituted) with Debian's nginx in the foreground, for
tests/deploy/test_nginx.py and bench/load.py --replicas. Prefix, temp and logs live under `tmp`."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.browser.helpers import REPO, _die_with_parent

NGINX = "/usr/sbin/nginx"


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


def start_nginx(tmp: Path, listen: int, upstreams: list[int]) -> subprocess.Popen:
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
            stop(proc)
            raise AssertionError(f"nginx not serving: {(tmp / 'error.log').read_text()}")
        time.sleep(0.1)


def stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=5)
            return
        except (ProcessLookupError, subprocess.TimeoutExpired):
            continue
        except ChildProcessError:
            return
