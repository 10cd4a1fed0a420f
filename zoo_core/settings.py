"""Every setting zoo reads from its environment, with its default and what it does: the one place
they are read (a test checks that each is documented in the README or deploy/README.md).

Files that configure a deployment are not environment variables and live where their tools expect
them: `.streamlit/config.toml` (server), `.streamlit/secrets.toml` (login), `data/disclosure.toml`
(disclosure parameters, see zoo_core.disclosure.config). Which indicator file is read is a setting
(ZOO_INDICATORS) because a test or a second deployment points it elsewhere.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    def get(self, environ: Mapping[str, str] | None = None) -> str:
        value = (os.environ if environ is None else environ).get(self.name, "")
        return value if value.strip() else self.default


RELEASE = Setting("ZOO_DB", str(REPO / "data" / "release.duckdb"),
                  "the release file the app serves and the command line reads or writes")
LOGIN = Setting("ZOO_LOGIN", "", "1/true/yes/on: login is mandatory (needs [auth] in .streamlit/secrets.toml)")
INDICATORS = Setting("ZOO_INDICATORS", str(REPO / "data" / "indicators.toml"),
                     "the deployment's own themes and indicators (TOML), added to the built-in catalogue; "
                     "the default file is read only if it exists")
RERUN_LOG = Setting("ZOO_RERUN_LOG", "", "a file: every server rerun appends its page and script time (JSON lines)")
# Read by the tests and scripts only (listed so that they are documented too).
TEST_DB = Setting("ZOO_TEST_DB", "", "tests: reuse this built release instead of building one per session")
TEST_BASE = Setting("ZOO_TEST_BASE", str(REPO / "build" / "base.duckdb"),
                    "tests with ZOO_TEST_DB: the confidential base of that release (attacker tests)")
SHOTS = Setting("ZOO_SHOTS", "/tmp/zoo-shots", "browser tests: where screenshots of the journeys are saved")
TEST_TIMEOUT = Setting("ZOO_TEST_TIMEOUT", "3600", "scripts/test: seconds before the whole test run is stopped")

# Read by scripts/serve (a production replica), documented here with the others.
PORT = Setting("PORT", "8501", "scripts/serve: the port of this replica")
ADDRESS = Setting("ADDRESS", "127.0.0.1", "scripts/serve: the address it listens on (0.0.0.0 in a container)")
PYTHON = Setting("ZOO_PYTHON", ".venv/bin/python", "scripts/serve: the Python that runs the app")

ALL = (RELEASE, INDICATORS, LOGIN, RERUN_LOG, TEST_DB, TEST_BASE, SHOTS, TEST_TIMEOUT, PORT, ADDRESS, PYTHON)
# Shell-internal variables of scripts/server-args.sh, not settings.
INTERNAL = ("ZOO_HELP",)


def is_on(setting: Setting, environ: Mapping[str, str] | None = None) -> bool:
    return setting.get(environ).strip().lower() in {"1", "true", "yes", "on"}
