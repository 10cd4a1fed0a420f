"""Run tests/deploy/oidc/provider.mjs (panva's oidc-provider from node_modules) on a loopback port, for
tests/deploy/test_login_e2e.py. Own process group, killed on exit like the app servers."""
from __future__ import annotations

import json
import shutil
from contextlib import contextmanager
from pathlib import Path

from tests.browser.helpers import REPO, free_port, service

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
    env = {"OIDC_PORT": str(port), "OIDC_REDIRECT_URI": redirect_uri,
           "OIDC_CLIENT_ID": client_id, "OIDC_CLIENT_SECRET": client_secret}
    with service("oidc-provider", [node(), str(PROVIDER)], issuer + "/.well-known/openid-configuration",
                 lambda r: json.load(r).get("issuer") == issuer, env, timeout_s):
        yield issuer
