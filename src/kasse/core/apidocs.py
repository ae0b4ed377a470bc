"""The Swagger UI at /docs, served whole from this server: no CDN, no inline script.

Its script, style sheet and icon come from the ``fastapi-offline`` package, the page's start-up
script from ``static/``; ReDoc is switched off (``FastAPI(redoc_url=None)``), one UI is enough.
"""

from __future__ import annotations

from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/docs"
ASSETS_PATH = f"{DOCS_PATH}/assets"


def _page(title: str, openapi_url: str, assets: str) -> str:
    title, openapi_url, assets = escape(title), escape(openapi_url), escape(assets)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/swagger-ui-init.js"></script>
</body>
</html>
"""


def install_swagger_ui(app: FastAPI) -> None:
    """Serve /docs and its assets; the app is made with ``docs_url=None, redoc_url=None``."""
    app.mount(
        ASSETS_PATH,
        StaticFiles(packages=[("fastapi_offline", "static"), ("kasse.core", "static")]),
        name="docs-assets",
    )
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get(DOCS_PATH, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        # behind a proxy that serves the app under a prefix, every URL carries that prefix
        root = request.scope.get("root_path", "")
        return HTMLResponse(
            _page(f"{app.title} - Swagger UI", root + openapi_url, root + ASSETS_PATH)
        )
