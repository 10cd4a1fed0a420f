"""Shared fixtures for the whole test tree."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def release_db(tmp_path_factory) -> Path:
    """Path to a release DuckDB file for tests.

    ZOO_TEST_DB lets a developer reuse an existing build (fast loop); otherwise
    build the demo release once per session so CI needs nothing pre-built.
    """
    if os.environ.get("ZOO_TEST_DB"):
        return Path(os.environ["ZOO_TEST_DB"]).resolve()
    out = tmp_path_factory.mktemp("release") / "release.duckdb"
    cmd = [sys.executable, "-m", "zoo_core", "build", "--out", str(out)]
    rc = subprocess.run(cmd, cwd=REPO, timeout=300).returncode
    if rc != 0:  # its stderr is shown under "Captured stderr setup"
        pytest.fail(f"release build failed (exit {rc}): {' '.join(cmd)}", pytrace=False)
    return out
