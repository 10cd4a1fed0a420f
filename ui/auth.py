"""Optional login (Streamlit's OIDC support, `st.login`) with an allow-list.

The switch: login is ON when `.streamlit/secrets.toml` has an `[auth]` section (Streamlit's own
OIDC settings), and OFF otherwise (the open demo). `ZOO_LOGIN=1` in the environment demands login:
without an `[auth]` section the app then refuses everyone instead of silently running open, so a
deployment that forgot its secrets fails closed.

Who may in, when login is on (`[zoo]` section of the secrets):

    [zoo]
    allowed_emails  = ["a.person@example.nl"]     # exact addresses, case-insensitive
    allowed_domains = ["example.nl"]              # exact domain after the '@' (no subdomains)

Both empty or absent: nobody is allowed (fail closed). `allowed_domains = ["*"]` lets every
logged-in account in, which is only sensible with an identity provider that is itself restricted.
A provider that says `email_verified = false` is refused.

`gate()` is pure (a user mapping and settings in, a decision out) so it is unit-tested without
Streamlit; `require_login()` is the Streamlit side, called by app.py before the navigation runs.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

import streamlit as st

from zoo_core import settings

_EMAIL = re.compile(r"^[^@\s]{1,64}@([a-z0-9](?:[a-z0-9.-]{0,252}[a-z0-9])?)$")


@dataclass(frozen=True)
class Settings:
    enabled: bool                       # login required
    configured: bool                    # an [auth] section exists (st.login can work)
    emails: frozenset[str] = field(default_factory=frozenset)
    domains: frozenset[str] = field(default_factory=frozenset)
    provider: str | None = None         # name of an [auth.<provider>] section, if any


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str      # "open", "allowed", "anonymous", "not_configured", "not_listed", "unverified", "bad_email"
    email: str = ""


def _as_set(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = [value]
    try:
        return frozenset(str(v).strip().lower() for v in value if str(v).strip())
    except TypeError:
        return frozenset()


def _env_demands_login(environ: Mapping[str, str] | None = None) -> bool:
    return settings.is_on(settings.LOGIN, environ)


def settings_from(secrets: Mapping[str, Any], environ: Mapping[str, str] | None = None,
                  broken: bool = False) -> Settings:
    """Read the switch and the allow-list from a secrets mapping (st.secrets or a plain dict).

    `broken`: a secrets file exists but cannot be read; then login is demanded (fail closed).
    """
    try:
        auth = secrets.get("auth")
        zoo = secrets.get("zoo") or {}
    except Exception:  # noqa: BLE001 - no secrets file at all (or unreadable: see _secrets_file_broken)
        auth, zoo = None, {}
    configured = isinstance(auth, Mapping) and len(auth) > 0
    provider = None
    if configured and "client_id" not in auth:
        subs = [k for k, v in auth.items() if isinstance(v, Mapping)]
        wanted = zoo.get("login_provider") if isinstance(zoo, Mapping) else None
        provider = wanted if wanted in subs else (subs[0] if len(subs) == 1 else None)
    return Settings(
        enabled=configured or _env_demands_login(environ) or broken,
        configured=configured,
        emails=_as_set(zoo.get("allowed_emails") if isinstance(zoo, Mapping) else None),
        domains=_as_set(zoo.get("allowed_domains") if isinstance(zoo, Mapping) else None),
        provider=provider,
    )


def _secrets_file_broken() -> bool:
    """A secrets.toml exists on disk but Streamlit cannot load it (e.g. a TOML syntax error)."""
    try:
        from streamlit import config
        paths = [p for p in config.get_option("secrets.files") if os.path.isfile(p)]
        return bool(paths) and not st.secrets.load_if_toml_exists()
    except Exception:  # noqa: BLE001 - e.g. st.secrets replaced by a test double
        return False


def gate(user: Mapping[str, Any] | None, s: Settings) -> Decision:
    """May this user see data? Pure; anything unexpected means no."""
    if not s.enabled:
        return Decision(True, "open")
    if not s.configured:
        return Decision(False, "not_configured")
    user = user or {}
    if user.get("is_logged_in") is not True:
        return Decision(False, "anonymous")
    email = str(user.get("email") or "").strip().lower()
    m = _EMAIL.match(email)
    if not m:
        return Decision(False, "bad_email", email[:80])
    if user.get("email_verified") is False:
        return Decision(False, "unverified", email)
    domain = m.group(1)
    if email in s.emails or domain in s.domains or "*" in s.domains:
        return Decision(True, "allowed", email)
    return Decision(False, "not_listed", email)


def _current_user() -> dict:
    try:
        return st.user.to_dict()
    except Exception:  # noqa: BLE001 - no context / no auth section: anonymous
        return {}


def require_login() -> None:
    """Stop the script run unless the visitor may see data. No-op when login is off."""
    s = settings_from(st.secrets, broken=_secrets_file_broken())
    d = gate(_current_user(), s)
    if d.allowed:
        if d.reason == "allowed":
            with st.sidebar:
                st.caption(f"Ingelogd als {d.email}")
                st.button("Uitloggen", on_click=st.logout, key="zoo_auth_logout")
        return
    st.title("Zicht op ondermijning")
    if d.reason == "not_configured":
        st.error("Inloggen is verplicht, maar het inloggen is niet (goed) ingericht: er is geen leesbare "
                 "[auth]-sectie in .streamlit/secrets.toml. Neem contact op met de beheerder.")
    elif d.reason == "anonymous":
        st.info("Deze omgeving is alleen toegankelijk na inloggen.")
        st.button("Inloggen", type="primary", key="zoo_auth_login",
                  on_click=(lambda: st.login(s.provider)) if s.provider else st.login)
    else:
        why = {"unverified": "Uw e-mailadres is niet geverifieerd bij de identiteitsprovider.",
               "bad_email": "Uw account heeft geen geldig e-mailadres."}.get(d.reason, "")
        st.error(f"U bent ingelogd, maar dit account heeft geen toegang tot deze omgeving. {why} "
                 "Vraag toegang aan bij de beheerder.")
        st.button("Uitloggen", on_click=st.logout, key="zoo_auth_logout")
    st.stop()
