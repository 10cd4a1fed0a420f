"""The HTML document Streamlit serves, made Dutch: `<html lang="nl">` (WCAG 3.1.1).

Streamlit's index.html says lang="en" and has no setting for it. A screen reader reads a page in the
language the document declares, so Dutch text under lang="en" is read with English pronunciation.
This ASGI middleware rewrites that one attribute in HTML responses; every other response streams
through untouched. server.py puts it in front of the app, so the language is right without a proxy.
"""
from __future__ import annotations

ENGLISH = b'<html lang="en">'
DUTCH = b'<html lang="nl">'


class DutchDocument:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "." not in scope.get("path", "").rsplit("/", 1)[-1]:
            # A page (/, /drugs, ...), not a file: ask for the plain body, since a gzipped page cannot be
            # rewritten (HTML is a few kB). Files and API answers keep their compression.
            scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]}
        start: dict = {}
        chunks: list[bytes] = []

        async def rewrite(message) -> None:
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if not content_type.startswith(b"text/html"):
                    await send(message)
                    return
                start.update(message)
                return
            if message["type"] != "http.response.body" or not start:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks).replace(ENGLISH, DUTCH, 1)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)
