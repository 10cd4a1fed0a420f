"""Replacing the release file (atomic os.replace of a new build) under a connected session.

The running session must not crash and must show the new data on its next rerun; a new session
sees the new data too. The new build is simulated by a copy with one gemeente renamed.
"""
from __future__ import annotations

import os
import shutil

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from .nav import APP, navigation_pages, page_id

OLD, NEW = "Amsterdam", "Amsterdam-NIEUW"


def _new_build(src, target):
    tmp = target.with_name(".new-release.duckdb.tmp")
    shutil.copyfile(src, tmp)
    con = duckdb.connect(str(tmp))
    con.execute("UPDATE areas SET name = ? WHERE area_code = 'GM0363'", [NEW])
    con.execute("UPDATE release_info SET value = 'swapped' WHERE key = 'built_at'")
    con.execute("CHECKPOINT")
    con.close()
    os.replace(tmp, target)  # what zoo_core's atomic_duckdb does


def _home_labels(at):
    return list(at.selectbox(key="home:gemeente").options)


def _map_text(at) -> str:
    return "\n".join(d.proto.json + d.proto.tooltip for d in at.get("deck_gl_json_chart"))


def _swap(release_db, tmp_path, monkeypatch):
    """Render home and a theme page, replace the release file, rerun both. Returns (home, theme)."""
    live = tmp_path / "release.duckdb"
    shutil.copyfile(release_db, live)
    monkeypatch.setenv("ZOO_DB", str(live))

    home = AppTest.from_file(str(APP), default_timeout=90)
    home.switch_page("pages/home.py")
    home.run()
    theme = AppTest.from_file(str(APP), default_timeout=90)
    theme.switch_page("pages/vastgoed.py")
    theme.run()
    assert not home.exception and not theme.exception
    assert OLD in _home_labels(home) and NEW not in _home_labels(home)
    assert OLD in _map_text(theme) and NEW not in _map_text(theme)

    _new_build(release_db, live)

    home.run()   # the connected session reruns (any widget interaction does this)
    theme.run()
    return home, theme


def test_replace_release_does_not_break_a_connected_session(release_db, tmp_path, monkeypatch):
    home, theme = _swap(release_db, tmp_path, monkeypatch)
    for at in (home, theme):
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
    assert "home:gemeente" in home.session_state and theme.get("deck_gl_json_chart")


def test_replace_release_new_data_visible(release_db, tmp_path, monkeypatch):
    home, theme = _swap(release_db, tmp_path, monkeypatch)
    assert NEW in _home_labels(home) and OLD not in _home_labels(home)
    assert NEW in _map_text(theme)

    fresh = AppTest.from_file(str(APP), default_timeout=90)
    fresh.switch_page("pages/home.py")
    fresh.run()
    assert not fresh.exception and NEW in _home_labels(fresh)


@pytest.mark.parametrize("script", navigation_pages(), ids=page_id)
@pytest.mark.parametrize("broken", ["missing", "corrupt", "not_a_release"])
def test_broken_release_on_every_page_shows_rebuild_command(script, broken, tmp_path, monkeypatch):
    path = tmp_path / "release.duckdb"
    if broken == "corrupt":
        path.write_bytes(b"this is not a duckdb file" * 100)
    elif broken == "not_a_release":
        duckdb.connect(str(path)).close()  # a valid, empty DuckDB file
    monkeypatch.setenv("ZOO_DB", str(path))
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.switch_page(script)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and "-m zoo_core build" in at.error[0].value, [e.value for e in at.error]
    assert not at.get("deck_gl_json_chart") and not at.dataframe
