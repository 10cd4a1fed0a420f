"""A virtual user that speaks Streamlit's websocket protocol, without a browser (for bench/load.py).

It sends what the browser sends (BackMsg rerun_script with the page and every widget's current value)
and reads the server's ForwardMsgs until the script run has finished, so the server does exactly the
work of a real session while this machine's CPU is not spent on rendering. What a user waits for in a
real browser is measured by the browser sessions that run alongside.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

EARLY_FOR_RERUN = 2  # ScriptFinishedStatus: the run was cut short by st.rerun(); another run follows


class ScriptError(RuntimeError):
    """The page showed an exception."""


@dataclass
class Selectbox:
    id: str
    options: list[str]
    value: str


@dataclass
class ProtocolUser:
    url: str  # ws://host:port/_stcore/stream
    timeout: float = 60.0
    pages: dict[str, str] = field(default_factory=dict)  # url path -> page script hash
    page_hash: str = ""
    query_string: str = ""
    selectboxes: dict[str, Selectbox] = field(default_factory=dict)  # by label

    async def __aenter__(self) -> ProtocolUser:
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.timeout)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def open(self, page: str) -> float:
        """Navigate to a page (as a link or a typed URL would); returns seconds until the run finished."""
        msg = BackMsg()
        msg.rerun_script.page_name = page
        if page in self.pages:
            msg.rerun_script.page_script_hash = self.pages[page]
        msg.rerun_script.query_string = ""
        self.selectboxes = {}
        return await self._run(msg)

    async def choose(self, label: str, pick: int) -> float:
        """Pick another option of selectbox `label` (the pick-th one other than the current)."""
        box = self.selectboxes[label]
        others = [o for o in box.options if o != box.value] or box.options
        box.value = others[pick % len(others)]
        msg = BackMsg()
        msg.rerun_script.page_script_hash = self.page_hash
        msg.rerun_script.query_string = self.query_string
        for other in self.selectboxes.values():
            state = msg.rerun_script.widget_states.widgets.add()
            state.id, state.string_value = other.id, other.value
        return await self._run(msg)

    async def _run(self, msg: BackMsg) -> float:
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        seen: dict[str, Selectbox] = {}
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await _recv(self.ws, self.timeout))
            kind = forward.WhichOneof("type")
            if kind == "navigation":  # with st.navigation, the page that runs and the pages there are
                self.page_hash = forward.navigation.page_script_hash
                self.pages = {p.url_pathname: p.page_script_hash for p in forward.navigation.app_pages}
            elif kind == "page_info_changed":
                self.query_string = forward.page_info_changed.query_string
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                if element.WhichOneof("type") == "exception":
                    raise ScriptError(element.exception.message[:160])
                if element.WhichOneof("type") == "selectbox":
                    seen[element.selectbox.label] = self._current(element.selectbox)
            elif kind == "script_finished" and forward.script_finished != EARLY_FOR_RERUN:
                self.selectboxes = seen or self.selectboxes
                return time.perf_counter() - started


    def _current(self, box) -> Selectbox:
        """The value the browser would now hold: its own choice while the widget lives, else the
        value the server set, else the default."""
        known = self.selectboxes.get(box.label)
        if known is not None and known.id == box.id and known.value in box.options:
            value = known.value
        elif box.HasField("raw_value"):
            value = box.raw_value
        else:
            value = box.options[box.default] if box.options else ""
        return Selectbox(box.id, list(box.options), value)


async def _recv(ws, timeout: float) -> bytes:
    return await asyncio.wait_for(ws.recv(), timeout)
