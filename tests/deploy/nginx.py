"""Run deploy/nginx.conf (ports substituted) with Debian's nginx in the foreground, for
tests/deploy/test_nginx.py and bench/load.py --replicas. Prefix, temp and logs live under `tmp`."""
from __future__ import annotations

import os
import re
import subprocess
from contextlib import contextmanager
from pathlib import Path

from tests.browser.helpers import REPO, service

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


@contextmanager
def proxy(tmp: Path, listen: int, upstreams: list[int]):
    """nginx with deploy/nginx.conf in front of `upstreams`, in the foreground, until the block ends."""
    conf = tmp / "nginx.conf"
    conf.write_text(nginx_config(tmp, listen, upstreams))
    check = subprocess.run([NGINX, "-t", "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    cmd = [NGINX, "-p", str(tmp), "-e", "stderr", "-c", str(conf), "-g", "daemon off;"]
    with service("nginx", cmd, f"http://127.0.0.1:{listen}/_stcore/health", lambda r: r.status == 200, timeout_s=15):
        yield
