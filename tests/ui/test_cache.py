"""ui/cache.py: the start-up warm-up fills the caches the default views read."""
from __future__ import annotations

import pytest
import streamlit as st

from ui import cache
from zoo_core import catalogue, profile as prof, reference, views


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def test_warm_start_answers_the_default_views_from_cache(monkeypatch):
    assert cache.warm().startswith("caches warmed in")

    def not_again(*_args, **_kwargs):
        raise AssertionError("computed again: the warm-up did not fill this cache")

    # After the warm-up, the default profile and every theme's default table come from the cache.
    monkeypatch.setattr(prof, "build_profile", not_again)
    monkeypatch.setattr(reference, "with_denominator", not_again)
    v = cache.version()
    choices = cache.choices(v)
    default_profile = views.ProfileView.parse({}, choices, None)[0]
    assert cache.profile(v, default_profile.own_key).gemeente == views.DEFAULT_GEMEENTE
    for theme in catalogue.demo_themes():
        view = views.ThemeView.parse(theme, {}, choices, None)[0]
        table, _, _ = cache.view_table(v, view.table_key)
        assert len(table) > 0
    # ... and a view the warm-up did not touch is computed (the patch above is live).
    other = views.ProfileView.parse({"gemeente": "GM0363"}, choices, None)[0]
    with pytest.raises(AssertionError, match="computed again"):
        cache.profile(v, other.own_key)


def test_warm_start_without_a_release_leaves_the_message_to_the_pages(monkeypatch, tmp_path):
    monkeypatch.setenv("ZOO_DB", str(tmp_path / "missing.duckdb"))
    done = cache.warm()
    assert done.startswith("warm-up skipped") and "missing.duckdb" in done
