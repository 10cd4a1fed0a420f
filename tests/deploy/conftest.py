import pytest


@pytest.fixture(autouse=True)
def _zoo_db(release_db, monkeypatch):
    """Every test here reads the test release unless it sets ZOO_DB itself."""
    monkeypatch.setenv("ZOO_DB", str(release_db))
    monkeypatch.delenv("ZOO_LOGIN", raising=False)

