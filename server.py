"""What `streamlit run server.py` serves: the zoo app (app.py) behind a Dutch HTML document.

Streamlit finds the `app` object below and serves it with uvicorn; the pages, navigation and login
are app.py's. Tests of single pages (AppTest) use app.py directly.
"""
import asyncio
import contextlib
import sys

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

from ui.document import DutchDocument

# Streamlit would treat the folder pages/ next to app.py as old-style multipage pages until the first
# script run switched that off (ui.widgets.ensure_single_navigation): the first visitor after a start
# saw the raw file names in the sidebar for seconds. app.py's st.navigation is the only navigation.
PagesManager.uses_pages_directory = False


@contextlib.asynccontextmanager
async def warm_start(_app):
    """The first visitor after a start gets the same page as the next: the caches of the default views are
    filled before the server answers (ui.cache.warm; a few seconds, on the runtime's own caches)."""
    from ui import cache
    print(f"zoo: {await asyncio.to_thread(cache.warm)}", file=sys.stderr, flush=True)
    yield


app = st.App("app.py", middleware=[Middleware(DutchDocument)], lifespan=warm_start)
