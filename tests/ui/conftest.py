import pytest


@pytest.fixture(autouse=True)
def _zoo_db(release_db, monkeypatch):
    """Every page test reads the test release."""
    monkeypatch.setenv("ZOO_DB", str(release_db))
