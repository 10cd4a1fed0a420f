"""Helpers for AppTest-based page tests: open a page of app.py with query params, collect what is sent."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from zoo_core import catalogue

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
THEMES = tuple(catalogue.demo_themes())  # every demo theme page (a new theme is tested without editing here)


def open_page(page: str, params: dict | None = None, timeout: float = 90, state: dict | None = None) -> AppTest:
    """The page after its first run; `state` is session state set before it (e.g. an open panel)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.switch_page(f"pages/{page}.py")
    at.run()
    return at


def decks(at: AppTest) -> list[dict]:
    return [json.loads(d.proto.json) for d in at.get("deck_gl_json_chart")]


def deck_features(at: AppTest, layer_id: str = "waarden") -> list[dict]:
    for deck in decks(at):
        for layer in deck["layers"]:
            if layer.get("id") == layer_id:
                return layer["data"]["features"]
    return []


def vega(at: AppTest) -> list:
    return list(at.get("vega_lite_chart")) + list(at.get("arrow_vega_lite_chart"))


def vega_frames(element) -> list:
    """The datasets of one Vega-Lite chart element, decoded from Arrow."""
    import pyarrow as pa
    return [pa.ipc.open_stream(ds.data.data).read_all().to_pandas() for ds in element.proto.datasets]


def vega_text(at: AppTest) -> str:
    """Spec plus every dataset of the page's Vega-Lite charts."""
    parts = []
    for el in vega(at):
        parts.append(el.proto.spec)
        parts += [frame.to_csv() for frame in vega_frames(el)]
    return "\n".join(parts)


def all_text(at: AppTest) -> str:
    """Everything the page sends that a person or a browser could see."""
    parts = [json.dumps(dict(at.query_params))]
    for d in at.get("deck_gl_json_chart"):
        parts += [d.proto.json, d.proto.tooltip]
    parts.append(vega_text(at))
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    for kind in ("markdown", "caption", "warning", "info", "error", "title", "subheader", "table"):
        for el in at.get(kind):
            parts.append(str(getattr(el, "value", el.proto)))
    for sb in at.selectbox:
        parts.append(str(sb.value))
    for el in at.get("html"):  # st.html: styles, and print copies with images as base64 data addresses
        body = el.proto.body
        parts.append(body)
        parts += [base64.b64decode(data).decode() for data in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", body)]
    return "\n".join(parts)
