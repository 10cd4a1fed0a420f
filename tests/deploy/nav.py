"""The pages in app.py's navigation, discovered from its source (so new pages are tested automatically)."""
from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"


def navigation_pages() -> list[str]:
    """Page scripts as written in `st.Page("pages/x.py", ...)` calls of app.py, in order."""
    tree = ast.parse(APP.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Page"
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append(node.args[0].value)
    found = list(dict.fromkeys(found))
    assert found, "no st.Page(...) found in app.py"
    return found


def page_id(script: str) -> str:
    return Path(script).stem
