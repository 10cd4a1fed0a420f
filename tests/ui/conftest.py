import shutil

import duckdb
import pytest


SENTINEL = 987654.321  # planted in every non-published cell; must never reach the browser


@pytest.fixture(autouse=True)
def _zoo_db(release_db, monkeypatch):
    """Every page test reads the test release."""
    monkeypatch.setenv("ZOO_DB", str(release_db))


@pytest.fixture
def downloads(monkeypatch) -> list:
    """Every payload handed to a download button (both st.download_button and column.download_button);
    a deferred payload (a callable, run by Streamlit only on a click) is generated here."""
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator
    seen: list = []
    method, function = DeltaGenerator.download_button, st.download_button

    def spy_method(self, label, data, *a, **kw):
        seen.append(data() if callable(data) else data)
        return method(self, label, data, *a, **kw)

    def spy_function(label, data, *a, **kw):
        seen.append(data() if callable(data) else data)
        return function(label, data, *a, **kw)
    monkeypatch.setattr(DeltaGenerator, "download_button", spy_method)
    monkeypatch.setattr(st, "download_button", spy_function)
    return seen


@pytest.fixture(scope="session")
def poisoned_db(release_db, tmp_path_factory):
    """A copy of the release with SENTINEL as value of every non-published cell."""
    path = tmp_path_factory.mktemp("leak") / "release.duckdb"
    shutil.copyfile(release_db, path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE cells SET value = ? WHERE status <> 'published'", [SENTINEL])
    assert con.execute("SELECT count(*) FROM cells WHERE value = ?", [SENTINEL]).fetchone()[0] > 0
    con.execute("UPDATE flows SET value = ? WHERE status <> 'published'", [SENTINEL])
    assert con.execute("SELECT count(*) FROM flows WHERE value = ?", [SENTINEL]).fetchone()[0] > 0
    con.close()
    return path
