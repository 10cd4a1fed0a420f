"""Shared Streamlit UI code: caching, URL state, maps, charts, widgets and the theme-page renderer."""
