"""Run tests/deploy/oidc/provider.mjs (panva's oidc-provider from node_modules) on a loopback port, for
tests/deploy/test_login_e2e.py. Own process group, killed on exit like the app servers."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.browser.helpers import REPO, _die_with_parent, _kill_group, _live, free_port

PROVIDER = Path(__file__).with_name("provider.mjs")
PACKAGE = REPO / "node_modules" / "oidc-provider" / "package.json"


def node() -> str | None:
    return shutil.which("node")


@contextmanager
def oidc_provider(redirect_uri: str, client_id: str, client_secret: str, timeout_s: float = 20.0):
    """Start the provider for one client; yield its issuer URL once its discovery document answers."""
    if not PACKAGE.exists():
        raise RuntimeError(f"{PACKAGE} missing: run scripts/setup (npm ci installs oidc-provider)")
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    log = tempfile.NamedTemporaryFile(prefix="oidc-provider-", suffix=".log", delete=False)
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_REDIRECT_URI": redirect_uri,
           "OIDC_CLIENT_ID": client_id, "OIDC_CLIENT_SECRET": client_secret}
    proc = subprocess.Popen([node(), str(PROVIDER)], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent)
    _live[proc.pid] = proc
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"oidc-provider exited {proc.returncode}:\n{Path(log.name).read_text()}")
            try:
                with urllib.request.urlopen(issuer + "/.well-known/openid-configuration", timeout=2) as r:
                    if json.load(r).get("issuer") == issuer:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"oidc-provider not answering in {timeout_s}s:\n{Path(log.name).read_text()}")
            time.sleep(0.1)
        yield issuer
    finally:
        _kill_group(proc)
        log.close()
        os.unlink(log.name)
