"""The Swagger UI at /docs works offline: everything it loads comes from this server."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import Kasse

CONTENT_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".json": "application/json",
}


class _References(HTMLParser):
    """Every URL the page loads or links: src and href attributes, and data-*-url ones."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is not None and (name in ("src", "href") or name.endswith("-url")):
                self.urls.append(value)


def references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.urls


async def test_docs_page_loads_only_same_origin_urls(kasse: Kasse) -> None:
    response = await kasse.client.get("/docs")
    assert response.status_code == 200
    urls = references(response.text)
    assert len(urls) >= 4  # style sheet, icon, bundle, start-up script (and the OpenAPI document)
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
    assert not re.search(r"https?://", response.text)


async def test_every_asset_of_the_docs_page_is_served(kasse: Kasse) -> None:
    page = await kasse.client.get("/docs")
    for url in references(page.text):
        response = await kasse.client.get(url)
        assert response.status_code == 200, url
        suffix = url[url.rindex(".") :]
        assert response.headers["content-type"].startswith(CONTENT_TYPES[suffix]), url


async def test_swagger_ui_starts_without_the_public_validator(kasse: Kasse) -> None:
    """Swagger UI would fetch a badge from a public validator; the start-up script turns it off."""
    script = await kasse.client.get("/docs/assets/swagger-ui-init.js")
    assert "validatorUrl: null" in script.text
    assert not re.search(r"https?://", script.text)


@pytest.mark.parametrize("path", ["/redoc", "/docs/oauth2-redirect"])
async def test_redoc_and_the_oauth_redirect_are_switched_off(kasse: Kasse, path: str) -> None:
    assert (await kasse.client.get(path)).status_code == 404
