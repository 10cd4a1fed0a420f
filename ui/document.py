"""The HTML document Streamlit serves, made Dutch: `<html lang="nl">` (WCAG 3.1.1), and Streamlit's
own English labels in Dutch (3.1.2).

Streamlit's index.html says lang="en" and has no setting for it. A screen reader reads a page in the
language the document declares, so Dutch text under lang="en" is read with English pronunciation.
Streamlit's built-in controls (sidebar, menu, table toolbar, chart menu) carry English names
("Collapse sidebar", "Download as CSV"), read out in Dutch pronunciation on a Dutch page. This ASGI
middleware rewrites the one attribute and adds a small script (LABELS_NL) that gives those names
their Dutch text as Streamlit draws them, and one (HISTORY_STEPS) that keeps the back button on the
views the user chose; every other response streams through untouched. server.py
puts it in front of the app, so this holds without a proxy.
"""
from __future__ import annotations

import json

ENGLISH = b'<html lang="en">'
DUTCH = b'<html lang="nl">'

# Streamlit 1.67's accessible names and menu texts that zoo's pages show, with their Dutch text.
DUTCH_LABELS = {
    "Sidebar": "Zijbalk", "Collapse sidebar": "Zijbalk inklappen", "Expand sidebar": "Zijbalk uitklappen",
    "App pages": "Pagina's", "Navigate to home page": "Naar de startpagina", "Main menu": "Hoofdmenu",
    "Open": "Openen", "Close": "Sluiten", "Clear value": "Wissen", "Clear all": "Alles wissen",
    "Selected values": "Gekozen waarden", "Select...": "Kies...", "Running...": "Bezig...",
    "Stop script": "Stoppen", "Link to heading": "Link naar deze kop", "Copy to clipboard": "Kopiëren",
    "Fullscreen": "Volledig scherm", "Close fullscreen": "Volledig scherm sluiten",
    "Show/hide columns": "Kolommen tonen of verbergen", "Download as CSV": "Downloaden als CSV",
    "Search": "Zoeken", "Close Search": "Zoeken sluiten", "Next Result": "Volgende", "Previous Result": "Vorige",
    "Dataframe column menu": "Kolommenu", "Copy column name": "Kolomnaam kopiëren",
    "Show data": "Gegevens tonen", "Download as PNG": "Downloaden als PNG", "Download as SVG": "Downloaden als SVG",
    "Copy Vega-Lite spec": "Vega-Lite-specificatie kopiëren", "Copy version to clipboard": "Versie kopiëren",
    "Print": "Afdrukken", "Record screen": "Scherm opnemen", "Notifications": "Meldingen",
}
DUTCH_PREFIXES = {"Help for ": "Uitleg bij "}
LABELS_NL = ("<script>(() => {"
             f"const L = {json.dumps(DUTCH_LABELS, ensure_ascii=False)}, P = {json.dumps(DUTCH_PREFIXES)};"
             """
const ATTRS = ["aria-label", "title", "placeholder"];
const dutch = v => { if (L[v]) return L[v]; for (const k in P) if (v.startsWith(k)) return P[k] + v.slice(k.length); };
const fixEl = el => { for (const a of ATTRS) { const v = el.getAttribute(a), d = v && dutch(v); if (d) el.setAttribute(a, d); } };
const fixText = n => { const v = n.nodeValue.trim(), d = L[v]; if (d && n.parentElement
  && n.parentElement.closest("[role=menu], [role=menuitem], [data-testid=stMainMenuPopover]")) n.nodeValue = d; };
const walk = root => {
  if (root.nodeType === 3) { fixText(root); return; }
  if (root.nodeType !== 1) return;
  fixEl(root); root.querySelectorAll("[aria-label], [title], [placeholder]").forEach(fixEl);
  const t = document.createTreeWalker(root, NodeFilter.SHOW_TEXT); while (t.nextNode()) fixText(t.currentNode);
};
new MutationObserver(ms => { for (const m of ms) {
  if (m.type === "attributes") fixEl(m.target); else if (m.type === "characterData") fixText(m.target);
  else m.addedNodes.forEach(walk); } }).observe(document.documentElement,
  {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRS});
})();</script>""").encode()

# The back button steps through views the user chose (issue 13.4). Streamlit pushes a history entry
# whenever the address changes, also when a page writes the address of the view it opened on (a menu
# click gives /drugs, then /drugs?indicator=...): back then lands on the bare address, which reopens
# the same view, so the button seems to do nothing. An address change on the same page without any
# input from the user since the last change completes the current entry instead of adding one.
HISTORY_STEPS = b"""<script>(() => {
let input = false;
for (const e of ["pointerdown", "keydown"]) addEventListener(e, () => { input = true; }, true);
addEventListener("popstate", () => { input = false; });
const push = history.pushState.bind(history), replace = history.replaceState.bind(history);
history.pushState = (state, title, url) => {
  const same = url != null && new URL(url, location.href).pathname === location.pathname;
  const step = input || !same;
  input = false;
  return step ? push(state, title, url) : replace(state, title, url);
};
})();</script>"""


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
            body = b"".join(chunks).replace(ENGLISH, DUTCH, 1).replace(b"</head>", LABELS_NL + HISTORY_STEPS + b"</head>", 1)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)
