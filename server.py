"""What `streamlit run server.py` serves: the zoo app (app.py) behind a Dutch HTML document.

Streamlit finds the `app` object below and serves it with uvicorn; the pages, navigation and login
are app.py's. Tests of single pages (AppTest) use app.py directly.
"""
import streamlit as st
from starlette.middleware import Middleware

from ui.document import DutchDocument

app = st.App("app.py", middleware=[Middleware(DutchDocument)])
