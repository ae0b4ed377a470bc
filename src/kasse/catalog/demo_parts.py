"""What the demo's sections share: texts in both locales, pictures, the shop's content block."""

from __future__ import annotations

from typing import Any


def texts(de: str, en: str) -> dict[str, str]:
    return {"de": de, "en": en}


def picture(name: str, de: str, en: str) -> dict[str, Any]:
    """One picture for every format the API serves (``url``), with its caption and credit."""
    return {
        "url": f"/static/demo/{name}.jpg",
        "title": texts(de, en),
        "description": texts(f"{de} (Foto)", f"{en} (photo)"),
        "copyright_info": "© Museum für Kunst und Geschichte",
    }


def shop_texts(
    title: dict[str, str], sub_title: dict[str, str], text: dict[str, str]
) -> dict[str, Any]:
    """The content block shop front-ends read, as the reference shows it for every entry."""
    return {"shop_title": title, "shop_sub_title": sub_title, "shop_description": text}
